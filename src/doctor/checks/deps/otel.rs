//! Which OpenTelemetry packages the backend needs, from what its code
//! imports, how it is started and what its environment configures.

use super::declared::{self, Declared};
use crate::doctor::{Ctx, Finding, Fix};
use crate::providers::honeycomb::PACKAGES;
use crate::usage::image::Image;
use crate::usage::launch::{env_value, Launch};

pub(crate) const HTTP: &str = "opentelemetry-exporter-otlp-proto-http";
pub(crate) const GRPC: &str = "opentelemetry-exporter-otlp-proto-grpc";
const API: &str = "opentelemetry-api";
const SDK: &str = "opentelemetry-sdk";
const FLASK: &str = "opentelemetry-instrumentation-flask";

/// Modules of the `opentelemetry-instrumentation` package itself, which
/// `opentelemetry.instrumentation.<name>` must not be mistaken for.
const INSTRUMENTATION_CORE: &[&str] = &[
    "auto_instrumentation",
    "bootstrap",
    "bootstrap_gen",
    "dependencies",
    "distro",
    "environment_variables",
    "instrumentor",
    "propagators",
    "sqlcommenter_utils",
    "utils",
    "version",
];

/// Whether the backend means to use OpenTelemetry at all: the code imports
/// it, `opentelemetry-instrument` starts it, or compose configures it.
pub(crate) fn intended(ctx: &Ctx, launch: &Launch) -> bool {
    first_import(ctx).is_some()
        || launch.runs("opentelemetry-instrument").is_some()
        || env_setting(ctx).is_some()
}

fn first_import(ctx: &Ctx) -> Option<String> {
    ctx.code().mods.iter().find_map(|m| {
        let i = m.module.imports().iter().find(|i| is_otel(&i.module))?;
        Some(format!("{}:{} imports {}", m.display, i.line, i.module))
    })
}

fn is_otel(module: &str) -> bool {
    module == "opentelemetry" || module.starts_with("opentelemetry.")
}

fn env_setting(ctx: &Ctx) -> Option<String> {
    let s = ctx
        .env
        .settings
        .iter()
        .find(|s| s.name.starts_with("OTEL_"))?;
    Some(format!("{} sets {}", s.origin, s.name))
}

/// The exporter `opentelemetry-instrument` loads, by its protocol setting.
/// None when it exports nothing over OTLP or the protocol is unknown
/// (compose_env::protocol reports that).
pub(crate) fn auto_exporter(ctx: &Ctx, image: Option<&Image>) -> Option<(&'static str, String)> {
    if let Some((v, _)) = env_value(&ctx.env, image, "OTEL_TRACES_EXPORTER") {
        if !v.split(',').any(|e| e.trim() == "otlp") {
            return None;
        }
    }
    let set = [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ]
    .iter()
    .find_map(|n| env_value(&ctx.env, image, n).map(|(v, at)| (v, format!("{n} at {at}"))));
    let (value, why) = set.unwrap_or(("grpc".into(), "the distro's default".into()));
    let package = match value.trim() {
        "grpc" => GRPC,
        "http/protobuf" => HTTP,
        _ => return None,
    };
    Some((package, format!("protocol {} ({why})", value.trim())))
}

/// Packages pip installs as dependencies of others (their PyPI metadata):
/// the SDK brings the API, the distro and the exporters bring both, every
/// instrumentation brings the API and the instrumentation base.
const BROUGHT_BY: &[(&str, &[&str])] = &[
    (
        API,
        &[
            "opentelemetry-sdk",
            "opentelemetry-distro",
            HTTP,
            GRPC,
            "opentelemetry-exporter-otlp",
            "honeycomb-opentelemetry",
        ],
    ),
    (
        SDK,
        &[
            "opentelemetry-distro",
            HTTP,
            GRPC,
            "opentelemetry-exporter-otlp",
            "honeycomb-opentelemetry",
        ],
    ),
    (
        "opentelemetry-instrumentation",
        &["opentelemetry-distro", "honeycomb-opentelemetry"],
    ),
];

/// The declared package that brings `package` along, if one does.
fn installed_through<'d>(declared: &'d [Declared], package: &str) -> Option<&'d Declared> {
    let (_, by) = BROUGHT_BY.iter().find(|(p, _)| *p == package)?;
    by.iter()
        .find_map(|b| declared::find(declared, b))
        .or_else(|| {
            // Every opentelemetry-instrumentation-* package requires the API.
            (package == API)
                .then(|| {
                    declared.iter().find(|d| {
                        d.req
                            .normalized
                            .starts_with("opentelemetry-instrumentation-")
                    })
                })
                .flatten()
        })
}

/// An exporter package is also provided by the `opentelemetry-exporter-otlp`
/// meta-package and by `opentelemetry-distro[otlp]`.
fn has_exporter(declared: &[Declared], package: &str) -> bool {
    declared::find(declared, package).is_some()
        || declared::find(declared, "opentelemetry-exporter-otlp").is_some()
        || declared::find(declared, "opentelemetry-distro")
            .is_some_and(|d| d.req.extras.iter().any(|e| e == "otlp"))
}

struct Need {
    package: String,
    why: String,
}

fn needs(ctx: &Ctx, launch: &Launch, image: Option<&Image>) -> Vec<Need> {
    let auto = launch.runs("opentelemetry-instrument");
    let base = first_import(ctx)
        .or_else(|| auto.map(|c| format!("{} runs opentelemetry-instrument", c.location())))
        .or_else(|| env_setting(ctx));
    let Some(base) = base else {
        return Vec::new();
    };
    let mut out: Vec<Need> = Vec::new();
    let mut need = |package: &str, why: String| {
        if !out.iter().any(|n| n.package == package) {
            out.push(Need {
                package: package.to_string(),
                why,
            });
        }
    };
    let mut code_uses_otel = false;
    for m in &ctx.code().mods {
        for i in m.module.imports() {
            code_uses_otel |= is_otel(&i.module);
            let why = || format!("{}:{} imports {}", m.display, i.line, i.module);
            if i.module == "opentelemetry.sdk" || i.module.starts_with("opentelemetry.sdk.") {
                need(SDK, why());
            } else if i.module == "opentelemetry" || i.module.starts_with("opentelemetry.trace") {
                need(API, why());
            } else if i
                .module
                .starts_with("opentelemetry.exporter.otlp.proto.http")
            {
                need(HTTP, why());
            } else if i
                .module
                .starts_with("opentelemetry.exporter.otlp.proto.grpc")
            {
                need(GRPC, why());
            } else if let Some(rest) = i.module.strip_prefix("opentelemetry.instrumentation.") {
                let name = rest.split('.').next().unwrap_or_default();
                if !name.starts_with('_') && !INSTRUMENTATION_CORE.contains(&name) {
                    need(
                        &format!("opentelemetry-instrumentation-{}", name.replace('_', "-")),
                        why(),
                    );
                }
            }
        }
    }
    need(API, base.clone());
    need(SDK, base.clone());
    if let Some(cmd) = auto {
        if let Some((package, why)) = auto_exporter(ctx, image) {
            need(
                package,
                format!(
                    "{} runs opentelemetry-instrument with {why}",
                    cmd.location()
                ),
            );
        }
        // Auto-instrumentation only instruments libraries whose
        // instrumentation package is installed.
        need(
            FLASK,
            format!("{} runs opentelemetry-instrument", cmd.location()),
        );
    } else if !code_uses_otel {
        for package in PACKAGES {
            need(package, base.clone());
        }
    }
    // Named in dependency order, whatever order the imports came in.
    out.sort_by_key(|n| {
        [API, SDK, HTTP, GRPC]
            .iter()
            .position(|p| *p == n.package)
            .unwrap_or(4)
    });
    out
}

pub(crate) fn packages(ctx: &Ctx) -> Vec<Finding> {
    let Some(req_file) = declared::requirements_display(ctx.project) else {
        return Vec::new();
    };
    let declared = &ctx.declared;
    let image = ctx.image();
    let launch = ctx.launch();
    let mut out = Vec::new();
    let mut missing: Vec<&Need> = Vec::new();
    let wanted = needs(ctx, launch, image);
    for n in &wanted {
        let other = match n.package.as_str() {
            HTTP => Some(GRPC),
            GRPC => Some(HTTP),
            _ => None,
        };
        let Some(other) = other else {
            if declared::find(declared, &n.package).is_none()
                && installed_through(declared, &n.package).is_none()
            {
                missing.push(n);
            }
            continue;
        };
        if has_exporter(declared, &n.package) {
            continue;
        }
        match declared::find(declared, other) {
            Some(d) => out.push(
                Finding::new(
                    "requirements-exporter-mismatch",
                    format!("{} is needed but only {other} is declared", n.package),
                )
                .at(d.file.clone(), Some(d.req.line))
                .evidence(format!("{}; declared: {}", n.why, d.quoted()))
                .fill("package", n.package.clone())
                .fill("requirements", req_file.as_str())
                .edit(Fix::AddPackages(vec![n.package.clone()])),
            ),
            None => missing.push(n),
        }
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|n| n.package.clone()).collect();
        // One line per reason, naming every package it accounts for.
        let mut why: Vec<(Vec<&str>, &str)> = Vec::new();
        for n in &missing {
            match why.iter_mut().find(|(_, w)| *w == n.why) {
                Some((packages, _)) => packages.push(&n.package),
                None => why.push((vec![&n.package], &n.why)),
            }
        }
        let why: Vec<String> = why
            .into_iter()
            .map(|(packages, w)| format!("{}: {w}", packages.join(", ")))
            .collect();
        out.insert(
            0,
            Finding::new(
                "requirements-missing-otel",
                format!("{req_file} lacks {}", names.join(", ")),
            )
            .file(req_file.clone())
            .evidence(why.join("; "))
            .fill("package", names.join(", "))
            .fill("requirements", req_file.as_str())
            .edit(Fix::AddPackages(names)),
        );
    }
    out.extend(version_skew(declared));
    out
}

fn is_core(name: &str) -> bool {
    matches!(
        name,
        "opentelemetry-api"
            | "opentelemetry-sdk"
            | "opentelemetry-proto"
            | "opentelemetry-exporter-otlp"
    ) || name.starts_with("opentelemetry-exporter-otlp-proto-")
}

/// Contrib releases are numbered `0.MbK`; third-party packages that share
/// the name prefix but not the scheme are left out.
fn contrib_minor(d: &Declared) -> Option<u64> {
    let n = &d.req.normalized;
    if !(n.starts_with("opentelemetry-instrumentation") || n == "opentelemetry-distro") {
        return None;
    }
    let version = d.req.pinned_version()?;
    let release = declared::release(version);
    let rest = version.split('.').nth(1)?;
    match release.as_slice() {
        [0, m]
            if rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with('b') =>
        {
            Some(*m)
        }
        _ => None,
    }
}

fn version_skew(declared: &[Declared]) -> Option<Finding> {
    let (core, n) = declared.iter().find_map(|d| {
        if !is_core(&d.req.normalized) {
            return None;
        }
        match declared::release(d.req.pinned_version()?).as_slice() {
            [1, n, ..] => Some((d, *n)),
            _ => None,
        }
    })?;
    let expected = n + 21;
    let off: Vec<(&Declared, u64)> = declared
        .iter()
        .filter_map(|d| contrib_minor(d).map(|m| (d, m)))
        .filter(|(_, m)| *m != expected)
        .collect();
    let (first, m) = *off.first()?;
    let quoted: Vec<String> = off.iter().map(|(d, _)| d.quoted()).collect();
    let core_alternative = m
        .checked_sub(21)
        .map(|c| format!("; contrib 0.{m} goes with core 1.{c}"))
        .unwrap_or_default();
    Some(
        Finding::new(
            "requirements-version-skew",
            format!(
                "{} pins core 1.{n} but {} pins contrib 0.{m}",
                core.req.name, first.req.name
            ),
        )
        .at(first.file.clone(), Some(first.req.line))
        .evidence(format!(
            "{} goes with contrib 0.{expected}bX, but: {}{core_alternative}",
            core.quoted(),
            quoted.join(", ")
        ))
        .fill("value", format!("0.{expected}b0")),
    )
}
