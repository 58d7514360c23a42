//! Rollbar and CloudWatch Logs (watchtower) in the backend code (X-Ray is
//! in xray.rs).

use super::facts::{last, Mod, Place};
use crate::doctor::checks::deps::declared::flask_may_be_2_3;
use crate::doctor::{Checked, Ctx, Finding};
use crate::python::analysis::Call;

fn is_rollbar_init(m: &Mod, c: &Call) -> bool {
    let receiver = c.callee.rsplit_once('.').map(|(r, _)| r);
    match receiver {
        Some(r) => last(&c.callee) == "init" && m.module_names("rollbar").contains(&r),
        None => m.module.imports().iter().any(|i| {
            i.module == "rollbar"
                && i.name.as_deref() == Some("init")
                && i.bound_name() == Some(c.callee.as_str())
        }),
    }
}

pub fn rollbar(ctx: &Ctx) -> Checked {
    ctx.code_readable()?;
    Ok(rollbar_in(ctx))
}

fn rollbar_in(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let Some((m, import)) = code.imports_of("rollbar").next() else {
        return Vec::new();
    };
    let inits: Vec<(&Mod, &Call)> = code
        .mods
        .iter()
        .flat_map(|m| {
            m.module
                .calls()
                .iter()
                .filter(|c| is_rollbar_init(m, c))
                .map(move |c| (m, c))
        })
        .collect();
    if inits.is_empty() {
        return vec![m.at(
            Finding::new(
                "rollbar-not-initialized",
                "Rollbar is imported but `rollbar.init` is never called",
            ),
            import.line,
            None,
        )];
    }
    let declared = &ctx.declared;
    if !flask_may_be_2_3(declared) {
        return Vec::new();
    }
    // On Flask 2.3+ a `before_first_request` hook never runs (the decorator
    // itself fails, reported by code::flask), so an init inside it is dead.
    let dead: Vec<_> = inits
        .iter()
        .filter(|(m, c)| {
            c.function
                .as_ref()
                .is_some_and(|f| m.decorated("before_first_request").contains(f))
        })
        .collect();
    if dead.len() < inits.len() {
        return Vec::new();
    }
    dead.iter()
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "rollbar-not-initialized",
                    "`rollbar.init` sits in a `before_first_request` hook, which Flask 2.3 removed",
                ),
                c,
            )
        })
        .collect()
}

pub fn watchtower(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let mut out: Vec<Finding> = code
        .calls("CloudWatchLogHandler")
        .filter(|(_, c)| c.keywords.iter().any(|k| k == "log_group"))
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "watchtower-deprecated-arg",
                    "CloudWatchLogHandler gets `log_group=`, deprecated since watchtower 2.0",
                ),
                c,
            )
        })
        .collect();
    // watchtower creates the log group when the handler is built: at import
    // time a missing region or credentials stop the app from starting.
    out.extend(
        code.calls("CloudWatchLogHandler")
            .filter(|(_, c)| c.module_level && !c.guarded)
            .map(|(m, c)| {
                m.at_call(
                    Finding::new(
                        "watchtower-handler-at-import",
                        "the CloudWatch handler is created at import: without AWS region and credentials the app does not start",
                    ),
                    c,
                )
            }),
    );
    out
}
