//! `container-missing-packages`: what the running image lacks against the
//! requirements now, asked of the container's own pip (so a virtualenv on
//! the image's PATH, or a different Python, answers for itself).

use super::containers::Container;
use super::engine::Engine;
use super::{Outcome, StackInput, Wanted};
use crate::doctor::Finding;
use crate::python::requirements::normalize_name;

/// Tried in order until one prints a list: the interpreter's own pip first,
/// `pip freeze` for a pip too old for `--format=json`.
const ATTEMPTS: [&[&str]; 4] = [
    &["python3", "-m", "pip", "list", "--format=json"],
    &["python", "-m", "pip", "list", "--format=json"],
    &["pip", "list", "--format=json"],
    &["pip", "freeze"],
];
const PIP_ENV: [&str; 3] = [
    "PIP_DISABLE_PIP_VERSION_CHECK=1",
    "PIP_NO_INPUT=1",
    "PYTHONDONTWRITEBYTECODE=1",
];

/// (normalised name, version) from `pip list --format=json` or `pip freeze`.
pub fn parse_installed(stdout: &str) -> Option<Vec<(String, String)>> {
    let text = stdout.trim();
    if text.starts_with('[') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let list = v.as_array()?.iter().filter_map(|p| {
            Some((
                normalize_name(p["name"].as_str()?),
                p["version"].as_str().unwrap_or_default().to_string(),
            ))
        });
        return Some(list.collect());
    }
    let lines: Vec<_> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    // `name==1.0`, or `name @ file:///…` for a direct reference.
    let parsed: Vec<_> = lines
        .iter()
        .filter_map(|l| {
            let (name, version) = l
                .split_once("==")
                .or_else(|| l.split_once(" @ ").map(|(n, _)| (n, "")))?;
            Some((normalize_name(name.trim()), version.trim().to_string()))
        })
        .collect();
    (!parsed.is_empty() && parsed.len() == lines.len()).then_some(parsed)
}

/// One way the image falls short of a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lack {
    pub wanted: String,
    pub location: String,
    /// The version installed, when it is the wrong one.
    pub installed: Option<String>,
}

pub fn compare(wanted: &[Wanted], installed: &[(String, String)]) -> Vec<Lack> {
    wanted
        .iter()
        .filter_map(|w| {
            let have = installed.iter().find(|(n, _)| *n == w.normalized);
            let wrong_pin = |(_, v): &&(String, String)| {
                w.pinned
                    .as_deref()
                    .is_some_and(|p| normalize_version(p) != normalize_version(v))
            };
            match have {
                None => Some(Lack {
                    wanted: w.name.clone(),
                    location: w.location.clone(),
                    installed: None,
                }),
                Some(h) if wrong_pin(&h) => Some(Lack {
                    wanted: format!("{}=={}", w.name, w.pinned.as_deref().unwrap_or_default()),
                    location: w.location.clone(),
                    installed: Some(h.1.clone()),
                }),
                Some(_) => None,
            }
        })
        .collect()
}

/// `2.3` and `2.3.0` name the same release.
fn normalize_version(v: &str) -> String {
    let mut parts: Vec<&str> = v.trim().split('.').collect();
    while parts.len() > 1 && parts.last() == Some(&"0") {
        parts.pop();
    }
    parts.join(".")
}

pub fn finding(service: &str, container: &str, lacks: &[Lack], cmd: &str) -> Finding {
    let names: Vec<&str> = lacks.iter().map(|l| l.wanted.as_str()).collect();
    let evidence = lacks
        .iter()
        .map(|l| match &l.installed {
            None => format!("{} not installed ({})", l.wanted, l.location),
            Some(v) => format!("{} wanted, {v} installed ({})", l.wanted, l.location),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Finding::new(
        "container-missing-packages",
        format!(
            "the image of the running {service} container ({container}) was built before the requirements changed; it lacks {}",
            names.join(", ")
        ),
    )
    .evidence(format!("pip in the container: {evidence}"))
    .fill("command", format!("{cmd} up -d --build {service}"))
}

pub fn missing(engine: &Engine, input: &StackInput, c: &Container, cmd: &str) -> Outcome {
    if input.backend.requirements.is_empty() {
        return Outcome::Skipped("the backend declares no requirements".into());
    }
    let mut tried = Vec::new();
    for argv in ATTEMPTS {
        match engine.exec(&c.id, argv, &PIP_ENV) {
            Ok(out) if out.exit_code == Some(0) => {
                if let Some(installed) = parse_installed(&out.stdout) {
                    let lacks = compare(&input.backend.requirements, &installed);
                    if lacks.is_empty() {
                        return Outcome::Found(vec![]);
                    }
                    return Outcome::Found(vec![finding(
                        &input.backend.name,
                        &c.name,
                        &lacks,
                        cmd,
                    )]);
                }
                tried.push(format!("`{}` printed no package list", argv.join(" ")));
            }
            Ok(out) => {
                let last = out
                    .stderr
                    .lines()
                    .chain(out.stdout.lines())
                    .last()
                    .unwrap_or("");
                let code = out.exit_code.map_or("?".into(), |c| c.to_string());
                tried.push(format!(
                    "`{}` exited {code} ({})",
                    argv.join(" "),
                    last.trim()
                ));
            }
            Err(e) => return Outcome::Unsure(e.to_string()),
        }
    }
    Outcome::Unsure(format!(
        "pip could not list the container's packages: {}",
        tried.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(name: &str, pinned: Option<&str>) -> Wanted {
        Wanted {
            name: name.into(),
            normalized: normalize_name(name),
            pinned: pinned.map(str::to_string),
            location: "backend-flask/requirements.txt:1".into(),
        }
    }

    #[test]
    fn pip_list_json_and_freeze_both_parse() {
        let json = r#"[{"name": "Flask", "version": "3.0.0"}, {"name": "opentelemetry_sdk", "version": "1.24.0"}]"#;
        let got = parse_installed(json).unwrap();
        assert_eq!(got[1], ("opentelemetry-sdk".into(), "1.24.0".into()));
        let freeze = "Flask==3.0.0\nmylib @ file:///src/mylib\n";
        assert_eq!(
            parse_installed(freeze).unwrap()[1],
            ("mylib".into(), String::new())
        );
        // An error message is not a package list.
        assert_eq!(
            parse_installed("/usr/bin/python3: No module named pip"),
            None
        );
    }

    #[test]
    fn missing_and_wrongly_pinned_packages_are_named() {
        let installed = parse_installed(r#"[{"name": "Flask", "version": "2.3.0"}, {"name": "opentelemetry-api", "version": "1.24.0"}]"#).unwrap();
        let wanted = [
            want("flask", Some("2.3")),
            want("opentelemetry.api", None),
            want("Flask-Cors", None),
            want("opentelemetry-api", Some("1.25.0")),
        ];
        let lacks = compare(&wanted, &installed);
        assert_eq!(lacks.len(), 2, "{lacks:?}");
        assert_eq!(lacks[0].wanted, "Flask-Cors");
        assert_eq!(lacks[1].installed.as_deref(), Some("1.24.0"));
        let f = finding(
            "backend-flask",
            "p_backend-flask_1",
            &lacks,
            "docker-compose",
        );
        assert!(
            f.title
                .ends_with("it lacks Flask-Cors, opentelemetry-api==1.25.0"),
            "{}",
            f.title
        );
        assert_eq!(
            f.evidence.as_deref(),
            Some("pip in the container: Flask-Cors not installed (backend-flask/requirements.txt:1); opentelemetry-api==1.25.0 wanted, 1.24.0 installed (backend-flask/requirements.txt:1)")
        );
        assert_eq!(
            f.fix(),
            "Rebuild the image and recreate the container: \
             `docker-compose up -d --build backend-flask`."
        );
    }
}
