//! Defect and trap pairs through the binary for the ids no realistic
//! fixture pins down on both sides: each defect is a small edit of a
//! correct project, and its trap is the edit that looks the same but is
//! right. Both halves of a pair run the same check, so a check that always
//! or never fires fails one of them.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// One edit: in `file`, replace `from` (which must be there) with `to`.
type Edit<'a> = (&'a str, &'a str, &'a str);

struct Pair<'a> {
    id: &'a str,
    fixture: &'a str,
    /// HONEYCOMB_API_KEY exported in the shell that runs doctor.
    shell_key: bool,
    defect: &'a [Edit<'a>],
    trap: &'a [Edit<'a>],
}

fn edit(dir: &Path, edits: &[Edit]) {
    for (file, from, to) in edits {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            from.is_empty() || text.contains(from),
            "{file} lacks {from:?}"
        );
        let new = if from.is_empty() {
            format!("{text}{to}")
        } else {
            text.replacen(from, to, 1)
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, new).unwrap();
    }
}

/// The ids doctor reports on `fixture` after `edits`, in a shell with keys.
fn ids_after(fixture: &str, shell_key: bool, edits: &[Edit]) -> (Vec<String>, String) {
    let tmp = if fixture == "cruddur-week2" {
        week2_with_keys()
    } else {
        copy_fixture(fixture)
    };
    edit(tmp.path(), edits);
    let mut run = cruddur(&["doctor", "--offline", "--no-stack", "--json"]).dir(tmp.path());
    if shell_key {
        run = run.env("HONEYCOMB_API_KEY", KEY);
    }
    let out = run.run();
    let v: Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.all()));
    let ids = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    (ids, out.stdout())
}

/// The collector's `debug` exporter swapped for the `logging` one.
const TO_LOGGING: [Edit<'static>; 2] = [
    (
        "otel-collector-config.yaml",
        "exporters: [otlp/honeycomb, debug]",
        "exporters: [otlp/honeycomb, logging]",
    ),
    ("otel-collector-config.yaml", "  debug:\n", "  logging:\n"),
];

/// The same on an image pinned before `logging` was removed.
const PINNED_LOGGING: [Edit<'static>; 3] = [
    TO_LOGGING[0],
    TO_LOGGING[1],
    (
        "docker-compose.yml",
        "opentelemetry-collector-contrib:0.111.0",
        "opentelemetry-collector-contrib:0.110.0",
    ),
];

const HEADERS: &str =
    "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n";

fn pairs() -> Vec<Pair<'static>> {
    vec![
        // The key written on the backend and referenced beside it, with
        // neither the shell nor .env holding it: `${}` reads only those two.
        // The trap passes the key through from .env.
        Pair {
            id: "compose-var-self-reference",
            fixture: "cruddur-week2",
            shell_key: false,
            defect: &[
                (".env", "HONEYCOMB_API_KEY=", "UNRELATED="),
                (
                    "docker-compose.yml",
                    HEADERS,
                    "      HONEYCOMB_API_KEY: \"aB3dE5fG7hI9jK1lM3nO5p\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n",
                ),
            ],
            trap: &[(
                "docker-compose.yml",
                HEADERS,
                "      HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n",
            )],
        },
        // A pipeline that names an exporter nobody defined; the trap is the
        // same pipeline with that exporter defined.
        Pair {
            id: "collector-config-invalid",
            fixture: "variants/collector-clean",
            shell_key: true,
            defect: &[(
                "otel-collector-config.yaml",
                "exporters: [otlp/honeycomb, debug]",
                "exporters: [otlp/honeycomb, debug, otlp/jaeger]",
            )],
            trap: &[
                (
                    "otel-collector-config.yaml",
                    "exporters: [otlp/honeycomb, debug]",
                    "exporters: [otlp/honeycomb, debug, otlp/jaeger]",
                ),
                (
                    "otel-collector-config.yaml",
                    "  debug:\n",
                    "  otlp/jaeger:\n    endpoint: \"jaeger:4317\"\n  debug:\n",
                ),
            ],
        },
        // `logging` is gone from 0.111.0 on; pinned before it, it still works.
        Pair {
            id: "collector-component-removed",
            fixture: "variants/collector-clean",
            shell_key: true,
            defect: &TO_LOGGING,
            trap: &PINNED_LOGGING,
        },
        // Nothing sends to the collector once the backend exports straight
        // to Honeycomb and the browser code no longer targets it; the trap
        // keeps the browser sending through the published port.
        Pair {
            id: "collector-unused",
            fixture: "variants/collector-clean",
            shell_key: true,
            defect: &[
                (
                    "docker-compose.yml",
                    "OTEL_EXPORTER_OTLP_ENDPOINT: \"http://otel-collector:4318\"",
                    "OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"",
                ),
                (
                    "docker-compose.yml",
                    "      REACT_APP_OTEL_COLLECTOR_URL: \"http://localhost:4318/v1/traces\"\n",
                    "      REACT_APP_BACKEND_URL: \"http://localhost:4567\"\n",
                ),
            ],
            trap: &[(
                "docker-compose.yml",
                "OTEL_EXPORTER_OTLP_ENDPOINT: \"http://otel-collector:4318\"",
                "OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"",
            )],
        },
        // A host variable compose fills in from this shell (unset here), and
        // the `$$` escape that leaves it to the container.
        Pair {
            id: "healthcheck-host-var",
            fixture: "cruddur-week2",
            shell_key: true,
            defect: &[(
                "docker-compose.yml",
                "    build: ./backend-flask\n",
                "    build: ./backend-flask\n    healthcheck:\n      test: [\"CMD\", \"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://localhost:${PORT}/api/activities/home')\"]\n",
            )],
            trap: &[(
                "docker-compose.yml",
                "    build: ./backend-flask\n",
                "    build: ./backend-flask\n    healthcheck:\n      test: [\"CMD-SHELL\", \"python3 -c \\\"import urllib.request; urllib.request.urlopen('http://localhost:$$PORT/api/activities/home')\\\"\"]\n",
            )],
        },
        // OTEL_SERVICE_NAME only on the frontend: the backend lacks it. The
        // trap: both services name themselves, as a traced frontend does.
        Pair {
            id: "env-on-wrong-service",
            fixture: "cruddur-week2",
            shell_key: true,
            defect: &[
                (
                    "docker-compose.yml",
                    "      OTEL_SERVICE_NAME: \"backend-flask\"\n",
                    "",
                ),
                (
                    "docker-compose.yml",
                    "      REACT_APP_BACKEND_URL:",
                    "      OTEL_SERVICE_NAME: \"backend-flask\"\n      REACT_APP_BACKEND_URL:",
                ),
            ],
            trap: &[(
                "docker-compose.yml",
                "      REACT_APP_BACKEND_URL:",
                "      OTEL_SERVICE_NAME: \"frontend-react-js\"\n      REACT_APP_BACKEND_URL:",
            )],
        },
        // The daemon runs while the X-Ray middleware is commented out; the
        // trap applies it from a project module the app imports.
        Pair {
            id: "xray-daemon-unused",
            fixture: "cruddur-week2",
            shell_key: true,
            defect: &[
                (
                    "backend-flask/app.py",
                    "from aws_xray_sdk.core import xray_recorder\nfrom aws_xray_sdk.ext.flask.middleware import XRayMiddleware\n",
                    "# from aws_xray_sdk.core import xray_recorder\n# from aws_xray_sdk.ext.flask.middleware import XRayMiddleware\n",
                ),
                (
                    "backend-flask/app.py",
                    "xray_recorder.configure(service='backend-flask', dynamic_naming=xray_url)\nXRayMiddleware(app, xray_recorder)\n",
                    "# xray_recorder.configure(service='backend-flask', dynamic_naming=xray_url)\n# XRayMiddleware(app, xray_recorder)\n",
                ),
            ],
            trap: &[
                (
                    "backend-flask/app.py",
                    "from aws_xray_sdk.core import xray_recorder\nfrom aws_xray_sdk.ext.flask.middleware import XRayMiddleware\n",
                    "from lib.tracing import init_xray\n",
                ),
                (
                    "backend-flask/app.py",
                    "xray_recorder.configure(service='backend-flask', dynamic_naming=xray_url)\nXRayMiddleware(app, xray_recorder)\n",
                    "init_xray(app, xray_url)\n",
                ),
                (
                    "backend-flask/lib/tracing.py",
                    "",
                    "from aws_xray_sdk.core import xray_recorder\nfrom aws_xray_sdk.ext.flask.middleware import XRayMiddleware\n\n\ndef init_xray(app, url):\n    xray_recorder.configure(service='backend-flask', dynamic_naming=url)\n    XRayMiddleware(app, xray_recorder)\n",
                ),
            ],
        },
        // `ENV KEY = value` sets KEY to "= value"; the legacy `ENV KEY value`
        // form and a quoted " = " inside a value are right.
        Pair {
            id: "dockerfile-env-spaced",
            fixture: "cruddur-week2",
            shell_key: true,
            defect: &[(
                "backend-flask/Dockerfile",
                "ENV FLASK_ENV=development",
                "ENV FLASK_ENV = development",
            )],
            trap: &[(
                "backend-flask/Dockerfile",
                "ENV FLASK_ENV=development",
                "ENV FLASK_ENV development\nENV GREETING=\"a = b\"",
            )],
        },
    ]
}

#[test]
fn each_defect_is_named_and_its_trap_is_not() {
    let mut failures = Vec::new();
    for p in pairs() {
        let (defect, out) = ids_after(p.fixture, p.shell_key, p.defect);
        if !defect.iter().any(|i| i == p.id) {
            failures.push(format!("{}: defect not named; got {defect:?}\n{out}", p.id));
        }
        let (trap, out) = ids_after(p.fixture, p.shell_key, p.trap);
        if trap.iter().any(|i| i == p.id) {
            failures.push(format!("{}: named on the trap\n{out}", p.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
