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
//! Of two entries for the same number the first one counts. A line that does not parse is
//! skipped and counted (see [`Names::parse`]).

use std::collections::HashMap;

/// Which numbers a table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Ethertypes, hex.
    EtherType,
    /// IP protocol numbers, decimal.
    IpProto,
}

/// A loaded description table.
#[derive(Debug, Default)]
pub struct Names {
    map: HashMap<u16, Box<str>>,
}

impl Names {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str, kind: Kind) -> (Names, usize) {
        let mut n = Names::default();
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
            n.map.entry(v).or_insert_with(|| desc.trim().into());
        }
        (n, bad)
    }

    /// Loads a table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path, kind: Kind) -> Option<(Names, usize)> {
        let bytes = std::fs::read(path).ok()?;
        Some(Names::parse(&String::from_utf8_lossy(&bytes), kind))
    }

    pub fn get(&self, v: u16) -> Option<&str> {
        self.map.get(&v).map(|s| &**s)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
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
}
