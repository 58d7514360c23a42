//! Python side of the backend: requirement files and module analysis.

pub mod analysis;
pub mod instrument;
pub mod requirements;
pub mod scope;
