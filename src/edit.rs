//! The plan: every change a command wants to make, computed in full before
//! anything is written, shown as a diff, then applied file by file atomically.

use crate::fsutil;
use crate::mask::mask_text;
use anyhow::Result;
use colored::Colorize;
use std::path::{Path, PathBuf};

/// One file's change. `before == None` creates the file.
#[derive(Debug, Clone)]
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
}

#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub actions: Vec<Action>,
    /// Values that must never be printed, masked in every rendering.
    pub secrets: Vec<String>,
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
            let before = edit.before.as_deref().unwrap_or("");
            let (old_name, new_name) = match edit.before {
                Some(_) => (format!("a/{}", edit.display), format!("b/{}", edit.display)),
                None => (
                    "/dev/null".to_string(),
                    format!("b/{} (new file)", edit.display),
                ),
            };
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
            let diff = similar::TextDiff::from_lines(before, edit.after.as_str());
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .to_string();
            for line in text.lines() {
                let line = mask_text(line.trim_end_matches('\r'), &secrets);
                let styled = if line.starts_with("+++") || line.starts_with("---") {
                    line.bold().to_string()
                } else if line.starts_with('+') {
                    line.green().to_string()
                } else if line.starts_with('-') {
                    line.red().to_string()
                } else if line.starts_with("@@") {
                    line.cyan().to_string()
                } else if line.starts_with('\\') {
                    line.dimmed().to_string()
                } else {
                    line
                };
                out.push_str(&styled);
                out.push('\n');
            }
        }
        for action in &self.actions {
            match action {
                Action::GitpodEnv { name, value } => {
                    let shown = mask_text(&format!("{name}={value}"), &secrets);
                    out.push_str(&format!("{} gp env {shown}\n", "run:".bold()));
                }
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
            let Action::GitpodEnv { name, .. } = action;
            lines.push(format!("stored {name} with gp env"));
        }
        lines
    }

    /// Writes every edit atomically. Files are checked for concurrent changes
    /// first so a file edited since planning is never overwritten.
    pub fn write_files(&self) -> Result<()> {
        for edit in &self.edits {
            let now = fsutil::read_optional(&edit.path)?;
            if now != edit.before {
                anyhow::bail!(
                    "{} changed while cruddur-obs was running; nothing more was written. Run the command again",
                    edit.display
                );
            }
        }
        for edit in &self.edits {
            fsutil::write_atomic(&edit.path, &edit.after, edit.mode)?;
        }
        Ok(())
    }
}
