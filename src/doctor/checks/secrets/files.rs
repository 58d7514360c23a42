//! Files that hold secrets where they must not: a `.env` git tracks (the
//! keys go out with the next push), and temp files a killed run left behind.

use super::hardcoded::found;
use crate::doctor::checks::compose_env::secret_name;
use crate::doctor::{Ctx, Finding, Fix};
use crate::fsutil::leftover_temps;
use std::path::PathBuf;

/// Names of the variables in `text` (a .env) whose values are secrets, with lines.
fn held_secrets(text: &str) -> Vec<(String, usize)> {
    crate::compose::dotenv::parse(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| {
            !e.value.is_empty()
                && (secret_name(&e.key)
                    || crate::secrets::looks_secret(&e.key)
                    || !found(&e.key, &e.value).is_empty())
        })
        .map(|e| (e.key, e.line))
        .collect()
}

pub fn dotenv_tracked(ctx: &Ctx) -> Vec<Finding> {
    let Some(text) = ctx.project.dotenv.text.as_deref() else {
        return Vec::new();
    };
    let held = held_secrets(text);
    let Some((_, first)) = held.first() else {
        return Vec::new();
    };
    if !crate::secrets::is_tracked(ctx.project) {
        return Vec::new();
    }
    let names: Vec<String> = held
        .iter()
        .map(|(k, line)| format!("{k} (.env:{line})"))
        .collect();
    vec![Finding::new(
        "dotenv-tracked",
        ".env holds secrets and git tracks it: they are committed",
    )
    .at(".env", Some(*first))
    .evidence(format!(
        "secrets in .env: {}; `git ls-files .env` lists it, so no .gitignore rule applies",
        names.join(", ")
    ))]
}

/// The secret a leftover file holds, shown by name or masked shape only.
fn secret_in(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    if let Some((name, _)) = held_secrets(&text).into_iter().next() {
        return Some(name);
    }
    let masked = crate::mask::mask_shapes(&text);
    (masked != text).then(|| "a key-shaped value".to_string())
}

pub fn leftover_temp_files(ctx: &Ctx) -> Vec<Finding> {
    let project = ctx.project;
    let mut dirs: Vec<PathBuf> = vec![project.root.clone()];
    dirs.extend(project.backend.context.clone());
    dirs.sort();
    dirs.dedup();
    let mut out = Vec::new();
    for path in dirs.iter().flat_map(|d| leftover_temps(d)) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Some(what) = secret_in(&bytes) else {
            continue;
        };
        let shown = project.display(&path);
        out.push(
            Finding::new(
                "secret-file-left",
                "a temp file left by an interrupted cruddur-obs run holds a secret",
            )
            .at(shown.clone(), None)
            .evidence(format!("{shown} ({} bytes) holds {what}", bytes.len()))
            .fill("file", shown.clone())
            .edit(Fix::RemoveFile(path)),
        );
    }
    out
}
