//! Rollbar, X-Ray and CloudWatch Logs (watchtower) in the backend code, and
//! the X-Ray daemon the code sends to.

use super::facts::{last, Mod, Place};
use crate::compose::{dotenv, scalar_text, Service};
use crate::doctor::checks::deps::declared::{self, flask_may_be_2_3};
use crate::doctor::{Checked, Ctx, Finding};
use crate::python::analysis::Call;
use crate::usage::launch::env_value;
use yaml_serde::Value;

fn is_rollbar_init(m: &Mod, c: &Call) -> bool {
    let receiver = c.callee.rsplit_once('.').map(|(r, _)| r);
    match receiver {
        Some(r) => last(&c.callee) == "init" && m.module_names("rollbar").contains(&r),
        None => m.module.imports().iter().any(|i| {
            i.module == "rollbar"
                && i.name.as_deref() == Some("init")
                && i.bound_name() == Some(c.callee.as_str())
        }),
    }
}

pub fn rollbar(ctx: &Ctx) -> Checked {
    ctx.code_readable()?;
    Ok(rollbar_in(ctx))
}

fn rollbar_in(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let Some((m, import)) = code.imports_of("rollbar").next() else {
        return Vec::new();
    };
    let inits: Vec<(&Mod, &Call)> = code
        .mods
        .iter()
        .flat_map(|m| {
            m.module
                .calls()
                .iter()
                .filter(|c| is_rollbar_init(m, c))
                .map(move |c| (m, c))
        })
        .collect();
    if inits.is_empty() {
        return vec![m.at(
            Finding::new("rollbar-not-initialized", "Rollbar is imported but `rollbar.init` is never called")
                .fix("call `rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production', root=os.path.dirname(os.path.realpath(__file__)), allow_logging_basic_config=False)` inside `with app.app_context():` after `app = Flask(__name__)`"),
            import.line,
            None,
        )];
    }
    let declared = declared::declared(ctx.project);
    if !flask_may_be_2_3(&declared) {
        return Vec::new();
    }
    // On Flask 2.3+ a `before_first_request` hook never runs (the decorator
    // itself fails, reported by code::flask), so an init inside it is dead.
    let dead: Vec<_> = inits
        .iter()
        .filter(|(m, c)| {
            c.function
                .as_ref()
                .is_some_and(|f| m.decorated("before_first_request").contains(f))
        })
        .collect();
    if dead.len() < inits.len() {
        return Vec::new();
    }
    dead.iter()
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "rollbar-not-initialized",
                    "`rollbar.init` sits in a `before_first_request` hook, which Flask 2.3 removed",
                )
                .fix("move the `rollbar.init(...)` call (and `got_request_exception.connect(...)`) into `with app.app_context():` right after `app = Flask(__name__)`"),
                c,
            )
        })
        .collect()
}

/// Services that run the X-Ray daemon.
fn daemons<'a>(ctx: &'a Ctx) -> Vec<Service<'a>> {
    ctx.project
        .compose
        .all_services()
        .into_iter()
        .filter(|s| s.name() != ctx.project.backend.service)
        .filter(|s| {
            s.image().is_some_and(|i| i.contains("aws-xray-daemon"))
                || s.name().to_ascii_lowercase().contains("xray")
        })
        .collect()
}

pub fn xray(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let mut out = Vec::new();
    let middleware: Vec<_> = code.calls("XRayMiddleware").collect();
    if let Some(app) = code.app() {
        if let Some(site) = app.module.flask_app() {
            for (m, c) in &middleware {
                if m.path == app.path && c.module_level && c.line < site.line {
                    out.push(m.at_call(
                        Finding::new("xray-middleware-before-app", "XRayMiddleware runs before the app exists")
                            .fix("move `XRayMiddleware(app, xray_recorder)` below `app = Flask(__name__)`"),
                        c,
                    ));
                }
            }
        }
    }
    let daemons = daemons(ctx);
    let address_in_code = code
        .calls("configure")
        .any(|(_, c)| c.keywords.iter().any(|k| k == "daemon_address"));
    if let Some((m, c)) = middleware.first() {
        let image = ctx.image();
        let address = env_value(&ctx.env, image, "AWS_XRAY_DAEMON_ADDRESS");
        if daemons.is_empty() && address.is_none() && !address_in_code {
            out.push(m.at_call(
                Finding::new("xray-daemon-missing", "X-Ray middleware is used but no daemon receives its segments")
                    .fix("add an `xray-daemon` service (image amazon/aws-xray-daemon, AWS_REGION and credentials in its environment) and set AWS_XRAY_DAEMON_ADDRESS: \"xray-daemon:2000\" on the backend; the SDK sends to 127.0.0.1:2000 inside the container otherwise"),
                c,
            ));
        }
    }
    for d in &daemons {
        out.extend(daemon_findings(ctx, d));
    }
    out
}

/// The daemon's flag parser (Go's `flag`) stops at the first word that is
/// not a flag; the official image's ENTRYPOINT is `/xray` with flags, so
/// `command:` words are appended to those.
fn daemon_findings(ctx: &Ctx, svc: &Service) -> Vec<Finding> {
    let official = svc
        .image()
        .is_some_and(|i| i.contains("amazon/aws-xray-daemon"))
        && svc.get("entrypoint").is_none();
    let (words, one_word) = match svc.get("command") {
        Some(Value::Sequence(items)) => {
            let words: Vec<String> = items.iter().map(scalar_text).collect();
            let one = words.len() == 1 && words[0].split_whitespace().count() > 1;
            (words, one)
        }
        Some(Value::String(s)) => (s.split_whitespace().map(str::to_string).collect(), false),
        _ => (Vec::new(), false),
    };
    let (parsed, ignored): (&[String], &[String]) = if one_word {
        (&[], &words[..])
    } else if official {
        let stop = first_positional(&words);
        (&words[..stop], &words[stop..])
    } else {
        (&words[..], &[])
    };
    let mut out = Vec::new();
    let (file, command_line) = svc.key_location("command");
    if one_word || ignored.len() > 1 {
        let why = if one_word {
            "is one argv word".to_string()
        } else {
            format!("stops being read at `{}`", ignored[0])
        };
        out.push(
            Finding::new(
                "xray-daemon-command-ignored",
                format!("the {} service's command {why}: its flags are ignored", svc.name()),
            )
            .at(file, command_line)
            .evidence(format!("{}: command: {:?}; ignored: {}", svc.name(), words, ignored.join(" ")))
            .fix("write each flag as its own item and leave out the program name, which the image's entrypoint already runs: `command: [\"-o\", \"-b\", \"xray-daemon:2000\"]`"),
        );
    }
    let flag = |names: &[&str]| {
        parsed.iter().any(|w| {
            let name = w
                .split('=')
                .next()
                .unwrap_or_default()
                .trim_start_matches('-');
            w.starts_with('-') && names.contains(&name)
        })
    };
    if has_env(ctx, svc, "AWS_REGION") || flag(&["n", "region", "c", "config"]) {
        return out;
    }
    out.push(
        Finding::new(
            "xray-daemon-region-missing",
            format!("the {} service has no region: the daemon exits at start", svc.name()),
        )
        .at(ctx.project.compose.display(svc.place().0), svc.line())
        .evidence(format!(
            "{}: no AWS_REGION in its environment and no -n/--region flag the daemon reads",
            svc.name()
        ))
        .fix(format!(
            "add `AWS_REGION: \"${{AWS_DEFAULT_REGION}}\"` (or your region, e.g. us-east-1) to the {} service's environment",
            svc.name()
        )),
    );
    out
}

/// Index of the first word Go's flag parser would stop at.
fn first_positional(words: &[String]) -> usize {
    const BOOL: [&str; 4] = ["o", "local-mode", "v", "version"];
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if !w.starts_with('-') || w == "-" {
            return i;
        }
        if w == "--" {
            return i + 1;
        }
        let name = w.trim_start_matches('-');
        i += if name.contains('=') || BOOL.contains(&name) {
            1
        } else {
            2
        };
    }
    words.len()
}

fn has_env(ctx: &Ctx, svc: &Service, name: &str) -> bool {
    let listed = svc
        .environment()
        .iter()
        .any(|v| v.name == name && v.value.as_deref() != Some(""));
    listed
        || svc.env_files().iter().any(|f| {
            std::fs::read_to_string(ctx.project.compose.dir().join(f))
                .ok()
                .and_then(|t| dotenv::parse(&t).ok())
                .is_some_and(|entries| entries.iter().any(|e| e.key == name && !e.value.is_empty()))
        })
}

pub fn watchtower(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    code.calls("CloudWatchLogHandler")
        .filter(|(_, c)| c.keywords.iter().any(|k| k == "log_group"))
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "watchtower-deprecated-arg",
                    "CloudWatchLogHandler gets `log_group=`, deprecated since watchtower 2.0",
                )
                .fix("rename the argument to `log_group_name=` (e.g. `CloudWatchLogHandler(log_group_name=\"cruddur\")`)"),
                c,
            )
        })
        .collect()
}
