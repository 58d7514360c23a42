//! Line numbers of a compose file, from one walk of yaml-edit's lossless
//! tree (yaml_serde's values carry no positions). Built once per file when it
//! is parsed; every later question is a lookup, never a re-parse.

use std::collections::HashMap;
use std::str::FromStr;
use yaml_edit::{Document, Mapping, YamlNode};

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
    /// Each entry written in the service's environment: (name, line).
    pub env: Vec<(String, usize)>,
    /// Items of the service's lists (`env_file`, `volumes`, `networks`, …):
    /// (key, the item's text, line). A mapping item is named by its first value.
    pub items: Vec<(String, String, usize)>,
}

impl Positions {
    pub fn build(text: &str) -> Positions {
        let Ok(doc) = Document::from_str(text) else {
            return Positions::default();
        };
        let lines = LineIndex::new(text);
        let at = |node: &YamlNode| lines.line(node.byte_range().start as usize);
        let mut out = Positions::default();
        let Some(root) = doc.as_mapping() else {
            return out;
        };
        for entry in root.entries() {
            let Some(key) = entry.key_node() else {
                continue;
            };
            let name = super::edit::node_text(&key);
            out.top.insert(name.clone(), at(&key));
            if name != "services" {
                continue;
            }
            let Some(services) = entry.value_node().and_then(|v| v.as_mapping().cloned()) else {
                continue;
            };
            for svc in services.entries() {
                let Some(skey) = svc.key_node() else { continue };
                let mut pos = ServicePos {
                    line: at(&skey),
                    ..ServicePos::default()
                };
                if let Some(body) = svc.value_node().and_then(|v| v.as_mapping().cloned()) {
                    walk_service(&body, &mut pos, &at);
                }
                out.services.insert(super::edit::node_text(&skey), pos);
            }
        }
        out
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
            .find(|(n, _)| n == var)
            .map(|(_, l)| *l)
    }
}

fn walk_service(body: &Mapping, pos: &mut ServicePos, at: &dyn Fn(&YamlNode) -> usize) {
    for e in body.entries() {
        let Some(k) = e.key_node() else { continue };
        let key = super::edit::node_text(&k);
        pos.keys.insert(key.clone(), at(&k));
        let Some(value) = e.value_node() else {
            continue;
        };
        if let Some(seq) = value.as_sequence() {
            for item in seq.values() {
                let text = match item.as_mapping() {
                    Some(m) => m.values().next().map(|v| super::edit::node_text(&v)),
                    None => Some(super::edit::node_text(&item)),
                };
                pos.items
                    .push((key.clone(), text.unwrap_or_default(), at(&item)));
            }
        }
        if key != "environment" {
            continue;
        }
        let env = value;
        if let Some(m) = env.as_mapping() {
            for var in m.entries() {
                if let Some(vk) = var.key_node() {
                    pos.env.push((super::edit::node_text(&vk), at(&vk)));
                }
            }
        } else if let Some(s) = env.as_sequence() {
            for item in s.values() {
                let text = super::edit::node_text(&item);
                let name = text.split('=').next().unwrap_or_default().to_string();
                pos.env.push((name, at(&item)));
            }
        }
    }
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
pub(super) fn service_mapping(doc: &Document, service: &str) -> Option<(Mapping, usize)> {
    let services = doc.as_mapping()?.get_mapping("services")?;
    let entry = services.find_entry_by_key(service)?;
    let start = entry.key_node()?.byte_range().start as usize;
    Some((services.get_mapping(service)?, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_services_keys_and_environment_entries() {
        let text = "version: '3'\nservices:\n  web:\n    image: x\n  api:\n    build: ./api\n    environment:\n      A: 1\n      # note\n      B: two\n  db:\n    environment:\n      - C=3\n      - D\nnetworks:\n  n: {}\n";
        let p = Positions::build(text);
        assert_eq!(p.top_key("services"), Some(2));
        assert_eq!(p.top_key("networks"), Some(15));
        assert_eq!(p.service_line("web"), Some(3));
        assert_eq!(p.key_line("api", "build"), Some(6));
        assert_eq!(p.env_line("api", "B"), Some(10));
        assert_eq!(p.env_line("db", "C"), Some(13));
        assert_eq!(p.env_line("db", "D"), Some(14));
        assert_eq!(p.env_line("db", "A"), None);
        assert_eq!(p.item_line("db", "environment", "D"), Some(14));
    }

    #[test]
    fn crlf_and_flow_style() {
        let text = "services:\r\n  api:\r\n    environment: {A: \"1\", B: x}\r\n";
        let p = Positions::build(text);
        assert_eq!(p.service_line("api"), Some(2));
        assert_eq!(p.env_line("api", "B"), Some(3));
    }

    #[test]
    fn line_index_matches_a_scan() {
        let text = "a\nbb\n\nccc\n";
        let idx = LineIndex::new(text);
        for off in 0..text.len() {
            assert_eq!(idx.line(off), crate::fsutil::line_of(text, off), "{off}");
        }
    }
}
