//! Sending one test item per target and saying what the server answered.
//! send-test-span prints these reports; doctor's network checks reuse them.

pub mod honeycomb;
pub mod rollbar;
pub mod xray;

use serde::Serialize;
use std::time::Instant;

/// The outcome for one target; `cause` is a failure id from failures.md.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub target: &'static str,
    pub ok: bool,
    pub status: Option<u16>,
    pub cause: Option<&'static str>,
    pub message: String,
    pub id: Option<String>,
    pub link: Option<String>,
    pub elapsed_ms: u64,
    /// Facts learnt on the way (key kind, permissions, warnings).
    pub details: Vec<String>,
}

impl Report {
    pub fn new(target: &'static str) -> Report {
        Report {
            target,
            ok: false,
            status: None,
            cause: None,
            message: String::new(),
            id: None,
            link: None,
            elapsed_ms: 0,
            details: Vec::new(),
        }
    }

    pub fn fail(mut self, cause: &'static str, message: impl Into<String>) -> Report {
        self.ok = false;
        self.cause = Some(cause);
        self.message = message.into();
        self
    }

    pub fn pass(mut self, message: impl Into<String>) -> Report {
        self.ok = true;
        self.message = message.into();
        self
    }

    pub fn timed(mut self, start: Instant) -> Report {
        self.elapsed_ms = start.elapsed().as_millis() as u64;
        self
    }
}
