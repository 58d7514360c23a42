//! Discovery: from a directory to one `Project` value. Nothing after this
//! looks for files; commands and checks read what is here.

use crate::compose::dotenv::DotenvEntry;
use crate::compose::{self, ComposeError, ComposeProject, Selection};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod backend;

use backend::{choose_backend, read_backend};
mod shared;

#[derive(Debug, Default, Clone)]
pub struct DiscoverOptions {
    /// Where to start: the project directory, or (with `walk_up`) a
    /// directory inside it.
    pub dir: PathBuf,
    /// `--file/-f`, in order (later files override earlier ones).
    pub files: Vec<PathBuf>,
    pub service: Option<String>,
    /// Look in the parent directories for the compose project, as compose
    /// and git do (when no `--dir` was given).
    pub walk_up: bool,
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub compose: ComposeProject,
    pub backend: Backend,
    pub dotenv: TextFile,
    /// `.env` parsed once: its entries, or why it cannot be read.
    pub dotenv_entries: Result<Vec<DotenvEntry>, String>,
    pub gitignore: TextFile,
    pub gitpod: Gitpod,
    /// Files and code read once per run for every project of the run.
    shared: Arc<shared::Shared>,
}

impl Project {
    /// A file's text, read on first use in this run and shared after; the
    /// error says why it could not be read.
    pub fn read(&self, path: &Path) -> Result<Arc<str>, String> {
        self.shared.read(path)
    }

    /// The backend's code, parsed once per run.
    pub fn code(&self) -> Arc<crate::usage::code::Code> {
        self.shared.code(self)
    }
}

/// A file that may not exist yet.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: PathBuf,
    pub text: Option<String>,
}

impl TextFile {
    fn read(path: PathBuf) -> Result<TextFile> {
        let text = crate::fsutil_read::read_optional_project_file(&path)?;
        Ok(TextFile { path, text })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequirementsKind {
    Txt,
    Pyproject,
}

#[derive(Debug)]
pub struct Requirements {
    pub kind: RequirementsKind,
    pub file: TextFile,
    /// Files pulled in with `-r`, read for what they already provide.
    pub includes: Vec<TextFile>,
}

#[derive(Debug)]
pub struct Backend {
    pub service: String,
    pub context: Option<PathBuf>,
    pub dockerfile: Option<TextFile>,
    pub requirements: Option<Requirements>,
    /// The module that creates the Flask app (app.py in the Cruddur layout).
    pub app: Option<TextFile>,
    /// Every other Python module of the backend (for code checks).
    pub modules: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Gitpod {
    pub yml: Option<PathBuf>,
    /// Running inside a Gitpod workspace (GITPOD_WORKSPACE_ID is set).
    pub workspace: bool,
    /// The `gp` CLI, when on PATH.
    pub gp: Option<PathBuf>,
}

/// Why discovery stopped; `id` is the failure id doctor reports.
#[derive(Debug)]
pub struct DiscoverError {
    pub id: &'static str,
    pub message: String,
    /// The message without file and position (shown apart by doctor).
    pub detail: Option<String>,
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// For an ambiguous backend: the services that could be it.
    pub candidates: Vec<String>,
    /// With no default compose file: the variants that could be selected.
    pub variants: Vec<PathBuf>,
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for DiscoverError {}

impl DiscoverError {
    fn new(id: &'static str, message: String, path: Option<PathBuf>) -> DiscoverError {
        DiscoverError {
            id,
            message,
            detail: None,
            path,
            line: None,
            column: None,
            candidates: vec![],
            variants: vec![],
        }
    }
}

impl From<ComposeError> for DiscoverError {
    fn from(e: ComposeError) -> DiscoverError {
        DiscoverError {
            id: e.id,
            message: e.message,
            detail: e.detail,
            path: e.path,
            line: e.line,
            column: e.column,
            candidates: vec![],
            variants: vec![],
        }
    }
}

fn derr(id: &'static str, message: String, path: Option<PathBuf>) -> anyhow::Error {
    anyhow::Error::new(DiscoverError::new(id, message, path))
}

/// The words every command uses when it cannot find the project.
pub const NOT_FOUND_HINT: &str =
    "run the command inside the project (where docker-compose.yml is, or below it), or pass --dir DIR / -f FILE";

/// The directory compose would treat as the project: the first of `start`
/// and its parents with a default compose file; `start` itself otherwise.
pub fn find_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|d| compose::project::default_file(d).is_some())
        .unwrap_or(start)
        .to_path_buf()
}

/// What a directory holds before any compose file is read.
struct Located {
    root: PathBuf,
    dotenv: TextFile,
    dotenv_entries: Result<Vec<DotenvEntry>, String>,
    shared: Arc<shared::Shared>,
}

fn locate(opts: &DiscoverOptions) -> Result<Located> {
    if !opts.dir.is_dir() {
        bail!(
            "{} is not a directory; pass the project directory with --dir",
            opts.dir.display()
        );
    }
    // Absolute from here on: walking up needs real parents, and `-f` paths
    // must not be joined to a relative directory twice.
    let start = &std::path::absolute(&opts.dir).unwrap_or_else(|_| opts.dir.clone());
    let root = match opts.files.first() {
        // Relative paths in the files resolve against the first file's directory.
        Some(f) => {
            let f = if f.is_absolute() {
                f.clone()
            } else {
                start.join(f)
            };
            f.parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| start.clone())
        }
        None if opts.walk_up => find_root(start),
        None => start.clone(),
    };
    let shared = Arc::new(shared::Shared::default());
    let dotenv = shared.text_file(root.join(".env"))?;
    let dotenv_entries = match dotenv.text.as_deref().map(crate::compose::dotenv::parse) {
        None => Ok(Vec::new()),
        Some(Ok(entries)) => Ok(entries),
        Some(Err(e)) => Err(e.to_string()),
    };
    Ok(Located {
        root,
        dotenv,
        dotenv_entries,
        shared,
    })
}

impl Located {
    fn dotenv_value(&self, name: &str) -> Option<String> {
        self.dotenv_entries
            .as_ref()
            .ok()?
            .iter()
            .rev()
            .find(|e| e.key == name)
            .map(|e| e.value.clone())
    }

    fn select(&self, opts: &DiscoverOptions) -> Result<(Vec<PathBuf>, Selection)> {
        let dir = std::path::absolute(&opts.dir).unwrap_or_else(|_| opts.dir.clone());
        let flags: Vec<PathBuf> = opts
            .files
            .iter()
            .map(|f| {
                if f.is_absolute() {
                    f.clone()
                } else {
                    dir.join(f)
                }
            })
            .collect();
        let dotenv = |n: &str| self.dotenv_value(n);
        let sel = compose::project::Select {
            dir: &self.root,
            flags: &flags,
            env: &crate::resolve::process_env,
            dotenv: &dotenv,
        };
        compose::project::select(&sel).map_err(|e| anyhow::Error::new(self.select_error(e)))
    }

    fn select_error(&self, e: ComposeError) -> DiscoverError {
        {
            let variants = compose::project::variants(&self.root, &[]);
            if e.id == "compose-missing" && e.path.is_none() && !variants.is_empty() {
                let names: Vec<String> = variants.iter().map(|v| self.shown(v)).collect();
                let mut d = DiscoverError::new(
                    "compose-no-default",
                    format!(
                        "{} has no default compose file but {} other{}: {}; select one with `-f {}` (or COMPOSE_FILE={} in .env)",
                        self.root.display(),
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", "),
                        names[0],
                        names[0],
                    ),
                    None,
                );
                d.variants = variants;
                return d;
            }
            let mut d = DiscoverError::from(e);
            if d.id == "compose-missing" && d.path.is_none() {
                d.message = format!("{}; {NOT_FOUND_HINT}", d.message);
            }
            d
        }
    }

    fn shown(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .display()
            .to_string()
    }

    fn project(
        &self,
        files: &[PathBuf],
        selection: Selection,
        service: Option<&str>,
    ) -> Result<Project> {
        let compose = ComposeProject::load(&self.root, files, selection)
            .map_err(|e| anyhow::Error::new(DiscoverError::from(e)))?;
        let service = choose_backend(&compose, service, &self.shared)?;
        let backend = read_backend(&compose, &service, &self.shared)?;
        Ok(Project {
            dotenv: self.dotenv.clone(),
            dotenv_entries: self.dotenv_entries.clone(),
            gitignore: self.shared.text_file(self.root.join(".gitignore"))?,
            gitpod: Gitpod {
                yml: Some(self.root.join(".gitpod.yml")).filter(|p| p.is_file()),
                workspace: std::env::var_os("GITPOD_WORKSPACE_ID").is_some_and(|v| !v.is_empty()),
                gp: which("gp"),
            },
            root: self.root.clone(),
            compose,
            backend,
            shared: Arc::clone(&self.shared),
        })
    }
}

/// The one project the options name: the default file (with its override),
/// `COMPOSE_FILE`, or `-f`. With no default file but variants, an error
/// that names them and says how to pick one.
pub fn discover(opts: &DiscoverOptions) -> Result<Project> {
    let located = locate(opts)?;
    let (files, selection) = located.select(opts)?;
    located.project(&files, selection, opts.service.as_deref())
}

/// Every compose project in the directory, as doctor checks them: the
/// selected one (or, with no default file, each variant), then the other
/// compose files, each on its own.
pub struct Workspace {
    pub root: PathBuf,
    pub main: Result<Project, anyhow::Error>,
    /// Other compose files of the directory, checked as their own projects.
    pub others: Vec<(PathBuf, Result<Project, anyhow::Error>)>,
}

pub fn discover_all(opts: &DiscoverOptions) -> Result<Workspace> {
    let located = locate(opts)?;
    let service = opts.service.as_deref();
    let (main, taken) = match located.select(opts) {
        Ok((files, selection)) => {
            let taken = files.clone();
            (located.project(&files, selection, service), taken)
        }
        Err(e) => (Err(e), Vec::new()),
    };
    let others = compose::project::variants(&located.root, &taken)
        .into_iter()
        .map(|v| {
            let p = located.project(std::slice::from_ref(&v), Selection::Variant, service);
            (v, p)
        })
        .collect();
    Ok(Workspace {
        root: located.root,
        main,
        others,
    })
}

/// A program on PATH, as a shell would find it.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

impl Project {
    /// A path as shown to the user: relative to the project root.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
