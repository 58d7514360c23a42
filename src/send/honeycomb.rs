//! Honeycomb: check the key with `/1/auth` (trying the other region on 401),
//! post one two-span trace, and read the answer.

use super::Report;
use crate::http::{Http, NetError, Request, Response};
use crate::otlp::Protocol;
use crate::otlp::{ExportAnswer, TestTrace};
use crate::providers::honeycomb::api::{self as honeycomb_api, AuthInfo, TraceRef};
use crate::providers::honeycomb::region_of;
use crate::providers::honeycomb::Region;
use crate::resolve::Header;
use std::time::Instant;

pub struct Input {
    pub traces_url: String,
    pub headers: Vec<Header>,
    pub service_name: String,
    pub api_url: String,
    /// The other region's API, tried when the key is rejected (None: don't).
    pub other_api_url: Option<String>,
    pub protocol: Protocol,
    /// How `--endpoint` was read (base or full traces URL), when it was given.
    pub endpoint_note: Option<String>,
}

impl Input {
    fn key(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name == "x-honeycomb-team")
            .map(|h| h.value.as_str())
    }

    fn region(&self) -> Region {
        region_of(&self.traces_url)
            .or_else(|| region_of(&self.api_url))
            .unwrap_or(Region::Us)
    }
}

/// The Honeycomb target from the resolved exporter; `None` without an endpoint.
pub fn input(
    exporter: &crate::resolve::Exporter,
    remote: &crate::cli::RemoteArgs,
    protocol: Protocol,
) -> Option<Input> {
    let url = exporter.traces_url.as_ref()?;
    let (default_api, default_other) = api_urls(&url.value);
    // A custom API URL (a proxy, a test server) has no "other region" to guess.
    let other =
        remote
            .honeycomb_other_region_url
            .clone()
            .or(if remote.honeycomb_api_url.is_some() {
                None
            } else {
                default_other
            });
    Some(Input {
        traces_url: url.value.clone(),
        headers: exporter.headers.clone(),
        service_name: exporter.service_name.value.clone(),
        api_url: remote.honeycomb_api_url.clone().unwrap_or(default_api),
        other_api_url: other,
        protocol,
        endpoint_note: None,
    })
}

/// Default API URLs for a traces URL: its own region, and the other one.
pub fn api_urls(traces_url: &str) -> (String, Option<String>) {
    match region_of(traces_url) {
        Some(Region::Eu) => (
            Region::Eu.api_url().into(),
            Some(Region::Us.api_url().into()),
        ),
        Some(Region::Us) => (
            Region::Us.api_url().into(),
            Some(Region::Eu.api_url().into()),
        ),
        None => (
            Region::Us.api_url().into(),
            Some(Region::Eu.api_url().into()),
        ),
    }
}

pub enum KeyCheck {
    Valid(AuthInfo),
    /// Rejected here but accepted by the other region's API.
    OtherRegion(AuthInfo, String),
    Rejected,
    Unexpected(Response),
    Unreachable(NetError),
}

pub async fn check_key(http: &Http, input: &Input, key: &str) -> KeyCheck {
    let auth = |base: &str| {
        Request::get(format!("{}/1/auth", base.trim_end_matches('/')))
            .header("X-Honeycomb-Team", key)
    };
    let resp = match http.send(&auth(&input.api_url)).await {
        Ok(r) => r,
        Err(e) => return KeyCheck::Unreachable(e),
    };
    match resp.status {
        200 => match honeycomb_api::parse_auth(&resp.body) {
            Ok(info) => KeyCheck::Valid(info),
            Err(_) => KeyCheck::Unexpected(resp),
        },
        401 => {
            if let Some(other) = &input.other_api_url {
                if let Ok(r) = http.send(&auth(other)).await {
                    if let (200, Ok(info)) = (r.status, honeycomb_api::parse_auth(&r.body)) {
                        return KeyCheck::OtherRegion(info, other.clone());
                    }
                }
            }
            KeyCheck::Rejected
        }
        _ => KeyCheck::Unexpected(resp),
    }
}

pub async fn run(http: &Http, input: &Input) -> Report {
    let start = Instant::now();
    let report = Report::new("honeycomb");
    let Some(key) = input.key().filter(|k| !k.is_empty()) else {
        let why = if input.key().is_some() {
            ("compose-var-unset", "the x-honeycomb-team header is empty: HONEYCOMB_API_KEY is set neither in this shell nor in the project .env, so compose substitutes \"\" (run cruddur-obs init, or `eval $(gp env -e)` in Gitpod)")
        } else {
            ("otel-headers-missing", "no x-honeycomb-team header in OTEL_EXPORTER_OTLP_HEADERS: Honeycomb cannot know whose data it is (run cruddur-obs init)")
        };
        return report.fail(why.0, why.1).timed(start);
    };
    let mut report = report;
    report.details.extend(input.endpoint_note.clone());
    let mut auth = None;
    match check_key(http, input, key).await {
        KeyCheck::Valid(info) => {
            report.details.push(info.summary());
            auth = Some(info);
        }
        KeyCheck::OtherRegion(info, url) => {
            report.details.push(info.summary());
            return report
                .fail("honeycomb-region-mismatch", format!("the key is rejected by {} but accepted by {url}: set OTEL_EXPORTER_OTLP_ENDPOINT={url}", input.api_url))
                .timed(start);
        }
        KeyCheck::Rejected => {
            report.status = Some(401);
            return report
                .fail("honeycomb-key-rejected", format!("{} answered 401 to /1/auth: the key is unknown (copied partly, deleted, or from another team)", input.api_url))
                .timed(start);
        }
        KeyCheck::Unexpected(r) => report.details.push(format!(
            "key check: {} answered {} to /1/auth; sending anyway",
            input.api_url, r.status
        )),
        // The export would fail the same way on the same host: say it once.
        KeyCheck::Unreachable(e)
            if host_level(&e) && same_host(&input.api_url, &input.traces_url) =>
        {
            return report
                .fail("endpoint-unreachable", e.describe(&input.traces_url))
                .timed(start)
        }
        KeyCheck::Unreachable(e) => report.details.push(format!(
            "key check skipped: {}",
            e.describe(&format!("{}/1/auth", input.api_url.trim_end_matches('/')))
        )),
    }
    if let Some(info) = &auth {
        if !info.events {
            return report.fail("honeycomb-key-cannot-send", "the key has no permission to send events: create an ingest key with \"Send Events\" in Honeycomb").timed(start);
        }
        if !info.create_datasets {
            report.details.push(format!(
                "the key may not create datasets: if dataset \"{}\" does not exist yet, its spans are dropped (honeycomb-key-cannot-create-dataset)",
                input.service_name
            ));
        }
    }

    let trace = TestTrace::new(&input.service_name);
    let (body, content_type) = match input.protocol {
        Protocol::HttpProtobuf => (
            trace.to_protobuf(env!("CARGO_PKG_VERSION")),
            "application/x-protobuf",
        ),
        Protocol::HttpJson => (trace.to_json(env!("CARGO_PKG_VERSION")), "application/json"),
    };
    let mut req = Request::post(&input.traces_url, body).header("Content-Type", content_type);
    for h in &input.headers {
        req = req.header(&h.name, &h.value);
    }
    let classic = auth.as_ref().is_some_and(AuthInfo::is_classic);
    if classic
        && !input
            .headers
            .iter()
            .any(|h| h.name == "x-honeycomb-dataset")
    {
        report.details.push(format!("classic key without x-honeycomb-dataset: added x-honeycomb-dataset={} for this test (honeycomb-key-classic-no-dataset: add it to OTEL_EXPORTER_OTLP_HEADERS)", input.service_name));
        req = req.header("x-honeycomb-dataset", &input.service_name);
    }
    let resp = match http.send(&req).await {
        Ok(r) => r,
        Err(e) => {
            let cause = match e {
                NetError::BadUrl { .. } => "otel-endpoint-invalid",
                _ => e.failure_id("endpoint-unreachable"),
            };
            return report
                .fail(cause, e.describe(&input.traces_url))
                .timed(start);
        }
    };
    report.status = Some(resp.status);
    report.details.extend(resp.notes());
    report.id = Some(trace.trace_id_hex());
    match crate::otlp::interpret(resp.status, resp.content_type.as_deref(), &resp.body) {
        ExportAnswer::Accepted => {
            if let Some(info) = &auth {
                let span = trace.root_span_id_hex();
                let r = TraceRef { trace_id: &report.id.clone().unwrap_or_default(), span_id: &span, start_s: trace.start_unix_nano / 1_000_000_000, end_s: trace.end_unix_nano / 1_000_000_000 };
                let dataset = if classic { input.headers.iter().find(|h| h.name == "x-honeycomb-dataset").map_or(input.service_name.clone(), |h| h.value.clone()) } else { input.service_name.clone() };
                report.link = Some(honeycomb_api::trace_link(input.region(), info, &dataset, &r));
            }
            let msg = format!("accepted a 2-span trace for service.name \"{}\" at {}", input.service_name, input.traces_url);
            report.pass(msg).timed(start)
        }
        ExportAnswer::Partial { rejected_spans, message } => report
            .fail("otlp-partial-success", format!("Honeycomb accepted the request but rejected {rejected_spans} span(s): {message}"))
            .timed(start),
        ExportAnswer::Rejected { status, message } => {
            let (cause, why) = rejection_cause(status, message.as_deref().unwrap_or(""), &input.traces_url);
            let said = message.map(|m| format!(" (server said: {m})")).unwrap_or_default();
            report.fail(cause, format!("{why}{said}")).timed(start)
        }
    }
}

/// Failures of the host itself, which every path on it shares.
fn host_level(e: &NetError) -> bool {
    matches!(
        e,
        NetError::Dns { .. } | NetError::Connect { .. } | NetError::Tls { .. }
    )
}

fn same_host(a: &str, b: &str) -> bool {
    let origin = |u: &str| {
        reqwest::Url::parse(u).ok().map(|u| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_ascii_lowercase),
                u.port_or_known_default(),
            )
        })
    };
    origin(a).is_some() && origin(a) == origin(b)
}

/// Names the failure behind an OTLP rejection: status first, the server's
/// message only to tell apart causes that share one.
pub fn rejection_cause(status: u16, message: &str, url: &str) -> (&'static str, String) {
    let m = message.to_lowercase();
    match status {
        401 if m.contains("x-honeycomb-dataset") => ("honeycomb-key-classic-no-dataset", "classic keys need an x-honeycomb-dataset header: add ,x-honeycomb-dataset=<name> to OTEL_EXPORTER_OTLP_HEADERS".into()),
        401 if m.contains("missing 'x-honeycomb-team'") || m.contains("missing \"x-honeycomb-team\"") => ("otel-headers-missing", "the x-honeycomb-team header did not arrive".into()),
        401 => ("honeycomb-key-rejected", "401: the key was rejected".into()),
        403 => ("honeycomb-key-cannot-send", "403: the key may not send events".into()),
        404 if url.contains("/v1/traces/v1/traces") => ("otel-endpoint-signal-path", format!("404 at {url}: the base endpoint already ends in /v1/traces and the SDK appended it again; remove /v1/traces from OTEL_EXPORTER_OTLP_ENDPOINT")),
        404 => ("endpoint-wrong-path", format!("404 at {url}: nothing receives traces there; the OTLP/HTTP path is /v1/traces on the API host")),
        415 => ("otel-protocol-mismatch", "415: the endpoint does not accept this content type (OTLP/HTTP takes application/x-protobuf or application/json)".into()),
        400 => ("otlp-body-rejected", "400: the endpoint could not read the OTLP body".into()),
        413 => ("otlp-body-rejected", "413: the request is too large".into()),
        429 => ("honeycomb-rate-limited", "429: rate limited, still after retrying within the time limit".into()),
        s if s >= 500 => ("honeycomb-server-error", format!("{s}: the server failed; try again later (status.honeycomb.io)")),
        s => ("endpoint-wrong-path", format!("unexpected answer {s} from {url}")),
    }
}
