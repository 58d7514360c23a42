//! The OpenTelemetry Collector some projects run between the backend and
//! the vendor: its config, its image, and whether anything uses it.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Collector, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "collector-config-missing",
        severity: Error,
        category: Collector,
        fixable: false,
        network: false,
        summary: "The config file the collector is told to read does not exist.",
        why: "A bind mount of a missing file makes docker create an empty directory in its place; \
              the collector then cannot read its config (`is a directory`) and exits, so every \
              export from the backend to it is refused.",
        fix: "Create the config file at the path the collector service mounts (relative to the \
              compose file), or point the mount or `--config` at the file that exists; then \
              `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
                  volumes:
                    - ./collector.yaml:/etc/otelcol-contrib/config.yaml   # no collector.yaml in the project
            "#,
            after: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
                  volumes:
                    - ./otel-collector-config.yaml:/etc/otelcol-contrib/config.yaml
            "#,
        },
    },
    Entry {
        id: "collector-config-invalid",
        severity: Error,
        category: Collector,
        fixable: false,
        network: false,
        summary: "The collector config is not valid YAML, or a pipeline names a receiver or \
                  exporter that is not defined.",
        why: "The collector validates the whole config at start-up. A YAML error, or a pipeline \
              naming a component that is not defined under `receivers:`, `processors:` or \
              `exporters:` (`references exporter \"otlphttp\" which is not configured`), makes it \
              exit before it receives anything.",
        fix: "Correct the YAML, and define every component a pipeline names, under exactly that \
              name (`otlp/honeycomb` and `otlp` are different components).",
        example: Example {
            lang: CollectorConfig,
            before: r#"
                exporters:
                  otlp/honeycomb:
                    endpoint: api.honeycomb.io:443
                service:
                  pipelines:
                    traces:
                      receivers: [otlp]
                      exporters: [otlphttp]
            "#,
            after: r#"
                exporters:
                  otlp/honeycomb:
                    endpoint: api.honeycomb.io:443
                service:
                  pipelines:
                    traces:
                      receivers: [otlp]
                      exporters: [otlp/honeycomb]
            "#,
        },
    },
    Entry {
        id: "collector-receiver-localhost",
        severity: Error,
        category: Collector,
        fixable: true,
        network: false,
        summary: "An OTLP receiver with no endpoint or a `localhost:` one: unreachable from the \
                  backend container.",
        why: "Since collector v0.104.0 a receiver endpoint without a host binds `localhost` \
              (feature gate `component.UseLocalHostAsDefaultHost`); inside the collector container \
              that accepts connections from the container itself only, so the backend's exports \
              get `connection refused`. An explicit `localhost:4318` does the same.",
        fix: "Write `endpoint: 0.0.0.0:4318` under the receiver's `http:` protocol and \
              `endpoint: 0.0.0.0:4317` under `grpc:`.",
        example: Example {
            lang: CollectorConfig,
            before: r#"
                receivers:
                  otlp:
                    protocols:
                      http:
                      grpc:
            "#,
            after: r#"
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 0.0.0.0:4318
                      grpc:
                        endpoint: 0.0.0.0:4317
            "#,
        },
    },
    Entry {
        id: "collector-component-removed",
        severity: Error,
        category: Collector,
        fixable: false,
        network: false,
        summary: "The config uses a component the collector no longer has: `logging` (removed in \
                  v0.111.0) or `jaeger` (removed in v0.85.0).",
        why:
            "The `logging` exporter was deprecated for `debug` in v0.86.0 and removed in v0.111.0; \
              the `jaeger` exporter was removed in v0.85.0. A newer image rejects the config \
              (`unknown type: \"logging\"`) and the collector exits.",
        fix: "Replace `logging` with `debug` in `exporters:` and in every pipeline; replace a \
              `jaeger` exporter with an `otlp` exporter to Jaeger's OTLP port (4317), which \
              Jaeger accepts.",
        example: Example {
            lang: CollectorConfig,
            before: r#"
                exporters:
                  logging:
                    verbosity: detailed
                service:
                  pipelines:
                    traces:
                      exporters: [logging]
            "#,
            after: r#"
                exporters:
                  debug:
                    verbosity: detailed
                service:
                  pipelines:
                    traces:
                      exporters: [debug]
            "#,
        },
    },
    Entry {
        id: "collector-image-unpinned",
        severity: Warning,
        category: Collector,
        fixable: false,
        network: false,
        summary: "The collector image is `:latest` or has no tag.",
        why: "An unpinned image is whatever release is newest on the next pull or on a new \
              machine. Releases remove components and change defaults (`logging` gone in \
              v0.111.0, receivers on localhost since v0.104.0), so a config that worked yesterday \
              stops the collector today.",
        fix: "Pin the image to the version the config was written for, e.g. \
              `otel/opentelemetry-collector-contrib:0.111.0`, and upgrade on purpose.",
        example: Example {
            lang: Compose,
            before: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib
            "#,
            after: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
            "#,
        },
    },
    Entry {
        id: "collector-env-unset",
        severity: Error,
        category: Collector,
        fixable: false,
        network: false,
        summary: "`${env:VAR}` in the collector config is not set in the collector service's \
                  environment.",
        why: "The collector expands `${env:VAR}` from its own process environment: the collector \
              service's `environment:` in compose, not the backend's and not the `.env` file \
              directly. Unset, it expands to an empty string, so an `x-honeycomb-team` header \
              built from it is empty and Honeycomb answers 401.",
        fix:
            "Add {var} to the environment of {service} (`HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"`), \
              with the value in the shell or the project .env; then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
            "#,
            after: r#"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
                  environment:
                    HONEYCOMB_API_KEY: "${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "collector-honeycomb-headers-missing",
        severity: Error,
        category: Collector,
        fixable: false,
        network: false,
        summary: "A collector exporter to Honeycomb has no `x-honeycomb-team` header.",
        why:
            "Honeycomb finds the team by the key in `x-honeycomb-team` on every request; an `otlp` \
              or `otlphttp` exporter to api.honeycomb.io without it is answered 401 and the \
              collector drops the batches (`Exporting failed`).",
        fix:
            "Add `x-honeycomb-team: ${env:HONEYCOMB_API_KEY}` under the exporter's `headers:`, and \
              HONEYCOMB_API_KEY to the collector service's environment.",
        example: Example {
            lang: CollectorConfig,
            before: r#"
                exporters:
                  otlp:
                    endpoint: api.honeycomb.io:443
            "#,
            after: r#"
                exporters:
                  otlp:
                    endpoint: api.honeycomb.io:443
                    headers:
                      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}
            "#,
        },
    },
    Entry {
        id: "collector-unused",
        severity: Warning,
        category: Collector,
        fixable: false,
        network: false,
        summary: "A collector service runs, but the backend exports elsewhere.",
        why: "The backend's OTLP endpoint points past the collector (straight at Honeycomb, say), \
              so the collector receives nothing: its processors and exporters never run, and edits \
              to its config change nothing.",
        fix: "Add {var|the variable} to the environment of {service|the collector's service} as a \
              reference (`HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"`), with the value in the \
              shell or the project .env; then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                backend-flask:
                  environment:
                    OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
            "#,
            after: r#"
                backend-flask:
                  environment:
                    OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318"
                otel-collector:
                  image: otel/opentelemetry-collector-contrib:0.111.0
            "#,
        },
    },
];
