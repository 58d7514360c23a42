//! Loopback servers that play Honeycomb and Rollbar as protocols.md
//! documents them, recording what arrives so tests can decode and assert.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the fake answers trace exports (auth behaves as documented).
#[derive(Debug, Clone)]
pub enum Mode {
    /// Documented behaviour: checks content type, team header, key, body.
    Honeycomb,
    /// Always this status, content type and body for exports.
    Fixed(u16, &'static str, Vec<u8>),
    /// Accept the connection, never answer.
    Silent,
}

pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Server {
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn start(handler: impl Fn(&Recorded) -> Option<(u16, String, Vec<u8>)> + Send + 'static) -> Server {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (s, r) = (server.clone(), requests.clone());
    std::thread::spawn(move || {
        while let Ok(mut req) = s.recv() {
            let mut body = Vec::new();
            std::io::Read::read_to_end(req.as_reader(), &mut body).ok();
            let rec = Recorded {
                method: req.method().to_string(),
                path: req.url().to_string(),
                headers: req
                    .headers()
                    .iter()
                    .map(|h| (h.field.to_string(), h.value.to_string()))
                    .collect(),
                body,
            };
            r.lock().unwrap().push(rec.clone());
            match handler(&rec) {
                Some((status, ctype, body)) => {
                    let resp = tiny_http::Response::from_data(body)
                        .with_status_code(status)
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", ctype.as_bytes())
                                .unwrap(),
                        );
                    req.respond(resp).ok();
                }
                // Hold the request open past any client timeout.
                None => {
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(30));
                        drop(req);
                    });
                }
            }
        }
    });
    Server {
        url,
        requests,
        server,
    }
}

pub fn auth_body(team: &str, env_slug: &str, events: bool) -> String {
    format!(
        r#"{{"id":"abc","type":"ingest","api_key_access":{{"events":{events},"markers":true,"createDatasets":true}},"environment":{{"name":"{env_slug}","slug":"{env_slug}"}},"team":{{"name":"Cruddur Team","slug":"{team}"}}}}"#
    )
}

fn status_body(ctype: &str, code: i32, message: &str) -> (String, Vec<u8>) {
    if ctype.contains("json") {
        (
            "application/json".into(),
            format!(r#"{{"code":{code},"message":"{message}"}}"#).into_bytes(),
        )
    } else {
        (
            "application/x-protobuf".into(),
            cruddur_obs::otlp::status_protobuf(code, message),
        )
    }
}

/// A Honeycomb API + OTLP endpoint that knows one key.
pub fn honeycomb(key: &'static str, env_slug: &'static str, mode: Mode) -> Server {
    start(move |r| {
        let team = r.header("x-honeycomb-team").unwrap_or("");
        if r.method == "GET" && r.path == "/1/auth" {
            return Some(if team == key {
                (
                    200,
                    "application/json".into(),
                    auth_body("cruddur-team", env_slug, true).into_bytes(),
                )
            } else {
                (
                    401,
                    "application/json".into(),
                    br#"{"error":"unknown API key - check your credentials"}"#.to_vec(),
                )
            });
        }
        if r.method != "POST" || r.path != "/v1/traces" {
            return Some((404, "text/plain".into(), b"404 page not found\n".to_vec()));
        }
        match &mode {
            Mode::Silent => None,
            Mode::Fixed(status, ctype, body) => Some((*status, ctype.to_string(), body.clone())),
            Mode::Honeycomb => {
                let ctype = r.header("content-type").unwrap_or("");
                if ![
                    "application/x-protobuf",
                    "application/protobuf",
                    "application/json",
                ]
                .contains(&ctype)
                {
                    return Some((
                        415,
                        "text/plain".into(),
                        format!("unsupported content-type '{ctype}'").into_bytes(),
                    ));
                }
                let (ct, body) = if team.is_empty() {
                    status_body(ctype, 16, "missing 'x-honeycomb-team' header")
                } else if team != key {
                    status_body(
                        ctype,
                        16,
                        "unknown API key - check your credentials, region, and API URL",
                    )
                } else if env_slug.is_empty() && r.header("x-honeycomb-dataset").is_none() {
                    status_body(ctype, 16, "missing 'x-honeycomb-dataset' header")
                } else {
                    let ok = if ctype.contains("json") {
                        serde_json::from_slice::<serde_json::Value>(&r.body).is_ok()
                    } else {
                        decode(&r.body).is_some()
                    };
                    if !ok {
                        let (ct, b) = status_body(ctype, 3, "failed to parse OTLP request body");
                        return Some((400, ct, b));
                    }
                    let body = if ctype.contains("json") {
                        b"{}".to_vec()
                    } else {
                        Vec::new()
                    };
                    return Some((200, ctype.to_string(), body));
                };
                Some((401, ct, body))
            }
        }
    })
}

/// Decodes an OTLP protobuf body with the schema's own types.
pub fn decode(
    body: &[u8],
) -> Option<opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest> {
    use prost::Message;
    opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest::decode(body).ok()
}

/// A Rollbar API answering every item with `status` and `body`.
pub fn rollbar(status: u16, body: &'static str) -> Server {
    start(move |r| {
        if r.method == "POST" && r.path == "/api/1/item/" {
            Some((status, "application/json".into(), body.as_bytes().to_vec()))
        } else {
            Some((
                404,
                "application/json".into(),
                br#"{"err":1,"message":"not found"}"#.to_vec(),
            ))
        }
    })
}
