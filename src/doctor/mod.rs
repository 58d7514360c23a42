//! doctor: checks over the discovered `Project`, each returning findings.
//! Checks never look for files themselves; a check that panics is reported
//! as "could not check", never as passed.

pub mod catalogue;
pub mod checks;
pub mod finding;
pub mod fix;
pub mod logs;
pub mod render;
pub mod stack;
#[cfg(test)]
pub mod testkit;

use crate::project::Project;
use crate::python::analysis::Module;
use crate::resolve::{self, ContainerEnv, Exporter, Overrides};
pub use finding::{Category, Finding, Fix, Severity};
use std::path::PathBuf;

/// A parsed Python module of the backend.
pub struct PyModule {
    pub path: PathBuf,
    /// Path as shown, relative to the project.
    pub display: String,
    pub module: Module,
}

/// Everything checks read: the project and what is derived from it once.
pub struct Ctx<'a> {
    pub project: &'a Project,
    pub env: ContainerEnv,
    pub exporter: Exporter,
    pub process: &'a dyn Fn(&str) -> Option<String>,
    /// Variables `gp env` stores, inside a Gitpod workspace with `gp` on PATH.
    pub gp_env: Option<Vec<(String, String)>>,
    /// Backend modules that use OpenTelemetry, Rollbar, X-Ray or watchtower,
    /// plus the app module.
    pub modules: Vec<PyModule>,
    /// Modules that could not be parsed: (display path, message).
    pub unparsable: Vec<(String, String)>,
}

const WATCHED_IMPORTS: [&str; 5] = [
    "opentelemetry",
    "rollbar",
    "aws_xray_sdk",
    "watchtower",
    "flask",
];

impl<'a> Ctx<'a> {
    pub fn new(project: &'a Project, process: &'a dyn Fn(&str) -> Option<String>) -> Ctx<'a> {
        let env = resolve::container_env(project, process);
        let exporter = resolve::exporter(&env, &Overrides::default());
        let gp_env = match (&project.gitpod.gp, project.gitpod.workspace) {
            (Some(gp), true) => crate::secrets::gp_env_list(gp).ok(),
            _ => None,
        };
        let mut modules = Vec::new();
        let mut unparsable = Vec::new();
        for path in &project.backend.modules {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let is_app = project
                .backend
                .app
                .as_ref()
                .is_some_and(|a| &a.path == path);
            // Cheap text filter first; the parser decides what really counts.
            if !is_app && !WATCHED_IMPORTS.iter().any(|w| text.contains(w)) {
                continue;
            }
            let display = project.display(path);
            match Module::parse(&text) {
                Ok(module) => {
                    let uses = module.imports().iter().any(|i| {
                        WATCHED_IMPORTS
                            .iter()
                            .any(|w| i.module == *w || i.module.starts_with(&format!("{w}.")))
                    });
                    if uses || is_app {
                        modules.push(PyModule {
                            path: path.clone(),
                            display,
                            module,
                        });
                    }
                }
                Err(e) => unparsable.push((
                    display,
                    format!("line {}, column {}: {}", e.line, e.column, e.message),
                )),
            }
        }
        Ctx {
            project,
            env,
            exporter,
            process,
            gp_env,
            modules,
            unparsable,
        }
    }

    pub fn compose_display(&self) -> String {
        self.project.display(&self.project.compose.path)
    }

    pub fn app(&self) -> Option<&PyModule> {
        let app = self.project.backend.app.as_ref()?;
        self.modules.iter().find(|m| m.path == app.path)
    }
}

pub type CheckFn = fn(&Ctx) -> Vec<Finding>;

pub struct Check {
    pub name: &'static str,
    pub category: Category,
    pub run: CheckFn,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Found { count: usize },
    CouldNotCheck { reason: String },
    Skipped { reason: String },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckResult {
    pub name: &'static str,
    pub category: Category,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Default)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub results: Vec<CheckResult>,
}

impl Diagnosis {
    pub fn add(
        &mut self,
        name: &'static str,
        category: Category,
        outcome: Result<Vec<Finding>, String>,
    ) {
        let outcome = match outcome {
            Ok(found) if found.is_empty() => Outcome::Passed,
            Ok(found) => {
                let count = found.len();
                self.findings.extend(found);
                Outcome::Found { count }
            }
            Err(reason) => Outcome::CouldNotCheck { reason },
        };
        self.results.push(CheckResult {
            name,
            category,
            outcome,
        });
    }

    pub fn skip(&mut self, name: &'static str, category: Category, reason: impl Into<String>) {
        self.results.push(CheckResult {
            name,
            category,
            outcome: Outcome::Skipped {
                reason: reason.into(),
            },
        });
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }
}

/// Runs one offline check, turning a panic into "could not check".
pub fn run_check(check: &Check, ctx: &Ctx) -> Result<Vec<Finding>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (check.run)(ctx))).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("the check crashed: {msg}")
    })
}

/// Every offline check, over one context.
pub fn diagnose_offline(ctx: &Ctx) -> Diagnosis {
    let mut d = Diagnosis::default();
    let previous = std::panic::take_hook();
    // A crashing check is reported as such; the default hook's backtrace
    // message would only add noise to the report.
    std::panic::set_hook(Box::new(|_| {}));
    for check in checks::OFFLINE {
        let outcome = run_check(check, ctx);
        d.add(check.name, check.category, outcome);
    }
    std::panic::set_hook(previous);
    // Code checks cannot speak for a module they could not read.
    for (module, why) in &ctx.unparsable {
        d.add(
            "code::syntax",
            Category::Code,
            Err(format!("{module} could not be parsed as Python ({why})")),
        );
    }
    d
}
