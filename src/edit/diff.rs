//! The unified diff of one edit. In a `.env` file every value whose name
//! looks secret is masked, on removed, added and context lines alike, so
//! neither the old key nor an unrelated `DB_PASSWORD` is ever printed.

use super::Edit;
use crate::mask::mask_text;
use colored::Colorize;
use similar::udiff::UnifiedHunkHeader;
use similar::{ChangeTag, TextDiff};

/// The lines as they may be shown: in a `.env` file with secret values
/// masked, line for line (masking never adds or removes a line).
fn shown_lines(text: &str, dotenv: bool) -> Vec<String> {
    let text = if dotenv {
        crate::compose::dotenv::mask_values(text, crate::secrets::looks_secret)
    } else {
        text.to_string()
    };
    text.split_inclusive('\n').map(str::to_string).collect()
}

/// Plain (uncoloured) unified diff lines of `edit`, secrets masked.
pub(super) fn lines(edit: &Edit, secrets: &[&str]) -> Vec<String> {
    let before = edit.before.as_deref().unwrap_or("");
    let dotenv = super::is_dotenv(&edit.path);
    let (old_shown, new_shown) = (
        shown_lines(before, dotenv),
        shown_lines(&edit.after, dotenv),
    );
    let (old_name, new_name) = match edit.before {
        Some(_) => (format!("a/{}", edit.display), format!("b/{}", edit.display)),
        None => (
            "/dev/null".to_string(),
            format!("b/{} (new file)", edit.display),
        ),
    };
    let diff = TextDiff::from_lines(before, edit.after.as_str());
    let mut out = vec![format!("--- {old_name}"), format!("+++ {new_name}")];
    for group in diff.grouped_ops(3) {
        out.push(UnifiedHunkHeader::new(&group).to_string());
        for op in &group {
            for change in diff.iter_changes(op) {
                let (sign, line) = match change.tag() {
                    ChangeTag::Delete => ('-', &old_shown[change.old_index().unwrap_or(0)]),
                    ChangeTag::Insert => ('+', &new_shown[change.new_index().unwrap_or(0)]),
                    ChangeTag::Equal => (' ', &old_shown[change.old_index().unwrap_or(0)]),
                };
                let text = line.trim_end_matches('\n').trim_end_matches('\r');
                out.push(format!("{sign}{}", mask_text(text, secrets)));
                if !line.ends_with('\n') {
                    out.push("\\ No newline at end of file".to_string());
                }
            }
        }
    }
    out
}

/// `lines`, coloured when the caller enabled colours.
pub(super) fn render(edit: &Edit, secrets: &[&str]) -> String {
    let mut out = String::new();
    for line in lines(edit, secrets) {
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
    out
}
