use super::*;
use crate::project::{discover, DiscoverOptions, Project};

const APP: &str = "from flask import Flask\napp = Flask(__name__)\n";

/// `files` written under `sub` of a temp dir (a backend app added), discovered there.
fn project_in(sub: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(sub);
    for (path, text) in files.iter().chain([&("backend-flask/app.py", APP)]) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let project = discover(&DiscoverOptions {
        dir,
        ..Default::default()
    })
    .unwrap();
    (tmp, project)
}

fn project(files: &[(&str, &str)]) -> Project {
    // The temp dir outlives the test process only as long as it is needed:
    // discovery has read every file by now.
    project_in("p", files).1
}

const COMPOSE: &str = r#"services:
  backend-flask:
    build: ./backend-flask
    environment:
      OTEL_SERVICE_NAME: "backend-flask"
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
      PASSED_THROUGH_SET:
      PASSED_THROUGH_UNSET:
  xray-daemon:
    image: "amazon/aws-xray-daemon"
  otel:
    image: "otel/opentelemetry-collector-contrib:0.98.0"
  db:
    image: postgres:13-alpine
"#;

fn shell(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |n| vars.iter().find(|v| v.0 == n).map(|v| v.1.to_string())
}

/// The input as doctor builds it: from the offline checks' context.
fn input_of(p: &Project, shell: &(dyn Fn(&str) -> Option<String> + Sync)) -> StackInput {
    input(&crate::doctor::Ctx::new(p, shell))
}

#[test]
fn the_input_holds_what_compose_would_give_the_backend_now() {
    let (_tmp, p) = project_in(
        "My Project",
        &[
            ("docker-compose.yml", COMPOSE),
            (".env", "HONEYCOMB_API_KEY=abc123\n"),
            (
                "backend-flask/requirements.txt",
                "flask==2.2.5\nopentelemetry-api\npywin32; sys_platform == 'win32'\n",
            ),
        ],
    );
    let input = input_of(&p, &shell(&[("PASSED_THROUGH_SET", "yes")]));
    assert!(input.working_dir.is_absolute());
    assert_eq!(input.project_name, "myproject", "compose's default name");
    assert_eq!(input.backend.name, "backend-flask");
    assert_eq!(
        input.backend.env,
        [
            ("OTEL_SERVICE_NAME".to_string(), "backend-flask".to_string()),
            (
                "OTEL_EXPORTER_OTLP_HEADERS".into(),
                "x-honeycomb-team=abc123".into()
            ),
            ("PASSED_THROUGH_SET".into(), "yes".into()),
        ],
        "an unset pass-through variable is not given to the container at all"
    );
    let wanted: Vec<_> = input
        .backend
        .requirements
        .iter()
        .map(|w| (w.normalized.as_str(), w.pinned.as_deref()))
        .collect();
    assert_eq!(
        wanted,
        [("flask", Some("2.2.5")), ("opentelemetry-api", None)],
        "a requirement behind a marker is not asked of pip"
    );
    assert_eq!(
        input.backend.requirements[0].location,
        "backend-flask/requirements.txt:1"
    );
    assert_eq!(input.daemons, ["xray-daemon", "otel"]);
}

#[test]
fn the_project_name_follows_compose() {
    let p = project(&[("docker-compose.yml", COMPOSE)]);
    let named = input_of(&p, &shell(&[("COMPOSE_PROJECT_NAME", "Cruddur_2023")]));
    assert_eq!(named.project_name, "cruddur_2023");
    let p = project(&[
        ("docker-compose.yml", &format!("name: from-file\n{COMPOSE}")),
        (".env", "COMPOSE_PROJECT_NAME=from-dotenv\n"),
    ]);
    assert_eq!(input_of(&p, &shell(&[])).project_name, "from-dotenv");
    let p = project(&[("docker-compose.yml", &format!("name: from-file\n{COMPOSE}"))]);
    assert_eq!(input_of(&p, &shell(&[])).project_name, "from-file");
}

#[test]
fn a_log_finding_another_check_made_is_not_repeated() {
    let mut d = Diagnosis::default();
    d.add(
        "code::flask",
        Category::Code,
        Ok(vec![Finding::new(
            "flask-before-first-request",
            "in app.py",
        )]),
    );
    add(
        &mut d,
        vec![
            (
                CONTAINERS,
                Outcome::Found(vec![
                    Finding::new("container-not-running", "exited"),
                    Finding::new("flask-before-first-request", "in the log"),
                ]),
            ),
            (
                LOGS,
                Outcome::Found(vec![Finding::new("honeycomb-key-rejected", "401")]),
            ),
            (PACKAGES, Outcome::Unsure("timed out".into())),
        ],
    );
    let ids: Vec<_> = d.findings.iter().map(|f| (f.id, f.category)).collect();
    assert_eq!(
        ids,
        [
            ("flask-before-first-request", Category::Code),
            ("container-not-running", Category::Stack),
            ("honeycomb-key-rejected", Category::Stack),
        ]
    );
    assert!(matches!(
        d.results.last().unwrap().outcome,
        crate::doctor::Outcome::CouldNotCheck { .. }
    ));
}

#[test]
fn disabled_or_without_an_engine_the_section_is_skipped_never_passed() {
    let p = project(&[("docker-compose.yml", COMPOSE)]);
    let i = input_of(&p, &shell(&[]));
    let opts = Options {
        timeout: Duration::from_secs(1),
        offline: false,
        disabled: true,
    };
    let r = check(&i, &opts);
    assert_eq!(r.len(), 1);
    assert!(matches!(&r[0], (SECTION, Outcome::Skipped(why)) if why == "--no-stack"));
}

#[test]
fn a_stopped_container_is_described_with_its_cause() {
    let c = containers::Container {
        id: "abc".into(),
        name: "cruddur_backend-flask_1".into(),
        running: false,
        restarting: true,
        status: "restarting".into(),
        exit_code: 1,
        restart_count: 4,
        oom_killed: false,
        started_at: String::new(),
        image_id: String::new(),
        env: vec![],
        tty: false,
    };
    let p = project(&[("docker-compose.yml", COMPOSE)]);
    let i = input_of(&p, &shell(&[]));
    let cause = Finding::new("flask-before-first-request", "x")
        .evidence("docker logs cruddur_backend-flask_1: AttributeError: 'Flask' object has no attribute 'before_first_request'");
    let f = containers::not_running("backend-flask", &c, &[cause], &[], &i, "docker compose");
    assert_eq!(f.title, "the backend-flask container (cruddur_backend-flask_1) keeps restarting (exit code 1, restarted 4 times): no request is served and no span is sent; its log names the cause: flask-before-first-request");
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("no attribute 'before_first_request'"));
    assert!(
        f.fix()
            .contains("then start it: `docker compose up -d backend-flask`."),
        "{}",
        f.fix()
    );
    // Without a known line, the last lines are quoted as they are.
    let c = containers::Container {
        restarting: false,
        status: "exited".into(),
        exit_code: 137,
        oom_killed: true,
        ..c
    };
    let tail = ["Killed".to_string()];
    let f = containers::not_running("xray-daemon", &c, &[], &tail, &i, "docker-compose");
    assert!(f.title.contains("was killed for lack of memory (exit code 137): the backend's X-Ray segments go nowhere"), "{}", f.title);
    assert_eq!(
        f.evidence.as_deref(),
        Some("Killed ⏎ `docker-compose logs xray-daemon` shows the rest")
    );
    assert!(f.fix().contains("`docker-compose up -d xray-daemon`"));
}
