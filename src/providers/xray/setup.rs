//! AWS X-Ray in the backend: the SDK's recorder and Flask middleware after
//! the app exists, variables pointing at an `xray-daemon` compose service,
//! and that service itself.

use crate::providers::setup::{aws_passthrough, Setup, Spec};
use crate::python::analysis::Module;
use crate::python::instrument::{ImportSpec, Snippet, StatementSpec};

pub const DAEMON_SERVICE: &str = "xray-daemon";

pub static SPEC: Spec = Spec {
    packages: &["aws-xray-sdk"],
    snippet: &SNIPPET,
    variables,
    secret: None,
};

fn variables(setup: &Setup) -> Vec<(&'static str, String)> {
    // dynamic_naming matches the Host header; in Gitpod that is the 4567 preview URL.
    let url = if setup.gitpod {
        "*4567-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}*"
    } else {
        "*"
    };
    let mut v = vec![
        ("AWS_XRAY_URL", url.to_string()),
        ("AWS_XRAY_DAEMON_ADDRESS", format!("{DAEMON_SERVICE}:2000")),
    ];
    v.extend(aws_passthrough());
    v
}

pub static SNIPPET: Snippet = Snippet {
    title: "AWS X-Ray: trace requests through the xray-daemon (added by cruddur-obs)",
    imports: &[
        ImportSpec { module: "os", name: "" },
        ImportSpec { module: "aws_xray_sdk.core", name: "xray_recorder" },
        ImportSpec { module: "aws_xray_sdk.ext.flask.middleware", name: "XRayMiddleware" },
    ],
    statements: &[
        StatementSpec { code: "xray_url = os.getenv('AWS_XRAY_URL')", present: configured },
        StatementSpec { code: "xray_recorder.configure(service=os.getenv('OTEL_SERVICE_NAME', 'backend-flask'), dynamic_naming=xray_url)", present: configured },
        StatementSpec { code: "XRayMiddleware({app}, xray_recorder)", present: middleware },
    ],
};

fn configured(module: &Module, _app: &str) -> bool {
    module
        .calls()
        .iter()
        .any(|c| c.callee.ends_with("xray_recorder.configure"))
}

fn middleware(module: &Module, _app: &str) -> bool {
    module
        .calls()
        .iter()
        .any(|c| c.callee == "XRayMiddleware" || c.callee.ends_with(".XRayMiddleware"))
}

/// The daemon service, as compose YAML lines (indented by `indent`, one
/// level being `step`). The image's entrypoint is already `/xray …`, so
/// `command:` holds only flags, each its own argv item: Go's flag parser
/// stops at the first word that is not a flag.
pub fn daemon_service_yaml(indent: &str, step: &str, eol: &str) -> String {
    // The service name on the first line is what add_service looks for.
    let i1 = format!("{indent}{step}");
    let i2 = format!("{i1}{step}");
    [
        format!("{indent}{DAEMON_SERVICE}:"),
        format!("{i1}image: \"amazon/aws-xray-daemon\""),
        format!("{i1}environment:"),
        format!("{i2}AWS_ACCESS_KEY_ID: \"${{AWS_ACCESS_KEY_ID}}\""),
        format!("{i2}AWS_SECRET_ACCESS_KEY: \"${{AWS_SECRET_ACCESS_KEY}}\""),
        format!("{i2}AWS_REGION: \"${{AWS_DEFAULT_REGION}}\""),
        format!("{i1}command:"),
        format!("{i2}- \"-o\""),
        format!("{i2}- \"-b\""),
        format!("{i2}- \"{DAEMON_SERVICE}:2000\""),
        format!("{i1}ports:"),
        format!("{i2}- \"2000:2000/udp\""),
    ]
    .iter()
    .map(|l| format!("{l}{eol}"))
    .collect()
}
