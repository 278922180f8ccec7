//! Builder of T2's header description (`hdrDesc`): colon-joined layer names, repeated
//! consecutive names aggregated as `name{n}` (`T2_HDRDESC_AGGR=1`), at most
//! [`HDRDESC_LEN`] characters; on overflow the text ends with `...` and the caller sets
//! `HDOVRN`. Writes into a fixed buffer: no allocation.

use crate::packet::HDRDESC_LEN;

/// Fixed-capacity header-description writer.
#[derive(Debug)]
pub struct HdrDesc {
    pub buf: [u8; HDRDESC_LEN + 4],
    pub len: usize,
    /// Start of the last token in `buf` and its repetition count.
    last_start: usize,
    last_name: [u8; 24],
    last_name_len: usize,
    last_count: u32,
    /// Number of headers pushed (every repetition counts).
    pub count: u16,
    /// The description overflowed (`HDOVRN`).
    pub overrun: bool,
    /// No token yet: the next one is not preceded by ':'.
    first: bool,
}

impl Default for HdrDesc {
    fn default() -> Self {
        HdrDesc {
            buf: [0; HDRDESC_LEN + 4],
            len: 0,
            last_start: 0,
            last_name: [0; 24],
            last_name_len: 0,
            last_count: 0,
            count: 0,
            overrun: false,
            first: true,
        }
    }
}

impl HdrDesc {
    pub fn reset(&mut self) {
        self.len = 0;
        self.last_start = 0;
        self.last_name_len = 0;
        self.last_count = 0;
        self.count = 0;
        self.overrun = false;
        self.first = true;
    }

    /// Starts the description with a link-layer name that is not counted as a header when
    /// empty (T2 prints `:ipv4:...` for the raw IPv4/IPv6 link types).
    pub fn push_link(&mut self, name: &str) {
        if name.is_empty() {
            self.first = false;
            return;
        }
        self.push(name);
    }

    /// Appends one header name (counted).
    pub fn push(&mut self, name: &str) {
        self.count = self.count.saturating_add(1);
        if self.overrun {
            return;
        }
        let nb = name.as_bytes();
        if self.last_count > 0
            && nb == &self.last_name[..self.last_name_len]
            && (nb == b"vlan" || nb == b"mpls")
        {
            self.last_count += 1;
            // Rewrite "name{n}" from the token start.
            let mut tmp = [0u8; 40];
            let mut t = 0;
            for &c in nb.iter().take(24) {
                tmp[t] = c;
                t += 1;
            }
            tmp[t] = b'{';
            t += 1;
            t += write_dec(&mut tmp[t..], self.last_count);
            tmp[t] = b'}';
            t += 1;
            self.len = self.last_start;
            self.write_bytes(&tmp[..t]);
            return;
        }
        let sep = !self.first;
        self.first = false;
        if sep {
            self.write_bytes(b":");
            if self.overrun {
                return;
            }
        }
        self.last_start = self.len;
        let n = nb.len().min(24);
        self.last_name[..n].copy_from_slice(&nb[..n]);
        self.last_name_len = n;
        self.last_count = 1;
        self.write_bytes(nb);
    }

    /// Appends `UNK(0x%04x)` (ethertypes) or `UNK(%d)` (IP protocols) etc.
    pub fn push_unk_hex4(&mut self, v: u16) {
        let mut tmp = [0u8; 12];
        tmp[..6].copy_from_slice(b"UNK(0x");
        hex4(&mut tmp[6..10], v);
        tmp[10] = b')';
        self.push(core::str::from_utf8(&tmp[..11]).unwrap_or("UNK"));
    }

    /// `UNK(0x%02x)`.
    pub fn push_unk_hex2(&mut self, v: u8) {
        let mut tmp = [0u8; 12];
        tmp[..6].copy_from_slice(b"UNK(0x");
        let h = b"0123456789abcdef";
        tmp[6] = h[(v >> 4) as usize];
        tmp[7] = h[(v & 15) as usize];
        tmp[8] = b')';
        self.push(core::str::from_utf8(&tmp[..9]).unwrap_or("UNK"));
    }

    /// `UNK(%d)`.
    pub fn push_unk_dec(&mut self, v: u32) {
        let mut tmp = [0u8; 16];
        tmp[..4].copy_from_slice(b"UNK(");
        let n = write_dec(&mut tmp[4..], v);
        tmp[4 + n] = b')';
        self.push(core::str::from_utf8(&tmp[..5 + n]).unwrap_or("UNK"));
    }

    fn write_bytes(&mut self, b: &[u8]) {
        // T2 keeps at most HDRDESC_LEN-1 characters (NUL included in the buffer); what does
        // not fit is cut at HDRDESC_LEN-4 and "..." appended.
        const MAX: usize = HDRDESC_LEN - 1;
        if self.overrun {
            return;
        }
        if self.len + b.len() <= MAX {
            self.buf[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
            return;
        }
        let keep = (MAX - 3).saturating_sub(self.len).min(b.len());
        self.buf[self.len..self.len + keep].copy_from_slice(&b[..keep]);
        let end = (self.len + keep).min(MAX - 3);
        self.buf[end..end + 3].copy_from_slice(b"...");
        self.len = end + 3;
        self.overrun = true;
    }

    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn hex4(out: &mut [u8], v: u16) {
    let h = b"0123456789abcdef";
    out[0] = h[(v >> 12) as usize & 15];
    out[1] = h[(v >> 8) as usize & 15];
    out[2] = h[(v >> 4) as usize & 15];
    out[3] = h[v as usize & 15];
}

fn write_dec(out: &mut [u8], mut v: u32) -> usize {
    let mut tmp = [0u8; 10];
    let mut n = 0;
    loop {
        tmp[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..n {
        out[i] = tmp[n - 1 - i];
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_repeats() {
        let mut h = HdrDesc::default();
        for n in ["eth", "vlan", "vlan", "ipv4", "ipv4", "udp"] {
            h.push(n);
        }
        assert_eq!(h.as_str(), "eth:vlan{2}:ipv4:ipv4:udp");
        assert_eq!(h.count, 6);
    }

    #[test]
    fn empty_link_name() {
        let mut h = HdrDesc::default();
        h.push_link("");
        h.push("ipv4");
        h.push("tcp");
        assert_eq!(h.as_str(), ":ipv4:tcp");
        assert_eq!(h.count, 2);
    }

    #[test]
    fn overrun_truncates() {
        let mut h = HdrDesc::default();
        for _ in 0..40 {
            h.push("eth");
            h.push("mpls");
        }
        assert!(h.overrun);
        assert_eq!(h.len, HDRDESC_LEN - 1);
        assert!(h.as_str().ends_with("..."));
        assert_eq!(h.count, 80);
    }
}
