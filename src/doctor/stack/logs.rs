//! Container logs, read through the same classifier as `doctor --logs`:
//! why a stopped container stopped, and what the running backend's
//! exporters have been failing at since it started.

use super::containers::Container;
use super::engine::{Engine, EngineError};
use super::{Outcome, StackInput};
use crate::doctor::logs::scan;
use crate::doctor::Finding;
use crate::mask::mask_shapes;

/// Lines read from a stopped container: enough for a traceback.
const TAIL_STOPPED: usize = 60;
/// Lines read from the running backend since its start.
const TAIL_RUNNING: usize = 2000;
/// Last lines quoted when no known line explains a stop.
const QUOTED: usize = 3;
/// Words of an export failure the classifier may not have a name for.
const EXPORT_MARKERS: [&str; 3] = [
    "Failed to export",
    "Exception while exporting",
    "while exporting",
];

fn fetch(engine: &Engine, c: &Container, query: &str) -> Result<String, EngineError> {
    let raw = engine.raw(
        "GET",
        &format!("/containers/{}/logs?stdout=1&stderr=1&{query}", c.id),
        None,
    )?;
    let framed = raw.len() >= 8 && raw[0] <= 2 && raw[1..4] == [0, 0, 0];
    Ok(if c.tty || !framed {
        String::from_utf8_lossy(&raw).into_owned()
    } else {
        interleave(&raw)
    })
}

/// The frames' payloads in arrival order, stdout and stderr together
/// (a container without a TTY gets its output multiplexed).
fn interleave(raw: &[u8]) -> String {
    let mut text = Vec::new();
    let mut rest = raw;
    while rest.len() >= 8 {
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = (8 + len).min(rest.len());
        text.extend_from_slice(&rest[8..end]);
        rest = &rest[end..];
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// Classified findings with the line as evidence, attributed to the container.
fn classify(text: &str, c: &Container) -> Vec<Finding> {
    let source = format!("docker logs {}", c.name);
    scan(text, &source)
        .into_iter()
        .map(|mut f| {
            let line = f.evidence.take().unwrap_or_default();
            f.evidence = Some(format!("{source}: {line}"));
            // Line numbers count from the start of the lines fetched, which
            // means nothing to the reader: keep only the count.
            if let Some(at) = f.title.rfind(", first at line ") {
                f.title.replace_range(at.., ")");
            }
            f.file = None;
            f.line = None;
            f
        })
        .collect()
}

/// What the last lines of a stopped container say: classified findings, and
/// the last few lines as they are (masked).
pub fn last_lines(
    engine: &Engine,
    c: &Container,
) -> Result<(Vec<Finding>, Vec<String>), EngineError> {
    let text = fetch(engine, c, &format!("tail={TAIL_STOPPED}"))?;
    let causes = classify(&text, c);
    let mut tail: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .rev()
        .take(QUOTED)
        .map(mask_shapes)
        .collect();
    tail.reverse();
    Ok((causes, tail))
}

/// Export failures (and other known failures) the running backend logged
/// since it last started, under their own ids; an export failure the
/// classifier cannot name is `container-export-failing`.
pub fn export_failures(engine: &Engine, input: &StackInput, c: &Container) -> Outcome {
    let since = unix_seconds(&c.started_at)
        .map(|s| format!("&since={s}"))
        .unwrap_or_default();
    let text = match fetch(engine, c, &format!("tail={TAIL_RUNNING}{since}")) {
        Ok(t) => t,
        Err(e) => return Outcome::Unsure(e.to_string()),
    };
    let mut found = classify(&text, c);
    let unnamed = text
        .lines()
        .filter(|l| EXPORT_MARKERS.iter().any(|m| l.contains(m)))
        .find(|l| scan(l, "").is_empty());
    if let Some(line) = unnamed {
        let quoted: String = mask_shapes(line.trim()).chars().take(360).collect();
        found.push(
            Finding::new(
                "container-export-failing",
                format!(
                    "the running {} container fails to export telemetry: no span of these reaches the backend's vendor",
                    input.backend.name
                ),
            )
            .evidence(format!("docker logs {}: {quoted}", c.name))
            .fill("command", format!("docker logs {}", c.name)),
        );
    }
    Outcome::Found(found)
}

/// `2026-12-01T18:55:22.418054807Z` → seconds since the epoch (UTC only,
/// as the engine writes it).
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let (date, time) = rfc3339.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time = time.strip_suffix('Z')?;
    let mut t = time.split(':');
    let (h, min) = (
        t.next()?.parse::<i64>().ok()?,
        t.next()?.parse::<i64>().ok()?,
    );
    let sec: i64 = t.next()?.split('.').next()?.parse().ok()?;
    if y < 1970 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + h * 3600 + min * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_timestamps_become_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        // `date -d 2026-12-01T18:55:22Z +%s`
        assert_eq!(
            unix_seconds("2026-12-01T18:55:22.418054807Z"),
            Some(1_796_151_322)
        );
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        // Never started.
        assert_eq!(unix_seconds("0001-01-01T00:00:00Z"), None);
        assert_eq!(unix_seconds("garbage"), None);
    }

    #[test]
    fn frames_interleave_in_arrival_order() {
        let mut raw = Vec::new();
        for (s, t) in [(1u8, "a\n"), (2, "b\n"), (1, "c\n")] {
            raw.extend([s, 0, 0, 0]);
            raw.extend((t.len() as u32).to_be_bytes());
            raw.extend(t.as_bytes());
        }
        assert_eq!(interleave(&raw), "a\nb\nc\n");
    }
}
