//! `portmap.txt` from a services(5) file: Wireshark's copy of the IANA Service Name and
//! Transport Protocol Port Number Registry (`/usr/share/wireshark/services`, package
//! `libwireshark-data`).
//!
//! Lines read `NAME  PORT[-PORT]/PROTO[/PROTO...] [ALIASES...]  [# DESCRIPTION]`; Wireshark
//! merges the transports of one name (`http 80/tcp/udp/sctp`) and writes ranges
//! (`x11 6000-6063/tcp/udp`); netbase's `/etc/services` (one transport per line) reads the
//! same way. Only `tcp` and `udp` are kept (portClassifier names SCTP ports from the TCP table
//! and UDP-Lite ports from the UDP table). Of two names of one port, the first listed counts.
//! A port without a description is described by its name, as in the original
//! (`1000 tcp cadlock2 cadlock2`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `(port, "tcp"|"udp") -> (name, description)`, ordered by port then transport.
pub type Services = BTreeMap<(u16, &'static str), (String, String)>;

/// Parses a services(5) text.
pub fn parse(text: &str) -> Services {
    let mut out = Services::new();
    for line in text.lines() {
        let (body, comment) = match line.split_once('#') {
            Some((b, c)) => (b, c.trim()),
            None => (line, ""),
        };
        let mut f = body.split_whitespace();
        let (Some(name), Some(spec)) = (f.next(), f.next()) else {
            continue;
        };
        let mut parts = spec.split('/');
        let ports = parts.next().unwrap_or("");
        let (lo, hi) = match ports.split_once('-') {
            Some((a, b)) => (a.parse::<u16>(), b.parse::<u16>()),
            None => (ports.parse::<u16>(), ports.parse::<u16>()),
        };
        let (Ok(lo), Ok(hi)) = (lo, hi) else { continue };
        for proto in parts {
            let proto: &'static str = match proto.to_ascii_lowercase().as_str() {
                "tcp" => "tcp",
                "udp" => "udp",
                _ => continue,
            };
            for port in lo..=hi {
                out.entry((port, proto))
                    .or_insert_with(|| (name.to_string(), comment.to_string()));
            }
        }
    }
    out
}

/// The table text (without the header): `PORT<TAB>PROTO<TAB>NAME<TAB>DESCRIPTION`.
pub fn portmap_text(services: &Services) -> String {
    let mut s = String::new();
    for ((port, proto), (name, desc)) in services {
        let desc = if desc.is_empty() { name } else { desc };
        let desc: String = desc.chars().filter(|c| *c != '\t').collect();
        let _ = writeln!(s, "{port}\t{proto}\t{name}\t{desc}");
    }
    s
}
