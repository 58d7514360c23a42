//! collector-honeycomb-headers-missing: an `otlp`/`otlphttp` exporter to a
//! Honeycomb host that carries no `x-honeycomb-team` header. Only exporters
//! a pipeline uses send anything.

use super::config::kind;
use super::over_configs;
use crate::doctor::checks::compose_file::loc;
use crate::doctor::{Ctx, Finding, Unsure};
use crate::providers::honeycomb::host_of;
use yaml_serde::Value;

pub fn exporters(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    over_configs(ctx, |c, config| {
        let mut out = Vec::new();
        for id in config.defined("exporters") {
            if !matches!(kind(&id), "otlp" | "otlphttp") || !config.used("exporters", &id) {
                continue;
            }
            let Some(exp) = config.component("exporters", &id) else {
                continue;
            };
            let endpoint = ["endpoint", "traces_endpoint"]
                .iter()
                .find_map(|k| exp.get(*k).and_then(Value::as_str))
                .unwrap_or_default();
            let host = host_of(endpoint).to_ascii_lowercase();
            if !(host.ends_with("honeycomb.io") || host.ends_with("honeycomb.com")) {
                continue;
            }
            let has_team = match exp.get("headers") {
                Some(Value::Mapping(h)) => h.keys().any(|k| {
                    crate::compose::scalar_text(k).eq_ignore_ascii_case("x-honeycomb-team")
                }),
                _ => false,
            };
            if has_team {
                continue;
            }
            let at = config.locate(&["exporters", &id]);
            out.push(
                Finding::new(
                    "collector-honeycomb-headers-missing",
                    format!(
                        "the `{id}` exporter of `{}` sends to {host} without an x-honeycomb-team header: Honeycomb answers 401",
                        c.svc.name()
                    ),
                )
                .at(at.0.clone(), at.1)
                .evidence(format!("{}: {id}: endpoint {endpoint}, no x-honeycomb-team under headers", loc(&at))),
            );
        }
        out
    })
}
