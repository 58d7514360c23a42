//! Finding the project as compose and git do: from the current directory
//! upwards, and one wording with exit 2 from every command when there is none.

mod common;
use common::*;

#[test]
fn every_command_finds_the_project_from_a_subdirectory() {
    let tmp = copy_fixture("cruddur-week2");
    let sub = tmp.path().join("backend-flask/services");
    let doctor = cruddur(&["doctor", "--offline", "--no-stack", "--json"])
        .cwd(&sub)
        .run();
    let v: serde_json::Value = serde_json::from_str(&doctor.stdout()).unwrap();
    // The project was read: its compose findings name the root's file.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != "compose-missing"),
        "{v}"
    );
    let init = cruddur(&["init", "--dry-run", "--no-input"])
        .env("HONEYCOMB_API_KEY", KEY)
        .cwd(&sub)
        .run()
        .expect_code(0);
    // Week 2 is set up: all init plans is the key in the root's .env.
    assert!(init.stdout().contains("+++ b/.env"), "{}", init.all());
    assert!(!sub.join(".env").exists() && !tmp.path().join(".env").exists());
    let send = cruddur(&["send-test-span", "--only", "xray", "-v"])
        .cwd(&sub)
        .run();
    assert!(!send.all().contains("no compose file"), "{}", send.all());
}

#[test]
fn no_project_is_exit_2_with_one_wording_from_every_command() {
    let empty = tempfile::tempdir().unwrap();
    let hint = "run the command inside the project (where docker-compose.yml is, or below it), or pass --dir DIR / -f FILE";
    for args in [
        vec!["init", "--dry-run", "--no-input"],
        vec!["send-test-span"],
    ] {
        let out = cruddur(&args).cwd(empty.path()).run().expect_code(2);
        assert!(
            out.stderr().contains("no compose file in"),
            "{args:?}: {}",
            out.stderr()
        );
        assert!(out.stderr().contains(hint), "{args:?}: {}", out.stderr());
        assert!(!out.stderr().contains("run `cruddur-obs init`"), "{args:?}");
    }
    let out = cruddur(&["doctor", "--offline"])
        .cwd(empty.path())
        .run()
        .expect_code(2);
    assert!(out.stdout().contains("compose-missing"), "{}", out.stdout());
    // The JSON form says the same, on stdout.
    let out = cruddur(&["send-test-span", "--json"])
        .cwd(empty.path())
        .run()
        .expect_code(2);
    assert!(out.stdout().contains(hint), "{}", out.stdout());
}

#[test]
fn a_relative_dir_with_a_relative_file_is_joined_once() {
    let tmp = copy_fixture("cruddur-week2");
    let parent = tmp.path().parent().unwrap();
    let rel = tmp.path().file_name().unwrap().to_str().unwrap();
    std::fs::copy(
        tmp.path().join("docker-compose.yml"),
        tmp.path().join("docker-compose-local.yml"),
    )
    .unwrap();
    let out = cruddur(&[
        "doctor",
        "--offline",
        "--no-stack",
        "--dir",
        rel,
        "-f",
        "docker-compose-local.yml",
    ])
    .cwd(parent)
    .run();
    assert!(
        out.stdout().contains("in docker-compose-local.yml"),
        "{}",
        out.all()
    );
}
