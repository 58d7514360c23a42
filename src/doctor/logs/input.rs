//! Reading `--logs` with bounded memory: the input may be a pipe that never
//! ends (`docker compose logs -f`, `/dev/zero`), so it is read line by line,
//! each line cut at [`MAX_LINE_BYTES`], and reading stops after
//! [`MAX_INPUT_BYTES`]. What was cut or left unread is said, never hidden.

use std::io::{self, BufRead, BufReader, Read};

/// Longest line kept: a log line worth recognising is far shorter, and a
/// payload dump only needs its start to be quoted.
pub const MAX_LINE_BYTES: usize = 8 * 1024;
/// Most input read: hours of a chatty backend's output.
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

pub struct LogInput {
    /// The kept lines, lossily decoded, each ending in `\n`.
    pub text: String,
    /// Lines longer than [`MAX_LINE_BYTES`], cut there.
    pub cut_lines: usize,
    /// Reading stopped at [`MAX_INPUT_BYTES`] with input left.
    pub stopped_early: bool,
}

impl LogInput {
    pub fn notes(&self, source: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.cut_lines > 0 {
            out.push(format!(
                "--logs {source}: {} line(s) longer than {} KiB were cut to their first {} KiB",
                self.cut_lines,
                MAX_LINE_BYTES / 1024,
                MAX_LINE_BYTES / 1024
            ));
        }
        if self.stopped_early {
            out.push(format!(
                "--logs {source}: only the first {} MiB were read; the rest was not scanned (pass the part that matters, e.g. `docker compose logs --tail 2000`)",
                MAX_INPUT_BYTES / (1024 * 1024)
            ));
        }
        out
    }
}

pub fn read_bounded(input: impl Read) -> io::Result<LogInput> {
    read_limited(input, MAX_INPUT_BYTES)
}

fn read_limited(input: impl Read, max_input: u64) -> io::Result<LogInput> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let mut out = LogInput {
        text: String::new(),
        cut_lines: 0,
        stopped_early: false,
    };
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut cut = false;
    let mut consumed: u64 = 0;
    let finish_line = |line: &mut Vec<u8>, cut: &mut bool, out: &mut LogInput| {
        out.text.push_str(&String::from_utf8_lossy(line));
        out.text.push('\n');
        out.cut_lines += usize::from(*cut);
        line.clear();
        *cut = false;
    };
    loop {
        if consumed >= max_input {
            out.stopped_early = !reader.fill_buf()?.is_empty();
            break;
        }
        let chunk = match reader.fill_buf() {
            Ok([]) => break,
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let budget = usize::try_from(max_input - consumed).unwrap_or(usize::MAX);
        let chunk = &chunk[..chunk.len().min(budget)];
        let (part, newline) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        let room = MAX_LINE_BYTES - line.len();
        if part.len() > room {
            line.extend_from_slice(&part[..room]);
            cut = true;
        } else {
            line.extend_from_slice(part);
        }
        let used = part.len() + usize::from(newline);
        reader.consume(used);
        consumed += used as u64;
        if newline {
            finish_line(&mut line, &mut cut, &mut out);
        }
    }
    if !line.is_empty() || cut {
        finish_line(&mut line, &mut cut, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_and_long_ones_cut() {
        let long = "x".repeat(MAX_LINE_BYTES * 3);
        let text = format!("first\r\n{long}\nlast without newline");
        let got = read_bounded(text.as_bytes()).unwrap();
        assert!(got.text.starts_with("first\r\n"));
        let lines: Vec<&str> = got.text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].len(), MAX_LINE_BYTES);
        assert_eq!(lines[2], "last without newline");
        assert_eq!((got.cut_lines, got.stopped_early), (1, false));
        assert!(got.notes("stdin")[0].contains("1 line(s) longer than 8 KiB"));
    }

    #[test]
    fn an_endless_stream_stops_at_the_input_cap() {
        let got = read_limited(io::repeat(0), 1 << 20).unwrap();
        assert!(got.stopped_early);
        assert_eq!(got.cut_lines, 1);
        assert!(got.text.len() <= MAX_LINE_BYTES + 1);
        let notes = got.notes("stdin").join("\n");
        assert!(notes.contains("only the first 32 MiB"), "{notes}");
        // Exactly at the cap with nothing left is not "stopped early".
        let exact = read_limited(io::repeat(b'\n').take(4096), 4096).unwrap();
        assert!(!exact.stopped_early);
        assert_eq!(exact.text.len(), 4096);
    }
}
