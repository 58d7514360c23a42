//! AWS X-Ray: the SDK in the backend and the daemon it sends to. Reported
//! in the Backend code section.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Code, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "xray-middleware-before-app",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "`XRayMiddleware(app, ...)` runs before `app = Flask(...)`.",
        why: "The middleware registers before- and after-request hooks on the app object it is \
              given. Before `app = Flask(...)` it raises `NameError`, or hooks an earlier object \
              and requests get no segment.",
        fix: "Move `XRayMiddleware(app, xray_recorder)` below `app = Flask(__name__)`.",
        example: Example {
            lang: Python,
            before: "
                XRayMiddleware(app, xray_recorder)
                app = Flask(__name__)
            ",
            after: "
                app = Flask(__name__)
                XRayMiddleware(app, xray_recorder)
            ",
        },
    },
    Entry {
        id: "xray-daemon-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "X-Ray middleware, but no daemon service in compose and no \
                  `AWS_XRAY_DAEMON_ADDRESS`.",
        why: "The X-Ray SDK sends segments over UDP to a daemon, by default 127.0.0.1:2000: inside \
              the backend's own container, where nothing listens. UDP never reports a failure, so \
              the app runs and no trace appears.",
        fix: "Add an `xray-daemon` service (image amazon/aws-xray-daemon, region and credentials \
              in its environment) and set `AWS_XRAY_DAEMON_ADDRESS: \"xray-daemon:2000\"` on the \
              backend; `cruddur-obs init --provider xray` writes both.",
        example: Example {
            lang: Compose,
            before: r#"
                services:
                  backend-flask:
                    build: ./backend-flask
            "#,
            after: r#"
                services:
                  backend-flask:
                    build: ./backend-flask
                    environment:
                      AWS_XRAY_DAEMON_ADDRESS: "xray-daemon:2000"
                  xray-daemon:
                    image: "amazon/aws-xray-daemon"
                    environment:
                      AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
                      AWS_SECRET_ACCESS_KEY: "${AWS_SECRET_ACCESS_KEY}"
                      AWS_REGION: "${AWS_DEFAULT_REGION}"
                    command: ["-o", "-b", "xray-daemon:2000"]
            "#,
        },
    },
    Entry {
        id: "xray-daemon-address-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "An xray-daemon service runs, but the backend has no `AWS_XRAY_DAEMON_ADDRESS`.",
        why: "The SDK sends to 127.0.0.1:2000 unless `AWS_XRAY_DAEMON_ADDRESS` says otherwise; in \
              the backend container that is the container itself, not the daemon service. UDP \
              sends succeed with no listener, so nothing reports the loss.",
        fix: "Set `AWS_XRAY_DAEMON_ADDRESS` to {value|`xray-daemon:2000` (the daemon's service \
              name and port)} in the environment of {service|the backend service}, then `docker \
              compose up -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                backend-flask:
                  environment:
                    AWS_XRAY_URL: "*"
            "#,
            after: r#"
                backend-flask:
                  environment:
                    AWS_XRAY_URL: "*"
                    AWS_XRAY_DAEMON_ADDRESS: "xray-daemon:2000"
            "#,
        },
    },
    Entry {
        id: "xray-daemon-region-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "The X-Ray daemon service has no region: it exits at start.",
        why: "The daemon needs a region to know where to upload; with no `AWS_REGION` and no `-n`, \
              it logs `Cannot fetch region variable from config file` and exits.",
        fix: "Give {service|the daemon's service} a region: add `AWS_REGION: \
              \"${AWS_DEFAULT_REGION}\"` (or your region, e.g. `us-east-1`) to its environment, or \
              pass it as `command:` items (`[\"-n\", \"us-east-1\"]`); then `docker compose up \
              -d`.",
        example: Example {
            lang: Compose,
            before: r#"
                xray-daemon:
                  image: "amazon/aws-xray-daemon"
                  environment:
                    AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
            "#,
            after: r#"
                xray-daemon:
                  image: "amazon/aws-xray-daemon"
                  environment:
                    AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
                    AWS_REGION: "${AWS_DEFAULT_REGION}"
            "#,
        },
    },
    Entry {
        id: "xray-daemon-command-ignored",
        severity: Info,
        category: Code,
        fixable: false,
        network: false,
        summary: "The daemon's `command:` is one argv word and is ignored.",
        why: "compose passes each list item as one argument, and the image's entrypoint already \
              runs the daemon: `[\"xray -o -b xray-daemon:2000\"]` is a single word that is not a \
              flag, where the daemon's flag parser stops. The daemon runs with its default flags, \
              not yours.",
        fix: "Write each flag as its own item and leave out the program name, which the image's \
              entrypoint already runs: `command: [\"-o\", \"-b\", \"xray-daemon:2000\"]`.",
        example: Example {
            lang: Compose,
            before: r#"
                command:
                  - "xray -o -b xray-daemon:2000"
            "#,
            after: r#"
                command: ["-o", "-b", "xray-daemon:2000"]
            "#,
        },
    },
    Entry {
        id: "xray-manual-segment",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "`xray_recorder.begin_segment()` inside request code replaces the middleware's \
                  segment.",
        why: "XRayMiddleware already opened a segment for the request. A second `begin_segment` \
              replaces it in the recorder's context; once `end_segment` closes it, the middleware \
              finds no segment when the response leaves: `AttributeError: 'NoneType' object has \
              no attribute 'put_http_meta'`, the route answers 500, and the request's segment is \
              never sent (aws-xray-sdk 2.x).",
        fix: "Inside a request use `xray_recorder.begin_subsegment('name')` / `end_subsegment()`, or \
              the `@xray_recorder.capture('name')` decorator.",
        example: Example {
            lang: Python,
            before: "
                segment = xray_recorder.begin_segment('activities_home')
                ...
                xray_recorder.end_segment()
            ",
            after: "
                subsegment = xray_recorder.begin_subsegment('activities_home')
                ...
                xray_recorder.end_subsegment()
            ",
        },
    },
    Entry {
        id: "xray-naming-no-wildcard",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "A `dynamic_naming` pattern without `*` matches only that exact host.",
        why: "`dynamic_naming` names a segment after the request's Host header when it matches the \
              pattern, where `*` matches any characters. Without `*` only that exact host matches: \
              requests through any other host (localhost, another workspace) get the default \
              `service` name.",
        fix: "Use a pattern with wildcards, e.g. `dynamic_naming='*'`, or \
              `'*4567-*.gitpod.io*'` for Gitpod's preview URLs.",
        example: Example {
            lang: Python,
            before: "
                xray_recorder.configure(service='backend-flask', dynamic_naming='4567-myworkspace.gitpod.io')
            ",
            after: "
                xray_recorder.configure(service='backend-flask', dynamic_naming='*4567-*.gitpod.io*')
            ",
        },
    },
    Entry {
        id: "xray-daemon-unused",
        severity: Info,
        category: Code,
        fixable: false,
        network: false,
        summary: "An xray-daemon service runs, but nothing active sends to it.",
        why: "The daemon only forwards what SDKs send it. With no active X-Ray code (middleware \
              removed or commented out, `AWS_XRAY_SDK_ENABLED=false`) it idles, and still needs \
              AWS credentials and a region to start.",
        fix: "Remove the xray-daemon service, or enable X-Ray in the backend \
              (`XRayMiddleware(app, xray_recorder)` after `app = Flask(__name__)`).",
        example: Example {
            lang: Python,
            before: "
                # XRayMiddleware(app, xray_recorder)
            ",
            after: "
                XRayMiddleware(app, xray_recorder)
            ",
        },
    },
];
