//! connStat (T2 plugin 500): connection counts between IP addresses and ports (spec §4.6), as
//! they stand when each flow ends, and the end-report lines.
//!
//! Columns: `connSip connDip connSipDip connSipDprt connF connG connNumPCnt connNumBCnt`.
//!
//! Behaviour of the original, read off its outputs (`../shared/conformance`):
//! - Every IP flow is oriented by its initiator: `(s, d, dport)` is its source address,
//!   destination address and destination port, swapped (`dst, src, srcPort`) when the flow has
//!   `L3FLOWINVERT` (a B flow, or a lone flow the heuristics or icmpDecode inverted).
//! - A new flow counts once in `pairs[(s, d)]` and in `ports[(s, dport)]` (so an A/B pair counts
//!   twice). The first flow of a pair `(s, d)` adds one "connection" to `sources[s]` (distinct
//!   destinations of `s`) and to `destinations[d]` (distinct sources of `d`).
//! - Every packet of an IP flow adds one packet and its layer-7 length to `sources[packet's
//!   source address]`, inserting the address if needed (with no connection, counters from 0).
//! - When a flow ends its columns are written, then (`CS_HSDRM`) its counts are taken back: an
//!   entry whose count reaches 0 is removed (a source entry with its packet counters, even when
//!   flows still send from that address).
//! - `connSip`/`connDip` are `sources[s]`/`destinations[d]` for a flow that is not inverted, and
//!   `destinations[d]`/`sources[s]` for an inverted one (the counts of its own source and
//!   destination address). `connNumPCnt`/`connNumBCnt` are the packet and byte counters of the
//!   flow's source address. An address no longer in `sources` reads as the original reads it:
//!   0 packets and 4198402 bytes (out of its array: the allocator's header of the 4 MiB block).
//! - The source table reuses freed slots last-freed first, and a new flow inserting its
//!   initiator does not clear the slot: the address starts from the packet and byte counters
//!   its slot's previous address left there.
//! - `connF = connSipDprt / connSip`, `connG = connSipDprt / connSipDip` (floats).
//! - Layer-2 flows have no address: all columns are 0.
//!
//! End report (only when there was an IP flow): the addresses inserted into `sources` /
//! `destinations` by a new flow (never decremented); the highest `connSipDip` and
//! `connSipDprt` written, and `connF`/`connG` from them; the initiator and responder with the
//! most connections, taken when a new flow raises them (first one wins); the biggest
//! `connNumPCnt`/`connNumBCnt` written with the flow's source address (the bytes line only
//! when above 0), as percentages of all packets and of the bytes of packets in flows.

#![allow(non_snake_case)]

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small fast hasher for the address keys (the tables are looked up for every packet;
/// SipHash's flood resistance buys nothing on keys read from a capture file).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.0 = (self.0 ^ u64::from_le_bytes(w)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0 ^ i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.0 = (self.0 ^ i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0 ^ i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<FastHasher>>;
use std::fmt::Write as _;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::{
    Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar, Writer,
};

t2_plugin::config_module!();

/// The length a packet adds to the flow's byte counts: the core's `T2Packet::len`, except for
/// an IPv4 packet whose total length is shorter than its headers: the original computes the
/// layer-7 length as a 16-bit value that wraps (its packet-mode `l7Len` shows e.g. 65528) but
/// counts 0 for the flow (IPv6 packets count the wrapped value). A wrapped length is
/// recognised by exceeding the IP length.
/// (A workaround: the core's `T2Packet::len` should itself be 0 for such a packet.)
#[inline]
pub fn packet_len(pkt: &t2_plugin::abi::T2Packet) -> u32 {
    if pkt.ip_ver == 4 && pkt.len > pkt.l3_len {
        0
    } else {
        pkt.len
    }
}

/// An IP address with its version (IPv4 in the first 4 bytes).
pub type Ip = (u8, [u8; 16]);

/// What the original reads for an address that is not in its source table: packets 0, bytes
/// 4198402 (the allocator's chunk header in front of its 262144 × 16-byte array).
pub const MISSING_COUNTS: (u64, u64) = (0, 4_198_402);

/// A hash table over slots as T2's: slots from a LIFO free list (0, 1, 2, ... first; the
/// last freed slot is taken next), values in arrays indexed by slot, not cleared on reuse.
#[derive(Debug, Default)]
pub struct SlotMap<K> {
    map: HashMap<K, u32>,
    free: Vec<u32>,
    next: u32,
}

impl<K: std::hash::Hash + Eq + Copy> SlotMap<K> {
    pub fn get(&self, k: &K) -> Option<u32> {
        self.map.get(k).copied()
    }

    /// The slot of `k`, inserting it; `true` when it was inserted.
    pub fn insert(&mut self, k: K) -> (u32, bool) {
        if let Some(&s) = self.map.get(&k) {
            return (s, false);
        }
        let s = self.free.pop().unwrap_or_else(|| {
            self.next += 1;
            self.next - 1
        });
        self.map.insert(k, s);
        (s, true)
    }

    pub fn remove(&mut self, k: &K) {
        if let Some(s) = self.map.remove(k) {
            self.free.push(s);
        }
    }

    /// Number of slots ever used (array length needed).
    pub fn slots(&self) -> usize {
        self.next as usize
    }
}

/// Per source address: distinct destinations, packets and bytes sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SrcCounts {
    pub conns: u32,
    pub pkts: u64,
    pub bytes: u64,
}

/// The global connection tables.
#[derive(Debug, Default)]
pub struct Tables {
    src: SlotMap<Ip>,
    src_vals: Vec<SrcCounts>,
    dst: HashMap<Ip, u32>,
    pairs: HashMap<(Ip, Ip), u32>,
    ports: HashMap<(Ip, u16), u32>,
    /// Addresses inserted into the source / destination table by a new flow (never
    /// decremented).
    pub unique_src: u64,
    pub unique_dst: u64,
}

/// Orientation of one flow: initiator, responder, responder's port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Orient {
    pub s: Ip,
    pub d: Ip,
    pub dport: u16,
    pub inverted: bool,
}

/// The column values of one flow.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Values {
    pub sip: u32,
    pub dip: u32,
    pub sip_dip: u32,
    pub sip_dprt: u32,
    pub f: f32,
    pub g: f32,
    pub pkts: u64,
    pub bytes: u64,
}

impl Tables {
    fn src_slot(&mut self, ip: Ip) -> (u32, bool) {
        let (s, new) = self.src.insert(ip);
        if self.src_vals.len() < self.src.slots() {
            self.src_vals.resize(self.src.slots(), SrcCounts::default());
        }
        (s, new)
    }

    /// A new flow; returns the connection counts of its initiator and responder.
    pub fn new_flow(&mut self, o: &Orient) -> (u32, u32) {
        let pair = self.pairs.entry((o.s, o.d)).or_insert(0);
        if *pair == 0 {
            let (s, new) = self.src_slot(o.s);
            if new {
                self.unique_src += 1;
            }
            self.src_vals[s as usize].conns += 1;
            let d = self.dst.entry(o.d).or_insert(0);
            if *d == 0 {
                self.unique_dst += 1;
            }
            *d += 1;
        }
        *self.pairs.get_mut(&(o.s, o.d)).expect("inserted above") += 1;
        *self.ports.entry((o.s, o.dport)).or_insert(0) += 1;
        let s = self
            .src
            .get(&o.s)
            .map_or(0, |i| self.src_vals[i as usize].conns);
        (s, self.dst.get(&o.d).copied().unwrap_or(0))
    }

    /// A packet from `src` carrying `len` bytes. An address the packet inserts starts from
    /// zero (unlike one a new flow inserts, which keeps what its slot held).
    pub fn packet(&mut self, src: Ip, len: u64) {
        let (s, new) = self.src_slot(src);
        let v = &mut self.src_vals[s as usize];
        if new {
            *v = SrcCounts::default();
        }
        v.pkts += 1;
        v.bytes += len;
    }

    /// Packet and byte counters of `ip`'s source entry, or what the original reads without one.
    pub fn counts(&self, ip: &Ip) -> (u64, u64) {
        self.src.get(ip).map_or(MISSING_COUNTS, |s| {
            let v = self.src_vals[s as usize];
            (v.pkts, v.bytes)
        })
    }

    /// The values of a flow about to end (`src` is its own source address).
    pub fn values(&self, o: &Orient, src: &Ip) -> Values {
        let s = self
            .src
            .get(&o.s)
            .map_or(0, |i| self.src_vals[i as usize].conns);
        let d = self.dst.get(&o.d).copied().unwrap_or(0);
        let (sip, dip) = if o.inverted { (d, s) } else { (s, d) };
        let sip_dip = self.pairs.get(&(o.s, o.d)).copied().unwrap_or(0);
        let sip_dprt = self.ports.get(&(o.s, o.dport)).copied().unwrap_or(0);
        let (pkts, bytes) = self.counts(src);
        Values {
            sip,
            dip,
            sip_dip,
            sip_dprt,
            f: sip_dprt as f32 / sip as f32,
            g: sip_dprt as f32 / sip_dip as f32,
            pkts,
            bytes,
        }
    }

    /// A flow ended: its counts are taken back, emptied entries removed.
    pub fn end_flow(&mut self, o: &Orient) {
        if let Some(p) = self.pairs.get_mut(&(o.s, o.d)) {
            *p -= 1;
            if *p == 0 {
                self.pairs.remove(&(o.s, o.d));
                if let Some(i) = self.src.get(&o.s) {
                    let v = &mut self.src_vals[i as usize];
                    v.conns = v.conns.saturating_sub(1);
                    if v.conns == 0 {
                        self.src.remove(&o.s);
                    }
                }
                if let Some(d) = self.dst.get_mut(&o.d) {
                    *d -= 1;
                    if *d == 0 {
                        self.dst.remove(&o.d);
                    }
                }
            }
        }
        if let Some(p) = self.ports.get_mut(&(o.s, o.dport)) {
            *p -= 1;
            if *p == 0 {
                self.ports.remove(&(o.s, o.dport));
            }
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct FlowState {
    /// `None` for layer-2 flows.
    orient: Option<Orient>,
}

/// A maximum over the ended flows (first flow reaching it wins) and the address it belongs to.
#[derive(Debug, Default)]
struct Max {
    value: u64,
    addr: String,
}

impl Max {
    fn offer(&mut self, v: u64, addr: impl FnOnce() -> String) {
        if v > self.value {
            self.value = v;
            self.addr = addr();
        }
    }
}

pub struct ConnStat {
    flows: PerFlow<FlowState>,
    t: Tables,
    /// Packets of the run (the highest packet number: packets without data reach no plugin);
    /// captured bytes of the packets that belong to a flow.
    total_pkts: u64,
    flow_bytes: u64,
    ip_flows: bool,
    max_sip_dip: u64,
    max_sip_dprt: u64,
    max_src: Max,
    max_dst: Max,
    max_pkts: Max,
    max_bytes: Max,
}

fn ip_of(ver: u8, a: &[u8; 16]) -> Ip {
    (ver, *a)
}

fn ip_text(ip: &Ip) -> String {
    let mut v = Vec::with_capacity(40);
    if ip.0 == 6 {
        t2_plugin::fmt::push_ip6(&mut v, &ip.1);
    } else {
        let a: [u8; 4] = ip.1[..4].try_into().unwrap_or_default();
        t2_plugin::fmt::push_ip4(&mut v, &a);
    }
    String::from_utf8_lossy(&v).into_owned()
}

/// ` (1.02 K)` for values ≥ 1024 (T2's human-readable numbers).
pub fn hr_suffix(v: u64) -> String {
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

fn pct(part: u64, total: u64) -> String {
    let p = if total > 0 {
        100.0 * part as f64 / total as f64
    } else {
        0.0
    };
    format!("[{p:.2}%]")
}

impl Plugin for ConnStat {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        use Scalar::*;
        for (name, desc, ty) in [
            ("connSip", "Number of unique source IPs", U32),
            ("connDip", "Number of unique destination IPs", U32),
            (
                "connSipDip",
                "Number of connections between source and destination IP",
                U32,
            ),
            (
                "connSipDprt",
                "Number of connections between source IP and destination port",
                U32,
            ),
            (
                "connF",
                "The 'f' number: connSipDprt / connSip [EXPERIMENTAL]",
                F,
            ),
            (
                "connG",
                "The 'g' number: connSipDprt / connSipDip [EXPERIMENTAL]",
                F,
            ),
            (
                "connNumPCnt",
                "Number of unique IP's source packet count",
                U64,
            ),
            (
                "connNumBCnt",
                "Number of unique IP's source byte count",
                U64,
            ),
        ] {
            i.declare_column(Column::new(name, desc, ty))?;
        }
        Ok(ConnStat {
            flows: PerFlow::for_host(i),
            t: Tables::default(),
            total_pkts: 0,
            flow_bytes: 0,
            ip_flows: false,
            max_sip_dip: 0,
            max_sip_dprt: 0,
            max_src: Max::default(),
            max_dst: Max::default(),
            max_pkts: Max::default(),
            max_bytes: Max::default(),
        })
    }

    fn on_new_flow(&mut self, host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let flow = *host.flow(f).ok_or("flow index out of range")?;
        let st = self.flows.reset(f);
        if flow.ip_ver != 4 && flow.ip_ver != 6 {
            return Ok(());
        }
        let (src, dst) = (
            ip_of(flow.ip_ver, &flow.src_ip),
            ip_of(flow.ip_ver, &flow.dst_ip),
        );
        let inverted = flow.status & L3FLOWINVERT != 0;
        let o = if inverted {
            Orient {
                s: dst,
                d: src,
                dport: flow.src_port,
                inverted,
            }
        } else {
            Orient {
                s: src,
                d: dst,
                dport: flow.dst_port,
                inverted,
            }
        };
        st.orient = Some(o);
        let (sc, dc) = self.t.new_flow(&o);
        // The addresses with the most connections, as they are reached (first one wins).
        self.max_src.offer(sc as u64, || ip_text(&o.s));
        self.max_dst.offer(dc as u64, || ip_text(&o.d));
        self.ip_flows = true;
        Ok(())
    }

    fn on_layer2(&mut self, _host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        match f {
            None => self.total_pkts = self.total_pkts.max(pkt.pkt_no),
            Some(_) => self.flow_bytes += pkt.caplen as u64,
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flow_bytes += pkt.caplen as u64;
        let flow = host.flow(f).ok_or("flow index out of range")?;
        if flow.ip_ver == 4 || flow.ip_ver == 6 {
            self.t
                .packet(ip_of(flow.ip_ver, &flow.src_ip), packet_len(pkt) as u64);
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let flow = *host.flow(f).ok_or("flow index out of range")?;
        let Some(o) = self.flows.get(f).and_then(|s| s.orient) else {
            for _ in 0..4 {
                out.u32(0);
            }
            out.f32(0.0);
            out.f32(0.0);
            out.u64(0);
            out.u64(0);
            return Ok(());
        };
        let src = ip_of(flow.ip_ver, &flow.src_ip);
        let v = self.t.values(&o, &src);
        out.u32(v.sip);
        out.u32(v.dip);
        out.u32(v.sip_dip);
        out.u32(v.sip_dprt);
        out.f32(v.f);
        out.f32(v.g);
        out.u64(v.pkts);
        out.u64(v.bytes);

        self.max_sip_dip = self.max_sip_dip.max(v.sip_dip as u64);
        self.max_sip_dprt = self.max_sip_dprt.max(v.sip_dprt as u64);
        self.max_pkts.offer(v.pkts, || ip_text(&src));
        self.max_bytes.offer(v.bytes, || ip_text(&src));

        if config::CS_HSDRM != 0 {
            self.t.end_flow(&o);
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut Writer<'_>) -> Result<()> {
        if !self.ip_flows {
            return Ok(());
        }
        let name = "\x1b[1mconnStat:\x1b[0m";
        let num = |v: u64| format!("{v}{}", hr_suffix(v));
        let (ns, nd) = (self.t.unique_src, self.t.unique_dst);
        let mut s = String::new();
        let _ = writeln!(s, "{name} Number of unique source IPs: {}", num(ns));
        let _ = writeln!(s, "{name} Number of unique destination IPs: {}", num(nd));
        let _ = writeln!(
            s,
            "{name} Number of unique source/destination IPs connections: {}",
            num(self.max_sip_dip)
        );
        let _ = writeln!(
            s,
            "{name} Max unique number of source IP / destination port connections: {}",
            num(self.max_sip_dprt)
        );
        let f = self.max_sip_dprt as f32 / ns as f32;
        let g = self.max_sip_dprt as f32 / self.max_sip_dip as f32;
        let _ = writeln!(s, "{name} IP connF=connSipDprt/connSip: {:.6}", f as f64);
        let _ = writeln!(s, "{name} IP connG=connSipDprt/connSipDip: {:.6}", g as f64);
        let _ = writeln!(
            s,
            "{name} Source IP with max connections: {}: {} connections",
            self.max_src.addr,
            num(self.max_src.value)
        );
        let _ = writeln!(
            s,
            "{name} Destination IP with max connections: {}: {} connections",
            self.max_dst.addr,
            num(self.max_dst.value)
        );
        let _ = writeln!(
            s,
            "{name} Biggest L3 talker: {}: {} {} packets",
            self.max_pkts.addr,
            num(self.max_pkts.value),
            pct(self.max_pkts.value, self.total_pkts)
        );
        if self.max_bytes.value > 0 {
            let _ = writeln!(
                s,
                "{name} Biggest L3 talker: {}: {} {} bytes",
                self.max_bytes.addr,
                num(self.max_bytes.value),
                pct(self.max_bytes.value, self.flow_bytes)
            );
        }
        w.text(&s);
        Ok(())
    }
}

t2_plugin::export_plugin!(
    ConnStat,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate, report]
);
