//! Shared helpers of tcpFlags' integration tests: a builder of Ethernet/IPv4/IPv6 frames with
//! TCP, UDP, UDP-Lite, ICMP, ICMPv6, IGMP or GRE (correct checksums unless told otherwise, IP
//! options, IPv6 extension headers, fragments), the `T2Packet` the core would hand over for it,
//! and a driver of the plugin through its ABI on the SDK's mock host (two flows, A and B).

#![allow(dead_code)]

use std::collections::HashMap;

use t2_plugin::abi::{T2_FLOW_NONE, T2_OFF_NONE, T2Packet, T2Time, flow_stat};
use t2_plugin::record::TextFormatter;
use t2_plugin::schema::Schema;
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

pub const A: usize = 0;
pub const B: usize = 1;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;

/// The Internet checksum of `data` (one's complement of the one's complement sum).
pub fn inet_checksum(data: &[u8]) -> u16 {
    let mut s: u32 = 0;
    for c in data.chunks(2) {
        s += u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32;
    }
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// The layer-4 part of a frame.
#[derive(Clone, Debug)]
pub enum L4 {
    Tcp {
        sport: u16,
        dport: u16,
        seq: u32,
        ack: u32,
        flags: u8,
        win: u16,
        opts: Vec<u8>,
        payload: Vec<u8>,
    },
    Udp {
        sport: u16,
        dport: u16,
        payload: Vec<u8>,
    },
    /// UDP-Lite: `cov` is the checksum coverage field.
    UdpLite {
        sport: u16,
        dport: u16,
        cov: u16,
        payload: Vec<u8>,
    },
    Icmp {
        typ: u8,
        code: u8,
        payload: Vec<u8>,
    },
    Icmp6 {
        typ: u8,
        code: u8,
        payload: Vec<u8>,
    },
    Igmp {
        typ: u8,
        group: [u8; 4],
    },
    /// GRE carrying `proto` (e.g. 0x0800), with the checksum bit when `ck`.
    Gre {
        ck: bool,
        proto: u16,
        payload: Vec<u8>,
    },
    /// Raw bytes of protocol `proto` (a later fragment's data).
    Raw {
        proto: u8,
        bytes: Vec<u8>,
    },
}

impl L4 {
    pub fn proto(&self) -> u8 {
        match self {
            L4::Tcp { .. } => 6,
            L4::Udp { .. } => 17,
            L4::UdpLite { .. } => 136,
            L4::Icmp { .. } => 1,
            L4::Icmp6 { .. } => 58,
            L4::Igmp { .. } => 2,
            L4::Gre { .. } => 47,
            L4::Raw { proto, .. } => *proto,
        }
    }
    /// Header length (as the core reports it).
    pub fn hdr_len(&self) -> usize {
        match self {
            L4::Tcp { opts, .. } => 20 + opts.len().div_ceil(4) * 4,
            L4::Udp { .. }
            | L4::UdpLite { .. }
            | L4::Icmp { .. }
            | L4::Icmp6 { .. }
            | L4::Igmp { .. } => 8,
            L4::Gre { ck, .. } => 4 + if *ck { 4 } else { 0 },
            L4::Raw { .. } => 0,
        }
    }
    /// The bytes, checksum field zero; and the checksum field's offset.
    fn bytes(&self) -> (Vec<u8>, Option<usize>) {
        let mut b = Vec::new();
        match self {
            L4::Tcp {
                sport,
                dport,
                seq,
                ack,
                flags,
                win,
                opts,
                payload,
            } => {
                let hl = self.hdr_len();
                b.extend(sport.to_be_bytes());
                b.extend(dport.to_be_bytes());
                b.extend(seq.to_be_bytes());
                b.extend(ack.to_be_bytes());
                b.push(((hl / 4) as u8) << 4);
                b.push(*flags);
                b.extend(win.to_be_bytes());
                b.extend([0, 0, 0, 0]);
                b.extend(opts);
                b.resize(hl, 0); // (EOL padding)
                b.extend(payload);
                (b, Some(16))
            }
            L4::Udp {
                sport,
                dport,
                payload,
            } => {
                b.extend(sport.to_be_bytes());
                b.extend(dport.to_be_bytes());
                b.extend(((8 + payload.len()) as u16).to_be_bytes());
                b.extend([0, 0]);
                b.extend(payload);
                (b, Some(6))
            }
            L4::UdpLite {
                sport,
                dport,
                cov,
                payload,
            } => {
                b.extend(sport.to_be_bytes());
                b.extend(dport.to_be_bytes());
                b.extend(cov.to_be_bytes());
                b.extend([0, 0]);
                b.extend(payload);
                (b, Some(6))
            }
            L4::Icmp { typ, code, payload } | L4::Icmp6 { typ, code, payload } => {
                b.extend([*typ, *code, 0, 0, 0, 1, 0, 1]);
                b.extend(payload);
                (b, Some(2))
            }
            L4::Igmp { typ, group } => {
                b.extend([*typ, 0, 0, 0]);
                b.extend(group);
                (b, Some(2))
            }
            L4::Gre { ck, proto, payload } => {
                b.extend(if *ck { [0x80u8, 0] } else { [0, 0] });
                b.extend(proto.to_be_bytes());
                if *ck {
                    b.extend([0, 0, 0, 0]);
                }
                b.extend(payload);
                (b, ck.then_some(4))
            }
            L4::Raw { bytes, .. } => (bytes.clone(), None),
        }
    }
}

/// A TCP segment.
pub fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, win: u16) -> L4 {
    L4::Tcp {
        sport,
        dport,
        seq,
        ack,
        flags,
        win,
        opts: Vec::new(),
        payload: Vec::new(),
    }
}

/// A frame under construction: Ethernet, IPv4 or IPv6, layer 4.
#[derive(Clone, Debug)]
pub struct Pkt {
    pub v6: bool,
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub tos: u8,
    pub ttl: u8,
    pub id: u16,
    /// IPv4 flags and fragment offset (the raw 16-bit field).
    pub frag: u16,
    pub ip_opts: Vec<u8>,
    /// IPv6 hop-by-hop and destination option bytes (without next header and length).
    pub hbh: Option<Vec<u8>>,
    pub dst_opts: Option<Vec<u8>>,
    pub l4: L4,
    /// Bytes to add to the computed checksums (0: correct).
    pub ip_ck_delta: u16,
    pub l4_ck_delta: u16,
    /// Layer-4 checksum over this many bytes only (UDP-Lite coverage), None: all.
    pub l4_ck_cover: Option<usize>,
    pub sec: u64,
    pub nsec: u32,
}

pub const IP_A: [u8; 4] = [10, 0, 0, 1];
pub const IP_B: [u8; 4] = [10, 0, 0, 2];

fn v4(a: [u8; 4]) -> [u8; 16] {
    let mut x = [0; 16];
    x[..4].copy_from_slice(&a);
    x
}

impl Pkt {
    /// IPv4 from A to B (`dir` A) or B to A, TTL 64, DF.
    pub fn v4(dir: usize, l4: L4) -> Pkt {
        let (s, d) = if dir == A { (IP_A, IP_B) } else { (IP_B, IP_A) };
        Pkt {
            v6: false,
            src: v4(s),
            dst: v4(d),
            tos: 0,
            ttl: 64,
            id: 1,
            frag: 0x4000,
            ip_opts: Vec::new(),
            hbh: None,
            dst_opts: None,
            l4,
            ip_ck_delta: 0,
            l4_ck_delta: 0,
            l4_ck_cover: None,
            sec: 1_000_000,
            nsec: 0,
        }
    }
    /// IPv6 from A (2001:db8::1) to B (2001:db8::2) or back, hop limit 64.
    pub fn v6(dir: usize, l4: L4) -> Pkt {
        let a = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let mut b = a;
        b[15] = 2;
        let (s, d) = if dir == A { (a, b) } else { (b, a) };
        Pkt {
            v6: true,
            src: s,
            dst: d,
            frag: 0,
            ..Pkt::v4(dir, l4)
        }
    }
    /// At `ms` milliseconds after the base time.
    pub fn at(mut self, ms: u64) -> Pkt {
        self.sec = 1_000_000 + ms / 1000;
        self.nsec = (ms % 1000) as u32 * 1_000_000;
        self
    }
    pub fn at_ns(mut self, sec: u64, nsec: u32) -> Pkt {
        self.sec = sec;
        self.nsec = nsec;
        self
    }
    pub fn ttl(mut self, t: u8) -> Pkt {
        self.ttl = t;
        self
    }
    pub fn tos(mut self, t: u8) -> Pkt {
        self.tos = t;
        self
    }
    pub fn id(mut self, id: u16) -> Pkt {
        self.id = id;
        self
    }
    pub fn frag(mut self, f: u16) -> Pkt {
        self.frag = f;
        self
    }
    pub fn opts(mut self, o: &[u8]) -> Pkt {
        match &mut self.l4 {
            L4::Tcp { opts, .. } => *opts = o.to_vec(),
            _ => panic!("TCP options on a non-TCP packet"),
        }
        self
    }
    pub fn payload(mut self, p: &[u8]) -> Pkt {
        match &mut self.l4 {
            L4::Tcp { payload, .. } | L4::Udp { payload, .. } | L4::UdpLite { payload, .. } => {
                *payload = p.to_vec()
            }
            _ => panic!("payload"),
        }
        self
    }

    fn ext_hdr(nh: u8, opts: &[u8]) -> Vec<u8> {
        assert_eq!((opts.len() + 2) % 8, 0, "IPv6 option header of 8n bytes");
        let mut h = vec![nh, ((opts.len() + 2) / 8 - 1) as u8];
        h.extend(opts);
        h
    }

    /// The IP header (with extension headers) for a layer-4 part of `l4_len` bytes.
    fn ip_header(&self, l4_len: usize) -> Vec<u8> {
        let proto = self.l4.proto();
        if self.v6 {
            let mut ext = Vec::new();
            let mut first = proto;
            if let Some(o) = &self.dst_opts {
                let mut e = Self::ext_hdr(first, o);
                e.extend(ext);
                ext = e;
                first = 60;
            }
            if let Some(o) = &self.hbh {
                let mut e = Self::ext_hdr(first, o);
                e.extend(ext);
                ext = e;
                first = 0;
            }
            let mut h = vec![0x60 | self.tos >> 4, self.tos << 4, 0, 0];
            h.extend(((ext.len() + l4_len) as u16).to_be_bytes());
            h.push(first);
            h.push(self.ttl);
            h.extend(self.src);
            h.extend(self.dst);
            h.extend(ext);
            h
        } else {
            assert_eq!(self.ip_opts.len() % 4, 0, "IPv4 options of 4n bytes");
            let ihl = 20 + self.ip_opts.len();
            let mut h = vec![0x40 | (ihl / 4) as u8, self.tos];
            h.extend(((ihl + l4_len) as u16).to_be_bytes());
            h.extend(self.id.to_be_bytes());
            h.extend(self.frag.to_be_bytes());
            h.extend([self.ttl, proto, 0, 0]);
            h.extend(&self.src[..4]);
            h.extend(&self.dst[..4]);
            h.extend(&self.ip_opts);
            let ck = inet_checksum(&h).wrapping_add(self.ip_ck_delta);
            h[10..12].copy_from_slice(&ck.to_be_bytes());
            h
        }
    }

    /// The layer-4 bytes with their checksum filled in.
    fn l4_bytes(&self) -> Vec<u8> {
        let (mut b, ck) = self.l4.bytes();
        let whole = self;
        if let Some(at) = ck {
            let (wb, _) = whole.l4.bytes();
            let proto = whole.l4.proto();
            let mut sum = Vec::new();
            if matches!(proto, 6 | 17 | 136 | 58) {
                let n = if whole.v6 { 16 } else { 4 };
                sum.extend(&whole.src[..n]);
                sum.extend(&whole.dst[..n]);
                sum.extend([0, proto]);
                sum.extend((wb.len() as u16).to_be_bytes());
                if wb.len() > 0xffff {
                    panic!("too long");
                }
            }
            let cover = self.l4_ck_cover.unwrap_or(wb.len()).min(wb.len());
            sum.extend(&wb[..cover]);
            if sum.len() % 2 == 1 {
                sum.push(0);
            }
            let c = inet_checksum(&sum).wrapping_add(self.l4_ck_delta);
            b[at..at + 2].copy_from_slice(&c.to_be_bytes());
        }
        b
    }

    /// The finished frame.
    pub fn build(&self) -> Frame {
        let l4 = self.l4_bytes();
        let ip = self.ip_header(l4.len());
        let mut bytes = vec![
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa,
        ];
        bytes.extend(if self.v6 { [0x86, 0xdd] } else { [0x08, 0x00] });
        bytes.extend(&ip);
        bytes.extend(&l4);
        let later = !self.v6 && self.frag & 0x1fff != 0;
        let hdr = if later { 0 } else { self.l4.hdr_len() };
        let l3_len = ip.len() + l4.len();
        let (sport, dport) = match &self.l4 {
            L4::Tcp { sport, dport, .. }
            | L4::Udp { sport, dport, .. }
            | L4::UdpLite { sport, dport, .. }
                if !later =>
            {
                (*sport, *dport)
            }
            _ => (0, 0),
        };
        Frame {
            bytes,
            l3_len: l3_len as u32,
            l4_off: 14 + ip.len(),
            hdr,
            ip_ver: if self.v6 { 6 } else { 4 },
            proto: self.l4.proto(),
            frag: if self.v6 { 0 } else { self.frag },
            id: self.id,
            ports: (sport, dport),
            src: self.src,
            dst: self.dst,
            ts: T2Time {
                sec: self.sec,
                nsec: self.nsec,
                _pad: 0,
            },
            cut: None,
        }
    }
}

/// The IPv4 fragments of `whole` (DF cleared), cut at the layer-4 byte offsets `at` (multiples
/// of 8): the first carries the layer-4 header with the whole datagram's checksum.
pub fn fragments(whole: &Pkt, at: &[usize]) -> Vec<Frame> {
    let data = whole.l4_bytes();
    let mut cuts = vec![0];
    cuts.extend(at);
    cuts.push(data.len());
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        assert_eq!(w[0] % 8, 0);
        let last = w[1] == data.len();
        let mut p = whole.clone();
        p.l4 = L4::Raw {
            proto: whole.l4.proto(),
            bytes: data[w[0]..w[1]].to_vec(),
        };
        p.frag = (w[0] / 8) as u16 | if last { 0 } else { 0x2000 };
        let mut f = p.build();
        if w[0] == 0 {
            f.hdr = whole.l4.hdr_len();
            f.ports = whole.build().ports;
        }
        out.push(f);
    }
    out
}

/// A built frame and the fields the core would fill for it.
#[derive(Clone, Debug)]
pub struct Frame {
    pub bytes: Vec<u8>,
    pub l3_len: u32,
    pub l4_off: usize,
    pub hdr: usize,
    pub ip_ver: u8,
    pub proto: u8,
    pub frag: u16,
    pub id: u16,
    pub ports: (u16, u16),
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub ts: T2Time,
    /// Captured bytes (snap length), None: all.
    pub cut: Option<usize>,
}

impl Frame {
    /// Only the first `n` bytes captured.
    pub fn snapped(mut self, n: usize) -> Frame {
        self.cut = Some(n);
        self
    }
    pub fn packet(&self, n: u64) -> T2Packet {
        let cap = self.cut.unwrap_or(self.bytes.len());
        let mut p = empty_packet();
        p.data = self.bytes.as_ptr();
        p.caplen = cap as u32;
        p.wirelen = self.bytes.len() as u32;
        p.ts = self.ts;
        p.pkt_no = n;
        p.l2_off = 0;
        p.mac_off = 0;
        p.l3_off = 14;
        p.outer_l3_off = 14;
        p.l4_off = self.l4_off as u32;
        p.l7_off = (self.l4_off + self.hdr) as u32;
        p.eth_type = if self.ip_ver == 6 { 0x86dd } else { 0x0800 };
        p.ip_ver = self.ip_ver;
        p.l4_proto = self.proto;
        p.ip_frag = self.frag;
        p.ip_id = self.id as u32;
        p.src_port = self.ports.0;
        p.dst_port = self.ports.1;
        p.src_ip = self.src;
        p.dst_ip = self.dst;
        p.l3_len = self.l3_len;
        p.l4_hdr_len = self.hdr as u32;
        let l4_rel = self.l4_off - 14;
        p.l7_len = (self.l3_len as i64 - l4_rel as i64 - self.hdr as i64) as u16 as u32;
        p.snap_l3_len = (cap - 14) as u32;
        p.snap_l4_len = cap.saturating_sub(self.l4_off) as u32;
        p.snap_l7_len = cap.saturating_sub(self.l4_off + self.hdr) as u32;
        p.len = p.l7_len;
        p
    }
}

/// tcpFlags on the mock host with two flow slots, A (0) and B (1, `L3FLOWINVERT`); flows are
/// created by their first packet and paired.
pub struct Run {
    pub h: Box<MockHost>,
    pub p: Loaded,
    created: [bool; 2],
    n: u64,
}

impl Run {
    pub fn new() -> Run {
        Run::with_packet_mode(true)
    }

    pub fn with_packet_mode(packet_mode: bool) -> Run {
        let mut h = MockHost::new(4);
        h.ctx.packet_mode = packet_mode as u8;
        let p = h.load(tcpFlags::descriptor()).unwrap();
        h.start(&p).unwrap();
        h.flows[B].status |= flow_stat::L3FLOWINVERT;
        Run {
            h,
            p,
            created: [false; 2],
            n: 0,
        }
    }

    /// One packet of direction `dir`; returns its packet-mode fields by column name.
    pub fn send(&mut self, dir: usize, pkt: &Pkt) -> HashMap<String, String> {
        self.send_frame(dir, &pkt.build())
    }

    pub fn send_frame(&mut self, dir: usize, f: &Frame) -> HashMap<String, String> {
        self.n += 1;
        let pkt = f.packet(self.n);
        if !self.created[dir] {
            let other = 1 - dir;
            if self.created[other] {
                self.h.flows[dir].opposite = other as u64;
                self.h.flows[other].opposite = dir as u64;
            } else {
                self.h.flows[dir].opposite = T2_FLOW_NONE;
            }
            self.h.flows[dir].first_seen = pkt.ts;
            self.h.flows[dir].l4_proto = f.proto;
            self.h.flows[dir].ip_ver = f.ip_ver;
            self.created[dir] = true;
            self.h.new_flow(&self.p, &pkt, dir as u64).unwrap();
        }
        self.h.layer2(&self.p, &pkt, None).unwrap();
        self.h.state.packet_fields.clear();
        self.h.layer4(&self.p, &pkt, dir as u64).unwrap();
        self.h.flows[dir].last_seen = pkt.ts;
        let names = self.h.state.packet_columns.clone();
        names
            .into_iter()
            .zip(self.h.state.packet_fields.iter().cloned())
            .collect()
    }

    /// The flow's cells (as txtSink writes them) by column name.
    pub fn flow(&mut self, dir: usize) -> HashMap<String, String> {
        let line = flow_line(&mut self.h, &self.p, dir);
        let names: Vec<String> = self
            .h
            .state
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        names
            .into_iter()
            .zip(line.split('\t').map(String::from))
            .collect()
    }

    /// Terminates the created flows (A then B) and returns the end report's tcpFlags lines
    /// (without colours and tag).
    pub fn report(&mut self) -> Vec<String> {
        for dir in [A, B] {
            if self.created[dir] {
                self.flow(dir);
            }
        }
        let r = self.h.report(&self.p).unwrap();
        r.lines()
            .map(|l| l.replace("\x1b[1mtcpFlags:\x1b[0m ", ""))
            .collect()
    }
}

/// A hex cell as a number.
pub fn hx(s: &str) -> u64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s:?}"))
}

#[allow(unused)]
pub const NONE: u32 = T2_OFF_NONE;

/// Terminates flow `dir` of plugin `p` and returns its line as txtSink writes it (without the
/// line end).
pub fn flow_line(h: &mut MockHost, p: &Loaded, dir: usize) -> String {
    let rec = h.terminate(p, dir as u64).unwrap();
    let schema = Schema::from_triples(
        h.state
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.desc.as_str(), c.type_.as_str())),
    )
    .unwrap();
    let mut out = Vec::new();
    TextFormatter::default()
        .format_record(&schema, &rec, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap().trim_end_matches('\n').to_string()
}
