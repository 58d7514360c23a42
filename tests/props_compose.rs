//! Property tests of the compose editors: for generated compose files
//! (comments, quoting styles, block and flow maps and lists, anchors, CRLF,
//! a missing final newline, 2- or 4-space indents), adding variables to the
//! backend's environment and adding the xray-daemon service either yield a
//! file that parses, keeps every original line (character, for flow style)
//! in order, holds exactly the intended environment and leaves every other
//! service as it was — or are refused with an error, producing nothing.

use cruddur_obs::compose::add_service::add_service;
use cruddur_obs::compose::edit::{apply_env_ops, EnvOp};
use cruddur_obs::compose::ComposeFile;
use cruddur_obs::providers::xray::setup::{daemon_service_yaml, DAEMON_SERVICE};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy)]
enum EnvStyle {
    None,
    BlockMap,
    BlockList,
    FlowMap,
    FlowList,
}

#[derive(Debug, Clone)]
struct Spec {
    indent: usize,
    crlf: bool,
    final_newline: bool,
    header_comment: bool,
    version: bool,
    style: EnvStyle,
    /// (name, value, quote: 0 plain, 1 single, 2 double, trailing comment)
    vars: Vec<(String, String, u8, bool)>,
    comment_between: bool,
    blank_after_env: bool,
    db_first: bool,
    anchor: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    let var = (
        "[A-Z][A-Z_]{0,8}",
        "[a-z]([a-z0-9:/._-]{0,10}[a-z0-9])?",
        0u8..3,
        any::<bool>(),
    )
        .prop_map(|(n, v, q, c)| (n, v, q, c));
    (
        prop_oneof![Just(2usize), Just(4usize)],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(EnvStyle::None),
            Just(EnvStyle::BlockMap),
            Just(EnvStyle::BlockList),
            Just(EnvStyle::FlowMap),
            Just(EnvStyle::FlowList),
        ],
        proptest::collection::vec(var, 0..4),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(indent, crlf, final_newline, header_comment, version, style, vars, more)| {
                let mut vars = vars;
                vars.sort_by(|a, b| a.0.cmp(&b.0));
                vars.dedup_by(|a, b| a.0 == b.0);
                Spec {
                    indent,
                    crlf,
                    final_newline,
                    header_comment,
                    version,
                    style,
                    vars,
                    comment_between: more.0,
                    blank_after_env: more.1,
                    db_first: more.2,
                    anchor: more.3,
                }
            },
        )
}

fn quoted(v: &str, q: u8) -> String {
    match q {
        1 => format!("'{v}'"),
        2 => format!("\"{v}\""),
        _ => v.to_string(),
    }
}

fn render(s: &Spec) -> String {
    let i1 = " ".repeat(s.indent);
    let i2 = " ".repeat(s.indent * 2);
    let i3 = " ".repeat(s.indent * 3);
    let mut lines: Vec<String> = Vec::new();
    if s.header_comment {
        lines.push("# Cruddur: local development".into());
    }
    if s.version {
        lines.push("version: \"3.8\"".into());
    }
    if s.anchor {
        lines.push("x-common: &common".into());
        lines.push(format!("{i1}restart: unless-stopped"));
    }
    lines.push("services:".into());
    let db = vec![
        format!("{i1}db:"),
        format!("{i2}image: postgres:13-alpine"),
        format!("{i2}environment:"),
        format!("{i3}- POSTGRES_USER=postgres"),
        format!("{i3}- POSTGRES_PASSWORD=password"),
    ];
    if s.db_first {
        lines.extend(db.clone());
    }
    lines.push(format!("{i1}backend-flask:"));
    if s.anchor {
        lines.push(format!("{i2}<<: *common"));
    }
    lines.push(format!("{i2}build: ./backend-flask"));
    let comment = |c: bool| if c { "  # set by hand" } else { "" };
    match s.style {
        EnvStyle::None => {}
        EnvStyle::BlockMap => {
            lines.push(format!("{i2}environment:"));
            for (k, (n, v, q, c)) in s.vars.iter().enumerate() {
                if s.comment_between && k == 1 {
                    lines.push(format!("{i3}# a comment between entries"));
                }
                lines.push(format!("{i3}{n}: {}{}", quoted(v, *q), comment(*c)));
            }
            if s.vars.is_empty() {
                lines.pop();
                lines.push(format!("{i2}environment: {{}}"));
            }
        }
        EnvStyle::BlockList => {
            lines.push(format!("{i2}environment:"));
            for (k, (n, v, q, c)) in s.vars.iter().enumerate() {
                if s.comment_between && k == 1 {
                    lines.push(format!("{i3}# a comment between entries"));
                }
                lines.push(format!(
                    "{i3}- {}{}",
                    quoted(&format!("{n}={v}"), *q),
                    comment(*c)
                ));
            }
            if s.vars.is_empty() {
                lines.pop();
                lines.push(format!("{i2}environment: []"));
            }
        }
        EnvStyle::FlowMap => {
            let items: Vec<String> = s
                .vars
                .iter()
                .map(|(n, v, q, _)| format!("{n}: {}", quoted(v, (*q).max(1))))
                .collect();
            lines.push(format!("{i2}environment: {{{}}}", items.join(", ")));
        }
        EnvStyle::FlowList => {
            let items: Vec<String> = s
                .vars
                .iter()
                .map(|(n, v, q, _)| quoted(&format!("{n}={v}"), (*q).max(1)))
                .collect();
            lines.push(format!("{i2}environment: [{}]", items.join(", ")));
        }
    }
    if s.blank_after_env {
        lines.push(String::new());
    }
    lines.push(format!("{i2}ports:"));
    lines.push(format!("{i3}- \"4567:4567\""));
    if !s.db_first {
        lines.extend(db);
    }
    let eol = if s.crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(eol);
    if s.final_newline {
        text.push_str(eol);
    }
    text
}

fn env_of(text: &str, service: &str) -> Option<BTreeMap<String, Option<String>>> {
    let file = ComposeFile::parse(Path::new("docker-compose.yml"), text.to_string()).ok()?;
    let svc = file.service(service)?;
    Some(
        svc.environment()
            .into_iter()
            .map(|v| (v.name, v.value))
            .collect(),
    )
}

/// Every line of `before` in `after`, in order (a last line without an
/// ending may gain one).
fn only_insertions(before: &str, after: &str) -> bool {
    let mut it = after.split('\n').map(|l| l.trim_end_matches('\r'));
    before
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .all(|line| it.any(|l| l == line))
}

/// Every character of `before` in `after`, in order.
fn only_char_insertions(before: &str, after: &str) -> bool {
    let mut it = after.chars();
    before.chars().all(|c| it.any(|a| a == c))
}

const NEW_VARS: [(&str, &str); 3] = [
    ("OTEL_SERVICE_NAME", "backend-flask"),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.honeycomb.io"),
    (
        "OTEL_EXPORTER_OTLP_HEADERS",
        "x-honeycomb-team=${HONEYCOMB_API_KEY}",
    ),
];

#[derive(Default, Debug)]
struct Counts {
    changed: usize,
    unchanged: usize,
    refused: usize,
    daemon_added: usize,
    daemon_refused: usize,
}

fn check_env(text: &str, counts: &mut Counts) -> Result<(), TestCaseError> {
    let Some(before) = env_of(text, "backend-flask") else {
        return Err(TestCaseError::fail(format!(
            "generated file does not parse:\n{text}"
        )));
    };
    let db_before = env_of(text, "db");
    let ops: Vec<EnvOp> = NEW_VARS
        .iter()
        .map(|(n, v)| EnvOp::Set {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    let path = Path::new("docker-compose.yml");
    let edit = match apply_env_ops(path, text, "backend-flask", &ops) {
        Err(_) => {
            counts.refused += 1;
            return Ok(());
        }
        Ok(None) => {
            counts.unchanged += 1;
            prop_assert!(NEW_VARS
                .iter()
                .all(|(n, v)| before.get(*n) == Some(&Some(v.to_string()))));
            return Ok(());
        }
        Ok(Some(e)) => e,
    };
    counts.changed += 1;
    let after = edit.text;
    let env = env_of(&after, "backend-flask");
    prop_assert!(env.is_some(), "does not parse:\n{}", after);
    let mut expected = before.clone();
    for (n, v) in NEW_VARS {
        expected.insert(n.to_string(), Some(v.to_string()));
    }
    prop_assert_eq!(env.unwrap(), expected);
    prop_assert_eq!(env_of(&after, "db"), db_before);
    prop_assert!(
        only_char_insertions(text, &after),
        "lost characters:\n{}",
        after
    );
    let flow = text.contains("environment: {") || text.contains("environment: [");
    if !flow {
        prop_assert!(only_insertions(text, &after), "lost lines:\n{}", after);
        // Added lines are the variables (and the `environment:` key).
        let mut old = text
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .peekable();
        let added: Vec<&str> = after
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .collect();
        // A file without a final line ending may gain one after new lines.
        let added = added.strip_suffix(&[""]).unwrap_or(&added);
        for &line in added {
            if old.peek() == Some(&line) {
                old.next();
                continue;
            }
            prop_assert!(
                line.contains("OTEL_") || line.trim() == "environment:",
                "unexpected line {:?} in\n{}",
                line,
                after
            );
        }
    }
    // The file's line ending is kept for every line.
    if text.contains("\r\n") {
        prop_assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    }
    Ok(())
}

fn check_daemon(text: &str, counts: &mut Counts) -> Result<(), TestCaseError> {
    let path = Path::new("docker-compose.yml");
    match add_service(path, text, DAEMON_SERVICE, daemon_service_yaml) {
        Err(_) => counts.daemon_refused += 1,
        Ok(None) => prop_assert!(false, "no daemon yet, nothing added"),
        Ok(Some(after)) => {
            counts.daemon_added += 1;
            prop_assert!(only_insertions(text, &after), "lost lines:\n{}", after);
            prop_assert!(env_of(&after, DAEMON_SERVICE).is_some(), "{}", after);
            prop_assert_eq!(
                env_of(&after, "backend-flask"),
                env_of(text, "backend-flask")
            );
            prop_assert_eq!(env_of(&after, "db"), env_of(text, "db"));
        }
    }
    Ok(())
}

#[test]
fn compose_edits_keep_every_line_or_are_refused() {
    let mut runner = TestRunner::new(Config {
        cases: 600,
        failure_persistence: None,
        ..Config::default()
    });
    let counts = std::cell::RefCell::new(Counts::default());
    runner
        .run(&spec(), |s| {
            let text = render(&s);
            let mut c = counts.borrow_mut();
            check_env(&text, &mut c)?;
            check_daemon(&text, &mut c)
        })
        .unwrap();
    let c = counts.into_inner();
    eprintln!("compose property: 600 cases: {c:?}");
    assert!(c.changed >= 400, "{c:?}");
    assert!(c.daemon_added >= 400, "{c:?}");
}
