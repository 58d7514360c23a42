//! pyproject.toml dependencies: PEP 621 `[project].dependencies` or
//! Poetry's `[tool.poetry.dependencies]`.
//!
//! Edits are spliced into the original text at offsets taken from
//! toml_edit's spanned `Document` rather than made through `DocumentMut`:
//! `DocumentMut` re-emits every line ending as LF and always adds a final
//! newline, which would rewrite CRLF files wholesale.

use std::collections::HashSet;
use std::fmt;

use toml_edit::{Array, Document, Item, Value};

#[path = "requirements_poetry.rs"]
mod poetry;
use poetry::{poetry_insertions, poetry_requirement};

use super::{
    line_ending, missing_packages, normalize_name, parse_requirement, Requirement, Wanted,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyprojectLayout {
    Pep621,
    Poetry,
}

#[derive(Debug, Clone)]
pub struct PyprojectDeps {
    pub layout: PyprojectLayout,
    /// `line` is the line of the entry in the file (the key, for Poetry).
    pub requirements: Vec<Requirement>,
}

#[derive(Debug)]
pub struct PyprojectError {
    pub message: String,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
}

impl PyprojectError {
    fn new(message: impl Into<String>) -> Self {
        PyprojectError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn at(text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let mut error = Self::new(message);
        if let Some(offset) = offset {
            let (line, column) = line_column(text, offset);
            error.line = Some(line);
            error.column = Some(column);
        }
        error
    }
}

impl fmt::Display for PyprojectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PyprojectError {}

pub fn parse_pyproject(text: &str) -> Result<PyprojectDeps, PyprojectError> {
    let doc = parse_document(text)?;
    let list = locate(&doc, text)?;
    Ok(PyprojectDeps {
        layout: list.layout(),
        requirements: list.requirements(text)?,
    })
}

/// Adds missing packages, format-preserving: for `[project].dependencies`
/// append strings, matching the array's existing layout (one per line with
/// the same indentation and trailing comma convention if multi-line, inline
/// if single-line; an empty array gets a multi-line layout with 4-space
/// indent); for Poetry add `name = "*"` keys at the end of the table (a
/// package given with a specifier, extras or marker keeps them). Comments,
/// key order, other tables unchanged byte for byte. Returns Ok(None) if
/// nothing to add.
pub fn add_to_pyproject(text: &str, packages: &[&str]) -> Result<Option<String>, PyprojectError> {
    let doc = parse_document(text)?;
    let list = locate(&doc, text)?;
    let present: HashSet<String> = list
        .requirements(text)?
        .into_iter()
        .map(|r| r.normalized)
        .collect();
    let missing = missing_packages(&present, packages);
    if missing.is_empty() {
        return Ok(None);
    }
    let nl = line_ending(text);
    let insertions = match list {
        DependencyList::Pep621(array) => array_insertions(text, array, &missing, nl)?,
        DependencyList::Poetry(item) => poetry_insertions(text, item, &missing, nl)?,
    };
    let edited = apply_insertions(text, insertions);

    // The splice is hand-made, so prove it before anyone writes it to disk.
    let check = parse_pyproject(&edited).map_err(|e| {
        PyprojectError::new(format!(
            "internal error: the edit would break pyproject.toml ({e})"
        ))
    })?;
    let now: HashSet<&str> = check
        .requirements
        .iter()
        .map(|r| r.normalized.as_str())
        .collect();
    if let Some(lost) = missing.iter().find(|w| !now.contains(w.key.as_str())) {
        return Err(PyprojectError::new(format!(
            "internal error: `{}` was not added to pyproject.toml",
            lost.text
        )));
    }
    Ok(Some(edited))
}

enum DependencyList<'d> {
    Pep621(&'d Array),
    Poetry(&'d Item),
}

impl DependencyList<'_> {
    fn layout(&self) -> PyprojectLayout {
        match self {
            DependencyList::Pep621(_) => PyprojectLayout::Pep621,
            DependencyList::Poetry(_) => PyprojectLayout::Poetry,
        }
    }

    fn requirements(&self, text: &str) -> Result<Vec<Requirement>, PyprojectError> {
        let mut requirements = Vec::new();
        match self {
            DependencyList::Pep621(array) => {
                for value in array.iter() {
                    let start = value.span().map(|s| s.start);
                    let Some(spec) = value.as_str() else {
                        return Err(PyprojectError::at(
                            text,
                            start,
                            "[project].dependencies entries must be strings",
                        ));
                    };
                    let line = start.map_or(0, |offset| line_column(text, offset).0);
                    requirements.extend(parse_requirement(spec, line));
                }
            }
            DependencyList::Poetry(item) => {
                let table = item.as_table_like().expect("located as a table");
                for (name, value) in table.iter() {
                    if normalize_name(name) == "python" {
                        continue;
                    }
                    let start = table
                        .get_key_value(name)
                        .and_then(|(key, _)| key.span())
                        .map(|s| s.start);
                    let line = start.map_or(0, |offset| line_column(text, offset).0);
                    requirements.push(poetry_requirement(name, value, line));
                }
            }
        }
        Ok(requirements)
    }
}

fn parse_document(text: &str) -> Result<Document<&str>, PyprojectError> {
    Document::parse(text).map_err(|e| {
        PyprojectError::at(
            text,
            e.span().map(|s| s.start),
            format!("invalid TOML: {}", e.message()),
        )
    })
}

fn locate<'d>(doc: &'d Document<&str>, text: &str) -> Result<DependencyList<'d>, PyprojectError> {
    let root = doc.as_table();
    let project = root.get("project");
    if let Some(deps) = project.and_then(|p| p.get("dependencies")) {
        return match deps.as_array() {
            Some(array) => Ok(DependencyList::Pep621(array)),
            None => Err(PyprojectError::at(
                text,
                span_start(deps),
                "[project].dependencies must be an array of strings",
            )),
        };
    }
    if let Some(deps) = root
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
    {
        return match deps.as_table_like() {
            Some(_) => Ok(DependencyList::Poetry(deps)),
            None => Err(PyprojectError::at(
                text,
                span_start(deps),
                "[tool.poetry.dependencies] must be a table",
            )),
        };
    }
    let mut message =
        String::from("no dependency list found: looked for [project].dependencies (PEP 621) and [tool.poetry.dependencies] (Poetry)");
    let dynamic = project
        .and_then(|p| p.get("dynamic"))
        .and_then(Item::as_array);
    if dynamic.is_some_and(|d| d.iter().any(|v| v.as_str() == Some("dependencies"))) {
        message.push_str("; [project].dynamic lists \"dependencies\", so the build backend reads them from another file");
    }
    Err(PyprojectError::new(message))
}

fn span_start(item: &Item) -> Option<usize> {
    item.span().map(|s| s.start)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

fn require_valid<'w>(wanted: &'w Wanted) -> Result<&'w Requirement, PyprojectError> {
    wanted.requirement.as_ref().ok_or_else(|| {
        PyprojectError::new(format!(
            "`{}` is not a valid package requirement",
            wanted.text
        ))
    })
}

fn missing_span(what: &str) -> PyprojectError {
    PyprojectError::new(format!(
        "internal error: toml_edit gave no position for {what}"
    ))
}

/// Text of a TOML string in the quote style the array already uses.
fn toml_string(text: &str, literal_style: bool) -> String {
    if literal_style && !text.contains(['\'', '\n', '\r']) {
        format!("'{text}'")
    } else {
        Value::from(text).to_string()
    }
}

fn array_insertions(
    text: &str,
    array: &Array,
    missing: &[Wanted],
    nl: &str,
) -> Result<Vec<(usize, String)>, PyprojectError> {
    for wanted in missing {
        require_valid(wanted)?;
    }
    let span = array
        .span()
        .ok_or_else(|| missing_span("[project].dependencies"))?;
    let (open, close) = (span.start, span.end - 1);
    let Some(last) = array.iter().last() else {
        // Empty: open it up one entry per line, the layout diffs read best in.
        let gap = &text[open + 1..close];
        let mut insertion: String = missing
            .iter()
            .map(|w| format!("{nl}    {},", toml_string(w.text, false)))
            .collect();
        if !gap.contains('\n') {
            insertion.push_str(nl);
        }
        return Ok(vec![(open + 1 + gap_split(gap), insertion)]);
    };
    let last_span = last
        .span()
        .ok_or_else(|| missing_span("the last dependency"))?;
    let last_end = last_span.end;
    let literal_style = text[last_span].starts_with('\'');
    let entries: Vec<String> = missing
        .iter()
        .map(|w| toml_string(w.text, literal_style))
        .collect();
    let comma = comma_offset(&text[last_end..close]).map(|i| last_end + i);
    let prefix = last
        .decor()
        .prefix()
        .and_then(|p| p.span())
        .map_or("", |s| &text[s]);

    let Some(newline_at) = prefix.rfind('\n') else {
        return Ok(vec![match comma {
            Some(comma) => (
                comma + 1,
                entries.iter().map(|e| format!(" {e},")).collect(),
            ),
            None => (last_end, entries.iter().map(|e| format!(", {e}")).collect()),
        }]);
    };
    let indent = &prefix[newline_at + 1..];
    let lines: Vec<String> = entries.iter().map(|e| format!("{nl}{indent}{e}")).collect();
    // New lines go after whatever follows the last entry on its line (a
    // comment stays with the entry it describes) and before the line that
    // closes the array.
    let gap_start = comma.map_or(last_end, |c| c + 1);
    let at = gap_start + gap_split(&text[gap_start..close]);
    let mut insertions = Vec::new();
    let mut block = lines.join(",");
    if comma.is_some() {
        block.push(',');
    } else {
        insertions.push((last_end, ",".to_string()));
    }
    insertions.push((at, block));
    Ok(insertions)
}

/// Where the part of an array's closing gap that belongs to the `]` line
/// begins: its last line break, or the end when there is none.
fn gap_split(gap: &str) -> usize {
    match gap.rfind('\n') {
        Some(i) if gap[..i].ends_with('\r') => i - 1,
        Some(i) => i,
        None => gap.len(),
    }
}

/// The separator after an array's last value, skipping comments (the text
/// between a value and `]` holds only whitespace, comments and that comma).
fn comma_offset(between: &str) -> Option<usize> {
    let mut in_comment = false;
    for (i, c) in between.char_indices() {
        match c {
            '\n' => in_comment = false,
            '#' => in_comment = true,
            ',' if !in_comment => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splices `(offset, text)` insertions into `original`; insertions at the
/// same offset keep their order.
fn apply_insertions(original: &str, mut insertions: Vec<(usize, String)>) -> String {
    insertions.sort_by_key(|(offset, _)| *offset);
    let mut out = String::with_capacity(
        original.len() + insertions.iter().map(|(_, s)| s.len()).sum::<usize>(),
    );
    let mut copied = 0;
    for (offset, text) in insertions {
        out.push_str(&original[copied..offset]);
        out.push_str(&text);
        copied = offset;
    }
    out.push_str(&original[copied..]);
    out
}

#[cfg(test)]
#[path = "requirements_pyproject_tests.rs"]
mod tests;
