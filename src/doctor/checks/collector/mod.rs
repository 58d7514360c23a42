//! The OpenTelemetry Collector some projects run between the backend and the
//! vendor: its services (image `otel/opentelemetry-collector*`, or `otelcol`
//! in the command), the config each one reads (a bind mount onto the
//! image's default path, or `--config` mapped back to the host through the
//! service's volumes), and the checks over both.

mod components;
pub(crate) mod config;
mod edit;
mod env;
mod exporters;
mod files;
mod receivers;
mod usage;
pub(crate) mod version;

pub use components::image;
pub(crate) use edit::plan_endpoint;
pub use env::env;
pub use exporters::exporters;
pub use files::config;
pub use receivers::receivers;
pub use usage::usage;

use super::compose_file::image_tools::split_image;
use super::compose_file::mounts::{host_path, mounts};
use super::compose_file::{interpolated, lookup};
use crate::compose::{scalar_text, Service};
use crate::doctor::{Ctx, Finding, Unsure};
use crate::usage::image::Image;
use std::path::PathBuf;
use version::Version;
use yaml_serde::Value;

/// One collector service.
pub(crate) struct Collector<'a> {
    pub svc: Service<'a>,
    /// The image it runs (interpolated), or its Dockerfile's base.
    pub image: String,
    /// Where the image is named (the `image:` key, or the Dockerfile's FROM).
    pub image_at: (String, Option<usize>),
    pub version: Version,
    pub source: Source,
    /// Its config as read, on first use: several checks look at it.
    loaded: std::sync::OnceLock<Result<config::Config, config::Problem>>,
}

impl Collector<'_> {
    pub(crate) fn config(&self, ctx: &Ctx) -> &Result<config::Config, config::Problem> {
        self.loaded.get_or_init(|| config::load(ctx, self))
    }
}

/// Where a collector's config comes from.
pub(crate) enum Source {
    /// Files on the host, in the order the collector merges them.
    Files(Vec<ConfigPath>),
    /// The config built into the image: nothing of the project's to read.
    Builtin(String),
    /// `--config` names a path in the container that nothing provides.
    Unmounted {
        container: String,
        at: (String, Option<usize>),
    },
    /// Cannot tell (a named volume, a variable, a config that is not a file).
    Unknown(String),
}

/// A config file on the host and how it reaches the container.
#[derive(Clone)]
pub(crate) struct ConfigPath {
    pub host: PathBuf,
    /// The source as written in compose (`./otel-collector-config.yaml`).
    pub written: String,
    pub container: String,
    /// The volume entry (or `configs:` entry) that mounts it.
    pub at: (String, Option<usize>),
}

/// The default config path of each collector image.
fn default_config(image: &str) -> Option<&'static str> {
    let (repo, _) = split_image(image);
    let name = repo.rsplit('/').next().unwrap_or_default();
    match name {
        "opentelemetry-collector" | "otelcol" => Some("/etc/otelcol/config.yaml"),
        "opentelemetry-collector-contrib" | "otelcol-contrib" => {
            Some("/etc/otelcol-contrib/config.yaml")
        }
        "opentelemetry-collector-k8s" | "otelcol-k8s" => Some("/etc/otelcol-k8s/config.yaml"),
        _ => None,
    }
}

fn collector_image(image: &str) -> bool {
    let i = image.to_ascii_lowercase();
    i.contains("opentelemetry-collector") || i.contains("otelcol")
}

/// Every collector service of the project, found once per run.
pub(crate) fn collectors<'c, 'a>(ctx: &'c Ctx<'a>) -> &'c [Collector<'a>] {
    ctx.collectors.get_or_init(|| find(ctx))
}

fn find<'a>(ctx: &Ctx<'a>) -> Vec<Collector<'a>> {
    let lookup = lookup(ctx);
    let mut out = Vec::new();
    for svc in ctx.project.compose.all_services() {
        let args: Vec<String> = svc
            .entrypoint()
            .unwrap_or_default()
            .into_iter()
            .chain(svc.command().unwrap_or_default())
            .collect();
        let from_image = svc
            .image()
            .filter(|_| svc.get("build").is_none())
            .map(|raw| {
                let image = interpolated(&lookup, raw).map_or(raw.to_string(), |i| i.value);
                (image, svc.key_location("image"))
            });
        let (image, image_at) = match from_image.or_else(|| built_from(ctx, &svc)) {
            Some((image, at)) if collector_image(&image) => (image, at),
            Some((image, at)) if args.first().is_some_and(|a| a.contains("otelcol")) => (image, at),
            None if args.first().is_some_and(|a| a.contains("otelcol")) => {
                (String::new(), svc.key_location("command"))
            }
            _ => continue,
        };
        let version = Version::of(&image);
        let source = source(ctx, &svc, &image, &args);
        out.push(Collector {
            svc,
            image,
            image_at,
            version,
            source,
            loaded: std::sync::OnceLock::new(),
        });
    }
    out
}

/// The base image of a service built from a Dockerfile.
fn built_from(ctx: &Ctx, svc: &Service) -> Option<(String, (String, Option<usize>))> {
    svc.get("build")?;
    let path = svc.dockerfile()?;
    let text = ctx.project.read(&path).ok()?;
    let shown = ctx.project.display(&path);
    let image = Image::parse(shown.clone(), &text);
    let line = image
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "FROM")
        .map(|i| i.line);
    Some((image.base, (shown, line)))
}

/// The config paths the command names (`--config=X`, `--config X`, `file:X`).
fn config_flags(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--config") {
            Some("") => it.next().cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        out.extend(value);
    }
    out
}

fn source(ctx: &Ctx, svc: &Service, image: &str, args: &[String]) -> Source {
    let flags = config_flags(args);
    let (paths, from_flag) = if !flags.is_empty() {
        (flags, true)
    } else if svc.get("command").is_some() || svc.get("entrypoint").is_some() {
        return Source::Unknown("its command gives no --config".into());
    } else {
        match default_config(image) {
            Some(p) => (vec![p.to_string()], false),
            None => return Source::Unknown(format!("the config path of {image} is not known")),
        }
    };
    let mut files = Vec::new();
    for p in paths {
        let Some(container) = p
            .strip_prefix("file:")
            .or((!p.contains(':')).then_some(p.as_str()))
        else {
            return Source::Unknown(format!("--config {p} is not a file"));
        };
        match host_file(ctx, svc, container) {
            Ok(Some(c)) => files.push(c),
            Ok(None) if !from_flag => {
                return Source::Builtin(format!("nothing is mounted at {container}, so the collector runs the config built into {image}"))
            }
            Ok(None) if svc.get("build").is_some() => {
                return Source::Unknown(format!("{container} may be built into the image"))
            }
            Ok(None) => {
                return Source::Unmounted {
                    container: container.to_string(),
                    at: svc.key_location("command"),
                }
            }
            Err(why) => return Source::Unknown(why),
        }
    }
    Source::Files(files)
}

/// The host file behind a path in the container: a bind mount of it or of
/// a directory above it, or a compose `configs:` entry.
fn host_file(ctx: &Ctx, svc: &Service, container: &str) -> Result<Option<ConfigPath>, String> {
    let mut best: Option<(usize, ConfigPath)> = None;
    for m in mounts(svc) {
        let target = m.target.trim_end_matches('/');
        let rest = if target == container {
            Some("")
        } else {
            container
                .strip_prefix(target)
                .filter(|r| r.starts_with('/'))
        };
        let Some(rest) = rest else { continue };
        if !m.bind {
            return Err(format!("{container} is in the volume `{}`", m.source));
        }
        let Some(host) = host_path(ctx, &m.source) else {
            return Err(format!("{} depends on this machine", m.source));
        };
        // The deepest mount wins, as in the container.
        if best.as_ref().is_none_or(|(len, _)| target.len() > *len) {
            let written = format!("{}{rest}", m.source);
            best = Some((
                target.len(),
                ConfigPath {
                    host: match rest.trim_start_matches('/') {
                        "" => host,
                        rest => host.join(rest),
                    },
                    written,
                    container: container.to_string(),
                    at: m.at.clone(),
                },
            ));
        }
    }
    if let Some((_, c)) = best {
        return Ok(Some(c));
    }
    Ok(compose_config(ctx, svc, container))
}

/// A top-level `configs:` entry mounted at `container`.
fn compose_config(ctx: &Ctx, svc: &Service, container: &str) -> Option<ConfigPath> {
    let Some(Value::Sequence(items)) = svc.get("configs") else {
        return None;
    };
    items.iter().find_map(|i| {
        let (name, target) = match i {
            Value::String(s) => (s.clone(), format!("/{s}")),
            m => (
                m.get("source").map(scalar_text)?,
                m.get("target").map(scalar_text)?,
            ),
        };
        if target != container {
            return None;
        }
        let file = ctx
            .project
            .compose
            .top
            .get("configs")?
            .get(&name)?
            .get("file")?;
        let written = scalar_text(file);
        Some(ConfigPath {
            host: host_path(ctx, &written)?,
            written,
            container: container.to_string(),
            at: svc.key_location("configs"),
        })
    })
}

/// Host paths of every collector's config: bind-mount-missing leaves them
/// to collector-config-missing.
pub(crate) fn config_paths(ctx: &Ctx) -> Vec<PathBuf> {
    collectors(ctx)
        .iter()
        .flat_map(|c| match &c.source {
            Source::Files(f) => f.iter().map(|p| p.host.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Runs `check` over every collector whose config the project holds. A
/// config built into the image has nothing of the project's to judge; one
/// that cannot be read (missing: collector-config-missing says so) leaves
/// the check without a verdict unless it found something elsewhere.
fn over_configs(
    ctx: &Ctx,
    mut check: impl FnMut(&Collector, &config::Config) -> Vec<Finding>,
) -> Result<Vec<Finding>, Unsure> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    for c in collectors(ctx) {
        match c.config(ctx) {
            Ok(config) => out.extend(check(c, config)),
            Err(config::Problem::Builtin(_)) => {}
            Err(p) => unread.push(format!("`{}`: {}", c.svc.name(), p.reason())),
        }
    }
    if out.is_empty() && !unread.is_empty() {
        return Err(Unsure::CouldNotCheck(unread.join("; ")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
