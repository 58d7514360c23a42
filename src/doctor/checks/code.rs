//! Backend code. Every check reads the syntax trees of `ctx.modules`, so
//! commented-out or quoted code never counts, and setup split into helper
//! modules counts wherever it is.

mod facts;
mod names;
mod otel;
mod providers;

use crate::doctor::{Ctx, Finding};

pub use names::{library, undefined};
pub use otel::{flask, gunicorn, tracing};
pub use providers::{rollbar, watchtower, xray};

/// The catalogue has no id for a syntax error, and a module that does not
/// parse cannot be judged either way: the command shows `ctx.unparsable` as
/// "could not check" instead of letting the other code checks pass over it.
pub fn parse(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

#[cfg(test)]
#[path = "code_providers_tests.rs"]
mod providers_tests;
#[cfg(test)]
#[path = "code_tests.rs"]
mod tests;
