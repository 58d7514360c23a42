//! The public names of the backend's libraries per released version, read
//! from library_names.txt (generated from the real wheels by
//! scripts/gen-library-names.py), and the questions asked of it: which
//! version do the requirements select, and does that version have a name.

use crate::fasthash::FxHashMap as HashMap;
use std::sync::OnceLock;

#[path = "libnames_version.rs"]
mod version;

#[path = "libnames_index.rs"]
mod index;

pub use version::{Specifier, Version};

use index::{all_bits, bits, Bits, Span};

const DATA: &str = include_str!("library_names.txt");

/// A package of the build-time index: its name and versions, oldest first.
struct PackageDef {
    name: Span,
    versions: &'static [Span],
}

/// A module of the build-time index (sorted by name).
struct ModuleDef {
    name: Span,
    package: usize,
    present: Bits,
    body: Span,
}

// PACKAGES, MODULES and NAMESPACES: library_names.txt's directive lines, read
// by build.rs with index::index.
include!(concat!(env!("OUT_DIR"), "/library_index.rs"));

fn text((a, b): Span) -> &'static str {
    &DATA[a as usize..b as usize]
}

pub struct Package {
    pub name: &'static str,
    pub versions: Vec<&'static str>,
    /// The versions read, the first time a package is asked about: a run
    /// asks about the few packages its requirements name.
    parsed: OnceLock<Vec<Version>>,
}

/// One module: the versions that ship it and its names, read from the
/// table's text the first time it is asked about: a run asks about a
/// handful of the table's modules.
struct ModuleEntry {
    present: Bits,
    /// The lines after `@module`, up to the next module.
    body: &'static str,
    /// The package's versions bitset (every version).
    all: Bits,
    names: &'static OnceLock<Names>,
}

/// A module's names and the versions that define each.
type Names = HashMap<&'static str, Bits>;

/// Each module's names, once read (indexed as MODULES).
static NAMES: [OnceLock<Names>; MODULE_COUNT] = [const { OnceLock::new() }; MODULE_COUNT];

impl ModuleEntry {
    /// What follows `head` on its line in the body (`Some(None)`: nothing),
    /// read as [`ModuleEntry::read`] would, straight from the text: most
    /// questions are about a name that is there, and one search costs less
    /// than reading every name of the module into a map.
    fn line(&self, head: &str) -> Option<Option<&'static str>> {
        // Empty lines and comments are no names.
        if head.is_empty() || head.starts_with('#') {
            return None;
        }
        let body: &'static str = self.body;
        let mut found = None;
        for at in memchr::memmem::find_iter(body.as_bytes(), head.as_bytes()) {
            if at > 0 && body.as_bytes()[at - 1] != b'\n' {
                continue;
            }
            let after = &body[at + head.len()..];
            let line = &after[..after.find('\n').unwrap_or(after.len())];
            let line = line.strip_suffix('\r').unwrap_or(line);
            found = match line.strip_prefix(' ') {
                Some(rest) => Some((!rest.is_empty()).then_some(rest)),
                None if line.is_empty() => Some(None),
                // A longer name that starts with this one.
                None => continue,
            };
        }
        found
    }

    /// The versions that define `name` (0: none).
    fn versions_of(&self, name: &str) -> Bits {
        self.line(name)
            .map_or(0, |rest| bits(rest, self.present).unwrap_or(0))
    }

    /// The versions in which the module makes names at run time.
    fn dynamic(&self) -> Bits {
        self.line("@dynamic")
            .map_or(0, |rest| bits(rest, self.all).unwrap_or(0))
    }

    /// Every name of the module (`@dynamic` is read by [`Self::dynamic`]),
    /// for suggestions and for the modules that define a name.
    fn read(&self) -> &'static Names {
        self.names.get_or_init(|| {
            let mut out = Names::default();
            for line in self
                .body
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
                let rest = (!rest.is_empty()).then_some(rest);
                // The generator's --check test keeps the table well formed.
                if head != "@dynamic" {
                    out.insert(head, bits(rest, self.present).unwrap_or(0));
                }
            }
            out
        })
    }
}

pub struct Table {
    packages: Vec<Package>,
}

pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        packages: PACKAGES
            .iter()
            .map(|p| Package {
                name: text(p.name),
                versions: p.versions.iter().map(|v| text(*v)).collect(),
                parsed: OnceLock::new(),
            })
            .collect(),
    })
}

impl Package {
    /// The versions, read (the generator's --check test and the table test
    /// keep each one readable).
    pub fn parsed(&self) -> &[Version] {
        self.parsed.get_or_init(|| {
            self.versions
                .iter()
                .map(|v| Version::parse(v).expect("library_names.txt versions are well formed"))
                .collect()
        })
    }
}

impl Table {
    pub fn package(&self, name: &str) -> Option<&Package> {
        // Most questions name a package as the table spells it.
        if let Some(p) = self.packages.iter().find(|p| p.name == name) {
            return Some(p);
        }
        let name = super::requirements::normalize_name(name);
        self.packages.iter().find(|p| p.name == name)
    }

    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter()
    }

    /// The module `name` and the package that ships it.
    fn module(&self, name: &str) -> Option<(&Package, ModuleEntry)> {
        let i = MODULES.binary_search_by(|m| text(m.name).cmp(name)).ok()?;
        Some(self.entry(i))
    }

    fn entry(&self, i: usize) -> (&Package, ModuleEntry) {
        let m = &MODULES[i];
        let p = &self.packages[m.package];
        let entry = ModuleEntry {
            present: m.present,
            body: text(m.body),
            all: all_bits(PACKAGES[m.package].versions.len()),
            names: &NAMES[i],
        };
        (p, entry)
    }

    /// Every module with its package, sorted by name.
    fn modules(&self) -> impl Iterator<Item = (&'static str, &Package, ModuleEntry)> {
        (0..MODULES.len()).map(|i| {
            let (p, e) = self.entry(i);
            (text(MODULES[i].name), p, e)
        })
    }

    fn is_namespace(&self, name: &str) -> bool {
        NAMESPACES.binary_search_by(|n| text(*n).cmp(name)).is_ok()
    }
}

/// The release the requirements select for one package: the newest known
/// release their specifier allows (what a fresh `pip install` gets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSel {
    pub package: String,
    index: Option<usize>,
    /// The pin names a release not in the table (an older patch of a
    /// recorded minor): judged by the recorded patch of the same minor.
    pub approximate: bool,
    /// Not pinned itself: the release train of this pinned OpenTelemetry
    /// package decides (see [`select_for`]).
    pub train: Option<String>,
}

impl VersionSel {
    pub fn version(&self) -> Option<&'static str> {
        let p = table().package(&self.package)?;
        Some(p.versions[self.index?])
    }

    fn unknown(package: &str) -> VersionSel {
        VersionSel {
            package: package.to_owned(),
            index: None,
            approximate: false,
            train: None,
        }
    }
}

/// Unpinned (None or "") → the newest known release. A specifier that no
/// known release meets, or that cannot be read, selects nothing.
pub fn select_version(package: &str, specifier: Option<&str>) -> VersionSel {
    let Some(p) = table().package(package) else {
        return VersionSel::unknown(package);
    };
    let sel = |index: Option<usize>, approximate| VersionSel {
        package: p.name.to_owned(),
        index,
        approximate,
        train: None,
    };
    let spec = specifier.map(str::trim).unwrap_or_default();
    // Unpinned: the newest, which the table lists last (its test keeps the
    // versions in order); no version need be read.
    if spec.is_empty() {
        return sel(p.versions.len().checked_sub(1), false);
    }
    let Some(parsed) = Specifier::parse(spec) else {
        return sel(None, false);
    };
    let versions = p.parsed();
    let newest = (0..p.versions.len())
        .filter(|&i| parsed.matches(p.versions[i], &versions[i]))
        .max_by(|&a, &b| versions[a].cmp(&versions[b]));
    if newest.is_some() {
        return sel(newest, false);
    }
    // `==1.9.0` when the table records 1.9.1: the same minor series.
    let series = parsed.pinned().map(Version::series);
    let same = (0..p.versions.len()).find(|&i| Some(versions[i].series()) == series);
    sel(same, same.is_some())
}

/// OpenTelemetry's core packages (1.N) and contrib packages (0.(N+21)bK)
/// are released in lockstep and pin each other exactly, so pip resolves
/// an unpinned one to the train of a pinned one.
const CORE_TO_CONTRIB: u64 = 21;

fn otel_train(package: &str) -> Option<bool> {
    let p = table().package(package)?;
    if !p.name.starts_with("opentelemetry-") {
        return None;
    }
    // The train shows in the first version alone.
    Some(Version::parse(p.versions.first()?)?.release.first() == Some(&1))
}

/// [`select_version`] for a package given every declared requirement
/// (normalized name, specifier): a package that is not pinned itself but
/// belongs to OpenTelemetry's release train follows a pinned member.
pub fn select_for(package: &str, declared: &[(String, String)]) -> VersionSel {
    let name = super::requirements::normalize_name(package);
    let own = declared
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.as_str());
    let direct = select_version(&name, own);
    let Some(core) = otel_train(&name) else {
        return direct;
    };
    if own.is_some_and(|s| !s.is_empty()) {
        return direct;
    }
    for (other, spec) in declared {
        let (Some(other_core), Some(pin)) = (otel_train(other), Specifier::parse(spec)) else {
            continue;
        };
        let Some(pinned) = pin.pinned() else { continue };
        let (major, minor) = pinned.series();
        let series = match (other_core, core) {
            (true, false) => (0, minor + CORE_TO_CONTRIB),
            (false, true) if minor >= CORE_TO_CONTRIB => (1, minor - CORE_TO_CONTRIB),
            (a, b) if a == b => (major, minor),
            _ => continue,
        };
        let spec = format!("=={}.{}.*", series.0, series.1);
        let mut sel = select_version(&name, Some(&spec));
        if sel.index.is_some() {
            sel.train = Some(other.clone());
            return sel;
        }
    }
    direct
}

/// The distribution that ships an import name: `opentelemetry.sdk.trace`
/// → `opentelemetry-sdk`, `flask_cors` → `flask-cors`.
pub fn package_of_module(module: &str) -> Option<&'static str> {
    let t = table();
    let mut prefix = module;
    loop {
        if let Some((p, _)) = t.module(prefix) {
            return Some(p.name);
        }
        prefix = prefix.rsplit_once('.')?.0;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleState {
    /// Shipped by this package, in the selected version or not.
    Module(&'static str),
    /// A namespace package: any distribution may add to it.
    Namespace,
    Unknown,
}

pub fn module_state(module: &str) -> ModuleState {
    let t = table();
    match t.module(module) {
        Some((p, _)) => ModuleState::Module(p.name),
        None if t.is_namespace(module) => ModuleState::Namespace,
        None => ModuleState::Unknown,
    }
}

/// Whether the selected version of the module's package ships it.
pub fn module_present(module: &str, selected: &VersionSel) -> bool {
    entry(module, selected).is_some_and(|(e, i)| e.present & (1 << i) != 0)
}

fn entry(module: &str, selected: &VersionSel) -> Option<(ModuleEntry, usize)> {
    let (p, entry) = table().module(module)?;
    if p.name != selected.package {
        return None;
    }
    Some((entry, selected.index?))
}

/// Whether the selected version ships `module` (a module of its package):
/// `Missing` lists the versions that do, for a module that moved.
pub fn check_module(module: &str, selected: &VersionSel) -> NameCheck {
    let (Some((p, entry)), Some(index)) = (table().module(module), selected.index) else {
        return NameCheck::UnknownModule;
    };
    if p.name != selected.package {
        return NameCheck::UnknownModule;
    }
    let present = entry.present;
    if present & (1 << index) != 0 {
        return NameCheck::Present;
    }
    NameCheck::Missing {
        suggestion: None,
        versions_with_it: (0..p.versions.len())
            .filter(|i| present & (1 << i) != 0)
            .map(|i| p.versions[i].to_owned())
            .collect(),
    }
}

/// Public modules whose newest recorded version defines `name`, as
/// (module, package), shortest path first: where to import it from.
pub fn modules_defining(name: &str) -> Vec<(&'static str, &'static str)> {
    let t = table();
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for (module, p, entry) in t.modules() {
        let newest: Bits = 1 << (p.versions.len() - 1);
        let public = !module.split('.').any(|part| part.starts_with('_'));
        if public && entry.read().get(name).is_some_and(|b| b & newest != 0) {
            out.push((module, p.name));
        }
    }
    out.sort_by_key(|(m, _)| (m.len(), *m));
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameCheck {
    Present,
    Missing {
        suggestion: Option<String>,
        /// The recorded versions that do have it (empty: none).
        versions_with_it: Vec<String>,
    },
    /// Not a module of the selected package version (or nothing selected).
    UnknownModule,
    /// The module makes names at run time (`__getattr__`): anything goes.
    Dynamic,
}

/// Does `from module import name` (or `module.name`) find something in the
/// selected version? Names starting with `_` are not recorded and always
/// pass; so do submodules shipped by another package.
pub fn check_name(module: &str, name: &str, selected: &VersionSel) -> NameCheck {
    if name.starts_with('_') {
        return NameCheck::Present;
    }
    let Some((entry, index)) = entry(module, selected) else {
        return NameCheck::UnknownModule;
    };
    let bit = 1 << index;
    if entry.present & bit == 0 {
        return NameCheck::UnknownModule;
    }
    if entry.dynamic() & bit != 0 {
        return NameCheck::Dynamic;
    }
    if entry.versions_of(name) & bit != 0 {
        return NameCheck::Present;
    }
    let sub = format!("{module}.{name}");
    if module_state(&sub) != ModuleState::Unknown
        && package_of_module(&sub) != Some(selected.package.as_str())
    {
        return NameCheck::Present;
    }
    let p = table()
        .package(&selected.package)
        .expect("selected package is known");
    let with_it = entry.read().get(name).copied().unwrap_or(0);
    let candidates = entry
        .read()
        .iter()
        .filter(|(_, b)| *b & bit != 0)
        .map(|(n, _)| *n);
    NameCheck::Missing {
        suggestion: closest(name, candidates),
        versions_with_it: (0..p.versions.len())
            .filter(|i| with_it & (1 << i) != 0)
            .map(|i| p.versions[i].to_owned())
            .collect(),
    }
}

/// The candidate nearest to `name` by edit distance (case-insensitive),
/// if near enough to be the likely intent.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() * 2 / 5).max(2);
    let common = |c: &str| {
        c.chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    candidates
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|(da, a), (db, b)| da.cmp(db).then(common(b).cmp(&common(a))).then(a.cmp(b)))
        .map(|(_, c)| c.to_owned())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
#[path = "libnames_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "libnames_index_tests.rs"]
mod index_tests;
