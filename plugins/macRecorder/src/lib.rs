//! macRecorder (T2 plugin 110): the distinct source/destination MAC address pairs of each flow,
//! with their packet counts and manufacturer labels (spec §4.8).
//!
//! Flow columns: `macStat` (H8), `macPairs` (U32, `MR_NPAIRS`), `srcMac_dstMac_numP`
//! (MAC_MAC_U64:R; H64/U64 addresses with `MR_MAC_FMT` 0/2), `srcMacLbl_dstMacLbl` (SC_SC:R;
//! `MR_MACLBL`). Packet columns (`-s`): `srcMacLbl`, `dstMacLbl` of the packet's addresses.
//!
//! Behaviour read off the original's output (`../shared/conformance`):
//! - The addresses are those basicFlow records: the outermost Ethernet-like header of the
//!   packet (also the link header of Linux cooked captures), read as 12 bytes from its start,
//!   bytes past the capture reading as zero. Packets without one (raw IP, BSD loopback, ...)
//!   record nothing: `macPairs` 0, empty lists, empty packet columns.
//! - Pairs are kept in first-seen order with a packet count. When a packet arrives and the list
//!   already holds `MR_MAX_MAC` pairs, `macStat` 0x01 is set and the packet is not counted at
//!   all, not even for a pair already listed (`ndpi/fuzz-2020-02-16-11740.pcap` flow 22 A: the
//!   first pair counts 27 of the flow's 57 packets).
//! - Labels: see [`oui`]; an address without label prints `MR_NO_MANUF`.
//! - Report: `Aggregated macStat=0x..` when not 0; `MAC pairs per flow: min: a, max: b,
//!   average: c` when some flow had more than one pair, where the "average" is a moving
//!   average over the flows in termination order: the first flow's count, then
//!   `avg = 0.7 * avg + 0.3 * pairs` (checked on all 24 reference captures printing the line).

#![allow(non_snake_case)]

pub mod oui;

use t2_plugin::abi::T2_OFF_NONE;
use t2_plugin::abi::flow_stat::{L2_NO_ETH, LAPD_FLOW};
use t2_plugin::column::bit;
use t2_plugin::{Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar};

t2_plugin::config_module!();
use config::*;

const MAX: usize = MR_MAX_MAC as usize;

/// `macStat`: the pair list was full.
pub const MR_OVERFLOW: u8 = 0x01;

const STAT_BITS: &[t2_plugin::abi::T2BitDesc] = &[bit(
    0x01,
    "MR_OVERFLOW",
    "MAC pair list full: packets not counted",
)];

#[derive(Clone, Copy, Default)]
struct Pair {
    src: [u8; 6],
    dst: [u8; 6],
    n: u64,
}

#[derive(Clone)]
struct FlowState {
    stat: u8,
    npairs: u16,
    pairs: [Pair; MAX],
}

impl Default for FlowState {
    fn default() -> Self {
        FlowState {
            stat: 0,
            npairs: 0,
            pairs: [Pair::default(); MAX],
        }
    }
}

/// The packet's (source, destination) MAC addresses, as basicFlow reads them.
pub fn packet_macs(pkt: &Packet<'_>) -> Option<([u8; 6], [u8; 6])> {
    if pkt.status & (L2_NO_ETH | LAPD_FLOW) != 0 || pkt.mac_off == T2_OFF_NONE {
        return None;
    }
    let d = pkt.data();
    let m = pkt.mac_off as usize;
    let mut h = [0u8; 12];
    if m < d.len() {
        let n = (d.len() - m).min(12);
        h[..n].copy_from_slice(&d[m..m + n]);
    }
    let dst = h[0..6].try_into().expect("6 bytes");
    let src = h[6..12].try_into().expect("6 bytes");
    Some((src, dst))
}

/// Escapes a string as the text sink prints an `S` value (for the packet columns with
/// `MR_MACLBL=3`).
fn quoted(s: &str) -> String {
    let mut v = Vec::new();
    t2_plugin::fmt::push_escaped(&mut v, s.as_bytes(), t2_plugin::fmt::StrStyle::Quoted);
    String::from_utf8_lossy(&v).into_owned()
}

pub struct MacRecorder {
    packet_mode: bool,
    flows: PerFlow<FlowState>,
    table: oui::Table,
    aggregate: u8,
    /// Flows terminated, min/max pairs, moving average.
    nflows: u64,
    min: u32,
    max: u32,
    avg: f64,
}

impl MacRecorder {
    /// The label text of an address for `MR_MACLBL` 2 and 3.
    fn label(&self, mac: [u8; 6]) -> &str {
        match self.table.label(mac) {
            Some((s, l)) => {
                if MR_MACLBL == 3 {
                    l
                } else {
                    s
                }
            }
            None => MR_NO_MANUF,
        }
    }

    /// Appends one address in the `MR_MAC_FMT` encoding.
    fn out_mac(out: &mut Output<'_>, m: [u8; 6]) {
        match MR_MAC_FMT {
            1 => out.mac(m),
            _ => out.u64(oui::mac_u64(m)),
        }
    }

    fn out_label(&self, out: &mut Output<'_>, m: [u8; 6]) {
        match MR_MACLBL {
            1 => out.u32((oui::mac_u64(m) >> 24) as u32),
            _ => out.str(self.label(m)),
        }
    }

    fn packet_label(&self, m: [u8; 6]) -> String {
        match MR_MACLBL {
            1 => format!("0x{:08x}", (oui::mac_u64(m) >> 24) as u32),
            3 => quoted(self.label(m)),
            _ => self.label(m).to_string(),
        }
    }

    fn on_packet(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) {
        let macs = packet_macs(pkt);
        if let (Some((src, dst)), Some(st)) = (macs, self.flows.get_mut(f)) {
            let n = st.npairs as usize;
            if n >= MAX {
                st.stat |= MR_OVERFLOW;
            } else if let Some(p) = st.pairs[..n]
                .iter_mut()
                .find(|p| p.src == src && p.dst == dst)
            {
                p.n += 1;
            } else {
                st.pairs[n] = Pair { src, dst, n: 1 };
                st.npairs += 1;
            }
        }
        if self.packet_mode && MR_MACLBL != 0 {
            match macs {
                Some((src, dst)) => {
                    host.packet_field(&self.packet_label(src));
                    host.packet_field(&self.packet_label(dst));
                }
                None => {
                    host.packet_field("");
                    host.packet_field("");
                }
            }
        }
    }
}

impl Plugin for MacRecorder {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        i.declare_column(Column::new("macStat", "macRecorder status", Scalar::H8).bits(STAT_BITS))?;
        if MR_NPAIRS != 0 {
            i.declare_column(Column::new(
                "macPairs",
                "Number of distinct source/destination MAC addresses pairs",
                Scalar::U32,
            ))?;
        }
        let m = match MR_MAC_FMT {
            0 => Scalar::H64,
            1 => Scalar::Mac,
            _ => Scalar::U64,
        };
        i.declare_column(
            Column::compound(
                "srcMac_dstMac_numP",
                "Source/destination MAC address, number of packets of MAC address combination",
                &[m, m, Scalar::U64],
            )
            .repeating(),
        )?;
        if MR_MACLBL != 0 {
            let l = match MR_MACLBL {
                1 => Scalar::H32,
                2 => Scalar::SC,
                _ => Scalar::S,
            };
            i.declare_column(
                Column::compound(
                    "srcMacLbl_dstMacLbl",
                    "Source/destination MAC label",
                    &[l, l],
                )
                .repeating(),
            )?;
        }
        let packet_mode = i.packet_mode();
        if packet_mode && MR_MACLBL != 0 {
            i.declare_packet_column("srcMacLbl")?;
            i.declare_packet_column("dstMacLbl")?;
        }
        let mut table = oui::Table::default();
        if MR_MACLBL >= 2 {
            let path = std::path::Path::new(i.plugin_dir()).join(MR_LBL_FILE);
            match oui::Table::load(&path) {
                Some((t, bad)) => {
                    let n = t.len() as u64;
                    let what = if MR_MACLBL == 2 {
                        "short org name"
                    } else {
                        "org name"
                    };
                    i.info(&format!("{n}{} {what} records loaded", hr(n)));
                    if bad > 0 {
                        i.warn(&format!(
                            "{}: {bad} malformed line(s) skipped",
                            path.display()
                        ));
                    }
                    table = t;
                }
                None => i.info(&format!(
                    "0 records loaded: no label table {} (labels are '{MR_NO_MANUF}')",
                    path.display()
                )),
            }
        }
        Ok(MacRecorder {
            packet_mode,
            flows: PerFlow::for_host(i),
            table,
            aggregate: 0,
            nflows: 0,
            min: 0,
            max: 0,
            avg: 0.0,
        })
    }

    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flows.reset(f);
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if let Some(f) = f {
            self.on_packet(host, pkt, f);
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.on_packet(host, pkt, f);
        Ok(())
    }

    fn on_flow_terminate(
        &mut self,
        _host: &Host,
        f: FlowIndex,
        out: &mut Output<'_>,
    ) -> Result<()> {
        let st = self.flows.get(f).cloned().unwrap_or_default();
        let n = st.npairs as usize;
        self.aggregate |= st.stat;
        let v = n as u32;
        if self.nflows == 0 {
            (self.min, self.max, self.avg) = (v, v, v as f64);
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            self.avg = 0.7 * self.avg + 0.3 * v as f64;
        }
        self.nflows += 1;

        out.u8(st.stat);
        if MR_NPAIRS != 0 {
            out.u32(v);
        }
        out.repeat(v);
        for p in &st.pairs[..n] {
            Self::out_mac(out, p.src);
            Self::out_mac(out, p.dst);
            out.u64(p.n);
        }
        if MR_MACLBL != 0 {
            out.repeat(v);
            for p in &st.pairs[..n] {
                self.out_label(out, p.src);
                self.out_label(out, p.dst);
            }
        }
        Ok(())
    }

    fn report(&mut self, _host: &Host, w: &mut t2_plugin::Writer<'_>) -> Result<()> {
        let name = format!("\x1b[1m{PLUGIN_NAME}:\x1b[0m");
        if self.aggregate != 0 {
            w.line(&format!(
                "{name} Aggregated macStat=0x{:02x}",
                self.aggregate
            ));
        }
        if self.max > 1 {
            w.line(&format!(
                "{name} MAC pairs per flow: min: {}, max: {}, average: {:.2}",
                self.min, self.max, self.avg
            ));
        }
        Ok(())
    }
}

/// ` (x.xx K)` for values from 1024 on, as T2 prints counts.
fn hr(v: u64) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = (((63 - v.leading_zeros()) / 10) as usize).min(UNITS.len() - 1);
    format!(
        " ({:.2} {})",
        v as f64 / 1000f64.powi(idx as i32),
        UNITS[idx]
    )
}

t2_plugin::export_plugin!(
    MacRecorder,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate, report]
);
