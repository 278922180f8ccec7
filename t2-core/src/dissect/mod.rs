//! Dissection to L4 (spec §1.3): link layer → VLAN/MPLS/PPPoE/LLC → ethertype → IP (tunnels
//! peeled recursively) → L4, filling one reused [`Dissected`].
//!
//! Contract:
//! - [`Dissector::dissect`] never panics and never allocates; every loop driven by the input
//!   is bounded ([`MAX_STEPS`] layers per packet, [`MAX_VLAN`] VLAN tags, IPv6 extension
//!   headers by `MAXHDRCNT`, GTP extensions in `t2-wire`).
//! - The flow is built on the **innermost** IP header and its L4. When a tunnel carries a
//!   non-IP payload (e.g. ERSPAN → Ethernet → LLC), the flow stays on the last IP header, whose
//!   L4 header then spans the tunnel headers (GRE) as T2 does.
//! - Anomalies are `flowStat` bits of this packet in `out.abi.status` (spec §1.8); the engine
//!   ORs them into the flow. Bits the engine owns (L3FLOWINVERT, DUPIPID, LANDATTACK,
//!   TIMEJUMP, RMFLOW*, IPV4_FRAG_PENDING, IPV4_FRAG_HDSEQ_ERR, L2_FLOW) are never set here.
//! - Global protocol counters (end report "Number of TCP packets" etc.) are updated per packet.

mod hdrdesc;
mod names;
mod report;

pub use hdrdesc::HdrDesc;
pub use report::write_status_summary;

use crate::log::Logger;
use crate::packet::{Dissected, FlowKind, RawPacket};
use t2_abi::T2_OFF_NONE;
use t2_abi::flow_stat as fs;
use t2_wire::eth::{Ethernet, Llc, Mpls, Pppoe};
use t2_wire::ip::{Ipv4, Ipv6, Ipv6Ext, Ipv6Frag};
use t2_wire::l4::{Icmp, Sctp, Tcp, Udp};
use t2_wire::link::{Chdlc, Ieee80211, Null, Ppi, Radiotap, Sll, Sll2};
use t2_wire::tunnel::{Ayiya, Capwap, Erspan, Geneve, Gre, Gtp, L2tpV2, Vxlan};
use t2_wire::{LinkType, be16, be32, u8_at};

/// Upper bound on the layers walked in one packet (every step consumes at least one header).
pub const MAX_STEPS: usize = 128;
/// VLAN tags kept in `abi.vlan_ids`.
pub const MAX_VLAN: usize = 4;
/// The L4 header length T2 assumes for a protocol it does not parse: 8 bytes over IPv4, none
/// over IPv6 (read off the reference packet files: `snapL4Len - snapL7Len` of ESP, PIM, VRRP,
/// DCCP, EIGRP, mobility headers, ...). ICMP, ICMPv6, TCP, UDP, SCTP and OSPF have their own.
fn default_l4_hdr_len(ip_ver: u8) -> usize {
    if ip_ver == 4 { 8 } else { 0 }
}

/// Minimal frame length for padding computation (`MINRAWLEN`).
pub const MINRAWLEN: u32 = 64;

/// Core settings that change dissection (T2 `networkHeaders.h` / `packetCapture.h`).
#[derive(Clone, Debug)]
pub struct DissectConfig {
    /// 0 IPv4 only, 1 IPv6 only, 2 dual stack (`IPV6_ACTIVATE`).
    pub ipv6_activate: u8,
    /// 0 no L2 flows, 1 L2 flows for non-IP, 2 MACs also in IP flows (`ETH_ACTIVATE`).
    pub eth_activate: u8,
    /// Maximum number of IPv6 extension headers walked (`MAXHDRCNT`).
    pub max_hdr_cnt: u8,
    /// What `T2Packet::len` measures (`PACKETLENGTH`): 0 the frame on the wire (from the layer-2
    /// header), 1 from the IP header (the IP length), 2 from the L4 header, 3 the L7 payload.
    pub packet_length: u8,
}

impl Default for DissectConfig {
    fn default() -> Self {
        DissectConfig {
            ipv6_activate: 2,
            eth_activate: 1,
            max_hdr_cnt: 5,
            packet_length: 3,
        }
    }
}

/// Global packet/protocol counters (end report, monitoring).
#[derive(Clone, Debug, Default)]
pub struct ProtoCounters {
    pub packets: u64,
    /// Non-IP packets (layer-2 flows or no flow).
    pub l2_pkts: u64,
    pub ipv4_pkts: u64,
    pub ipv6_pkts: u64,
    pub ipvx_pkts: u64,
    /// Packets that produced no flow (FlowKind::None).
    pub no_flow_pkts: u64,
    pub llc: u64,
    pub arp: u64,
    pub rarp: u64,
    pub gre: u64,
    pub lapd: u64,
    pub teredo: u64,
    pub ayiya: u64,
    pub igmp: u64,
    pub icmp: u64,
    pub icmpv6: u64,
    pub tcp: u64,
    pub tcp_bytes: u64,
    pub udp: u64,
    pub udp_bytes: u64,
    pub sctp: u64,
    pub sctp_bytes: u64,
    pub dtls: u64,
    pub frag4: u64,
    pub frag6: u64,
    pub hdr_min: u16,
    pub hdr_max: u16,
    pub hdr_sum: u64,
    pub hdr_n: u64,
    pub max_vlan: u8,
    pub max_mpls: u8,
    /// OR of the status bits of all dissected packets.
    pub status_or: u64,
}

/// The dissector: configuration, counters and the once-only warning state.
#[derive(Debug)]
pub struct Dissector {
    cfg: DissectConfig,
    counters: ProtoCounters,
    hd: HdrDesc,
    snap_warned: bool,
    /// What lies past a packet's captured bytes in T2's capture buffer (see `padded`).
    shadow: Vec<u8>,
}

/// What to dissect next.
#[derive(Clone, Copy, Debug)]
enum Next {
    /// Ethernet header at the offset.
    Eth(usize),
    /// Payload of the given ethertype at the offset.
    EthType(usize, u16),
    /// 802.2 LLC at the offset; the value is the 802.3 length (0 = unknown).
    Llc(usize),
    /// PPP protocol field at the offset (after address/control if any).
    Ppp(usize),
    Ipv4(usize),
    Ipv6(usize),
    /// IEEE 802.11 MAC header at the offset.
    Wlan(usize),
    /// 802.11 with a byte-swapped frame control (CAPWAP from Cisco controllers).
    WlanSwapped(usize),
    Stop,
}

/// Per-packet working state.
/// The flow-key facts of one IP header and its L4 (see `St::frozen`).
#[derive(Clone, Copy)]
struct FlowFacts {
    ip_ver: u8,
    l3_off: usize,
    l3_len: u32,
    ip_hdr_len: usize,
    src_ip: [u8; 16],
    dst_ip: [u8; 16],
    proto: u8,
    ip_frag: u16,
    ip_id: u32,
    frag: crate::packet::FragInfo,
    snap_l3: usize,
    snap_eff: usize,
    l4_off: usize,
    l4_hdr_len: usize,
    have_l4: bool,
    l4_beyond: bool,
    src_port: u16,
    dst_port: u16,
    tcp_flags: u8,
    later_frag: bool,
    mac_off: u32,
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
}

impl FlowFacts {
    fn take(st: &St) -> FlowFacts {
        FlowFacts {
            ip_ver: st.ip_ver,
            l3_off: st.l3_off,
            l3_len: st.l3_len,
            ip_hdr_len: st.ip_hdr_len,
            src_ip: st.src_ip,
            dst_ip: st.dst_ip,
            proto: st.proto,
            ip_frag: st.ip_frag,
            ip_id: st.ip_id,
            frag: st.frag,
            snap_l3: st.snap_l3,
            snap_eff: st.snap_eff,
            l4_off: st.l4_off,
            l4_hdr_len: st.l4_hdr_len,
            have_l4: st.have_l4,
            l4_beyond: st.l4_beyond,
            src_port: st.src_port,
            dst_port: st.dst_port,
            tcp_flags: st.tcp_flags,
            later_frag: st.later_frag,
            mac_off: st.mac_off,
            src_mac: st.src_mac,
            dst_mac: st.dst_mac,
        }
    }

    fn restore(&self, st: &mut St) {
        st.ip_ver = self.ip_ver;
        st.l3_off = self.l3_off;
        st.l3_len = self.l3_len;
        st.ip_hdr_len = self.ip_hdr_len;
        st.src_ip = self.src_ip;
        st.dst_ip = self.dst_ip;
        st.proto = self.proto;
        st.ip_frag = self.ip_frag;
        st.ip_id = self.ip_id;
        st.frag = self.frag;
        st.snap_l3 = self.snap_l3;
        st.snap_eff = self.snap_eff;
        st.l4_off = self.l4_off;
        st.l4_hdr_len = self.l4_hdr_len;
        st.have_l4 = self.have_l4;
        st.l4_beyond = self.l4_beyond;
        st.src_port = self.src_port;
        st.dst_port = self.dst_port;
        st.tcp_flags = self.tcp_flags;
        st.later_frag = self.later_frag;
        st.mac_off = self.mac_off;
        st.src_mac = self.src_mac;
        st.dst_mac = self.dst_mac;
    }
}

struct St<'a> {
    d: &'a [u8],
    caplen: usize,
    wirelen: u32,
    status: u64,
    vlan_ids: [u16; MAX_VLAN],
    vlan_count: u8,
    vlan_inner: u16,
    mpls_count: u8,
    mac_off: u32,
    /// An inner Ethernet header (tunnel payload) that replaces `mac_off` once an IP header
    /// follows it (T2 records the MACs of the Ethernet header in front of the flow's IP).
    inner_mac_off: u32,
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
    have_mac: bool,
    /// Ethertype of the innermost L2 payload (L2 flows) and offset where that payload starts.
    eth_type: u16,
    l2_payload_off: usize,
    /// An 802.3 length field seen for the innermost frame (padding computation).
    llc_len: Option<u16>,
    /// Where the bytes counted by `llc_len` (the 802.3 length) start.
    llc_start: usize,
    /// The original's bandwidth estimate counts this packet's frame as well: an IPv4 header
    /// after an IPv6 header (4in6, also through GRE and other tunnels), or a PIM register.
    wire_counted_too: bool,
    /// IPV6_ACTIVATE 0/1: the flow facts of the last IP header of the active version, taken
    /// when an IP header of the inactive version follows it (the flow stays on that header).
    frozen: Option<FlowFacts>,
    /// IPV6_ACTIVATE 0/1: the outermost IP header is of the inactive version (no flow).
    inactive_top: bool,
    /// IP facts of the innermost IP header.
    ip_ver: u8,
    ip_count: u8,
    l3_off: usize,
    outer_l3_off: usize,
    l3_len: u32,
    ip_hdr_len: usize,
    src_ip: [u8; 16],
    dst_ip: [u8; 16],
    proto: u8,
    ip_frag: u16,
    ip_id: u32,
    frag: crate::packet::FragInfo,
    /// Captured bytes of the innermost IP packet (trimmed to its declared length).
    snap_l3: usize,
    /// Captured bytes of the IP packet usable for L4 (bounded by the IP length).
    snap_eff: usize,
    l4_off: usize,
    l4_hdr_len: usize,
    have_l4: bool,
    /// The L4 header starts past the captured IP bytes (see `l4`).
    l4_beyond: bool,
    src_port: u16,
    dst_port: u16,
    tcp_flags: u8,
    later_frag: bool,
    /// The first fragment/whole packet's payload is snapped: stop.
    ipvx: bool,
    /// The next IP header is taken as such without checking its version nibble (link types
    /// IPV4/IPV6, IPv6 in IPv6).
    no_ver_check: bool,
    l2_only: bool,
    /// The frame is shorter than its link-layer header: no header counted, no flow.
    l2_snapped: bool,
    /// The link layer is PPP: T2 makes no layer-2 flow of it unless an Ethernet header
    /// follows (e.g. PPP → MPLS → pseudowire Ethernet).
    ppp_link: bool,
    /// GRE headers seen.
    gre_seen: u8,
    /// AppleTalk ARP (`L2_ARP`, but not counted as ARP).
    aarp: bool,
    /// The next Ethernet header follows an MPLS stack: T2 takes its type field as an
    /// ethertype even below 0x0600 (no 802.3/LLC).
    eth_after_mpls: bool,
    /// The next IPv6 header is not pushed to the header description.
    unnamed_ipv6: bool,
    /// Dissection is at a layer-2 header (cleared when an IP header follows): an IP flow
    /// whose tunnel ends in a non-IP payload gets `STPDSCT`.
    l2_stop: bool,
    tunnel_depth: u8,
    /// Once-per-run L3 snap-length warning text data.
    warn: Option<(usize, usize, u32, bool)>,
    /// Bytes of earlier packets (see `padded`), lent by the dissector for this packet.
    shadow: Vec<u8>,
}

impl Dissector {
    pub fn new(cfg: DissectConfig) -> Dissector {
        Dissector {
            cfg,
            counters: ProtoCounters {
                hdr_min: u16::MAX,
                ..ProtoCounters::default()
            },
            hd: HdrDesc::default(),
            snap_warned: false,
            shadow: vec![0; SHADOW_LEN],
        }
    }

    pub fn counters(&self) -> &ProtoCounters {
        &self.counters
    }

    /// What T2's capture buffer holds after the last dissected packet: its first
    /// [`SHADOW_LEN`] bytes, and past its captured length what earlier packets left there
    /// (zeros beyond).
    pub fn capture_buffer(&self) -> &[u8] {
        &self.shadow
    }

    pub fn config(&self) -> &DissectConfig {
        &self.cfg
    }

    /// Dissects one packet into `out` (reset first). See the module doc.
    pub fn dissect(&mut self, pkt: &RawPacket, out: &mut Dissected, log: &mut Logger) {
        out.reset();
        self.hd.reset();
        let d = pkt.data;
        out.abi.linktype = pkt.linktype;
        out.abi.caplen = d.len() as u32;
        out.abi.wirelen = pkt.wirelen;
        out.abi.ts = pkt.ts;
        self.counters.packets += 1;
        let mut st = St {
            d,
            caplen: d.len(),
            wirelen: pkt.wirelen,
            status: 0,
            vlan_ids: [0; MAX_VLAN],
            vlan_count: 0,
            vlan_inner: 0,
            mpls_count: 0,
            mac_off: T2_OFF_NONE,
            inner_mac_off: T2_OFF_NONE,
            src_mac: [0; 6],
            dst_mac: [0; 6],
            have_mac: false,
            eth_type: 0,
            l2_payload_off: 0,
            llc_len: None,
            llc_start: 0,
            wire_counted_too: false,
            frozen: None,
            inactive_top: false,
            ip_ver: 0,
            ip_count: 0,
            l3_off: 0,
            outer_l3_off: 0,
            l3_len: 0,
            ip_hdr_len: 0,
            src_ip: [0; 16],
            dst_ip: [0; 16],
            proto: 0,
            ip_frag: 0,
            ip_id: 0,
            frag: Default::default(),
            snap_l3: 0,
            snap_eff: 0,
            l4_off: 0,
            l4_hdr_len: 0,
            have_l4: false,
            l4_beyond: false,
            src_port: 0,
            dst_port: 0,
            tcp_flags: 0,
            later_frag: false,
            ipvx: false,
            no_ver_check: false,
            l2_only: false,
            l2_snapped: false,
            ppp_link: false,
            gre_seen: 0,
            aarp: false,
            eth_after_mpls: false,
            unnamed_ipv6: false,
            l2_stop: false,
            tunnel_depth: 0,
            warn: None,
            shadow: core::mem::take(&mut self.shadow),
        };
        if d.is_empty() {
            self.finish(&mut st, out, log);
            return;
        }
        // T2 reads the first 12 bytes of any link-layer header as the MAC pair of the
        // layer-2 flow key (Ethernet and cooked headers overwrite this below).
        for i in 0..6 {
            st.dst_mac[i] = u8_at(d, i);
            st.src_mac[i] = u8_at(d, i + 6);
        }
        let mut next = self.link(&mut st, LinkType(pkt.linktype), log);
        let mut steps = 0;
        while steps < MAX_STEPS {
            steps += 1;
            next = match next {
                Next::Stop => break,
                Next::Eth(o) => self.eth(&mut st, o),
                Next::EthType(o, t) => self.ethertype(&mut st, o, t),
                Next::Llc(o) => self.llc(&mut st, o),
                Next::Ppp(o) => self.ppp(&mut st, o),
                Next::Ipv4(o) => self.ipv4(&mut st, o),
                Next::Ipv6(o) => self.ipv6(&mut st, o),
                Next::Wlan(o) => self.wlan(&mut st, o, false),
                Next::WlanSwapped(o) => self.wlan(&mut st, o, true),
            };
        }
        self.finish(&mut st, out, log);
    }

    // ---------------------------------------------------------------- link layer

    fn link(&mut self, st: &mut St, lt: LinkType, log: &mut Logger) -> Next {
        let d = st.d;
        match lt {
            LinkType::EN10MB | LinkType::ETHERNET_MPACKET => Next::Eth(0),
            LinkType::NULL | LinkType::LOOP => {
                self.hd
                    .push_link(if lt == LinkType::LOOP { "loop" } else { "null" });
                st.status |= fs::L2_NO_ETH;
                let Ok(n) = Null::new_checked(d) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                let fam = if lt == LinkType::LOOP {
                    n.family_be()
                } else {
                    n.family()
                };
                match fam {
                    2 => Next::Ipv4(4),
                    10 | 24 | 28 | 30 => Next::Ipv6(4),
                    _ => {
                        // T2 warns (family printed in the other byte order when large).
                        let le = n.family_le();
                        let v = if le > 0xffff { n.family_be() } else { le };
                        log.wrn(&format!("Null/Loopback header: unhandled family {v}"));
                        Next::Stop
                    }
                }
            }
            LinkType::IPV4 | LinkType::IPV6 => {
                // The link type decides the IP version; the version nibble is not checked.
                self.hd.push_link("");
                st.status |= fs::L2_NO_ETH;
                st.no_ver_check = true;
                if lt == LinkType::IPV6 {
                    Next::Ipv6(0)
                } else {
                    Next::Ipv4(0)
                }
            }
            LinkType::RAW | LinkType::RAW_DLT12 | LinkType::RAW_DLT14 => {
                self.hd.push_link("raw");
                st.status |= fs::L2_NO_ETH;
                match u8_at(d, 0) >> 4 {
                    6 => Next::Ipv6(0),
                    4 => Next::Ipv4(0),
                    v => {
                        // Neither IPv4 nor IPv6: T2 warns and drops the packet (no flow).
                        log.wrn(&format!("Unknown IP protocol {v} in raw pcap"));
                        st.l2_snapped = true;
                        Next::Stop
                    }
                }
            }
            LinkType::LINUX_SLL => {
                self.hd.push_link("sll");
                let Ok(s) = Sll::new_checked(d) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                // T2 reads the cooked header as if it were an Ethernet header.
                st.dst_mac.copy_from_slice(&d[0..6]);
                st.src_mac.copy_from_slice(&d[6..12]);
                st.have_mac = true;
                st.mac_off = 0;
                let p = s.protocol();
                match s.arphrd_type() {
                    // Netlink, CAN, ... : nothing T2 dissects
                    _ if p == 0x0004 => Next::Llc(16),
                    _ => Next::EthType(16, p),
                }
            }
            LinkType::LINUX_SLL2 => {
                self.hd.push_link("sll2");
                let Ok(s) = Sll2::new_checked(d) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                Next::EthType(20, s.protocol())
            }
            LinkType::PPP | LinkType::PPP_SERIAL | LinkType::PPP_WITH_DIR => {
                // `ppp` is pushed by `ppp()` (as the first header of the description).
                st.status |= fs::L2_NO_ETH | fs::L2_PPP;
                st.ppp_link = true;
                let mut o = if lt == LinkType::PPP_WITH_DIR { 1 } else { 0 };
                if u8_at(d, o) == 0x0f || u8_at(d, o) == 0x8f {
                    // Cisco HDLC framing inside a PPP link type.
                    self.hd.push_link("ppp");
                    self.hd.push("chdlc");
                    if d.len() < o + 4 {
                        st.status |= fs::L2SNAPLENGTH;
                        return Next::Stop;
                    }
                    return Next::EthType(o + 4, be16(d, o + 2));
                }
                if u8_at(d, o) == 0xff && u8_at(d, o + 1) == 0x03 {
                    o += 2;
                }
                Next::Ppp(o)
            }
            LinkType::C_HDLC | LinkType::C_HDLC_WITH_DIR => {
                self.hd.push_link("chdlc");
                st.status |= fs::L2_NO_ETH;
                let o = if lt == LinkType::C_HDLC_WITH_DIR {
                    1
                } else {
                    0
                };
                let Ok(c) = Chdlc::new_checked(&d[o.min(d.len())..]) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                Next::EthType(o + 4, c.protocol())
            }
            LinkType::FRELAY | LinkType::FRELAY_WITH_DIR => {
                self.hd.push_link("fr");
                st.status |= fs::L2_NO_ETH;
                let o = if lt == LinkType::FRELAY_WITH_DIR {
                    1
                } else {
                    0
                };
                self.frelay(st, o)
            }
            LinkType::JUNIPER_ETHER | LinkType::JUNIPER_ATM1 | LinkType::JUNIPER_PPPOE => {
                self.hd.push_link("juniper");
                self.juniper(st, lt)
            }
            LinkType::IEEE802_11 => Next::Wlan(0),
            LinkType::IEEE802_11_RADIO => {
                self.hd.push_link("radiotap");
                let Ok(r) = Radiotap::new_checked(d) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                Next::Wlan(r.header_len())
            }
            LinkType::PPI => {
                self.hd.push_link("ppi");
                let Ok(p) = Ppi::new_checked(d) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                match p.dlt() {
                    1 => Next::Eth(p.header_len()),
                    105 => Next::Wlan(p.header_len()),
                    _ => {
                        st.status |= fs::STPDSCT;
                        Next::Stop
                    }
                }
            }
            LinkType::PRISM_HEADER => {
                self.hd.push_link("prism");
                let l = if be32(d, 0) & 0xffff_f000 == 0x8021_1000 {
                    be32(d, 4) as usize
                } else {
                    144
                };
                if d.len() < l {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                }
                Next::Wlan(l)
            }
            LinkType::SYMANTEC_FIREWALL => {
                self.hd.push_link("symantec");
                if d.len() < 44 {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                }
                Next::EthType(44, be16(d, 6))
            }
            LinkType::LAPD | LinkType::LINUX_LAPD => {
                self.hd.push_link("lapd");
                st.status |= fs::L2_NO_ETH | fs::STPDSCT;
                self.counters.lapd += 1;
                Next::Stop
            }
            _ => {
                st.status |= fs::STPDSCT;
                Next::Stop
            }
        }
    }

    fn frelay(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        // Q.922 address (2 bytes), then NLPID-style encapsulation (RFC 2427).
        if d.len() < o + 3 {
            st.status |= fs::L2SNAPLENGTH;
            return Next::Stop;
        }
        let mut p = o + 2;
        let ctrl = u8_at(d, p);
        if ctrl == 0x03 {
            p += 1;
            if u8_at(d, p) == 0x00 {
                p += 1; // padding
            }
            let nlpid = u8_at(d, p);
            match nlpid {
                0xcc => return Next::Ipv4(p + 1),
                0x8e => return Next::Ipv6(p + 1),
                0x80 => {
                    // SNAP
                    let pid = be16(d, p + 4);
                    return Next::EthType(p + 6, pid);
                }
                _ => {
                    self.hd.push("llc");
                    st.eth_type = nlpid as u16;
                    st.l2_payload_off = p;
                    return Next::Stop;
                }
            }
        }
        // Cisco encapsulation: ethertype after the address; below 0x0600 it is an 802.3
        // length and an LLC header follows.
        let t = be16(d, o + 2);
        if t < 0x0600 {
            return Next::Llc(o + 4);
        }
        Next::EthType(o + 4, t)
    }

    fn juniper(&mut self, st: &mut St, lt: LinkType) -> Next {
        let d = st.d;
        // Juniper pseudo header: magic "MGC", flags, optional extension TLVs.
        if d.len() < 4 || be32(d, 0) >> 8 != 0x4d4743 {
            st.status |= fs::STPDSCT;
            return Next::Stop;
        }
        let flags = d[3];
        let mut o = 4;
        if flags & 0x80 != 0 {
            // Extension TLVs: 2-byte length, then the TLVs.
            let l = be16(d, 4) as usize;
            o += 2 + l;
        }
        if flags & 0x02 != 0 {
            // No L2 header present (4-byte protocol family instead).
            o += 4;
        }
        // (T2 does not check the captured length of what follows: a header past the capture
        // is read from the memory after it.)
        match lt {
            LinkType::JUNIPER_ETHER => Next::Eth(o),
            LinkType::JUNIPER_PPPOE => Next::EthType(o, 0x8864),
            _ => {
                // ATM1: cookie (4 bytes), then LLC/SNAP or an Ethernet header.
                let o = o + 4;
                if be32(d, o) == 0xaaaa_0300 {
                    Next::Llc(o)
                } else {
                    Next::Eth(o)
                }
            }
        }
    }

    // ---------------------------------------------------------------- layer 2

    fn eth(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        st.l2_stop = true;
        if o == 0 && d.len() < 16 {
            // A frame holding less than the Ethernet header and two bytes: dropped before
            // dissection (a 15-byte frame is dropped, a 16-byte one is dissected).
            st.status |= fs::L2SNAPLENGTH;
            st.l2_snapped = true;
            return Next::Stop;
        }
        self.hd.push("eth");
        // The MACs T2 records are those of the innermost Ethernet header in front of the
        // flow's IP header (a wireless frame inside CAPWAP does not replace them).
        let t = if st.mac_off == T2_OFF_NONE {
            // Behind a link-layer header T2 reads the Ethernet header without checking the
            // captured length (what is missing reads as zeros here).
            let mut tmp = [0u8; 14];
            let b = &d[o.min(d.len())..];
            let b = if o > 0 {
                padded(d, &st.shadow, o, &mut tmp)
            } else {
                b
            };
            let Ok(e) = Ethernet::new_checked(b) else {
                st.status |= fs::L2SNAPLENGTH;
                return Next::Stop;
            };
            st.mac_off = o as u32;
            st.src_mac = e.src();
            st.dst_mac = e.dst();
            e.type_or_len()
        } else {
            // T2 does not check the captured length of an inner Ethernet header (what is
            // missing reads as zeros here).
            st.inner_mac_off = o as u32;
            be16(d, o + 12)
        };
        st.have_mac = true;
        st.llc_len = None;
        if core::mem::replace(&mut st.eth_after_mpls, false) {
            return Next::EthType(o + 14, t);
        }
        if t < 0x0600 {
            st.llc_len = Some(t);
            st.llc_start = o + 14;
            if st.inner_mac_off == o as u32 {
                // An 802.3 frame inside a tunnel: T2 skips an LLC/SNAP header without
                // checking it and takes the SNAP protocol-id position as the ethertype.
                self.hd.push("llc");
                self.counters.llc += 1;
                return Next::EthType(o + 22, be16(d, o + 20));
            }
            return Next::Llc(o + 14);
        }
        Next::EthType(o + 14, t)
    }

    fn ethertype(&mut self, st: &mut St, o: usize, t: u16) -> Next {
        let d = st.d;
        st.eth_type = t;
        st.l2_payload_off = o;
        match t {
            0x0800 => Next::Ipv4(o),
            0x86dd => Next::Ipv6(o),
            0x8100 | 0x88a8 | 0x9100 | 0x9200 => {
                self.hd.push("vlan");
                st.status |= fs::L2_VLAN;
                if d.len() < o + 4 {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                }
                let tci = be16(d, o);
                if (st.vlan_count as usize) < MAX_VLAN {
                    st.vlan_ids[st.vlan_count as usize] = tci;
                }
                st.vlan_count = st.vlan_count.saturating_add(1);
                st.vlan_inner = tci & 0x0fff;
                if tci & 0x0fff == 0 {
                    st.status |= fs::FS_VLAN0;
                }
                let inner = be16(d, o + 2);
                if inner < 0x0600 {
                    st.llc_len = Some(inner);
                    st.llc_start = o + 4;
                    return Next::Llc(o + 4);
                }
                Next::EthType(o + 4, inner)
            }
            0x8847 | 0x8848 => {
                st.status |= if t == 0x8847 {
                    fs::L2_MPLS_UCAST
                } else {
                    fs::L2_MPLS_MCAST
                };
                let mut p = o;
                let mut n = 0;
                loop {
                    self.hd.push("mpls");
                    let Ok(m) = Mpls::new_checked(&d[p.min(d.len())..]) else {
                        st.status |= fs::L2SNAPLENGTH;
                        return Next::Stop;
                    };
                    st.mpls_count = st.mpls_count.saturating_add(1);
                    p += 4;
                    n += 1;
                    if m.bottom() || n >= 32 {
                        break;
                    }
                }
                // What follows the bottom of the stack: IP by version nibble, else
                // pseudowire control word + Ethernet.
                match u8_at(d, p) >> 4 {
                    4 => Next::Ipv4(p),
                    6 => Next::Ipv6(p),
                    0 => {
                        self.hd.push("pwethcw");
                        st.eth_after_mpls = true;
                        Next::Eth(p + 4)
                    }
                    _ => {
                        st.eth_after_mpls = true;
                        Next::Eth(p)
                    }
                }
            }
            0x8863 | 0x8864 => {
                let sess = t == 0x8864;
                self.hd.push(if sess { "pppoes" } else { "pppoed" });
                st.status |= if sess { fs::L2_PPPOE_S } else { fs::L2_PPPOE_D };
                let Ok(_p) = Pppoe::new_checked(&d[o.min(d.len())..]) else {
                    st.status |= fs::L2SNAPLENGTH;
                    return Next::Stop;
                };
                if !sess {
                    return Next::Stop;
                }
                Next::Ppp(o + 6)
            }
            0x880b => {
                self.hd.push("ppp");
                Next::Stop
            }
            0x6558 => Next::Eth(o),
            0x0806 => {
                self.hd.push("arp");
                st.status |= fs::L2_ARP;
                Next::Stop
            }
            0x80f3 => {
                // AppleTalk ARP: an ARP flow (not counted as an ARP packet).
                self.hd.push("aarp");
                st.status |= fs::L2_ARP;
                st.aarp = true;
                Next::Stop
            }
            0x8035 => {
                self.hd.push("rarp");
                st.status |= fs::L2_RARP;
                Next::Stop
            }
            0x88cc => {
                self.hd.push("lldp");
                st.status |= fs::L2_LLDP;
                Next::Stop
            }
            0x8809 => {
                self.hd.push("slow");
                match u8_at(d, o) {
                    1 => self.hd.push("lacp"),
                    2 => self.hd.push("marker"),
                    3 => self.hd.push("oam"),
                    _ => {}
                }
                Next::Stop
            }
            _ => {
                if let Some(n) = names::ethertype_name(t) {
                    self.hd.push(n);
                } else {
                    self.hd.push_unk_hex4(t);
                    st.status |= fs::STPDSCT;
                }
                Next::Stop
            }
        }
    }

    fn llc(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        st.l2_stop = true;
        self.hd.push("llc");
        self.counters.llc += 1;
        let Ok(l) = Llc::new_checked(&d[o.min(d.len())..]) else {
            st.eth_type = 0;
            st.l2_payload_off = o;
            return Next::Stop;
        };
        if l.is_snap() {
            let oui = l.snap_oui();
            let pid = l.snap_pid();
            st.eth_type = pid;
            st.l2_payload_off = o + 8;
            if oui == 0 || oui == 0xf8 {
                return Next::EthType(o + 8, pid);
            }
            if let Some(n) = names::snap_pid_name(oui, pid) {
                self.hd.push(n);
            } else {
                self.hd.push_unk_hex4(pid);
                st.status |= fs::STPDSCT;
            }
            return Next::Stop;
        }
        st.eth_type = ((l.dsap() as u16) << 8) | l.ssap() as u16;
        // I- and S-format frames have a 2-byte control field, U-format frames one byte.
        st.l2_payload_off = if u8_at(d, o + 2) & 0x03 == 0x03 {
            o + 3
        } else {
            o + 4
        };
        match l.dsap() {
            // The null SAP: nothing more to name.
            0x00 => Next::Stop,
            0xff if l.ssap() == 0xff => {
                // Global SAP pair (e.g. 802.11 HT control read as LLC): T2 names another
                // `llc` with no type.
                self.hd.push("llc");
                st.eth_type = 0;
                Next::Stop
            }
            0x06 => Next::Ipv4(o + 3),
            0x98 => {
                self.hd.push("arp");
                st.status |= fs::L2_ARP;
                Next::Stop
            }
            dsap => {
                if let Some(n) = names::llc_sap_name(dsap) {
                    self.hd.push(n);
                } else {
                    self.hd.push_unk_hex2(dsap);
                    st.status |= fs::STPDSCT;
                }
                Next::Stop
            }
        }
    }

    fn ppp(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        st.l2_stop = true;
        self.hd.push("ppp");
        if d.len() < o + 1 {
            st.status |= fs::L2SNAPLENGTH;
            return Next::Stop;
        }
        // T2 does not honour protocol-field compression: always 2 bytes.
        let (proto, hl) = (be16(d, o), 2);
        if d.len() < o + hl {
            st.status |= fs::L2SNAPLENGTH;
            return Next::Stop;
        }
        let p = o + hl;
        match proto {
            0x0021 => Next::Ipv4(p),
            0x0057 => Next::Ipv6(p),
            // T2 starts the label stack two bytes after the PPP protocol field.
            0x0281 => Next::EthType(p + 2, 0x8847),
            0x0283 => Next::EthType(p + 2, 0x8848),
            0x0031 => Next::Eth(p + 2),
            _ => {
                if st.eth_type == 0 {
                    st.eth_type = proto;
                    st.l2_payload_off = p;
                }
                if let Some(n) = names::ppp_name(proto) {
                    self.hd.push(n);
                } else {
                    // T2 prints the protocol in host (little-endian) byte order.
                    self.hd.push_unk_hex4(proto.swap_bytes());
                    st.status |= fs::STPDSCT;
                }
                Next::Stop
            }
        }
    }

    fn wlan(&mut self, st: &mut St, o: usize, swapped: bool) -> Next {
        let d = st.d;
        st.l2_stop = true;
        self.hd.push("wlan");
        let Ok(w) = Ieee80211::new_checked_fc(&d[o.min(d.len())..], swapped) else {
            st.status |= fs::L2SNAPLENGTH;
            return Next::Stop;
        };
        if w.frame_type() != 2 || w.protected() || w.subtype() & 0x4 != 0 {
            // Management/control frames, encrypted or null data: no flow.
            st.l2_only = true;
            return Next::Stop;
        }
        // Source/destination per the DS bits.
        let (da, sa) = match (w.to_ds(), w.from_ds()) {
            (false, false) => (w.addr(1), w.addr(2)),
            (true, false) => (w.addr(3), w.addr(2)),
            (false, true) => (w.addr(1), w.addr(3)),
            (true, true) => (w.addr(3), w.addr(4)),
        };
        if st.mac_off == T2_OFF_NONE {
            st.mac_off = o as u32;
            st.src_mac = sa;
            st.dst_mac = da;
            st.have_mac = true;
        }
        Next::Llc(o + w.header_len())
    }

    // ---------------------------------------------------------------- layer 3

    /// Common bookkeeping when an IP header starts at `o`.
    fn enter_ip(&mut self, st: &mut St, o: usize, ver: u8) {
        st.l2_stop = false;
        // IPV6_ACTIVATE 0 (IPv4 only) or 1 (IPv6 only): dissection goes on (header
        // description, counters) but the flow stays on the last header of the active version;
        // a packet whose outermost IP header is inactive makes no flow.
        let active = match self.cfg.ipv6_activate {
            0 => ver == 4,
            1 => ver == 6,
            _ => true,
        };
        if active {
            // (An inactive outer header with an active one inside: the inner one is the flow.)
            st.inactive_top = false;
        } else if st.frozen.is_none() {
            if st.ip_count == 0 {
                st.inactive_top = true;
            } else if st.ip_ver != ver && !st.inactive_top {
                st.frozen = Some(FlowFacts::take(st));
            }
        }
        if st.ip_count > 0 {
            // The fragmentation of a tunnel's outer IP header does not describe the flow.
            st.status &= !fs::IPV4_FRAG;
        }
        if st.inner_mac_off != T2_OFF_NONE {
            let m = st.inner_mac_off as usize;
            st.mac_off = st.inner_mac_off;
            st.inner_mac_off = T2_OFF_NONE;
            st.dst_mac = t2_wire::eth::mac(st.d, m);
            st.src_mac = t2_wire::eth::mac(st.d, m + 6);
        }
        if st.ip_count == 0 {
            st.outer_l3_off = o;
        }
        if ver == 4 && st.ip_count > 0 && st.ip_ver == 6 {
            st.wire_counted_too = true;
        }
        st.ip_count = st.ip_count.saturating_add(1);
        st.ip_ver = ver;
        st.l3_off = o;
        st.have_l4 = false;
        st.l4_beyond = false;
        st.l4_hdr_len = 0;
        st.src_port = 0;
        st.dst_port = 0;
        st.tcp_flags = 0;
        st.later_frag = false;
        st.frag = Default::default();
        st.ip_frag = 0;
        st.ip_id = 0;
        st.tunnel_depth = 0;
    }

    /// Records the IP length T2 uses and the captured length of the IP packet.
    ///
    /// T2 compares the declared length with the *framing* length (wire length after the
    /// L2 headers): a declared length of 0 (TSO/jumbo) is `IP_PL_MSMTCH` and the framing
    /// length (truncated to 16 bits) is used; a declared length above the framing length is
    /// silently clamped to it; a captured length below it is `L3SNAPLENGTH`.
    fn ip_lengths(&mut self, st: &mut St, o: usize, declared: u32) {
        let avail = st.caplen.saturating_sub(o);
        // T2 keeps the framing length in 16 bits (a 65570-byte frame frames 20 bytes).
        let framing = (st.wirelen as usize).saturating_sub(o) as u16 as usize;
        st.snap_l3 = avail;
        st.snap_eff = avail;
        let l3 = if declared == 0 {
            st.status |= fs::IP_PL_MSMTCH;
            framing
        } else {
            (declared as usize).min(framing)
        };
        st.l3_len = l3 as u32;
        // T2 trims the captured IPv4 packet to its length; an IPv6 packet is not trimmed.
        if l3 > 0 && l3 < avail && st.ip_ver == 4 {
            st.snap_l3 = l3;
            st.snap_eff = l3;
        } else if l3 > avail {
            st.status |= fs::L3SNAPLENGTH;
            if st.warn.is_none() {
                // (T2 prints the length it uses, i.e. after the framing clamp.)
                let _ = declared;
                st.warn = Some((o, avail, l3 as u32, st.ip_ver == 6));
            }
        }
    }

    /// A bogus IP version where an IP header was expected. At the top level T2 makes a
    /// layer-2 flow of it; inside an IP tunnel the packet gets no flow and T2 counts one
    /// header more (the IP header it started to read).
    fn ipvx(&mut self, st: &mut St, v6: bool) -> Next {
        if st.ip_count > 0 {
            self.hd.count = self.hd.count.saturating_add(1);
            st.status |= if v6 { fs::FS_IPV6_PKT } else { fs::FS_IPV4_PKT };
        }
        self.hd.push("ipvx");
        st.status |= fs::L3_IPVX;
        st.ipvx = true;
        Next::Stop
    }

    fn ipv4(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        let ver = u8_at(d, o) >> 4;
        let check = !core::mem::replace(&mut st.no_ver_check, false);
        if d.len() <= o || (check && ver != 4) {
            return self.ipvx(st, false);
        }
        self.hd.push("ipv4");
        self.enter_ip(st, o, 4);
        st.status |= fs::FS_IPV4_PKT;
        // T2 reads the fixed header even when it is not fully captured; what is missing
        // reads as the memory there (see `padded`).
        let mut tmp = [0u8; Ipv4::MIN_LEN];
        let Ok(ip) = Ipv4::new_checked(padded(d, &st.shadow, o, &mut tmp)) else {
            return Next::Stop;
        };
        let hl = ip.ihl_bytes();
        st.src_ip = [0; 16];
        st.dst_ip = [0; 16];
        st.src_ip[..4].copy_from_slice(&ip.src());
        st.dst_ip[..4].copy_from_slice(&ip.dst());
        st.proto = ip.proto();
        st.ip_frag = ip.frag_field();
        st.ip_id = ip.id() as u32;
        self.ip_lengths(st, o, ip.total_len() as u32);
        if st.l3_len < 20 {
            // The IP length (after the framing clamp) is below the minimal header.
            st.status |= fs::L3HDRSHRTLEN | fs::L4HDRSHRTLEN;
        }
        if hl < 20 {
            st.status |= fs::IPV4_HL_TOO_SHORT;
            st.ip_hdr_len = hl;
            return Next::Stop;
        }
        st.ip_hdr_len = hl;
        if hl > st.l3_len as usize {
            // The IPv4 header (options) extends past the packet's (declared) length.
            st.status |= fs::L4HDRSHRTLEN;
        }
        if ip.more_frags() || ip.frag_offset() != 0 {
            st.status |= fs::IPV4_FRAG;
            st.frag = crate::packet::FragInfo {
                is_fragment: true,
                offset: ip.frag_offset(),
                more: ip.more_frags(),
                id: ip.id() as u32,
            };
            if ip.frag_offset() != 0 {
                st.later_frag = true;
            }
        }
        self.l4(st, o + hl, ip.proto())
    }

    fn ipv6(&mut self, st: &mut St, o: usize) -> Next {
        let d = st.d;
        let check = !core::mem::replace(&mut st.no_ver_check, false);
        if d.len() <= o || (check && u8_at(d, o) >> 4 != 6) {
            return self.ipvx(st, true);
        }
        let unnamed = core::mem::replace(&mut st.unnamed_ipv6, false);
        if !unnamed {
            self.hd.push("ipv6");
        }
        self.enter_ip(st, o, 6);
        st.status |= fs::FS_IPV6_PKT;
        // (Read even when not fully captured, like IPv4; no L3HDRSHRTLEN for IPv6.)
        let mut tmp = [0u8; Ipv6::HEADER_LEN];
        let Ok(ip) = Ipv6::new_checked(padded(d, &st.shadow, o, &mut tmp)) else {
            return Next::Stop;
        };
        st.src_ip = ip.src();
        st.dst_ip = ip.dst();
        st.ip_hdr_len = 40;
        let plen = ip.payload_len() as u32;
        let snapped_before = st.status & fs::L3SNAPLENGTH;
        self.ip_lengths(st, o, if plen == 0 { 0 } else { plen + 40 });
        if unnamed {
            // (T2 does not length-check the IPv6 header of a PIM register.)
            st.status = (st.status & !fs::L3SNAPLENGTH) | snapped_before;
        }
        // Extension headers, then L4. T2 reads a next header only while at least 8 bytes of
        // the (length-trimmed) captured IPv6 packet remain, and stops without naming it
        // after MAXHDRCNT extension headers.
        let end = o + st.snap_eff;
        let mut nh = ip.next_header();
        let mut p = o + 40;
        let mut n = 0;
        loop {
            // (T2 computes the remaining length unsigned: past the end it wraps and passes.)
            if p <= end && end - p < 8 {
                return self.ipv6_stop(st, p, nh);
            }
            match nh {
                0 | 43 | 60 => {
                    if n >= self.cfg.max_hdr_cnt {
                        return self.ipv6_stop(st, p, nh);
                    }
                    n += 1;
                    self.hd.push(match nh {
                        0 => "ipv6.hopopts",
                        43 => "ipv6.routing",
                        _ => "ipv6.dstopts",
                    });
                    // (Past the captured bytes T2 goes on reading; zeros here.)
                    let mut tmp = [0u8; Ipv6Ext::MIN_LEN];
                    let Ok(e) = Ipv6Ext::new_checked(padded(d, &st.shadow, p, &mut tmp)) else {
                        return self.ipv6_stop(st, p, nh);
                    };
                    nh = e.next_header();
                    p += e.header_len();
                }
                44 => {
                    if n >= self.cfg.max_hdr_cnt {
                        return self.ipv6_stop(st, p, nh);
                    }
                    n += 1;
                    self.hd.push("ipv6.fraghdr");
                    let mut tmp = [0u8; Ipv6Frag::HEADER_LEN];
                    let Ok(f) = Ipv6Frag::new_checked(padded(d, &st.shadow, p, &mut tmp)) else {
                        return self.ipv6_stop(st, p, nh);
                    };
                    st.ip_frag = be16(d, p + 2);
                    st.ip_id = f.id();
                    // Every fragment header counts once, atomic ones too; a packet that ends
                    // up a fragment counts once more (see the output stage).
                    self.counters.frag6 += 1;
                    if f.offset() != 0 || f.more() {
                        // (An atomic fragment, offset 0 without M, is not fragmentation.)
                        st.status |= fs::IPV4_FRAG;
                        st.frag = crate::packet::FragInfo {
                            is_fragment: true,
                            offset: f.offset(),
                            more: f.more(),
                            id: f.id(),
                        };
                    }
                    nh = f.next_header();
                    p += 8;
                    if f.offset() != 0 {
                        st.later_frag = true;
                        return self.ipv6_stop(st, p, nh);
                    }
                }
                _ => break,
            }
        }
        st.proto = nh;
        self.l4(st, p, nh)
    }

    /// Ends IPv6 dissection at `p` with `nh` as the flow's protocol (not named).
    fn ipv6_stop(&mut self, st: &mut St, p: usize, nh: u8) -> Next {
        st.proto = nh;
        st.l4_off = p;
        st.have_l4 = false;
        Next::Stop
    }

    // ---------------------------------------------------------------- layer 4

    fn l4(&mut self, st: &mut St, p: usize, proto: u8) -> Next {
        let d = st.d;
        st.proto = proto;
        st.l4_off = p;
        st.have_l4 = true;
        let end = st.l3_off + st.snap_eff; // end of captured IP packet (trimmed)
        let avail = end.saturating_sub(p);
        let b = &d[p.min(end).min(d.len())..end.min(d.len())];
        if st.later_frag {
            // Later IPv4 fragment: the protocol is named but nothing is read.
            self.push_proto_name(proto);
            if st.gre_seen == 0 {
                // (Observed: not for a fragment inside GRE → PPP → IPv4; IP in IP has it.)
                st.status |= fs::STPDSCT;
            }
            st.l4_hdr_len = 0;
            return Next::Stop;
        }
        if p > end && matches!(proto, 1 | 6 | 17 | 58 | 132 | 136) {
            // The L4 header starts past the captured bytes (e.g. IPv4 options or the IPv6
            // header not captured): T2 computes the captured L4 length unsigned, so its
            // checks pass, and reads the header from memory past the capture (zeros here:
            // ports 0, a TCP data offset of 0). No L4HDRSHRTLEN.
            st.l4_beyond = true;
            self.push_proto_name(proto);
            st.l4_hdr_len = match proto {
                6 => 0,
                132 => 12,
                _ => 8,
            };
            if proto == 132 {
                st.status |= fs::L4_SCTP;
            }
            return Next::Stop;
        }
        match proto {
            6 => {
                self.hd.push("tcp");
                st.l4_hdr_len = 20;
                let mut tmp = [0u8; 20];
                if let Ok(t) = Tcp::new_checked(self.l4_view(st, p, b, &mut tmp)) {
                    st.src_port = t.src_port();
                    st.dst_port = t.dst_port();
                    st.tcp_flags = t.flags();
                    st.l4_hdr_len = t.header_len();
                } else {
                    st.status |= fs::L4HDRSHRTLEN;
                    self.short_l4_ports(st, p, 20);
                    // The header length is the data offset found where it would be in the
                    // captured frame (e.g. in Ethernet padding: zero). When the frame ends
                    // before it: 20, or none if the IP length already ends inside the header.
                    let rel = p.saturating_sub(st.l3_off).saturating_sub(Self::ipv4_opt_len(st));
                    if p + 12 < d.len() {
                        st.l4_hdr_len = (d[p + 12] >> 4) as usize * 4;
                    } else if (st.l3_len as usize) >= rel && (st.l3_len as usize) - rel < 20 {
                        st.l4_hdr_len = 0;
                    }
                }
                self.ssdp(st);
                Next::Stop
            }
            17 | 136 => {
                self.hd.push(if proto == 17 { "udp" } else { "udplite" });
                st.l4_hdr_len = 8;
                let mut tmp = [0u8; 8];
                let Ok(u) = Udp::new_checked(self.l4_view(st, p, b, &mut tmp)) else {
                    st.status |= fs::L4HDRSHRTLEN;
                    self.short_l4_ports(st, p, 8);
                    return Next::Stop;
                };
                st.src_port = u.src_port();
                st.dst_port = u.dst_port();
                if proto == 17 {
                    return self.udp_payload(st, p + 8, u.src_port(), u.dst_port());
                }
                Next::Stop
            }
            132 => {
                self.hd.push("sctp");
                st.status |= fs::L4_SCTP;
                st.l4_hdr_len = 12;
                // T2 wants the common header and a chunk header (16 bytes).
                let mut tmp = [0u8; 16];
                let v = self.l4_view(st, p, b, &mut tmp);
                match Sctp::new_checked(v) {
                    Ok(s) if v.len() >= 16 => {
                        st.src_port = s.src_port();
                        st.dst_port = s.dst_port();
                    }
                    _ => {
                        st.status |= fs::L4HDRSHRTLEN;
                        self.short_l4_ports(st, p, 16);
                    }
                }
                Next::Stop
            }
            1 => {
                self.hd.push("icmp");
                st.l4_hdr_len = 8;
                if Icmp::new_checked(b).is_err() {
                    st.status |= fs::L4HDRSHRTLEN;
                }
                Next::Stop
            }
            58 => {
                self.hd.push("icmpv6");
                st.l4_hdr_len = 8;
                if Icmp::new_checked(b).is_err() {
                    st.status |= fs::L4HDRSHRTLEN;
                }
                Next::Stop
            }
            2 => {
                self.hd.push("igmp");
                st.l4_hdr_len = 8;
                match u8_at(b, 0) {
                    0x13 => self.hd.push("dvmrp"),
                    0x14 => self.hd.push("pim"),
                    0xfc..=0xff => self.hd.push("rgmp"),
                    _ => {}
                }
                Next::Stop
            }
            4 | 41 => {
                // T2 flags 4in4, 6in4 and 6in6, but not 4in6.
                if st.ip_ver == 4 || proto == 41 {
                    st.status |= fs::L3_IPIP;
                }
                if proto == 4 {
                    Next::Ipv4(p)
                } else {
                    // IPv6 in IPv4/IPv6: T2 does not check the inner version.
                    st.no_ver_check = true;
                    Next::Ipv6(p)
                }
            }
            47 => self.gre(st, p),
            50 => {
                self.hd.push("esp");
                if st.ip_ver == 4 {
                    st.status |= fs::L3_IPSEC_ESP;
                }
                st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                Next::Stop
            }
            51 => {
                self.hd.push("ah");
                st.status |= fs::L3_IPSEC_AH;
                if avail < 2 {
                    st.l4_hdr_len = 0;
                    return Next::Stop;
                }
                let nh = b[0];
                let l = (b[1] as usize + 2) * 4;
                if nh == 51 && p + l + 2 > end {
                    // A second AH whose header is not captured: T2 names it but the first AH
                    // stays the flow's L4 header (with the default length).
                    self.hd.push("ah");
                    st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                    return Next::Stop;
                }
                // The protocol after AH is dissected as the flow's L4.
                self.l4(st, p + l, nh)
            }
            103 => {
                self.hd.push("pim");
                st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                // PIM register carries an inner IP packet.
                if u8_at(b, 0) & 0x0f == 1 && avail > 8 {
                    return match u8_at(b, 8) >> 4 {
                        4 => {
                            st.wire_counted_too = true;
                            Next::Ipv4(p + 8)
                        }
                        6 => {
                            // T2 does not name an IPv6 header carried by a PIM register.
                            st.unnamed_ipv6 = true;
                            Next::Ipv6(p + 8)
                        }
                        _ => Next::Stop,
                    };
                }
                Next::Stop
            }
            97 => {
                self.hd.push("etherip");
                st.status |= fs::L3_ETHIPF;
                Next::Eth(p + 2)
            }
            89 => {
                self.hd.push("ospf");
                st.l4_hdr_len = if st.ip_ver == 4 { 24 } else { 16 };
                Next::Stop
            }
            59 => {
                st.l4_hdr_len = 0;
                Next::Stop
            }
            115 => {
                // L2TPv3 over IP.
                self.hd.push("l2tp");
                st.status |= fs::L2_L2TP;
                st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                Next::Stop
            }
            _ => {
                if let Some(n) = names::ipproto_name(proto) {
                    self.hd.push(n);
                    st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                } else {
                    self.hd.push_unk_dec(proto as u32);
                    st.status |= fs::STPDSCT;
                    st.l4_hdr_len = default_l4_hdr_len(st.ip_ver);
                }
                Next::Stop
            }
        }
    }

    /// Ports of an L4 header that is not fully captured. T2 checks the header against the
    /// IP length (computed unsigned: an IP length below the headers passes): when the IP
    /// packet is long enough for the header, the ports are read from the captured bytes
    /// (past the capture: zeros here); when the IP length cuts the header (e.g. a first
    /// fragment ending inside the TCP header) they stay 0.
    fn short_l4_ports(&self, st: &mut St, p: usize, min: usize) {
        let rel = p
            .saturating_sub(st.l3_off)
            .saturating_sub(Self::ipv4_opt_len(st));
        let ip_l4 = (st.l3_len as usize).wrapping_sub(rel);
        if (st.l3_len as usize) < rel || ip_l4 >= min {
            let mut tmp = [0u8; 4];
            let v = padded(st.d, &st.shadow, p, &mut tmp);
            let b = |i: usize| u8_at(v, i) as u16;
            st.src_port = b(0) << 8 | b(1);
            st.dst_port = b(2) << 8 | b(3);
        }
    }

    /// IPv4 option bytes (T2's L4 length checks count a 20-byte IPv4 header).
    fn ipv4_opt_len(st: &St) -> usize {
        if st.ip_ver == 4 {
            st.ip_hdr_len.saturating_sub(20)
        } else {
            0
        }
    }

    /// The bytes a fixed L4 header of `tmp.len()` bytes is read from. `b` holds the captured
    /// bytes of the IP packet from the header on; when it is shorter than the header, T2
    /// still reads the header if its length check passes: it counts a 20-byte IPv4 header
    /// (options not subtracted), so the header may extend past the IP packet (into the
    /// captured frame, then past the capture: zeros here). Otherwise `b` (the caller's
    /// `new_checked` fails).
    fn l4_view<'a>(&self, st: &St<'a>, p: usize, b: &'a [u8], tmp: &'a mut [u8]) -> &'a [u8] {
        if b.len() >= tmp.len() || b.len() + Self::ipv4_opt_len(st) < tmp.len() {
            return b;
        }
        padded(st.d, &st.shadow, p, tmp)
    }

    fn push_proto_name(&mut self, proto: u8) {
        if let Some(n) = names::ipproto_name(proto) {
            self.hd.push(n);
        } else {
            self.hd.push_unk_dec(proto as u32);
        }
    }

    fn gre(&mut self, st: &mut St, p: usize) -> Next {
        let d = st.d;
        self.hd.push("gre");
        st.status |= fs::L2_GRE;
        st.gre_seen = st.gre_seen.saturating_add(1);
        if st.gre_seen == 1 {
            // (Counted once per packet.)
            self.counters.gre += 1;
        }
        let end = (st.l3_off + st.snap_eff).min(d.len());
        let b = &d[p.min(end)..end];
        let mut tmp = [0u8; 20];
        let g = match Gre::new_checked(b) {
            Ok(g) => g,
            Err(_) => {
                // T2 reads the GRE header anyway, past the IP packet and the capture.
                st.status |= fs::L4HDRSHRTLEN;
                match Gre::new_checked(padded(d, &st.shadow, p, &mut tmp)) {
                    Ok(g) => g,
                    Err(_) => return Next::Stop,
                }
            }
        };
        // (Over IPv6 T2 counts no L4 header for GRE, as for the protocols it does not parse.)
        st.l4_hdr_len = if st.ip_ver == 6 { 0 } else { g.header_len() };
        let q = p + g.header_len();
        let proto = g.proto();
        match proto {
            0x0800 | 0x86dd if st.gre_seen > 1 => {
                // GRE inside GRE: T2 names the inner IP header but keeps the flow on the
                // IP header carrying this GRE.
                self.hd.push(if proto == 0x0800 { "ipv4" } else { "ipv6" });
                Next::Stop
            }
            0x0800 | 0x86dd => {
                st.tunnel_depth = 1;
                if proto == 0x0800 {
                    Next::Ipv4(q)
                } else {
                    Next::Ipv6(q)
                }
            }
            0x6558 => Next::Eth(q),
            0x880b => {
                st.status |= fs::L2_PPP;
                let mut o = q;
                if u8_at(d, o) == 0xff && u8_at(d, o + 1) == 0x03 {
                    o += 2;
                }
                // In GRE, T2 honours a compressed (one-byte, odd) PPP protocol field.
                match u8_at(d, o) {
                    0x21 | 0x57 => {
                        self.hd.push("ppp");
                        st.l2_stop = true;
                        if u8_at(d, o) == 0x21 {
                            Next::Ipv4(o + 1)
                        } else {
                            Next::Ipv6(o + 1)
                        }
                    }
                    _ => Next::Ppp(o),
                }
            }
            0x88be => {
                let Ok(e) = Erspan::new_checked(&d[q.min(end)..end], proto == 0x22eb) else {
                    self.hd.push_unk_hex4(proto);
                    st.status |= fs::STPDSCT;
                    return Next::Stop;
                };
                if proto == 0x88be && (e.version() != 1) {
                    // Type I (no header) when no sequence number is present.
                }
                self.hd.push("erspan");
                st.status |= fs::L2_ERSPAN;
                st.l4_hdr_len += e.header_len();
                Next::Eth(q + e.header_len())
            }
            0x883e => {
                self.hd.push("wccp");
                st.status |= fs::L2_WCCP;
                st.l4_hdr_len += 4;
                match u8_at(d, q + 4) >> 4 {
                    4 => Next::Ipv4(q + 4),
                    6 => Next::Ipv6(q + 4),
                    _ => Next::Stop,
                }
            }
            0x8847 | 0x8848 => Next::EthType(q, proto),
            0x0806 => {
                self.hd.push("arp");
                st.l2_stop = true;
                Next::Stop
            }
            _ => {
                st.l2_stop = true;
                if let Some(n) = names::ethertype_name(proto) {
                    self.hd.push(n);
                } else {
                    self.hd.push_unk_hex4(proto);
                    st.status |= fs::STPDSCT;
                }
                Next::Stop
            }
        }
    }

    fn udp_payload(&mut self, st: &mut St, q: usize, sp: u16, dp: u16) -> Next {
        let d = st.d;
        let end = (st.l3_off + st.snap_eff).min(d.len());
        let b = &d[q.min(end)..end];
        let port = |x: u16| sp == x || dp == x;
        // VXLAN and GENEVE are only decoded over IPv4. VXLAN needs flags 0x08; GENEVE needs
        // a non-zero source port, an Ethernet payload (0x6558) that is present and at most
        // 64 bytes of options (observed: 60 decoded, 76 not).
        if (port(4789) || port(8472)) && st.ip_ver == 4 && u8_at(b, 0) == 0x08 && Vxlan::new_checked(b).is_ok() {
            self.hd.push("vxlan");
            st.status |= fs::L3_VXLAN;
            return Next::Eth(q + 8);
        }
        if port(6081) && st.ip_ver == 4 && sp != 0 {
            if let Ok(g) = Geneve::new_checked(b) {
                let r = q + g.header_len();
                if g.proto() == 0x6558 && g.header_len() <= 8 + 64 && r < end {
                    self.hd.push("geneve");
                    st.status |= fs::L3_GENEVE;
                    return Next::Eth(r);
                }
                if g.proto() == 0x0800 && st.status & fs::L3SNAPLENGTH != 0 {
                    // (Observed: an IPv4 payload in a snapped packet is not dissected.)
                    st.status |= fs::STPDSCT;
                    return Next::Stop;
                }
            }
        }
        let gtp_port = |x: u16| x == 2152 || x == 2123 || x == 3386;
        if (gtp_port(sp) && (gtp_port(dp) || dp > 1024) || gtp_port(dp) && sp > 1024)
            && !b.is_empty()
        {
            // GTP (any version): a GTP port with the other port a GTP port or above 1024.
            self.hd.push("gtp");
            st.status |= fs::L3_GTP;
            if let Ok(g) = Gtp::new_checked(b) {
                if g.version() <= 1 && g.message_type() == 0xff {
                    let r = q + g.header_len();
                    return match u8_at(d, r) >> 4 {
                        4 if r < end => Next::Ipv4(r),
                        6 if r < end => Next::Ipv6(r),
                        _ => {
                            // A user-plane payload that is not IP: not dissected.
                            st.status |= fs::STPDSCT;
                            Next::Stop
                        }
                    };
                }
            }
            // Signalling: T2 runs its DTLS detection on the GTP header itself.
            self.dtls(st, b);
            return Next::Stop;
        }
        {
            // Teredo: on port 3544 optional authentication / origin indicators, then IPv6;
            // on other ports an IPv6 header with a Teredo (2001:0::/32) address.
            let t3544 = port(3544);
            let mut r = q;
            let mut n = if t3544 { 0 } else { 2 };
            while n < 2 {
                n += 1;
                if be16(d, r) == 0x0001 && r + 4 <= end {
                    let idl = u8_at(d, r + 2) as usize;
                    let al = u8_at(d, r + 3) as usize;
                    r += 4 + idl + al + 9;
                } else if be16(d, r) == 0x0000 && r + 8 <= end {
                    r += 8;
                } else {
                    break;
                }
            }
            let teredo_prefix = |a: usize| r + a + 4 <= end && be32(d, r + a) == 0x2001_0000;
            if r < end && u8_at(d, r) >> 4 == 6 && (t3544 || teredo_prefix(8) || teredo_prefix(24))
            {
                self.hd.push("teredo");
                st.status |= fs::L3_TRDO;
                self.counters.teredo += 1;
                return Next::Ipv6(r);
            }
        }
        if port(5072) {
            if let Some(a) = Ayiya::new_checked(b)
                .ok()
                .filter(|a| matches!(a.next_header(), 4 | 41))
            {
                // (Other payloads, e.g. a keep-alive with no next header: plain UDP.)
                self.hd.push("ayiya");
                st.status |= fs::L3_AYIYA;
                self.counters.ayiya += 1;
                let r = q + a.header_len();
                return match a.next_header() {
                    4 => Next::Ipv4(r),
                    41 => Next::Ipv6(r),
                    _ => Next::Stop,
                };
            }
        }
        if port(1701) {
            if let Ok(l) = L2tpV2::new_checked(b) {
                self.hd.push("l2tp");
                st.status |= fs::L2_L2TP;
                if l.is_control() || l.version() != 2 {
                    st.status |= fs::STPDSCT;
                    return Next::Stop;
                }
                let mut r = q + l.header_len();
                st.status |= fs::L2_PPP;
                if u8_at(d, r) == 0xff && u8_at(d, r + 1) == 0x03 {
                    r += 2;
                }
                return Next::Ppp(r);
            }
        }
        if port(5246) || port(5247) {
            if let Ok(c) = Capwap::new_checked(b) {
                st.status |= fs::L3_CAPWAP;
                if c.preamble_type() == 1 {
                    self.hd.push("capwap");
                    self.hd.push("dtls");
                    st.status |= fs::L7_DTLS | fs::STPDSCT;
                    return Next::Stop;
                }
                if port(5247) {
                    self.hd.push("capwap.data");
                    let r = q + c.header_len();
                    return if c.native() {
                        Next::WlanSwapped(r)
                    } else {
                        Next::Eth(r)
                    };
                }
                self.hd.push("capwap");
                // Control message: not dissected.
                st.status |= fs::STPDSCT;
                return Next::Stop;
            }
        }
        if port(12222) || port(12223) {
            // LWAPP: 6-byte header (flags, fragment id, length, status/WLANs); an 802.11
            // frame follows unless it is a control message (C bit) or the length does not fit.
            st.status |= fs::L3_CAPWAP;
            self.hd.push("lwapp");
            if b.len() > 6 && b[0] & 0x04 == 0 && (be16(b, 2) as usize) <= b.len() - 6 {
                // On the data port the frame control is byte-swapped (as in CAPWAP from
                // Cisco controllers); T2 reads it unswapped on the control port.
                return if port(12222) {
                    Next::WlanSwapped(q + 6)
                } else {
                    Next::Wlan(q + 6)
                };
            }
            st.status |= fs::STPDSCT;
            return Next::Stop;
        }
        if port(4500) {
            self.hd.push("udpencap");
            // NAT keep-alive (one byte): nothing more. Non-ESP marker (zero SPI; T2 also
            // takes a missing one as zero) → IKE, else ESP.
            if b.len() == 1 {
                return Next::Stop;
            }
            if be32(b, 0) == 0 {
                self.hd.push("isakmp");
            } else {
                self.hd.push("esp");
                st.status |= fs::L3_IPSEC_ESP;
            }
            return Next::Stop;
        }
        if self.ssdp(st) {
            return Next::Stop;
        }
        self.dtls(st, b);
        Next::Stop
    }

    /// SSDP/UPnP: TCP or UDP port 1900 with the other port above 1024.
    fn ssdp(&mut self, st: &mut St) -> bool {
        let (sp, dp) = (st.src_port, st.dst_port);
        if (sp == 1900 || dp == 1900) && (sp > 1024 || dp > 1024) {
            self.hd.push("ssdp");
            st.status |= fs::L4_UPNP;
            return true;
        }
        false
    }

    /// DTLS record detection on an otherwise undissected UDP payload (or a GTP control
    /// header): T2 checks only the content type (20..=63 in the data) and the version
    /// (0xfeff and OpenSSL's pre-standard 0x0100 → 1.0, 0xfefd → 1.2).
    fn dtls(&mut self, st: &mut St, b: &[u8]) {
        if b.len() < 3 || !(20..=63).contains(&b[0]) {
            return;
        }
        let name = match be16(b, 1) {
            0xfeff | 0x0100 => "dtls1.0",
            0xfefd => "dtls1.2",
            0xfefc => "dtls1.3",
            _ => return,
        };
        self.hd.push(name);
        st.status |= fs::L7_DTLS;
        self.counters.dtls += 1;
    }

    // ---------------------------------------------------------------- result

    fn finish(&mut self, st: &mut St, out: &mut Dissected, log: &mut Logger) {
        // (The packet counters below count the innermost IP version as dissected.)
        let dissected_ver = st.ip_ver;
        if let Some(f) = st.frozen {
            f.restore(st);
            st.status |= fs::STPDSCT;
        }
        let a = &mut out.abi;
        let caplen = st.caplen;
        a.mac_off = st.mac_off;
        a.vlan_ids = st.vlan_ids;
        a.vlan_count = st.vlan_count;
        a.vlan_id = st.vlan_inner;
        a.mpls_count = st.mpls_count;
        out.src_mac = st.src_mac;
        out.dst_mac = st.dst_mac;
        let is_ip = st.ip_count > 0 && !st.ipvx && st.ip_hdr_len >= 20 && !st.inactive_top;
        if st.ip_count > 0 && !st.ipvx {
            a.outer_l3_off = st.outer_l3_off as u32;
            a.l3_off = st.l3_off as u32;
            a.ip_ver = st.ip_ver;
            a.src_ip = st.src_ip;
            a.dst_ip = st.dst_ip;
            a.l4_proto = st.proto;
            a.eth_type = if st.ip_ver == 6 { 0x86dd } else { 0x0800 };
            a.l3_len = st.l3_len;
            a.ip_frag = st.ip_frag;
            a.ip_id = st.ip_id;
            a.snap_l3_len = st.snap_l3 as u32;
            let l4_rel = st.l4_off.saturating_sub(st.l3_off);
            let snap_l4 = st.snap_eff.saturating_sub(l4_rel);
            a.snap_l4_len = snap_l4 as u32;
            a.l4_hdr_len = st.l4_hdr_len as u32;
            // Captured L4 bytes below the header length (not checked on later fragments).
            // (An IP length below the headers wraps T2's unsigned L4 length: no check.)
            let need =
                if st.have_l4 && !st.later_frag && !st.l4_beyond && st.l3_len as usize >= l4_rel {
                    st.l4_hdr_len
                } else {
                    0
                };
            if snap_l4 + Self::ipv4_opt_len(st) < need {
                st.status |= fs::L4HDRSHRTLEN;
            }
            a.snap_l7_len = snap_l4.saturating_sub(st.l4_hdr_len) as u32;
            a.l7_len = (st.l3_len as i64 - l4_rel as i64 - st.l4_hdr_len as i64) as u16 as u32;
            if st.have_l4 || st.later_frag {
                a.l4_off = st.l4_off as u32;
                a.l7_off = (st.l4_off + st.l4_hdr_len) as u32;
            }
            let ports = matches!(st.proto, 6 | 17 | 132 | 136) && !st.later_frag;
            if ports {
                a.src_port = st.src_port;
                a.dst_port = st.dst_port;
            }
            out.tcp_flags = if st.proto == 6 { st.tcp_flags } else { 0 };
            out.frag = st.frag;
            if st.frag.is_fragment {
                // Counted for the innermost IP header only (a tunnel's outer fragmentation
                // does not count once an inner IP header is reached). IPv6: on top of the
                // count per fragment header.
                if st.ip_ver == 4 {
                    self.counters.frag4 += 1;
                } else {
                    self.counters.frag6 += 1;
                }
            }
            st.status |= if st.ip_ver == 6 {
                fs::L2_IPV6
            } else {
                fs::L2_IPV4
            };
            a.len = match self.cfg.packet_length {
                0 => st.wirelen,
                1 => st.l3_len,
                2 => (st.l3_len as i64 - l4_rel as i64) as u16 as u32,
                _ => a.l7_len,
            };
            a.l2_off = st.mac_off;
            // Padding: bytes captured after the IP packet in a minimum-size frame.
            // (T2 measures it against the wire length, not the captured length.)
            if st.wirelen <= MINRAWLEN {
                let ip_end = st.l3_off + st.l3_len as usize;
                let wire = st.wirelen as usize;
                if ip_end < wire && st.l3_len > 0 {
                    a.pad_len = (wire - ip_end) as u32;
                }
            }
            out.kind = if is_ip { FlowKind::Ip } else { FlowKind::None };
            if st.wire_counted_too {
                // The original's bandwidth estimate counts such a packet twice: as its frame
                // on the wire and as the estimate of the innermost IP packet.
                out.bytes_on_wire = (caplen as u64).saturating_sub(a.pad_len as u64);
            }
            if dissected_ver == 6 {
                self.counters.ipv6_pkts += 1;
            } else {
                self.counters.ipv4_pkts += 1;
            }
            if is_ip {
                match st.proto {
                    6 => {
                        self.counters.tcp += 1;
                        self.counters.tcp_bytes += caplen as u64;
                    }
                    17 => {
                        self.counters.udp += 1;
                        self.counters.udp_bytes += caplen as u64;
                    }
                    132 => {
                        self.counters.sctp += 1;
                        self.counters.sctp_bytes += caplen as u64;
                    }
                    1 => self.counters.icmp += 1,
                    58 => self.counters.icmpv6 += 1,
                    2 => self.counters.igmp += 1,
                    _ => {}
                }
            }
        } else {
            // Layer-2 (non-IP) packet.
            let off = st.l2_payload_off.min(caplen);
            a.eth_type = st.eth_type;
            // T2 counts the snapped lengths from the payload's offset within the MAC header's
            // frame (what precedes the MAC header, e.g. radiotap or Juniper headers, is left
            // out), wrapping when that is past the captured bytes: 32 bits for L3, 16 for L4
            // and L7 (a 4-byte Juniper frame: 4294967282, 65522).
            let mac = if st.mac_off == T2_OFF_NONE { 0 } else { st.mac_off as i64 };
            let rest = caplen as i64 - (st.l2_payload_off as i64 - mac);
            a.snap_l3_len = rest as u32;
            a.snap_l4_len = rest as u16 as u32;
            a.snap_l7_len = rest as u16 as u32;
            // (From the layer-2 payload even when it starts past the captured bytes: T2's
            // length wraps, e.g. 65510 for a 26-byte header on a 262144-byte frame.)
            a.l7_len = (st.wirelen as i64 - st.l2_payload_off as i64) as u16 as u32;
            a.len = if self.cfg.packet_length == 0 { st.wirelen } else { a.l7_len };
            a.l2_off = off as u32;
            a.l7_off = off as u32;
            if st.ipvx && st.ip_count > 0 {
                self.counters.ipvx_pkts += 1;
            } else if st.ipvx {
                // T2 counts a top-level bogus IP packet twice as IPvX (and once as L2).
                self.counters.ipvx_pkts += 2;
                self.counters.l2_pkts += 1;
            } else {
                self.counters.l2_pkts += 1;
            }
            if st.status & fs::L2_ARP != 0 && !st.aarp {
                self.counters.arp += 1;
            }
            if st.status & fs::L2_RARP != 0 {
                self.counters.rarp += 1;
            }
            if st.wirelen <= MINRAWLEN {
                let wire = st.wirelen as usize;
                let wire_rest = wire.saturating_sub(off);
                if st.status & (fs::L2_ARP | fs::L2_RARP) != 0 && (rest >= 28 || st.aarp) {
                    a.pad_len = wire_rest.saturating_sub(28) as u32;
                } else if let Some(l) = st.llc_len {
                    // 802.3: the length field counts the bytes from the LLC header on.
                    a.pad_len = wire.saturating_sub(st.llc_start + l as usize) as u32;
                } else {
                    a.pad_len = wire_rest as u32;
                }
            }
            let l2ok = self.cfg.eth_activate > 0 && !st.l2_only && (st.have_mac || st.eth_type != 0);
            out.kind = if l2ok && !st.ipvx && caplen > 0 {
                FlowKind::Layer2
            } else {
                FlowKind::None
            };
            if st.ipvx && self.cfg.eth_activate > 0 && caplen > 0 && st.ip_count == 0 {
                out.kind = FlowKind::Layer2;
            }
            if st.l2_snapped || (st.ppp_link && !st.have_mac) {
                out.kind = FlowKind::None;
                // (T2 counts padding only of packets it makes a flow of.)
                a.pad_len = 0;
            }
            // A layer-2 flow records the innermost Ethernet header.
            // (T2 reads its MACs even past the capture.)
            if st.inner_mac_off != T2_OFF_NONE {
                let m = st.inner_mac_off as usize;
                a.mac_off = st.inner_mac_off;
                let mut tmp = [0u8; 12];
                let h = padded(st.d, &st.shadow, m, &mut tmp);
                out.dst_mac = t2_wire::eth::mac(h, 0);
                out.src_mac = t2_wire::eth::mac(h, 6);
            }
        }
        if self.hd.overrun {
            st.status |= fs::HDOVRN;
        }
        if st.l2_stop && st.ip_count > 0 && !st.ipvx {
            st.status |= fs::STPDSCT;
        }
        if st.ip_count > 0 && !st.ipvx {
            // Layer-2 protocol bits describe layer-2 flows only.
            st.status &= !(fs::L2_ARP | fs::L2_RARP | fs::L2_LLDP);
        }
        a.status = st.status;
        a.num_hdrs = self.hd.count;
        out.hdr_desc_len = self.hd.copy_to(&mut out.hdr_desc);
        // Counters.
        let c = &mut self.counters;
        c.status_or |= st.status;
        if caplen > 0 {
            c.hdr_min = c.hdr_min.min(self.hd.count);
            c.hdr_max = c.hdr_max.max(self.hd.count);
            c.hdr_sum += self.hd.count as u64;
            c.hdr_n += 1;
        }
        c.max_vlan = c.max_vlan.max(st.vlan_count);
        c.max_mpls = c.max_mpls.max(st.mpls_count);
        if out.kind == FlowKind::None {
            c.no_flow_pkts += 1;
        }
        if let Some((o, avail, declared, v6)) = st.warn {
            // T2 prefixes "Outer -- " when the snapped IP header is not the flow's
            // innermost one, and always for IPv6.
            let outer = v6 || o != st.l3_off;
            if !self.snap_warned {
                self.snap_warned = true;
                let msg = format!(
                    "{}snapL2Length: {} - snapL3Length: {} - IP length in header: {}",
                    if outer { "Outer -- " } else { "" },
                    caplen,
                    avail,
                    declared
                );
                let _ = o;
                log.wrn(&msg);
            }
        }
        // This packet's bytes now lie in the capture buffer (see `padded`).
        let mut sh = core::mem::take(&mut st.shadow);
        let n = st.d.len().min(sh.len());
        sh[..n].copy_from_slice(&st.d[..n]);
        self.shadow = sh;
    }

    /// Protocol section of the end report (see [`report`]).
    pub fn write_protocol_report(&self, log: &mut Logger, total_packets: u64, total_bytes: u64) {
        report::write_protocol_report(&self.counters, log, total_packets, total_bytes);
    }
}

/// Bytes kept from earlier packets to model what T2 reads past the captured bytes.
pub const SHADOW_LEN: usize = 256;

/// The `tmp.len()` bytes at offset `o` of the packet `d`: `d[o..]` itself when captured,
/// else `tmp` filled with what is captured followed by what T2 would find in memory past
/// the capture. T2 reads fixed headers without checking the captured length; libpcap
/// reads every record of a pcap file into the same buffer, so past the capture lie the
/// bytes of earlier (longer) packets at the same offsets, zeros in a fresh buffer. `shadow`
/// holds those bytes (the first [`SHADOW_LEN`]); beyond it zeros are assumed.
fn padded<'t>(d: &'t [u8], shadow: &[u8], o: usize, tmp: &'t mut [u8]) -> &'t [u8] {
    if d.len() >= o && d.len() - o >= tmp.len() {
        return &d[o..];
    }
    for (i, t) in tmp.iter_mut().enumerate() {
        let at = o + i;
        *t = match d.get(at) {
            Some(&b) => b,
            None => shadow.get(at).copied().unwrap_or(0),
        };
    }
    tmp
}

#[cfg(test)]
mod tests;
