//! A Grafana dashboard: one time-series panel per alert, its limit drawn as a threshold line,
//! plus request rate and p95 per route. Data source chosen by a dashboard variable.

use serde_json::{Value, json};

use super::{RATE_WINDOW, Watch, prom_duration};
use crate::error::{Error, Result};

/// Below the limit / above it: Okabe–Ito blue and vermillion, told apart without colour vision
/// by the drawn line and area.
const BELOW: &str = "#0072B2";
const ABOVE: &str = "#D55E00";

fn panel(
    (id, x, y): (u32, u32, u32),
    title: String,
    description: String,
    targets: Value,
    unit: &str,
    limit: Option<f64>,
) -> Value {
    let mut defaults = json!({ "unit": unit });
    if let Some(limit) = limit {
        defaults["thresholds"] = json!({
            "mode": "absolute",
            "steps": [ { "color": BELOW, "value": null }, { "color": ABOVE, "value": limit } ]
        });
        defaults["custom"] = json!({ "thresholdsStyle": { "mode": "line+area" } });
    }
    json!({
        "id": id,
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": { "type": "prometheus", "uid": "${datasource}" },
        "gridPos": { "h": 8, "w": 12, "x": x, "y": y },
        "targets": targets,
        "fieldConfig": { "defaults": defaults, "overrides": [] }
    })
}

pub(super) fn dashboard(watches: &[Watch]) -> Result<String> {
    let mut panels: Vec<Value> = watches
        .iter()
        .enumerate()
        .map(|(i, w)| {
            panel(
                (i as u32 + 1, (i as u32 % 2) * 12, (i as u32 / 2) * 8),
                format!(
                    "{} (alert {} above {} for {})",
                    w.title,
                    w.severity.as_str(),
                    w.limit_text,
                    prom_duration(w.for_s)
                ),
                format!("{}. Alert {}: {} > {}", w.source, w.name, w.query, w.limit),
                json!([{ "refId": "A", "expr": w.query, "legendFormat": w.title }]),
                w.unit,
                Some(w.limit),
            )
        })
        .collect();
    let job = watches
        .first()
        .and_then(|w| w.query.split("job=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("tta")
        .to_string();
    let y = (watches.len() as u32).div_ceil(2) * 8;
    panels.push(panel(
        (watches.len() as u32 + 1, 0, y),
        "requests per second by route".into(),
        "tta_requests_total, by route template".into(),
        json!([{ "refId": "A", "expr": format!("sum by (route) (rate(tta_requests_total{{job=\"{job}\"}}[{RATE_WINDOW}]))"), "legendFormat": "{{route}}" }]),
        "reqps",
        None,
    ));
    panels.push(panel(
        (watches.len() as u32 + 2, 12, y),
        "p95 by route".into(),
        "tta_request_duration_seconds, by route template".into(),
        json!([{ "refId": "A", "expr": format!("histogram_quantile(0.95, sum by (route, le) (rate(tta_request_duration_seconds_bucket{{job=\"{job}\"}}[{RATE_WINDOW}])))"), "legendFormat": "{{route}}" }]),
        "s",
        None,
    ));
    let d = json!({
        "title": "TTA performance (from tta-bench thresholds.yaml)",
        "uid": "tta-bench-performance",
        "tags": ["tta", "tta-bench"],
        "schemaVersion": 39,
        "version": 1,
        "editable": true,
        "refresh": "30s",
        "time": { "from": "now-6h", "to": "now" },
        "templating": { "list": [ {
            "name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus"
        } ] },
        "panels": panels
    });
    serde_json::to_string_pretty(&d)
        .map(|s| s + "\n")
        .map_err(|e| Error::Process(format!("writing the dashboard failed: {e}")))
}
