//! The string literals of a module with the role the code gives each
//! (rollbar.init's token, a header name, an environment variable's default,
//! a dict key's value): what secret checks judge. Read in one cursor walk,
//! kept with the module, and skipped outright when no string of the source
//! could be a secret.

use super::analysis::Module;
use crate::python::ts::NodeExt;
use tree_sitter::Node;

/// The role of rollbar.init's token argument.
pub const INIT: &str = "ROLLBAR.INIT";

/// One string literal (no interpolation) and what it is given to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Literal {
    pub role: String,
    pub content: String,
    /// 1-based line and column of the literal.
    pub line: usize,
    pub column: usize,
}

/// The module's literals that could hold a secret (computed once).
pub fn literals(module: &Module) -> &[Literal] {
    module.memo.literals.get_or_init(|| read(module))
}

fn read(module: &Module) -> Vec<Literal> {
    let src = module.source();
    let mut out = Vec::new();
    if !may_hold_secret(src) {
        return out;
    }
    // One cursor walk; only string nodes are looked at closely.
    let mut cursor = module.root().walk();
    loop {
        let n = cursor.node();
        let string = n.kind_of() == "string";
        if string {
            if let Some(content) = string_content(n, src) {
                let p = n.start_position();
                out.push(Literal {
                    role: literal_role(n, src),
                    content,
                    line: p.row + 1,
                    column: p.column + 1,
                });
            }
        }
        if !string && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Whether any string of the source could be a secret `classify` accepts:
/// a name that gives a literal that role, or a token of a key's length
/// mixing letters and digits. Most modules have neither, and then their
/// tree is not walked at all.
pub fn may_hold_secret(src: &str) -> bool {
    const NAMES: [&str; 6] = [
        "HONEYCOMB",
        "ROLLBAR",
        "rollbar",
        "AWS_SECRET",
        "honeycomb",
        "uthorization",
    ];
    if NAMES.iter().any(|n| src.contains(n)) {
        return true;
    }
    src.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| {
            w.len() >= 20
                && w.bytes().any(|b| b.is_ascii_digit())
                && w.bytes().any(|b| b.is_ascii_alphabetic())
        })
}

fn string_content(n: Node, src: &str) -> Option<String> {
    let mut c = n.walk();
    let parts: Vec<Node> = n.children(&mut c).collect();
    if n.kind_of() != "string" || parts.iter().any(|p| p.kind_of() == "interpolation") {
        return None;
    }
    Some(
        parts
            .iter()
            .filter(|p| p.kind_of() == "string_content")
            .map(|p| &src[p.byte_range()])
            .collect(),
    )
}

/// The name a string literal is given to, as `classify` understands it:
/// rollbar.init's token, a header, an environment variable's default.
fn literal_role(n: Node, src: &str) -> String {
    let text = |x: Node| src[x.byte_range()].split_whitespace().collect::<String>();
    let Some(parent) = n.parent() else {
        return String::new();
    };
    let callee = |args: Node| {
        args.parent()
            .filter(|c| c.kind_of() == "call")
            .and_then(|c| c.field("function"))
            .map(text)
            .unwrap_or_default()
    };
    let rollbar = |f: &str| f.ends_with("rollbar.init") || f == "init";
    match parent.kind_of() {
        "argument_list" => {
            let mut c = parent.walk();
            let args: Vec<Node> = parent
                .named_children(&mut c)
                .filter(|a| a.kind_of() != "comment")
                .collect();
            let idx = args.iter().position(|a| *a == n);
            let f = callee(parent);
            if rollbar(&f) && idx == Some(0) {
                return INIT.into();
            }
            let getenv = [
                "os.getenv",
                "getenv",
                "os.environ.get",
                "environ.get",
                "os.environ.setdefault",
            ];
            if getenv.contains(&f.as_str()) && idx == Some(1) {
                return args
                    .first()
                    .and_then(|a| string_content(*a, src))
                    .unwrap_or_default();
            }
        }
        "keyword_argument" => {
            let name = parent.field("name").map(text).unwrap_or_default();
            if name == "access_token" && parent.parent().is_some_and(|a| rollbar(&callee(a))) {
                return INIT.into();
            }
        }
        "pair" if parent.field("value") == Some(n) => {
            return parent
                .field("key")
                .and_then(|k| string_content(k, src))
                .unwrap_or_default();
        }
        "assignment" if parent.field("right") == Some(n) => {
            let target = parent.field("left").filter(|l| l.kind_of() == "subscript");
            return target
                .and_then(|t| t.field("subscript"))
                .and_then(|k| string_content(k, src))
                .unwrap_or_default();
        }
        _ => {}
    }
    String::new()
}
