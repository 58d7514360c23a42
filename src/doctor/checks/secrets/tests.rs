use crate::doctor::checks::compose_env::tests::{fixed, mine, only, reread};
use crate::doctor::testkit::{ok_project, ok_project_with, TestProject, KEY};
use crate::doctor::Finding;

const HEX: &str = "0123456789abcdef0123456789abcdef";
const AWS: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const HEADERS_LINE: &str =
    "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n";

fn ids(tp: &TestProject) -> Vec<&'static str> {
    mine(tp).into_iter().map(|f| f.id).collect()
}

/// No secret in anything a finding shows.
fn no_leak(found: &[Finding], secrets: &[&str]) {
    for f in found {
        let shown = format!("{} {:?} {}", f.title, f.evidence, f.fix());
        for s in secrets {
            assert!(!shown.contains(s), "{} shows a secret: {shown}", f.id);
        }
    }
}

fn compose_env(line: &str) -> TestProject {
    ok_project_with("docker-compose.yml", |t| {
        t.replace("    ports:", &format!("{line}\n    ports:"))
    })
}

#[test]
fn the_correct_project_gives_no_finding() {
    assert_eq!(ids(&ok_project()), Vec::<&str>::new());
}

#[test]
fn a_key_in_the_headers_moves_to_dotenv() {
    let tp = ok_project_with(".env", |_| "OTHER=1\n".into());
    let tp = {
        let path = tp.dir.path().join("docker-compose.yml");
        let text = tp
            .project
            .compose
            .primary()
            .text
            .replace("${HONEYCOMB_API_KEY}", KEY);
        std::fs::write(&path, text).unwrap();
        reread(tp)
    };
    let f = only(&tp, "secret-hardcoded");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(8))
    );
    no_leak(std::slice::from_ref(&f), &[KEY]);
    let tp = fixed(tp, &[f]);
    assert!(tp.project.compose.primary().text.contains(HEADERS_LINE));
    assert_eq!(
        crate::secrets::dotenv_value(&tp.project.dotenv, "HONEYCOMB_API_KEY").as_deref(),
        Some(KEY)
    );
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn literal_secrets_in_compose_variables() {
    for (line, secret) in [
        (format!("      HONEYCOMB_API_KEY: \"{KEY}\""), KEY),
        (format!("      ROLLBAR_ACCESS_TOKEN: \"{HEX}\""), HEX),
        (format!("      AWS_SECRET_ACCESS_KEY: \"{AWS}\""), AWS),
    ] {
        let tp = compose_env(&line);
        let f = only(&tp, "secret-hardcoded");
        assert_eq!(f.line, Some(9), "{line}");
        no_leak(std::slice::from_ref(&f), &[secret]);
        let name = line.trim().split(':').next().unwrap().to_string();
        let tp = fixed(tp, &[f]);
        assert!(
            tp.project
                .compose
                .primary()
                .text
                .contains(&format!("{name}: \"${{{name}}}\"")),
            "{}",
            tp.project.compose.primary().text
        );
        assert_eq!(
            crate::secrets::dotenv_value(&tp.project.dotenv, &name).as_deref(),
            Some(secret)
        );
        assert_eq!(ids(&tp), Vec::<&str>::new(), "{line}");
    }
}

#[test]
fn references_and_other_services_values() {
    let tp = compose_env("      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN:-}\"\n      AWS_SECRET_ACCESS_KEY: \"${AWS_SECRET_ACCESS_KEY:-}\"");
    assert_eq!(ids(&tp), Vec::<&str>::new());
    let tp = ok_project_with("docker-compose.yml", |t| {
        format!("{t}  xray-daemon:\n    image: amazon/aws-xray-daemon\n    environment:\n      AWS_SECRET_ACCESS_KEY: \"{AWS}\"\n")
    });
    let f = only(&tp, "secret-hardcoded");
    assert_eq!(f.line, Some(14));
    assert!(!f.fixable, "only the backend's environment is edited");
}

fn app_with(code: &str) -> TestProject {
    ok_project_with("backend-flask/app.py", |t| {
        t.replace(
            "app = Flask(__name__)\n",
            &format!("app = Flask(__name__)\n{code}\n"),
        )
    })
}

#[test]
fn literal_secrets_in_code() {
    let cases = [
        (format!("import rollbar\nrollbar.init(\n    '{HEX}',\n    'production')"), 12, 5),
        (format!("import rollbar\nrollbar.init(access_token=\"{HEX}\")"), 11, 27),
        (format!("exporter = OTLPSpanExporter(headers={{\"x-honeycomb-team\": \"{HEX}\"}})"), 10, 58),
        (format!("import os\nKEY = os.getenv(\"HONEYCOMB_API_KEY\", \"{KEY}\")"), 11, 38),
        (format!("import os\nos.environ[\"OTEL_EXPORTER_OTLP_HEADERS\"] = \"x-honeycomb-team={HEX}\""), 11, 44),
        ("import rollbar\nrollbar.init('post-server-item-token-2024')".to_string(), 11, 14),
    ];
    for (code, line, column) in cases {
        let tp = app_with(&code);
        let found = mine(&tp);
        assert_eq!(
            found.iter().map(|f| f.id).collect::<Vec<_>>(),
            ["secret-hardcoded"],
            "{code}"
        );
        let f = &found[0];
        assert_eq!(
            (f.file.as_deref(), f.line, f.column),
            (Some("backend-flask/app.py"), Some(line), Some(column)),
            "{code}"
        );
        no_leak(&found, &[KEY, HEX]);
    }
}

#[test]
fn comments_and_other_strings_in_code_are_not_secrets() {
    let code = format!("import rollbar\nimport os\n# rollbar.init('{HEX}')\n# headers = {{\"x-honeycomb-team\": \"{KEY}\"}}\nrollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production')\nTRACE_ID = \"{HEX}\"");
    let tp = app_with(&code);
    let text = tp.project.compose.primary().text.replace(
        "    ports:",
        "      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"\n    ports:",
    );
    std::fs::write(tp.dir.path().join("docker-compose.yml"), text).unwrap();
    let tp = reread(tp).with_shell(&[("ROLLBAR_ACCESS_TOKEN", HEX)]);
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn a_quoted_literal_key_in_list_form_is_fixed_once() {
    let list = "services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n      - OTEL_SERVICE_NAME=backend-flask\n      - OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io\n";
    let tp = ok_project_with("docker-compose.yml", |_| {
        format!("{list}      - OTEL_EXPORTER_OTLP_HEADERS=\"x-honeycomb-team={KEY}\"\n")
    });
    std::fs::write(tp.dir.path().join(".env"), "OTHER=1\n").unwrap();
    let tp = reread(tp);
    let found = mine(&tp);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        ["compose-list-quotes", "secret-hardcoded"]
    );
    assert!(found.iter().all(|f| f.line == Some(7)));
    no_leak(&found, &[KEY]);
    let tp = fixed(tp, &found);
    assert!(
        tp.project
            .compose
            .primary()
            .text
            .contains("- OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${HONEYCOMB_API_KEY}\n"),
        "{}",
        tp.project.compose.primary().text
    );
    assert_eq!(
        crate::secrets::dotenv_value(&tp.project.dotenv, "HONEYCOMB_API_KEY").as_deref(),
        Some(KEY)
    );
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn literal_secrets_in_dockerfile_and_gitpod() {
    let tp = ok_project_with("backend-flask/Dockerfile", |t| {
        t.replace("WORKDIR", &format!("ENV HONEYCOMB_API_KEY={KEY}\n# ENV ROLLBAR_ACCESS_TOKEN={HEX}\nARG AWS_SECRET_ACCESS_KEY=${{AWS_SECRET_ACCESS_KEY}}\nWORKDIR"))
    });
    let f = only(&tp, "secret-hardcoded");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("backend-flask/Dockerfile"), Some(2))
    );
    no_leak(&[f], &[KEY]);
    let gitpod = format!("tasks:\n  - name: keys\n    # gp env ROLLBAR_ACCESS_TOKEN=\"{KEY}\"\n    init: |\n      gp env ROLLBAR_ACCESS_TOKEN=\"{HEX}\"\n      gp env HONEYCOMB_API_KEY=$HONEYCOMB_API_KEY\n");
    let tp = ok_project_with(".gitpod.yml", |_| gitpod);
    let f = only(&tp, "secret-hardcoded");
    assert_eq!((f.file.as_deref(), f.line), (Some(".gitpod.yml"), Some(5)));
    assert!(f.title.contains("Rollbar"));
    no_leak(&[f], &[HEX]);
}

#[test]
fn dotenv_not_ignored_is_ignored_by_the_fix() {
    let tp = ok_project_with(".gitignore", |_| "node_modules\n".into());
    let f = only(&tp, "dotenv-not-ignored");
    assert_eq!((f.file.as_deref(), f.line), (Some(".env"), Some(1)));
    no_leak(std::slice::from_ref(&f), &[KEY]);
    let tp = fixed(tp, &[f]);
    assert_eq!(ids(&tp), Vec::<&str>::new());
    // Nothing secret in .env: nothing to ignore.
    let tp = ok_project_with(".gitignore", |_| String::new());
    std::fs::write(tp.dir.path().join(".env"), "FLASK_ENV=development\n").unwrap();
    let tp = reread(tp);
    assert!(!ids(&tp).contains(&"dotenv-not-ignored"));
}

#[test]
fn dotenv_permissions_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let tp = ok_project();
    std::fs::set_permissions(
        tp.dir.path().join(".env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let f = only(&tp, "dotenv-permissions");
    assert_eq!(f.file.as_deref(), Some(".env"));
    let tp = fixed(tp, &[f]);
    assert_eq!(
        std::fs::metadata(tp.dir.path().join(".env"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

#[test]
fn badly_formed_keys() {
    let spaced = format!("{} {}", &KEY[..30], &KEY[31..]);
    let cases = [
        (
            format!("HONEYCOMB_API_KEY=\"{spaced}\"\n"),
            spaced.as_str(),
            1,
        ),
        (format!("HONEYCOMB_API_KEY='\"{KEY}\"'\n"), KEY, 1),
        (format!("HONEYCOMB_API_KEY=\"{KEY}\\n\"\n"), KEY, 1),
        (
            "HONEYCOMB_API_KEY=hcxlk_01hq2rs3t4u5v6w7x8y9z0a1b2\n".to_string(),
            "hcxlk_01hq2rs3t4u5v6w7x8y9z0a1b2",
            1,
        ),
        (
            "# the key\nHONEYCOMB_API_KEY=my-honeycomb-key\n".to_string(),
            "my-honeycomb-key",
            2,
        ),
    ];
    for (env, key, line) in cases {
        let tp = ok_project_with(".env", |_| env.clone());
        let f = only(&tp, "honeycomb-key-format");
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some(".env"), Some(line)),
            "{env}"
        );
        no_leak(std::slice::from_ref(&f), &[key]);
    }
    let config = ok_project_with(".env", |_| {
        "HONEYCOMB_API_KEY=abcdefghijklmnopqrstuv\n".into()
    });
    assert_eq!(ids(&config), Vec::<&str>::new());
}

#[test]
fn a_classic_key_gets_a_dataset_header() {
    let tp = ok_project_with(".env", |_| format!("HONEYCOMB_API_KEY={HEX}\n"));
    let f = only(&tp, "honeycomb-key-classic-no-dataset");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(8))
    );
    no_leak(std::slice::from_ref(&f), &[HEX]);
    let tp = fixed(tp, &[f]);
    assert!(tp
        .project
        .compose
        .primary()
        .text
        .contains("\"x-honeycomb-team=${HONEYCOMB_API_KEY},x-honeycomb-dataset=backend-flask\""));
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

const ROLLBAR_APP: &str =
    "import os\nimport rollbar\nrollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production')";

#[test]
fn rollbar_without_a_token() {
    let f = only(&app_with(ROLLBAR_APP), "rollbar-token-missing");
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(2))
    );
    assert!(f.evidence.unwrap().contains("backend-flask/app.py:11"));
    let passed = |tp: TestProject| -> TestProject {
        let text = tp.project.compose.primary().text.replace(
            "    ports:",
            "      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"\n    ports:",
        );
        std::fs::write(tp.dir.path().join("docker-compose.yml"), text).unwrap();
        reread(tp)
    };
    // Unset in .env and shell: compose-var-unset says it, once.
    assert_eq!(ids(&passed(app_with(ROLLBAR_APP))), ["compose-var-unset"]);
    let tp = passed(app_with(ROLLBAR_APP)).with_shell(&[("ROLLBAR_ACCESS_TOKEN", HEX)]);
    assert_eq!(ids(&tp), Vec::<&str>::new());
    assert_eq!(ids(&app_with("")), Vec::<&str>::new());
}

#[test]
fn aws_credentials() {
    let tp = app_with("import watchtower\nimport logging\nlogging.getLogger().addHandler(watchtower.CloudWatchLogHandler(log_group_name='cruddur'))");
    let f = only(&tp, "aws-credentials-missing");
    // Where the variables go: the backend's environment.
    assert_eq!(
        (f.file.as_deref(), f.line),
        (Some("docker-compose.yml"), Some(4))
    );
    let creds = "      AWS_DEFAULT_REGION: \"${AWS_DEFAULT_REGION}\"\n      AWS_ACCESS_KEY_ID: \"${AWS_ACCESS_KEY_ID}\"\n      AWS_SECRET_ACCESS_KEY: \"${AWS_SECRET_ACCESS_KEY}\"\n";
    let daemon =
        format!("  xray-daemon:\n    image: \"amazon/aws-xray-daemon\"\n    environment:\n{creds}");
    let xray = "from aws_xray_sdk.core import xray_recorder\nfrom aws_xray_sdk.ext.flask.middleware import XRayMiddleware\nXRayMiddleware(app, xray_recorder)";
    let tp = app_with(xray);
    let text = format!(
        "{}{}",
        tp.project.compose.primary().text,
        daemon.replace(creds, "      AWS_REGION: \"us-east-1\"\n")
    );
    std::fs::write(tp.dir.path().join("docker-compose.yml"), &text).unwrap();
    let tp = reread(tp);
    let f = only(&tp, "aws-credentials-missing");
    assert_eq!(f.line, Some(13));
    assert!(f.title.contains("xray-daemon"));
    let text = format!("{}{daemon}", crate::doctor::testkit::COMPOSE_OK);
    std::fs::write(tp.dir.path().join("docker-compose.yml"), &text).unwrap();
    let env = format!("HONEYCOMB_API_KEY={KEY}\nAWS_DEFAULT_REGION=us-east-1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY={AWS}\n");
    std::fs::write(tp.dir.path().join(".env"), env).unwrap();
    let tp = reread(tp);
    assert_eq!(ids(&tp), Vec::<&str>::new());
}

/// A backend that mounts the AWS CLI's config directory gets its
/// credentials from there, in either volume syntax; other mounts do not.
#[test]
fn aws_credentials_from_a_mounted_config_directory() {
    let watchtower = "import watchtower\nimport logging\nlogging.getLogger().addHandler(watchtower.CloudWatchLogHandler(log_group_name='cruddur'))";
    let with_volumes = |volumes: &str| {
        let tp = app_with(watchtower);
        let text = tp
            .project
            .compose
            .primary()
            .text
            .replace("    ports:", &format!("    volumes:\n{volumes}    ports:"));
        std::fs::write(tp.dir.path().join("docker-compose.yml"), text).unwrap();
        reread(tp)
    };
    for volumes in [
        "      - ~/.aws:/root/.aws:ro\n",
        "      - type: bind\n        source: ${HOME}/.aws\n        target: /root/.aws\n",
    ] {
        let tp = with_volumes(volumes);
        assert!(
            !ids(&tp).contains(&"aws-credentials-missing"),
            "{volumes}: {:?}",
            ids(&tp)
        );
    }
    let tp = with_volumes("      - ./backend-flask:/backend-flask\n");
    only(&tp, "aws-credentials-missing");
}

/// The 2022–2023 key shape: 22 mixed-case alphanumerics.
const V1_KEY: &str = "aB3dE5fG7hI9jK1lM3nO5p";

#[test]
fn a_literal_after_the_team_header_is_a_secret_whatever_its_shape() {
    for key in [V1_KEY, "Zq3-weird.value_7", KEY] {
        let tp = ok_project_with("docker-compose.yml", |t| {
            t.replace("${HONEYCOMB_API_KEY}", key)
        });
        // An unknown shape is also honeycomb-key-format: a defect of its own.
        let f = mine(&tp)
            .into_iter()
            .find(|f| f.id == "secret-hardcoded")
            .unwrap_or_else(|| panic!("{key}: no secret-hardcoded"));
        assert_eq!(f.line, Some(8), "{key}");
        no_leak(std::slice::from_ref(&f), &[key]);
        // The fix moves it to .env, whatever its shape.
        let tp = fixed(tp, &[f]);
        assert!(
            tp.project.compose.primary().text.contains(HEADERS_LINE),
            "{key}"
        );
        assert_eq!(
            crate::secrets::dotenv_value(&tp.project.dotenv, "HONEYCOMB_API_KEY").as_deref(),
            Some(key)
        );
    }
}

#[test]
fn by_position_any_literal_value_of_a_key_variable_counts() {
    for line in [
        "      ROLLBAR_ACCESS_TOKEN: \"not-a-known-shape\"".to_string(),
        "      HONEYCOMB_API_KEY: short".to_string(),
        "      AWS_SECRET_ACCESS_KEY: \"abc123\"".to_string(),
    ] {
        assert_eq!(ids(&compose_env(&line)), ["secret-hardcoded"], "{line}");
    }
    // A reference, an empty value or another variable is no secret.
    for line in [
        "      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"",
        "      PREVIEW_URL: \"https://3000-aB3dE5fG7hI9jK1lM3nO5p.gitpod.io\"",
        "      DB_NAME: cruddurcruddurcruddur1",
    ] {
        assert!(
            !ids(&compose_env(line)).contains(&"secret-hardcoded"),
            "{line}"
        );
    }
}

#[test]
fn the_v1_key_shape_is_recognised_in_code_strings_only_with_mixed_characters() {
    let module = crate::python::analysis::Module::parse(&format!(
        "KEY = '{V1_KEY}'\nNAME = 'opentelemetryinstrument'\nX = 'ABCDEFGHIJKLMNOPQRSTUV'\n"
    ))
    .unwrap();
    let hits = super::hardcoded::python_secrets(&module);
    let found: Vec<&str> = hits.iter().map(|h| h.1.as_str()).collect();
    assert_eq!(found, [V1_KEY]);
}
