//! Honeycomb: what init writes (`setup`: variables, packages, code, key and
//! endpoint facts every command shares) beside the vendor's API (`api`:
//! `/1/auth` and the trace link).

pub mod api;
pub mod setup;

pub use setup::*;

/// A Honeycomb region: which API host keys, endpoints and links belong to.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
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
