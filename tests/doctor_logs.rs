//! `doctor --logs`: log lines, from a file or piped on stdin, become findings
//! under "Application logs" with their line numbers, secrets masked.

mod common;
use common::*;

fn logs_findings(out: &Result) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "logs")
        .cloned()
        .collect()
}

#[test]
fn piped_compose_logs_are_read_from_stdin() {
    let tmp = copy_fixture("cruddur-week1");
    let log = format!(
        "WARN[0000] The \"HONEYCOMB_API_KEY\" variable is not set. Defaulting to a blank string.\n\
         backend-flask-1  |  * Serving Flask app 'app'\n\
         backend-flask-1  | Header format invalid! Header values in environment variables must be URL encoded per the OpenTelemetry Protocol Exporter specification: \"x-honeycomb-team={KEY}\"\n"
    );
    let out = cruddur(&["doctor", "--offline", "--json", "--logs", "-"])
        .dir(tmp.path())
        .stdin(&log)
        .run();
    assert!(!out.all().contains(KEY), "the key leaked:\n{}", out.all());
    let found = logs_findings(&out);
    let at = |id: &str| {
        found
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| (f["file"].clone(), f["line"].clone()))
    };
    assert_eq!(
        at("compose-var-unset"),
        Some(("stdin".into(), 1.into())),
        "{found:#?}"
    );
    assert_eq!(
        at("otel-headers-malformed"),
        Some(("stdin".into(), 3.into())),
        "{found:#?}"
    );
    assert_eq!(out.code(), 1);
}

#[test]
fn a_log_file_is_scanned_and_a_quiet_one_adds_nothing() {
    let tmp = copy_fixture("cruddur-week1");
    let sample = fixtures().join("logs/flask-before-first-request.log");
    let out = cruddur(&[
        "doctor",
        "--offline",
        "--json",
        "--logs",
        sample.to_str().unwrap(),
    ])
    .dir(tmp.path())
    .run();
    let found = logs_findings(&out);
    assert!(
        found
            .iter()
            .any(|f| f["id"] == "flask-before-first-request"),
        "{found:#?}"
    );
    let noise = fixtures().join("logs/noise.log");
    let out = cruddur(&[
        "doctor",
        "--offline",
        "--json",
        "--logs",
        noise.to_str().unwrap(),
    ])
    .dir(tmp.path())
    .run();
    assert!(logs_findings(&out).is_empty());
    let missing = cruddur(&["doctor", "--offline", "--logs", "/nonexistent/backend.log"])
        .dir(tmp.path())
        .run()
        .expect_code(2);
    assert!(
        missing.stderr().contains("cannot read the log file"),
        "{}",
        missing.stderr()
    );
}
