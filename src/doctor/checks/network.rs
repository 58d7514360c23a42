//! Network checks (skipped with --offline): the key and a test export, a
//! Rollbar item, the X-Ray daemon. They run concurrently, each bounded by its
//! own timeout; one that does not finish is "could not check", never a pass.

use crate::cli::RemoteArgs;
use crate::doctor::finding::without_advice;
use crate::doctor::{catalogue, Category, Ctx, Diagnosis, Finding};
use crate::http::Http;
use crate::otlp::Protocol;
use crate::send::{self, Report};
use std::time::Duration;

pub const NAMES: [&str; 3] = ["network::honeycomb", "network::rollbar", "network::xray"];

pub fn skip_all(d: &mut Diagnosis, reason: &str) {
    for name in NAMES {
        d.skip(name, Category::Network, reason);
    }
}

pub fn run(ctx: &Ctx, remote: &RemoteArgs, timeout: Duration, d: &mut Diagnosis) {
    let mut exporter = ctx.exporter.clone();
    let endpoint_note = remote.endpoint.as_deref().map(|flag| {
        let (url, note) = send::endpoint_flag(flag);
        exporter.traces_url = Some(url);
        note
    });
    let honeycomb =
        send::honeycomb::input(&exporter, remote, Protocol::HttpProtobuf).map(|input| {
            send::honeycomb::Input {
                endpoint_note,
                ..input
            }
        });
    let rollbar =
        send::rollbar::input(&ctx.env, remote, "development").filter(|r| !r.token.is_empty());
    let xray = send::xray::input(ctx.project, &ctx.env, remote.xray_address.as_deref());
    let rt = crate::http::runtime();
    let limit = timeout + Duration::from_millis(250);
    let (h, r, x) = rt.block_on(async {
        let h = async {
            let input = honeycomb.as_ref()?;
            let http = Http::new(timeout).with_host_map(&remote.host_map);
            Some(
                tokio::time::timeout(limit, send::honeycomb::run(&http, input))
                    .await
                    .ok(),
            )
        };
        let r = async {
            let input = rollbar.as_ref()?;
            let http = Http::new(timeout).with_host_map(&remote.host_map);
            Some(
                tokio::time::timeout(limit, send::rollbar::run(&http, input))
                    .await
                    .ok(),
            )
        };
        let x = async {
            let input = xray?;
            let task = tokio::task::spawn_blocking(move || send::xray::run(&input, timeout));
            Some(
                tokio::time::timeout(limit, task)
                    .await
                    .ok()
                    .and_then(Result::ok),
            )
        };
        tokio::join!(h, r, x)
    });
    let why_not = [
        "no OTLP endpoint configured (see otel-endpoint-missing)",
        "no Rollbar token reaches the backend",
        "no X-Ray daemon configured",
    ];
    for ((name, result), reason) in NAMES.into_iter().zip([h, r, x]).zip(why_not) {
        match result {
            None => d.skip(name, Category::Network, reason),
            Some(None) => d.add(
                name,
                Category::Network,
                Err(format!(
                    "did not finish within {:.1} s",
                    timeout.as_secs_f64()
                )),
            ),
            Some(Some(report)) if report.skipped => {
                d.skip(name, Category::Network, report.message.clone())
            }
            Some(Some(report)) => {
                let mut found = findings(&report, &d.findings);
                attach_region_fix(&mut found, ctx);
                match report.cause.filter(|_| !report.ok && found.is_empty()) {
                    // The request was never made, or failed for a cause an
                    // offline check already names: not a pass.
                    Some("compose-var-unset" | "otel-headers-missing") => {
                        d.skip(name, Category::Network, "no key in this shell to test")
                    }
                    Some(cause) => d.skip(
                        name,
                        Category::Network,
                        format!("stopped by {cause}, reported above"),
                    ),
                    None => d.add(name, Category::Network, Ok(found)),
                }
            }
        }
    }
}

/// A failed report becomes a finding under its cause id, unless an offline
/// check already reported that id (the network only confirms it).
fn findings(report: &Report, offline: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(cause) = report.cause.filter(|_| !report.ok) {
        let known = catalogue::CATALOGUE.iter().any(|e| e.id == cause);
        if known && !offline.iter().any(|f| f.id == cause) {
            let mut f = Finding::new(cause, without_advice(&report.message));
            if let Some(s) = report.status {
                f = f.evidence(format!("{} answered {s}", report.target));
            }
            out.push(f);
        }
    }
    let dataset = "honeycomb-key-cannot-create-dataset";
    for detail in report.details.iter().filter(|d| d.contains(dataset)) {
        let said = detail.replace(&format!(" ({dataset})"), "");
        out.push(Finding::new(dataset, without_advice(&said)));
    }
    out
}

/// A key that belongs to the other region: point the base endpoint there.
/// Only a compose OTEL_EXPORTER_OTLP_ENDPOINT on a Honeycomb host is edited.
fn attach_region_fix(found: &mut [Finding], ctx: &Ctx) {
    use crate::compose::edit::EnvOp;
    use crate::providers::honeycomb::Region;
    let Some(endpoint) = ctx.env.get("OTEL_EXPORTER_OTLP_ENDPOINT") else {
        return;
    };
    let Some(current) = crate::providers::honeycomb::region_of(&endpoint.value) else {
        return;
    };
    let other = if current == Region::Us {
        Region::Eu
    } else {
        Region::Us
    };
    for f in found
        .iter_mut()
        .filter(|f| f.id == "honeycomb-region-mismatch")
    {
        if let crate::resolve::Origin::Compose { file, line } = &endpoint.origin {
            f.file = Some(file.clone());
            f.line = *line;
        }
        f.fill_in("value", other.api_url());
        f.edits.push(crate::doctor::Fix::Env(vec![EnvOp::Set {
            name: "OTEL_EXPORTER_OTLP_ENDPOINT".into(),
            value: other.api_url().into(),
        }]));
        f.fixable = true;
    }
}
