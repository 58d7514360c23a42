use super::*;
use crate::doctor::Severity;

const KEY: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";
const CLASSIC: &str = "5f2b9c1e8a7d4f3b6c0e1a2d9b8c7f6e";
const TOKEN: &str = "3f9a1c7e5b2d4f6a8c0e2b4d6f8a0c1e";

/// Scans a sample under fixtures/logs and checks what every finding owes
/// the user: its category, its file, and no secret in anything shown.
macro_rules! sample {
    ($name:literal) => {
        checked(
            include_str!(concat!("../../../fixtures/logs/", $name)),
            $name,
        )
    };
}

fn checked(text: &str, source: &str) -> Vec<Finding> {
    let found = scan(text, source);
    for f in &found {
        assert_eq!(f.category, Category::Logs, "{}", f.id);
        assert_eq!(f.file.as_deref(), Some(source));
        assert!(!f.fix().is_empty(), "{} has no fix", f.id);
        let shown = format!(
            "{} {} {}",
            f.title,
            f.evidence.as_deref().unwrap_or(""),
            f.fix()
        );
        for secret in [KEY, CLASSIC, TOKEN] {
            assert!(!shown.contains(secret), "{} shows a secret: {shown}", f.id);
        }
    }
    found
}

fn ids(found: &[Finding]) -> Vec<(&'static str, usize)> {
    found.iter().map(|f| (f.id, f.line.unwrap_or(0))).collect()
}

#[test]
fn honeycomb_401_with_a_python_bytes_body_is_decoded_and_folded() {
    let found = sample!("honeycomb-key-rejected.log");
    assert_eq!(ids(&found), [("honeycomb-key-rejected", 10)]);
    let f = &found[0];
    assert!(
        f.title
            .contains("401: \"unknown API key - check your credentials, region, and API URL\""),
        "{}",
        f.title
    );
    assert!(
        f.title.ends_with("(seen 3 times, first at line 10)"),
        "{}",
        f.title
    );
    let evidence = f.evidence.as_deref().unwrap_or("");
    assert!(
        evidence.starts_with("backend-flask-1  | 2023-03-04T17:22:43"),
        "{evidence}"
    );
    assert!(
        evidence.contains(r"reason: b'\x08\x10\x12=unknown API key"),
        "{evidence}"
    );
}

#[test]
fn unset_key_and_the_missing_team_header_it_causes() {
    let found = sample!("otel-headers-missing.log");
    assert_eq!(
        ids(&found),
        [("compose-var-unset", 1), ("otel-headers-missing", 13)]
    );
    assert!(found[0]
        .title
        .contains("`${HONEYCOMB_API_KEY}`: the x-honeycomb-team header goes out empty"));
    assert!(found[1].title.contains("missing 'x-honeycomb-team' header"));
}

#[test]
fn classic_key_body_printed_raw_is_decoded_from_its_control_bytes() {
    let found = sample!("honeycomb-classic-no-dataset.log");
    assert_eq!(ids(&found), [("honeycomb-key-classic-no-dataset", 8)]);
    assert!(found[0]
        .title
        .contains("\"missing 'x-honeycomb-dataset' header\""));
    let evidence = found[0].evidence.as_deref().unwrap_or("");
    assert!(
        evidence.contains(r"reason: \x08\x10\x12$missing"),
        "{evidence}"
    );
}

#[test]
fn doubled_signal_path_elsewhere_explains_a_bare_404() {
    let found = sample!("otel-endpoint-signal-path.log");
    assert_eq!(ids(&found), [("otel-endpoint-signal-path", 8)]);
    let found = scan(
        "Failed to export span batch code: 404, reason: Not Found",
        "stdin",
    );
    assert_eq!(ids(&found), [("endpoint-wrong-path", 1)]);
}

#[test]
fn newer_exporter_reason_phrases_map_by_status() {
    let found = sample!("export-statuses.log");
    assert_eq!(
        ids(&found),
        [
            ("honeycomb-key-cannot-send", 5),
            ("honeycomb-rate-limited", 7),
            ("honeycomb-server-error", 8),
            ("otlp-body-rejected", 10),
            ("endpoint-wrong-path", 11),
        ]
    );
    assert!(
        found[0].title.contains("(403: \"Forbidden\")"),
        "{}",
        found[0].title
    );
    assert_eq!(found[1].severity, Severity::Warning);
}

#[test]
fn refused_localhost_4318_is_the_sdk_default_once_per_traceback() {
    let found = sample!("otel-endpoint-missing.log");
    assert_eq!(ids(&found), [("otel-endpoint-missing", 35)]);
    let f = &found[0];
    assert!(f
        .title
        .contains("localhost:4318, inside the container: connection failed"));
    assert!(
        f.title.ends_with("(seen 2 times, first at line 35)"),
        "{}",
        f.title
    );
    assert!(f
        .evidence
        .as_deref()
        .unwrap_or("")
        .contains("requests.exceptions.ConnectionError"));
}

#[test]
fn unresolvable_host_is_unreachable_by_dns() {
    let found = sample!("endpoint-unreachable-dns.log");
    assert_eq!(ids(&found), [("endpoint-unreachable", 7)]);
    let title = &found[0].title;
    assert!(
        title.contains("api.honeycomb.com:443: DNS lookup failed"),
        "{title}"
    );
    assert!(
        title.ends_with("(seen 3 times, first at line 7)"),
        "{title}"
    );
    assert!(found[0].fix().contains("api.honeycomb.io"));
}

#[test]
fn grpc_default_localhost_4317_folds_traces_and_metrics() {
    let found = sample!("grpc-localhost.log");
    assert_eq!(ids(&found), [("otel-endpoint-missing", 6)]);
    assert!(found[0].title.contains("localhost:4317"));
    assert!(found[0].title.ends_with("(seen 4 times, first at line 6)"));
}

#[test]
fn grpc_unauthenticated_is_a_rejected_key() {
    let found = sample!("grpc-unauthenticated.log");
    assert_eq!(ids(&found), [("honeycomb-key-rejected", 7)]);
    let title = &found[0].title;
    assert!(
        title.contains("(UNAUTHENTICATED) (seen 2 times, first at line 7)"),
        "{title}"
    );
}

#[test]
fn malformed_header_is_quoted_with_the_key_masked() {
    let found = sample!("otel-headers-malformed.log");
    assert_eq!(ids(&found), [("otel-headers-malformed", 1)]);
    let f = &found[0];
    assert!(
        f.title.contains("`x-honeycomb-team:hcaik_…`"),
        "{}",
        f.title
    );
    assert!(f
        .evidence
        .as_deref()
        .unwrap_or("")
        .ends_with("occurrences: x-honeycomb-team:hcaik_…"));
}

#[test]
fn second_tracer_provider_is_a_new_warning() {
    let found = sample!("tracer-provider-overridden.log");
    assert_eq!(ids(&found), [("tracer-provider-overridden", 1)]);
    assert_eq!(found[0].severity, Severity::Warning);
}

#[test]
fn before_first_request_names_the_app_line_from_the_traceback() {
    let found = sample!("flask-before-first-request.log");
    assert_eq!(ids(&found), [("flask-before-first-request", 15)]);
    assert!(
        found[0].title.ends_with("(/backend-flask/app.py line 95)"),
        "{}",
        found[0].title
    );
}

#[test]
fn missing_exporter_component_names_the_package() {
    let found = sample!("instrument-exporter-missing.log");
    assert_eq!(ids(&found), [("requirements-exporter-mismatch", 9)]);
    assert!(found[0].title.contains("`otlp_proto_grpc` traces exporter"));
    assert!(found[0]
        .fix()
        .contains("opentelemetry-exporter-otlp-proto-grpc"));
    let old = "RuntimeError: Requested component 'otlp_proto_http' not found in entry points for 'opentelemetry_metrics_exporter'";
    let found = scan(old, "stdin");
    assert_eq!(ids(&found), [("requirements-exporter-mismatch", 1)]);
    assert!(found[0].title.contains("`otlp_proto_http` metrics"));
    let sampler = "RuntimeError: Requested component 'xray' not found in entry point 'opentelemetry_traces_sampler'";
    assert!(scan(sampler, "stdin").is_empty());
}

#[test]
fn compose_v1_names_each_variable_and_what_it_breaks() {
    let found = sample!("compose-unset-v1.log");
    assert_eq!(
        ids(&found),
        [("compose-var-unset", 1), ("compose-var-unset", 2)]
    );
    assert!(found[1]
        .title
        .contains("`${ROLLBAR_ACCESS_TOKEN}`: rollbar.init() gets an empty token"));
    assert!(
        found[1]
            .fix()
            .starts_with("Set `ROLLBAR_ACCESS_TOKEN` where compose reads variables"),
        "{}",
        found[1].fix()
    );
}

#[test]
fn compose_v2_colours_are_stripped_and_repeats_folded() {
    let found = sample!("compose-unset-v2.log");
    assert_eq!(
        ids(&found),
        [("compose-var-unset", 1), ("compose-var-unset", 3)]
    );
    assert!(found[0]
        .title
        .contains("`${AWS_DEFAULT_REGION}`: X-Ray and CloudWatch"));
    assert!(found[0].title.ends_with("(seen 2 times, first at line 1)"));
    assert!(
        found[1].title.ends_with("`${GITPOD_WORKSPACE_ID}`"),
        "{}",
        found[1].title
    );
    let evidence = found[0].evidence.as_deref().unwrap_or("");
    assert!(
        evidence.starts_with("WARN[0000] The \"AWS_DEFAULT_REGION\""),
        "{evidence}"
    );
}

#[test]
fn rollbar_without_token() {
    let found = sample!("rollbar-token-missing.log");
    assert_eq!(ids(&found), [("rollbar-token-missing", 7)]);
    assert!(found[0].title.ends_with("(seen 2 times, first at line 7)"));
}

#[test]
fn rollbar_refused_token_is_masked() {
    let found = sample!("rollbar-token-rejected.log");
    assert_eq!(ids(&found), [("rollbar-token-rejected", 7)]);
    let line = format!(
        "ERROR:rollbar:Exception while posting item ApiError('access token not found: {TOKEN}')"
    );
    let found = checked(&line, "stdin");
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap_or("")
        .ends_with("not found: 3f9a1c…')"));
}

#[test]
fn xray_context_missing_skips_the_echoed_raise() {
    let found = sample!("xray-context-missing.log");
    assert_eq!(ids(&found), [("xray-context-missing", 6)]);
    assert!(found[0].title.ends_with("(seen 2 times, first at line 6)"));
    assert_eq!(found[0].severity, Severity::Warning);
}

#[test]
fn xray_daemon_without_region() {
    let found = sample!("xray-daemon-region.log");
    assert_eq!(ids(&found), [("xray-daemon-region-missing", 4)]);
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap_or("")
        .starts_with("xray-daemon-1    | "));
}

#[test]
fn watchtower_warning_without_its_source_echo() {
    let found = sample!("watchtower-credentials.log");
    assert_eq!(ids(&found), [("aws-credentials-missing", 7)]);
    let title = &found[0].title;
    assert!(title.contains("Unable to locate credentials"), "{title}");
    assert!(
        title.ends_with("(seen 2 times, first at line 7)"),
        "{title}"
    );
}

#[test]
fn botocore_without_region() {
    let found = sample!("aws-no-region.log");
    assert_eq!(ids(&found), [("aws-credentials-missing", 6)]);
    assert!(found[0].fix().contains("AWS_DEFAULT_REGION"));
}

#[test]
fn a_healthy_run_reports_nothing() {
    assert!(sample!("noise.log").is_empty());
}

#[test]
fn other_forms_of_the_same_failures() {
    let cases = [
        ("ERROR:opentelemetry.exporter.otlp.json.http:Failed to export batch. Code: 401", "honeycomb-key-rejected"),
        (r#"Failed to export batch code: 401, reason: {"message":"missing 'x-honeycomb-dataset' header"}"#, "honeycomb-key-classic-no-dataset"),
        ("Failed to export traces to api.honeycomb.io:443, error code: StatusCode.UNAUTHENTICATED, error details: missing 'x-honeycomb-team' header", "otel-headers-missing"),
        ("Failed to export traces to api.honeycomb.io:4318, error code: StatusCode.UNIMPLEMENTED", "otel-protocol-mismatch"),
        ("RuntimeError: Unsupported OTLP protocol 'http/json' is configured", "otel-protocol-mismatch"),
        ("Transient error 503 encountered while exporting, retrying in 1.00s.", "honeycomb-server-error"),
        ("Failed to export span batch code: None, reason: HTTPSConnectionPool(host='api.honeycomb.io', port=443): Max retries exceeded with url: /v1/traces (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED]')))", "endpoint-unreachable"),
        ("ERROR:rollbar:Exception while posting item ConnectionError(MaxRetryError(\"HTTPSConnectionPool(host='api.rollbar.com', port=443): Max retries exceeded with url: /api/1/item/ (Caused by NameResolutionError(...))\"))", "rollbar-unreachable"),
        ("Rollbar is not initialized", "rollbar-not-initialized"),
        ("requests.exceptions.MissingSchema: Invalid URL 'api.honeycomb.io/v1/traces': No scheme supplied. Perhaps you meant https://api.honeycomb.io/v1/traces?", "otel-endpoint-invalid"),
        ("WARNING:aws_xray_sdk.core.recorder:No segment found, cannot begin subsegment mock-data.", "xray-context-missing"),
        ("xray-daemon-1 | 2023-03-04T17:22:40Z [Error] Unable to send segments: NoCredentialProviders: no valid providers in chain", "aws-credentials-missing"),
        ("daemon | ERROR cannot fetch region variable from config file, environment variables and ec2 metadata", "xray-daemon-region-missing"),
    ];
    for (line, id) in cases {
        assert_eq!(ids(&checked(line, "stdin")), [(id, 1)], "{line}");
    }
}

#[test]
fn every_title_row_names_a_catalogued_id() {
    for (id, title) in TITLES {
        let h = hit(id, "", "x").expect(id);
        let _ = Finding::new(h.id, title.to_string());
        assert!(!title.is_empty(), "{id}");
        // One voice with the other checks' titles.
        assert!(
            !title.starts_with("The ") && !title.ends_with('.'),
            "{title}"
        );
    }
}

#[test]
fn never_panics_on_junk() {
    let mut junk =
        String::from_utf8_lossy(&[0xff, 0xfe, 0x1b, b'[', 0x00, 0xc3, b'\n', 0x1b]).into_owned();
    junk.push_str("\u{1b}]0;title\u{7}ünïcode | File \"x\", line \nb'\\x0");
    junk.push_str(&"Failed to export batch code: 401, reason: b'\\x08".repeat(3));
    junk.push_str("\n|\n | \n");
    junk.push_str(&format!(
        "Failed to export batch code: 429, reason: {}\n",
        "é".repeat(100_000)
    ));
    let found = checked(&junk, "stdin");
    assert!(found
        .iter()
        .all(|f| f.evidence.as_deref().unwrap_or("").chars().count() <= QUOTE_MAX + 1));
    assert!(scan("", "stdin").is_empty());
}
