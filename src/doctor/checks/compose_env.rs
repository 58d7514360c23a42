//! Compose environment of the backend service.

use crate::doctor::{Ctx, Finding};

pub fn endpoint(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn headers(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn service_name(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn names(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn list_quotes(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn protocol(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn disabled(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn interpolation(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn env_files(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn wrong_service(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}
