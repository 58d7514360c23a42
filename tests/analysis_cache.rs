//! The analysis cache through the binary: a run that finds every module in
//! the cache answers exactly as a run without it and parses nothing; an
//! edited module is analysed again; a module holding a key never reaches
//! the cache; a cache that cannot be used changes nothing.

mod common;
use common::{copy_fixture, cruddur, fixtures, sample_projects, Result};
use std::path::Path;

/// doctor --json with the cache at `cache` ("" turns it off); stdout, and
/// the cache's report from stderr.
fn doctor(dir: &Path, cache: &str) -> (Result, String) {
    let r = cruddur(&["doctor", "--offline", "--no-stack", "--json"])
        .dir(dir)
        .env("CRUDDUR_OBS_CACHE_DIR", cache)
        .env("CRUDDUR_OBS_DEBUG_CACHE", "1")
        .run();
    let stderr = r.stderr();
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("cache: "))
        .collect();
    // Every compose project of a run shares the code: one report per run.
    assert!(reports.len() <= 1, "{}: {reports:?}", dir.display());
    let report = reports.first().copied().unwrap_or_default().to_string();
    (r, report)
}

/// "cache: 11 modules, 0 parsed in this run, 0 stored" → (11, 0, 0).
fn counts(report: &str) -> (usize, usize, usize) {
    let n: Vec<usize> = report
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    assert_eq!(n.len(), 3, "report: {report:?}");
    (n[0], n[1], n[2])
}

#[test]
fn warm_runs_answer_like_runs_without_the_cache_and_parse_nothing_stored() {
    let (mut from_cache, mut stored_total) = (0, 0);
    for dir in sample_projects() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        // One cache per project: the samples share modules.
        let cache = tempfile::tempdir().unwrap();
        let at = cache.path().to_str().unwrap();
        let (off, none) = doctor(&dir, "");
        assert_eq!(none, "", "{name}: no cache, no report");
        let (cold, cold_report) = doctor(&dir, at);
        let (warm, warm_report) = doctor(&dir, at);
        for r in [&cold, &warm] {
            assert_eq!(
                r.stdout(),
                off.stdout(),
                "{name}: output differs with the cache"
            );
            assert_eq!(r.code(), off.code(), "{name}");
        }
        let (modules, parsed, stored) = counts(&cold_report);
        let (w_modules, w_parsed, w_stored) = counts(&warm_report);
        assert_eq!(modules, w_modules, "{name}");
        assert_eq!(parsed, modules, "{name}: the first run parses every module");
        // What the first run stored, the second reads; what it did not
        // (a module that could hold a secret) is parsed again.
        assert_eq!(
            w_parsed,
            modules - stored,
            "{name}: {cold_report} / {warm_report}"
        );
        assert_eq!(w_stored, 0, "{name}: nothing new to store");
        from_cache += stored;
        stored_total += modules;
    }
    assert!(
        from_cache > 50,
        "{from_cache} of {stored_total} modules came from the cache"
    );
}

#[test]
fn an_edited_module_is_analysed_again() {
    let cache = tempfile::tempdir().unwrap();
    let at = cache.path().to_str().unwrap();
    let project = copy_fixture("cruddur-week2");
    let (first, report) = doctor(project.path(), at);
    assert_eq!(counts(&report).1, 11, "{report}");
    assert!(!first.stdout().contains("python-name-undefined"));
    let module = project
        .path()
        .join("backend-flask/services/home_activities.py");
    let text = std::fs::read_to_string(&module).unwrap();
    std::fs::write(
        &module,
        format!("{text}\nprint(tracer_provider_undefined)\n"),
    )
    .unwrap();
    let (second, report) = doctor(project.path(), at);
    assert_eq!(
        counts(&report),
        (11, 1, 1),
        "only the edited module: {report}"
    );
    assert!(
        second.stdout().contains("tracer_provider_undefined"),
        "{}",
        second.stdout()
    );
}

/// Every file's bytes under `dir`, as one string to search.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.push_str(&all_text(&p));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn a_module_holding_a_key_never_reaches_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let at = cache.path().to_str().unwrap();
    let project = copy_fixture("cruddur-week2");
    let app = project.path().join("backend-flask/app.py");
    let token = "4f1a9c2e7b3d4e8f9a0b1c2d3e4f5a6b";
    let text = std::fs::read_to_string(&app).unwrap().replace(
        "import rollbar\n",
        &format!("import rollbar\nrollbar.init('{token}')\n"),
    );
    assert!(text.contains(token));
    std::fs::write(&app, text).unwrap();
    for _ in 0..2 {
        let (r, report) = doctor(project.path(), at);
        assert!(r.stdout().contains("hardcoded"), "{}", r.stdout());
        // app.py is parsed every time; the other ten come from the cache
        // after the first run.
        assert!(counts(&report).1 >= 1, "{report}");
    }
    let stored = all_text(cache.path());
    assert!(stored.contains("home_activities") || stored.contains("HomeActivities"));
    assert!(!stored.contains(token), "the key was copied to the cache");
    assert!(!stored.contains("rollbar.init"), "app.py was stored");
}

#[test]
fn a_cache_that_cannot_be_used_changes_nothing() {
    let place = tempfile::tempdir().unwrap();
    let file = place.path().join("not-a-directory");
    std::fs::write(&file, "").unwrap();
    let dir = fixtures().join("cruddur-week2");
    let (off, _) = doctor(&dir, "");
    let (r, report) = doctor(&dir, file.to_str().unwrap());
    assert_eq!(r.stdout(), off.stdout());
    assert_eq!(r.code(), off.code());
    assert_eq!(counts(&report), (11, 11, 0), "{report}");
    assert_eq!(std::fs::read(&file).unwrap(), b"");
}
