//! Docker Compose variable interpolation as compose v2 does it (compose-go
//! v2.13 `template`), not as a POSIX shell would: the two differ exactly in
//! the corners users trip over, and a diagnosis must say what compose does.
//!
//! Compose v2 behaviours reproduced here, each surprising in its own way:
//! - `${A-b}` is a default, so `${OTEL-SERVICE-NAME}` is `OTEL` with the
//!   default `SERVICE-NAME`, not a variable with dashes in its name;
//! - a `$` not followed by `$`, `{` or a name start is kept as written;
//! - an operator's word is expanded only when it is used, so a broken or
//!   `:?` expression inside an unused default raises nothing;
//! - a braced expression with an operator ends at the first `}` that
//!   balances the `{`s before it (every `{` counts, not only `${`), and
//!   cannot run past the end of its line.

use std::fmt;
use std::ops::Range;

/// One variable lookup made while resolving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    /// The lookup found the variable, maybe set to the empty string.
    pub set: bool,
    /// Set, but empty: `${X:-d}` treats this like unset, `${X-d}` does not.
    pub empty: bool,
    /// The operator's word (a default, or a `+` alternative) replaced the
    /// variable's own value.
    pub used_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    /// Every lookup, in order, repeats included. Words of operators that were
    /// not used are not expanded, so their variables are not listed.
    pub uses: Vec<VarUse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolateError {
    /// `${NAME:?message}` or `${NAME?message}` found no usable value.
    Required { name: String, message: String },
    /// `offset` is the byte offset, in the whole input, of the `$` that
    /// starts the malformed expression.
    Syntax { offset: usize, message: String },
}

impl fmt::Display for InterpolateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Compose's own wording, so users can search for it.
            Self::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            Self::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
            Self::Syntax { offset, message } => {
                write!(
                    f,
                    "invalid interpolation format at byte {offset}: {message}"
                )
            }
        }
    }
}

impl std::error::Error for InterpolateError {}

/// Resolves `input` with `lookup` (`None` means unset).
pub fn interpolate(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, InterpolateError> {
    let mut resolver = Resolver {
        lookup,
        uses: Vec::new(),
    };
    let value = resolver.substitute(input, 0)?;
    Ok(Interpolated {
        value,
        uses: resolver.uses,
    })
}

/// Names referenced anywhere in `input` (also inside defaults), in order,
/// deduplicated, without resolving anything. Malformed expressions are
/// skipped rather than reported: `interpolate` is the one to report them.
pub fn referenced_names(input: &str) -> Vec<String> {
    let mut names = Vec::new();
    collect_names(input, &mut names);
    names
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Default,
    Alternative,
    Required,
}

#[derive(Debug, Clone, Copy)]
struct Op {
    kind: Kind,
    /// The `:` forms treat a set-but-empty variable like an unset one.
    colon: bool,
}

enum Token {
    /// A `$` that stays, from `$$` (2 bytes) or a lone `$` (1 byte).
    Dollar(usize),
    /// `$NAME` or `${NAME...}`; `op` carries the operator and its word.
    Var {
        name: Range<usize>,
        op: Option<(Op, Range<usize>)>,
        end: usize,
    },
    Invalid(&'static str),
}

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn name_end(b: &[u8], from: usize) -> usize {
    let len = b[from..]
        .iter()
        .take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric());
    from + len.count()
}

/// Classifies the `$` at byte `p` of `t` the way compose-go's pattern
/// match followed by its brace split does.
fn token_at(t: &str, p: usize) -> Token {
    let b = t.as_bytes();
    match b.get(p + 1) {
        Some(b'$') => Token::Dollar(2),
        Some(&c) if is_name_start(c) => {
            let end = name_end(b, p + 1);
            Token::Var {
                name: p + 1..end,
                op: None,
                end,
            }
        }
        Some(b'{') => braced(t, p),
        _ => Token::Dollar(1),
    }
}

fn braced(t: &str, p: usize) -> Token {
    let b = t.as_bytes();
    let start = p + 2;
    if !b.get(start).is_some_and(|&c| is_name_start(c)) {
        return Token::Invalid("`${` must be followed by a variable name");
    }
    let name = start..name_end(b, start);
    if b.get(name.end) == Some(&b'}') {
        let end = name.end + 1;
        return Token::Var {
            name,
            op: None,
            end,
        };
    }
    let colon = b.get(name.end) == Some(&b':');
    let kind_at = name.end + usize::from(colon);
    let kind = match b.get(kind_at) {
        None => return Token::Invalid("unterminated `${`"),
        Some(b'-') => Kind::Default,
        Some(b'+') => Kind::Alternative,
        Some(b'?') => Kind::Required,
        Some(_) => return Token::Invalid("expected `}` or an operator after the name"),
    };
    let word = kind_at + 1;
    // Go's `.` stops at a newline, so compose's greedy `(.*)}` reaches the
    // last `}` of the line, and the brace count then cuts it back.
    let line_end = t[word..].find('\n').map_or(t.len(), |i| word + i);
    let Some(last) = t[word..line_end].rfind('}').map(|i| word + i) else {
        return Token::Invalid("missing `}` on the same line");
    };
    let close = first_closing_brace(&b[p..=last]).map_or(last, |i| p + i);
    let op = Some((Op { kind, colon }, word..close));
    Token::Var {
        name,
        op,
        end: close + 1,
    }
}

/// compose-go's `getFirstBraceClosingIndex`, quirks included: any `{`
/// opens, and the byte after it is never looked at.
fn first_closing_brace(s: &[u8]) -> Option<usize> {
    let mut depth = 0i32;
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        } else if s[i] == b'{' {
            depth += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

struct Resolver<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    uses: Vec<VarUse>,
}

impl Resolver<'_> {
    /// `base` is where `t` starts in the caller's input, so that syntax
    /// errors inside defaults point into the original text.
    fn substitute(&mut self, t: &str, base: usize) -> Result<String, InterpolateError> {
        let mut out = String::with_capacity(t.len());
        let mut i = 0;
        while let Some(off) = t[i..].find('$') {
            let p = i + off;
            out.push_str(&t[i..p]);
            let (name, op, end) = match token_at(t, p) {
                Token::Dollar(len) => {
                    out.push('$');
                    i = p + len;
                    continue;
                }
                Token::Var { name, op, end } => (&t[name], op, end),
                Token::Invalid(message) => {
                    let message = message.to_string();
                    return Err(InterpolateError::Syntax {
                        offset: base + p,
                        message,
                    });
                }
            };
            i = end;
            let value = (self.lookup)(name);
            self.uses.push(VarUse {
                name: name.to_string(),
                set: value.is_some(),
                empty: value.as_deref() == Some(""),
                used_default: false,
            });
            let at = self.uses.len() - 1;
            let own = value.as_deref().unwrap_or("");
            let Some((op, word)) = op else {
                out.push_str(own);
                continue;
            };
            let present = value.is_some() && !(op.colon && own.is_empty());
            match (op.kind, present) {
                (Kind::Default, false) | (Kind::Alternative, true) => {
                    self.uses[at].used_default = true;
                    out.push_str(&self.substitute(&t[word.clone()], base + word.start)?);
                }
                (Kind::Required, false) => {
                    let message = self.substitute(&t[word.clone()], base + word.start)?;
                    let name = name.to_string();
                    return Err(InterpolateError::Required { name, message });
                }
                // Also `${X:+alt}` with X empty or unset: X's own value.
                _ => out.push_str(own),
            }
        }
        out.push_str(&t[i..]);
        Ok(out)
    }
}

fn collect_names(t: &str, names: &mut Vec<String>) {
    let mut i = 0;
    while let Some(off) = t[i..].find('$') {
        let p = i + off;
        i = match token_at(t, p) {
            Token::Dollar(len) => p + len,
            Token::Invalid(_) => p + 1,
            Token::Var { name, op, end } => {
                if !names.iter().any(|n| *n == t[name.clone()]) {
                    names.push(t[name].to_string());
                }
                if let Some((_, word)) = op {
                    collect_names(&t[word], names);
                }
                end
            }
        };
    }
}

#[cfg(test)]
#[path = "interpolate_tests.rs"]
mod tests;
