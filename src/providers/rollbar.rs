//! Placeholder until the Rollbar module lands (same API).
pub fn uuid4() -> String {
    unimplemented!()
}
pub fn test_item(_environment: &str, _uuid: &str, _version: &str) -> serde_json::Value {
    unimplemented!()
}
#[derive(Debug, PartialEq)]
pub enum TokenShape {
    Legacy,
    Unknown,
}
pub fn token_shape(_token: &str) -> TokenShape {
    unimplemented!()
}
#[derive(Debug, PartialEq)]
pub enum RollbarAnswer {
    Accepted {
        uuid: String,
    },
    Rejected {
        status: u16,
        cause: RollbarCause,
        message: Option<String>,
    },
}
#[derive(Debug, PartialEq, Clone, Copy)]
pub enum RollbarCause {
    InvalidToken,
}
impl RollbarCause {
    pub fn failure_id(self) -> &'static str {
        unimplemented!()
    }
    pub fn explain(self) -> &'static str {
        unimplemented!()
    }
}
pub fn interpret(_status: u16, _body: &[u8]) -> RollbarAnswer {
    unimplemented!()
}
pub fn occurrence_link(_uuid: &str) -> String {
    unimplemented!()
}
