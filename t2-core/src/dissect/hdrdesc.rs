//! Builder of T2's header description (`hdrDesc`): colon-joined layer names, repeated
//! consecutive names aggregated as `name{n}` (`T2_HDRDESC_AGGR=1`), at most
//! [`HDRDESC_LEN`] characters; on overflow the text ends with `...` and the caller sets
//! `HDOVRN`. Writes into a fixed buffer: no allocation.
//!
//! [`HdrDesc::push`] runs for every header of every packet, so its common case (a short name
//! that fits) is inlined into the dissector, where the name is a literal: its length and
//! whether it aggregates are then known at compile time and the bytes are stored with one or
//! two fixed-size moves instead of `memcpy` calls. Only names that aggregate (`vlan`, `mpls`)
//! are remembered, as a one-byte kind, not copied.

use crate::packet::HDRDESC_LEN;

/// T2 keeps at most `HDRDESC_LEN - 1` characters (NUL included in its buffer).
const MAX: usize = HDRDESC_LEN - 1;
/// Names up to this length take the inlined path (every name the dissector pushes but the
/// longest `UNK(...)` and a few protocol names).
const SHORT: usize = 16;

/// Fixed-capacity header-description writer.
#[derive(Debug)]
pub struct HdrDesc {
    /// The text is `buf[..len]`; `len` stays below `HDRDESC_LEN`. The spare bytes past
    /// `HDRDESC_LEN + 4` let the inlined path store a [`SHORT`]-byte move at any offset.
    pub buf: [u8; HDRDESC_LEN + SHORT],
    pub len: usize,
    /// Start of the last token in `buf`.
    last_start: usize,
    /// What the last token was, if it aggregates (see [`agg_kind`]); 0 otherwise.
    last_agg: u8,
    /// Repetitions of the last token (for `name{n}`).
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
            buf: [0; HDRDESC_LEN + SHORT],
            len: 0,
            last_start: 0,
            last_agg: 0,
            last_count: 0,
            count: 0,
            overrun: false,
            first: true,
        }
    }
}

/// Which names T2 aggregates when repeated: 1 `vlan`, 2 `mpls`, 0 any other.
#[inline(always)]
fn agg_kind(nb: &[u8]) -> u8 {
    match nb {
        b"vlan" => 1,
        b"mpls" => 2,
        _ => 0,
    }
}

/// Copies `src` (at most [`SHORT`] bytes) to the start of `dst` with at most two fixed-size
/// (possibly overlapping) moves. `dst` must hold [`SHORT`] bytes; what lies past `src.len()`
/// is left as it was.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n <= SHORT && dst.len() >= SHORT);
    if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

impl HdrDesc {
    #[inline]
    pub fn reset(&mut self) {
        self.len = 0;
        self.last_start = 0;
        self.last_agg = 0;
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
    #[inline]
    pub fn push(&mut self, name: &str) {
        self.count = self.count.saturating_add(1);
        if self.overrun {
            return;
        }
        let nb = name.as_bytes();
        let agg = agg_kind(nb);
        if agg != 0 && agg == self.last_agg {
            self.push_repeat(nb);
            return;
        }
        let start = self.len + usize::from(!self.first);
        if nb.len() <= SHORT && start + nb.len() <= MAX {
            // Fits (`buf` has room for a full SHORT-byte move at any start below MAX).
            if !self.first {
                self.buf[self.len] = b':';
            }
            copy_short(&mut self.buf[start..start + SHORT], nb);
            self.first = false;
            self.last_start = start;
            self.last_agg = agg;
            self.last_count = 1;
            self.len = start + nb.len();
            return;
        }
        self.push_slow(nb, agg);
    }

    /// [`HdrDesc::push`] of a long name or one that does not fit (overrun).
    #[cold]
    #[inline(never)]
    fn push_slow(&mut self, nb: &[u8], agg: u8) {
        let sep = !self.first;
        self.first = false;
        if sep {
            self.write_bytes(b":");
            if self.overrun {
                return;
            }
        }
        self.last_start = self.len;
        self.last_agg = agg;
        self.last_count = 1;
        self.write_bytes(nb);
    }

    /// The same aggregating name again: rewrites the last token as `name{n}`.
    #[cold]
    #[inline(never)]
    fn push_repeat(&mut self, nb: &[u8]) {
        self.last_count += 1;
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
    }

    /// Copies the description into `out` and returns its length. Fixed-size copies (a few
    /// moves, no `memcpy` call): the first 32 bytes hold most descriptions.
    #[inline]
    pub fn copy_to(&self, out: &mut [u8; HDRDESC_LEN + 4]) -> usize {
        if self.len <= 32 {
            out[..32].copy_from_slice(&self.buf[..32]);
        } else {
            out.copy_from_slice(&self.buf[..HDRDESC_LEN + 4]);
        }
        self.len
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
        // What does not fit in MAX characters is cut at HDRDESC_LEN-4 and "..." appended.
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
    /// The description as the straightforward writer builds it (every name copied, the last
    /// name kept as bytes), to check the inlined path against.
    fn reference(names: &[&str]) -> (String, u16, bool) {
        const MAX: usize = HDRDESC_LEN - 1;
        let (mut out, mut count, mut overrun) = (Vec::<u8>::new(), 0u16, false);
        let (mut last, mut last_start, mut reps) = (Vec::<u8>::new(), 0usize, 0u32);
        let write = |out: &mut Vec<u8>, overrun: &mut bool, b: &[u8]| {
            if *overrun {
                return;
            }
            if out.len() + b.len() <= MAX {
                out.extend_from_slice(b);
                return;
            }
            let keep = (MAX - 3).saturating_sub(out.len()).min(b.len());
            out.extend_from_slice(&b[..keep]);
            out.truncate(MAX - 3);
            out.extend_from_slice(b"...");
            *overrun = true;
        };
        for (i, n) in names.iter().enumerate() {
            count += 1;
            if overrun {
                continue;
            }
            let nb = n.as_bytes();
            if reps > 0 && nb == &last[..] && (nb == b"vlan" || nb == b"mpls") {
                reps += 1;
                out.truncate(last_start);
                write(&mut out, &mut overrun, format!("{n}{{{reps}}}").as_bytes());
                continue;
            }
            if i > 0 {
                write(&mut out, &mut overrun, b":");
                if overrun {
                    continue;
                }
            }
            last_start = out.len();
            last = nb.to_vec();
            reps = 1;
            write(&mut out, &mut overrun, nb);
        }
        (String::from_utf8(out).unwrap(), count, overrun)
    }

    #[test]
    fn matches_reference_writer() {
        let pool = [
            "eth",
            "vlan",
            "mpls",
            "ipv4",
            "ipv6",
            "tcp",
            "udp",
            "gre",
            "ppp",
            "llc",
            "ipv6.fraghdr",
            "ipv6.hopopts",
            "UNK(0x1234)",
            "pwethcw",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "a-rather-long-protocol-name",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..60 {
            for _ in 0..200 {
                let mut names = Vec::new();
                for _ in 0..len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Repeats are likely so that vlan/mpls runs occur.
                    let k = if x % 3 == 0 {
                        1 + (x >> 8) as usize % 2
                    } else {
                        (x >> 8) as usize % pool.len()
                    };
                    names.push(pool[k]);
                }
                let mut h = HdrDesc::default();
                for n in &names {
                    h.push(n);
                }
                let (want, count, overrun) = reference(&names);
                assert_eq!(
                    (h.as_str(), h.count, h.overrun),
                    (want.as_str(), count, overrun),
                    "{names:?}"
                );
                let mut out = [0u8; HDRDESC_LEN + 4];
                let n = h.copy_to(&mut out);
                assert_eq!(&out[..n], want.as_bytes());
            }
        }
    }
}
