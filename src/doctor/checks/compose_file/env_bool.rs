//! compose-env-bool: an unquoted YAML 1.1 boolean in an `environment:`
//! mapping. docker-compose 1.x reads YAML 1.1 (PyYAML) and rejects these
//! values; compose v2 (YAML 1.2) turns `true`/`false` into text and keeps
//! `yes`/`on` as written. The fix quotes exactly what v2 passes today, so the
//! container's environment does not change under v2 and v1 accepts the file.
//!
//! yaml_serde (YAML 1.2, like compose v2) reads `true`/`True`/`TRUE` and the
//! `false` spellings as booleans and `yes`/`no`/`on`/`off` as text, so the
//! raw scalars are read from the lossless tree instead. A `null` or empty
//! value is left alone: both compose versions accept it (the variable is
//! then passed through from the shell running compose).

use super::listed;
use crate::compose::{scalar_text, ComposeFile};
use crate::doctor::{Ctx, Finding, Fix};
use crate::edit::Plan;
use crate::project::Project;
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::str::FromStr;
use yaml_edit::{Document, ScalarValue};

/// PyYAML's booleans (its resolver has no `y`/`n`): what compose v1 rejects.
const YAML11_BOOLS: [&str; 18] = [
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on",
    "On", "ON", "off", "Off", "OFF",
];

/// One unquoted boolean: the variable, the value as written, its line.
struct Bool {
    name: String,
    raw: String,
    line: usize,
}

/// The unquoted booleans of `service`'s environment mapping, as the file's
/// positions (read once, with each value as written) have them.
fn bools_in(file: &ComposeFile, service: &str) -> Vec<Bool> {
    let Some(pos) = file.positions.service(service) else {
        return Vec::new();
    };
    pos.env
        .iter()
        .filter_map(|e| {
            let raw = e.raw.as_deref()?.trim();
            YAML11_BOOLS.contains(&raw).then(|| Bool {
                name: e.name.clone(),
                raw: raw.to_string(),
                line: e.line,
            })
        })
        .collect()
}

pub fn env_bools(ctx: &Ctx) -> Vec<Finding> {
    let compose = &ctx.project.compose;
    let mut out = Vec::new();
    for (idx, file) in compose.files.iter().enumerate() {
        let shown = compose.display(idx);
        for service in file.service_names() {
            let found = bools_in(file, &service);
            let Some(first) = found.first() else {
                continue;
            };
            let names: Vec<String> = found.iter().map(|b| b.name.clone()).collect();
            let title = match found.as_slice() {
                [one] => format!(
                    "`{}: {}` in the environment of `{service}` is an unquoted boolean: docker-compose 1.x rejects the file",
                    one.name, one.raw
                ),
                _ => format!(
                    "{} unquoted booleans in the environment of `{service}` ({}): docker-compose 1.x rejects the file",
                    found.len(),
                    listed(&names)
                ),
            };
            let evidence: Vec<String> = found
                .iter()
                .map(|b| format!("{shown}:{}: {}: {}", b.line, b.name, b.raw))
                .collect();
            let mut f = Finding::new("compose-env-bool", title)
                .at(shown.clone(), Some(first.line))
                .evidence(evidence.join("; "))
                .fill("value", format!("{}: \"{}\"", first.name, first.raw));
            for b in &found {
                f = f.edit(Fix::QuoteEnvValue {
                    path: file.path.clone(),
                    service: service.clone(),
                    name: b.name.clone(),
                });
            }
            out.push(f);
        }
    }
    out
}

/// Plans quoting `name` in `service`'s environment of the compose file at
/// `path`, on top of what the plan already changes there.
pub(crate) fn plan_quote(
    plan: &mut Plan,
    project: &Project,
    path: &Path,
    service: &str,
    name: &str,
) -> Result<()> {
    let Some(idx) = project.compose.files.iter().position(|f| f.path == path) else {
        bail!("{} is not a compose file of this project", path.display());
    };
    let file = &project.compose.files[idx];
    let current = plan
        .current(path, Some(&file.text))
        .unwrap_or_default()
        .to_string();
    if let Some(after) = quote_env_value(path, &current, service, name)? {
        plan.update(
            path,
            &project.compose.display(idx),
            Some(&file.text),
            after,
            format!("fixed compose-env-bool ({name})"),
        );
    }
    Ok(())
}

/// `text` with the unquoted boolean of `service.environment.name` quoted as
/// the text compose v2 passes for it; `None` when it is not (or no longer)
/// an unquoted boolean. The result is re-read and refused unless that one
/// value went from a boolean to the same text as a string.
pub fn quote_env_value(
    path: &Path,
    text: &str,
    service: &str,
    name: &str,
) -> Result<Option<String>> {
    let before = ComposeFile::parse(path, text.to_string())?;
    if !bools_in(&before, service).iter().any(|b| b.name == name) {
        return Ok(None);
    }
    let doc =
        Document::from_str(text).map_err(|e| anyhow!("{}: cannot edit: {e}", path.display()))?;
    let Some(env) = doc
        .as_mapping()
        .and_then(|m| m.get_mapping("services"))
        .and_then(|s| s.get_mapping(service))
        .and_then(|s| s.get_mapping("environment"))
    else {
        return Ok(None);
    };
    let old = before
        .value
        .get("services")
        .and_then(|s| s.get(service))
        .and_then(|s| s.get("environment"))
        .and_then(|e| e.get(name))
        .cloned()
        .ok_or_else(|| {
            anyhow!(
                "{}: no {name} in the environment of {service}",
                path.display()
            )
        })?;
    let value = scalar_text(&old);
    env.set(name, ScalarValue::double_quoted(&value));
    let after = doc.to_string();
    let mut expected = before.value.clone();
    if let Some(slot) = expected
        .get_mut("services")
        .and_then(|s| s.get_mut(service))
        .and_then(|s| s.get_mut("environment"))
        .and_then(|e| e.get_mut(name))
    {
        *slot = yaml_serde::Value::String(value);
    }
    let parsed = ComposeFile::parse(path, after.clone())
        .map_err(|e| anyhow!("{}: quoting {name} broke the file: {e}", path.display()))?;
    if parsed.value != expected {
        bail!(
            "{}: internal check failed after quoting {name} (more than that value changed); the file was left untouched. Please report this with the file",
            path.display()
        );
    }
    Ok(Some(after))
}
