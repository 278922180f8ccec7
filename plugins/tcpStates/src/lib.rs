//! tcpStates (T2 plugin 132): T2's TCP connection state machine (spec §4.4).
//!
//! One column, `tcpStatesAFlags` (H8): the anomalies seen in the connection's state machine.
//! The plugin also drives the flows' idle timeouts: it registers 0.1, 120, 610, 120 and 10 s in
//! `init` and gives each TCP flow the timeout of its state (NEW 120 s, ESTABLISHED 610 s,
//! CLOSING 120 s, CLOSED 10 s, RESET 0.1 s), which decides when flows end and so the order of
//! the flow file.
//!
//! Per packet (TCP, not a later fragment, flags captured), by the state of its flow:
//! - NEW: a SYN (without FIN/RST) records its sequence number (timeout 120 s); if it is a
//!   SYN-ACK acknowledging the opposite SYN, that SYN is acknowledged, otherwise both flows are
//!   ESTABLISHED with 0x01 (0x01 on both). A pure ACK acknowledging the opposite SYN completes
//!   the handshake (both ESTABLISHED) once this side's SYN was acknowledged too; a wrong one
//!   makes both ESTABLISHED with 0x01; without an opposite: ESTABLISHED with 0x01. RST-ACK
//!   with an opposite: both RESET, 0x40 here; another RST: RESET with 0x41 (0x80 more without
//!   an opposite; RESET and 0x01 on the opposite). FIN-ACK (no SYN): CLOSING with 0x01 on both
//!   (a FIN scan without an opposite); a FIN without ACK: 0x80. Anything else (SYN-FIN, NULL,
//!   ...): both ESTABLISHED with 0x01 here, 0x80 more for a NULL packet.
//! - ESTABLISHED: a packet without ACK or with SYN sets 0x04 on both; RST: RESET with 0x42 here,
//!   0x02 and RESET on the opposite; FIN: CLOSING, and the acknowledgement of an opposite FIN is
//!   recorded (a pure ACK records none).
//! - CLOSING: RST as above; a FIN is recorded, so are acknowledgements of the opposite FIN;
//!   once both FINs are seen and acknowledged both flows are CLOSED.
//! - CLOSED: 0x08 (RST as above); RESET: 0x10.
//!
//! At the end of a TCP flow: without an opposite 0x03; otherwise 0x01 unless both SYNs were
//! seen and acknowledged, 0x02 unless both FINs were (then a FIN scan is forgotten); a FIN scan
//! still pending sets 0x80.
//!
//! These rules reproduce every `tcpStatesAFlags` of `../shared/conformance` (flow and packet
//! files) and, through the timeouts, the original's flow order.

#![allow(non_snake_case)]

use t2_plugin::abi::T2BitDesc;
use t2_plugin::column::bit;
use t2_plugin::{Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar};

t2_plugin::config_module!();

/// TCP flag bits.
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

/// Anomaly bits of `tcpStatesAFlags`.
pub const MAL_CON_EST: u8 = 0x01;
pub const MAL_TEARDWN: u8 = 0x02;
pub const MAL_FLGS_EST: u8 = 0x04;
pub const PKTS_TERM: u8 = 0x08;
pub const PKTS_RST: u8 = 0x10;
pub const RST_TRANS: u8 = 0x40;
pub const EVIL: u8 = 0x80;

const BITS: &[T2BitDesc] = &[
    bit(0x01, "MAL_CON_EST", "Malformed connection establishment"),
    bit(0x02, "MAL_TEARDWN", "Malformed teardown"),
    bit(
        0x04,
        "MAL_FLGS_EST",
        "Malformed flags during established connection",
    ),
    bit(0x08, "PKTS_TERM", "Packets detected after teardown"),
    bit(0x10, "PKTS_RST", "Packets detected after reset"),
    bit(0x20, "-", "Not used"),
    bit(0x40, "RST_TRANS", "Reset from sender"),
    bit(0x80, "EVIL", "Potential evil behavior (scan)"),
];

/// Connection states.
pub const NEW: u8 = 0;
pub const ESTABLISHED: u8 = 1;
pub const CLOSING: u8 = 2;
pub const CLOSED: u8 = 3;
pub const RESET: u8 = 4;

/// Idle timeout of each state (seconds), registered in `init` in T2's order.
pub const TIMEOUTS: [f32; 5] = [120.0, 610.0, 120.0, 10.0, 0.1];
const REGISTER_ORDER: [f32; 5] = [0.1, 120.0, 610.0, 120.0, 10.0];

/// The state machine of one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Conn {
    pub state: u8,
    pub anomalies: u8,
    pub syn_seen: bool,
    /// This side's SYN was acknowledged by the other side.
    pub syn_ackd: bool,
    pub fin_seen: bool,
    /// This side's FIN was acknowledged by the other side.
    pub fin_ackd: bool,
    pub fin_scan: bool,
    pub syn_seq: u32,
    pub fin_seq: u32,
    /// A timeout to give the flow (set when the state machine decides one).
    timeout: Option<f32>,
}

impl Conn {
    fn enter(&mut self, state: u8) {
        self.state = state;
        self.timeout = Some(TIMEOUTS[state as usize]);
    }
}

/// One packet of flow `me` (with flags, sequence and acknowledgement numbers), `op` the
/// opposite direction if there is one.
pub fn packet(me: &mut Conn, mut op: Option<&mut Conn>, flags: u8, seq: u32, ack: u32) {
    match me.state {
        NEW => {
            if flags & (SYN | FIN | RST) == SYN {
                me.syn_seen = true;
                me.syn_seq = seq;
                me.timeout = Some(TIMEOUTS[NEW as usize]);
                if flags & ACK != 0 {
                    match op {
                        Some(o) if o.syn_seen && ack == o.syn_seq.wrapping_add(1) => {
                            o.syn_ackd = true
                        }
                        Some(o) => {
                            me.enter(ESTABLISHED);
                            me.anomalies |= MAL_CON_EST;
                            o.enter(ESTABLISHED);
                            o.anomalies |= MAL_CON_EST;
                        }
                        None => {
                            me.enter(ESTABLISHED);
                            me.anomalies |= MAL_CON_EST;
                        }
                    }
                }
            } else if flags & (SYN | ACK | FIN | RST) == ACK {
                match op {
                    Some(o) => {
                        if ack == o.syn_seq.wrapping_add(1) {
                            o.syn_ackd = true;
                            if me.syn_ackd {
                                me.enter(ESTABLISHED);
                                o.enter(ESTABLISHED);
                            }
                        } else {
                            me.enter(ESTABLISHED);
                            me.anomalies |= MAL_CON_EST;
                            o.enter(ESTABLISHED);
                            o.anomalies |= MAL_CON_EST;
                        }
                    }
                    None => {
                        me.enter(ESTABLISHED);
                        me.anomalies |= MAL_CON_EST;
                    }
                }
            } else if flags & RST != 0 {
                if let (true, Some(o)) = (flags & ACK != 0, op.as_deref_mut()) {
                    me.enter(RESET);
                    me.anomalies |= RST_TRANS;
                    o.enter(RESET);
                } else {
                    me.enter(RESET);
                    me.anomalies |= RST_TRANS | MAL_CON_EST;
                    match op {
                        Some(o) => {
                            o.enter(RESET);
                            o.anomalies |= MAL_CON_EST;
                        }
                        None => me.anomalies |= EVIL,
                    }
                }
            } else if flags & (SYN | FIN) == FIN {
                if flags & ACK != 0 {
                    me.fin_seen = true;
                    me.fin_seq = seq;
                    me.enter(CLOSING);
                    me.anomalies |= MAL_CON_EST;
                    match op {
                        Some(o) => {
                            o.anomalies |= MAL_CON_EST;
                            if o.fin_seen && ack == o.fin_seq.wrapping_add(1) {
                                o.fin_ackd = true;
                            }
                        }
                        None => me.fin_scan = true,
                    }
                } else {
                    me.anomalies |= EVIL;
                }
            } else {
                me.enter(ESTABLISHED);
                me.anomalies |= MAL_CON_EST;
                if flags & 0x3f == 0 {
                    // A NULL packet (scan).
                    me.anomalies |= EVIL;
                }
                if let Some(o) = op {
                    o.enter(ESTABLISHED);
                }
            }
        }
        ESTABLISHED => {
            if flags & (SYN | ACK) != ACK {
                me.anomalies |= MAL_FLGS_EST;
                if let Some(o) = op.as_deref_mut() {
                    o.anomalies |= MAL_FLGS_EST;
                }
            }
            if flags & RST != 0 {
                reset(me, op);
            } else if flags & FIN != 0 {
                me.fin_seen = true;
                me.fin_seq = seq;
                me.enter(CLOSING);
                ack_fin(op, flags, ack);
            }
        }
        CLOSING => {
            if flags & RST != 0 {
                reset(me, op);
            } else {
                if flags & FIN != 0 && !me.fin_seen {
                    me.fin_seen = true;
                    me.fin_seq = seq;
                }
                if let Some(o) = op {
                    ack_fin(Some(&mut *o), flags, ack);
                    if me.fin_seen && me.fin_ackd && o.fin_seen && o.fin_ackd {
                        me.enter(CLOSED);
                        o.enter(CLOSED);
                    }
                }
            }
        }
        CLOSED => {
            me.anomalies |= PKTS_TERM;
            if flags & RST != 0 {
                reset(me, op);
            }
        }
        _ => me.anomalies |= PKTS_RST,
    }
}

/// An acknowledgement of the opposite side's FIN.
fn ack_fin(op: Option<&mut Conn>, flags: u8, ack: u32) {
    if let Some(o) = op {
        if flags & ACK != 0 && o.fin_seen && ack == o.fin_seq.wrapping_add(1) {
            o.fin_ackd = true;
        }
    }
}

/// A reset during or after the connection.
fn reset(me: &mut Conn, op: Option<&mut Conn>) {
    me.enter(RESET);
    me.anomalies |= RST_TRANS | MAL_TEARDWN;
    if let Some(o) = op {
        o.enter(RESET);
        o.anomalies |= MAL_TEARDWN;
    }
}

/// The anomalies of a TCP flow at its end.
pub fn final_anomalies(me: &Conn, op: Option<&Conn>) -> u8 {
    let mut a = me.anomalies;
    let mut fin_scan = me.fin_scan;
    match op {
        None => a |= MAL_CON_EST | MAL_TEARDWN,
        Some(o) => {
            if !(me.syn_seen && me.syn_ackd && o.syn_seen && o.syn_ackd) {
                a |= MAL_CON_EST;
            }
            if !(me.fin_seen && me.fin_ackd && o.fin_seen && o.fin_ackd) {
                a |= MAL_TEARDWN;
            } else {
                fin_scan = false;
            }
        }
    }
    if fin_scan {
        a |= EVIL;
    }
    a
}

/// Whether the packet is an IPv4/IPv6 fragment other than the first.
fn later_fragment(pkt: &Packet<'_>) -> bool {
    match pkt.ip_ver {
        4 => pkt.ip_frag & 0x1fff != 0,
        6 => pkt.ip_frag & 0xfff8 != 0,
        _ => false,
    }
}

pub struct TcpStates {
    flows: PerFlow<Conn>,
    /// Packet mode (`-s`): one `tcpStatesAFlags` field per packet.
    packet_mode: bool,
    /// OR of every flow's final anomalies (the end report).
    aggregate: u8,
}

impl Plugin for TcpStates {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        i.declare_column(
            Column::new("tcpStatesAFlags", "TCP state machine anomalies", Scalar::H8).bits(BITS),
        )?;
        for t in REGISTER_ORDER {
            i.register_timeout(t)?;
        }
        let packet_mode = i.packet_mode();
        if packet_mode {
            i.declare_packet_column("tcpStatesAFlags")?;
        }
        Ok(TcpStates {
            flows: PerFlow::for_host(i),
            packet_mode,
            aggregate: 0,
        })
    }

    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flows.reset(f);
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, _pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if self.packet_mode && f.is_some() {
            // A layer-2 flow's packet.
            host.packet_field("0x00");
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let done = self.state_machine(host, pkt, f)?;
        if self.packet_mode {
            // The flow's anomalies so far for a TCP packet the state machine read, else 0x00.
            let v = if done {
                self.flows.get(f).map_or(0, |c| c.anomalies)
            } else {
                0
            };
            host.packet_field(&format!("0x{v:02x}"));
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        let tcp = host.flow(f).is_some_and(|fl| fl.l4_proto == 6);
        let me = self.flows.get(f).copied().unwrap_or_default();
        let a = if tcp {
            let op = host.opposite(f).and_then(|o| self.flows.get(o).copied());
            final_anomalies(&me, op.as_ref())
        } else {
            me.anomalies
        };
        self.aggregate |= a;
        out.u8(a);
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut t2_plugin::Writer<'_>) -> Result<()> {
        if self.aggregate != 0 {
            w.line(&format!(
                "\x1b[1m{PLUGIN}:\x1b[0m Aggregated tcpStatesAFlags=0x{:02x}",
                self.aggregate,
                PLUGIN = config::PLUGIN_NAME
            ));
        }
        Ok(())
    }
}

impl TcpStates {
    /// Gives the flow the timeout its state machine asked for, if any.
    fn apply_timeout(&mut self, host: &Host, f: FlowIndex) -> Result<()> {
        if let Some(c) = self.flows.get_mut(f) {
            if let Some(t) = c.timeout.take() {
                host.set_flow_timeout(f, t)?;
            }
        }
        Ok(())
    }

    /// Runs the state machine on a TCP packet; false when the packet is not one it reads (not
    /// TCP, a later fragment, flags not captured).
    fn state_machine(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<bool> {
        if pkt.l4_proto != 6 || later_fragment(pkt) {
            return Ok(false);
        }
        let Some(t) = pkt.l4() else {
            return Ok(false);
        };
        if t.len() < 14 {
            return Ok(false);
        }
        let seq = u32::from_be_bytes([t[4], t[5], t[6], t[7]]);
        let ack = u32::from_be_bytes([t[8], t[9], t[10], t[11]]);
        let flags = t[13];
        let opp = host.opposite(f);
        let mut me = self.flows.get(f).copied().unwrap_or_default();
        let mut op = opp.and_then(|o| self.flows.get(o).copied());
        packet(&mut me, op.as_mut(), flags, seq, ack);
        if let Some(s) = self.flows.get_mut(f) {
            *s = me;
        }
        self.apply_timeout(host, f)?;
        if let (Some(o), Some(c)) = (opp, op) {
            if let Some(s) = self.flows.get_mut(o) {
                *s = c;
            }
            self.apply_timeout(host, o)?;
        }
        Ok(true)
    }
}

t2_plugin::export_plugin!(
    TcpStates,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate, report]
);
