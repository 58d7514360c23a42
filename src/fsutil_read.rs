//! Reading users' files for the read-only commands (doctor, send-test-span).
//!
//! `fsutil::read_text` refuses symlinks because a rewrite would replace the
//! link; a command that only reads has no such reason, and projects often
//! link a shared docker-compose.yml or app.py. The target must still be a
//! regular text file of sane size: a link to a FIFO or `/dev/zero` must not
//! hang or exhaust memory.

use anyhow::{bail, Context, Result};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether discovery follows symlinks. Discovery and compose loading are
/// shared with init, which must refuse links; the commands that never write
/// through what discovery read choose once, at start, instead of threading a
/// mode through every loader (`include`, `extends`, `-r` files…).
static FOLLOW_LINKS: AtomicBool = AtomicBool::new(false);

/// Called by doctor and send-test-span before discovery. Their writes
/// (`doctor --fix`) re-read each file with `fsutil::read_text` and still
/// refuse links.
pub fn follow_links_for_reading() {
    FOLLOW_LINKS.store(true, Ordering::Relaxed);
}

pub fn following_links() -> bool {
    FOLLOW_LINKS.load(Ordering::Relaxed)
}

/// A project file as discovery reads it: following links under the
/// read-only commands, refusing them otherwise (see [`FOLLOW_LINKS`]).
pub fn read_project_file(path: &Path) -> Result<String> {
    if following_links() {
        read_text_following(path)
    } else {
        crate::fsutil::read_text(path)
    }
}

/// [`read_project_file`], with `Ok(None)` when nothing is at `path`.
pub fn read_optional_project_file(path: &Path) -> Result<Option<String>> {
    if following_links() {
        read_optional_following(path)
    } else {
        crate::fsutil::read_optional(path)
    }
}

/// Largest file read: source and configuration files are far smaller.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a UTF-8 text file, following symlinks.
pub fn read_text_following(path: &Path) -> Result<String> {
    let shown = path.display();
    let link = fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {shown}: it does not exist or is not accessible"))?;
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(_) if link.file_type().is_symlink() => {
            let to = fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            bail!("{shown} is a symbolic link to {to}, which does not exist or is not accessible")
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    if !meta.is_file() {
        bail!("{shown} is not a regular file");
    }
    if meta.len() > MAX_BYTES {
        bail!(
            "{shown} is {} MiB; files this tool reads are at most {} MiB",
            meta.len() / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        );
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {shown} (check its permissions)"))?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!(
            "{shown} grew past {} MiB while being read",
            MAX_BYTES / (1024 * 1024)
        );
    }
    if bytes.contains(&0) {
        bail!("{shown} looks binary (it contains NUL bytes); expected a text file");
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{shown} is not valid UTF-8 (first bad byte at offset {}); save it as UTF-8 and retry",
            e.utf8_error().valid_up_to()
        )
    })
}

/// [`read_text_following`], with `Ok(None)` when nothing is at `path`.
pub fn read_optional_following(path: &Path) -> Result<Option<String>> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_text_following(path).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_followed_to_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yml");
        fs::write(&real, "services: {}\n").unwrap();
        let link = dir.path().join("docker-compose.yml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(read_text_following(&link).unwrap(), "services: {}\n");
        assert!(
            crate::fsutil::read_text(&link).is_err(),
            "writes still refuse links"
        );

        let dangling = dir.path().join("gone.yml");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let e = read_text_following(&dangling).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");

        let dev = dir.path().join("zero.yml");
        std::os::unix::fs::symlink("/dev/zero", &dev).unwrap();
        let e = read_text_following(&dev).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
        assert_eq!(
            read_optional_following(&dir.path().join("none")).unwrap(),
            None
        );
    }
}
