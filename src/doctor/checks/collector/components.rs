//! collector-image-unpinned and collector-component-removed: what the
//! collector's release has decides whether its config starts at all.

use super::collectors;
use super::config::kind;
use super::version::{Version, JAEGER_REMOVED, LOGGING_REMOVED};
use crate::doctor::checks::compose_file::{listed, loc};
use crate::doctor::{Ctx, Finding, Unsure};

/// Component types a release no longer has: (type, removed in, use instead).
const REMOVED: [(&str, super::version::Release, &str); 3] = [
    ("logging", LOGGING_REMOVED, "`debug`"),
    (
        "jaeger",
        JAEGER_REMOVED,
        "an `otlp` exporter to Jaeger's port 4317",
    ),
    (
        "jaeger_thrift",
        JAEGER_REMOVED,
        "an `otlp` exporter to Jaeger's port 4317",
    ),
];

pub fn image(ctx: &Ctx) -> Result<Vec<Finding>, Unsure> {
    let mut out = Vec::new();
    for c in collectors(ctx) {
        if c.version == Version::Unpinned && !c.image.is_empty() {
            out.push(
                Finding::new(
                    "collector-image-unpinned",
                    format!(
                        "`{}` runs {} with no release tag: the next pull may bring a release its config does not fit",
                        c.svc.name(),
                        c.image
                    ),
                )
                .at(c.image_at.0.clone(), c.image_at.1)
                .evidence(format!("{}: {}", loc(&c.image_at), c.image)),
            );
        }
        let Ok(config) = c.config(ctx) else { continue };
        let mut gone: Vec<(String, String)> = Vec::new();
        for id in config.defined("exporters") {
            for (ty, removed, instead) in REMOVED {
                if kind(&id) == ty && c.version.at_least(removed) == Some(true) {
                    gone.push((
                        id.clone(),
                        format!("`{id}` (removed in {removed}; use {instead})"),
                    ));
                }
            }
        }
        let Some((first, _)) = gone.first() else {
            continue;
        };
        let at = config.locate(&["exporters", first]);
        let ids: Vec<String> = gone.iter().map(|(id, _)| id.clone()).collect();
        let details: Vec<String> = gone.into_iter().map(|(_, d)| d).collect();
        out.push(
            Finding::new(
                "collector-component-removed",
                format!(
                    "the config of `{}` uses the {} exporter, which {} no longer has: the collector exits at start",
                    c.svc.name(),
                    listed(&ids),
                    c.image
                ),
            )
            .at(at.0.clone(), at.1)
            .evidence(format!(
                "{}: exporter {}; the image is {}",
                loc(&at),
                details.join(", "),
                c.version.describe()
            )),
        );
    }
    Ok(out)
}
