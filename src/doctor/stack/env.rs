//! `container-env-stale`: the running backend's environment against what
//! compose would give it now. A container keeps the environment it was
//! created with; editing compose or .env changes nothing until compose
//! recreates it.

use super::containers::Container;
use super::engine::Engine;
use super::{Outcome, StackInput};
use crate::doctor::Finding;
use crate::mask::mask;

/// One variable whose value in the container is not the one compose gives now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub name: String,
    /// In the running container (`None`: not set there).
    pub running: Option<String>,
    /// What compose would set now (`None`: compose no longer sets it).
    pub now: Option<String>,
}

fn parse(entries: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in entries {
        let (k, v) = e.split_once('=').unwrap_or((e, ""));
        out.retain(|(n, _)| n != k);
        out.push((k.to_string(), v.to_string()));
    }
    out
}

/// The variables that differ. Variables compose does not set are judged
/// against the image's own environment (`image`, when it could be read):
/// one the image does not explain was set by compose before and is gone now.
pub fn compare(
    expected: &[(String, String)],
    container: &[String],
    image: Option<&[String]>,
) -> Vec<Diff> {
    let have = parse(container);
    let get = |list: &[(String, String)], k: &str| {
        list.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (name, value) in expected {
        let running = get(&have, name);
        if running.as_deref() != Some(value) {
            out.push(Diff {
                name: name.clone(),
                running,
                now: Some(value.clone()),
            });
        }
    }
    if let Some(image) = image {
        let base = parse(image);
        for (name, value) in &have {
            let by_compose = expected.iter().any(|(n, _)| n == name);
            if !by_compose && get(&base, name).as_deref() != Some(value) {
                out.push(Diff {
                    name: name.clone(),
                    running: Some(value.clone()),
                    now: get(&base, name),
                });
            }
        }
    }
    out
}

fn shown(v: &Option<String>) -> String {
    match v.as_deref() {
        None => "(not set)".into(),
        Some("") => "\"\"".into(),
        Some(v) => format!("\"{}\"", mask(v)),
    }
}

pub fn finding(service: &str, container: &str, diffs: &[Diff], cmd: &str) -> Finding {
    let names: Vec<&str> = diffs.iter().map(|d| d.name.as_str()).collect();
    let evidence = diffs
        .iter()
        .map(|d| {
            format!(
                "{}: running {}, compose now {}",
                d.name,
                shown(&d.running),
                shown(&d.now)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Finding::new(
        "container-env-stale",
        format!(
            "the running {service} container ({container}) still has the environment it was created with, not what compose gives it now: {} (an edit takes effect only when the container is recreated)",
            names.join(", ")
        ),
    )
    .evidence(evidence)
    .fill("command", format!("{cmd} up -d {service}"))
}

pub fn stale(engine: &Engine, input: &StackInput, c: &Container, cmd: &str) -> Outcome {
    // Without the image's environment, only what compose sets is compared.
    let image = engine
        .get(&format!("/images/{}/json", c.image_id))
        .ok()
        .map(|v| {
            v["Config"]["Env"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        });
    let diffs = compare(&input.backend.env, &c.env, image.as_deref());
    if diffs.is_empty() {
        return Outcome::Found(vec![]);
    }
    Outcome::Found(vec![finding(&input.backend.name, &c.name, &diffs, cmd)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }
    fn kv(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn changed_added_and_removed_variables_are_named() {
        let image = s(&["PATH=/usr/local/bin:/usr/bin", "FLASK_ENV=development"]);
        let container = s(&[
            "OTEL_SERVICE_NAME=backend-flask",
            "OLD_VAR=1",
            "PATH=/usr/local/bin:/usr/bin",
            "FLASK_ENV=production",
        ]);
        let expected = kv(&[
            ("OTEL_SERVICE_NAME", "backend"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.honeycomb.io"),
        ]);
        let diffs = compare(&expected, &container, Some(&image));
        let names: Vec<_> = diffs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "OTEL_SERVICE_NAME",
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OLD_VAR",
                "FLASK_ENV"
            ]
        );
        assert_eq!(diffs[1].running, None);
        assert_eq!(diffs[2].now, None);
        assert_eq!(diffs[3].now.as_deref(), Some("development"));
    }

    #[test]
    fn an_up_to_date_container_differs_in_nothing() {
        let image = s(&["PATH=/bin", "LANG=C.UTF-8"]);
        let container = s(&["A=1", "B=", "PATH=/bin", "LANG=C.UTF-8"]);
        assert!(compare(&kv(&[("A", "1"), ("B", "")]), &container, Some(&image)).is_empty());
        // Compose overriding an image variable is not a difference either.
        let container = s(&["LANG=en_US.UTF-8", "PATH=/bin"]);
        assert!(compare(&kv(&[("LANG", "en_US.UTF-8")]), &container, Some(&image)).is_empty());
        // Without the image, extra variables cannot be judged and are left alone.
        assert!(compare(&[], &s(&["X=1"]), None).is_empty());
    }

    #[test]
    fn values_are_masked_in_the_evidence() {
        let key = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";
        let diffs = compare(
            &kv(&[("HONEYCOMB_API_KEY", key), ("EMPTY", "")]),
            &s(&["HONEYCOMB_API_KEY=old-key-value-123456"]),
            None,
        );
        let f = finding(
            "backend-flask",
            "p_backend-flask_1",
            &diffs,
            "docker compose",
        );
        let e = f.evidence.clone().unwrap();
        assert!(!e.contains(key) && !e.contains("old-key-value"), "{e}");
        assert!(
            e.contains("HONEYCOMB_API_KEY: running \"old-ke…\", compose now \"hcaik_…\""),
            "{e}"
        );
        assert!(
            e.contains("EMPTY: running (not set), compose now \"\""),
            "{e}"
        );
        assert_eq!(
            f.fix(),
            "Recreate the container so it gets the environment compose gives it now: \
             `docker compose up -d backend-flask` (a restart keeps the old environment)."
        );
    }
}
