//! Where keys live: the shell environment, the project `.env`, `gp env`.
//! A key is never written into a tracked file and never printed.

use crate::compose::dotenv;
use crate::edit::{Action, Plan};
use crate::fsutil;
use crate::project::{Project, TextFile};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Variables whose values are secrets wherever they appear in output.
pub const SECRET_VARS: [&str; 4] = [
    "HONEYCOMB_API_KEY",
    "ROLLBAR_ACCESS_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Whether a variable's name says its value is a secret (`DB_PASSWORD`,
/// `STRIPE_API_KEY`, `GITHUB_TOKEN`, ...): such values are masked in diffs.
pub fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASS",
        "AUTH",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Where init stores a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Gitpod,
    Dotenv,
    Nowhere,
}

/// The value of `name` in the project `.env`, if set and not empty.
pub fn dotenv_value(file: &TextFile, name: &str) -> Option<String> {
    let text = file.text.as_deref()?;
    dotenv::parse(text)
        .ok()?
        .into_iter()
        .rev()
        .find(|e| e.key == name)
        .map(|e| e.value)
        .filter(|v| !v.is_empty())
}

/// Variables `gp env` has stored for this repository. Its output holds the
/// secrets, so it is read here and never shown.
pub fn gp_env_list(gp: &Path) -> Result<Vec<(String, String)>> {
    let out = Command::new(gp)
        .arg("env")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {} env", gp.display()))?;
    if !out.status.success() {
        bail!(
            "`gp env` failed: {}",
            crate::mask::mask_shapes(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .collect())
}

/// Stores `name=value` with `gp env`. gp takes the pair only as an argument
/// (it has no stdin form); its echo of the pair is captured, never shown.
pub fn gp_env_set(gp: &Path, name: &str, value: &str) -> Result<()> {
    let mut child = Command::new(gp)
        .arg("env")
        .arg(format!("{name}={value}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {} env", gp.display()))?;
    // Polled, so that Ctrl-C during a slow `gp` stops it and the write
    // is rolled back (see fsutil::interrupt).
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if crate::fsutil::interrupt::interrupted() {
            child.kill().ok();
            child.wait().ok();
            bail!("interrupted (SIGINT/SIGTERM) while `gp env {name}=…` ran");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).ok();
        }
        bail!(
            "`gp env {name}=…` failed: {}",
            crate::mask::mask_text(err.trim(), &[value])
        );
    }
    Ok(())
}

/// Plans storing `name=value` in the chosen store.
pub fn plan_store(
    plan: &mut Plan,
    project: &Project,
    store: Store,
    name: &str,
    value: &str,
) -> Result<()> {
    plan.secrets.push(value.to_string());
    match store {
        Store::Nowhere => Ok(()),
        Store::Gitpod => {
            let gp = project
                .gitpod
                .gp
                .as_ref()
                .context("`gp` is not on PATH; use --persist dotenv")?;
            let stored = gp_env_list(gp)?;
            if !stored.iter().any(|(k, v)| k == name && v == value) {
                plan.actions.push(Action::GitpodEnv {
                    name: name.into(),
                    value: value.into(),
                });
            }
            Ok(())
        }
        Store::Dotenv => {
            let file = &project.dotenv;
            let current = plan
                .current(&file.path, file.text.as_deref())
                .unwrap_or("")
                .to_string();
            let after = dotenv::try_set(&current, name, value).map_err(|e| {
                anyhow::anyhow!("cannot store {name} in .env: {e}; fix that line (compose cannot read the file either) and run again")
            })?;
            if after == current {
                return Ok(());
            }
            if is_tracked(project) {
                bail!("{}", tracked_message(name));
            }
            // .gitignore first: the plan's order is the order files are shown
            // and written, and `.env` must never exist unignored.
            if !is_ignored(project) {
                plan_ignore(plan, project);
            }
            plan.update(
                &file.path,
                ".env",
                file.text.as_deref(),
                after,
                format!("{name} stored (compose reads .env for ${{{name}}})"),
            );
            plan.set_mode(&file.path, 0o600);
            Ok(())
        }
    }
}

/// Why a key will not be written into a tracked `.env`, and the ways out.
pub fn tracked_message(name: &str) -> String {
    format!(
        ".env is tracked by git, so {name} written there would be committed. Untrack it first: `git rm --cached .env`, commit, and rotate any key it already holds (it is in the history); or keep the key out of .env with `--persist gp` (Gitpod) or `--persist none`. Nothing was changed"
    )
}

/// Whether git tracks the project `.env` (it is in the index). Read from the
/// index itself: `git check-ignore` says nothing about tracked files.
pub fn is_tracked(project: &Project) -> bool {
    let Some(git) = crate::project::which("git") else {
        return false;
    };
    Command::new(&git)
        .args(["ls-files", "--error-unmatch", "--", ".env"])
        .current_dir(&project.root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether git ignores the project `.env`: asks git inside a work tree,
/// else reads `.gitignore` for the usual patterns.
pub fn is_ignored(project: &Project) -> bool {
    if let Some(git) = crate::project::which("git") {
        // --no-index: a tracked .env that a rule covers counts as ignored
        // here (it is `dotenv-tracked`, which a rule cannot fix). One git
        // run: 0 ignored, 1 not, 128 not inside a work tree (or git refuses
        // the repository), where .gitignore is read instead.
        let status = Command::new(&git)
            .args(["check-ignore", "-q", "--no-index", ".env"])
            .current_dir(&project.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status.ok().and_then(|s| s.code()) {
            Some(0) => return true,
            Some(1) => return false,
            _ => {}
        }
    }
    gitignore_covers_env(project.gitignore.text.as_deref().unwrap_or(""))
}

fn gitignore_covers_env(text: &str) -> bool {
    let mut ignored = false;
    for line in text.lines().map(str::trim) {
        let (negate, pat) = match line.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, line),
        };
        if matches!(
            pat.trim_start_matches('/'),
            ".env" | ".env*" | "*.env" | ".env.*" | "*.env*"
        ) && !pat.ends_with(".*")
        {
            ignored = !negate;
        }
    }
    ignored
}

/// Plans adding `.env` to .gitignore (creating it if needed).
pub fn plan_ignore(plan: &mut Plan, project: &Project) {
    let file = &project.gitignore;
    let current = plan
        .current(&file.path, file.text.as_deref())
        .unwrap_or("")
        .to_string();
    if gitignore_covers_env(&current) {
        return;
    }
    let eol = fsutil::line_ending(&current);
    let mut after = current.clone();
    if !after.is_empty() && !after.ends_with('\n') {
        after.push_str(eol);
    }
    after.push_str(".env");
    after.push_str(eol);
    plan.update(
        &file.path,
        ".gitignore",
        file.text.as_deref(),
        after,
        "ignore .env so the key is never committed".into(),
    );
}

/// The longest key line `--key-stdin` accepts: every key shape is under 100
/// characters, so anything longer is not a key.
pub const STDIN_KEY_MAX: usize = 4096;

/// Reads a key piped on standard input: one line, at most
/// [`STDIN_KEY_MAX`] bytes, returned as soon as its newline arrives (a
/// writer that keeps the pipe open is not waited for).
pub fn read_stdin_key() -> Result<String> {
    read_key_line(&mut std::io::stdin().lock())
}

pub fn read_key_line(input: &mut impl std::io::BufRead) -> Result<String> {
    let mut buf = Vec::new();
    std::io::Read::take(&mut *input, STDIN_KEY_MAX as u64 + 1)
        .read_until(b'\n', &mut buf)
        .context("cannot read the key from standard input")?;
    if buf.len() > STDIN_KEY_MAX && !buf.ends_with(b"\n") {
        bail!("--key-stdin reads one line, and the first {STDIN_KEY_MAX} bytes of standard input held no line break: that is not a key. Pipe just the key, e.g. `printenv HONEYCOMB_API_KEY | cruddur-obs init --key-stdin`");
    }
    if buf.contains(&0) {
        bail!("--key-stdin: standard input holds NUL bytes, not a key; pipe just the key, e.g. `printenv HONEYCOMB_API_KEY | cruddur-obs init --key-stdin`");
    }
    let line = String::from_utf8(buf)
        .map_err(|_| anyhow::anyhow!("--key-stdin: the key is not valid UTF-8 text"))?;
    let key = line.trim().to_string();
    if key.is_empty() {
        bail!("--key-stdin was given but standard input was empty; pipe the key, e.g. `printenv HONEYCOMB_API_KEY | cruddur-obs init --key-stdin`");
    }
    Ok(key)
}

/// Checks before the first write that `gp` is still there and answers.
pub fn preflight_gp(plan: &Plan, project: &Project) -> Result<()> {
    if !plan
        .actions
        .iter()
        .any(|a| matches!(a, Action::GitpodEnv { .. }))
    {
        return Ok(());
    }
    let gp = project
        .gitpod
        .gp
        .as_ref()
        .filter(|p| crate::project::which("gp").as_ref() == Some(*p))
        .context("`gp` is no longer on PATH; nothing was changed")?;
    gp_env_list(gp).map_err(|e| anyhow::anyhow!("{e:#}; nothing was changed"))?;
    Ok(())
}

/// Runs one `gp env` action of the plan (see [`Plan::apply`]).
pub fn run_action(action: &Action, project: &Project) -> Result<()> {
    if let Action::GitpodEnv { name, value } = action {
        let gp = project.gitpod.gp.as_ref().context("`gp` is not on PATH")?;
        gp_env_set(gp, name, value)?;
    }
    std::io::stdout().flush().ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::doctor::testkit::project;

    const KEY: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn compose() -> (&'static str, &'static str) {
        (
            "docker-compose.yml",
            "services:\n  backend-flask:\n    image: x\n",
        )
    }

    #[test]
    fn a_key_is_refused_for_a_tracked_dotenv_and_planned_after_gitignore() {
        let tp = project(&[compose(), (".env", "A=1\n")]);
        let dir = tp.dir.path();
        // Not a repository yet: .env is not tracked, and gets ignored first.
        assert!(!is_tracked(&tp.project));
        let mut plan = Plan::default();
        plan_store(
            &mut plan,
            &tp.project,
            Store::Dotenv,
            "HONEYCOMB_API_KEY",
            KEY,
        )
        .unwrap();
        let shown: Vec<&str> = plan.edits.iter().map(|e| e.display.as_str()).collect();
        assert_eq!(shown, [".gitignore", ".env"]);
        assert_eq!(plan.edits[1].mode, Some(0o600));
        git(dir, &["init", "-q"]);
        git(dir, &["add", ".env"]);
        std::fs::write(dir.join(".gitignore"), ".env\n").unwrap();
        let tp = crate::doctor::checks::compose_env::tests::reread(tp);
        assert!(is_tracked(&tp.project));
        // A rule covers it, but a tracked file is not ignored by git:
        // `--no-index` makes the rule count, so no useless .gitignore fix.
        assert!(is_ignored(&tp.project));
        let mut plan = Plan::default();
        let err = plan_store(
            &mut plan,
            &tp.project,
            Store::Dotenv,
            "HONEYCOMB_API_KEY",
            KEY,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("git rm --cached .env"), "{err}");
        assert!(err.contains("--persist gp"), "{err}");
        assert!(plan.edits.is_empty());
        // Already stored there: nothing to write, nothing to refuse.
        let mut plan = Plan::default();
        plan_store(&mut plan, &tp.project, Store::Dotenv, "A", "1").unwrap();
        assert!(plan.edits.is_empty());
    }

    #[test]
    fn gp_stores_only_what_it_does_not_hold_yet() {
        let tp = project(&[compose()]);
        let bin = tempfile::tempdir().unwrap();
        let gp = bin.path().join("gp");
        crate::fsutil::testing::script(
            &gp,
            &format!("#!/bin/sh\necho HONEYCOMB_API_KEY={KEY}\necho OTHER=x\n"),
        );
        let mut tp = tp;
        tp.project.gitpod.gp = Some(gp);
        let actions = |name: &str, value: &str| {
            let mut plan = Plan::default();
            plan_store(&mut plan, &tp.project, Store::Gitpod, name, value).unwrap();
            assert!(plan.edits.is_empty());
            assert_eq!(plan.secrets, [value]);
            plan.actions.len()
        };
        assert_eq!(actions("HONEYCOMB_API_KEY", KEY), 0);
        assert_eq!(actions("HONEYCOMB_API_KEY", "another-value"), 1);
        assert_eq!(actions("OTHER_KEY", KEY), 1);
        assert_eq!(actions("OTHER", KEY), 1);
        let mut plan = Plan::default();
        plan_store(&mut plan, &tp.project, Store::Nowhere, "K", "secret-value").unwrap();
        assert!(plan.is_empty());
        assert_eq!(plan.secrets, ["secret-value"]);
    }

    /// A reader that fails the test if read after it handed out `data`:
    /// the key must be taken without waiting for the end of input.
    struct ThenHang(std::io::Cursor<Vec<u8>>);

    impl std::io::Read for ThenHang {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            assert!(n > 0, "read past the key's line, waiting for end of input");
            Ok(n)
        }
    }

    #[test]
    fn the_stdin_key_is_one_bounded_line() {
        let mut r = std::io::BufReader::new(ThenHang(std::io::Cursor::new(
            format!("  {KEY}\r\nmore\n").into_bytes(),
        )));
        assert_eq!(read_key_line(&mut r).unwrap(), KEY);
        let read = |bytes: &[u8]| read_key_line(&mut std::io::BufReader::new(bytes));
        assert_eq!(read(b"no-newline-key").unwrap(), "no-newline-key");
        let long = vec![b'a'; STDIN_KEY_MAX + 1];
        assert!(read(&long).unwrap_err().to_string().contains("4096"));
        let exact = vec![b'a'; STDIN_KEY_MAX];
        assert_eq!(read(&exact).unwrap().len(), STDIN_KEY_MAX);
        let mut just = vec![b'a'; STDIN_KEY_MAX - 1];
        just.push(b'\n');
        assert_eq!(read(&just).unwrap().len(), STDIN_KEY_MAX - 1);
        assert!(read(b"\n").unwrap_err().to_string().contains("empty"));
        assert!(read(b"ab\0cd\n").unwrap_err().to_string().contains("NUL"));
        assert!(read(b"\xff\xfe\n")
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        // Endless zeros: refused after STDIN_KEY_MAX + 1 bytes.
        let mut zeros = std::io::BufReader::new(std::io::repeat(0));
        assert!(read_key_line(&mut zeros).is_err());
    }

    #[test]
    fn secret_looking_names() {
        for n in [
            "DB_PASSWORD",
            "API_KEY",
            "GITHUB_TOKEN",
            "CLIENT_SECRET",
            "PGPASS",
            "BASIC_AUTH",
            "GOOGLE_CREDENTIALS",
            "honeycomb_api_key",
        ] {
            assert!(looks_secret(n), "{n}");
        }
        for n in ["DB_HOST", "PORT", "OTEL_SERVICE_NAME", "FLASK_ENV"] {
            assert!(!looks_secret(n), "{n}");
        }
    }

    #[test]
    fn gitignore_patterns() {
        assert!(gitignore_covers_env(".env\n"));
        assert!(gitignore_covers_env("node_modules\n/.env\n"));
        assert!(gitignore_covers_env("*.env\r\n"));
        assert!(!gitignore_covers_env(".env\n!.env\n"));
        assert!(!gitignore_covers_env(".envrc\n# .env\n"));
        assert!(!gitignore_covers_env(""));
    }
}
