use super::*;

fn env(name: &str) -> Option<String> {
    let value = match name {
        "FOO" => "first",
        "EMPTY" => "",
        "UNI" => "héllo",
        "DOLLAR" => "$FOO",
        "HOST" => "collector",
        _ => return None,
    };
    Some(value.to_string())
}

fn run(input: &str) -> Result<Interpolated, InterpolateError> {
    interpolate(input, &env)
}

#[test]
fn resolves_like_compose_v2() {
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("plain text", "plain text"),
        ("$FOO|${FOO}|$FOO-bar|$FOObar|${FOO}bar", "first|first|first-bar||firstbar"),
        ("$UNSET|${UNSET}|$EMPTY|${foo}|$_|${_A1}|$DOLLAR", "||||||$FOO"),
        // Defaults.
        ("${UNSET:-def}|${EMPTY:-def}|${FOO:-def}", "def|def|first"),
        ("${UNSET-def}|${EMPTY-def}|${FOO-def}", "def||first"),
        ("${UNSET:-}|${EMPTY-}|${UNSET:-a b  c}", "||a b  c"),
        ("${OTEL-SERVICE-NAME}|${FOO-SERVICE-NAME}", "SERVICE-NAME|first"),
        ("${UNSET:-/non:-alphanumeric}", "/non:-alphanumeric"),
        ("${UNSET-myerror?msg}", "myerror?msg"),
        // Alternatives.
        ("${UNSET:+alt}|${EMPTY:+alt}|${FOO:+alt}", "||alt"),
        ("${UNSET+alt}|${EMPTY+alt}|${FOO+alt}", "|alt|alt"),
        // Required, satisfied.
        ("${FOO:?err}|${FOO?err}|${EMPTY?err}", "first|first|"),
        // `$$`, and dollars compose keeps as written.
        ("$$|$$FOO|$${FOO}|$$$FOO", "$|$FOO|${FOO}|$first"),
        ("$", "$"),
        ("$1 $ x $- $. $} 100$ $é ${FOO}$", "$1 $ x $- $. $} 100$ $é first$"),
        // Nesting.
        ("${UNSET:-${FOO}}|${UNSET-$FOO}", "first|first"),
        ("${UNSET:-${UNSET2:-x}}", "x"),
        ("${UNSET:-${FOO} ${FOO}}", "first first"),
        ("${UNSET:-a${UNSET2:-b${FOO}c}d}", "abfirstcd"),
        ("${FOO:+[${FOO}]}", "[first]"),
        ("${EMPTY:-${EMPTY-${UNSET:-deep}}}", ""),
        ("${UNSET:-${UNSET-${UNSET:-deep}}}", "deep"),
        // Where a braced expression ends.
        ("${UNSET:-a}b}", "ab}"),
        ("${UNSET:-x} ${UNSET:-y} z}", "x y z}"),
        ("${UNSET:-{x}}", "{x}"),
        ("${UNSET:-{}", "{"),
        ("${UNSET:-$${FOO}}", "${FOO}"),
        ("${FOO:-$${x}}", "first"),
        ("${UNSET:-a}\n${FOO}}", "a\nfirst}"),
        // Unused words are not expanded, so they cannot fail.
        ("${FOO:-${UNSET:?boom}}|${FOO?${ bad}}", "first|first"),
        ("${FOO:-${ bad}}|${UNSET:+${ bad}}", "first|"),
        // Unicode around and inside expressions.
        ("héllo ${UNI} wörld $FOO€ ${UNSET:-日本}", "héllo héllo wörld first€ 日本"),
        ("http://${HOST:-localhost}:${PORT:-4318}/v1", "http://collector:4318/v1"),
    ];
    for (input, expected) in cases {
        let got = run(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(got.value, *expected, "input {input:?}");
    }
}

#[test]
fn reports_errors_with_offsets() {
    #[rustfmt::skip]
    let cases: &[(&str, usize)] = &[
        ("${", 0), ("${}", 0), ("${ }", 0), ("${ foo}", 0), ("${foo }", 0), ("${foo!}", 0),
        ("${1}", 0), ("${FOO", 0), ("${FOO:", 0), ("${FOO:-x", 0), ("${FOO:x}", 0),
        ("${FOO:}", 0), ("${UNSET:-x\n}", 0), ("ab${", 2), ("é${", 2),
        ("$FOO ${FOO} ${-}", 12), ("${UNSET:-${BAD}", 9), ("${UNSET:-ok ${UNSET:-${ x}}}", 21),
    ];
    for (input, offset) in cases {
        match run(input) {
            Err(InterpolateError::Syntax { offset: o, .. }) if o == *offset => {}
            other => panic!("{input:?}: expected a syntax error at {offset}, got {other:?}"),
        }
    }
    #[rustfmt::skip]
    let required: &[(&str, &str, &str)] = &[
        ("$FOO ${UNSET:?need it}", "UNSET", "need it"),
        ("${EMPTY:?}", "EMPTY", ""),
        ("${UNSET?}", "UNSET", ""),
        ("${UNSET?must ${FOO}}", "UNSET", "must first"),
        ("${UNSET?bar-baz}", "UNSET", "bar-baz"),
        ("${UNSET:-${UNSET2:?inner}}", "UNSET2", "inner"),
        ("${FOO:+${UNSET:?alt}}", "UNSET", "alt"),
    ];
    for &(input, name, message) in required {
        let (name, message) = (name.to_string(), message.to_string());
        let expected = InterpolateError::Required { name, message };
        assert_eq!(run(input).unwrap_err(), expected, "input {input:?}");
    }
}

#[test]
fn error_messages() {
    let message = |input| run(input).unwrap_err().to_string();
    assert_eq!(
        message("${HONEYCOMB_API_KEY:?set it in .env}"),
        "required variable HONEYCOMB_API_KEY is missing a value: set it in .env"
    );
    assert_eq!(
        message("${HONEYCOMB_API_KEY?}"),
        "required variable HONEYCOMB_API_KEY is missing a value"
    );
    let syntax = message("x ${OTEL SERVICE}");
    assert!(syntax.starts_with("invalid interpolation format at byte 2: "));
    let _: &dyn std::error::Error = &run("${").unwrap_err();
}

#[test]
fn records_every_lookup() {
    // Each use as `NAME:` then set, empty, used_default as 0 or 1.
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        ("plain $$X $1", ""),
        ("${HONEYCOMB_API_KEY}", "HONEYCOMB_API_KEY:000"),
        ("$FOO $FOO", "FOO:100 FOO:100"),
        ("${UNSET:-${EMPTY}}", "UNSET:001 EMPTY:110"),
        ("${FOO:-${UNSET}}", "FOO:100"),
        ("${EMPTY:+x} ${EMPTY+x} ${EMPTY-x}", "EMPTY:110 EMPTY:111 EMPTY:110"),
        ("${FOO:?x} ${UNSET+x} ${UNSET-${FOO:+y}}", "FOO:100 UNSET:000 UNSET:001 FOO:101"),
    ];
    for (input, expected) in cases {
        let uses = run(input).unwrap().uses;
        let flags = |u: &VarUse| [u.set, u.empty, u.used_default].map(|b| u8::from(b).to_string());
        let got: Vec<_> = uses
            .iter()
            .map(|u| format!("{}:{}", u.name, flags(u).concat()))
            .collect();
        assert_eq!(got.join(" "), *expected, "input {input:?}");
    }
}

#[test]
fn lists_referenced_names() {
    #[rustfmt::skip]
    let cases: &[(&str, &[&str])] = &[
        ("", &[]),
        ("no vars $$A $1 ${ bad} é$Ü", &[]),
        ("${A:-${B:-$C}} $A $$D ${E?x} ${F}", &["A", "B", "C", "E", "F"]),
        ("${OTEL-SERVICE-NAME}", &["OTEL"]),
        ("${X:+$Y} ${Z:?need $W}", &["X", "Y", "Z", "W"]),
        ("${A:-$${B}} ${C", &["A"]),
    ];
    for (input, expected) in cases {
        assert_eq!(referenced_names(input), *expected, "input {input:?}");
    }
}
