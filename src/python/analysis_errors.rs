//! Where a module stops being Python: tree-sitter's error nodes, and the
//! indentation Python refuses that tree-sitter forgives.

use super::{named_children, walk, Module, ParseError};
use crate::python::ts::NodeExt;
use tree_sitter::Node;

impl Module {
    /// What tree-sitter forgives and Python does not: a statement indented
    /// deeper than the ones beside it (`IndentationError: unexpected
    /// indent`), e.g. a block whose header was commented out line by line.
    fn indentation_error(&self) -> Option<ParseError> {
        let mut found = None;
        let column = |n: Node| self.position(n.start_byte()).1;
        walk(self.root(), |n| {
            if found.is_some() {
                return false;
            }
            // Blocks live in statements, never in expressions: skip those.
            if n.kind_of().ends_with("expression")
                || matches!(n.kind_of(), "call" | "string" | "assignment" | "comment")
            {
                return false;
            }
            if matches!(n.kind_of(), "module" | "block") {
                let children = named_children(n);
                let header_line = n.parent().map(|p| p.start_position().row);
                let want = match (n.kind_of(), children.first()) {
                    ("module", _) => Some(1),
                    // `if x: y` keeps its block on the header's line.
                    (_, Some(first)) if Some(first.start_position().row) != header_line => {
                        Some(column(*first))
                    }
                    _ => None,
                };
                if let Some(want) = want {
                    // `a = 1; b = 2` puts two statements on one line.
                    let mut last_row = None;
                    let bad = children.iter().find(|c| {
                        let first_on_line = last_row != Some(c.start_position().row);
                        last_row = Some(c.end_position().row);
                        first_on_line && column(**c) > want
                    });
                    if let Some(bad) = bad {
                        let (line, col) = self.position(bad.start_byte());
                        found = Some(ParseError {
                            line,
                            column: col,
                            message: "unexpected indent (IndentationError)".into(),
                        });
                    }
                }
            }
            found.is_none()
        });
        found
    }

    pub(super) fn first_error(&self) -> Option<ParseError> {
        let root = self.root();
        if !root.has_error() {
            return self.indentation_error();
        }
        let mut found = None;
        walk(root, |n| {
            if found.is_none() && (n.is_error() || n.is_missing()) {
                found = Some(n);
            }
            found.is_none() && n.has_error()
        });
        let node = found.unwrap_or(root);
        let (line, column) = self.position(node.start_byte());
        let message = if node.is_missing() {
            format!("missing `{}`", node.kind_of())
        } else {
            let text = self.text(node).lines().next().unwrap_or("").trim();
            format!(
                "invalid syntax near `{}`",
                text.chars().take(40).collect::<String>()
            )
        };
        Some(ParseError {
            line,
            column,
            message,
        })
    }
}
