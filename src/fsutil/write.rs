//! Replacing a file without ever leaving it half-written, and without
//! changing who owns it: the new text goes to a 0600 temp file beside the
//! target, takes the target's owner, group and mode, is synced, and only then
//! renamed over it. Until [`Staged::commit`], the target is untouched and
//! dropping the `Staged` removes the temp file.

use anyhow::{bail, Context, Result};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Every temp file the tool creates starts with this, so a run that was
/// killed (SIGKILL, power loss) leaves files that the next run and doctor
/// recognise.
pub const TEMP_PREFIX: &str = ".cruddur-obs-";

/// A new file's text, written and synced beside its target, not yet in place.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// The temp file (for tests and messages).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Renames the temp file over the target: the one step that changes it.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        self.tmp
            .persist(&target)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", target.display()))?;
        Ok(())
    }
}

/// The owner, group and mode a file must end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

/// What `path` must keep when it is replaced, or, for a new file, what it
/// gets: the owner and group of its directory (so a file root creates in a
/// user's project stays readable by that user) and `mode` or 0644.
pub fn ownership_for(path: &Path, mode: Option<u32>) -> Result<Ownership> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(Ownership {
            uid: meta.uid(),
            gid: meta.gid(),
            mode: mode.unwrap_or(meta.mode() & 0o7777),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = parent_of(path);
            let meta = fs::metadata(dir)
                .with_context(|| format!("cannot read the directory {}", dir.display()))?;
            Ok(Ownership {
                uid: meta.uid(),
                gid: meta.gid(),
                mode: mode.unwrap_or(0o644),
            })
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub(crate) fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `contents` to a temp file beside `path` with `own`'s owner, group
/// and mode. The temp file is 0600 while it is written, so a key in it is
/// never readable by others, even for a moment.
pub fn stage(path: &Path, contents: &str, own: Ownership) -> Result<Staged> {
    let dir = parent_of(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot create a temporary file in {} (is the directory writable?)",
                dir.display()
            )
        })?;
    tmp.write_all(contents.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file for {}", path.display()))?;
    let file = tmp.as_file();
    let meta = file.metadata()?;
    if (meta.uid(), meta.gid()) != (own.uid, own.gid) {
        let uid = (meta.uid() != own.uid).then_some(own.uid);
        let gid = (meta.gid() != own.gid).then_some(own.gid);
        let chowned = std::os::unix::fs::fchown(file, uid, gid);
        if let Err(e) = chowned {
            // A new file may be ours when we are not root; a replaced file
            // must keep its owner or stay as it is.
            if fs::symlink_metadata(path).is_ok() {
                bail!(
                    "cannot keep the owner of {} (uid {}, gid {}): {e}; run cruddur-obs as that user",
                    path.display(),
                    own.uid,
                    own.gid
                );
            }
        }
    }
    // After chown, which clears set-id bits.
    file.set_permissions(fs::Permissions::from_mode(own.mode))
        .with_context(|| format!("cannot set permissions for {}", path.display()))?;
    Ok(Staged {
        tmp,
        target: path.to_path_buf(),
    })
}

/// Writes `contents` to `path` atomically: a temp file in the same directory,
/// fsync, then rename. `mode` wins when given; otherwise an existing file
/// keeps its permissions and a new one gets 0644. The owner and group of an
/// existing file are kept.
pub fn write_atomic(path: &Path, contents: &str, mode: Option<u32>) -> Result<()> {
    stage(path, contents, ownership_for(path, mode)?)?.commit()
}

/// Whether the file's permissions say "do not write": no write bit at all,
/// or none for us. Root may write anything, so the bits are what count.
pub fn is_read_only(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if meta.mode() & 0o222 == 0 {
        return true;
    }
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) != 0 }
}

/// Temp files a killed run left in `dir` (regular files only; a link named
/// like one is not ours).
pub fn leftover_temps(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}
