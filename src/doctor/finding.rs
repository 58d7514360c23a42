//! A finding is data: what is wrong, where, the evidence, the fix in words,
//! and (for fixable ids) the edit that repairs it. Rendering is elsewhere.

use super::catalogue;
use crate::compose::edit::EnvOp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Layout,
    ComposeEnv,
    ComposeFile,
    Collector,
    Secrets,
    Dependencies,
    Code,
    Network,
    Stack,
    Logs,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Layout => "Project layout",
            Category::ComposeEnv => "Compose environment",
            Category::ComposeFile => "Compose file",
            Category::Collector => "OpenTelemetry Collector",
            Category::Secrets => "Keys and secrets",
            Category::Dependencies => "Python dependencies and image",
            Category::Code => "Backend code",
            Category::Network => "Network",
            Category::Stack => "Running stack",
            Category::Logs => "Application logs",
        }
    }

    pub const ALL: [Category; 10] = [
        Category::Layout,
        Category::ComposeEnv,
        Category::ComposeFile,
        Category::Collector,
        Category::Secrets,
        Category::Dependencies,
        Category::Code,
        Category::Network,
        Category::Stack,
        Category::Logs,
    ];
}

/// Whether a finding is about the project's files or this shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Project,
    Shell,
}

/// A repair, applied through the same plan/writer init uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Change the backend service's compose environment.
    Env(Vec<EnvOp>),
    /// Add packages to the backend's requirements.
    AddPackages(Vec<String>),
    /// Replace `from` with `to` on one line of a file (1-based line).
    ReplaceOnLine {
        path: std::path::PathBuf,
        line: usize,
        from: String,
        to: String,
    },
    /// Store a secret in the project .env (moved out of a tracked file).
    StoreInDotenv { name: String, value: String },
    /// chmod 600 the project .env.
    DotenvPermissions,
    /// Add `.env` to .gitignore.
    IgnoreDotenv,
    /// Quote an unquoted boolean of a service's compose `environment`
    /// (`path`: the compose file, `service`: its name in that file).
    QuoteEnvValue {
        path: std::path::PathBuf,
        service: String,
        name: String,
    },
    /// Set an OTLP receiver protocol's endpoint in a collector config.
    ReceiverEndpoint {
        path: std::path::PathBuf,
        receiver: String,
        protocol: String,
        endpoint: String,
    },
    /// Delete a temp file an interrupted run left (it holds a secret).
    RemoveFile(std::path::PathBuf),
}

/// One problem found. Its fix text is the catalogue's for its id, filled
/// through [`Finding::fill`]; nothing else can set it, so an id reads the same
/// from every check, `--logs`, the network and the stack:
///
/// ```
/// let f = cruddur_obs::doctor::Finding::new("compose-var-unset", "t").fill("var", "A");
/// assert!(f.fix().starts_with("Set `A` where compose reads"));
/// ```
/// ```compile_fail,E0616
/// let mut f = cruddur_obs::doctor::Finding::new("compose-var-unset", "t");
/// f.fix = "a remedy of the check's own".into();
/// ```
/// ```compile_fail,E0061
/// let f = cruddur_obs::doctor::Finding::new("compose-var-unset", "t")
///     .fix("a remedy of the check's own");
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub evidence: Option<String>,
    /// The catalogue's fix text for `id`, its placeholders filled with
    /// `values`: private, so no check can say an id's remedy its own way.
    fix: String,
    pub fixable: bool,
    #[serde(skip)]
    pub edits: Vec<Fix>,
    /// Whether it holds for the project's files or only for the shell that
    /// runs doctor (a key not exported here).
    pub scope: Scope,
    /// What the finding is about (variable names, a module), for grouping
    /// findings of one cause and for the table of implications.
    #[serde(skip)]
    pub about: Vec<String>,
    /// The compose service it concerns, when it concerns one.
    #[serde(skip)]
    pub service: Option<String>,
    /// What other findings it accounts for, said in its title (judge.rs).
    #[serde(skip)]
    pub consequences: Vec<&'static str>,
    /// The catalogue's fix text with its placeholders.
    #[serde(skip)]
    template: &'static str,
    /// What the check filled in, in the order given.
    #[serde(skip)]
    values: Vec<(&'static str, String)>,
}

/// A message written for a reader with no fix text to go by (an error of
/// discovery, a send-test-span report) says what happened, then what to do
/// (`…: set X`, `…; choose one with --service`, `…. If that host is right,
/// configure it`). As a finding's title it keeps what happened: the fix text
/// says what to do.
pub fn without_advice(message: &str) -> String {
    const VERBS: &str =
        "set add remove create try use copy give put pass choose select run enable check wait retry configure";
    let advice = |sep: &str, rest: &str| {
        let first = rest
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        rest.contains(' ')
            && (VERBS.split(' ').any(|v| v == first) || (sep == ". " && first == "if"))
    };
    let cut = [": ", "; ", ". "]
        .iter()
        .flat_map(|sep| message.match_indices(sep).map(move |(i, _)| (i, *sep)))
        .filter(|(i, sep)| advice(sep, &message[i + sep.len()..]))
        .map(|(i, _)| i)
        .min()
        .unwrap_or(message.len());
    message[..cut].trim_end().trim_end_matches('.').to_string()
}

impl Finding {
    /// Severity, category and the fix text come from the catalogue, so an
    /// id always reports the same way.
    pub fn new(id: &'static str, title: impl Into<String>) -> Finding {
        let e = catalogue::entry(id);
        Finding {
            id,
            severity: e.severity,
            category: e.category,
            title: title.into(),
            file: None,
            line: None,
            column: None,
            evidence: None,
            fix: e.fix_with(&[]),
            fixable: false,
            edits: Vec::new(),
            scope: Scope::Project,
            about: Vec::new(),
            service: None,
            consequences: Vec::new(),
            template: e.fix,
            values: Vec::new(),
        }
    }

    /// Gives a placeholder of the catalogue's fix text its value (`service`,
    /// `file`, `var`, `package`, `requirements`, `value`, `command`: see
    /// catalogue::placeholders); one not given reads as a generic phrase.
    /// This is the only way a check shapes the fix text.
    pub fn fill(mut self, name: &'static str, value: impl Into<String>) -> Finding {
        self.fill_in(name, value);
        self
    }

    /// [`Finding::fill`] on a finding held by reference (the judgement
    /// refills the variables of a grouped finding).
    pub fn fill_in(&mut self, name: &'static str, value: impl Into<String>) {
        debug_assert!(
            catalogue::placeholders::NAMES
                .iter()
                .any(|p| p.name == name),
            "unknown placeholder {name}"
        );
        self.values.retain(|(n, _)| *n != name);
        self.values.push((name, value.into()));
        let values: Vec<(&str, &str)> = self.values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        self.fix = catalogue::fill(self.template, &values);
    }

    /// The fix text: the catalogue's for this id, as filled.
    pub fn fix(&self) -> &str {
        &self.fix
    }

    /// The placeholder values the fix text was filled with (those its
    /// template has: `service()` names the service whether or not it does).
    pub fn values(&self) -> Vec<(&'static str, &str)> {
        let used = catalogue::placeholders::names(self.template);
        self.values
            .iter()
            .filter(|(n, _)| used.contains(n))
            .map(|(n, v)| (*n, v.as_str()))
            .collect()
    }

    pub fn file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, file: impl Into<String>, line: Option<usize>) -> Finding {
        self.file = Some(file.into());
        self.line = line;
        self
    }

    pub fn column(mut self, column: Option<usize>) -> Finding {
        self.column = column;
        self
    }

    pub fn evidence(mut self, evidence: impl Into<String>) -> Finding {
        self.evidence = Some(evidence.into());
        self
    }

    /// Attaches the repair; only ids the catalogue marks fixable take one.
    pub fn edit(mut self, edit: Fix) -> Finding {
        debug_assert!(
            catalogue::entry(self.id).fixable,
            "{} is not fixable",
            self.id
        );
        self.edits.push(edit);
        self.fixable = true;
        self
    }

    /// Marks the finding as holding for this shell only.
    pub fn in_shell(mut self) -> Finding {
        self.scope = Scope::Shell;
        self
    }

    /// Names what the finding is about (variables, modules).
    pub fn about<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Finding {
        self.about.extend(names.into_iter().map(Into::into));
        self
    }

    /// The compose service the finding concerns; the fix text's `{service}`
    /// names it too.
    pub fn service(mut self, name: impl Into<String>) -> Finding {
        let name = name.into();
        self.fill_in("service", name.clone());
        self.service = Some(name);
        self
    }

    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_keeps_what_happened_and_drops_what_to_do() {
        let cases = [
            (
                "the key is rejected by https://api.honeycomb.io but accepted by https://api.eu1.honeycomb.io: set OTEL_EXPORTER_OTLP_ENDPOINT=https://api.eu1.honeycomb.io",
                "the key is rejected by https://api.honeycomb.io but accepted by https://api.eu1.honeycomb.io",
            ),
            (
                "several services build a Flask app: api, web; choose one with --service",
                "several services build a Flask app: api, web",
            ),
            (
                "https://x/v1/traces answered 301 redirecting to https://y/: not followed: it would send the key to another host. If that host is the right one, configure its URL directly",
                "https://x/v1/traces answered 301 redirecting to https://y/: not followed: it would send the key to another host",
            ),
            (
                "403: Rollbar does not know this access token (mistyped); copy a post_server_item token",
                "403: Rollbar does not know this access token (mistyped)",
            ),
            // A condition that is part of what happened stays.
            (
                "the key may not create datasets: if dataset \"x\" does not exist yet, its spans are dropped",
                "the key may not create datasets: if dataset \"x\" does not exist yet, its spans are dropped",
            ),
            ("401: the key was rejected", "401: the key was rejected"),
        ];
        for (message, title) in cases {
            assert_eq!(without_advice(message), title);
        }
    }

    #[test]
    fn the_fix_text_is_the_catalogues_whatever_is_filled() {
        let f = Finding::new("container-env-stale", "t")
            .fill("command", "docker-compose up -d api")
            .evidence("e")
            .service("api");
        assert_eq!(f.fix(), catalogue::entry(f.id).fix_with(&f.values()));
        // `service()` named the service, but this text has no `{service}`.
        assert_eq!(f.values(), [("command", "docker-compose up -d api")]);
        assert!(
            f.fix().contains("`docker-compose up -d api`"),
            "{}",
            f.fix()
        );
    }
}
