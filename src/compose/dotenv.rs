//! The project `.env` file as docker compose v2 (compose-go v2.13 `dotenv`)
//! reads it, and an editor that changes one value and keeps every other
//! byte, since users keep comments and secrets they care about there.
//!
//! Compose's rules, the surprising ones included:
//! - `KEY=value` or `KEY: value`, maybe after `export `; blanks around the
//!   key and before the value go; keys hold letters, digits and `_.-[]`;
//! - blank lines, and lines whose first non-blank is `#`, are skipped;
//! - a bare value ends at the line's end or its first ` #` (so `a#b` and
//!   `a\t#b` keep theirs, and `KEY= # note` is `# note`), right-trimmed;
//! - `'...'` is literal (only `\'` is unescaped) and may span lines;
//! - `"..."` may span lines, knows `\n \r \t \a \b \f \v \" \\ \$` and `\0`
//!   with three octal digits, and keeps other backslashes;
//! - after a closing quote, the line may go on with a comment or even
//!   another statement;
//! - a line with only `KEY` makes compose copy KEY from its own
//!   environment, if set there; such lines are not entries here;
//! - a later entry for a key overrides an earlier one;
//! - a UTF-8 byte order mark at the start is skipped (compose-go's
//!   `ParseWithLookup` trims it; python-dotenv's reader does too), and kept
//!   by `set`, which edits the text around it.
//!
//! Compose then interpolates bare and double-quoted values (`${OTHER}` is an
//! earlier entry or the environment). This module does not: `value` is the
//! text before that step, and `literal` says whether it happens.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    pub key: String,
    /// Unquoted and unescaped, not interpolated (`\$` in double quotes is
    /// therefore `$$` here, which interpolation turns into `$`).
    pub value: String,
    /// 1-based line of the key.
    pub line: usize,
    /// Single-quoted: compose uses `value` as is. Otherwise compose
    /// interpolates it first.
    pub literal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DotenvParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, ".env line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DotenvParseError {}

/// Every entry in file order, duplicates included (the last one wins in
/// compose).
pub fn parse(text: &str) -> Result<Vec<DotenvEntry>, DotenvParseError> {
    let mut found = Vec::new();
    scan(text, &mut found)?;
    Ok(found.into_iter().map(|f| f.entry).collect())
}

/// The entry compose would use for `key`: the last one.
pub fn get(text: &str, key: &str) -> Result<Option<DotenvEntry>, DotenvParseError> {
    Ok(parse(text)?.into_iter().rev().find(|e| e.key == key))
}

/// Returns the new text with `key` set to `value`, meaning the value the
/// container gets: `$` in `value` is literal.
///
/// The last entry for `key` has its value replaced in place, so `export `,
/// the separator, a trailing `# comment` and the line ending stay; if that
/// entry already yields `value`, `text` comes back unchanged. Otherwise
/// `KEY=value` is appended, after a line ending if the text lacks a final
/// one, and ended with the file's dominant line ending (LF when it has
/// none). In a file that does not parse, only entries before the error are
/// found, and an unterminated quote swallows an appended line.
pub fn set(text: &str, key: &str, value: &str) -> String {
    debug_assert!(key.chars().all(is_key_char) && !key.is_empty());
    let mut found = Vec::new();
    let _ = scan(text, &mut found);
    if let Some(f) = found.iter().rev().find(|f| f.entry.key == key) {
        if effective_value(&f.entry).as_deref() == Some(value) {
            return text.to_string();
        }
        // A bare value would swallow whatever else is on the line, unless
        // that is a ` #` comment after a non-empty value.
        let rest = &text[f.value.end..];
        let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let after = rest.trim_start_matches(is_space);
        let comment = after.starts_with('#') && rest[..rest.len() - after.len()].ends_with(' ');
        let force = !after.is_empty() && (!comment || value.is_empty());
        let (head, tail) = (&text[..f.value.start], &text[f.value.end..]);
        return [head, &quote(value, force), tail].concat();
    }
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    let eol = if crlf > lf { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.trim_start_matches(BOM).is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    [out.as_str(), key, "=", &quote(value, false), eol].concat()
}

const BOM: char = '\u{feff}';

/// `text` with the value of every entry whose key `is_secret` replaced by a
/// short masked prefix, line for line: a value spanning lines leaves as many
/// lines behind, so a diff of the raw texts can show the masked ones. Past a
/// parse error, any `NAME=` / `NAME:` line with a secret name is masked.
pub fn mask_values(text: &str, is_secret: impl Fn(&str) -> bool) -> String {
    let mut found = Vec::new();
    let error = scan(text, &mut found).err();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in &found {
        if f.entry.value.is_empty() || !is_secret(&f.entry.key) {
            continue;
        }
        let span = &text[f.value.clone()];
        out.push_str(&text[last..f.value.start]);
        out.push_str(&masked(&f.entry.value));
        for _ in 0..span.matches('\n').count() {
            out.push_str("\n…");
        }
        last = f.value.end;
    }
    let Some(error) = error else {
        out.push_str(&text[last..]);
        return out;
    };
    let line_start = text
        .split_inclusive('\n')
        .take(error.line - 1)
        .map(str::len)
        .sum::<usize>()
        .max(last);
    out.push_str(&text[last..line_start]);
    for line in text[line_start..].split_inclusive('\n') {
        out.push_str(&mask_line(line, &is_secret));
    }
    out
}

/// A masked value: a short prefix, enough to tell two keys apart. A
/// placeholder such as `<your-api-key>` is no secret and stays readable.
fn masked(value: &str) -> String {
    if value.starts_with('<') && value.ends_with('>') && !value.contains('\n') {
        return value.to_string();
    }
    crate::mask::mask(value.lines().next().unwrap_or_default())
}

/// One line of a file that does not parse: `NAME=value` with a secret name
/// keeps `NAME=` and loses the value.
fn mask_line(line: &str, is_secret: &impl Fn(&str) -> bool) -> String {
    let body = line.trim_start();
    let body = body
        .strip_prefix("export")
        .filter(|r| r.starts_with(is_space))
        .map_or(body, str::trim_start);
    let name_len = body.find(|c| !is_key_char(c)).unwrap_or(body.len());
    let rest = body[name_len..].trim_start_matches(is_space);
    if name_len == 0 || !rest.starts_with(['=', ':']) || !is_secret(&body[..name_len]) {
        return line.to_string();
    }
    let sep = line.len() - rest.len() + 1;
    let keep = sep + (line[sep..].len() - line[sep..].trim_start_matches(is_space).len());
    let eol = &line[line.trim_end_matches(['\r', '\n']).len()..];
    let value = line[keep..].trim_end_matches(['\r', '\n']).trim();
    if value.is_empty() {
        return line.to_string();
    }
    format!("{}{}{eol}", &line[..keep], masked(value))
}

/// [`set`] for a file the tool is about to write: a text that does not
/// parse is refused (editing it could swallow the new line into an open
/// quote), and the result is re-read to prove `key` has `value` and every
/// other entry is as it was.
pub fn try_set(text: &str, key: &str, value: &str) -> Result<String, DotenvParseError> {
    let before = parse(text)?;
    let after = set(text, key, value);
    let fail = |message: String| {
        DotenvParseError {
        line: 0,
        message: format!("internal check failed after editing ({message}); .env was left as it was. Please report this"),
    }
    };
    let parsed = parse(&after).map_err(|e| fail(e.to_string()))?;
    let others = |es: &[DotenvEntry]| -> Vec<(String, String)> {
        es.iter()
            .filter(|e| e.key != key)
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    };
    if others(&parsed) != others(&before) {
        return Err(fail("another entry changed".into()));
    }
    let last = parsed.iter().rev().find(|e| e.key == key);
    if last.and_then(effective_value).as_deref() != Some(value) {
        return Err(fail(format!("{key} does not read back as set")));
    }
    Ok(after)
}

struct Found {
    entry: DotenvEntry,
    /// Bytes to replace on `set`: the quotes included; for an empty
    /// unquoted value, the empty range right after the separator.
    value: Range<usize>,
}

/// compose-go's `isSpace`: blanks that are not line breaks.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphabetic() || c.is_numeric()
}

fn skip_space(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c| !is_space(c))
        .map_or(text.len(), |i| from + i)
}

fn line_of(text: &str, at: usize) -> usize {
    1 + text[..at].matches('\n').count()
}

/// Statement by statement, like compose-go's parser, so that its quirks
/// (a statement after a closing quote) come out the same. `found` keeps
/// what came before an error, for `set`.
fn scan(text: &str, found: &mut Vec<Found>) -> Result<(), DotenvParseError> {
    let fail = |at, message| DotenvParseError {
        line: line_of(text, at),
        message,
    };
    let mut pos = if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    while let Some(start) = text[pos..]
        .find(|c: char| !c.is_whitespace())
        .map(|i| pos + i)
    {
        if text[start..].starts_with('#') {
            pos = text[start..].find('\n').map_or(text.len(), |i| start + i);
            continue;
        }
        let mut k = start;
        // Go's `^export\s+`, where `\s` is `[\t\n\f\r ]`.
        let gap = text
            .as_bytes()
            .get(start + 6)
            .is_some_and(|c| b"\t\n\x0c\r ".contains(c));
        if gap && text[start..].starts_with("export") {
            k = skip_space(text, start + 6);
            if k == text.len() {
                return Err(fail(start, "`export` without a variable".into()));
            }
        }
        // A lone name on the last line: compose-go would set the empty name
        // to it; it is read here like a lone name on any other line.
        let Some(sep) = text[k..].find(|c| !is_space(c) && !is_key_char(c)) else {
            break;
        };
        let sep = k + sep;
        let sep_char = text[sep..].chars().next().unwrap_or_default();
        if !matches!(sep_char, '=' | ':' | '\n') {
            let message = format!("unexpected character {sep_char:?} in variable name");
            return Err(fail(sep, message));
        }
        let key = text[k..sep].trim_end();
        if key.contains(' ') {
            return Err(fail(k, format!("key {key:?} cannot contain a space")));
        }
        if sep_char == '\n' {
            pos = sep + 1;
            continue;
        }
        if key.is_empty() {
            return Err(fail(
                sep,
                format!("missing variable name before {sep_char:?}"),
            ));
        }
        let v = skip_space(text, sep + 1);
        let (value, span, literal) = match text[v..].chars().next() {
            Some(q @ ('\'' | '"')) => {
                let Some((raw, close)) = quoted(text, v + 1, q) else {
                    return Err(fail(v, "unterminated quoted value".into()));
                };
                pos = close + 1;
                let value = if q == '"' { unescape(&raw) } else { raw };
                (value, v..close + 1, q == '\'')
            }
            _ => {
                pos = text[v..].find('\n').map_or(text.len(), |i| v + i);
                let line = &text[v..pos];
                let value = line[..line.find(" #").unwrap_or(line.len())].trim_end();
                let at = if value.is_empty() { sep + 1 } else { v };
                (value.to_string(), at..at + value.len(), false)
            }
        };
        let (key, line) = (key.to_string(), line_of(text, k));
        let entry = DotenvEntry {
            key,
            value,
            line,
            literal,
        };
        found.push(Found { entry, value: span });
    }
    Ok(())
}

/// compose-go's quote scan: a backslash before the quote drops out, any
/// other backslash stays for `unescape`. Returns the text and the closing
/// quote's offset.
fn quoted(text: &str, from: usize, quote: char) -> Option<(String, usize)> {
    let mut raw = String::new();
    let mut escaped = false;
    for (i, c) in text[from..].char_indices() {
        if escaped {
            escaped = false;
            if c != quote {
                raw.push('\\');
            }
            raw.push(c);
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Some((raw, from + i));
        } else {
            raw.push(c);
        }
    }
    None
}

/// compose-go's `expandEscapes`: the escapes of
/// `\\(?:[abcfnrtv$"\\]|0\d{0,3})`, each resolved by Go's `UnquoteChar`,
/// and kept as written where that fails.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(off) = s[i..].find('\\') {
        let p = i + off;
        out.push_str(&s[i..p]);
        let c = s.as_bytes().get(p + 1).copied().unwrap_or_default();
        i = p + 2;
        if let Some(k) = b"abfnrtv".iter().position(|&x| x == c) {
            out.push(['\x07', '\x08', '\x0c', '\n', '\r', '\t', '\x0b'][k]);
        } else if c == b'$' {
            // Left for interpolation, which turns `$$` into `$`.
            out.push_str("$$");
        } else if c == b'"' || c == b'\\' {
            out.push(char::from(c));
        } else if c == b'0' {
            let digits = s[i..]
                .bytes()
                .take(3)
                .take_while(u8::is_ascii_digit)
                .count();
            let ds = &s[i..i + digits];
            i += digits;
            // Go sees `\ddd`: exactly three octal digits, at most 0o377.
            match u32::from_str_radix(ds, 8) {
                Ok(n) if digits == 3 && n <= 0o377 => out.extend(char::from_u32(n)),
                _ => out.extend(['\\'].into_iter().chain(ds.chars())),
            }
        } else {
            // Not an escape (`\c` is matched, but Go cannot unquote it).
            out.push('\\');
            i = p + 1;
        }
    }
    out.push_str(&s[i..]);
    out
}

/// What compose makes of the entry when that does not depend on the
/// environment: `None` if interpolation would look something up.
fn effective_value(e: &DotenvEntry) -> Option<String> {
    if e.literal {
        return Some(e.value.clone());
    }
    let (v, mut out, mut i) = (e.value.as_str(), String::new(), 0);
    while let Some(off) = v[i..].find('$') {
        let p = i + off;
        out.push_str(&v[i..=p]);
        i = match v.as_bytes().get(p + 1) {
            Some(b'$') => p + 2,
            Some(&c) if c == b'{' || c == b'_' || c.is_ascii_alphabetic() => return None,
            _ => p + 1,
        };
    }
    out.push_str(&v[i..]);
    Some(out)
}

/// The shortest safe spelling: bare when compose reads it back unchanged
/// (and quotes are not `forced`), else single quotes (literal), else double
/// quotes with escapes.
fn quote(value: &str, forced: bool) -> String {
    let bare = |c: char| !c.is_whitespace() && !matches!(c, '#' | '\'' | '"' | '$');
    if !forced && value.chars().all(bare) {
        return value.to_string();
    }
    // An odd run of trailing backslashes would escape the closing quote.
    let trailing = value.len() - value.trim_end_matches('\\').len();
    if !value.contains(['\'', '\n', '\r']) && trailing.is_multiple_of(2) {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' | '"' | '$' => out.extend(['\\', c]),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[path = "dotenv_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "dotenv_props.rs"]
mod props;
