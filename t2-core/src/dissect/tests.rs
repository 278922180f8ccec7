//! Unit tests of the dissector with named byte fixtures, and a seeded random-bytes test that
//! feeds garbage into `dissect` for every link type (must never panic).

use super::*;
use t2_abi::T2Time;

fn run(linktype: u32, bytes: &[u8]) -> Dissected {
    let mut d = Dissector::new(DissectConfig::default());
    let mut out = Dissected::default();
    let mut log = Logger::sink();
    let pkt = RawPacket {
        ts: T2Time::default(),
        wirelen: bytes.len() as u32,
        linktype,
        data: bytes,
        raw_ts: (0, 0),
    };
    d.dissect(&pkt, &mut out, &mut log);
    out
}

/// Ethernet, two VLAN tags, IPv4 in IPv4, UDP 62367 → 17000 (from ndpi/4in4tunnel.pcap).
static ETH_QINQ_IPIP_UDP_BYTES: [u8; 74] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xa4, 0xc6, 0x4f, 0x3b, 0xb3, 0x9a, 0x81, 0x00, 0x66, 0x58,
    0x81, 0x00, 0x61, 0xf9, 0x08, 0x00, // eth + 2 vlan
    0x45, 0xb8, 0x00, 0x30, 0xe8, 0x58, 0x00, 0x00, 0xff, 0x04, 0x11, 0x48, 0x45, 0x43, 0x23, 0x92,
    0x29, 0xca, 0x2e, 0x6e, // outer ipv4 (total 48)
    0x45, 0xb8, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0xfe, 0x11, 0xde, 0x84, 0x0a, 0x0a, 0x64, 0x19,
    0x0a, 0x0a, 0x65, 0x02, // inner ipv4 (total 28)
    0xf3, 0x9f, 0x42, 0x68, 0x00, 0x08, 0x4b, 0x9a, // udp
    0, 0, 0, 0,
];

#[test]
fn qinq_ipip_udp() {
    let o = run(1, &ETH_QINQ_IPIP_UDP_BYTES);
    assert_eq!(o.hdr_desc_str(), "eth:vlan{2}:ipv4:ipv4:udp");
    assert_eq!(o.abi.num_hdrs, 6);
    assert_eq!(o.kind, FlowKind::Ip);
    assert_eq!(o.abi.vlan_count, 2);
    assert_eq!(o.abi.vlan_ids[0], 0x6658);
    assert_eq!(o.abi.vlan_id, 0x1f9);
    assert_eq!(&o.abi.src_ip[..4], &[10, 10, 100, 25]);
    assert_eq!(o.abi.src_port, 62367);
    assert_eq!(o.abi.dst_port, 17000);
    assert_eq!(o.abi.l4_proto, 17);
    assert_eq!(o.abi.l3_len, 28);
    assert_eq!(o.abi.l7_len, 0);
    assert_ne!(o.abi.status & fs::L3_IPIP, 0);
    assert_ne!(o.abi.status & fs::L2_VLAN, 0);
    assert_ne!(o.abi.status & fs::FS_IPV4_PKT, 0);
}

/// Ethernet ARP request, padded to 60 bytes.
static ETH_ARP_PADDED_BYTES: [u8; 60] = {
    let mut b = [0u8; 60];
    let h: [u8; 42] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0c, 0x29, 0x01, 0x02, 0x03, 0x08, 0x06, 0, 1,
        8, 0, 6, 4, 0, 1, 0x00, 0x0c, 0x29, 0x01, 0x02, 0x03, 192, 168, 1, 1, 0, 0, 0, 0, 0, 0,
        192, 168, 1, 2,
    ];
    let mut i = 0;
    while i < 42 {
        b[i] = h[i];
        i += 1;
    }
    b
};

#[test]
fn arp_is_layer2_flow_with_padding() {
    let o = run(1, &ETH_ARP_PADDED_BYTES);
    assert_eq!(o.hdr_desc_str(), "eth:arp");
    assert_eq!(o.kind, FlowKind::Layer2);
    assert_eq!(o.abi.eth_type, 0x0806);
    assert_eq!(o.abi.pad_len, 18);
    assert_eq!(o.src_mac, [0x00, 0x0c, 0x29, 1, 2, 3]);
    assert_ne!(o.abi.status & fs::L2_ARP, 0);
}

/// Raw IPv4 link type: a TCP SYN header only.
static RAW_IPV4_TCP_BYTES: [u8; 40] = [
    0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 168, 0, 1, 0xd9, 0xbb, 0x1f,
    0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
];

#[test]
fn raw_ipv4_tcp() {
    let o = run(228, &RAW_IPV4_TCP_BYTES);
    assert_eq!(o.hdr_desc_str(), ":ipv4:tcp");
    assert_eq!(o.abi.num_hdrs, 2);
    assert_eq!(o.abi.dst_port, 8080);
    assert_eq!(o.tcp_flags, 0x02);
    assert_ne!(o.abi.status & fs::L2_NO_ETH, 0);
    let o = run(101, &RAW_IPV4_TCP_BYTES);
    assert_eq!(o.hdr_desc_str(), "raw:ipv4:tcp");
}

#[test]
fn snapped_ipv4_sets_l3snaplength() {
    let mut b = RAW_IPV4_TCP_BYTES;
    b[3] = 200; // total length 200 > 40 captured
    let mut d = Dissector::new(DissectConfig::default());
    let mut out = Dissected::default();
    let mut log = Logger::sink();
    let pkt = RawPacket {
        ts: T2Time::default(),
        wirelen: 300,
        linktype: 101,
        data: &b,
        raw_ts: (0, 0),
    };
    d.dissect(&pkt, &mut out, &mut log);
    assert_ne!(out.abi.status & fs::L3SNAPLENGTH, 0);
    assert_eq!(out.abi.l3_len, 200);
    assert_eq!(out.abi.snap_l3_len, 40);
}

#[test]
fn unknown_ethertype_stops() {
    let mut b = [0u8; 60];
    b[12] = 0x30;
    b[13] = 0x30;
    let o = run(1, &b);
    assert_eq!(o.hdr_desc_str(), "eth:UNK(0x3030)");
    assert_ne!(o.abi.status & fs::STPDSCT, 0);
    assert_eq!(o.kind, FlowKind::Layer2);
}

/// A tiny xorshift generator: deterministic garbage without dependencies.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[test]
fn random_bytes_never_panic() {
    let linktypes = [
        0u32, 1, 9, 12, 14, 50, 101, 104, 105, 107, 108, 113, 119, 127, 137, 167, 177, 178, 192,
        203, 204, 205, 206, 228, 229, 274, 276, 99, 147,
    ];
    let mut rng = XorShift(0x5eed_1234_abcd_0001);
    let mut d = Dissector::new(DissectConfig::default());
    let mut out = Dissected::default();
    let mut log = Logger::sink();
    let mut buf = [0u8; 512];
    // Seeds that steer into deep paths: ethertypes / protocols at the right places.
    let prefixes: [&[u8]; 6] = [
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x47],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd, 0x60],
        &[0x45, 0, 0, 0, 0, 0, 0, 0, 64, 47],
        &[0x60, 0, 0, 0, 0, 0, 0, 0],
    ];
    for round in 0..20_000 {
        let len = (rng.next() % 512) as usize;
        for b in buf.iter_mut().take(len) {
            *b = rng.next() as u8;
        }
        let pre = prefixes[round % prefixes.len()];
        if round % 3 == 0 && len >= pre.len() {
            buf[..pre.len()].copy_from_slice(pre);
        }
        let lt = linktypes[round % linktypes.len()];
        let wirelen = if round % 5 == 0 {
            (rng.next() % 70000) as u32
        } else {
            len as u32
        };
        let pkt = RawPacket {
            ts: T2Time::default(),
            wirelen,
            linktype: lt,
            data: &buf[..len],
            raw_ts: (0, 0),
        };
        d.dissect(&pkt, &mut out, &mut log);
        assert!(out.hdr_desc_len < HDRDESC_LEN_CHECK);
    }
}

const HDRDESC_LEN_CHECK: usize = crate::packet::HDRDESC_LEN;

/// PPP link, PAP (from tcpdump/truncated-aack.pcap): no layer-2 flow without an Ethernet
/// header, and no padding counted.
#[test]
fn ppp_link_non_ip_makes_no_flow() {
    let o = run(
        9,
        &[0xff, 0x03, 0xc0, 0x23, 0x02, 0x01, 0x00, 0x04, 0x94, 0x86],
    );
    assert_eq!(o.hdr_desc_str(), "ppp:pap");
    assert_eq!(o.kind, FlowKind::None);
    assert_eq!(o.abi.pad_len, 0);
}

/// Raw IP link with version 3 (tcpdump/heap-overflow-1.pcap): dropped, only `raw` counted.
#[test]
fn raw_link_bad_version_is_dropped() {
    let o = run(101, &[0x30]);
    assert_eq!(o.kind, FlowKind::None);
    assert_eq!(o.abi.num_hdrs, 1);
}

/// A 15-byte Ethernet frame (tcpdump/isoclns-heapoverflow.pcap) is L2-snapped; 16 bytes
/// are dissected.
#[test]
fn ethernet_needs_16_bytes() {
    let mut b = [0x30u8; 16];
    b[12] = 0xfe;
    b[13] = 0xfe;
    let o = run(1, &b[..15]);
    assert_eq!(o.kind, FlowKind::None);
    assert_ne!(o.abi.status & fs::L2SNAPLENGTH, 0);
    assert_eq!(o.abi.num_hdrs, 0);
    let o = run(1, &b);
    assert_eq!(o.kind, FlowKind::Layer2);
}

/// Frame relay, Cisco encapsulation with a type below 0x0600 (tcpdump/esis_snpa_asan.pcap):
/// an 802.3 length, LLC follows; the null DSAP is not named.
#[test]
fn frelay_cisco_length_is_llc() {
    let b = [
        0x00, 0x0c, 0x05, 0x22, 0x00, 0x82, 0x11, 0x01, 0x55, 0x42, 0x53, 0x43, 0x70, 0xa1,
    ];
    let o = run(107, &b);
    assert_eq!(o.hdr_desc_str(), "fr:llc");
    assert_eq!(o.abi.eth_type, 0x0082);
    assert_eq!(o.abi.status & fs::STPDSCT, 0);
    assert_eq!(o.kind, FlowKind::Layer2);
}

/// First IPv4 fragment whose TCP header is cut by the IP length
/// (suricata-verify bug-6887 frag-ip-tcp-syn): ports 0, L4HDRSHRTLEN.
#[test]
fn first_fragment_cut_tcp_has_no_ports() {
    let b = [
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x20, 0x00, 0x40, 0x06, 0x54, 0xd6, 1, 1, 1, 1, 2, 2,
        2, 2, 0x30, 0x39, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x01,
    ];
    let o = run(228, &b);
    assert_eq!(o.hdr_desc_str(), ":ipv4:tcp");
    assert_eq!((o.abi.src_port, o.abi.dst_port), (0, 0));
    assert_ne!(o.abi.status & fs::L4HDRSHRTLEN, 0);
}

/// IPv4 with an IP length below 20 (tcpdump/ipv4_invalid_length.pcap, header cut at 19
/// bytes): still an IP flow, protocol from the header, L3HDRSHRTLEN.
#[test]
fn short_ipv4_header_still_makes_a_flow() {
    let b = [
        0xc0, 0xd6, 0x82, 0x36, 0x03, 0x2b, 0xf0, 0x4d, 0xa2, 0x3d, 0x5d, 0xa3, 0x08, 0x00, 0x45,
        0x00, 0x00, 0x54, 0xfc, 0x35, 0x00, 0x00, 0x40, 0x11, 0x3b, 0x05, 0x8c, 0xd3, 0x09, 0xce,
        0x2d, 0x21, 0x7f,
    ];
    let o = run(1, &b);
    assert_eq!(o.kind, FlowKind::Ip);
    assert_eq!(o.hdr_desc_str(), "eth:ipv4:udp");
    assert_eq!(o.abi.l4_proto, 17);
    assert_eq!(&o.abi.dst_ip[..4], &[45, 33, 127, 0]);
    assert_ne!(o.abi.status & fs::L3HDRSHRTLEN, 0);
}

/// GRE in GRE (zeek/tunnels/gre-within-gre.pcap): the innermost IP is named, the flow
/// stays on the middle IP header.
#[test]
fn gre_in_gre_keeps_middle_ip() {
    let mut b = vec![
        0x00, 0x1b, 0xd5, 0xff, 0x54, 0xd9, 0x00, 0x0f, 0xfe, 0xdd, 0x22, 0x42, 0x08, 0x00,
    ];
    let ip = |len: u16, proto: u8, s: u8, d: u8| {
        let l = len.to_be_bytes();
        [
            0x45, 0, l[0], l[1], 0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, s, 10, 0, 0, d,
        ]
    };
    b.extend_from_slice(&ip(20 + 4 + 20 + 4 + 28, 47, 1, 2));
    b.extend_from_slice(&[0, 0, 0x08, 0x00]);
    b.extend_from_slice(&ip(20 + 4 + 28, 47, 3, 4));
    b.extend_from_slice(&[0, 0, 0x08, 0x00]);
    b.extend_from_slice(&ip(28, 1, 5, 6));
    b.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0]);
    let o = run(1, &b);
    assert_eq!(o.hdr_desc_str(), "eth:ipv4:gre:ipv4:gre:ipv4");
    assert_eq!(o.abi.l4_proto, 47);
    assert_eq!(&o.abi.src_ip[..4], &[10, 0, 0, 3]);
}

/// 802.3 frame (length field 38) carrying STP over LLC, padded to 60 bytes (from
/// tcpdump/802.1D_spanning_tree.pcap): the original counts 8 pad bytes, the bytes after the
/// 38 the length field announces from the LLC header on.
#[test]
fn llc_padding_counts_from_the_llc_header() {
    let mut b = [0u8; 60];
    b[..6].copy_from_slice(&[0x01, 0x80, 0xc2, 0, 0, 0]);
    b[6..12].copy_from_slice(&[0x00, 0x19, 0x06, 0xea, 0xb8, 0x85]);
    b[12..14].copy_from_slice(&38u16.to_be_bytes());
    b[14..17].copy_from_slice(&[0x42, 0x42, 0x03]);
    let o = run(1, &b);
    assert_eq!(o.abi.pad_len, 8);
}

/// A small frame cut by the snap length: the padding is measured against the wire length (as
/// in zeek/tcp/truncated-header.pcap: 58 of 60 bytes captured, IP length 44 → 2 pad bytes).
#[test]
fn padding_uses_the_wire_length() {
    let mut b = [0u8; 58];
    b[12..14].copy_from_slice(&[0x08, 0x00]);
    b[14..34].copy_from_slice(&[
        0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    b[34..38].copy_from_slice(&[0x00, 0x19, 0xed, 0x9b]);
    b[46] = 0x60; // TCP data offset 24
    let mut d = Dissector::new(DissectConfig::default());
    let mut out = Dissected::default();
    let mut log = Logger::sink();
    let pkt = RawPacket { ts: T2Time::default(), wirelen: 60, linktype: 1, data: &b, raw_ts: (0, 0) };
    d.dissect(&pkt, &mut out, &mut log);
    assert_eq!(out.abi.pad_len, 2);
}
