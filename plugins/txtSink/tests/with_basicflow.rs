//! basicFlow + txtSink driven by the SDK's mock host; lines and headers compared with the
//! original T2's output in /work/shared/conformance-basicflow (values copied from there).

use t2_plugin::abi::{T2Flow, T2Packet, T2Str, T2Time, flow_stat};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

fn t(sec: u64, nsec: u32) -> T2Time {
    T2Time { sec, nsec, _pad: 0 }
}

fn ip4(a: [u8; 4]) -> [u8; 16] {
    let mut x = [0u8; 16];
    x[..4].copy_from_slice(&a);
    x
}

fn eth(dst: [u8; 6], src: [u8; 6], et: u16) -> Vec<u8> {
    let mut v = dst.to_vec();
    v.extend_from_slice(&src);
    v.extend_from_slice(&et.to_be_bytes());
    v.extend_from_slice(&[0u8; 46]);
    v
}

struct Run {
    h: Box<MockHost>,
    bf: Loaded,
    sink: Loaded,
    dir: std::path::PathBuf,
}

fn setup(name: &str, configure: impl FnOnce(&mut MockHost)) -> Run {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut h = MockHost::new(64);
    h.strings.output_prefix = dir.join("sub/out").display().to_string();
    h.strings.plugins = vec![
        (100, "basicFlow".into(), "0.9.3".into()),
        (901, "txtSink".into(), "0.9.3".into()),
    ];
    configure(&mut h);
    h.declare_core_columns();
    let bf = h.load(basicFlow::descriptor()).unwrap();
    let sink = h.load(txtSink::descriptor()).unwrap();
    h.start(&bf).unwrap();
    h.start(&sink).unwrap();
    Run { h, bf, sink, dir }
}

impl Run {
    /// One flow of `pkts` packets (all with the flow's addresses), terminated and sunk.
    fn flow(
        &mut self,
        slot: u64,
        findex: u64,
        dir: u8,
        flow: T2Flow,
        pkts: &[(T2Packet, Vec<u8>, &str)],
    ) {
        self.h.flows[slot as usize] = flow;
        for (i, (p, data, desc)) in pkts.iter().enumerate() {
            let mut p = *p;
            p.data = data.as_ptr();
            p.caplen = data.len() as u32;
            p.hdr_desc = T2Str::new(desc);
            self.h.layer2(&self.bf, &p, None).unwrap();
            if i == 0 {
                self.h.new_flow(&self.bf, &p, slot).unwrap();
            }
            if flow.ip_ver == 0 {
                self.h.layer2(&self.bf, &p, Some(slot)).unwrap();
            } else {
                self.h.layer4(&self.bf, &p, slot).unwrap();
            }
        }
        let mut rec = vec![dir];
        rec.extend_from_slice(&findex.to_ne_bytes());
        rec.extend(self.h.terminate(&self.bf, slot).unwrap());
        self.h.sink(&self.sink, &rec).unwrap();
    }

    fn finish(mut self) -> std::path::PathBuf {
        self.h.finalize(self.bf).unwrap();
        self.h.finalize(self.sink).unwrap();
        self.dir
    }
}

fn pkt(num_hdrs: u16) -> T2Packet {
    let mut p = empty_packet();
    p.mac_off = 0;
    p.num_hdrs = num_hdrs;
    p
}

#[test]
fn reference_lines_and_headers() {
    let mut r = setup("ref", |h| {
        h.strings.command_line = "tranalyzer -p <prefix>/plugins -b <prefix>/plugins_basicflow.txt -r ndpi/1kxun.pcap -w <prefix>/ndpi/1kxun.pcap -l".into();
        h.strings.hw_info = "<hostname>;<sysname>;<release>;<version>;<machine>".into();
        h.strings.sw_info = "libpcap version 1.10.3 (with TPACKET_V3)".into();
        h.ctx.run.start = t(1795456831, 702357);
        h.ctx.run.pid = 7175;
    });

    // ndpi/1kxun.pcap flow 1: IPv4 UDP to multicast.
    let f = T2Flow {
        status: 0x0400000000004000,
        findex: 1,
        opposite: u64::MAX,
        first_seen: t(1470104373, 25824000),
        last_seen: t(1470104373, 127416000),
        eth_type: 0x0800,
        src_port: 59571,
        dst_port: 5355,
        ip_ver: 4,
        l4_proto: 17,
        src_ip: ip4([192, 168, 5, 44]),
        dst_ip: ip4([224, 0, 0, 252]),
        ..Default::default()
    };
    let e = eth(
        [0x01, 0x00, 0x5e, 0, 0, 0xfc],
        [0x48, 0xd2, 0x24, 0x63, 0x31, 0x00],
        0x0800,
    );
    r.flow(
        0,
        1,
        0,
        f,
        &[
            (pkt(3), e.clone(), "eth:ipv4:udp"),
            (pkt(3), e, "eth:ipv4:udp"),
        ],
    );

    // An ARP (layer-2) flow.
    let f = T2Flow {
        status: 0x44,
        findex: 4,
        opposite: u64::MAX,
        first_seen: t(1422328976, 764942000),
        last_seen: t(1422328976, 764942000),
        eth_type: 0x0806,
        ..Default::default()
    };
    let e = eth([0; 6], [0xb8, 0x38, 0x61, 0xf3, 0x05, 0xac], 0x0806);
    r.flow(1, 4, 0, f, &[(pkt(2), e, "eth:arp")]);

    // VLAN 123, ICMP.
    let f = T2Flow {
        status: 0x0400000000004100,
        findex: 4,
        opposite: u64::MAX,
        first_seen: t(1213957271, 995619000),
        last_seen: t(1213957272, 996960000),
        eth_type: 0x0800,
        ip_ver: 4,
        l4_proto: 1,
        src_ip: ip4([192, 168, 123, 2]),
        dst_ip: ip4([192, 168, 123, 1]),
        ..Default::default()
    };
    let mut p = pkt(4);
    p.vlan_ids[0] = 123;
    p.vlan_count = 1;
    let e = eth(
        [0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1],
        [0x00, 0x18, 0x73, 0xde, 0x57, 0xc1],
        0x8100,
    );
    r.flow(2, 4, 0, f, &[(p, e, "eth:vlan:ipv4:icmp")]);

    // Raw IPv6 (no Ethernet: no MACs).
    let mut src = [0u8; 16];
    src[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    src[15] = 1;
    let mut dst = [0u8; 16];
    dst[..4].copy_from_slice(&[0x26, 0x20, 0x00, 0xfe]);
    dst[15] = 9;
    let f = T2Flow {
        status: 0x0800000000008002,
        findex: 1,
        opposite: u64::MAX,
        first_seen: t(1751997557, 215270000),
        last_seen: t(1751997557, 215270000),
        eth_type: 0x86dd,
        src_port: 12345,
        dst_port: 53,
        ip_ver: 6,
        l4_proto: 17,
        src_ip: src,
        dst_ip: dst,
        ..Default::default()
    };
    let mut p = pkt(3);
    p.mac_off = t2_plugin::abi::T2_OFF_NONE;
    p.status = flow_stat::L2_NO_ETH;
    r.flow(3, 1, 0, f, &[(p, vec![0x60; 48], "raw:ipv6:udp")]);

    // Five header descriptions: the 5th is dropped and HDOVRN set (a B flow).
    let f = T2Flow {
        status: 0x0000080000000015,
        findex: 3,
        opposite: u64::MAX,
        first_seen: t(1284385409, 271560000),
        last_seen: t(1284385452, 499560000),
        eth_type: 0x8864,
        ..Default::default()
    };
    let e = eth(
        [0xcc, 0x05, 0x0e, 0x88, 0, 0],
        [0xca, 0x01, 0x0e, 0x88, 0, 6],
        0x8864,
    );
    let descs = [
        "eth:pppoes:ppp:lcp",
        "eth:pppoes:ppp:pap",
        "eth:pppoes:ppp:lcp",
        "eth:pppoes:ppp:ipcp",
        "eth:pppoes:ppp:UNK(0x5780)",
        "eth:pppoes:ppp:ccp",
    ];
    let pk: Vec<_> = descs.iter().map(|d| (pkt(4), e.clone(), *d)).collect();
    r.flow(4, 3, 1, f, &pk);

    let dir = r.finish();
    let flows = std::fs::read_to_string(dir.join("sub/out_flows.txt")).unwrap();
    let expected = "%dir\tflowInd\tflowStat\ttimeFirst\ttimeLast\tduration\tnumHdrDesc\tnumHdrs\thdrDesc\tsrcMac\tdstMac\tethType\tvlanID\tsrcIP\tsrcIPCC\tsrcIPOrg\tsrcPort\tdstIP\tdstIPCC\tdstIPOrg\tdstPort\tl4Proto
A\t1\t0x0400000000004000\t1470104373.025824000\t1470104373.127416000\t0.101592000\t1\t3\teth:ipv4:udp\t48:d2:24:63:31:00\t01:00:5e:00:00:fc\t0x0800\t\t192.168.5.44\t-\t\"-\"\t59571\t224.0.0.252\t-\t\"-\"\t5355\t17
A\t4\t0x0000000000000044\t1422328976.764942000\t1422328976.764942000\t0.000000000\t1\t2\teth:arp\tb8:38:61:f3:05:ac\t00:00:00:00:00:00\t0x0806\t\t-\t-\t\"-\"\t0\t-\t-\t\"-\"\t0\t0
A\t4\t0x0400000000004100\t1213957271.995619000\t1213957272.996960000\t1.001341000\t1\t4\teth:vlan:ipv4:icmp\t00:18:73:de:57:c1\t00:19:06:ea:b8:c1\t0x0800\t123\t192.168.123.2\t-\t\"-\"\t0\t192.168.123.1\t-\t\"-\"\t0\t1
A\t1\t0x0800000000008002\t1751997557.215270000\t1751997557.215270000\t0.000000000\t1\t3\traw:ipv6:udp\t\t\t0x86dd\t\t2001:db8::1\t-\t\"-\"\t12345\t2620:fe::9\t-\t\"-\"\t53\t17
B\t3\t0x0001080000000015\t1284385409.271560000\t1284385452.499560000\t43.228000000\t4\t4;4;4;4\teth:pppoes:ppp:lcp;eth:pppoes:ppp:pap;eth:pppoes:ppp:ipcp;eth:pppoes:ppp:UNK(0x5780)\tca:01:0e:88:00:06\tcc:05:0e:88:00:00\t0x8864\t\t-\t-\t\"-\"\t0\t-\t-\t\"-\"\t0\t0
";
    assert_eq!(flows, expected);

    let headers = std::fs::read_to_string(dir.join("sub/out_headers.txt")).unwrap();
    let reference = "/work/shared/conformance-basicflow/HEADERS.flows.txt";
    if let Ok(want) = std::fs::read_to_string(reference) {
        assert_eq!(headers, want);
    } else {
        assert!(
            headers
                .starts_with("# Date: 1795456831.000702357 sec (Mon 23 Nov 2026 18:00:31 UTC)\n")
        );
    }
}

#[test]
fn split_by_flows() {
    let mut r = setup("split", |h| {
        h.ctx.split_size = 2;
        h.ctx.split_by_flows = 1;
        h.ctx.split_start = 3;
    });
    let f = T2Flow {
        status: 4,
        opposite: u64::MAX,
        eth_type: 0x0806,
        ..Default::default()
    };
    for i in 0..5u64 {
        let e = eth([0xff; 6], [i as u8; 6], 0x0806);
        r.flow(i, i + 1, 0, f, &[(pkt(2), e, "eth:arp")]);
    }
    let dir = r.finish();
    let read = |n: u32| std::fs::read_to_string(dir.join(format!("sub/out_flows.txt{n}"))).unwrap();
    let (a, b, c) = (read(3), read(4), read(5));
    assert!(a.starts_with("%dir\t"));
    assert_eq!(a.lines().count(), 3);
    assert!(b.starts_with("A\t3\t") && b.lines().count() == 2, "{b}");
    assert!(c.starts_with("A\t5\t") && c.lines().count() == 1, "{c}");
    assert!(!dir.join("sub/out_flows.txt6").exists());
    assert!(!dir.join("sub/out_flows.txt").exists());
}

#[test]
fn bad_record_stops_the_sink_and_keeps_the_lines_before_it() {
    // The writer thread formats the records: the error of a malformed record comes back with
    // the next hand-over or with finalize, and the lines before it are in the file.
    let mut r = setup("bad", |_| {});
    let f = T2Flow {
        status: 4,
        opposite: u64::MAX,
        eth_type: 0x0806,
        ..Default::default()
    };
    let e = eth([0xff; 6], [1; 6], 0x0806);
    r.flow(0, 1, 0, f, &[(pkt(2), e, "eth:arp")]);
    let bad = r.h.sink(&r.sink, &[0, 1, 2]);
    let end = r.h.finalize(r.sink);
    assert!(bad.is_err() || end.is_err(), "the malformed record was accepted");
    assert!(
        r.h.state
            .logs
            .iter()
            .any(|(_, m)| m.contains("txtSink") && m.contains("malformed record")),
        "{:?}",
        r.h.state.logs
    );
    r.h.finalize(r.bf).unwrap();
    let text = std::fs::read_to_string(r.dir.join("sub/out_flows.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("%dir\t") && lines[1].starts_with("A\t1\t"), "{text}");
}
