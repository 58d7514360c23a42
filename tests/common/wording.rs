//! One wording per failure id: every finding's `fix` is the catalogue's fix
//! text for its id, as `cruddur-obs explain --format json` gives it
//! (`fix_template`), filled with the finding's `fix_values` — whichever part
//! of doctor reported it (the offline checks, `--logs`, the network checks,
//! the running stack).
#![allow(dead_code)]

use cruddur_obs::doctor::catalogue::placeholders;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every id's fix template, read once from `explain --all --format json`.
pub fn templates() -> &'static BTreeMap<String, String> {
    static T: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    T.get_or_init(|| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cruddur-obs"))
            .args(["explain", "--all", "--format", "json"])
            .env_clear()
            .output()
            .unwrap();
        let all: Value = serde_json::from_slice(&out.stdout).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let template = e["fix_template"].as_str().unwrap().to_string();
                // What explain and the docs print is the template unfilled.
                assert_eq!(
                    placeholders::fill(&template, &[]),
                    e["fix"].as_str().unwrap(),
                    "{}",
                    e["id"]
                );
                (e["id"].as_str().unwrap().to_string(), template)
            })
            .collect()
    })
}

/// The finding's placeholder values, in a stable order.
pub fn values(f: &Value) -> Vec<(String, String)> {
    f["fix_values"]
        .as_object()
        .unwrap_or_else(|| panic!("no fix_values: {f}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// The fix text `explain` gives for the finding's id, filled with its values.
pub fn expected_fix(f: &Value) -> String {
    let id = f["id"].as_str().unwrap();
    let template = templates()
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not catalogued"));
    let values = values(f);
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    placeholders::fill(template, &pairs)
}

/// Every finding of a `doctor --json` document says its id's fix text, no
/// placeholder left unfilled. Returns how many findings were checked.
pub fn assert_one_wording(doc: &Value) -> usize {
    let findings = doc["findings"].as_array().unwrap();
    for f in findings {
        let fix = f["fix"].as_str().unwrap();
        assert_eq!(fix, expected_fix(f), "{} ({})", f["id"], f["category"]);
        assert!(placeholders::names(fix).is_empty(), "{fix}");
        let title = f["title"].as_str().unwrap();
        // The title says what is wrong here; it does not repeat the fix.
        assert_ne!(title, fix);
        assert!(!title.ends_with('.'), "{title}");
    }
    findings.len()
}
