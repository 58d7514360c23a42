//! Plan steps shared by init and `doctor --fix`, so both edit files the same
//! way through the same writer.

use crate::compose::edit::{apply_env_ops_on, EnvOp};
use crate::edit::Plan;
use crate::project::{Project, RequirementsKind};
use crate::python::requirements::{self, Requirement};
use anyhow::{anyhow, Result};

/// A requirement the backend declares, with the file it is written in
/// (requirements.txt, a `-r` include, or pyproject.toml).
pub struct Declared {
    pub file: String,
    pub req: Requirement,
}

impl Declared {
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.req.line)
    }

    /// `opentelemetry-sdk==1.24.0 (backend-flask/requirements.txt:3)`
    pub fn quoted(&self) -> String {
        format!(
            "{}{} ({})",
            self.req.name,
            self.req.specifier,
            self.location()
        )
    }
}

/// Every requirement the backend declares: its requirements.txt with `-r`
/// includes, or its pyproject.toml dependencies.
pub fn declared(project: &Project) -> Vec<Declared> {
    let Some(req) = &project.backend.requirements else {
        return Vec::new();
    };
    let with_file = |file: &std::path::Path, reqs: Vec<Requirement>| {
        let file = project.display(file);
        reqs.into_iter()
            .map(move |req| Declared {
                file: file.clone(),
                req,
            })
            .collect::<Vec<_>>()
    };
    let text = req.file.text.as_deref().unwrap_or_default();
    match req.kind {
        RequirementsKind::Txt => {
            let mut out = with_file(
                &req.file.path,
                requirements::parse_requirements_txt(text).requirements,
            );
            for inc in &req.includes {
                let parsed =
                    requirements::parse_requirements_txt(inc.text.as_deref().unwrap_or_default());
                out.extend(with_file(&inc.path, parsed.requirements));
            }
            out
        }
        RequirementsKind::Pyproject => with_file(
            &req.file.path,
            requirements::parse_pyproject(text)
                .map(|d| d.requirements)
                .unwrap_or_default(),
        ),
    }
}

pub fn has_package(declared: &[Declared], name: &str) -> bool {
    let n = requirements::normalize_name(name);
    declared.iter().any(|d| d.req.normalized == n)
}

/// Plans adding the missing ones of `packages`; returns those it added.
/// `Ok(None)` when the backend has no requirements file to add them to.
pub fn add_packages(
    plan: &mut Plan,
    project: &Project,
    packages: &[&str],
) -> Result<Option<Vec<String>>> {
    let Some(req) = &project.backend.requirements else {
        return Ok(None);
    };
    let declared = declared(project);
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !has_package(&declared, p))
        .collect();
    if missing.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let shown = project.display(&req.file.path);
    let original = req.file.text.as_deref().unwrap_or_default();
    let current = plan
        .current(&req.file.path, Some(original))
        .unwrap_or_default()
        .to_string();
    let after = match req.kind {
        RequirementsKind::Txt => requirements::add_to_requirements_txt(&current, &missing),
        RequirementsKind::Pyproject => requirements::add_to_pyproject(&current, &missing)
            .map_err(|e| anyhow!("{shown}: {e}"))?,
    };
    if let Some(after) = after {
        plan.update(
            &req.file.path,
            &shown,
            Some(original),
            after,
            format!("added {}", missing.join(", ")),
        );
    }
    Ok(Some(missing.iter().map(|s| s.to_string()).collect()))
}

/// The compose file an environment change belongs in: where the variable
/// is written now (an override file wins over the base), else the last file
/// that writes the backend's `environment`, else the file defining it.
pub fn env_target(project: &Project, op: &EnvOp) -> usize {
    let compose = &project.compose;
    let Some(svc) = compose.service(&project.backend.service) else {
        return 0;
    };
    let name = match op {
        EnvOp::Set { name, .. } => name,
        EnvOp::Rename { from, .. } => from,
    };
    if let Some(v) = svc.env().iter().find(|v| &v.name == name) {
        return v.file;
    }
    let (file, _) = svc.key_place("environment");
    if compose.files[file]
        .service(&project.backend.service)
        .is_some()
    {
        file
    } else {
        svc.place().0
    }
}

/// Plans `ops` on the backend's environment, each in the file it belongs
/// in; `reason` says why, per file.
pub fn plan_env_ops(
    plan: &mut Plan,
    project: &Project,
    ops: &[EnvOp],
    reason: &dyn Fn(&[EnvOp], &[String]) -> String,
) -> Result<()> {
    let mut by_file: Vec<(usize, Vec<EnvOp>)> = Vec::new();
    for op in ops {
        let f = env_target(project, op);
        match by_file.iter_mut().find(|(i, _)| *i == f) {
            Some((_, list)) => list.push(op.clone()),
            None => by_file.push((f, vec![op.clone()])),
        }
    }
    for (f, ops) in by_file {
        let file = &project.compose.files[f];
        let current = plan
            .current(&file.path, Some(&file.text))
            .unwrap_or_default()
            .to_string();
        let Some(edit) = apply_env_ops_on(
            &file.path,
            &current,
            Some(file),
            &project.backend.service,
            &ops,
        )?
        else {
            continue;
        };
        plan.update(
            &file.path,
            &project.compose.display(f),
            Some(&file.text),
            edit.text,
            reason(&ops, &edit.shared_with),
        );
    }
    Ok(())
}
