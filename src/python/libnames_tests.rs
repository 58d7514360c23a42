use super::*;

fn latest(package: &str) -> VersionSel {
    select_version(package, None)
}

fn pinned(package: &str, spec: &str) -> Option<&'static str> {
    select_version(package, Some(spec)).version()
}

fn missing(check: NameCheck) -> (Option<String>, Vec<String>) {
    match check {
        NameCheck::Missing {
            suggestion,
            versions_with_it,
        } => (suggestion, versions_with_it),
        other => panic!("expected Missing, got {other:?}"),
    }
}

#[test]
fn the_table_covers_every_library_with_its_versions() {
    let t = table();
    for name in [
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp",
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-exporter-otlp-proto-grpc",
        "opentelemetry-exporter-otlp-proto-common",
        "opentelemetry-instrumentation",
        "opentelemetry-instrumentation-flask",
        "opentelemetry-instrumentation-requests",
        "opentelemetry-distro",
        "opentelemetry-semantic-conventions",
        "aws-xray-sdk",
        "rollbar",
        "watchtower",
        "flask",
        "Flask_Cors",
    ] {
        let p = t.package(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(!p.versions.is_empty(), "{name}");
        // Versions are listed oldest first.
        assert!(
            p.parsed().windows(2).all(|w| w[0] < w[1]),
            "{name}: {:?}",
            p.versions
        );
    }
    assert_eq!(t.package("opentelemetry-sdk").unwrap().versions[0], "1.9.1");
    // Versions are read when a package is first asked about: every one of
    // every package must read (a bad one would panic there).
    for p in t.packages() {
        assert_eq!(p.parsed().len(), p.versions.len(), "{}", p.name);
    }
}

#[test]
fn console_span_processor_does_not_exist_but_the_exporter_does() {
    let sdk = latest("opentelemetry-sdk");
    let module = "opentelemetry.sdk.trace.export";
    assert_eq!(
        check_name(module, "ConsoleSpanExporter", &sdk),
        NameCheck::Present
    );
    assert_eq!(
        check_name(module, "BatchSpanProcessor", &sdk),
        NameCheck::Present
    );
    let (suggestion, with_it) = missing(check_name(module, "ConsoleSpanProcessor", &sdk));
    assert!(
        matches!(
            suggestion.as_deref(),
            Some("ConsoleSpanExporter" | "SimpleSpanProcessor")
        ),
        "{suggestion:?}"
    );
    assert!(with_it.is_empty());
    // Submodules are names of their package.
    assert_eq!(
        check_name(module, "in_memory_span_exporter", &sdk),
        NameCheck::Present
    );
    assert_eq!(
        check_name("opentelemetry.sdk.trace", "export", &sdk),
        NameCheck::Present
    );
}

#[test]
fn rollbar_has_init_but_no_configure() {
    let r = latest("rollbar");
    assert_eq!(check_name("rollbar", "init", &r), NameCheck::Present);
    assert_eq!(
        check_name("rollbar", "report_exc_info", &r),
        NameCheck::Present
    );
    let (_, with_it) = missing(check_name("rollbar", "configure", &r));
    assert!(with_it.is_empty());
    assert_eq!(
        check_name("rollbar.contrib.flask", "report_exception", &r),
        NameCheck::Present
    );
}

#[test]
fn names_removed_in_a_later_version_are_judged_by_the_selected_one() {
    let old = select_version("flask", Some("==2.2.5"));
    assert_eq!(check_name("flask", "escape", &old), NameCheck::Present);
    let (_, with_it) = missing(check_name("flask", "escape", &latest("flask")));
    assert_eq!(with_it, ["2.0.3", "2.1.3", "2.2.5", "2.3.3"]);
    // Added later: stream_template arrived in Flask 2.2.
    let (_, with_it) = missing(check_name(
        "flask",
        "stream_template",
        &select_version("flask", Some("<2.2")),
    ));
    assert_eq!(with_it.first().map(String::as_str), Some("2.2.5"));
}

#[test]
fn private_names_and_other_packages_submodules_pass() {
    let sdk = latest("opentelemetry-sdk");
    assert_eq!(
        check_name("opentelemetry.sdk.trace", "_Span", &sdk),
        NameCheck::Present
    );
    // A selection for another package cannot judge this module.
    assert_eq!(
        check_name("opentelemetry.trace", "get_tracer", &sdk),
        NameCheck::UnknownModule
    );
    assert_eq!(
        check_name(
            "opentelemetry.trace",
            "get_tracer",
            &latest("opentelemetry-api")
        ),
        NameCheck::Present
    );
    assert_eq!(
        check_name("no.such.module", "X", &sdk),
        NameCheck::UnknownModule
    );
}

#[test]
fn selecting_versions_with_pep440_specifiers() {
    let newest = table()
        .package("opentelemetry-sdk")
        .unwrap()
        .versions
        .last()
        .copied();
    assert_eq!(latest("opentelemetry-sdk").version(), newest);
    assert_eq!(pinned("opentelemetry-sdk", ""), newest);
    assert_eq!(pinned("opentelemetry-sdk", "==1.20.0"), Some("1.20.0"));
    assert_eq!(pinned("opentelemetry-sdk", "===1.20.0"), Some("1.20.0"));
    assert_eq!(pinned("opentelemetry-sdk", "~=1.20.0"), Some("1.20.0"));
    assert_eq!(pinned("opentelemetry-sdk", "~=1.20"), newest);
    assert_eq!(pinned("opentelemetry-sdk", ">=1.20,<1.25"), Some("1.24.0"));
    assert_eq!(pinned("opentelemetry-sdk", "<=1.25.0"), Some("1.25.0"));
    assert_eq!(pinned("opentelemetry-sdk", ">1.9,<1.11"), Some("1.10.0"));
    assert_eq!(pinned("opentelemetry-sdk", "==1.12.*"), Some("1.12.0"));
    assert_eq!(
        pinned("opentelemetry-sdk", "<1.13,!=1.12.*"),
        Some("1.11.1")
    );
    assert_eq!(
        pinned("opentelemetry-sdk", "<1.13,!=1.12.0"),
        Some("1.11.1")
    );
    assert_eq!(pinned("opentelemetry-sdk", "^1.20"), newest);
    assert_eq!(pinned("opentelemetry-sdk", "~1.20.0"), Some("1.20.0"));
    assert_eq!(
        pinned("opentelemetry-instrumentation-flask", "==0.41b0"),
        Some("0.41b0")
    );
    assert_eq!(
        pinned("opentelemetry-instrumentation-flask", "<0.42b0"),
        Some("0.41b0")
    );
    assert_eq!(pinned("flask", ">=2,<3"), Some("2.3.3"));
    // An older patch of a recorded minor is judged by the recorded patch.
    let sel = select_version("opentelemetry-sdk", Some("==1.9.0"));
    assert_eq!((sel.version(), sel.approximate), (Some("1.9.1"), true));
    assert_eq!(sel.train, None);
    // Older than the table, unreadable, or not a known package: nothing.
    assert_eq!(pinned("opentelemetry-sdk", "==1.2.0"), None);
    assert_eq!(pinned("opentelemetry-sdk", "==banana"), None);
    assert_eq!(pinned("requests", "==2.0"), None);
}

#[test]
fn pep440_ordering() {
    let v = |s| Version::parse(s).unwrap();
    assert!(v("1.0.dev1") < v("1.0a1"));
    assert!(v("1.0a1") < v("1.0b1") && v("1.0b1") < v("1.0rc1") && v("1.0rc1") < v("1.0"));
    assert!(v("1.0") < v("1.0.post1") && v("1.0.post1") < v("1.0.1"));
    assert!(v("0.9b0") < v("0.30b1") && v("1.10.0") > v("1.9.1"));
    assert_eq!(v("1.20").cmp(&v("1.20.0")), std::cmp::Ordering::Equal);
    assert!(Version::parse("1.x").is_none());
}

#[test]
fn unpinned_otel_packages_follow_a_pinned_member_of_the_train() {
    let declared = vec![
        ("opentelemetry-api".to_string(), "==1.20.0".to_string()),
        ("opentelemetry-sdk".to_string(), "".to_string()),
        (
            "opentelemetry-instrumentation-flask".to_string(),
            "".to_string(),
        ),
        ("flask".to_string(), "".to_string()),
    ];
    let sdk = select_for("opentelemetry-sdk", &declared);
    assert_eq!(sdk.version(), Some("1.20.0"));
    assert_eq!(sdk.train.as_deref(), Some("opentelemetry-api"));
    assert_eq!(
        select_for("opentelemetry-instrumentation-flask", &declared).version(),
        Some("0.41b0")
    );
    assert_eq!(
        select_for("opentelemetry-api", &declared).version(),
        Some("1.20.0")
    );
    assert_eq!(
        select_for("flask", &declared).version(),
        latest("flask").version()
    );
    let contrib = vec![(
        "opentelemetry-instrumentation-requests".to_string(),
        "==0.40b0".to_string(),
    )];
    assert_eq!(
        select_for("opentelemetry-sdk", &contrib).version(),
        Some("1.19.0")
    );
}

#[test]
fn import_names_map_to_their_distribution() {
    let cases = [
        ("opentelemetry.sdk.trace.export", Some("opentelemetry-sdk")),
        ("opentelemetry.trace", Some("opentelemetry-api")),
        (
            "opentelemetry.exporter.otlp.proto.http.trace_exporter",
            Some("opentelemetry-exporter-otlp-proto-http"),
        ),
        (
            "opentelemetry.instrumentation.flask",
            Some("opentelemetry-instrumentation-flask"),
        ),
        (
            "opentelemetry.instrumentation.utils",
            Some("opentelemetry-instrumentation"),
        ),
        ("aws_xray_sdk.ext.flask.middleware", Some("aws-xray-sdk")),
        ("flask_cors", Some("flask-cors")),
        ("rollbar.contrib.flask", Some("rollbar")),
        ("watchtower", Some("watchtower")),
        ("flask.json", Some("flask")),
        ("opentelemetry", None),
        ("requests", None),
    ];
    for (module, want) in cases {
        assert_eq!(package_of_module(module), want, "{module}");
    }
    assert_eq!(module_state("opentelemetry"), ModuleState::Namespace);
    assert_eq!(
        module_state("opentelemetry.instrumentation"),
        ModuleState::Namespace
    );
    // The SDK ships only a stub (`__init__.pyi`) there: a namespace too.
    assert_eq!(module_state("opentelemetry.sdk"), ModuleState::Namespace);
    assert_eq!(
        module_state("opentelemetry.sdk.trace"),
        ModuleState::Module("opentelemetry-sdk")
    );
    assert_eq!(module_state("opentelemetry.nope"), ModuleState::Unknown);
}

#[test]
fn modules_that_appear_in_later_versions() {
    let module = "opentelemetry.exporter.otlp.proto.http.metric_exporter";
    let old = select_version("opentelemetry-exporter-otlp-proto-http", Some("==1.12.0"));
    let new = latest("opentelemetry-exporter-otlp-proto-http");
    assert!(!module_present(module, &old) && module_present(module, &new));
    assert_eq!(
        check_name(module, "OTLPMetricExporter", &old),
        NameCheck::UnknownModule
    );
    assert_eq!(
        check_name(module, "OTLPMetricExporter", &new),
        NameCheck::Present
    );
}

#[test]
fn suggestions_are_near_names_only() {
    let names = [
        "ConsoleSpanExporter",
        "SimpleSpanProcessor",
        "BatchSpanProcessor",
    ];
    assert_eq!(
        closest("ConsoleSpanExport", names.iter().copied()).as_deref(),
        Some("ConsoleSpanExporter")
    );
    assert_eq!(
        closest("batchspanprocessor", names.iter().copied()).as_deref(),
        Some("BatchSpanProcessor")
    );
    assert_eq!(
        closest("configure", ["init", "contrib"].iter().copied()),
        None
    );
    assert_eq!(levenshtein("kitten", "sitting"), 3);
}

#[test]
fn every_module_body_of_the_table_is_well_formed() {
    // Names are read lazily; here every module is read, strictly.
    let t = table();
    let mut modules = 0;
    for (_, p, entry) in t.modules() {
        modules += 1;
        for line in entry
            .body
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
            let rest = (!rest.is_empty()).then_some(rest);
            let within = if head == "@dynamic" {
                entry.all
            } else {
                entry.present
            };
            assert!(bits(rest, within).is_ok(), "{}: {line}", p.name);
        }
    }
    assert!(modules > 100, "{modules}");
}

/// The line search the name checks use answers as the full read of each
/// module's names, for every name and module of the table, and for names
/// that are not there (a prefix, a longer name, an empty one).
#[test]
fn looking_a_name_up_in_the_text_answers_as_reading_the_module() {
    let mut asked = 0;
    for (_, p, entry) in table().modules() {
        let names = entry.read();
        for (name, bits) in names {
            assert_eq!(entry.versions_of(name), *bits, "{} {name}", p.name);
            for other in [&name[..name.len() - 1], &format!("{name}_x"), ""] {
                let expected = names.get(other).copied().unwrap_or(0);
                assert_eq!(entry.versions_of(other), expected, "{} {other:?}", p.name);
            }
            asked += 1;
        }
    }
    assert!(asked > 1000, "{asked}");
    // The table has no `@dynamic` module today; one written here.
    let entry = ModuleEntry {
        present: 0b111,
        body: "a\n@dynamic 1-2\nab 0,2\n# c 1\n",
        all: 0b111,
        names: Box::leak(Box::default()),
    };
    assert_eq!(entry.dynamic(), 0b110);
    assert_eq!(entry.versions_of("a"), 0b111);
    assert_eq!(entry.versions_of("ab"), 0b101);
    assert_eq!(entry.versions_of("# c"), 0);
    assert!(!entry.read().contains_key("@dynamic"));
}
