//! Pure comparison logic of the conformance harness: flow/packet tables cell by cell, end
//! reports (logs) line by line with the run-dependent lines masked, error messages, and plain
//! byte comparison. No process spawning here, so everything is unit-testable.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};

use anyhow::{Context, Result};

/// basicFlow's country/organisation columns. They are compared only where the address is in a
/// special-purpose range (either side prints a two-digit code in the side's `IPCC` column):
/// the reference's IPv4 database held only those ranges, its IPv6 one was a registry snapshot
/// we do not have, so public addresses are measured by `cargo xtask geo` instead.
pub const GEO_COLUMNS: [&str; 4] = ["srcIPCC", "srcIPOrg", "dstIPCC", "dstIPOrg"];

/// The country column of a geo column's side (`srcIPOrg` -> `srcIPCC`).
pub fn geo_cc_column(name: &str) -> Option<&'static str> {
    match name {
        "srcIPCC" | "srcIPOrg" => Some("srcIPCC"),
        "dstIPCC" | "dstIPOrg" => Some("dstIPCC"),
        _ => None,
    }
}

/// T2's code of a special-purpose range: two digits (`07`), where countries are letters.
pub fn is_special_code(cc: &[u8]) -> bool {
    cc.len() == 2 && cc.iter().all(u8::is_ascii_digit)
}

/// Longest value kept in an example (characters).
const EXAMPLE_MAX: usize = 100;

// ---------------------------------------------------------------------------------------------
// Exclusions (NONDETERMINISTIC.tsv)
// ---------------------------------------------------------------------------------------------

/// What must not be compared for one capture, from the reference's `NONDETERMINISTIC.tsv`.
#[derive(Debug, Default, Clone)]
pub struct CaptureExclusions {
    /// Columns of flows.txt that vary between reference runs.
    pub flows_cols: HashSet<String>,
    /// Columns of packets.txt that vary between reference runs.
    pub packets_cols: HashSet<String>,
    /// Log line labels (line prefixes after ANSI stripping) that vary between reference runs.
    pub log_labels: Vec<String>,
    /// Whole files that vary (e.g. `protocols.txt`): not byte-compared.
    pub files: HashSet<String>,
}

/// Parses either format of `NONDETERMINISTIC.tsv`:
/// * `path  file  varying` (conformance/): `varying` is `N row(s); columns: a,b`,
///   `lines: label1; label2` or `N line(s)` (whole file);
/// * `path  columns_varying_between_runs  note` (conformance-basicflow/): flows.txt columns.
pub fn parse_nondeterministic(text: &str) -> Result<HashMap<String, CaptureExclusions>> {
    let mut map: HashMap<String, CaptureExclusions> = HashMap::new();
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Ok(map);
    };
    let names: Vec<&str> = header.split('\t').collect();
    let col = |n: &str| names.iter().position(|c| *c == n);
    let path_i = col("path").context("NONDETERMINISTIC.tsv: no `path` column")?;
    let file_i = col("file");
    let varying_i = col("varying");
    let cols_i = col("columns_varying_between_runs");
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map(|s| s.trim()).unwrap_or("");
        let path = get(Some(path_i)).to_string();
        let e = map.entry(path).or_default();
        if let Some(ci) = cols_i {
            for c in get(Some(ci))
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                e.flows_cols.insert(c.to_string());
            }
            continue;
        }
        let file = get(file_i);
        let varying = get(varying_i);
        if let Some(pos) = varying.find("columns:") {
            let cols = varying[pos + "columns:".len()..]
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            match file {
                "flows.txt" => e.flows_cols.extend(cols),
                "packets.txt" => e.packets_cols.extend(cols),
                _ => {
                    e.files.insert(file.to_string());
                }
            }
        } else if let Some(rest) = varying.strip_prefix("lines:") {
            if file == "log.txt" {
                e.log_labels.extend(
                    rest.split(';')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                );
            } else {
                e.files.insert(file.to_string());
            }
        } else if !file.is_empty() {
            e.files.insert(file.to_string());
        }
    }
    Ok(map)
}

// ---------------------------------------------------------------------------------------------
// Tables (flows.txt, packets.txt)
// ---------------------------------------------------------------------------------------------

/// One differing cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// 1-based data row (header excluded).
    pub row: u64,
    pub expected: String,
    pub got: String,
}

/// Differences of one column in one capture.
#[derive(Debug, Clone, Default)]
pub struct ColumnDiff {
    pub cells: u64,
    pub examples: Vec<Example>,
}

/// Result of comparing one table file against the reference.
#[derive(Debug, Clone, Default)]
pub struct TableDiff {
    pub header_equal: bool,
    pub ref_rows: u64,
    pub our_rows: u64,
    /// Cells compared (both present, column not excluded).
    pub compared_cells: u64,
    /// Differing cells per column name.
    pub columns: HashMap<String, ColumnDiff>,
    /// Reference columns absent from our header.
    pub missing_columns: Vec<String>,
    /// Our columns absent from the reference header.
    pub extra_columns: Vec<String>,
    /// Column names of the reference header and of ours (empty when the file is empty).
    pub ref_columns: Vec<String>,
    pub our_columns: Vec<String>,
}

impl TableDiff {
    /// All compared cells equal, same row count, same columns.
    pub fn identical(&self) -> bool {
        self.header_equal && self.ref_rows == self.our_rows && self.columns.is_empty()
    }
    pub fn differing_cells(&self) -> u64 {
        self.columns.values().map(|c| c.cells).sum()
    }

    /// Rows correspond one to one: same count, and the core's key columns (`dir`, `flowInd`)
    /// identical in every row (when both headers have them).
    pub fn rows_aligned(&self) -> bool {
        self.ref_rows == self.our_rows
            && !self.columns.contains_key("dir")
            && !self.columns.contains_key("flowInd")
    }

    /// Columns-of mode: every column of ours that was compared is identical row for row (rows
    /// aligned), and we print no column the reference lacks. Reference columns we do not print
    /// are not compared (see [`not_compared`]).
    pub fn identical_on_ours(&self) -> bool {
        self.identical_on(&|_| true)
    }

    /// [`identical_on_ours`](Self::identical_on_ours) for the columns `judged` selects (the
    /// others were excluded from the cell comparison; an extra column of ours counts only when
    /// judged).
    pub fn identical_on(&self, judged: &dyn Fn(&str) -> bool) -> bool {
        self.rows_aligned()
            && self.columns.is_empty()
            && !self.extra_columns.iter().any(|c| judged(c))
    }
}

fn strip_eol(line: &mut Vec<u8>) {
    if line.last() == Some(&b'\n') {
        line.pop();
    }
}

fn short(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    if s.chars().count() > EXAMPLE_MAX {
        let mut t: String = s.chars().take(EXAMPLE_MAX).collect();
        t.push('…');
        t
    } else {
        s.into_owned()
    }
}

/// Column names of a header line (`%dir<TAB>flowInd...`), leading `%` removed.
fn header_names(line: &[u8]) -> Vec<String> {
    let line = line.strip_prefix(b"%").unwrap_or(line);
    line.split(|&b| b == b'\t')
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// Compares two tab-separated tables streaming, row by row (by position: order matters in T2)
/// and cell by cell per column name. `excluded(col)` says which columns are not compared.
/// At most `max_examples` examples are kept per column.
pub fn compare_table<R1: BufRead, R2: BufRead>(
    mut reference: R1,
    mut ours: R2,
    excluded: &dyn Fn(&str) -> bool,
    max_examples: usize,
) -> Result<TableDiff> {
    let mut d = TableDiff::default();
    let mut rl = Vec::with_capacity(4096);
    let mut ol = Vec::with_capacity(4096);
    let rn = reference.read_until(b'\n', &mut rl)?;
    let on = ours.read_until(b'\n', &mut ol)?;
    strip_eol(&mut rl);
    strip_eol(&mut ol);
    if rn == 0 && on == 0 {
        d.header_equal = true;
        return Ok(d);
    }
    d.header_equal = rn > 0 && on > 0 && rl == ol;
    let rnames = if rn > 0 {
        header_names(&rl)
    } else {
        Vec::new()
    };
    let onames = if on > 0 {
        header_names(&ol)
    } else {
        Vec::new()
    };
    // Map by (name, occurrence) so repeated names still pair up.
    let mut opos: HashMap<(&str, usize), usize> = HashMap::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, n) in onames.iter().enumerate() {
        let k = seen.entry(n).or_default();
        opos.insert((n, *k), i);
        *k += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut pairs: Vec<(usize, usize, &str)> = Vec::new(); // (ref idx, our idx, name)
    let mut matched_ours = vec![false; onames.len()];
    for (i, n) in rnames.iter().enumerate() {
        let k = seen.entry(n).or_default();
        let occ = *k;
        *k += 1;
        match opos.get(&(n.as_str(), occ)) {
            Some(&j) => {
                matched_ours[j] = true;
                if !excluded(n) {
                    pairs.push((i, j, n));
                }
            }
            None => d.missing_columns.push(n.clone()),
        }
    }
    d.ref_columns = rnames.clone();
    d.our_columns = onames.clone();
    d.extra_columns = onames
        .iter()
        .zip(&matched_ours)
        .filter(|(_, m)| !**m)
        .map(|(n, _)| n.clone())
        .collect();

    // For geo columns: the (reference, our) index of the side's country column.
    let index_of = |names: &[String], n: &str| names.iter().position(|x| x == n);
    let geo_cc: Vec<Option<Option<(usize, usize)>>> = pairs
        .iter()
        .map(|&(_, _, name)| {
            geo_cc_column(name).map(|cc| Some((index_of(&rnames, cc)?, index_of(&onames, cc)?)))
        })
        .collect();

    let mut rcells: Vec<(usize, usize)> = Vec::new();
    let mut ocells: Vec<(usize, usize)> = Vec::new();
    let split = |line: &[u8], out: &mut Vec<(usize, usize)>| {
        out.clear();
        let mut start = 0;
        for (i, &b) in line.iter().enumerate() {
            if b == b'\t' {
                out.push((start, i));
                start = i + 1;
            }
        }
        out.push((start, line.len()));
    };
    let mut row = 0u64;
    let (mut r_eof, mut o_eof) = (rn == 0, on == 0);
    loop {
        rl.clear();
        ol.clear();
        let r_has = !r_eof && reference.read_until(b'\n', &mut rl)? > 0;
        let o_has = !o_eof && ours.read_until(b'\n', &mut ol)? > 0;
        r_eof |= !r_has;
        o_eof |= !o_has;
        if !r_has && !o_has {
            break;
        }
        row += 1;
        if r_has {
            d.ref_rows += 1;
        }
        if o_has {
            d.our_rows += 1;
        }
        if !(r_has && o_has) {
            continue; // row count mismatch, reported through ref_rows/our_rows
        }
        strip_eol(&mut rl);
        strip_eol(&mut ol);
        if rl == ol && d.header_equal {
            d.compared_cells += pairs.len() as u64;
            continue;
        }
        split(&rl, &mut rcells);
        split(&ol, &mut ocells);
        for (k, &(i, j, name)) in pairs.iter().enumerate() {
            let rv = rcells.get(i).map(|&(a, b)| &rl[a..b]);
            let ov = ocells.get(j).map(|&(a, b)| &ol[a..b]);
            if let Some(cc) = geo_cc[k] {
                // A geo column: compared only for special-purpose addresses.
                let special = cc.is_some_and(|(ri, oi)| {
                    let r = rcells.get(ri).map(|&(a, b)| &rl[a..b]);
                    let o = ocells.get(oi).map(|&(a, b)| &ol[a..b]);
                    r.is_some_and(is_special_code) || o.is_some_and(is_special_code)
                });
                if !special {
                    continue;
                }
            }
            d.compared_cells += 1;
            if rv != ov {
                let c = d.columns.entry(name.to_string()).or_default();
                c.cells += 1;
                if c.examples.len() < max_examples {
                    c.examples.push(Example {
                        row,
                        expected: rv.map(short).unwrap_or_else(|| "<missing cell>".into()),
                        got: ov.map(short).unwrap_or_else(|| "<missing cell>".into()),
                    });
                }
            }
        }
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Logs (end report)
// ---------------------------------------------------------------------------------------------

/// Removes ANSI escape sequences (CSI `ESC [ ... final`, and two-byte `ESC x`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        if it.next() == Some('[') {
            for c in it.by_ref() {
                if ('\x40'..='\x7e').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// Label of a log line: the text before its first `": "` (two segments when the first is a
/// single word such as a plugin name: `basicStats: Biggest L2 flow talker`); lines without
/// `": "` are their own label with numbers replaced by `N`.
pub fn line_label(line: &str) -> String {
    let t = line.trim();
    let mut parts = t.splitn(3, ": ");
    let first = parts.next().unwrap_or("");
    let label = match (parts.next(), parts.next()) {
        (None, _) => match t.split_once('=') {
            Some((k, _)) => k.trim().to_string(),
            None => t.to_string(),
        },
        (Some(second), Some(_)) if !first.contains(' ') || is_tag_word(first) => {
            format!("{first}: {second}")
        }
        _ => first.trim().to_string(),
    };
    // Tokens that are numbers (start with a digit) become `N`.
    let words: Vec<&str> = label
        .split(' ')
        .map(|w| {
            if w.starts_with(|c: char| c.is_ascii_digit()) {
                "N"
            } else {
                w
            }
        })
        .collect();
    words.join(" ").chars().take(70).collect()
}

/// `[INF] macRecorder` style first segments count as one word.
fn is_tag_word(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("[INF] ") || s.starts_with("[WRN] ") || s.starts_with("[ERR] "))
        && !s[6..].contains(' ')
}

/// Normalised log: ANSI stripped, run-dependent lines replaced by `<label>: <masked>`.
/// `mask_dump_duration` masks `Total dump duration` (runs that read no packet).
/// Lines that only describe the original's data files (subnet databases, MAC vendor table) are
/// dropped on both sides: they say which database was loaded, not what the capture holds, and
/// our databases are other ones (see docs/divergences.md).
pub fn normalize_log(text: &str, mask_dump_duration: bool, extra_labels: &[String]) -> Vec<String> {
    text.lines()
        .filter(|raw| {
            let t = strip_ansi(raw);
            !((t.contains("IPv4 Ver:") || t.contains("IPv6 Ver:"))
                && t.contains("subnet ranges loaded")
                || t.contains("macRecorder") && t.contains("records loaded"))
        })
        .map(|raw| {
            let line = strip_ansi(raw);
            let t = line.trim();
            let masked = |label: &str| format!("{label}: <masked>");
            if t.starts_with("Tranalyzer ") && t.contains("PID:") {
                masked("Tranalyzer banner (PID)")
            } else if t.starts_with("Date:") {
                masked("Date")
            } else if t.starts_with("Finished processing. Elapsed time:") {
                masked("Finished processing. Elapsed time")
            } else if t.starts_with("Finished unloading flow memory. Time:") {
                masked("Finished unloading flow memory. Time")
            } else if t.starts_with("Memory usage:") {
                masked("Memory usage")
            } else if mask_dump_duration && t.starts_with("Total dump duration:") {
                masked("Total dump duration")
            } else if t.contains("IPv4 Ver:") && t.contains("subnet ranges loaded") {
                masked("[INF] IPv4 Ver")
            } else if t.contains("IPv6 Ver:") && t.contains("subnet ranges loaded") {
                masked("[INF] IPv6 Ver")
            } else if t.contains("macRecorder") && t.contains("records loaded") {
                masked("[INF] macRecorder (records loaded)")
            } else if let Some(l) = extra_labels.iter().find(|l| t.starts_with(l.as_str())) {
                masked(l)
            } else {
                line.trim_end().to_string()
            }
        })
        .collect()
}

/// Line differences of one log, per label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelDiff {
    /// Line present in both with another value.
    pub differs: u64,
    /// Reference line absent from ours.
    pub missing: u64,
    /// Our line absent from the reference.
    pub extra: u64,
    /// First example: (expected, got).
    pub example: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct LogDiff {
    pub labels: HashMap<String, LabelDiff>,
}

impl LogDiff {
    pub fn identical(&self) -> bool {
        self.labels.is_empty()
    }
}

fn hash_line(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Pairs of equal lines (LCS); falls back to positional matching for huge logs.
fn lcs_pairs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > 4_000_000 {
        return (0..n.min(m))
            .filter(|&i| a[i] == b[i])
            .map(|i| (i, i))
            .collect();
    }
    let ha: Vec<u64> = a.iter().map(|s| hash_line(s)).collect();
    let hb: Vec<u64> = b.iter().map(|s| hash_line(s)).collect();
    let w = m + 1;
    let mut t = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * w + j] = if ha[i] == hb[j] && a[i] == b[j] {
                t[(i + 1) * w + j + 1] + 1
            } else {
                t[(i + 1) * w + j].max(t[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if ha[i] == hb[j] && a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if t[(i + 1) * w + j] >= t[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Compares two normalised logs: equal lines are aligned (LCS); in each gap, lines with the
/// same label are paired as "differs", the rest are "missing" (reference only) or "extra".
pub fn compare_log(reference: &[String], ours: &[String]) -> LogDiff {
    let mut d = LogDiff::default();
    let pairs = lcs_pairs(reference, ours);
    let mut gaps = Vec::new();
    let (mut pi, mut pj) = (0, 0);
    for &(i, j) in pairs
        .iter()
        .chain(std::iter::once(&(reference.len(), ours.len())))
    {
        if i > pi || j > pj {
            gaps.push((pi..i, pj..j));
        }
        pi = i + 1;
        pj = j + 1;
    }
    for (rr, or) in gaps {
        let mut ours_left: Vec<(String, &String)> =
            ours[or].iter().map(|l| (line_label(l), l)).collect();
        for rline in &reference[rr] {
            let label = line_label(rline);
            let e = d.labels.entry(label.clone()).or_default();
            if let Some(k) = ours_left.iter().position(|(l, _)| *l == label) {
                let (_, oline) = ours_left.remove(k);
                e.differs += 1;
                e.example
                    .get_or_insert_with(|| (rline.clone(), oline.clone()));
            } else {
                e.missing += 1;
                e.example
                    .get_or_insert_with(|| (rline.clone(), "<missing>".into()));
            }
        }
        for (label, oline) in ours_left {
            let e = d.labels.entry(label).or_default();
            e.extra += 1;
            e.example
                .get_or_insert_with(|| ("<absent>".into(), oline.clone()));
        }
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Columns-of mode: a subset of the plugins against the 10-plugin reference
// ---------------------------------------------------------------------------------------------

/// The flow columns of T2 0.9.3's default plugins in their default configuration (as the
/// reference `HEADERS.flows.txt` lists them), by plugin; `core` owns `dir` and `flowInd`.
/// protoStats and txtSink declare no flow column.
#[rustfmt::skip]
pub const PLUGIN_COLUMNS: &[(&str, &[&str])] = &[
    ("core", &["dir", "flowInd"]),
    (
        "basicFlow",
        &[
            "sensorID", "flowStat", "timeFirst", "timeLast", "duration", "numHdrDesc", "numHdrs",
            "hdrDesc", "srcMac", "dstMac", "ethType", "vlanID", "srcIP", "srcIPCC", "srcIPOrg",
            "srcPort", "dstIP", "dstIPCC", "dstIPOrg", "dstPort", "l4Proto",
        ],
    ),
    (
        "macRecorder",
        &["macStat", "macPairs", "srcMac_dstMac_numP", "srcMacLbl_dstMacLbl"],
    ),
    ("portClassifier", &["dstPortClassN", "dstPortClass"]),
    (
        "basicStats",
        &[
            "pktsSnt", "pktsRcvd", "padBytesSnt", "l7BytesSnt", "l7BytesRcvd", "minL7PktSz",
            "maxL7PktSz", "avgL7PktSz", "stdL7PktSz", "minIAT", "maxIAT", "avgIAT", "stdIAT",
            "pktps", "bytps", "pktAsm", "bytAsm",
        ],
    ),
    (
        "tcpFlags",
        &[
            "tcpFStat", "ipMindIPID", "ipMaxdIPID", "ipMinTTL", "ipMaxTTL", "ipTTLChg", "ipToS",
            "ipFlags", "ipOptCnt", "ipOptCpCl_Num", "ip6OptCntHH_D", "ip6OptHH_D", "tcpISeqN",
            "tcpPSeqCnt", "tcpSeqSntBytes", "tcpSeqFaultCnt", "tcpPAckCnt",
            "tcpFlwLssAckRcvdBytes", "tcpAckFaultCnt", "tcpBFlgtMx", "tcpInitWinSz",
            "tcpAvgWinSz", "tcpMinWinSz", "tcpMaxWinSz", "tcpWinSzDwnCnt", "tcpWinSzUpCnt",
            "tcpWinSzChgDirCnt", "tcpWinSzThRt", "tcpFlags", "tcpAnomaly", "tcpJA4T",
            "tcpOptPktCnt", "tcpOptCnt", "tcpOptions", "tcpMSS", "tcpWS", "tcpMPTBF", "tcpMPF",
            "tcpMPAID", "tcpMPDSSF", "tcpTmS", "tcpTmER", "tcpEcI", "tcpUtm", "tcpBtm",
            "tcpSSASAATrip", "tcpRTTAckTripMin", "tcpRTTAckTripMax", "tcpRTTAckTripAvg",
            "tcpRTTAckTripJitAvg", "tcpRTTSseqAA", "tcpRTTAckJitAvg",
        ],
    ),
    ("tcpStates", &["tcpStatesAFlags"]),
    (
        "icmpDecode",
        &[
            "icmpStat", "icmpTCcnt", "icmpBFTypH_TypL_Code", "icmpTmGtw", "icmpEchoSuccRatio",
            "icmpPFindex",
        ],
    ),
    (
        "connStat",
        &[
            "connSip", "connDip", "connSipDip", "connSipDprt", "connF", "connG", "connNumPCnt",
            "connNumBCnt",
        ],
    ),
];

/// Plugins that change the flows themselves: which flows exist and when they end (tcpStates'
/// timeouts), their direction (icmpDecode's `L3FLOWINVERT`); the values of other plugins
/// depend on them. (tcpFlags only adds `TIMEJUMP` to `flowStat`.) When one of them does not
/// run, the original's basicFlow+txtSink reference tells which captures they change.
pub const FLOW_ALTERING_PLUGINS: [&str; 2] = ["tcpStates", "icmpDecode"];

/// The plugin (or `core`) owning a flow column of the reference, `None` if unknown.
pub fn column_plugin(name: &str) -> Option<&'static str> {
    PLUGIN_COLUMNS
        .iter()
        .find(|(_, cols)| cols.contains(&name))
        .map(|(p, _)| *p)
}

/// Reference columns not compared in columns-of mode: absent from our header, or owned by a
/// plugin outside the selection (`selected(plugin)`).
pub fn not_compared(d: &TableDiff, selected: &dyn Fn(&str) -> bool) -> Vec<String> {
    d.ref_columns
        .iter()
        .filter(|c| {
            !d.our_columns.contains(c)
                || column_plugin(c).is_some_and(|p| p != "core" && !selected(p))
        })
        .cloned()
        .collect()
}

/// Columns-of verdict for one plugin: rows aligned, every reference column of the plugin
/// present in ours, and none of them (compared) differing.
pub fn plugin_columns_identical(d: &TableDiff, plugin: &str) -> bool {
    d.rows_aligned()
        && d.ref_columns
            .iter()
            .filter(|c| column_plugin(c) == Some(plugin))
            .all(|c| d.our_columns.contains(c) && !d.columns.contains_key(c))
}

/// The plugin a report line belongs to: `name: text`, `[INF] name: text` (ANSI stripped).
pub fn report_line_plugin(line: &str) -> Option<&str> {
    let t = line.trim();
    let t = ["[INF] ", "[WRN] ", "[ERR] ", "[OK] "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    let (name, _) = t.split_once(':')?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// Removes the country code the original appends to an address in report lines
/// (`2001:db8::1 (US): 26 [..]`): it comes from the geo database, which the reference ran
/// with and we do not have (as the geo columns, it is not compared).
pub fn strip_geo_annotation(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' '
            && i + 5 < b.len()
            && b[i + 1] == b'('
            && b[i + 2].is_ascii_alphanumeric()
            && b[i + 3].is_ascii_alphanumeric()
            && b[i + 4] == b')'
            && b[i + 5] == b':'
            && i > 0
            && (b[i - 1].is_ascii_hexdigit() || b[i - 1] == b':' || b[i - 1] == b'.')
        {
            i += 5;
            continue;
        }
        let c = line[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The report lines of one plugin in a normalised log, geo annotations removed.
pub fn plugin_report_lines(log: &[String], plugin: &str) -> Vec<String> {
    log.iter()
        .filter(|l| report_line_plugin(l) == Some(plugin))
        .map(|l| strip_geo_annotation(l.trim()))
        .collect()
}

/// Columns-of mode: drops the "Active plugins" list (it names the plugins loaded) and the
/// report lines of known plugins that did not run (`ran(plugin)` false), so the remaining
/// core lines can be compared.
pub fn log_without_unrun_plugins(log: &[String], ran: &dyn Fn(&str) -> bool) -> Vec<String> {
    let known = |p: &str| PLUGIN_COLUMNS.iter().any(|(n, _)| *n == p) || p == "protoStats";
    let mut out = Vec::with_capacity(log.len());
    let mut in_list = false;
    for l in log {
        let t = l.trim();
        if t == "Active plugins:" {
            in_list = true;
            continue;
        }
        if in_list {
            // "    01: protoStats, 0.9.3"
            let is_item = l.starts_with(' ')
                && t.split_once(": ").is_some_and(|(n, rest)| {
                    n.chars().all(|c| c.is_ascii_digit()) && rest.contains(", ")
                });
            if is_item {
                continue;
            }
            in_list = false;
        }
        if let Some(p) = report_line_plugin(l) {
            if known(p) && !ran(p) {
                continue;
            }
        }
        out.push(l.clone());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Error messages and plain files
// ---------------------------------------------------------------------------------------------

/// The reference error message matches when each of its (ANSI-stripped, trimmed, non-empty)
/// lines appears as a line of our stderr.
pub fn error_message_matches(reference: &str, our_stderr: &str) -> bool {
    let ours: HashSet<String> = strip_ansi(our_stderr)
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    let want: Vec<String> = strip_ansi(reference)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    !want.is_empty() && want.iter().all(|l| ours.contains(l))
}

/// First line of a message, ANSI stripped (for examples).
pub fn first_line(s: &str) -> String {
    let s = strip_ansi(s);
    let l = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("<empty>");
    short(l.as_bytes())
}

/// Byte comparison; on difference returns the 1-based first differing line and both lines.
pub fn compare_bytes<R1: Read, R2: Read>(
    reference: R1,
    ours: R2,
) -> Result<Option<(u64, String, String)>> {
    let mut r = std::io::BufReader::new(reference);
    let mut o = std::io::BufReader::new(ours);
    let (mut rl, mut ol) = (Vec::new(), Vec::new());
    let mut n = 0u64;
    loop {
        rl.clear();
        ol.clear();
        let a = r.read_until(b'\n', &mut rl)?;
        let b = o.read_until(b'\n', &mut ol)?;
        if a == 0 && b == 0 {
            return Ok(None);
        }
        n += 1;
        if rl != ol {
            let show = |v: &Vec<u8>, eof: bool| {
                if eof {
                    "<end of file>".to_string()
                } else {
                    let mut v = v.clone();
                    strip_eol(&mut v);
                    short(&v)
                }
            };
            return Ok(Some((n, show(&rl, a == 0), show(&ol, b == 0))));
        }
    }
}

/// protoStats' protocols.txt compared as [`compare_bytes`] does, but with the description
/// column (what follows the third tab of a row; `#` lines are kept whole) left out: the
/// descriptions come from name tables (ethertypes, IP protocols, ports) that may differ from the
/// original's.
pub fn compare_without_descriptions<R1: Read, R2: Read>(
    reference: R1,
    ours: R2,
) -> Result<Option<(u64, String, String)>> {
    fn masked<R: Read>(r: R) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut r = std::io::BufReader::new(r);
        let mut line = Vec::new();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line)? == 0 {
                return Ok(out);
            }
            let third_tab = (!line.starts_with(b"#"))
                .then(|| line.iter().enumerate().filter(|(_, c)| **c == b'\t').nth(2))
                .flatten();
            match third_tab {
                Some((i, _)) => {
                    out.extend_from_slice(&line[..=i]);
                    if line.ends_with(b"\n") {
                        out.push(b'\n');
                    }
                }
                None => out.extend_from_slice(&line),
            }
        }
    }
    compare_bytes(&masked(reference)?[..], &masked(ours)?[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_without_descriptions() {
        let a = "# Total packets: 2\n# L4 Protocol\tPackets\tBytes\tDescription\n  6\t2 [100.00%]\t9 [100.00%]\tTransmission Control Protocol (TCP)\n";
        let b = "# Total packets: 2\n# L4 Protocol\tPackets\tBytes\tDescription\n  6\t2 [100.00%]\t9 [100.00%]\t-\n";
        assert_eq!(
            compare_without_descriptions(a.as_bytes(), b.as_bytes()).unwrap(),
            None
        );
        let c = "# Total packets: 2\n# L4 Protocol\tPackets\tBytes\tDescription\n  6\t2 [100.00%]\t8 [100.00%]\t-\n";
        assert_eq!(
            compare_without_descriptions(a.as_bytes(), c.as_bytes())
                .unwrap()
                .map(|d| d.0),
            Some(3)
        );
        let d = "# Total packets: 3\n# L4 Protocol\tPackets\tBytes\tDescription\n  6\t2 [100.00%]\t9 [100.00%]\t-\n";
        assert!(
            compare_without_descriptions(a.as_bytes(), d.as_bytes())
                .unwrap()
                .is_some()
        );
    }

    const HDR: &str = "%dir\tflowInd\tsrcIP\tsrcIPCC\tdstPort\n";

    fn table(rows: &[&str]) -> String {
        let mut s = HDR.to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    fn cmp(a: &str, b: &str, excl: &[&str]) -> TableDiff {
        let ex: Vec<String> = excl.iter().map(|s| s.to_string()).collect();
        compare_table(
            a.as_bytes(),
            b.as_bytes(),
            &|c| ex.iter().any(|e| e == c),
            5,
        )
        .unwrap()
    }

    /// Geo columns: compared where either side labels a special-purpose range (two digits),
    /// skipped for public addresses.
    #[test]
    fn geo_columns_compared_for_special_ranges_only() {
        let h = "%dir\tsrcIP\tsrcIPCC\tsrcIPOrg\tdstIP\tdstIPCC\tdstIPOrg\n";
        let reference = format!("{h}A\t10.0.0.1\t04\t\"Private network\"\t8.8.8.8\t-\t\"-\"\nA\t2001::1\tie\t\"x\"\t0.0.0.1\t-\t\"-\"\n");
        let same = format!("{h}A\t10.0.0.1\t04\t\"Private network\"\t8.8.8.8\tus\t\"Google LLC\"\nA\t2001::1\tde\t\"y\"\t0.0.0.1\t-\t\"-\"\n");
        let d = compare_table(reference.as_bytes(), same.as_bytes(), &|_| false, 5).unwrap();
        assert!(d.identical(), "{:?}", d.columns);
        let wrong = format!("{h}A\t10.0.0.1\t-\t\"-\"\t8.8.8.8\tus\t\"Google LLC\"\nA\t2001::1\tie\t\"x\"\t0.0.0.1\t24\t\"Reserved\"\n");
        let d = compare_table(reference.as_bytes(), wrong.as_bytes(), &|_| false, 5).unwrap();
        let mut cols: Vec<&str> = d.columns.keys().map(String::as_str).collect();
        cols.sort();
        assert_eq!(cols, ["dstIPCC", "dstIPOrg", "srcIPCC", "srcIPOrg"]);
    }

    #[test]
    fn identical_tables() {
        let t = table(&["A\t1\t10.0.0.1\t07\t80", "B\t1\t10.0.0.2\t07\t1234"]);
        let d = cmp(&t, &t, &[]);
        assert!(d.identical());
        assert_eq!(d.ref_rows, 2);
        assert_eq!(d.compared_cells, 10);
    }

    #[test]
    fn one_mutated_cell_gives_exactly_one_difference() {
        let a = table(&["A\t1\t10.0.0.1\t07\t80", "B\t1\t10.0.0.2\t07\t1234"]);
        let b = table(&["A\t1\t10.0.0.1\t07\t80", "B\t1\t10.0.0.2\t07\t1235"]);
        let d = cmp(&a, &b, &[]);
        assert!(!d.identical());
        assert_eq!(d.differing_cells(), 1);
        assert_eq!(d.columns.len(), 1);
        let c = &d.columns["dstPort"];
        assert_eq!(
            c.examples,
            vec![Example {
                row: 2,
                expected: "1234".into(),
                got: "1235".into()
            }]
        );
    }

    #[test]
    fn excluded_columns_and_row_counts() {
        let a = table(&["A\t1\t10.0.0.1\t07\t80"]);
        let b = table(&["A\t1\t10.0.0.1\tus\t80"]);
        assert!(cmp(&a, &b, &["srcIPCC"]).identical());
        assert!(!cmp(&a, &b, &[]).identical());
        let c = table(&["A\t1\t10.0.0.1\t07\t80", "B\t1\t10.0.0.2\t07\t1234"]);
        let d = cmp(&a, &c, &[]);
        assert!(!d.identical());
        assert_eq!((d.ref_rows, d.our_rows), (1, 2));
        assert_eq!(d.differing_cells(), 0);
    }

    #[test]
    fn columns_matched_by_name() {
        let a = table(&["A\t1\t10.0.0.1\t07\t80"]);
        let b = "%dir\tsrcIP\tflowInd\tdstPort\tnew\nA\t10.0.0.1\t1\t80\tx\n";
        let d = cmp(&a, b, &[]);
        assert!(!d.header_equal);
        assert_eq!(d.missing_columns, vec!["srcIPCC".to_string()]);
        assert_eq!(d.extra_columns, vec!["new".to_string()]);
        assert_eq!(d.differing_cells(), 0);
    }

    #[test]
    fn empty_files() {
        assert!(cmp("", "", &[]).identical());
        assert!(!cmp(HDR, "", &[]).identical());
    }

    #[test]
    fn nondeterministic_formats() {
        let a = "path\tfile\tvarying\nx.pcap\tflows.txt\t1 row(s); columns: dstMac,srcMac_dstMac_numP\n\
                 x.pcap\tlog.txt\tlines: basicStats: Biggest L2 flow talker; Total dump duration\n\
                 x.pcap\tprotocols.txt\t1 line(s)\n";
        let m = parse_nondeterministic(a).unwrap();
        let e = &m["x.pcap"];
        assert!(e.flows_cols.contains("dstMac") && e.flows_cols.contains("srcMac_dstMac_numP"));
        assert_eq!(
            e.log_labels,
            vec!["basicStats: Biggest L2 flow talker", "Total dump duration"]
        );
        assert!(e.files.contains("protocols.txt"));
        let b = "path\tcolumns_varying_between_runs\tnote\ny.pcap\thdrDesc,srcMac,ethType\tnote\n";
        let m = parse_nondeterministic(b).unwrap();
        assert_eq!(m["y.pcap"].flows_cols.len(), 3);
    }

    #[test]
    fn ansi_and_labels() {
        let l = "\x1b[1;34m[INF]\x1b[0m \x1b[0;34mIPv4 flows\x1b[0m";
        assert_eq!(strip_ansi(l), "[INF] IPv4 flows");
        assert_eq!(
            line_label("Number of processed packets: 1723 (1.72 K)"),
            "Number of processed packets"
        );
        assert_eq!(
            line_label("basicStats: Biggest L2 flow talker: 00:11: 3"),
            "basicStats: Biggest L2 flow talker"
        );
        assert_eq!(
            line_label("Dump start: 1470104373.025824000 sec (Tue 02 Aug 2016 02:19:33 GMT)"),
            "Dump start"
        );
        assert_eq!(line_label("[WRN] 3 fragments"), "[WRN] N fragments");
        assert_eq!(
            line_label("Aggregated flowStat=0x0c0010000200c000"),
            "Aggregated flowStat"
        );
        assert_eq!(
            line_label("[WRN] IPv4/6 packet fragmentation"),
            "[WRN] IPv4/6 packet fragmentation"
        );
        assert_eq!(
            line_label("[WRN] snapL2Length: 48 - snapL3Length: 48 - IP length in header: 12376"),
            "[WRN] snapL2Length: N - snapL3Length"
        );
        assert_eq!(
            line_label("Number of processed A    flows: 24 [53.33%]"),
            "Number of processed A    flows"
        );
    }

    #[test]
    fn log_masking_and_diff() {
        let r = "Tranalyzer 0.9.3 (Anteater), Cobra. PID: 1, Prio: 0, SID: 666\nDate: 1 sec\n\
                 Number of processed packets: 10\nNumber of processed bytes: 100\nMemory usage: 0.01 GB [0.06%]\n\
                 Total dump duration: 5 sec\n";
        let o = "Tranalyzer 0.9.3 (Anteater), Cobra. PID: 2, Prio: 0, SID: 666\nDate: 2 sec\n\
                 Number of processed packets: 11\n[WRN] extra\nMemory usage: 0.02 GB [0.07%]\n\
                 Total dump duration: 6 sec\n";
        let d = compare_log(&normalize_log(r, true, &[]), &normalize_log(o, true, &[]));
        assert_eq!(d.labels.len(), 3, "{:?}", d.labels);
        assert_eq!(d.labels["Number of processed packets"].differs, 1);
        assert_eq!(d.labels["Number of processed bytes"].missing, 1);
        assert_eq!(d.labels["[WRN] extra"].extra, 1);
        let d = compare_log(&normalize_log(r, false, &[]), &normalize_log(r, false, &[]));
        assert!(d.identical());
        let d = compare_log(&normalize_log(r, false, &[]), &normalize_log(o, false, &[]));
        assert_eq!(d.labels["Total dump duration"].differs, 1);
    }

    const FULL_HDR: &str = "%dir\tflowInd\tflowStat\tsrcIPCC\tmacStat\tpktsSnt\tpktAsm\tconnSip\n";

    fn full(rows: &[&str]) -> String {
        let mut s = FULL_HDR.to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn columns_of_mode_judges_our_columns_only() {
        let r = full(&[
            "A\t1\t0x01\t07\t0x00\t10\t0.4285714\t14",
            "B\t1\t0x02\t07\t0x00\t4\t-0.4285714\t1",
        ]);
        // We run basicFlow (part of it), basicStats, no macRecorder/connStat.
        let ours = "%dir\tflowInd\tflowStat\tsrcIPCC\tpktsSnt\tpktAsm\n\
                    A\t1\t0x01\t--\t10\t0.4285714\nB\t1\t0x02\t--\t4\t-0.4285714\n";
        let d = cmp(&r, ours, &["srcIPCC"]);
        assert!(!d.identical(), "the header differs");
        assert!(d.rows_aligned() && d.identical_on_ours());
        assert_eq!(
            not_compared(&d, &|p| p == "basicStats" || p == "basicFlow"),
            vec!["macStat".to_string(), "connSip".to_string()]
        );
        // Selected plugins decide what is "not compared" even for columns we print.
        assert_eq!(
            not_compared(&d, &|p| p == "basicStats"),
            vec!["flowStat", "srcIPCC", "macStat", "connSip"]
        );
        assert!(plugin_columns_identical(&d, "basicStats"));
        assert!(plugin_columns_identical(&d, "basicFlow"));
        assert!(
            !plugin_columns_identical(&d, "connStat"),
            "its column is missing"
        );

        // One basicStats cell differs: basicStats fails, basicFlow still conforms.
        let bad = ours.replace("-0.4285714", "-0.4285715");
        let d = cmp(&r, &bad, &["srcIPCC"]);
        assert!(d.rows_aligned() && !d.identical_on_ours());
        assert!(!plugin_columns_identical(&d, "basicStats"));
        assert!(plugin_columns_identical(&d, "basicFlow"));

        // Rows in another order (dir/flowInd differ): nothing conforms.
        let swapped = "%dir\tflowInd\tpktsSnt\nB\t1\t4\nA\t1\t10\n";
        let d = cmp(&r, swapped, &[]);
        assert!(!d.rows_aligned());
        assert!(!plugin_columns_identical(&d, "basicStats"));
        assert!(!plugin_columns_identical(&d, "basicFlow"));

        // A column of ours the reference lacks: not conforming.
        let extra = "%dir\tflowInd\tpktsSnt\tnewCol\nA\t1\t10\tx\nB\t1\t4\tx\n";
        let d = cmp(&r, extra, &[]);
        assert!(d.rows_aligned() && !d.identical_on_ours());
        // ... unless that column is not judged (`--columns-of` without its plugin).
        assert!(d.identical_on(&|c| c != "newCol"));
        // Fewer rows: not aligned.
        let short = "%dir\tflowInd\tpktsSnt\nA\t1\t10\n";
        assert!(!cmp(&r, short, &[]).rows_aligned());
    }

    #[test]
    fn column_owners() {
        assert_eq!(column_plugin("dir"), Some("core"));
        assert_eq!(column_plugin("pktAsm"), Some("basicStats"));
        assert_eq!(column_plugin("connNumBCnt"), Some("connStat"));
        assert_eq!(column_plugin("tcpJA4T"), Some("tcpFlags"));
        assert_eq!(column_plugin("nope"), None);
        // Every column of the reference's header belongs to exactly one plugin.
        let hdr = "%dir\tflowInd\tflowStat\ttimeFirst\ttimeLast\tduration\tnumHdrDesc\tnumHdrs\thdrDesc\tsrcMac\tdstMac\tethType\tvlanID\tsrcIP\tsrcIPCC\tsrcIPOrg\tsrcPort\tdstIP\tdstIPCC\tdstIPOrg\tdstPort\tl4Proto\tmacStat\tmacPairs\tsrcMac_dstMac_numP\tsrcMacLbl_dstMacLbl\tdstPortClassN\tdstPortClass\tpktsSnt\tpktsRcvd\tpadBytesSnt\tl7BytesSnt\tl7BytesRcvd\tminL7PktSz\tmaxL7PktSz\tavgL7PktSz\tstdL7PktSz\tminIAT\tmaxIAT\tavgIAT\tstdIAT\tpktps\tbytps\tpktAsm\tbytAsm\ttcpFStat\tipMindIPID\tipMaxdIPID\tipMinTTL\tipMaxTTL\tipTTLChg\tipToS\tipFlags\tipOptCnt\tipOptCpCl_Num\tip6OptCntHH_D\tip6OptHH_D\ttcpISeqN\ttcpPSeqCnt\ttcpSeqSntBytes\ttcpSeqFaultCnt\ttcpPAckCnt\ttcpFlwLssAckRcvdBytes\ttcpAckFaultCnt\ttcpBFlgtMx\ttcpInitWinSz\ttcpAvgWinSz\ttcpMinWinSz\ttcpMaxWinSz\ttcpWinSzDwnCnt\ttcpWinSzUpCnt\ttcpWinSzChgDirCnt\ttcpWinSzThRt\ttcpFlags\ttcpAnomaly\ttcpJA4T\ttcpOptPktCnt\ttcpOptCnt\ttcpOptions\ttcpMSS\ttcpWS\ttcpMPTBF\ttcpMPF\ttcpMPAID\ttcpMPDSSF\ttcpTmS\ttcpTmER\ttcpEcI\ttcpUtm\ttcpBtm\ttcpSSASAATrip\ttcpRTTAckTripMin\ttcpRTTAckTripMax\ttcpRTTAckTripAvg\ttcpRTTAckTripJitAvg\ttcpRTTSseqAA\ttcpRTTAckJitAvg\ttcpStatesAFlags\ticmpStat\ticmpTCcnt\ticmpBFTypH_TypL_Code\ticmpTmGtw\ticmpEchoSuccRatio\ticmpPFindex\tconnSip\tconnDip\tconnSipDip\tconnSipDprt\tconnF\tconnG\tconnNumPCnt\tconnNumBCnt";
        for c in header_names(hdr.as_bytes()) {
            assert!(column_plugin(&c).is_some(), "{c}");
        }
        let n: usize = PLUGIN_COLUMNS.iter().map(|(_, c)| c.len()).sum();
        assert_eq!(
            n,
            112 + 1,
            "112 reference columns + basicFlow's optional sensorID"
        );
    }

    #[test]
    fn plugin_report_lines_and_filtering() {
        assert_eq!(
            report_line_plugin("basicStats: Flow max(pktload): 24"),
            Some("basicStats")
        );
        assert_eq!(
            report_line_plugin("[INF] macRecorder: 5 records"),
            Some("macRecorder")
        );
        assert_eq!(report_line_plugin("Number of processed packets: 1"), None);
        assert_eq!(
            report_line_plugin("Aggregated flowStat=0x0400000000004000"),
            None
        );
        assert_eq!(
            strip_geo_annotation(
                "basicStats: Biggest L3 flow talker: 2a02:abc::123 (AT): 2 [66.67%] packets"
            ),
            "basicStats: Biggest L3 flow talker: 2a02:abc::123: 2 [66.67%] packets"
        );
        assert_eq!(
            strip_geo_annotation(
                "connStat: Source IP with max connections: 2600:: (US): 1 connections"
            ),
            "connStat: Source IP with max connections: 2600::: 1 connections"
        );
        // Not an annotation: kept.
        let l = "basicStats: Flow max(b/s), pkts: 154672 (154.67 Kb/s), 5";
        assert_eq!(strip_geo_annotation(l), l);

        let log = "\x1b[1mbasicStats:\x1b[0m Flow max(pktload): 24\n\
                   \x1b[1mtcpFlags:\x1b[0m Aggregated ipFlags=0x4844\n\
                   \x1b[1mconnStat:\x1b[0m Source IP with max connections: ::1 (US): 1 connections\n\
                   Number of processed packets: 1\n";
        let n = normalize_log(log, false, &[]);
        assert_eq!(
            plugin_report_lines(&n, "basicStats"),
            vec!["basicStats: Flow max(pktload): 24"]
        );
        assert_eq!(
            plugin_report_lines(&n, "connStat"),
            vec!["connStat: Source IP with max connections: ::1: 1 connections"]
        );
        assert!(plugin_report_lines(&n, "macRecorder").is_empty());

        let full =
            "Date: 1\nActive plugins:\n    01: protoStats, 0.9.3\n    02: basicFlow, 0.9.3\n    \
                    05: basicStats, 0.9.3\nProcessing file: x.pcap\n"
                .to_string()
                + log;
        let ours = "Date: 2\nActive plugins:\n    01: basicFlow, 0.9.3\n    02: basicStats, 0.9.3\n\
                    Processing file: x.pcap\n\x1b[1mbasicStats:\x1b[0m Flow max(pktload): 24\n\
                    Number of processed packets: 1\n";
        let ran = |p: &str| p == "basicFlow" || p == "basicStats";
        let a = log_without_unrun_plugins(&normalize_log(&full, false, &[]), &ran);
        let b = log_without_unrun_plugins(&normalize_log(ours, false, &[]), &ran);
        assert!(compare_log(&a, &b).identical(), "{a:?}\n{b:?}");
        assert!(a.iter().any(|l| l.starts_with("Processing file")));
        // A differing report line of a plugin that ran is still seen.
        let worse = ours.replace("pktload): 24", "pktload): 25");
        let b = log_without_unrun_plugins(&normalize_log(&worse, false, &[]), &ran);
        assert_eq!(
            compare_log(&a, &b).labels["basicStats: Flow max(pktload)"].differs,
            1
        );
    }

    #[test]
    fn error_messages() {
        let r =
            "\x1b[1;31m[ERR]\x1b[0m \x1b[0;31mUnsupported link-layer type: SLIP [SLIP/8]\x1b[0m\n";
        assert!(error_message_matches(
            r,
            "[ERR] Unsupported link-layer type: SLIP [SLIP/8]\n"
        ));
        assert!(!error_message_matches(r, "[ERR] something else\n"));
    }

    #[test]
    fn bytes() {
        assert_eq!(compare_bytes(&b"a\nb\n"[..], &b"a\nb\n"[..]).unwrap(), None);
        assert_eq!(
            compare_bytes(&b"a\nb\n"[..], &b"a\nc\n"[..]).unwrap(),
            Some((2, "b".into(), "c".into()))
        );
        assert_eq!(
            compare_bytes(&b"a\n"[..], &b"a\nc\n"[..]).unwrap(),
            Some((2, "<end of file>".into(), "c".into()))
        );
    }
}
