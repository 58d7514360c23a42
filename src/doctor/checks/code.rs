//! Backend code. Every check reads the syntax trees of `ctx.code().mods`, so
//! commented-out or quoted code never counts, and setup split into helper
//! modules counts wherever it is.

mod facts;
mod names;
mod otel;
mod providers;
mod xray;

use crate::doctor::{Checked, Ctx, Finding, Unsure};

pub use names::{library, undefined};
pub use otel::{flask, gunicorn, tracing};
pub use providers::{rollbar, watchtower};
pub use xray::xray;

/// A module the app imports that Python cannot read stops the backend at
/// start-up: that is the finding. A file that cannot be read here at all is
/// a module this check could not judge.
pub fn syntax(ctx: &Ctx) -> Checked {
    let code = ctx.code();
    let unreadable: Vec<String> = code
        .broken
        .iter()
        .filter(|b| !b.syntax)
        .map(|b| format!("{} {}", b.display, b.why))
        .collect();
    let found: Vec<Finding> = code
        .broken
        .iter()
        .filter(|b| b.syntax)
        .map(|b| {
            Finding::new(
                "python-syntax-error",
                format!("{} {}: the backend cannot start", b.display, b.why),
            )
            .at(b.display.clone(), b.line)
            .column(b.column)
        })
        .collect();
    match (found.is_empty(), unreadable.first()) {
        (true, Some(why)) => Err(Unsure::CouldNotCheck(why.clone())),
        _ => Ok(found),
    }
}

#[cfg(test)]
#[path = "code_providers_tests.rs"]
mod providers_tests;
#[cfg(test)]
#[path = "code_tests.rs"]
mod tests;
