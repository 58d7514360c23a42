//! End to end with the real components: init a week-1 project, run its Flask
//! backend with the real OpenTelemetry SDK (from PyPI, in the test venv) and
//! the compose environment applied, and decode what reaches a loopback OTLP
//! receiver. Then break the headers the way people do, let doctor name and
//! fix it, and see delivery come back. The containerised variant does the
//! same delivery through a real engine: the project's own Dockerfile built
//! (pip installs requirements.txt inside the build), `docker-compose up`,
//! requests, spans at the receiver.

mod common;
#[path = "common/engine.rs"]
mod engine;
#[path = "common/fake.rs"]
mod fake;
#[path = "common/pyenv.rs"]
mod pyenv;
use common::*;
use cruddur_obs::project::{discover, DiscoverOptions};
use cruddur_obs::resolve::container_env;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the backend with what compose would give the container, the OTLP
/// endpoint pointed at `receiver`.
fn start_backend(dir: &Path, receiver: &str, port: u16) -> Child {
    let project = discover(&DiscoverOptions {
        dir: dir.to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let env = container_env(&project, &|_| None);
    let mut cmd = Command::new(pyenv::python());
    cmd.args([
        "-m",
        "flask",
        "--app",
        "app",
        "run",
        "--no-reload",
        "--port",
        &port.to_string(),
    ])
    .current_dir(dir.join("backend-flask"))
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("PYTHONDONTWRITEBYTECODE", "1")
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    for s in &env.settings {
        cmd.env(&s.name, &s.value);
    }
    cmd.env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver);
    // The batch processor would wait 5 s; a short delay keeps the test quick.
    cmd.env("OTEL_BSP_SCHEDULE_DELAY", "200");
    // The test stops the backend with SIGINT (Flask's Ctrl-C, which flushes
    // the spans). A runner started in the background may hand its children
    // SIGINT ignored, and Python keeps an ignored SIGINT ignored: restore the
    // default so the interrupt arrives.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}

fn get(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split_whitespace().nth(1)?.parse().ok()
}

/// Runs the backend, makes the two requests, stops it cleanly (SIGINT: the
/// SDK flushes its batch at exit) and returns its stderr.
fn serve_two_requests(dir: &Path, receiver: &str) -> String {
    let port = free_port();
    let mut child = start_backend(dir, receiver, port);
    let start = Instant::now();
    while get(port, "/api/activities/home") != Some(200) {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).ok();
            panic!("the backend exited with {status}:\n{err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the backend did not serve within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(get(port, "/api/activities/notifications"), Some(200));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

struct ServerSpan {
    name: String,
    service: String,
    team: Option<String>,
}

fn server_spans(receiver: &fake::Server) -> Vec<ServerSpan> {
    let mut out = Vec::new();
    for r in receiver
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/traces")
    {
        let req = fake::decode(&r.body).expect("the SDK sent valid protobuf");
        for rs in req.resource_spans {
            let service = rs
                .resource
                .as_ref()
                .and_then(|res| res.attributes.iter().find(|a| a.key == "service.name"))
                .and_then(|a| a.value.as_ref())
                .map(|v| format!("{:?}", v.value))
                .unwrap_or_default();
            for ss in rs.scope_spans {
                for s in ss.spans.into_iter().filter(|s| s.kind == 2) {
                    out.push(ServerSpan {
                        name: s.name,
                        service: service.clone(),
                        team: r.header("x-honeycomb-team").map(str::to_string),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn traces_from_the_real_sdk_arrive_and_doctor_repairs_a_broken_header() {
    let receiver = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    cruddur(&["init", "--yes", "--no-input"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let started = Instant::now();
    let _ = pyenv::python();
    eprintln!("venv ready in {:?}", started.elapsed());

    // 1. Delivery as init set it up.
    let t = Instant::now();
    let stderr = serve_two_requests(dir, &receiver.url);
    let spans = server_spans(&receiver);
    let per_route = |r: &str| spans.iter().filter(|s| s.name.contains(r)).count();
    eprintln!(
        "run 1: {:?}; SERVER spans: home {}, notifications {}",
        t.elapsed(),
        per_route("/api/activities/home"),
        per_route("/api/activities/notifications")
    );
    assert_eq!(
        per_route("/api/activities/notifications"),
        1,
        "one SERVER span per request"
    );
    for route in ["/api/activities/home", "/api/activities/notifications"] {
        let span = spans
            .iter()
            .find(|s| s.name.contains(route))
            .unwrap_or_else(|| {
                panic!(
                    "no SERVER span for {route}; spans: {:?}\nstderr:\n{stderr}",
                    spans.iter().map(|s| &s.name).collect::<Vec<_>>()
                )
            });
        assert_eq!(span.service, "Some(StringValue(\"backend-flask\"))");
        assert_eq!(
            span.team.as_deref(),
            Some(KEY),
            "the key from .env, through the compose header"
        );
    }

    // 2. The hyphenated name: the SDK ignores it and sends no key.
    let compose = dir.join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    let broken = text.replace("OTEL_EXPORTER_OTLP_HEADERS:", "OTEL-EXPORTER-OTLP-HEADERS:");
    std::fs::write(&compose, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("OTEL-EXPORTER-OTLP-HEADERS"))
        .unwrap()
        + 1;
    let before = receiver.requests().len();
    serve_two_requests(dir, &receiver.url);
    let later: Vec<_> = receiver
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.path == "/v1/traces")
        .collect();
    assert!(!later.is_empty(), "the SDK still exports");
    assert!(
        later.iter().all(|r| r.header("x-honeycomb-team").is_none()),
        "no key without the right variable name"
    );

    let out = cruddur(&["doctor", "--offline", "--json"])
        .dir(dir)
        .run()
        .expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let typo = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "env-name-typo")
        .expect("doctor names env-name-typo");
    assert_eq!(typo["file"], "docker-compose.yml");
    assert_eq!(typo["line"], line);
    cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .run();
    assert_eq!(
        std::fs::read_to_string(&compose).unwrap(),
        text,
        "--fix restores the name and nothing else"
    );

    // 3. Delivery is back.
    let before = receiver.requests().len();
    serve_two_requests(dir, &receiver.url);
    let after: Vec<_> = receiver
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.path == "/v1/traces")
        .collect();
    assert!(
        !after.is_empty()
            && after
                .iter()
                .all(|r| r.header("x-honeycomb-team") == Some(KEY))
    );
}

#[test]
fn traces_from_the_built_container_arrive() {
    let Some(host) = engine::engine("traces_from_the_built_container_arrive") else {
        return;
    };
    let receiver = fake::honeycomb(KEY, "test-env", fake::Mode::Honeycomb);
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    cruddur(&["init", "--yes", "--no-input"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let port = engine::free_port();
    // Only the endpoint changes (to the loopback receiver) and the batch
    // delay shortens; the key reaches the header from .env through compose.
    engine::write_test_compose(
        dir,
        "backend-flask",
        port,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ],
    );
    let stack = engine::Stack::new(dir, &host, "e2e", port);
    let t = Instant::now();
    stack.compose_ok(&["up", "-d", "--build"]);
    stack.wait_http("backend-flask", "/api/activities/home");
    assert_eq!(
        engine::http_get(port, "/api/activities/notifications"),
        Some(200)
    );
    let start = Instant::now();
    let mut spans = server_spans(&receiver);
    while !["/api/activities/home", "/api/activities/notifications"]
        .iter()
        .all(|r| spans.iter().any(|s| s.name.contains(r)))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no SERVER span for both routes within 30 s: {:?}\n{}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>(),
            stack.logs("backend-flask")
        );
        std::thread::sleep(Duration::from_millis(200));
        spans = server_spans(&receiver);
    }
    eprintln!("containerised: built, up and spans in {:?}", t.elapsed());
    for span in &spans {
        assert_eq!(span.service, "Some(StringValue(\"backend-flask\"))");
        assert_eq!(span.team.as_deref(), Some(KEY));
    }
}
