//! collector-config-missing and collector-config-invalid: the collector
//! exits at start when its config is absent, not YAML, or names a component
//! a pipeline cannot find.

use super::config::{Config, Problem};
use super::{collectors, Collector};
use crate::doctor::checks::compose_file::{listed, loc};
use crate::doctor::{Ctx, Finding, Unsure};

pub fn config(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    for c in collectors(ctx) {
        match c.config(ctx) {
            Ok(config) => out.extend(pipelines(c, config)),
            // The image's own config: nothing of the project's to judge.
            Err(Problem::Builtin(_)) => {}
            Err(p) => match problem(c, p) {
                Some(f) => out.push(f),
                None => unread.push(format!("`{}`: {}", c.svc.name(), p.reason())),
            },
        }
    }
    if out.is_empty() && !unread.is_empty() {
        return Err(Unsure::CouldNotCheck(unread.join("; ")));
    }
    Ok(out)
}

fn problem(c: &Collector, p: &Problem) -> Option<Finding> {
    let name = c.svc.name();
    Some(match p {
        Problem::Missing { path, why } => Finding::new(
            "collector-config-missing",
            format!(
                "the config of `{name}`, {}, {why}: the collector cannot start",
                path.written
            ),
        )
        .at(path.at.0.clone(), path.at.1)
        .evidence(format!(
            "{}: {} is mounted at {}, which the collector reads",
            loc(&path.at),
            path.written,
            path.container
        )),
        Problem::Unmounted { container, at } => Finding::new(
            "collector-config-missing",
            format!("`{name}` is told to read {container}, but no volume puts a file there"),
        )
        .at(at.0.clone(), at.1)
        .evidence(format!(
            "{}: --config={container}; no volume of `{name}` mounts it",
            loc(at)
        )),
        Problem::Invalid {
            shown,
            line,
            message,
        } => Finding::new(
            "collector-config-invalid",
            format!("the config of `{name}` ({shown}) is {message}"),
        )
        .at(shown.clone(), *line)
        .evidence(format!("{shown}: {message}")),
        Problem::Builtin(_) | Problem::Unknown(_) | Problem::Unreadable(_) => return None,
    })
}

/// The references the collector resolves at start: every pipeline's
/// components and the service's extensions, each under exactly its id.
fn pipelines(c: &Collector, config: &Config) -> Option<Finding> {
    let connectors = config.defined("connectors");
    let mut wrong: Vec<String> = Vec::new();
    let mut first: Option<Vec<String>> = None;
    let pipelines = config.pipelines();
    if pipelines.is_empty() {
        wrong.push("`service.pipelines` defines no pipeline".into());
        first = Some(vec!["service".into()]);
    }
    for (name, lists) in &pipelines {
        for (section, ids) in ["receivers", "processors", "exporters"].iter().zip(lists) {
            let mut known = config.defined(section);
            if *section != "processors" {
                known.extend(connectors.iter().cloned());
            }
            for id in ids.iter().filter(|id| !known.contains(id)) {
                wrong.push(format!(
                    "pipeline `{name}` names {section} `{id}`, which is not defined"
                ));
                first.get_or_insert_with(|| {
                    vec![
                        "service".into(),
                        "pipelines".into(),
                        name.clone(),
                        section.to_string(),
                    ]
                });
            }
        }
        for section in ["receivers", "exporters"] {
            if lists[if section == "receivers" { 0 } else { 2 }].is_empty() {
                wrong.push(format!("pipeline `{name}` has no {section}"));
                first.get_or_insert_with(|| {
                    vec!["service".into(), "pipelines".into(), name.clone()]
                });
            }
        }
    }
    if let Some(yaml_serde::Value::Sequence(ext)) = config
        .merged
        .get("service")
        .and_then(|s| s.get("extensions"))
    {
        let known = config.defined("extensions");
        for id in ext.iter().map(crate::compose::scalar_text) {
            if !known.contains(&id) {
                wrong.push(format!(
                    "`service.extensions` names `{id}`, which is not defined"
                ));
                first.get_or_insert_with(|| vec!["service".into(), "extensions".into()]);
            }
        }
    }
    let path = first?;
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let at = config.locate(&path);
    Some(
        Finding::new(
            "collector-config-invalid",
            format!(
                "the config of `{}` does not hold together: the collector exits at start",
                c.svc.name()
            ),
        )
        .at(at.0.clone(), at.1)
        .evidence(format!(
            "{}; defined: receivers {}, exporters {}",
            wrong.join("; "),
            or_none(&config.defined("receivers")),
            or_none(&config.defined("exporters"))
        )),
    )
}

fn or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        listed(ids)
    }
}
