//! Names a module uses that nothing binds (a `NameError` waiting to happen),
//! found by a scope analysis in the manner of pyflakes: one walk over the
//! syntax tree records every scope's bindings and every name use with the
//! scope it appears in; uses are resolved afterwards, so function bodies see
//! every binding of their module wherever it is (they run later).
//!
//! The analysis is conservative: a name is reported only when no binding can
//! supply it. A module with `from x import *`, `globals()`, `locals()`,
//! `vars()` or `exec` reports nothing, and neither do uses under
//! `if TYPE_CHECKING:` or inside a `try` that catches `NameError`.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::analysis::Module;

/// A use of a name that no enclosing scope binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    pub name: String,
    /// 1-based; the column counts characters.
    pub line: usize,
    pub column: usize,
    /// The innermost `def` around the use (`None` at import time).
    pub in_function: Option<String>,
}

/// What a module binds at its top level, for checking `from module import X`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleNames {
    pub names: BTreeSet<String>,
    /// `from x import *` at module level: more names may exist.
    pub star_import: bool,
    /// The literal `__all__` list, if any.
    pub all: Option<Vec<String>>,
    /// A module-level `__getattr__`: any name may resolve.
    pub getattr: bool,
    /// `globals()`/`exec`/… make names at run time.
    pub dynamic: bool,
}

impl ModuleNames {
    /// Whether `from this_module import name` can succeed. Submodules of a
    /// package are not known here: the caller checks the file system.
    pub fn may_define(&self, name: &str) -> bool {
        self.names.contains(name) || self.star_import || self.getattr || self.dynamic
    }
}

pub fn undefined_names(module: &Module) -> Vec<Undefined> {
    undefined_names_resolving(module, &|_| None)
}

/// Like `undefined_names`, with `from m import *` of modules whose names
/// are known (the project's own: `star(m)`) taken into account instead of
/// making every name unknown. A star import that cannot be resolved, or
/// that itself re-exports a star, still makes the module unjudgeable.
pub fn undefined_names_resolving(
    module: &Module,
    star: &dyn Fn(&str) -> Option<ModuleNames>,
) -> Vec<Undefined> {
    let w = walked(module);
    if w.dynamic || w.too_deep {
        return Vec::new();
    }
    let mut from_stars: BTreeSet<String> = BTreeSet::new();
    if w.star {
        for m in &w.stars {
            match star(m) {
                Some(names) if !names.star_import && !names.dynamic && !names.getattr => {
                    match names.all.clone() {
                        Some(all) => from_stars.extend(all),
                        None => from_stars
                            .extend(names.names.into_iter().filter(|n| !n.starts_with('_'))),
                    }
                }
                _ => return Vec::new(),
            }
        }
    }
    // `uses` holds only names no scope of the module binds (see walked()).
    let mut out: Vec<Undefined> = w
        .uses
        .iter()
        .filter(|u| !from_stars.contains(&u.name))
        .map(|u| {
            let line_start = u.byte - u.column_bytes;
            let column = module.source()[line_start..u.byte].chars().count() + 1;
            Undefined {
                name: u.name.clone(),
                line: u.row + 1,
                column,
                in_function: u.function.map(|f| w.functions[f].clone()),
            }
        })
        .collect();
    out.sort_by_key(|u| (u.line, u.column));
    out
}

/// How many times each name is bound anywhere in the module (every scope,
/// every form: imports, assignments, parameters, targets…). A name bound
/// once, by an import, means the same module everywhere it is used.
pub fn binding_counts(module: &Module) -> &BTreeMap<String, usize> {
    debug_assert!(
        module.parsed(),
        "binding counts are not kept in the cache: ask while the module is parsed"
    );
    &walked(module).counts
}

/// What the module binds at its top level (computed once per module).
pub fn module_bindings(module: &Module) -> &ModuleNames {
    module.memo.bindings.get_or_init(|| {
        let w = walked(module);
        let names: BTreeSet<String> = w.scopes[MODULE].bindings.keys().cloned().collect();
        ModuleNames {
            getattr: names.contains("__getattr__"),
            names,
            star_import: w.star,
            all: w.all.clone(),
            dynamic: w.dynamic || w.too_deep,
        }
    })
}

/// Python 3.11's builtins (plus a few later or platform-specific ones, so
/// that no version's code is reported for using them).
#[rustfmt::skip]
const BUILTINS: &[&str] = &[
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
    "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning",
    "ChildProcessError", "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError",
    "ConnectionResetError", "DeprecationWarning", "EOFError", "Ellipsis", "EncodingWarning",
    "EnvironmentError", "Exception", "ExceptionGroup", "False", "FileExistsError",
    "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "IOError",
    "ImportError", "ImportWarning", "IndentationError", "IndexError", "InterruptedError",
    "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
    "ModuleNotFoundError", "NameError", "None", "NotADirectoryError", "NotImplemented",
    "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
    "PermissionError", "ProcessLookupError", "PythonFinalizationError", "RecursionError",
    "ReferenceError", "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration",
    "StopIteration", "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError",
    "TimeoutError", "True", "TypeError", "UnboundLocalError", "UnicodeDecodeError",
    "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError", "UnicodeWarning",
    "UserWarning", "ValueError", "Warning", "WindowsError", "ZeroDivisionError",
    "__build_class__", "__debug__", "__doc__", "__import__", "__loader__", "__name__",
    "__package__", "__spec__", "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool",
    "breakpoint", "bytearray", "bytes", "callable", "chr", "classmethod", "compile", "complex",
    "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec",
    "exit", "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash",
    "help", "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len", "license",
    "list", "locals", "map", "max", "memoryview", "min", "next", "object", "oct", "open", "ord",
    "pow", "print", "property", "quit", "range", "repr", "reversed", "round", "set", "setattr",
    "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
    "__file__", "__builtins__", "__path__", "__cached__", "__annotations__", "__class__",
];

/// Calls that read or write a namespace by name: after one, any name may exist.
const DYNAMIC_CALLS: &[&str] = &["globals", "locals", "vars", "exec"];

/// Deeper syntax than this is left unjudged rather than risk the stack.
const MAX_DEPTH: usize = 400;

const MODULE: usize = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Kind {
    Module,
    Class,
    Function,
    Comprehension,
}

/// Ordered sets and maps here and in [`Walked`]: most scopes hold a few
/// names, and a B-tree builds (also when read back from the cache) without
/// hashing every name, with no order of names anyone can make slow.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Scope {
    kind: Kind,
    parent: Option<usize>,
    /// Name → earliest byte offset from which the binding exists (only
    /// meaningful at module level, where statements run in order).
    bindings: BTreeMap<String, usize>,
    globals: BTreeSet<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Use {
    name: String,
    scope: usize,
    byte: usize,
    row: usize,
    column_bytes: usize,
    /// Runs at import time, unconditionally and in source order, so a module
    /// binding that only comes later cannot supply it.
    in_order: bool,
    function: Option<usize>,
}

/// The context carried down the walk (no parent climbing).
#[derive(Clone, Copy)]
struct Cx {
    scope: usize,
    in_order: bool,
    /// False under `if TYPE_CHECKING:` and inside `try ... except NameError`.
    checked: bool,
    function: Option<usize>,
    depth: usize,
}

/// What one walk of a module learns, kept with the module (analysis::Memo)
/// so undefined names, top-level bindings and binding counts share it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Walked {
    scopes: Vec<Scope>,
    uses: Vec<Use>,
    functions: Vec<String>,
    star: bool,
    stars: Vec<String>,
    dynamic: bool,
    too_deep: bool,
    all: Option<Vec<String>>,
    /// Only the names analysis reads these, while the module is parsed;
    /// the cache keeps that analysis's result, so not these.
    #[serde(skip)]
    counts: BTreeMap<String, usize>,
}

impl Walked {
    fn resolves(&self, u: &Use) -> bool {
        let mut scope = u.scope;
        if self.scopes[scope].globals.contains(&u.name) {
            scope = MODULE;
        }
        let mut first = true;
        loop {
            let s = &self.scopes[scope];
            // A class body's names are not visible from functions inside it.
            if first || s.kind != Kind::Class {
                if let Some(&from) = s.bindings.get(&u.name) {
                    return !(s.kind == Kind::Module && u.in_order && from > u.byte);
                }
            }
            first = false;
            match s.parent {
                Some(p) => scope = p,
                None => break,
            }
        }
        BUILTINS.contains(&u.name.as_str())
    }
}

/// The module's walk, run once. Only what later questions need is kept
/// (and cached): the uses that no scope of the module binds, which are all
/// that can be undefined, and the module's own scope, whose bindings other
/// modules import. Most uses are settled here and never stored.
pub(crate) fn walked(module: &Module) -> &Walked {
    module.memo.scope.get_or_init(|| {
        let w = Walker::run(module);
        let mut walked = Walked {
            scopes: w.scopes,
            uses: Vec::new(),
            functions: w.functions,
            star: w.star,
            stars: w.stars,
            dynamic: w.dynamic,
            too_deep: w.too_deep,
            all: w.all,
            counts: w.counts,
        };
        walked.uses = w.uses.into_iter().filter(|u| !walked.resolves(u)).collect();
        walked.scopes.truncate(MODULE + 1);
        walked
    })
}

struct Walker<'m> {
    src: &'m str,
    scopes: Vec<Scope>,
    uses: Vec<Use>,
    functions: Vec<String>,
    star: bool,
    /// The modules `from m import *` names, as written.
    stars: Vec<String>,
    dynamic: bool,
    too_deep: bool,
    future_annotations: bool,
    all: Option<Vec<String>>,
    counts: BTreeMap<String, usize>,
}

impl<'m> Walker<'m> {
    fn run(module: &'m Module) -> Walker<'m> {
        let mut w = Walker {
            src: module.source(),
            scopes: Vec::new(),
            uses: Vec::new(),
            functions: Vec::new(),
            star: false,
            stars: Vec::new(),
            dynamic: false,
            too_deep: false,
            future_annotations: false,
            all: None,
            counts: BTreeMap::new(),
        };
        w.new_scope(Kind::Module, None);
        let cx = Cx {
            scope: MODULE,
            in_order: true,
            checked: true,
            function: None,
            depth: 0,
        };
        w.block(module.root(), cx);
        w
    }

    fn text(&self, node: Node) -> &'m str {
        &self.src[node.byte_range()]
    }

    fn new_scope(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        self.scopes.push(Scope {
            kind,
            parent,
            bindings: BTreeMap::new(),
            globals: BTreeSet::new(),
        });
        self.scopes.len() - 1
    }

    fn bind(&mut self, name: &str, cx: Cx, at: usize) {
        match self.counts.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(name.to_owned(), 1);
            }
        }
        let (scope, at) = if self.scopes[cx.scope].globals.contains(name) {
            // Bound by a function at run time: assume it may have run.
            (MODULE, 0)
        } else {
            (cx.scope, at)
        };
        let bindings = &mut self.scopes[scope].bindings;
        let entry = bindings.entry(name.to_owned()).or_insert(at);
        *entry = (*entry).min(at);
    }

    fn record_use(&mut self, node: Node, cx: Cx) {
        if !cx.checked {
            return;
        }
        let pos = node.start_position();
        self.uses.push(Use {
            name: self.text(node).to_owned(),
            scope: cx.scope,
            byte: node.start_byte(),
            row: pos.row,
            column_bytes: pos.column,
            in_order: cx.in_order,
            function: cx.function,
        });
    }

    /// One level deeper, or `None` (and the module left unjudged) past the limit.
    fn deeper(&mut self, cx: Cx) -> Option<Cx> {
        if cx.depth >= MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        Some(Cx {
            depth: cx.depth + 1,
            ..cx
        })
    }
}

#[path = "scope_walk.rs"]
mod walk;

#[cfg(test)]
#[path = "scope_tests.rs"]
mod tests;
