//! Names a module takes from somewhere that does not have them:
//! `from <library module> import X` / `<library module>.X` where the
//! library version the requirements select has no X (ImportError,
//! AttributeError), `from <project module> import X` where that module
//! binds no X, and (through scope.rs) names bound nowhere (NameError).
//!
//! Pure functions over a parsed module: the caller supplies the declared
//! requirements and, for project modules, their bindings.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::analysis::Module;
use super::libnames::{
    self, check_module, check_name, module_present, module_state, ModuleState, NameCheck,
    VersionSel,
};
use super::requirements::normalize_name;
use super::scope::{self, ModuleNames};

pub use super::scope::{undefined_names, Undefined};

/// The backend's declared requirements: (name, specifier) pairs.
pub struct Requirements {
    declared: Vec<(String, String)>,
}

impl Requirements {
    pub fn new<N: AsRef<str>, S: AsRef<str>>(declared: impl IntoIterator<Item = (N, S)>) -> Self {
        Requirements {
            declared: declared
                .into_iter()
                .map(|(n, s)| (normalize_name(n.as_ref()), s.as_ref().to_owned()))
                .collect(),
        }
    }

    pub fn select(&self, package: &str) -> VersionSel {
        libnames::select_for(package, &self.declared)
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

/// One imported name with its position.
struct Imported {
    name: String,
    alias: Option<String>,
    line: usize,
    column: usize,
}

struct FromImport {
    module: String,
    /// Where the module path starts.
    at: (usize, usize),
    names: Vec<Imported>,
    guarded: bool,
}

struct PlainImport {
    path: Imported,
    guarded: bool,
}

/// Library names used in `module` that the selected versions lack.
pub fn missing_library_names(module: &Module, reqs: &Requirements) -> Vec<MissingName> {
    let facts = Facts::read(module);
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
    Facts::read(module)
        .from_imports
        .into_iter()
        .filter(|i| i.module == target_module && !i.guarded)
        .flat_map(|i| i.names)
        .filter(|n| n.name != "*" && !target.may_define(&n.name) && !is_submodule(&n.name))
        .map(|n| MissingProjectName {
            name: n.name,
            line: n.line,
            column: n.column,
        })
        .collect()
}

/// `module.attr` where `module` is a library module name bound by imports.
struct AttributeUse {
    module: String,
    name: String,
    line: usize,
    column: usize,
}

#[derive(Default)]
struct Facts {
    from_imports: Vec<FromImport>,
    imports: Vec<PlainImport>,
    attributes: Vec<AttributeUse>,
}

const IMPORT_ERRORS: &[&str] = &[
    "ImportError",
    "ModuleNotFoundError",
    "Exception",
    "BaseException",
];
const ATTRIBUTE_ERRORS: &[&str] = &["AttributeError", "Exception", "BaseException"];

impl Facts {
    fn read(module: &Module) -> Facts {
        let src = module.source();
        let mut facts = Facts::default();
        // Byte ranges whose import/attribute failures are expected: try
        // bodies that catch them, `if TYPE_CHECKING:` blocks.
        let mut import_guards: Vec<Range<usize>> = Vec::new();
        let mut attribute_guards: Vec<Range<usize>> = Vec::new();
        let mut stores: HashSet<usize> = HashSet::new();
        let mut chains: Vec<Node> = Vec::new();
        walk(module.root(), |node| {
            let inside = |g: &[Range<usize>]| g.iter().any(|r| r.contains(&node.start_byte()));
            match node.kind() {
                "try_statement" => {
                    let caught = caught(node, src);
                    if let Some(body) = node.child_by_field_name("body") {
                        if caught
                            .iter()
                            .any(|c| c.is_empty() || IMPORT_ERRORS.contains(&c.as_str()))
                        {
                            import_guards.push(body.byte_range());
                        }
                        if caught
                            .iter()
                            .any(|c| c.is_empty() || ATTRIBUTE_ERRORS.contains(&c.as_str()))
                        {
                            attribute_guards.push(body.byte_range());
                        }
                    }
                }
                "if_statement" => {
                    let cond = node
                        .child_by_field_name("condition")
                        .map(|c| &src[c.byte_range()]);
                    if cond.is_some_and(|c| {
                        c == "TYPE_CHECKING"
                            || c.ends_with(".TYPE_CHECKING")
                            || c.starts_with("hasattr(")
                    }) {
                        if let Some(body) = node.child_by_field_name("consequence") {
                            import_guards.push(body.byte_range());
                            attribute_guards.push(body.byte_range());
                        }
                    }
                }
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                    if let Some(left) = node.child_by_field_name("left") {
                        stores.insert(left.id());
                        let mut c = left.walk();
                        stores.extend(left.named_children(&mut c).map(|n| n.id()));
                    }
                }
                "delete_statement" => {
                    let mut c = node.walk();
                    stores.extend(node.named_children(&mut c).map(|n| n.id()));
                }
                "import_from_statement" => {
                    let Some(m) = node.child_by_field_name("module_name") else {
                        return true;
                    };
                    facts.from_imports.push(FromImport {
                        module: compact(&src[m.byte_range()]),
                        at: position(m, src),
                        names: imported(node, src),
                        guarded: inside(&import_guards),
                    });
                    if named_kinds(node).contains(&"wildcard_import") {
                        let last = facts.from_imports.last_mut().expect("just pushed");
                        last.names.push(Imported {
                            name: "*".into(),
                            alias: None,
                            line: 0,
                            column: 0,
                        });
                    }
                    return false;
                }
                "import_statement" => {
                    for path in imported(node, src) {
                        facts.imports.push(PlainImport {
                            path,
                            guarded: inside(&import_guards),
                        });
                    }
                    return false;
                }
                "attribute" => {
                    // Only chains of names (`a.b.c`) can be module attributes;
                    // others (`f().x`) may hold such chains further down.
                    let mut root = node;
                    while root.kind() == "attribute" {
                        match root.child_by_field_name("object") {
                            Some(o) => root = o,
                            None => break,
                        }
                    }
                    if root.kind() != "identifier" {
                        return true;
                    }
                    if !stores.contains(&node.id()) && !inside(&attribute_guards) {
                        chains.push(node);
                    }
                    return false;
                }
                _ => {}
            }
            true
        });
        facts.attributes = facts.attribute_uses(module, &chains);
        facts
    }

    /// Resolves `alias.a.b` chains through the names imports bind to
    /// library modules. A name bound in any other way anywhere in the
    /// module (a parameter, an assignment) is left alone.
    fn attribute_uses(&self, module: &Module, chains: &[Node]) -> Vec<AttributeUse> {
        let src = module.source();
        let mut aliases: HashMap<String, (String, usize)> = HashMap::new();
        let mut conflicting: HashSet<String> = HashSet::new();
        let mut imported_paths: HashSet<String> = HashSet::new();
        let mut bind = |name: &str, path: String| {
            let e = aliases.entry(name.to_owned()).or_insert((path.clone(), 0));
            if e.0 != path {
                conflicting.insert(name.to_owned());
            }
            e.1 += 1;
        };
        for imp in &self.imports {
            let p = &imp.path;
            imported_paths.insert(p.name.clone());
            match &p.alias {
                Some(alias) => bind(alias, p.name.clone()),
                None => bind(
                    p.name.split('.').next().unwrap_or_default(),
                    p.name.split('.').next().unwrap_or_default().to_owned(),
                ),
            }
        }
        for imp in &self.from_imports {
            for n in &imp.names {
                let path = format!("{}.{}", imp.module, n.name);
                let local = n.alias.clone().unwrap_or_else(|| n.name.clone());
                if n.name != "*" && module_state(&path) != ModuleState::Unknown {
                    bind(&local, path);
                } else {
                    // Bound, but not to a module we know.
                    bind(&local, String::new());
                }
            }
        }
        let counts = scope::binding_counts(module);
        let mut out = Vec::new();
        for chain in chains {
            let mut parts = Vec::new();
            let mut node = *chain;
            while node.kind() == "attribute" {
                let (Some(obj), Some(attr)) = (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("attribute"),
                ) else {
                    break;
                };
                parts.push((attr, &src[attr.byte_range()]));
                node = obj;
            }
            if node.kind() != "identifier" {
                continue;
            }
            let root = &src[node.byte_range()];
            let Some((path, imports)) = aliases.get(root) else {
                continue;
            };
            if path.is_empty() || conflicting.contains(root) || counts.get(root) != Some(imports) {
                continue;
            }
            parts.reverse();
            let mut current = path.clone();
            for (attr_node, attr) in parts {
                let next = format!("{current}.{attr}");
                if module_state(&next) != ModuleState::Unknown || imported_paths.contains(&next) {
                    current = next;
                    continue;
                }
                if let ModuleState::Module(_) = module_state(&current) {
                    let (line, column) = position(attr_node, src);
                    out.push(AttributeUse {
                        module: current.clone(),
                        name: attr.to_owned(),
                        line,
                        column,
                    });
                }
                break;
            }
        }
        out
    }
}

/// The exception names an except clause catches ("" for a bare `except:`).
fn caught(try_node: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut c = try_node.walk();
    for clause in try_node
        .named_children(&mut c)
        .filter(|n| n.kind() == "except_clause")
    {
        match clause.child_by_field_name("value") {
            None => out.push(String::new()),
            Some(v) => out.extend(
                src[v.byte_range()]
                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
                    .filter(|s| !s.is_empty())
                    .map(|s| s.rsplit('.').next().unwrap_or(s).to_owned()),
            ),
        }
    }
    out
}

fn named_kinds(node: Node) -> Vec<&'static str> {
    let mut c = node.walk();
    node.named_children(&mut c).map(|n| n.kind()).collect()
}

/// The names an import statement lists, with positions.
fn imported(node: Node, src: &str) -> Vec<Imported> {
    let mut out = Vec::new();
    let mut c = node.walk();
    for n in node.children_by_field_name("name", &mut c) {
        let (name, alias) = match n.kind() {
            "aliased_import" => (
                n.child_by_field_name("name").unwrap_or(n),
                n.child_by_field_name("alias")
                    .map(|a| compact(&src[a.byte_range()])),
            ),
            _ => (n, None),
        };
        let (line, column) = position(name, src);
        out.push(Imported {
            name: compact(&src[name.byte_range()]),
            alias,
            line,
            column,
        });
    }
    out
}

/// 1-based line and character column where `node` starts.
fn position(node: Node, src: &str) -> (usize, usize) {
    let pos = node.start_position();
    let line_start = node.start_byte() - pos.column;
    (
        pos.row + 1,
        src[line_start..node.start_byte()].chars().count() + 1,
    )
}

/// Dotted names without the whitespace or line continuations inside them.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

/// Pre-order walk with one cursor; `visit` returns whether to descend.
fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
