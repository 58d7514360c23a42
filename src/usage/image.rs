//! The backend image as its Dockerfile builds it: instructions (continuations
//! and heredocs joined), the final stage's CMD, ENTRYPOINT and ENV, and the
//! base image it starts from.

/// One Dockerfile instruction with continuations and heredocs joined.
pub struct Instruction {
    pub keyword: String,
    pub args: String,
    pub line: usize,
}

/// A command as written in one place (CMD, ENTRYPOINT or compose).
#[derive(Clone)]
pub struct Cmd {
    /// Argv words, each split again on whitespace so that a `sh -c "…"`
    /// string shows the programs it starts.
    pub words: Vec<String>,
    pub text: String,
    pub file: String,
    pub line: Option<usize>,
}

impl Cmd {
    pub fn runs(&self, program: &str) -> bool {
        self.words
            .iter()
            .any(|w| w == program || w.ends_with(&format!("/{program}")))
    }

    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }
}

#[derive(Clone, Default)]
struct Stage {
    name: Option<String>,
    entry: Option<Cmd>,
    cmd: Option<Cmd>,
    env: Vec<(String, String, usize)>,
}

pub struct Image {
    pub display: String,
    /// The final stage's base image as written (`python:3.10-slim-buster`,
    /// or an earlier stage's name).
    pub base: String,
    pub instructions: Vec<Instruction>,
    pub entry: Option<Cmd>,
    pub cmd: Option<Cmd>,
    env: Vec<(String, String, usize)>,
}

impl Image {
    pub fn parse(display: String, text: &str) -> Image {
        let instructions = instructions(text);
        let mut stages: Vec<Stage> = Vec::new();
        let mut stage_bases: Vec<String> = Vec::new();
        let mut stage = Stage::default();
        for ins in &instructions {
            let cmd = || Cmd {
                words: argv(&ins.args),
                text: format!("{} {}", ins.keyword, ins.args),
                file: display.clone(),
                line: Some(ins.line),
            };
            match ins.keyword.as_str() {
                "FROM" => {
                    let words: Vec<&str> = ins
                        .args
                        .split_whitespace()
                        .filter(|w| !w.starts_with("--"))
                        .collect();
                    let base = words.first().copied().unwrap_or_default();
                    stage_bases.push(base.to_string());
                    let name = match words.as_slice() {
                        [_, r#as, name, ..] if r#as.eq_ignore_ascii_case("as") => {
                            Some(name.to_string())
                        }
                        _ => None,
                    };
                    // A stage built on an earlier one inherits its command
                    // and environment; an external base image's are unknown.
                    let parent = stages
                        .iter()
                        .rev()
                        .find(|s| s.name.as_deref() == Some(base));
                    let next = Stage {
                        name,
                        ..parent.cloned().unwrap_or_default()
                    };
                    stages.push(std::mem::replace(&mut stage, next));
                }
                "CMD" => stage.cmd = Some(cmd()),
                "ENTRYPOINT" => stage.entry = Some(cmd()),
                "ENV" => {
                    for (k, v) in env_pairs(&ins.args) {
                        stage.env.retain(|(n, _, _)| *n != k);
                        stage.env.push((k, v, ins.line));
                    }
                }
                _ => {}
            }
        }
        Image {
            display,
            base: stage_bases.last().cloned().unwrap_or_default(),
            instructions,
            entry: stage.entry,
            cmd: stage.cmd,
            env: stage.env,
        }
    }

    /// The last `WORKDIR` (relative paths in commands start there).
    pub fn workdir(&self) -> Option<String> {
        self.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == "WORKDIR")
            .map(|i| i.args.trim().trim_end_matches('/').to_string())
    }

    /// `ENV` of the final stage: (value, line).
    pub fn env(&self, name: &str) -> Option<(&str, usize)> {
        self.env
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, l)| (v.as_str(), *l))
    }
}

/// Joins `\` continuations (or the `# escape=` character), drops comment
/// lines as the builder does, and appends heredoc bodies to their line.
pub fn instructions(text: &str) -> Vec<Instruction> {
    let lines: Vec<&str> = text.lines().collect();
    let escape = escape_char(&lines);
    let skippable = |l: &str| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        i += 1;
        if skippable(lines[start]) {
            continue;
        }
        let mut logical = String::new();
        let mut current = lines[start].trim();
        loop {
            match current.trim_end().strip_suffix(escape) {
                Some(head) => {
                    logical.push_str(head);
                    logical.push(' ');
                    while i < lines.len() && skippable(lines[i]) {
                        i += 1;
                    }
                    let Some(next) = lines.get(i) else { break };
                    current = next;
                    i += 1;
                }
                None => {
                    logical.push_str(current.trim_end());
                    break;
                }
            }
        }
        for word in heredoc_words(&logical) {
            while let Some(line) = lines.get(i) {
                i += 1;
                if line.trim() == word {
                    break;
                }
                logical.push('\n');
                logical.push_str(line);
            }
        }
        let (keyword, args) = logical
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((logical.trim(), ""));
        out.push(Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args: args.trim().to_string(),
            line: start + 1,
        });
    }
    out
}

/// The `# escape=` parser directive, only valid before the first instruction.
fn escape_char(lines: &[&str]) -> char {
    for line in lines {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        if let Some((k, v)) = directive.split_once('=') {
            if k.trim().eq_ignore_ascii_case("escape") {
                if let Some(c) = v.trim().chars().next() {
                    return c;
                }
            }
        }
    }
    '\\'
}

/// Terminators of `<<EOF`, `<<-"EOF"` heredocs, in order.
fn heredoc_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("<<") {
        rest = &rest[at + 2..];
        let word: String = rest
            .trim_start_matches('-')
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// Exec form (a JSON array) or shell form.
fn argv(args: &str) -> Vec<String> {
    let raw = match serde_json::from_str::<Vec<String>>(args.trim()) {
        Ok(words) => words,
        Err(_) => vec![args.to_string()],
    };
    split_words(&raw)
}

pub(super) fn split_words(raw: &[String]) -> Vec<String> {
    raw.iter()
        .flat_map(|w| w.split_whitespace())
        .map(|w| w.trim_matches(['"', '\'']).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `ENV A=1 B="two words"` or the legacy `ENV A value with spaces`.
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let tokens = shell_tokens(args);
    match tokens.first() {
        Some(first) if first.contains('=') => tokens
            .iter()
            .filter_map(|t| t.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        Some(first) => {
            let value = args.trim()[first.len()..].trim();
            vec![(first.clone(), value.trim_matches(['"', '\'']).to_string())]
        }
        None => Vec::new(),
    }
}

/// Whitespace-separated tokens with quotes removed but respected.
fn shell_tokens(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote) = (Vec::new(), String::new(), None);
    let mut started = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                started = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    out
}
