//! The CLI a newcomer meets: --help with examples and the environment,
//! test-only flags hidden but accepted, completions, the man page, and
//! `explain`, through the built binary.

mod common;
use common::*;
use cruddur_obs::doctor::catalogue::{self, placeholders};

const COMMANDS: [&str; 6] = [
    "init",
    "send-test-span",
    "doctor",
    "explain",
    "completions",
    "man",
];

#[test]
fn every_help_ends_with_examples_that_use_the_command() {
    for cmd in COMMANDS {
        let out = cruddur(&[cmd, "--help"]).run().expect_code(0).stdout();
        let examples = out
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd} --help has no examples:\n{out}"));
        assert!(
            examples.contains(&format!("cruddur-obs {cmd}")),
            "{cmd}'s examples do not run it:\n{examples}"
        );
    }
    let top = cruddur(&["--help"]).run().expect_code(0).stdout();
    assert!(
        top.contains("Examples:") && top.contains("cruddur-obs explain"),
        "{top}"
    );
}

#[test]
fn help_names_the_variables_each_command_reads() {
    let want: [(&str, &[&str]); 4] = [
        (
            "init",
            &["HONEYCOMB_API_KEY", "ROLLBAR_ACCESS_TOKEN", "NO_COLOR"],
        ),
        (
            "send-test-span",
            &[
                "HONEYCOMB_API_KEY",
                "ROLLBAR_ACCESS_TOKEN",
                "CRUDDUR_OBS_ENDPOINT",
                "NO_COLOR",
            ],
        ),
        (
            "doctor",
            &[
                "HONEYCOMB_API_KEY",
                "ROLLBAR_ACCESS_TOKEN",
                "AWS_ACCESS_KEY_ID",
                "AWS_DEFAULT_REGION",
                "CRUDDUR_OBS_XRAY_ADDRESS",
                "CRUDDUR_OBS_CACHE_DIR",
                "CRUDDUR_OBS_THREADS",
                "NO_COLOR",
            ],
        ),
        ("--help", &["NO_COLOR"]),
    ];
    for (cmd, vars) in want {
        let args: Vec<&str> = if cmd == "--help" {
            vec![cmd]
        } else {
            vec![cmd, "--help"]
        };
        let out = cruddur(&args).run().expect_code(0).stdout();
        for v in vars {
            assert!(out.contains(v), "{cmd} --help does not name {v}:\n{out}");
        }
    }
}

#[test]
fn test_only_overrides_are_hidden_but_accepted() {
    for cmd in ["send-test-span", "doctor"] {
        let help = cruddur(&[cmd, "--help"]).run().expect_code(0).stdout();
        for hidden in [
            "--honeycomb-api-url",
            "--rollbar-api-url",
            "--honeycomb-other-region-url",
            "CRUDDUR_OBS_HONEYCOMB_API_URL",
            "CRUDDUR_OBS_ROLLBAR_API_URL",
        ] {
            assert!(!help.contains(hidden), "{cmd} --help shows {hidden}");
        }
    }
    // Still parsed: the run gets past argument parsing to the project.
    let tmp = copy_fixture("cruddur-week1");
    let run = cruddur(&[
        "doctor",
        "--offline",
        "--json",
        "--honeycomb-api-url",
        "http://127.0.0.1:9",
        "--honeycomb-other-region-url",
        "http://127.0.0.1:9",
        "--rollbar-api-url",
        "http://127.0.0.1:9",
    ])
    .dir(tmp.path())
    .run();
    assert!(
        run.stdout().contains("\"findings\""),
        "the hidden flags were refused:\n{}",
        run.all()
    );
}

#[test]
fn completions_name_every_subcommand_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = cruddur(&["completions", shell])
            .run()
            .expect_code(0)
            .stdout();
        for cmd in ["init", "send-test-span", "doctor", "explain"] {
            assert!(out.contains(cmd), "{shell} completion lacks {cmd}");
        }
        assert!(
            out.contains("offline"),
            "{shell} completion lacks doctor's flags"
        );
    }
    let bash = cruddur(&["completions", "bash"]).run().stdout();
    let status = std::process::Command::new("bash")
        .args(["-n", "-c", &bash])
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the bash completion script does not parse"
    );
    cruddur(&["completions", "tcsh"]).run().expect_code(2);
}

#[test]
fn man_pages_are_roff_naming_the_commands() {
    let page = cruddur(&["man"]).run().expect_code(0).stdout();
    assert!(page.contains(".TH cruddur-obs 1"), "{page}");
    for cmd in ["init", "send\\-test\\-span", "doctor", "explain"] {
        assert!(
            page.contains(&format!("cruddur\\-obs\\-{cmd}(1)")),
            "no {cmd}:\n{page}"
        );
    }
    assert!(page.contains(".SH EXAMPLES\n.nf\n"), "{page}");
    let doctor = cruddur(&["man", "doctor"]).run().expect_code(0).stdout();
    assert!(doctor.contains(".TH cruddur-obs-doctor 1"), "{doctor}");
    assert!(doctor.contains("\\-\\-offline") && doctor.contains(".SH ENVIRONMENT"));
    assert!(
        !doctor.contains("honeycomb\\-api\\-url"),
        "a hidden flag is documented"
    );
    let err = cruddur(&["man", "nope"]).run().expect_code(2).stderr();
    assert!(err.contains("init, send-test-span, doctor"), "{err}");
}

#[test]
fn explain_prints_one_entry_from_the_catalogue() {
    let out = cruddur(&["explain", "otel-endpoint-signal-path", "--color", "never"])
        .run()
        .expect_code(0)
        .stdout();
    let e = catalogue::entry("otel-endpoint-signal-path");
    assert!(out.starts_with("otel-endpoint-signal-path  error"), "{out}");
    for part in [
        "Why it breaks",
        "How to fix it",
        "Example (compose YAML)",
        "before",
        "after",
    ] {
        assert!(out.contains(part), "no {part}:\n{out}");
    }
    assert!(out.contains("/v1/traces/v1/traces"), "{out}");
    assert!(out.contains(e.summary.split_whitespace().next().unwrap()));
    let json = cruddur(&["explain", "secret-file-left", "--format", "json"])
        .run()
        .expect_code(0)
        .stdout();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["fixable"], true);
    assert_eq!(v["doc"], "cruddur-obs explain secret-file-left");
    assert!(placeholders::names(v["fix"].as_str().unwrap()).is_empty());
}

#[test]
fn explain_list_has_every_id_once() {
    let out = cruddur(&["explain", "--list", "--color", "never"])
        .run()
        .expect_code(0)
        .stdout();
    for e in catalogue::CATALOGUE.iter() {
        let rows = out
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(e.id))
            .count();
        assert_eq!(rows, 1, "{} in the list:\n{out}", e.id);
    }
    // `explain` alone is the list.
    let bare = cruddur(&["explain", "--color", "never"])
        .run()
        .expect_code(0)
        .stdout();
    assert_eq!(bare, out);
}

#[test]
fn an_unknown_id_exits_2_naming_the_closest() {
    let run = cruddur(&["explain", "otel-endpoint-mising"])
        .run()
        .expect_code(2);
    assert!(run.stdout().is_empty());
    assert!(
        run.stderr()
            .contains("did you mean `otel-endpoint-missing`?"),
        "{}",
        run.stderr()
    );
    let run = cruddur(&["explain", "qqqqqqqq"]).run().expect_code(2);
    assert!(run.stderr().contains("explain --list"), "{}", run.stderr());
}

/// Every fixture, offline: each finding points at its explanation, and no
/// fix text carries a raw placeholder.
#[test]
fn doctor_findings_point_at_explain_and_fill_every_placeholder() {
    let mut dirs = vec![
        fixtures().join("cruddur-week1"),
        fixtures().join("cruddur-week2"),
    ];
    for e in std::fs::read_dir(fixtures().join("variants")).unwrap() {
        dirs.push(e.unwrap().path());
    }
    let mut findings = 0;
    for dir in dirs {
        let run = cruddur(&["doctor", "--offline", "--json"]).dir(&dir).run();
        let doc: serde_json::Value = serde_json::from_str(&run.stdout())
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", dir.display(), run.all()));
        for f in doc["findings"].as_array().unwrap() {
            findings += 1;
            let id = f["id"].as_str().unwrap();
            assert_eq!(f["doc"], format!("cruddur-obs explain {id}"), "{f}");
            let fix = f["fix"].as_str().unwrap();
            assert!(
                placeholders::names(fix).is_empty(),
                "{}: {id}: {fix}",
                dir.display()
            );
        }
    }
    assert!(
        findings > 5,
        "the fixtures should produce findings ({findings})"
    );
}

#[test]
fn doctor_text_ends_with_the_explain_hint() {
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["doctor", "--offline", "--color", "never"])
        .dir(tmp.path())
        .run()
        .stdout();
    assert!(
        out.trim_end()
            .ends_with("explain any id: cruddur-obs explain <id>"),
        "{out}"
    );
}
