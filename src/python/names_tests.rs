use super::*;
use crate::python::scope;

fn parse(src: &str) -> Module {
    Module::parse(src).unwrap_or_else(|e| panic!("test source parses: {e}\n{src}"))
}

fn unpinned() -> Requirements {
    Requirements::new(Vec::<(&str, &str)>::new())
}

fn reqs(declared: &[(&str, &str)]) -> Requirements {
    Requirements::new(declared.iter().copied())
}

/// `module:name@line` for each missing name.
fn missing(src: &str, reqs: &Requirements) -> Vec<String> {
    missing_library_names(&parse(src), reqs)
        .into_iter()
        .map(|m| format!("{}:{}@{}", m.module, m.name, m.line))
        .collect()
}

fn clean(src: &str, reqs: &Requirements) {
    assert_eq!(missing(src, reqs), Vec::<String>::new(), "{src}");
}

#[test]
fn console_span_processor_is_reported_with_the_exporter_suggested() {
    let src = "from opentelemetry.sdk.trace import TracerProvider\nfrom opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanProcessor\n";
    let got = missing_library_names(&parse(src), &unpinned());
    assert_eq!(got.len(), 1, "{got:#?}");
    let m = &got[0];
    assert_eq!(
        (m.name.as_str(), m.module.as_str()),
        ("ConsoleSpanProcessor", "opentelemetry.sdk.trace.export")
    );
    assert_eq!((m.line, m.column), (2, 64));
    assert_eq!(m.package, "opentelemetry-sdk");
    assert_eq!(
        Some(m.version.as_str()),
        libnames::select_version("opentelemetry-sdk", None).version()
    );
    assert_eq!(m.access, Access::Import);
    assert!(matches!(
        m.suggestion.as_deref(),
        Some("ConsoleSpanExporter" | "SimpleSpanProcessor")
    ));
    assert!(!m.approximate);
}

#[test]
fn a_correct_setup_is_clean() {
    clean(
        "\
from flask import Flask
from flask_cors import CORS
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.ext.flask.middleware import XRayMiddleware
import watchtower, logging
import rollbar
import rollbar.contrib.flask
from flask import got_request_exception

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer(__name__)
app = Flask(__name__)
handler = watchtower.CloudWatchLogHandler(log_group='cruddur')
rollbar.init('token', environment='production')
got_request_exception.connect(rollbar.contrib.flask.report_exception, app)
",
        &unpinned(),
    );
}

#[test]
fn module_attributes_are_checked() {
    let src = "import rollbar\nrollbar.init('t')\nrollbar.configure('t')\n";
    let got = missing_library_names(&parse(src), &unpinned());
    assert_eq!(got.len(), 1);
    assert_eq!(
        (
            got[0].name.as_str(),
            got[0].access,
            got[0].line,
            got[0].column
        ),
        ("configure", Access::Attribute, 3, 9)
    );
    assert_eq!(
        missing(
            "from opentelemetry import trace\ntracer = trace.get_tracerr(__name__)\n",
            &unpinned()
        ),
        ["opentelemetry.trace:get_tracerr@2"]
    );
    assert_eq!(
        missing(
            "import opentelemetry.sdk.trace.export as ex\nex.ConsoleSpanProcessor()\n",
            &unpinned()
        ),
        ["opentelemetry.sdk.trace.export:ConsoleSpanProcessor@2"]
    );
    assert_eq!(
        missing("import opentelemetry.sdk.trace.export\nopentelemetry.sdk.trace.export.ConsoleSpanProcessor()\n", &unpinned()),
        ["opentelemetry.sdk.trace.export:ConsoleSpanProcessor@2"]
    );
    // Attributes of objects are not judged: only of modules.
    clean(
        "from opentelemetry import trace\ntrace.get_tracer(__name__).start_as_current_spam('x')\n",
        &unpinned(),
    );
}

#[test]
fn attributes_of_rebound_or_assigned_names_are_left_alone() {
    clean("try:\n    import rollbar\nexcept ImportError:\n    rollbar = None\nrollbar.configure('x')\n", &unpinned());
    clean(
        "from opentelemetry import trace\ndef f(trace):\n    return trace.whatever\n",
        &unpinned(),
    );
    clean("import rollbar\nrollbar.my_setting = 1\n", &unpinned());
    clean(
        "import rollbar\nif hasattr(rollbar, 'configure'):\n    rollbar.configure()\n",
        &unpinned(),
    );
    clean(
        "import rollbar\ntry:\n    rollbar.configure()\nexcept AttributeError:\n    pass\n",
        &unpinned(),
    );
}

#[test]
fn guarded_and_type_checking_imports_are_not_reported() {
    clean("try:\n    from flask import escape\nexcept ImportError:\n    from markupsafe import escape\n", &unpinned());
    clean(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from flask import escape\n",
        &unpinned(),
    );
    assert_eq!(
        missing("from flask import escape\n", &unpinned()),
        ["flask:escape@1"]
    );
}

#[test]
fn the_selected_version_decides() {
    let old_flask = reqs(&[("Flask", "==2.2.5")]);
    clean("from flask import escape, Markup\n", &old_flask);
    let got = missing_library_names(&parse("from flask import escape\n"), &unpinned());
    assert_eq!(
        got[0].versions_with_it,
        ["2.0.3", "2.1.3", "2.2.5", "2.3.3"]
    );
    // Pinned to a version from before the name existed.
    let older = reqs(&[("flask", "==2.1.3")]);
    assert_eq!(
        missing("from flask import stream_template\n", &older),
        ["flask:stream_template@1"]
    );
    clean("from flask import stream_template\n", &unpinned());
}

#[test]
fn a_module_that_did_not_exist_yet_in_the_pinned_version() {
    let src =
        "from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter\n";
    let pinned = reqs(&[("opentelemetry-exporter-otlp-proto-http", "==1.12.0")]);
    let got = missing_library_names(&parse(src), &pinned);
    assert_eq!(got.len(), 1, "{got:#?}");
    let m = &got[0];
    assert_eq!(
        (m.module.as_str(), m.name.as_str(), m.access),
        (
            "opentelemetry.exporter.otlp.proto.http",
            "metric_exporter",
            Access::Module
        )
    );
    assert_eq!(m.version, "1.12.0");
    assert_eq!(
        m.versions_with_it.first().map(String::as_str),
        Some("1.14.0")
    );
    clean(src, &unpinned());
    // An unpinned exporter follows the pinned API's release train.
    let train = reqs(&[
        ("opentelemetry-api", "==1.12.0"),
        ("opentelemetry-exporter-otlp-proto-http", ""),
    ]);
    let got = missing_library_names(&parse(src), &train);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].train.as_deref(), Some("opentelemetry-api"));
    assert_eq!((got[0].line, got[0].column), (1, 6));
}

#[test]
fn misspelt_module_paths() {
    let got = missing_library_names(
        &parse("from opentelemetry.sdk.trace.exporters import ConsoleSpanExporter\nimport opentelemetry.sdk.trace.exporter\n"),
        &unpinned(),
    );
    let shown: Vec<_> = got
        .iter()
        .map(|m| (m.name.as_str(), m.suggestion.as_deref(), m.access))
        .collect();
    assert_eq!(
        shown,
        [
            ("exporters", Some("export"), Access::Module),
            ("exporter", Some("export"), Access::Module)
        ]
    );
}

#[test]
fn namespaces_and_other_distributions_are_not_judged() {
    let r = unpinned();
    clean(
        "from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor\n",
        &r,
    );
    clean(
        "from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator\n",
        &r,
    );
    clean(
        "from opentelemetry.propagators.aws import AwsXRayPropagator\n",
        &r,
    );
    clean("import requests\nfrom psycopg_pool import ConnectionPool\nfrom .services import x\nfrom . import y\n", &r);
    // A lower-case name could be a submodule an add-on distribution installs.
    let src = "from opentelemetry.sdk.trace import addon_module\n";
    assert_eq!(missing(src, &r), ["opentelemetry.sdk.trace:addon_module@1"]);
    clean(src, &reqs(&[("opentelemetry-sdk-addon", "")]));
}

#[test]
fn xray_watchtower_and_cors_names() {
    let got = missing_library_names(
        &parse("from aws_xray_sdk.ext.flask.middleware import XRayMiddlware\nfrom flask_cors import CORS, cross_origin, CrossOrigin\n"),
        &unpinned(),
    );
    let shown: Vec<_> = got
        .iter()
        .map(|m| (m.name.as_str(), m.suggestion.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("XRayMiddlware", Some("XRayMiddleware")),
            ("CrossOrigin", Some("cross_origin"))
        ]
    );
    clean(
        "import watchtower\nwatchtower.CloudWatchLogHandler()\n",
        &unpinned(),
    );
}

#[test]
fn project_module_imports() {
    let target = scope::module_bindings(&parse(
        "class HomeActivities:\n    pass\n\ndef helper():\n    pass\n",
    ))
    .clone();
    let src = "from services.home_activities import HomeActivities, HomeActivity, helper, sub\n";
    let got = missing_project_names(&parse(src), "services.home_activities", &target, &|n| {
        n == "sub"
    });
    assert_eq!(
        got,
        [MissingProjectName {
            name: "HomeActivity".into(),
            line: 1,
            column: 54
        }]
    );
    let star = scope::module_bindings(&parse("from .base import *\n")).clone();
    assert!(
        missing_project_names(&parse(src), "services.home_activities", &star, &|_| false)
            .is_empty()
    );
    // Other modules' imports are not this target's business.
    assert!(missing_project_names(
        &parse("from services.other import X\n"),
        "services.home_activities",
        &target,
        &|_| false
    )
    .is_empty());
}
