//! `cargo xtask tcp-analysis`: a second opinion on tcpFlags' SEQ/ACK analysis. Runs our t2 in
//! packet mode (default plugins) and tshark over every capture of `../shared/pcaps` that has
//! TCP, joins the two per packet on the frame number (T2's `pktNo`), groups by T2's flow
//! (`flowInd`) and compares, per category (retransmission, duplicate ACK, out-of-order, zero
//! window, ...), how many packets each tool flags; writes `docs/tcp-analysis.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::common::{self, md_table};
use crate::conformance;

pub const HELP: &str = "\
cargo xtask tcp-analysis [OPTIONS]

Compares T2's TCP analysis (tcpFlags: per-packet tcpAnomaly / tcpFStat bits of packet mode)
with tshark's tcp.analysis.* flags on every capture of ../shared/pcaps that has TCP (per
ORACLE_tshark_scan.tsv), per packet (joined on the frame number = T2's pktNo) and per T2 flow
(flowInd), and writes docs/tcp-analysis.md.

Runs, one at a time, from ../shared/pcaps:
  t2 -p PLUGINDIR -r REL -w OUT/REL -s            (T2's 10 default plugins)
  tshark -r REL -n -T fields -E occurrence=l ...  (single pass, default preferences)
tshark is installed with apt-get when missing. Run it under `nice -n 10` on a shared machine.

Options:
  --t2 PATH          run this t2 binary (default: build and use target/release/t2)
  --plugin-dir DIR   use this plugin folder as is (default: build the default plugins and
                     install them into a temp folder)
  --no-build         do not run cargo build (use the existing release binaries)
  --filter SUBSTR    only captures whose path contains SUBSTR (repeatable: any matches)
  --tshark PATH      tshark binary (default: tshark)
  --examples N       examples per rule difference in the document (default 2)
  --top N            captures listed in the largest-disagreement table (default 15)
  --dump FILE        write every disagreeing packet (TSV: capture, frame, category, side,
                     reason, bits, context) to FILE
  --out DIR          keep T2's outputs under DIR (default: temp dir, removed)
  --timeout SECS     per-run timeout of t2 and tshark (default 300)
  --write-doc        write docs/tcp-analysis.md even with --filter
  --no-doc           do not write docs/tcp-analysis.md (print the report on stdout)
  -h, --help         this help

Env: T2_SHARED overrides ../shared; CARGO_TARGET_DIR is respected.
";

#[derive(Debug, Clone)]
pub struct Opts {
    pub t2: Option<PathBuf>,
    pub plugin_dir: Option<PathBuf>,
    pub no_build: bool,
    pub filters: Vec<String>,
    pub tshark: String,
    pub examples: usize,
    pub top: usize,
    pub dump: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub timeout: Duration,
    pub write_doc: Option<bool>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            t2: None,
            plugin_dir: None,
            no_build: false,
            filters: Vec::new(),
            tshark: "tshark".into(),
            examples: 2,
            top: 15,
            dump: None,
            out: None,
            timeout: Duration::from_secs(300),
            write_doc: None,
        }
    }
}

pub fn parse_args(args: &[String]) -> Result<Option<Opts>> {
    let mut o = Opts::default();
    let mut args = common::Args::new(args);
    while let Some(opt) = args.next_opt() {
        let a = opt.arg;
        let mut val = || args.value(&opt);
        match opt.name {
            "-h" | "--help" => return Ok(None),
            "--t2" => o.t2 = Some(PathBuf::from(val()?)),
            "--plugin-dir" => o.plugin_dir = Some(PathBuf::from(val()?)),
            "--no-build" => o.no_build = true,
            "--filter" => o.filters.push(val()?),
            "--tshark" => o.tshark = val()?,
            "--examples" => o.examples = val()?.parse().context("--examples")?,
            "--top" => o.top = val()?.parse().context("--top")?,
            "--dump" => o.dump = Some(PathBuf::from(val()?)),
            "--out" => o.out = Some(PathBuf::from(val()?)),
            "--timeout" => {
                o.timeout = Duration::from_secs_f64(val()?.parse().context("--timeout")?)
            }
            "--write-doc" => o.write_doc = Some(true),
            "--no-doc" => o.write_doc = Some(false),
            _ => bail!("unknown option {a:?} (see cargo xtask tcp-analysis --help)"),
        }
    }
    Ok(Some(o))
}

// ------------------------------------------------------------------------------ the mapping

/// tshark's fields read besides the analysis flags (indices: the `F_*` constants).
const TS_BASE: [&str; 13] = [
    "frame.number",
    "frame.time_relative",
    "tcp.stream",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.seq",
    "tcp.ack",
    "tcp.len",
    "tcp.flags",
    "tcp.window_size_value",
    "tcp.window_size",
];
const F_NO: usize = 0;
const F_TIME: usize = 1;
const F_STREAM: usize = 2;
const F_SPORT: usize = 3;
const F_DPORT: usize = 4;
const F_SEQ_RAW: usize = 5;
const F_ACK_RAW: usize = 6;
const F_SEQ: usize = 7;
const F_ACK: usize = 8;
const F_LEN: usize = 9;
const F_FLAGS: usize = 10;
const F_WINV: usize = 11;
const F_WIN: usize = 12;

/// tshark's analysis flags (`tcp.analysis.<name>`), bit i = entry i.
const TS_FLAGS: [&str; 15] = [
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "duplicate_ack",
    "out_of_order",
    "zero_window",
    "zero_window_probe",
    "zero_window_probe_ack",
    "window_full",
    "window_update",
    "keep_alive",
    "keep_alive_ack",
    "lost_segment",
    "ack_lost_segment",
    "reused_ports",
];
const TS_RETX: u32 = 1 << 0;
const TS_FAST: u32 = 1 << 1;
const TS_SPUR: u32 = 1 << 2;
const TS_DUPACK: u32 = 1 << 3;
const TS_OOO: u32 = 1 << 4;
const TS_ZWIN: u32 = 1 << 5;
const TS_ZWP: u32 = 1 << 6;
const TS_ZWPACK: u32 = 1 << 7;
const TS_WFULL: u32 = 1 << 8;
const TS_WUPD: u32 = 1 << 9;
const TS_KA: u32 = 1 << 10;
const TS_KAACK: u32 = 1 << 11;
const TS_LOST: u32 = 1 << 12;
const TS_ACKLOST: u32 = 1 << 13;

// T2's bits (spec §4.3; plugins/tcpFlags/src/bits.rs).
const A_SYN_RETRY: u16 = 0x0001;
const A_SEQ_RETRY: u16 = 0x0002;
const A_SEQ_FRETRY: u16 = 0x0004;
const A_DUP_ACK: u16 = 0x0008;
const A_KPALV: u16 = 0x0010;
const A_KPALV_ACK: u16 = 0x0020;
const A_SEQ_OUTORDR: u16 = 0x0040;
const A_SEQ_MESS: u16 = 0x0080;
const A_ACK_UNSEEN: u16 = 0x0100;
const A_PREV_MISS: u16 = 0x0200;
const A_SCAN: u16 = 0x1000;
const S_WIN_UPD: u16 = 0x0020;
const S_WIN_0PRB: u16 = 0x0040;
const S_WIN_0PRBACK: u16 = 0x0080;
const S_ZWIN: u16 = 0x0100;
const S_WIN_FLL: u16 = 0x0400;

const ANOMALY_NAMES: [(u16, &str); 14] = [
    (0x0001, "SYN_RETRY"),
    (0x0002, "SEQ_RETRY"),
    (0x0004, "SEQ_FRETRY"),
    (0x0008, "ACK_DUP"),
    (0x0010, "KPALV"),
    (0x0020, "KPALV_ACK"),
    (0x0040, "SEQ_OUTORDR"),
    (0x0080, "SEQ_MESS"),
    (0x0100, "ACK_UNSEEN"),
    (0x0200, "PREV_MISS"),
    (0x1000, "SCAN_DET"),
    (0x2000, "SCAN_SU_DET"),
    (0x4000, "SYN_L7CNT"),
    (0x8000, "-"),
];
const FSTAT_NAMES: [(u16, &str); 5] = [
    (0x0020, "WIN_UPD"),
    (0x0040, "WIN_0PRB"),
    (0x0080, "WIN_0PRBACK"),
    (0x0100, "ZWIN"),
    (0x0400, "WIN_FLL"),
];

/// One compared category: T2's bits (tcpAnomaly or tcpFStat of the packet) against a set of
/// tshark flags. A packet counts when any of its bits / flags is present.
#[derive(Debug, Clone, Copy)]
struct Cat {
    key: &'static str,
    name: &'static str,
    anom: u16,
    fstat: u16,
    ts: u32,
    /// One of the four categories of the acceptance point.
    main: bool,
}

const CATS: [Cat; 14] = [
    Cat {
        key: "retx",
        name: "Retransmission (any kind)",
        anom: A_SYN_RETRY | A_SEQ_RETRY | A_SEQ_FRETRY | A_SEQ_MESS,
        fstat: 0,
        ts: TS_RETX | TS_FAST | TS_SPUR,
        main: true,
    },
    Cat {
        key: "fast",
        name: "Fast retransmission",
        anom: A_SEQ_FRETRY,
        fstat: 0,
        ts: TS_FAST,
        main: false,
    },
    Cat {
        key: "spurious",
        name: "Spurious retransmission / sequence mess",
        anom: A_SEQ_MESS,
        fstat: 0,
        ts: TS_SPUR,
        main: false,
    },
    Cat {
        key: "dupack",
        name: "Duplicate ACK",
        anom: A_DUP_ACK,
        fstat: 0,
        ts: TS_DUPACK,
        main: true,
    },
    Cat {
        key: "ooo",
        name: "Out-of-order",
        anom: A_SEQ_OUTORDR,
        fstat: 0,
        ts: TS_OOO,
        main: true,
    },
    Cat {
        key: "zwin",
        name: "Zero window",
        anom: 0,
        fstat: S_ZWIN,
        ts: TS_ZWIN,
        main: true,
    },
    Cat {
        key: "zwp",
        name: "Zero-window probe",
        anom: 0,
        fstat: S_WIN_0PRB,
        ts: TS_ZWP,
        main: false,
    },
    Cat {
        key: "zwpack",
        name: "Zero-window probe ACK",
        anom: 0,
        fstat: S_WIN_0PRBACK,
        ts: TS_ZWPACK,
        main: false,
    },
    Cat {
        key: "wfull",
        name: "Window full",
        anom: 0,
        fstat: S_WIN_FLL,
        ts: TS_WFULL,
        main: false,
    },
    Cat {
        key: "wupd",
        name: "Window update",
        anom: 0,
        fstat: S_WIN_UPD,
        ts: TS_WUPD,
        main: false,
    },
    Cat {
        key: "ka",
        name: "Keep-alive",
        anom: A_KPALV,
        fstat: 0,
        ts: TS_KA,
        main: false,
    },
    Cat {
        key: "kaack",
        name: "Keep-alive ACK",
        anom: A_KPALV_ACK,
        fstat: 0,
        ts: TS_KAACK,
        main: false,
    },
    Cat {
        key: "lost",
        name: "Previous segment not captured",
        anom: A_PREV_MISS,
        fstat: 0,
        ts: TS_LOST,
        main: false,
    },
    Cat {
        key: "ackunseen",
        name: "ACK of an unseen segment",
        anom: A_ACK_UNSEEN,
        fstat: 0,
        ts: TS_ACKLOST,
        main: false,
    },
];

impl Cat {
    fn t2(&self, p: &T2Pkt) -> bool {
        p.anom & self.anom != 0 || p.fstat & self.fstat != 0
    }
    fn tshark(&self, q: &TsPkt) -> bool {
        q.an & self.ts != 0
    }
    fn t2_bits(&self) -> String {
        let mut v = Vec::new();
        for (b, n) in ANOMALY_NAMES {
            if self.anom & b != 0 {
                v.push(format!("tcpAnomaly 0x{b:04x} {n}"));
            }
        }
        for (b, n) in FSTAT_NAMES {
            if self.fstat & b != 0 {
                v.push(format!("tcpFStat 0x{b:04x} {n}"));
            }
        }
        v.join(", ")
    }
    fn ts_fields(&self) -> String {
        ts_names(self.ts)
            .iter()
            .map(|n| format!("`tcp.analysis.{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn ts_names(mask: u32) -> Vec<&'static str> {
    TS_FLAGS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect()
}

fn anomaly_names(a: u16, s: u16) -> String {
    let mut v: Vec<&str> = ANOMALY_NAMES
        .iter()
        .filter(|(b, _)| a & b != 0)
        .map(|(_, n)| *n)
        .collect();
    v.extend(
        FSTAT_NAMES
            .iter()
            .filter(|(b, _)| s & b != 0)
            .map(|(_, n)| *n),
    );
    if v.is_empty() {
        "-".into()
    } else {
        v.join("|")
    }
}

// ------------------------------------------------------------------------------ the rows

/// One line of T2's PREFIX_packets.txt (only what the comparison needs).
#[derive(Debug, Clone, Default, PartialEq)]
struct T2Pkt {
    no: u64,
    flow: u64,
    l4: u8,
    src: String,
    sport: u16,
    dport: u16,
    /// Absolute sequence / acknowledgement numbers (empty when T2 did not read a TCP header).
    seq: Option<u32>,
    ack: Option<u32>,
    anom: u16,
    fstat: u16,
}

/// One frame of tshark's output.
#[derive(Debug, Clone, Default, PartialEq)]
struct TsPkt {
    no: u64,
    time: f64,
    stream: Option<u64>,
    sport: Option<u16>,
    dport: Option<u16>,
    seq_raw: Option<u32>,
    ack_raw: Option<u32>,
    seq: Option<u32>,
    ack: Option<u32>,
    len: u32,
    flags: u16,
    winv: Option<u32>,
    win: Option<i64>,
    /// Analysis flags (bit i = TS_FLAGS[i]).
    an: u32,
}

impl TsPkt {
    fn tcp(&self) -> bool {
        self.sport.is_some()
    }
}

fn parse_hex16(s: &str) -> Option<u16> {
    let s = s.trim();
    let h = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    u32::from_str_radix(h, 16).ok().map(|v| v as u16)
}

fn opt<T: std::str::FromStr>(s: &str) -> Option<T> {
    let s = s.trim();
    if s.is_empty() { None } else { s.parse().ok() }
}

/// Reads T2's packets.txt: the rows of every packet (TCP or not).
fn read_t2_packets(path: &Path) -> Result<Vec<T2Pkt>> {
    let f = File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut r = BufReader::new(f);
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line)?;
    let head = String::from_utf8_lossy(&line).into_owned();
    let cols: Vec<&str> = head
        .trim_end_matches(['\n', '\r'])
        .trim_start_matches('%')
        .split('\t')
        .collect();
    let col = |n: &str| {
        cols.iter()
            .position(|c| *c == n)
            .with_context(|| format!("{}: no column {n}", path.display()))
    };
    let idx = [
        col("pktNo")?,
        col("flowInd")?,
        col("l4Proto")?,
        col("srcIP")?,
        col("srcPort")?,
        col("dstPort")?,
        col("seq")?,
        col("ack")?,
        col("tcpAnomaly")?,
        col("tcpFStat")?,
    ];
    let need = idx.iter().max().copied().unwrap_or(0) + 1;
    let mut out = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let fields: Vec<&[u8]> = line.splitn(need + 1, |b| *b == b'\t').collect();
        if fields.len() < need {
            continue;
        }
        let s = |i: usize| String::from_utf8_lossy(fields[idx[i]]).trim().to_string();
        let Some(no) = opt::<u64>(&s(0)) else {
            continue;
        };
        out.push(T2Pkt {
            no,
            flow: opt(&s(1)).unwrap_or(0),
            l4: opt(&s(2)).unwrap_or(0),
            src: s(3),
            sport: opt(&s(4)).unwrap_or(0),
            dport: opt(&s(5)).unwrap_or(0),
            seq: opt(&s(6)),
            ack: opt(&s(7)),
            anom: parse_hex16(&s(8)).unwrap_or(0),
            fstat: parse_hex16(&s(9)).unwrap_or(0),
        });
    }
    Ok(out)
}

/// Parses one line of tshark's `-T fields` output (TS_BASE then the flags in `flags`).
fn parse_ts_line(line: &str, flags: &[usize]) -> Option<TsPkt> {
    let f: Vec<&str> = line.trim_end_matches(['\n', '\r']).split('\t').collect();
    let g = |i: usize| f.get(i).copied().unwrap_or("");
    let no = opt::<u64>(g(F_NO))?;
    let mut an = 0;
    for (k, &bit) in flags.iter().enumerate() {
        if !g(TS_BASE.len() + k).trim().is_empty() {
            an |= 1 << bit;
        }
    }
    Some(TsPkt {
        no,
        time: opt(g(F_TIME)).unwrap_or(0.0),
        stream: opt(g(F_STREAM)),
        sport: opt(g(F_SPORT)),
        dport: opt(g(F_DPORT)),
        seq_raw: opt(g(F_SEQ_RAW)),
        ack_raw: opt(g(F_ACK_RAW)),
        seq: opt(g(F_SEQ)),
        ack: opt(g(F_ACK)),
        len: opt(g(F_LEN)).unwrap_or(0),
        flags: parse_hex16(g(F_FLAGS)).unwrap_or(0),
        winv: opt(g(F_WINV)),
        win: opt(g(F_WIN)),
        an,
    })
}

// ------------------------------------------------------------------------------ the join

/// The two outputs of one capture joined on the frame number.
#[derive(Debug, Default, Clone, PartialEq)]
struct Join {
    /// (T2 row, tshark row): same frame, both TCP, same ports and sequence number.
    matched: Vec<(usize, usize)>,
    /// Same frame number, both TCP, but other ports or sequence number.
    mismatched: Vec<(usize, usize)>,
    /// T2 TCP rows with a TCP header whose frame tshark has no TCP for (or no frame at all).
    t2_only: Vec<usize>,
    /// T2 TCP rows without a TCP header (later fragments, header not captured).
    t2_no_header: usize,
    /// tshark TCP frames with no T2 TCP row with a header.
    ts_only: Vec<usize>,
}

fn join(t2: &[T2Pkt], ts: &[TsPkt]) -> Join {
    let by_no: HashMap<u64, usize> = ts.iter().enumerate().map(|(i, q)| (q.no, i)).collect();
    let mut j = Join::default();
    let mut used = vec![false; ts.len()];
    for (i, p) in t2.iter().enumerate() {
        if p.l4 != 6 {
            continue;
        }
        if p.seq.is_none() {
            j.t2_no_header += 1;
            continue;
        }
        match by_no.get(&p.no) {
            Some(&k) if ts[k].tcp() => {
                used[k] = true;
                let q = &ts[k];
                if q.sport == Some(p.sport) && q.dport == Some(p.dport) && q.seq_raw == p.seq {
                    j.matched.push((i, k));
                } else {
                    j.mismatched.push((i, k));
                }
            }
            _ => j.t2_only.push(i),
        }
    }
    j.ts_only = ts
        .iter()
        .enumerate()
        .filter(|(k, q)| q.tcp() && !used[*k])
        .map(|(k, _)| k)
        .collect();
    j
}

// ------------------------------------------------------------------------------ the comparison

/// Per category, over the compared flows / packets.
#[derive(Debug, Default, Clone, PartialEq)]
struct CatAgg {
    flows: u64,
    /// Flows where at least one tool flags a packet.
    flows_any: u64,
    equal: u64,
    equal_nonzero: u64,
    t2_more: u64,
    t2_less: u64,
    both: u64,
    only_t2: u64,
    only_ts: u64,
    t2_pkts: u64,
    ts_pkts: u64,
}

impl CatAgg {
    fn add(&mut self, o: &CatAgg) {
        self.flows += o.flows;
        self.flows_any += o.flows_any;
        self.equal += o.equal;
        self.equal_nonzero += o.equal_nonzero;
        self.t2_more += o.t2_more;
        self.t2_less += o.t2_less;
        self.both += o.both;
        self.only_t2 += o.only_t2;
        self.only_ts += o.only_ts;
        self.t2_pkts += o.t2_pkts;
        self.ts_pkts += o.ts_pkts;
    }
}

/// What is known about one direction of a flow before the current packet (built from the
/// joined packets, in capture order), for explaining a disagreement.
#[derive(Debug, Clone, Default)]
struct DirState {
    /// tshark row of the previous joined packet of this direction.
    prev: Option<usize>,
    /// T2 row of the same packet.
    prev_t2: Option<usize>,
    /// Highest sequence number + length (+1 for SYN/FIN) sent so far.
    max_end: Option<u32>,
    /// T2 flagged an ACK of an unseen segment and the other side has sent nothing since.
    unseen_pending: bool,
    /// The raw sequence numbers of this direction crossed 2^32.
    crossed: bool,
}

#[derive(Debug, Clone, Default)]
struct FlowState {
    /// Direction 0 = the source (IP, port) of the flow's first packet.
    first_src: Option<(String, u16)>,
    dir: [DirState; 2],
    /// T2 flagged the flow as a scan on an earlier packet.
    scan: bool,
    /// tshark streams seen in this T2 flow.
    streams: BTreeSet<u64>,
}

/// A disagreeing packet with its context.
struct Ctx<'a> {
    p: &'a T2Pkt,
    q: &'a TsPkt,
    t2: &'a [T2Pkt],
    ts: &'a [TsPkt],
    me: &'a DirState,
    op: &'a DirState,
    /// T2 has the flow flagged as a scan (earlier packet or this one).
    scan: bool,
    /// Earlier frames of this connection are TCP for one tool only (not joined).
    hidden: bool,
    /// This tshark stream had joined packets in another T2 flow before.
    split: bool,
    /// This T2 flow had joined packets of another tshark stream before.
    merged: bool,
}

fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

const FIN_F: u16 = 0x01;
const SYN_F: u16 = 0x02;
const RST_F: u16 = 0x04;
const ACK_F: u16 = 0x10;

impl Ctx<'_> {
    fn prev(&self) -> Option<&TsPkt> {
        self.me.prev.map(|i| &self.ts[i])
    }
    fn op_prev_t2(&self) -> Option<&T2Pkt> {
        self.op.prev_t2.map(|i| &self.t2[i])
    }
    fn sfr(&self) -> bool {
        self.q.flags & (SYN_F | FIN_F | RST_F) != 0
    }
    fn has_ack(&self) -> bool {
        self.q.flags & ACK_F != 0
    }
    fn syn_only(&self) -> bool {
        self.q.flags & 0x3f == SYN_F
    }
    fn same_ack(&self) -> bool {
        self.prev().is_some_and(|pq| pq.ack_raw == self.q.ack_raw)
    }
    fn same_win(&self) -> bool {
        self.prev().is_some_and(|pq| pq.winv == self.q.winv)
    }
    fn seq(&self) -> u32 {
        self.q.seq_raw.unwrap_or(0)
    }
    /// The next sequence number expected after the previous packet of this direction.
    fn expected(&self) -> Option<u32> {
        self.prev().and_then(|pq| {
            pq.seq_raw.map(|s| {
                s.wrapping_add(pq.len)
                    .wrapping_add(u32::from(pq.flags & (SYN_F | FIN_F) != 0))
            })
        })
    }
    /// The packet's sequence number compares differently as a plain integer and modulo 2^32
    /// against the highest sequence number (the sequence space wrapped).
    fn wrapped(&self) -> bool {
        self.me.crossed
            || self
                .me
                .max_end
                .is_some_and(|m| (self.seq() < m) != seq_lt(self.seq(), m))
    }
    fn ts(&self, mask: u32) -> bool {
        self.q.an & mask != 0
    }
}

/// Why the two tools disagree on this packet for `cat`: a short label, explained by
/// [`reason_text`]. `t2_side` = T2 flags it and tshark does not.
fn classify(cat: &Cat, t2_side: bool, c: &Ctx) -> &'static str {
    if c.hidden {
        return "coverage";
    }
    if c.q.ack_raw.is_none() || c.q.winv.is_none() {
        return "ts-truncated";
    }
    if c.split {
        return "stream-split";
    }
    if c.merged {
        return "stream-merged";
    }
    let a = c.p.anom;
    let retx_bits = A_SYN_RETRY | A_SEQ_RETRY | A_SEQ_FRETRY | A_DUP_ACK | A_KPALV | A_KPALV_ACK;
    // T2 misses an event whose bit a scan clears.
    if !t2_side && cat.anom & retx_bits != 0 && c.scan {
        return if c.syn_only() && a & A_SCAN != 0 {
            "syn-scan"
        } else {
            "scan-flow"
        };
    }
    if !t2_side && cat.anom != 0 && !c.has_ack() {
        return "no-ack";
    }
    match (cat.key, t2_side) {
        ("retx", false) | ("fast", false) | ("spurious", false) => {
            if a & A_SEQ_OUTORDR != 0 {
                if c.wrapped() { "seq-wrap" } else { "t2-ooo" }
            } else if !c.same_ack() {
                "ack-moved"
            } else if c.ts(TS_FAST) {
                if c.op_prev_t2().is_none_or(|o| o.anom & A_DUP_ACK == 0) {
                    "fast-no-t2-dupack"
                } else {
                    "other"
                }
            } else if !c.same_win() {
                "win-changed"
            } else if c.sfr() {
                "timeout-rule"
            } else {
                "other"
            }
        }
        ("retx", true) | ("fast", true) | ("spurious", true) => {
            if c.ts(TS_OOO) {
                "ws-ooo"
            } else if c.ts(TS_KA) {
                "ws-ka"
            } else if a & A_SEQ_MESS != 0 && cat.anom & A_SEQ_MESS != 0 {
                let below = c.expected().is_some_and(|e| seq_lt(c.seq(), e));
                if c.q.len == 0 && !c.sfr() {
                    "mess-no-payload"
                } else if c.me.prev.is_none() {
                    "mess-first-packet"
                } else if !below {
                    "mess-new-data"
                } else if c.ts(TS_RETX) {
                    "mess-partly-acked"
                } else {
                    "other"
                }
            } else if c.ts(TS_RETX) && cat.key == "fast" {
                "ws-plain-retx"
            } else {
                "other"
            }
        }
        ("dupack", false) => {
            if a & A_KPALV != 0 {
                "t2-ka"
            } else if a & A_KPALV_ACK != 0 {
                "t2-kaack"
            } else if !c.same_ack() {
                "ack-moved"
            } else if !c.same_win() {
                "win-changed"
            } else {
                "other"
            }
        }
        ("dupack", true) => {
            if c.q.winv == Some(0) {
                "zero-window"
            } else if c.ts(TS_KAACK) {
                "ws-kaack"
            } else if c.ts(TS_ZWPACK) {
                "ws-zwpack"
            } else if c.me.max_end.is_some_and(|m| m != c.seq()) {
                "seq-not-next"
            } else {
                "other"
            }
        }
        ("ooo", true) => {
            if c.wrapped() {
                "seq-wrap"
            } else if c.ts(TS_RETX | TS_FAST | TS_SPUR) {
                "ws-retx"
            } else if c.q.len == 0 && c.q.flags & (SYN_F | FIN_F) == 0 {
                "no-payload"
            } else if c.ts(TS_KA) {
                "ws-ka"
            } else {
                "other"
            }
        }
        ("ooo", false) if !c.same_ack() => "ack-moved",
        ("zwin", true) if c.q.winv != Some(0) => "ws-shift",
        ("wfull", true) => {
            if c.q.len == 0 {
                "no-payload"
            } else {
                "t2-inflight"
            }
        }
        ("wfull", false) => "ws-exact",
        ("wupd", false) => {
            if a & (A_KPALV | A_KPALV_ACK) != 0 {
                "t2-ka-first"
            } else if !c.same_ack() {
                "ack-moved"
            } else {
                "other"
            }
        }
        ("wupd", true) if c.ts(TS_ZWIN) => "ws-zwin",
        ("ka", false) if c.wrapped() => "seq-wrap",
        ("ka", true) if c.ts(TS_DUPACK) => "ka-ws-dupack",
        ("kaack", _) => "kaack-rule",
        ("lost", false) => {
            if c.prev().is_none() {
                "first-of-direction"
            } else if c
                .prev()
                .is_some_and(|pq| pq.flags & (SYN_F | FIN_F | RST_F) != 0)
            {
                "after-sfr"
            } else if c.wrapped() {
                "seq-wrap"
            } else {
                "other"
            }
        }
        ("lost", true) if c.wrapped() => "seq-wrap",
        ("ackunseen", true) if c.me.unseen_pending => "t2-repeat",
        ("ackunseen", false) => {
            let within =
                c.op.max_end
                    .zip(c.q.ack_raw)
                    .is_some_and(|(m, a)| !seq_lt(m, a));
            if within { "ws-ack-lag" } else { "other" }
        }
        _ => "other",
    }
}

/// The explanation of a reason label, for the document.
fn reason_text(label: &str) -> &'static str {
    match label {
        "coverage" => {
            "Earlier frames of this connection are TCP for only one of the tools (not joined: a \
             tunnel or link layer T2 does not decode, IP fragments tshark reassembles), so the two \
             analyse different packet histories. A dissection difference, not a rule difference."
        }
        "ts-truncated" => {
            "tshark could not read the whole TCP header (no ACK number or window: truncated or \
             malformed frame), so it does no analysis on it; T2 analyses what it has."
        }
        "stream-split" => {
            "tshark's TCP conversation had packets in another T2 flow before: T2's flow key has \
             the VLAN (and T2 ends flows on its timeouts), tshark's conversation is only addresses \
             and ports, so packets T2 keeps apart are one history for tshark (e.g. the same \
             connection captured on two VLANs looks retransmitted to tshark)."
        }
        "stream-merged" => {
            "This T2 flow held another tshark TCP stream before: tshark starts a new conversation \
             when a SYN reuses the ports of a finished connection (`reused_ports`), T2 keeps one \
             flow until its timeouts, so T2 compares against the old connection's numbers."
        }
        "syn-scan" => {
            "A SYN sent again within 0.9 s of the first: T2's scan detector calls it a scan \
             (tcpAnomaly 0x1000), a SYN retransmission only after more than 0.9 s; Wireshark calls \
             every repeated SYN a retransmission. T2 then clears the error bits 0x003f of the \
             whole flow."
        }
        "scan-flow" => {
            "T2 flagged this flow as a scan on an earlier packet (usually a SYN repeated within \
             0.9 s, see above) and from then on clears the bits 0x003f (SYN/timeout/fast \
             retransmission, duplicate ACK, keep-alive and its ACK) of every packet of the flow; \
             Wireshark has no such rule."
        }
        "no-ack" => {
            "The packet has no ACK flag: T2 runs its SEQ/ACK analysis only on packets with ACK \
             (a repeated SYN goes through the scan/SYN-retry rule instead); Wireshark analyses \
             every segment."
        }
        "t2-ooo" => {
            "T2 calls it out-of-order instead: for T2 any segment (no SYN/FIN/RST) below the \
             highest sequence number seen is out-of-order, and the timeout-retransmission test \
             runs only when it is not. Wireshark calls a segment below the next expected sequence \
             number a retransmission, and out-of-order only when it arrives within the RTT (3 ms by \
             default) of the highest segment and does not end where that one ends (an exact copy \
             of the last segment is always a retransmission). A re-sent segment is therefore a \
             retransmission for Wireshark and out-of-order for T2."
        }
        "seq-wrap" => {
            "The sequence space wrapped around 2^32 within the flow: T2 compares sequence \
             numbers as plain unsigned integers, so after the wrap new segments look below the \
             highest one (out-of-order) or far above it; Wireshark compares modulo 2^32."
        }
        "ack-moved" => {
            "The ACK number differs from the previous packet of the same direction: T2 looks for \
             duplicate ACKs, out-of-order segments and retransmissions only when the ACK number \
             is unchanged; Wireshark's retransmission tests ignore the ACK number."
        }
        "fast-no-t2-dupack" => {
            "Wireshark's fast retransmission: at least two duplicate ACKs from the other side, \
             the last one less than 20 ms ago, and this segment starts at their ACK number. T2's: \
             the other side's previous packet itself was a T2 duplicate ACK (and this segment \
             starts at its ACK number) - not the case here (another packet came in between, or \
             T2 did not call it a duplicate ACK)."
        }
        "win-changed" => {
            "The window differs from the previous packet of the direction: T2's duplicate-ACK and \
             timeout-retransmission tests need an unchanged window; Wireshark's retransmission \
             tests do not look at it."
        }
        "timeout-rule" => {
            "A SYN-ACK or FIN sent again: T2 calls it a (timeout) retransmission only when the \
             gap since the previous packet of the direction exceeds 1.5 x (RTT of A + RTT of B), \
             its running RTT estimate; Wireshark calls any re-sent SYN/FIN a retransmission."
        }
        "ws-ooo" => {
            "Wireshark calls it out-of-order (below the next expected sequence number but within \
             the RTT of the highest segment), which excludes its retransmission flags; T2 sets \
             its retransmission bit alongside (fast retransmission: the other side's previous \
             packet was a duplicate ACK of this sequence number; sequence mess: the other side \
             already acknowledged past its start)."
        }
        "ws-ka" => "Wireshark calls it a keep-alive, which supersedes its retransmission flags.",
        "mess-no-payload" => {
            "T2's sequence-mess bit (0x0080) only asks whether the other side's last ACK is \
             beyond this segment's sequence number, also for segments without payload; Wireshark \
             looks for spurious retransmissions only among segments with payload (or SYN/FIN) \
             below the next expected sequence number."
        }
        "mess-first-packet" => {
            "The first packet of its direction: T2 runs the sequence-mess test on it too, against \
             the other side's last ACK field even when that packet had no ACK flag (a SYN with a \
             non-zero ACK field); Wireshark has no history for the direction and flags nothing."
        }
        "mess-new-data" => {
            "New data (the segment starts at the next expected sequence number), but the other \
             side's last ACK, captured before it, already covers part of it (large TSO/GRO \
             segments captured after their ACK). T2's sequence-mess bit fires on the ACK \
             position alone; for Wireshark new data is never a retransmission."
        }
        "mess-partly-acked" => {
            "A re-sent segment the other side has acknowledged in part: T2's sequence-mess bit \
             fires as soon as the ACK is past the segment's start; Wireshark calls it spurious \
             only when the ACK covers the whole segment (here: plain retransmission, which T2 \
             reports as out-of-order / sequence mess)."
        }
        "ws-plain-retx" => {
            "T2's fast retransmission needs a single duplicate ACK just before; Wireshark needs \
             two or more within 20 ms and otherwise calls the segment a plain retransmission."
        }
        "t2-ka" => {
            "T2 calls it a keep-alive (sequence number one below its highest, at most one byte, \
             checked before the duplicate-ACK test); Wireshark's keep-alive test uses its next \
             expected sequence number, which differs here, so the packet is a duplicate ACK for it."
        }
        "t2-kaack" => {
            "T2 calls it a keep-alive ACK (its rule: ACK number - 1 = the other side's next \
             sequence number, checked before the duplicate-ACK test)."
        }
        "zero-window" => {
            "Wireshark's duplicate ACK needs a non-zero window; T2's only an unchanged one, so \
             repeated zero-window ACKs are duplicate ACKs for T2."
        }
        "ws-kaack" => {
            "Wireshark calls it the ACK of a keep-alive (the other side's previous packet was a \
             keep-alive), which supersedes its duplicate ACK; T2's keep-alive-ACK rule is \
             different (see Keep-alive ACK) and the packet stays a duplicate ACK."
        }
        "ws-zwpack" => {
            "Wireshark calls it a zero-window-probe ACK, which supersedes its duplicate ACK."
        }
        "seq-not-next" => {
            "Wireshark's duplicate ACK needs the sequence number to be the next expected one; T2 \
             does not check the sequence number."
        }
        "ws-retx" => {
            "Wireshark calls it a retransmission: the segment is below the next expected \
             sequence number and either arrived more than the RTT (3 ms by default) after the \
             highest one or ends exactly where it ends (a copy). For T2 every segment below the \
             highest sequence number is out-of-order."
        }
        "no-payload" => {
            "A segment without payload (and no SYN/FIN): Wireshark's retransmission / \
             out-of-order / window-full tests need payload; T2's do not."
        }
        "ws-shift" => {
            "The raw window is not zero, but the window-scale option asked for a shift above 14; \
             T2 scales with the raw shift, which overflows to 0 (< WINMIN), Wireshark caps the \
             shift at 14."
        }
        "t2-inflight" => {
            "T2 sets window-full whenever its bytes in flight (payload sent since the other \
             side's last pure ACK) reach the other side's last window, so on every further \
             segment too; Wireshark only on the segment that ends exactly at the other side's \
             last ACK + window."
        }
        "ws-exact" => {
            "Wireshark's window-full: this segment ends exactly at the other side's last ACK + \
             window; T2's bytes-in-flight count differs (it restarts at every pure ACK of the \
             other side and counts only payload since)."
        }
        "t2-ka-first" => {
            "T2 tests keep-alive / keep-alive ACK first and skips the window-update test."
        }
        "ws-zwin" => {
            "The window went to zero: Wireshark reports a zero window, not a window update; T2 \
             reports both."
        }
        "ka-ws-dupack" => {
            "T2's keep-alive test (sequence number = its highest - 1) matched; Wireshark's next \
             expected sequence number differs, and it calls the packet a duplicate ACK."
        }
        "kaack-rule" => {
            "Different rules: T2's keep-alive ACK is an ACK whose number - 1 is the other side's \
             next sequence number (at most one byte of payload); Wireshark's is the ACK (no \
             payload, same window and ACK number) that follows a keep-alive of the other side. \
             A normal keep-alive ACK acknowledges exactly the other side's next sequence number, \
             so the rules rarely meet."
        }
        "first-of-direction" => {
            "First packet of its direction in the joined history: T2 tests previous-packet-lost \
             from the second packet on."
        }
        "after-sfr" => {
            "The previous packet of the direction carried SYN, FIN or RST: T2 does not test \
             previous-packet-lost right after those; Wireshark does."
        }
        "t2-repeat" => {
            "T2 already flagged an ACK of an unseen segment on an earlier packet and the other \
             side sent nothing since: T2 flags every such ACK, Wireshark moves its expectation \
             after the first one and flags once."
        }
        "ws-ack-lag" => {
            "The ACK does not go beyond the end of the other direction's highest segment seen \
             (T2's test, nothing to flag), but Wireshark's next expected ACK for that direction \
             lags behind it: Wireshark advances it only from segments without analysis flags \
             (documented), so after a flagged segment (retransmission, lost segment, ...) the \
             next ACK looks like it acknowledges something unseen."
        }
        _ => "No single rule difference identified; see the examples.",
    }
}

#[derive(Debug, Clone)]
struct Example {
    capture: String,
    frame: u64,
    flow: u64,
    text: String,
}

#[derive(Debug, Default, Clone)]
struct ReasonAgg {
    pkts: u64,
    captures: BTreeSet<String>,
    examples: Vec<Example>,
}

/// Results of one capture.
#[derive(Debug, Default, Clone)]
struct CaptureCmp {
    cats: Vec<CatAgg>,
    /// (category, side T2-only?, reason) -> disagreeing packets.
    reasons: BTreeMap<(usize, bool, &'static str), ReasonAgg>,
    flows: u64,
    pkts: u64,
    /// Dump lines (TSV) of the disagreeing packets.
    dump: Vec<String>,
}

fn flag_letters(f: u16) -> String {
    let names = [
        (0x02, 'S'),
        (0x10, 'A'),
        (0x08, 'P'),
        (0x01, 'F'),
        (0x04, 'R'),
        (0x20, 'U'),
        (0x40, 'E'),
        (0x80, 'C'),
    ];
    let s: String = names
        .iter()
        .filter(|(b, _)| f & b != 0)
        .map(|(_, c)| *c)
        .collect();
    if s.is_empty() { "none".into() } else { s }
}

fn describe_ts(q: &TsPkt) -> String {
    format!(
        "frame {} [{}] seq={} ack={} len={} win={}",
        q.no,
        flag_letters(q.flags),
        q.seq.map_or("-".into(), |v| v.to_string()),
        q.ack.map_or("-".into(), |v| v.to_string()),
        q.len,
        q.win.map_or("-".into(), |v| v.to_string()),
    )
}

/// The context line of an example: the packet, the previous one of each direction.
fn context(c: &Ctx) -> String {
    let mut s = describe_ts(c.q);
    if let Some(i) = c.me.prev {
        let pq = &c.ts[i];
        let _ = write!(
            s,
            "; previous of this direction: {} ({:+.6} s)",
            describe_ts(pq),
            c.q.time - pq.time
        );
    }
    if let Some(i) = c.op.prev {
        let _ = write!(
            s,
            "; last of the other direction: {}",
            describe_ts(&c.ts[i])
        );
    }
    s
}

fn compare(
    capture: &str,
    t2: &[T2Pkt],
    ts: &[TsPkt],
    j: &Join,
    examples: usize,
    dump: bool,
) -> CaptureCmp {
    let mut out = CaptureCmp {
        cats: vec![CatAgg::default(); CATS.len()],
        ..Default::default()
    };
    // Per flow and category: (T2 packets, tshark packets).
    let mut per_flow: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
    let mut states: HashMap<u64, FlowState> = HashMap::new();
    // Frames not joined: per tshark stream and per T2 flow, the first such frame.
    let mut ts_hidden: HashMap<u64, u64> = HashMap::new();
    for &k in j.ts_only.iter().chain(j.mismatched.iter().map(|(_, k)| k)) {
        if let Some(st) = ts[k].stream {
            let e = ts_hidden.entry(st).or_insert(u64::MAX);
            *e = (*e).min(ts[k].no);
        }
    }
    let mut t2_hidden: HashMap<u64, u64> = HashMap::new();
    for &i in j.t2_only.iter().chain(j.mismatched.iter().map(|(i, _)| i)) {
        let e = t2_hidden.entry(t2[i].flow).or_insert(u64::MAX);
        *e = (*e).min(t2[i].no);
    }
    // tshark stream -> T2 flows seen so far.
    let mut stream_flows: HashMap<u64, BTreeSet<u64>> = HashMap::new();
    for &(i, k) in &j.matched {
        let (p, q) = (&t2[i], &ts[k]);
        out.pkts += 1;
        let hidden = q
            .stream
            .and_then(|s| ts_hidden.get(&s))
            .is_some_and(|&f| f < q.no)
            || t2_hidden.get(&p.flow).is_some_and(|&f| f < p.no);
        let split = q.stream.is_some_and(|s| {
            stream_flows
                .get(&s)
                .is_some_and(|fl| fl.iter().any(|&f| f != p.flow))
        });
        if let Some(s) = q.stream {
            stream_flows.entry(s).or_default().insert(p.flow);
        }
        let counts = per_flow
            .entry(p.flow)
            .or_insert_with(|| vec![(0, 0); CATS.len()]);
        let st = states.entry(p.flow).or_default();
        let key = (p.src.clone(), p.sport);
        let d = match &st.first_src {
            None => {
                st.first_src = Some(key);
                0
            }
            Some(f) if *f == key => 0,
            Some(_) => 1,
        };
        st.scan |= p.anom & A_SCAN != 0;
        let merged = q.stream.is_some_and(|s| st.streams.iter().any(|&o| o != s));
        if let Some(s) = q.stream {
            st.streams.insert(s);
        }
        {
            let (a, b) = st.dir.split_at(1);
            let (me, op) = if d == 0 {
                (&a[0], &b[0])
            } else {
                (&b[0], &a[0])
            };
            let ctx = Ctx {
                p,
                q,
                t2,
                ts,
                me,
                op,
                scan: st.scan,
                hidden,
                split,
                merged,
            };
            for (ci, cat) in CATS.iter().enumerate() {
                let (x, y) = (cat.t2(p), cat.tshark(q));
                let agg = &mut out.cats[ci];
                counts[ci].0 += u64::from(x);
                counts[ci].1 += u64::from(y);
                agg.t2_pkts += u64::from(x);
                agg.ts_pkts += u64::from(y);
                match (x, y) {
                    (true, true) => agg.both += 1,
                    (false, false) => {}
                    (t2_side, _) => {
                        if t2_side {
                            agg.only_t2 += 1;
                        } else {
                            agg.only_ts += 1;
                        }
                        let reason = classify(cat, t2_side, &ctx);
                        let r = out.reasons.entry((ci, t2_side, reason)).or_default();
                        r.pkts += 1;
                        let new_capture = r.captures.insert(capture.to_string());
                        if new_capture && r.examples.len() < examples {
                            r.examples.push(Example {
                                capture: capture.to_string(),
                                frame: p.no,
                                flow: p.flow,
                                text: format!(
                                    "T2 tcpAnomaly=0x{:04x} tcpFStat=0x{:04x} ({}), tshark: {}; {}",
                                    p.anom,
                                    p.fstat,
                                    anomaly_names(p.anom, p.fstat & 0x05e0),
                                    {
                                        let n = ts_names(q.an);
                                        if n.is_empty() {
                                            "-".into()
                                        } else {
                                            n.join(",")
                                        }
                                    },
                                    context(&ctx)
                                ),
                            });
                        }
                        if dump {
                            out.dump.push(format!(
                                "{capture}\t{}\t{}\t{}\t{}\t{reason}\t0x{:04x}\t0x{:04x}\t{}\t{}",
                                p.no,
                                p.flow,
                                cat.key,
                                if t2_side { "only_t2" } else { "only_tshark" },
                                p.anom,
                                p.fstat,
                                ts_names(q.an).join(","),
                                context(&ctx)
                            ));
                        }
                    }
                }
            }
        }
        // Update the direction's state.
        st.dir[1 - d].unseen_pending = false;
        let ds = &mut st.dir[d];
        ds.prev = Some(k);
        ds.prev_t2 = Some(i);
        if p.anom & A_ACK_UNSEEN != 0 {
            ds.unseen_pending = true;
        }
        if let Some(seq) = q.seq_raw {
            let end = seq
                .wrapping_add(q.len)
                .wrapping_add(u32::from(q.flags & 0x03 != 0));
            if end < seq || ds.max_end.is_some_and(|m| !seq_lt(end, m) && end < m) {
                ds.crossed = true;
            }
            ds.max_end = Some(match ds.max_end {
                Some(m) if seq_lt(end, m) => m,
                _ => end,
            });
        }
    }
    out.flows = per_flow.len() as u64;
    for counts in per_flow.values() {
        for (ci, &(a, b)) in counts.iter().enumerate() {
            let agg = &mut out.cats[ci];
            agg.flows += 1;
            if a > 0 || b > 0 {
                agg.flows_any += 1;
            }
            match a.cmp(&b) {
                std::cmp::Ordering::Equal => {
                    agg.equal += 1;
                    if a > 0 {
                        agg.equal_nonzero += 1;
                    }
                }
                std::cmp::Ordering::Greater => agg.t2_more += 1,
                std::cmp::Ordering::Less => agg.t2_less += 1,
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------ the runs

/// A capture of the corpus with TCP (a row of ORACLE_tshark_scan.tsv).
#[derive(Debug, Clone)]
struct OracleRow {
    path: String,
    /// Column name -> count.
    counts: HashMap<String, u64>,
    tcp: bool,
}

fn read_oracle(p: &Path) -> Result<Vec<OracleRow>> {
    let text = fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().context("empty oracle")?.split('\t').collect();
    let pi = head
        .iter()
        .position(|c| *c == "path")
        .context("oracle: no path column")?;
    let proto = head.iter().position(|c| *c == "protocols");
    let mut out = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        let mut counts = HashMap::new();
        for (i, h) in head.iter().enumerate() {
            if let Some(v) = f.get(i).and_then(|v| v.parse::<u64>().ok()) {
                counts.insert(h.to_string(), v);
            }
        }
        let tcp = proto
            .and_then(|i| f.get(i))
            .is_some_and(|v| v.split(';').any(|x| x == "tcp"));
        out.push(OracleRow {
            path: f.get(pi).unwrap_or(&"").to_string(),
            counts,
            tcp,
        });
    }
    Ok(out)
}

/// tshark's version line and the analysis fields it knows.
fn tshark_setup(tshark: &str) -> Result<(String, Vec<usize>, Vec<&'static str>)> {
    let have = Command::new(tshark)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        if tshark != "tshark" {
            bail!("{tshark} does not run");
        }
        eprintln!("tshark not found: apt-get install -y tshark");
        let st = Command::new("apt-get")
            .args(["install", "-y", "tshark"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .context("running apt-get")?;
        if !st.success() {
            bail!("apt-get install tshark failed ({st})");
        }
    }
    let version = common::capture_stdout(tshark, &["--version"], None)
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.trim_end_matches('.').to_string())
        })
        .unwrap_or_else(|| "tshark (unknown version)".into());
    let fields = Command::new(tshark)
        .args(["-G", "fields"])
        .stderr(Stdio::null())
        .output()
        .context("tshark -G fields")?;
    let known: BTreeSet<String> = String::from_utf8_lossy(&fields.stdout)
        .lines()
        .filter_map(|l| l.split('\t').nth(2).map(str::to_string))
        .collect();
    for b in TS_BASE {
        if !known.contains(b) {
            bail!("this tshark has no field {b}");
        }
    }
    let mut present = Vec::new();
    let mut missing = Vec::new();
    for (i, n) in TS_FLAGS.iter().enumerate() {
        if known.contains(&format!("tcp.analysis.{n}")) {
            present.push(i);
        } else {
            missing.push(*n);
        }
    }
    Ok((version, present, missing))
}

fn tshark_args(rel: &str, flags: &[usize]) -> Vec<String> {
    let mut a: Vec<String> = [
        "-r",
        rel,
        "-n",
        "-o",
        "tcp.analyze_sequence_numbers:TRUE",
        "-o",
        "tcp.relative_sequence_numbers:TRUE",
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-E",
        "occurrence=l",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for b in TS_BASE {
        a.push("-e".into());
        a.push(b.into());
    }
    for &i in flags {
        a.push("-e".into());
        a.push(format!("tcp.analysis.{}", TS_FLAGS[i]));
    }
    a
}

fn run_tshark(
    tshark: &str,
    pcaps: &Path,
    rel: &str,
    flags: &[usize],
    tmp: &Path,
    timeout: Duration,
) -> Result<(Vec<TsPkt>, String)> {
    let out = tmp.join("tshark.out");
    let mut cmd = Command::new(tshark);
    cmd.current_dir(pcaps)
        .args(tshark_args(rel, flags))
        .stdin(Stdio::null())
        .stdout(File::create(&out)?)
        .stderr(Stdio::null());
    let r = common::run_measured(&mut cmd, timeout, None)?;
    let note = if r.success() {
        String::new()
    } else {
        r.describe()
    };
    let f = BufReader::new(File::open(&out)?);
    let mut rows = Vec::new();
    for l in f.lines() {
        let l = l?;
        if let Some(q) = parse_ts_line(&l, flags) {
            rows.push(q);
        }
    }
    let _ = fs::remove_file(&out);
    Ok((rows, note))
}

fn run_t2(
    t2: &Path,
    plugin_dir: &Path,
    pcaps: &Path,
    rel: &str,
    prefix: &Path,
    timeout: Duration,
) -> Result<(Option<Vec<T2Pkt>>, String)> {
    if let Some(parent) = prefix.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut err = prefix.as_os_str().to_owned();
    err.push(".t2.stderr");
    let mut cmd = Command::new(t2);
    cmd.current_dir(pcaps)
        .arg("-p")
        .arg(plugin_dir)
        .arg("-r")
        .arg(rel)
        .arg("-w")
        .arg(prefix)
        .arg("-s")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&err)?);
    let r = common::run_measured(&mut cmd, timeout, Some(4 << 20))?;
    let pk = conformance::our_file(prefix, "packets.txt");
    if !r.success() {
        let msg = fs::read_to_string(&err).unwrap_or_default();
        let first = msg
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string();
        return Ok((None, format!("{}: {}", r.describe(), strip_ansi(&first))));
    }
    if !pk.is_file() {
        return Ok((None, "no packets.txt".into()));
    }
    Ok((Some(read_t2_packets(&pk)?), String::new()))
}

/// Removes terminal colour sequences (`ESC [ ... m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{1b}' {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The original's packets.txt for this capture, if the reference kept it: per packet number,
/// (tcpAnomaly, tcpFStat).
fn reference_bits(conf: &Path, rel: &str) -> Option<HashMap<u64, (u16, u16)>> {
    let p = conf.join(format!("{rel}.packets.txt"));
    if !p.is_file() {
        return None;
    }
    let rows = read_t2_packets(&p).ok()?;
    Some(
        rows.into_iter()
            .filter(|r| r.l4 == 6)
            .map(|r| (r.no, (r.anom, r.fstat)))
            .collect(),
    )
}

/// Everything about one capture.
#[derive(Debug, Default, Clone)]
struct CaptureResult {
    path: String,
    t2_error: String,
    ts_note: String,
    ts_frames: u64,
    ts_tcp: u64,
    t2_tcp: u64,
    /// Rows of T2's packets.txt and the highest pktNo.
    t2_rows: u64,
    t2_max_no: u64,
    matched: u64,
    mismatched: u64,
    mismatch_examples: Vec<String>,
    t2_only: u64,
    t2_no_header: u64,
    ts_only: u64,
    /// tshark flags (any category) on frames tshark has as TCP and T2 does not join.
    ts_only_flagged: u64,
    ts_only_examples: Vec<String>,
    cmp: CaptureCmp,
    /// Per TS_FLAGS entry: frames flagged by our tshark run (all frames).
    ts_totals: Vec<u64>,
    /// Per category: packets where our t2 and the original differ; None without reference.
    vs_original: Option<(u64, Vec<u64>)>,
}

fn process(opts: &Opts, env: &Env, row: &OracleRow, tmp: &Path) -> Result<CaptureResult> {
    let rel = &row.path;
    let mut res = CaptureResult {
        path: rel.clone(),
        ..Default::default()
    };
    let prefix = env.out.join(rel);
    let (t2rows, err) = run_t2(
        &env.t2,
        &env.plugin_dir,
        &env.pcaps,
        rel,
        &prefix,
        opts.timeout,
    )?;
    res.t2_error = err;
    let (ts, note) = run_tshark(&opts.tshark, &env.pcaps, rel, &env.flags, tmp, opts.timeout)?;
    res.ts_note = note;
    res.ts_frames = ts.len() as u64;
    res.ts_tcp = ts.iter().filter(|q| q.tcp()).count() as u64;
    res.ts_totals = (0..TS_FLAGS.len())
        .map(|b| ts.iter().filter(|q| q.an & (1 << b) != 0).count() as u64)
        .collect();
    let t2rows = t2rows.unwrap_or_default();
    if opts.out.is_none() {
        conformance::cleanup(&prefix);
    }
    res.t2_tcp = t2rows.iter().filter(|p| p.l4 == 6).count() as u64;
    res.t2_rows = t2rows.len() as u64;
    res.t2_max_no = t2rows.iter().map(|p| p.no).max().unwrap_or(0);
    let j = join(&t2rows, &ts);
    res.matched = j.matched.len() as u64;
    res.mismatched = j.mismatched.len() as u64;
    res.mismatch_examples = j
        .mismatched
        .iter()
        .take(3)
        .map(|&(i, k)| {
            let (p, q) = (&t2rows[i], &ts[k]);
            format!(
                "frame {}: T2 {}->{} seq {:?}, tshark {:?}->{:?} seq {:?}",
                p.no, p.sport, p.dport, p.seq, q.sport, q.dport, q.seq_raw
            )
        })
        .collect();
    res.t2_only = j.t2_only.len() as u64;
    res.t2_no_header = j.t2_no_header as u64;
    res.ts_only = j.ts_only.len() as u64;
    let all_ts: u32 = CATS.iter().fold(0, |m, c| m | c.ts);
    res.ts_only_flagged = j
        .ts_only
        .iter()
        .filter(|&&k| ts[k].an & all_ts != 0)
        .count() as u64;
    res.ts_only_examples = j
        .ts_only
        .iter()
        .take(2)
        .map(|&k| describe_ts(&ts[k]))
        .collect();
    res.cmp = compare(rel, &t2rows, &ts, &j, opts.examples, opts.dump.is_some());
    if let Some(refb) = reference_bits(&env.conformance, rel) {
        let mut n = 0;
        let mut diff = vec![0u64; CATS.len()];
        for &(i, _) in &j.matched {
            let p = &t2rows[i];
            let Some(&(a, s)) = refb.get(&p.no) else {
                continue;
            };
            n += 1;
            let orig = T2Pkt {
                anom: a,
                fstat: s,
                ..Default::default()
            };
            for (ci, c) in CATS.iter().enumerate() {
                if c.t2(p) != c.t2(&orig) {
                    diff[ci] += 1;
                }
            }
        }
        res.vs_original = Some((n, diff));
    }
    Ok(res)
}

struct Env {
    pcaps: PathBuf,
    conformance: PathBuf,
    out: PathBuf,
    t2: PathBuf,
    plugin_dir: PathBuf,
    flags: Vec<usize>,
}

// ------------------------------------------------------------------------------ the report

fn pct(a: u64, b: u64) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.1} %", 100.0 * a as f64 / b as f64)
    }
}

fn build_doc(
    opts: &Opts,
    results: &[CaptureResult],
    header: &str,
    missing_fields: &[&str],
    oracle: &HashMap<String, OracleRow>,
) -> String {
    let mut s = String::from(header);
    let mut total = vec![CatAgg::default(); CATS.len()];
    let mut reasons: BTreeMap<(usize, bool, &'static str), ReasonAgg> = BTreeMap::new();
    for r in results {
        for (ci, a) in r.cmp.cats.iter().enumerate() {
            total[ci].add(a);
        }
        for (k, v) in &r.cmp.reasons {
            let e = reasons.entry(*k).or_default();
            e.pkts += v.pkts;
            e.captures.extend(v.captures.iter().cloned());
            for ex in &v.examples {
                if e.examples.len() < opts.examples
                    && !e.examples.iter().any(|x| x.capture == ex.capture)
                {
                    e.examples.push(ex.clone());
                }
            }
        }
    }
    let sum = |f: fn(&CaptureResult) -> u64| results.iter().map(f).sum::<u64>();
    let ran = results.iter().filter(|r| r.t2_error.is_empty()).count();
    let flows: u64 = sum(|r| r.cmp.flows);

    // Headline.
    s.push_str("\n## Headline\n\n");
    s.push_str(&format!(
        "{} captures with TCP, {} of them read by our t2; {} TCP packets joined with tshark in {} T2 flows.\n\n",
        results.len(),
        ran,
        sum(|r| r.matched),
        flows
    ));
    let mut rows = Vec::new();
    for (ci, c) in CATS.iter().enumerate() {
        let a = &total[ci];
        let pk_any = a.both + a.only_t2 + a.only_ts;
        rows.push(vec![
            if c.main {
                format!("**{}**", c.name)
            } else {
                c.name.to_string()
            },
            a.flows_any.to_string(),
            format!(
                "{} ({})",
                a.equal_nonzero,
                pct(a.equal_nonzero, a.flows_any)
            ),
            a.t2_more.to_string(),
            a.t2_less.to_string(),
            a.t2_pkts.to_string(),
            a.ts_pkts.to_string(),
            format!("{} ({})", a.both, pct(a.both, pk_any)),
        ]);
    }
    s.push_str(&md_table(
        &[
            "category",
            "flows flagged by either",
            "of those: equal counts",
            "T2 > tshark",
            "T2 < tshark",
            "T2 packets",
            "tshark packets",
            "packets flagged by both (of either)",
        ],
        &rows,
    ));

    // Where the rules agree and the largest causes of disagreement.
    let agree: Vec<String> = CATS
        .iter()
        .enumerate()
        .filter(|(ci, _)| {
            let a = &total[*ci];
            let any = a.both + a.only_t2 + a.only_ts;
            any > 0 && a.both * 100 >= any * 85
        })
        .map(|(ci, c)| {
            let a = &total[ci];
            format!(
                "{} ({} of {} packets)",
                c.name,
                a.both,
                a.both + a.only_t2 + a.only_ts
            )
        })
        .collect();
    s.push_str(&format!(
        "\nThe rules agree on at least 85 % of the packets either tool flags for: {}.\n\n\
         Largest causes of disagreement (packets; the reasons are explained per category below):\n\n",
        if agree.is_empty() { "none".to_string() } else { agree.join(", ") }
    ));
    for (ci, c) in CATS.iter().enumerate() {
        let a = &total[ci];
        let dis = a.only_t2 + a.only_ts;
        if dis == 0 {
            continue;
        }
        let mut v: Vec<(bool, &'static str, u64)> = reasons
            .iter()
            .filter(|((i, _, _), _)| *i == ci)
            .map(|((_, sd, r), ra)| (*sd, *r, ra.pkts))
            .collect();
        v.sort_by(|x, y| y.2.cmp(&x.2).then(x.1.cmp(y.1)));
        let top: Vec<String> = v
            .iter()
            .take(3)
            .map(|(sd, r, n)| {
                format!(
                    "*{r}* (only {}: {n}, {})",
                    if *sd { "T2" } else { "tshark" },
                    pct(*n, dis)
                )
            })
            .collect();
        s.push_str(&format!("- {}: {}\n", c.name, top.join("; ")));
    }

    // The mapping.
    s.push_str("\n## Mapping T2 bit ↔ tshark field\n\n");
    let rows: Vec<Vec<String>> = CATS
        .iter()
        .map(|c| vec![c.name.to_string(), c.t2_bits(), c.ts_fields()])
        .collect();
    s.push_str(&md_table(&["category", "T2 (per packet)", "tshark"], &rows));
    if !missing_fields.is_empty() {
        s.push_str(&format!(
            "\nNot known to this tshark (left out): {}.\n",
            missing_fields.join(", ")
        ));
    }

    // Per category.
    s.push_str("\n## Per category\n\n");
    s.push_str(
        "Flow level: every T2 flow (`flowInd`, both directions) with at least one joined TCP \
         packet; *equal* counts the flows where both tools flag the same number of packets \
         (0 = 0 included). Packet level: joined packets flagged by both, only by T2, only by \
         tshark.\n\n",
    );
    let mut rows = Vec::new();
    for (ci, c) in CATS.iter().enumerate() {
        let a = &total[ci];
        rows.push(vec![
            c.name.to_string(),
            a.flows.to_string(),
            format!("{} ({})", a.equal, pct(a.equal, a.flows)),
            a.t2_more.to_string(),
            a.t2_less.to_string(),
            a.both.to_string(),
            a.only_t2.to_string(),
            a.only_ts.to_string(),
        ]);
    }
    s.push_str(&md_table(
        &[
            "category",
            "flows compared",
            "equal counts",
            "T2 > tshark",
            "T2 < tshark",
            "pkts both",
            "only T2",
            "only tshark",
        ],
        &rows,
    ));
    for (ci, c) in CATS.iter().enumerate() {
        let a = &total[ci];
        s.push_str(&format!("\n### {}\n\n", c.name));
        s.push_str(&format!(
            "T2: {}. tshark: {}.\n\nFlows: {} compared, {} equal ({}), {} with T2 > tshark, {} with T2 < tshark. \
             Packets: {} flagged by both, {} only by T2, {} only by tshark.\n",
            c.t2_bits(),
            c.ts_fields(),
            a.flows,
            a.equal,
            pct(a.equal, a.flows),
            a.t2_more,
            a.t2_less,
            a.both,
            a.only_t2,
            a.only_ts
        ));
        for side in [true, false] {
            let mut v: Vec<(&&'static str, &ReasonAgg)> = reasons
                .iter()
                .filter(|((i, sd, _), _)| *i == ci && *sd == side)
                .map(|((_, _, r), a)| (r, a))
                .collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(|a, b| b.1.pkts.cmp(&a.1.pkts).then(a.0.cmp(b.0)));
            s.push_str(&format!(
                "\n**Only {}** ({} packets):\n\n",
                if side { "T2" } else { "tshark" },
                if side { a.only_t2 } else { a.only_ts }
            ));
            for (label, ra) in v {
                s.push_str(&format!(
                    "- *{label}* — {} packets in {} captures. {}\n",
                    ra.pkts,
                    ra.captures.len(),
                    reason_text(label)
                ));
                for ex in &ra.examples {
                    s.push_str(&format!(
                        "  - `{}` frame {} (flow {}): {}\n",
                        ex.capture, ex.frame, ex.flow, ex.text
                    ));
                }
            }
        }
    }

    // Captures with the largest disagreements.
    s.push_str("\n## Captures with the largest disagreements\n\n");
    let mut order: Vec<&CaptureResult> = results.iter().collect();
    let dis = |r: &CaptureResult| -> u64 { r.cmp.cats.iter().map(|a| a.only_t2 + a.only_ts).sum() };
    order.sort_by(|a, b| dis(b).cmp(&dis(a)).then(a.path.cmp(&b.path)));
    let mut rows = Vec::new();
    for r in order.iter().take(opts.top).filter(|r| dis(r) > 0) {
        let mut row = vec![
            format!("`{}`", r.path),
            r.matched.to_string(),
            r.cmp.flows.to_string(),
        ];
        for (ci, c) in CATS.iter().enumerate() {
            if c.main {
                let a = &r.cmp.cats[ci];
                row.push(format!("{} / {}", a.t2_pkts, a.ts_pkts));
            }
        }
        row.push(dis(r).to_string());
        rows.push(row);
    }
    let mut head = vec!["capture", "TCP pkts", "flows"];
    let names: Vec<String> = CATS
        .iter()
        .filter(|c| c.main)
        .map(|c| format!("{} T2 / tshark", c.name))
        .collect();
    head.extend(names.iter().map(String::as_str));
    head.push("disagreeing (packet, category) pairs");
    s.push_str(&md_table(&head, &rows));

    // Join verification.
    s.push_str("\n## Join check: T2's pktNo = tshark's frame.number\n\n");
    let mism: Vec<&CaptureResult> = results.iter().filter(|r| r.mismatched > 0).collect();
    s.push_str(&format!(
        "- T2 TCP rows: {}; with a TCP header: {}; joined (same frame number, same ports and \
         raw sequence number in both): {}; same frame number but other ports/sequence number: \
         {} (in {} captures)\n",
        sum(|r| r.t2_tcp),
        sum(|r| r.t2_tcp - r.t2_no_header),
        sum(|r| r.matched),
        sum(|r| r.mismatched),
        mism.len()
    ));
    s.push_str(&format!(
        "- T2 TCP rows without a TCP header (later IP fragments, header not captured): {}\n\
         - T2 TCP rows whose frame tshark does not decode as TCP: {}\n\
         - tshark TCP frames without a joined T2 row: {} (of which with an analysis flag: {})\n",
        sum(|r| r.t2_no_header),
        sum(|r| r.t2_only),
        sum(|r| r.ts_only),
        sum(|r| r.ts_only_flagged)
    ));
    let gaps = results
        .iter()
        .filter(|r| r.matched > 0 && r.t2_rows < r.t2_max_no)
        .count();
    let beyond = results.iter().filter(|r| r.t2_max_no > r.ts_frames).count();
    s.push_str(&format!(
        "- captures where T2 wrote no row for some packets (frames T2 reads but assigns to no flow) \
         and still every joined row lines up with tshark's frame of the same number: {gaps}; \
         captures where T2's highest pktNo exceeds tshark's frame count: {beyond}\n"
    ));
    let mut nh: Vec<&CaptureResult> = results.iter().filter(|r| r.t2_no_header > 0).collect();
    nh.sort_by_key(|r| std::cmp::Reverse(r.t2_no_header));
    s.push_str(&format!(
        "- T2 TCP rows without a TCP header, most in: {}\n",
        nh.iter()
            .take(5)
            .map(|r| format!("`{}` ({})", r.path, r.t2_no_header))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s.push_str("- rows with the same frame number but other ports / sequence number:\n");
    for r in mism.iter().take(10) {
        s.push_str(&format!(
            "  - `{}`: {} rows differ, e.g. {}\n",
            r.path,
            r.mismatched,
            r.mismatch_examples.join("; ")
        ));
    }
    let mut tso: Vec<&CaptureResult> = results.iter().filter(|r| r.ts_only > 0).collect();
    tso.sort_by_key(|r| std::cmp::Reverse(r.ts_only));
    if !tso.is_empty() {
        s.push_str("\nCaptures with the most tshark TCP frames T2 has no joined row for:\n\n");
        let rows: Vec<Vec<String>> = tso
            .iter()
            .take(opts.top)
            .map(|r| {
                vec![
                    format!("`{}`", r.path),
                    r.ts_tcp.to_string(),
                    r.ts_only.to_string(),
                    r.ts_only_flagged.to_string(),
                    if r.t2_error.is_empty() {
                        "-".into()
                    } else {
                        r.t2_error.clone()
                    },
                    r.ts_only_examples.join("; "),
                ]
            })
            .collect();
        s.push_str(&md_table(
            &[
                "capture",
                "tshark TCP frames",
                "not joined",
                "flagged",
                "t2 error",
                "e.g.",
            ],
            &rows,
        ));
    }

    // Our t2 vs the original.
    let with_ref: Vec<&CaptureResult> =
        results.iter().filter(|r| r.vs_original.is_some()).collect();
    let n: u64 = with_ref
        .iter()
        .map(|r| r.vs_original.as_ref().map_or(0, |v| v.0))
        .sum();
    s.push_str("\n## The T2 side: our t2 against the original's packets.txt\n\n");
    s.push_str(&format!(
        "The T2 numbers above come from this reimplementation. For the {} captures whose \
         original packet-mode output is in `../shared/conformance` (X.packets.txt), the {} \
         joined packets were also looked up there by pktNo; packets where a category's bits differ \
         between our t2 and the original:\n\n",
        with_ref.len(),
        n
    ));
    let rows: Vec<Vec<String>> = CATS
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let d: u64 = with_ref
                .iter()
                .map(|r| r.vs_original.as_ref().map_or(0, |v| v.1[ci]))
                .sum();
            let caps: Vec<String> = with_ref
                .iter()
                .filter(|r| r.vs_original.as_ref().is_some_and(|v| v.1[ci] > 0))
                .take(3)
                .map(|r| format!("`{}`", r.path))
                .collect();
            vec![c.name.to_string(), d.to_string(), caps.join(", ")]
        })
        .collect();
    s.push_str(&md_table(
        &["category", "packets differing", "e.g. in"],
        &rows,
    ));

    // Oracle cross-check.
    s.push_str("\n## tshark side: cross-check with ORACLE_tshark_scan.tsv\n\n");
    let mut diffs = Vec::new();
    let mut checked = 0;
    for r in results {
        let Some(o) = oracle.get(&r.path) else {
            continue;
        };
        if r.ts_totals.is_empty() {
            continue;
        }
        checked += 1;
        let mut d = Vec::new();
        if o.counts
            .get("tshark_packets")
            .is_some_and(|&v| v != r.ts_frames)
        {
            d.push(format!(
                "packets {} vs {}",
                r.ts_frames, o.counts["tshark_packets"]
            ));
        }
        for (b, n) in TS_FLAGS.iter().enumerate() {
            if let Some(&ov) = o.counts.get(*n) {
                if ov != r.ts_totals[b] {
                    d.push(format!("{n} {} vs {ov}", r.ts_totals[b]));
                }
            }
        }
        if !d.is_empty() {
            diffs.push(vec![format!("`{}`", r.path), d.join(", ")]);
        }
    }
    let cols: Vec<&str> = TS_FLAGS
        .iter()
        .copied()
        .filter(|n| {
            oracle
                .values()
                .next()
                .is_some_and(|o| o.counts.contains_key(*n))
        })
        .collect();
    s.push_str(&format!(
        "Per capture, the number of frames carrying each flag in our tshark run (all frames, \
         joined or not) against the oracle's columns ({}) and its packet count: {} captures \
         checked, {} differ.\n",
        cols.join(", "),
        checked,
        diffs.len()
    ));
    if !diffs.is_empty() {
        s.push('\n');
        s.push_str(&md_table(&["capture", "ours vs oracle"], &diffs));
    }
    let notes: Vec<&CaptureResult> = results.iter().filter(|r| !r.ts_note.is_empty()).collect();
    if !notes.is_empty() {
        s.push_str(&format!(
            "\ntshark exited non-zero on {} captures (its output up to the error is used): {}\n",
            notes.len(),
            notes
                .iter()
                .take(10)
                .map(|r| format!("`{}` ({})", r.path, r.ts_note))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let errs: Vec<&CaptureResult> = results.iter().filter(|r| !r.t2_error.is_empty()).collect();
    if !errs.is_empty() {
        s.push_str(&format!(
            "\nOur t2 did not process {} captures (no T2 rows; their tshark TCP frames count as not joined): {}\n",
            errs.len(),
            errs.iter()
                .map(|r| format!("`{}` ({})", r.path, r.t2_error))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

// ------------------------------------------------------------------------------ main

pub fn run(opts: Opts) -> Result<i32> {
    let root = common::workspace_root();
    let shared = common::shared_dir(&root);
    let pcaps = shared
        .join("pcaps")
        .canonicalize()
        .with_context(|| format!("{}/pcaps", shared.display()))?;
    let conf = shared.join("conformance");
    let oracle_rows = read_oracle(&pcaps.join("ORACLE_tshark_scan.tsv"))?;
    let mut sel: Vec<OracleRow> = oracle_rows.iter().filter(|r| r.tcp).cloned().collect();
    if !opts.filters.is_empty() {
        sel.retain(|r| opts.filters.iter().any(|f| r.path.contains(f.as_str())));
    }
    if sel.is_empty() {
        bail!("no capture with TCP selected");
    }
    let oracle: HashMap<String, OracleRow> = oracle_rows
        .into_iter()
        .map(|r| (r.path.clone(), r))
        .collect();
    let (version, flags, missing) = tshark_setup(&opts.tshark)?;

    // t2 and the default plugins.
    let work = common::TempDir::new("tcp-analysis")?;
    let plugin_dir = match &opts.plugin_dir {
        Some(d) => d
            .canonicalize()
            .with_context(|| format!("--plugin-dir {}", d.display()))?,
        None => {
            let names: Vec<String> = common::DEFAULT_PLUGINS
                .iter()
                .map(|s| s.to_string())
                .collect();
            let (plugins, missing) = common::resolve_plugins(&root, &names)?;
            if !missing.is_empty() {
                bail!(
                    "default plugin(s) not in the workspace: {}",
                    missing.join(", ")
                );
            }
            if !opts.no_build {
                common::cargo_build(&root, &plugins, opts.t2.is_none())?;
            }
            let dir = work.path.join("plugins");
            common::install_plugins(&root, &plugins, &dir)?;
            dir
        }
    };
    if opts.t2.is_none() && opts.plugin_dir.is_some() && !opts.no_build {
        common::cargo_build(&root, &[], true)?;
    }
    let t2 = match &opts.t2 {
        Some(p) => p
            .canonicalize()
            .with_context(|| format!("--t2 {}", p.display()))?,
        None => common::t2_binary(&root)?,
    };
    let out = match &opts.out {
        Some(o) => {
            fs::create_dir_all(o)?;
            o.canonicalize()?
        }
        None => work.path.join("out"),
    };
    let env = Env {
        pcaps,
        conformance: conf,
        out,
        t2,
        plugin_dir,
        flags,
    };
    eprintln!(
        "tcp-analysis: {} capture(s) with TCP; {version}; t2 {}",
        sel.len(),
        env.t2.display()
    );
    let started = Instant::now();
    let mut results = Vec::new();
    let step = (sel.len() / 20).max(10);
    for (n, row) in sel.iter().enumerate() {
        let r = process(&opts, &env, row, &work.path)
            .with_context(|| format!("capture {}", row.path))?;
        results.push(r);
        if (n + 1) % step == 0 || n + 1 == sel.len() {
            eprintln!(
                "  [{}/{}] {:.0} s",
                n + 1,
                sel.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    if let Some(d) = &opts.dump {
        let mut text = String::from(
            "capture\tframe\tflowInd\tcategory\tside\treason\ttcpAnomaly\ttcpFStat\ttshark\tcontext\n",
        );
        for r in &results {
            for l in &r.cmp.dump {
                text.push_str(l);
                text.push('\n');
            }
        }
        fs::write(d, text).with_context(|| format!("writing {}", d.display()))?;
    }

    let (date, datetime) = common::utc_now();
    let commit = common::git_commit(&root);
    let header = format!(
        "# TCP analysis: T2's rules against Wireshark's (tshark)\n\n\
         Generated by `cargo xtask tcp-analysis` on {datetime} ({date}), t2rs commit `{commit}`{}; \
         {version}; {} captures{}; wall time {:.0} s.\n\n{}",
        if opts.t2.is_some() {
            " (t2 binary given with --t2)"
        } else {
            ""
        },
        results.len(),
        if opts.filters.is_empty() {
            String::new()
        } else {
            format!(" (filter: {})", opts.filters.join(", "))
        },
        started.elapsed().as_secs_f64(),
        METHOD
    );
    let doc = build_doc(&opts, &results, &header, &missing, &oracle);
    let write = opts.write_doc.unwrap_or(opts.filters.is_empty());
    if write {
        let p = root.join("docs").join("tcp-analysis.md");
        fs::write(&p, &doc).with_context(|| format!("writing {}", p.display()))?;
        eprintln!("wrote {}", p.display());
    } else {
        print!("{doc}");
    }
    Ok(0)
}

const METHOD: &str = "\
## Method

Issue #5's second opinion: tcpFlags implements T2's own SEQ/ACK heuristics (spec §4.3); \
Wireshark has its own (User's Guide §7.5 \"TCP Analysis\"). Both are heuristics; this page \
says, per kind of event, where they agree and why they differ. Re-run: \
`nice -n 10 cargo xtask tcp-analysis [--t2 PATH --plugin-dir DIR]` (`--dump FILE` lists every \
disagreeing packet with its context).

1. Captures: every row of `../shared/pcaps/ORACLE_tshark_scan.tsv` whose protocol set \
   contains `tcp`.
2. T2 side: our t2 with T2's 10 default plugins in packet mode, one capture at a time from \
   `../shared/pcaps`: `t2 -p PLUGINDIR -r REL -w OUT/REL -s`. Per packet of `PREFIX_packets.txt`: \
   `pktNo`, `flowInd`, `l4Proto`, `srcIP`, `srcPort`, `dstPort`, `seq`, `ack`, `tcpAnomaly`, \
   `tcpFStat` (the packet's own bits).
3. tshark side: `tshark -r REL -n -o tcp.analyze_sequence_numbers:TRUE -o \
   tcp.relative_sequence_numbers:TRUE -T fields -E separator=/t -E occurrence=l -e frame.number \
   -e tcp.stream -e tcp.srcport -e tcp.dstport -e tcp.seq_raw ... -e tcp.analysis.<flag> ...`: \
   one pass (no `-2`), all other preferences at their defaults, exactly as the oracle was made \
   (the cross-check below confirms it capture by capture). `occurrence=l` takes the innermost TCP \
   header of tunnelled frames, as T2 does. A flag counts when the field is present.
4. Join: a T2 TCP row and the tshark frame with the same number are one packet when both \
   decode TCP with the same ports and the same raw sequence number (T2's `pktNo` counts every \
   packet read, so it is the frame number; see the join check). Only joined packets are compared.
5. Flows are T2's (`flowInd`, A and B direction together, i.e. one TCP connection until T2's \
   timeouts split it); per flow and category each tool's flagged packets are counted and \
   compared. Packet level: both / only T2 / only tshark.
6. Each packet where only one tool flags a category is given a reason by a rule written from \
   the two definitions (below, with examples: capture, frame, what each tool says, the packet \
   and the previous packets of its connection in tshark's relative numbers).
";

#[cfg(test)]
mod tests {
    use super::*;

    fn t2row(
        no: u64,
        flow: u64,
        l4: u8,
        src: &str,
        sport: u16,
        dport: u16,
        seq: Option<u32>,
        anom: u16,
    ) -> T2Pkt {
        T2Pkt {
            no,
            flow,
            l4,
            src: src.into(),
            sport,
            dport,
            seq,
            ack: seq.map(|_| 1),
            anom,
            fstat: 0,
        }
    }

    fn tsrow(no: u64, tcp: Option<(u16, u16, u32, u32)>, an: u32) -> TsPkt {
        match tcp {
            Some((sp, dp, seq, len)) => TsPkt {
                no,
                time: no as f64,
                stream: Some(0),
                sport: Some(sp),
                dport: Some(dp),
                seq_raw: Some(seq),
                ack_raw: Some(1),
                seq: Some(seq),
                ack: Some(1),
                len,
                flags: ACK_F,
                winv: Some(100),
                win: Some(100),
                an,
            },
            None => TsPkt {
                no,
                ..Default::default()
            },
        }
    }

    /// Hand-built capture: a flow with a duplicate ACK both tools see and a re-sent segment
    /// that T2 calls out-of-order and tshark a retransmission; a UDP row, a TCP row without
    /// header, a row whose frame differs, a row tshark has no TCP for, a frame only tshark has.
    fn sample() -> (Vec<T2Pkt>, Vec<TsPkt>) {
        let t2 = vec![
            t2row(1, 1, 6, "10.0.0.1", 1000, 80, Some(100), 0),
            t2row(2, 1, 6, "10.0.0.2", 80, 1000, Some(500), A_DUP_ACK),
            t2row(3, 1, 6, "10.0.0.1", 1000, 80, Some(100), A_SEQ_OUTORDR),
            t2row(4, 2, 17, "10.0.0.1", 53, 53, None, 0),
            t2row(5, 3, 6, "10.0.0.3", 2000, 80, None, 0),
            t2row(6, 3, 6, "10.0.0.3", 2000, 80, Some(7), 0),
            t2row(7, 4, 6, "10.0.0.4", 3000, 80, Some(9), 0),
        ];
        let ts = vec![
            tsrow(1, Some((1000, 80, 100, 10)), 0),
            tsrow(2, Some((80, 1000, 500, 0)), TS_DUPACK),
            tsrow(3, Some((1000, 80, 100, 10)), TS_RETX),
            tsrow(4, None, 0),
            tsrow(5, None, 0),
            tsrow(6, Some((2000, 80, 8, 0)), 0),
            tsrow(7, None, 0),
            tsrow(8, Some((4000, 80, 1, 0)), TS_RETX),
        ];
        (t2, ts)
    }

    #[test]
    fn join_rows() {
        let (t2, ts) = sample();
        let j = join(&t2, &ts);
        assert_eq!(j.matched, vec![(0, 0), (1, 1), (2, 2)]);
        assert_eq!(j.mismatched, vec![(5, 5)]);
        assert_eq!(j.t2_only, vec![6]);
        assert_eq!(j.t2_no_header, 1);
        assert_eq!(j.ts_only, vec![7]);
    }

    #[test]
    fn compare_flows_and_packets() {
        let (t2, ts) = sample();
        let j = join(&t2, &ts);
        let c = compare("x.pcap", &t2, &ts, &j, 2, true);
        assert_eq!(c.flows, 1);
        assert_eq!(c.pkts, 3);
        let cat = |k: &str| &c.cats[CATS.iter().position(|c| c.key == k).unwrap()];
        let dup = cat("dupack");
        assert_eq!((dup.flows, dup.equal, dup.equal_nonzero), (1, 1, 1));
        assert_eq!((dup.both, dup.only_t2, dup.only_ts), (1, 0, 0));
        let retx = cat("retx");
        assert_eq!(
            (retx.t2_less, retx.t2_more, retx.only_ts, retx.ts_pkts),
            (1, 0, 1, 1)
        );
        let ooo = cat("ooo");
        assert_eq!((ooo.t2_more, ooo.only_t2, ooo.t2_pkts), (1, 1, 1));
        let zw = cat("zwin");
        assert_eq!((zw.flows, zw.equal, zw.flows_any), (1, 1, 0));
        // The re-sent segment: out-of-order for T2, a retransmission for tshark.
        let ri = CATS.iter().position(|c| c.key == "retx").unwrap();
        let oi = CATS.iter().position(|c| c.key == "ooo").unwrap();
        assert_eq!(c.reasons[&(ri, false, "t2-ooo")].pkts, 1);
        assert_eq!(c.reasons[&(oi, true, "ws-retx")].examples[0].frame, 3);
        assert_eq!(c.dump.len(), 2);
    }

    #[test]
    fn parse_rows() {
        let flags: Vec<usize> = (0..TS_FLAGS.len()).collect();
        let mut l =
            String::from("12\t0.5\t3\t1000\t80\t4000000000\t7\t11\t1\t0\t0x0018\t501\t64128");
        for i in 0..TS_FLAGS.len() {
            l.push('\t');
            if i == 3 || i == 5 {
                l.push('1');
            }
        }
        let q = parse_ts_line(&l, &flags).unwrap();
        assert_eq!(
            (q.no, q.stream, q.seq_raw, q.flags, q.win),
            (12, Some(3), Some(4_000_000_000), 0x18, Some(64128))
        );
        assert_eq!(q.an, TS_DUPACK | TS_ZWIN);
        let udp = parse_ts_line("13\t0.6\t\t\t\t\t\t\t\t\t\t\t", &flags).unwrap();
        assert!(!udp.tcp());

        let dir = common::TempDir::new("tcp-analysis-test").unwrap();
        let p = dir.path.join("x_packets.txt");
        fs::write(
            &p,
            "%pktNo\tflowInd\tsrcIP\tsrcPort\tdstPort\tl4Proto\tseq\tack\ttcpFStat\ttcpAnomaly\tl7Content\n\
             1\t1\t10.0.0.1\t1000\t80\t6\t100\t0\t0x0011\t0x0040\tGET /\n\
             2\t2\t10.0.0.1\t53\t53\t17\t\t\t0x0000\t\t..\n",
        )
        .unwrap();
        let rows = read_t2_packets(&p).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            t2row(1, 1, 6, "10.0.0.1", 1000, 80, Some(100), A_SEQ_OUTORDR).clone_with(0, 0x0011)
        );
        assert_eq!((rows[1].l4, rows[1].seq), (17, None));
        assert_eq!(strip_ansi("\u{1b}[1;31m[ERR]\u{1b}[0m x"), "[ERR] x");
    }

    impl T2Pkt {
        fn clone_with(mut self, ack: u32, fstat: u16) -> T2Pkt {
            self.ack = Some(ack);
            self.fstat = fstat;
            self
        }
    }
}
