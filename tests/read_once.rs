//! Each project file is read once per run: doctor on every sample and
//! realistic project, traced with strace, opens no file of the project twice
//! (variant compose files judged as their own projects share what the run
//! read), and opens each Python module that runs exactly once.
//!
//! strace is real tracing of the real binary; scripts/test.sh installs it.
//! Without it the test fails under scripts/test.sh (CRUDDUR_REQUIRE_ENGINE=1)
//! and says it did not run otherwise.

mod common;
use common::{fixtures, sample_projects};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// strace on PATH; without it the test fails under scripts/test.sh and
/// otherwise says it did not run.
fn strace(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|d| d.join("strace"))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("CRUDDUR_REQUIRE_ENGINE").is_ok_and(|v| v == "1") {
            panic!("strace is not on PATH; scripts/test.sh installs it");
        }
        eprintln!("NOT RUN: {test} needs strace on PATH");
    }
    found
}

/// How many times the run opened each file under `dir` for reading
/// (directories and failed opens left out).
fn opens(strace: &Path, dir: &Path) -> BTreeMap<String, usize> {
    let log = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new(strace)
        .args(["-f", "-qq", "-e", "trace=open,openat", "-o"])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_cruddur-obs"))
        .args(["doctor", "--offline", "--no-stack", "--dir"])
        .arg(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        // Two threads even for a small project: two checks asking for one
        // file at once is what could read it twice.
        .env("CRUDDUR_OBS_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    // doctor exits 1 when it finds something; strace passes that through.
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "doctor under strace on {}: {status}",
        dir.display()
    );
    let prefix = format!("\"{}/", dir.display());
    let mut out = BTreeMap::new();
    for line in std::fs::read_to_string(log.path()).unwrap().lines() {
        if line.contains("O_DIRECTORY") || line.contains("= -1 ") {
            continue;
        }
        let Some(at) = line.find(&prefix) else {
            continue;
        };
        let rest = &line[at + prefix.len()..];
        let Some(end) = rest.find('"') else { continue };
        let file = Path::new(&rest[..end])
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect::<PathBuf>();
        *out.entry(file.display().to_string()).or_default() += 1;
    }
    out
}

#[test]
fn doctor_reads_each_project_file_once() {
    let Some(strace) = strace("doctor_reads_each_project_file_once") else {
        return;
    };
    let mut twice = Vec::new();
    let mut variants = 0;
    for dir in sample_projects() {
        let opened = opens(&strace, &dir);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        // The run did read the project: a compose file and Python modules.
        assert!(
            opened
                .keys()
                .any(|f| f.contains("compose") && (f.ends_with(".yml") || f.ends_with(".yaml"))),
            "{name}: no compose file was read: {opened:?}"
        );
        assert!(
            opened.keys().any(|f| f.ends_with(".py")),
            "{name}: no Python module was read: {opened:?}"
        );
        if opened
            .keys()
            .filter(|f| f.contains("compose") && !f.contains('/'))
            .count()
            > 1
        {
            variants += 1;
        }
        twice.extend(
            opened
                .iter()
                .filter(|(_, &n)| n > 1)
                .map(|(f, n)| format!("{name}/{f} ×{n}")),
        );
    }
    assert!(twice.is_empty(), "read more than once: {twice:#?}");
    // Projects with variant files are among those checked, so sharing the
    // run's reads across projects is exercised.
    assert!(variants >= 2, "only {variants} projects with variant files");
}

#[test]
fn every_module_that_runs_is_read_once() {
    let Some(strace) = strace("every_module_that_runs_is_read_once") else {
        return;
    };
    let dir = fixtures().join("cruddur-week2");
    let opened = opens(&strace, &dir);
    let mut modules: Vec<String> = vec!["backend-flask/app.py".into()];
    for e in std::fs::read_dir(dir.join("backend-flask/services")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".py") {
            modules.push(format!("backend-flask/services/{name}"));
        }
    }
    assert!(modules.len() > 5);
    for m in &modules {
        assert_eq!(opened.get(m), Some(&1), "{m}: {opened:?}");
    }
}
