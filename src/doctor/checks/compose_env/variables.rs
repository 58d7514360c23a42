//! Whether variables reach the backend: unset `${VAR}`s, missing env_files, wrong service.

use super::shared::{
    place, shown, ENDPOINT, HEADERS, SERVICE_NAME, TRACES_ENDPOINT, TRACES_HEADERS,
};
use crate::compose::dotenv;
use crate::doctor::{Ctx, Finding};
use crate::resolve::{Origin, VarSource};

/// Variables a cloud workspace sets itself (Gitpod, Codespaces). Unset
/// elsewhere, they only shape preview URLs: never an error.
pub(crate) fn platform_var(name: &str) -> bool {
    name.starts_with("GITPOD_")
        || name.starts_with("CODESPACE")
        || name == "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN"
}

/// Variables a service's env_file files define: (file, line).
fn env_file_defines(ctx: &Ctx, service: &str, var: &str) -> Option<(String, usize)> {
    let svc = ctx.project.compose.service(service)?;
    svc.env_files().into_iter().find_map(|f| {
        let text = ctx.project.read(&ctx.project.compose.dir().join(&f)).ok()?;
        let e = dotenv::get(&text, var).ok()??;
        Some((f.trim_start_matches("./").to_string(), e.line))
    })
}

/// `${VAR}`s the backend (and the X-Ray daemon it uses) need that compose
/// would substitute with "". A variable only the shell lacks is a finding
/// about this shell (grouped with the others into one); one defined only in
/// an env_file is the project's. Settings nothing active reads are not this
/// check's business.
pub fn interpolation(ctx: &Ctx) -> Vec<Finding> {
    let backend = ctx.project.backend.service.clone();
    let mut out: Vec<Finding> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let usage = ctx.usage();
    unset_in(
        ctx,
        &backend,
        &ctx.env,
        &|n| usage.needs(n),
        &mut seen,
        &mut out,
    );
    if let Some(xray) = &usage.xray {
        for daemon in xray_daemons(ctx) {
            let env = ctx.service_env(&daemon);
            let needs = |n: &str| n.starts_with("AWS_").then_some(xray);
            unset_in(ctx, &daemon, &env, &needs, &mut seen, &mut out);
        }
    }
    out
}

/// Services that run the X-Ray daemon.
pub(crate) fn xray_daemon_services<'a>(ctx: &'a Ctx) -> Vec<crate::compose::Service<'a>> {
    ctx.project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name() != ctx.project.backend.service)
        .filter(|s| {
            s.image().is_some_and(|i| i.contains("aws-xray-daemon"))
                || s.name().to_ascii_lowercase().contains("xray")
        })
        .collect()
}

/// The names of [`xray_daemon_services`].
pub(crate) fn xray_daemons(ctx: &Ctx) -> Vec<String> {
    xray_daemon_services(ctx)
        .iter()
        .map(|s| s.name().to_string())
        .collect()
}

fn unset_in<'u>(
    ctx: &Ctx,
    service: &str,
    env: &crate::resolve::ContainerEnv,
    needs: &dyn Fn(&str) -> Option<&'u crate::usage::Site>,
    seen: &mut Vec<String>,
    out: &mut Vec<Finding>,
) {
    for s in env
        .settings
        .iter()
        .filter(|s| matches!(s.origin, Origin::Compose { .. }))
    {
        let Some(user) = needs(&s.name) else {
            continue;
        };
        for v in s
            .vars
            .iter()
            .filter(|v| v.source == VarSource::Unset && !v.used_default && !platform_var(&v.name))
        {
            if seen.contains(&v.name) {
                continue;
            }
            seen.push(v.name.clone());
            let (file, line) = place(ctx, s);
            let written = match &s.raw {
                Some(raw) => format!("{}: {}", s.name, shown(&s.name, raw)),
                None => format!("{} (passed through from the shell)", s.name),
            };
            let at = line.map(|l| format!(":{l}")).unwrap_or_default();
            let evidence = format!(
                "{file}{at} `{service}` {written}; needed because {}",
                user.describe()
            );
            let in_gp = ctx
                .gp_env
                .as_ref()
                .is_some_and(|g| g.iter().any(|(k, _)| *k == v.name));
            // Written as a service's own variable: compose never reads those
            // for `${}`, so the reference is empty whatever this shell has.
            let own = ctx
                .project
                .compose
                .all_services()
                .into_iter()
                .find_map(|svc| {
                    // A value, not a reference passed on (`KEY: ${KEY}`).
                    let var = svc.env().iter().find(|e| {
                        e.name == v.name
                            && e.value
                                .as_deref()
                                .is_some_and(|x| !x.is_empty() && !x.contains('$'))
                    })?;
                    Some((
                        svc.name().to_string(),
                        ctx.project.compose.display(var.file),
                        var.line,
                    ))
                });
            let f = if let Some((owner, at_file, at_line)) = own {
                let at = at_line.map(|l| format!(":{l}")).unwrap_or_default();
                Finding::new("compose-var-self-reference", format!("${{{}}} refers to a variable set only in the environment of `{owner}`: compose substitutes an empty string", v.name))
                    .evidence(format!("{written}; {} is set at {at_file}{at}, which compose does not read for ${{}}", v.name))
                    .fill("var", v.name.clone())
            } else if let Some((env_file, l)) = env_file_defines(ctx, service, &v.name) {
                Finding::new("env-file-not-interpolated", format!("${{{}}} is defined only in {env_file}, which compose does not use for ${{}} substitution", v.name))
                    .evidence(format!("{written}; {} is set at {env_file}:{l}", v.name))
                    .fill("var", v.name.clone())
            } else if in_gp {
                Finding::new(
                    "gitpod-env-not-loaded",
                    format!(
                        "{} is stored with gp env but not loaded in this shell",
                        v.name
                    ),
                )
                .evidence(evidence)
                .fill("var", v.name.clone())
                .in_shell()
            } else {
                Finding::new(
                    "compose-var-unset",
                    format!("${{{}}} is not set in this shell nor in .env", v.name),
                )
                .evidence(evidence)
                .fill("var", v.name.clone())
                .in_shell()
            };
            out.push(f.at(file, line).about([v.name.clone()]).service(service));
        }
    }
}

/// `env_file:` entries that do not exist, on any service: compose refuses
/// to start the project (not only that service).
pub fn env_files(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for svc in ctx.project.compose.all_services() {
        for f in svc.env_files() {
            if svc.env_file_optional(&f) || ctx.project.compose.dir().join(&f).exists() {
                continue;
            }
            let (file, line) = svc.item_location("env_file", &f);
            let template = ["example", "sample", "template", "erb"]
                .iter()
                .map(|ext| format!("{f}.{ext}"))
                .find(|t| ctx.project.compose.dir().join(t).exists());
            let mut evidence = format!("{f} (relative to the project directory) is missing");
            if let Some(t) = template {
                evidence.push_str(&format!("; {t} is beside it"));
            }
            out.push(
                Finding::new(
                    "env-file-missing",
                    format!(
                        "env_file `{f}` of `{}` does not exist: compose refuses to start the project",
                        svc.name()
                    ),
                )
                .at(file, line)
                .service(svc.name())
                .evidence(evidence)
                .fill("file", f.trim_start_matches("./")),
            );
        }
    }
    out
}

/// Variables only the backend reads.
const BACKEND_VARS: [&str; 9] = [
    ENDPOINT,
    TRACES_ENDPOINT,
    HEADERS,
    TRACES_HEADERS,
    SERVICE_NAME,
    "AWS_XRAY_URL",
    "AWS_XRAY_DAEMON_ADDRESS",
    "ROLLBAR_ACCESS_TOKEN",
    "HONEYCOMB_API_KEY",
];

/// Variables the backend needs but lacks, written under another service
/// instead (the frontend, the xray-daemon). A collector that sends to
/// Honeycomb rightly holds the key.
pub fn wrong_service(ctx: &Ctx) -> Vec<Finding> {
    let backend = &ctx.project.backend.service;
    let needed = |name: &str| {
        ctx.env.get(name).is_none()
            && (ctx.usage().needs(name).is_some()
                || (name.starts_with("OTEL_") && super::shared::otel_in_play(ctx)))
    };
    ctx.project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name() != backend)
        .filter_map(|svc| {
            let collector = svc
                .image()
                .is_some_and(|i| i.contains("opentelemetry-collector"))
                || svc.name().contains("collector");
            let stray: Vec<_> = svc
                .env()
                .iter()
                .filter(|v| BACKEND_VARS.contains(&v.name.as_str()) && needed(&v.name))
                .filter(|v| !(collector && v.name == "HONEYCOMB_API_KEY"))
                .collect();
            let first = stray.first()?;
            let names: Vec<String> = stray.iter().map(|v| v.name.clone()).collect();
            Some(
                Finding::new(
                    "env-on-wrong-service",
                    format!(
                        "{} sit{} on `{}`, not on the backend `{backend}` that reads {}",
                        names.join(", "),
                        if names.len() == 1 { "s" } else { "" },
                        svc.name(),
                        if names.len() == 1 { "it" } else { "them" },
                    ),
                )
                .at(
                    ctx.project.compose.display(first.file),
                    first.line.or(svc.line()),
                )
                .evidence(format!(
                    "`{}` sets {}; `{backend}` sets none of them",
                    svc.name(),
                    names.join(", "),
                ))
                .fill("var", names.join(", "))
                .about(names)
                .service(backend.as_str()),
            )
        })
        .collect()
}
