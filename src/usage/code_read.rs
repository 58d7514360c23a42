//! Reading the backend's modules: files to parsed modules on every core,
//! with each module's whole-tree analyses run on the same thread.

use super::Broken;
use crate::python::analysis::Module;
use std::path::{Path, PathBuf};

/// Reads and parses `paths` on up to four threads, in order, and runs each
/// module's whole-tree analyses while it is on its thread (they are kept in
/// the module, so the checks later only look them up).
pub(super) fn read_all(paths: &[PathBuf]) -> Vec<Result<Module, Broken>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(paths.len());
    if threads <= 1 {
        return paths.iter().map(|p| read_one(p)).collect();
    }
    let mut out: Vec<Option<Result<Module, Broken>>> = (0..paths.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..paths.len())
                        .step_by(threads)
                        .map(|i| (i, read_one(&paths[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for w in workers {
            for (i, r) in w.join().expect("a parse thread panicked") {
                out[i] = Some(r);
            }
        }
    });
    out.into_iter()
        .map(|r| r.expect("every path read"))
        .collect()
}

fn read_one(path: &Path) -> Result<Module, Broken> {
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
    let module =
        Module::parse(&text).map_err(|e| broken(Some(e.line), Some(e.column), e.message, true))?;
    module.calls();
    crate::python::scope::module_bindings(&module);
    crate::python::names::warm(&module);
    crate::python::literals::literals(&module);
    Ok(module)
}
