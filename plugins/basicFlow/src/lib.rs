//! basicFlow (T2 plugin 100): basic flow information — status, times, header descriptions,
//! MAC addresses, ethertype, VLAN IDs, addresses, ports and protocol (spec §4.1).
//!
//! Default columns (as T2 0.9.3's `_headers.txt`): `flowStat timeFirst timeLast duration
//! numHdrDesc numHdrs hdrDesc srcMac dstMac ethType vlanID srcIP srcIPCC srcIPOrg srcPort dstIP
//! dstIPCC dstIPOrg dstPort l4Proto`. The settings of `t2plugin.toml` remove columns at compile
//! time. Packet mode (`-s`) adds `flowStat time pktIAT pktTrip flowDuration numHdrs
//! hdrDesc vlanID srcMac dstMac ethType srcIP srcIPCC srcIPOrg srcPort dstIP dstIPCC dstIPOrg
//! dstPort l4Proto` per packet (spec §4.1).
//!
//! Country and organisation (`srcIPCC`, `srcIPOrg`, ...) come from the subnet tables
//! `subnets4.bin`/`subnets6.bin` in the plugin folder (`t2build basicFlow` builds them; crate
//! `t2-subnet`): T2's two-digit code and name for special-purpose ranges, a lower-case country
//! code and the AS organisation for public addresses, T2's unknown values `-` and `"-"`
//! otherwise or when a table is missing. Each flow's two addresses are looked up once, when
//! the flow is created; packet mode reuses those labels for the flow's own addresses.

#![allow(non_snake_case)]

use std::collections::HashMap;
use std::path::Path;
use t2_plugin::abi::T2_OFF_NONE;
use t2_plugin::abi::flow_stat::{HDOVRN, L2_NO_ETH, LAPD_FLOW, TIMEJUMP};
use t2_plugin::{Column, FlowIndex, Host, Init, Level, Output, Packet, PerFlow, Plugin, Result, Scalar};
use t2_subnet::{Family, Table};

t2_plugin::config_module!();
use config::*;

const MAX_HDRDESC: usize = BFO_MAX_HDRDESC as usize;
const MAX_MAC: usize = BFO_MAX_MAC as usize;
const MAX_VLAN: usize = BFO_MAX_VLAN as usize;
const SUBNET_CC: bool = BFO_SUBNET_TEST != 0;
const SUBNET_ORG: bool = BFO_SUBNET_TEST != 0 && BFO_SUBNET_ORG != 0;

/// T2's "not found" values of the subnet columns.
const UNKNOWN_CC: &str = "-";
const UNKNOWN_ORG: &str = "-";

/// The format version the start-up log prints as `Ver:` (T2 prints its database's).
const SUBNET_LOG_VERSION: u32 = t2_subnet::table::FORMAT_VERSION;

/// The subnet tables of the run (each `None` when missing or unreadable).
#[derive(Default)]
struct Subnets {
    v4: Option<Table>,
    v6: Option<Table>,
}

impl Subnets {
    /// Opens the tables in `dir` and writes T2's two start-up lines (`[INF] IPv4 Ver: ...`,
    /// our format version, the data's revision and the number of labelled ranges).
    fn load(i: &Init<'_>, dir: &Path) -> Subnets {
        let mut s = Subnets::default();
        for family in [Family::V4, Family::V6] {
            let path = dir.join(family.file_name());
            let (table, line) = match Table::open(&path) {
                Ok(t) => {
                    let n = t.labelled_ranges() as u64;
                    let line = format!(
                        "{} Ver: {SUBNET_LOG_VERSION}, Rev: {}, Range Mode: 0, subnet ranges loaded: {n}{}",
                        family.name(),
                        t2_subnet::table::revision_ddmmyyyy(t.revision()),
                        hr(n)
                    );
                    (Some(t), line)
                }
                // Kept in the same line (the harness and the tests treat it as run-dependent):
                // a missing table is not an error, the columns then print unknown values.
                Err(e) => (
                    None,
                    format!(
                        "{} Ver: {SUBNET_LOG_VERSION}, Rev: 00000000, Range Mode: 0, subnet ranges loaded: 0 (no table '{}': {e}; run 't2build basicFlow')",
                        family.name(),
                        path.display()
                    ),
                ),
            };
            i.log(Level::Inf, &line);
            match family {
                Family::V4 => s.v4 = table,
                Family::V6 => s.v6 = table,
            }
        }
        s
    }

    /// The label index of an address of a flow or packet (0, unknown, without a table).
    #[inline]
    fn label_id(&self, ip_ver: u8, ip: &[u8; 16]) -> u32 {
        match ip_ver {
            4 => self.v4.as_ref().map_or(0, |t| {
                t.label_id(u32::from_be_bytes([ip[0], ip[1], ip[2], ip[3]]) as u128)
            }),
            6 => self.v6.as_ref().map_or(0, |t| t.label_id(u128::from_be_bytes(*ip))),
            _ => 0,
        }
    }

    /// (country, organisation) of a label index.
    #[inline]
    fn label(&self, ip_ver: u8, id: u32) -> (&str, &str) {
        let t = match ip_ver {
            4 => self.v4.as_ref(),
            6 => self.v6.as_ref(),
            _ => None,
        };
        match t {
            Some(t) if id != 0 => {
                let e = t.label(id);
                (e.code, e.org)
            }
            _ => (UNKNOWN_CC, UNKNOWN_ORG),
        }
    }
}

/// ` (x.xx K)` for values from 1024 on, as T2's log prints counts (`40567 (40.57 K)`).
fn hr(v: u64) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = (((63 - v.leading_zeros()) / 10) as usize).min(UNITS.len() - 1);
    format!(" ({:.2} {})", v as f64 / 1000f64.powi(idx as i32), UNITS[idx])
}

/// Per-flow state (reset on a new flow).
#[derive(Clone, Copy)]
struct FlowState {
    /// Interned header descriptions, first-seen order.
    desc: [u32; MAX_HDRDESC],
    num_hdrs: [u16; MAX_HDRDESC],
    ndesc: u8,
    nsrc: u8,
    ndst: u8,
    nvlan: u8,
    src_mac: [[u8; 6]; MAX_MAC],
    dst_mac: [[u8; 6]; MAX_MAC],
    vlan: [u16; MAX_VLAN],
    /// Time of the flow's previous packet (packet mode: pktIAT).
    prev: t2_plugin::abi::T2Time,
    /// Subnet label indices of the flow's source and destination address (looked up once).
    src_label: u32,
    dst_label: u32,
}

impl Default for FlowState {
    fn default() -> Self {
        FlowState {
            desc: [0; MAX_HDRDESC],
            num_hdrs: [0; MAX_HDRDESC],
            ndesc: 0,
            nsrc: 0,
            ndst: 0,
            nvlan: 0,
            src_mac: [[0; 6]; MAX_MAC],
            dst_mac: [[0; 6]; MAX_MAC],
            vlan: [0; MAX_VLAN],
            prev: t2_plugin::abi::T2Time { sec: 0, nsec: 0, _pad: 0 },
            src_label: 0,
            dst_label: 0,
        }
    }
}

/// Distinct header description strings of the run (a capture has few of them).
#[derive(Default)]
struct Interner {
    strings: Vec<Box<[u8]>>,
    ids: HashMap<Box<[u8]>, u32>,
    /// The id last returned by `intern`: every new flow interns its first description, and
    /// most flows of a capture share one (no hashing for those).
    last: Option<u32>,
}

impl Interner {
    #[inline]
    fn get(&self, id: u32) -> &[u8] {
        &self.strings[id as usize]
    }

    fn intern(&mut self, s: &[u8]) -> u32 {
        if let Some(id) = self.last.filter(|&id| desc_eq(self.get(id), s)) {
            return id;
        }
        let id = self.intern_slow(s);
        self.last = Some(id);
        id
    }

    fn intern_slow(&mut self, s: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }
}

pub struct BasicFlow {
    flows: PerFlow<FlowState>,
    descs: Interner,
    sensor_id: u32,
    /// RELTIME=1: times are relative to the first packet of the run.
    reltime: bool,
    /// Timestamp of the first packet of the run (ns), for RELTIME.
    start_ns: Option<i128>,
    /// `-s`: write the packet columns.
    packet_mode: bool,
    /// The packet line being built (reused).
    line: Vec<u8>,
    subnets: Subnets,
}

#[inline]
fn add_mac(list: &mut [[u8; 6]], n: &mut u8, mac: [u8; 6]) {
    let len = *n as usize;
    if len < list.len() && !list[..len].contains(&mac) {
        list[len] = mac;
        *n += 1;
    }
}

/// `last - first` as the original computes it: a borrow from the seconds when the nanoseconds
/// go negative, seconds kept in 32 bits (so a flow whose last packet is older than its first
/// shows a wrapped duration such as `4294967295.999488000`).
fn duration(first: t2_plugin::abi::T2Time, last: t2_plugin::abi::T2Time) -> (u64, u32) {
    let mut sec = last.sec as i64 - first.sec as i64;
    // The fractions are signed 32-bit values there (matters only for broken timestamps).
    let mut nsec = last.nsec as i32 as i64 - first.nsec as i32 as i64;
    if nsec < 0 {
        nsec += 1_000_000_000;
        sec -= 1;
    }
    (sec as u32 as u64, nsec as u32)
}

/// Byte-string equality for header descriptions (short, usually equal): lengths first, then
/// two 8-byte words for 8..=16 bytes instead of a `memcmp` call.
#[inline]
fn desc_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        let w = |s: &[u8], o: usize| u64::from_ne_bytes(s[o..o + 8].try_into().expect("8 bytes"));
        return w(a, 0) == w(b, 0) && w(a, n - 8) == w(b, n - 8);
    }
    a == b
}

fn ns(t: t2_plugin::abi::T2Time) -> i128 {
    t.sec as i128 * 1_000_000_000 + t.nsec as i128
}

fn push_time(out: &mut Output<'_>, ns: i128) {
    let ns = ns.max(0);
    out.time((ns / 1_000_000_000) as u64, (ns % 1_000_000_000) as u32);
}

impl BasicFlow {
    /// Per-packet update of a flow (IP flows from `on_layer4`, L2 flows from `on_layer2`).
    #[inline]
    fn update(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) {
        let Some(st) = self.flows.get_mut(f) else {
            return;
        };
        let d = pkt.hdr_desc();
        let n = st.ndesc as usize;
        if !st.desc[..n]
            .iter()
            .any(|&id| desc_eq(self.descs.get(id), d))
        {
            if n < MAX_HDRDESC {
                st.desc[n] = self.descs.intern(d);
                st.num_hdrs[n] = pkt.num_hdrs;
                st.ndesc += 1;
            }
            // T2 flags the overrun as soon as the list is full (its last slot is taken).
            if n + 1 >= MAX_HDRDESC {
                host.set_flow_status(f, HDOVRN);
            }
        }
        if BFO_MAC != 0 && pkt.status & (L2_NO_ETH | LAPD_FLOW) == 0 && pkt.mac_off != T2_OFF_NONE {
            // T2 reads the MACs without checking the captured length: bytes past the
            // capture read as zeros here.
            let d = pkt.data();
            let m = pkt.mac_off as usize;
            let mut h = [0u8; 12];
            let b = match d.get(m..m.saturating_add(12)) {
                Some(b) => b,
                None => {
                    if m < d.len() {
                        let n = d.len() - m;
                        h[..n].copy_from_slice(&d[m..]);
                    }
                    &h[..]
                }
            };
            add_mac(
                &mut st.dst_mac,
                &mut st.ndst,
                b[0..6].try_into().expect("6 bytes"),
            );
            add_mac(
                &mut st.src_mac,
                &mut st.nsrc,
                b[6..12].try_into().expect("6 bytes"),
            );
        }
    }
}

/// `b - a` in seconds as T2 computes pktTrip: the nanosecond parts are subtracted as floats
/// (their rounding shows in the last digits: 0.555356 s - 0.450580 s gives 0.104776032).
fn diff_f64(a: t2_plugin::abi::T2Time, b: t2_plugin::abi::T2Time) -> f64 {
    let nsec = (b.nsec as i32 as f32 - a.nsec as i32 as f32) as f64;
    (b.sec as i64 - a.sec as i64) as f64 + nsec / 1e9
}

/// `b - a` as packet mode prints pktIAT and flowDuration (`%.9f` of a double): the seconds
/// subtracted in 32 bits without sign (a step back of whole seconds wraps: 2954012390.701141834),
/// the fractions with their sign and no borrow (a step back within a second: -0.001788000).
fn t2_double_diff(a: t2_plugin::abi::T2Time, b: t2_plugin::abi::T2Time) -> f64 {
    let sec = (b.sec as u32).wrapping_sub(a.sec as u32);
    let nsec = b.nsec as i32 as i64 - a.nsec as i32 as i64;
    sec as f64 + nsec as f64 / 1e9
}

impl BasicFlow {
    /// Packet mode: this packet's columns (after the flow was updated with it).
    fn packet_columns(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex, status: u64) {
        use t2_plugin::fmt::*;
        let Some(flow) = host.flow(f).copied() else { return };
        let prev = self.flows.get(f).map(|st| st.prev).unwrap_or(pkt.ts);
        let (src_label, dst_label) = self.flows.get(f).map_or((0, 0), |st| (st.src_label, st.dst_label));
        if let Some(st) = self.flows.get_mut(f) {
            st.prev = pkt.ts;
        }
        let trip = host.opposite(f).and_then(|o| host.flow(o)).map(|o| diff_f64(o.last_seen, pkt.ts)).unwrap_or(0.0);
        let iat = t2_double_diff(prev, pkt.ts);
        let status = if iat < 0.0 {
            // A packet older than the flow's previous one (packet mode computes the IAT).
            host.set_flow_status(f, TIMEJUMP);
            status | TIMEJUMP
        } else {
            status
        };
        let subnets = &self.subnets;
        // The flow's labels for its own addresses; another address (rare) is looked up.
        let label_of = |ip: &[u8; 16]| -> u32 {
            if pkt.ip_ver == flow.ip_ver && *ip == flow.src_ip {
                src_label
            } else if pkt.ip_ver == flow.ip_ver && *ip == flow.dst_ip {
                dst_label
            } else {
                subnets.label_id(pkt.ip_ver, ip)
            }
        };
        let l = &mut self.line;
        let field = |l: &mut Vec<u8>| {
            host.packet_field(std::str::from_utf8(l).unwrap_or(""));
            l.clear();
        };
        l.clear();
        push_hex(l, status, 8);
        field(l);
        if self.reltime {
            let t = (ns(pkt.ts) - self.start_ns.unwrap_or(0)).max(0);
            push_time(l, (t / 1_000_000_000) as u64, (t % 1_000_000_000) as u32);
        } else if (pkt.ts.nsec as i32) < 0 {
            // A broken fraction past 2^31 (nanosecond captures): the packet line shows it as
            // a signed 32-bit number, as the original (tcpdump/timestamp_invalid_nano.pcap:
            // 1418145370.-2147483648); the flow file shows it unsigned.
            push_u64(l, pkt.ts.sec);
            l.push(b'.');
            l.push(b'-');
            push_u64(l, (pkt.ts.nsec as i32).unsigned_abs() as u64);
        } else {
            push_time(l, pkt.ts.sec, pkt.ts.nsec);
        }
        field(l);
        push_f(l, iat, 9);
        field(l);
        push_f(l, trip, 9);
        field(l);
        push_f(l, t2_double_diff(flow.first_seen, flow.last_seen), 9);
        field(l);
        push_u64(l, pkt.num_hdrs as u64);
        field(l);
        l.extend_from_slice(pkt.hdr_desc());
        field(l);
        // The flow's VLAN tags (its first packet's), as the original prints them on every
        // packet line (zeek/vlan-pcp-dei.pcapng: a packet with one tag in a flow begun by a
        // packet with two shows both).
        let stored = self.flows.get(f).filter(|_| BFO_VLAN != 0).map(|st| (st.vlan, st.nvlan as usize));
        let vlans: &[u16] = match &stored {
            Some((v, n)) => &v[..*n],
            None => pkt.vlan_ids(),
        };
        for (k, v) in vlans.iter().enumerate() {
            if k > 0 {
                l.push(b';');
            }
            push_u64(l, *v as u64);
        }
        field(l);
        if pkt.status & (L2_NO_ETH | LAPD_FLOW) == 0 && pkt.mac_off != T2_OFF_NONE {
            let d = pkt.data();
            let m = pkt.mac_off as usize;
            let mut h = [0u8; 12];
            let n = d.len().saturating_sub(m).min(12);
            if n > 0 {
                h[..n].copy_from_slice(&d[m..m + n]);
            }
            push_mac(l, h[6..12].try_into().expect("6 bytes"));
            field(l);
            push_mac(l, h[0..6].try_into().expect("6 bytes"));
            field(l);
        } else {
            field(l);
            field(l);
        }
        push_hex(l, pkt.eth_type as u64, 2);
        field(l);
        let ports = matches!(pkt.l4_proto, 6 | 17 | 132 | 136);
        // A layer-2 flow of a bogus IP packet (eth:ipvx) or of a Juniper frame (whatever its
        // ethertype: tcpdump/juniper_*.pcap) shows the subnet columns' unknown values and
        // protocol 0; other layer-2 flows, without ethertype too (eth:llc), leave every IP
        // column empty.
        let ipvx = pkt.ip_ver == 0
            && (matches!(pkt.eth_type, 0x0800 | 0x86dd) || pkt.hdr_desc().starts_with(b"juniper"));
        for (ip, port) in [(&pkt.src_ip, pkt.src_port), (&pkt.dst_ip, pkt.dst_port)] {
            if pkt.ip_ver == 0 {
                field(l);
                if ipvx {
                    l.extend_from_slice(UNKNOWN_CC.as_bytes());
                }
                field(l);
                if ipvx {
                    l.extend_from_slice(UNKNOWN_ORG.as_bytes());
                }
                field(l);
                field(l);
                continue;
            }
            if pkt.ip_ver == 6 {
                push_ip6(l, ip);
            } else {
                push_ip4(l, ip[..4].try_into().expect("4 bytes"));
            }
            field(l);
            let (cc, org) = subnets.label(pkt.ip_ver, label_of(ip));
            l.extend_from_slice(cc.as_bytes());
            field(l);
            l.extend_from_slice(org.as_bytes());
            field(l);
            if ports {
                push_u64(l, port as u64);
            }
            field(l);
        }
        if pkt.ip_ver != 0 || ipvx {
            push_u64(l, pkt.l4_proto as u64);
        }
        field(l);
    }
}

impl Plugin for BasicFlow {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        use Scalar::*;
        if BFO_SENSORID != 0 {
            i.declare_column(Column::new("sensorID", "Sensor ID", U32))?;
        }
        i.declare_column(Column::new("flowStat", "Flow status and warnings", H64))?;
        i.declare_column(Column::new("timeFirst", "Date time of first packet", Time))?;
        i.declare_column(Column::new("timeLast", "Date time of last packet", Time))?;
        i.declare_column(Column::new("duration", "Flow duration", Time))?;
        i.declare_column(Column::new(
            "numHdrDesc",
            "Number of different headers descriptions",
            U8,
        ))?;
        i.declare_column(
            Column::new("numHdrs", "Number of headers (depth) in hdrDesc", U16).repeating(),
        )?;
        i.declare_column(Column::new("hdrDesc", "Headers description", SC).repeating())?;
        if BFO_MAC != 0 {
            i.declare_column(Column::new("srcMac", "Mac source", Mac).repeating())?;
            i.declare_column(Column::new("dstMac", "Mac destination", Mac).repeating())?;
        }
        if BFO_ETHERTYPE != 0 {
            i.declare_column(Column::new("ethType", "Ethernet type", H16))?;
        }
        if BFO_VLAN != 0 {
            i.declare_column(Column::new("vlanID", "VLAN IDs", U16).repeating())?;
        }
        for (dir, what) in [("src", "Source"), ("dst", "Destination")] {
            let name = |suffix: &str| format!("{dir}{suffix}");
            i.declare_column(Column::new(&name("IP"), &format!("{what} IP address"), Ipx))?;
            if SUBNET_CC {
                i.declare_column(Column::new(
                    &name("IPCC"),
                    &format!("{what} IP country"),
                    SC,
                ))?;
            }
            if SUBNET_ORG {
                i.declare_column(Column::new(
                    &name("IPOrg"),
                    &format!("{what} IP organization"),
                    S,
                ))?;
            }
            i.declare_column(Column::new(&name("Port"), &format!("{what} port"), U16))?;
        }
        i.declare_column(Column::new("l4Proto", "Layer 4 protocol", U8))?;

        let reltime = i.core_setting_int("RELTIME").unwrap_or(0) != 0;
        let packet_mode = i.packet_mode();
        if packet_mode {
            for c in [
                "flowStat", "time", "pktIAT", "pktTrip", "flowDuration", "numHdrs", "hdrDesc", "vlanID", "srcMac", "dstMac",
                "ethType", "srcIP", "srcIPCC", "srcIPOrg", "srcPort", "dstIP", "dstIPCC", "dstIPOrg", "dstPort", "l4Proto",
            ] {
                i.declare_packet_column(c)?;
            }
        }
        let subnets = if SUBNET_CC || SUBNET_ORG {
            Subnets::load(i, Path::new(i.plugin_dir()))
        } else {
            Subnets::default()
        };
        Ok(BasicFlow {
            subnets,
            flows: PerFlow::for_host(i),
            descs: Interner::default(),
            sensor_id: i.run().raw().sensor_id,
            reltime,
            start_ns: None,
            packet_mode,
            line: Vec::with_capacity(256),
        })
    }

    fn on_new_flow(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let Some(st) = self.flows.get_mut(f) else {
            return Ok(());
        };
        *st = FlowState::default();
        st.prev = pkt.ts;
        if SUBNET_CC || SUBNET_ORG {
            if let Some(flow) = host.flow(f) {
                st.src_label = self.subnets.label_id(flow.ip_ver, &flow.src_ip);
                st.dst_label = self.subnets.label_id(flow.ip_ver, &flow.dst_ip);
            }
        }
        if BFO_VLAN != 0 {
            let ids = pkt.vlan_ids();
            let n = ids.len().min(MAX_VLAN);
            st.vlan[..n].copy_from_slice(&ids[..n]);
            st.nvlan = n as u8;
        }
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        match f {
            Some(f) => {
                // (The packet line shows the flow status before this plugin's own bits.)
                let status = host.flow(f).map_or(0, |x| x.status);
                self.update(host, pkt, f);
                if self.packet_mode {
                    self.packet_columns(host, pkt, f, status);
                }
            }
            None => {
                if self.reltime && self.start_ns.is_none() {
                    self.start_ns = Some(ns(pkt.ts));
                }
            }
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let status = if self.packet_mode { host.flow(f).map_or(0, |x| x.status) } else { 0 };
        self.update(host, pkt, f);
        if self.packet_mode {
            self.packet_columns(host, pkt, f, status);
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let flow = *host.flow(f).ok_or("flow index out of range")?;
        let st = self.flows.get(f).copied().unwrap_or_default();
        if BFO_SENSORID != 0 {
            out.u32(self.sensor_id);
        }
        out.u64(flow.status);
        let (first, last) = (ns(flow.first_seen), ns(flow.last_seen));
        let base = if self.reltime {
            self.start_ns.unwrap_or(0)
        } else {
            0
        };
        if self.reltime {
            push_time(out, first - base);
            push_time(out, last - base);
        } else {
            // As received: a broken capture's out-of-range fraction is printed as the original
            // prints it (e.g. `1418145370.1000000000`).
            out.time(flow.first_seen.sec, flow.first_seen.nsec);
            out.time(flow.last_seen.sec, flow.last_seen.nsec);
        }
        let (dsec, dnsec) = duration(flow.first_seen, flow.last_seen);
        out.time(dsec, dnsec);
        let n = st.ndesc as usize;
        out.u8(st.ndesc);
        out.repeat(n as u32);
        for &h in &st.num_hdrs[..n] {
            out.u16(h);
        }
        out.repeat(n as u32);
        for &id in &st.desc[..n] {
            out.bytes_str(self.descs.get(id));
        }
        if BFO_MAC != 0 {
            out.repeat(st.nsrc as u32);
            for m in &st.src_mac[..st.nsrc as usize] {
                out.mac(*m);
            }
            out.repeat(st.ndst as u32);
            for m in &st.dst_mac[..st.ndst as usize] {
                out.mac(*m);
            }
        }
        if BFO_ETHERTYPE != 0 {
            out.u16(flow.eth_type);
        }
        if BFO_VLAN != 0 {
            out.repeat(st.nvlan as u32);
            for &v in &st.vlan[..st.nvlan as usize] {
                out.u16(v);
            }
        }
        for (ip, port, label) in [
            (&flow.src_ip, flow.src_port, st.src_label),
            (&flow.dst_ip, flow.dst_port, st.dst_label),
        ] {
            out.ipx(flow.ip_ver, ip);
            let (cc, org) = self.subnets.label(flow.ip_ver, label);
            if SUBNET_CC {
                out.str(cc);
            }
            if SUBNET_ORG {
                out.str(org);
            }
            out.u16(port);
        }
        out.u8(flow.l4_proto);
        Ok(())
    }
}

t2_plugin::export_plugin!(
    BasicFlow,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate]
);

#[cfg(test)]
mod duration_tests {
    use super::duration;
    use t2_plugin::abi::T2Time;

    fn t(sec: u64, nsec: u32) -> T2Time {
        T2Time { sec, nsec, _pad: 0 }
    }

    /// Values from the original's output (tcpdump/kday4.pcap, pcapng-test-generator test102).
    #[test]
    fn backwards_time_wraps_like_the_original() {
        assert_eq!(
            duration(t(1416849573, 703625000), t(1416849573, 703113000)),
            (4294967295, 999488000)
        );
        assert_eq!(
            duration(t(1340954905, 298858000), t(0, 0)),
            (2954012390, 701142000)
        );
        assert_eq!(duration(t(10, 500), t(12, 400)), (1, 999999900));
        // tcpdump/timestamp_invalid_nano.pcap: a fraction of 2147483648 counts as negative.
        assert_eq!(
            duration(t(1418145369, 999999999), t(1418145370, 2147483648)),
            (0, 2147483649)
        );
    }
}
