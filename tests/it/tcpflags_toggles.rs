//! tcpFlags' settings toggled (issue #5), the way T2's toggle tests work: every setting of
//! `plugins/tcpFlags/t2plugin.toml` is set to each of its other values (here: the values listed
//! in [`VARIANTS`]) with `t2conf DIR -D FLAG=VALUE`, the plugin is built, and t2 runs with
//! basicFlow + tcpFlags + txtSink (`-s -l`: flows, packets and end report) on a few corpus
//! captures chosen so that every setting has a visible effect. Each variant's output is compared
//! with the default build's on the same captures: the columns the spec (§4.3) ties to the
//! setting appear, disappear, are renamed or change as its rule says, and every other column
//! and end-report line stays the same. `IPTOS=1` and `SPKTMD_SEQACKREL=1` are also compared with
//! the original T2's output for that build (`../shared/conformance-variants/tcpflags-alt`).
//!
//! The plugin copies live in a scratch workspace under the target folder
//! (`tcpflags-toggles/`, one package per variant), edited by `t2conf` through a staging copy of
//! `t2plugin.toml` (a file is rewritten only when it changes, so a second test run rebuilds
//! nothing) and built by one cargo invocation into the shared target folder, in the profile the
//! tests run in. The whole-corpus sweep is `cargo xtask toggles` (see docs/conformance.md).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use t2_tests::*;

/// Every setting of tcpFlags at the values tested (each other than the default; WINMIN and
/// JA4TOPTMX take any of many values: one below and one above the default, or one that cuts).
const VARIANTS: &[(&str, &str)] = &[
    ("IPTOS", "1"),
    ("IPTOS", "2"),
    ("RTT_ESTIMATE", "0"),
    ("IPCHECKSUM", "0"),
    ("IPCHECKSUM", "1"),
    ("WINDOWSIZE", "0"),
    ("WINMIN", "0"),
    ("WINMIN", "65535"),
    ("SEQ_ACK_NUM", "0"),
    ("FRAG_ANALYZE", "0"),
    ("NAT_BT_EST", "0"),
    ("SCAN_DETECTOR", "0"),
    ("MPTCP", "0"),
    ("TCPJA4T", "0"),
    ("JA4TOPTMX", "2"),
    ("TCPFLGCNT", "1"),
    ("SPKTMD_SEQACKREL", "1"),
    ("SPKTMD_SEQACKHEX", "1"),
];

/// The captures (relative to `../shared/pcaps`) and what each brings.
const CAPTURES: &[&str] = &[
    // ToS 0xc0, timestamps, an out-of-order segment (also in tcpflags-alt)
    "tcpdump/bgp-shutdown-communication.pcapng",
    // ToS, scans, SYN and SEQ retransmissions, duplicate ACKs, window below 1 (tcpflags-alt)
    "ndpi/heuristic_tcp_ack_payload.pcap",
    // SYN retransmissions, four SACK options in the SYN (tcpflags-alt)
    "zeek/tcp/option-sack.pcap",
    // one-sided TCP (tcpflags-alt)
    "suricata-verify/tcp-async-01/input.pcap",
    // IPv6 with a traffic class (tcpflags-alt)
    "suricata-verify/ipv6-evasion/ipv6-kill-router-gateway/kill_router6.pcap",
    // window scaling, zero windows, receiver window full, a successful scan
    "zeek/tcp/window-scale-range.pcap",
    // TCP in fragments: fragment below minimum size, pending layer-4 checksum, NULL scan
    "suricata-verify/defrag/bug-6887-defrag-ipv4-tcp-syn/frag-ip-tcp-syn.pcap",
    // MPTCP (MP_CAPABLE, DSS)
    "tcpdump/mptcp-v1.pcap",
    // IPv4 header checksum error, layer-4 checksum error, snapped
    "tcpdump/extract_read2_asan.pcap",
    // decreasing TCP timestamps, timeout retransmissions, 20 SYN option kinds
    "suricata-verify/tcp-fastopen-10-syn-data-ignore/input.pcap",
];

/// Captures of [`CAPTURES`] that `../shared/conformance-variants/tcpflags-alt` (the original
/// built with `IPTOS=1` and `SPKTMD_SEQACKREL=1`, run with `-s`) has, with rows that align with
/// our three-plugin run.
const ALT_CAPTURES: &[&str] = &[
    "tcpdump/bgp-shutdown-communication.pcapng",
    "ndpi/heuristic_tcp_ack_payload.pcap",
    "zeek/tcp/option-sack.pcap",
    "suricata-verify/tcp-async-01/input.pcap",
    "suricata-verify/ipv6-evasion/ipv6-kill-router-gateway/kill_router6.pcap",
];

// ------------------------------------------------------------------------------------------
// Building the variants
// ------------------------------------------------------------------------------------------

/// The plugin folder (basicFlow, tcpFlags, txtSink) of each variant: key `default` or
/// `FLAG=VALUE`.
struct Built {
    plugin_dirs: HashMap<String, PathBuf>,
}

fn package_of(key: &str) -> String {
    format!("tcpFlags_{}", key.replace('=', "_"))
}

/// Writes `bytes` to `path` unless it already holds them (keeps cargo's fingerprints).
fn put(path: &Path, bytes: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(bytes) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// Copies the files of `from` into `to` (recursively), rewriting only changed files.
fn mirror(from: &Path, to: &Path) {
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            mirror(&e.path(), &dst);
        } else {
            put(&dst, &fs::read(e.path()).unwrap());
        }
    }
}

/// The scratch workspace's manifest: the variant packages, the SDK crates by path, and the real
/// workspace's lints and profiles (so the SDK crates compile as they do for the tree).
fn workspace_manifest(members: &[String]) -> String {
    let real = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let section = |from: &str, to: Option<&str>| -> String {
        let a = real.find(from).unwrap_or_else(|| panic!("{from} in Cargo.toml"));
        let b = to.and_then(|t| real[a..].find(t).map(|i| a + i)).unwrap_or(real.len());
        real[a..b].to_string()
    };
    let lints = section("[workspace.lints.rust]", Some("[workspace.dependencies]"));
    let profiles = section("[profile.", None);
    let crates = root().join("crates");
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    format!(
        "# Generated by tests/it/tcpflags_toggles.rs: tcpFlags with one setting changed per package.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
         [workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"GPL-2.0-or-later\"\n\n\
         {lints}\n[workspace.dependencies]\nt2-abi = {{ path = {:?} }}\nt2-plugin = {{ path = {:?} }}\n\n{profiles}",
        members.join(", "),
        crates.join("t2-abi"),
        crates.join("t2-plugin"),
    )
}

/// Builds every variant once per test run (one cargo invocation) and fills their plugin folders.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let base = target_dir().join("tcpflags-toggles");
        let src = root().join("plugins/tcpFlags");
        let t2conf = bins().t2build.with_file_name("t2conf");
        let home = base.join("home");
        fs::create_dir_all(&home).unwrap();
        let keys: Vec<String> = std::iter::once("default".to_string())
            .chain(VARIANTS.iter().map(|(f, v)| format!("{f}={v}")))
            .collect();
        let mut members = Vec::new();
        for key in &keys {
            let pkg = package_of(key);
            let dir = base.join(&pkg);
            mirror(&src.join("src"), &dir.join("src"));
            put(&dir.join("build.rs"), &fs::read(src.join("build.rs")).unwrap());
            let manifest = fs::read_to_string(src.join("Cargo.toml")).unwrap();
            assert!(manifest.contains("name = \"tcpFlags\""), "plugins/tcpFlags/Cargo.toml: package name");
            let manifest = manifest.replacen("name = \"tcpFlags\"", &format!("name = \"{pkg}\""), 1);
            put(&dir.join("Cargo.toml"), manifest.as_bytes());
            // The setting is changed by t2conf on a staging copy of the real t2plugin.toml (a
            // plugin folder: t2plugin.toml and Cargo.toml).
            let stage = base.join("stage").join(&pkg);
            put(&stage.join("Cargo.toml"), manifest.as_bytes());
            fs::write(stage.join("t2plugin.toml"), fs::read(src.join("t2plugin.toml")).unwrap()).unwrap();
            if key != "default" {
                let o = Command::new(&t2conf)
                    .arg(&stage)
                    .args(["-D", key])
                    .env("HOME", &home)
                    .env("T2_LOG_COLOR", "0")
                    .output()
                    .expect("t2conf runs");
                assert!(o.status.success(), "t2conf {key}: {}", String::from_utf8_lossy(&o.stderr));
            }
            put(&dir.join("t2plugin.toml"), &fs::read(stage.join("t2plugin.toml")).unwrap());
            members.push(pkg);
        }
        put(&base.join("Cargo.toml"), workspace_manifest(&members).as_bytes());
        put(&base.join("Cargo.lock"), &fs::read(root().join("Cargo.lock")).unwrap());

        // The profile the tests run in (a plugin of either profile loads into the release t2).
        let release = !cfg!(debug_assertions);
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(&base).args(["build", "--quiet"]).env("CARGO_TARGET_DIR", target_dir()).env("CARGO_NET_OFFLINE", "true");
        if release {
            cmd.arg("--release");
        }
        for m in &members {
            cmd.args(["-p", m]);
        }
        let o = cmd.output().expect("cargo runs");
        assert!(o.status.success(), "building the tcpFlags variants failed:\n{}", String::from_utf8_lossy(&o.stderr));
        let out_dir = target_dir().join(if release { "release" } else { "debug" });

        let others = base.join("basic");
        install(&others, &["basicFlow", "txtSink"]);
        let mut plugin_dirs = HashMap::new();
        for key in &keys {
            let dir = base.join("plugins").join(key.replace('=', "_"));
            fs::create_dir_all(&dir).unwrap();
            for f in ["100_basicFlow.so", "901_txtSink.so"] {
                fs::copy(others.join(f), dir.join(f)).unwrap();
            }
            let lib = out_dir.join(format!("lib{}.so", package_of(key)));
            fs::copy(&lib, dir.join("130_tcpFlags.so")).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
            plugin_dirs.insert(key.clone(), dir);
        }
        Built { plugin_dirs }
    })
}

// ------------------------------------------------------------------------------------------
// Running t2 and reading its output
// ------------------------------------------------------------------------------------------

/// A table of T2's text output: column names and rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let (header, rows) = read_flows(path);
        Table { header, rows }
    }
    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
    fn cell(&self, row: usize, name: &str) -> &str {
        let c = self.col(name).unwrap_or_else(|| panic!("no column {name}"));
        self.rows[row].get(c).map_or("", String::as_str)
    }
}

/// One run's flows, packets and tcpFlags end-report lines (ANSI colours removed, without the
/// `tcpFlags: ` tag).
struct Run {
    flows: Table,
    packets: Table,
    report: Vec<String>,
}

fn run(key: &str, capture: &str, out: &Path) -> Run {
    let shared = shared().expect("../shared");
    let dir = &built().plugin_dirs[key];
    let prefix = out.join(format!("{}-{}", key.replace('=', "_"), capture.replace('/', "_")));
    let o = Command::new(&bins().t2)
        .current_dir(shared.join("pcaps"))
        .args(["-p", dir.to_str().unwrap(), "-r", capture, "-w", prefix.to_str().unwrap(), "-l", "-s"])
        .env("HOME", out)
        .output()
        .expect("t2 runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{key} on {capture}: t2 failed ({}): {stderr}", o.status);
    let log = fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap();
    for text in [&*stderr, &log] {
        let failed = ["panicked", "panic in", "disabled for the rest of the run", "[ERR] tcpFlags"].iter().any(|m| text.contains(m));
        assert!(!failed, "{key} on {capture}: tcpFlags failed:\n{text}");
    }
    let report = log
        .lines()
        .map(strip_ansi)
        .filter_map(|l| l.strip_prefix("tcpFlags: ").map(str::to_string))
        .collect();
    Run {
        flows: Table::read(Path::new(&format!("{}_flows.txt", prefix.display()))),
        packets: Table::read(Path::new(&format!("{}_packets.txt", prefix.display()))),
        report,
    }
}

// ------------------------------------------------------------------------------------------
// Expected changes
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Tbl {
    Flows,
    Packets,
    Both,
}

/// What a check sees: the default run's tables, the row, and the default and variant rows.
struct Ctx<'a> {
    def: &'a Run,
    var: &'a Run,
    flows: bool,
    row: usize,
}

impl Ctx<'_> {
    fn table<'r>(&self, r: &'r Run) -> &'r Table {
        if self.flows { &r.flows } else { &r.packets }
    }
    /// A cell of the default run's row.
    fn d(&self, col: &str) -> &str {
        self.table(self.def).cell(self.row, col)
    }
    /// A cell of the variant run's row.
    fn v(&self, col: &str) -> &str {
        self.table(self.var).cell(self.row, col)
    }
}

type Check = fn(&Ctx<'_>) -> Result<(), String>;

enum Rule {
    /// The column is gone.
    Removed,
    /// A new column after the named one, its cells checked.
    Added { after: &'static str, check: Check },
    /// The column has a new name; its cell is `f(default cell)`.
    Renamed { to: &'static str, f: fn(&str) -> String },
    /// A hex bit field: the variant's value is the default's without these bits.
    Cleared(u64),
    /// Any relation between the default's and the variant's cells (`Ctx::d`, `Ctx::v`).
    Cell(Check),
}

struct Change {
    table: Tbl,
    col: &'static str,
    rule: Rule,
}

fn ch(table: Tbl, col: &'static str, rule: Rule) -> Change {
    Change { table, col, rule }
}

fn removed(table: Tbl, cols: &[&'static str]) -> Vec<Change> {
    cols.iter().map(|c| ch(table, c, Rule::Removed)).collect()
}

/// How an end-report line (key: `Aggregated NAME` or the text before `: `) may change.
enum LogRule {
    /// Present in some default run, never in the variant's.
    Gone,
    /// `Aggregated NAME=0x..`: the default's value without these bits (no line when 0).
    Masked(u64),
    /// The default's and the variant's line with this key prefix (if any).
    Custom(fn(Option<&str>, Option<&str>) -> Result<(), String>),
}

fn log_key(line: &str) -> &str {
    if line.starts_with("Aggregated ") {
        line.split('=').next().unwrap_or(line)
    } else {
        line.split(": ").next().unwrap_or(line)
    }
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s:?}"))
}

fn value_after<'a>(line: &'a str, sep: &str) -> &'a str {
    line.split_once(sep).map_or("", |x| x.1)
}

/// Runs the default build and the variant `key` on every capture and checks the changes; every
/// rule must take effect on at least one cell or line of the captures.
fn check(key: &str, changes: &[Change], log_rules: &[(&str, LogRule)]) {
    if shared().is_none() {
        eprintln!("skipped: ../shared (the corpus) is not present");
        return;
    }
    let out = TempDir::new("tcpflags-toggles");
    let mut effects = vec![0usize; changes.len()];
    let mut log_effects = vec![0usize; log_rules.len()];
    let mut errors = Vec::new();
    for capture in CAPTURES {
        let def = run("default", capture, out.path());
        let var = run(key, capture, out.path());
        for flows in [true, false] {
            let (dt, vt) = if flows { (&def.flows, &var.flows) } else { (&def.packets, &var.packets) };
            let here = |c: &Change| c.table == Tbl::Both || (c.table == Tbl::Flows) == flows;
            let what = if flows { "flows" } else { "packets" };
            // The header: the default's with the columns removed, renamed and added.
            let mut want: Vec<String> = Vec::new();
            for h in &dt.header {
                match changes.iter().find(|c| here(c) && c.col == h) {
                    Some(Change { rule: Rule::Removed, .. }) => {}
                    Some(Change { rule: Rule::Renamed { to, .. }, .. }) => want.push(to.to_string()),
                    _ => want.push(h.clone()),
                }
                for c in changes.iter().filter(|c| here(c)) {
                    if let Rule::Added { after, .. } = c.rule {
                        if after == h {
                            want.push(c.col.to_string());
                        }
                    }
                }
            }
            assert_eq!(vt.header, want, "{key} on {capture}: {what} columns");
            assert_eq!(vt.rows.len(), dt.rows.len(), "{key} on {capture}: {what} rows");
            for (j, name) in vt.header.iter().enumerate() {
                let idx = changes.iter().position(|c| {
                    here(c) && (c.col == name || matches!(c.rule, Rule::Renamed { to, .. } if to == name))
                });
                for row in 0..vt.rows.len() {
                    let ctx = Ctx { def: &def, var: &var, flows, row };
                    let vcell = vt.rows[row].get(j).map_or("", String::as_str);
                    let res = match idx.map(|i| (i, &changes[i])) {
                        None => {
                            let dcell = dt.cell(row, name);
                            (dcell == vcell).then_some(false).ok_or(format!("{dcell:?} became {vcell:?}"))
                        }
                        Some((_, c)) => match &c.rule {
                            Rule::Removed => unreachable!(),
                            Rule::Added { check, .. } => check(&ctx).map(|_| true),
                            Rule::Renamed { f, .. } => {
                                let dcell = dt.cell(row, c.col);
                                let w = f(dcell);
                                (w == vcell).then_some(true).ok_or(format!("{dcell:?} should become {w:?}, got {vcell:?}"))
                            }
                            Rule::Cleared(mask) => {
                                let dcell = dt.cell(row, name);
                                if dcell.is_empty() {
                                    (vcell.is_empty()).then_some(false).ok_or(format!("empty became {vcell:?}"))
                                } else {
                                    let w = hex(dcell) & !mask;
                                    (hex(vcell) == w).then_some(hex(dcell) != w).ok_or(format!("{dcell} without {mask:#x} is {w:#x}, got {vcell}"))
                                }
                            }
                            Rule::Cell(check) => check(&ctx).map(|_| dt.cell(row, name) != vcell),
                        },
                    };
                    match res {
                        Ok(true) => effects[idx.unwrap()] += 1,
                        Ok(false) => {}
                        Err(e) => errors.push(format!("{key} on {capture}, {what} row {} {name}: {e}", row + 1)),
                    }
                }
            }
        }
        // The end report.
        let claimed = |l: &str| log_rules.iter().position(|(p, _)| log_key(l).starts_with(p));
        for (i, (prefix, rule)) in log_rules.iter().enumerate() {
            let d = def.report.iter().find(|l| log_key(l).starts_with(prefix)).map(String::as_str);
            let v = var.report.iter().find(|l| log_key(l).starts_with(prefix)).map(String::as_str);
            let res = match rule {
                LogRule::Gone => match var.report.iter().find(|l| log_key(l).starts_with(prefix)) {
                    None => Ok(d.is_some()),
                    Some(v) => Err(format!("{v:?} should be gone")),
                },
                LogRule::Masked(mask) => {
                    let dv = d.map_or(0, |l| hex(value_after(l, "=")));
                    let w = dv & !mask;
                    let vv = v.map_or(0, |l| hex(value_after(l, "=")));
                    (vv == w).then_some(dv != w).ok_or(format!("{d:?} without {mask:#x} is {w:#x}, got {v:?}"))
                }
                LogRule::Custom(f) => f(d, v).map(|_| d != v),
            };
            match res {
                Ok(true) => log_effects[i] += 1,
                Ok(false) => {}
                Err(e) => errors.push(format!("{key} on {capture}, report: {e}")),
            }
        }
        let d: Vec<&String> = def.report.iter().filter(|l| claimed(l).is_none()).collect();
        let v: Vec<&String> = var.report.iter().filter(|l| claimed(l).is_none()).collect();
        if d != v {
            errors.push(format!("{key} on {capture}: report lines {d:?} became {v:?}"));
        }
    }
    assert!(errors.is_empty(), "{} differences:\n{}", errors.len(), errors.iter().take(30).cloned().collect::<Vec<_>>().join("\n"));
    for (c, n) in changes.iter().zip(&effects) {
        if !matches!(c.rule, Rule::Removed) {
            assert!(*n > 0, "{key}: no capture shows a change of {} (choose another capture)", c.col);
        }
    }
    for ((p, _), n) in log_rules.iter().zip(&log_effects) {
        assert!(*n > 0, "{key}: no capture shows a change of the report line {p:?}");
    }
}

/// The setting `FLAG=VALUE` compared with the original's output for that build, on the flows
/// and packets columns `cols` (and the tcpFlags report lines).
fn check_against_original(key: &str, flows_cols: &[&str], packet_cols: &[&str]) {
    let Some(shared) = shared() else { return };
    let alt = shared.join("conformance-variants/tcpflags-alt");
    if !alt.is_dir() {
        eprintln!("skipped: {} is not present", alt.display());
        return;
    }
    let out = TempDir::new("tcpflags-toggles-alt");
    for capture in ALT_CAPTURES {
        let ours = run(key, capture, out.path());
        for (kind, t, cols) in [("flows", &ours.flows, flows_cols), ("packets", &ours.packets, packet_cols)] {
            let r = Table::read(&alt.join(format!("{capture}.{kind}.txt")));
            assert_eq!(r.rows.len(), t.rows.len(), "{key} on {capture}: {kind} rows");
            for col in cols.iter() {
                assert!(r.col(col).is_some() && t.col(col).is_some(), "{key} on {capture}: {kind} column {col}");
                for row in 0..t.rows.len() {
                    assert_eq!(t.cell(row, col), r.cell(row, col), "{key} on {capture}: {kind} row {} {col}", row + 1);
                }
            }
        }
        let log = fs::read_to_string(alt.join(format!("{capture}.log.txt"))).unwrap();
        let want: Vec<String> = log.lines().map(strip_ansi).filter_map(|l| l.strip_prefix("tcpFlags: ").map(str::to_string)).collect();
        assert_eq!(ours.report, want, "{key} on {capture}: tcpFlags report lines");
    }
}

// ------------------------------------------------------------------------------------------
// One test per setting
// ------------------------------------------------------------------------------------------

#[test]
fn every_setting_of_t2plugin_toml_is_toggled_here() {
    let toml = fs::read_to_string(root().join("plugins/tcpFlags/t2plugin.toml")).unwrap();
    let mut flags: Vec<&str> = toml.lines().filter_map(|l| l.trim().strip_prefix("[config.")?.strip_suffix(']')).collect();
    let mut tested: Vec<&str> = VARIANTS.iter().map(|v| v.0).collect();
    flags.sort_unstable();
    tested.sort_unstable();
    tested.dedup();
    assert_eq!(tested, flags, "a setting of plugins/tcpFlags/t2plugin.toml without a toggle test (or one that is gone)");
}

/// Spec §4.3: `IPTOS 1` prints `ipToSDscp_ecn` (U8_U8): DSCP (ToS >> 2) and ECN (ToS & 3).
#[test]
fn iptos_1_prints_dscp_and_ecn() {
    let f = |h: &str| {
        let t = hex(h);
        format!("{}_{}", t >> 2, t & 3)
    };
    check("IPTOS=1", &[ch(Tbl::Both, "ipToS", Rule::Renamed { to: "ipToSDscp_ecn", f })], &[]);
    check_against_original("IPTOS=1", &["ipToSDscp_ecn"], &["ipToSDscp_ecn"]);
}

/// Spec §4.3: `IPTOS 2` prints `ipToSPrec_ecn` (U8_U8): precedence (ToS >> 5) and ECN.
#[test]
fn iptos_2_prints_precedence_and_ecn() {
    let f = |h: &str| {
        let t = hex(h);
        format!("{}_{}", t >> 5, t & 3)
    };
    check("IPTOS=2", &[ch(Tbl::Both, "ipToS", Rule::Renamed { to: "ipToSPrec_ecn", f })], &[]);
}

/// `RTT_ESTIMATE 0`: the seven round-trip-time columns are gone, nothing else changes.
#[test]
fn rtt_estimate_0_drops_the_rtt_columns() {
    let cols = [
        "tcpSSASAATrip",
        "tcpRTTAckTripMin",
        "tcpRTTAckTripMax",
        "tcpRTTAckTripAvg",
        "tcpRTTAckTripJitAvg",
        "tcpRTTSseqAA",
        "tcpRTTAckJitAvg",
    ];
    check("RTT_ESTIMATE=0", &removed(Tbl::Flows, &cols), &[]);
}

/// `IPCHECKSUM 0`: no checksum is verified: ipFlags never has L3 (0x0400) or L4 (0x0800)
/// checksum errors, tcpFStat never "L4 checksum pending" (0x1000); the packet columns of both
/// checksums are gone.
#[test]
fn ipchecksum_0_verifies_no_checksum() {
    let mut c = removed(Tbl::Packets, &["ipHdrChkSum", "ipCalChkSum", "l4HdrChkSum", "l4CalChkSum"]);
    c.push(ch(Tbl::Both, "ipFlags", Rule::Cleared(0x0c00)));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x1000)));
    check("IPCHECKSUM=0", &c, &[("Aggregated ipFlags", LogRule::Masked(0x0c00)), ("Aggregated tcpFStat", LogRule::Masked(0x1000))]);
}

/// `IPCHECKSUM 1`: the IPv4 header checksum only: no L4 checksum errors (0x0800) or pending
/// L4 checksums (0x1000); the L4 packet columns are gone.
#[test]
fn ipchecksum_1_verifies_the_ip_header_only() {
    let mut c = removed(Tbl::Packets, &["l4HdrChkSum", "l4CalChkSum"]);
    c.push(ch(Tbl::Both, "ipFlags", Rule::Cleared(0x0800)));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x1000)));
    check("IPCHECKSUM=1", &c, &[("Aggregated ipFlags", LogRule::Masked(0x0800)), ("Aggregated tcpFStat", LogRule::Masked(0x1000))]);
}

/// `WINDOWSIZE 0`: the window statistics are gone (eight flow columns, packet column tcpWin),
/// and with them the window state machine's tcpFStat bits (TCP_WIN_INIT 0x0010, TCP_ZWIN
/// 0x0100, TCP_WIN_UP 0x0800) and the "WinSz below" report line. The SEQ/ACK analysis (zero
/// window probes, window full, retransmissions) and JA4T (initial window) do not change.
#[test]
fn windowsize_0_drops_the_window_statistics() {
    let mut c = removed(
        Tbl::Flows,
        &[
            "tcpInitWinSz",
            "tcpAvgWinSz",
            "tcpMinWinSz",
            "tcpMaxWinSz",
            "tcpWinSzDwnCnt",
            "tcpWinSzUpCnt",
            "tcpWinSzChgDirCnt",
            "tcpWinSzThRt",
        ],
    );
    c.push(ch(Tbl::Packets, "tcpWin", Rule::Removed));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x0910)));
    check("WINDOWSIZE=0", &c, &[("Aggregated tcpFStat", LogRule::Masked(0x0910)), ("Number WinSz below", LogRule::Gone)]);
}

/// `WINMIN 0`: no window is below 0: tcpWinSzThRt is 0, TCP_ZWIN (0x0100) never set, no
/// "WinSz below" report line.
#[test]
fn winmin_0_counts_no_small_window() {
    let c = [
        ch(Tbl::Flows, "tcpWinSzThRt", Rule::Cell(|c| if c.v("tcpWinSzThRt") == "0" { Ok(()) } else { Err("not 0".into()) })),
        ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x0100)),
    ];
    check("WINMIN=0", &c, &[("Aggregated tcpFStat", LogRule::Masked(0x0100)), ("Number WinSz below", LogRule::Gone)]);
}

/// `WINMIN 65535`: packets without SYN/FIN/RST whose (effective) window is below 65535 are
/// counted: per packet TCP_ZWIN (0x0100) exactly then, per flow tcpWinSzThRt at least the
/// default's and TCP_ZWIN exactly when it is above 0; the report counts them ("Number WinSz
/// below 65535").
#[test]
fn winmin_65535_counts_windows_below_it() {
    let pkt = |c: &Ctx<'_>| {
        let d = c.d("tcpFStat");
        if d.is_empty() || c.d("tcpFlags").is_empty() {
            return if c.v("tcpFStat") == d { Ok(()) } else { Err("non-TCP packet changed".into()) };
        }
        let small = c.d("tcpWin").parse::<u64>().unwrap() < 65535 && hex(c.d("tcpFlags")) & 0x07 == 0;
        let w = hex(d) & !0x0100 | if small { 0x0100 } else { 0 };
        if hex(c.v("tcpFStat")) == w { Ok(()) } else { Err(format!("want {w:#06x}")) }
    };
    let flow = |c: &Ctx<'_>| {
        let (d, v) = (hex(c.d("tcpFStat")), hex(c.v("tcpFStat")));
        let ratio: f64 = c.v("tcpWinSzThRt").parse().unwrap();
        let ok = v & !0x0100 == d & !0x0100 && (v & 0x0100 != 0) == (ratio > 0.0);
        if ok { Ok(()) } else { Err(format!("{d:#06x} -> {v:#06x} with tcpWinSzThRt {ratio}")) }
    };
    let ratio = |c: &Ctx<'_>| {
        let (d, v): (f64, f64) = (c.d("tcpWinSzThRt").parse().unwrap(), c.v("tcpWinSzThRt").parse().unwrap());
        if v >= d && v <= 1.0 { Ok(()) } else { Err(format!("{d} -> {v}")) }
    };
    let line = |d: Option<&str>, v: Option<&str>| {
        let n = |l: &str| value_after(l, ": ").split(' ').next().unwrap().parse::<u64>().unwrap();
        match v {
            // (No TCP packet at all.)
            None if d.is_none() => Ok(()),
            Some(v) if v.starts_with("Number WinSz below 65535: ") && n(v) >= d.map_or(0, n) => Ok(()),
            _ => Err(format!("{d:?} became {v:?}")),
        }
    };
    let agg = |d: Option<&str>, v: Option<&str>| {
        let x = |l: Option<&str>| l.map_or(0, |l| hex(value_after(l, "=")));
        if x(v) & !0x0100 == x(d) & !0x0100 { Ok(()) } else { Err(format!("{d:?} became {v:?}")) }
    };
    let c = [
        ch(Tbl::Packets, "tcpFStat", Rule::Cell(pkt)),
        ch(Tbl::Flows, "tcpFStat", Rule::Cell(flow)),
        ch(Tbl::Flows, "tcpWinSzThRt", Rule::Cell(ratio)),
    ];
    check("WINMIN=65535", &c, &[("Number WinSz below", LogRule::Custom(line)), ("Aggregated tcpFStat", LogRule::Custom(agg))]);
}

/// `SEQ_ACK_NUM 0`: no SEQ/ACK analysis: its eight flow and eleven packet columns are gone,
/// tcpAnomaly loses the bits of the SEQ/ACK rules (0x0002 .. 0x0200: retransmissions,
/// duplicate ACKs, keep-alives, out of order, sequence mess, ACK of unseen data, previous
/// packet not captured), tcpFStat those of window update, zero-window probe (ACK) and window
/// full (0x04e0); the report counts no seq retries.
#[test]
fn seq_ack_num_0_drops_the_seq_ack_analysis() {
    let mut c = removed(
        Tbl::Flows,
        &["tcpISeqN", "tcpPSeqCnt", "tcpSeqSntBytes", "tcpSeqFaultCnt", "tcpPAckCnt", "tcpFlwLssAckRcvdBytes", "tcpAckFaultCnt", "tcpBFlgtMx"],
    );
    c.extend(removed(
        Tbl::Packets,
        &["seq", "ack", "seqMax", "seqDiff", "ackDiff", "seqLen", "ackLen", "seqFlowLen", "ackFlowLen", "tcpMLen", "tcpBFlgt"],
    ));
    c.push(ch(Tbl::Both, "tcpAnomaly", Rule::Cleared(0x03fe)));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x04e0)));
    let retries = |d: Option<&str>, v: Option<&str>| {
        let syn = |l: &str| value_after(l, ": ").split(',').next().unwrap().trim().to_string();
        match (d, v) {
            (None, None) => Ok(()),
            (Some(d), None) if syn(d) == "0" => Ok(()),
            (Some(d), Some(v)) if syn(d) == syn(v) && syn(v) != "0" && v.ends_with(", 0") => Ok(()),
            _ => Err(format!("{d:?} became {v:?}")),
        }
    };
    check(
        "SEQ_ACK_NUM=0",
        &c,
        &[
            ("Aggregated tcpAnomaly", LogRule::Masked(0x03fe)),
            ("Aggregated tcpFStat", LogRule::Masked(0x04e0)),
            ("Number of TCP SYN retries", LogRule::Custom(retries)),
        ],
    );
}

/// `FRAG_ANALYZE 0`: no fragment analysis: ipFlags never has "fragment below minimum"
/// (0x0008), "out of range" (0x0010) or "position error" (0x0100).
#[test]
fn frag_analyze_0_drops_the_fragment_bits() {
    check("FRAG_ANALYZE=0", &[ch(Tbl::Both, "ipFlags", Rule::Cleared(0x0118))], &[("Aggregated ipFlags", LogRule::Masked(0x0118))]);
}

/// `NAT_BT_EST 0`: no timestamp analysis: tcpTmS .. tcpBtm (packets: tcpTmS, tcpTmER) are
/// gone, and the timestamp bits of tcpFStat (TCP_OPT_INIT 0x0002, TCP_OPT_TM_DEC 0x0004).
#[test]
fn nat_bt_est_0_drops_the_timestamp_analysis() {
    let mut c = removed(Tbl::Flows, &["tcpTmS", "tcpTmER", "tcpEcI", "tcpUtm", "tcpBtm"]);
    c.extend(removed(Tbl::Packets, &["tcpTmS", "tcpTmER"]));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x0006)));
    check("NAT_BT_EST=0", &c, &[("Aggregated tcpFStat", LogRule::Masked(0x0006))]);
}

/// `SCAN_DETECTOR 0`: no scan (0x1000), successful scan (0x2000) or SYN retransmission (0x0001)
/// in tcpAnomaly, no scan report line and no SYN retries; the error bits (0x003e) a scan flow
/// hides are kept.
#[test]
fn scan_detector_0_detects_no_scan() {
    let anomaly = |c: &Ctx<'_>| {
        if c.d("tcpAnomaly").is_empty() {
            // (A packet that is not TCP.)
            return if c.v("tcpAnomaly").is_empty() { Ok(()) } else { Err("non-TCP packet".into()) };
        }
        let (d, v) = (hex(c.d("tcpAnomaly")), hex(c.v("tcpAnomaly")));
        let ok = v & 0x3001 == 0
            && v & !0x3f == d & !0x303f
            && d & 0x3e & !v == 0
            // (Without a scan of its own, nothing was hidden.)
            && (!c.flows || d & 0x1000 != 0 || v & 0x3e == d & 0x3e);
        if ok { Ok(()) } else { Err(format!("{d:#06x} -> {v:#06x}")) }
    };
    let agg = |d: Option<&str>, v: Option<&str>| {
        let x = |l: Option<&str>| l.map_or(0, |l| hex(value_after(l, "=")));
        let (d, v) = (x(d), x(v));
        if v & 0x3001 == 0 && v & !0x3f == d & !0x303f { Ok(()) } else { Err(format!("{d:#06x} -> {v:#06x}")) }
    };
    let retries = |d: Option<&str>, v: Option<&str>| {
        let seq = |l: &str| value_after(l, ", seq retries: ").split(", ").nth(1).unwrap_or("").to_string();
        match (d, v) {
            (None, None) => Ok(()),
            (Some(d), None) if seq(d) == "0" => Ok(()),
            (Some(d), Some(v)) if seq(d) == seq(v) && value_after(v, ": ").starts_with("0,") => Ok(()),
            _ => Err(format!("{d:?} became {v:?}")),
        }
    };
    check(
        "SCAN_DETECTOR=0",
        &[ch(Tbl::Both, "tcpAnomaly", Rule::Cell(anomaly))],
        &[
            ("Number of TCP scans", LogRule::Gone),
            ("Aggregated tcpAnomaly", LogRule::Custom(agg)),
            ("Number of TCP SYN retries", LogRule::Custom(retries)),
        ],
    );
}

/// `MPTCP 0`: the MPTCP columns are gone (flows: tcpMPTBF, tcpMPF, tcpMPAID, tcpMPDSSF;
/// packets: tcpMPTyp, ...), tcpFStat never has TCP_MPTCP (0x8000), no MPTCP report lines.
/// (tcpOptions still shows option 30.)
#[test]
fn mptcp_0_drops_the_mptcp_analysis() {
    let mut c = removed(Tbl::Flows, &["tcpMPTBF", "tcpMPF", "tcpMPAID", "tcpMPDSSF"]);
    c.extend(removed(Tbl::Packets, &["tcpMPTyp", "tcpMPF", "tcpMPAID", "tcpMPDSSF"]));
    c.push(ch(Tbl::Both, "tcpFStat", Rule::Cleared(0x8000)));
    check(
        "MPTCP=0",
        &c,
        &[
            ("Aggregated tcpFStat", LogRule::Masked(0x8000)),
            ("Aggregated MPTCP", LogRule::Gone),
            ("Number of MPTCP packets", LogRule::Gone),
        ],
    );
}

/// `TCPJA4T 0`: no tcpJA4T column.
#[test]
fn tcpja4t_0_drops_the_fingerprint() {
    check("TCPJA4T=0", &[ch(Tbl::Flows, "tcpJA4T", Rule::Removed)], &[]);
}

/// The JA4T option list cut to its first `n` kinds. The fingerprint is
/// `<initWin>_<kind-kind-...><MSS %02u>_<WS>` (`<initWin>_00_<MSS>_<WS>` without options; the
/// original glues the MSS to the list), so the list is found with the flow's tcpMSS.
fn ja4t_cut(cell: &str, mss: &str, n: usize) -> String {
    let (win, rest) = cell.split_once('_').unwrap();
    let (middle, ws) = rest.rsplit_once('_').unwrap();
    let mss = format!("{:02}", mss.parse::<u32>().unwrap());
    if middle == format!("00_{mss}") {
        return cell.to_string();
    }
    let kinds = middle.strip_suffix(&mss).unwrap_or_else(|| panic!("{cell}: MSS {mss}"));
    let kinds: Vec<&str> = kinds.split('-').take(n).collect();
    format!("{win}_{}{mss}_{ws}", kinds.join("-"))
}

/// `JA4TOPTMX 2`: the JA4T fingerprint keeps the first two option kinds of the SYNs.
#[test]
fn ja4toptmx_2_keeps_two_option_kinds() {
    let cut = |c: &Ctx<'_>| {
        let w = ja4t_cut(c.d("tcpJA4T"), c.d("tcpMSS"), 2);
        if c.v("tcpJA4T") == w { Ok(()) } else { Err(format!("want {w}")) }
    };
    assert_eq!(ja4t_cut("65535_2-4-8-1-3-301460_8", "1460", 2), "65535_2-41460_8");
    assert_eq!(ja4t_cut("0_00_00_00", "0", 2), "0_00_00_00");
    check("JA4TOPTMX=2", &[ch(Tbl::Flows, "tcpJA4T", Rule::Cell(cut))], &[]);
}

/// `TCPFLGCNT 1`: a new column after tcpAnomaly (spec §4.3 order),
/// `tcpCntF_S_R_P_A_U_E_C_FA_SA_RA_N_SF_SFR_RF_X`: per bit k of tcpFlags (the flags and
/// their combinations), the number of the flow's packets with it; checked against the
/// packets' own tcpFlags in the packet file.
#[test]
fn tcpflgcnt_1_counts_every_flag() {
    let counts = |c: &Ctx<'_>| {
        let v = c.v("tcpCntF_S_R_P_A_U_E_C_FA_SA_RA_N_SF_SFR_RF_X");
        let got: Vec<u64> = v.split('_').map(|x| x.parse().unwrap()).collect();
        if got.len() != 16 {
            return Err(format!("{v}: not 16 counts"));
        }
        // The flow's packets.
        let p = &c.def.packets;
        let key = flow_key(&c.def.flows, c.row, false);
        let mut want = [0u64; 16];
        for r in 0..p.rows.len() {
            if flow_key(p, r, false) == key && !p.cell(r, "tcpFlags").is_empty() {
                let f = hex(p.cell(r, "tcpFlags"));
                for (k, w) in want.iter_mut().enumerate() {
                    *w += (f >> k) & 1;
                }
            }
        }
        if got == want { Ok(()) } else { Err(format!("{v}, the packets give {want:?}")) }
    };
    check("TCPFLGCNT=1", &[ch(Tbl::Flows, "tcpCntF_S_R_P_A_U_E_C_FA_SA_RA_N_SF_SFR_RF_X", Rule::Added { after: "tcpAnomaly", check: counts })], &[]);
}

/// The flow (direction) of row `r` of a flows or packets table: flow index and addresses and
/// ports (`swap`: those of the opposite flow).
fn flow_key(t: &Table, r: usize, swap: bool) -> [&str; 5] {
    let (s, d) = if swap { ("dst", "src") } else { ("src", "dst") };
    let c = |n: String| t.cell(r, &n);
    [t.cell(r, "flowInd"), c(format!("{s}IP")), c(format!("{s}Port")), c(format!("{d}IP")), c(format!("{d}Port"))]
}

/// The row of the first packet of a flow.
fn first_packet(p: &Table, key: [&str; 5]) -> Option<usize> {
    (0..p.rows.len()).find(|&r| flow_key(p, r, false) == key)
}

/// `SPKTMD_SEQACKREL 1` (packet mode): seq and seqMax relative to the flow's initial sequence
/// number (its first packet's seq); ack relative to the other side's initial sequence number
/// once the other side has sent, before that to the flow's first ack. Flows are unchanged.
#[test]
fn spktmd_seqackrel_1_prints_relative_numbers() {
    fn rel(c: &Ctx<'_>, col: &str) -> Result<(), String> {
        let d = c.d(col);
        if d.is_empty() {
            return if c.v(col).is_empty() { Ok(()) } else { Err("non-TCP packet".into()) };
        }
        let p = &c.def.packets;
        let me = first_packet(p, flow_key(p, c.row, false)).unwrap();
        let base = if col == "ack" {
            match first_packet(p, flow_key(p, c.row, true)) {
                Some(o) if o < c.row && !p.cell(o, "seq").is_empty() => p.cell(o, "seq"),
                _ => p.cell(me, "ack"),
            }
        } else {
            p.cell(me, "seq")
        };
        let w = d.parse::<u32>().unwrap().wrapping_sub(base.parse::<u32>().unwrap()).to_string();
        if c.v(col) == w { Ok(()) } else { Err(format!("want {w} ({d} - {base})")) }
    }
    let c = [
        ch(Tbl::Packets, "seq", Rule::Cell(|c| rel(c, "seq"))),
        ch(Tbl::Packets, "ack", Rule::Cell(|c| rel(c, "ack"))),
        ch(Tbl::Packets, "seqMax", Rule::Cell(|c| rel(c, "seqMax"))),
    ];
    check("SPKTMD_SEQACKREL=1", &c, &[]);
    check_against_original("SPKTMD_SEQACKREL=1", &[], &["seq", "ack", "seqMax"]);
}

/// `SPKTMD_SEQACKHEX 1` (packet mode): seq, ack and seqMax as `0x%08x`.
#[test]
fn spktmd_seqackhex_1_prints_hex_numbers() {
    fn hexed(c: &Ctx<'_>, col: &str) -> Result<(), String> {
        let d = c.d(col);
        let w = if d.is_empty() { String::new() } else { format!("0x{:08x}", d.parse::<u32>().unwrap()) };
        if c.v(col) == w { Ok(()) } else { Err(format!("want {w:?}")) }
    }
    let c = [
        ch(Tbl::Packets, "seq", Rule::Cell(|c| hexed(c, "seq"))),
        ch(Tbl::Packets, "ack", Rule::Cell(|c| hexed(c, "ack"))),
        ch(Tbl::Packets, "seqMax", Rule::Cell(|c| hexed(c, "seqMax"))),
    ];
    check("SPKTMD_SEQACKHEX=1", &c, &[]);
}
