//! OTLP export failures: HTTP statuses, gRPC codes and unreachable endpoints, mapped to ids.

use super::body::decode_reason;
use super::patterns::{CONN, PHRASES};
use super::{after, between, first_match, hit, lead, Hit};

/// OTLP export failures, HTTP (`code: 401, reason: …`, `Code: 401`,
/// `Transient error Too Many Requests …`) and gRPC (`StatusCode.X`).
pub(super) fn export(m: &str, doubled: bool) -> Option<Hit> {
    let markers = [
        "Failed to export",
        "while exporting",
        "url: /v1/",
        "/v1/traces': No scheme",
    ];
    let exporting = markers.iter().any(|x| m.contains(x));
    // urllib3 repeats the requests error that follows it in the same traceback.
    if !exporting || m.contains("urllib3.exceptions.MaxRetryError") {
        return None;
    }
    let doubled = doubled || m.contains("/v1/traces/v1/traces");
    if let Some(url) = between(m, "Invalid URL '", "': No scheme supplied") {
        return hit("otel-endpoint-invalid", url, url);
    }
    if let Some(code) = after(m, "StatusCode.") {
        let code = lead(code, |c| c.is_ascii_uppercase() || c == '_');
        let to = ["traces to ", "metrics to ", "logs to "].map(|t| after(m, t));
        let target = lead(to.into_iter().flatten().next().unwrap_or(""), |c| {
            c != ',' && c != ' '
        });
        let (host, port) = target.rsplit_once(':').unwrap_or((target, ""));
        let detail = after(m, "rror details: ").map(decode_reason);
        let status = match code {
            "UNAUTHENTICATED" => 401,
            "PERMISSION_DENIED" => 403,
            "INVALID_ARGUMENT" => 400,
            "RESOURCE_EXHAUSTED" => 429,
            "INTERNAL" | "UNKNOWN" => 500,
            "UNAVAILABLE" => return unreachable(host, port, "gRPC UNAVAILABLE"),
            "DEADLINE_EXCEEDED" => return unreachable(host, port, "timed out"),
            "UNIMPLEMENTED" => return hit("otel-protocol-mismatch/unimplemented", target, target),
            _ => return None,
        };
        return by_status(status, code, &detail.unwrap_or_default(), doubled);
    }
    if let Some(kind) = first_match(m, CONN) {
        let host = between(m, "host='", "'").unwrap_or("");
        let port = lead(after(m, "port=").unwrap_or(""), |c| c.is_ascii_digit());
        return unreachable(host, port, kind);
    }
    let text = ["code: ", "Code: ", "Transient error "].map(|t| after(m, t));
    let text = text.into_iter().flatten().next().unwrap_or("");
    let phrase = PHRASES.iter().find(|p| text.starts_with(p.0)).map(|p| p.1);
    let status = lead(text, |c| c.is_ascii_digit()).parse().ok().or(phrase)?;
    let reason = after(m, ", reason: ").map(decode_reason);
    by_status(
        status,
        &status.to_string(),
        &reason.unwrap_or_default(),
        doubled,
    )
}

/// `status` is HTTP's, or the one a gRPC `code` (the `label` shown) stands for.
fn by_status(status: u16, label: &str, msg: &str, doubled: bool) -> Option<Hit> {
    let id = match status {
        401 if msg.contains("x-honeycomb-dataset") => "honeycomb-key-classic-no-dataset",
        401 if msg.contains("missing 'x-honeycomb-team'") => "otel-headers-missing",
        401 => "honeycomb-key-rejected",
        403 => "honeycomb-key-cannot-send",
        404 if doubled => "otel-endpoint-signal-path",
        404 => "endpoint-wrong-path",
        400 | 413 | 415 => "otlp-body-rejected",
        429 => "honeycomb-rate-limited",
        500..=599 => "honeycomb-server-error",
        _ => return None,
    };
    let said = if msg.is_empty() {
        label.to_string()
    } else {
        format!("{label}: \"{msg}\"")
    };
    hit(id, format!("{status} {msg}"), &said)
}

/// The SDK's own default is localhost:4318 (4317 for gRPC): failing there
/// means no endpoint setting reached the container at all.
fn unreachable(host: &str, port: &str, kind: &str) -> Option<Hit> {
    let local = ["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"].contains(&host);
    if local && ["4317", "4318"].contains(&port) {
        return hit(
            "otel-endpoint-missing",
            port,
            &format!("{host}:{port}, inside the container: {kind}"),
        );
    }
    let target = match (host, port) {
        ("", _) => "the OTLP endpoint".to_string(),
        (h, "") => h.to_string(),
        (h, p) => format!("{h}:{p}"),
    };
    hit(
        &format!("endpoint-unreachable/{kind}"),
        format!("{target} {kind}"),
        &format!("{target}: {kind}"),
    )
}
