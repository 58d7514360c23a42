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

/// What a path leads to, following links: one `stat` for a file that is
/// there (the common case); a second only to say why one is not.
enum Target {
    Found(fs::Metadata),
    /// Nothing at the path, not even a dangling link.
    Missing(std::io::Error),
}

fn target(path: &Path) -> Result<Target> {
    let shown = path.display();
    let err = match fs::metadata(path) {
        Ok(meta) => return Ok(Target::Found(meta)),
        Err(e) => e,
    };
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::Missing(e)),
        Err(e) => Err(e).with_context(|| {
            format!("cannot read {shown}: it does not exist or is not accessible")
        }),
        Ok(link) if link.file_type().is_symlink() => {
            let to = fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            bail!("{shown} is a symbolic link to {to}, which does not exist or is not accessible")
        }
        Ok(_) => Err(err).with_context(|| format!("cannot read {shown}")),
    }
}

/// Reads a UTF-8 text file, following symlinks.
pub fn read_text_following(path: &Path) -> Result<String> {
    match target(path)? {
        Target::Found(meta) => read_regular(path, &meta),
        Target::Missing(e) => Err(e).with_context(|| {
            format!(
                "cannot read {}: it does not exist or is not accessible",
                path.display()
            )
        }),
    }
}

/// [`read_text_following`], with `Ok(None)` when nothing is at `path`.
pub fn read_optional_following(path: &Path) -> Result<Option<String>> {
    match target(path)? {
        Target::Found(meta) => read_regular(path, &meta).map(Some),
        Target::Missing(_) => Ok(None),
    }
}

/// Reads what `meta` (followed) says is at `path`: only a regular file
/// of sane size, so a link to a FIFO or `/dev/zero` is never opened.
fn read_regular(path: &Path, meta: &fs::Metadata) -> Result<String> {
    let shown = path.display();
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
    let mut bytes = Vec::with_capacity(meta.len() as usize);
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
        // A dangling link is something, and says where it points.
        let e = read_optional_following(&dangling).unwrap_err().to_string();
        assert!(
            e.contains("symbolic link to") && e.contains("nowhere"),
            "{e}"
        );
        let e = format!(
            "{:#}",
            read_text_following(&dir.path().join("none")).unwrap_err()
        );
        assert!(
            e.contains("none: it does not exist or is not accessible"),
            "{e}"
        );
        let e = read_text_following(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
        // A FIFO is refused without being opened (opening one would wait
        // for a writer).
        let fifo = dir.path().join("fifo.yml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_text_following(&fifo).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
