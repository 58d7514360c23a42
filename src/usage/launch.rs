//! How the backend container starts: compose's `entrypoint:`/`command:` over
//! the image's ENTRYPOINT/CMD, as docker combines them, as argv words, with
//! start scripts from the build context followed line by line (a
//! `CMD ["./start.sh"]` that runs `opentelemetry-instrument flask run` starts
//! the app under auto-instrumentation all the same).

use super::image::{split_words, Cmd, Image};
use crate::compose::{scalar_text, Service};
use crate::project::Project;
use crate::resolve::ContainerEnv;
use std::path::{Path, PathBuf};
use yaml_serde::Value;

pub struct Launch {
    pub parts: Vec<Cmd>,
    /// Start scripts the command runs, with each line as a part.
    pub scripts: Vec<PathBuf>,
}

impl Launch {
    pub fn new(project: &Project, service: Option<Service>, image: Option<&Image>) -> Launch {
        let from_compose = |key: &str| -> Option<Cmd> {
            let svc = service?;
            let value = svc.get(key)?;
            let raw: Vec<String> = match value {
                Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
                Value::Sequence(items) => items.iter().map(scalar_text).collect(),
                _ => return None,
            };
            let (file, line) = svc.key_location(key);
            Some(Cmd {
                words: split_words(&raw),
                text: format!("{key}: {}", raw.join(" ")),
                file,
                line,
            })
        };
        let compose_entry = from_compose("entrypoint");
        let compose_cmd = from_compose("command");
        // Overriding the entrypoint drops the image's CMD.
        let image_cmd = match &compose_entry {
            Some(_) => None,
            None => image.and_then(|i| i.cmd.clone()),
        };
        let entry = compose_entry.or_else(|| image.and_then(|i| i.entry.clone()));
        let cmd = compose_cmd.or(image_cmd);
        let mut launch = Launch {
            parts: entry.into_iter().chain(cmd).collect(),
            scripts: Vec::new(),
        };
        if let Some(context) = &project.backend.context {
            launch.follow_scripts(project, context, image);
        }
        launch
    }

    /// Adds the lines of each start script the command names (one level:
    /// a script that starts another is followed too, up to a few).
    fn follow_scripts(&mut self, project: &Project, context: &Path, image: Option<&Image>) {
        let workdir = image.and_then(|i| i.workdir()).unwrap_or_default();
        let mut i = 0;
        while i < self.parts.len() && self.scripts.len() < 4 {
            let found: Vec<PathBuf> = self.parts[i]
                .words
                .iter()
                .filter(|w| w.ends_with(".sh") || w.starts_with("./"))
                .filter_map(|w| script_file(context, &workdir, w))
                .filter(|p| !self.scripts.contains(p))
                .collect();
            for path in found {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let display = project.display(&path);
                for (n, line) in text.lines().enumerate() {
                    let t = line.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    self.parts.push(Cmd {
                        words: split_words(&[t.to_string()]),
                        text: t.to_string(),
                        file: display.clone(),
                        line: Some(n + 1),
                    });
                }
                self.scripts.push(path);
            }
            i += 1;
        }
    }

    /// The part that starts `program`, if any does.
    pub fn runs(&self, program: &str) -> Option<&Cmd> {
        self.parts.iter().find(|c| c.runs(program))
    }

    pub fn has(&self, word: &str) -> bool {
        self.parts.iter().any(|c| c.has(word))
    }
}

/// A script named in a command, found in the build context: `./start.sh`,
/// `start.sh`, or `/app/start.sh` under a WORKDIR of `/app`.
fn script_file(context: &Path, workdir: &str, word: &str) -> Option<PathBuf> {
    let rel = word
        .strip_prefix(workdir)
        .filter(|_| !workdir.is_empty() && workdir != "/")
        .unwrap_or(word)
        .trim_start_matches('/')
        .trim_start_matches("./");
    if rel.is_empty() || rel.contains("..") {
        return None;
    }
    let p = context.join(rel);
    p.is_file().then_some(p)
}

/// A variable as the container sees it: compose's environment over the
/// image's ENV. Returns (value, where it is set).
pub fn env_value(
    env: &ContainerEnv,
    image: Option<&Image>,
    name: &str,
) -> Option<(String, String)> {
    if let Some(s) = env.get(name) {
        return Some((s.value.clone(), s.origin.to_string()));
    }
    let image = image?;
    let (value, line) = image.env(name)?;
    Some((value.to_string(), format!("{}:{line}", image.display)))
}
