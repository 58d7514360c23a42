//! Ctrl-C at a prompt on a real terminal (tmux): the process exits 130 and
//! leaves the terminal usable, cursor shown and echo on, and writes nothing.

mod common;
use common::tmux::Tmux;
use common::*;
use std::path::Path;

/// Runs `init` with `args` under bash, then reports the exit status and
/// whether the terminal echoes. (At the hidden prompt the terminal sends
/// SIGINT to bash too; bash goes on only because the program exited by
/// itself: had the signal killed it, bash would stop as well.)
fn start(dir: &Path, env: &str, args: &str) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_cruddur-obs");
    let script = dir.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm {env} {bin} init --dir {} {args}\n\
             echo EXIT=$?\n\
             echo ECHO=$(stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo)\n\
             sleep 60\n",
            dir.join("project").display()
        ),
    )
    .unwrap();
    Tmux::start_argv(&["bash", script.to_str().unwrap()])
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &fixtures().join("cruddur-week1"),
        &tmp.path().join("project"),
    );
    tmp
}

#[track_caller]
fn assert_restored(tmux: &Tmux) {
    let screen = tmux.wait_for("ECHO=");
    assert!(screen.contains("EXIT=130"), "{screen}");
    assert!(screen.contains("ECHO=echo"), "echo left off:\n{screen}");
    assert!(tmux.cursor_visible(), "cursor left hidden:\n{screen}");
}

#[test]
fn ctrl_c_at_the_provider_list_restores_the_terminal() {
    let tmp = project();
    let before = snapshot(&tmp.path().join("project"));
    let tmux = start(tmp.path(), "", "");
    tmux.wait_for("What should init set up?");
    // The list hides the cursor: the test proves it comes back.
    assert!(
        !tmux.cursor_visible(),
        "the multi-select should hide the cursor"
    );
    tmux.keys(&["C-c"]);
    assert_restored(&tmux);
    assert_eq!(
        before,
        snapshot(&tmp.path().join("project")),
        "Ctrl-C must write nothing"
    );
}

#[test]
fn ctrl_c_at_the_confirmation_restores_the_terminal() {
    let tmp = project();
    let compose = tmp.path().join("project/docker-compose.yml");
    let before = std::fs::read(&compose).unwrap();
    let tmux = start(
        tmp.path(),
        &format!("HONEYCOMB_API_KEY={KEY}"),
        "--provider honeycomb --region us",
    );
    tmux.wait_for("Apply these changes?");
    assert!(
        !tmux.cursor_visible(),
        "the confirm prompt should hide the cursor"
    );
    tmux.keys(&["C-c"]);
    assert_restored(&tmux);
    assert_eq!(before, std::fs::read(&compose).unwrap());
    assert!(!tmp.path().join("project/.env").exists());
}

#[test]
fn ctrl_c_at_the_hidden_key_prompt_turns_echo_back_on() {
    let tmp = project();
    let tmux = start(tmp.path(), "", "--provider honeycomb --region us");
    tmux.wait_for("Honeycomb API key");
    tmux.keys(&["C-c"]);
    assert_restored(&tmux);
    assert!(!tmp.path().join("project/.env").exists());
}
