//! Python dependencies and the image: what must be installed for the code
//! that sends telemetry to run.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Dependencies, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "requirements-missing-otel",
        severity: Error,
        category: Dependencies,
        fixable: true,
        network: false,
        summary: "A needed OpenTelemetry package is not in the requirements.",
        why: "The set-up imports opentelemetry-api, -sdk, the OTLP exporter and the Flask (and \
              requests) instrumentation at start-up. A package missing from the requirements is \
              missing from the image: the app fails with `ModuleNotFoundError`, or under \
              `opentelemetry-instrument` that part is silently left out.",
        fix: "Add {package|the packages the finding names} to {requirements} and rebuild the \
              image: `docker compose up -d --build`.",
        example: Example {
            lang: Requirements,
            before: "
                flask
                opentelemetry-api
                opentelemetry-sdk
            ",
            after: "
                flask
                opentelemetry-api
                opentelemetry-sdk
                opentelemetry-exporter-otlp-proto-http
                opentelemetry-instrumentation-flask
                opentelemetry-instrumentation-requests
            ",
        },
    },
    Entry {
        id: "requirements-exporter-mismatch",
        severity: Error,
        category: Dependencies,
        fixable: true,
        network: false,
        summary: "The exporter package does not match the protocol in use.",
        why: "Each OTLP protocol has its own package: `http/protobuf` is \
              opentelemetry-exporter-otlp-proto-http, `grpc` is -proto-grpc. With only the other \
              one installed, the code's import fails, or `opentelemetry-instrument` finds no \
              exporter for the configured protocol and exports nothing.",
        fix: "Add {package|the exporter package for the protocol in use \
              (opentelemetry-exporter-otlp-proto-http for `http/protobuf`, \
              opentelemetry-exporter-otlp-proto-grpc for `grpc`)} to {requirements} and rebuild \
              the image (`docker compose up -d --build`), or set `OTEL_EXPORTER_OTLP_PROTOCOL` to \
              the protocol of the exporter that is installed (opentelemetry-distro defaults to \
              `grpc`). An exporter other than OTLP needs its own package, or an `OTEL_*_EXPORTER` \
              value that names one installed (`otlp`, `console`, `none`).",
        example: Example {
            lang: Requirements,
            before: "
                opentelemetry-exporter-otlp-proto-grpc   # OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
            ",
            after: "
                opentelemetry-exporter-otlp-proto-http
            ",
        },
    },
    Entry {
        id: "requirements-version-skew",
        severity: Warning,
        category: Dependencies,
        fixable: false,
        network: false,
        summary: "Pinned core `1.N` with contrib `0.M` where `M` is not `N+21`.",
        why: "OpenTelemetry Python releases core (api, sdk, exporters) `1.N` together with contrib \
              (the instrumentations) `0.(N+21)bX`, and each instrumentation requires the api and \
              semantic conventions of its own release. A mismatched pair fails to install, or \
              breaks at import with an `ImportError` from opentelemetry.semconv.",
        fix: "Pin the instrumentation packages to {value|the contrib release that pairs with the \
              core one (core `1.N` with contrib `0.(N+21)bX`, e.g. `opentelemetry-sdk==1.24.0` \
              with `opentelemetry-instrumentation-flask==0.45b0`)}, or move the core packages to \
              the release that pairs with them, or leave them all unpinned; then rebuild the \
              image.",
        example: Example {
            lang: Requirements,
            before: "
                opentelemetry-sdk==1.24.0
                opentelemetry-instrumentation-flask==0.41b0
            ",
            after: "
                opentelemetry-sdk==1.24.0
                opentelemetry-instrumentation-flask==0.45b0
            ",
        },
    },
    Entry {
        id: "requirements-missing-provider",
        severity: Error,
        category: Dependencies,
        fixable: true,
        network: false,
        summary: "The code imports `rollbar`, `aws_xray_sdk` or `watchtower`, or uses Flask signals \
                  without `blinker`, and the package is missing.",
        why: "An import of a package that is not installed fails with `ModuleNotFoundError` and \
              the app does not start. Flask's signals (`got_request_exception.connect`, as \
              pyrollbar's Flask set-up uses) need `blinker` in Flask before 2.3.",
        fix: "Add {package|the package the finding names} to {requirements} and rebuild the image: \
              `docker compose up -d --build`.",
        example: Example {
            lang: Requirements,
            before: "
                flask
            ",
            after: "
                flask
                rollbar
                blinker
            ",
        },
    },
    Entry {
        id: "dockerfile-no-requirements",
        severity: Error,
        category: Dependencies,
        fixable: false,
        network: false,
        summary: "Neither the backend Dockerfile nor the script it starts installs the requirements \
                  file.",
        why: "Packages in requirements.txt reach the container only if the image build installs \
              them (`pip install -r`, `pip install .`, `poetry install`, a wheel stage, a start \
              script that runs pip). Otherwise none of them is in the image: the app fails at its \
              first OpenTelemetry import.",
        fix: "Install {requirements} in the Dockerfile before copying the code (`COPY \
              requirements.txt .` then `RUN pip3 install -r requirements.txt`; for a \
              pyproject.toml, `COPY pyproject.toml .` and the package, then `RUN pip3 install .`), \
              and rebuild with `docker compose up -d --build`.",
        example: Example {
            lang: Dockerfile,
            before: "
                FROM python:3.10-slim-buster
                WORKDIR /backend-flask
                COPY . .
                CMD [\"python3\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]
            ",
            after: "
                FROM python:3.10-slim-buster
                WORKDIR /backend-flask
                COPY requirements.txt requirements.txt
                RUN pip3 install -r requirements.txt
                COPY . .
                CMD [\"python3\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]
            ",
        },
    },
    Entry {
        id: "dockerfile-env-spaced",
        severity: Warning,
        category: Dependencies,
        fixable: false,
        network: false,
        summary: "`ENV KEY = value`: the legacy form makes the value `= value`.",
        why: "`ENV KEY value` (the legacy form, no `=` right after the name) sets KEY to everything \
              after the first space, so `ENV KEY = value` sets it to `= value`. A URL or name that \
              starts with `= ` is silently wrong.",
        fix: "Write `ENV KEY=value`, with no spaces around `=`.",
        example: Example {
            lang: Dockerfile,
            before: "
                ENV OTEL_SERVICE_NAME = backend-flask
            ",
            after: "
                ENV OTEL_SERVICE_NAME=backend-flask
            ",
        },
    },
    Entry {
        id: "instrument-without-distro",
        severity: Error,
        category: Dependencies,
        fixable: true,
        network: false,
        summary: "`opentelemetry-instrument` starts the app but `opentelemetry-distro` is missing.",
        why: "`opentelemetry-instrument` only runs the installed instrumentations and \
              configurators; the SDK, the exporter and the OTEL_* variables are wired up by a \
              distro. Without opentelemetry-distro no TracerProvider is set and every span goes to \
              the no-op provider.",
        fix: "Add opentelemetry-distro (with the OTLP exporter package) to {requirements} and \
              rebuild the image: `docker compose up -d --build`.",
        example: Example {
            lang: Requirements,
            before: "
                opentelemetry-instrumentation-flask
                opentelemetry-exporter-otlp-proto-http
            ",
            after: "
                opentelemetry-distro
                opentelemetry-instrumentation-flask
                opentelemetry-exporter-otlp-proto-http
            ",
        },
    },
    Entry {
        id: "flask-reloader-auto-instrumentation",
        severity: Warning,
        category: Dependencies,
        fixable: false,
        network: false,
        summary: "`opentelemetry-instrument` with the Flask debug reloader: add `--no-reload`.",
        why: "The debug reloader (`--debug`, `FLASK_DEBUG=1`, `FLASK_ENV=development`) runs the \
              app again in a child process, which auto-instrumentation does not reach: the requests \
              it serves produce no spans (OpenTelemetry's Python troubleshooting guide).",
        fix: "Add `--no-reload` to the `flask run` command (or set `FLASK_RUN_RELOAD=false`), or \
              drop debug mode for runs you trace.",
        example: Example {
            lang: Dockerfile,
            before: "
                CMD [\"opentelemetry-instrument\", \"flask\", \"run\", \"--debug\", \"--host=0.0.0.0\"]
            ",
            after: "
                CMD [\"opentelemetry-instrument\", \"flask\", \"run\", \"--debug\", \"--no-reload\", \"--host=0.0.0.0\"]
            ",
        },
    },
];
