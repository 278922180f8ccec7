//! tcpStates on the SDK's mock host, replaying connections of `../shared/pcaps`: the flags,
//! sequence and acknowledgement numbers below are those of the captures (as the reference
//! `packets.txt` files of `../shared/conformance` list them), and the expected per-packet
//! (packet mode) and per-flow `tcpStatesAFlags` are the original T2 0.9.3's values there.

use t2_plugin::abi::{T2_FLOW_NONE, T2Packet};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

const A: usize = 0;
const B: usize = 1;

/// Two flow slots (A = 0, B = 1) of one TCP connection, created on their first packet.
struct Conn {
    h: Box<MockHost>,
    p: Loaded,
    created: [bool; 2],
}

fn tcp_header(flags: u8, seq: u32, ack: u32, len: usize) -> Vec<u8> {
    let mut t = vec![0u8; len.max(14)];
    t[4..8].copy_from_slice(&seq.to_be_bytes());
    t[8..12].copy_from_slice(&ack.to_be_bytes());
    t[12] = 0x50;
    t[13] = flags;
    t.truncate(len);
    t
}

fn packet(bytes: &[u8]) -> T2Packet {
    let mut p = empty_packet();
    p.data = bytes.as_ptr();
    p.caplen = bytes.len() as u32;
    p.l4_off = 0;
    p.l4_proto = 6;
    p.ip_ver = 4;
    p.eth_type = 0x0800;
    p
}

impl Conn {
    fn new() -> Conn {
        let mut h = MockHost::new(4);
        h.ctx.packet_mode = 1;
        h.declare_core_columns();
        let p = h.load(tcpStates::descriptor()).unwrap();
        h.start(&p).unwrap();
        for f in h.flows.iter_mut() {
            f.l4_proto = 6;
            f.ip_ver = 4;
        }
        Conn {
            h,
            p,
            created: [false; 2],
        }
    }

    /// One packet of direction `dir`; returns its packet-mode `tcpStatesAFlags` field.
    fn send_raw(&mut self, dir: usize, pkt: &T2Packet) -> String {
        if !self.created[dir] {
            let other = 1 - dir;
            if self.created[other] {
                self.h.flows[dir].opposite = other as u64;
                self.h.flows[other].opposite = dir as u64;
            }
            self.created[dir] = true;
            self.h.new_flow(&self.p, pkt, dir as u64).unwrap();
        }
        self.h.layer2(&self.p, pkt, None).unwrap();
        self.h.state.packet_fields.clear();
        self.h.layer4(&self.p, pkt, dir as u64).unwrap();
        assert_eq!(self.h.state.packet_fields.len(), 1, "one packet column");
        self.h.state.packet_fields[0].clone()
    }

    fn send(&mut self, dir: usize, flags: u8, seq: u32, ack: u32) -> String {
        let t = tcp_header(flags, seq, ack, 20);
        self.send_raw(dir, &packet(&t))
    }

    /// Replays `(direction, flags, seq, ack, expected packet-mode value)`.
    fn replay(&mut self, pkts: &[(usize, u8, u32, u32, &str)]) {
        for (i, &(dir, flags, seq, ack, want)) in pkts.iter().enumerate() {
            assert_eq!(
                self.send(dir, flags, seq, ack),
                want,
                "packet {} of the replay",
                i + 1
            );
        }
    }

    fn timeout(&self, dir: usize) -> f32 {
        self.h.flows[dir].timeout
    }

    /// Terminates the connection; the flows' final `tcpStatesAFlags` (A, B).
    fn end(&mut self) -> (Option<u8>, Option<u8>) {
        let mut out = [None, None];
        for dir in [A, B] {
            if self.created[dir] {
                let rec = self.h.terminate(&self.p, dir as u64).unwrap();
                assert_eq!(rec.len(), 1);
                out[dir] = Some(rec[0]);
            }
        }
        (out[0], out[1])
    }
}

#[test]
fn declares_column_and_timeouts() {
    let mut h = MockHost::new(2);
    let p = h.load(tcpStates::descriptor()).unwrap();
    let cols: Vec<(&str, &str)> = h
        .state
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_.as_str()))
        .collect();
    assert_eq!(cols, [("tcpStatesAFlags", "H8")]);
    assert_eq!(h.state.columns[0].bits.len(), 8);
    assert_eq!(h.state.timeouts, [0.1, 120.0, 610.0, 120.0, 10.0]);
    // Not in packet mode: no packet column.
    assert!(h.state.packet_columns.is_empty());
    h.finalize(p).unwrap();
    assert_eq!(tcpStates::descriptor().number, 132);
}

/// suricata-verify/http-post-file/input.pcap, flow 3 (packets 5-24): handshake, data, both FINs
/// acknowledged. Both flows 0x00. The reference prints flow 3 first: it ended 10.27 s after its
/// last packet (CLOSED: 10 s), before the established flows 1 and 2 (610 s).
#[test]
fn orderly_connection_has_no_anomaly() {
    let mut c = Conn::new();
    c.replay(&[(A, 0x02, 3683059778, 0, "0x00")]);
    assert_eq!(c.timeout(A), 120.0, "NEW");
    c.replay(&[
        (B, 0x12, 2713302599, 3683059779, "0x00"),
        (A, 0x10, 3683059779, 2713302600, "0x00"),
    ]);
    assert_eq!((c.timeout(A), c.timeout(B)), (610.0, 610.0), "ESTABLISHED");
    c.replay(&[
        (B, 0x10, 2713302600, 3683059779, "0x00"),
        (A, 0x18, 3683059779, 2713302600, "0x00"),
        (B, 0x10, 2713302600, 3683059969, "0x00"),
        (B, 0x18, 2713302600, 3683059969, "0x00"),
        (A, 0x10, 3683059969, 2713303590, "0x00"),
        (A, 0x18, 3683059969, 2713303590, "0x00"),
        (B, 0x10, 2713303590, 3683060337, "0x00"),
        (B, 0x18, 2713303590, 3683060337, "0x00"),
        (A, 0x10, 3683060337, 2713304080, "0x00"),
        (A, 0x18, 3683060337, 2713304080, "0x00"),
        (B, 0x10, 2713304080, 3683060612, "0x00"),
        (B, 0x18, 2713304080, 3683060612, "0x00"),
        (A, 0x10, 3683060612, 2713304584, "0x00"),
        (A, 0x11, 3683060612, 2713304584, "0x00"),
    ]);
    assert_eq!(c.timeout(A), 120.0, "CLOSING");
    c.replay(&[
        (B, 0x10, 2713304584, 3683060613, "0x00"),
        (B, 0x11, 2713304584, 3683060613, "0x00"),
        (A, 0x10, 3683060613, 2713304585, "0x00"),
    ]);
    assert_eq!((c.timeout(A), c.timeout(B)), (10.0, 10.0), "CLOSED");
    assert_eq!(c.end(), (Some(0x00), Some(0x00)));
}

/// suricata-verify/http-post-file/input.pcap, flow 1: a connection seen in the middle (two
/// ACKs each way): 0x01 on every packet, 0x03 at the end.
#[test]
fn connection_without_handshake() {
    let mut c = Conn::new();
    c.replay(&[
        (A, 0x10, 3681467876, 3173477025, "0x01"),
        (B, 0x10, 3173477025, 3681467877, "0x01"),
        (A, 0x10, 3681467876, 3173477025, "0x01"),
        (B, 0x10, 3173477025, 3681467877, "0x01"),
    ]);
    assert_eq!((c.timeout(A), c.timeout(B)), (610.0, 610.0));
    assert_eq!(c.end(), (Some(0x03), Some(0x03)));
}

/// suricata-verify/bug-4571-05/ipv4.pcap: one packet without flags (NULL scan): 0x81, then
/// 0x83 for the flow.
#[test]
fn null_packet_is_a_scan() {
    let mut c = Conn::new();
    c.replay(&[(A, 0x00, 129018, 0, "0x81")]);
    assert_eq!(c.end(), (Some(0x83), None));
}

/// suricata-verify/decode-teredo-01/input.pcap, flows 2 and 14: a FIN-ACK opening the
/// connection, an ACK, then a reset; and a lone RST-ACK.
#[test]
fn resets() {
    let mut c = Conn::new();
    c.replay(&[
        (B, 0x11, 3545886737, 3717931297, "0x01"),
        (A, 0x10, 3717931297, 3545886738, "0x01"),
        (A, 0x14, 3717931297, 3545886738, "0x43"),
    ]);
    assert_eq!((c.timeout(A), c.timeout(B)), (0.1, 0.1), "RESET");
    assert_eq!(c.end(), (Some(0x43), Some(0x83)));

    let mut c = Conn::new();
    c.replay(&[(B, 0x14, 3545886738, 3717931297, "0xc1")]);
    assert_eq!(c.timeout(B), 0.1);
    assert_eq!(c.end(), (None, Some(0xc3)));
}

/// zeek/ipv6-http-atomic-frag.pcap, flow 3: the capture starts with the SYN-ACK; the ACK of
/// the responder's FIN is one short, so the teardown stays malformed (0x03 on both).
#[test]
fn syn_ack_first_and_unacknowledged_fin() {
    let mut c = Conn::new();
    c.replay(&[
        (B, 0x12, 3185309716, 3810442575, "0x01"),
        (A, 0x02, 3810442574, 0, "0x00"),
        (A, 0x10, 3810442575, 3185309717, "0x00"),
        (B, 0x10, 3185309717, 3810442590, "0x01"),
        (B, 0x18, 3185309717, 3810442590, "0x01"),
        (A, 0x18, 3810442575, 3185309717, "0x00"),
        (B, 0x11, 3185309805, 3810442590, "0x01"),
        (A, 0x10, 3810442590, 3185309805, "0x01"),
        (A, 0x11, 3810442590, 3185309806, "0x01"),
        (B, 0x10, 3185309806, 3810442591, "0x01"),
    ]);
    assert_eq!(c.end(), (Some(0x03), Some(0x03)));
}

/// zeek/tcp/payload-syn.pcap: a SYN with payload, whose SYN-ACK acknowledges the payload too
/// (not SYN + 1): 0x01 on both flows from the SYN-ACK on.
#[test]
fn syn_ack_with_unexpected_ack() {
    let mut c = Conn::new();
    c.replay(&[
        (A, 0x02, 10, 0, "0x00"),
        (B, 0x12, 50, 111, "0x01"),
        (A, 0x10, 111, 51, "0x01"),
        (A, 0x11, 111, 51, "0x01"),
        (B, 0x11, 51, 112, "0x01"),
        (A, 0x10, 112, 52, "0x01"),
    ]);
    assert_eq!(c.end(), (Some(0x01), Some(0x01)));
}

/// ndpi/ip_fragmented_garbage.pcap: four first fragments with garbage TCP headers (16 bytes
/// each: flags 0x23, 0x61, 0x73, 0x26), each followed by later fragments that the state
/// machine ignores. The flow gets 0x47 (and the report `Aggregated tcpStatesAFlags=0x47`).
#[test]
fn garbage_flags_and_later_fragments() {
    let mut c = Conn::new();
    let firsts = [
        (0x23u8, 690498086u32, 1579492387u32),
        (0x61, 2065840744, 1684434027),
        (0x73, 707275302, 1579492387),
        (0x26, 606428710, 707275048),
    ];
    for (flags, seq, ack) in firsts {
        let t = tcp_header(flags, seq, ack, 16);
        let mut p = packet(&t);
        p.ip_frag = 0x2000;
        c.send_raw(A, &p);
        // A later fragment (offset 16 bytes) carrying bytes that would read as a RST.
        let later = tcp_header(0x04, 1, 1, 16);
        let mut p = packet(&later);
        p.ip_frag = 0x2002;
        c.send_raw(A, &p);
    }
    assert_eq!(c.end(), (Some(0x47), None));
    let report = c.h.report(&c.p).unwrap();
    assert_eq!(
        report,
        "\x1b[1mtcpStates:\x1b[0m Aggregated tcpStatesAFlags=0x47\n"
    );
}

/// Non-TCP flows get 0x00 and no end-of-flow bits; no report line when nothing was flagged.
#[test]
fn other_protocols_are_ignored() {
    let mut c = Conn::new();
    c.h.flows[A].l4_proto = 17;
    let bytes = [0u8; 8];
    let mut p = packet(&bytes);
    p.l4_proto = 17;
    assert_eq!(c.send_raw(A, &p), "0x00");
    assert_eq!(c.timeout(A), 182.0);
    assert_eq!(c.end(), (Some(0x00), None));
    assert_eq!(c.h.report(&c.p).unwrap(), "");
    assert_eq!(c.h.flows[B].opposite, T2_FLOW_NONE);
}
