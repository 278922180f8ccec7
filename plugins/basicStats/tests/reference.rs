//! basicStats on the SDK's mock host, checked against the original T2's output in
//! `../shared/conformance` (the expected cells and report lines are the reference's).

use basicStats::config::*;
use basicStats::{Moments, duration_f32, hr_suffix, iat, packet_len};
use t2_plugin::abi::{T2Flow, T2Time, flow_stat};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

fn t(sec: u64, nsec: u32) -> T2Time {
    T2Time { sec, nsec, _pad: 0 }
}

/// `%.7g` as the text sink prints an `F` column.
fn g7(v: f32) -> String {
    let mut out = Vec::new();
    t2_plugin::fmt::push_g(&mut out, v as f64, 7);
    String::from_utf8(out).unwrap()
}

/// IATs of packet pairs of the reference (maxIAT of 2-packet flows / minIAT).
#[test]
fn inter_arrival_times() {
    // ndpi/bittorrent_tcp_miss.pcap flow 1 B: maxIAT 0.06495897 (the exact value is 0.064959).
    assert_eq!(
        g7(iat(t(1673446123, 936638000), t(1673446124, 1597000))),
        "0.06495897"
    );
    // ndpi/http_ipv6.pcap: 0.06871603.
    assert_eq!(
        g7(iat(t(1448269127, 960079000), t(1448269128, 28795000))),
        "0.06871603"
    );
    // ndpi/someip_sd_sample.pcap: 0.8004726.
    assert_eq!(
        g7(iat(t(1559741545, 65225650), t(1559741545, 865698300))),
        "0.8004726"
    );
    // tcpdump/kday4.pcap: a step back within the second: minIAT -0.000512.
    assert_eq!(
        g7(iat(t(1416849573, 703625000), t(1416849573, 703113000))),
        "-0.000512"
    );
    // ndpi/ossfuzz_seed_fake_traces_1.pcapng: a step back of 17 s wraps: maxIAT 4.294967e+09.
    assert_eq!(
        g7(iat(t(1675181007, 355625000), t(1675180990, 316021000))),
        "4.294967e+09"
    );
    // tcpdump/timestamp_invalid_nano.pcap: a fraction of 2^31 is negative: minIAT -2.147484.
    assert_eq!(
        g7(iat(t(1418145369, 999999999), t(1418145370, 2147483648))),
        "-2.147484"
    );
}

#[test]
fn rates_divide_by_the_duration_as_a_float() {
    // ndpi/1kxun.pcap: 4535 bytes in 0.000074 s: bytps 6.128378e+07; the report's
    // "Flow max(b/s), pkts: 490270240 (490.27 Mb/s), 3".
    let d = duration_f32(t(100, 0), t(100, 74000));
    assert_eq!(g7(4535.0 / d), "6.128378e+07");
    assert_eq!((4535.0 / d * 8.0) as u64, 490270240);
    assert_eq!(hr_suffix(490270240, "b/s"), " (490.27 Mb/s)");
    // tcpdump/timestamp_invalid_nano.pcap: duration 0.2147483649 (a negative fraction):
    // pktps -0.9313226, bytps -0.
    let d = duration_f32(t(1418145369, 999999999), t(1418145370, 2147483648));
    assert_eq!(g7(2.0 / d), "-0.9313226");
    assert_eq!(g7(0.0 / d), "-0");
    assert_eq!(hr_suffix(1023, ""), "");
    assert_eq!(hr_suffix(10336, ""), " (10.34 K)");
}

#[test]
fn running_moments_are_not_welford() {
    // ndpi/1kxun.pcap flow 14 A: two packets 4.4e-05 s apart: avgIAT 2.2e-05,
    // stdIAT 3.11127e-05 (sqrt(m²/2) with the first IAT 0 included).
    let mut m = Moments::default();
    m.add(0.0, 1.0);
    m.add(iat(t(1470104377, 734137000), t(1470104377, 734181000)), 2.0);
    assert_eq!(g7(m.avg), "2.2e-05");
    assert_eq!(g7(m.std()), "3.11127e-05");
}

#[test]
fn wrapped_ipv4_lengths_count_zero() {
    let mut p = empty_packet();
    p.ip_ver = 4;
    // tcpdump/ipv4_invalid_length.pcap: total length 19, l7Len 65527: l7BytesSnt 0.
    p.l3_len = 19;
    p.len = 65527;
    p.l7_len = 65527;
    assert_eq!(packet_len(&p), 0);
    // With another PACKETLENGTH (the length is not the L7 one) the length counts as it is.
    p.len = 80;
    assert_eq!(packet_len(&p), 80);
    p.len = 65527;
    // tcpdump/tcp_header_heapoverflow.pcap: snapped, but the lengths are consistent: 12296.
    p.l3_len = 12336;
    p.len = 12296;
    p.l7_len = 12296;
    assert_eq!(packet_len(&p), 12296);
    // IPv6 counts the wrapped value (tcpdump/ipv6_invalid_length.pcap: 65527).
    p.ip_ver = 6;
    p.l3_len = 39;
    p.len = 65527;
    assert_eq!(packet_len(&p), 65527);
}

/// The reference ran with T2's default settings.
fn default_settings() -> bool {
    BS_REV_CNT == 1
        && BS_PAD == 1
        && BS_STATS == 1
        && BS_PL_STATS == 1
        && BS_IAT_STATS == 1
        && BS_VAR == 0
        && BS_STDDEV == 1
}

fn ip4(a: [u8; 4]) -> [u8; 16] {
    let mut x = [0u8; 16];
    x[..4].copy_from_slice(&a);
    x
}

/// The plugin's cells of one record, as the text sink prints them.
fn cells(h: &MockHost, rec: &[u8]) -> Vec<String> {
    let schema = t2_plugin::Schema::from_triples(
        h.state
            .columns
            .iter()
            .map(|c| (c.name.as_str(), "", c.type_.as_str())),
    )
    .unwrap();
    let mut line = Vec::new();
    t2_plugin::TextFormatter::default()
        .format_record(&schema, rec, &mut line)
        .unwrap();
    String::from_utf8(line)
        .unwrap()
        .trim_end()
        .split('\t')
        .map(str::to_string)
        .collect()
}

/// tcpdump/dns_tcp.pcap: one TCP connection, 6 packets A, 5 packets B (times, layer-7 and
/// frame lengths from the reference's packets.txt).
fn dns_tcp(h: &mut MockHost, p: &Loaded) {
    let a_status = flow_stat::L2_IPV4 | 0x0400_0000_0000_0000;
    let (ca, cb) = (ip4([192, 168, 1, 11]), ip4([209, 87, 249, 18]));
    h.flows[0] = T2Flow {
        status: a_status,
        findex: 1,
        opposite: t2_plugin::abi::T2_FLOW_NONE,
        ip_ver: 4,
        l4_proto: 6,
        src_ip: ca,
        dst_ip: cb,
        src_port: 33779,
        dst_port: 53,
        eth_type: 0x0800,
        timeout: 182.0,
        ..Default::default()
    };
    let pkts: [(u64, u32, u8, u32, u32, u32); 11] = [
        // (sec, nsec, dir B?, l7 length, frame length, padding)
        (1591780863, 720289000, 0, 0, 74, 0),
        (1591780863, 846908000, 1, 0, 60, 2),
        (1591780863, 847060000, 0, 0, 54, 0),
        (1591780863, 847323000, 0, 58, 112, 0),
        (1591780863, 847457000, 1, 0, 60, 6),
        (1591780863, 973180000, 1, 226, 280, 0),
        (1591780863, 973220000, 0, 0, 54, 0),
        (1591780863, 974844000, 0, 0, 54, 0),
        (1591780863, 975246000, 1, 0, 60, 6),
        (1591780864, 101184000, 1, 0, 60, 6),
        (1591780864, 101256000, 0, 0, 54, 0),
    ];
    let data = vec![0u8; 300];
    let mut seen_b = false;
    for (i, &(sec, nsec, b, l7, frame, pad)) in pkts.iter().enumerate() {
        let mut pkt = empty_packet();
        pkt.pkt_no = i as u64 + 1;
        pkt.ts = t(sec, nsec);
        pkt.ip_ver = 4;
        pkt.l4_proto = 6;
        pkt.len = l7;
        pkt.l3_len = l7 + 40;
        pkt.data = data.as_ptr();
        pkt.caplen = frame;
        pkt.wirelen = frame;
        pkt.pad_len = pad;
        h.layer2(p, &pkt, None).unwrap();
        let slot = b as u64;
        if b == 1 && !seen_b {
            seen_b = true;
            h.flows[1] = T2Flow {
                status: a_status | flow_stat::L3FLOWINVERT,
                opposite: 0,
                src_ip: cb,
                dst_ip: ca,
                src_port: 53,
                dst_port: 33779,
                ..h.flows[0]
            };
            h.flows[0].opposite = 1;
            h.flows[1].first_seen = pkt.ts;
            h.new_flow(p, &pkt, 1).unwrap();
        } else if i == 0 {
            h.flows[0].first_seen = pkt.ts;
            h.new_flow(p, &pkt, 0).unwrap();
        }
        let f = &mut h.flows[slot as usize];
        f.last_seen = pkt.ts;
        f.pad_len += pad as u64;
        h.layer4(p, &pkt, slot).unwrap();
    }
}

/// Whatever the settings, a record holds exactly the declared columns.
#[test]
fn records_follow_the_declared_columns() {
    let mut h = MockHost::new(8);
    let p = h.load(basicStats::descriptor()).unwrap();
    dns_tcp(&mut h, &p);
    for slot in [0, 1] {
        let rec = h.terminate(&p, slot).unwrap();
        assert_eq!(cells(&h, &rec).len(), h.state.columns.len());
    }
    let names: Vec<&str> = h.state.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.contains(&"pktsRcvd"), BS_REV_CNT != 0);
    assert_eq!(names.contains(&"padBytesSnt"), BS_PAD != 0);
    assert_eq!(names.contains(&"pktps"), BS_STATS != 0);
    assert_eq!(
        names.contains(&"varIAT"),
        BS_STATS != 0 && BS_IAT_STATS != 0 && BS_VAR != 0
    );
    h.finalize(p).unwrap();
}

#[test]
fn a_tcp_connection_as_the_reference() {
    if !default_settings() {
        return;
    }
    let mut h = MockHost::new(8);
    let p = h.load(basicStats::descriptor()).unwrap();
    dns_tcp(&mut h, &p);
    let a = h.terminate(&p, 0).unwrap();
    let b = h.terminate(&p, 1).unwrap();
    let names: Vec<&str> = h.state.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names.join(" "),
        "pktsSnt pktsRcvd padBytesSnt l7BytesSnt l7BytesRcvd minL7PktSz maxL7PktSz avgL7PktSz \
         stdL7PktSz minIAT maxIAT avgIAT stdIAT pktps bytps pktAsm bytAsm"
    );
    // The reference's tcpdump/dns_tcp.pcap.flows.txt, columns pktsSnt .. bytAsm.
    assert_eq!(
        cells(&h, &a).join("\t"),
        "6\t5\t0\t58\t226\t0\t58\t9.666667\t26.08508\t0\t0.126771\t0.0634945\t0.07803031\t\
         15.7494\t152.2442\t0.09090909\t-0.5915493"
    );
    assert_eq!(
        cells(&h, &b).join("\t"),
        "5\t6\t20\t226\t58\t0\t226\t45.2\t109.4928\t0\t0.125938\t0.0508552\t0.07231609\t\
         19.66367\t888.798\t-0.09090909\t0.5915493"
    );
    // Its end report (tcpdump/dns_tcp.pcap.log.txt).
    let report = h
        .report(&p)
        .unwrap()
        .replace("\x1b[1m", "")
        .replace("\x1b[0m", "");
    assert_eq!(
        report,
        "basicStats: Flow max(pktload): 45\n\
         basicStats: Flow max(b/s), pkts: 7110 (7.11 Kb/s), 5\n\
         basicStats: Biggest L3 flow talker: 192.168.1.11: 6 [54.55%] packets\n\
         basicStats: Biggest L3 flow talker: 209.87.249.18: 226 [24.51%] bytes\n"
    );
    h.finalize(p).unwrap();
}

/// A lone flow inverted by the direction heuristics (ICMP echo reply, spec §7's file.pcap):
/// pktAsm -1 (the reference's tcpdump/icmpv6_nodeinfo_queryipv6.pcap has flowStat 0x...8003
/// and pktAsm -1 too). An empty capture reports zeros (tcpdump/empty.pcap).
#[test]
fn lone_inverted_flow_and_empty_run() {
    if !default_settings() {
        return;
    }
    let mut h = MockHost::new(4);
    let p = h.load(basicStats::descriptor()).unwrap();
    assert_eq!(
        h.report(&p)
            .unwrap()
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", ""),
        "basicStats: Flow max(pktload): 0\nbasicStats: Flow max(b/s), pkts: 0, 0\n"
    );
    h.flows[2].status = flow_stat::L3FLOWINVERT | flow_stat::L2_IPV6;
    h.flows[2].ip_ver = 6;
    h.flows[2].src_ip = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let mut pkt = empty_packet();
    pkt.ip_ver = 6;
    pkt.len = 24;
    pkt.l3_len = 72;
    pkt.caplen = 72;
    h.layer2(&p, &pkt, None).unwrap();
    h.new_flow(&p, &pkt, 2).unwrap();
    h.layer4(&p, &pkt, 2).unwrap();
    let rec = h.terminate(&p, 2).unwrap();
    let c = cells(&h, &rec);
    assert_eq!(c[0], "1");
    assert_eq!(c[15], "-1", "pktAsm");
    assert_eq!(c[16], "1", "bytAsm is not negated");
    // tcpdump/icmpv6_nodeinfo_queryipv6.pcap.log.txt
    assert_eq!(
        h.report(&p)
            .unwrap()
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", ""),
        "basicStats: Flow max(pktload): 24\n\
         basicStats: Flow max(b/s), pkts: 0, 0\n\
         basicStats: Biggest L3 flow talker: ::1: 1 [100.00%] packets\n\
         basicStats: Biggest L3 flow talker: ::1: 24 [33.33%] bytes\n"
    );
    h.finalize(p).unwrap();
}
