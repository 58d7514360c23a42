//! Our OTLP protobuf, decoded by the official Python classes
//! (opentelemetry-proto from PyPI, in the test virtualenv).

mod common;
#[path = "common/pyenv.rs"]
mod pyenv;
use cruddur_obs::otlp::TestTrace;
use std::io::Write;
use std::process::{Command, Stdio};

const DECODER: &str = r#"
import json, sys
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

req = ExportTraceServiceRequest()
req.ParseFromString(sys.stdin.buffer.read())
trace_ids, spans, service_name = [], [], None
for rs in req.resource_spans:
    for kv in rs.resource.attributes:
        if kv.key == "service.name":
            service_name = kv.value.string_value
    for ss in rs.scope_spans:
        for s in ss.spans:
            if s.trace_id.hex() not in trace_ids:
                trace_ids.append(s.trace_id.hex())
            attrs = {kv.key: kv.value.WhichOneof("value") for kv in s.attributes}
            spans.append({"name": s.name, "span_id": s.span_id.hex(), "parent_span_id": s.parent_span_id.hex(),
                          "kind": s.kind, "start": s.start_time_unix_nano, "end": s.end_time_unix_nano, "attrs": attrs})
print(json.dumps({"trace_ids": trace_ids, "spans": spans, "service_name": service_name}))
"#;

#[test]
fn the_official_python_decoder_reads_our_protobuf() {
    let python = pyenv::python();
    for _ in 0..3 {
        let trace = TestTrace::new("backend-flask");
        let body = trace.to_protobuf("test");
        let mut child = Command::new(&python)
            .args(["-c", DECODER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["service_name"], "backend-flask");
        assert_eq!(v["trace_ids"], serde_json::json!([trace.trace_id_hex()]));
        let spans = v["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 2);
        let root = spans.iter().find(|s| s["parent_span_id"] == "").unwrap();
        let child = spans.iter().find(|s| s["parent_span_id"] != "").unwrap();
        assert_eq!(root["span_id"], trace.root_span_id_hex());
        assert_eq!(child["parent_span_id"], root["span_id"]);
        assert_eq!(root["kind"], 2, "SPAN_KIND_SERVER");
        assert_eq!(root["start"].as_u64().unwrap(), trace.start_unix_nano);
        assert_eq!(root["attrs"]["cruddur_obs.test"], "bool_value");
    }
}
