//! Shared test helpers: run the built binary in a clean environment against a
//! copy of a fixture, and snapshot trees to prove what changed.
#![allow(dead_code)]

pub mod tmux;

/// Stand-in scripts, written as the unit tests write them.
#[path = "../../src/fsutil/testing.rs"]
mod stand_in;
// Not every test binary writes a stand-in.
#[allow(unused_imports)]
pub use stand_in::script;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const KEY: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The week-2 sample and every realistic project of fixtures/real, in order.
pub fn sample_projects() -> Vec<PathBuf> {
    let mut dirs = vec![fixtures().join("cruddur-week2")];
    let mut real: Vec<PathBuf> = std::fs::read_dir(fixtures().join("real"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    real.sort();
    dirs.extend(real);
    dirs
}

/// A private copy of a fixture tree.
pub fn copy_fixture(rel: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(rel), tmp.path());
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes and mode.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                let mode = e.metadata().unwrap().permissions().mode();
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    (std::fs::read(&p).unwrap(), mode),
                );
            }
        }
    }
    out
}

/// A command line for the binary, in a clean environment (no inherited keys).
pub struct Run {
    cmd: Command,
    stdin: Option<String>,
}

pub fn cruddur(args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cruddur-obs"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir());
    Run { cmd, stdin: None }
}

impl Run {
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.cmd.env(k, v);
        self
    }
    pub fn dir(mut self, d: &Path) -> Self {
        self.cmd.arg("--dir").arg(d);
        self
    }
    /// Runs in `d` (no `--dir`), as a user would from a shell.
    pub fn cwd(mut self, d: &Path) -> Self {
        self.cmd.current_dir(d);
        self
    }

    pub fn arg(mut self, a: &str) -> Self {
        self.cmd.arg(a);
        self
    }
    pub fn stdin(mut self, s: &str) -> Self {
        self.stdin = Some(s.to_string());
        self
    }
    /// Puts `dir` first on PATH (for stand-ins of gp or docker).
    pub fn path_first(mut self, dir: &Path) -> Self {
        let path = format!(
            "{}:{}",
            dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        self.cmd.env("PATH", path);
        self
    }
    pub fn run(mut self) -> Result {
        use std::io::Write;
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().unwrap();
        if let Some(s) = self.stdin.take() {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        Result(child.wait_with_output().unwrap())
    }
}

pub struct Result(pub Output);

impl Result {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code(),
            code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Whether every line of `before` appears in `after`, in order.
pub fn only_insertions(before: &str, after: &str) -> bool {
    let mut it = after.split('\n');
    before.split('\n').all(|line| it.any(|l| l == line))
}

/// Whether `after` is `before` with characters inserted (nothing removed or
/// changed): for flow-style YAML and inline arrays, where a line must grow.
pub fn only_char_insertions(before: &str, after: &str) -> bool {
    let mut it = after.chars();
    before.chars().all(|c| it.any(|a| a == c))
}

/// Whether CPython compiles the file (the bytecode goes to a temp dir).
pub fn py_compiles(path: &Path) -> bool {
    let cache = tempfile::tempdir().unwrap();
    Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(path)
        .env("PYTHONPYCACHEPREFIX", cache.path())
        .status()
        .unwrap()
        .success()
}

pub const ROLLBAR_TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The correct week-2 project with every key in a 0600 .env, as a user has it.
pub fn week2_with_keys() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let tmp = copy_fixture("cruddur-week2");
    let env = tmp.path().join(".env");
    std::fs::write(&env, format!("HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\nAWS_DEFAULT_REGION=us-east-1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")).unwrap();
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    tmp
}
