use super::*;

/// Every character of `original` survives, in order: the edit only inserted.
pub(super) fn assert_only_insertions(original: &str, edited: &str) {
    let mut rest = edited.chars();
    for (i, c) in original.char_indices() {
        assert!(
            rest.any(|e| e == c),
            "byte {i} ({c:?}) of the original was lost:\n{edited}"
        );
    }
}

/// Every original line is still a line of the output, in order. `amended`
/// names lines that legitimately gained a separator, as (before, after).
pub(super) fn assert_lines_kept(original: &str, edited: &str, amended: &[(&str, &str)]) {
    let mut rest = edited.lines();
    for line in original.lines() {
        let expected = amended
            .iter()
            .find(|(old, _)| *old == line)
            .map_or(line, |(_, new)| *new);
        assert!(
            rest.any(|l| l == expected),
            "line {expected:?} missing or out of order in:\n{edited}"
        );
    }
}

pub(super) fn assert_all_crlf(text: &str) {
    for (i, _) in text.match_indices('\n') {
        assert!(text[..i].ends_with('\r'), "bare LF at byte {i} in {text:?}");
    }
}

/// Adds, checks the edit was insertion-only, and checks a second run is a
/// no-op.
fn add(text: &str, packages: &[&str]) -> String {
    let edited = add_to_requirements_txt(text, packages).expect("something to add");
    assert_only_insertions(text, &edited);
    assert_lines_kept(text, &edited, &[]);
    assert_eq!(
        add_to_requirements_txt(&edited, packages),
        None,
        "not idempotent:\n{edited}"
    );
    edited
}

fn names(parsed: &RequirementsTxt) -> Vec<(&str, usize)> {
    parsed
        .requirements
        .iter()
        .map(|r| (r.normalized.as_str(), r.line))
        .collect()
}

#[test]
fn normalisation_table() {
    for (raw, expected) in [
        ("Flask", "flask"),
        ("flask_cors", "flask-cors"),
        ("opentelemetry_api", "opentelemetry-api"),
        ("Opentelemetry.SDK", "opentelemetry-sdk"),
        (
            "OpenTelemetry-Instrumentation-Flask",
            "opentelemetry-instrumentation-flask",
        ),
        ("zope.interface", "zope-interface"),
        ("a-_.b", "a-b"),
        ("a__b..c--d", "a-b-c-d"),
        ("requests", "requests"),
        // Not a valid distribution name, but read as pip would compare it.
        ("Ünïcode__Ä.B", "ünïcode-ä-b"),
    ] {
        assert_eq!(normalize_name(raw), expected, "{raw}");
    }
}

#[test]
fn pins_extras_markers_and_old_style_parentheses() {
    let text = "Flask==2.2.2\n\
                flask_cors\n\
                opentelemetry-api >= 1.20 , < 2\n\
                requests[security, socks]==2.31.0 ; python_version >= \"3.8\"\n\
                Werkzeug (>=2.0)\n\
                opentelemetry-sdk==1.*\n\
                legacy===1.0\n\
                pair==1.0,!=1.1\n";
    let reqs = parse_requirements_txt(text).requirements;
    let pins: Vec<_> = reqs
        .iter()
        .map(|r| (r.name.as_str(), r.specifier.as_str(), r.pinned_version()))
        .collect();
    assert_eq!(
        pins,
        [
            ("Flask", "==2.2.2", Some("2.2.2")),
            ("flask_cors", "", None),
            ("opentelemetry-api", ">=1.20,<2", None),
            ("requests", "==2.31.0", Some("2.31.0")),
            ("Werkzeug", ">=2.0", None),
            ("opentelemetry-sdk", "==1.*", None),
            ("legacy", "===1.0", None),
            ("pair", "==1.0,!=1.1", None),
        ]
    );
    assert_eq!(reqs[1].normalized, "flask-cors");
    assert_eq!(reqs[3].extras, ["security", "socks"]);
    assert_eq!(reqs[3].marker.as_deref(), Some("python_version >= \"3.8\""));
    assert_eq!(reqs[3].line, 4);
}

#[test]
fn comments_are_not_requirements() {
    let text = "# opentelemetry-api\n\
                \n\
                flask  # the web framework\n\
                \t# indented comment\n\
                requests==2.31.0\t# tab before the hash\n";
    assert_eq!(
        names(&parse_requirements_txt(text)),
        [("flask", 3), ("requests", 5)]
    );
}

#[test]
fn continuations_join_lines_and_keep_the_first_line_number() {
    let text = "opentelemetry-sdk==1.24.0 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\n\
                open\\\ntelemetry-api\n\
                # a comment never continues \\\n\
                flask\n";
    let parsed = parse_requirements_txt(text);
    assert_eq!(
        names(&parsed),
        [
            ("opentelemetry-sdk", 1),
            ("opentelemetry-api", 4),
            ("flask", 7)
        ]
    );
    assert_eq!(parsed.requirements[0].pinned_version(), Some("1.24.0"));
}

#[test]
fn options_urls_and_paths() {
    let text = "-i https://pypi.org/simple\n\
                --extra-index-url https://example.com/simple\n\
                --find-links=./wheels\n\
                --pre\n\
                --no-binary :all:\n\
                -e git+https://github.com/org/repo.git#egg=my_pkg\n\
                -e ./local-dir\n\
                --editable=git+https://example.com/x.git#subdirectory=y&egg=Other.Pkg\n\
                ./pkg\n\
                /abs/path/to/pkg\n\
                https://example.com/x-1.0-py3-none-any.whl\n\
                local_wheel-1.0-py3-none-any.whl\n\
                git+https://github.com/org/repo.git\n\
                direct @ https://example.com/direct.zip ; python_version > \"3\"\n\
                flask\n\
                git+https://github.com/org/tool.git#egg=tool_x\n";
    let parsed = parse_requirements_txt(text);
    assert_eq!(
        names(&parsed),
        [
            ("my-pkg", 6),
            ("other-pkg", 8),
            ("direct", 14),
            ("flask", 15),
            ("tool-x", 16)
        ]
    );
    let direct = &parsed.requirements[2];
    assert_eq!(
        direct.url.as_deref(),
        Some("https://example.com/direct.zip")
    );
    assert_eq!(direct.marker.as_deref(), Some("python_version > \"3\""));
    assert_eq!(direct.specifier, "");
    assert!(parsed.includes.is_empty());
}

#[test]
fn includes_and_constraints_as_written() {
    let text = "-r base.txt\n\
                --requirement=dev.txt\n\
                --requirement ../other.txt\n\
                -rshort.txt\n\
                -c constraints.txt\n\
                --constraint=c2.txt\n\
                flask\n";
    let parsed = parse_requirements_txt(text);
    assert_eq!(
        parsed.includes,
        [
            "base.txt",
            "dev.txt",
            "../other.txt",
            "short.txt",
            "constraints.txt",
            "c2.txt"
        ]
    );
    assert_eq!(names(&parsed), [("flask", 7)]);
}

#[test]
fn crlf_and_bom_parse() {
    let parsed = parse_requirements_txt("\u{feff}Flask==2.2.2\r\nrequests \\\r\n  ==2.31.0\r\n");
    assert_eq!(names(&parsed), [("flask", 1), ("requests", 2)]);
    assert_eq!(parsed.requirements[1].specifier, "==2.31.0");
}

#[test]
fn appends_after_a_final_newline() {
    let text = "Flask==2.2.2\nflask_cors\n";
    let edited = add(
        text,
        &["opentelemetry-api", "flask-cors", "opentelemetry-sdk"],
    );
    assert_eq!(
        edited,
        "Flask==2.2.2\nflask_cors\nopentelemetry-api\nopentelemetry-sdk\n"
    );
}

#[test]
fn keeps_crlf() {
    let text = "# deps\r\nFlask==2.2.2\r\n";
    let edited = add(text, &["opentelemetry-api", "opentelemetry-sdk"]);
    assert_eq!(
        edited,
        "# deps\r\nFlask==2.2.2\r\nopentelemetry-api\r\nopentelemetry-sdk\r\n"
    );
    assert_all_crlf(&edited);
}

#[test]
fn keeps_the_missing_final_newline() {
    let edited = add(
        "flask\nrequests",
        &["opentelemetry-api", "opentelemetry-sdk"],
    );
    assert_eq!(
        edited,
        "flask\nrequests\nopentelemetry-api\nopentelemetry-sdk"
    );

    let edited = add("flask\r\nrequests", &["opentelemetry-api"]);
    assert_eq!(edited, "flask\r\nrequests\r\nopentelemetry-api");
}

#[test]
fn empty_file_gets_one_package_per_line() {
    assert_eq!(add("", &["a", "b"]), "a\nb\n");
}

#[test]
fn already_present_in_other_spellings() {
    let text = "opentelemetry_sdk==1.24.0\n\
                Opentelemetry.API\n\
                opentelemetry-instrumentation_FLASK[instruments]>=0.45b0 ; python_version > \"3.7\"\n\
                -e git+https://github.com/org/exporter.git#egg=opentelemetry_exporter_otlp\n\
                Requests @ https://example.com/requests.zip\n";
    let wanted = [
        "opentelemetry-sdk",
        "opentelemetry-api",
        "opentelemetry-instrumentation-flask",
        "opentelemetry-exporter-otlp",
        "requests",
        // With a specifier the name still decides: an existing pin wins.
        "opentelemetry-sdk==1.25.0",
    ];
    assert_eq!(add_to_requirements_txt(text, &wanted), None);
}

#[test]
fn commented_out_packages_count_as_missing() {
    let edited = add("# opentelemetry-api\nflask\n", &["opentelemetry-api"]);
    assert_eq!(edited, "# opentelemetry-api\nflask\nopentelemetry-api\n");
}

#[test]
fn repeated_packages_are_added_once_as_first_given() {
    let edited = add(
        "flask\n",
        &[
            "opentelemetry-sdk==1.24.0",
            "opentelemetry_sdk",
            " ",
            "OpenTelemetry-SDK",
        ],
    );
    assert_eq!(edited, "flask\nopentelemetry-sdk==1.24.0\n");
}

#[test]
fn a_dangling_continuation_is_closed_with_a_blank_line() {
    let edited = add("flask \\\n", &["opentelemetry-api"]);
    assert_eq!(edited, "flask \\\n\nopentelemetry-api\n");
    assert_eq!(
        names(&parse_requirements_txt(&edited)),
        [("flask", 1), ("opentelemetry-api", 3)]
    );

    let edited = add("flask \\", &["opentelemetry-api"]);
    assert_eq!(edited, "flask \\\n\nopentelemetry-api");
}

#[test]
fn idempotent_over_mixed_inputs() {
    let packages = [
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-instrumentation-flask",
    ];
    for text in [
        "",
        "flask\n",
        "flask",
        "Flask\r\n",
        "-r base.txt\n# c\n",
        "opentelemetry_api\n",
    ] {
        let edited = add(text, &packages);
        let present = parse_requirements_txt(&edited);
        for package in packages {
            assert!(
                present.requirements.iter().any(|r| r.normalized == package),
                "{package} in {edited:?}"
            );
        }
    }
}
