//! Plan steps shared by init and `doctor --fix`, so both edit files the same
//! way through the same writer.

use crate::edit::Plan;
use crate::project::{Project, RequirementsKind};
use crate::python::requirements::{self, Requirement};
use anyhow::{anyhow, Result};

/// Every requirement the backend declares: its requirements.txt with `-r`
/// includes, or its pyproject.toml dependencies.
pub fn declared_packages(project: &Project) -> Vec<Requirement> {
    let Some(req) = &project.backend.requirements else {
        return Vec::new();
    };
    let text = req.file.text.as_deref().unwrap_or_default();
    match req.kind {
        RequirementsKind::Txt => std::iter::once(text)
            .chain(req.includes.iter().filter_map(|i| i.text.as_deref()))
            .flat_map(|t| requirements::parse_requirements_txt(t).requirements)
            .collect(),
        RequirementsKind::Pyproject => requirements::parse_pyproject(text)
            .map(|d| d.requirements)
            .unwrap_or_default(),
    }
}

pub fn has_package(declared: &[Requirement], name: &str) -> bool {
    let n = requirements::normalize_name(name);
    declared.iter().any(|r| r.normalized == n)
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
    let declared = declared_packages(project);
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
