//! tawk, tcol, protStat and the other post-processing tools of `scripts/` (issue 7).
//!
//! - Every tawk, tcol, protStat and lsx command of the two tutorials
//!   (`../shared/seeds/commands.txt`) runs on the original T2's output of captures of
//!   `../shared/pcaps` with the traffic features of the tutorials' files (see [`MAP`]):
//!   the expected selection of each command is computed here, in Rust, from the same file
//!   (bit tests, comparisons, projections, sorting), never from tawk's output; the rest of a
//!   pipeline (sort, head, cut) is applied to that expectation with the plain Unix tools and
//!   `column -t` instead of tcol, then compared with the real command's output.
//! - The commands that only use basicFlow's columns (or, in packet files, the core's pktNo and
//!   flowInd) also run on the output of our t2 (basicFlow + txtSink, with -s) for the same
//!   captures: they select the same flows (dir, flowInd) and packets (pktNo, flowInd).
//! - `tawk -V`: the tables the tutorials print for given values are parsed out of the tutorial
//!   texts and compared (bits and masks) with tawk's, for every column whose bit table the
//!   core or an installed plugin declares (flowStat today; tcpFStat, ipFlags, tcpFlags,
//!   tcpAnomaly, tcpMPTBF when tcpFlags declares them: listed as pending until then).
//! - A plugin made with `t2plugin -c` and given a status column with a bit table is decoded by
//!   `tawk -V` as it is; `t2build tranalyzer2` installs the tools, tawk's library and the bash
//!   completion; the library functions of spec §5.3 on a small file of known values.
//!
//! Tests skip with a message when `../shared` is absent (the parts that need no capture run).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use t2_tests::*;

/// A file name of the tutorials and the captures of `../shared/pcaps` that stand for it.
struct TutorialFile {
    /// As in the tutorials: `annoloc2` for annoloc2_flows.txt, annoloc2_packets.txt, ...
    name: &'static str,
    /// Why these captures.
    features: &'static str,
    captures: &'static [&'static str],
}

/// The tutorials' captures are not in `../shared`; these have the same traffic features.
const MAP: &[TutorialFile] = &[
    TutorialFile {
        name: "annoloc2",
        features: "mixed and murky traffic: snapped packets, stopped dissection, GRE, fragments, \
                   ICMP unreachables, TCP anomalies and scans, checksum errors, TCP options",
        captures: &["zeek/erspan.pcap", "ndpi/fuzz-2006-09-29-28586.pcap"],
    },
    TutorialFile {
        name: "faf-exercise",
        features: "TCP sessions with retransmissions, duplicate ACKs, window problems, RTT",
        captures: &[
            "nfstream/KakaoTalk_chat.pcap",
            "ndpi/heuristic_tcp_ack_payload.pcap",
        ],
    },
    TutorialFile {
        name: "frag",
        features: "IPv4 fragments (fragment flags of ipFlags)",
        captures: &[
            "ndpi/dns_fragmented.pcap",
            "ndpi/fuzz-2020-02-16-11740.pcap",
        ],
    },
    TutorialFile {
        name: "nmap_v_sT",
        features: "an nmap scan (scan bits of tcpAnomaly, one-packet flows)",
        captures: &["zeek/nmap-vsn.pcap"],
    },
    TutorialFile {
        name: "iperf-mptcp-0-0",
        features: "MPTCP",
        captures: &["tcpdump/mptcp-v0.pcap"],
    },
];

fn scripts() -> PathBuf {
    root().join("scripts")
}

/// `../shared`, or a skip message.
fn shared_or_skip(test: &str) -> Option<PathBuf> {
    let s = shared();
    if s.is_none() {
        eprintln!("{test}: skipped: ../shared (captures, reference outputs, tutorials) is absent");
    }
    s
}

// ---- running the tools -----------------------------------------------------------------------

/// A scratch home (results folder, tawk's cache) and a plugin folder.
struct Env {
    home: TempDir,
    plugins: PathBuf,
}

impl Env {
    /// With PLUGINS, tawk -V asks t2 about that plugin folder; without, about an empty one
    /// (the core's flowStat table only).
    fn new(tag: &str, plugins: Option<&Path>) -> Env {
        let home = TempDir::new(tag);
        fs::create_dir_all(home.path().join("results")).unwrap();
        let plugins = plugins
            .map(Path::to_path_buf)
            .unwrap_or_else(|| home.path().join(".tranalyzer/plugins"));
        // A copy of t2 of its own: tawk keys its table cache by the program's file, and tests
        // that build the workspace (t2build) may relink target/release/t2 meanwhile.
        fs::create_dir_all(home.path().join("bin")).unwrap();
        fs::copy(&bins().t2, home.path().join("bin/t2")).unwrap();
        Env { home, plugins }
    }

    fn results(&self) -> PathBuf {
        self.home.path().join("results")
    }

    /// `bash -c CMD` in ~/results with the tools of scripts/ first in PATH.
    fn sh(&self, cmd: &str) -> Output {
        let path = format!(
            "{}:{}:{}",
            scripts().display(),
            scripts().join("tawk").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(self.results())
            .env("PATH", path)
            .env("HOME", self.home.path())
            .env("T2", self.home.path().join("bin/t2"))
            .env("T2_PLUGIN_DIR", &self.plugins)
            .env_remove("TAWK_LIB")
            .env_remove("T2HOME")
            .env("LC_ALL", "C")
            .output()
            .expect("bash runs")
    }

    /// Runs CMD and returns its standard output; it must succeed without messages.
    fn ok(&self, cmd: &str) -> String {
        let o = self.sh(cmd);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{cmd}\nfailed: {err}");
        assert!(err.trim().is_empty(), "{cmd}\nwrote to stderr: {err}");
        String::from_utf8(o.stdout).expect("utf-8 output")
    }
}

/// Installs every plugin of the tree that builds into DIR (others are being written: a
/// failure is reported, not fatal), for the bit tables of `tawk -V`.
fn install_all_plugins(dir: &Path) {
    let mut names: Vec<String> = fs::read_dir(root().join("plugins"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("t2plugin.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let o = Command::new(&bins().t2build)
        .current_dir(root())
        .arg("-p")
        .arg(dir)
        .args(&names)
        .output()
        .expect("t2build runs");
    if !o.status.success() {
        eprintln!(
            "note: not every plugin of the tree builds yet; tawk -V uses those that do:\n{}",
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| l.contains("ERR") || l.contains("FAILED"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

// ---- the files, and expectations computed from them ------------------------------------------

/// A T2 text file: the header row (with its '%') and the rows.
struct Table {
    header_line: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Old column names of the tutorials and today's (spec §8), as this test knows them.
const OLD_NAMES: &[(&str, &str)] = &[
    ("numPktsSnt", "pktsSnt"),
    ("numPktsRcvd", "pktsRcvd"),
    ("numBytesSnt", "l7BytesSnt"),
    ("numBytesRcvd", "l7BytesRcvd"),
    ("tcpAveWinSz", "tcpAvgWinSz"),
    ("tcpRTTAckTripAve", "tcpRTTAckTripAvg"),
    ("tcpRTTAckTripJitAve", "tcpRTTAckTripJitAvg"),
    ("tcpRTTAckJitAve", "tcpRTTAckJitAvg"),
    ("srcIPWho", "srcIPOrg"),
    ("dstIPWho", "dstIPOrg"),
    ("ethVlanID", "vlanID"),
];

impl Table {
    fn read(path: &Path) -> Table {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header_line = lines.next().unwrap_or("").to_string();
        let header = header_line
            .trim_start_matches('%')
            .split('\t')
            .map(String::from)
            .collect();
        let rows = lines
            .map(|l| l.split('\t').map(String::from).collect())
            .collect();
        Table {
            header_line,
            header,
            rows,
        }
    }

    /// The index of column NAME (or of the current name of an old NAME).
    fn col(&self, name: &str) -> usize {
        let name = OLD_NAMES
            .iter()
            .find(|(o, _)| *o == name)
            .map(|(_, n)| *n)
            .unwrap_or(name);
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        row.get(self.col(name)).map(String::as_str).unwrap_or("")
    }

    fn hex(&self, row: &[String], name: &str) -> u64 {
        hex(self.get(row, name))
    }

    /// The header row (if KEEP) and the rows for which PRED holds, as tawk prints them.
    fn select(&self, keep: bool, pred: impl Fn(&Table, &[String]) -> bool) -> String {
        let mut out = String::new();
        if keep {
            out.push_str(&self.header_line);
            out.push('\n');
        }
        for r in self.rows.iter().filter(|r| pred(self, r)) {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        out
    }

    /// `{ print $a, $b, ... }` for the header (if KEEP) and the rows of PRED. A name in
    /// `bare` is printed as its column number (an unprefixed variable, `connSipDprt`).
    fn print(&self, keep: bool, cols: &[&str], pred: impl Fn(&Table, &[String]) -> bool) -> String {
        let idx: Vec<(usize, bool)> = cols
            .iter()
            .map(|c| match c.strip_prefix('#') {
                Some(bare) => (self.col(bare), true),
                None => (self.col(c), false),
            })
            .collect();
        let cells = |r: &[String], header: bool| -> String {
            idx.iter()
                .map(|&(i, bare)| {
                    if bare {
                        (i + 1).to_string()
                    } else if header && i == 0 {
                        format!("%{}", r[0])
                    } else {
                        r.get(i).cloned().unwrap_or_default()
                    }
                })
                .collect::<Vec<_>>()
                .join("\t")
        };
        let mut out = String::new();
        if keep {
            out.push_str(&cells(&self.header, true));
            out.push('\n');
        }
        for r in self.rows.iter().filter(|r| pred(self, r)) {
            out.push_str(&cells(r, false));
            out.push('\n');
        }
        out
    }

    /// The header and the first N rows by column COL, largest first (equal values in file
    /// order), as `t2sort(col, n)`.
    fn top(&self, col: &str, n: usize) -> String {
        let c = self.col(col);
        let mut rows: Vec<&Vec<String>> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            let (x, y) = (num(&a[c]).unwrap_or(0.0), num(&b[c]).unwrap_or(0.0));
            y.partial_cmp(&x).unwrap()
        });
        let mut out = format!("{}\n", self.header_line);
        for r in rows.into_iter().take(n) {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        out
    }
}

fn hex(s: &str) -> u64 {
    let s = s.trim();
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).unwrap_or_else(|_| panic!("bad hex {s:?}")),
        None => s.parse().unwrap_or(0),
    }
}

/// A number as awk reads one from a field (None: the field is a string).
fn num(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || t.starts_with("0x")
        || t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// awk's `FIELD > CONST`: numeric for a numeric field, else a string comparison (the header).
fn awk_gt(field: &str, c: f64, c_text: &str) -> bool {
    match num(field) {
        Some(v) => v > c,
        None => field > c_text,
    }
}

// ---- the tutorials' commands -----------------------------------------------------------------

/// Values of one capture that the tutorials give as literals (a flow index, an address, a
/// packet range), chosen from the reference files the same way the tutorials chose theirs.
struct Literals {
    /// The address with the most flows (the tutorial's "biggest connector").
    busiest_ip: String,
    /// The flow with the most packets in the packet file.
    busiest_flow: String,
    /// A range of 24 packet numbers from the middle of the packet file.
    packet_range: (u64, u64),
    /// A flow with fragments (flowStat IPV4_FRAG), else the busiest flow.
    frag_flow: String,
}

fn literals(flows: &Table, packets: Option<&Table>) -> Literals {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &flows.rows {
        *count.entry(flows.get(r, "srcIP")).or_default() += 1;
    }
    let busiest_ip = count
        .iter()
        .max_by_key(|(ip, n)| (**n, std::cmp::Reverse(**ip)))
        .map(|(ip, _)| ip.to_string())
        .unwrap_or_default();
    let (mut busiest_flow, mut packet_range, mut frag_flow) = (String::from("1"), (1, 24), None);
    if let Some(p) = packets {
        let mut per: std::collections::BTreeMap<u64, usize> = Default::default();
        for r in &p.rows {
            *per.entry(p.get(r, "flowInd").parse().unwrap()).or_default() += 1;
        }
        busiest_flow = per
            .iter()
            .max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))
            .map(|(f, _)| f.to_string())
            .unwrap();
        let mid = p.rows.len() / 2;
        let lo: u64 = p
            .get(&p.rows[mid.saturating_sub(12)], "pktNo")
            .parse()
            .unwrap();
        packet_range = (lo, lo + 23);
        frag_flow = p
            .rows
            .iter()
            .find(|r| p.hex(r, "flowStat") & 0x10_0000_0000 != 0)
            .map(|r| p.get(r, "flowInd").to_string());
    }
    Literals {
        frag_flow: frag_flow.unwrap_or_else(|| busiest_flow.clone()),
        busiest_ip,
        busiest_flow,
        packet_range,
    }
}

/// One command of the tutorials.
struct Case {
    /// As in the tutorials' commands.txt (file names as there).
    cmd: &'static str,
    /// The file whose table the expectation is computed from: "flows" or "packets".
    file: &'static str,
    /// What tawk prints (the first stage of the pipeline).
    expect: fn(&Table, &Literals) -> String,
    /// Uses basicFlow's (flows) or the core's (packets: pktNo, flowInd) columns only: also run
    /// on our t2's output.
    basic: bool,
}

const PRINT_FRAG: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "tcpFStat",
    "ipFlags",
    "tcpFlags",
    "tcpAnomaly",
    "numPktsSnt",
    "numPktsRcvd",
    "numBytesSnt",
    "numBytesRcvd",
];
const PRINT_WIN: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "l4Proto",
    "tcpFStat",
    "ipFlags",
    "tcpFlags",
    "tcpAnomaly",
    "tcpInitWinSz",
    "tcpAveWinSz",
    "tcpMinWinSz",
    "tcpMaxWinSz",
    "tcpWinSzDwnCnt",
    "tcpWinSzUpCnt",
    "tcpWinSzChgDirCnt",
    "tcpWinSzThRt",
];
const PRINT_DUP: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "l4Proto",
    "ipFlags",
    "tcpFStat",
    "tcpFlags",
    "tcpAnomaly",
    "tcpISeqN",
    "tcpSeqSntBytes",
    "tcpSeqFaultCnt",
    "tcpPAckCnt",
    "tcpFlwLssAckRcvdBytes",
    "tcpAckFaultCnt",
    "tcpBFlgtMx",
];
const PRINT_RTT: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "l4Proto",
    "tcpFStat",
    "ipFlags",
    "tcpFlags",
    "tcpAnomaly",
    "tcpSSASAATrip",
    "tcpRTTAckTripMin",
    "tcpRTTAckTripMax",
    "tcpRTTAckTripAve",
    "tcpRTTAckTripJitAve",
    "tcpRTTSseqAA",
    "tcpRTTAckJitAve",
];
const PRINT_CHK: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "l4Proto",
    "tcpFStat",
    "ipFlags",
    "tcpFlags",
    "tcpAnomaly",
];
const PRINT_OPT: &[&str] = &[
    "dir",
    "flowInd",
    "flowStat",
    "srcIP",
    "srcIPCC",
    "srcIPOrg",
    "srcPort",
    "dstIP",
    "dstIPCC",
    "dstIPOrg",
    "dstPort",
    "l4Proto",
    "tcpFStat",
    "tcpFlags",
    "ipFlags",
    "tcpAnomaly",
    "tcpOptCnt",
    "tcpOptions",
    "tcpMSS",
    "tcpWS",
];

/// The tawk/tcol/protStat/lsx commands of both tutorials ("tawk ... | t2plot ..." without the
/// plot, which is not part of t2rs).
fn cases() -> Vec<(&'static str, Case)> {
    vec![
        // ---- Tutorial: Basic Analysis (annoloc2) ----
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($flowStat, 0x0000080100000000)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: true,
                expect: |t, _| {
                    t.select(true, |t, r| {
                        t.hex(r, "flowStat") & 0x0000_0801_0000_0000 != 0
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($flowStat, 0x0000080100000000)' annoloc2_flows.txt | cut -f 1,3- | tcol",
                file: "flows",
                basic: true,
                expect: |t, _| {
                    t.select(true, |t, r| {
                        t.hex(r, "flowStat") & 0x0000_0801_0000_0000 != 0
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($flowStat, 0x0000080f00000000) && sport(443)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: true,
                expect: |t, _| {
                    t.select(true, |t, r| {
                        t.hex(r, "flowStat") & 0x0000_080f_0000_0000 != 0
                            && t.get(r, "srcPort") == "443"
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($flowStat, 1) == 0 && ($srcIPCC == \"cn\" || $dstIPCC == \"cn\") { print $srcIP, $srcIPCC, $dstIP, $dstIPCC }' annoloc2_flows.txt | sort -V -u | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.print(false, &["srcIP", "srcIPCC", "dstIP", "dstIPCC"], |t, r| {
                        t.hex(r, "flowStat") & 1 == 0
                            && (t.get(r, "srcIPCC") == "cn" || t.get(r, "dstIPCC") == "cn")
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'hdr() || ($dstIPCC == \"cn\" && tcp())' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.select(true, |t, r| {
                        t.get(r, "dstIPCC") == "cn" && t.get(r, "l4Proto") == "6"
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($ipFlags, 0x0318)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.select(true, |t, r| t.hex(r, "ipFlags") & 0x0318 != 0),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($tcpAnomaly, 0x00f8)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.select(true, |t, r| t.hex(r, "tcpAnomaly") & 0x00f8 != 0),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 't2sort(numPktsSnt, 4)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.top("pktsSnt", 4),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 't2sort(numBytesSnt, 4)' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.top("l7BytesSnt", 4),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'not(bitsanyset($flowStat, 1)) && shost(\"138.212.189.66\") { print $timeFirst, $timeLast, $srcIP, $srcIPCC, $connSip, $connSipDip, connSipDprt, $connF }' annoloc2_flows.txt | LC_ALL=C sort -t$'\\t' -n -k3,3 | tcol",
                file: "flows",
                basic: false,
                expect: |t, l| {
                    let ip = l.busiest_ip.clone();
                    t.print(
                        true,
                        &[
                            "timeFirst",
                            "timeLast",
                            "srcIP",
                            "srcIPCC",
                            "connSip",
                            "connSipDip",
                            "#connSipDprt",
                            "connF",
                        ],
                        move |t, r| t.hex(r, "flowStat") & 1 == 0 && t.get(r, "srcIP") == ip,
                    )
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk '{ print $timeFirst, $srcIP, $connSip }' annoloc2_flows.txt",
                file: "flows",
                basic: false,
                expect: |t, _| t.print(true, &["timeFirst", "srcIP", "connSip"], |_, _| true),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'host(\"138.212.189.66\")' annoloc2_flows.txt > annoloc2_ip.txt",
                file: "flows",
                basic: true,
                expect: |t, l| {
                    let ip = l.busiest_ip.clone();
                    t.select(true, move |t, r| {
                        t.get(r, "srcIP") == ip || t.get(r, "dstIP") == ip
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'icmp()' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: true,
                expect: |t, _| t.select(true, |t, r| t.get(r, "l4Proto") == "1"),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk '{ split($icmpBFTypH_TypL_Code, A, \"_\"); if (bitsanyset(A[3], 0x3)) print }' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.select(true, |t, r| {
                        hex(t
                            .get(r, "icmpBFTypH_TypL_Code")
                            .split('_')
                            .nth(2)
                            .unwrap_or("0"))
                            & 3
                            != 0
                    })
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk '$icmpTCcnt > 0' annoloc2_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.select(awk_gt("icmpTCcnt", 0.0, "0"), |t, r| {
                        awk_gt(t.get(r, "icmpTCcnt"), 0.0, "0")
                    })
                },
            },
        ),
        // ---- Tutorial: IP/TCP troubleshooting ----
        (
            "faf-exercise",
            Case {
                cmd: "tawk 'bitsanyset($tcpAnomaly, 0x000c)' ~/results/faf-exercise_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.select(true, |t, r| t.hex(r, "tcpAnomaly") & 0x000c != 0),
            },
        ),
        (
            "faf-exercise",
            Case {
                cmd: "tawk 'flow(36)' ~/results/faf-exercise_packets.txt | tcol",
                file: "packets",
                basic: true,
                expect: |t, l| {
                    let f = l.busiest_flow.clone();
                    t.select(true, move |t, r| t.get(r, "flowInd") == f)
                },
            },
        ),
        (
            "faf-exercise",
            Case {
                cmd: "tawk 'bitsanyset($tcpFStat, 0x0700) { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $l4Proto, $tcpFStat, $ipFlags, $tcpFlags, $tcpAnomaly, $tcpInitWinSz, $tcpAveWinSz, $tcpMinWinSz, $tcpMaxWinSz, $tcpWinSzDwnCnt, $tcpWinSzUpCnt, $tcpWinSzChgDirCnt, $tcpWinSzThRt }' ~/results/faf-exercise_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.print(true, PRINT_WIN, |t, r| t.hex(r, "tcpFStat") & 0x0700 != 0),
            },
        ),
        (
            "faf-exercise",
            Case {
                cmd: "tawk 'bitsanyset($tcpAnomaly, 0x0008) { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $l4Proto, $ipFlags, $tcpFStat, $tcpFlags, $tcpAnomaly, $tcpISeqN, $tcpSeqSntBytes, $tcpSeqFaultCnt, $tcpPAckCnt, $tcpFlwLssAckRcvdBytes, $tcpAckFaultCnt, $tcpBFlgtMx }' ~/results/faf-exercise_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.print(true, PRINT_DUP, |t, r| t.hex(r, "tcpAnomaly") & 0x0008 != 0)
                },
            },
        ),
        (
            "faf-exercise",
            Case {
                cmd: "tawk 'packet(\"4188-4211\")' ~/results/faf-exercise_packets.txt | tcol",
                file: "packets",
                basic: true,
                expect: |t, l| {
                    let (a, b) = l.packet_range;
                    t.select(true, move |t, r| {
                        (a..=b).contains(&t.get(r, "pktNo").parse::<u64>().unwrap())
                    })
                },
            },
        ),
        (
            "faf-exercise",
            Case {
                cmd: "tawk '$tcpRTTAckTripJitAve > 0.5 || $tcpRTTSseqAA > 0.5 { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $l4Proto, $tcpFStat, $ipFlags, $tcpFlags, $tcpAnomaly, $tcpSSASAATrip, $tcpRTTAckTripMin, $tcpRTTAckTripMax, $tcpRTTAckTripAve, $tcpRTTAckTripJitAve, $tcpRTTSseqAA, $tcpRTTAckJitAve }' ~/results/faf-exercise_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.print(
                        awk_gt("tcpRTTAckTripJitAvg", 0.5, "0.5")
                            || awk_gt("tcpRTTSseqAA", 0.5, "0.5"),
                        PRINT_RTT,
                        |t, r| {
                            awk_gt(t.get(r, "tcpRTTAckTripJitAvg"), 0.5, "0.5")
                                || awk_gt(t.get(r, "tcpRTTSseqAA"), 0.5, "0.5")
                        },
                    )
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($ipFlags, 0x0c00) { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $l4Proto, $tcpFStat, $ipFlags, $tcpFlags, $tcpAnomaly }' ~/results/annoloc2_flows.txt | head -n 20 | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.print(true, PRINT_CHK, |t, r| t.hex(r, "ipFlags") & 0x0c00 != 0),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'flow(1336)' ~/results/annoloc2_packets.txt | tcol",
                file: "packets",
                basic: true,
                expect: |t, l| {
                    let f = l.busiest_flow.clone();
                    t.select(true, move |t, r| t.get(r, "flowInd") == f)
                },
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk 'bitsanyset($tcpOptions, 0x0000000c) { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $l4Proto, $tcpFStat, $tcpFlags, $ipFlags, $tcpAnomaly, $tcpOptCnt, $tcpOptions, $tcpMSS, $tcpWS }' ~/results/annoloc2_flows.txt | head -n 20 | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.print(true, PRINT_OPT, |t, r| t.hex(r, "tcpOptions") & 0xc != 0),
            },
        ),
        (
            "annoloc2",
            Case {
                cmd: "tawk '{ print $srcIP, $tcpTmS, $tcpTmER, $tcpEcI, $tcpUtm, $tcpBtm }' ~/results/annoloc2_flows.txt | sort -V | uniq | awkf '$2' | head -n 40 | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.print(
                        true,
                        &["srcIP", "tcpTmS", "tcpTmER", "tcpEcI", "tcpUtm", "tcpBtm"],
                        |_, _| true,
                    )
                },
            },
        ),
        (
            "iperf-mptcp-0-0",
            Case {
                cmd: "tawk '{ print $srcIP, $srcPort, $dstIP, $dstPort, $l4Proto, $tcpFStat, $tcpMPTBF, $tcpMPF, $tcpMPAID, $tcpMPDSSF }' ~/results/iperf-mptcp-0-0_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.print(
                        true,
                        &[
                            "srcIP",
                            "srcPort",
                            "dstIP",
                            "dstPort",
                            "l4Proto",
                            "tcpFStat",
                            "tcpMPTBF",
                            "tcpMPF",
                            "tcpMPAID",
                            "tcpMPDSSF",
                        ],
                        |_, _| true,
                    )
                },
            },
        ),
        (
            "iperf-mptcp-0-0",
            Case {
                cmd: "tawk '{ print $srcIP, $srcPort, $dstIP, $dstPort, $l4Proto, $tcpFStat, $tcpMPTyp, $tcpMPF, $tcpMPAID, $tcpMPDSSF }' ~/results/iperf-mptcp-0-0_packets.txt | tcol",
                file: "packets",
                basic: false,
                expect: |t, _| {
                    t.print(
                        true,
                        &[
                            "srcIP",
                            "srcPort",
                            "dstIP",
                            "dstPort",
                            "l4Proto",
                            "tcpFStat",
                            "tcpMPTyp",
                            "tcpMPF",
                            "tcpMPAID",
                            "tcpMPDSSF",
                        ],
                        |_, _| true,
                    )
                },
            },
        ),
        (
            "frag",
            Case {
                cmd: "tawk 'bitsanyset($ipFlags, 0x03b8) { print $dir, $flowInd, $flowStat, $srcIP, $srcIPCC, $srcIPOrg, $srcPort, $dstIP, $dstIPCC, $dstIPOrg, $dstPort, $tcpFStat, $ipFlags, $tcpFlags, $tcpAnomaly, $numPktsSnt, $numPktsRcvd, $numBytesSnt, $numBytesRcvd }' ~/results/frag_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.print(true, PRINT_FRAG, |t, r| t.hex(r, "ipFlags") & 0x03b8 != 0),
            },
        ),
        (
            "frag",
            Case {
                cmd: "tawk 'flow(4)' ~/results/frag_packets.txt | tcol",
                file: "packets",
                basic: true,
                expect: |t, l| {
                    let f = l.frag_flow.clone();
                    t.select(true, move |t, r| t.get(r, "flowInd") == f)
                },
            },
        ),
        (
            "nmap_v_sT",
            Case {
                cmd: "tawk 'bitsanyset($tcpAnomaly, 0x1000)' ~/results/nmap_v_sT_flows.txt | head -n 10 | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| t.select(true, |t, r| t.hex(r, "tcpAnomaly") & 0x1000 != 0),
            },
        ),
        (
            "nmap_v_sT",
            Case {
                cmd: "tawk '$numPktsSnt > 1' ~/results/nmap_v_sT_flows.txt | tcol",
                file: "flows",
                basic: false,
                expect: |t, _| {
                    t.select(awk_gt("pktsSnt", 1.0, "1"), |t, r| {
                        awk_gt(t.get(r, "pktsSnt"), 1.0, "1")
                    })
                },
            },
        ),
    ]
}

/// A command's `> FILE` outside quotes: (the command, FILE).
fn redirect(cmd: &str) -> Option<(String, String)> {
    let (mut sq, mut dq) = (false, false);
    for (i, c) in cmd.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '>' if !sq && !dq => {
                return Some((cmd[..i].trim().to_string(), cmd[i + 1..].trim().to_string()));
            }
            _ => {}
        }
    }
    None
}

/// Splits a shell command at the `|` outside quotes.
fn pipeline(cmd: &str) -> Vec<String> {
    let (mut out, mut cur, mut sq, mut dq) = (Vec::new(), String::new(), false, false);
    let mut chars = cmd.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '\\' if dq => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            '|' if !sq && !dq => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

/// The tutorial command with this capture's literals.
fn localise(cmd: &str, l: &Literals) -> String {
    cmd.replace("138.212.189.66", &l.busiest_ip)
        .replace("flow(1336)", &format!("flow({})", l.busiest_flow))
        .replace("flow(36)", &format!("flow({})", l.busiest_flow))
        .replace("flow(4)", &format!("flow({})", l.frag_flow))
        .replace(
            "\"4188-4211\"",
            &format!("\"{}-{}\"", l.packet_range.0, l.packet_range.1),
        )
}

/// Puts the reference files of CAPTURE into ~/results under the tutorial's NAME.
fn stage(env: &Env, shared: &Path, name: &str, capture: &str) -> (Table, Option<Table>) {
    let base = shared.join("conformance").join(capture);
    let r = env.results();
    for (suffix, ext) in [
        ("flows.txt", "_flows.txt"),
        ("packets.txt", "_packets.txt"),
        ("protocols.txt", "_protocols.txt"),
        ("icmpStats.txt", "_icmpStats.txt"),
    ] {
        let src = PathBuf::from(format!("{}.{suffix}", base.display()));
        let dst = r.join(format!("{name}{ext}"));
        let _ = fs::remove_file(&dst);
        if src.is_file() {
            fs::copy(&src, &dst).unwrap();
        }
    }
    let flows = Table::read(&r.join(format!("{name}_flows.txt")));
    let pk = r.join(format!("{name}_packets.txt"));
    let packets = pk.is_file().then(|| Table::read(&pk));
    (flows, packets)
}

/// Runs the rest of a pipeline (after tawk) on EXPECTED with plain tools: `column -t` for
/// tcol, awk for awkf.
fn finish(env: &Env, expected: &str, rest: &[String]) -> String {
    let file = env.results().join(".expected");
    fs::write(&file, expected).unwrap();
    let mut cmd = format!("cat '{}'", file.display());
    for stage in rest {
        let s = if stage == "tcol" {
            "column -t -s $'\\t'".to_string()
        } else if let Some(p) = stage.strip_prefix("awkf ") {
            format!("mawk -F'\\t' -v OFS='\\t' {p}")
        } else {
            stage.clone()
        };
        cmd.push_str(" | ");
        cmd.push_str(&s);
    }
    env.ok(&cmd)
}

#[test]
fn tutorial_commands_select_the_right_rows_on_the_reference_outputs() {
    let Some(shared) = shared_or_skip("tutorial_commands") else {
        return;
    };
    let env = Env::new("tawk-tut", None);
    let mut ran = 0;
    let mut nonempty = BTreeSet::new();
    for tf in MAP {
        eprintln!("{}: {} ({})", tf.name, tf.captures.join(", "), tf.features);
        for capture in tf.captures {
            let (flows, packets) = stage(&env, &shared, tf.name, capture);
            let lit = literals(&flows, packets.as_ref());
            for (_, case) in cases().iter().filter(|(n, _)| *n == tf.name) {
                let table = match case.file {
                    "packets" => match &packets {
                        Some(p) => p,
                        None => {
                            eprintln!(
                                "{capture}: no packet file in the reference (too big): '{}' not run",
                                case.cmd
                            );
                            continue;
                        }
                    },
                    _ => &flows,
                };
                let cmd = localise(case.cmd, &lit);
                let expected_tawk = (case.expect)(table, &lit);
                let (got, expected) = if let Some((_, file)) = redirect(&cmd) {
                    assert_eq!(env.ok(&cmd), "", "{cmd}: the output goes to {file}");
                    let got = fs::read_to_string(env.results().join(file.trim()))
                        .unwrap_or_else(|e| panic!("{cmd}: {file}: {e}"));
                    (got, expected_tawk.clone())
                } else {
                    let stages = pipeline(&cmd);
                    (env.ok(&cmd), finish(&env, &expected_tawk, &stages[1..]))
                };
                assert_eq!(got, expected, "{capture} as {}: {cmd}", tf.name);
                if expected_tawk.lines().count() > 1 {
                    nonempty.insert(case.cmd);
                }
                ran += 1;
            }
        }
    }
    // Every command selected something on at least one capture, except those whose literal
    // conditions (country "cn" with the reference's reduced address database; source port 443
    // with snapped packets) none of the captures has.
    let all: BTreeSet<&str> = cases().iter().map(|(_, c)| c.cmd).collect();
    let empty: Vec<&&str> = all.difference(&nonempty).collect();
    eprintln!(
        "{ran} command runs; {} of {} commands selected rows on some capture",
        nonempty.len(),
        all.len()
    );
    for e in &empty {
        assert!(
            e.contains("\"cn\"") || e.contains("sport(443)"),
            "selected nothing on any capture: {e}"
        );
    }
    assert!(ran >= 50, "only {ran} command runs");
}

#[test]
fn basicflow_commands_select_the_same_flows_on_our_output() {
    let Some(shared) = shared_or_skip("basicflow_commands") else { return };
    let env = Env::new("tawk-ours", None);
    let ours = TempDir::new("tawk-ours-out");
    let basic = TempDir::new("tawk-ours-plugins");
    install(basic.path(), &["basicFlow", "txtSink"]);
    let mut compared = 0;
    for tf in MAP {
        for capture in tf.captures {
            let (flows, packets) = stage(&env, &shared, tf.name, capture);
            let lit = literals(&flows, packets.as_ref());
            let pcap = shared.join("pcaps").join(capture);
            let prefix = ours.path().join(capture.replace('/', "_"));
            let o = Command::new(&bins().t2)
                .args(["-p", basic.path().to_str().unwrap(), "-r", pcap.to_str().unwrap()])
                .args(["-w", prefix.to_str().unwrap(), "-l", "-s"])
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "t2 on {capture}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            for (_, case) in cases().iter().filter(|(n, c)| *n == tf.name && c.basic) {
                if case.file == "packets" && packets.is_none() {
                    continue;
                }
                let cmd = localise(case.cmd, &lit);
                let first = pipeline(&cmd)[0].clone();
                let tawk = redirect(&first).map(|r| r.0).unwrap_or(first);
                let file = format!("{}_{}.txt", tf.name, case.file);
                let mine = format!("{}_{}.txt", prefix.display(), case.file);
                // The rows a command selects, by their first two columns: (dir, flowInd) of
                // a flow, (pktNo, flowInd) of a packet.
                let keys = |f: &str| -> BTreeSet<(String, String)> {
                    let c = tawk
                        .replace(&format!("~/results/{file}"), f)
                        .replace(&file, f);
                    env.ok(&c)
                        .lines()
                        .skip(1)
                        .map(|l| {
                            let mut c = l.split('\t');
                            (c.next().unwrap().to_string(), c.next().unwrap_or("").to_string())
                        })
                        .collect()
                };
                let reference = keys(&file);
                assert!(!reference.is_empty() || !case.cmd.contains("flow("), "{capture}: {tawk}");
                assert_eq!(
                    keys(&mine),
                    reference,
                    "{capture}: {tawk}: our t2's output vs the original's"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 15, "{compared}");
}

#[test]
fn tcol_protstat_lsx_on_the_tutorial_files() {
    let Some(shared) = shared_or_skip("tcol_protstat_lsx") else {
        return;
    };
    let env = Env::new("tawk-tools", None);
    for capture in MAP[0].captures {
        stage(&env, &shared, "annoloc2", capture);
        // tcol annoloc2_flows.txt: the columns aligned, empty cells kept.
        let got = env.ok("tcol annoloc2_flows.txt");
        let want = env.ok("column -t -s $'\\t' annoloc2_flows.txt");
        assert_eq!(got, want);
        assert_eq!(
            got.lines().count(),
            Table::read(&env.results().join("annoloc2_flows.txt"))
                .rows
                .len()
                + 1
        );
        // lsx 22 annoloc2_icmpStats.txt: tab stops every 22 characters (not on a terminal).
        assert_eq!(
            env.ok("lsx 22 annoloc2_icmpStats.txt"),
            env.ok("expand -t 22 annoloc2_icmpStats.txt")
        );
        // protStat -p=1 annoloc2_protocols.txt
        let got = env.ok("protStat -p=1 annoloc2_protocols.txt");
        let text = fs::read_to_string(env.results().join("annoloc2_protocols.txt")).unwrap();
        assert_eq!(got, protstat_expected(&text, 1.0), "{capture}");
    }
}

/// What `protStat -p=P` prints, computed from a 0.9.3 protocols file: every section sorted by
/// packets (most first, then by key), with each row's share of its section.
fn protstat_expected(text: &str, p: f64) -> String {
    // (title, has a description column, rows of (key, packets, description))
    type Section = (String, bool, Vec<(String, u64, String)>);
    let mut sections: Vec<Section> = Vec::new();
    let mut in_section = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            let cells: Vec<&str> = h.split('\t').map(str::trim).collect();
            if let Some(pi) = cells.iter().position(|c| *c == "Packets") {
                sections.push((
                    cells[..pi].join("\t"),
                    cells.contains(&"Description"),
                    Vec::new(),
                ));
                in_section = true;
                continue;
            }
        }
        if line.trim().is_empty() {
            in_section = false;
            continue;
        }
        if line.starts_with('#') || !in_section {
            continue;
        }
        let s = sections.last_mut().unwrap();
        let keys = s.0.split('\t').count();
        let cells: Vec<&str> = line.split('\t').collect();
        let key = cells[..keys]
            .iter()
            .map(|c| c.trim())
            .collect::<Vec<_>>()
            .join("\t");
        let packets: u64 = cells[keys]
            .split('[')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let desc = if s.1 {
            cells.last().unwrap().to_string()
        } else {
            String::new()
        };
        s.2.push((key, packets, desc));
    }
    let mut out = String::new();
    for (i, (title, has_desc, mut rows)) in sections.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{title}\tPackets\tProbability[%]{}\n",
            if has_desc { "\tDescription" } else { "" }
        ));
        let total: u64 = rows.iter().map(|r| r.1).sum();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| match (a.0.parse::<u64>(), b.0.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => a.0.cmp(&b.0),
                })
        });
        for (key, n, desc) in rows {
            let pct = if total > 0 {
                100.0 * n as f64 / total as f64
            } else {
                0.0
            };
            if pct < p {
                continue;
            }
            out.push_str(&format!("{key}\t{n}\t{pct:11.3}"));
            if !desc.is_empty() {
                out.push('\t');
                out.push_str(&desc);
            }
            out.push('\n');
        }
    }
    out
}

// ---- tawk -V ---------------------------------------------------------------------------------

/// The valued `tawk -V` tables the tutorials print, in the layouts of today (0.8.14 and later;
/// flowStat has not changed): (column, value).
const TUTORIAL_TABLES: &[(&str, &str)] = &[
    ("flowStat", "0x0001080a00005001"),
    ("flowStat", "0x0000080f00000000"),
    ("tcpFStat", "0x4ff1"),
    ("ipFlags", "0x0044"),
    ("tcpFlags", "0x071f"),
    ("tcpAnomaly", "0x02cc"),
    ("tcpFStat", "0x49b1"),
    ("tcpFStat", "0x0c51"),
    ("tcpAnomaly", "0x02c4"),
    ("tcpFStat", "0x8a33"),
    ("tcpMPTBF", "0x000f"),
    ("tcpFlags", "0x803b"),
    ("tcpAnomaly", "0x1008"),
];

/// The rows (bit number, mask, description) of the table printed for COLUMN=VALUE in TEXT
/// (tutorial or tawk output), in order.
fn table_rows(text: &str, column: &str, value: &str) -> Option<Vec<(String, u64, String)>> {
    let title = format!("The {column} column with value {value} is to be interpreted as follows:");
    let mut lines = text.lines().skip_while(|l| l.trim() != title).skip(1);
    let mut rows = Vec::new();
    let mut started = false;
    for l in lines.by_ref() {
        if l.trim_start().starts_with("bit |") || l.trim_start().starts_with("====") {
            started = true;
            continue;
        }
        if !started {
            continue;
        }
        let cells: Vec<&str> = l.split('|').map(str::trim).collect();
        if cells.len() < 3 {
            break;
        }
        rows.push((
            cells[0].to_string(),
            hex(&cells[1].replace(' ', "")),
            cells[2].to_string(),
        ));
    }
    started.then_some(rows)
}

/// The columns with a bit table in a plugin folder (t2 --bit-tables).
fn table_columns(plugins: &Path) -> BTreeSet<String> {
    let o = Command::new(&bins().t2)
        .args(["--bit-tables", "-p"])
        .arg(plugins)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn tawk_v_reproduces_the_tutorials_tables() {
    let Some(shared) = shared_or_skip("tawk_v") else {
        return;
    };
    let seeds = fs::read_to_string(shared.join("seeds/tutorial-basic-analysis.txt")).unwrap()
        + &fs::read_to_string(shared.join("seeds/tutorial-ip-tcp-troubleshooting.txt")).unwrap();
    let all = TempDir::new("tawk-v-plugins");
    install_all_plugins(all.path());
    let plugins = all.path();
    let env = Env::new("tawk-v", Some(plugins));
    let have = table_columns(plugins);
    let mut pending = Vec::new();
    for (column, value) in TUTORIAL_TABLES {
        let want = table_rows(&seeds, column, value)
            .unwrap_or_else(|| panic!("tutorial table {column}={value}"));
        if !have.contains(*column) {
            pending.push(format!("{column}={value}"));
            continue;
        }
        let out = env.ok(&format!("tawk -V {column}={value}"));
        let got = table_rows(&out, column, value).unwrap_or_else(|| panic!("no table in:\n{out}"));
        let masks = |rows: &[(String, u64, String)]| rows.iter().map(|r| r.1).collect::<Vec<_>>();
        assert_eq!(
            masks(&got),
            masks(&want),
            "tawk -V {column}={value}:\n{out}"
        );
        for (bit, mask, desc) in &got {
            assert_eq!(
                bit,
                &mask.trailing_zeros().to_string(),
                "{column}={value}: bit number of 0x{mask:x}"
            );
            assert!(
                !desc.is_empty() && desc != "(not in the table)",
                "{column}={value}: 0x{mask:x} undescribed"
            );
        }
        // Every set bit and nothing else.
        assert_eq!(
            got.iter().fold(0, |a, r| a | r.1),
            hex(value),
            "{column}={value}"
        );
    }
    if !pending.is_empty() {
        eprintln!(
            "tawk -V: pending on the plugin that declares these columns (tcpFlags): {}",
            pending.join(" ")
        );
    }
    // The layout, as the tutorials print it: the 64-bit flowStat with its two halves.
    let out = env.ok("tawk -V flowStat=0x0001080a00005001");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "The flowStat column with value 0x0001080a00005001 is to be interpreted as follows:"
    );
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "   bit | flowStat            | Description");
    assert_eq!(lines[3], format!("   {}", "=".repeat(77)));
    let tut: Vec<&str> = seeds
        .lines()
        .skip_while(|l| !l.contains("value 0x0001080a00005001"))
        .skip(4)
        .take(7)
        .collect();
    for (g, t) in lines[4..11].iter().zip(&tut) {
        // bit and mask columns exactly as in the tutorial; the descriptions are our own words.
        assert_eq!(
            g.rsplit_once(" | ").unwrap().0,
            t.rsplit_once(" | ").unwrap().0
        );
    }
    assert_eq!(lines.len(), 11, "{out}");
}

#[test]
fn tawk_v_all_rows_several_values_aliases_and_errors() {
    let env = Env::new("tawk-v2", None);
    // Without a value: every row of the table (63 bits of flowStat are defined, 53-54 unused).
    let out = env.ok("tawk -V flowStat");
    assert!(out.starts_with("The flowStat column is to be interpreted as follows:\n\n"));
    assert_eq!(out.lines().filter(|l| l.contains(" | 0x")).count(), 62);
    // Several -V: one table each, a blank line between; decimal values work too.
    let out = env.ok("tawk -V flowStat=0x4000 -V flowStat=16385");
    assert_eq!(out.matches("is to be interpreted").count(), 2);
    let rows = table_rows(&out, "flowStat", "16385").unwrap();
    assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 0x4000]);
    // Bits the table does not describe (flowStat bits 53, 54) are shown as such.
    let out = env.ok("tawk -V flowStat=0x0020000000000000");
    assert!(
        out.contains("    53 | 0x00200000 00000000 | (not in the table)"),
        "{out}"
    );
    // An unknown column: an error naming the tables there are.
    let o = env.sh("tawk -V noSuchColumn=0x1");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no bit table for column 'noSuchColumn'") && err.contains("flowStat"),
        "{err}"
    );
    // -L: every NAME=0x... of a log (colours and all), here the end report of a capture.
    let log = "\x1b[1mtcpFlags:\x1b[0m Aggregated tcpFlags=0x0002\nAggregated flowStat=0x0400000000004001\n";
    fs::write(env.results().join("x_log.txt"), log).unwrap();
    let out = env.ok("tawk -L x_log.txt");
    let rows = table_rows(&out, "flowStat", "0x0400000000004001").unwrap();
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        [1, 0x4000, 0x0400_0000_0000_0000]
    );
    assert!(
        !out.contains("tcpFlags column"),
        "no table for tcpFlags here: skipped quietly\n{out}"
    );
    // ... also a log line given as an operand, and the old report format.
    let out = env.ok("tawk -L 'Aggregate flow status: 0x000018fa0202d044'");
    assert_eq!(
        table_rows(&out, "flowStat", "0x000018fa0202d044")
            .unwrap()
            .len(),
        0x0000_18fa_0202_d044u64.count_ones() as usize
    );
    // The tables come from a cache keyed by the state of t2 and of the plugin folder.
    let cache: Vec<_> = fs::read_dir(env.home.path().join(".tranalyzer/cache"))
        .unwrap()
        .collect();
    assert_eq!(cache.len(), 1);
}

/// `t2plugin -c` makes a plugin from the SDK template; given a status column with a bit table
/// (the template has none: an H8 column and `.bits(...)` are added here), `t2build` installs
/// it and `tawk -V` decodes its values with nothing changed in tawk.
#[test]
fn a_template_plugin_with_a_status_column_is_decoded_by_tawk_v() {
    bins();
    let work = TempDir::new("tawk-tpl-work");
    let home = TempDir::new("tawk-tpl-home");
    let plugins = TempDir::new("tawk-tpl-plugins");
    let run = |exe: &Path, args: &[&str]| -> String {
        let o = Command::new(exe)
            .args(args)
            .current_dir(work.path())
            .env("HOME", home.path())
            .env("T2HOME", root())
            .env("CARGO_TARGET_DIR", target_dir().join("t2plugin-scratch"))
            .env("CARGO_NET_OFFLINE", "true")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let tool = |n: &str| bins().t2build.with_file_name(n);
    run(&tool("t2plugin"), &["-c", "demoStat", "-n", "705"]);
    let lib = work.path().join("demoStat/src/lib.rs");
    let src = fs::read_to_string(&lib).unwrap();
    let declare = "        Ok(";
    assert!(
        src.contains(declare) && src.contains("out.u64(self.flows[flow].pkts);"),
        "template changed:\n{src}"
    );
    let src = src
        .replacen(
            declare,
            "        i.declare_column(\n            Column::new(\"demoStatStat\", \"demoStat status\", Scalar::H8).bits(DEMO_BITS),\n        )?;\n        Ok(",
            1,
        )
        .replace(
            "            out.u64(self.flows[flow].pkts);\n        }",
            "            out.u64(self.flows[flow].pkts);\n        }\n        out.u8(if self.flows[flow].pkts > 1 { 0x03 } else { 0x01 });",
        )
        .replace(
            "t2_plugin::config_module!();",
            "t2_plugin::config_module!();\n\n/// What tawk -V prints for demoStatStat.\nconst DEMO_BITS: &[t2_plugin::abi::T2BitDesc] = &[\n    t2_plugin::bit(0x01, \"DEMO_SEEN\", \"Flow seen by demoStat\"),\n    t2_plugin::bit(0x02, \"DEMO_MANY\", \"More than one packet\"),\n    t2_plugin::bit(0x80, \"DEMO_ODD\", \"Something odd\"),\n];",
        );
    fs::write(&lib, src).unwrap();
    let out = run(
        &bins().t2build,
        &["-p", plugins.path().to_str().unwrap(), "demoStat/"],
    );
    assert!(out.contains("705_demoStat.so"), "{out}");

    let env = Env::new("tawk-tpl", Some(plugins.path()));
    let out = env.ok("tawk -V demoStatStat=0x83");
    let rows = table_rows(&out, "demoStatStat", "0x83").unwrap();
    assert_eq!(
        rows,
        [
            ("0".to_string(), 0x01, "Flow seen by demoStat".to_string()),
            ("1".to_string(), 0x02, "More than one packet".to_string()),
            ("7".to_string(), 0x80, "Something odd".to_string()),
        ]
    );
    assert!(
        out.contains("   bit | demoStatStat | Description\n"),
        "{out}"
    );
    assert!(
        out.contains("     7 | 0x80         | Something odd\n"),
        "{out}"
    );
    let all = env.ok("tawk -V demoStatStat");
    assert_eq!(all.lines().filter(|l| l.contains(" | 0x")).count(), 3);
    // The core's table is there as well, and t2 --bit-tables lists both.
    assert_eq!(
        table_columns(plugins.path()),
        ["demoStatStat".to_string(), "flowStat".to_string()].into()
    );
    // A new state of the plugin folder gets its own cache entry.
    fs::remove_file(plugins.path().join("705_demoStat.so")).unwrap();
    let o = env.sh("tawk -V demoStatStat=0x83");
    assert!(!o.status.success());
}

// ---- installation ------------------------------------------------------------------------------

#[test]
fn t2build_tranalyzer2_installs_the_tools_library_and_completion() {
    let home = TempDir::new("tawk-inst-home");
    let bin = home.path().join("bin");
    let o = Command::new(&bins().t2build)
        .current_dir(root())
        .args(["tranalyzer2", "--bin-dir", bin.to_str().unwrap()])
        .env("HOME", home.path())
        .env("T2HOME", root())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for t in [
        "t2",
        "tranalyzer",
        "t2build",
        "t2conf",
        "t2plugin",
        "tawk",
        "tcol",
        "awkf",
        "sortu",
        "sortup",
        "lsx",
        "protStat",
    ] {
        assert!(
            out.contains(&format!("Installed '{}'", bin.join(t).display())),
            "{t}: {out}"
        );
    }
    assert!(bin.join("tawk.d/funcs/funcs.load").is_file());
    let comp = home.path().join(".local/share/bash-completion/completions");
    for c in ["t2", "tranalyzer", "t2build", "t2conf", "tawk"] {
        assert!(comp.join(c).is_file(), "completion for {c}");
    }
    let text = fs::read_to_string(comp.join("t2")).unwrap();
    assert!(
        text.contains(&format!("t='{}'", root().display())),
        "the tree is filled in"
    );

    // The installed tawk finds its library and the installed t2 (for -V) next to it.
    let sh = |cmd: &str| -> Output {
        Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env_remove("T2")
            .env_remove("T2_PLUGIN_DIR")
            .output()
            .unwrap()
    };
    fs::write(
        home.path().join("f.txt"),
        "%dir\tflowInd\tl4Proto\nA\t1\t6\nA\t2\t17\n",
    )
    .unwrap();
    let o = sh("tawk 'tcp()' f.txt && tawk -V flowStat=0x4001 | grep -c ' | 0x'");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "%dir\tflowInd\tl4Proto\nA\t1\t6\n2\n"
    );
    // The completion loads and completes.
    let o = sh(&format!(
        "source '{}' && COMP_WORDS=(tawk -V fl) COMP_CWORD=2 && _t2rs_tawk && echo \"${{COMPREPLY[@]}}\" && \
         COMP_WORDS=(t2build basicF) COMP_CWORD=1 && _t2rs_t2build && echo \"${{COMPREPLY[@]}}\"",
        comp.join("tawk").display()
    ));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "flowStat\nbasicFlow\n",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---- the library ------------------------------------------------------------------------------

/// A flow file of known values for the library functions.
const SAMPLE: &str = "%dir\tflowInd\tflowStat\ttimeFirst\tduration\thdrDesc\tsrcIP\tsrcIPOrg\tsrcPort\tdstIP\tdstPort\tl4Proto\tpktsSnt\tl7BytesSnt\ttcpFlags\ticmpBFTypH_TypL_Code\tlength
A\t1\t0x0400000000004000\t1022171701.691172\t3700.5\teth:ipv4:tcp\t10.1.2.3\t\"Private network\"\t40000\t192.168.1.1\t443\t6\t10\t1000\t0x0012\t0x00_0x00_0x0000\t1
B\t1\t0x0400000000004001\t1022171701.700000\t1.5\teth:ipv4:tcp\t192.168.1.1\t\"Private network\"\t443\t10.1.2.3\t40000\t6\t8\t5000\t0x0019\t0x00_0x00_0x0000\t2
A\t2\t0x0800000000008000\t1022171702.000000\t0\teth:ipv6:udp;eth:vlan:ipv6:udp\t2001:db8::1\t\"-\"\t5353\tff02::fb\t5353\t17\t3\t300\t0x0000\t0x00_0x00_0x0000\t3
A\t3\t0x8400000000004000\t1022171703.000000\t0\teth:ipv4:icmp\t8.8.8.8\t\"-\"\t0\t10.1.2.3\t0\t1\t1\t56\t0x0000\t0x00000000_0x00000008_0x0003\t4
";

#[test]
fn library_functions() {
    let env = Env::new("tawk-lib", None);
    fs::write(env.results().join("s.txt"), SAMPLE).unwrap();
    let t = |prog: &str| env.ok(&format!("tawk {prog} s.txt"));
    let rows = |prog: &str| -> Vec<String> {
        t(prog)
            .lines()
            .skip(1)
            .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join(" "))
            .collect()
    };
    // BEGIN { print A, B, ... } with the tabs between the values shown as spaces.
    let one = |expr: &str| -> String {
        env.ok(&format!("tawk 'BEGIN {{ print {expr} }}'"))
            .trim_end()
            .replace('\t', " ")
    };

    // Column variables, the header kept by the helpers, old names.
    assert_eq!(
        t("'{ print $srcIP, srcIP }'").lines().nth(1).unwrap(),
        "10.1.2.3\t7"
    );
    assert_eq!(
        t("'NR > 1 { print $numPktsSnt, $numBytesSnt }'"),
        "10\t1000\n8\t5000\n3\t300\n1\t56\n"
    );
    assert_eq!(
        t("'tcp()'").lines().next().unwrap(),
        SAMPLE.lines().next().unwrap()
    );
    assert_eq!(rows("'tcp()'"), ["A 1", "B 1"]);
    assert_eq!(rows("'not(tcp())'"), ["A 2", "A 3"]);
    assert_eq!(t("-H 'tcp()'").lines().count(), 2, "-H drops the header");
    assert_eq!(rows("'udp() || icmp()'"), ["A 2", "A 3"]);
    assert_eq!(rows("'proto(\"icmp;udp\")'"), ["A 2", "A 3"]);
    assert_eq!(rows("'ipv6()'"), ["A 2"]);
    assert_eq!(rows("'ipv4() && ip()'"), ["A 1", "B 1", "A 3"]);
    // Addresses, networks, ports, indexes.
    assert_eq!(rows("'host(\"10.1.2.3\")'"), ["A 1", "B 1", "A 3"]);
    assert_eq!(rows("'shost(\"10.0.0.0/8\")'"), ["A 1"]);
    assert_eq!(rows("'dnet(\"192.168.0.0/255.255.0.0\")'"), ["A 1"]);
    assert_eq!(rows("'host(\"2001:db8::/32\")'"), ["A 2"]);
    assert_eq!(rows("'dhost(\"ff02:0:0:0:0:0:0:fb\")'"), ["A 2"]);
    assert_eq!(rows("'port(\"440-450\")'"), ["A 1", "B 1"]);
    assert_eq!(rows("'dport(\"0x1bb;5353\")'"), ["A 1", "A 2"]);
    assert_eq!(rows("'flow(\"2-3\")'"), ["A 2", "A 3"]);
    assert_eq!(rows("'flow(\"1;3\") && sport(0)'"), ["A 3"]);
    assert_eq!(
        t("'NR == 2 { print host(), port(), tuple5() }'"),
        "10.1.2.3\t192.168.1.1\t40000\t443\t10.1.2.3\t40000\t192.168.1.1\t443\t6\n"
    );
    // Bits, exact at 64 bits (also without bignum mode).
    assert_eq!(rows("'bitsanyset($flowStat, 0x8000000000000000)'"), ["A 3"]);
    assert_eq!(
        rows("--no-bignum 'bitsanyset($flowStat, \"0x8000000000000000\")'"),
        ["A 3"]
    );
    assert_eq!(rows("'bitsallset($tcpFlags, 0x11)'"), ["B 1"]);
    assert_eq!(rows("'tcpflags(\"SA\")'"), ["A 1", "B 1"]);
    assert_eq!(rows("'bfeq($tcpFlags, 18)'"), ["A 1"]);
    assert_eq!(
        one("tobits(0x5), tobits(\"0x0001\", 4), nibble_swap(\"0x1234\"), bitshift(\"0x01\", 4)"),
        "0101 0001 0x2143 0x10"
    );
    // Compound and repeated values.
    assert_eq!(
        t(
            "'$flowInd == 3 { print splitc($icmpBFTypH_TypL_Code, 3), splitc($icmpBFTypH_TypL_Code, \"1;-1\", \"/\") }'"
        ),
        "0x0003\t0x00000000/0x0003\n"
    );
    assert_eq!(
        t("'$flowInd == 2 { print splitr($hdrDesc, -1), t2split($hdrDesc, \":\", 2) }'"),
        "eth:vlan:ipv6:udp\tipv6\n"
    );
    assert_eq!(
        rows("'rvalcontains($hdrDesc, \"eth:vlan:ipv6:udp\")'"),
        ["A 2"]
    );
    assert_eq!(rows("'cvalcontains($icmpBFTypH_TypL_Code, 8)'"), ["A 3"]);
    // Strings (quotes of S values ignored).
    assert_eq!(
        rows("'streq($srcIPOrg, \"Private network\")'"),
        ["A 1", "B 1"]
    );
    assert_eq!(rows("'hasprefixi($hdrDesc, \"ETH:IPV6\")'"), ["A 2"]);
    assert_eq!(
        rows("'hassuffix($hdrDesc, \"icmp\") || contains($srcIPOrg, \"-\") && !hdr()'"),
        ["A 2", "A 3"]
    );
    assert_eq!(rows("'strisempty($tcpFlags)'"), Vec::<String>::new());
    // IP helpers.
    assert_eq!(
        one(
            "ip2num(\"10.1.2.3\"), ip2hex(\"10.1.2.3\"), ip2str(167838211), mask2ipstr(20), ip2mask(\"255.255.240.0\")"
        ),
        "167838211 0x0a010203 10.1.2.3 255.255.240.0 20"
    );
    assert_eq!(
        one("ip6compress(\"2001:0db8:0000:0000:0000:0000:0000:0001\"), ip6expand(\"2001:db8::1\")"),
        "2001:db8::1 2001:0db8:0000:0000:0000:0000:0000:0001"
    );
    assert_eq!(
        one("ip62str(\"0x20010db8000000000000000000000001\"), mask2ip6str(64)"),
        "2001:db8::1 ffff:ffff:ffff:ffff::"
    );
    assert_eq!(
        one(
            "ipinrange(\"10.1.2.3\", \"10.0.0.0\", \"10.255.0.0\"), privip(\"172.20.1.1\"), mcast(\"ff02::fb\"), loopback(\"::1\"), isip6(\"1.2.3.4\"), isiphex(\"0x0a010203\")"
        ),
        "1 1 1 1 0 1"
    );
    assert_eq!(
        one("ip2num(\"::1\"), ip2num(\"2001:db8::1\")"),
        "1 42540766411282592856903984951653826561"
    );
    // Numbers, time, encodings.
    assert_eq!(
        one(
            "abs(-3), log2(8), min3(3, 1, 2), max2(4, 9), isint(\"-4\"), isuint(\"-4\"), isfloat(\"1e3\"), isnum(\"0x1f\")"
        ),
        "3 3 1 9 1 0 1 1"
    );
    assert_eq!(
        one("hrnum(1219015), hrnum(999), hrtime(50276.646078)"),
        "1.22 M 999 13h 57m 56s"
    );
    assert_eq!(
        one("utc(1022171701.691172), timestamp(\"2002-05-23 16:35:01.691172\", 1)"),
        "2002-05-23 16:35:01.691172 1022171701.691172"
    );
    assert_eq!(
        one(
            "base64(\"Anteater\"), base64d(\"QW50ZWF0ZXI=\"), urldecode(\"a%20b+c\"), texscape(\"a_b%\")"
        ),
        "QW50ZWF0ZXI= Anteater a b c a\\_b\\%"
    );
    assert_eq!(one("json(\"a\\\"b\")"), "\"a\\\"b\"");
    assert_eq!(
        t("'$flowInd == 2 { json() }'"),
        "{\"dir\":\"A\",\"flowInd\":2,\"flowStat\":\"0x0800000000008000\",\"timeFirst\":1022171702.000000,\"duration\":0,\"hdrDesc\":\"eth:ipv6:udp;eth:vlan:ipv6:udp\",\"srcIP\":\"2001:db8::1\",\"srcIPOrg\":\"-\",\"srcPort\":5353,\"dstIP\":\"ff02::fb\",\"dstPort\":5353,\"l4Proto\":17,\"pktsSnt\":3,\"l7BytesSnt\":300,\"tcpFlags\":\"0x0000\",\"icmpBFTypH_TypL_Code\":\"0x00_0x00_0x0000\",\"length\":3}\n"
    );
    assert_eq!(
        t("'wildcard(\"^(dir|pkts)\")'")
            .lines()
            .take(2)
            .collect::<Vec<_>>(),
        ["%dir\tpktsSnt", "A\t10"]
    );
    // Sorting and statistics.
    assert_eq!(rows("'t2sort(l7BytesSnt)'"), ["B 1", "A 1", "A 2", "A 3"]);
    assert_eq!(rows("'t2rsort(pktsSnt, 2)'"), ["A 3", "A 2"]);
    assert_eq!(
        rows("'t2sort(srcIP, 0, \"V\")'"),
        ["A 2", "B 1", "A 1", "A 3"]
    );
    assert_eq!(
        t("'{ mean(pktsSnt); min(\"pktsSnt\"); max(13) }'"),
        "5.5\n1\n10\n"
    );
    assert_eq!(
        t("'aggr(\"dstIP\", l7BytesSnt, 2)'"),
        "%dstIP\tl7BytesSnt\n10.1.2.3\t5056\n192.168.1.1\t1000\n"
    );
    assert_eq!(
        t("'aggrrep(hdrDesc)'"),
        "%hdrDesc\tcount\neth:ipv4:tcp\t2\neth:ipv4:icmp\t1\neth:ipv6:udp\t1\neth:vlan:ipv6:udp\t1\n"
    );
    assert_eq!(t("'ientropy(l4Proto)'"), "1.5\n");
    // Wireshark-like queries.
    assert_eq!(
        rows("'shark(\"ip.addr == 10.0.0.0/8 and tcp.dstport == 443\")'"),
        ["A 1"]
    );
    assert_eq!(
        rows("'shark(\"!(tcp || icmp) && udp.port == 5353\")'"),
        ["A 2"]
    );
    assert_eq!(rows("'shark(\"tcp.flags.fin == 1\")'"), ["B 1"]);
    // Other files: diff; nfdump names (-n).
    fs::write(
        env.results().join("old.txt"),
        "%dir\tflowInd\tsrcIP\nA\t1\t10.1.2.3\n",
    )
    .unwrap();
    assert_eq!(
        rows("'diff(\"old.txt\", \"dir;flowInd\")'"),
        ["B 1", "A 2", "A 3"]
    );
    assert_eq!(
        t("-n 'NR == 2 { print pr(), sap(), dap(), flg(), bpp() }'"),
        "TCP\t10.1.2.3:40000\t192.168.1.1:443\t.A..S.\t100\n"
    );
    // A column named like an awk function: only with -r as a variable.
    assert_eq!(t("'NR > 1 { print $COL[\"length\"] }'"), "1\n2\n3\n4\n");
    let o = env.sh("tawk 'NR == 2 { print $length }' s.txt");
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("column 'length' is named like an awk keyword or function")
    );
    assert_eq!(t("-r 'NR > 1 { print $_length }'"), "1\n2\n3\n4\n");
}

#[test]
fn options() {
    let env = Env::new("tawk-opt", None);
    fs::write(env.results().join("s.txt"), SAMPLE).unwrap();
    // -l lists the columns, -l=N N per line; from standard input too.
    let l = env.ok("tawk -l s.txt");
    assert!(
        l.starts_with("1\tdir\n2\tflowInd\n") && l.lines().count() == 17,
        "{l}"
    );
    assert_eq!(
        env.ok("tawk -l=3 < s.txt").lines().next().unwrap(),
        "1\tdir\t2\tflowInd\t3\tflowStat"
    );
    // -g lists the functions, -d describes them.
    let g = env.ok("tawk -g");
    for f in [
        "bitsanyset",
        "bitsallset",
        "host",
        "t2sort",
        "t2rsort",
        "splitc",
        "shark",
        "hrnum",
        "ip6compress",
        "aggrrep",
        "follow_stream",
        "printerr",
    ] {
        assert!(g.lines().any(|l| l == f), "tawk -g lacks {f}");
    }
    assert!(!g.contains("_t2_"), "internal functions are not listed");
    let d = env.ok("tawk -d bitsanyset");
    assert!(
        d.starts_with("bitsanyset(val, mask)\n    True if at least one bit"),
        "{d}"
    );
    assert!(env.ok("tawk -d all").matches("\n    ").count() > 100);
    assert!(!env.sh("tawk -d noSuchFunction").status.success());
    // -t: $NAME must be a column (old names count); assigned variables are not columns.
    assert!(
        env.sh("tawk -t '{ print $numPktsSnt, $srcIP; x = 2; print $x }' s.txt")
            .status
            .success()
    );
    let o = env.sh("tawk -t '{ print $srcIPP }' s.txt");
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("$srcIPP"));
    // -c / -c=u: the command as a comment first.
    assert!(
        env.ok("tawk -c 'tcp()' s.txt")
            .starts_with("# tawk -c tcp\\(\\) s.txt\n%dir")
    );
    assert!(
        env.ok("tawk -c=u 'tcp()' s.txt")
            .starts_with("# LC_ALL=C gawk ")
    );
    // -s, -N: other header markers; -I, -f, -F/-O, -v.
    fs::write(env.results().join("h.txt"), "#a b\n1 2\n").unwrap();
    assert_eq!(
        env.ok("tawk -s '#' -F ' ' -O , '{ print $b, $a }' h.txt"),
        "b,#a\n2,1\n"
    );
    assert_eq!(
        env.ok("tawk -N 1 -F ' ' 'NR > 1 { print $b }' h.txt"),
        "2\n"
    );
    fs::write(env.results().join("p.awk"), "tcp() { print $flowInd }\n").unwrap();
    assert_eq!(env.ok("tawk -f p.awk -I s.txt"), "flowInd\n1\n1\n");
    assert_eq!(
        env.ok("tawk -v x=3 '$flowInd == x { print $srcIP }' s.txt"),
        "8.8.8.8\n"
    );
    // Standard input, and a pipe of tawk into tawk.
    assert_eq!(
        env.ok("cat s.txt | tawk 'icmp() { print $srcIP }'"),
        "srcIP\n8.8.8.8\n"
    );
    assert_eq!(env.ok("tawk '{ print $srcIP, $l4Proto }' s.txt | tawk -N 1 'NR > 1 && $l4Proto == 6 { print $srcIP }'"), "10.1.2.3\n192.168.1.1\n");
    // Unsupported extraction options are refused with a message, not ignored.
    let o = env.sh("tawk -x out.pcap 'tcp()' s.txt");
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("not supported"));
    // Help.
    let h = env.ok("tawk -h");
    for opt in [
        "-V COL[=VAL]",
        "-L ",
        "-I FILE",
        "-H ",
        "-N NUM",
        "-s CHAR",
        "-F FS",
        "-O OFS",
        "-l[=N]",
        "-g[=N]",
        "-d NAME",
        "-t ",
        "-c[=u]",
        "-f PROGFILE",
    ] {
        assert!(h.contains(opt), "tawk -h lacks {opt}");
    }
    for tool in ["tcol", "awkf", "sortu", "sortup", "lsx", "protStat"] {
        assert!(
            env.ok(&format!("{tool} --help")).contains("Usage"),
            "{tool}"
        );
    }
}

#[test]
fn small_tools() {
    let env = Env::new("tawk-small", None);
    fs::write(env.results().join("s.txt"), SAMPLE).unwrap();
    assert_eq!(env.ok("tcol s.txt"), env.ok("column -t -s $'\\t' s.txt"));
    // An empty cell keeps its column.
    let t = env.ok("printf 'a\\t\\tc\\nxx\\ty\\tz\\n' | tcol");
    let l: Vec<&str> = t.lines().collect();
    assert_eq!(l[0].find('c'), l[1].find('z'), "{t}");
    assert_eq!(
        env.ok("awkf '$2 > 1 { print $1, $2 }' s.txt"),
        "%dir\tflowInd\nA\t2\nA\t3\n"
    );
    assert_eq!(
        env.ok("printf 'b\\na\\nb\\n' | sortu"),
        "      2 b\n      1 a\n"
    );
    assert_eq!(
        env.ok("printf 'b\\na\\nb\\nb\\n' | sortup"),
        "      3  75.000% b\n      1  25.000% a\n"
    );
    assert_eq!(env.ok("printf 'a\\tb\\n' | lsx 4"), "a   b\n");
    // protStat: bytes, top N, sections, old (0.8.4) layout.
    let proto = "# Total packets: 10\n# L4 Protocol\t   Packets\t   Bytes\tDescription\n  6\t  2 [ 20.00%]\t 900 [ 90.00%]\tTCP\n 17\t  8 [ 80.00%]\t 100 [ 10.00%]\tUDP\n\n\n# TCP Port\t   Packets\t   Bytes\tDescription\n  80\t  2 [100.00%]\t 900 [100.00%]\tHTTP\n";
    fs::write(env.results().join("p.txt"), proto).unwrap();
    assert_eq!(
        env.ok("protStat -b -n 1 p.txt"),
        "L4 Protocol\tBytes\tProbability[%]\tDescription\n6\t900\t     90.000\tTCP\n\nTCP Port\tBytes\tProbability[%]\tDescription\n80\t900\t    100.000\tHTTP\n"
    );
    assert_eq!(
        env.ok("protStat --tcp p.txt"),
        "TCP Port\tPackets\tProbability[%]\tDescription\n80\t2\t    100.000\tHTTP\n"
    );
    assert_eq!(
        env.ok("protStat -r -1 --l4 p.txt"),
        "L4 Protocol\tPackets\tProbability[%]\tDescription\n6\t2\t     20.000\tTCP\n"
    );
    fs::write(env.results().join("old.txt"), "# L4 Protocol                            Packets  Percentage   Description\n1                                        3059           0.251  Internet Control Message Protocol\n6                                        948743        77.844  Transmission Control Protocol\n").unwrap();
    assert_eq!(
        env.ok("protStat -p 1 old.txt"),
        "L4 Protocol\tPackets\tProbability[%]\tDescription\n6\t948743\t     99.679\tTransmission Control Protocol\n"
    );
}
