//! The MAC label table: manufacturer labels by address prefix, loaded from a text file in the
//! plugin folder (`MR_LBL_FILE`, default `macRecorder_oui.txt`).
//!
//! # File format
//!
//! UTF-8 text, one entry per line; empty lines and lines starting with `#` are ignored:
//!
//! ```text
//! PREFIX[/BITS]<TAB>SHORT[<TAB>LONG]
//! ```
//!
//! - `PREFIX`: 1 to 6 bytes in hex, two digits each, separated by `:`, `-` or `.`
//!   (`00:00:0C`, `01-80-C2-00-00-00`); case does not matter.
//! - `BITS`: the number of leading bits that must match, 1 to 48; default 8 × the bytes given
//!   (`00:00:0C` is a 24-bit OUI, `FF:FF:FF:FF:FF:FF` one address, `01:00:5E:00:00:00/25` the
//!   IPv4 multicast block). Bits of `PREFIX` past `BITS` are ignored.
//! - `SHORT`: the label printed with `MR_MACLBL=2` (T2's short form, e.g. `CiscoSyst,US`,
//!   `IPv4Multi`, `Broadcast`); no tab, no newline.
//! - `LONG`: the full name printed with `MR_MACLBL=3`; `SHORT` when absent.
//!
//! The longest matching prefix wins; of two entries with the same prefix and length the first
//! one counts. A line that does not parse is skipped and counted (see [`Table::parse`]).
//!
//! The all-zero address `00:00:00:00:00:00` never gets a label: the original prints its
//! "no manufacturer" value for it although `00:00:00` is an assigned OUI
//! (`../shared/conformance`: 561 cells, while `00:00:00:00:00:01` and the like get the OUI's
//! label).

/// One length class: sorted `(masked prefix, entry index)`.
#[derive(Debug, Default)]
struct Class {
    bits: u8,
    keys: Vec<(u64, u32)>,
}

/// A loaded label table. The labels are ranges of the table's text, kept whole (one
/// allocation for the tens of thousands of entries: loading stays a few milliseconds).
#[derive(Debug, Default)]
pub struct Table {
    /// Length classes, longest first.
    classes: Vec<Class>,
    text: String,
    /// (short, long) as byte ranges of `text`.
    labels: Vec<[(u32, u32); 2]>,
}

/// The 48-bit address as a number (first byte most significant).
pub fn mac_u64(m: [u8; 6]) -> u64 {
    m.iter().fold(0u64, |a, &b| (a << 8) | b as u64)
}

fn mask(bits: u8) -> u64 {
    if bits == 0 {
        0
    } else {
        ((1u64 << 48) - 1) & !((1u64 << (48 - bits as u32)) - 1)
    }
}

/// Parses `PREFIX[/BITS]` into (48-bit value, bits).
fn parse_prefix(s: &str) -> Option<(u64, u8)> {
    let (p, bits) = match s.split_once('/') {
        Some((p, b)) => (p, Some(b.trim().parse::<u8>().ok()?)),
        None => (s, None),
    };
    let mut v = 0u64;
    let mut n = 0usize;
    for x in p.trim().split([':', '-', '.']) {
        if x.len() != 2 || n == 6 {
            return None;
        }
        v = (v << 8) | u8::from_str_radix(x, 16).ok()? as u64;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    v <<= 8 * (6 - n);
    let bits = bits.unwrap_or(8 * n as u8);
    if !(1..=48).contains(&bits) {
        return None;
    }
    Some((v & mask(bits), bits))
}

impl Table {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str) -> (Table, usize) {
        Table::parse_owned(text.to_string())
    }

    fn parse_owned(text: String) -> (Table, usize) {
        let mut t = Table::default();
        let mut bad = 0;
        let mut entries: Vec<(u8, u64, u32)> = Vec::new();
        let base = text.as_ptr() as usize;
        let range = |s: &str| ((s.as_ptr() as usize - base) as u32, s.len() as u32);
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(prefix), Some(short)) = (f.next(), f.next()) else {
                bad += 1;
                continue;
            };
            let Some((key, bits)) = parse_prefix(prefix) else {
                bad += 1;
                continue;
            };
            let short = short.trim();
            let long = f
                .next()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .unwrap_or(short);
            entries.push((bits, key, t.labels.len() as u32));
            t.labels.push([range(short), range(long)]);
        }
        t.text = text;
        // Longest first; within a class by key, the first entry of equal keys kept.
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        entries.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        for (bits, key, idx) in entries {
            if t.classes.last().is_none_or(|c| c.bits != bits) {
                t.classes.push(Class {
                    bits,
                    keys: Vec::new(),
                });
            }
            t.classes.last_mut().expect("pushed").keys.push((key, idx));
        }
        (t, bad)
    }

    /// Loads the table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path) -> Option<(Table, usize)> {
        let bytes = std::fs::read(path).ok()?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Some(Table::parse_owned(text))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.classes.iter().map(|c| c.keys.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(short, long)` label of the address: the entry of the longest matching prefix, `None`
    /// when no entry matches (or for the all-zero address).
    pub fn label(&self, mac: [u8; 6]) -> Option<(&str, &str)> {
        let m = mac_u64(mac);
        if m == 0 {
            return None;
        }
        for c in &self.classes {
            let k = m & mask(c.bits);
            if let Ok(i) = c.keys.binary_search_by(|e| e.0.cmp(&k)) {
                let [(s, sl), (l, ll)] = self.labels[c.keys[i].1 as usize];
                let text = |o: u32, n: u32| &self.text[o as usize..(o + n) as usize];
                return Some((text(s, sl), text(l, ll)));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# test table\n\
        00:00:0C\tCiscoSyst,US\tCisco Systems, Inc\n\
        01:00:0C:CC:CC:CC\tCDP\n\
        01:00:5E:00:00:00/25\tIPv4Multi\tIPv4 multicast\n\
        33-33\tIPv6Multi\n\
        FF:FF:FF:FF:FF:FF\tBroadcast\n\
        00:00:00\tXEROXCORP,US\tXEROX CORPORATION\n\
        00:00:0c\tDuplicate\n\
        zz:00:00\tBad\n\
        \n";

    fn mac(s: &str) -> [u8; 6] {
        let v: Vec<u8> = s
            .split(':')
            .map(|x| u8::from_str_radix(x, 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn longest_prefix_wins() {
        let (t, bad) = Table::parse(TEXT);
        assert_eq!(bad, 1);
        assert_eq!(t.len(), 6);
        assert_eq!(
            t.label(mac("00:00:0c:07:ac:01")),
            Some(("CiscoSyst,US", "Cisco Systems, Inc"))
        );
        assert_eq!(t.label(mac("01:00:0c:cc:cc:cc")), Some(("CDP", "CDP")));
        assert_eq!(t.label(mac("01:00:0c:cc:cc:cd")), None);
        assert_eq!(t.label(mac("01:00:5e:7f:ff:fa")).unwrap().0, "IPv4Multi");
        assert_eq!(t.label(mac("01:00:5e:80:00:01")), None);
        assert_eq!(t.label(mac("33:33:ff:42:ba:59")).unwrap().0, "IPv6Multi");
        assert_eq!(t.label(mac("ff:ff:ff:ff:ff:ff")).unwrap().0, "Broadcast");
        assert_eq!(t.label(mac("ff:ff:ff:25:00:ff")), None);
        assert_eq!(t.label(mac("00:00:00:00:00:04")).unwrap().0, "XEROXCORP,US");
        // The all-zero address has no label.
        assert_eq!(t.label(mac("00:00:00:00:00:00")), None);
    }

    #[test]
    fn prefixes() {
        assert_eq!(parse_prefix("00:00:0C"), Some((0x00000c000000, 24)));
        assert_eq!(
            parse_prefix("01:80:C2:00:00:00/44"),
            Some((0x0180c2000000, 44))
        );
        assert_eq!(
            parse_prefix("01:80:C2:00:00:0F/44"),
            Some((0x0180c2000000, 44))
        );
        assert_eq!(
            parse_prefix("01.00.5e.80/25"),
            Some((0x01005e800000 & mask(25), 25))
        );
        assert_eq!(parse_prefix("0:00:0C"), None);
        assert_eq!(parse_prefix("00:00:0C/49"), None);
        assert_eq!(parse_prefix("00:00:00:00:00:00:00"), None);
    }
}
