//! Text formatters for addresses, allocation-free (`Display` impls): IPv4 dotted quad, IPv6 in
//! the compressed form glibc's `inet_ntop` prints (RFC 5952 longest run of ≥2 zero groups
//! replaced by `::`, first run on ties, lowercase hex, IPv4-mapped/compatible forms with a
//! dotted tail), and MAC addresses `aa:bb:cc:dd:ee:ff`.

use core::fmt;

/// `Display` for an IPv4 address: `192.168.1.2`.
#[derive(Clone, Copy, Debug)]
pub struct Ipv4Display(pub [u8; 4]);

impl fmt::Display for Ipv4Display {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        write!(f, "{}.{}.{}.{}", a[0], a[1], a[2], a[3])
    }
}

/// `Display` for an IPv6 address, exactly as glibc `inet_ntop(AF_INET6)` prints it.
#[derive(Clone, Copy, Debug)]
pub struct Ipv6Display(pub [u8; 16]);

impl fmt::Display for Ipv6Display {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.0;
        let mut w = [0u16; 8];
        for i in 0..8 {
            w[i] = u16::from_be_bytes([a[2 * i], a[2 * i + 1]]);
        }
        // Longest run of zero words (length >= 2), first on ties.
        let (mut best, mut best_len) = (usize::MAX, 0usize);
        let mut i = 0;
        while i < 8 {
            if w[i] == 0 {
                let s = i;
                while i < 8 && w[i] == 0 {
                    i += 1;
                }
                if i - s > best_len {
                    best = s;
                    best_len = i - s;
                }
            } else {
                i += 1;
            }
        }
        if best_len < 2 {
            best = usize::MAX;
        }
        // IPv4-compatible (::a.b.c.d, not ::1/::) and IPv4-mapped (::ffff:a.b.c.d).
        let v4_tail = best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff));
        let mut i = 0;
        while i < 8 {
            if i == best {
                f.write_str(if i == 0 { "::" } else { ":" })?;
                i += best_len;
                continue;
            }
            if v4_tail && i == 6 {
                return write!(f, "{}.{}.{}.{}", a[12], a[13], a[14], a[15]);
            }
            write!(f, "{:x}", w[i])?;
            if i < 7 {
                f.write_str(":")?;
            }
            i += 1;
        }
        Ok(())
    }
}

/// `Display` for a MAC address: `aa:bb:cc:dd:ee:ff`.
#[derive(Clone, Copy, Debug)]
pub struct MacDisplay(pub [u8; 6]);

impl fmt::Display for MacDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: [u16; 8]) -> String {
        let mut a = [0u8; 16];
        for i in 0..8 {
            a[2 * i..2 * i + 2].copy_from_slice(&s[i].to_be_bytes());
        }
        Ipv6Display(a).to_string()
    }

    #[test]
    fn ipv6_compression() {
        assert_eq!(v6([0; 8]), "::");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
        assert_eq!(
            v6([0xfe80, 0, 0, 0, 0x5054, 0xff, 0xfe85, 0x5da9]),
            "fe80::5054:ff:fe85:5da9"
        );
        assert_eq!(v6([0xff02, 0, 0, 0, 0, 0, 1, 6]), "ff02::1:6");
        assert_eq!(v6([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]), "2001:db8:0:1::1");
        assert_eq!(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), "2001:db8::1:0:0:1");
        assert_eq!(v6([1, 0, 1, 1, 1, 1, 1, 1]), "1:0:1:1:1:1:1:1");
        assert_eq!(
            v6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]),
            "::ffff:1.2.3.4"
        );
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]), "::1.2.3.4");
        assert_eq!(
            v6([0x2604, 0x1380, 0x4091, 0xce00, 0, 0, 0, 0xb]),
            "2604:1380:4091:ce00::b"
        );
        assert_eq!(
            v6([0xa, 0xb, 0xc, 0, 0xffff, 0xffff, 0x44, 0x43]),
            "a:b:c:0:ffff:ffff:44:43"
        );
        assert_eq!(v6([0x12, 0, 0, 0, 0, 0, 0, 1]), "12::1");
        assert_eq!(v6([1, 2, 3, 4, 5, 6, 7, 0]), "1:2:3:4:5:6:7:0");
        assert_eq!(v6([1, 2, 3, 4, 5, 6, 0, 0]), "1:2:3:4:5:6::");
    }

    #[test]
    fn ipv4_and_mac() {
        assert_eq!(Ipv4Display([10, 0, 0, 1]).to_string(), "10.0.0.1");
        assert_eq!(
            MacDisplay([0xa4, 0xc6, 0x4f, 0x3b, 0xb3, 0x9a]).to_string(),
            "a4:c6:4f:3b:b3:9a"
        );
    }
}
