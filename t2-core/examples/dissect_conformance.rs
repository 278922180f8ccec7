//! Dev harness for the dissector: runs `t2_core::dissect` over every capture of
//! `../shared/pcaps` and compares, per packet, with the original T2's packet-mode output
//! (`../shared/conformance/<path>.packets.txt`), and compares the protocol section and the
//! status-summary lines of the end report with `../shared/conformance-basicflow/<path>.log.txt`.
//!
//! Usage: `cargo run -p t2-core --example dissect_conformance [--release] -- [FILTER]`
//! Env: `SHARED` (default /work/shared), `DETAIL=<column>` prints up to `N` (default 20)
//! mismatches of that column, `REPORT=1` prints report-line diffs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use t2_abi::flow_stat as fs;
use t2_abi::{T2_OFF_NONE, T2Time};
use t2_core::dissect::{DissectConfig, Dissector, write_status_summary};
use t2_core::log::Logger;
use t2_core::packet::{Dissected, FlowKind, RawPacket};
use t2_wire::fmt::{Ipv4Display, Ipv6Display, MacDisplay};

const COLS: &[(&str, usize)] = &[
    ("numHdrs", 7),
    ("hdrDesc", 8),
    ("vlanID", 9),
    ("srcMac", 10),
    ("dstMac", 11),
    ("ethType", 12),
    ("srcIP", 13),
    ("srcPort", 16),
    ("dstIP", 17),
    ("dstPort", 20),
    ("l4Proto", 21),
    ("snapL3Len", 27),
    ("snapL4Len", 28),
    ("snapL7Len", 29),
    ("l3Len", 30),
    ("l7Len", 32),
    ("padLen", 33),
];

/// Bits the engine (not the dissector) sets.
const ENGINE_BITS: u64 = fs::L3FLOWINVERT
    | fs::L2_FLOW
    | fs::DUPIPID
    | fs::LANDATTACK
    | fs::TIMEJUMP
    | fs::RMFLOW
    | fs::RMFLOW_HFULL
    | fs::IPV4_FRAG_PENDING
    | fs::IPV4_FRAG_HDSEQ_ERR
    | fs::IPV4_FRAG_ERR
    | fs::SUBN_FLW_TST
    | fs::TORADD
    | fs::FL_ALARM
    | fs::FDLSIDX;

#[derive(Clone)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn ip_str(o: &Dissected, src: bool) -> String {
    let a = if src { o.abi.src_ip } else { o.abi.dst_ip };
    if o.abi.ip_ver == 6 {
        Ipv6Display(a).to_string()
    } else {
        Ipv4Display([a[0], a[1], a[2], a[3]]).to_string()
    }
}

fn my_cols(o: &Dissected) -> Vec<String> {
    let a = &o.abi;
    let ip = o.kind == FlowKind::Ip;
    let mut v = vec![String::new(); 34];
    v[7] = a.num_hdrs.to_string();
    v[8] = o.hdr_desc_str().to_string();
    v[9] = a.vlan_ids[..(a.vlan_count as usize).min(4)]
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(";");
    if a.mac_off != T2_OFF_NONE {
        v[10] = MacDisplay(o.src_mac).to_string();
        v[11] = MacDisplay(o.dst_mac).to_string();
    }
    v[12] = format!("0x{:04x}", a.eth_type);
    if ip {
        v[13] = ip_str(o, true);
        v[17] = ip_str(o, false);
        if matches!(a.l4_proto, 6 | 17 | 132 | 136) {
            v[16] = a.src_port.to_string();
            v[20] = a.dst_port.to_string();
        }
        v[21] = a.l4_proto.to_string();
    }
    v[27] = a.snap_l3_len.to_string();
    v[28] = a.snap_l4_len.to_string();
    v[29] = a.snap_l7_len.to_string();
    v[30] = a.l3_len.to_string();
    v[32] = a.l7_len.to_string();
    v[33] = a.pad_len.to_string();
    v
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn main() {
    let shared = std::env::var("SHARED").unwrap_or_else(|_| "/work/shared".into());
    let filter = std::env::args().nth(1).unwrap_or_default();
    let detail = std::env::var("DETAIL").unwrap_or_default();
    let detail_n: usize = std::env::var("N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let show_report = std::env::var("REPORT").is_ok();
    let index = std::fs::read_to_string(format!("{shared}/conformance/INDEX.tsv")).unwrap();
    let mut mism: BTreeMap<&str, u64> = BTreeMap::new();
    let mut files_mism: BTreeMap<&str, u64> = BTreeMap::new();
    let mut shown = 0usize;
    let mut compared = 0u64;
    let mut missing_lines = 0u64;
    let (mut rep_ok, mut rep_bad, mut sum_ok, mut sum_bad, mut wrn_ok, mut wrn_bad) =
        (0, 0, 0, 0, 0, 0);
    let mut stdout = std::io::stdout();
    for line in index.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 5 || f[1] != "ok" || !f[0].contains(filter.as_str()) {
            continue;
        }
        let path = f[0];
        let pcap_path = format!("{shared}/pcaps/{path}");
        let Ok(mut cap) = pcap::Capture::from_file(&pcap_path) else {
            continue;
        };
        let lt = cap.get_datalink().0 as u32;
        // Reference packet lines by pktNo.
        let mut refl: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        if f[4] == "yes" {
            if let Ok(t) =
                std::fs::read_to_string(format!("{shared}/conformance/{path}.packets.txt"))
            {
                for l in t.lines().skip(1) {
                    let c: Vec<String> = l.split('\t').map(|s| s.to_string()).collect();
                    if c.len() > 34 {
                        if let Ok(n) = c[0].parse() {
                            refl.insert(n, c);
                        }
                    }
                }
            }
        }
        let buf = SharedBuf(Arc::new(Mutex::new(Vec::new())));
        let mut log = Logger::new(Box::new(buf.clone()), true);
        let mut dis = Dissector::new(DissectConfig::default());
        let mut out = Dissected::default();
        let mut n = 0u64;
        let mut bytes = 0u64;
        let mut seen_flow: BTreeMap<String, ()> = BTreeMap::new();
        while let Ok(p) = cap.next_packet() {
            n += 1;
            bytes += p.data.len() as u64;
            let raw = RawPacket {
                ts: T2Time::default(),
                wirelen: p.header.len,
                linktype: lt,
                data: p.data,
                raw_ts: (0, 0),
            };
            dis.dissect(&raw, &mut out, &mut log);
            let Some(r) = refl.get(&n) else {
                if !refl.is_empty() && out.kind != FlowKind::None {
                    missing_lines += 1;
                    *mism.entry("kind(extra)").or_default() += 1;
                    if detail == "kind" && shown < detail_n {
                        shown += 1;
                        println!(
                            "{path} #{n}: no ref line, mine kind={:?} {}",
                            out.kind,
                            out.hdr_desc_str()
                        );
                    }
                }
                continue;
            };
            compared += 1;
            if out.kind == FlowKind::None {
                *mism.entry("kind(none)").or_default() += 1;
                if detail == "kind" && shown < detail_n {
                    shown += 1;
                    println!(
                        "{path} #{n}: ref line but mine kind=None {} ref {}",
                        out.hdr_desc_str(),
                        r[8]
                    );
                }
            }
            let mine = my_cols(&out);
            for &(name, i) in COLS {
                if mine[i] != r[i] {
                    *mism.entry(name).or_default() += 1;
                    *files_mism.entry(name).or_default() += 0;
                    if detail == name && shown < detail_n {
                        shown += 1;
                        println!(
                            "{path} #{n}: {name} mine={:?} ref={:?}  [{} | ref {} | caplen {} wire {}]",
                            mine[i],
                            r[i],
                            out.hdr_desc_str(),
                            r[8],
                            p.data.len(),
                            p.header.len
                        );
                    }
                }
            }
            // Status bits.
            let rs = u64::from_str_radix(r[2].trim_start_matches("0x"), 16).unwrap_or(0);
            let ms = out.abi.status & !ENGINE_BITS;
            let first = seen_flow.insert(r[1].clone(), ()).is_none();
            if ms & !rs != 0 {
                *mism.entry("stat(extra)").or_default() += 1;
                if detail == "stat" && shown < detail_n {
                    shown += 1;
                    println!(
                        "{path} #{n}: extra bits {:#018x} (mine {:#018x} ref {:#018x}) {}",
                        ms & !rs,
                        ms,
                        rs,
                        r[8]
                    );
                }
            }
            if first && (rs & !ENGINE_BITS) & !ms != 0 {
                *mism.entry("stat(missing)").or_default() += 1;
                if detail == "stat" && shown < detail_n {
                    shown += 1;
                    println!(
                        "{path} #{n}: missing bits {:#018x} (mine {:#018x} ref {:#018x}) {}",
                        (rs & !ENGINE_BITS) & !ms,
                        ms,
                        rs,
                        r[8]
                    );
                }
            }
        }
        // Log comparisons.
        let reflog =
            std::fs::read_to_string(format!("{shared}/conformance-basicflow/{path}.log.txt"))
                .unwrap_or_default();
        let reflog = strip_ansi(&reflog);
        let rl: Vec<&str> = reflog.lines().collect();
        // Per-packet warnings (snapL2Length ...).
        dis.write_protocol_report(&mut log, n, bytes);
        let agg = rl
            .iter()
            .find_map(|l| l.strip_prefix("Aggregated flowStat=0x"))
            .map(|h| u64::from_str_radix(h, 16).unwrap_or(0));
        let mark = "@@SUMMARY@@";
        log.plain(mark);
        if let Some(a) = agg {
            write_status_summary(a, false, &mut log);
        }
        let mylog = strip_ansi(&String::from_utf8_lossy(&buf.0.lock().unwrap()));
        let ml: Vec<&str> = mylog.lines().collect();
        let mpos = ml.iter().position(|l| *l == mark).unwrap_or(ml.len());
        let my_hc = ml
            .iter()
            .position(|l| l.starts_with("Headers count"))
            .unwrap_or(mpos);
        let my_warn: Vec<&str> = ml[..my_hc].to_vec();
        let my_rep: Vec<&str> = ml[my_hc..mpos].to_vec();
        let my_sum: Vec<&str> = ml[(mpos + 1).min(ml.len())..].to_vec();
        let ref_warn: Vec<&str> = rl
            .iter()
            .filter(|l| l.contains("snapL2Length") || l.contains("No data available"))
            .copied()
            .collect();
        let my_warn2: Vec<&str> = my_warn
            .iter()
            .filter(|l| l.contains("snapL2Length") || l.contains("No data available"))
            .copied()
            .collect();
        if ref_warn == my_warn2 {
            wrn_ok += 1;
        } else {
            wrn_bad += 1;
            if show_report {
                println!("{path}: WARN mine {my_warn2:?} ref {ref_warn:?}");
            }
        }
        if let Some(hc) = rl.iter().position(|l| l.starts_with("Headers count")) {
            let end = rl[hc..]
                .iter()
                .position(|l| l.starts_with("~~~~"))
                .map(|e| hc + e)
                .unwrap_or(rl.len());
            let ref_rep = &rl[hc..end];
            if ref_rep == my_rep.as_slice() {
                rep_ok += 1;
            } else {
                rep_bad += 1;
                if show_report {
                    let mut s = String::new();
                    let _ = writeln!(s, "{path}: REPORT diff");
                    for l in ref_rep {
                        if !my_rep.contains(l) {
                            let _ = writeln!(s, "  - {l}");
                        }
                    }
                    for l in &my_rep {
                        if !ref_rep.contains(l) {
                            let _ = writeln!(s, "  + {l}");
                        }
                    }
                    print!("{s}");
                }
            }
        }
        if let Some(ap) = rl.iter().position(|l| l.starts_with("Aggregated flowStat")) {
            let ref_sum: Vec<&str> = rl[ap + 1..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .copied()
                .collect();
            if ref_sum == my_sum {
                sum_ok += 1;
            } else {
                sum_bad += 1;
                if show_report {
                    println!("{path}: SUMMARY mine {my_sum:?} ref {ref_sum:?}");
                }
            }
        }
        let _ = stdout.flush();
    }
    println!(
        "\npackets compared: {compared}, flow packets without reference line: {missing_lines}"
    );
    println!("{:<16} {:>8}", "column", "mismatch");
    for &(name, _) in COLS {
        println!("{:<16} {:>8}", name, mism.get(name).copied().unwrap_or(0));
    }
    for k in ["stat(extra)", "stat(missing)", "kind(none)", "kind(extra)"] {
        println!("{:<16} {:>8}", k, mism.get(k).copied().unwrap_or(0));
    }
    println!(
        "report section: ok {rep_ok} bad {rep_bad}; status summary: ok {sum_ok} bad {sum_bad}; snap warnings: ok {wrn_ok} bad {wrn_bad}"
    );
}
