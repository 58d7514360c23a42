//! secret-hardcoded: literal secrets in compose, Dockerfile, .gitpod.yml and Python strings.

use super::{AWS_SECRET, QUOTES, ROLLBAR};
use crate::doctor::checks::compose_env::set;
use crate::doctor::{Ctx, Finding, Fix};
use crate::mask::{mask, mask_shapes};
use crate::providers::honeycomb::{self, key_kind, KeyKind};
use crate::python::analysis::Module;

/// Names whose value, written as a literal next to them, is a secret.
/// The role of rollbar.init's token argument: a literal there is the token, whatever its shape.
use crate::python::literals::INIT;
const NAMED: [&str; 4] = [honeycomb::KEY_VAR, ROLLBAR, AWS_SECRET, "x-honeycomb-team"];

#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Kind {
    Honeycomb,
    Rollbar,
    Aws,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Honeycomb => "a Honeycomb API key",
            Kind::Rollbar => "a Rollbar access token",
            Kind::Aws => "an AWS secret access key",
        }
    }
    fn var(self) -> &'static str {
        match self {
            Kind::Honeycomb => honeycomb::KEY_VAR,
            Kind::Rollbar => ROLLBAR,
            Kind::Aws => AWS_SECRET,
        }
    }
}

/// Which secret a literal is, by the place it is written (position) or its
/// shape. Given to the key's header or to a variable that holds a key, token
/// or secret, any literal is one, whatever its shape; elsewhere only shapes
/// no ordinary value has count: ingest keys, and the 22–23 character keys
/// of 2022–2023 when they mix cases and digits.
fn classify(name: &str, value: &str) -> Option<Kind> {
    let v = value.trim().trim_matches(QUOTES);
    if v.is_empty() || v.contains('$') || v.contains(char::is_whitespace) {
        return None;
    }
    let kind = key_kind(v);
    let n = name.trim().trim_matches(QUOTES).to_ascii_uppercase();
    let hex32 = v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit());
    let team_header = TEAM_HEADERS.contains(&n.to_ascii_lowercase().as_str());
    if team_header || n == honeycomb::KEY_VAR {
        return Some(Kind::Honeycomb);
    }
    if n == ROLLBAR || (n == INIT && v.len() >= 16) {
        return Some(Kind::Rollbar);
    }
    if n == AWS_SECRET {
        return Some(Kind::Aws);
    }
    if matches!(kind, KeyKind::Ingest | KeyKind::ClassicIngest)
        || (n.contains("HONEYCOMB") && (kind == KeyKind::Classic || v1_key(v)))
    {
        Some(Kind::Honeycomb)
    } else if n.contains("ROLLBAR") && hex32 {
        Some(Kind::Rollbar)
    } else {
        None
    }
}

/// The header names a Honeycomb key is given to (the right one and the
/// ones people write instead).
const TEAM_HEADERS: [&str; 5] = [
    "x-honeycomb-team",
    "x-honeycomb-key",
    "x-honeycomb-api-key",
    "x-honeycomb-apikey",
    "authorization",
];

/// A v1 environment key of 2022–2023 (22–23 alphanumerics). Random ones mix
/// upper case, lower case and digits; words and identifiers of that length
/// rarely do.
pub(crate) fn v1_key(v: &str) -> bool {
    key_kind(v) == KeyKind::Configuration
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_digit())
}

/// Secrets in one `name: value`, the entries of a headers value included.
pub(crate) fn holds_secret(name: &str, value: &str) -> bool {
    !found(name, value).is_empty()
}

pub(super) fn found(name: &str, value: &str) -> Vec<(Kind, String)> {
    let mut out: Vec<(Kind, String)> = Vec::new();
    let mut add = |k: Kind, v: &str| {
        let v = v.trim().trim_matches(QUOTES).to_string();
        if !out.iter().any(|(_, x)| *x == v) {
            out.push((k, v));
        }
    };
    if let Some(k) = classify(name, value) {
        add(k, value);
    }
    for (k, v) in value.split(',').filter_map(|e| e.split_once(['=', ':'])) {
        if let Some(kind) = classify(k.trim().trim_matches(QUOTES), v) {
            add(kind, v);
        }
    }
    // A URL's parts (a workspace id in a preview host) are no keys.
    let url = value.contains("://");
    for tok in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if matches!(key_kind(tok), KeyKind::Ingest | KeyKind::ClassicIngest)
            || (v1_key(tok) && !url)
        {
            add(Kind::Honeycomb, tok);
        }
    }
    out
}

fn hidden(text: &str, secret: &str) -> String {
    mask_shapes(&text.replace(secret, &mask(secret)))
}

fn leak(kind: Kind, file: &str, line: Option<usize>) -> Finding {
    Finding::new(
        "secret-hardcoded",
        format!("{} is written into {file}, a tracked file", kind.what()),
    )
    .at(file, line)
    .fill("file", file)
}

pub fn hardcoded(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let compose = ctx.compose_display();
    for svc in ctx.project.compose.all_services() {
        let is_backend = svc.name() == ctx.project.backend.service;
        for var in svc.environment() {
            let Some(raw) = var.value.as_deref() else {
                continue;
            };
            for (kind, secret) in found(&var.name, raw) {
                let headers = var.name.contains("HEADERS");
                let plain_name = var
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
                let store = if headers || !plain_name {
                    kind.var()
                } else {
                    var.name.as_str()
                };
                let value = if headers {
                    honeycomb::fix_headers(Some(raw.trim_matches(QUOTES)), None)
                        .map(|(v, _)| v)
                        .filter(|v| !v.contains(&secret))
                } else {
                    Some(format!("${{{store}}}"))
                };
                let written = value.as_deref().unwrap_or(honeycomb::HEADERS_VALUE);
                let mut f = leak(kind, &compose, var.line)
                    .evidence(format!("{}: {}", var.name, hidden(raw, &secret)))
                    .fill("value", format!("{}: \"{written}\"", var.name))
                    .fill("var", store);
                if let (true, Some(v)) = (is_backend, value) {
                    f = f.edit(set(&var.name, v)).edit(Fix::StoreInDotenv {
                        name: store.into(),
                        value: secret.clone(),
                    });
                }
                out.push(f);
            }
        }
    }
    let mut texts: Vec<(String, String)> = ctx
        .project
        .backend
        .dockerfile
        .iter()
        .filter_map(|d| Some((ctx.project.display(&d.path), d.text.clone()?)))
        .collect();
    if let Some(p) = &ctx.project.gitpod.yml {
        texts.extend(
            ctx.project
                .read(p)
                .ok()
                .map(|t| (ctx.project.display(p), t.to_string())),
        );
    }
    for (file, text) in texts {
        for (kind, secret, line) in text_secrets(&text) {
            out.push(
                leak(kind, &file, Some(line))
                    .evidence(hidden(
                        text.lines().nth(line - 1).unwrap_or_default().trim(),
                        &secret,
                    ))
                    .fill("var", kind.var()),
            );
        }
    }
    let code = ctx.code();
    for (m, secrets) in code.mods.iter().zip(code_secrets(ctx)) {
        for &(kind, ref secret, line, column) in secrets {
            out.push(
                leak(kind, &m.display, Some(line))
                    .column(Some(column))
                    .evidence(hidden(
                        m.module
                            .source()
                            .lines()
                            .nth(line - 1)
                            .unwrap_or_default()
                            .trim(),
                        secret,
                    ))
                    .fill("value", format!("os.getenv(\"{}\")", kind.var()))
                    .fill("var", kind.var()),
            );
        }
    }
    out
}

/// `NAME=value`, `NAME: value`, `ENV NAME value` and bare ingest keys on the
/// non-comment lines of a Dockerfile or .gitpod.yml: (kind, secret, line).
fn text_secrets(text: &str) -> Vec<(Kind, String, usize)> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
    {
        let mut hits = found("", line);
        for name in NAMED {
            for (p, _) in line.match_indices(name) {
                let before = line[..p].chars().next_back();
                let after = &line[p + name.len()..];
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || "_${".contains(c))
                    || !after.starts_with(['=', ':', ' '])
                {
                    continue;
                }
                let value = after
                    .trim_start_matches(['=', ':', ' '])
                    .trim_start_matches(QUOTES);
                let value = value
                    .split([' ', '"', '\'', ',', '\t'])
                    .next()
                    .unwrap_or_default();
                if let Some(k) =
                    classify(name, value).filter(|_| !hits.iter().any(|(_, v)| v == value))
                {
                    hits.push((k, value.to_string()));
                }
            }
        }
        out.extend(hits.into_iter().map(|(k, v)| (k, v, i + 1)));
    }
    out
}

/// A secret in a string literal: (kind, secret, line, column).
pub(crate) type CodeSecret = (Kind, String, usize, usize);

/// [`python_secrets`] of every running module (in `Code::mods` order),
/// found once per run.
pub(super) fn code_secrets<'c>(ctx: &'c Ctx) -> &'c [Vec<CodeSecret>] {
    ctx.code_secrets.get_or_init(|| {
        ctx.code()
            .mods
            .iter()
            .map(|m| python_secrets(&m.module))
            .collect()
    })
}

/// Secrets in the string literals of a module: (kind, secret, line, column).
/// Comments are no string nodes, so code commented out never counts. Reads
/// the module's own tree: parsed once per run.
pub(super) fn python_secrets(module: &Module) -> Vec<CodeSecret> {
    let mut out: Vec<CodeSecret> = crate::python::literals::literals(module)
        .iter()
        .flat_map(|l| {
            found(&l.role, &l.content)
                .into_iter()
                .map(move |(k, v)| (k, v, l.line, l.column))
        })
        .collect();
    out.sort_by_key(|h| (h.2, h.3));
    out
}
