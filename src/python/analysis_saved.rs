//! Every analysis of a module in one value, for the cache that keeps them
//! between runs (usage/cache.rs), and the module rebuilt from it.

use super::{Assignment, Module, Statement};

/// Every analysis of one module, as the cache stores it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Analyses {
    facts: super::Facts,
    scope: crate::python::scope::Walked,
    names: crate::python::names::facts::Facts,
    literals: Vec<crate::python::literals::Literal>,
    assignments: Vec<Assignment>,
    statements: Vec<Statement>,
}

/// [`Analyses`] by reference, for storing.
#[derive(serde::Serialize)]
pub(crate) struct AnalysesRef<'m> {
    facts: &'m super::Facts,
    scope: &'m crate::python::scope::Walked,
    names: &'m crate::python::names::facts::Facts,
    literals: &'m [crate::python::literals::Literal],
    assignments: &'m [Assignment],
    statements: &'m [Statement],
}

impl Module {
    /// A module whose analyses were computed by an earlier run (the cache
    /// checked that `source` is the text they were computed from, and that
    /// it parsed without error).
    pub(crate) fn from_analyses(source: &str, a: Analyses) -> Module {
        let module = Module::unparsed(source);
        let _ = module.facts.set(a.facts);
        let _ = module.memo.scope.set(a.scope);
        let _ = module.memo.names.set(a.names);
        let _ = module.memo.literals.set(a.literals);
        let _ = module.memo.assignments.set(a.assignments);
        let _ = module.memo.statements.set(a.statements);
        module
    }

    /// Every analysis, run now if not yet, for the cache to store: borrowed,
    /// since storing needs no copy of them (the same fields in the same
    /// order as [`Analyses`], so the stored form is the same).
    pub(crate) fn analyses(&self) -> AnalysesRef<'_> {
        AnalysesRef {
            facts: self.facts(),
            scope: crate::python::scope::walked(self),
            names: crate::python::names::facts::Facts::of(self),
            literals: crate::python::literals::literals(self),
            assignments: self.assignments(),
            statements: self.statements(),
        }
    }

    /// Whether the syntax tree was built in this run (not when every
    /// question was answered from the cache).
    pub fn parsed(&self) -> bool {
        self.tree.get().is_some()
    }
}
