//! Transport views: TCP (RFC 9293, with an option iterator), UDP (RFC 768), ICMP/ICMPv6
//! (RFC 792 / 4443), SCTP common header (RFC 9260).
//!
//! Contract: `new_checked` checks the fixed header (TCP 20, UDP 8, ICMP 4, SCTP 12). For TCP
//! the data offset is *not* required to be captured: [`Tcp::header_len`] returns the declared
//! length and [`Tcp::options`] the captured part. The option iterator is bounded by the
//! captured option bytes (at most 40) and never loops.

use crate::{Malformed, be16, be32, need};

/// TCP header view.
#[derive(Clone, Copy, Debug)]
pub struct Tcp<'a> {
    b: &'a [u8],
}

impl<'a> Tcp<'a> {
    pub const MIN_LEN: usize = 20;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        Ok(Tcp { b })
    }
    pub fn src_port(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn seq(&self) -> u32 {
        be32(self.b, 4)
    }
    pub fn ack(&self) -> u32 {
        be32(self.b, 8)
    }
    /// Declared header length in bytes (data offset · 4).
    pub fn header_len(&self) -> usize {
        ((self.b[12] >> 4) as usize) * 4
    }
    /// The 8 classic flag bits (CWR ECE URG ACK PSH RST SYN FIN).
    pub fn flags(&self) -> u8 {
        self.b[13]
    }
    /// NS/AE bit (low bit of byte 12).
    pub fn ns(&self) -> bool {
        self.b[12] & 1 != 0
    }
    pub fn window(&self) -> u16 {
        be16(self.b, 14)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b, 16)
    }
    pub fn urgent(&self) -> u16 {
        be16(self.b, 18)
    }
    /// Captured option bytes.
    pub fn options(&self) -> &'a [u8] {
        let hl = self.header_len();
        if hl <= 20 {
            return &[];
        }
        &self.b[20..hl.min(self.b.len())]
    }
    /// Iterator over the captured options.
    pub fn option_iter(&self) -> TcpOptions<'a> {
        TcpOptions {
            b: self.options(),
            pos: 0,
        }
    }
}

/// TCP flag bits.
pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;
}

/// One TCP option: kind and its data (without kind/length bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpOption<'a> {
    pub kind: u8,
    pub data: &'a [u8],
}

/// Iterator over TCP options; stops at EOL, at a malformed length or at the end of the
/// captured options. Each step advances at least one byte, so it terminates.
#[derive(Clone, Debug)]
pub struct TcpOptions<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = TcpOption<'a>;
    fn next(&mut self) -> Option<TcpOption<'a>> {
        let kind = *self.b.get(self.pos)?;
        match kind {
            0 => {
                self.pos = self.b.len();
                Some(TcpOption { kind, data: &[] })
            }
            1 => {
                self.pos += 1;
                Some(TcpOption { kind, data: &[] })
            }
            _ => {
                let len = *self.b.get(self.pos + 1)? as usize;
                if len < 2 || self.pos + len > self.b.len() {
                    self.pos = self.b.len();
                    return None;
                }
                let data = &self.b[self.pos + 2..self.pos + len];
                self.pos += len;
                Some(TcpOption { kind, data })
            }
        }
    }
}

/// UDP header view (also UDP-Lite, same layout).
#[derive(Clone, Copy, Debug)]
pub struct Udp<'a> {
    b: &'a [u8],
}

impl<'a> Udp<'a> {
    pub const HEADER_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Udp { b })
    }
    pub fn src_port(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.b, 2)
    }
    /// The length field (header included).
    pub fn length(&self) -> u16 {
        be16(self.b, 4)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b, 6)
    }
    pub fn payload(&self) -> &'a [u8] {
        &self.b[8..]
    }
}

/// ICMP / ICMPv6 header view (type, code, checksum, rest-of-header).
#[derive(Clone, Copy, Debug)]
pub struct Icmp<'a> {
    b: &'a [u8],
}

impl<'a> Icmp<'a> {
    pub const MIN_LEN: usize = 4;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::MIN_LEN)?;
        Ok(Icmp { b })
    }
    pub fn icmp_type(&self) -> u8 {
        self.b[0]
    }
    pub fn code(&self) -> u8 {
        self.b[1]
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b, 2)
    }
    /// Identifier of echo messages (0 if not captured).
    pub fn echo_id(&self) -> u16 {
        be16(self.b, 4)
    }
    /// Sequence number of echo messages (0 if not captured).
    pub fn echo_seq(&self) -> u16 {
        be16(self.b, 6)
    }
}

/// SCTP common header view.
#[derive(Clone, Copy, Debug)]
pub struct Sctp<'a> {
    b: &'a [u8],
}

impl<'a> Sctp<'a> {
    pub const HEADER_LEN: usize = 12;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::HEADER_LEN)?;
        Ok(Sctp { b })
    }
    pub fn src_port(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn vtag(&self) -> u32 {
        be32(self.b, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TCP_SYN_MSS_BYTES: [u8; 28] = [
        0x1a, 0x85, 0x00, 0x50, 0, 0, 0, 100, 0, 0, 0, 0, 0x70, 0x02, 0x0f, 0xa0, 0, 0, 0, 0, 2, 4,
        5, 0xb4, 1, 1, 0, 0,
    ];

    #[test]
    fn parse_tcp_syn_with_options() {
        let t = Tcp::new_checked(&TCP_SYN_MSS_BYTES).unwrap();
        assert_eq!(t.src_port(), 6789);
        assert_eq!(t.dst_port(), 80);
        assert_eq!(t.header_len(), 28);
        assert_eq!(t.flags(), tcp_flags::SYN);
        let opts: Vec<_> = t.option_iter().collect();
        assert_eq!(
            opts[0],
            TcpOption {
                kind: 2,
                data: &[5, 0xb4]
            }
        );
        assert_eq!(opts[1].kind, 1);
        assert_eq!(opts.last().unwrap().kind, 0);
    }

    #[test]
    fn tcp_option_zero_length_terminates() {
        let mut b = TCP_SYN_MSS_BYTES;
        b[21] = 0; // MSS with length 0
        let t = Tcp::new_checked(&b).unwrap();
        assert_eq!(t.option_iter().count(), 0);
    }

    #[test]
    fn parse_udp() {
        let u = Udp::new_checked(&[0x16, 0x2e, 0, 53, 0, 43, 0, 0]).unwrap();
        assert_eq!(u.src_port(), 5678);
        assert_eq!(u.dst_port(), 53);
        assert_eq!(u.length(), 43);
        assert!(Udp::new_checked(&[0; 7]).is_err());
    }
}
