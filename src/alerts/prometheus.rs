//! Prometheus alerting rules (the rule-file format `promtool check rules` reads).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Watch, prom_duration};
use crate::error::Result;

#[derive(Serialize)]
struct RuleFile {
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    alert: String,
    expr: String,
    #[serde(rename = "for")]
    for_: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

pub(super) fn rules(watches: &[Watch]) -> Result<String> {
    let file = RuleFile {
        groups: vec![Group {
            name: "tta_performance".into(),
            rules: watches
                .iter()
                .map(|w| Rule {
                    alert: w.name.into(),
                    expr: format!("{} > {}", w.query, w.limit),
                    for_: prom_duration(w.for_s),
                    labels: [("severity".to_string(), w.severity.as_str().to_string())].into(),
                    annotations: [
                        (
                            "summary".to_string(),
                            format!(
                                "TTA {} above {} for {}",
                                w.title,
                                w.limit_text,
                                prom_duration(w.for_s)
                            ),
                        ),
                        (
                            "description".to_string(),
                            format!("{} is {{{{ $value }}}}", w.title),
                        ),
                        ("source".to_string(), w.source.clone()),
                    ]
                    .into(),
                })
                .collect(),
        }],
    };
    Ok(format!(
        "# Written by `tta-bench export-alerts` from thresholds.yaml; edit that file, not this one.\n{}",
        crate::yaml::to_string(&file)?
    ))
}
