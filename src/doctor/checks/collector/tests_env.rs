//! The collector's environment, its exporters to Honeycomb, and whether
//! anything sends to it.

use super::*;

// ------------------------------------------------------------ environment

#[test]
fn a_variable_the_collector_service_does_not_set() {
    let c = compose(PINNED, "").replace(
        "    environment:\n      HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"\n    volumes:",
        "    volumes:",
    );
    let tp = setup(&c, Some(GOOD_CONFIG));
    let found = tp.run(env);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.id, "collector-env-unset");
    assert_eq!((f.file.as_deref(), f.line), (Some(CONFIG), Some(16)));
    assert!(
        f.fix()
            .contains("`HONEYCOMB_API_KEY` to the environment of the `otel-collector` service"),
        "{}",
        f.fix()
    );
    assert!(f
        .evidence
        .as_deref()
        .unwrap()
        .contains("sets no environment at all"));
    // Set on the backend instead: still not the collector's.
    let c = c.replace(
        "      OTEL_SERVICE_NAME",
        "      HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"\n      OTEL_SERVICE_NAME",
    );
    let tp = setup(&c, Some(GOOD_CONFIG));
    assert_eq!(tp.run(env).len(), 1);
}

#[test]
fn unset_only_in_this_shell_is_said_so_and_dotenv_or_env_file_or_a_default_is_enough() {
    // The collector passes ${HONEYCOMB_API_KEY}, which neither this shell
    // nor .env has.
    let tp = good();
    std::fs::remove_file(tp.dir.path().join(".env")).unwrap();
    let tp = reread(tp);
    let found = tp.run(env);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].title.starts_with("in this shell"),
        "{}",
        found[0].title
    );
    assert!(found[0]
        .title
        .contains("`HONEYCOMB_API_KEY` is not set in this shell or the project .env"));
    // With the key in .env or the shell: nothing.
    let tp = reread(tp).with_shell(&[("HONEYCOMB_API_KEY", "x")]);
    assert!(tp.run(env).is_empty());
    assert!(good().run(env).is_empty());
    // From an env_file of the collector.
    let c = compose(PINNED, "").replace(
        "    environment:\n      HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"\n",
        "    env_file: collector.env\n",
    );
    let tp = setup(&c, Some(GOOD_CONFIG));
    std::fs::write(
        tp.dir.path().join("collector.env"),
        "HONEYCOMB_API_KEY=abc\n",
    )
    .unwrap();
    assert!(tp.run(env).is_empty());
    // A default in the config.
    let tp = setup(
        &compose(PINNED, "").replace(
            "    environment:\n      HONEYCOMB_API_KEY: \"${HONEYCOMB_API_KEY}\"\n",
            "",
        ),
        Some(&GOOD_CONFIG.replace("${env:HONEYCOMB_API_KEY}", "${env:HONEYCOMB_API_KEY:-none}")),
    );
    assert!(tp.run(env).is_empty());
}

#[test]
fn a_shell_variable_the_backend_also_uses_is_left_to_compose_var_unset() {
    let c = compose(PINNED, "").replace(
        "      OTEL_SERVICE_NAME",
        "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n      OTEL_SERVICE_NAME",
    );
    let no_dotenv = |tp: TestProject| {
        std::fs::remove_file(tp.dir.path().join(".env")).unwrap();
        reread(tp)
    };
    assert!(no_dotenv(setup(&c, Some(GOOD_CONFIG))).run(env).is_empty());
    // Without the backend's use, the collector's finding is the only one.
    assert_eq!(no_dotenv(good()).run(env).len(), 1);
}

// --------------------------------------------------------------- exporters

#[test]
fn a_honeycomb_exporter_without_the_team_header() {
    let tp = with_config(replace(
        "    headers:\n      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}\n",
        "",
    ));
    let found = tp.run(exporters);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec!["collector-honeycomb-headers-missing"]
    );
    assert_eq!(found[0].line, Some(13));
    // otlphttp with a quoted, capitalised header is right; another backend needs none.
    let tp = with_config(replace(
        "  otlp/honeycomb:\n    endpoint: api.honeycomb.io:443\n    headers:\n      x-honeycomb-team:",
        "  otlp/honeycomb:\n    endpoint: jaeger:4317\n  otlphttp:\n    endpoint: https://api.eu1.honeycomb.io\n    headers:\n      \"X-Honeycomb-Team\":",
    ));
    let cfg = std::fs::read_to_string(tp.dir.path().join(CONFIG))
        .unwrap()
        .replace(
            "[otlp/honeycomb, debug]",
            "[otlp/honeycomb, otlphttp, debug]",
        );
    std::fs::write(tp.dir.path().join(CONFIG), cfg).unwrap();
    assert!(tp.run(exporters).is_empty());
}

// ------------------------------------------------------------------- usage

#[test]
fn a_collector_nothing_sends_to() {
    let c = compose(PINNED, "").replace("http://otel-collector:4318", "https://api.honeycomb.io");
    let tp = setup(&c, Some(GOOD_CONFIG));
    let found = tp.run(usage);
    assert_eq!(
        found.iter().map(|f| (f.id, f.severity)).collect::<Vec<_>>(),
        vec![("collector-unused", Severity::Warning)]
    );
    assert_eq!(
        (found[0].file.as_deref(), found[0].line),
        (Some("docker-compose.yml"), Some(9))
    );
    // A browser frontend sending through the published port (or the
    // workspace URL of that port) uses it.
    for url in [
        "http://localhost:4318/v1/traces",
        "https://4318-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}",
        "https://${CODESPACE_NAME}-4318.${GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN}",
    ] {
        let extra = format!("  frontend-react-js:\n    image: node:16.18\n    environment:\n      REACT_APP_OTEL_COLLECTOR_URL: \"{url}\"\n");
        let tp = setup(&format!("{c}{extra}"), Some(GOOD_CONFIG));
        assert!(tp.run(usage).is_empty(), "{url}");
    }
    // The backend's own localhost is not the collector.
    let c2 = c.replace("https://api.honeycomb.io", "http://localhost:4318");
    assert_eq!(setup(&c2, Some(GOOD_CONFIG)).run(usage).len(), 1);
}
