//! A Python virtualenv under target/py-venv, created on first use with the
//! packages the interop and end-to-end tests need, and reused afterwards.
//! Creation is guarded by a lock directory because test binaries (and the
//! tests inside one) may ask for it at the same time.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Everything any test needs, installed in one go so there is one venv.
pub const PACKAGES: &[&str] = &[
    "flask>=3",
    "flask-cors",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-proto",
    "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-instrumentation-flask",
    "opentelemetry-instrumentation-requests",
    "requests",
];

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The venv's python, creating the venv if needed. Panics with pip's output
/// when the packages cannot be installed (no silent skip).
pub fn python() -> PathBuf {
    let venv = target_dir().join("py-venv");
    let py = venv.join("bin/python");
    let stamp = venv.join(".complete");
    let wanted = PACKAGES.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return py;
    }
    let lock = target_dir().join("py-venv.lock");
    std::fs::create_dir_all(target_dir()).unwrap();
    let start = Instant::now();
    while std::fs::create_dir(&lock).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "timed out waiting for {}",
            lock.display()
        );
        std::thread::sleep(Duration::from_millis(200));
        if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
            return py;
        }
    }
    let result = std::panic::catch_unwind(|| {
        if !py.exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        }
        run(Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(PACKAGES));
        std::fs::write(&stamp, &wanted).unwrap();
    });
    std::fs::remove_dir(&lock).ok();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
    py
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
