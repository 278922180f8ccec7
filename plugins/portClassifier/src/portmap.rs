//! The port table: service names and descriptions of TCP and UDP ports, loaded from a text file
//! in the plugin folder (portClassifier's `PBC_CLASSFILE`, default `portmap.txt`; protoStats
//! reads the same file for its port descriptions).
//!
//! # File format
//!
//! UTF-8 text, one entry per line; empty lines and lines starting with `#` are ignored:
//!
//! ```text
//! PORT<TAB>PROTO<TAB>NAME[<TAB>DESCRIPTION]
//! ```
//!
//! - `PORT`: 0 to 65535, decimal.
//! - `PROTO`: `tcp` or `udp` (any case). The TCP entries name the ports of TCP and SCTP flows,
//!   the UDP entries those of UDP and UDP-Lite flows.
//! - `NAME`: the service name portClassifier prints (`dstPortClass`, e.g. `http`, `domain`);
//!   no tab. Empty: the port has no name (printed as `PBC_UNKNOWN`).
//! - `DESCRIPTION`: the free text protoStats prints in `PREFIX_protocols.txt` (e.g.
//!   `World Wide Web HTTP`); empty when absent.
//!
//! Fields after `DESCRIPTION` are ignored. Lines may end in `\r\n`; white space (Unicode's, as
//! `str::trim`) around fields is ignored, but a `#` must be the first character of a comment
//! line. A file that is not valid UTF-8 is read with its invalid sequences replaced by U+FFFD.
//!
//! Of two entries for the same port and protocol the first one counts. A line that does not
//! parse is skipped and counted (see [`PortMap::parse`]).
//!
//! # Loading cost
//!
//! The installed table has some 11,500 lines and is read at every start of `t2`, by both
//! portClassifier and protoStats, so [`PortMap::load`] reads it in one pass over the bytes
//! (`tabfile`: lines and fields found eight bytes at a time) and allocates nothing per line:
//! names and descriptions stay ranges of the file's text.

/// Transport table of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

impl Transport {
    /// The table of an IP protocol: TCP for TCP (6) and SCTP (132), UDP for UDP (17) and
    /// UDP-Lite (136), none otherwise.
    pub fn of_proto(l4_proto: u8) -> Option<Transport> {
        match l4_proto {
            6 | 132 => Some(Transport::Tcp),
            17 | 136 => Some(Transport::Udp),
            _ => None,
        }
    }
}

// The line and field rules, shared with macRecorder's table (and protoStats' other tables).
// A path relative to this file: protoStats includes it from another folder.
#[path = "tabfile.rs"]
pub(crate) mod tabfile;

use tabfile::{Line, parse_uint, text_of, trim};

/// No entry for the port. Zero, so that the empty index is one zeroed allocation the system
/// provides without writing it.
const NONE: u32 = 0;

/// A loaded port table.
#[derive(Debug)]
pub struct PortMap {
    /// Entry index + 1 per port ([`NONE`]: none): TCP, UDP.
    index: [Box<[u32]>; 2],
    /// (name, description) as byte ranges `(offset, length)` of `text`.
    entries: Vec<[(u32, u32); 2]>,
    text: String,
}

impl Default for PortMap {
    fn default() -> Self {
        PortMap {
            index: [
                vec![NONE; 65536].into_boxed_slice(),
                vec![NONE; 65536].into_boxed_slice(),
            ],
            entries: Vec::new(),
            text: String::new(),
        }
    }
}

/// Port and protocol of a line in their usual form, `PORT<TAB>tcp<TAB>` (any case; 1 to 5
/// digits): (port, table index, positions of the two tabs). `None` for any other form, even
/// a valid one: [`port_proto`] decides those.
#[inline]
fn usual_port_proto(b: &[u8], start: usize) -> Option<(u16, usize, [usize; 2])> {
    let mut port = 0u32;
    let mut i = start;
    while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        port = port * 10 + d as u32;
        i += 1;
        if i - start > 5 {
            return None;
        }
    }
    if i == start || port > u16::MAX as u32 || b.get(i) != Some(&b'\t') {
        return None;
    }
    // `tcp<TAB>` or `udp<TAB>` with the letters in any case: setting bit 5 of the three letter
    // bytes (not of the tab) makes `t` of `T` and `t` only, and so on.
    let proto = u32::from_le_bytes(b.get(i + 1..i + 5)?.try_into().expect("4 bytes")) | 0x0020_2020;
    let t = if proto == u32::from_le_bytes(*b"tcp\t") {
        0
    } else if proto == u32::from_le_bytes(*b"udp\t") {
        1
    } else {
        return None;
    };
    Some((port as u16, t, [i, i + 4]))
}

/// Port and protocol (table index) of a line with at least three fields; `None` when the
/// line is malformed.
fn port_proto<const N: usize>(text: &str, line: &Line<N>) -> Option<(u16, usize)> {
    let b = text.as_bytes();
    let ((port, proto), Some(_)) = (line.field(0).zip(line.field(1))?, line.field(2)) else {
        return None;
    };
    let (a, e) = trim(text, port.0, port.1);
    let port = parse_uint(&b[a..e], u16::MAX as u32)? as u16;
    let (a, e) = trim(text, proto.0, proto.1);
    match &b[a..e] {
        p if p.eq_ignore_ascii_case(b"tcp") => Some((port, 0)),
        p if p.eq_ignore_ascii_case(b"udp") => Some((port, 1)),
        _ => None,
    }
}

impl PortMap {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str) -> (PortMap, usize) {
        PortMap::parse_owned(text.to_string())
    }

    fn parse_owned(text: String) -> (PortMap, usize) {
        let mut m = PortMap::default();
        let mut bad = 0;
        let b = text.as_bytes();
        let range = |(a, e): (usize, usize)| (a as u32, (e - a) as u32);
        let mut pos = 0;
        while pos < b.len() {
            let (port, t, line) = match usual_port_proto(b, pos) {
                Some((port, t, tabs)) => (port, t, Line::<4>::after(b, pos, tabs)),
                None => {
                    let (line, next) = Line::<4>::at(&text, pos);
                    pos = next;
                    let Some(line) = line else { continue };
                    match port_proto(&text, &line) {
                        Some((port, t)) => (port, t, line),
                        None => {
                            bad += 1;
                            continue;
                        }
                    }
                }
            };
            pos = line.end + 1;
            // Names and descriptions are kept as 32-bit positions: a line past 4 GiB into the
            // file is skipped.
            if line.end > u32::MAX as usize {
                bad += 1;
                continue;
            }
            let slot = &mut m.index[t][port as usize];
            if *slot != NONE {
                continue;
            }
            *slot = m.entries.len() as u32 + 1;
            let name = line.field(2).expect("a tab ends the protocol");
            let name = trim(&text, name.0, name.1);
            let desc = line.field(3).map_or((0, 0), |(a, e)| trim(&text, a, e));
            m.entries.push([range(name), range(desc)]);
        }
        m.text = text;
        (m, bad)
    }

    /// Loads the table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path) -> Option<(PortMap, usize)> {
        let bytes = std::fs::read(path).ok()?;
        Some(PortMap::parse_owned(text_of(bytes)))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `(name, description)` of the port.
    fn entry(&self, t: Transport, port: u16) -> Option<(&str, &str)> {
        let i = self.index[t as usize][port as usize];
        (i != NONE).then(|| {
            let [(n, nl), (d, dl)] = self.entries[i as usize - 1];
            let text = |o: u32, l: u32| &self.text[o as usize..(o + l) as usize];
            (text(n, nl), text(d, dl))
        })
    }

    /// The service name of the port (`None`: not listed, or listed without name).
    pub fn name(&self, t: Transport, port: u16) -> Option<&str> {
        self.entry(t, port).map(|e| e.0).filter(|n| !n.is_empty())
    }

    /// The description of the port (`None`: not listed).
    pub fn description(&self, t: Transport, port: u16) -> Option<&str> {
        self.entry(t, port).map(|e| e.1)
    }
}

// A path relative to this file: protoStats includes it from another folder.
#[cfg(test)]
#[path = "portmap_tests.rs"]
mod tests;
