//! Where init's secrets come from: the Honeycomb key, provider secrets, their store, the region.

use crate::cli::{InitArgs, Persist};
use crate::project::Project;
use crate::prompt::Interaction;
use crate::providers::honeycomb::Region;
use crate::providers::honeycomb::{self, KeyKind};
use crate::providers::setup::SecretSpec;
use crate::secrets::{self, Store};
use anyhow::{bail, Context, Result};
use colored::Colorize;

pub(super) const NO_KEY: &str = "no Honeycomb API key";
pub(super) const PLACEHOLDER: &str = "<your-honeycomb-api-key>";

/// A provider's secret (the Rollbar token): from the environment, already
/// stored, or asked for; `None` when nothing needs storing.
pub(super) fn acquire_secret(
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

pub(super) fn choose_store(persist: Persist, project: &Project) -> Result<Store> {
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
pub(super) fn acquire_key(
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
        if !args.allow_unknown_key_shape {
            bail!("{}", unknown_shape_message(&key));
        }
        eprintln!(
            "{} the key ({}) matches no known Honeycomb key shape; storing it because of --allow-unknown-key-shape",
            "warning:".yellow().bold(),
            crate::mask::mask(&key)
        );
    }
    Ok(Some(key))
}

fn unknown_shape_message(key: &str) -> String {
    format!(
        "the Honeycomb API key ({}, {} characters) matches no Honeycomb key shape: ingest keys are 64 characters starting hcaik_ or hcxik_, classic keys 32 hex digits, configuration keys 22-23 letters and digits. Copy the key again from Honeycomb (Environment settings → API keys); if Honeycomb issued a new kind of key, pass --allow-unknown-key-shape. Nothing was changed",
        crate::mask::mask(key),
        key.chars().count()
    )
}

pub(super) fn ask_region(io: Interaction, env: &[crate::compose::EnvVar]) -> Option<Region> {
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
