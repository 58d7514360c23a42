//! The plan: every change a command wants to make, computed in full before
//! anything is written, shown as a diff (secrets masked), then applied as one
//! transaction (apply.rs): all or nothing, under the project lock.

mod apply;
mod diff;

use crate::fsutil;
use crate::mask::mask_text;
use anyhow::Result;
use colored::Colorize;
use std::path::{Path, PathBuf};

pub use apply::{Apply, TEST_PAUSE_VAR};

/// One file's change. `before == None` creates the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub path: PathBuf,
    /// The path as shown to the user (relative to the project).
    pub display: String,
    pub before: Option<String>,
    pub after: String,
    pub reasons: Vec<String>,
    /// Mode the file must end with (`.env` holding a key: 0600); else an
    /// existing file keeps its mode.
    pub mode: Option<u32>,
}

/// Something the plan does besides writing a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `gp env NAME=value`: stores a variable for the next Gitpod workspaces.
    GitpodEnv { name: String, value: String },
    /// Deletes a temp file an interrupted run left behind.
    RemoveFile {
        path: PathBuf,
        display: String,
        reason: String,
    },
}

#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub actions: Vec<Action>,
    /// Values that must never be printed, masked in every rendering.
    pub secrets: Vec<String>,
    /// The project directory: every target must lie inside it, and
    /// [`Plan::write_files`] locks it.
    pub root: Option<PathBuf>,
}

/// A `.env`-style file (`.env`, `.env.local`, `prod.env`): its values are
/// masked in diffs when their names look secret.
pub fn is_dotenv(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty() && self.actions.is_empty()
    }

    /// The text a later step should edit: the planned result if an earlier
    /// step already changed the file, else the original.
    pub fn current<'a>(&'a self, path: &Path, original: Option<&'a str>) -> Option<&'a str> {
        self.edits
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.after.as_str())
            .or(original)
    }

    /// Records `after` as the new content of `path`; a no-op change is dropped.
    pub fn update(
        &mut self,
        path: &Path,
        display: &str,
        original: Option<&str>,
        after: String,
        reason: String,
    ) {
        if let Some(edit) = self.edits.iter_mut().find(|e| e.path == path) {
            if edit.after != after {
                edit.after = after;
                edit.reasons.push(reason);
            }
            return;
        }
        if original == Some(after.as_str()) {
            return;
        }
        self.edits.push(Edit {
            path: path.to_path_buf(),
            display: display.to_string(),
            before: original.map(str::to_string),
            after,
            reasons: vec![reason],
            mode: None,
        });
    }

    /// A permissions-only change (the content stays).
    pub fn chmod(&mut self, path: &Path, display: &str, text: &str, mode: u32, reason: String) {
        if let Some(e) = self.edits.iter_mut().find(|e| e.path == path) {
            e.mode = Some(mode);
            e.reasons.push(reason);
            return;
        }
        self.edits.push(Edit {
            path: path.to_path_buf(),
            display: display.to_string(),
            before: Some(text.to_string()),
            after: text.to_string(),
            reasons: vec![reason],
            mode: Some(mode),
        });
    }

    pub fn set_mode(&mut self, path: &Path, mode: u32) {
        if let Some(e) = self.edits.iter_mut().find(|e| e.path == path) {
            e.mode = Some(mode);
        }
    }

    fn secret_refs(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// The whole plan as a unified diff (secrets masked), coloured when the
    /// caller enabled colours.
    pub fn render_diff(&self) -> String {
        let secrets = self.secret_refs();
        let mut out = String::new();
        for edit in &self.edits {
            if edit.before.as_deref() == Some(edit.after.as_str()) {
                if let Some(mode) = edit.mode {
                    out.push_str(&format!(
                        "{} {}: mode → {mode:o}\n",
                        "chmod".bold(),
                        edit.display
                    ));
                }
                continue;
            }
            out.push_str(&diff::render(edit, &secrets));
        }
        for action in &self.actions {
            match action {
                Action::GitpodEnv { name, value } => {
                    let shown = mask_text(&format!("{name}={value}"), &secrets);
                    out.push_str(&format!("{} gp env {shown}\n", "run:".bold()));
                }
                Action::RemoveFile {
                    display, reason, ..
                } => out.push_str(&format!("{} {display} ({reason})\n", "remove:".bold())),
            }
        }
        out
    }

    /// One line per change: what and why.
    pub fn summary_lines(&self) -> Vec<String> {
        let secrets = self.secret_refs();
        let mut lines = Vec::new();
        for edit in &self.edits {
            let verb = if edit.before.is_some() {
                "updated"
            } else {
                "created"
            };
            lines.push(format!(
                "{verb} {}: {}",
                edit.display,
                mask_text(&edit.reasons.join("; "), &secrets)
            ));
        }
        for action in &self.actions {
            lines.push(match action {
                Action::GitpodEnv { name, .. } => format!("stored {name} with gp env"),
                Action::RemoveFile {
                    display, reason, ..
                } => format!("removed {display}: {reason}"),
            });
        }
        lines
    }

    /// Read-only files the plan would replace (`chmod 444`): the caller asks
    /// before replacing them, or refuses.
    pub fn read_only_targets(&self) -> Vec<&Edit> {
        self.edits
            .iter()
            .filter(|e| fsutil::is_read_only(&e.path))
            .collect()
    }

    /// Checks every target before the first write (see apply.rs).
    pub fn preflight(&self, replace_read_only: &[PathBuf]) -> Result<()> {
        apply::preflight(self, replace_read_only)
    }

    /// The message refusing a read-only target.
    pub fn read_only_message(edit: &Edit) -> String {
        apply::read_only_message(edit)
    }

    /// Applies the plan as one transaction: every file is replaced, or none
    /// is (those already replaced are restored), and the error says which.
    /// The caller holds the project lock.
    pub fn apply(&self, opts: Apply) -> Result<()> {
        apply::apply(self, opts)
    }

    /// Takes the project lock and applies the file edits, refusing if a
    /// file changed since the plan was made (doctor --fix).
    pub fn write_files(&self) -> Result<()> {
        let _lock = match &self.root {
            Some(root) => Some(fsutil::ProjectLock::acquire(
                root,
                fsutil::LOCK_WAIT,
                || eprintln!("waiting for another cruddur-obs run on this project to finish…"),
            )?),
            None => None,
        };
        self.apply(Apply::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";
    const NEW: &str = "hcaik_99zz2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";

    fn dotenv_edit(before: Option<&str>, after: &str) -> Plan {
        colored::control::set_override(false);
        let mut plan = Plan::default();
        plan.update(
            Path::new("/p/.env"),
            ".env",
            before,
            after.to_string(),
            "test".into(),
        );
        plan
    }

    #[test]
    fn dotenv_diffs_mask_old_and_new_keys_and_secret_context() {
        let before = format!(
            "DB_HOST=db\nDB_PASSWORD=s3cr3t-passw0rd\nGITHUB_TOKEN=ghp_abcdefghij\nHONEYCOMB_API_KEY={OLD}\nMY_AUTH=basic-xyz123\nLAST=1"
        );
        let after = before.replace(OLD, NEW);
        let text = dotenv_edit(Some(&before), &after).render_diff();
        for secret in [OLD, NEW, "s3cr3t", "ghp_abc", "basic-xyz"] {
            assert!(!text.contains(secret), "{secret} shown:\n{text}");
        }
        assert!(text.contains("-HONEYCOMB_API_KEY=hcaik_…"), "{text}");
        assert!(text.contains("+HONEYCOMB_API_KEY=hcaik_…"), "{text}");
        assert!(text.contains(" DB_PASSWORD=s3…"), "{text}");
        assert!(text.contains(" DB_HOST=db"), "{text}");
        assert!(text.contains("@@ -1,6 +1,6 @@"), "{text}");
        assert!(text.contains("\\ No newline at end of file"), "{text}");
        // A new file: every line is an insertion.
        let text = dotenv_edit(None, &format!("HONEYCOMB_API_KEY={NEW}\n")).render_diff();
        assert_eq!(
            text,
            "--- /dev/null\n+++ b/.env (new file)\n@@ -0,0 +1 @@\n+HONEYCOMB_API_KEY=hcaik_…\n"
        );
    }

    #[test]
    fn other_files_show_in_full_except_known_secrets() {
        colored::control::set_override(false);
        let mut plan = Plan::default();
        plan.update(
            Path::new("/p/docker-compose.yml"),
            "docker-compose.yml",
            Some("a: 1\r\nPASSWORD: plain\r\n"),
            "a: 2\r\nPASSWORD: plain\r\n".into(),
            "test".into(),
        );
        plan.secrets.push("a-secret-value".into());
        plan.actions.push(Action::GitpodEnv {
            name: "K".into(),
            value: "a-secret-value".into(),
        });
        let text = plan.render_diff();
        assert_eq!(
            text,
            "--- a/docker-compose.yml\n+++ b/docker-compose.yml\n@@ -1,2 +1,2 @@\n-a: 1\n+a: 2\n PASSWORD: plain\nrun: gp env K=a-…\n"
        );
    }

    #[test]
    fn dotenv_files_are_recognised_by_name() {
        for (name, yes) in [
            (".env", true),
            (".env.local", true),
            ("prod.env", true),
            ("env", false),
            (".envrc", false),
            ("docker-compose.yml", false),
        ] {
            assert_eq!(is_dotenv(Path::new(name)), yes, "{name}");
        }
    }
}
