//! Which files make the compose project, as compose chooses them: `-f`,
//! else `COMPOSE_FILE` (the shell, then the project `.env`), else the default
//! file with its override. Other compose files in the directory are variants.

use super::file::ComposeError;
use super::FILE_NAMES;
use std::path::{Path, PathBuf};

/// How the project's files were chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `--file/-f` on the command line.
    Flags,
    /// `COMPOSE_FILE`, from the shell or from the project `.env`.
    ComposeFileVar { from_dotenv: bool },
    /// The default file, with its override merged when present.
    Default,
    /// A variant (`docker-compose-local.yml`) checked on its own.
    Variant,
}

/// What selects the files: explicit ones, then the environment compose reads.
pub struct Select<'a> {
    pub dir: &'a Path,
    pub flags: &'a [PathBuf],
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// `COMPOSE_FILE` / `COMPOSE_PATH_SEPARATOR` as the project `.env` sets them.
    pub dotenv: &'a dyn Fn(&str) -> Option<String>,
}

/// The default file of a directory, as compose picks it.
pub fn default_file(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.symlink_metadata().is_ok())
}

/// `docker-compose.override.yml` beside `docker-compose.yml`, and so on.
pub fn override_of(file: &Path) -> Option<PathBuf> {
    let name = file.file_name()?.to_str()?;
    let (stem, _) = name.rsplit_once('.')?;
    ["yaml", "yml"]
        .iter()
        .map(|ext| file.with_file_name(format!("{stem}.override.{ext}")))
        .find(|p| p.symlink_metadata().is_ok())
}

/// Other compose files in the directory (`docker-compose-local.yml`,
/// `docker-compose.prod.yaml`, `compose.dev.yml`), not among `taken`.
pub fn variants(dir: &Path, taken: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                return false;
            };
            let lower = name.to_ascii_lowercase();
            (lower.starts_with("docker-compose") || lower.starts_with("compose"))
                && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
                && !lower.contains(".override.")
                && p.is_file()
        })
        .filter(|p| !taken.iter().any(|t| same_file(t, p)))
        .collect();
    out.sort();
    out
}

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The files the selection names, in merge order, with how they were chosen.
pub fn select(sel: &Select) -> Result<(Vec<PathBuf>, Selection), ComposeError> {
    let resolve = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            sel.dir.join(p)
        }
    };
    let (files, how): (Vec<PathBuf>, Selection) = if !sel.flags.is_empty() {
        (
            sel.flags.iter().map(|f| resolve(f)).collect(),
            Selection::Flags,
        )
    } else if let Some((list, from_dotenv)) = (sel.env)("COMPOSE_FILE")
        .map(|v| (v, false))
        .or_else(|| (sel.dotenv)("COMPOSE_FILE").map(|v| (v, true)))
        .filter(|(v, _)| !v.trim().is_empty())
    {
        let separator = (sel.env)("COMPOSE_PATH_SEPARATOR")
            .or_else(|| (sel.dotenv)("COMPOSE_PATH_SEPARATOR"))
            .unwrap_or_else(|| ":".into());
        let files = list
            .split(separator.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(|s| resolve(Path::new(s.trim())))
            .collect();
        (files, Selection::ComposeFileVar { from_dotenv })
    } else {
        let Some(main) = default_file(sel.dir) else {
            return Err(ComposeError {
                id: "compose-missing",
                message: format!(
                    "no compose file in {} (looked for {})",
                    sel.dir.display(),
                    FILE_NAMES.join(", ")
                ),
                detail: None,
                path: None,
                line: None,
                column: None,
            });
        };
        let over = override_of(&main);
        (
            std::iter::once(main).chain(over).collect(),
            Selection::Default,
        )
    };
    if let Some(missing) = files.iter().find(|f| f.symlink_metadata().is_err()) {
        let by = match &how {
            Selection::Flags => "--file".to_string(),
            Selection::ComposeFileVar { from_dotenv: true } => "COMPOSE_FILE in .env".into(),
            _ => "COMPOSE_FILE".into(),
        };
        return Err(ComposeError {
            id: "compose-missing",
            message: format!("{} (named by {by}) does not exist", missing.display()),
            detail: None,
            path: Some(missing.clone()),
            line: None,
            column: None,
        });
    }
    Ok((files, how))
}
