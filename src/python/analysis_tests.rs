use super::*;

fn parse(src: &str) -> Module {
    Module::parse(src).expect("test source parses")
}

fn import(module: &str, name: Option<&str>, alias: Option<&str>, line: usize, top: bool) -> Import {
    Import {
        module: module.into(),
        name: name.map(Into::into),
        alias: alias.map(Into::into),
        line,
        module_level: top,
    }
}

#[test]
fn syntax_error_reports_first_error_position() {
    let err = Module::parse("import os\n\ndef f(:\n    pass\n").unwrap_err();
    assert_eq!((err.line, err.column), (3, 7), "{err}");
    assert!(err.to_string().starts_with("line 3, column 7: "), "{err}");

    let err = Module::parse("x = 1\ny = (2,\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let m = parse("s = 'é'; f(1)\n");
    let call = &m.calls()[0];
    assert_eq!((call.line, call.column), (1, 10));
}

#[test]
fn imports_cover_every_form_and_scope() {
    let src = "\
from __future__ import annotations
from ..a.b import C as D, E
from . import x
import a.b, c as d
from services.home_activities import *

def f():
    import json
";
    let got = parse(src).imports().to_vec();
    assert_eq!(
        got,
        vec![
            import("__future__", Some("annotations"), None, 1, true),
            import("..a.b", Some("C"), Some("D"), 2, true),
            import("..a.b", Some("E"), None, 2, true),
            import(".", Some("x"), None, 3, true),
            import("a.b", None, None, 4, true),
            import("c", None, Some("d"), 4, true),
            import("services.home_activities", Some("*"), None, 5, true),
            import("json", None, None, 8, false),
        ]
    );
    assert_eq!(got[4].bound_name(), Some("a"));
    assert_eq!(got[6].bound_name(), None);
}

#[test]
fn binds_name_prefers_alias_and_ignores_nested_imports() {
    let m = parse(
        "from opentelemetry.sdk.trace import TracerProvider as TP\n\
         import opentelemetry.trace\n\
         try:\n    from flask import Flask\nexcept ImportError:\n    Flask = None\n\
         def f():\n    from x import Nested\n",
    );
    assert!(m.binds_name("TP"));
    assert!(!m.binds_name("TracerProvider"));
    assert!(m.binds_name("opentelemetry"));
    assert!(
        m.binds_name("Flask"),
        "a top-level try block is module level"
    );
    assert!(!m.binds_name("Nested"));
}

#[test]
fn calls_ignore_comments_and_strings() {
    let src = "\
\"\"\"FlaskInstrumentor().instrument_app(app)\"\"\"
# FlaskInstrumentor().instrument_app(app)
s = 'trace.set_tracer_provider(provider)'
FlaskInstrumentor (  # a comment is not part of the callee
). instrument_app(app, k=1, **kw)
";
    let calls = parse(src).calls().to_vec();
    let callees: Vec<&str> = calls.iter().map(|c| c.callee.as_str()).collect();
    assert_eq!(
        callees,
        ["FlaskInstrumentor().instrument_app", "FlaskInstrumentor"]
    );
    let call = &calls[0];
    assert_eq!(call.first_arg.as_deref(), Some("app"));
    assert_eq!(call.keywords, ["k"]);
    assert_eq!((call.line, call.column), (4, 1));
    assert!(call.module_level);
    let text = &src[call.byte_range.clone()];
    assert!(text.starts_with("FlaskInstrumentor (") && text.ends_with("**kw)"));
}

#[test]
fn call_scope_follows_python_evaluation() {
    let src = "\
if True:
    with ctx():
        top()
def handler(x=default()):
    inner()
    cb = lambda: in_lambda()
class C(Base()):
    def method(self):
        in_method()
f(key=1, *rest)
";
    let calls = parse(src).calls().to_vec();
    let scope = |name: &str| {
        let c = calls.iter().find(|c| c.callee == name).expect(name);
        (c.module_level, c.function.clone())
    };
    assert_eq!(scope("ctx"), (true, None));
    assert_eq!(scope("top"), (true, None));
    assert_eq!(
        scope("default"),
        (true, None),
        "defaults run at definition time"
    );
    assert_eq!(scope("inner"), (false, Some("handler".into())));
    assert_eq!(scope("in_lambda"), (false, Some("handler".into())));
    assert_eq!(scope("Base"), (true, None));
    assert_eq!(scope("in_method"), (false, Some("method".into())));
    let f = calls.iter().find(|c| c.callee == "f").unwrap();
    assert_eq!(
        (f.first_arg.as_deref(), f.keywords.clone()),
        (None, vec!["key".into()])
    );
}

#[test]
fn decorators_are_dotted_names_without_arguments() {
    let src = "\
@app.before_first_request
def init():
    pass

class V:
    @app.route(\"/api/activities/home\", methods=['GET'])
    @ staticmethod
    def home():
        pass
";
    let got = parse(src).decorators().to_vec();
    let names: Vec<(&str, usize, usize)> = got
        .iter()
        .map(|d| (d.name.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        names,
        [
            ("app.before_first_request", 1, 1),
            ("app.route", 6, 5),
            ("staticmethod", 7, 5)
        ]
    );
}

#[test]
fn flask_app_forms() {
    let site = parse("import flask\napp = flask.Flask(__name__)\n")
        .flask_app()
        .unwrap();
    assert_eq!((site.var.as_str(), site.line, site.end_line), ("app", 2, 2));
    assert_eq!(site.end_byte_of_line, 41);

    let src = "from flask import Flask\napp: Flask = Flask(\n    __name__,\n)  # main\nother = Flask('x')\n";
    let site = parse(src).flask_app().unwrap();
    assert_eq!((site.var.as_str(), site.line, site.end_line), ("app", 2, 4));
    assert_eq!(
        &src[site.byte_range.clone()],
        "app: Flask = Flask(\n    __name__,\n)"
    );
    assert_eq!(&src[site.end_byte_of_line..], "other = Flask('x')\n");

    let site = parse("application = Flask(__name__)").flask_app().unwrap();
    assert_eq!(
        (site.var.as_str(), site.end_byte_of_line),
        ("application", 29)
    );
}

#[test]
fn flask_app_ignores_factories_comments_and_strings() {
    let src = "\
# app = Flask(__name__)
doc = \"app = Flask(__name__)\"
def create_app():
    app = Flask(__name__)
    return app
";
    assert_eq!(parse(src).flask_app(), None);
}

#[test]
fn instrumentation_above_app_is_detected_by_line() {
    let src = "\
from flask import Flask
FlaskInstrumentor().instrument_app(app)
app = Flask(__name__)
RequestsInstrumentor().instrument()
";
    let m = parse(src);
    let app = m.flask_app().unwrap();
    let line_of = |callee: &str| m.calls().iter().find(|c| c.callee == callee).unwrap().line;
    assert!(line_of("FlaskInstrumentor().instrument_app") < app.line);
    assert!(line_of("RequestsInstrumentor().instrument") > app.end_line);
    let kinds: Vec<(String, usize)> = m
        .top_level_statements()
        .into_iter()
        .map(|s| (s.kind, s.line))
        .collect();
    assert_eq!(kinds[0], ("import_from_statement".into(), 1));
    assert_eq!(kinds.len(), 4);
}

#[test]
fn top_level_statements_skip_comments_and_span_blocks() {
    let src = "# header\n\"\"\"Doc.\"\"\"\n@d\ndef f():\n    pass\n\nx = 1\n";
    let got = parse(src).top_level_statements();
    let summary: Vec<(&str, usize, usize)> = got
        .iter()
        .map(|s| (s.kind.as_str(), s.line, s.end_line))
        .collect();
    assert_eq!(
        summary,
        [
            ("expression_statement", 2, 2),
            ("decorated_definition", 3, 5),
            ("expression_statement", 7, 7)
        ]
    );
    assert_eq!(&src[got[2].byte_range.clone()], "x = 1");
}

#[test]
fn import_insertion_point_cases() {
    let src = "from __future__ import annotations\nfrom x import (\n    a,\n)  # c\napp = 1\n";
    assert_eq!(&src[parse(src).import_insertion_point()..], "app = 1\n");

    let src = "\"\"\"Doc\nstring.\"\"\"\napp = 1\n";
    assert_eq!(&src[parse(src).import_insertion_point()..], "app = 1\n");

    assert_eq!(parse("app = 1\n").import_insertion_point(), 0);
    let src = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\napp = 1\n";
    assert_eq!(&src[parse(src).import_insertion_point()..], "app = 1\n");

    let src = "\u{feff}#!/usr/bin/env python3\napp = 1\n";
    assert_eq!(&src[parse(src).import_insertion_point()..], "app = 1\n");

    let src = "import flask\napp = flask.Flask(__name__)\nfrom . import views\n";
    let m = parse(src);
    assert_eq!(m.import_insertion_point(), src.len());
    let app = m.flask_app().unwrap();
    assert_eq!(m.import_insertion_point_before(app.byte_range.start), 13);
}
