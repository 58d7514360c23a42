use crate::doctor::checks::deps::tests::{assert_at, ids, only, replace};
use crate::doctor::testkit::{project, TestProject, DOCKERFILE_OK, REQUIREMENTS_OK};

const APP: &str = "backend-flask/app.py";
const COMPOSE: &str = "docker-compose.yml";

/// Honeycomb, Rollbar (initialised in an app context, Flask 2.3-proof),
/// X-Ray with its daemon, and watchtower, all set up correctly.
const RICH_COMPOSE: &str = r#"services:
  backend-flask:
    build: ./backend-flask
    environment:
      FRONTEND_URL: "http://localhost:3000"
      OTEL_SERVICE_NAME: "backend-flask"
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
      ROLLBAR_ACCESS_TOKEN: "${ROLLBAR_ACCESS_TOKEN}"
      AWS_XRAY_URL: "*4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}*"
      AWS_XRAY_DAEMON_ADDRESS: "xray-daemon:2000"
      AWS_DEFAULT_REGION: "${AWS_DEFAULT_REGION}"
      AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
      AWS_SECRET_ACCESS_KEY: "${AWS_SECRET_ACCESS_KEY}"
    ports:
      - "4567:4567"
  xray-daemon:
    image: "amazon/aws-xray-daemon"
    environment:
      AWS_ACCESS_KEY_ID: "${AWS_ACCESS_KEY_ID}"
      AWS_SECRET_ACCESS_KEY: "${AWS_SECRET_ACCESS_KEY}"
      AWS_REGION: "us-east-1"
    command: ["-o", "-b", "xray-daemon:2000"]
    ports:
      - 2000:2000/udp
"#;

const RICH_APP: &str = r#"import os
import logging

from flask import Flask, got_request_exception
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.ext.flask.middleware import XRayMiddleware
import watchtower
import rollbar
import rollbar.contrib.flask

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.DEBUG)
try:
    cw_handler = watchtower.CloudWatchLogHandler(log_group_name="cruddur")
    LOGGER.addHandler(cw_handler)
except Exception as e:
    LOGGER.warning("CloudWatch logging off: %s", e)

xray_url = os.getenv("AWS_XRAY_URL")
xray_recorder.configure(service="backend-flask", dynamic_naming=xray_url)

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)

app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)
RequestsInstrumentor().instrument()
XRayMiddleware(app, xray_recorder)

with app.app_context():
    rollbar.init(
        os.getenv("ROLLBAR_ACCESS_TOKEN"),
        "production",
        root=os.path.dirname(os.path.realpath(__file__)),
        allow_logging_basic_config=False,
    )
    got_request_exception.connect(rollbar.contrib.flask.report_exception, app)


@app.route("/api/activities/home")
def home():
    LOGGER.info("home")
    return []
"#;

fn rich_requirements() -> String {
    format!("{REQUIREMENTS_OK}rollbar\nblinker\naws-xray-sdk\nwatchtower\n")
}

fn rich(compose: &str, app: &str) -> TestProject {
    project(&[
        (COMPOSE, compose),
        (APP, app),
        ("backend-flask/requirements.txt", &rich_requirements()),
        ("backend-flask/Dockerfile", DOCKERFILE_OK),
        ("xray.env", "AWS_REGION=eu-west-1\n"),
    ])
}

fn rich_app(edit: impl FnOnce(&str) -> String) -> TestProject {
    rich(RICH_COMPOSE, &edit(RICH_APP))
}

fn rich_compose(edit: impl FnOnce(&str) -> String) -> TestProject {
    rich(&edit(RICH_COMPOSE), RICH_APP)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

const REGION: &str = "      AWS_REGION: \"us-east-1\"\n";
const COMMAND: &str = "    command: [\"-o\", \"-b\", \"xray-daemon:2000\"]\n";

#[test]
fn rich_project_is_clean() {
    assert_eq!(ids(&rich(RICH_COMPOSE, RICH_APP)), Vec::<&str>::new());
}

#[test]
fn rollbar_never_initialised() {
    let init_block = &RICH_APP[RICH_APP.find("with app.app_context():").unwrap()
        ..RICH_APP.find("\n\n@app.route").unwrap()];
    let f = only(
        &rich_app(|t| replace(t, init_block, "")),
        "rollbar-not-initialized",
    );
    assert_at(&f, APP, Some(14));
    assert_eq!(
        f.evidence.as_deref(),
        Some("backend-flask/app.py:14: import rollbar")
    );
}

#[test]
fn rollbar_init_in_a_string_does_not_count() {
    let tp = rich_app(|t| {
        replace(
            t,
            "    rollbar.init(\n",
            "    \"\"\"rollbar.init(\"\"\"\n    print(\n",
        )
    });
    let f = only(&tp, "rollbar-not-initialized");
    assert_at(&f, APP, Some(14));
}

const BFR_INIT: &str = "\n@app.before_first_request\ndef init_rollbar():\n    rollbar.init(os.getenv(\"ROLLBAR_ACCESS_TOKEN\"), \"production\")\n";

fn rollbar_in_hook() -> String {
    let start = RICH_APP.find("with app.app_context():").unwrap();
    let end = RICH_APP.find("\n\n@app.route").unwrap();
    format!("{}{BFR_INIT}{}", &RICH_APP[..start], &RICH_APP[end..])
}

#[test]
fn rollbar_init_in_before_first_request_never_runs_on_flask_2_3() {
    let app = rollbar_in_hook();
    let found = crate::doctor::checks::deps::tests::all(&rich(RICH_COMPOSE, &app));
    let at: Vec<_> = found.iter().map(|f| (f.id, f.line)).collect();
    let hook = line_of(&app, "@app.before_first_request");
    // One cause: the crash at import; Rollbar never initialised is its
    // consequence, said in its title.
    assert_eq!(at, vec![("flask-before-first-request", Some(hook))]);
    assert!(
        found[0].title.ends_with("so Rollbar is never initialised"),
        "{}",
        found[0].title
    );
}

#[test]
fn rollbar_init_in_before_first_request_is_fine_below_flask_2_3() {
    let tp = rich(RICH_COMPOSE, &rollbar_in_hook());
    let req = replace(&rich_requirements(), "flask\n", "flask==2.2.5\n");
    std::fs::write(tp.dir.path().join("backend-flask/requirements.txt"), req).unwrap();
    assert_eq!(
        ids(&super::super::deps::tests::rediscover(tp)),
        Vec::<&str>::new()
    );
}

#[test]
fn xray_middleware_before_the_app() {
    let tp = rich_app(|t| {
        let t = replace(t, "XRayMiddleware(app, xray_recorder)\n", "");
        replace(
            &t,
            "app = Flask(__name__)\n",
            "XRayMiddleware(app, xray_recorder)\napp = Flask(__name__)\n",
        )
    });
    let f = only(&tp, "xray-middleware-before-app");
    assert_at(&f, APP, Some(32));
}

#[test]
fn xray_daemon_missing() {
    let tp = rich_compose(|t| {
        let t = &t[..t.find("  xray-daemon:").unwrap()];
        replace(
            t,
            "      AWS_XRAY_DAEMON_ADDRESS: \"xray-daemon:2000\"\n",
            "",
        )
    });
    let f = only(&tp, "xray-daemon-missing");
    // Where the repair goes: the backend's environment; the code is the evidence.
    assert_at(&f, COMPOSE, Some(4));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("app.py:35 applies XRayMiddleware"));
}

#[test]
fn a_daemon_address_alone_is_enough() {
    let tp = rich_compose(|t| t[..t.find("  xray-daemon:").unwrap()].to_string());
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn xray_daemon_without_region() {
    let f = only(
        &rich_compose(|t| replace(t, REGION, "")),
        "xray-daemon-region-missing",
    );
    assert_at(&f, COMPOSE, Some(17));
}

#[test]
fn region_from_flag_list_env_or_env_file() {
    let with_flag = |t: &str| {
        let t = replace(t, REGION, "");
        replace(
            &t,
            COMMAND,
            "    command: [\"-o\", \"-n\", \"us-east-1\"]\n",
        )
    };
    assert_eq!(ids(&rich_compose(with_flag)), Vec::<&str>::new());
    let list_env = |t: &str| {
        let old = "    environment:\n      AWS_ACCESS_KEY_ID: \"${AWS_ACCESS_KEY_ID}\"\n      AWS_SECRET_ACCESS_KEY: \"${AWS_SECRET_ACCESS_KEY}\"\n      AWS_REGION: \"us-east-1\"\n    command";
        replace(t, old, "    environment:\n      - AWS_ACCESS_KEY_ID\n      - AWS_REGION=us-east-1\n    command")
    };
    assert_eq!(ids(&rich_compose(list_env)), Vec::<&str>::new());
    let env_file = |t: &str| {
        replace(t, REGION, "").replace(COMMAND, &format!("{COMMAND}    env_file: xray.env\n"))
    };
    assert_eq!(ids(&rich_compose(env_file)), Vec::<&str>::new());
}

#[test]
fn one_word_command_is_ignored() {
    let tp = rich_compose(|t| {
        replace(
            t,
            COMMAND,
            "    command:\n      - \"xray -o -b xray-daemon:2000\"\n",
        )
    });
    let f = only(&tp, "xray-daemon-command-ignored");
    assert_at(&f, COMPOSE, Some(23));
}

#[test]
fn a_region_flag_inside_one_word_does_not_count() {
    let tp = rich_compose(|t| {
        let t = replace(t, REGION, "");
        replace(&t, COMMAND, "    command: [\"-o -n us-east-1\"]\n")
    });
    let found = crate::doctor::checks::deps::tests::all(&tp);
    let at: Vec<_> = found.iter().map(|f| (f.id, f.line)).collect();
    assert_eq!(
        at,
        vec![
            ("xray-daemon-command-ignored", Some(22)),
            ("xray-daemon-region-missing", Some(17))
        ]
    );
}

/// The image's entrypoint already runs `/xray` with flags, and Go's flag
/// parser stops at the first non-flag word: a leading `xray` hides the rest.
#[test]
fn a_program_name_in_the_command_hides_the_flags() {
    let tp = rich_compose(|t| {
        replace(
            t,
            COMMAND,
            "    command: [\"xray\", \"-o\", \"-b\", \"xray-daemon:2000\"]\n",
        )
    });
    let f = only(&tp, "xray-daemon-command-ignored");
    assert_at(&f, COMPOSE, Some(23));
    assert!(f
        .evidence
        .unwrap()
        .ends_with("ignored: xray -o -b xray-daemon:2000"));
}

#[test]
fn watchtower_old_argument() {
    let tp = rich_app(|t| replace(t, "log_group_name=", "log_group="));
    let f = only(&tp, "watchtower-deprecated-arg");
    assert_at(&f, APP, Some(20));
    assert_eq!(f.column, Some(18));
}

#[test]
fn watchtower_old_argument_in_a_comment_is_ignored() {
    let tp = rich_app(|t| {
        replace(
            t,
            "LOGGER.setLevel",
            "# watchtower.CloudWatchLogHandler(log_group=\"cruddur\")\nLOGGER.setLevel",
        )
    });
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn list_form_backend_environment_with_a_daemon_address() {
    let backend_env = &RICH_COMPOSE
        [RICH_COMPOSE.find("    environment:").unwrap()..RICH_COMPOSE.find("    ports:").unwrap()];
    let list: String = backend_env
        .lines()
        .skip(1)
        .map(|l| {
            let (k, v) = l.trim().split_once(": ").unwrap();
            format!("      - {k}={}\n", v.trim_matches('"'))
        })
        .collect();
    let compose = replace(
        RICH_COMPOSE,
        backend_env,
        &format!("    environment:\n{list}"),
    );
    let compose = &compose[..compose.find("  xray-daemon:").unwrap()];
    assert!(compose.contains("      - AWS_XRAY_DAEMON_ADDRESS=xray-daemon:2000\n"));
    assert_eq!(ids(&rich(compose, RICH_APP)), Vec::<&str>::new());
}

/// Broken variants of every setup line, commented out or quoted, beside
/// the working code.
#[test]
fn commented_and_quoted_mistakes_are_ignored() {
    let noise = r#"
# XRayMiddleware(app, xray_recorder)
# FlaskInstrumentor().instrument_app(app)
"""
@app.before_first_request
def init_rollbar():
    rollbar.init(token)
provider = TracerProvider()
"""
hint = "watchtower.CloudWatchLogHandler(log_group='cruddur')"
"#;
    let tp = rich_app(|t| {
        replace(
            t,
            "app = Flask(__name__)\n",
            &format!("{noise}app = Flask(__name__)\n"),
        )
    });
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn a_segment_begun_inside_a_request_replaces_the_middlewares() {
    let segment = |call: &'static str| {
        move |t: &str| {
            replace(
                t,
                "    LOGGER.info(\"home\")\n",
                &format!(
                    "    segment = xray_recorder.{call}('mock-data')\n    LOGGER.info(\"home\")\n"
                ),
            )
        }
    };
    let tp = rich_app(segment("begin_segment"));
    let f = only(&tp, "xray-manual-segment");
    assert_eq!(
        f.line,
        Some(line_of(
            &segment("begin_segment")(RICH_APP),
            "begin_segment"
        ))
    );
    assert!(f.title.contains("`home`"), "{}", f.title);
    // A subsegment nests under the request's segment: right.
    assert_eq!(
        ids(&rich_app(segment("begin_subsegment"))),
        Vec::<&str>::new()
    );
    // Without the middleware there is no request segment to replace.
    let tp = rich_app(|t| {
        replace(
            &segment("begin_segment")(t),
            "XRayMiddleware(app, xray_recorder)\n",
            "",
        )
    });
    assert!(!ids(&tp).contains(&"xray-manual-segment"));
}

#[test]
fn a_naming_pattern_without_a_wildcard_matches_one_host() {
    // The rich project's AWS_XRAY_URL is `*4567-…*`: right.
    assert!(!ids(&rich_app(|t| t.to_string())).contains(&"xray-naming-no-wildcard"));
    let tp = rich_compose(|t| {
        replace(
            t,
            "\"*4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}*\"",
            "\"4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}\"",
        )
    });
    let f = only(&tp, "xray-naming-no-wildcard");
    assert!(
        f.evidence.as_deref().unwrap().contains("AWS_XRAY_URL="),
        "{f:#?}"
    );
    // A literal pattern is judged as written.
    let literal = |pattern: &'static str| {
        move |t: &str| {
            replace(
                t,
                "dynamic_naming=xray_url",
                &format!("dynamic_naming=\"{pattern}\""),
            )
        }
    };
    assert_eq!(
        ids(&rich_app(literal("api.cruddur.com"))),
        ["xray-naming-no-wildcard"]
    );
    assert_eq!(ids(&rich_app(literal("*"))), Vec::<&str>::new());
}

#[test]
fn a_cloudwatch_handler_built_unguarded_at_import_is_named() {
    let bare = |t: &str| {
        replace(
            t,
            "try:\n    cw_handler = watchtower.CloudWatchLogHandler(log_group_name=\"cruddur\")\n    LOGGER.addHandler(cw_handler)\nexcept Exception as e:\n    LOGGER.warning(\"CloudWatch logging off: %s\", e)\n",
            "cw_handler = watchtower.CloudWatchLogHandler(log_group_name=\"cruddur\")\nLOGGER.addHandler(cw_handler)\n",
        )
    };
    let f = only(&rich_app(bare), "watchtower-handler-at-import");
    assert_eq!(
        f.line,
        Some(line_of(&bare(RICH_APP), "CloudWatchLogHandler"))
    );
    // Inside try (the rich app) or a function: a failure costs the logs only.
    let in_function = |t: &str| {
        replace(
            &bare(t),
            "cw_handler = watchtower.CloudWatchLogHandler(log_group_name=\"cruddur\")\nLOGGER.addHandler(cw_handler)\n",
            "def add_cloudwatch():\n    LOGGER.addHandler(watchtower.CloudWatchLogHandler(log_group_name=\"cruddur\"))\n",
        )
    };
    assert_eq!(ids(&rich_app(in_function)), Vec::<&str>::new());
}
