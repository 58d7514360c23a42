//! One wording per failure id, across doctor: the offline checks on every
//! fixture project, and `--logs` on every sample log, report each id with the
//! fix text `cruddur-obs explain` gives for it, filled with the finding's own
//! values. (The network checks and the running stack are held to the same in
//! doctor_network.rs and stack.rs.)

mod common;
#[path = "common/wording.rs"]
mod wording;
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The variables a keyed shell has (fake values in real shapes).
const KEYED: [(&str, &str); 5] = [
    ("HONEYCOMB_API_KEY", KEY),
    ("ROLLBAR_ACCESS_TOKEN", "0123456789abcdef0123456789abcdef"),
    ("AWS_DEFAULT_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
];

fn doctor(dir: &Path, extra: &[&str], shell: &[(&str, &str)]) -> Value {
    let mut run = cruddur(&["doctor", "--json", "--offline", "--no-stack"]).dir(dir);
    for a in extra {
        run = run.arg(a);
    }
    for (k, v) in shell {
        run = run.env(k, v);
    }
    let out = run.run();
    serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all()))
}

fn projects() -> Vec<PathBuf> {
    let mut out = vec![
        fixtures().join("cruddur-week1"),
        fixtures().join("cruddur-week2"),
    ];
    for group in ["real", "variants"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join(group))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        out.extend(dirs);
    }
    out
}

fn logs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixtures().join("logs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    out.sort();
    out
}

/// What one finding filled into its fix text.
type Values = Vec<(String, String)>;

/// Where a finding came from: the log scanner, or the project's files.
fn source(f: &Value) -> &'static str {
    if f["category"] == "logs" {
        "logs"
    } else {
        "files"
    }
}

#[test]
fn every_id_reads_as_explain_says_from_the_files_and_from_the_logs() {
    // id → source → the placeholder values each finding filled.
    let mut seen: BTreeMap<String, BTreeMap<&str, Vec<Values>>> = BTreeMap::new();
    let mut record = |doc: &Value| {
        wording::assert_one_wording(doc);
        for f in doc["findings"].as_array().unwrap() {
            seen.entry(f["id"].as_str().unwrap().to_string())
                .or_default()
                .entry(source(f))
                .or_default()
                .push(wording::values(f));
        }
    };
    for dir in projects() {
        // A git work tree is not needed: the checks read the files.
        record(&doctor(&dir, &[], &[]));
        record(&doctor(&dir, &[], &KEYED));
    }
    let week2 = fixtures().join("cruddur-week2");
    for log in logs() {
        record(&doctor(&week2, &["--logs", log.to_str().unwrap()], &[]));
    }

    // The runs cover much of the catalogue, and the ids both the files and
    // the logs report: those are where wordings used to drift apart.
    assert!(seen.len() >= 60, "only {} ids seen", seen.len());
    let both: BTreeSet<&str> = seen
        .iter()
        .filter(|(_, by)| by.len() == 2)
        .map(|(id, _)| id.as_str())
        .collect();
    for id in [
        "compose-var-unset",
        "otel-headers-malformed",
        "flask-before-first-request",
        "rollbar-token-missing",
        "otel-endpoint-signal-path",
        "xray-daemon-region-missing",
    ] {
        assert!(both.contains(id), "{id} not seen from both: {both:?}");
    }
    // A variable the logs name fills the same placeholder the checks fill.
    for values in seen["compose-var-unset"].values().flatten() {
        assert!(values.iter().any(|(k, _)| k == "var"), "{values:?}");
    }
}

#[test]
fn a_variable_unset_in_the_logs_and_in_this_shell_gets_one_fix_text() {
    // The same cause seen twice: compose's warning in the log, and this shell.
    let dir = copy_fixture("cruddur-week2");
    let log = dir.path().join("up.log");
    std::fs::write(
        &log,
        "WARNING: The HONEYCOMB_API_KEY variable is not set. Defaulting to a blank string.\n",
    )
    .unwrap();
    let others: Vec<(&str, &str)> = KEYED[1..].to_vec();
    let doc = doctor(dir.path(), &["--logs", log.to_str().unwrap()], &others);
    wording::assert_one_wording(&doc);
    let fixes: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "compose-var-unset")
        .map(|f| (source(f), f["fix"].as_str().unwrap()))
        .collect();
    assert_eq!(fixes.len(), 2, "{doc:#}");
    assert_eq!(fixes[0].1, fixes[1].1, "{fixes:#?}");
    assert!(
        fixes[0]
            .1
            .starts_with("Set `HONEYCOMB_API_KEY` where compose reads variables"),
        "{}",
        fixes[0].1
    );
    // It says what init stores, and that AWS credentials are the user's.
    assert!(fixes[0]
        .1
        .contains("the Honeycomb key and the Rollbar token"));
    assert!(fixes[0].1.contains("AWS credentials are yours to export"));
}
