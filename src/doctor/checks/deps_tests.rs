use crate::doctor::checks::deps;
use crate::doctor::testkit::{ok_project, ok_project_with, TestProject};
use crate::doctor::{Category, Ctx, Finding};
use crate::project::{discover, DiscoverOptions};

/// Every check of the Dependencies and Code sections: "no other id" means
/// none of these.
pub(crate) fn all(tp: &TestProject) -> Vec<Finding> {
    let shell = |k: &str| tp.shell.get(k).cloned();
    let ctx = Ctx::new(&tp.project, &shell);
    // Judged as doctor judges them: a consequence folds into its root.
    crate::doctor::judge::judge(
        crate::doctor::checks::OFFLINE
            .iter()
            .filter(|c| matches!(c.category, Category::Dependencies | Category::Code))
            .flat_map(|c| (c.run)(&ctx).unwrap_or_default())
            .collect(),
    )
}

pub(crate) fn ids(tp: &TestProject) -> Vec<&'static str> {
    let mut ids: Vec<_> = all(tp).into_iter().map(|f| f.id).collect();
    ids.sort();
    ids
}

/// The one finding of my checks, which must have `id`.
pub(crate) fn only(tp: &TestProject, id: &str) -> Finding {
    let found = all(tp);
    let shown: Vec<_> = found.iter().map(|f| (f.id, f.location())).collect();
    assert_eq!(found.len(), 1, "expected only {id}, got {shown:?}");
    assert_eq!(found[0].id, id, "{shown:?}");
    found.into_iter().next().unwrap()
}

pub(crate) fn assert_at(f: &Finding, file: &str, line: Option<usize>) {
    assert_eq!((f.file.as_deref(), f.line), (Some(file), line), "{f:#?}");
}

/// `text` with `from` replaced; panics if `from` is absent so a test can
/// never pass on an edit that did nothing.
pub(crate) fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in {text}");
    text.replacen(from, to, 1)
}

/// Applies the findings' edits through `doctor --fix`'s planner and
/// rediscovers the project from disk.
pub(crate) fn fixed(mut tp: TestProject, findings: &[Finding]) -> TestProject {
    let plan = crate::doctor::fix::plan(&tp.project, findings).unwrap();
    assert!(!plan.is_empty(), "nothing planned for {findings:?}");
    plan.write_files().unwrap();
    let opts = DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    };
    tp.project = discover(&opts).unwrap();
    tp
}

const REQ: &str = "backend-flask/requirements.txt";
const DOCKERFILE: &str = "backend-flask/Dockerfile";
const APP: &str = "backend-flask/app.py";
const COMPOSE: &str = "docker-compose.yml";

fn without(package: &str) -> impl FnOnce(&str) -> String + '_ {
    move |t| replace(t, &format!("{package}\n"), "")
}

#[test]
fn ok_project_is_clean() {
    assert_eq!(ids(&ok_project()), Vec::<&str>::new());
}

#[test]
fn missing_otel_package_is_named_and_fixed() {
    let tp = ok_project_with(REQ, without("opentelemetry-instrumentation-flask"));
    let f = only(&tp, "requirements-missing-otel");
    assert_at(&f, REQ, None);
    assert!(
        f.title
            .ends_with("lacks opentelemetry-instrumentation-flask"),
        "{}",
        f.title
    );
    assert!(
        f.evidence.as_deref().unwrap().contains(
            "opentelemetry-instrumentation-flask: backend-flask/app.py:6 imports opentelemetry.instrumentation.flask"
        ),
        "{:?}",
        f.evidence
    );
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::otel_packages).is_empty());
}

#[test]
fn packages_pip_installs_as_dependencies_count() {
    // The exporter requires the SDK, the SDK the API: pip installs them.
    let tp = ok_project_with(REQ, |t| {
        without("opentelemetry-sdk")(&without("opentelemetry-api")(t))
    });
    assert!(tp.ids(deps::otel_packages).is_empty());
    // Without the exporter nothing brings the SDK along.
    let tp = ok_project_with(REQ, |t| {
        without("opentelemetry-sdk")(&without("opentelemetry-exporter-otlp-proto-http")(t))
    });
    let f = only(&tp, "requirements-missing-otel");
    assert!(f.title.contains("opentelemetry-sdk"), "{}", f.title);
}

#[test]
fn each_missing_package_is_named() {
    let tp = ok_project_with(REQ, |t| {
        without("opentelemetry-instrumentation-requests")(&without(
            "opentelemetry-instrumentation-flask",
        )(t))
    });
    let f = only(&tp, "requirements-missing-otel");
    assert!(
        f.title.contains("opentelemetry-instrumentation-flask"),
        "{}",
        f.title
    );
    assert!(f.title.contains("opentelemetry-instrumentation-requests"));
    assert!(f
        .evidence
        .unwrap()
        .contains("app.py:7 imports opentelemetry.instrumentation.requests"));
}

const PLAIN_APP: &str = "from flask import Flask\n\napp = Flask(__name__)\n";

#[test]
fn compose_otel_settings_alone_need_every_package() {
    let mut tp = ok_project_with(APP, |_| PLAIN_APP.to_string());
    std::fs::write(tp.dir.path().join(REQ), "flask\nflask-cors\n").unwrap();
    tp = rediscover(tp);
    let found = tp.run(deps::otel_packages);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "requirements-missing-otel");
    for p in crate::providers::honeycomb::PACKAGES {
        assert!(found[0].title.contains(p), "{p} in {}", found[0].title);
    }
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("docker-compose.yml:6 sets OTEL_SERVICE_NAME"));
}

pub(crate) fn rediscover(mut tp: TestProject) -> TestProject {
    let opts = DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    };
    tp.project = discover(&opts).unwrap();
    tp
}

#[test]
fn no_opentelemetry_anywhere_needs_nothing() {
    let mut tp = ok_project_with(APP, |_| PLAIN_APP.to_string());
    let compose = crate::doctor::testkit::COMPOSE_OK
        .lines()
        .filter(|l| !l.contains("OTEL_"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    std::fs::write(tp.dir.path().join(REQ), "flask\n").unwrap();
    tp = rediscover(tp);
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn grpc_exporter_in_code_with_only_http_declared() {
    let tp = ok_project_with(APP, |t| {
        replace(
            t,
            "otlp.proto.http.trace_exporter",
            "otlp.proto.grpc.trace_exporter",
        )
    });
    let f = only(&tp, "requirements-exporter-mismatch");
    assert_at(&f, REQ, Some(5));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("app.py:5 imports opentelemetry.exporter.otlp.proto.grpc"));
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::otel_packages).is_empty());
}

fn auto_dockerfile(cmd: &str) -> impl FnOnce(&str) -> String + '_ {
    move |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines[5] = cmd;
        lines.join("\n") + "\n"
    }
}

const AUTO_CMD: &str = r#"CMD ["opentelemetry-instrument", "python3", "-m", "flask", "run", "--host=0.0.0.0", "--port=4567"]"#;

#[test]
fn auto_instrumentation_defaults_to_grpc() {
    let tp = ok_project_with(DOCKERFILE, auto_dockerfile(AUTO_CMD));
    std::fs::write(
        tp.dir.path().join(REQ),
        format!(
            "{}opentelemetry-distro\n",
            crate::doctor::testkit::REQUIREMENTS_OK
        ),
    )
    .unwrap();
    let tp = rediscover(tp);
    let f = only(&tp, "requirements-exporter-mismatch");
    assert!(f
        .title
        .starts_with("opentelemetry-exporter-otlp-proto-grpc is needed"));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("the distro's default"));
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::otel_packages).is_empty());
}

#[test]
fn auto_instrumentation_with_http_protocol_is_clean() {
    let tp = ok_project_with(DOCKERFILE, auto_dockerfile(AUTO_CMD));
    let compose = replace(
        crate::doctor::testkit::COMPOSE_OK,
        "    ports:",
        "      OTEL_EXPORTER_OTLP_PROTOCOL: \"http/protobuf\"\n    ports:",
    );
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    let req = format!(
        "{}opentelemetry-distro\n",
        crate::doctor::testkit::REQUIREMENTS_OK
    );
    std::fs::write(tp.dir.path().join(REQ), req).unwrap();
    assert_eq!(ids(&rediscover(tp)), Vec::<&str>::new());
}

fn pinned(flask_contrib: &str) -> String {
    format!(
        "flask\nflask-cors\nopentelemetry-api==1.24.0\nopentelemetry-sdk==1.24.0\n\
         opentelemetry-exporter-otlp-proto-http==1.24.0\n\
         opentelemetry-instrumentation-flask=={flask_contrib}\n\
         opentelemetry-instrumentation-requests==0.45b0\n"
    )
}

#[test]
fn version_skew_quotes_both_pins() {
    let tp = ok_project_with(REQ, |_| pinned("0.44b0"));
    let f = only(&tp, "requirements-version-skew");
    assert_at(&f, REQ, Some(6));
    let evidence = f.evidence.clone().unwrap();
    assert!(
        evidence.contains("opentelemetry-api==1.24.0 (backend-flask/requirements.txt:3)"),
        "{evidence}"
    );
    assert!(evidence.contains(
        "opentelemetry-instrumentation-flask==0.44b0 (backend-flask/requirements.txt:6)"
    ));
    assert!(f.fix().contains("0.45b0"));
}

#[test]
fn matching_pins_are_clean() {
    assert_eq!(
        ids(&ok_project_with(REQ, |_| pinned("0.45b0"))),
        Vec::<&str>::new()
    );
}

#[test]
fn provider_packages_point_at_the_import() {
    let tp = ok_project_with(APP, |t| {
        replace(
            t,
            "from flask import Flask\n",
            "from flask import Flask\nimport watchtower\n",
        )
    });
    let f = only(&tp, "requirements-missing-provider");
    assert_at(&f, APP, Some(2));
    assert_eq!(
        f.evidence.as_deref(),
        Some("backend-flask/app.py:2: import watchtower")
    );
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::provider_packages).is_empty());
}

#[test]
fn a_submodule_import_needs_the_package_too() {
    let tp = ok_project_with(APP, |t| {
        replace(
            t,
            "app = Flask",
            "from aws_xray_sdk.core import xray_recorder\napp = Flask",
        )
    });
    let f = tp.run(deps::provider_packages);
    assert_eq!(f.len(), 1);
    assert!(f[0].title.ends_with("lacks aws-xray-sdk"));
    assert_eq!(f[0].line, Some(9));
}

const SIGNAL: &str = "from flask import got_request_exception\n";

#[test]
fn signals_need_blinker_below_flask_2_3() {
    let tp = ok_project_with(APP, |t| format!("{SIGNAL}{t}"));
    std::fs::write(
        tp.dir.path().join(REQ),
        replace(
            crate::doctor::testkit::REQUIREMENTS_OK,
            "flask\n",
            "flask==2.2.5\n",
        ),
    )
    .unwrap();
    let tp = rediscover(tp);
    let f = only(&tp, "requirements-missing-provider");
    assert_at(&f, APP, Some(1));
    assert!(f.title.ends_with("lacks blinker"));
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::provider_packages).is_empty());
}

#[test]
fn flask_2_3_brings_blinker_itself() {
    assert!(ok_project_with(APP, |t| format!("{SIGNAL}{t}"))
        .ids(deps::provider_packages)
        .is_empty());
}

#[test]
fn specifiers_that_admit_flask_2_3() {
    use super::declared::allows_at_least;
    for (spec, admits) in [
        ("", true),
        ("<2.3", false),
        ("<2.3.1", true),
        ("<=2.2.5", false),
        ("==2.2.*", false),
        ("==2.*", true),
        ("~=2.2.0", false),
        ("~=2.2", true),
        ("^2.2", true),
        ("~2.2", false),
        ("^1.1", false),
        ("<2.3||>=3", true),
        ("!=2.3.0", true),
    ] {
        assert_eq!(allows_at_least(spec, &[2, 3]), admits, "{spec}");
    }
}

#[test]
fn an_unparsable_module_is_left_to_could_not_check() {
    let tp = ok_project_with(APP, |t| format!("{t}\ndef broken(:\n"));
    let shell = |_: &str| None;
    let ctx = crate::doctor::Ctx::new(&tp.project, &shell);
    assert_eq!(ctx.code().broken.len(), 1);
    // The module that does not parse is the finding; no check concludes
    // anything is missing from code it could not read.
    assert_eq!(ids(&tp), vec!["python-syntax-error"]);
}
