//! Applying a plan as one transaction: every target is checked before the
//! first write, every new text is staged in a temp file beside its target,
//! `gp env` runs, and only then are the temp files renamed into place. If a
//! step fails or the user interrupts, what was already replaced is put back
//! from the originals held in memory, and the message says so.

use super::{Action, Edit, Plan};
use crate::fsutil::{self, interrupt};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

/// Runs one `gp env` action.
pub type ActionRunner<'a> = &'a mut dyn FnMut(&Action) -> Result<()>;

/// What the caller allows and provides for [`Plan::apply`].
#[derive(Default)]
pub struct Apply<'a> {
    /// Read-only files the user agreed to replace.
    pub replace_read_only: &'a [PathBuf],
    /// Runs a `gp env` action; without it, a plan holding one is refused.
    pub run_action: Option<ActionRunner<'a>>,
}

/// Test-only: pause this many milliseconds after each staged or replaced
/// file, announcing each pause on stderr (`test-pause: ...`), so a test can
/// deliver a signal or edit a file mid-write. Not a user setting.
pub const TEST_PAUSE_VAR: &str = "CRUDDUR_OBS_TEST_WRITE_PAUSE_MS";

fn test_pause(what: &str) {
    let Some(ms) = std::env::var(TEST_PAUSE_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return;
    };
    eprintln!("test-pause: {what}");
    interrupt::sleep_unless_interrupted(ms);
}

/// A `.env`-like file: written last, after the `.gitignore` that hides it.
pub(super) fn holds_secrets(edit: &Edit) -> bool {
    edit.mode == Some(0o600) || super::is_dotenv(&edit.path)
}

/// Refuses, before anything is written, a target that is a link or a
/// directory, lies outside the project, sits in a directory we cannot
/// write, or is read-only and not in `replace_read_only`.
pub(super) fn preflight(plan: &Plan, replace_read_only: &[PathBuf]) -> Result<()> {
    let root = match &plan.root {
        Some(r) => Some(
            r.canonicalize()
                .with_context(|| format!("cannot resolve the project directory {}", r.display()))?,
        ),
        None => None,
    };
    for edit in &plan.edits {
        let shown = &edit.display;
        if let Ok(meta) = std::fs::symlink_metadata(&edit.path) {
            if meta.file_type().is_symlink() {
                bail!("{shown} is a symbolic link; cruddur-obs only replaces regular files. Nothing was changed");
            }
            if meta.is_dir() {
                bail!("{shown} is a directory, not a file; move it away and run again. Nothing was changed");
            }
        }
        let dir = fsutil::parent_of(&edit.path);
        let real = dir.canonicalize().with_context(|| {
            format!(
                "the directory of {shown} ({}) does not exist; nothing was changed",
                dir.display()
            )
        })?;
        if let Some(root) = &root {
            if !real.starts_with(root) {
                bail!(
                    "{shown} is outside the project directory {} (its directory resolves to {}, through a link or `..`); cruddur-obs only writes inside the project. Nothing was changed",
                    root.display(),
                    real.display()
                );
            }
        }
        if !dir_writable(&real) {
            bail!(
                "cannot write in {} (needed for {shown}): the directory is not writable for you. Make it writable (`chmod u+w {}`) or run as its owner. Nothing was changed",
                real.display(),
                dir.display()
            );
        }
        if fsutil::is_read_only(&edit.path) && !replace_read_only.contains(&edit.path) {
            bail!("{}", read_only_message(edit));
        }
    }
    Ok(())
}

pub(super) fn read_only_message(edit: &Edit) -> String {
    format!(
        "{} is read-only; cruddur-obs does not replace a file you protected without asking. Make it writable (`chmod u+w {}`) and run again, or run in a terminal to be asked. Nothing was changed",
        edit.display,
        edit.path.display()
    )
}

fn dir_writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// The concurrent-edit guard: the file must still be what the plan was made from.
fn check_unchanged(edit: &Edit) -> Result<()> {
    let now = fsutil::read_optional(&edit.path)
        .with_context(|| format!("cannot read {} again before replacing it", edit.display))?;
    if now != edit.before {
        bail!(
            "{} changed while cruddur-obs was running (edited by another program?), so it was not overwritten",
            edit.display
        );
    }
    Ok(())
}

/// Puts back the files already replaced, newest first; returns what was
/// restored and what could not be.
fn restore(written: &[(&Edit, Option<fsutil::Ownership>)]) -> (Vec<String>, Vec<String>) {
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for (edit, own) in written.iter().rev() {
        let result = match (&edit.before, own) {
            (Some(text), Some(own)) => {
                fsutil::stage(&edit.path, text, *own).and_then(|s| s.commit())
            }
            _ => std::fs::remove_file(&edit.path).map_err(anyhow::Error::from),
        };
        match result {
            Ok(()) => ok.push(edit.display.clone()),
            Err(e) => failed.push(format!("{} ({e:#})", edit.display)),
        }
    }
    (ok, failed)
}

fn rolled_back(
    cause: anyhow::Error,
    written: &[(&Edit, Option<fsutil::Ownership>)],
) -> anyhow::Error {
    if written.is_empty() {
        return anyhow!("{cause:#}; nothing was changed");
    }
    let (ok, failed) = restore(written);
    if failed.is_empty() {
        anyhow!(
            "{cause:#}; restored {} as it was: nothing was changed",
            ok.join(", ")
        )
    } else {
        anyhow!(
            "{cause:#}; restored {}, but could NOT restore {}: check these files by hand",
            if ok.is_empty() {
                "nothing".to_string()
            } else {
                ok.join(", ")
            },
            failed.join(", ")
        )
    }
}

fn interrupted_error() -> anyhow::Error {
    anyhow!("interrupted (SIGINT/SIGTERM) while writing")
}

/// Deletes the leftover temp files the plan lists; one already gone is
/// fine. Returns what could not be removed, as warnings: the files are
/// written by then, so this is no reason to fail.
fn remove_leftovers(plan: &Plan) -> Vec<String> {
    let mut warnings = Vec::new();
    for action in &plan.actions {
        if let Action::RemoveFile { path, display, .. } = action {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => warnings.push(format!(
                    "could not remove {display}: {e}; delete it by hand"
                )),
                _ => {}
            }
        }
    }
    warnings
}

/// The order files are staged and renamed in: files holding secrets last,
/// so `.env` never exists before the `.gitignore` rule that hides it.
fn commit_order(plan: &Plan) -> Vec<&Edit> {
    let mut order: Vec<&Edit> = plan.edits.iter().collect();
    order.sort_by_key(|e| holds_secrets(e));
    order
}

pub(super) fn apply(plan: &Plan, opts: Apply) -> Result<()> {
    let Apply {
        replace_read_only,
        mut run_action,
    } = opts;
    preflight(plan, replace_read_only)?;
    let gp_actions: Vec<&Action> = plan
        .actions
        .iter()
        .filter(|a| matches!(a, Action::GitpodEnv { .. }))
        .collect();
    if !gp_actions.is_empty() && run_action.is_none() {
        bail!("this plan stores a variable with gp env, which this command cannot run; nothing was changed");
    }
    let guard = interrupt::Guard::install();
    let order = commit_order(plan);

    // 1. Stage every file; a failure here leaves every target untouched
    //    (dropping a `Staged` removes its temp file).
    let mut staged = Vec::with_capacity(order.len());
    for edit in &order {
        check_unchanged(edit)
            .map_err(|e| anyhow!("{e:#}; nothing was changed. Run the command again"))?;
        let own = fsutil::ownership_for(&edit.path, edit.mode)
            .and_then(|own| fsutil::stage(&edit.path, &edit.after, own))
            .map_err(|e| anyhow!("{e:#}; nothing was changed"))?;
        staged.push((*edit, own));
        test_pause(&format!("staged {}", edit.display));
        if interrupt::interrupted() {
            return Err(anyhow!("{:#}; nothing was changed", interrupted_error()));
        }
    }

    // 2. gp env, before any file is replaced: the likelier failure goes first.
    let mut stored: Vec<&str> = Vec::new();
    for action in &gp_actions {
        let Action::GitpodEnv { name, .. } = action else {
            continue;
        };
        let run = run_action.as_mut().expect("checked above");
        if let Err(e) = run(action) {
            let kept = if stored.is_empty() {
                String::new()
            } else {
                format!(" ({} stay stored with gp env)", stored.join(", "))
            };
            bail!("{e:#}; no file was changed{kept}");
        }
        stored.push(name);
        if interrupt::interrupted() {
            bail!(
                "{:#}; no file was changed ({} stay stored with gp env)",
                interrupted_error(),
                stored.join(", ")
            );
        }
    }

    // 3. Replace, guarding each file against an edit made meanwhile.
    let mut written: Vec<(&Edit, Option<fsutil::Ownership>)> = Vec::new();
    for (edit, file) in staged {
        if interrupt::interrupted() {
            return Err(rolled_back(interrupted_error(), &written));
        }
        let original = if edit.before.is_some() {
            match fsutil::ownership_for(&edit.path, None) {
                Ok(own) => Some(own),
                Err(e) => return Err(rolled_back(e, &written)),
            }
        } else {
            None
        };
        if let Err(e) = check_unchanged(edit).and_then(|_| file.commit()) {
            return Err(rolled_back(e, &written));
        }
        written.push((edit, original));
        test_pause(&format!("wrote {}", edit.display));
    }
    if interrupt::interrupted() {
        return Err(rolled_back(interrupted_error(), &written));
    }
    drop(guard);

    // 4. Leftovers of killed runs: garbage whatever happens, so last.
    for warning in remove_leftovers(plan) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
