//! Asking the user, only when a person can answer. Every question has a flag;
//! without a terminal a missing answer is an error naming that flag.

use anyhow::{bail, Result};
use std::io::IsTerminal;

mod interrupt;

#[derive(Debug, Clone, Copy)]
pub struct Interaction {
    pub interactive: bool,
}

impl Interaction {
    pub fn new(no_input: bool) -> Self {
        let tty = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Interaction {
            interactive: tty && !no_input,
        }
    }

    fn theme() -> dialoguer::theme::SimpleTheme {
        dialoguer::theme::SimpleTheme
    }

    /// Yes/no; `flag` is what answers it without a terminal.
    pub fn confirm(&self, question: &str, flag: &str) -> Result<bool> {
        if !self.interactive {
            bail!("confirmation needed but there is no terminal to ask on; pass {flag} to proceed");
        }
        let _ctrl_c = interrupt::Guard::install();
        Ok(dialoguer::Confirm::with_theme(&Self::theme())
            .with_prompt(question)
            .default(true)
            .interact()?)
    }

    pub fn secret(&self, question: &str, missing: &str) -> Result<String> {
        if !self.interactive {
            bail!("{missing}");
        }
        let _ctrl_c = interrupt::Guard::install();
        Ok(dialoguer::Password::with_theme(&Self::theme())
            .with_prompt(question)
            .interact()?)
    }

    /// Indices of the chosen items; `None` without a terminal.
    pub fn multi_select(
        &self,
        question: &str,
        items: &[&str],
        defaults: &[bool],
    ) -> Result<Option<Vec<usize>>> {
        if !self.interactive {
            return Ok(None);
        }
        let _ctrl_c = interrupt::Guard::install();
        Ok(Some(
            dialoguer::MultiSelect::with_theme(&Self::theme())
                .with_prompt(question)
                .items(items)
                .defaults(defaults)
                .interact()?,
        ))
    }

    /// Index of the chosen item; `None` without a terminal.
    pub fn select(&self, question: &str, items: &[&str], default: usize) -> Result<Option<usize>> {
        if !self.interactive {
            return Ok(None);
        }
        let _ctrl_c = interrupt::Guard::install();
        Ok(Some(
            dialoguer::Select::with_theme(&Self::theme())
                .with_prompt(question)
                .items(items)
                .default(default)
                .interact()?,
        ))
    }
}
