//! doctor's "Running stack" section: what the containers of this compose
//! project are doing now, read from a real Docker engine. The files can be
//! right while the stack is not: a backend never rebuilt after
//! requirements.txt changed, not recreated after the compose environment
//! changed, crashed at import, or exporting into a 401.
//!
//! The project reaches this module through one small input struct built in
//! [`input`]; everything else reads only that. No engine, no permission on
//! its socket, or no container of this project: the section is skipped with
//! that reason, never passed. Every engine call is bounded by `--timeout`.

mod containers;
mod endpoint;
mod engine;
mod env;
mod logs;
mod packages;

use super::{Category, Diagnosis, Finding};
use crate::project::Project;
use std::path::PathBuf;
use std::time::Duration;

pub use endpoint::{locate, Address, Endpoint};
pub use engine::{Engine, EngineError};

/// Everything the stack checks know about the project.
#[derive(Debug, Clone)]
pub struct StackInput {
    /// The project directory as compose labels it
    /// (`com.docker.compose.project.working_dir`).
    pub working_dir: PathBuf,
    /// The compose project name (`com.docker.compose.project`) compose
    /// would use here by default.
    pub project_name: String,
    pub backend: ServiceExpect,
    /// Other services whose containers must run: the X-Ray daemon, a collector.
    pub daemons: Vec<String>,
}

/// What the backend's container should have now.
#[derive(Debug, Clone)]
pub struct ServiceExpect {
    pub name: String,
    /// The environment compose would give it now (interpolated).
    pub env: Vec<(String, String)>,
    pub requirements: Vec<Wanted>,
}

/// One declared requirement.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// As written.
    pub name: String,
    /// PEP 503 form, for comparing with what pip reports.
    pub normalized: String,
    /// `==X`, when pinned to one release.
    pub pinned: Option<String>,
    /// `backend-flask/requirements.txt:3`.
    pub location: String,
}

/// The one place the project model is read: the backend's environment and
/// requirements as the offline checks already resolved them.
pub fn input(ctx: &crate::doctor::Ctx) -> StackInput {
    let (project, process) = (ctx.project, ctx.process);
    let root = std::path::absolute(&project.root).unwrap_or_else(|_| project.root.clone());
    let env = ctx
        .env
        .settings
        .iter()
        // `- KEY` with KEY unset anywhere: compose passes nothing.
        .filter(|s| {
            s.raw.is_some()
                || !s
                    .vars
                    .iter()
                    .all(|v| v.source == crate::resolve::VarSource::Unset)
        })
        .map(|s| (s.name.clone(), s.value.clone()))
        .collect();
    let requirements = ctx
        .declared
        .iter()
        // A marker may exclude the package from this image; pip is not asked about it.
        .filter(|d| d.req.marker.is_none())
        .map(|d| Wanted {
            location: d.location(),
            pinned: d.req.pinned_version().map(str::to_string),
            name: d.req.name.clone(),
            normalized: d.req.normalized.clone(),
        })
        .collect();
    let backend = &project.backend.service;
    let daemons = project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name() != backend && is_daemon(s.name(), s.image().unwrap_or_default()))
        .map(|s| s.name().to_string())
        .collect();
    StackInput {
        project_name: project_name(project, process),
        working_dir: root,
        backend: ServiceExpect {
            name: backend.clone(),
            env,
            requirements,
        },
        daemons,
    }
}

fn is_daemon(name: &str, image: &str) -> bool {
    image.contains("aws-xray-daemon")
        || image.contains("opentelemetry-collector")
        || name.contains("xray")
        || name.contains("collector")
}

/// Compose's default project name: COMPOSE_PROJECT_NAME (shell, then .env),
/// the file's top-level `name:`, else the directory's name, lowercased, with
/// only `a-z0-9_-` kept.
/// The compose project name, as compose picks it: COMPOSE_PROJECT_NAME from
/// the shell or `.env`, else `name:`, else the directory's name.
fn project_name(project: &Project, process: &dyn Fn(&str) -> Option<String>) -> String {
    let lookup = |n: &str| {
        process(n).filter(|v| !v.is_empty()).or_else(|| {
            project
                .dotenv_entries
                .as_ref()
                .ok()?
                .iter()
                .rev()
                .find(|e| e.key == n)
                .map(|e| e.value.clone())
        })
    };
    project.compose.name(&lookup)
}

/// How the section runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bound on each engine call.
    pub timeout: Duration,
    /// `--offline`: only an engine on this machine (a unix socket) is asked.
    pub offline: bool,
    /// `--no-stack`: skip the section.
    pub disabled: bool,
}

/// One result of the section: findings, a skip reason, or why it could not check.
#[derive(Debug, Clone)]
pub enum Outcome {
    Found(Vec<Finding>),
    Skipped(String),
    Unsure(String),
}

/// Names of the section's checks, as listed by `-v` and in JSON.
pub const SECTION: &str = "stack";
pub const CONTAINERS: &str = "stack::containers";
pub const ENVIRONMENT: &str = "stack::environment";
pub const PACKAGES: &str = "stack::packages";
pub const LOGS: &str = "stack::logs";

/// Runs the section: every result, in order.
pub fn check(input: &StackInput, opts: &Options) -> Vec<(&'static str, Outcome)> {
    let whole = |o: Outcome| vec![(SECTION, o)];
    if opts.disabled {
        return whole(Outcome::Skipped("--no-stack".into()));
    }
    let endpoint = match locate(&crate::resolve::process_env) {
        Ok(e) => e,
        Err(why) => return whole(Outcome::Skipped(why)),
    };
    if opts.offline && !endpoint.is_local() {
        return whole(Outcome::Skipped(format!(
            "--offline, and the engine at {} is not on this machine",
            endpoint.describe()
        )));
    }
    let engine = match Engine::connect(endpoint, opts.timeout) {
        Ok(e) => e,
        Err(EngineError::Unavailable(why)) => return whole(Outcome::Skipped(why)),
        Err(e) => return whole(Outcome::Unsure(e.to_string())),
    };
    let project = match containers::find(&engine, input) {
        Ok(p) => p,
        Err(e) => return whole(Outcome::Unsure(e.to_string())),
    };
    if project.all.is_empty() {
        return whole(Outcome::Skipped(format!(
            "no container of this compose project on the engine at {} (project \"{}\" in {}); start it with `docker compose up -d`",
            engine.endpoint().describe(),
            input.project_name,
            input.working_dir.display()
        )));
    }
    let cmd = containers::compose_command(&project, input);
    let mut out = vec![(
        CONTAINERS,
        containers::running(&engine, input, &project, &cmd),
    )];
    let Some(backend) = project.backend.as_ref() else {
        let why = format!("no {} container exists", input.backend.name);
        for name in [ENVIRONMENT, PACKAGES, LOGS] {
            out.push((name, Outcome::Skipped(why.clone())));
        }
        return out;
    };
    out.push((ENVIRONMENT, env::stale(&engine, input, backend, &cmd)));
    if !backend.running {
        let why = format!(
            "the {} container is not running (see {CONTAINERS})",
            input.backend.name
        );
        out.push((PACKAGES, Outcome::Skipped(why.clone())));
        out.push((LOGS, Outcome::Skipped(why)));
        return out;
    }
    out.push((PACKAGES, packages::missing(&engine, input, backend, &cmd)));
    out.push((LOGS, logs::export_failures(&engine, input, backend)));
    out
}

/// The section running on its own thread while the network checks run (or
/// its answer, when there is nothing to run).
pub enum Pending {
    Running(std::thread::JoinHandle<Vec<(&'static str, Outcome)>>),
    Done(Vec<(&'static str, Outcome)>),
}

pub fn spawn(ctx: &crate::doctor::Ctx, opts: Options) -> Pending {
    if opts.disabled {
        return Pending::Done(vec![(SECTION, Outcome::Skipped("--no-stack".into()))]);
    }
    let input = input(ctx);
    Pending::Running(std::thread::spawn(move || check(&input, &opts)))
}

impl Pending {
    /// Adds the section's results. A log line's finding whose id another
    /// check already reported is the same cause, confirmed: not repeated.
    pub fn join(self, d: &mut Diagnosis) {
        let handle = match self {
            Pending::Done(results) => return add(d, results),
            Pending::Running(handle) => handle,
        };
        let results = handle.join().unwrap_or_else(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            vec![(
                SECTION,
                Outcome::Unsure(format!("the check crashed: {msg}")),
            )]
        });
        add(d, results);
    }
}

pub fn add(d: &mut Diagnosis, results: Vec<(&'static str, Outcome)>) {
    for (name, outcome) in results {
        match outcome {
            Outcome::Found(found) => {
                let found = found
                    .into_iter()
                    .filter(|f| {
                        f.id.starts_with("container-") || !d.findings.iter().any(|o| o.id == f.id)
                    })
                    .map(|mut f| {
                        f.category = Category::Stack;
                        f
                    })
                    .collect();
                d.add(name, Category::Stack, Ok(found));
            }
            Outcome::Skipped(why) => d.skip(name, Category::Stack, why),
            Outcome::Unsure(why) => d.add(name, Category::Stack, Err(why)),
        }
    }
}

#[cfg(test)]
mod tests;
