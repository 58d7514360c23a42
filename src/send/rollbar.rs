//! Rollbar: post one test item with the resolved token and read the answer.

use super::Report;
use crate::http::{Http, Request};
use crate::providers::rollbar::{self, RollbarAnswer, TokenShape};
use std::time::Instant;

pub struct Input {
    pub api_url: String,
    pub token: String,
    pub environment: String,
}

/// The Rollbar target, when the backend's environment has a token variable.
pub fn input(
    env: &crate::resolve::ContainerEnv,
    remote: &crate::cli::RemoteArgs,
    environment: &str,
) -> Option<Input> {
    let token = env.get("ROLLBAR_ACCESS_TOKEN")?;
    Some(Input {
        api_url: remote.rollbar_api_url.clone(),
        token: token.value.trim().to_string(),
        environment: environment.to_string(),
    })
}

pub async fn run(http: &Http, input: &Input) -> Report {
    let start = Instant::now();
    let mut report = Report::new("rollbar");
    if input.token.is_empty() {
        return report
            .fail("rollbar-token-missing", "ROLLBAR_ACCESS_TOKEN reaches the container empty: set it in this shell or the project .env (or `gp env`)")
            .timed(start);
    }
    if rollbar::token_shape(&input.token) == TokenShape::Unknown {
        report.details.push("the token is not 32 hex characters (legacy shape); newer tokens may differ, sending anyway".into());
    }
    let uuid = rollbar::uuid4();
    let body = rollbar::test_item(&input.environment, &uuid, env!("CARGO_PKG_VERSION"))
        .to_string()
        .into_bytes();
    let url = format!("{}/api/1/item/", input.api_url.trim_end_matches('/'));
    let req = Request::post(&url, body)
        .header("Content-Type", "application/json")
        .header("X-Rollbar-Access-Token", &input.token);
    let resp = match http.send(&req).await {
        Ok(r) => r,
        Err(e) => {
            return report
                .fail(e.failure_id("rollbar-unreachable"), e.describe(&url))
                .timed(start)
        }
    };
    report.status = Some(resp.status);
    report.details.extend(resp.notes());
    match rollbar::interpret(resp.status, &resp.body) {
        RollbarAnswer::Accepted { uuid: got } => {
            let id = if got.is_empty() { uuid } else { got };
            report.link = Some(rollbar::occurrence_link(&id));
            report.id = Some(id);
            report
                .pass(format!(
                    "accepted a test item (environment \"{}\")",
                    input.environment
                ))
                .timed(start)
        }
        RollbarAnswer::Rejected {
            status,
            cause,
            message,
        } => {
            let said = message
                .map(|m| format!(" (server said: {m})"))
                .unwrap_or_default();
            report
                .fail(
                    cause.failure_id(),
                    format!("{status}: {}{said}", cause.explain()),
                )
                .timed(start)
        }
    }
}
