//! doctor: checks over the discovered `Project`, each returning findings.
//! Checks never look for files themselves; a check that panics is reported
//! as "could not check", never as passed.

pub mod catalogue;
pub mod checks;
mod diagnosis;
pub mod finding;
pub mod fix;
pub mod judge;
pub mod logs;
pub mod render;
pub mod stack;
#[cfg(test)]
pub mod testkit;

use crate::project::Project;
use crate::resolve::{self, ContainerEnv, Exporter, Overrides};
pub use crate::usage::code::{Code, PyModule};
use crate::usage::image::Image;
use crate::usage::launch::Launch;
use crate::usage::{Facts, Usage};
pub use diagnosis::{CheckResult, Diagnosis, Outcome};
pub use finding::{Category, Finding, Fix, Scope, Severity};

/// Everything checks read: the project and what is derived from it once.
pub struct Ctx<'a> {
    pub project: &'a Project,
    pub env: ContainerEnv,
    pub exporter: Exporter,
    pub process: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Variables `gp env` stores, inside a Gitpod workspace with `gp` on PATH.
    pub gp_env: Option<Vec<(String, String)>>,
    /// The backend's running code, image, launch command and active SDKs.
    pub facts: Facts,
    /// What the backend's requirements declare.
    pub declared: Vec<crate::steps::Declared>,
    /// The collector services, found (and their Dockerfiles read) once for
    /// the several collector checks.
    pub(crate) collectors: std::sync::OnceLock<Vec<checks::collector::Collector<'a>>>,
    /// Other services' environments (X-Ray daemons), resolved once each.
    service_envs: std::sync::Mutex<Vec<(String, std::sync::Arc<ContainerEnv>)>>,
    /// Secrets written into each running module's string literals, found
    /// once for the checks that ask (secret-hardcoded, the Rollbar token).
    pub(crate) code_secrets: std::sync::OnceLock<Vec<Vec<checks::secrets::CodeSecret>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        project: &'a Project,
        process: &'a (dyn Fn(&str) -> Option<String> + Sync),
    ) -> Ctx<'a> {
        let env = resolve::container_env(project, process);
        let exporter = resolve::exporter(&env, &Overrides::default());
        let gp_env = match (&project.gitpod.gp, project.gitpod.workspace) {
            (Some(gp), true) => crate::secrets::gp_env_list(gp).ok(),
            _ => None,
        };
        let facts = Facts::build(project, &env);
        Ctx {
            declared: crate::steps::declared(project),
            project,
            env,
            exporter,
            process,
            gp_env,
            facts,
            collectors: std::sync::OnceLock::new(),
            service_envs: std::sync::Mutex::default(),
            code_secrets: std::sync::OnceLock::new(),
        }
    }

    /// A service's environment as compose gives it (env files read once).
    pub fn service_env(&self, name: &str) -> std::sync::Arc<ContainerEnv> {
        let mut known = self.service_envs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, env)) = known.iter().find(|(n, _)| n == name) {
            return std::sync::Arc::clone(env);
        }
        let env = std::sync::Arc::new(resolve::service_env(self.project, name, self.process));
        known.push((name.to_string(), std::sync::Arc::clone(&env)));
        env
    }

    pub fn compose_display(&self) -> String {
        self.project.compose.display(0)
    }

    pub fn code(&self) -> &Code {
        &self.facts.code
    }

    pub fn app(&self) -> Option<&PyModule> {
        self.facts.code.app()
    }

    pub fn image(&self) -> Option<&Image> {
        self.facts.image.as_ref()
    }

    pub fn launch(&self) -> &Launch {
        &self.facts.launch
    }

    pub fn usage(&self) -> &Usage {
        &self.facts.usage
    }
}

/// Why a check gave no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsure {
    /// Nothing to judge here (no key to test, the SDK not in use).
    Skipped(String),
    /// There is something to judge but it could not be read.
    CouldNotCheck(String),
}

/// A check's verdict: its findings (none = passed), or why it has none.
pub type Checked = Result<Vec<Finding>, Unsure>;

pub trait IntoChecked {
    fn into_checked(self) -> Checked;
}

impl IntoChecked for Vec<Finding> {
    fn into_checked(self) -> Checked {
        Ok(self)
    }
}

impl IntoChecked for Checked {
    fn into_checked(self) -> Checked {
        self
    }
}

impl Ctx<'_> {
    /// For checks that conclude something is missing from the code: they
    /// cannot while a module that runs could not be read.
    pub fn code_readable(&self) -> Result<(), Unsure> {
        match self.facts.code.unreadable() {
            Some(why) => Err(Unsure::CouldNotCheck(why)),
            None => Ok(()),
        }
    }
}

/// One offline check: what it looks at, the ids it may report, the function.
pub struct Check {
    pub name: &'static str,
    /// What a pass rules out, for `-v` ("the OTLP endpoint").
    pub title: &'static str,
    pub category: Category,
    pub ids: &'static [&'static str],
    pub run: fn(&Ctx) -> Checked,
}

/// Runs one offline check, turning a panic into "could not check".
pub fn run_check(check: &Check, ctx: &Ctx) -> Checked {
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (check.run)(ctx)))
        .map_err(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Unsure::CouldNotCheck(format!("the check crashed: {msg}"))
        })??;
    if let Some(f) = checked.iter().find(|f| !check.ids.contains(&f.id)) {
        // A check reports only what it declares; a test runs every check on
        // the fixtures, so a stray id fails there rather than in the field.
        debug_assert!(false, "{} reported {}, not among its ids", check.name, f.id);
    }
    Ok(checked)
}

/// What the checks read most: the backend's running modules and the
/// compose files, in bytes.
fn input_size(ctx: &Ctx) -> usize {
    let code: usize = ctx
        .code()
        .mods
        .iter()
        .map(|m| m.module.source().len())
        .sum();
    let compose: usize = ctx.project.compose.files.iter().map(|f| f.text.len()).sum();
    code + compose
}

/// Every offline check, over one context.
pub fn diagnose_offline(ctx: &Ctx) -> Diagnosis {
    let mut d = Diagnosis::default();
    let previous = std::panic::take_hook();
    // A crashing check is reported as such; the default hook's backtrace
    // message would only add noise to the report.
    std::panic::set_hook(Box::new(|_| {}));
    // The checks only read the context (its memos are once-cells), so on a
    // large project two threads take them from one queue, the costly code
    // checks at the end of the list first, so that neither thread is left
    // with a long one at the end. The report keeps the catalogue's order.
    let all = checks::OFFLINE;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || -> Vec<(usize, Checked)> {
        let mut out = Vec::new();
        loop {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(i) = all.len().checked_sub(n + 1) else {
                return out;
            };
            out.push((i, run_check(&all[i], ctx)));
        }
    };
    let mut outcomes = if crate::threads::for_checks(input_size(ctx)) < 2 {
        take()
    } else {
        std::thread::scope(|s| {
            let helper = s.spawn(take);
            let mut out = take();
            // run_check catches a check's panic; anything else is a bug to
            // surface, never a half report.
            out.extend(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
            out
        })
    };
    outcomes.sort_unstable_by_key(|(i, _)| *i);
    assert_eq!(outcomes.len(), all.len(), "one outcome per check");
    for (check, (_, outcome)) in all.iter().zip(outcomes) {
        d.record(check.name, check.title, check.category, outcome);
    }
    std::panic::set_hook(previous);
    d
}
