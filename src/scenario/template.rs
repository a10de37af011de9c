//! `{{name}}` templates in paths and bodies.

use serde_json::Value;

/// The variables a template string uses, or what is wrong with it.
pub fn variables(template: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| format!("unclosed {{{{ in {template:?}"))?;
        let name = after[..close].trim();
        let valid = !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(format!("bad variable name {name:?} in {template:?}"));
        }
        out.push(name.to_string());
        rest = &after[close + 2..];
    }
    if rest.contains("}}") {
        return Err(format!("}} without {{{{ in {template:?}"));
    }
    Ok(out)
}

/// Every variable used in the strings of a JSON value.
pub fn value_variables(v: &Value) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    match v {
        Value::String(s) => out.extend(variables(s)?),
        Value::Array(a) => {
            for x in a {
                out.extend(value_variables(x)?);
            }
        }
        Value::Object(m) => {
            for x in m.values() {
                out.extend(value_variables(x)?);
            }
        }
        _ => {}
    }
    Ok(out)
}

/// Fills a validated template with `lookup`'s values; `None` when a variable has no value yet
/// (e.g. a capture from a step that has not run).
pub fn render<'v>(template: &str, lookup: &impl Fn(&str) -> Option<&'v str>) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        out.push_str(lookup(after[..close].trim())?);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// Fills every string of a JSON value. A string that is exactly one `{{var}}` whose value is a
/// number stays a string: bodies are what the scenario author wrote.
pub fn render_value<'v>(v: &Value, lookup: &impl Fn(&str) -> Option<&'v str>) -> Option<Value> {
    Some(match v {
        Value::String(s) => Value::String(render(s, lookup)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| render_value(x, lookup))
                .collect::<Option<_>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Some((k.clone(), render_value(x, lookup)?)))
                .collect::<Option<_>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn finds_and_checks_variables() {
        assert_eq!(
            variables("/a/{{session_id}}/b/{{ n }}").unwrap(),
            ["session_id", "n"]
        );
        assert!(variables("/a/{{x").unwrap_err().starts_with("unclosed"));
        assert!(
            variables("/a/{{}}")
                .unwrap_err()
                .starts_with("bad variable name")
        );
        assert!(
            variables("/a/{{X-1}}")
                .unwrap_err()
                .starts_with("bad variable name")
        );
        assert!(variables("/a/x}}").is_err());
        assert_eq!(
            value_variables(&json!({ "a": ["{{x}}", 1], "b": "{{y}}" })).unwrap(),
            ["x", "y"]
        );
    }

    #[test]
    fn renders_or_reports_missing() {
        let vars: BTreeMap<String, String> = [("id".to_string(), "7".to_string())].into();
        let lookup = |k: &str| vars.get(k).map(String::as_str);
        assert_eq!(render("/s/{{id}}/c", &lookup).as_deref(), Some("/s/7/c"));
        assert_eq!(render("/s/{{other}}", &lookup), None);
        assert_eq!(
            render_value(&json!({ "t": "id {{id}}", "n": 3 }), &lookup),
            Some(json!({ "t": "id 7", "n": 3 }))
        );
    }
}
