//! The check registry: one entry per check, grouped by the sections of
//! failures.md. Each check reads the `Ctx` and returns findings.

pub mod code;
pub mod compose_env;
pub mod deps;
pub mod layout;
pub mod network;
pub mod secrets;

use super::{Category, Check};

macro_rules! check {
    ($cat:ident, $module:ident :: $f:ident) => {
        Check {
            name: concat!(stringify!($module), "::", stringify!($f)),
            category: Category::$cat,
            run: $module::$f,
        }
    };
}

pub const OFFLINE: &[Check] = &[
    check!(Layout, layout::requirements),
    check!(ComposeEnv, compose_env::endpoint),
    check!(ComposeEnv, compose_env::headers),
    check!(ComposeEnv, compose_env::service_name),
    check!(ComposeEnv, compose_env::names),
    check!(ComposeEnv, compose_env::list_quotes),
    check!(ComposeEnv, compose_env::protocol),
    check!(ComposeEnv, compose_env::disabled),
    check!(ComposeEnv, compose_env::interpolation),
    check!(ComposeEnv, compose_env::env_files),
    check!(ComposeEnv, compose_env::wrong_service),
    check!(Secrets, secrets::hardcoded),
    check!(Secrets, secrets::dotenv),
    check!(Secrets, secrets::dotenv_tracked),
    check!(Secrets, secrets::leftover_temp_files),
    check!(Secrets, secrets::key_format),
    check!(Secrets, secrets::rollbar_token),
    check!(Secrets, secrets::aws),
    check!(Dependencies, deps::otel_packages),
    check!(Dependencies, deps::provider_packages),
    check!(Dependencies, deps::dockerfile),
    check!(Code, code::parse),
    check!(Code, code::tracing),
    check!(Code, code::flask),
    check!(Code, code::rollbar),
    check!(Code, code::xray),
    check!(Code, code::watchtower),
    check!(Code, code::gunicorn),
];
