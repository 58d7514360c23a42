//! OpenTelemetry in the backend code: the SDK pipeline, Flask and requests
//! instrumentation, and what gunicorn's pre-forking does to it.

use super::facts::{last, Code, Mod, Place};
use crate::doctor::checks::deps::declared::{self, flask_may_be_2_3};
use crate::doctor::checks::deps::otel::intended;
use crate::doctor::{Checked, Ctx, Finding};
use crate::usage::launch::{env_value, Launch};

/// Something other than the code's own `TracerProvider` owns the global
/// provider: `opentelemetry-instrument` (a later `set_tracer_provider` is
/// refused), programmatic auto-instrumentation, or Honeycomb's distro.
fn configured_elsewhere(code: &Code, launch: &Launch) -> bool {
    launch.runs("opentelemetry-instrument").is_some()
        || code.first_call("configure_opentelemetry").is_some()
        || (code
            .imports_of("opentelemetry.instrumentation.auto_instrumentation")
            .next()
            .is_some()
            && code.first_call("initialize").is_some())
}

pub fn tracing(ctx: &Ctx) -> Checked {
    ctx.code_readable()?;
    Ok(tracing_in(ctx))
}

fn tracing_in(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let launch = ctx.launch();
    let mut out: Vec<Finding> = code
        .calls("ConsoleSpanExporter")
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "console-exporter-enabled",
                    "every span is also printed to stdout",
                ),
                c,
            )
        })
        .collect();
    if configured_elsewhere(code, launch) {
        return out;
    }
    let Some((m, provider)) = code.first_call("TracerProvider") else {
        out.extend(no_sdk(code));
        return out;
    };
    if code.first_call("set_tracer_provider").is_none() {
        out.push(m.at_call(
            Finding::new(
                "tracer-provider-not-set",
                "a TracerProvider is built but never set",
            ),
            provider,
        ));
    }
    let processor = code.first_call("add_span_processor");
    let in_constructor = provider
        .keywords
        .iter()
        .any(|k| k == "active_span_processor");
    match processor {
        None if !in_constructor => out.push(m.at_call(
            Finding::new(
                "span-processor-missing",
                "the TracerProvider gets no span processor",
            ),
            provider,
        )),
        _ if code.first_call("OTLPSpanExporter").is_none() => {
            let (pm, at) = processor.unwrap_or((m, provider));
            out.push(pm.at_call(
                Finding::new(
                    "otlp-exporter-missing",
                    "no OTLPSpanExporter: nothing leaves the process",
                ),
                at,
            ));
        }
        _ => {}
    }
    out
}

/// OpenTelemetry is imported but no SDK provider is ever set: the API's
/// no-op provider records nothing.
fn no_sdk(code: &Code) -> Option<Finding> {
    if code.first_call("set_tracer_provider").is_some() {
        return None;
    }
    let (m, i) = code
        .app()
        .and_then(|a| {
            a.module
                .imports()
                .iter()
                .find(|i| i.module.starts_with("opentelemetry"))
                .map(|i| (a, i))
        })
        .or_else(|| code.imports_of("opentelemetry").next())?;
    Some(m.at(
        Finding::new(
            "otlp-exporter-missing",
            "OpenTelemetry is used but no TracerProvider is set up: spans go nowhere",
        ),
        i.line,
        None,
    ))
}

pub fn flask(ctx: &Ctx) -> Checked {
    ctx.code_readable()?;
    Ok(flask_in(ctx))
}

fn flask_in(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let launch = ctx.launch();
    let declared = &ctx.declared;
    let mut out = Vec::new();
    if flask_may_be_2_3(declared) {
        let req_file = declared::requirements_display(ctx.project);
        out.extend(before_first_request(code, req_file.as_deref()));
    }
    let Some(app) = code.app() else {
        return out;
    };
    if !intended(ctx, launch) {
        return out;
    }
    let site = app.module.flask_app();
    let same = |m: &Mod| m.path == app.path;
    let after_app =
        |m: &Mod, line: usize| same(m) && site.as_ref().is_some_and(|s| line > s.end_line);
    let instrument_app: Vec<_> = code
        .method_calls("FlaskInstrumentor", "instrument_app")
        .collect();
    for (m, c) in &instrument_app {
        if same(m) && c.module_level && site.as_ref().is_some_and(|s| c.line < s.line) {
            out.push(m.at_call(
                Finding::new(
                    "flask-instrumented-before-app",
                    "Flask is instrumented before the app exists",
                ),
                c,
            ));
        }
    }
    // `instrument()` swaps `flask.Flask` for a subclass: an app already
    // created from the original class is never instrumented.
    let (late, early): (Vec<_>, Vec<_>) = code
        .method_calls("FlaskInstrumentor", "instrument")
        .partition(|(m, c)| c.module_level && after_app(m, c.line));
    let auto = launch.runs("opentelemetry-instrument").is_some();
    if !auto && instrument_app.is_empty() && early.is_empty() {
        let finding = Finding::new(
            "flask-not-instrumented",
            "Flask is not instrumented: no request spans are made",
        );
        match (late.first(), &site) {
            (Some((m, c)), _) => out.push(m.at_call(finding, c)),
            (None, Some(s)) => out.push(app.at(finding, s.line, None)),
            (None, None) => out.push(finding.file(app.display.clone())),
        }
    }
    let requests = code
        .method_calls("RequestsInstrumentor", "instrument")
        .next();
    if !auto && requests.is_none() {
        let finding = Finding::new(
            "requests-not-instrumented",
            "outgoing HTTP calls made with requests are not traced",
        );
        match (instrument_app.first(), &site) {
            (Some((m, c)), _) => out.push(m.at_call(finding, c)),
            (None, Some(s)) => out.push(app.at(finding, s.line, None)),
            (None, None) => out.push(finding.file(app.display.clone())),
        }
    }
    out
}

fn before_first_request(code: &Code, req_file: Option<&str>) -> Vec<Finding> {
    let finding = || {
        let f = Finding::new(
            "flask-before-first-request",
            "`before_first_request` was removed in Flask 2.3: the app crashes at import",
        );
        match req_file {
            Some(r) => f.fill("requirements", r),
            None => f,
        }
    };
    let mut out = Vec::new();
    for m in &code.mods {
        for d in m.module.decorators() {
            if last(&d.name) == "before_first_request" {
                out.push(m.at(finding(), d.line, Some(d.column)));
            }
        }
        for c in m
            .module
            .calls()
            .iter()
            .filter(|c| last(&c.callee) == "before_first_request")
        {
            out.push(m.at_call(finding(), c));
        }
    }
    out
}

pub fn gunicorn(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let launch = ctx.launch();
    let Some(cmd) = launch.runs("gunicorn") else {
        return Vec::new();
    };
    let preload = launch.has("--preload")
        || env_value(&ctx.env, ctx.image(), "GUNICORN_CMD_ARGS")
            .is_some_and(|(v, _)| v.split_whitespace().any(|w| w == "--preload"));
    if !preload {
        return Vec::new();
    }
    let Some((m, c)) = code.calls("TracerProvider").find(|(_, c)| c.module_level) else {
        return Vec::new();
    };
    let mut f = m.at_call(
        Finding::new(
            "gunicorn-fork-unsafe",
            "tracing is set up at import time and gunicorn --preload forks after it",
        ),
        c,
    );
    f.evidence = Some(format!(
        "{}; {}: {}",
        f.evidence.unwrap_or_default(),
        cmd.location(),
        cmd.text
    ));
    vec![f]
}
