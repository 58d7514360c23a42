//! Rollbar: what init writes (`setup`) beside the item API (`api`).

pub mod api;
pub mod setup;

pub use api::*;
