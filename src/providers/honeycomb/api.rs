//! Honeycomb's key check (`GET /1/auth`) and the trace link built from it.

use super::Region;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthInfo {
    /// "ingest" or "configuration" as Honeycomb says.
    pub key_type: String,
    pub team_slug: String,
    pub team_name: String,
    pub environment_slug: String,
    pub environment_name: String,
    pub events: bool,
    pub create_datasets: bool,
}

impl AuthInfo {
    /// Classic keys belong to no environment: Honeycomb returns empty slugs.
    pub fn is_classic(&self) -> bool {
        self.environment_slug.is_empty()
    }

    pub fn kind_label(&self) -> String {
        match (self.is_classic(), self.key_type.as_str()) {
            (true, _) => "classic key".into(),
            (false, "") => "key".into(),
            (false, t) => format!("{t} key"),
        }
    }

    pub fn summary(&self) -> String {
        let env = if self.is_classic() {
            "classic (no environment)".to_string()
        } else {
            format!("environment \"{}\"", self.environment_name)
        };
        let yes_no = |b: bool| if b { "yes" } else { "NO" };
        format!(
            "{}, team \"{}\", {env}; may send events: {}, may create datasets: {}",
            self.kind_label(),
            self.team_name,
            yes_no(self.events),
            yes_no(self.create_datasets)
        )
    }
}

/// Reads a 200 body of `/1/auth`; `create_datasets` is accepted as a spelling
/// of `createDatasets`, and anything missing counts as false/empty.
pub fn parse_auth(body: &[u8]) -> Result<AuthInfo, String> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| format!("unexpected /1/auth answer (not JSON: {e})"))?;
    let s = |a: &str, b: &str| {
        v.get(a)
            .and_then(|x| x.get(b))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let access = v.get("api_key_access");
    let flag = |names: &[&str]| {
        names.iter().any(|n| {
            access
                .and_then(|a| a.get(*n))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
    };
    Ok(AuthInfo {
        key_type: v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        team_slug: s("team", "slug"),
        team_name: s("team", "name"),
        environment_slug: s("environment", "slug"),
        environment_name: s("environment", "name"),
        events: flag(&["events"]),
        create_datasets: flag(&["createDatasets", "create_datasets"]),
    })
}

/// Dataset slugs are undocumented; lowercase with spaces as `-` is what
/// Honeycomb is observed to do.
pub fn dataset_slug(name: &str) -> String {
    let trimmed = name.trim();
    let base = if trimmed.is_empty() || trimmed.starts_with("unknown_service") {
        "unknown_service"
    } else {
        trimmed
    };
    base.to_lowercase().replace(' ', "-")
}

pub fn ui_host(region: Region) -> &'static str {
    match region {
        Region::Us => "ui.honeycomb.io",
        Region::Eu => "ui.eu1.honeycomb.io",
    }
}

pub struct TraceRef<'a> {
    pub trace_id: &'a str,
    pub span_id: &'a str,
    pub start_s: u64,
    pub end_s: u64,
}

pub fn trace_link(region: Region, auth: &AuthInfo, dataset: &str, t: &TraceRef) -> String {
    let env = if auth.is_classic() {
        String::new()
    } else {
        format!("/environments/{}", auth.environment_slug)
    };
    format!(
        "https://{}/{}{env}/datasets/{}/trace?trace_id={}&span={}&trace_start_ts={}&trace_end_ts={}",
        ui_host(region),
        auth.team_slug,
        dataset_slug(dataset),
        t.trace_id,
        t.span_id,
        t.start_s,
        t.end_s + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ingest_and_classic_answers() {
        let body = br#"{"id":"k1","type":"ingest","api_key_access":{"events":true,"markers":true,"createDatasets":true},"environment":{"name":"Test Env","slug":"test-env"},"team":{"name":"Cruddur","slug":"cruddur"}}"#;
        let a = parse_auth(body).unwrap();
        assert_eq!(
            (a.events, a.create_datasets, a.is_classic()),
            (true, true, false)
        );
        assert_eq!(a.summary(), "ingest key, team \"Cruddur\", environment \"Test Env\"; may send events: yes, may create datasets: yes");
        let classic = br#"{"api_key_access":{"events":true,"create_datasets":false},"environment":{"name":"","slug":""},"team":{"name":"T","slug":"t"}}"#;
        let c = parse_auth(classic).unwrap();
        assert!(c.is_classic() && !c.create_datasets);
        assert!(parse_auth(b"<html>").is_err());
    }

    #[test]
    fn links_follow_the_documented_shape() {
        let a = parse_auth(br#"{"type":"ingest","api_key_access":{"events":true},"environment":{"name":"Prod","slug":"prod"},"team":{"name":"T","slug":"team-x"}}"#).unwrap();
        let t = TraceRef {
            trace_id: "0af7651916cd43dd8448eb211c80319c",
            span_id: "b7ad6b7169203331",
            start_s: 100,
            end_s: 101,
        };
        assert_eq!(
            trace_link(Region::Us, &a, "Backend Flask", &t),
            "https://ui.honeycomb.io/team-x/environments/prod/datasets/backend-flask/trace?trace_id=0af7651916cd43dd8448eb211c80319c&span=b7ad6b7169203331&trace_start_ts=100&trace_end_ts=102"
        );
        let mut classic = a.clone();
        classic.environment_slug.clear();
        assert!(trace_link(Region::Eu, &classic, "x", &t)
            .starts_with("https://ui.eu1.honeycomb.io/team-x/datasets/x/trace?"));
        assert_eq!(dataset_slug("  "), "unknown_service");
        assert_eq!(dataset_slug("unknown_service:python"), "unknown_service");
    }
}
