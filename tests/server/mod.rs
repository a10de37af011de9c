//! `tta-bench serve`: the real binary on 127.0.0.1:0, driven with reqwest.

mod api;
mod cache;
mod cleanup;
mod disk;
mod fuzz;
mod guards;
mod login;

use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};
use tta_bench::EmbeddedServer;

pub const SECRET: &str = "integration-test-secret-of-32-bytes!";

/// A running server (the library's own spawner); stopped with SIGTERM when dropped.
pub struct Server {
    server: EmbeddedServer,
    pub url: String,
    pub client: Client,
}

impl Server {
    pub fn start(extra: &[&str]) -> Self {
        let mut args: Vec<String> = vec!["--seed-users".into(), "8".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        let exe = assert_cmd::cargo::cargo_bin("tta-bench");
        let server = EmbeddedServer::spawn(&exe, &args, &[("TTA_JWT_SECRET", SECRET)])
            .expect("server starts");
        assert!(
            server.url.starts_with("http://127.0.0.1:"),
            "first line is the URL: {:?}",
            server.url
        );
        Self {
            url: server.url.clone(),
            server,
            client: Client::new(),
        }
    }

    /// An unlabelled counter of /metrics, if the service reports it.
    pub fn counter(&self, name: &str) -> Option<u64> {
        let text = self.get("/metrics", None).text().unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .map(|v| v.parse().unwrap())
    }

    /// Stops the server with SIGTERM and waits; returns its exit code.
    pub fn stop(self) -> Option<i32> {
        self.server.stop()
    }

    pub fn login(&self, user: &str) -> String {
        let r = self.post(
            "/api/v1/auth/login",
            None,
            &json!({ "username": user, "password": "tta-bench" }),
        );
        assert_eq!(r.status(), 200, "login {user}");
        r.json::<Value>().unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn req(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::blocking::RequestBuilder {
        let mut b = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            b = b.bearer_auth(t);
        }
        b
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.req(reqwest::Method::GET, path, token).send().unwrap()
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.req(reqwest::Method::POST, path, token)
            .json(body)
            .send()
            .unwrap()
    }

    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.req(reqwest::Method::PATCH, path, token)
            .json(body)
            .send()
            .unwrap()
    }

    pub fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.req(reqwest::Method::PUT, path, token)
            .json(body)
            .send()
            .unwrap()
    }

    pub fn post_raw(&self, path: &str, token: Option<&str>, body: &str) -> Response {
        self.req(reqwest::Method::POST, path, token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .unwrap()
    }

    /// Reads session `id` as `token`'s patient.
    pub fn session(&self, token: &str, id: u64) -> Value {
        let r = self.get(&format!("/api/patient/sessions/{id}"), Some(token));
        assert_eq!(r.status(), 200, "session {id}");
        r.json().unwrap()
    }

    /// Creates a session for `token`'s patient and returns its id.
    pub fn new_session(&self, token: &str) -> u64 {
        let r = self.post("/api/patient/sessions", Some(token), &json!({}));
        assert_eq!(r.status(), 201);
        r.json::<Value>().unwrap()["id"].as_u64().unwrap()
    }
}

/// Asserts a status and a JSON error body with the given code; returns the message.
pub fn expect_error(r: Response, status: u16, code: &str) -> String {
    assert_eq!(r.status(), status, "expected {status} {code}");
    let body: Value = r.json().expect("error bodies are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    body["error"]["message"].as_str().unwrap().to_string()
}
