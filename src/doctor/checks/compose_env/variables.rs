//! Whether variables reach the backend: unset `${VAR}`s, missing env_files, wrong service.

use super::shared::{
    backend, place, shown, ENDPOINT, HEADERS, SERVICE_NAME, TRACES_ENDPOINT, TRACES_HEADERS,
};
use crate::compose::dotenv;
use crate::doctor::{Ctx, Finding};
use crate::resolve::{Origin, VarSource};

fn needs(name: &str) -> bool {
    ["OTEL_", "HONEYCOMB", "ROLLBAR", "AWS_"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// Variables the backend's env_file files define: (file, line).
fn env_file_defines(ctx: &Ctx, var: &str) -> Option<(String, usize)> {
    let svc = backend(ctx)?;
    svc.env_files().into_iter().find_map(|f| {
        let text = std::fs::read_to_string(ctx.project.compose.dir().join(&f)).ok()?;
        let e = dotenv::get(&text, var).ok()??;
        Some((f.trim_start_matches("./").to_string(), e.line))
    })
}

pub fn interpolation(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for s in
        ctx.env.settings.iter().filter(|s| {
            needs(&s.name) && matches!(s.origin, Origin::Compose { .. }) && s.raw.is_some()
        })
    {
        for v in s
            .vars
            .iter()
            // Gitpod sets its own variables in a workspace; elsewhere they only
            // shape preview URLs, which no exporter depends on.
            .filter(|v| {
                v.source == VarSource::Unset && !v.used_default && !v.name.starts_with("GITPOD_")
            })
        {
            if seen.contains(&v.name.as_str()) {
                continue;
            }
            seen.push(&v.name);
            let (file, line) = place(ctx, s);
            let evidence = format!(
                "{}: {}",
                s.name,
                shown(&s.name, s.raw.as_deref().unwrap_or_default())
            );
            let in_gp = ctx
                .gp_env
                .as_ref()
                .is_some_and(|g| g.iter().any(|(k, _)| *k == v.name));
            let f = if let Some((env_file, l)) = env_file_defines(ctx, &v.name) {
                Finding::new("env-file-not-interpolated", format!("${{{}}} is defined only in {env_file}, which compose does not use for ${{}} substitution", v.name))
                    .evidence(format!("{evidence}; {} is set at {env_file}:{l}", v.name))
                    .fix(format!("put {} in the project .env (compose reads it for ${{{}}}); env_file entries only reach the container", v.name, v.name))
            } else if in_gp {
                Finding::new("gitpod-env-not-loaded", format!("{} is stored with gp env but not loaded in this shell: compose substitutes \"\"", v.name))
                    .evidence(format!("{evidence}; `gp env` has {}, the shell does not", v.name))
                    .fix("run `eval $(gp env -e)` in this terminal, then `docker compose up` again")
            } else {
                Finding::new("compose-var-unset", format!("${{{}}} is not set: compose substitutes an empty string into {}", v.name, s.name))
                    .evidence(evidence)
                    .fix(format!("add {}=… to the project .env (`cruddur-obs init` stores the key there), or export it before `docker compose up`", v.name))
            };
            out.push(f.at(file, line));
        }
    }
    out
}

pub fn env_files(ctx: &Ctx) -> Vec<Finding> {
    let Some(svc) = backend(ctx) else {
        return Vec::new();
    };
    let optional = |f: &str| {
        svc.get("env_file")
            .and_then(|v| v.as_sequence())
            .into_iter()
            .flatten()
            .any(|i| {
                i.get("path").and_then(|p| p.as_str()) == Some(f)
                    && i.get("required").and_then(|r| r.as_bool()) == Some(false)
            })
    };
    svc.env_files()
        .into_iter()
        .filter(|f| !optional(f) && !ctx.project.compose.dir().join(f).exists())
        .map(|f| {
            let (file, line) = svc.item_location("env_file", &f);
            Finding::new(
                "env-file-missing",
                format!(
                    "env_file `{f}` does not exist: compose refuses to start `{}`",
                    svc.name()
                ),
            )
            .at(file, line)
            .evidence(format!("{} (relative to the compose file) is missing", f))
            .fix(format!(
                "create {f} (it is read as KEY=value lines), or remove the env_file entry"
            ))
        })
        .collect()
}

pub fn wrong_service(ctx: &Ctx) -> Vec<Finding> {
    let key = [
        ENDPOINT,
        TRACES_ENDPOINT,
        HEADERS,
        TRACES_HEADERS,
        SERVICE_NAME,
    ];
    let file = ctx.compose_display();
    ctx.project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name() != ctx.project.backend.service)
        .filter_map(|svc| {
            let env = svc.environment();
            let stray: Vec<_> = env
                .iter()
                .filter(|v| key.contains(&v.name.as_str()) && ctx.env.get(&v.name).is_none())
                .collect();
            let first = stray.first()?;
            let names: Vec<&str> = stray.iter().map(|v| v.name.as_str()).collect();
            Some(
                Finding::new(
                    "env-on-wrong-service",
                    format!(
                        "the OpenTelemetry variables sit on `{}`, not on the backend `{}`",
                        svc.name(),
                        ctx.project.backend.service
                    ),
                )
                .at(file.clone(), first.line.or(svc.line()))
                .evidence(format!(
                    "`{}` sets {}; `{}` sets none of them",
                    svc.name(),
                    names.join(", "),
                    ctx.project.backend.service
                ))
                .fix(format!(
                    "move {} to the environment of `{}`",
                    names.join(", "),
                    ctx.project.backend.service
                )),
            )
        })
        .collect()
}
