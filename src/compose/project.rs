//! The compose project as compose itself builds it: which files (`-f`,
//! `COMPOSE_FILE` from the shell or `.env`, else the default file and its
//! override), `extends:` and `include:` resolved, the files merged in order.
//! Every file is parsed once; each service and variable remembers the file
//! and line it came from.

use super::file::{ComposeError, ComposeFile};
use super::merge::{merge_top, ServiceDef};
use super::scalar_text;
use super::select::same_file;
pub use super::select::{default_file, override_of, select, variants, Select, Selection};
pub use super::service::Service;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use yaml_serde::{Mapping, Value};

/// What a file is to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Named by the selection (the default file, `-f`, `COMPOSE_FILE`).
    Main,
    /// The override file compose merges on its own.
    Override,
    /// Read for a service another one `extends`.
    Extends,
    /// Pulled in by `include:`.
    Include,
}

#[derive(Debug)]
pub struct ComposeProject {
    /// The project directory: relative paths in the files resolve here.
    pub dir: PathBuf,
    pub files: Vec<ComposeFile>,
    pub roles: Vec<Role>,
    pub selection: Selection,
    services: Vec<ServiceDef>,
    /// Service name → index in `services`.
    index: HashMap<String, usize>,
    /// Merged top-level sections other than `services` (networks, volumes, …).
    pub top: Mapping,
}

fn read(path: &Path) -> Result<ComposeFile, ComposeError> {
    super::limits::check_size_on_disk(path)?;
    let text = crate::fsutil_read::read_project_file(path).map_err(|e| ComposeError {
        id: "compose-invalid",
        message: format!("{e:#}"),
        detail: None,
        path: Some(path.to_path_buf()),
        line: None,
        column: None,
    })?;
    ComposeFile::parse(path, text)
}

fn invalid(path: &Path, message: String) -> ComposeError {
    ComposeError {
        id: "compose-invalid",
        message,
        detail: None,
        path: Some(path.to_path_buf()),
        line: None,
        column: None,
    }
}

impl ComposeProject {
    /// Loads and merges `files` (in order) with the project directory `dir`.
    pub fn load(
        dir: &Path,
        files: &[PathBuf],
        selection: Selection,
    ) -> Result<ComposeProject, ComposeError> {
        let mut p = ComposeProject {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            roles: Vec::new(),
            selection,
            services: Vec::new(),
            index: HashMap::new(),
            top: Mapping::new(),
        };
        for (i, path) in files.iter().enumerate() {
            let file = read(path)?;
            let role = if i > 0 && p.selection == Selection::Default {
                Role::Override
            } else {
                Role::Main
            };
            let idx = p.push(file, role);
            let defs = p.file_services(idx, &mut Vec::new())?;
            p.absorb(idx, defs)?;
        }
        if p.services.is_empty() {
            let path = &p.files[0].path;
            return Err(invalid(
                path,
                format!(
                    "{} defines no services, so compose would start nothing; is this the right compose file? (select another with -f)",
                    path.display()
                ),
            ));
        }
        Ok(p)
    }

    fn push(&mut self, file: ComposeFile, role: Role) -> usize {
        self.files.push(file);
        self.roles.push(role);
        self.files.len() - 1
    }

    /// The services a file defines, `extends` resolved, paths of files from
    /// other directories made absolute.
    fn file_services(
        &mut self,
        idx: usize,
        stack: &mut Vec<(PathBuf, String)>,
    ) -> Result<Vec<ServiceDef>, ComposeError> {
        let names = self.files[idx].service_names();
        let mut out = Vec::new();
        for name in names {
            out.push(self.resolve_extends(idx, &name, stack)?);
        }
        Ok(out)
    }

    fn resolve_extends(
        &mut self,
        idx: usize,
        name: &str,
        stack: &mut Vec<(PathBuf, String)>,
    ) -> Result<ServiceDef, ComposeError> {
        let path = self.files[idx].path.clone();
        let key = (path.clone(), name.to_string());
        if stack.contains(&key) {
            return Err(invalid(
                &path,
                format!(
                    "{}: `extends` of service {name} loops back to itself",
                    path.display()
                ),
            ));
        }
        let value = self.files[idx]
            .service(name)
            .map(|s| s.value.clone())
            .unwrap_or(Value::Null);
        let mut def = ServiceDef::from_file(name, &value, idx, &self.files[idx].positions);
        self.localise(idx, &mut def.value);
        let Some(ext) = value.get("extends").cloned() else {
            return Ok(def);
        };
        let (base_name, base_file) = match &ext {
            Value::String(s) => (s.clone(), None),
            m => (
                m.get("service").map(scalar_text).unwrap_or_default(),
                m.get("file").and_then(Value::as_str).map(str::to_string),
            ),
        };
        let base_idx = match base_file {
            None => idx,
            Some(f) => {
                let fpath = self.files[idx].dir().join(&f);
                match self.files.iter().position(|x| same_file(&x.path, &fpath)) {
                    Some(i) => i,
                    None => {
                        let file = read(&fpath).map_err(|e| {
                            invalid(
                                &path,
                                format!(
                                    "{}: service {name} extends {f}: {}",
                                    path.display(),
                                    e.message
                                ),
                            )
                        })?;
                        self.push(file, Role::Extends)
                    }
                }
            }
        };
        if self.files[base_idx].service(&base_name).is_none() {
            return Err(invalid(
                &path,
                format!(
                    "{}: service {name} extends `{base_name}`, which {} does not define",
                    path.display(),
                    self.files[base_idx].path.display()
                ),
            ));
        }
        stack.push(key);
        let mut base = self.resolve_extends(base_idx, &base_name, stack)?;
        stack.pop();
        if let Some(m) = def.value.as_mapping_mut() {
            m.remove("extends");
        }
        def.key_file.remove("extends");
        base.name = name.to_string();
        base.file = idx;
        base.name_in_file = name.to_string();
        base.merge(def);
        Ok(base)
    }

    /// Relative paths in a file from another directory (an `extends` file,
    /// an `include`) resolve against that file's directory: make them
    /// absolute so the merged project reads them from the right place.
    fn localise(&self, idx: usize, service: &mut Value) {
        let dir = self.files[idx].dir();
        if same_dir(dir, &self.dir) {
            return;
        }
        let fix = |s: &str| -> String {
            if Path::new(s).is_absolute() || s.starts_with('~') {
                s.to_string()
            } else {
                dir.join(s).display().to_string()
            }
        };
        let Some(m) = service.as_mapping_mut() else {
            return;
        };
        match m.get_mut("build") {
            Some(Value::String(s)) => *s = fix(s),
            Some(b @ Value::Mapping(_)) => {
                let ctx = b
                    .get("context")
                    .and_then(Value::as_str)
                    .unwrap_or(".")
                    .to_string();
                b.as_mapping_mut()
                    .expect("mapping")
                    .insert("context".into(), Value::String(fix(&ctx)));
            }
            _ => {}
        }
        match m.get_mut("env_file") {
            Some(Value::String(s)) => *s = fix(s),
            Some(Value::Sequence(items)) => {
                for i in items {
                    if let Value::String(s) = i {
                        *s = fix(s);
                    }
                }
            }
            _ => {}
        }
        if let Some(Value::Sequence(vols)) = m.get_mut("volumes") {
            for v in vols {
                if let Value::String(s) = v {
                    if s.starts_with('.') {
                        if let Some((src, rest)) = s.split_once(':') {
                            *s = format!("{}:{rest}", fix(src));
                        }
                    }
                }
            }
        }
    }

    /// Merges a file's services and top-level sections into the project,
    /// then follows its `include:`.
    fn absorb(&mut self, idx: usize, defs: Vec<ServiceDef>) -> Result<(), ComposeError> {
        for def in defs {
            match self.index.get(&def.name) {
                Some(&i) => self.services[i].merge(def),
                None => {
                    self.index.insert(def.name.clone(), self.services.len());
                    self.services.push(def);
                }
            }
        }
        if let Some(top) = self.files[idx].value.as_mapping().cloned() {
            merge_top(&mut self.top, &top);
        }
        let includes = match self.files[idx].value.get("include") {
            Some(Value::Sequence(items)) => items.clone(),
            _ => Vec::new(),
        };
        let here = self.files[idx].dir().to_path_buf();
        for inc in includes {
            let paths: Vec<String> = match &inc {
                Value::String(s) => vec![s.clone()],
                m => match m.get("path") {
                    Some(Value::String(s)) => vec![s.clone()],
                    Some(Value::Sequence(v)) => v.iter().map(scalar_text).collect(),
                    _ => Vec::new(),
                },
            };
            for p in paths {
                let path = here.join(&p);
                if self.files.iter().any(|f| same_file(&f.path, &path)) {
                    continue;
                }
                let file = read(&path).map_err(|e| {
                    invalid(
                        &self.files[idx].path,
                        format!(
                            "{}: include {p}: {}",
                            self.files[idx].path.display(),
                            e.message
                        ),
                    )
                })?;
                let inc_idx = self.push(file, Role::Include);
                let defs = self.file_services(inc_idx, &mut Vec::new())?;
                if let Some(clash) = defs.iter().find(|d| self.index.contains_key(&d.name)) {
                    return Err(invalid(
                        &self.files[idx].path,
                        format!(
                            "{}: service {} from the included {p} conflicts with one defined already",
                            self.files[idx].path.display(),
                            clash.name
                        ),
                    ));
                }
                self.absorb(inc_idx, defs)?;
            }
        }
        Ok(())
    }

    /// The first file (the default file, or the first `-f`).
    pub fn primary(&self) -> &ComposeFile {
        &self.files[0]
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn service_names(&self) -> Vec<String> {
        self.services.iter().map(|s| s.name.clone()).collect()
    }

    pub fn service(&self, name: &str) -> Option<Service<'_>> {
        let def = &self.services[*self.index.get(name)?];
        Some(Service { def, project: self })
    }

    pub fn all_services(&self) -> Vec<Service<'_>> {
        self.services
            .iter()
            .map(|def| Service { def, project: self })
            .collect()
    }

    /// A file's path relative to the project directory, as shown to users.
    pub fn display(&self, file: usize) -> String {
        let p = &self.files[file].path;
        p.strip_prefix(&self.dir).unwrap_or(p).display().to_string()
    }

    /// "docker-compose.yml + docker-compose.override.yml"
    pub fn describe(&self) -> String {
        (0..self.files.len())
            .filter(|&i| matches!(self.roles[i], Role::Main | Role::Override))
            .map(|i| self.display(i))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The project name compose uses (`name:`, else the directory's name),
    /// normalised as compose does.
    pub fn name(&self, env: &dyn Fn(&str) -> Option<String>) -> String {
        let raw = env("COMPOSE_PROJECT_NAME")
            .or_else(|| {
                self.top
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .or_else(|| {
                self.dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            })
            .unwrap_or_default();
        raw.to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect::<String>()
            .trim_start_matches(['_', '-'])
            .to_string()
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || same_file(a, b)
}

#[cfg(test)]
#[path = "project_tests.rs"]
mod tests;
