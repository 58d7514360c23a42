//! The Docker Engine API over its unix socket (or plain TCP): the handful of
//! calls doctor needs (ping, list, inspect, logs, exec), each bounded by one
//! deadline. hyper 1 is already in the tree through reqwest, so this costs no
//! new crate; bollard would add its generated model of the whole API for five
//! endpoints (see Cargo.toml).
//!
//! The API version is negotiated as the docker CLI does: the lower of the
//! engine's (from `/_ping`) and the newest this client was written against,
//! so a 20.10 engine (API 1.41) and current engines (which refuse versions
//! below their minimum) both answer.

use super::endpoint::{Address, Endpoint};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::time::Duration;

/// Newest API version whose answers this client reads (Engine 27).
const CLIENT_MAX: (u32, u32) = (1, 47);
/// No answer doctor reads is larger (logs are fetched with a tail).
const BODY_MAX: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// Nothing to talk to: no socket, refused, no permission. The section is
    /// skipped with this reason.
    Unavailable(String),
    /// The engine did not answer in time: "could not check", never a pass.
    Timeout(String),
    /// The engine answered with an error status.
    Api { status: u16, message: String },
    /// Anything else that went wrong on the wire.
    Other(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Unavailable(m) | EngineError::Timeout(m) | EngineError::Other(m) => {
                f.write_str(m)
            }
            EngineError::Api { status, message } => {
                write!(f, "the engine answered {status}: {message}")
            }
        }
    }
}

pub struct Engine {
    endpoint: Endpoint,
    rt: tokio::runtime::Runtime,
    per_call: Duration,
    version: String,
}

/// What a command run with exec printed, and how it ended.
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: Option<i64>,
}

impl Engine {
    /// Pings the engine. A unix socket that does not exist is answered
    /// before any runtime or connection is made: that costs nothing.
    pub fn connect(endpoint: Endpoint, per_call: Duration) -> Result<Engine, EngineError> {
        if let Address::Unix(path) = &endpoint.address {
            if std::fs::symlink_metadata(path).is_err() {
                return Err(EngineError::Unavailable(format!(
                    "no docker engine: {} does not exist (from {}; DOCKER_HOST or `docker context use` selects another engine)",
                    path.display(),
                    endpoint.from
                )));
            }
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| EngineError::Other(format!("no async runtime: {e}")))?;
        let mut engine = Engine {
            endpoint,
            rt,
            per_call,
            version: String::new(),
        };
        let (status, headers, body) = engine.call("GET", "/_ping", None)?;
        if status != 200 {
            return Err(EngineError::Unavailable(format!(
                "{} answered /_ping with {status}: {}; is it a docker engine?",
                engine.endpoint.describe(),
                String::from_utf8_lossy(&body).trim()
            )));
        }
        let server = headers
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_version)
            .unwrap_or((1, 24));
        let (major, minor) = server.min(CLIENT_MAX);
        engine.version = format!("/v{major}.{minor}");
        Ok(engine)
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn get(&self, path: &str) -> Result<Value, EngineError> {
        self.json("GET", path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value, EngineError> {
        self.json("POST", path, Some(body.to_string()))
    }

    /// The body as bytes (logs, exec output).
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Vec<u8>, EngineError> {
        let path = format!("{}{path}", self.version);
        let (status, _, bytes) = self.call(method, &path, body.map(Value::to_string))?;
        check_status(status, &bytes)?;
        Ok(bytes)
    }

    /// Runs `cmd` in a running container and collects what it printed.
    pub fn exec(
        &self,
        container: &str,
        cmd: &[&str],
        env: &[&str],
    ) -> Result<ExecOutput, EngineError> {
        let create = serde_json::json!({
            "AttachStdout": true, "AttachStderr": true, "Tty": false,
            "Cmd": cmd, "Env": env,
        });
        let created = self.post(&format!("/containers/{container}/exec"), &create)?;
        let id = created["Id"].as_str().unwrap_or_default().to_string();
        let start = serde_json::json!({"Detach": false, "Tty": false});
        let raw = self.raw("POST", &format!("/exec/{id}/start"), Some(&start))?;
        let (stdout, stderr) = demux(&raw);
        let state = self.get(&format!("/exec/{id}/json"))?;
        Ok(ExecOutput {
            stdout,
            stderr,
            exit_code: state["ExitCode"].as_i64(),
        })
    }

    fn json(&self, method: &str, path: &str, body: Option<String>) -> Result<Value, EngineError> {
        let path = format!("{}{path}", self.version);
        let (status, _, bytes) = self.call(method, &path, body)?;
        check_status(status, &bytes)?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            EngineError::Other(format!("{path}: the engine's answer is not JSON: {e}"))
        })
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, hyper::HeaderMap, Vec<u8>), EngineError> {
        let shown = self.endpoint.describe();
        let limit = self.per_call;
        self.rt.block_on(async {
            match tokio::time::timeout(limit, self.send(method, path, body)).await {
                Ok(r) => r,
                Err(_) => Err(EngineError::Timeout(format!(
                    "the engine at {shown} did not answer {method} {path} within {:.1} s",
                    limit.as_secs_f64()
                ))),
            }
        })
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, hyper::HeaderMap, Vec<u8>), EngineError> {
        let shown = self.endpoint.describe();
        let unavailable = |e: std::io::Error| {
            use std::io::ErrorKind::*;
            let why = match e.kind() {
                PermissionDenied => "permission denied: add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again) or run doctor with sudo".to_string(),
                ConnectionRefused => "nothing listens there (the engine is stopped)".to_string(),
                NotFound => "the socket does not exist".to_string(),
                _ => e.to_string(),
            };
            EngineError::Unavailable(format!("no docker engine at {shown}: {why}"))
        };
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("Host", "docker")
            .header(
                "User-Agent",
                concat!("cruddur-obs/", env!("CARGO_PKG_VERSION")),
            );
        if body.is_some() {
            request = request.header("Content-Type", "application/json");
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| EngineError::Other(format!("bad request {path}: {e}")))?;
        let wire = |e: hyper::Error| EngineError::Other(format!("{method} {path} to {shown}: {e}"));
        let response = match &self.endpoint.address {
            Address::Unix(p) => {
                let io = tokio::net::UnixStream::connect(p)
                    .await
                    .map_err(unavailable)?;
                exchange(TokioIo::new(io), request).await.map_err(wire)?
            }
            Address::Tcp(hp) => {
                let io = tokio::net::TcpStream::connect(hp.as_str())
                    .await
                    .map_err(unavailable)?;
                exchange(TokioIo::new(io), request).await.map_err(wire)?
            }
        };
        let (parts, body) = response.into_parts();
        let bytes = Limited::new(body, BODY_MAX)
            .collect()
            .await
            .map_err(|e| EngineError::Other(format!("{method} {path}: reading the answer: {e}")))?
            .to_bytes();
        Ok((parts.status.as_u16(), parts.headers, bytes.to_vec()))
    }
}

/// One request on a fresh connection; the connection task ends with it.
async fn exchange<T>(
    io: TokioIo<T>,
    request: hyper::Request<Full<Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, hyper::Error>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    sender.send_request(request).await
}

fn check_status(status: u16, body: &[u8]) -> Result<(), EngineError> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| text.trim().to_string());
    Err(EngineError::Api { status, message })
}

fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Splits the engine's multiplexed stream (8-byte frame headers: stream 1 is
/// stdout, 2 stderr) into its two texts. Output that is not framed (a
/// container with a TTY) is returned whole as stdout.
pub fn demux(raw: &[u8]) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut rest = raw;
    while !rest.is_empty() {
        let framed = rest.len() >= 8 && rest[0] <= 2 && rest[1..4] == [0, 0, 0];
        if !framed {
            // Not a multiplexed stream (or a torn frame): keep the rest as it is.
            out.extend_from_slice(rest);
            break;
        }
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = (8 + len).min(rest.len());
        let chunk = &rest[8..end];
        if rest[0] == 2 { &mut err } else { &mut out }.extend_from_slice(chunk);
        rest = &rest[end..];
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, text: &str) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(text.len() as u32).to_be_bytes());
        f.extend_from_slice(text.as_bytes());
        f
    }

    #[test]
    fn demux_separates_stdout_and_stderr_frames() {
        let mut raw = frame(1, "[{\"name\": \"Flask\"");
        raw.extend(frame(2, "WARNING: x\n"));
        raw.extend(frame(1, ", \"version\": \"3.0.0\"}]\n"));
        let (out, err) = demux(&raw);
        assert_eq!(out, "[{\"name\": \"Flask\", \"version\": \"3.0.0\"}]\n");
        assert_eq!(err, "WARNING: x\n");
    }

    #[test]
    fn unframed_output_is_kept_whole() {
        let (out, err) = demux(b"Traceback (most recent call last):\n");
        assert_eq!(out, "Traceback (most recent call last):\n");
        assert!(err.is_empty());
        // A frame cut short keeps what arrived.
        let mut torn = frame(2, "Failed to export batch");
        torn.truncate(20);
        assert_eq!(demux(&torn).1, "Failed to ex");
    }

    #[test]
    fn the_version_is_the_lower_of_the_engines_and_ours() {
        assert_eq!(parse_version("1.41").unwrap().min(CLIENT_MAX), (1, 41));
        assert_eq!(parse_version("1.51").unwrap().min(CLIENT_MAX), CLIENT_MAX);
        assert_eq!(parse_version("x"), None);
    }

    #[test]
    fn a_missing_socket_costs_no_connection() {
        let e = Endpoint {
            address: Address::Unix("/nonexistent/docker.sock".into()),
            host: "unix:///nonexistent/docker.sock".into(),
            from: "DOCKER_HOST".into(),
        };
        let t = std::time::Instant::now();
        let Err(EngineError::Unavailable(why)) = Engine::connect(e, Duration::from_secs(5)) else {
            panic!("a missing socket is no engine");
        };
        assert!(why.contains("does not exist"), "{why}");
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}
