//! AWS X-Ray: what init writes (`setup`: SDK, middleware, the daemon service)
//! beside the daemon's local protocol (`api`).

pub mod api;
pub mod setup;

pub use api::*;
