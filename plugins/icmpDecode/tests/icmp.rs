//! icmpDecode on the SDK's mock host, replaying the ICMP packets of captures of
//! `../shared/pcaps`. Types, codes, identifiers and sequence numbers are those of the captures
//! (as the reference `packets.txt` files list them); the expected flow columns, packet-mode
//! columns, `_icmpStats.txt` files and report lines are the original T2 0.9.3's output in
//! `../shared/conformance`.

use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::abi::{T2_FLOW_NONE, T2Packet};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};
use t2_plugin::{Schema, TextFormatter};

const L3: usize = 14;

/// A run of the plugin over hand-made packets.
struct Run {
    h: Box<MockHost>,
    p: Loaded,
    dir: std::path::PathBuf,
    created: Vec<bool>,
    pkt_no: u64,
}

/// One ICMP packet: Ethernet + IP header placeholders, the ICMP header and the payload.
struct Icmp {
    bytes: Vec<u8>,
    l4: usize,
}

impl Icmp {
    fn new(v6: bool, typ: u8, code: u8, id: u16, seq: u16, payload: &[u8]) -> Icmp {
        let l4 = L3 + if v6 { 40 } else { 20 };
        let mut bytes = vec![0u8; l4];
        bytes.extend_from_slice(&[typ, code, 0, 0]);
        bytes.extend_from_slice(&id.to_be_bytes());
        bytes.extend_from_slice(&seq.to_be_bytes());
        bytes.extend_from_slice(payload);
        Icmp { bytes, l4 }
    }

    fn packet(&self, v6: bool) -> T2Packet {
        let mut p = empty_packet();
        p.data = self.bytes.as_ptr();
        p.caplen = self.bytes.len() as u32;
        p.ip_ver = if v6 { 6 } else { 4 };
        p.eth_type = if v6 { 0x86dd } else { 0x0800 };
        p.l4_proto = if v6 { 58 } else { 1 };
        p.l3_off = L3 as u32;
        p.snap_l3_len = (self.bytes.len() - L3) as u32;
        p.l4_off = self.l4 as u32;
        p.snap_l4_len = (self.bytes.len() - self.l4) as u32;
        p.l7_off = (self.l4 + 8) as u32;
        p
    }
}

impl Run {
    fn new(name: &str, flows: usize) -> Run {
        let mut h = MockHost::new(flows);
        h.ctx.packet_mode = 1;
        let dir =
            std::env::temp_dir().join(format!("icmpDecode-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        h.strings.output_prefix = dir.join("out").to_string_lossy().into_owned();
        h.declare_core_columns();
        let p = h.load(icmpDecode::descriptor()).unwrap();
        h.start(&p).unwrap();
        Run {
            h,
            p,
            dir,
            created: vec![false; flows],
            pkt_no: 0,
        }
    }

    /// Declares flow `slot` (created by its first packet): its `flowInd`, its opposite slot,
    /// and its protocol.
    fn flow(&mut self, slot: usize, findex: u64, v6: bool) {
        let f = &mut self.h.flows[slot];
        f.findex = findex;
        f.ip_ver = if v6 { 6 } else { 4 };
        f.l4_proto = if v6 { 58 } else { 1 };
    }

    /// A packet of `slot`; `opposite` is the other direction's slot (if it exists when the
    /// flow is created, the core links the two and inverts the new flow iff the other is not).
    /// Returns the packet-mode fields.
    fn send(&mut self, slot: usize, opposite: Option<usize>, pkt: &T2Packet) -> Vec<String> {
        self.pkt_no += 1;
        let mut pkt = *pkt;
        pkt.pkt_no = self.pkt_no;
        if !self.created[slot] {
            self.created[slot] = true;
            if let Some(o) = opposite.filter(|&o| self.created[o]) {
                self.h.flows[slot].opposite = o as u64;
                self.h.flows[o].opposite = slot as u64;
                if self.h.flows[o].status & L3FLOWINVERT == 0 {
                    self.h.flows[slot].status |= L3FLOWINVERT;
                }
            }
            self.h.new_flow(&self.p, &pkt, slot as u64).unwrap();
        }
        self.h.layer2(&self.p, &pkt, None).unwrap();
        self.h.state.packet_fields.clear();
        self.h.layer4(&self.p, &pkt, slot as u64).unwrap();
        std::mem::take(&mut self.h.state.packet_fields)
    }

    fn icmp(
        &mut self,
        slot: usize,
        opp: Option<usize>,
        v6: bool,
        tc: (u8, u8),
        id: u16,
        seq: u16,
    ) -> Vec<String> {
        let i = Icmp::new(v6, tc.0, tc.1, id, seq, &[]);
        self.send(slot, opp, &i.packet(v6))
    }

    /// A packet no flow gets (it only counts in the total).
    fn other_packet(&mut self) {
        self.pkt_no += 1;
        let mut p = empty_packet();
        p.pkt_no = self.pkt_no;
        self.h.layer2(&self.p, &p, None).unwrap();
    }

    fn inverted(&self, slot: usize) -> bool {
        self.h.flows[slot].status & L3FLOWINVERT != 0
    }

    /// The flow's columns as txtSink prints them.
    fn columns(&mut self, slot: usize) -> String {
        let rec = self.h.terminate(&self.p, slot as u64).unwrap();
        let schema = Schema::from_triples(
            self.h
                .state
                .columns
                .iter()
                .filter(|c| c.name != "dir" && c.name != "flowInd")
                .map(|c| (c.name.as_str(), "", c.type_.as_str())),
        )
        .unwrap();
        let mut line = Vec::new();
        TextFormatter::default()
            .format_record(&schema, &rec, &mut line)
            .unwrap();
        String::from_utf8(line).unwrap().trim_end().to_string()
    }

    /// Report, then finalize: the report text and the statistics file.
    fn finish(mut self) -> (String, String) {
        let report = self.h.report(&self.p).unwrap();
        let Run { mut h, p, dir, .. } = self;
        h.finalize(p).unwrap();
        let stats = std::fs::read_to_string(dir.join("out_icmpStats.txt")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        (report, stats)
    }
}

fn fields(s: &str) -> Vec<String> {
    s.split('|').map(str::to_string).collect()
}

const BOLD: &str = "\x1b[1micmpDecode:\x1b[0m";

#[test]
fn declares_columns() {
    let mut h = MockHost::new(2);
    let p = h.load(icmpDecode::descriptor()).unwrap();
    let cols: Vec<(&str, &str)> = h
        .state
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_.as_str()))
        .collect();
    // As HEADERS.flows.txt of the reference (columns 99-104).
    assert_eq!(
        cols,
        [
            ("icmpStat", "H8"),
            ("icmpTCcnt", "U8"),
            ("icmpBFTypH_TypL_Code", "H32_H32_H16"),
            ("icmpTmGtw", "H32"),
            ("icmpEchoSuccRatio", "F"),
            ("icmpPFindex", "U64"),
        ]
    );
    h.finalize(p).unwrap();
    assert_eq!(icmpDecode::descriptor().number, 140);
}

/// suricata-verify/ipv6-evasion/ipv6-malformed-fragments-29/frag-29.pcap (10 packets, all
/// ICMPv6): an echo request/reply flow with repeated sequence numbers and two later fragments,
/// a router advertisement, MLDv2 reports.
#[test]
fn ipv6_echo_with_fragments() {
    let mut r = Run::new("frag29", 4);
    r.flow(0, 1, true);
    r.flow(1, 1, true);
    r.flow(2, 2, true);
    r.flow(3, 3, true);
    let (a, b) = (0, 1);
    let mut pk = vec![
        r.icmp(a, Some(b), true, (128, 0), 0xface, 0xbabe),
        r.icmp(b, Some(a), true, (129, 0), 0xface, 0xbabe),
    ];
    pk.push(r.icmp(2, None, true, (134, 0), 0x4018, 0x001e));
    pk.push(r.icmp(3, None, true, (143, 0), 0x0000, 0x0006));
    // A first fragment (offset 0, more fragments).
    let first = Icmp::new(true, 128, 0, 0xface, 0xbabe, &[0x41; 400]);
    let mut p = first.packet(true);
    p.ip_frag = 0x0001;
    pk.push(r.send(a, Some(b), &p));
    pk.push(r.icmp(3, None, true, (143, 0), 0x0000, 0x0006));
    // Two later fragments: counted, not decoded.
    for frag in [0x0199u16, 0x0008] {
        let i = Icmp::new(true, 0x41, 0x41, 0x4141, 0x4141, &[0x41; 392]);
        let mut p = i.packet(true);
        p.ip_frag = frag;
        pk.push(r.send(a, Some(b), &p));
    }
    pk.push(r.icmp(a, Some(b), true, (128, 0), 0xface, 0xbabe));
    pk.push(r.icmp(b, Some(a), true, (129, 0), 0xface, 0xbabe));
    // The reference packets.txt: icmpStat icmpType icmpCode icmpID icmpSeq icmpPFindex.
    let want = [
        "0x01|128|0|0xface|0xbabe|",
        "0x01|129|0|0xface|0xbabe|",
        "0x01|134|0|0x4018|0x001e|",
        "0x01|143|0|0x0000|0x0006|",
        "0x21|128|0|0xface|0xbabe|",
        "0x01|143|0|0x0000|0x0006|",
        "0x00|||||",
        "0x00|||||",
        "0x21|128|0|0xface|0xbabe|",
        "0x21|129|0|0xface|0xbabe|",
    ];
    for (i, (got, want)) in pk.iter().zip(want).enumerate() {
        assert_eq!(got, &fields(want), "packet {}", i + 1);
    }
    // Lone flows whose first packet is no echo request are inverted (flowStat ...8001).
    assert!(!r.inverted(a) && r.inverted(b) && r.inverted(2) && r.inverted(3));
    // The reference flows.txt (columns icmpStat .. icmpPFindex).
    assert_eq!(
        r.columns(2),
        "0x01\t1\t0x00000040_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(3),
        "0x01\t2\t0x00008000_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(a),
        "0x21\t3\t0x00000001_0x00000000_0x0001\t0x00000000\t0.6666667\t0"
    );
    assert_eq!(
        r.columns(b),
        "0x21\t2\t0x00000002_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    let (report, stats) = r.finish();
    assert_eq!(
        report,
        format!(
            "{BOLD} Aggregated icmpStat=0x21\n\
             {BOLD} Number of ICMPv6 echo request packets: 3 [30.00%]\n\
             {BOLD} Number of ICMPv6 echo reply packets: 2 [20.00%]\n\
             {BOLD} ICMPv6 echo reply / request ratio: 0.67\n"
        )
    );
    assert_eq!(
        stats,
        "Total number of ICMP packets: 10 [100.00%]\n\
         \n\
         Number of ICMPv6 packets: 10 [100.00%]\n\
         \n\
         ICMPv6 echo reply / request ratio: 0.667\n\
         \n\
         # ICMPv6 Type\tCode\t                       Packets\n\
         ICMP6_ECHOREQUEST\t-\t                             3 [ 30.00%]\n\
         ICMP6_ECHOREPLY\t-\t                             2 [ 20.00%]\n\
         ICMP6_RTER_ADVERT\t-\t                             1 [ 10.00%]\n\
         ICMP6_MLD2\t-\t                             2 [ 20.00%]\n"
    );
}

/// tcpdump/dhcp-rfc4388.pcap (54 packets, 6 ICMP): two lone echo-request flows (one repeats
/// sequence 0) and a host-unreachable flow, whose icmpPFindex is its own flowInd (3) although
/// the packet it quotes belongs to flow 2.
#[test]
fn ipv4_errors_and_parent_index() {
    let mut r = Run::new("dhcp", 3);
    r.flow(0, 2, false);
    r.flow(1, 3, false);
    r.flow(2, 6, false);
    let mut pk = Vec::new();
    for n in 1..=54 {
        match n {
            2 | 32 => pk.push(r.icmp(0, None, false, (8, 0), 0x4024, 0)),
            6 | 16 | 36 => pk.push(r.icmp(1, None, false, (3, 1), 0, 0)),
            12 => pk.push(r.icmp(2, None, false, (8, 0), 0xc82d, 0)),
            _ => r.other_packet(),
        }
    }
    let want = [
        "0x01|8|0|0x4024|0x0000|",
        "0x01|3|1|0x0000|0x0000|3",
        "0x01|8|0|0xc82d|0x0000|",
        "0x01|3|1|0x0000|0x0000|3",
        "0x21|8|0|0x4024|0x0000|",
        "0x01|3|1|0x0000|0x0000|3",
    ];
    for (i, (got, want)) in pk.iter().zip(want).enumerate() {
        assert_eq!(got, &fields(want), "ICMP packet {}", i + 1);
    }
    assert!(!r.inverted(0) && r.inverted(1) && !r.inverted(2));
    assert_eq!(
        r.columns(2),
        "0x01\t1\t0x00000000_0x00000100_0x0001\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(0),
        "0x21\t2\t0x00000000_0x00000100_0x0001\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(1),
        "0x01\t3\t0x00000000_0x00000008_0x0002\t0x00000000\t0\t3"
    );
    let (report, stats) = r.finish();
    assert_eq!(
        report,
        format!(
            "{BOLD} Aggregated icmpStat=0x21\n\
             {BOLD} Number of ICMP echo request packets: 3 [50.00%]\n"
        )
    );
    assert_eq!(
        stats,
        "Total number of ICMP packets: 6 [11.11%]\n\
         \n\
         Number of ICMP packets: 6 [11.11%]\n\
         \n\
         \n\
         # ICMP Type\tCode\t                       Packets\n\
         ICMP_ECHOREQUEST\t-\t                             3 [ 50.00%]\n\
         ICMP_DEST_UNREACH\tICMP_HOST_UNREACH\t                             3 [ 50.00%]\n\
         \n"
    );
}

/// suricata-verify/firewall/ruletype-firewall-50-ruleset-vs-ping/icmp-ping-plus-weird-code.pcap:
/// an echo request with code 1 counts as an echo request (code `-`), and its sequence number
/// jumps (0x007b to 0x0141).
#[test]
fn echo_request_with_a_code() {
    let mut r = Run::new("weird", 2);
    r.flow(0, 1, false);
    r.flow(1, 1, false);
    assert_eq!(
        r.icmp(0, Some(1), false, (8, 0), 0, 0x007b),
        fields("0x01|8|0|0x0000|0x007b|")
    );
    assert_eq!(
        r.icmp(0, Some(1), false, (8, 1), 0, 0x0141),
        fields("0x21|8|1|0x0000|0x0141|")
    );
    assert_eq!(
        r.icmp(1, Some(0), false, (0, 0), 0, 0x007b),
        fields("0x01|0|0|0x0000|0x007b|")
    );
    assert!(!r.inverted(0) && r.inverted(1));
    assert_eq!(
        r.columns(0),
        "0x21\t2\t0x00000000_0x00000100_0x0003\t0x00000000\t0.5\t0"
    );
    assert_eq!(
        r.columns(1),
        "0x01\t1\t0x00000000_0x00000001_0x0001\t0x00000000\t0\t0"
    );
    let (report, stats) = r.finish();
    assert_eq!(
        report,
        format!(
            "{BOLD} Aggregated icmpStat=0x21\n\
             {BOLD} Number of ICMP echo request packets: 2 [66.67%]\n\
             {BOLD} Number of ICMP echo reply packets: 1 [33.33%]\n\
             {BOLD} ICMP echo reply / request ratio: 0.50\n"
        )
    );
    assert_eq!(
        stats,
        "Total number of ICMP packets: 3 [100.00%]\n\
         \n\
         Number of ICMP packets: 3 [100.00%]\n\
         \n\
         ICMP echo reply / request ratio: 0.500\n\
         \n\
         # ICMP Type\tCode\t                       Packets\n\
         ICMP_ECHOREQUEST\t-\t                             2 [ 66.67%]\n\
         ICMP_ECHOREPLY\t-\t                             1 [ 33.33%]\n\
         \n"
    );
}

/// tcpdump/icmp6-rfc8335.pcap: extended echo request/reply (types 160, 161) are not named:
/// numbers in the statistics file; no type bits (IPv6 H covers 128..159). The first flow
/// (type 160) is inverted, its opposite is the A flow.
#[test]
fn ipv6_unknown_types() {
    let mut r = Run::new("rfc8335v6", 2);
    r.flow(0, 1, true);
    r.flow(1, 1, true);
    let seqs = [(0xfb61, 1, 7, 0), (0xfb64, 1, 4, 0), (0xfb67, 1, 0, 2)];
    for (id, s0, s1, code) in seqs {
        r.icmp(0, Some(1), true, (160, 0), id, s0);
        r.icmp(1, Some(0), true, (161, code), id, s1);
    }
    assert!(r.inverted(0) && !r.inverted(1));
    assert_eq!(
        r.columns(1),
        "0x01\t3\t0x00000000_0x00000000_0x0005\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(0),
        "0x01\t3\t0x00000000_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    let (report, stats) = r.finish();
    assert_eq!(report, format!("{BOLD} Aggregated icmpStat=0x01\n"));
    assert_eq!(
        stats,
        "Total number of ICMP packets: 6 [100.00%]\n\
         \n\
         Number of ICMPv6 packets: 6 [100.00%]\n\
         \n\
         \n\
         # ICMPv6 Type\tCode\t                       Packets\n\
         160\t0\t                             3 [ 50.00%]\n\
         161\t0\t                             2 [ 33.33%]\n\
         161\t2\t                             1 [ 16.67%]\n"
    );
}

/// tcpdump/icmp-rfc8335.pcap: IPv4 extended echo (types 42, 43) set bits 10 and 11 of the H
/// field (the type modulo 32) and are not listed in the statistics file.
#[test]
fn ipv4_types_above_31() {
    let mut r = Run::new("rfc8335v4", 3);
    r.flow(0, 1, false);
    r.flow(1, 2, false);
    r.flow(2, 2, false);
    for _ in 0..4 {
        r.icmp(0, None, false, (42, 0), 0xf6ea, 1);
    }
    for code in 0..3 {
        r.icmp(1, Some(2), false, (42, 0), 0x002a, 0x2a01);
        r.icmp(2, Some(1), false, (43, code), 0x002a, 0x2a00);
    }
    assert!(r.inverted(0) && r.inverted(1) && !r.inverted(2));
    assert_eq!(
        r.columns(0),
        "0x01\t4\t0x00000400_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(2),
        "0x01\t3\t0x00000800_0x00000000_0x0007\t0x00000000\t0\t0"
    );
    assert_eq!(
        r.columns(1),
        "0x01\t3\t0x00000400_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    let (_, stats) = r.finish();
    assert_eq!(
        stats,
        "Total number of ICMP packets: 10 [100.00%]\n\
         \n\
         Number of ICMP packets: 10 [100.00%]\n\
         \n\
         \n\
         # ICMP Type\tCode\t                       Packets\n\
         \n"
    );
}

/// suricata-verify/ipv6-evasion/ipv6-malformed-fragments-27/frag-27.pcap, packets 7-8: an
/// atomic fragment with no ICMPv6 byte captured is decoded from what lies past the capture in
/// libpcap's buffer: the previous (later-fragment) packet's 'A's, type 65 code 65. It counts
/// in icmpTCcnt (4 for that flow) but sets no bit and no statistics row.
/// tcpdump/ip_ts_opts_asan.pcap: an ICMP header starting at the end of a fresh capture reads
/// as zeros: an echo reply.
#[test]
fn header_past_the_capture() {
    let mut r = Run::new("frag27", 3);
    r.flow(0, 1, true);
    r.icmp(0, None, true, (128, 0), 0xface, 0xbabe);
    r.icmp(0, None, true, (128, 0), 0xface, 0xbabe);
    r.icmp(0, None, true, (128, 0), 0xface, 0xbabe);
    let later = Icmp::new(true, 0x41, 0x41, 0x4141, 0x4141, &[0x41; 392]);
    let mut p = later.packet(true);
    p.ip_frag = 0x0199;
    r.send(0, None, &p);
    // Ethernet + IPv6 + fragment header, nothing more: dissection stopped, no L4 offset.
    let atomic = [0u8; L3 + 48];
    let mut p = empty_packet();
    p.data = atomic.as_ptr();
    p.caplen = atomic.len() as u32;
    p.ip_ver = 6;
    p.l4_proto = 58;
    p.l3_off = L3 as u32;
    p.snap_l3_len = 48;
    p.snap_l4_len = 0;
    assert_eq!(r.send(0, None, &p), fields("0x21|65|65|0x4141|0x4141|"));
    assert_eq!(
        r.columns(0),
        "0x21\t4\t0x00000001_0x00000000_0x0001\t0x00000000\t0\t0"
    );
    let (_, stats) = r.finish();
    assert!(stats.ends_with("ICMP6_ECHOREQUEST\t-\t                             3 [ 60.00%]\n"));

    let mut r = Run::new("tsopts", 1);
    r.flow(0, 1, false);
    let bytes = [0u8; L3 + 36];
    let mut p = empty_packet();
    p.data = bytes.as_ptr();
    p.caplen = bytes.len() as u32;
    p.ip_ver = 4;
    p.l4_proto = 1;
    p.l3_off = L3 as u32;
    p.l4_off = bytes.len() as u32;
    p.snap_l3_len = 36;
    r.send(0, None, &p);
    assert!(r.inverted(0));
    assert_eq!(
        r.columns(0),
        "0x01\t1\t0x00000000_0x00000001_0x0001\t0x00000000\t0\t0"
    );
    let (report, _) = r.finish();
    assert_eq!(
        report,
        format!(
            "{BOLD} Aggregated icmpStat=0x01\n\
             {BOLD} Number of ICMP echo reply packets: 1 [100.00%]\n"
        )
    );
}

/// Without ICMP: empty columns, no report line, the one-line statistics file
/// (ndpi/1kxun.pcap.icmpStats.txt); non-ICMP packets print `0x00` and empty fields.
#[test]
fn no_icmp() {
    let mut r = Run::new("none", 1);
    let bytes = [0u8; 60];
    let mut p = empty_packet();
    p.data = bytes.as_ptr();
    p.caplen = 60;
    p.ip_ver = 4;
    p.l4_proto = 17;
    p.l4_off = 34;
    r.h.flows[0].l4_proto = 17;
    assert_eq!(r.send(0, None, &p), fields("0x00|||||"));
    assert!(!r.inverted(0));
    assert_eq!(r.h.flows[0].opposite, T2_FLOW_NONE);
    assert_eq!(
        r.columns(0),
        "0x00\t0\t0x00000000_0x00000000_0x0000\t0x00000000\t0\t0"
    );
    let (report, stats) = r.finish();
    assert_eq!(report, "");
    assert_eq!(stats, "Total number of ICMP packets: 0 [0.00%]\n");
}
