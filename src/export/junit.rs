//! JUnit XML: one testcase per check, in a suite per kind (sla, regression). A failing check is a
//! `<failure>` carrying the numbers; a warning or an unjudged check is `<skipped>` with the reason.

use super::{Document, Exporter};
use crate::check::{CheckKind, Status};
use crate::error::{Error, Result};

pub struct Junit;

use super::units::escape_markup as esc;

impl Exporter for Junit {
    fn render(&self, doc: Document<'_>) -> Result<String> {
        let Document::Verdict(v, _) = doc else {
            return Err(Error::Usage(
                "JUnit output is for verdicts (check, gate)".into(),
            ));
        };
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let failures = v.checks.iter().filter(|c| c.status == Status::Fail).count();
        out.push_str(&format!(
            "<testsuites name=\"tta-bench\" tests=\"{}\" failures=\"{failures}\">\n",
            v.checks.len()
        ));
        for kind in CheckKind::ALL {
            let name = kind.name();
            let checks: Vec<_> = v.checks.iter().filter(|c| c.kind() == kind).collect();
            let f = checks.iter().filter(|c| c.status == Status::Fail).count();
            let skipped = checks
                .iter()
                .filter(|c| matches!(c.status, Status::Warn | Status::Skipped))
                .count();
            out.push_str(&format!(
                "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{f}\" skipped=\"{skipped}\">\n",
                checks.len()
            ));
            for c in checks {
                let numbers = format!(
                    "{} = {:.3} {}, limit {} {:.3} {}",
                    c.name(),
                    c.actual,
                    c.unit,
                    c.comparison,
                    c.limit,
                    c.unit
                );
                let why = c.detail.clone().unwrap_or_else(|| c.source.clone());
                out.push_str(&format!(
                    "    <testcase classname=\"tta-bench.{name}\" name=\"{}\">",
                    esc(&c.name())
                ));
                match c.status {
                    Status::Fail => out.push_str(&format!(
                        "<failure message=\"{}\">{}</failure>",
                        esc(&numbers),
                        esc(&format!("{numbers}; {why}"))
                    )),
                    Status::Warn => out.push_str(&format!(
                        "<skipped message=\"{}\"/>",
                        esc(&format!("warning: {numbers}; {why}"))
                    )),
                    Status::Skipped => {
                        out.push_str(&format!("<skipped message=\"{}\"/>", esc(&why)))
                    }
                    _ => {}
                }
                out.push_str("</testcase>\n");
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        Ok(out)
    }
}
