//! portClassifier on the SDK's mock host, with flows of captures of `../shared/pcaps`. The
//! expected flow and packet columns are the original T2 0.9.3's output in `../shared/conformance`;
//! the port tables hold the few entries those flows need, with the names the reference prints.

use t2_plugin::abi::T2Packet;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::testing::{Loaded, MockHost, empty_packet};
use t2_plugin::{Schema, TextFormatter};

struct Run {
    h: Box<MockHost>,
    p: Loaded,
    dir: std::path::PathBuf,
    created: Vec<bool>,
}

impl Run {
    fn new(name: &str, flows: usize, portmap: Option<&str>) -> Run {
        let mut h = MockHost::new(flows);
        h.ctx.packet_mode = 1;
        let dir =
            std::env::temp_dir().join(format!("portClassifier-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(t) = portmap {
            std::fs::write(dir.join("portmap.txt"), t).unwrap();
        }
        h.strings.plugin_dir = dir.to_string_lossy().into_owned();
        h.declare_core_columns();
        let p = h.load(portClassifier::descriptor()).unwrap();
        h.start(&p).unwrap();
        Run {
            h,
            p,
            dir,
            created: vec![false; flows],
        }
    }

    /// Declares flow `slot` as the core creates it.
    fn flow(&mut self, slot: usize, l4_proto: u8, src_port: u16, dst_port: u16, inverted: bool) {
        let f = &mut self.h.flows[slot];
        f.l4_proto = l4_proto;
        f.ip_ver = if l4_proto == 0 { 0 } else { 4 };
        f.src_port = src_port;
        f.dst_port = dst_port;
        if inverted {
            f.status |= L3FLOWINVERT;
        }
    }

    /// A packet of flow `slot` (`l2`: of a layer-2 flow); returns the packet-mode fields.
    fn send(&mut self, slot: usize, l2: bool) -> Vec<String> {
        let mut p: T2Packet = empty_packet();
        let f = self.h.flows[slot];
        p.l4_proto = f.l4_proto;
        p.ip_ver = f.ip_ver;
        p.src_port = f.src_port;
        p.dst_port = f.dst_port;
        if !self.created[slot] {
            self.created[slot] = true;
            self.h.new_flow(&self.p, &p, slot as u64).unwrap();
        }
        self.h.layer2(&self.p, &p, None).unwrap();
        self.h.state.packet_fields.clear();
        if l2 {
            self.h.layer2(&self.p, &p, Some(slot as u64)).unwrap();
        } else {
            self.h.layer4(&self.p, &p, slot as u64).unwrap();
        }
        std::mem::take(&mut self.h.state.packet_fields)
    }

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
        String::from_utf8(line)
            .unwrap()
            .trim_end_matches('\n')
            .to_string()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const PORTMAP: &str = "# test table\n\
    0\ttcp\tspr-itunes\tShirt Pocket netTunes\n\
    80\ttcp\thttp\tWorld Wide Web HTTP\n\
    53\tudp\tdomain\tDomain Name Server (DNS)\n\
    546\tudp\tdhcpv6-client\tDHCPv6 Client\n\
    2905\ttcp\tm3ua\n";

#[test]
fn declares_columns() {
    let mut h = MockHost::new(2);
    h.ctx.packet_mode = 1;
    let p = h.load(portClassifier::descriptor()).unwrap();
    let cols: Vec<(&str, &str, &str)> = h
        .state
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_.as_str(), c.desc.as_str()))
        .collect();
    // As HEADERS.flows.txt of the reference (columns 27-28).
    assert_eq!(
        cols,
        [
            (
                "dstPortClassN",
                "U16",
                "Port based classification of the destination port number"
            ),
            (
                "dstPortClass",
                "SC",
                "Port based classification of the destination port name"
            ),
        ]
    );
    assert_eq!(h.state.packet_columns, ["dstPortClassN", "dstPortClass"]);
    h.finalize(p).unwrap();
    assert_eq!(portClassifier::descriptor().number, 111);
}

/// tcpdump/dhcpv6-ia-na.pcap: flow 1 546 -> 547 is marked as reply (a lone flow from a port
/// below 1024 to a higher one), flow 2 547 -> 546 is not: both classify as 546.
#[test]
fn reply_flows_use_the_source_port() {
    let mut r = Run::new("dhcpv6", 2, Some(PORTMAP));
    r.flow(0, 17, 546, 547, true);
    r.flow(1, 17, 547, 546, false);
    for _ in 0..2 {
        assert_eq!(r.send(0, false), ["546", "dhcpv6-client"]);
        assert_eq!(r.send(1, false), ["546", "dhcpv6-client"]);
    }
    assert_eq!(r.columns(0), "546\tdhcpv6-client");
    assert_eq!(r.columns(1), "546\tdhcpv6-client");
}

/// Port 0 is looked up like any other (suricata-verify/decode-too-small/test.pcap: TCP port 0
/// `spr-itunes`, UDP port 0 `unknown`); SCTP uses the TCP table (`m3ua`); flows without ports
/// (ICMP, GRE) print 0 and `unknown`; a layer-2 flow prints 0 on its flow line but an empty
/// number on its packet lines (tcpdump/3560_CDP.pcap).
#[test]
fn port_zero_sctp_and_portless_flows() {
    let mut r = Run::new("misc", 6, Some(PORTMAP));
    r.flow(0, 6, 0, 0, false);
    r.flow(1, 17, 0, 0, false);
    r.flow(2, 132, 2905, 2905, true);
    r.flow(3, 47, 0, 0, false);
    r.flow(4, 1, 0, 0, true);
    r.flow(5, 0, 0, 0, false);
    assert_eq!(r.send(0, false), ["0", "spr-itunes"]);
    assert_eq!(r.send(1, false), ["0", "unknown"]);
    assert_eq!(r.send(2, false), ["2905", "m3ua"]);
    assert_eq!(r.send(3, false), ["0", "unknown"]);
    assert_eq!(r.send(4, false), ["0", "unknown"]);
    assert_eq!(r.send(5, true), ["", "unknown"]);
    assert_eq!(r.columns(0), "0\tspr-itunes");
    assert_eq!(r.columns(1), "0\tunknown");
    assert_eq!(r.columns(2), "2905\tm3ua");
    assert_eq!(r.columns(3), "0\tunknown");
    assert_eq!(r.columns(4), "0\tunknown");
    assert_eq!(r.columns(5), "0\tunknown");
}

/// Without the table every name is `unknown` (the numbers stay).
#[test]
fn without_table() {
    let mut r = Run::new("notable", 2, None);
    r.flow(0, 6, 6789, 80, false);
    r.flow(1, 17, 53, 5678, true);
    assert_eq!(r.send(0, false), ["80", "unknown"]);
    assert_eq!(r.send(1, false), ["53", "unknown"]);
    assert_eq!(r.columns(0), "80\tunknown");
    assert_eq!(r.columns(1), "53\tunknown");
}
