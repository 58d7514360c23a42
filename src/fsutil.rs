//! Reading users' files defensively and writing them atomically.
//!
//! Every file the tool may rewrite goes through [`read_text`] first, so a
//! symlink, a binary file or an unreadable file stops the run before any plan
//! exists, and nothing is half-written. Writing goes through [`stage`]
//! (a temp file with the target's owner and mode) and [`Staged::commit`]
//! (the rename); [`ProjectLock`] keeps two runs from interleaving.

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::Path;

pub mod interrupt;
mod lock;
#[cfg(test)]
pub(crate) mod testing;
mod write;

pub use lock::{ProjectLock, WAIT as LOCK_WAIT};
pub(crate) use write::parent_of;
pub use write::{
    is_read_only, leftover_temps, ownership_for, stage, write_atomic, Ownership, Staged,
    TEMP_PREFIX,
};

/// Reads a UTF-8 text file the tool may later rewrite.
///
/// Symlinks are refused because an atomic rename would replace the link with
/// a regular file and silently detach it from its target.
pub fn read_text(path: &Path) -> Result<String> {
    let meta = fs::symlink_metadata(path).with_context(|| {
        format!(
            "cannot read {}: it does not exist or is not accessible",
            path.display()
        )
    })?;
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link; cruddur-obs only edits regular files. Point --dir/--file at the real file or replace the link with a copy",
            path.display()
        );
    }
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    let bytes = fs::read(path)
        .with_context(|| format!("cannot read {} (check its permissions)", path.display()))?;
    if bytes.contains(&0) {
        bail!(
            "{} looks binary (it contains NUL bytes); expected a text file",
            path.display()
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not valid UTF-8 (first bad byte at offset {}); save it as UTF-8 and retry",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads an optional text file: `Ok(None)` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_text(path).map(Some),
    }
}

/// The file's dominant line ending, so inserted lines match their neighbours.
pub fn line_ending(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    if crlf > lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_in_script_is_written_executable_and_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("it");
        testing::script(&path, "#!/bin/sh\necho \"ran $1\"\n");
        let out = std::process::Command::new(&path).arg("x").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "ran x\n");
    }

    #[test]
    fn refuses_symlinks_binary_and_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yml");
        fs::write(&real, "a: 1\n").unwrap();
        let link = dir.path().join("link.yml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(read_text(&link)
            .unwrap_err()
            .to_string()
            .contains("symbolic link"));
        let bin = dir.path().join("bin");
        fs::write(&bin, b"a\0b").unwrap();
        assert!(read_text(&bin).unwrap_err().to_string().contains("binary"));
        let latin = dir.path().join("latin");
        fs::write(&latin, b"caf\xe9").unwrap();
        assert!(read_text(&latin)
            .unwrap_err()
            .to_string()
            .contains("offset 3"));
        assert_eq!(read_text(&real).unwrap(), "a: 1\n");
        assert!(read_optional(&dir.path().join("none")).unwrap().is_none());
    }

    #[test]
    fn atomic_write_keeps_mode_and_sets_new_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x");
        fs::write(&f, "old").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&f, "new", None).unwrap();
        assert_eq!(fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let g = dir.path().join(".env");
        write_atomic(&g, "K=v\n", Some(0o600)).unwrap();
        assert_eq!(
            fs::metadata(&g).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".cruddur-obs-")
            })
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_write_replaces_the_file_instead_of_writing_into_it() {
        // A reader holding the old file (here: a hard link to it) keeps the
        // old text whole: the new text went to another inode, then a rename.
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("docker-compose.yml");
        fs::write(&f, "old\n").unwrap();
        let held = dir.path().join("held");
        fs::hard_link(&f, &held).unwrap();
        write_atomic(&f, "new\n", None).unwrap();
        assert_eq!(fs::read_to_string(&f).unwrap(), "new\n");
        assert_eq!(fs::read_to_string(&held).unwrap(), "old\n");
        // Staged but not committed: the target is untouched and dropping
        // the stage removes the 0600 temp file.
        let own = ownership_for(&f, Some(0o644)).unwrap();
        let staged = stage(&f, "staged\n", own).unwrap();
        let tmp = staged.temp_path().to_path_buf();
        assert!(tmp
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(TEMP_PREFIX));
        assert_eq!(leftover_temps(dir.path()), vec![tmp.clone()]);
        assert_eq!(fs::read_to_string(&f).unwrap(), "new\n");
        drop(staged);
        assert!(!tmp.exists());
        assert!(leftover_temps(dir.path()).is_empty());
    }

    #[test]
    fn leftovers_read_only_files_and_new_file_ownership() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join(".cruddur-obs-b"), "").unwrap();
        fs::write(d.join(".cruddur-obs-a"), "").unwrap();
        fs::write(d.join("cruddur-obs-not"), "").unwrap();
        fs::create_dir(d.join(".cruddur-obs-dir")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.join(".cruddur-obs-link")).unwrap();
        assert_eq!(
            leftover_temps(d),
            vec![d.join(".cruddur-obs-a"), d.join(".cruddur-obs-b")]
        );
        assert!(leftover_temps(&d.join("missing")).is_empty());
        let f = d.join("f");
        fs::write(&f, "x").unwrap();
        assert!(!is_read_only(&f));
        fs::set_permissions(&f, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(is_read_only(&f));
        fs::set_permissions(&f, fs::Permissions::from_mode(0o4640)).unwrap();
        assert!(!is_read_only(&f));
        assert!(!is_read_only(&d.join("missing")));
        let own = ownership_for(&f, None).unwrap();
        assert_eq!(own.mode, 0o4640);
        let meta = fs::metadata(d).unwrap();
        let new = ownership_for(&d.join("new"), None).unwrap();
        assert_eq!(
            (new.uid, new.gid, new.mode),
            (meta.uid(), meta.gid(), 0o644)
        );
        assert_eq!(
            ownership_for(&d.join("new"), Some(0o600)).unwrap().mode,
            0o600
        );
        // Only a missing file is new: a path through a file is an error.
        assert!(ownership_for(&f.join("x"), None).is_err());
    }

    #[test]
    fn line_endings_and_lines() {
        assert_eq!(line_ending("a\r\nb\r\n"), "\r\n");
        assert_eq!(line_ending("a\nb"), "\n");
        assert_eq!(line_ending(""), "\n");
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
