//! collector-receiver-localhost: an OTLP receiver protocol that listens on
//! localhost inside the collector container, where no other container can
//! reach it. An explicit `localhost:`/`127.0.0.1:` endpoint does so in any
//! release; no endpoint at all does since v0.104.0 (before, the default
//! was 0.0.0.0). `0.0.0.0:4318`, `:4318` and `${env:…}` hosts are fine.

use super::config::{kind, Config};
use super::version::LOCALHOST_DEFAULT;
use super::{over_configs, Collector};
use crate::doctor::checks::compose_file::loc;
use crate::doctor::{Ctx, Finding, Fix, Unsure};
use yaml_serde::Value;

const PROTOCOLS: [(&str, u16); 2] = [("grpc", 4317), ("http", 4318)];

pub fn receivers(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    over_configs(ctx, |c, config| check(c, config).into_iter().collect())
}

/// The host a receiver endpoint binds: `None` for all interfaces.
fn local_host(endpoint: &str) -> Option<&str> {
    let host = match endpoint.rsplit_once(':') {
        Some((h, _)) => h,
        None => endpoint,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    matches!(host, "localhost" | "127.0.0.1" | "::1").then_some(host)
}

fn port_of(endpoint: &str, default: u16) -> String {
    endpoint
        .rsplit_once(':')
        .map(|(_, p)| p.to_string())
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| default.to_string())
}

fn check(c: &Collector, config: &Config) -> Option<Finding> {
    let mut wrong: Vec<String> = Vec::new();
    let mut fixes: Vec<Fix> = Vec::new();
    let mut first: Option<(String, String)> = None;
    for id in config.defined("receivers") {
        if kind(&id) != "otlp" || !config.used("receivers", &id) {
            continue;
        }
        let protocols = config
            .component("receivers", &id)
            .and_then(|r| r.get("protocols"));
        for (proto, default_port) in PROTOCOLS {
            let Some(settings) = protocols.and_then(|p| p.get(proto)) else {
                continue;
            };
            let endpoint = match settings.get("endpoint") {
                Some(Value::String(s)) => Some(s.trim().to_string()),
                Some(Value::Null) | None => None,
                Some(other) => Some(crate::compose::scalar_text(other)),
            };
            let why = match &endpoint {
                None if c.version.at_least(LOCALHOST_DEFAULT) == Some(true) => format!(
                    "{id} {proto}: no endpoint, and since {LOCALHOST_DEFAULT} that binds \
                     localhost:{default_port} (the image is {})",
                    c.version.describe()
                ),
                Some(e) => match local_host(e) {
                    Some(_) => format!("{id} {proto}: endpoint {e}"),
                    None => continue,
                },
                None => continue,
            };
            wrong.push(why);
            let to = format!(
                "0.0.0.0:{}",
                port_of(endpoint.as_deref().unwrap_or(""), default_port)
            );
            let key = ["receivers", id.as_str(), "protocols", proto];
            if let Some(file) = config.file_of(&key) {
                fixes.push(Fix::ReceiverEndpoint {
                    path: file.path.host.clone(),
                    receiver: id.clone(),
                    protocol: proto.to_string(),
                    endpoint: to,
                });
            }
            first.get_or_insert((id.clone(), proto.to_string()));
        }
    }
    let (id, proto) = first?;
    let at = config.locate(&["receivers", &id, "protocols", &proto]);
    let mut f = Finding::new(
        "collector-receiver-localhost",
        format!(
            "the OTLP receiver of `{}` listens on localhost inside its container: other containers cannot reach it",
            c.svc.name()
        ),
    )
    .at(at.0.clone(), at.1)
    .evidence(format!("{}: {}", loc(&at), wrong.join("; ")));
    for fix in fixes {
        f = f.edit(fix);
    }
    Some(f)
}
