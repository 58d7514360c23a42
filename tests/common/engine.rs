//! A real Docker engine for the running-stack tests: the private one
//! scripts/test.sh starts (reached through DOCKER_HOST), Debian's
//! docker-compose 1.29 to build and start stacks on it, and a local stand-in
//! for the Cruddur Dockerfile's base image (scripts/base-image.sh: Debian's
//! python3 and pip, imported as `python:3.10-slim-buster`, since no image
//! registry is reachable).
//!
//! Without an engine, a test prints why and returns (plain `cargo test` on a
//! machine without one); with CRUDDUR_REQUIRE_ENGINE=1 (scripts/test.sh, so
//! CI) it fails instead, so these tests can never be skipped silently.
//!
//! Test stacks never leave the machine's loopback: every service uses the
//! host's network namespace (`network_mode: host`, builds with `network:
//! host`) and listens on 127.0.0.1; there are no `ports:`, no bridge and no
//! private addresses. Each stack has its own compose project name and is
//! taken down with its volumes and images when the test ends.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const BASE_IMAGE: &str = "python:3.10-slim-buster";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// DOCKER_HOST of an engine with the base image, or why there is none.
fn probe() -> Result<String, String> {
    let host = std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty())
        .ok_or("DOCKER_HOST is not set (scripts/test.sh starts a private engine and sets it)")?;
    for tool in ["docker", "docker-compose"] {
        let found = Command::new(tool)
            .arg("version")
            .env("DOCKER_HOST", &host)
            .output();
        match found {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                return Err(format!(
                    "`{tool} version` failed against {host}: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ))
            }
            Err(e) => return Err(format!("{tool} cannot be run: {e}")),
        }
    }
    let built = Command::new("bash")
        .arg(manifest().join("scripts/base-image.sh"))
        .arg(BASE_IMAGE)
        .env("DOCKER_HOST", &host)
        .output()
        .map_err(|e| e.to_string())?;
    if !built.status.success() {
        return Err(format!(
            "the stand-in base image could not be made: {}",
            String::from_utf8_lossy(&built.stderr).trim()
        ));
    }
    Ok(host)
}

/// The engine's DOCKER_HOST, or `None` after saying loudly why the calling
/// test does not run. Panics instead when CRUDDUR_REQUIRE_ENGINE=1.
pub fn engine(test: &str) -> Option<String> {
    static PROBE: OnceLock<Result<String, String>> = OnceLock::new();
    match PROBE.get_or_init(probe) {
        Ok(host) => Some(host.clone()),
        Err(why) if std::env::var("CRUDDUR_REQUIRE_ENGINE").is_ok_and(|v| v == "1") => {
            panic!("CRUDDUR_REQUIRE_ENGINE=1 but there is no usable docker engine: {why}")
        }
        Err(why) => {
            // Straight to the file descriptor: the test harness captures
            // eprintln!, and a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no docker engine ({why}); run scripts/test.sh"
            );
            None
        }
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Rewrites the project's compose file into a test stack: the backend
/// service alone, with its environment and volumes as they are, built and
/// run in the host's network namespace and listening on 127.0.0.1:`port`.
/// `extra_env` is added to its environment.
pub fn write_test_compose(dir: &Path, service: &str, port: u16, extra_env: &[(&str, &str)]) {
    use yaml_serde::{Mapping, Value};
    let path = dir.join("docker-compose.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = yaml_serde::from_str(&text).unwrap();
    let mut backend = doc["services"][service].as_mapping().unwrap().clone();
    let context = match &backend["build"] {
        Value::String(s) => s.clone(),
        b => b["context"].as_str().unwrap_or(".").to_string(),
    };
    backend.remove("ports");
    let mut build = Mapping::new();
    build.insert("context".into(), context.into());
    build.insert("network".into(), "host".into());
    backend.insert("build".into(), Value::Mapping(build));
    backend.insert("network_mode".into(), "host".into());
    let command: Vec<Value> = [
        "python3",
        "-m",
        "flask",
        "run",
        "--host=127.0.0.1",
        &format!("--port={port}"),
    ]
    .iter()
    .map(|s| Value::from(*s))
    .collect();
    backend.insert("command".into(), Value::Sequence(command));
    if !extra_env.is_empty() {
        let env = backend
            .entry("environment".into())
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        for (k, v) in extra_env {
            env.as_mapping_mut()
                .unwrap()
                .insert((*k).into(), (*v).into());
        }
    }
    let mut services = Mapping::new();
    services.insert(service.into(), Value::Mapping(backend));
    let mut out = Mapping::new();
    out.insert("version".into(), "3.8".into());
    out.insert("services".into(), Value::Mapping(services));
    std::fs::write(&path, yaml_serde::to_string(&Value::Mapping(out)).unwrap()).unwrap();
}

/// Adds a service that runs `command` in the base image, in the host's
/// network namespace: a stand-in for an image no registry can give here.
pub fn add_stand_in(dir: &Path, name: &str, command: &[&str]) {
    use yaml_serde::{Mapping, Value};
    let path = dir.join("docker-compose.yml");
    let mut doc: Value = yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut service = Mapping::new();
    service.insert("image".into(), BASE_IMAGE.into());
    service.insert("network_mode".into(), "host".into());
    let argv = command.iter().map(|s| Value::from(*s)).collect();
    service.insert("command".into(), Value::Sequence(argv));
    doc["services"]
        .as_mapping_mut()
        .unwrap()
        .insert(name.into(), Value::Mapping(service));
    std::fs::write(&path, yaml_serde::to_string(&doc).unwrap()).unwrap();
}

/// A compose project on the test engine, taken down (containers, volumes,
/// the images it built) when dropped.
pub struct Stack {
    pub dir: PathBuf,
    pub host: String,
    pub project: String,
    pub port: u16,
    /// HOME for docker-compose and doctor (no user configuration leaks in).
    home: tempfile::TempDir,
}

/// Builds run one at a time so that the second one reuses the first one's
/// layers (the same requirements install once per run).
static BUILDS: Mutex<()> = Mutex::new(());

impl Stack {
    pub fn new(dir: &Path, host: &str, name: &str, port: u16) -> Stack {
        let project = format!("cobs-{name}-{}", std::process::id());
        Stack {
            dir: dir.to_path_buf(),
            host: host.to_string(),
            project,
            port,
            home: tempfile::tempdir().unwrap(),
        }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// docker-compose in the project, with nothing of this shell but PATH.
    pub fn compose(&self, args: &[&str]) -> Output {
        Command::new("docker-compose")
            .arg("-p")
            .arg(&self.project)
            .args(args)
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("DOCKER_HOST", &self.host)
            .output()
            .unwrap()
    }

    #[track_caller]
    pub fn compose_ok(&self, args: &[&str]) -> String {
        let _serial = (args.contains(&"--build") || args.first() == Some(&"build"))
            .then(|| BUILDS.lock().unwrap_or_else(|p| p.into_inner()));
        let t = Instant::now();
        let out = self.compose(args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "docker-compose {} failed:\n{all}",
            args.join(" ")
        );
        let _ = writeln!(
            std::io::stderr(),
            "[{}] docker-compose {}: {:.1} s",
            self.project,
            args.join(" "),
            t.elapsed().as_secs_f64()
        );
        all
    }

    /// The backend's logs as `docker-compose logs` prints them.
    pub fn logs(&self, service: &str) -> String {
        let out = self.compose(&["logs", "--no-color", service]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `GET path` on the backend answers, or panics with its logs.
    pub fn wait_http(&self, service: &str, path: &str) {
        let start = Instant::now();
        while http_get(self.port, path) != Some(200) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the {service} container did not serve {path} within 60 s:\n{}",
                self.logs(service)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let out = self.compose(&[
            "down",
            "-v",
            "--rmi",
            "local",
            "--remove-orphans",
            "-t",
            "1",
        ]);
        if !out.status.success() {
            let _ = writeln!(
                std::io::stderr(),
                "[{}] docker-compose down failed: {}",
                self.project,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Status of `GET path` on 127.0.0.1:`port`, if anything answers.
pub fn http_get(port: u16, path: &str) -> Option<u16> {
    use std::io::Read;
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
