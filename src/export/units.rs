//! Human-readable figures.

/// Formats nanoseconds with a unit that keeps three significant digits: `812 ns`, `3.40 µs`,
/// `12.3 ms`, `1.50 s`.
pub fn duration_ns(ns: f64) -> String {
    let (v, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", sig3(v))
}

/// Milliseconds as [`duration_ns`] shows them.
pub fn ms(v: f64) -> String {
    duration_ns(v * 1e6)
}

/// What became of an open-model run's arrivals, in one line for every output.
pub fn arrivals_account(a: &crate::run::arrival::ArrivalReport) -> String {
    format!(
        "{} arrivals scheduled: {} sent, {} skipped (a value not captured yet), {} dropped ({:.2} %), {} unanswered at the end; lag behind the schedule p50 {}, p99 {}, max {}; and {} requests of users logging in before the schedule",
        a.scheduled,
        a.sent,
        a.skipped,
        a.dropped,
        a.dropped_share * 100.0,
        a.unanswered,
        ms(a.lag.p50_ms),
        ms(a.lag.p99_ms),
        ms(a.lag.max_ms),
        a.warm_up,
    )
}

/// A check's figure in its unit, as every output shows it: durations by [`duration_ns`],
/// shares, sizes and rates to one decimal, anything else to three.
pub fn figure(v: f64, unit: &str) -> String {
    match unit {
        "ms" => ms(v),
        "ns" => duration_ns(v),
        "%" => format!("{v:.1} %"),
        "MiB" => format!("{v:.1} MiB"),
        "req/s" => format!("{v:.1} req/s"),
        "MB/min" => format!("{v:.2} MB/min"),
        // Counts: whole numbers.
        "instr/call" | "guarded" | "sessions" => format!("{v:.0} {unit}"),
        "sessions/s" => format!("{v:.1} {unit}"),
        "ms/1000 sessions" => format!("{v:+.3} {unit}"),
        _ => format!("{v:.3} {unit}"),
    }
}

/// Escapes text for HTML and XML content and attribute values.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A ratio such as headroom: `1.25×`, `48.2×`, `12 345×`.
/// Bytes in whole MiB (`683 MiB`).
pub fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / 1048576.0)
}

pub fn ratio(r: f64) -> String {
    if r >= 1000.0 {
        let whole = format!("{:.0}", r);
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        format!("{grouped}×")
    } else {
        format!("{}×", sig3(r))
    }
}

fn sig3(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_ratios() {
        assert_eq!(duration_ns(812.4), "812 ns");
        assert_eq!(duration_ns(3_404.0), "3.40 µs");
        assert_eq!(duration_ns(12_345_678.0), "12.3 ms");
        assert_eq!(duration_ns(1.5e9), "1.50 s");
        assert_eq!(ratio(1.25), "1.25×");
        assert_eq!(ratio(48.24), "48.2×");
        assert_eq!(ratio(12_345.4), "12 345×");
        assert_eq!(ratio(1_234_567.0), "1 234 567×");
    }

    #[test]
    fn counts_are_whole_and_other_units_keep_three_decimals() {
        assert_eq!(figure(13_750.35, "instr/call"), "13750 instr/call");
        assert_eq!(figure(34.0, "guarded"), "34 guarded");
        assert_eq!(figure(1.23456, "x"), "1.235 x");
    }
}
