//! The edits init plans: compose environment, X-Ray daemon service, requirements, app module.

use crate::compose::add_service::add_service;
use crate::edit::Plan;
use crate::project::Project;
use crate::providers::rollbar::setup as rollbar_setup;
use crate::providers::setup::ProviderId;
use crate::providers::xray::setup as xray_setup;
use crate::python::instrument;
use anyhow::Result;

pub(super) fn plan_compose(
    plan: &mut Plan,
    project: &Project,
    ops: Vec<(crate::compose::edit::EnvOp, String)>,
) -> Result<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let only: Vec<_> = ops.iter().map(|(op, _)| op.clone()).collect();
    let reason = |these: &[crate::compose::edit::EnvOp], shared_with: &[String]| {
        let mut reasons: Vec<&str> = ops
            .iter()
            .filter(|(op, _)| these.contains(op))
            .map(|(_, why)| why.as_str())
            .collect();
        let shared;
        if !shared_with.is_empty() {
            shared = format!(
                "the block is shared through a YAML anchor, so {} get(s) these variables too",
                shared_with.join(", ")
            );
            reasons.push(&shared);
        }
        format!("{}: {}", project.backend.service, reasons.join("; "))
    };
    crate::steps::plan_env_ops(plan, project, &only, &reason)
}

pub(super) fn plan_daemon(plan: &mut Plan, project: &Project) -> Result<()> {
    let exists = project.compose.all_services().iter().any(|s| {
        s.name().contains("xray") || s.image().is_some_and(|i| i.contains("aws-xray-daemon"))
    });
    if exists {
        return Ok(());
    }
    // The daemon goes beside the backend, in the file that defines it.
    let idx = project
        .compose
        .service(&project.backend.service)
        .map_or(0, |s| s.place().0);
    let compose = &project.compose.files[idx];
    let current = plan
        .current(&compose.path, Some(&compose.text))
        .unwrap_or_default()
        .to_string();
    if let Some(after) = add_service(
        &compose.path,
        &current,
        xray_setup::DAEMON_SERVICE,
        xray_setup::daemon_service_yaml,
    )? {
        plan.update(
            &compose.path,
            &project.compose.display(idx),
            Some(&compose.text),
            after,
            "added the xray-daemon service (UDP 2000)".into(),
        );
    }
    Ok(())
}

pub(super) fn plan_requirements(
    plan: &mut Plan,
    project: &Project,
    packages: &[&str],
    notes: &mut Vec<String>,
) -> Result<()> {
    if crate::steps::add_packages(plan, project, packages)?.is_none() {
        notes.push(format!(
            "the build context of `{}` has neither requirements.txt nor pyproject.toml; install these packages in its image: {}",
            project.backend.service,
            packages.join(" ")
        ));
    }
    Ok(())
}

pub(super) fn plan_app(
    plan: &mut Plan,
    project: &Project,
    providers: &[ProviderId],
    notes: &mut Vec<String>,
) -> Result<()> {
    let render_all = || {
        providers
            .iter()
            .map(|p| instrument::render(p.spec().snippet, "app"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(app) = &project.backend.app else {
        notes.push(format!(
            "no module creating the Flask app was found in the build context of `{}`; add this right after `app = Flask(__name__)`:\n{}",
            project.backend.service,
            render_all()
        ));
        return Ok(());
    };
    let shown = project.display(&app.path);
    let original = app.text.as_deref().unwrap_or_default();
    let mut text = original.to_string();
    let mut reasons = Vec::new();
    // Each block lands right after the app is created, so inserting in
    // reverse keeps them in provider order.
    for p in providers.iter().rev() {
        if *p == ProviderId::Rollbar {
            if let Some(t) = rollbar_setup::without_old_hook(&text) {
                text = t;
                reasons.push(
                    "removed the @app.before_first_request Rollbar hook (gone in Flask 2.3)"
                        .to_string(),
                );
            }
        }
        let outcome = instrument::insert(&text, p.spec().snippet).map_err(|e| {
            anyhow::anyhow!(
                "{shown}:{}:{}: cannot parse Python: {}; fix the syntax error and run again",
                e.line,
                e.column,
                e.message
            )
        })?;
        match outcome {
            instrument::InsertOutcome::Unchanged => {}
            instrument::InsertOutcome::Changed(after) => {
                text = after;
                reasons.push(format!("added {} right after the app is created", p.title()));
            }
            instrument::InsertOutcome::NoApp => notes.push(format!(
                "{shown} has no module-level `app = Flask(...)`, so it was not edited; add this right after the app is created:\n{}",
                instrument::render(p.spec().snippet, "app")
            )),
        }
    }
    reasons.reverse();
    if text != original {
        plan.update(&app.path, &shown, Some(original), text, reasons.join("; "));
    }
    Ok(())
}
