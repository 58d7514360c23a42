//! Command-line interface definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod help;

pub use crate::otlp::Protocol;

#[derive(Parser, Debug)]
#[command(
    name = "cruddur-obs",
    version,
    about = "Set up, prove and diagnose telemetry (Honeycomb/OpenTelemetry, Rollbar, X-Ray, CloudWatch) in a docker-compose Flask app",
    propagate_version = true,
    after_help = help::MAIN
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
    #[command(after_help = help::INIT)]
    Init(InitArgs),
    /// Prove the keys work: one trace to Honeycomb, one item to Rollbar, one X-Ray segment.
    #[command(after_help = help::SEND)]
    SendTestSpan(SendArgs),
    /// Find why no data arrives, name the cause and the fix; --fix repairs what is safe.
    #[command(after_help = help::DOCTOR)]
    Doctor(DoctorArgs),
    /// Explain a failure id: what is wrong, why it breaks, how to fix it, an example.
    #[command(after_help = help::EXPLAIN)]
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = help::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), of cruddur-obs or of one of its commands.
    #[command(after_help = help::MAN)]
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The failure id, as doctor reports it (e.g. otel-endpoint-missing).
    pub id: Option<String>,
    /// List every id with its severity and what is wrong.
    #[arg(long, conflicts_with = "id")]
    pub list: bool,
    /// Print every entry in full (docs/failures.md is `--all --format markdown`).
    #[arg(long, conflicts_with_all = ["id", "list"])]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// A command whose own page to print (init, send-test-span, doctor, explain, ...).
    pub command: Option<String>,
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Skip the network checks (they are listed as skipped).
    #[arg(long)]
    pub offline: bool,
    /// Seconds each network check (and each docker engine call) may take (0.1 to 600).
    #[arg(long, default_value_t = 5.0, value_parser = crate::flag_values::timeout, allow_negative_numbers = true)]
    pub timeout: f64,
    /// Skip the running-stack checks (the containers, read through the docker engine).
    #[arg(long)]
    pub no_stack: bool,
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

/// Remote base URLs, overridable for tests and proxies. The vendors' API
/// URLs are hidden from --help (the tests point them at loopback servers);
/// the README's Development section documents them.
#[derive(Args, Debug, Clone)]
pub struct RemoteArgs {
    /// OTLP endpoint overriding the compose configuration: a base URL
    /// (https://api.honeycomb.io) or a full traces URL (…/v1/traces).
    #[arg(long, env = "CRUDDUR_OBS_ENDPOINT", value_parser = crate::flag_values::http_url)]
    pub endpoint: Option<String>,
    /// Honeycomb API base URL for the key check (default: the endpoint's region).
    #[arg(long, env = "CRUDDUR_OBS_HONEYCOMB_API_URL", hide = true, value_parser = crate::flag_values::http_url)]
    pub honeycomb_api_url: Option<String>,
    /// API base URL of the other Honeycomb region, tried when the key is rejected.
    #[arg(long, env = "CRUDDUR_OBS_HONEYCOMB_OTHER_REGION_URL", hide = true, value_parser = crate::flag_values::http_url)]
    pub honeycomb_other_region_url: Option<String>,
    /// Rollbar API base URL.
    #[arg(
        long,
        env = "CRUDDUR_OBS_ROLLBAR_API_URL",
        default_value = "https://api.rollbar.com",
        hide = true,
        value_parser = crate::flag_values::http_url
    )]
    pub rollbar_api_url: String,
    /// X-Ray daemon address as reached from this machine (host:port), instead of the compose one.
    #[arg(long, env = "CRUDDUR_OBS_XRAY_ADDRESS", value_parser = crate::flag_values::xray_address)]
    pub xray_address: Option<String>,
    /// Test hook: requests for HOST go to BASE_URL instead (HOST=BASE_URL,
    /// repeatable). Applied below the region choice, so tests exercise it.
    #[arg(
        long,
        env = "CRUDDUR_OBS_HOST_MAP",
        hide = true,
        value_delimiter = ',',
        value_parser = crate::flag_values::host_mapping
    )]
    pub host_map: Vec<(String, String)>,
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
    /// Seconds the whole command may take (0.1 to 600).
    #[arg(long, default_value_t = 10.0, value_parser = crate::flag_values::timeout, allow_negative_numbers = true)]
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
    /// Project directory (default: the current directory or the nearest parent with a compose file).
    #[arg(long, short = 'C')]
    pub dir: Option<PathBuf>,
    /// Compose file(s), as `docker compose -f` (repeatable; later files override earlier ones).
    #[arg(long = "file", short = 'f')]
    pub files: Vec<PathBuf>,
    /// The backend service in the compose file (default: the one that builds a Flask app).
    #[arg(long)]
    pub service: Option<String>,
}

impl ProjectArgs {
    pub fn discover_options(&self) -> crate::project::DiscoverOptions {
        crate::project::DiscoverOptions {
            dir: self.dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            files: self.files.clone(),
            service: self.service.clone(),
            walk_up: self.dir.is_none() && self.files.is_empty(),
        }
    }
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
