//! One HTTP client for every remote call: rustls, a deadline shared by the
//! whole command that covers the body as well as the status, bodies capped,
//! retries only for 429/502/503/504 (honouring Retry-After) within that
//! deadline, redirects followed by hand and only to the same origin (every
//! request carries a key), and failures told apart (DNS, connect, TLS,
//! timeout, redirect) because each has a different fix.

mod failure;
mod redirect;

pub use failure::{NetError, RedirectStop};

use reqwest::Url;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest body kept: Honeycomb's and Rollbar's answers are a few hundred
/// bytes; anything longer is a proxy's page or a hostile server.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// How many attempts it took (retries after 429/5xx).
    pub attempts: u32,
    /// The body was longer than [`MAX_BODY_BYTES`] and was cut there.
    pub truncated: bool,
    /// Same-origin redirects followed on the way, as absolute URLs.
    pub redirects: Vec<String>,
}

impl Response {
    /// What a report should mention about how this answer was obtained.
    pub fn notes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .redirects
            .iter()
            .map(|u| format!("followed a redirect to {u} (same host)"))
            .collect();
        if self.truncated {
            out.push(format!(
                "the answer's body was longer than {} MiB; only its start was read",
                MAX_BODY_BYTES / (1024 * 1024)
            ));
        }
        out.into_iter()
            .map(|n| crate::mask::mask_url_credentials(&n))
            .collect()
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    deadline: Instant,
    /// Test hook (`--host-map`): host → base URL that receives its requests.
    host_map: Arc<Vec<(String, String)>>,
}

pub struct Request {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: reqwest::Method::GET,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }
    pub fn post(url: impl Into<String>, body: Vec<u8>) -> Request {
        Request {
            method: reqwest::Method::POST,
            url: url.into(),
            headers: Vec::new(),
            body: Some(body),
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Request {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
}

const RETRYABLE: [u16; 4] = [429, 502, 503, 504];
const MAX_ATTEMPTS: u32 = 3;

impl Http {
    pub fn new(timeout: Duration) -> Http {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(concat!("cruddur-obs/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout)
            // Redirects are followed by hand (see redirect.rs): reqwest's own
            // policy would carry the key headers to another host.
            .redirect(reqwest::redirect::Policy::none())
            // Test servers and proxies are given explicitly; never a system proxy.
            .no_proxy()
            .build()
            .expect("the TLS backend is compiled in");
        Http {
            client,
            deadline: Instant::now() + timeout,
            host_map: Arc::new(Vec::new()),
        }
    }

    /// Sends requests for each mapped host to its base URL instead (tests).
    pub fn with_host_map(mut self, map: &[(String, String)]) -> Http {
        self.host_map = Arc::new(map.to_vec());
        self
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub async fn send(&self, req: &Request) -> Result<Response, NetError> {
        let mut url = Url::parse(&req.url).map_err(|e| NetError::BadUrl {
            detail: match e {
                url::ParseError::RelativeUrlWithoutBase => {
                    "it has no scheme (write https://…)".into()
                }
                e => e.to_string(),
            },
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(NetError::BadUrl {
                detail: "only http:// and https:// URLs can be used".into(),
            });
        }
        let mut redirects = Vec::new();
        loop {
            let answer = self.send_retrying(req, &url).await?;
            if !redirect::is_redirect(answer.status) {
                return Ok(Response {
                    redirects,
                    ..answer.response
                });
            }
            url = redirect::next_hop(
                &url,
                answer.status,
                answer.location.as_deref(),
                &req.method,
                redirects.len(),
            )?;
            redirects.push(url.to_string());
        }
    }

    async fn send_retrying(&self, req: &Request, url: &Url) -> Result<Answer, NetError> {
        let mut attempt = 1;
        loop {
            let mut answer = self.send_once(req, url).await?;
            if RETRYABLE.contains(&answer.status) && attempt < MAX_ATTEMPTS {
                let wait = retry_wait(answer.retry_after, attempt);
                if wait < self.remaining() {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            answer.response.attempts = attempt;
            return Ok(answer);
        }
    }

    /// One request; the status, headers and capped body all within the deadline.
    async fn send_once(&self, req: &Request, url: &Url) -> Result<Answer, NetError> {
        let remaining = self.remaining();
        if remaining.is_zero() {
            return Err(NetError::Timeout);
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let mut builder = self
            .client
            .request(req.method.clone(), self.mapped(url))
            .timeout(remaining);
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(b) = &req.body {
            builder = builder.body(b.clone());
        }
        let deadline = tokio::time::Instant::from_std(self.deadline);
        let mut resp = match tokio::time::timeout_at(deadline, builder.send()).await {
            Err(_) => return Err(NetError::Timeout),
            Ok(r) => r.map_err(|e| failure::classify(&e, &host))?,
        };
        let status = resp.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let location = header(reqwest::header::LOCATION);
        let retry_after =
            header(reqwest::header::RETRY_AFTER).and_then(|v| v.trim().parse::<f64>().ok());
        let mut body = Vec::new();
        let mut truncated = false;
        let read = async {
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| failure::classify(&e, &host))?
            {
                if !keep(&mut body, &chunk, MAX_BODY_BYTES) {
                    truncated = true;
                    // Dropping the response closes the connection: the rest is never read.
                    break;
                }
            }
            Ok::<(), NetError>(())
        };
        match tokio::time::timeout_at(deadline, read).await {
            Ok(Ok(())) => {}
            Ok(Err(NetError::Timeout)) | Err(_) => {
                return Err(NetError::SlowBody {
                    status,
                    received: body.len(),
                })
            }
            Ok(Err(e)) => return Err(e),
        }
        Ok(Answer {
            status,
            location,
            retry_after,
            response: Response {
                status,
                content_type,
                body,
                attempts: 1,
                truncated,
                redirects: Vec::new(),
            },
        })
    }

    /// The URL actually dialled: the configured one, or its mapped base (tests).
    fn mapped(&self, url: &Url) -> Url {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let Some((_, base)) = self.host_map.iter().find(|(h, _)| *h == host) else {
            return url.clone();
        };
        let Ok(mut to) = Url::parse(base) else {
            return url.clone();
        };
        to.set_path(url.path());
        to.set_query(url.query());
        to
    }
}

/// A response with the headers the loop above needs.
struct Answer {
    status: u16,
    location: Option<String>,
    retry_after: Option<f64>,
    response: Response,
}

/// A current-thread runtime: the network work is a handful of requests, and
/// a multi-thread pool would cost more to start than they take.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Appends `chunk` to `body` up to `cap` bytes; false when it did not fit.
fn keep(body: &mut Vec<u8>, chunk: &[u8], cap: usize) -> bool {
    let room = cap.saturating_sub(body.len());
    if chunk.len() > room {
        body.extend_from_slice(&chunk[..room]);
        return false;
    }
    body.extend_from_slice(chunk);
    true
}

/// How long to wait before attempt `attempt + 1`: the server's Retry-After
/// when it is a sane number of seconds (an hour or more, negative or not a
/// number is a broken header, not advice), else backing off from 500 ms.
fn retry_wait(retry_after: Option<f64>, attempt: u32) -> Duration {
    retry_after
        .filter(|s| (0.0..3600.0).contains(s))
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_millis(250 << attempt))
}

#[cfg(test)]
mod tests {
    use super::{keep, retry_wait};

    #[test]
    fn bodies_are_kept_up_to_the_cap_exactly() {
        let mut body = Vec::new();
        assert!(keep(&mut body, b"abc", 5));
        assert!(
            keep(&mut body, b"de", 5),
            "filling the cap exactly is not a cut"
        );
        assert_eq!(body, b"abcde");
        assert!(!keep(&mut body, b"f", 5));
        assert_eq!(body, b"abcde");
        let mut body = b"ab".to_vec();
        assert!(!keep(&mut body, b"cdefg", 5));
        assert_eq!(body, b"abcde");
    }

    use std::time::Duration;

    #[test]
    fn retry_after_is_honoured_when_sane() {
        assert_eq!(retry_wait(Some(2.0), 1), Duration::from_secs(2));
        assert_eq!(retry_wait(Some(0.0), 1), Duration::ZERO);
        assert_eq!(retry_wait(Some(3599.5), 1), Duration::from_secs_f64(3599.5));
    }

    #[test]
    fn broken_retry_after_falls_back_to_backing_off() {
        for bad in [
            -1.0,
            3600.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(
                retry_wait(Some(bad), 1),
                Duration::from_millis(500),
                "{bad}"
            );
        }
        assert_eq!(retry_wait(None, 1), Duration::from_millis(500));
        assert_eq!(retry_wait(None, 2), Duration::from_millis(1000));
    }
}
