//! connStat on the SDK's mock host, checked against the original T2's output in
//! `../shared/conformance` (the expected cells and report lines are the reference's).

use connStat::{MISSING_COUNTS, Orient, SlotMap, Tables};
use t2_plugin::abi::{T2_FLOW_NONE, T2Flow, flow_stat};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

fn ip4(a: [u8; 4]) -> [u8; 16] {
    let mut x = [0u8; 16];
    x[..4].copy_from_slice(&a);
    x
}

/// The plugin's cells of one record, as the text sink prints them.
fn cells(h: &MockHost, rec: &[u8]) -> String {
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
    String::from_utf8(line).unwrap().trim_end().to_string()
}

fn plain(report: String) -> String {
    report.replace("\x1b[1m", "").replace("\x1b[0m", "")
}

/// Drives flows through the mock host as the core does.
struct Run {
    h: Box<MockHost>,
    p: Loaded,
    pkt_no: u64,
}

impl Run {
    fn new() -> Run {
        let mut h = MockHost::new(16);
        let p = h.load(connStat::descriptor()).unwrap();
        Run { h, p, pkt_no: 0 }
    }

    /// A new flow in `slot` (`opposite`: the slot of its A flow for a B flow).
    fn flow(
        &mut self,
        slot: u64,
        src: [u8; 4],
        sport: u16,
        dst: [u8; 4],
        dport: u16,
        opposite: Option<u64>,
    ) {
        let mut status = flow_stat::L2_IPV4;
        if opposite.is_some() {
            status |= flow_stat::L3FLOWINVERT;
        }
        self.h.flows[slot as usize] = T2Flow {
            status,
            opposite: opposite.unwrap_or(T2_FLOW_NONE),
            ip_ver: 4,
            l4_proto: 17,
            src_ip: ip4(src),
            dst_ip: ip4(dst),
            src_port: sport,
            dst_port: dport,
            timeout: 182.0,
            ..Default::default()
        };
        if let Some(o) = opposite {
            self.h.flows[o as usize].opposite = slot;
        }
        let pkt = empty_packet();
        self.h.new_flow(&self.p, &pkt, slot).unwrap();
    }

    /// `n` packets of `slot` carrying `l7` bytes in all and `caplen` captured bytes in all.
    fn packets(&mut self, slot: u64, n: u32, l7: u32, caplen: u32) {
        for i in 0..n {
            self.pkt_no += 1;
            let mut pkt = empty_packet();
            pkt.pkt_no = self.pkt_no;
            pkt.ip_ver = 4;
            pkt.len = if i == 0 { l7 } else { 0 };
            pkt.l3_len = pkt.len + 28;
            pkt.caplen = if i == 0 { caplen } else { 0 };
            self.h.layer2(&self.p, &pkt, None).unwrap();
            self.h.layer4(&self.p, &pkt, slot).unwrap();
        }
    }

    fn end(&mut self, slot: u64) -> String {
        let rec = self.h.terminate(&self.p, slot).unwrap();
        cells(&self.h, &rec)
    }
}

/// tcpdump/dns_tcp.pcap: one connection, 6 packets A (58 bytes), 5 packets B (226 bytes).
#[test]
fn one_connection() {
    let mut r = Run::new();
    let names: Vec<&str> = r.h.state.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names.join(" "),
        "connSip connDip connSipDip connSipDprt connF connG connNumPCnt connNumBCnt"
    );
    let (c, s) = ([192, 168, 1, 11], [209, 87, 249, 18]);
    r.flow(0, c, 33779, s, 53, None);
    r.packets(0, 1, 0, 74);
    r.flow(1, s, 53, c, 33779, Some(0));
    r.packets(1, 5, 226, 520);
    r.packets(0, 5, 58, 328);
    assert_eq!(r.end(0), "1\t1\t2\t2\t2\t1\t6\t58");
    assert_eq!(r.end(1), "1\t1\t1\t1\t1\t1\t5\t226");
    assert_eq!(
        plain(r.h.report(&r.p).unwrap()),
        "connStat: Number of unique source IPs: 1\n\
         connStat: Number of unique destination IPs: 1\n\
         connStat: Number of unique source/destination IPs connections: 2\n\
         connStat: Max unique number of source IP / destination port connections: 2\n\
         connStat: IP connF=connSipDprt/connSip: 2.000000\n\
         connStat: IP connG=connSipDprt/connSipDip: 1.000000\n\
         connStat: Source IP with max connections: 192.168.1.11: 1 connections\n\
         connStat: Destination IP with max connections: 209.87.249.18: 1 connections\n\
         connStat: Biggest L3 talker: 192.168.1.11: 6 [54.55%] packets\n\
         connStat: Biggest L3 talker: 209.87.249.18: 226 [24.51%] bytes\n"
    );
}

/// nfstream/tftp.pcap: two TFTP transfers 8 years apart. The first transfer's flows end (by
/// timeout) before the second starts; the freed source slots keep their counters, which the
/// second transfer's initiators inherit (52/25845 = 49/24795 + 3/1050); an address removed
/// with its last connection reads as 0 packets, 4198402 bytes.
#[test]
fn stale_slots_and_missing_addresses() {
    let mut r = Run::new();
    let (a, b) = ([192, 168, 0, 253], [192, 168, 0, 10]);
    r.flow(0, a, 50618, b, 69, None);
    r.packets(0, 1, 20, 62);
    r.flow(1, b, 3445, a, 50618, None);
    r.packets(1, 1, 24795, 26829);
    r.flow(2, a, 50618, b, 3445, Some(1));
    r.packets(2, 49, 196, 2792);
    r.packets(1, 48, 0, 0);
    assert_eq!(r.end(0), "1\t1\t1\t1\t1\t1\t50\t216");
    assert_eq!(r.end(1), "1\t1\t2\t2\t2\t1\t49\t24795");
    assert_eq!(r.end(2), "1\t1\t1\t1\t1\t1\t0\t4198402");
    let (c, d) = ([172, 28, 5, 91], [172, 28, 5, 170]);
    r.flow(3, c, 44618, d, 69, None);
    r.packets(3, 1, 18, 60);
    r.flow(4, d, 62058, c, 44618, None);
    r.packets(4, 1, 8, 1092);
    r.flow(5, c, 44618, d, 62058, Some(4));
    r.packets(5, 2, 1032, 288);
    r.packets(4, 1, 0, 0);
    assert_eq!(r.end(3), "1\t1\t1\t1\t1\t1\t52\t25845");
    assert_eq!(r.end(4), "1\t1\t2\t2\t2\t1\t52\t224");
    assert_eq!(r.end(5), "1\t1\t1\t1\t1\t1\t0\t4198402");
    // nfstream/tftp.pcap.log.txt (104 packets, 31123 bytes).
    assert_eq!(r.pkt_no, 104);
    assert_eq!(
        plain(r.h.report(&r.p).unwrap()),
        "connStat: Number of unique source IPs: 4\n\
         connStat: Number of unique destination IPs: 4\n\
         connStat: Number of unique source/destination IPs connections: 2\n\
         connStat: Max unique number of source IP / destination port connections: 2\n\
         connStat: IP connF=connSipDprt/connSip: 0.500000\n\
         connStat: IP connG=connSipDprt/connSipDip: 1.000000\n\
         connStat: Source IP with max connections: 192.168.0.253: 1 connections\n\
         connStat: Destination IP with max connections: 192.168.0.10: 1 connections\n\
         connStat: Biggest L3 talker: 172.28.5.91: 52 [50.00%] packets\n\
         connStat: Biggest L3 talker: 192.168.0.253: 4198402 (4.20 M) [13489.71%] bytes\n"
    );
    r.h.finalize(r.p).unwrap();
}

fn ip(n: u8) -> connStat::Ip {
    (4, ip4([10, 0, 0, n]))
}

/// zeek/irc-dcc-first-command.pcap: an address that sent packets before it initiates a
/// connection is not counted as a new source (report: 1 source, 2 destinations); an inverted
/// flow's connSip/connDip are the counts of its own source/destination.
#[test]
fn sources_inserted_by_packets() {
    let mut t = Tables::default();
    let a1 = Orient {
        s: ip(1),
        d: ip(2),
        dport: 6667,
        inverted: false,
    };
    let b1 = Orient {
        inverted: true,
        ..a1
    };
    t.new_flow(&a1);
    t.packet(ip(1), 0);
    t.new_flow(&b1);
    t.packet(ip(2), 0);
    let a2 = Orient {
        s: ip(2),
        d: ip(1),
        dport: 5555,
        inverted: false,
    };
    t.new_flow(&a2);
    assert_eq!((t.unique_src, t.unique_dst), (1, 2));
    let v = t.values(&b1, &ip(2));
    assert_eq!((v.sip, v.dip, v.sip_dip, v.sip_dprt), (1, 1, 2, 2));
    t.end_flow(&a1);
    t.end_flow(&b1);
    // 10.0.0.1's entry went with its last connection.
    assert_eq!(t.counts(&ip(1)), MISSING_COUNTS);
    assert_eq!(t.counts(&ip(2)).0, 1);
}

#[test]
fn slot_map_is_lifo() {
    let mut m: SlotMap<u32> = SlotMap::default();
    assert_eq!(m.insert(7), (0, true));
    assert_eq!(m.insert(8), (1, true));
    assert_eq!(m.insert(9), (2, true));
    assert_eq!(m.insert(8), (1, false));
    m.remove(&7);
    m.remove(&9);
    assert_eq!(m.insert(10), (2, true), "the last freed slot first");
    assert_eq!(m.insert(11), (0, true));
    assert_eq!(m.insert(12), (3, true));
    assert_eq!(m.get(&9), None);
    assert_eq!(m.slots(), 4);
}

/// Layer-2 flows have no address: every column is 0 (tcpdump/arp-oobr.pcap), and a run
/// without an IP flow has no report lines.
#[test]
fn layer2_flows() {
    let mut r = Run::new();
    r.h.flows[3] = T2Flow {
        ip_ver: 0,
        eth_type: 0x0806,
        opposite: T2_FLOW_NONE,
        ..Default::default()
    };
    let mut pkt = empty_packet();
    pkt.caplen = 60;
    r.h.layer2(&r.p, &pkt, None).unwrap();
    r.h.new_flow(&r.p, &pkt, 3).unwrap();
    r.h.layer2(&r.p, &pkt, Some(3)).unwrap();
    assert_eq!(r.end(3), "0\t0\t0\t0\t0\t0\t0\t0");
    assert_eq!(r.h.report(&r.p).unwrap(), "");
}
