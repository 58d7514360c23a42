//! doctor's compose-file checks through the binary, on
//! fixtures/variants/cf-defects (one of each defect, plus traps: a quoted
//! "false", a number, a missing directory mount, `network_mode: host`, a
//! full node image running curl), with compose v1 itself as the judge of
//! what it rejects: docker-compose 1.29 validates the environment types
//! (`docker-compose config`) and its library checks networks the way `up`
//! does.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn doctor_json(dir: &Path, extra: &[&str]) -> Value {
    let mut run = cruddur(&["doctor", "--offline", "--json"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY);
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout(), out.stderr()))
}

/// (id, file, line) of the findings of the compose-file section.
fn compose_file_findings(v: &Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "compose-file")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn line_of(dir: &Path, file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[test]
fn each_compose_file_defect_is_named_at_its_line_and_the_traps_are_not() {
    let tmp = copy_fixture("variants/cf-defects");
    let dir = tmp.path();
    let v = doctor_json(dir, &[]);
    let c = "docker-compose.yml";
    let mut got = compose_file_findings(&v);
    got.sort();
    let mut want = vec![
        (
            "bind-mount-missing",
            line_of(dir, c, "./nginx/default.conf"),
        ),
        ("compose-env-bool", line_of(dir, c, "FLASK_DEBUG")),
        (
            "compose-network-undefined",
            line_of(dir, c, "- internal-network"),
        ),
        (
            "healthcheck-public-url",
            line_of(dir, c, "test: curl --fail https://3000"),
        ),
        (
            "healthcheck-tool-missing",
            line_of(dir, c, "\"CMD\", \"curl\""),
        ),
    ]
    .into_iter()
    .map(|(id, l)| (id.to_string(), c.to_string(), l))
    .collect::<Vec<_>>();
    want.sort();
    assert_eq!(got, want);
    // Nothing else is wrong with the project.
    let others: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] != "compose-file" && f["severity"] != "info")
        .collect();
    assert!(others.is_empty(), "{others:#?}");
    assert_eq!(v["summary"]["could_not_check"], 0);
}

fn compose_v1_config(dir: &Path) -> std::process::Output {
    Command::new("docker-compose")
        .arg("config")
        .current_dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .output()
        .expect("docker-compose must be installed (scripts/test.sh installs Debian's package)")
}

#[test]
fn fix_quotes_the_boolean_so_compose_v1_accepts_the_file_and_v2_reads_the_same() {
    let tmp = copy_fixture("variants/cf-defects");
    let dir = tmp.path();
    let compose = dir.join("docker-compose.yml");
    let before = std::fs::read_to_string(&compose).unwrap();
    let out = compose_v1_config(dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FLASK_DEBUG contains true, which is an invalid type"),
        "{err}"
    );

    cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run();
    let after = std::fs::read_to_string(&compose).unwrap();
    // One value quoted; every other byte (comments, the quoted trap, the
    // number) as it was.
    assert_eq!(
        after,
        before.replace("FLASK_DEBUG: true\n", "FLASK_DEBUG: \"true\"\n")
    );
    let out = compose_v1_config(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("FLASK_DEBUG: \"true\""));
    assert!(!compose_file_findings(&doctor_json(dir, &[]))
        .iter()
        .any(|(id, _, _)| id == "compose-env-bool"));
    // A second --fix has nothing to do and writes nothing.
    let again = cruddur(&["doctor", "--offline", "--fix", "--yes"])
        .dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .run();
    assert!(
        again.stdout().contains("Nothing doctor --fix can repair"),
        "{}",
        again.all()
    );
    assert_eq!(std::fs::read_to_string(&compose).unwrap(), after);
}

/// compose v1's own verdict on the project's networks (what `up` checks
/// before it starts anything), through its library: `None` when it accepts.
fn compose_v1_networks(dir: &Path) -> Option<String> {
    let dc = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v docker-compose"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let shebang = std::fs::read_to_string(dc.trim()).unwrap();
    let python = shebang
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("#!")
        .trim()
        .to_string();
    let script = "from compose.config import config\nfrom compose.config.environment import Environment\nfrom compose.project import Project\nfrom compose.config.errors import ConfigurationError\nenv = Environment.from_env_file('.')\ncfg = config.load(config.find('.', None, env))\ntry:\n    Project.from_config('x', cfg, None)\nexcept ConfigurationError as e:\n    print(e)\nexcept Exception:\n    pass  # past the configuration checks: it wanted an engine\n";
    let out = Command::new(python)
        .args(["-c", script])
        .current_dir(dir)
        .env("HONEYCOMB_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!said.is_empty()).then_some(said)
}

#[test]
fn the_network_finding_agrees_with_compose() {
    let tmp = copy_fixture("variants/cf-defects");
    let dir = tmp.path();
    // Quote the boolean first: compose v1 would stop at it before networks.
    let compose = dir.join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    std::fs::write(
        &compose,
        text.replace("FLASK_DEBUG: true", "FLASK_DEBUG: \"1\""),
    )
    .unwrap();
    let said = compose_v1_networks(dir).expect("compose v1 accepts an undefined network");
    assert!(
        said.contains("undefined network \"internal-network\""),
        "{said}"
    );
    assert!(compose_file_findings(&doctor_json(dir, &[]))
        .iter()
        .any(|(id, _, _)| id == "compose-network-undefined"));

    // Define it: both accept the file.
    let text = std::fs::read_to_string(&compose).unwrap();
    std::fs::write(
        &compose,
        text.replace("  cruddur-net:\n", "  internal-network:\n"),
    )
    .unwrap();
    assert_eq!(compose_v1_networks(dir), None);
    assert!(!compose_file_findings(&doctor_json(dir, &[]))
        .iter()
        .any(|(id, _, _)| id == "compose-network-undefined"));
}
