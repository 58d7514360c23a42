use super::*;

fn rejected(status: u16, body: &str) -> (RollbarCause, Option<String>) {
    match interpret(status, body.as_bytes()) {
        RollbarAnswer::Rejected {
            status: s,
            cause,
            message,
        } => {
            assert_eq!(s, status);
            (cause, message)
        }
        other => panic!("{status} {body}: expected a rejection, got {other:?}"),
    }
}

fn cause(status: u16, body: &str) -> RollbarCause {
    rejected(status, body).0
}

fn err(message: &str) -> String {
    json!({"err": 1, "message": message}).to_string()
}

#[test]
fn accepted_carries_rollbar_uuid() {
    let body = r#"{"err":0,"result":{"uuid":"0c5a3b5e-8f0e-4d62-9a3b-2b1f0e7c9d11","id":null}}"#;
    assert_eq!(
        interpret(200, body.as_bytes()),
        RollbarAnswer::Accepted {
            uuid: "0c5a3b5e-8f0e-4d62-9a3b-2b1f0e7c9d11".into()
        }
    );
}

#[test]
fn accepted_without_uuid_is_still_accepted() {
    for body in [
        r#"{"err":0}"#,
        r#"{"err":0,"result":{"id":null}}"#,
        r#"{"err":0,"result":null}"#,
    ] {
        assert_eq!(
            interpret(200, body.as_bytes()),
            RollbarAnswer::Accepted {
                uuid: String::new()
            },
            "{body}"
        );
    }
}

#[test]
fn success_status_without_rollbar_json_is_not_acceptance() {
    // A captive portal or proxy answering 200 must not look like a working token.
    let (c, m) = rejected(200, "<html><body>Sign in to the Wi-Fi</body></html>");
    assert_eq!(c, RollbarCause::Unexpected);
    assert_eq!(
        m.as_deref(),
        Some("<html><body>Sign in to the Wi-Fi</body></html>")
    );
    assert_eq!(cause(200, ""), RollbarCause::Unexpected);
    assert_eq!(
        cause(200, r#"{"result":{"uuid":"x"}}"#),
        RollbarCause::Unexpected
    );
    assert_eq!(cause(200, &err("odd")), RollbarCause::Unexpected);
}

#[test]
fn status_codes_map_to_causes() {
    assert_eq!(cause(400, &err("Malformed JSON")), RollbarCause::BadRequest);
    assert_eq!(cause(401, &err("Unauthorized")), RollbarCause::MissingToken);
    assert_eq!(
        cause(413, &err("Payload too large")),
        RollbarCause::TooLarge
    );
    assert_eq!(
        cause(422, &err("Invalid format. data.body is missing")),
        RollbarCause::WrongShape
    );
    assert_eq!(
        cause(429, &err("rate limit exceeded")),
        RollbarCause::RateLimited
    );
    for s in [500, 502, 503, 504] {
        assert_eq!(cause(s, &err("oops")), RollbarCause::ServerError, "{s}");
    }
    for s in [0, 100, 301, 404, 405, 418, 600, u16::MAX] {
        assert_eq!(cause(s, &err("?")), RollbarCause::Unexpected, "{s}");
    }
}

#[test]
fn status_decides_even_when_body_is_garbage() {
    let garbage: [&[u8]; 5] = [
        b"",
        b"\xff\xfe\x00\x01",
        b"not json",
        b"{\"err\":",
        b"[1,2,3]",
    ];
    for body in garbage {
        let c = |s| match interpret(s, body) {
            RollbarAnswer::Rejected { cause, .. } => cause,
            a => panic!("{a:?}"),
        };
        assert_eq!(c(400), RollbarCause::BadRequest);
        assert_eq!(c(401), RollbarCause::MissingToken);
        assert_eq!(c(413), RollbarCause::TooLarge);
        assert_eq!(c(422), RollbarCause::WrongShape);
        assert_eq!(c(429), RollbarCause::RateLimited);
        assert_eq!(c(503), RollbarCause::ServerError);
        assert_eq!(c(200), RollbarCause::Unexpected);
        assert_eq!(c(404), RollbarCause::Unexpected);
    }
}

#[test]
fn invalid_token_403_masks_the_echoed_token() {
    let (c, m) = rejected(
        403,
        &err("access token not found: eb2561a52efb4d4bba5a1d4b68be13e8"),
    );
    assert_eq!(c, RollbarCause::InvalidToken);
    assert_eq!(m.as_deref(), Some("access token not found: eb2561…"));
    let (_, m) = rejected(403, &err("access token not found: abc"));
    assert_eq!(m.as_deref(), Some("access token not found: ab…"));
}

#[test]
fn client_scope_403() {
    let msg = "insufficient privileges: post_server_item scope is required but the access token only has post_client_item.";
    let (c, m) = rejected(403, &err(msg));
    assert_eq!(c, RollbarCause::ClientScopeToken);
    assert_eq!(m.as_deref(), Some(msg));
}

#[test]
fn other_rollbar_403s_are_disabled_or_expired() {
    for msg in [
        "access token is disabled",
        "access token expired",
        "project is disabled",
        "",
    ] {
        assert_eq!(
            cause(403, &err(msg)),
            RollbarCause::DisabledOrExpired,
            "{msg:?}"
        );
    }
    assert_eq!(cause(403, r#"{"err":1}"#), RollbarCause::DisabledOrExpired);
    let (_, m) = rejected(403, r#"{"err":1}"#);
    assert_eq!(m, None);
}

#[test]
fn missing_token_403_and_422() {
    assert_eq!(
        cause(403, &err("access token required")),
        RollbarCause::MissingToken
    );
    assert_eq!(
        cause(
            422,
            &err("Invalid format. access_token is missing and it is required.")
        ),
        RollbarCause::MissingToken
    );
}

#[test]
fn non_rollbar_403_is_not_blamed_on_the_token() {
    let (c, m) = rejected(
        403,
        "<html>\n<head><title>403 Forbidden</title></head>\n</html>",
    );
    assert_eq!(c, RollbarCause::Unexpected);
    assert_eq!(
        m.as_deref(),
        Some("<html> <head><title>403 Forbidden</title></head> </html>")
    );
    assert_eq!(rejected(403, "").1, None);
    assert_eq!(cause(403, "\u{0}\u{1}"), RollbarCause::Unexpected);
}

#[test]
fn excerpt_is_one_bounded_line() {
    let long = "x".repeat(10_000);
    let (_, m) = rejected(502, &format!("line one\r\n\tline two {long}"));
    let m = m.unwrap();
    assert!(m.starts_with("line one line two x"));
    assert_eq!(m.chars().count(), 200);
    assert!(!m.contains('\n'));
}

#[test]
fn failure_ids_are_catalogued_ones() {
    use RollbarCause::*;
    for c in [
        InvalidToken,
        ClientScopeToken,
        DisabledOrExpired,
        MissingToken,
    ] {
        assert_eq!(c.failure_id(), "rollbar-token-rejected");
        assert!(c.is_token_problem());
    }
    for (c, id) in [
        (BadRequest, "rollbar-item-rejected"),
        (TooLarge, "rollbar-item-rejected"),
        (WrongShape, "rollbar-item-rejected"),
        (RateLimited, "rollbar-rate-limited"),
        (ServerError, "rollbar-server-error"),
        (Unexpected, "rollbar-unreachable"),
    ] {
        assert_eq!(c.failure_id(), id);
        assert!(!c.is_token_problem());
        assert!(
            crate::doctor::catalogue::CATALOGUE
                .iter()
                .any(|e| e.id == id),
            "{id} is catalogued"
        );
    }
}

#[test]
fn explanations_are_one_sentence_each() {
    use RollbarCause::*;
    let all = [
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
    ];
    let mut seen = std::collections::HashSet::new();
    for c in all {
        let e = c.explain();
        assert!(
            !e.is_empty() && !e.contains('\n') && !e.ends_with('.'),
            "{c:?}: {e}"
        );
        assert!(seen.insert(e), "{c:?} shares its explanation");
    }
    assert!(ClientScopeToken.explain().contains("post_client_item"));
    assert!(ClientScopeToken.explain().contains("Project Access Tokens"));
    assert!(DisabledOrExpired.explain().contains("2023-10-10"));
}

#[test]
fn uuid4_format_and_version_bits() {
    for _ in 0..200 {
        let u = uuid4();
        assert_eq!(u.len(), 36, "{u}");
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(u
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(&u[14..15], "4", "{u}");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
    }
    assert_ne!(uuid4(), uuid4());
}

#[test]
fn fallback_randomness_differs_between_calls() {
    // getrandom works here, so the fallback is exercised directly.
    let (a, b) = (fallback_bytes(), fallback_bytes());
    assert_ne!(a, b);
    let u = format_uuid4(a);
    assert_eq!((&u[14..15], u.len()), ("4", 36));
    assert_eq!(
        format_uuid4([0xff; 16]),
        "ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
    assert_eq!(
        format_uuid4([0; 16]),
        "00000000-0000-4000-8000-000000000000"
    );
}

#[test]
fn test_item_shape() {
    let u1 = uuid4();
    let u2 = uuid4();
    let a = test_item("production", &u1, "1.2.3");
    let b = test_item("development", &u2, "1.2.3");
    let d = &a["data"];
    assert_eq!(d["environment"], "production");
    assert_eq!(b["data"]["environment"], "development");
    assert_eq!(d["level"], "info");
    assert_eq!(d["platform"], "linux");
    assert_eq!(d["language"], "python");
    assert_eq!(d["framework"], "flask");
    assert_eq!(d["uuid"], u1.as_str());
    assert_ne!(a["data"]["uuid"], b["data"]["uuid"]);
    assert_eq!(d["fingerprint"], "cruddur-obs-test-item");
    assert_eq!(d["fingerprint"], b["data"]["fingerprint"]);
    assert_eq!(d["title"], "cruddur-obs test item");
    assert_eq!(d["custom"], json!({"cruddur_obs_test": true}));
    assert_eq!(
        d["notifier"],
        json!({"name": "cruddur-obs", "version": "1.2.3"})
    );
    assert!(d["timestamp"].as_u64().unwrap() > 1_700_000_000);
    let msg = d["body"]["message"]["body"].as_str().unwrap();
    assert!(msg.contains("cruddur-obs send-test-span"), "{msg}");
    assert_eq!(a.as_object().unwrap().len(), 1, "only `data` at the top");
}

#[test]
fn test_item_is_small_and_valid_json() {
    let body = test_item("development", &uuid4(), "0.1.0").to_string();
    assert!(body.len() <= MAX_BODY_BYTES);
    assert!(body.len() < 2048, "{} bytes", body.len());
    let back: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(back["data"]["level"], "info");
    // Quotes and control characters in the environment stay inside the string.
    let odd = test_item("dev\"}\n", "u", "v").to_string();
    assert_eq!(
        serde_json::from_str::<Value>(&odd).unwrap()["data"]["environment"],
        "dev\"}\n"
    );
}

#[test]
fn token_shapes() {
    assert_eq!(
        token_shape("eb2561a52efb4d4bba5a1d4b68be13e8"),
        TokenShape::Legacy
    );
    assert_eq!(
        token_shape("0123456789abcdef0123456789abcdef"),
        TokenShape::Legacy
    );
    for t in [
        "",
        "EB2561A52EFB4D4BBA5A1D4B68BE13E8",
        "eb2561a52efb4d4bba5a1d4b68be13e",
        "eb2561a52efb4d4bba5a1d4b68be13e8a",
        "eb2561a52efb4d4bba5a1d4b68be13eg",
        " eb2561a52efb4d4bba5a1d4b68be13e8",
        "eb2561a52efb4d4bba5a1d4b68be13e8\n",
        "rb_live_0123456789abcdef0123456789",
        "éb2561a52efb4d4bba5a1d4b68be13e",
    ] {
        assert_eq!(token_shape(t), TokenShape::Unknown, "{t:?}");
    }
}

#[test]
fn occurrence_links() {
    assert_eq!(
        occurrence_link("0c5a3b5e-8f0e-4d62-9a3b-2b1f0e7c9d11"),
        "https://rollbar.com/occurrence/uuid/?uuid=0c5a3b5e-8f0e-4d62-9a3b-2b1f0e7c9d11"
    );
    assert_eq!(
        occurrence_link("a b&c=d/é"),
        "https://rollbar.com/occurrence/uuid/?uuid=a%20b%26c%3Dd%2F%C3%A9"
    );
}
