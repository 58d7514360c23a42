//! Facts about one Python module, read from a tree-sitter syntax tree so that
//! comments, strings and docstrings can never be mistaken for code.

use std::fmt;
use std::ops::Range;

use crate::python::ts::NodeExt;
use tree_sitter::{Node, Parser, Tree};

#[path = "analysis_errors.rs"]
mod errors;
#[path = "analysis_saved.rs"]
mod saved;
#[path = "analysis_walk.rs"]
mod walk_facts;

use walk_facts::Facts;

/// A parsed Python module. Holds its own source so that node offsets stay valid.
#[derive(Debug, Clone)]
pub struct Module {
    source: String,
    /// Parsed again on first use when the analyses came from the cache
    /// (see `usage::cache`): what doctor asks is answered without it.
    tree: std::sync::OnceLock<Tree>,
    lines: Vec<usize>,
    /// Imports, calls and decorators, collected in one walk on first use.
    facts: std::sync::OnceLock<Facts>,
    /// What other analyses (scopes, library names) learn from a whole-tree
    /// walk, kept so each kind of walk runs once per module and run.
    pub(crate) memo: Memo,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Memo {
    pub(crate) bindings: std::sync::OnceLock<super::scope::ModuleNames>,
    pub(crate) scope: std::sync::OnceLock<super::scope::Walked>,
    pub(crate) names: std::sync::OnceLock<super::names::facts::Facts>,
    pub(crate) literals: std::sync::OnceLock<Vec<super::literals::Literal>>,
    assignments: std::sync::OnceLock<Vec<Assignment>>,
    statements: std::sync::OnceLock<Vec<Statement>>,
}

/// Where the first syntax error sits. Line and column are 1-based; the column
/// counts characters, as editors do, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: ", self.line, self.column)?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSite {
    pub var: String,
    pub line: usize,
    pub end_line: usize,
    pub end_byte_of_line: usize,
    pub byte_range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Import {
    pub module: String,
    pub name: Option<String>,
    pub alias: Option<String>,
    pub line: usize,
    pub module_level: bool,
}

impl Import {
    /// The name this import binds in its scope: the alias if any, else the
    /// imported name, else (plain `import a.b`) the first package component.
    /// `None` for `from m import *`, whose bindings cannot be known statically.
    pub fn bound_name(&self) -> Option<&str> {
        match (&self.alias, &self.name) {
            (Some(alias), _) => Some(alias),
            (None, Some(name)) if name == "*" => None,
            (None, Some(name)) => Some(name),
            (None, None) => self.module.split('.').next(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Call {
    pub callee: String,
    pub first_arg: Option<String>,
    pub keywords: Vec<String>,
    /// Each keyword argument's value as written.
    pub kwargs: Vec<(String, String)>,
    pub line: usize,
    pub column: usize,
    pub module_level: bool,
    pub function: Option<String>,
    /// Inside a `try:` body or under an `if`: it may not run, or its error
    /// is caught.
    pub guarded: bool,
    pub byte_range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decorator {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub kind: String,
    pub byte_range: Range<usize>,
    pub line: usize,
    pub end_line: usize,
}

/// A top-level `NAME = ...` / `NAME: T = ...` statement. For chained
/// assignments (`a = b = f()`) the first target is reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    pub target: String,
    /// Compact callee text when the assigned value is a call.
    pub callee: Option<String>,
    pub statement: Statement,
}

const IMPORT_KINDS: [&str; 3] = [
    "import_statement",
    "import_from_statement",
    "future_import_statement",
];

impl Module {
    pub fn parse(source: &str) -> Result<Module, ParseError> {
        let tree = parse_tree(source);
        let module = Module::unparsed(source);
        module.tree.get_or_init(|| tree);
        match module.first_error() {
            Some(err) => Err(err),
            None => Ok(module),
        }
    }

    fn unparsed(source: &str) -> Module {
        let mut lines = vec![0];
        lines.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        Module {
            source: source.to_owned(),
            tree: std::sync::OnceLock::new(),
            lines,
            facts: std::sync::OnceLock::new(),
            memo: Memo::default(),
        }
    }

    fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| parse_tree(&self.source))
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree's root, for analyses that walk the whole tree (scope.rs).
    pub fn root(&self) -> Node<'_> {
        self.tree().root_node()
    }

    /// The first `NAME = Flask(...)` / `flask.Flask(...)` among the direct
    /// top-level statements. Apps created inside `if`/`try` blocks are not
    /// reported, because code inserted after them would need their indentation.
    pub fn flask_app(&self) -> Option<AppSite> {
        let a = self
            .top_level_assignments()
            .into_iter()
            .find(|a| matches!(a.callee.as_deref(), Some("Flask" | "flask.Flask")))?;
        let range = a.statement.byte_range;
        Some(AppSite {
            var: a.target,
            line: a.statement.line,
            end_line: a.statement.end_line,
            end_byte_of_line: self.end_of_line(range.end),
            byte_range: range,
        })
    }

    pub fn top_level_assignments(&self) -> Vec<Assignment> {
        self.assignments().to_vec()
    }

    fn read_assignments(&self) -> Vec<Assignment> {
        let mut out = Vec::new();
        for node in self.top_level_nodes() {
            let Some(mut assign) = node.named_child(0).filter(|n| n.kind_of() == "assignment")
            else {
                continue;
            };
            let Some(left) = field(assign, "left", "identifier") else {
                continue;
            };
            while let Some(inner) = field(assign, "right", "assignment") {
                assign = inner;
            }
            let callee = field(assign, "right", "call")
                .and_then(|c| c.field("function"))
                .map(|f| self.compact(f));
            let (target, statement) = (self.text(left).to_owned(), self.statement(node));
            out.push(Assignment {
                target,
                callee,
                statement,
            });
        }
        out
    }

    /// `from m import *` is reported with name `"*"`; `__future__` imports
    /// with module `"__future__"`.
    pub fn imports(&self) -> &[Import] {
        &self.facts().imports
    }

    pub fn calls(&self) -> &[Call] {
        &self.facts().calls
    }

    pub fn decorators(&self) -> &[Decorator] {
        &self.facts().decorators
    }

    fn facts(&self) -> &Facts {
        self.facts.get_or_init(|| self.collect())
    }

    /// Comments are not statements and are left out.
    pub fn top_level_statements(&self) -> Vec<Statement> {
        self.statements().to_vec()
    }

    fn statements(&self) -> &[Statement] {
        self.memo.statements.get_or_init(|| {
            self.top_level_nodes()
                .into_iter()
                .map(|n| self.statement(n))
                .collect()
        })
    }

    fn assignments(&self) -> &[Assignment] {
        self.memo
            .assignments
            .get_or_init(|| self.read_assignments())
    }

    /// If there are neither imports nor a docstring, the insertion point skips
    /// a leading BOM, shebang and encoding cookie, which must stay on lines 1–2.
    pub fn import_insertion_point(&self) -> usize {
        self.import_insertion_point_before(self.source.len())
    }

    /// Like [`Module::import_insertion_point`], considering only imports that
    /// end at or before `limit`, so that names are bound before the code at
    /// `limit` runs even when more imports follow it (the circular-import
    /// Flask layout with `from . import views` after `app = Flask(...)`).
    pub fn import_insertion_point_before(&self, limit: usize) -> usize {
        let statements = self.top_level_nodes();
        let last_import = statements
            .iter()
            .rev()
            .find(|n| IMPORT_KINDS.contains(&n.kind_of()) && n.end_byte() <= limit);
        if let Some(node) = last_import {
            return self.end_of_line(node.end_byte());
        }
        if let Some(first) = statements.first().filter(|f| f.end_byte() <= limit) {
            let only = (first.kind_of() == "expression_statement"
                && first.named_child_count() == 1)
                .then(|| first.named_child(0))
                .flatten();
            if only.is_some_and(|c| matches!(c.kind_of(), "string" | "concatenated_string")) {
                return self.end_of_line(first.end_byte());
            }
        }
        // A UTF-8 BOM is only legal as the very first character.
        let mut at = if self.source.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        for (index, line) in self.source[at..].split_inclusive('\n').take(2).enumerate() {
            let cookie =
                line.starts_with('#') && line.contains("coding") && line.contains([':', '=']);
            if !((index == 0 && line.starts_with("#!")) || cookie) {
                break;
            }
            at += line.len();
        }
        at.min(limit)
    }

    pub fn binds_name(&self, name: &str) -> bool {
        self.imports()
            .iter()
            .any(|i| i.module_level && i.bound_name() == Some(name))
    }

    fn top_level_nodes(&self) -> Vec<Node<'_>> {
        named_children(self.root())
    }

    fn statement(&self, node: Node<'_>) -> Statement {
        Statement {
            kind: node.kind_of().to_owned(),
            byte_range: node.byte_range(),
            line: node.start_position().row + 1,
            end_line: node.end_position().row + 1,
        }
    }

    fn text(&self, node: Node<'_>) -> &str {
        &self.source[node.byte_range()]
    }

    /// Source text with whitespace and comments between tokens dropped, so
    /// `FlaskInstrumentor (). instrument_app` matches its usual spelling.
    /// String literals are kept whole.
    fn compact(&self, node: Node<'_>) -> String {
        let mut out = String::new();
        walk(node, |n| {
            let leaf = n.kind_of() == "string" || n.child_count() == 0;
            if leaf && n.kind_of() != "comment" {
                out.push_str(self.text(n));
            }
            !leaf && n.kind_of() != "comment"
        });
        out
    }

    /// 1-based line and character column of a byte offset.
    fn position(&self, byte: usize) -> (usize, usize) {
        let line = self.lines.partition_point(|&s| s <= byte);
        let line_start = self.lines[line - 1];
        (line, self.source[line_start..byte].chars().count() + 1)
    }

    /// Just past the newline ending the line that contains `byte - 1`.
    fn end_of_line(&self, byte: usize) -> usize {
        self.source[byte..]
            .find('\n')
            .map_or(self.source.len(), |i| byte + i + 1)
    }
}

fn parse_tree(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("tree-sitter-python matches the tree-sitter ABI");
    // Only a timeout or a cancellation flag, neither of which is set, yields None.
    parser
        .parse(source, None)
        .expect("parsing runs to completion")
}

/// The `name` child if it has the given kind.
fn field<'t>(node: Node<'t>, name: &str, kind: &str) -> Option<Node<'t>> {
    node.field(name).filter(|c| c.kind_of() == kind)
}

/// Named children minus comments, which tree-sitter attaches anywhere.
fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind_of() != "comment")
        .collect()
}

/// Pre-order walk; `visit` returns whether to descend into the node.
/// Iterative, so deeply nested sources cannot overflow the stack.
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
#[path = "analysis_tests.rs"]
mod tests;
