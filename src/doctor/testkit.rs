//! Test support for checks: a project written to a temp dir from a list of
//! files, discovered the normal way, and checked with a fixed environment.

use super::{Checked, Ctx, Finding, IntoChecked};
use crate::project::{discover, DiscoverOptions, Project};
use std::collections::HashMap;

pub struct TestProject {
    pub dir: tempfile::TempDir,
    pub project: Project,
    pub shell: HashMap<String, String>,
}

/// Writes `files` (path, content) under a temp dir and discovers it.
pub fn project(files: &[(&str, &str)]) -> TestProject {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let project = discover(&DiscoverOptions {
        dir: dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    TestProject {
        dir,
        project,
        shell: HashMap::new(),
    }
}

impl TestProject {
    pub fn with_shell(mut self, vars: &[(&str, &str)]) -> TestProject {
        self.shell
            .extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }

    /// Runs one check with this project's shell environment.
    pub fn checked<R: IntoChecked>(&self, check: fn(&Ctx) -> R) -> Checked {
        let shell = |k: &str| self.shell.get(k).cloned();
        let ctx = Ctx::new(&self.project, &shell);
        check(&ctx).into_checked()
    }

    /// The findings of one check (none when it had no verdict).
    pub fn run<R: IntoChecked>(&self, check: fn(&Ctx) -> R) -> Vec<Finding> {
        self.checked(check).unwrap_or_default()
    }

    /// Ids of what `check` found.
    pub fn ids<R: IntoChecked>(&self, check: fn(&Ctx) -> R) -> Vec<&'static str> {
        self.run(check).into_iter().map(|f| f.id).collect()
    }
}

/// A minimal, correctly set-up backend (Honeycomb only) to start cases from.
pub const COMPOSE_OK: &str = r#"services:
  backend-flask:
    build: ./backend-flask
    environment:
      FRONTEND_URL: "http://localhost:3000"
      OTEL_SERVICE_NAME: "backend-flask"
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
    ports:
      - "4567:4567"
"#;

pub const APP_OK: &str = r#"from flask import Flask
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor

app = Flask(__name__)

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
FlaskInstrumentor().instrument_app(app)
RequestsInstrumentor().instrument()


@app.route("/api/activities/home")
def home():
    return []
"#;

pub const REQUIREMENTS_OK: &str = "flask\nflask-cors\nopentelemetry-api\nopentelemetry-sdk\nopentelemetry-exporter-otlp-proto-http\nopentelemetry-instrumentation-flask\nopentelemetry-instrumentation-requests\n";

pub const DOCKERFILE_OK: &str = "FROM python:3.10-slim-buster\nWORKDIR /backend-flask\nCOPY requirements.txt requirements.txt\nRUN pip3 install -r requirements.txt\nCOPY . .\nCMD [ \"python3\", \"-m\" , \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]\n";

pub const KEY: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";

/// The correct project's files, with the key in .env (ignored, 0600 is set by `ok_project`).
pub fn ok_files() -> Vec<(&'static str, String)> {
    vec![
        ("docker-compose.yml", COMPOSE_OK.to_string()),
        ("backend-flask/app.py", APP_OK.to_string()),
        (
            "backend-flask/requirements.txt",
            REQUIREMENTS_OK.to_string(),
        ),
        ("backend-flask/Dockerfile", DOCKERFILE_OK.to_string()),
        (".env", format!("HONEYCOMB_API_KEY={KEY}\n")),
        (".gitignore", ".env\n".to_string()),
    ]
}

/// The correct project with `edit` applied to one file's text.
pub fn ok_project_with(path: &str, edit: impl FnOnce(&str) -> String) -> TestProject {
    let mut files = ok_files();
    if let Some(f) = files.iter_mut().find(|(p, _)| *p == path) {
        f.1 = edit(&f.1);
    } else {
        files.push((Box::leak(path.to_string().into_boxed_str()), edit("")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let tp = project(&refs);
    use std::os::unix::fs::PermissionsExt;
    let env = tp.dir.path().join(".env");
    if env.exists() {
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    tp
}

pub fn ok_project() -> TestProject {
    ok_project_with("docker-compose.yml", |t| t.to_string())
}
