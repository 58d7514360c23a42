//! Command-line interface definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::otlp::Protocol;

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
    /// Prove the keys work: one trace to Honeycomb, one item to Rollbar, one X-Ray segment.
    SendTestSpan(SendArgs),
    /// Find why no data arrives, name the cause and the fix; --fix repairs what is safe.
    Doctor(DoctorArgs),
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Skip the network checks (they are listed as skipped).
    #[arg(long)]
    pub offline: bool,
    /// Seconds each network check may take.
    #[arg(long, default_value_t = 5.0)]
    pub timeout: f64,
    /// Backend or compose output to scan for known failures (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub logs: Option<std::path::PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Also list passed checks and info findings.
    #[arg(long, short)]
    pub verbose: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Apply every fixable finding's repair, then check again.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: show the repairs as a diff and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// With --fix: apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Never prompt.
    #[arg(long)]
    pub no_input: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Remote base URLs, overridable for tests and proxies.
#[derive(Args, Debug, Clone)]
pub struct RemoteArgs {
    /// OTLP base endpoint, overriding the compose configuration.
    #[arg(long, env = "CRUDDUR_OBS_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Honeycomb API base URL for the key check (default: the endpoint's region).
    #[arg(long, env = "CRUDDUR_OBS_HONEYCOMB_API_URL")]
    pub honeycomb_api_url: Option<String>,
    /// API base URL of the other Honeycomb region, tried when the key is rejected.
    #[arg(long, env = "CRUDDUR_OBS_HONEYCOMB_OTHER_REGION_URL", hide = true)]
    pub honeycomb_other_region_url: Option<String>,
    /// Rollbar API base URL.
    #[arg(
        long,
        env = "CRUDDUR_OBS_ROLLBAR_API_URL",
        default_value = "https://api.rollbar.com"
    )]
    pub rollbar_api_url: String,
    /// X-Ray daemon address as reached from this machine (host:port), instead of the compose one.
    #[arg(long, env = "CRUDDUR_OBS_XRAY_ADDRESS")]
    pub xray_address: Option<String>,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Send only to these targets (repeatable); default: every configured one.
    #[arg(long, value_enum)]
    pub only: Vec<Target>,
    /// service.name of the test trace (the dataset), overriding OTEL_SERVICE_NAME.
    #[arg(long)]
    pub service_name: Option<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// OTLP encoding of the test trace.
    #[arg(long, value_enum, default_value_t = Protocol::HttpProtobuf)]
    pub protocol: Protocol,
    /// Rollbar environment of the test item.
    #[arg(long, default_value = "development")]
    pub environment: String,
    /// Seconds the whole command may take.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// One JSON object per target, one per line.
    #[arg(long)]
    pub json: bool,
    /// Show the resolved configuration and where each value came from.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Honeycomb,
    Rollbar,
    Xray,
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
    /// What to set up (comma-separated or repeated); default: ask, or honeycomb without a terminal.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub provider: Vec<crate::providers::setup::ProviderId>,
    /// Honeycomb region: the API host the OTLP endpoint points at.
    #[arg(long, value_enum)]
    pub region: Option<crate::providers::honeycomb::Region>,
    /// Dataset name for the traces (OTEL_SERVICE_NAME); default: the compose service name.
    #[arg(long)]
    pub service_name: Option<String>,
    /// Read the Honeycomb API key from standard input instead of HONEYCOMB_API_KEY or a prompt.
    #[arg(long)]
    pub key_stdin: bool,
    /// Store a Honeycomb key that matches no known key shape (refused otherwise).
    #[arg(long)]
    pub allow_unknown_key_shape: bool,
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
