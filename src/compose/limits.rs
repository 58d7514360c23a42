//! What is admitted to the YAML parsers: a compose file is a few KiB, so a
//! file of megabytes or brackets nested thousands deep is refused before any
//! parser sees it (both parsers' time grows badly with either), with a
//! message that says what to fix. A UTF-8 byte order mark, which docker
//! compose accepts, is removed first.

use super::ComposeError;
use std::path::Path;

/// Largest compose file read: real ones are under 100 KiB.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting of flow collections (`[`, `{`) and block indentation
/// levels; compose files rarely pass 8.
pub const MAX_DEPTH: usize = 64;

const BOM: char = '\u{feff}';

/// The text to parse: `text` without a leading BOM, or why it is refused.
pub fn admit(path: &Path, mut text: String) -> Result<String, ComposeError> {
    let refuse = |message: String, detail: String, line: Option<usize>| ComposeError {
        id: "compose-invalid",
        message,
        detail: Some(detail),
        path: Some(path.to_path_buf()),
        line,
        column: None,
    };
    let shown = path.display();
    check_size(path, text.len() as u64)?;
    if text.starts_with(BOM) {
        text.drain(..BOM.len_utf8());
    }
    if let Some(line) = too_deep(&text) {
        let what = format!(
            "nested more than {MAX_DEPTH} levels deep; no compose file needs that. Fix the file (unbalanced brackets?) and run again"
        );
        return Err(refuse(format!("{shown}:{line}: {what}"), what, Some(line)));
    }
    Ok(text)
}

/// Refuses a compose file of `len` bytes over [`MAX_BYTES`].
pub fn check_size(path: &Path, len: u64) -> Result<(), ComposeError> {
    if len <= MAX_BYTES as u64 {
        return Ok(());
    }
    let what = format!(
        "{:.1} MiB; compose files this tool reads are at most {} MiB. Is -f pointing at the compose file?",
        len as f64 / (1024.0 * 1024.0),
        MAX_BYTES / (1024 * 1024)
    );
    Err(ComposeError {
        id: "compose-invalid",
        message: format!("{} is {what}", path.display()),
        detail: Some(format!("the file is {what}")),
        path: Some(path.to_path_buf()),
        line: None,
        column: None,
    })
}

/// [`check_size`] from the size on disk, before anything is read: a huge
/// file is never loaded. A file that cannot be examined is left to the reader.
pub fn check_size_on_disk(path: &Path) -> Result<(), ComposeError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => check_size(path, meta.len()),
        _ => Ok(()),
    }
}

/// The 1-based line where nesting first passes [`MAX_DEPTH`], if it does.
///
/// A linear scan, not a parser: flow brackets are counted outside quotes and
/// comments (and outside block scalars' text), and block depth is the number
/// of distinct indentations open. It errs towards admitting: anything it
/// misreads is left to the real parser.
fn too_deep(text: &str) -> Option<usize> {
    let mut flow = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    // Inside a `|`/`>` block scalar: its lines are text, indented past this.
    let mut block_scalar: Option<usize> = None;
    let mut quote: Option<char> = None;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if let Some(parent) = block_scalar {
            if content.is_empty() || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if quote.is_none() && flow == 0 && !content.is_empty() && !content.starts_with('#') {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
            if indents.len() > MAX_DEPTH {
                return Some(n + 1);
            }
        }
        // Block context: brackets and quotes open a node only where a node
        // starts (line start, after `- `, `? `, `: `); inside a plain scalar
        // (`command: echo a[1]`) they are text.
        let (mut at_token, mut plain, mut prev) = (true, false, ' ');
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let next_is_blank = chars.peek().is_none_or(|n| n.is_whitespace());
            let comment = c == '#' && prev.is_whitespace();
            prev = c;
            if let Some(q) = quote {
                match c {
                    '\\' if q == '"' => {
                        chars.next();
                    }
                    '\'' if q == '\'' && chars.peek() == Some(&'\'') => {
                        chars.next();
                    }
                    c if c == q => {
                        quote = None;
                        at_token = false;
                    }
                    _ => {}
                }
                continue;
            }
            if comment {
                break;
            }
            if flow > 0 {
                match c {
                    '"' | '\'' if at_token => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        if flow > MAX_DEPTH {
                            return Some(n + 1);
                        }
                        at_token = true;
                    }
                    ']' | '}' => {
                        flow -= 1;
                        at_token = false;
                        plain = false;
                    }
                    ',' | ':' => at_token = true,
                    c if c.is_whitespace() => {}
                    _ => at_token = false,
                }
                continue;
            }
            match c {
                ':' if next_is_blank => {
                    plain = false;
                    at_token = true;
                }
                _ if plain || c.is_whitespace() => {}
                '-' | '?' if at_token && next_is_blank => {}
                '"' | '\'' if at_token => quote = Some(c),
                '[' | '{' if at_token => {
                    flow = 1;
                    at_token = true;
                }
                _ if at_token => {
                    plain = true;
                    at_token = false;
                }
                _ => {}
            }
        }
        if quote.is_none() && flow == 0 && ends_with_block_indicator(content) {
            block_scalar = Some(indent);
        }
    }
    None
}

/// `key: |`, `- >-`, `run: |2` …: the following more-indented lines are text.
fn ends_with_block_indicator(content: &str) -> bool {
    let content = content.split(" #").next().unwrap_or(content).trim_end();
    let last = content.rsplit([' ', '\t']).next().unwrap_or("");
    let mut it = last.chars();
    matches!(it.next(), Some('|' | '>'))
        && it.all(|c| matches!(c, '-' | '+' | '1'..='9'))
        && (content.len() == last.len()
            || content[..content.len() - last.len()]
                .trim_end()
                .ends_with([':', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admit_str(s: &str) -> Result<String, ComposeError> {
        admit(Path::new("docker-compose.yml"), s.to_string())
    }

    #[test]
    fn bom_is_removed_and_ordinary_files_pass() {
        let text = "services:\n  web:\n    image: \"nginx\" # it's [fine\n    command: [\"sh\", \"-c\", \"echo a[1] {x}\"]\n    healthcheck:\n      test: |\n        [ -f /x ] && echo '{{{{\n        [[[[[[\n    labels: {a: [1, [2, {b: 3}]]}\n";
        assert_eq!(admit_str(&format!("\u{feff}{text}")).unwrap(), text);
        assert_eq!(too_deep(text), None);
    }

    #[test]
    fn deep_nesting_and_huge_files_are_refused_fast() {
        let brackets = format!(
            "services:\n  a:\n    environment: {}{}\n",
            "[".repeat(400_000),
            "]".repeat(400_000)
        );
        let start = std::time::Instant::now();
        let e = admit_str(&brackets).unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert!(e.message.contains("nested more than 64"), "{}", e.message);
        assert_eq!((e.id, e.line), ("compose-invalid", Some(3)));

        let mut deep = String::from("services:\n");
        for i in 1..100 {
            deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert!(admit_str(&deep).unwrap_err().message.contains("nested"));

        let huge = "#".repeat(MAX_BYTES + 1);
        let e = admit_str(&huge).unwrap_err();
        assert!(e.message.contains("at most 4 MiB"), "{}", e.message);
    }
}
