//! Project layout. Discovery failures (compose-missing, compose-invalid,
//! backend-service-missing) stop discovery itself and are reported by the
//! command; what remains is the backend's requirements.

use crate::doctor::{Ctx, Finding};

pub fn requirements(ctx: &Ctx) -> Vec<Finding> {
    let backend = &ctx.project.backend;
    if backend.requirements.is_some() {
        return Vec::new();
    }
    let Some(context) = &backend.context else {
        return Vec::new();
    };
    let shown = ctx.project.display(context);
    let shown = if shown.is_empty() { ".".into() } else { shown };
    vec![Finding::new(
        "requirements-missing",
        format!(
            "`{}` has no requirements.txt or pyproject.toml",
            backend.service
        ),
    )
    .file(shown.clone())
    .evidence(format!(
        "build context {} holds neither file",
        context.display()
    ))
    .fill("file", shown)]
}

/// No telemetry at all: one finding that says to run init, instead of the
/// list of symptoms the other checks would give (the judgement drops them).
pub fn not_set_up(ctx: &Ctx) -> Vec<Finding> {
    let providers = [
        "opentelemetry",
        "honeycomb-opentelemetry",
        "aws-xray-sdk",
        "watchtower",
        "rollbar",
    ];
    let declared = ctx.declared.iter().any(|d| {
        providers
            .iter()
            .any(|p| d.req.normalized == *p || d.req.normalized.starts_with("opentelemetry-"))
    });
    let configured = ctx
        .env
        .settings
        .iter()
        .any(|s| s.name.starts_with("OTEL_") || s.name.starts_with("HONEYCOMB"));
    if !ctx.usage().nothing() || declared || configured || ctx.code().app().is_none() {
        return Vec::new();
    }
    let svc = &ctx.project.backend.service;
    let (file, line) = ctx
        .project
        .compose
        .service(svc)
        .map(|s| (ctx.project.compose.display(s.place().0), s.line()))
        .unwrap_or_else(|| (ctx.compose_display(), None));
    vec![Finding::new(
        "telemetry-not-set-up",
        format!("`{svc}` has no telemetry set up: no OpenTelemetry, X-Ray, CloudWatch or Rollbar"),
    )
    .at(file, line)
    .evidence(format!(
        "no OTEL_* variables on `{svc}`, no such packages in its requirements, and no code for them in the modules its app imports"
    ))
    .service(svc.as_str())]
}
