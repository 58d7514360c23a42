//! A project wired for the network tests: its backend exports to a given
//! endpoint, with Honeycomb and Rollbar keys in .env; and the ways to run
//! send-test-span on it and read its JSON reports.
#![allow(dead_code)]

use super::common::*;
use super::fake;
use super::loopback::Reply;
use serde_json::Value;
use std::path::Path;

/// A set-up project whose backend exports to `endpoint`, with Honeycomb and
/// Rollbar keys in .env.
pub fn project(endpoint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let compose = format!(
        "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      OTEL_SERVICE_NAME: \"backend-flask\"\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"{endpoint}\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${{HONEYCOMB_API_KEY}}\"\n      ROLLBAR_ACCESS_TOKEN: \"${{ROLLBAR_ACCESS_TOKEN}}\"\n"
    );
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    std::fs::create_dir(dir.path().join("backend-flask")).unwrap();
    std::fs::write(
        dir.path().join("backend-flask/app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("backend-flask/requirements.txt"), "flask\n").unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\n"),
    )
    .unwrap();
    dir
}

pub fn send(dir: &Path, args: &[&str]) -> Result {
    let mut run = cruddur(&["send-test-span"]).dir(dir);
    for a in args {
        run = run.arg(a);
    }
    run.run()
}

pub fn reports(out: &Result) -> Vec<Value> {
    out.stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

pub fn auth_ok() -> Reply {
    Reply::json(200, &fake::auth_body("team", "test-env", true))
}
