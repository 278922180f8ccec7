//! Packet mode (`-s`, spec §1.13): `PREFIX_packets.txt`, one line per packet that reached a
//! flow.
//!
//! Contract: the header is `%pktNo`, `flowInd`, every plugin's packet columns in plugin order,
//! then `l7Content`, separated by TABs. Each line is the packet number, the flow's `flowInd`,
//! the fields the plugins appended during this packet's callbacks (each already followed by a
//! TAB, so a plugin that writes nothing leaves its columns out rather than shifting them), and
//! the packet's captured L7 bytes as text: printable ASCII as is, `\b \f \n \r \t \v \\`
//! escaped, every other byte as `.`. Packets without a flow have no line. The writer owns one
//! reusable line buffer: nothing is allocated per packet.

use std::fs::File;
use std::io::{BufWriter, Write};

/// Writes `PREFIX_packets.txt`.
pub struct PacketWriter {
    out: BufWriter<File>,
    line: Vec<u8>,
    path: String,
    failed: bool,
}

impl std::fmt::Debug for PacketWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketWriter").field("path", &self.path).finish()
    }
}

impl PacketWriter {
    /// Creates the file and writes the header line.
    pub fn create(prefix: &str, plugin_columns: &[String]) -> std::io::Result<PacketWriter> {
        let path = format!("{prefix}_packets.txt");
        let f = File::create(&path)?;
        let mut w = PacketWriter { out: BufWriter::with_capacity(256 * 1024, f), line: Vec::with_capacity(4096), path, failed: false };
        let mut h = String::from("%pktNo\tflowInd");
        for c in plugin_columns {
            h.push('\t');
            h.push_str(c);
        }
        h.push_str("\tl7Content\n");
        w.out.write_all(h.as_bytes())?;
        Ok(w)
    }

    /// The file's path (for error messages).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Writes one packet line. `fields` is what the plugins appended (each field followed by a
    /// TAB); `payload` the captured L7 bytes.
    pub fn line(&mut self, pkt_no: u64, findex: u64, fields: &str, payload: &[u8]) {
        if self.failed {
            return;
        }
        let l = &mut self.line;
        l.clear();
        let mut b = itoa_buf();
        l.extend_from_slice(itoa(&mut b, pkt_no));
        l.push(b'\t');
        l.extend_from_slice(itoa(&mut b, findex));
        l.push(b'\t');
        l.extend_from_slice(fields.as_bytes());
        push_content(l, payload);
        l.push(b'\n');
        if self.out.write_all(l).is_err() {
            self.failed = true;
        }
    }

    /// Flushes the file; returns the first write error, if any.
    pub fn finish(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Err(std::io::Error::other("write failed"));
        }
        self.out.flush()
    }
}

/// Appends `payload` as T2's text content column.
pub fn push_content(l: &mut Vec<u8>, payload: &[u8]) {
    for &c in payload {
        match c {
            0x08 => l.extend_from_slice(b"\\b"),
            0x0c => l.extend_from_slice(b"\\f"),
            b'\n' => l.extend_from_slice(b"\\n"),
            b'\r' => l.extend_from_slice(b"\\r"),
            b'\t' => l.extend_from_slice(b"\\t"),
            0x0b => l.extend_from_slice(b"\\v"),
            b'\\' => l.extend_from_slice(b"\\\\"),
            0x20..=0x7e => l.push(c),
            _ => l.push(b'.'),
        }
    }
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

fn itoa(buf: &mut [u8; 20], mut v: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_escapes_as_the_reference() {
        let mut l = Vec::new();
        // Printable ASCII as is, the seven C escapes, everything else as '.' (the start of
        // the ICMPv6 echo payload of the reference's first packet line: `]N.V....`).
        push_content(&mut l, b"]N\x00V\x00\x01 !\"#\\\t\r\n\x0b\x0c\x08\x7f\xff");
        assert_eq!(String::from_utf8(l).unwrap(), "]N.V.. !\"#\\\\\\t\\r\\n\\v\\f\\b..");
    }

    #[test]
    fn numbers() {
        let mut b = itoa_buf();
        assert_eq!(itoa(&mut b, 0), b"0");
        assert_eq!(itoa(&mut b, u64::MAX), b"18446744073709551615");
    }
}
