//! `cruddur-obs init`: discover, plan every edit, show it, write it.

mod build;
mod keys;
mod steps;
mod write;

use crate::cli::InitArgs;
use crate::edit::{Action, Plan};
use crate::project::{self, DiscoverError, Project};
use crate::prompt::Interaction;
use crate::providers::setup::ProviderId;
use crate::secrets::Store;
use anyhow::{bail, Result};
use build::{build, Answers};
use colored::Colorize;
use keys::choose_store;
use std::io::IsTerminal;

pub fn run(args: InitArgs) -> Result<u8> {
    // A key piped on stdin means stdin is no terminal to answer questions on.
    let io = Interaction::new(args.no_input || args.key_stdin);
    let project = discover(&args, io)?;
    let providers = choose_providers(&args, io)?;
    let store = choose_store(args.persist, &project)?;
    let answers = Answers::collect(&args, io, &project, providers, store)?;
    let (plan, notes) = build(&project, &answers)?;
    report(&args, io, &project, &answers, plan, &notes)
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

fn print_notes(notes: &[String]) {
    for n in notes {
        println!("{} {n}", "note:".yellow().bold());
    }
}

fn change_count(plan: &Plan) -> usize {
    plan.edits.len() + plan.actions.len()
}

fn report(
    args: &InitArgs,
    io: Interaction,
    project: &Project,
    answers: &Answers,
    plan: Plan,
    notes: &[String],
) -> Result<u8> {
    if plan.is_empty() {
        let names: Vec<&str> = answers.providers.iter().map(|p| p.title()).collect();
        println!(
            "Nothing to change: `{}` is already set up ({}).",
            project.backend.service,
            names.join(", ")
        );
        print_notes(notes);
        return Ok(0);
    }
    if args.check {
        println!("{} change(s) needed:", change_count(&plan));
        for line in plan.summary_lines() {
            println!("  {line}");
        }
        print_notes(notes);
        return Ok(1);
    }
    if args.dry_run || std::io::stdout().is_terminal() {
        print!("{}", plan.render_diff());
    }
    if args.dry_run {
        print_notes(notes);
        let allowed: Vec<_> = plan
            .read_only_targets()
            .iter()
            .map(|e| e.path.clone())
            .collect();
        for e in plan.read_only_targets() {
            println!("{} {} is read-only: init will ask before replacing it (and refuse without a terminal)", "note:".yellow().bold(), e.display);
        }
        if let Err(e) = plan.preflight(&allowed) {
            println!(
                "{} init would stop before writing: {e:#}",
                "note:".yellow().bold()
            );
        }
        println!(
            "\nDry run: nothing was written. {} change(s) planned.",
            change_count(&plan)
        );
        return Ok(0);
    }
    let mut allowed = Vec::new();
    if !write::confirm_read_only(io, &plan, &mut allowed)? {
        println!("Nothing was written.");
        return Ok(0);
    }
    plan.preflight(&allowed)?;
    if !args.yes && !io.confirm("Apply these changes?", "--yes")? {
        println!("Nothing was written.");
        return Ok(0);
    }
    let (plan, notes) = match write::write(args, io, project, answers, plan, notes, allowed)? {
        Some(done) => done,
        None => return Ok(0),
    };
    println!("{}", "Done:".green().bold());
    for line in plan.summary_lines() {
        println!("  {line}");
    }
    print_notes(&notes);
    println!("\nNext steps:");
    let mut step = 1;
    let stored_with_gp = plan
        .actions
        .iter()
        .any(|a| matches!(a, Action::GitpodEnv { .. }));
    if answers.store == Store::Gitpod && stored_with_gp {
        println!("  {step}. eval $(gp env -e)      # load the stored key into this shell");
        step += 1;
    }
    // init stores the Honeycomb key and the Rollbar token, never AWS
    // credentials: X-Ray's daemon and watchtower need them from the user.
    let aws = answers
        .providers
        .iter()
        .any(|p| matches!(p, ProviderId::Xray | ProviderId::Cloudwatch));
    if aws {
        let unset: Vec<&str> = [
            "AWS_DEFAULT_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        ]
        .into_iter()
        .filter(|v| {
            std::env::var_os(v).is_none()
                && crate::secrets::dotenv_value(&project.dotenv, v).is_none()
        })
        .collect();
        if !unset.is_empty() {
            println!(
                "  {step}. export {}   # AWS credentials for X-Ray/CloudWatch (init does not store them; or put them in .env, git-ignored)",
                unset.iter().map(|v| format!("{v}=…")).collect::<Vec<_>>().join(" ")
            );
            step += 1;
        }
    }
    println!("  {step}. docker compose up --build");
    println!(
        "  {}. cruddur-obs send-test-span   # prove the key works",
        step + 1
    );
    Ok(0)
}
