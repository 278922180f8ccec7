//! `cargo xtask conformance`: runs t2 over every capture of the reference INDEX.tsv and compares
//! flows.txt (cell by cell), the end report (line by line, run-dependent lines masked), error
//! messages, and protocols.txt / icmpStats.txt (bytes; protocols.txt also with its description
//! column left out) with the original T2's outputs.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::common::{self, RunOutcome, md_table};
use crate::compare::{self, CaptureExclusions, GEO_COLUMNS, LogDiff, TableDiff};

/// Byte-compared side files (compared when the reference has them for a capture).
const SIDE_FILES: [&str; 2] = ["protocols.txt", "icmpStats.txt"];
/// protocols.txt compared with its description column left out (the descriptions come from
/// name tables; see `compare::compare_without_descriptions`), reported as a side file of its own.
const PROTOCOLS_NO_DESC: &str = "protocols.txt (descriptions left out)";

pub const HELP: &str = "\
cargo xtask conformance [OPTIONS]

Runs t2 on every capture listed in the reference INDEX.tsv (cwd = ../shared/pcaps, exactly like
the reference runs: t2 -p PLUGINDIR -r REL -w OUT/REL -l) and compares with the original T2.

Options:
  --plugins LIST        comma list of plugins, or `default` (T2's 10). Default: basicFlow,txtSink
  --reference DIR       reference folder (default: ../shared/conformance-basicflow for
                        basicFlow+txtSink, ../shared/conformance otherwise)
  --except-labels       leave out the label and name columns the reference databases fill
                        (srcMacLbl_dstMacLbl, srcMacLbl, dstMacLbl, dstPortClass)
  --columns-of LIST     columns-of mode, judging only the columns of these plugins (and the
                        core's dir/flowInd). Automatic (with every plugin run) when the reference
                        is ../shared/conformance and --plugins is not T2's full default set: a
                        capture conforms when every compared column of ours is identical row for
                        row (rows matched by dir/flowInd, same order); the reference's columns of
                        plugins not run are listed once as \"not compared\"; per plugin, the
                        captures with all its columns identical and with its end-report lines
                        identical are counted
  --filter SUBSTR       only captures whose path contains SUBSTR (repeatable: any matches)
  --jobs N              parallel t2 runs (default 2)
  --no-build            do not run cargo build (use the existing release binaries)
  --show N              print N example cells per differing column (default 3)
  --write-doc           write docs/conformance.md (default when no --filter, no --self-test and
                        not in columns-of mode)
  --no-doc              never write docs/conformance.md
  --min-identical PCT   exit 1 when the conforming percentage is below PCT (CI)
  --timeout SECS        per-run timeout (default 60)
  --rss-limit MIB       flag runs whose peak RSS exceeds MIB (default 1024); runs are killed
                        at 4x this value to protect the machine
  --packets             also run with -s and compare packets.txt (where the reference has it)
  --out DIR             write our outputs under DIR and keep them (default: temp dir, removed)
  --keep                keep the temp output dir
  --self-test           use the reference outputs as ours (no t2 run): must report 100 %
  --t2 PATH             run this binary instead of building target/release/t2
  --plugin-dir DIR      use this plugin folder as is (no plugin build/copy)
  -h, --help            this help

Env: T2_SHARED overrides ../shared; CARGO_TARGET_DIR is respected.
Exit status: 0 unless the harness failed, --min-identical was not met or --self-test failed.
";

#[derive(Debug, Clone)]
pub struct Opts {
    pub plugins: Vec<String>,
    pub reference: Option<PathBuf>,
    pub filters: Vec<String>,
    pub jobs: usize,
    pub no_build: bool,
    pub show: usize,
    pub write_doc: Option<bool>,
    pub min_identical: Option<f64>,
    pub timeout: Duration,
    pub rss_limit_mib: u64,
    pub packets: bool,
    pub out: Option<PathBuf>,
    pub keep: bool,
    pub self_test: bool,
    pub t2: Option<PathBuf>,
    pub plugin_dir: Option<PathBuf>,
    /// `--columns-of`: plugins whose columns are judged (columns-of mode).
    pub columns_of: Option<Vec<String>>,
    /// `--except-labels`: leave out the name and label columns the databases issue fills
    /// (MAC manufacturer labels, port service names).
    pub except_labels: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            plugins: common::parse_plugin_list("basicFlow,txtSink"),
            reference: None,
            filters: Vec::new(),
            jobs: 2,
            no_build: false,
            show: 3,
            write_doc: None,
            min_identical: None,
            timeout: Duration::from_secs(60),
            rss_limit_mib: 1024,
            packets: false,
            out: None,
            keep: false,
            self_test: false,
            t2: None,
            plugin_dir: None,
            columns_of: None,
            except_labels: false,
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
            "--plugins" => o.plugins = common::parse_plugin_list(&val()?),
            "--reference" => o.reference = Some(PathBuf::from(val()?)),
            "--filter" => o.filters.push(val()?),
            "--jobs" | "-j" => o.jobs = val()?.parse::<usize>().context("--jobs")?.max(1),
            "--no-build" => o.no_build = true,
            "--show" => o.show = val()?.parse().context("--show")?,
            "--write-doc" => o.write_doc = Some(true),
            "--no-doc" => o.write_doc = Some(false),
            "--min-identical" => {
                o.min_identical = Some(
                    val()?
                        .trim_end_matches('%')
                        .parse()
                        .context("--min-identical")?,
                )
            }
            "--timeout" => {
                o.timeout = Duration::from_secs_f64(val()?.parse().context("--timeout")?)
            }
            "--rss-limit" => o.rss_limit_mib = val()?.parse().context("--rss-limit")?,
            "--packets" => o.packets = true,
            "--out" => {
                o.out = Some(PathBuf::from(val()?));
                o.keep = true;
            }
            "--keep" => o.keep = true,
            "--self-test" => o.self_test = true,
            "--t2" => o.t2 = Some(PathBuf::from(val()?)),
            "--plugin-dir" => o.plugin_dir = Some(PathBuf::from(val()?)),
            "--except-labels" => o.except_labels = true,
            "--columns-of" => {
                let l = common::parse_plugin_list(&val()?);
                if l.is_empty() {
                    bail!("--columns-of: empty list");
                }
                o.columns_of = Some(l);
            }
            _ => bail!("unknown option {a:?} (see cargo xtask conformance --help)"),
        }
    }
    if o.plugins.is_empty() {
        bail!("--plugins: empty list");
    }
    Ok(Some(o))
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(crate) struct IndexEntry {
    pub(crate) path: String,
    pub(crate) ok: bool,
    packets: Option<u64>,
    has_packets_file: Option<bool>,
}

pub(crate) fn read_index(reference: &Path) -> Result<Vec<IndexEntry>> {
    let p = reference.join("INDEX.tsv");
    let text = fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .context("empty INDEX.tsv")?
        .split('\t')
        .collect();
    let col = |n: &str| header.iter().position(|c| *c == n);
    let pi = col("path").context("INDEX.tsv: no path column")?;
    let si = col("status").context("INDEX.tsv: no status column")?;
    let ki = col("packets_processed").or_else(|| col("packets"));
    let hi = col("has_packets_file");
    let mut out = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        let path = f.get(pi).context("INDEX.tsv: short row")?.to_string();
        let status = f.get(si).copied().unwrap_or("");
        out.push(IndexEntry {
            path,
            ok: status == "ok",
            packets: ki.and_then(|i| f.get(i)).and_then(|v| v.parse().ok()),
            has_packets_file: hi.and_then(|i| f.get(i)).map(|v| *v == "yes"),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Reference ok, we succeeded, flows.txt identical (compared cells).
    Identical,
    /// Reference ok, we succeeded, flows.txt differs (or is missing).
    Differing,
    /// Reference rejected the capture and so did we.
    ErrorMatched,
    /// Reference rejected the capture, we did not.
    ErrorMismatched,
    /// Reference ok, we exited with an error.
    UnexpectedError,
    /// Panic, signal, or killed for memory.
    Crash,
    Timeout,
}

#[derive(Debug, Clone)]
enum FileStatus {
    Identical,
    Missing,
    Differs(u64, String, String),
    Skipped,
}

#[derive(Debug, Clone)]
struct CaptureResult {
    path: String,
    /// The reference processed the capture (status ok).
    ref_ok: bool,
    outcome: Outcome,
    run: RunOutcome,
    flows: Option<TableDiff>,
    log: Option<LogDiff>,
    log_missing: bool,
    files: Vec<(&'static str, FileStatus)>,
    packets: Option<Result<TableDiff, String>>,
    /// (expected message, our first stderr line, message matches)
    error: Option<(String, String, bool)>,
    /// First meaningful stderr line (crashes, unexpected errors).
    stderr_line: String,
    /// Columns-of mode: the end-report lines of each judged plugin compared.
    plugin_logs: Vec<(String, LogDiff)>,
    /// Columns-of mode: the original's own flows differ between its basicFlow+txtSink run and
    /// its 10-plugin run (flow-altering plugins we did not run change the flows).
    depends_on_unrun: bool,
}

/// Columns-of mode settings.
#[derive(Debug, Clone)]
struct ColumnsOf {
    /// Plugins whose columns (and report lines) are judged.
    selected: Vec<String>,
    /// Plugins run.
    ran: Vec<String>,
    /// `../shared/conformance-basicflow`, when a flow-altering plugin did not run: a capture
    /// whose flows the original changes with those plugins is reported apart.
    basic_ref: Option<PathBuf>,
}

impl ColumnsOf {
    fn selected(&self, plugin: &str) -> bool {
        plugin == "core" || self.selected.iter().any(|p| p == plugin)
    }
    fn ran(&self, plugin: &str) -> bool {
        self.ran.iter().any(|p| p == plugin)
    }
    /// Compared columns: owned by a selected plugin (or the core), or unknown to the
    /// reference's column table (a column only we print).
    fn compares(&self, column: &str) -> bool {
        compare::column_plugin(column).is_none_or(|p| self.selected(p))
    }
}

struct Ctx<'a> {
    pcaps: PathBuf,
    reference: PathBuf,
    out: PathBuf,
    t2: Option<PathBuf>,
    plugin_dir: PathBuf,
    excl: &'a HashMap<String, CaptureExclusions>,
    show: usize,
    timeout: Duration,
    rss_kill_kib: u64,
    packets: bool,
    keep: bool,
    columns_of: Option<ColumnsOf>,
    except_labels: bool,
}

fn ref_file(ctx: &Ctx, rel: &str, kind: &str) -> PathBuf {
    ctx.reference.join(format!("{rel}.{kind}"))
}

pub(crate) fn our_file(prefix: &Path, kind: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(format!("_{kind}"));
    PathBuf::from(s)
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn read_capped(p: &Path, cap: u64) -> String {
    let mut s = Vec::new();
    if let Ok(f) = File::open(p) {
        let _ = f.take(cap).read_to_end(&mut s);
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// Self-test: what the original produced becomes "our" output.
fn fake_run(ctx: &Ctx, e: &IndexEntry, prefix: &Path, smode: bool) -> Result<RunOutcome> {
    let stderr = with_suffix(prefix, ".t2.stderr");
    if !e.ok {
        fs::copy(ref_file(ctx, &e.path, "error.txt"), &stderr)?;
        return Ok(RunOutcome {
            code: Some(1),
            ..Default::default()
        });
    }
    File::create(&stderr)?;
    let kinds: &[&str] = if smode {
        &["packets.txt"]
    } else {
        &["flows.txt", "log.txt", "protocols.txt", "icmpStats.txt"]
    };
    for k in kinds {
        let src = ref_file(ctx, &e.path, k);
        if src.is_file() {
            fs::copy(&src, our_file(prefix, k))?;
        }
    }
    Ok(RunOutcome {
        code: Some(0),
        ..Default::default()
    })
}

fn run_t2(ctx: &Ctx, e: &IndexEntry, prefix: &Path, smode: bool) -> Result<RunOutcome> {
    if let Some(parent) = prefix.parent() {
        fs::create_dir_all(parent)?;
    }
    let Some(t2) = &ctx.t2 else {
        return fake_run(ctx, e, prefix, smode);
    };
    let stdout = File::create(with_suffix(prefix, ".t2.stdout"))?;
    let stderr = File::create(with_suffix(prefix, ".t2.stderr"))?;
    let mut cmd = Command::new(t2);
    cmd.current_dir(&ctx.pcaps)
        .arg("-p")
        .arg(&ctx.plugin_dir)
        .arg("-r")
        .arg(&e.path)
        .arg("-w")
        .arg(prefix)
        .arg("-l");
    if smode {
        cmd.arg("-s");
    }
    cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    common::run_measured(&mut cmd, ctx.timeout, Some(ctx.rss_kill_kib))
}

pub(crate) fn cleanup(prefix: &Path) {
    let (Some(dir), Some(base)) = (prefix.parent(), prefix.file_name()) else {
        return;
    };
    let base = base.to_string_lossy();
    let pats = [
        format!("{base}_"),
        format!("{base}.t2."),
        format!("{base}.smode"),
    ];
    if let Ok(rd) = fs::read_dir(dir) {
        for ent in rd.flatten() {
            let n = ent.file_name();
            let n = n.to_string_lossy();
            if pats.iter().any(|p| n.starts_with(p.as_str())) {
                let _ = fs::remove_file(ent.path());
            }
        }
    }
}

/// Name and label columns filled from the reference databases (`--except-labels`).
pub const LABEL_COLUMNS: [&str; 4] = ["srcMacLbl_dstMacLbl", "srcMacLbl", "dstMacLbl", "dstPortClass"];

fn excluded_cols<'a>(
    ex: Option<&'a CaptureExclusions>,
    packets: bool,
    except_labels: bool,
) -> impl Fn(&str) -> bool + 'a {
    // (Geo columns are not excluded: `compare_table` compares them for special-purpose
    // addresses only.)
    move |c: &str| {
        (except_labels && LABEL_COLUMNS.contains(&c))
            || ex.is_some_and(|x| {
                if packets {
                    x.packets_cols.contains(c)
                } else {
                    x.flows_cols.contains(c)
                }
            })
    }
}

fn compare_tables(
    rf: &Path,
    of: &Path,
    excl: &dyn Fn(&str) -> bool,
    show: usize,
) -> Result<TableDiff> {
    let r = BufReader::with_capacity(
        1 << 16,
        File::open(rf).with_context(|| format!("open {}", rf.display()))?,
    );
    let o = BufReader::with_capacity(1 << 16, File::open(of)?);
    compare::compare_table(r, o, excl, show)
}

fn process(ctx: &Ctx, e: &IndexEntry) -> Result<CaptureResult> {
    let prefix = ctx.out.join(&e.path);
    let run = run_t2(ctx, e, &prefix, false)?;
    let stderr = read_capped(&with_suffix(&prefix, ".t2.stderr"), 1 << 20);
    let panicked = stderr.contains("panicked");
    let stderr_line = {
        let s = compare::strip_ansi(&stderr);
        let l = s
            .lines()
            .find(|l| l.contains("panicked"))
            .or_else(|| s.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or("<no stderr>")
            .to_string();
        l.chars().take(160).collect()
    };
    let mut r = CaptureResult {
        path: e.path.clone(),
        ref_ok: e.ok,
        outcome: Outcome::Differing,
        run: run.clone(),
        flows: None,
        log: None,
        log_missing: false,
        files: Vec::new(),
        packets: None,
        error: None,
        stderr_line,
        plugin_logs: Vec::new(),
        depends_on_unrun: false,
    };
    let ex = ctx.excl.get(&e.path);
    if run.timed_out {
        r.outcome = Outcome::Timeout;
    } else if panicked || run.signal.is_some() || run.rss_killed {
        r.outcome = Outcome::Crash;
    } else if !e.ok {
        let expected = fs::read_to_string(ref_file(ctx, &e.path, "error.txt")).unwrap_or_default();
        if run.success() {
            r.outcome = Outcome::ErrorMismatched;
            r.error = Some((compare::first_line(&expected), "<exit 0>".into(), false));
        } else {
            r.outcome = Outcome::ErrorMatched;
            let ok = compare::error_message_matches(&expected, &stderr);
            r.error = Some((
                compare::first_line(&expected),
                compare::first_line(&stderr),
                ok,
            ));
        }
    } else if !run.success() {
        r.outcome = Outcome::UnexpectedError;
    } else {
        // flows.txt
        let of = our_file(&prefix, "flows.txt");
        let base_excl = excluded_cols(ex, false, ctx.except_labels);
        let excl =
            |c: &str| base_excl(c) || ctx.columns_of.as_ref().is_some_and(|m| !m.compares(c));
        if of.is_file() {
            let d = compare_tables(&ref_file(ctx, &e.path, "flows.txt"), &of, &excl, ctx.show)?;
            let same = match &ctx.columns_of {
                None => d.identical(),
                Some(m) => d.identical_on(&|c| m.compares(c)),
            };
            r.outcome = if same {
                Outcome::Identical
            } else {
                Outcome::Differing
            };
            r.flows = Some(d);
        } else {
            r.outcome = Outcome::Differing;
        }
        if let Some(basic) = ctx.columns_of.as_ref().and_then(|m| m.basic_ref.as_ref()) {
            // Does the original itself give other flows without the flow-altering plugins?
            let bf = basic.join(format!("{}.flows.txt", e.path));
            if bf.is_file() {
                let d = compare_tables(&ref_file(ctx, &e.path, "flows.txt"), &bf, &base_excl, 0)?;
                r.depends_on_unrun = !d.identical_on_ours();
            }
        }
        // log
        let rl = ref_file(ctx, &e.path, "log.txt");
        let ol = our_file(&prefix, "log.txt");
        match (fs::read(&rl), fs::read(&ol)) {
            (Ok(rt), Ok(ot)) => {
                let rt = String::from_utf8_lossy(&rt);
                let ot = String::from_utf8_lossy(&ot);
                let no_packets = !compare::strip_ansi(&rt)
                    .lines()
                    .any(|l| l.starts_with("Dump start"))
                    || e.packets == Some(0);
                let labels: &[String] = ex.map(|x| x.log_labels.as_slice()).unwrap_or(&[]);
                let mut a = compare::normalize_log(&rt, no_packets, labels);
                let mut b = compare::normalize_log(&ot, no_packets, labels);
                if let Some(m) = &ctx.columns_of {
                    for p in &m.selected {
                        let d = compare::compare_log(
                            &compare::plugin_report_lines(&a, p),
                            &compare::plugin_report_lines(&b, p),
                        );
                        r.plugin_logs.push((p.clone(), d));
                    }
                    a = compare::log_without_unrun_plugins(&a, &|p| m.ran(p));
                    b = compare::log_without_unrun_plugins(&b, &|p| m.ran(p));
                }
                r.log = Some(compare::compare_log(&a, &b));
            }
            (Ok(_), Err(_)) => r.log_missing = true,
            _ => {}
        }
        // side files
        for kind in SIDE_FILES {
            let rf = ref_file(ctx, &e.path, kind);
            if !rf.is_file() {
                continue;
            }
            let st = if ex.is_some_and(|x| x.files.contains(kind)) {
                FileStatus::Skipped
            } else {
                match File::open(our_file(&prefix, kind)) {
                    Err(_) => FileStatus::Missing,
                    Ok(of) => match compare::compare_bytes(File::open(&rf)?, of)? {
                        None => FileStatus::Identical,
                        Some((n, a, b)) => FileStatus::Differs(n, a, b),
                    },
                }
            };
            if kind == "protocols.txt" {
                let masked = match &st {
                    FileStatus::Differs(..) => {
                        match compare::compare_without_descriptions(
                            File::open(&rf)?,
                            File::open(our_file(&prefix, kind))?,
                        )? {
                            None => FileStatus::Identical,
                            Some((n, a, b)) => FileStatus::Differs(n, a, b),
                        }
                    }
                    other => other.clone(),
                };
                r.files.push((PROTOCOLS_NO_DESC, masked));
            }
            r.files.push((kind, st));
        }
        // packets.txt (packet mode, a separate -s run like the reference's)
        let rp = ref_file(ctx, &e.path, "packets.txt");
        if ctx.packets && e.has_packets_file != Some(false) && rp.is_file() {
            let sprefix = with_suffix(&prefix, ".smode");
            let srun = run_t2(ctx, e, &sprefix, true)?;
            let op = our_file(&sprefix, "packets.txt");
            r.packets = Some(if !srun.success() {
                Err(format!("-s run: {}", srun.describe()))
            } else if !op.is_file() {
                Err("no packets.txt".into())
            } else {
                let excl = excluded_cols(ex, true, ctx.except_labels);
                Ok(compare_tables(&rp, &op, &excl, ctx.show)?)
            });
        }
    }
    if !ctx.keep {
        cleanup(&prefix);
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// Aggregation and report
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct ColAgg {
    cells: u64,
    captures: u64,
    examples: Vec<(String, u64, String, String)>,
}

/// (columns sorted by cells, missing columns, extra columns, header diffs, row-count diffs,
/// row-count examples)
type ColsAgg = (
    Vec<(String, ColAgg)>,
    BTreeMap<String, u64>,
    BTreeMap<String, u64>,
    u64,
    u64,
    Vec<String>,
);

#[derive(Default)]
struct LabelAgg {
    differs: u64,
    missing: u64,
    extra: u64,
    captures: u64,
    example: Option<(String, String, String)>,
}

fn pct(a: u64, b: u64) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2} %", a as f64 * 100.0 / b as f64)
    }
}

struct Report {
    markdown: String,
    conforming_pct: f64,
    self_test_ok: bool,
}

fn aggregate_cols(
    results: &[CaptureResult],
    get: impl Fn(&CaptureResult) -> Option<&TableDiff>,
    show: usize,
) -> ColsAgg {
    let mut cols: HashMap<String, ColAgg> = HashMap::new();
    let mut missing: BTreeMap<String, u64> = BTreeMap::new();
    let mut extra: BTreeMap<String, u64> = BTreeMap::new();
    let (mut hdr_diff, mut rowcount_diff) = (0u64, 0u64);
    let mut rowcount_examples = Vec::new();
    for r in results {
        let Some(d) = get(r) else { continue };
        if !d.header_equal {
            hdr_diff += 1;
        }
        if d.ref_rows != d.our_rows {
            rowcount_diff += 1;
            if rowcount_examples.len() < show.max(5) {
                rowcount_examples.push(format!(
                    "{}: expected {} rows, got {}",
                    r.path, d.ref_rows, d.our_rows
                ));
            }
        }
        for c in &d.missing_columns {
            *missing.entry(c.clone()).or_default() += 1;
        }
        for c in &d.extra_columns {
            *extra.entry(c.clone()).or_default() += 1;
        }
        for (name, cd) in &d.columns {
            let a = cols.entry(name.clone()).or_default();
            a.cells += cd.cells;
            a.captures += 1;
            for ex in &cd.examples {
                if a.examples.len() < show {
                    a.examples
                        .push((r.path.clone(), ex.row, ex.expected.clone(), ex.got.clone()));
                }
            }
        }
    }
    let mut v: Vec<(String, ColAgg)> = cols.into_iter().collect();
    v.sort_by(|a, b| {
        b.1.cells
            .cmp(&a.1.cells)
            .then(b.1.captures.cmp(&a.1.captures))
            .then(a.0.cmp(&b.0))
    });
    (
        v,
        missing,
        extra,
        hdr_diff,
        rowcount_diff,
        rowcount_examples,
    )
}

fn table_section(
    s: &mut String,
    title: &str,
    results: &[CaptureResult],
    get: impl Fn(&CaptureResult) -> Option<&TableDiff>,
    show: usize,
    columns_of: Option<&ColumnsOf>,
) {
    let (cols, mut missing, extra, hdr_diff, rc_diff, rc_ex) = aggregate_cols(results, get, show);
    if columns_of.is_some() {
        // Reported once, as "not compared", in the per-plugin section.
        missing.clear();
    }
    s.push_str(&format!("\n## {title}: differing cells per column\n\n"));
    s.push_str(&format!(
        "Header line different in {hdr_diff} capture(s); row count different in {rc_diff} capture(s).\n"
    ));
    for e in &rc_ex {
        s.push_str(&format!("- {e}\n"));
    }
    if !missing.is_empty() {
        let m: Vec<String> = missing
            .iter()
            .map(|(c, n)| format!("`{c}` ({n})"))
            .collect();
        s.push_str(&format!(
            "\nColumns missing from ours (captures): {}\n",
            m.join(", ")
        ));
    }
    if !extra.is_empty() {
        let m: Vec<String> = extra.iter().map(|(c, n)| format!("`{c}` ({n})")).collect();
        s.push_str(&format!(
            "\nColumns only in ours (captures): {}\n",
            m.join(", ")
        ));
    }
    if cols.is_empty() {
        s.push_str("\nNo differing cell.\n");
        return;
    }
    s.push('\n');
    let rows: Vec<Vec<String>> = cols
        .iter()
        .map(|(c, a)| {
            vec![
                format!("`{c}`"),
                a.cells.to_string(),
                a.captures.to_string(),
            ]
        })
        .collect();
    s.push_str(&md_table(&["column", "differing cells", "captures"], &rows));
    if show > 0 {
        s.push_str(&format!("\n### Examples ({show} per column)\n\n"));
        let mut rows = Vec::new();
        for (c, a) in &cols {
            for (p, row, exp, got) in &a.examples {
                rows.push(vec![
                    format!("`{c}`"),
                    p.clone(),
                    row.to_string(),
                    format!("`{exp}`"),
                    format!("`{got}`"),
                ]);
            }
        }
        s.push_str(&md_table(
            &["column", "capture", "row", "expected", "got"],
            &rows,
        ));
    }
}

/// `docs/divergences.tsv`: `path<TAB>reason` lines (`#` comments) naming captures whose
/// difference from the reference is kept on purpose (see docs/divergences.md).
fn documented_divergences() -> Vec<(String, String)> {
    let path = crate::common::workspace_root()
        .join("docs")
        .join("divergences.tsv");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(p, r)| (p.trim().to_string(), r.trim().to_string()))
        })
        .collect()
}

/// The plugins judged in columns-of mode, their verdicts per capture.
fn plugin_columns_ok(r: &CaptureResult, plugin: &str) -> bool {
    match r.outcome {
        Outcome::ErrorMatched => true,
        Outcome::Identical | Outcome::Differing => r
            .flows
            .as_ref()
            .is_some_and(|d| compare::plugin_columns_identical(d, plugin)),
        _ => false,
    }
}

fn plugin_report_ok(r: &CaptureResult, plugin: &str) -> bool {
    match r.outcome {
        Outcome::ErrorMatched => true,
        Outcome::Identical | Outcome::Differing => {
            r.log.is_some()
                && r.plugin_logs
                    .iter()
                    .any(|(p, d)| p == plugin && d.identical())
        }
        _ => false,
    }
}

/// Columns-of mode: per-plugin conformance, the columns not compared, the captures whose flows
/// depend on plugins not run, and the mismatching report lines per plugin.
fn plugin_section(s: &mut String, results: &[CaptureResult], m: &ColumnsOf, show: usize) {
    let n = results.len() as u64;
    let dependent: Vec<&CaptureResult> = results.iter().filter(|r| r.depends_on_unrun).collect();
    let indep = n - dependent.len() as u64;
    s.push_str("\n## Per plugin (columns-of mode)\n\n");
    s.push_str(&format!(
        "Judged: {} (plugins run: {}). A capture counts for a plugin when its rows match the \
         reference's (same count, same `dir`/`flowInd` in the same order) and every column of \
         the plugin is identical (geo columns of public addresses and NONDETERMINISTIC.tsv cells excluded); its \
         report lines count when the plugin's end-report lines are identical (country codes \
         after addresses removed, as the geo columns). Captures the reference rejects count \
         as conforming when we reject them too.\n",
        m.selected.join(", "),
        m.ran.join(", ")
    ));
    if m.basic_ref.is_some() {
        let missing: Vec<&str> = compare::FLOW_ALTERING_PLUGINS
            .iter()
            .copied()
            .filter(|p| !m.ran(p))
            .collect();
        s.push_str(&format!(
            "\n{} capture(s) have flows that the original itself changes with {} (its \
             basicFlow+txtSink reference differs from its 10-plugin one in the basicFlow \
             columns): they depend on plugins not run. The *independent* percentages leave \
             them out ({indep} captures).\n",
            dependent.len(),
            missing.join(" and ")
        ));
    }
    s.push('\n');
    let mut rows = Vec::new();
    for p in &m.selected {
        let ncols = compare::PLUGIN_COLUMNS
            .iter()
            .find(|(q, _)| q == p)
            .map(|(_, c)| c.len())
            .unwrap_or(0);
        let cols_ok = results.iter().filter(|r| plugin_columns_ok(r, p)).count() as u64;
        let cols_ok_i = results
            .iter()
            .filter(|r| !r.depends_on_unrun && plugin_columns_ok(r, p))
            .count() as u64;
        let rep_ok = results.iter().filter(|r| plugin_report_ok(r, p)).count() as u64;
        let rep_ok_i = results
            .iter()
            .filter(|r| !r.depends_on_unrun && plugin_report_ok(r, p))
            .count() as u64;
        let mut row = vec![
            format!("**{p}**"),
            ncols.to_string(),
            cols_ok.to_string(),
            pct(cols_ok, n),
        ];
        if m.basic_ref.is_some() {
            row.push(pct(cols_ok_i, indep));
        }
        row.extend([rep_ok.to_string(), pct(rep_ok, n)]);
        if m.basic_ref.is_some() {
            row.push(pct(rep_ok_i, indep));
        }
        rows.push(row);
    }
    let mut hdr = vec!["plugin", "columns", "all columns identical", "%"];
    if m.basic_ref.is_some() {
        hdr.push("% independent");
    }
    hdr.extend(["report lines identical", "%"]);
    if m.basic_ref.is_some() {
        hdr.push("% independent");
    }
    s.push_str(&md_table(&hdr, &rows));

    // Columns not compared, once.
    let mut nc: BTreeMap<String, u64> = BTreeMap::new();
    for r in results {
        if let Some(d) = &r.flows {
            for c in compare::not_compared(d, &|p| m.selected(p)) {
                *nc.entry(c).or_default() += 1;
            }
        }
    }
    if !nc.is_empty() {
        let mut by_plugin: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for c in nc.keys() {
            by_plugin
                .entry(compare::column_plugin(c).unwrap_or("?"))
                .or_default()
                .push(format!("`{c}`"));
        }
        s.push_str("\nNot compared (columns of plugins not run or not judged): ");
        let parts: Vec<String> = by_plugin
            .iter()
            .map(|(p, cols)| format!("{p}: {}", cols.join(" ")))
            .collect();
        s.push_str(&parts.join("; "));
        s.push('\n');
    }

    // Failing captures per plugin (independent ones first: they point at our bugs).
    for p in &m.selected {
        let mut v: Vec<String> = Vec::new();
        for r in results.iter().filter(|r| !r.depends_on_unrun) {
            let cols_ok = plugin_columns_ok(r, p);
            let rep_ok = plugin_report_ok(r, p);
            if cols_ok && rep_ok {
                continue;
            }
            let mut why = Vec::new();
            match &r.flows {
                Some(d) if !d.rows_aligned() => {
                    why.push(format!("rows not aligned ({}/{})", d.our_rows, d.ref_rows))
                }
                Some(d) if !cols_ok => {
                    let mut c: Vec<(&String, u64)> = d
                        .columns
                        .iter()
                        .filter(|(k, _)| compare::column_plugin(k) == Some(p.as_str()))
                        .map(|(k, v)| (k, v.cells))
                        .collect();
                    c.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    let cols: Vec<String> =
                        c.iter().take(4).map(|(k, n)| format!("{k} {n}")).collect();
                    why.push(if cols.is_empty() {
                        "columns missing".to_string()
                    } else {
                        cols.join(", ")
                    });
                }
                None if !cols_ok => why.push(format!("{:?}", r.outcome)),
                _ => {}
            }
            if !rep_ok {
                let mut labels: Vec<&str> = r
                    .plugin_logs
                    .iter()
                    .filter(|(q, _)| q == p)
                    .flat_map(|(_, d)| d.labels.keys().map(String::as_str))
                    .collect();
                // (Sorted: the labels come from a hash map, and the page is committed.)
                labels.sort_unstable();
                why.push(format!(
                    "report: {}",
                    if labels.is_empty() {
                        "no log".to_string()
                    } else {
                        labels.join("; ")
                    }
                ));
            }
            v.push(format!("{}: {}", r.path, why.join("; ")));
        }
        if !v.is_empty() {
            s.push_str(&format!(
                "\n**{p}**: {} {}capture(s) not conforming (columns or report lines):\n\n",
                v.len(),
                if m.basic_ref.is_some() {
                    "independent "
                } else {
                    ""
                }
            ));
            for l in v.iter().take(40) {
                s.push_str(&format!("- {l}\n"));
            }
            if v.len() > 40 {
                s.push_str(&format!("- ... and {} more\n", v.len() - 40));
            }
        }
    }

    // Report lines per plugin.
    for p in &m.selected {
        let mut labels: HashMap<String, LabelAgg> = HashMap::new();
        let mut missing_logs = 0u64;
        for r in results {
            if matches!(r.outcome, Outcome::Identical | Outcome::Differing) && r.log.is_none() {
                missing_logs += 1;
            }
            for (q, d) in &r.plugin_logs {
                if q != p {
                    continue;
                }
                for (name, ld) in &d.labels {
                    let a = labels.entry(name.clone()).or_default();
                    a.differs += ld.differs;
                    a.missing += ld.missing;
                    a.extra += ld.extra;
                    a.captures += 1;
                    if a.example.is_none() {
                        if let Some((x, y)) = &ld.example {
                            a.example = Some((r.path.clone(), x.clone(), y.clone()));
                        }
                    }
                }
            }
        }
        if labels.is_empty() && missing_logs == 0 {
            continue;
        }
        s.push_str(&format!(
            "\n### {p}: mismatching report lines per label\n\n"
        ));
        if missing_logs > 0 {
            s.push_str(&format!("{missing_logs} capture(s) without our log.\n\n"));
        }
        let mut v: Vec<(String, LabelAgg)> = labels.into_iter().collect();
        v.sort_by(|a, b| b.1.captures.cmp(&a.1.captures).then(a.0.cmp(&b.0)));
        let rows: Vec<Vec<String>> = v
            .iter()
            .map(|(l, a)| {
                let ex = match (&a.example, show > 0) {
                    (Some((p, x, y)), true) => format!("{p}: `{x}` → `{y}`"),
                    _ => String::new(),
                };
                vec![
                    format!("`{l}`"),
                    a.captures.to_string(),
                    a.differs.to_string(),
                    a.missing.to_string(),
                    a.extra.to_string(),
                    ex,
                ]
            })
            .collect();
        s.push_str(&md_table(
            &[
                "label", "captures", "differs", "missing", "extra", "example",
            ],
            &rows,
        ));
    }
    if !dependent.is_empty() {
        s.push_str(&format!(
            "\nCaptures whose flows depend on plugins not run ({}): {}{}\n",
            dependent.len(),
            dependent
                .iter()
                .take(25)
                .map(|r| r.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if dependent.len() > 25 { ", ..." } else { "" }
        ));
    }
}

fn build_report(
    results: &[CaptureResult],
    opts: &Opts,
    header: &str,
    columns_of: Option<&ColumnsOf>,
) -> Report {
    let n = results.len() as u64;
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count() as u64;
    let identical = count(Outcome::Identical);
    let differing = count(Outcome::Differing);
    let err_matched = count(Outcome::ErrorMatched);
    let err_msg_diff = results
        .iter()
        .filter(|r| r.outcome == Outcome::ErrorMatched && r.error.as_ref().is_some_and(|e| !e.2))
        .count() as u64;
    let err_mismatched = count(Outcome::ErrorMismatched);
    let unexpected = count(Outcome::UnexpectedError);
    let crashes = count(Outcome::Crash);
    let timeouts = count(Outcome::Timeout);
    let ref_ok_total = results.iter().filter(|r| r.ref_ok).count() as u64;
    let conforming = identical + err_matched;
    let conforming_pct = if n == 0 {
        0.0
    } else {
        conforming as f64 * 100.0 / n as f64
    };
    // Differences kept on purpose (docs/divergences.tsv): counted as not conforming, but
    // listed apart so the remaining bugs stand out.
    let documented = documented_divergences();
    let is_documented = |r: &CaptureResult| {
        !matches!(r.outcome, Outcome::Identical | Outcome::ErrorMatched)
            && documented.iter().any(|(p, _)| *p == r.path)
    };
    let documented_n = results.iter().filter(|r| is_documented(r)).count() as u64;

    let mut s = String::new();
    s.push_str(header);
    s.push_str("\n## Summary\n\n");
    let rows = vec![
        vec!["captures".into(), n.to_string(), String::new()],
        vec![
            if columns_of.is_some() {
                "**conforming** (every compared column of ours identical, rows aligned; or rejected like the reference)".into()
            } else {
                "**conforming** (identical flows.txt, or rejected like the reference)".into()
            },
            conforming.to_string(),
            pct(conforming, n),
        ],
        vec![
            "not conforming but documented in docs/divergences.tsv".into(),
            documented_n.to_string(),
            format!(
                "conforming or documented: {}",
                pct(conforming + documented_n, n)
            ),
        ],
        vec![
            "ok, identical flows.txt".into(),
            identical.to_string(),
            format!("{} of reference-ok", pct(identical, ref_ok_total)),
        ],
        vec![
            "ok, differing flows.txt".into(),
            differing.to_string(),
            pct(differing, n),
        ],
        vec![
            "errors matched (both rejected)".into(),
            err_matched.to_string(),
            format!("message differs: {err_msg_diff}"),
        ],
        vec![
            "errors mismatched (reference rejected, we did not)".into(),
            err_mismatched.to_string(),
            String::new(),
        ],
        vec![
            "unexpected errors (reference ok, we failed)".into(),
            unexpected.to_string(),
            String::new(),
        ],
        vec![
            "crashes (panic, signal, memory kill)".into(),
            crashes.to_string(),
            String::new(),
        ],
        vec![
            "timeouts".into(),
            timeouts.to_string(),
            format!("limit {} s", opts.timeout.as_secs_f64()),
        ],
    ];
    s.push_str(&md_table(&["outcome", "captures", "%"], &rows));

    // Logs and side files.
    let logs_cmp = results.iter().filter(|r| r.log.is_some()).count() as u64;
    let logs_same = results
        .iter()
        .filter(|r| r.log.as_ref().is_some_and(|l| l.identical()))
        .count() as u64;
    let logs_missing = results.iter().filter(|r| r.log_missing).count() as u64;
    s.push_str(&format!(
        "\nEnd reports (log.txt, run-dependent lines masked): {logs_same} of {logs_cmp} compared identical ({}); {logs_missing} missing.\n",
        pct(logs_same, logs_cmp)
    ));
    let mut frows = Vec::new();
    for kind in SIDE_FILES.into_iter().chain([PROTOCOLS_NO_DESC]) {
        let (mut same, mut diff, mut miss, mut skip) = (0u64, 0u64, 0u64, 0u64);
        let mut ex = String::new();
        for r in results {
            for (k, st) in &r.files {
                if *k != kind {
                    continue;
                }
                match st {
                    FileStatus::Identical => same += 1,
                    FileStatus::Missing => miss += 1,
                    FileStatus::Skipped => skip += 1,
                    FileStatus::Differs(line, a, b) => {
                        diff += 1;
                        if ex.is_empty() {
                            ex = format!("{} line {line}: expected `{a}`, got `{b}`", r.path);
                        }
                    }
                }
            }
        }
        if same + diff + miss + skip > 0 {
            frows.push(vec![
                kind.to_string(),
                same.to_string(),
                diff.to_string(),
                miss.to_string(),
                skip.to_string(),
                ex,
            ]);
        }
    }
    if !frows.is_empty() {
        s.push_str("\n## Side files (byte comparison)\n\n");
        s.push_str(&md_table(
            &[
                "file",
                "identical",
                "differing",
                "missing",
                "skipped (non-deterministic)",
                "first difference",
            ],
            &frows,
        ));
    }

    if let Some(m) = columns_of {
        plugin_section(&mut s, results, m, opts.show);
    }

    if columns_of.is_some() {
        // Misaligned rows make every cell differ: those captures are counted here, and their
        // cells (like those of captures whose flows depend on plugins not run) left out below.
        let misaligned: Vec<&CaptureResult> = results
            .iter()
            .filter(|r| r.flows.as_ref().is_some_and(|d| !d.rows_aligned()))
            .collect();
        let dep = misaligned.iter().filter(|r| r.depends_on_unrun).count();
        s.push_str(&format!(
            "\n{} capture(s) with rows not aligned with the reference's (row count or \
             `dir`/`flowInd` sequence), {dep} of them depending on plugins not run. The cell \
             counts below leave out these and the other captures depending on plugins not \
             run.\n",
            misaligned.len()
        ));
        let indep: Vec<&&CaptureResult> =
            misaligned.iter().filter(|r| !r.depends_on_unrun).collect();
        if !indep.is_empty() {
            s.push_str(&format!(
                "Not aligned though independent: {}\n",
                indep
                    .iter()
                    .take(25)
                    .map(|r| {
                        let d = r.flows.as_ref().expect("filtered");
                        format!("{} ({}/{} rows)", r.path, d.our_rows, d.ref_rows)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    table_section(
        &mut s,
        "flows.txt",
        results,
        |r| match columns_of {
            Some(_) => r
                .flows
                .as_ref()
                .filter(|d| d.rows_aligned() && !r.depends_on_unrun),
            None => r.flows.as_ref(),
        },
        opts.show,
        columns_of,
    );

    if opts.packets {
        let failed: Vec<String> = results
            .iter()
            .filter_map(|r| match &r.packets {
                Some(Err(e)) => Some(format!("{}: {e}", r.path)),
                _ => None,
            })
            .collect();
        let cmp = results
            .iter()
            .filter(|r| matches!(r.packets, Some(Ok(_))))
            .count() as u64;
        let same = results
            .iter()
            .filter(|r| matches!(&r.packets, Some(Ok(d)) if d.identical()))
            .count() as u64;
        s.push_str(&format!(
            "\n## packets.txt (-s)\n\n{same} of {cmp} compared identical ({}); {} run(s) failed.\n",
            pct(same, cmp),
            failed.len()
        ));
        for f in failed.iter().take(10) {
            s.push_str(&format!("- {f}\n"));
        }
        table_section(
            &mut s,
            "packets.txt",
            results,
            |r| match &r.packets {
                Some(Ok(d)) => Some(d),
                _ => None,
            },
            opts.show,
            None,
        );
    }

    // Log labels.
    let mut labels: HashMap<String, LabelAgg> = HashMap::new();
    for r in results {
        if let Some(l) = &r.log {
            for (name, d) in &l.labels {
                let a = labels.entry(name.clone()).or_default();
                a.differs += d.differs;
                a.missing += d.missing;
                a.extra += d.extra;
                a.captures += 1;
                if a.example.is_none() {
                    if let Some((x, y)) = &d.example {
                        a.example = Some((r.path.clone(), x.clone(), y.clone()));
                    }
                }
            }
        }
    }
    s.push_str("\n## log.txt: mismatching lines per label\n\n");
    if labels.is_empty() {
        s.push_str("No mismatching line.\n");
    } else {
        let mut v: Vec<(String, LabelAgg)> = labels.into_iter().collect();
        v.sort_by(|a, b| b.1.captures.cmp(&a.1.captures).then(a.0.cmp(&b.0)));
        let rows: Vec<Vec<String>> = v
            .iter()
            .map(|(l, a)| {
                let ex = match (&a.example, opts.show > 0) {
                    (Some((p, x, y)), true) => format!("{p}: `{x}` → `{y}`"),
                    _ => String::new(),
                };
                vec![
                    format!("`{l}`"),
                    a.captures.to_string(),
                    a.differs.to_string(),
                    a.missing.to_string(),
                    a.extra.to_string(),
                    ex,
                ]
            })
            .collect();
        s.push_str(&md_table(
            &[
                "label", "captures", "differs", "missing", "extra", "example",
            ],
            &rows,
        ));
    }

    // Errors, crashes, failures.
    let listing = |s: &mut String, title: &str, pred: &dyn Fn(&CaptureResult) -> Option<String>| {
        let v: Vec<String> = results.iter().filter_map(pred).collect();
        if !v.is_empty() {
            s.push_str(&format!("\n## {title} ({})\n\n", v.len()));
            // The full list goes to `T2_CONF_LIST` (a file) when set; the report keeps 25.
            if let Some(path) = std::env::var_os("T2_CONF_LIST") {
                use std::io::Write as _;
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                {
                    for l in &v {
                        let _ = writeln!(f, "{title}: {l}");
                    }
                }
            }
            for l in v.iter().take(25) {
                s.push_str(&format!("- {l}\n"));
            }
            if v.len() > 25 {
                s.push_str(&format!("- ... and {} more\n", v.len() - 25));
            }
        }
    };
    listing(
        &mut s,
        "Documented divergences (docs/divergences.tsv)",
        &|r| {
            is_documented(r).then(|| {
                let why = documented
                    .iter()
                    .find(|(p, _)| *p == r.path)
                    .map(|(_, w)| w.as_str())
                    .unwrap_or("");
                format!("{}: {why}", r.path)
            })
        },
    );
    listing(&mut s, "Crashes", &|r| {
        (r.outcome == Outcome::Crash)
            .then(|| format!("{} ({}): `{}`", r.path, r.run.describe(), r.stderr_line))
    });
    listing(&mut s, "Timeouts", &|r| {
        (r.outcome == Outcome::Timeout).then(|| r.path.clone())
    });
    listing(&mut s, "Unexpected errors", &|r| {
        (r.outcome == Outcome::UnexpectedError)
            .then(|| format!("{} ({}): `{}`", r.path, r.run.describe(), r.stderr_line))
    });
    listing(
        &mut s,
        "Errors mismatched (we accepted a capture the reference rejects)",
        &|r| {
            (r.outcome == Outcome::ErrorMismatched && !is_documented(r)).then(|| {
                format!(
                    "{}: expected `{}`",
                    r.path,
                    r.error.as_ref().map(|e| e.0.as_str()).unwrap_or("")
                )
            })
        },
    );
    listing(&mut s, "Error messages that differ", &|r| match &r.error {
        Some((exp, got, false)) if r.outcome == Outcome::ErrorMatched => {
            Some(format!("{}: expected `{exp}`, got `{got}`", r.path))
        }
        _ => None,
    });
    listing(
        &mut s,
        "Differing captures (cells differing, first columns)",
        &|r| {
            (r.outcome == Outcome::Differing && !is_documented(r)).then(|| match &r.flows {
                None => format!("{}: no flows.txt", r.path),
                Some(d) => {
                    let mut c: Vec<(&String, u64)> =
                        d.columns.iter().map(|(k, v)| (k, v.cells)).collect();
                    c.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    let cols: Vec<String> =
                        c.iter().take(4).map(|(k, n)| format!("{k} {n}")).collect();
                    format!(
                        "{}: {} cells; rows {}/{}{}; {}",
                        r.path,
                        d.differing_cells(),
                        d.our_rows,
                        d.ref_rows,
                        if d.header_equal {
                            ""
                        } else {
                            "; header differs"
                        },
                        cols.join(", ")
                    )
                }
            })
        },
    );

    // Resources.
    let limit_kib = opts.rss_limit_mib * 1024;
    let ran: Vec<&CaptureResult> = results
        .iter()
        .filter(|r| r.run.wall > Duration::ZERO)
        .collect();
    if !ran.is_empty() {
        let total: Duration = ran.iter().map(|r| r.run.wall).sum();
        let max = ran.iter().max_by_key(|r| r.run.max_rss_kib).unwrap();
        let slow = ran.iter().max_by_key(|r| r.run.wall).unwrap();
        s.push_str(&format!(
            "\n## Resources\n\nt2 run time total {:.1} s; slowest {} ({:.2} s); peak RSS max {:.1} MiB ({}).\n",
            total.as_secs_f64(),
            slow.path,
            slow.run.wall.as_secs_f64(),
            max.run.max_rss_kib as f64 / 1024.0,
            max.path
        ));
        listing(
            &mut s,
            &format!("Runs over the RSS limit of {} MiB", opts.rss_limit_mib),
            &|r| {
                (r.run.max_rss_kib > limit_kib || r.run.rss_killed).then(|| {
                    format!(
                        "{}: {:.1} MiB{}",
                        r.path,
                        r.run.max_rss_kib as f64 / 1024.0,
                        if r.run.rss_killed { " (killed)" } else { "" }
                    )
                })
            },
        );
    }

    let self_test_ok = identical + err_matched == n
        && err_msg_diff == 0
        && logs_same == logs_cmp
        && logs_missing == 0
        && results.iter().all(|r| {
            r.files
                .iter()
                .all(|(_, f)| matches!(f, FileStatus::Identical | FileStatus::Skipped))
        })
        && results.iter().all(|r| {
            !matches!(&r.packets, Some(Err(_)))
                && !matches!(&r.packets, Some(Ok(d)) if !d.identical())
        });
    Report {
        markdown: s,
        conforming_pct,
        self_test_ok,
    }
}

// ---------------------------------------------------------------------------------------------

pub fn run(opts: Opts) -> Result<i32> {
    let root = common::workspace_root();
    let shared = common::shared_dir(&root);
    let basic = common::is_basicflow_set(&opts.plugins);
    let reference = match &opts.reference {
        Some(r) => r.clone(),
        None => shared.join(if basic {
            "conformance-basicflow"
        } else {
            "conformance"
        }),
    };
    let reference = reference
        .canonicalize()
        .with_context(|| format!("reference {}", reference.display()))?;
    let pcaps = shared
        .join("pcaps")
        .canonicalize()
        .with_context(|| format!("{}/pcaps", shared.display()))?;

    let mut index = read_index(&reference)?;
    let total_index = index.len();
    if !opts.filters.is_empty() {
        index.retain(|e| opts.filters.iter().any(|f| e.path.contains(f.as_str())));
    }
    if index.is_empty() {
        bail!(
            "no capture selected ({} in {}/INDEX.tsv)",
            total_index,
            reference.display()
        );
    }
    // Columns-of mode: explicit, or a plugin subset against the 10-plugin reference.
    let full_reference = shared
        .join("conformance")
        .canonicalize()
        .is_ok_and(|c| c == reference);
    let columns_of = match &opts.columns_of {
        Some(sel) => Some(sel.clone()),
        None if full_reference && !common::is_default_set(&opts.plugins) => {
            Some(opts.plugins.clone())
        }
        None => None,
    }
    .map(|selected| {
        // Sinks and protoStats own no flow column: nothing of theirs to judge here.
        let selected: Vec<String> = selected
            .into_iter()
            .filter(|p| {
                compare::PLUGIN_COLUMNS.iter().any(|(q, _)| q == p)
                    || !common::DEFAULT_PLUGINS.contains(&p.as_str())
            })
            .collect();
        let ran = opts.plugins.clone();
        let basic = shared.join("conformance-basicflow");
        let basic_ref = (full_reference
            && compare::FLOW_ALTERING_PLUGINS
                .iter()
                .any(|p| !ran.iter().any(|r| r == p))
            && basic.join("INDEX.tsv").is_file())
        .then(|| basic.canonicalize().unwrap_or(basic));
        ColumnsOf {
            selected,
            ran,
            basic_ref,
        }
    });
    let excl = match fs::read_to_string(reference.join("NONDETERMINISTIC.tsv")) {
        Ok(t) => compare::parse_nondeterministic(&t)?,
        Err(_) => HashMap::new(),
    };

    let work = common::TempDir::new("conformance")?;
    let mut plugin_dir = work.path.join("plugins");
    let t2 = if opts.self_test {
        None
    } else {
        let need_build_t2 = opts.t2.is_none();
        match &opts.plugin_dir {
            Some(d) => {
                plugin_dir = d
                    .canonicalize()
                    .with_context(|| format!("--plugin-dir {}", d.display()))?
            }
            None => {
                let (plugins, missing) = common::resolve_plugins(&root, &opts.plugins)?;
                if !missing.is_empty() {
                    bail!(
                        "plugin(s) not in the workspace (plugins/<name>/Cargo.toml): {}",
                        missing.join(", ")
                    );
                }
                if !opts.no_build {
                    common::cargo_build(&root, &plugins, need_build_t2)?;
                }
                common::install_plugins(&root, &plugins, &plugin_dir)?;
            }
        }
        if need_build_t2 && opts.plugin_dir.is_some() && !opts.no_build {
            common::cargo_build(&root, &[], true)?;
        }
        Some(match &opts.t2 {
            Some(p) => p
                .canonicalize()
                .with_context(|| format!("--t2 {}", p.display()))?,
            None => common::t2_binary(&root)?,
        })
    };
    let out = match &opts.out {
        Some(o) => {
            fs::create_dir_all(o)?;
            o.canonicalize()?
        }
        None => work.path.join("out"),
    };
    let mut work = work;
    work.keep = opts.keep && opts.out.is_none();
    if work.keep {
        eprintln!("keeping outputs in {}", out.display());
    }

    let ctx = Ctx {
        pcaps,
        reference: reference.clone(),
        out,
        t2,
        plugin_dir,
        excl: &excl,
        show: opts.show,
        timeout: opts.timeout,
        rss_kill_kib: opts.rss_limit_mib.saturating_mul(4 * 1024),
        packets: opts.packets,
        keep: opts.keep,
        columns_of: columns_of.clone(),
        except_labels: opts.except_labels,
    };
    eprintln!(
        "conformance: {} capture(s), plugins {}, reference {}, {} job(s){}",
        index.len(),
        opts.plugins.join(","),
        reference.display(),
        opts.jobs,
        if opts.self_test {
            " [self-test: reference outputs used as ours]"
        } else {
            ""
        }
    );

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CaptureResult>>> = Mutex::new(vec![None; index.len()]);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let step = (index.len() / 20).max(25);
    std::thread::scope(|sc| {
        for _ in 0..opts.jobs.min(index.len()) {
            sc.spawn(|| {
                loop {
                    if failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(e) = index.get(i) else { return };
                    match process(&ctx, e) {
                        Ok(r) => {
                            results.lock().unwrap()[i] = Some(r);
                            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                            if d % step == 0 || d == index.len() {
                                eprintln!(
                                    "  [{d}/{}] {:.0} s",
                                    index.len(),
                                    started.elapsed().as_secs_f64()
                                );
                            }
                        }
                        Err(err) => {
                            *failure.lock().unwrap() =
                                Some(err.context(format!("capture {}", e.path)));
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(e);
    }
    let results: Vec<CaptureResult> = results
        .into_inner()
        .unwrap()
        .into_iter()
        .flatten()
        .collect();

    let (date, datetime) = common::utc_now();
    let commit = common::git_commit(&root);
    let ref_rel = reference
        .strip_prefix(shared.canonicalize().unwrap_or(shared.clone()))
        .map(|p| format!("../shared/{}", p.display()))
        .unwrap_or_else(|_| reference.display().to_string());
    let mut header = String::new();
    header.push_str("# Conformance with the original Tranalyzer2 0.9.3\n\n");
    header.push_str(&format!(
        "Generated by `cargo xtask conformance` on {datetime} ({date}), commit `{commit}`.\n\n\
         - plugins: {}\n- reference: `{ref_rel}`\n- captures: {}{}\n- run: `t2 -p PLUGINDIR -r REL -w OUT/REL -l` from `../shared/pcaps`, {} job(s), timeout {} s\n\
         - compared: flows.txt cell by cell (row position, column name), {} only where the address is \
         in a special-purpose range (public addresses: `cargo xtask geo`), excluding the \
         (capture, column) pairs of NONDETERMINISTIC.tsv; log.txt line by line with run-dependent \
         lines masked; error messages; protocols.txt/icmpStats.txt bytes where the reference has them (protocols.txt also with its description column left out)\n\
         - wall time: {:.0} s\n",
        opts.plugins.join(", "),
        results.len(),
        if opts.filters.is_empty() { String::new() } else { format!(" (filter: {})", opts.filters.join(", ")) },
        opts.jobs,
        opts.timeout.as_secs_f64(),
        GEO_COLUMNS.join(", "),
        started.elapsed().as_secs_f64()
    ));
    if opts.self_test {
        header.push_str("- **self-test**: the reference outputs were used as ours\n");
    }
    let report = build_report(&results, &opts, &header, columns_of.as_ref());
    let legend = "\n## How to read this\n\n\
        - *conforming*: the reference processed the capture and our flows.txt is identical \
        (header, row count, every compared cell), or the reference rejected it and so did we \
        (exit status != 0; the message comparison is reported separately).\n\
        - Rows are aligned by position (T2's output order matters); columns by name.\n\
        - log.txt: the lines the reference README calls run-dependent (PID banner, Date, Elapsed \
        time, unloading time, Memory usage, Total dump duration of 0-packet runs, subnet/OUI database \
        lines) are masked; other lines are aligned (LCS) and the unmatched ones are paired by label \
        (text before the first `: `): *differs* = same label, other value; *missing* = only in the \
        reference; *extra* = only in ours.\n\
        - Re-run: `cargo xtask conformance` (`--show N` for examples, `--filter SUBSTR` for a subset, \
        `--plugins default` for the 10-plugin set).\n";
    let headline = match &columns_of {
        None => format!(
            "\n**Conforming captures: {:.2} %** (identical flows.txt or rejected like the reference; acceptance: ≥ 99 % for basicFlow+txtSink)\n",
            report.conforming_pct
        ),
        Some(m) => {
            let n = results.len() as u64;
            let indep = results.iter().filter(|r| !r.depends_on_unrun).count() as u64;
            let mut h = format!(
                "\n**Conforming captures: {:.2} %** (every compared column identical, rows aligned, or rejected like the reference)\n",
                report.conforming_pct
            );
            for p in &m.selected {
                let c = results.iter().filter(|r| plugin_columns_ok(r, p)).count() as u64;
                let l = results.iter().filter(|r| plugin_report_ok(r, p)).count() as u64;
                h.push_str(&format!(
                    "- **{p}**: all columns identical in {} of captures, report lines in {}",
                    pct(c, n),
                    pct(l, n)
                ));
                if m.basic_ref.is_some() {
                    let ci = results
                        .iter()
                        .filter(|r| !r.depends_on_unrun && plugin_columns_ok(r, p))
                        .count() as u64;
                    let li = results
                        .iter()
                        .filter(|r| !r.depends_on_unrun && plugin_report_ok(r, p))
                        .count() as u64;
                    h.push_str(&format!(
                        " (independent of plugins not run: {} / {} of {indep})",
                        pct(ci, indep),
                        pct(li, indep)
                    ));
                }
                h.push('\n');
            }
            h
        }
    };
    println!("{}{headline}", report.markdown);

    let write_doc = opts
        .write_doc
        .unwrap_or(opts.filters.is_empty() && !opts.self_test && columns_of.is_none());
    if write_doc {
        let p = root.join("docs").join("conformance.md");
        fs::create_dir_all(p.parent().unwrap())?;
        // Put the headline right below the header of the document.
        let mut doc =
            report
                .markdown
                .replacen("\n## Summary\n", &format!("{headline}\n## Summary\n"), 1);
        doc.push_str(legend);
        // (The sections `cargo xtask toggles` appends stay.)
        doc.push_str(&crate::toggles::kept_sections(&fs::read_to_string(&p).unwrap_or_default()));
        fs::write(&p, doc).with_context(|| format!("writing {}", p.display()))?;
        eprintln!("wrote {}", p.display());
    }

    let mut code = 0;
    if opts.self_test {
        if report.self_test_ok {
            eprintln!("self-test: PASS (100 % identical)");
        } else {
            eprintln!(
                "self-test: FAIL (the harness reports differences between the reference and its copy)"
            );
            code = 1;
        }
    }
    if let Some(min) = opts.min_identical {
        if report.conforming_pct < min {
            eprintln!(
                "conforming {:.2} % < --min-identical {min} %",
                report.conforming_pct
            );
            code = 1;
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args() {
        let a: Vec<String> = [
            "--plugins",
            "default",
            "--filter=ndpi/",
            "--jobs",
            "3",
            "--show",
            "2",
            "--min-identical",
            "99%",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let o = parse_args(&a).unwrap().unwrap();
        assert_eq!(o.plugins.len(), 10);
        assert_eq!(o.filters, vec!["ndpi/"]);
        assert_eq!((o.jobs, o.show), (3, 2));
        assert_eq!(o.min_identical, Some(99.0));
        assert!(parse_args(&["--bogus".to_string()]).is_err());
    }

    fn shared_ref(sub: &str) -> Option<PathBuf> {
        let p = common::shared_dir(&common::workspace_root()).join(sub);
        p.join("INDEX.tsv").is_file().then_some(p)
    }

    /// A real reference flows.txt with one mutated cell gives exactly one difference.
    #[test]
    fn real_flows_one_mutation() {
        let Some(r) = shared_ref("conformance-basicflow") else {
            return;
        };
        let text = fs::read_to_string(r.join("ndpi/1kxun.pcap.flows.txt")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut cells: Vec<String> = lines[100].split('\t').map(str::to_string).collect();
        cells[5] = format!("{}9", cells[5]); // duration
        lines[100] = cells.join("\t");
        let mutated = lines.join("\n") + "\n";
        let excl = excluded_cols(None, false, false);
        let d = compare::compare_table(text.as_bytes(), mutated.as_bytes(), &excl, 5).unwrap();
        assert!(!d.identical());
        assert_eq!(d.differing_cells(), 1);
        assert_eq!(d.columns["duration"].examples[0].row, 100);
        let same = compare::compare_table(text.as_bytes(), text.as_bytes(), &excl, 5).unwrap();
        assert!(same.identical());
        assert_eq!(same.ref_rows, 297);
    }

    /// Run-dependent lines of a real zero-packet log are masked; other changes are caught.
    #[test]
    fn real_log_masking() {
        let Some(r) = shared_ref("conformance") else {
            return;
        };
        let text = fs::read_to_string(r.join("tcpdump/empty.pcap.log.txt")).unwrap();
        let changed: String = text
            .lines()
            .map(|l| {
                let t = compare::strip_ansi(l);
                if t.starts_with("Tranalyzer ") {
                    "Tranalyzer 0.9.3 (Anteater), Cobra. PID: 1, Prio: 0, SID: 666".to_string()
                } else if t.starts_with("Date:")
                    || t.starts_with("Total dump duration:")
                    || t.starts_with("Memory usage:")
                {
                    format!("{}: 42", t.split(':').next().unwrap())
                } else if t.contains("subnet ranges loaded") {
                    l.replace("329", "330").replace("40567", "1")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let a = compare::normalize_log(&text, true, &[]);
        let b = compare::normalize_log(&changed, true, &[]);
        assert!(compare::compare_log(&a, &b).identical());
        let worse = changed.replace("Number of pcap bytes: 24", "Number of pcap bytes: 25");
        let d = compare::compare_log(&a, &compare::normalize_log(&worse, true, &[]));
        assert_eq!(d.labels.len(), 1);
        assert_eq!(d.labels["Number of pcap bytes"].differs, 1);
    }

    #[test]
    fn columns_of_options() {
        let a: Vec<String> = [
            "--plugins",
            "basicFlow,basicStats,txtSink",
            "--columns-of=basicStats",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let o = parse_args(&a).unwrap().unwrap();
        assert_eq!(o.columns_of, Some(vec!["basicStats".to_string()]));
        assert!(parse_args(&["--columns-of".to_string(), ",".to_string()]).is_err());
        let m = ColumnsOf {
            selected: vec!["basicStats".into()],
            ran: vec!["basicFlow".into(), "basicStats".into(), "txtSink".into()],
            basic_ref: None,
        };
        assert!(m.compares("pktAsm") && m.compares("dir") && m.compares("flowInd"));
        assert!(
            !m.compares("flowStat"),
            "basicFlow's columns are not judged"
        );
        assert!(
            m.compares("someNewColumn"),
            "a column only we print is compared"
        );
        assert!(m.ran("basicFlow") && !m.ran("connStat"));
    }

    /// The real 10-plugin reference cut down to the columns of some plugins conforms in
    /// columns-of mode; a mutated cell fails only its plugin.
    #[test]
    fn real_reference_subset() {
        let Some(r) = shared_ref("conformance") else {
            return;
        };
        let text = fs::read_to_string(r.join("ndpi/1kxun.pcap.flows.txt")).unwrap();
        let keep = |c: &str| {
            matches!(
                compare::column_plugin(c),
                Some("core" | "basicFlow" | "basicStats")
            )
        };
        let names: Vec<&str> = text
            .lines()
            .next()
            .unwrap()
            .trim_start_matches('%')
            .split('\t')
            .collect();
        let idx: Vec<usize> = (0..names.len()).filter(|&i| keep(names[i])).collect();
        let cut = |t: &str| -> String {
            t.lines()
                .map(|l| {
                    let f: Vec<&str> = l.split('\t').collect();
                    idx.iter().map(|&i| f[i]).collect::<Vec<_>>().join("\t")
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        };
        let ours = cut(&text);
        let excl = excluded_cols(None, false, false);
        let d = compare::compare_table(text.as_bytes(), ours.as_bytes(), &excl, 3).unwrap();
        assert!(!d.identical() && d.identical_on_ours());
        assert!(compare::plugin_columns_identical(&d, "basicStats"));
        assert!(!compare::plugin_columns_identical(&d, "connStat"));
        let nc = compare::not_compared(&d, &|p| p == "basicFlow" || p == "basicStats");
        assert!(nc.contains(&"connNumBCnt".to_string()) && nc.contains(&"macStat".to_string()));
        assert!(!nc.contains(&"pktAsm".to_string()));
        // One basicStats cell changed: only basicStats fails.
        let pos = idx.iter().position(|&i| names[i] == "pktAsm").unwrap();
        let mut lines: Vec<String> = ours.lines().map(str::to_string).collect();
        let mut f: Vec<String> = lines[10].split('\t').map(str::to_string).collect();
        f[pos] = "0.5".into();
        lines[10] = f.join("\t");
        let bad = lines.join("\n") + "\n";
        let d = compare::compare_table(text.as_bytes(), bad.as_bytes(), &excl, 3).unwrap();
        assert!(!d.identical_on_ours());
        assert!(!compare::plugin_columns_identical(&d, "basicStats"));
        assert!(compare::plugin_columns_identical(&d, "basicFlow"));
        assert_eq!(d.columns["pktAsm"].examples[0].row, 10);
    }

    #[test]
    fn file_names() {
        let p = Path::new("/tmp/out/ndpi/1kxun.pcap");
        assert_eq!(
            our_file(p, "flows.txt"),
            Path::new("/tmp/out/ndpi/1kxun.pcap_flows.txt")
        );
    }
}
