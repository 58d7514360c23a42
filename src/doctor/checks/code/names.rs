//! Names that do not exist: `python-name-undefined` (bound nowhere: a
//! NameError) and `library-name-missing` (not in the library version the
//! requirements select: ImportError/AttributeError). The analyses live in
//! python::scope, python::names and python::libnames; this only words them.

use crate::doctor::{Ctx, Finding, PyModule};
use crate::python::libnames;
use crate::python::names::{self, Access, MissingName, Requirements};
use crate::python::requirements::normalize_name;

fn line_of(m: &PyModule, line: usize) -> &str {
    m.module
        .source()
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
        .trim()
}

/// The finding at its use, the line quoted first in the evidence (before
/// what the finding already says about the name).
fn place(m: &PyModule, finding: Finding, line: usize, column: usize) -> Finding {
    let quoted = format!("{}:{line}: {}", m.display, line_of(m, line));
    let evidence = match &finding.evidence {
        Some(more) => format!("{quoted}; {more}"),
        None => quoted,
    };
    finding
        .at(m.display.clone(), Some(line))
        .column(Some(column))
        .evidence(evidence)
}

fn requirements(ctx: &Ctx) -> (Requirements, Vec<String>) {
    let declared = &ctx.declared;
    let names = declared.iter().map(|d| d.req.normalized.clone()).collect();
    let reqs = Requirements::new(
        declared
            .iter()
            .map(|d| (d.req.name.as_str(), d.req.specifier.as_str())),
    );
    (reqs, names)
}

/// One finding per undefined name and module, at its first use; and names
/// imported from the project's own modules that those do not define.
pub fn undefined(ctx: &Ctx) -> Vec<Finding> {
    let (_, declared) = requirements(ctx);
    let mut out = project_names(ctx);
    let code = ctx.code();
    for m in &code.mods {
        // `from services.home import *` of a project module: its names are known.
        let star = |target: &str| {
            code.project_module(&m.path, target)
                .map(|t| crate::python::scope::module_bindings(&t.module).clone())
        };
        let uses = crate::python::scope::undefined_names_resolving(&m.module, &star);
        let mut seen: Vec<&str> = Vec::new();
        for u in &uses {
            if seen.contains(&u.name.as_str()) {
                continue;
            }
            seen.push(&u.name);
            let count = uses.iter().filter(|v| v.name == u.name).count();
            let when = match &u.in_function {
                Some(f) => format!("calling `{f}()` raises NameError"),
                None => "importing the module raises NameError".to_string(),
            };
            let more = match count {
                1 => String::new(),
                n => format!(" (used {n} times)"),
            };
            let title = format!("`{}` is not defined: {when}{more}", u.name);
            let mut f = Finding::new("python-name-undefined", title);
            if let Some((import, module, package)) = import_hint(&u.name, &declared) {
                f = f
                    .evidence(format!("{module} (package {package}) defines it"))
                    .fill("value", import);
            }
            out.push(place(m, f, u.line, u.column));
        }
    }
    out
}

/// The import that defines the name when a library module does (preferring
/// the packages the requirements declare): (import, module, package).
fn import_hint(name: &str, declared: &[String]) -> Option<(String, String, String)> {
    // The name of a library's top-level module is that module.
    if let Some(package) = libnames::package_of_module(name).filter(|_| !name.contains('.')) {
        return Some((
            format!("import {name}"),
            name.to_string(),
            package.to_string(),
        ));
    }
    let modules = libnames::modules_defining(name);
    let best = modules
        .iter()
        .find(|(_, p)| declared.contains(&normalize_name(p)))
        .or(modules.first())?;
    let (module, package) = best;
    Some((
        format!("from {module} import {name}"),
        module.to_string(),
        package.to_string(),
    ))
}

/// `from services.home import HomeActivity` where services/home.py binds
/// no such name: the import raises ImportError.
fn project_names(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let mut out = Vec::new();
    for m in &code.mods {
        let mut targets: Vec<&str> = m
            .module
            .imports()
            .iter()
            .filter(|i| i.name.is_some())
            .map(|i| i.module.as_str())
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for target in targets {
            let Some(t) = code.project_module(&m.path, target) else {
                continue;
            };
            let bindings = crate::python::scope::module_bindings(&t.module);
            let package_dir = (t.path.file_name().is_some_and(|n| n == "__init__.py"))
                .then(|| t.path.parent().map(std::path::Path::to_path_buf))
                .flatten();
            let is_submodule = |name: &str| {
                package_dir.as_ref().is_some_and(|d| {
                    d.join(format!("{name}.py")).is_file()
                        || d.join(name).join("__init__.py").is_file()
                })
            };
            for miss in names::missing_project_names(&m.module, target, bindings, &is_submodule) {
                let title = format!(
                    "`{}` is not defined in {}: `from {target} import {}` raises ImportError",
                    miss.name, t.display, miss.name
                );
                out.push(place(
                    m,
                    Finding::new("python-name-undefined", title),
                    miss.line,
                    miss.column,
                ));
            }
        }
    }
    out
}

/// One finding per missing name and module, at its first use.
pub fn library(ctx: &Ctx) -> Vec<Finding> {
    let (reqs, _) = requirements(ctx);
    let mut out = Vec::new();
    for m in &ctx.code().mods {
        let misses = names::missing_library_names(&m.module, &reqs);
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for miss in &misses {
            let key = (miss.module.as_str(), miss.name.as_str());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let uses = misses
                .iter()
                .filter(|o| o.module == miss.module && o.name == miss.name)
                .count();
            let mut f = word(miss);
            if uses > 1 {
                f.title = format!("{} (used {uses} times)", f.title);
            }
            out.push(place(m, f, miss.line, miss.column));
        }
    }
    out
}

fn word(miss: &MissingName) -> Finding {
    let release = format!("{} {}", miss.package, miss.version);
    let title = match miss.access {
        Access::Import => format!(
            "`{}` does not exist in `{}` ({release}): ImportError",
            miss.name, miss.module
        ),
        Access::Attribute => format!(
            "`{}.{}` does not exist ({release}): AttributeError",
            miss.module, miss.name
        ),
        Access::Module => format!(
            "no module `{}.{}` in {release}: ModuleNotFoundError",
            miss.module, miss.name
        ),
    };
    // What the releases say goes into the evidence; the fix text names the
    // closest name and the package to pin.
    let mut notes = Vec::new();
    match miss.versions_with_it.as_slice() {
        [] => notes.push(format!("no checked release of {} has it", miss.package)),
        [only] => notes.push(format!("only {} {only} has it", miss.package)),
        [first, .., last] => notes.push(format!(
            "{} has it in {first} to {last} (of the releases checked)",
            miss.package
        )),
    }
    if let Some(train) = &miss.train {
        notes.push(format!(
            "{} is not pinned, so pip installs the release that matches the {train} pin: {}",
            miss.package, miss.version
        ));
    } else if miss.approximate {
        notes.push(format!(
            "judged by {release}, the checked release of the minor version the requirements pin"
        ));
    }
    let mut f = Finding::new("library-name-missing", title)
        .evidence(notes.join("; "))
        .fill("package", miss.package.clone());
    if let Some(s) = &miss.suggestion {
        f = f.fill("value", s.clone());
    }
    f
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
