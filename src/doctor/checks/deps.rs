//! Python dependencies and image.

use crate::doctor::{Ctx, Finding};

pub fn otel_packages(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn provider_packages(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn dockerfile(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}
