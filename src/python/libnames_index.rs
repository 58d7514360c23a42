//! The directive lines of library_names.txt (`@package`, `@versions`,
//! `@module`): which packages, versions and modules the table has and where
//! each module's names are. build.rs reads them here when the crate is
//! built and writes the result as constants, so a run looks modules up
//! without scanning 125 KB of text first; the crate uses the same code for
//! the version bitsets and to test what build.rs wrote.

/// Versions as a bitset over a package's version list.
pub type Bits = u128;

/// A byte range of the table's text.
pub type Span = (u32, u32);

#[cfg_attr(not(test), allow(dead_code))]
pub struct Index {
    /// (name, versions oldest first), in the file's order.
    pub packages: Vec<(Span, Vec<Span>)>,
    /// Every module sorted by name: (name, package index, the versions that
    /// ship it, the lines of its names).
    pub modules: Vec<(Span, usize, Bits, Span)>,
    /// Proper prefixes of modules that no package ships itself (namespace
    /// packages, open to any distribution), sorted.
    pub namespaces: Vec<Span>,
}

pub fn all_bits(versions: usize) -> Bits {
    if versions >= 128 {
        Bits::MAX
    } else {
        (1 << versions) - 1
    }
}

/// `0-3,7` → bits 0..=3 and 7, within `all`; none given: `all`.
pub fn bits(ranges: Option<&str>, all: Bits) -> Result<Bits, String> {
    let Some(ranges) = ranges else {
        return Ok(all);
    };
    let mut out = 0;
    for part in ranges.split(',') {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b): (u32, u32) = (
            a.parse().map_err(|_| format!("bad range {part}"))?,
            b.parse().map_err(|_| format!("bad range {part}"))?,
        );
        for i in a..=b.min(127) {
            out |= 1 << i;
        }
    }
    Ok(out & all)
}

fn span(data: &str, part: &str) -> Span {
    let start = part.as_ptr() as usize - data.as_ptr() as usize;
    (start as u32, (start + part.len()) as u32)
}

fn text(data: &str, (a, b): Span) -> &str {
    &data[a as usize..b as usize]
}

/// Reads the directive lines; an error names the line.
#[cfg_attr(not(test), allow(dead_code))]
pub fn index(data: &str) -> Result<Index, String> {
    if data.len() > u32::MAX as usize {
        return Err("the table is larger than 4 GiB".into());
    }
    let mut packages: Vec<(Span, Vec<Span>)> = Vec::new();
    let mut modules: Vec<(Span, usize, Bits, Span)> = Vec::new();
    // (package, module name, header bits, body start) of the module being read.
    let mut open: Option<(usize, Span, Bits, usize)> = None;
    let mut close = |open: Option<(usize, Span, Bits, usize)>, end: usize| {
        if let Some((p, name, present, start)) = open {
            modules.push((name, p, present, (start as u32, end as u32)));
        }
    };
    // Only directive lines matter (module bodies are read when asked about),
    // so the scan jumps from one `@` at a line start to the next.
    let directives = data
        .starts_with('@')
        .then_some(0)
        .into_iter()
        .chain(data.match_indices("\n@").map(|(i, _)| i + 1));
    for start in directives {
        let end = data[start..]
            .find('\n')
            .map_or(data.len(), |i| start + i + 1);
        let line = data[start..end].trim_end_matches(['\n', '\r']);
        let err = |m: &str| format!("line {}: {m}", data[..start].matches('\n').count() + 1);
        if line.starts_with("@dynamic") {
            continue;
        }
        close(open.take(), start);
        let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
        match head {
            "@package" if rest.is_empty() => return Err(err("package without a name")),
            "@package" => packages.push((span(data, rest), Vec::new())),
            "@versions" => {
                let p = packages
                    .last_mut()
                    .ok_or_else(|| err("versions before package"))?;
                p.1 = rest.split(' ').map(|v| span(data, v)).collect();
                if p.1.len() > 128 {
                    return Err(err("more than 128 versions"));
                }
            }
            "@module" => {
                let p = packages
                    .len()
                    .checked_sub(1)
                    .ok_or_else(|| err("module before package"))?;
                let mut parts = rest.splitn(2, ' ');
                let name = parts.next().unwrap_or_default();
                if name.is_empty() {
                    return Err(err("module without a name"));
                }
                let present =
                    bits(parts.next(), all_bits(packages[p].1.len())).map_err(|e| err(&e))?;
                open = Some((p, span(data, name), present, end));
            }
            _ => return Err(err("unknown directive")),
        }
    }
    close(open.take(), data.len());
    modules.sort_by(|a, b| text(data, a.0).cmp(text(data, b.0)));
    if let Some(w) = modules
        .windows(2)
        .find(|w| text(data, w[0].0) == text(data, w[1].0))
    {
        return Err(format!("module {} listed twice", text(data, w[0].0)));
    }
    let shipped = |m: &str| modules.binary_search_by(|x| text(data, x.0).cmp(m)).is_ok();
    let mut namespaces: Vec<Span> = Vec::new();
    for m in &modules {
        let mut prefix = text(data, m.0);
        while let Some((parent, _)) = prefix.rsplit_once('.') {
            if !shipped(parent) {
                namespaces.push(span(data, parent));
            }
            prefix = parent;
        }
    }
    namespaces.sort_by(|a, b| text(data, *a).cmp(text(data, *b)));
    namespaces.dedup_by(|a, b| text(data, *a) == text(data, *b));
    Ok(Index {
        packages,
        modules,
        namespaces,
    })
}
