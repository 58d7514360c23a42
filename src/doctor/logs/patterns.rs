//! The tables: the needles that identify known lines, and each id's title.
//! The fix text is the catalogue's, as for every other check.

/// `id` or `id/variant` and the title (`{}` takes the detail): what the log
/// line says happened. Prose, one row per line.
#[rustfmt::skip]
pub(super) const TITLES: &[(&str, &str)] = &[
    ("otel-headers-malformed", "the OTLP exporter dropped a header it could not parse: `{}`"),
    ("tracer-provider-overridden", "a second `trace.set_tracer_provider()` was ignored: spans go to the first provider"),
    ("flask-before-first-request", "Flask 2.3+ has no `@app.before_first_request`: the app crashed at import{}"),
    ("requirements-exporter-mismatch", "opentelemetry-instrument wants the {} exporter, but no installed package provides it"),
    ("otel-protocol-mismatch", "opentelemetry-instrument refused OTEL_EXPORTER_OTLP_PROTOCOL `{}`"),
    ("otel-protocol-mismatch/unimplemented", "{} does not implement OTLP/gRPC trace export: it is no OTLP/gRPC receiver (an HTTP port such as 4318, or a URL with a path)"),
    ("compose-var-unset", "docker compose substituted \"\" for {}"),
    ("rollbar-token-missing", "pyrollbar has no access token: nothing is reported to Rollbar"),
    ("rollbar-not-initialized", "Rollbar was used before it was initialised"),
    ("rollbar-token-rejected", "Rollbar refused the access token"),
    ("rollbar-unreachable", "pyrollbar cannot reach api.rollbar.com: {}"),
    ("xray-daemon-region-missing", "the X-Ray daemon found no AWS region and exited"),
    ("xray-context-missing", "X-Ray code ran outside a request segment: its subsegment was dropped"),
    ("aws-credentials-missing/region", "botocore found no AWS region in the container"),
    ("aws-credentials-missing/credentials", "no AWS credentials reached the container"),
    ("aws-credentials-missing/watchtower", "watchtower could not send logs to CloudWatch: {}"),
    ("honeycomb-key-classic-no-dataset", "Honeycomb wants a dataset for this classic key ({})"),
    ("otel-headers-missing", "spans reached Honeycomb without an x-honeycomb-team header ({})"),
    ("honeycomb-key-rejected", "Honeycomb rejected the API key ({})"),
    ("honeycomb-key-cannot-send", "the Honeycomb key may not send events ({})"),
    ("otel-endpoint-signal-path", "spans are posted to /v1/traces/v1/traces, which does not exist ({})"),
    ("endpoint-wrong-path", "nothing receives traces at the exporter's URL ({})"),
    ("otlp-body-rejected", "the endpoint could not read the exported spans ({})"),
    ("honeycomb-rate-limited", "Honeycomb is rate-limiting this key; spans are dropped meanwhile ({})"),
    ("honeycomb-server-error", "the OTLP endpoint had a server-side error ({})"),
    ("otel-endpoint-missing", "the exporter sends to the SDK default {}"),
    ("otel-endpoint-invalid", "the OTLP endpoint is not an absolute URL: `{}`"),
    ("endpoint-unreachable", "the exporter cannot reach {}"),
];

/// Lines that name their problem outright: any needle gives the id.
#[rustfmt::skip]
pub(super) const PLAIN: &[(&str, &[&str])] = &[
    ("tracer-provider-overridden", &["Overriding of current TracerProvider is not allowed"]),
    ("rollbar-token-missing", &["pyrollbar: No access_token provided"]),
    ("rollbar-not-initialized", &["Rollbar is not initialized"]),
    // pyrollbar's status warning, the response body it prints below, the ApiError it raises.
    ("rollbar-token-rejected", &["Rollbar api: 401", "Rollbar api: 403", "\"err\": 1, \"message\": \"access token", "\"err\": 1, \"message\": \"insufficient privileges", "ApiError('access token", "ApiError('insufficient privileges"]),
    // The daemon's capitalisation differs between versions.
    ("xray-daemon-region-missing", &["Cannot fetch region variable from config file", "cannot fetch region variable from config file"]),
    ("xray-context-missing", &["cannot find the current segment/subsegment", "SegmentNotFoundException", "No segment found, cannot begin subsegment"]),
];

/// What a failed connection says about itself (requests, urllib3, botocore).
#[rustfmt::skip]
pub(super) const CONN: &[(&str, &[&str])] = &[
    ("DNS lookup failed", &["NameResolutionError", "Failed to resolve", "Name or service not known", "Temporary failure in name resolution", "nodename nor servname"]),
    ("TLS failed", &["SSLError", "CERTIFICATE_VERIFY_FAILED"]),
    ("timed out", &["ConnectTimeout", "timed out"]),
    ("connection failed", &["Connection refused", "Max retries exceeded", "Connection aborted", "RemoteDisconnected"]),
];

/// botocore's and the X-Ray daemon's words for a missing region or credentials.
#[rustfmt::skip]
pub(super) const AWS: &[(&str, &[&str])] = &[
    ("region", &["NoRegionError", "You must specify a region"]),
    ("credentials", &["NoCredentialsError", "Unable to locate credentials", "NoCredentialProviders"]),
];

/// Reason phrases of retried statuses, as `Transient error <phrase> …` logs them.
#[rustfmt::skip]
pub(super) const PHRASES: [(&str, u16); 5] = [("Too Many Requests", 429), ("Internal Server Error", 500), ("Bad Gateway", 502), ("Service Unavailable", 503), ("Gateway Timeout", 504)];
