//! Packet mode (`-s`, spec §1.13): `PREFIX_packets.txt`, one line per packet that reached a
//! flow.
//!
//! Contract: the header is `%pktNo` (SPKTMD_PKTNO), `flowInd`, every plugin's packet columns in
//! plugin order, then the payload columns, separated by TABs. Each line is the packet number,
//! the flow's `flowInd`, the fields the plugins appended during this packet's callbacks (each
//! already followed by a TAB), and the payload: as hex bytes `0xab 0xcd` (SPKTMD_PCNTH) and/or
//! as text (SPKTMD_PCNTC: printable ASCII as is, `\b \f \n \r \t \v \\` escaped, every other
//! byte as `.`), from the layer SPKTMD_PCNTL names (`content`, `l2Content`, `l3Content`,
//! `l4Content`, `l7Content`; `hexContent`, `l2HexContent`, ...). Packets without a flow have no
//! line. The writer owns one reusable line buffer: nothing is allocated per packet.

use std::fs::File;
use std::io::{BufWriter, Write};

/// What the payload columns hold (T2's SPKTMD_* switches).
#[derive(Clone, Copy, Debug)]
pub struct PayloadColumns {
    pub pkt_no: bool,
    pub text: bool,
    pub hex: bool,
    /// 0 the frame, 1 from L2, 2 from L3, 3 from L4, 4 the L7 payload.
    pub layer: u8,
}

impl Default for PayloadColumns {
    fn default() -> Self {
        PayloadColumns { pkt_no: true, text: true, hex: false, layer: 4 }
    }
}

/// Writes `PREFIX_packets.txt`.
pub struct PacketWriter {
    out: BufWriter<File>,
    line: Vec<u8>,
    path: String,
    failed: bool,
    cols: PayloadColumns,
}

impl std::fmt::Debug for PacketWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketWriter").field("path", &self.path).finish()
    }
}

impl PacketWriter {
    /// Creates the file and writes the header line.
    pub fn create(prefix: &str, plugin_columns: &[String], cols: PayloadColumns) -> std::io::Result<PacketWriter> {
        let path = format!("{prefix}_packets.txt");
        let f = File::create(&path)?;
        let mut w = PacketWriter { out: BufWriter::with_capacity(256 * 1024, f), line: Vec::with_capacity(4096), path, failed: false, cols };
        let mut names: Vec<String> = Vec::new();
        if cols.pkt_no {
            names.push("pktNo".into());
        }
        names.push("flowInd".into());
        names.extend(plugin_columns.iter().cloned());
        let layer = ["", "l2", "l3", "l4", "l7"][cols.layer.min(4) as usize];
        if cols.hex {
            names.push(if layer.is_empty() { "hexContent".into() } else { format!("{layer}HexContent") });
        }
        if cols.text {
            names.push(if layer.is_empty() { "content".into() } else { format!("{layer}Content") });
        }
        let h = format!("%{}\n", names.join("\t"));
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
        if self.cols.pkt_no {
            l.extend_from_slice(itoa(&mut b, pkt_no));
            l.push(b'\t');
        }
        l.extend_from_slice(itoa(&mut b, findex));
        l.push(b'\t');
        l.extend_from_slice(fields.as_bytes());
        if self.cols.hex {
            push_hex(l, payload);
            if self.cols.text {
                l.push(b'\t');
            }
        }
        if self.cols.text {
            push_content(l, payload);
        }
        if !self.cols.hex && !self.cols.text && l.last() == Some(&b'\t') {
            l.pop();
        }
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

/// Appends `payload` as T2's hex content column: `0xab 0xcd ...`.
pub fn push_hex(l: &mut Vec<u8>, payload: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, &c) in payload.iter().enumerate() {
        if i > 0 {
            l.push(b' ');
        }
        l.extend_from_slice(&[b'0', b'x', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]);
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
    fn hex_content() {
        let mut l = Vec::new();
        push_hex(&mut l, &[0x00, 0xab, 0x7f]);
        assert_eq!(l, b"0x00 0xab 0x7f");
    }

    #[test]
    fn numbers() {
        let mut b = itoa_buf();
        assert_eq!(itoa(&mut b, 0), b"0");
        assert_eq!(itoa(&mut b, u64::MAX), b"18446744073709551615");
    }
}
