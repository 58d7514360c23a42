//! compose-network-undefined: a service joins a network the top level does
//! not define. compose interpolates list items (values) but never mapping
//! keys, so `- ${APP_NAME}-network` with APP_NAME unset is `-network`, while
//! a top-level key `${APP_NAME}-network:` stays as written.

use super::{interpolated, listed, loc, lookup, unset_phrase};
use crate::compose::scalar_text;
use crate::doctor::{Ctx, Finding};
use yaml_serde::Value;

/// One network name a service joins, as compose reads it.
struct Joined {
    service: String,
    raw: String,
    name: String,
    unset: Vec<String>,
    at: (String, Option<usize>),
}

pub fn networks(ctx: &Ctx) -> Vec<Finding> {
    let compose = &ctx.project.compose;
    let defined: Vec<String> = match compose.top.get("networks") {
        Some(Value::Mapping(m)) => m.keys().map(scalar_text).collect(),
        _ => Vec::new(),
    };
    let lookup = lookup(ctx);
    let mut joined: Vec<Joined> = Vec::new();
    for svc in compose.all_services() {
        // With `network_mode` the service joins no compose network at all.
        if svc.get("network_mode").is_some() {
            continue;
        }
        let items: Vec<(String, bool)> = match svc.get("networks") {
            Some(Value::Sequence(items)) => items.iter().map(|i| (scalar_text(i), true)).collect(),
            Some(Value::Mapping(m)) => m.keys().map(|k| (scalar_text(k), false)).collect(),
            _ => Vec::new(),
        };
        for (raw, is_value) in items {
            let (name, unset) = match is_value.then(|| interpolated(&lookup, &raw)) {
                Some(Some(i)) => (i.value, i.unset),
                Some(None) => continue,
                None => (raw.clone(), Vec::new()),
            };
            joined.push(Joined {
                service: svc.name().to_string(),
                at: svc.item_location("networks", &raw),
                raw,
                name,
                unset,
            });
        }
    }
    let mut out: Vec<Finding> = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for j in &joined {
        if j.name == "default" || defined.contains(&j.name) || done.contains(&j.name.as_str()) {
            continue;
        }
        done.push(&j.name);
        // One network, one cause: every service that joins it in one finding.
        let same: Vec<&Joined> = joined.iter().filter(|o| o.name == j.name).collect();
        let services: Vec<String> = same.iter().map(|o| o.service.clone()).collect();
        let mut evidence = format!("{}: - {}", loc(&j.at), j.raw);
        if j.raw != j.name {
            evidence.push_str(&format!(" (compose reads `{}`)", j.name));
        }
        evidence.push_str(&match defined.as_slice() {
            [] => "; the top level defines no networks".to_string(),
            d => format!("; the top level defines {}", listed(d)),
        });
        let why = match j.unset.as_slice() {
            [] => String::new(),
            vars => format!(" ({})", unset_phrase(vars)),
        };
        let f = Finding::new(
            "compose-network-undefined",
            format!(
                "{} {} network `{}`, which the top level does not define{why}: compose refuses to start",
                listed(&services),
                if services.len() == 1 { "joins" } else { "join" },
                j.name
            ),
        )
        .at(j.at.0.clone(), j.at.1)
        .evidence(evidence);
        // A name compose built with an empty variable is not one to define.
        out.push(if j.unset.is_empty() {
            f.fill("value", j.name.clone())
        } else {
            f
        });
    }
    out
}
