//! How variables are written: names the SDK does not read, list entries that keep quotes.

use super::shared::{backend, list_quoted, place, set, shown, QUOTES};
use crate::compose::edit::EnvOp;
use crate::doctor::{Ctx, Finding, Fix};
use crate::providers::env_names::intended;
use crate::resolve::Origin;

pub fn names(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for s in &ctx.env.settings {
        let Some(want) = intended(&s.name) else {
            continue;
        };
        let (file, line) = place(ctx, s);
        let free = ctx.env.get(want).is_none() && !taken.contains(&want);
        let compose = matches!(s.origin, Origin::Compose { .. });
        let taken_already = (!free).then(|| format!("; {want} is set already"));
        let mut f = Finding::new(
            "env-name-typo",
            format!(
                "`{}` is not a name the SDK reads: a misspelling of {want}",
                s.name
            ),
        )
        .at(file, line)
        .evidence(format!(
            "{}: {} is ignored without a warning{}",
            s.name,
            shown(&s.name, &s.value),
            taken_already.unwrap_or_default()
        ))
        .fill("var", s.name.clone())
        .fill("value", want);
        if free && compose {
            taken.push(want);
            f = f.edit(Fix::Env(vec![EnvOp::Rename {
                from: s.name.clone(),
                to: want.into(),
            }]));
        }
        out.push(f);
    }
    out
}

pub fn list_quotes(ctx: &Ctx) -> Vec<Finding> {
    let Some(svc) = backend(ctx) else {
        return Vec::new();
    };
    svc.environment()
        .into_iter()
        .filter(|var| var.list_form)
        .filter_map(|var| {
            let raw = var.value.as_deref().filter(|v| list_quoted(v))?;
            let inner = raw.trim_matches(QUOTES);
            let f = Finding::new(
                "compose-list-quotes",
                format!(
                    "`{}` keeps its quotes: in list form compose passes them into the value",
                    var.name
                ),
            )
            .at(ctx.project.compose.display(var.file), var.line)
            .about([var.name.clone()])
            .evidence(format!("- {}={}", var.name, shown(&var.name, raw)))
            .fill(
                "value",
                format!("- {}={}", var.name, shown(&var.name, inner)),
            );
            // A literal secret is rewritten by secret-hardcoded's fix; this one would write it back.
            Some(
                if crate::doctor::checks::secrets::holds_secret(&var.name, inner) {
                    f
                } else {
                    f.edit(set(&var.name, inner))
                },
            )
        })
        .collect()
}
