//! Protocol, disabled tracing, interpolation, env files and the wrong service.

use super::tests::{compose_with, ids, mine, only, replace, HEADERS_LINE};
use super::*;
use crate::doctor::testkit::{ok_files, ok_project_with, project, TestProject, KEY};
use crate::doctor::Ctx;

fn auto(tp_edit: impl FnOnce(&str) -> String) -> TestProject {
    let mut files = ok_files();
    files
        .iter_mut()
        .find(|f| f.0 == "backend-flask/Dockerfile")
        .unwrap()
        .1 = crate::doctor::testkit::DOCKERFILE_OK.replace(
        "CMD [ \"python3\"",
        "CMD [ \"opentelemetry-instrument\", \"python3\"",
    );
    let c = files
        .iter_mut()
        .find(|f| f.0 == "docker-compose.yml")
        .unwrap();
    c.1 = tp_edit(&c.1);
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let tp = project(&refs);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        tp.dir.path().join(".env"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    tp
}

const PROTO: &str = "      OTEL_EXPORTER_OTLP_PROTOCOL: \"http/protobuf\"\n    ports:";

#[test]
fn protocol_mismatches() {
    let f = only(&auto(|t| t.to_string()), "otel-protocol-mismatch");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("backend-flask/Dockerfile"), Some(6))
    );
    let f = only(
        &auto(|t| t.replace("    ports:", &PROTO.replace("http/protobuf", "http/json"))),
        "otel-protocol-mismatch",
    );
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(9))
    );
    assert!(f.title.contains("http/json"));
    let f = only(
        &auto(|t| t.replace("    ports:", &PROTO.replace("http/protobuf", "grpc"))),
        "otel-protocol-mismatch",
    );
    assert_eq!(f.line, Some(9));
    let port = compose_with(|t| {
        t.replace("https://api.honeycomb.io", "http://otel-collector:4317")
            .replace(HEADERS_LINE, "")
    });
    assert_eq!(only(&port, "otel-protocol-mismatch").line, Some(7));
    assert_eq!(
        ids(&auto(|t| t.replace("    ports:", PROTO))),
        Vec::<&str>::new()
    );
    // An exporter built in code ignores the variable.
    assert_eq!(
        ids(&compose_with(|t| t.replace(
            "    ports:",
            &PROTO.replace("http/protobuf", "grpc")
        ))),
        Vec::<&str>::new()
    );
}

#[test]
fn disabled_tracing() {
    let tp = compose_with(replace(
        "    ports:",
        "      OTEL_SDK_DISABLED: \"True\"\n    ports:",
    ));
    assert_eq!(only(&tp, "otel-disabled").line, Some(9));
    let tp = auto(|t| {
        t.replace(
            "    ports:",
            &PROTO.replace(
                "    ports:",
                "      OTEL_TRACES_EXPORTER: \"console\"\n    ports:",
            ),
        )
    });
    assert_eq!(only(&tp, "otel-disabled").line, Some(10));
    let tp = compose_with(replace(
        "    ports:",
        "      OTEL_SDK_DISABLED: \"false\"\n    ports:",
    ));
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn unset_variables() {
    let tp = ok_project_with(".env", |_| "OTHER=1\n".into());
    let f = only(&tp, "compose-var-unset");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(8))
    );
    assert!(f.title.contains("HONEYCOMB_API_KEY"));
    assert!(f.fix().contains(".env"));

    let shell = |_: &str| -> Option<String> { None };
    let ctx_project = &tp.project;
    let mut ctx = Ctx::new(ctx_project, &shell);
    ctx.gp_env = Some(vec![("HONEYCOMB_API_KEY".into(), KEY.into())]);
    let found = interpolation(&ctx);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        ["gitpod-env-not-loaded"]
    );
    assert!(found[0].fix().contains("eval $(gp env -e)"));
    assert!(!format!("{found:?}").contains(KEY));

    let tp =
        ok_project_with(".env", |_| "OTHER=1\n".into()).with_shell(&[("HONEYCOMB_API_KEY", KEY)]);
    assert_eq!(ids(&tp), Vec::<&str>::new());
    // The app's own variables may stay blank outside Gitpod.
    let tp = compose_with(replace(
        "http://localhost:3000",
        "https://3000-${GITPOD_WORKSPACE_ID}.gitpod.io",
    ));
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn variables_only_in_an_env_file() {
    let mut files = ok_files();
    files.retain(|f| f.0 != ".env");
    files[0].1 = files[0].1.replace(
        "    environment:",
        "    env_file: backend.env\n    environment:",
    );
    files.push(("backend.env", format!("HONEYCOMB_API_KEY={KEY}\n")));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let f = only(&project(&refs), "env-file-not-interpolated");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(9))
    );
    assert!(f.evidence.unwrap().contains("backend.env:1"));
}

#[test]
fn missing_env_file() {
    let tp = compose_with(replace(
        "    environment:",
        "    env_file:\n      - ./backend.env\n    environment:",
    ));
    let f = only(&tp, "env-file-missing");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(5))
    );
    let optional = compose_with(replace(
        "    environment:",
        "    env_file:\n      - path: ./backend.env\n        required: false\n    environment:",
    ));
    assert_eq!(ids(&optional), Vec::<&str>::new());
}

#[test]
fn otel_variables_on_the_frontend() {
    let tp = compose_with(|t| {
        let otel: String = t
            .lines()
            .filter(|l| l.contains("OTEL_"))
            .map(|l| format!("{l}\n"))
            .collect();
        let backend: String = t
            .lines()
            .filter(|l| !l.contains("OTEL_"))
            .map(|l| format!("{l}\n"))
            .collect();
        format!("{backend}  frontend-react-js:\n    build: ./frontend-react-js\n    environment:\n{otel}")
    });
    let found = mine(&tp);
    let mut got: Vec<&str> = found.iter().map(|f| f.id).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "env-on-wrong-service",
            "otel-endpoint-missing",
            "otel-headers-missing",
            "otel-service-name-missing"
        ]
    );
    let f = found
        .iter()
        .find(|f| f.id == "env-on-wrong-service")
        .unwrap();
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(11))
    );
}

#[test]
fn a_reference_to_a_services_own_variable_is_empty() {
    // The key written in the service itself, referenced beside it: compose
    // reads only the shell and .env for `${}`.
    let tp = ok_project_with(".env", |_| "OTHER=1\n".into());
    let text = tp.project.compose.primary().text.replace(
        HEADERS_LINE,
        &format!("      HONEYCOMB_API_KEY: \"{KEY}\"\n{HEADERS_LINE}"),
    );
    std::fs::write(tp.dir.path().join("docker-compose.yml"), text).unwrap();
    let tp = super::tests::reread(tp);
    let found = mine(&tp);
    let f = found
        .iter()
        .find(|f| f.id == "compose-var-self-reference")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(f.scope, crate::doctor::Scope::Project);
    assert!(
        f.evidence
            .as_deref()
            .unwrap()
            .contains("HONEYCOMB_API_KEY is set at docker-compose.yml:8"),
        "{f:#?}"
    );
    assert!(!found.iter().any(|f| f.id == "compose-var-unset"));
    // The same lines with the key in .env as well: compose substitutes it.
    let keyed = ok_project_with(".env", |_| format!("HONEYCOMB_API_KEY={KEY}\n"));
    let text = keyed.project.compose.primary().text.replace(
        HEADERS_LINE,
        &format!("      HONEYCOMB_API_KEY: \"${{HONEYCOMB_API_KEY}}\"\n{HEADERS_LINE}"),
    );
    std::fs::write(keyed.dir.path().join("docker-compose.yml"), text).unwrap();
    let keyed = super::tests::reread(keyed);
    assert!(!ids(&keyed).contains(&"compose-var-self-reference"));
}
