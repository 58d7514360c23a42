use super::*;

#[test]
fn lines_of_services_keys_and_environment_entries() {
    let text = "version: '3'\nservices:\n  web:\n    image: x\n  api:\n    build: ./api\n    environment:\n      A: 1\n      # note\n      B: two # trailing\n  db:\n    environment:\n      - C=3\n      - D\nnetworks:\n  n: {}\n";
    let p = Positions::build(text);
    assert_eq!(p.top_key("services"), Some(2));
    assert_eq!(p.top_key("networks"), Some(15));
    assert_eq!(p.service_line("web"), Some(3));
    assert_eq!(p.key_line("api", "build"), Some(6));
    assert_eq!(p.env_line("api", "B"), Some(10));
    assert_eq!(p.service("api").unwrap().env[1].raw.as_deref(), Some("two"));
    assert_eq!(p.env_line("db", "C"), Some(13));
    assert_eq!(p.env_line("db", "D"), Some(14));
    assert_eq!(p.env_line("db", "A"), None);
    assert_eq!(p.item_line("db", "environment", "D"), Some(14));
    assert!(p.service("n").is_none(), "networks are not services");
}

#[test]
fn crlf_flow_style_and_quoted_keys() {
    let text = "services:\r\n  api:\r\n    environment: {A: \"1\", B: x}\r\n  \"quoted-svc\":\r\n    image: y\r\n";
    let p = Positions::build(text);
    assert_eq!(p.service_line("api"), Some(2));
    assert_eq!(p.env_line("api", "B"), Some(3));
    assert_eq!(
        p.service("api").unwrap().env[0].raw.as_deref(),
        Some("\"1\"")
    );
    assert_eq!(p.key_line("quoted-svc", "image"), Some(5));
}

#[test]
fn compact_lists_long_syntax_items_anchors_and_block_scalars() {
    let text = "\
x-common: &common
  restart: always
services:
  api:
    <<: *common
    environment: &api-env
      A: \"1\"
    env_file:
    - path: ./a.env
      required: false
    - ./b.env
    command: |
      flask run
      services:
        fake: 1
    volumes:
      - ./x:/x:ro   # comment
    healthcheck:
      test: [\"CMD\", \"curl\",
             \"-f\", \"http://localhost\"]
    ports: [\"80:80\"]
  worker:
    environment: *api-env
";
    let p = Positions::build(text);
    assert_eq!(p.top_key("x-common"), Some(1));
    assert_eq!(p.key_line("api", "<<"), Some(5));
    assert_eq!(p.env_line("api", "A"), Some(7));
    assert_eq!(p.item_line("api", "env_file", "./a.env"), Some(9));
    assert_eq!(p.item_line("api", "env_file", "./b.env"), Some(11));
    assert!(
        p.service("fake").is_none(),
        "block scalar content is no key"
    );
    assert_eq!(p.key_line("api", "command"), Some(12));
    assert_eq!(p.item_line("api", "volumes", "./x:/x:ro"), Some(17));
    assert_eq!(p.key_line("api", "ports"), Some(21));
    assert_eq!(p.service_line("worker"), Some(22));
    assert_eq!(p.key_line("worker", "environment"), Some(23));
    assert!(!p.service("api").unwrap().keys.contains_key("required"));
}

#[test]
fn agrees_with_the_lossless_tree_on_the_sample_projects() {
    // The line scan must place what yaml-edit's tree places, on real files.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if (name.starts_with("docker-compose") || name.starts_with("compose"))
                && (name.ends_with(".yml") || name.ends_with(".yaml"))
            {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let Ok(doc) = <yaml_edit::Document as std::str::FromStr>::from_str(&text) else {
            continue;
        };
        let p = Positions::build(&text);
        let lines = LineIndex::new(&text);
        let Some(services) = doc.as_mapping().and_then(|m| m.get_mapping("services")) else {
            continue;
        };
        for entry in services.entries() {
            let key = entry.key_node().unwrap();
            let name = crate::compose::edit::node_text(&key);
            let want = lines.line(key.byte_range().start as usize);
            assert_eq!(p.service_line(&name), Some(want), "{}: {name}", f.display());
            let Some(body) = entry.value_node().and_then(|v| v.as_mapping().cloned()) else {
                continue;
            };
            for k in body.entries() {
                let kn = k.key_node().unwrap();
                let kname = crate::compose::edit::node_text(&kn);
                let want = lines.line(kn.byte_range().start as usize);
                assert_eq!(
                    p.key_line(&name, &kname),
                    Some(want),
                    "{}: {name}.{kname}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn line_index_matches_a_scan() {
    let text = "a\nbb\n\nccc\n";
    let idx = LineIndex::new(text);
    for off in 0..text.len() {
        assert_eq!(idx.line(off), crate::fsutil::line_of(text, off), "{off}");
    }
}
