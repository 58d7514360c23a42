//! One service of the merged compose project: its merged values, and for
//! each key or variable the file and line it was last written in.

use super::file::EnvVar;
use super::merge::ServiceDef;
use super::project::ComposeProject;
use super::scalar_text;
use std::path::PathBuf;
use yaml_serde::Value;

/// One service of the merged project.
#[derive(Clone, Copy)]
pub struct Service<'a> {
    pub def: &'a ServiceDef,
    pub project: &'a ComposeProject,
}

impl<'a> Service<'a> {
    pub fn name(&self) -> &'a str {
        &self.def.name
    }

    pub fn value(&self) -> &'a Value {
        &self.def.value
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.def.value.get(key)
    }

    pub fn image(&self) -> Option<&'a str> {
        self.get("image").and_then(Value::as_str)
    }

    /// The build context directory, resolved against the project directory.
    pub fn build_context(&self) -> Option<PathBuf> {
        let build = self.get("build")?;
        let ctx = build
            .as_str()
            .or_else(|| build.get("context").and_then(Value::as_str))
            .unwrap_or(".");
        Some(self.project.dir.join(ctx))
    }

    pub fn dockerfile(&self) -> Option<PathBuf> {
        let ctx = self.build_context()?;
        let name = self
            .get("build")
            .and_then(|b| b.get("dockerfile"))
            .and_then(Value::as_str)
            .unwrap_or("Dockerfile");
        Some(ctx.join(name))
    }

    /// `command:` as argv words (a string is split on whitespace, like compose).
    pub fn command(&self) -> Option<Vec<String>> {
        words(self.get("command")?)
    }

    pub fn entrypoint(&self) -> Option<Vec<String>> {
        words(self.get("entrypoint")?)
    }

    /// `env_file:` entries as written.
    pub fn env_files(&self) -> Vec<String> {
        match self.get("env_file") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get("path").and_then(Value::as_str)))
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether an `env_file` entry may be absent (`required: false`).
    pub fn env_file_optional(&self, entry: &str) -> bool {
        matches!(self.get("env_file"), Some(Value::Sequence(items)) if items.iter().any(|i| {
            i.get("path").and_then(Value::as_str) == Some(entry)
                && i.get("required").and_then(Value::as_bool) == Some(false)
        }))
    }

    /// The merged environment, each variable with its file and line.
    pub fn environment(&self) -> Vec<EnvVar> {
        self.def.env.clone()
    }

    pub fn env(&self) -> &'a [EnvVar] {
        &self.def.env
    }

    /// The file that defines the service, and the line of its key there.
    pub fn place(&self) -> (usize, Option<usize>) {
        let f = self.def.file;
        (
            f,
            self.project.files[f]
                .positions
                .service_line(&self.def.name_in_file),
        )
    }

    /// Line of the service's own key in its defining file.
    pub fn line(&self) -> Option<usize> {
        self.place().1
    }

    /// Where `key` of this service was last written (file, line); the
    /// service's own place when the key is absent.
    pub fn key_place(&self, key: &str) -> (usize, Option<usize>) {
        match self.def.key_file.get(key) {
            Some((f, name)) => {
                let f = *f;
                let line = self.project.files[f].positions.key_line(name, key);
                (
                    f,
                    line.or_else(|| self.project.files[f].positions.service_line(name)),
                )
            }
            None => self.place(),
        }
    }

    /// Where one item of a list key (an `env_file` entry, a volume) is
    /// written; the key's place when the item is not found as written.
    pub fn item_location(&self, key: &str, item: &str) -> (String, Option<usize>) {
        let (f, line) = self.key_place(key);
        let name = self
            .def
            .key_file
            .get(key)
            .map_or(self.def.name_in_file.as_str(), |(_, n)| n.as_str());
        let at = self.project.files[f].positions.item_line(name, key, item);
        (self.project.display(f), at.or(line))
    }

    /// `file:line` of a key, for evidence and locations.
    pub fn key_location(&self, key: &str) -> (String, Option<usize>) {
        let (f, line) = self.key_place(key);
        (self.project.display(f), line)
    }
}

fn words(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        Value::Sequence(items) => Some(items.iter().map(scalar_text).collect()),
        _ => None,
    }
}
