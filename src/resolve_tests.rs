use super::*;
use crate::project::{discover, DiscoverOptions};
use std::collections::HashMap;

const COMPOSE: &str = r#"services:
  backend-flask:
    build: ./backend-flask
    env_file: [backend.env]
    environment:
      OTEL_SERVICE_NAME: "${SERVICE:-backend-flask}"
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY},X-Honeycomb-Dataset=my%20data"
      ROLLBAR_ACCESS_TOKEN: "${ROLLBAR_ACCESS_TOKEN}"
      PRICE: "$$5"
"#;

fn project(compose: &str, dotenv: Option<&str>, env_file: &str) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    std::fs::create_dir(dir.path().join("backend-flask")).unwrap();
    std::fs::write(
        dir.path().join("backend-flask/app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("backend.env"), env_file).unwrap();
    if let Some(d) = dotenv {
        std::fs::write(dir.path().join(".env"), d).unwrap();
    }
    let p = discover(&DiscoverOptions {
        dir: dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    (dir, p)
}

fn shell(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| map.get(k).cloned()
}

#[test]
fn values_and_their_sources() {
    let (_d, p) = project(
        COMPOSE,
        Some("# keys\nHONEYCOMB_API_KEY=from-dotenv\n"),
        "EXTRA=1\nOTEL_SERVICE_NAME=overridden\n",
    );
    let env = container_env(&p, &shell(&[]));
    let headers = env.get("OTEL_EXPORTER_OTLP_HEADERS").unwrap();
    assert_eq!(
        headers.value,
        "x-honeycomb-team=from-dotenv,X-Honeycomb-Dataset=my%20data"
    );
    assert_eq!(
        headers.origin,
        Origin::Compose {
            file: "docker-compose.yml".into(),
            line: Some(8)
        }
    );
    assert_eq!(
        headers.vars,
        vec![VarRef {
            name: "HONEYCOMB_API_KEY".into(),
            source: VarSource::DotEnv { line: 2 },
            used_default: false
        }]
    );
    assert!(headers
        .describe()
        .contains("docker-compose.yml:8, ${HONEYCOMB_API_KEY} from .env:2"));
    assert_eq!(
        env.value("OTEL_SERVICE_NAME"),
        Some("backend-flask"),
        "environment beats env_file"
    );
    assert_eq!(
        env.get("EXTRA").unwrap().origin,
        Origin::EnvFile {
            file: "backend.env".into(),
            line: 1
        }
    );
    assert_eq!(env.value("PRICE"), Some("$5"));
    assert_eq!(env.value("ROLLBAR_ACCESS_TOKEN"), Some(""));
    assert_eq!(env.problems, vec!["The \"ROLLBAR_ACCESS_TOKEN\" variable is not set. Defaulting to a blank string. (in ROLLBAR_ACCESS_TOKEN)".to_string()]);

    // The shell wins over .env, as in compose.
    let env = container_env(
        &p,
        &shell(&[("HONEYCOMB_API_KEY", "from-shell"), ("SERVICE", "svc")]),
    );
    assert!(env
        .value("OTEL_EXPORTER_OTLP_HEADERS")
        .unwrap()
        .starts_with("x-honeycomb-team=from-shell,"));
    assert_eq!(
        env.get("OTEL_EXPORTER_OTLP_HEADERS").unwrap().vars[0].source,
        VarSource::Environment
    );
    assert_eq!(env.value("OTEL_SERVICE_NAME"), Some("svc"));
}

#[test]
fn env_file_does_not_feed_interpolation() {
    let (_d, p) = project(COMPOSE, None, "HONEYCOMB_API_KEY=only-in-env-file\n");
    let env = container_env(&p, &shell(&[]));
    assert_eq!(
        env.value("OTEL_EXPORTER_OTLP_HEADERS"),
        Some("x-honeycomb-team=,X-Honeycomb-Dataset=my%20data")
    );
    assert_eq!(env.value("HONEYCOMB_API_KEY"), Some("only-in-env-file"));
}

#[test]
fn exporter_rules() {
    let (_d, p) = project(COMPOSE, Some("HONEYCOMB_API_KEY=k\n"), "");
    let env = container_env(&p, &shell(&[]));
    let ex = exporter(&env, &Overrides::default());
    assert_eq!(
        ex.traces_url.as_ref().unwrap().value,
        "https://api.honeycomb.io/v1/traces"
    );
    assert!(ex
        .traces_url
        .as_ref()
        .unwrap()
        .from
        .starts_with("OTEL_EXPORTER_OTLP_ENDPOINT at docker-compose.yml:7"));
    assert_eq!(ex.header("x-honeycomb-team"), Some("k"));
    assert_eq!(
        ex.header("x-honeycomb-dataset"),
        Some("my data"),
        "names lowercased, values percent-decoded"
    );
    assert_eq!(ex.service_name.value, "backend-flask");

    let ex = exporter(
        &env,
        &Overrides {
            endpoint: Some("http://127.0.0.1:9/".into()),
            service_name: Some("x".into()),
        },
    );
    assert_eq!(ex.traces_url.unwrap().value, "http://127.0.0.1:9/v1/traces");
    assert_eq!(ex.service_name.value, "x");
}

#[test]
fn traces_endpoint_wins_and_is_used_as_given() {
    let compose = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io/v1/traces\n      - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=https://api.eu1.honeycomb.io\n      - OTEL_RESOURCE_ATTRIBUTES=deployment.environment=dev,service.name=from%20attrs\n";
    let (_d, p) = project(compose, None, "");
    let ex = exporter(&container_env(&p, &shell(&[])), &Overrides::default());
    assert_eq!(ex.traces_url.unwrap().value, "https://api.eu1.honeycomb.io");
    assert_eq!(ex.service_name.value, "from attrs");

    let compose = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io/v1/traces\n";
    let (_d, p) = project(compose, None, "");
    let ex = exporter(&container_env(&p, &shell(&[])), &Overrides::default());
    assert_eq!(
        ex.traces_url.unwrap().value,
        "https://api.honeycomb.io/v1/traces/v1/traces",
        "the doubled path the SDK really posts to"
    );
    assert_eq!(ex.service_name.value, "unknown_service");
}

#[test]
fn header_parsing_drops_what_the_sdk_drops() {
    let (h, bad) = parse_headers(
        "x-honeycomb-team=abc, \"x-honeycomb-dataset=d\",x-honeycomb-team: k,novalue,a=%2Cb",
    );
    assert_eq!(
        h.iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
            .collect::<Vec<_>>(),
        vec![("x-honeycomb-team", "abc"), ("a", ",b")]
    );
    assert_eq!(
        bad,
        vec![
            "\"x-honeycomb-dataset=d\"",
            "x-honeycomb-team: k",
            "novalue"
        ]
    );
}

#[test]
fn passthrough_names_copy_the_shell_value() {
    let list = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      - AWS_REGION\n";
    let map = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      AWS_REGION:\n";
    for compose in [list, map] {
        let (_d, p) = project(compose, Some("AWS_REGION=eu-west-1\n"), "");
        assert_eq!(
            container_env(&p, &shell(&[])).value("AWS_REGION"),
            Some("eu-west-1")
        );
        assert_eq!(
            container_env(&p, &shell(&[("AWS_REGION", "us-east-1")])).value("AWS_REGION"),
            Some("us-east-1")
        );
    }
}

#[test]
fn one_warning_per_unset_variable_naming_every_setting() {
    let compose = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      A: \"https://3000-${WS}\"\n      B: \"${WS:-fallback}\"\n      C: \"x-${WS}-${OTHER}\"\n";
    let (_d, p) = project(compose, None, "");
    let env = container_env(&p, &shell(&[]));
    assert_eq!(
        env.problems,
        vec![
            "The \"WS\" variable is not set. Defaulting to a blank string. (in A, C)".to_string(),
            "The \"OTHER\" variable is not set. Defaulting to a blank string. (in C)".to_string(),
        ]
    );
}
