//! How the checks look up what the backend declares
//! (`steps::declared`), and the little version arithmetic they need.

use crate::project::Project;
use crate::python::requirements::normalize_name;
pub(crate) use crate::steps::Declared;
use std::cmp::Ordering;

pub(crate) fn find<'a>(declared: &'a [Declared], name: &str) -> Option<&'a Declared> {
    let n = normalize_name(name);
    declared.iter().find(|d| d.req.normalized == n)
}

pub(crate) fn requirements_display(project: &Project) -> Option<String> {
    let req = project.backend.requirements.as_ref()?;
    Some(project.display(&req.file.path))
}

/// Whether pip may install Flask 2.3 or later, where `before_first_request`
/// is gone and blinker is always installed. Undeclared Flask arrives through
/// flask-cors unpinned, so at its latest.
pub(crate) fn flask_may_be_2_3(declared: &[Declared]) -> bool {
    find(declared, "flask").is_none_or(|d| allows_at_least(&d.req.specifier, &[2, 3]))
}

/// Leading numeric release components: `0.45b0` → [0, 45], `2.2.5` → [2, 2, 5].
pub(crate) fn release(version: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in version.trim().split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse() else { break };
        out.push(n);
        if digits.len() != part.len() {
            break;
        }
    }
    out
}

fn cmp(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether a PEP 440 (or Poetry) specifier admits some version ≥ `floor`.
/// Lower bounds never exclude the high end, so only capping clauses count.
pub(crate) fn allows_at_least(specifier: &str, floor: &[u64]) -> bool {
    specifier.split("||").any(|alternative| {
        alternative
            .split(',')
            .all(|c| clause_allows(c.trim(), floor))
    })
}

fn clause_allows(clause: &str, floor: &[u64]) -> bool {
    let below = |upper: &[u64]| cmp(floor, upper).is_lt();
    let op_end = clause
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(clause.len());
    let (op, version) = clause.split_at(op_end);
    let v = release(version);
    if v.is_empty() {
        return true;
    }
    match op.trim() {
        "==" if version.ends_with(".*") => cmp(&v, &floor[..v.len().min(floor.len())]).is_ge(),
        "==" | "===" | "" => cmp(&v, floor).is_ge(),
        "<" => below(&v),
        "<=" => cmp(floor, &v).is_le(),
        "~=" if v.len() >= 2 => below(&bump(&v[..v.len() - 1], v.len() - 2)),
        // Poetry: ^1.2 < 2.0, ^0.5 < 0.6; ~1.2 < 1.3, ~1 < 2.
        "^" => {
            let first = v.iter().position(|&n| n != 0).unwrap_or(v.len() - 1);
            below(&bump(&v[..=first], first))
        }
        "~" => {
            let keep = v.len().min(2);
            below(&bump(&v[..keep], keep - 1))
        }
        _ => true,
    }
}

fn bump(v: &[u64], at: usize) -> Vec<u64> {
    let mut out = v[..=at].to_vec();
    out[at] += 1;
    out
}
