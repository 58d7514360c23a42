//! The X-Ray daemon's local protocol: where the daemon is
//! (`AWS_XRAY_DAEMON_ADDRESS`), one segment as the SDK would send it, and a
//! TCP probe, because a UDP send succeeds whether or not anything listens.

use serde_json::{json, Value};
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_ADDRESS: &str = "127.0.0.1:2000";
/// The line every daemon datagram starts with; the daemon drops anything else.
pub const HEADER: &str = r#"{"format":"json","version":1}"#;
/// The daemon reads datagrams into a 64 kB buffer and drops longer ones.
pub const MAX_DATAGRAM_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonAddress {
    pub udp: (String, u16),
    pub tcp: (String, u16),
}

/// Parses `AWS_XRAY_DAEMON_ADDRESS` with the SDKs' rules: `host:port` for both
/// protocols, or `tcp:host:port udp:host:port` in either order. Set but
/// empty is an error, as in the Python SDK (only an unset variable means
/// the default).
pub fn parse_daemon_address(s: &str) -> Result<DaemonAddress, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(format!(
            "the address is empty; unset it to use the default {DEFAULT_ADDRESS}, or give host:port"
        ));
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        [single] => {
            if single.starts_with("tcp:") || single.starts_with("udp:") {
                return Err(format!(
                    "\"{single}\" names one protocol; the two-part form needs both, e.g. \"tcp:127.0.0.1:2000 udp:127.0.0.1:2000\""
                ));
            }
            let hp = host_port(single)?;
            Ok(DaemonAddress {
                udp: hp.clone(),
                tcp: hp,
            })
        }
        [a, b] => {
            let (mut udp, mut tcp) = (None, None);
            for w in [a, b] {
                let (proto, rest) = w.split_once(':').unwrap_or((w, ""));
                let slot = match proto {
                    "udp" => &mut udp,
                    "tcp" => &mut tcp,
                    _ => {
                        return Err(format!(
                            "\"{w}\" should start with \"tcp:\" or \"udp:\" (expected \"tcp:host:port udp:host:port\")"
                        ))
                    }
                };
                if slot.is_some() {
                    return Err(format!(
                        "{proto} is given twice; expected one \"tcp:host:port\" and one \"udp:host:port\""
                    ));
                }
                *slot = Some(host_port(rest).map_err(|e| format!("{proto} part: {e}"))?);
            }
            match (udp, tcp) {
                (Some(udp), Some(tcp)) => Ok(DaemonAddress { udp, tcp }),
                _ => unreachable!("two distinct words fill both slots"),
            }
        }
        _ => Err(format!(
            "expected \"host:port\" or \"tcp:host:port udp:host:port\", got {} space-separated parts",
            words.len()
        )),
    }
}

fn host_port(s: &str) -> Result<(String, u16), String> {
    // The SDKs split on ':', so an IPv6 literal never worked for the app either.
    let ipv6 = s.starts_with('[')
        || s.parse::<std::net::Ipv6Addr>().is_ok()
        || s.rsplit_once(':')
            .is_some_and(|(h, _)| h.parse::<std::net::Ipv6Addr>().is_ok());
    if ipv6 {
        return Err(format!(
            "\"{s}\": the X-Ray SDKs cannot parse IPv6 addresses here; use an IPv4 address or a host name"
        ));
    }
    if s.matches(':').count() > 1 {
        return Err(format!("\"{s}\" has more than one ':': expected host:port"));
    }
    let Some((host, port)) = s.split_once(':') else {
        return Err(format!(
            "\"{s}\" has no port: expected host:port, e.g. xray-daemon:2000"
        ));
    };
    if host.is_empty() {
        return Err(format!(
            "\"{s}\" has no host: expected host:port, e.g. xray-daemon:2000"
        ));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok((host.to_string(), p)),
        _ => Err(format!(
            "\"{s}\": port \"{port}\" is not a number from 1 to 65535"
        )),
    }
}

pub struct Segment {
    pub trace_id: String,
    pub id: String,
    pub name: String,
    pub start_time: f64,
    pub end_time: f64,
}

impl Segment {
    /// A finished segment starting now and lasting 1 ms. X-Ray checks the time
    /// part of a trace id against the segment's age, so both use one clock read.
    pub fn new(name: &str) -> Segment {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let r = random_bytes();
        Segment {
            trace_id: format!("1-{:08x}-{}", now.as_secs() as u32, hex(&r[..12])),
            id: hex(&r[12..20]),
            name: name.to_string(),
            start_time: now.as_secs_f64(),
            end_time: now.as_secs_f64() + 0.001,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "id": self.id,
            "trace_id": self.trace_id,
            "start_time": self.start_time,
            "end_time": self.end_time,
            // Searchable in the console: annotation.cruddur_obs_test = true
            "annotations": { "cruddur_obs_test": true },
        })
    }

    pub fn datagram(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(HEADER.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(self.to_json().to_string().as_bytes());
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// getrandom can fail where there is no entropy source (some sandboxes); a test
/// segment must still go out, and its ids only need to be unlikely to collide.
fn random_bytes() -> [u8; 20] {
    let mut out = [0u8; 20];
    if getrandom::fill(&mut out).is_ok() {
        return out;
    }
    fallback_bytes()
}

fn fallback_bytes() -> [u8; 20] {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 20];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        // RandomState is OS-seeded once per process and differs per instance.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_usize(i);
        h.write_u32(std::process::id());
        let v = h.finish().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    out
}

#[derive(Debug, PartialEq)]
pub enum Probe {
    Listening,
    /// A definite "nothing here": connection refused or reset.
    Refused,
    /// No answer in time, or no route to the host.
    TimedOut,
    Unresolved(String),
}

/// Sends the datagram over UDP to `udp`, then probes TCP `tcp` with `timeout`;
/// returns (send result, probe). `timeout` bounds the whole probe, however
/// many addresses the host resolves to.
pub fn send_and_probe(
    addr: &DaemonAddress,
    segment: &Segment,
    timeout: Duration,
) -> (Result<(), String>, Probe) {
    (
        send(&addr.udp, &segment.datagram()),
        probe(&addr.tcp, timeout),
    )
}

fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    match (host, port).to_socket_addrs() {
        Ok(found) => {
            let found: Vec<SocketAddr> = found.collect();
            if found.is_empty() {
                Err(format!("{host} resolves to no address"))
            } else {
                Ok(found)
            }
        }
        Err(e) => Err(format!("{host} does not resolve: {e}")),
    }
}

/// Sends one datagram to the daemon's UDP address; `Ok` only means it left.
pub fn send(udp: &(String, u16), datagram: &[u8]) -> Result<(), String> {
    if datagram.len() > MAX_DATAGRAM_BYTES {
        return Err(format!(
            "the segment is {} bytes; the daemon drops datagrams over {MAX_DATAGRAM_BYTES}",
            datagram.len()
        ));
    }
    let found = resolve(&udp.0, udp.1)?;
    // The Python SDK sends from an IPv4 socket, so prefer what it would reach.
    let target = found
        .iter()
        .find(|a| a.is_ipv4())
        .copied()
        .unwrap_or(found[0]);
    let local: SocketAddr = if target.is_ipv4() {
        "0.0.0.0:0".parse().unwrap()
    } else {
        "[::]:0".parse().unwrap()
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    match socket.send_to(datagram, target) {
        Ok(n) if n == datagram.len() => Ok(()),
        Ok(n) => Err(format!(
            "only {n} of {} bytes went to {target}",
            datagram.len()
        )),
        Err(e) => Err(format!("sending to {target} (UDP) failed: {e}")),
    }
}

/// Connects to the daemon's TCP port (its sampling API) within `timeout`.
pub fn probe(tcp: &(String, u16), timeout: Duration) -> Probe {
    let Ok(found) = resolve(&tcp.0, tcp.1) else {
        return Probe::Unresolved(tcp.0.clone());
    };
    // connect_timeout rejects a zero duration outright.
    let deadline = Instant::now() + timeout.max(Duration::from_millis(1));
    let mut refused = false;
    for a in found {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&a, left) {
            Ok(_) => return Probe::Listening,
            Err(e) => refused |= classify(&e) == Probe::Refused,
        }
    }
    if refused {
        Probe::Refused
    } else {
        Probe::TimedOut
    }
}

/// Only a refusal or reset proves the port is closed; anything else (timeout,
/// unreachable network or host) means no answer.
fn classify(e: &io::Error) -> Probe {
    match e.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted => Probe::Refused,
        _ => Probe::TimedOut,
    }
}

/// Parses a datagram back (header + segment) — for tests and fake daemons.
pub fn parse_datagram(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let Some((header, body)) = text.split_once('\n') else {
        return Err("no newline after the header line".into());
    };
    let header: Value =
        serde_json::from_str(header).map_err(|e| format!("header line is not JSON: {e}"))?;
    if header != json!({"format": "json", "version": 1}) {
        return Err(format!("header is {header}, expected {HEADER}"));
    }
    let segment: Value =
        serde_json::from_str(body).map_err(|e| format!("segment is not JSON: {e}"))?;
    if !segment.is_object() {
        return Err("segment is not a JSON object".into());
    }
    for key in ["name", "id", "trace_id", "start_time"] {
        if segment.get(key).is_none() {
            return Err(format!("segment has no \"{key}\""));
        }
    }
    Ok(segment)
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
