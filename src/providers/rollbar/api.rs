//! Rollbar's item API: the body of one test item, and what Rollbar's answer
//! means for the access token. The caller does the HTTP; nothing here touches
//! the network, so every answer Rollbar can give is testable offline.

use serde_json::{json, Value};
use std::hash::{BuildHasher, Hasher};

/// Rollbar groups occurrences by fingerprint; a constant one keeps repeated
/// tests in one item instead of littering the project with new ones.
pub const FINGERPRINT: &str = "cruddur-obs-test-item";
pub const TITLE: &str = "cruddur-obs test item";
/// Rollbar refuses item bodies above 128 KB with a 413.
pub const MAX_BODY_BYTES: usize = 128 * 1024;

/// An RFC 4122 version 4 UUID, lowercase and hyphenated as Rollbar expects.
pub fn uuid4() -> String {
    format_uuid4(random_bytes())
}

fn format_uuid4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// getrandom can fail where there is no entropy source (some sandboxes); a test
/// item must still go out, and its uuid only has to be unlikely to repeat, not
/// secret. RandomState is OS-seeded once and differs per instance.
fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    if getrandom::fill(&mut out).is_ok() {
        return out;
    }
    fallback_bytes()
}

fn fallback_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_usize(i);
        h.write_u32(std::process::id());
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

/// The test item. Language and framework are the app's (a Flask backend), not
/// this tool's, so the item looks like the ones the app itself will send and
/// lands under the same filters in Rollbar.
pub fn test_item(environment: &str, uuid: &str, version: &str) -> Value {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    json!({
        "data": {
            "environment": environment,
            "level": "info",
            "platform": "linux",
            "language": "python",
            "framework": "flask",
            "timestamp": timestamp,
            "uuid": uuid,
            "title": TITLE,
            "fingerprint": FINGERPRINT,
            "body": {
                "message": {
                    "body": "cruddur-obs test item: sent by `cruddur-obs send-test-span` to prove that this project's Rollbar access token works. Safe to resolve; repeated tests group here."
                }
            },
            "custom": { "cruddur_obs_test": true },
            "notifier": { "name": "cruddur-obs", "version": version }
        }
    })
}

#[derive(Debug, PartialEq)]
pub enum TokenShape {
    /// 32 lowercase hex characters: every token Rollbar issued so far.
    Legacy,
    /// Anything else. Only a warning: Rollbar may issue other shapes.
    Unknown,
}

pub fn token_shape(token: &str) -> TokenShape {
    let legacy = token.len() == 32
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if legacy {
        TokenShape::Legacy
    } else {
        TokenShape::Unknown
    }
}

#[derive(Debug, PartialEq)]
pub enum RollbarAnswer {
    /// `uuid` is Rollbar's `result.uuid`; empty when a successful answer did
    /// not carry one (the caller then falls back to the uuid it sent).
    Accepted { uuid: String },
    Rejected {
        status: u16,
        cause: RollbarCause,
        /// Rollbar's own `message`, or a one-line excerpt of a body that was not
        /// Rollbar's JSON. Tokens Rollbar echoes back are masked.
        message: Option<String>,
    },
}

#[derive(Debug, PartialEq, Clone, Copy)]
pub enum RollbarCause {
    InvalidToken,
    ClientScopeToken,
    DisabledOrExpired,
    MissingToken,
    BadRequest,
    TooLarge,
    WrongShape,
    RateLimited,
    ServerError,
    Unexpected,
}

impl RollbarCause {
    /// Doctor's failure id (ids are interface: only catalogued ones are used).
    /// The four token causes mean the token must change: `rollbar-token-rejected`.
    /// Everything else means Rollbar could not be used to judge the token at all
    /// (rate limit, outage, a proxy's answer, or an item this tool built
    /// wrong), and the catalogue's only id for that is `rollbar-unreachable`.
    pub fn failure_id(self) -> &'static str {
        match self {
            Self::InvalidToken
            | Self::ClientScopeToken
            | Self::DisabledOrExpired
            | Self::MissingToken => "rollbar-token-rejected",
            Self::BadRequest | Self::TooLarge | Self::WrongShape => "rollbar-item-rejected",
            Self::RateLimited => "rollbar-rate-limited",
            Self::ServerError => "rollbar-server-error",
            Self::Unexpected => "rollbar-unreachable",
        }
    }

    /// True when the token has to be replaced or fixed; false when the token
    /// may well be fine and something else failed.
    pub fn is_token_problem(self) -> bool {
        matches!(
            self,
            Self::InvalidToken
                | Self::ClientScopeToken
                | Self::DisabledOrExpired
                | Self::MissingToken
        )
    }

    pub fn explain(self) -> &'static str {
        match self {
            Self::InvalidToken => "Rollbar does not know this access token (mistyped, deleted, or from another project); copy a post_server_item token from Project → Settings → Project Access Tokens",
            Self::ClientScopeToken => "this token lacks the post_server_item scope (it is a post_client_item token, meant for browsers); the backend needs a post_server_item token (Project → Settings → Project Access Tokens)",
            Self::DisabledOrExpired => "Rollbar knows this token but refuses it: it is disabled or expired (Rollbar expired all tokens on 2023-10-10); enable it or create a new post_server_item token under Project → Settings → Project Access Tokens",
            Self::MissingToken => "Rollbar received no access token although one was set; check that ROLLBAR_ACCESS_TOKEN holds only the token and that no proxy strips the X-Rollbar-Access-Token header",
            Self::BadRequest => "Rollbar could not parse the test item as JSON, so the token was not checked; this is a cruddur-obs bug, please report it with the server's message",
            Self::TooLarge => "Rollbar refused the test item as larger than 128 KB, so the token was not checked; this is a cruddur-obs bug, please report it",
            Self::WrongShape => "Rollbar parsed the test item but rejected its structure, so the token was not checked; this is a cruddur-obs bug, please report it with the server's message",
            Self::RateLimited => "the Rollbar project is over its rate limit or monthly quota, so the token was not checked; wait a minute and retry, or review the limits under Project → Settings → Rate Limits",
            Self::ServerError => "Rollbar's API failed on its side, so the token was not checked; retry later (status.rollbar.com shows outages)",
            Self::Unexpected => "the answer did not come from Rollbar's item API (a proxy, captive portal or wrong API URL?), so the token was not checked; check the API URL and this machine's network access to api.rollbar.com",
        }
    }
}

/// Reads Rollbar's answer to the item POST. The status decides; the message
/// text only tells 403s apart (and a 422 that is really a missing token,
/// which Rollbar answers with "Invalid format. access_token is missing").
pub fn interpret(status: u16, body: &[u8]) -> RollbarAnswer {
    // Only a JSON object with an `err` field is Rollbar's own answer; anything
    // else came from something in between (a proxy, a portal, a load balancer).
    let parsed = serde_json::from_slice::<Value>(body)
        .ok()
        .filter(|v| v.get("err").is_some());
    let said = parsed
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(|m| mask_echoed_token(m.trim()));
    let message = match &parsed {
        Some(_) => said.clone().filter(|m| !m.is_empty()),
        None => excerpt(body),
    };
    let reject = |cause| RollbarAnswer::Rejected {
        status,
        cause,
        message: message.clone(),
    };
    let text = said.as_deref().unwrap_or("").to_ascii_lowercase();
    match status {
        200..=299 => match &parsed {
            Some(v) if v["err"].as_i64() == Some(0) => RollbarAnswer::Accepted {
                uuid: v["result"]["uuid"].as_str().unwrap_or("").to_string(),
            },
            _ => reject(RollbarCause::Unexpected),
        },
        400 => reject(RollbarCause::BadRequest),
        401 => reject(RollbarCause::MissingToken),
        // A 403 without Rollbar's JSON is a proxy's refusal: blaming the token
        // would send the user after the wrong problem.
        403 if parsed.is_none() => reject(RollbarCause::Unexpected),
        403 if text.contains("access token not found") => reject(RollbarCause::InvalidToken),
        403 if text.contains("insufficient privileges") || text.contains("post_client_item") => {
            reject(RollbarCause::ClientScopeToken)
        }
        403 | 422 if says_token_missing(&text) => reject(RollbarCause::MissingToken),
        403 => reject(RollbarCause::DisabledOrExpired),
        413 => reject(RollbarCause::TooLarge),
        422 => reject(RollbarCause::WrongShape),
        429 => reject(RollbarCause::RateLimited),
        500..=599 => reject(RollbarCause::ServerError),
        _ => reject(RollbarCause::Unexpected),
    }
}

fn says_token_missing(lower: &str) -> bool {
    let names_token = lower.contains("access token") || lower.contains("access_token");
    names_token && (lower.contains("missing") || lower.contains("required"))
}

/// Rollbar echoes an unknown token back ("access token not found: <token>");
/// it may be a real token from another project, and the message ends up in
/// terminals and pasted reports.
fn mask_echoed_token(message: &str) -> String {
    const LEAD: &str = "access token not found:";
    let lower = message.to_ascii_lowercase();
    let Some(at) = lower.find(LEAD) else {
        return message.to_string();
    };
    let (head, tail) = message.split_at(at + LEAD.len());
    let token = tail.trim_start();
    let end = token.find(char::is_whitespace).unwrap_or(token.len());
    if end == 0 {
        return message.to_string();
    }
    let keep = if end >= 16 { 6 } else { 2 };
    let prefix: String = token[..end].chars().take(keep).collect();
    format!("{head} {prefix}…{}", &token[end..])
}

/// One line of a foreign body, enough to recognise a proxy's page.
fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    (!line.is_empty()).then_some(line)
}

/// Rollbar's page for one occurrence, by the uuid the item was sent with.
pub fn occurrence_link(uuid: &str) -> String {
    // The uuid normally comes back from Rollbar; encode it anyway so a strange
    // answer cannot produce a broken or misleading link.
    let mut encoded = String::with_capacity(uuid.len());
    for b in uuid.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://rollbar.com/occurrence/uuid/?uuid={encoded}")
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
