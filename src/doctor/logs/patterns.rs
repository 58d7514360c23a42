//! The tables: the needles that identify known lines, and each id's title and fix.

const AWS_FIX: &str = "Give the backend (and the X-Ray daemon) credentials and a region: `AWS_DEFAULT_REGION: \"${AWS_DEFAULT_REGION}\"`, `AWS_ACCESS_KEY_ID: \"${AWS_ACCESS_KEY_ID}\"`, `AWS_SECRET_ACCESS_KEY: \"${AWS_SECRET_ACCESS_KEY}\"` under its environment, the values set in the shell or .env; then `docker compose up -d`.";

/// `id` or `id/variant`, the title (`{}` takes the detail), the fix (`{key}`
/// takes the hit's key). Prose, one row per line.
#[rustfmt::skip]
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    ("otel-headers-malformed", "The OTLP exporter dropped a header it could not parse: `{}`", "Write OTEL_EXPORTER_OTLP_HEADERS as comma-separated `name=value` pairs, no quotes, `=` not `:` (`OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"`); the dropped entry never reaches Honeycomb. Then recreate with `docker compose up -d`."),
    ("tracer-provider-overridden", "A second `trace.set_tracer_provider()` was ignored: spans go to the first provider", "Set tracing up once: either start with `opentelemetry-instrument` (configured by OTEL_* variables) or build the TracerProvider, BatchSpanProcessor and OTLPSpanExporter in app.py, not both; with both, the exporter added in code hangs off a provider nothing uses."),
    ("flask-before-first-request", "Flask 2.3+ has no `@app.before_first_request`: the app crashed at import{}", "Run the Rollbar set-up inside `with app.app_context():` right after `app = Flask(__name__)` instead of `@app.before_first_request`, or pin `Flask<2.3` in requirements.txt and rebuild."),
    ("requirements-exporter-mismatch/otlp_proto_grpc", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Add `opentelemetry-exporter-otlp-proto-grpc` to requirements.txt and rebuild (`docker compose up -d --build`), or keep the HTTP exporter and set `OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf` (opentelemetry-distro defaults to grpc)."),
    ("requirements-exporter-mismatch/otlp_proto_http", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Add `opentelemetry-exporter-otlp-proto-http` to requirements.txt and rebuild (`docker compose up -d --build`), or set `OTEL_EXPORTER_OTLP_PROTOCOL: grpc` if the gRPC exporter is the one installed."),
    ("requirements-exporter-mismatch/other", "opentelemetry-instrument wants the {} exporter, but no installed package provides it", "Install the package that provides it, or set OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER to one that is installed (`otlp`, `console`, `none`), then rebuild."),
    ("otel-protocol-mismatch", "opentelemetry-instrument refused OTEL_EXPORTER_OTLP_PROTOCOL `{}`", "Set OTEL_EXPORTER_OTLP_PROTOCOL to `http/protobuf` (with opentelemetry-exporter-otlp-proto-http) or `grpc` (with opentelemetry-exporter-otlp-proto-grpc): Python has no `http/json` exporter."),
    ("otel-protocol-mismatch/unimplemented", "{} does not implement OTLP/gRPC trace export", "The gRPC exporter is talking to something that is not an OTLP/gRPC receiver (an HTTP port such as 4318, or a URL with a path). For Honeycomb use `https://api.honeycomb.io` (port 443), or switch to `http/protobuf` with its exporter package."),
    ("compose-var-unset", "docker compose substituted \"\" for {}", "Set it where compose reads it: `export {key}=…` in the shell that runs `docker compose up`, or a `{key}=…` line in the project's .env (an env_file: does not feed `${…}`). In Gitpod, `gp env {key}=…` stores it for new workspaces and `eval $(gp env -e)` loads it now. Then `docker compose up -d`."),
    ("rollbar-token-missing", "pyrollbar has no access token: nothing is reported to Rollbar", "Pass the token to the backend (`ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"` under its environment, the value set in the shell or .env) and call `rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), …)` at start-up; then `docker compose up -d`."),
    ("rollbar-not-initialized", "Rollbar was used before it was initialised", "Make sure the init call runs before anything reports: on Flask 2.3+ call `rollbar.init(…)` inside `with app.app_context():`, not in `@app.before_first_request`."),
    ("rollbar-token-rejected", "Rollbar refused the access token", "Copy a project access token with the `post_server_item` scope (Rollbar: Project settings → Project Access Tokens) into ROLLBAR_ACCESS_TOKEN; tokens issued before 2023-10-10 were expired by Rollbar. Then `docker compose up -d`."),
    ("rollbar-unreachable", "pyrollbar cannot reach api.rollbar.com: {}", "Check the container's DNS and outbound HTTPS (a proxy needs HTTPS_PROXY in the backend's environment)."),
    ("xray-daemon-region-missing", "The X-Ray daemon found no AWS region and exited", "Give the xray-daemon service a region: `AWS_REGION: \"${AWS_DEFAULT_REGION}\"` in its environment (or `-n <region>` as its own item in `command:`), then `docker compose up -d`."),
    ("xray-context-missing", "X-Ray code ran outside a request segment: its subsegment was dropped", "Open subsegments only while XRayMiddleware handles a request (not at import time or in another thread), or begin a segment with `xray_recorder.begin_segment(…)`; `AWS_XRAY_CONTEXT_MISSING=LOG_ERROR` keeps it from raising meanwhile."),
    ("aws-credentials-missing/region", "botocore found no AWS region in the container", AWS_FIX),
    ("aws-credentials-missing/credentials", "No AWS credentials reached the container", AWS_FIX),
    ("aws-credentials-missing/watchtower", "watchtower could not send logs to CloudWatch: {}", AWS_FIX),
    ("honeycomb-key-classic-no-dataset", "Honeycomb wants a dataset for this classic key ({})", "Classic keys need `x-honeycomb-dataset=<dataset>` in OTEL_EXPORTER_OTLP_HEADERS next to x-honeycomb-team (comma-separated), or use an environment ingest key."),
    ("otel-headers-missing", "Spans reached Honeycomb without an x-honeycomb-team header ({})", "Add `OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"` to the backend's environment and set HONEYCOMB_API_KEY where compose reads it (an unset variable sends an empty header); then `docker compose up -d`."),
    ("honeycomb-key-rejected", "Honeycomb rejected the API key ({})", "Copy an ingest key from Honeycomb (Environment settings → API keys) into HONEYCOMB_API_KEY and use its region's endpoint (api.honeycomb.io or api.eu1.honeycomb.io); then `docker compose up -d`. `cruddur-obs doctor` online checks the key against /1/auth."),
    ("honeycomb-key-cannot-send", "The Honeycomb key may not send events ({})", "Give the key the \"Send Events\" permission in Honeycomb's API key settings, or use an ingest key."),
    ("otel-endpoint-signal-path", "Spans are posted to /v1/traces/v1/traces, which does not exist ({})", "Drop `/v1/traces` from OTEL_EXPORTER_OTLP_ENDPOINT (`https://api.honeycomb.io`): the exporter appends it. A full URL belongs in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT."),
    ("endpoint-wrong-path", "Nothing receives traces at the exporter's URL ({})", "OTEL_EXPORTER_OTLP_ENDPOINT is a base URL with no path (`https://api.honeycomb.io`); a full URL goes in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and must end in /v1/traces."),
    ("otlp-body-rejected", "The endpoint could not read the exported spans ({})", "Check that OTEL_EXPORTER_OTLP_PROTOCOL matches the exporter package, that OTEL_EXPORTER_OTLP_COMPRESSION is unset, gzip or none, and that core and contrib OpenTelemetry versions pair up (1.N with 0.(N+21)bX)."),
    ("honeycomb-rate-limited", "Honeycomb is rate-limiting this key; spans are dropped meanwhile ({})", "Lower the volume (OTEL_TRACES_SAMPLER=parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG) or check the team's event quota."),
    ("honeycomb-server-error", "The OTLP endpoint had a server-side error ({})", "Usually transient and retried by the exporter; if it persists, check status.honeycomb.io. Nothing to change in the app."),
    ("otel-endpoint-missing", "The exporter sends to the SDK default {}", "Set the endpoint in the backend's compose environment: `OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"` (EU: https://api.eu1.honeycomb.io) with `OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"`; then `docker compose up -d`."),
    ("otel-endpoint-invalid", "The OTLP endpoint is not an absolute URL: `{}`", "Give OTEL_EXPORTER_OTLP_ENDPOINT its scheme: `https://api.honeycomb.io` (EU: `https://api.eu1.honeycomb.io`), then `docker compose up -d`."),
    ("endpoint-unreachable/DNS lookup failed", "The exporter cannot reach {}", "The host name does not resolve from the container: check its spelling in OTEL_EXPORTER_OTLP_ENDPOINT (api.honeycomb.io or api.eu1.honeycomb.io)."),
    ("endpoint-unreachable/TLS failed", "The exporter cannot reach {}", "Use `https://` with Honeycomb's host; behind an intercepting proxy, give the container the proxy's CA (REQUESTS_CA_BUNDLE)."),
    ("endpoint-unreachable", "The exporter cannot reach {}", "Check the host and port in OTEL_EXPORTER_OTLP_ENDPOINT (Honeycomb: `https://api.honeycomb.io`, port 443) and the container's outbound network."),
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
