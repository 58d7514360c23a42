//! The input protections, through the binary: bounded `--logs -`, compose
//! files refused before parsing when huge or deeply nested, a BOM accepted,
//! secrets without a known shape masked, `--strict`, JSON fatal errors,
//! symlinked project files read by the read-only commands, and the X-Ray
//! daemon tested through what compose publishes.

mod common;
#[path = "common/fake.rs"]
mod fake;
#[path = "support/loopback.rs"]
mod loopback;
use common::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// A `.env` key that no shape rule recognises: only knowing it masks it.
const ODD_KEY: &str = "Zq3-weird.value_7";

fn binary() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cruddur-obs"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

#[test]
fn endless_stdin_logs_finish_with_bounded_memory() {
    let tmp = week2_with_keys();
    let mut cmd = binary();
    cmd.args(["doctor", "--offline", "--logs", "-", "--dir"])
        .arg(tmp.path());
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (out, peak_kib, took) = loopback::run_measured(cmd, zero.into());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("only the first 32 MiB were read"),
        "{stderr}"
    );
    assert!(stderr.contains("longer than 8 KiB were cut"), "{stderr}");
    assert!(peak_kib < 64 * 1024, "peak {peak_kib} KiB");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn huge_or_deeply_nested_compose_files_are_refused_fast() {
    let tmp = week2_with_keys();
    let compose = tmp.path().join("docker-compose.yml");
    let original = std::fs::read_to_string(&compose).unwrap();
    let padding = "# padding line of a compose file that is far too big\n".repeat(400_000);
    let brackets = format!(
        "services:\n  backend-flask:\n    build: ./backend-flask\n    labels: {}{}\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    for (text, says) in [
        (format!("{original}{padding}"), "at most 4 MiB"),
        (brackets, "nested more than 64 levels"),
    ] {
        std::fs::write(&compose, &text).unwrap();
        let start = Instant::now();
        // The project cannot be read: doctor names why, and exits 2.
        let out = cruddur(&["doctor", "--offline", "--json"])
            .dir(tmp.path())
            .run()
            .expect_code(2);
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        let v: Value = serde_json::from_str(&out.stdout()).unwrap();
        assert_eq!(v["findings"][0]["id"], "compose-invalid", "{v}");
        assert!(
            v["findings"][0]["title"].as_str().unwrap().contains(says),
            "{v}"
        );
        let start = Instant::now();
        let out = cruddur(&["send-test-span", "--json"])
            .dir(tmp.path())
            .run()
            .expect_code(2);
        assert!(start.elapsed() < Duration::from_secs(3));
        let v: Value = serde_json::from_str(out.stdout().trim()).unwrap();
        assert_eq!(v["error"]["kind"], "compose-invalid", "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{v}"
        );
    }
}

#[test]
fn a_compose_file_with_a_bom_is_read() {
    let tmp = week2_with_keys();
    let compose = tmp.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    std::fs::write(&compose, format!("\u{feff}{text}")).unwrap();
    let out = cruddur(&["doctor", "--offline"])
        .dir(tmp.path())
        .run()
        .expect_code(0);
    assert!(!out.all().contains("compose-invalid"), "{}", out.all());
}

#[test]
fn a_secret_without_a_known_shape_never_appears() {
    let tmp = week2_with_keys();
    let env = tmp.path().join(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, text.replace(KEY, ODD_KEY)).unwrap();
    // A server that echoes the key it was given, as some proxies do.
    let echo = loopback::Loopback::start(|r, _| {
        let key = r.header("x-honeycomb-team").unwrap_or("").to_string();
        loopback::Reply::json(
            401,
            &format!(r#"{{"code":16,"message":"unknown API key {key}"}}"#),
        )
    });
    // A log line that quotes the key where no shape or position rule
    // reaches it: only the values read from .env mask it.
    let log = tmp.path().join("backend.log");
    std::fs::write(&log, format!("backend-flask-1  | ERROR:opentelemetry.exporter.otlp.proto.http.trace_exporter:Failed to export batch code: 401, reason: unknown API key {ODD_KEY}\n")).unwrap();
    let log = log.to_str().unwrap();
    let runs = [
        cruddur(&["doctor", "--offline", "--logs", log]),
        cruddur(&["doctor", "--offline", "--json", "--logs", log]),
        cruddur(&["doctor", "--offline", "-v"]),
        cruddur(&["doctor", "--offline", "--json", "-v"]),
        cruddur(&[
            "doctor",
            "--json",
            "--endpoint",
            &echo.url,
            "--honeycomb-api-url",
            &echo.url,
            "--xray-address",
            "127.0.0.1:9",
            "--rollbar-api-url",
            &echo.url,
        ]),
        cruddur(&[
            "send-test-span",
            "-v",
            "--only",
            "honeycomb",
            "--endpoint",
            &echo.url,
            "--honeycomb-api-url",
            &echo.url,
        ]),
        cruddur(&[
            "send-test-span",
            "--json",
            "-v",
            "--only",
            "honeycomb",
            "--endpoint",
            &echo.url,
            "--honeycomb-api-url",
            &echo.url,
        ]),
    ];
    for run in runs {
        let out = run.dir(tmp.path()).run();
        assert_ne!(out.code(), 2, "{}", out.all());
        assert!(!out.all().contains(ODD_KEY), "leaked:\n{}", out.all());
    }
    let sent = echo.seen();
    assert!(
        sent.iter()
            .any(|s| s.header("x-honeycomb-team") == Some(ODD_KEY)),
        "the key was used"
    );
    // The same key exported in the shell instead of written in .env.
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(
        &env,
        text.replace(&format!("HONEYCOMB_API_KEY={ODD_KEY}\n"), ""),
    )
    .unwrap();
    let out = cruddur(&["doctor", "--offline", "--logs", log])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", ODD_KEY)
        .run();
    assert!(
        out.all().contains("honeycomb-key-rejected"),
        "{}",
        out.all()
    );
    assert!(!out.all().contains(ODD_KEY), "leaked:\n{}", out.all());
}

#[test]
fn strict_fails_on_warnings_only_when_asked() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = week2_with_keys();
    let doctor = |strict: bool| {
        let run = cruddur(&["doctor", "--offline"]).dir(tmp.path());
        if strict { run.arg("--strict") } else { run }.run()
    };
    doctor(false).expect_code(0);
    doctor(true).expect_code(0);
    // A readable .env is a warning (dotenv-permissions), not an error.
    std::fs::set_permissions(
        tmp.path().join(".env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = doctor(false).expect_code(0);
    assert!(
        out.stdout().contains("dotenv-permissions") && out.stdout().contains("0 errors"),
        "{}",
        out.stdout()
    );
    doctor(true).expect_code(1);
}

#[test]
fn fatal_errors_with_json_are_a_json_error_object() {
    let tmp = week2_with_keys();
    let cases = [
        cruddur(&[
            "doctor",
            "--json",
            "--offline",
            "--logs",
            "/nonexistent/backend.log",
        ])
        .dir(tmp.path()),
        cruddur(&["send-test-span", "--json"]).dir(&fixtures().join("cruddur-week1")),
        cruddur(&["send-test-span", "--json", "--dir", "/nonexistent/project"]),
    ];
    for run in cases {
        let out = run.run().expect_code(2);
        let v: Value = serde_json::from_str(out.stdout().trim())
            .unwrap_or_else(|e| panic!("{e}: {}", out.all()));
        assert_eq!(v["version"], 1);
        let message = v["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty() && v["error"]["kind"].is_string(), "{v}");
        assert!(
            out.stderr().contains(message.lines().next().unwrap()),
            "{}",
            out.stderr()
        );
    }
}

#[test]
fn read_only_commands_follow_symlinked_project_files() {
    let tmp = week2_with_keys();
    let p = tmp.path();
    std::fs::rename(p.join("docker-compose.yml"), p.join("compose.shared.yml")).unwrap();
    std::os::unix::fs::symlink("compose.shared.yml", p.join("docker-compose.yml")).unwrap();
    let app = p.join("backend-flask/app.py");
    std::fs::rename(&app, p.join("backend-flask/app_impl.txt")).unwrap();
    std::os::unix::fs::symlink("app_impl.txt", &app).unwrap();
    let out = cruddur(&["doctor", "--offline"])
        .dir(p)
        .run()
        .expect_code(0);
    assert!(!out.all().contains("symbolic link"), "{}", out.all());
    let out = cruddur(&[
        "send-test-span",
        "-v",
        "--only",
        "xray",
        "--xray-address",
        "127.0.0.1:9",
    ])
    .dir(p)
    .run();
    assert!(
        out.stdout().contains("configuration of `backend-flask`"),
        "{}",
        out.all()
    );
    // Writing still refuses the link, before anything is changed.
    let before = snapshot(p);
    let out = cruddur(&["init", "--yes", "--no-input"])
        .dir(p)
        .run()
        .expect_code(2);
    assert!(out.stderr().contains("symbolic link"), "{}", out.stderr());
    assert_eq!(before, snapshot(p));
}

/// init publishes `2000:2000/udp`: the segment goes out over UDP, and TCP,
/// which is not published, is neither probed nor blamed.
#[test]
fn the_xray_daemon_is_tested_through_what_compose_publishes() {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = udp.local_addr().unwrap().port();
    let tmp = week2_with_keys();
    let compose = tmp.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    // week2 runs the daemon as init writes it; only the host port changes.
    let published = "      - \"2000:2000/udp\"\n";
    assert!(text.contains(published));
    let mine = format!("      - \"{port}:2000/udp\"\n");
    let without = text.replace(published, &mine);
    std::fs::write(&compose, without).unwrap();

    let out = cruddur(&["send-test-span", "--only", "xray"])
        .dir(tmp.path())
        .run()
        .expect_code(0);
    let said = out.stdout();
    assert!(
        said.contains("UDP sends cannot be confirmed")
            && said.contains("TCP 2000 not published, not probed"),
        "{said}"
    );
    let mut buf = [0u8; 65536];
    let n = udp.recv(&mut buf).expect("the segment arrived over UDP");
    assert!(std::str::from_utf8(&buf[..n])
        .unwrap()
        .starts_with(r#"{"format":"json","version":1}"#));

    let out = cruddur(&[
        "doctor",
        "--json",
        "--rollbar-api-url",
        "http://127.0.0.1:9",
        "--honeycomb-api-url",
        "http://127.0.0.1:9",
        "--endpoint",
        "http://127.0.0.1:9",
    ])
    .dir(tmp.path())
    .run();
    let v: Value =
        serde_json::from_str(&out.stdout()).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(!ids.contains(&"xray-daemon-unreachable"), "{ids:?}");

    // Where TCP 2000 is published and nothing listens, the daemon is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = std::fs::read_to_string(&compose).unwrap();
    std::fs::write(
        &compose,
        text.replace(&mine, &format!("{mine}      - \"{closed}:2000\"\n")),
    )
    .unwrap();
    let out = cruddur(&["send-test-span", "--only", "xray", "--json"])
        .dir(tmp.path())
        .run()
        .expect_code(1);
    let r: Value = serde_json::from_str(out.stdout().trim()).unwrap();
    assert_eq!(r["cause"], "xray-daemon-unreachable", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains(&format!("TCP 127.0.0.1:{closed}")),
        "{r}"
    );
}
