//! cruddur-obs: parse arguments, run one command, map the outcome to an exit
//! code (0 ok, 1 the job found problems, 2 could not do the job).

use clap::Parser;
use cruddur_obs::{cli, commands, mask};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let json = match &cli.command {
        cli::Command::SendTestSpan(a) => a.json,
        cli::Command::Doctor(a) => a.json,
        _ => false,
    };
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    colored::control::set_override(color);
    let result = match cli.command {
        cli::Command::Init(args) => commands::init::run(args),
        cli::Command::SendTestSpan(args) => commands::send_test_span::run(args),
        cli::Command::Doctor(args) => commands::doctor::run(args),
        cli::Command::Explain(args) => commands::explain::run(args),
        cli::Command::Completions(args) => commands::explain::completions(args),
        cli::Command::Man(args) => commands::explain::man(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let message = mask::mask_shapes(&without_os_error(&format!("{e:#}")));
            if json {
                // stdout carries the JSON document, so a script reading it
                // learns why there is no report.
                println!("{}", json_error(&message, error_kind(&e)));
            }
            eprintln!(
                "{} {message}",
                colored::Colorize::bold(colored::Colorize::red("error:")),
            );
            ExitCode::from(2)
        }
    }
}

/// `No such file or directory (os error 2)` → `No such file or directory`:
/// the number helps no user.
fn without_os_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " (os error ".len()..];
        match tail.find(')') {
            Some(end) if tail[..end].bytes().all(|b| b.is_ascii_digit()) => rest = &tail[end + 1..],
            _ => {
                out.push_str(" (os error ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `{"version":1,"error":{"message":…,"kind":…}}`, the shape of a fatal error with --json.
fn json_error(message: &str, kind: &str) -> String {
    serde_json::json!({"version": 1, "error": {"message": message, "kind": kind}}).to_string()
}

/// A stable word for what stopped the run: the failure id when discovery or
/// the compose file is at fault, else the layer that failed.
fn error_kind(e: &anyhow::Error) -> &'static str {
    for cause in e.chain() {
        if let Some(d) = cause.downcast_ref::<cruddur_obs::project::DiscoverError>() {
            return d.id;
        }
        if let Some(c) = cause.downcast_ref::<cruddur_obs::compose::ComposeError>() {
            return c.id;
        }
    }
    if e.chain().any(|c| c.is::<std::io::Error>()) {
        return "io";
    }
    "fatal"
}

/// Bad flags: clap's message (secrets masked, as everywhere), exit 2, and
/// with --json the same message as a JSON error on stdout.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let plain = mask::mask_shapes(&e.render().to_string());
    if std::env::args_os().any(|a| a == "--json") {
        let first = plain
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        println!("{}", json_error(first, "usage"));
    }
    if std::io::stderr().is_terminal() {
        eprint!("{}", mask::mask_shapes(&e.render().ansi().to_string()));
    } else {
        eprint!("{plain}");
    }
    ExitCode::from(2)
}

/// `cruddur-obs doctor | head` closes stdout early; printing then panics
/// with EPIPE. End quietly, as a Unix tool would. (Restoring SIGPIPE's
/// default instead would also kill the process when a server closes a
/// socket mid-write.)
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to std") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
