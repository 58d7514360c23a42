//! Stand-in programs for tests: the unit tests and, through
//! tests/common, the integration tests write them with this one helper.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes an executable script without ever holding it open for writing
/// in this process: a file written here and run at once can fail with
/// "Text file busy" when another test thread forks meanwhile, since the
/// forked child holds the write descriptor until it execs. `sh` writes it
/// instead, and has exited before anyone runs it.
pub fn script(path: &Path, body: &str) {
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
