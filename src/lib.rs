//! cruddur-obs as a library: the binary in main.rs is a thin shell over it,
//! and the integration tests reach the same modules.
//!
//! Data flow: `project` discovers a `Project`; `providers` know what each
//! backend needs; commands turn that into an `edit::Plan` (init), findings
//! (doctor) or a resolved exporter configuration (send-test-span).

pub mod cli;
pub mod commands;
pub mod compose;
pub mod doctor;
pub mod edit;
pub mod fasthash;
pub mod flag_values;
pub mod fsutil;
pub mod fsutil_read;
pub mod http;
pub mod mask;
pub mod otlp;
pub mod project;
pub mod prompt;
pub mod providers;
pub mod python;
pub mod resolve;
pub mod secrets;
pub mod send;
pub mod steps;
pub mod threads;
pub mod usage;
