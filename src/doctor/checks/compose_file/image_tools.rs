//! Which HTTP clients (curl, wget) an image has: from its base image's
//! family and what its Dockerfile installs. Facts of the official images:
//! the full Debian-based `python:3.x` and `node:x` images (buildpack-deps)
//! ship curl and wget; their `-slim` variants ship neither; alpine-based
//! images have busybox's `wget` but no curl; debian, ubuntu, distroless and
//! scratch images (the collector's among them) have neither.

use crate::usage::image::{Image, Instruction};

pub(crate) const TOOLS: [&str; 2] = ["curl", "wget"];

/// The clients of one image, and how that is known.
pub(crate) struct ImageTools {
    /// The external image everything starts from, as written.
    pub base: String,
    /// (curl, wget) of the base image's family; `None` when the family is unknown.
    base_has: Option<(bool, bool)>,
    /// Tools installed on top: (tool, where, e.g. `backend-flask/Dockerfile:3`).
    installed: Vec<(String, String)>,
}

impl ImageTools {
    /// An image used as it is (`image:` with no build).
    pub fn of_image(image: &str) -> ImageTools {
        ImageTools {
            base: image.to_string(),
            base_has: family(image),
            installed: Vec::new(),
        }
    }

    /// The final stage of a Dockerfile: its external base and the
    /// instructions of every stage it builds on.
    pub fn of_dockerfile(image: &Image) -> ImageTools {
        let (base, chain) = final_chain(image);
        let mut tools = ImageTools::of_image(&base);
        for ins in chain {
            for tool in TOOLS {
                if installs(&ins.keyword, &ins.args, tool) {
                    tools.note(tool, format!("{}:{}", image.display, ins.line));
                }
            }
        }
        tools
    }

    /// Records that something installs `tool` (a start script, a command).
    pub fn note(&mut self, tool: &str, at: String) {
        if !self.installed.iter().any(|(t, _)| t == tool) {
            self.installed.push((tool.to_string(), at));
        }
    }

    /// Whether the image has `tool`; `None` when that cannot be told.
    pub fn has(&self, tool: &str) -> Option<bool> {
        if self.installed.iter().any(|(t, _)| t == tool) {
            return Some(true);
        }
        let (curl, wget) = self.base_has?;
        Some(if tool == "curl" { curl } else { wget })
    }

    /// "python:3.10-slim-buster ships neither curl nor wget"
    pub fn describe_base(&self) -> String {
        match self.base_has {
            Some((false, false)) => format!("{} ships neither curl nor wget", self.base),
            Some((false, true)) => format!("{} has busybox wget but no curl", self.base),
            Some((true, false)) => format!("{} has curl but no wget", self.base),
            Some((true, true)) => format!("{} has curl and wget", self.base),
            None => format!("what {} ships is unknown", self.base),
        }
    }
}

/// (repository, tag) of an image reference; a digest counts as no tag.
pub(crate) fn split_image(image: &str) -> (String, Option<String>) {
    let no_digest = image.split('@').next().unwrap_or(image).trim();
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].rsplit_once(':') {
        Some((name, tag)) => (
            format!("{}{name}", &no_digest[..last_slash]),
            Some(tag.to_string()),
        ),
        None => (no_digest.to_string(), None),
    }
}

/// (curl, wget) of a known image family.
fn family(image: &str) -> Option<(bool, bool)> {
    let (repo, tag) = split_image(&image.to_ascii_lowercase());
    let name = repo.rsplit('/').next().unwrap_or(&repo);
    let tag = tag.unwrap_or_default();
    if repo.contains("distroless") || repo.contains("opentelemetry-collector") || name == "scratch"
    {
        return Some((false, false));
    }
    match name {
        "python" | "node" | "pypy" => {
            if tag.contains("alpine") {
                Some((false, true))
            } else if tag.contains("slim") {
                Some((false, false))
            } else if tag.contains("windows") || tag.contains("nanoserver") {
                None
            } else {
                Some((true, true))
            }
        }
        "alpine" | "busybox" => Some((false, true)),
        "debian" | "ubuntu" => Some((false, false)),
        _ => None,
    }
}

/// Whether an instruction (or a shell line, keyword "RUN") installs `tool`:
/// a package manager's install naming it, or a copy of its binary.
pub(crate) fn installs(keyword: &str, args: &str, tool: &str) -> bool {
    let words = words(args);
    if keyword == "COPY" {
        return words.iter().any(|w| w.ends_with(&format!("/{tool}")));
    }
    if keyword != "RUN" {
        return false;
    }
    let manager = words.iter().any(|w| {
        let w = w.rsplit('/').next().unwrap_or(w);
        matches!(
            w,
            "apt-get" | "apt" | "apk" | "yum" | "dnf" | "microdnf" | "zypper"
        )
    });
    let verb = words.iter().any(|w| w == "install" || w == "add");
    let named = words
        .iter()
        .any(|w| w == tool || w.starts_with(&format!("{tool}=")));
    manager && verb && named
}

/// Whitespace-separated words, quotes and shell separators trimmed.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == ')')
        .map(|w| w.trim_matches(['"', '\'', ',', '[', ']']).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The external base of the final stage, and the instructions of the stages
/// it is built from (an earlier stage named in FROM), ARG defaults applied.
fn final_chain(image: &Image) -> (String, Vec<&Instruction>) {
    let mut args: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<(Option<String>, String, Vec<&Instruction>)> = Vec::new();
    for ins in &image.instructions {
        match ins.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                if let Some((k, v)) = ins.args.split_once('=') {
                    args.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
                }
            }
            "FROM" => {
                let words: Vec<&str> = ins
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let mut base = words.first().copied().unwrap_or_default().to_string();
                for (k, v) in &args {
                    base = base
                        .replace(&format!("${{{k}}}"), v)
                        .replace(&format!("${k}"), v);
                }
                let name = match words.as_slice() {
                    [_, r#as, name, ..] if r#as.eq_ignore_ascii_case("as") => {
                        Some(name.to_ascii_lowercase())
                    }
                    _ => None,
                };
                stages.push((name, base, Vec::new()));
            }
            _ => {
                if let Some(stage) = stages.last_mut() {
                    stage.2.push(ins);
                }
            }
        }
    }
    let mut chain = Vec::new();
    let Some(mut at) = stages.len().checked_sub(1) else {
        return (image.base.clone(), chain);
    };
    loop {
        let (_, base, ins) = &stages[at];
        chain.extend(ins.iter().copied());
        let parent = stages[..at]
            .iter()
            .rposition(|(n, _, _)| n.as_deref() == Some(base.to_ascii_lowercase().as_str()));
        match parent {
            Some(p) => at = p,
            None => return (base.clone(), chain),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tools(image: &str) -> Option<(bool, bool)> {
        let t = ImageTools::of_image(image);
        Some((t.has("curl")?, t.has("wget")?))
    }

    #[test]
    fn families_of_the_official_images() {
        assert_eq!(tools("python:3.10-slim-buster"), Some((false, false)));
        assert_eq!(tools("python:3.9-alpine"), Some((false, true)));
        assert_eq!(tools("python:alpine3.16"), Some((false, true)));
        assert_eq!(tools("python:3.10"), Some((true, true)));
        assert_eq!(tools("python"), Some((true, true)));
        assert_eq!(tools("node:16.18"), Some((true, true)));
        assert_eq!(tools("node:18-slim"), Some((false, false)));
        assert_eq!(
            tools("docker.io/library/node:18-alpine"),
            Some((false, true))
        );
        assert_eq!(
            tools("public.ecr.aws/docker/library/python:3.10-slim-buster"),
            Some((false, false))
        );
        assert_eq!(
            tools("otel/opentelemetry-collector-contrib:0.111.0"),
            Some((false, false))
        );
        assert_eq!(tools("postgres:13-alpine"), None);
        assert_eq!(tools("amazon/dynamodb-local:latest"), None);
    }

    #[test]
    fn image_references_split_at_the_tag() {
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app".into(), None)
        );
        assert_eq!(
            split_image("otel/opentelemetry-collector:0.88.0"),
            ("otel/opentelemetry-collector".into(), Some("0.88.0".into()))
        );
        assert_eq!(split_image("python@sha256:abc"), ("python".into(), None));
    }

    #[test]
    fn installs_through_the_final_stage_chain_only() {
        let df = "ARG PY=3.10-slim\nFROM python:${PY} AS base\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\nFROM base AS app\nCOPY . .\nFROM alpine AS other\nRUN apk add --no-cache curl\n";
        let img = Image::parse("Dockerfile".into(), df);
        // The last stage is `other` (alpine + curl).
        let t = ImageTools::of_dockerfile(&img);
        assert_eq!((t.has("curl"), t.has("wget")), (Some(true), Some(true)));
        let df = df.replace("FROM alpine AS other\nRUN apk add --no-cache curl\n", "");
        let t = ImageTools::of_dockerfile(&Image::parse("Dockerfile".into(), &df));
        assert_eq!(t.base, "python:3.10-slim");
        assert_eq!((t.has("curl"), t.has("wget")), (Some(true), Some(false)));
        let df = "FROM python:3.10-slim AS build\nRUN apt-get install -y curl\nFROM python:3.10-slim\nCOPY --from=build /app /app\n";
        let t = ImageTools::of_dockerfile(&Image::parse("Dockerfile".into(), df));
        assert_eq!(t.has("curl"), Some(false));
    }

    #[test]
    fn what_counts_as_installing() {
        assert!(installs("RUN", "apk add --no-cache curl", "curl"));
        assert!(installs("RUN", "apt-get install -y wget", "wget"));
        assert!(!installs("RUN", "apt-get install -y libcurl4", "curl"));
        assert!(!installs("RUN", "curl -fsSL https://x | sh", "curl"));
        assert!(installs(
            "COPY",
            "--from=curlimages/curl /usr/bin/curl /usr/bin/curl",
            "curl"
        ));
    }
}
