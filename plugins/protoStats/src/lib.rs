//! protoStats (T2 plugin 001): packets and bytes per ethertype, IP protocol and TCP/UDP service
//! port, written to `PREFIX_protocols.txt` (`PS_SUFFIX`) when the run ends (spec §4.7). No flow
//! columns, no packet columns, no report lines.
//!
//! Behaviour read off the original's output (`../shared/conformance`):
//! - `# Total packets` / `# Total bytes` are the run's processed packets and captured bytes,
//!   as the end report counts them.
//! - The other counts cover the packets that reached a flow: packets without flow (802.11
//!   management frames, ...) have no ethertype row. Bytes are captured bytes.
//! - The ethertype is the flow's (the innermost: `eth:ipv6:ipv4:tcp` counts under 0x0800,
//!   QinQ-tagged ARP under 0x0806); IPv4/IPv6 totals and the IP protocol rows count by the
//!   innermost IP header.
//! - The port of a TCP or UDP packet is its flow's service port: the destination port, the
//!   source port when the flow is marked as the reply of its pair (`L3FLOWINVERT`), as
//!   portClassifier's `dstPortClassN`.
//! - Layout ([`ProtoStats::text`]): rows in ascending order, only non-zero ones; percentages of
//!   the rows relative to all packets/bytes, port rows relative to their protocol; a
//!   protocol's port header only when it has packets; `-nan` percentages when nothing was
//!   read. Descriptions from the tables of [`names`] and [`portmap`]; without them (or for a
//!   number not listed) an ethertype or a port has an empty description and an IP protocol
//!   `-`, as the original prints numbers missing from its tables.

#![allow(non_snake_case)]

pub mod names;
// The port table is portClassifier's own source, compiled in (a crate dependency between two
// plugins would clash on their entry symbols).
#[path = "../../portClassifier/src/portmap.rs"]
pub mod portmap;

use names::{Kind, Names};
use portmap::{PortMap, Transport};
use std::fmt::Write as _;
use std::path::Path;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::{FlowIndex, Host, Init, Packet, Plugin, Result};

t2_plugin::config_module!();
use config::*;

/// Description of an IP protocol missing from the table.
pub const UNKNOWN_PROTO: &str = "-";
/// Description of an ethertype or a port missing from the table.
pub const UNKNOWN_OTHER: &str = "";

#[derive(Clone, Copy, Default, Debug)]
struct Count {
    pkts: u64,
    bytes: u64,
}

impl Count {
    fn add(&mut self, bytes: u64) {
        self.pkts += 1;
        self.bytes += bytes;
    }
}

/// The port counts of one transport protocol.
struct PortSection {
    /// Section name (`TCP`, `UDP`, ...).
    label: &'static str,
    /// IP protocol number.
    proto: u8,
    /// Table the descriptions come from.
    transport: Transport,
    ports: Vec<Count>,
}

impl PortSection {
    fn new(label: &'static str, proto: u8, transport: Transport) -> PortSection {
        PortSection {
            label,
            proto,
            transport,
            ports: vec![Count::default(); 65536],
        }
    }
}

/// ` (x.xx K)` for values from 1024 on, as T2 prints counts.
pub fn hr(v: u64) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = (((63 - v.leading_zeros()) / 10) as usize).min(UNITS.len() - 1);
    format!(
        " ({:.2} {})",
        v as f64 / 1000f64.powi(idx as i32),
        UNITS[idx]
    )
}

/// `100 * part / total` as C's `%.2f` (`width` wide) prints it: `-nan` for 0 / 0.
pub fn pct(part: u64, total: u64, width: usize) -> String {
    if total == 0 {
        if part == 0 {
            format!("{:>width$}", "-nan")
        } else {
            format!("{:>width$}", "inf")
        }
    } else {
        format!("{:>width$.2}", 100.0 * part as f64 / total as f64)
    }
}

pub struct ProtoStats {
    path: Option<String>,
    /// Packets of the run (the number of the last packet seen) and their captured bytes.
    packets: u64,
    bytes: u64,
    eth: Vec<Count>,
    ipv4: u64,
    ipv6: u64,
    l4: Vec<Count>,
    sections: Vec<PortSection>,
    eth_names: Names,
    proto_names: Names,
    port_names: PortMap,
}

impl ProtoStats {
    /// Counts a packet that reached flow `f`.
    fn count(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) {
        let bytes = pkt.caplen as u64;
        self.eth[pkt.eth_type as usize].add(bytes);
        match pkt.ip_ver {
            4 => self.ipv4 += 1,
            6 => self.ipv6 += 1,
            _ => return,
        }
        self.l4[pkt.l4_proto as usize].add(bytes);
        let Some(sec) = self.sections.iter_mut().find(|s| s.proto == pkt.l4_proto) else {
            return;
        };
        let Some(fl) = f.and_then(|f| host.flow(f)) else {
            return;
        };
        let port = if fl.status & L3FLOWINVERT != 0 {
            fl.src_port
        } else {
            fl.dst_port
        };
        sec.ports[port as usize].add(bytes);
    }

    /// The statistics file.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let (tp, tb) = (self.packets, self.bytes);
        let head = |s: &mut String, what: &str| {
            let _ = writeln!(
                s,
                "# {what}\t{:>30}\t{:>30}\tDescription",
                "Packets", "Bytes"
            );
        };
        let row = |s: &mut String, key: String, c: &Count, pt: u64, bt: u64, desc: &str| {
            let _ = writeln!(
                s,
                "{key}\t{:>20} [{}%]\t{:>20} [{}%]\t{desc}",
                c.pkts,
                pct(c.pkts, pt, 6),
                c.bytes,
                pct(c.bytes, bt, 6)
            );
        };
        let _ = writeln!(s, "# Total packets: {tp}{}", hr(tp));
        let _ = writeln!(s, "# Total bytes: {tb}{}", hr(tb));
        head(&mut s, "L2/3 Protocol");
        for (e, c) in self.eth.iter().enumerate().filter(|(_, c)| c.pkts > 0) {
            let desc = self.eth_names.get(e as u16).unwrap_or(UNKNOWN_OTHER);
            row(&mut s, format!("0x{e:04x}"), c, tp, tb, desc);
        }
        s.push_str("\n\n");
        for (label, n) in [("IPv4", self.ipv4), ("IPv6", self.ipv6)] {
            let _ = writeln!(
                s,
                "# Total {label} packets: {n}{} [{}%]",
                hr(n),
                pct(n, tp, 0)
            );
        }
        head(&mut s, "L4 Protocol");
        for (p, c) in self.l4.iter().enumerate().filter(|(_, c)| c.pkts > 0) {
            let desc = self.proto_names.get(p as u16).unwrap_or(UNKNOWN_PROTO);
            row(&mut s, format!("{p:3}"), c, tp, tb, desc);
        }
        for sec in &self.sections {
            let t = self.l4[sec.proto as usize];
            s.push_str("\n\n");
            let l = sec.label;
            let _ = writeln!(
                s,
                "# Total {l} packets: {}{} [{}%]",
                t.pkts,
                hr(t.pkts),
                pct(t.pkts, tp, 0)
            );
            let _ = writeln!(
                s,
                "# Total {l} bytes: {}{} [{}%]",
                t.bytes,
                hr(t.bytes),
                pct(t.bytes, tb, 0)
            );
            if t.pkts == 0 {
                continue;
            }
            head(&mut s, &format!("{l} Port"));
            for (port, c) in sec.ports.iter().enumerate().filter(|(_, c)| c.pkts > 0) {
                let desc = self
                    .port_names
                    .description(sec.transport, port as u16)
                    .unwrap_or(UNKNOWN_OTHER);
                row(&mut s, format!("{port:5}"), c, t.pkts, t.bytes, desc);
            }
        }
        s
    }
}

/// Loads a table of the plugin folder, warning about malformed lines; `None` when absent.
fn load<T>(host: &Host, file: &str, f: impl FnOnce(&Path) -> Option<(T, usize)>) -> Option<T> {
    let path = Path::new(host.plugin_dir()).join(file);
    match f(&path) {
        Some((t, bad)) => {
            if bad > 0 {
                host.warn(&format!(
                    "{}: {bad} malformed line(s) skipped",
                    path.display()
                ));
            }
            Some(t)
        }
        None => {
            host.log(
                t2_plugin::Level::Dbg,
                &format!("protoStats: no table {}", path.display()),
            );
            None
        }
    }
}

impl Plugin for ProtoStats {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        let path =
            (i.output_prefix() != "-").then(|| format!("{}{}", i.output_prefix(), PS_SUFFIX));
        let mut sections = vec![
            PortSection::new("TCP", 6, Transport::Tcp),
            PortSection::new("UDP", 17, Transport::Udp),
        ];
        if PS_UDPLITE != 0 {
            sections.push(PortSection::new("UDP-Lite", 136, Transport::Udp));
        }
        if PS_SCTP != 0 {
            sections.push(PortSection::new("SCTP", 132, Transport::Tcp));
        }
        let eth_names =
            load(i, PS_ETHERTYPE_FILE, |p| Names::load(p, Kind::EtherType)).unwrap_or_default();
        let proto_names =
            load(i, PS_PROTO_FILE, |p| Names::load(p, Kind::IpProto)).unwrap_or_default();
        let port_names = load(i, PS_PORT_FILE, PortMap::load).unwrap_or_default();
        Ok(ProtoStats {
            path,
            packets: 0,
            bytes: 0,
            eth: vec![Count::default(); 65536],
            ipv4: 0,
            ipv6: 0,
            l4: vec![Count::default(); 256],
            sections,
            eth_names,
            proto_names,
            port_names,
        })
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        match f {
            // Every packet.
            None => {
                self.packets = self.packets.max(pkt.pkt_no);
                self.bytes += pkt.caplen as u64;
            }
            // A packet of a layer-2 flow.
            Some(f) => self.count(host, pkt, Some(f)),
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.count(host, pkt, Some(f));
        Ok(())
    }

    fn finalize(self, host: &Host) -> Result<()> {
        if let Some(path) = &self.path {
            if let Err(e) = std::fs::write(path, self.text()) {
                host.error(&format!("failed to write '{path}': {e}"));
            }
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(ProtoStats, config, [on_layer2, on_layer4, finalize]);
