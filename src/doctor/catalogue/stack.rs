//! The running stack: what the containers of this compose project are doing
//! now (only where a docker engine answers; skipped, and said so, elsewhere).

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Stack, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "container-not-running",
        severity: Error,
        category: Stack,
        fixable: false,
        network: false,
        summary: "The backend (or xray-daemon, collector) container exited or keeps restarting.",
        why: "A container that is not running sends nothing, however right its configuration is. \
              Its exit code and last log lines say why; the finding quotes them, each mapped to \
              its id as `doctor --logs` does.",
        fix: "Fix the cause its log names (quoted in the evidence, under their own ids when doctor \
              knows them: `cruddur-obs explain ID`), then start it: {command|`docker compose up -d \
              <service>`}. A service with no container yet only needs starting.",
        example: Example {
            lang: Log,
            before: "
                backend-flask exited with code 1
                AttributeError: 'Flask' object has no attribute 'before_first_request'
            ",
            after: "
                backend-flask  |  * Running on http://0.0.0.0:4567
            ",
        },
    },
    Entry {
        id: "container-env-stale",
        severity: Error,
        category: Stack,
        fixable: false,
        network: false,
        summary: "The running backend container's environment differs from what compose would give \
                  it now.",
        why: "A container keeps the environment it was created with. After an edit to the compose \
              file or `.env`, `docker compose restart` (or nothing) leaves the old values in \
              place: the running backend is not the configuration doctor checked.",
        fix: "Recreate the container so it gets the environment compose gives it now: \
              {command|`docker compose up -d <service>`} (a restart keeps the old environment).",
        example: Example {
            lang: Shell,
            before: "
                docker compose restart backend-flask
            ",
            after: "
                docker compose up -d backend-flask
            ",
        },
    },
    Entry {
        id: "container-missing-packages",
        severity: Error,
        category: Stack,
        fixable: false,
        network: false,
        summary: "The running image lacks packages the requirements now list.",
        why: "The image was built before the requirements changed, so the packages added since are \
              not in it: imports fail, or auto-instrumentation leaves those parts out.",
        fix: "Rebuild the image and recreate the container: {command|`docker compose up -d --build \
              <service>`}.",
        example: Example {
            lang: Shell,
            before: "
                docker compose up -d
            ",
            after: "
                docker compose up -d --build
            ",
        },
    },
    Entry {
        id: "container-export-failing",
        severity: Error,
        category: Stack,
        fixable: false,
        network: false,
        summary: "The backend's recent logs show export failures.",
        why: "The running process fails to export right now (401, an unreachable endpoint, a \
              missing component), whatever the files on disk say. Each failure is named under its \
              own id, with the log line as evidence.",
        fix: "Read the lines around the failure ({command|`docker logs <container>`}) or feed them \
              to `cruddur-obs doctor --logs -`, fix the cause they name, then recreate the \
              container with `docker compose up -d`.",
        example: Example {
            lang: Log,
            before: "
                Failed to export batch code: 401, reason: {\"message\":\"unknown API key - check your credentials, region, and API URL\"}
            ",
            after: "
                (no exporter messages: the batches are accepted)
            ",
        },
    },
];
