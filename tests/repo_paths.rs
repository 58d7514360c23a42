//! The project stands alone: no file a user gets refers to a path outside
//! the repository (a team's shared notes, a build machine's directories),
//! and every relative link in the Markdown docs leads to a file that exists.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files git tracks or would add (not ignored), else every file
/// outside target/ and .git/ when this is not a git checkout.
fn project_files() -> Vec<PathBuf> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root())
        .output();
    if let Some(out) = out.ok().filter(|o| o.status.success()) {
        return out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root().join(String::from_utf8_lossy(p).as_ref()))
            .filter(|p| p.is_file())
            .collect();
    }
    let mut files = Vec::new();
    let mut stack = vec![root().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            let name = e.file_name();
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    stack.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn no_file_refers_to_a_path_outside_the_repository() {
    // Spelt in pieces so this file does not match itself.
    let needles = [concat!("..", "/shared"), concat!("/", "work/")];
    let mut hits = Vec::new();
    let files = project_files();
    assert!(files.len() > 20, "found only {} files", files.len());
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // binary
        };
        for (n, line) in text.lines().enumerate() {
            for needle in needles {
                if line.contains(needle) {
                    let rel = path.strip_prefix(root()).unwrap_or(&path);
                    hits.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "paths outside the repository:\n{}",
        hits.join("\n")
    );
}

/// `[text](target)` links in one Markdown text, without anchors.
fn links(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn markdown_links_lead_to_files_in_the_repository() {
    let mut broken = Vec::new();
    for path in project_files() {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for link in links(&text) {
            let target = link.split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = path.parent().unwrap().join(target);
            let inside = resolved
                .canonicalize()
                .is_ok_and(|p| p.starts_with(root().canonicalize().unwrap()));
            if !inside {
                let rel = path.strip_prefix(root()).unwrap_or(&path);
                broken.push(format!("{}: {link}", rel.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
