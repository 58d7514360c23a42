//! How compose combines service definitions: a later file (an override, the
//! next `-f`, a service over the one it `extends`) merges into the earlier one
//! key by key. Mappings merge recursively, `environment` by variable name,
//! `volumes` by container path, lists of ports and the like are appended,
//! everything else is replaced. (compose-go `override/merge.rs`'s rules, the
//! ones that matter for what doctor reads.)

use super::file::{env_entries, EnvVar};
use super::positions::Positions;
use std::collections::BTreeMap;
use yaml_serde::{Mapping, Value};

/// One service as the project defines it after every file is merged.
#[derive(Debug, Clone)]
pub struct ServiceDef {
    pub name: String,
    /// The merged mapping. Its `environment` is the last file's as written;
    /// read the merged variables from `env`.
    pub value: Value,
    pub env: Vec<EnvVar>,
    /// The file that defines the service first (where its key is).
    pub file: usize,
    /// The service's name in that file (differs under `extends`).
    pub name_in_file: String,
    /// For each key of the service, the last file that wrote it and the
    /// service's name there.
    pub key_file: BTreeMap<String, (usize, String)>,
}

/// Lists whose items add up across files rather than replace each other.
const APPENDED: [&str; 12] = [
    "ports",
    "expose",
    "dns",
    "dns_search",
    "env_file",
    "extra_hosts",
    "cap_add",
    "cap_drop",
    "devices",
    "external_links",
    "security_opt",
    "tmpfs",
];

impl ServiceDef {
    pub fn from_file(name: &str, value: &Value, file: usize, positions: &Positions) -> ServiceDef {
        let key_file = value
            .as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(k, _)| {
                k.as_str()
                    .map(|k| (k.to_string(), (file, name.to_string())))
            })
            .collect();
        ServiceDef {
            name: name.to_string(),
            value: if value.is_null() {
                Value::Mapping(Mapping::new())
            } else {
                value.clone()
            },
            env: env_entries(value, positions, name, file),
            file,
            name_in_file: name.to_string(),
            key_file,
        }
    }

    /// Merges `over` (a later definition) into this one.
    pub fn merge(&mut self, over: ServiceDef) {
        for var in over.env {
            match self.env.iter_mut().find(|v| v.name == var.name) {
                Some(old) => *old = var,
                None => self.env.push(var),
            }
        }
        self.key_file.extend(over.key_file);
        let Value::Mapping(over) = over.value else {
            return;
        };
        let Some(base) = self.value.as_mapping_mut() else {
            self.value = Value::Mapping(over);
            return;
        };
        for (k, v) in over {
            let key = k.as_str().unwrap_or_default().to_string();
            let merged = match (base.remove(&k), key.as_str()) {
                (None, _) => v,
                (Some(old), "volumes") => merge_volumes(old, v),
                (Some(old), "networks" | "depends_on") => merge_maps(named(old), named(v)),
                (Some(Value::Sequence(mut old)), k) if APPENDED.contains(&k) => {
                    for item in as_list(v) {
                        if !old.contains(&item) {
                            old.push(item);
                        }
                    }
                    Value::Sequence(old)
                }
                (Some(old), _) => merge_values(old, v),
            };
            base.insert(k, merged);
        }
    }
}

/// Mappings merge recursively; anything else is replaced.
pub fn merge_values(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => merge_maps(Value::Mapping(b), Value::Mapping(o)),
        (_, over) => over,
    }
}

fn merge_maps(base: Value, over: Value) -> Value {
    let (Value::Mapping(mut base), Value::Mapping(over)) = (base, over) else {
        return Value::Null;
    };
    for (k, v) in over {
        let merged = match base.remove(&k) {
            Some(old) => merge_values(old, v),
            None => v,
        };
        base.insert(k, merged);
    }
    Value::Mapping(base)
}

fn as_list(v: Value) -> Vec<Value> {
    match v {
        Value::Sequence(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// `[a, b]` and `{a: …, b: …}` both as a mapping (networks, depends_on).
fn named(v: Value) -> Value {
    match v {
        Value::Sequence(items) => Value::Mapping(
            items
                .into_iter()
                .map(|i| (i, Value::Null))
                .collect::<Mapping>(),
        ),
        Value::Mapping(m) => Value::Mapping(m),
        _ => Value::Mapping(Mapping::new()),
    }
}

/// The container path a volume entry mounts at.
pub fn volume_target(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            match parts.as_slice() {
                [target] => Some(target.to_string()),
                [_, target, ..] => Some(target.to_string()),
                [] => None,
            }
        }
        Value::Mapping(_) => v.get("target").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn merge_volumes(base: Value, over: Value) -> Value {
    let mut out = as_list(base);
    for item in as_list(over) {
        let target = volume_target(&item);
        match out
            .iter_mut()
            .find(|o| target.is_some() && volume_target(o) == target)
        {
            Some(slot) => *slot = item,
            None => out.push(item),
        }
    }
    Value::Sequence(out)
}

/// Top-level sections (`networks`, `volumes`, …) merge per name; scalars
/// such as `version` or `name` are replaced.
pub fn merge_top(base: &mut Mapping, over: &Mapping) {
    for (k, v) in over {
        if k.as_str() == Some("services") || k.as_str() == Some("include") {
            continue;
        }
        let merged = match base.remove(k) {
            Some(old) => merge_values(old, v.clone()),
            None => v.clone(),
        };
        base.insert(k.clone(), merged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(yaml: &str, file: usize) -> ServiceDef {
        let text = format!("services:\n  s:\n{yaml}");
        let v: Value = yaml_serde::from_str(&text).unwrap();
        let p = Positions::build(&text);
        ServiceDef::from_file("s", &v["services"]["s"], file, &p)
    }

    #[test]
    fn environment_merges_by_name_across_forms() {
        let mut base = def("    environment:\n      A: one\n      B: two\n", 0);
        base.merge(def("    environment:\n      - B=zwei\n      - C=drei\n", 1));
        let got: Vec<_> = base
            .env
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref(), v.file, v.list_form))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", Some("one"), 0, false),
                ("B", Some("zwei"), 1, true),
                ("C", Some("drei"), 1, true)
            ]
        );
        assert_eq!(base.key_file["environment"].0, 1);
    }

    #[test]
    fn ports_append_volumes_by_target_scalars_replace() {
        let mut base = def(
            "    image: a\n    ports: [\"80:80\"]\n    volumes: [\"./a:/app\", \"data:/data\"]\n    command: x\n",
            0,
        );
        base.merge(def(
            "    ports: [\"81:81\", \"80:80\"]\n    volumes: [\"./b:/app\"]\n    command: [y, z]\n",
            1,
        ));
        let v = &base.value;
        assert_eq!(
            yaml_serde::to_string(&v["ports"]).unwrap(),
            "- 80:80\n- 81:81\n"
        );
        assert_eq!(
            yaml_serde::to_string(&v["volumes"]).unwrap(),
            "- ./b:/app\n- data:/data\n"
        );
        assert_eq!(v["image"].as_str(), Some("a"));
        assert!(v["command"].is_sequence());
        assert_eq!(base.key_file["image"].0, 0);
        assert_eq!(base.key_file["command"].0, 1);
    }

    #[test]
    fn build_mapping_merges_and_networks_normalise() {
        let mut base = def(
            "    build:\n      context: ./api\n      args: {A: 1}\n    networks: [front]\n",
            0,
        );
        base.merge(def(
            "    build:\n      args: {B: 2}\n    networks:\n      back: {}\n",
            1,
        ));
        let v = &base.value;
        assert_eq!(v["build"]["context"].as_str(), Some("./api"));
        assert!(v["build"]["args"].get("A").is_some() && v["build"]["args"].get("B").is_some());
        assert!(v["networks"].get("front").is_some() && v["networks"].get("back").is_some());
    }
}
