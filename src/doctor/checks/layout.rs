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
    vec![Finding::new("requirements-missing", format!("`{}` has no requirements.txt or pyproject.toml", backend.service))
        .file(if shown.is_empty() { ".".into() } else { shown })
        .evidence(format!("build context {} holds neither file", context.display()))
        .fix("create requirements.txt in the build context (cruddur-obs init adds the OpenTelemetry packages) and install it in the Dockerfile")]
}
