//! The failure catalogue: every id doctor can report, and its documentation.
//!
//! Each entry is written next to its id (as ruff documents a rule next to
//! its code): severity, category, whether `doctor --fix` can repair it,
//! whether it needs the network, what is wrong, why it breaks, THE fix text
//! used wherever the id is reported, and a before/after example.
//! `docs/failures.md` and `cruddur-obs explain` are generated from it.
//!
//! Ids are interface: never rename or reuse one. One file per section keeps
//! each file readable; their order is the order of the docs.

mod code;
mod collector;
mod compose_env;
mod compose_file;
mod deps;
mod layout;
mod logs;
mod network;
pub mod placeholders;
pub mod render;
mod secrets;
mod stack;
mod xray;

use super::finding::{Category, Severity};
use std::sync::LazyLock;

pub use placeholders::fill;

/// One failure id and everything a user needs to understand and fix it.
pub struct Entry {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// `doctor --fix` can repair it with a format-preserving edit.
    pub fixable: bool,
    /// Only a network check finds it (skipped with `--offline`).
    pub network: bool,
    /// What is wrong, one line.
    pub summary: &'static str,
    /// Why it breaks: what the SDK, compose or the collector actually does.
    pub why: &'static str,
    /// The one remedy for this id; may hold the placeholders of
    /// [`placeholders::NAMES`], filled by [`Entry::fix_with`].
    pub fix: &'static str,
    pub example: Example,
}

/// A wrong snippet and the right one, in the language of the file at fault.
pub struct Example {
    pub lang: Lang,
    pub before: &'static str,
    pub after: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Compose,
    Python,
    Dockerfile,
    Dotenv,
    CollectorConfig,
    Requirements,
    Shell,
    Log,
}

impl Lang {
    /// What the snippet is, as a reader would say it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Compose => "compose YAML",
            Lang::Python => "Python",
            Lang::Dockerfile => "Dockerfile",
            Lang::Dotenv => ".env",
            Lang::CollectorConfig => "collector YAML",
            Lang::Requirements => "requirements.txt",
            Lang::Shell => "shell",
            Lang::Log => "log",
        }
    }

    /// The Markdown fence's info string.
    pub fn fence(self) -> &'static str {
        match self {
            Lang::Compose | Lang::CollectorConfig => "yaml",
            Lang::Python => "python",
            Lang::Dockerfile => "dockerfile",
            Lang::Dotenv | Lang::Shell => "sh",
            Lang::Requirements | Lang::Log => "text",
        }
    }
}

impl Entry {
    /// The fix text with the given placeholder values; any placeholder not
    /// given reads as its generic phrase, so no `{name}` ever reaches a user.
    pub fn fix_with(&self, values: &[(&str, &str)]) -> String {
        fill(self.fix, values)
    }
}

/// The sections, in the order of the docs and of doctor's report.
const SECTIONS: [&[Entry]; 11] = [
    layout::ENTRIES,
    compose_env::ENTRIES,
    compose_file::ENTRIES,
    collector::ENTRIES,
    secrets::ENTRIES,
    deps::ENTRIES,
    code::ENTRIES,
    xray::ENTRIES,
    logs::ENTRIES,
    network::ENTRIES,
    stack::ENTRIES,
];

/// Every entry, grouped by category (in `Category::ALL` order), each
/// section in its file's order.
pub static CATALOGUE: LazyLock<Vec<&'static Entry>> = LazyLock::new(|| {
    let mut all: Vec<&'static Entry> = SECTIONS.iter().flat_map(|s| s.iter()).collect();
    // Stable: entries of one category keep their written order.
    all.sort_by_key(|e| Category::ALL.iter().position(|c| *c == e.category));
    all
});

/// The entry for `id`, if there is one.
pub fn find(id: &str) -> Option<&'static Entry> {
    CATALOGUE.iter().copied().find(|e| e.id == id)
}

/// The entry for an id the code reports; an unknown id is a bug.
pub fn entry(id: &str) -> &'static Entry {
    find(id).unwrap_or_else(|| panic!("unknown failure id {id}"))
}

#[cfg(test)]
mod tests;
