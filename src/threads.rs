//! How many threads a run uses.
//!
//! A thread pays for itself only when there is enough work to split: its
//! start and the wake-up that hands its result back cost tens of
//! microseconds on a laptop, but milliseconds on a virtual machine whose
//! idle CPU sleeps in the host (measured on a 2-vCPU VM: a woken thread
//! waited 1–5 ms in half the tries). The checks of a week-2 sized project
//! take about a millisecond on one core, so they stay on one thread there.

use std::sync::OnceLock;

/// Input (the backend's running modules and the compose files, in bytes)
/// from which the checks are shared with a second thread. The week-2
/// sample is about 20 KB; a 2,000-service compose file about 600 KB.
const CHECKS_SPLIT_FROM: usize = 128 * 1024;

/// `CRUDDUR_OBS_THREADS`: how many threads a run may use (1: no other
/// thread). Unset means automatic; anything but a positive whole number is
/// reported once and means automatic.
pub fn configured() -> Option<usize> {
    static SET: OnceLock<Option<usize>> = OnceLock::new();
    *SET.get_or_init(|| {
        let value = std::env::var("CRUDDUR_OBS_THREADS").ok()?;
        match value.trim().parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                eprintln!(
                    "warning: CRUDDUR_OBS_THREADS={value:?} is not a positive whole number; \
                     choosing the number of threads automatically"
                );
                None
            }
        }
    })
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Threads that parse the backend's modules: the configured number, or one
/// per core up to four.
pub fn for_parsing() -> usize {
    parsing(configured(), cores())
}

/// Threads that run the offline checks over `input` bytes: two when
/// configured so or when the input is large enough, else one.
pub fn for_checks(input: usize) -> usize {
    checks(configured(), cores, input)
}

fn parsing(configured: Option<usize>, cores: usize) -> usize {
    configured.unwrap_or(cores.clamp(1, 4))
}

/// `cores` is asked only for a large input: std reads the cgroup's CPU
/// quota from /proc and /sys each time.
fn checks(configured: Option<usize>, cores: impl FnOnce() -> usize, input: usize) -> usize {
    match configured {
        Some(n) => n.min(2),
        None if input >= CHECKS_SPLIT_FROM && cores() > 1 => 2,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_share_a_thread_only_for_large_input_or_when_told() {
        let two = || 2;
        let unasked = || -> usize { panic!("cores asked for a small input") };
        assert_eq!(checks(None, unasked, 20 * 1024), 1);
        assert_eq!(checks(None, unasked, CHECKS_SPLIT_FROM - 1), 1);
        assert_eq!(checks(None, two, CHECKS_SPLIT_FROM), 2);
        assert_eq!(checks(None, || 1, 10 * CHECKS_SPLIT_FROM), 1);
        assert_eq!(checks(Some(2), || 1, 0), 2);
        assert_eq!(checks(Some(8), || 8, 0), 2);
        assert_eq!(checks(Some(1), || 8, 10 * CHECKS_SPLIT_FROM), 1);
    }

    #[test]
    fn parsing_uses_up_to_four_cores_unless_told() {
        assert_eq!(parsing(None, 1), 1);
        assert_eq!(parsing(None, 2), 2);
        assert_eq!(parsing(None, 16), 4);
        assert_eq!(parsing(Some(1), 16), 1);
        assert_eq!(parsing(Some(6), 2), 6);
    }
}
