//! Which service is the backend and what it is made of: the service that
//! builds (or bind-mounts) a Flask app, its code directory, Dockerfile,
//! requirements, app module and Python files.

use super::shared::Shared;
use super::{derr, Backend, DiscoverError, Requirements, RequirementsKind, TextFile};
use crate::compose::{self, ComposeProject};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// `--service`, else the one service whose build context holds a Flask app,
/// else `backend-flask`.
pub(super) fn choose_backend(
    compose: &ComposeProject,
    wanted: Option<&str>,
    shared: &Shared,
) -> Result<String> {
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
                compose.describe(),
                listed()
            ),
            Some(compose.primary().path.clone()),
        ));
    }
    let services: Vec<_> = compose
        .all_services()
        .into_iter()
        .filter(|s| code_dir(s, shared).is_some_and(|c| shared.app_module(&c).is_some()))
        .collect();
    let flask: Vec<String> = services.iter().map(|s| s.name().to_string()).collect();
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
            return Ok(only.name().to_string());
        }
    }
    match flask.len() {
        1 => return Ok(flask[0].clone()),
        0 => {}
        _ => {
            let mut e = DiscoverError::new(
                "backend-service-missing",
                format!(
                    "several services build a Flask app: {}; choose one with --service",
                    flask.join(", ")
                ),
                Some(compose.primary().path.clone()),
            );
            e.candidates = flask;
            return Err(anyhow::Error::new(e));
        }
    }
    if compose.service("backend-flask").is_some() {
        return Ok("backend-flask".into());
    }
    Err(derr(
        "backend-service-missing",
        format!(
            "no service in {} builds a Flask app and none is called backend-flask (services: {}); pass --service NAME",
            compose.describe(),
            listed()
        ),
        Some(compose.primary().path.clone()),
    ))
}

/// Where a service's Python code is: its build context, or for a stock
/// image (`image: python:3.10` running `flask run`) the bind-mounted
/// directory that holds the app.
fn code_dir(svc: &compose::Service, shared: &Shared) -> Option<PathBuf> {
    if let Some(ctx) = svc.build_context() {
        return Some(ctx);
    }
    let volumes = svc.get("volumes")?.as_sequence()?;
    volumes
        .iter()
        .filter_map(|v| match v {
            yaml_serde::Value::String(s) => s.split(':').next().map(str::to_string),
            m => m.get("source").and_then(|s| s.as_str()).map(str::to_string),
        })
        .filter(|src| src.starts_with('.') || src.starts_with('/'))
        .map(|src| svc.project.dir().join(src))
        .find(|dir| dir.is_dir() && shared.app_module(dir).is_some())
}

const APP_NAMES: [&str; 5] = [
    "app.py",
    "main.py",
    "wsgi.py",
    "server.py",
    "application.py",
];

/// The module that creates the Flask app (a conventional name first, then
/// any top-level module that calls `Flask(`), with the text it read. Under
/// the read-only commands the file is read as discovery reads project files
/// (so a FIFO named app.py cannot hang it) and that text is the one every
/// check judges.
pub(super) fn app_module(context: &Path) -> Option<(PathBuf, Option<String>)> {
    let creates_app = |p: &Path| {
        let text = if crate::fsutil_read::following_links() {
            crate::fsutil_read::read_text_following(p).ok()?
        } else {
            std::fs::read_to_string(p).ok()?
        };
        (text.contains("Flask(") && text.contains("flask")).then_some(text)
    };
    let found = APP_NAMES
        .iter()
        .map(|n| context.join(n))
        .filter(|p| p.is_file())
        .find_map(|p| creates_app(&p).map(|t| (p, t)))
        .or_else(|| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(context)
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "py"))
                .collect();
            files.sort();
            files
                .into_iter()
                .find_map(|p| creates_app(&p).map(|t| (p, t)))
        })?;
    // Init refuses what it could not rewrite: read_backend reads the file
    // again through the writer's rules, which say why.
    let (path, text) = found;
    Some((path, crate::fsutil_read::following_links().then_some(text)))
}

pub(super) fn read_backend(
    compose: &ComposeProject,
    name: &str,
    shared: &Shared,
) -> Result<Backend> {
    let svc = compose.service(name).expect("chosen from the file");
    let context = code_dir(&svc, shared);
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
        let file = shared.text_file(ctx.join("requirements.txt"))?;
        let includes =
            crate::python::requirements::parse_requirements_txt(file.text.as_deref().unwrap_or(""))
                .includes
                .iter()
                .map(|inc| shared.text_file(ctx.join(inc)))
                .collect::<Result<Vec<_>>>()?;
        Some(Requirements {
            kind: RequirementsKind::Txt,
            file,
            includes,
        })
    } else if ctx.join("pyproject.toml").symlink_metadata().is_ok() {
        Some(Requirements {
            kind: RequirementsKind::Pyproject,
            file: shared.text_file(ctx.join("pyproject.toml"))?,
            includes: vec![],
        })
    } else {
        None
    };
    let dockerfile = match svc.dockerfile() {
        Some(p) if p.is_file() => Some(shared.text_file(p)?),
        _ => None,
    };
    let app = match shared.app_module(&ctx) {
        Some((path, Some(text))) => Some(TextFile {
            path,
            text: Some(text),
        }),
        Some((path, None)) => Some(shared.text_file(path)?),
        None => None,
    };
    Ok(Backend {
        service: name.into(),
        modules: python_modules(&ctx),
        context,
        dockerfile,
        requirements,
        app,
    })
}

/// Python files of the backend, skipping virtualenvs and caches; symlinked
/// files too when links are followed (never symlinked directories: they can loop).
fn python_modules(dir: &Path) -> Vec<PathBuf> {
    let follow = crate::fsutil_read::following_links();
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
                && (ft.is_file() || (follow && ft.is_symlink() && p.is_file()))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
