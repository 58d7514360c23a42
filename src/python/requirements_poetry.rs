//! Poetry's `[tool.poetry.dependencies]`: reading its constraint forms and
//! appending keys to the table, whichever way the table is written.

use toml_edit::{Item, Key, Table, Value};

use super::super::{normalize_name, Requirement, Wanted};
use super::{missing_span, require_valid, toml_string, PyprojectError};

pub(super) fn poetry_requirement(name: &str, value: &Item, line: usize) -> Requirement {
    let mut requirement = Requirement {
        name: name.to_string(),
        normalized: normalize_name(name),
        extras: Vec::new(),
        specifier: String::new(),
        marker: None,
        url: None,
        line,
    };
    if let Some(constraint) = value.as_str() {
        requirement.specifier = poetry_specifier(constraint);
    } else if let Some(table) = value.as_table_like() {
        let text_of = |key: &str| table.get(key).and_then(Item::as_str).map(String::from);
        requirement.specifier = text_of("version")
            .map(|v| poetry_specifier(&v))
            .unwrap_or_default();
        requirement.marker = text_of("markers");
        requirement.url = text_of("url")
            .or_else(|| text_of("git"))
            .or_else(|| text_of("path"));
        if let Some(extras) = table.get("extras").and_then(Item::as_array) {
            requirement.extras = extras
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect();
        }
    }
    // An array of constraint tables (one per Python version) has no single
    // specifier; the package is listed all the same.
    requirement
}

fn poetry_specifier(constraint: &str) -> String {
    let constraint = constraint.trim();
    if constraint == "*" {
        return String::new();
    }
    let bare_version = constraint.starts_with(|c: char| c.is_ascii_digit())
        && constraint
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!' | '-' | '_'));
    if bare_version {
        format!("=={constraint}")
    } else {
        constraint.to_string()
    }
}

fn poetry_entry(wanted: &Wanted) -> Result<(String, String), PyprojectError> {
    let requirement = require_valid(wanted)?;
    let key = Key::new(requirement.name.as_str()).to_string();
    let mut fields = Vec::new();
    if let Some(url) = &requirement.url {
        fields.push(format!("url = {}", toml_string(url, false)));
    } else if !requirement.extras.is_empty() || requirement.marker.is_some() {
        let version = if requirement.specifier.is_empty() {
            "*"
        } else {
            &requirement.specifier
        };
        fields.push(format!("version = {}", toml_string(version, false)));
    }
    if !requirement.extras.is_empty() {
        let extras: Vec<String> = requirement
            .extras
            .iter()
            .map(|e| toml_string(e, false))
            .collect();
        fields.push(format!("extras = [{}]", extras.join(", ")));
    }
    if let Some(marker) = &requirement.marker {
        fields.push(format!("markers = {}", toml_string(marker, false)));
    }
    let value = if !fields.is_empty() {
        format!("{{ {} }}", fields.join(", "))
    } else if requirement.specifier.is_empty() {
        toml_string("*", false)
    } else {
        toml_string(&requirement.specifier, false)
    };
    Ok((key, value))
}

pub(super) fn poetry_insertions(
    text: &str,
    item: &Item,
    missing: &[Wanted],
    nl: &str,
) -> Result<Vec<(usize, String)>, PyprojectError> {
    let entries = missing
        .iter()
        .map(poetry_entry)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(inline) = item.as_inline_table() {
        let pairs: Vec<String> = entries.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let last_end = inline
            .get_values()
            .iter()
            .filter_map(|(_, v)| v.span())
            .map(|s| s.end)
            .max();
        return Ok(vec![match last_end {
            Some(end) => (end, pairs.iter().map(|p| format!(", {p}")).collect()),
            None => {
                let open = inline
                    .span()
                    .ok_or_else(|| missing_span("[tool.poetry.dependencies]"))?
                    .start;
                let padding = if text[open + 1..].starts_with('}') {
                    " "
                } else {
                    ""
                };
                (open + 1, format!(" {}{padding}", pairs.join(", ")))
            }
        }]);
    }
    let table: &Table = item.as_table().expect("located as a table");
    // The key whose value ends last is the table's last line; what precedes
    // that key on its line (indentation, or `poetry.dependencies.` when the
    // table is written as dotted keys) is repeated for each new key.
    let last = table
        .get_values()
        .into_iter()
        .filter_map(|(path, value)| Some((value.span()?.end, path.first()?.span()?.start)))
        .max();
    let (after, lead) = match last {
        Some((value_end, key_start)) => {
            let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
            (value_end, &text[line_start..key_start])
        }
        // With no header of its own the table has no place for new keys,
        // and writing one in would be a structural edit, not an insertion.
        None if table.is_implicit() => {
            return Err(PyprojectError::new(
                "[tool.poetry.dependencies] exists only through its sub-tables; \
                 add a [tool.poetry.dependencies] header first",
            ))
        }
        None => (
            table
                .span()
                .ok_or_else(|| missing_span("[tool.poetry.dependencies]"))?
                .end,
            "",
        ),
    };
    let lines: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{lead}{k} = {v}"))
        .collect();
    Ok(vec![match text[after..].find('\n') {
        Some(i) => (
            after + i + 1,
            lines.iter().map(|l| format!("{l}{nl}")).collect(),
        ),
        // The table ends the file without a final newline; keep it so.
        None => (
            text.len(),
            lines.iter().map(|l| format!("{nl}{l}")).collect(),
        ),
    }])
}
