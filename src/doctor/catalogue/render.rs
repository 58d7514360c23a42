//! The catalogue as people read it: one entry or the list as terminal text,
//! Markdown (docs/failures.md is `explain --all --format markdown`), JSON.

use super::{placeholders, Entry, CATALOGUE};
use crate::doctor::finding::{Category, Severity};
use colored::Colorize;
use serde_json::json;

/// What a finding's `doc` field and the report's closing hint say.
pub fn doc_command(id: &str) -> String {
    format!("cruddur-obs explain {id}")
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The fix as docs show it: placeholders read as their generic phrase.
fn fix_text(e: &Entry) -> String {
    placeholders::fill(e.fix, &[])
}

/// A snippet as written in the code, without the indentation that places
/// it there and without the blank lines around it.
pub fn dedent(snippet: &str) -> String {
    let lines: Vec<&str> = snippet.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let body = &lines[first..=last];
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Greedy word wrap of one paragraph, each line indented.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn traits(e: &Entry) -> String {
    let mut t = vec![
        severity_word(e.severity).to_string(),
        e.category.title().to_string(),
    ];
    if e.fixable {
        t.push("`doctor --fix` repairs it".into());
    }
    if e.network {
        t.push("network check (skipped with `--offline`)".into());
    }
    t.join(" · ")
}

/// One entry for the terminal, like `rustc --explain`.
pub fn text(e: &Entry) -> String {
    let sev = match e.severity {
        Severity::Error => severity_word(e.severity).red().bold(),
        Severity::Warning => severity_word(e.severity).yellow().bold(),
        Severity::Info => severity_word(e.severity).blue(),
    };
    let mut rest = vec![e.category.title().to_string()];
    if e.fixable {
        rest.push("`doctor --fix` repairs it".into());
    }
    if e.network {
        rest.push("network check".into());
    }
    let mut out = format!("{}  {sev} · {}\n\n", e.id.bold(), rest.join(" · "));
    out.push_str(&wrap(e.summary, "", 80));
    for (title, body) in [("Why it breaks", e.why), ("How to fix it", &fix_text(e))] {
        out.push_str(&format!("\n{}\n", title.bold()));
        out.push_str(&wrap(body, "    ", 80));
    }
    out.push_str(&format!(
        "\n{} ({})\n",
        "Example".bold(),
        e.example.lang.name()
    ));
    for (label, snippet) in [("before", e.example.before), ("after", e.example.after)] {
        out.push_str(&format!("  {}\n", label.dimmed()));
        for l in dedent(snippet).lines() {
            out.push_str(&format!("    {l}\n"));
        }
    }
    out
}

/// `explain --list`: every id with its severity and summary, by section.
pub fn list_text() -> String {
    let width = CATALOGUE.iter().map(|e| e.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for cat in sections() {
        out.push_str(&format!("{}\n", cat.title().bold()));
        for e in CATALOGUE.iter().filter(|e| e.category == cat) {
            let fix = if e.fixable { "fix" } else { "" };
            out.push_str(&format!(
                "  {:width$}  {:7}  {:3}  {}\n",
                e.id,
                severity_word(e.severity),
                fix,
                e.summary
            ));
        }
        out.push('\n');
    }
    out.push_str("explain any id: cruddur-obs explain <id>\n");
    out
}

/// The categories that have entries, in report order.
fn sections() -> impl Iterator<Item = Category> {
    Category::ALL
        .into_iter()
        .filter(|c| CATALOGUE.iter().any(|e| e.category == *c))
}

/// One entry as Markdown, under a level-3 heading (its anchor is the id).
pub fn markdown(e: &Entry) -> String {
    let lang = e.example.lang;
    format!(
        "### `{id}`\n\n{traits}\n\n{summary}\n\n**Why it breaks.** {why}\n\n**Fix.** {fix}\n\n\
         Before ({name}):\n```{fence}\n{before}\n```\nAfter:\n```{fence}\n{after}\n```\n",
        id = e.id,
        traits = traits(e),
        summary = e.summary,
        why = e.why,
        fix = fix_text(e),
        name = lang.name(),
        fence = lang.fence(),
        before = dedent(e.example.before),
        after = dedent(e.example.after),
    )
}

const INTRO: &str = "\
<!-- Generated from src/doctor/catalogue/ by `cruddur-obs explain --all --format markdown`.
     Edit the entries there, then regenerate this file; a test fails when they differ. -->

# Failure catalogue

Every way a telemetry set-up of a docker-compose Flask app is known to fail,
under the stable id `cruddur-obs doctor` reports it with. Ids are interface:
`doctor --json` prints them, scripts and tests match on them; they are never
renamed or reused. `cruddur-obs explain <id>` prints one entry in the terminal.

- **error**: no data arrives, the app fails to start, or a secret leaks.
  **warning**: data arrives, but wrong or degraded. **info**: worth knowing.
- **fix**: `cruddur-obs doctor --fix` can repair it with a format-preserving
  edit (`--dry-run` shows the diff first).
- **network check**: found only by talking to the vendor or the daemon;
  `doctor --offline` skips it and says so, never a silent pass.

How doctor judges: a root cause is reported once, its consequences named in
its text; only what is in use counts (commented-out code and a disabled SDK
are not errors); a check that could not run is shown as skipped or
could-not-check, with the reason, never as passed.
";

/// The whole catalogue as Markdown: docs/failures.md.
pub fn markdown_all() -> String {
    let mut out = String::from(INTRO);
    out.push_str("\n## Index\n\n");
    out.push_str(&index(true));
    for cat in sections() {
        out.push_str(&format!("\n## {}\n", cat.title()));
        for e in CATALOGUE.iter().filter(|e| e.category == cat) {
            out.push('\n');
            out.push_str(&markdown(e));
        }
    }
    out
}

/// `explain --list --format markdown`: the index table alone.
pub fn list_markdown() -> String {
    index(false)
}

/// Every id with its severity, fix marker and summary, as a Markdown table;
/// `linked` makes each id a link to its section of the same page.
fn index(linked: bool) -> String {
    let mut out = String::from("| id | severity | fix | what is wrong |\n|---|---|---|---|\n");
    for e in CATALOGUE.iter() {
        let id = if linked {
            format!("[`{0}`](#{0})", e.id)
        } else {
            format!("`{}`", e.id)
        };
        out.push_str(&format!(
            "| {id} | {} | {} | {} |\n",
            severity_word(e.severity),
            if e.fixable { "fix" } else { "" },
            e.summary.replace('|', "\\|")
        ));
    }
    out
}

/// One entry as a JSON value.
pub fn json(e: &Entry) -> serde_json::Value {
    json!({
        "id": e.id,
        "severity": e.severity,
        "category": e.category,
        "fixable": e.fixable,
        "network": e.network,
        "summary": e.summary,
        "why": e.why,
        "fix": fix_text(e),
        // The text with its placeholders: doctor's `fix` is this, filled
        // with the finding's `fix_values`.
        "fix_template": e.fix,
        "example": {
            "language": e.example.lang.name(),
            "before": dedent(e.example.before),
            "after": dedent(e.example.after),
        },
        "doc": doc_command(e.id),
    })
}

/// `explain --list --format json`: the short form of every entry.
pub fn list_json() -> serde_json::Value {
    CATALOGUE
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "severity": e.severity,
                "category": e.category,
                "fixable": e.fixable,
                "summary": e.summary,
            })
        })
        .collect()
}
