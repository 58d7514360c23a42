//! A diagnosis: the findings, and what each check concluded (passed, found,
//! skipped or could not check: never a silent pass).

use super::{Category, Checked, Finding, Severity, Unsure};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Found { count: usize },
    CouldNotCheck { reason: String },
    Skipped { reason: String },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckResult {
    pub name: &'static str,
    #[serde(skip)]
    pub title: &'static str,
    pub category: Category,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Default)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub results: Vec<CheckResult>,
}

impl Diagnosis {
    pub fn record(
        &mut self,
        name: &'static str,
        title: &'static str,
        category: Category,
        checked: Checked,
    ) {
        let outcome = match checked {
            Ok(found) if found.is_empty() => Outcome::Passed,
            Ok(found) => {
                let count = found.len();
                self.findings.extend(found);
                Outcome::Found { count }
            }
            Err(Unsure::CouldNotCheck(reason)) => Outcome::CouldNotCheck { reason },
            Err(Unsure::Skipped(reason)) => Outcome::Skipped { reason },
        };
        self.results.push(CheckResult {
            name,
            title,
            category,
            outcome,
        });
    }

    /// Records a check that is not in the offline registry (network, logs,
    /// discovery); its name doubles as its title.
    pub fn add(
        &mut self,
        name: &'static str,
        category: Category,
        outcome: Result<Vec<Finding>, String>,
    ) {
        self.record(name, name, category, outcome.map_err(Unsure::CouldNotCheck));
    }

    pub fn skip(&mut self, name: &'static str, category: Category, reason: impl Into<String>) {
        self.record(name, name, category, Err(Unsure::Skipped(reason.into())));
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
