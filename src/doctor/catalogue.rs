//! Every failure id doctor can report, with its severity, category, and
//! whether `--fix` can repair it. Ids come from ../shared/docs/failures.md
//! and are interface: never rename one. The last entries are ids this project
//! added (documented in docs/failures-added.md).

use super::finding::{Category, Severity};

pub struct Entry {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub fixable: bool,
    pub network: bool,
}

const fn e(
    id: &'static str,
    severity: Severity,
    category: Category,
    fixable: bool,
    network: bool,
) -> Entry {
    Entry {
        id,
        severity,
        category,
        fixable,
        network,
    }
}

use Category::*;
use Severity::*;

pub const CATALOGUE: &[Entry] = &[
    e("compose-missing", Error, Layout, false, false),
    e("compose-invalid", Error, Layout, false, false),
    e("backend-service-missing", Error, Layout, false, false),
    e("requirements-missing", Error, Layout, false, false),
    e("otel-endpoint-missing", Error, ComposeEnv, true, false),
    e("otel-headers-missing", Error, ComposeEnv, true, false),
    e(
        "otel-service-name-missing",
        Warning,
        ComposeEnv,
        true,
        false,
    ),
    e("env-name-typo", Error, ComposeEnv, true, false),
    e("otel-endpoint-signal-path", Error, ComposeEnv, true, false),
    e(
        "otel-traces-endpoint-no-path",
        Error,
        ComposeEnv,
        true,
        false,
    ),
    e("otel-endpoint-invalid", Error, ComposeEnv, false, false),
    e("otel-headers-malformed", Error, ComposeEnv, true, false),
    e("compose-list-quotes", Error, ComposeEnv, true, false),
    e("otel-protocol-mismatch", Error, ComposeEnv, false, false),
    e("otel-disabled", Error, ComposeEnv, false, false),
    e("compose-var-unset", Error, ComposeEnv, false, false),
    e("gitpod-env-not-loaded", Error, ComposeEnv, false, false),
    e("env-file-missing", Error, ComposeEnv, false, false),
    e(
        "env-file-not-interpolated",
        Warning,
        ComposeEnv,
        false,
        false,
    ),
    e("env-on-wrong-service", Error, ComposeEnv, false, false),
    e("secret-hardcoded", Error, Secrets, true, false),
    e("dotenv-not-ignored", Error, Secrets, true, false),
    e("dotenv-permissions", Warning, Secrets, true, false),
    e("honeycomb-key-format", Error, Secrets, false, false),
    e(
        "honeycomb-key-classic-no-dataset",
        Error,
        Secrets,
        true,
        false,
    ),
    e("honeycomb-key-rejected", Error, Secrets, false, true),
    e("honeycomb-region-mismatch", Error, Secrets, true, true),
    e("honeycomb-key-cannot-send", Error, Secrets, false, true),
    e(
        "honeycomb-key-cannot-create-dataset",
        Warning,
        Secrets,
        false,
        true,
    ),
    e("rollbar-token-missing", Error, Secrets, false, false),
    e("rollbar-token-rejected", Error, Secrets, false, true),
    e("aws-credentials-missing", Error, Secrets, false, false),
    e(
        "requirements-missing-otel",
        Error,
        Dependencies,
        true,
        false,
    ),
    e(
        "requirements-exporter-mismatch",
        Error,
        Dependencies,
        true,
        false,
    ),
    e(
        "requirements-version-skew",
        Warning,
        Dependencies,
        false,
        false,
    ),
    e(
        "requirements-missing-provider",
        Error,
        Dependencies,
        true,
        false,
    ),
    e(
        "dockerfile-no-requirements",
        Error,
        Dependencies,
        false,
        false,
    ),
    e(
        "instrument-without-distro",
        Error,
        Dependencies,
        true,
        false,
    ),
    e(
        "flask-reloader-auto-instrumentation",
        Warning,
        Dependencies,
        false,
        false,
    ),
    e("tracer-provider-not-set", Error, Code, false, false),
    e("span-processor-missing", Error, Code, false, false),
    e("otlp-exporter-missing", Error, Code, false, false),
    e("flask-not-instrumented", Error, Code, false, false),
    e("flask-instrumented-before-app", Error, Code, false, false),
    e("requests-not-instrumented", Info, Code, false, false),
    e("console-exporter-enabled", Info, Code, false, false),
    e("flask-before-first-request", Error, Code, false, false),
    e("rollbar-not-initialized", Error, Code, false, false),
    e("xray-middleware-before-app", Error, Code, false, false),
    e("xray-daemon-missing", Error, Code, false, false),
    e("xray-daemon-region-missing", Error, Code, false, false),
    e("xray-daemon-command-ignored", Info, Code, false, false),
    e("watchtower-deprecated-arg", Warning, Code, false, false),
    e("gunicorn-fork-unsafe", Warning, Code, false, false),
    e("endpoint-unreachable", Error, Network, false, true),
    e("endpoint-wrong-path", Error, Network, false, true),
    e("rollbar-unreachable", Error, Network, false, true),
    e("xray-daemon-unreachable", Warning, Network, false, true),
    e("container-env-stale", Error, Stack, false, false),
    e("container-missing-packages", Error, Stack, false, false),
    e("otlp-partial-success", Error, Network, false, true),
    e("otlp-body-rejected", Error, Network, false, true),
    e("honeycomb-rate-limited", Warning, Network, false, true),
    e("honeycomb-server-error", Warning, Network, false, true),
    e("rollbar-item-rejected", Error, Network, false, true),
    e("rollbar-rate-limited", Warning, Network, false, true),
    e("rollbar-server-error", Warning, Network, false, true),
    e("tracer-provider-overridden", Warning, Code, false, false),
    e("xray-context-missing", Warning, Code, false, false),
    e("dotenv-tracked", Error, Secrets, false, false),
    e("secret-file-left", Error, Secrets, true, false),
];

pub fn entry(id: &str) -> &'static Entry {
    CATALOGUE
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("unknown failure id {id}"))
}
