//! The committed src/python/library_names.txt is exactly what
//! scripts/gen-library-names.py makes from the real wheels on PyPI (a
//! package registry, like the virtualenv the Python tests build). Wheels
//! are cached under target/pylib-cache, so only the first run downloads.

use std::path::Path;
use std::process::Command;

#[test]
fn the_committed_table_is_what_the_generator_produces() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts/gen-library-names.py"))
        .arg("--check")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("is up to date"), "{stdout}");

    // A copy of the script beside a stale table must fail, naming the
    // command to run (same test, so the two runs never download at once).
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scripts")).unwrap();
    std::fs::create_dir_all(tmp.path().join("src/python")).unwrap();
    std::fs::copy(
        root.join("scripts/gen-library-names.py"),
        tmp.path().join("scripts/gen-library-names.py"),
    )
    .unwrap();
    let table = std::fs::read_to_string(root.join("src/python/library_names.txt")).unwrap();
    let stale = table.replacen("ConsoleSpanExporter\n", "", 1);
    assert_ne!(stale, table);
    std::fs::write(tmp.path().join("src/python/library_names.txt"), stale).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = Command::new("python3")
        .arg(tmp.path().join("scripts/gen-library-names.py"))
        .arg("--check")
        .arg("--cache")
        .arg(target.join("pylib-cache"))
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("run `python3 scripts/gen-library-names.py`"),
        "{stderr}"
    );
}
