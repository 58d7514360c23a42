//! doctor's network checks against loopback servers that play Honeycomb
//! (rejecting the key in one region, accepting it in the other) and Rollbar
//! (a client-scope token), a daemon that listens, and a port that never
//! answers; plus the Gitpod check with a stand-in `gp`.

mod common;
#[path = "common/fake.rs"]
mod fake;
#[path = "common/wording.rs"]
mod wording;
use common::*;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// UDP and TCP bound on the same loopback port, like the X-Ray daemon.
fn daemon() -> (std::net::UdpSocket, std::net::TcpListener, u16) {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            return (udp, tcp, port);
        }
    }
}

fn doctor(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut run = cruddur(&["doctor", "--json"]).dir(dir);
    for a in args {
        run = run.arg(a);
    }
    let out = run.run();
    let v: Value =
        serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    // The network's findings say their ids' fix texts, as every check does.
    wording::assert_one_wording(&v);
    (out.code(), v, out.all())
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_correct_project_passes_against_local_servers() {
    let hc = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let rb = fake::rollbar(
        200,
        r#"{"err":0,"result":{"uuid":"d4c5e0b2-5f6a-4c9e-9a1f-0d3b2c1a4e5f","id":null}}"#,
    );
    let (_udp, _tcp, port) = daemon();
    let tmp = week2_with_keys();
    let xray = format!("127.0.0.1:{port}");
    let (code, v, all) = doctor(
        tmp.path(),
        &[
            "--endpoint",
            &hc.url,
            "--honeycomb-api-url",
            &hc.url,
            "--rollbar-api-url",
            &rb.url,
            "--xray-address",
            &xray,
        ],
    );
    assert_eq!(ids(&v), Vec::<String>::new(), "{all}");
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["could_not_check"], 0);
    let network_skipped = v["skipped"].as_array().unwrap().iter();
    let network_skipped = network_skipped
        .filter(|s| s["category"] == "network")
        .count();
    assert_eq!(network_skipped, 0, "every network check ran: {all}");
    assert!(
        hc.requests().iter().any(|r| r.path == "/v1/traces"),
        "a test export was sent"
    );
    assert!(!all.contains(KEY) && !all.contains(ROLLBAR_TOKEN));
}

#[test]
fn region_mismatch_client_scope_token_and_a_silent_port_are_named_within_the_timeout() {
    let here = fake::honeycomb(
        "hcaik_other_key_that_is_not_this_one_00000000000000000000000000",
        "x",
        fake::Mode::Honeycomb,
    );
    let other = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let rb = fake::rollbar(
        403,
        r#"{"err":1,"message":"insufficient privileges: post_server_item scope is required but the access token only has post_client_item."}"#,
    );
    // A daemon port that accepts nothing: bound for UDP only, TCP refused.
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let xray = format!("127.0.0.1:{}", udp.local_addr().unwrap().port());
    let tmp = week2_with_keys();
    let (code, v, all) = doctor(
        tmp.path(),
        &[
            "--timeout",
            "2",
            "--endpoint",
            &here.url,
            "--honeycomb-api-url",
            &here.url,
            "--honeycomb-other-region-url",
            &other.url,
            "--rollbar-api-url",
            &rb.url,
            "--xray-address",
            &xray,
        ],
    );
    let found = ids(&v);
    for id in [
        "honeycomb-region-mismatch",
        "rollbar-token-rejected",
        "xray-daemon-unreachable",
    ] {
        assert!(found.contains(&id.to_string()), "{id} missing: {all}");
    }
    assert!(all.contains("post_server_item"), "{all}");
    assert_eq!(code, 1);
    let region = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "honeycomb-region-mismatch")
        .unwrap();
    let compose = std::fs::read_to_string(tmp.path().join("docker-compose.yml")).unwrap();
    let line = compose
        .lines()
        .position(|l| l.contains("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .unwrap()
        + 1;
    assert_eq!(
        (
            region["file"].as_str(),
            region["line"].as_u64(),
            region["fixable"].as_bool()
        ),
        (Some("docker-compose.yml"), Some(line as u64), Some(true))
    );
    // The title says what the servers answered; the fix names the region's URL.
    let (title, fix) = (
        region["title"].as_str().unwrap(),
        region["fix"].as_str().unwrap(),
    );
    assert!(!title.contains(": set "), "{title}");
    assert!(
        fix.starts_with("Point `OTEL_EXPORTER_OTLP_ENDPOINT` at the key's region: `https://api.eu1.honeycomb.io`"),
        "{fix}"
    );
    // --fix points the endpoint at the key's region (the compose says US).
    let mut fix = cruddur(&["doctor", "--fix", "--dry-run", "--timeout", "2"]).dir(tmp.path());
    for a in [
        "--endpoint",
        &here.url,
        "--honeycomb-api-url",
        &here.url,
        "--honeycomb-other-region-url",
        &other.url,
        "--rollbar-api-url",
        &rb.url,
        "--xray-address",
        &xray,
    ] {
        fix = fix.arg(a);
    }
    let out = fix.run();
    assert!(
        out.stdout()
            .contains("+      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.eu1.honeycomb.io\""),
        "{}",
        out.all()
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("docker-compose.yml")).unwrap(),
        compose,
        "--dry-run writes nothing"
    );

    // An endpoint that accepts connections and never answers.
    let silent = fake::honeycomb(KEY, "test-env", fake::Mode::Silent);
    let start = Instant::now();
    let (_, v, all) = doctor(
        tmp.path(),
        &[
            "--timeout",
            "1",
            "--endpoint",
            &silent.url,
            "--honeycomb-api-url",
            &silent.url,
            "--rollbar-api-url",
            &rb.url,
            "--xray-address",
            &xray,
        ],
    );
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let unreachable = ids(&v).contains(&"endpoint-unreachable".to_string());
    let unsure = v["could_not_check"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["check"] == "network::honeycomb");
    assert!(
        unreachable || unsure,
        "a silent endpoint is never a pass: {all}"
    );
}

#[test]
fn offline_lists_the_network_checks_as_skipped() {
    let tmp = week2_with_keys();
    let (_, v, _) = doctor(tmp.path(), &["--offline"]);
    let skipped: Vec<_> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["category"] == "network")
        .map(|s| s["check"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        skipped,
        ["network::honeycomb", "network::rollbar", "network::xray"]
    );
}

#[test]
fn a_key_stored_with_gp_but_not_loaded_is_named() {
    let tmp = week2_with_keys();
    std::fs::write(tmp.path().join(".env"), format!("ROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\nAWS_DEFAULT_REGION=us-east-1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")).unwrap();
    let bin = tempfile::tempdir().unwrap();
    script(
        &bin.path().join("gp"),
        &format!("#!/bin/sh\n[ \"$1\" = env ] && echo HONEYCOMB_API_KEY={KEY}\n"),
    );
    let out = cruddur(&["doctor", "--offline", "--json"])
        .dir(tmp.path())
        .path_first(bin.path())
        .env("GITPOD_WORKSPACE_ID", "cruddur-abc")
        .run();
    assert!(!out.all().contains(KEY));
    let v: Value = serde_json::from_str(&out.stdout()).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gitpod-env-not-loaded")
        .unwrap_or_else(|| panic!("{}", out.stdout()))
        .clone();
    assert!(f["fix"].as_str().unwrap().contains("eval $(gp env -e)"));
    assert!(
        !ids(&v).contains(&"compose-var-unset".to_string()),
        "named once, as the Gitpod case"
    );
}
