//! Named placeholders in a catalogue fix text: `{service}`, `{file}`,
//! `{var}`, `{package}`, `{requirements}`. A check fills what it knows; what
//! it does not know reads as a generic phrase, so a raw `{name}` never
//! reaches a user. `${VAR}` (compose) and `{...}` that is not a bare
//! lowercase name are text, not placeholders.

pub struct Placeholder {
    pub name: &'static str,
    /// How a given value is shown: `{}` stands for the value.
    pub shown: &'static str,
    /// What the text says when no value is given (docs, explain, a check
    /// that did not fill it).
    pub default: &'static str,
}

pub const NAMES: &[Placeholder] = &[
    Placeholder {
        name: "service",
        shown: "the `{}` service",
        default: "the service named in the finding",
    },
    Placeholder {
        name: "file",
        shown: "`{}`",
        default: "the file named in the finding",
    },
    Placeholder {
        name: "var",
        shown: "`{}`",
        default: "the variable named in the finding",
    },
    Placeholder {
        name: "package",
        shown: "`{}`",
        default: "the package named in the finding",
    },
    Placeholder {
        name: "requirements",
        shown: "`{}`",
        default: "the requirements file",
    },
];

/// The placeholder names in `text`, in order: every `{name}` with `name` a
/// lowercase word, not preceded by `$`. Unknown names are included, so a
/// test can refuse them.
pub fn names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let at = offset + open;
        let after = &rest[open + 1..];
        let word_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        let dollar = at > 0 && text.as_bytes()[at - 1] == b'$';
        if word_len > 0 && after[word_len..].starts_with('}') && !dollar {
            out.push(&after[..word_len]);
        }
        offset = at + 1;
        rest = &text[offset..];
    }
    out
}

/// `template` with each known placeholder replaced: by its value from
/// `values` when given, else by its generic phrase.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for p in NAMES {
        let tag = format!("{{{}}}", p.name);
        if !out.contains(&tag) {
            continue;
        }
        let with = match values.iter().find(|(n, _)| *n == p.name) {
            Some((_, v)) => p.shown.replace("{}", v),
            None => p.default.to_string(),
        };
        out = replace_unescaped(&out, &tag, &with);
    }
    out
}

/// Replaces `tag` wherever it is not preceded by `$`.
fn replace_unescaped(text: &str, tag: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(tag) {
        out.push_str(&rest[..i]);
        if out.ends_with('$') {
            out.push_str(tag);
        } else {
            out.push_str(with);
        }
        rest = &rest[i + tag.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skips_compose_variables_and_non_words() {
        let t = "set {var} in `${HONEYCOMB_API_KEY}`, `${env:X}`, {x-y: 1}, {} and {service}";
        assert_eq!(names(t), ["var", "service"]);
    }

    #[test]
    fn fill_uses_values_then_defaults() {
        let t = "add {package} to {requirements}, then rebuild {service}";
        assert_eq!(
            fill(t, &[("package", "blinker"), ("service", "backend-flask")]),
            "add `blinker` to the requirements file, then rebuild the `backend-flask` service"
        );
        assert!(names(&fill(t, &[])).is_empty());
    }

    #[test]
    fn fill_leaves_a_dollar_brace_alone() {
        assert_eq!(
            fill("${file} and {file}", &[("file", "a")]),
            "${file} and `a`"
        );
    }
}
