//! Masking secrets in everything the tool prints.
//!
//! Two layers: values the tool knows are secret (the key it was given, the
//! token read from `.env`) are replaced wherever they occur, and anything that
//! has the shape of a Honeycomb key or a Rollbar token is masked even when the
//! tool did not know about it (a literal key pasted into a compose file).

/// A short, recognisable prefix of a secret: enough to tell two keys apart,
/// too little to use.
pub fn mask(secret: &str) -> String {
    let keep = if secret.chars().count() >= 16 { 6 } else { 2 };
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}…")
}

/// Masks the given secrets and any key-shaped token in `text`.
pub fn mask_text(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    // Shorter values are too likely to be ordinary words of the output.
    for s in secrets.iter().filter(|s| s.len() >= 8) {
        out = out.replace(*s, &mask(s));
    }
    mask_shapes(&out)
}

/// Masks tokens that look like Honeycomb keys (`hc?ik_…`/`hc?ic_…`, 64 chars),
/// 32-hex classic keys and Rollbar tokens, and 40-char AWS secret keys after
/// `AWS_SECRET_ACCESS_KEY`.
pub fn mask_shapes(text: &str) -> String {
    let unmasked = mask_url_credentials(text);
    let text = unmasked.as_str();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // Bytes, not chars: the boundaries are ASCII, and a byte of a
        // multi-byte char is never one of these.
        let start = rest
            .bytes()
            .position(|c| c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .bytes()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'+')))
            .unwrap_or(rest.len());
        let word = &rest[..end];
        if is_secret_shaped(word, &out) {
            out.push_str(&mask(word));
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out
}

/// Credentials in URLs (`https://user:pass@host`): the password becomes
/// `****`; a lone user part (often a token) keeps only a short prefix.
pub fn mask_url_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| "/?#\"'<>`,;".contains(c) || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(i) if i > 0 => {
                let userinfo = &authority[..i];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":****");
                    }
                    None => out.push_str(&mask(userinfo)),
                }
                out.push_str(&authority[i..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn is_secret_shaped(word: &str, before: &str) -> bool {
    let b = word.as_bytes();
    let lower_alnum = |s: &[u8]| {
        s.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if b.len() == 64 && b.starts_with(b"hc") && (b[3..6] == *b"ik_" || b[3..6] == *b"ic_") {
        return lower_alnum(&b[6..]);
    }
    // 32 hex digits is also a trace id, so only mask it where a key or token is named.
    if b.len() == 32 && b.iter().all(|c| c.is_ascii_hexdigit()) {
        let from = before.char_indices().rev().nth(39).map_or(0, |(i, _)| i);
        let ctx = before[from..].to_lowercase();
        return ["token", "key", "team"].iter().any(|w| ctx.contains(w));
    }
    // The v1 environment keys of 2022–2023: 22–23 alphanumerics mixing
    // upper case, lower case and digits (ids and words of that length don't).
    if (22..=23).contains(&b.len())
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
    {
        return true;
    }
    let tail = before.trim_end_matches([' ', '=', ':', '"', '\'']);
    // Whatever is given as the key's header is the key, whatever its shape.
    // (The end of the text only: lowering all of `before` for every word
    // made masking a long text quadratic.)
    const HEADER: &[u8] = b"x-honeycomb-team";
    let t = tail.as_bytes();
    if b.len() >= 8
        && t.len() >= HEADER.len()
        && t[t.len() - HEADER.len()..].eq_ignore_ascii_case(HEADER)
    {
        return true;
    }
    // AWS secret keys have no prefix of their own; mask them by their variable name.
    b.len() == 40 && tail.ends_with("AWS_SECRET_ACCESS_KEY")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8";

    #[test]
    fn v1_keys_and_whatever_follows_the_team_header_are_masked() {
        let v1 = "aB3dE5fG7hI9jK1lM3nO5p";
        let out = mask_shapes(&format!("key {v1} rejected"));
        assert!(!out.contains(v1) && out.contains("aB3dE5…"), "{out}");
        let out = mask_shapes("x-honeycomb-team=Zq3weirdvalue7 sent");
        assert!(!out.contains("Zq3weirdvalue7"), "{out}");
        let out = mask_shapes("header x-honeycomb-team: zz9weirdvalue");
        assert!(!out.contains("zz9weirdvalue"), "{out}");
        // Ids, words and hex of that length stay.
        for plain in [
            "NotificationsActivities",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "opentelemetry_instrumen",
            "span 00f067aa0ba902b7",
        ] {
            assert_eq!(mask_shapes(plain), plain);
        }
    }

    #[test]
    fn masks_known_and_shaped_secrets() {
        assert_eq!(KEY.len(), 64);
        let line = format!("x-honeycomb-team={KEY},other=1");
        let masked = mask_shapes(&line);
        assert!(!masked.contains(KEY));
        assert!(
            masked.starts_with("x-honeycomb-team=hcaik_…,other=1"),
            "{masked}"
        );
        let token = "0123456789abcdef0123456789abcdef";
        assert!(!mask_shapes(&format!("ROLLBAR_ACCESS_TOKEN={token}")).contains(token));
        assert!(!mask_shapes(&format!("x-honeycomb-team: {token}")).contains(token));
        let trace = format!("trace?trace_id={token}");
        assert_eq!(mask_shapes(&trace), trace);
        let aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert!(!mask_shapes(&format!("AWS_SECRET_ACCESS_KEY: \"{aws}\"")).contains(aws));
        assert!(mask_shapes(&format!("OTHER: {aws}")).contains(aws));
        let custom = "my-own-secret-value";
        assert_eq!(mask_text(&format!("k={custom}"), &[custom]), "k=my-own…");
    }

    #[test]
    fn masks_credentials_in_urls() {
        let t = "posted to https://bob:hunter2-secret@proxy.example:8080/v1/traces and http://tok3nvalue1234@h/x";
        let m = mask_shapes(t);
        assert!(!m.contains("hunter2"), "{m}");
        assert!(!m.contains("tok3nvalue1234"), "{m}");
        assert!(
            m.contains("https://bob:****@proxy.example:8080/v1/traces"),
            "{m}"
        );
        assert!(m.contains("http://to…@h/x"), "{m}");
        // An @ after the path is not a credential.
        let plain = "see https://example.com/a@b and mailto:x@y";
        assert_eq!(mask_shapes(plain), plain);
    }

    #[test]
    fn boundaries_of_the_prefix_and_of_what_counts() {
        assert_eq!(mask("0123456789abcdef"), "012345…");
        assert_eq!(mask("0123456789abcde"), "01…");
        assert_eq!(mask_text("pw abcdefgh.", &["abcdefgh"]), "pw ab….");
        assert_eq!(mask_text("pw abcdefg.", &["abcdefg"]), "pw abcdefg.");
        let out = mask_shapes("x-honeycomb-team=Ab3dEf7h end");
        assert_eq!(out, "x-honeycomb-team=Ab… end");
        assert_eq!(
            mask_shapes("x-honeycomb-team=Ab3dEf7 end"),
            "x-honeycomb-team=Ab3dEf7 end"
        );
        // A 64-character key of the right prefix but with upper case is not
        // an ingest key; a 39-character AWS value is not a secret key.
        let upper = format!("hcaik_{}", "A".repeat(58));
        assert_eq!(mask_shapes(&upper), upper);
        let aws39 = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE";
        assert_eq!(mask_shapes(aws39), aws39);
        // Ingest and configuration keys of the 2024 shape are masked on their
        // own; the same length with another prefix is not a key.
        for kind in ["ik", "ic"] {
            let key = format!("hc{}{kind}_{}", "a", "0".repeat(58));
            assert_eq!(key.len(), 64);
            assert_eq!(
                mask_shapes(&format!("key {key} rejected")),
                format!("key hca{kind}_… rejected")
            );
        }
        let other = format!("hcaxx_{}", "0".repeat(58));
        assert_eq!(mask_shapes(&other), other);
        // An empty user part is no credential.
        assert_eq!(mask_shapes("http://@host/x"), "http://@host/x");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let text = "OTEL_SERVICE_NAME: backend-flask # a comment, https://api.honeycomb.io";
        assert_eq!(mask_shapes(text), text);
        assert_eq!(mask_shapes("ünïcode ok"), "ünïcode ok");
    }

    /// Words are cut at the same places next to multi-byte characters, and
    /// the header rule reads only the end of a long text before the value,
    /// in any case.
    #[test]
    fn words_next_to_multibyte_text_and_after_a_long_text() {
        let key = "Ab3dEf7hIj9kLm1nOp2qRs"; // 22: mixed case and digits
        assert_eq!(mask_shapes(&format!("ü{key}é")), "üAb3dEf…é");
        let long = "ordinary words, ünïcode too; ".repeat(2_000);
        let text = format!("{long}X-Honeycomb-Team: zz9weirdvalue end");
        let out = mask_shapes(&text);
        assert!(out.starts_with(&long), "the text before is kept");
        assert!(
            out.ends_with("X-Honeycomb-Team: zz… end"),
            "{}",
            &out[long.len()..]
        );
    }
}
