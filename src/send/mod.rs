//! Sending one test item per target and saying what the server answered.
//! send-test-span prints these reports; doctor's network checks reuse them.

pub mod honeycomb;
pub mod rollbar;
pub mod xray;

use serde::Serialize;
use std::time::Instant;

/// `--endpoint` read as a base URL (`https://api.honeycomb.io`, the SDK
/// appends `/v1/traces`) or as a full traces URL (`…/v1/traces`, used as
/// given, never doubled); the note says which, for the report.
pub fn endpoint_flag(flag: &str) -> (crate::resolve::Resolved, String) {
    let trimmed = flag.trim().trim_end_matches('/');
    let shown = crate::mask::mask_url_credentials(trimmed);
    if trimmed.ends_with("/v1/traces") {
        let note = format!("--endpoint {shown} is a full traces URL: used as given");
        let from = "flag --endpoint (full traces URL)".to_string();
        (
            crate::resolve::Resolved {
                value: trimmed.to_string(),
                from,
            },
            note,
        )
    } else {
        let value = crate::resolve::signal_url(trimmed);
        let note = format!(
            "--endpoint {shown} is a base URL: traces go to {}",
            crate::mask::mask_url_credentials(&value)
        );
        let from = "flag --endpoint (base URL, /v1/traces appended)".to_string();
        (crate::resolve::Resolved { value, from }, note)
    }
}

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
    /// Nothing could be tested from here (the message says why): neither a
    /// pass nor a failure.
    pub skipped: bool,
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
            skipped: false,
        }
    }

    pub fn skip(mut self, message: impl Into<String>) -> Report {
        self.ok = false;
        self.skipped = true;
        self.message = message.into();
        self
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

#[cfg(test)]
mod tests {
    #[test]
    fn endpoint_flag_takes_a_base_or_a_traces_url_never_doubling() {
        for (flag, want, kind) in [
            (
                "https://api.honeycomb.io",
                "https://api.honeycomb.io/v1/traces",
                "base URL",
            ),
            (
                "https://api.honeycomb.io/",
                "https://api.honeycomb.io/v1/traces",
                "base URL",
            ),
            (
                "https://api.honeycomb.io/v1/traces",
                "https://api.honeycomb.io/v1/traces",
                "full traces URL",
            ),
            (
                "http://c:4318/v1/traces/",
                "http://c:4318/v1/traces",
                "full traces URL",
            ),
        ] {
            let (r, note) = super::endpoint_flag(flag);
            assert_eq!(r.value, want, "{flag}");
            assert!(
                note.contains(kind) && r.from.contains(kind),
                "{flag}: {note}"
            );
        }
    }
}
