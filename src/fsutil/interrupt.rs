//! SIGINT and SIGTERM while files are being replaced: instead of dying with
//! temp files (one may hold a key) and half the plan applied, the writer
//! notices, puts back what it changed, removes its temp files and stops.
//!
//! The handler only sets a flag (all a signal handler may safely do); the
//! writer checks [`interrupted`] between steps. It is installed for the
//! duration of the write only, so Ctrl-C anywhere else stops the tool at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static DEPTH: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// While alive, SIGINT and SIGTERM set the flag instead of ending the process.
pub struct Guard {
    old: Option<[libc::sigaction; 2]>,
}

const SIGNALS: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];

impl Guard {
    pub fn install() -> Guard {
        if DEPTH.fetch_add(1, Ordering::SeqCst) > 0 {
            return Guard { old: None };
        }
        INTERRUPTED.store(false, Ordering::SeqCst);
        // SAFETY: sigaction with a handler that only stores to an atomic;
        // the zeroed structs are valid `sigaction` values.
        let old = unsafe {
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut new.sa_mask);
            let mut old: [libc::sigaction; 2] = std::mem::zeroed();
            for (sig, slot) in SIGNALS.iter().zip(old.iter_mut()) {
                libc::sigaction(*sig, &new, slot);
            }
            old
        };
        Guard { old: Some(old) }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        DEPTH.fetch_sub(1, Ordering::SeqCst);
        if let Some(old) = &self.old {
            // SAFETY: restores the handlers saved by `install`.
            unsafe {
                for (sig, slot) in SIGNALS.iter().zip(old.iter()) {
                    libc::sigaction(*sig, slot, std::ptr::null_mut());
                }
            }
        }
    }
}

/// Whether SIGINT or SIGTERM arrived since the guard was installed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Sleeps `ms` milliseconds in short slices, returning early on a signal.
pub fn sleep_unless_interrupted(ms: u64) {
    let end = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    while !interrupted() && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
