//! Project layout: what doctor must find before any other check can run.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Layout, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "compose-missing",
        severity: Error,
        category: Layout,
        fixable: false,
        network: false,
        summary: "No compose file in the project directory.",
        why: "Everything doctor checks comes from the compose file, as it does for `docker compose`: \
              the backend service, its environment, its build context. Without one there is no \
              backend to check, and `docker compose up` itself stops with \
              `no configuration file provided: not found`.",
        fix: "Run cruddur-obs in the directory that holds the compose file (or below it), or point \
              at that directory with `--dir DIR`; a compose file with another name is given with \
              `--file FILE`, and a path given with `--file` or `COMPOSE_FILE` must exist.",
        example: Example {
            lang: Shell,
            before: "
                cd backend-flask && cruddur-obs doctor
            ",
            after: "
                cruddur-obs doctor --dir ~/aws-bootcamp-cruddur-2023   # where docker-compose.yml is
            ",
        },
    },
    Entry {
        id: "compose-invalid",
        severity: Error,
        category: Layout,
        fixable: false,
        network: false,
        summary: "The compose file is not valid YAML.",
        why: "compose parses the whole file before it starts anything: one indentation slip or an \
              unclosed quote stops `docker compose up` with `yaml: line N: did not find expected \
              key`, and no service starts. The finding gives the line and column.",
        fix: "Correct the compose file where the finding points: indent with spaces only (no \
              tabs), the same depth for every key of one mapping, a space after each `:`, every \
              quote closed; the top level is a mapping whose `services:` maps each service name to \
              its settings. `docker compose config` shows the file as compose reads it.",
        example: Example {
            lang: Compose,
            before: r#"
                services:
                  backend-flask:
                    environment:
                      OTEL_SERVICE_NAME: "backend-flask"
                     OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
            after: r#"
                services:
                  backend-flask:
                    environment:
                      OTEL_SERVICE_NAME: "backend-flask"
                      OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "backend-service-missing",
        severity: Error,
        category: Layout,
        fixable: false,
        network: false,
        summary: "No service that runs the Python backend could be identified.",
        why: "Every check is about the service that runs the Flask app: its environment, build \
              context, requirements and Dockerfile. doctor takes `--service`, else the service \
              whose build context holds a Flask app, else one named `backend-flask`; with none of \
              these it cannot tell which service to judge. The finding lists the services found.",
        fix: "Name the backend with `--service NAME` (one of the services the finding lists), or \
              give the backend's service a `build:` context that holds the Flask app.",
        example: Example {
            lang: Compose,
            before: r#"
                services:
                  api:
                    image: "cruddur-backend"
            "#,
            after: r#"
                services:
                  api:
                    build: ./backend-flask   # the directory with app.py and requirements.txt
            "#,
        },
    },
    Entry {
        id: "requirements-missing",
        severity: Error,
        category: Layout,
        fixable: false,
        network: false,
        summary: "The backend's build context has neither requirements.txt nor pyproject.toml.",
        why: "The packages the instrumentation imports reach the image through the requirements \
              file the Dockerfile installs. With none, doctor cannot tell what the image holds, and \
              `cruddur-obs init` has nowhere to add the OpenTelemetry packages.",
        fix: "Create requirements.txt in {file|the backend's build context} (`cruddur-obs init` \
              then adds the OpenTelemetry packages) and install it in the Dockerfile with `RUN \
              pip3 install -r requirements.txt`.",
        example: Example {
            lang: Dockerfile,
            before: "
                FROM python:3.10-slim-buster
                WORKDIR /backend-flask
                COPY . .
                RUN pip3 install flask flask-cors
            ",
            after: "
                FROM python:3.10-slim-buster
                WORKDIR /backend-flask
                COPY requirements.txt requirements.txt
                RUN pip3 install -r requirements.txt
                COPY . .
            ",
        },
    },
    Entry {
        id: "telemetry-not-set-up",
        severity: Error,
        category: Layout,
        fixable: false,
        network: false,
        summary: "The project has no telemetry configured at all: no OTEL variables, no \
                  instrumentation, no provider code.",
        why: "Nothing in the backend creates spans or sends them anywhere, so every vendor's screen \
              stays empty. The other checks would only list the missing pieces one by one; this is \
              the one cause.",
        fix: "Run `cruddur-obs init` in the project: it adds the variables to the environment of \
              {service|the backend service}, the packages to its requirements and the \
              instrumentation after `app = Flask(__name__)`, and stores the Honeycomb key outside \
              tracked files (in .env, or with `gp env` in Gitpod). `cruddur-obs init --dry-run` \
              shows the changes first.",
        example: Example {
            lang: Python,
            before: "
                from flask import Flask

                app = Flask(__name__)
            ",
            after: "
                from flask import Flask
                from opentelemetry import trace
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
                from opentelemetry.instrumentation.flask import FlaskInstrumentor
                from opentelemetry.sdk.trace import TracerProvider
                from opentelemetry.sdk.trace.export import BatchSpanProcessor

                provider = TracerProvider()
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                trace.set_tracer_provider(provider)

                app = Flask(__name__)
                FlaskInstrumentor().instrument_app(app)
            ",
        },
    },
    Entry {
        id: "compose-no-default",
        severity: Warning,
        category: Layout,
        fixable: false,
        network: false,
        summary: "No default compose file, only variants such as `docker-compose-local.yml`: plain \
                  `docker compose up` fails.",
        why: "Without `-f` or `COMPOSE_FILE`, compose looks only for compose.yaml, compose.yml, \
              docker-compose.yaml and docker-compose.yml; with only variants present, \
              `docker compose up` stops with `no configuration file provided: not found`, and so \
              does every script or README step that runs it.",
        fix: "Tell compose which file to run, {file|one of the variants the finding lists} or \
              another: pass it with `-f` ({command|`docker compose -f docker-compose-local.yml \
              up`}), set `COMPOSE_FILE` to it in the project .env (compose reads it there), or \
              rename it to docker-compose.yml.",
        example: Example {
            lang: Dotenv,
            before: "
                # .env: nothing tells compose which of the variants to run
            ",
            after: "
                COMPOSE_FILE=docker-compose-local.yml
            ",
        },
    },
];
