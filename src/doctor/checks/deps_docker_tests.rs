use super::tests::{assert_at, fixed, ids, only, rediscover, replace};
use crate::doctor::checks::deps;
use crate::doctor::testkit::{ok_project_with, COMPOSE_OK, REQUIREMENTS_OK};

const REQ: &str = "backend-flask/requirements.txt";
const DOCKERFILE: &str = "backend-flask/Dockerfile";
const COMPOSE: &str = "docker-compose.yml";
const INSTALL: &str = "RUN pip3 install -r requirements.txt\n";

fn dockerfile(edit: impl FnOnce(&str) -> String) -> crate::doctor::testkit::TestProject {
    ok_project_with(DOCKERFILE, edit)
}

#[test]
fn a_dockerfile_without_pip_install() {
    let f = only(
        &dockerfile(|t| replace(t, INSTALL, "")),
        "dockerfile-no-requirements",
    );
    assert_at(&f, DOCKERFILE, None);
}

#[test]
fn a_pip_install_of_single_packages_is_pointed_at() {
    let tp = dockerfile(|t| replace(t, INSTALL, "RUN pip3 install flask flask-cors\n"));
    let f = only(&tp, "dockerfile-no-requirements");
    assert_at(&f, DOCKERFILE, Some(4));
    assert_eq!(
        f.evidence.as_deref(),
        Some("backend-flask/Dockerfile:4: RUN pip3 install flask flask-cors")
    );
}

#[test]
fn a_commented_install_does_not_count() {
    let tp = dockerfile(|t| replace(t, INSTALL, "# RUN pip3 install -r requirements.txt\n"));
    only(&tp, "dockerfile-no-requirements");
}

#[test]
fn installs_over_continuation_lines_count() {
    let run = "RUN apt-get update \\\n    # a comment inside the continuation\n    && pip3 install --no-cache-dir \\\n       -r requirements.txt\n";
    assert_eq!(
        ids(&dockerfile(|t| replace(t, INSTALL, run))),
        Vec::<&str>::new()
    );
}

#[test]
fn other_installers_count() {
    for run in [
        "RUN python3 -m pip install --requirement=requirements.txt\n",
        "RUN pip install -rrequirements.txt\n",
        "RUN pip install poetry && poetry install --no-root\n",
        "RUN pip3 install --no-cache-dir .\n",
        "RUN <<EOF\nset -e\npip3 install -r requirements.txt\nEOF\n",
    ] {
        assert_eq!(
            ids(&dockerfile(|t| replace(t, INSTALL, run))),
            Vec::<&str>::new(),
            "{run}"
        );
    }
}

const AUTO: &str = r#"CMD ["opentelemetry-instrument", "python3", "-m", "flask", "run", "--host=0.0.0.0", "--port=4567"]"#;
const CMD: &str = r#"CMD [ "python3", "-m" , "flask", "run", "--host=0.0.0.0", "--port=4567"]"#;
const HTTP: &str = "      OTEL_EXPORTER_OTLP_PROTOCOL: \"http/protobuf\"\n    ports:";

/// Auto-instrumentation over HTTP, with `distro` added when asked: apart
/// from what a test changes, nothing to report.
fn auto(cmd: &str, compose_extra: &str, distro: bool) -> crate::doctor::testkit::TestProject {
    let tp = dockerfile(|t| replace(t, CMD, cmd));
    let compose = replace(COMPOSE_OK, "    ports:", &format!("{compose_extra}{HTTP}"));
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    let req = match distro {
        true => format!("{REQUIREMENTS_OK}opentelemetry-distro\n"),
        false => REQUIREMENTS_OK.to_string(),
    };
    std::fs::write(tp.dir.path().join(REQ), req).unwrap();
    rediscover(tp)
}

#[test]
fn instrument_without_distro_in_the_dockerfile() {
    let tp = auto(AUTO, "", false);
    let f = only(&tp, "instrument-without-distro");
    assert_at(&f, DOCKERFILE, Some(6));
    let tp = fixed(tp, &[f]);
    assert!(tp.ids(deps::dockerfile).is_empty());
    assert!(std::fs::read_to_string(tp.dir.path().join(REQ))
        .unwrap()
        .ends_with("opentelemetry-distro\n"));
}

#[test]
fn instrument_without_distro_in_the_compose_command() {
    let command = "    command: opentelemetry-instrument gunicorn -b 0.0.0.0:4567 app:app\n";
    let tp = auto(CMD, "", false);
    let compose = replace(
        &std::fs::read_to_string(tp.dir.path().join(COMPOSE)).unwrap(),
        "    ports:",
        &format!("{command}    ports:"),
    );
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    let f = only(&rediscover(tp), "instrument-without-distro");
    assert_at(&f, COMPOSE, Some(10));
}

#[test]
fn auto_instrumentation_with_distro_is_clean() {
    assert_eq!(ids(&auto(AUTO, "", true)), Vec::<&str>::new());
}

const DEBUG: &str =
    r#"CMD ["opentelemetry-instrument", "flask", "run", "--debug", "--host=0.0.0.0"]"#;

#[test]
fn reloader_from_the_debug_flag() {
    let f = only(
        &auto(DEBUG, "", true),
        "flask-reloader-auto-instrumentation",
    );
    assert_at(&f, DOCKERFILE, Some(6));
    assert!(f.evidence.unwrap().contains("`--debug` in the command"));
}

#[test]
fn no_reload_turns_it_off() {
    let cmd = replace(DEBUG, "\"--debug\"", "\"--debug\", \"--no-reload\"");
    assert_eq!(ids(&auto(&cmd, "", true)), Vec::<&str>::new());
}

#[test]
fn reloader_from_flask_debug_in_list_form_environment() {
    let tp = auto(AUTO, "", true);
    let compose = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      - OTEL_SERVICE_NAME=backend-flask\n      - OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n      - FLASK_DEBUG=1\n";
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    let f = only(&rediscover(tp), "flask-reloader-auto-instrumentation");
    assert!(f
        .evidence
        .unwrap()
        .contains("FLASK_DEBUG=1 (docker-compose.yml:7)"));
}

#[test]
fn flask_debug_zero_is_off() {
    let extra = "      FLASK_DEBUG: \"0\"\n";
    assert_eq!(ids(&auto(AUTO, extra, true)), Vec::<&str>::new());
}

#[test]
fn reloader_from_dockerfile_env() {
    let tp = auto(AUTO, "", true);
    let df = replace(
        &std::fs::read_to_string(tp.dir.path().join(DOCKERFILE)).unwrap(),
        "COPY . .\n",
        "COPY . .\nENV FLASK_DEBUG=1 PORT=4567\n",
    );
    std::fs::write(tp.dir.path().join(DOCKERFILE), df).unwrap();
    let f = only(&rediscover(tp), "flask-reloader-auto-instrumentation");
    assert_at(&f, DOCKERFILE, Some(7));
    assert!(f
        .evidence
        .unwrap()
        .contains("FLASK_DEBUG=1 (backend-flask/Dockerfile:6)"));
}

#[test]
fn flask_env_counts_only_below_flask_2_3() {
    let extra = "      FLASK_ENV: development\n";
    assert_eq!(ids(&auto(AUTO, extra, true)), Vec::<&str>::new());
    let tp = auto(AUTO, extra, true);
    let req = replace(
        &std::fs::read_to_string(tp.dir.path().join(REQ)).unwrap(),
        "flask\n",
        "flask<2.3\n",
    );
    std::fs::write(tp.dir.path().join(REQ), req).unwrap();
    let f = only(&rediscover(tp), "flask-reloader-auto-instrumentation");
    assert!(f.evidence.unwrap().contains("FLASK_ENV=development"));
}

#[test]
fn the_escape_directive_changes_the_continuation_character() {
    let tp = dockerfile(|t| {
        let t = replace(
            t,
            INSTALL,
            "RUN apt-get update `\n    && pip3 install -r requirements.txt\n",
        );
        format!("# escape=`\n{t}")
    });
    assert_eq!(ids(&tp), Vec::<&str>::new());
    let tp = dockerfile(|t| {
        replace(
            t,
            INSTALL,
            "RUN apt-get update `\n    && pip3 install -r requirements.txt\n",
        )
    });
    // Without the directive the backtick continues nothing: `&& pip3 …`
    // is a line of its own, not part of a RUN.
    only(&tp, "dockerfile-no-requirements");
}

#[test]
fn every_real_way_of_installing_counts() {
    for run in [
        "RUN uv pip sync requirements.txt\n",
        "RUN pip install pipenv && pipenv install --system --deploy\n",
        "RUN pip3 install --no-cache-dir $(grep -v '^#' requirements.txt)\n",
        "RUN python -m pip install --user -r requirements.txt\n",
    ] {
        assert_eq!(
            ids(&dockerfile(|t| replace(t, INSTALL, run))),
            Vec::<&str>::new(),
            "{run}"
        );
    }
}

#[test]
fn a_wheel_stage_counts() {
    let df = "FROM python:3.10-slim AS wheels\nWORKDIR /w\nCOPY requirements.txt .\nRUN pip wheel --wheel-dir /wheels -r requirements.txt\n\nFROM python:3.10-slim\nCOPY --from=wheels /wheels /wheels\nRUN pip install --no-index /wheels/*\nWORKDIR /backend-flask\nCOPY . .\nCMD [\"python3\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\"]\n";
    assert_eq!(ids(&dockerfile(|_| df.to_string())), Vec::<&str>::new());
    // Wheels built but never installed: still nothing in the final image.
    let built_only = df.replace("RUN pip install --no-index /wheels/*\n", "");
    only(&dockerfile(|_| built_only), "dockerfile-no-requirements");
}

#[test]
fn a_start_script_or_the_compose_command_that_installs_counts() {
    let tp = dockerfile(|t| replace(&replace(t, INSTALL, ""), CMD, "CMD [\"./start.sh\"]"));
    std::fs::write(
        tp.dir.path().join("backend-flask/start.sh"),
        "#!/bin/sh\nset -e\npip3 install -r requirements.txt\nexec python3 -m flask run --host=0.0.0.0 --port=4567\n",
    )
    .unwrap();
    assert_eq!(ids(&rediscover(tp)), Vec::<&str>::new());
    // A start script that only starts the app does not.
    let tp = dockerfile(|t| replace(&replace(t, INSTALL, ""), CMD, "CMD [\"./start.sh\"]"));
    std::fs::write(
        tp.dir.path().join("backend-flask/start.sh"),
        "#!/bin/sh\nexec python3 -m flask run --host=0.0.0.0 --port=4567\n",
    )
    .unwrap();
    only(&rediscover(tp), "dockerfile-no-requirements");
    // compose `command: sh -c "pip install -r requirements.txt && flask run"`.
    let tp = dockerfile(|t| replace(t, INSTALL, ""));
    let compose = replace(
        COMPOSE_OK,
        "    ports:",
        "    command: sh -c \"pip3 install -r requirements.txt && python3 -m flask run --host=0.0.0.0\"\n    ports:",
    );
    std::fs::write(tp.dir.path().join(COMPOSE), compose).unwrap();
    assert_eq!(ids(&rediscover(tp)), Vec::<&str>::new());
}

#[test]
fn env_with_spaces_around_the_equals_sign() {
    let tp = dockerfile(|t| {
        replace(
            t,
            "COPY . .\n",
            "COPY . .\nENV FLASK_ENV = development\nENV PYTHONUNBUFFERED=1\n",
        )
    });
    let f = only(&tp, "dockerfile-env-spaced");
    assert_at(&f, DOCKERFILE, Some(6));
    assert_eq!(
        f.title,
        "`ENV FLASK_ENV = development` sets FLASK_ENV to `= development`"
    );
    assert_eq!(f.severity, crate::doctor::Severity::Warning);
    // `KEY=value`, `KEY="a b"` and the legacy `KEY value` form are right.
    let tp = dockerfile(|t| {
        replace(
            t,
            "COPY . .\n",
            "COPY . .\nENV FLASK_ENV=development PORT=\"4567\"\nENV OTEL_SERVICE_NAME backend-flask\nENV GREETING=\"a = b\"\n",
        )
    });
    assert_eq!(ids(&tp), Vec::<&str>::new());
}
