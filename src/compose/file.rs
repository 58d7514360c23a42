//! One compose file, parsed once: the text, its typed value (merge keys
//! applied) and the positions of what findings point at. `project` combines
//! several of these the way compose does.

use super::positions::Positions;
use super::scalar_text;
use std::path::{Path, PathBuf};
use yaml_serde::Value;

#[derive(Debug)]
pub struct ComposeFile {
    pub path: PathBuf,
    pub text: String,
    pub value: Value,
    pub positions: Positions,
}

/// Why a compose file could not be used; `id` is the failure id doctor reports.
#[derive(Debug, Clone)]
pub struct ComposeError {
    pub id: &'static str,
    pub message: String,
    /// The message without the file and position, for reports that show
    /// those on their own.
    pub detail: Option<String>,
    pub path: Option<PathBuf>,
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
    /// 1-based line in the file that wrote it.
    pub line: Option<usize>,
    /// Index of that file in the project's files (0 for a lone file).
    pub file: usize,
    /// Written as a list item (`- KEY=value`), where quotes stay in the value.
    pub list_form: bool,
}

impl ComposeFile {
    pub fn parse(path: &Path, text: String) -> Result<ComposeFile, ComposeError> {
        let text = super::limits::admit(path, text)?;
        let shown = path.display();
        let invalid = |message: String, line, column| ComposeError {
            id: "compose-invalid",
            message,
            detail: None,
            path: Some(path.to_path_buf()),
            line,
            column,
        };
        let mut value: Value = yaml_serde::from_str(&text).map_err(|e| {
            let loc = e.location();
            let (line, column) = (
                loc.as_ref().map(|l| l.line()),
                loc.as_ref().map(|l| l.column()),
            );
            // The location is reported in its own fields; the message keeps
            // only what is wrong, so it is not said twice.
            let what = e.to_string();
            let what = what.split(" at line ").next().unwrap_or(&what).to_string();
            let at = match (line, column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                _ => String::new(),
            };
            ComposeError {
                detail: Some(format!("not valid YAML: {what}")),
                ..invalid(format!("{shown}{at}: not valid YAML: {what}"), line, column)
            }
        })?;
        value.apply_merge().map_err(|e| {
            invalid(
                format!("{shown}: a merge key (<<) does not merge a mapping: {e}"),
                None,
                None,
            )
        })?;
        if !value.is_mapping() && !value.is_null() {
            return Err(invalid(
                format!("{shown} is not a compose file: its top level is not a mapping"),
                None,
                None,
            ));
        }
        if value
            .get("services")
            .is_some_and(|s| !s.is_mapping() && !s.is_null())
        {
            return Err(invalid(
                format!("{shown}: `services:` is not a mapping of service names"),
                None,
                None,
            ));
        }
        let positions = Positions::build(&text);
        Ok(ComposeFile {
            path: path.to_path_buf(),
            text,
            value,
            positions,
        })
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn has_services(&self) -> bool {
        self.value.get("services").is_some_and(Value::is_mapping)
    }

    pub fn service_names(&self) -> Vec<String> {
        self.services()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect()
    }

    pub(super) fn services(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.value
            .get("services")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
    }

    /// A service exactly as this one file writes it.
    pub fn service(&self, name: &str) -> Option<FileService<'_>> {
        // A hashed lookup: asked once per service, a scan would be quadratic.
        self.value
            .get("services")?
            .as_mapping()?
            .get(name)
            .map(|v| FileService {
                name: name.to_string(),
                value: v,
                file: self,
            })
    }
}

/// A service as written in one file (before other files are merged in).
pub struct FileService<'a> {
    pub name: String,
    pub value: &'a Value,
    pub file: &'a ComposeFile,
}

impl FileService<'_> {
    pub fn environment(&self) -> Vec<EnvVar> {
        env_entries(self.value, &self.file.positions, &self.name, 0)
    }
}

/// The `environment` of a service value, each entry with its line.
pub(super) fn env_entries(
    service: &Value,
    positions: &Positions,
    name: &str,
    file: usize,
) -> Vec<EnvVar> {
    let line_of = |var: &str| positions.env_line(name, var);
    match service.get("environment") {
        Some(Value::Mapping(m)) => m
            .iter()
            .map(|(k, v)| {
                let name = scalar_text(k);
                EnvVar {
                    line: line_of(&name),
                    value: (!v.is_null()).then(|| scalar_text(v)),
                    name,
                    file,
                    list_form: false,
                }
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
                EnvVar {
                    line: line_of(&name),
                    name,
                    value,
                    file,
                    list_form: true,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}
