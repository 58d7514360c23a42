//! CloudWatch Logs through watchtower: a logger whose handler ships records
//! to the `cruddur` log group, using the AWS variables passed through.

use crate::providers::setup::{aws_passthrough, Setup, Spec};
use crate::python::analysis::Module;
use crate::python::instrument::{ImportSpec, Snippet, StatementSpec};

pub static SPEC: Spec = Spec {
    packages: &["watchtower"],
    snippet: &SNIPPET,
    variables,
    secret: None,
};

fn variables(_: &Setup) -> Vec<(&'static str, String)> {
    aws_passthrough()
}

pub static SNIPPET: Snippet = Snippet {
    title: "CloudWatch Logs via watchtower (added by cruddur-obs)",
    imports: &[
        ImportSpec {
            module: "logging",
            name: "",
        },
        ImportSpec {
            module: "watchtower",
            name: "",
        },
    ],
    statements: &[
        StatementSpec {
            code: "LOGGER = logging.getLogger(__name__)",
            present: handler_present,
        },
        StatementSpec {
            code: "LOGGER.setLevel(logging.DEBUG)",
            present: handler_present,
        },
        // watchtower calls AWS when the handler is built: without a region
        // or credentials that raises at import, so the app would not start.
        StatementSpec {
            code: "try:\n    LOGGER.addHandler(watchtower.CloudWatchLogHandler(log_group_name='cruddur'))\nexcept Exception as e:  # no AWS region or credentials: keep serving, log why\n    LOGGER.warning('CloudWatch logging off: %s', e)",
            present: handler_present,
        },
    ],
};

fn handler_present(module: &Module, _app: &str) -> bool {
    module
        .calls()
        .iter()
        .any(|c| c.callee.ends_with("CloudWatchLogHandler"))
}
