use crate::doctor::testkit::{ok_project, ok_project_with, TestProject, KEY};
use crate::doctor::Finding;
use crate::project::{discover, DiscoverOptions};

/// Every finding of the compose_env and secrets checks.
pub(crate) fn mine(tp: &TestProject) -> Vec<Finding> {
    crate::doctor::checks::OFFLINE
        .iter()
        .filter(|c| c.name.starts_with("compose_env::") || c.name.starts_with("secrets::"))
        .flat_map(|c| tp.run(c.run))
        .collect()
}

pub(crate) fn ids(tp: &TestProject) -> Vec<&'static str> {
    mine(tp).into_iter().map(|f| f.id).collect()
}

/// The only finding of all these checks, which must have `id`.
pub(crate) fn only(tp: &TestProject, id: &str) -> Finding {
    let found = mine(tp);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![id],
        "{found:#?}"
    );
    found.into_iter().next().unwrap()
}

/// The same directory discovered again, after a test changed its files.
pub(crate) fn reread(tp: TestProject) -> TestProject {
    let project = discover(&DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    TestProject { project, ..tp }
}

/// Applies the findings' fixes as `doctor --fix` would, then rediscovers.
pub(crate) fn fixed(tp: TestProject, findings: &[Finding]) -> TestProject {
    let plan = crate::doctor::fix::plan(&tp.project, findings).unwrap();
    assert!(!plan.is_empty(), "the fix plans nothing");
    plan.write_files().unwrap();
    reread(tp)
}

pub(crate) fn compose_with(edit: impl FnOnce(&str) -> String) -> TestProject {
    ok_project_with("docker-compose.yml", edit)
}

pub(crate) fn replace(from: &'static str, to: &'static str) -> impl FnOnce(&str) -> String {
    move |t| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    }
}

pub(crate) const ENDPOINT_LINE: &str =
    "      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"\n";
pub(crate) const HEADERS_LINE: &str =
    "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n";

const LIST_OK: &str = r#"services:
  backend-flask:
    build: ./backend-flask
    environment:
      - FRONTEND_URL=http://localhost:3000
      - "OTEL_SERVICE_NAME=backend-flask"
      - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io
      - OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${HONEYCOMB_API_KEY}
    ports:
      - "4567:4567"
"#;

#[test]
fn the_correct_project_gives_no_finding() {
    assert_eq!(ids(&ok_project()), Vec::<&str>::new());
    assert_eq!(ids(&compose_with(|_| LIST_OK.into())), Vec::<&str>::new());
}

#[test]
fn endpoint_missing_is_set_by_the_fix() {
    let tp = compose_with(replace(ENDPOINT_LINE, ""));
    let f = only(&tp, "otel-endpoint-missing");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(2))
    );
    let tp = fixed(tp, &[f]);
    assert!(tp
        .project
        .compose
        .primary()
        .text
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\""));
    assert!(mine(&tp).is_empty());
}

#[test]
fn endpoint_with_signal_path_is_stripped() {
    let tp = compose_with(replace("honeycomb.io\"", "honeycomb.io/v1/traces/\""));
    let f = only(&tp, "otel-endpoint-signal-path");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(7))
    );
    let tp = fixed(tp, &[f]);
    assert!(tp.project.compose.primary().text.contains(ENDPOINT_LINE));
    assert!(mine(&tp).is_empty());
}

#[test]
fn endpoint_values_from_dotenv_are_checked_but_not_edited() {
    let dotenv = |url: &str| format!("HONEYCOMB_API_KEY={KEY}\nHONEYCOMB_URL={url}\n");
    let edit = replace("\"https://api.honeycomb.io\"", "\"${HONEYCOMB_URL}\"");
    let tp = reread(compose_with(edit));
    std::fs::write(
        tp.dir.path().join(".env"),
        dotenv("https://api.honeycomb.io/v1/traces"),
    )
    .unwrap();
    let f = only(&reread(tp), "otel-endpoint-signal-path");
    assert_eq!(f.line, Some(7));
    // Where the value comes from is evidence; the fix is the catalogue's.
    let evidence = f.evidence.as_deref().unwrap_or_default();
    assert!(!f.fixable && evidence.contains(".env:2"), "{evidence}");
    assert!(f.fix().contains("drop the path there"), "{}", f.fix());
    let tp = compose_with(replace(
        "\"https://api.honeycomb.io\"",
        "\"${HONEYCOMB_URL}\"",
    ));
    std::fs::write(
        tp.dir.path().join(".env"),
        dotenv("https://api.honeycomb.com"),
    )
    .unwrap();
    assert_eq!(only(&reread(tp), "otel-endpoint-invalid").line, Some(7));
}

#[test]
fn traces_endpoint_without_path_gets_it() {
    let tp = compose_with(replace(
        "OTEL_EXPORTER_OTLP_ENDPOINT:",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:",
    ));
    let f = only(&tp, "otel-traces-endpoint-no-path");
    assert_eq!(f.line, Some(7));
    let tp = fixed(tp, &[f]);
    assert!(tp
        .project
        .compose
        .primary()
        .text
        .contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: \"https://api.honeycomb.io/v1/traces\""));
    assert!(mine(&tp).is_empty());
}

#[test]
fn invalid_endpoints() {
    for bad in [
        "api.honeycomb.io",
        "http://api.honeycomb.io",
        "https://ui.honeycomb.io",
        "https://api.honeycomb.com",
        "https://honeycomb.io",
        "http://localhost:4318",
    ] {
        let tp = compose_with(|t| t.replace("https://api.honeycomb.io", bad));
        let f = only(&tp, "otel-endpoint-invalid");
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some("docker-compose.yml"), Some(7)),
            "{bad}"
        );
        assert!(!f.fixable, "{bad}");
    }
}

#[test]
fn a_collector_or_a_variable_endpoint_is_fine() {
    let collector = compose_with(|t| {
        t.replace("https://api.honeycomb.io", "http://otel-collector:4318")
            .replace(HEADERS_LINE, "")
    });
    assert_eq!(ids(&collector), Vec::<&str>::new());
    let from_var = compose_with(|t| {
        t.replace(
            "\"https://api.honeycomb.io\"",
            "\"${HONEYCOMB_URL:-https://api.honeycomb.io}\"",
        )
    });
    assert_eq!(ids(&from_var), Vec::<&str>::new());
    let eu = compose_with(|t| t.replace("api.honeycomb.io", "api.eu1.honeycomb.io"));
    assert_eq!(ids(&eu), Vec::<&str>::new());
}

#[test]
fn headers_missing_is_added_keeping_other_entries() {
    let tp = compose_with(replace(HEADERS_LINE, ""));
    let f = only(&tp, "otel-headers-missing");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(2))
    );
    let tp = fixed(tp, &[f]);
    assert!(
        tp.project.compose.primary().text.contains(HEADERS_LINE),
        "{}",
        tp.project.compose.primary().text
    );
    assert!(mine(&tp).is_empty());

    let tp = compose_with(replace(
        "x-honeycomb-team=${HONEYCOMB_API_KEY}",
        "x-honeycomb-dataset=cruddur",
    ));
    let f = only(&tp, "otel-headers-missing");
    assert_eq!(f.line, Some(8));
    let tp = fixed(tp, &[f]);
    assert!(tp
        .project
        .compose
        .primary()
        .text
        .contains("\"x-honeycomb-team=${HONEYCOMB_API_KEY},x-honeycomb-dataset=cruddur\""));
    assert!(mine(&tp).is_empty());
}

#[test]
fn malformed_headers_are_malformed_not_missing() {
    for bad in [
        "x-honeycomb-team:${HONEYCOMB_API_KEY}",
        "x-honeycomb-team: ${HONEYCOMB_API_KEY}",
        "x-honeycomb-key=${HONEYCOMB_API_KEY}",
        "x-honeycomb-api-key=${HONEYCOMB_API_KEY}",
        "authorization=${HONEYCOMB_API_KEY}",
        "'x-honeycomb-team=${HONEYCOMB_API_KEY}'",
        "x-honeycomb-team",
    ] {
        let tp = compose_with(|t| t.replace("x-honeycomb-team=${HONEYCOMB_API_KEY}", bad));
        let f = only(&tp, "otel-headers-malformed");
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some("docker-compose.yml"), Some(8)),
            "{bad}"
        );
        let tp = fixed(tp, &[f]);
        assert!(
            tp.project.compose.primary().text.contains(HEADERS_LINE),
            "{bad}: {}",
            tp.project.compose.primary().text
        );
        assert!(mine(&tp).is_empty(), "{bad}");
    }
}

#[test]
fn service_name_missing_is_set_to_the_service() {
    let tp = compose_with(replace("      OTEL_SERVICE_NAME: \"backend-flask\"\n", ""));
    let f = only(&tp, "otel-service-name-missing");
    assert_eq!(f.line, Some(2));
    let tp = fixed(tp, &[f]);
    assert!(tp
        .project
        .compose
        .primary()
        .text
        .contains("OTEL_SERVICE_NAME: \"backend-flask\""));
    assert!(mine(&tp).is_empty());
    let attrs = compose_with(replace(
        "OTEL_SERVICE_NAME: \"backend-flask\"",
        "OTEL_RESOURCE_ATTRIBUTES: \"service.name=backend-flask\"",
    ));
    assert_eq!(ids(&attrs), Vec::<&str>::new());
}

#[test]
fn misspelt_names_are_renamed() {
    for (typo, want, line) in [
        ("OTEL-SERVICE-NAME", "OTEL_SERVICE_NAME", 6),
        ("OTEL_EXPORTER_OTLP_HEADER", "OTEL_EXPORTER_OTLP_HEADERS", 8),
        (
            "OTEL_EXPORTER_OTLP_ENDPIONT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            7,
        ),
    ] {
        let tp = compose_with(|t| t.replacen(&format!("{want}:"), &format!("{typo}:"), 1));
        let f = only(&tp, "env-name-typo");
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some("docker-compose.yml"), Some(line)),
            "{typo}"
        );
        assert!(f.title.contains(want), "{}", f.title);
        let tp = fixed(tp, &[f]);
        assert!(
            tp.project
                .compose
                .primary()
                .text
                .contains(&format!("      {want}: ")),
            "{typo}"
        );
        assert!(mine(&tp).is_empty(), "{typo}");
    }
}

#[test]
fn app_variables_and_comments_are_not_typos() {
    let tp = compose_with(replace(
        "    ports:",
        "      BACKEND_URL: \"http://localhost:4567\"\n      DATABASE_URL: \"postgresql://postgres:password@db:5432/cruddur\"\n      AWS_COGNITO_USER_POOL_ID: \"us-east-1_abc\"\n      # OTEL-SERVICE-NAME: \"old\"\n      # OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team: x\"\n    ports:",
    ));
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn list_quotes_are_removed_and_reported_once() {
    for (quoted, line) in [
        ("- OTEL_SERVICE_NAME=\"backend-flask\"", 6),
        (
            "- OTEL_EXPORTER_OTLP_ENDPOINT='https://api.honeycomb.io'",
            7,
        ),
        (
            "- OTEL_EXPORTER_OTLP_HEADERS=\"x-honeycomb-team=${HONEYCOMB_API_KEY}\"",
            8,
        ),
    ] {
        let name = quoted[2..].split('=').next().unwrap();
        let tp = compose_with(|_| {
            let old = LIST_OK
                .lines()
                .find(|l| {
                    l.trim_start()
                        .trim_start_matches('-')
                        .trim_start()
                        .trim_start_matches('"')
                        .starts_with(name)
                })
                .unwrap();
            LIST_OK.replace(old.trim_start(), quoted)
        });
        let f = only(&tp, "compose-list-quotes");
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some("docker-compose.yml"), Some(line)),
            "{quoted}"
        );
        let tp = fixed(tp, &[f]);
        let svc = tp.project.compose.service("backend-flask").unwrap();
        let v = svc
            .environment()
            .into_iter()
            .find(|v| v.name == name)
            .unwrap()
            .value
            .unwrap();
        assert!(!v.contains(['"', '\'']), "{v}");
        assert!(
            mine(&tp).is_empty(),
            "{quoted}: {}",
            tp.project.compose.primary().text
        );
    }
}
