//! The write path under attack, through the built binary: keys never land in
//! a tracked file or a diff, a failing step or a signal leaves every file as
//! it was, two runs at once keep both runs' changes, owners and read-only
//! bits are respected, and `--key-stdin` reads one bounded line.

mod common;
use common::*;
use std::io::{BufRead, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const OLD_KEY: &str = "hcaik_00oldoldoldoldoldoldoldoldoldoldoldoldoldoldoldoldoldoldold";
const PAUSE_VAR: &str = "CRUDDUR_OBS_TEST_WRITE_PAUSE_MS";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

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

/// Every `.cruddur-obs-*` temp file under `dir`.
fn temp_files(dir: &Path) -> Vec<std::path::PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".cruddur-obs-"))
        })
        .collect()
}

/// The binary as a plain `Command` (for signals, uids and open pipes).
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cruddur-obs"));
    cmd.args(args)
        .arg("--dir")
        .arg(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn wait_bounded(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Doctor's finding ids (offline, JSON).
fn doctor_ids(dir: &Path) -> Vec<String> {
    let out = cruddur(&["doctor", "--offline", "--json"]).dir(dir).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

// --- 2. a tracked .env --------------------------------------------------

#[test]
fn a_tracked_dotenv_is_refused_and_doctor_names_it() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    std::fs::write(dir.join(".env"), "DB_PASSWORD=hunter2hunter2\n").unwrap();
    std::fs::set_permissions(dir.join(".env"), std::fs::Permissions::from_mode(0o600)).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", ".env"]);
    let before = snapshot(dir);
    let out = cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    let err = out.stderr();
    assert!(err.contains(".env is tracked by git"), "{err}");
    assert!(err.contains("git rm --cached .env"), "{err}");
    assert!(err.contains("--persist gp"), "{err}");
    assert!(!out.all().contains(KEY));
    assert_eq!(before, snapshot(dir), "files changed");
    // --persist none: the rest of the setup is done, no key is written.
    cruddur(&["init", "--yes", "--persist", "none"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).unwrap(),
        "DB_PASSWORD=hunter2hunter2\n"
    );

    let ids = doctor_ids(dir);
    assert!(ids.contains(&"dotenv-tracked".to_string()), "{ids:?}");
    // No rule in .gitignore either: that is a second, fixable finding.
    assert!(ids.contains(&"dotenv-not-ignored".to_string()), "{ids:?}");
    // With the rule, a tracked .env is not "not ignored": no --fix that
    // would change nothing.
    std::fs::write(dir.join(".gitignore"), ".env\n").unwrap();
    let ids = doctor_ids(dir);
    assert!(ids.contains(&"dotenv-tracked".to_string()), "{ids:?}");
    assert!(!ids.contains(&"dotenv-not-ignored".to_string()), "{ids:?}");
    // Untracked as told: both gone.
    git(dir, &["rm", "-q", "--cached", ".env"]);
    let ids = doctor_ids(dir);
    assert!(!ids.iter().any(|i| i.starts_with("dotenv-")), "{ids:?}");
}

// --- 3. secrets in the .env diff -----------------------------------------

#[test]
fn the_dotenv_diff_shows_no_secret() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    std::fs::write(
        dir.join(".env"),
        format!("DB_HOST=db\nDB_PASSWORD=hunter2hunter2\nHONEYCOMB_API_KEY={OLD_KEY}\nSTRIPE_SECRET=sk_live_abcdef\n"),
    )
    .unwrap();
    let out = cruddur(&["init", "--dry-run"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let text = out.all();
    for secret in [KEY, OLD_KEY, "hunter2", "sk_live"] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
    assert!(text.contains("-HONEYCOMB_API_KEY=hcaik_…"), "{text}");
    assert!(text.contains("+HONEYCOMB_API_KEY=hcaik_…"), "{text}");
    assert!(text.contains(" DB_PASSWORD=hu…"), "{text}");
    assert!(text.contains(" DB_HOST=db"), "{text}");
}

// --- 4. interrupted writes -----------------------------------------------

/// Starts init with the test pause and returns it with a channel of its
/// stderr lines.
fn paused_init(
    dir: &Path,
    extra: &[(&str, &str)],
    path_first: Option<&Path>,
) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut cmd = command(dir, &["init", "--yes"]);
    cmd.env("HONEYCOMB_API_KEY", KEY).env(PAUSE_VAR, "400");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    if let Some(bin) = path_first {
        cmd.env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        );
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn wait_for_line(rx: &std::sync::mpsc::Receiver<String>, prefix: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no `{prefix}` line; saw {seen:?}"));
        let done = line.starts_with(prefix);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

/// Every line still to come: the reader thread ends at the end of the
/// stream, which can be a moment after the child exits (`try_iter` there
/// lost the last lines under load).
fn rest_of(rx: &std::sync::mpsc::Receiver<String>) -> Vec<String> {
    let mut rest = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
        rest.push(line);
    }
    rest
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
}

#[test]
fn a_signal_during_the_write_leaves_the_old_files_and_no_temp_file() {
    // (where to stop, signal, what the message says)
    let cases = [
        ("test-pause: staged", libc::SIGINT, "nothing was changed"),
        ("test-pause: wrote", libc::SIGINT, "restored"),
        ("test-pause: wrote", libc::SIGTERM, "restored"),
    ];
    for (at, sig, says) in cases {
        let tmp = copy_fixture("cruddur-week1");
        let dir = tmp.path();
        let before = snapshot(dir);
        let (mut child, rx) = paused_init(dir, &[], None);
        wait_for_line(&rx, at);
        assert!(!temp_files(dir).is_empty(), "{at}: the write is under way");
        signal(&child, sig);
        let status = wait_bounded(&mut child, Duration::from_secs(15));
        let rest = rest_of(&rx);
        assert_eq!(status.code(), Some(2), "{at}: {rest:?}");
        let err = rest.join("\n");
        assert!(err.contains("interrupted"), "{at}: {err}");
        assert!(err.contains(says), "{at}: {err}");
        assert!(temp_files(dir).is_empty(), "{at}: temp files left");
        assert_eq!(before, snapshot(dir), "{at}: files changed");
    }
}

#[test]
fn a_signal_while_gp_runs_stops_it_and_changes_no_file() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let bin = tempfile::tempdir().unwrap();
    let started = bin.path().join("started");
    // Lists nothing; storing takes 30 s (and says when it starts).
    script(
        &bin.path().join("gp"),
        &format!(
            "#!/bin/sh\nif [ -n \"$2\" ]; then touch {}; exec sleep 30; fi\nexit 0\n",
            started.display()
        ),
    );
    let before = snapshot(dir);
    let (mut child, rx) = paused_init(
        dir,
        &[("GITPOD_WORKSPACE_ID", "w-1"), (PAUSE_VAR, "0")],
        Some(bin.path()),
    );
    let waiting = Instant::now();
    while !started.exists() {
        assert!(waiting.elapsed() < Duration::from_secs(60), "gp never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(&child, libc::SIGINT);
    let start = Instant::now();
    let status = wait_bounded(&mut child, Duration::from_secs(15));
    assert!(start.elapsed() < Duration::from_secs(10));
    let err: String = rest_of(&rx).join("\n");
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(err.contains("no file was changed"), "{err}");
    assert!(!err.contains(KEY));
    assert!(temp_files(dir).is_empty());
    assert_eq!(before, snapshot(dir));
}

#[test]
fn a_file_edited_during_the_write_is_not_overwritten_and_the_rest_is_restored() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let before = snapshot(dir);
    let (mut child, rx) = paused_init(dir, &[(PAUSE_VAR, "700")], None);
    // The compose file is replaced first; edit the requirements meanwhile.
    wait_for_line(&rx, "test-pause: wrote docker-compose.yml");
    let req = dir.join("backend-flask/requirements.txt");
    let mut theirs = std::fs::read_to_string(&req).unwrap();
    theirs.push_str("requests\n");
    std::fs::write(&req, &theirs).unwrap();
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    let err: String = rest_of(&rx).join("\n");
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains("backend-flask/requirements.txt changed while"),
        "{err}"
    );
    assert!(err.contains("restored docker-compose.yml"), "{err}");
    assert_eq!(std::fs::read_to_string(&req).unwrap(), theirs);
    let mut expected = before;
    let now = snapshot(dir);
    expected.insert(
        "backend-flask/requirements.txt".into(),
        now[Path::new("backend-flask/requirements.txt")].clone(),
    );
    assert_eq!(expected, now);
}

#[test]
fn leftover_temp_files_are_reported_fixed_and_cleaned_by_init() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let left = dir.join(".cruddur-obs-Ab12Cd");
    std::fs::write(&left, format!("HONEYCOMB_API_KEY={KEY}\n")).unwrap();
    std::fs::write(dir.join("backend-flask/.cruddur-obs-Zz99Yy"), "flask\n").unwrap();
    let out = cruddur(&["doctor", "--offline"]).dir(dir).run();
    assert!(
        out.stdout().contains("secret-file-left"),
        "{}",
        out.stdout()
    );
    assert!(out.stdout().contains(".cruddur-obs-Ab12Cd"));
    assert!(!out.all().contains(KEY));
    // Only the one holding a secret is a finding.
    assert_eq!(out.stdout().matches("secret-file-left").count(), 1);
    cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .run();
    assert!(!left.exists());
    assert!(!doctor_ids(dir).contains(&"secret-file-left".to_string()));
    // init removes every leftover, secret or not.
    let out = cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert!(out
        .stdout()
        .contains("removed backend-flask/.cruddur-obs-Zz99Yy"));
    assert!(temp_files(dir).is_empty());
}

// --- 6. partial apply ------------------------------------------------------

/// Makes backend-flask/ read-only for whoever runs the binary; returns the
/// uid to run as (another user when we are root, who may write anything).
fn read_only_backend(dir: &Path) -> Option<u32> {
    let backend = dir.join("backend-flask");
    if is_root() {
        let user = 1234;
        for e in walk(dir) {
            std::os::unix::fs::lchown(&e, Some(user), Some(user)).unwrap();
        }
        std::os::unix::fs::chown(dir, Some(user), Some(user)).unwrap();
        std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o555)).unwrap();
        Some(user)
    } else {
        std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn a_read_only_backend_directory_changes_nothing() {
    use std::os::unix::process::CommandExt;
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let user = read_only_backend(dir);
    let before = snapshot(dir);
    let mut cmd = command(dir, &["init", "--yes"]);
    cmd.env("HONEYCOMB_API_KEY", KEY);
    if let Some(uid) = user {
        cmd.uid(uid).gid(uid);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("backend-flask"), "{err}");
    assert!(err.contains("not writable"), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
    assert_eq!(before, snapshot(dir), "files changed");
    assert!(temp_files(dir).is_empty());
    std::fs::set_permissions(
        dir.join("backend-flask"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
}

#[test]
fn a_failing_gp_changes_no_file() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let bin = tempfile::tempdir().unwrap();
    script(
        &bin.path().join("gp"),
        "#!/bin/sh\nif [ -n \"$2\" ]; then echo \"gp: not logged in ($2)\" >&2; exit 1; fi\nexit 0\n",
    );
    let before = snapshot(dir);
    let out = cruddur(&["init", "--yes"])
        .dir(dir)
        .path_first(bin.path())
        .env("GITPOD_WORKSPACE_ID", "w-1")
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    let err = out.stderr();
    assert!(err.contains("not logged in"), "{err}");
    assert!(err.contains("no file was changed"), "{err}");
    assert!(!out.all().contains(KEY), "{}", out.all());
    assert_eq!(before, snapshot(dir));
    assert!(temp_files(dir).is_empty());
}

#[test]
fn a_missing_gp_is_found_before_anything_is_written() {
    let tmp = copy_fixture("cruddur-week1");
    let out = cruddur(&["init", "--yes", "--persist", "gp"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("`gp` command on PATH"),
        "{}",
        out.stderr()
    );
}

// --- 7. lost updates -----------------------------------------------------

#[test]
fn two_runs_at_once_keep_both_runs_changes() {
    let mut waited = 0;
    for round in 0..10 {
        let tmp = copy_fixture("cruddur-week1");
        let dir = tmp.path();
        let spawn = |provider: &str| {
            let mut cmd = command(dir, &["init", "--yes", "--provider", provider]);
            cmd.env("HONEYCOMB_API_KEY", KEY)
                .env("ROLLBAR_ACCESS_TOKEN", ROLLBAR_TOKEN)
                .env(PAUSE_VAR, "30");
            cmd.spawn().unwrap()
        };
        let (a, b) = (spawn("honeycomb"), spawn("rollbar"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for out in [&a, &b] {
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "round {round}: {err}");
            if err.contains("waiting for it to finish") {
                waited += 1;
            }
        }
        let compose = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
        let req = std::fs::read_to_string(dir.join("backend-flask/requirements.txt")).unwrap();
        let app = std::fs::read_to_string(dir.join("backend-flask/app.py")).unwrap();
        let env = std::fs::read_to_string(dir.join(".env")).unwrap();
        for (what, text, needle) in [
            ("compose", &compose, "OTEL_EXPORTER_OTLP_ENDPOINT"),
            ("compose", &compose, "ROLLBAR_ACCESS_TOKEN"),
            ("requirements", &req, "opentelemetry-sdk"),
            ("requirements", &req, "rollbar"),
            ("app.py", &app, "FlaskInstrumentor"),
            ("app.py", &app, "rollbar.init"),
            (".env", &env, "HONEYCOMB_API_KEY="),
            (".env", &env, "ROLLBAR_ACCESS_TOKEN="),
        ] {
            assert!(
                text.contains(needle),
                "round {round}: {what} lacks {needle}:\n{text}"
            );
        }
        assert_eq!(env.matches("HONEYCOMB_API_KEY=").count(), 1);
        assert!(temp_files(dir).is_empty());
    }
    eprintln!("the second run waited for the lock in {waited} of 10 rounds");
}

// --- 8. --key-stdin ------------------------------------------------------

#[test]
fn key_stdin_stops_at_the_line_and_refuses_endless_input() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let before = snapshot(dir);
    let mut cmd = command(dir, &["init", "--yes", "--key-stdin"]);
    cmd.stdin(std::fs::File::open("/dev/zero").unwrap());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("4096 bytes"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(before, snapshot(dir));

    // `(echo KEY; sleep 30) | init --key-stdin`: done long before EOF.
    let mut cmd = command(dir, &["init", "--yes", "--key-stdin"]);
    cmd.stdin(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{KEY}").unwrap();
    let status = wait_bounded(&mut child, Duration::from_secs(20));
    assert!(start.elapsed() < Duration::from_secs(15));
    drop(stdin);
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).unwrap(),
        format!("HONEYCOMB_API_KEY={KEY}\n")
    );
}

#[test]
fn a_key_of_no_known_shape_is_refused_unless_allowed() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let before = snapshot(dir);
    let out = cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", "abc")
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("matches no Honeycomb key shape"),
        "{}",
        out.stderr()
    );
    assert!(out.stderr().contains("--allow-unknown-key-shape"));
    assert_eq!(before, snapshot(dir));
    let odd = "zz_a-new-kind-of-key_0123456789";
    let out = cruddur(&["init", "--yes", "--allow-unknown-key-shape"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", odd)
        .run()
        .expect_code(0);
    assert!(out.stderr().contains("warning:"), "{}", out.stderr());
    assert!(std::fs::read_to_string(dir.join(".env"))
        .unwrap()
        .contains(odd));
}

// --- 10. owners and read-only files ---------------------------------------

#[test]
fn owners_modes_and_read_only_files_are_respected() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let compose = dir.join("docker-compose.yml");
    std::fs::set_permissions(&compose, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot(dir);
    let out = cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    let err = out.stderr();
    assert!(err.contains("docker-compose.yml is read-only"), "{err}");
    assert!(err.contains("chmod u+w"), "{err}");
    assert_eq!(before, snapshot(dir));

    std::fs::set_permissions(&compose, std::fs::Permissions::from_mode(0o664)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&compose, Some(1234), Some(1234)).unwrap();
        std::os::unix::fs::chown(dir, Some(4321), Some(4322)).unwrap();
    }
    cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    let m = std::fs::metadata(&compose).unwrap();
    assert_eq!(m.mode() & 0o777, 0o664);
    let e = std::fs::metadata(dir.join(".env")).unwrap();
    assert_eq!(e.mode() & 0o777, 0o600);
    if is_root() {
        assert_eq!((m.uid(), m.gid()), (1234, 1234), "compose owner");
        assert_eq!(
            (e.uid(), e.gid()),
            (4321, 4322),
            ".env owned like the directory"
        );
    } else {
        eprintln!("not root: ownership part skipped");
    }
}

// --- 11. BOM ---------------------------------------------------------------

#[test]
fn a_byte_order_mark_in_dotenv_is_read_and_kept() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let env = dir.join(".env");
    std::fs::write(&env, format!("\u{feff}HONEYCOMB_API_KEY={OLD_KEY}\nDB=1\n")).unwrap();
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(dir.join(".gitignore"), ".env\n").unwrap();
    cruddur(&["init", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&env).unwrap(),
        format!("\u{feff}HONEYCOMB_API_KEY={KEY}\nDB=1\n")
    );
    // The key is read from it: no compose-var-unset, nothing left to do.
    let ids = doctor_ids(dir);
    assert!(!ids.contains(&"compose-var-unset".to_string()), "{ids:?}");
    let out = cruddur(&["init", "--yes"]).dir(dir).run().expect_code(0);
    assert!(out.stdout().contains("Nothing to change"), "{}", out.all());
}
