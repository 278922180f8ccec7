//! Layer-2 views: Ethernet II / 802.3, 802.1Q VLAN tags, 802.2 LLC (+SNAP), MPLS label
//! stack entries, PPPoE and PPP.
//!
//! Contract: `new_checked` checks the captured bytes cover the fixed header; accessors never
//! panic afterwards. Nothing here decides what comes next: the dissector does.

use crate::{EtherType, Malformed, be16, be32, need};

/// Ethernet II / IEEE 802.3 header (14 bytes): destination, source, type-or-length.
#[derive(Clone, Copy, Debug)]
pub struct Ethernet<'a> {
    b: &'a [u8],
}

impl<'a> Ethernet<'a> {
    pub const HEADER_LEN: usize = 14;

    /// Checks 14 bytes are captured.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Ethernet { b })
    }
    /// Destination MAC address.
    pub fn dst(&self) -> [u8; 6] {
        mac(self.b, 0)
    }
    /// Source MAC address.
    pub fn src(&self) -> [u8; 6] {
        mac(self.b, 6)
    }
    /// The type/length field: an ethertype if >= 0x0600, else an 802.3 length.
    pub fn type_or_len(&self) -> u16 {
        be16(self.b, 12)
    }
    /// True when the type/length field is an 802.3 length (< 0x0600).
    pub fn is_8023(&self) -> bool {
        self.type_or_len() < 0x0600
    }
    /// Bytes after the 14-byte header.
    pub fn payload(&self) -> &'a [u8] {
        &self.b[Self::HEADER_LEN..]
    }
}

/// Reads a MAC address at `off` (zeros where not captured).
pub fn mac(b: &[u8], off: usize) -> [u8; 6] {
    let mut m = [0u8; 6];
    if let Some(s) = b.get(off..off + 6) {
        m.copy_from_slice(s);
    }
    m
}

/// An 802.1Q / 802.1ad tag following the TPID: TCI (2 bytes) + inner type (2 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Vlan<'a> {
    b: &'a [u8],
}

impl<'a> Vlan<'a> {
    pub const HEADER_LEN: usize = 4;
    /// `b` starts at the TCI (right after the TPID).
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Vlan { b })
    }
    /// The whole tag control information (PCP, DEI, VID).
    pub fn tci(&self) -> u16 {
        be16(self.b, 0)
    }
    /// VLAN identifier (12 bits).
    pub fn vid(&self) -> u16 {
        self.tci() & 0x0fff
    }
    /// Priority code point.
    pub fn pcp(&self) -> u8 {
        (self.tci() >> 13) as u8
    }
    /// Ethertype (or 802.3 length) of what follows.
    pub fn inner_type(&self) -> u16 {
        be16(self.b, 2)
    }
}

/// True for the tag protocol identifiers of VLAN tags.
pub fn is_vlan_tpid(t: u16) -> bool {
    t == EtherType::VLAN.0
        || t == EtherType::QINQ.0
        || t == EtherType::QINQ_OLD.0
        || t == EtherType::QINQ_OLD2.0
}

/// IEEE 802.2 LLC header (3 bytes: DSAP, SSAP, control), with an optional SNAP extension
/// (5 bytes: OUI + protocol id) when DSAP = SSAP = 0xAA.
#[derive(Clone, Copy, Debug)]
pub struct Llc<'a> {
    b: &'a [u8],
}

impl<'a> Llc<'a> {
    pub const HEADER_LEN: usize = 3;
    pub const SNAP_LEN: usize = 8;
    /// Checks 3 bytes (8 when the SAPs announce SNAP).
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        let l = Llc { b };
        if l.is_snap() {
            need(b, Self::SNAP_LEN)?;
        }
        Ok(l)
    }
    pub fn dsap(&self) -> u8 {
        self.b[0]
    }
    pub fn ssap(&self) -> u8 {
        self.b[1]
    }
    pub fn control(&self) -> u8 {
        self.b[2]
    }
    /// DSAP and SSAP are 0xAA: a SNAP header follows.
    pub fn is_snap(&self) -> bool {
        self.b[0] == 0xaa && self.b[1] == 0xaa
    }
    /// SNAP organisation code (0 when not SNAP).
    pub fn snap_oui(&self) -> u32 {
        if self.is_snap() {
            be32(self.b, 2) & 0x00ff_ffff
        } else {
            0
        }
    }
    /// SNAP protocol id (an ethertype for OUI 0; 0 when not SNAP).
    pub fn snap_pid(&self) -> u16 {
        if self.is_snap() { be16(self.b, 6) } else { 0 }
    }
    /// Header length: 8 with SNAP, else 3.
    pub fn header_len(&self) -> usize {
        if self.is_snap() {
            Self::SNAP_LEN
        } else {
            Self::HEADER_LEN
        }
    }
}

/// One MPLS label stack entry (4 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Mpls<'a> {
    b: &'a [u8],
}

impl<'a> Mpls<'a> {
    pub const HEADER_LEN: usize = 4;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Mpls { b })
    }
    /// The raw 32-bit entry.
    pub fn raw(&self) -> u32 {
        be32(self.b, 0)
    }
    /// Label (20 bits).
    pub fn label(&self) -> u32 {
        self.raw() >> 12
    }
    /// Traffic class (3 bits).
    pub fn tc(&self) -> u8 {
        ((self.raw() >> 9) & 7) as u8
    }
    /// Bottom-of-stack bit.
    pub fn bottom(&self) -> bool {
        self.raw() & 0x100 != 0
    }
    pub fn ttl(&self) -> u8 {
        self.b[3]
    }
}

/// PPPoE header (6 bytes): version/type, code, session id, length.
#[derive(Clone, Copy, Debug)]
pub struct Pppoe<'a> {
    b: &'a [u8],
}

impl<'a> Pppoe<'a> {
    pub const HEADER_LEN: usize = 6;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Pppoe { b })
    }
    pub fn ver_type(&self) -> u8 {
        self.b[0]
    }
    pub fn code(&self) -> u8 {
        self.b[1]
    }
    pub fn session_id(&self) -> u16 {
        be16(self.b, 2)
    }
    /// Payload length (PPP protocol field included).
    pub fn length(&self) -> u16 {
        be16(self.b, 4)
    }
}

/// PPP protocol numbers used by the dissector.
pub mod ppp_proto {
    pub const IPV4: u16 = 0x0021;
    pub const IPV6: u16 = 0x0057;
    pub const MPLS_UCAST: u16 = 0x0281;
    pub const MPLS_MCAST: u16 = 0x0283;
    pub const BCP: u16 = 0x0031;
    pub const IPCP: u16 = 0x8021;
    pub const IPV6CP: u16 = 0x8057;
    pub const CCP: u16 = 0x80fd;
    pub const LCP: u16 = 0xc021;
    pub const PAP: u16 = 0xc023;
    pub const CHAP: u16 = 0xc223;
    pub const EAP: u16 = 0xc227;
}
