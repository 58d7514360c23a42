//! Backend code.

use crate::doctor::{Ctx, Finding};

pub fn parse(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn tracing(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn flask(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn rollbar(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn xray(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn watchtower(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}

pub fn gunicorn(_ctx: &Ctx) -> Vec<Finding> {
    Vec::new()
}
