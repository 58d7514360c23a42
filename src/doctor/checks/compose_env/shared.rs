//! Helpers all compose_env checks share: where a setting was written, what the SDK reads.

use crate::compose::{edit::EnvOp, Service};
use crate::doctor::{Ctx, Fix};
use crate::mask::{mask, mask_shapes};
use crate::providers::{env_names::intended, honeycomb};
use crate::resolve::{Origin, Setting, VarSource};

pub(super) const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
pub(super) const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
pub(super) const HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
pub(super) const TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
pub(super) const SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
pub(super) const TEAM: &str = "x-honeycomb-team";
pub(super) const WRONG_TEAM: [&str; 4] = [
    "x-honeycomb-key",
    "x-honeycomb-api-key",
    "x-honeycomb-apikey",
    "authorization",
];
pub(super) const QUOTES: [char; 2] = ['"', '\''];

pub(crate) fn backend<'a>(ctx: &Ctx<'a>) -> Option<Service<'a>> {
    ctx.project.compose.service(&ctx.project.backend.service)
}

/// Project-relative file and line where a setting was written.
pub(crate) fn place(ctx: &Ctx, s: &Setting) -> (String, Option<usize>) {
    match &s.origin {
        Origin::Compose { file, line } => (file.clone(), *line),
        Origin::EnvFile { file, line } => (file.trim_start_matches("./").to_string(), Some(*line)),
        _ => (ctx.compose_display(), None),
    }
}

pub(super) fn service_place(ctx: &Ctx) -> (String, Option<usize>) {
    (ctx.compose_display(), backend(ctx).and_then(|s| s.line()))
}

/// Whether the backend's variable `name` is written as a list item.
pub(super) fn list_form(ctx: &Ctx, name: &str) -> bool {
    backend(ctx).is_some_and(|b| b.env().iter().any(|v| v.name == name && v.list_form))
}

pub(super) fn list_quoted(v: &str) -> bool {
    v.starts_with(QUOTES) || v.ends_with(QUOTES)
}

/// The value as the SDK would read it once compose-list-quotes is repaired.
pub(crate) fn clean(ctx: &Ctx, s: &Setting) -> String {
    let quoted = matches!(s.origin, Origin::Compose { .. })
        && s.raw.as_deref().is_some_and(list_quoted)
        && list_form(ctx, &s.name);
    if quoted {
        s.value.trim_matches(QUOTES).to_string()
    } else {
        s.value.clone()
    }
}

/// The raw text, list quotes removed: what a repair edits.
pub(crate) fn clean_raw(ctx: &Ctx, s: &Setting) -> Option<String> {
    let raw = s.raw.as_deref()?;
    let quoted = list_quoted(raw) && list_form(ctx, &s.name);
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
pub(crate) fn unset_var(s: &Setting) -> bool {
    s.raw.is_some()
        && s.vars
            .iter()
            .any(|v| v.source == VarSource::Unset && !v.used_default)
}

pub(super) fn typo_for(ctx: &Ctx, names: &[&str]) -> bool {
    ctx.env
        .settings
        .iter()
        .any(|s| intended(&s.name).is_some_and(|w| names.contains(&w)))
}

pub(crate) fn set(name: &str, value: impl Into<String>) -> Fix {
    Fix::Env(vec![EnvOp::Set {
        name: name.into(),
        value: value.into(),
    }])
}

pub(crate) fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| n.contains(w))
}

/// A value fit for evidence: secrets masked, the headers' team value too.
pub(crate) fn shown(name: &str, value: &str) -> String {
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

pub(super) fn team_ish(name: &str) -> bool {
    let n = name.trim().trim_matches(QUOTES).to_ascii_lowercase();
    n == TEAM || WRONG_TEAM.contains(&n.as_str())
}

pub(super) fn has_value(ctx: &Ctx, s: Option<&Setting>) -> bool {
    s.is_some_and(|s| !clean(ctx, s).trim().is_empty() || unset_var(s))
}

/// The endpoint traces go to (the traces one wins) and the value the SDK reads.
pub(super) fn effective_endpoint<'c>(ctx: &'c Ctx) -> Option<(&'c Setting, String)> {
    [TRACES_ENDPOINT, ENDPOINT]
        .iter()
        .filter_map(|n| ctx.env.get(n))
        .find(|s| has_value(ctx, Some(s)))
        .map(|s| (s, clean(ctx, s).trim().to_string()))
}

pub(super) fn honeycomb_host(host: &str) -> bool {
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

/// OpenTelemetry is in play for the backend: running code or the launch
/// command uses it, or the compose environment configures it. Otherwise the
/// exporter's settings are nobody's concern (telemetry-not-set-up says so).
pub(crate) fn otel_in_play(ctx: &Ctx) -> bool {
    ctx.usage().otel.is_some() || ctx.env.settings.iter().any(|s| s.name.starts_with("OTEL_"))
}
