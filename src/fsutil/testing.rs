//! Stand-in programs for tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes an executable script without ever holding it open for writing
/// in this process: a file written here and run at once can fail with
/// "Text file busy" when another test thread forks meanwhile, since the
/// forked child holds the write descriptor until it execs. `sh` writes it
/// instead, and has exited before anyone runs it.
pub(crate) fn script(path: &Path, body: &str) {
    let mut sh = Command::new("sh")
        .args(["-c", "cat > \"$0\" && chmod 755 \"$0\""])
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sh runs");
    sh.stdin
        .take()
        .expect("piped")
        .write_all(body.as_bytes())
        .expect("sh reads the script");
    assert!(sh.wait().expect("sh ends").success(), "{}", path.display());
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_script_is_written_executable_and_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("it");
        super::script(&path, "#!/bin/sh\necho \"ran $1\"\n");
        let out = std::process::Command::new(&path).arg("x").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "ran x\n");
    }
}
