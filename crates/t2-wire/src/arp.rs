//! ARP / RARP (RFC 826, RFC 903) view.
//!
//! Contract: `new_checked` checks the 8-byte fixed part; the address fields are read only
//! when captured (`sender_hw` etc. return zeros otherwise). `packet_len` is the length the
//! header declares (8 + 2·hlen + 2·plen).

use crate::{Malformed, be16, need};

#[derive(Clone, Copy, Debug)]
pub struct Arp<'a> {
    b: &'a [u8],
}

impl<'a> Arp<'a> {
    pub const FIXED_LEN: usize = 8;
    pub fn new_checked(b: &'a [u8]) -> Result<Self, Malformed> {
        need(b, Self::FIXED_LEN)?;
        Ok(Arp { b })
    }
    pub fn hw_type(&self) -> u16 {
        be16(self.b, 0)
    }
    pub fn proto_type(&self) -> u16 {
        be16(self.b, 2)
    }
    pub fn hw_len(&self) -> u8 {
        self.b[4]
    }
    pub fn proto_len(&self) -> u8 {
        self.b[5]
    }
    pub fn opcode(&self) -> u16 {
        be16(self.b, 6)
    }
    /// Declared length of the whole ARP message.
    pub fn packet_len(&self) -> usize {
        Self::FIXED_LEN + 2 * (self.hw_len() as usize + self.proto_len() as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    static ARP_REQUEST_BYTES: [u8; 28] = [
        0, 1, 8, 0, 6, 4, 0, 1, 0, 0x0c, 0x29, 1, 2, 3, 192, 168, 1, 1, 0, 0, 0, 0, 0, 0, 192, 168,
        1, 2,
    ];
    #[test]
    fn parse_arp_request() {
        let a = Arp::new_checked(&ARP_REQUEST_BYTES).unwrap();
        assert_eq!(a.hw_type(), 1);
        assert_eq!(a.proto_type(), 0x0800);
        assert_eq!(a.opcode(), 1);
        assert_eq!(a.packet_len(), 28);
        assert!(Arp::new_checked(&ARP_REQUEST_BYTES[..7]).is_err());
    }
}
