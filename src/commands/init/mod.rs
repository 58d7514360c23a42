//! `cruddur-obs init`: discover, plan every edit, show it, write it.

use crate::cli::{InitArgs, Persist, Region};
use crate::compose::add_service::add_service;
use crate::compose::edit::apply_env_ops;
use crate::edit::Plan;
use crate::project::{self, DiscoverError, Project};
use crate::prompt::Interaction;
use crate::providers::honeycomb::{self, KeyKind};
use crate::providers::setup::{missing_vars, ProviderId, SecretSpec, Setup};
use crate::providers::{rollbar_setup, xray_setup};
use crate::python::instrument;
use crate::secrets::{self, Store};
use anyhow::{bail, Context, Result};
use colored::Colorize;
use std::io::IsTerminal;

const NO_KEY: &str = "no Honeycomb API key";
const PLACEHOLDER: &str = "<your-honeycomb-api-key>";

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

/// A provider's secret (the Rollbar token): from the environment, already
/// stored, or asked for; `None` when nothing needs storing.
fn acquire_secret(
    spec: &SecretSpec,
    io: Interaction,
    project: &Project,
    store: Store,
    preview: bool,
) -> Result<Option<String>> {
    if store == Store::Nowhere {
        return Ok(None);
    }
    if let Some(v) = std::env::var(spec.var)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return Ok(Some(v.trim().to_string()));
    }
    let stored = match store {
        Store::Dotenv => secrets::dotenv_value(&project.dotenv, spec.var).is_some(),
        Store::Gitpod => project
            .gitpod
            .gp
            .as_ref()
            .map(|gp| secrets::gp_env_list(gp))
            .transpose()?
            .is_some_and(|l| l.iter().any(|(k, v)| k == spec.var && !v.is_empty())),
        Store::Nowhere => true,
    };
    if stored {
        return Ok(None);
    }
    if !io.interactive && preview {
        return Ok(Some(format!(
            "<your-{}>",
            spec.var.to_lowercase().replace('_', "-")
        )));
    }
    let value = io.secret(spec.prompt, &format!("no {}: set {} in the environment, or run in a terminal to be asked (or --persist none)", spec.var, spec.var))?;
    Ok(Some(value.trim().to_string()).filter(|v| !v.is_empty()))
}

fn plan_daemon(plan: &mut Plan, project: &Project) -> Result<()> {
    let compose = &project.compose;
    let exists = project.compose.all_services().iter().any(|s| {
        s.name.contains("xray") || s.image().is_some_and(|i| i.contains("aws-xray-daemon"))
    });
    if exists {
        return Ok(());
    }
    let current = plan
        .current(&compose.path, Some(&compose.text))
        .unwrap_or_default()
        .to_string();
    if let Some(after) = add_service(
        &compose.path,
        &current,
        xray_setup::DAEMON_SERVICE,
        xray_setup::daemon_service_yaml,
    )? {
        plan.update(
            &compose.path,
            &project.display(&compose.path),
            Some(&compose.text),
            after,
            "added the xray-daemon service (UDP 2000)".into(),
        );
    }
    Ok(())
}

fn discover(args: &InitArgs, io: Interaction) -> Result<Project> {
    let opts = project::DiscoverOptions {
        dir: args.project.dir.clone(),
        file: args.project.file.clone(),
        service: args.project.service.clone(),
    };
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

fn choose_store(persist: Persist, project: &Project) -> Result<Store> {
    Ok(match persist {
        Persist::None => Store::Nowhere,
        Persist::Dotenv => Store::Dotenv,
        Persist::Gp => {
            if project.gitpod.gp.is_none() {
                bail!("--persist gp needs the `gp` command on PATH (it exists inside Gitpod workspaces); use --persist dotenv elsewhere");
            }
            Store::Gitpod
        }
        Persist::Auto if project.gitpod.workspace && project.gitpod.gp.is_some() => Store::Gitpod,
        Persist::Auto => Store::Dotenv,
    })
}

/// The key to store, or `None` when it is already stored (or not wanted).
fn acquire_key(
    args: &InitArgs,
    io: Interaction,
    project: &Project,
    store: Store,
    literal: Option<String>,
) -> Result<Option<String>> {
    if store == Store::Nowhere {
        return Ok(None);
    }
    let given = if args.key_stdin {
        Some(secrets::read_stdin_key()?)
    } else {
        std::env::var(honeycomb::KEY_VAR)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .or(literal)
    };
    let key = match given {
        Some(k) => k,
        None => {
            let stored = match store {
                Store::Dotenv => {
                    secrets::dotenv_value(&project.dotenv, honeycomb::KEY_VAR).is_some()
                }
                Store::Gitpod => {
                    let gp = project.gitpod.gp.as_ref().context("`gp` is not on PATH")?;
                    secrets::gp_env_list(gp)?
                        .iter()
                        .any(|(k, v)| k == honeycomb::KEY_VAR && !v.is_empty())
                }
                Store::Nowhere => true,
            };
            if stored {
                return Ok(None);
            }
            io.secret(
                "Honeycomb API key (input hidden)",
                &format!("{NO_KEY}: set HONEYCOMB_API_KEY in the environment, pipe it with --key-stdin, or run in a terminal to be asked (or --persist none to skip storing it)"),
            )?
        }
    };
    let key = key.trim().to_string();
    if let Some(problem) = honeycomb::key_problem(&key) {
        bail!("the Honeycomb API key cannot be used: {problem}");
    }
    if honeycomb::key_kind(&key) == KeyKind::Unknown {
        eprintln!(
            "{} the key ({}) matches no known Honeycomb key shape; storing it anyway",
            "warning:".yellow().bold(),
            crate::mask::mask(&key)
        );
    }
    Ok(Some(key))
}

fn ask_region(io: Interaction, env: &[crate::compose::EnvVar]) -> Option<Region> {
    let has_endpoint = env
        .iter()
        .any(|v| v.name.starts_with("OTEL_EXPORTER_OTLP") && v.name.ends_with("ENDPOINT"));
    if has_endpoint {
        return None;
    }
    let items = ["US (api.honeycomb.io)", "EU (api.eu1.honeycomb.io)"];
    match io.select("Honeycomb region", &items, 0).ok().flatten() {
        Some(1) => Some(Region::Eu),
        Some(_) => Some(Region::Us),
        None => None,
    }
}

fn plan_compose(
    plan: &mut Plan,
    project: &Project,
    ops: Vec<(crate::compose::edit::EnvOp, String)>,
) -> Result<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let compose = &project.compose;
    let current = plan
        .current(&compose.path, Some(&compose.text))
        .unwrap_or_default()
        .to_string();
    let only: Vec<_> = ops.iter().map(|(op, _)| op.clone()).collect();
    if let Some(edit) = apply_env_ops(&compose.path, &current, &project.backend.service, &only)? {
        let mut reasons: Vec<String> = ops.into_iter().map(|(_, why)| why).collect();
        if !edit.shared_with.is_empty() {
            reasons.push(format!(
                "the block is shared through a YAML anchor, so {} get(s) these variables too",
                edit.shared_with.join(", ")
            ));
        }
        let after = edit.text;
        let shown = project.display(&compose.path);
        plan.update(
            &compose.path,
            &shown,
            Some(&compose.text),
            after,
            format!("{}: {}", project.backend.service, reasons.join("; ")),
        );
    }
    Ok(())
}

fn plan_requirements(
    plan: &mut Plan,
    project: &Project,
    packages: &[&str],
    notes: &mut Vec<String>,
) -> Result<()> {
    if crate::steps::add_packages(plan, project, packages)?.is_none() {
        notes.push(format!(
            "the build context of `{}` has neither requirements.txt nor pyproject.toml; install these packages in its image: {}",
            project.backend.service,
            packages.join(" ")
        ));
    }
    Ok(())
}

fn plan_app(
    plan: &mut Plan,
    project: &Project,
    providers: &[ProviderId],
    notes: &mut Vec<String>,
) -> Result<()> {
    let render_all = || {
        providers
            .iter()
            .map(|p| instrument::render(p.spec().snippet, "app"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(app) = &project.backend.app else {
        notes.push(format!(
            "no module creating the Flask app was found in the build context of `{}`; add this right after `app = Flask(__name__)`:\n{}",
            project.backend.service,
            render_all()
        ));
        return Ok(());
    };
    let shown = project.display(&app.path);
    let original = app.text.as_deref().unwrap_or_default();
    let mut text = original.to_string();
    let mut reasons = Vec::new();
    // Each block lands right after the app is created, so inserting in
    // reverse keeps them in provider order.
    for p in providers.iter().rev() {
        if *p == ProviderId::Rollbar {
            if let Some(t) = rollbar_setup::without_old_hook(&text) {
                text = t;
                reasons.push(
                    "removed the @app.before_first_request Rollbar hook (gone in Flask 2.3)"
                        .to_string(),
                );
            }
        }
        let outcome = instrument::insert(&text, p.spec().snippet).map_err(|e| {
            anyhow::anyhow!(
                "{shown}:{}:{}: cannot parse Python: {}; fix the syntax error and run again",
                e.line,
                e.column,
                e.message
            )
        })?;
        match outcome {
            instrument::InsertOutcome::Unchanged => {}
            instrument::InsertOutcome::Changed(after) => {
                text = after;
                reasons.push(format!("added {} right after the app is created", p.title()));
            }
            instrument::InsertOutcome::NoApp => notes.push(format!(
                "{shown} has no module-level `app = Flask(...)`, so it was not edited; add this right after the app is created:\n{}",
                instrument::render(p.spec().snippet, "app")
            )),
        }
    }
    reasons.reverse();
    if text != original {
        plan.update(&app.path, &shown, Some(original), text, reasons.join("; "));
    }
    Ok(())
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
