//! `doctor --logs`: known lines of backend and compose output, mapped to ids.
//!
//! Every pattern is text a library really prints (opentelemetry-python's
//! exporters and SDK, docker compose v1 and v2, pyrollbar, aws-xray-sdk and
//! its daemon, watchtower/botocore, Flask). Input is lossily decoded and may
//! be anything, so nothing here indexes blindly: an unreadable line is simply
//! not a finding.

mod body;
mod export;
pub mod input;
mod patterns;

use super::{Category, Finding};
use crate::mask::mask_shapes;
use export::export;
use patterns::{AWS, CONN, PLAIN, TITLES};

/// Longest quote kept from one line: enough to recognise it, short enough
/// that a payload dump cannot flood the report.
const QUOTE_MAX: usize = 360;

struct Hit {
    id: &'static str,
    /// What makes two hits of one id the same problem (a variable name, a
    /// status and message): repeats fold into one finding.
    key: String,
    title: String,
    /// Placeholder values for the catalogue's fix text.
    values: Vec<(&'static str, String)>,
}

impl Hit {
    /// Fills a placeholder of the id's fix text, as a check would.
    fn with(mut self, name: &'static str, value: impl Into<String>) -> Hit {
        self.values.push((name, value.into()));
        self
    }
}

fn first_match(m: &str, table: &[(&'static str, &[&str])]) -> Option<&'static str> {
    let found = table
        .iter()
        .find(|(_, needles)| needles.iter().any(|n| m.contains(n)));
    found.map(|r| r.0)
}

/// The longest start of `s` whose characters all pass `f`.
fn lead(s: &str, f: impl Fn(char) -> bool) -> &str {
    &s[..s.find(|c| !f(c)).unwrap_or(s.len())]
}

/// A hit for `id` (or `id/variant`, falling back to the bare id's row).
fn hit(id: &str, key: impl Into<String>, detail: &str) -> Option<Hit> {
    let base = id.split('/').next().unwrap_or(id);
    let row = |want: &str| TITLES.iter().find(|r| r.0 == want);
    let &(full, title) = row(id).or_else(|| row(base))?;
    Some(Hit {
        id: full.split('/').next().unwrap_or(full),
        key: key.into(),
        title: title.replace("{}", detail),
        values: Vec::new(),
    })
}

/// Findings for the known lines of `text`, each quoting its line and number.
pub fn scan(text: &str, source: &str) -> Vec<Finding> {
    // Newer exporters log a bare "Not Found"; a doubled path anywhere in the
    // same output (a urllib3 debug line, a retry message) says why.
    let doubled = text.contains("/v1/traces/v1/traces");
    let mut seen: Vec<(Hit, usize, String, usize)> = Vec::new();
    let (mut frame, mut after_header) = (None, false);
    for (i, raw) in text.split('\n').enumerate() {
        let line = clean(raw);
        let msg = strip_stamp(strip_prefix(&line));
        // Tracebacks and warnings echo the source line, indented, below their
        // header; that echo is code (`raise SegmentNotFoundException(…)`).
        let echo = std::mem::replace(&mut after_header, false) && msg.starts_with([' ', '\t']);
        if let Some(f) = traceback_frame(msg) {
            frame = Some(f);
            after_header = true;
            continue;
        }
        after_header = msg.contains(".py:") && msg.contains("Warning: ");
        let found = if echo {
            None
        } else {
            classify(msg, doubled, frame.as_deref())
        };
        let Some(h) = found else { continue };
        match seen.iter_mut().find(|s| s.0.id == h.id && s.0.key == h.key) {
            Some(s) => s.3 += 1,
            None => seen.push((h, i + 1, quote(&line), 1)),
        }
    }
    seen.into_iter()
        .map(|(h, line, quote, count)| {
            let mut title = mask_shapes(&h.title);
            if count > 1 {
                title.push_str(&format!(" (seen {count} times, first at line {line})"));
            }
            let mut f = Finding::new(h.id, title)
                .at(source, Some(line))
                .evidence(quote);
            for (name, value) in h.values {
                f = f.fill(name, mask_shapes(&value));
            }
            f.category = Category::Logs;
            f
        })
        .collect()
}

fn classify(m: &str, doubled: bool, frame: Option<&str>) -> Option<Hit> {
    if let Some(id) = first_match(m, PLAIN) {
        return hit(id, "", "");
    }
    if let Some(kind) = first_match(m, CONN).filter(|_| m.contains("host='api.rollbar.com'")) {
        return hit("rollbar-unreachable", kind, kind);
    }
    otel_setup(m, frame)
        .or_else(|| compose_unset(m))
        .or_else(|| aws(m))
        .or_else(|| export(m, doubled))
}

fn otel_setup(m: &str, frame: Option<&str>) -> Option<Hit> {
    if let Some(rest) = after(m, "Header format invalid!") {
        let ends = ["specification: ", "occurrences: ", "URL encoded: "];
        let entry = ends.iter().find_map(|t| after(rest, t)).map(str::trim);
        let entry = entry.unwrap_or("");
        return hit("otel-headers-malformed", entry, entry);
    }
    if m.contains("has no attribute 'before_first_request'") {
        let at = frame.map(|f| format!(" ({f})")).unwrap_or_default();
        return hit("flask-before-first-request", "", &at);
    }
    if let Some(c) = between(m, "Requested component '", "' not found in entry point") {
        let group = between(after(m, "entry point")?, "'", "'")?;
        let signal = group
            .strip_prefix("opentelemetry_")?
            .strip_suffix("_exporter")?;
        let found = hit(
            "requirements-exporter-mismatch",
            format!("{c} {group}"),
            &format!("`{c}` {signal}"),
        )?;
        // `otlp_proto_grpc` comes from opentelemetry-exporter-otlp-proto-grpc.
        return Some(match c.strip_prefix("otlp_proto_") {
            Some(kind) => found.with(
                "package",
                format!("opentelemetry-exporter-otlp-proto-{kind}"),
            ),
            None => found,
        });
    }
    let p = between(m, "Unsupported OTLP protocol '", "'")?;
    hit("otel-protocol-mismatch", p, p)
}

/// Compose v2 `The "X" variable…` (TTY and logfmt, whose quotes are
/// backslash-escaped) and v1 `WARNING: The X variable…`.
fn compose_unset(m: &str) -> Option<Hit> {
    let (before, _) = m.split_once(" variable is not set. Defaulting to a blank string")?;
    let name = |c: char| !(c.is_ascii_alphanumeric() || c == '_');
    let var = before.trim_end_matches(['"', '\\']).rsplit(name).next()?;
    let breaks = match var {
        "" => return None,
        "HONEYCOMB_API_KEY" => {
            ": the x-honeycomb-team header goes out empty and Honeycomb rejects every span"
        }
        "ROLLBAR_ACCESS_TOKEN" => {
            ": rollbar.init() gets an empty token and nothing reaches Rollbar"
        }
        v if v.starts_with("AWS_") => ": X-Ray and CloudWatch get no credentials or region",
        _ => "",
    };
    Some(hit("compose-var-unset", var, &format!("`${{{var}}}`{breaks}"))?.with("var", var))
}

fn aws(m: &str) -> Option<Hit> {
    let kind = first_match(m, AWS);
    if let Some(reason) = after(m, "Failed to deliver logs:").map(str::trim) {
        let h = hit(
            "aws-credentials-missing/watchtower",
            kind.unwrap_or(reason),
            reason,
        )?;
        return Some(aws_vars(h, kind.unwrap_or_default()));
    }
    let kind = kind?;
    Some(aws_vars(
        hit(&format!("aws-credentials-missing/{kind}"), kind, "")?,
        kind,
    ))
}

/// The variables a missing region or missing credentials are.
fn aws_vars(h: Hit, kind: &str) -> Hit {
    match kind {
        "region" => h.with("var", "AWS_DEFAULT_REGION"),
        "credentials" => h.with("var", "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"),
        _ => h,
    }
}

/// `File "/backend-flask/app.py", line 95, in <module>` → `/backend-flask/app.py line 95`.
fn traceback_frame(m: &str) -> Option<String> {
    let rest = m.trim_start().strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let line = lead(rest.strip_prefix(", line ")?, |c| c.is_ascii_digit());
    Some(format!("{path} line {line}"))
}

/// ANSI colour sequences removed, other control characters shown as `\xNN`
/// (a raw protobuf body printed as text keeps its bytes readable that way).
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\x1b', Some('[')) => {
                chars.next();
                while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {}
            }
            ('\x1b', Some(']')) => while chars.next().is_some_and(|c| c != '\x07') {},
            (c, _) if c != '\t' && c.is_ascii_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// The message after a compose prefix such as `backend-flask-1  | `.
fn strip_prefix(line: &str) -> &str {
    let t = line.trim_start();
    let name = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
        .unwrap_or(0);
    match t[name..].trim_start_matches(' ').strip_prefix('|') {
        Some(rest) if name > 0 => rest.strip_prefix(' ').unwrap_or(rest),
        _ => line,
    }
}

/// The message after `docker compose logs --timestamps`' RFC 3339 stamp.
fn strip_stamp(m: &str) -> &str {
    match m.split_once(' ') {
        Some((t, rest))
            if t.len() >= 20 && t.ends_with('Z') && t.contains('T') && t.as_bytes()[4] == b'-' =>
        {
            rest
        }
        _ => m,
    }
}

/// The line as shown: secrets masked first, so a cut never leaves part of
/// a key readable.
fn quote(line: &str) -> String {
    let masked = mask_shapes(line.trim_end());
    match masked.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &masked[..i]),
        None => masked,
    }
}

fn after<'a>(s: &'a str, pat: &str) -> Option<&'a str> {
    s.find(pat).map(|i| &s[i + pat.len()..])
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let rest = after(s, open)?;
    rest.find(close).map(|i| &rest[..i])
}

#[cfg(test)]
mod tests;
