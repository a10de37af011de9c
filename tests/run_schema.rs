//! A run as the binary writes it, held to the published run-result schema.

use serde_json::Value;

/// The published schema names exactly the fields the binary writes, at every level it describes
/// (fields of the open model only in an open-model run).
pub(crate) fn held_to_schema(run: &Value) {
    crate::support::assert_valid(include_str!("../schema/run-result.schema.json"), run);
    let schema: Value =
        serde_json::from_str(include_str!("../schema/run-result.schema.json")).unwrap();
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let open = run["executor"] == "arrival-rate";
    let props = |v: &Value| -> Vec<String> {
        keys(&v["properties"])
            .into_iter()
            .filter(|k| open || !["arrival", "open"].contains(&k.as_str()))
            .collect()
    };
    let top: Vec<String> = props(&schema)
        .into_iter()
        .filter(|k| {
            !["interrupted", "idle", "sessions"].contains(&k.as_str()) || run.get(k).is_some()
        })
        .collect();
    assert_eq!(keys(run), top, "top level");
    let defs = &schema["$defs"];
    assert_eq!(keys(&run["totals"]), props(&defs["summary"]), "summary");
    let (_, route) = run["routes"].as_object().unwrap().iter().next().unwrap();
    assert_eq!(keys(route), props(&defs["series"]), "series");
    if open {
        assert_eq!(
            keys(&route["open"]),
            props(&defs["open_series"]),
            "open series"
        );
        let arrival: Vec<String> = props(&defs["arrival_report"])
            .into_iter()
            .filter(|k| k != "generator_behind" || run["arrival"].get(k).is_some())
            .collect();
        assert_eq!(keys(&run["arrival"]), arrival, "arrival report");
    }
    assert_eq!(
        keys(&run["resources"]["summaries"]["server"]),
        props(&defs["resource_summary"]),
        "resource summary"
    );
    assert_eq!(
        keys(&run["resources"]["processes"]["server"][0]),
        props(&defs["sample"]),
        "sample"
    );
    assert_eq!(
        keys(&run["checks"][0]),
        props(&schema["properties"]["checks"]["items"]),
        "check"
    );
    let profile_props: Vec<String> = props(&schema["properties"]["profile"])
        .into_iter()
        .filter(|k| {
            run["profile"].get(k).is_some()
                || !["arrival", "throttle_rps", "sessions"].contains(&k.as_str())
        })
        .collect();
    assert_eq!(keys(&run["profile"]), profile_props, "profile");
    assert_eq!(
        keys(&run["environment"]),
        props(&schema["properties"]["environment"]),
        "environment"
    );
}
