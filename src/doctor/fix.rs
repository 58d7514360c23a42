//! `doctor --fix`: the fixable findings' edits, applied through the plan and
//! writer init uses (atomic, format-preserving, diff shown).

use super::{Finding, Fix};
use crate::compose::edit::EnvOp;
use crate::edit::Plan;
use crate::project::Project;
use anyhow::Result;

pub fn plan(project: &Project, findings: &[Finding]) -> Result<Plan> {
    let mut plan = Plan {
        root: Some(project.root.clone()),
        ..Plan::default()
    };
    let mut env_ops: Vec<EnvOp> = Vec::new();
    let mut env_reasons: Vec<String> = Vec::new();
    let mut packages: Vec<String> = Vec::new();
    for f in findings {
        for edit in &f.edits {
            match edit {
                Fix::Env(ops) => {
                    for op in ops {
                        if !env_ops.contains(op) {
                            env_ops.push(op.clone());
                        }
                    }
                    env_reasons.push(f.id.to_string());
                }
                Fix::AddPackages(p) => packages.extend(
                    p.iter()
                        .filter(|x| !packages.contains(x))
                        .cloned()
                        .collect::<Vec<_>>(),
                ),
                Fix::ReplaceOnLine {
                    path,
                    line,
                    from,
                    to,
                } => replace_on_line(&mut plan, project, path, *line, from, to, f.id)?,
                Fix::StoreInDotenv { name, value } => crate::secrets::plan_store(
                    &mut plan,
                    project,
                    crate::secrets::Store::Dotenv,
                    name,
                    value,
                )?,
                Fix::DotenvPermissions => {
                    let file = &project.dotenv;
                    let text = plan
                        .current(&file.path, file.text.as_deref())
                        .unwrap_or_default()
                        .to_string();
                    plan.chmod(
                        &file.path,
                        ".env",
                        &text,
                        0o600,
                        "dotenv-permissions: readable by you only".into(),
                    );
                }
                Fix::IgnoreDotenv => crate::secrets::plan_ignore(&mut plan, project),
                Fix::QuoteEnvValue {
                    path,
                    service,
                    name,
                } => super::checks::compose_file::plan_quote(
                    &mut plan, project, path, service, name,
                )?,
                Fix::ReceiverEndpoint {
                    path,
                    receiver,
                    protocol,
                    endpoint,
                } => super::checks::collector::plan_endpoint(
                    &mut plan, project, path, receiver, protocol, endpoint,
                )?,
                Fix::RemoveFile(path) => plan.actions.push(crate::edit::Action::RemoveFile {
                    display: project.display(path),
                    path: path.clone(),
                    reason: format!("{}: left by an interrupted run", f.id),
                }),
            }
        }
    }
    if !env_ops.is_empty() {
        env_reasons.dedup();
        let reason = |_: &[EnvOp], _: &[String]| format!("fixed {}", env_reasons.join(", "));
        crate::steps::plan_env_ops(&mut plan, project, &env_ops, &reason)?;
    }
    if !packages.is_empty() {
        let refs: Vec<&str> = packages.iter().map(String::as_str).collect();
        crate::steps::add_packages(&mut plan, project, &refs)?;
    }
    Ok(plan)
}

fn replace_on_line(
    plan: &mut Plan,
    project: &Project,
    path: &std::path::Path,
    line: usize,
    from: &str,
    to: &str,
    id: &str,
) -> Result<()> {
    let original = crate::fsutil::read_text(path)?;
    let current = plan
        .current(path, Some(&original))
        .unwrap_or_default()
        .to_string();
    let mut out = String::with_capacity(current.len());
    let mut changed = false;
    for (i, l) in current.split_inclusive('\n').enumerate() {
        if i + 1 == line && l.contains(from) {
            out.push_str(&l.replacen(from, to, 1));
            changed = true;
        } else {
            out.push_str(l);
        }
    }
    if changed {
        plan.update(
            path,
            &project.display(path),
            Some(&original),
            out,
            format!("fixed {id}"),
        );
    }
    Ok(())
}
