//! From what the checks found to a report a user can act on: what holds
//! only for this shell becomes one finding per cause listing every variable;
//! a consequence of another finding is folded into its root's text (never two
//! errors for one cause); the same finding from several compose projects is
//! said once.

use super::{Finding, Scope};

/// When a root finding accounts for a consequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Whenever both are present.
    Always,
    /// When both concern the same compose service.
    SameService,
    /// When everything the consequence is about, the root is about too
    /// (the variables this shell lacks cover the credentials found missing).
    Covered,
    /// When both point at the same line of the same file.
    SameLine,
}

pub struct Implication {
    pub root: &'static str,
    pub consequence: &'static str,
    pub when: When,
    /// What the consequence means, said in the root's title.
    pub says: &'static str,
}

const fn imp(
    root: &'static str,
    consequence: &'static str,
    when: When,
    says: &'static str,
) -> Implication {
    Implication {
        root,
        consequence,
        when,
        says,
    }
}

use When::*;

/// The symptoms of a project where nothing is set up yet.
const NOT_SET_UP: [&str; 10] = [
    "otel-endpoint-missing",
    "otel-headers-missing",
    "otel-service-name-missing",
    "flask-not-instrumented",
    "requests-not-instrumented",
    "requirements-missing-otel",
    "otlp-exporter-missing",
    "tracer-provider-not-set",
    "span-processor-missing",
    "xray-daemon-missing",
];

/// Every implication doctor knows, root first. The table is the one place
/// where "A means B" is written down; its tests say why each row holds.
pub const IMPLICATIONS: &[Implication] = &[
    // Flask 2.3 removed the decorator: the app crashes at import, so the
    // Rollbar set-up inside the hook never runs either.
    imp(
        "flask-before-first-request",
        "rollbar-not-initialized",
        Always,
        "Rollbar is never initialised",
    ),
    // A variable this shell lacks is substituted as "": whatever reads it gets nothing.
    imp(
        "compose-var-unset",
        "aws-credentials-missing",
        Covered,
        "the AWS credentials reach no container",
    ),
    imp(
        "compose-var-unset",
        "rollbar-token-missing",
        Covered,
        "Rollbar gets no token",
    ),
    imp(
        "compose-var-unset",
        "collector-env-unset",
        Covered,
        "the collector gets no key",
    ),
    imp(
        "gitpod-env-not-loaded",
        "aws-credentials-missing",
        Covered,
        "the AWS credentials reach no container",
    ),
    imp(
        "gitpod-env-not-loaded",
        "rollbar-token-missing",
        Covered,
        "Rollbar gets no token",
    ),
    imp(
        "gitpod-env-not-loaded",
        "collector-env-unset",
        Covered,
        "the collector gets no key",
    ),
    // Variables written under another service are the backend's missing ones.
    imp(
        "env-on-wrong-service",
        "otel-endpoint-missing",
        Covered,
        "the backend exports to the SDK's localhost default",
    ),
    imp(
        "env-on-wrong-service",
        "otel-headers-missing",
        Covered,
        "the backend sends no key",
    ),
    imp(
        "env-on-wrong-service",
        "otel-service-name-missing",
        Covered,
        "the backend's spans land in unknown_service",
    ),
    imp(
        "env-on-wrong-service",
        "rollbar-token-missing",
        Covered,
        "Rollbar gets no token",
    ),
    imp(
        "env-on-wrong-service",
        "aws-credentials-missing",
        Covered,
        "the AWS credentials reach no container",
    ),
    imp(
        "env-on-wrong-service",
        "xray-daemon-address-missing",
        Covered,
        "the X-Ray SDK sends to its own localhost",
    ),
    // A missing env_file: compose refuses to start the service at all.
    imp(
        "env-file-missing",
        "otel-endpoint-missing",
        SameService,
        "none of its variables reach the backend",
    ),
    imp(
        "env-file-missing",
        "otel-headers-missing",
        SameService,
        "none of its variables reach the backend",
    ),
    imp(
        "env-file-missing",
        "otel-service-name-missing",
        SameService,
        "none of its variables reach the backend",
    ),
    imp(
        "env-file-missing",
        "rollbar-token-missing",
        SameService,
        "none of its variables reach the backend",
    ),
    imp(
        "env-file-missing",
        "aws-credentials-missing",
        SameService,
        "none of its variables reach the container",
    ),
    // The quotes compose keeps make the header entry unreadable.
    imp(
        "compose-list-quotes",
        "otel-headers-malformed",
        Covered,
        "the exporter drops the quoted header",
    ),
    // Code that runs before `app = Flask(...)` uses a name not bound yet.
    imp(
        "xray-middleware-before-app",
        "python-name-undefined",
        SameLine,
        "`app` is not defined there yet",
    ),
    imp(
        "flask-instrumented-before-app",
        "python-name-undefined",
        SameLine,
        "`app` is not defined there yet",
    ),
    // A bind-mounted config that does not exist is the collector's problem.
    imp(
        "collector-config-missing",
        "bind-mount-missing",
        Covered,
        "docker mounts an empty directory in its place",
    ),
];

/// The whole judgement of one compose project: shell findings grouped,
/// consequences folded, duplicates dropped.
pub fn judge(findings: Vec<Finding>) -> Vec<Finding> {
    judge_projects(vec![findings])
}

/// Several compose projects (the selected one and the other compose files):
/// a consequence folds into a root of its own project only (a variable the
/// shell lacks for one file says nothing of another file that lacks the
/// setting), then the shell's findings and duplicates are merged across.
pub fn judge_projects(projects: Vec<Vec<Finding>>) -> Vec<Finding> {
    let mut all = Vec::new();
    for findings in projects {
        let grouped = group_shell(findings);
        let not_set_up = grouped.iter().any(|f| f.id == "telemetry-not-set-up");
        all.extend(fold(grouped, not_set_up));
    }
    let mut out = dedupe(group_shell(all));
    for f in &mut out {
        if !f.consequences.is_empty() {
            f.title = format!("{}; so {}", f.title, f.consequences.join(", and "));
        }
    }
    out
}

/// One finding per id for what holds only in this shell, listing every
/// variable and every place that needs it.
pub fn group_shell(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        if f.scope != Scope::Shell {
            out.push(f);
            continue;
        }
        match out
            .iter_mut()
            .find(|g| g.scope == Scope::Shell && g.id == f.id)
        {
            None => out.push(f),
            Some(g) => {
                for name in f.about {
                    if !g.about.contains(&name) {
                        g.about.push(name);
                    }
                }
                for c in f.consequences {
                    if !g.consequences.contains(&c) {
                        g.consequences.push(c);
                    }
                }
                if let Some(e) = f.evidence {
                    let joined = match g.evidence.take() {
                        Some(old) if !old.contains(&e) => format!("{old}; {e}"),
                        Some(old) => old,
                        None => e,
                    };
                    g.evidence = Some(joined);
                }
            }
        }
    }
    for g in out.iter_mut().filter(|g| g.scope == Scope::Shell) {
        g.title = shell_title(g);
        // The fix names every variable of the group, as the title does.
        g.fill_in("var", g.about.join(", "));
    }
    out
}

fn shell_title(f: &Finding) -> String {
    let n = f.about.len();
    let names = f.about.join(", ");
    let s = if n == 1 { "" } else { "s" };
    match f.id {
        "gitpod-env-not-loaded" => format!(
            "in this shell, {n} variable{s} stored with gp env {} not loaded: {names}; compose substitutes empty strings",
            if n == 1 { "is" } else { "are" }
        ),
        "compose-var-unset" => format!(
            "this shell lacks {n} variable{s} the project needs (not exported, not in .env): {names}; compose substitutes empty strings"
        ),
        _ => f.title.clone(),
    }
}

fn applies(imp: &Implication, root: &Finding, cons: &Finding) -> bool {
    match imp.when {
        Always => true,
        SameService => root.service.is_some() && root.service == cons.service,
        Covered => !cons.about.is_empty() && cons.about.iter().all(|a| root.about.contains(a)),
        SameLine => root.file.is_some() && root.file == cons.file && root.line == cons.line,
    }
}

/// Drops each consequence whose root is present and says it in the root's
/// title. With nothing set up, the set-up's symptoms go the same way.
fn fold(findings: Vec<Finding>, not_set_up: bool) -> Vec<Finding> {
    let mut keep = vec![true; findings.len()];
    let mut says: Vec<Vec<&'static str>> =
        findings.iter().map(|f| f.consequences.clone()).collect();
    for (c, cons) in findings.iter().enumerate() {
        if not_set_up && NOT_SET_UP.contains(&cons.id) {
            keep[c] = false;
            continue;
        }
        for imp in IMPLICATIONS.iter().filter(|i| i.consequence == cons.id) {
            let root = findings
                .iter()
                .position(|r| r.id == imp.root && applies(imp, r, cons));
            if let Some(r) = root {
                keep[c] = false;
                if !says[r].contains(&imp.says) {
                    says[r].push(imp.says);
                }
                break;
            }
        }
    }
    findings
        .into_iter()
        .zip(keep)
        .zip(says)
        .filter(|((_, k), _)| *k)
        .map(|((mut f, _), says)| {
            f.consequences = says;
            f
        })
        .collect()
}

/// The same finding reached through several compose projects (the code is
/// shared by every variant) is said once.
fn dedupe(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        let same = out
            .iter()
            .any(|g| g.id == f.id && g.file == f.file && g.line == f.line && g.title == f.title);
        if !same {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
#[path = "judge_tests.rs"]
mod tests;
