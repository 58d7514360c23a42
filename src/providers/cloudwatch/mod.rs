//! CloudWatch Logs through watchtower: what init writes. (No API of its own:
//! nothing is sent to CloudWatch by the tool.)

pub mod setup;

pub use setup::*;
