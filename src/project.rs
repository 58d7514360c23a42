//! Discovery: from a directory to one `Project` value. Nothing after this
//! looks for files; commands and checks read what is here.

use crate::compose::ComposeFile;
use crate::fsutil;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone)]
pub struct DiscoverOptions {
    pub dir: PathBuf,
    pub file: Option<PathBuf>,
    pub service: Option<String>,
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub compose: ComposeFile,
    pub backend: Backend,
    pub dotenv: TextFile,
    pub gitignore: TextFile,
    pub gitpod: Gitpod,
}

/// How discovery reads files. `Edit` (init) refuses symlinks, since a
/// rewrite would replace the link; `ReadOnly` (doctor, send-test-span)
/// follows them (see `fsutil_read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Edit,
    ReadOnly,
}

impl Access {
    fn read_optional(self, path: &Path) -> Result<Option<String>> {
        match self {
            Access::Edit => fsutil::read_optional(path),
            Access::ReadOnly => crate::fsutil_read::read_optional_following(path),
        }
    }
}

/// A file that may not exist yet.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: PathBuf,
    pub text: Option<String>,
}

impl TextFile {
    fn read(path: PathBuf, access: Access) -> Result<TextFile> {
        let text = access.read_optional(&path)?;
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
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// For an ambiguous backend: the services that could be it.
    pub candidates: Vec<String>,
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for DiscoverError {}

fn derr(id: &'static str, message: String, path: Option<PathBuf>) -> anyhow::Error {
    anyhow::Error::new(DiscoverError {
        id,
        message,
        path,
        line: None,
        column: None,
        candidates: vec![],
    })
}

pub fn find_compose(dir: &Path) -> Option<PathBuf> {
    crate::compose::FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.symlink_metadata().is_ok())
}

pub fn discover(opts: &DiscoverOptions) -> Result<Project> {
    discover_with(opts, Access::Edit)
}

/// Discovery for commands that never write: symlinked files are read.
pub fn discover_read_only(opts: &DiscoverOptions) -> Result<Project> {
    discover_with(opts, Access::ReadOnly)
}

fn discover_with(opts: &DiscoverOptions, access: Access) -> Result<Project> {
    let dir = &opts.dir;
    if !dir.is_dir() {
        bail!(
            "{} is not a directory; pass the project directory with --dir",
            dir.display()
        );
    }
    let compose_path = match &opts.file {
        Some(f) => {
            let f = if f.is_absolute() { f.clone() } else { dir.join(f) };
            if f.symlink_metadata().is_err() {
                return Err(derr("compose-missing", format!("{} does not exist", f.display()), Some(f)));
            }
            f
        }
        None => find_compose(dir).ok_or_else(|| {
            derr(
                "compose-missing",
                format!(
                    "no compose file in {} (looked for {}); run from the project root or pass --dir/--file",
                    dir.display(),
                    crate::compose::FILE_NAMES.join(", ")
                ),
                None,
            )
        })?,
    };
    if let Ok(meta) = std::fs::metadata(&compose_path) {
        crate::compose::limits::check_size(&compose_path, meta.len())
            .map_err(|e| derr(e.id, e.message, Some(compose_path.clone())))?;
    }
    let text = match access {
        Access::Edit => fsutil::read_text(&compose_path)?,
        Access::ReadOnly => crate::fsutil_read::read_text_following(&compose_path)?,
    };
    let compose = ComposeFile::parse(&compose_path, text).map_err(|e| {
        anyhow::Error::new(DiscoverError {
            id: e.id,
            message: e.message,
            path: Some(compose_path.clone()),
            line: e.line,
            column: e.column,
            candidates: vec![],
        })
    })?;
    let root = compose.dir().to_path_buf();
    let service = choose_backend(&compose, opts.service.as_deref())?;
    let backend = read_backend(&compose, &service, access)?;
    Ok(Project {
        dotenv: TextFile::read(root.join(".env"), access)?,
        gitignore: TextFile::read(root.join(".gitignore"), access)?,
        gitpod: Gitpod {
            yml: Some(root.join(".gitpod.yml")).filter(|p| p.is_file()),
            workspace: std::env::var_os("GITPOD_WORKSPACE_ID").is_some_and(|v| !v.is_empty()),
            gp: which("gp"),
        },
        root,
        compose,
        backend,
    })
}

/// `--service`, else the one service whose build context holds a Flask app,
/// else `backend-flask`.
fn choose_backend(compose: &ComposeFile, wanted: Option<&str>) -> Result<String> {
    let names = compose.service_names();
    let listed = || {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    if let Some(w) = wanted {
        if compose.service(w).is_some() {
            return Ok(w.to_string());
        }
        return Err(derr(
            "backend-service-missing",
            format!(
                "{} has no service `{w}` (services: {})",
                compose.path.display(),
                listed()
            ),
            Some(compose.path.clone()),
        ));
    }
    let services: Vec<_> = compose
        .all_services()
        .into_iter()
        .filter(|s| {
            s.build_context()
                .is_some_and(|c| find_app_module(&c).is_some())
        })
        .collect();
    let flask: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    // Several services often build the same context (a worker beside the web
    // app); the conventional name, then the one not overriding its command, wins.
    if flask.len() > 1 {
        if flask.iter().any(|n| n == "backend-flask") {
            return Ok("backend-flask".into());
        }
        let serving: Vec<_> = services
            .iter()
            .filter(|s| s.get("command").is_none())
            .collect();
        if let [only] = serving.as_slice() {
            return Ok(only.name.clone());
        }
    }
    match flask.len() {
        1 => return Ok(flask[0].clone()),
        0 => {}
        _ => {
            return Err(anyhow::Error::new(DiscoverError {
                id: "backend-service-missing",
                message: format!(
                    "several services build a Flask app: {}; choose one with --service",
                    flask.join(", ")
                ),
                path: Some(compose.path.clone()),
                line: None,
                column: None,
                candidates: flask,
            }))
        }
    }
    if compose.service("backend-flask").is_some() {
        return Ok("backend-flask".into());
    }
    Err(derr(
        "backend-service-missing",
        format!(
            "no service in {} builds a Flask app and none is called backend-flask (services: {}); pass --service NAME",
            compose.path.display(),
            listed()
        ),
        Some(compose.path.clone()),
    ))
}

const APP_NAMES: [&str; 5] = [
    "app.py",
    "main.py",
    "wsgi.py",
    "server.py",
    "application.py",
];

/// The module that creates the Flask app: a conventional name first, then any
/// top-level module that calls `Flask(`.
pub fn find_app_module(context: &Path) -> Option<PathBuf> {
    let creates_app = |p: &Path| {
        std::fs::read_to_string(p).is_ok_and(|t| t.contains("Flask(") && t.contains("flask"))
    };
    APP_NAMES
        .iter()
        .map(|n| context.join(n))
        .find(|p| p.is_file() && creates_app(p))
        .or_else(|| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(context)
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "py"))
                .collect();
            files.sort();
            files.into_iter().find(|p| creates_app(p))
        })
}

fn read_backend(compose: &ComposeFile, name: &str, access: Access) -> Result<Backend> {
    let svc = compose.service(name).expect("chosen from the file");
    let context = svc.build_context();
    let Some(ctx) = context.clone().filter(|c| c.is_dir()) else {
        if let Some(c) = &context {
            bail!(
                "the build context of `{name}` ({}) is not a directory",
                c.display()
            );
        }
        return Ok(Backend {
            service: name.into(),
            context,
            dockerfile: None,
            requirements: None,
            app: None,
            modules: vec![],
        });
    };
    let requirements = if ctx.join("requirements.txt").symlink_metadata().is_ok() {
        let file = TextFile::read(ctx.join("requirements.txt"), access)?;
        let includes =
            crate::python::requirements::parse_requirements_txt(file.text.as_deref().unwrap_or(""))
                .includes
                .iter()
                .map(|inc| TextFile::read(ctx.join(inc), access))
                .collect::<Result<Vec<_>>>()?;
        Some(Requirements {
            kind: RequirementsKind::Txt,
            file,
            includes,
        })
    } else if ctx.join("pyproject.toml").symlink_metadata().is_ok() {
        Some(Requirements {
            kind: RequirementsKind::Pyproject,
            file: TextFile::read(ctx.join("pyproject.toml"), access)?,
            includes: vec![],
        })
    } else {
        None
    };
    let dockerfile = match svc.dockerfile() {
        Some(p) if p.is_file() => Some(TextFile::read(p, access)?),
        _ => None,
    };
    let app = find_app_module(&ctx)
        .map(|p| TextFile::read(p, access))
        .transpose()?;
    Ok(Backend {
        service: name.into(),
        modules: python_modules(&ctx, access),
        context,
        dockerfile,
        requirements,
        app,
    })
}

/// Python files of the backend, skipping virtualenvs and caches; for reading
/// only, symlinked files too (never symlinked directories: they can loop).
fn python_modules(dir: &Path, access: Access) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir()
                && depth < 4
                && !name.starts_with('.')
                && !matches!(
                    name.as_str(),
                    "venv" | "__pycache__" | "node_modules" | "site-packages"
                )
            {
                stack.push((p, depth + 1));
            } else if name.ends_with(".py")
                && (ft.is_file() || (access == Access::ReadOnly && ft.is_symlink() && p.is_file()))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
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
