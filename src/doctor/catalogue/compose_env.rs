//! The compose environment of the backend service: what the SDK inside the
//! container actually reads.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::ComposeEnv, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "otel-endpoint-missing",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "Neither `OTEL_EXPORTER_OTLP_ENDPOINT` nor `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is \
                  set: the SDK sends to localhost inside the container.",
        why: "With no endpoint the OTLP exporter uses its default, `http://localhost:4318/v1/traces` \
              (gRPC: `localhost:4317`). Inside the backend container localhost is the container \
              itself, where nothing listens: every export fails with a connection error in the log \
              and no span leaves.",
        fix: "Set `OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"` in the environment \
              of {service|the backend service} (EU teams: `https://api.eu1.honeycomb.io`; through \
              a collector: its URL, e.g. `http://otel-collector:4318`), then `docker compose up \
              -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                backend-flask:
                  environment:
                    OTEL_SERVICE_NAME: "backend-flask"
            "#,
            after: r#"
                backend-flask:
                  environment:
                    OTEL_SERVICE_NAME: "backend-flask"
                    OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
                    OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "otel-headers-missing",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "No `x-honeycomb-team` header in `OTEL_EXPORTER_OTLP_HEADERS` or \
                  `OTEL_EXPORTER_OTLP_TRACES_HEADERS`.",
        why: "Honeycomb finds the team and environment by the key in the `x-honeycomb-team` header. \
              Without it every export is answered 401 `missing 'x-honeycomb-team' header` and the \
              spans are dropped.",
        fix: "Set {var|`OTEL_EXPORTER_OTLP_HEADERS`} to `x-honeycomb-team=${HONEYCOMB_API_KEY}` in \
              the environment of {service|the backend service}, and give HONEYCOMB_API_KEY a value \
              where compose reads it, the project .env or the shell (`cruddur-obs init` does \
              both); then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
            after: r#"
                environment:
                  OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
                  OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "otel-service-name-missing",
        severity: Warning,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "No `OTEL_SERVICE_NAME` nor `service.name` in `OTEL_RESOURCE_ATTRIBUTES`: data lands \
                  in dataset `unknown_service`.",
        why: "Honeycomb names the dataset after `service.name`. Unset, the SDK reports \
              `unknown_service` (or `unknown_service:python`), so the backend's traces land in the \
              `unknown_service` dataset, mixed with every other unnamed service.",
        fix: "Name the dataset: set `OTEL_SERVICE_NAME` in the environment of {service|the backend \
              service} to {value|the name you want, e.g. `backend-flask`}.",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
            after: r#"
                environment:
                  OTEL_SERVICE_NAME: "backend-flask"
                  OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "env-name-typo",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "A variable name close to a known one (`OTEL-SERVICE-NAME`, \
                  `OTEL_EXPORTER_OTLP_HEADER`, `HONEYCOMB_APIKEY`): silently ignored.",
        why: "The SDK and the libraries read exact names. A name with hyphens for underscores, the \
              wrong case or a letter missing reaches the container, but nothing reads it and \
              nothing warns: the setting falls back to its default (no header, `unknown_service`, \
              localhost).",
        fix: "Where {var|the misspelt variable} is written, rename it to {value|the name the \
              finding suggests}, then `docker compose up -d`; when that name is set already, \
              delete the misspelt one instead.",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  OTEL-SERVICE-NAME: "backend-flask"
                  OTEL_EXPORTER_OTLP_HEADER: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
            after: r#"
                environment:
                  OTEL_SERVICE_NAME: "backend-flask"
                  OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "otel-endpoint-signal-path",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "The base endpoint ends in `/v1/traces`: the SDK appends it again.",
        why: "`OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL. The HTTP exporter appends `/v1/traces` \
              without checking for it, so `https://api.honeycomb.io/v1/traces` posts to \
              `/v1/traces/v1/traces`, and every export is answered 404.",
        fix: "Set `OTEL_EXPORTER_OTLP_ENDPOINT` to the base URL, without `/v1/traces`: {value|e.g. \
              `https://api.honeycomb.io`} (when the value comes from another variable, drop the \
              path there). The SDK appends `/v1/traces` itself; a full URL belongs in \
              `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io/v1/traces"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "otel-traces-endpoint-no-path",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` lacks `/v1/traces`: it is used as given.",
        why: "The per-signal endpoint is used exactly as written, and it wins over the base one. \
              `https://api.honeycomb.io` there posts the spans to `/`, which answers 404.",
        fix: "End `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` with `/v1/traces` ({value|e.g. \
              `https://api.honeycomb.io/v1/traces`}): it is used exactly as given. Or set \
              `OTEL_EXPORTER_OTLP_ENDPOINT` to the base URL instead, which gets the path appended.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://api.honeycomb.io"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://api.honeycomb.io/v1/traces"
            "#,
        },
    },
    Entry {
        id: "otel-endpoint-invalid",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "The endpoint is not an absolute URL, has no scheme, uses `http://` to Honeycomb, or \
                  names a Honeycomb host that is not its API.",
        why: "The exporter needs an absolute URL. Without a scheme (`api.honeycomb.io`) it cannot \
              send at all; Honeycomb takes OTLP over TLS only, so `http://` is refused; and \
              `ui.honeycomb.io` or `honeycomb.io` are the web site, not an OTLP receiver.",
        fix: "Set {var|`OTEL_EXPORTER_OTLP_ENDPOINT`} to an absolute URL the backend can reach: \
              {value|`https://api.honeycomb.io` (EU: `https://api.eu1.honeycomb.io`), or your \
              collector's by its service name, e.g. `http://otel-collector:4318`}; then `docker \
              compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "ui.honeycomb.io"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "otel-headers-malformed",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "A header entry with quotes, `:` instead of `=`, no `=`, or a wrong header name \
                  (`x-honeycomb-key`, `authorization`).",
        why: "The headers variable is `name=value` pairs separated by commas. The Python SDK logs \
              `Header format invalid!` and drops an entry it cannot parse (quotes, `:`, no `=`); \
              a wrong name is sent but Honeycomb does not read it. Either way the key never \
              arrives and the export is answered 401.",
        fix: "Write {var|`OTEL_EXPORTER_OTLP_HEADERS`} as comma-separated `name=value` entries, \
              `x-honeycomb-team=${HONEYCOMB_API_KEY}`: no quotes inside the value, `=` (not `:`) \
              between name and value, and the header name `x-honeycomb-team`; then `docker compose \
              up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team: '${HONEYCOMB_API_KEY}'"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "compose-list-quotes",
        severity: Error,
        category: ComposeEnv,
        fixable: true,
        network: false,
        summary: "List-form `- KEY=\"value\"`: compose keeps the quotes in the value.",
        why: "In the list form compose takes everything after the first `=` literally, so \
              `- OTEL_EXPORTER_OTLP_ENDPOINT=\"https://api.honeycomb.io\"` gives the SDK a URL that \
              starts with a quote: not a URL, and a header or dataset name with stray quotes.",
        fix: "Write the entry without the quotes around its value ({value|`- KEY=value`}), or \
              quote the whole item (`- \"KEY=value\"`), or use the mapping form (`KEY: \
              \"value\"`).",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  - OTEL_EXPORTER_OTLP_ENDPOINT="https://api.honeycomb.io"
            "#,
            after: r#"
                environment:
                  - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io
            "#,
        },
    },
    Entry {
        id: "otel-protocol-mismatch",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "The OTLP protocol does not match the installed exporter package or the endpoint's \
                  port; `http/json` is unsupported in Python.",
        why: "`opentelemetry-instrument` picks the exporter by `OTEL_EXPORTER_OTLP_PROTOCOL`: unset \
              or `grpc` (opentelemetry-distro's default) needs opentelemetry-exporter-otlp-proto-grpc, \
              `http/protobuf` needs opentelemetry-exporter-otlp-proto-http, anything else \
              (`http/json` included) raises at start-up. gRPC to an HTTP port (4318) or HTTP to a \
              gRPC port (4317) fails every export.",
        fix: "Make protocol, package and port agree: `http/protobuf` goes with \
              opentelemetry-exporter-otlp-proto-http and an HTTP endpoint (Honeycomb \
              `https://api.honeycomb.io`, a collector's port 4318), `grpc` with \
              opentelemetry-exporter-otlp-proto-grpc and port 4317 (Honeycomb: 443); Python has no \
              `http/json` exporter. To keep the exporter package you have, set \
              {value|`OTEL_EXPORTER_OTLP_PROTOCOL` to its protocol}.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_PROTOCOL: "http/json"
                OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4317"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf"
                OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318"
            "#,
        },
    },
    Entry {
        id: "otel-disabled",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "`OTEL_SDK_DISABLED=true`, or `OTEL_TRACES_EXPORTER` is `none` or only `console`.",
        why: "`OTEL_SDK_DISABLED=true` makes the SDK hand out no-op tracers; under \
              `opentelemetry-instrument`, `OTEL_TRACES_EXPORTER=none` (or `console` alone) installs \
              no OTLP exporter. The app runs normally, nothing is sent, and nothing says why.",
        fix: "Turn tracing back on: remove `OTEL_SDK_DISABLED` (or set it to `\"false\"`), and set \
              `OTEL_TRACES_EXPORTER` to `otlp` (`otlp,console` to keep printing spans) or remove \
              it, since `otlp` is the default; then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_SDK_DISABLED: "true"
                OTEL_TRACES_EXPORTER: "console"
            "#,
            after: r#"
                OTEL_TRACES_EXPORTER: "otlp"
            "#,
        },
    },
    Entry {
        id: "compose-var-unset",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "A `${VAR}` the backend needs (the key, the token) is set neither in the shell nor \
                  in the project `.env`: compose substitutes \"\".",
        why: "compose fills `${VAR}` from the shell that runs it, then the project `.env`. An unset \
              variable becomes an empty string with only a warning \
              (`The \"VAR\" variable is not set. Defaulting to a blank string.`), so the backend \
              starts with an empty key or token and every export is rejected.",
        fix: "Set {var|each variable the finding names} where compose reads variables: a \
              `NAME=value` line in the project .env (an `env_file:` does not count) or `export \
              NAME=value` in the shell that runs `docker compose up` (in Gitpod, `gp env \
              NAME=value` also keeps it for new workspaces and `eval $(gp env -e)` loads it now). \
              `cruddur-obs init` stores the Honeycomb key and the Rollbar token this way; AWS \
              credentials are yours to export or add to .env. Then `docker compose up -d`.",
        example: Example {
            lang: Dotenv,
            before: "
                # .env: no HONEYCOMB_API_KEY line, and the shell does not export it
            ",
            after: "
                HONEYCOMB_API_KEY=your-ingest-key
            ",
        },
    },
    Entry {
        id: "gitpod-env-not-loaded",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "In a Gitpod workspace, the variable is stored with `gp env` but absent from the \
                  current shell.",
        why: "`gp env NAME=value` stores the variable for the workspace's next start; it does not \
              change shells that are already open. compose in this terminal does not see it and \
              substitutes an empty string.",
        fix: "Load {var|the variables stored with `gp env`} into this terminal with `eval $(gp env \
              -e)` (or open a new terminal), then `docker compose up -d`.",
        example: Example {
            lang: Shell,
            before: "
                gp env HONEYCOMB_API_KEY=your-ingest-key
                docker compose up
            ",
            after: "
                gp env HONEYCOMB_API_KEY=your-ingest-key
                eval $(gp env -e)
                docker compose up
            ",
        },
    },
    Entry {
        id: "env-file-missing",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "An `env_file:` entry names a file that does not exist.",
        why: "compose refuses to create a service whose `env_file:` is missing \
              (`env file ... not found`): the backend does not start at all.",
        fix: "Create {file|the env_file} (`KEY=value` lines; copy its example when one sits beside \
              it), or remove the `env_file:` entry, or mark it optional with `required: false` \
              (compose 2.24 and later).",
        example: Example {
            lang: Compose,
            before: r#"
                backend-flask:
                  env_file: backend-flask.env
            "#,
            after: r#"
                backend-flask:
                  env_file:
                    - path: backend-flask.env
                      required: false
            "#,
        },
    },
    Entry {
        id: "env-file-not-interpolated",
        severity: Warning,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "A `${VAR}` is defined only in an `env_file:` file, which does not feed \
                  interpolation.",
        why: "`env_file:` files go into the container's environment; compose's `${VAR}` \
              interpolation reads only the shell and the project `.env`. A `${VAR}` defined only \
              in an env_file is substituted as an empty string.",
        fix: "Define {var|the variable} in the project .env (next to the compose file) or export \
              it in the shell: compose substitutes `${…}` from those two only. Keep the env_file \
              for values the container reads directly.",
        example: Example {
            lang: Dotenv,
            before: "
                # backend-flask.env (an env_file: entry)
                HONEYCOMB_API_KEY=your-ingest-key
            ",
            after: "
                # .env (beside docker-compose.yml)
                HONEYCOMB_API_KEY=your-ingest-key
            ",
        },
    },
    Entry {
        id: "env-on-wrong-service",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "Variables the backend reads (OTEL_*, AWS_XRAY_*, ROLLBAR_*, the key) sit on \
                  another service, not on the backend.",
        why: "Each container gets only its own service's `environment:`. Settings on the frontend \
              or the xray-daemon never reach the Python process, which runs with its defaults.",
        fix: "Move {var|those variables} under the `environment:` of {service|the backend \
              service}, then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                frontend-react-js:
                  environment:
                    OTEL_SERVICE_NAME: "backend-flask"
            "#,
            after: r#"
                backend-flask:
                  environment:
                    OTEL_SERVICE_NAME: "backend-flask"
            "#,
        },
    },
    Entry {
        id: "compose-var-self-reference",
        severity: Error,
        category: ComposeEnv,
        fixable: false,
        network: false,
        summary: "`${VAR}` refers to a variable defined only in a service's own `environment:`: it \
                  is empty.",
        why: "compose interpolates `${VAR}` from the shell and the project `.env` while it reads \
              the file, before any container exists; a service's `environment:` is never a source. \
              A variable defined only there is unset at interpolation, so `${VAR}` becomes \"\".",
        fix: "Write the value itself where `${…}` uses it, or define {var|the variable} in the \
              project .env (or the shell) instead of in a service's environment.",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  OTEL_SERVICE_NAME: "backend-flask"
                  OTEL_RESOURCE_ATTRIBUTES: "service.name=${OTEL_SERVICE_NAME}"
            "#,
            after: r#"
                environment:
                  OTEL_SERVICE_NAME: "backend-flask"
                  OTEL_RESOURCE_ATTRIBUTES: "service.name=backend-flask"
            "#,
        },
    },
];
