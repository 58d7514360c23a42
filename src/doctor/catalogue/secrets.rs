//! Keys and secrets: where they are kept, whether they leak, and whether
//! the vendors accept them.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Secrets, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "secret-hardcoded",
        severity: Error,
        category: Secrets,
        fixable: true,
        network: false,
        summary: "A literal Honeycomb key, Rollbar token or AWS secret in a tracked file instead of \
                  `${VAR}`.",
        why: "Compose files, code, Dockerfiles, .gitpod.yml and collector configs are committed: a \
              literal key is in the repository's history for good, readable by anyone who can \
              read the repository (a public GitHub repo, a fork), who can then send data as you.",
        fix: "Take the secret out of {file|the tracked file}: in its place write {value|a \
              reference (`${HONEYCOMB_API_KEY}` in compose, `os.getenv(\"HONEYCOMB_API_KEY\")` in \
              Python)}, or in a Dockerfile or .gitpod.yml delete it and pass it through compose's \
              `environment:`; keep the value of {var|the variable} in the git-ignored project .env \
              (or with `gp env` in Gitpod), and revoke the key in the vendor's settings if the \
              file was ever committed or shared: git history keeps it.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=<the key itself>"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
        },
    },
    Entry {
        id: "dotenv-not-ignored",
        severity: Error,
        category: Secrets,
        fixable: true,
        network: false,
        summary: "`.env` holds secrets but git does not ignore it.",
        why: "`.env` is where compose reads `${VAR}` values and where init stores the key. If git \
              does not ignore it, the next `git add .` commits the key.",
        fix: "Add `.env` to .gitignore; if it was ever committed, also untrack it and revoke the \
              keys it held (`cruddur-obs explain dotenv-tracked`).",
        example: Example {
            lang: Shell,
            before: "
                $ git status --short
                ?? .env
            ",
            after: "
                $ echo .env >> .gitignore
                $ git status --short
                 M .gitignore
            ",
        },
    },
    Entry {
        id: "dotenv-permissions",
        severity: Warning,
        category: Secrets,
        fixable: true,
        network: false,
        summary: "`.env` with secrets is readable by group or others.",
        why: "With mode 0644 every user and process on the machine can read the keys in `.env`: \
              other accounts on a shared host, tools and containers that mount the project.",
        fix: "Make it private: `chmod 600 .env`.",
        example: Example {
            lang: Shell,
            before: "
                $ ls -l .env
                -rw-r--r-- 1 gitpod gitpod 96 .env
            ",
            after: "
                $ chmod 600 .env; ls -l .env
                -rw------- 1 gitpod gitpod 96 .env
            ",
        },
    },
    Entry {
        id: "dotenv-tracked",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: false,
        summary: "`.env` holds secrets and git tracks it.",
        why: "An ignore rule applies only to untracked files: a `.env` git already tracks stays \
              tracked, and every change to it (every new key) is committed and pushed with the \
              next `git commit -a`.",
        fix: "Untrack it with `git rm --cached .env`, make sure `.env` is in .gitignore, commit, \
              and revoke the keys the history holds.",
        example: Example {
            lang: Shell,
            before: "
                $ git ls-files .env
                .env
            ",
            after: "
                $ git rm --cached .env && git commit -m 'Stop tracking .env'
                $ git ls-files .env
            ",
        },
    },
    Entry {
        id: "secret-file-left",
        severity: Error,
        category: Secrets,
        fixable: true,
        network: false,
        summary: "A temporary file left by an interrupted run holds a secret.",
        why: "cruddur-obs writes a file through a temporary `.cruddur-obs-*` file beside it, then \
              renames it into place. A run killed in between leaves that file, holding the new \
              content (a key, for `.env`), in the project, where `git add .` picks it up.",
        fix: "Delete {file}, and check that the real file holds what you \
              expect.",
        example: Example {
            lang: Shell,
            before: "
                $ ls -A
                .cruddur-obs-x3Fq9a  .env  docker-compose.yml
            ",
            after: "
                $ rm .cruddur-obs-x3Fq9a; ls -A
                .env  docker-compose.yml
            ",
        },
    },
    Entry {
        id: "honeycomb-key-format",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: false,
        summary: "The Honeycomb key has whitespace, quotes or a newline, or matches no known shape.",
        why: "The key is sent exactly as stored: quotes, a trailing newline or spaces copied with \
              it make Honeycomb answer 401. A value of no known shape is usually something else \
              (a key's id, a management key, a dataset name).",
        fix: "Copy the ingest key again from Honeycomb (Environment settings → API keys) and store \
              it alone: no quotes inside the value, no spaces, no line break (`cruddur-obs init` \
              stores it that way, in .env or with `gp env`).",
        example: Example {
            lang: Dotenv,
            before: "
                HONEYCOMB_API_KEY=\"'your-ingest-key '\"
            ",
            after: "
                HONEYCOMB_API_KEY=your-ingest-key
            ",
        },
    },
    Entry {
        id: "honeycomb-key-classic-no-dataset",
        severity: Error,
        category: Secrets,
        fixable: true,
        network: false,
        summary: "A classic Honeycomb key but no `x-honeycomb-dataset` header.",
        why: "Classic keys (32 hex characters, or `hc?ic_...`) send to the dataset named by the \
              `x-honeycomb-dataset` header, not by `service.name`; without it Honeycomb answers 401 \
              `missing 'x-honeycomb-dataset' header`.",
        fix: "Append {value|`,x-honeycomb-dataset=<dataset>`} to \
              {var|`OTEL_EXPORTER_OTLP_HEADERS`}, after the team header; or use an environment \
              ingest key, which needs no dataset header.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY},x-honeycomb-dataset=backend-flask"
            "#,
        },
    },
    Entry {
        id: "honeycomb-key-rejected",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: true,
        summary: "Honeycomb's `/1/auth` answers 401: the key is unknown.",
        why: "Honeycomb does not know the key: revoked, mistyped, cut short, or from a team you \
              are not in. Every export with it is answered 401 the same way.",
        fix: "Copy an ingest key from Honeycomb (Environment settings → API keys) into \
              HONEYCOMB_API_KEY where compose reads it (`cruddur-obs init` stores it in .env, or \
              with `gp env` in Gitpod), check that the endpoint is the key's region \
              (`api.honeycomb.io` or `api.eu1.honeycomb.io`), then `docker compose up -d`.",
        example: Example {
            lang: Log,
            before: "
                401 {\"error\":\"unknown API key - check your credentials\"}
            ",
            after: "
                200 {\"type\":\"ingest\",\"api_key_access\":{\"events\":true},...}
            ",
        },
    },
    Entry {
        id: "honeycomb-region-mismatch",
        severity: Error,
        category: Secrets,
        fixable: true,
        network: true,
        summary: "The key is rejected in the endpoint's region but accepted in the other.",
        why: "Honeycomb US and EU are separate instances: a key made at ui.eu1.honeycomb.io is \
              unknown to api.honeycomb.io (401) and the other way round. The key is fine; the \
              endpoint is in the wrong region.",
        fix: "Point `OTEL_EXPORTER_OTLP_ENDPOINT` at the key's region: \
              {value|`https://api.eu1.honeycomb.io` for EU keys, `https://api.honeycomb.io` for US \
              keys} (`cruddur-obs init --region eu|us` writes it).",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"   # an EU key
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.eu1.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "honeycomb-key-cannot-send",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: true,
        summary: "The key lacks the `events` permission.",
        why: "`/1/auth` shows a key without `events` (a configuration key made for markers or \
              boards): Honeycomb refuses every export made with it.",
        fix: "Give the key the \"Send Events\" permission in Honeycomb's API key settings, or use \
              an ingest key, which has it.",
        example: Example {
            lang: Log,
            before: "
                {\"type\":\"configuration\",\"api_key_access\":{\"events\":false,\"markers\":true}}
            ",
            after: "
                {\"type\":\"ingest\",\"api_key_access\":{\"events\":true,\"createDatasets\":true}}
            ",
        },
    },
    Entry {
        id: "honeycomb-key-cannot-create-dataset",
        severity: Warning,
        category: Secrets,
        fixable: false,
        network: true,
        summary: "The key lacks `createDatasets` and the dataset is new.",
        why: "A new `service.name` means a new dataset, which a key may only create with \
              `createDatasets`; without it the new service's spans are refused until someone \
              creates the dataset.",
        fix: "Give the key \"Create Datasets\" in Honeycomb, or send once with a key that has it, or \
              set OTEL_SERVICE_NAME to an existing dataset's name.",
        example: Example {
            lang: Log,
            before: "
                {\"api_key_access\":{\"events\":true,\"createDatasets\":false}}
            ",
            after: "
                {\"api_key_access\":{\"events\":true,\"createDatasets\":true}}
            ",
        },
    },
    Entry {
        id: "rollbar-token-missing",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: false,
        summary: "The code reports to Rollbar but no token reaches the container.",
        why: "pyrollbar needs a server access token at `rollbar.init`; with `None` or an empty \
              string it logs `pyrollbar: No access_token provided` and reports nothing.",
        fix: "Pass the token to {service|the backend service}: add {value|`ROLLBAR_ACCESS_TOKEN: \
              \"${ROLLBAR_ACCESS_TOKEN}\"`} to its environment, keep the token itself in the \
              project .env or the shell (`cruddur-obs init` stores it there, or with `gp env` in \
              Gitpod), and read that variable at start-up \
              (`rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), …)`); then `docker compose up -d`.",
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
                    ROLLBAR_ACCESS_TOKEN: "${ROLLBAR_ACCESS_TOKEN}"
            "#,
        },
    },
    Entry {
        id: "rollbar-token-rejected",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: true,
        summary: "Rollbar answers 403: the token is invalid, disabled, expired, or client-scoped.",
        why: "Rollbar refused the token: unknown, disabled or expired (Rollbar expired every token \
              issued before 2023-10-10), or a client token (`post_client_item`) where the server \
              needs `post_server_item`. Every item is dropped.",
        fix: "Create a project access token with the `post_server_item` scope (Rollbar: Project \
              settings → Project Access Tokens; tokens issued before 2023-10-10 were expired by \
              Rollbar), put it in ROLLBAR_ACCESS_TOKEN where compose reads it, then `docker \
              compose up -d`.",
        example: Example {
            lang: Log,
            before: "
                403 {\"err\": 1, \"message\": \"insufficient privileges: post_server_item scope is required but the access token only has post_client_item.\"}
            ",
            after: "
                200 {\"err\": 0, \"result\": {\"uuid\": \"...\"}}
            ",
        },
    },
    Entry {
        id: "aws-credentials-missing",
        severity: Error,
        category: Secrets,
        fixable: false,
        network: false,
        summary: "X-Ray or CloudWatch is used, but the region or credentials do not reach the \
                  container or the daemon.",
        why: "The X-Ray daemon and watchtower call AWS. Without a region botocore raises \
              `NoRegionError` (watchtower fails when its handler is created) and the daemon exits; \
              without credentials the daemon cannot upload segments and watchtower cannot write \
              its log stream.",
        fix: "Give {service|the service that calls AWS (the backend, the X-Ray daemon)} {var|a \
              region and credentials: `AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`, \
              `AWS_SECRET_ACCESS_KEY`}: in its environment a reference such as `AWS_ACCESS_KEY_ID: \
              \"${AWS_ACCESS_KEY_ID}\"`, the value exported in the shell that runs compose, put in \
              the project .env, or stored with `gp env` in Gitpod (`cruddur-obs init` does not \
              store AWS credentials). Then `docker compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                backend-flask:
                  environment:
                    AWS_XRAY_DAEMON_ADDRESS: "xray-daemon:2000"
            "#,
            after: r#"
                backend-flask:
                  environment:
                    AWS_XRAY_DAEMON_ADDRESS: "xray-daemon:2000"
                    AWS_DEFAULT_REGION: "${AWS_DEFAULT_REGION}"
                    AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
                    AWS_SECRET_ACCESS_KEY: "${AWS_SECRET_ACCESS_KEY}"
            "#,
        },
    },
];
