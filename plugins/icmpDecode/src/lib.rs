//! icmpDecode (T2 plugin 140): ICMP and ICMPv6 flow statistics (spec §4.5).
//!
//! Flow columns: `icmpStat` (H8), `icmpTCcnt` (U8), `icmpBFTypH_TypL_Code` (H32_H32_H16; with
//! `ICMP_TC_MD=1` a list `icmpType_Code` U8_U8:R instead), `icmpTmGtw` (H32),
//! `icmpEchoSuccRatio` (F), `icmpPFindex` (U64, `ICMP_PARENT`).
//!
//! Behaviour read off the original's output (`../shared/conformance`):
//! - Every ICMP/ICMPv6 packet counts in the statistics; only packets whose ICMP header can be
//!   read (not later fragments) are decoded: `icmpTCcnt`, type/code bit fields, echo counters.
//! - Type bit fields: IPv4 `L |= 1 << type` below 32, else `H |= 1 << (type % 32)`; IPv6 `L`
//!   below 32, `H |= 1 << (type - 128)` for 128..160; code bit field for codes below 16.
//! - `icmpStat` 0x01 for a decoded packet; 0x20 when an echo request/reply's sequence number is
//!   not the previous echo's plus one (big-endian, any echo of the flow); 0x10 WANG2 bandwidth
//!   test, 0x40 LOKI (sequence 0xf001), 0x80 SSH over ICMP (`OpenSSH` in an echo payload past
//!   its 40th byte).
//! - `icmpPFindex`: the original prints the flow's own `flowInd` once the flow carried an error
//!   message (IPv4 destination unreachable, source quench, redirect, time exceeded, parameter
//!   problem; IPv6 destination unreachable, packet too big, time exceeded, parameter problem),
//!   whatever flow the quoted packet belongs to (e.g. `tcpdump/afs.pcap`: the port-unreachable
//!   flow 6 quotes UDP flow 5 and prints 6), and 0 otherwise.
//! - `ICMP_FDCORR`: a new flow without opposite is inverted (`L3FLOWINVERT`) iff its first
//!   packet is not an echo request.
//! - Statistics file (`ICMP_STATFILE`): total and per-version counts, the echo reply/request
//!   ratio, and one row per type and code: echo request and reply first, then (IPv6) packet too
//!   big, destination unreachable, time exceeded, parameter problem, then ascending types.
//!   Types without codes count under `ICMP_NOCODE` whatever their code; IPv4 types from 32 on
//!   and codes from 16 on are not counted; unknown types or codes print as numbers.

#![allow(non_snake_case)]

use std::fmt::Write as _;
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::abi::{T2_OFF_NONE, T2BitDesc};
use t2_plugin::column::bit;
use t2_plugin::{Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar};

t2_plugin::config_module!();
use config::*;

/// Bytes of the capture buffer modelled for reads past a packet's captured bytes.
const SHADOW_LEN: usize = 256;

const TC_LIST: bool = ICMP_TC_MD == 1;
const NUM: usize = ICMP_NUM as usize;

/// `icmpStat` bits.
pub const ICMP_DETECTED: u8 = 0x01;
pub const ICMP_WANG2: u8 = 0x10;
pub const ICMP_SEQ_ABNORMAL: u8 = 0x20;
pub const ICMP_LOKI: u8 = 0x40;
pub const ICMP_SSH: u8 = 0x80;

const STAT_BITS: &[T2BitDesc] = &[
    bit(0x01, "ICMP_DETECTED", "Flow is ICMP or ICMPv6"),
    bit(0x10, "ICMP_WANG2", "WANG2 bandwidth test"),
    bit(
        0x20,
        "ICMP_SEQ_ABNORMAL",
        "Echo sequence number abnormal increment",
    ),
    bit(0x40, "ICMP_LOKI", "LOKI covert channel"),
    bit(0x80, "ICMP_SSH", "SSH covert channel"),
];

const ECHO_REPLY4: u8 = 0;
const ECHO_REQUEST4: u8 = 8;
const ECHO_REQUEST6: u8 = 128;
const ECHO_REPLY6: u8 = 129;

/// Per-flow state.
#[derive(Clone, Copy)]
struct FlowState {
    stat: u8,
    tc_cnt: u8,
    typ_h: u32,
    typ_l: u32,
    code: u16,
    tm_gtw: u32,
    echo_req: u32,
    echo_rep: u32,
    pfindex: u64,
    last_seq: Option<u16>,
    tc: [(u8, u8); NUM],
    ntc: u8,
}

impl Default for FlowState {
    fn default() -> Self {
        FlowState {
            stat: 0,
            tc_cnt: 0,
            typ_h: 0,
            typ_l: 0,
            code: 0,
            tm_gtw: 0,
            echo_req: 0,
            echo_rep: 0,
            pfindex: 0,
            last_seq: None,
            tc: [(0, 0); NUM],
            ntc: 0,
        }
    }
}

/// Counters of one ICMP version for the statistics file and the report.
struct Stats {
    packets: u64,
    /// `counts[type][code]` (code 0 for types without codes).
    counts: Box<[[u64; 16]; 256]>,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            packets: 0,
            counts: Box::new([[0; 16]; 256]),
        }
    }
    fn type_total(&self, t: u8) -> u64 {
        self.counts[t as usize].iter().sum()
    }
}

/// Names of the statistics file: `(type name, code names)`; an empty code list means the type
/// has no codes (its code is ignored).
fn name4(t: u8) -> Option<(&'static str, &'static [&'static str])> {
    Some(match t {
        0 => ("ICMP_ECHOREPLY", &[]),
        3 => (
            "ICMP_DEST_UNREACH",
            &[
                "ICMP_NET_UNREACH",
                "ICMP_HOST_UNREACH",
                "ICMP_PROT_UNREACH",
                "ICMP_PORT_UNREACH",
                "ICMP_FRAG_NEEDED",
                "ICMP_SR_FAILED",
                "ICMP_NET_UNKNOWN",
                "ICMP_HOST_UNKNOWN",
                "ICMP_HOST_ISOLATED",
                "ICMP_NET_ANO",
                "ICMP_HOST_ANO",
                "ICMP_NET_UNR_TOS",
                "ICMP_HOST_UNR_TOS",
                "ICMP_PKT_FILTERED",
                "ICMP_PREC_VIOLATION",
                "ICMP_PREC_CUTOFF",
            ],
        ),
        4 => ("ICMP_SOURCE_QUENCH", &[]),
        5 => (
            "ICMP_REDIRECT",
            &[
                "ICMP_REDIR_NET",
                "ICMP_REDIR_HOST",
                "ICMP_REDIR_NETTOS",
                "ICMP_REDIR_HOSTTOS",
            ],
        ),
        8 => ("ICMP_ECHOREQUEST", &[]),
        11 => ("ICMP_TIME_EXCEEDED", &["ICMP_EXC_TTL", "ICMP_EXC_FRAGTIME"]),
        12 => ("ICMP_PARAMETERPROB", &[]),
        13 => ("ICMP_TIMESTAMP", &[]),
        14 => ("ICMP_TIMESTAMPREPLY", &[]),
        15 => ("ICMP_INFO_REQUEST", &[]),
        16 => ("ICMP_INFO_REPLY", &[]),
        17 => ("ICMP_ADDRESS", &[]),
        18 => ("ICMP_ADDRESSREPLY", &[]),
        _ => return None,
    })
}

fn name6(t: u8) -> Option<(&'static str, &'static [&'static str])> {
    Some(match t {
        1 => (
            "ICMP6_DEST_UNREACH",
            &[
                "ICMP6_NO_ROUTE",
                "ICMP6_COMM_PROHIBITED",
                "ICMP6_BEYOND_SCOPE",
                "ICMP6_ADDR_UNREACH",
                "ICMP6_PORT_UNREACH",
                "ICMP6_SRC_ADDR_FAILED",
                "ICMP6_REJECT_ROUTE",
            ],
        ),
        2 => ("ICMP6_PKT_TOO_BIG", &[]),
        3 => (
            "ICMP6_TIME_EXCEEDED",
            &["ICMP6_EXC_HOPS", "ICMP6_EXC_FRAGTIME"],
        ),
        4 => (
            "ICMP6_PARAM_PROBLEM",
            &[
                "ICMP6_ERR_HDR",
                "ICMP6_UNRECO_NEXT_HDR",
                "ICMP6_UNRECO_IP6_OPT",
            ],
        ),
        128 => ("ICMP6_ECHOREQUEST", &[]),
        129 => ("ICMP6_ECHOREPLY", &[]),
        130 => ("ICMP6_MCAST_QUERY", &[]),
        131 => ("ICMP6_MCAST_REP", &[]),
        132 => ("ICMP6_MCAST_DONE", &[]),
        133 => ("ICMP6_RTER_SOLICIT", &[]),
        134 => ("ICMP6_RTER_ADVERT", &[]),
        135 => ("ICMP6_NBOR_SOLICIT", &[]),
        136 => ("ICMP6_NBOR_ADVERT", &[]),
        137 => ("ICMP6_REDIRECT_MSG", &[]),
        138 => ("ICMP6_RTER_RENUM", &[]),
        139 => ("ICMP6_NODE_INFO_QUERY", &[]),
        140 => ("ICMP6_NODE_INFO_RESP", &[]),
        143 => ("ICMP6_MLD2", &[]),
        155 => ("ICMP6_RPL_CTRL", &[]),
        _ => return None,
    })
}

/// Whether the type is an error message quoting the packet that caused it.
fn is_error(v6: bool, t: u8) -> bool {
    if v6 {
        matches!(t, 1..=4)
    } else {
        matches!(t, 3 | 4 | 5 | 11 | 12)
    }
}

/// ` (x.xx K)` for values from 1024 on, as T2's report prints counts.
fn hr(v: u64) -> String {
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

fn pct(part: u64, total: u64) -> f64 {
    if total > 0 {
        100.0 * part as f64 / total as f64
    } else {
        0.0
    }
}

/// Whether the packet is an IPv4/IPv6 fragment other than the first.
fn later_fragment(pkt: &Packet<'_>) -> bool {
    match pkt.ip_ver {
        4 => pkt.ip_frag & 0x1fff != 0,
        6 => pkt.ip_frag & 0xfff8 != 0,
        _ => false,
    }
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// What the packet file prints of a decoded packet.
struct Decoded {
    stat: u8,
    typ: u8,
    code: u8,
    id: u16,
    seq: u16,
    /// The parent flow index of an error message.
    pfindex: Option<u64>,
}

pub struct IcmpDecode {
    /// Packet mode (`-s`): the packet columns.
    packet_mode: bool,
    flows: PerFlow<FlowState>,
    v4: Stats,
    v6: Stats,
    /// Packets of the run (the number of the last packet seen).
    packets: u64,
    aggregate: u8,
    stat_path: Option<String>,
    /// The first bytes of the capture buffer: each packet's bytes over the earlier ones'.
    shadow: Vec<u8>,
}

impl IcmpDecode {
    /// Decodes an ICMP packet of flow `f`; returns what the packet file prints of it (`None`
    /// when the header cannot be read: a later fragment).
    fn decode(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex, v6: bool) -> Option<Decoded> {
        if later_fragment(pkt) {
            return None;
        }
        // The original reads the ICMP header wherever the layer-4 header starts, also when the
        // capture ends before it or the dissection stopped at an IPv6 header. Past the captured
        // bytes it reads what lies in libpcap's buffer: the bytes of earlier packets at the
        // same offsets (zeros in a fresh buffer), kept in `shadow`.
        let at = if pkt.l4_off != T2_OFF_NONE {
            pkt.l4_off as usize
        } else if pkt.l3_off != T2_OFF_NONE {
            (pkt.l3_off + pkt.snap_l3_len).saturating_sub(pkt.snap_l4_len) as usize
        } else {
            return None;
        };
        let data = pkt.data();
        let mut hdr = [0u8; 8];
        for (i, b) in hdr.iter_mut().enumerate() {
            *b = match data.get(at + i) {
                Some(&b) => b,
                None => self.shadow.get(at + i).copied().unwrap_or(0),
            };
        }
        let (typ, code) = (hdr[0], hdr[1]);
        let seq = u16::from_be_bytes([hdr[6], hdr[7]]);
        let payload = pkt.l7().unwrap_or(&[]);

        // Statistics.
        let (stats, named) = if v6 {
            (&mut self.v6, name6(typ))
        } else {
            (&mut self.v4, name4(typ))
        };
        let counted = v6 || typ < 32;
        if counted {
            let c = match named {
                Some((_, [])) => Some(0),
                _ => (code < 16).then_some(code),
            };
            if let Some(c) = c {
                stats.counts[typ as usize][c as usize] += 1;
            }
        }

        let findex = host.flow(f).map_or(0, |fl| fl.findex);
        let st = self.flows.get_mut(f)?;
        st.stat |= ICMP_DETECTED;
        st.tc_cnt = st.tc_cnt.wrapping_add(1);
        if v6 {
            if typ < 32 {
                st.typ_l |= 1 << typ;
            } else if (128..160).contains(&typ) {
                st.typ_h |= 1 << (typ - 128);
            }
        } else if typ < 32 {
            st.typ_l |= 1 << typ;
        } else {
            st.typ_h |= 1 << (typ % 32);
        }
        if code < 16 {
            st.code |= 1 << code;
        }
        if TC_LIST {
            let n = st.ntc as usize;
            if n < NUM && !st.tc[..n].contains(&(typ, code)) {
                st.tc[n] = (typ, code);
                st.ntc += 1;
            }
        }
        let (req, rep) = if v6 {
            (ECHO_REQUEST6, ECHO_REPLY6)
        } else {
            (ECHO_REQUEST4, ECHO_REPLY4)
        };
        if typ == req || typ == rep {
            if typ == req {
                st.echo_req += 1;
                if payload.len() >= 11 && &payload[6..11] == b"WANG2" {
                    st.stat |= ICMP_WANG2;
                }
            } else {
                st.echo_rep += 1;
            }
            if let Some(last) = st.last_seq {
                if seq != last.wrapping_add(1) {
                    st.stat |= ICMP_SEQ_ABNORMAL;
                }
            }
            st.last_seq = Some(seq);
            if seq == 0xf001 {
                st.stat |= ICMP_LOKI;
            }
            if payload.len() > 40 && memmem(&payload[40..], b"OpenSSH") {
                st.stat |= ICMP_SSH;
            }
        } else if !v6 && (typ == 13 || typ == 14) {
            st.tm_gtw = u32::from_ne_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
        }
        let error = is_error(v6, typ);
        if ICMP_PARENT != 0 && error {
            st.pfindex = findex;
        }
        Some(Decoded {
            stat: st.stat,
            typ,
            code,
            id: u16::from_be_bytes([hdr[4], hdr[5]]),
            seq,
            pfindex: error.then_some(findex),
        })
    }

    /// The packet file's columns: a decoded packet's values, else `0x00` and empty fields.
    fn packet_fields(&self, host: &Host, d: Option<&Decoded>) {
        match d {
            Some(d) => {
                host.packet_field(&format!("0x{:02x}", d.stat));
                host.packet_field(&d.typ.to_string());
                host.packet_field(&d.code.to_string());
                host.packet_field(&format!("0x{:04x}", d.id));
                host.packet_field(&format!("0x{:04x}", d.seq));
                if ICMP_PARENT != 0 {
                    host.packet_field(&d.pfindex.map(|p| p.to_string()).unwrap_or_default());
                }
            }
            None => {
                host.packet_field("0x00");
                for _ in 0..4 + ICMP_PARENT as usize {
                    host.packet_field("");
                }
            }
        }
    }

    /// The statistics file.
    fn stats_text(&self) -> String {
        let mut s = String::new();
        let total = self.v4.packets + self.v6.packets;
        let _ = writeln!(
            s,
            "Total number of ICMP packets: {total}{} [{:.2}%]",
            hr(total),
            pct(total, self.packets)
        );
        for v6 in [false, true] {
            let (st, label, req, rep) = if v6 {
                (&self.v6, "ICMPv6", ECHO_REQUEST6, ECHO_REPLY6)
            } else {
                (&self.v4, "ICMP", ECHO_REQUEST4, ECHO_REPLY4)
            };
            if st.packets == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "\nNumber of {label} packets: {}{} [{:.2}%]\n",
                st.packets,
                hr(st.packets),
                pct(st.packets, self.packets)
            );
            let (nreq, nrep) = (st.type_total(req), st.type_total(rep));
            if nreq > 0 && nrep > 0 {
                let _ = writeln!(
                    s,
                    "{label} echo reply / request ratio: {:.3}",
                    nrep as f64 / nreq as f64
                );
            }
            let _ = writeln!(s, "\n# {label} Type\tCode\t{:>30}", "Packets");
            // Echo request and reply first; then (IPv6) packet too big before the other
            // error messages (as `ndpi/6in4tunnel.pcap` shows); then ascending types.
            let first: &[u8] = if v6 { &[128, 129, 2, 1, 3, 4] } else { &[8, 0] };
            let order = first
                .iter()
                .copied()
                .chain((0..=255u8).filter(|t| !first.contains(t)));
            for t in order {
                for c in 0..16u8 {
                    let n = st.counts[t as usize][c as usize];
                    if n == 0 {
                        continue;
                    }
                    let named = if v6 { name6(t) } else { name4(t) };
                    let (tn, cn) = match named {
                        Some((tn, [])) => (tn.to_string(), ICMP_NOCODE.to_string()),
                        Some((tn, codes)) if (c as usize) < codes.len() => {
                            (tn.to_string(), codes[c as usize].to_string())
                        }
                        _ => (t.to_string(), c.to_string()),
                    };
                    let _ = writeln!(s, "{tn}\t{cn}\t{n:>30} [{:6.2}%]", pct(n, st.packets));
                }
            }
            if !v6 {
                s.push('\n');
            }
        }
        s
    }
}

impl Plugin for IcmpDecode {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        i.declare_column(Column::new("icmpStat", "ICMP status", Scalar::H8).bits(STAT_BITS))?;
        i.declare_column(Column::new("icmpTCcnt", "ICMP type code count", Scalar::U8))?;
        if TC_LIST {
            i.declare_column(
                Column::compound(
                    "icmpType_Code",
                    "ICMP type and code",
                    &[Scalar::U8, Scalar::U8],
                )
                .repeating(),
            )?;
        } else {
            i.declare_column(Column::compound(
                "icmpBFTypH_TypL_Code",
                "ICMP Aggregated type H (IPv6>128, IPv4>31), L (<32) & code bit field",
                &[Scalar::H32, Scalar::H32, Scalar::H16],
            ))?;
        }
        i.declare_column(Column::new("icmpTmGtw", "ICMP time/gateway", Scalar::H32))?;
        i.declare_column(Column::new(
            "icmpEchoSuccRatio",
            "ICMP Echo reply/request success ratio",
            Scalar::F,
        ))?;
        if ICMP_PARENT != 0 {
            i.declare_column(Column::new(
                "icmpPFindex",
                "ICMP parent flowIndex",
                Scalar::U64,
            ))?;
        }
        let packet_mode = i.packet_mode();
        if packet_mode {
            for c in ["icmpStat", "icmpType", "icmpCode", "icmpID", "icmpSeq"] {
                i.declare_packet_column(c)?;
            }
            if ICMP_PARENT != 0 {
                i.declare_packet_column("icmpPFindex")?;
            }
        }
        let stat_path = (ICMP_STATFILE != 0 && i.output_prefix() != "-")
            .then(|| format!("{}{}", i.output_prefix(), ICMP_SUFFIX));
        Ok(IcmpDecode {
            packet_mode,
            flows: PerFlow::for_host(i),
            v4: Stats::new(),
            v6: Stats::new(),
            packets: 0,
            aggregate: 0,
            stat_path,
            shadow: vec![0; SHADOW_LEN],
        })
    }

    fn on_new_flow(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flows.reset(f);
        if ICMP_FDCORR != 0 && matches!(pkt.l4_proto, 1 | 58) && host.opposite(f).is_none() {
            let typ = pkt.l4().and_then(|h| h.first().copied());
            let request = if pkt.l4_proto == 58 {
                ECHO_REQUEST6
            } else {
                ECHO_REQUEST4
            };
            let inverted = typ != Some(request);
            let p = host.flow_ptr(f);
            if !p.is_null() {
                // SAFETY: plugins may change a flow's status; no reference to it is held.
                unsafe {
                    if inverted {
                        (*p).status |= L3FLOWINVERT;
                    } else {
                        (*p).status &= !L3FLOWINVERT;
                    }
                }
            }
        }
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if f.is_some() {
            // A layer-2 flow's packet.
            if self.packet_mode {
                self.packet_fields(host, None);
            }
        } else {
            self.packets = self.packets.max(pkt.pkt_no);
            let d = pkt.data();
            let n = d.len().min(SHADOW_LEN);
            self.shadow[..n].copy_from_slice(&d[..n]);
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let v6 = match pkt.l4_proto {
            1 => false,
            58 => true,
            _ => {
                if self.packet_mode {
                    self.packet_fields(host, None);
                }
                return Ok(());
            }
        };
        if v6 {
            self.v6.packets += 1;
        } else {
            self.v4.packets += 1;
        }
        let d = self.decode(host, pkt, f, v6);
        if self.packet_mode {
            self.packet_fields(host, d.as_ref());
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let st = self.flows.get(f).copied().unwrap_or_default();
        let ratio = match host.opposite(f).and_then(|o| self.flows.get(o)) {
            Some(o) if st.echo_req > 0 => o.echo_rep as f32 / st.echo_req as f32,
            Some(o) if o.echo_rep > 0 => -(o.echo_rep as f32),
            _ => 0.0,
        };
        self.aggregate |= st.stat;
        out.u8(st.stat);
        out.u8(st.tc_cnt);
        if TC_LIST {
            out.repeat(st.ntc as u32);
            for &(t, c) in &st.tc[..st.ntc as usize] {
                out.u8(t);
                out.u8(c);
            }
        } else {
            out.u32(st.typ_h);
            out.u32(st.typ_l);
            out.u16(st.code);
        }
        out.u32(st.tm_gtw);
        out.f32(ratio);
        if ICMP_PARENT != 0 {
            out.u64(st.pfindex);
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut t2_plugin::Writer<'_>) -> Result<()> {
        let name = format!("\x1b[1m{PLUGIN_NAME}:\x1b[0m");
        if self.aggregate != 0 {
            w.line(&format!(
                "{name} Aggregated icmpStat=0x{:02x}",
                self.aggregate
            ));
        }
        for v6 in [false, true] {
            let (st, label, req, rep) = if v6 {
                (&self.v6, "ICMPv6", ECHO_REQUEST6, ECHO_REPLY6)
            } else {
                (&self.v4, "ICMP", ECHO_REQUEST4, ECHO_REPLY4)
            };
            let (nreq, nrep) = (st.type_total(req), st.type_total(rep));
            if nreq > 0 {
                w.line(&format!(
                    "{name} Number of {label} echo request packets: {nreq}{} [{:.2}%]",
                    hr(nreq),
                    pct(nreq, st.packets)
                ));
            }
            if nrep > 0 {
                w.line(&format!(
                    "{name} Number of {label} echo reply packets: {nrep}{} [{:.2}%]",
                    hr(nrep),
                    pct(nrep, st.packets)
                ));
            }
            if nreq > 0 && nrep > 0 {
                w.line(&format!(
                    "{name} {label} echo reply / request ratio: {:.2}",
                    nrep as f64 / nreq as f64
                ));
            }
        }
        Ok(())
    }

    fn finalize(self, host: &Host) -> Result<()> {
        if let Some(path) = &self.stat_path {
            if let Err(e) = std::fs::write(path, self.stats_text()) {
                host.error(&format!("failed to write '{path}': {e}"));
            }
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(
    IcmpDecode,
    config,
    [
        on_new_flow,
        on_layer2,
        on_layer4,
        on_flow_terminate,
        report,
        finalize
    ]
);
