//! IPv4 (RFC 791) and IPv6 (RFC 8200) views, IPv6 extension headers and the fragment header.
//!
//! Contract: `new_checked` checks the *fixed* header is captured (20 bytes for IPv4, 40 for
//! IPv6). It does **not** check the declared total/payload length against the captured bytes
//! (snapped packets are normal), nor IHL ≥ 5 (T2 flags that as `IPV4_HL_TOO_SHORT`; use
//! [`Ipv4::ihl_bytes`]). Accessors never panic.

use crate::{Malformed, be16, be32, need};

/// IPv4 header view.
#[derive(Clone, Copy, Debug)]
pub struct Ipv4<'a> {
    b: &'a [u8],
}

impl<'a> Ipv4<'a> {
    pub const MIN_LEN: usize = 20;
    /// Checks the 20-byte fixed header is captured.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        Ok(Ipv4 { b })
    }
    pub fn version(&self) -> u8 {
        self.b[0] >> 4
    }
    /// Header length in bytes (IHL·4), as declared (may be < 20).
    pub fn ihl_bytes(&self) -> usize {
        ((self.b[0] & 0x0f) as usize) * 4
    }
    pub fn tos(&self) -> u8 {
        self.b[1]
    }
    pub fn total_len(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn id(&self) -> u16 {
        be16(self.b, 4)
    }
    /// Flags (3 bits) and fragment offset (13 bits) as on the wire.
    pub fn frag_field(&self) -> u16 {
        be16(self.b, 6)
    }
    /// Fragment offset in 8-byte units.
    pub fn frag_offset(&self) -> u16 {
        self.frag_field() & 0x1fff
    }
    /// More-fragments flag.
    pub fn more_frags(&self) -> bool {
        self.frag_field() & 0x2000 != 0
    }
    /// Don't-fragment flag.
    pub fn dont_frag(&self) -> bool {
        self.frag_field() & 0x4000 != 0
    }
    pub fn ttl(&self) -> u8 {
        self.b[8]
    }
    pub fn proto(&self) -> u8 {
        self.b[9]
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b, 10)
    }
    pub fn src(&self) -> [u8; 4] {
        [self.b[12], self.b[13], self.b[14], self.b[15]]
    }
    pub fn dst(&self) -> [u8; 4] {
        [self.b[16], self.b[17], self.b[18], self.b[19]]
    }
    /// Captured option bytes (empty when IHL ≤ 5 or not captured).
    pub fn options(&self) -> &'a [u8] {
        let hl = self.ihl_bytes();
        if hl <= 20 {
            return &[];
        }
        &self.b[20..hl.min(self.b.len())]
    }
}

/// IPv6 fixed header view.
#[derive(Clone, Copy, Debug)]
pub struct Ipv6<'a> {
    b: &'a [u8],
}

impl<'a> Ipv6<'a> {
    pub const HEADER_LEN: usize = 40;
    /// Checks the 40-byte header is captured.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Ipv6 { b })
    }
    pub fn version(&self) -> u8 {
        self.b[0] >> 4
    }
    pub fn traffic_class(&self) -> u8 {
        ((be16(self.b, 0) >> 4) & 0xff) as u8
    }
    pub fn flow_label(&self) -> u32 {
        be32(self.b, 0) & 0x000f_ffff
    }
    pub fn payload_len(&self) -> u16 {
        be16(self.b, 4)
    }
    pub fn next_header(&self) -> u8 {
        self.b[6]
    }
    pub fn hop_limit(&self) -> u8 {
        self.b[7]
    }
    pub fn src(&self) -> [u8; 16] {
        let mut a = [0; 16];
        a.copy_from_slice(&self.b[8..24]);
        a
    }
    pub fn dst(&self) -> [u8; 16] {
        let mut a = [0; 16];
        a.copy_from_slice(&self.b[24..40]);
        a
    }
}

/// A generic IPv6 extension header (hop-by-hop, routing, destination options, mobility):
/// next header, length in 8-octet units not counting the first 8.
#[derive(Clone, Copy, Debug)]
pub struct Ipv6Ext<'a> {
    b: &'a [u8],
}

impl<'a> Ipv6Ext<'a> {
    pub const MIN_LEN: usize = 2;
    /// Checks the first two bytes (next header, length) are captured.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        Ok(Ipv6Ext { b })
    }
    pub fn next_header(&self) -> u8 {
        self.b[0]
    }
    /// Header length in bytes: (hdr_ext_len + 1) · 8.
    pub fn header_len(&self) -> usize {
        (self.b[1] as usize + 1) * 8
    }
}

/// The IPv6 authentication header (RFC 4302): length in 4-octet units minus 2.
pub fn ah_header_len(b: &[u8]) -> Option<(u8, usize)> {
    let nh = *b.first()?;
    let l = *b.get(1)? as usize;
    Some((nh, (l + 2) * 4))
}

/// IPv6 fragment header (8 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Ipv6Frag<'a> {
    b: &'a [u8],
}

impl<'a> Ipv6Frag<'a> {
    pub const HEADER_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Ipv6Frag { b })
    }
    pub fn next_header(&self) -> u8 {
        self.b[0]
    }
    /// Fragment offset in 8-octet units.
    pub fn offset(&self) -> u16 {
        be16(self.b, 2) >> 3
    }
    pub fn more(&self) -> bool {
        self.b[3] & 1 != 0
    }
    pub fn id(&self) -> u32 {
        be32(self.b, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static IPV4_UDP_HDR_BYTES: [u8; 20] = [
        0x45, 0xb8, 0x00, 0x80, 0x00, 0x01, 0x40, 0x00, 0xfe, 0x11, 0xde, 0x84, 10, 10, 100, 25,
        10, 10, 101, 2,
    ];

    #[test]
    fn parse_ipv4() {
        let ip = Ipv4::new_checked(&IPV4_UDP_HDR_BYTES).unwrap();
        assert_eq!(ip.version(), 4);
        assert_eq!(ip.ihl_bytes(), 20);
        assert_eq!(ip.total_len(), 128);
        assert_eq!(ip.proto(), 17);
        assert!(ip.dont_frag());
        assert_eq!(ip.src(), [10, 10, 100, 25]);
        assert!(ip.options().is_empty());
        assert!(Ipv4::new_checked(&IPV4_UDP_HDR_BYTES[..19]).is_err());
    }

    #[test]
    fn parse_ipv6_frag() {
        let f = [17u8, 0, 0x05, 0x39, 0xde, 0xad, 0xbe, 0xef];
        let v = Ipv6Frag::new_checked(&f).unwrap();
        assert_eq!(v.offset(), 0xa7);
        assert!(v.more());
        assert_eq!(v.id(), 0xdeadbeef);
    }
}
