//! Placing findings on the backend's code (the model itself is
//! `crate::usage::code`, built once per run).

use crate::doctor::Finding;
use crate::python::analysis::Call;
pub(crate) use crate::usage::code::{last, Code, PyModule as Mod};

pub(crate) trait Place {
    /// Places the finding on a line of this module, quoting it.
    fn at(&self, finding: Finding, line: usize, column: Option<usize>) -> Finding;
    fn at_call(&self, finding: Finding, call: &Call) -> Finding {
        self.at(finding, call.line, Some(call.column))
    }
}

impl Place for Mod {
    fn at(&self, finding: Finding, line: usize, column: Option<usize>) -> Finding {
        let code = self.line(line);
        let column =
            column.unwrap_or_else(|| code.chars().take_while(|c| c.is_whitespace()).count() + 1);
        finding
            .at(self.display.clone(), Some(line))
            .column(Some(column))
            .evidence(format!("{}:{line}: {}", self.display, code.trim()))
    }
}
