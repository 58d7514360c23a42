//! The format-preserving repair of collector-receiver-localhost: set an OTLP
//! receiver protocol's `endpoint` in the collector config through yaml-edit
//! (comments, order, quoting and flow style kept), re-read and refused unless
//! exactly that value changed.

use crate::edit::Plan;
use crate::project::Project;
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::str::FromStr;
use yaml_edit::{Document, Mapping, ScalarValue};
use yaml_serde::Value;

/// Plans setting the endpoint, on top of what the plan already changes.
pub(crate) fn plan_endpoint(
    plan: &mut Plan,
    project: &Project,
    path: &Path,
    receiver: &str,
    protocol: &str,
    endpoint: &str,
) -> Result<()> {
    let original = crate::fsutil::read_text(path)?;
    let current = plan
        .current(path, Some(&original))
        .unwrap_or_default()
        .to_string();
    if let Some(after) = set_endpoint(path, &current, receiver, protocol, endpoint)? {
        plan.update(
            path,
            &project.display(path),
            Some(&original),
            after,
            format!("fixed collector-receiver-localhost ({receiver} {protocol}: {endpoint})"),
        );
    }
    Ok(())
}

fn protocols(doc: &Document, receiver: &str) -> Option<Mapping> {
    doc.as_mapping()?
        .get_mapping("receivers")?
        .get_mapping(receiver)?
        .get_mapping("protocols")
}

/// `text` with `receivers.<receiver>.protocols.<protocol>.endpoint` set to
/// `endpoint`; `None` when it already is.
pub fn set_endpoint(
    path: &Path,
    text: &str,
    receiver: &str,
    protocol: &str,
    endpoint: &str,
) -> Result<Option<String>> {
    let before: Value = yaml_serde::from_str(text)
        .map_err(|e| anyhow!("{}: not valid YAML: {e}", path.display()))?;
    let settings = before
        .get("receivers")
        .and_then(|r| r.get(receiver))
        .and_then(|r| r.get("protocols"))
        .and_then(|p| p.get(protocol))
        .ok_or_else(|| anyhow!("{}: no {receiver} {protocol} receiver", path.display()))?;
    if settings.get("endpoint").and_then(Value::as_str) == Some(endpoint) {
        return Ok(None);
    }
    let doc =
        Document::from_str(text).map_err(|e| anyhow!("{}: cannot edit: {e}", path.display()))?;
    let protos = protocols(&doc, receiver).ok_or_else(|| {
        anyhow!(
            "{}: the protocols of {receiver} are not a plain mapping; set the endpoint by hand",
            path.display()
        )
    })?;
    let node = match protos.get_mapping(protocol) {
        Some(m) => m,
        None => {
            // `http:` with nothing under it: give it a block of its own.
            protos.set(protocol, Mapping::new_pending_block());
            protos
                .get_mapping(protocol)
                .ok_or_else(|| anyhow!("could not add settings under {protocol}"))?
        }
    };
    node.set("endpoint", ScalarValue::plain(endpoint));
    let after = doc.to_string();
    let mut expected = before.clone();
    if let Some(slot) = expected
        .get_mut("receivers")
        .and_then(|r| r.get_mut(receiver))
        .and_then(|r| r.get_mut("protocols"))
        .and_then(|p| p.get_mut(protocol))
    {
        if !slot.is_mapping() {
            *slot = Value::Mapping(Default::default());
        }
        if let Some(m) = slot.as_mapping_mut() {
            m.insert("endpoint".into(), Value::String(endpoint.to_string()));
        }
    }
    let parsed: Value = yaml_serde::from_str(&after).map_err(|e| {
        anyhow!(
            "{}: the edit broke the file ({e}); left untouched",
            path.display()
        )
    })?;
    if parsed != expected {
        bail!(
            "{}: internal check failed after setting the {receiver} {protocol} endpoint (more than that changed); the file was left untouched. Please report this with the file",
            path.display()
        );
    }
    Ok(Some(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, proto: &str, endpoint: &str) -> Option<String> {
        set_endpoint(Path::new("c.yaml"), text, "otlp", proto, endpoint).unwrap()
    }

    #[test]
    fn an_empty_protocol_gets_an_endpoint_and_comments_stay() {
        let text = "receivers:\n  otlp:\n    protocols:\n      http: # port 4318\n        cors:\n          allowed_origins: [\"*\"]\n      grpc:\n# end\nexporters:\n  debug: {}\n";
        let once = set(text, "http", "0.0.0.0:4318").unwrap();
        let twice = set(&once, "grpc", "0.0.0.0:4317").unwrap();
        assert_eq!(
            twice,
            "receivers:\n  otlp:\n    protocols:\n      http: # port 4318\n        cors:\n          allowed_origins: [\"*\"]\n        endpoint: 0.0.0.0:4318\n      grpc:\n        endpoint: 0.0.0.0:4317\n# end\nexporters:\n  debug: {}\n"
        );
        assert_eq!(set(&twice, "http", "0.0.0.0:4318"), None);
    }

    #[test]
    fn a_localhost_endpoint_is_replaced_in_flow_style() {
        let text = "receivers:\n  otlp:\n    protocols: {http: {endpoint: \"localhost:14318\"}}\nservice: {}\n";
        let after = set(text, "http", "0.0.0.0:14318").unwrap();
        let v: Value = yaml_serde::from_str(&after).unwrap();
        assert_eq!(
            v["receivers"]["otlp"]["protocols"]["http"]["endpoint"].as_str(),
            Some("0.0.0.0:14318")
        );
        assert!(after.ends_with("service: {}\n"));
    }
}
