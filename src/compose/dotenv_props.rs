//! Property tests of the `.env` reader and writer: for any file made of the
//! line shapes people write (and some they should not), `try_set` either
//! refuses a file that does not parse, or returns one that parses, keeps
//! every original line in order and changes or adds only the key's line.

use super::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::sync::atomic::{AtomicUsize, Ordering};

static EDITED: AtomicUsize = AtomicUsize::new(0);
static APPENDED: AtomicUsize = AtomicUsize::new(0);
static UNCHANGED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("K".to_string()),
        Just("OTHER".to_string()),
        Just("DB_PASSWORD".to_string()),
        "[A-Z][A-Z0-9_]{0,6}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    // Quotes, `$`, `#`, backslashes, blanks, a line break, non-ASCII.
    proptest::collection::vec(
        prop_oneof![
            "[a-z0-9]{1,4}",
            Just(" ".to_string()),
            Just("#".to_string()),
            Just(" #".to_string()),
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("$".to_string()),
            Just("${X}".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("\t".to_string()),
            Just("é".to_string()),
        ],
        0..5,
    )
    .prop_map(|parts| parts.concat())
}

/// One line as people write them, without its line ending.
fn line() -> impl Strategy<Value = String> {
    let ident = "[a-z0-9]{0,6}";
    prop_oneof![
        4 => Just(String::new()),
        4 => "# [ -~]{0,10}",
        4 => (name(), ident).prop_map(|(k, v)| format!("{k}={v}")),
        4 => (name(), ident).prop_map(|(k, v)| format!("export {k}={v}")),
        4 => (name(), ident).prop_map(|(k, v)| format!("{k}: {v}")),
        4 => (name(), ident).prop_map(|(k, v)| format!("  {k} = {v} # note")),
        4 => (name(), "[a-z $#\"]{0,6}").prop_map(|(k, v)| format!("{k}='{v}'")),
        4 => (name(), "[a-z '$#]{0,6}").prop_map(|(k, v)| format!("{k}=\"{v}\"")),
        4 => (name(), ident).prop_map(|(k, v)| format!("{k}=\"{v}\nmore\"")),
        4 => name(),
        // Shapes compose refuses (rarer, or few files would parse).
        1 => prop_oneof![
            Just("A B=1".to_string()),
            Just("BAD=\"open".to_string()),
            Just("=x".to_string()),
        ],
    ]
}

fn file() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(line(), 0..8),
        prop_oneof![Just("\n"), Just("\r\n")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, eol, final_eol, bom)| {
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            text.push_str(&lines.join(eol));
            if final_eol && !lines.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

/// Lines without their endings (a lone `\r` before `\n` goes with it).
fn lines_of(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches('\r')).collect()
}

fn check(text: &str, value: &str) -> Result<(), TestCaseError> {
    let Ok(before) = parse(text) else {
        prop_assert!(
            try_set(text, "K", value).is_err(),
            "a broken file was edited"
        );
        REFUSED.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    };
    let after = try_set(text, "K", value)
        .map_err(|e| TestCaseError::fail(format!("{text:?} {value:?}: {e}")))?;
    let entries = parse(&after).unwrap();
    prop_assert_eq!(
        entries.len(),
        before.len() + usize::from(!before.iter().any(|e| e.key == "K"))
    );
    if after == text {
        UNCHANGED.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    let (old, new) = (lines_of(text), lines_of(&after));
    prop_assert_eq!(after.starts_with(BOM), text.starts_with(BOM));
    if let Some(k) = before.iter().rev().find(|e| e.key == "K") {
        // Replaced in place: the key's lines change, nothing else moves.
        let spans = k.value.matches('\n').count();
        let head = k.line - 1;
        let tail = old.len() - (head + 1 + spans);
        prop_assert!(
            new.len() > head + tail && new.len() <= old.len(),
            "{:?} -> {:?}",
            text,
            after
        );
        prop_assert_eq!(&old[..head], &new[..head]);
        prop_assert_eq!(&old[old.len() - tail..], &new[new.len() - tail..]);
        EDITED.fetch_add(1, Ordering::Relaxed);
    } else {
        // Appended: the original text is a prefix (plus a line ending).
        prop_assert!(after.starts_with(text), "{:?} -> {:?}", text, after);
        let added = &after[text.len()..];
        let added = added.trim_start_matches(['\r', '\n']);
        prop_assert!(added.starts_with("K="), "{:?}", added);
        prop_assert_eq!(
            added.trim_end_matches(['\r', '\n']).matches('\n').count(),
            0
        );
        APPENDED.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

#[test]
fn try_set_keeps_every_other_line_or_refuses() {
    let config = proptest::test_runner::Config {
        cases: 3000,
        failure_persistence: None,
        ..Default::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&(file(), value()), |(text, value)| check(&text, &value))
        .unwrap();
    let counts = [&EDITED, &APPENDED, &UNCHANGED, &REFUSED].map(|c| c.load(Ordering::Relaxed));
    eprintln!(
        ".env property: {} cases: edited in place {}, appended {}, already set {}, refused (does not parse) {}",
        counts.iter().sum::<usize>(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    // Each outcome must really be exercised, or the property proves little.
    assert!(
        counts[0] >= 300 && counts[1] >= 300 && counts[3] >= 100,
        "{counts:?}"
    );
    assert!(counts[2] >= 5, "{counts:?}");
}
