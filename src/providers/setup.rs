//! What `init` needs from each provider: its variables, packages, code and
//! secret. Honeycomb's decisions live in honeycomb.rs (they depend on the key
//! and region); the others are declared here and in their own modules.

use crate::compose::edit::EnvOp;
use crate::compose::EnvVar;
use crate::python::instrument::Snippet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum ProviderId {
    Honeycomb,
    Rollbar,
    Xray,
    Cloudwatch,
}

impl ProviderId {
    pub const ALL: [ProviderId; 4] = [
        ProviderId::Honeycomb,
        ProviderId::Rollbar,
        ProviderId::Xray,
        ProviderId::Cloudwatch,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ProviderId::Honeycomb => "Honeycomb (OpenTelemetry traces)",
            ProviderId::Rollbar => "Rollbar (error reporting)",
            ProviderId::Xray => "AWS X-Ray (traces through the xray-daemon)",
            ProviderId::Cloudwatch => "AWS CloudWatch Logs (watchtower)",
        }
    }

    pub fn spec(self) -> &'static Spec {
        match self {
            ProviderId::Honeycomb => &super::honeycomb::setup::SPEC,
            ProviderId::Rollbar => &super::rollbar::setup::SPEC,
            ProviderId::Xray => &super::xray::setup::SPEC,
            ProviderId::Cloudwatch => &super::cloudwatch::setup::SPEC,
        }
    }
}

/// A secret the provider's code reads from the container environment.
pub struct SecretSpec {
    pub var: &'static str,
    pub prompt: &'static str,
}

pub struct Spec {
    pub packages: &'static [&'static str],
    pub snippet: &'static Snippet,
    /// Variables the backend needs: (name, value as written in compose).
    pub variables: fn(&Setup) -> Vec<(&'static str, String)>,
    pub secret: Option<SecretSpec>,
}

pub struct Setup<'a> {
    pub service: &'a str,
    pub gitpod: bool,
}

/// `Set` ops for the variables the environment lacks. A variable already
/// there (or there under a misspelt name init renames) keeps the user's value.
pub fn missing_vars(
    current: &[EnvVar],
    wanted: Vec<(&'static str, String)>,
) -> Vec<(EnvOp, String)> {
    let present = |name: &str| {
        current
            .iter()
            .any(|v| v.name == name || super::env_names::intended(&v.name) == Some(name))
    };
    wanted
        .into_iter()
        .filter(|(name, _)| !present(name))
        .map(|(name, value)| {
            let why = format!("set {name}");
            (
                EnvOp::Set {
                    name: name.to_string(),
                    value,
                },
                why,
            )
        })
        .collect()
}

/// AWS region and credentials, passed through from the shell or .env.
pub fn aws_passthrough() -> Vec<(&'static str, String)> {
    [
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]
    .into_iter()
    .map(|n| (n, format!("${{{n}}}")))
    .collect()
}
