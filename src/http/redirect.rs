//! Redirects, followed by hand: every request of this tool carries a key
//! (`x-honeycomb-team`, `X-Rollbar-Access-Token`), so a redirect is followed
//! only to the same origin (scheme, host and port), with the same method and
//! body, a few hops at most. Anything else is reported, not followed.

use super::failure::{NetError, RedirectStop};
use reqwest::Url;

pub const MAX_HOPS: usize = 3;

pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where to go after `status` from `from`, or why not. `hops` counts the
/// redirects already followed.
pub fn next_hop(
    from: &Url,
    status: u16,
    location: Option<&str>,
    method: &reqwest::Method,
    hops: usize,
) -> Result<Url, NetError> {
    let stop = |location: String, why| NetError::Redirected {
        status,
        location,
        why,
    };
    let Some(location) = location.map(str::trim).filter(|l| !l.is_empty()) else {
        return Err(stop(String::new(), RedirectStop::NoLocation));
    };
    let Ok(to) = from.join(location) else {
        return Err(stop(location.to_string(), RedirectStop::NoLocation));
    };
    if !same_origin(from, &to) {
        return Err(stop(to.to_string(), RedirectStop::CrossOrigin));
    }
    // 301/302/303 are answered with a GET by clients; resending a POST body
    // there would not be what the server asked, and a GET loses the data.
    let keeps_method = matches!(status, 307 | 308) || *method == reqwest::Method::GET;
    if !keeps_method {
        return Err(stop(to.to_string(), RedirectStop::MethodChange));
    }
    if hops >= MAX_HOPS {
        return Err(stop(to.to_string(), RedirectStop::TooMany));
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn why(r: Result<Url, NetError>) -> Option<RedirectStop> {
        match r {
            Err(NetError::Redirected { why, .. }) => Some(why),
            _ => None,
        }
    }

    #[test]
    fn only_the_same_origin_is_followed() {
        let from = url("https://api.honeycomb.io/v1/traces");
        let post = Method::POST;
        assert_eq!(
            next_hop(&from, 307, Some("/v2/traces"), &post, 0).unwrap(),
            url("https://api.honeycomb.io/v2/traces")
        );
        assert!(next_hop(&from, 308, Some("https://API.honeycomb.io:443/x"), &post, 0).is_ok());
        for other in [
            "https://evil.example/v1/traces",
            "http://api.honeycomb.io/v1/traces",
            "https://api.honeycomb.io:8443/v1/traces",
            "//evil.example/x",
        ] {
            assert_eq!(
                why(next_hop(&from, 307, Some(other), &post, 0)),
                Some(RedirectStop::CrossOrigin),
                "{other}"
            );
        }
    }

    #[test]
    fn method_changes_missing_locations_and_loops_stop() {
        let from = url("http://127.0.0.1:9/1/auth");
        assert_eq!(
            why(next_hop(&from, 302, Some("/x"), &Method::POST, 0)),
            Some(RedirectStop::MethodChange)
        );
        assert!(next_hop(&from, 302, Some("/x"), &Method::GET, 0).is_ok());
        assert_eq!(
            why(next_hop(&from, 307, None, &Method::GET, 0)),
            Some(RedirectStop::NoLocation)
        );
        assert_eq!(
            why(next_hop(&from, 307, Some("/x"), &Method::GET, MAX_HOPS)),
            Some(RedirectStop::TooMany)
        );
    }
}
