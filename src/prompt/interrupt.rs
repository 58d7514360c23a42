//! Ctrl-C during a prompt. dialoguer hides the cursor while a choice is on
//! screen and the password prompt turns echo off; SIGINT's default action
//! would end the process with both left that way, so the user's shell has
//! no cursor and shows nothing typed. While a prompt is up, SIGINT instead
//! shows the cursor, puts back the terminal settings from before the first
//! prompt, and exits 130 (128 + SIGINT, what a shell reports for Ctrl-C).
//!
//! dialoguer reads keys in raw mode, where Ctrl-C is a byte, not a signal;
//! it answers that byte by raising SIGINT itself, so one handler covers both.

use std::sync::OnceLock;

/// The terminal's settings before any prompt changed them.
static SAVED: OnceLock<libc::termios> = OnceLock::new();

const TTY: libc::c_int = libc::STDIN_FILENO;

extern "C" fn on_sigint(_: libc::c_int) {
    // Only async-signal-safe calls here: write, tcsetattr, _exit.
    const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";
    unsafe {
        libc::write(
            libc::STDERR_FILENO,
            SHOW_CURSOR.as_ptr().cast(),
            SHOW_CURSOR.len(),
        );
        if let Some(saved) = SAVED.get() {
            libc::tcsetattr(TTY, libc::TCSANOW, saved);
        }
        libc::_exit(130);
    }
}

/// Installs the handler for as long as it lives; the previous one is put
/// back on drop.
pub struct Guard {
    previous: Option<libc::sigaction>,
}

impl Guard {
    pub fn install() -> Guard {
        if SAVED.get().is_none() {
            let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
            // SAFETY: tcgetattr fills the struct when it returns 0.
            if unsafe { libc::tcgetattr(TTY, t.as_mut_ptr()) } == 0 {
                let _ = SAVED.set(unsafe { t.assume_init() });
            }
        }
        // SAFETY: a zeroed sigaction is valid; the handler only makes
        // async-signal-safe calls.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            let ok = libc::sigaction(libc::SIGINT, &action, &mut previous) == 0;
            Guard {
                previous: ok.then_some(previous),
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            // SAFETY: restores the disposition sigaction returned.
            unsafe {
                libc::sigaction(libc::SIGINT, previous, std::ptr::null_mut());
            }
        }
    }
}
