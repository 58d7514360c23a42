//! The interactive init flow on a real terminal: tmux runs the binary, the
//! test answers the prompts with send-keys and reads the screen.

mod common;
use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// tmux on a private socket, so tests never touch a user's sessions.
fn tmux() -> Command {
    let mut cmd = Command::new("tmux");
    cmd.args(["-L", "cruddur-obs-tests"]);
    cmd
}

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("t{}-{n}", std::process::id());
        let ok = tmux()
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "160",
                "-y",
                "60",
                command,
            ])
            .status()
            .expect("tmux must be installed (bash .ci/run installs it)")
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = tmux()
            .args(["capture-pane", "-p", "-S", "-200", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut cmd = tmux();
        cmd.args(["send-keys", "-t", &self.session]).args(keys);
        assert!(cmd.status().unwrap().success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux().args(["kill-session", "-t", &self.session]).status();
    }
}

#[test]
fn prompts_for_key_and_region_shows_the_diff_and_confirms() {
    let tmp = copy_fixture("cruddur-week1");
    let bin = env!("CARGO_BIN_EXE_cruddur-obs");
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm {bin} init --dir {}; echo EXIT=$?; sleep 60",
        tmp.path().display()
    );
    let tmux = Tmux::start(&command);

    // Honeycomb is preselected; also pick Rollbar (second item).
    tmux.wait_for("What should init set up?");
    tmux.keys(&["Down"]);
    tmux.keys(&["Space"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Honeycomb API key");
    tmux.keys(&["-l", KEY]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Honeycomb region");
    tmux.keys(&["Down"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Rollbar access token");
    tmux.keys(&["-l", ROLLBAR_TOKEN]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Apply these changes?");
    assert!(
        !screen.contains(ROLLBAR_TOKEN),
        "the token is visible:\n{screen}"
    );
    assert!(screen.contains("+    rollbar.init("), "{screen}");
    assert!(!screen.contains(KEY), "the key is visible:\n{screen}");
    assert!(
        screen.contains("+      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.eu1.honeycomb.io\""),
        "{screen}"
    );
    assert!(
        screen.contains("+FlaskInstrumentor().instrument_app(app)"),
        "{screen}"
    );
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(!screen.contains(KEY), "the key is visible:\n{screen}");

    let dotenv = std::fs::read_to_string(tmp.path().join(".env")).unwrap();
    assert_eq!(
        dotenv,
        format!("HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}\n")
    );
    let compose = std::fs::read_to_string(tmp.path().join("docker-compose.yml")).unwrap();
    assert!(compose.contains("OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.eu1.honeycomb.io\""));
}

#[test]
fn declining_the_confirmation_writes_nothing() {
    let tmp = copy_fixture("cruddur-week1");
    let before = snapshot(tmp.path());
    let bin = env!("CARGO_BIN_EXE_cruddur-obs");
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm HONEYCOMB_API_KEY={KEY} {bin} init --provider honeycomb --region us --dir {}; echo EXIT=$?; sleep 60",
        tmp.path().display()
    );
    let tmux = Tmux::start(&command);
    tmux.wait_for("Apply these changes?");
    tmux.keys(&["n"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(
        screen.contains("Nothing was written") && screen.contains("EXIT=0"),
        "{screen}"
    );
    assert_eq!(before, snapshot(tmp.path()));
}
