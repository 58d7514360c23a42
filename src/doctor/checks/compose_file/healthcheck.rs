//! Healthchecks that can never pass: a client the image does not have
//! (healthcheck-tool-missing), the public workspace URL instead of localhost
//! (healthcheck-public-url), and `${VAR}`, which compose fills on the host
//! (healthcheck-host-var). The public URL is built from host variables, so
//! a healthcheck that calls it is reported for that alone: one cause once.

use super::image_tools::{installs, words, ImageTools, TOOLS};
use super::{interpolated, line_near, listed, loc, lookup};
use crate::compose::{interpolate, scalar_text, Service};
use crate::doctor::{Ctx, Finding, Unsure};
use crate::mask::mask_shapes;
use crate::resolve::Lookup;
use crate::usage::image::Image;
use yaml_serde::Value;

/// Host names and variables of the workspace platforms' public URLs.
const PUBLIC_HOSTS: [&str; 3] = ["gitpod.io", "app.github.dev", "githubpreview.dev"];
const PUBLIC_VARS: [&str; 4] = [
    "GITPOD_WORKSPACE_ID",
    "GITPOD_WORKSPACE_URL",
    "CODESPACE_NAME",
    "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN",
];

/// A service's healthcheck test: its text as written and where it is.
struct Test<'a> {
    svc: Service<'a>,
    text: String,
    at: (String, Option<usize>),
}

fn test_of<'a>(ctx: &Ctx<'a>, svc: Service<'a>) -> Option<Test<'a>> {
    let hc = svc.get("healthcheck")?;
    if hc.get("disable").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let text = match hc.get("test")? {
        Value::String(s) => s.clone(),
        Value::Sequence(items) => {
            let words: Vec<String> = items.iter().map(scalar_text).collect();
            match words.first().map(String::as_str) {
                Some("NONE") | None => return None,
                Some("CMD" | "CMD-SHELL") => words[1..].join(" "),
                Some(_) => words.join(" "),
            }
        }
        _ => return None,
    };
    let (f, line) = svc.key_place("healthcheck");
    let compose = &ctx.project.compose;
    let line = line.map(|l| line_near(&compose.files[f].text, l, 8, "test").unwrap_or(l));
    Some(Test {
        svc,
        text,
        at: (compose.display(f), line),
    })
}

pub fn healthchecks(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    let lookup = lookup(ctx);
    let mut out = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let tests: Vec<Test> = ctx
        .project
        .compose
        .all_services()
        .into_iter()
        .filter_map(|s| test_of(ctx, s))
        .collect();
    for t in &tests {
        match tool_missing(ctx, t) {
            Ok(Some(f)) => out.push(f),
            Ok(None) => {}
            Err(why) => unknown.push(why),
        }
        let public = public_url(&lookup, t);
        let public_found = public.is_some();
        out.extend(public);
        if !public_found {
            out.extend(host_var(&lookup, t));
        }
    }
    if out.is_empty() && !unknown.is_empty() {
        return Err(Unsure::CouldNotCheck(unknown.join("; ")));
    }
    Ok(out)
}

/// The image a service runs, as far as its Dockerfile or name tells.
fn image_tools(ctx: &Ctx, svc: &Service) -> Result<ImageTools, String> {
    let backend = svc.name() == ctx.project.backend.service;
    let mut tools = if svc.get("build").is_some() {
        let parsed;
        let image = match ctx.image().filter(|_| backend) {
            Some(i) => i,
            None => {
                let path = svc.dockerfile().ok_or("no Dockerfile")?;
                let text = ctx
                    .project
                    .read(&path)
                    .map_err(|e| format!("cannot read {}: {e}", ctx.project.display(&path)))?;
                parsed = Image::parse(ctx.project.display(&path), &text);
                &parsed
            }
        };
        ImageTools::of_dockerfile(image)
    } else {
        let raw = svc.image().ok_or("neither build nor image")?;
        let name = interpolated(&lookup(ctx), raw).map_or(raw.to_string(), |i| i.value);
        ImageTools::of_image(&name)
    };
    // A command or start script that installs the client counts too.
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(cmd) = svc.command() {
        parts.push((cmd.join(" "), loc(&svc.key_location("command"))));
    }
    if backend {
        parts.extend(
            ctx.launch()
                .parts
                .iter()
                .map(|p| (p.text.clone(), p.location())),
        );
    }
    for (text, at) in parts {
        for tool in TOOLS {
            if installs("RUN", &text, tool) {
                tools.note(tool, at.clone());
            }
        }
    }
    Ok(tools)
}

fn tool_missing(ctx: &Ctx, t: &Test) -> Result<Option<Finding>, String> {
    let words = words(&t.text);
    let used: Vec<&str> = TOOLS
        .into_iter()
        .filter(|tool| {
            words
                .iter()
                .any(|w| w == tool || w.ends_with(&format!("/{tool}")))
        })
        .collect();
    if used.is_empty() {
        return Ok(None);
    }
    let tools = image_tools(ctx, &t.svc)
        .map_err(|why| format!("the healthcheck of `{}`: {why}", t.svc.name()))?;
    // `curl … || wget …` passes when either one is there.
    let mut missing = true;
    for tool in &used {
        match tools.has(tool) {
            Some(true) => missing = false,
            Some(false) => {}
            None => {
                return Err(format!(
                    "cannot tell whether {} has {tool} (the healthcheck of `{}` runs it)",
                    tools.base,
                    t.svc.name()
                ))
            }
        }
    }
    if !missing {
        return Ok(None);
    }
    let used: Vec<String> = used.iter().map(|s| s.to_string()).collect();
    let source = match t.svc.get("build") {
        Some(_) => "and nothing in its Dockerfile or start command installs it",
        None => "and the service uses the image as it is",
    };
    Ok(Some(
        Finding::new(
            "healthcheck-tool-missing",
            format!(
                "the healthcheck of `{}` runs {} but its image has none: the container is never healthy",
                t.svc.name(),
                listed(&used)
            ),
        )
        .at(t.at.0.clone(), t.at.1)
        .evidence(format!(
            "{}: {}; {} {source}",
            loc(&t.at),
            mask_shapes(&t.text),
            tools.describe_base()
        )),
    ))
}

fn public_url(lookup: &Lookup, t: &Test) -> Option<Finding> {
    let vars = interpolate::referenced_names(&t.text);
    let value = interpolated(lookup, &t.text).map_or(String::new(), |i| i.value);
    let by_var = vars.iter().find(|v| PUBLIC_VARS.contains(&v.as_str()));
    let by_host = PUBLIC_HOSTS
        .iter()
        .find(|h| t.text.contains(*h) || value.contains(*h));
    let what = match (by_var, by_host) {
        (Some(v), _) => format!("`${{{v}}}`"),
        (None, Some(h)) => format!("`{h}`"),
        (None, None) => return None,
    };
    Some(
        Finding::new(
            "healthcheck-public-url",
            format!(
                "the healthcheck of `{}` calls the public workspace URL ({what}) instead of localhost",
                t.svc.name()
            ),
        )
        .at(t.at.0.clone(), t.at.1)
        .evidence(format!("{}: {}", loc(&t.at), mask_shapes(&t.text))),
    )
}

fn host_var(lookup: &Lookup, t: &Test) -> Option<Finding> {
    let vars = interpolate::referenced_names(&t.text);
    if vars.is_empty() {
        return None;
    }
    let state: Vec<String> = vars
        .iter()
        .map(|v| match lookup.source(v).0 {
            Some(_) => format!("{v} has the host's value"),
            None => format!("{v} is unset on this host, so compose writes \"\""),
        })
        .collect();
    Some(
        Finding::new(
            "healthcheck-host-var",
            format!(
                "the healthcheck of `{}` uses {}, which compose fills in on the host, not in the container",
                t.svc.name(),
                listed(&vars.iter().map(|v| format!("${{{v}}}")).collect::<Vec<_>>())
            ),
        )
        .at(t.at.0.clone(), t.at.1)
        .evidence(format!(
            "{}: {}; {}",
            loc(&t.at),
            mask_shapes(&t.text),
            state.join(", ")
        )),
    )
}
