//! Idempotent insertion of instrumentation code into a Flask module.
//!
//! Every decision is taken from the syntax tree (see `analysis`), so code that
//! is commented out or quoted in a string never counts as already present.

use crate::python::analysis::{Module, ParseError};

/// One import needed by a snippet: `from MODULE import NAME`, or
/// `import MODULE` when `name` is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSpec {
    pub module: &'static str,
    pub name: &'static str,
}

impl ImportSpec {
    fn line(&self) -> String {
        if self.name.is_empty() {
            format!("import {}", self.module)
        } else {
            format!("from {} import {}", self.module, self.name)
        }
    }

    /// The name the statements use: `rollbar` for `import rollbar.contrib.flask`.
    fn used_name(&self) -> &str {
        if self.name.is_empty() {
            self.module.split('.').next().unwrap_or(self.module)
        } else {
            self.name
        }
    }
}

/// One statement (it may span lines, e.g. a `with` block) to place after the
/// app is created. `code` may contain `{app}`, replaced by the app variable's
/// name.
#[derive(Debug, Clone, Copy)]
pub struct StatementSpec {
    pub code: &'static str,
    pub present: fn(&Module, app_var: &str) -> bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Snippet {
    pub title: &'static str,
    pub imports: &'static [ImportSpec],
    pub statements: &'static [StatementSpec],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Unchanged,
    Changed(String),
    /// Something had to be added but there is no top-level `app = Flask(...)`
    /// to anchor it to; nothing was changed.
    NoApp,
}

/// Adds the statements whose `present` predicate is false as one block right
/// after the top-level `app = Flask(...)`, plus the imports those statements
/// use that are not already bound by a module-level import at or before the
/// app line. Imports go after the last top-level import preceding the app,
/// never after it, so they are bound before the block runs.
///
/// Imports are tied to the statements being added (an import is added only if
/// its name occurs in one of them) so a module instrumented with qualified
/// names, or inside a factory function, is left `Unchanged` rather than
/// getting unused imports. A snippet without statements adds all its unbound
/// imports.
pub fn insert(source: &str, snippet: &Snippet) -> Result<InsertOutcome, ParseError> {
    let module = Module::parse(source)?;
    let app = module.flask_app();
    let app_var = app.as_ref().map_or("app", |a| a.var.as_str());
    let missing: Vec<String> = snippet
        .statements
        .iter()
        .filter(|s| !(s.present)(&module, app_var))
        .map(|s| s.code.replace("{app}", app_var))
        .collect();
    if missing.is_empty() && !snippet.statements.is_empty() {
        return Ok(InsertOutcome::Unchanged);
    }
    let imports = module.imports();
    // `import a.b` makes `a.b` usable, which `import a` alone does not.
    let bound_by = |line: usize, spec: &ImportSpec| {
        imports.iter().any(|i| {
            i.module_level
                && i.line <= line
                && if spec.name.is_empty() {
                    i.name.is_none() && i.alias.is_none() && i.module == spec.module
                } else {
                    i.bound_name() == Some(spec.name)
                }
        })
    };
    let needed: Vec<&ImportSpec> = snippet
        .imports
        .iter()
        .filter(|i| {
            missing.is_empty() || missing.iter().any(|code| references(code, i.used_name()))
        })
        .filter(|i| match &app {
            Some(a) => !bound_by(a.end_line, i),
            None => !module.binds_name(i.used_name()),
        })
        .collect();
    if missing.is_empty() && needed.is_empty() {
        return Ok(InsertOutcome::Unchanged);
    }
    let Some(app) = app else {
        return Ok(InsertOutcome::NoApp);
    };

    let eol = line_ending(source);
    let block_at = app.end_byte_of_line;
    let import_at = module
        .import_insertion_point_before(app.byte_range.start)
        .min(block_at);

    let mut out = String::with_capacity(source.len() + 512);
    out.push_str(&source[..import_at]);
    // Only a one-line `import flask; app = flask.Flask(...)` file gets here
    // without a newline to stand on.
    if !needed.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    for spec in &needed {
        out.push_str(&spec.line());
        out.push_str(eol);
    }
    out.push_str(&source[import_at..block_at]);
    if !missing.is_empty() {
        let rest = &source[block_at..];
        if !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(eol);
        out.push_str(&format!("# {}", snippet.title));
        for code in &missing {
            out.push_str(eol);
            out.push_str(&code.replace('\n', eol));
        }
        // At end of file, keep the file's own choice about a final newline.
        if !rest.is_empty() || source.ends_with('\n') {
            out.push_str(eol);
        }
        let next_line_blank = rest.split('\n').next().is_some_and(|l| l.trim().is_empty());
        if !rest.is_empty() && !next_line_blank {
            out.push_str(eol);
        }
    }
    out.push_str(&source[block_at..]);
    debug_assert!(Module::parse(&out).is_ok(), "insertion broke the syntax");
    Ok(InsertOutcome::Changed(out))
}

/// The snippet as text (LF endings), for printing when there is no app to
/// anchor to.
pub fn render(snippet: &Snippet, app_var: &str) -> String {
    let mut out = String::new();
    for spec in snippet.imports {
        out.push_str(&spec.line());
        out.push('\n');
    }
    out.push_str(&format!("\n# {}\n", snippet.title));
    for statement in snippet.statements {
        out.push_str(&statement.code.replace("{app}", app_var));
        out.push('\n');
    }
    out
}

fn line_ending(source: &str) -> &'static str {
    match source.find('\n') {
        Some(i) if source[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// Whether `name` occurs in `code` as a free identifier (not an attribute).
fn references(code: &str, name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + name.len()..].chars().next();
        !before.is_some_and(|c| c == '.' || ident(c)) && !after.is_some_and(ident)
    })
}

/// OpenTelemetry traces exported over OTLP/HTTP; the exporter reads the
/// Honeycomb endpoint and API key from the OTEL_EXPORTER_OTLP_* variables.
pub static HONEYCOMB: Snippet = Snippet {
    title: "OpenTelemetry -> Honeycomb (added by cruddur-obs)",
    imports: &[
        ImportSpec {
            module: "opentelemetry",
            name: "trace",
        },
        ImportSpec {
            module: "opentelemetry.sdk.trace",
            name: "TracerProvider",
        },
        ImportSpec {
            module: "opentelemetry.sdk.trace.export",
            name: "BatchSpanProcessor",
        },
        ImportSpec {
            module: "opentelemetry.exporter.otlp.proto.http.trace_exporter",
            name: "OTLPSpanExporter",
        },
        ImportSpec {
            module: "opentelemetry.instrumentation.flask",
            name: "FlaskInstrumentor",
        },
        ImportSpec {
            module: "opentelemetry.instrumentation.requests",
            name: "RequestsInstrumentor",
        },
    ],
    statements: &[
        StatementSpec {
            code: "provider = TracerProvider()",
            present: provider_present,
        },
        StatementSpec {
            code: "provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))",
            present: processor_present,
        },
        StatementSpec {
            code: "trace.set_tracer_provider(provider)",
            present: set_present,
        },
        StatementSpec {
            code: "FlaskInstrumentor().instrument_app({app})",
            present: flask_present,
        },
        StatementSpec {
            code: "RequestsInstrumentor().instrument()",
            present: requests_present,
        },
    ],
};

fn has_call(module: &Module, matches: impl Fn(&str) -> bool) -> bool {
    module.calls().iter().any(|c| matches(&c.callee))
}

fn is_tracer_provider(callee: &str) -> bool {
    callee == "TracerProvider" || callee.ends_with(".TracerProvider")
}

fn provider_present(module: &Module, _app: &str) -> bool {
    has_call(module, is_tracer_provider)
}

/// The rule for the provider pieces: the processor and `set_tracer_provider`
/// lines name `provider`, which is only safe when this block creates it or a
/// top-level `provider = TracerProvider(...)` has run by the end of the app
/// line. A TracerProvider made any other way (another name, inside a function,
/// after the app) is the user's wiring: those two lines then count as present
/// and are skipped rather than risk a NameError or a second provider.
fn foreign_provider(module: &Module) -> bool {
    if !provider_present(module, "") {
        return false;
    }
    let Some(app) = module.flask_app() else {
        return true;
    };
    !module.top_level_assignments().iter().any(|a| {
        a.target == "provider"
            && a.callee.as_deref().is_some_and(is_tracer_provider)
            && a.statement.end_line <= app.end_line
    })
}

fn processor_present(module: &Module, _app: &str) -> bool {
    has_call(module, |c| c.ends_with(".add_span_processor")) || foreign_provider(module)
}

fn set_present(module: &Module, _app: &str) -> bool {
    has_call(module, |c| {
        c == "set_tracer_provider" || c.ends_with(".set_tracer_provider")
    }) || foreign_provider(module)
}

/// `FlaskInstrumentor().instrument()` patches Flask globally, so adding
/// `instrument_app` on top would instrument twice.
fn flask_present(module: &Module, _app: &str) -> bool {
    has_call(module, |c| {
        c.ends_with(".instrument_app")
            || (c.starts_with("FlaskInstrumentor") && c.ends_with(".instrument"))
    })
}

fn requests_present(module: &Module, _app: &str) -> bool {
    has_call(module, |c| {
        c.starts_with("RequestsInstrumentor") && c.ends_with(".instrument")
    })
}

#[cfg(test)]
#[path = "instrument_tests.rs"]
mod tests;
