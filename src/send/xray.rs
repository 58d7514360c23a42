//! X-Ray: one segment over UDP to the daemon, and a TCP probe of its port
//! where one is reachable, because a UDP send succeeds even when nothing
//! listens. The compose daemon is tested through what compose publishes:
//! `2000:2000/udp` alone (what init writes) means UDP only, so the segment is
//! sent and nothing claims the daemon is down.

use super::Report;
use crate::compose::Service;
use crate::project::Project;
use crate::providers::xray::{self, Probe, Segment};
use crate::resolve::ContainerEnv;
use std::time::{Duration, Instant};

pub struct Input {
    /// AWS_XRAY_DAEMON_ADDRESS as the container sees it (or the default), or the flag's.
    pub address: String,
    pub route: Route,
}

/// How this machine reaches the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// An address to use as is (`--xray-address`, or a daemon outside
    /// compose): UDP send and TCP probe there.
    Direct,
    /// The compose daemon service: the backend reaches it inside the compose
    /// network; from here only its published host ports (on 127.0.0.1) exist.
    Published {
        service: String,
        udp: Option<u16>,
        tcp: Option<u16>,
    },
}

pub fn run(input: &Input, timeout: Duration) -> Report {
    let start = Instant::now();
    let report = Report::new("xray");
    let report = match &input.route {
        Route::Direct => direct(report, &input.address, timeout),
        Route::Published { service, udp, tcp } => published(report, service, *udp, *tcp, timeout),
    };
    report.timed(start)
}

fn unreachable(report: Report, message: String) -> Report {
    report.fail("xray-daemon-unreachable", message)
}

fn direct(mut report: Report, address: &str, timeout: Duration) -> Report {
    let addr = match xray::parse_daemon_address(address) {
        Ok(a) => a,
        Err(e) => return unreachable(report, format!("AWS_XRAY_DAEMON_ADDRESS={address}: {e}")),
    };
    let segment = Segment::new("cruddur-obs-test");
    report.id = Some(segment.trace_id.clone());
    let udp = format!("{}:{}", addr.udp.0, addr.udp.1);
    let tcp = format!("{}:{}", addr.tcp.0, addr.tcp.1);
    if let Err(e) = xray::send(&addr.udp, &segment.datagram()) {
        return unreachable(report, format!("could not send to {udp} (UDP): {e}"));
    }
    match xray::probe(&addr.tcp, timeout) {
        Probe::Listening => report.pass(format!("sent a segment to {udp} (UDP); daemon listening on TCP {tcp}")),
        Probe::Refused => unreachable(report, format!("sent to {udp} (UDP), but nothing listens on TCP {tcp}: is the xray-daemon container running (docker compose ps)?")),
        Probe::TimedOut => unreachable(report, format!("sent to {udp} (UDP), but TCP {tcp} did not answer in time")),
        Probe::Unresolved(h) => unreachable(report, format!("{h} does not resolve from this machine")),
    }
}

fn published(
    mut report: Report,
    service: &str,
    udp: Option<u16>,
    tcp: Option<u16>,
    timeout: Duration,
) -> Report {
    let host = "127.0.0.1".to_string();
    let mut said = Vec::new();
    if let Some(port) = udp {
        let segment = Segment::new("cruddur-obs-test");
        report.id = Some(segment.trace_id.clone());
        if let Err(e) = xray::send(&(host.clone(), port), &segment.datagram()) {
            return unreachable(
                report,
                format!("could not send to {host}:{port} (UDP, published by {service}): {e}"),
            );
        }
        said.push(format!("sent a segment to {host}:{port} over UDP (published by {service}); UDP sends cannot be confirmed"));
    }
    match tcp {
        Some(port) => match xray::probe(&(host.clone(), port), timeout) {
            Probe::Listening => said.push(format!("daemon listening on TCP {host}:{port}")),
            Probe::Refused => {
                said.push(format!("but nothing listens on TCP {host}:{port}, which {service} publishes: is the container running (docker compose ps)?"));
                return unreachable(report, said.join("; "));
            }
            Probe::TimedOut | Probe::Unresolved(_) => {
                said.push(format!("but TCP {host}:{port}, which {service} publishes, did not answer in time"));
                return unreachable(report, said.join("; "));
            }
        },
        None if udp.is_some() => said.push("TCP 2000 not published, not probed".into()),
        None => {
            return report.skip(format!(
                "not tested: {service} publishes no port for 2000, so only containers on the compose network reach it (publish \"2000:2000/udp\" to test it from here)"
            ))
        }
    }
    if udp.is_none() {
        said.push("UDP 2000 not published, so no segment was sent from here".into());
    }
    report.pass(said.join("; "))
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
            route: Route::Direct,
        });
    }
    let daemon = daemon_service(project);
    let address = match (env.value("AWS_XRAY_DAEMON_ADDRESS"), &daemon) {
        (None, None) => return None,
        (Some(a), _) => a.to_string(),
        (None, Some(s)) => format!("{}:2000", s.name()),
    };
    let route = match &daemon {
        Some(s) => {
            let (udp, tcp) = published_daemon_ports(s);
            Route::Published {
                service: s.name().to_string(),
                udp,
                tcp,
            }
        }
        None => Route::Direct,
    };
    Some(Input { address, route })
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
