//! basicStats (T2 plugin 120): per-flow packet and byte counts, packet size and inter-arrival
//! time (IAT) statistics, rates and stream asymmetries (spec §4.2), and the end-report lines
//! (largest average packet load, largest bit rate, biggest layer-2 and layer-3 flow talkers).
//!
//! Default columns (as T2 0.9.3's `_headers.txt`): `pktsSnt pktsRcvd padBytesSnt l7BytesSnt
//! l7BytesRcvd minL7PktSz maxL7PktSz avgL7PktSz stdL7PktSz minIAT maxIAT avgIAT stdIAT pktps
//! bytps pktAsm bytAsm`. The `l7`/`L7` of the names follows the core's `PACKETLENGTH` (0 `l2`,
//! 1 `l3`, 2 `l4`, 3 `l7`), like the length the core hands over in `T2Packet::len`.
//!
//! Arithmetic as the original's, so the printed digits match:
//! - sizes and IATs use running moments in single precision, with `n` the packet count:
//!   `m = x − avg; avg += m/n; var += (m² − var)/n` (not Welford); the size average starts at
//!   the first packet's length, the IAT average at 0 (the first packet's IAT);
//! - an IAT is `(u32)(Δsec) + (float)(Δnsec)/1e9` (a backwards step in seconds wraps, the
//!   fraction difference is signed and not borrowed), rounded to a float;
//! - rates divide by the flow duration as a float, `sec + (i32)nsec/1e9` of the duration
//!   basicFlow prints; they are 0 when the duration is 0 (a negative duration still divides);
//! - `pktAsm = (snt − rcvd)/(snt + rcvd)`, negated for a lone flow that was inverted
//!   (`L3FLOWINVERT`); `bytAsm` is never negated.
//!
//! End report: the largest average packet size of a flow (`Flow max(pktload)`, truncated),
//! the largest `bytps × 8` with that flow's packets, and per layer (L2 flows, then IP flows,
//! each only when there was one) the flows that sent the most packets and bytes, with their
//! source address (an L2 flow's source MAC as its first frame's bytes 6..12), as percentages
//! of all packets and of the captured bytes of packets in flows. A maximum is taken over the
//! flows in the order they end, the first one reaching it wins.
//!
//! Packet-mode columns are not implemented yet (none is declared).

#![allow(non_snake_case)]

use std::fmt::Write as _;
use t2_plugin::abi::T2Time;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::{
    Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar, Writer,
};

t2_plugin::config_module!();
use config::*;

const REV_CNT: bool = BS_REV_CNT != 0;
const PAD: bool = BS_PAD != 0;
const STATS: bool = BS_STATS != 0;
const PL_STATS: bool = STATS && BS_PL_STATS != 0;
const IAT_STATS: bool = STATS && BS_IAT_STATS != 0;
const VAR: bool = BS_VAR != 0;
const STDDEV: bool = BS_STDDEV != 0;
const SK: bool = VAR && BS_SK != 0;
/// Higher moments are kept only when printed.
const MOMENTS: bool = SK;

/// Running moments of one series, in single precision (T2's formulas).
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Moments {
    pub avg: f32,
    pub var: f32,
    pub skew: f32,
    pub kurt: f32,
}

impl Moments {
    /// Adds the `n`-th value `x` (n ≥ 1).
    #[inline]
    pub fn add(&mut self, x: f32, n: f32) {
        let m = x - self.avg;
        self.avg += m / n;
        let m2 = m * m;
        self.var += (m2 - self.var) / n;
        if MOMENTS {
            self.skew += (m2 * m - self.skew) / n;
            self.kurt += (m2 * m2 - self.kurt) / n;
        }
    }

    pub fn std(&self) -> f32 {
        self.var.sqrt()
    }

    /// `skew / var^1.5`
    pub fn skewness(&self) -> f32 {
        self.skew / (self.var * self.var.sqrt())
    }

    /// `kurt / var²`
    pub fn kurtosis(&self) -> f32 {
        self.kurt / (self.var * self.var)
    }
}

/// What basicStats keeps per flow.
#[derive(Clone, Copy, Debug)]
struct FlowState {
    pkts: u64,
    bytes: u64,
    min_sz: u16,
    max_sz: u16,
    size: Moments,
    /// Time of the previous packet of the flow.
    last: T2Time,
    /// Source MAC address of the first packet as the original reads it (the first 12 bytes
    /// of the layer-2 header taken as an Ethernet header), for the layer-2 talker.
    mac: Option<[u8; 6]>,
    min_iat: f32,
    max_iat: f32,
    iat: Moments,
}

impl Default for FlowState {
    fn default() -> Self {
        FlowState {
            pkts: 0,
            bytes: 0,
            min_sz: u16::MAX,
            max_sz: 0,
            size: Moments::default(),
            last: T2Time::default(),
            mac: None,
            min_iat: f32::MAX,
            max_iat: -f32::MAX,
            iat: Moments::default(),
        }
    }
}

/// The length a packet adds to the flow's byte counts: the core's `T2Packet::len`, except for
/// an IPv4 packet whose total length is shorter than its headers: the original computes the
/// layer-7 length as a 16-bit value that wraps (its packet-mode `l7Len` shows e.g. 65528) but
/// counts 0 for the flow (IPv6 packets count the wrapped value). A wrapped length is
/// recognised by exceeding the IP length (only when the length is the L7 one: PACKETLENGTH=3).
/// (A workaround: the core's `T2Packet::len` should itself be 0 for such a packet.)
#[inline]
pub fn packet_len(pkt: &t2_plugin::abi::T2Packet) -> u32 {
    if pkt.ip_ver == 4 && pkt.len > pkt.l3_len && pkt.len == pkt.l7_len {
        0
    } else {
        pkt.len
    }
}

/// Packet mode: `pktLen` (the frame on the wire), the captured lengths from L3, L4 and L7,
/// the declared IP length, the UDP length field (UDP first fragments, else 0), the L7 length
/// and the Ethernet padding.
fn packet_columns(host: &Host, pkt: &Packet<'_>) {
    let p: &t2_plugin::abi::T2Packet = pkt;
    // (IPv4: flags and offset; IPv6: the fragment header's offset and M field.)
    let first = if p.ip_ver == 6 { p.ip_frag & 0xfff8 == 0 } else { p.ip_frag & 0x1fff == 0 };
    let udp_len = if p.l4_proto == 17 && p.l4_off != t2_plugin::abi::T2_OFF_NONE && first {
        let o = p.l4_off as usize;
        let d = pkt.data();
        if o + 6 <= d.len() { u16::from_be_bytes([d[o + 4], d[o + 5]]) as u32 } else { 0 }
    } else {
        0
    };
    // The original keeps the captured L4 and L7 lengths in 16-bit fields: a packet captured
    // beyond 65535 bytes from its L4 header (BIG TCP, jumbo frames) shows them wrapped.
    let (snap_l4, snap_l7) = (p.snap_l4_len as u16 as u32, p.snap_l7_len as u16 as u32);
    for v in [p.wirelen, p.snap_l3_len, snap_l4, snap_l7, p.l3_len, udp_len, p.l7_len, p.pad_len] {
        host.packet_field(&v.to_string());
    }
}

/// The inter-arrival time from `prev` to `now` as the original computes it: the seconds
/// difference as an unsigned 32-bit value (a step back wraps), the difference of the fractions
/// (signed, no borrow) converted to a float and divided by 1e9, the sum rounded to a float.
pub fn iat(prev: T2Time, now: T2Time) -> f32 {
    let sec = now.sec.wrapping_sub(prev.sec) as u32;
    let nsec = now.nsec as i32 as i64 - prev.nsec as i32 as i64;
    (sec as f64 + (nsec as f32) as f64 / 1e9) as f32
}

/// The flow duration as basicFlow prints it (`last − first`, one borrow, seconds kept in 32
/// bits), as the float the rates divide by: `sec + (i32)nsec / 1e9`.
pub fn duration_f32(first: T2Time, last: T2Time) -> f32 {
    let mut sec = last.sec as i64 - first.sec as i64;
    let mut nsec = last.nsec as i32 as i64 - first.nsec as i32 as i64;
    if nsec < 0 {
        nsec += 1_000_000_000;
        sec -= 1;
    }
    (sec as u32 as f64 + (nsec as u32 as i32) as f64 / 1e9) as f32
}

/// ` (1.02 K)` for values ≥ 1024: the unit index is `floor(log2(v) / 10)`, the divisor
/// `1000^index` (T2's human-readable numbers); `unit` follows the letter (`b/s`).
pub fn hr_suffix(v: u64, unit: &str) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = (((63 - v.leading_zeros()) / 10) as usize).min(UNITS.len() - 1);
    let x = v as f64 / 1000f64.powi(idx as i32);
    format!(" ({x:.2} {}{unit})", UNITS[idx])
}

/// `[p.pp%]` of `part` in `total` (0 when total is 0).
fn pct(part: u64, total: u64) -> String {
    let p = if total > 0 {
        100.0 * part as f64 / total as f64
    } else {
        0.0
    };
    format!("[{p:.2}%]")
}

/// The biggest talkers of one layer (flows of that layer terminated so far).
#[derive(Default, Debug)]
struct Talkers {
    seen: bool,
    pkts: u64,
    pkts_addr: String,
    bytes: u64,
    bytes_addr: String,
}

/// The talker's address: the source IP, or for a layer-2 flow the source MAC address.
fn addr_text(flow: &t2_plugin::abi::T2Flow, mac: Option<[u8; 6]>) -> String {
    let mut v = Vec::with_capacity(40);
    match flow.ip_ver {
        4 => {
            let a: [u8; 4] = flow.src_ip[..4].try_into().unwrap_or_default();
            t2_plugin::fmt::push_ip4(&mut v, &a);
        }
        6 => t2_plugin::fmt::push_ip6(&mut v, &flow.src_ip),
        _ => t2_plugin::fmt::push_mac(&mut v, &mac.unwrap_or(flow.src_mac)),
    }
    String::from_utf8_lossy(&v).into_owned()
}

/// The source MAC address the original reads for a packet: bytes 6..12 of the layer-2 header
/// whose MACs the flow records (an 802.11 header too), when it has one.
fn packet_src_mac(pkt: &Packet<'_>) -> Option<[u8; 6]> {
    use t2_plugin::abi::flow_stat::{L2_NO_ETH, LAPD_FLOW};
    if pkt.status & (L2_NO_ETH | LAPD_FLOW) != 0 {
        return None;
    }
    let h = pkt.mac_header()?;
    // Bytes past the capture read as zeros (as basicFlow's srcMac).
    let mut m = [0u8; 6];
    if let Some(b) = h.get(6..) {
        let n = b.len().min(6);
        m[..n].copy_from_slice(&b[..n]);
    }
    Some(m)
}

pub struct BasicStats {
    flows: PerFlow<FlowState>,
    /// Packets of the run (the report's percentages of packets): the highest packet number
    /// seen (packets without data reach no plugin but are counted by the core).
    total_pkts: u64,
    /// Captured bytes of the packets that belong to a flow (the percentages of bytes).
    flow_bytes: u64,
    max_load: f32,
    max_bps: f32,
    max_bps_pkts: u64,
    l2: Talkers,
    l3: Talkers,
    /// `-s`: write the packet columns (pktLen ... padLen).
    packet_mode: bool,
}

impl BasicStats {
    #[inline]
    fn update(&mut self, pkt: &Packet<'_>, f: FlowIndex) {
        self.flow_bytes += pkt.caplen as u64;
        let Some(st) = self.flows.get_mut(f) else {
            return;
        };
        st.pkts += 1;
        let len = packet_len(pkt);
        st.bytes += len as u64;
        if STATS {
            let n = st.pkts as f32;
            if PL_STATS {
                let sz = len as u16;
                st.min_sz = st.min_sz.min(sz);
                st.max_sz = st.max_sz.max(sz);
                st.size.add(len as f32, n);
            }
            if IAT_STATS {
                let x = iat(st.last, pkt.ts);
                st.last = pkt.ts;
                if x < st.min_iat {
                    st.min_iat = x;
                }
                if x > st.max_iat {
                    st.max_iat = x;
                }
                st.iat.add(x, n);
            }
        }
    }
}

impl Plugin for BasicStats {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        use Scalar::*;
        let (lo, up, layer) = match i.core_setting_int("PACKETLENGTH").unwrap_or(3) {
            0 => ("l2", "L2", "layer 2"),
            1 => ("l3", "L3", "layer 3"),
            2 => ("l4", "L4", "layer 4"),
            _ => ("l7", "L7", "layer 7"),
        };
        i.declare_column(Column::new("pktsSnt", "Number of transmitted packets", U64))?;
        if REV_CNT {
            i.declare_column(Column::new("pktsRcvd", "Number of received packets", U64))?;
        }
        if PAD {
            i.declare_column(Column::new(
                "padBytesSnt",
                "Number of transmitted padding bytes",
                I64,
            ))?;
        }
        i.declare_column(Column::new(
            &format!("{lo}BytesSnt"),
            &format!("Number of transmitted {layer} bytes"),
            U64,
        ))?;
        if REV_CNT {
            i.declare_column(Column::new(
                &format!("{lo}BytesRcvd"),
                &format!("Number of received {layer} bytes"),
                U64,
            ))?;
        }
        let moments = |i: &mut Init<'_>, what: &str, desc: &str| -> Result<()> {
            i.declare_column(Column::new(
                &format!("avg{what}"),
                &format!("Average {desc}"),
                F,
            ))?;
            if STDDEV {
                i.declare_column(Column::new(
                    &format!("std{what}"),
                    &format!("Standard deviation {desc}"),
                    F,
                ))?;
            }
            if VAR {
                i.declare_column(Column::new(
                    &format!("var{what}"),
                    &format!("Variance {desc}"),
                    F,
                ))?;
            }
            if SK {
                i.declare_column(Column::new(
                    &format!("skew{what}"),
                    &format!("Skewness {desc}"),
                    F,
                ))?;
                i.declare_column(Column::new(
                    &format!("kur{what}"),
                    &format!("Kurtosis {desc}"),
                    F,
                ))?;
            }
            Ok(())
        };
        if PL_STATS {
            let sz = format!("{up}PktSz");
            let desc = format!("{layer} packet size");
            i.declare_column(Column::new(
                &format!("min{sz}"),
                &format!("Minimum {desc}"),
                U16,
            ))?;
            i.declare_column(Column::new(
                &format!("max{sz}"),
                &format!("Maximum {desc}"),
                U16,
            ))?;
            moments(i, &sz, &desc)?;
        }
        if IAT_STATS {
            i.declare_column(Column::new("minIAT", "Minimum IAT", F))?;
            i.declare_column(Column::new("maxIAT", "Maximum IAT", F))?;
            moments(i, "IAT", "IAT")?;
        }
        if STATS {
            i.declare_column(Column::new("pktps", "Sent packets per second", F))?;
            i.declare_column(Column::new("bytps", "Sent bytes per second", F))?;
            i.declare_column(Column::new("pktAsm", "Packet stream asymmetry", F))?;
            i.declare_column(Column::new("bytAsm", "Byte stream asymmetry", F))?;
        }
        let packet_mode = i.packet_mode();
        if packet_mode {
            for c in ["pktLen", "snapL3Len", "snapL4Len", "snapL7Len", "l3Len", "udpLen", "l7Len", "padLen"] {
                i.declare_packet_column(c)?;
            }
        }
        Ok(BasicStats {
            packet_mode,
            flows: PerFlow::for_host(i),
            total_pkts: 0,
            flow_bytes: 0,
            max_load: 0.0,
            max_bps: 0.0,
            max_bps_pkts: 0,
            l2: Talkers::default(),
            l3: Talkers::default(),
        })
    }

    fn on_new_flow(&mut self, _host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let st = self.flows.reset(f);
        // The size average starts at the first packet's length.
        st.size.avg = packet_len(pkt) as f32;
        st.last = pkt.ts;
        st.mac = packet_src_mac(pkt);
        Ok(())
    }

    fn on_layer2(&mut self, _host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        match f {
            None => self.total_pkts = self.total_pkts.max(pkt.pkt_no),
            Some(f) => {
                self.update(pkt, f);
                if self.packet_mode {
                    packet_columns(_host, pkt);
                }
            }
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.update(pkt, f);
        if self.packet_mode {
            packet_columns(host, pkt);
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let flow = *host.flow(f).ok_or("flow index out of range")?;
        let st = self.flows.get(f).copied().unwrap_or_default();
        let opp = host.opposite(f);
        let (rpkts, rbytes) = opp
            .and_then(|o| self.flows.get(o))
            .map_or((0, 0), |o| (o.pkts, o.bytes));

        out.u64(st.pkts);
        if REV_CNT {
            out.u64(rpkts);
        }
        if PAD {
            out.i64(flow.pad_len as i64);
        }
        out.u64(st.bytes);
        if REV_CNT {
            out.u64(rbytes);
        }
        let avg_sz = if st.pkts > 0 {
            st.bytes as f32 / st.pkts as f32
        } else {
            0.0
        };
        let moments = |out: &mut Output<'_>, avg: f32, m: &Moments| {
            out.f32(avg);
            if STDDEV {
                out.f32(m.std());
            }
            if VAR {
                out.f32(m.var);
            }
            if SK {
                out.f32(m.skewness());
                out.f32(m.kurtosis());
            }
        };
        if PL_STATS {
            out.u16(st.min_sz);
            out.u16(st.max_sz);
            moments(out, avg_sz, &st.size);
        }
        if IAT_STATS {
            let (min, max) = if st.pkts > 0 {
                (st.min_iat, st.max_iat)
            } else {
                (0.0, 0.0)
            };
            out.f32(min);
            out.f32(max);
            moments(out, st.iat.avg, &st.iat);
        }
        let dur = duration_f32(flow.first_seen, flow.last_seen);
        let bytps = if dur != 0.0 {
            st.bytes as f32 / dur
        } else {
            0.0
        };
        if STATS {
            let pktps = if dur != 0.0 {
                st.pkts as f32 / dur
            } else {
                0.0
            };
            let sign = if opp.is_none() && flow.status & L3FLOWINVERT != 0 {
                -1.0f32
            } else {
                1.0
            };
            let (s, r) = (st.pkts as f32, rpkts as f32);
            let pkt_asm = if s + r != 0.0 {
                sign * ((s - r) / (s + r))
            } else {
                0.0
            };
            let (s, r) = (st.bytes as f32, rbytes as f32);
            let byt_asm = if s + r != 0.0 { (s - r) / (s + r) } else { 0.0 };
            out.f32(pktps);
            out.f32(bytps);
            out.f32(pkt_asm);
            out.f32(byt_asm);
        }

        // End report.
        if avg_sz > self.max_load {
            self.max_load = avg_sz;
        }
        let bps = bytps * 8.0;
        if bps > self.max_bps {
            self.max_bps = bps;
            self.max_bps_pkts = st.pkts;
        }
        let t = if flow.ip_ver == 0 {
            &mut self.l2
        } else {
            &mut self.l3
        };
        t.seen = true;
        if st.pkts > t.pkts {
            t.pkts = st.pkts;
            t.pkts_addr = addr_text(&flow, st.mac);
        }
        if st.bytes > t.bytes {
            t.bytes = st.bytes;
            t.bytes_addr = addr_text(&flow, st.mac);
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut Writer<'_>) -> Result<()> {
        let name = "\x1b[1mbasicStats:\x1b[0m";
        let mut s = String::new();
        let load = self.max_load as u64;
        let _ = writeln!(s, "{name} Flow max(pktload): {load}{}", hr_suffix(load, ""));
        let bps = self.max_bps as u64;
        let _ = writeln!(
            s,
            "{name} Flow max(b/s), pkts: {bps}{}, {}{}",
            hr_suffix(bps, "b/s"),
            self.max_bps_pkts,
            hr_suffix(self.max_bps_pkts, "")
        );
        for (layer, t) in [("L2", &self.l2), ("L3", &self.l3)] {
            if !t.seen {
                continue;
            }
            let _ = writeln!(
                s,
                "{name} Biggest {layer} flow talker: {}: {}{} {} packets",
                t.pkts_addr,
                t.pkts,
                hr_suffix(t.pkts, ""),
                pct(t.pkts, self.total_pkts)
            );
            let _ = writeln!(
                s,
                "{name} Biggest {layer} flow talker: {}: {}{} {} bytes",
                t.bytes_addr,
                t.bytes,
                hr_suffix(t.bytes, ""),
                pct(t.bytes, self.flow_bytes)
            );
        }
        w.text(&s);
        Ok(())
    }
}

t2_plugin::export_plugin!(
    BasicStats,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate, report]
);
