//! The variable names the SDKs read, and near misses of them. A misspelt name
//! is ignored by the SDK without a word, so this is where silence starts.

pub const KNOWN: &[&str] = &[
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_SAMPLER",
    "OTEL_PROPAGATORS",
    "OTEL_LOG_LEVEL",
    "HONEYCOMB_API_KEY",
    "HONEYCOMB_DATASET",
    "HONEYCOMB_API_ENDPOINT",
    "HONEYCOMB_SERVICE_NAME",
    "ROLLBAR_ACCESS_TOKEN",
    "AWS_XRAY_URL",
    "AWS_XRAY_DAEMON_ADDRESS",
    "AWS_XRAY_CONTEXT_MISSING",
    "AWS_XRAY_SDK_ENABLED",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Prefixes of the families above: a name outside them is the app's own.
const FAMILIES: &[&str] = &["OTEL", "HONEYCOMB", "ROLLBAR", "AWS"];

/// The known name `name` was meant to be, when it is a near miss of one.
pub fn intended(name: &str) -> Option<&'static str> {
    if KNOWN.contains(&name) {
        return None;
    }
    let normal: String = name
        .trim()
        .chars()
        .map(|c| {
            if c == '-' || c == '.' || c == ' ' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    if let Some(k) = KNOWN.iter().find(|k| **k == normal) {
        return Some(k);
    }
    if !FAMILIES
        .iter()
        .any(|f| normal.starts_with(&f[..3.min(f.len())]))
    {
        return None;
    }
    let (best, dist) = KNOWN
        .iter()
        .map(|k| (*k, distance(&normal, k)))
        .min_by_key(|(_, d)| *d)?;
    let allowed = if best.len() >= 12 { 2 } else { 1 };
    (dist <= allowed && !KNOWN.contains(&normal.as_str())).then_some(best)
}

/// Levenshtein distance over bytes (names are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_map_to_the_intended_name() {
        let cases = [
            ("OTEL-SERVICE-NAME", "OTEL_SERVICE_NAME"),
            ("otel_service_name", "OTEL_SERVICE_NAME"),
            ("OTEL_EXPORTER_OTLP_HEADER", "OTEL_EXPORTER_OTLP_HEADERS"),
            ("OTEL_EXPORTER_OTLP_ENDPIONT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            ("HONEYCOMB_APIKEY", "HONEYCOMB_API_KEY"),
            (
                "OTEL_EXPORTER_OTLP_TRACE_ENDPOINT",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            ),
            ("ROLLBAR_ACCESS_TOKN", "ROLLBAR_ACCESS_TOKEN"),
            ("AWS_XRAY_DEAMON_ADDRESS", "AWS_XRAY_DAEMON_ADDRESS"),
        ];
        for (typo, want) in cases {
            assert_eq!(intended(typo), Some(want), "{typo}");
        }
    }

    #[test]
    fn known_and_unrelated_names_are_left_alone() {
        for name in KNOWN.iter().copied().chain([
            "FRONTEND_URL",
            "BACKEND_URL",
            "DATABASE_URL",
            "CONNECTION_URL",
            "FLASK_ENV",
            "AWS_COGNITO_USER_POOL_ID",
            "AWS_ENDPOINT_URL",
            "OTEL_BSP_SCHEDULE_DELAY",
            "PORT",
        ]) {
            assert_eq!(intended(name), None, "{name}");
        }
    }
}
