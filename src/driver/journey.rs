//! What both executors do with a journey step, apart from sending it: a simulated user's
//! variables, the step rendered from them (path, body, bearer token), the outcome of its
//! answer, and the values captured from it.

use std::collections::BTreeMap;

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::Value;

use crate::scenario::template::{render, render_value};
use crate::scenario::{Journey, Step};
use tta_stats::RequestOutcome;

/// Variables of one simulated user.
#[derive(Debug, Clone, Default)]
pub struct UserVars(BTreeMap<String, String>);

impl UserVars {
    /// The built-ins of the `n`-th user (from 1) of `journey`: `n`, `username`, `password`.
    pub fn new(journey: &Journey, n: usize) -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("n".to_string(), n.to_string());
        let username = render(&journey.username, &|k: &str| {
            vars.get(k).map(String::as_str)
        })
        .unwrap_or_default();
        vars.insert("username".to_string(), username);
        vars.insert("password".to_string(), journey.password.clone());
        Self(vars)
    }

    /// Stores what `step` captures from a JSON answer; a capture the answer lacks is removed,
    /// so later steps needing it wait (e.g. no active alert to acknowledge).
    pub fn capture(&mut self, step: &Step, json: &Value) {
        for (var, pointer) in &step.capture {
            match json.pointer(pointer) {
                Some(Value::String(v)) => {
                    self.0.insert(var.clone(), v.clone());
                }
                Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                    self.0.insert(var.clone(), v.to_string());
                }
                _ => {
                    self.0.remove(var);
                }
            }
        }
    }
}

/// A step ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub path: String,
    /// `None`: no body.
    pub body: Option<Value>,
    pub bearer: Option<String>,
}

/// Renders `step` for a user: one pick per pool (a pool shadows a capture of the same name),
/// then the user's variables. `None` when a variable it uses is not captured yet.
pub fn render_step<R: Rng + ?Sized>(
    journey: &Journey,
    step: &Step,
    vars: &UserVars,
    rng: &mut R,
) -> Option<Rendered> {
    let picks: Vec<(&str, &str)> = journey
        .pools
        .iter()
        .filter_map(|(name, pool)| pool.choose(rng).map(|v| (name.as_str(), v.as_str())))
        .collect();
    let lookup = |name: &str| -> Option<&str> {
        picks
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .or_else(|| vars.0.get(name).map(String::as_str))
    };
    let path = render(&step.path, &lookup)?;
    let body = match &step.body {
        Some(b) => Some(render_value(b, &lookup)?),
        None => None,
    };
    Some(Rendered {
        path,
        body,
        bearer: journey.bearer.as_ref().and_then(|b| vars.0.get(b)).cloned(),
    })
}

/// The host a Location header points to (`127.0.0.2:8080`), or "the same host" for a relative
/// one: what a run shows of a redirect it did not follow.
fn location_host(location: &str) -> String {
    match location.split_once("://") {
        Some((_, rest)) => rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
        None => "the same host".to_string(),
    }
}

/// The route key of a step: method and path template, `{{x}}` written `{x}`.
pub fn route_key(step: &Step) -> String {
    let path = step.path.replace("{{", "{").replace("}}", "}");
    let path = path.split('?').next().unwrap_or(&path).to_string();
    format!("{} {path}", step.method.as_str())
}

/// The kind of a transport error, as counted in a run's errors.
pub fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    }
}

/// Reads the answer to `step` (or the error sent instead): its outcome, and the JSON to
/// capture from when the step captures anything.
pub async fn answer(
    response: Result<reqwest::Response, reqwest::Error>,
    step: &Step,
) -> (RequestOutcome, Option<Value>) {
    match response {
        Err(e) => (
            RequestOutcome::Transport(transport_kind(&e).to_string()),
            None,
        ),
        Ok(resp) => {
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let body = resp.bytes().await;
            let body = body.as_deref().map_err(|e| transport_kind(e));
            outcome(status, location.as_deref(), body, step)
        }
    }
}

/// The outcome of an answer with `status` whose body was read (or failed with a transport
/// error of that kind) to `step`, and the JSON to capture from when the step captures anything.
pub fn outcome(
    status: u16,
    location: Option<&str>,
    body: Result<&[u8], &'static str>,
    step: &Step,
) -> (RequestOutcome, Option<Value>) {
    let outcome = match (body, status == step.expect) {
        (Err(kind), _) => RequestOutcome::Transport(kind.to_string()),
        (Ok(_), true) => RequestOutcome::Ok,
        (Ok(_), false) if (300..400).contains(&status) => RequestOutcome::Redirect {
            got: status,
            expected: step.expect,
            to: location.map_or_else(|| "nowhere (no Location)".to_string(), location_host),
        },
        (Ok(_), false) => RequestOutcome::Status {
            got: status,
            expected: step.expect,
        },
    };
    let captured = match (&outcome, body) {
        (RequestOutcome::Ok, Ok(bytes)) if !step.capture.is_empty() => {
            serde_json::from_slice::<Value>(bytes).ok()
        }
        _ => None,
    };
    (outcome, captured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_names_where_it_pointed() {
        assert_eq!(
            location_host("http://127.0.0.2:41000/api/v1/auth/login"),
            "127.0.0.2:41000"
        );
        assert_eq!(location_host("https://example.org?x=1"), "example.org");
        assert_eq!(location_host("/elsewhere"), "the same host");
    }
}
