//! The collector release an image runs, from its tag: what decides whether a
//! component still exists and where a host-less receiver binds.

use crate::doctor::checks::compose_file::image_tools::split_image;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Release(pub u32, pub u32, pub u32);

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.0, self.1, self.2)
    }
}

/// `logging` exporter removed (deprecated for `debug` since v0.86.0).
pub(crate) const LOGGING_REMOVED: Release = Release(0, 111, 0);
/// `jaeger` exporters removed from contrib.
pub(crate) const JAEGER_REMOVED: Release = Release(0, 85, 0);
/// Host-less receiver endpoints bind localhost (component.UseLocalHostAsDefaultHost).
pub(crate) const LOCALHOST_DEFAULT: Release = Release(0, 104, 0);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Version {
    /// A release tag (`0.88.0`, `v0.111.0`, `0.110.0-amd64`).
    At(Release),
    /// No tag or `latest`: the newest release on the next pull.
    Unpinned,
    /// A digest or a tag that names no release (`nightly`, a variable).
    Unknown,
}

impl Version {
    pub fn of(image: &str) -> Version {
        let (_, tag) = split_image(image);
        let Some(tag) = tag else {
            return if image.contains('@') {
                Version::Unknown
            } else {
                Version::Unpinned
            };
        };
        if tag == "latest" {
            return Version::Unpinned;
        }
        let nums: Vec<Option<u32>> = tag
            .trim_start_matches('v')
            .split('-')
            .next()
            .unwrap_or_default()
            .split('.')
            .map(|n| n.parse().ok())
            .collect();
        match nums.as_slice() {
            [Some(a), Some(b), Some(c)] => Version::At(Release(*a, *b, *c)),
            [Some(a), Some(b)] => Version::At(Release(*a, *b, 0)),
            _ => Version::Unknown,
        }
    }

    /// Whether the image is `min` or newer; `None` when the tag does not say.
    /// An unpinned image is today's release, newer than any `min` here.
    pub fn at_least(&self, min: Release) -> Option<bool> {
        match self {
            Version::At(r) => Some(*r >= min),
            Version::Unpinned => Some(true),
            Version::Unknown => None,
        }
    }

    /// "v0.110.0", "unpinned (today's release)"
    pub fn describe(&self) -> String {
        match self {
            Version::At(r) => r.to_string(),
            Version::Unpinned => "unpinned: today's release".into(),
            Version::Unknown => "of an unknown release".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_what_they_pin() {
        let v = |s| Version::of(s);
        assert_eq!(v("otel/opentelemetry-collector"), Version::Unpinned);
        assert_eq!(v("otel/opentelemetry-collector:latest"), Version::Unpinned);
        assert_eq!(
            v("otel/opentelemetry-collector-contrib:0.88.0"),
            Version::At(Release(0, 88, 0))
        );
        assert_eq!(
            v("otel/opentelemetry-collector:v0.111.0"),
            Version::At(Release(0, 111, 0))
        );
        assert_eq!(
            v("otel/opentelemetry-collector:0.110.0-amd64"),
            Version::At(Release(0, 110, 0))
        );
        assert_eq!(
            v("otel/opentelemetry-collector@sha256:0123"),
            Version::Unknown
        );
        assert_eq!(v("otel/opentelemetry-collector:nightly"), Version::Unknown);
        assert_eq!(
            v("localhost:5000/otelcol:0.100.1"),
            Version::At(Release(0, 100, 1))
        );
    }

    #[test]
    fn thresholds() {
        assert_eq!(
            Version::of("x:0.110.0").at_least(LOGGING_REMOVED),
            Some(false)
        );
        assert_eq!(
            Version::of("x:0.111.0").at_least(LOGGING_REMOVED),
            Some(true)
        );
        assert_eq!(Version::of("x").at_least(LOCALHOST_DEFAULT), Some(true));
        assert_eq!(
            Version::of("x:0.103.1").at_least(LOCALHOST_DEFAULT),
            Some(false)
        );
        assert_eq!(Version::of("x@sha256:00").at_least(JAEGER_REMOVED), None);
    }
}
