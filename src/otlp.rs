//! One OTLP/HTTP test trace: building it (protobuf or OTLP/JSON) and reading
//! what the endpoint answered (ExportTraceServiceResponse or google.rpc.Status).

use std::time::{SystemTime, UNIX_EPOCH};

pub use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use serde_json::{json, Map, Value};

/// How a test trace is encoded on the wire (OTLP over HTTP).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    #[value(name = "http/protobuf")]
    HttpProtobuf,
    #[value(name = "http/json")]
    HttpJson,
}

pub const ROOT_SPAN_NAME: &str = "cruddur-obs test span";
pub const CHILD_SPAN_NAME: &str = "cruddur-obs child span";
const SDK_NAME: &str = "cruddur-obs";
/// Long enough to be visible as a bar in a trace view, short enough to be "now".
const ROOT_DURATION_NS: u64 = 5_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestTrace {
    pub trace_id: [u8; 16],
    pub root_span_id: [u8; 8],
    pub child_span_id: [u8; 8],
    pub start_unix_nano: u64,
    pub end_unix_nano: u64,
    pub service_name: String,
}

impl TestTrace {
    /// Random ids, and a root span that ends now: a span "from the future"
    /// could be hidden by a backend's time window when the user looks at once.
    pub fn new(service_name: &str) -> TestTrace {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let r = random_bytes(now);
        let (mut trace_id, mut root_span_id, mut child_span_id) = ([0u8; 16], [0u8; 8], [0u8; 8]);
        trace_id.copy_from_slice(&r[..16]);
        root_span_id.copy_from_slice(&r[16..24]);
        child_span_id.copy_from_slice(&r[24..]);
        // Honeycomb shows ids with a zero high half in their 64-bit form, so
        // the link we print would not match; zero ids are invalid outright.
        if trace_id[..8] == [0; 8] {
            trace_id[0] = 1;
        }
        if child_span_id == root_span_id {
            child_span_id[0] ^= 0x80;
        }
        for id in [&mut root_span_id, &mut child_span_id] {
            if *id == [0; 8] {
                id[7] = 1;
            }
        }
        TestTrace {
            trace_id,
            root_span_id,
            child_span_id,
            start_unix_nano: now.saturating_sub(ROOT_DURATION_NS),
            end_unix_nano: now,
            service_name: service_name.to_string(),
        }
    }

    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }

    pub fn root_span_id_hex(&self) -> String {
        hex(&self.root_span_id)
    }

    pub fn child_span_id_hex(&self) -> String {
        hex(&self.child_span_id)
    }

    /// The child's window: strictly inside the root's, so trace views nest it.
    pub fn child_window(&self) -> (u64, u64) {
        let fifth = self.end_unix_nano.saturating_sub(self.start_unix_nano) / 5;
        (self.start_unix_nano + fifth, self.end_unix_nano - fifth)
    }

    /// One resource (service.name, telemetry.sdk.*), one scope "cruddur-obs"
    /// at `version`, and the two spans, both marked `cruddur_obs.test = true`
    /// so they are easy to find and filter out.
    pub fn request(&self, version: &str) -> ExportTraceServiceRequest {
        let span_attrs = vec![
            kv("cruddur_obs.test", any_value::Value::BoolValue(true)),
            kv_str("cruddur_obs.version", version),
        ];
        let ok = Some(Status {
            code: StatusCode::Ok as i32,
            message: String::new(),
        });
        let root = Span {
            trace_id: self.trace_id.to_vec(),
            span_id: self.root_span_id.to_vec(),
            name: ROOT_SPAN_NAME.into(),
            kind: SpanKind::Server as i32,
            start_time_unix_nano: self.start_unix_nano,
            end_time_unix_nano: self.end_unix_nano,
            attributes: span_attrs.clone(),
            status: ok.clone(),
            ..Default::default()
        };
        let (child_start, child_end) = self.child_window();
        let child = Span {
            trace_id: self.trace_id.to_vec(),
            span_id: self.child_span_id.to_vec(),
            parent_span_id: self.root_span_id.to_vec(),
            name: CHILD_SPAN_NAME.into(),
            kind: SpanKind::Internal as i32,
            start_time_unix_nano: child_start,
            end_time_unix_nano: child_end,
            attributes: span_attrs,
            status: ok,
            ..Default::default()
        };
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        kv_str("service.name", &self.service_name),
                        kv_str("telemetry.sdk.name", SDK_NAME),
                        kv_str("telemetry.sdk.language", "rust"),
                        kv_str("telemetry.sdk.version", version),
                    ],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    scope: Some(InstrumentationScope {
                        name: SDK_NAME.into(),
                        version: version.into(),
                        ..Default::default()
                    }),
                    spans: vec![root, child],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    pub fn to_protobuf(&self, version: &str) -> Vec<u8> {
        self.request(version).encode_to_vec()
    }

    /// OTLP/JSON: hex ids, integer enums, 64-bit integers as strings.
    pub fn to_json(&self, version: &str) -> Vec<u8> {
        request_to_json(&self.request(version))
            .to_string()
            .into_bytes()
    }

    pub fn body(&self, encoding: Encoding, version: &str) -> Vec<u8> {
        match encoding {
            Encoding::Protobuf => self.to_protobuf(version),
            Encoding::Json => self.to_json(version),
        }
    }
}

/// getrandom can fail (no entropy source in a sandbox); a test trace must still
/// go out, and these ids only need to be unlikely to collide, not secret.
fn random_bytes(now: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    if getrandom::fill(&mut out).is_ok() {
        return out;
    }
    let mut state = now ^ (u64::from(std::process::id()) << 32);
    for chunk in out.chunks_mut(8) {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn kv_str(key: &str, value: &str) -> KeyValue {
    kv(key, any_value::Value::StringValue(value.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

// opentelemetry-proto's serde output has the OTLP/JSON encodings right (hex
// ids, integer enums, int64/fixed64 as strings, lowerCamelCase, base64
// bytesValue) but writes every default: `"resource": null`, `"parentSpanId":
// ""` on the root span. Defaults are dropped here, as a proto3 JSON encoder
// does, so no receiver has to be lenient about them.
fn request_to_json(req: &ExportTraceServiceRequest) -> Value {
    let mut v = serde_json::to_value(req).unwrap_or_default();
    drop_defaults(&mut v);
    v
}

/// Removes default-valued fields; returns whether `v` itself is a default.
fn drop_defaults(v: &mut Value) -> bool {
    match v {
        Value::Object(m) => {
            m.retain(|k, child| {
                // KeyValue.value holds an AnyValue, where `{"boolValue": false}`
                // or `{"stringValue": ""}` is a value, not a default.
                if k == "value" {
                    !(child.is_null() || child.as_object().is_some_and(Map::is_empty))
                } else {
                    !drop_defaults(child)
                }
            });
            m.is_empty()
        }
        Value::Array(a) => {
            // Elements stay even if empty: their position is their meaning.
            a.iter_mut().for_each(|x| {
                drop_defaults(x);
            });
            a.is_empty()
        }
        Value::Null => true,
        Value::Bool(b) => !*b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
    }
}

/// Decodes a request body: for fake servers in tests, and to check our own output.
pub fn decode_request(
    encoding: Encoding,
    body: &[u8],
) -> Result<ExportTraceServiceRequest, String> {
    match encoding {
        Encoding::Protobuf => ExportTraceServiceRequest::decode(body).map_err(|e| e.to_string()),
        // The crate's Deserialize takes hex ids and u64 as string or number.
        Encoding::Json => serde_json::from_slice(body).map_err(|e| e.to_string()),
    }
}

/// What an OTLP endpoint's answer means.
#[derive(Debug, PartialEq)]
pub enum ExportAnswer {
    Accepted,
    Partial {
        rejected_spans: i64,
        message: String,
    },
    Rejected {
        status: u16,
        message: Option<String>,
    },
}

/// Reads an answer whatever its encoding: the content type decides, then the
/// body is sniffed, and nothing in it can make this panic.
pub fn interpret(status: u16, content_type: Option<&str>, body: &[u8]) -> ExportAnswer {
    if !(200..300).contains(&status) {
        return ExportAnswer::Rejected {
            status,
            message: decode_status(content_type, body),
        };
    }
    match partial_success(content_type, body) {
        Some((rejected_spans, message)) if rejected_spans > 0 => ExportAnswer::Partial {
            rejected_spans,
            message,
        },
        // rejected_spans == 0 with a message is a warning per the OTLP spec.
        _ => ExportAnswer::Accepted,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Protobuf,
    Json,
}

fn body_kind(content_type: Option<&str>, body: &[u8]) -> BodyKind {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("protobuf") {
        BodyKind::Protobuf
    } else if ct.contains("json") || body.trim_ascii_start().starts_with(b"{") {
        BodyKind::Json
    } else {
        BodyKind::Protobuf
    }
}

fn partial_success(content_type: Option<&str>, body: &[u8]) -> Option<(i64, String)> {
    if body.trim_ascii().is_empty() {
        return None;
    }
    match body_kind(content_type, body) {
        BodyKind::Protobuf => {
            let p = ExportTraceServiceResponse::decode(body)
                .ok()?
                .partial_success?;
            Some((p.rejected_spans, p.error_message))
        }
        BodyKind::Json => {
            let v: Value = serde_json::from_slice(body).ok()?;
            // proto3 JSON parsers accept the original field names too.
            let p = field(&v, "partialSuccess", "partial_success")?;
            let rejected = match field(p, "rejectedSpans", "rejected_spans") {
                None => 0,
                Some(Value::String(s)) => s.trim().parse().ok()?,
                Some(n) => n.as_i64()?,
            };
            let message = field(p, "errorMessage", "error_message")
                .and_then(Value::as_str)
                .unwrap_or("");
            Some((rejected, message.to_string()))
        }
    }
}

fn field<'a>(v: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    v.get(camel).or_else(|| v.get(snake))
}

/// google.rpc.Status. Field 3 (`details`, repeated Any) is left out on purpose:
/// prost skips unknown fields, and nothing here needs the details.
#[derive(Clone, PartialEq, Message)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

pub fn status_protobuf(code: i32, message: &str) -> Vec<u8> {
    RpcStatus {
        code,
        message: message.into(),
    }
    .encode_to_vec()
}

pub fn status_json(code: i32, message: &str) -> Vec<u8> {
    json!({ "code": code, "message": message })
        .to_string()
        .into_bytes()
}

/// The message of an error body: a google.rpc.Status in either encoding, or
/// failing that a short plain-text body. Servers do not always label bodies
/// correctly, so the other encoding is tried before giving up.
pub fn decode_status(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if body.trim_ascii().is_empty() {
        return None;
    }
    let proto = || {
        RpcStatus::decode(body)
            .ok()
            .and_then(|s| printable(&s.message, usize::MAX))
    };
    let json = || {
        let v: Value = serde_json::from_slice(body).ok()?;
        // Honeycomb's non-OTLP endpoints answer {"error": "..."}.
        let m = v.get("message").or_else(|| v.get("error"))?.as_str()?;
        printable(m, usize::MAX)
    };
    let found = match body_kind(content_type, body) {
        BodyKind::Protobuf => proto().or_else(json),
        BodyKind::Json => json().or_else(proto),
    };
    found.or_else(|| {
        // Valid JSON without a message is not worth echoing; nor is markup.
        if serde_json::from_slice::<Value>(body).is_ok() {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        if text.trim_start().starts_with('<') {
            return None;
        }
        printable(text, 300)
    })
}

fn printable(s: &str, max_chars: usize) -> Option<String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.chars().count() <= max_chars
        && !t.chars().any(|c| c.is_control() && !c.is_whitespace());
    ok.then(|| t.to_string())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "otlp_tests.rs"]
mod tests;
