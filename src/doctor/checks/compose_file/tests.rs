use super::*;
use crate::doctor::testkit::{ok_files, project, TestProject, COMPOSE_OK, DOCKERFILE_OK};
use crate::doctor::{Finding, Severity, Unsure};
use crate::project::{discover, DiscoverOptions};

const COMPOSE: &str = "docker-compose.yml";
const DOCKERFILE: &str = "backend-flask/Dockerfile";

/// The correct project with the backend service's `ports:` line preceded by
/// `before` (extra keys of the backend) and `extra` appended after it
/// (more services, top-level sections), plus files of its own.
fn with(backend_keys: &str, extra: &str, files: &[(&str, &str)]) -> TestProject {
    let compose = COMPOSE_OK.replace("    ports:", &format!("{backend_keys}    ports:")) + extra;
    let mut all: Vec<(String, String)> = ok_files()
        .into_iter()
        .map(|(p, t)| (p.to_string(), t))
        .filter(|(p, _)| !files.iter().any(|(q, _)| q == p))
        .collect();
    all.retain(|(p, _)| p != COMPOSE);
    all.push((COMPOSE.into(), compose));
    all.extend(files.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    project(&refs)
}

fn ids(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.id).collect()
}

fn line_of(tp: &TestProject, file: &str, needle: &str) -> Option<usize> {
    let text = std::fs::read_to_string(tp.dir.path().join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

fn reread(mut tp: TestProject) -> TestProject {
    tp.project = discover(&DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    tp
}

fn fix(tp: TestProject, findings: &[Finding]) -> TestProject {
    let plan = crate::doctor::fix::plan(&tp.project, findings).unwrap();
    assert!(!plan.is_empty(), "nothing planned for {findings:?}");
    plan.write_files().unwrap();
    reread(tp)
}

// ---------------------------------------------------------------- networks

#[test]
fn an_undefined_network_is_named_once_for_every_service_that_joins_it() {
    let extra = "  frontend:\n    image: node:16.18\n    networks: [internal]\nnetworks:\n  cruddur-net: {}\n";
    let tp = with("    networks:\n      - internal\n", extra, &[]);
    let found = tp.run(networks);
    assert_eq!(ids(&found), vec!["compose-network-undefined"], "{found:#?}");
    let f = &found[0];
    assert!(
        f.title
            .contains("`backend-flask` and `frontend` join network `internal`"),
        "{}",
        f.title
    );
    assert_eq!(f.line, line_of(&tp, COMPOSE, "- internal"));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("defines `cruddur-net`"));
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn defined_default_and_host_mode_networks_are_fine() {
    let extra = "  proxy:\n    image: nginx\n    network_mode: host\n  db:\n    image: postgres\n    networks:\n      default:\n      internal:\n        aliases: [database]\nnetworks:\n  internal:\n    name: cruddur\n";
    let tp = with(
        "    networks:\n      - internal\n      - default\n",
        extra,
        &[],
    );
    assert_eq!(ids(&tp.run(networks)), Vec::<&str>::new());
}

#[test]
fn a_network_name_from_an_unset_variable_says_which_variable() {
    let extra = "networks:\n  cruddur-network:\n    driver: bridge\n";
    let keys = "    networks:\n      - ${APP_NAME}-network\n";
    let tp = with(keys, extra, &[]);
    let found = tp.run(networks);
    assert_eq!(ids(&found), vec!["compose-network-undefined"]);
    assert!(found[0].title.contains("`-network`"), "{}", found[0].title);
    assert!(found[0]
        .title
        .contains("`APP_NAME` is not set in this shell"));
    // Set in .env (or the shell), the same file is right.
    let tp = with(keys, extra, &[(".env", "APP_NAME=cruddur\n")]);
    assert_eq!(ids(&tp.run(networks)), Vec::<&str>::new());
    let tp = with(keys, extra, &[]).with_shell(&[("APP_NAME", "cruddur")]);
    assert_eq!(ids(&tp.run(networks)), Vec::<&str>::new());
}

#[test]
fn a_network_defined_only_in_the_override_file_counts() {
    let tp = with(
        "    networks: [internal]\n",
        "",
        &[("docker-compose.override.yml", "networks:\n  internal: {}\n")],
    );
    assert_eq!(ids(&tp.run(networks)), Vec::<&str>::new());
}

// -------------------------------------------------------------- env bools

#[test]
fn unquoted_yaml_1_1_booleans_are_found_and_quoted_as_compose_v2_reads_them() {
    let keys = "";
    let tp = with(keys, "", &[]);
    let compose = std::fs::read_to_string(tp.dir.path().join(COMPOSE))
        .unwrap()
        .replace(
            "      FRONTEND_URL:",
            "      AWS_XRAY_SDK_ENABLED: False # off for now\n      FLASK_DEBUG: yes\n      QUOTED: \"false\"\n      PORT: 4567\n      PASSTHROUGH:\n      FRONTEND_URL:",
        );
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    let tp = reread(tp);
    let found = tp.run(env_bools);
    assert_eq!(ids(&found), vec!["compose-env-bool"], "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.title.contains("2 unquoted booleans"), "{}", f.title);
    assert!(f.title.contains("`AWS_XRAY_SDK_ENABLED` and `FLASK_DEBUG`"));
    assert_eq!(f.line, line_of(&tp, COMPOSE, "AWS_XRAY_SDK_ENABLED"));
    assert_eq!(f.edits.len(), 2);
    let tp = fix(tp, &found);
    let after = std::fs::read_to_string(tp.dir.path().join(COMPOSE)).unwrap();
    // v2 reads `False` as the boolean false and passes "false"; `yes` is text.
    assert!(
        after.contains("      AWS_XRAY_SDK_ENABLED: \"false\" # off for now\n"),
        "{after}"
    );
    assert!(after.contains("      FLASK_DEBUG: \"yes\"\n"));
    assert!(after.contains("      PORT: 4567\n      PASSTHROUGH:\n"));
    // Idempotent: nothing left to find, nothing to plan.
    assert!(tp.run(env_bools).is_empty());
    let plan = crate::doctor::fix::plan(&tp.project, &found).unwrap();
    assert!(plan.is_empty());
}

#[test]
fn list_form_and_quoted_values_are_text_already() {
    let tp = with(
        "",
        "  db:\n    image: postgres\n    environment:\n      - FLAG=true\n      - OTHER=no\n",
        &[],
    );
    let compose = std::fs::read_to_string(tp.dir.path().join(COMPOSE))
        .unwrap()
        .replace(
            "      FRONTEND_URL:",
            "      A: 'true'\n      B: \"off\"\n      C: truely\n      FRONTEND_URL:",
        );
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    assert!(reread(tp).run(env_bools).is_empty());
}

#[test]
fn a_boolean_in_the_override_file_is_fixed_there() {
    let over =
        "services:\n  backend-flask:\n    environment: {OTEL_SDK_DISABLED: false, X: \"1\"}\n";
    let tp = with("", "", &[("docker-compose.override.yml", over)]);
    let found = tp.run(env_bools);
    assert_eq!(ids(&found), vec!["compose-env-bool"]);
    assert_eq!(
        found[0].file.as_deref(),
        Some("docker-compose.override.yml")
    );
    let base = std::fs::read_to_string(tp.dir.path().join(COMPOSE)).unwrap();
    let tp = fix(tp, &found);
    let after = std::fs::read_to_string(tp.dir.path().join("docker-compose.override.yml")).unwrap();
    assert_eq!(
        after,
        "services:\n  backend-flask:\n    environment: {OTEL_SDK_DISABLED: \"false\", X: \"1\"}\n"
    );
    assert_eq!(
        std::fs::read_to_string(tp.dir.path().join(COMPOSE)).unwrap(),
        base
    );
}

// ------------------------------------------------------------ bind mounts

#[test]
fn a_missing_bind_mounted_file_is_reported_a_missing_directory_is_not() {
    let extra = "  proxy:\n    image: nginx\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./docker/dynamodb:/home/dynamodblocal/data\n      - cache:/var/cache/nginx\n      - type: bind\n        source: ./present.yaml\n        target: /etc/present.yaml\nvolumes:\n  cache: {}\n";
    let tp = with("", extra, &[("present.yaml", "a: 1\n")]);
    let found = tp.run(bind_mounts);
    assert_eq!(ids(&found), vec!["bind-mount-missing"], "{found:#?}");
    let f = &found[0];
    assert!(
        f.title
            .contains("`./nginx/default.conf`, bind-mounted into `proxy`"),
        "{}",
        f.title
    );
    assert_eq!(f.line, line_of(&tp, COMPOSE, "default.conf"));
    assert!(f.fix().contains("`./nginx/default.conf`"), "{}", f.fix());
    std::fs::create_dir_all(tp.dir.path().join("nginx")).unwrap();
    std::fs::write(tp.dir.path().join("nginx/default.conf"), "server {}\n").unwrap();
    assert!(tp.run(bind_mounts).is_empty());
}

#[test]
fn the_empty_directory_docker_left_counts_as_missing() {
    let extra = "  proxy:\n    image: nginx\n    volumes:\n      - ${PWD}/site.conf:/etc/nginx/conf.d/site.conf\n";
    let tp = with("", extra, &[]);
    std::fs::create_dir(tp.dir.path().join("site.conf")).unwrap();
    let found = tp.run(bind_mounts);
    assert_eq!(ids(&found), vec!["bind-mount-missing"]);
    assert!(
        found[0].title.contains("is an empty directory"),
        "{}",
        found[0].title
    );
}

// ----------------------------------------------------------- healthchecks

const CURL: &str = "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:4567/api/health-check\"]\n      interval: 30s\n";

#[test]
fn curl_in_the_slim_backend_image_is_missing() {
    let tp = with(CURL, "", &[]);
    let found = tp.run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-tool-missing"], "{found:#?}");
    let f = &found[0];
    assert_eq!(f.line, line_of(&tp, COMPOSE, "test:"));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("python:3.10-slim-buster ships neither curl nor wget"));
}

#[test]
fn curl_installed_by_the_dockerfile_or_a_start_script_is_there() {
    let df = DOCKERFILE_OK.replace(
        "WORKDIR",
        "RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nWORKDIR",
    );
    assert!(with(CURL, "", &[(DOCKERFILE, &df)])
        .run(healthchecks)
        .is_empty());
    let df = DOCKERFILE_OK.replace(
        "CMD [ \"python3\", \"-m\" , \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]",
        "CMD [\"./start.sh\"]",
    );
    let script = "#!/bin/sh\napt-get update && apt-get install -y curl\nexec python3 -m flask run --host=0.0.0.0\n";
    let tp = with(
        CURL,
        "",
        &[(DOCKERFILE, &df), ("backend-flask/start.sh", script)],
    );
    assert!(tp.run(healthchecks).is_empty());
}

#[test]
fn what_each_base_image_ships() {
    // busybox wget on alpine: fine; curl on alpine: missing.
    let alpine = DOCKERFILE_OK.replace("python:3.10-slim-buster", "python:3.9-alpine");
    let wget = "    healthcheck:\n      test: wget -q --spider http://localhost:4567/ || exit 1\n";
    assert!(with(wget, "", &[(DOCKERFILE, &alpine)])
        .run(healthchecks)
        .is_empty());
    let found = with(CURL, "", &[(DOCKERFILE, &alpine)]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-tool-missing"]);
    // The full Debian-based node image has curl; its slim variant has none.
    let node = |image: &str| {
        format!("  frontend:\n    image: {image}\n    healthcheck:\n      test: curl --fail http://localhost:3000 || exit 1\n")
    };
    assert!(with("", &node("node:16.18"), &[])
        .run(healthchecks)
        .is_empty());
    let found = with("", &node("node:18-slim"), &[]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-tool-missing"]);
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("uses the image as it is"));
}

#[test]
fn a_python_urllib_healthcheck_needs_no_client() {
    let hc = "    healthcheck:\n      test: [\"CMD\", \"python3\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://localhost:4567/api/health-check')\"]\n";
    assert!(with(hc, "", &[]).run(healthchecks).is_empty());
}

#[test]
fn an_unknown_image_is_could_not_check_never_a_pass() {
    let extra = "  search:\n    image: example/search:1\n    healthcheck:\n      test: curl -f http://localhost:9200\n";
    match with("", extra, &[]).checked(healthchecks) {
        Err(Unsure::CouldNotCheck(why)) => assert!(why.contains("example/search:1"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_public_workspace_url_is_named_and_not_also_as_host_variables() {
    let hc = "    healthcheck:\n      test: curl --fail \"https://4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}/api/activities/home\" || exit 1\n";
    let df = DOCKERFILE_OK.replace("python:3.10-slim-buster", "python:3.10");
    let found = with(hc, "", &[(DOCKERFILE, &df)]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-public-url"], "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    let hc = "    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f https://${CODESPACE_NAME}-4567.${GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN}/\"]\n";
    let found = with(hc, "", &[(DOCKERFILE, &df)]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-public-url"]);
    // A URL that only the host's value makes public.
    let hc = "    healthcheck:\n      test: curl -f ${BACKEND_URL}/api/health-check\n";
    let tp = with(
        hc,
        "",
        &[
            (DOCKERFILE, &df),
            (".env", "BACKEND_URL=https://4567-abc.ws-eu.gitpod.io\n"),
        ],
    );
    assert_eq!(ids(&tp.run(healthchecks)), vec!["healthcheck-public-url"]);
}

#[test]
fn host_variables_in_a_healthcheck_and_the_escape_that_avoids_them() {
    let df = DOCKERFILE_OK.replace("python:3.10-slim-buster", "python:3.10");
    let hc = "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"${BACKEND_URL}/api/health-check\"]\n";
    let found = with(hc, "", &[(DOCKERFILE, &df)]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-host-var"]);
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("BACKEND_URL is unset on this host"));
    let hc =
        "    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f http://localhost:$$PORT/\"]\n";
    assert!(with(hc, "", &[(DOCKERFILE, &df)])
        .run(healthchecks)
        .is_empty());
}

#[test]
fn a_key_written_into_a_healthcheck_is_masked_in_the_evidence() {
    let key = crate::doctor::testkit::KEY;
    let hc = format!("    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"-H\", \"x-honeycomb-team: {key}\", \"https://api.honeycomb.io/1/auth\"]\n");
    let found = with(&hc, "", &[]).run(healthchecks);
    assert_eq!(ids(&found), vec!["healthcheck-tool-missing"]);
    let evidence = found[0].evidence.clone().unwrap();
    assert!(
        !evidence.contains(key) && evidence.contains("x-honeycomb-team"),
        "{evidence}"
    );
}
