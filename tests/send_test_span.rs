//! `send-test-span` against loopback servers that speak Honeycomb's and
//! Rollbar's documented protocols, decoding what arrives.

mod common;
#[path = "common/fake.rs"]
mod fake;
use common::*;
use fake::Mode;
use std::path::Path;
use std::time::{Duration, Instant};

/// A set-up project whose backend points at `endpoint`, with the key in .env.
fn project(endpoint: &str, extra_env: &str, extra_services: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let compose = format!(
        "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      OTEL_SERVICE_NAME: \"backend-flask\"\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"{endpoint}\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${{HONEYCOMB_API_KEY}}\"\n{extra_env}{extra_services}"
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
        format!("HONEYCOMB_API_KEY={KEY}\n"),
    )
    .unwrap();
    dir
}

fn send(dir: &Path, api: &str, args: &[&str]) -> Result {
    let mut run = cruddur(&["send-test-span", "--honeycomb-api-url", api]).dir(dir);
    for a in args {
        run = run.arg(a);
    }
    run.run()
}

fn json_reports(out: &Result) -> Vec<serde_json::Value> {
    out.stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn protobuf_trace_arrives_with_two_nested_spans_and_a_link() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&hc.url, "", "");
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb"]).expect_code(0);
    let all = out.all();
    assert!(!all.contains(KEY), "key leaked:\n{all}");

    let reqs = hc.requests();
    let auth = reqs
        .iter()
        .find(|r| r.path == "/1/auth")
        .expect("auth checked");
    assert_eq!(auth.header("x-honeycomb-team"), Some(KEY));
    let export = reqs
        .iter()
        .find(|r| r.path == "/v1/traces")
        .expect("trace posted");
    assert_eq!(
        export.header("content-type"),
        Some("application/x-protobuf")
    );
    assert_eq!(export.header("x-honeycomb-team"), Some(KEY));
    let req = fake::decode(&export.body).expect("a valid ExportTraceServiceRequest");
    let rs = &req.resource_spans[0];
    let service = rs
        .resource
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .find(|a| a.key == "service.name")
        .unwrap();
    assert_eq!(
        format!("{:?}", service.value.as_ref().unwrap().value),
        "Some(StringValue(\"backend-flask\"))"
    );
    let spans = &rs.scope_spans[0].spans;
    assert_eq!(spans.len(), 2);
    let root = spans
        .iter()
        .find(|s| s.parent_span_id.is_empty())
        .expect("a root span");
    let child = spans
        .iter()
        .find(|s| !s.parent_span_id.is_empty())
        .expect("a child span");
    assert_eq!(child.parent_span_id, root.span_id);
    assert_eq!(child.trace_id, root.trace_id);
    assert_eq!(root.trace_id.len(), 16);
    assert!(
        root.trace_id[..8].iter().any(|b| *b != 0),
        "high half must be non-zero"
    );
    assert!(
        child.start_time_unix_nano >= root.start_time_unix_nano
            && child.end_time_unix_nano <= root.end_time_unix_nano
    );

    let trace_hex = hex(&root.trace_id);
    let link = format!("https://ui.honeycomb.io/cruddur-team/environments/test-env/datasets/backend-flask/trace?trace_id={trace_hex}&span={}", hex(&root.span_id));
    assert!(all.contains(&link), "no link {link} in:\n{all}");
    assert!(all.contains("may send events: yes"), "{all}");
}

#[test]
fn json_protocol_sends_otlp_json() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&hc.url, "", "");
    let out = send(
        dir.path(),
        &hc.url,
        &["--only", "honeycomb", "--protocol", "http/json", "--json"],
    )
    .expect_code(0);
    let reports = json_reports(&out);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["ok"], true);
    let export = hc
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/traces")
        .unwrap();
    assert_eq!(export.header("content-type"), Some("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&export.body).unwrap();
    let spans = v["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap();
    assert_eq!(spans.len(), 2);
    let trace_id = spans[0]["traceId"].as_str().unwrap();
    assert_eq!(trace_id.len(), 32);
    assert!(trace_id
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(reports[0]["id"], trace_id);
    let root = spans
        .iter()
        .find(|s| s["parentSpanId"].as_str().unwrap_or("").is_empty())
        .unwrap();
    let child = spans
        .iter()
        .find(|s| !s["parentSpanId"].as_str().unwrap_or("").is_empty())
        .unwrap();
    assert_eq!(child["parentSpanId"], root["spanId"]);
    assert!(root["kind"].is_u64(), "enums are integers in OTLP/JSON");
    assert!(
        root["startTimeUnixNano"].is_string(),
        "64-bit integers are strings in OTLP/JSON"
    );
    let attrs = v["resourceSpans"][0]["resource"]["attributes"]
        .as_array()
        .unwrap();
    assert!(attrs
        .iter()
        .any(|a| a["key"] == "service.name" && a["value"]["stringValue"] == "backend-flask"));
}

#[test]
fn each_rejection_is_named() {
    let proto = |code: i32, msg: &str| cruddur_obs::otlp::status_protobuf(code, msg);
    let cases: Vec<(u16, &'static str, Vec<u8>, &str)> = vec![
        (
            400,
            "application/x-protobuf",
            proto(3, "failed to parse OTLP request body"),
            "otlp-body-rejected",
        ),
        (
            401,
            "application/x-protobuf",
            proto(
                16,
                "unknown API key - check your credentials, region, and API URL",
            ),
            "honeycomb-key-rejected",
        ),
        (
            401,
            "application/json",
            br#"{"message":"missing 'x-honeycomb-dataset' header"}"#.to_vec(),
            "honeycomb-key-classic-no-dataset",
        ),
        (
            403,
            "application/json",
            br#"{"message":"forbidden"}"#.to_vec(),
            "honeycomb-key-cannot-send",
        ),
        (
            404,
            "text/plain",
            b"404 page not found".to_vec(),
            "endpoint-wrong-path",
        ),
        (
            415,
            "text/plain",
            b"unsupported content-type".to_vec(),
            "otel-protocol-mismatch",
        ),
        (
            429,
            "application/json",
            br#"{"message":"rate limited"}"#.to_vec(),
            "honeycomb-rate-limited",
        ),
        (500, "text/plain", Vec::new(), "honeycomb-server-error"),
        (
            503,
            "text/plain",
            b"unavailable".to_vec(),
            "honeycomb-server-error",
        ),
    ];
    for (status, ctype, body, cause) in cases {
        let hc = fake::honeycomb(KEY, "test-env", Mode::Fixed(status, ctype, body));
        let dir = project(&hc.url, "", "");
        let out = send(
            dir.path(),
            &hc.url,
            &["--only", "honeycomb", "--json", "--timeout", "3"],
        )
        .expect_code(1);
        let r = &json_reports(&out)[0];
        assert_eq!(r["cause"], cause, "{status}: {r}");
        assert_eq!(r["status"], status);
        assert!(!out.all().contains(KEY));
        let posts = hc
            .requests()
            .iter()
            .filter(|r| r.path == "/v1/traces")
            .count();
        let retried = [429, 503].contains(&status);
        assert!(
            if retried { posts > 1 } else { posts == 1 },
            "{status}: {posts} posts"
        );
    }
}

#[test]
fn a_doubled_signal_path_is_named() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&format!("{}/v1/traces", hc.url), "", "");
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb", "--json"]).expect_code(1);
    assert_eq!(json_reports(&out)[0]["cause"], "otel-endpoint-signal-path");
    assert!(hc
        .requests()
        .iter()
        .any(|r| r.path == "/v1/traces/v1/traces"));
}

#[test]
fn a_key_from_the_other_region_is_named() {
    let here = fake::honeycomb(
        "hcaik_other_key_that_is_not_this_one_00000000000000000000000000",
        "x",
        Mode::Honeycomb,
    );
    let other = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&here.url, "", "");
    let out = cruddur(&[
        "send-test-span",
        "--only",
        "honeycomb",
        "--honeycomb-api-url",
        &here.url,
        "--honeycomb-other-region-url",
        &other.url,
    ])
    .dir(dir.path())
    .run()
    .expect_code(1);
    assert!(
        out.stdout().contains("honeycomb-region-mismatch"),
        "{}",
        out.all()
    );
    assert!(out.stdout().contains(&other.url));
    assert!(
        here.requests().iter().all(|r| r.path == "/1/auth"),
        "no export after a region mismatch"
    );
}

#[test]
fn a_classic_key_gets_a_dataset_header() {
    let classic = "0123456789abcdef0123456789abcdef";
    let hc = fake::honeycomb(classic, "", Mode::Honeycomb);
    let dir = project(&hc.url, "", "");
    std::fs::write(
        dir.path().join(".env"),
        format!("HONEYCOMB_API_KEY={classic}\n"),
    )
    .unwrap();
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb"]).expect_code(0);
    assert!(!out.all().contains(classic), "{}", out.all());
    let export = hc
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/traces")
        .unwrap();
    assert_eq!(export.header("x-honeycomb-dataset"), Some("backend-flask"));
    assert!(
        out.stdout()
            .contains("https://ui.honeycomb.io/cruddur-team/datasets/backend-flask/trace?"),
        "{}",
        out.stdout()
    );
}

#[test]
fn a_silent_server_ends_within_the_timeout() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Silent);
    let dir = project(&hc.url, "", "");
    let start = Instant::now();
    let out = send(
        dir.path(),
        &hc.url,
        &["--only", "honeycomb", "--timeout", "1", "--json"],
    )
    .expect_code(1);
    let took = start.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(json_reports(&out)[0]["cause"], "endpoint-unreachable");
}

#[test]
fn an_unset_key_is_named_before_sending() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&hc.url, "", "");
    std::fs::remove_file(dir.path().join(".env")).unwrap();
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb", "--json"]).expect_code(1);
    assert_eq!(json_reports(&out)[0]["cause"], "compose-var-unset");
    assert!(hc.requests().is_empty());
}

#[test]
fn verbose_shows_sources_with_secrets_masked() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(&hc.url, "", "");
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb", "-v"]).expect_code(0);
    let text = out.stdout();
    assert!(
        text.contains(&format!(
            "traces endpoint  {}/v1/traces  ← OTEL_EXPORTER_OTLP_ENDPOINT at docker-compose.yml:6",
            hc.url
        )),
        "{text}"
    );
    assert!(text.contains("x-honeycomb-team=hcaik_…"), "{text}");
    assert!(text.contains("${HONEYCOMB_API_KEY} from .env:1"), "{text}");
    assert!(!text.contains(KEY));
}

#[test]
fn rollbar_items_and_rejections() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let token = "0123456789abcdef0123456789abcdef";
    let cases: [(u16, &str, bool, &str); 4] = [
        (
            200,
            r#"{"err":0,"result":{"uuid":"d4c5e0b2-5f6a-4c9e-9a1f-0d3b2c1a4e5f","id":null}}"#,
            true,
            "",
        ),
        (
            403,
            r#"{"err":1,"message":"insufficient privileges: post_server_item scope is required but the access token only has post_client_item."}"#,
            false,
            "post_server_item",
        ),
        (
            403,
            r#"{"err":1,"message":"access token not found: 0123"}"#,
            false,
            "rollbar-token-rejected",
        ),
        (
            422,
            r#"{"err":1,"message":"Invalid format. data.body is missing"}"#,
            false,
            "422",
        ),
    ];
    for (status, body, ok, expect) in cases {
        let rb = fake::rollbar(status, body);
        let dir = project(
            &hc.url,
            "      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"\n",
            "",
        );
        std::fs::write(
            dir.path().join(".env"),
            format!("HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN={token}\n"),
        )
        .unwrap();
        let out = send(
            dir.path(),
            &hc.url,
            &[
                "--only",
                "rollbar",
                "--rollbar-api-url",
                &rb.url,
                "--environment",
                "staging",
            ],
        );
        assert_eq!(
            out.code(),
            if ok { 0 } else { 1 },
            "{status}: {}",
            out.all()
        );
        assert!(!out.all().contains(token), "token leaked: {}", out.all());
        assert!(out.stdout().contains(expect), "{status}: {}", out.stdout());
        let item = rb
            .requests()
            .into_iter()
            .next()
            .expect("an item was posted");
        assert_eq!(item.header("x-rollbar-access-token"), Some(token));
        let v: serde_json::Value = serde_json::from_slice(&item.body).unwrap();
        assert_eq!(v["data"]["environment"], "staging");
        assert_eq!(v["data"]["level"], "info");
        if ok {
            assert!(out.stdout().contains("https://rollbar.com/occurrence/uuid/?uuid=d4c5e0b2-5f6a-4c9e-9a1f-0d3b2c1a4e5f"), "{}", out.stdout());
        }
    }
}

#[test]
fn xray_segment_reaches_a_listening_daemon() {
    // The same port number for UDP (segments) and TCP (the probe), like the daemon.
    let (udp, tcp) = loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            break (udp, tcp);
        }
    };
    let port = udp.local_addr().unwrap().port();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    let dir = project(
        &hc.url,
        &format!("      AWS_XRAY_DAEMON_ADDRESS: \"127.0.0.1:{port}\"\n"),
        "",
    );
    let out = send(dir.path(), &hc.url, &["--only", "xray"]).expect_code(0);
    assert!(
        out.stdout().contains("daemon listening"),
        "{}",
        out.stdout()
    );
    let mut buf = [0u8; 65536];
    let n = udp.recv(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap();
    let (header, segment) = text.split_once('\n').unwrap();
    assert_eq!(header, r#"{"format":"json","version":1}"#);
    let seg: serde_json::Value = serde_json::from_str(segment).unwrap();
    assert!(seg["trace_id"].as_str().unwrap().starts_with("1-"));
    drop(tcp);
    let out = send(dir.path(), &hc.url, &["--only", "xray", "--json"]).expect_code(1);
    assert!(
        out.stdout().contains("nothing listens on TCP"),
        "{}",
        out.stdout()
    );
}

#[test]
fn nothing_configured_exits_2_and_suggests_init() {
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["send-test-span"])
        .dir(tmp.path())
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("cruddur-obs init"),
        "{}",
        out.stderr()
    );
}

#[test]
fn connect_and_tls_failures_get_their_own_messages() {
    let hc = fake::honeycomb(KEY, "test-env", Mode::Honeycomb);
    // Nothing listens on a port we bound and released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = project(&format!("http://127.0.0.1:{closed}"), "", "");
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb", "--json"]).expect_code(1);
    let r = &json_reports(&out)[0];
    assert_eq!(r["cause"], "endpoint-unreachable");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("could not connect"),
        "{r}"
    );

    // HTTPS to a server that answers in plain HTTP fails in the TLS handshake.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let plain_url = format!("https://{}", plain.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut conn in plain.incoming().flatten() {
            use std::io::Write;
            let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let dir = project(&plain_url, "", "");
    let out = send(dir.path(), &hc.url, &["--only", "honeycomb", "--json"]).expect_code(1);
    let r = &json_reports(&out)[0];
    assert_eq!(r["cause"], "endpoint-unreachable");
    assert!(
        r["message"].as_str().unwrap().starts_with("TLS handshake"),
        "{r}"
    );
}
