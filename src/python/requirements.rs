//! Python dependency lists: pip's requirements.txt and pyproject.toml.
//!
//! Reading is lenient (a line we do not understand is skipped, never an
//! error) because the only question asked is "is package X already listed?".
//! Writing is insertion-only: users' files keep every existing byte.

use std::collections::HashSet;

#[path = "requirements_pyproject.rs"]
mod pyproject;

pub use pyproject::{
    add_to_pyproject, parse_pyproject, PyprojectDeps, PyprojectError, PyprojectLayout,
};

/// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    if !name.is_ascii() {
        return normalize_unicode(name);
    }
    // Package names are ASCII: byte by byte, no case tables.
    let mut out = Vec::with_capacity(name.len());
    let mut in_separator_run = false;
    for &b in name.as_bytes() {
        if matches!(b, b'-' | b'_' | b'.') {
            if !in_separator_run {
                out.push(b'-');
            }
            in_separator_run = true;
        } else {
            out.push(b.to_ascii_lowercase());
            in_separator_run = false;
        }
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

fn normalize_unicode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                out.push('-');
            }
            in_separator_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// As written in the file.
    pub name: String,
    /// [`normalize_name`] of `name`: the only form fit for comparisons.
    pub normalized: String,
    pub extras: Vec<String>,
    /// Version specifier with whitespace removed (`==1.24.0`, `>=2,<3`), or
    /// `""`. Poetry constraints are kept as written, except that a bare
    /// version (Poetry's exact pin) becomes `==X` so pins read the same in
    /// every format.
    pub specifier: String,
    /// Environment marker after `;`, or Poetry's `markers`.
    pub marker: Option<String>,
    /// Direct reference (`name @ url`, an editable's URL, Poetry's
    /// `url`/`git`/`path`).
    pub url: Option<String>,
    /// 1-based; for a requirement continued over several lines, its first.
    pub line: usize,
}

impl Requirement {
    /// The exact version when pinned with `==X` (no wildcard), else None.
    pub fn pinned_version(&self) -> Option<&str> {
        let version = self.specifier.strip_prefix("==")?;
        // `===` is arbitrary string equality and `,` adds more clauses:
        // neither names one release the way `==X` does.
        if version.is_empty() || version.starts_with('=') || version.contains([',', '*']) {
            return None;
        }
        Some(version)
    }
}

#[derive(Debug, Default)]
pub struct RequirementsTxt {
    pub requirements: Vec<Requirement>,
    /// Files named by `-r`/`--requirement`/`-c`/`--constraint`, as written
    /// (relative to the including file, as pip resolves them).
    pub includes: Vec<String>,
}

pub fn parse_requirements_txt(text: &str) -> RequirementsTxt {
    let mut parsed = RequirementsTxt::default();
    for (line, logical) in logical_lines(text) {
        let content = match comment_start(&logical) {
            Some(i) => &logical[..i],
            None => &logical[..],
        };
        let tokens: Vec<&str> = content.split_whitespace().collect();
        // pip's rule: the requirement is every token before the first one
        // that looks like an option; the rest are options.
        let split = tokens
            .iter()
            .position(|t| t.starts_with('-'))
            .unwrap_or(tokens.len());
        let (args, options) = tokens.split_at(split);
        if !args.is_empty() {
            let spec = args.join(" ");
            if let Some(req) =
                parse_requirement(&spec, line).or_else(|| egg_requirement(&spec, line))
            {
                parsed.requirements.push(req);
            }
            // Options after a requirement (`--hash`, `--config-settings`)
            // only qualify it.
            continue;
        }
        parse_options(options, line, &mut parsed);
    }
    parsed
}

/// Appends `packages` (names as given, one per line) to a requirements.txt
/// text, keeping every existing byte: the file's line ending (CRLF or LF),
/// and if the file did not end with a newline, add one before the first
/// appended line and end without one (so the "no final newline" style is
/// kept). Packages already present (normalised comparison) are not added;
/// returns None if nothing is added.
///
/// A package may carry a specifier (`opentelemetry-sdk==1.24.0`); presence
/// is decided on its name alone, so an existing pin is never overridden.
pub fn add_to_requirements_txt(text: &str, packages: &[&str]) -> Option<String> {
    let present: HashSet<String> = parse_requirements_txt(text)
        .requirements
        .into_iter()
        .map(|r| r.normalized)
        .collect();
    let missing = missing_packages(&present, packages);
    if missing.is_empty() {
        return None;
    }
    let nl = line_ending(text);
    let mut out = String::with_capacity(text.len() + missing.len() * 32);
    out.push_str(text);
    if text.is_empty() {
        for wanted in &missing {
            out.push_str(wanted.text);
            out.push_str(nl);
        }
        return Some(out);
    }
    let had_final_newline = text.ends_with('\n');
    if !had_final_newline {
        out.push_str(nl);
    }
    // A dangling `\` would glue our first line onto the previous
    // requirement; pip ends a continuation at an empty line.
    if last_line_continues(text) {
        out.push_str(nl);
    }
    for (i, wanted) in missing.iter().enumerate() {
        if i > 0 {
            out.push_str(nl);
        }
        out.push_str(wanted.text);
    }
    if had_final_newline {
        out.push_str(nl);
    }
    Some(out)
}

/// A package the caller asked for, trimmed, with the name it is known by.
struct Wanted<'a> {
    text: &'a str,
    requirement: Option<Requirement>,
    /// Normalised name; the whole text when it is not a valid requirement.
    key: String,
}

/// The asked-for packages that are neither in `present` (normalised names)
/// nor repeated earlier in `packages`, in the caller's order.
fn missing_packages<'a>(present: &HashSet<String>, packages: &[&'a str]) -> Vec<Wanted<'a>> {
    let mut seen = present.clone();
    let mut missing = Vec::new();
    for package in packages {
        let text = package.trim();
        if text.is_empty() {
            continue;
        }
        let requirement = parse_requirement(text, 1);
        let key = requirement
            .as_ref()
            .map_or_else(|| normalize_name(text), |r| r.normalized.clone());
        if seen.insert(key.clone()) {
            missing.push(Wanted {
                text,
                requirement,
                key,
            });
        }
    }
    missing
}

/// The file's own line ending, judged by its first line; LF for one-liners.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

fn last_line_continues(text: &str) -> bool {
    let last = text.strip_suffix('\n').unwrap_or(text);
    let last = last.strip_suffix('\r').unwrap_or(last);
    let last = &last[last.rfind('\n').map_or(0, |i| i + 1)..];
    last.ends_with('\\') && comment_start(last).is_none()
}

/// pip's `#` rule: a comment starts at a `#` that opens the line or follows
/// whitespace, so `https://host/x#egg=name` keeps its fragment.
fn comment_start(line: &str) -> Option<usize> {
    let mut previous_is_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return Some(i);
        }
        previous_is_space = c.is_whitespace();
    }
    None
}

/// Physical lines joined at trailing backslashes, each with the number of
/// its first physical line. Mirrors pip's `join_lines`, including its
/// quirk that a comment line never continues and ends a continuation.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let is_comment = comment_start(raw).is_some();
        if raw.ends_with('\\') && !is_comment {
            let piece = raw.trim_matches('\\');
            match &mut pending {
                Some((_, joined)) => joined.push_str(piece),
                None => pending = Some((number, piece.to_string())),
            }
        } else if let Some((first, mut joined)) = pending.take() {
            if is_comment {
                // Keeps the `#` after whitespace so it still reads as a comment.
                joined.push(' ');
            }
            joined.push_str(raw);
            out.push((first, joined));
        } else {
            out.push((number, raw.to_string()));
        }
    }
    out.extend(pending);
    out
}

fn parse_options(tokens: &[&str], line: usize, parsed: &mut RequirementsTxt) {
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        i += 1;
        let (flag, attached) = match token.split_once('=') {
            Some((flag, value)) if token.starts_with("--") => (flag, Some(value)),
            _ if token.starts_with("--") => (token, None),
            // Short options may carry their value: `-rdev.txt`, `-e.`.
            _ if token.len() > 2 && token.is_char_boundary(2) => (&token[..2], Some(&token[2..])),
            _ => (token, None),
        };
        if !option_takes_value(flag) {
            continue;
        }
        let value = match attached {
            Some(value) => value,
            None if i < tokens.len() => {
                i += 1;
                tokens[i - 1]
            }
            None => continue,
        };
        match flag {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                parsed.includes.push(value.to_string())
            }
            "-e" | "--editable" => parsed.requirements.extend(egg_requirement(value, line)),
            _ => {}
        }
    }
}

fn option_takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "-r" | "--requirement"
            | "-c"
            | "--constraint"
            | "-e"
            | "--editable"
            | "-i"
            | "--index-url"
            | "--extra-index-url"
            | "-f"
            | "--find-links"
            | "--trusted-host"
            | "--hash"
            | "--no-binary"
            | "--only-binary"
            | "--use-feature"
            | "--config-settings"
            | "--global-option"
    )
}

/// A URL or path naming its project with `#egg=name` (editables, VCS URLs).
fn egg_requirement(location: &str, line: usize) -> Option<Requirement> {
    let fragment_start = location.find("#egg=").or_else(|| location.find("&egg="))? + "#egg=".len();
    let fragment = &location[fragment_start..];
    let name = &fragment[..name_length(fragment)];
    if name.is_empty() {
        return None;
    }
    Some(Requirement {
        name: name.to_string(),
        normalized: normalize_name(name),
        extras: Vec::new(),
        specifier: String::new(),
        marker: None,
        url: Some(location.to_string()),
        line,
    })
}

fn name_length(text: &str) -> usize {
    if !text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return 0;
    }
    text.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(text.len())
}

/// One PEP 508 requirement (`name[extras] specifier ; marker` or
/// `name[extras] @ url ; marker`). None for anything else, notably paths
/// and URLs, which pip installs without a name we could compare.
fn parse_requirement(spec: &str, line: usize) -> Option<Requirement> {
    const ARCHIVES: [&str; 9] = [
        ".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar",
    ];
    let spec = spec.trim();
    let name = &spec[..name_length(spec)];
    let lower = name.to_ascii_lowercase();
    if name.is_empty() || ARCHIVES.iter().any(|ext| lower.ends_with(ext)) {
        return None;
    }
    let mut rest = spec[name.len()..].trim_start();
    let mut extras = Vec::new();
    if let Some(inner) = rest.strip_prefix('[') {
        let end = inner.find(']')?;
        extras = inner[..end]
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(String::from)
            .collect();
        rest = inner[end + 1..].trim_start();
    }
    let (specifier, marker, url);
    if let Some(reference) = rest.strip_prefix('@') {
        // A URL may itself contain `;`, so PEP 508 only starts the marker
        // at a `;` preceded by whitespace.
        let reference = reference.trim_start();
        let cut = reference
            .find(|c: char| c.is_whitespace())
            .unwrap_or(reference.len());
        let after = reference[cut..].trim_start();
        if reference[..cut].is_empty() || !(after.is_empty() || after.starts_with(';')) {
            return None;
        }
        url = Some(reference[..cut].to_string());
        marker = after
            .strip_prefix(';')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(String::from);
        specifier = String::new();
    } else {
        let (version_part, marker_part) = match rest.split_once(';') {
            Some((v, m)) => (v.trim(), Some(m.trim())),
            None => (rest.trim(), None),
        };
        // The pre-PEP 440 spelling `name (>=1.0)` is still accepted by pip.
        let version_part = version_part
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'))
            .unwrap_or(version_part);
        // Anything else after the name (`/`, `+`, `:`, a second word)
        // means a path or URL that happens to start like a name.
        if !(version_part.is_empty() || version_part.starts_with(['<', '>', '=', '!', '~'])) {
            return None;
        }
        specifier = version_part
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        marker = marker_part.filter(|m| !m.is_empty()).map(String::from);
        url = None;
    }
    Some(Requirement {
        name: name.to_string(),
        normalized: normalize_name(name),
        extras,
        specifier,
        marker,
        url,
        line,
    })
}

#[cfg(test)]
#[path = "requirements_tests.rs"]
mod tests;
