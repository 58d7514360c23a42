//! Command-line interface definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cruddur-obs",
    version,
    about = "Set up, prove and diagnose telemetry (Honeycomb/OpenTelemetry, Rollbar, X-Ray, CloudWatch) in a docker-compose Flask app",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set a project up: compose variables, Python packages, instrumentation, keys.
    Init(InitArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ProjectArgs {
    /// Project directory (where docker-compose.yml lives).
    #[arg(long, short = 'C', default_value = ".")]
    pub dir: PathBuf,
    /// Compose file, when it is not one of the standard names.
    #[arg(long, short = 'f')]
    pub file: Option<PathBuf>,
    /// The backend service in the compose file (default: the one that builds a Flask app).
    #[arg(long)]
    pub service: Option<String>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Honeycomb region: the API host the OTLP endpoint points at.
    #[arg(long, value_enum)]
    pub region: Option<Region>,
    /// Dataset name for the traces (OTEL_SERVICE_NAME); default: the compose service name.
    #[arg(long)]
    pub service_name: Option<String>,
    /// Read the Honeycomb API key from standard input instead of HONEYCOMB_API_KEY or a prompt.
    #[arg(long)]
    pub key_stdin: bool,
    /// Where to store the key: gp env (Gitpod), the project .env, or nowhere.
    #[arg(long, value_enum, default_value_t = Persist::Auto)]
    pub persist: Persist,
    /// Show the changes as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Exit 1 if anything would change; write nothing.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Apply without asking for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Never prompt; fail naming the flag when an answer is missing.
    #[arg(long)]
    pub no_input: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
}

impl Region {
    pub fn api_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.honeycomb.io",
            Region::Eu => "https://api.eu1.honeycomb.io",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persist {
    Auto,
    Gp,
    Dotenv,
    None,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
