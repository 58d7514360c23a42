//! doctor's "Running stack" section through the binary, against a real
//! Docker engine (the private one scripts/test.sh starts; see
//! common/engine.rs): week-1 projects after `cruddur-obs init`, their own
//! Dockerfile built by the engine (pip installs requirements.txt from the
//! package index inside the build, on a local stand-in for the upstream
//! `python:3.10-slim-buster`), started with docker-compose 1.29.
//!
//! The engine-less cases (no socket, a socket nothing listens on, an engine
//! that never answers) need no engine and always run.

mod common;
#[path = "common/engine.rs"]
mod engine;
#[path = "common/fake.rs"]
mod fake;
#[path = "common/wording.rs"]
mod wording;
use common::*;
use engine::{engine, free_port, Stack};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const BACKEND: &str = "backend-flask";

/// A week-1 project after init (HONEYCOMB_API_KEY=`key`), its compose file
/// turned into a loopback test stack with `extra_env`.
fn project(key: &str, extra_env: &[(&str, &str)]) -> (tempfile::TempDir, u16) {
    let tmp = copy_fixture("cruddur-week1");
    cruddur(&["init", "--yes", "--no-input"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", key)
        .run()
        .expect_code(0);
    let port = free_port();
    engine::write_test_compose(tmp.path(), BACKEND, port, extra_env);
    (tmp, port)
}

/// Exports to `server` (on loopback: the stack shares the host's network),
/// flushed 200 ms after each span.
fn loopback(server: &fake::Server) -> [(&str, &str); 2] {
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", server.url.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
    ]
}

/// `doctor --offline --json` as a user runs it next to the stack. The
/// timeout is generous: `pip list` in the container takes seconds on a
/// machine loaded by parallel builds (the bound itself is tested below).
fn doctor(stack: &Stack, extra: &[&str]) -> (i32, Value) {
    let mut run = cruddur(&["doctor", "--offline", "--json", "--timeout", "30"])
        .dir(&stack.dir)
        .env("HOME", stack.home().to_str().unwrap())
        .env("DOCKER_HOST", &stack.host);
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    let v: Value =
        serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    // The stack's findings say their ids' fix texts, as every check does.
    wording::assert_one_wording(&v);
    (out.code(), v)
}

/// The section's findings; panics when the section did not really run.
fn stack_findings(v: &Value) -> Vec<Value> {
    for list in ["skipped", "could_not_check"] {
        let not_run: Vec<_> = v[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["category"] == "stack")
            .filter(|r| {
                r["reason"]
                    .as_str()
                    .is_none_or(|w| !w.contains("not running"))
            })
            .collect();
        assert!(
            not_run.is_empty(),
            "the stack section did not run: {not_run:?}"
        );
    }
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "stack")
        .cloned()
        .collect()
}

fn ids(found: &[Value]) -> Vec<&str> {
    found.iter().map(|f| f["id"].as_str().unwrap()).collect()
}

fn one<'a>(found: &'a [Value], id: &str) -> &'a Value {
    found
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {found:#?}"))
}

#[test]
fn edits_after_up_are_named_until_the_stack_is_recreated_or_rebuilt() {
    let Some(host) = engine("edits_after_up") else {
        return;
    };
    // Spans go to a loopback Honeycomb that knows the key: a healthy stack
    // exports without an error to log.
    let honeycomb = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let (tmp, port) = project(KEY, &loopback(&honeycomb));
    let stack = Stack::new(tmp.path(), &host, "edits", port);
    stack.compose_ok(&["up", "-d", "--build"]);
    stack.wait_http(BACKEND, "/api/activities/home");
    let cmd = format!("docker-compose -p {}", stack.project);

    // 1. As built and started: nothing to say, and the section really ran.
    let t = Instant::now();
    let (_, v) = doctor(&stack, &[]);
    eprintln!("doctor with a healthy stack: {:?}", t.elapsed());
    assert_eq!(stack_findings(&v), Vec::<Value>::new(), "{v:#}");

    // The same engine found through a docker context instead of DOCKER_HOST.
    let docker = stack.home().join(".docker");
    let meta = docker.join("contexts/meta");
    // The directory the docker CLI gives the context: sha256 of its name.
    let digest = sha256_hex("cobs-test");
    std::fs::create_dir_all(meta.join(&digest)).unwrap();
    std::fs::write(
        meta.join(&digest).join("meta.json"),
        format!(r#"{{"Name":"cobs-test","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#),
    )
    .unwrap();
    std::fs::write(
        docker.join("config.json"),
        r#"{"currentContext":"cobs-test"}"#,
    )
    .unwrap();
    let out = cruddur(&["doctor", "--offline", "--json", "--timeout", "30"])
        .dir(&stack.dir)
        .env("HOME", stack.home().to_str().unwrap())
        .run();
    let by_context: Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(stack_findings(&by_context), Vec::<Value>::new());

    // 2. The compose environment edited without recreating the container:
    //    a value changed, and a variable added whose value (a secret) comes
    //    from .env.
    let compose = tmp.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    let mut edited = String::new();
    for l in text.lines() {
        if l.trim_start().starts_with("OTEL_SERVICE_NAME:") {
            edited.push_str(&l.replace("backend-flask", "backend-renamed"));
            let indent = &l[..l.len() - l.trim_start().len()];
            edited.push_str(&format!(
                "\n{indent}ROLLBAR_ACCESS_TOKEN: ${{ROLLBAR_ACCESS_TOKEN}}"
            ));
        } else {
            edited.push_str(l);
        }
        edited.push('\n');
    }
    assert_ne!(edited, text);
    std::fs::write(&compose, edited).unwrap();
    let dotenv = tmp.path().join(".env");
    let mut env_text = std::fs::read_to_string(&dotenv).unwrap();
    env_text.push_str(&format!("ROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\n"));
    std::fs::write(&dotenv, env_text).unwrap();
    let (code, v) = doctor(&stack, &[]);
    assert_eq!(code, 1);
    let found = stack_findings(&v);
    assert_eq!(ids(&found), ["container-env-stale"], "{found:#?}");
    let stale = one(&found, "container-env-stale");
    let evidence = stale["evidence"].as_str().unwrap();
    assert!(
        stale["title"]
            .as_str()
            .unwrap()
            .contains("OTEL_SERVICE_NAME, ROLLBAR_ACCESS_TOKEN"),
        "{stale:#}"
    );
    assert!(
        evidence.contains("OTEL_SERVICE_NAME: running \"ba…\", compose now \"ba…\""),
        "{evidence}"
    );
    assert!(
        evidence.contains("ROLLBAR_ACCESS_TOKEN: running (not set), compose now \"012345…\""),
        "{evidence}"
    );
    for secret in [KEY, ROLLBAR_TOKEN] {
        assert!(
            !v.to_string().contains(secret),
            "a key in the report: {v:#}"
        );
    }
    assert_eq!(
        stale["fix"],
        format!("Recreate the container so it gets the environment compose gives it now: `{cmd} up -d backend-flask` (a restart keeps the old environment).")
    );

    // The fix as written clears it.
    stack.compose_ok(&["up", "-d", BACKEND]);
    stack.wait_http(BACKEND, "/api/activities/home");
    let (_, v) = doctor(&stack, &[]);
    assert_eq!(stack_findings(&v), Vec::<Value>::new(), "{v:#}");

    // 3. A package added to requirements.txt without rebuilding.
    let reqs = tmp.path().join("backend-flask/requirements.txt");
    let mut req_text = std::fs::read_to_string(&reqs).unwrap();
    req_text.push_str("six\n");
    let line = req_text.lines().count();
    std::fs::write(&reqs, req_text).unwrap();
    let (code, v) = doctor(&stack, &[]);
    assert_eq!(code, 1);
    let found = stack_findings(&v);
    assert_eq!(ids(&found), ["container-missing-packages"], "{found:#?}");
    let missing = one(&found, "container-missing-packages");
    assert_eq!(
        missing["evidence"],
        format!("pip in the container: six not installed (backend-flask/requirements.txt:{line})")
    );
    assert_eq!(
        missing["fix"],
        format!(
            "Rebuild the image and recreate the container: `{cmd} up -d --build backend-flask`."
        )
    );
    assert_eq!(missing["fixable"], false, "--fix never restarts containers");

    // The fix as written clears it: a real rebuild installs the package.
    stack.compose_ok(&["up", "-d", "--build", BACKEND]);
    stack.wait_http(BACKEND, "/api/activities/home");
    let (_, v) = doctor(&stack, &[]);
    assert_eq!(stack_findings(&v), Vec::<Value>::new(), "{v:#}");
}

/// sha256 of a context name with the tool coreutils ships, independent of
/// the code under test.
fn sha256_hex(s: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn a_backend_that_crashes_at_import_is_named_with_its_log_line() {
    let Some(host) = engine("crash_at_import") else {
        return;
    };
    let honeycomb = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let (tmp, port) = project(KEY, &loopback(&honeycomb));
    // Flask is unpinned in requirements.txt, so the build installs 3.x.
    let app = tmp.path().join("backend-flask/app.py");
    let text = std::fs::read_to_string(&app).unwrap();
    let crashing = text.replacen(
        "app = Flask(__name__)\n",
        "app = Flask(__name__)\n\n@app.before_first_request\ndef init_rollbar():\n    pass\n",
        1,
    );
    assert_ne!(crashing, text);
    std::fs::write(&app, crashing).unwrap();
    // An X-Ray daemon without a region prints this line and exits (as
    // fixtures/logs/xray-daemon-region.log shows); its image is out of
    // reach here, so a stand-in prints the same and exits the same way.
    engine::add_stand_in(
        tmp.path(),
        "xray-daemon",
        &[
            "python3",
            "-c",
            "print('2023-03-04T17:22:38Z [Error] Cannot fetch region variable from config file, environment variables and ec2 metadata.'); raise SystemExit(1)",
        ],
    );
    let stack = Stack::new(tmp.path(), &host, "crash", port);
    stack.compose_ok(&["up", "-d", "--build"]);
    let start = Instant::now();
    while stack.compose_ok(&["ps"]).matches("Exit 1").count() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the backend did not exit:\n{}",
            stack.logs(BACKEND)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let (code, v) = doctor(&stack, &[]);
    assert_eq!(code, 1);
    let found = stack_findings(&v);
    let down: Vec<_> = found
        .iter()
        .filter(|f| f["id"] == "container-not-running")
        .collect();
    assert_eq!(down.len(), 2, "{found:#?}");
    let daemon = down[1]["title"].as_str().unwrap();
    assert!(
        daemon.starts_with("the xray-daemon container")
            && daemon.contains("exited with code 1")
            && daemon.ends_with("its log names the cause: xray-daemon-region-missing"),
        "{daemon}"
    );
    let region = one(&found, "xray-daemon-region-missing");
    assert!(region["evidence"]
        .as_str()
        .unwrap()
        .contains("Cannot fetch region variable"));
    let down = down[0];
    let title = down["title"].as_str().unwrap();
    assert!(
        title.contains("exited with code 1")
            && title.contains("no request is served and no span is sent")
            && title.ends_with("its log names the cause: flask-before-first-request"),
        "{title}"
    );
    assert!(
        down["evidence"]
            .as_str()
            .unwrap()
            .contains("AttributeError: 'Flask' object has no attribute 'before_first_request'"),
        "{down:#}"
    );
    // The cause itself is reported once: by the code check here, since
    // app.py says the same; the log line is the container finding's evidence.
    let all_ids: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(
        all_ids
            .iter()
            .filter(|i| *i == "flask-before-first-request")
            .count(),
        1,
        "{all_ids:?}"
    );
    let skipped: Vec<_> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["category"] == "stack")
        .map(|s| s["check"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["stack::packages", "stack::logs"]);
}

#[test]
fn export_failures_in_the_running_backend_are_named_under_their_ids() {
    let Some(host) = engine("export_failing") else {
        return;
    };
    let honeycomb = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    // A well-formed key the (loopback) Honeycomb does not know.
    let wrong = KEY.replace("a1b2", "z9y8");
    let (tmp, port) = project(&wrong, &loopback(&honeycomb));
    let stack = Stack::new(tmp.path(), &host, "export", port);
    stack.compose_ok(&["up", "-d", "--build"]);
    stack.wait_http(BACKEND, "/api/activities/home");
    assert_eq!(
        engine::http_get(port, "/api/activities/notifications"),
        Some(200)
    );
    let start = Instant::now();
    while !stack.logs(BACKEND).contains("401") {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no export failure logged; the fake saw {} request(s):\n{}",
            honeycomb.requests().len(),
            stack.logs(BACKEND)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(honeycomb
        .requests()
        .iter()
        .any(|r| r.path == "/v1/traces" && r.header("x-honeycomb-team") == Some(&wrong)));
    let (code, v) = doctor(&stack, &[]);
    assert_eq!(code, 1);
    let found = stack_findings(&v);
    let rejected = one(&found, "honeycomb-key-rejected");
    let evidence = rejected["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with("docker logs ") && evidence.contains("401"),
        "{evidence}"
    );
    assert!(!v.to_string().contains(&wrong), "the key is masked: {v:#}");
}

#[test]
fn a_project_that_was_never_started_is_skipped_with_the_reason() {
    let Some(host) = engine("never_started") else {
        return;
    };
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["doctor", "--offline", "--json"])
        .dir(tmp.path())
        .env("DOCKER_HOST", &host)
        .run();
    let v: Value = serde_json::from_str(&out.stdout()).unwrap();
    let skip = skipped_stack(&v);
    assert!(
        skip.contains("no container of this compose project")
            && skip.contains("docker compose up -d"),
        "{skip}"
    );
}

fn skipped_stack(v: &Value) -> String {
    let s: Vec<_> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["category"] == "stack")
        .collect();
    assert_eq!(s.len(), 1, "one skip for the whole section: {v:#}");
    assert_eq!(s[0]["check"], "stack");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["category"] != "stack"),
        "{v:#}"
    );
    s[0]["reason"].as_str().unwrap().to_string()
}

fn doctor_with_host(dir: &Path, host: &str, extra: &[&str]) -> (Value, Duration) {
    let mut run = cruddur(&["doctor", "--offline", "--json"])
        .dir(dir)
        .env("DOCKER_HOST", host);
    for a in extra {
        run = run.arg(a);
    }
    let t = Instant::now();
    let out = run.run();
    let took = t.elapsed();
    (
        serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all())),
        took,
    )
}

#[test]
fn without_an_engine_the_section_is_skipped_quickly_and_says_why() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();

    // No socket at all: answered before any connection.
    let (v, _) = doctor_with_host(dir, "unix:///nonexistent/cobs/docker.sock", &[]);
    let why = skipped_stack(&v);
    assert!(
        why.contains("/nonexistent/cobs/docker.sock does not exist"),
        "{why}"
    );
    let (v, took_without) =
        doctor_with_host(dir, "unix:///nonexistent/cobs/docker.sock", &["--no-stack"]);
    assert_eq!(skipped_stack(&v), "--no-stack");
    eprintln!("doctor --offline with no engine: {took_without:?}");

    // A stopped engine: its socket file is left, nothing listens on it.
    let sockdir = tempfile::tempdir().unwrap();
    let sock = sockdir.path().join("docker.sock");
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    let (v, _) = doctor_with_host(dir, &format!("unix://{}", sock.display()), &[]);
    let why = skipped_stack(&v);
    assert!(
        why.contains("nothing listens there (the engine is stopped)"),
        "{why}"
    );

    // An engine that accepts and never answers: bounded by --timeout, and
    // "could not check", never a pass or a skip.
    let hung = sockdir.path().join("hung.sock");
    let listener = std::os::unix::net::UnixListener::bind(&hung).unwrap();
    let held = std::thread::spawn(move || {
        let conn = listener.accept();
        std::thread::sleep(Duration::from_secs(5));
        drop(conn);
    });
    let (v, took) = doctor_with_host(
        dir,
        &format!("unix://{}", hung.display()),
        &["--timeout", "1"],
    );
    let unsure: Vec<_> = v["could_not_check"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["category"] == "stack")
        .collect();
    assert_eq!(unsure.len(), 1, "{v:#}");
    assert!(
        unsure[0]["reason"]
            .as_str()
            .unwrap()
            .contains("did not answer GET /_ping within 1.0 s"),
        "{v:#}"
    );
    assert!(
        took < Duration::from_secs(4),
        "bounded by --timeout: {took:?}"
    );
    drop(held);

    // --offline asks no engine over the network.
    let (v, _) = doctor_with_host(dir, "tcp://127.0.0.1:9", &[]);
    assert!(skipped_stack(&v).contains("--offline, and the engine at tcp://127.0.0.1:9"));
}
