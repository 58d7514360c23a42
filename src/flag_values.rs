//! Value parsers for flags: a bad value stops the run where it enters, with a
//! message naming the flag (clap adds it) and exit 2, instead of surfacing
//! later as a panic or a library's error text.

/// Bounds of `--timeout`: below 0.1 s nothing can answer; above ten minutes a
/// stuck run is indistinguishable from a hung one (and `Duration` overflows
/// long before 1e20 s).
pub const TIMEOUT_MIN_S: f64 = 0.1;
pub const TIMEOUT_MAX_S: f64 = 600.0;

pub fn timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("\"{s}\" is not a number of seconds (e.g. 5 or 0.5)"))?;
    if !v.is_finite() {
        Err(format!(
            "{s} is not a finite number: give the seconds each request may take, from {TIMEOUT_MIN_S} to {TIMEOUT_MAX_S}"
        ))
    } else if (TIMEOUT_MIN_S..=TIMEOUT_MAX_S).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{s} is outside {TIMEOUT_MIN_S}..={TIMEOUT_MAX_S}: give the seconds each request may take"
        ))
    }
}

/// An absolute http(s) URL, returned as given (trimmed).
pub fn http_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let shown = crate::mask::mask_shapes(s);
    let url = match reqwest::Url::parse(s) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return Err(format!(
                "{shown} has no scheme: write the whole URL, e.g. https://{}",
                shown.trim_start_matches('/')
            ))
        }
        Err(e) => return Err(format!("{shown} is not a valid URL ({e})")),
    };
    if !matches!(url.scheme(), "http" | "https") {
        // `api.honeycomb.io:443` parses with the scheme "api.honeycomb.io".
        return Err(format!(
            "{shown} is not an http:// or https:// URL: write the whole URL, e.g. https://api.honeycomb.io"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown} names no host"));
    }
    Ok(s.to_string())
}

/// `HOST=BASE_URL` for the hidden `--host-map` test hook.
pub fn host_mapping(s: &str) -> Result<(String, String), String> {
    let (host, base) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\": expected HOST=BASE_URL"))?;
    let host = host.trim().to_ascii_lowercase();
    if host.is_empty() || host.contains('/') {
        return Err(format!("\"{s}\": expected a bare host name before '='"));
    }
    Ok((host, http_url(base)?))
}

/// An X-Ray daemon address in one of the SDKs' forms.
pub fn xray_address(s: &str) -> Result<String, String> {
    crate::providers::xray::parse_daemon_address(s)?;
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_outside_the_range_are_refused_with_the_range() {
        for bad in ["1e20", "0", "-1", "nan", "inf", "0.01", "601", "abc", ""] {
            let e = timeout(bad).unwrap_err();
            assert!(
                e.contains("0.1") || e.contains("not a number"),
                "{bad}: {e}"
            );
        }
        assert_eq!(timeout("0.1"), Ok(0.1));
        assert_eq!(timeout(" 600 "), Ok(600.0));
    }

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert!(http_url("api.honeycomb.io")
            .unwrap_err()
            .contains("https://api.honeycomb.io"));
        assert!(http_url("api.honeycomb.io:443").is_err());
        assert!(http_url("ftp://x").unwrap_err().contains("http://"));
        assert!(http_url("http://").is_err());
        assert_eq!(
            http_url(" https://api.eu1.honeycomb.io/v1/traces "),
            Ok("https://api.eu1.honeycomb.io/v1/traces".into())
        );
        let e = http_url("ftp://bob:hunter2secret@host").unwrap_err();
        assert!(!e.contains("hunter2secret"), "{e}");
    }

    #[test]
    fn host_maps_and_xray_addresses() {
        assert_eq!(
            host_mapping("API.honeycomb.io=http://127.0.0.1:9"),
            Ok(("api.honeycomb.io".into(), "http://127.0.0.1:9".into()))
        );
        assert!(host_mapping("api.honeycomb.io").is_err());
        assert!(xray_address("xray-daemon").unwrap_err().contains("no port"));
        assert!(xray_address("127.0.0.1:2000").is_ok());
    }
}
