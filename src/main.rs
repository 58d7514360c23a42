//! cruddur-obs: parse arguments, run one command, map the outcome to an exit
//! code (0 ok, 1 the job found problems, 2 could not do the job).

use clap::Parser;
use cruddur_obs::{cli, commands, mask};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = cli::Cli::parse();
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
            eprintln!(
                "{} {}",
                colored::Colorize::bold(colored::Colorize::red("error:")),
                mask::mask_shapes(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
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
