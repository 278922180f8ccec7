//! protoStats on the SDK's mock host, replaying the packets of captures of `../shared/pcaps`
//! (flow, protocol, ports and captured length of each packet as the reference `packets.txt`
//! files list them). The expected `_protocols.txt` files are the original T2 0.9.3's output in
//! `../shared/conformance`, byte for byte; the description tables hold the entries those files
//! show.

use t2_plugin::abi::T2Packet;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

struct Run {
    h: Box<MockHost>,
    p: Loaded,
    dir: std::path::PathBuf,
    created: Vec<bool>,
    pkt_no: u64,
}

/// One packet: flow slot, ethertype, IP version (0: a layer-2 flow), IP protocol, ports,
/// captured length.
struct Pkt {
    slot: usize,
    eth: u16,
    ip: u8,
    proto: u8,
    sport: u16,
    dport: u16,
    len: u32,
}

impl Run {
    fn new(name: &str, flows: usize, tables: &[(&str, &str)]) -> Run {
        let mut h = MockHost::new(flows);
        let dir =
            std::env::temp_dir().join(format!("protoStats-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in tables {
            std::fs::write(dir.join(file), text).unwrap();
        }
        h.strings.plugin_dir = dir.to_string_lossy().into_owned();
        h.strings.output_prefix = dir.join("out").to_string_lossy().into_owned();
        h.declare_core_columns();
        let p = h.load(protoStats::descriptor()).unwrap();
        h.start(&p).unwrap();
        Run {
            h,
            p,
            dir,
            created: vec![false; flows],
            pkt_no: 0,
        }
    }

    /// Sends a packet through the callbacks in the core's order; `inverted`: the flow is
    /// marked as reply when created.
    fn send(&mut self, k: &Pkt, inverted: bool) {
        self.pkt_no += 1;
        let data = vec![0u8; k.len as usize];
        let mut p: T2Packet = empty_packet();
        p.data = data.as_ptr();
        p.caplen = k.len;
        p.wirelen = k.len;
        p.pkt_no = self.pkt_no;
        p.eth_type = k.eth;
        p.ip_ver = k.ip;
        p.l4_proto = k.proto;
        p.src_port = k.sport;
        p.dst_port = k.dport;
        let f = &mut self.h.flows[k.slot];
        let new = !self.created[k.slot];
        if new {
            self.created[k.slot] = true;
            f.eth_type = k.eth;
            f.ip_ver = k.ip;
            f.l4_proto = k.proto;
            f.src_port = k.sport;
            f.dst_port = k.dport;
            if inverted {
                f.status |= L3FLOWINVERT;
            }
        }
        let slot = k.slot as u64;
        if k.ip == 0 {
            self.h.layer2(&self.p, &p, None).unwrap();
            if new {
                self.h.new_flow(&self.p, &p, slot).unwrap();
            }
            self.h.layer2(&self.p, &p, Some(slot)).unwrap();
        } else {
            if new {
                self.h.new_flow(&self.p, &p, slot).unwrap();
            }
            self.h.layer2(&self.p, &p, None).unwrap();
            self.h.layer4(&self.p, &p, slot).unwrap();
        }
    }

    /// A packet that reaches no flow (only the totals count it).
    fn no_flow(&mut self, len: u32) {
        self.pkt_no += 1;
        let data = vec![0u8; len as usize];
        let mut p: T2Packet = empty_packet();
        p.data = data.as_ptr();
        p.caplen = len;
        p.pkt_no = self.pkt_no;
        self.h.layer2(&self.p, &p, None).unwrap();
    }

    /// Report (none), finalize: the protocols file.
    fn finish(mut self) -> String {
        assert_eq!(self.h.report(&self.p).unwrap(), "");
        let Run { mut h, p, dir, .. } = self;
        h.finalize(p).unwrap();
        let text = std::fs::read_to_string(dir.join("out_protocols.txt")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        text
    }
}

const ETHERTYPES: &str = "# test table\n\
    0x0800\tInternet Protocol version 4 (IPv4)\n\
    0x86dd\tInternet Protocol version 6 (IPv6)\n\
    0x2000\tCisco Discovery Protocol (CDP)\n";
const PROTO: &str = "6\tTransmission Control Protocol (TCP)\n\
    17\tUser Datagram Protocol (UDP)\n\
    47\tGeneral Routing Encapsulation\n";
const PORTMAP: &str = "0\ttcp\tspr-itunes\tShirt Pocket netTunes\n\
    546\tudp\tdhcpv6-client\tDHCPv6 Client\n";

fn tables() -> [(&'static str, &'static str); 3] {
    [
        ("ethertypes.txt", ETHERTYPES),
        ("proto.txt", PROTO),
        ("portmap.txt", PORTMAP),
    ]
}

#[test]
fn declares_nothing() {
    let mut h = MockHost::new(2);
    // `-`: no file written.
    h.strings.output_prefix = "-".into();
    let p = h.load(protoStats::descriptor()).unwrap();
    assert!(h.state.columns.is_empty());
    assert!(h.state.packet_columns.is_empty());
    h.finalize(p).unwrap();
    assert_eq!(protoStats::descriptor().number, 1);
}

/// tcpdump/dhcpv6-ia-na.pcap: 4 IPv6/UDP packets of two flows, 546 -> 547 (marked as reply)
/// and 547 -> 546: all under the service port 546.
#[test]
fn dhcpv6_service_port() {
    let mut r = Run::new("dhcpv6", 2, &tables());
    let pk = |slot, sport, dport, len| Pkt {
        slot,
        eth: 0x86dd,
        ip: 6,
        proto: 17,
        sport,
        dport,
        len,
    };
    r.send(&pk(0, 546, 547, 110), true);
    r.send(&pk(1, 547, 546, 142), false);
    r.send(&pk(0, 546, 547, 156), true);
    r.send(&pk(1, 547, 546, 142), false);
    assert_eq!(
        r.finish(),
        "# Total packets: 4\n\
         # Total bytes: 550\n\
         # L2/3 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         0x86dd\t                   4 [100.00%]\t                 550 [100.00%]\tInternet Protocol version 6 (IPv6)\n\
         \n\
         \n\
         # Total IPv4 packets: 0 [0.00%]\n\
         # Total IPv6 packets: 4 [100.00%]\n\
         # L4 Protocol\t                       Packets\t                         Bytes\tDescription\n \
         17\t                   4 [100.00%]\t                 550 [100.00%]\tUser Datagram Protocol (UDP)\n\
         \n\
         \n\
         # Total TCP packets: 0 [0.00%]\n\
         # Total TCP bytes: 0 [0.00%]\n\
         \n\
         \n\
         # Total UDP packets: 4 [100.00%]\n\
         # Total UDP bytes: 550 [100.00%]\n\
         # UDP Port\t                       Packets\t                         Bytes\tDescription\n  \
         546\t                   4 [100.00%]\t                 550 [100.00%]\tDHCPv6 Client\n"
    );
}

/// suricata-verify/decode-too-small/test.pcap: 8 packets, 6 flows: IPv4 and IPv6 TCP, UDP and
/// GRE packets too short for their headers (ports 0). TCP port 0 has a description, UDP port 0
/// none (empty).
#[test]
fn mixed_protocols_and_port_zero() {
    let mut r = Run::new("toosmall", 6, &tables());
    let pk = |slot, eth, ip, proto, len| Pkt {
        slot,
        eth,
        ip,
        proto,
        sport: 0,
        dport: 0,
        len,
    };
    r.send(&pk(0, 0x0800, 4, 6, 34), false);
    r.send(&pk(1, 0x0800, 4, 17, 34), false);
    r.send(&pk(1, 0x0800, 4, 17, 38), false);
    r.send(&pk(2, 0x0800, 4, 47, 36), false);
    r.send(&pk(3, 0x86dd, 6, 6, 54), false);
    r.send(&pk(4, 0x86dd, 6, 17, 54), false);
    r.send(&pk(4, 0x86dd, 6, 17, 58), false);
    r.send(&pk(5, 0x86dd, 6, 47, 56), false);
    assert_eq!(
        r.finish(),
        "# Total packets: 8\n\
         # Total bytes: 364\n\
         # L2/3 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         0x0800\t                   4 [ 50.00%]\t                 142 [ 39.01%]\tInternet Protocol version 4 (IPv4)\n\
         0x86dd\t                   4 [ 50.00%]\t                 222 [ 60.99%]\tInternet Protocol version 6 (IPv6)\n\
         \n\
         \n\
         # Total IPv4 packets: 4 [50.00%]\n\
         # Total IPv6 packets: 4 [50.00%]\n\
         # L4 Protocol\t                       Packets\t                         Bytes\tDescription\n  \
         6\t                   2 [ 25.00%]\t                  88 [ 24.18%]\tTransmission Control Protocol (TCP)\n \
         17\t                   4 [ 50.00%]\t                 184 [ 50.55%]\tUser Datagram Protocol (UDP)\n \
         47\t                   2 [ 25.00%]\t                  92 [ 25.27%]\tGeneral Routing Encapsulation\n\
         \n\
         \n\
         # Total TCP packets: 2 [25.00%]\n\
         # Total TCP bytes: 88 [24.18%]\n\
         # TCP Port\t                       Packets\t                         Bytes\tDescription\n    \
         0\t                   2 [100.00%]\t                  88 [100.00%]\tShirt Pocket netTunes\n\
         \n\
         \n\
         # Total UDP packets: 4 [50.00%]\n\
         # Total UDP bytes: 184 [50.55%]\n\
         # UDP Port\t                       Packets\t                         Bytes\tDescription\n    \
         0\t                   4 [100.00%]\t                 184 [100.00%]\t\n"
    );
}

/// tcpdump/3560_CDP.pcap: a layer-2 flow of 3 CDP frames (ethertype 0x2000 as T2 names LLC
/// SNAP CDP): no IP, no port header.
#[test]
fn layer2_only() {
    let mut r = Run::new("cdp", 1, &tables());
    for _ in 0..3 {
        r.send(
            &Pkt {
                slot: 0,
                eth: 0x2000,
                ip: 0,
                proto: 0,
                sport: 0,
                dport: 0,
                len: 400,
            },
            false,
        );
    }
    assert_eq!(
        r.finish(),
        "# Total packets: 3\n\
         # Total bytes: 1200 (1.20 K)\n\
         # L2/3 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         0x2000\t                   3 [100.00%]\t                1200 [100.00%]\tCisco Discovery Protocol (CDP)\n\
         \n\
         \n\
         # Total IPv4 packets: 0 [0.00%]\n\
         # Total IPv6 packets: 0 [0.00%]\n\
         # L4 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         \n\
         \n\
         # Total TCP packets: 0 [0.00%]\n\
         # Total TCP bytes: 0 [0.00%]\n\
         \n\
         \n\
         # Total UDP packets: 0 [0.00%]\n\
         # Total UDP bytes: 0 [0.00%]\n"
    );
}

/// tcpdump/ieee802.11_rates_oobr.pcap: one 802.11 frame no flow gets: totals only.
/// pcapng-test-generator/output_be/basic/test003.pcapng: no packet at all: `-nan` percentages.
#[test]
fn no_flow_and_no_packet() {
    let mut r = Run::new("noflow", 1, &tables());
    r.no_flow(71);
    let t = r.finish();
    assert!(
        t.starts_with("# Total packets: 1\n# Total bytes: 71\n# L2/3 Protocol\t"),
        "{t}"
    );
    assert!(t.contains("\n\n\n# Total IPv4 packets: 0 [0.00%]\n"), "{t}");

    let r = Run::new("empty", 1, &tables());
    assert_eq!(
        r.finish(),
        "# Total packets: 0\n\
         # Total bytes: 0\n\
         # L2/3 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         \n\
         \n\
         # Total IPv4 packets: 0 [-nan%]\n\
         # Total IPv6 packets: 0 [-nan%]\n\
         # L4 Protocol\t                       Packets\t                         Bytes\tDescription\n\
         \n\
         \n\
         # Total TCP packets: 0 [-nan%]\n\
         # Total TCP bytes: 0 [-nan%]\n\
         \n\
         \n\
         # Total UDP packets: 0 [-nan%]\n\
         # Total UDP bytes: 0 [-nan%]\n"
    );
}

/// Without tables, every number is printed as the original prints numbers missing from its
/// tables: an ethertype or a port with an empty description (ndpi/1kxun.pcap: TCP port 9099),
/// an IP protocol with `-` (tcpdump/ipv6-srh-ipproto-ether.pcap: protocol 143).
#[test]
fn without_tables() {
    let mut r = Run::new("notables", 2, &[]);
    r.send(
        &Pkt {
            slot: 0,
            eth: 0x0800,
            ip: 4,
            proto: 6,
            sport: 51000,
            dport: 9099,
            len: 60,
        },
        false,
    );
    r.send(
        &Pkt {
            slot: 1,
            eth: 0x0800,
            ip: 4,
            proto: 143,
            sport: 0,
            dport: 0,
            len: 40,
        },
        false,
    );
    let t = r.finish();
    assert!(
        t.contains("\n0x0800\t                   2 [100.00%]\t                 100 [100.00%]\t\n"),
        "{t}"
    );
    assert!(
        t.contains("\n  6\t                   1 [ 50.00%]\t                  60 [ 60.00%]\t-\n"),
        "{t}"
    );
    assert!(
        t.contains("\n143\t                   1 [ 50.00%]\t                  40 [ 40.00%]\t-\n"),
        "{t}"
    );
    assert!(
        t.contains("\n 9099\t                   1 [100.00%]\t                  60 [100.00%]\t\n"),
        "{t}"
    );
}

#[test]
fn human_readable_suffixes() {
    // As the reference prints them (ndpi/1kxun.pcap: 1723 packets, 2527774 bytes).
    assert_eq!(protoStats::hr(1023), "");
    assert_eq!(protoStats::hr(1723), " (1.72 K)");
    assert_eq!(protoStats::hr(2527774), " (2.53 M)");
    assert_eq!(protoStats::pct(1659, 1723, 6), " 96.29");
    assert_eq!(protoStats::pct(0, 0, 0), "-nan");
}
