//! Error bodies in export failures: Python bytes reprs, protobuf Status, JSON, plain text.

use super::between;

/// The readable message of an error body: a Python `b'…'` (or raw) protobuf
/// google.rpc.Status, a JSON `{"message": …}`, or plain text.
pub(super) fn decode_reason(r: &str) -> String {
    let r = r.trim();
    // A body printed raw reaches here with its control bytes as `\xNN` (clean).
    let literal = bytes_literal(r).or_else(|| r.starts_with("\\x").then_some(r));
    let text = match literal.map(unescape) {
        Some(b) => status_message(&b).unwrap_or_else(|| printable_runs(&b)),
        None => between(r, "\"message\":", "\"}")
            .map(|v| v.trim().trim_start_matches('"').to_string())
            .unwrap_or_else(|| r.to_string()),
    };
    // An HTML error page is a possible body; a title needs only its start.
    text.chars().take(200).collect()
}

fn bytes_literal(r: &str) -> Option<&str> {
    let (q, rest) = match r.strip_prefix("b'") {
        Some(rest) => ('\'', rest),
        None => ('"', r.strip_prefix("b\"")?),
    };
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == q => return Some(&rest[..i]),
            _ => {}
        }
    }
    Some(rest)
}

/// Python's bytes repr escapes: `\xNN`, `\n`, `\t`, `\r`, `\\`, `\'`, `\"`.
fn unescape(s: &str) -> Vec<u8> {
    let (b, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let hex = b
            .get(i + 2..i + 4)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        let (v, n) = match (b[i], b.get(i + 1)) {
            (b'\\', Some(b'n')) => (b'\n', 2),
            (b'\\', Some(b't')) => (b'\t', 2),
            (b'\\', Some(b'r')) => (b'\r', 2),
            (b'\\', Some(&c @ (b'\\' | b'\'' | b'"'))) => (c, 2),
            (b'\\', Some(b'x')) if hex.is_some() => (hex.unwrap_or(0), 4),
            (c, _) => (c, 1),
        };
        out.push(v);
        i += n;
    }
    out
}

/// Field 2 (message) of a google.rpc.Status, only if the whole body parses.
fn status_message(b: &[u8]) -> Option<String> {
    let (mut i, mut msg) = (0, None);
    while i < b.len() {
        let (tag, n) = varint(b.get(i..)?)?;
        i += n;
        let (v, n) = varint(b.get(i..)?)?;
        i += n;
        match tag & 7 {
            0 => {}
            2 => {
                let end = i.checked_add(usize::try_from(v).ok()?)?;
                let field = b.get(i..end)?;
                if tag >> 3 == 2 {
                    msg = Some(String::from_utf8(field.to_vec()).ok()?);
                }
                i = end;
            }
            _ => return None,
        }
    }
    msg.filter(|m| !m.trim().is_empty())
}

fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &c) in b.iter().enumerate().take(10) {
        v |= u64::from(c & 0x7f) << (7 * i);
        if c < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

/// Fallback for a body that is not a clean Status (cut short, or framed
/// differently): the human-readable stretches of it.
fn printable_runs(b: &[u8]) -> String {
    let runs = b
        .split(|c| !(0x20..0x7f).contains(c))
        .filter(|r| r.len() >= 4);
    runs.map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::decode_reason;

    #[test]
    fn status_bodies_decode_from_every_framing() {
        let cases = [
            (
                r"b'\x08\x10\x12=unknown API key - check your credentials, region, and API URL'",
                "unknown API key - check your credentials, region, and API URL",
            ),
            (
                r#"b"\x08\x10\x12!missing 'x-honeycomb-team' header""#,
                "missing 'x-honeycomb-team' header",
            ),
            // A wrong length byte: the readable part is still found.
            (
                r"b'\x08\x10\x12\x1bmissing \'x-honeycomb-team\' header'",
                "missing 'x-honeycomb-team' header",
            ),
            (r"b'\n\x10...unknown API key...'", "...unknown API key..."),
            ("Unauthorized", "Unauthorized"),
            (r#"{"message":"unknown API key"}"#, "unknown API key"),
            (r"b'", ""),
            (r"b'\x", ""),
            (r"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", ""),
        ];
        for (reason, want) in cases {
            assert_eq!(decode_reason(reason), want, "{reason}");
        }
    }
}
