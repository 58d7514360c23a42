//! Bind mounts: the volume entries of a service read as compose reads them
//! (short `src:dst[:mode]` and long `{type: bind, source, target}` forms),
//! with their host paths; and bind-mount-missing, a mounted file that does
//! not exist. Only sources that are meant to be files count: docker creates
//! a missing directory and most programs are fine with an empty one (a
//! database's data directory), while a program reading a config file finds
//! a directory and exits.

use super::{interpolated, loc, lookup};
use crate::compose::{scalar_text, Service};
use crate::doctor::{Ctx, Finding};
use std::path::{Path, PathBuf};
use yaml_serde::Value;

/// Extensions of files that are mounted to be read (configs, scripts, keys).
const FILE_EXTENSIONS: [&str; 19] = [
    "yaml",
    "yml",
    "json",
    "conf",
    "cfg",
    "ini",
    "toml",
    "txt",
    "sh",
    "py",
    "js",
    "env",
    "xml",
    "properties",
    "pem",
    "crt",
    "key",
    "sql",
    "lua",
];

/// One volume entry of a service.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    /// The source as written (a path for a bind mount, a volume name, or "").
    pub source: String,
    pub target: String,
    pub bind: bool,
    /// Where the entry is written (file, line).
    pub at: (String, Option<usize>),
}

impl Mount {
    /// Whether the mount is meant to put a file (not a directory) in place.
    pub fn file_like(&self) -> bool {
        let ext = |p: &str| {
            let name = p
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            name.rsplit_once('.').is_some_and(|(stem, e)| {
                !stem.is_empty() && FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
            })
        };
        ext(&self.source) || ext(&self.target)
    }
}

/// Every volume entry of `svc`.
pub(crate) fn mounts(svc: &Service) -> Vec<Mount> {
    let Some(Value::Sequence(items)) = svc.get("volumes") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let (source, target, bind, text) = match item {
                Value::String(s) => {
                    let parts = split_volume(s);
                    let (source, target) = match parts.as_slice() {
                        [target] => ("", target.as_str()),
                        [source, target, ..] => (source.as_str(), target.as_str()),
                        [] => return None,
                    };
                    let bind = source.starts_with(['.', '/', '~', '$']);
                    (source.to_string(), target.to_string(), bind, s.clone())
                }
                Value::Mapping(m) => {
                    let get = |k: &str| item.get(k).map(scalar_text).unwrap_or_default();
                    let first = m.values().next().map(scalar_text).unwrap_or_default();
                    (get("source"), get("target"), get("type") == "bind", first)
                }
                _ => return None,
            };
            Some(Mount {
                source,
                target,
                bind,
                at: svc.item_location("volumes", &text),
            })
        })
        .collect()
}

/// `src:dst[:mode]` split at the colons outside `${…}` (a default such as
/// `${CONFIG:-./otel.yaml}` has one of its own).
fn split_volume(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 => {
                parts.push(String::new());
                prev = c;
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("one part at least").push(c);
        prev = c;
    }
    parts
}

/// The host path of a bind mount's source, as compose resolves it against
/// the project directory; `None` when it depends on the machine (`~`, an
/// absolute path outside the project, an unset variable).
pub(crate) fn host_path(ctx: &Ctx, source: &str) -> Option<PathBuf> {
    let dir = ctx.project.compose.dir();
    // `${PWD}` is where compose runs: the project directory.
    let raw = source
        .replace("${PWD}", &dir.display().to_string())
        .replace("$PWD", &dir.display().to_string());
    let i = interpolated(&lookup(ctx), &raw)?;
    if !i.unset.is_empty() || i.value.starts_with('~') || i.value.is_empty() {
        return None;
    }
    let p = Path::new(&i.value);
    if p.is_absolute() {
        let inside = p.starts_with(&ctx.project.root) || p.starts_with(dir);
        return inside.then(|| p.to_path_buf());
    }
    Some(dir.join(p))
}

/// Why a file source is not there: missing, or the empty directory docker
/// made of it on an earlier `up`.
pub(crate) fn absent(path: &Path) -> Option<&'static str> {
    if !path.exists() {
        return Some("does not exist");
    }
    let empty_dir = path.is_dir() && std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none());
    empty_dir.then_some("is an empty directory (what docker creates for a missing source)")
}

pub fn bind_mounts(ctx: &Ctx) -> Vec<Finding> {
    // A collector's missing config is collector-config-missing: the root cause.
    let collector_configs = crate::doctor::checks::collector::config_paths(ctx);
    let mut out = Vec::new();
    for svc in ctx.project.compose.all_services() {
        for m in mounts(&svc).into_iter().filter(|m| m.bind && m.file_like()) {
            let Some(path) = host_path(ctx, &m.source) else {
                continue;
            };
            if collector_configs.contains(&path) {
                continue;
            }
            let Some(why) = absent(&path) else { continue };
            out.push(
                Finding::new(
                    "bind-mount-missing",
                    format!(
                        "`{}`, bind-mounted into `{}` at {}, {why}",
                        m.source,
                        svc.name(),
                        m.target
                    ),
                )
                .fill("file", m.source.clone())
                .at(m.at.0.clone(), m.at.1)
                .evidence(format!(
                    "{}: {}:{} → {}",
                    loc(&m.at),
                    m.source,
                    m.target,
                    ctx.project.display(&path)
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_volume;

    #[test]
    fn volumes_split_outside_variables() {
        assert_eq!(
            split_volume("./a.yaml:/etc/a.yaml:ro"),
            ["./a.yaml", "/etc/a.yaml", "ro"]
        );
        assert_eq!(
            split_volume("${CONFIG:-./otel.yaml}:/etc/otelcol/config.yaml"),
            ["${CONFIG:-./otel.yaml}", "/etc/otelcol/config.yaml"]
        );
        assert_eq!(split_volume("/node_modules"), ["/node_modules"]);
    }
}
