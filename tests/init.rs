//! `cruddur-obs init` through the built binary, on copies of the fixtures.

mod common;
use common::*;
use std::path::Path;

const VARIANTS: &[&str] = &[
    "cruddur-week1",
    "variants/list-env",
    "variants/compose-yaml",
    "variants/comments",
    "variants/anchors",
    "variants/flow",
    "variants/crlf",
    "variants/no-trailing-newline",
    "variants/pyproject",
    "variants/poetry",
    "variants/renamed-service",
    "variants/pinned",
];

const PACKAGES: [&str; 5] = [
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-instrumentation-flask",
    "opentelemetry-instrumentation-requests",
];

fn compose_path(dir: &Path) -> std::path::PathBuf {
    [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ]
    .iter()
    .map(|n| dir.join(n))
    .find(|p| p.exists())
    .unwrap()
}

/// The backend service and its build context, the way a reader of the fixture sees it.
fn backend_of(fixture: &str) -> (&'static str, &'static str) {
    if fixture.ends_with("renamed-service") {
        ("api", "server")
    } else {
        ("backend-flask", "backend-flask")
    }
}

fn env_of(compose: &str, service: &str) -> Vec<(String, String)> {
    let mut v: yaml_serde::Value = yaml_serde::from_str(compose).unwrap();
    v.apply_merge().unwrap();
    match &v["services"][service]["environment"] {
        yaml_serde::Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap().to_string(),
                    v.as_str().map(str::to_string).unwrap_or_default(),
                )
            })
            .collect(),
        yaml_serde::Value::Sequence(s) => s
            .iter()
            .map(|i| {
                let (k, v) = i.as_str().unwrap().split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect(),
        other => panic!("no environment: {other:?}"),
    }
}

/// Runs init non-interactively with the key in the environment and checks
/// everything issue #2 promises about the result.
fn check_fixture(fixture: &str) {
    let tmp = copy_fixture(fixture);
    let dir = tmp.path();
    let before = snapshot(dir);
    let compose_file = compose_path(dir);
    let compose_before = std::fs::read_to_string(&compose_file).unwrap();

    let out = cruddur(&["init", "--yes", "--no-input"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert!(
        !out.all().contains(KEY),
        "{fixture}: key leaked:\n{}",
        out.all()
    );

    let (service, ctx) = backend_of(fixture);
    let compose_after = std::fs::read_to_string(&compose_file).unwrap();
    // A flow mapping keeps its entries on one line, so that line grows.
    let line_level = !fixture.ends_with("flow");
    assert!(
        only_char_insertions(&compose_before, &compose_after),
        "{fixture}: compose lost characters:\n{compose_after}"
    );
    assert!(
        !line_level || only_insertions(&compose_before, &compose_after),
        "{fixture}: compose lost or changed lines:\n{compose_after}"
    );
    let env = env_of(&compose_after, service);
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("OTEL_SERVICE_NAME"), Some(service), "{fixture}");
    assert_eq!(
        get("OTEL_EXPORTER_OTLP_ENDPOINT"),
        Some("https://api.honeycomb.io"),
        "{fixture}"
    );
    assert_eq!(
        get("OTEL_EXPORTER_OTLP_HEADERS"),
        Some("x-honeycomb-team=${HONEYCOMB_API_KEY}"),
        "{fixture}"
    );
    assert!(!compose_after.contains(KEY));
    if compose_before.contains("\r\n") {
        assert_eq!(
            compose_after.matches('\n').count(),
            compose_after.matches("\r\n").count(),
            "{fixture}: mixed line endings"
        );
    }
    if !compose_before.ends_with('\n') {
        assert!(
            !compose_after.ends_with('\n'),
            "{fixture}: final newline added"
        );
    }

    let app = dir.join(ctx).join("app.py");
    let app_text = std::fs::read_to_string(&app).unwrap();
    assert!(
        py_compiles(&app),
        "{fixture}: app.py does not compile:\n{app_text}"
    );
    let line_of = |needle: &str| {
        app_text
            .lines()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("{fixture}: no `{needle}` in\n{app_text}"))
    };
    assert!(
        line_of("FlaskInstrumentor().instrument_app(app)") > line_of("app = Flask("),
        "{fixture}: instrumented before the app exists"
    );
    assert!(line_of("trace.set_tracer_provider(") > line_of("from opentelemetry import trace"));
    let app_before = String::from_utf8(before[&Path::new(ctx).join("app.py")].0.clone()).unwrap();
    assert!(
        only_insertions(&app_before, &app_text),
        "{fixture}: app.py lost lines"
    );

    let req = if dir.join(ctx).join("requirements.txt").exists() {
        dir.join(ctx).join("requirements.txt")
    } else {
        dir.join(ctx).join("pyproject.toml")
    };
    let req_text = std::fs::read_to_string(&req).unwrap();
    let req_before = String::from_utf8(before[req.strip_prefix(dir).unwrap()].0.clone()).unwrap();
    assert!(
        only_char_insertions(&req_before, &req_text),
        "{fixture}: requirements lost characters"
    );
    // A TOML array's last entry gains a comma; requirements.txt only gains lines.
    assert!(
        req.ends_with("pyproject.toml") || only_insertions(&req_before, &req_text),
        "{fixture}: requirements lost lines"
    );
    let include = dir.join(ctx).join("base.txt");
    let included = std::fs::read_to_string(&include).unwrap_or_default();
    for p in PACKAGES {
        let count = req_text.matches(p).count() + included.matches(p).count();
        let count_in_comments = req_text
            .lines()
            .filter(|l| l.trim_start().starts_with('#') && l.contains(p))
            .count();
        assert_eq!(
            count - count_in_comments,
            1,
            "{fixture}: {p} appears {count} times:\n{req_text}"
        );
    }

    use std::os::unix::fs::PermissionsExt;
    let dotenv = dir.join(".env");
    assert_eq!(
        std::fs::metadata(&dotenv).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(std::fs::read_to_string(&dotenv)
        .unwrap()
        .contains(&format!("HONEYCOMB_API_KEY={KEY}")));
    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(
        gitignore.lines().any(|l| l.trim() == ".env"),
        "{fixture}: .gitignore:\n{gitignore}"
    );

    let after = snapshot(dir);
    let again = cruddur(&["init", "--yes", "--no-input"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert!(
        again.stdout().contains("Nothing to change"),
        "{fixture}: second run:\n{}",
        again.all()
    );
    assert_eq!(after, snapshot(dir), "{fixture}: second run changed files");
    cruddur(&["init", "--check"]).dir(dir).run().expect_code(0);
}

#[test]
fn every_fixture_round_trips() {
    for f in VARIANTS {
        check_fixture(f);
    }
}

#[test]
fn dry_run_and_check_write_nothing() {
    let tmp = copy_fixture("cruddur-week1");
    let before = snapshot(tmp.path());
    let out = cruddur(&["init", "--dry-run"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let text = out.stdout();
    assert!(
        text.contains(
            "+      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\""
        ),
        "{text}"
    );
    assert!(text.contains("+from opentelemetry import trace"), "{text}");
    assert!(text.contains("+HONEYCOMB_API_KEY=hcaik_…"), "{text}");
    assert!(!out.all().contains(KEY));
    assert!(text.contains("nothing was written"));
    cruddur(&["init", "--check"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(1);
    assert_eq!(before, snapshot(tmp.path()));
}

#[test]
fn non_interactive_without_key_fails_naming_the_flag() {
    let tmp = copy_fixture("cruddur-week1");
    let before = snapshot(tmp.path());
    let out = cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("--key-stdin") && out.stderr().contains("HONEYCOMB_API_KEY"),
        "{}",
        out.stderr()
    );
    assert_eq!(before, snapshot(tmp.path()));
    // Without --yes and without a terminal, the missing confirmation names --yes.
    let out = cruddur(&["init"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    assert!(out.stderr().contains("--yes"), "{}", out.stderr());
    assert_eq!(before, snapshot(tmp.path()));
}

#[test]
fn key_from_stdin_is_stored_and_never_printed() {
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["init", "--yes", "--key-stdin"])
        .dir(tmp.path())
        .stdin(&format!("  {KEY}\n"))
        .run()
        .expect_code(0);
    assert!(!out.all().contains(KEY));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".env")).unwrap(),
        format!("HONEYCOMB_API_KEY={KEY}\n")
    );
    cruddur(&["init", "--yes", "--key-stdin"])
        .dir(tmp.path())
        .stdin("\n")
        .run()
        .expect_code(2);
}

#[test]
fn existing_dotenv_is_updated_in_place() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = copy_fixture("cruddur-week1");
    let dotenv = tmp.path().join(".env");
    std::fs::write(
        &dotenv,
        "# local settings\nAWS_REGION=us-east-1\nHONEYCOMB_API_KEY=old\n\nOTHER=1\n",
    )
    .unwrap();
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(tmp.path().join(".gitignore"), "node_modules\n.env\n").unwrap();
    cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!("# local settings\nAWS_REGION=us-east-1\nHONEYCOMB_API_KEY={KEY}\n\nOTHER=1\n")
    );
    assert_eq!(
        std::fs::metadata(&dotenv).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        "node_modules\n.env\n"
    );
}

#[test]
fn wrong_values_are_corrected_and_a_literal_key_moves_to_dotenv() {
    let tmp = copy_fixture("cruddur-week1");
    let compose = tmp.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap().replace(
        "    build: ./backend-flask\n",
        &format!("      OTEL-SERVICE-NAME: \"backend-flask\"\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io/v1/traces\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team={KEY}\"\n    build: ./backend-flask\n"),
    );
    std::fs::write(&compose, &text).unwrap();
    let out = cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .run()
        .expect_code(0);
    let all = out.all();
    assert!(!all.contains(KEY), "{all}");
    assert!(
        all.contains("renamed OTEL-SERVICE-NAME to OTEL_SERVICE_NAME"),
        "{all}"
    );
    assert!(all.contains("/v1/traces"), "{all}");
    let after = std::fs::read_to_string(&compose).unwrap();
    assert!(!after.contains(KEY));
    let env = env_of(&after, "backend-flask");
    assert!(env.contains(&("OTEL_SERVICE_NAME".into(), "backend-flask".into())));
    assert!(env.contains(&(
        "OTEL_EXPORTER_OTLP_ENDPOINT".into(),
        "https://api.honeycomb.io".into()
    )));
    assert!(env.contains(&(
        "OTEL_EXPORTER_OTLP_HEADERS".into(),
        "x-honeycomb-team=${HONEYCOMB_API_KEY}".into()
    )));
    assert!(!env.iter().any(|(k, _)| k == "OTEL-SERVICE-NAME"));
    assert!(std::fs::read_to_string(tmp.path().join(".env"))
        .unwrap()
        .contains(KEY));
}

#[test]
fn eu_region_and_custom_service_name() {
    let tmp = copy_fixture("cruddur-week1");
    cruddur(&[
        "init",
        "--yes",
        "--region",
        "eu",
        "--service-name",
        "cruddur-api",
    ])
    .dir(tmp.path())
    .env("HONEYCOMB_API_KEY", KEY)
    .run()
    .expect_code(0);
    let env = env_of(
        &std::fs::read_to_string(tmp.path().join("docker-compose.yml")).unwrap(),
        "backend-flask",
    );
    assert!(env.contains(&(
        "OTEL_EXPORTER_OTLP_ENDPOINT".into(),
        "https://api.eu1.honeycomb.io".into()
    )));
    assert!(env.contains(&("OTEL_SERVICE_NAME".into(), "cruddur-api".into())));
}

#[test]
fn gitpod_stores_the_key_with_gp_and_never_shows_it() {
    let tmp = copy_fixture("cruddur-week1");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("gp.log");
    script(
        &bin.path().join("gp"),
        // Records its arguments; `gp env K=V` stores and echoes the pair, `gp env` lists.
        &format!(
            "#!/bin/sh\necho \"$@\" >> {log}\nif [ \"$1\" = env ] && [ -n \"$2\" ]; then echo \"$2\" >> {store}; echo \"$2\"; elif [ \"$1\" = env ]; then cat {store} 2>/dev/null || true; fi\n",
            log = log.display(),
            store = bin.path().join("gp.store").display()
        ),
    );
    let before_env = tmp.path().join(".env").exists();
    let out = cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .path_first(bin.path())
        .env("GITPOD_WORKSPACE_ID", "cruddur-abc123")
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert!(!out.all().contains(KEY), "{}", out.all());
    assert!(
        out.stdout().contains("eval $(gp env -e)"),
        "{}",
        out.stdout()
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls
            .lines()
            .any(|l| l == format!("env HONEYCOMB_API_KEY={KEY}")),
        "{calls}"
    );
    assert_eq!(tmp.path().join(".env").exists(), before_env);

    // A second run finds the key stored and sets nothing again.
    let again = cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .path_first(bin.path())
        .env("GITPOD_WORKSPACE_ID", "cruddur-abc123")
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert!(
        again.stdout().contains("Nothing to change"),
        "{}",
        again.all()
    );
    let sets = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("env HONEYCOMB_API_KEY="))
        .count();
    assert_eq!(sets, 1);
}

#[test]
fn bad_input_exits_2_and_touches_nothing() {
    type Breakage = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Breakage, &str)> = vec![
        (
            "invalid yaml",
            Box::new(|d: &Path| {
                std::fs::write(
                    d.join("docker-compose.yml"),
                    "services:\n  backend-flask:\n    build: ./backend-flask\n   ports: [\n",
                )
                .unwrap()
            }),
            "docker-compose.yml:4:",
        ),
        (
            "no services",
            Box::new(|d: &Path| {
                std::fs::write(d.join("docker-compose.yml"), "version: '3'\n").unwrap()
            }),
            "defines no services",
        ),
        (
            "binary compose",
            Box::new(|d: &Path| {
                std::fs::write(d.join("docker-compose.yml"), b"services:\0\n").unwrap()
            }),
            "binary",
        ),
        (
            "symlinked compose",
            Box::new(|d: &Path| {
                std::fs::rename(d.join("docker-compose.yml"), d.join("real.yml")).unwrap();
                std::os::unix::fs::symlink(d.join("real.yml"), d.join("docker-compose.yml"))
                    .unwrap();
            }),
            "symbolic link",
        ),
        (
            "no compose",
            Box::new(|d: &Path| std::fs::remove_file(d.join("docker-compose.yml")).unwrap()),
            "no compose file",
        ),
        (
            "broken app.py",
            Box::new(|d: &Path| {
                std::fs::write(
                    d.join("backend-flask/app.py"),
                    "from flask import Flask\napp = Flask(__name__\n",
                )
                .unwrap()
            }),
            "app.py:",
        ),
        (
            "unreadable requirements",
            Box::new(|d: &Path| {
                std::fs::write(
                    d.join("backend-flask/requirements.txt"),
                    b"flask\n\xff\xfe\n",
                )
                .unwrap()
            }),
            "UTF-8",
        ),
    ];
    for (name, break_it, expect) in cases {
        let tmp = copy_fixture("cruddur-week1");
        break_it(tmp.path());
        let before = snapshot(tmp.path());
        let out = cruddur(&["init", "--yes"])
            .dir(tmp.path())
            .env("HONEYCOMB_API_KEY", KEY)
            .run()
            .expect_code(2);
        assert!(out.stderr().contains(expect), "{name}: {}", out.stderr());
        assert_eq!(before, snapshot(tmp.path()), "{name}: files changed");
    }
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["init", "--yes", "--service", "api"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("no service `api`") && out.stderr().contains("backend-flask"),
        "{}",
        out.stderr()
    );
    let out = cruddur(&["init", "--yes"])
        .dir(&tmp.path().join("missing"))
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    assert!(out.stderr().contains("not a directory"), "{}", out.stderr());
}

#[test]
fn no_module_level_app_prints_the_snippet_instead_of_editing() {
    let tmp = copy_fixture("cruddur-week1");
    let app = tmp.path().join("backend-flask/app.py");
    let factory = "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n";
    std::fs::write(&app, factory).unwrap();
    let out = cruddur(&["init", "--yes"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert_eq!(std::fs::read_to_string(&app).unwrap(), factory);
    assert!(
        out.stdout()
            .contains("FlaskInstrumentor().instrument_app(app)"),
        "{}",
        out.stdout()
    );
}
