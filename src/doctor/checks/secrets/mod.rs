//! Keys and secrets. No finding ever carries a secret: evidence shows
//! `mask()`ed prefixes only.

mod credentials;
mod files;
mod hardcoded;

pub use credentials::{aws, dotenv, key_format, rollbar_token};
pub use files::{dotenv_tracked, leftover_temp_files};
pub use hardcoded::hardcoded;
pub(crate) use hardcoded::CodeSecret;

pub(super) use hardcoded::holds_secret;

const QUOTES: [char; 2] = ['"', '\''];
const ROLLBAR: &str = "ROLLBAR_ACCESS_TOKEN";
const AWS_SECRET: &str = "AWS_SECRET_ACCESS_KEY";

#[cfg(test)]
mod tests;
