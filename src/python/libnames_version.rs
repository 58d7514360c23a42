//! PEP 440 versions and specifiers, as far as choosing among the releases
//! of library_names.txt needs: `==`, `!=` (with `.*`), `~=`, `>=`, `<=`,
//! `>`, `<`, `===`, and Poetry's `^` and `~`.

use std::cmp::Ordering;

/// A parsed version; ordering follows PEP 440 (dev < pre < final < post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub release: Vec<u64>,
    /// (0 = a, 1 = b, 2 = rc, number)
    pub pre: Option<(u8, u64)>,
    pub post: Option<u64>,
    pub dev: Option<u64>,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_prefix('v').unwrap_or(&t);
        let t = t.split('+').next()?; // local version labels do not order releases
        let bytes = t.as_bytes();
        let mut i = 0;
        let mut release = Vec::new();
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            release.push(t[start..i].parse().ok()?);
            if i < bytes.len()
                && bytes[i] == b'.'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let mut v = Version {
            release,
            pre: None,
            post: None,
            dev: None,
        };
        let mut rest = &t[i..];
        let number = |s: &str| -> (u64, usize) {
            let s2 = s.trim_start_matches(['.', '-', '_']);
            let skipped = s.len() - s2.len();
            let digits = s2.bytes().take_while(u8::is_ascii_digit).count();
            (s2[..digits].parse().unwrap_or(0), skipped + digits)
        };
        for (tags, kind) in [
            (&["alpha", "a"][..], 0u8),
            (&["beta", "b"][..], 1),
            (&["rc", "c", "pre", "preview"][..], 2),
        ] {
            let r = rest.trim_start_matches(['.', '-', '_']);
            if let Some(tag) = tags.iter().find(|tag| r.starts_with(**tag)) {
                let (n, used) = number(&r[tag.len()..]);
                v.pre = Some((kind, n));
                rest = &r[tag.len() + used..];
                break;
            }
        }
        let r = rest.trim_start_matches(['.', '-', '_']);
        if let Some(tag) = ["post", "rev", "r"].iter().find(|tag| r.starts_with(**tag)) {
            let (n, used) = number(&r[tag.len()..]);
            v.post = Some(n);
            rest = &r[tag.len() + used..];
        }
        let r = rest.trim_start_matches(['.', '-', '_']);
        if let Some(after) = r.strip_prefix("dev") {
            let (n, used) = number(after);
            v.dev = Some(n);
            rest = &after[used..];
        }
        rest.is_empty().then_some(v)
    }

    fn key(&self) -> (i64, i64, i64, i64) {
        let (pre_kind, pre_n) = match (self.pre, self.post, self.dev) {
            (Some((k, n)), _, _) => (k as i64, n as i64),
            (None, None, Some(_)) => (-1, 0),
            _ => (3, 0),
        };
        let post = self.post.map_or(-1, |p| p as i64);
        let dev = self.dev.map_or(i64::MAX, |d| d as i64);
        (pre_kind, pre_n, post, dev)
    }

    fn release_cmp(&self, other: &Version) -> Ordering {
        let n = self.release.len().max(other.release.len());
        let at = |v: &Version, i: usize| v.release.get(i).copied().unwrap_or(0);
        (0..n)
            .map(|i| at(self, i).cmp(&at(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// `major.minor` (zero-padded), the series a patch belongs to.
    pub fn series(&self) -> (u64, u64) {
        (
            self.release.first().copied().unwrap_or(0),
            self.release.get(1).copied().unwrap_or(0),
        )
    }

    fn starts_with(&self, prefix: &[u64]) -> bool {
        prefix
            .iter()
            .enumerate()
            .all(|(i, p)| self.release.get(i).copied().unwrap_or(0) == *p)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.release_cmp(other)
            .then_with(|| self.key().cmp(&other.key()))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One comparison of a specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Clause {
    Eq(Version),
    EqPrefix(Vec<u64>),
    NotEq(Version),
    NotEqPrefix(Vec<u64>),
    Ge(Version),
    Gt(Version),
    Le(Version),
    Lt(Version),
    Arbitrary(String),
}

/// A parsed specifier (`>=1.20,<2`); `None` when any clause is unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    clauses: Vec<Clause>,
}

impl Specifier {
    pub fn parse(text: &str) -> Option<Specifier> {
        let mut clauses = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "*" {
                continue;
            }
            let ops = ["===", "==", "!=", "~=", ">=", "<=", ">", "<", "^", "~", "="];
            let op = ops
                .iter()
                .find(|op| part.starts_with(**op))
                .copied()
                .unwrap_or("");
            let v = part[op.len()..].trim();
            let version = || Version::parse(v);
            let prefix = |v: &str| -> Option<Vec<u64>> {
                v.strip_suffix(".*")?
                    .split('.')
                    .map(|p| p.parse().ok())
                    .collect()
            };
            match op {
                "===" => clauses.push(Clause::Arbitrary(v.to_owned())),
                "==" | "=" | "" if v.ends_with(".*") => clauses.push(Clause::EqPrefix(prefix(v)?)),
                "==" | "=" | "" => clauses.push(Clause::Eq(version()?)),
                "!=" if v.ends_with(".*") => clauses.push(Clause::NotEqPrefix(prefix(v)?)),
                "!=" => clauses.push(Clause::NotEq(version()?)),
                ">=" => clauses.push(Clause::Ge(version()?)),
                "<=" => clauses.push(Clause::Le(version()?)),
                ">" => clauses.push(Clause::Gt(version()?)),
                "<" => clauses.push(Clause::Lt(version()?)),
                "~=" => {
                    let v = version()?;
                    if v.release.len() < 2 {
                        return None;
                    }
                    let keep = v.release[..v.release.len() - 1].to_vec();
                    clauses.push(Clause::Ge(v));
                    clauses.push(Clause::EqPrefix(keep));
                }
                // Poetry: ^1.2.3 is >=1.2.3,<2; ^0.2.3 is <0.3; ~1.2.3 is <1.3.
                "^" | "~" => {
                    let v = version()?;
                    let mut upper = v.release.clone();
                    let bump = match op {
                        "^" => upper
                            .iter()
                            .position(|&x| x != 0)
                            .unwrap_or(upper.len() - 1),
                        _ => usize::from(upper.len() > 1),
                    };
                    upper.truncate(bump + 1);
                    upper[bump] += 1;
                    clauses.push(Clause::Ge(v));
                    clauses.push(Clause::Lt(Version {
                        release: upper,
                        pre: None,
                        post: None,
                        dev: Some(0),
                    }));
                }
                _ => return None,
            }
        }
        Some(Specifier { clauses })
    }

    pub fn matches(&self, text: &str, v: &Version) -> bool {
        self.clauses.iter().all(|c| match c {
            Clause::Eq(x) => v == x || v.cmp(x).is_eq(),
            Clause::EqPrefix(p) => v.starts_with(p),
            Clause::NotEq(x) => v.cmp(x).is_ne(),
            Clause::NotEqPrefix(p) => !v.starts_with(p),
            Clause::Ge(x) => v >= x,
            Clause::Gt(x) => v > x,
            Clause::Le(x) => v <= x,
            Clause::Lt(x) => v < x,
            Clause::Arbitrary(s) => s == text,
        })
    }

    /// The version an exact `==X` pin names.
    pub fn pinned(&self) -> Option<&Version> {
        match self.clauses.as_slice() {
            [Clause::Eq(v)] => Some(v),
            _ => None,
        }
    }
}
