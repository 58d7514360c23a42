use super::*;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// backend-flask/app.py of the Cruddur bootcamp app, before week 2.
const CRUDDUR: &str = r#"from flask import Flask
from flask import request
from flask_cors import CORS, cross_origin
import os

from services.home_activities import *
from services.user_activities import *
from services.create_activity import *
from services.message_groups import *
from services.messages import *

app = Flask(__name__)
frontend = os.getenv('FRONTEND_URL')
backend = os.getenv('BACKEND_URL')
origins = [frontend, backend]
cors = CORS(
  app,
  resources={r"/api/*": {"origins": origins}},
  expose_headers="location,link",
  allow_headers="content-type,if-modified-since",
  methods="OPTIONS,GET,HEAD,POST"
)

@app.route("/api/message_groups", methods=['GET'])
def data_message_groups():
  user_handle  = 'andrewbrown'
  model = MessageGroups.run(user_handle=user_handle)
  if model['errors'] is not None:
    return model['errors'], 422
  else:
    return model['data'], 200

@app.route("/api/activities/home", methods=['GET'])
def data_home():
  data = HomeActivities.run()
  return data, 200

@app.route("/api/activities/@<string:handle>", methods=['GET'])
def data_handle(handle):
  model = UserActivities.run(handle)
  if model['errors'] is not None:
    return model['errors'], 422
  else:
    return model['data'], 200

if __name__ == "__main__":
  app.run(debug=True)
"#;

const STATEMENTS: [&str; 5] = [
    "provider = TracerProvider()",
    "provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))",
    "trace.set_tracer_provider(provider)",
    "FlaskInstrumentor().instrument_app(app)",
    "RequestsInstrumentor().instrument()",
];

const CALLEES: [&str; 5] = [
    "TracerProvider",
    "provider.add_span_processor",
    "trace.set_tracer_provider",
    "FlaskInstrumentor().instrument_app",
    "RequestsInstrumentor().instrument",
];

fn changed(source: &str) -> String {
    match insert(source, &HONEYCOMB).expect("source parses") {
        InsertOutcome::Changed(out) => out,
        other => panic!("expected a change, got {other:?}"),
    }
}

/// Compiles with CPython itself, which is stricter than tree-sitter.
fn assert_compiles(source: &str) {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cruddur-obs-pyan-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.py");
    std::fs::write(&file, source).unwrap();
    let out = Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(&file)
        .output()
        .expect("python3 runs");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}\n---\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Line (1-based) of a statement that is real code, according to the parser.
fn code_line(source: &str, callee: &str) -> Vec<usize> {
    let m = Module::parse(source).unwrap();
    m.calls()
        .iter()
        .filter(|c| c.callee == callee)
        .map(|c| c.line)
        .collect()
}

#[test]
fn cruddur_app_is_instrumented_after_app_creation_once() {
    let out = changed(CRUDDUR);
    assert_compiles(&out);
    let app_line = out
        .lines()
        .position(|l| l == "app = Flask(__name__)")
        .unwrap()
        + 1;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[app_line], "", "blank line after the app");
    assert_eq!(
        lines[app_line + 1],
        "# OpenTelemetry -> Honeycomb (added by cruddur-obs)"
    );
    assert_eq!(&lines[app_line + 2..app_line + 7], &STATEMENTS);
    assert_eq!(lines[app_line + 7], "", "blank line before what follows");
    assert_eq!(lines[app_line + 8], "frontend = os.getenv('FRONTEND_URL')");
    for spec in HONEYCOMB.imports {
        let line = format!("from {} import {}", spec.module, spec.name);
        let at = lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            at > 8 && at < app_line,
            "{line} goes after the other imports"
        );
    }
    assert_eq!(
        code_line(&out, "FlaskInstrumentor().instrument_app"),
        [app_line + 6]
    );
    assert!(out.ends_with("  app.run(debug=True)\n"));
    assert_eq!(insert(&out, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn commented_or_quoted_instrumentation_is_not_present() {
    let src = "\
\"\"\"Enable with FlaskInstrumentor().instrument_app(app).\"\"\"
from flask import Flask
from opentelemetry.sdk.trace import TracerProvider  # noqa
app = Flask(__name__)
# FlaskInstrumentor().instrument_app(app)
# RequestsInstrumentor().instrument()
HELP = 'provider = TracerProvider(); trace.set_tracer_provider(provider)'
";
    let out = changed(src);
    assert_compiles(&out);
    for callee in CALLEES {
        assert!(
            code_line(src, callee).is_empty(),
            "{callee} is only mentioned"
        );
        assert_eq!(code_line(&out, callee).len(), 1, "{callee} is now code");
    }
    // 3 original lines + 5 imports, then the app (9), a blank and the title.
    assert_eq!(code_line(&out, "FlaskInstrumentor().instrument_app"), [15]);
    assert_eq!(code_line(&out, "RequestsInstrumentor().instrument"), [16]);
    assert_eq!(count(&out, "import TracerProvider"), 1, "already bound");
    assert_eq!(insert(&out, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn app_factory_without_module_level_app_is_no_app() {
    let src =
        "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n";
    assert_eq!(insert(src, &HONEYCOMB).unwrap(), InsertOutcome::NoApp);
    let rendered = render(&HONEYCOMB, "app");
    assert!(rendered.starts_with("from opentelemetry import trace\n"));
    assert!(rendered.ends_with(
        "\nFlaskInstrumentor().instrument_app(app)\nRequestsInstrumentor().instrument()\n"
    ));
    assert_compiles(&rendered);
}

#[test]
fn instrumented_factory_is_unchanged_even_without_module_imports() {
    let src = "\
def create_app():
    from flask import Flask
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    provider = TracerProvider()
    provider.add_span_processor(make())
    trace.set_tracer_provider(provider)
    app = Flask(__name__)
    FlaskInstrumentor().instrument_app(app)
    RequestsInstrumentor().instrument()
    return app
";
    assert_eq!(insert(src, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn crlf_file_keeps_crlf_only() {
    let src = CRUDDUR.replace('\n', "\r\n");
    let out = changed(&src);
    assert_compiles(&out);
    assert_eq!(count(&out, "\n"), count(&out, "\r\n"), "no bare LF");
    assert!(out.contains("app = Flask(__name__)\r\n\r\n# OpenTelemetry"));
    assert_eq!(insert(&out, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn file_without_final_newline() {
    let src = "from flask import Flask\napp = Flask(__name__)";
    let out = changed(src);
    assert_compiles(&out);
    assert!(out.starts_with("from flask import Flask\nfrom opentelemetry import trace\n"));
    assert!(out.contains("app = Flask(__name__)\n\n# OpenTelemetry"));
    assert!(
        out.ends_with("\nRequestsInstrumentor().instrument()"),
        "keeps the missing final newline"
    );

    let src = "from flask import Flask\napp = Flask(__name__)\napp.run()";
    let out = changed(src);
    assert_compiles(&out);
    assert!(out.ends_with("RequestsInstrumentor().instrument()\n\napp.run()"));
}

#[test]
fn qualified_flask_and_other_app_name() {
    let src = "import flask\n\napplication = flask.Flask(__name__)\n";
    let out = changed(src);
    assert_compiles(&out);
    // 1 import + 6 added, blank, app (9), blank, title, then the statements.
    assert_eq!(code_line(&out, "FlaskInstrumentor().instrument_app"), [15]);
    assert!(out.contains("\nFlaskInstrumentor().instrument_app(application)\n"));
    assert!(!out.contains("instrument_app(app)"));
}

#[test]
fn only_missing_imports_are_added_once() {
    let src = "\
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor as FI
from opentelemetry.instrumentation.requests import RequestsInstrumentor
app = Flask(__name__)
";
    let out = changed(src);
    assert_compiles(&out);
    assert_eq!(count(&out, "import trace\n"), 1);
    assert_eq!(count(&out, "import RequestsInstrumentor\n"), 1);
    assert_eq!(
        count(&out, "import FlaskInstrumentor\n"),
        1,
        "the alias FI does not bind the name"
    );
    assert_eq!(count(&out, "import TracerProvider\n"), 1);
    let first_new = out
        .find("from opentelemetry.sdk.trace import TracerProvider")
        .unwrap();
    assert!(first_new > out.find("import RequestsInstrumentor").unwrap());
    assert_eq!(insert(&out, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn imports_land_before_the_app_in_circular_layouts() {
    let src = "import flask\napp = flask.Flask(__name__)\nfrom opentelemetry import trace\nfrom . import views\n";
    let out = changed(src);
    assert_compiles(&out);
    let app_at = out.find("app = flask").unwrap();
    assert_eq!(
        count(&out, "from opentelemetry import trace\n"),
        2,
        "the late import binds too late"
    );
    assert!(out.find("from opentelemetry import trace").unwrap() < app_at);
    assert!(
        out.find("RequestsInstrumentor\napp = flask").is_some(),
        "{out}"
    );
    assert!(out.find("from opentelemetry.sdk.trace import").unwrap() < app_at);
}

#[test]
fn syntax_error_is_reported_with_position() {
    let err = insert(
        "from flask import Flask\napp = Flask(__name__\nx = 1\n",
        &HONEYCOMB,
    )
    .unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    assert!(err.column >= 1);
    let err = insert("app = Flask(__name__)\nif x\n    pass\n", &HONEYCOMB).unwrap_err();
    assert_eq!(
        (err.line, err.column),
        (2, 1),
        "tree-sitter marks the whole `if x`: {err}"
    );
}

#[test]
fn future_import_stays_first() {
    let src =
        "from __future__ import annotations\nfrom flask import Flask\napp = Flask(__name__)\n";
    let out = changed(src);
    assert_compiles(&out);
    assert!(out.starts_with(
        "from __future__ import annotations\nfrom flask import Flask\nfrom opentelemetry"
    ));

    let src = "\"\"\"Cruddur.\"\"\"\nfrom __future__ import annotations\nimport flask\napp = flask.Flask(__name__)\n";
    let out = changed(src);
    assert_compiles(&out);
    assert_eq!(
        Module::parse(&out).unwrap().imports()[0].module,
        "__future__"
    );
}

#[test]
fn provider_under_another_name_is_left_alone() {
    let src = "\
from flask import Flask
from opentelemetry.sdk.trace import TracerProvider
tracer_provider = TracerProvider()
app = Flask(__name__)
";
    let out = changed(src);
    assert_compiles(&out);
    assert_eq!(count(&out, "TracerProvider()"), 1);
    assert!(
        !out.contains("provider.add_span_processor"),
        "would be a NameError"
    );
    assert!(!out.contains("set_tracer_provider(provider)"));
    assert!(
        !out.contains("import BatchSpanProcessor"),
        "its statement was skipped"
    );
    assert!(out.contains(
        "\nFlaskInstrumentor().instrument_app(app)\nRequestsInstrumentor().instrument()\n"
    ));
    assert_eq!(insert(&out, &HONEYCOMB).unwrap(), InsertOutcome::Unchanged);
}

#[test]
fn own_provider_before_app_gets_the_missing_wiring() {
    let src = "\
from flask import Flask
from opentelemetry.sdk.trace import TracerProvider
provider = TracerProvider()
app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)
";
    let out = changed(src);
    assert_compiles(&out);
    assert_eq!(count(&out, "TracerProvider()"), 1);
    let lines: Vec<&str> = out.lines().collect();
    let app_line = lines.iter().position(|l| l.starts_with("app = ")).unwrap();
    assert_eq!(
        &lines[app_line + 3..app_line + 6],
        &[STATEMENTS[1], STATEMENTS[2], STATEMENTS[4]]
    );
    assert_eq!(count(&out, "import BatchSpanProcessor\n"), 1);
}

#[test]
fn bom_and_shebang_stay_first_without_imports() {
    let src = "\u{feff}#!/usr/bin/env python3\napp = Flask(__name__)\n";
    let out = changed(src);
    assert_compiles(&out);
    assert!(out.starts_with("\u{feff}#!/usr/bin/env python3\nfrom opentelemetry import trace\n"));
}

#[test]
fn existing_blank_line_after_app_is_not_doubled() {
    let src = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef home():\n    return 'ok'\n";
    let out = changed(src);
    assert_compiles(&out);
    assert!(
        out.contains("RequestsInstrumentor().instrument()\n\n@app.route('/')"),
        "{out}"
    );
}

#[test]
fn one_line_file_without_newline() {
    let out = changed("import flask; app = flask.Flask(__name__)");
    assert_compiles(&out);
    assert!(out.starts_with(
        "import flask; app = flask.Flask(__name__)\nfrom opentelemetry import trace\n"
    ));
    assert!(
        out.contains("import RequestsInstrumentor\n\n# OpenTelemetry"),
        "{out}"
    );
}

#[test]
fn global_flask_instrumentation_counts_as_present() {
    let src = "\
from flask import Flask
from opentelemetry.instrumentation.flask import FlaskInstrumentor
FlaskInstrumentor().instrument()
app = Flask(__name__)
";
    let out = changed(src);
    assert_compiles(&out);
    assert!(!out.contains("instrument_app"), "would instrument twice");
    assert!(out.contains("\nRequestsInstrumentor().instrument()\n"));
}
