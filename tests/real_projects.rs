//! Scores `doctor` on the realistic multi-defect projects in fixtures/real/.
//!
//! Each tree's EXPECTED.toml says, for a bare shell (PATH and HOME only) and
//! for a shell with the keys, which ids doctor must report (`id` or
//! `id@file`), which it must not, and how many error findings it may raise.
//! `scores_realistic_projects` runs doctor on every tree in both shells,
//! prints a score table to stderr and fails on any miss, forbidden id or
//! excess of errors; with `CRUDDUR_SCORE_ONLY=1` it prints the table and
//! passes, to measure progress:
//!
//! ```sh
//! CRUDDUR_SCORE_ONLY=1 cargo test --test real_projects -- --nocapture
//! ```
//!
//! `fixtures_are_well_formed` (always on) checks the trees and their
//! expectations themselves, so a typo there cannot pass as a doctor bug.

mod common;
use common::{copy_fixture, cruddur, fixtures, snapshot};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use toml_edit::{DocumentMut, Item};

/// One expected id, optionally tied to the finding's `file` field.
#[derive(Debug, Clone)]
struct Expect {
    id: String,
    file: Option<String>,
}

impl Expect {
    fn parse(s: &str) -> Expect {
        match s.split_once('@') {
            Some((id, file)) => Expect {
                id: id.to_string(),
                file: Some(file.to_string()),
            },
            None => Expect {
                id: s.to_string(),
                file: None,
            },
        }
    }

    fn matches(&self, f: &Finding) -> bool {
        f.id == self.id
            && self
                .file
                .as_ref()
                .is_none_or(|want| f.file.as_ref() == Some(want))
    }

    fn show(&self) -> String {
        match &self.file {
            Some(f) => format!("{}@{f}", self.id),
            None => self.id.clone(),
        }
    }
}

#[derive(Debug)]
struct Shell {
    name: &'static str,
    env: Vec<(String, String)>,
    must: Vec<Expect>,
    must_not: Vec<Expect>,
    max_errors: usize,
}

#[derive(Debug)]
struct Fixture {
    name: String,
    about: String,
    args: Vec<String>,
    git_track: Vec<String>,
    shells: Vec<Shell>,
}

#[derive(Debug)]
struct Finding {
    id: String,
    severity: String,
    file: Option<String>,
}

fn real_dir() -> PathBuf {
    fixtures().join("real")
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(real_dir())
        .expect("fixtures/real")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("EXPECTED.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn strings(item: Option<&Item>, what: &str) -> Vec<String> {
    let Some(item) = item else { return Vec::new() };
    let arr = item
        .as_array()
        .unwrap_or_else(|| panic!("{what} must be an array of strings"));
    arr.iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what} must hold strings"))
                .to_string()
        })
        .collect()
}

fn shell(doc: &DocumentMut, name: &'static str, fixture: &str) -> Shell {
    let t = doc
        .get(name)
        .and_then(Item::as_table_like)
        .unwrap_or_else(|| panic!("{fixture}: no [{name}] table"));
    let env = match t.get("env") {
        None => Vec::new(),
        Some(item) => item
            .as_table_like()
            .unwrap_or_else(|| panic!("{fixture}: [{name}].env must be a table"))
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_str()
                    .unwrap_or_else(|| panic!("{fixture}: [{name}].env.{k} must be a string"));
                (k.to_string(), v.to_string())
            })
            .collect(),
    };
    let what = |k: &str| format!("{fixture}: [{name}].{k}");
    Shell {
        name,
        env,
        must: strings(t.get("must"), &what("must"))
            .iter()
            .map(|s| Expect::parse(s))
            .collect(),
        must_not: strings(t.get("must_not"), &what("must_not"))
            .iter()
            .map(|s| Expect::parse(s))
            .collect(),
        max_errors: t
            .get("max_errors")
            .and_then(Item::as_integer)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| panic!("{}", what("max_errors must be a non-negative integer"))),
    }
}

fn load(name: &str) -> Fixture {
    let path = real_dir().join(name).join("EXPECTED.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Fixture {
        name: name.to_string(),
        about: doc
            .get("about")
            .and_then(Item::as_str)
            .unwrap_or_default()
            .to_string(),
        args: strings(doc.get("args"), &format!("{name}: args")),
        git_track: strings(doc.get("git_track"), &format!("{name}: git_track")),
        shells: vec![shell(&doc, "bare", name), shell(&doc, "keyed", name)],
    }
}

/// Commits `paths` (ignored ones too: that is how a tracked .env arises)
/// into a fresh repository, isolated from the user's git configuration.
fn git_commit(dir: &Path, paths: &[String]) {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    let mut add = vec!["add", "-f", "--"];
    add.extend(paths.iter().map(String::as_str));
    git(&add);
    git(&[
        "-c",
        "user.name=fixture",
        "-c",
        "user.email=fixture@example.invalid",
        "commit",
        "-qm",
        "fixture",
    ]);
}

/// Runs doctor on a private copy of the fixture in the given shell.
fn run_doctor(fx: &Fixture, shell: &Shell) -> Result<Vec<Finding>, String> {
    let tmp = copy_fixture(&format!("real/{}", fx.name));
    // The expectations (and the keyed shell's keys) are not part of the project.
    std::fs::remove_file(tmp.path().join("EXPECTED.toml")).unwrap();
    if !fx.git_track.is_empty() {
        git_commit(tmp.path(), &fx.git_track);
    }
    let mut run = cruddur(&["doctor", "--offline", "--json"]).dir(tmp.path());
    for a in &fx.args {
        run = run.arg(a);
    }
    for (k, v) in &shell.env {
        run = run.env(k, v);
    }
    let out = run.run();
    let json: Value = serde_json::from_str(&out.stdout()).map_err(|e| {
        format!(
            "exit {}, not JSON ({e}): {}",
            out.code(),
            out.all().lines().take(3).collect::<Vec<_>>().join(" | ")
        )
    })?;
    let findings = json["findings"]
        .as_array()
        .ok_or("no findings array")?
        .iter()
        .map(|f| Finding {
            id: f["id"].as_str().unwrap_or_default().to_string(),
            severity: f["severity"].as_str().unwrap_or_default().to_string(),
            file: f["file"].as_str().map(str::to_string),
        })
        .collect();
    Ok(findings)
}

#[derive(Debug, Default)]
struct Score {
    hits: usize,
    must: usize,
    misses: Vec<String>,
    forbidden: Vec<String>,
    errors: usize,
    max_errors: usize,
    /// Error findings that no `must` entry accounts for.
    false_errors: Vec<String>,
    failure: Option<String>,
}

impl Score {
    fn passed(&self) -> bool {
        self.failure.is_none()
            && self.misses.is_empty()
            && self.forbidden.is_empty()
            && self.errors <= self.max_errors
    }
}

fn score(findings: &[Finding], shell: &Shell) -> Score {
    let mut s = Score {
        must: shell.must.len(),
        max_errors: shell.max_errors,
        ..Score::default()
    };
    for e in &shell.must {
        if findings.iter().any(|f| e.matches(f)) {
            s.hits += 1;
        } else {
            s.misses.push(e.show());
        }
    }
    for e in &shell.must_not {
        if findings.iter().any(|f| e.matches(f)) {
            s.forbidden.push(e.show());
        }
    }
    for f in findings.iter().filter(|f| f.severity == "error") {
        s.errors += 1;
        if !shell.must.iter().any(|e| e.matches(f)) {
            let at = f
                .file
                .as_deref()
                .map(|p| format!("@{p}"))
                .unwrap_or_default();
            s.false_errors.push(format!("{}{at}", f.id));
        }
    }
    s
}

fn print_table(rows: &[(String, &'static str, Score)]) {
    let mut out = String::new();
    out.push_str(&format!(
        "\n{:<30} {:<6} {:>7} {:>7} {:>11}  details\n",
        "fixture", "shell", "hits", "errors", "false errs"
    ));
    for (name, shell, s) in rows {
        let mut details = Vec::new();
        if let Some(f) = &s.failure {
            details.push(format!("DOCTOR FAILED: {f}"));
        }
        if !s.misses.is_empty() {
            details.push(format!("missed {}", s.misses.join(", ")));
        }
        if !s.forbidden.is_empty() {
            details.push(format!("forbidden {}", s.forbidden.join(", ")));
        }
        if !s.false_errors.is_empty() {
            details.push(format!("false errors {}", s.false_errors.join(", ")));
        }
        let mark = if s.passed() { ' ' } else { '✗' };
        out.push_str(&format!(
            "{mark}{:<29} {:<6} {:>3}/{:<3} {:>3}/{:<3} {:>11}  {}\n",
            name,
            shell,
            s.hits,
            s.must,
            s.errors,
            s.max_errors,
            s.false_errors.len(),
            details.join("; ")
        ));
    }
    let sum = |f: &dyn Fn(&Score) -> usize| rows.iter().map(|(_, _, s)| f(s)).sum::<usize>();
    let per_shell = |shell: &str| {
        rows.iter()
            .filter(|(_, sh, _)| *sh == shell)
            .map(|(_, _, s)| s.errors)
            .sum::<usize>()
    };
    out.push_str(&format!(
        "\ntotal: {} fixture runs, {} passed; hits {}/{}, misses {}, forbidden ids present {}, \
         false errors {}, runs over max_errors {}; errors bare {} vs keyed {}\n",
        rows.len(),
        rows.iter().filter(|(_, _, s)| s.passed()).count(),
        sum(&|s| s.hits),
        sum(&|s| s.must),
        sum(&|s| s.misses.len()),
        sum(&|s| s.forbidden.len()),
        sum(&|s| s.false_errors.len()),
        rows.iter()
            .filter(|(_, _, s)| s.errors > s.max_errors)
            .count(),
        per_shell("bare"),
        per_shell("keyed"),
    ));
    eprint!("{out}");
}

#[test]
fn scores_realistic_projects() {
    let mut rows = Vec::new();
    for name in fixture_names() {
        let fx = load(&name);
        for shell in &fx.shells {
            let s = match run_doctor(&fx, shell) {
                Ok(findings) => score(&findings, shell),
                Err(e) => Score {
                    must: shell.must.len(),
                    max_errors: shell.max_errors,
                    misses: shell.must.iter().map(Expect::show).collect(),
                    failure: Some(e),
                    ..Score::default()
                },
            };
            rows.push((name.clone(), shell.name, s));
        }
    }
    print_table(&rows);
    if std::env::var_os("CRUDDUR_SCORE_ONLY").is_some_and(|v| v == "1") {
        return;
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|(_, _, s)| !s.passed())
        .map(|(n, sh, _)| format!("{n} ({sh})"))
        .collect();
    assert!(failed.is_empty(), "doctor fails on: {}", failed.join(", "));
}

/// Every file under `dir`, relative, with `/` separators.
fn tree(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The Python files under `dir` that CPython cannot parse (no bytecode
/// written), in one interpreter for all of them: start-up is the slow part.
fn unparsable_python(dir: &Path, files: &[String]) -> Vec<String> {
    let py: Vec<&String> = files.iter().filter(|f| f.ends_with(".py")).collect();
    let out = Command::new("python3")
        .arg("-c")
        .arg("import ast, sys\nfor p in sys.argv[1:]:\n    try:\n        ast.parse(open(p).read(), p)\n    except SyntaxError:\n        print(p)\n")
        .args(&py)
        .current_dir(dir)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn fixtures_are_well_formed() {
    let names = fixture_names();
    assert!(names.len() >= 16, "only {} realistic fixtures", names.len());
    let readme = std::fs::read_to_string(real_dir().join("README.md")).unwrap();
    let mut clean = 0;
    let all_files: Vec<String> = names
        .iter()
        .flat_map(|n| {
            tree(&real_dir().join(n))
                .into_iter()
                .map(move |f| format!("{n}/{f}"))
        })
        .collect();
    let broken = unparsable_python(&real_dir(), &all_files);
    for name in &names {
        let fx = load(name);
        let dir = real_dir().join(name);
        let files = tree(&dir);
        assert!(fx.about.trim().len() > 80, "{name}: about says too little");
        assert!(
            readme.contains(&format!("`{name}/`")),
            "{name}: not in README.md"
        );
        for p in &fx.git_track {
            assert!(dir.join(p).exists(), "{name}: git_track {p} does not exist");
        }
        let [bare, keyed] = &fx.shells[..] else {
            unreachable!()
        };
        assert!(
            bare.max_errors <= keyed.max_errors + 1,
            "{name}: the bare shell may have at most one error more than the keyed one"
        );
        assert!(
            keyed.env.iter().any(|(k, _)| k == "HONEYCOMB_API_KEY"),
            "{name}: keyed env"
        );
        assert!(bare.env.is_empty(), "{name}: the bare shell sets nothing");
        if keyed.max_errors == 0 {
            clean += 1;
        }
        for s in &fx.shells {
            for e in s.must.iter().chain(&s.must_not) {
                assert!(
                    !e.id.is_empty()
                        && e.id
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                    "{name} [{}]: bad id {:?}",
                    s.name,
                    e.id
                );
                if let Some(f) = &e.file {
                    assert!(
                        files.contains(f),
                        "{name} [{}]: {} names a missing file",
                        s.name,
                        e.show()
                    );
                }
            }
            for e in &s.must {
                assert!(
                    !s.must_not.iter().any(|n| n.show() == e.show()),
                    "{name} [{}]: {} is both must and must_not",
                    s.name,
                    e.show()
                );
            }
        }
        // The Python is valid except where a syntax error is the planted defect.
        let planted: Vec<String> = fx
            .shells
            .iter()
            .flat_map(|s| &s.must)
            .filter(|e| e.id == "python-syntax-error")
            .filter_map(|e| e.file.as_ref().map(|f| format!("{name}/{f}")))
            .collect();
        for b in broken.iter().filter(|b| b.starts_with(&format!("{name}/"))) {
            assert!(planted.contains(b), "{b} does not parse");
        }
        for p in &planted {
            assert!(broken.contains(p), "{p} should not parse");
        }
        // Every compose and collector file is YAML.
        for f in files
            .iter()
            .filter(|f| f.ends_with(".yml") || f.ends_with(".yaml"))
        {
            let text = std::fs::read_to_string(dir.join(f)).unwrap();
            yaml_serde::from_str::<yaml_serde::Value>(&text)
                .unwrap_or_else(|e| panic!("{name}: {f} is not YAML: {e}"));
        }
    }
    assert!(
        clean >= 2,
        "at least two fully correct projects are needed, found {clean}"
    );
}
