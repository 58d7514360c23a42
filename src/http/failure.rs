//! Why a request failed, in words a user can act on: the layer that failed
//! (DNS, connect, TLS, time, redirect) and its cause, never a library's
//! debug dump, and never a URL's credentials.

use crate::mask::mask_url_credentials;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The URL itself cannot be used (no scheme, no host…).
    BadUrl {
        detail: String,
    },
    Dns {
        host: String,
        cause: String,
    },
    Connect {
        detail: String,
    },
    Tls {
        detail: String,
    },
    /// No answer (status line) within the deadline.
    Timeout,
    /// The status arrived but the body did not finish within the deadline.
    SlowBody {
        status: u16,
        received: usize,
    },
    /// A redirect this tool does not follow (see [`RedirectStop`]).
    Redirected {
        status: u16,
        location: String,
        why: RedirectStop,
    },
    Other {
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectStop {
    /// Another scheme, host or port: following would hand it the key.
    CrossOrigin,
    /// 301/302/303 turn a POST into a GET: the data would not arrive.
    MethodChange,
    TooMany,
    NoLocation,
}

impl NetError {
    pub fn describe(&self, url: &str) -> String {
        let text = match self {
            NetError::BadUrl { detail } => format!("{url} cannot be used: {detail}"),
            NetError::Dns { host, cause } => format!(
                "DNS lookup of {host} failed ({cause}): check the host name in {url} and this machine's network"
            ),
            NetError::Connect { detail } => format!("could not connect to {url}: {detail}"),
            NetError::Tls { detail } => format!(
                "TLS handshake with {url} failed: {detail}"
            ),
            NetError::Timeout => format!("{url} did not answer within the time limit (--timeout)"),
            NetError::SlowBody { status, received } => format!(
                "{url} answered {status} but its body did not finish within the time limit (--timeout; {received} bytes arrived)"
            ),
            NetError::Redirected { status, location, why } => match why {
                RedirectStop::CrossOrigin => format!(
                    "{url} answered {status} redirecting to {location}: not followed: it would send the key to another host. If that host is the right one, configure its URL directly"
                ),
                RedirectStop::MethodChange => format!(
                    "{url} answered {status} redirecting to {location}: not followed: a {status} turns the POST into a GET and the data would not arrive; configure the new URL directly"
                ),
                RedirectStop::TooMany => format!(
                    "{url} kept redirecting (the last {status} pointed to {location}): not followed further"
                ),
                RedirectStop::NoLocation => {
                    format!("{url} answered {status} (a redirect) without saying where to (no Location header)")
                }
            },
            NetError::Other { detail } => format!("request to {url} failed: {detail}"),
        };
        mask_url_credentials(&text)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            NetError::BadUrl { .. } => "url",
            NetError::Dns { .. } => "dns",
            NetError::Connect { .. } => "connect",
            NetError::Tls { .. } => "tls",
            NetError::Timeout | NetError::SlowBody { .. } => "timeout",
            NetError::Redirected { .. } => "redirect",
            NetError::Other { .. } => "other",
        }
    }

    /// The failure id for this error, `unreachable` naming the target's own
    /// "cannot reach it" id: a redirect is not an unreachable server.
    pub fn failure_id(&self, unreachable: &'static str) -> &'static str {
        match self {
            NetError::Redirected { .. } => "endpoint-redirected",
            _ => unreachable,
        }
    }
}

/// Sorts a reqwest error by the layer that failed, from its source chain.
/// `host` is the host as the user configured it (before any test mapping).
pub(super) fn classify(e: &reqwest::Error, host: &str) -> NetError {
    if e.is_timeout() {
        return NetError::Timeout;
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let detail = chain.last().cloned().unwrap_or_default();
    let all = chain.join(": ").to_lowercase();
    if all.contains("dns error")
        || all.contains("failed to lookup address")
        || all.contains("name or service not known")
    {
        NetError::Dns {
            host: host.to_string(),
            cause: dns_cause(&all),
        }
    } else if [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
        "peer ",
    ]
    .iter()
    .any(|w| all.contains(w))
    {
        NetError::Tls {
            detail: tls_cause(&all, &detail),
        }
    } else if e.is_connect() {
        NetError::Connect {
            detail: connect_cause(&all, &detail),
        }
    } else if all.contains("timed out") {
        NetError::Timeout
    } else {
        NetError::Other {
            detail: plain(&detail),
        }
    }
}

fn dns_cause(all: &str) -> String {
    if all.contains("temporary failure") || all.contains("try again") {
        "no DNS server answered: is this machine offline?".into()
    } else if all.contains("not known") || all.contains("no address") || all.contains("nodename") {
        "no such host".into()
    } else {
        "the name could not be resolved".into()
    }
}

/// rustls prints several of its errors with `{:?}` (`InvalidContentType`,
/// `UnknownIssuer`); each known one gets a sentence with its usual cause.
fn tls_cause(all: &str, detail: &str) -> String {
    const KNOWN: [(&[&str], &str); 9] = [
        (
            &["invalidcontenttype", "corrupt message", "unexpected message"],
            "the server did not answer in TLS: is it a plain http:// server given as https://?",
        ),
        (
            &["handshake eof", "unexpected eof"],
            "the server closed the connection during the handshake (a plain http:// server given as https://, or a proxy refusing the connection?)",
        ),
        (
            &["unknownissuer", "unknown issuer"],
            "its certificate is signed by an authority this tool does not trust (a self-signed certificate, or a proxy intercepting HTTPS)",
        ),
        (
            &["notvalidforname", "not valid for name"],
            "its certificate is issued for another host name",
        ),
        (
            &["expired"],
            "its certificate has expired (or this machine's clock is wrong)",
        ),
        (
            &["notvalidyet", "not valid yet"],
            "its certificate is not valid yet (check this machine's clock)",
        ),
        (&["revoked"], "its certificate has been revoked"),
        (
            &["handshakefailure", "protocolversion", "incompatible"],
            "the server and this tool share no TLS version or cipher suite",
        ),
        (
            &["fatal alert", "alert"],
            "the server aborted the handshake",
        ),
    ];
    KNOWN
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| all.contains(n)))
        .map(|(_, text)| text.to_string())
        .unwrap_or_else(|| plain(detail))
}

fn connect_cause(all: &str, detail: &str) -> String {
    const KNOWN: [(&str, &str); 5] = [
        (
            "refused",
            "connection refused: nothing listens on that port",
        ),
        ("no route to host", "no route to the host"),
        ("network is unreachable", "the network is unreachable"),
        ("reset", "the connection was reset"),
        ("timed out", "the connection timed out"),
    ];
    KNOWN
        .iter()
        .find(|(n, _)| all.contains(n))
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| plain(detail))
}

/// A library message without its debug parts: cut at the first `(`, `{` or
/// `[` (where `Debug` output starts), `: `-separated parts that are a bare
/// type name (`UnknownIssuer`) dropped, and never empty.
fn plain(detail: &str) -> String {
    let cut = detail.find(['(', '{', '[']).unwrap_or(detail.len());
    let is_type_name = |s: &str| {
        !s.contains(char::is_whitespace) && s.chars().skip(1).any(|c| c.is_ascii_uppercase())
    };
    let parts: Vec<&str> = detail[..cut]
        .split(": ")
        .map(|p| p.trim().trim_end_matches(':').trim())
        .filter(|p| !p.is_empty() && !is_type_name(p))
        .collect();
    if parts.is_empty() {
        "the connection failed".into()
    } else {
        mask_url_credentials(&parts.join(": "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_debug_names_become_sentences() {
        let all = "error sending request: received corrupt message of type invalidcontenttype";
        let t = tls_cause(all, "received corrupt message of type InvalidContentType");
        assert!(t.contains("plain http://"), "{t}");
        let t = tls_cause(
            "invalid peer certificate: unknownissuer",
            "invalid peer certificate: UnknownIssuer",
        );
        assert!(t.contains("self-signed"), "{t}");
        let t = tls_cause(
            "peer misbehaved: something",
            "peer misbehaved: SomethingOdd { x: 1 }",
        );
        assert_eq!(t, "peer misbehaved");
        assert_eq!(plain("Weird(Inner { a: 1 })"), "Weird");
        assert_eq!(plain("(only debug)"), "the connection failed");
    }

    #[test]
    fn redirects_are_described_with_credentials_masked() {
        let e = NetError::Redirected {
            status: 307,
            location: "http://bob:s3cret-pass@127.0.0.1:9/v1/traces".into(),
            why: RedirectStop::CrossOrigin,
        };
        let d = e.describe("https://api.honeycomb.io/v1/traces");
        assert!(
            d.contains("307") && d.contains("not followed: it would send the key to another host"),
            "{d}"
        );
        assert!(!d.contains("s3cret-pass"), "{d}");
        assert_eq!(e.failure_id("endpoint-unreachable"), "endpoint-redirected");
        assert_eq!(
            NetError::Timeout.failure_id("rollbar-unreachable"),
            "rollbar-unreachable"
        );
    }
}
