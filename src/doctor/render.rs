//! Doctor's output, kept apart from the checks: flutter-doctor-style text
//! grouped by category, or one JSON document. Secrets are masked in both.

use super::{Category, Diagnosis, Outcome, Severity};
use crate::mask::mask_text;
use colored::Colorize;
use serde_json::json;

pub struct Style {
    pub verbose: bool,
}

fn category_mark(d: &Diagnosis, cat: Category) -> Option<colored::ColoredString> {
    let results: Vec<_> = d.results.iter().filter(|r| r.category == cat).collect();
    let findings: Vec<_> = d.findings.iter().filter(|f| f.category == cat).collect();
    if results.is_empty() && findings.is_empty() {
        return None;
    }
    let worst = findings.iter().map(|f| f.severity).max();
    let unsure = results
        .iter()
        .any(|r| matches!(r.outcome, Outcome::CouldNotCheck { .. }));
    let all_skipped = !results.is_empty()
        && results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Skipped { .. }));
    Some(match worst {
        Some(Severity::Error) => "[✗]".red().bold(),
        Some(Severity::Warning) => "[!]".yellow().bold(),
        _ if unsure => "[?]".yellow().bold(),
        _ if all_skipped => "[-]".dimmed(),
        _ => "[✓]".green().bold(),
    })
}

pub fn text(d: &Diagnosis, header: &str, secrets: &[&str], style: &Style) -> String {
    let mut out = format!("{header}\n");
    let mut with_issues = 0;
    for cat in Category::ALL {
        let Some(mark) = category_mark(d, cat) else {
            continue;
        };
        let findings: Vec<_> = d
            .findings
            .iter()
            .filter(|f| f.category == cat && (style.verbose || f.severity != Severity::Info))
            .collect();
        if d.findings
            .iter()
            .any(|f| f.category == cat && f.severity != Severity::Info)
        {
            with_issues += 1;
        }
        out.push_str(&format!("{mark} {}\n", cat.title().bold()));
        for f in findings {
            let sev = match f.severity {
                Severity::Error => "✗".red().bold(),
                Severity::Warning => "!".yellow().bold(),
                Severity::Info => "•".blue(),
            };
            let loc = f
                .location()
                .map(|l| format!("  {}", l.dimmed()))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {sev} {} {}{loc}\n",
                f.id.bold(),
                mask_text(&f.title, secrets)
            ));
            if let Some(e) = &f.evidence {
                out.push_str(&format!(
                    "        {} {}\n",
                    "evidence:".dimmed(),
                    mask_text(e, secrets)
                ));
            }
            if !f.fix().is_empty() {
                let auto = if f.fixable {
                    " (doctor --fix can do this)"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "        {} {}{auto}\n",
                    "fix:".dimmed(),
                    mask_text(f.fix(), secrets)
                ));
            }
        }
        for r in d.results.iter().filter(|r| r.category == cat) {
            match &r.outcome {
                Outcome::CouldNotCheck { reason } => out.push_str(&format!(
                    "    {} could not check {}: {}\n",
                    "?".yellow().bold(),
                    r.title,
                    mask_text(reason, secrets)
                )),
                Outcome::Skipped { reason } => out.push_str(&format!(
                    "    {} skipped {}: {reason}\n",
                    "-".dimmed(),
                    r.title
                )),
                Outcome::Passed if style.verbose => {
                    out.push_str(&format!("    {} {}\n", "✓".green(), r.title.dimmed()))
                }
                _ => {}
            }
        }
    }
    let (errors, warnings) = (d.errors(), d.warnings());
    let unsure = d
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::CouldNotCheck { .. }))
        .count();
    let skipped = d
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
        .count();
    let mut summary = if errors + warnings == 0 {
        "• No issues found.".green().bold().to_string()
    } else {
        format!("! Doctor found issues in {with_issues} categor{} ({errors} error{}, {warnings} warning{}).", if with_issues == 1 { "y" } else { "ies" }, plural(errors), plural(warnings))
            .red()
            .bold()
            .to_string()
    };
    if unsure > 0 {
        summary.push_str(&format!(" {unsure} check{} could not run.", plural(unsure)));
    }
    if skipped > 0 {
        summary.push_str(&format!(" {skipped} skipped."));
    }
    let fixable = d.findings.iter().filter(|f| f.fixable).count();
    if fixable > 0 {
        summary.push_str(&format!(
            " {fixable} fixable with `cruddur-obs doctor --fix`."
        ));
    }
    out.push('\n');
    out.push_str(&summary);
    out.push('\n');
    if !d.findings.is_empty() {
        out.push_str(&format!(
            "{}\n",
            "explain any id: cruddur-obs explain <id>".dimmed()
        ));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn json(d: &Diagnosis, secrets: &[&str]) -> String {
    let findings: Vec<_> = d
        .findings
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "severity": f.severity,
                "category": f.category,
                "title": mask_text(&f.title, secrets),
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "evidence": f.evidence.as_deref().map(|e| mask_text(e, secrets)),
                "fix": mask_text(f.fix(), secrets),
                // What the catalogue's fix text (`explain ID`) was filled with.
                "fix_values": f
                    .values()
                    .into_iter()
                    .map(|(n, v)| (n.to_string(), json!(mask_text(v, secrets))))
                    .collect::<serde_json::Map<_, _>>(),
                "fixable": f.fixable,
                "scope": f.scope,
                "doc": super::catalogue::render::doc_command(f.id),
            })
        })
        .collect();
    let pick = |want: fn(&Outcome) -> Option<&String>| -> Vec<serde_json::Value> {
        d.results
            .iter()
            .filter_map(|r| {
                want(&r.outcome).map(
                    |reason| json!({"check": r.name, "category": r.category, "reason": reason}),
                )
            })
            .collect()
    };
    let skipped = pick(|o| {
        if let Outcome::Skipped { reason } = o {
            Some(reason)
        } else {
            None
        }
    });
    let unsure = pick(|o| {
        if let Outcome::CouldNotCheck { reason } = o {
            Some(reason)
        } else {
            None
        }
    });
    let infos = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .count();
    let doc = json!({
        "version": 1,
        "findings": findings,
        "skipped": skipped,
        "could_not_check": unsure,
        "summary": {
            "errors": d.errors(),
            "warnings": d.warnings(),
            "infos": infos,
            "checks": d.results.len(),
            "passed": d.results.iter().filter(|r| r.outcome == Outcome::Passed).count(),
            "skipped": skipped.len(),
            "could_not_check": unsure.len(),
        }
    });
    mask_text(
        &serde_json::to_string_pretty(&doc).expect("serialisable"),
        secrets,
    )
}
