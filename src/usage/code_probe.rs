//! Which candidate paths of an import are files, asked of directory
//! listings read once per run.

use std::path::{Path, PathBuf};

/// Directory listings, each read once: every module's imports probe names
/// (`datetime.py`, `flask/__init__.py`, …) in the same few directories, and
/// a directory its (listed) parent lacks is known absent without asking.
/// Keyed by the path's bytes: hashing a `Path` parses its components, and
/// every probe asks (the paths are built the same way each time, so the
/// worst a different spelling of one directory could cost is a second
/// listing).
#[derive(Default)]
pub(super) struct Probed(std::sync::Mutex<Known>);

type Known = crate::fasthash::FxHashMap<std::ffi::OsString, Listing>;

#[derive(Clone)]
enum Listing {
    /// Each entry's name and whether it is a file (a link to one counts).
    Listed(std::sync::Arc<crate::fasthash::FxHashMap<std::ffi::OsString, bool>>),
    Absent,
    /// There but not listable: each path is asked of the disk.
    Unlistable,
}

impl Probed {
    pub(super) fn is_file(&self, path: PathBuf) -> Option<PathBuf> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return None;
        };
        let found = match self.listing(dir) {
            Listing::Listed(entries) => entries.get(name).copied().unwrap_or(false),
            Listing::Absent => false,
            Listing::Unlistable => path.is_file(),
        };
        found.then_some(path)
    }

    /// Neither `name` nor `name.py` is in `dir`'s listing: no module of
    /// that name can be imported from `dir`.
    pub(super) fn lacks_module(&self, dir: &Path, name: &str) -> bool {
        match self.listing(dir) {
            Listing::Listed(entries) => {
                let mut py = std::ffi::OsString::with_capacity(name.len() + 3);
                py.push(name);
                py.push(".py");
                !entries.contains_key(std::ffi::OsStr::new(name)) && !entries.contains_key(&py)
            }
            Listing::Absent => true,
            Listing::Unlistable => false,
        }
    }

    /// Held locked while listing: parse workers resolve imports side by
    /// side, and two asking for one directory read it once.
    fn listing(&self, dir: &Path) -> Listing {
        let mut known = self.lock();
        if let Some(listing) = known.get(dir.as_os_str()) {
            return listing.clone();
        }
        let listing = if known_absent(&known, dir) {
            Listing::Absent
        } else {
            match std::fs::read_dir(dir) {
                Ok(entries) => Listing::Listed(std::sync::Arc::new(
                    entries
                        .flatten()
                        .map(|e| {
                            let file = e.file_type().is_ok_and(|t| {
                                t.is_file() || (t.is_symlink() && e.path().is_file())
                            });
                            (e.file_name(), file)
                        })
                        .collect(),
                )),
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Listing::Unlistable,
                Err(_) => Listing::Absent,
            }
        };
        known.insert(dir.as_os_str().to_owned(), listing.clone());
        listing
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The nearest ancestor already read says `dir` cannot exist. Only
/// listings read anyway answer: listing parents just to ask would climb
/// out of the project.
fn known_absent(known: &Known, dir: &Path) -> bool {
    let mut child = dir;
    while let Some(parent) = child.parent() {
        match known.get(parent.as_os_str()) {
            Some(Listing::Absent) => return true,
            Some(Listing::Listed(entries)) => {
                return child.file_name().is_some_and(|n| !entries.contains_key(n))
            }
            Some(Listing::Unlistable) => return false,
            None => child = parent,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_answer_as_the_disk_does() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        std::fs::write(root.join("app.py"), "").unwrap();
        std::fs::write(root.join("pkg/__init__.py"), "").unwrap();
        std::fs::write(root.join("pkg/sub/mod.py"), "").unwrap();
        std::os::unix::fs::symlink(root.join("app.py"), root.join("link.py")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.py"), root.join("dangling.py")).unwrap();
        let probed = Probed::default();
        for rel in [
            "app.py",
            "link.py",
            "dangling.py",
            "pkg",
            "pkg/__init__.py",
            "pkg/sub/mod.py",
            "pkg/sub/other.py",
            "pkg/nothing/deeper/x.py",
            "absent/x.py",
            "absent/deeper/still/x.py",
            "app.py/x.py",
        ] {
            let path = root.join(rel);
            // Asked twice: the second answer comes from the listings.
            for _ in 0..2 {
                assert_eq!(
                    probed.is_file(path.clone()).is_some(),
                    path.is_file(),
                    "{rel}"
                );
            }
        }
        // A module is a file `name.py` or a package directory `name`.
        for (dir, name, lacks) in [
            ("", "app", false),
            ("", "link", false),
            ("", "pkg", false),
            ("", "nothing", true),
            ("", "gone", true),
            ("pkg", "sub", false),
            ("pkg/sub", "mod", false),
            ("pkg/sub", "other", true),
            ("absent", "x", true),
        ] {
            assert_eq!(
                probed.lacks_module(&root.join(dir), name),
                lacks,
                "{dir} {name}"
            );
        }
    }
}
