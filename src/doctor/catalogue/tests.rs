use super::placeholders::{self, NAMES};
use super::render::{dedent, markdown_all};
use super::*;
use crate::doctor::Finding;
use std::collections::BTreeSet;
use std::path::Path;

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const REGENERATE: &str = "cargo run -q -- explain --all --format markdown > docs/failures.md";

#[test]
fn ids_are_unique_and_kebab_case() {
    let mut seen = BTreeSet::new();
    for e in CATALOGUE.iter() {
        assert!(seen.insert(e.id), "{} is listed twice", e.id);
        assert!(
            e.id.split('-').all(|w| !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{} is not kebab-case",
            e.id
        );
    }
    assert_eq!(seen.len(), SECTIONS.iter().map(|s| s.len()).sum::<usize>());
}

/// Ids are interface: this list only ever grows. A rename or removal fails
/// here before it reaches a user's script.
#[test]
fn no_id_ever_disappears() {
    #[rustfmt::skip]
    const SHIPPED: &[&str] = &[
        "compose-missing", "compose-invalid", "backend-service-missing", "requirements-missing",
        "otel-endpoint-missing", "otel-headers-missing", "otel-service-name-missing", "env-name-typo",
        "otel-endpoint-signal-path", "otel-traces-endpoint-no-path", "otel-endpoint-invalid",
        "otel-headers-malformed", "compose-list-quotes", "otel-protocol-mismatch", "otel-disabled",
        "compose-var-unset", "gitpod-env-not-loaded", "env-file-missing", "env-file-not-interpolated",
        "env-on-wrong-service", "secret-hardcoded", "dotenv-not-ignored", "dotenv-permissions",
        "honeycomb-key-format", "honeycomb-key-classic-no-dataset", "honeycomb-key-rejected",
        "honeycomb-region-mismatch", "honeycomb-key-cannot-send", "honeycomb-key-cannot-create-dataset",
        "rollbar-token-missing", "rollbar-token-rejected", "aws-credentials-missing",
        "requirements-missing-otel", "requirements-exporter-mismatch", "requirements-version-skew",
        "requirements-missing-provider", "dockerfile-no-requirements", "instrument-without-distro",
        "flask-reloader-auto-instrumentation", "tracer-provider-not-set", "span-processor-missing",
        "otlp-exporter-missing", "flask-not-instrumented", "flask-instrumented-before-app",
        "requests-not-instrumented", "console-exporter-enabled", "flask-before-first-request",
        "rollbar-not-initialized", "xray-middleware-before-app", "xray-daemon-missing",
        "xray-daemon-region-missing", "xray-daemon-command-ignored", "watchtower-deprecated-arg",
        "gunicorn-fork-unsafe", "endpoint-unreachable", "endpoint-wrong-path", "rollbar-unreachable",
        "xray-daemon-unreachable", "container-env-stale", "container-missing-packages",
        "otlp-partial-success", "otlp-body-rejected", "honeycomb-rate-limited", "honeycomb-server-error",
        "rollbar-item-rejected", "rollbar-rate-limited", "rollbar-server-error",
        "tracer-provider-overridden", "xray-context-missing",
        // Added with the documented catalogue.
        "telemetry-not-set-up", "compose-no-default", "compose-var-self-reference",
        "compose-network-undefined", "compose-env-bool", "bind-mount-missing",
        "healthcheck-tool-missing", "healthcheck-host-var", "healthcheck-public-url",
        "collector-config-missing", "collector-config-invalid", "collector-receiver-localhost",
        "collector-component-removed", "collector-image-unpinned", "collector-env-unset",
        "collector-honeycomb-headers-missing", "collector-unused", "dotenv-tracked",
        "secret-file-left", "dockerfile-env-spaced", "python-syntax-error", "python-name-undefined",
        "library-name-missing", "xray-daemon-address-missing", "xray-manual-segment",
        "xray-naming-no-wildcard", "xray-daemon-unused", "watchtower-handler-at-import",
        "container-not-running", "container-export-failing", "endpoint-redirected",
    ];
    for id in SHIPPED {
        assert!(
            find(id).is_some(),
            "{id} was shipped and must stay in the catalogue"
        );
    }
}

#[test]
fn every_entry_is_documented() {
    for e in CATALOGUE.iter() {
        for (field, text) in [("summary", e.summary), ("why", e.why), ("fix", e.fix)] {
            assert!(text.trim().len() > 10, "{}: {field} is empty", e.id);
            assert!(
                !text.contains('\n'),
                "{}: {field} must be one paragraph",
                e.id
            );
            assert!(!text.contains("  "), "{}: {field} has a double space", e.id);
        }
        assert!(e.summary.len() <= 160, "{}: the summary is one line", e.id);
        let (before, after) = (dedent(e.example.before), dedent(e.example.after));
        assert!(!before.is_empty() && !after.is_empty(), "{}: example", e.id);
        assert_ne!(before, after, "{}: before and after are the same", e.id);
    }
}

#[test]
fn fix_texts_use_only_known_placeholders() {
    let known: Vec<&str> = NAMES.iter().map(|p| p.name).collect();
    for e in CATALOGUE.iter() {
        for name in placeholders::names(e.fix) {
            assert!(
                known.contains(&name),
                "{}: unknown placeholder {{{name}}}",
                e.id
            );
            // The generic phrase ("the service named in the finding") takes no 's.
            assert!(!e.fix.contains(&format!("{{{name}}}'s")), "{}", e.id);
        }
        for phrase in placeholders::phrases(e.fix) {
            assert!(
                !phrase.trim().is_empty() && placeholders::names(phrase).is_empty(),
                "{}: phrase {phrase:?}",
                e.id
            );
        }
        for text in [e.summary, e.why] {
            assert!(
                placeholders::names(text).is_empty(),
                "{}: placeholder outside the fix",
                e.id
            );
        }
    }
}

/// A finding's fix is the catalogue's, its placeholders filled with what
/// the check knows and generic words for the rest: never a raw `{name}`.
#[test]
fn no_placeholder_reaches_a_finding() {
    for e in CATALOGUE.iter() {
        let bare = Finding::new(e.id, "t");
        assert!(
            placeholders::names(bare.fix()).is_empty(),
            "{}: {}",
            e.id,
            bare.fix()
        );
        assert!(
            bare.fix().starts_with(&e.fix[..4]),
            "{}: not the catalogue's fix",
            e.id
        );
        // Not even one the parser would not take for a placeholder.
        for p in NAMES {
            for raw in [format!("{{{}}}", p.name), format!("{{{}|", p.name)] {
                assert!(!bare.fix().contains(&raw), "{}: {raw} left", e.id);
            }
        }
        let mut filled = Finding::new(e.id, "t");
        for p in NAMES {
            filled = filled.fill(p.name, "VALUE");
        }
        assert!(placeholders::names(filled.fix()).is_empty(), "{}", e.id);
        let used = placeholders::names(e.fix).len();
        assert_eq!(filled.fix().matches("VALUE").count(), used, "{}", e.id);
    }
    let f = Finding::new("requirements-missing-provider", "t")
        .fill("package", "blinker")
        .fill("requirements", "backend-flask/requirements.txt");
    assert!(
        f.fix()
            .starts_with("Add `blinker` to `backend-flask/requirements.txt`"),
        "{}",
        f.fix()
    );
    // The fix is always the catalogue's text with the values given, the
    // last value of a name winning, whatever else the finding carries.
    let f = Finding::new("compose-var-unset", "t")
        .fill("var", "X")
        .service("backend-flask")
        .evidence("e")
        .fill("var", "A, B");
    assert_eq!(
        f.fix(),
        entry("compose-var-unset").fix_with(&[("var", "A, B"), ("service", "backend-flask")])
    );
    assert!(
        f.fix().starts_with("Set `A`, `B` where compose reads"),
        "{}",
        f.fix()
    );
}

/// Whether `doctor --fix` repairs an id is the `fixable` flag, which the
/// report and explain print; a fix text saying it too would repeat it, or
/// contradict the flag.
#[test]
fn fix_texts_leave_the_fix_marker_to_the_flag() {
    for e in CATALOGUE.iter() {
        assert!(!e.fix.contains("doctor --fix"), "{}: {}", e.id, e.fix);
    }
}

#[test]
fn ids_the_code_reports_are_catalogued() {
    // Every finding constructor with a literal id, wherever its line breaks.
    let needle = concat!("Finding", "::new(");
    let mut missing = Vec::new();
    let mut stack = vec![repo("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split(needle).skip(1) {
                    let Some(rest) = part.trim_start().strip_prefix('"') else {
                        continue;
                    };
                    let id = &rest[..rest.find('"').unwrap()];
                    if find(id).is_none() {
                        missing.push(format!("{id} ({})", path.display()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in the catalogue: {missing:?}");
}

/// docs/failures.md is generated; it must be what the code produces now.
#[test]
fn docs_failures_md_is_generated_from_the_catalogue() {
    let committed = std::fs::read_to_string(repo("docs/failures.md")).unwrap_or_default();
    let generated = markdown_all();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(committed.lines().count().min(generated.lines().count()) + 1);
        panic!(
            "docs/failures.md differs from the catalogue in src/doctor/catalogue/ (first at line \
             {line}). Regenerate it:\n    {REGENERATE}"
        );
    }
}

/// The sync test: the ids documented for users are exactly the catalogue's.
#[test]
fn every_catalogued_id_is_documented_and_no_other() {
    let docs = std::fs::read_to_string(repo("docs/failures.md")).unwrap_or_default();
    let documented: BTreeSet<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
        .collect();
    let catalogued: BTreeSet<&str> = CATALOGUE.iter().map(|e| e.id).collect();
    let undocumented: Vec<_> = catalogued.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&catalogued).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "not documented: {undocumented:?}; documented but not catalogued: {unknown:?}. \
         Regenerate: {REGENERATE}"
    );
}

#[test]
fn every_category_title_heads_a_docs_section_in_report_order() {
    let docs = markdown_all();
    let mut at = 0;
    for cat in Category::ALL {
        if CATALOGUE.iter().any(|e| e.category == cat) {
            let heading = format!("\n## {}\n", cat.title());
            let pos = docs.find(&heading).unwrap_or_else(|| panic!("{heading:?}"));
            assert!(pos > at, "{} is out of order", cat.title());
            at = pos;
        }
    }
}
