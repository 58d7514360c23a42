//! A collector's config as the collector reads it: every file it is given,
//! merged in order (mappings deeply, anything else replaced), with the line
//! of any key for findings, the components each pipeline names, and the
//! `${env:VAR}` references the collector expands from its environment.

use super::{Collector, ConfigPath, Source};
use crate::compose::merge::merge_values;
use crate::compose::positions::LineIndex;
use crate::compose::scalar_text;
use crate::doctor::checks::compose_file::mounts::absent;
use crate::doctor::Ctx;
use std::str::FromStr;
use yaml_edit::Document;
use yaml_serde::Value;

pub(crate) struct ConfigFile {
    pub path: ConfigPath,
    /// The host path as shown to users.
    pub shown: String,
    pub text: String,
}

pub(crate) struct Config {
    pub files: Vec<ConfigFile>,
    pub merged: Value,
}

/// Why there is no config to read.
pub(crate) enum Problem {
    /// The host file is missing (or is the empty directory docker made).
    Missing {
        path: Box<ConfigPath>,
        why: &'static str,
    },
    /// `--config` names a container path nothing provides.
    Unmounted {
        container: String,
        at: (String, Option<usize>),
    },
    /// Not YAML, or not a mapping at the top.
    Invalid {
        shown: String,
        line: Option<usize>,
        message: String,
    },
    /// The config built into the image: nothing of the project's to read.
    Builtin(String),
    /// Where the config comes from cannot be told (a named volume, a variable).
    Unknown(String),
    /// The file exists but cannot be read.
    Unreadable(String),
}

impl Problem {
    /// The reason a check that needs the config gives for having no verdict.
    pub fn reason(&self) -> String {
        match self {
            Problem::Missing { path, why } => {
                format!("the collector config {} {why}", path.written)
            }
            Problem::Unmounted { container, .. } => {
                format!("no volume provides the collector config {container}")
            }
            Problem::Invalid { shown, message, .. } => {
                format!("the collector config {shown} is not valid: {message}")
            }
            Problem::Builtin(why) | Problem::Unknown(why) | Problem::Unreadable(why) => why.clone(),
        }
    }
}

pub(crate) fn load(ctx: &Ctx, c: &Collector) -> Result<Config, Problem> {
    let paths = match &c.source {
        Source::Files(p) => p.clone(),
        Source::Builtin(why) => return Err(Problem::Builtin(why.clone())),
        Source::Unknown(why) => return Err(Problem::Unknown(why.clone())),
        Source::Unmounted { container, at } => {
            return Err(Problem::Unmounted {
                container: container.clone(),
                at: at.clone(),
            })
        }
    };
    let mut files = Vec::new();
    let mut merged = Value::Null;
    for path in paths {
        if let Some(why) = absent(&path.host) {
            return Err(Problem::Missing {
                path: Box::new(path),
                why,
            });
        }
        let shown = ctx.project.display(&path.host);
        let text = std::fs::read_to_string(&path.host)
            .map_err(|e| Problem::Unreadable(format!("cannot read {shown}: {e}")))?;
        let value: Value = yaml_serde::from_str(&text).map_err(|e| Problem::Invalid {
            shown: shown.clone(),
            line: e.location().map(|l| l.line()),
            message: format!(
                "not valid YAML: {}",
                e.to_string().split(" at line ").next().unwrap_or_default()
            ),
        })?;
        if !value.is_mapping() {
            return Err(Problem::Invalid {
                shown,
                line: None,
                message: "its top level is not a mapping".into(),
            });
        }
        merged = merge_values(merged, value);
        files.push(ConfigFile { path, shown, text });
    }
    Ok(Config { files, merged })
}

/// `otlp/honeycomb` → `otlp`.
pub(crate) fn kind(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

impl Config {
    /// The component ids defined in a section (`receivers`, `exporters`, …).
    pub fn defined(&self, section: &str) -> Vec<String> {
        match self.merged.get(section) {
            Some(Value::Mapping(m)) => m.keys().map(scalar_text).collect(),
            _ => Vec::new(),
        }
    }

    pub fn component(&self, section: &str, id: &str) -> Option<&Value> {
        self.merged.get(section)?.get(id)
    }

    /// Every pipeline: (name, receivers, processors, exporters).
    pub fn pipelines(&self) -> Vec<(String, [Vec<String>; 3])> {
        let Some(Value::Mapping(p)) = self.merged.get("service").and_then(|s| s.get("pipelines"))
        else {
            return Vec::new();
        };
        let list = |v: &Value, k: &str| match v.get(k) {
            Some(Value::Sequence(items)) => items.iter().map(scalar_text).collect(),
            _ => Vec::new(),
        };
        p.iter()
            .map(|(name, v)| {
                (
                    scalar_text(name),
                    [
                        list(v, "receivers"),
                        list(v, "processors"),
                        list(v, "exporters"),
                    ],
                )
            })
            .collect()
    }

    /// Whether a pipeline uses the component (true when no pipeline can be
    /// read: every defined component is then taken as used).
    pub fn used(&self, section: &str, id: &str) -> bool {
        let at = match section {
            "receivers" => 0,
            "processors" => 1,
            _ => 2,
        };
        let pipelines = self.pipelines();
        pipelines.is_empty()
            || pipelines
                .iter()
                .any(|(_, lists)| lists[at].iter().any(|c| c == id))
    }

    /// The file (the last that writes it, as it wins the merge) and line of
    /// a key path.
    pub fn locate(&self, path: &[&str]) -> (String, Option<usize>) {
        for f in self.files.iter().rev() {
            if let Some(line) = key_line(&f.text, path) {
                return (f.shown.clone(), Some(line));
            }
        }
        let first = self
            .files
            .first()
            .map(|f| f.shown.clone())
            .unwrap_or_default();
        (first, None)
    }

    /// The file that writes a key path (for edits).
    pub fn file_of(&self, path: &[&str]) -> Option<&ConfigFile> {
        self.files
            .iter()
            .rev()
            .find(|f| key_line(&f.text, path).is_some())
    }

    /// Every `${env:VAR}` / `${VAR}` in string values (comments never
    /// count): (name, has a default, the value it is in).
    pub fn env_refs(&self) -> Vec<(String, bool, String)> {
        let mut out = Vec::new();
        walk_strings(&self.merged, &mut |s| {
            for (name, default) in env_refs(s) {
                if !out
                    .iter()
                    .any(|(n, _, _): &(String, bool, String)| *n == name)
                {
                    out.push((name, default, s.to_string()));
                }
            }
        });
        out
    }
}

fn walk_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Sequence(items) => items.iter().for_each(|i| walk_strings(i, f)),
        Value::Mapping(m) => m.values().for_each(|i| walk_strings(i, f)),
        Value::Tagged(t) => walk_strings(&t.value, f),
        _ => {}
    }
}

/// `${env:NAME}`, `${env:NAME:-default}`, `${NAME}` in one value; `$${…}`
/// is the collector's escape for a literal `${…}`. Other providers
/// (`${file:…}`, `${http:…}`) are not variables.
pub(crate) fn env_refs(s: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(off) = s[i..].find("${") {
        let at = i + off;
        i = at + 2;
        if at > 0 && bytes[at - 1] == b'$' {
            continue;
        }
        let Some(end) = s[at..].find('}') else { break };
        let inner = &s[at + 2..at + end];
        let inner = match inner.split_once(':') {
            Some(("env", rest)) => rest,
            Some((scheme, _))
                if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                continue
            }
            _ => inner,
        };
        let (name, default) = match inner.split_once(":-") {
            Some((n, _)) => (n, true),
            None => (inner, false),
        };
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if valid {
            out.push((name.to_string(), default));
        }
    }
    out
}

/// The 1-based line of a key path in a YAML text.
pub(crate) fn key_line(text: &str, path: &[&str]) -> Option<usize> {
    let doc = Document::from_str(text).ok()?;
    let mut map = doc.as_mapping()?;
    for (i, k) in path.iter().enumerate() {
        let entry = map.find_entry_by_key(*k)?;
        if i + 1 == path.len() {
            let start = entry.key_node()?.byte_range().start as usize;
            return Some(LineIndex::new(text).line(start));
        }
        map = entry.value_node()?.as_mapping()?.clone();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_in_collector_syntax() {
        assert_eq!(
            env_refs("${env:HONEYCOMB_API_KEY}"),
            vec![("HONEYCOMB_API_KEY".into(), false)]
        );
        assert_eq!(
            env_refs("http://${FRONTEND}:3000"),
            vec![("FRONTEND".into(), false)]
        );
        assert_eq!(env_refs("${env:PORT:-4318}"), vec![("PORT".into(), true)]);
        assert!(env_refs("$${env:LITERAL}").is_empty());
        assert!(env_refs("${file:/run/secrets/key}").is_empty());
        assert!(env_refs("plain").is_empty());
    }

    #[test]
    fn key_lines_follow_the_path() {
        let text = "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: x\nexporters:\n  \"otlp/hc\":\n    headers: {}\n";
        assert_eq!(
            key_line(text, &["receivers", "otlp", "protocols", "http"]),
            Some(4)
        );
        assert_eq!(
            key_line(text, &["exporters", "otlp/hc", "headers"]),
            Some(8)
        );
        assert_eq!(key_line(text, &["exporters", "debug"]), None);
    }
}
