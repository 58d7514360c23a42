//! Network: what the endpoints answer to a test export, a Rollbar item and
//! an X-Ray segment (skipped with `--offline`).

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Network, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "endpoint-unreachable",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "DNS, TCP or TLS failure to the OTLP endpoint.",
        why: "The exporter could not open a connection: the host name does not resolve (a typo, \
              no network), nothing accepts on the port, or the TLS handshake failed (`http` \
              against a TLS port, an intercepting proxy). The SDK retries, logs \
              `Failed to export batch`, and drops the spans. The finding says which step failed.",
        fix: "Check the host and port in OTEL_EXPORTER_OTLP_ENDPOINT (Honeycomb: \
              `https://api.honeycomb.io` or `https://api.eu1.honeycomb.io`, port 443; a collector: \
              `http://otel-collector:4318`, by its service name) and the outbound network of the \
              machine and the container; behind an intercepting proxy, TLS needs the proxy's CA in \
              the container (`REQUESTS_CA_BUNDLE`).",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.com"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "endpoint-wrong-path",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "The endpoint answers 404 to a trace export.",
        why: "A 404 means the URL's path is not where the receiver takes traces: \
              `/v1/traces/v1/traces` from a base endpoint that already had the path, `/` from a \
              traces endpoint without it, or a path the server does not serve.",
        fix: "Put the base URL with no path in OTEL_EXPORTER_OTLP_ENDPOINT \
              (`https://api.honeycomb.io`: the SDK appends `/v1/traces`), or a full URL ending in \
              `/v1/traces` in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io/v1/traces"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "endpoint-redirected",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "The endpoint answered with a redirect to another host.",
        why: "An OTLP receiver answers a POST itself; a redirect means the URL is a web page or an \
              old address (`http://` to `https://`, `honeycomb.io` to `www.honeycomb.io`). The \
              Python exporter follows it with requests: a 301 or 302 turns the POST into a GET, so \
              the spans are lost, and the `x-honeycomb-team` header goes to the new host. \
              cruddur-obs does not follow it, as that would send the key there.",
        fix: "Put the final API URL in the endpoint: `https://api.honeycomb.io` (EU: \
              `https://api.eu1.honeycomb.io`), never the address of a web site; for another \
              server, the address it redirects to, if you trust that host (the key was not sent \
              there).",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "http://honeycomb.io"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io"
            "#,
        },
    },
    Entry {
        id: "rollbar-unreachable",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "The Rollbar API cannot be reached.",
        why: "pyrollbar posts each item to api.rollbar.com over HTTPS. When DNS, the connection or \
              TLS fails, it logs the exception and the item is lost.",
        fix: "Check DNS and outbound HTTPS to api.rollbar.com from the machine and the container; \
              behind a proxy, give the backend `HTTPS_PROXY` in its environment.",
        example: Example {
            lang: Log,
            before: "
                Max retries exceeded with url: /api/1/item/ (Caused by NameResolutionError(...))
            ",
            after: "
                200 {\"err\": 0, \"result\": {\"uuid\": \"...\"}}
            ",
        },
    },
    Entry {
        id: "xray-daemon-unreachable",
        severity: Warning,
        category: Network,
        fixable: false,
        network: true,
        summary: "Nothing answers on the X-Ray daemon's published port.",
        why: "UDP sends never report failure, so the SDK keeps sending segments into nothing while \
              the daemon is down, not published, or listening elsewhere. The daemon's TCP port 2000 \
              (it serves sampling rules there) is what can be probed, and nothing answered.",
        fix: "Start the daemon (`docker compose up -d xray-daemon`), publish `2000:2000/udp` (and \
              `2000:2000/tcp` to probe it), and check its log (`docker compose logs xray-daemon`) \
              for region or credential errors.",
        example: Example {
            lang: Compose,
            before: r#"
                xray-daemon:
                  image: "amazon/aws-xray-daemon"
            "#,
            after: r#"
                xray-daemon:
                  image: "amazon/aws-xray-daemon"
                  ports:
                    - "2000:2000/udp"
                    - "2000:2000/tcp"
            "#,
        },
    },
    Entry {
        id: "otlp-partial-success",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "The endpoint accepted the request, but `partial_success.rejected_spans > 0`.",
        why: "A 200 with `partial_success` set means some spans were dropped; its message says why \
              (an invalid id, a timestamp out of range, an attribute too large). The SDK logs \
              nothing about it.",
        fix: "Read the rejection message in the finding: it names what to change in the spans, \
              usually a custom attribute or a hand-built id.",
        example: Example {
            lang: Log,
            before: "
                200 {\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"...\"}}
            ",
            after: "
                200 {}
            ",
        },
    },
    Entry {
        id: "otlp-body-rejected",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "400 or 413: the endpoint could not read the OTLP body, or it was too large.",
        why: "Honeycomb answers 400 `failed to parse OTLP request body` when the body is not what \
              the content type says (a protocol that does not match the package, an unsupported \
              compression, versions that do not pair), and 413 when a batch is too large.",
        fix: "Check that OTEL_EXPORTER_OTLP_PROTOCOL matches the exporter package, that \
              OTEL_EXPORTER_OTLP_COMPRESSION is unset, `gzip` or `none`, and that core and contrib \
              versions pair up (1.N with 0.(N+21)bX); for 413, lower \
              OTEL_BSP_MAX_EXPORT_BATCH_SIZE.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_EXPORTER_OTLP_COMPRESSION: "deflate"
            "#,
            after: r#"
                OTEL_EXPORTER_OTLP_COMPRESSION: "gzip"
            "#,
        },
    },
    Entry {
        id: "honeycomb-rate-limited",
        severity: Warning,
        category: Network,
        fixable: false,
        network: true,
        summary: "Honeycomb still answers 429 after retrying within the time limit.",
        why: "Honeycomb is throttling the key, or the team is over its event quota. The exporter \
              retries with back-off, and drops the batch when the retries run out.",
        fix: "Send less (`OTEL_TRACES_SAMPLER: \"parentbased_traceidratio\"` with \
              `OTEL_TRACES_SAMPLER_ARG`), or check the team's event usage in Honeycomb.",
        example: Example {
            lang: Compose,
            before: r#"
                OTEL_SERVICE_NAME: "backend-flask"
            "#,
            after: r#"
                OTEL_SERVICE_NAME: "backend-flask"
                OTEL_TRACES_SAMPLER: "parentbased_traceidratio"
                OTEL_TRACES_SAMPLER_ARG: "0.25"
            "#,
        },
    },
    Entry {
        id: "honeycomb-server-error",
        severity: Warning,
        category: Network,
        fixable: false,
        network: true,
        summary: "5xx from Honeycomb: try again later.",
        why: "Honeycomb (or a proxy in between) failed on its side. The exporter retries 502, 503 \
              and 504, and drops the batch when the retries run out. Nothing in the project \
              causes it.",
        fix: "Try again later and check status.honeycomb.io: the exporter retries on its own, and \
              nothing in the app needs to change.",
        example: Example {
            lang: Log,
            before: "
                Transient error Service Unavailable encountered while exporting span batch, retrying in 1s.
            ",
            after: "
                (no exporter messages: the batches are accepted)
            ",
        },
    },
    Entry {
        id: "rollbar-item-rejected",
        severity: Error,
        category: Network,
        fixable: false,
        network: true,
        summary: "400, 413 or 422: Rollbar refused the item's shape or size.",
        why: "The token was accepted but the item was not: not JSON (400), over 128 KB (413), or \
              not in Rollbar's item format (422). That is a bug in what was sent, not the token.",
        fix: "Keep items under 128 KB (large `extra_data` or request bodies) and in Rollbar's item \
              format; when pyrollbar sent it, upgrade pyrollbar.",
        example: Example {
            lang: Log,
            before: "
                413 {\"err\": 1, \"message\": \"Request entity too large\"}
            ",
            after: "
                200 {\"err\": 0, \"result\": {\"uuid\": \"...\"}}
            ",
        },
    },
    Entry {
        id: "rollbar-rate-limited",
        severity: Warning,
        category: Network,
        fixable: false,
        network: true,
        summary: "Rollbar still answers 429 after retrying.",
        why: "The project is over its rate limit; items sent meanwhile are dropped.",
        fix: "Report less (a flood of one repeated error is usually one bug to fix first), or \
              raise the project's rate limit in Rollbar's settings.",
        example: Example {
            lang: Log,
            before: "
                429 {\"err\": 1, \"message\": \"rate limit exceeded\"}
            ",
            after: "
                200 {\"err\": 0, \"result\": {\"uuid\": \"...\"}}
            ",
        },
    },
    Entry {
        id: "rollbar-server-error",
        severity: Warning,
        category: Network,
        fixable: false,
        network: true,
        summary: "5xx from Rollbar: try again later.",
        why: "Rollbar (or a proxy in between) failed on its side; the item is lost unless sent \
              again. Nothing in the project causes it.",
        fix: "Try again later and check status.rollbar.com; nothing to change in the app.",
        example: Example {
            lang: Log,
            before: "
                503 Service Unavailable
            ",
            after: "
                200 {\"err\": 0, \"result\": {\"uuid\": \"...\"}}
            ",
        },
    },
];
