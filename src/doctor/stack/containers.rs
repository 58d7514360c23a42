//! The project's containers, found by compose's labels (v1 and v2 set the
//! same ones), and whether the backend and its daemons are running.

use super::engine::{Engine, EngineError};
use super::{logs, Outcome, StackInput};
use crate::doctor::Finding;
use serde_json::Value;
use std::path::Path;

const PROJECT: &str = "com.docker.compose.project";
const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
const SERVICE: &str = "com.docker.compose.service";
const ONEOFF: &str = "com.docker.compose.oneoff";
const VERSION: &str = "com.docker.compose.version";
const CONFIG_FILES: &str = "com.docker.compose.project.config_files";

/// One container as the list endpoint shows it.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: String,
    pub service: String,
    pub created: i64,
    pub labels: serde_json::Map<String, Value>,
}

/// One container as inspect shows it.
#[derive(Debug, Clone)]
pub struct Container {
    pub id: String,
    /// Without the leading `/`.
    pub name: String,
    pub running: bool,
    pub restarting: bool,
    /// created, restarting, running, paused, exited, dead.
    pub status: String,
    pub exit_code: i64,
    pub restart_count: i64,
    pub oom_killed: bool,
    pub started_at: String,
    pub image_id: String,
    /// `NAME=value` entries.
    pub env: Vec<String>,
    pub tty: bool,
}

pub struct ProjectContainers {
    pub all: Vec<Summary>,
    /// The newest container of the backend service, inspected.
    pub backend: Option<Container>,
}

/// Every container of this project (one-off `run` containers aside).
pub fn find(engine: &Engine, input: &StackInput) -> Result<ProjectContainers, EngineError> {
    let filters = percent_encoding::utf8_percent_encode(
        &format!(r#"{{"label":["{PROJECT}"]}}"#),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    let list = engine.get(&format!("/containers/json?all=1&filters={filters}"))?;
    let mut all: Vec<Summary> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let labels = c["Labels"].as_object()?.clone();
            let label = |k: &str| labels.get(k).and_then(Value::as_str).unwrap_or_default();
            if label(ONEOFF).eq_ignore_ascii_case("true")
                || !belongs(label(WORKING_DIR), label(PROJECT), input)
            {
                return None;
            }
            Some(Summary {
                id: c["Id"].as_str()?.to_string(),
                service: label(SERVICE).to_string(),
                created: c["Created"].as_i64().unwrap_or(0),
                labels,
            })
        })
        .collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.created));
    let backend = match newest(&all, &input.backend.name) {
        Some(s) => Some(inspect(engine, &s.id)?),
        None => None,
    };
    Ok(ProjectContainers { all, backend })
}

/// Same directory (as written, or the same place on disk); a container
/// without the label (old compose) counts by project name alone.
fn belongs(working_dir: &str, project: &str, input: &StackInput) -> bool {
    if working_dir.is_empty() {
        return project == input.project_name;
    }
    let dir = Path::new(working_dir);
    dir == input.working_dir
        || matches!(
            (dir.canonicalize(), input.working_dir.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        )
}

fn newest<'a>(all: &'a [Summary], service: &str) -> Option<&'a Summary> {
    all.iter().find(|c| c.service == service)
}

pub fn inspect(engine: &Engine, id: &str) -> Result<Container, EngineError> {
    let v = engine.get(&format!("/containers/{id}/json"))?;
    let s = &v["State"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    Ok(Container {
        id: text(&v["Id"]),
        name: text(&v["Name"]).trim_start_matches('/').to_string(),
        running: s["Running"].as_bool().unwrap_or(false),
        restarting: s["Restarting"].as_bool().unwrap_or(false),
        status: text(&s["Status"]),
        exit_code: s["ExitCode"].as_i64().unwrap_or(0),
        restart_count: v["RestartCount"].as_i64().unwrap_or(0),
        oom_killed: s["OOMKilled"].as_bool().unwrap_or(false),
        started_at: text(&s["StartedAt"]),
        image_id: text(&v["Image"]),
        env: v["Config"]["Env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect(),
        tty: v["Config"]["Tty"].as_bool().unwrap_or(false),
    })
}

/// The command that drives this project: `docker-compose` for containers
/// compose v1 made, `-p` when the project name is not the default one here,
/// `-f` when the files are not the one default file.
pub fn compose_command(project: &ProjectContainers, input: &StackInput) -> String {
    let Some(c) = project.all.first() else {
        return "docker compose".into();
    };
    let label = |k: &str| c.labels.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut cmd = if label(VERSION).starts_with("1.") {
        "docker-compose".to_string()
    } else {
        "docker compose".to_string()
    };
    let files: Vec<&str> = label(CONFIG_FILES)
        .split(',')
        .filter(|f| !f.is_empty())
        .collect();
    let default = |f: &&str| {
        let name = Path::new(f).file_name().and_then(|n| n.to_str());
        name.is_some_and(|n| crate::compose::FILE_NAMES.contains(&n))
    };
    if !(files.len() <= 1 && files.iter().all(default)) {
        for f in files {
            let shown = Path::new(f)
                .strip_prefix(&input.working_dir)
                .unwrap_or(Path::new(f));
            cmd.push_str(&format!(" -f {}", shown.display()));
        }
    }
    let name = label(PROJECT);
    if !name.is_empty() && name != input.project_name {
        cmd.push_str(&format!(" -p {name}"));
    }
    cmd
}

/// `container-not-running` for the backend and each daemon compose defines.
pub fn running(
    engine: &Engine,
    input: &StackInput,
    project: &ProjectContainers,
    cmd: &str,
) -> Outcome {
    let mut out = Vec::new();
    for service in std::iter::once(&input.backend.name).chain(&input.daemons) {
        let container = if *service == input.backend.name {
            project.backend.clone()
        } else {
            match newest(&project.all, service).map(|s| inspect(engine, &s.id)) {
                Some(Ok(c)) => Some(c),
                Some(Err(e)) => return Outcome::Unsure(e.to_string()),
                None => None,
            }
        };
        let Some(c) = container else {
            out.push(
                Finding::new(
                    "container-not-running",
                    format!(
                        "compose defines `{service}` but this project has no container of it: {}",
                        consequence(service, input)
                    ),
                )
                .fill("command", format!("{cmd} up -d {service}")),
            );
            continue;
        };
        if c.running && !c.restarting && c.status == "running" {
            continue;
        }
        let (causes, tail) = match logs::last_lines(engine, &c) {
            Ok(x) => x,
            Err(e) => return Outcome::Unsure(e.to_string()),
        };
        out.push(not_running(service, &c, &causes, &tail, input, cmd));
        out.extend(causes);
    }
    Outcome::Found(out)
}

fn consequence(service: &str, input: &StackInput) -> &'static str {
    if service == input.backend.name {
        "no request is served and no span is sent"
    } else if service.contains("xray") {
        "the backend's X-Ray segments go nowhere"
    } else {
        "whatever is sent to it is lost"
    }
}

/// The finding for one stopped container: its state, the consequence, and
/// the log lines that say why (`causes` carry their own ids).
pub fn not_running(
    service: &str,
    c: &Container,
    causes: &[Finding],
    tail: &[String],
    input: &StackInput,
    cmd: &str,
) -> Finding {
    let state = match c.status.as_str() {
        _ if c.restarting => format!(
            "keeps restarting (exit code {}, restarted {} times)",
            c.exit_code, c.restart_count
        ),
        "exited" | "dead" if c.oom_killed => {
            format!("was killed for lack of memory (exit code {})", c.exit_code)
        }
        "exited" | "dead" => format!(
            "exited with code {} (restarted {} times)",
            c.exit_code, c.restart_count
        ),
        "created" => "was created but never started".into(),
        "paused" => "is paused".into(),
        other => format!("is {other} (exit code {})", c.exit_code),
    };
    let mut title = format!(
        "the {service} container ({}) {state}: {}",
        c.name,
        consequence(service, input)
    );
    let ids: Vec<&str> = causes.iter().map(|f| f.id).collect();
    if !ids.is_empty() {
        title.push_str(&format!("; its log names the cause: {}", ids.join(", ")));
    }
    // With no known line, the last lines are quoted and the full log named.
    let evidence = if causes.is_empty() {
        let mut quoted = tail.to_vec();
        quoted.push(format!("`{cmd} logs {service}` shows the rest"));
        quoted.join(" ⏎ ")
    } else {
        causes
            .iter()
            .filter_map(|f| f.evidence.clone())
            .collect::<Vec<_>>()
            .join(" ⏎ ")
    };
    Finding::new("container-not-running", title)
        .fill("command", format!("{cmd} up -d {service}"))
        .evidence(evidence)
}
