use super::*;
use std::net::TcpListener;

fn addr(host: &str, port: u16) -> (String, u16) {
    (host.to_string(), port)
}

fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn single_form_serves_both_protocols() {
    for (s, host, port) in [
        ("127.0.0.1:2000", "127.0.0.1", 2000),
        ("xray-daemon:2000", "xray-daemon", 2000),
        ("  xray-daemon:2001\n", "xray-daemon", 2001),
        ("localhost:65535", "localhost", 65535),
    ] {
        let a = parse_daemon_address(s).unwrap();
        assert_eq!(a.udp, addr(host, port), "{s:?}");
        assert_eq!(a.tcp, a.udp, "{s:?}");
    }
    assert_eq!(
        parse_daemon_address(DEFAULT_ADDRESS).unwrap().udp,
        addr("127.0.0.1", 2000)
    );
}

#[test]
fn double_form_in_either_order() {
    let want = DaemonAddress {
        udp: addr("10.0.0.2", 2001),
        tcp: addr("xray-daemon", 2000),
    };
    assert_eq!(
        parse_daemon_address("tcp:xray-daemon:2000 udp:10.0.0.2:2001").unwrap(),
        want
    );
    assert_eq!(
        parse_daemon_address("udp:10.0.0.2:2001 tcp:xray-daemon:2000").unwrap(),
        want
    );
    assert_eq!(
        parse_daemon_address("udp:10.0.0.2:2001   tcp:xray-daemon:2000").unwrap(),
        want
    );
}

#[test]
fn bad_addresses_say_what_is_wrong() {
    for (s, says) in [
        ("", "empty"),
        ("   ", "empty"),
        ("xray-daemon", "no port"),
        (":2000", "no host"),
        ("xray-daemon:", "not a number"),
        ("xray-daemon:0", "1 to 65535"),
        ("xray-daemon:65536", "1 to 65535"),
        ("xray-daemon:two", "\"two\""),
        ("xray-daemon:2000:1", "more than one"),
        ("::1:2000", "IPv6"),
        ("[::1]:2000", "IPv6"),
        ("::1", "IPv6"),
        ("tcp:xray-daemon:2000", "needs both"),
        ("udp:xray-daemon:2000", "needs both"),
        ("tcp:a:1 tcp:b:2", "twice"),
        ("udp:a:1 udp:b:2", "twice"),
        ("a:1 udp:b:2", "should start with"),
        ("http:a:1 udp:b:2", "should start with"),
        ("tcp:a udp:b:2", "tcp part"),
        ("tcp:a:1 udp::2", "udp part"),
        ("tcp:a:1 udp:b:2 x:3", "3 space-separated parts"),
    ] {
        let e = parse_daemon_address(s).expect_err(s);
        assert!(
            e.contains(says),
            "{s:?} gave {e:?}, expected it to mention {says:?}"
        );
    }
}

#[test]
fn segment_ids_and_times() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let s = Segment::new("cruddur-obs-test");
    let parts: Vec<&str> = s.trace_id.split('-').collect();
    assert_eq!(parts.len(), 3, "{}", s.trace_id);
    assert_eq!(parts[0], "1");
    assert!(parts[1].len() == 8 && is_hex(parts[1]), "{}", s.trace_id);
    assert!(parts[2].len() == 24 && is_hex(parts[2]), "{}", s.trace_id);
    let epoch = i64::from_str_radix(parts[1], 16).unwrap();
    assert!(
        (epoch - now).abs() <= 2,
        "trace id time {epoch} vs now {now}"
    );
    assert!(s.id.len() == 16 && is_hex(&s.id), "{}", s.id);
    assert_eq!(s.name, "cruddur-obs-test");
    assert!((s.start_time - now as f64).abs() <= 2.0);
    let length = s.end_time - s.start_time;
    assert!(length > 0.0 && length < 0.01, "{length}");
    let t = Segment::new("x");
    assert_ne!(s.trace_id, t.trace_id);
    assert_ne!(s.id, t.id);
}

#[test]
fn fallback_ids_differ() {
    assert_ne!(fallback_bytes(), fallback_bytes());
}

#[test]
fn datagram_is_header_line_then_segment() {
    let s = Segment::new("cruddur-obs-test");
    let d = s.datagram();
    let text = std::str::from_utf8(&d).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    assert_eq!(header, r#"{"format":"json","version":1}"#);
    assert!(!body.contains('\n'));
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["name"], "cruddur-obs-test");
    assert_eq!(v["id"], s.id.as_str());
    assert_eq!(v["trace_id"], s.trace_id.as_str());
    // serde_json parses floats to within an ulp or so, not bit-exactly.
    assert!((v["start_time"].as_f64().unwrap() - s.start_time).abs() < 1e-6);
    assert!((v["end_time"].as_f64().unwrap() - s.end_time).abs() < 1e-6);
    assert!(v.get("in_progress").is_none());
    assert!(d.len() < 512, "{} bytes", d.len());
    assert_eq!(parse_datagram(&d).unwrap(), v);
}

#[test]
fn parse_datagram_rejects_malformed() {
    let seg = r#"{"name":"n","id":"0123456789abcdef","trace_id":"1-00000000-000000000000000000000000","start_time":1.0}"#;
    let ok = format!("{HEADER}\n{seg}");
    assert!(parse_datagram(ok.as_bytes()).is_ok());
    for (bytes, says) in [
        (seg.as_bytes().to_vec(), "no newline"),
        (
            format!("{{\"format\":\"json\",\"version\":2}}\n{seg}").into_bytes(),
            "header is",
        ),
        (
            format!("format json\n{seg}").into_bytes(),
            "header line is not JSON",
        ),
        (
            format!("{HEADER}\n{{\"name\":").into_bytes(),
            "segment is not JSON",
        ),
        (format!("{HEADER}\n[1]").into_bytes(), "not a JSON object"),
        (
            format!("{HEADER}\n{{\"name\":\"n\"}}").into_bytes(),
            "no \"id\"",
        ),
        (b"\xff\xfe\n{}".to_vec(), "UTF-8"),
        (Vec::new(), "no newline"),
    ] {
        let e = parse_datagram(&bytes).expect_err(says);
        assert!(e.contains(says), "{e:?} should mention {says:?}");
    }
}

#[test]
fn fake_daemon_receives_segment_and_tcp_listens() {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = DaemonAddress {
        udp: addr("127.0.0.1", udp.local_addr().unwrap().port()),
        tcp: addr("127.0.0.1", tcp.local_addr().unwrap().port()),
    };
    let s = Segment::new("cruddur-obs-test");
    let (sent, probe) = send_and_probe(&a, &s, Duration::from_secs(2));
    assert_eq!(sent, Ok(()));
    assert_eq!(probe, Probe::Listening);
    let mut buf = [0u8; 65_536];
    let (n, _) = udp.recv_from(&mut buf).unwrap();
    let got = parse_datagram(&buf[..n]).unwrap();
    assert_eq!(got["trace_id"], s.trace_id.as_str());
    assert_eq!(got["id"], s.id.as_str());
    assert_eq!(got["name"], "cruddur-obs-test");
}

#[test]
fn localhost_name_resolves_and_listens() {
    // `localhost` may resolve to ::1 first; the probe must still find the
    // IPv4 listener within the same budget.
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let a = DaemonAddress {
        udp: addr("localhost", port),
        tcp: addr("localhost", port),
    };
    let (sent, probe) = send_and_probe(&a, &Segment::new("t"), Duration::from_secs(2));
    assert_eq!(sent, Ok(()));
    assert_eq!(probe, Probe::Listening);
}

#[test]
fn closed_tcp_port_is_refused_though_udp_send_succeeds() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let a = DaemonAddress {
        udp: addr("127.0.0.1", port),
        tcp: addr("127.0.0.1", port),
    };
    let (sent, probe) = send_and_probe(&a, &Segment::new("t"), Duration::from_secs(2));
    assert_eq!(sent, Ok(()), "UDP cannot tell that nothing listens");
    assert_eq!(probe, Probe::Refused);
}

#[test]
fn zero_timeout_does_not_panic() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = DaemonAddress {
        udp: addr("127.0.0.1", tcp.local_addr().unwrap().port()),
        tcp: addr("127.0.0.1", tcp.local_addr().unwrap().port()),
    };
    let (_, probe) = send_and_probe(&a, &Segment::new("t"), Duration::ZERO);
    assert!(
        matches!(probe, Probe::Listening | Probe::TimedOut),
        "{probe:?}"
    );
}

#[test]
fn unresolvable_host_is_named() {
    // A NUL byte fails resolution before any lookup, so no DNS server is asked.
    let host = "xray\0daemon";
    let a = DaemonAddress {
        udp: addr(host, 2000),
        tcp: addr(host, 2000),
    };
    let (sent, probe) = send_and_probe(&a, &Segment::new("t"), Duration::from_millis(200));
    let e = sent.unwrap_err();
    assert!(e.contains(host) && e.contains("does not resolve"), "{e}");
    assert_eq!(probe, Probe::Unresolved(host.to_string()));
}

#[test]
fn oversized_segment_is_not_sent() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let a = DaemonAddress {
        udp: addr("127.0.0.1", port),
        tcp: addr("127.0.0.1", port),
    };
    let s = Segment::new(&"n".repeat(MAX_DATAGRAM_BYTES));
    let (sent, probe) = send_and_probe(&a, &s, Duration::from_secs(2));
    assert!(sent.unwrap_err().contains("drops datagrams over"));
    assert_eq!(
        probe,
        Probe::Listening,
        "the probe still says whether the daemon is up"
    );
}

#[test]
fn only_refusals_count_as_refused() {
    use io::ErrorKind::*;
    for k in [ConnectionRefused, ConnectionReset, ConnectionAborted] {
        assert_eq!(classify(&io::Error::from(k)), Probe::Refused, "{k:?}");
    }
    for k in [
        TimedOut,
        WouldBlock,
        HostUnreachable,
        NetworkUnreachable,
        AddrNotAvailable,
        Other,
    ] {
        assert_eq!(classify(&io::Error::from(k)), Probe::TimedOut, "{k:?}");
    }
}
