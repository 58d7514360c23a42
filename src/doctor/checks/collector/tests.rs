use super::*;
use crate::doctor::testkit::{ok_files, project, TestProject};
use crate::doctor::{Finding, Severity};
use crate::project::{discover, DiscoverOptions};

const CONFIG: &str = "otel-collector-config.yaml";

/// A correct collector config: 0.0.0.0 receivers, a Honeycomb exporter with
/// the key from the collector's environment, `debug`.
const GOOD_CONFIG: &str = "receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318

processors:
  batch:

exporters:
  otlp/honeycomb:
    endpoint: api.honeycomb.io:443
    headers:
      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}
  debug:
    verbosity: basic

service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp/honeycomb, debug]
";

/// The backend sends to the collector, which reads its config from the
/// contrib default path and has the key.
fn compose(image: &str, collector_extra: &str) -> String {
    format!(
        "services:
  backend-flask:
    build: ./backend-flask
    environment:
      OTEL_SERVICE_NAME: \"backend-flask\"
      OTEL_EXPORTER_OTLP_ENDPOINT: \"http://otel-collector:4318\"
    ports:
      - \"4567:4567\"
  otel-collector:
    image: {image}
    environment:
      HONEYCOMB_API_KEY: \"${{HONEYCOMB_API_KEY}}\"
    volumes:
      - ./{CONFIG}:/etc/otelcol-contrib/config.yaml
    ports:
      - \"4317:4317\"
      - \"4318:4318\"
{collector_extra}"
    )
}

const PINNED: &str = "otel/opentelemetry-collector-contrib:0.111.0";

fn setup(compose_text: &str, config: Option<&str>) -> TestProject {
    let mut files: Vec<(String, String)> = ok_files()
        .into_iter()
        .filter(|(p, _)| *p != "docker-compose.yml")
        .map(|(p, t)| (p.to_string(), t))
        .collect();
    files.push(("docker-compose.yml".into(), compose_text.to_string()));
    if let Some(c) = config {
        files.push((CONFIG.into(), c.to_string()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    project(&refs)
}

fn good() -> TestProject {
    setup(&compose(PINNED, ""), Some(GOOD_CONFIG))
}

/// Every finding of the Collector checks and of bind_mounts.
fn all(tp: &TestProject) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in [config, receivers, image, env, exporters, usage] {
        out.extend(tp.run(check));
    }
    out.extend(tp.run(crate::doctor::checks::compose_file::bind_mounts));
    out
}

fn ids(tp: &TestProject) -> Vec<&'static str> {
    let mut ids: Vec<_> = all(tp).iter().map(|f| f.id).collect();
    ids.sort();
    ids
}

fn with_config(edit: impl Fn(&str) -> String) -> TestProject {
    setup(&compose(PINNED, ""), Some(&edit(GOOD_CONFIG)))
}

fn replace(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |t| {
        assert!(t.contains(from), "{from:?}");
        t.replacen(from, to, 1)
    }
}

fn reread(mut tp: TestProject) -> TestProject {
    tp.project = discover(&DiscoverOptions {
        dir: tp.dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    tp
}

#[test]
fn a_correct_collector_is_clean_and_no_collector_is_skipped() {
    assert_eq!(ids(&good()), Vec::<&str>::new());
    // With no collector there is nothing to judge: every check passes.
    let tp = crate::doctor::testkit::ok_project();
    for check in [config, receivers, image, env, exporters, usage] {
        assert!(tp.checked(check).unwrap().is_empty());
    }
}

// ------------------------------------------------------------ the config

#[test]
fn a_missing_config_is_the_root_cause_not_also_a_missing_bind_mount() {
    let tp = setup(&compose(PINNED, ""), None);
    let found = all(&tp);
    assert_eq!(ids(&tp), vec!["collector-config-missing"], "{found:#?}");
    let f = &found[0];
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(14))
    );
    assert!(
        f.title.contains("./otel-collector-config.yaml"),
        "{}",
        f.title
    );
    // The checks that need the config say why they have no verdict.
    match tp.checked(receivers) {
        Err(crate::doctor::Unsure::CouldNotCheck(why)) => {
            assert!(why.contains("does not exist"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_config_flag_is_followed_through_a_directory_mount() {
    let c = compose(PINNED, "")
        .replace(
            &format!("./{CONFIG}:/etc/otelcol-contrib/config.yaml"),
            "./otel:/etc/otel",
        )
        .replace(
            "    ports:\n      - \"4317",
            "    command: [\"--config=/etc/otel/collector.yaml\"]\n    ports:\n      - \"4317",
        );
    let tp = setup(&c, None);
    assert_eq!(ids(&tp), vec!["collector-config-missing"]);
    std::fs::create_dir(tp.dir.path().join("otel")).unwrap();
    std::fs::write(tp.dir.path().join("otel/collector.yaml"), GOOD_CONFIG).unwrap();
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn a_config_flag_no_volume_provides() {
    let c = compose(PINNED, "").replace(
        "    ports:\n      - \"4317",
        "    command: --config /etc/otel/config.yaml\n    ports:\n      - \"4317",
    );
    let tp = setup(&c, Some(GOOD_CONFIG));
    let found = tp.run(config);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec!["collector-config-missing"]
    );
    assert!(
        found[0].title.contains("/etc/otel/config.yaml"),
        "{}",
        found[0].title
    );
}

#[test]
fn yaml_errors_and_pipelines_naming_undefined_components_are_invalid() {
    let tp = with_config(replace(
        "exporters:\n  otlp/honeycomb:",
        "exporters:\n otlp/honeycomb:\n   - x: [\n",
    ));
    let found = tp.run(config);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec!["collector-config-invalid"]
    );
    assert_eq!(found[0].file.as_deref(), Some(CONFIG));
    assert!(found[0].line.is_some());

    let tp = with_config(replace(
        "exporters: [otlp/honeycomb, debug]",
        "exporters: [otlphttp, debug]",
    ));
    let found = tp.run(config);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "collector-config-invalid");
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("pipeline `traces` names exporters `otlphttp`, which is not defined"));
    assert_eq!(found[0].line, Some(25));
}

#[test]
fn connectors_count_as_defined_components() {
    let cfg = GOOD_CONFIG.replace("service:\n", "connectors:\n  spanmetrics:\n\nservice:\n")
        + "    metrics:\n      receivers: [spanmetrics]\n      exporters: [debug]\n";
    let cfg = cfg.replace(
        "exporters: [otlp/honeycomb, debug]",
        "exporters: [otlp/honeycomb, debug, spanmetrics]",
    );
    let tp = setup(&compose(PINNED, ""), Some(&cfg));
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

// -------------------------------------------------------- the receivers

const NO_ENDPOINTS: &str = "receivers:
  otlp:
    protocols:
      grpc:
      http: # port 4318
        cors:
          allowed_origins: [\"*\"]
";

fn receiver_config(receivers: &str) -> String {
    let rest = GOOD_CONFIG.split_once("\nprocessors:").unwrap().1;
    format!("{receivers}\nprocessors:{rest}")
}

#[test]
fn host_less_receivers_bind_localhost_since_0_104_and_the_fix_writes_0_0_0_0() {
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib", ""),
        Some(&receiver_config(NO_ENDPOINTS)),
    );
    let found = tp.run(receivers);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.id, "collector-receiver-localhost");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!((f.file.as_deref(), f.line), (Some(CONFIG), Some(4)));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("otlp grpc: no endpoint"));
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("otlp http: no endpoint"));
    assert_eq!(f.edits.len(), 2);
    let plan = crate::doctor::fix::plan(&tp.project, &found).unwrap();
    plan.write_files().unwrap();
    let after = std::fs::read_to_string(tp.dir.path().join(CONFIG)).unwrap();
    assert!(after.starts_with("receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n      http: # port 4318\n        cors:\n          allowed_origins: [\"*\"]\n        endpoint: 0.0.0.0:4318\n"), "{after}");
    let tp = reread(tp);
    assert!(tp.run(receivers).is_empty());
    // A second --fix plans nothing.
    assert!(crate::doctor::fix::plan(&tp.project, &found)
        .unwrap()
        .is_empty());
}

#[test]
fn before_0_104_no_endpoint_is_fine_but_an_explicit_localhost_never_is() {
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:0.103.1", ""),
        Some(&receiver_config(NO_ENDPOINTS)),
    );
    assert!(tp.run(receivers).is_empty());
    let local =
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: \"localhost:4318\"\n";
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:0.88.0", ""),
        Some(&receiver_config(local)),
    );
    let found = tp.run(receivers);
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("endpoint localhost:4318"));
    let explicit = "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 0.0.0.0:4318\n      grpc:\n        endpoint: \":4317\"\n";
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib", ""),
        Some(&receiver_config(explicit)),
    );
    assert!(tp.run(receivers).is_empty());
}

// ---------------------------------------------------- image and components

#[test]
fn logging_is_gone_from_0_111_and_unpinned_images_are_today_s_release() {
    let logging = |t: &str| {
        t.replace("  debug:\n", "  logging:\n")
            .replace(", debug]", ", logging]")
    };
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib", ""),
        Some(&logging(GOOD_CONFIG)),
    );
    let mut found = tp.run(image);
    found.sort_by_key(|f| f.id);
    assert_eq!(
        found.iter().map(|f| (f.id, f.severity)).collect::<Vec<_>>(),
        vec![
            ("collector-component-removed", Severity::Error),
            ("collector-image-unpinned", Severity::Warning)
        ]
    );
    assert_eq!(
        (found[0].file.as_deref(), found[0].line),
        (Some(CONFIG), Some(17))
    );
    assert_eq!(
        (found[1].file.as_deref(), found[1].line),
        (Some("docker-compose.yml"), Some(10))
    );
    // Pinned before the removal: fine. `debug` at any release: fine.
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:0.110.0", ""),
        Some(&logging(GOOD_CONFIG)),
    );
    assert!(tp.run(image).is_empty());
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:latest", ""),
        Some(GOOD_CONFIG),
    );
    assert_eq!(
        tp.run(image).iter().map(|f| f.id).collect::<Vec<_>>(),
        vec!["collector-image-unpinned"]
    );
}

#[test]
fn jaeger_is_gone_from_0_85() {
    let cfg = GOOD_CONFIG.replace(
        "  debug:\n",
        "  jaeger:\n    endpoint: jaeger:14250\n  debug:\n",
    );
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:0.85.0", ""),
        Some(&cfg),
    );
    let found = tp.run(image);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec!["collector-component-removed"]
    );
    assert!(found[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("`jaeger` (removed in v0.85.0"));
    let tp = setup(
        &compose("otel/opentelemetry-collector-contrib:0.84.0", ""),
        Some(&cfg),
    );
    assert!(tp.run(image).is_empty());
}

#[path = "tests_env.rs"]
mod env;
