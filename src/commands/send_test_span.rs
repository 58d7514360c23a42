//! `cruddur-obs send-test-span`: resolve what the backend container would
//! use, send one test item to each configured target concurrently, and say
//! what each server answered.

use crate::cli::{SendArgs, Target};
use crate::http::Http;
use crate::mask::{mask, mask_text};
use crate::project::{self, Project};
use crate::resolve::{self, ContainerEnv, Exporter, Overrides};
use crate::send::{self, Report};
use anyhow::{bail, Result};
use colored::Colorize;
use std::time::Duration;

pub fn run(args: SendArgs) -> Result<u8> {
    let timeout = Duration::from_secs_f64(args.timeout);
    crate::fsutil_read::follow_links_for_reading();
    let opts = args.project.discover_options();
    let project = project::discover(&opts)?;
    let env = resolve::container_env(&project, &resolve::process_env);
    let mut exporter = resolve::exporter(
        &env,
        &Overrides {
            endpoint: None,
            service_name: args.service_name.clone(),
        },
    );
    let endpoint_note = args.remote.endpoint.as_deref().map(|flag| {
        let (url, note) = send::endpoint_flag(flag);
        exporter.traces_url = Some(url);
        note
    });
    let secrets = secret_values(&env, &exporter);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();

    let wanted = |t: Target| args.only.is_empty() || args.only.contains(&t);
    let mut plan = Plans::default();
    let mut missing = Vec::new();

    let honeycomb_configured =
        exporter.traces_url.is_some() || exporter.header("x-honeycomb-team").is_some();
    if wanted(Target::Honeycomb) {
        match (&exporter.traces_url, honeycomb_configured) {
            (Some(_), _) => {
                plan.honeycomb = send::honeycomb::input(&exporter, &args.remote, args.protocol)
                    .map(|input| send::honeycomb::Input { endpoint_note, ..input })
            }
            (None, true) => plan.early.push(Report::new("honeycomb").fail(
                "otel-endpoint-missing",
                "OTEL_EXPORTER_OTLP_ENDPOINT is not set for the backend: the SDK would send to http://localhost:4318 inside the container, which is nowhere (run cruddur-obs init)",
            )),
            (None, false) => missing.push("Honeycomb: no OTEL_EXPORTER_OTLP_ENDPOINT / x-honeycomb-team header in the backend's environment"),
        }
    }
    if wanted(Target::Rollbar) {
        match env.get("ROLLBAR_ACCESS_TOKEN") {
            Some(_) => plan.rollbar = send::rollbar::input(&env, &args.remote, &args.environment),
            None => missing.push("Rollbar: no ROLLBAR_ACCESS_TOKEN in the backend's environment"),
        }
    }
    if wanted(Target::Xray) {
        match send::xray::input(&project, &env, args.remote.xray_address.as_deref()) {
            Some(input) => plan.xray = Some(input),
            None => missing.push("X-Ray: no AWS_XRAY_DAEMON_ADDRESS and no xray-daemon service"),
        }
    }
    if args.verbose {
        print_config(&project, &env, &exporter, &plan, &secrets, args.json);
    }
    if plan.is_empty() {
        let what = if missing.is_empty() {
            "nothing selected".to_string()
        } else {
            missing.join("\n  ")
        };
        bail!(
            "nothing to send for `{}`:\n  {what}\nRun `cruddur-obs init` to set the project up",
            project.backend.service
        );
    }

    let reports = execute(plan, timeout, &args.remote.host_map);
    for r in &reports {
        if args.json {
            println!(
                "{}",
                mask_text(
                    &serde_json::to_string(r).expect("reports serialise"),
                    &secrets
                )
            );
        } else {
            print_report(r, &secrets);
        }
    }
    Ok(if reports.iter().all(|r| r.ok || r.skipped) {
        0
    } else {
        1
    })
}

#[derive(Default)]
struct Plans {
    early: Vec<Report>,
    honeycomb: Option<send::honeycomb::Input>,
    rollbar: Option<send::rollbar::Input>,
    xray: Option<send::xray::Input>,
}

impl Plans {
    fn is_empty(&self) -> bool {
        self.early.is_empty()
            && self.honeycomb.is_none()
            && self.rollbar.is_none()
            && self.xray.is_none()
    }
}

/// Runs every target at once; the shared deadline bounds the whole command.
fn execute(plan: Plans, timeout: Duration, host_map: &[(String, String)]) -> Vec<Report> {
    let http = Http::new(timeout).with_host_map(host_map);
    let rt = crate::http::runtime();
    let mut reports = plan.early;
    let (h, r, x) = rt.block_on(async {
        let honeycomb = async {
            match &plan.honeycomb {
                Some(input) => {
                    Some(bounded("honeycomb", timeout, send::honeycomb::run(&http, input)).await)
                }
                None => None,
            }
        };
        let rollbar = async {
            match &plan.rollbar {
                Some(input) => {
                    Some(bounded("rollbar", timeout, send::rollbar::run(&http, input)).await)
                }
                None => None,
            }
        };
        let xray = async {
            let input = plan.xray?;
            let probe = timeout.min(Duration::from_secs(3));
            let task = tokio::task::spawn_blocking(move || send::xray::run(&input, probe));
            Some(match tokio::time::timeout(timeout, task).await {
                Ok(Ok(r)) => r,
                _ => Report::new("xray").fail(
                    "xray-daemon-unreachable",
                    "the X-Ray check did not finish in time",
                ),
            })
        };
        tokio::join!(honeycomb, rollbar, xray)
    });
    reports.extend([h, r, x].into_iter().flatten());
    reports
}

async fn bounded(
    target: &'static str,
    timeout: Duration,
    fut: impl std::future::Future<Output = Report>,
) -> Report {
    match tokio::time::timeout(timeout + Duration::from_millis(200), fut).await {
        Ok(r) => r,
        Err(_) => Report::new(target).fail(
            "endpoint-unreachable",
            format!("no answer within {:.1} s", timeout.as_secs_f64()),
        ),
    }
}

fn secret_values(env: &ContainerEnv, exporter: &Exporter) -> Vec<String> {
    let mut out: Vec<String> = exporter
        .headers
        .iter()
        .filter(|h| h.name == "x-honeycomb-team")
        .map(|h| h.value.clone())
        .collect();
    for name in crate::secrets::SECRET_VARS {
        out.extend(env.value(name).map(str::to_string));
    }
    out.retain(|s| !s.is_empty());
    out
}

fn print_config(
    project: &Project,
    env: &ContainerEnv,
    ex: &Exporter,
    plan: &Plans,
    secrets: &[&str],
    json: bool,
) {
    let mut lines = vec![format!(
        "configuration of `{}` as its container would see it:",
        project.backend.service
    )];
    match &ex.traces_url {
        Some(u) => lines.push(format!("  traces endpoint  {}  ← {}", u.value, u.from)),
        None => lines.push(
            "  traces endpoint  (not set: SDK default http://localhost:4318/v1/traces)".into(),
        ),
    }
    let headers: Vec<String> = ex
        .headers
        .iter()
        .map(|h| format!("{}={}", h.name, h.value))
        .collect();
    lines.push(format!(
        "  headers          {}  ← {}",
        if headers.is_empty() {
            "(none)".into()
        } else {
            headers.join(",")
        },
        ex.headers_from
    ));
    for bad in &ex.invalid_headers {
        lines.push(format!(
            "  dropped header   {bad}  (the SDK logs `Header format invalid!` and drops it)"
        ));
    }
    lines.push(format!(
        "  service.name     {}  ← {}",
        ex.service_name.value, ex.service_name.from
    ));
    if let (Some(r), Some(s)) = (&plan.rollbar, env.get("ROLLBAR_ACCESS_TOKEN")) {
        lines.push(format!(
            "  rollbar token    {}  ← {}",
            if r.token.is_empty() {
                "(empty)".into()
            } else {
                mask(&r.token)
            },
            s.describe()
        ));
    }
    if let Some(x) = &plan.xray {
        let route = match &x.route {
            send::xray::Route::Direct => "used as given".to_string(),
            send::xray::Route::Published { service, udp, tcp } => {
                let port = |p: &Option<u16>, proto: &str| {
                    p.map_or(format!("{proto} not published"), |p| {
                        format!("{proto} 127.0.0.1:{p}")
                    })
                };
                format!(
                    "from here through {service}'s published ports: {}, {}",
                    port(udp, "UDP"),
                    port(tcp, "TCP")
                )
            }
        };
        lines.push(format!("  xray daemon      {}  ({route})", x.address));
    }
    for p in &env.problems {
        lines.push(format!("  warning: {p}"));
    }
    let text = mask_text(&lines.join("\n"), secrets);
    if json {
        eprintln!("{text}");
    } else {
        println!("{text}\n");
    }
}

fn print_report(r: &Report, secrets: &[&str]) {
    let name = match r.target {
        "honeycomb" => "Honeycomb",
        "rollbar" => "Rollbar",
        _ => "X-Ray",
    };
    let mark = if r.ok {
        "✓".green().bold()
    } else if r.skipped {
        "–".yellow().bold()
    } else {
        "✗".red().bold()
    };
    let status = r.status.map(|s| format!(" [{s}]")).unwrap_or_default();
    let cause = r
        .cause
        .map(|c| format!("{}: ", c.bold()))
        .unwrap_or_default();
    println!(
        "{mark} {name:<9}{status} {cause}{} ({} ms)",
        mask_text(&r.message, secrets),
        r.elapsed_ms
    );
    for d in &r.details {
        println!("    {}", mask_text(d, secrets));
    }
    if let Some(id) = &r.id {
        let label = if r.target == "rollbar" {
            "item uuid"
        } else {
            "trace id"
        };
        println!("    {label}: {id}");
    }
    if let Some(link) = &r.link {
        println!("    {} {link}", "see it:".bold());
    }
}
