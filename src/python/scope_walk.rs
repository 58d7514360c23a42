//! The walk of scope.rs: one pass over the syntax tree that carries the
//! scope context down (never climbing to parents), recording bindings and
//! uses for [`super::Walker::resolves`] to judge afterwards.

use crate::python::ts::NodeExt;
use tree_sitter::Node;

use super::{Cx, Kind, Walker, DYNAMIC_CALLS, MODULE};

impl Walker<'_> {
    pub(super) fn block(&mut self, node: Node, cx: Cx) {
        for child in named(node) {
            self.statement(child, cx);
        }
    }

    fn statement(&mut self, node: Node, cx: Cx) {
        let Some(cx) = self.deeper(cx) else { return };
        let later = Cx {
            in_order: false,
            ..cx
        };
        match node.kind_of() {
            "expression_statement" => {
                for child in named(node) {
                    match child.kind_of() {
                        "assignment" => self.assignment(child, cx, node.end_byte()),
                        "augmented_assignment" => {
                            self.children_of(child, "right", cx);
                            if let Some(left) = child.field("left") {
                                self.expr(left, cx);
                                self.target(left, cx, node.end_byte());
                            }
                        }
                        _ => self.expr(child, cx),
                    }
                }
            }
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                self.import(node, cx)
            }
            "global_statement" | "nonlocal_statement" => {
                for name in named(node)
                    .into_iter()
                    .filter(|n| n.kind_of() == "identifier")
                {
                    let name = self.text(name);
                    match (node.kind_of(), cx.scope) {
                        // `global` at module level changes nothing.
                        ("global_statement", MODULE) => {}
                        ("global_statement", scope) => {
                            self.scopes[scope].globals.insert(name.to_owned());
                        }
                        // `nonlocal` names an enclosing function's binding.
                        _ => self.bind(name, cx, 0),
                    }
                }
            }
            "exec_statement" => self.dynamic = true,
            "decorated_definition" => {
                for child in named(node) {
                    match child.kind_of() {
                        "decorator" => self.expr(child, cx),
                        "function_definition" => self.function(child, cx, node.end_byte()),
                        "class_definition" => self.class(child, cx, node.end_byte()),
                        _ => {}
                    }
                }
            }
            "function_definition" => self.function(node, cx, node.end_byte()),
            "class_definition" => self.class(node, cx, node.end_byte()),
            "if_statement" => {
                self.children_of(node, "condition", cx);
                let type_checking = node
                    .field("condition")
                    .is_some_and(|c| is_type_checking(self.text(c)));
                let body = Cx {
                    checked: cx.checked && !type_checking,
                    ..later
                };
                self.children_of(node, "consequence", body);
                for alt in fields(node, "alternative") {
                    self.children_of(alt, "condition", later);
                    self.children_of(alt, "consequence", later);
                    self.children_of(alt, "body", later);
                }
            }
            "for_statement" => {
                self.children_of(node, "right", cx);
                if let Some(left) = node.field("left") {
                    self.target(left, later, left.start_byte());
                }
                self.children_of(node, "body", later);
                for alt in fields(node, "alternative") {
                    self.children_of(alt, "body", later);
                }
            }
            "while_statement" => {
                self.children_of(node, "condition", cx);
                self.children_of(node, "body", later);
                for alt in fields(node, "alternative") {
                    self.children_of(alt, "body", later);
                }
            }
            "try_statement" => self.try_statement(node, later),
            "with_statement" => {
                for clause in named(node)
                    .into_iter()
                    .filter(|n| n.kind_of() == "with_clause")
                {
                    for item in named(clause) {
                        let Some(value) = item.field("value") else {
                            continue;
                        };
                        if value.kind_of() == "as_pattern" {
                            self.as_pattern(value, cx, later);
                        } else {
                            self.expr(value, cx);
                        }
                    }
                }
                self.children_of(node, "body", later);
            }
            "match_statement" => {
                self.children_of(node, "subject", cx);
                for body in fields(node, "body") {
                    for case in named(body) {
                        for part in named(case) {
                            match part.kind_of() {
                                "case_pattern" => self.pattern(part, later),
                                "if_clause" => self.expr(part, later),
                                "block" => self.block(part, later),
                                _ => {}
                            }
                        }
                    }
                }
            }
            "type_alias_statement" => {
                if let Some(left) = node.field("left") {
                    if let Some(name) = first_identifier(left) {
                        self.bind(self.text(name), cx, node.end_byte());
                    }
                }
                self.children_of(node, "right", later);
            }
            "block" => self.block(node, cx),
            _ => self.expr(node, cx),
        }
    }

    fn try_statement(&mut self, node: Node, cx: Cx) {
        let catches_name_error = named(node).into_iter().any(|c| {
            c.kind_of() == "except_clause"
                && c.field("value")
                    .is_none_or(|v| self.text(v).contains("NameError"))
        });
        let body = Cx {
            checked: cx.checked && !catches_name_error,
            ..cx
        };
        self.children_of(node, "body", body);
        for clause in named(node) {
            match clause.kind_of() {
                "except_clause" => {
                    for part in named(clause) {
                        match (part.kind_of(), clause.field("alias") == Some(part)) {
                            ("block", _) => self.block(part, cx),
                            (_, true) => self.target(part, cx, part.start_byte()),
                            ("as_pattern", _) => self.as_pattern(part, cx, cx),
                            _ => self.expr(part, cx),
                        }
                    }
                }
                "else_clause" => self.children_of(clause, "body", cx),
                "finally_clause" => self.block(clause, cx),
                _ => {}
            }
        }
    }

    /// `value as target` of a `with` item: the value runs in `cx`, the
    /// target is bound in `bind_cx`.
    fn as_pattern(&mut self, node: Node, cx: Cx, bind_cx: Cx) {
        let alias = node.field("alias");
        for part in named(node) {
            if Some(part) == alias {
                let targets = match part.kind_of() {
                    "as_pattern_target" => named(part),
                    _ => vec![part],
                };
                for t in targets {
                    self.target(t, bind_cx, t.start_byte());
                }
            } else {
                self.expr(part, cx);
            }
        }
    }

    fn assignment(&mut self, node: Node, cx: Cx, end: usize) {
        if let Some(right) = node.field("right") {
            match right.kind_of() {
                "assignment" => self.assignment(right, cx, end),
                _ => self.expr(right, cx),
            }
        }
        if let Some(ty) = node.field("type") {
            self.annotation(ty, cx);
        }
        if let Some(left) = node.field("left") {
            if cx.scope == MODULE && self.text(left) == "__all__" {
                self.all = node.field("right").map(|r| self.strings(r));
            }
            self.target(left, cx, end);
        }
    }

    /// The string literals of a list/tuple literal.
    fn strings(&self, node: Node) -> Vec<String> {
        named(node)
            .into_iter()
            .filter(|n| n.kind_of() == "string")
            .map(|n| {
                let t = self
                    .text(n)
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic());
                t.trim_matches(|c| c == '"' || c == '\'').to_owned()
            })
            .collect()
    }

    fn import(&mut self, node: Node, cx: Cx) {
        let plain = node.kind_of() == "import_statement";
        let end = node.end_byte();
        for name in fields(node, "name") {
            let bound = match name.kind_of() {
                "aliased_import" => name.field("alias").map(|a| self.text(a)),
                // `import a.b` binds `a`; `from m import a` binds `a`.
                _ if plain => self.text(name).split('.').next(),
                _ => Some(self.text(name)),
            };
            if let Some(bound) = bound {
                let bound = bound.trim();
                if node.kind_of() == "future_import_statement" && bound == "annotations" {
                    self.future_annotations = true;
                }
                self.bind(bound, cx, end);
            }
        }
        if named(node).iter().any(|c| c.kind_of() == "wildcard_import") {
            self.star = true;
            if let Some(m) = node.field("module_name") {
                let m = self.text(m).split_whitespace().collect::<String>();
                self.stars.push(m);
            }
        }
    }

    fn function(&mut self, node: Node, cx: Cx, end: usize) {
        let name = node.field("name").map(|n| self.text(n));
        if let Some(name) = name {
            self.bind(name, cx, end);
        }
        let outer = self.type_params(node, cx);
        if let Some(params) = node.field("parameters") {
            let inner = self.new_scope(Kind::Function, Some(outer.scope));
            self.parameters(params, cx, outer, inner);
            self.children_of(node, "return_type", outer);
            let function = name.map(|n| {
                self.functions.push(n.to_owned());
                self.functions.len() - 1
            });
            let body = Cx {
                scope: inner,
                in_order: false,
                function,
                ..outer
            };
            self.children_of(node, "body", body);
        }
    }

    fn class(&mut self, node: Node, cx: Cx, end: usize) {
        if let Some(name) = node.field("name") {
            self.bind(self.text(name), cx, end);
        }
        let outer = self.type_params(node, cx);
        self.children_of(node, "superclasses", outer);
        let scope = self.new_scope(Kind::Class, Some(outer.scope));
        for implicit in ["__module__", "__qualname__"] {
            self.scopes[scope].bindings.insert(implicit.to_owned(), 0);
        }
        // The body runs now, in order, when the class statement does.
        self.children_of(node, "body", Cx { scope, ..cx });
    }

    /// PEP 695 `def f[T](...)`: the parameters live in a scope of their
    /// own around the annotations and body. Their bounds are not checked.
    fn type_params(&mut self, node: Node, cx: Cx) -> Cx {
        let Some(params) = node.field("type_parameters") else {
            return cx;
        };
        let scope = self.new_scope(Kind::Function, Some(cx.scope));
        let inner = Cx { scope, ..cx };
        let mut stack = vec![params];
        while let Some(n) = stack.pop() {
            if n.kind_of() == "identifier" {
                self.bind(self.text(n), inner, 0);
            }
            stack.extend(named(n));
        }
        inner
    }

    /// Defaults run in `outer_defaults`, annotations in `outer`, names bind in `inner`.
    fn parameters(&mut self, params: Node, defaults: Cx, annotations: Cx, inner: usize) {
        let bind_cx = Cx {
            scope: inner,
            ..annotations
        };
        for p in named(params) {
            match p.kind_of() {
                "default_parameter" | "typed_default_parameter" => {
                    self.children_of(p, "value", defaults);
                    self.children_of(p, "type", annotations);
                    if let Some(name) = p.field("name") {
                        self.target(name, bind_cx, 0);
                    }
                }
                "typed_parameter" => {
                    for part in named(p) {
                        match part.kind_of() {
                            "type" => self.annotation(part, annotations),
                            _ => self.param_name(part, bind_cx),
                        }
                    }
                }
                _ => self.param_name(p, bind_cx),
            }
        }
    }

    fn param_name(&mut self, node: Node, cx: Cx) {
        match node.kind_of() {
            "identifier" => self.bind(self.text(node), cx, 0),
            "list_splat_pattern" | "dictionary_splat_pattern" | "tuple_pattern" => {
                for child in named(node) {
                    self.param_name(child, cx);
                }
            }
            _ => {}
        }
    }

    /// Annotations are evaluated when the definition runs, unless
    /// `from __future__ import annotations`; strings are never evaluated here.
    fn annotation(&mut self, node: Node, cx: Cx) {
        if !self.future_annotations {
            self.expr(
                node,
                Cx {
                    in_order: false,
                    ..cx
                },
            );
        }
    }

    /// Binds the names of an assignment target; attributes and subscripts
    /// in it are uses.
    fn target(&mut self, node: Node, cx: Cx, at: usize) {
        let Some(cx) = self.deeper(cx) else { return };
        match node.kind_of() {
            "identifier" => self.bind(self.text(node), cx, at),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "list_splat"
            | "pattern"
            | "expression_list" => {
                for child in named(node) {
                    self.target(child, cx, at);
                }
            }
            _ => self.expr(node, cx),
        }
    }

    /// A `case` pattern: bare names capture (bind), dotted names are values.
    fn pattern(&mut self, node: Node, cx: Cx) {
        let Some(cx) = self.deeper(cx) else { return };
        match node.kind_of() {
            "dotted_name" => {
                let parts = named(node);
                match parts.as_slice() {
                    [one] if self.text(*one) != "_" => self.bind(self.text(*one), cx, 0),
                    [first, _, ..] => self.record_use(*first, cx),
                    _ => {}
                }
            }
            "splat_pattern" | "as_pattern_target" => {
                for id in named(node) {
                    if id.kind_of() == "identifier" && self.text(id) != "_" {
                        self.bind(self.text(id), cx, 0);
                    }
                }
            }
            "class_pattern" => {
                for (i, part) in named(node).into_iter().enumerate() {
                    if i == 0 && part.kind_of() == "dotted_name" {
                        let first = named(part)[0];
                        self.record_use(first, cx);
                    } else {
                        self.pattern(part, cx);
                    }
                }
            }
            // `Point(x=px)`: `x` is an attribute name, `px` the pattern.
            "keyword_pattern" => {
                for part in named(node).into_iter().skip(1) {
                    self.pattern(part, cx);
                }
            }
            "dict_pattern" => {
                let keys = fields(node, "key");
                for part in named(node) {
                    if keys.contains(&part) {
                        if part.kind_of() == "dotted_name" && named(part).len() > 1 {
                            self.record_use(named(part)[0], cx);
                        }
                    } else {
                        self.pattern(part, cx);
                    }
                }
            }
            "identifier" if self.text(node) != "_" => self.bind(self.text(node), cx, 0),
            _ => {
                for child in named(node) {
                    self.pattern(child, cx);
                }
            }
        }
    }

    fn expr(&mut self, node: Node, cx: Cx) {
        let Some(cx) = self.deeper(cx) else { return };
        match node.kind_of() {
            "identifier" => self.record_use(node, cx),
            "attribute" => self.children_of(node, "object", cx),
            "keyword_argument" => self.children_of(node, "value", cx),
            "member_type" => {
                if let Some(first) = named(node).into_iter().next() {
                    self.expr(first, cx);
                }
            }
            "call" => {
                if let Some(f) = node.field("function") {
                    if f.kind_of() == "identifier" && DYNAMIC_CALLS.contains(&self.text(f)) {
                        self.dynamic = true;
                    }
                }
                for child in named(node) {
                    self.expr(child, cx);
                }
            }
            "lambda" => {
                let scope = self.new_scope(Kind::Function, Some(cx.scope));
                if let Some(params) = node.field("parameters") {
                    self.parameters(params, cx, cx, scope);
                }
                let body = Cx {
                    scope,
                    in_order: false,
                    ..cx
                };
                self.children_of(node, "body", body);
            }
            "named_expression" => {
                self.children_of(node, "value", cx);
                // `:=` binds in the nearest scope that is not a comprehension.
                let mut scope = cx.scope;
                while self.scopes[scope].kind == Kind::Comprehension {
                    scope = self.scopes[scope].parent.unwrap_or(MODULE);
                }
                if let Some(name) = node.field("name") {
                    self.bind(self.text(name), Cx { scope, ..cx }, node.end_byte());
                }
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.comprehension(node, cx),
            "string" | "concatenated_string" => {
                // Only f-string interpolations are code.
                let mut stack = named(node);
                while let Some(n) = stack.pop() {
                    match n.kind_of() {
                        "interpolation" | "format_expression" => {
                            self.children_of(n, "expression", cx);
                            stack.extend(fields(n, "format_specifier"));
                        }
                        "string" | "format_specifier" => stack.extend(named(n)),
                        _ => {}
                    }
                }
            }
            "as_pattern" => self.as_pattern(node, cx, cx),
            _ => {
                for child in named(node) {
                    self.expr(child, cx);
                }
            }
        }
    }

    /// The first iterable runs in the enclosing scope; the rest in the
    /// comprehension's own (its variables do not leak, Python 3).
    fn comprehension(&mut self, node: Node, cx: Cx) {
        let scope = self.new_scope(Kind::Comprehension, Some(cx.scope));
        let inner = Cx { scope, ..cx };
        let mut first = true;
        for part in named(node) {
            match part.kind_of() {
                "for_in_clause" => {
                    self.children_of(part, "right", if first { cx } else { inner });
                    first = false;
                    if let Some(left) = part.field("left") {
                        self.target(left, inner, 0);
                    }
                }
                _ => self.expr(part, inner),
            }
        }
    }

    /// Visits the expressions in field `name` of `node`.
    fn children_of(&mut self, node: Node, name: &str, cx: Cx) {
        for child in fields(node, name) {
            match child.kind_of() {
                "block" => self.block(child, cx),
                "type" => self.annotation(child, cx),
                _ => self.expr(child, cx),
            }
        }
    }
}

fn is_type_checking(condition: &str) -> bool {
    condition == "TYPE_CHECKING" || condition.ends_with(".TYPE_CHECKING")
}

fn first_identifier(node: Node) -> Option<Node> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_of() == "identifier" {
            return Some(n);
        }
        stack.extend(named(n).into_iter().rev());
    }
    None
}

/// Named children minus comments.
fn named(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind_of() != "comment")
        .collect()
}

fn fields<'t>(node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut all = node.fields_named(name);
    all.retain(|n| n.is_named() && n.kind_of() != "comment");
    all
}
