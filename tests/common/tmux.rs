//! tmux drives the binary on a real terminal: the tests answer prompts with
//! send-keys and read the screen and the terminal's state.

use std::process::Command;
use std::time::{Duration, Instant};

/// tmux on a private socket, so tests never touch a user's sessions.
fn tmux() -> Command {
    let mut cmd = Command::new("tmux");
    cmd.args(["-L", "cruddur-obs-tests"]);
    cmd
}

pub struct Tmux {
    session: String,
}

impl Tmux {
    /// Runs `command` through the shell in a new 160x60 session.
    pub fn start(command: &str) -> Tmux {
        Tmux::start_argv(&[command])
    }

    /// Runs the program and arguments directly (several words: no shell).
    pub fn start_argv(argv: &[&str]) -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("t{}-{n}", std::process::id());
        let ok = tmux()
            .args(["new-session", "-d", "-s", &session, "-x", "160", "-y", "60"])
            .args(argv)
            .status()
            .expect("tmux must be installed (bash .ci/run installs it)")
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { session }
    }

    pub fn screen(&self) -> String {
        let out = tmux()
            .args(["capture-pane", "-p", "-S", "-200", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[track_caller]
    pub fn wait_for(&self, text: &str) -> String {
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

    pub fn keys(&self, keys: &[&str]) {
        let mut cmd = tmux();
        cmd.args(["send-keys", "-t", &self.session]).args(keys);
        assert!(cmd.status().unwrap().success());
    }
}

impl Tmux {
    /// Whether the terminal shows its cursor now (tmux's `cursor_flag`).
    pub fn cursor_visible(&self) -> bool {
        let out = tmux()
            .args([
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{cursor_flag}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux().args(["kill-session", "-t", &self.session]).status();
    }
}
