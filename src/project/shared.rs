//! What one run reads, shared by every compose project it judges: a
//! workspace's variant files (`docker-compose.gitpod.yml` beside the default)
//! name the same backend, env files and Dockerfiles, and each is read, and
//! the backend's Python parsed, once per run however many projects and
//! checks ask.

use super::backend::app_module;
use super::TextFile;
use crate::usage::code::Code;
use anyhow::Result;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Files as checks read them (`Project::read`). Checks run on two
    /// threads: a cell per file, so two asking at once read it once.
    texts: Memo<PathBuf, Arc<OnceLock<Read>>>,
    /// Project files as discovery reads them; only what was read is kept,
    /// so an error is produced again with its full context.
    files: Memo<PathBuf, Option<String>>,
    /// Each directory's app module and its text (see `app_module`).
    apps: Memo<PathBuf, Option<(PathBuf, Option<String>)>>,
    /// The backend's code, by app module and code directory.
    codes: Memo<(PathBuf, Option<PathBuf>), Arc<Code>>,
}

/// A file's text as a check reads it, or why it could not be read.
type Read = Result<Arc<str>, String>;

struct Memo<K, V>(Mutex<HashMap<K, V>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::default())
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: K, value: V) -> V {
        self.lock().insert(key, value.clone());
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Shared {
    pub(crate) fn read(&self, path: &Path) -> Result<Arc<str>, String> {
        let key = path.to_path_buf();
        // Discovery's read of the same file (`.env` as an env_file) counts.
        if let Some(Some(text)) = self.files.get(&key) {
            return Ok(Arc::from(text));
        }
        let cell = Arc::clone(self.texts.lock().entry(key).or_default());
        cell.get_or_init(|| {
            std::fs::read_to_string(path)
                .map(Arc::from)
                .map_err(|e| e.to_string())
        })
        .clone()
    }

    pub(super) fn text_file(&self, path: PathBuf) -> Result<TextFile> {
        if let Some(text) = self.files.get(&path) {
            return Ok(TextFile { path, text });
        }
        let file = TextFile::read(path)?;
        self.files.put(file.path.clone(), file.text.clone());
        Ok(file)
    }

    pub(super) fn app_module(&self, dir: &Path) -> Option<(PathBuf, Option<String>)> {
        let key = dir.to_path_buf();
        self.apps
            .get(&key)
            .unwrap_or_else(|| self.apps.put(key, app_module(dir)))
    }

    /// The code of the project's backend, read by the first project that
    /// asks. Shown paths are relative to the root, which every project of
    /// a run shares.
    pub(crate) fn code(&self, project: &super::Project) -> Arc<Code> {
        let Some(app) = &project.backend.app else {
            return Arc::new(Code::load(project));
        };
        let key = (app.path.clone(), project.backend.context.clone());
        // Held while loading: a second project asking waits for this one's
        // parse instead of parsing the same files beside it.
        let mut codes = self.codes.lock();
        if let Some(code) = codes.get(&key) {
            return Arc::clone(code);
        }
        let code = Arc::new(Code::load(project));
        codes.insert(key, Arc::clone(&code));
        code
    }
}
