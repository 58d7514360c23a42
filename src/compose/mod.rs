//! Compose: one file parsed once (`file`: typed value + `positions` from one
//! walk of the lossless tree), the project compose builds from several files
//! (`project`, `merge`), compose's interpolation and `.env` rules, and (in
//! `edit`, `add_service`) format-preserving changes.

pub mod add_service;
pub mod dotenv;
pub mod edit;
pub mod file;
pub mod interpolate;
pub mod limits;
pub mod merge;
pub mod positions;
pub mod project;
pub mod select;
pub mod service;

pub use file::{ComposeError, ComposeFile, EnvVar, FileService};
pub use project::{ComposeProject, Role, Selection, Service};
use yaml_serde::Value;

/// Default file names, in compose v2's order of preference.
pub const FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

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
