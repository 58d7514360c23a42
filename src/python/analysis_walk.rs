//! Imports, calls and decorators of a module, collected in one walk that
//! carries the enclosing scope down (climbing `parent()` from each node
//! costs its depth).

use super::{named_children, walk, Call, Decorator, Import, Module};
use crate::python::ts::NodeExt;
use tree_sitter::Node;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Facts {
    pub(super) imports: Vec<Import>,
    pub(super) calls: Vec<Call>,
    pub(super) decorators: Vec<Decorator>,
}

/// A function, class or lambda body met during the walk: nodes from `start`
/// to `end` run in its scope.
struct Frame {
    start: usize,
    end: usize,
    function: Option<String>,
    /// A `try` body or an `if` branch rather than a new scope.
    guard: bool,
}

impl Module {
    /// One walk over the tree, carrying the enclosing scope down instead of
    /// climbing `parent()` from every node (which costs the node's depth).
    pub(super) fn collect(&self) -> Facts {
        let mut facts = Facts::default();
        let mut frames: Vec<Frame> = Vec::new();
        walk(self.root(), |node| {
            let at = node.start_byte();
            while frames.last().is_some_and(|f| at >= f.end) {
                frames.pop();
            }
            // Frames pushed for a definition apply from its body on; its
            // parameters and defaults, visited first, run outside it.
            let inside = || frames.iter().rev().filter(move |f| f.start <= at);
            let module_level = inside().all(|f| f.guard);
            let guarded = inside().any(|f| f.guard);
            let function = || inside().find_map(|f| f.function.clone());
            match node.kind_of() {
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    self.import(node, module_level, &mut facts.imports)
                }
                "call" => {
                    if let Some(mut call) = self.call(node, module_level, function()) {
                        call.guarded = guarded;
                        facts.calls.push(call);
                    }
                }
                kind @ ("try_statement" | "if_statement") => {
                    let body = if kind == "try_statement" {
                        "body"
                    } else {
                        "consequence"
                    };
                    if let Some(b) = node.field(body) {
                        frames.push(Frame {
                            start: b.start_byte(),
                            end: b.end_byte(),
                            function: None,
                            guard: true,
                        });
                    }
                }
                "decorator" => {
                    if let Some(d) = self.decorator(node) {
                        facts.decorators.push(d);
                    }
                }
                kind @ ("function_definition" | "class_definition" | "lambda") => {
                    if let Some(body) = node.field("body") {
                        let function = (kind == "function_definition")
                            .then(|| node.field("name"))
                            .flatten()
                            .map(|n| self.text(n).to_owned());
                        frames.push(Frame {
                            start: body.start_byte(),
                            end: body.end_byte(),
                            function,
                            guard: false,
                        });
                    }
                }
                _ => {}
            }
            true
        });
        facts
    }

    fn import(&self, node: Node<'_>, module_level: bool, out: &mut Vec<Import>) {
        let line = node.start_position().row + 1;
        let from = match node.kind_of() {
            "import_statement" => None,
            "future_import_statement" => Some("__future__".to_owned()),
            _ => node.field("module_name").map(|m| self.compact(m)),
        };
        let mut bindings = Vec::new();
        for name in node.fields_named("name") {
            let part = |field| name.field(field).map(|n| self.compact(n));
            match name.kind_of() {
                "aliased_import" => bindings.extend(part("name").map(|n| (n, part("alias")))),
                _ => bindings.push((self.compact(name), None)),
            }
        }
        if named_children(node)
            .iter()
            .any(|c| c.kind_of() == "wildcard_import")
        {
            bindings.push(("*".to_owned(), None));
        }
        out.extend(bindings.into_iter().map(|(target, alias)| {
            let (module, name) = match &from {
                Some(module) => (module.clone(), Some(target)),
                None => (target, None),
            };
            Import {
                module,
                name,
                alias,
                line,
                module_level,
            }
        }));
    }

    fn call(&self, node: Node<'_>, module_level: bool, function: Option<String>) -> Option<Call> {
        let callee = node.field("function")?;
        let (mut first_arg, mut keywords, mut kwargs) = (None, Vec::new(), Vec::new());
        let args = node
            .field("arguments")
            .filter(|a| a.kind_of() == "argument_list");
        for arg in args.map(named_children).unwrap_or_default() {
            match arg.kind_of() {
                "keyword_argument" => {
                    let name = arg.field("name").map(|n| self.text(n).to_owned());
                    let value = arg.field("value").map(|v| self.text(v).to_owned());
                    if let Some(n) = &name {
                        kwargs.push((n.clone(), value.unwrap_or_default()));
                    }
                    keywords.extend(name);
                }
                _ if first_arg.is_none() && keywords.is_empty() => {
                    first_arg = Some(self.text(arg).to_owned())
                }
                _ => {}
            }
        }
        let (line, column) = self.position(node.start_byte());
        Some(Call {
            callee: self.compact(callee),
            first_arg,
            keywords,
            kwargs,
            line,
            column,
            module_level,
            function,
            guarded: false,
            byte_range: node.byte_range(),
        })
    }

    fn decorator(&self, node: Node<'_>) -> Option<Decorator> {
        let expr = named_children(node).into_iter().next()?;
        let target = match expr.kind_of() {
            "call" => expr.field("function").unwrap_or(expr),
            _ => expr,
        };
        let (line, column) = self.position(node.start_byte());
        Some(Decorator {
            name: self.compact(target),
            line,
            column,
        })
    }
}
