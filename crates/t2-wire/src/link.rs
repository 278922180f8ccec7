//! Link-layer headers other than Ethernet: Linux cooked capture v1/v2 (SLL/SLL2), BSD
//! NULL/LOOP, Cisco HDLC, radiotap, PPI, Prism/AVS and IEEE 802.11 MAC headers.
//!
//! Contract: `new_checked` checks the fixed header and, for self-describing headers
//! (radiotap, PPI, 802.11), that the declared length is captured. Accessors never panic.

use crate::{Malformed, be16, le16, le32, need};

/// Linux cooked capture v1 header (16 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Sll<'a> {
    b: &'a [u8],
}

impl<'a> Sll<'a> {
    pub const HEADER_LEN: usize = 16;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Sll { b })
    }
    pub fn packet_type(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn arphrd_type(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn addr_len(&self) -> u16 {
        be16(self.b, 4)
    }
    /// The 8 link-layer address bytes.
    pub fn addr(&self) -> &'a [u8] {
        &self.b[6..14]
    }
    pub fn protocol(&self) -> u16 {
        be16(self.b, 14)
    }
    /// The raw header bytes.
    pub fn bytes(&self) -> &'a [u8] {
        &self.b[..Self::HEADER_LEN]
    }
}

/// Linux cooked capture v2 header (20 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Sll2<'a> {
    b: &'a [u8],
}

impl<'a> Sll2<'a> {
    pub const HEADER_LEN: usize = 20;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Sll2 { b })
    }
    pub fn protocol(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn if_index(&self) -> u32 {
        crate::be32(self.b, 4)
    }
    pub fn arphrd_type(&self) -> u16 {
        be16(self.b, 8)
    }
    pub fn packet_type(&self) -> u8 {
        self.b[10]
    }
    pub fn addr_len(&self) -> u8 {
        self.b[11]
    }
    pub fn addr(&self) -> &'a [u8] {
        &self.b[12..20]
    }
}

/// BSD loopback header: a 4-byte address family, host byte order (NULL) or network (LOOP).
#[derive(Clone, Copy, Debug)]
pub struct Null<'a> {
    b: &'a [u8],
}

impl<'a> Null<'a> {
    pub const HEADER_LEN: usize = 4;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Null { b })
    }
    /// The family read little-endian.
    pub fn family_le(&self) -> u32 {
        le32(self.b, 0)
    }
    /// The family read big-endian.
    pub fn family_be(&self) -> u32 {
        crate::be32(self.b, 0)
    }
    /// The family in whichever byte order gives a small value (captures from either
    /// endianness).
    pub fn family(&self) -> u32 {
        let le = self.family_le();
        if le & 0xffff_0000 != 0 && le & 0xffff == 0 {
            self.family_be()
        } else {
            le
        }
    }
}

/// Cisco HDLC header (4 bytes): address, control, protocol (an ethertype).
#[derive(Clone, Copy, Debug)]
pub struct Chdlc<'a> {
    b: &'a [u8],
}

impl<'a> Chdlc<'a> {
    pub const HEADER_LEN: usize = 4;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Chdlc { b })
    }
    pub fn address(&self) -> u8 {
        self.b[0]
    }
    pub fn control(&self) -> u8 {
        self.b[1]
    }
    pub fn protocol(&self) -> u16 {
        be16(self.b, 2)
    }
}

/// Radiotap header: version, pad, length (LE), present bitmap.
#[derive(Clone, Copy, Debug)]
pub struct Radiotap<'a> {
    b: &'a [u8],
}

impl<'a> Radiotap<'a> {
    pub const MIN_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        let r = Radiotap { b };
        if r.header_len() < Self::MIN_LEN {
            return Err(Malformed);
        }
        need(b, r.header_len())?;
        Ok(r)
    }
    pub fn version(&self) -> u8 {
        self.b[0]
    }
    pub fn header_len(&self) -> usize {
        le16(self.b, 2) as usize
    }
    pub fn present(&self) -> u32 {
        le32(self.b, 4)
    }
    /// True when the "Flags" field is present and says the frame ends with an FCS.
    /// (The flags field is the second field: after TSFT (8 bytes, 8-aligned) if present.)
    pub fn has_fcs(&self) -> bool {
        let p = self.present();
        if p & 0x2 == 0 {
            return false;
        }
        // Skip extra present words.
        let mut off = 8;
        let mut w = p;
        let mut n = 0;
        while w & 0x8000_0000 != 0 && n < 8 {
            w = le32(self.b, off);
            off += 4;
            n += 1;
        }
        if p & 1 != 0 {
            off = (off + 7) & !7;
            off += 8;
        }
        off < self.header_len() && self.b.get(off).is_some_and(|f| f & 0x10 != 0)
    }
}

/// PPI header: version, flags, length (LE), DLT (LE32).
#[derive(Clone, Copy, Debug)]
pub struct Ppi<'a> {
    b: &'a [u8],
}

impl<'a> Ppi<'a> {
    pub const MIN_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        let p = Ppi { b };
        if p.header_len() < Self::MIN_LEN {
            return Err(Malformed);
        }
        need(b, p.header_len())?;
        Ok(p)
    }
    pub fn header_len(&self) -> usize {
        le16(self.b, 2) as usize
    }
    /// Link type of the encapsulated frame.
    pub fn dlt(&self) -> u32 {
        le32(self.b, 4)
    }
}

/// IEEE 802.11 MAC header (frame control, duration, addresses...).
#[derive(Clone, Copy, Debug)]
pub struct Ieee80211<'a> {
    b: &'a [u8],
    len: usize,
    fc: u16,
}

impl<'a> Ieee80211<'a> {
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        Self::new_checked_fc(b, false)
    }
    /// Like [`Ieee80211::new_checked`]; `swapped` reads the frame control field big-endian
    /// (Cisco controllers send it byte-swapped inside CAPWAP).
    pub fn new_checked_fc(b: &'a [u8], swapped: bool) -> Result<Self, Malformed> {
        need(b, 2)?;
        let fc = if swapped { be16(b, 0) } else { le16(b, 0) };
        let ftype = (fc >> 2) & 3;
        let subtype = (fc >> 4) & 0xf;
        let len = match ftype {
            0 => 24,
            1 => match subtype {
                // CTS, ACK: 10 bytes; others 16
                0xc | 0xd => 10,
                _ => 16,
            },
            2 => {
                let mut l = 24;
                if fc & 0x0300 == 0x0300 {
                    l += 6;
                }
                if subtype & 0x8 != 0 {
                    // QoS control. (An HT control field, present when the Order bit is
                    // set, is not skipped: T2 does not skip it either.)
                    l += 2;
                }
                l
            }
            _ => 24,
        };
        need(b, len)?;
        Ok(Ieee80211 { b, len, fc })
    }
    /// Frame control (in the byte order chosen at construction).
    pub fn frame_control(&self) -> u16 {
        self.fc
    }
    /// Frame type (0 management, 1 control, 2 data, 3 extension).
    pub fn frame_type(&self) -> u8 {
        ((self.frame_control() >> 2) & 3) as u8
    }
    pub fn subtype(&self) -> u8 {
        ((self.frame_control() >> 4) & 0xf) as u8
    }
    pub fn to_ds(&self) -> bool {
        self.frame_control() & 0x0100 != 0
    }
    pub fn from_ds(&self) -> bool {
        self.frame_control() & 0x0200 != 0
    }
    pub fn protected(&self) -> bool {
        self.frame_control() & 0x4000 != 0
    }
    /// Address n (1..=4), zeros when not present/captured.
    pub fn addr(&self, n: usize) -> [u8; 6] {
        let off = match n {
            1 => 4,
            2 => 10,
            3 => 16,
            _ => 24,
        };
        crate::eth::mac(self.b, off)
    }
    pub fn header_len(&self) -> usize {
        self.len
    }
}
