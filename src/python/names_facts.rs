//! What names.rs reads from a module's tree in one cursor walk: the
//! imports (with positions, and whether a `try`/`if TYPE_CHECKING:` guards
//! them) and the `alias.attr` chains that reach library modules.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::python::ts::NodeExt;
use tree_sitter::Node;

use super::super::analysis::Module;
use super::super::libnames::{module_state, ModuleState};
use super::super::scope;

/// One imported name with its position.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Imported {
    pub(super) name: String,
    pub(super) alias: Option<String>,
    pub(super) line: usize,
    pub(super) column: usize,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct FromImport {
    pub(super) module: String,
    /// Where the module path starts.
    pub(super) at: (usize, usize),
    pub(super) names: Vec<Imported>,
    pub(super) guarded: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct PlainImport {
    pub(super) path: Imported,
    pub(super) guarded: bool,
}

/// `module.attr` where `module` is a library module name bound by imports.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct AttributeUse {
    pub(super) module: String,
    pub(super) name: String,
    pub(super) line: usize,
    pub(super) column: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Facts {
    pub(super) from_imports: Vec<FromImport>,
    pub(super) imports: Vec<PlainImport>,
    pub(super) attributes: Vec<AttributeUse>,
}

const IMPORT_ERRORS: &[&str] = &[
    "ImportError",
    "ModuleNotFoundError",
    "Exception",
    "BaseException",
];
const ATTRIBUTE_ERRORS: &[&str] = &["AttributeError", "Exception", "BaseException"];

impl Facts {
    /// The module's facts, read once per module.
    pub(crate) fn of(module: &Module) -> &Facts {
        module.memo.names.get_or_init(|| Facts::read(module))
    }

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
            match node.kind_of() {
                "try_statement" => {
                    let caught = caught(node, src);
                    if let Some(body) = node.field("body") {
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
                    let cond = node.field("condition").map(|c| &src[c.byte_range()]);
                    if cond.is_some_and(|c| {
                        c == "TYPE_CHECKING"
                            || c.ends_with(".TYPE_CHECKING")
                            || c.starts_with("hasattr(")
                    }) {
                        if let Some(body) = node.field("consequence") {
                            import_guards.push(body.byte_range());
                            attribute_guards.push(body.byte_range());
                        }
                    }
                }
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                    if let Some(left) = node.field("left") {
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
                    let Some(m) = node.field("module_name") else {
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
                    while root.kind_of() == "attribute" {
                        match root.field("object") {
                            Some(o) => root = o,
                            None => break,
                        }
                    }
                    if root.kind_of() != "identifier" {
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
            while node.kind_of() == "attribute" {
                let (Some(obj), Some(attr)) = (node.field("object"), node.field("attribute"))
                else {
                    break;
                };
                parts.push((attr, &src[attr.byte_range()]));
                node = obj;
            }
            if node.kind_of() != "identifier" {
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
        .filter(|n| n.kind_of() == "except_clause")
    {
        match clause.field("value") {
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
    node.named_children(&mut c).map(|n| n.kind_of()).collect()
}

/// The names an import statement lists, with positions.
fn imported(node: Node, src: &str) -> Vec<Imported> {
    let mut out = Vec::new();
    for n in node.fields_named("name") {
        let (name, alias) = match n.kind_of() {
            "aliased_import" => (
                n.field("name").unwrap_or(n),
                n.field("alias").map(|a| compact(&src[a.byte_range()])),
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
