//! Python side of the backend: requirement files and module analysis.

pub mod analysis;
pub mod instrument;
pub mod libnames;
pub mod literals;
pub mod names;
pub mod requirements;
pub mod scope;
pub mod ts;
