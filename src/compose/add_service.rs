//! Adding a whole service (the xray-daemon) to `services:`, as text spliced
//! after the last service so every other byte stays; the indentation copies
//! the file's own, and the result is re-read to prove nothing else moved.

use super::ComposeFile;
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::str::FromStr;
use yaml_edit::Document;

/// `render(indent, step, eol)` returns the service's lines. `Ok(None)` when a
/// service of that name exists already.
pub fn add_service(
    path: &Path,
    text: &str,
    name: &str,
    render: fn(&str, &str, &str) -> String,
) -> Result<Option<String>> {
    let before = ComposeFile::parse(path, text.to_string())?;
    if before.service(name).is_some() {
        return Ok(None);
    }
    let doc =
        Document::from_str(text).map_err(|e| anyhow!("{}: cannot edit: {e}", path.display()))?;
    let services = doc
        .as_mapping()
        .and_then(|m| m.get_mapping("services"))
        .ok_or_else(|| anyhow!("{}: `services:` is not a mapping", path.display()))?;
    if services.is_flow_style() {
        bail!(
            "{}: `services:` is written in flow style ({{...}}); add the {name} service by hand",
            path.display()
        );
    }
    let keys: Vec<_> = services.keys().collect();
    let (Some(first), Some(last_entry)) = (keys.first(), services.entries().last()) else {
        bail!("{}: `services:` is empty", path.display());
    };
    let column = |offset: usize| offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let first_start = first.byte_range().start as usize;
    let indent = " ".repeat(column(first_start));
    // One nesting step: how far the first service's own keys sit from it.
    let first_svc = services.get_mapping(super::edit::node_text(first).as_str());
    let step = first_svc
        .and_then(|m| m.keys().next())
        .map(|k| column(k.byte_range().start as usize).saturating_sub(indent.len()))
        .filter(|s| *s > 0)
        .unwrap_or(2);
    let step = " ".repeat(step);

    // The entry's range may take in the blank lines after it; the new service
    // goes right after its last character, leaving those lines below.
    let end = text[..last_entry.byte_range().end as usize]
        .trim_end()
        .len();
    let insert_at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let eol = crate::fsutil::line_ending(text);
    let mut out = String::with_capacity(text.len() + 512);
    out.push_str(&text[..insert_at]);
    if !out.ends_with('\n') {
        out.push_str(eol);
    }
    let block = render(&indent, &step, eol);
    if insert_at == text.len() && !text.ends_with('\n') {
        // Keep the file's "no final newline" style.
        out.push_str(block.trim_end_matches(['\r', '\n']));
    } else {
        out.push_str(&block);
    }
    out.push_str(&text[insert_at..]);

    let after = ComposeFile::parse(path, out.clone()).map_err(|e| {
        anyhow!(
            "adding {name} produced invalid YAML ({}); nothing was written",
            e.message
        )
    })?;
    if after.service(name).is_none()
        || after.service_names().len() != before.service_names().len() + 1
    {
        bail!(
            "{}: internal check failed after adding {name}; nothing was written",
            path.display()
        );
    }
    for s in before.service_names() {
        if before.service(&s).map(|x| x.value.clone()) != after.service(&s).map(|x| x.value.clone())
        {
            bail!(
                "{}: internal check failed: adding {name} changed {s}; nothing was written",
                path.display()
            );
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(indent: &str, step: &str, eol: &str) -> String {
        format!("{indent}new:{eol}{indent}{step}image: x{eol}")
    }

    #[test]
    fn appends_after_the_last_service_in_the_file_style() {
        let p = Path::new("docker-compose.yml");
        let text = "services:\n    web:\n        image: a\n    db:\n        image: b\n# trailing comment\nvolumes:\n    db: {}\n";
        let out = add_service(p, text, "new", render).unwrap().unwrap();
        assert_eq!(out, "services:\n    web:\n        image: a\n    db:\n        image: b\n    new:\n        image: x\n# trailing comment\nvolumes:\n    db: {}\n");
        assert_eq!(add_service(p, &out, "new", render).unwrap(), None);

        let crlf = "services:\r\n  web:\r\n    image: a";
        let out = add_service(p, crlf, "new", render).unwrap().unwrap();
        assert_eq!(
            out,
            "services:\r\n  web:\r\n    image: a\r\n  new:\r\n    image: x"
        );

        assert!(add_service(p, "services: {web: {image: a}}\n", "new", render).is_err());
    }
}
