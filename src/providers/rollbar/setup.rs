//! Rollbar in the backend: pyrollbar initialised inside `app.app_context()`
//! (works on Flask ≥ 2.3, where `before_first_request` is gone) and reporting
//! through the `got_request_exception` signal (needs blinker).

use crate::providers::setup::{SecretSpec, Setup, Spec};
use crate::python::analysis::Module;
use crate::python::instrument::{ImportSpec, Snippet, StatementSpec};

pub static SPEC: Spec = Spec {
    packages: &["rollbar", "blinker"],
    snippet: &SNIPPET,
    variables,
    secret: Some(SecretSpec {
        var: "ROLLBAR_ACCESS_TOKEN",
        prompt: "Rollbar access token (post_server_item scope, input hidden)",
    }),
};

fn variables(_: &Setup) -> Vec<(&'static str, String)> {
    vec![("ROLLBAR_ACCESS_TOKEN", "${ROLLBAR_ACCESS_TOKEN}".into())]
}

pub static SNIPPET: Snippet = Snippet {
    title: "Rollbar: report unhandled exceptions (added by cruddur-obs)",
    imports: &[
        ImportSpec { module: "os", name: "" },
        ImportSpec { module: "rollbar", name: "" },
        ImportSpec { module: "rollbar.contrib.flask", name: "" },
        ImportSpec { module: "flask", name: "got_request_exception" },
    ],
    statements: &[
        StatementSpec { code: "rollbar_access_token = os.getenv('ROLLBAR_ACCESS_TOKEN')", present: token_present },
        StatementSpec {
            code: "with {app}.app_context():\n    rollbar.init(\n        rollbar_access_token,\n        'production',\n        root=os.path.dirname(os.path.realpath(__file__)),\n        allow_logging_basic_config=False,\n    )\n    got_request_exception.connect(rollbar.contrib.flask.report_exception, {app})",
            present: init_present,
        },
    ],
};

fn token_present(module: &Module, _app: &str) -> bool {
    init_present(module, _app)
        || module
            .top_level_assignments()
            .iter()
            .any(|a| a.target == "rollbar_access_token")
}

/// Initialised anywhere except in a `before_first_request` hook, which never
/// runs on Flask ≥ 2.3 (init removes that hook first).
fn init_present(module: &Module, _app: &str) -> bool {
    module.calls().iter().any(|c| c.callee == "rollbar.init")
        && before_first_request_block(module).is_none()
}

/// The byte range of a top-level `@app.before_first_request` function that
/// initialises Rollbar (the bootcamp's pre-Flask-2.3 recipe), with the blank
/// lines after it.
pub fn before_first_request_block(module: &Module) -> Option<std::ops::Range<usize>> {
    let calls = module.calls();
    let decorators = module.decorators();
    module.top_level_statements().into_iter().find_map(|s| {
        let decorated = s.kind == "decorated_definition"
            && decorators.iter().any(|d| {
                d.name.ends_with(".before_first_request")
                    && d.line >= s.line
                    && d.line <= s.end_line
            });
        let inits = calls
            .iter()
            .any(|c| c.callee == "rollbar.init" && s.byte_range.contains(&c.byte_range.start));
        (decorated && inits).then(|| {
            let src = module.source();
            let mut end = s.byte_range.end;
            // Take the rest of the last line and the blank lines after it.
            while let Some(c) = src[end..].chars().next() {
                if c == '\n' || c == '\r' || c == ' ' || c == '\t' {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            let start = src[..s.byte_range.start].rfind('\n').map_or(0, |i| i + 1);
            start..end
        })
    })
}

/// Removes the old hook so the new block replaces it instead of doubling it.
pub fn without_old_hook(source: &str) -> Option<String> {
    let module = Module::parse(source).ok()?;
    let range = before_first_request_block(&module)?;
    let mut out = String::with_capacity(source.len());
    out.push_str(&source[..range.start]);
    out.push_str(&source[range.end..]);
    Some(out)
}
