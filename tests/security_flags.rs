//! What the network commands are told and what they say: the Honeycomb
//! region chosen from the endpoint (default API URLs, reached through
//! `--host-map`), flags validated where they enter, `--endpoint` as a base
//! or a full traces URL, and failures as one human line with credentials
//! masked.

mod common;
#[path = "common/fake.rs"]
mod fake;
#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/net_project.rs"]
mod net_project;
use common::*;
use net_project::{project, reports, send};
use serde_json::Value;
use std::path::Path;

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
