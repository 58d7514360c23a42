//! Python dependencies and image.

pub(crate) mod declared;
pub(crate) mod otel;

use crate::doctor::{Ctx, Finding, Fix};
use crate::usage::image::Image;
use crate::usage::launch::{env_value, Launch};
use declared::Declared;

pub fn otel_packages(ctx: &Ctx) -> Vec<Finding> {
    otel::packages(ctx)
}

/// Import root → the package that provides it.
const PROVIDERS: [(&str, &str); 3] = [
    ("rollbar", "rollbar"),
    ("aws_xray_sdk", "aws-xray-sdk"),
    ("watchtower", "watchtower"),
];

const FLASK_SIGNALS: [&str; 10] = [
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
];

pub fn provider_packages(ctx: &Ctx) -> Vec<Finding> {
    let Some(req_file) = declared::requirements_display(ctx.project) else {
        return Vec::new();
    };
    let declared = &ctx.declared;
    let mut out = Vec::new();
    let mut report = |package: &str, display: &str, line: usize, what: String| {
        if declared::find(declared, package).is_some() {
            return;
        }
        let code = line_text(ctx, display, line);
        out.push(
            Finding::new(
                "requirements-missing-provider",
                format!("{what} but {req_file} lacks {package}"),
            )
            .at(display, Some(line))
            .column(Some(column_of(&code)))
            .evidence(format!("{display}:{line}: {}", code.trim()))
            .fill("package", package)
            .fill("requirements", req_file.as_str())
            .edit(Fix::AddPackages(vec![package.to_string()])),
        );
    };
    for (root, package) in PROVIDERS {
        let first = ctx.code().mods.iter().find_map(|m| {
            let i = m
                .module
                .imports()
                .iter()
                .find(|i| i.module == root || i.module.starts_with(&format!("{root}.")))?;
            Some((m, i))
        });
        if let Some((m, i)) = first {
            report(
                package,
                &m.display,
                i.line,
                format!("the code imports {}", i.module),
            );
        }
    }
    // Flask 2.3 made blinker a dependency; before it, connecting a signal
    // without blinker raises at import.
    if !declared::flask_may_be_2_3(declared) {
        if let Some((display, line, what)) = signal_use(ctx) {
            report("blinker", &display, line, what);
        }
    }
    out
}

/// The first import of a Flask signal or `<signal>.connect(...)` call.
fn signal_use(ctx: &Ctx) -> Option<(String, usize, String)> {
    let mut sites = Vec::new();
    for m in &ctx.code().mods {
        for i in m.module.imports() {
            let name = i.name.as_deref().unwrap_or_default();
            if (i.module == "flask" || i.module == "flask.signals") && FLASK_SIGNALS.contains(&name)
            {
                sites.push((
                    m.display.clone(),
                    i.line,
                    format!("the code imports Flask's {name} signal"),
                ));
            }
        }
        for c in m.module.calls() {
            let Some(signal) = c.callee.strip_suffix(".connect") else {
                continue;
            };
            let name = signal.rsplit('.').next().unwrap_or_default();
            if FLASK_SIGNALS.contains(&name) {
                sites.push((
                    m.display.clone(),
                    c.line,
                    format!("the code connects to Flask's {name} signal"),
                ));
            }
        }
    }
    sites
        .into_iter()
        .min_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)))
}

fn line_text(ctx: &Ctx, display: &str, line: usize) -> String {
    ctx.code()
        .mods
        .iter()
        .find(|m| m.display == display)
        .and_then(|m| m.module.source().lines().nth(line - 1))
        .unwrap_or_default()
        .to_string()
}

fn column_of(code: &str) -> usize {
    code.chars().take_while(|c| c.is_whitespace()).count() + 1
}

pub fn dockerfile(ctx: &Ctx) -> Vec<Finding> {
    let image = ctx.image();
    let launch = ctx.launch();
    let declared = &ctx.declared;
    let mut out = Vec::new();
    if let Some(image) = &image {
        out.extend(no_requirements(ctx, image));
        out.extend(env_spaced(image));
    }
    let Some(cmd) = launch.runs("opentelemetry-instrument") else {
        return out;
    };
    let has_distro = ["opentelemetry-distro", "honeycomb-opentelemetry"]
        .iter()
        .any(|p| declared::find(declared, p).is_some());
    if !has_distro && ctx.project.backend.requirements.is_some() {
        let req_file = declared::requirements_display(ctx.project).unwrap_or_default();
        out.push(
            Finding::new(
                "instrument-without-distro",
                "opentelemetry-instrument starts the app but opentelemetry-distro is not declared",
            )
            .at(cmd.file.clone(), cmd.line)
            .evidence(format!("{}: {}", cmd.location(), cmd.text))
            .fill("requirements", req_file)
            .edit(Fix::AddPackages(vec!["opentelemetry-distro".into()])),
        );
    }
    out.extend(reloader(ctx, launch, image, declared));
    out
}

/// `pip install -r …`, `pip install .`, `poetry install` and kin, in one
/// command line.
fn installs_requirements(run: &str) -> bool {
    let words: Vec<&str> = run
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'', ';', '(', ')']))
        .collect();
    let pip = |w: &str| matches!(w, "pip" | "pip3") || w.ends_with("/pip") || w.ends_with("/pip3");
    let pip_install = words
        .windows(2)
        .any(|w| (pip(w[0]) && w[1] == "install") || (w[0] == "uv" && w[1] == "pip"));
    let from_file = words.iter().any(|w| {
        *w == "-r"
            || *w == "--requirement"
            || w.starts_with("--requirement=")
            || (w.starts_with("-r") && w.len() > 2 && !w.starts_with("-r-"))
            || *w == "."
            || w.starts_with("./")
            || w.starts_with(".[")
            // `$(cat requirements.txt)`, `< requirements.txt`, `uv pip sync requirements.txt`
            || w.contains("requirements")
            // wheels built from the requirements in an earlier stage
            || w.ends_with(".whl")
            || w.contains("/wheels")
            || w.starts_with("--find-links")
    });
    let tool = words.windows(2).any(|w| {
        matches!(
            (w[0], w[1]),
            ("poetry", "install")
                | ("pipenv", "install")
                | ("pipenv", "sync")
                | ("pdm", "install")
                | ("pdm", "sync")
                | ("uv", "sync")
        )
    }) || words.contains(&"pip-sync");
    (pip_install && from_file) || tool
}

/// `pip wheel -r requirements.txt` in one stage and a `pip install` of the
/// result in another: the wheel-stage pattern.
fn wheel_stage(runs: &[&str]) -> bool {
    let wheels = runs.iter().any(|r| {
        let words: Vec<&str> = r.split_whitespace().collect();
        words
            .windows(2)
            .any(|w| w[1] == "wheel" && w[0].contains("pip"))
            && (r.contains("-r") || r.contains("requirements"))
    });
    wheels
        && runs
            .iter()
            .any(|r| r.contains("pip") && r.contains("install"))
}

fn no_requirements(ctx: &Ctx, image: &Image) -> Option<Finding> {
    let req = ctx.project.backend.requirements.as_ref()?;
    let runs: Vec<_> = image
        .instructions
        .iter()
        .filter(|i| i.keyword == "RUN")
        .collect();
    let texts: Vec<&str> = runs.iter().map(|r| r.args.as_str()).collect();
    if texts.iter().any(|r| installs_requirements(r)) || wheel_stage(&texts) {
        return None;
    }
    // The command the container starts with (compose `command:`, a start
    // script it runs) may install them instead.
    if ctx
        .launch()
        .parts
        .iter()
        .any(|p| installs_requirements(&p.words.join(" ")))
    {
        return None;
    }
    let name = req.file.path.file_name()?.to_string_lossy().to_string();
    // A pip install of single packages is where the requirements were meant to go.
    let pip = runs.iter().find(|r| r.args.contains("pip"));
    let evidence = match pip {
        Some(r) => format!("{}:{}: RUN {}", image.display, r.line, r.args),
        None => format!(
            "{} has no RUN that installs {name}, and the start command does not either",
            image.display
        ),
    };
    Some(
        Finding::new(
            "dockerfile-no-requirements",
            format!("the backend Dockerfile never installs {name}"),
        )
        .at(image.display.clone(), pip.map(|r| r.line))
        .evidence(evidence)
        .fill("requirements", name),
    )
}

/// `ENV KEY = value`: the legacy `ENV KEY value` form, whose value is then
/// `= value`. One finding for the Dockerfile, naming every such line.
fn env_spaced(image: &Image) -> Option<Finding> {
    let spaced: Vec<_> = image
        .instructions
        .iter()
        .filter(|i| i.keyword == "ENV")
        .filter_map(|i| {
            let (key, rest) = i.args.trim().split_once(char::is_whitespace)?;
            let rest = rest.trim_start();
            (!key.contains('=') && rest.starts_with('=')).then_some((i, key, rest))
        })
        .collect();
    let (first, key, rest) = spaced.first()?;
    let title = match spaced.len() {
        1 => format!("`ENV {key} {rest}` sets {key} to `{rest}`"),
        n => format!("{n} ENV lines with spaces around `=` set values that start with `=`"),
    };
    let evidence: Vec<String> = spaced
        .iter()
        .map(|(i, k, r)| format!("{}:{}: ENV {k} {r}", image.display, i.line))
        .collect();
    Some(
        Finding::new("dockerfile-env-spaced", title)
            .at(image.display.clone(), Some(first.line))
            .evidence(evidence.join("; ")),
    )
}

fn debug_on(value: &str) -> bool {
    !value.is_empty() && !matches!(value.to_ascii_lowercase().as_str(), "0" | "false" | "no")
}

fn reloader(
    ctx: &Ctx,
    launch: &Launch,
    image: Option<&Image>,
    declared: &[Declared],
) -> Option<Finding> {
    let cmd = launch.runs("opentelemetry-instrument")?;
    let flask_run = launch.runs("flask").is_some() && launch.has("run");
    let no_reload = launch.has("--no-reload")
        || launch.has("--no-debug")
        || env_value(&ctx.env, image, "FLASK_RUN_RELOAD").is_some_and(|(v, _)| !debug_on(&v));
    if !flask_run || no_reload {
        return None;
    }
    let flag = ["--debug", "--reload"].into_iter().find(|f| launch.has(f));
    let why = match (flag, env_value(&ctx.env, image, "FLASK_DEBUG")) {
        (Some(flag), _) => format!("`{flag}` in the command"),
        (None, Some((v, at))) if debug_on(&v) => format!("FLASK_DEBUG={v} ({at})"),
        (None, Some(_)) => return None,
        (None, None) => {
            // Flask 2.3 dropped FLASK_ENV; below it, `development` meant debug.
            let (v, at) =
                env_value(&ctx.env, image, "FLASK_ENV").filter(|(v, _)| v == "development")?;
            if declared::flask_may_be_2_3(declared) {
                return None;
            }
            format!("FLASK_ENV={v} ({at})")
        }
    };
    Some(
        Finding::new(
            "flask-reloader-auto-instrumentation",
            "opentelemetry-instrument runs Flask with the debug reloader",
        )
        .at(cmd.file.clone(), cmd.line)
        .evidence(format!(
            "{}: {}; reloader on through {why}",
            cmd.location(),
            cmd.text
        )),
    )
}

#[cfg(test)]
#[path = "deps_docker_tests.rs"]
mod docker_tests;
#[cfg(test)]
#[path = "deps_tests.rs"]
pub(crate) mod tests;
