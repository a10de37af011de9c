//! `tta-bench serve`: the real binary on 127.0.0.1:0, driven with reqwest.

mod api;
mod fuzz;
mod guards;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

pub const SECRET: &str = "integration-test-secret-of-32-bytes!";

/// A running server; stopped with SIGTERM (graceful) when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub client: Client,
}

impl Server {
    pub fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("tta-bench"))
            .args(["serve", "--addr", "127.0.0.1:0", "--seed-users", "8"])
            .args(extra)
            .env("TTA_JWT_SECRET", SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("first stdout line");
        assert!(
            line.starts_with("http://127.0.0.1:"),
            "first line is the URL: {line:?}"
        );
        Self {
            child,
            url: line.trim().to_string(),
            client: Client::new(),
        }
    }

    /// Stops the server with SIGTERM and waits; returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        self.terminate()
    }

    fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().ok().and_then(|s| s.code())
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

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.terminate();
        }
    }
}

/// Asserts a status and a JSON error body with the given code; returns the message.
pub fn expect_error(r: Response, status: u16, code: &str) -> String {
    assert_eq!(r.status(), status, "expected {status} {code}");
    let body: Value = r.json().expect("error bodies are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    body["error"]["message"].as_str().unwrap().to_string()
}
