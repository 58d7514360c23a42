//! Named placeholders in a catalogue fix text: `{service}`, `{file}`,
//! `{var}`, `{package}`, `{requirements}`, `{value}`, `{command}`. A check
//! fills what it knows; what it does not know reads as a generic phrase, so a
//! raw `{name}` never reaches a user.
//!
//! `{name|words}` gives one use its own generic phrase: "Set `{var}` …" reads
//! badly unfilled, `{var|each variable the finding names}` does not. `${VAR}`
//! (compose) and `{...}` that is not a bare lowercase name are text, not
//! placeholders.

pub struct Placeholder {
    pub name: &'static str,
    /// How a given value is shown: `{}` stands for the value.
    pub shown: &'static str,
    /// What the text says when no value is given (docs, explain, a check
    /// that did not fill it) and the use has no phrase of its own.
    pub default: &'static str,
    /// A value of several names, `A, B`, is shown name by name (`` `A`, `B` ``).
    pub list: bool,
}

pub const NAMES: &[Placeholder] = &[
    Placeholder {
        name: "service",
        shown: "the `{}` service",
        default: "the service named in the finding",
        list: false,
    },
    Placeholder {
        name: "file",
        shown: "`{}`",
        default: "the file named in the finding",
        list: false,
    },
    Placeholder {
        name: "var",
        shown: "`{}`",
        default: "the variable named in the finding",
        list: true,
    },
    Placeholder {
        name: "package",
        shown: "`{}`",
        default: "the package named in the finding",
        list: true,
    },
    Placeholder {
        name: "requirements",
        shown: "`{}`",
        default: "the requirements file",
        list: false,
    },
    // The exact text to write: a URL, a name, a line of code or YAML.
    Placeholder {
        name: "value",
        shown: "`{}`",
        default: "the value the finding gives",
        list: false,
    },
    // The exact command to run here (`docker-compose` for a v1 project,
    // with the `-f`/`-p` the containers were started with).
    Placeholder {
        name: "command",
        shown: "`{}`",
        default: "the command the finding gives",
        list: false,
    },
];

/// One placeholder use in a text: where it is, its name, its own phrase.
struct Use<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    phrase: Option<&'a str>,
}

/// Every `{name}` and `{name|phrase}` with `name` a lowercase word, not
/// preceded by `$`.
fn uses(text: &str) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        from = open + 1;
        let after = &text[open + 1..];
        let word_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        let dollar = open > 0 && text.as_bytes()[open - 1] == b'$';
        if word_len == 0 || dollar {
            continue;
        }
        let name = &after[..word_len];
        let rest = &after[word_len..];
        let (phrase, len) = if rest.starts_with('}') {
            (None, word_len + 1)
        } else if let Some(p) = rest.strip_prefix('|') {
            // The phrase may hold braces of its own (`${VAR}`), paired.
            match closing(p) {
                Some(close) => (Some(&p[..close]), word_len + 1 + close + 1),
                None => continue,
            }
        } else {
            continue;
        };
        out.push(Use {
            start: open,
            end: open + 1 + len,
            name,
            phrase,
        });
        from = open + 1 + len;
    }
    out
}

/// Where the `}` that closes a phrase is: the first one not paired with a
/// `{` of the phrase itself.
fn closing(phrase: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in phrase.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The placeholder names in `text`, in order. Unknown names are included,
/// so a test can refuse them.
pub fn names(text: &str) -> Vec<&str> {
    uses(text).into_iter().map(|u| u.name).collect()
}

/// The phrases uses give themselves (`{var|this phrase}`), for tests.
pub fn phrases(text: &str) -> Vec<&str> {
    uses(text).into_iter().filter_map(|u| u.phrase).collect()
}

/// A value as its placeholder shows it.
fn show(p: &Placeholder, value: &str) -> String {
    if p.list && value.contains(", ") {
        let each: Vec<String> = value
            .split(", ")
            .map(|v| p.shown.replace("{}", v))
            .collect();
        each.join(", ")
    } else {
        p.shown.replace("{}", value)
    }
}

/// `template` with each known placeholder replaced: by its value from
/// `values` when given, else by the use's own phrase, else the generic one.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut at = 0;
    for u in uses(template) {
        let Some(p) = NAMES.iter().find(|p| p.name == u.name) else {
            continue;
        };
        out.push_str(&template[at..u.start]);
        match values.iter().find(|(n, _)| *n == p.name) {
            Some((_, v)) => out.push_str(&show(p, v)),
            None => out.push_str(u.phrase.unwrap_or(p.default)),
        }
        at = u.end;
    }
    out.push_str(&template[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skips_compose_variables_and_non_words() {
        let t = "set {var} in `${HONEYCOMB_API_KEY}`, `${env:X}`, {x-y: 1}, {} and {service}";
        assert_eq!(names(t), ["var", "service"]);
        let t = "{value|the URL} then {command|`docker compose up -d`} but ${file|x} and {a|b";
        assert_eq!(names(t), ["value", "command"]);
        assert_eq!(phrases(t), ["the URL", "`docker compose up -d`"]);
        // A phrase may hold a compose reference, braces and all.
        let t = "add {value|`TOKEN: \"${TOKEN}\"`} to {service}";
        assert_eq!(names(t), ["value", "service"]);
        assert_eq!(
            fill(t, &[]),
            "add `TOKEN: \"${TOKEN}\"` to the service named in the finding"
        );
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
    fn a_use_may_bring_its_own_phrase() {
        let t =
            "set {var|each variable the finding names}, then run {command|`docker compose up -d`}";
        assert_eq!(
            fill(t, &[]),
            "set each variable the finding names, then run `docker compose up -d`"
        );
        assert_eq!(
            fill(
                t,
                &[("var", "A, B"), ("command", "docker-compose up -d api")]
            ),
            "set `A`, `B`, then run `docker-compose up -d api`"
        );
    }

    #[test]
    fn fill_leaves_a_dollar_brace_alone() {
        assert_eq!(
            fill("${file} and {file}", &[("file", "a")]),
            "${file} and `a`"
        );
    }

    #[test]
    fn only_list_placeholders_split_a_value() {
        assert_eq!(fill("{value}", &[("value", "a, b")]), "`a, b`");
        assert_eq!(fill("{package}", &[("package", "a, b")]), "`a`, `b`");
    }
}
