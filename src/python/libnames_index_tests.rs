//! The build-time index of library_names.txt and what it lets a run skip.

use super::*;

/// What build.rs wrote is what the table's directive lines say: every
/// package with its versions, every module with its package, versions and
/// names, and the namespace packages, in the order the lookups search.
#[test]
fn the_build_time_index_is_the_table_read_now() {
    let index = index::index(DATA).unwrap();
    let t = table();
    let packages: Vec<(&str, Vec<&str>)> =
        t.packages().map(|p| (p.name, p.versions.clone())).collect();
    let expected: Vec<(&str, Vec<&str>)> = index
        .packages
        .iter()
        .map(|(name, versions)| (text(*name), versions.iter().map(|v| text(*v)).collect()))
        .collect();
    // Each package's versions are its `@versions` line, in order.
    for (name, versions) in &expected {
        let line = format!("@package {name}\n@versions {}\n", versions.join(" "));
        assert!(DATA.contains(&line), "{name}");
    }
    assert_eq!(packages, expected);
    assert_eq!(index.modules.len(), MODULE_COUNT);
    let modules: Vec<(&str, &str, Bits, &str)> = t
        .modules()
        .map(|(name, p, e)| (name, p.name, e.present, e.body))
        .collect();
    let expected: Vec<(&str, &str, Bits, &str)> = index
        .modules
        .iter()
        .map(|(name, p, present, body)| {
            (
                text(*name),
                text(index.packages[*p].0),
                *present,
                text(*body),
            )
        })
        .collect();
    assert_eq!(modules, expected);
    assert!(modules.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    let namespaces: Vec<&str> = NAMESPACES.iter().map(|n| text(*n)).collect();
    let expected: Vec<&str> = index.namespaces.iter().map(|n| text(*n)).collect();
    assert_eq!(namespaces, expected);
    // A namespace package is what a module's dotted path passes through
    // without any package shipping it.
    assert!(t.is_namespace("opentelemetry.instrumentation"));
    assert!(!t.is_namespace("flask"), "shipped by flask");
    assert!(!t.is_namespace("no_such_module"));
    assert_eq!(
        module_state("opentelemetry.instrumentation"),
        ModuleState::Namespace
    );
}

/// The directive reader names the line of what it cannot read.
#[test]
fn a_malformed_table_is_refused_with_its_line() {
    for (data, says) in [
        ("@versions 1.0\n", "line 1: versions before package"),
        (
            "@package p\n@versions 1.0\n@module m 0-x\n",
            "line 3: bad range 0-x",
        ),
        (
            "@package p\n@versions 1.0\n@bogus\n",
            "line 3: unknown directive",
        ),
        ("@module m\n", "line 1: module before package"),
        ("@package\n", "line 1: package without a name"),
        (
            "@package p\n@versions 1.0\n@module m\na\n@module m\n",
            "module m listed twice",
        ),
    ] {
        match index::index(data) {
            Ok(_) => panic!("{data:?} was read"),
            Err(e) => assert_eq!(e, says, "{data:?}"),
        }
    }
    let ok = index::index("@package p\n@versions 1.0 2.0\n@module p.q 1\nx\n").unwrap();
    assert_eq!(ok.modules.len(), 1);
    assert_eq!(ok.modules[0].2, 0b10);
    assert_eq!(ok.namespaces.len(), 1, "p is shipped by no package here");
}

/// Unpinned, the newest release is selected: the last listed, which is
/// also the greatest by PEP 440 order (the shortcut that skips reading
/// versions must agree with comparing them all).
#[test]
fn unpinned_selects_the_greatest_version() {
    for p in table().packages() {
        let greatest = (0..p.versions.len())
            .max_by(|&a, &b| p.parsed()[a].cmp(&p.parsed()[b]))
            .unwrap();
        for spec in [None, Some(""), Some("  ")] {
            assert_eq!(
                select_version(p.name, spec).version(),
                Some(p.versions[greatest]),
                "{} {spec:?}",
                p.name
            );
        }
    }
}
