//! Reading the backend's modules on every core: the app module first, then
//! each level of project imports. A module's whole-tree analyses (scope,
//! names, literals) run as separate tasks beside the parsing of the next
//! level, so the cores never wait for one big module's walks; the checks
//! later only look the results up.

use super::Broken;
use crate::python::analysis::Module;
use crate::usage::cache::Cache;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// Parsed modules (or why not) in breadth-first order from `app`;
/// `imports` names the project modules a parsed module imports. `app_text`
/// is the app module as discovery read it, so it is not read twice.
pub(super) fn read_tree(
    app: &Path,
    app_text: Option<&str>,
    cache: Option<&Cache>,
    imports: impl Fn(&Module, &Path) -> Vec<PathBuf>,
) -> Vec<(PathBuf, Result<Module, Broken>)> {
    let read_one = |path: &Path| match app_text.filter(|_| path == app) {
        Some(text) => parse_one(text, cache),
        None => read_one(path, cache),
    };
    // The app module in the cache means an earlier run read this code and
    // most modules will be there too: reading them here costs less than
    // starting workers (a module changed since is parsed in line).
    let warm = match (cache, app_text) {
        (Some(c), Some(text)) => c.get(text),
        _ => None,
    };
    if let Some(app_module) = warm {
        let mut app_module = Some(app_module);
        return breadth_first(app, &imports, |level| match app_module.take() {
            // The first level is the app module alone.
            Some(m) => vec![Ok(m)],
            None => level.iter().map(|p| read_one(p)).collect(),
        });
    }
    let threads = crate::threads::for_parsing();
    if threads == 1 {
        // The analyses run when a check first asks for them.
        return breadth_first(app, &imports, |level| {
            level.iter().map(|p| read_one(p)).collect()
        });
    }
    let queue = Queue::default();
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel();
        for _ in 0..threads {
            let done = done_tx.clone();
            let queue = &queue;
            let read_one = &read_one;
            s.spawn(move || queue.work(&done, read_one));
        }
        drop(done_tx);
        // Closed however this closure ends, so a panic here cannot leave the
        // workers waiting (the scope joins them before it unwinds).
        let _close = CloseOnDrop(&queue);
        let read = breadth_first(app, &imports, |level| {
            for (i, p) in level.iter().enumerate() {
                queue.push(Task::Parse(i, p.clone()));
            }
            let mut out: Vec<Option<Result<Arc<Module>, Broken>>> =
                (0..level.len()).map(|_| None).collect();
            for _ in 0..level.len() {
                let (i, r) = done_rx.recv().expect("a parse thread stopped");
                out[i] = Some(r.map(Arc::new));
            }
            let out: Vec<_> = out.into_iter().map(|r| r.expect("parsed")).collect();
            for m in out.iter().flatten() {
                for pass in [Pass::Scope, Pass::Names, Pass::Literals] {
                    queue.push(Task::Analyse(Arc::clone(m), pass));
                }
            }
            out
        });
        // Leaving the scope closes the queue and joins the workers: every
        // task is done and every clone of a module dropped.
        read
    })
    .into_iter()
    .map(|(p, r)| (p, r.map(unshare)))
    .collect()
}

fn unshare(m: Arc<Module>) -> Module {
    Arc::try_unwrap(m).unwrap_or_else(|_| unreachable!("the workers have stopped"))
}

/// The walk over the import graph, one level at a time; `read` parses a
/// level and gives the results in its order.
fn breadth_first<M: AsModule>(
    app: &Path,
    imports: &impl Fn(&Module, &Path) -> Vec<PathBuf>,
    mut read: impl FnMut(&[PathBuf]) -> Vec<Result<M, Broken>>,
) -> Vec<(PathBuf, Result<M, Broken>)> {
    let mut out = Vec::new();
    let mut seen = vec![app.to_path_buf()];
    let mut level = vec![app.to_path_buf()];
    while !level.is_empty() {
        let mut next = Vec::new();
        for (path, r) in level.iter().zip(read(&level)) {
            if let Ok(m) = &r {
                for imported in imports(m.module(), path) {
                    if !seen.contains(&imported) {
                        seen.push(imported.clone());
                        next.push(imported);
                    }
                }
            }
            out.push((path.clone(), r));
        }
        level = next;
    }
    out
}

trait AsModule {
    fn module(&self) -> &Module;
}

impl AsModule for Module {
    fn module(&self) -> &Module {
        self
    }
}

impl AsModule for Arc<Module> {
    fn module(&self) -> &Module {
        self
    }
}

#[derive(Clone, Copy)]
enum Pass {
    Scope,
    Names,
    Literals,
}

enum Task {
    Parse(usize, PathBuf),
    Analyse(Arc<Module>, Pass),
}

struct CloseOnDrop<'q>(&'q Queue);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[derive(Default)]
struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Default)]
struct State {
    /// Parsing first: it is what finds the next modules.
    parse: VecDeque<Task>,
    other: VecDeque<Task>,
    closed: bool,
}

type Done = mpsc::Sender<(usize, Result<Module, Broken>)>;

/// Reads (or takes from the cache) and parses one module.
type ReadOne<'r> = dyn Fn(&Path) -> Result<Module, Broken> + Sync + 'r;

impl Queue {
    fn push(&self, task: Task) {
        let mut s = self.state.lock().expect("queue lock");
        match task {
            Task::Parse(..) => s.parse.push_back(task),
            _ => s.other.push_back(task),
        }
        drop(s);
        self.ready.notify_one();
    }

    fn close(&self) {
        self.state.lock().expect("queue lock").closed = true;
        self.ready.notify_all();
    }

    fn next(&self) -> Option<Task> {
        let mut s = self.state.lock().expect("queue lock");
        loop {
            if let Some(t) = s.parse.pop_front().or_else(|| s.other.pop_front()) {
                return Some(t);
            }
            if s.closed {
                return None;
            }
            s = self.ready.wait(s).expect("queue lock");
        }
    }

    fn work(&self, done: &Done, read_one: &ReadOne<'_>) {
        while let Some(task) = self.next() {
            match task {
                Task::Parse(i, path) => {
                    // A parser crash must not leave the reader waiting for
                    // this result: it becomes a module that could not be read.
                    // Nothing it shares is left half-written by a panic: the
                    // result is dropped and the module reported unreadable.
                    let read = std::panic::AssertUnwindSafe(|| read_one(&path));
                    let r = std::panic::catch_unwind(read).unwrap_or_else(|_| {
                        Err(Broken {
                            display: String::new(),
                            line: None,
                            column: None,
                            why: "could not be analysed (the parser failed)".into(),
                            syntax: false,
                        })
                    });
                    // The receiver only goes away when the reader panicked.
                    let _ = done.send((i, r));
                }
                Task::Analyse(m, Pass::Scope) => {
                    crate::python::scope::module_bindings(&m);
                }
                Task::Analyse(m, Pass::Names) => crate::python::names::warm(&m),
                Task::Analyse(m, Pass::Literals) => {
                    crate::python::literals::literals(&m);
                }
            }
        }
    }
}

/// Reads and parses one module, with the facts that name its imports.
fn read_one(path: &Path, cache: Option<&Cache>) -> Result<Module, Broken> {
    let broken = |line, column, why: String, syntax| Broken {
        display: String::new(),
        line,
        column,
        why,
        syntax,
    };
    let bytes = std::fs::read(path)
        .map_err(|e| broken(None, None, format!("cannot be read: {e}"), false))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        broken(
            Some(line),
            None,
            "is not UTF-8 text, so Python refuses to import it".into(),
            true,
        )
    })?;
    parse_one(&text, cache)
}

/// Parses one module's text, with the facts that name its imports; or
/// takes every analysis of it from the cache.
fn parse_one(text: &str, cache: Option<&Cache>) -> Result<Module, Broken> {
    if let Some(module) = cache.and_then(|c| c.get(text)) {
        return Ok(module);
    }
    let module = Module::parse(text).map_err(|e| Broken {
        display: String::new(),
        line: Some(e.line),
        column: Some(e.column),
        why: e.message,
        syntax: true,
    })?;
    module.calls();
    Ok(module)
}
