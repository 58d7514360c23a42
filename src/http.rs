//! One HTTP client for every remote call: rustls, a deadline shared by the
//! whole command, retries only for 429/502/503/504 (honouring Retry-After)
//! within that deadline, and network failures told apart (DNS, connect, TLS,
//! timeout) because each has a different fix.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Dns { host: String, detail: String },
    Connect { detail: String },
    Tls { detail: String },
    Timeout,
    Other { detail: String },
}

impl NetError {
    pub fn describe(&self, url: &str) -> String {
        match self {
            NetError::Dns { host, .. } => format!("DNS lookup of {host} failed: check the host name in {url} and this machine's network"),
            NetError::Connect { detail } => format!("could not connect to {url}: {detail}"),
            NetError::Tls { detail } => format!("TLS handshake with {url} failed: {detail} (a proxy intercepting HTTPS, or http/https mixed up?)"),
            NetError::Timeout => format!("{url} did not answer within the time limit"),
            NetError::Other { detail } => format!("request to {url} failed: {detail}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            NetError::Dns { .. } => "dns",
            NetError::Connect { .. } => "connect",
            NetError::Tls { .. } => "tls",
            NetError::Timeout => "timeout",
            NetError::Other { .. } => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// How many attempts it took (retries after 429/5xx).
    pub attempts: u32,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    deadline: Instant,
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
            // Test servers and proxies are given explicitly; never a system proxy.
            .no_proxy()
            .build()
            .expect("the TLS backend is compiled in");
        Http {
            client,
            deadline: Instant::now() + timeout,
        }
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub async fn send(&self, req: &Request) -> Result<Response, NetError> {
        let mut attempt = 1;
        loop {
            let remaining = self.remaining();
            if remaining.is_zero() {
                return Err(NetError::Timeout);
            }
            let mut builder = self
                .client
                .request(req.method.clone(), &req.url)
                .timeout(remaining);
            for (k, v) in &req.headers {
                builder = builder.header(k, v);
            }
            if let Some(b) = &req.body {
                builder = builder.body(b.clone());
            }
            let resp = builder.send().await.map_err(classify)?;
            let status = resp.status().as_u16();
            let header = |name: reqwest::header::HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = header(reqwest::header::CONTENT_TYPE);
            let retry_after =
                header(reqwest::header::RETRY_AFTER).and_then(|v| v.trim().parse::<f64>().ok());
            let body = resp.bytes().await.map_err(classify)?.to_vec();
            if RETRYABLE.contains(&status) && attempt < MAX_ATTEMPTS {
                let wait = retry_after
                    .map(Duration::from_secs_f64)
                    .unwrap_or(Duration::from_millis(250 << attempt));
                if wait < self.remaining() {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Ok(Response {
                status,
                content_type,
                body,
                attempts: attempt,
            });
        }
    }
}

/// Sorts a reqwest error by the layer that failed, from its source chain.
fn classify(e: reqwest::Error) -> NetError {
    if e.is_timeout() {
        return NetError::Timeout;
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(&e);
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
        let host = e
            .url()
            .and_then(|u| u.host_str())
            .unwrap_or("the host")
            .to_string();
        NetError::Dns { host, detail }
    } else if all.contains("certificate")
        || all.contains("tls")
        || all.contains("handshake")
        || all.contains("invalidcontenttype")
        || all.contains("corrupt message")
    {
        NetError::Tls { detail }
    } else if e.is_connect() {
        NetError::Connect { detail }
    } else if all.contains("timed out") {
        NetError::Timeout
    } else {
        NetError::Other { detail }
    }
}

/// A current-thread runtime: the network work is a handful of requests, and
/// a multi-thread pool would cost more to start than they take.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}
