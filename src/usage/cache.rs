//! Each module's analyses kept between runs: doctor is run again and again
//! while a project is being fixed, and parsing and walking the Python code
//! is most of its time. An entry is used only for the exact text it was
//! computed from (the text is stored and compared) by the exact build that
//! computed it (entries live under the build's own directory, and other
//! builds' directories are removed). A module whose text could hold a
//! secret is never stored. Anything wrong with the cache (missing, corrupt,
//! unwritable) only means the module is parsed, as without it.
//!
//! Where: `$CRUDDUR_OBS_CACHE_DIR`, else `$XDG_CACHE_HOME/cruddur-obs`, else
//! `~/.cache/cruddur-obs`; `CRUDDUR_OBS_CACHE_DIR=` (empty) turns it off.

use crate::python::analysis::Module;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Above this many entries a build's directory is emptied before the next
/// write: old versions of edited modules are never read again.
const MAX_ENTRIES: usize = 4096;

pub(crate) struct Cache {
    dir: PathBuf,
    /// Whether this run made sure the directory is there and not full: one
    /// listing per run, not one per module stored.
    ready: std::sync::OnceLock<bool>,
}

/// An entry is the text's length in decimal and a newline, the text as it
/// is, then the analyses in postcard's compact form: comparing the text
/// costs a memcmp, and the analyses read several times faster than JSON.
fn encode(source: &str, analyses: &impl serde::Serialize) -> Option<Vec<u8>> {
    let mut out = format!("{}\n{source}", source.len()).into_bytes();
    out.extend(postcard::to_stdvec(analyses).ok()?);
    Some(out)
}

fn decode<'e>(entry: &'e [u8], source: &str) -> Option<&'e [u8]> {
    let newline = entry.iter().position(|&b| b == b'\n')?;
    let len: usize = std::str::from_utf8(&entry[..newline]).ok()?.parse().ok()?;
    let rest = &entry[newline + 1..];
    (len == source.len() && rest.get(..len)? == source.as_bytes()).then(|| &rest[len..])
}

impl Cache {
    pub(crate) fn open() -> Option<Cache> {
        // Unit tests build projects in-process; the binary's tests use it.
        if cfg!(test) {
            return None;
        }
        let base = match std::env::var_os("CRUDDUR_OBS_CACHE_DIR") {
            Some(d) if d.is_empty() => return None,
            Some(d) => PathBuf::from(d),
            None => match std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from) {
                Some(x) if x.is_absolute() => x.join("cruddur-obs"),
                _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache/cruddur-obs"),
            },
        };
        let cache = Cache {
            dir: base.join(format!("analyses-{}", build_id()?)),
            ready: std::sync::OnceLock::new(),
        };
        cache.trusted().then_some(cache)
    }

    /// Entries only this user can have written: a directory another user
    /// owns or may write to could hold planted analyses.
    fn trusted(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        match std::fs::symlink_metadata(&self.dir) {
            // SAFETY: geteuid has no preconditions and cannot fail.
            Ok(m) => m.is_dir() && m.uid() == unsafe { libc::geteuid() } && m.mode() & 0o022 == 0,
            Err(_) => true,
        }
    }

    /// The module with its analyses from an earlier run, if this build
    /// stored them for exactly this text.
    pub(crate) fn get(&self, source: &str) -> Option<Module> {
        let entry = std::fs::read(self.entry(source)).ok()?;
        let analyses = postcard::from_bytes(decode(&entry, source)?).ok()?;
        Some(Module::from_analyses(source, analyses))
    }

    /// Stores the module's analyses (running any not run yet), unless its
    /// text could hold a secret. Whether it was stored.
    pub(crate) fn put(&self, module: &Module) -> bool {
        if may_hold_secret(module) {
            return false;
        }
        let Some(entry) = encode(module.source(), &module.analyses()) else {
            return false;
        };
        self.write(&self.entry(module.source()), &entry).is_ok()
    }

    fn entry(&self, source: &str) -> PathBuf {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        source.hash(&mut h);
        self.dir
            .join(format!("{:016x}-{}.entry", h.finish(), source.len()))
    }

    fn write(&self, path: &Path, entry: &[u8]) -> std::io::Result<()> {
        let ready = *self.ready.get_or_init(|| self.prepare().is_ok());
        if !ready {
            return Err(std::io::Error::other("the cache directory cannot be used"));
        }
        // A temp file (mode 0600) renamed into place: a reader sees a whole
        // entry or none, however many runs write at once.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(entry)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    fn prepare(&self) -> std::io::Result<()> {
        if !self.dir.is_dir() {
            self.create()
        } else if std::fs::read_dir(&self.dir)?.count() >= MAX_ENTRIES {
            std::fs::remove_dir_all(&self.dir)?;
            self.create()
        } else {
            Ok(())
        }
    }

    /// The build's directory (0700), after removing other builds' ones.
    fn create(&self) -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        let base = self.dir.parent().expect("under the base directory");
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        for e in std::fs::read_dir(base)?.flatten() {
            let name = e.file_name();
            let other = name.to_string_lossy().starts_with("analyses-") && e.path() != self.dir;
            if other {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        Ok(())
    }
}

/// Secret-shaped text anywhere, a string given to a name that holds
/// secrets (`rollbar.init("…")`, `os.environ["API_KEY"] = "…"`), or any
/// token-like string (20 characters or more mixing letters and digits, no
/// spaces) in a module that mentions a vendor: such a module is analysed
/// every run instead of being copied to the cache.
fn may_hold_secret(module: &Module) -> bool {
    let src = module.source();
    let token = |s: &str| {
        s.len() >= 20
            && !s.contains(char::is_whitespace)
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_alphabetic())
    };
    crate::mask::mask_shapes(src) != src
        || crate::python::literals::literals(module).iter().any(|l| {
            crate::secrets::looks_secret(&l.role)
                || l.role == crate::python::literals::INIT
                || token(&l.content)
        })
}

/// This build of the tool: its version and its executable's identity, so a
/// rebuilt binary (whose analyses may differ) never reads another's entries.
fn build_id() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let exe = std::env::current_exe().ok()?;
    let m = std::fs::metadata(exe).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        env!("CARGO_PKG_VERSION"),
        m.dev(),
        m.ino(),
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
    )
        .hash(&mut h);
    Some(format!("{:016x}", h.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(dir: &Path) -> Cache {
        Cache {
            dir: dir.join("analyses-test"),
            ready: std::sync::OnceLock::new(),
        }
    }

    const SRC: &str = "import os\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef home():\n    return undefined_name\n";

    #[test]
    fn an_entry_gives_back_every_analysis_for_the_same_text_only() {
        let tmp = tempfile::tempdir().unwrap();
        let c = cache(tmp.path());
        let parsed = Module::parse(SRC).unwrap();
        assert!(c.put(&parsed));
        let cached = c.get(SRC).expect("stored");
        assert!(!cached.parsed());
        assert_eq!(cached.imports(), parsed.imports());
        assert_eq!(cached.calls(), parsed.calls());
        assert_eq!(cached.decorators(), parsed.decorators());
        assert_eq!(cached.flask_app(), parsed.flask_app());
        assert_eq!(cached.top_level_statements(), parsed.top_level_statements());
        assert_eq!(
            crate::python::scope::undefined_names(&cached),
            crate::python::scope::undefined_names(&parsed)
        );
        assert_eq!(
            crate::python::scope::module_bindings(&cached),
            crate::python::scope::module_bindings(&parsed)
        );
        // Nothing asked so far needed the tree.
        assert!(!cached.parsed());
        // One byte more is another text.
        assert!(c.get(&format!("{SRC}\n")).is_none());
    }

    #[test]
    fn a_module_that_could_hold_a_secret_is_not_stored() {
        let tmp = tempfile::tempdir().unwrap();
        let c = cache(tmp.path());
        for src in [
            "import rollbar\nrollbar.init('0123456789abcdef0123456789abcdef')\n",
            "HONEYCOMB_API_KEY = 'hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2'\n",
            "import os\nos.environ['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-honeycomb-team=abcdefghij0123456789ab'\n",
        ] {
            let m = Module::parse(src).unwrap();
            assert!(!c.put(&m), "{src}");
            assert!(c.get(src).is_none());
        }
        let stored: usize = std::fs::read_dir(tmp.path())
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(stored, 0, "no directory or file was made for them");
    }

    #[test]
    fn a_corrupt_or_foreign_entry_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let c = cache(tmp.path());
        assert!(c.put(&Module::parse(SRC).unwrap()));
        std::fs::write(c.entry(SRC), format!("{}\n{SRC}\u{1}garbage", SRC.len())).unwrap();
        assert!(c.get(SRC).is_none());
        // An entry whose stored text differs (a hash collision) is not used.
        let other = "x = 1\n";
        assert!(c.put(&Module::parse(other).unwrap()));
        std::fs::rename(c.entry(other), c.entry(SRC)).unwrap();
        assert!(c.get(SRC).is_none());
    }

    #[test]
    fn entries_are_private_and_other_builds_are_removed() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join("analyses-older-build");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("x.json"), "{}").unwrap();
        let keep = tmp.path().join("unrelated");
        std::fs::write(&keep, "mine").unwrap();
        let c = cache(tmp.path());
        assert!(c.put(&Module::parse(SRC).unwrap()));
        assert!(!old.exists());
        assert!(keep.exists());
        let dir_mode = std::fs::metadata(&c.dir).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let file_mode = std::fs::metadata(c.entry(SRC))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(file_mode & 0o777, 0o600);
    }

    #[test]
    fn a_full_directory_is_emptied_once_before_the_run_stores() {
        let tmp = tempfile::tempdir().unwrap();
        let c = cache(tmp.path());
        assert!(c.put(&Module::parse("x = 1\n").unwrap()));
        for i in 0..MAX_ENTRIES {
            std::fs::write(c.dir.join(format!("old-{i}.entry")), "").unwrap();
        }
        // This run already checked the directory: it does not list it again.
        assert!(c.put(&Module::parse("y = 2\n").unwrap()));
        let count = || std::fs::read_dir(&c.dir).unwrap().count();
        assert_eq!(count(), MAX_ENTRIES + 2);
        // The next run finds it full and starts over.
        let next = cache(tmp.path());
        assert!(next.put(&Module::parse(SRC).unwrap()));
        assert_eq!(count(), 1);
        assert!(next.get(SRC).is_some());
    }

    #[test]
    fn a_directory_others_may_write_is_not_trusted() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let c = cache(tmp.path());
        assert!(c.trusted(), "not there yet: made private on first write");
        assert!(c.put(&Module::parse(SRC).unwrap()));
        assert!(c.trusted());
        std::fs::set_permissions(&c.dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!c.trusted());
        std::fs::set_permissions(&c.dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::remove_dir_all(&c.dir).unwrap();
        std::fs::write(&c.dir, "").unwrap();
        assert!(!c.trusted(), "a file where the directory should be");
    }

    #[test]
    fn an_unwritable_place_only_means_no_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let c = Cache {
            dir: file.join("analyses-x"),
            ready: std::sync::OnceLock::new(),
        };
        assert!(!c.put(&Module::parse(SRC).unwrap()));
        assert!(c.get(SRC).is_none());
    }
}
