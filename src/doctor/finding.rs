//! A finding is data: what is wrong, where, the evidence, the fix in words,
//! and (for fixable ids) the edit that repairs it. Rendering is elsewhere.

use super::catalogue;
use crate::compose::edit::EnvOp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Layout,
    ComposeEnv,
    Secrets,
    Dependencies,
    Code,
    Network,
    Stack,
    Logs,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Layout => "Project layout",
            Category::ComposeEnv => "Compose environment",
            Category::Secrets => "Keys and secrets",
            Category::Dependencies => "Python dependencies and image",
            Category::Code => "Backend code",
            Category::Network => "Network",
            Category::Stack => "Running stack",
            Category::Logs => "Application logs",
        }
    }

    pub const ALL: [Category; 8] = [
        Category::Layout,
        Category::ComposeEnv,
        Category::Secrets,
        Category::Dependencies,
        Category::Code,
        Category::Network,
        Category::Stack,
        Category::Logs,
    ];
}

/// A repair, applied through the same plan/writer init uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Change the backend service's compose environment.
    Env(Vec<EnvOp>),
    /// Add packages to the backend's requirements.
    AddPackages(Vec<String>),
    /// Replace `from` with `to` on one line of a file (1-based line).
    ReplaceOnLine {
        path: std::path::PathBuf,
        line: usize,
        from: String,
        to: String,
    },
    /// Store a secret in the project .env (moved out of a tracked file).
    StoreInDotenv { name: String, value: String },
    /// chmod 600 the project .env.
    DotenvPermissions,
    /// Add `.env` to .gitignore.
    IgnoreDotenv,
    /// Delete a temp file an interrupted run left (it holds a secret).
    RemoveFile(std::path::PathBuf),
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub evidence: Option<String>,
    pub fix: String,
    pub fixable: bool,
    #[serde(skip)]
    pub edits: Vec<Fix>,
}

impl Finding {
    /// Severity and category come from the catalogue, so an id always
    /// reports the same way.
    pub fn new(id: &'static str, title: impl Into<String>) -> Finding {
        let e = catalogue::entry(id);
        Finding {
            id,
            severity: e.severity,
            category: e.category,
            title: title.into(),
            file: None,
            line: None,
            column: None,
            evidence: None,
            fix: String::new(),
            fixable: false,
            edits: Vec::new(),
        }
    }

    pub fn file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, file: impl Into<String>, line: Option<usize>) -> Finding {
        self.file = Some(file.into());
        self.line = line;
        self
    }

    pub fn column(mut self, column: Option<usize>) -> Finding {
        self.column = column;
        self
    }

    pub fn evidence(mut self, evidence: impl Into<String>) -> Finding {
        self.evidence = Some(evidence.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }

    /// Attaches the repair; only ids the catalogue marks fixable take one.
    pub fn edit(mut self, edit: Fix) -> Finding {
        debug_assert!(
            catalogue::entry(self.id).fixable,
            "{} is not fixable",
            self.id
        );
        self.edits.push(edit);
        self.fixable = true;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        })
    }
}
