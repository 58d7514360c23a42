use super::*;
use crate::doctor::catalogue;

fn f(id: &'static str, title: &str) -> Finding {
    Finding::new(id, title)
}

fn ids(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.id).collect()
}

#[test]
fn every_id_in_the_table_is_in_the_catalogue() {
    for i in IMPLICATIONS {
        assert!(catalogue::find(i.root).is_some(), "{}", i.root);
        assert!(
            catalogue::find(i.consequence).is_some(),
            "{}",
            i.consequence
        );
        assert_ne!(i.root, i.consequence);
    }
    for id in NOT_SET_UP {
        assert!(catalogue::find(id).is_some(), "{id}");
    }
}

#[test]
fn the_crash_at_import_accounts_for_rollbar_never_initialised() {
    let out = judge(vec![
        f(
            "rollbar-not-initialized",
            "rollbar.init sits in before_first_request",
        ),
        f(
            "flask-before-first-request",
            "before_first_request was removed in Flask 2.3",
        ),
        f(
            "otel-endpoint-signal-path",
            "the endpoint ends in /v1/traces",
        ),
    ]);
    assert_eq!(
        ids(&out),
        vec!["flask-before-first-request", "otel-endpoint-signal-path"]
    );
    assert!(
        out[0].title.ends_with("; so Rollbar is never initialised"),
        "{}",
        out[0].title
    );
}

#[test]
fn shell_findings_become_one_per_cause_listing_every_variable() {
    let out = judge(vec![
        f("compose-var-unset", "x")
            .in_shell()
            .about(["HONEYCOMB_API_KEY"])
            .evidence("OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}"),
        f("otel-endpoint-signal-path", "a project finding"),
        f("compose-var-unset", "y")
            .in_shell()
            .about(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
            .evidence("AWS_ACCESS_KEY_ID: ${AWS_ACCESS_KEY_ID}"),
        f("gitpod-env-not-loaded", "z")
            .in_shell()
            .about(["ROLLBAR_ACCESS_TOKEN"]),
        // Not a shell finding: a variable defined only in an env_file is the project's doing.
        f("env-file-not-interpolated", "w").about(["HONEYCOMB_API_KEY"]),
    ]);
    assert_eq!(
        ids(&out),
        vec![
            "compose-var-unset",
            "otel-endpoint-signal-path",
            "gitpod-env-not-loaded",
            "env-file-not-interpolated"
        ]
    );
    let shell = &out[0];
    assert_eq!(shell.scope, Scope::Shell);
    assert_eq!(
        shell.about,
        vec![
            "HONEYCOMB_API_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY"
        ]
    );
    assert!(
        shell
            .title
            .starts_with("this shell lacks 3 variables the project needs")
            && shell
                .title
                .contains("HONEYCOMB_API_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"),
        "{}",
        shell.title
    );
    let ev = shell.evidence.as_deref().unwrap();
    assert!(
        ev.contains("HONEYCOMB_API_KEY}") && ev.contains("AWS_ACCESS_KEY_ID}"),
        "{ev}"
    );
    assert!(out[2]
        .title
        .contains("1 variable stored with gp env is not loaded: ROLLBAR_ACCESS_TOKEN"));
}

#[test]
fn missing_credentials_are_folded_only_when_the_shell_lacks_all_of_them() {
    let unset = || {
        f("compose-var-unset", "x")
            .in_shell()
            .about(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    };
    let covered = judge(vec![
        unset(),
        f("aws-credentials-missing", "the daemon has no credentials")
            .about(["AWS_SECRET_ACCESS_KEY"]),
    ]);
    assert_eq!(ids(&covered), vec!["compose-var-unset"]);
    assert!(covered[0]
        .title
        .ends_with("; so the AWS credentials reach no container"));
    // The region is missing from the compose file itself: a project finding of its own.
    let not_covered = judge(vec![
        unset(),
        f("aws-credentials-missing", "the daemon has no region").about(["AWS_REGION"]),
    ]);
    assert_eq!(
        ids(&not_covered),
        vec!["compose-var-unset", "aws-credentials-missing"]
    );
    // A consequence that names nothing is never folded by coverage.
    let unnamed = judge(vec![unset(), f("aws-credentials-missing", "?")]);
    assert_eq!(unnamed.len(), 2);
}

#[test]
fn a_missing_env_file_accounts_for_its_service_only() {
    let out = judge(vec![
        f("env-file-missing", "backend-flask.env does not exist").service("backend-flask"),
        f("otel-endpoint-missing", "no endpoint").service("backend-flask"),
        f("otel-endpoint-missing", "no endpoint").service("worker"),
    ]);
    assert_eq!(ids(&out), vec!["env-file-missing", "otel-endpoint-missing"]);
    assert_eq!(out[1].service.as_deref(), Some("worker"));
}

#[test]
fn nothing_set_up_is_one_finding_not_its_symptoms() {
    let out = judge(vec![
        f("otel-endpoint-missing", "no endpoint"),
        f("telemetry-not-set-up", "nothing is set up"),
        f("flask-not-instrumented", "no instrumentation"),
        f("requirements-missing-otel", "no packages"),
        f("healthcheck-tool-missing", "curl in a slim image"),
    ]);
    assert_eq!(
        ids(&out),
        vec!["telemetry-not-set-up", "healthcheck-tool-missing"]
    );
}

#[test]
fn the_same_finding_from_two_compose_projects_is_said_once() {
    let a = f("python-syntax-error", "app.py does not parse").at("backend-flask/app.py", Some(3));
    let b = f("otel-endpoint-missing", "no endpoint").at("docker-compose-local.yml", Some(4));
    let c = f("otel-endpoint-missing", "no endpoint").at("docker-compose-gitpod.yml", Some(4));
    let out = judge(vec![a.clone(), b, a, c]);
    assert_eq!(out.len(), 3);
}
