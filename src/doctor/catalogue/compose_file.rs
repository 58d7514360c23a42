//! The compose file itself: what makes compose refuse it, or start
//! containers that cannot work.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::ComposeFile, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "compose-network-undefined",
        severity: Error,
        category: ComposeFile,
        fixable: false,
        network: false,
        summary: "A service joins a network that is not defined at the top level: compose refuses \
                  to start.",
        why: "After interpolation compose checks every network a service names against the \
              top-level `networks:`. An undefined one stops `docker compose up` with \
              `service \"backend-flask\" refers to undefined network internal-network`, and no \
              service starts.",
        fix: "Define {value|the network} under the top-level `networks:`, or remove it from the \
              services that join it: the project's default network already connects every service. \
              A name built from a variable compose leaves empty needs that variable set (in the \
              project .env or the shell).",
        example: Example {
            lang: Compose,
            before: r#"
                services:
                  backend-flask:
                    networks: [internal-network]
            "#,
            after: r#"
                services:
                  backend-flask:
                    networks: [internal-network]
                networks:
                  internal-network:
                    name: cruddur
            "#,
        },
    },
    Entry {
        id: "compose-env-bool",
        severity: Warning,
        category: ComposeFile,
        fixable: true,
        network: false,
        summary: "An unquoted `true`/`false`/`yes`/`no`/`on`/`off` value in an `environment:` \
                  mapping.",
        why: "docker-compose 1.x reads YAML 1.1, where `true`, `yes`, `no` and the like are \
              booleans, and rejects them in an `environment:` mapping (`contains true, which is an \
              invalid type, it should be a string, number, or a null`); compose v2 turns them into \
              text. The same file starts on one machine and not on another. A `null` or empty value \
              means something else again: the variable is taken from the shell running compose.",
        fix: "Quote each value the finding names, e.g. {value|`FLASK_DEBUG: \"true\"`}.",
        example: Example {
            lang: Compose,
            before: r#"
                environment:
                  OTEL_SDK_DISABLED: false
            "#,
            after: r#"
                environment:
                  OTEL_SDK_DISABLED: "false"
            "#,
        },
    },
    Entry {
        id: "bind-mount-missing",
        severity: Error,
        category: ComposeFile,
        fixable: false,
        network: false,
        summary: "A bind-mounted file does not exist: docker creates an empty directory in its place.",
        why: "When the source of a bind mount is missing, docker creates an empty directory at that \
              path on the host and mounts it. The program that expects a file there (a collector \
              reading its config) finds a directory and exits, and the empty directory stays in \
              the project.",
        fix: "Create {file} or correct the path (relative to the compose file's directory); remove \
              the empty directory docker left in its place first.",
        example: Example {
            lang: Compose,
            before: r#"
                otel-collector:
                  volumes:
                    - ./otel-config.yaml:/etc/otelcol-contrib/config.yaml   # the file is otel/config.yaml
            "#,
            after: r#"
                otel-collector:
                  volumes:
                    - ./otel/config.yaml:/etc/otelcol-contrib/config.yaml
            "#,
        },
    },
    Entry {
        id: "healthcheck-tool-missing",
        severity: Error,
        category: ComposeFile,
        fixable: false,
        network: false,
        summary: "The healthcheck runs `curl` or `wget`, but the image has neither: the container is \
                  never healthy.",
        why: "A healthcheck runs inside the container. `python:3.x-slim` and alpine-based images \
              ship no curl (slim has no wget either) and nothing in the Dockerfile installs it, so \
              the test fails with `executable file not found` every time: the container stays \
              `unhealthy`, and services that wait for `condition: service_healthy` never start.",
        fix: "Install the tool in the image (`RUN apt-get update && apt-get install -y \
              --no-install-recommends curl`), or test with what the image has, e.g. \
              `python3 -c \"import urllib.request; urllib.request.urlopen('http://localhost:4567/api/health-check')\"`.",
        example: Example {
            lang: Compose,
            before: r#"
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:4567/api/health-check"]
            "#,
            after: r#"
                healthcheck:
                  test: ["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:4567/api/health-check')"]
            "#,
        },
    },
    Entry {
        id: "healthcheck-host-var",
        severity: Warning,
        category: ComposeFile,
        fixable: false,
        network: false,
        summary: "A `${VAR}` in a healthcheck is interpolated on the host when compose reads the \
                  file, not in the container.",
        why: "compose replaces `${VAR}` while it reads the file, on the host, before the container \
              exists. The healthcheck gets the host's value (often empty, with a `variable is not \
              set` warning), not the one the container has.",
        fix: "Write `$$VAR` to leave a literal `$VAR` for the container's shell (in a `CMD-SHELL` \
              test), or write the value itself.",
        example: Example {
            lang: Compose,
            before: r#"
                healthcheck:
                  test: ["CMD-SHELL", "curl -f http://localhost:${PORT}/api/health-check"]
            "#,
            after: r#"
                healthcheck:
                  test: ["CMD-SHELL", "curl -f http://localhost:$$PORT/api/health-check"]
            "#,
        },
    },
    Entry {
        id: "healthcheck-public-url",
        severity: Warning,
        category: ComposeFile,
        fixable: false,
        network: false,
        summary: "The healthcheck calls the public workspace URL (Gitpod, Codespaces) instead of \
                  localhost inside the container.",
        why: "The healthcheck runs inside the container. The workspace URL \
              (`https://4567-<workspace>.gitpod.io`, `*.app.github.dev`) goes out through the \
              platform's proxy, needs the port to be public or a login, and is built from \
              variables only the host has: the check fails while the app is fine.",
        fix: "Call the app on localhost inside the container, e.g. \
              `curl -f http://localhost:4567/api/health-check`.",
        example: Example {
            lang: Compose,
            before: r#"
                healthcheck:
                  test: ["CMD-SHELL", "curl -f https://4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}/api/health-check"]
            "#,
            after: r#"
                healthcheck:
                  test: ["CMD-SHELL", "curl -f http://localhost:4567/api/health-check"]
            "#,
        },
    },
];
