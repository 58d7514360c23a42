//! Format-preserving edits of a service's `environment`, through yaml-edit's
//! lossless tree: comments, blank lines, key order, anchors, flow style and
//! line endings stay as they were. Every result is re-read with yaml_serde and
//! checked against what was intended before it is accepted.

use super::{ComposeFile, EnvVar};
use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use yaml_edit::{Document, Mapping, ScalarValue, YamlNode};

/// One change to a service's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOp {
    /// Set `name` to `value`, adding it if absent.
    Set { name: String, value: String },
    /// Rename the variable `from` to `to`, keeping its value and position.
    Rename { from: String, to: String },
}

/// The scalar text of a node as YAML reads it (quotes removed, escapes applied).
pub fn node_text(node: &YamlNode) -> String {
    node.as_scalar()
        .map(|s| s.as_string())
        .unwrap_or_else(|| node.to_string())
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Quote {
    Plain,
    Single,
    Double,
}

/// The quoting the file already uses for this environment's values.
fn house_style(raw_values: &[String]) -> Quote {
    let double = raw_values.iter().any(|v| v.starts_with('"'));
    let single = raw_values.iter().any(|v| v.starts_with('\''));
    match (double, single) {
        (false, true) => Quote::Single,
        (true, _) => Quote::Double,
        _ => Quote::Plain,
    }
}

/// Whether `value` survives as a plain scalar and still reads as a string.
fn plain_ok(value: &str, flow: bool) -> bool {
    let starts_bad =
        value.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace());
    let typed = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
    ) || value.parse::<f64>().is_ok();
    !value.is_empty()
        && !starts_bad
        && !typed
        && !value.ends_with(char::is_whitespace)
        && !value.contains(": ")
        && !value.contains(" #")
        && !(flow && value.contains(|c: char| ",[]{}".contains(c)))
}

fn styled(value: &str, style: Quote, flow: bool) -> ScalarValue {
    match style {
        Quote::Plain if plain_ok(value, flow) => ScalarValue::plain(value),
        Quote::Single if !value.contains('\n') => ScalarValue::single_quoted(value),
        _ => ScalarValue::double_quoted(value),
    }
}

/// The edited text, and the other services that share the edited block
/// through an anchor (they receive the same variables).
pub struct EnvEdit {
    pub text: String,
    pub shared_with: Vec<String>,
}

/// Applies `ops` to `service`'s environment in `text`; `Ok(None)` when the
/// file already says all of it.
pub fn apply_env_ops(
    path: &Path,
    text: &str,
    service: &str,
    ops: &[EnvOp],
) -> Result<Option<EnvEdit>> {
    apply_env_ops_on(path, text, None, service, ops)
}

/// `apply_env_ops` given the file as already parsed, when `text` is that
/// file's text (what discovery read): it is not parsed again.
pub fn apply_env_ops_on(
    path: &Path,
    text: &str,
    parsed: Option<&ComposeFile>,
    service: &str,
    ops: &[EnvOp],
) -> Result<Option<EnvEdit>> {
    let fresh;
    let before = match parsed.filter(|p| p.text == text) {
        Some(p) => p,
        None => {
            fresh = ComposeFile::parse(path, text.to_string())?;
            &fresh
        }
    };
    let current = before
        .service(service)
        .ok_or_else(|| anyhow!("no service `{service}` in {}", path.display()))?
        .environment();
    let expected = expected_env(&current, ops);
    if as_map(&current) == expected && !renames_pending(&current, ops) {
        return Ok(None);
    }

    let doc =
        Document::from_str(text).map_err(|e| anyhow!("{}: cannot edit: {e}", path.display()))?;
    let (svc, _) = super::positions::service_mapping(&doc, service).ok_or_else(|| {
        anyhow!(
            "{}: service `{service}` is not a plain mapping; add the variables by hand",
            path.display()
        )
    })?;
    match svc.get("environment") {
        None => {
            svc.set("environment", Mapping::new_pending_block());
            let env = svc.get_mapping("environment").ok_or_else(|| anyhow!("could not add an environment block"))?;
            edit_mapping(&env, ops, false);
        }
        Some(node) if node.is_alias() => bail!(
            "{}: the environment of `{service}` is an alias of another block; add the variables where the anchor is defined",
            path.display()
        ),
        Some(node) => {
            if let Some(m) = node.as_mapping() {
                edit_mapping(m, ops, m.is_flow_style());
            } else if let Some(s) = node.as_sequence() {
                edit_sequence(s, ops);
            } else {
                bail!("{}: the environment of `{service}` is neither a mapping nor a list", path.display());
            }
        }
    }
    let text = doc.to_string();
    let shared_with = verify(path, before, &text, service, &expected)?;
    Ok(Some(EnvEdit { text, shared_with }))
}

fn renames_pending(current: &[EnvVar], ops: &[EnvOp]) -> bool {
    ops.iter().any(
        |op| matches!(op, EnvOp::Rename { from, .. } if current.iter().any(|v| &v.name == from)),
    )
}

fn as_map(env: &[EnvVar]) -> BTreeMap<String, Option<String>> {
    env.iter()
        .map(|v| (v.name.clone(), v.value.clone()))
        .collect()
}

fn expected_env(current: &[EnvVar], ops: &[EnvOp]) -> BTreeMap<String, Option<String>> {
    let mut env = as_map(current);
    for op in ops {
        match op {
            EnvOp::Rename { from, to } => {
                if let Some(v) = env.remove(from) {
                    env.insert(to.clone(), v);
                }
            }
            EnvOp::Set { name, value } => {
                env.insert(name.clone(), Some(value.clone()));
            }
        }
    }
    env
}

fn edit_mapping(env: &Mapping, ops: &[EnvOp], flow: bool) {
    let raw: Vec<String> = env
        .values()
        .filter_map(|v| v.as_scalar().map(|s| s.value()))
        .collect();
    let style = house_style(&raw);
    for op in ops {
        match op {
            EnvOp::Rename { from, to } => {
                env.rename_key(from.as_str(), to.as_str());
            }
            EnvOp::Set { name, value } => {
                let same = env.get(name.as_str()).map(|v| node_text(&v)) == Some(value.clone());
                // Re-setting a value that is already right would rewrite its quoting.
                if !same {
                    env.set(name.as_str(), styled(value, style, flow));
                }
            }
        }
    }
}

fn edit_sequence(env: &yaml_edit::Sequence, ops: &[EnvOp]) {
    let flow = env.is_flow_style();
    let raw: Vec<String> = env
        .values()
        .filter_map(|v| v.as_scalar().map(|s| s.value()))
        .collect();
    let style = house_style(&raw);
    let position = |name: &str| {
        env.values()
            .position(|v| node_text(&v).split('=').next() == Some(name))
    };
    for op in ops {
        let (index, item) = match op {
            EnvOp::Rename { from, to } => {
                let Some(i) = position(from) else { continue };
                let old = node_text(&env.get(i).expect("index from position"));
                let rest = old
                    .split_once('=')
                    .map(|(_, v)| format!("={v}"))
                    .unwrap_or_default();
                (Some(i), format!("{to}{rest}"))
            }
            EnvOp::Set { name, value } => {
                let item = format!("{name}={value}");
                let i = position(name);
                if i.is_some_and(|i| env.get(i).map(|v| node_text(&v)) == Some(item.clone())) {
                    continue;
                }
                (i, item)
            }
        };
        let node = styled(&item, style, flow);
        match index {
            Some(i) => {
                env.set(i, node);
            }
            None => env.push(node),
        }
    }
}

/// Re-reads the edited text and checks that the service's environment is
/// exactly what was intended and that every other service is untouched (or,
/// when the block is shared through an anchor, changed the same way).
fn verify(
    path: &Path,
    before: &ComposeFile,
    after: &str,
    service: &str,
    expected: &BTreeMap<String, Option<String>>,
) -> Result<Vec<String>> {
    let fail = |why: String| {
        anyhow!("{}: internal check failed after editing ({why}); the file was left untouched. Please report this with the file", path.display())
    };
    let parsed = ComposeFile::parse(path, after.to_string()).map_err(|e| fail(e.message))?;
    let svc = parsed
        .service(service)
        .ok_or_else(|| fail("service vanished".into()))?;
    let got = as_map(&svc.environment());
    if &got != expected {
        return Err(fail(format!(
            "environment is {got:?}, expected {expected:?}"
        )));
    }
    let mut shared_with = Vec::new();
    let old_env = as_map(
        &before
            .service(service)
            .map(|s| s.environment())
            .unwrap_or_default(),
    );
    for name in before.service_names() {
        let (Some(a), Some(b)) = (before.service(&name), parsed.service(&name)) else {
            return Err(fail(format!("service {name} vanished")));
        };
        let (ea, eb) = (as_map(&a.environment()), as_map(&b.environment()));
        let shared = ea == old_env && eb == *expected;
        let same_rest = strip_env(a.value) == strip_env(b.value);
        if !same_rest || (name != service && ea != eb && !shared) {
            return Err(fail(format!("service {name} changed unexpectedly")));
        }
        if name != service && ea != eb {
            shared_with.push(name);
        }
    }
    if before
        .value
        .get("services")
        .map(|s| s.as_mapping().map(|m| m.len()))
        != parsed
            .value
            .get("services")
            .map(|s| s.as_mapping().map(|m| m.len()))
    {
        return Err(fail("the number of services changed".into()));
    }
    let top = |c: &ComposeFile| {
        let mut v = c.value.clone();
        if let Some(m) = v.as_mapping_mut() {
            m.remove("services");
        }
        v
    };
    if top(before) != top(&parsed) {
        return Err(fail("top-level keys changed".into()));
    }
    Ok(shared_with)
}

fn strip_env(v: &yaml_serde::Value) -> yaml_serde::Value {
    let mut v = v.clone();
    if let Some(m) = v.as_mapping_mut() {
        m.remove("environment");
    }
    v
}
