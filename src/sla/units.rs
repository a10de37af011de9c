//! Quantities with units, as thresholds.yaml writes them: durations (`250us`, `200ms`, `1s`),
//! sizes (`100MB`, `512MiB`), percentages (`80%`), rates (`50rps`) and write rates
//! (`10MB/min`). A bare number or an
//! unknown unit is an error: a threshold without its unit is a bug waiting to happen.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kinds of quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Duration,
    Size,
    Percent,
    Rate,
    /// Bytes written per unit of time.
    ByteRate,
}

/// A non-negative quantity in base units: nanoseconds, bytes, percent, requests per second,
/// bytes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    pub kind: Kind,
    pub value: f64,
}

impl Quantity {
    /// Parses `text`, which must have one of `kind`'s units.
    pub fn parse(text: &str, kind: Kind) -> Result<Self, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("{t:?} has no unit (expected {})", units_of(kind)))?;
        let (num, unit) = (&t[..split], t[split..].trim());
        let n: f64 = num
            .parse()
            .map_err(|_| format!("{t:?} is not a number followed by a unit"))?;
        let factor = match (kind, unit) {
            (Kind::Duration, "ns") => 1.0,
            (Kind::Duration, "us" | "µs") => 1e3,
            (Kind::Duration, "ms") => 1e6,
            (Kind::Duration, "s") => 1e9,
            (Kind::Duration, "min") => 60e9,
            (Kind::Duration, "h") => 3600e9,
            (Kind::Size, "B") => 1.0,
            (Kind::Size, "KB") => 1e3,
            (Kind::Size, "MB") => 1e6,
            (Kind::Size, "GB") => 1e9,
            (Kind::Size, "KiB") => 1024.0,
            (Kind::Size, "MiB") => 1024.0 * 1024.0,
            (Kind::Size, "GiB") => 1024.0 * 1024.0 * 1024.0,
            (Kind::Percent, "%") => 1.0,
            (Kind::Rate, "rps" | "req/s") => 1.0,
            (Kind::Rate, "rpm" | "req/min") => 1.0 / 60.0,
            (Kind::ByteRate, "B/s") => 1.0,
            (Kind::ByteRate, "KB/s") => 1e3,
            (Kind::ByteRate, "MB/s") => 1e6,
            (Kind::ByteRate, "KB/min") => 1e3 / 60.0,
            (Kind::ByteRate, "MB/min") => 1e6 / 60.0,
            (Kind::ByteRate, "GB/min") => 1e9 / 60.0,
            _ => {
                return Err(format!(
                    "{t:?}: unit {unit:?} is not one of {}",
                    units_of(kind)
                ));
            }
        };
        let value = n * factor;
        if !value.is_finite() {
            return Err(format!("{t:?} is not a finite quantity"));
        }
        Ok(Self { kind, value })
    }

    /// Milliseconds of a duration.
    pub fn ms(&self) -> f64 {
        self.value / 1e6
    }

    /// Megabytes (10^6 bytes) per minute of a write rate.
    pub fn mb_per_minute(&self) -> f64 {
        self.value * 60.0 / 1e6
    }
}

fn units_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Duration => "ns, us, ms, s, min, h",
        Kind::Size => "B, KB, MB, GB, KiB, MiB, GiB",
        Kind::Percent => "%",
        Kind::Rate => "rps, rpm",
        Kind::ByteRate => "B/s, KB/s, MB/s, KB/min, MB/min, GB/min",
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Duration => write!(f, "{}", crate::export::units::duration_ns(self.value)),
            Kind::Size => write!(f, "{:.1} MiB", self.value / 1048576.0),
            Kind::Percent => write!(f, "{}%", self.value),
            Kind::Rate => write!(f, "{} req/s", self.value),
            Kind::ByteRate => write!(f, "{} MB/min", self.mb_per_minute()),
        }
    }
}

/// Typed wrappers so serde knows which units a field takes.
macro_rules! quantity_type {
    ($name:ident, $kind:expr) => {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name(pub Quantity);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Quantity::parse(&text, $kind)
                    .map($name)
                    .map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.to_string())
            }
        }
    };
}

quantity_type!(Duration, Kind::Duration);
quantity_type!(Size, Kind::Size);
quantity_type!(Percent, Kind::Percent);
quantity_type!(Rate, Kind::Rate);
quantity_type!(ByteRate, Kind::ByteRate);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_refuses_the_rest() {
        assert_eq!(Quantity::parse("200ms", Kind::Duration).unwrap().value, 2e8);
        assert_eq!(
            Quantity::parse("1.5 s", Kind::Duration).unwrap().ms(),
            1500.0
        );
        assert_eq!(
            Quantity::parse("250us", Kind::Duration).unwrap().value,
            250_000.0
        );
        assert_eq!(
            Quantity::parse("512MiB", Kind::Size).unwrap().value,
            536_870_912.0
        );
        assert_eq!(Quantity::parse("80%", Kind::Percent).unwrap().value, 80.0);
        assert_eq!(Quantity::parse("600rpm", Kind::Rate).unwrap().value, 10.0);
        assert_eq!(
            Quantity::parse("200", Kind::Duration).unwrap_err(),
            "\"200\" has no unit (expected ns, us, ms, s, min, h)"
        );
        assert_eq!(
            Quantity::parse("5min", Kind::Duration).unwrap().value,
            300e9
        );
        assert_eq!(
            Quantity::parse("200MB", Kind::Duration).unwrap_err(),
            "\"200MB\": unit \"MB\" is not one of ns, us, ms, s, min, h"
        );
        assert!(
            Quantity::parse("-5ms", Kind::Duration).is_err(),
            "negative limits are refused"
        );
        assert!(Quantity::parse("ms", Kind::Duration).is_err());
        let rate = Quantity::parse("10MB/min", Kind::ByteRate).unwrap();
        assert!((rate.value - 1e7 / 60.0).abs() < 1e-6);
        assert!((rate.mb_per_minute() - 10.0).abs() < 1e-9);
        assert_eq!(
            Quantity::parse("2 MB/s", Kind::ByteRate).unwrap().value,
            2e6
        );
        assert!(Quantity::parse("10MB", Kind::ByteRate).is_err());
    }
}
