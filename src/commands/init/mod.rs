//! `cruddur-obs init`: discover, plan every edit, show it, write it.

mod keys;
mod steps;

use crate::cli::InitArgs;
use crate::edit::Plan;
use crate::project::{self, DiscoverError, Project};
use crate::prompt::Interaction;
use crate::providers::honeycomb::{self, KeyKind};
use crate::providers::setup::{missing_vars, ProviderId, Setup};
use crate::secrets::{self, Store};
use anyhow::{bail, Context, Result};
use colored::Colorize;
use keys::{acquire_key, acquire_secret, ask_region, choose_store, NO_KEY, PLACEHOLDER};
use std::io::IsTerminal;
use steps::{plan_app, plan_compose, plan_daemon, plan_requirements};

pub fn run(args: InitArgs) -> Result<u8> {
    // A key piped on stdin means stdin is no terminal to answer questions on.
    let io = Interaction::new(args.no_input || args.key_stdin);
    let project = discover(&args, io)?;
    let providers = choose_providers(&args, io)?;
    let store = choose_store(args.persist, &project)?;
    let backend = project
        .compose
        .service(&project.backend.service)
        .context("backend service vanished")?;
    let env = backend.environment();
    let preview = args.dry_run || args.check;
    let mut notes = Vec::new();
    let mut plan = Plan::default();
    let mut ops = Vec::new();

    let mut key = None;
    if providers.contains(&ProviderId::Honeycomb) {
        let literal_key = env
            .iter()
            .find(|v| v.name == "OTEL_EXPORTER_OTLP_HEADERS")
            .and_then(|v| v.value.as_deref())
            .and_then(honeycomb::literal_key_in_headers);
        key = match acquire_key(&args, io, &project, store, literal_key) {
            // A preview needs no key: it shows where the key will go.
            Err(e) if preview && e.to_string().starts_with(NO_KEY) => {
                notes.push("no key was given, so the preview shows a placeholder; init asks for it (or reads HONEYCOMB_API_KEY / --key-stdin) when run for real".to_string());
                Some(PLACEHOLDER.to_string())
            }
            other => other?,
        };
        let region = args.region.or_else(|| ask_region(io, &env));
        let service_name = args
            .service_name
            .clone()
            .unwrap_or_else(|| project.backend.service.clone());
        let classic = key
            .as_deref()
            .map(honeycomb::key_kind)
            .is_some_and(KeyKind::is_classic);
        let env_plan = honeycomb::EnvPlan {
            current: &env,
            default_service_name: &service_name,
            region,
            classic_dataset: classic.then_some(service_name.as_str()),
        };
        ops.extend(env_plan.ops());
    }
    let setup = Setup {
        service: &project.backend.service,
        gitpod: project.gitpod.yml.is_some() || project.gitpod.workspace,
    };
    for p in &providers {
        for (op, why) in missing_vars(&env, (p.spec().variables)(&setup)) {
            if !ops.iter().any(|(o, _)| *o == op) {
                ops.push((op, why));
            }
        }
    }
    plan_compose(&mut plan, &project, ops)?;
    if providers.contains(&ProviderId::Xray) {
        plan_daemon(&mut plan, &project)?;
    }
    let mut packages: Vec<&str> = Vec::new();
    for p in &providers {
        packages.extend(
            p.spec()
                .packages
                .iter()
                .filter(|n| !packages.contains(n))
                .collect::<Vec<_>>(),
        );
    }
    plan_requirements(&mut plan, &project, &packages, &mut notes)?;
    plan_app(&mut plan, &project, &providers, &mut notes)?;
    if let Some(k) = &key {
        secrets::plan_store(&mut plan, &project, store, honeycomb::KEY_VAR, k)?;
    }
    for p in &providers {
        if let Some(spec) = &p.spec().secret {
            if let Some(value) = acquire_secret(spec, io, &project, store, preview)? {
                secrets::plan_store(&mut plan, &project, store, spec.var, &value)?;
            }
        }
    }
    if providers
        .iter()
        .any(|p| matches!(p, ProviderId::Xray | ProviderId::Cloudwatch))
    {
        notes.push("X-Ray and CloudWatch read AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from this shell or .env (in Gitpod: gp env); init does not store AWS credentials".into());
    }
    plan.secrets.retain(|s| !s.starts_with('<'));
    report(&args, io, &project, &providers, &plan, &notes, store)
}

fn choose_providers(args: &InitArgs, io: Interaction) -> Result<Vec<ProviderId>> {
    let mut chosen = args.provider.clone();
    if chosen.is_empty() {
        let items: Vec<&str> = ProviderId::ALL.iter().map(|p| p.title()).collect();
        let defaults = [true, false, false, false];
        chosen = match io.multi_select(
            "What should init set up? (space to select, enter to confirm)",
            &items,
            &defaults,
        )? {
            Some(picked) => picked.into_iter().map(|i| ProviderId::ALL[i]).collect(),
            None => vec![ProviderId::Honeycomb],
        };
        if chosen.is_empty() {
            bail!("nothing selected; choose at least one provider (or pass --provider)");
        }
    }
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

fn discover(args: &InitArgs, io: Interaction) -> Result<Project> {
    let opts = args.project.discover_options();
    match project::discover(&opts) {
        Err(e) => {
            let Some(d) = e
                .downcast_ref::<DiscoverError>()
                .filter(|d| !d.candidates.is_empty())
            else {
                return Err(e);
            };
            let items: Vec<&str> = d.candidates.iter().map(String::as_str).collect();
            let Some(i) = io.select("Which service is the Flask backend?", &items, 0)? else {
                return Err(e);
            };
            project::discover(&project::DiscoverOptions {
                service: Some(d.candidates[i].clone()),
                ..opts
            })
        }
        ok => ok,
    }
}

fn report(
    args: &InitArgs,
    io: Interaction,
    project: &Project,
    providers: &[ProviderId],
    plan: &Plan,
    notes: &[String],
    store: Store,
) -> Result<u8> {
    let print_notes = || {
        for n in notes {
            println!("{} {n}", "note:".yellow().bold());
        }
    };
    if plan.is_empty() {
        let names: Vec<&str> = providers.iter().map(|p| p.title()).collect();
        println!(
            "Nothing to change: `{}` is already set up ({}).",
            project.backend.service,
            names.join(", ")
        );
        print_notes();
        return Ok(0);
    }
    if args.check {
        println!(
            "{} change(s) needed:",
            plan.edits.len() + plan.actions.len()
        );
        for line in plan.summary_lines() {
            println!("  {line}");
        }
        print_notes();
        return Ok(1);
    }
    if args.dry_run || std::io::stdout().is_terminal() {
        print!("{}", plan.render_diff());
    }
    if args.dry_run {
        print_notes();
        println!(
            "\nDry run: nothing was written. {} change(s) planned.",
            plan.edits.len() + plan.actions.len()
        );
        return Ok(0);
    }
    if !args.yes && !io.confirm("Apply these changes?", "--yes")? {
        println!("Nothing was written.");
        return Ok(0);
    }
    plan.write_files()?;
    secrets::run_actions(plan, project)?;
    println!("{}", "Done:".green().bold());
    for line in plan.summary_lines() {
        println!("  {line}");
    }
    print_notes();
    println!("\nNext steps:");
    let mut step = 1;
    if store == Store::Gitpod && !plan.actions.is_empty() {
        println!("  {step}. eval $(gp env -e)      # load the stored key into this shell");
        step += 1;
    }
    println!("  {step}. docker compose up --build");
    println!(
        "  {}. cruddur-obs send-test-span   # prove the key works",
        step + 1
    );
    Ok(0)
}
