//! `CRUDDUR_OBS_THREADS`: the number of threads changes how fast a run is,
//! never what it reports.

mod common;
use common::{cruddur, sample_projects};

fn doctor(dir: &std::path::Path, threads: &str) -> common::Result {
    cruddur(&["doctor", "--offline", "--no-stack", "--json"])
        .dir(dir)
        .env("CRUDDUR_OBS_THREADS", threads)
        // No cache: both runs parse every module, each with its own threads.
        .env("CRUDDUR_OBS_CACHE_DIR", "")
        .run()
}

#[test]
fn one_thread_or_several_the_report_is_the_same() {
    let mut compared = 0;
    for dir in sample_projects() {
        let one = doctor(&dir, "1");
        let several = doctor(&dir, "3");
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(matches!(one.code(), 0 | 1), "{name}: {}", one.stderr());
        assert_eq!(one.code(), several.code(), "{name}");
        assert_eq!(one.stdout(), several.stdout(), "{name}");
        assert!(one.stdout().contains("\"findings\""), "{name}");
        compared += 1;
    }
    assert!(compared > 5, "{compared}");
}

#[test]
fn a_bad_thread_count_is_reported_and_the_run_goes_on() {
    let dir = common::fixtures().join("cruddur-week2");
    let good = doctor(&dir, "1");
    for bad in ["0", "many", "-2"] {
        let run = doctor(&dir, bad);
        assert_eq!(run.code(), good.code(), "{bad}");
        assert_eq!(run.stdout(), good.stdout(), "{bad}");
        assert!(
            run.stderr().contains(&format!(
                "CRUDDUR_OBS_THREADS=\"{bad}\" is not a positive whole number"
            )),
            "{bad}: {}",
            run.stderr()
        );
    }
    assert!(!good.stderr().contains("CRUDDUR_OBS_THREADS"));
}
