use crate::doctor::checks::deps::tests::{assert_at, ids, only, rediscover, replace};
use crate::doctor::testkit::{ok_project_with, TestProject, APP_OK, REQUIREMENTS_OK};

const APP: &str = "backend-flask/app.py";
const REQ: &str = "backend-flask/requirements.txt";
const SET: &str = "trace.set_tracer_provider(provider)\n";
const PROCESSOR: &str = "provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n";
const FLASK_INSTR: &str = "FlaskInstrumentor().instrument_app(app)\n";

fn app(edit: impl FnOnce(&str) -> String) -> TestProject {
    ok_project_with(APP, edit)
}

#[test]
fn provider_never_set() {
    let f = only(&app(|t| replace(t, SET, "")), "tracer-provider-not-set");
    assert_at(&f, APP, Some(11));
    assert_eq!(f.column, Some(12));
    assert_eq!(
        f.evidence.as_deref(),
        Some("backend-flask/app.py:11: provider = TracerProvider()")
    );
}

#[test]
fn a_commented_or_quoted_set_does_not_count() {
    for hidden in [
        "# trace.set_tracer_provider(provider)\n",
        "\"\"\"trace.set_tracer_provider(provider)\"\"\"\n",
        "note = 'trace.set_tracer_provider(provider)'\n",
    ] {
        let f = only(&app(|t| replace(t, SET, hidden)), "tracer-provider-not-set");
        assert_at(&f, APP, Some(11));
    }
}

#[test]
fn provider_without_processor() {
    let f = only(
        &app(|t| replace(t, PROCESSOR, "")),
        "span-processor-missing",
    );
    assert_at(&f, APP, Some(11));
}

#[test]
fn console_exporter_only() {
    let tp = app(|t| {
        let t = replace(
            t,
            "BatchSpanProcessor(OTLPSpanExporter())",
            "SimpleSpanProcessor(ConsoleSpanExporter())",
        );
        replace(
            &t,
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor",
            "from opentelemetry.sdk.trace.export import SimpleSpanProcessor, ConsoleSpanExporter",
        )
    });
    let found: Vec<_> = crate::doctor::checks::deps::tests::all(&tp);
    let at: Vec<_> = found.iter().map(|f| (f.id, f.line)).collect();
    assert_eq!(
        at,
        vec![
            ("console-exporter-enabled", Some(12)),
            ("otlp-exporter-missing", Some(12))
        ]
    );
}

#[test]
fn console_exporter_beside_otlp_is_info_only() {
    let extra = "provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))\n";
    let import =
        "from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor\n";
    let f = only(
        &app(|t| {
            format!(
                "{import}{}",
                replace(t, PROCESSOR, &format!("{PROCESSOR}{extra}"))
            )
        }),
        "console-exporter-enabled",
    );
    assert_at(&f, APP, Some(14));
    assert_eq!(f.column, Some(49));
}

#[test]
fn opentelemetry_without_any_provider() {
    let f = only(
        &app(|t| {
            replace(
                t,
                &format!("provider = TracerProvider()\n{PROCESSOR}{SET}"),
                "",
            )
        }),
        "otlp-exporter-missing",
    );
    assert_at(&f, APP, Some(2));
}

const TELEMETRY: &str = "from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)


def instrument(app):
    FlaskInstrumentor().instrument_app(app)
    RequestsInstrumentor().instrument()
";

/// The setup moved to backend-flask/telemetry.py, which app.py imports.
fn helper_project(telemetry: &str) -> TestProject {
    let tp = app(|_| {
        "from flask import Flask\nfrom telemetry import instrument\n\napp = Flask(__name__)\ninstrument(app)\n".to_string()
    });
    std::fs::write(tp.dir.path().join("backend-flask/telemetry.py"), telemetry).unwrap();
    rediscover(tp)
}

#[test]
fn setup_in_a_helper_module_counts() {
    assert_eq!(ids(&helper_project(TELEMETRY)), Vec::<&str>::new());
}

#[test]
fn a_helper_module_is_checked_too() {
    let f = only(
        &helper_project(&replace(TELEMETRY, SET, "")),
        "tracer-provider-not-set",
    );
    assert_at(&f, "backend-flask/telemetry.py", Some(8));
}

#[test]
fn flask_not_instrumented_points_at_the_app() {
    let f = only(
        &app(|t| replace(t, FLASK_INSTR, "")),
        "flask-not-instrumented",
    );
    assert_at(&f, APP, Some(9));
}

#[test]
fn instrument_after_the_app_does_not_instrument_it() {
    let f = only(
        &app(|t| replace(t, FLASK_INSTR, "FlaskInstrumentor().instrument()\n")),
        "flask-not-instrumented",
    );
    assert_at(&f, APP, Some(14));
}

#[test]
fn instrument_before_the_app_counts() {
    let tp = app(|t| {
        let t = replace(t, FLASK_INSTR, "");
        replace(
            &t,
            "app = Flask(__name__)\n",
            "FlaskInstrumentor().instrument()\napp = Flask(__name__)\n",
        )
    });
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn flask_instrumented_before_the_app() {
    let tp = app(|t| {
        let t = replace(t, FLASK_INSTR, "");
        replace(
            &t,
            "app = Flask(__name__)\n",
            &format!("{FLASK_INSTR}app = Flask(__name__)\n"),
        )
    });
    let f = only(&tp, "flask-instrumented-before-app");
    assert_at(&f, APP, Some(9));
}

#[test]
fn requests_not_instrumented() {
    let f = only(
        &app(|t| replace(t, "RequestsInstrumentor().instrument()\n", "")),
        "requests-not-instrumented",
    );
    assert_at(&f, APP, Some(14));
}

const BFR: &str = "\n@app.before_first_request\ndef warm_up():\n    pass\n";

fn with_flask(spec: &str, edit: impl FnOnce(&str) -> String) -> TestProject {
    let tp = app(edit);
    let req = replace(REQUIREMENTS_OK, "flask\n", &format!("flask{spec}\n"));
    std::fs::write(tp.dir.path().join(REQ), req).unwrap();
    rediscover(tp)
}

#[test]
fn before_first_request_on_unpinned_flask() {
    let f = only(&app(|t| format!("{t}{BFR}")), "flask-before-first-request");
    assert_at(&f, APP, Some(22));
    assert_eq!(f.column, Some(1));
}

#[test]
fn before_first_request_is_judged_by_the_flask_pin() {
    for spec in ["<2.3", "==2.2.5", ">=2.0,<2.3", "~=2.2.0"] {
        assert_eq!(
            ids(&with_flask(spec, |t| format!("{t}{BFR}"))),
            Vec::<&str>::new(),
            "{spec}"
        );
    }
    for spec in [">=2.0", "~=2.2", "==2.3.*", "<3"] {
        let f = only(
            &with_flask(spec, |t| format!("{t}{BFR}")),
            "flask-before-first-request",
        );
        assert_at(&f, APP, Some(22));
    }
}

#[test]
fn a_commented_before_first_request_is_ignored() {
    let hidden = "\n# @app.before_first_request\ndef warm_up():\n    pass\n";
    assert_eq!(ids(&app(|t| format!("{t}{hidden}"))), Vec::<&str>::new());
}

fn gunicorn(command: &str) -> TestProject {
    let tp = app(|t| t.to_string());
    let compose = replace(
        crate::doctor::testkit::COMPOSE_OK,
        "    ports:",
        &format!("    command: {command}\n    ports:"),
    );
    std::fs::write(tp.dir.path().join("docker-compose.yml"), compose).unwrap();
    rediscover(tp)
}

#[test]
fn gunicorn_preload_with_import_time_tracing() {
    let f = only(
        &gunicorn("gunicorn --preload -b 0.0.0.0:4567 app:app"),
        "gunicorn-fork-unsafe",
    );
    assert_at(&f, APP, Some(11));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .ends_with("docker-compose.yml:9: command: gunicorn --preload -b 0.0.0.0:4567 app:app"));
    assert!(f.fix().contains("post_fork"));
}

#[test]
fn gunicorn_without_preload_is_clean() {
    assert_eq!(
        ids(&gunicorn("gunicorn -b 0.0.0.0:4567 app:app")),
        Vec::<&str>::new()
    );
}

#[test]
fn ok_app_text_is_what_the_line_numbers_assume() {
    assert_eq!(APP_OK.lines().nth(10), Some("provider = TracerProvider()"));
    assert_eq!(APP_OK.lines().nth(8), Some("app = Flask(__name__)"));
}
