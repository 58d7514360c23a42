//! Where traces go and as whom: the OTLP endpoint, the Honeycomb headers, the service name.

use super::exporter::wire_protocol;
use super::shared::{
    backend, clean, clean_raw, has_value, honeycomb_host, otel_in_play, place, sends_to_honeycomb,
    service_place, set, shown, team_ish, typo_for, unset_var, ENDPOINT, HEADERS, QUOTES,
    SERVICE_NAME, TEAM, TRACES_ENDPOINT, TRACES_HEADERS, WRONG_TEAM,
};
use crate::compose::scalar_text;
use crate::doctor::{Ctx, Finding, Fix};
use crate::mask::mask_shapes;
use crate::providers::honeycomb;
use crate::resolve::Setting;

/// Whether code passes `keyword=` to the OTLP exporter, making the variable unneeded.
fn exporter_keyword(ctx: &Ctx, keyword: &str) -> bool {
    ctx.code().mods.iter().any(|m| {
        m.module.calls().iter().any(|c| {
            c.callee.ends_with("OTLPSpanExporter") && c.keywords.iter().any(|k| k == keyword)
        })
    })
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
    if !otel_in_play(ctx) {
        return Vec::new();
    }
    let (base, traces) = (ctx.env.get(ENDPOINT), ctx.env.get(TRACES_ENDPOINT));
    if !has_value(ctx, base) && !has_value(ctx, traces) {
        if typo_for(ctx, &[ENDPOINT, TRACES_ENDPOINT]) || exporter_keyword(ctx, "endpoint") {
            return Vec::new();
        }
        let (file, line) = base
            .map(|s| place(ctx, s))
            .unwrap_or_else(|| service_place(ctx));
        let url = crate::providers::honeycomb::Region::Us.api_url();
        return vec![Finding::new("otel-endpoint-missing", format!("`{}` sets no OTLP endpoint", ctx.project.backend.service))
            .at(file, line)
            .evidence(format!("neither {ENDPOINT} nor {TRACES_ENDPOINT} has a value: the SDK sends to http://localhost:4318, inside the container itself"))
            .edit(set(ENDPOINT, url))
            .about([ENDPOINT])
            .service(&ctx.project.backend.service)];
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
            .evidence(evidence.clone());
            if let Some(fixed) = stripped {
                f = f.fill("value", fixed).edit(set(ENDPOINT, fixed));
            }
            out.push(f);
        }
        if s.name == TRACES_ENDPOINT && !ends_in_path && !grpc {
            let mut f = Finding::new(
                "otel-traces-endpoint-no-path",
                format!("{TRACES_ENDPOINT} lacks /v1/traces: it is used exactly as given"),
            )
            .at(file.clone(), line)
            .evidence(evidence.clone());
            if let Some(r) = raw.as_deref() {
                let fixed = format!("{}/v1/traces", r.trim_end_matches('/'));
                f = f
                    .fill("value", fixed.clone())
                    .edit(set(TRACES_ENDPOINT, fixed));
            }
            out.push(f);
        }
        if let Some(why) = endpoint_problem(&v, local_ok) {
            let want = honeycomb::fix_endpoint(&v, None)
                .map(|(w, _)| w)
                .filter(|w| !w.contains("/v1/traces"));
            let mut f = Finding::new(
                "otel-endpoint-invalid",
                format!("{} is not a usable endpoint: {why}", s.name),
            )
            .at(file, line)
            .evidence(evidence)
            .fill("var", s.name.clone());
            if let Some(want) = want {
                f = f.fill("value", want);
            }
            out.push(f);
        }
    }
    out
}

/// The setting the SDK reads headers from: _TRACES_HEADERS replaces the general one.
pub(crate) fn headers_setting<'c>(ctx: &'c Ctx) -> Option<&'c Setting> {
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
    if !otel_in_play(ctx) || !sends_to_honeycomb(ctx) {
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
        .about([name])
        .evidence(format!("{evidence}; {}", problems.join("; ")))
        .fill("var", name);
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
    .about([HEADERS])
    .service(&ctx.project.backend.service)
    .evidence(if setting.is_some() {
        evidence
    } else {
        format!(
            "`{}` sets neither {HEADERS} nor {TRACES_HEADERS}",
            ctx.project.backend.service
        )
    })
    .fill("var", name);
    if editable {
        let current = (!text.trim().is_empty()).then_some(text.as_str());
        if let Some((fixed, _)) = honeycomb::fix_headers(current, None) {
            f = f.edit(set(name, fixed));
        }
    }
    vec![f]
}

pub fn service_name(ctx: &Ctx) -> Vec<Finding> {
    if !otel_in_play(ctx) || !ctx.exporter.service_name.from.starts_with("SDK default") {
        return Vec::new();
    }
    let emptied = [SERVICE_NAME, "OTEL_RESOURCE_ATTRIBUTES"]
        .iter()
        .filter_map(|n| ctx.env.get(n))
        .any(unset_var);
    let in_code = ctx.code().mods.iter().any(|m| {
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
    .fill("value", svc.as_str())
    .edit(set(SERVICE_NAME, svc.as_str()))
    .about([SERVICE_NAME])
    .service(svc.as_str())]
}
