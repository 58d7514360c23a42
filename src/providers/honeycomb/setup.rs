//! Honeycomb through OpenTelemetry: the variables, packages and code init
//! writes, and the facts about keys and endpoints that every command shares.

use super::Region;
use crate::compose::edit::EnvOp;
use crate::compose::EnvVar;

pub const KEY_VAR: &str = "HONEYCOMB_API_KEY";
pub const HEADERS_VALUE: &str = "x-honeycomb-team=${HONEYCOMB_API_KEY}";
pub const PACKAGES: &[&str] = &[
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-instrumentation-flask",
    "opentelemetry-instrumentation-requests",
];

/// Honeycomb's part of init; its variables depend on the key and region, so
/// init plans them with `EnvPlan` instead of `variables`.
pub static SPEC: crate::providers::setup::Spec = crate::providers::setup::Spec {
    packages: PACKAGES,
    snippet: &crate::python::instrument::HONEYCOMB,
    variables: |_| Vec::new(),
    secret: None,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Environment ingest key (`hc?ik_`).
    Ingest,
    /// Classic ingest key (`hc?ic_`): needs a dataset header.
    ClassicIngest,
    /// Classic 32-hex key: needs a dataset header.
    Classic,
    /// v1 configuration key (22–23 alphanumerics).
    Configuration,
    /// A management/configuration key id: not usable to send.
    KeyId,
    Unknown,
}

impl KeyKind {
    pub fn is_classic(self) -> bool {
        matches!(self, KeyKind::ClassicIngest | KeyKind::Classic)
    }
}

/// Recognises a key by shape, offline (protocols.md, "Key shapes").
pub fn key_kind(key: &str) -> KeyKind {
    let b = key.as_bytes();
    let lower_alnum = |s: &[u8]| {
        s.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if b.len() == 64 && b.starts_with(b"hc") && b[2].is_ascii_lowercase() && lower_alnum(&b[6..]) {
        match &b[3..6] {
            b"ik_" => return KeyKind::Ingest,
            b"ic_" => return KeyKind::ClassicIngest,
            _ => {}
        }
    }
    if b.len() == 32
        && b.iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
    {
        return KeyKind::Classic;
    }
    if (22..=23).contains(&b.len()) && b.iter().all(u8::is_ascii_alphanumeric) {
        return KeyKind::Configuration;
    }
    if b.len() > 6 && b.starts_with(b"hc") && (&b[3..6] == b"lk_" || &b[3..6] == b"mk_") {
        return KeyKind::KeyId;
    }
    KeyKind::Unknown
}

/// Why a key cannot be used as given, if it cannot.
pub fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("the key is empty".into());
    }
    if key.chars().any(|c| c.is_whitespace()) {
        return Some("the key contains whitespace or a line break (copy it again without surrounding spaces)".into());
    }
    if key.contains(['"', '\'']) {
        return Some("the key contains quotes; store the bare key".into());
    }
    if key_kind(key) == KeyKind::KeyId {
        return Some("this is a key id (hc?lk_/hc?mk_), not an ingest key: copy the key secret from Honeycomb's API keys page".into());
    }
    None
}

pub const US_HOST: &str = "api.honeycomb.io";
pub const EU_HOST: &str = "api.eu1.honeycomb.io";

/// The region of a Honeycomb API URL, if it is one.
pub fn region_of(url: &str) -> Option<Region> {
    match host_of(url) {
        US_HOST => Some(Region::Us),
        EU_HOST => Some(Region::Eu),
        _ => None,
    }
}

/// Choices init makes for the environment, each with the reason it reports.
pub struct EnvPlan<'a> {
    pub current: &'a [EnvVar],
    pub default_service_name: &'a str,
    /// `--region` when given; otherwise an existing Honeycomb endpoint is kept.
    pub region: Option<Region>,
    /// Set for classic keys, which route by dataset header.
    pub classic_dataset: Option<&'a str>,
}

impl EnvPlan<'_> {
    fn get(&self, name: &str) -> Option<&EnvVar> {
        self.current.iter().find(|v| v.name == name)
    }

    pub fn ops(&self) -> Vec<(EnvOp, String)> {
        let mut ops = Vec::new();
        let mut renamed: Vec<(String, &EnvVar)> = Vec::new();
        for var in self.current {
            if let Some(want) = crate::providers::env_names::intended(&var.name) {
                if self.get(want).is_none() && !renamed.iter().any(|(n, _)| n == want) {
                    ops.push((
                        EnvOp::Rename {
                            from: var.name.clone(),
                            to: want.into(),
                        },
                        format!(
                            "renamed {} to {want} (the SDK ignores misspelt names)",
                            var.name
                        ),
                    ));
                    renamed.push((want.to_string(), var));
                }
            }
        }
        let value_of = |name: &str| -> Option<String> {
            self.get(name)
                .or_else(|| renamed.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
                .and_then(|v| v.value.clone())
        };
        let mut set = |name: &str, value: String, why: String| {
            ops.push((
                EnvOp::Set {
                    name: name.into(),
                    value,
                },
                why,
            ))
        };

        match value_of("OTEL_SERVICE_NAME").filter(|v| !v.trim().is_empty()) {
            Some(_) => {}
            None => set(
                "OTEL_SERVICE_NAME",
                self.default_service_name.into(),
                format!(
                    "set OTEL_SERVICE_NAME={} (the dataset name)",
                    self.default_service_name
                ),
            ),
        }

        let region = self.region.unwrap_or(Region::Us);
        match value_of("OTEL_EXPORTER_OTLP_ENDPOINT") {
            None => {
                if value_of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_none() {
                    set(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        region.api_url().into(),
                        format!("set OTEL_EXPORTER_OTLP_ENDPOINT={}", region.api_url()),
                    );
                }
            }
            Some(v) => {
                if let Some((fixed, why)) = fix_endpoint(&v, self.region) {
                    set("OTEL_EXPORTER_OTLP_ENDPOINT", fixed, why);
                }
            }
        }
        if let Some(v) = value_of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            if !v.trim_end_matches('/').ends_with("/v1/traces") && !v.contains("${") {
                let fixed = format!("{}/v1/traces", v.trim_end_matches('/'));
                set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", fixed, "added /v1/traces to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (it is used exactly as given)".into());
            }
        }

        let headers = value_of("OTEL_EXPORTER_OTLP_HEADERS");
        if let Some((fixed, why)) = fix_headers(headers.as_deref(), self.classic_dataset) {
            set("OTEL_EXPORTER_OTLP_HEADERS", fixed, why);
        }
        ops
    }
}

/// A corrected base endpoint and the reason, when `value` is wrong.
/// Endpoints built from `${VAR}` and non-Honeycomb endpoints (a collector) are
/// left alone except for the doubled signal path, which is wrong anywhere.
pub fn fix_endpoint(value: &str, region: Option<Region>) -> Option<(String, String)> {
    let v = value.trim();
    if v.contains('$') {
        return None;
    }
    let had_signal = v.trim_end_matches('/').ends_with("/v1/traces");
    let base = v
        .trim_end_matches('/')
        .trim_end_matches("/v1/traces")
        .trim_end_matches('/');
    let host = host_of(base);
    if host.ends_with("honeycomb.io") || host == "api.honeycomb.com" {
        let current = region_of(base);
        let want = region.or(current).unwrap_or(Region::Us).api_url();
        if v.trim_end_matches('/') == want {
            return None;
        }
        let why = if had_signal && base == want {
            "removed /v1/traces from OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends it to the base URL and would post to /v1/traces/v1/traces)".to_string()
        } else {
            format!("corrected OTEL_EXPORTER_OTLP_ENDPOINT {v} → {want}")
        };
        return Some((want.to_string(), why));
    }
    had_signal.then(|| {
        (base.to_string(), "removed /v1/traces from OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends it to the base URL)".to_string())
    })
}

pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':', '?']).next().unwrap_or("")
}

/// Corrected `OTEL_EXPORTER_OTLP_HEADERS` and the reason, when the current
/// value would not carry the key (missing, malformed, literal key).
pub fn fix_headers(
    current: Option<&str>,
    classic_dataset: Option<&str>,
) -> Option<(String, String)> {
    let Some(cur) = current.filter(|c| !c.trim().is_empty()) else {
        let mut v = HEADERS_VALUE.to_string();
        if let Some(d) = classic_dataset {
            v.push_str(&format!(",x-honeycomb-dataset={d}"));
        }
        return Some((
            v,
            "set OTEL_EXPORTER_OTLP_HEADERS to send the key from ${HONEYCOMB_API_KEY}".into(),
        ));
    };
    let mut kept: Vec<String> = Vec::new();
    let mut team_ok = false;
    let mut has_dataset = false;
    let mut problems: Vec<String> = Vec::new();
    for raw in cur.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let cleaned = raw.trim_matches(['"', '\'']);
        let (k, v) = match cleaned.split_once('=').or_else(|| cleaned.split_once(':')) {
            Some((k, v)) => (
                k.trim().trim_matches(['"', '\'']).to_ascii_lowercase(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            ),
            None => {
                problems.push(format!("dropped `{raw}` (not key=value)"));
                continue;
            }
        };
        if cleaned != raw
            || !cleaned.contains('=')
            || cleaned
                .split_once('=')
                .is_some_and(|(_, v)| v.starts_with(' '))
        {
            problems.push("removed quotes/colons the SDK rejects".into());
        }
        match k.as_str() {
            name if TEAM_HEADERS.contains(&name) => {
                if k != "x-honeycomb-team" {
                    problems.push(format!("header name {k} → x-honeycomb-team"));
                }
                if !v.starts_with('$') {
                    problems.push("replaced a literal key with ${HONEYCOMB_API_KEY}".into());
                    kept.push(HEADERS_VALUE.into());
                } else {
                    kept.push(format!("x-honeycomb-team={v}"));
                }
                team_ok = true;
            }
            other => {
                has_dataset |= other == "x-honeycomb-dataset";
                kept.push(format!("{other}={v}"));
            }
        }
    }
    if !team_ok {
        kept.insert(0, HEADERS_VALUE.into());
        problems.push("added x-honeycomb-team=${HONEYCOMB_API_KEY}".into());
    }
    if let (Some(d), false) = (classic_dataset, has_dataset) {
        kept.push(format!("x-honeycomb-dataset={d}"));
        problems.push("added x-honeycomb-dataset (classic keys need it)".into());
    }
    let fixed = kept.join(",");
    if fixed == cur {
        return None;
    }
    problems.dedup();
    Some((
        fixed,
        format!(
            "corrected OTEL_EXPORTER_OTLP_HEADERS: {}",
            problems.join(", ")
        ),
    ))
}

/// A literal Honeycomb key written into the headers value, if any.
/// Only the key's header counts: `x-honeycomb-dataset=foo` is no key.
pub fn literal_key_in_headers(value: &str) -> Option<String> {
    value.split(',').find_map(|entry| {
        let (k, v) = entry.split_once('=').or_else(|| entry.split_once(':'))?;
        let k = k.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let v = v.trim().trim_matches(['"', '\'']);
        (TEAM_HEADERS.contains(&k.as_str()) && !v.is_empty() && !v.starts_with('$'))
            .then(|| v.to_string())
    })
}

/// The key's header, and the names people write instead of it.
const TEAM_HEADERS: [&str; 5] = [
    "x-honeycomb-team",
    "x-honeycomb-key",
    "x-honeycomb-api-key",
    "authorization",
    "x-honeycomb-apikey",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_key_is_taken_only_from_the_key_header() {
        assert_eq!(
            literal_key_in_headers(
                "x-honeycomb-team=${HONEYCOMB_API_KEY},x-honeycomb-dataset=cruddur"
            ),
            None
        );
        assert_eq!(
            literal_key_in_headers("x-honeycomb-dataset=cruddur,x-honeycomb-team=abc123"),
            Some("abc123".into())
        );
        assert_eq!(
            literal_key_in_headers("\"X-Honeycomb-Api-Key: abc123\""),
            Some("abc123".into())
        );
    }
}
