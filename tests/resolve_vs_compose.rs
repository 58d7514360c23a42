//! The resolver against an independent implementation: Debian's
//! docker-compose 1.29 (`docker-compose config` needs no engine). Only forms
//! 1.29 supports are compared (it lacks `${VAR:+alt}` and nested defaults).

use cruddur_obs::project::{discover, DiscoverOptions};
use cruddur_obs::resolve::container_env;
use std::collections::BTreeMap;
use std::process::Command;

const VALUES: &[(&str, &str)] = &[
    ("PLAIN", "plain"),
    ("BRACED", "${SET}"),
    ("BARE", "$SET/suffix"),
    ("DEFAULT_UNSET", "${UNSET:-fallback}"),
    ("DEFAULT_EMPTY_COLON", "${EMPTY:-fallback}"),
    ("DEFAULT_EMPTY_DASH", "${EMPTY-fallback}"),
    ("DEFAULT_SET", "${SET:-fallback}"),
    ("DASH_UNSET", "${UNSET-fallback}"),
    ("REQUIRED_SET", "${SET:?must be set}"),
    ("REQUIRED_EMPTY_Q", "${EMPTY?must exist}"),
    ("DOLLAR", "$$literal"),
    ("FROM_DOTENV", "${DOTENV_ONLY}"),
    ("SHELL_BEATS_DOTENV", "${BOTH}"),
    ("UNSET_BLANK", "x-honeycomb-team=${NOT_ANYWHERE}"),
    ("HEADERS", "x-honeycomb-team=${HONEYCOMB_API_KEY}"),
    (
        "MIXED",
        "https://3000-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}",
    ),
    ("QUOTED_DOTENV", "${QUOTED}"),
];

const DOTENV: &str = "DOTENV_ONLY=from-dotenv\nBOTH=from-dotenv\nHONEYCOMB_API_KEY=hcaik_test\nQUOTED='single quoted # not a comment'\nGITPOD_WORKSPACE_CLUSTER_HOST=ws-eu.gitpod.io\n";
const SHELL: &[(&str, &str)] = &[
    ("SET", "value"),
    ("EMPTY", ""),
    ("BOTH", "from-shell"),
    ("GITPOD_WORKSPACE_ID", "cruddur-abc"),
];

#[test]
fn agrees_with_docker_compose_config() {
    let dc = which("docker-compose")
        .expect("docker-compose must be installed (bash .ci/run installs Debian's package)");
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("version: '3.8'\nservices:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n");
    for (k, v) in VALUES {
        compose.push_str(&format!("      {k}: \"{v}\"\n"));
    }
    std::fs::write(dir.path().join("docker-compose.yml"), &compose).unwrap();
    std::fs::create_dir(dir.path().join("backend-flask")).unwrap();
    std::fs::write(
        dir.path().join("backend-flask/app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), DOTENV).unwrap();

    let out = Command::new(dc)
        .arg("config")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .envs(SHELL.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker-compose config failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let config: yaml_serde::Value = yaml_serde::from_slice(&out.stdout).unwrap();
    let theirs: BTreeMap<String, String> = config["services"]["backend-flask"]["environment"]
        .as_mapping()
        .unwrap()
        .iter()
        // `config` re-escapes `$` as `$$` so that its output is valid compose again.
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                v.as_str().unwrap_or_default().replace("$$", "$"),
            )
        })
        .collect();

    let project = discover(&DiscoverOptions {
        dir: dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let shell = |k: &str| {
        SHELL
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    };
    let env = container_env(&project, &shell);
    let ours: BTreeMap<String, String> = env
        .settings
        .iter()
        .map(|s| (s.name.clone(), s.value.clone()))
        .collect();

    let agree = VALUES
        .iter()
        .filter(|(k, _)| ours.get(*k) == theirs.get(*k))
        .count();
    for (k, _) in VALUES {
        assert_eq!(ours.get(*k), theirs.get(*k), "{k}: ours vs docker-compose");
    }
    assert_eq!(agree, VALUES.len());
    // Both warn about the same unset variable.
    assert!(
        stderr.contains("The NOT_ANYWHERE variable is not set")
            || stderr.contains("The \"NOT_ANYWHERE\" variable is not set"),
        "{stderr}"
    );
    assert!(env
        .problems
        .iter()
        .any(|p| p.contains("\"NOT_ANYWHERE\" variable is not set")));
}

fn which(p: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(p))
        .find(|p| p.is_file())
}
