//! Tunnel headers: GRE (RFC 2784/2890, PPTP's enhanced GRE RFC 2637), ERSPAN II/III, VXLAN
//! (RFC 7348), Geneve (RFC 8926), GTP v1-U/v2-C (3GPP TS 29.281/29.274), L2TP v2/v3
//! (RFC 2661 / 3931), Teredo (RFC 4380), AYIYA, CAPWAP (RFC 5415) and LWAPP.
//!
//! Contract: `new_checked` checks that the *whole* header as declared by its own flags/length
//! fields is captured, so `header_len()` bytes can be skipped safely. Extension chains (GTP
//! extension headers, Teredo indicators) are walked with a fixed bound.

use crate::{Malformed, be16, need, u8_at};

/// GRE header. Version 0 (RFC 2784/2890) and version 1 (PPTP).
#[derive(Clone, Copy, Debug)]
pub struct Gre<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Gre<'a> {
    pub const MIN_LEN: usize = 4;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        let f = be16(b, 0);
        let mut len = 4;
        // As T2 counts it: 4 bytes for each of C (checksum + reserved1) and R (offset +
        // routing; the routing list itself is not walked), K and S.
        if f & 0x8000 != 0 {
            len += 4;
        }
        if f & 0x4000 != 0 {
            len += 4;
        }
        if f & 0x2000 != 0 {
            len += 4; // key (v1: payload length + call id)
        }
        if f & 0x1000 != 0 {
            len += 4; // sequence
        }
        if f & 0x0007 == 1 && f & 0x0080 != 0 {
            len += 4; // PPTP acknowledgment
        }
        need(b, len)?;
        Ok(Gre { b, len })
    }
    pub fn flags_version(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn version(&self) -> u8 {
        (self.flags_version() & 7) as u8
    }
    pub fn has_checksum(&self) -> bool {
        self.flags_version() & 0x8000 != 0
    }
    pub fn has_routing(&self) -> bool {
        self.flags_version() & 0x4000 != 0
    }
    pub fn has_key(&self) -> bool {
        self.flags_version() & 0x2000 != 0
    }
    pub fn has_seq(&self) -> bool {
        self.flags_version() & 0x1000 != 0
    }
    /// The protocol type (an ethertype; 0x880b for PPP in PPTP).
    pub fn proto(&self) -> u16 {
        be16(self.b, 2)
    }
    /// Header length implied by the flags.
    pub fn header_len(&self) -> usize {
        self.len
    }
}

/// ERSPAN type II header (8 bytes) / type III (12 bytes, +8 with the platform subheader).
#[derive(Clone, Copy, Debug)]
pub struct Erspan<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Erspan<'a> {
    /// `type3` selects the type III layout (GRE protocol 0x22eb).
    pub fn new_checked(b: &'a [u8], type3: bool) -> Result<Self, Malformed> {
        let len = if type3 {
            need(b, 12)?;
            if u8_at(b, 11) & 1 != 0 { 20 } else { 12 }
        } else {
            8
        };
        need(b, len)?;
        Ok(Erspan { b, len })
    }
    pub fn version(&self) -> u8 {
        self.b[0] >> 4
    }
    pub fn vlan(&self) -> u16 {
        be16(self.b, 0) & 0x0fff
    }
    pub fn session_id(&self) -> u16 {
        be16(self.b, 2) & 0x03ff
    }
    pub fn header_len(&self) -> usize {
        self.len
    }
}

/// VXLAN header (8 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Vxlan<'a> {
    b: &'a [u8],
}

impl<'a> Vxlan<'a> {
    pub const HEADER_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Vxlan { b })
    }
    pub fn flags(&self) -> u8 {
        self.b[0]
    }
    /// VXLAN network identifier (24 bits).
    pub fn vni(&self) -> u32 {
        (u32::from(self.b[4]) << 16) | (u32::from(self.b[5]) << 8) | u32::from(self.b[6])
    }
}

/// Geneve header: 8 bytes + options (length in 4-byte words).
#[derive(Clone, Copy, Debug)]
pub struct Geneve<'a> {
    b: &'a [u8],
}

impl<'a> Geneve<'a> {
    pub const MIN_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        let g = Geneve { b };
        need(b, g.header_len())?;
        Ok(g)
    }
    pub fn version(&self) -> u8 {
        self.b[0] >> 6
    }
    pub fn header_len(&self) -> usize {
        8 + ((self.b[0] & 0x3f) as usize) * 4
    }
    /// Protocol type of the payload (an ethertype, 0x6558 for Ethernet).
    pub fn proto(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn vni(&self) -> u32 {
        (u32::from(self.b[4]) << 16) | (u32::from(self.b[5]) << 8) | u32::from(self.b[6])
    }
}

/// GTP header (v0, v1 or v2), with the header length including optional fields and v1
/// extension headers (at most [`Gtp::MAX_EXT`] walked).
#[derive(Clone, Copy, Debug)]
pub struct Gtp<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Gtp<'a> {
    pub const MAX_EXT: usize = 16;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, 8)?;
        let ver = b[0] >> 5;
        let len = match ver {
            0 => 20,
            1 => {
                if b[0] & 0x07 == 0 {
                    8
                } else {
                    need(b, 12)?;
                    let mut len = 12;
                    if b[0] & 0x04 != 0 {
                        let mut nxt = b[11];
                        let mut n = 0;
                        while nxt != 0 && n < Self::MAX_EXT {
                            let el = u8_at(b, len) as usize * 4;
                            if el == 0 {
                                return Err(Malformed);
                            }
                            need(b, len + el)?;
                            nxt = b[len + el - 1];
                            len += el;
                            n += 1;
                        }
                    }
                    len
                }
            }
            2 => {
                if b[0] & 0x08 != 0 {
                    12
                } else {
                    8
                }
            }
            _ => return Err(Malformed),
        };
        need(b, len)?;
        Ok(Gtp { b, len })
    }
    pub fn version(&self) -> u8 {
        self.b[0] >> 5
    }
    pub fn message_type(&self) -> u8 {
        self.b[1]
    }
    pub fn length(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn header_len(&self) -> usize {
        self.len
    }
}

/// L2TP version 2 header (RFC 2661): variable length per the flag bits.
#[derive(Clone, Copy, Debug)]
pub struct L2tpV2<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> L2tpV2<'a> {
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, 2)?;
        let f = be16(b, 0);
        let mut len = 6; // flags + tunnel id + session id
        if f & 0x4000 != 0 {
            len += 2;
        }
        if f & 0x0800 != 0 {
            len += 4;
        }
        if f & 0x0200 != 0 {
            need(b, len + 2)?;
            len += 2 + be16(b, len) as usize;
        }
        need(b, len)?;
        Ok(L2tpV2 { b, len })
    }
    pub fn flags(&self) -> u16 {
        be16(self.b, 0)
    }
    /// Control message (T bit).
    pub fn is_control(&self) -> bool {
        self.flags() & 0x8000 != 0
    }
    pub fn version(&self) -> u8 {
        (self.flags() & 0x0f) as u8
    }
    pub fn header_len(&self) -> usize {
        self.len
    }
}

/// CAPWAP header (RFC 5415 §4.3): HLEN in 4-byte words.
#[derive(Clone, Copy, Debug)]
pub struct Capwap<'a> {
    b: &'a [u8],
}

impl<'a> Capwap<'a> {
    pub const MIN_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        let c = Capwap { b };
        need(b, c.header_len())?;
        Ok(c)
    }
    /// Preamble type (0 = CAPWAP header, 1 = DTLS).
    pub fn preamble_type(&self) -> u8 {
        self.b[0] & 0x0f
    }
    pub fn header_len(&self) -> usize {
        ((be16(self.b, 1) >> 11) as usize & 0x1f) * 4
    }
    /// Wireless binding id.
    pub fn wbid(&self) -> u8 {
        (self.b[2] >> 1) & 0x1f
    }
    /// T bit: payload is a native frame of the binding (802.11), else 802.3.
    pub fn native(&self) -> bool {
        self.b[2] & 0x01 != 0
    }
}

/// AYIYA header: identity and signature lengths are in the header.
#[derive(Clone, Copy, Debug)]
pub struct Ayiya<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Ayiya<'a> {
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, 8)?;
        let id_len = 1usize << (b[0] >> 4);
        let sig_len = ((b[1] >> 4) as usize) * 4;
        let len = 8 + id_len + sig_len;
        need(b, len)?;
        Ok(Ayiya { b, len })
    }
    /// Next header (IP protocol of the payload).
    pub fn next_header(&self) -> u8 {
        self.b[3]
    }
    pub fn opcode(&self) -> u8 {
        self.b[2] & 0x0f
    }
    pub fn header_len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gre_lengths() {
        assert_eq!(Gre::new_checked(&[0, 0, 0x08, 0]).unwrap().header_len(), 4);
        let g = [0x30, 0, 0x65, 0x58, 0, 0, 0, 1, 0, 0, 0, 2];
        assert_eq!(Gre::new_checked(&g).unwrap().header_len(), 12);
        assert!(Gre::new_checked(&g[..11]).is_err());
    }

    #[test]
    fn gtp_v1_with_seq() {
        let g = [0x32, 0xff, 0, 4, 0, 0, 0, 1, 0, 1, 0, 0];
        assert_eq!(Gtp::new_checked(&g).unwrap().header_len(), 12);
    }

    #[test]
    fn geneve_options() {
        let g = [0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 3, 4];
        assert_eq!(Geneve::new_checked(&g).unwrap().header_len(), 12);
    }
}
