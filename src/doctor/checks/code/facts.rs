//! What the backend's modules call and import, read once per check, with
//! names resolved through import aliases (`TracerProvider as TP`).

use crate::doctor::{Ctx, Finding, PyModule};
use crate::python::analysis::{Call, Import};

pub(crate) struct Mod<'a> {
    pub py: &'a PyModule,
    pub calls: Vec<Call>,
    pub imports: Vec<Import>,
}

pub(crate) struct Code<'a> {
    pub mods: Vec<Mod<'a>>,
    app: Option<usize>,
}

impl<'a> Code<'a> {
    pub fn new(ctx: &'a Ctx) -> Code<'a> {
        let mods: Vec<Mod> = ctx
            .modules
            .iter()
            .map(|py| Mod {
                py,
                calls: py.module.calls(),
                imports: py.module.imports(),
            })
            .collect();
        let app = ctx
            .app()
            .and_then(|a| mods.iter().position(|m| m.py.path == a.path));
        Code { mods, app }
    }

    /// The module that creates the Flask app.
    pub fn app(&self) -> Option<&Mod<'a>> {
        self.app.map(|i| &self.mods[i])
    }

    /// Every call whose function is `name` or `<anything>.name`.
    pub fn calls<'s>(&'s self, name: &'s str) -> impl Iterator<Item = (&'s Mod<'a>, &'s Call)> {
        self.mods.iter().flat_map(move |m| {
            m.calls
                .iter()
                .filter(|c| m.is(c, name))
                .map(move |c| (m, c))
        })
    }

    pub fn first_call<'s>(&'s self, name: &'s str) -> Option<(&'s Mod<'a>, &'s Call)> {
        self.calls(name).next()
    }

    /// `<obj>.method(...)` where `<obj>` is built from `class`: `X().m()`,
    /// `X.m()`, or a variable assigned `X()`.
    pub fn method_calls<'s>(
        &'s self,
        class: &'s str,
        method: &'s str,
    ) -> impl Iterator<Item = (&'s Mod<'a>, &'s Call)> {
        self.mods.iter().flat_map(move |m| {
            let classes = m.names_for(class);
            let instances: Vec<String> =
                m.py.module
                    .top_level_assignments()
                    .into_iter()
                    .filter(|a| {
                        a.callee
                            .as_deref()
                            .is_some_and(|c| classes.iter().any(|n| n == last(c)))
                    })
                    .map(|a| a.target)
                    .collect();
            m.calls
                .iter()
                .filter(move |c| {
                    let Some(receiver) = receiver(&c.callee) else {
                        return false;
                    };
                    let object = receiver.split('(').next().unwrap_or(receiver);
                    last(&c.callee) == method
                        && (classes.iter().any(|n| n == last(object))
                            || instances.iter().any(|i| i == receiver))
                })
                .map(move |c| (m, c))
        })
    }

    /// Imports of `module` or its submodules.
    pub fn imports_of<'s>(
        &'s self,
        module: &'s str,
    ) -> impl Iterator<Item = (&'s Mod<'a>, &'s Import)> {
        self.mods.iter().flat_map(move |m| {
            m.imports
                .iter()
                .filter(move |i| i.module == module || i.module.starts_with(&format!("{module}.")))
                .map(move |i| (m, i))
        })
    }
}

impl Mod<'_> {
    /// Local names bound to `name` by `from … import name [as alias]`, and
    /// the name itself.
    pub fn names_for(&self, name: &str) -> Vec<String> {
        let mut out = vec![name.to_string()];
        out.extend(
            self.imports
                .iter()
                .filter(|i| i.name.as_deref() == Some(name))
                .filter_map(|i| i.alias.clone()),
        );
        out
    }

    pub fn is(&self, call: &Call, name: &str) -> bool {
        let callee = last(&call.callee);
        callee == name
            || self
                .imports
                .iter()
                .any(|i| i.name.as_deref() == Some(name) && i.alias.as_deref() == Some(callee))
    }

    /// Names through which `module` is reachable: `import module [as alias]`,
    /// and `import module.sub`, which binds `module`.
    pub fn module_names(&self, module: &str) -> Vec<&str> {
        let sub = format!("{module}.");
        self.imports
            .iter()
            .filter(|i| i.name.is_none())
            .filter(|i| i.module == module || (i.alias.is_none() && i.module.starts_with(&sub)))
            .filter_map(|i| i.bound_name())
            .collect()
    }

    pub fn line(&self, line: usize) -> &str {
        self.py
            .module
            .source()
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default()
    }

    /// Places the finding on a line of this module, quoting it.
    pub fn at(&self, finding: Finding, line: usize, column: Option<usize>) -> Finding {
        let code = self.line(line);
        let column =
            column.unwrap_or_else(|| code.chars().take_while(|c| c.is_whitespace()).count() + 1);
        finding
            .at(self.py.display.clone(), Some(line))
            .column(Some(column))
            .evidence(format!("{}:{line}: {}", self.py.display, code.trim()))
    }

    pub fn at_call(&self, finding: Finding, call: &Call) -> Finding {
        self.at(finding, call.line, Some(call.column))
    }
}

/// The last dotted component of a callee: `FlaskInstrumentor().instrument_app`
/// → `instrument_app`.
pub(crate) fn last(callee: &str) -> &str {
    callee.rsplit('.').next().unwrap_or(callee)
}

fn receiver(callee: &str) -> Option<&str> {
    callee.rsplit_once('.').map(|(r, _)| r)
}

impl Mod<'_> {
    /// Names of the functions decorated with `@<anything>.decorator`. The
    /// parser reports the decorator, not what it decorates, so the name is
    /// read from the first `def` line after it.
    pub fn decorated(&self, decorator: &str) -> Vec<String> {
        let source = self.py.module.source();
        self.py
            .module
            .decorators()
            .into_iter()
            .filter(|d| last(&d.name) == decorator)
            .filter_map(|d| {
                source.lines().skip(d.line).find_map(|l| {
                    let t = l.trim_start();
                    let def = t.strip_prefix("async ").unwrap_or(t).strip_prefix("def ")?;
                    let name: String = def
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    Some(name)
                })
            })
            .collect()
    }
}
