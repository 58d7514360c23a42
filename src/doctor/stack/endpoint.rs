//! Which engine to ask, the way the docker CLI picks it: `DOCKER_HOST`, else
//! the context named by `DOCKER_CONTEXT` or by `currentContext` in
//! `$DOCKER_CONFIG/config.json` (default `~/.docker`), whose endpoint is in
//! `contexts/meta/<sha256 of the name>/meta.json`; the `default` context is
//! `unix:///var/run/docker.sock`.
//!
//! Only what can be reached without new dependencies or credentials is
//! supported: a unix socket, or plain `tcp://`. TLS and ssh engines are named
//! in the skip reason, never half-checked.

use std::path::{Path, PathBuf};

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Unix(PathBuf),
    /// `host:port`.
    Tcp(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub address: Address,
    /// The host as written (`unix:///var/run/docker.sock`).
    pub host: String,
    /// Where it was found: `DOCKER_HOST`, `docker context "x"`, `the default`.
    pub from: String,
}

impl Endpoint {
    /// A unix socket is this machine's I/O; anything else is the network.
    pub fn is_local(&self) -> bool {
        matches!(self.address, Address::Unix(_))
    }

    pub fn describe(&self) -> String {
        format!("{} (from {})", self.host, self.from)
    }
}

/// The engine endpoint, or why there is none this tool can use (a skip reason).
pub fn locate(env: &dyn Fn(&str) -> Option<String>) -> Result<Endpoint, String> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(host) = set("DOCKER_HOST") {
        if set("DOCKER_TLS_VERIFY").is_some() {
            return Err(format!(
                "DOCKER_HOST={host} with DOCKER_TLS_VERIFY: TLS engines are not supported; run doctor where the engine's socket is"
            ));
        }
        return parse(&host, "DOCKER_HOST".into());
    }
    let config_dir = match (set("DOCKER_CONFIG"), set("HOME")) {
        (Some(dir), _) => Some(PathBuf::from(dir)),
        (None, Some(home)) => Some(Path::new(&home).join(".docker")),
        (None, None) => None,
    };
    let context = set("DOCKER_CONTEXT").or_else(|| {
        let text = std::fs::read_to_string(config_dir.as_ref()?.join("config.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v.get("currentContext")?.as_str().map(str::to_string)
    });
    match context.filter(|c| c != "default") {
        None => parse(DEFAULT_HOST, "the default".into()),
        Some(name) => from_context(config_dir.as_deref(), &name),
    }
}

fn from_context(config_dir: Option<&Path>, name: &str) -> Result<Endpoint, String> {
    let digest = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let Some(dir) = config_dir else {
        return Err(format!(
            "docker context \"{name}\" is selected but there is no HOME or DOCKER_CONFIG to find it in"
        ));
    };
    let meta = dir.join("contexts/meta").join(&hex).join("meta.json");
    let text = std::fs::read_to_string(&meta).map_err(|e| {
        format!(
            "docker context \"{name}\" is selected but {} cannot be read ({e}); `docker context ls` shows the contexts",
            meta.display()
        )
    })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", meta.display()))?;
    let docker = &v["Endpoints"]["docker"];
    let host = docker["Host"].as_str().unwrap_or_default();
    if host.is_empty() {
        return Err(format!(
            "docker context \"{name}\" has no docker endpoint ({})",
            meta.display()
        ));
    }
    let tls = dir.join("contexts/tls").join(&hex).join("docker");
    if host.starts_with("tcp://") && tls.is_dir() {
        return Err(format!(
            "docker context \"{name}\" reaches {host} over TLS, which is not supported; run doctor where the engine's socket is"
        ));
    }
    parse(host, format!("docker context \"{name}\""))
}

fn parse(host: &str, from: String) -> Result<Endpoint, String> {
    let address = if let Some(path) = host.strip_prefix("unix://") {
        Address::Unix(PathBuf::from(path))
    } else if let Some(rest) = host.strip_prefix("tcp://") {
        let hostport = rest.trim_end_matches('/');
        let hostport = if hostport.contains(':') {
            hostport.to_string()
        } else {
            format!("{hostport}:2375")
        };
        Address::Tcp(hostport)
    } else {
        let scheme = host.split("://").next().unwrap_or(host);
        return Err(format!(
            "{from} is {host}: {scheme}:// engines are not supported (a unix socket or plain tcp:// is)"
        ));
    };
    Ok(Endpoint {
        address,
        host: host.to_string(),
        from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |n| vars.iter().find(|v| v.0 == n).map(|v| v.1.to_string())
    }

    #[test]
    fn docker_host_wins_over_any_context() {
        let e = locate(&env(&[
            ("DOCKER_HOST", "unix:///tmp/x.sock"),
            ("DOCKER_CONTEXT", "remote"),
        ]))
        .unwrap();
        assert_eq!(e.address, Address::Unix("/tmp/x.sock".into()));
        assert_eq!(e.from, "DOCKER_HOST");
        let tcp = locate(&env(&[("DOCKER_HOST", "tcp://127.0.0.1")])).unwrap();
        assert_eq!(tcp.address, Address::Tcp("127.0.0.1:2375".into()));
        assert!(!tcp.is_local());
    }

    #[test]
    fn without_anything_the_default_socket() {
        let home = tempfile::tempdir().unwrap();
        let e = locate(&env(&[("HOME", home.path().to_str().unwrap())])).unwrap();
        assert_eq!(e.host, DEFAULT_HOST);
        assert!(e.is_local());
    }

    #[test]
    fn the_current_context_is_read_from_its_sha256_directory() {
        let home = tempfile::tempdir().unwrap();
        let docker = home.path().join(".docker");
        // sha256("colima") (`printf colima | sha256sum`), as the docker CLI names it.
        let meta = docker
            .join("contexts/meta/f24fd3749c1368328e2b149bec149cb6795619f244c5b584e844961215dadd16");
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"colima","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///home/u/.colima/default/docker.sock","SkipTLSVerify":false}}}"#,
        )
        .unwrap();
        std::fs::write(docker.join("config.json"), r#"{"currentContext":"colima"}"#).unwrap();
        let h = home.path().to_str().unwrap();
        let e = locate(&env(&[("HOME", h)])).unwrap();
        assert_eq!(
            e.address,
            Address::Unix("/home/u/.colima/default/docker.sock".into())
        );
        assert_eq!(e.from, "docker context \"colima\"");
        // DOCKER_CONTEXT=default overrides the file.
        let d = locate(&env(&[("HOME", h), ("DOCKER_CONTEXT", "default")])).unwrap();
        assert_eq!(d.host, DEFAULT_HOST);
        // A context that does not exist is a reason, not the default socket.
        let missing = locate(&env(&[("HOME", h), ("DOCKER_CONTEXT", "gone")])).unwrap_err();
        assert!(missing.contains("\"gone\""), "{missing}");
    }

    #[test]
    fn unsupported_transports_are_named() {
        let ssh = locate(&env(&[("DOCKER_HOST", "ssh://me@box")])).unwrap_err();
        assert!(ssh.contains("ssh:// engines are not supported"), "{ssh}");
        let tls = locate(&env(&[
            ("DOCKER_HOST", "tcp://box:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
        ]))
        .unwrap_err();
        assert!(tls.contains("TLS"), "{tls}");
    }
}
