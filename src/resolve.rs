//! The exporter configuration as the backend container would see it: the
//! service's compose `environment` (over its `env_file`s), with `${VAR}`
//! interpolated by compose's rules from the shell environment and then the
//! project `.env`, and the OpenTelemetry SDK's rules on top. Every value
//! remembers where it came from, for `-v` and for doctor.

use crate::compose::{dotenv, interpolate};
use crate::project::Project;
use std::fmt;

/// Where a value of the container environment was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Compose { file: String, line: Option<usize> },
    EnvFile { file: String, line: usize },
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Compose {
                file,
                line: Some(l),
            } => write!(f, "{file}:{l}"),
            Origin::Compose { file, line: None } => write!(f, "{file}"),
            Origin::EnvFile { file, line } => write!(f, "{file}:{line} (env_file)"),
            Origin::Default => f.write_str("SDK default"),
        }
    }
}

/// Where compose found the value of a `${VAR}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarSource {
    Environment,
    DotEnv {
        line: usize,
    },
    /// Not set anywhere compose looks: it substitutes "" (or the default).
    Unset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub source: VarSource,
    pub used_default: bool,
}

/// One variable of the container environment.
#[derive(Debug, Clone)]
pub struct Setting {
    pub name: String,
    /// As written in the file, before interpolation (`None`: passed through).
    pub raw: Option<String>,
    /// What the container gets.
    pub value: String,
    pub origin: Origin,
    pub vars: Vec<VarRef>,
}

impl Setting {
    /// "docker-compose.yml:7, HONEYCOMB_API_KEY from .env:1"
    pub fn describe(&self) -> String {
        let mut out = self.origin.to_string();
        for v in &self.vars {
            let src = match &v.source {
                VarSource::Environment => "the shell environment".to_string(),
                VarSource::DotEnv { line } => format!(".env:{line}"),
                VarSource::Unset if v.used_default => "unset, default used".to_string(),
                VarSource::Unset => "UNSET (compose substitutes an empty string)".to_string(),
            };
            out.push_str(&format!(", ${{{}}} from {src}", v.name));
        }
        out
    }
}

#[derive(Debug, Default)]
pub struct ContainerEnv {
    pub settings: Vec<Setting>,
    /// Problems compose itself would report (unset variables, bad syntax).
    pub problems: Vec<String>,
}

impl ContainerEnv {
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(|s| s.value.as_str())
    }
}

/// Looks a name up the way compose does: the shell first, then `.env`.
pub struct Lookup<'a> {
    pub process: &'a dyn Fn(&str) -> Option<String>,
    pub dotenv: Vec<dotenv::DotenvEntry>,
}

impl Lookup<'_> {
    pub fn source(&self, name: &str) -> (Option<String>, VarSource) {
        if let Some(v) = (self.process)(name) {
            return (Some(v), VarSource::Environment);
        }
        match self.dotenv.iter().rev().find(|e| e.key == name) {
            Some(e) => (Some(e.value.clone()), VarSource::DotEnv { line: e.line }),
            None => (None, VarSource::Unset),
        }
    }
}

pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The backend service's environment, resolved.
pub fn container_env(project: &Project, process: &dyn Fn(&str) -> Option<String>) -> ContainerEnv {
    service_env(project, &project.backend.service, process)
}

/// Any service's environment, resolved the same way (the X-Ray daemon's,
/// the collector's).
pub fn service_env(
    project: &Project,
    name: &str,
    process: &dyn Fn(&str) -> Option<String>,
) -> ContainerEnv {
    let mut out = ContainerEnv::default();
    let dotenv = match &project.dotenv_entries {
        Ok(entries) => entries.clone(),
        Err(e) => {
            out.problems.push(format!(".env: {e}"));
            Vec::new()
        }
    };
    let lookup = Lookup { process, dotenv };
    let Some(service) = project.compose.service(name) else {
        return out;
    };

    for file in service.env_files() {
        let path = project.compose.dir().join(&file);
        let Ok(text) = project.read(&path) else {
            continue;
        };
        let Ok(entries) = dotenv::parse(&text) else {
            out.problems
                .push(format!("{file}: cannot be parsed as an env file"));
            continue;
        };
        for e in entries {
            out.settings.retain(|s| s.name != e.key);
            out.settings.push(Setting {
                name: e.key,
                raw: Some(e.value.clone()),
                value: e.value,
                origin: Origin::EnvFile {
                    file: file.clone(),
                    line: e.line,
                },
                vars: Vec::new(),
            });
        }
    }

    for var in service.environment() {
        let origin = Origin::Compose {
            file: project.compose.display(var.file),
            line: var.line,
        };
        let (value, vars) = match var.value.as_deref() {
            // `- KEY` alone copies the variable from compose's own environment.
            None => {
                let (v, source) = lookup.source(&var.name);
                let vars = vec![VarRef {
                    name: var.name.clone(),
                    source,
                    used_default: false,
                }];
                (v.unwrap_or_default(), vars)
            }
            Some(raw) => resolve_value(raw, &lookup, &var.name, &mut out.problems),
        };
        out.settings.retain(|s| s.name != var.name);
        out.settings.push(Setting {
            name: var.name.clone(),
            raw: var.value.clone(),
            value,
            origin,
            vars,
        });
    }
    out.problems.extend(unset_warnings(&out.settings));
    out
}

/// Compose's warning for each unset variable, once, naming every setting it empties.
fn unset_warnings(settings: &[Setting]) -> Vec<String> {
    let mut unset: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in settings.iter().filter(|s| s.raw.is_some()) {
        for v in s
            .vars
            .iter()
            .filter(|v| v.source == VarSource::Unset && !v.used_default)
        {
            match unset.iter_mut().find(|(n, _)| *n == v.name) {
                Some((_, used_in)) => used_in.push(&s.name),
                None => unset.push((&v.name, vec![&s.name])),
            }
        }
    }
    unset
        .into_iter()
        .map(|(name, used_in)| {
            format!(
                "The \"{name}\" variable is not set. Defaulting to a blank string. (in {})",
                used_in.join(", ")
            )
        })
        .collect()
}

fn resolve_value(
    raw: &str,
    lookup: &Lookup,
    name: &str,
    problems: &mut Vec<String>,
) -> (String, Vec<VarRef>) {
    let get = |n: &str| lookup.source(n).0;
    match interpolate::interpolate(raw, &get) {
        Ok(done) => {
            let mut vars: Vec<VarRef> = Vec::new();
            for u in done.uses {
                if vars.iter().any(|v| v.name == u.name) {
                    continue;
                }
                let source = lookup.source(&u.name).1;
                vars.push(VarRef {
                    name: u.name,
                    source,
                    used_default: u.used_default,
                });
            }
            (done.value, vars)
        }
        Err(e) => {
            problems.push(format!("{name}: {e}"));
            (String::new(), Vec::new())
        }
    }
}

/// A value with the place it came from, as shown by `-v`.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub value: String,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// The configuration the Python OTLP/HTTP exporter would use.
#[derive(Debug, Clone)]
pub struct Exporter {
    /// The full traces URL (base + /v1/traces, or the traces endpoint as given).
    pub traces_url: Option<Resolved>,
    pub headers: Vec<Header>,
    pub headers_from: String,
    /// Header entries the SDK would drop (`Header format invalid!`).
    pub invalid_headers: Vec<String>,
    pub service_name: Resolved,
}

#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub endpoint: Option<String>,
    pub service_name: Option<String>,
}

/// Applies the OpenTelemetry environment rules (opentelemetry-python) to the
/// container environment, then the flags.
pub fn exporter(env: &ContainerEnv, flags: &Overrides) -> Exporter {
    let described = |name: &str| env.get(name).map(|s| format!("{name} at {}", s.describe()));
    let traces_url = if let Some(url) = &flags.endpoint {
        Some(Resolved {
            value: signal_url(url),
            from: "flag --endpoint".into(),
        })
    } else if let Some(v) = env
        .value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .filter(|v| !v.trim().is_empty())
    {
        Some(Resolved {
            value: v.trim().to_string(),
            from: described("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").unwrap_or_default(),
        })
    } else {
        env.value("OTEL_EXPORTER_OTLP_ENDPOINT")
            .filter(|v| !v.trim().is_empty())
            .map(|v| Resolved {
                value: signal_url(v.trim()),
                from: described("OTEL_EXPORTER_OTLP_ENDPOINT").unwrap_or_default(),
            })
    };
    let (header_var, header_value) = [
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "OTEL_EXPORTER_OTLP_HEADERS",
    ]
    .iter()
    .find_map(|n| env.value(n).map(|v| (*n, v)))
    .unwrap_or(("OTEL_EXPORTER_OTLP_HEADERS", ""));
    let (headers, invalid_headers) = parse_headers(header_value);
    let service_name = match (
        &flags.service_name,
        env.value("OTEL_SERVICE_NAME")
            .filter(|v| !v.trim().is_empty()),
    ) {
        (Some(s), _) => Resolved {
            value: s.clone(),
            from: "flag --service-name".into(),
        },
        (None, Some(s)) => Resolved {
            value: s.trim().to_string(),
            from: described("OTEL_SERVICE_NAME").unwrap_or_default(),
        },
        (None, None) => match env
            .value("OTEL_RESOURCE_ATTRIBUTES")
            .and_then(service_name_attribute)
        {
            Some(s) => Resolved {
                value: s,
                from: described("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default(),
            },
            None => Resolved {
                value: "unknown_service".into(),
                from: "SDK default (no OTEL_SERVICE_NAME)".into(),
            },
        },
    };
    Exporter {
        traces_url,
        headers,
        headers_from: described(header_var).unwrap_or_else(|| "not set".into()),
        invalid_headers,
        service_name,
    }
}

/// The HTTP exporter appends `v1/traces` to the base URL, never checking for
/// a duplicate (opentelemetry-python `_append_trace_path`).
pub fn signal_url(base: &str) -> String {
    if base.ends_with('/') {
        format!("{base}v1/traces")
    } else {
        format!("{base}/v1/traces")
    }
}

fn service_name_attribute(attrs: &str) -> Option<String> {
    attrs.split(',').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.trim() == "service.name")
            .then(|| percent_decode(v.trim()))
            .filter(|v| !v.is_empty())
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `k=v,k2=v2` as opentelemetry-python reads it: names lowercased, values
/// percent-decoded; an entry that is not `token=value` is dropped (the SDK
/// logs `Header format invalid!`). Returns (headers, dropped entries).
pub fn parse_headers(value: &str) -> (Vec<Header>, Vec<String>) {
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
    };
    let mut headers = Vec::new();
    let mut invalid = Vec::new();
    for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        match entry.split_once('=') {
            Some((k, v)) if token(k.trim()) && !v.trim().starts_with(['"', '\'']) => {
                headers.push(Header {
                    name: k.trim().to_ascii_lowercase(),
                    value: percent_decode(v.trim()),
                })
            }
            _ => invalid.push(entry.to_string()),
        }
    }
    (headers, invalid)
}

impl Exporter {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_str())
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
