use super::*;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess;
use opentelemetry_proto::tonic::trace::v1::span::{Event, Link};

const V: &str = "9.8.7";

fn spans(req: &ExportTraceServiceRequest) -> &[Span] {
    &req.resource_spans[0].scope_spans[0].spans
}

fn attr<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attrs
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref()?.value.as_ref())
}

fn str_attr(s: &str) -> Option<any_value::Value> {
    Some(any_value::Value::StringValue(s.into()))
}

/// The checks shared by both encodings, on a decoded request.
fn check_request(t: &TestTrace, req: &ExportTraceServiceRequest) {
    assert_eq!(req.resource_spans.len(), 1);
    let rs = &req.resource_spans[0];
    let res = &rs.resource.as_ref().expect("resource").attributes;
    assert_eq!(
        attr(res, "service.name").cloned(),
        str_attr(&t.service_name)
    );
    assert_eq!(
        attr(res, "telemetry.sdk.name").cloned(),
        str_attr("cruddur-obs")
    );
    assert_eq!(
        attr(res, "telemetry.sdk.language").cloned(),
        str_attr("rust")
    );
    assert_eq!(rs.scope_spans.len(), 1);
    let scope = rs.scope_spans[0].scope.as_ref().expect("scope");
    assert_eq!(
        (scope.name.as_str(), scope.version.as_str()),
        ("cruddur-obs", V)
    );

    let s = spans(req);
    assert_eq!(s.len(), 2);
    let (root, child) = (&s[0], &s[1]);
    assert_eq!(root.name, ROOT_SPAN_NAME);
    assert_eq!(child.name, CHILD_SPAN_NAME);
    assert_eq!(root.kind, SpanKind::Server as i32);
    assert_eq!(child.kind, SpanKind::Internal as i32);
    assert_eq!(root.trace_id, t.trace_id);
    assert_eq!(child.trace_id, t.trace_id);
    assert_eq!(root.span_id, t.root_span_id);
    assert_eq!(child.span_id, t.child_span_id);
    assert!(root.parent_span_id.is_empty());
    assert_eq!(child.parent_span_id, root.span_id);
    assert_eq!(root.start_time_unix_nano, t.start_unix_nano);
    assert_eq!(root.end_time_unix_nano, t.end_unix_nano);
    assert!(root.start_time_unix_nano < child.start_time_unix_nano);
    assert!(child.start_time_unix_nano < child.end_time_unix_nano);
    assert!(child.end_time_unix_nano < root.end_time_unix_nano);
    for span in s {
        assert_eq!(
            attr(&span.attributes, "cruddur_obs.test"),
            Some(&any_value::Value::BoolValue(true))
        );
        assert_eq!(
            attr(&span.attributes, "cruddur_obs.version").cloned(),
            str_attr(V)
        );
        assert_eq!(
            span.status.as_ref().map(|s| s.code),
            Some(StatusCode::Ok as i32)
        );
    }
}

#[test]
fn protobuf_round_trip() {
    let t = TestTrace::new("backend-flask");
    let req = decode_request(Encoding::Protobuf, &t.to_protobuf(V)).unwrap();
    check_request(&t, &req);
    assert_eq!(req, t.request(V));
    assert_eq!(t.body(Encoding::Protobuf, V), t.to_protobuf(V));
}

#[test]
fn ids_are_valid_and_distinct() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..2000 {
        let t = TestTrace::new("svc");
        assert_ne!(t.trace_id[..8], [0; 8], "high half must be non-zero");
        assert_ne!(t.root_span_id, [0; 8]);
        assert_ne!(t.child_span_id, [0; 8]);
        assert_ne!(t.root_span_id, t.child_span_id);
        assert!(seen.insert(t.trace_id), "trace ids repeat");
        assert!(t.end_unix_nano - t.start_unix_nano >= 1_000_000);
        assert!(t.end_unix_nano.abs_diff(now) < 60_000_000_000, "not now");
    }
}

#[test]
fn hex_ids() {
    assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    assert_eq!(hex(&[]), "");
    let t = TestTrace::new("svc");
    assert_eq!(t.trace_id_hex().len(), 32);
    assert_eq!(t.root_span_id_hex(), hex(&t.root_span_id));
    assert_eq!(t.child_span_id_hex().len(), 16);
}

#[test]
fn json_shape() {
    let t = TestTrace::new("backend-flask");
    let v: Value = serde_json::from_slice(&t.to_json(V)).unwrap();
    let rs = &v["resourceSpans"][0];
    let s = rs["scopeSpans"][0]["spans"].as_array().unwrap();
    assert_eq!(s.len(), 2);
    let (root, child) = (&s[0], &s[1]);
    let trace_id = root["traceId"].as_str().unwrap();
    assert_eq!(trace_id.len(), 32);
    assert!(trace_id
        .bytes()
        .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
    assert_eq!(trace_id, t.trace_id_hex());
    assert_eq!(root["spanId"], t.root_span_id_hex());
    assert_eq!(child["parentSpanId"], root["spanId"]);
    assert!(
        root.get("parentSpanId").is_none(),
        "empty bytes are omitted"
    );
    assert_eq!(root["kind"], 2);
    assert_eq!(child["kind"], 1);
    assert!(root["kind"].is_u64());
    assert_eq!(root["startTimeUnixNano"], t.start_unix_nano.to_string());
    assert_eq!(root["endTimeUnixNano"], t.end_unix_nano.to_string());
    assert!(child["startTimeUnixNano"].is_string());
    assert_eq!(root["status"], json!({"code": 1}));
    assert_eq!(
        rs["scopeSpans"][0]["scope"],
        json!({"name": "cruddur-obs", "version": V})
    );
    let attrs = rs["resource"]["attributes"].as_array().unwrap();
    assert!(
        attrs.contains(&json!({"key": "service.name", "value": {"stringValue": "backend-flask"}}))
    );
    let span_attrs = root["attributes"].as_array().unwrap();
    assert!(span_attrs.contains(&json!({"key": "cruddur_obs.test", "value": {"boolValue": true}})));
    // No snake_case keys and no default values anywhere.
    fn walk(v: &Value, path: &str) {
        match v {
            Value::Object(m) => {
                assert!(!m.is_empty(), "empty object at {path}");
                for (k, v) in m {
                    assert!(!k.contains('_'), "snake_case {k} at {path}");
                    walk(v, &format!("{path}.{k}"));
                }
            }
            Value::Array(a) => {
                assert!(!a.is_empty(), "empty array at {path}");
                a.iter().for_each(|v| walk(v, path));
            }
            Value::Null => panic!("null at {path}"),
            Value::String(s) => assert!(!s.is_empty(), "empty string at {path}"),
            Value::Number(n) => assert_ne!(n.as_f64(), Some(0.0), "zero at {path}"),
            Value::Bool(_) => {}
        }
    }
    walk(&v, "");
}

#[test]
fn json_round_trip() {
    let t = TestTrace::new("backend-flask");
    let req = decode_request(Encoding::Json, &t.to_json(V)).unwrap();
    check_request(&t, &req);
    assert_eq!(req, t.request(V));
    assert_eq!(t.body(Encoding::Json, V), t.to_json(V));
}

#[test]
fn json_keeps_explicit_values_and_encodes_the_rest() {
    let mut req = TestTrace::new("s").request(V);
    let span = &mut req.resource_spans[0].scope_spans[0].spans[0];
    span.attributes = vec![
        kv("f", any_value::Value::BoolValue(false)),
        kv("e", any_value::Value::StringValue(String::new())),
        kv("i", any_value::Value::IntValue(-3)),
        kv("b", any_value::Value::BytesValue(vec![1, 2, 3])),
    ];
    span.events = vec![Event {
        time_unix_nano: 7,
        name: "ev".into(),
        ..Default::default()
    }];
    span.links = vec![Link {
        trace_id: vec![0xab; 16],
        span_id: vec![0xcd; 8],
        flags: 1,
        ..Default::default()
    }];
    let v = request_to_json(&req);
    let s = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    let attrs: Vec<_> = s["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["value"])
        .collect();
    assert_eq!(attrs[0], &json!({"boolValue": false}));
    assert_eq!(attrs[1], &json!({"stringValue": ""}));
    assert_eq!(attrs[2], &json!({"intValue": "-3"}));
    assert_eq!(attrs[3], &json!({"bytesValue": "AQID"}));
    assert_eq!(s["events"][0]["timeUnixNano"], "7");
    assert_eq!(s["links"][0]["traceId"], "ab".repeat(16));
    assert_eq!(s["links"][0]["flags"], 1);
    let back = decode_request(Encoding::Json, v.to_string().as_bytes()).unwrap();
    assert_eq!(back, req);
}

#[test]
fn decode_request_errors_are_messages() {
    assert!(decode_request(Encoding::Json, b"not json").is_err());
    assert!(decode_request(
        Encoding::Json,
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}"#
    )
    .is_err());
    assert!(decode_request(Encoding::Protobuf, &[0x0a, 0xff]).is_err());
    // 64-bit integers may come as numbers too.
    let n = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":5}]}]}]}"#;
    assert_eq!(
        spans(&decode_request(Encoding::Json, n).unwrap())[0].start_time_unix_nano,
        5
    );
}

fn rejected(status: u16, message: Option<&str>) -> ExportAnswer {
    ExportAnswer::Rejected {
        status,
        message: message.map(str::to_string),
    }
}

const PB: Option<&str> = Some("application/x-protobuf");
const JS: Option<&str> = Some("application/json");

#[test]
fn accepted() {
    assert_eq!(interpret(200, PB, b""), ExportAnswer::Accepted);
    assert_eq!(interpret(200, None, b""), ExportAnswer::Accepted);
    assert_eq!(interpret(200, JS, b"{}"), ExportAnswer::Accepted);
    assert_eq!(interpret(200, None, b" {}\n"), ExportAnswer::Accepted);
    let empty = ExportTraceServiceResponse::default().encode_to_vec();
    assert_eq!(interpret(200, PB, &empty), ExportAnswer::Accepted);
    assert_eq!(
        interpret(202, Some("text/plain"), b"ok"),
        ExportAnswer::Accepted
    );
    // rejected_spans == 0 with a message is only a warning.
    let warn = br#"{"partialSuccess":{"errorMessage":"slow down"}}"#;
    assert_eq!(interpret(200, JS, warn), ExportAnswer::Accepted);
}

#[test]
fn partial_success_protobuf() {
    let body = ExportTraceServiceResponse {
        partial_success: Some(ExportTracePartialSuccess {
            rejected_spans: 2,
            error_message: "dataset does not exist".into(),
        }),
    }
    .encode_to_vec();
    let want = ExportAnswer::Partial {
        rejected_spans: 2,
        message: "dataset does not exist".into(),
    };
    assert_eq!(interpret(200, PB, &body), want);
    assert_eq!(interpret(200, None, &body), want);
}

#[test]
fn partial_success_json() {
    let want = ExportAnswer::Partial {
        rejected_spans: 2,
        message: "x".into(),
    };
    for body in [
        r#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"x"}}"#,
        r#"{"partialSuccess":{"rejectedSpans":2,"errorMessage":"x"}}"#,
        r#"{"partial_success":{"rejected_spans":"2","error_message":"x"}}"#,
    ] {
        assert_eq!(interpret(200, JS, body.as_bytes()), want, "{body}");
        assert_eq!(interpret(200, None, body.as_bytes()), want, "{body}");
    }
    let no_message = br#"{"partialSuccess":{"rejectedSpans":"1"}}"#;
    let want = ExportAnswer::Partial {
        rejected_spans: 1,
        message: String::new(),
    };
    assert_eq!(interpret(200, JS, no_message), want);
}

#[test]
fn rejected_with_status() {
    let key = "unknown API key - check your credentials, region, and API URL";
    let body = format!(r#"{{"message":"{key}"}}"#);
    assert_eq!(
        interpret(401, JS, body.as_bytes()),
        rejected(401, Some(key))
    );
    assert_eq!(
        interpret(401, PB, &status_protobuf(16, key)),
        rejected(401, Some(key))
    );
    assert_eq!(
        interpret(401, None, &status_protobuf(16, key)),
        rejected(401, Some(key))
    );
    assert_eq!(
        interpret(400, None, &status_json(3, "bad body")),
        rejected(400, Some("bad body"))
    );
    // Mislabelled bodies are still read.
    assert_eq!(
        interpret(401, JS, &status_protobuf(16, key)),
        rejected(401, Some(key))
    );
    assert_eq!(
        interpret(401, PB, body.as_bytes()),
        rejected(401, Some(key))
    );
    let auth = br#"{"error":"unknown API key - check your credentials"}"#;
    let msg = "unknown API key - check your credentials";
    assert_eq!(interpret(401, JS, auth), rejected(401, Some(msg)));
    assert_eq!(interpret(400, JS, br#"{"code":3}"#), rejected(400, None));
}

#[test]
fn rejected_with_other_bodies() {
    let text = b"unsupported content-type 'text/xml'\n";
    let want = rejected(415, Some("unsupported content-type 'text/xml'"));
    assert_eq!(
        interpret(415, Some("text/plain; charset=utf-8"), text),
        want
    );
    assert_eq!(interpret(415, None, text), want);
    assert_eq!(interpret(415, PB, text), want);
    assert_eq!(interpret(415, JS, text), want);
    let html =
        b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\x00\xff\xfe</body></html>";
    assert_eq!(interpret(404, Some("text/html"), html), rejected(404, None));
    assert_eq!(interpret(404, None, html), rejected(404, None));
    assert_eq!(interpret(404, PB, html), rejected(404, None));
    assert_eq!(interpret(500, None, b""), rejected(500, None));
    assert_eq!(interpret(500, PB, b""), rejected(500, None));
    assert_eq!(interpret(502, None, b"  \n"), rejected(502, None));
    assert_eq!(
        interpret(503, None, &"x".repeat(5000).into_bytes()),
        rejected(503, None)
    );
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    for len in 0..400 {
        let body: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        for ct in [None, PB, JS, Some("text/html")] {
            for status in [200, 400, 500] {
                let _ = interpret(status, ct, &body);
            }
        }
        let _ = decode_request(Encoding::Protobuf, &body);
        let _ = decode_request(Encoding::Json, &body);
    }
}

#[test]
fn status_bodies_decode() {
    let pb = status_protobuf(7, "permission denied");
    assert_eq!(RpcStatus::decode(pb.as_slice()).unwrap().code, 7);
    assert_eq!(decode_status(PB, &pb).as_deref(), Some("permission denied"));
    let js = status_json(7, "permission denied");
    assert_eq!(decode_status(JS, &js).as_deref(), Some("permission denied"));
    // details (field 3, repeated Any) must not stop the decode.
    let mut with_details = pb.clone();
    with_details.extend_from_slice(&[0x1a, 0x03, 0x0a, 0x01, b'x']);
    assert_eq!(
        decode_status(PB, &with_details).as_deref(),
        Some("permission denied")
    );
    assert_eq!(Encoding::Json.content_type(), "application/json");
    assert_eq!(Encoding::Protobuf.content_type(), "application/x-protobuf");
}
