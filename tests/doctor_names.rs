//! doctor's name checks through the binary: `python-name-undefined` and
//! `library-name-missing` on a backend that crashes or sends nothing
//! because of names that do not exist, and on every other fixture (real
//! projects) where they must find nothing.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

const IDS: [&str; 2] = ["python-name-undefined", "library-name-missing"];

fn doctor(dir: &Path) -> (i32, Vec<Value>) {
    let out = cruddur(&["doctor", "--offline", "--json"]).dir(dir).run();
    let v: Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.all()));
    (out.code(), v["findings"].as_array().unwrap().clone())
}

/// (id, line, column, title) of the name findings.
fn name_findings(findings: &[Value]) -> Vec<(String, u64, u64, String)> {
    findings
        .iter()
        .filter(|f| IDS.contains(&f["id"].as_str().unwrap()))
        .map(|f| {
            assert_eq!(f["file"], "backend-flask/app.py", "{f}");
            assert_eq!(f["severity"], "error", "{f}");
            (
                f["id"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn names_that_do_not_exist_are_found_where_they_are_used() {
    let tmp = copy_fixture("variants/names-broken");
    let (code, findings) = doctor(tmp.path());
    assert_eq!(code, 1);
    let got = name_findings(&findings);
    let at: Vec<(&str, u64, u64)> = got
        .iter()
        .map(|(i, l, c, _)| (i.as_str(), *l, *c))
        .collect();
    assert_eq!(
        at,
        [
            ("python-name-undefined", 21, 48),
            ("python-name-undefined", 54, 31),
            ("library-name-missing", 9, 64),
            ("library-name-missing", 10, 6),
            ("library-name-missing", 47, 11),
        ],
        "{got:#?}"
    );
    let titles: Vec<&str> = got.iter().map(|g| g.3.as_str()).collect();
    assert!(
        titles[0].starts_with("`OTLPSpanExporter` is not defined"),
        "{titles:?}"
    );
    assert!(
        titles[1].contains("calling `data_home()` raises NameError"),
        "{titles:?}"
    );
    // opentelemetry-api==1.12.0 pins the release train the unpinned SDK and exporter follow.
    assert!(
        titles[2].contains("(opentelemetry-sdk 1.12.0)"),
        "{titles:?}"
    );
    assert!(
        titles[3].contains("metric_exporter` in opentelemetry-exporter-otlp-proto-http 1.12.0"),
        "{titles:?}"
    );
    assert!(
        titles[4].starts_with("`rollbar.configure` does not exist"),
        "{titles:?}"
    );
    let fix = findings.iter().find(|f| f["line"] == 21).unwrap()["fix"]
        .as_str()
        .unwrap();
    assert!(
        fix.contains(
            "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter"
        ),
        "{fix}"
    );

    // The repaired file is clean for both checks.
    let app = tmp.path().join("backend-flask/app.py");
    let text = std::fs::read_to_string(&app).unwrap();
    let text = text
        .replace(", ConsoleSpanProcessor\n", ", ConsoleSpanExporter\n")
        .replace("ConsoleSpanProcessor()", "ConsoleSpanExporter()")
        .replace(
            "from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter\n",
            "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n",
        )
        .replace("  rollbar.configure(code_version='1.0')\n", "")
        .replace("HomeActivities.run(user_handle)", "HomeActivities.run()");
    std::fs::write(&app, text).unwrap();
    let (_, findings) = doctor(tmp.path());
    assert_eq!(name_findings(&findings), []);
}

#[test]
fn real_projects_have_no_missing_names() {
    let mut dirs = vec!["cruddur-week1".to_string(), "cruddur-week2".to_string()];
    for e in std::fs::read_dir(fixtures().join("variants")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if !name.starts_with("names-") {
            dirs.push(format!("variants/{name}"));
        }
    }
    assert!(dirs.len() > 10);
    for dir in dirs {
        let tmp = copy_fixture(&dir);
        let (_, findings) = doctor(tmp.path());
        let ours: Vec<_> = findings
            .iter()
            .filter(|f| IDS.contains(&f["id"].as_str().unwrap()))
            .collect();
        assert!(ours.is_empty(), "{dir}: {ours:#?}");
    }
}
