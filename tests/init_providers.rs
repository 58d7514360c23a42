//! `init --provider …`: Rollbar, X-Ray and CloudWatch beside Honeycomb, on
//! every fixture, idempotent, and with code that compiles.

mod common;
use common::*;
use std::path::Path;

const ALL: &str = "honeycomb,rollbar,xray,cloudwatch";

fn init_all(dir: &Path) -> Result {
    cruddur(&["init", "--yes", "--provider", ALL])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .env("ROLLBAR_ACCESS_TOKEN", ROLLBAR_TOKEN)
        .run()
}

fn compose_value(dir: &Path) -> yaml_serde::Value {
    let name = ["compose.yaml", "docker-compose.yml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
        .unwrap();
    let mut v: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(name).unwrap()).unwrap();
    v.apply_merge().unwrap();
    v
}

#[test]
fn every_provider_on_every_fixture_is_idempotent_and_compiles() {
    for fixture in [
        "cruddur-week1",
        "variants/list-env",
        "variants/comments",
        "variants/flow",
        "variants/crlf",
        "variants/no-trailing-newline",
        "variants/pyproject",
        "variants/renamed-service",
        "variants/compose-yaml",
        "variants/anchors",
        "variants/poetry",
        "variants/pinned",
    ] {
        let tmp = copy_fixture(fixture);
        let dir = tmp.path();
        let out = init_all(dir).expect_code(0);
        assert!(
            !out.all().contains(KEY) && !out.all().contains(ROLLBAR_TOKEN),
            "{fixture}: secret leaked"
        );
        let ctx = if fixture.ends_with("renamed-service") {
            "server"
        } else {
            "backend-flask"
        };
        let app = dir.join(ctx).join("app.py");
        let text = std::fs::read_to_string(&app).unwrap();
        assert!(py_compiles(&app), "{fixture}:\n{text}");
        for needle in [
            "XRayMiddleware(app, xray_recorder)",
            "with app.app_context():",
            "got_request_exception.connect(",
            "watchtower.CloudWatchLogHandler(log_group_name='cruddur')",
        ] {
            assert_eq!(text.matches(needle).count(), 1, "{fixture}: {needle}");
        }
        let v = compose_value(dir);
        let daemon = &v["services"]["xray-daemon"];
        assert_eq!(daemon["image"], "amazon/aws-xray-daemon", "{fixture}");
        assert_eq!(
            daemon["command"],
            yaml_serde::Value::Sequence(
                ["-o", "-b", "xray-daemon:2000"]
                    .iter()
                    .map(|s| yaml_serde::Value::String(s.to_string()))
                    .collect()
            ),
            "{fixture}: argv items"
        );
        assert!(daemon["environment"]["AWS_REGION"].is_string(), "{fixture}");
        let dotenv = std::fs::read_to_string(dir.join(".env")).unwrap();
        assert!(dotenv.contains(&format!("ROLLBAR_ACCESS_TOKEN={ROLLBAR_TOKEN}")));

        let snap = snapshot(dir);
        let again = init_all(dir).expect_code(0);
        assert!(
            again.stdout().contains("Nothing to change"),
            "{fixture}: {}",
            again.all()
        );
        assert_eq!(snap, snapshot(dir), "{fixture}: second run changed files");
    }
}

#[test]
fn an_old_before_first_request_rollbar_hook_is_replaced() {
    let tmp = copy_fixture("cruddur-week1");
    let app = tmp.path().join("backend-flask/app.py");
    let text = std::fs::read_to_string(&app).unwrap();
    let old_hook = "\nimport rollbar\nimport rollbar.contrib.flask\nfrom flask import got_request_exception\nrollbar_access_token = os.getenv('ROLLBAR_ACCESS_TOKEN')\n@app.before_first_request\ndef init_rollbar():\n    \"\"\"init rollbar module\"\"\"\n    rollbar.init(\n        rollbar_access_token,\n        'production',\n        root=os.path.dirname(os.path.realpath(__file__)),\n        allow_logging_basic_config=False)\n\n    got_request_exception.connect(rollbar.contrib.flask.report_exception, app)\n\n";
    let with_hook = text.replacen(
        "frontend = os.getenv",
        &format!("{old_hook}frontend = os.getenv"),
        1,
    );
    assert_ne!(with_hook, text);
    std::fs::write(&app, &with_hook).unwrap();
    cruddur(&["init", "--yes", "--provider", "rollbar"])
        .dir(tmp.path())
        .env("ROLLBAR_ACCESS_TOKEN", ROLLBAR_TOKEN)
        .run()
        .expect_code(0);
    let after = std::fs::read_to_string(&app).unwrap();
    assert!(!after.contains("before_first_request"), "{after}");
    assert_eq!(after.matches("rollbar.init(").count(), 1, "{after}");
    assert!(after.contains("with app.app_context():"));
    assert!(py_compiles(&app));
}

#[test]
fn a_missing_rollbar_token_without_a_terminal_names_the_variable() {
    let tmp = copy_fixture("cruddur-week1");
    let before = snapshot(tmp.path());
    let out = cruddur(&["init", "--yes", "--provider", "honeycomb,rollbar"])
        .dir(tmp.path())
        .env("HONEYCOMB_API_KEY", KEY)
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("ROLLBAR_ACCESS_TOKEN"),
        "{}",
        out.stderr()
    );
    assert_eq!(before, snapshot(tmp.path()));
}

#[test]
fn doctor_finds_no_errors_after_init_with_every_provider() {
    let tmp = copy_fixture("cruddur-week1");
    let dir = tmp.path();
    let done = init_all(dir).expect_code(0);
    // init stores no AWS credentials, and says so among the next steps.
    assert!(
        done.stdout()
            .contains("export AWS_DEFAULT_REGION=… AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…"),
        "{}",
        done.stdout()
    );
    // In a bare shell the missing credentials are one finding about this
    // shell, not one error per container that reads them.
    let bare = cruddur(&["doctor", "--offline", "--no-stack", "--json"])
        .dir(dir)
        .run();
    let v: serde_json::Value = serde_json::from_str(&bare.stdout()).unwrap();
    let errors: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["scope"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![("compose-var-unset".to_string(), "shell".to_string())],
        "{v}"
    );
    // The AWS values init leaves to the user, as they would export them.
    let out = cruddur(&["doctor", "--offline", "--json"])
        .dir(dir)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let errors: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(out.code(), 0, "{}", out.all());
    assert!(!out.all().contains(AWS_SECRET) && !out.all().contains(KEY));
}
