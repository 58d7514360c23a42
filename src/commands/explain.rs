//! `cruddur-obs explain`: the failure catalogue in the terminal, like
//! `rustc --explain` or `ruff rule`. Also `completions` and `man`, which
//! print what clap knows about the commands.

use crate::cli::{Cli, CompletionsArgs, ExplainArgs, Format, ManArgs};
use crate::doctor::catalogue::{self, render, CATALOGUE};
use anyhow::{bail, Result};
use clap::CommandFactory;
use std::io::Write;

pub fn run(args: ExplainArgs) -> Result<u8> {
    let out = match (&args.id, args.all) {
        (Some(id), _) => {
            let Some(e) = catalogue::find(id.trim()) else {
                bail!("{}", unknown(id.trim()));
            };
            match args.format {
                Format::Text => render::text(e),
                Format::Markdown => render::markdown(e),
                Format::Json => pretty(&render::json(e)),
            }
        }
        (None, true) => match args.format {
            Format::Text => CATALOGUE
                .iter()
                .map(|e| render::text(e))
                .collect::<Vec<_>>()
                .join("\n"),
            Format::Markdown => render::markdown_all(),
            Format::Json => pretty(&CATALOGUE.iter().map(|e| render::json(e)).collect()),
        },
        // `--list`, and `explain` alone: the list is where one starts.
        (None, false) => match args.format {
            Format::Text => render::list_text(),
            Format::Markdown => render::list_markdown(),
            Format::Json => pretty(&render::list_json()),
        },
    };
    print!("{out}");
    Ok(0)
}

fn pretty(v: &serde_json::Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(v).expect("serialisable")
    )
}

/// The error for an id the catalogue does not have, naming the closest.
pub fn unknown(id: &str) -> String {
    let near = closest(id);
    let hint = match near.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of: {}?",
            many.iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("unknown failure id `{id}`{hint} (`cruddur-obs explain --list` lists them all)")
}

/// Up to five ids near `id`: by edit distance, or containing it (so
/// `explain rollbar` names the Rollbar ids).
pub fn closest(id: &str) -> Vec<&'static str> {
    let id = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = CATALOGUE
        .iter()
        .filter_map(|e| {
            let d = strsim::damerau_levenshtein(&id, e.id);
            let close = d <= (e.id.len().max(id.len()) / 5).max(2);
            let part = id.len() >= 4 && e.id.contains(id.as_str());
            (close || part).then_some((if close { d } else { 100 }, e.id))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

pub fn completions(args: CompletionsArgs) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(&completion_script(args.shell))?;
    out.flush()?;
    Ok(0)
}

fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut root = Cli::command();
    root.build();
    let mut cmd = without_hidden(&root);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "cruddur-obs", &mut out);
    out
}

/// The command tree without hidden arguments (the test hooks): clap's
/// generators list every argument, hidden or not.
fn without_hidden(cmd: &clap::Command) -> clap::Command {
    // clap takes `&'static str` names (without its "string" feature); the
    // process prints the script and exits, so the few names leaked are moot.
    let name: &'static str = Box::leak(cmd.get_name().to_string().into_boxed_str());
    let mut out = clap::Command::new(name)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true);
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        let version: &'static str = Box::leak(version.to_string().into_boxed_str());
        out = out.version(version);
    }
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        out = out.arg(arg.clone());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(without_hidden(sub));
    }
    out
}

pub fn man(args: ManArgs) -> Result<u8> {
    let mut root = Cli::command();
    // Building gives each subcommand its full usage line (`cruddur-obs doctor`).
    root.build();
    let cmd = match &args.command {
        None => root,
        Some(name) => {
            let Some(sub) = root.find_subcommand(name) else {
                let names: Vec<_> = root
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(|s| s.get_name().to_string())
                    .collect();
                bail!(
                    "no command `{name}`; the commands are: {}",
                    names.join(", ")
                );
            };
            // The page's title is the full command, as `man cruddur-obs-doctor` finds it.
            let title = format!("cruddur-obs-{}", sub.get_name());
            sub.clone().display_name(title)
        }
    };
    let after_help = cmd.get_after_help().map(|h| h.to_string());
    let has_subcommands = cmd.has_subcommands();
    let page = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    if has_subcommands {
        page.render_subcommands_section(&mut out)?;
    }
    // clap_mangen would print the examples as one filled paragraph; they
    // are columns, so each part is its own section, unfilled.
    if let Some(help) = after_help {
        out.extend(roff_sections(&help).into_bytes());
    }
    page.render_version_section(&mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(0)
}

/// `Examples:` / `Environment...:` paragraphs of an after-help text as roff
/// sections whose lines are kept as written.
fn roff_sections(help: &str) -> String {
    let mut out = String::new();
    for para in help.split("\n\n") {
        let mut lines = para.lines().peekable();
        let first = lines.peek().copied().unwrap_or("");
        let title = if first.starts_with("Examples") {
            "EXAMPLES"
        } else if first.starts_with("Environment") {
            "ENVIRONMENT"
        } else {
            "NOTES"
        };
        if first == "Examples:" || first == "Environment:" {
            lines.next();
        }
        out.push_str(&format!(".SH {title}\n.nf\n"));
        for line in lines {
            let escaped = line.replace('\\', "\\e").replace('-', "\\-");
            if escaped.starts_with(['.', '\'']) {
                out.push_str("\\&");
            }
            out.push_str(&escaped);
            out.push('\n');
        }
        out.push_str(".fi\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_suggests_the_id() {
        assert_eq!(closest("otel-endpoint-mising")[0], "otel-endpoint-missing");
        assert!(unknown("otel-endpoint-mising").contains("did you mean `otel-endpoint-missing`"));
    }

    #[test]
    fn a_word_names_the_ids_that_contain_it() {
        let near = closest("rollbar-token");
        assert!(near.contains(&"rollbar-token-missing"), "{near:?}");
        assert!(near.contains(&"rollbar-token-rejected"), "{near:?}");
    }

    #[test]
    fn nonsense_suggests_nothing() {
        assert!(closest("zzzzzzzzzzzz").is_empty());
        assert!(!unknown("zzzzzzzzzzzz").contains("did you mean"));
    }

    #[test]
    fn completions_offer_the_users_flags_but_not_the_test_hooks() {
        use clap_complete::Shell;
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = String::from_utf8(completion_script(shell)).unwrap();
            for hook in [
                "honeycomb-api-url",
                "honeycomb-other-region-url",
                "rollbar-api-url",
                "host-map",
            ] {
                assert!(!script.contains(hook), "{shell:?} completes --{hook}");
            }
            for flag in ["offline", "key-stdin", "endpoint", "strict", "help"] {
                assert!(script.contains(flag), "{shell:?} lacks --{flag}");
            }
            for sub in ["init", "send-test-span", "doctor", "explain"] {
                assert!(script.contains(sub), "{shell:?} lacks {sub}");
            }
        }
    }
}
