//! Compose environment of the backend service.
//!
//! Each check reports one cause once: a value that only looks wrong because a
//! list entry kept its quotes is left to `list_quotes`, a value emptied by an
//! unset `${VAR}` to `interpolation`, a misspelt name to `names`.

mod endpoint;
mod exporter;
mod shared;
mod spelling;
mod variables;

pub use endpoint::{endpoint, headers, service_name};
pub use exporter::{disabled, protocol};
pub use spelling::{list_quotes, names};
pub use variables::{env_files, interpolation, wrong_service};
pub(crate) use variables::{xray_daemon_services, xray_daemons};

pub(super) use endpoint::headers_setting;
pub(super) use shared::{backend, clean, clean_raw, place, secret_name, set, shown, unset_var};

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod more_tests;
