//! Where keys live: the shell environment, the project `.env`, `gp env`.
//! A key is never written into a tracked file and never printed.

use crate::compose::dotenv;
use crate::edit::{Action, Plan};
use crate::fsutil;
use crate::project::{Project, TextFile};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Variables whose values are secrets wherever they appear in output.
pub const SECRET_VARS: [&str; 4] = [
    "HONEYCOMB_API_KEY",
    "ROLLBAR_ACCESS_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Where init stores a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Gitpod,
    Dotenv,
    Nowhere,
}

/// The value of `name` in the project `.env`, if set and not empty.
pub fn dotenv_value(file: &TextFile, name: &str) -> Option<String> {
    let text = file.text.as_deref()?;
    dotenv::parse(text)
        .ok()?
        .into_iter()
        .rev()
        .find(|e| e.key == name)
        .map(|e| e.value)
        .filter(|v| !v.is_empty())
}

/// Variables `gp env` has stored for this repository. Its output holds the
/// secrets, so it is read here and never shown.
pub fn gp_env_list(gp: &Path) -> Result<Vec<(String, String)>> {
    let out = Command::new(gp)
        .arg("env")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {} env", gp.display()))?;
    if !out.status.success() {
        bail!(
            "`gp env` failed: {}",
            crate::mask::mask_shapes(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .collect())
}

/// Stores `name=value` with `gp env`. gp takes the pair only as an argument
/// (it has no stdin form); its echo of the pair is captured, never shown.
pub fn gp_env_set(gp: &Path, name: &str, value: &str) -> Result<()> {
    let out = Command::new(gp)
        .arg("env")
        .arg(format!("{name}={value}"))
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {} env", gp.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!(
            "`gp env {name}=…` failed: {}",
            crate::mask::mask_text(err.trim(), &[value])
        );
    }
    Ok(())
}

/// Plans storing `name=value` in the chosen store.
pub fn plan_store(
    plan: &mut Plan,
    project: &Project,
    store: Store,
    name: &str,
    value: &str,
) -> Result<()> {
    plan.secrets.push(value.to_string());
    match store {
        Store::Nowhere => Ok(()),
        Store::Gitpod => {
            let gp = project
                .gitpod
                .gp
                .as_ref()
                .context("`gp` is not on PATH; use --persist dotenv")?;
            let stored = gp_env_list(gp)?;
            if !stored.iter().any(|(k, v)| k == name && v == value) {
                plan.actions.push(Action::GitpodEnv {
                    name: name.into(),
                    value: value.into(),
                });
            }
            Ok(())
        }
        Store::Dotenv => {
            let file = &project.dotenv;
            let current = plan
                .current(&file.path, file.text.as_deref())
                .unwrap_or("")
                .to_string();
            let after = dotenv::set(&current, name, value);
            plan.update(
                &file.path,
                ".env",
                file.text.as_deref(),
                after,
                format!("{name} stored (compose reads .env for ${{{name}}})"),
            );
            plan.set_mode(&file.path, 0o600);
            if !is_ignored(project) {
                plan_ignore(plan, project);
            }
            Ok(())
        }
    }
}

/// Whether git ignores the project `.env`: asks git inside a work tree,
/// else reads `.gitignore` for the usual patterns.
pub fn is_ignored(project: &Project) -> bool {
    if let Some(git) = crate::project::which("git") {
        let inside = Command::new(&git)
            .args(["rev-parse", "--is-inside-work-tree"])
            .current_dir(&project.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if inside {
            return Command::new(&git)
                .args(["check-ignore", "-q", ".env"])
                .current_dir(&project.root)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        }
    }
    gitignore_covers_env(project.gitignore.text.as_deref().unwrap_or(""))
}

fn gitignore_covers_env(text: &str) -> bool {
    let mut ignored = false;
    for line in text.lines().map(str::trim) {
        let (negate, pat) = match line.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, line),
        };
        if matches!(
            pat.trim_start_matches('/'),
            ".env" | ".env*" | "*.env" | ".env.*" | "*.env*"
        ) && !pat.ends_with(".*")
        {
            ignored = !negate;
        }
    }
    ignored
}

/// Plans adding `.env` to .gitignore (creating it if needed).
pub fn plan_ignore(plan: &mut Plan, project: &Project) {
    let file = &project.gitignore;
    let current = plan
        .current(&file.path, file.text.as_deref())
        .unwrap_or("")
        .to_string();
    if gitignore_covers_env(&current) {
        return;
    }
    let eol = fsutil::line_ending(&current);
    let mut after = current.clone();
    if !after.is_empty() && !after.ends_with('\n') {
        after.push_str(eol);
    }
    after.push_str(".env");
    after.push_str(eol);
    plan.update(
        &file.path,
        ".gitignore",
        file.text.as_deref(),
        after,
        "ignore .env so the key is never committed".into(),
    );
}

/// Reads a key piped on standard input (the whole input, trimmed).
pub fn read_stdin_key() -> Result<String> {
    let mut buf = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf)
        .context("cannot read the key from standard input")?;
    let key = buf.trim().to_string();
    if key.is_empty() {
        bail!("--key-stdin was given but standard input was empty; pipe the key, e.g. `printenv HONEYCOMB_API_KEY | cruddur-obs init --key-stdin`");
    }
    Ok(key)
}

/// Runs the plan's non-file actions.
pub fn run_actions(plan: &Plan, project: &Project) -> Result<()> {
    for action in &plan.actions {
        match action {
            Action::GitpodEnv { name, value } => {
                let gp = project.gitpod.gp.as_ref().context("`gp` is not on PATH")?;
                gp_env_set(gp, name, value)?;
            }
        }
    }
    std::io::stdout().flush().ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_patterns() {
        assert!(gitignore_covers_env(".env\n"));
        assert!(gitignore_covers_env("node_modules\n/.env\n"));
        assert!(gitignore_covers_env("*.env\r\n"));
        assert!(!gitignore_covers_env(".env\n!.env\n"));
        assert!(!gitignore_covers_env(".envrc\n# .env\n"));
        assert!(!gitignore_covers_env(""));
    }
}
