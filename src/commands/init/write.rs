//! Writing init's plan: under the project lock, planned again from the files
//! as they are (a run that waited for another one keeps both runs' changes),
//! checked, then applied as one transaction.

use super::build::{build, Answers};
use super::InitArgs;
use crate::edit::{Apply, Plan};
use crate::fsutil::{ProjectLock, LOCK_WAIT};
use crate::project::{self, Project};
use crate::prompt::Interaction;
use crate::secrets;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Asks before replacing each read-only file; without a terminal, refuses
/// (even with --yes: a read-only bit is the user's own "do not touch").
/// `Ok(false)` when the user said no.
pub(super) fn confirm_read_only(
    io: Interaction,
    plan: &Plan,
    allowed: &mut Vec<PathBuf>,
) -> Result<bool> {
    for edit in plan.read_only_targets() {
        if allowed.contains(&edit.path) {
            continue;
        }
        if !io.interactive {
            bail!("{}", Plan::read_only_message(edit));
        }
        let question = format!(
            "{} is read-only (chmod'ed so nothing replaces it). Replace it anyway?",
            edit.display
        );
        if !io.confirm(&question, "a terminal")? {
            return Ok(false);
        }
        allowed.push(edit.path.clone());
    }
    Ok(true)
}

/// Same files, same texts, same actions.
fn same_changes(a: &Plan, b: &Plan) -> bool {
    a.edits.len() == b.edits.len()
        && a.edits.iter().zip(&b.edits).all(|(x, y)| {
            (&x.path, &x.before, &x.after, x.mode) == (&y.path, &y.before, &y.after, y.mode)
        })
        && a.actions == b.actions
}

/// Takes the lock, re-plans, applies. `None` when nothing was left to do or
/// the user declined the new plan.
pub(super) fn write(
    args: &InitArgs,
    io: Interaction,
    project: &Project,
    answers: &Answers,
    plan: Plan,
    notes: &[String],
    mut allowed: Vec<PathBuf>,
) -> Result<Option<(Plan, Vec<String>)>> {
    let _lock = ProjectLock::acquire(&project.root, LOCK_WAIT, || {
        eprintln!(
            "another cruddur-obs run is changing this project; waiting for it to finish (up to {} s)…",
            LOCK_WAIT.as_secs()
        )
    })?;
    let mut opts = args.project.discover_options();
    opts.service = Some(project.backend.service.clone());
    let fresh = project::discover(&opts)
        .context("the project could not be read again before writing; nothing was changed")?;
    let (mut plan, mut notes) = (plan, notes.to_vec());
    let (again, again_notes) = build(&fresh, answers)?;
    if !same_changes(&plan, &again) {
        if again.is_empty() {
            println!("Nothing left to change: the files changed meanwhile (another cruddur-obs run?) and already say all of it.");
            return Ok(None);
        }
        eprintln!("note: the files changed since the plan was made (another cruddur-obs run?); planned again from the files as they are now.");
        if !args.yes && io.interactive {
            print!("{}", again.render_diff());
            if !io.confirm("Apply these changes?", "--yes")? {
                println!("Nothing was written.");
                return Ok(None);
            }
        }
        if !confirm_read_only(io, &again, &mut allowed)? {
            println!("Nothing was written.");
            return Ok(None);
        }
        (plan, notes) = (again, again_notes);
    }
    plan.preflight(&allowed)?;
    secrets::preflight_gp(&plan, &fresh)?;
    let mut run = |a: &crate::edit::Action| secrets::run_action(a, &fresh);
    plan.apply(Apply {
        replace_read_only: &allowed,
        run_action: Some(&mut run),
    })?;
    Ok(Some((plan, notes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Action, Edit};

    fn plan(after: &str, mode: Option<u32>, actions: usize) -> Plan {
        let mut p = Plan::default();
        p.edits.push(Edit {
            path: "/p/a".into(),
            display: "a".into(),
            before: Some("x".into()),
            after: after.into(),
            reasons: vec!["why".into()],
            mode,
        });
        for i in 0..actions {
            p.actions.push(Action::GitpodEnv {
                name: format!("K{i}"),
                value: "v".into(),
            });
        }
        p
    }

    #[test]
    fn plans_are_the_same_when_files_texts_modes_and_actions_are() {
        let base = plan("y", None, 1);
        assert!(same_changes(&base, &plan("y", None, 1)));
        let mut reasons = plan("y", None, 1);
        reasons.edits[0].reasons.push("another".into());
        assert!(same_changes(&base, &reasons));
        assert!(!same_changes(&base, &plan("z", None, 1)));
        assert!(!same_changes(&base, &plan("y", Some(0o600), 1)));
        assert!(!same_changes(&base, &plan("y", None, 0)));
        let mut more = plan("y", None, 1);
        more.edits.push(base.edits[0].clone());
        assert!(!same_changes(&base, &more));
        assert!(!same_changes(&more, &base));
        let mut other_before = plan("y", None, 1);
        other_before.edits[0].before = None;
        assert!(!same_changes(&base, &other_before));
        let mut other_path = plan("y", None, 1);
        other_path.edits[0].path = "/p/b".into();
        assert!(!same_changes(&base, &other_path));
    }
}
