//! `cruddur-obs doctor`: discover, run every check, render, optionally fix.

use crate::cli::DoctorArgs;
use crate::doctor::finding::without_advice;
use crate::doctor::{self, checks, render, Category, Ctx, Diagnosis, Finding};
use crate::project::{self, DiscoverError, Project};
use crate::prompt::Interaction;
use anyhow::{bail, Context, Result};
use std::io::IsTerminal;
use std::time::Duration;

pub fn run(args: DoctorArgs) -> Result<u8> {
    // With --json, stdout carries only the JSON document; the fix's diff and
    // progress go to stderr.
    let json = args.json;
    macro_rules! say {
        ($($t:tt)*) => { if json { eprintln!($($t)*) } else { println!($($t)*) } };
    }
    macro_rules! say_raw {
        ($($t:tt)*) => { if json { eprint!($($t)*) } else { print!($($t)*) } };
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a positive number of seconds");
    }
    let logs = read_logs(&args)?;
    // doctor only reads the project (a --fix write re-reads and refuses links).
    crate::fsutil_read::follow_links_for_reading();
    let opts = args.project.discover_options();
    let mut ws = project::discover_all(&opts)?;
    let mut run = diagnose_workspace(&ws, &args, logs.as_ref());
    if args.fix {
        if let Ok(project) = &ws.main {
            let fixable: Vec<Finding> = run
                .diagnosis
                .findings
                .iter()
                .filter(|f| f.fixable)
                .cloned()
                .collect();
            if fixable.is_empty() {
                say!("Nothing doctor --fix can repair automatically.");
            } else {
                let plan = doctor::fix::plan(project, &fixable)?;
                say_raw!("{}", plan.render_diff());
                if args.dry_run {
                    say!(
                        "\nDry run: nothing was written. {} file(s) would change.",
                        plan.edits.len()
                    );
                } else {
                    let io = Interaction::new(args.no_input);
                    if !args.yes && !io.confirm("Apply these fixes?", "--yes")? {
                        say!("Nothing was written.");
                    } else {
                        plan.write_files()?;
                        for line in plan.summary_lines() {
                            say!("  {line}");
                        }
                        say!("\nChecking again…\n");
                        ws = project::discover_all(&opts)
                            .context("the project could not be read after fixing")?;
                        run = diagnose_workspace(&ws, &args, logs.as_ref());
                    }
                }
            }
        }
    }
    let secrets = match &ws.main {
        Ok(p) => secret_values(p),
        Err(_) => Vec::new(),
    };
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let code = finish(&args, &run.diagnosis, &run.header, &refs)?;
    // The project itself could not be read: the job was not done.
    Ok(if run.unreadable { 2 } else { code })
}

struct Run {
    diagnosis: Diagnosis,
    header: String,
    /// No compose project could be read at all.
    unreadable: bool,
}

/// Every compose project of the directory: the selected one (its checks and
/// the network), then the other compose files, whose findings join the
/// report under their own file names. Judged together, so a finding shared
/// by several projects (the code) is said once.
fn diagnose_workspace(
    ws: &project::Workspace,
    args: &DoctorArgs,
    logs: Option<&(String, String)>,
) -> Run {
    let mut d = Diagnosis::default();
    // Each compose project's findings, judged apart before being merged.
    let mut projects: Vec<Vec<Finding>> = Vec::new();
    let mut checked: Vec<String> = Vec::new();
    let mut failed_main = None;
    let mut network_done = false;
    match &ws.main {
        Ok(p) => {
            d = diagnose(p, args, true);
            projects.push(std::mem::take(&mut d.findings));
            network_done = true;
            checked.push(format!(
                "`{}` in {}",
                p.backend.service,
                p.compose.describe()
            ));
        }
        Err(e) => match e.downcast_ref::<DiscoverError>() {
            Some(de) => {
                d.add(
                    "discover",
                    Category::Layout,
                    Ok(vec![discovery_finding(de, &ws.root)]),
                );
                failed_main = Some(de.id);
            }
            None => d.add("discover", Category::Layout, Err(format!("{e:#}"))),
        },
    }
    for (path, project) in &ws.others {
        let shown = path
            .strip_prefix(&ws.root)
            .unwrap_or(path)
            .display()
            .to_string();
        match project {
            Ok(p) => {
                let other = diagnose(p, args, !network_done);
                if !network_done {
                    // With no default file, the first variant stands in for
                    // the project: its check results are the report's.
                    d.results = other.results;
                    network_done = true;
                }
                projects.push(other.findings);
                checked.push(shown);
            }
            Err(e) => {
                if let Some(de) = e.downcast_ref::<DiscoverError>() {
                    d.findings.push(discovery_finding(de, &ws.root));
                }
            }
        }
    }
    if let Some((text, source)) = logs {
        d.add("logs", Category::Logs, Ok(doctor::logs::scan(text, source)));
    }
    projects.push(std::mem::take(&mut d.findings));
    d.findings = doctor::judge::judge_projects(projects);
    let header = match (checked.first(), checked.len()) {
        (None, _) => format!(
            "cruddur-obs doctor: the project in {} could not be read",
            ws.root.display()
        ),
        (Some(first), 1) => format!("cruddur-obs doctor: {first}"),
        (Some(first), _) => format!(
            "cruddur-obs doctor: {first} (also checked: {})",
            checked[1..].join(", ")
        ),
    };
    Run {
        diagnosis: d,
        header,
        unreadable: checked.is_empty() && failed_main.is_some(),
    }
}

fn diagnose(project: &Project, args: &DoctorArgs, network: bool) -> Diagnosis {
    let ctx = Ctx::new(project, &crate::resolve::process_env);
    let mut d = doctor::diagnose_offline(&ctx);
    // Network and the running stack belong to the project compose runs; the
    // other compose files of the directory are checked offline only.
    if !network {
        leak(ctx);
        return d;
    }
    // The running stack is read on its own thread while the network checks run.
    let stack = doctor::stack::spawn(
        &ctx,
        doctor::stack::Options {
            timeout: Duration::from_secs_f64(args.timeout),
            offline: args.offline,
            disabled: args.no_stack,
        },
    );
    if args.offline {
        checks::network::skip_all(&mut d, "--offline");
    } else {
        let spinner = Spinner::start(!args.json);
        checks::network::run(
            &ctx,
            &args.remote,
            Duration::from_secs_f64(args.timeout),
            &mut d,
        );
        spinner.stop();
    }
    stack.join(&mut d);
    leak(ctx);
    d
}

/// The parsed project lives until the process exits a moment later: freeing
/// every syntax tree first would cost more than the checks that read them.
fn leak(ctx: Ctx) {
    if let Some(report) = ctx.code().cache_report() {
        eprintln!("{report}");
    }
    std::mem::forget(ctx);
}

fn finish(args: &DoctorArgs, d: &Diagnosis, header: &str, secrets: &[&str]) -> Result<u8> {
    if args.json {
        println!("{}", render::json(d, secrets));
    } else {
        print!(
            "{}",
            render::text(
                d,
                header,
                secrets,
                &render::Style {
                    verbose: args.verbose
                }
            )
        );
    }
    let failed = d.errors() > 0 || (args.strict && d.warnings() > 0);
    Ok(u8::from(failed))
}

fn discovery_finding(e: &DiscoverError, dir: &std::path::Path) -> Finding {
    let shown = |p: &std::path::Path| p.strip_prefix(dir).unwrap_or(p).display().to_string();
    let file = e.path.as_deref().map(shown).unwrap_or_else(|| ".".into());
    // The message ends with what to do, for the other commands; here the
    // catalogue's fix text says it.
    let said = e.detail.as_deref().unwrap_or(&e.message);
    let f = Finding::new(e.id, without_advice(said))
        .at(file, e.line)
        .column(e.column);
    match e.variants.first() {
        Some(v) if e.id == "compose-no-default" => {
            let v = shown(v);
            f.fill("command", format!("docker compose -f {v} up"))
                .fill("file", v)
        }
        _ => f,
    }
}

/// The `--logs` text and its source name, read with bounded memory (see
/// `doctor::logs::input`); what was cut or left unread is noted on stderr.
fn read_logs(args: &DoctorArgs) -> Result<Option<(String, String)>> {
    let Some(path) = &args.logs else {
        return Ok(None);
    };
    let (input, source) = if path.as_os_str() == "-" {
        let input = doctor::logs::input::read_bounded(std::io::stdin().lock())
            .context("cannot read logs from standard input")?;
        (input, "stdin".to_string())
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the log file {}", path.display()))?;
        let input = doctor::logs::input::read_bounded(file)
            .with_context(|| format!("cannot read the log file {}", path.display()))?;
        (input, path.display().to_string())
    };
    for note in input.notes(&source) {
        eprintln!("note: {note}");
    }
    Ok(Some((input.text, source)))
}

fn secret_values(project: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for name in crate::secrets::SECRET_VARS {
        out.extend(crate::secrets::dotenv_value(&project.dotenv, name));
        out.extend(std::env::var(name).ok().filter(|v| v.len() >= 8));
    }
    out
}

/// A spinner on stderr while the network checks run, on a terminal only.
struct Spinner {
    stop: Option<std::sync::mpsc::Sender<()>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start(enabled: bool) -> Spinner {
        if !enabled || !std::io::stderr().is_terminal() {
            return Spinner {
                stop: None,
                handle: None,
            };
        }
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            for i in 0.. {
                eprint!("\r{} checking the network…", frames[i % frames.len()]);
                if rx.recv_timeout(Duration::from_millis(80)).is_ok() {
                    break;
                }
            }
            eprint!("\r\x1b[2K");
        });
        Spinner {
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            tx.send(()).ok();
        }
        if let Some(h) = self.handle.take() {
            h.join().ok();
        }
    }
}
