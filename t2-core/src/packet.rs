//! The per-packet record shared by capture, dissection and the flow engine.
//!
//! Contract: [`crate::capture`] yields a [`RawPacket`] (bytes borrowed from the reader);
//! [`crate::dissect::dissect`] fills one reused [`Dissected`] from it (no allocation); the flow
//! engine ([`crate::engine`]) reads the flow key from it, and hands `Dissected::abi` (with
//! `hdr_desc` pointing into `Dissected::hdr_desc`) to the plugins. All offsets are relative to
//! the start of the captured bytes.

use t2_abi::{T2Packet, T2Str, T2Time, T2_OFF_NONE};

/// One captured frame as read from the input.
#[derive(Clone, Copy, Debug)]
pub struct RawPacket<'a> {
    /// Packet timestamp (ns resolution; µs captures have `nsec` multiple of 1000).
    pub ts: T2Time,
    /// Bytes on the wire (the record's original length).
    pub wirelen: u32,
    /// pcap link type of the interface the packet came from.
    pub linktype: u32,
    /// Captured bytes (`data.len()` is the caplen).
    pub data: &'a [u8],
    /// The timestamp exactly as libpcap computed it (`tv_sec`, fraction in ns). For broken
    /// files the fraction may be negative or >= 1e9; the original prints it as is in the
    /// report's `Dump start/stop` lines, which `ts` cannot represent.
    pub raw_ts: (i64, i64),
}

/// Maximum length of a header description (`T2_HDRDESC_LEN`).
pub const HDRDESC_LEN: usize = 128;

/// Fragment facts the flow engine needs to map later IPv4/IPv6 fragments to the first one's
/// flow (spec §1.3, `fragPendMap`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FragInfo {
    /// The innermost IP packet is a fragment (MF set or offset != 0).
    pub is_fragment: bool,
    /// Fragment offset in 8-byte units (0 for the first fragment).
    pub offset: u16,
    /// More-fragments flag.
    pub more: bool,
    /// IP identification (IPv4: 16 bits; IPv6: the 32-bit fragment header id).
    pub id: u32,
}

/// What kind of flow a packet belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FlowKind {
    /// Nothing usable: the packet is counted but belongs to no flow.
    #[default]
    None,
    /// A layer-2 (non-IP) flow keyed by MACs, ethertype and VLAN (`ETH_ACTIVATE>0`).
    Layer2,
    /// An IPv4 or IPv6 flow keyed by addresses, ports, protocol, ethertype and VLAN.
    Ip,
}

/// The result of dissecting one packet. Reused from packet to packet; [`Dissected::reset`]
/// clears it without freeing.
#[derive(Clone, Debug)]
pub struct Dissected {
    /// The ABI view handed to plugins (offsets, key fields, lengths, status, header count).
    /// `abi.data`, `abi.hdr_desc` are set by the engine right before the plugin calls.
    pub abi: T2Packet,
    /// Header description bytes (`abi.hdr_desc` points here), e.g. `eth:vlan{2}:ipv4:tcp`.
    pub hdr_desc: [u8; HDRDESC_LEN + 4],
    pub hdr_desc_len: usize,
    pub kind: FlowKind,
    /// MAC addresses of the L2 flow key (source, destination) for layer-2 flows.
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub frag: FragInfo,
    /// TCP flags byte of the flow's TCP header (0 if not TCP or not captured).
    pub tcp_flags: u8,
    /// Extra bytes on the wire the original counts as "bytes on wire" (L2 header + IP total
    /// length estimate) for the `<Bandwidth>` report line.
    pub bytes_on_wire: u64,
}

impl Default for Dissected {
    fn default() -> Self {
        Dissected {
            abi: empty_packet(),
            hdr_desc: [0; HDRDESC_LEN + 4],
            hdr_desc_len: 0,
            kind: FlowKind::None,
            src_mac: [0; 6],
            dst_mac: [0; 6],
            frag: FragInfo::default(),
            tcp_flags: 0,
            bytes_on_wire: 0,
        }
    }
}

impl Dissected {
    /// Clears every field for the next packet (keeps the buffers).
    pub fn reset(&mut self) {
        self.abi = empty_packet();
        self.hdr_desc_len = 0;
        self.kind = FlowKind::None;
        self.src_mac = [0; 6];
        self.dst_mac = [0; 6];
        self.frag = FragInfo::default();
        self.tcp_flags = 0;
        self.bytes_on_wire = 0;
    }

    /// The header description as a string slice.
    pub fn hdr_desc_str(&self) -> &str {
        core::str::from_utf8(&self.hdr_desc[..self.hdr_desc_len]).unwrap_or("")
    }

    /// Points `abi.data`/`abi.hdr_desc` at the packet bytes and the description. Must be called
    /// (by the engine) before handing `abi` to plugins; the pointers are valid while `self` and
    /// `data` are neither moved nor dropped.
    pub fn bind(&mut self, data: &[u8]) {
        self.abi.data = data.as_ptr();
        self.abi.hdr_desc = T2Str { ptr: self.hdr_desc.as_ptr(), len: self.hdr_desc_len };
    }

    /// The `caplen` captured bytes [`bind`](Self::bind) pointed `abi.data` at (none before).
    /// The slice is not tied to `self`, so `abi` can be changed while it is read.
    ///
    /// # Safety
    /// Only while the packet given to `bind` is being processed: the capture reader keeps
    /// those bytes alive and unmoved until the next packet is read.
    pub unsafe fn captured<'a>(&self) -> &'a [u8] {
        if self.abi.data.is_null() {
            return &[];
        }
        // SAFETY: `abi.data` points at `caplen` bytes alive for the packet (the caller's
        // promise above).
        unsafe { core::slice::from_raw_parts(self.abi.data, self.abi.caplen as usize) }
    }
}

/// A [`T2Packet`] with every offset absent and every value zero.
pub fn empty_packet() -> T2Packet {
    T2Packet {
        size: core::mem::size_of::<T2Packet>() as u32,
        linktype: 0,
        data: core::ptr::null(),
        caplen: 0,
        wirelen: 0,
        ts: T2Time::default(),
        pkt_no: 0,
        status: 0,
        mac_off: T2_OFF_NONE,
        l2_off: T2_OFF_NONE,
        outer_l3_off: T2_OFF_NONE,
        l3_off: T2_OFF_NONE,
        l4_off: T2_OFF_NONE,
        l7_off: T2_OFF_NONE,
        eth_type: 0,
        vlan_id: 0,
        vlan_ids: [0; 4],
        vlan_count: 0,
        mpls_count: 0,
        ip_ver: 0,
        l4_proto: 0,
        src_port: 0,
        dst_port: 0,
        src_ip: [0; 16],
        dst_ip: [0; 16],
        l3_len: 0,
        l4_hdr_len: 0,
        l7_len: 0,
        snap_l3_len: 0,
        snap_l4_len: 0,
        snap_l7_len: 0,
        len: 0,
        pad_len: 0,
        num_hdrs: 0,
        ip_frag: 0,
        ip_id: 0,
        hdr_desc: T2Str::EMPTY,
    }
}
