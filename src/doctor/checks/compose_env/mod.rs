//! Compose environment of the backend service.
//!
//! Each check reports one cause once: a value that only looks wrong because a
//! list entry kept its quotes is left to `list_quotes`, a value emptied by an
//! unset `${VAR}` to `interpolation`, a misspelt name to `names`.

use crate::compose::{dotenv, edit::EnvOp, scalar_text, Service};
use crate::doctor::{Ctx, Finding, Fix};
use crate::mask::{mask, mask_shapes};
use crate::providers::{env_names::intended, honeycomb};
use crate::resolve::{Origin, Setting, VarSource};

pub(super) const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
pub(super) const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
pub(super) const HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
pub(super) const TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
const SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
const TEAM: &str = "x-honeycomb-team";
const WRONG_TEAM: [&str; 4] = [
    "x-honeycomb-key",
    "x-honeycomb-api-key",
    "x-honeycomb-apikey",
    "authorization",
];
const QUOTES: [char; 2] = ['"', '\''];

pub(super) fn backend<'a>(ctx: &Ctx<'a>) -> Option<Service<'a>> {
    ctx.project.compose.service(&ctx.project.backend.service)
}

/// Project-relative file and line where a setting was written.
pub(super) fn place(ctx: &Ctx, s: &Setting) -> (String, Option<usize>) {
    match &s.origin {
        Origin::Compose { file, line } => (file.clone(), *line),
        Origin::EnvFile { file, line } => (file.trim_start_matches("./").to_string(), Some(*line)),
        _ => (ctx.compose_display(), None),
    }
}

fn service_place(ctx: &Ctx) -> (String, Option<usize>) {
    (ctx.compose_display(), backend(ctx).and_then(|s| s.line()))
}

fn list_form(ctx: &Ctx) -> bool {
    backend(ctx).and_then(|s| s.get("environment").map(|e| e.is_sequence())) == Some(true)
}

fn list_quoted(v: &str) -> bool {
    v.starts_with(QUOTES) || v.ends_with(QUOTES)
}

/// The value as the SDK would read it once compose-list-quotes is repaired.
pub(super) fn clean(ctx: &Ctx, s: &Setting) -> String {
    let quoted = matches!(s.origin, Origin::Compose { .. })
        && s.raw.as_deref().is_some_and(list_quoted)
        && list_form(ctx);
    if quoted {
        s.value.trim_matches(QUOTES).to_string()
    } else {
        s.value.clone()
    }
}

/// The raw text, list quotes removed: what a repair edits.
pub(super) fn clean_raw(ctx: &Ctx, s: &Setting) -> Option<String> {
    let raw = s.raw.as_deref()?;
    let quoted = list_quoted(raw) && list_form(ctx);
    matches!(s.origin, Origin::Compose { .. }).then(|| {
        if quoted {
            raw.trim_matches(QUOTES)
        } else {
            raw
        }
        .to_string()
    })
}

/// A `${VAR}` compose substitutes with "": compose-var-unset says so.
pub(super) fn unset_var(s: &Setting) -> bool {
    s.raw.is_some()
        && s.vars
            .iter()
            .any(|v| v.source == VarSource::Unset && !v.used_default)
}

fn typo_for(ctx: &Ctx, names: &[&str]) -> bool {
    ctx.env
        .settings
        .iter()
        .any(|s| intended(&s.name).is_some_and(|w| names.contains(&w)))
}

pub(super) fn set(name: &str, value: impl Into<String>) -> Fix {
    Fix::Env(vec![EnvOp::Set {
        name: name.into(),
        value: value.into(),
    }])
}

pub(super) fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| n.contains(w))
}

/// A value fit for evidence: secrets masked, the headers' team value too.
pub(super) fn shown(name: &str, value: &str) -> String {
    if name.contains("HEADERS") {
        let entries: Vec<String> = value
            .split(',')
            .map(|e| match e.split_once(['=', ':']) {
                Some((k, v))
                    if team_ish(k) && !v.trim().starts_with('$') && !v.trim().is_empty() =>
                {
                    format!("{k}{}{}", &e[k.len()..=k.len()], mask(v.trim()))
                }
                _ => e.to_string(),
            })
            .collect();
        return mask_shapes(&entries.join(","));
    }
    if secret_name(name) && !value.contains('$') && !value.is_empty() {
        return mask(value);
    }
    mask_shapes(value)
}

fn team_ish(name: &str) -> bool {
    let n = name.trim().trim_matches(QUOTES).to_ascii_lowercase();
    n == TEAM || WRONG_TEAM.contains(&n.as_str())
}

fn has_value(ctx: &Ctx, s: Option<&Setting>) -> bool {
    s.is_some_and(|s| !clean(ctx, s).trim().is_empty() || unset_var(s))
}

/// The endpoint traces go to (the traces one wins) and the value the SDK reads.
fn effective_endpoint<'c>(ctx: &'c Ctx) -> Option<(&'c Setting, String)> {
    [TRACES_ENDPOINT, ENDPOINT]
        .iter()
        .filter_map(|n| ctx.env.get(n))
        .find(|s| has_value(ctx, Some(s)))
        .map(|s| (s, clean(ctx, s).trim().to_string()))
}

fn honeycomb_host(host: &str) -> bool {
    host.ends_with("honeycomb.io") || host.ends_with("honeycomb.com")
}

/// A collector in between adds the key itself; the backend then needs none.
pub(super) fn sends_to_honeycomb(ctx: &Ctx) -> bool {
    match effective_endpoint(ctx) {
        Some((s, v)) if !unset_var(s) => {
            honeycomb_host(&honeycomb::host_of(&v).to_ascii_lowercase())
        }
        _ => true,
    }
}

/// Whether code passes `keyword=` to the OTLP exporter, making the variable unneeded.
fn exporter_keyword(ctx: &Ctx, keyword: &str) -> bool {
    ctx.modules.iter().any(|m| {
        m.module.calls().iter().any(|c| {
            c.callee.ends_with("OTLPSpanExporter") && c.keywords.iter().any(|k| k == keyword)
        })
    })
}

/// The protocol of an exporter the code builds itself; it ignores OTEL_EXPORTER_OTLP_PROTOCOL.
fn code_exporter(ctx: &Ctx) -> Option<&'static str> {
    ctx.modules.iter().find_map(|m| {
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

/// Where `opentelemetry-instrument` starts the app (auto-configuration reads the OTEL_ variables).
fn auto_instrument(ctx: &Ctx) -> Option<(String, Option<usize>)> {
    if let Some(svc) = backend(ctx) {
        let words = ["command", "entrypoint"].map(|k| {
            svc.get(k)
                .map(|v| yaml_serde::to_string(v).unwrap_or_default())
        });
        if words
            .iter()
            .flatten()
            .any(|w| w.contains("opentelemetry-instrument"))
        {
            return Some(service_place(ctx));
        }
    }
    let df = ctx.project.backend.dockerfile.as_ref()?;
    let line = df.text.as_deref()?.lines().position(|l| {
        let t = l.trim_start();
        !t.starts_with('#') && t.contains("opentelemetry-instrument")
    })?;
    Some((ctx.project.display(&df.path), Some(line + 1)))
}

/// Whether anything reads OTEL_TRACES_EXPORTER / _PROTOCOL: auto-configuration
/// does, an exporter built by hand does not.
fn auto_config_reads(ctx: &Ctx) -> bool {
    auto_instrument(ctx).is_some() || code_exporter(ctx).is_none()
}

fn endpoint_problem(url: &str, local_ok: bool) -> Option<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some("it is not an absolute URL (no scheme such as https://)".into());
    };
    let host = honeycomb::host_of(url).to_ascii_lowercase();
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
        || rest.contains(char::is_whitespace)
        || host.is_empty()
    {
        return Some("it is not an absolute http(s) URL".into());
    }
    if honeycomb_host(&host) && host != honeycomb::US_HOST && host != honeycomb::EU_HOST {
        return Some(format!(
            "{host} is not a Honeycomb API host (api.honeycomb.io, EU: api.eu1.honeycomb.io)"
        ));
    }
    if honeycomb_host(&host) && scheme.eq_ignore_ascii_case("http") {
        return Some("Honeycomb accepts OTLP over https:// only".into());
    }
    if !local_ok && matches!(host.as_str(), "localhost" | "127.0.0.1" | "0.0.0.0") {
        return Some(format!(
            "{host} inside the container is the backend container itself, not a collector"
        ));
    }
    None
}

pub fn endpoint(ctx: &Ctx) -> Vec<Finding> {
    let (base, traces) = (ctx.env.get(ENDPOINT), ctx.env.get(TRACES_ENDPOINT));
    if !has_value(ctx, base) && !has_value(ctx, traces) {
        if typo_for(ctx, &[ENDPOINT, TRACES_ENDPOINT]) || exporter_keyword(ctx, "endpoint") {
            return Vec::new();
        }
        let (file, line) = base
            .map(|s| place(ctx, s))
            .unwrap_or_else(|| service_place(ctx));
        let url = crate::cli::Region::Us.api_url();
        return vec![Finding::new("otel-endpoint-missing", format!("`{}` sets no OTLP endpoint", ctx.project.backend.service))
            .at(file, line)
            .evidence(format!("neither {ENDPOINT} nor {TRACES_ENDPOINT} has a value: the SDK sends to http://localhost:4318, inside the container itself"))
            .fix(format!("set {ENDPOINT}: \"{url}\" in the environment of `{}` (EU teams: https://api.eu1.honeycomb.io)", ctx.project.backend.service))
            .edit(set(ENDPOINT, url))];
    }
    let local_ok = backend(ctx)
        .and_then(|s| s.get("network_mode").map(scalar_text))
        .as_deref()
        == Some("host");
    let grpc = wire_protocol(ctx).as_deref() == Some("grpc");
    let mut out = Vec::new();
    for s in [base, traces].into_iter().flatten() {
        let v = clean(ctx, s).trim().to_string();
        if v.is_empty() || unset_var(s) {
            continue;
        }
        let (file, line) = place(ctx, s);
        let evidence = format!("{}: {} ({})", s.name, mask_shapes(&v), s.describe());
        let ends_in_path = v.trim_end_matches('/').ends_with("/v1/traces");
        let raw = clean_raw(ctx, s);
        if s.name == ENDPOINT && ends_in_path && !has_value(ctx, traces) {
            let stripped = raw
                .as_deref()
                .map(|r| r.trim_end_matches('/'))
                .and_then(|r| r.strip_suffix("/v1/traces"));
            let mut f = Finding::new(
                "otel-endpoint-signal-path",
                format!("{ENDPOINT} ends in /v1/traces: the SDK posts to /v1/traces/v1/traces"),
            )
            .at(file.clone(), line)
            .evidence(evidence.clone())
            .fix(match stripped {
                Some(_) => format!(
                    "remove /v1/traces from {ENDPOINT} (it is the base URL; the SDK appends the path)"
                ),
                None => format!(
                    "remove /v1/traces from the variable {ENDPOINT} is built from ({})",
                    s.describe()
                ),
            });
            if let Some(fixed) = stripped {
                f = f.edit(set(ENDPOINT, fixed));
            }
            out.push(f);
        }
        if s.name == TRACES_ENDPOINT && !ends_in_path && !grpc {
            let mut f = Finding::new("otel-traces-endpoint-no-path", format!("{TRACES_ENDPOINT} lacks /v1/traces: it is used exactly as given"))
                .at(file.clone(), line)
                .evidence(evidence.clone())
                .fix(format!("append /v1/traces to {TRACES_ENDPOINT}, or use {ENDPOINT} with the base URL instead"));
            if let Some(r) = raw.as_deref() {
                f = f.edit(set(
                    TRACES_ENDPOINT,
                    format!("{}/v1/traces", r.trim_end_matches('/')),
                ));
            }
            out.push(f);
        }
        if let Some(why) = endpoint_problem(&v, local_ok) {
            let want = honeycomb::fix_endpoint(&v, None)
                .map(|(w, _)| w)
                .filter(|w| !w.contains("/v1/traces"));
            let to = want.map_or("https://api.honeycomb.io (EU: https://api.eu1.honeycomb.io) or your collector's http://host:4318".to_string(), |w| w);
            out.push(
                Finding::new(
                    "otel-endpoint-invalid",
                    format!("{} is not a usable endpoint: {why}", s.name),
                )
                .at(file, line)
                .evidence(evidence)
                .fix(format!("set {} to {to}", s.name)),
            );
        }
    }
    out
}

/// The setting the SDK reads headers from: _TRACES_HEADERS replaces the general one.
pub(super) fn headers_setting<'c>(ctx: &'c Ctx) -> Option<&'c Setting> {
    ctx.env.get(TRACES_HEADERS).or_else(|| ctx.env.get(HEADERS))
}

/// The headers text whose syntax matters: the raw text when the entries are
/// written there, else the value (a whole-value `${VAR}` or a pass-through).
fn headers_text(ctx: &Ctx, s: &Setting) -> String {
    match clean_raw(ctx, s) {
        Some(r) if r.contains(['=', ':', ',']) => r,
        _ => clean(ctx, s),
    }
}

/// Problems the SDK's header parser has with one `k=v` entry (it drops the entry).
fn entry_problems(entry: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (name, value) = match entry.split_once('=') {
        Some(kv) => kv,
        None => match entry.split_once(':') {
            Some(kv) => {
                out.push(format!("`:` instead of `=` in `{}`", shown(HEADERS, entry)));
                kv
            }
            None => {
                out.push(format!("`{}` has no `=`", shown(HEADERS, entry)));
                (entry, "")
            }
        },
    };
    if entry.contains('"')
        || name.contains('\'')
        || (!value.trim().starts_with('$') && value.contains('\''))
    {
        out.push("quotes, which the SDK rejects (the header is dropped)".into());
    }
    let n = name.trim().trim_matches(QUOTES).to_ascii_lowercase();
    if WRONG_TEAM.contains(&n.as_str()) {
        out.push(format!("header name `{n}` instead of `{TEAM}`"));
    }
    out
}

pub fn headers(ctx: &Ctx) -> Vec<Finding> {
    if !sends_to_honeycomb(ctx) {
        return Vec::new();
    }
    let setting = headers_setting(ctx);
    let text = setting.map(|s| headers_text(ctx, s)).unwrap_or_default();
    let entries: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let (file, line) = setting
        .map(|s| place(ctx, s))
        .unwrap_or_else(|| service_place(ctx));
    let name = setting.map_or(HEADERS, |s| s.name.as_str());
    // A whole-value `${VAR}` or a pass-through is repaired where the variable is set, not here.
    let editable = setting.is_none_or(|s| {
        clean_raw(ctx, s).is_some_and(|r| r.contains(['=', ':', ',']) || !r.contains('$'))
    });
    let evidence = format!("{name}: {}", shown(name, &text));
    let mut problems: Vec<String> = entries.iter().flat_map(|e| entry_problems(e)).collect();
    problems.dedup();
    if !problems.is_empty() {
        let mut f = Finding::new(
            "otel-headers-malformed",
            format!("{name} is malformed: the SDK drops the entries it cannot read"),
        )
        .at(file, line)
        .evidence(format!("{evidence}; {}", problems.join("; ")))
        .fix(format!(
            "write {name} as `{}` (no quotes, `=` between name and value)",
            honeycomb::HEADERS_VALUE
        ));
        if let (true, Some((fixed, _))) = (editable, honeycomb::fix_headers(Some(&text), None)) {
            f = f.edit(set(name, fixed));
            let literal = entries
                .iter()
                .filter_map(|e| e.split_once(['=', ':']).filter(|(k, _)| team_ish(k)))
                .map(|(_, v)| v.trim().trim_matches(QUOTES))
                .find(|v| !v.is_empty() && !v.starts_with('$'));
            let stored = (ctx.process)(honeycomb::KEY_VAR).is_some()
                || crate::secrets::dotenv_value(&ctx.project.dotenv, honeycomb::KEY_VAR).is_some();
            if let (Some(key), false) = (literal, stored) {
                f = f.edit(Fix::StoreInDotenv {
                    name: honeycomb::KEY_VAR.into(),
                    value: key.into(),
                });
            }
        }
        return vec![f];
    }
    let has_team = entries
        .iter()
        .any(|e| e.split_once('=').is_some_and(|(k, _)| team_ish(k)));
    let var_unset = setting.is_some_and(|s| unset_var(s) && entries.is_empty());
    if has_team
        || var_unset
        || typo_for(ctx, &[HEADERS, TRACES_HEADERS])
        || exporter_keyword(ctx, "headers")
    {
        return Vec::new();
    }
    let mut f = Finding::new(
        "otel-headers-missing",
        format!("no {TEAM} header in {name}: Honeycomb rejects every export (401)"),
    )
    .at(file, line)
    .evidence(if setting.is_some() {
        evidence
    } else {
        format!(
            "`{}` sets neither {HEADERS} nor {TRACES_HEADERS}",
            ctx.project.backend.service
        )
    })
    .fix(format!(
        "set {name}: \"{}\" and keep the key in .env (cruddur-obs init stores it)",
        honeycomb::HEADERS_VALUE
    ));
    if editable {
        let current = (!text.trim().is_empty()).then_some(text.as_str());
        if let Some((fixed, _)) = honeycomb::fix_headers(current, None) {
            f = f.edit(set(name, fixed));
        }
    }
    vec![f]
}

pub fn service_name(ctx: &Ctx) -> Vec<Finding> {
    if !ctx.exporter.service_name.from.starts_with("SDK default") {
        return Vec::new();
    }
    let emptied = [SERVICE_NAME, "OTEL_RESOURCE_ATTRIBUTES"]
        .iter()
        .filter_map(|n| ctx.env.get(n))
        .any(unset_var);
    let in_code = ctx.modules.iter().any(|m| {
        m.module
            .imports()
            .iter()
            .any(|i| i.name.as_deref() == Some("SERVICE_NAME"))
            || m.module.calls().iter().any(|c| {
                c.callee.contains("Resource")
                    && c.first_arg
                        .as_deref()
                        .is_some_and(|a| a.contains("service.name"))
            })
    });
    if emptied || in_code || typo_for(ctx, &[SERVICE_NAME]) {
        return Vec::new();
    }
    let svc = &ctx.project.backend.service;
    let (file, line) = ctx
        .env
        .get(SERVICE_NAME)
        .map(|s| place(ctx, s))
        .unwrap_or_else(|| service_place(ctx));
    vec![Finding::new(
        "otel-service-name-missing",
        "no service name: traces land in dataset `unknown_service`",
    )
    .at(file, line)
    .evidence(format!(
        "neither {SERVICE_NAME} nor service.name in OTEL_RESOURCE_ATTRIBUTES is set for `{svc}`"
    ))
    .fix(format!(
        "set {SERVICE_NAME}: \"{svc}\" in the environment of `{svc}`"
    ))
    .edit(set(SERVICE_NAME, svc.as_str()))]
}

pub fn names(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for s in &ctx.env.settings {
        let Some(want) = intended(&s.name) else {
            continue;
        };
        let (file, line) = place(ctx, s);
        let free = ctx.env.get(want).is_none() && !taken.contains(&want);
        let compose = matches!(s.origin, Origin::Compose { .. });
        let fix = match (free, compose) {
            (true, true) => format!("rename {} to {want}", s.name),
            (true, false) => format!("rename {} to {want} in {file}", s.name),
            (false, _) => format!("remove {} ({want} is already set)", s.name),
        };
        let mut f = Finding::new(
            "env-name-typo",
            format!(
                "`{}` is not a name the SDK reads: did you mean {want}?",
                s.name
            ),
        )
        .at(file, line)
        .evidence(format!(
            "{}: {} is ignored without a warning",
            s.name,
            shown(&s.name, &s.value)
        ))
        .fix(fix);
        if free && compose {
            taken.push(want);
            f = f.edit(Fix::Env(vec![EnvOp::Rename {
                from: s.name.clone(),
                to: want.into(),
            }]));
        }
        out.push(f);
    }
    out
}

pub fn list_quotes(ctx: &Ctx) -> Vec<Finding> {
    let Some(svc) = backend(ctx).filter(|_| list_form(ctx)) else {
        return Vec::new();
    };
    let file = ctx.compose_display();
    svc.environment()
        .into_iter()
        .filter_map(|var| {
            let raw = var.value.as_deref().filter(|v| list_quoted(v))?;
            let inner = raw.trim_matches(QUOTES);
            let f = Finding::new(
                "compose-list-quotes",
                format!(
                    "`{}` keeps its quotes: in list form compose passes them into the value",
                    var.name
                ),
            )
            .at(file.clone(), var.line)
            .evidence(format!("- {}={}", var.name, shown(&var.name, raw)))
            .fix(format!(
                "write `- {}={}` without the quotes (or quote the whole entry: `- \"{}=…\"`)",
                var.name,
                shown(&var.name, inner),
                var.name
            ));
            // A literal secret is rewritten by secret-hardcoded's fix; this one would write it back.
            Some(if super::secrets::holds_secret(&var.name, inner) {
                f
            } else {
                f.edit(set(&var.name, inner))
            })
        })
        .collect()
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
fn wire_protocol(ctx: &Ctx) -> Option<String> {
    match code_exporter(ctx) {
        Some(p) if auto_instrument(ctx).is_none() => Some(p.to_string()),
        _ => protocol_in_use(ctx).map(|(p, _)| p),
    }
}

pub fn protocol(ctx: &Ctx) -> Vec<Finding> {
    let declared = crate::steps::declared_packages(ctx.project);
    let has = |p: &str| {
        crate::steps::has_package(&declared, p)
            || crate::steps::has_package(&declared, "opentelemetry-exporter-otlp")
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
            let want = if http { "http/protobuf" } else { "grpc" };
            out.push(Finding::new("otel-protocol-mismatch", why)
                .at(file, line)
                .evidence(format!("protocol {proto} from {from}; exporter packages declared: {}", [(http, "proto-http"), (grpc, "proto-grpc")].iter().filter(|(h, _)| *h).map(|(_, n)| *n).collect::<Vec<_>>().join(", ")))
                .fix(format!("set OTEL_EXPORTER_OTLP_PROTOCOL: \"{want}\" to match the installed exporter")));
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
            out.push(Finding::new("otel-protocol-mismatch", format!("{} uses port {} but the exporter speaks {proto}", s.name, port.unwrap_or_default()))
                .at(file, line)
                .evidence(format!("{}: {}", s.name, mask_shapes(&url)))
                .fix("use port 4318 for http/protobuf and 4317 for grpc (the collector listens on both)"));
        }
    }
    out
}

pub fn disabled(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut report = |s: &Setting, why: String, fix: &str| {
        let (file, line) = place(ctx, s);
        out.push(
            Finding::new("otel-disabled", why)
                .at(file, line)
                .evidence(format!("{}: {}", s.name, clean(ctx, s)))
                .fix(fix.to_string()),
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
            "remove OTEL_SDK_DISABLED (or set it to false)",
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
                "set OTEL_TRACES_EXPORTER to otlp (or remove it: otlp is the default)",
            );
        }
    }
    out
}

fn needs(name: &str) -> bool {
    ["OTEL_", "HONEYCOMB", "ROLLBAR", "AWS_"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// Variables the backend's env_file files define: (file, line).
fn env_file_defines(ctx: &Ctx, var: &str) -> Option<(String, usize)> {
    let svc = backend(ctx)?;
    svc.env_files().into_iter().find_map(|f| {
        let text = std::fs::read_to_string(ctx.project.compose.dir().join(&f)).ok()?;
        let e = dotenv::get(&text, var).ok()??;
        Some((f.trim_start_matches("./").to_string(), e.line))
    })
}

pub fn interpolation(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for s in
        ctx.env.settings.iter().filter(|s| {
            needs(&s.name) && matches!(s.origin, Origin::Compose { .. }) && s.raw.is_some()
        })
    {
        for v in s
            .vars
            .iter()
            // Gitpod sets its own variables in a workspace; elsewhere they only
            // shape preview URLs, which no exporter depends on.
            .filter(|v| {
                v.source == VarSource::Unset && !v.used_default && !v.name.starts_with("GITPOD_")
            })
        {
            if seen.contains(&v.name.as_str()) {
                continue;
            }
            seen.push(&v.name);
            let (file, line) = place(ctx, s);
            let evidence = format!(
                "{}: {}",
                s.name,
                shown(&s.name, s.raw.as_deref().unwrap_or_default())
            );
            let in_gp = ctx
                .gp_env
                .as_ref()
                .is_some_and(|g| g.iter().any(|(k, _)| *k == v.name));
            let f = if let Some((env_file, l)) = env_file_defines(ctx, &v.name) {
                Finding::new("env-file-not-interpolated", format!("${{{}}} is defined only in {env_file}, which compose does not use for ${{}} substitution", v.name))
                    .evidence(format!("{evidence}; {} is set at {env_file}:{l}", v.name))
                    .fix(format!("put {} in the project .env (compose reads it for ${{{}}}); env_file entries only reach the container", v.name, v.name))
            } else if in_gp {
                Finding::new("gitpod-env-not-loaded", format!("{} is stored with gp env but not loaded in this shell: compose substitutes \"\"", v.name))
                    .evidence(format!("{evidence}; `gp env` has {}, the shell does not", v.name))
                    .fix("run `eval $(gp env -e)` in this terminal, then `docker compose up` again")
            } else {
                Finding::new("compose-var-unset", format!("${{{}}} is not set: compose substitutes an empty string into {}", v.name, s.name))
                    .evidence(evidence)
                    .fix(format!("add {}=… to the project .env (`cruddur-obs init` stores the key there), or export it before `docker compose up`", v.name))
            };
            out.push(f.at(file, line));
        }
    }
    out
}

pub fn env_files(ctx: &Ctx) -> Vec<Finding> {
    let Some(svc) = backend(ctx) else {
        return Vec::new();
    };
    let optional = |f: &str| {
        svc.get("env_file")
            .and_then(|v| v.as_sequence())
            .into_iter()
            .flatten()
            .any(|i| {
                i.get("path").and_then(|p| p.as_str()) == Some(f)
                    && i.get("required").and_then(|r| r.as_bool()) == Some(false)
            })
    };
    let text = &ctx.project.compose.text;
    let start = svc.line().unwrap_or(1);
    svc.env_files()
        .into_iter()
        .filter(|f| !optional(f) && !ctx.project.compose.dir().join(f).exists())
        .map(|f| {
            let line = text
                .lines()
                .enumerate()
                .skip(start)
                .find(|(_, l)| !l.trim_start().starts_with('#') && l.contains(f.as_str()))
                .map(|(i, _)| i + 1);
            Finding::new(
                "env-file-missing",
                format!(
                    "env_file `{f}` does not exist: compose refuses to start `{}`",
                    svc.name
                ),
            )
            .at(ctx.compose_display(), line)
            .evidence(format!("{} (relative to the compose file) is missing", f))
            .fix(format!(
                "create {f} (it is read as KEY=value lines), or remove the env_file entry"
            ))
        })
        .collect()
}

pub fn wrong_service(ctx: &Ctx) -> Vec<Finding> {
    let key = [
        ENDPOINT,
        TRACES_ENDPOINT,
        HEADERS,
        TRACES_HEADERS,
        SERVICE_NAME,
    ];
    let file = ctx.compose_display();
    ctx.project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name != ctx.project.backend.service)
        .filter_map(|svc| {
            let env = svc.environment();
            let stray: Vec<_> = env
                .iter()
                .filter(|v| key.contains(&v.name.as_str()) && ctx.env.get(&v.name).is_none())
                .collect();
            let first = stray.first()?;
            let names: Vec<&str> = stray.iter().map(|v| v.name.as_str()).collect();
            Some(
                Finding::new(
                    "env-on-wrong-service",
                    format!(
                        "the OpenTelemetry variables sit on `{}`, not on the backend `{}`",
                        svc.name, ctx.project.backend.service
                    ),
                )
                .at(file.clone(), first.line.or(svc.line()))
                .evidence(format!(
                    "`{}` sets {}; `{}` sets none of them",
                    svc.name,
                    names.join(", "),
                    ctx.project.backend.service
                ))
                .fix(format!(
                    "move {} to the environment of `{}`",
                    names.join(", "),
                    ctx.project.backend.service
                )),
            )
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod more_tests;
