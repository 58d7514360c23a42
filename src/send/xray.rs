//! X-Ray: one segment over UDP to the daemon, and a TCP probe of its port,
//! because a UDP send succeeds even when nothing listens.

use super::Report;
use crate::compose::Service;
use crate::project::Project;
use crate::providers::xray::{self, DaemonAddress, Probe, Segment};
use crate::resolve::ContainerEnv;
use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

pub struct Input {
    /// AWS_XRAY_DAEMON_ADDRESS as the container sees it (or the default).
    pub address: String,
    /// Host ports compose publishes for the daemon service, (udp, tcp).
    pub published: (Option<u16>, Option<u16>),
}

/// The compose host name (`xray-daemon`) only resolves inside the compose
/// network; from the host the daemon is reached on its published port.
fn reachable_from_host(
    addr: DaemonAddress,
    published: (Option<u16>, Option<u16>),
) -> (DaemonAddress, Option<String>) {
    let resolves = |host: &str| {
        (host, 0)
            .to_socket_addrs()
            .is_ok_and(|mut a| a.next().is_some())
    };
    if resolves(&addr.udp.0) {
        return (addr, None);
    }
    let udp_port = published.0.unwrap_or(addr.udp.1);
    let tcp_port = published.1.or(published.0).unwrap_or(addr.tcp.1);
    let note = format!("{} does not resolve from this machine (it is a compose service name); using 127.0.0.1:{udp_port}", addr.udp.0);
    (
        DaemonAddress {
            udp: ("127.0.0.1".into(), udp_port),
            tcp: ("127.0.0.1".into(), tcp_port),
        },
        Some(note),
    )
}

pub fn run(input: &Input, timeout: Duration) -> Report {
    let start = Instant::now();
    let mut report = Report::new("xray");
    let addr = match xray::parse_daemon_address(&input.address) {
        Ok(a) => a,
        Err(e) => {
            return report
                .fail(
                    "xray-daemon-unreachable",
                    format!("AWS_XRAY_DAEMON_ADDRESS={}: {e}", input.address),
                )
                .timed(start)
        }
    };
    let (addr, note) = reachable_from_host(addr, input.published);
    report.details.extend(note);
    let segment = Segment::new("cruddur-obs-test");
    report.id = Some(segment.trace_id.clone());
    let (sent, probe) = xray::send_and_probe(&addr, &segment, timeout);
    let (udp, tcp) = (
        format!("{}:{}", addr.udp.0, addr.udp.1),
        format!("{}:{}", addr.tcp.0, addr.tcp.1),
    );
    if let Err(e) = sent {
        return report
            .fail(
                "xray-daemon-unreachable",
                format!("could not send to {udp}: {e}"),
            )
            .timed(start);
    }
    match probe {
        Probe::Listening => report.pass(format!("sent a segment to {udp}, daemon listening (TCP {tcp})")).timed(start),
        Probe::Refused => report
            .fail("xray-daemon-unreachable", format!("sent to {udp}, but nothing listens on TCP {tcp}: is the xray-daemon container running (docker compose ps)?"))
            .timed(start),
        Probe::TimedOut => report.fail("xray-daemon-unreachable", format!("sent to {udp}, but TCP {tcp} did not answer in time")).timed(start),
        Probe::Unresolved(h) => report.fail("xray-daemon-unreachable", format!("{h} does not resolve")).timed(start),
    }
}

/// The X-Ray target, when the backend names a daemon address or compose runs one.
pub fn input(
    project: &Project,
    env: &ContainerEnv,
    override_address: Option<&str>,
) -> Option<Input> {
    if let Some(a) = override_address {
        return Some(Input {
            address: a.to_string(),
            published: (None, None),
        });
    }
    let daemon = daemon_service(project);
    let address = match (env.value("AWS_XRAY_DAEMON_ADDRESS"), &daemon) {
        (None, None) => return None,
        (Some(a), _) => a.to_string(),
        (None, Some(s)) => format!("{}:2000", s.name()),
    };
    Some(Input {
        address,
        published: daemon
            .as_ref()
            .map(published_daemon_ports)
            .unwrap_or((None, None)),
    })
}

/// The daemon's compose service, by name or image.
pub fn daemon_service(project: &Project) -> Option<Service<'_>> {
    project.compose.all_services().into_iter().find(|s| {
        s.name().contains("xray") || s.image().is_some_and(|i| i.contains("aws-xray-daemon"))
    })
}

/// Host ports published for the daemon's port 2000: (udp, tcp).
pub fn published_daemon_ports(service: &Service) -> (Option<u16>, Option<u16>) {
    let (mut udp, mut tcp) = (None, None);
    let Some(yaml_serde::Value::Sequence(ports)) = service.get("ports") else {
        return (None, None);
    };
    for p in ports {
        let (published, target, proto) = match p {
            yaml_serde::Value::Mapping(m) => {
                let get = |k: &str| m.get(k).map(crate::compose::scalar_text);
                (
                    get("published"),
                    get("target"),
                    get("protocol").unwrap_or_else(|| "tcp".into()),
                )
            }
            other => {
                let text = crate::compose::scalar_text(other);
                let (spec, proto) = text
                    .split_once('/')
                    .map_or((text.as_str(), "tcp"), |(s, p)| (s, p));
                let parts: Vec<&str> = spec.rsplitn(3, ':').collect();
                (
                    parts.get(1).map(|s| s.to_string()),
                    parts.first().map(|s| s.to_string()),
                    proto.to_string(),
                )
            }
        };
        if target.as_deref() != Some("2000") {
            continue;
        }
        let port = published.and_then(|p| p.parse().ok());
        if proto == "udp" {
            udp = port;
        } else {
            tcp = port;
        }
    }
    (udp, tcp)
}
