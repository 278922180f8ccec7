//! tcpFlags (T2 plugin 130): IP and TCP header analysis of every IP flow (spec §4.3).
//!
//! Per flow: IP ID deltas, TTL range and changes, ToS, IP options, IPv6 hop-by-hop and
//! destination options, the `ipFlags`, `tcpFStat`, `tcpFlags` and `tcpAnomaly` bit fields,
//! SEQ/ACK analysis (retransmissions, duplicate ACKs, out-of-order segments, keep-alives, bytes
//! in flight), window statistics, TCP options (MSS, window scale, SACK, timestamps), MPTCP,
//! round-trip times and jitter, boot-time estimation from TCP timestamps, scan detection and
//! the JA4T fingerprint. Packet mode (`-s`) adds the per-packet values, the end report the
//! aggregated bit fields and counters.
//!
//! The rules were established against the original's output (`../shared/conformance`, flow
//! and packet files): see the comments of [`analysis`]. Where the original reads header bytes
//! past the captured ones (truncated packets), it finds what its packet buffer still holds of
//! earlier, longer packets; the plugin keeps such a buffer too (`TcpFlags::stale`), so that
//! these reads give the same values for pcap files.

#![allow(non_snake_case)]

pub mod analysis;
pub mod bits;
pub mod wire;

use analysis::{Flow, Global, PktVals};
use bits::*;
use std::fmt::Write as _;
use t2_plugin::abi::flow_stat::{L3FLOWINVERT, TIMEJUMP};
use t2_plugin::{
    Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar, Writer,
};

t2_plugin::config_module!();
pub use config::*;

pub const TOS_MODE: u8 = IPTOS;
pub const RTT: bool = RTT_ESTIMATE != 0;
pub const CHK_IP: bool = IPCHECKSUM >= 1;
pub const CHK_L4: bool = IPCHECKSUM >= 2;
pub const WIN: bool = WINDOWSIZE != 0;
pub const SEQ: bool = SEQ_ACK_NUM != 0;
pub const FRAG: bool = FRAG_ANALYZE != 0;
pub const BTM: bool = NAT_BT_EST != 0;
pub const SCAN_DET: bool = SCAN_DETECTOR != 0;
pub const MP: bool = MPTCP != 0;
pub const JA4T: bool = TCPJA4T != 0;
pub const FLGCNT: bool = TCPFLGCNT != 0;
pub const SEQREL: bool = SPKTMD_SEQACKREL != 0;
pub const SEQHEX: bool = SPKTMD_SEQACKHEX != 0;

pub struct TcpFlags {
    flows: PerFlow<Flow>,
    packet_mode: bool,
    g: Global,
    /// Number of packet-mode fields of this plugin (for layer-2 flows: all empty).
    packet_fields: usize,
    /// The bytes of the packets read so far, each over the previous (see `on_layer2`).
    stale: Vec<u8>,
    /// The current packet's packet-mode values (reused).
    vals: PktVals,
}

fn declare(i: &mut Init<'_>) -> Result<usize> {
    use Scalar::*;
    i.declare_column(Column::new("tcpFStat", "tcpFlags status", H16).bits(TCP_FSTAT_BITS))?;
    i.declare_column(Column::new("ipMindIPID", "IP minimum delta IP ID", U16))?;
    i.declare_column(Column::new("ipMaxdIPID", "IP maximum delta IP ID", U16))?;
    i.declare_column(Column::new("ipMinTTL", "IP minimum TTL", U8))?;
    i.declare_column(Column::new("ipMaxTTL", "IP maximum TTL", U8))?;
    i.declare_column(Column::new("ipTTLChg", "IP TTL change count", U8))?;
    match TOS_MODE {
        0 => {
            i.declare_column(Column::new("ipToS", "IP Type of Service hex", H8).bits(IP_TOS_BITS))?
        }
        1 => i.declare_column(Column::compound(
            "ipToSDscp_ecn",
            "IP Type of Service: DSCP and ECN decimal",
            &[U8, U8],
        ))?,
        _ => i.declare_column(Column::compound(
            "ipToSPrec_ecn",
            "IP Type of Service: precedence and ECN decimal",
            &[U8, U8],
        ))?,
    }
    i.declare_column(Column::new("ipFlags", "IP aggregated flags", H16).bits(IP_FLAGS_BITS))?;
    i.declare_column(Column::new("ipOptCnt", "IP options count", U16))?;
    i.declare_column(
        Column::compound(
            "ipOptCpCl_Num",
            "IP aggregated options, copy-class and number",
            &[H8, H32],
        )
        .bits(IP_OPT_CPCL_BITS),
    )?;
    i.declare_column(Column::compound(
        "ip6OptCntHH_D",
        "IPv6 Hop-by-Hop destination option counts",
        &[U16, U16],
    ))?;
    i.declare_column(Column::compound(
        "ip6OptHH_D",
        "IPv6 aggregated Hop-by-Hop destination options",
        &[H32, H32],
    ))?;
    if SEQ {
        i.declare_column(Column::new("tcpISeqN", "TCP initial sequence number", U32))?;
        i.declare_column(Column::new("tcpPSeqCnt", "TCP packet seq count", U16))?;
        i.declare_column(Column::new(
            "tcpSeqSntBytes",
            "TCP sent seq diff bytes",
            U64,
        ))?;
        i.declare_column(Column::new(
            "tcpSeqFaultCnt",
            "TCP sequence number fault count",
            U16,
        ))?;
        i.declare_column(Column::new("tcpPAckCnt", "TCP packet ACK count", U16))?;
        i.declare_column(Column::new(
            "tcpFlwLssAckRcvdBytes",
            "TCP flawless ACK received bytes",
            U64,
        ))?;
        i.declare_column(Column::new(
            "tcpAckFaultCnt",
            "TCP ACK number fault count",
            U16,
        ))?;
        i.declare_column(Column::new("tcpBFlgtMx", "TCP Bytes in Flight MAX", U32))?;
    }
    if WIN {
        i.declare_column(Column::new(
            "tcpInitWinSz",
            "TCP initial effective window size",
            U32,
        ))?;
        i.declare_column(Column::new(
            "tcpAvgWinSz",
            "TCP average effective window size",
            F,
        ))?;
        i.declare_column(Column::new(
            "tcpMinWinSz",
            "TCP minimum effective window size",
            U32,
        ))?;
        i.declare_column(Column::new(
            "tcpMaxWinSz",
            "TCP maximum effective window size",
            U32,
        ))?;
        i.declare_column(Column::new(
            "tcpWinSzDwnCnt",
            "TCP effective window size change down count",
            U16,
        ))?;
        i.declare_column(Column::new(
            "tcpWinSzUpCnt",
            "TCP effective window size change up count",
            U16,
        ))?;
        i.declare_column(Column::new(
            "tcpWinSzChgDirCnt",
            "TCP effective window size direction change count",
            U16,
        ))?;
        i.declare_column(Column::new(
            "tcpWinSzThRt",
            "TCP packet count ratio below window size WINMIN threshold",
            F,
        ))?;
    }
    i.declare_column(
        Column::new(
            "tcpFlags",
            "TCP aggregated protocol flags (FIN-ACK, SYN-ACK, RST-ACK, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN)",
            H16,
        )
        .bits(TCP_FLAGS_BITS),
    )?;
    i.declare_column(
        Column::new("tcpAnomaly", "TCP aggregated header anomaly flags", H16)
            .bits(TCP_ANOMALY_BITS),
    )?;
    if FLGCNT {
        i.declare_column(Column::compound(
            "tcpCntF_S_R_P_A_U_E_C_FA_SA_RA_N_SF_SFR_RF_X",
            "TCP flag and flag combination counts: FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, FIN-ACK, SYN-ACK, RST-ACK, NULL, SYN-FIN, SYN-FIN-RST, RST-FIN, XMAS",
            &[U16; 16],
        ))?;
    }
    if JA4T {
        i.declare_column(Column::new("tcpJA4T", "TCP JA4T/JA4TS fingerprint", SC))?;
    }
    i.declare_column(Column::new("tcpOptPktCnt", "TCP options packet count", U16))?;
    i.declare_column(Column::new("tcpOptCnt", "TCP options count", U16))?;
    i.declare_column(
        Column::new("tcpOptions", "TCP aggregated options", H32).bits(TCP_OPTIONS_BITS),
    )?;
    i.declare_column(Column::new("tcpMSS", "TCP maximum segment size", U16))?;
    i.declare_column(Column::new("tcpWS", "TCP window scale", U16))?;
    if MP {
        i.declare_column(
            Column::new("tcpMPTBF", "TCP MPTCP type bitfield", H16).bits(TCP_MPTBF_BITS),
        )?;
        i.declare_column(Column::new("tcpMPF", "TCP MPTCP flags", H8).bits(TCP_MPF_BITS))?;
        i.declare_column(Column::new("tcpMPAID", "TCP MPTCP address ID", U8))?;
        i.declare_column(
            Column::new("tcpMPDSSF", "TCP MPTCP DSS flags", H8).bits(TCP_MPDSSF_BITS),
        )?;
    }
    if BTM {
        i.declare_column(Column::new("tcpTmS", "TCP time stamp", U32))?;
        i.declare_column(Column::new("tcpTmER", "TCP time echo reply", U32))?;
        i.declare_column(Column::new("tcpEcI", "TCP estimated counter increment", F))?;
        i.declare_column(Column::new("tcpUtm", "TCP estimated up time", D))?;
        i.declare_column(Column::new("tcpBtm", "TCP estimated boot time", Time))?;
    }
    if RTT {
        i.declare_column(Column::new(
            "tcpSSASAATrip",
            "TCP trip time (A: SYN, SYN-ACK, B: SYN-ACK, ACK)",
            F,
        ))?;
        i.declare_column(Column::new("tcpRTTAckTripMin", "TCP ACK trip min", F))?;
        i.declare_column(Column::new("tcpRTTAckTripMax", "TCP ACK trip max", F))?;
        i.declare_column(Column::new("tcpRTTAckTripAvg", "TCP ACK trip average", F))?;
        i.declare_column(Column::new(
            "tcpRTTAckTripJitAvg",
            "TCP ACK trip jitter average",
            F,
        ))?;
        i.declare_column(Column::new(
            "tcpRTTSseqAA",
            "TCP round trip time (A: SYN, SYN-ACK, ACK, B: ACK-ACK)",
            F,
        ))?;
        i.declare_column(Column::new(
            "tcpRTTAckJitAvg",
            "TCP ACK round trip average jitter",
            F,
        ))?;
    }

    // Packet mode.
    let mut n = 0;
    if i.packet_mode() {
        let mut cols: Vec<&str> = Vec::new();
        cols.push(match TOS_MODE {
            0 => "ipToS",
            1 => "ipToSDscp_ecn",
            _ => "ipToSPrec_ecn",
        });
        cols.extend(["ipID", "ipIDDiff", "ipFrag", "ipTTL"]);
        if CHK_IP {
            cols.extend(["ipHdrChkSum", "ipCalChkSum"]);
        }
        if CHK_L4 {
            cols.extend(["l4HdrChkSum", "l4CalChkSum"]);
        }
        cols.extend([
            "ipFlags",
            "ip6HHOptLen",
            "ip6HHOpts",
            "ip6DOptLen",
            "ip6DOpts",
            "ipOptLen",
            "ipOpts",
        ]);
        if SEQ {
            cols.extend([
                "seq",
                "ack",
                "seqMax",
                "seqDiff",
                "ackDiff",
                "seqLen",
                "ackLen",
                "seqFlowLen",
                "ackFlowLen",
                "tcpMLen",
                "tcpBFlgt",
            ]);
        }
        cols.extend(["tcpFStat", "tcpFlags", "tcpAnomaly"]);
        if WIN {
            cols.push("tcpWin");
        }
        cols.extend(["tcpWS", "tcpMSS"]);
        if BTM {
            cols.extend(["tcpTmS", "tcpTmER"]);
        }
        if MP {
            cols.extend(["tcpMPTyp", "tcpMPF", "tcpMPAID", "tcpMPDSSF"]);
        }
        cols.extend(["tcpOptLen", "tcpOpts"]);
        for c in &cols {
            i.declare_packet_column(c)?;
        }
        n = cols.len();
    }
    Ok(n)
}

/// Writes the packet-mode fields of one packet.
fn packet_fields(host: &Host, p: &PktVals, d: &[u8]) {
    let mut s = String::with_capacity(64);
    let put = |s: &mut String| {
        host.packet_field(s);
        s.clear();
    };
    match TOS_MODE {
        0 => {
            let _ = write!(s, "0x{:02x}", p.tos);
        }
        1 => {
            let _ = write!(s, "{}_{}", p.tos >> 2, p.tos & 3);
        }
        _ => {
            let _ = write!(s, "{}_{}", p.tos >> 5, p.tos & 3);
        }
    }
    put(&mut s);
    let _ = write!(s, "{}", p.id);
    put(&mut s);
    let _ = write!(s, "{}", p.id_diff);
    put(&mut s);
    let _ = write!(s, "0x{:04x}", p.frag);
    put(&mut s);
    let _ = write!(s, "{}", p.ttl);
    put(&mut s);
    if CHK_IP {
        let _ = write!(s, "0x{:04x}", p.ip_hdr_ck);
        put(&mut s);
        let _ = write!(s, "0x{:04x}", p.ip_cal_ck);
        put(&mut s);
    }
    if CHK_L4 {
        let _ = write!(s, "0x{:04x}", p.l4_hdr_ck);
        put(&mut s);
        let _ = write!(s, "0x{:04x}", p.l4_cal_ck);
        put(&mut s);
    }
    let _ = write!(s, "0x{:04x}", p.ip_flags);
    put(&mut s);
    let hexlist = |s: &mut String, r: &std::ops::Range<usize>| {
        for (k, i) in r.clone().enumerate() {
            if k > 0 {
                s.push(';');
            }
            let _ = write!(s, "0x{:02x}", wire::b(d, i));
        }
    };
    let _ = write!(s, "{}", p.hh_len);
    put(&mut s);
    hexlist(&mut s, &p.hh);
    put(&mut s);
    let _ = write!(s, "{}", p.dst_len);
    put(&mut s);
    hexlist(&mut s, &p.dst);
    put(&mut s);
    let _ = write!(s, "{}", p.ipopt_len);
    put(&mut s);
    hexlist(&mut s, &p.ipopt);
    put(&mut s);
    let tcp = p.tcp;
    if SEQ {
        if tcp {
            let num = |s: &mut String, v: u32| {
                if SEQHEX {
                    let _ = write!(s, "0x{v:08x}");
                } else {
                    let _ = write!(s, "{v}");
                }
            };
            num(&mut s, p.seq);
            put(&mut s);
            num(&mut s, p.ack);
            put(&mut s);
            num(&mut s, p.seq_max);
            put(&mut s);
            for v in [p.seq_diff, p.ack_diff] {
                let _ = write!(s, "{v}");
                put(&mut s);
            }
            for v in [
                p.seq_len,
                p.ack_len,
                p.seq_flow_len,
                p.ack_flow_len,
                p.mlen,
                p.bflgt as u64,
            ] {
                let _ = write!(s, "{v}");
                put(&mut s);
            }
        } else {
            for _ in 0..11 {
                put(&mut s);
            }
        }
    }
    let _ = write!(s, "0x{:04x}", p.fstat);
    put(&mut s);
    if tcp {
        let _ = write!(s, "0x{:04x}", p.flags);
        put(&mut s);
        let _ = write!(s, "0x{:04x}", p.anomaly);
        put(&mut s);
        if WIN {
            let _ = write!(s, "{}", p.win);
            put(&mut s);
        }
        let _ = write!(s, "{}", p.ws);
        put(&mut s);
        let _ = write!(s, "{}", p.mss);
        put(&mut s);
        if BTM {
            let _ = write!(s, "{}", p.tms);
            put(&mut s);
            let _ = write!(s, "{}", p.tmer);
            put(&mut s);
        }
        if MP {
            let _ = write!(s, "{}", p.mptyp);
            put(&mut s);
            let _ = write!(s, "0x{:02x}", p.mpf);
            put(&mut s);
            let _ = write!(s, "{}", p.mpaid);
            put(&mut s);
            let _ = write!(s, "0x{:02x}", p.mpdssf);
            put(&mut s);
        }
    } else {
        let n = 2 + WIN as usize + 2 + 2 * BTM as usize + 4 * MP as usize;
        for _ in 0..n {
            put(&mut s);
        }
    }
    let _ = write!(s, "{}", p.opt_len);
    put(&mut s);
    hexlist(&mut s, &p.opts);
    put(&mut s);
}

impl Plugin for TcpFlags {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        let packet_fields = declare(i)?;
        Ok(TcpFlags {
            flows: PerFlow::for_host(i),
            packet_mode: i.packet_mode(),
            g: Global::default(),
            packet_fields,
            stale: Vec::new(),
            vals: PktVals::default(),
        })
    }

    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flows.reset(f);
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if f.is_none() {
            // (Every packet once: the denominator of the MPTCP share.)
            self.g.all_pkts = self.g.all_pkts.max(pkt.pkt_no);
            // The original reads headers past the captured bytes from its packet buffer,
            // which still holds the bytes of earlier (longer) packets there: kept here too.
            let d = pkt.data();
            if self.stale.len() < d.len() {
                self.stale.resize(d.len(), 0);
            }
            self.stale[..d.len()].copy_from_slice(d);
        }
        if self.packet_mode && f.is_some() {
            // A layer-2 flow's packet: every field empty.
            for _ in 0..self.packet_fields {
                host.packet_field("");
            }
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let opp = host.opposite(f);
        let op_last = opp.and_then(|o| host.flow(o)).map(|fl| fl.last_seen);
        let status = host.flow(f).map_or(0, |fl| fl.status);
        // Both directions' states are updated in place (they are large: no copies per packet).
        let (me, op) = self.flows.pair_mut(f, opp);
        let mut foreign;
        let me = match me {
            Some(m) => m,
            None => {
                foreign = Flow::default();
                &mut foreign
            }
        };
        let timejump = analysis::packet(
            &mut self.g,
            me,
            op,
            op_last,
            status,
            pkt,
            &self.stale,
            &mut self.vals,
        );
        if timejump {
            host.set_flow_status(f, TIMEJUMP);
        }
        if self.packet_mode {
            packet_fields(host, &self.vals, &self.stale);
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let flow = *host.flow(f).ok_or("flow index out of range")?;
        let opp = host.opposite(f);
        let mut me = self.flows.get(f).copied().unwrap_or_default();
        let op = opp.and_then(|o| self.flows.get(o).copied());
        let inverted = flow.status & L3FLOWINVERT != 0;
        let o = analysis::terminate(&mut self.g, &mut me, op.as_ref(), &flow, inverted);
        if let Some(s) = self.flows.get_mut(f) {
            *s = me;
        }
        // The opposite may be marked as successfully scanned.
        if let (Some(oi), Some(bits)) = (opp, o.opposite_anomaly) {
            if let Some(s) = self.flows.get_mut(oi) {
                s.anomaly |= bits;
            }
        }

        out.u16(o.fstat);
        out.u16(me.min_did);
        out.u16(me.max_did);
        out.u8(me.min_ttl);
        out.u8(me.max_ttl);
        out.u8(me.ttl_chg);
        match TOS_MODE {
            0 => out.u8(me.tos),
            1 => {
                out.u8(me.tos >> 2);
                out.u8(me.tos & 3);
            }
            _ => {
                out.u8(me.tos >> 5);
                out.u8(me.tos & 3);
            }
        }
        out.u16(o.ip_flags);
        out.u16(me.ip_opt_cnt);
        out.u8(me.ip_opt_cpcl);
        out.u32(me.ip_opts);
        out.u16(me.ip6_hh_cnt);
        out.u16(me.ip6_d_cnt);
        out.u32(me.ip6_hh);
        out.u32(me.ip6_d);
        if SEQ {
            out.u32(me.isn);
            out.u16(me.seq_cnt);
            out.u64(me.seq_bytes);
            out.u16(me.seq_fault);
            out.u16(me.ack_cnt);
            out.u64(me.ack_bytes);
            out.u16(me.ack_fault);
            out.u32(me.bflgt_max);
        }
        if WIN {
            out.u32(me.win_init);
            out.f32(me.win_avg);
            out.u32(me.win_min);
            out.u32(me.win_max);
            out.u16(me.win_dwn);
            out.u16(me.win_up);
            out.u16(me.win_chg);
            out.f32(o.win_thrt);
        }
        out.u16(me.flags);
        out.u16(o.anomaly);
        if FLGCNT {
            for c in me.flag_cnt {
                out.u16(c);
            }
        }
        if JA4T {
            out.str(&o.ja4t);
        }
        out.u16(me.opt_pkts);
        out.u16(me.opt_cnt);
        out.u32(me.options);
        out.u16(me.mss);
        out.u16(o.ws);
        if MP {
            out.u16(me.mptbf);
            out.u8(me.mpf);
            out.u8(me.mpaid);
            out.u8(me.mpdssf);
        }
        if BTM {
            out.u32(me.tsval);
            out.u32(me.tsecr);
            out.f32(o.eci);
            out.f64(o.utm);
            out.time(o.btm_sec, o.btm_nsec);
        }
        if RTT {
            out.f32(me.trip);
            out.f32(me.rtt_min);
            out.f32(me.rtt_max);
            out.f32(me.rtt_avg);
            out.f32(me.rtt_jit.sqrt());
            out.f32(o.sseqaa);
            out.f32(o.ackjit);
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut Writer<'_>) -> Result<()> {
        let n = "\x1b[1mtcpFlags:\x1b[0m";
        let g = &self.g;
        let mut s = String::new();
        if g.ip_flags != 0 {
            let _ = writeln!(s, "{n} Aggregated ipFlags=0x{:04x}", g.ip_flags);
        }
        if g.fstat != 0 {
            let _ = writeln!(s, "{n} Aggregated tcpFStat=0x{:04x}", g.fstat);
        }
        if g.flags != 0 {
            let _ = writeln!(s, "{n} Aggregated tcpFlags=0x{:04x}", g.flags);
        }
        if g.anomaly != 0 {
            let _ = writeln!(s, "{n} Aggregated tcpAnomaly=0x{:04x}", g.anomaly);
        }
        if g.tos != 0 {
            let _ = writeln!(s, "{n} Aggregated ipToS=0x{:02x}", g.tos);
        }
        if MP && g.mptbf != 0 {
            let _ = writeln!(
                s,
                "{n} Aggregated MPTCP subtypes: tcpMPTBF=0x{:04x}",
                g.mptbf
            );
            let _ = writeln!(s, "{n} Aggregated MPTCP flags: tcpMPF=0x{:02x}", g.mpf);
        }
        if g.scans != 0 {
            let p = 100.0 * g.scans_succ as f64 / g.scans as f64;
            let _ = writeln!(
                s,
                "{n} Number of TCP scans attempted, successful: {}{}, {}{} [{p:.2}%]",
                g.scans,
                wire::hr_suffix(g.scans),
                g.scans_succ,
                wire::hr_suffix(g.scans_succ)
            );
        }
        if g.syn_retries != 0 || g.seq_retries != 0 {
            let _ = writeln!(
                s,
                "{n} Number of TCP SYN retries, seq retries: {}{}, {}{}",
                g.syn_retries,
                wire::hr_suffix(g.syn_retries),
                g.seq_retries,
                wire::hr_suffix(g.seq_retries)
            );
        }
        if WIN && g.win_below != 0 {
            let p = if g.tcp_pkts > 0 {
                100.0 * g.win_below as f64 / g.tcp_pkts as f64
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "{n} Number WinSz below {}: {}{} [{p:.2}%]",
                WINMIN,
                g.win_below,
                wire::hr_suffix(g.win_below)
            );
        }
        if MP && g.mptcp_pkts != 0 {
            let p = if g.all_pkts > 0 {
                100.0 * g.mptcp_pkts as f64 / g.all_pkts as f64
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "{n} Number of MPTCP packets: {}{} [{p:.2}%]",
                g.mptcp_pkts,
                wire::hr_suffix(g.mptcp_pkts)
            );
        }
        w.text(&s);
        Ok(())
    }
}

t2_plugin::export_plugin!(
    TcpFlags,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate, report]
);
