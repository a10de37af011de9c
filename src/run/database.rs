//! What the service's database cost over a run: the CPU of its calls and the most memory the
//! engine held, from the service's `/metrics` before and after the load
//! (`tta_db_cpu_seconds_total`, `tta_db_memory_peak_bytes`).

use serde::{Deserialize, Serialize};

use super::exposition::value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseUsage {
    /// Seconds between the two readings.
    pub seconds: f64,
    /// CPU seconds spent in database calls between them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_seconds: Option<f64>,
    /// The most memory the database engine had held by the end (since the service started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_peak_bytes: Option<u64>,
}

impl DatabaseUsage {
    /// From two expositions `seconds` apart; none when the service reports neither figure.
    pub fn between(before: &str, after: &str, seconds: f64) -> Option<Self> {
        let cpu = "tta_db_cpu_seconds_total";
        let cpu_seconds = value(after, cpu)
            .zip(value(before, cpu))
            .map(|(a, b)| a - b)
            .filter(|d| *d >= 0.0);
        let memory_peak_bytes = value(after, "tta_db_memory_peak_bytes").map(|v| v as u64);
        (cpu_seconds.is_some() || memory_peak_bytes.is_some()).then_some(Self {
            seconds,
            cpu_seconds,
            memory_peak_bytes,
        })
    }

    /// The database's CPU as a share of the machine's `logical_cpus`, in percent.
    pub fn cpu_share_percent(&self, logical_cpus: usize) -> Option<f64> {
        let cpu = self.cpu_seconds?;
        (self.seconds > 0.0).then(|| cpu / self.seconds / logical_cpus.max(1) as f64 * 100.0)
    }

    /// "0.412 CPU s in its calls over 8.3 s (2.6 % of 2 CPUs), memory peak 3.1 MiB", for the
    /// terminal and the report.
    pub fn describe(&self, logical_cpus: usize) -> String {
        let cpu = match (self.cpu_seconds, self.cpu_share_percent(logical_cpus)) {
            (Some(s), Some(share)) => format!(
                "{s:.3} CPU s in its calls over {:.1} s ({share:.1} % of {logical_cpus} CPUs)",
                self.seconds
            ),
            _ => "CPU not reported".into(),
        };
        let memory = self
            .memory_peak_bytes
            .map_or("memory not reported".into(), |b| {
                format!("memory peak {:.1} MiB", b as f64 / 1048576.0)
            });
        format!("{cpu}, {memory}")
    }

    /// Repetitions as one: seconds and CPU added, the highest memory peak; a figure kept only
    /// if every run has it.
    pub fn pooled<'a>(runs: impl IntoIterator<Item = Option<&'a DatabaseUsage>>) -> Option<Self> {
        let mut out: Option<Self> = None;
        for d in runs {
            let d = d?;
            out = Some(match out {
                None => d.clone(),
                Some(o) => Self {
                    seconds: o.seconds + d.seconds,
                    cpu_seconds: o.cpu_seconds.zip(d.cpu_seconds).map(|(a, b)| a + b),
                    memory_peak_bytes: o
                        .memory_peak_bytes
                        .zip(d.memory_peak_bytes)
                        .map(|(a, b)| a.max(b)),
                },
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_a_difference_and_memory_the_last_peak() {
        let before = "tta_db_cpu_seconds_total 1.5\ntta_db_memory_peak_bytes 100\n";
        let after = "tta_db_cpu_seconds_total 2.5\ntta_db_memory_peak_bytes 300\n";
        let d = DatabaseUsage::between(before, after, 10.0).unwrap();
        assert_eq!((d.cpu_seconds, d.memory_peak_bytes), (Some(1.0), Some(300)));
        // 1 CPU second in 10 s on 2 CPUs: 5 % of the machine.
        assert_eq!(d.cpu_share_percent(2), Some(5.0));
        assert_eq!(DatabaseUsage::between("", "", 1.0), None);
        // A counter gone backwards (a restart): no CPU figure.
        let back = DatabaseUsage::between(after, before, 1.0).unwrap();
        assert_eq!(back.cpu_seconds, None);
        let p = DatabaseUsage::pooled([Some(&d), Some(&back)]).unwrap();
        assert_eq!(
            (p.seconds, p.cpu_seconds, p.memory_peak_bytes),
            (11.0, None, Some(300))
        );
        assert_eq!(DatabaseUsage::pooled([Some(&d), None]), None);
    }
}
