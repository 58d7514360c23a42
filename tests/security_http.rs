//! The network protections, through the binary against loopback servers:
//! no key follows a redirect to another origin, bodies are capped and read
//! within `--timeout`, and 502/504 are retried.

mod common;
#[path = "common/fake.rs"]
mod fake;
#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/net_project.rs"]
mod net_project;
use common::*;
use loopback::{Loopback, Reply};
use net_project::{auth_ok, project, reports, send};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

#[test]
fn a_redirect_to_another_origin_is_reported_and_no_key_reaches_it() {
    let other = Loopback::start(|_, _| Reply::json(200, r#"{"err":0,"result":{"uuid":"x"}}"#));
    let target = format!("http://mallory:pw-secret-123@127.0.0.1:{}", other.port);
    let first = Loopback::start(move |r, _| Reply::redirect(307, &format!("{target}{}", r.path)));
    let dir = project(&first.url);
    let common = [
        "--honeycomb-api-url",
        &first.url,
        "--rollbar-api-url",
        &first.url,
        "--only",
        "honeycomb",
        "--only",
        "rollbar",
    ];
    let mut args = common.to_vec();
    args.push("--json");
    let out = send(dir.path(), &args).expect_code(1);
    assert!(
        other.seen().is_empty(),
        "the other origin was contacted: {:?}",
        other.seen()
    );
    let paths: Vec<String> = first.seen().iter().map(|s| s.path.clone()).collect();
    for p in ["/1/auth", "/v1/traces", "/api/1/item/"] {
        assert!(paths.iter().any(|s| s == p), "{p} not asked: {paths:?}");
    }
    let all = out.all();
    assert!(
        !all.contains("pw-secret-123") && all.contains("mallory:****@"),
        "{all}"
    );
    assert!(!all.contains(KEY) && !all.contains(ROLLBAR_TOKEN), "{all}");
    for r in reports(&out) {
        assert_eq!(r["cause"], "endpoint-redirected", "{r}");
        assert_eq!(r["ok"], false);
        let m = r["message"].as_str().unwrap();
        assert!(
            m.contains("307") && m.contains(&format!("127.0.0.1:{}", other.port)),
            "{m}"
        );
        assert!(
            m.contains("not followed: it would send the key to another host"),
            "{m}"
        );
        assert!(!m.contains("accepted"), "{m}");
    }
    // doctor names the same failure, and still sends nothing onwards.
    let out = cruddur(&["doctor", "--json"])
        .dir(dir.path())
        .arg("--endpoint")
        .arg(&first.url);
    let out = common[..4]
        .iter()
        .fold(out, |o, a| o.arg(a))
        .run()
        .expect_code(1);
    let v: Value = serde_json::from_str(&out.stdout()).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains(&"endpoint-redirected"), "{ids:?}");
    assert!(other.seen().is_empty());
}

#[test]
fn a_same_origin_redirect_is_followed_with_the_key() {
    let server = Loopback::start(|r, _| match r.path.as_str() {
        "/1/auth" => auth_ok(),
        "/v1/traces" => Reply::redirect(308, "/moved/v1/traces"),
        "/moved/v1/traces" => Reply::json(200, "{}"),
        _ => Reply::json(404, "{}"),
    });
    let dir = project(&server.url);
    let out = send(
        dir.path(),
        &["--honeycomb-api-url", &server.url, "--only", "honeycomb"],
    )
    .expect_code(0);
    let moved = server
        .seen()
        .into_iter()
        .find(|s| s.path == "/moved/v1/traces")
        .expect("followed");
    assert_eq!(moved.method, "POST");
    assert_eq!(moved.header("x-honeycomb-team"), Some(KEY));
    assert!(
        out.stdout().contains("followed a redirect to"),
        "{}",
        out.stdout()
    );
}

#[test]
fn an_endless_slow_body_ends_at_the_timeout_with_bounded_memory() {
    let server = Loopback::start(|r, _| match r.path.as_str() {
        "/1/auth" => auth_ok(),
        _ => Reply::Endless {
            status: 200,
            chunk: b" ".to_vec(),
            every: Duration::from_millis(50),
        },
    });
    let dir = project(&server.url);
    let (out, peak_kib, took) = measured(dir.path(), &server.url, "2");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        took < Duration::from_millis(3500),
        "took {took:?} at --timeout 2"
    );
    assert!(
        text.contains("did not finish within the time limit"),
        "{text}"
    );
    assert!(peak_kib < 64 * 1024, "peak {peak_kib} KiB");
}

#[test]
fn an_oversized_body_is_cut_and_said_with_bounded_memory() {
    let server = Loopback::start(|r, _| match r.path.as_str() {
        "/1/auth" => auth_ok(),
        _ => Reply::Endless {
            status: 200,
            chunk: vec![b'x'; 64 * 1024],
            every: Duration::ZERO,
        },
    });
    let dir = project(&server.url);
    // At --timeout 10 an unbounded read runs the full 10 s (and grows without limit).
    let (out, peak_kib, took) = measured(dir.path(), &server.url, "10");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("longer than 4 MiB; only its start was read"),
        "{text}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(peak_kib < 64 * 1024, "peak {peak_kib} KiB");
}

fn measured(dir: &Path, url: &str, timeout: &str) -> (std::process::Output, u64, Duration) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cruddur-obs"));
    cmd.args([
        "send-test-span",
        "--only",
        "honeycomb",
        "--timeout",
        timeout,
        "--honeycomb-api-url",
        url,
        "--dir",
    ])
    .arg(dir)
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default());
    loopback::run_measured(cmd, std::process::Stdio::null())
}

#[test]
fn statuses_502_and_504_are_retried() {
    for status in [502, 504] {
        let exports = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let n = exports.clone();
        let server = Loopback::start(move |r, _| match r.path.as_str() {
            "/1/auth" => auth_ok(),
            _ if n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => Reply::Full {
                status,
                headers: vec![("Retry-After".into(), "0".into())],
                body: b"upstream failed".to_vec(),
            },
            _ => Reply::json(200, "{}"),
        });
        let dir = project(&server.url);
        let out = send(
            dir.path(),
            &["--honeycomb-api-url", &server.url, "--only", "honeycomb"],
        );
        assert_eq!(out.code(), 0, "{status}: {}", out.all());
        let posts = server
            .seen()
            .iter()
            .filter(|s| s.path == "/v1/traces")
            .count();
        assert_eq!(posts, 2, "{status}: one failure, one retry");
    }
    // Always failing: three attempts, then the server error is named.
    let server = Loopback::start(|r, _| match r.path.as_str() {
        "/1/auth" => auth_ok(),
        _ => Reply::Full {
            status: 502,
            headers: vec![("Retry-After".into(), "0".into())],
            body: vec![],
        },
    });
    let dir = project(&server.url);
    let out = send(
        dir.path(),
        &[
            "--honeycomb-api-url",
            &server.url,
            "--only",
            "honeycomb",
            "--json",
        ],
    )
    .expect_code(1);
    assert_eq!(reports(&out)[0]["cause"], "honeycomb-server-error");
    assert_eq!(
        server
            .seen()
            .iter()
            .filter(|s| s.path == "/v1/traces")
            .count(),
        3
    );
}
