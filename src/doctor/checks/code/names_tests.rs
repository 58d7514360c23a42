use super::*;
use crate::doctor::testkit::{ok_project, ok_project_with, TestProject};

const APP: &str = "backend-flask/app.py";
const REQ: &str = "backend-flask/requirements.txt";

fn app(edit: impl FnOnce(&str) -> String) -> TestProject {
    ok_project_with(APP, edit)
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in\n{text}");
    text.replacen(from, to, 1)
}

fn append(extra: &'static str) -> impl FnOnce(&str) -> String {
    move |t| format!("{t}{extra}")
}

/// (id, line, title) of what both checks found.
fn found(tp: &TestProject) -> Vec<(&'static str, Option<usize>, String)> {
    let mut all = tp.run(undefined);
    all.extend(tp.run(library));
    all.into_iter().map(|f| (f.id, f.line, f.title)).collect()
}

fn assert_clean(tp: &TestProject) {
    assert_eq!(found(tp), Vec::new());
}

#[test]
fn the_correct_project_is_clean() {
    assert_clean(&ok_project());
}

#[test]
fn an_exporter_used_without_its_import() {
    let tp = app(|t| {
        replace(
            t,
            "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n",
            "",
        )
    });
    let f = tp.run(undefined);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].id, "python-name-undefined");
    assert_eq!(
        (f[0].file.as_deref(), f[0].line, f[0].column),
        (Some(APP), Some(11), Some(48))
    );
    assert!(
        f[0].title
            .contains("`OTLPSpanExporter` is not defined: importing the module"),
        "{}",
        f[0].title
    );
    assert_eq!(
        f[0].values(),
        [(
            "value",
            "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter"
        )]
    );
    assert!(f[0].fix().contains(
        ": `from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter`;"
    ));
    assert_eq!(
        f[0].evidence.as_deref(),
        Some("backend-flask/app.py:11: provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter())); opentelemetry.exporter.otlp.proto.http.trace_exporter (package opentelemetry-exporter-otlp-proto-http) defines it")
    );
    assert!(tp.run(library).is_empty());
}

#[test]
fn an_undefined_name_in_a_route_is_reported_once() {
    let tp = app(append("\n\n@app.route('/x')\ndef x():\n    tracer.start_span('a')\n    return tracer.start_span('b')\n"));
    let f = tp.run(undefined);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].line, Some(25));
    assert!(
        f[0].title
            .contains("calling `x()` raises NameError (used 2 times)"),
        "{}",
        f[0].title
    );
}

#[test]
fn console_span_processor_is_not_a_name_of_the_sdk() {
    let tp = app(|t| {
        replace(
            t,
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n",
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanProcessor\n",
        )
    });
    let f = tp.run(library);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].id, f[0].line, f[0].column),
        ("library-name-missing", Some(4), Some(64))
    );
    assert!(f[0].title.starts_with("`ConsoleSpanProcessor` does not exist in `opentelemetry.sdk.trace.export` (opentelemetry-sdk "), "{}", f[0].title);
    assert!(f[0].fix().starts_with("Use `"), "{}", f[0].fix());
    // The correct name is fine.
    let ok = app(|t| {
        replace(
            t,
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n",
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter\n",
        )
    });
    assert_clean(&ok);
}

#[test]
fn rollbar_init_exists_and_configure_does_not() {
    let ok = app(append(
        "\nimport rollbar\nrollbar.init('token', 'production')\n",
    ));
    assert_clean(&ok);
    let tp = app(append("\nimport rollbar\nrollbar.configure('token')\n"));
    let f = found(&tp);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].0, f[0].1), ("library-name-missing", Some(23)));
    assert!(
        f[0].2
            .starts_with("`rollbar.configure` does not exist (rollbar "),
        "{}",
        f[0].2
    );
}

#[test]
fn clean_traps() {
    // A name imported inside the function that uses it.
    assert_clean(&app(append(
        "\n\ndef dump():\n    import json\n    return json.dumps({})\n",
    )));
    // Defined later at module level, used in a function.
    assert_clean(&app(append(
        "\n\ndef later():\n    return LATER\n\n\nLATER = 1\n",
    )));
    // A star import makes every other name unknown.
    assert_clean(&app(append(
        "\nfrom services.home_activities import *\nHomeActivities.run()\n",
    )));
}

#[test]
fn an_unpinned_requirement_is_judged_by_the_newest_release() {
    let tp = app(append("\nfrom flask import escape\n"));
    let f = tp.run(library);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].title.contains("(flask 3."), "{}", f[0].title);
    let evidence = f[0].evidence.as_deref().unwrap_or_default();
    assert!(
        evidence.contains("flask has it in 2.0.3 to 2.3.3"),
        "{evidence}"
    );
    assert!(
        f[0].fix().contains("pin `flask` to a release"),
        "{}",
        f[0].fix()
    );
    // Pinned to a release that still had it: fine.
    let mut tp = app(append("\nfrom flask import escape\n"));
    std::fs::write(
        tp.dir.path().join(REQ),
        crate::doctor::testkit::REQUIREMENTS_OK.replace("flask\n", "flask==2.2.5\n"),
    )
    .unwrap();
    tp = rediscover(tp);
    assert_clean(&tp);
}

#[test]
fn a_pin_from_before_the_name_existed() {
    let mut tp = app(append(
        "\nfrom opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter\n",
    ));
    assert_clean(&tp);
    std::fs::write(
        tp.dir.path().join(REQ),
        crate::doctor::testkit::REQUIREMENTS_OK.replace(
            "opentelemetry-exporter-otlp-proto-http\n",
            "opentelemetry-exporter-otlp-proto-http==1.12.0\n",
        ),
    )
    .unwrap();
    tp = rediscover(tp);
    let f = tp.run(library);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].title,
        "no module `opentelemetry.exporter.otlp.proto.http.metric_exporter` in opentelemetry-exporter-otlp-proto-http 1.12.0: ModuleNotFoundError"
    );
    let evidence = f[0].evidence.as_deref().unwrap_or_default();
    assert!(evidence.contains("has it in 1.14.0 to"), "{evidence}");
}

/// The project discovered again after its files changed.
fn rediscover(tp: TestProject) -> TestProject {
    let project = crate::project::discover(&crate::project::DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    TestProject { project, ..tp }
}
