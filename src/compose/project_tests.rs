use super::*;
use std::collections::HashMap;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn load_with(
    dir: &Path,
    flags: &[&str],
    env: &[(&str, &str)],
    dotenv: &[(&str, &str)],
) -> Result<ComposeProject, ComposeError> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dot: HashMap<String, String> = dotenv
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let flags: Vec<PathBuf> = flags.iter().map(PathBuf::from).collect();
    let (files, how) = select(&Select {
        dir,
        flags: &flags,
        env: &|n| env.get(n).cloned(),
        dotenv: &|n| dot.get(n).cloned(),
    })?;
    ComposeProject::load(dir, &files, how)
}

fn load(dir: &Path) -> ComposeProject {
    load_with(dir, &[], &[], &[]).unwrap()
}

fn env_of(p: &ComposeProject, svc: &str) -> Vec<(String, Option<String>, String, Option<usize>)> {
    p.service(svc)
        .unwrap()
        .env()
        .iter()
        .map(|v| (v.name.clone(), v.value.clone(), p.display(v.file), v.line))
        .collect()
}

const BASE: &str = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      OTEL_SERVICE_NAME: backend\n      OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io\n    ports:\n      - 4567:4567\n  db:\n    image: postgres\n";

#[test]
fn override_file_is_merged_and_each_value_keeps_its_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            (
                "docker-compose.override.yml",
                "services:\n  backend-flask:\n    environment:\n      - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io/v1/traces\n      - EXTRA=1\n    ports: [\"5678:5678\"]\n",
            ),
        ],
    );
    let p = load(d.path());
    assert_eq!(p.selection, Selection::Default);
    assert_eq!(
        p.describe(),
        "docker-compose.yml + docker-compose.override.yml"
    );
    assert_eq!(
        env_of(&p, "backend-flask"),
        vec![
            (
                "OTEL_SERVICE_NAME".into(),
                Some("backend".into()),
                "docker-compose.yml".into(),
                Some(5)
            ),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT".into(),
                Some("https://api.honeycomb.io/v1/traces".into()),
                "docker-compose.override.yml".into(),
                Some(4)
            ),
            (
                "EXTRA".into(),
                Some("1".into()),
                "docker-compose.override.yml".into(),
                Some(5)
            ),
        ]
    );
    let svc = p.service("backend-flask").unwrap();
    assert_eq!(svc.get("ports").unwrap().as_sequence().unwrap().len(), 2);
    assert_eq!(
        svc.key_location("ports"),
        ("docker-compose.override.yml".into(), Some(6))
    );
    assert_eq!(
        svc.key_location("build"),
        ("docker-compose.yml".into(), Some(3))
    );
    assert_eq!(svc.place(), (0, Some(2)));
}

#[test]
fn compose_yaml_wins_over_docker_compose_yml_and_its_own_override_is_used() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            ("compose.yaml", "services:\n  api:\n    image: a\n"),
            ("compose.override.yml", "services:\n  api:\n    image: b\n"),
            (
                "docker-compose.override.yml",
                "services:\n  other:\n    image: c\n",
            ),
        ],
    );
    let p = load(d.path());
    assert_eq!(p.service_names(), vec!["api"]);
    assert_eq!(p.service("api").unwrap().image(), Some("b"));
}

#[test]
fn compose_file_from_the_shell_beats_dotenv_and_uses_the_separator() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            ("a.yml", "services:\n  a:\n    image: a\n"),
            ("b.yml", "services:\n  b:\n    image: b\n"),
        ],
    );
    let p = load_with(d.path(), &[], &[], &[("COMPOSE_FILE", "a.yml:b.yml")]).unwrap();
    assert_eq!(p.service_names(), vec!["a", "b"]);
    assert_eq!(p.selection, Selection::ComposeFileVar { from_dotenv: true });
    let p = load_with(
        d.path(),
        &[],
        &[
            ("COMPOSE_FILE", "b.yml;docker-compose.yml"),
            ("COMPOSE_PATH_SEPARATOR", ";"),
        ],
        &[("COMPOSE_FILE", "a.yml")],
    )
    .unwrap();
    assert_eq!(p.service_names(), vec!["b", "backend-flask", "db"]);
    assert_eq!(
        p.selection,
        Selection::ComposeFileVar { from_dotenv: false }
    );
}

#[test]
fn flags_beat_compose_file_and_no_override_is_added() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            (
                "docker-compose.override.yml",
                "services:\n  x:\n    image: x\n",
            ),
            (
                "local.yml",
                "services:\n  backend-flask:\n    command: flask run\n",
            ),
        ],
    );
    let p = load_with(
        d.path(),
        &["docker-compose.yml", "local.yml"],
        &[("COMPOSE_FILE", "nope.yml")],
        &[],
    )
    .unwrap();
    assert_eq!(p.service_names(), vec!["backend-flask", "db"]);
    assert_eq!(
        p.service("backend-flask").unwrap().command(),
        Some(vec!["flask".into(), "run".into()])
    );
}

#[test]
fn a_missing_named_file_says_who_named_it() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("docker-compose.yml", BASE)]);
    let e = load_with(d.path(), &[], &[], &[("COMPOSE_FILE", "gone.yml")]).unwrap_err();
    assert_eq!(e.id, "compose-missing");
    assert!(
        e.message.contains("gone.yml") && e.message.contains("COMPOSE_FILE in .env"),
        "{}",
        e.message
    );
    let e = load_with(tempfile::tempdir().unwrap().path(), &[], &[], &[]).unwrap_err();
    assert_eq!(e.id, "compose-missing");
    assert!(e.path.is_none());
}

#[test]
fn extends_from_another_file_in_another_directory() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "docker-compose.yml",
                "services:\n  api:\n    extends:\n      file: common/base.yml\n      service: py\n    environment:\n      B: mine\n",
            ),
            (
                "common/base.yml",
                "services:\n  py:\n    build: ../backend-flask\n    env_file: py.env\n    environment:\n      A: base\n      B: base\n",
            ),
        ],
    );
    let p = load(d.path());
    let env = env_of(&p, "api");
    assert_eq!(
        env[0],
        (
            "A".into(),
            Some("base".into()),
            "common/base.yml".into(),
            Some(6)
        )
    );
    assert_eq!(
        env[1],
        (
            "B".into(),
            Some("mine".into()),
            "docker-compose.yml".into(),
            Some(7)
        )
    );
    let svc = p.service("api").unwrap();
    assert_eq!(
        svc.build_context().unwrap(),
        d.path().join("common").join("../backend-flask")
    );
    assert_eq!(
        svc.env_files(),
        vec![d.path().join("common/py.env").display().to_string()]
    );
    assert!(svc.get("extends").is_none());
    assert_eq!(svc.place(), (0, Some(2)));
    assert_eq!(p.roles, vec![Role::Main, Role::Extends]);
}

#[test]
fn extends_in_the_same_file_and_loops_are_refused() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[(
            "docker-compose.yml",
            "services:\n  base:\n    image: python\n    environment: [A=1]\n  worker:\n    extends: base\n    command: python worker.py\n",
        )],
    );
    let p = load(d.path());
    let w = p.service("worker").unwrap();
    assert_eq!(w.image(), Some("python"));
    assert_eq!(env_of(&p, "worker")[0].0, "A");
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[(
            "docker-compose.yml",
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
        )],
    );
    let e = load_with(d.path(), &[], &[], &[]).unwrap_err();
    assert!(e.message.contains("loops"), "{}", e.message);
}

#[test]
fn include_pulls_services_from_files_relative_to_themselves() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "docker-compose.yml",
                "include:\n  - observability/compose.otel.yml\nservices:\n  web:\n    image: nginx\n",
            ),
            (
                "observability/compose.otel.yml",
                "services:\n  otel-collector:\n    image: otel/opentelemetry-collector:0.98.0\n    volumes:\n      - ./otel.yaml:/etc/otelcol/config.yaml\nnetworks:\n  obs: {}\n",
            ),
        ],
    );
    let p = load(d.path());
    assert_eq!(p.service_names(), vec!["web", "otel-collector"]);
    let vol = p.service("otel-collector").unwrap().get("volumes").unwrap()[0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        vol,
        format!(
            "{}:/etc/otelcol/config.yaml",
            d.path().join("observability/./otel.yaml").display()
        )
    );
    assert!(p
        .top
        .get("networks")
        .is_some_and(|n| n.get("obs").is_some()));
    assert_eq!(p.roles, vec![Role::Main, Role::Include]);
}

#[test]
fn a_project_without_services_is_invalid_but_an_override_may_have_none() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            ("docker-compose.override.yml", "networks:\n  extra: {}\n"),
        ],
    );
    let p = load(d.path());
    assert!(p.top.get("networks").is_some());
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("docker-compose.yml", "version: '3'\n")]);
    let e = load_with(d.path(), &[], &[], &[]).unwrap_err();
    assert_eq!(e.id, "compose-invalid");
    assert!(e.message.contains("defines no services"), "{}", e.message);
}

#[test]
fn variants_are_the_other_compose_files() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("docker-compose.yml", BASE),
            ("docker-compose.override.yml", BASE),
            ("docker-compose-local.yml", BASE),
            ("docker-compose.prod.yaml", BASE),
            ("compose-notes.txt", "x"),
            ("other.yml", BASE),
        ],
    );
    let names: Vec<String> = variants(d.path(), &[d.path().join("docker-compose.yml")])
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["docker-compose-local.yml", "docker-compose.prod.yaml"]
    );
}

#[test]
fn project_name_follows_compose() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("My.Cruddur_App");
    write(&dir, &[("docker-compose.yml", BASE)]);
    let p = load(&dir);
    assert_eq!(p.name(&|_| None), "mycruddur_app");
    assert_eq!(
        p.name(&|n| (n == "COMPOSE_PROJECT_NAME").then(|| "X".into())),
        "x"
    );
}
