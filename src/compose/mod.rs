//! The compose file: a typed, read-only view over `yaml_serde`, positions of
//! environment entries from the lossless `yaml-edit` tree, and (in `edit`)
//! format-preserving changes.

pub mod add_service;
pub mod dotenv;
pub mod edit;
pub mod interpolate;
pub mod limits;

use anyhow::Result;
use std::path::{Path, PathBuf};
use yaml_serde::Value;

/// File names docker compose looks for, in its order.
pub const FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

#[derive(Debug)]
pub struct ComposeFile {
    pub path: PathBuf,
    pub text: String,
    value: Value,
}

/// Why a compose file could not be used; `id` is the failure id doctor reports.
#[derive(Debug, Clone)]
pub struct ComposeError {
    pub id: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for ComposeError {}

/// One variable of a service's `environment`, as compose reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    /// `None`: the name alone (`- KEY` or `KEY:`), passed through from the shell.
    pub value: Option<String>,
    /// 1-based line in the compose file, when the entry is written in this service.
    pub line: Option<usize>,
}

impl ComposeFile {
    pub fn parse(path: &Path, text: String) -> Result<ComposeFile, ComposeError> {
        let text = limits::admit(path, text)?;
        let shown = path.display();
        let mut value: Value = yaml_serde::from_str(&text).map_err(|e| {
            let loc = e.location();
            let (line, column) = (loc.as_ref().map(|l| l.line()), loc.as_ref().map(|l| l.column()));
            let at = match (line, column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                _ => String::new(),
            };
            ComposeError {
                id: "compose-invalid",
                message: format!("{shown}{at}: not valid YAML: {e}. Fix the file (docker compose config shows the same error) and run again"),
                line,
                column,
            }
        })?;
        value.apply_merge().map_err(|e| ComposeError {
            id: "compose-invalid",
            message: format!("{shown}: a merge key `<<:` must name a mapping (`<<: *defaults`) or a list of them, as compose requires; here the YAML parser says: {e}"),
            line: None,
            column: None,
        })?;
        if !value.get("services").is_some_and(Value::is_mapping) {
            return Err(ComposeError {
                id: "compose-invalid",
                message: format!("{shown} has no `services:` mapping, so it defines no containers; is this the right compose file? (use --file)"),
                line: None,
                column: None,
            });
        }
        Ok(ComposeFile {
            path: path.to_path_buf(),
            text,
            value,
        })
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn service_names(&self) -> Vec<String> {
        self.services()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect()
    }

    fn services(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.value
            .get("services")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
    }

    pub fn service(&self, name: &str) -> Option<Service<'_>> {
        self.services()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| Service {
                name: name.to_string(),
                value: v,
                file: self,
            })
    }

    pub fn all_services(&self) -> Vec<Service<'_>> {
        self.service_names()
            .iter()
            .filter_map(|n| self.service(n))
            .collect()
    }
}

pub struct Service<'a> {
    pub name: String,
    value: &'a Value,
    file: &'a ComposeFile,
}

impl Service<'_> {
    /// The build context directory, resolved against the compose file's directory.
    pub fn build_context(&self) -> Option<PathBuf> {
        let build = self.value.get("build")?;
        let ctx = build
            .as_str()
            .or_else(|| build.get("context").and_then(Value::as_str))
            .unwrap_or(".");
        Some(self.file.dir().join(ctx))
    }

    pub fn dockerfile(&self) -> Option<PathBuf> {
        let ctx = self.build_context()?;
        let name = self
            .value
            .get("build")
            .and_then(|b| b.get("dockerfile"))
            .and_then(Value::as_str)
            .unwrap_or("Dockerfile");
        Some(ctx.join(name))
    }

    pub fn image(&self) -> Option<&str> {
        self.value.get("image").and_then(Value::as_str)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.value.get(key)
    }

    /// `command:` as argv words (a string is split on whitespace, like compose).
    pub fn command(&self) -> Option<Vec<String>> {
        match self.value.get("command")? {
            Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
            Value::Sequence(items) => Some(items.iter().map(scalar_text).collect()),
            _ => None,
        }
    }

    pub fn env_files(&self) -> Vec<String> {
        match self.value.get("env_file") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get("path").and_then(Value::as_str)))
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn environment(&self) -> Vec<EnvVar> {
        let lines = positions::env_lines(&self.file.text, &self.name);
        let line_of = |name: &str| lines.iter().find(|(n, _)| n == name).map(|(_, l)| *l);
        match self.value.get("environment") {
            Some(Value::Mapping(m)) => m
                .iter()
                .map(|(k, v)| {
                    let name = scalar_text(k);
                    let line = line_of(&name);
                    let value = if v.is_null() {
                        None
                    } else {
                        Some(scalar_text(v))
                    };
                    EnvVar { name, value, line }
                })
                .collect(),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|i| {
                    let item = scalar_text(i);
                    let (name, value) = match item.split_once('=') {
                        Some((n, v)) => (n.to_string(), Some(v.to_string())),
                        None => (item.clone(), None),
                    };
                    let line = line_of(&name);
                    EnvVar { name, value, line }
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Line of the service's own key, for findings about the service as a whole.
    pub fn line(&self) -> Option<usize> {
        positions::service_line(&self.file.text, &self.name)
    }
}

/// A scalar as compose would turn it into a string (numbers and booleans too).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => yaml_serde::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_string(),
    }
}

pub mod positions {
    //! Line numbers from the lossless tree; yaml_serde's values carry none.
    use std::str::FromStr;
    use yaml_edit::{Document, Mapping, YamlNode};

    pub(super) fn service_mapping(doc: &Document, service: &str) -> Option<(Mapping, usize)> {
        let services = doc.as_mapping()?.get_mapping("services")?;
        let entry = services.find_entry_by_key(service)?;
        let start = entry.key_node()?.byte_range().start as usize;
        Some((services.get_mapping(service)?, start))
    }

    pub fn service_line(text: &str, service: &str) -> Option<usize> {
        let doc = Document::from_str(text).ok()?;
        let (_, start) = service_mapping(&doc, service)?;
        Some(crate::fsutil::line_of(text, start))
    }

    /// (variable name, line) for each entry written in the service's environment.
    pub fn env_lines(text: &str, service: &str) -> Vec<(String, usize)> {
        let Ok(doc) = Document::from_str(text) else {
            return Vec::new();
        };
        let Some((svc, _)) = service_mapping(&doc, service) else {
            return Vec::new();
        };
        let Some(env) = svc.get("environment") else {
            return Vec::new();
        };
        let at = |node: &YamlNode| crate::fsutil::line_of(text, node.byte_range().start as usize);
        if let Some(m) = env.as_mapping() {
            m.entries()
                .filter_map(|e| {
                    let k = e.key_node()?;
                    Some((super::edit::node_text(&k), at(&k)))
                })
                .collect()
        } else if let Some(s) = env.as_sequence() {
            s.values()
                .map(|v| {
                    let item = super::edit::node_text(&v);
                    let name = item.split('=').next().unwrap_or_default().to_string();
                    (name, at(&v))
                })
                .collect()
        } else {
            Vec::new()
        }
    }
}
