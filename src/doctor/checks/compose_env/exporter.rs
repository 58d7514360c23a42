//! What the exporter speaks (protocol vs installed packages) and whether tracing is off.

use super::shared::{clean, effective_endpoint, otel_in_play, place, service_place};
use crate::doctor::{Ctx, Finding};
use crate::mask::mask_shapes;
use crate::resolve::Setting;

/// The protocol of an exporter the code builds itself; it ignores OTEL_EXPORTER_OTLP_PROTOCOL.
fn code_exporter(ctx: &Ctx) -> Option<&'static str> {
    ctx.code().mods.iter().find_map(|m| {
        if !m
            .module
            .calls()
            .iter()
            .any(|c| c.callee.ends_with("OTLPSpanExporter"))
        {
            return None;
        }
        m.module.imports().iter().find_map(|i| {
            if i.module
                .starts_with("opentelemetry.exporter.otlp.proto.http")
            {
                Some("http/protobuf")
            } else if i
                .module
                .starts_with("opentelemetry.exporter.otlp.proto.grpc")
            {
                Some("grpc")
            } else {
                None
            }
        })
    })
}

/// Where `opentelemetry-instrument` starts the app (auto-configuration
/// reads the OTEL_ variables), from the one launch model every check shares.
fn auto_instrument(ctx: &Ctx) -> Option<(String, Option<usize>)> {
    ctx.launch()
        .runs("opentelemetry-instrument")
        .map(|c| (c.file.clone(), c.line))
}

/// Whether anything reads OTEL_TRACES_EXPORTER / _PROTOCOL: auto-configuration
/// does, an exporter built by hand does not.
fn auto_config_reads(ctx: &Ctx) -> bool {
    auto_instrument(ctx).is_some() || code_exporter(ctx).is_none()
}

/// The protocol auto-configuration uses and where it comes from.
fn protocol_in_use<'c>(ctx: &'c Ctx) -> Option<(String, Option<&'c Setting>)> {
    let explicit = [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ]
    .iter()
    .filter_map(|n| ctx.env.get(n))
    .find(|s| !clean(ctx, s).trim().is_empty());
    match explicit {
        Some(s) => Some((clean(ctx, s).trim().to_ascii_lowercase(), Some(s))),
        None if auto_instrument(ctx).is_some() => Some(("grpc".into(), None)),
        None => None,
    }
}

/// What the exporter actually speaks: the hand-built one's, unless
/// auto-configuration builds it from the protocol setting.
pub(super) fn wire_protocol(ctx: &Ctx) -> Option<String> {
    match code_exporter(ctx) {
        Some(p) if auto_instrument(ctx).is_none() => Some(p.to_string()),
        _ => protocol_in_use(ctx).map(|(p, _)| p),
    }
}

pub fn protocol(ctx: &Ctx) -> Vec<Finding> {
    if !otel_in_play(ctx) {
        return Vec::new();
    }
    let declared = &ctx.declared;
    let has = |p: &str| {
        crate::steps::has_package(declared, p)
            || crate::steps::has_package(declared, "opentelemetry-exporter-otlp")
    };
    let (http, grpc) = (
        has("opentelemetry-exporter-otlp-proto-http"),
        has("opentelemetry-exporter-otlp-proto-grpc"),
    );
    let mut out = Vec::new();
    let reads = auto_config_reads(ctx);
    let in_use = protocol_in_use(ctx).filter(|_| reads);
    if let Some((proto, setting)) = &in_use {
        let (file, line) = match setting {
            Some(s) => place(ctx, s),
            None => auto_instrument(ctx).unwrap_or_else(|| service_place(ctx)),
        };
        let from = setting.map_or("opentelemetry-instrument's default".to_string(), |s| {
            s.name.clone()
        });
        let (package, other) = match proto.as_str() {
            "grpc" => ("opentelemetry-exporter-otlp-proto-grpc", http && !grpc),
            "http/protobuf" => ("opentelemetry-exporter-otlp-proto-http", grpc && !http),
            _ => ("", true),
        };
        let why = if package.is_empty() {
            Some(format!(
                "protocol `{proto}` is not supported by the Python SDK (it raises at start-up)"
            ))
        } else {
            other.then(|| format!("protocol `{proto}` ({from}) needs {package}, which the requirements do not declare"))
        };
        if let Some(why) = why {
            let mut f = Finding::new("otel-protocol-mismatch", why)
                .at(file, line)
                .evidence(format!(
                    "protocol {proto} from {from}; exporter packages declared: {}",
                    [(http, "proto-http"), (grpc, "proto-grpc")]
                        .iter()
                        .filter(|(h, _)| *h)
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            // The protocol of the exporter package that is declared.
            if http || grpc {
                let want = if http { "http/protobuf" } else { "grpc" };
                f = f.fill("value", format!("OTEL_EXPORTER_OTLP_PROTOCOL: \"{want}\""));
            }
            out.push(f);
        }
    }
    if let (Some(proto), Some((s, url))) = (wire_protocol(ctx), effective_endpoint(ctx)) {
        let port = url
            .split_once("://")
            .map_or("", |(_, r)| r.split(['/', '?']).next().unwrap_or(""))
            .rsplit_once(':')
            .map(|(_, p)| p.to_string());
        let clash = match port.as_deref() {
            Some("4317") => proto == "http/protobuf",
            Some("4318") => proto == "grpc",
            _ => false,
        };
        if clash {
            let (file, line) = place(ctx, s);
            out.push(
                Finding::new(
                    "otel-protocol-mismatch",
                    format!(
                        "{} uses port {} but the exporter speaks {proto}",
                        s.name,
                        port.unwrap_or_default()
                    ),
                )
                .at(file, line)
                .evidence(format!("{}: {}", s.name, mask_shapes(&url))),
            );
        }
    }
    out
}

pub fn disabled(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut report = |s: &Setting, why: String| {
        let (file, line) = place(ctx, s);
        out.push(
            Finding::new("otel-disabled", why)
                .at(file, line)
                .evidence(format!("{}: {}", s.name, clean(ctx, s))),
        );
    };
    if let Some(s) = ctx
        .env
        .get("OTEL_SDK_DISABLED")
        .filter(|s| clean(ctx, s).trim().eq_ignore_ascii_case("true"))
    {
        report(
            s,
            "OTEL_SDK_DISABLED=true turns tracing off without a word".into(),
        );
    }
    if let Some(s) = ctx
        .env
        .get("OTEL_TRACES_EXPORTER")
        .filter(|_| auto_config_reads(ctx))
    {
        let v = clean(ctx, s).to_ascii_lowercase();
        let kinds: Vec<&str> = v
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if !kinds.is_empty() && kinds.iter().all(|k| matches!(*k, "none" | "console")) {
            report(
                s,
                format!(
                    "OTEL_TRACES_EXPORTER={} exports no traces to Honeycomb",
                    kinds.join(",")
                ),
            );
        }
    }
    out
}
