//! `cruddur-obs doctor`: discover, run every check, render, optionally fix.

use crate::cli::DoctorArgs;
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
    let project = match project::discover(&opts) {
        Ok(p) => p,
        Err(e) => {
            let Some(de) = e.downcast_ref::<DiscoverError>() else {
                return Err(e);
            };
            let mut d = Diagnosis::default();
            d.add(
                "discover",
                Category::Layout,
                Ok(vec![discovery_finding(de, &opts.dir)]),
            );
            if let Some((text, source)) = &logs {
                d.add("logs", Category::Logs, Ok(doctor::logs::scan(text, source)));
            }
            return finish(
                &args,
                &d,
                &format!(
                    "cruddur-obs doctor: the project in {} could not be read",
                    opts.dir.display()
                ),
                &[],
            );
        }
    };

    let mut d = diagnose(&project, &args, logs.as_ref());
    let header = format!(
        "cruddur-obs doctor: `{}` in {}",
        project.backend.service,
        project.compose.describe()
    );
    if args.fix {
        let fixable: Vec<Finding> = d.findings.iter().filter(|f| f.fixable).cloned().collect();
        if fixable.is_empty() {
            say!("Nothing doctor --fix can repair automatically.");
        } else {
            let plan = doctor::fix::plan(&project, &fixable)?;
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
                    let project = project::discover(&opts)
                        .context("the project could not be read after fixing")?;
                    d = diagnose(&project, &args, logs.as_ref());
                }
            }
        }
    }
    let secrets = secret_values(&project);
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    finish(&args, &d, &header, &refs)
}

fn diagnose(project: &Project, args: &DoctorArgs, logs: Option<&(String, String)>) -> Diagnosis {
    let ctx = Ctx::new(project, &crate::resolve::process_env);
    let mut d = doctor::diagnose_offline(&ctx);
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
    if let Some((text, source)) = logs {
        d.add("logs", Category::Logs, Ok(doctor::logs::scan(text, source)));
    }
    d
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
    let file = e
        .path
        .as_ref()
        .map(|p| p.strip_prefix(dir).unwrap_or(p).display().to_string())
        .unwrap_or_else(|| ".".into());
    let fix = match e.id {
        "compose-missing" => {
            "run doctor in the project root (where docker-compose.yml is), or pass --dir/--file"
        }
        "compose-invalid" if e.line.is_some() => "fix the YAML at that line and column (`docker compose config` shows the same error)",
        "compose-invalid" => "give the file a `services:` mapping with the backend in it, or point --file at the compose file that has one",
        _ => "pass --service NAME, or give the Flask service a build context holding app.py",
    };
    Finding::new(e.id, e.detail.clone().unwrap_or_else(|| e.message.clone()))
        .at(file, e.line)
        .column(e.column)
        .fix(fix)
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
