//! Line numbers of a compose file (yaml_serde's values carry none), from one
//! pass over its lines, built once when the file is parsed; every later
//! question is a lookup. A line scan rather than yaml-edit's lossless tree:
//! that tree is mutable, and each node's offset is recomputed from its
//! siblings, so asking it for every service's lines costs the square of
//! the file's size. Block style (what compose files use) is read exactly;
//! an entry inside a flow collection (`environment: {A: 1}`) gets its key's
//! line. Positions only place findings: the values come from yaml_serde.

use std::collections::HashMap;

/// 1-based lines of the places findings point at.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    top: HashMap<String, usize>,
    services: HashMap<String, ServicePos>,
}

#[derive(Debug, Default, Clone)]
pub struct ServicePos {
    pub line: usize,
    /// The service's own keys (`environment`, `command`, …).
    pub keys: HashMap<String, usize>,
    /// Each entry written in the service's environment, in order.
    pub env: Vec<EnvPos>,
    /// Items of the service's lists (`env_file`, `volumes`, `networks`, …):
    /// (key, the item's text, line). A mapping item is named by its first value.
    pub items: Vec<(String, String, usize)>,
}

/// One `environment` entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPos {
    pub name: String,
    pub line: usize,
    /// The value as written after `NAME:` in a block mapping (quotes kept,
    /// a trailing comment dropped); `None` in list form or when absent.
    pub raw: Option<String>,
}

/// A key of the path down to the current line, with its indentation.
struct Frame {
    indent: usize,
    key: String,
}

impl Positions {
    pub fn build(text: &str) -> Positions {
        let mut out = Positions::default();
        let mut stack: Vec<Frame> = Vec::new();
        // A block scalar (`|`, `>`) or a multi-line flow collection: lines
        // that belong to a value, not keys.
        let mut block_above: Option<usize> = None;
        let mut flow_depth: i32 = 0;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            let line = line.trim_end_matches('\r');
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if flow_depth > 0 {
                flow_depth += brackets(trimmed);
                continue;
            }
            if let Some(above) = block_above {
                if trimmed.is_empty() || indent > above {
                    continue;
                }
                block_above = None;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
                stack.clear();
                continue;
            }
            let (item, content, content_indent) = match trimmed.strip_prefix('-') {
                Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => {
                    let after = rest.trim_start();
                    (true, after, indent + 1 + (rest.len() - after.len()))
                }
                _ => (false, trimmed, indent),
            };
            // A list item may sit at its key's own indentation.
            while stack
                .last()
                .is_some_and(|f| f.indent > indent || (!item && f.indent == indent))
            {
                stack.pop();
            }
            let path: Vec<&str> = stack.iter().map(|f| f.key.as_str()).collect();
            let entry = split_key(content);
            if item {
                out.item(&path, content, entry.as_ref(), n);
            } else if let Some((key, _)) = &entry {
                out.key(&path, key, entry.as_ref().and_then(|(_, v)| v.clone()), n);
            }
            let Some((key, value)) = entry else {
                continue;
            };
            match value.as_deref().map(str::trim) {
                None => stack.push(Frame {
                    indent: content_indent,
                    key,
                }),
                // `key: &anchor` still opens a nested block.
                Some(v) if v.starts_with('&') && !v.contains(' ') => stack.push(Frame {
                    indent: content_indent,
                    key,
                }),
                Some(v) if v.starts_with(['|', '>']) => block_above = Some(content_indent),
                Some(v) if v.starts_with(['{', '[']) => {
                    flow_depth = brackets(v).max(0);
                    if flow_depth == 0 && key == "environment" && v.starts_with('{') {
                        out.flow_env(&path, &v[1..v.len().saturating_sub(1)], n);
                    }
                }
                Some(_) => {}
            }
        }
        out
    }

    fn key(&mut self, path: &[&str], key: &str, raw: Option<String>, line: usize) {
        match path {
            [] => {
                self.top.insert(key.to_string(), line);
            }
            ["services"] => {
                self.services.insert(
                    key.to_string(),
                    ServicePos {
                        line,
                        ..ServicePos::default()
                    },
                );
            }
            ["services", svc] => {
                if let Some(s) = self.services.get_mut(*svc) {
                    s.keys.insert(key.to_string(), line);
                }
            }
            ["services", svc, "environment"] => {
                if let Some(s) = self.services.get_mut(*svc) {
                    s.env.push(EnvPos {
                        name: key.to_string(),
                        line,
                        raw,
                    });
                }
            }
            _ => {}
        }
    }

    /// `environment: {A: "1", B: x}` on one line: each entry on that line.
    fn flow_env(&mut self, path: &[&str], inner: &str, line: usize) {
        let ["services", svc] = path else {
            return;
        };
        let Some(s) = self.services.get_mut(*svc) else {
            return;
        };
        for part in split_outside_quotes(inner, ',') {
            if let Some((name, raw)) = split_key(part.trim()) {
                s.env.push(EnvPos { name, line, raw });
            }
        }
    }

    fn item(
        &mut self,
        path: &[&str],
        content: &str,
        entry: Option<&(String, Option<String>)>,
        line: usize,
    ) {
        let ["services", svc, key] = path else {
            return;
        };
        let Some(s) = self.services.get_mut(*svc) else {
            return;
        };
        let text = match entry {
            // `- path: ./x` names the item by its first value.
            Some((_, Some(v))) => unquote(v),
            _ => unquote(strip_comment(content)),
        };
        if *key == "environment" {
            let name = text.split('=').next().unwrap_or_default().to_string();
            s.env.push(EnvPos {
                name,
                line,
                raw: None,
            });
        }
        s.items.push((key.to_string(), text, line));
    }

    pub fn top_key(&self, key: &str) -> Option<usize> {
        self.top.get(key).copied()
    }

    pub fn service(&self, name: &str) -> Option<&ServicePos> {
        self.services.get(name)
    }

    pub fn service_line(&self, name: &str) -> Option<usize> {
        self.services.get(name).map(|s| s.line)
    }

    pub fn key_line(&self, service: &str, key: &str) -> Option<usize> {
        self.services.get(service)?.keys.get(key).copied()
    }

    /// Line of the item of `service.key` whose text is `item`.
    pub fn item_line(&self, service: &str, key: &str, item: &str) -> Option<usize> {
        self.services
            .get(service)?
            .items
            .iter()
            .find(|(k, t, _)| k == key && t == item)
            .map(|(_, _, l)| *l)
    }

    pub fn env_line(&self, service: &str, var: &str) -> Option<usize> {
        self.services
            .get(service)?
            .env
            .iter()
            .find(|e| e.name == var)
            .map(|e| e.line)
    }
}

/// `key: value` / `key:` (a quoted key unquoted), or `None` when the text is
/// a plain scalar. The value keeps its quotes; a comment is dropped.
fn split_key(content: &str) -> Option<(String, Option<String>)> {
    let (key, rest) = if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(q)? + 1;
        (content[1..end].to_string(), &content[end + 1..])
    } else {
        let at = colon(content)?;
        (content[..at].trim_end().to_string(), &content[at..])
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let value = strip_comment(rest).trim();
    Some((key, (!value.is_empty()).then(|| value.to_string())))
}

/// The first `:` that ends a plain key (followed by a blank or the line's end).
fn colon(content: &str) -> Option<usize> {
    let b = content.as_bytes();
    (0..b.len())
        .find(|&i| b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\t'))
        .filter(|&i| !content[..i].contains(['{', '[', '"', '\'', '#']))
}

/// The text before a ` #` comment, outside quotes.
fn strip_comment(s: &str) -> &str {
    let mut quote = None;
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'#') if i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t' => {
                return s[..i].trim_end()
            }
            _ => {}
        }
    }
    s.trim_end()
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quote, mut start) = (None, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == sep => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    match t.as_bytes() {
        [q @ (b'"' | b'\''), .., e] if q == e && t.len() >= 2 => t[1..t.len() - 1].to_string(),
        _ => t.to_string(),
    }
}

/// Net opening brackets of a flow collection on one line, outside quotes.
fn brackets(s: &str) -> i32 {
    let mut depth = 0;
    let mut quote = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Byte offset → line, by binary search over the line starts (a scan from
/// the start per question would make big files quadratic).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The service's mapping node and the byte offset of its key, for edits.
pub(super) fn service_mapping(
    doc: &yaml_edit::Document,
    service: &str,
) -> Option<(yaml_edit::Mapping, usize)> {
    let services = doc.as_mapping()?.get_mapping("services")?;
    let entry = services.find_entry_by_key(service)?;
    let start = entry.key_node()?.byte_range().start as usize;
    Some((services.get_mapping(service)?, start))
}

#[cfg(test)]
#[path = "positions_tests.rs"]
mod tests;
