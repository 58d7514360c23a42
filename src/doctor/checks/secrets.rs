//! Keys and secrets.

use crate::doctor::{Ctx, Finding};

pub fn hardcoded(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn dotenv(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn key_format(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn rollbar_token(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn aws(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}
