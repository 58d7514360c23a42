//! X-Ray in the backend code and the daemon it sends to: the middleware's
//! place, the daemon's address, region and command, segments begun by hand,
//! and the naming pattern.

use super::facts::Place;
use crate::compose::{dotenv, scalar_text, Service};
use crate::doctor::{Ctx, Finding};
use crate::usage::launch::env_value;
use yaml_serde::Value;

pub fn xray(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let mut out = Vec::new();
    let middleware: Vec<_> = code.calls("XRayMiddleware").collect();
    if let Some(app) = code.app() {
        if let Some(site) = app.module.flask_app() {
            for (m, c) in &middleware {
                if m.path == app.path && c.module_level && c.line < site.line {
                    out.push(m.at_call(
                        Finding::new(
                            "xray-middleware-before-app",
                            "XRayMiddleware runs before the app exists",
                        ),
                        c,
                    ));
                }
            }
        }
    }
    let daemons = crate::doctor::checks::compose_env::xray_daemon_services(ctx);
    let Some(active) = &ctx.usage().xray else {
        // Nothing running sends segments: a daemon service is left over.
        if let Some(d) = daemons.first() {
            let why = match &ctx.usage().xray_disabled {
                Some(site) => site.describe(),
                None => "no running code applies XRayMiddleware or uses the recorder".into(),
            };
            let (file, line) = d.place();
            out.push(
                Finding::new(
                    "xray-daemon-unused",
                    format!(
                        "the `{}` service runs but nothing sends it segments",
                        d.name()
                    ),
                )
                .at(ctx.project.compose.display(file), line)
                .evidence(why)
                .service(d.name()),
            );
        }
        return out;
    };
    out.extend(manual_segments(ctx));
    out.extend(naming(ctx));
    let address_in_code = code
        .calls("configure")
        .any(|(_, c)| c.keywords.iter().any(|k| k == "daemon_address"));
    let address = env_value(&ctx.env, ctx.image(), "AWS_XRAY_DAEMON_ADDRESS")
        .filter(|(v, _)| !v.trim().is_empty());
    if address.is_none() && !address_in_code {
        // The repair goes into the compose file (a variant names itself);
        // the evidence is the code that sends.
        let at = |f: Finding| {
            let place = ctx
                .project
                .compose
                .service(&ctx.project.backend.service)
                .map(|b| b.key_location("environment"));
            let f = f.evidence(active.describe());
            match place {
                Some((file, line)) => f.at(file, line),
                None => f.at(active.file.clone(), active.line),
            }
        };
        if daemons.is_empty() {
            out.push(at(Finding::new(
                "xray-daemon-missing",
                "X-Ray is used but no daemon receives its segments",
            )));
        } else {
            let names: Vec<&str> = daemons.iter().map(|d| d.name()).collect();
            out.push(
                at(Finding::new(
                    "xray-daemon-address-missing",
                    format!(
                        "the backend has no AWS_XRAY_DAEMON_ADDRESS: the SDK sends to 127.0.0.1:2000 inside its own container, not to `{}`",
                        names[0]
                    ),
                ))
                .about(["AWS_XRAY_DAEMON_ADDRESS"])
                .service(&ctx.project.backend.service)
                .fill("value", format!("{}:2000", names[0])),
            );
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
                format!(
                    "the {} service's command {why}: its flags are ignored",
                    svc.name()
                ),
            )
            .at(file, command_line)
            .evidence(format!(
                "{}: command: {:?}; ignored: {}",
                svc.name(),
                words,
                ignored.join(" ")
            )),
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
            format!(
                "the {} service has no region: the daemon exits at start",
                svc.name()
            ),
        )
        .at(ctx.project.compose.display(svc.place().0), svc.line())
        .evidence(format!(
            "{}: no AWS_REGION in its environment and no -n/--region flag the daemon reads",
            svc.name()
        ))
        .fill("service", svc.name()),
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
            ctx.project
                .read(&ctx.project.compose.dir().join(f))
                .ok()
                .and_then(|t| dotenv::parse(&t).ok())
                .is_some_and(|entries| entries.iter().any(|e| e.key == name && !e.value.is_empty()))
        })
}

/// `xray_recorder.begin_segment()` in a function the middleware's requests
/// run: it replaces the request's segment (the route then fails).
fn manual_segments(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    if code.first_call("XRayMiddleware").is_none() {
        return Vec::new();
    }
    code.calls("begin_segment")
        .filter(|(_, c)| !c.module_level && c.callee.contains('.'))
        .map(|(m, c)| {
            m.at_call(
                Finding::new(
                    "xray-manual-segment",
                    format!(
                        "`{}` inside {} replaces the request's segment opened by XRayMiddleware",
                        c.callee,
                        c.function
                            .as_deref()
                            .map_or("a function".to_string(), |f| format!("`{f}`"))
                    ),
                ),
                c,
            )
        })
        .collect()
}

/// `dynamic_naming` given a pattern with no `*`: a literal, or a variable
/// whose value in the container has none.
fn naming(ctx: &Ctx) -> Vec<Finding> {
    let code = ctx.code();
    let mut out = Vec::new();
    for (m, c) in code.calls("configure") {
        let Some((_, value)) = c.kwargs.iter().find(|(k, _)| k == "dynamic_naming") else {
            continue;
        };
        let literal = |v: &str| {
            let t = v.trim();
            (t.len() >= 2 && (t.starts_with(['"', '\'']) && t.ends_with(['"', '\''])))
                .then(|| t[1..t.len() - 1].to_string())
        };
        // `dynamic_naming=xray_url` after `xray_url = os.getenv(...)`.
        let expr = assigned(m.module.source(), value).unwrap_or(value.as_str());
        let (pattern, from) = match literal(expr) {
            Some(p) => (p, format!("dynamic_naming={value}")),
            None => {
                let Some(var) = getenv_name(expr) else {
                    continue;
                };
                let Some(s) = ctx.env.get(&var) else { continue };
                if s.value.trim().is_empty() {
                    continue;
                }
                (
                    s.value.clone(),
                    format!("{var}={} ({})", s.value, s.describe()),
                )
            }
        };
        if !pattern.contains('*') {
            out.push(
                m.at_call(
                    Finding::new(
                        "xray-naming-no-wildcard",
                        "the dynamic_naming pattern has no `*`: it matches only that exact host",
                    ),
                    c,
                )
                .evidence(format!("{}:{}: {from}", m.display, c.line)),
            );
        }
    }
    out
}

/// The value last assigned to a plain name in the module's code: `name =
/// <expr>` on a line of its own (comments skipped).
fn assigned<'s>(source: &'s str, name: &str) -> Option<&'s str> {
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    source.lines().rev().find_map(|l| {
        let rest = l.trim().strip_prefix(name)?.trim_start();
        let expr = rest.strip_prefix('=').filter(|e| !e.starts_with('='))?;
        Some(expr.trim())
    })
}

/// `os.getenv("X")`, `os.environ.get("X")`, `os.environ["X"]` → X.
fn getenv_name(expr: &str) -> Option<String> {
    let e = expr.trim();
    let inner = ["os.getenv(", "getenv(", "os.environ.get(", "environ.get("]
        .iter()
        .find_map(|p| e.strip_prefix(p))
        .or_else(|| e.strip_prefix("os.environ["))?;
    let name: String = inner
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}
