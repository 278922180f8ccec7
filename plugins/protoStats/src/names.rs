//! Description tables of ethertypes and IP protocols, loaded from text files in the plugin
//! folder (`PS_ETHERTYPE_FILE`, default `ethertypes.txt`; `PS_PROTO_FILE`, default
//! `proto.txt`).
//!
//! # File format (both files)
//!
//! UTF-8 text, one entry per line; empty lines and lines starting with `#` are ignored:
//!
//! ```text
//! NUMBER<TAB>DESCRIPTION
//! ```
//!
//! - `NUMBER`: `ethertypes.txt`: the ethertype, 0 to 0xffff, in hex with or without `0x`
//!   (`0x0800`, `86dd`); `proto.txt`: the IP protocol number, 0 to 255, decimal.
//! - `DESCRIPTION`: free text up to the end of the line (e.g. `Internet Protocol version 4
//!   (IPv4)`, `Transmission Control Protocol (TCP)`).
//!
//! Lines may end in `\r\n`; white space (Unicode's, as `str::trim`) around `NUMBER` and
//! `DESCRIPTION` is ignored, but a `#` must be the first character of a comment line. A file
//! that is not valid UTF-8 is read with its invalid sequences replaced by U+FFFD.
//!
//! Of two entries for the same number the first one counts. A line that does not parse is
//! skipped and counted (see [`Names::parse`]).

use crate::portmap::tabfile::{Line, parse_uint, text_of, trim};

/// Which numbers a table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Ethertypes, hex.
    EtherType,
    /// IP protocol numbers, decimal.
    IpProto,
}

/// A loaded description table: the file's text and, by number, the first entry's description
/// as a byte range of it (no allocation per entry; read like `portmap.txt`, see
/// `portmap::tabfile`).
#[derive(Debug, Default)]
pub struct Names {
    text: String,
    /// `(number, offset, length)`, sorted by number, one per number.
    entries: Vec<(u16, u32, u32)>,
}

/// `u16::from_str_radix(s, 16)`: an optional `+`, then hex digits (leading zeros allowed).
fn parse_hex_u16(s: &[u8]) -> Option<u16> {
    let d = s.strip_prefix(b"+").unwrap_or(s);
    if d.is_empty() {
        return None;
    }
    let mut v = 0u32;
    for &c in d {
        v = (v << 4) | (c as char).to_digit(16)?;
        if v > u16::MAX as u32 {
            return None;
        }
    }
    Some(v as u16)
}

impl Names {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str, kind: Kind) -> (Names, usize) {
        Names::parse_owned(text.to_string(), kind)
    }

    fn parse_owned(text: String, kind: Kind) -> (Names, usize) {
        let b = text.as_bytes();
        let mut bad = 0;
        let mut entries = Vec::new();
        let mut pos = 0;
        while pos < b.len() {
            let (line, next) = Line::<1>::at(&text, pos);
            pos = next;
            let Some(line) = line else { continue };
            // Descriptions are kept as 32-bit positions: a line past 4 GiB into the file is
            // skipped.
            if line.end > u32::MAX as usize {
                bad += 1;
                continue;
            }
            // The number, then the description up to the end of the line (tabs and all).
            let (Some(num), Some(desc)) = (line.field(0), line.rest(0)) else {
                bad += 1;
                continue;
            };
            let (a, e) = trim(&text, num.0, num.1);
            let num = &b[a..e];
            let v = match kind {
                Kind::EtherType => {
                    let h = num
                        .strip_prefix(b"0x")
                        .or_else(|| num.strip_prefix(b"0X"))
                        .unwrap_or(num);
                    parse_hex_u16(h)
                }
                Kind::IpProto => parse_uint(num, u8::MAX as u32).map(|v| v as u16),
            };
            let Some(v) = v else {
                bad += 1;
                continue;
            };
            let (a, e) = trim(&text, desc.0, desc.1);
            entries.push((v, a as u32, (e - a) as u32));
        }
        // A stable sort keeps equal numbers in file order: the dedup keeps the first entry.
        entries.sort_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        (Names { text, entries }, bad)
    }

    /// Loads a table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path, kind: Kind) -> Option<(Names, usize)> {
        let bytes = std::fs::read(path).ok()?;
        Some(Names::parse_owned(text_of(bytes), kind))
    }

    pub fn get(&self, v: u16) -> Option<&str> {
        let i = self.entries.binary_search_by_key(&v, |e| e.0).ok()?;
        let (_, o, n) = self.entries[i];
        Some(&self.text[o as usize..(o + n) as usize])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_both_kinds() {
        let (e, bad) = Names::parse(
            "# ethertypes\n0x0800\tInternet Protocol version 4 (IPv4)\n86DD\tIPv6\n0x0800\tdup\nxyz\tbad\n0x10000\tbad\n",
            Kind::EtherType,
        );
        assert_eq!(bad, 2);
        assert_eq!(e.get(0x0800), Some("Internet Protocol version 4 (IPv4)"));
        assert_eq!(e.get(0x86dd), Some("IPv6"));
        assert_eq!(e.get(0x0806), None);
        let (p, bad) = Names::parse(
            "6\tTransmission Control Protocol (TCP)\n256\tbad\n17 UDP\n",
            Kind::IpProto,
        );
        assert_eq!(bad, 2);
        assert_eq!(p.get(6), Some("Transmission Control Protocol (TCP)"));
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn edge_cases() {
        let (e, bad) = Names::parse(
            " 0x0800 \t IPv4 \t(tabs stay)\r\n\r\n\t\n# c\n0X86dd\tIPv6\n+806\tARP\n0x+8100\tVLAN\n\
             0x\tbad\n+\tbad\n0x0800\tdup\n0000000000088cc\tLLDP\n88a8",
            Kind::EtherType,
        );
        assert_eq!(bad, 3);
        assert_eq!(e.get(0x0800), Some("IPv4 \t(tabs stay)"));
        assert_eq!(e.get(0x86dd), Some("IPv6"));
        assert_eq!(e.get(0x0806), Some("ARP"));
        assert_eq!(e.get(0x8100), Some("VLAN"));
        assert_eq!(e.get(0x88cc), Some("LLDP"));
        assert_eq!(e.len(), 5);
        let (p, bad) = Names::parse("+6\tTCP\n0x11\tbad\n017\tUDP\n1\t\n", Kind::IpProto);
        assert_eq!(bad, 1);
        assert_eq!(p.get(6), Some("TCP"));
        assert_eq!(p.get(17), Some("UDP"));
        assert_eq!(p.get(1), Some(""));
    }

    /// The parser as it was before the byte-level one: the reference the tests compare with.
    fn reference(text: &str, kind: Kind) -> (std::collections::HashMap<u16, String>, usize) {
        let mut map = std::collections::HashMap::new();
        let mut bad = 0;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((num, desc)) = line.split_once('\t') else {
                bad += 1;
                continue;
            };
            let num = num.trim();
            let v = match kind {
                Kind::EtherType => {
                    let h = num
                        .strip_prefix("0x")
                        .or_else(|| num.strip_prefix("0X"))
                        .unwrap_or(num);
                    u16::from_str_radix(h, 16).ok()
                }
                Kind::IpProto => num.parse::<u8>().ok().map(u16::from),
            };
            let Some(v) = v else {
                bad += 1;
                continue;
            };
            map.entry(v).or_insert_with(|| desc.trim().to_string());
        }
        (map, bad)
    }

    fn assert_same(text: &str, kind: Kind) {
        let (n, bad) = Names::parse(text, kind);
        let (want, want_bad) = reference(text, kind);
        assert_eq!(bad, want_bad, "{text:?}");
        assert_eq!(n.len(), want.len(), "{text:?}");
        for v in 0..=u16::MAX {
            assert_eq!(
                n.get(v),
                want.get(&v).map(String::as_str),
                "{v} of {text:?}"
            );
        }
    }

    #[test]
    fn same_as_reference_on_random_tables() {
        let nums = [
            "0x0800",
            "86dd",
            "0X88CC",
            "+806",
            "0x+8100",
            "6",
            "17",
            "+17",
            "255",
            "256",
            "0x",
            "",
            " 6 ",
            "x",
            "0x10000",
            "00000000000ff",
            "é",
        ];
        let descs = [
            "",
            " ",
            "IPv4",
            " Internet Protocol ",
            "a\tb",
            "\u{a0}é\u{3000}",
            "x\r",
        ];
        let ends = ["\n", "\r\n", "\n\n", " \n", "\n#\n", "\t\n"];
        let mut r: u64 = 7;
        let mut next = |n: usize| {
            r = r
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (r >> 33) as usize % n
        };
        for kind in [Kind::EtherType, Kind::IpProto] {
            for _ in 0..100 {
                let mut text = String::new();
                for _ in 0..next(30) {
                    text.push_str(nums[next(nums.len())]);
                    if next(5) > 0 {
                        text.push('\t');
                        text.push_str(descs[next(descs.len())]);
                    }
                    text.push_str(ends[next(ends.len())]);
                }
                assert_same(&text, kind);
            }
        }
    }

    /// The installed tables (`T2_TABLE_DIR/ethertypes.txt` and `proto.txt`, e.g. a folder
    /// written by `t2build --data`) read like the reference parser reads them. Skipped when
    /// `T2_TABLE_DIR` is not set.
    #[test]
    fn same_as_reference_on_installed_tables() {
        let Some(dir) = std::env::var_os("T2_TABLE_DIR") else {
            eprintln!("T2_TABLE_DIR not set: installed tables not compared");
            return;
        };
        for (file, kind) in [
            ("ethertypes.txt", Kind::EtherType),
            ("proto.txt", Kind::IpProto),
        ] {
            let path = std::path::Path::new(&dir).join(file);
            let bytes = std::fs::read(&path).unwrap();
            let (n, bad) = Names::load(&path, kind).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(bad, reference(&text, kind).1);
            assert_same(&text, kind);
            eprintln!("{}: {} entries compared", path.display(), n.len());
        }
    }
}
