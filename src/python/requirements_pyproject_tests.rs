use super::super::tests::{assert_all_crlf, assert_lines_kept, assert_only_insertions};
use super::*;

const OTEL: [&str; 2] = ["opentelemetry-api", "opentelemetry-sdk"];

/// Adds, checks the edit only inserted (lines in `amended` may gain a
/// comma), and checks a second run is a no-op.
fn add(text: &str, packages: &[&str], amended: &[(&str, &str)]) -> String {
    let edited = add_to_pyproject(text, packages)
        .expect("valid pyproject")
        .expect("something to add");
    assert_only_insertions(text, &edited);
    assert_lines_kept(text, &edited, amended);
    assert!(
        add_to_pyproject(&edited, packages)
            .expect("still valid")
            .is_none(),
        "not idempotent:\n{edited}"
    );
    edited
}

fn summary(deps: &PyprojectDeps) -> Vec<(&str, &str, usize)> {
    deps.requirements
        .iter()
        .map(|r| (r.normalized.as_str(), r.specifier.as_str(), r.line))
        .collect()
}

const PEP621: &str = r#"# top comment
[project]
name = "backend-flask"
dependencies = [
    # web
    "Flask==2.2.2",
    "flask_cors",  # CORS
    "opentelemetry_sdk[grpc] >=1.24 ; python_version >= '3.8'",
]

[tool.poetry.dependencies]
ignored = "*"
"#;

#[test]
fn pep621_entries_with_their_lines() {
    let deps = parse_pyproject(PEP621).unwrap();
    assert_eq!(
        deps.layout,
        PyprojectLayout::Pep621,
        "[project] wins over Poetry"
    );
    assert_eq!(
        summary(&deps),
        [
            ("flask", "==2.2.2", 6),
            ("flask-cors", "", 7),
            ("opentelemetry-sdk", ">=1.24", 8)
        ]
    );
    assert_eq!(deps.requirements[0].pinned_version(), Some("2.2.2"));
    assert_eq!(deps.requirements[2].extras, ["grpc"]);
    assert_eq!(
        deps.requirements[2].marker.as_deref(),
        Some("python_version >= '3.8'")
    );
}

#[test]
fn poetry_table() {
    let text = r#"[tool.poetry]
name = "app"

[tool.poetry.dependencies]
python = "^3.10"
Flask = "^2.2"
opentelemetry_sdk = "1.24.0"
any-version = "*"
flask-cors = { version = "4.0.0", extras = ["x"], markers = "sys_platform == 'linux'" }
internal = { git = "https://example.com/internal.git" }
multi = [{ version = "1", python = "<3.9" }, { version = "2", python = ">=3.9" }]

[tool.poetry.dependencies.sub]
version = ">=3"
"#;
    let deps = parse_pyproject(text).unwrap();
    assert_eq!(deps.layout, PyprojectLayout::Poetry);
    assert_eq!(
        summary(&deps),
        [
            ("flask", "^2.2", 6),
            ("opentelemetry-sdk", "==1.24.0", 7),
            ("any-version", "", 8),
            ("flask-cors", "==4.0.0", 9),
            ("internal", "", 10),
            ("multi", "", 11),
            ("sub", ">=3", 13),
        ]
    );
    assert_eq!(deps.requirements[1].pinned_version(), Some("1.24.0"));
    assert_eq!(deps.requirements[3].extras, ["x"]);
    assert_eq!(
        deps.requirements[3].marker.as_deref(),
        Some("sys_platform == 'linux'")
    );
    assert_eq!(
        deps.requirements[4].url.as_deref(),
        Some("https://example.com/internal.git")
    );
}

#[test]
fn malformed_toml_reports_line_and_column() {
    let text = "[project]\nname = \"x\"\ndependencies = [\n  \"flask\"\n  \"requests\",\n]\n";
    let error = parse_pyproject(text).unwrap_err();
    assert_eq!((error.line, error.column), (Some(5), Some(3)), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("line 5, column 3: invalid TOML"),
        "{error}"
    );
    let error = add_to_pyproject("[project\n", &OTEL).unwrap_err();
    assert_eq!(error.line, Some(1), "{error}");
    assert!(error.column.is_some());
}

#[test]
fn neither_table_names_both() {
    let error = parse_pyproject("[project]\nname = \"x\"\n\n[tool.black]\nline-length = 100\n")
        .unwrap_err();
    assert!(error.message.contains("[project].dependencies"), "{error}");
    assert!(
        error.message.contains("[tool.poetry.dependencies]"),
        "{error}"
    );
    assert_eq!((error.line, error.column), (None, None));
    assert!(add_to_pyproject("", &OTEL).is_err());

    let error = parse_pyproject("[project]\ndynamic = [\"dependencies\"]\n").unwrap_err();
    assert!(error.message.contains("dynamic"), "{error}");
}

#[test]
fn wrong_types_point_at_the_value() {
    let error = parse_pyproject("[project]\ndependencies = \"flask\"\n").unwrap_err();
    assert_eq!((error.line, error.column), (Some(2), Some(16)), "{error}");
    let error = parse_pyproject("[project]\ndependencies = [\n  1,\n]\n").unwrap_err();
    assert_eq!((error.line, error.column), (Some(3), Some(3)), "{error}");
}

#[test]
fn multi_line_with_trailing_comma_and_comments() {
    let edited = add(PEP621, &OTEL, &[]);
    let expected = PEP621.replace(
        "python_version >= '3.8'\",\n]",
        "python_version >= '3.8'\",\n    \"opentelemetry-api\",\n]",
    );
    assert_eq!(edited, expected);
}

#[test]
fn multi_line_without_trailing_comma() {
    let text =
        "[project]\ndependencies = [\n  \"flask\",\n  \"requests\"  # HTTP\n  # more later\n]\n";
    let edited = add(
        text,
        &OTEL,
        &[("  \"requests\"  # HTTP", "  \"requests\",  # HTTP")],
    );
    assert_eq!(
        edited,
        "[project]\ndependencies = [\n  \"flask\",\n  \"requests\",  # HTTP\n  # more later\n  \
         \"opentelemetry-api\",\n  \"opentelemetry-sdk\"\n]\n"
    );
}

#[test]
fn multi_line_comment_after_the_trailing_comma_stays_put() {
    let text = "[project]\ndependencies = [\n\t\"flask\", # web\n]\n";
    let edited = add(text, &["opentelemetry-api"], &[]);
    assert_eq!(
        edited,
        "[project]\ndependencies = [\n\t\"flask\", # web\n\t\"opentelemetry-api\",\n]\n"
    );
}

#[test]
fn single_line_arrays_stay_single_line() {
    let text = "[project]\ndependencies = [\"flask>=2\", \"requests\"]  # keep\n";
    let before = "dependencies = [\"flask>=2\", \"requests\"]  # keep";
    let after = "dependencies = [\"flask>=2\", \"requests\", \"opentelemetry-api\", \"opentelemetry-sdk\"]  # keep";
    assert_eq!(
        add(text, &OTEL, &[(before, after)]),
        format!("[project]\n{after}\n")
    );

    let text = "[project]\ndependencies = [ 'flask', ]\n";
    let after = "dependencies = [ 'flask', 'opentelemetry-api', 'opentelemetry-sdk', ]";
    let edited = add(text, &OTEL, &[("dependencies = [ 'flask', ]", after)]);
    assert_eq!(edited, format!("[project]\n{after}\n"));
}

#[test]
fn empty_arrays_open_up_with_four_spaces() {
    let cases = [
        ("[project]\ndependencies = []\n", "[project]\ndependencies = [\n    \"opentelemetry-api\",\n    \"opentelemetry-sdk\",\n]\n"),
        ("[project]\ndependencies = [\n]\n", "[project]\ndependencies = [\n    \"opentelemetry-api\",\n    \"opentelemetry-sdk\",\n]\n"),
        (
            "[project]\ndependencies = [\n  # none yet\n]\n",
            "[project]\ndependencies = [\n  # none yet\n    \"opentelemetry-api\",\n    \"opentelemetry-sdk\",\n]\n",
        ),
    ];
    // `[]` is the one line that has to split: its `]` moves below the entries.
    let split = [("dependencies = []", "dependencies = [")];
    for (text, expected) in cases {
        assert_eq!(add(text, &OTEL, &split), expected);
    }
    let edited = add(
        "[project]\ndependencies = [ ]\n",
        &OTEL,
        &[("dependencies = [ ]", "dependencies = [ ")],
    );
    assert_eq!(
        edited,
        "[project]\ndependencies = [ \n    \"opentelemetry-api\",\n    \"opentelemetry-sdk\",\n]\n"
    );
}

#[test]
fn crlf_and_missing_final_newline_are_kept() {
    let text = "[project]\r\ndependencies = [\r\n    \"flask\",\r\n]\r\n\r\n[tool.x]\r\ny = 1";
    let edited = add(text, &OTEL, &[]);
    assert_all_crlf(&edited);
    assert!(edited.ends_with("y = 1"));
    assert!(edited
        .contains("\"flask\",\r\n    \"opentelemetry-api\",\r\n    \"opentelemetry-sdk\",\r\n]"));

    let text = "[tool.poetry.dependencies]\r\npython = \"^3.10\"\r\nflask = \"*\"";
    let edited = add(text, &OTEL, &[]);
    assert_eq!(
        edited,
        format!("{text}\r\nopentelemetry-api = \"*\"\r\nopentelemetry-sdk = \"*\"")
    );
}

#[test]
fn poetry_keys_go_at_the_end_of_their_table() {
    let text = "[tool.poetry.dependencies]\n\
                python = \"^3.10\"\n\
                Flask = \"^2.2\"  # web\n\
                \n\
                # dev tools below\n\
                [tool.poetry.group.dev.dependencies]\n\
                pytest = \"*\"\n";
    let packages = [
        "opentelemetry-api",
        "opentelemetry-sdk==1.24.0",
        "rich[jupyter]; python_version > '3.9'",
        "flask",
    ];
    let edited = add(text, &packages, &[]);
    assert_eq!(
        edited,
        "[tool.poetry.dependencies]\n\
         python = \"^3.10\"\n\
         Flask = \"^2.2\"  # web\n\
         opentelemetry-api = \"*\"\n\
         opentelemetry-sdk = \"==1.24.0\"\n\
         rich = { version = \"*\", extras = [\"jupyter\"], markers = \"python_version > '3.9'\" }\n\
         \n\
         # dev tools below\n\
         [tool.poetry.group.dev.dependencies]\n\
         pytest = \"*\"\n"
    );
}

#[test]
fn poetry_empty_dotted_and_inline_tables() {
    let edited = add(
        "[tool.poetry.dependencies]\n[tool.other]\n",
        &["opentelemetry-api"],
        &[],
    );
    assert_eq!(
        edited,
        "[tool.poetry.dependencies]\nopentelemetry-api = \"*\"\n[tool.other]\n"
    );

    let text = "[tool]\npoetry.dependencies.python = \"^3.10\"\n  poetry.dependencies.flask = \"2\"\nother = 1\n";
    let edited = add(text, &["opentelemetry-api"], &[]);
    assert_eq!(
        edited,
        "[tool]\npoetry.dependencies.python = \"^3.10\"\n  poetry.dependencies.flask = \"2\"\n  \
         poetry.dependencies.opentelemetry-api = \"*\"\nother = 1\n"
    );

    let text = "[tool.poetry]\ndependencies = { python = \"^3.10\" }\n";
    let after = "dependencies = { python = \"^3.10\", opentelemetry-api = \"*\" }";
    let edited = add(
        text,
        &["opentelemetry-api"],
        &[("dependencies = { python = \"^3.10\" }", after)],
    );
    assert_eq!(edited, format!("[tool.poetry]\n{after}\n"));
}

#[test]
fn present_in_other_spellings_adds_nothing() {
    assert!(
        add_to_pyproject(PEP621, &["flask", "Flask-CORS", "opentelemetry.sdk"])
            .unwrap()
            .is_none()
    );
    let poetry = "[tool.poetry.dependencies]\nopentelemetry_api = \"1.24.0\"\nOpenTelemetry-SDK = { version = \"1.24.0\" }\n";
    assert!(add_to_pyproject(poetry, &OTEL).unwrap().is_none());
}

#[test]
fn invalid_package_is_an_error_not_a_broken_file() {
    let error = add_to_pyproject(PEP621, &["./local/pkg"]).unwrap_err();
    assert!(error.message.contains("./local/pkg"), "{error}");
}

#[test]
fn poetry_table_implied_by_sub_tables_only() {
    let text = "[tool.poetry.dependencies.flask]\nversion = \"2\"\n";
    let deps = parse_pyproject(text).unwrap();
    assert_eq!(summary(&deps), [("flask", "==2", 1)]);
    let error = add_to_pyproject(text, &OTEL).unwrap_err();
    assert!(error.message.contains("header"), "{error}");
}

#[test]
fn multi_line_variants_of_the_closing_bracket() {
    let text = "[project]\ndependencies = [\n    \"flask\",\n    ]\n";
    let edited = add(text, &["opentelemetry-api"], &[]);
    assert_eq!(
        edited,
        "[project]\ndependencies = [\n    \"flask\",\n    \"opentelemetry-api\",\n    ]\n"
    );

    let text = "[project]\ndependencies = [\"flask\",\n  \"requests\"]\n";
    let edited = add(
        text,
        &["opentelemetry-api"],
        &[("  \"requests\"]", "  \"requests\",")],
    );
    assert_eq!(
        edited,
        "[project]\ndependencies = [\"flask\",\n  \"requests\",\n  \"opentelemetry-api\"]\n"
    );

    let text = "[project]\r\ndependencies = [\r\n  \"flask\"\r\n]\r\n";
    let edited = add(text, &OTEL, &[("  \"flask\"", "  \"flask\",")]);
    assert_eq!(
        edited,
        "[project]\r\ndependencies = [\r\n  \"flask\",\r\n  \"opentelemetry-api\",\r\n  \"opentelemetry-sdk\"\r\n]\r\n"
    );
}
