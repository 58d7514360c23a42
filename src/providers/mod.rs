//! One module per backend the tool sets up. A provider owns its environment
//! variables, Python packages and code snippet.

pub mod cloudwatch;
pub mod env_names;
pub mod honeycomb;
pub mod honeycomb_api;
pub mod rollbar;
pub mod rollbar_setup;
pub mod setup;
pub mod xray;
pub mod xray_setup;
