use super::*;

/// key, value, line, literal.
type Row<'a> = (&'a str, &'a str, usize, bool);

fn row(e: &DotenvEntry) -> Row<'_> {
    (&e.key, &e.value, e.line, e.literal)
}

#[test]
fn parses_like_compose_v2() {
    #[rustfmt::skip]
    let cases: &[(&str, &[Row])] = &[
        ("", &[]),
        ("\n\n  \r\n", &[]),
        ("A=1\nB=2\n", &[("A", "1", 1, false), ("B", "2", 2, false)]),
        ("  A  =  hello world  \n", &[("A", "hello world", 1, false)]),
        ("A=\nB=", &[("A", "", 1, false), ("B", "", 2, false)]),
        ("export A=1\nexport\tB=2", &[("A", "1", 1, false), ("B", "2", 2, false)]),
        ("exportA=1\nexport=2", &[("exportA", "1", 1, false), ("export", "2", 2, false)]),
        ("A: yaml style\nB:c", &[("A", "yaml style", 1, false), ("B", "c", 2, false)]),
        ("URL=http://h:4318/v1?a=b", &[("URL", "http://h:4318/v1?a=b", 1, false)]),
        ("my.key-1[0]=x", &[("my.key-1[0]", "x", 1, false)]),
        ("ÉTÉ=chaud €", &[("ÉTÉ", "chaud €", 1, false)]),
        // Comments: a line's first non-blank, or ` #` after a bare value.
        ("# c\n  # indented\nA=1 # note\n#B=2", &[("A", "1", 3, false)]),
        ("A=x#y\nB=x\t#y\nC=  # z", &[("A", "x#y", 1, false), ("B", "x\t#y", 2, false), ("C", "# z", 3, false)]),
        // Single quotes: literal, may span lines.
        ("A='a b $X # c'", &[("A", "a b $X # c", 1, true)]),
        (r"A='it\'s' B", &[("A", "it's", 1, true)]),
        (r"A='a\nb\\'", &[("A", r"a\nb\\", 1, true)]),
        ("A='l1\nl2'\nB=3", &[("A", "l1\nl2", 1, true), ("B", "3", 3, false)]),
        ("A=''", &[("A", "", 1, true)]),
        // Double quotes: escapes, may span lines, `\$` left as `$$`.
        (r#"A="a\nb\tc""#, &[("A", "a\nb\tc", 1, false)]),
        (r#"A="say \"hi\" \\o/""#, &[("A", r#"say "hi" \o/"#, 1, false)]),
        (r#"A="\$HOME ${X}""#, &[("A", "$$HOME ${X}", 1, false)]),
        (r#"A="\q\c\0101\0\01\0777\a\"x""#, &[("A", "\\q\\cA\\\\1\\777\x07\"x", 1, false)]),
        ("A=\"l1\nl2\" # c\nB=\"\"", &[("A", "l1\nl2", 1, false), ("B", "", 3, false)]),
        ("A = \"x\" B=2", &[("A", "x", 1, false), ("B", "2", 1, false)]),
        // Bare names: inherited from compose's environment, not entries.
        ("A\nB=2\n C \nD", &[("B", "2", 2, false)]),
        ("A=1\r\nB='x'\r\n\r\nC=\r\n", &[("A", "1", 1, false), ("B", "x", 2, true), ("C", "", 4, false)]),
        ("A=1\nA=2", &[("A", "1", 1, false), ("A", "2", 2, false)]),
    ];
    for (text, expected) in cases {
        let got = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let got: Vec<Row> = got.iter().map(row).collect();
        assert_eq!(got, *expected, "text {text:?}");
    }
}

#[test]
fn reports_errors() {
    let cases: &[(&str, usize, &str)] = &[
        ("A B=1", 1, "cannot contain a space"),
        ("A=1\nA!=1", 2, "unexpected character '!'"),
        ("\n\nA=\"open\nB=2", 3, "unterminated quoted value"),
        ("A='x", 1, "unterminated"),
        ("A=1\nexport ", 2, "`export` without"),
        ("=x", 1, "missing variable name"),
    ];
    for (text, line, message) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!(e.line, *line, "{text:?}: {e}");
        assert!(e.message.contains(message), "{text:?}: {e}");
        assert!(e.to_string().starts_with(&format!(".env line {line}: ")));
    }
    assert!(get("A=1\nB B=2", "A").is_err());
    assert_eq!(get("A=1\nA=2", "A").unwrap().unwrap().value, "2");
    assert_eq!(get("A=1", "B").unwrap(), None);
}

#[test]
fn set_edits_in_place_or_appends() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        ("", "K", "v", "K=v\n"),
        ("A=1", "B", "2", "A=1\nB=2\n"),
        ("A=1\r\nB=2", "C", "3", "A=1\r\nB=2\r\nC=3\r\n"),
        ("A=1\r\nB=2\nC=3\n", "D", "4", "A=1\r\nB=2\nC=3\nD=4\n"),
        ("# only a comment", "K", "v", "# only a comment\nK=v\n"),
        ("# c\r\nexport A=old # note\r\nB=2", "A", "new", "# c\r\nexport A=new # note\r\nB=2"),
        ("A : old\n", "A", "new", "A : new\n"),
        ("A=\r\nB=1\r\n", "A", "x", "A=x\r\nB=1\r\n"),
        ("A=   \n", "A", "x", "A=x   \n"),
        ("A=1\nA=2\n", "A", "3", "A=1\nA=3\n"),
        ("A=\"l1\nl2\" # c\nB=1", "A", "one", "A=one # c\nB=1"),
        ("A=1\nB=\"broken\n", "A", "2", "A=2\nB=\"broken\n"),
        // What else is on the line decides whether a bare value is safe.
        ("A='x' B=2\n", "B", "3", "A='x' B=3\n"),
        ("A='x' B=2\n", "A", "y", "A='y' B=2\n"),
        ("A=\"x\"\t# c", "A", "y", "A='y'\t# c"),
        ("A=x # c", "A", "", "A='' # c"),
        ("A=x   # c", "A", "y", "A=y   # c"),
        // Quoting.
        ("A=1", "A", "a b", "A='a b'"),
        ("A=1", "A", "", "A="),
        ("A=1", "A", "it's", "A=\"it's\""),
        ("A=1", "A", "it's $5 \"ok\" \\", "A=\"it's \\$5 \\\"ok\\\" \\\\\""),
        ("A=1", "A", "l1\nl2\r", "A=\"l1\\nl2\\r\""),
        ("A=1", "A", "trailing \\", "A=\"trailing \\\\\""),
        ("A=1", "A", "even \\\\", "A='even \\\\'"),
        ("A=1", "A", "C:\\dir", "A=C:\\dir"),
        // Already right: untouched, whatever the spelling.
        ("A=\"x y\"\n", "A", "x y", "A=\"x y\"\n"),
        ("A='x y' # c", "A", "x y", "A='x y' # c"),
        ("export A=x", "A", "x", "export A=x"),
        ("A=\"\\$x\"", "A", "$x", "A=\"\\$x\""),
        ("A=$$x $", "A", "$x $", "A=$$x $"),
        ("A=${B}", "A", "${B}", "A='${B}'"),
    ];
    for (text, key, value, expected) in cases {
        let got = set(text, key, value);
        assert_eq!(got, *expected, "set({text:?}, {key:?}, {value:?})");
    }
}

#[test]
fn set_round_trips_and_is_idempotent() {
    #[rustfmt::skip]
    let texts = [
        "", "A=1", "# c\r\nexport K=old # n\r\nZ=9\r\n", "K='a'\nK=\"b\"\nZ=9\n",
        "K='q' Z=9\n", "K=\"q\"\t# c\nK2=1", "K=  \t# c",
    ];
    #[rustfmt::skip]
    let values = [
        "", "v", "a b", " lead", "x #y", "$", "$$", "${Z}", "$Z", "it's", "\"q\"", "a\\",
        "a\\\\", "\\'", "l1\nl2", "cr\r", "tab\t", "é €", "\\0101", "\\n", "# c", "'", "a=b:c",
    ];
    let others = |es: &[DotenvEntry]| -> Vec<(String, String)> {
        let es = es.iter().filter(|e| e.key != "K");
        es.map(|e| (e.key.clone(), e.value.clone())).collect()
    };
    for text in texts {
        let before = parse(text).unwrap();
        for value in values {
            let once = set(text, "K", value);
            assert_eq!(set(&once, "K", value), once, "{text:?} {value:?}");
            let after = parse(&once).unwrap_or_else(|e| panic!("{once:?}: {e}"));
            let k = after.iter().rev().find(|e| e.key == "K").unwrap();
            assert_eq!(effective_value(k).as_deref(), Some(value), "{once:?}");
            assert_eq!(others(&after), others(&before), "{once:?}");
        }
    }
}

/// compose-go's `ParseWithLookup` trims a leading UTF-8 BOM before parsing.
#[test]
fn a_byte_order_mark_is_skipped_and_kept() {
    let text = "\u{feff}HONEYCOMB_API_KEY=old\nOTHER=1\n";
    let got: Vec<(String, String, usize)> = parse(text)
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.value, e.line))
        .collect();
    assert_eq!(
        got,
        [
            ("HONEYCOMB_API_KEY".into(), "old".into(), 1),
            ("OTHER".into(), "1".into(), 2)
        ]
    );
    assert_eq!(
        set(text, "HONEYCOMB_API_KEY", "new"),
        "\u{feff}HONEYCOMB_API_KEY=new\nOTHER=1\n"
    );
    assert_eq!(set("\u{feff}", "K", "v"), "\u{feff}K=v\n");
    assert_eq!(set("\u{feff}A=1", "K", "v"), "\u{feff}A=1\nK=v\n");
    // Only at the very start: elsewhere it is a character like any other.
    assert!(parse("A=1\n\u{feff}B=2").is_err());
}

fn secret(name: &str) -> bool {
    name.contains("KEY") || name.contains("PASSWORD")
}

#[test]
fn mask_values_masks_secret_values_line_for_line() {
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("A=1\nDB_PASSWORD=hunter2hunter2\n", "A=1\nDB_PASSWORD=hu…\n"),
        ("export API_KEY = 'abcdefghijklmnopq' # c\r\n", "export API_KEY = abcdef… # c\r\n"),
        ("API_KEY=\"l1\nl2\nl3\"\nB=2", "API_KEY=l1…\n…\n…\nB=2"),
        ("API_KEY=\nB=2", "API_KEY=\nB=2"),
        ("API_KEY=<your-key>", "API_KEY=<your-key>"),
        ("\u{feff}API_KEY=abcdefgh", "\u{feff}API_KEY=ab…"),
        ("A='x' API_KEY=abcdefgh\n", "A='x' API_KEY=ab…\n"),
        // Past a parse error, secret-named lines are still masked.
        ("API_KEY=abcdefgh\nB B=1\nDB_PASSWORD=hunter22\nexport  API_KEY: zzzzzzzz\r\nC=3\nD_KEY=\n", "API_KEY=ab…\nB B=1\nDB_PASSWORD=hu…\nexport  API_KEY: zz…\r\nC=3\nD_KEY=\n"),
        ("A=\"open\nAPI_KEY=abcdefgh\n", "A=\"open\nAPI_KEY=ab…\n"),
        // The line that fails is masked too.
        ("A=1\nB=2\nAPI_KEY=\"opensesame\nC=3\n", "A=1\nB=2\nAPI_KEY=\"o…\nC=3\n"),
        // Only `<...>` is a placeholder.
        ("API_KEY=abcdefgh>\nB_KEY=<abcdefgh", "API_KEY=ab…\nB_KEY=<a…"),
    ];
    for (text, expected) in cases {
        let got = mask_values(text, secret);
        assert_eq!(got, *expected, "{text:?}");
        assert_eq!(got.lines().count(), text.lines().count(), "{text:?}");
    }
}
