//! `doctor --logs`: known lines of backend and compose output, mapped to ids.
//!
//! Every pattern is text a library really prints (opentelemetry-python's
//! exporters and SDK, docker compose v1 and v2, pyrollbar, aws-xray-sdk and
//! its daemon, watchtower/botocore, Flask). Input is lossily decoded and may
//! be anything, so nothing here indexes blindly: an unreadable line is simply
//! not a finding.

use super::{Category, Finding};
use crate::mask::mask_shapes;

/// Longest quote kept from one line: enough to recognise it, short enough
/// that a payload dump cannot flood the report.
const QUOTE_MAX: usize = 360;

struct Hit {
    id: &'static str,
    /// What makes two hits of one id the same problem (a variable name, a
    /// status and message): repeats fold into one finding.
    key: String,
    title: String,
    fix: String,
}

const AWS_FIX: &str = "Give the backend (and the X-Ray daemon) credentials and a region: `AWS_DEFAULT_REGION: \"${AWS_DEFAULT_REGION}\"`, `AWS_ACCESS_KEY_ID: \"${AWS_ACCESS_KEY_ID}\"`, `AWS_SECRET_ACCESS_KEY: \"${AWS_SECRET_ACCESS_KEY}\"` under its environment, the values set in the shell or .env; then `docker compose up -d`.";

/// `id` or `id/variant`, the title (`{}` takes the detail), the fix (`{key}`
/// takes the hit's key). Prose, one row per line.
#[rustfmt::skip]
const TEXTS: &[(&str, &str, &str)] = &[
    ("otel-headers-malformed", "The OTLP exporter dropped a header it could not parse: `{}`", "Write OTEL_EXPORTER_OTLP_HEADERS as comma-separated `name=value` pairs, no quotes, `=` not `:` (`OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"`); the dropped entry never reaches Honeycomb. Then recreate with `docker compose up -d`."),
    ("tracer-provider-overridden", "A second `trace.set_tracer_provider()` was ignored: spans go to the first provider", "Set tracing up once: either start with `opentelemetry-instrument` (configured by OTEL_* variables) or build the TracerProvider, BatchSpanProcessor and OTLPSpanExporter in app.py, not both; with both, the exporter added in code hangs off a provider nothing uses."),
    ("flask-before-first-request", "Flask 2.3+ has no `@app.before_first_request`: the app crashed at import{}", "Run the Rollbar set-up inside `with app.app_context():` right after `app = Flask(__name__)` instead of `@app.before_first_request`, or pin `Flask<2.3` in requirements.txt and rebuild."),
    ("requirements-exporter-mismatch/otlp_proto_grpc", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Add `opentelemetry-exporter-otlp-proto-grpc` to requirements.txt and rebuild (`docker compose up -d --build`), or keep the HTTP exporter and set `OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf` (opentelemetry-distro defaults to grpc)."),
    ("requirements-exporter-mismatch/otlp_proto_http", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Add `opentelemetry-exporter-otlp-proto-http` to requirements.txt and rebuild (`docker compose up -d --build`), or set `OTEL_EXPORTER_OTLP_PROTOCOL: grpc` if the gRPC exporter is the one installed."),
    ("requirements-exporter-mismatch/other", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Install the package that provides it, or set OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER to one that is installed (`otlp`, `console`, `none`), then rebuild."),
    ("otel-protocol-mismatch", "opentelemetry-instrument refused OTEL_EXPORTER_OTLP_PROTOCOL `{}`", "Set OTEL_EXPORTER_OTLP_PROTOCOL to `http/protobuf` (with opentelemetry-exporter-otlp-proto-http) or `grpc` (with opentelemetry-exporter-otlp-proto-grpc): Python has no `http/json` exporter."),
    ("otel-protocol-mismatch/unimplemented", "{} does not implement OTLP/gRPC trace export", "The gRPC exporter is talking to something that is not an OTLP/gRPC receiver (an HTTP port such as 4318, or a URL with a path). For Honeycomb use `https://api.honeycomb.io` (port 443), or switch to `http/protobuf` with its exporter package."),
    ("compose-var-unset", "docker compose substituted \"\" for {}", "Set it where compose reads it: `export {key}=…` in the shell that runs `docker compose up`, or a `{key}=…` line in the project's .env (an env_file: does not feed `${…}`). In Gitpod, `gp env {key}=…` stores it for new workspaces and `eval $(gp env -e)` loads it now. Then `docker compose up -d`."),
    ("rollbar-token-missing", "pyrollbar has no access token: nothing is reported to Rollbar", "Pass the token to the backend (`ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"` under its environment, the value set in the shell or .env) and call `rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), …)` at start-up; then `docker compose up -d`."),
    ("rollbar-not-initialized", "Rollbar was used before it was initialised", "Make sure the init call runs before anything reports: on Flask 2.3+ call `rollbar.init(…)` inside `with app.app_context():`, not in `@app.before_first_request`."),
    ("rollbar-token-rejected", "Rollbar refused the access token", "Copy a project access token with the `post_server_item` scope (Rollbar: Project settings → Project Access Tokens) into ROLLBAR_ACCESS_TOKEN; tokens issued before 2023-10-10 were expired by Rollbar. Then `docker compose up -d`."),
    ("rollbar-unreachable", "pyrollbar cannot reach api.rollbar.com: {}", "Check the container's DNS and outbound HTTPS (a proxy needs HTTPS_PROXY in the backend's environment)."),
    ("xray-daemon-region-missing", "The X-Ray daemon found no AWS region and exited", "Give the xray-daemon service a region: `AWS_REGION: \"${AWS_DEFAULT_REGION}\"` in its environment (or `-n <region>` as its own item in `command:`), then `docker compose up -d`."),
    ("xray-context-missing", "X-Ray code ran outside a request segment: its subsegment was dropped", "Open subsegments only while XRayMiddleware handles a request (not at import time or in another thread), or begin a segment with `xray_recorder.begin_segment(…)`; `AWS_XRAY_CONTEXT_MISSING=LOG_ERROR` keeps it from raising meanwhile."),
    ("aws-credentials-missing/region", "botocore found no AWS region in the container", AWS_FIX),
    ("aws-credentials-missing/credentials", "No AWS credentials reached the container", AWS_FIX),
    ("aws-credentials-missing/watchtower", "watchtower could not send logs to CloudWatch: {}", AWS_FIX),
    ("honeycomb-key-classic-no-dataset", "Honeycomb wants a dataset for this classic key ({})", "Classic keys need `x-honeycomb-dataset=<dataset>` in OTEL_EXPORTER_OTLP_HEADERS next to x-honeycomb-team (comma-separated), or use an environment ingest key."),
    ("otel-headers-missing", "Spans reached Honeycomb without an x-honeycomb-team header ({})", "Add `OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"` to the backend's environment and set HONEYCOMB_API_KEY where compose reads it (an unset variable sends an empty header); then `docker compose up -d`."),
    ("honeycomb-key-rejected", "Honeycomb rejected the API key ({})", "Copy an ingest key from Honeycomb (Environment settings → API keys) into HONEYCOMB_API_KEY and use its region's endpoint (api.honeycomb.io or api.eu1.honeycomb.io); then `docker compose up -d`. `cruddur-obs doctor` online checks the key against /1/auth."),
    ("honeycomb-key-cannot-send", "The Honeycomb key may not send events ({})", "Give the key the \"Send Events\" permission in Honeycomb's API key settings, or use an ingest key."),
    ("otel-endpoint-signal-path", "Spans are posted to /v1/traces/v1/traces, which does not exist ({})", "Drop `/v1/traces` from OTEL_EXPORTER_OTLP_ENDPOINT (`https://api.honeycomb.io`): the exporter appends it. A full URL belongs in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT."),
    ("endpoint-wrong-path", "Nothing receives traces at the exporter's URL ({})", "OTEL_EXPORTER_OTLP_ENDPOINT is a base URL with no path (`https://api.honeycomb.io`); a full URL goes in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and must end in /v1/traces."),
    ("otlp-body-rejected", "The endpoint could not read the exported spans ({})", "Check that OTEL_EXPORTER_OTLP_PROTOCOL matches the exporter package, that OTEL_EXPORTER_OTLP_COMPRESSION is unset, gzip or none, and that core and contrib OpenTelemetry versions pair up (1.N with 0.(N+21)bX)."),
    ("honeycomb-rate-limited", "Honeycomb is rate-limiting this key; spans are dropped meanwhile ({})", "Lower the volume (OTEL_TRACES_SAMPLER=parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG) or check the team's event quota."),
    ("honeycomb-server-error", "The OTLP endpoint had a server-side error ({})", "Usually transient and retried by the exporter; if it persists, check status.honeycomb.io. Nothing to change in the app."),
    ("otel-endpoint-missing", "The exporter sends to the SDK default {}", "Set the endpoint in the backend's compose environment: `OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"` (EU: https://api.eu1.honeycomb.io) with `OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"`; then `docker compose up -d`."),
    ("otel-endpoint-invalid", "The OTLP endpoint is not an absolute URL: `{}`", "Give OTEL_EXPORTER_OTLP_ENDPOINT its scheme: `https://api.honeycomb.io` (EU: `https://api.eu1.honeycomb.io`), then `docker compose up -d`."),
    ("endpoint-unreachable/DNS lookup failed", "The exporter cannot reach {}", "The host name does not resolve from the container: check its spelling in OTEL_EXPORTER_OTLP_ENDPOINT (api.honeycomb.io or api.eu1.honeycomb.io)."),
    ("endpoint-unreachable/TLS failed", "The exporter cannot reach {}", "Use `https://` with Honeycomb's host; behind an intercepting proxy, give the container the proxy's CA (REQUESTS_CA_BUNDLE)."),
    ("endpoint-unreachable", "The exporter cannot reach {}", "Check the host and port in OTEL_EXPORTER_OTLP_ENDPOINT (Honeycomb: `https://api.honeycomb.io`, port 443) and the container's outbound network."),
];

/// Lines that name their problem outright: any needle gives the id.
#[rustfmt::skip]
const PLAIN: &[(&str, &[&str])] = &[
    ("tracer-provider-overridden", &["Overriding of current TracerProvider is not allowed"]),
    ("rollbar-token-missing", &["pyrollbar: No access_token provided"]),
    ("rollbar-not-initialized", &["Rollbar is not initialized"]),
    // pyrollbar's status warning, the response body it prints below, the ApiError it raises.
    ("rollbar-token-rejected", &["Rollbar api: 401", "Rollbar api: 403", "\"err\": 1, \"message\": \"access token", "\"err\": 1, \"message\": \"insufficient privileges", "ApiError('access token", "ApiError('insufficient privileges"]),
    // The daemon's capitalisation differs between versions.
    ("xray-daemon-region-missing", &["Cannot fetch region variable from config file", "cannot fetch region variable from config file"]),
    ("xray-context-missing", &["cannot find the current segment/subsegment", "SegmentNotFoundException", "No segment found, cannot begin subsegment"]),
];

/// What a failed connection says about itself (requests, urllib3, botocore).
#[rustfmt::skip]
const CONN: &[(&str, &[&str])] = &[
    ("DNS lookup failed", &["NameResolutionError", "Failed to resolve", "Name or service not known", "Temporary failure in name resolution", "nodename nor servname"]),
    ("TLS failed", &["SSLError", "CERTIFICATE_VERIFY_FAILED"]),
    ("timed out", &["ConnectTimeout", "timed out"]),
    ("connection failed", &["Connection refused", "Max retries exceeded", "Connection aborted", "RemoteDisconnected"]),
];

/// botocore's and the X-Ray daemon's words for a missing region or credentials.
#[rustfmt::skip]
const AWS: &[(&str, &[&str])] = &[
    ("region", &["NoRegionError", "You must specify a region"]),
    ("credentials", &["NoCredentialsError", "Unable to locate credentials", "NoCredentialProviders"]),
];

/// Reason phrases of retried statuses, as `Transient error <phrase> …` logs them.
#[rustfmt::skip]
const PHRASES: [(&str, u16); 5] = [("Too Many Requests", 429), ("Internal Server Error", 500), ("Bad Gateway", 502), ("Service Unavailable", 503), ("Gateway Timeout", 504)];

fn first_match(m: &str, table: &[(&'static str, &[&str])]) -> Option<&'static str> {
    let found = table
        .iter()
        .find(|(_, needles)| needles.iter().any(|n| m.contains(n)));
    found.map(|r| r.0)
}

/// The longest start of `s` whose characters all pass `f`.
fn lead(s: &str, f: impl Fn(char) -> bool) -> &str {
    &s[..s.find(|c| !f(c)).unwrap_or(s.len())]
}

/// A hit for `id` (or `id/variant`, falling back to the bare id's row).
fn hit(id: &str, key: impl Into<String>, detail: &str) -> Option<Hit> {
    let base = id.split('/').next().unwrap_or(id);
    let row = |want: &str| TEXTS.iter().find(|r| r.0 == want);
    let &(full, title, fix) = row(id).or_else(|| row(base))?;
    let id = full.split('/').next().unwrap_or(full);
    let key: String = key.into();
    let (title, fix) = (title.replace("{}", detail), fix.replace("{key}", &key));
    Some(Hit {
        id,
        key,
        title,
        fix,
    })
}

/// Findings for the known lines of `text`, each quoting its line and number.
pub fn scan(text: &str, source: &str) -> Vec<Finding> {
    // Newer exporters log a bare "Not Found"; a doubled path anywhere in the
    // same output (a urllib3 debug line, a retry message) says why.
    let doubled = text.contains("/v1/traces/v1/traces");
    let mut seen: Vec<(Hit, usize, String, usize)> = Vec::new();
    let (mut frame, mut after_header) = (None, false);
    for (i, raw) in text.split('\n').enumerate() {
        let line = clean(raw);
        let msg = strip_stamp(strip_prefix(&line));
        // Tracebacks and warnings echo the source line, indented, below their
        // header; that echo is code (`raise SegmentNotFoundException(…)`).
        let echo = std::mem::replace(&mut after_header, false) && msg.starts_with([' ', '\t']);
        if let Some(f) = traceback_frame(msg) {
            frame = Some(f);
            after_header = true;
            continue;
        }
        after_header = msg.contains(".py:") && msg.contains("Warning: ");
        let found = if echo {
            None
        } else {
            classify(msg, doubled, frame.as_deref())
        };
        let Some(h) = found else { continue };
        match seen.iter_mut().find(|s| s.0.id == h.id && s.0.key == h.key) {
            Some(s) => s.3 += 1,
            None => seen.push((h, i + 1, quote(&line), 1)),
        }
    }
    seen.into_iter()
        .map(|(h, line, quote, count)| {
            let mut title = mask_shapes(&h.title);
            if count > 1 {
                title.push_str(&format!(" (seen {count} times, first at line {line})"));
            }
            let mut f = Finding::new(h.id, title)
                .at(source, Some(line))
                .evidence(quote)
                .fix(mask_shapes(&h.fix));
            f.category = Category::Logs;
            f
        })
        .collect()
}

fn classify(m: &str, doubled: bool, frame: Option<&str>) -> Option<Hit> {
    if let Some(id) = first_match(m, PLAIN) {
        return hit(id, "", "");
    }
    if let Some(kind) = first_match(m, CONN).filter(|_| m.contains("host='api.rollbar.com'")) {
        return hit("rollbar-unreachable", kind, kind);
    }
    otel_setup(m, frame)
        .or_else(|| compose_unset(m))
        .or_else(|| aws(m))
        .or_else(|| export(m, doubled))
}

fn otel_setup(m: &str, frame: Option<&str>) -> Option<Hit> {
    if let Some(rest) = after(m, "Header format invalid!") {
        let ends = ["specification: ", "occurrences: ", "URL encoded: "];
        let entry = ends.iter().find_map(|t| after(rest, t)).map(str::trim);
        let entry = entry.unwrap_or("");
        return hit("otel-headers-malformed", entry, entry);
    }
    if m.contains("has no attribute 'before_first_request'") {
        let at = frame.map(|f| format!(" ({f})")).unwrap_or_default();
        return hit("flask-before-first-request", "", &at);
    }
    if let Some(c) = between(m, "Requested component '", "' not found in entry point") {
        let group = between(after(m, "entry point")?, "'", "'")?;
        let signal = group
            .strip_prefix("opentelemetry_")?
            .strip_suffix("_exporter")?;
        let known = c.starts_with("otlp_proto_");
        let variant = if known { c } else { "other" };
        let id = format!("requirements-exporter-mismatch/{variant}");
        return hit(&id, format!("{c} {group}"), &format!("`{c}` {signal}"));
    }
    let p = between(m, "Unsupported OTLP protocol '", "'")?;
    hit("otel-protocol-mismatch", p, p)
}

/// Compose v2 `The "X" variable…` (TTY and logfmt, whose quotes are
/// backslash-escaped) and v1 `WARNING: The X variable…`.
fn compose_unset(m: &str) -> Option<Hit> {
    let (before, _) = m.split_once(" variable is not set. Defaulting to a blank string")?;
    let name = |c: char| !(c.is_ascii_alphanumeric() || c == '_');
    let var = before.trim_end_matches(['"', '\\']).rsplit(name).next()?;
    let breaks = match var {
        "" => return None,
        "HONEYCOMB_API_KEY" => {
            ": the x-honeycomb-team header goes out empty and Honeycomb rejects every span"
        }
        "ROLLBAR_ACCESS_TOKEN" => {
            ": rollbar.init() gets an empty token and nothing reaches Rollbar"
        }
        v if v.starts_with("AWS_") => ": X-Ray and CloudWatch get no credentials or region",
        _ => "",
    };
    hit("compose-var-unset", var, &format!("`${{{var}}}`{breaks}"))
}

fn aws(m: &str) -> Option<Hit> {
    let kind = first_match(m, AWS);
    if let Some(reason) = after(m, "Failed to deliver logs:").map(str::trim) {
        return hit(
            "aws-credentials-missing/watchtower",
            kind.unwrap_or(reason),
            reason,
        );
    }
    let kind = kind?;
    hit(&format!("aws-credentials-missing/{kind}"), kind, "")
}

/// OTLP export failures, HTTP (`code: 401, reason: …`, `Code: 401`,
/// `Transient error Too Many Requests …`) and gRPC (`StatusCode.X`).
fn export(m: &str, doubled: bool) -> Option<Hit> {
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

/// The readable message of an error body: a Python `b'…'` (or raw) protobuf
/// google.rpc.Status, a JSON `{"message": …}`, or plain text.
fn decode_reason(r: &str) -> String {
    let r = r.trim();
    // A body printed raw reaches here with its control bytes as `\xNN` (clean).
    let literal = bytes_literal(r).or_else(|| r.starts_with("\\x").then_some(r));
    let text = match literal.map(unescape) {
        Some(b) => status_message(&b).unwrap_or_else(|| printable_runs(&b)),
        None => between(r, "\"message\":", "\"}")
            .map(|v| v.trim().trim_start_matches('"').to_string())
            .unwrap_or_else(|| r.to_string()),
    };
    // An HTML error page is a possible body; a title needs only its start.
    text.chars().take(200).collect()
}

fn bytes_literal(r: &str) -> Option<&str> {
    let (q, rest) = match r.strip_prefix("b'") {
        Some(rest) => ('\'', rest),
        None => ('"', r.strip_prefix("b\"")?),
    };
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == q => return Some(&rest[..i]),
            _ => {}
        }
    }
    Some(rest)
}

/// Python's bytes repr escapes: `\xNN`, `\n`, `\t`, `\r`, `\\`, `\'`, `\"`.
fn unescape(s: &str) -> Vec<u8> {
    let (b, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let hex = b
            .get(i + 2..i + 4)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        let (v, n) = match (b[i], b.get(i + 1)) {
            (b'\\', Some(b'n')) => (b'\n', 2),
            (b'\\', Some(b't')) => (b'\t', 2),
            (b'\\', Some(b'r')) => (b'\r', 2),
            (b'\\', Some(&c @ (b'\\' | b'\'' | b'"'))) => (c, 2),
            (b'\\', Some(b'x')) if hex.is_some() => (hex.unwrap_or(0), 4),
            (c, _) => (c, 1),
        };
        out.push(v);
        i += n;
    }
    out
}

/// Field 2 (message) of a google.rpc.Status, only if the whole body parses.
fn status_message(b: &[u8]) -> Option<String> {
    let (mut i, mut msg) = (0, None);
    while i < b.len() {
        let (tag, n) = varint(b.get(i..)?)?;
        i += n;
        let (v, n) = varint(b.get(i..)?)?;
        i += n;
        match tag & 7 {
            0 => {}
            2 => {
                let end = i.checked_add(usize::try_from(v).ok()?)?;
                let field = b.get(i..end)?;
                if tag >> 3 == 2 {
                    msg = Some(String::from_utf8(field.to_vec()).ok()?);
                }
                i = end;
            }
            _ => return None,
        }
    }
    msg.filter(|m| !m.trim().is_empty())
}

fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &c) in b.iter().enumerate().take(10) {
        v |= u64::from(c & 0x7f) << (7 * i);
        if c < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

/// Fallback for a body that is not a clean Status (cut short, or framed
/// differently): the human-readable stretches of it.
fn printable_runs(b: &[u8]) -> String {
    let runs = b
        .split(|c| !(0x20..0x7f).contains(c))
        .filter(|r| r.len() >= 4);
    runs.map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `File "/backend-flask/app.py", line 95, in <module>` → `/backend-flask/app.py line 95`.
fn traceback_frame(m: &str) -> Option<String> {
    let rest = m.trim_start().strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let line = lead(rest.strip_prefix(", line ")?, |c| c.is_ascii_digit());
    Some(format!("{path} line {line}"))
}

/// ANSI colour sequences removed, other control characters shown as `\xNN`
/// (a raw protobuf body printed as text keeps its bytes readable that way).
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\x1b', Some('[')) => {
                chars.next();
                while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {}
            }
            ('\x1b', Some(']')) => while chars.next().is_some_and(|c| c != '\x07') {},
            (c, _) if c != '\t' && c.is_ascii_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// The message after a compose prefix such as `backend-flask-1  | `.
fn strip_prefix(line: &str) -> &str {
    let t = line.trim_start();
    let name = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
        .unwrap_or(0);
    match t[name..].trim_start_matches(' ').strip_prefix('|') {
        Some(rest) if name > 0 => rest.strip_prefix(' ').unwrap_or(rest),
        _ => line,
    }
}

/// The message after `docker compose logs --timestamps`' RFC 3339 stamp.
fn strip_stamp(m: &str) -> &str {
    match m.split_once(' ') {
        Some((t, rest))
            if t.len() >= 20 && t.ends_with('Z') && t.contains('T') && t.as_bytes()[4] == b'-' =>
        {
            rest
        }
        _ => m,
    }
}

/// The line as shown: secrets masked first, so a cut never leaves part of
/// a key readable.
fn quote(line: &str) -> String {
    let masked = mask_shapes(line.trim_end());
    match masked.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &masked[..i]),
        None => masked,
    }
}

fn after<'a>(s: &'a str, pat: &str) -> Option<&'a str> {
    s.find(pat).map(|i| &s[i + pat.len()..])
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = after(s, open)?;
    rest.find(close).map(|i| &rest[..i])
}

#[cfg(test)]
mod tests;
