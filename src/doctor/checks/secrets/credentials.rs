//! Credentials kept safe and delivered: .env, the Honeycomb key's shape, Rollbar token, AWS.

use super::hardcoded::{code_secrets, found, Kind};
use super::{AWS_SECRET, QUOTES, ROLLBAR};
use crate::compose::{dotenv, interpolate, Service};
use crate::doctor::checks::compose_env::{
    backend, clean, clean_raw, headers_setting, place, secret_name, set, shown, unset_var,
};
use crate::doctor::{Ctx, Finding, Fix};
use crate::mask::mask;
use crate::providers::honeycomb::{key_kind, key_problem, KeyKind};
use crate::resolve::VarSource;

pub fn dotenv(ctx: &Ctx) -> Vec<Finding> {
    let file = &ctx.project.dotenv;
    let Some(text) = file.text.as_deref() else {
        return Vec::new();
    };
    let entries = dotenv::parse(text).unwrap_or_default();
    let held: Vec<&dotenv::DotenvEntry> = entries
        .iter()
        .filter(|e| {
            !e.value.is_empty() && (secret_name(&e.key) || !found(&e.key, &e.value).is_empty())
        })
        .collect();
    let Some(first) = held.first() else {
        return Vec::new();
    };
    let secrets: Vec<String> = held
        .iter()
        .map(|e| format!("{} (.env:{})", e.key, e.line))
        .collect();
    let mut out = Vec::new();
    if !crate::secrets::is_ignored(ctx.project) {
        out.push(
            Finding::new(
                "dotenv-not-ignored",
                ".env holds secrets but git does not ignore it",
            )
            .at(".env", Some(first.line))
            .evidence(format!(
                "secrets in .env: {}; `git check-ignore .env` finds no rule",
                secrets.join(", ")
            ))
            .edit(Fix::IgnoreDotenv),
        );
    }
    use std::os::unix::fs::PermissionsExt;
    if let Some(mode) = std::fs::metadata(&file.path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
        .filter(|m| m & 0o077 != 0)
    {
        out.push(
            Finding::new(
                "dotenv-permissions",
                format!(".env with secrets is readable by group or others (mode {mode:o})"),
            )
            .at(".env", Some(first.line))
            .evidence(format!("mode {mode:o}; secrets: {}", secrets.join(", ")))
            .edit(Fix::DotenvPermissions),
        );
    }
    out
}

pub fn key_format(ctx: &Ctx) -> Vec<Finding> {
    let Some(s) = headers_setting(ctx).filter(|s| !unset_var(s)) else {
        return Vec::new();
    };
    let text = clean(ctx, s);
    let team = |t: &str| -> Option<String> {
        t.split(',')
            .filter_map(|e| e.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("x-honeycomb-team"))
            .map(|(_, v)| v.to_string())
    };
    let Some(value) = team(&text) else {
        return Vec::new();
    };
    let raw = clean_raw(ctx, s).filter(|r| r.contains('='));
    let raw_team = raw.as_deref().and_then(team);
    // Quotes written in the compose text are otel-headers-malformed; those
    // inside the variable's value belong to the key.
    let from_var = raw_team
        .as_deref()
        .is_some_and(|v| v.trim().starts_with('$'));
    let key = value.trim_matches([' ', '\t']);
    let key = if from_var {
        key
    } else {
        key.trim_matches(QUOTES)
    };
    let var = raw_team
        .as_deref()
        .and_then(|t| interpolate::referenced_names(t).into_iter().next());
    let source = var
        .as_deref()
        .and_then(|n| s.vars.iter().find(|v| v.name == n));
    let (file, line) = match source.map(|v| &v.source) {
        Some(VarSource::DotEnv { line }) => (".env".to_string(), Some(*line)),
        _ => place(ctx, s),
    };
    let from = match (&var, source.map(|v| &v.source)) {
        (Some(n), Some(VarSource::DotEnv { line })) => format!("${{{n}}} from .env:{line}"),
        (Some(n), Some(VarSource::Environment)) => format!("${{{n}}} from the shell environment"),
        _ => format!("{} at {}", s.name, s.origin),
    };
    let kind = key_kind(key);
    let problem = key_problem(key).or_else(|| {
        (kind == KeyKind::Unknown).then(|| {
            "it matches no Honeycomb key shape (ingest keys are 64 characters, hc?ik_…)".to_string()
        })
    });
    let evidence = format!(
        "x-honeycomb-team = {} ({} characters, {from})",
        mask(key),
        key.chars().count()
    );
    if let Some(problem) = problem {
        return vec![Finding::new(
            "honeycomb-key-format",
            format!("the Honeycomb key cannot be used: {problem}"),
        )
        .at(file, line)
        .evidence(evidence)];
    }
    let has_dataset = text
        .split(',')
        .filter_map(|e| e.split_once('='))
        .any(|(k, _)| k.trim().eq_ignore_ascii_case("x-honeycomb-dataset"));
    if !kind.is_classic() || has_dataset {
        return Vec::new();
    }
    let dataset = Some(ctx.exporter.service_name.value.clone())
        .filter(|d| !d.starts_with("unknown_service"))
        .unwrap_or_else(|| ctx.project.backend.service.clone());
    let (file, line) = place(ctx, s);
    let mut f = Finding::new(
        "honeycomb-key-classic-no-dataset",
        "a classic Honeycomb key needs an x-honeycomb-dataset header (Honeycomb answers 401)",
    )
    .at(file, line)
    .evidence(format!("{evidence}; {}: {}", s.name, shown(&s.name, &text)))
    .fill("value", format!(",x-honeycomb-dataset={dataset}"))
    .fill("var", s.name.clone());
    if let Some(r) = raw {
        f = f.edit(set(&s.name, format!("{r},x-honeycomb-dataset={dataset}")));
    }
    vec![f]
}

fn imports(ctx: &Ctx, module: &str) -> Option<(String, usize)> {
    ctx.code().mods.iter().find_map(|m| {
        let i = m
            .module
            .imports()
            .iter()
            .find(|i| i.module == module || i.module.starts_with(&format!("{module}.")))?;
        Some((m.display.clone(), i.line))
    })
}

pub fn rollbar_token(ctx: &Ctx) -> Vec<Finding> {
    // Only running code that uses Rollbar needs its token.
    if ctx.usage().rollbar.is_none() {
        return Vec::new();
    }
    let Some((module, import_line)) = imports(ctx, "rollbar") else {
        return Vec::new();
    };
    // A literal token is secret-hardcoded; it does reach Rollbar.
    if code_secrets(ctx)
        .iter()
        .flatten()
        .any(|h| h.0 == Kind::Rollbar)
    {
        return Vec::new();
    }
    let calls: Vec<_> = ctx
        .code()
        .mods
        .iter()
        .flat_map(|m| m.module.calls())
        .collect();
    let getenv = ["os.getenv", "getenv", "os.environ.get", "environ.get"];
    let mut names: Vec<String> = calls
        .iter()
        .filter(|c| getenv.contains(&c.callee.as_str()))
        .filter_map(|c| {
            c.first_arg
                .as_deref()
                .map(|a| a.trim_matches(QUOTES).to_string())
        })
        .filter(|n| n.contains("ROLLBAR"))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        names.push(ROLLBAR.into());
    }
    let svc = &ctx.project.backend.service;
    names
        .iter()
        .filter_map(|name| {
            let s = ctx.env.get(name);
            if s.is_some_and(|s| unset_var(s) || !clean(ctx, s).trim().is_empty()) {
                return None;
            }
            let (file, line) = s
                .map(|s| place(ctx, s))
                .unwrap_or_else(|| (ctx.compose_display(), backend(ctx).and_then(|b| b.line())));
            let state = if s.is_some() {
                "is empty"
            } else {
                "is not in its environment"
            };
            Some(
                Finding::new(
                    "rollbar-token-missing",
                    format!("the backend reports to Rollbar but {name} does not reach `{svc}`"),
                )
                .at(file, line)
                .about([name.clone()])
                .service(svc.as_str())
                .evidence(format!(
                    "{module}:{import_line} imports rollbar; {name} {state}"
                ))
                .fill("value", format!("{name}: \"${{{name}}}\"")),
            )
        })
        .collect()
}

/// A volume (short or long syntax) that mentions `.aws`.
fn mounts_aws_config(svc: &Service) -> bool {
    fn mentions(v: &yaml_serde::Value) -> bool {
        match v {
            yaml_serde::Value::String(s) => s.contains(".aws"),
            yaml_serde::Value::Sequence(items) => items.iter().any(mentions),
            yaml_serde::Value::Mapping(m) => m.iter().any(|(k, v)| mentions(k) || mentions(v)),
            yaml_serde::Value::Tagged(t) => mentions(&t.value),
            _ => false,
        }
    }
    svc.get("volumes").is_some_and(mentions)
}

pub fn aws(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let usage = ctx.usage();
    let creds = ["AWS_ACCESS_KEY_ID", AWS_SECRET];
    // A setting that names a variable is this check's concern only when the
    // variable is set; an unset one is the shell's (compose-var-unset), and
    // the judgement folds this finding into it.
    let missing_in = |env: &crate::resolve::ContainerEnv, names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| env.get(n).is_none_or(|s| s.value.trim().is_empty()))
            .map(|n| {
                env.get(n)
                    .and_then(|s| s.vars.first())
                    .map_or(n.to_string(), |v| v.name.clone())
            })
            .collect()
    };
    // CloudWatch Logs (watchtower) calls AWS from the backend itself.
    if let (Some(site), Some(svc)) = (
        &usage.cloudwatch,
        backend(ctx).filter(|s| !mounts_aws_config(s)),
    ) {
        let mut missing = missing_in(&ctx.env, &creds);
        let region = ["AWS_REGION", "AWS_DEFAULT_REGION"];
        if region
            .iter()
            .all(|n| ctx.env.get(n).is_none_or(|s| s.value.trim().is_empty()))
        {
            missing.insert(0, missing_in(&ctx.env, &region[1..]).remove(0));
        }
        if !missing.is_empty() {
            let (file, line) = svc.key_location("environment");
            out.push(
                Finding::new(
                    "aws-credentials-missing",
                    format!(
                        "CloudWatch Logs is used but `{}` gets no {}",
                        svc.name(),
                        missing.join(", ")
                    ),
                )
                .at(file, line)
                .evidence(format!(
                    "{}; missing or empty in `{}`: {}",
                    site.describe(),
                    svc.name(),
                    missing.join(", ")
                ))
                .fill("var", missing.join(", "))
                .about(missing.clone())
                .service(svc.name()),
            );
        }
    }
    // The X-Ray SDK only talks UDP to the daemon; the daemon calls AWS.
    let Some(site) = &usage.xray else {
        return out;
    };
    for name in crate::doctor::checks::compose_env::xray_daemons(ctx) {
        let Some(svc) = ctx.project.compose.service(&name) else {
            continue;
        };
        if mounts_aws_config(&svc) {
            continue;
        }
        let env = ctx.service_env(&name);
        let missing = missing_in(&env, &creds);
        if !missing.is_empty() {
            let (file, line) = svc.key_location("environment");
            out.push(
                Finding::new(
                    "aws-credentials-missing",
                    format!(
                        "the X-Ray daemon `{name}` has no AWS credentials: it cannot upload traces"
                    ),
                )
                .at(file, line)
                .evidence(format!(
                    "{}; missing or empty in `{name}`: {}",
                    site.describe(),
                    missing.join(", ")
                ))
                .fill("var", missing.join(", "))
                .about(missing)
                .service(name.as_str()),
            );
        }
    }
    out
}
