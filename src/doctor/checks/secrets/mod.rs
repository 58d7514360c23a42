//! Keys and secrets. No finding ever carries a secret: evidence shows
//! `mask()`ed prefixes only.

use super::compose_env::{
    backend, clean, clean_raw, headers_setting, place, secret_name, set, shown, unset_var,
};
use crate::compose::{dotenv, interpolate, Service};
use crate::doctor::{Ctx, Finding, Fix};
use crate::mask::{mask, mask_shapes};
use crate::providers::honeycomb::{self, key_kind, key_problem, KeyKind};
use crate::resolve::{Lookup, VarSource};
use tree_sitter::Node;

const QUOTES: [char; 2] = ['"', '\''];
const ROLLBAR: &str = "ROLLBAR_ACCESS_TOKEN";
const AWS_SECRET: &str = "AWS_SECRET_ACCESS_KEY";
/// Names whose value, written as a literal next to them, is a secret.
/// The role of rollbar.init's token argument: a literal there is the token, whatever its shape.
const INIT: &str = "ROLLBAR.INIT";
const NAMED: [&str; 4] = [honeycomb::KEY_VAR, ROLLBAR, AWS_SECRET, "x-honeycomb-team"];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
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

/// Which secret a literal is, by its shape and the name it is given to:
/// ingest keys are unmistakable anywhere, the other shapes only by name.
fn classify(name: &str, value: &str) -> Option<Kind> {
    let v = value.trim().trim_matches(QUOTES);
    if v.is_empty() || v.contains('$') {
        return None;
    }
    let kind = key_kind(v);
    let n = name.trim().to_ascii_uppercase();
    let hex32 = v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit());
    if matches!(kind, KeyKind::Ingest | KeyKind::ClassicIngest)
        || (n.contains("HONEYCOMB") && kind == KeyKind::Classic)
    {
        Some(Kind::Honeycomb)
    } else if (n.contains("ROLLBAR") && hex32)
        || (n == INIT && v.len() >= 16 && !v.contains(char::is_whitespace))
    {
        Some(Kind::Rollbar)
    } else if n == AWS_SECRET && v.len() >= 20 && !v.contains(char::is_whitespace) {
        Some(Kind::Aws)
    } else {
        None
    }
}

/// Secrets in one `name: value`, the entries of a headers value included.
pub(super) fn holds_secret(name: &str, value: &str) -> bool {
    !found(name, value).is_empty()
}

fn found(name: &str, value: &str) -> Vec<(Kind, String)> {
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
    for tok in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if matches!(key_kind(tok), KeyKind::Ingest | KeyKind::ClassicIngest) {
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
}

const ROTATE: &str = "rotate it if the file was ever committed or shared";

pub fn hardcoded(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let compose = ctx.compose_display();
    for svc in ctx.project.compose.all_services() {
        let is_backend = svc.name == ctx.project.backend.service;
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
                let mut f = leak(kind, &compose, var.line)
                    .evidence(format!("{}: {}", var.name, hidden(raw, &secret)))
                    .fix(format!("put {store}=… in the project .env and write `{}: \"{}\"` in `{}`; {ROTATE}", var.name, value.as_deref().unwrap_or(honeycomb::HEADERS_VALUE), svc.name));
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
            std::fs::read_to_string(p)
                .ok()
                .map(|t| (ctx.project.display(p), t)),
        );
    }
    for (file, text) in texts {
        for (kind, secret, line) in text_secrets(&text) {
            out.push(leak(kind, &file, Some(line))
                .evidence(hidden(text.lines().nth(line - 1).unwrap_or_default().trim(), &secret))
                .fix(format!("remove it from {file}: keep it in .env (or `gp env {}=…` in Gitpod) and pass it through compose as `${{{}}}`; {ROTATE}", kind.var(), kind.var())));
        }
    }
    for m in &ctx.modules {
        for (kind, secret, line, column) in python_secrets(m.module.source()) {
            out.push(leak(kind, &m.display, Some(line))
                .column(Some(column))
                .evidence(hidden(m.module.source().lines().nth(line - 1).unwrap_or_default().trim(), &secret))
                .fix(format!("read it from the environment (`os.getenv(\"{}\")`), put it in .env and pass it in compose as `{}: \"${{{}}}\"`; {ROTATE}", kind.var(), kind.var(), kind.var())));
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

fn string_content(n: Node, src: &str) -> Option<String> {
    let mut c = n.walk();
    let parts: Vec<Node> = n.children(&mut c).collect();
    if n.kind() != "string" || parts.iter().any(|p| p.kind() == "interpolation") {
        return None;
    }
    Some(
        parts
            .iter()
            .filter(|p| p.kind() == "string_content")
            .map(|p| &src[p.byte_range()])
            .collect(),
    )
}

/// The name a string literal is given to, as `classify` understands it:
/// rollbar.init's token, a header, an environment variable's default.
fn literal_role(n: Node, src: &str) -> String {
    let text = |x: Node| src[x.byte_range()].split_whitespace().collect::<String>();
    let Some(parent) = n.parent() else {
        return String::new();
    };
    let callee = |args: Node| {
        args.parent()
            .filter(|c| c.kind() == "call")
            .and_then(|c| c.child_by_field_name("function"))
            .map(text)
            .unwrap_or_default()
    };
    let rollbar = |f: &str| f.ends_with("rollbar.init") || f == "init";
    match parent.kind() {
        "argument_list" => {
            let mut c = parent.walk();
            let args: Vec<Node> = parent
                .named_children(&mut c)
                .filter(|a| a.kind() != "comment")
                .collect();
            let idx = args.iter().position(|a| *a == n);
            let f = callee(parent);
            if rollbar(&f) && idx == Some(0) {
                return INIT.into();
            }
            let getenv = [
                "os.getenv",
                "getenv",
                "os.environ.get",
                "environ.get",
                "os.environ.setdefault",
            ];
            if getenv.contains(&f.as_str()) && idx == Some(1) {
                return args
                    .first()
                    .and_then(|a| string_content(*a, src))
                    .unwrap_or_default();
            }
        }
        "keyword_argument" => {
            let name = parent
                .child_by_field_name("name")
                .map(text)
                .unwrap_or_default();
            if name == "access_token" && parent.parent().is_some_and(|a| rollbar(&callee(a))) {
                return INIT.into();
            }
        }
        "pair" if parent.child_by_field_name("value") == Some(n) => {
            return parent
                .child_by_field_name("key")
                .and_then(|k| string_content(k, src))
                .unwrap_or_default();
        }
        "assignment" if parent.child_by_field_name("right") == Some(n) => {
            let target = parent
                .child_by_field_name("left")
                .filter(|l| l.kind() == "subscript");
            return target
                .and_then(|t| t.child_by_field_name("subscript"))
                .and_then(|k| string_content(k, src))
                .unwrap_or_default();
        }
        _ => {}
    }
    String::new()
}

/// Secrets in the string literals of a module: (kind, secret, line, column).
/// Comments are no string nodes, so code commented out never counts.
fn python_secrets(src: &str) -> Vec<(Kind, String, usize, usize)> {
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return Vec::new();
    }
    let Some(tree) = parser.parse(src, None) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
        let Some(content) = string_content(n, src) else {
            continue;
        };
        let p = n.start_position();
        out.extend(
            found(&literal_role(n, src), &content)
                .into_iter()
                .map(|(k, v)| (k, v, p.row + 1, p.column + 1)),
        );
    }
    out.sort_by_key(|h| (h.2, h.3));
    out
}

pub fn dotenv(ctx: &Ctx) -> Vec<Finding> {
    let file = &ctx.project.dotenv;
    let Some(text) = file.text.as_deref() else {
        return Vec::new();
    };
    let entries = dotenv::parse(text).unwrap_or_default();
    let held: Vec<&dotenv::DotenvEntry> = entries
        .iter()
        .filter(|e| {
            !e.value.is_empty() && (secret_name(&e.key) || !found(&e.key, &e.value).is_empty())
        })
        .collect();
    let Some(first) = held.first() else {
        return Vec::new();
    };
    let secrets: Vec<String> = held
        .iter()
        .map(|e| format!("{} (.env:{})", e.key, e.line))
        .collect();
    let mut out = Vec::new();
    if !crate::secrets::is_ignored(ctx.project) {
        out.push(Finding::new("dotenv-not-ignored", ".env holds secrets but git does not ignore it")
            .at(".env", Some(first.line))
            .evidence(format!("secrets in .env: {}; `git check-ignore .env` finds no rule", secrets.join(", ")))
            .fix("add `.env` to .gitignore (and if .env was committed already: `git rm --cached .env`, then rotate the keys)")
            .edit(Fix::IgnoreDotenv));
    }
    use std::os::unix::fs::PermissionsExt;
    if let Some(mode) = std::fs::metadata(&file.path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
        .filter(|m| m & 0o077 != 0)
    {
        out.push(
            Finding::new(
                "dotenv-permissions",
                format!(".env with secrets is readable by group or others (mode {mode:o})"),
            )
            .at(".env", Some(first.line))
            .evidence(format!("mode {mode:o}; secrets: {}", secrets.join(", ")))
            .fix("run `chmod 600 .env`")
            .edit(Fix::DotenvPermissions),
        );
    }
    out
}

pub fn key_format(ctx: &Ctx) -> Vec<Finding> {
    let Some(s) = headers_setting(ctx).filter(|s| !unset_var(s)) else {
        return Vec::new();
    };
    let text = clean(ctx, s);
    let team = |t: &str| -> Option<String> {
        t.split(',')
            .filter_map(|e| e.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("x-honeycomb-team"))
            .map(|(_, v)| v.to_string())
    };
    let Some(value) = team(&text) else {
        return Vec::new();
    };
    let raw = clean_raw(ctx, s).filter(|r| r.contains('='));
    let raw_team = raw.as_deref().and_then(team);
    // Quotes written in the compose text are otel-headers-malformed; those
    // inside the variable's value belong to the key.
    let from_var = raw_team
        .as_deref()
        .is_some_and(|v| v.trim().starts_with('$'));
    let key = value.trim_matches([' ', '\t']);
    let key = if from_var {
        key
    } else {
        key.trim_matches(QUOTES)
    };
    let var = raw_team
        .as_deref()
        .and_then(|t| interpolate::referenced_names(t).into_iter().next());
    let source = var
        .as_deref()
        .and_then(|n| s.vars.iter().find(|v| v.name == n));
    let (file, line) = match source.map(|v| &v.source) {
        Some(VarSource::DotEnv { line }) => (".env".to_string(), Some(*line)),
        _ => place(ctx, s),
    };
    let from = match (&var, source.map(|v| &v.source)) {
        (Some(n), Some(VarSource::DotEnv { line })) => format!("${{{n}}} from .env:{line}"),
        (Some(n), Some(VarSource::Environment)) => format!("${{{n}}} from the shell environment"),
        _ => format!("{} at {}", s.name, s.origin),
    };
    let kind = key_kind(key);
    let problem = key_problem(key).or_else(|| {
        (kind == KeyKind::Unknown).then(|| {
            "it matches no Honeycomb key shape (ingest keys are 64 characters, hc?ik_…)".to_string()
        })
    });
    let evidence = format!(
        "x-honeycomb-team = {} ({} characters, {from})",
        mask(key),
        key.chars().count()
    );
    if let Some(problem) = problem {
        return vec![Finding::new("honeycomb-key-format", format!("the Honeycomb key cannot be used: {problem}"))
            .at(file, line)
            .evidence(evidence)
            .fix("copy the ingest key again from Honeycomb (Environment settings → API keys) and store the bare key with `cruddur-obs init`")];
    }
    let has_dataset = text
        .split(',')
        .filter_map(|e| e.split_once('='))
        .any(|(k, _)| k.trim().eq_ignore_ascii_case("x-honeycomb-dataset"));
    if !kind.is_classic() || has_dataset {
        return Vec::new();
    }
    let dataset = Some(ctx.exporter.service_name.value.clone())
        .filter(|d| !d.starts_with("unknown_service"))
        .unwrap_or_else(|| ctx.project.backend.service.clone());
    let (file, line) = place(ctx, s);
    let mut f = Finding::new(
        "honeycomb-key-classic-no-dataset",
        "a classic Honeycomb key needs an x-honeycomb-dataset header (Honeycomb answers 401)",
    )
    .at(file, line)
    .evidence(format!("{evidence}; {}: {}", s.name, shown(&s.name, &text)))
    .fix(format!(
        "append `,x-honeycomb-dataset={dataset}` to {}",
        s.name
    ));
    if let Some(r) = raw {
        f = f.edit(set(&s.name, format!("{r},x-honeycomb-dataset={dataset}")));
    }
    vec![f]
}

fn imports(ctx: &Ctx, module: &str) -> Option<(String, usize)> {
    ctx.modules.iter().find_map(|m| {
        let i = m
            .module
            .imports()
            .into_iter()
            .find(|i| i.module == module || i.module.starts_with(&format!("{module}.")))?;
        Some((m.display.clone(), i.line))
    })
}

pub fn rollbar_token(ctx: &Ctx) -> Vec<Finding> {
    let Some((module, import_line)) = imports(ctx, "rollbar") else {
        return Vec::new();
    };
    // A literal token is secret-hardcoded; it does reach Rollbar.
    if ctx.modules.iter().any(|m| {
        python_secrets(m.module.source())
            .iter()
            .any(|h| h.0 == Kind::Rollbar)
    }) {
        return Vec::new();
    }
    let calls: Vec<_> = ctx.modules.iter().flat_map(|m| m.module.calls()).collect();
    let getenv = ["os.getenv", "getenv", "os.environ.get", "environ.get"];
    let mut names: Vec<String> = calls
        .iter()
        .filter(|c| getenv.contains(&c.callee.as_str()))
        .filter_map(|c| {
            c.first_arg
                .as_deref()
                .map(|a| a.trim_matches(QUOTES).to_string())
        })
        .filter(|n| n.contains("ROLLBAR"))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        names.push(ROLLBAR.into());
    }
    let svc = &ctx.project.backend.service;
    names
        .iter()
        .filter_map(|name| {
            let s = ctx.env.get(name);
            if s.is_some_and(|s| unset_var(s) || !clean(ctx, s).trim().is_empty()) {
                return None;
            }
            let (file, line) = s.map(|s| place(ctx, s)).unwrap_or_else(|| (ctx.compose_display(), backend(ctx).and_then(|b| b.line())));
            let state = if s.is_some() { "is empty" } else { "is not in its environment" };
            Some(Finding::new("rollbar-token-missing", format!("the backend reports to Rollbar but {name} does not reach `{svc}`"))
                .at(file, line)
                .evidence(format!("{module}:{import_line} imports rollbar; {name} {state}"))
                .fix(format!("add `{name}: \"${{{name}}}\"` to the environment of `{svc}` and put the token in .env ({name}=…)")))
        })
        .collect()
}

/// A service's environment as its container gets it, resolved the way compose would.
fn resolved_env(ctx: &Ctx, svc: &Service) -> Vec<(String, String)> {
    let dot = ctx
        .project
        .dotenv
        .text
        .as_deref()
        .and_then(|t| dotenv::parse(t).ok())
        .unwrap_or_default();
    let lookup = Lookup {
        process: ctx.process,
        dotenv: dot,
    };
    let get = |n: &str| lookup.source(n).0;
    let mut out: Vec<(String, String)> = svc
        .env_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(ctx.project.compose.dir().join(f)).ok())
        .flat_map(|t| dotenv::parse(&t).unwrap_or_default())
        .map(|e| (e.key, e.value))
        .collect();
    for var in svc.environment() {
        let value = match &var.value {
            None => get(&var.name).unwrap_or_default(),
            Some(raw) => interpolate::interpolate(raw, &get)
                .map(|i| i.value)
                .unwrap_or_default(),
        };
        out.retain(|(k, _)| *k != var.name);
        out.push((var.name, value));
    }
    out
}

fn mounts_aws_config(svc: &Service) -> bool {
    svc.get("volumes").is_some_and(|v| {
        yaml_serde::to_string(v)
            .unwrap_or_default()
            .contains(".aws")
    })
}

pub fn aws(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = ctx.compose_display();
    let creds = ["AWS_ACCESS_KEY_ID", AWS_SECRET];
    // The X-Ray SDK only talks UDP to the daemon; CloudWatch Logs (watchtower) calls AWS itself.
    if let (Some((module, l)), Some(svc)) = (
        imports(ctx, "watchtower"),
        backend(ctx).filter(|s| !mounts_aws_config(s)),
    ) {
        let ok = |n: &str| {
            ctx.env
                .get(n)
                .is_some_and(|s| unset_var(s) || !clean(ctx, s).trim().is_empty())
        };
        let mut missing: Vec<&str> = creds.into_iter().filter(|n| !ok(n)).collect();
        if !ok("AWS_REGION") && !ok("AWS_DEFAULT_REGION") {
            missing.insert(0, "AWS_DEFAULT_REGION (or AWS_REGION)");
        }
        if !missing.is_empty() {
            out.push(Finding::new("aws-credentials-missing", format!("CloudWatch Logs is used but `{}` gets no {}", svc.name, missing.join(", ")))
                .at(file.clone(), svc.line())
                .evidence(format!("{module}:{l} imports watchtower; missing or empty in `{}`: {}", svc.name, missing.join(", ")))
                .fix(format!("add {} to the environment of `{}` as `${{VAR}}` references, with the values in .env", missing.join(", "), svc.name)));
        }
    }
    let Some((module, l)) = imports(ctx, "aws_xray_sdk") else {
        return out;
    };
    for svc in ctx.project.compose.all_services() {
        if !svc.image().is_some_and(|i| i.contains("aws-xray-daemon")) || mounts_aws_config(&svc) {
            continue;
        }
        let env = resolved_env(ctx, &svc);
        let missing: Vec<&str> = creds
            .into_iter()
            .filter(|n| !env.iter().any(|(k, v)| k == n && !v.trim().is_empty()))
            .collect();
        if !missing.is_empty() {
            out.push(Finding::new("aws-credentials-missing", format!("the X-Ray daemon `{}` has no AWS credentials: it cannot upload traces", svc.name))
                .at(file.clone(), svc.line())
                .evidence(format!("{module}:{l} imports aws_xray_sdk; missing or empty in `{}`: {}", svc.name, missing.join(", ")))
                .fix(format!("add {} to the environment of `{}` as `${{VAR}}` references, with the values in .env", missing.join(", "), svc.name)));
        }
    }
    out
}

#[cfg(test)]
mod tests;
