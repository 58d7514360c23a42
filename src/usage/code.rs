//! The backend's Python code as it runs: the app module and every project
//! module it imports (directly or not), each read and parsed once. A module
//! nothing imports does not run, so it never counts; comments and strings
//! never count either (the parser sees them for what they are).

use crate::project::Project;
use crate::python::analysis::{Call, Import, Module};
use std::path::{Path, PathBuf};

/// A parsed module of the backend.
pub struct PyModule {
    pub path: PathBuf,
    /// Path as shown, relative to the project.
    pub display: String,
    pub module: Module,
    pub is_app: bool,
}

/// A module that runs but could not be read as Python.
pub struct Broken {
    pub display: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub why: String,
    /// Readable but not valid Python (or not UTF-8): the backend would fail
    /// to import it. Otherwise the file could not be read here at all.
    pub syntax: bool,
}

pub struct Code {
    pub mods: Vec<PyModule>,
    pub broken: Vec<Broken>,
    app: Option<usize>,
    /// Where absolute imports of the project's own modules resolve.
    roots: Vec<PathBuf>,
    /// With CRUDDUR_OBS_DEBUG_CACHE set: modules read and stored.
    report: Option<(usize, usize)>,
    /// The code is shared by every compose project of a run; its report is
    /// printed by the first to finish only.
    reported: std::sync::atomic::AtomicBool,
    /// Which candidate paths of imports are files, from directory listings
    /// read once (`project_module` asks again after loading).
    probed: Probed,
}

fn report() -> bool {
    std::env::var_os("CRUDDUR_OBS_DEBUG_CACHE").is_some_and(|v| !v.is_empty())
}

impl Code {
    /// With CRUDDUR_OBS_DEBUG_CACHE set, what the analysis cache did in this
    /// run, for the end of the run (modules parsed by any check count).
    /// Given once per run.
    pub fn cache_report(&self) -> Option<String> {
        let (modules, stored) = self.report?;
        if self
            .reported
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let parsed = self.mods.iter().filter(|m| m.module.parsed()).count();
        Some(format!(
            "cache: {modules} modules, {parsed} parsed in this run, {stored} stored"
        ))
    }
}

#[path = "code_probe.rs"]
mod probe;
use probe::Probed;

#[path = "code_read.rs"]
mod read;
use read::read_tree;

impl Code {
    pub fn load(project: &Project) -> Code {
        let mut code = Code {
            mods: Vec::new(),
            broken: Vec::new(),
            app: None,
            roots: Vec::new(),
            probed: Probed::default(),
            report: None,
            reported: Default::default(),
        };
        let Some(app) = &project.backend.app else {
            return code;
        };
        let mut roots: Vec<PathBuf> = Vec::new();
        for root in [
            project.backend.context.clone(),
            app.path.parent().map(Path::to_path_buf),
        ]
        .into_iter()
        .flatten()
        {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        let probed = Probed::default();
        let cache = super::cache::Cache::open();
        for (path, read) in read_tree(
            &app.path,
            app.text.as_deref(),
            cache.as_ref(),
            |module, path| {
                module
                    .imports()
                    .iter()
                    .filter_map(|i| resolve(i, path, &roots, &probed))
                    .collect()
            },
        ) {
            let display = project.display(&path);
            let module = match read {
                Ok(m) => m,
                Err(mut b) => {
                    b.display = display;
                    code.broken.push(b);
                    continue;
                }
            };
            let is_app = path == app.path;
            if is_app {
                code.app = Some(code.mods.len());
            }
            code.mods.push(PyModule {
                path,
                display,
                module,
                is_app,
            });
        }
        code.roots = roots;
        code.probed = probed;
        if let Some(cache) = &cache {
            // Modules parsed in this run; the others came from the cache.
            let stored = code
                .mods
                .iter()
                .filter(|m| m.module.parsed())
                .filter(|m| cache.put(&m.module))
                .count();
            code.report = report().then_some((code.mods.len(), stored));
        }
        code
    }

    /// The module that creates the Flask app.
    pub fn app(&self) -> Option<&PyModule> {
        self.app.map(|i| &self.mods[i])
    }

    /// The project module a `from <module> import …` in `from` names (the
    /// module itself, not a submodule named after `import`), if it is one
    /// of the project's own and it runs.
    pub fn project_module(&self, from: &Path, module: &str) -> Option<&PyModule> {
        let probe = Import {
            module: module.to_string(),
            name: None,
            alias: None,
            line: 0,
            module_level: true,
        };
        let path = resolve(&probe, from, &self.roots, &self.probed)?;
        // Both paths come from `resolve`: their bytes match when they are
        // the same (Path's == compares component by component).
        self.mods
            .iter()
            .find(|m| m.path.as_os_str() == path.as_os_str())
            .or_else(|| self.mods.iter().find(|m| m.path == path))
    }

    /// Why conclusions drawn from the absence of something cannot be trusted:
    /// a module that runs could not be read.
    pub fn unreadable(&self) -> Option<String> {
        let b = self.broken.first()?;
        Some(format!("{} {}", b.display, b.why))
    }

    /// Every call whose function is `name` or `<anything>.name`.
    pub fn calls<'s>(&'s self, name: &'s str) -> impl Iterator<Item = (&'s PyModule, &'s Call)> {
        self.mods.iter().flat_map(move |m| {
            // `from x import name as alias`: calls of `alias` count too.
            let aliases: Vec<&str> = m
                .module
                .imports()
                .iter()
                .filter(|i| i.name.as_deref() == Some(name))
                .filter_map(|i| i.alias.as_deref())
                .collect();
            m.module
                .calls()
                .iter()
                .filter(move |c| {
                    let callee = last(&c.callee);
                    callee == name || aliases.contains(&callee)
                })
                .map(move |c| (m, c))
        })
    }

    pub fn first_call<'s>(&'s self, name: &'s str) -> Option<(&'s PyModule, &'s Call)> {
        self.calls(name).next()
    }

    /// `<obj>.method(...)` where `<obj>` is built from `class`: `X().m()`,
    /// `X.m()`, or a variable assigned `X()`.
    pub fn method_calls<'s>(
        &'s self,
        class: &'s str,
        method: &'s str,
    ) -> impl Iterator<Item = (&'s PyModule, &'s Call)> {
        self.mods.iter().flat_map(move |m| {
            let classes = m.names_for(class);
            let instances: Vec<String> = m
                .module
                .top_level_assignments()
                .into_iter()
                .filter(|a| {
                    a.callee
                        .as_deref()
                        .is_some_and(|c| classes.iter().any(|n| n == last(c)))
                })
                .map(|a| a.target)
                .collect();
            m.module
                .calls()
                .iter()
                .filter(move |c| {
                    let Some(receiver) = receiver(&c.callee) else {
                        return false;
                    };
                    let object = receiver.split('(').next().unwrap_or(receiver);
                    last(&c.callee) == method
                        && (classes.iter().any(|n| n == last(object))
                            || instances.iter().any(|i| i == receiver))
                })
                .map(move |c| (m, c))
        })
    }

    /// Imports of `module` or its submodules.
    pub fn imports_of<'s>(
        &'s self,
        module: &'s str,
    ) -> impl Iterator<Item = (&'s PyModule, &'s Import)> {
        self.mods.iter().flat_map(move |m| {
            m.module
                .imports()
                .iter()
                .filter(move |i| within(&i.module, module))
                .map(move |i| (m, i))
        })
    }
}

/// `module` is `root` or one of its submodules.
pub fn within(module: &str, root: &str) -> bool {
    module == root
        || module
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The project file an import loads, if it is one of the project's own
/// modules: `a.b` → `a/b.py` or `a/b/__init__.py` under a root, `from a
/// import b` → also `a/b.py`, relative imports from the importing file.
fn resolve(import: &Import, from: &Path, roots: &[PathBuf], probed: &Probed) -> Option<PathBuf> {
    let dots = import.module.bytes().take_while(|&c| c == b'.').count();
    let rest = &import.module[dots..];
    let relative_base;
    let bases: &[PathBuf] = if dots > 0 {
        relative_base = [from.ancestors().nth(dots)?.to_path_buf()];
        &relative_base
    } else {
        roots
    };
    let mut parts = rest.split('.').filter(|p| !p.is_empty()).peekable();
    // Every candidate below lies under `base/<first>` or is
    // `base/<first>.py`: most imports name a library, and one look at the
    // base's listing rules them out without building the candidates.
    let first = parts
        .peek()
        .copied()
        .or(import.name.as_deref().filter(|n| *n != "*"));
    let has_parts = parts.peek().is_some();
    for base in bases {
        if first.is_some_and(|f| probed.lacks_module(base, f)) {
            continue;
        }
        let mut dir = base.clone();
        for p in parts.clone() {
            dir.push(p);
        }
        if let Some(name) = import.name.as_deref().filter(|n| *n != "*") {
            let sub = dir.join(name);
            if let Some(found) = module_file(&sub, probed) {
                return Some(found);
            }
        }
        if has_parts {
            if let Some(found) = module_file(&dir, probed) {
                return Some(found);
            }
        }
    }
    None
}

fn module_file(stem: &Path, probed: &Probed) -> Option<PathBuf> {
    probed
        .is_file(stem.with_extension("py"))
        .or_else(|| probed.is_file(stem.join("__init__.py")))
}

impl PyModule {
    /// Local names bound to `name` by `from … import name [as alias]`, and
    /// the name itself.
    pub fn names_for(&self, name: &str) -> Vec<String> {
        let mut out = vec![name.to_string()];
        out.extend(
            self.module
                .imports()
                .iter()
                .filter(|i| i.name.as_deref() == Some(name))
                .filter_map(|i| i.alias.clone()),
        );
        out
    }

    /// Names through which `module` is reachable: `import module [as alias]`,
    /// and `import module.sub`, which binds `module`.
    pub fn module_names(&self, module: &str) -> Vec<&str> {
        let sub = format!("{module}.");
        self.module
            .imports()
            .iter()
            .filter(|i| i.name.is_none())
            .filter(|i| i.module == module || (i.alias.is_none() && i.module.starts_with(&sub)))
            .filter_map(|i| i.bound_name())
            .collect()
    }

    pub fn line(&self, line: usize) -> &str {
        self.module
            .source()
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default()
    }

    /// Names of the functions decorated with `@<anything>.decorator`. The
    /// parser reports the decorator, not what it decorates, so the name is
    /// read from the first `def` line after it.
    pub fn decorated(&self, decorator: &str) -> Vec<String> {
        let source = self.module.source();
        self.module
            .decorators()
            .iter()
            .filter(|d| last(&d.name) == decorator)
            .filter_map(|d| {
                source.lines().skip(d.line).find_map(|l| {
                    let t = l.trim_start();
                    let def = t.strip_prefix("async ").unwrap_or(t).strip_prefix("def ")?;
                    let name: String = def
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    Some(name)
                })
            })
            .collect()
    }
}

/// The last dotted component of a callee: `FlaskInstrumentor().instrument_app`
/// → `instrument_app`.
pub fn last(callee: &str) -> &str {
    // A byte scan: callees are short, and checks ask this of every call.
    match callee.bytes().rposition(|b| b == b'.') {
        Some(dot) => &callee[dot + 1..],
        None => callee,
    }
}

fn receiver(callee: &str) -> Option<&str> {
    let dot = callee.bytes().rposition(|b| b == b'.')?;
    Some(&callee[..dot])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(module: &str, name: Option<&str>) -> Import {
        Import {
            module: module.into(),
            name: name.map(str::to_string),
            alias: None,
            line: 1,
            module_level: true,
        }
    }

    #[test]
    fn project_imports_resolve_to_files_library_ones_do_not() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        for f in [
            "services/home.py",
            "services/__init__.py",
            "lib/tracing/__init__.py",
            "lib/util.py",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let app = root.join("app.py");
        let roots = vec![root.clone()];
        let r = |m, n| resolve(&import(m, n), &app, &roots, &Probed::default());
        assert_eq!(
            r("services.home", Some("HomeActivities")),
            Some(root.join("services/home.py"))
        );
        assert_eq!(
            r("services", Some("home")),
            Some(root.join("services/home.py"))
        );
        assert_eq!(
            r("lib.tracing", None),
            Some(root.join("lib/tracing/__init__.py"))
        );
        assert_eq!(r("flask", Some("Flask")), None);
        assert_eq!(r("opentelemetry.trace", None), None);
        let from = root.join("lib/tracing/__init__.py");
        assert_eq!(
            resolve(
                &import("..util", Some("x")),
                &from,
                &roots,
                &Probed::default()
            ),
            Some(root.join("lib/util.py"))
        );
        assert_eq!(
            resolve(
                &import(".", Some("util")),
                &root.join("lib/util.py"),
                &roots,
                &Probed::default()
            ),
            Some(root.join("lib/util.py"))
        );
    }

    #[test]
    fn within_is_by_dotted_component() {
        assert!(within("opentelemetry.sdk", "opentelemetry"));
        assert!(within("rollbar", "rollbar"));
        assert!(!within("rollbarx", "rollbar"));
    }
}
