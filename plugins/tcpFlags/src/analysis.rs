//! The per-packet analysis and the per-flow results.

use crate::bits::*;
use crate::wire::*;
use crate::*;
use t2_plugin::Packet;
use t2_plugin::abi::{T2_OFF_NONE, T2Flow, T2Time};

/// RTT states of a flow.
pub const RTT_NONE: u8 = 0;
pub const RTT_SYN: u8 = 1;
pub const RTT_SYN_ACK: u8 = 2;
pub const RTT_ACK: u8 = 3;
pub const RTT_STOP: u8 = 4;

/// Maximum number of option kinds kept for JA4T.
const JA4T_MAX: usize = JA4TOPTMX as usize;

/// What tcpFlags keeps per flow.
#[derive(Clone, Copy, Debug)]
pub struct Flow {
    /// Packets of the flow processed.
    pub pkts: u32,
    /// Time of the previous packet.
    pub last: T2Time,
    /// Persistent tcpFStat bits ([`TCPFSFLW`]).
    pub fstat: u16,
    /// OR of the per-packet tcpFStat values.
    pub fstat_all: u16,
    pub ip_flags: u16,
    pub prev_id: u16,
    pub min_did: u16,
    pub max_did: u16,
    pub min_ttl: u8,
    pub max_ttl: u8,
    pub prev_ttl: u8,
    pub ttl_chg: u8,
    pub tos: u8,
    pub ip_opt_cnt: u16,
    pub ip_opt_cpcl: u8,
    pub ip_opts: u32,
    pub ip6_hh_cnt: u16,
    pub ip6_d_cnt: u16,
    pub ip6_hh: u32,
    pub ip6_d: u32,
    /// Next expected fragment offset (8-byte units).
    pub frag_next: u32,
    /// Layer-4 checksum of a fragmented datagram: started, first fragment's data sum, its
    /// checksum field, layer-4 bytes of the fragments so far.
    pub ck_started: bool,
    pub ck_part: u64,
    pub ck_hdr: u16,
    pub ck_len: u32,
    // --- TCP
    pub tcp_pkts: u32,
    pub flags: u16,
    pub anomaly: u16,
    pub flag_cnt: [u16; 16],
    pub isn: u32,
    pub prev_seq: u32,
    pub prev_ack: u32,
    pub prev_flags: u8,
    pub prev_plen: u32,
    pub prev_win_raw: u32,
    /// Sequence number of the last SYN or FIN packet (if only resets followed it).
    pub sf_seen: bool,
    /// The last packet was a zero-window probe.
    pub prev_probe: bool,
    /// The first acknowledgement number (relative numbers, packet mode).
    pub first_ack: u32,
    pub sf_seq: u32,
    pub max_seq: u32,
    pub next_seq: u32,
    pub seq_cnt: u16,
    pub seq_bytes: u64,
    pub seq_fault: u16,
    pub ack_cnt: u16,
    pub ack_bytes: u64,
    pub ack_fault: u16,
    pub bflgt: u32,
    pub bflgt_max: u32,
    pub mlen: u64,
    /// Anomaly bits of the previous TCP packet.
    pub prev_anom: u16,
    pub win_init: u32,
    pub win_min: u32,
    pub win_max: u32,
    pub win_last: u32,
    pub win_avg: f32,
    pub win_dwn: u16,
    pub win_up: u16,
    pub win_chg: u16,
    pub win_below: u32,
    /// The window increased once.
    pub win_dir_up: bool,
    /// Window scale shift of this side's SYN (WS option).
    pub ws_shift: u8,
    pub ws_syn: bool,
    pub opt_pkts: u16,
    pub opt_cnt: u16,
    pub options: u32,
    pub mss: u16,
    pub mptbf: u16,
    pub mpf: u8,
    pub mpaid: u8,
    pub mpdssf: u8,
    pub tsval: u32,
    pub ts_max: u32,
    pub tsecr: u32,
    pub ts_first_val: u32,
    pub ts_first: T2Time,
    pub ts_last: T2Time,
    pub ts_seen: bool,
    pub ja4t: [u8; JA4T_MAX],
    pub ja4t_len: u8,
    // --- RTT
    pub rtt_state: u8,
    pub trip: f32,
    pub rtt_min: f32,
    pub rtt_max: f32,
    pub rtt_avg: f32,
    pub rtt_jit: f32,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            pkts: 0,
            last: T2Time::default(),
            fstat: 0,
            fstat_all: 0,
            ip_flags: 0,
            prev_id: 0,
            min_did: 0xffff,
            max_did: 0,
            min_ttl: 0,
            max_ttl: 0,
            prev_ttl: 0,
            ttl_chg: 0,
            tos: 0,
            ip_opt_cnt: 0,
            ip_opt_cpcl: 0,
            ip_opts: 0,
            ip6_hh_cnt: 0,
            ip6_d_cnt: 0,
            ip6_hh: 0,
            ip6_d: 0,
            frag_next: 0,
            ck_started: false,
            ck_part: 0,
            ck_hdr: 0,
            ck_len: 0,
            tcp_pkts: 0,
            flags: 0,
            anomaly: 0,
            flag_cnt: [0; 16],
            isn: 0,
            prev_seq: 0,
            prev_ack: 0,
            prev_flags: 0,
            prev_plen: 0,
            prev_win_raw: 0,
            sf_seen: false,
            prev_probe: false,
            first_ack: 0,
            sf_seq: 0,
            max_seq: 0,
            next_seq: 0,
            seq_cnt: 0,
            seq_bytes: 0,
            seq_fault: 0,
            ack_cnt: 0,
            ack_bytes: 0,
            ack_fault: 0,
            bflgt: 0,
            bflgt_max: 0,
            mlen: 0,
            prev_anom: 0,
            win_init: 0,
            win_min: 0,
            win_max: 0,
            win_last: 0,
            win_avg: 0.0,
            win_dwn: 0,
            win_up: 0,
            win_chg: 0,
            win_below: 0,
            win_dir_up: false,
            ws_shift: 0,
            ws_syn: false,
            opt_pkts: 0,
            opt_cnt: 0,
            options: 0,
            mss: 0,
            mptbf: 0,
            mpf: 0,
            mpaid: 0,
            mpdssf: 0,
            tsval: 0,
            ts_max: 0,
            tsecr: 0,
            ts_first_val: 0,
            ts_first: T2Time::default(),
            ts_last: T2Time::default(),
            ts_seen: false,
            ja4t: [0; JA4T_MAX],
            ja4t_len: 0,
            rtt_state: RTT_NONE,
            trip: 0.0,
            rtt_min: 65535.0,
            rtt_max: 0.0,
            rtt_avg: 0.0,
            rtt_jit: 0.0,
        }
    }
}

/// Run-wide aggregates and counters (the end report).
#[derive(Clone, Debug, Default)]
pub struct Global {
    /// Packets seen (all, for the report's shares).
    pub all_pkts: u64,
    pub ip_flags: u16,
    pub fstat: u16,
    pub flags: u16,
    pub anomaly: u16,
    pub tos: u8,
    pub mptbf: u16,
    pub mpf: u8,
    pub scans: u64,
    pub scans_succ: u64,
    pub syn_retries: u64,
    pub seq_retries: u64,
    pub win_below: u64,
    pub tcp_pkts: u64,
    pub mptcp_pkts: u64,
}

/// The packet-mode values of one packet.
#[derive(Clone, Debug, Default)]
pub struct PktVals {
    pub tos: u8,
    pub id: u16,
    pub id_diff: i32,
    pub frag: u16,
    pub ttl: u8,
    pub ip_hdr_ck: u16,
    pub ip_cal_ck: u16,
    pub l4_hdr_ck: u16,
    pub l4_cal_ck: u16,
    pub ip_flags: u16,
    pub hh_len: u32,
    pub hh: std::ops::Range<usize>,
    pub dst_len: u32,
    pub dst: std::ops::Range<usize>,
    pub ipopt_len: u32,
    pub ipopt: std::ops::Range<usize>,
    pub tcp: bool,
    pub seq: u32,
    pub ack: u32,
    pub seq_max: u32,
    pub seq_diff: i64,
    pub ack_diff: i64,
    pub seq_len: u64,
    pub ack_len: u64,
    pub seq_flow_len: u64,
    pub ack_flow_len: u64,
    pub mlen: u64,
    pub bflgt: u32,
    pub fstat: u16,
    pub flags: u16,
    pub anomaly: u16,
    pub win: u32,
    pub ws: u32,
    pub mss: u16,
    pub tms: u32,
    pub tmer: u32,
    pub mptyp: u8,
    pub mpf: u8,
    pub mpaid: u8,
    pub mpdssf: u8,
    pub opt_len: i32,
    pub opts: std::ops::Range<usize>,
}

/// Whether the packet is a fragment other than the first.
fn later_fragment(pkt: &Packet<'_>) -> bool {
    match pkt.ip_ver {
        4 => pkt.ip_frag & 0x1fff != 0,
        6 => pkt.ip_frag & 0xfff8 != 0,
        _ => false,
    }
}

/// The IPv4 header carried by the GRE header of a flow whose layer 4 is GRE (GRE within
/// GRE: the core keys the flow on the middle header).
fn gre_inner(d: &[u8], pkt: &Packet<'_>) -> Option<usize> {
    if pkt.l4_proto != 47 || pkt.l4_off == T2_OFF_NONE {
        return None;
    }
    let g = pkt.l4_off as usize;
    let flags = be16(d, g);
    if flags & 7 != 0 || be16(d, g + 2) != 0x0800 {
        return None;
    }
    let mut len = 4;
    for bit in [0x8000u16, 0x2000, 0x1000] {
        if flags & bit != 0 {
            len += 4;
        }
    }
    let ip = g + len;
    (ip + 20 <= pkt.data().len() && b(d, ip) >> 4 == 4).then_some(ip)
}

/// Analyses one packet of flow `me` (`op` the opposite flow, `op_last` its last packet's
/// time) and writes its packet-mode values to `v` (reset first; the caller's reused value,
/// so that this large struct is not copied per packet). Returns whether the packet went back
/// in time.
pub fn packet(
    g: &mut Global,
    me: &mut Flow,
    mut op: Option<&mut Flow>,
    op_last: Option<T2Time>,
    _status: u64,
    pkt: &Packet<'_>,
    buf: &[u8],
    v: &mut PktVals,
) -> bool {
    *v = PktVals::default();
    // `d`: the packet's bytes followed by what the packet buffer still holds past them
    // (read where the original reads past the capture); `cap`: the captured length.
    let cap = pkt.data().len();
    let d = if buf.len() >= cap { buf } else { pkt.data() };
    let ts = pkt.ts;
    let mut timejump = false;
    let mut ipf: u16 = 0;
    let mut fs: u16 = 0;
    me.pkts = me.pkts.wrapping_add(1);
    let first = me.fstat & IP_INTDIS_OK == 0;

    // Inter-distance.
    if !first {
        // (The seconds difference is unsigned, as in the original: a step back of whole
        // seconds is a huge positive distance.)
        let iat = ts.sec.wrapping_sub(me.last.sec) as u32 as f64
            + (ts.nsec as i32 as i64 - me.last.nsec as i32 as i64) as f64 / 1e9;
        if iat == 0.0 {
            ipf |= IAT_ZERO;
        } else if iat < 0.0 {
            ipf |= IAT_NEG;
            timejump = true;
        }
    }
    let prev_ts = me.last;
    me.last = ts;

    if pkt.l3_off == T2_OFF_NONE {
        return timejump;
    }
    let l3 = pkt.l3_off as usize;
    let v4 = pkt.ip_ver == 4;
    let later = later_fragment(pkt);
    let mut v6_l4: Option<usize> = None;
    let mut opt_past_cap = false;
    let proto = pkt.l4_proto;

    if v4 {
        // (IPv4 in GRE in this flow's IPv4: the original reads the IP fields from the
        // inner header.)
        let l3 = gre_inner(d, pkt).unwrap_or(l3);
        let ihl = (b(d, l3) & 0x0f) as usize * 4;
        v.tos = b(d, l3 + 1);
        v.id = be16(d, l3 + 4);
        v.frag = be16(d, l3 + 6);
        v.ttl = b(d, l3 + 8);
        // (A header cut by the capture is neither verified nor are its options counted.)
        let hdr_cut = l3 + ihl > cap || ihl > pkt.l3_len as usize;
        if CHK_IP {
            v.ip_hdr_ck = be16(d, l3 + 10);
            let h = &d[l3.min(d.len())..(l3 + ihl).min(d.len())];
            let mut s = sum_bytes(0, h, false);
            s -= v.ip_hdr_ck as u64;
            v.ip_cal_ck = if hdr_cut { 0 } else { finish(s) };
            if v.ip_cal_ck != v.ip_hdr_ck {
                ipf |= L3_CHKSUM_ERR;
            }
        }
        // IPv4 options.
        if ihl > 20 {
            v.ipopt_len = (ihl - 20) as u32;
            v.ipopt = l3 + 20..l3 + ihl;
            let end = l3 + ihl;
            let mut i = l3 + 20;
            while i < end && !hdr_cut {
                let t = b(d, i);
                if t == 0 {
                    break;
                }
                me.ip_opt_cnt = me.ip_opt_cnt.wrapping_add(1);
                me.ip_opt_cpcl |= t & 0xe0;
                me.ip_opts |= 1 << (t & 0x1f);
                if t == 1 {
                    i += 1;
                    continue;
                }
                let len = b(d, i + 1) as usize;
                if len < 2 {
                    break;
                }
                i += len;
            }
            // Corrupt: the options reach past the IP length or the captured bytes.
            if ihl > pkt.l3_len as usize || end > cap {
                ipf |= IP_OPT_CORRPT;
            }
        }
        // ID deltas (from the second packet on).
        if !first {
            let diff = v.id as i32 - me.prev_id as i32;
            v.id_diff = diff;
            if diff < 0 {
                ipf |= IPID_ROLLOVER;
            }
            // The signed delta against the 16-bit extremes (as the original): a negative
            // delta is a new minimum, stored as 16 bits.
            if diff > me.max_did as i32 {
                me.max_did = diff as u16;
            }
            if diff < me.min_did as i32 {
                me.min_did = diff as u16;
            }
        }
        me.prev_id = v.id;
        // Fragments.
        if FRAG {
            let off = (v.frag & 0x1fff) as u32;
            let mf = v.frag & 0x2000 != 0;
            if mf || off != 0 {
                if mf && pkt.l3_len < 48 {
                    ipf |= FRAG_BELOW_MIN;
                }
                if off != 0 && off as i64 - me.frag_next as i64 > 1 {
                    ipf |= FRAG_POS_ERR;
                }
                // (The next offset from the IP payload length, 16 bits.)
                me.frag_next = off + ((pkt.l3_len.wrapping_sub(ihl as u32) & 0xffff) >> 3);
                if me.frag_next > 0x1fff {
                    ipf |= FRAG_OUT_OF_RANGE;
                }
            }
        }
    } else {
        v.tos = ((b(d, l3) & 0x0f) << 4) | (b(d, l3 + 1) >> 4);
        v.ttl = b(d, l3 + 7);
        // Extension headers between the IPv6 header and the layer-4 header.
        let mut nh = b(d, l3 + 6);
        let mut p = l3 + 40;
        let known = pkt.l4_off != T2_OFF_NONE;
        // (Without a layer-4 header from the core, it starts where the captured layer-4
        // bytes start.)
        let l4 = if known {
            pkt.l4_off as usize
        } else {
            (l3 + pkt.snap_l3_len as usize)
                .saturating_sub(pkt.snap_l4_len as usize)
                .max(l3 + 40)
        };
        // (Without a layer-4 header from the core: the headers within the IP length or the
        // capture, at most five, as the original.)
        let (limit, max_hdrs) = if known {
            (l4, 16)
        } else {
            ((l3 + pkt.l3_len as usize).max(cap), 5)
        };
        let mut guard = 0;
        while p < limit && guard < max_hdrs {
            guard += 1;
            let hlen = match nh {
                0 | 60 | 43 => (b(d, p + 1) as usize + 1) * 8,
                44 => {
                    v.frag = be16(d, p + 2);
                    8
                }
                51 => (b(d, p + 1) as usize + 2) * 4,
                _ => break,
            };
            if nh == 0 || nh == 60 {
                let r = p + 2..p + hlen;
                let corrupt = p + hlen > l3 + pkt.l3_len as usize || p + hlen > cap;
                if corrupt {
                    ipf |= IP_OPT_CORRPT;
                    opt_past_cap |= p + hlen > cap;
                }
                let (cnt, bitsf) = if nh == 0 {
                    v.hh_len = (hlen - 2) as u32;
                    v.hh = r.clone();
                    (&mut me.ip6_hh_cnt, &mut me.ip6_hh)
                } else {
                    v.dst_len = (hlen - 2) as u32;
                    v.dst = r.clone();
                    (&mut me.ip6_d_cnt, &mut me.ip6_d)
                };
                let mut i = r.start;
                // (Options past the IP length or the capture are not counted.)
                while !corrupt && i < r.end {
                    let t = b(d, i);
                    if t == 0 {
                        // (A Pad1 ends the list, as in the original.)
                        break;
                    }
                    *cnt = cnt.wrapping_add(1);
                    *bitsf |= 1 << (t & 0x1f);
                    i += 2 + b(d, i + 1) as usize;
                }
            }
            nh = b(d, p);
            p += hlen;
        }
        if !known && !later {
            // (No layer-4 header from the core, e.g. an IPv6 packet without payload: the
            // original still reads one where it would start.)
            v6_l4 = Some(l4);
        }
        if FRAG {
            let off = (v.frag >> 3) as u32;
            let mf = v.frag & 1 != 0;
            if mf || off != 0 {
                // The position check uses the offset as the original computes it: the
                // fragment header's offset word read without byte swapping, masked with the
                // offset mask in network byte order (0xf8ff) and shifted by 3. Every IPv6
                // fragment of the corpus (466, e.g. the suricata-verify
                // ipv6-malformed-fragments series, where runs of contiguous fragments
                // alternate between set and clear) agrees with this and no other reading.
                // (The next offset is computed from the layer-7 length, which leaves out
                // the layer-4 header of a first fragment; IPv6 tolerates no gap at all.)
                let its_off = ((v.frag.swap_bytes() & 0xf8ff) >> 3) as u32;
                if its_off != 0 && its_off as i64 - me.frag_next as i64 > 0 {
                    ipf |= FRAG_POS_ERR;
                }
                me.frag_next = its_off + (pkt.l7_len >> 3);
            }
        }
    }
    ipf |= if v4 {
        (v.frag >> 8) & 0xe0
    } else {
        (v.frag >> 7) & 0xe0
    };

    // TTL.
    if first {
        me.min_ttl = v.ttl;
        me.max_ttl = v.ttl;
    } else {
        me.min_ttl = me.min_ttl.min(v.ttl);
        me.max_ttl = me.max_ttl.max(v.ttl);
        if v.ttl != me.prev_ttl {
            me.ttl_chg = me.ttl_chg.wrapping_add(1);
        }
    }
    me.prev_ttl = v.ttl;
    me.tos |= v.tos;

    // Lengths: the layer-4 length from the IP length (wrapping like the original's 16-bit
    // arithmetic when the IP length is below the headers).
    let (l4, have_l4) = match v6_l4 {
        Some(p) => (p, true),
        None => (pkt.l4_off as usize, pkt.l4_off != T2_OFF_NONE),
    };
    let l4_len = if have_l4 {
        (pkt.l3_len as i64 - (l4 as i64 - l3 as i64)) as u16 as usize
    } else {
        0
    };
    let ck_off = match proto {
        6 => Some(16),
        17 | 136 => Some(6),
        1 | 2 | 58 => Some(2),
        89 => Some(12),
        // GRE: the original shows the flags word and never verifies it.
        47 => Some(0),
        _ => None,
    };
    // Truncated layer 4 (in a later fragment: only when none of it was captured). IPv6:
    // also when the IP packet itself is cut, unless its options were corrupt.
    let mut snapped =
        have_l4 && (pkt.snap_l4_len as usize) < l4_len && (!later || pkt.snap_l4_len == 0);
    if !v4 {
        if opt_past_cap {
            snapped = false;
        }
        if !later && pkt.snap_l3_len < pkt.l3_len {
            snapped = true;
        }
    }
    if snapped && (pkt.l3_len != 0 || ck_off.is_some()) {
        ipf |= SNAPPED;
        if CHK_L4 && (proto != 0 || !v4) {
            // (The original sums bytes past the capture: never the header's value.)
            ipf |= L4_CHKSUM_ERR;
        }
    }
    if !later && have_l4 && (proto == 17 || proto == 136) {
        let ulen = be16(d, l4 + 4) as u32;
        if ulen != pkt.snap_l4_len {
            ipf |= UDP_LEN_ERR;
        }
    }

    // Layer-4 checksum. A fragmented datagram: the first fragment's data is summed, the
    // pseudo-header (with the layer-4 bytes of every fragment of the flow) is added at the
    // last fragment, whose line shows the first fragment's checksum field and the result
    // (the data of later fragments is not summed, as in the original).
    if CHK_L4 && have_l4 {
        if let Some(o) = ck_off.filter(|_| !later) {
            v.l4_hdr_ck = be16(d, l4 + o);
        }
        let mf = if v4 {
            v.frag & 0x2000 != 0
        } else {
            v.frag & 0x0001 != 0
        };
        let pseudo = |len: u64, any: bool| -> u64 {
            let mut s: u64 = 0;
            if any || matches!(proto, 6 | 17 | 136 | 58) || (proto == 89 && !v4) {
                let (src, dst) = if v4 {
                    (l3 + 12, l3 + 16)
                } else {
                    (l3 + 8, l3 + 24)
                };
                let n = if v4 { 4 } else { 16 };
                for a in [src, dst] {
                    for k in (0..n).step_by(2) {
                        s += be16(d, a + k) as u64;
                    }
                }
                s += proto as u64 + len;
            }
            s
        };
        // UDP-Lite: the checksum covers the first `coverage` bytes (0: all of them); a
        // coverage below the header or past the datagram is an error (L4_CHKCOVERR).
        let mut covered = l4_len;
        if proto == 136 && !later {
            let cov = be16(d, l4 + 4) as usize;
            if cov != 0 {
                if cov < 8 || cov > l4_len {
                    fs |= L4_CHKCOVERR;
                }
                covered = cov.min(l4_len);
            }
        }
        let data_sum = |o: usize| -> u64 {
            let end = (l4 + covered).min(d.len());
            let data = &d[l4.min(end)..end];
            sum_bytes(0, data, false) - be16(d, l4 + o) as u64
        };
        if later {
            {
                me.ck_len = me.ck_len.wrapping_add(l4_len as u32);
                if !mf {
                    // (The sum, the length and the first fragment's checksum field stay: only
                    // a first fragment sets them again (frag-35.pcap shows 0x7917 twice),
                    // so a last fragment without its first one adds to what the flow's
                    // earlier datagrams left: ndpi/fuzz-2020-02-16-11740.pcap, packet 38.)
                    me.ck_part = fold(me.ck_part + pseudo(me.ck_len as u64 & 0xffff, true)) as u64;
                    v.l4_hdr_ck = me.ck_hdr;
                    v.l4_cal_ck = finish(me.ck_part);
                    // (Without the first fragment: an error whatever the sum.)
                    if v.l4_cal_ck != v.l4_hdr_ck || !me.ck_started {
                        ipf |= L4_CHKSUM_ERR;
                    }
                    me.ck_started = false;
                }
            }
        } else if let Some(o) = ck_off {
            if mf {
                fs |= L4CHKSUMC;
                me.ck_started = true;
                me.ck_part = data_sum(o);
                me.ck_hdr = v.l4_hdr_ck;
                me.ck_len = l4_len as u32;
            } else if proto == 47 {
                // GRE (never verified): the original adds the pseudo-header to a running sum
                // it never resets, so the value of a flow's k-th packet is the complement of
                // the sum of all k (the same packet repeated shows 1, 2, 3, ... times one sum:
                // tcpdump/nhrp.pcapng). The packet's own bytes count only for protocol type
                // 0x2001 (its captured L7 bytes); for every other GRE payload of the corpus
                // (ERSPAN, Ethernet, WCCP, unknown types) the sum is the pseudo-header alone.
                let x = if pkt.l7_off == T2_OFF_NONE || be16(d, l4 + 2) != 0x2001 {
                    0
                } else {
                    let start = (pkt.l7_off as usize).min(d.len());
                    let end = start.saturating_add(pkt.snap_l7_len as usize).min(d.len());
                    sum_bytes(0, &d[start..end], false)
                };
                me.ck_part = fold(me.ck_part + x + pseudo(l4_len as u64, true)) as u64;
                v.l4_cal_ck = finish(me.ck_part);
                ipf |= L4_CHKSUM_ERR;
            } else if snapped {
                // Cut by the snap length (never verified): like GRE, the original adds the
                // pseudo-header (none for ICMP/IGMP) to the flow's running sum and sums no
                // data, so the k-th snapped packet of a flow shows the complement of k times
                // its pseudo-header sum (pcapng-test-generator test004: 0xfed6, then 0xfdad)
                // on top of the last whole packet's sum (zeek/tcp/retransmit-fast009.pcap).
                me.ck_part = fold(me.ck_part + pseudo(l4_len as u64, false)) as u64;
                v.l4_cal_ck = finish(me.ck_part);
                ipf |= L4_CHKSUM_ERR;
            } else {
                // A whole packet's sum replaces the running sum.
                let s = fold(data_sum(o) + pseudo(l4_len as u64, false));
                me.ck_part = s as u64;
                v.l4_cal_ck = !s;
                if v.l4_cal_ck != v.l4_hdr_ck {
                    ipf |= L4_CHKSUM_ERR;
                }
            }
        }
    }

    // RTT: this packet's time since the opposite flow's last packet updates the opposite
    // flow's statistics (before the TCP analysis, whose retransmission test uses them).
    // (Not after this side's FIN, RST or odd flags: its state STOP, until a packet of the
    // other side moves it on.)
    if let (Some(o), Some(ol)) = (op.as_deref_mut(), op_last) {
        if me.rtt_state != RTT_STOP {
            let t = tdiff(ts, ol).abs();
            if t < o.rtt_min {
                o.rtt_min = t;
            }
            if t > o.rtt_max {
                o.rtt_max = t;
            }
            if (o.rtt_state == RTT_SYN || o.rtt_state == RTT_SYN_ACK) && o.pkts == 1 {
                o.trip = t;
                o.rtt_avg = t;
            } else {
                let n = me.pkts as f32;
                let dd = t - o.rtt_avg;
                o.rtt_avg += dd / n;
                o.rtt_jit += (dd * dd - o.rtt_jit) / n;
                o.rtt_state = RTT_ACK;
            }
        }
    }

    // The initial sequence number: from the flow's first packet, read where a TCP header
    // would be (for a later fragment: its data, as the original).
    if me.pkts == 1 && proto == 6 && have_l4 {
        me.isn = be32(d, l4 + 4);
    }

    // TCP.
    let mut ws_mark = false;
    if proto == 6 && !later && have_l4 {
        v.tcp = true;
        ws_mark = tcp(
            g,
            me,
            op.as_deref_mut(),
            pkt,
            d,
            l4,
            v,
            &mut fs,
            ts,
            prev_ts,
        );
    }

    // RTT states (kept without RTT_ESTIMATE too: the scan detector uses them).
    if v.tcp {
        let flags = b(d, l4 + 13);
        me.rtt_state = match flags & 0x17 {
            0x02 => RTT_SYN,
            0x12 => RTT_SYN_ACK,
            0x10 => {
                if let Some(o) = op.as_mut() {
                    if o.rtt_state == RTT_NONE || o.rtt_state == RTT_SYN_ACK {
                        o.rtt_state = RTT_ACK;
                    }
                }
                if me.rtt_state == RTT_STOP {
                    RTT_STOP
                } else {
                    RTT_ACK
                }
            }
            _ => RTT_STOP,
        };
    } else if proto != 6 {
        me.rtt_state = if me.pkts == 1 { RTT_SYN_ACK } else { RTT_ACK };
    }

    fs |= me.fstat;
    me.fstat |= IP_INTDIS_OK;
    if ws_mark {
        me.fstat |= TCP_WS_USED;
    }
    v.fstat = if v.tcp { fs } else { 0 };
    me.fstat_all |= fs;
    v.ip_flags = ipf;
    me.ip_flags |= ipf;
    timejump
}

/// The TCP part of a packet.
#[allow(clippy::too_many_arguments)]
fn tcp(
    g: &mut Global,
    me: &mut Flow,
    mut op: Option<&mut Flow>,
    pkt: &Packet<'_>,
    d: &[u8],
    t: usize,
    v: &mut PktVals,
    fs: &mut u16,
    ts: T2Time,
    prev_ts: T2Time,
) -> bool {
    let mut ws_mark = false;
    let seq = be32(d, t + 4);
    let ack = be32(d, t + 8);
    let doff = (b(d, t + 12) >> 4) as usize * 4;
    let flags = b(d, t + 13);
    let win_raw = be16(d, t + 14) as u32;
    let plen = pkt.l7_len;
    g.tcp_pkts += 1;
    me.tcp_pkts += 1;
    let first_tcp = me.tcp_pkts == 1;

    // Flags and their combinations.
    let mut fl = flags as u16;
    fl |= match flags & 0x17 {
        0x11 => FIN_ACK,
        0x12 => SYN_ACK,
        0x14 => RST_ACK,
        0x03 => SYN_FIN,
        0x07 => SYN_FIN_RST,
        0x05 => FIN_RST,
        _ => 0,
    };
    if flags & 0x3f == 0 {
        fl |= NULL_SCAN;
    }
    if flags & 0x3f == 0x29 {
        fl |= XMAS;
    }
    me.flags |= fl;
    v.flags = fl;
    if FLGCNT {
        for k in 0..16 {
            if fl & (1 << k) != 0 {
                me.flag_cnt[k] = me.flag_cnt[k].wrapping_add(1);
            }
        }
    }
    let syn = flags & SYN != 0;
    let sfr = flags & (SYN | FIN | RST) != 0;

    // Options.
    let mut anom: u16 = 0;
    // (Negative for a data offset below 5, as the original prints it.)
    v.opt_len = doff as i32 - 20;
    if doff > 20 {
        v.opts = t + 20..t + doff;
    }
    // Options not completely captured: flagged and not read at all (except in a first
    // fragment, whose options are read on, as zeros).
    let mf = match pkt.ip_ver {
        4 => v.frag & 0x2000 != 0,
        6 => v.frag & 0x0001 != 0,
        _ => false,
    };
    let opt_corrupt = doff > 20 && t + doff > pkt.data().len() && !mf;
    if opt_corrupt {
        *fs |= TCP_L4OPTCORRPT;
    }
    if doff > 20 && !opt_corrupt {
        me.opt_pkts = me.opt_pkts.wrapping_add(1);
        let end = t + doff;
        let mut i = t + 20;
        while i < end {
            let k = b(d, i);
            if k == 0 {
                break;
            }
            me.opt_cnt = me.opt_cnt.wrapping_add(1);
            me.options |= 1 << k.min(31);
            if syn && JA4T && (me.ja4t_len as usize) < JA4T_MAX {
                me.ja4t[me.ja4t_len as usize] = k;
                me.ja4t_len += 1;
            }
            if k == 1 {
                i += 1;
                continue;
            }
            let len = b(d, i + 1) as usize;
            if len == 0 {
                *fs |= TCP_L4OPTCORRPT;
                break;
            }
            match k {
                2 => {
                    me.mss = be16(d, i + 2);
                }
                3 if syn => {
                    me.ws_shift = b(d, i + 2);
                    me.ws_syn = true;
                }
                5 => *fs |= TCP_SACK,
                // (Timestamps belong to NAT_BT_EST: without it neither the columns nor the
                // tcpFStat bits of the timestamp option.)
                8 if BTM => {
                    let val = be32(d, i + 2);
                    let ecr = be32(d, i + 6);
                    // (Against the highest TSval so far.)
                    if me.ts_seen && val < me.ts_max {
                        *fs |= TCP_OPT_TM_DEC;
                    }
                    if !me.ts_seen || val > me.ts_max {
                        me.ts_max = val;
                    }
                    if !me.ts_seen {
                        me.ts_seen = true;
                        me.ts_first_val = val;
                        me.ts_first = ts;
                    }
                    me.tsval = val;
                    me.tsecr = ecr;
                    me.ts_last = ts;
                    me.fstat |= TCP_OPT_INIT;
                }
                30 if MP => {
                    me.fstat |= TCP_MPTCP;
                    g.mptcp_pkts += 1;
                    let sub = b(d, i + 2) >> 4;
                    let bitv = if sub == 15 {
                        0x8000
                    } else {
                        1u16 << sub.min(14)
                    };
                    me.mptbf |= bitv;
                    g.mptbf |= bitv;
                    v.mptyp = sub;
                    // (The packet columns show this packet's values, the flow ORs them.)
                    match sub {
                        0 => v.mpf |= b(d, i + 3),
                        1 | 5 => {
                            if len <= 16 {
                                v.mpf |= b(d, i + 2) & 0x0f;
                            }
                            v.mpaid = b(d, i + 3);
                            me.mpaid = v.mpaid;
                        }
                        3 | 4 => {
                            v.mpaid = b(d, i + 3);
                            me.mpaid = v.mpaid;
                        }
                        2 => v.mpdssf |= b(d, i + 3) & 0x1f,
                        _ => {}
                    }
                    me.mpf |= v.mpf;
                    me.mpdssf |= v.mpdssf;
                    g.mpf |= me.mpf;
                }
                _ => {}
            }
            i += len;
        }
    }
    v.mss = me.mss;
    v.tms = me.tsval;
    v.tmer = me.tsecr;

    // Window.
    let prev_win_eff = me.win_last;
    let ws_used = me.fstat & TCP_WS_USED != 0;
    let win = if ws_used {
        win_raw * me.ws_factor() as u32
    } else {
        win_raw
    };
    v.win = win;
    v.ws = if me.fstat & TCP_WS_USED != 0 {
        me.ws_factor() as u32
    } else {
        0
    };
    // (The initial and the last window are kept without WINDOWSIZE too: JA4T and the
    // SEQ/ACK analysis use them.)
    if first_tcp {
        me.win_init = win;
    }
    if WIN {
        if first_tcp {
            me.win_min = win;
            me.win_max = win;
            me.win_avg = win as f32;
            me.fstat |= TCP_WIN_INIT;
        } else {
            me.win_avg = (0.7 * me.win_avg as f64 + 0.3 * win as f64) as f32;
            if win > me.win_last {
                me.win_up = me.win_up.wrapping_add(1);
                if !me.win_dir_up {
                    me.win_chg = me.win_chg.wrapping_add(1);
                    me.win_dir_up = true;
                }
                me.fstat |= TCP_WIN_UP;
                me.win_max = me.win_max.max(win);
            } else if win < me.win_last {
                me.win_dwn = me.win_dwn.wrapping_add(1);
                if me.win_dir_up {
                    // (Every decrease after the first increase counts as a change.)
                    me.win_chg = me.win_chg.wrapping_add(1);
                }
                me.fstat &= !TCP_WIN_UP;
                me.win_min = me.win_min.min(win);
            } else if me.win_up > 0 {
                // (An unchanged window shows "up" once the window went up before.)
                me.fstat |= TCP_WIN_UP;
            }
        }
        if win < WINMIN && !sfr {
            me.win_below += 1;
            g.win_below += 1;
            *fs |= TCP_ZWIN;
        }
    }
    me.win_last = win;

    if syn && flags & ACK != 0 && me.ws_syn {
        // A SYN-ACK with a window scale option: scaling in use in both directions (this
        // packet's own tcpFStat does not show it yet).
        if let Some(o) = op.as_deref_mut() {
            o.fstat |= TCP_WS_USED;
        }
        ws_mark = true;
    }

    // SEQ / ACK.
    if SEQ {
        let prev_sfr = me.prev_flags & (SYN | FIN | RST) != 0;
        // The highest sequence number: the previous segment's end counts from the next
        // packet on.
        if first_tcp {
            me.max_seq = seq;
        } else {
            let prev_end = me
                .prev_seq
                .wrapping_add(me.prev_plen)
                .wrapping_add(prev_sfr as u32);
            if prev_end > me.max_seq {
                me.max_seq = prev_end;
            }
        }
        let expected = me
            .prev_seq
            .wrapping_add(me.prev_plen)
            .wrapping_add(prev_sfr as u32);
        v.seq = seq;
        v.ack = ack;
        if SEQREL {
            v.seq = seq.wrapping_sub(me.isn);
            // (Relative to the other side's initial sequence number; before it is known, to
            // this side's first acknowledgement number.)
            if first_tcp {
                me.first_ack = ack;
            }
            let base = op
                .as_deref()
                .filter(|o| o.tcp_pkts > 0)
                .map_or(me.first_ack, |o| o.isn);
            v.ack = ack.wrapping_sub(base);
        }
        // Differences to the previous packet (ACK packets only), as signed 32-bit values.
        if !first_tcp && flags & ACK != 0 {
            v.seq_diff = seq.wrapping_sub(me.prev_seq) as i32 as i64;
            if me.prev_ack != 0 {
                v.ack_diff = ack.wrapping_sub(me.prev_ack) as i32 as i64;
            }
        }
        // Zero-window probe: one byte against the other side's closed window; its
        // acknowledgement: a closed window still, acknowledging up to the probe. Neither
        // takes part in the SEQ/ACK analysis, and the probe's byte does not count as sent.
        let probe = flags & ACK != 0
            && plen == 1
            && !sfr
            && !first_tcp
            && op
                .as_deref()
                .is_some_and(|o| o.tcp_pkts > 0 && o.win_last == 0);
        let probe_ack = !probe
            && flags & ACK != 0
            && win == 0
            && op
                .as_deref()
                .is_some_and(|o| o.prev_probe && ack == o.prev_seq);
        if probe {
            *fs |= TCP_WIN_0PRB;
        } else if probe_ack {
            *fs |= TCP_WIN_0PRBACK;
        }
        if flags & ACK != 0 && !probe && !probe_ack {
            let ka_ack = op
                .as_deref()
                .is_some_and(|o| o.tcp_pkts > 0 && o.next_seq == ack.wrapping_sub(1));
            // (Keep-alive: one below the highest sequence number.)
            let ka_seq = seq == me.max_seq.wrapping_sub(1);
            if plen <= 1 && !sfr && !first_tcp && ka_seq {
                anom |= KEEP_ALIVE;
            } else if plen <= 1 && !sfr && ka_ack {
                anom |= KEEP_ALIVE_ACK;
            } else {
                // Same acknowledgement as the previous packet: duplicate ACK or window
                // update, out-of-order segment or retransmission.
                // (On the flow's first packet the previous acknowledgement is this one.)
                if ack == me.prev_ack || first_tcp {
                    if let Some(o) = op.as_deref() {
                        if o.tcp_pkts > 0 && o.prev_ack > seq {
                            anom |= SEQ_MESS;
                        }
                    }
                }
                if ack == me.prev_ack && !first_tcp {
                    if plen == 0 && !sfr {
                        if win_raw == me.prev_win_raw {
                            anom |= DUP_ACK;
                        } else if seq == expected {
                            *fs |= TCP_WIN_UPD;
                        }
                    }
                    let ooo = !sfr && seq < me.max_seq;
                    if ooo {
                        anom |= SEQ_OUT_OF_ORDER;
                    }
                    let fast = op
                        .as_deref()
                        .is_some_and(|o| o.prev_anom & DUP_ACK != 0 && seq == o.prev_ack);
                    if fast && (plen > 0 || flags & (SYN | FIN) != 0) && seq < expected {
                        anom |= SEQ_FAST_RETRY;
                    } else if !ooo && seq < expected && flags & RST == 0 && win == prev_win_eff {
                        if let Some(o) = op.as_deref() {
                            let rtt = me.rtt_avg + o.rtt_avg;
                            if tsub(ts, prev_ts) > 1.5 * rtt as f64 {
                                anom |= SEQ_TMO_RETRY;
                            }
                        }
                    }
                }
            }
            if let Some(o) = op.as_deref() {
                if o.tcp_pkts > 0 {
                    let o_sfr = o.prev_flags & (SYN | FIN | RST) != 0;
                    let o_end = o
                        .prev_seq
                        .wrapping_add(o.prev_plen)
                        .wrapping_add(o_sfr as u32)
                        .max(o.max_seq);
                    if ack > o_end {
                        anom |= ACK_UNSEEN;
                        me.ack_fault = me.ack_fault.wrapping_add(1);
                    }
                }
            }
            if first_tcp || seq == expected {
                me.seq_cnt = me.seq_cnt.wrapping_add(1);
            }
            if !first_tcp && seq > me.max_seq && !prev_sfr {
                anom |= PREV_NOT_CAPTURED;
            }
            me.ack_cnt = me.ack_cnt.wrapping_add(1);
        }
        // Bytes sent and acknowledged: the advances, without the phantom byte of a SYN or
        // FIN (an advance of exactly one after it).
        if v.seq_diff > 0 && !(prev_sfr && v.seq_diff == 1) && !probe {
            v.seq_len = v.seq_diff as u64;
            me.seq_bytes += v.seq_diff as u64;
        }
        if v.ack_diff > 0
            && !(v.ack_diff == 1
                && (me.prev_flags & (SYN | FIN) != 0
                    || op.as_deref().is_some_and(|o| {
                        o.prev_flags & (SYN | FIN) != 0
                            || (o.sf_seen && o.sf_seq.wrapping_add(1) == ack)
                    })))
        {
            v.ack_len = v.ack_diff as u64;
            me.ack_bytes += v.ack_diff as u64;
        }
        // Bytes in flight: this side's payload since the other side's last plain ACK
        // (counted only once the other side exists).
        if flags & 0x17 == ACK {
            if let Some(o) = op.as_deref_mut() {
                o.bflgt = 0;
                me.bflgt = me.bflgt.wrapping_add(plen);
            }
        }
        me.bflgt_max = me.bflgt_max.max(me.bflgt);
        if let Some(o) = op.as_deref() {
            // (Only once this side sent a SYN, and not against a reset.)
            let known = me.flags & SYN as u16 != 0 && o.prev_flags & RST == 0;
            if known && o.tcp_pkts > 0 && me.bflgt >= o.win_last {
                *fs |= TCP_WIN_FLL;
            }
        }
        me.mlen += plen as u64;
        let plen = if probe { 0 } else { plen };
        me.prev_probe = probe;
        me.next_seq = seq.wrapping_add(plen).wrapping_add(sfr as u32);
        v.seq_max = if SEQREL {
            me.max_seq.wrapping_sub(me.isn)
        } else {
            me.max_seq
        };
        v.seq_flow_len = me.seq_bytes;
        v.ack_flow_len = me.ack_bytes;
        v.mlen = me.mlen;
        v.bflgt = me.bflgt;
        me.prev_seq = seq;
        me.prev_ack = ack;
        me.prev_plen = plen;
        if flags & (SYN | FIN) != 0 {
            // (The position of the SYN's or FIN's sequence number, while only resets
            // follow.)
            me.sf_seen = true;
            me.sf_seq = if flags & FIN != 0 {
                seq.wrapping_add(plen)
            } else {
                seq
            };
        } else if flags & RST == 0 {
            me.sf_seen = false;
        }
    }
    me.prev_win_raw = win_raw;

    // Scans.
    if SCAN_DET {
        // A SYN while this side's state is still "SYN sent" (the other side's packets
        // move it on once it has more than one packet).
        if flags & 0x3f == SYN && me.rtt_state == RTT_SYN {
            if tsub(ts, prev_ts) > 0.9 {
                anom |= SYN_RETRY;
                g.syn_retries += 1;
            } else {
                anom |= SCAN;
                g.scans += 1;
            }
        }
        if fl & (NULL_SCAN | XMAS) != 0 {
            // (Not counted in the report.)
            anom |= SCAN;
        }
    }
    if flags & (SYN | ACK) == SYN && plen > 0 {
        anom |= SYN_L7;
    }
    me.prev_flags = flags;
    if anom & DUP_ACK != 0 {
        me.ack_fault = me.ack_fault.wrapping_add(1);
    }
    if anom & (SEQ_TMO_RETRY | SEQ_FAST_RETRY) != 0 {
        me.seq_fault = me.seq_fault.wrapping_add(1);
        g.seq_retries += 1;
    }
    // A flow flagged as a scan shows no more errors (they are still counted).
    if (me.anomaly | anom) & SCAN != 0 {
        anom &= !TCP_ECNTR;
    }
    me.anomaly |= anom;
    me.prev_anom = anom;
    v.anomaly = anom;
    ws_mark
}

impl Flow {
    /// The window scale multiplier: `1 << shift` as the original computes it (the shift
    /// count taken modulo 32, the result kept in 16 bits: 0 for shifts of 16 and more).
    pub fn ws_factor(&self) -> u16 {
        (1u32 << (self.ws_shift & 31)) as u16
    }
}

/// The computed flow-level values at termination.
#[derive(Clone, Debug, Default)]
pub struct TermOut {
    pub fstat: u16,
    pub ip_flags: u16,
    pub anomaly: u16,
    pub win_thrt: f32,
    pub ja4t: String,
    pub ws: u16,
    pub eci: f32,
    pub utm: f64,
    pub btm_sec: u64,
    pub btm_nsec: u32,
    pub sseqaa: f32,
    pub ackjit: f32,
    /// Anomaly bits to add to the opposite flow.
    pub opposite_anomaly: Option<u16>,
}

/// The end of a flow: the derived values, and the global aggregates.
pub fn terminate(
    g: &mut Global,
    me: &mut Flow,
    op: Option<&Flow>,
    flow: &T2Flow,
    inverted: bool,
) -> TermOut {
    let mut o = TermOut {
        fstat: me.fstat_all | me.fstat,
        ip_flags: me.ip_flags,
        anomaly: me.anomaly,
        ..Default::default()
    };
    if flow.l4_proto == 6 && flow.ip_ver != 0 && me.fstat & IP_INTDIS_OK == 0 && me.pkts == 0 {
        o.fstat = 0;
    }
    // (The aggregate takes the flow's ipFlags before the fragment verdict of its end.)
    g.ip_flags |= o.ip_flags;
    if flow.status & t2_plugin::abi::flow_stat::IPV4_FRAG_ERR != 0 {
        o.ip_flags |= FRAG_SEQ_ERR;
    }
    // (The aggregate takes the flow's anomalies before the scan verdict of its end.)
    g.anomaly |= o.anomaly;
    // Scans: a flow with SYN or FIN seen and few packets, unless already a scan or it
    // answers one.
    if SCAN_DET && flow.l4_proto == 6 {
        let op_scan = op.is_some_and(|p| p.anomaly & SCAN != 0);
        if me.anomaly & SYN_RETRY == 0
            && me.flags & (SYN | FIN) as u16 != 0
            && o.anomaly & SCAN == 0
            && me.tcp_pkts < TCP_SCAN_PMAX
            && !op_scan
        {
            o.anomaly |= SCAN;
            g.scans += 1;
        }
        if o.anomaly & SCAN != 0 && op.is_some() {
            o.anomaly |= SCAN_SUCC;
            o.opposite_anomaly = Some(SCAN_SUCC);
            g.scans_succ += 1;
        }
    }
    me.anomaly = o.anomaly;
    if WIN && me.tcp_pkts > 0 {
        o.win_thrt = me.win_below as f32 / me.tcp_pkts as f32;
    }
    g.fstat |= o.fstat;
    g.flags |= me.flags;
    g.tos |= me.tos;
    // Window scale: shown once any flow ended with window scaling in use.
    o.ws = if g.fstat & TCP_WS_USED != 0 {
        me.ws_factor()
    } else {
        0
    };
    if JA4T {
        let mut s = format!("{}_", me.win_init);
        if me.ja4t_len == 0 {
            s.push_str("00_");
        } else {
            for k in 0..me.ja4t_len as usize {
                if k > 0 {
                    s.push('-');
                }
                let _ = write!(s, "{}", me.ja4t[k]);
            }
        }
        let _ = write!(s, "{:02}_", me.mss);
        if g.fstat & TCP_WS_USED != 0 {
            let _ = write!(s, "{}", me.ws_shift);
        } else {
            s.push_str("00");
        }
        o.ja4t = s;
    }
    if BTM && me.ts_seen {
        let dv = me.tsval.wrapping_sub(me.ts_first_val);
        let tick: f32 = if dv > 0 {
            // The time between the first and the last timestamp, subtracted with a borrow of
            // 10^6 instead of 10^9 nanoseconds (as the original).
            let mut sec = me.ts_last.sec as i64 - me.ts_first.sec as i64;
            let mut ns = me.ts_last.nsec as i64 - me.ts_first.nsec as i64;
            if ns < 0 {
                sec -= 1;
                ns += 1_000_000;
            }
            let x = (sec as f64 + ns as f64 / 1e9) / dv as f64;
            if x < 0.002 {
                0.001
            } else if x < 0.005 {
                0.004
            } else if x < 0.02 {
                0.01
            } else if x < 0.7 {
                0.1
            } else {
                1.0
            }
        } else if me.min_ttl >= 128 {
            0.1
        } else if me.min_ttl >= 64 {
            0.004
        } else if me.min_ttl > 32 {
            0.01
        } else {
            0.001
        };
        o.eci = tick;
        o.utm = me.tsval as f64 * tick as f64;
        let us = o.utm as u64;
        let uns = ((o.utm - us as f64) * 1e9) as u32;
        let mut sec = me.ts_last.sec.wrapping_sub(us);
        let mut ns = me.ts_last.nsec.wrapping_sub(uns);
        if (ns as i32) < 0 {
            sec = sec.wrapping_sub(1);
            ns = ns.wrapping_add(1_000_000);
        }
        o.btm_sec = sec;
        o.btm_nsec = ns;
    }
    if RTT {
        if let Some(p) = op {
            if inverted {
                o.sseqaa = me.rtt_avg + p.rtt_avg;
                o.ackjit = (me.rtt_jit + p.rtt_jit).sqrt();
            } else {
                o.sseqaa = me.trip + p.trip;
            }
        }
    }
    o
}

/// Scans: flows with fewer TCP packets than this at their end may be scans.
pub const TCP_SCAN_PMAX: u32 = 4;
