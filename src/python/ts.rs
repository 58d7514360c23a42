//! Fast node kinds and fields for the Python grammar.
//!
//! `Node::kind` turns a C string into `&str` (strlen and a UTF-8 check) on
//! every call, and `child_by_field_name` searches the grammar's field names
//! with `strncmp`; the walks ask both for every node, several times. Here
//! both are table lookups, built once from the grammar.

use crate::fasthash::FxHashMap;
use std::sync::OnceLock;
use tree_sitter::{Language, Node};

struct Grammar {
    kinds: Box<[&'static str]>,
    fields: FxHashMap<&'static str, std::num::NonZeroU16>,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let lang: Language = tree_sitter_python::LANGUAGE.into();
        let kinds = (0..lang.node_kind_count() as u16)
            .map(|id| lang.node_kind_for_id(id).unwrap_or(""))
            .collect();
        let fields = (1..=lang.field_count() as u16)
            .filter_map(|id| {
                let name = lang.field_name_for_id(id)?;
                Some((name, std::num::NonZeroU16::new(id)?))
            })
            .collect();
        Grammar { kinds, fields }
    })
}

pub trait NodeExt<'t> {
    /// The node's kind, as `Node::kind` gives it.
    fn kind_of(&self) -> &'static str;
    /// The child in field `name`, as `Node::child_by_field_name` gives it.
    fn field(&self, name: &str) -> Option<Node<'t>>;
    /// Every child in field `name`, as `Node::children_by_field_name`
    /// gives them.
    fn fields_named(&self, name: &str) -> Vec<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn kind_of(&self) -> &'static str {
        grammar()
            .kinds
            .get(self.kind_id() as usize)
            .copied()
            .unwrap_or_else(|| self.kind())
    }

    fn field(&self, name: &str) -> Option<Node<'t>> {
        let id = grammar().fields.get(name)?;
        self.child_by_field_id(id.get())
    }

    fn fields_named(&self, name: &str) -> Vec<Node<'t>> {
        let Some(id) = grammar().fields.get(name) else {
            return Vec::new();
        };
        let mut cursor = self.walk();
        self.children_by_field_id(*id, &mut cursor).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::Parser;

    /// Every node of a program that uses most of the grammar: the tables
    /// give what tree-sitter's own lookups give.
    #[test]
    fn kinds_and_fields_match_tree_sitter() {
        let src = "import a.b as c\nfrom .x import (y, z as w)\n@d(1)\nclass K(B, metaclass=M):\n    async def f(self, *a, k=1, **kw) -> int:\n        global g\n        with open(p) as fh, q:\n            return [i async for i in fh if i] or {k: v for k, v in x.items()}\n    x: int = lambda q=2: q ** 2\ntry:\n    pass\nexcept (E, F) as e:\n    raise X from e\nfinally:\n    del z[1:2]\nmatch v:\n    case {'a': 1, **r} if r: print(f\"{v!r:>3}\")\n";
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(src, None).unwrap();
        let lang: Language = tree_sitter_python::LANGUAGE.into();
        let mut stack = vec![tree.root_node()];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            assert_eq!(n.kind_of(), n.kind());
            for id in 1..=lang.field_count() as u16 {
                let name = lang.field_name_for_id(id).unwrap();
                assert_eq!(n.field(name), n.child_by_field_name(name), "{name}");
                let mut c = n.walk();
                let all: Vec<Node> = n.children_by_field_name(name, &mut c).collect();
                assert_eq!(n.fields_named(name), all, "{name}");
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        assert!(seen > 150, "{seen}");
        assert_eq!(tree.root_node().field("no_such_field"), None);
        assert!(tree.root_node().fields_named("no_such_field").is_empty());
    }
}
