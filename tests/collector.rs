//! doctor's collector checks through the binary: a collector with one of
//! each defect (fixtures/variants/collector-defects), a correct one that must
//! stay quiet (collector-clean), the missing config as the single root
//! cause, and `--fix` rewriting the receiver endpoints format-preservingly
//! and only once.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn doctor_json(dir: &Path) -> Value {
    let out = cruddur(&["doctor", "--offline", "--json"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run();
    serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout(), out.stderr()))
}

/// Sorted ids of every finding.
fn ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {v:#}"))
}

#[test]
fn one_of_each_collector_defect() {
    let tmp = copy_fixture("variants/collector-defects");
    let v = doctor_json(tmp.path());
    assert_eq!(
        ids(&v),
        vec![
            "collector-component-removed",
            "collector-env-unset",
            "collector-honeycomb-headers-missing",
            "collector-image-unpinned",
            "collector-receiver-localhost",
        ]
    );
    let at = |id: &str| {
        let f = finding(&v, id);
        (f["file"].as_str().unwrap().to_string(), f["line"].as_u64())
    };
    assert_eq!(
        at("collector-receiver-localhost"),
        ("otel/config.yaml".into(), Some(5))
    );
    assert_eq!(
        at("collector-component-removed"),
        ("otel/config.yaml".into(), Some(19))
    );
    assert_eq!(
        at("collector-env-unset"),
        ("otel/config.yaml".into(), Some(16))
    );
    assert_eq!(
        at("collector-honeycomb-headers-missing"),
        ("otel/config.yaml".into(), Some(17))
    );
    assert_eq!(
        at("collector-image-unpinned"),
        ("docker-compose.yml".into(), Some(13))
    );
    assert_eq!(finding(&v, "collector-receiver-localhost")["fixable"], true);
    assert_eq!(
        finding(&v, "collector-image-unpinned")["severity"],
        "warning"
    );
}

#[test]
fn fix_binds_the_receivers_to_all_interfaces_once() {
    let tmp = copy_fixture("variants/collector-defects");
    let dir = tmp.path();
    let config = dir.join("otel/config.yaml");
    let before = std::fs::read_to_string(&config).unwrap();
    let compose_before = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
    let out = cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run();
    assert!(out.all().contains("otel/config.yaml"), "{}", out.all());
    let after = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        after,
        before
            .replace(
                "      grpc: # gRPC on 4317\n",
                "      grpc: # gRPC on 4317\n        endpoint: 0.0.0.0:4317\n"
            )
            .replace(
                "endpoint: localhost:4318 # the backend posts here",
                "endpoint: 0.0.0.0:4318 # the backend posts here"
            )
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap(),
        compose_before
    );
    let v = doctor_json(dir);
    assert!(!ids(&v).contains(&"collector-receiver-localhost".to_string()));
    // Idempotent: nothing left for --fix, and the file stays as it is.
    let again = cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run();
    assert!(
        again.stdout().contains("Nothing doctor --fix can repair"),
        "{}",
        again.all()
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), after);
}

#[test]
fn a_correct_collector_setup_is_clean() {
    let tmp = copy_fixture("variants/collector-clean");
    let out = cruddur(&["doctor", "--offline"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let text = out.stdout();
    assert!(text.contains("[✓] OpenTelemetry Collector"), "{text}");
    assert!(text.contains("[✓] Compose file"), "{text}");
    let v = doctor_json(tmp.path());
    assert_eq!(ids(&v), Vec::<String>::new());
    assert_eq!(v["summary"]["could_not_check"], 0);
}

#[test]
fn a_missing_config_is_reported_once_as_the_root_cause() {
    let tmp = copy_fixture("variants/collector-clean");
    std::fs::remove_file(tmp.path().join("otel-collector-config.yaml")).unwrap();
    let v = doctor_json(tmp.path());
    assert_eq!(ids(&v), vec!["collector-config-missing"]);
    let f = finding(&v, "collector-config-missing");
    assert_eq!(f["file"], "docker-compose.yml");
    assert_eq!(f["line"], 22);
    assert_eq!(f["severity"], "error");
    // The checks that need the config say they could not run, and why.
    let unsure = v["could_not_check"].as_array().cloned().unwrap_or_default();
    assert_eq!(unsure.len(), 3, "{unsure:#?}");
    assert!(
        unsure
            .iter()
            .all(|u| u.to_string().contains("does not exist")),
        "{unsure:#?}"
    );
}
