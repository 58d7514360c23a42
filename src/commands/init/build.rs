//! From the answers (providers, key, region, secrets) and the files as they
//! are, the whole plan. Pure with respect to the answers, so that a run that
//! waited for another one can plan again from the files that run left.

use super::keys::{acquire_key, acquire_secret, ask_region, NO_KEY, PLACEHOLDER};
use super::steps::{plan_app, plan_compose, plan_daemon, plan_requirements};
use crate::cli::InitArgs;
use crate::edit::{Action, Plan};
use crate::project::Project;
use crate::prompt::Interaction;
use crate::providers::honeycomb::{self, KeyKind, Region};
use crate::providers::setup::{missing_vars, ProviderId, Setup};
use crate::secrets::{self, Store};
use anyhow::Result;

/// Everything init asked or was told, gathered once.
pub(super) struct Answers {
    pub providers: Vec<ProviderId>,
    pub store: Store,
    pub key: Option<String>,
    pub region: Option<Region>,
    pub service_name: Option<String>,
    /// Provider secrets to store (the Rollbar token), by variable.
    pub secrets: Vec<(&'static str, String)>,
    pub notes: Vec<String>,
}

impl Answers {
    pub fn collect(
        args: &InitArgs,
        io: Interaction,
        project: &Project,
        providers: Vec<ProviderId>,
        store: Store,
    ) -> Result<Answers> {
        let preview = args.dry_run || args.check;
        let env = backend_env(project);
        let mut notes = Vec::new();
        let (mut key, mut region) = (None, None);
        if providers.contains(&ProviderId::Honeycomb) {
            let literal_key = env
                .iter()
                .find(|v| v.name == "OTEL_EXPORTER_OTLP_HEADERS")
                .and_then(|v| v.value.as_deref())
                .and_then(honeycomb::literal_key_in_headers);
            key = match acquire_key(args, io, project, store, literal_key) {
                // A preview needs no key: it shows where the key will go.
                Err(e) if preview && e.to_string().starts_with(NO_KEY) => {
                    notes.push("no key was given, so the preview shows a placeholder; init asks for it (or reads HONEYCOMB_API_KEY / --key-stdin) when run for real".to_string());
                    Some(PLACEHOLDER.to_string())
                }
                other => other?,
            };
            region = args.region.or_else(|| ask_region(io, &env));
        }
        let mut found = Vec::new();
        for p in &providers {
            if let Some(spec) = &p.spec().secret {
                if let Some(value) = acquire_secret(spec, io, project, store, preview)? {
                    found.push((spec.var, value));
                }
            }
        }
        if providers
            .iter()
            .any(|p| matches!(p, ProviderId::Xray | ProviderId::Cloudwatch))
        {
            notes.push("X-Ray and CloudWatch read AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from this shell or .env (in Gitpod: gp env); init does not store AWS credentials".into());
        }
        Ok(Answers {
            providers,
            store,
            key,
            region,
            service_name: args.service_name.clone(),
            secrets: found,
            notes,
        })
    }
}

fn backend_env(project: &Project) -> Vec<crate::compose::EnvVar> {
    project
        .compose
        .service(&project.backend.service)
        .map(|s| s.environment())
        .unwrap_or_default()
}

/// The plan for `project` as its files are now, and the notes it adds.
pub(super) fn build(project: &Project, a: &Answers) -> Result<(Plan, Vec<String>)> {
    let env = backend_env(project);
    let mut notes = a.notes.clone();
    let mut plan = Plan {
        root: Some(project.root.clone()),
        ..Plan::default()
    };
    let mut ops = Vec::new();
    if a.providers.contains(&ProviderId::Honeycomb) {
        let service_name = a
            .service_name
            .clone()
            .unwrap_or_else(|| project.backend.service.clone());
        let classic = a
            .key
            .as_deref()
            .map(honeycomb::key_kind)
            .is_some_and(KeyKind::is_classic);
        let env_plan = honeycomb::EnvPlan {
            current: &env,
            default_service_name: &service_name,
            region: a.region,
            classic_dataset: classic.then_some(service_name.as_str()),
        };
        ops.extend(env_plan.ops());
    }
    let setup = Setup {
        service: &project.backend.service,
        gitpod: project.gitpod.yml.is_some() || project.gitpod.workspace,
    };
    for p in &a.providers {
        for (op, why) in missing_vars(&env, (p.spec().variables)(&setup)) {
            if !ops.iter().any(|(o, _)| *o == op) {
                ops.push((op, why));
            }
        }
    }
    plan_compose(&mut plan, project, ops)?;
    if a.providers.contains(&ProviderId::Xray) {
        plan_daemon(&mut plan, project)?;
    }
    let mut packages: Vec<&str> = Vec::new();
    for p in &a.providers {
        for name in p.spec().packages {
            if !packages.contains(name) {
                packages.push(name);
            }
        }
    }
    plan_requirements(&mut plan, project, &packages, &mut notes)?;
    plan_app(&mut plan, project, &a.providers, &mut notes)?;
    if let Some(k) = &a.key {
        secrets::plan_store(&mut plan, project, a.store, honeycomb::KEY_VAR, k)?;
    }
    for (var, value) in &a.secrets {
        secrets::plan_store(&mut plan, project, a.store, var, value)?;
    }
    plan_leftovers(&mut plan, project);
    plan.secrets.retain(|s| !s.starts_with('<'));
    Ok((plan, notes))
}

/// Temp files a killed run left (one may hold a key): removed by this run.
fn plan_leftovers(plan: &mut Plan, project: &Project) {
    let mut dirs = vec![project.root.clone()];
    dirs.extend(project.backend.context.clone());
    for e in &plan.edits {
        dirs.push(crate::fsutil::parent_of(&e.path).to_path_buf());
    }
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        for path in crate::fsutil::leftover_temps(&dir) {
            plan.actions.push(Action::RemoveFile {
                display: project.display(&path),
                path,
                reason: "a temp file left by an interrupted cruddur-obs run (it may hold a key)"
                    .into(),
            });
        }
    }
}
