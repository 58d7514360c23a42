//! The network protections, through the binary against loopback servers:
//! no key follows a redirect to another origin, bodies are capped and read
//! within `--timeout`, 502/504 are retried, the Honeycomb region is chosen
//! from the endpoint (default API URLs, reached through `--host-map`), flags
//! are validated where they enter, and failures are one human line.

mod common;
#[path = "common/fake.rs"]
mod fake;
#[path = "support/loopback.rs"]
mod loopback;
use common::*;
use loopback::{Loopback, Reply};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// A set-up project whose backend exports to `endpoint`, with Honeycomb and
/// Rollbar keys in .env.
fn project(endpoint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let compose = format!(
        "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      OTEL_SERVICE_NAME: \"backend-flask\"\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"{endpoint}\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${{HONEYCOMB_API_KEY}}\"\n      ROLLBAR_ACCESS_TOKEN: \"${{ROLLBAR_ACCESS_TOKEN}}\"\n"
    );
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    std::fs::create_dir(dir.path().join("backend-flask")).unwrap();
    std::fs::write(
        dir.path().join("backend-flask/app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("backend-flask/requirements.txt"), "flask\n").unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\n"),
    )
    .unwrap();
    dir
}

fn send(dir: &Path, args: &[&str]) -> Result {
    let mut run = cruddur(&["send-test-span"]).dir(dir);
    for a in args {
        run = run.arg(a);
    }
    run.run()
}

fn reports(out: &Result) -> Vec<Value> {
    out.stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn auth_ok() -> Reply {
    Reply::json(200, &fake::auth_body("team", "test-env", true))
}

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

/// The default API URLs, chosen by region and reached through --host-map:
/// breaking the region choice or its fallback fails here.
#[test]
fn the_region_follows_the_endpoint_and_falls_back_to_the_other() {
    let map = |us: &fake::Server, eu: &fake::Server| {
        format!(
            "api.honeycomb.io={},api.eu1.honeycomb.io={}",
            us.url, eu.url
        )
    };
    let paths = |s: &fake::Server| s.requests().into_iter().map(|r| r.path).collect::<Vec<_>>();
    let run = |dir: &Path, map: &str| {
        cruddur(&["send-test-span", "--only", "honeycomb", "--json"])
            .dir(dir)
            .env("CRUDDUR_OBS_HOST_MAP", map)
            .run()
    };

    // An EU endpoint checks the key with the EU API first.
    let us = fake::honeycomb("hcaik_not-this-one", "test-env", fake::Mode::Honeycomb);
    let eu = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let dir = project("https://api.eu1.honeycomb.io");
    let out = run(dir.path(), &map(&us, &eu)).expect_code(0);
    assert_eq!(paths(&eu), ["/1/auth", "/v1/traces"], "{}", out.all());
    assert!(paths(&us).is_empty(), "US asked: {:?}", paths(&us));
    let r = &reports(&out)[0];
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("https://api.eu1.honeycomb.io/v1/traces"),
        "{r}"
    );
    assert!(
        r["link"]
            .as_str()
            .unwrap()
            .starts_with("https://ui.eu1.honeycomb.io/"),
        "{r}"
    );

    // A US key on an EU endpoint: rejected there, accepted by the US API.
    let us = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let eu = fake::honeycomb("hcaik_not-this-one", "test-env", fake::Mode::Honeycomb);
    let out = run(dir.path(), &map(&us, &eu)).expect_code(1);
    let r = &reports(&out)[0];
    assert_eq!(r["cause"], "honeycomb-region-mismatch", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("https://api.honeycomb.io"),
        "{r}"
    );
    assert_eq!(paths(&eu), ["/1/auth"]);
    assert_eq!(paths(&us), ["/1/auth"]);

    // A US endpoint asks the US API first.
    let us = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let eu = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let dir = project("https://api.honeycomb.io");
    run(dir.path(), &map(&us, &eu)).expect_code(0);
    assert_eq!(paths(&us), ["/1/auth", "/v1/traces"]);
    assert!(paths(&eu).is_empty());
}

#[test]
fn bad_timeouts_and_urls_exit_2_naming_the_flag() {
    let dir = project("https://api.honeycomb.io");
    for cmd in ["send-test-span", "doctor"] {
        for t in ["1e20", "0", "-1", "nan", "601"] {
            let out = cruddur(&[cmd, "--timeout", t, "--json"])
                .dir(dir.path())
                .run()
                .expect_code(2);
            assert!(
                out.stderr().contains("--timeout") && out.stderr().contains("0.1"),
                "{cmd} {t}: {}",
                out.stderr()
            );
            assert!(!out.stderr().contains("panicked"));
            let v: Value = serde_json::from_str(out.stdout().trim()).unwrap();
            assert_eq!(v["error"]["kind"], "usage", "{v}");
        }
        let out = cruddur(&[cmd, "--endpoint", "api.honeycomb.io"])
            .dir(dir.path())
            .run()
            .expect_code(2);
        assert!(
            out.stderr().contains("--endpoint")
                && out.stderr().contains("https://api.honeycomb.io"),
            "{}",
            out.stderr()
        );
        let out = cruddur(&[cmd, "--rollbar-api-url", "ftp://x"])
            .dir(dir.path())
            .run()
            .expect_code(2);
        assert!(
            out.stderr().contains("--rollbar-api-url"),
            "{}",
            out.stderr()
        );
    }
}

#[test]
fn a_full_traces_endpoint_is_used_as_given_never_doubled() {
    let hc = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let dir = project("http://127.0.0.1:9");
    for (flag, kind) in [
        (format!("{}/v1/traces", hc.url), "full traces URL"),
        (hc.url.clone(), "base URL"),
    ] {
        let out = send(
            dir.path(),
            &[
                "--endpoint",
                &flag,
                "--honeycomb-api-url",
                &hc.url,
                "--only",
                "honeycomb",
            ],
        )
        .expect_code(0);
        assert!(out.stdout().contains(kind), "{}", out.stdout());
    }
    let posts: Vec<String> = hc
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    assert_eq!(posts, ["/v1/traces", "/v1/traces"]);
}

#[test]
fn failures_are_one_human_line_with_credentials_masked() {
    // HTTPS to a server that answers in plain HTTP at once: no rustls type names.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", plain.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut conn in plain.incoming().flatten() {
            use std::io::Write;
            let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let dir = project(&url);
    let out = send(
        dir.path(),
        &["--honeycomb-api-url", &url, "--only", "honeycomb", "--json"],
    )
    .expect_code(1);
    let r = &reports(&out)[0];
    let m = r["message"].as_str().unwrap();
    assert!(
        m.starts_with("TLS handshake") && m.contains("plain http://"),
        "{m}"
    );
    assert!(!m.contains("InvalidContentType") && !m.contains('{'), "{m}");
    assert_eq!(r["details"].as_array().unwrap().len(), 0, "said twice: {r}");

    // Credentials in the endpoint never printed, with or without -v.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = project(&format!("http://bob:hunter2secret@127.0.0.1:{closed}"));
    let out = send(
        dir.path(),
        &[
            "--honeycomb-api-url",
            &format!("http://127.0.0.1:{closed}"),
            "--only",
            "honeycomb",
            "-v",
        ],
    )
    .expect_code(1);
    assert!(!out.all().contains("hunter2secret"), "{}", out.all());
    assert!(
        out.stdout().contains("bob:****@") && out.stdout().contains("connection refused"),
        "{}",
        out.stdout()
    );

    // A DNS failure on the one host of both requests is said once.
    let dir = project("https://no-such-host.invalid");
    let out = send(
        dir.path(),
        &[
            "--honeycomb-api-url",
            "https://no-such-host.invalid",
            "--only",
            "honeycomb",
        ],
    )
    .expect_code(1);
    assert_eq!(
        out.stdout()
            .matches("DNS lookup of no-such-host.invalid")
            .count(),
        1,
        "{}",
        out.stdout()
    );
}
