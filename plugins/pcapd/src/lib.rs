//! pcapd (T2 plugin 960): flow extraction. With `t2 -e FILE`, every packet of a flow whose
//! `flowInd` is listed in FILE is written, as captured, to `PREFIX_pcapd.pcap` (a nanosecond
//! pcap with the link type of the first extracted packet). Both directions of a listed flow
//! are extracted (they share their flowInd). Without `-e` the plugin does nothing.
//!
//! FILE: one flowInd per line (its first field), or a flow file / `tawk` selection with the
//! `%` header line, whose `flowInd` column is then used; empty lines and `#` lines are skipped.
//! The file is written packet by packet through one buffered writer: nothing is allocated per
//! packet.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};

use t2_plugin::{FlowIndex, Host, Init, Packet, Plugin, Result};

t2_plugin::config_module!();
use config::*;

/// Nanosecond pcap magic, version 2.4.
const MAGIC_NS: u32 = 0xa1b2_3c4d;

pub struct Pcapd {
    wanted: HashSet<u64>,
    out: Option<BufWriter<File>>,
    path: String,
    packets: u64,
    flows: HashSet<u64>,
    failed: bool,
}

/// The flow indices of a `-e` list (see the module docs).
pub fn parse_list(text: &str) -> std::result::Result<HashSet<u64>, String> {
    let mut col = 0usize;
    let mut set = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(h) = line.strip_prefix('%') {
            if let Some(i) = h.split('\t').position(|c| c.trim() == "flowInd") {
                col = i;
            }
            continue;
        }
        let field = if line.contains('\t') { line.split('\t').nth(col) } else { line.split_whitespace().next() };
        match field.map(str::trim).and_then(|f| f.parse::<u64>().ok()) {
            Some(v) => {
                set.insert(v);
            }
            None => return Err(format!("line {}: no flow index in '{line}'", n + 1)),
        }
    }
    Ok(set)
}

impl Pcapd {
    fn write(&mut self, pkt: &Packet<'_>, f: FlowIndex, host: &Host) {
        let Some(flow) = host.flow(f) else { return };
        if !self.wanted.contains(&flow.findex) || self.failed {
            return;
        }
        let data = pkt.data();
        if self.out.is_none() {
            let r = File::create(&self.path).and_then(|file| {
                let mut w = BufWriter::with_capacity(256 * 1024, file);
                let mut h = Vec::with_capacity(24);
                h.extend_from_slice(&MAGIC_NS.to_ne_bytes());
                h.extend_from_slice(&2u16.to_ne_bytes());
                h.extend_from_slice(&4u16.to_ne_bytes());
                h.extend_from_slice(&0i32.to_ne_bytes());
                h.extend_from_slice(&0u32.to_ne_bytes());
                h.extend_from_slice(&262_144u32.to_ne_bytes());
                h.extend_from_slice(&pkt.linktype.to_ne_bytes());
                w.write_all(&h)?;
                Ok(w)
            });
            match r {
                Ok(w) => self.out = Some(w),
                Err(e) => {
                    host.warn(&format!("pcapd: cannot write '{}': {e}", self.path));
                    self.failed = true;
                    return;
                }
            }
        }
        let w = self.out.as_mut().expect("opened above");
        let mut rec = [0u8; 16];
        rec[0..4].copy_from_slice(&(pkt.ts.sec as u32).to_ne_bytes());
        rec[4..8].copy_from_slice(&pkt.ts.nsec.to_ne_bytes());
        rec[8..12].copy_from_slice(&(data.len() as u32).to_ne_bytes());
        rec[12..16].copy_from_slice(&pkt.wirelen.to_ne_bytes());
        if w.write_all(&rec).and_then(|_| w.write_all(data)).is_err() {
            host.warn(&format!("pcapd: write error on '{}'", self.path));
            self.failed = true;
            return;
        }
        self.packets += 1;
        self.flows.insert(flow.findex);
    }
}

impl Plugin for Pcapd {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        let list = i.core_setting("PCAPD_FINDEX_FILE").unwrap_or("").to_string();
        let prefix = i.output_prefix().to_string();
        let mut wanted = HashSet::new();
        if !list.is_empty() {
            let text = std::fs::read_to_string(&list).map_err(|e| format!("pcapd: cannot read the -e list '{list}': {e}"))?;
            wanted = parse_list(&text).map_err(|e| format!("pcapd: -e list '{list}': {e}"))?;
        }
        Ok(Pcapd {
            wanted,
            out: None,
            path: format!("{prefix}{PD_SUFFIX}"),
            packets: 0,
            flows: HashSet::new(),
            failed: false,
        })
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if let Some(f) = f {
            if !self.wanted.is_empty() {
                self.write(pkt, f, host);
            }
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        if !self.wanted.is_empty() {
            self.write(pkt, f, host);
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, out: &mut t2_plugin::Writer<'_>) -> Result<()> {
        if !self.wanted.is_empty() {
            out.line(&format!(
                "\x1b[1mpcapd:\x1b[0m {} packets of {} flows written to {}",
                self.packets,
                self.flows.len(),
                self.path
            ));
        }
        Ok(())
    }

    fn finalize(mut self, _host: &Host) -> Result<()> {
        if let Some(w) = self.out.as_mut() {
            w.flush().map_err(|e| format!("pcapd: {e}"))?;
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(Pcapd, config, [on_layer2, on_layer4, report, finalize]);

#[cfg(test)]
mod tests {
    use super::parse_list;

    #[test]
    fn plain_lists_and_flow_files() {
        let s = parse_list("3\n# comment\n\n17 extra\n").unwrap();
        assert!(s.contains(&3) && s.contains(&17) && s.len() == 2);
        let f = parse_list("%dir\tflowInd\tflowStat\nA\t5\t0x0\nB\t5\t0x1\nA\t9\t0x0\n").unwrap();
        assert_eq!(f.len(), 2);
        assert!(f.contains(&5) && f.contains(&9));
        assert!(parse_list("x\n").unwrap_err().contains("line 1"));
    }
}
