//! One folder per vendor the tool sets up: `setup.rs` is what init writes
//! (variables, packages, code), `api.rs` the vendor's API and what its answers
//! mean. `setup` here is the registry init walks; `env_names` the variable
//! names every provider reads, for spotting typos.

pub mod cloudwatch;
pub mod env_names;
pub mod honeycomb;
pub mod rollbar;
pub mod setup;
pub mod xray;
