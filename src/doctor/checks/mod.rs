//! The check registry: one entry per check, grouped by the sections of
//! failures.md. Each check reads the `Ctx` and returns findings.

pub mod code;
pub mod collector;
pub mod compose_env;
pub mod compose_file;
pub mod deps;
pub mod layout;
pub mod network;
pub mod secrets;

use super::{Category, Check, IntoChecked};

/// `check!(Category, module::function, "what it looks at", [ids it may report])`
macro_rules! check {
    ($cat:ident, $module:ident :: $f:ident, $title:literal, [$($id:literal),* $(,)?]) => {
        Check {
            name: concat!(stringify!($module), "::", stringify!($f)),
            title: $title,
            category: Category::$cat,
            ids: &[$($id),*],
            run: |ctx| $module::$f(ctx).into_checked(),
        }
    };
}

pub const OFFLINE: &[Check] = &[
    check!(
        Layout,
        layout::not_set_up,
        "that telemetry is set up at all",
        ["telemetry-not-set-up"]
    ),
    check!(
        Layout,
        layout::requirements,
        "the backend's requirements file",
        ["requirements-missing"]
    ),
    check!(
        ComposeEnv,
        compose_env::endpoint,
        "the OTLP endpoint",
        [
            "otel-endpoint-missing",
            "otel-endpoint-signal-path",
            "otel-traces-endpoint-no-path",
            "otel-endpoint-invalid",
        ]
    ),
    check!(
        ComposeEnv,
        compose_env::headers,
        "the exporter headers",
        ["otel-headers-missing", "otel-headers-malformed"]
    ),
    check!(
        ComposeEnv,
        compose_env::service_name,
        "the service name (dataset)",
        ["otel-service-name-missing"]
    ),
    check!(
        ComposeEnv,
        compose_env::names,
        "variable names against the ones the SDKs read",
        ["env-name-typo"]
    ),
    check!(
        ComposeEnv,
        compose_env::list_quotes,
        "quotes kept by list-form entries",
        ["compose-list-quotes"]
    ),
    check!(
        ComposeEnv,
        compose_env::protocol,
        "the OTLP protocol against the exporter",
        ["otel-protocol-mismatch"]
    ),
    check!(
        ComposeEnv,
        compose_env::disabled,
        "variables that switch tracing off",
        ["otel-disabled"]
    ),
    check!(
        ComposeEnv,
        compose_env::interpolation,
        "${VAR} substitution",
        [
            "env-file-not-interpolated",
            "gitpod-env-not-loaded",
            "compose-var-unset",
            "compose-var-self-reference",
        ]
    ),
    check!(
        ComposeEnv,
        compose_env::env_files,
        "env_file entries",
        ["env-file-missing"]
    ),
    check!(
        ComposeEnv,
        compose_env::wrong_service,
        "variables set on the wrong service",
        ["env-on-wrong-service"]
    ),
    check!(
        ComposeFile,
        compose_file::networks,
        "the networks services join",
        ["compose-network-undefined"]
    ),
    check!(
        ComposeFile,
        compose_file::env_bools,
        "booleans in environment mappings",
        ["compose-env-bool"]
    ),
    check!(
        ComposeFile,
        compose_file::bind_mounts,
        "bind-mounted files",
        ["bind-mount-missing"]
    ),
    check!(
        ComposeFile,
        compose_file::healthchecks,
        "healthchecks",
        [
            "healthcheck-tool-missing",
            "healthcheck-public-url",
            "healthcheck-host-var",
        ]
    ),
    check!(
        Collector,
        collector::config,
        "the collector config",
        ["collector-config-missing", "collector-config-invalid"]
    ),
    check!(
        Collector,
        collector::receivers,
        "where the collector's OTLP receiver listens",
        ["collector-receiver-localhost"]
    ),
    check!(
        Collector,
        collector::image,
        "the collector image and the components it has",
        ["collector-image-unpinned", "collector-component-removed"]
    ),
    check!(
        Collector,
        collector::env,
        "variables the collector config reads",
        ["collector-env-unset"]
    ),
    check!(
        Collector,
        collector::exporters,
        "the collector's exporters to Honeycomb",
        ["collector-honeycomb-headers-missing"]
    ),
    check!(
        Collector,
        collector::usage,
        "whether anything sends to the collector",
        ["collector-unused"]
    ),
    check!(
        Secrets,
        secrets::hardcoded,
        "secrets written into tracked files",
        ["secret-hardcoded"]
    ),
    check!(
        Secrets,
        secrets::dotenv_tracked,
        "whether git tracks the project .env",
        ["dotenv-tracked"]
    ),
    check!(
        Secrets,
        secrets::leftover_temp_files,
        "temporary files an interrupted run left",
        ["secret-file-left"]
    ),
    check!(
        Secrets,
        secrets::dotenv,
        "the project .env",
        ["dotenv-not-ignored", "dotenv-permissions"]
    ),
    check!(
        Secrets,
        secrets::key_format,
        "the Honeycomb key's shape",
        ["honeycomb-key-format", "honeycomb-key-classic-no-dataset"]
    ),
    check!(
        Secrets,
        secrets::rollbar_token,
        "the Rollbar token",
        ["rollbar-token-missing"]
    ),
    check!(
        Secrets,
        secrets::aws,
        "AWS region and credentials",
        ["aws-credentials-missing"]
    ),
    check!(
        Dependencies,
        deps::otel_packages,
        "the OpenTelemetry packages",
        [
            "requirements-missing-otel",
            "requirements-exporter-mismatch",
            "requirements-version-skew",
        ]
    ),
    check!(
        Dependencies,
        deps::provider_packages,
        "the Rollbar, X-Ray and watchtower packages",
        ["requirements-missing-provider"]
    ),
    check!(
        Dependencies,
        deps::dockerfile,
        "the Dockerfile and start command",
        [
            "dockerfile-no-requirements",
            "dockerfile-env-spaced",
            "instrument-without-distro",
            "flask-reloader-auto-instrumentation",
        ]
    ),
    check!(
        Code,
        code::syntax,
        "that every module the app imports is valid Python",
        ["python-syntax-error"]
    ),
    check!(
        Code,
        code::tracing,
        "the tracing pipeline in code",
        [
            "console-exporter-enabled",
            "tracer-provider-not-set",
            "span-processor-missing",
            "otlp-exporter-missing",
        ]
    ),
    check!(
        Code,
        code::flask,
        "Flask instrumentation",
        [
            "flask-instrumented-before-app",
            "flask-not-instrumented",
            "requests-not-instrumented",
            "flask-before-first-request",
        ]
    ),
    check!(
        Code,
        code::rollbar,
        "Rollbar initialisation",
        ["rollbar-not-initialized"]
    ),
    check!(
        Code,
        code::xray,
        "X-Ray middleware and daemon",
        [
            "xray-middleware-before-app",
            "xray-daemon-missing",
            "xray-daemon-command-ignored",
            "xray-daemon-region-missing",
            "xray-daemon-address-missing",
            "xray-daemon-unused",
            "xray-manual-segment",
            "xray-naming-no-wildcard",
        ]
    ),
    check!(
        Code,
        code::watchtower,
        "the watchtower handler",
        ["watchtower-deprecated-arg", "watchtower-handler-at-import"]
    ),
    check!(
        Code,
        code::undefined,
        "names used in the running code that are bound nowhere",
        ["python-name-undefined"]
    ),
    check!(
        Code,
        code::library,
        "names imported from the library versions the requirements select",
        ["library-name-missing"]
    ),
    check!(
        Code,
        code::gunicorn,
        "gunicorn and tracing set-up",
        ["gunicorn-fork-unsafe"]
    ),
];

#[cfg(test)]
mod tests {
    use super::OFFLINE;
    use crate::doctor::catalogue::CATALOGUE;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Ids of the catalogue no code reports yet. Empty is the goal; an id
    /// here is documented but not built.
    const NOT_BUILT: &[&str] = &[];

    /// Quoted catalogue ids in the source files that report outside the
    /// offline registry: discovery, the network and stack sections, the log
    /// scanner.
    fn reported_elsewhere() -> BTreeSet<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![
            root.join("project/mod.rs"),
            root.join("project/backend.rs"),
            root.join("compose/select.rs"),
            root.join("compose/file.rs"),
            root.join("compose/project.rs"),
            root.join("doctor/checks/network.rs"),
            // A redirect is a failure of the HTTP client the network checks use.
            root.join("http/failure.rs"),
        ];
        for dir in [
            "send",
            "doctor/logs",
            "doctor/stack",
            "providers/honeycomb",
            "providers/rollbar",
            "providers/xray",
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                files.push(e.path());
            }
        }
        let ids: BTreeSet<&str> = CATALOGUE.iter().map(|e| e.id).collect();
        let mut out = BTreeSet::new();
        for f in files
            .iter()
            .filter(|f| f.extension().is_some_and(|x| x == "rs"))
        {
            let text = std::fs::read_to_string(f).unwrap();
            for part in text.split('"').skip(1).step_by(2) {
                let id = part.split('/').next().unwrap_or_default();
                if ids.contains(id) && !f.to_string_lossy().contains("tests") {
                    out.insert(id.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_catalogue_id_is_reported_by_some_check() {
        let mut produced: BTreeSet<String> = OFFLINE
            .iter()
            .flat_map(|c| c.ids.iter().map(|i| i.to_string()))
            .collect();
        produced.extend(reported_elsewhere());
        let missing: Vec<&str> = CATALOGUE
            .iter()
            .map(|e| e.id)
            .filter(|id| !produced.contains(*id) && !NOT_BUILT.contains(id))
            .collect();
        assert!(missing.is_empty(), "no check reports {missing:?}");
        for id in NOT_BUILT {
            assert!(
                !produced.contains(*id),
                "{id} is built now: take it off NOT_BUILT"
            );
        }
    }

    #[test]
    fn every_declared_id_is_in_the_catalogue_and_names_are_unique() {
        let mut names = BTreeSet::new();
        for c in OFFLINE {
            assert!(names.insert(c.name), "{} twice", c.name);
            assert!(!c.ids.is_empty(), "{} declares no id", c.name);
            for id in c.ids {
                assert!(
                    crate::doctor::catalogue::find(id).is_some(),
                    "{}: {id}",
                    c.name
                );
            }
        }
    }
}
