//! collector-unused: a collector service runs but nothing sends to it.
//! Anything that names the collector counts as use: an environment value of
//! any service (the backend's endpoint, a frontend's collector URL through a
//! published port or the workspace URL of that port), an env_file, or the
//! backend's code.

use super::{collectors, Collector};
use crate::compose::{scalar_text, Service};
use crate::doctor::checks::compose_file::{interpolated, listed, lookup};
use crate::doctor::{Ctx, Finding, Unsure};
use yaml_serde::Value;

/// How other containers and the host reach a collector.
struct Addresses {
    names: Vec<String>,
    ports: Vec<String>,
}

impl Addresses {
    fn of(svc: &Service) -> Addresses {
        let mut names = vec![svc.name().to_string()];
        for key in ["container_name", "hostname"] {
            names.extend(svc.get(key).map(scalar_text));
        }
        if let Some(Value::Mapping(nets)) = svc.get("networks") {
            for n in nets.values() {
                if let Some(Value::Sequence(aliases)) = n.get("aliases") {
                    names.extend(aliases.iter().map(scalar_text));
                }
            }
        }
        let mut ports = Vec::new();
        if let Some(Value::Sequence(items)) = svc.get("ports") {
            for p in items {
                let published = match p {
                    Value::Mapping(_) => p.get("published").map(scalar_text),
                    other => {
                        let s = scalar_text(other);
                        let s = s.split('/').next().unwrap_or_default().to_string();
                        let parts: Vec<&str> = s.split(':').collect();
                        // "4318", "4318:4318", "127.0.0.1:4318:4318"
                        parts
                            .len()
                            .checked_sub(2)
                            .map_or(parts.first(), |i| parts.get(i))
                            .map(|p| p.to_string())
                    }
                };
                ports.extend(published.filter(|p| !p.is_empty()));
            }
        }
        Addresses { names, ports }
    }

    /// Whether a value (a URL, a host name) points at the collector. A
    /// published port on `localhost` reaches it from the host and the
    /// browser (`from_host`), never from inside another container.
    fn in_value(&self, value: &str, from_host: bool) -> bool {
        let tokens: Vec<&str> = value
            .split(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
            .filter(|t| !t.is_empty())
            .collect();
        if self.names.iter().any(|n| tokens.contains(&n.as_str())) {
            return true;
        }
        self.ports.iter().any(|p| {
            let local = if from_host {
                &["localhost", "127.0.0.1", "0.0.0.0", "host.docker.internal"][..]
            } else {
                &["host.docker.internal"][..]
            };
            local.iter().any(|h| value.contains(&format!("{h}:{p}")))
                // Gitpod `https://4318-<workspace>…`, Codespaces `<name>-4318.…`
                || tokens
                    .iter()
                    .any(|t| t.starts_with(&format!("{p}-")) || t.contains(&format!("-{p}.")))
        })
    }
}

pub fn usage(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    let collectors = collectors(ctx);
    // With no endpoint at all the backend sends nowhere: otel-endpoint-missing
    // says so, and pointing it somewhere is its fix.
    if ctx.usage().otel.is_some() && ctx.exporter.traces_url.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for c in collectors {
        let addr = Addresses::of(&c.svc);
        if used(ctx, c, &addr) {
            continue;
        }
        let (file, line) = c.svc.place();
        let endpoint = ctx
            .exporter
            .traces_url
            .as_ref()
            .map_or("no OTLP endpoint".to_string(), |r| {
                format!("its traces to {}", r.value)
            });
        out.push(
            Finding::new(
                "collector-unused",
                format!(
                    "the collector `{}` runs, but nothing sends to it",
                    c.svc.name()
                ),
            )
            .at(ctx.project.compose.display(file), line)
            .evidence(format!(
                "the backend `{}` sends {endpoint}; no service's environment names {}{}",
                ctx.project.backend.service,
                listed(&addr.names),
                match addr.ports.as_slice() {
                    [] => String::new(),
                    p => format!(" or its published ports {}", p.join(", ")),
                }
            )),
        );
    }
    Ok(out)
}

fn used(ctx: &Ctx, c: &Collector, addr: &Addresses) -> bool {
    let lookup = lookup(ctx);
    let by_env = ctx
        .project
        .compose
        .all_services()
        .iter()
        .filter(|s| s.name() != c.svc.name() && s.name() != ctx.project.backend.service)
        .any(|s| {
            let values = s.env().iter().filter_map(|v| v.value.clone());
            let files = s.env_files().into_iter().filter_map(|f| {
                ctx.project
                    .read(&ctx.project.compose.dir().join(f))
                    .ok()
                    .map(|t| t.to_string())
            });
            values.chain(files).any(|v| {
                addr.in_value(&v, true)
                    || interpolated(&lookup, &v).is_some_and(|i| addr.in_value(&i.value, true))
            })
        });
    let by_backend = ctx.env.settings.iter().any(|s| {
        addr.in_value(&s.value, false) || addr.in_value(s.raw.as_deref().unwrap_or(""), false)
    }) || ctx
        .image()
        .and_then(|i| i.env("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .is_some_and(|(v, _)| addr.in_value(v, false));
    let by_code = ctx
        .code()
        .mods
        .iter()
        .any(|m| addr.in_value(m.module.source(), false));
    by_env || by_backend || by_code
}
