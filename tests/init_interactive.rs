//! The interactive init flow on a real terminal: tmux runs the binary, the
//! test answers the prompts with send-keys and reads the screen.

mod common;
use common::tmux::Tmux;
use common::*;

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
