//! Placeholder until the OTLP module lands (same API).
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
pub struct TestTrace {
    pub trace_id: [u8; 16],
    pub root_span_id: [u8; 8],
    pub child_span_id: [u8; 8],
    pub start_unix_nano: u64,
    pub end_unix_nano: u64,
    pub service_name: String,
}
impl TestTrace {
    pub fn new(_service_name: &str) -> TestTrace {
        unimplemented!()
    }
    pub fn trace_id_hex(&self) -> String {
        unimplemented!()
    }
    pub fn root_span_id_hex(&self) -> String {
        unimplemented!()
    }
    pub fn to_protobuf(&self, _version: &str) -> Vec<u8> {
        unimplemented!()
    }
    pub fn to_json(&self, _version: &str) -> Vec<u8> {
        unimplemented!()
    }
}
pub enum Encoding {
    Protobuf,
    Json,
}
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
pub fn interpret(_status: u16, _content_type: Option<&str>, _body: &[u8]) -> ExportAnswer {
    unimplemented!()
}
pub fn status_protobuf(_code: i32, _message: &str) -> Vec<u8> {
    unimplemented!()
}
pub fn decode_request(
    _encoding: Encoding,
    _body: &[u8],
) -> Result<ExportTraceServiceRequest, String> {
    unimplemented!()
}
