//! What the backend actually uses, computed once per run and read by every
//! check, the resolver and init: its running code (`code`: the app module and
//! the project modules it imports), how it starts (`launch`, over the
//! Dockerfile's `image`), and from those which of OpenTelemetry, X-Ray,
//! CloudWatch Logs and Rollbar are active. A variable, package or service is
//! needed only through this model: commented-out code, docstrings, modules
//! nothing imports and SDKs switched off by their variable never count.

mod cache;
pub mod code;
pub mod image;
pub mod launch;

use crate::project::Project;
use crate::resolve::ContainerEnv;
use code::{within, Code};
use image::Image;
use launch::{env_value, Launch};

/// Where something is used, for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub file: String,
    pub line: Option<usize>,
    pub what: String,
}

impl Site {
    /// "backend-flask/app.py:12 calls XRayMiddleware"
    pub fn describe(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l} {}", self.file, self.what),
            None => format!("{} {}", self.file, self.what),
        }
    }
}

/// The facts about the backend every check reads.
pub struct Facts {
    /// Shared with the run's other projects that run the same backend.
    pub code: std::sync::Arc<Code>,
    pub image: Option<Image>,
    pub launch: Launch,
    pub usage: Usage,
}

impl Facts {
    pub fn build(project: &Project, env: &ContainerEnv) -> Facts {
        let code = project.code();
        let image = project
            .backend
            .dockerfile
            .as_ref()
            .and_then(|f| Some(Image::parse(project.display(&f.path), f.text.as_deref()?)));
        let service = project.compose.service(&project.backend.service);
        let launch = Launch::new(project, service, image.as_ref());
        let usage = Usage::new(&code, &launch, env, image.as_ref());
        Facts {
            code,
            image,
            launch,
            usage,
        }
    }
}

/// Which SDKs are active in the running backend.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    /// OpenTelemetry: imported by running code, or `opentelemetry-instrument`.
    pub otel: Option<Site>,
    /// Started under `opentelemetry-instrument` (auto-configuration).
    pub otel_auto: Option<Site>,
    /// X-Ray: the middleware applied or the recorder used, and not switched
    /// off with `AWS_XRAY_SDK_ENABLED=false`.
    pub xray: Option<Site>,
    /// X-Ray code that `AWS_XRAY_SDK_ENABLED=false` switches off.
    pub xray_disabled: Option<Site>,
    /// CloudWatch Logs: a watchtower handler is created.
    pub cloudwatch: Option<Site>,
    /// Rollbar: imported by running code.
    pub rollbar: Option<Site>,
    /// A module that runs could not be read: what it uses is unknown, so
    /// every provider's settings count as needed.
    pub unreadable: Option<Site>,
}

const XRAY_RECORDER_USE: [&str; 6] = [
    "begin_segment",
    "begin_subsegment",
    "capture",
    "in_segment",
    "in_subsegment",
    "patch_all",
];

impl Usage {
    pub fn new(code: &Code, launch: &Launch, env: &ContainerEnv, image: Option<&Image>) -> Usage {
        let site = |m: &code::PyModule, line: usize, what: String| Site {
            file: m.display.clone(),
            line: Some(line),
            what,
        };
        let import_of = |root: &str| {
            code.imports_of(root)
                .next()
                .map(|(m, i)| site(m, i.line, format!("imports {}", i.module)))
        };
        let otel_auto = launch.runs("opentelemetry-instrument").map(|c| Site {
            file: c.file.clone(),
            line: c.line,
            what: "starts the app under opentelemetry-instrument".into(),
        });
        let otel = otel_auto.clone().or_else(|| import_of("opentelemetry"));
        let xray_code = code
            .first_call("XRayMiddleware")
            .map(|(m, c)| site(m, c.line, "applies XRayMiddleware".into()))
            .or_else(|| {
                code.mods.iter().find_map(|m| {
                    let names = m.module_names("aws_xray_sdk");
                    let uses_sdk = !names.is_empty()
                        || code
                            .imports_of("aws_xray_sdk")
                            .any(|(im, _)| im.path == m.path);
                    if !uses_sdk {
                        return None;
                    }
                    m.module
                        .calls()
                        .iter()
                        .find(|c| XRAY_RECORDER_USE.contains(&code::last(&c.callee)))
                        .map(|c| site(m, c.line, format!("calls {}", c.callee)))
                })
            });
        let disabled = env_value(env, image, "AWS_XRAY_SDK_ENABLED")
            .filter(|(v, _)| v.trim().eq_ignore_ascii_case("false"));
        let (xray, xray_disabled) = match (xray_code, disabled) {
            (Some(s), Some((_, at))) => (
                None,
                Some(Site {
                    what: format!(
                        "{} (switched off: AWS_XRAY_SDK_ENABLED=false at {at})",
                        s.what
                    ),
                    ..s
                }),
            ),
            (s, _) => (s, None),
        };
        let cloudwatch = code.first_call("CloudWatchLogHandler").map(|(m, c)| {
            site(
                m,
                c.line,
                "creates a watchtower CloudWatchLogHandler".into(),
            )
        });
        let rollbar = import_of("rollbar");
        let unreadable = code.broken.first().map(|b| Site {
            file: b.display.clone(),
            line: b.line,
            what: format!("{} (so its settings are taken as needed)", b.why),
        });
        Usage {
            unreadable,
            otel,
            otel_auto,
            xray,
            xray_disabled,
            cloudwatch,
            rollbar,
        }
    }

    /// Nothing is set up at all.
    pub fn nothing(&self) -> bool {
        self.unreadable.is_none()
            && self.otel.is_none()
            && self.xray.is_none()
            && self.xray_disabled.is_none()
            && self.cloudwatch.is_none()
            && self.rollbar.is_none()
    }

    /// What active use needs a setting of the backend's environment, by the
    /// setting's name: OTEL_*/HONEYCOMB_* by OpenTelemetry, ROLLBAR_* by
    /// Rollbar, AWS_XRAY_* by X-Ray, other AWS_* by X-Ray or CloudWatch.
    pub fn needs(&self, setting: &str) -> Option<&Site> {
        let n = setting.to_ascii_uppercase();
        let known = if n.starts_with("OTEL_") || n.starts_with("HONEYCOMB") {
            self.otel.as_ref()
        } else if n.starts_with("ROLLBAR") {
            self.rollbar.as_ref()
        } else if n.starts_with("AWS_XRAY") {
            self.xray.as_ref()
        } else if n.starts_with("AWS_") {
            self.xray.as_ref().or(self.cloudwatch.as_ref())
        } else {
            return None;
        };
        known.or(self.unreadable.as_ref())
    }

    /// Whether the code imports a module (or its submodules).
    pub fn imports(code: &Code, module: &str) -> bool {
        code.mods
            .iter()
            .any(|m| m.module.imports().iter().any(|i| within(&i.module, module)))
    }
}
