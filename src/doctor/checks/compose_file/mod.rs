//! The compose file itself: what makes compose refuse to start the project
//! (an undefined network, booleans compose v1 rejects) or start containers
//! that cannot work (a missing bind-mounted file, a healthcheck that can
//! never pass).
//!
//! These checks read every service of the project compose would run, not
//! only the backend, and interpolate values the way compose does (the shell,
//! then the project `.env`).

mod env_bool;
mod healthcheck;
pub(crate) mod image_tools;
pub(crate) mod mounts;
mod networks;

pub use env_bool::env_bools;
pub(crate) use env_bool::plan_quote;
pub use healthcheck::healthchecks;
pub use mounts::bind_mounts;
pub use networks::networks;

use crate::compose::interpolate;
use crate::doctor::Ctx;
use crate::resolve::Lookup;

/// compose's lookup for `${VAR}`: the shell running doctor, then `.env`.
pub(crate) fn lookup<'a>(ctx: &Ctx<'a>) -> Lookup<'a> {
    Lookup {
        process: ctx.process,
        dotenv: ctx.project.dotenv_entries.clone().unwrap_or_default(),
    }
}

/// A value as compose would read it, with the variables that were unset.
pub(crate) struct Interpolated {
    pub value: String,
    /// Variables set neither in the shell nor in `.env`, whose default (if
    /// any) was not used: compose put "" in their place.
    pub unset: Vec<String>,
}

/// Interpolates `raw` like compose; `None` when compose would refuse the
/// expression itself (a syntax error, a `${VAR:?}` with no value).
pub(crate) fn interpolated(lookup: &Lookup, raw: &str) -> Option<Interpolated> {
    let get = |n: &str| lookup.source(n).0;
    let done = interpolate::interpolate(raw, &get).ok()?;
    let mut unset = Vec::new();
    for u in done.uses {
        if !u.set && !u.used_default && !unset.contains(&u.name) {
            unset.push(u.name);
        }
    }
    Some(Interpolated {
        value: done.value,
        unset,
    })
}

/// Variables the workspace platform sets (Gitpod, Codespaces): unset outside
/// a workspace, which is never a defect of the project.
pub(crate) fn platform_var(name: &str) -> bool {
    name.starts_with("GITPOD_")
        || name == "CODESPACE_NAME"
        || name == "CODESPACES"
        || name.starts_with("GITHUB_CODESPACES_")
}

/// "`A`, `B` and `C`"
pub(crate) fn listed(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "`A` is not set in this shell or the project .env": a fact of the shell
/// running doctor, said as one.
pub(crate) fn unset_phrase(vars: &[String]) -> String {
    let verb = if vars.len() == 1 { "is" } else { "are" };
    format!(
        "{} {verb} not set in this shell or the project .env, so compose substitutes \"\"",
        listed(vars)
    )
}

/// `file:line`, or the file alone.
pub(crate) fn loc(at: &(String, Option<usize>)) -> String {
    match at.1 {
        Some(l) => format!("{}:{l}", at.0),
        None => at.0.clone(),
    }
}

/// The first line at or after `from` (1-based) whose text contains `needle`,
/// within `within` lines: a nested key that positions do not record.
pub(crate) fn line_near(text: &str, from: usize, within: usize, needle: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .take(within)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests;
