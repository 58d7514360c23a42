//! Names a module takes from somewhere that does not have them:
//! `from <library module> import X` / `<library module>.X` where the
//! library version the requirements select has no X (ImportError,
//! AttributeError), `from <project module> import X` where that module
//! binds no X, and (through scope.rs) names bound nowhere (NameError).
//!
//! Pure functions over a parsed module: the caller supplies the declared
//! requirements and, for project modules, their bindings.

use super::analysis::Module;
use super::libnames::{
    self, check_module, check_name, module_present, module_state, ModuleState, NameCheck,
    VersionSel,
};
use super::requirements::normalize_name;
use super::scope::ModuleNames;

pub use super::scope::{undefined_names, Undefined};

/// The backend's declared requirements: (name, specifier) pairs.
pub struct Requirements {
    declared: Vec<(String, String)>,
    /// Each package's selection, made once: every import and attribute use
    /// of a module asks for its package's.
    selected: std::sync::Mutex<Vec<(String, VersionSel)>>,
}

impl Requirements {
    pub fn new<N: AsRef<str>, S: AsRef<str>>(declared: impl IntoIterator<Item = (N, S)>) -> Self {
        Requirements {
            declared: declared
                .into_iter()
                .map(|(n, s)| (normalize_name(n.as_ref()), s.as_ref().to_owned()))
                .collect(),
            selected: std::sync::Mutex::default(),
        }
    }

    pub fn select(&self, package: &str) -> VersionSel {
        let mut selected = self.selected.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, sel)) = selected.iter().find(|(p, _)| p == package) {
            return sel.clone();
        }
        let sel = libnames::select_for(package, &self.declared);
        selected.push((package.to_owned(), sel.clone()));
        sel
    }

    /// A declared distribution outside the table named like an add-on of
    /// `package` (`opentelemetry-sdk-extension-aws` for `opentelemetry-sdk`)
    /// may install submodules into its package directory.
    fn may_extend(&self, package: &str) -> bool {
        let prefix = format!("{package}-");
        self.declared
            .iter()
            .any(|(n, _)| n.starts_with(&prefix) && libnames::table().package(n).is_none())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `from module import name`: ImportError.
    Import,
    /// `module.name`: AttributeError.
    Attribute,
    /// A module path component (`import a.b.c`, `from a.b import c`): ModuleNotFoundError.
    Module,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingName {
    pub name: String,
    /// The module that lacks it.
    pub module: String,
    pub package: String,
    pub version: String,
    /// The pin names a release the table does not record; judged by the
    /// recorded patch of its minor (or the release train of a pinned sibling).
    pub approximate: bool,
    /// The version follows this pinned OpenTelemetry package's release train.
    pub train: Option<String>,
    pub line: usize,
    pub column: usize,
    pub suggestion: Option<String>,
    pub versions_with_it: Vec<String>,
    pub access: Access,
}

/// `from <module> import NAME` of a project module that does not bind NAME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingProjectName {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

#[path = "names_facts.rs"]
pub(crate) mod facts;

use facts::Facts;

/// Library names used in `module` that the selected versions lack.
/// Runs the whole-tree reading of the module now (on a parse thread), so
/// the checks only look it up.
pub fn warm(module: &Module) {
    Facts::of(module);
}

pub fn missing_library_names(module: &Module, reqs: &Requirements) -> Vec<MissingName> {
    let facts = Facts::of(module);
    let mut out = Vec::new();
    let mut report = |name: &str, in_module: &str, at: (usize, usize), access| {
        let Some(package) = libnames::package_of_module(in_module) else {
            return;
        };
        let sel = reqs.select(package);
        let Some(version) = sel.version() else { return };
        let check = match access {
            Access::Module => check_module(&format!("{in_module}.{name}"), &sel),
            _ => check_name(in_module, name, &sel),
        };
        let check = match (check, access) {
            // A path component that is no module of the package at all.
            (NameCheck::UnknownModule, Access::Module) => check_name(in_module, name, &sel),
            (check, _) => check,
        };
        let NameCheck::Missing {
            suggestion,
            versions_with_it,
        } = check
        else {
            return;
        };
        // Maybe a submodule installed by an add-on distribution.
        let module_like = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if module_like && access != Access::Attribute && reqs.may_extend(package) {
            return;
        }
        out.push(MissingName {
            name: name.to_owned(),
            module: in_module.to_owned(),
            package: package.to_owned(),
            version: version.to_owned(),
            approximate: sel.approximate,
            train: sel.train.clone(),
            line: at.0,
            column: at.1,
            suggestion,
            versions_with_it,
            access,
        });
    };
    for imp in facts.from_imports.iter().filter(|i| !i.guarded) {
        if imp.module.starts_with('.') {
            continue;
        }
        if let Some((parent, part)) = missing_part(&imp.module, reqs) {
            report(&part, &parent, imp.at, Access::Module);
            continue;
        }
        if let ModuleState::Module(_) = module_state(&imp.module) {
            for n in imp.names.iter().filter(|n| n.name != "*") {
                report(&n.name, &imp.module, (n.line, n.column), Access::Import);
            }
        }
    }
    for imp in facts.imports.iter().filter(|i| !i.guarded) {
        if let Some((parent, part)) = missing_part(&imp.path.name, reqs) {
            report(
                &part,
                &parent,
                (imp.path.line, imp.path.column),
                Access::Module,
            );
        }
    }
    for use_ in &facts.attributes {
        report(
            &use_.name,
            &use_.module,
            (use_.line, use_.column),
            Access::Attribute,
        );
    }
    out.sort_by_key(|m| (m.line, m.column));
    out.dedup();
    out
}

/// The first component of a dotted module path that the selected version
/// of its package lacks: (parent module, component). Namespace packages
/// and modules outside the table are never judged.
fn missing_part(path: &str, reqs: &Requirements) -> Option<(String, String)> {
    let parts: Vec<&str> = path.split('.').collect();
    for i in 1..parts.len() {
        let (parent, child) = (parts[..i].join("."), parts[..=i].join("."));
        let ModuleState::Module(package) = module_state(&parent) else {
            continue;
        };
        let sel = reqs.select(package);
        sel.version()?;
        if !module_present(&parent, &sel) {
            let (grand, last) = parent.rsplit_once('.')?;
            return Some((grand.to_owned(), last.to_owned()));
        }
        match module_state(&child) {
            ModuleState::Module(p) if p == package && !module_present(&child, &sel) => {
                return Some((parent, parts[i].to_owned()))
            }
            ModuleState::Unknown => return Some((parent, parts[i].to_owned())),
            _ => {}
        }
    }
    let full = path;
    if let ModuleState::Module(package) = module_state(full) {
        let sel = reqs.select(package);
        if sel.version().is_some() && !module_present(full, &sel) {
            let (parent, last) = full.rsplit_once('.')?;
            return Some((parent.to_owned(), last.to_owned()));
        }
    }
    None
}

/// `from <target_module> import X` in `module` where the project module
/// (whose bindings are `target`) cannot define X. `is_submodule` tells
/// whether X is a module file of that package.
pub fn missing_project_names(
    module: &Module,
    target_module: &str,
    target: &ModuleNames,
    is_submodule: &dyn Fn(&str) -> bool,
) -> Vec<MissingProjectName> {
    Facts::of(module)
        .from_imports
        .iter()
        .filter(|&i| i.module == target_module && !i.guarded)
        .cloned()
        .flat_map(|i| i.names)
        .filter(|n| n.name != "*" && !target.may_define(&n.name) && !is_submodule(&n.name))
        .map(|n| MissingProjectName {
            name: n.name,
            line: n.line,
            column: n.column,
        })
        .collect()
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
