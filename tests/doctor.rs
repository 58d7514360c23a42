//! doctor over the correct week-2 project and one small defect per failure
//! id: the id at the right file and line, nothing else wrong, and `--fix`
//! repairing what is marked fixable.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn doctor_json(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut run = cruddur(&["doctor", "--offline", "--json"]).dir(dir);
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    let v: Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout(), out.stderr()));
    (out.code(), v, out.all())
}

fn findings(v: &Value) -> Vec<Value> {
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn the_correct_project_is_clean() {
    let tmp = week2_with_keys();
    let (code, v, all) = doctor_json(tmp.path(), &[]);
    let problems: Vec<_> = findings(&v)
        .into_iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["could_not_check"], 0, "{all}");
    assert!(!all.contains(KEY) && !all.contains(ROLLBAR_TOKEN) && !all.contains(AWS_SECRET));
    let text = cruddur(&["doctor", "--offline"])
        .dir(tmp.path())
        .run()
        .expect_code(0)
        .stdout();
    assert!(
        text.contains("[✓] Compose environment") && text.contains("No issues found"),
        "{text}"
    );
    assert!(text.contains("[-] Network"), "{text}");
}

type Edit = fn(&Path);

fn edit(dir: &Path, file: &str, f: impl FnOnce(&str) -> String) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    let after = f(&text);
    assert_ne!(after, text, "the edit of {file} changed nothing");
    std::fs::write(p, after).unwrap();
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    edit(dir, file, |t| {
        assert!(t.contains(from), "{file} has no {from:?}");
        t.replacen(from, to, 1)
    });
}

const COMPOSE: &str = "docker-compose.yml";
const APP: &str = "backend-flask/app.py";
const REQS: &str = "backend-flask/requirements.txt";
const DOCKERFILE: &str = "backend-flask/Dockerfile";

struct Case {
    id: &'static str,
    file: &'static str,
    /// The finding's line is the first line of `file` containing this.
    needle: Option<&'static str>,
    edit: Edit,
    /// Other ids the same defect rightly causes.
    also: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            id: "env-name-typo",
            file: COMPOSE,
            needle: Some("OTEL-SERVICE-NAME"),
            edit: |d| replace(d, COMPOSE, "OTEL_SERVICE_NAME:", "OTEL-SERVICE-NAME:"),
            also: &["otel-service-name-missing"],
        },
        Case {
            id: "otel-endpoint-signal-path",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_ENDPOINT"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "\"https://api.honeycomb.io\"",
                    "\"https://api.honeycomb.io/v1/traces\"",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-traces-endpoint-no-path",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "OTEL_EXPORTER_OTLP_ENDPOINT:",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-endpoint-invalid",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_ENDPOINT"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "\"https://api.honeycomb.io\"",
                    "\"https://ui.honeycomb.io\"",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-endpoint-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"\n",
                    "",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-headers-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n",
                    "",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-headers-malformed",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_HEADERS"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "x-honeycomb-team=${HONEYCOMB_API_KEY}",
                    "x-honeycomb-api-key=${HONEYCOMB_API_KEY}",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-service-name-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      OTEL_SERVICE_NAME: \"backend-flask\"\n",
                    "",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-protocol-mismatch",
            file: COMPOSE,
            // The http exporter built in app.py posting to a port that speaks gRPC.
            needle: Some("OTEL_EXPORTER_OTLP_ENDPOINT"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "\"https://api.honeycomb.io\"",
                    "\"http://otel-collector:4317\"",
                )
            },
            also: &[],
        },
        Case {
            id: "otel-disabled",
            file: COMPOSE,
            needle: Some("OTEL_SDK_DISABLED"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      OTEL_SERVICE_NAME:",
                    "      OTEL_SDK_DISABLED: \"true\"\n      OTEL_SERVICE_NAME:",
                )
            },
            also: &[],
        },
        Case {
            id: "compose-var-unset",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_HEADERS"),
            edit: |d| {
                edit(d, ".env", |t| {
                    t.lines()
                        .filter(|l| !l.starts_with("HONEYCOMB_API_KEY="))
                        .map(|l| format!("{l}\n"))
                        .collect()
                })
            },
            also: &[],
        },
        Case {
            id: "env-file-missing",
            file: COMPOSE,
            needle: Some("env_file"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "    build: ./backend-flask\n",
                    "    build: ./backend-flask\n    env_file: backend.env\n",
                )
            },
            also: &[],
        },
        Case {
            id: "compose-list-quotes",
            file: COMPOSE,
            needle: Some("- OTEL_SERVICE_NAME="),
            edit: |d| {
                edit(d, COMPOSE, |t| {
                    // The backend's environment in list form, one value quoted the way people do.
                    let mut out = String::new();
                    let mut in_backend_env = false;
                    for line in t.split_inclusive('\n') {
                        if line == "  backend-flask:\n" {
                            in_backend_env = false;
                        }
                        if line == "    environment:\n" && out.ends_with("  backend-flask:\n") {
                            in_backend_env = true;
                            out.push_str(line);
                            continue;
                        }
                        if in_backend_env && line.starts_with("      ") {
                            let (k, v) = line.trim().split_once(": ").unwrap();
                            let v = v.trim_matches('"');
                            let v = if k == "OTEL_SERVICE_NAME" {
                                format!("\"{v}\"")
                            } else {
                                v.to_string()
                            };
                            out.push_str(&format!("      - {k}={v}\n"));
                            continue;
                        }
                        in_backend_env = false;
                        out.push_str(line);
                    }
                    out
                })
            },
            also: &[],
        },
        Case {
            id: "secret-hardcoded",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_HEADERS"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "x-honeycomb-team=${HONEYCOMB_API_KEY}",
                    &format!("x-honeycomb-team={KEY}"),
                )
            },
            also: &[],
        },
        Case {
            id: "dotenv-not-ignored",
            file: ".env",
            needle: None,
            edit: |d| std::fs::remove_file(d.join(".gitignore")).unwrap(),
            also: &[],
        },
        Case {
            id: "dotenv-permissions",
            file: ".env",
            needle: None,
            edit: |d| {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(d.join(".env"), std::fs::Permissions::from_mode(0o644))
                    .unwrap()
            },
            also: &[],
        },
        Case {
            id: "honeycomb-key-format",
            file: ".env",
            needle: Some("HONEYCOMB_API_KEY="),
            edit: |d| {
                edit(d, ".env", |t| {
                    t.replace(
                        &format!("HONEYCOMB_API_KEY={KEY}"),
                        "HONEYCOMB_API_KEY=not-a-honeycomb-key",
                    )
                })
            },
            also: &[],
        },
        Case {
            id: "honeycomb-key-classic-no-dataset",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_HEADERS"),
            edit: |d| {
                edit(d, ".env", |t| {
                    t.replace(
                        &format!("HONEYCOMB_API_KEY={KEY}"),
                        "HONEYCOMB_API_KEY=fedcba9876543210fedcba9876543210",
                    )
                })
            },
            also: &[],
        },
        Case {
            id: "rollbar-token-missing",
            file: COMPOSE,
            needle: Some("  backend-flask:"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      ROLLBAR_ACCESS_TOKEN: \"${ROLLBAR_ACCESS_TOKEN}\"\n",
                    "",
                )
            },
            also: &[],
        },
        Case {
            id: "aws-credentials-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "      AWS_DEFAULT_REGION: \"${AWS_DEFAULT_REGION}\"\n",
                    "",
                )
            },
            also: &[],
        },
        Case {
            id: "requirements-missing-otel",
            file: REQS,
            needle: None,
            edit: |d| replace(d, REQS, "opentelemetry-sdk\n", ""),
            also: &[],
        },
        Case {
            id: "requirements-exporter-mismatch",
            file: REQS,
            needle: Some("opentelemetry-exporter-otlp-proto-http"),
            edit: |d| {
                replace(
                    d,
                    APP,
                    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
                    "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
                )
            },
            also: &[],
        },
        Case {
            id: "requirements-version-skew",
            file: REQS,
            needle: Some("opentelemetry-instrumentation-flask"),
            edit: |d| {
                edit(d, REQS, |t| {
                    t.replace("opentelemetry-api\n", "opentelemetry-api==1.24.0\n")
                        .replace(
                            "opentelemetry-instrumentation-flask\n",
                            "opentelemetry-instrumentation-flask==0.44b0\n",
                        )
                })
            },
            also: &[],
        },
        Case {
            id: "requirements-missing-provider",
            file: APP,
            needle: Some("import rollbar"),
            edit: |d| replace(d, REQS, "rollbar\n", ""),
            also: &[],
        },
        Case {
            id: "dockerfile-no-requirements",
            file: DOCKERFILE,
            needle: None,
            edit: |d| replace(d, DOCKERFILE, "RUN pip3 install -r requirements.txt\n", ""),
            also: &[],
        },
        Case {
            id: "tracer-provider-not-set",
            file: APP,
            needle: Some("provider = TracerProvider()"),
            edit: |d| replace(d, APP, "trace.set_tracer_provider(provider)\n", ""),
            also: &[],
        },
        Case {
            id: "span-processor-missing",
            file: APP,
            needle: Some("provider = TracerProvider()"),
            edit: |d| replace(d, APP, "provider.add_span_processor(processor)\n", ""),
            also: &[],
        },
        Case {
            id: "flask-not-instrumented",
            file: APP,
            needle: None,
            edit: |d| replace(d, APP, "FlaskInstrumentor().instrument_app(app)\n", ""),
            also: &[],
        },
        Case {
            id: "flask-instrumented-before-app",
            file: APP,
            needle: Some("FlaskInstrumentor().instrument_app(app)"),
            edit: |d| {
                edit(d, APP, |t| {
                    t.replacen("FlaskInstrumentor().instrument_app(app)\n", "", 1)
                        .replacen(
                            "app = Flask(__name__)\n",
                            "FlaskInstrumentor().instrument_app(app)\napp = Flask(__name__)\n",
                            1,
                        )
                })
            },
            also: &[],
        },
        Case {
            id: "flask-before-first-request",
            file: APP,
            needle: Some("@app.before_first_request"),
            edit: |d| {
                replace(d, APP, "\n@app.route('/rollbar/test')", "\n@app.before_first_request\ndef warm_up():\n    pass\n\n@app.route('/rollbar/test')")
            },
            also: &[],
        },
        Case {
            id: "rollbar-not-initialized",
            file: APP,
            needle: Some("import rollbar"),
            edit: |d| replace(d, APP, "  rollbar.init(", "  print("),
            also: &[],
        },
        Case {
            id: "xray-middleware-before-app",
            file: APP,
            needle: Some("XRayMiddleware(app, xray_recorder)"),
            edit: |d| {
                edit(d, APP, |t| {
                    t.replacen("XRayMiddleware(app, xray_recorder)\n", "", 1)
                        .replacen(
                            "app = Flask(__name__)\n",
                            "XRayMiddleware(app, xray_recorder)\napp = Flask(__name__)\n",
                            1,
                        )
                })
            },
            also: &[],
        },
        Case {
            id: "xray-daemon-region-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| replace(d, COMPOSE, "      AWS_REGION: \"us-east-1\"\n", ""),
            also: &[],
        },
        Case {
            id: "watchtower-deprecated-arg",
            file: APP,
            needle: Some("CloudWatchLogHandler"),
            edit: |d| replace(d, APP, "log_group_name='cruddur'", "log_group='cruddur'"),
            also: &[],
        },
        Case {
            // libyaml reports an unclosed flow sequence where the next line starts.
            id: "compose-invalid",
            file: COMPOSE,
            needle: Some("    volumes:"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "    ports:\n      - \"4567:4567\"\n",
                    "    ports: [\"4567:4567\"\n",
                )
            },
            also: &[],
        },
        Case {
            id: "compose-missing",
            file: ".",
            needle: None,
            edit: |d| std::fs::remove_file(d.join(COMPOSE)).unwrap(),
            also: &[],
        },
        Case {
            id: "backend-service-missing",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                edit(d, COMPOSE, |t| {
                    t.replacen("  backend-flask:\n", "  api:\n", 1).replacen(
                        "    build: ./backend-flask\n",
                        "    image: cruddur/api\n",
                        1,
                    )
                })
            },
            also: &[],
        },
        Case {
            id: "requirements-missing",
            file: "backend-flask",
            needle: None,
            edit: |d| std::fs::remove_file(d.join(REQS)).unwrap(),
            also: &["dockerfile-no-requirements"],
        },
        Case {
            id: "env-file-not-interpolated",
            file: COMPOSE,
            needle: Some("OTEL_EXPORTER_OTLP_HEADERS"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "    build: ./backend-flask\n",
                    "    build: ./backend-flask\n    env_file: backend.env\n",
                );
                std::fs::write(d.join("backend.env"), format!("HONEYCOMB_API_KEY={KEY}\n"))
                    .unwrap();
                edit(d, ".env", |t| {
                    t.lines()
                        .filter(|l| !l.starts_with("HONEYCOMB_API_KEY="))
                        .map(|l| format!("{l}\n"))
                        .collect()
                });
            },
            also: &[],
        },
        Case {
            id: "env-on-wrong-service",
            file: COMPOSE,
            needle: None,
            edit: |d| {
                let otel = "      OTEL_SERVICE_NAME: \"backend-flask\"\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"https://api.honeycomb.io\"\n      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n";
                edit(d, COMPOSE, |t| {
                    t.replacen(otel, "", 1).replacen(
                        "      REACT_APP_BACKEND_URL:",
                        &format!("{otel}      REACT_APP_BACKEND_URL:"),
                        1,
                    )
                });
            },
            also: &[
                "otel-endpoint-missing",
                "otel-headers-missing",
                "otel-service-name-missing",
            ],
        },
        Case {
            id: "otlp-exporter-missing",
            file: APP,
            needle: None,
            edit: |d| {
                edit(d, APP, |t| {
                    t.replacen("BatchSpanProcessor(OTLPSpanExporter())", "BatchSpanProcessor(ConsoleSpanExporter())", 1).replacen("from opentelemetry.sdk.trace.export import BatchSpanProcessor\n", "from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter\n", 1)
                })
            },
            also: &[],
        },
        Case {
            id: "requests-not-instrumented",
            file: APP,
            needle: None,
            edit: |d| replace(d, APP, "RequestsInstrumentor().instrument()\n", ""),
            also: &[],
        },
        Case {
            id: "console-exporter-enabled",
            file: APP,
            needle: Some("ConsoleSpanExporter()"),
            edit: |d| {
                edit(d, APP, |t| {
                    t.replacen("provider.add_span_processor(processor)\n", "provider.add_span_processor(processor)\nprovider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))\n", 1).replacen("from opentelemetry.sdk.trace.export import BatchSpanProcessor\n", "from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor\n", 1)
                })
            },
            also: &[],
        },
        Case {
            id: "xray-daemon-missing",
            file: APP,
            needle: Some("XRayMiddleware(app, xray_recorder)"),
            edit: |d| {
                edit(d, COMPOSE, |t| {
                    let start = t.find("  xray-daemon:\n").unwrap();
                    let end = start + t[start..].find("\n\n").unwrap() + 1;
                    format!("{}{}", &t[..start], &t[end..]).replacen(
                        "      AWS_XRAY_DAEMON_ADDRESS: \"xray-daemon:2000\"\n",
                        "",
                        1,
                    )
                })
            },
            also: &[],
        },
        Case {
            id: "xray-daemon-command-ignored",
            file: COMPOSE,
            needle: Some("command: [\"xray -o"),
            edit: |d| {
                replace(
                    d,
                    COMPOSE,
                    "    command:\n      - \"-o\"\n      - \"-b\"\n      - \"xray-daemon:2000\"\n",
                    "    command: [\"xray -o -b xray-daemon:2000\"]\n",
                )
            },
            also: &[],
        },
        Case {
            id: "instrument-without-distro",
            file: DOCKERFILE,
            needle: Some("opentelemetry-instrument"),
            edit: |d| {
                replace(
                    d,
                    DOCKERFILE,
                    "CMD [ \"python3\", \"-m\" , \"flask\", \"run\"",
                    "CMD [ \"opentelemetry-instrument\", \"python3\", \"-m\" , \"flask\", \"run\"",
                )
            },
            also: &["otel-protocol-mismatch", "requirements-exporter-mismatch"],
        },
        Case {
            id: "gunicorn-fork-unsafe",
            file: APP,
            needle: Some("provider = TracerProvider()"),
            edit: |d| {
                replace(d, DOCKERFILE, "CMD [ \"python3\", \"-m\" , \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]", "CMD [\"gunicorn\", \"--preload\", \"-b\", \"0.0.0.0:4567\", \"app:app\"]");
                edit(d, REQS, |t| format!("{t}gunicorn\n"));
            },
            also: &[],
        },
    ]
}

#[test]
fn each_defect_is_named_at_its_place_and_fixable_ones_are_fixed() {
    let mut failures = Vec::new();
    for case in cases() {
        let tmp = week2_with_keys();
        let dir = tmp.path();
        (case.edit)(dir);
        let (code, v, all) = doctor_json(dir, &[]);
        let found = findings(&v);
        let Some(f) = found.iter().find(|f| f["id"] == case.id) else {
            failures.push(format!(
                "{}: not reported; got {:?}",
                case.id,
                found.iter().map(|f| f["id"].clone()).collect::<Vec<_>>()
            ));
            continue;
        };
        if f["file"] != case.file {
            failures.push(format!(
                "{}: file {} (want {})",
                case.id, f["file"], case.file
            ));
        }
        if let Some(needle) = case.needle {
            let text = std::fs::read_to_string(dir.join(case.file)).unwrap();
            let want = text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
            if f["line"].as_u64().map(|l| l as usize) != want {
                failures.push(format!("{}: line {} (want {want:?})", case.id, f["line"]));
            }
        }
        let others: Vec<_> = found
            .iter()
            .filter(|g| {
                g["severity"] == "error"
                    && g["id"] != case.id
                    && !case.also.contains(&g["id"].as_str().unwrap())
            })
            .map(|g| g["id"].clone())
            .collect();
        if !others.is_empty() {
            failures.push(format!("{}: other errors {others:?}", case.id));
        }
        let severity = f["severity"].as_str().unwrap();
        if severity == "error" && code != 1 {
            failures.push(format!("{}: exit {code}", case.id));
        }
        if all.contains(KEY) || all.contains(ROLLBAR_TOKEN) || all.contains(AWS_SECRET) {
            failures.push(format!("{}: a secret leaked", case.id));
        }
        if f["fixable"] == true {
            cruddur(&["doctor", "--offline", "--fix", "--yes"])
                .dir(dir)
                .run();
            let (_, v, _) = doctor_json(dir, &[]);
            let after = findings(&v);
            if after.iter().any(|g| g["id"] == case.id) {
                failures.push(format!("{}: still reported after --fix", case.id));
            }
            let new: Vec<_> = after
                .iter()
                .filter(|g| g["severity"] != "info" && !found.iter().any(|h| h["id"] == g["id"]))
                .map(|g| g["id"].clone())
                .collect();
            if !new.is_empty() {
                failures.push(format!("{}: --fix introduced {new:?}", case.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn text_output_groups_by_category_with_one_summary_line_and_colour_only_when_asked() {
    let tmp = copy_fixture("cruddur-week1");
    let plain = cruddur(&["doctor", "--offline"])
        .dir(tmp.path())
        .run()
        .expect_code(1)
        .stdout();
    assert!(
        !plain.contains('\x1b'),
        "no colour without a terminal:\n{plain}"
    );
    assert!(
        plain.contains("[✗] Compose environment") && plain.contains("[✓] Backend code"),
        "{plain}"
    );
    assert!(
        plain.contains("✗ otel-endpoint-missing") && plain.contains("fix:"),
        "{plain}"
    );
    let last: Vec<&str> = plain.trim_end().lines().rev().take(3).collect();
    assert_eq!(last[0], "explain any id: cruddur-obs explain <id>");
    assert_eq!(last[1], "! Doctor found issues in 1 category (2 errors, 1 warning). 3 skipped. 3 fixable with `cruddur-obs doctor --fix`.");
    assert_eq!(last[2], "", "one summary line, set apart");
    let coloured = cruddur(&["doctor", "--offline", "--color", "always"])
        .dir(tmp.path())
        .run()
        .stdout();
    assert!(coloured.contains("\x1b["), "--color always colours");
    let verbose = cruddur(&["doctor", "--offline", "-v"])
        .dir(tmp.path())
        .run()
        .stdout();
    assert!(
        verbose.contains("✓ compose_env::names"),
        "-v lists passed checks:\n{verbose}"
    );
    assert!(!plain.contains("compose_env::names"));
}
