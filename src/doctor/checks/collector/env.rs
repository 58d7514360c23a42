//! collector-env-unset: `${env:VAR}` in the collector config that the
//! collector's own environment does not set. The collector service's
//! `environment:` and `env_file:` are what it reads; the backend's never.
//!
//! Two kinds of cause, told apart: the project does not give the collector
//! the variable at all (a fact of the files), or gives it from a `${VAR}`
//! that is unset only in the shell running doctor (a fact of this shell).
//! The second is left out when the backend's environment uses the same
//! variable, since compose-var-unset already names it; platform variables
//! (Gitpod, Codespaces) are never a defect.

use super::{over_configs, Collector};
use crate::compose::dotenv;
use crate::doctor::checks::compose_file::{
    interpolated, listed, loc, lookup, platform_var, unset_phrase,
};
use crate::doctor::{Ctx, Finding, Unsure};
use crate::resolve::{Lookup, VarSource};

/// How the collector gets a variable.
enum Given {
    /// Set to a value (empty counts as not set).
    Value(String),
    /// From `${…}` variables unset in this shell and .env.
    ShellUnset(Vec<String>),
    /// Not given at all.
    No,
}

pub fn env(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    let lookup = lookup(ctx);
    over_configs(ctx, |c, config| {
        let mut out = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        let mut shell: Vec<String> = Vec::new();
        let mut first: Option<String> = None;
        for (name, has_default, _) in config.env_refs() {
            if has_default {
                continue;
            }
            match given(ctx, &lookup, c, &name) {
                Given::Value(v) if !v.trim().is_empty() => continue,
                Given::ShellUnset(vars) => {
                    let vars: Vec<String> = vars
                        .into_iter()
                        .filter(|v| !platform_var(v) && !backend_reports(ctx, v))
                        .collect();
                    if vars.is_empty() {
                        continue;
                    }
                    for v in vars {
                        if !shell.contains(&v) {
                            shell.push(v);
                        }
                    }
                }
                Given::Value(_) | Given::No => missing.push(name.clone()),
            }
            first.get_or_insert(name);
        }
        let Some(first) = first else { return out };
        let at = config
            .files
            .iter()
            .find_map(|f| {
                f.text
                    .lines()
                    .position(|l| l.contains(&first) && !l.trim_start().starts_with('#'))
                    .map(|i| (f.shown.clone(), Some(i + 1)))
            })
            .unwrap_or_else(|| config.locate(&[]));
        let name = c.svc.name();
        if !missing.is_empty() {
            out.push(
                Finding::new(
                    "collector-env-unset",
                    format!(
                        "the config of `{name}` reads {} from its environment, which `{name}` does not set: {}",
                        listed(&missing),
                        if missing.len() == 1 { "it expands to an empty string" } else { "they expand to empty strings" }
                    ),
                )
                .fill("var", missing.join(", "))
                .fill("service", name)
                .at(at.0.clone(), at.1)
                .evidence(format!(
                    "{}: {}; `{name}` sets {}",
                    loc(&at),
                    missing.iter().map(|v| format!("${{env:{v}}}")).collect::<Vec<_>>().join(", "),
                    set_names(c)
                )),
            );
        }
        if !shell.is_empty() {
            out.push(
                Finding::new(
                    "collector-env-unset",
                    format!(
                        "in this shell, `{name}` gets an empty value for its config: {}",
                        unset_phrase(&shell)
                    ),
                )
                .fill("var", shell.join(", "))
                .fill("service", name)
                .at(c.svc.key_location("environment").0, c.svc.key_location("environment").1)
                .evidence(format!(
                    "the environment of `{name}` passes {} from the shell or .env; this holds for the shell running doctor",
                    listed(&shell.iter().map(|v| format!("${{{v}}}")).collect::<Vec<_>>())
                )),
            );
        }
        out
    })
}

fn given(ctx: &Ctx, lookup: &Lookup, c: &Collector, name: &str) -> Given {
    if let Some(var) = c.svc.env().iter().rev().find(|v| v.name == name) {
        let raw = match &var.value {
            Some(raw) => raw.clone(),
            // `- NAME` alone passes the shell's value through.
            None => format!("${{{name}}}"),
        };
        return match interpolated(lookup, &raw) {
            Some(i) if !i.unset.is_empty() && i.value.trim().is_empty() => {
                Given::ShellUnset(i.unset)
            }
            Some(i) => Given::Value(i.value),
            None => Given::Value(String::new()),
        };
    }
    for file in c.svc.env_files() {
        let Ok(text) = ctx.project.read(&ctx.project.compose.dir().join(&file)) else {
            continue;
        };
        if let Ok(Some(e)) = dotenv::get(&text, name) {
            return Given::Value(e.value);
        }
    }
    Given::No
}

/// Whether compose-var-unset names the variable already: the backend's
/// environment uses it and it is unset.
fn backend_reports(ctx: &Ctx, var: &str) -> bool {
    ctx.env.settings.iter().any(|s| {
        s.vars
            .iter()
            .any(|v| v.name == var && v.source == VarSource::Unset && !v.used_default)
    })
}

fn set_names(c: &Collector) -> String {
    let names: Vec<String> = c.svc.env().iter().map(|v| v.name.clone()).collect();
    if names.is_empty() && c.svc.env_files().is_empty() {
        "no environment at all".into()
    } else if names.is_empty() {
        format!(
            "only what its env_file {} holds",
            c.svc.env_files().join(", ")
        )
    } else {
        listed(&names)
    }
}
