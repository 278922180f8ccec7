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
//! Of two entries for the same port and protocol the first one counts. A line that does not
//! parse is skipped and counted (see [`PortMap::parse`]).

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

const NONE: u32 = u32::MAX;

/// A loaded port table.
#[derive(Debug)]
pub struct PortMap {
    /// Entry index per port: TCP, UDP.
    index: [Box<[u32]>; 2],
    entries: Vec<(Box<str>, Box<str>)>,
}

impl Default for PortMap {
    fn default() -> Self {
        PortMap {
            index: [
                vec![NONE; 65536].into_boxed_slice(),
                vec![NONE; 65536].into_boxed_slice(),
            ],
            entries: Vec::new(),
        }
    }
}

impl PortMap {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str) -> (PortMap, usize) {
        let mut m = PortMap::default();
        let mut bad = 0;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(port), Some(proto), Some(name)) = (f.next(), f.next(), f.next()) else {
                bad += 1;
                continue;
            };
            let Ok(port) = port.trim().parse::<u16>() else {
                bad += 1;
                continue;
            };
            let t = match proto.trim().to_ascii_lowercase().as_str() {
                "tcp" => 0,
                "udp" => 1,
                _ => {
                    bad += 1;
                    continue;
                }
            };
            let desc = f.next().unwrap_or("").trim();
            let slot = &mut m.index[t][port as usize];
            if *slot == NONE {
                *slot = m.entries.len() as u32;
                m.entries.push((name.trim().into(), desc.into()));
            }
        }
        (m, bad)
    }

    /// Loads the table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path) -> Option<(PortMap, usize)> {
        let bytes = std::fs::read(path).ok()?;
        Some(PortMap::parse(&String::from_utf8_lossy(&bytes)))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry(&self, t: Transport, port: u16) -> Option<&(Box<str>, Box<str>)> {
        let i = self.index[t as usize][port as usize];
        (i != NONE).then(|| &self.entries[i as usize])
    }

    /// The service name of the port (`None`: not listed, or listed without name).
    pub fn name(&self, t: Transport, port: u16) -> Option<&str> {
        self.entry(t, port).map(|e| &*e.0).filter(|n| !n.is_empty())
    }

    /// The description of the port (`None`: not listed).
    pub fn description(&self, t: Transport, port: u16) -> Option<&str> {
        self.entry(t, port).map(|e| &*e.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_look_up() {
        let text = "# ports\n\
            80\ttcp\thttp\tWorld Wide Web HTTP\n\
            53\tUDP\tdomain\tDomain Name Server (DNS)\n\
            53\ttcp\tdomain\n\
            80\ttcp\tother\tignored (second entry)\n\
            9099\ttcp\t\n\
            70000\ttcp\tbad\n\
            81\tsctp\tbad\n\
            82\n";
        let (m, bad) = PortMap::parse(text);
        assert_eq!(bad, 3);
        assert_eq!(m.len(), 4);
        assert_eq!(m.name(Transport::Tcp, 80), Some("http"));
        assert_eq!(
            m.description(Transport::Tcp, 80),
            Some("World Wide Web HTTP")
        );
        assert_eq!(m.name(Transport::Udp, 80), None);
        assert_eq!(m.name(Transport::Udp, 53), Some("domain"));
        assert_eq!(m.description(Transport::Tcp, 53), Some(""));
        assert_eq!(m.name(Transport::Tcp, 9099), None);
        assert_eq!(m.description(Transport::Tcp, 9099), Some(""));
        assert_eq!(Transport::of_proto(132), Some(Transport::Tcp));
        assert_eq!(Transport::of_proto(136), Some(Transport::Udp));
        assert_eq!(Transport::of_proto(1), None);
    }
}
