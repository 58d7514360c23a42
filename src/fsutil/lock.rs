//! One writer per project at a time.
//!
//! The lock is an exclusive `flock` on the project directory itself: no lock
//! file to create, to git-ignore or to clean up after a crash (the kernel
//! drops the lock when the process ends, however it ends), and every user
//! and every checkout path of the same directory meets the same lock. A
//! second run waits, bounded, then plans again from the files the first run
//! left, so both runs' changes end up in the files.

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a second run waits for the first before giving up.
pub const WAIT: Duration = Duration::from_secs(60);

/// Held while alive; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct ProjectLock {
    _dir: File,
}

fn try_lock(dir: &File) -> std::io::Result<bool> {
    // SAFETY: flock on a descriptor this function's caller owns.
    let rc = unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => Ok(false),
        _ => Err(err),
    }
}

impl ProjectLock {
    /// Locks `root`, waiting up to `wait`; `on_wait` runs once if another
    /// run holds the lock (to say why nothing happens).
    pub fn acquire(root: &Path, wait: Duration, on_wait: impl FnOnce()) -> Result<ProjectLock> {
        let dir = File::open(root)
            .with_context(|| format!("cannot open the project directory {}", root.display()))?;
        let start = Instant::now();
        let mut on_wait = Some(on_wait);
        loop {
            if try_lock(&dir)
                .with_context(|| format!("cannot lock the project directory {}", root.display()))?
            {
                return Ok(ProjectLock { _dir: dir });
            }
            if let Some(f) = on_wait.take() {
                f();
            }
            if start.elapsed() >= wait {
                bail!(
                    "another cruddur-obs run is still changing {} after {} s; let it finish (or end it) and run again. Nothing was changed",
                    root.display(),
                    wait.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_gives_up_and_is_free_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let first = ProjectLock::acquire(dir.path(), WAIT, || {}).unwrap();
        let mut told = false;
        let start = std::time::Instant::now();
        let err = ProjectLock::acquire(dir.path(), Duration::from_millis(120), || told = true)
            .unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(120));
        assert!(told);
        assert!(err.to_string().contains("still changing"), "{err}");
        drop(first);
        let mut told_again = false;
        ProjectLock::acquire(dir.path(), Duration::ZERO, || told_again = true).unwrap();
        assert!(!told_again);
    }
}
