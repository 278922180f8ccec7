//! `cargo xtask bench`: packets/s and peak RSS of t2 on the benchmark capture, side by side with
//! the raw read (`tcpdump -r FILE -w /dev/null`) in the same session (../shared/bench/README.md).

use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::common::{self, md_table};

/// Packets of the shared bench.pcap (../shared/bench/README.md).
const BENCH_PACKETS: u64 = 342_420;
/// Tools make_bench.sh needs, with their Debian packages.
const TOOLS: [(&str, &str); 5] = [
    ("editcap", "wireshark-common"),
    ("mergecap", "wireshark-common"),
    ("capinfos", "wireshark-common"),
    ("tcprewrite", "tcpreplay"),
    ("tcpdump", "tcpdump"),
];

pub const HELP: &str = "\
cargo xtask bench [OPTIONS]

Builds ../shared/bench's bench.pcap (cached in <workspace>/target/bench/) if needed, then runs,
alternating, N times each: the raw read `tcpdump -r FILE -w /dev/null` and t2 with basicFlow+txtSink
(and with T2's 10 default plugins when all exist in the workspace). Prints median wall time,
packets/s, ratio to the raw read and peak RSS; writes docs/bench/<date>-<host>.md and
docs/bench/README.md.

Options:
  --capture PATH     benchmark another capture (packets counted by a quick pcap/pcapng scan)
  --runs N           runs per command (default 5), after one untimed warm-up round
  --plugins LIST     a t2 configuration to measure (comma list or `default`); repeatable;
                     replaces the default configurations
  --no-build         do not run cargo build
  --t2 PATH          run this t2 binary instead of building target/release/t2
  --plugin-dir DIR   measure one t2 configuration with this plugin folder as is (no plugin
                     build); e.g. the original T2's, with --t2 pointing at tranalyzer
  --install          install missing tools (apt-get, as root); also implied by env CI as root
  --no-doc           do not write docs/bench/
  --min-ratio R      exit 1 if the first t2 configuration's ratio is below R (CI)
  --databases        measure only the start-up cost of loading the data tables (OUI,
                     portmap, proto, ethertypes, subnets): t2 with and without them
  -h, --help         this help
";

#[derive(Debug, Clone)]
pub struct Opts {
    pub capture: Option<PathBuf>,
    pub runs: usize,
    pub plugin_sets: Vec<Vec<String>>,
    pub no_build: bool,
    pub install: bool,
    pub write_doc: bool,
    pub min_ratio: Option<f64>,
    pub t2: Option<PathBuf>,
    pub plugin_dir: Option<PathBuf>,
    /// `--databases`: only the table loading measurement.
    pub databases_only: bool,
}

pub fn parse_args(args: &[String]) -> Result<Option<Opts>> {
    let mut o = Opts {
        capture: None,
        runs: 5,
        plugin_sets: Vec::new(),
        no_build: false,
        install: false,
        write_doc: true,
        min_ratio: None,
        t2: None,
        plugin_dir: None,
        databases_only: false,
    };
    let mut args = common::Args::new(args);
    while let Some(opt) = args.next_opt() {
        let a = opt.arg;
        let mut val = || args.value(&opt);
        match opt.name {
            "-h" | "--help" => return Ok(None),
            "--capture" => o.capture = Some(PathBuf::from(val()?)),
            "--runs" => o.runs = val()?.parse::<usize>().context("--runs")?.max(1),
            "--plugins" => o.plugin_sets.push(common::parse_plugin_list(&val()?)),
            "--no-build" => o.no_build = true,
            "--install" => o.install = true,
            "--no-doc" => o.write_doc = false,
            "--t2" => o.t2 = Some(PathBuf::from(val()?)),
            "--plugin-dir" => o.plugin_dir = Some(PathBuf::from(val()?)),
            "--min-ratio" => o.min_ratio = Some(val()?.parse().context("--min-ratio")?),
            "--databases" => o.databases_only = true,
            _ => bail!("unknown option {a:?} (see cargo xtask bench --help)"),
        }
    }
    Ok(Some(o))
}

fn have(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Makes sure make_bench.sh's tools exist; installs them when allowed.
fn ensure_tools(install: bool) -> Result<()> {
    let mut pkgs: Vec<&str> = TOOLS
        .iter()
        .filter(|(t, _)| !have(t))
        .map(|(_, p)| *p)
        .collect();
    if !have("python3") {
        pkgs.push("python3");
    }
    pkgs.dedup();
    if pkgs.is_empty() {
        return Ok(());
    }
    let cmd = format!("apt-get install -y {}", pkgs.join(" "));
    let allowed = is_root() && (install || std::env::var_os("CI").is_some());
    if !allowed {
        bail!(
            "missing tools to build the benchmark capture; install them with:\n    sudo {cmd}\n\
             (or run `cargo xtask bench --install` as root)"
        );
    }
    eprintln!("installing: DEBIAN_FRONTEND=noninteractive {cmd}");
    let apt = |args: &[&str]| -> Result<bool> {
        Ok(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()?
            .success())
    };
    let mut args = vec!["install", "-y", "-q"];
    args.extend(&pkgs);
    if !apt(&args)? {
        eprintln!("apt-get install failed; running apt-get update and retrying");
        apt(&["update"])?;
        if !apt(&args)? {
            bail!("{cmd} failed");
        }
    }
    Ok(())
}

fn readme_sha256(shared: &Path) -> Option<String> {
    let t = fs::read_to_string(shared.join("bench").join("README.md")).ok()?;
    let l = t.lines().find(|l| l.contains("SHA-256"))?;
    l.split(|c: char| !c.is_ascii_hexdigit())
        .find(|w| w.len() == 64)
        .map(str::to_lowercase)
}

fn sha256_of(p: &Path) -> Option<String> {
    let o = Command::new("sha256sum")
        .arg(p)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .map(str::to_string)
}

/// Returns the default bench capture, building it when missing.
fn bench_capture(root: &Path, shared: &Path, install: bool) -> Result<PathBuf> {
    let dir = root.join("target").join("bench");
    let pcap = dir.join("bench.pcap");
    let stamp = dir.join("bench.pcap.sha256-ok");
    if !pcap.is_file() {
        ensure_tools(install)?;
        fs::create_dir_all(&dir)?;
        let script = shared.join("bench").join("make_bench.sh");
        let tmp = dir.join("bench.pcap.partial");
        eprintln!(
            "building {} with {} (takes a minute) ...",
            pcap.display(),
            script.display()
        );
        let st = Command::new("bash")
            .arg(&script)
            .arg(&tmp)
            .status()
            .context("running make_bench.sh")?;
        if !st.success() {
            let _ = fs::remove_file(&tmp);
            bail!("make_bench.sh failed ({st})");
        }
        fs::rename(&tmp, &pcap)?;
        let _ = fs::remove_file(&stamp);
    }
    let meta = fs::metadata(&pcap)?;
    let id = format!(
        "{} {}",
        meta.len(),
        meta.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let stamped = fs::read_to_string(&stamp)
        .map(|s| s.lines().nth(1) == Some(id.as_str()))
        .unwrap_or(false);
    if !stamped {
        match (readme_sha256(shared), sha256_of(&pcap)) {
            (Some(want), Some(got)) if want == got => {
                eprintln!("bench.pcap SHA-256 ok ({got})");
                let _ = fs::write(&stamp, format!("{got}\n{id}\n"));
            }
            (Some(want), Some(got)) => eprintln!(
                "warning: bench.pcap SHA-256 {got} differs from the README's {want} \
                 (other tool versions?); the figures are not comparable with the README's"
            ),
            _ => eprintln!("warning: could not verify bench.pcap's SHA-256"),
        }
    }
    Ok(pcap)
}

/// Counts the packets of a classic pcap or pcapng file without reading their data.
pub fn count_packets(p: &Path) -> Result<u64> {
    let mut r = BufReader::with_capacity(
        1 << 20,
        File::open(p).with_context(|| format!("open {}", p.display()))?,
    );
    let mut magic = [0u8; 4];
    r.read_exact(&mut magic)?;
    let m = u32::from_le_bytes(magic);
    let mut n = 0u64;
    match m {
        0xa1b2c3d4 | 0xd4c3b2a1 | 0xa1b23c4d | 0x4d3cb2a1 => {
            let le = m == 0xa1b2c3d4 || m == 0xa1b23c4d;
            r.seek_relative(20)?;
            let mut h = [0u8; 16];
            loop {
                match r.read_exact(&mut h) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e.into()),
                }
                let b = [h[8], h[9], h[10], h[11]];
                let caplen = if le {
                    u32::from_le_bytes(b)
                } else {
                    u32::from_be_bytes(b)
                };
                n += 1;
                r.seek_relative(i64::from(caplen))?;
            }
        }
        0x0a0d0d0a => {
            // pcapng: blocks of (type, total length, ..., total length); count EPB/SPB/PB.
            let mut le = true;
            let mut first = true;
            let mut hdr = [0u8; 8];
            hdr[..4].copy_from_slice(&magic);
            loop {
                if !first {
                    match r.read_exact(&mut hdr) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                        Err(e) => return Err(e.into()),
                    }
                } else {
                    r.read_exact(&mut hdr[4..])?;
                    let mut bom = [0u8; 4];
                    r.read_exact(&mut bom)?;
                    le = u32::from_le_bytes(bom) == 0x1a2b3c4d;
                    r.seek_relative(-4)?;
                }
                let rd = |b: &[u8]| {
                    let a = [b[0], b[1], b[2], b[3]];
                    if le {
                        u32::from_le_bytes(a)
                    } else {
                        u32::from_be_bytes(a)
                    }
                };
                let ty = rd(&hdr[..4]);
                let len = rd(&hdr[4..]);
                if len < 12 {
                    bail!("{}: bad pcapng block length {len}", p.display());
                }
                if matches!(ty, 2 | 3 | 6) {
                    n += 1;
                }
                if ty == 0x0a0d0d0a && !first {
                    let mut bom = [0u8; 4];
                    r.read_exact(&mut bom)?;
                    le = u32::from_le_bytes(bom) == 0x1a2b3c4d;
                    r.seek_relative(-4)?;
                }
                first = false;
                r.seek_relative(i64::from(len) - 8)?;
            }
        }
        _ => bail!("{}: not a pcap/pcapng file", p.display()),
    }
    Ok(n)
}

struct Config {
    label: String,
    /// None = the raw read.
    plugins: Option<Vec<String>>,
    plugin_dir: PathBuf,
    walls: Vec<Duration>,
    rss_kib: Vec<u64>,
    /// Some run wrote no (or an empty) flows file.
    no_output: bool,
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    if v.is_empty() {
        return Duration::ZERO;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2
    }
}

fn fmt_pps(pps: f64) -> String {
    if pps >= 1e6 {
        format!("{:.2} M", pps / 1e6)
    } else if pps >= 1e3 {
        format!("{:.0} k", pps / 1e3)
    } else {
        format!("{pps:.0}")
    }
}

/// The plugins that read data tables, and a sink.
const TABLE_PLUGINS: &str = "basicFlow,macRecorder,portClassifier,protoStats,txtSink";
/// The budget for loading every table at start-up.
const TABLE_LOAD_BUDGET: Duration = Duration::from_millis(50);

/// Start-up cost of the data tables: median wall time of `t2` on the small bundled capture
/// with the plugins that read tables, with their tables in the plugin folder and without
/// (the plugins then print unknown values); the difference is what loading costs. Also the
/// in-process time to open both subnet tables and look one address up (they are mapped, so
/// this does not grow with their size).
fn database_load(root: &Path, t2: Option<&Path>, runs: usize, build: bool) -> Result<String> {
    let set = common::parse_plugin_list(TABLE_PLUGINS);
    let (plugins, missing) = common::resolve_plugins(root, &set)?;
    if !missing.is_empty() {
        bail!("plugins not in the workspace: {}", missing.join(", "));
    }
    if build {
        common::cargo_build(root, &plugins, t2.is_none())?;
    }
    let t2 = match t2 {
        Some(p) => p.to_path_buf(),
        None => common::t2_binary(root)?,
    };
    let work = common::TempDir::new("bench-db")?;
    let with = work.path.join("with");
    let without = work.path.join("without");
    common::install_plugins(root, &plugins, &with)?;
    fs::create_dir_all(&without)?;
    let mut tables = Vec::new();
    for e in fs::read_dir(&with)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".so") {
            fs::copy(e.path(), without.join(&name))?;
        } else {
            tables.push((name, e.metadata()?.len()));
        }
    }
    tables.sort();
    let capture = root.join("testdata/gre-sample.pcap");
    let out = work.path.join("out");
    fs::create_dir_all(&out)?;
    let time_run = |dir: &Path| -> Result<Duration> {
        let mut cmd = Command::new(&t2);
        cmd.arg("-p").arg(dir).arg("-r").arg(&capture).arg("-w").arg(out.join("db")).arg("-l");
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let o = common::run_measured(&mut cmd, Duration::from_secs(60), None)?;
        if !o.success() {
            bail!("t2 failed: {}", o.describe());
        }
        Ok(o.wall)
    };
    // One warm-up each (page cache), then alternating runs.
    time_run(&with)?;
    time_run(&without)?;
    let runs = runs.max(5) * 2;
    let (mut w, mut wo) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        w.push(time_run(&with)?);
        wo.push(time_run(&without)?);
    }
    let (mw, mwo) = (median(&w), median(&wo));
    let cost = mw.saturating_sub(mwo);

    // The subnet tables in-process: open (map) both and look one address up, median of 20.
    let mut opens = Vec::new();
    for _ in 0..20 {
        let t0 = Instant::now();
        let v4 = t2_subnet::Table::open(&with.join(t2_subnet::Family::V4.file_name()))?;
        let v6 = t2_subnet::Table::open(&with.join(t2_subnet::Family::V6.file_name()))?;
        std::hint::black_box((v4.lookup(0x0808_0808).code.len(), v6.lookup(1).code.len()));
        opens.push(t0.elapsed());
    }
    let sizes: Vec<String> = tables
        .iter()
        .map(|(n, b)| format!("`{n}` {:.1} MiB", *b as f64 / (1024.0 * 1024.0)))
        .collect();
    Ok(format!(
        "Start-up cost of the data tables ({}; plugins {TABLE_PLUGINS}; `t2 -r testdata/gre-sample.pcap`, median of {runs} alternating runs): \
         {:.1} ms with the tables, {:.1} ms without: **{:.1} ms** for loading them (budget {} ms: {}). \
         Opening both subnet tables and one lookup in-process: {:.3} ms (median of 20).\n",
        sizes.join(", "),
        mw.as_secs_f64() * 1e3,
        mwo.as_secs_f64() * 1e3,
        cost.as_secs_f64() * 1e3,
        TABLE_LOAD_BUDGET.as_millis(),
        if cost < TABLE_LOAD_BUDGET { "met" } else { "not met" },
        median(&opens).as_secs_f64() * 1e3,
    ))
}

pub fn run(opts: Opts) -> Result<i32> {
    let root = common::workspace_root();
    if opts.databases_only {
        let line = database_load(&root, opts.t2.as_deref(), opts.runs, !opts.no_build)?;
        println!("{line}");
        return Ok(0);
    }
    let shared = common::shared_dir(&root);
    let (capture, is_default) = match &opts.capture {
        Some(c) => (
            c.canonicalize()
                .with_context(|| format!("capture {}", c.display()))?,
            false,
        ),
        None => (bench_capture(&root, &shared, opts.install)?, true),
    };
    if !have("tcpdump") {
        ensure_tools(opts.install)?;
    }
    let packets = count_packets(&capture)?;
    if is_default && packets != BENCH_PACKETS {
        eprintln!("warning: bench.pcap has {packets} packets, the README says {BENCH_PACKETS}");
    }

    // t2 configurations.
    let mut notes: Vec<String> = Vec::new();
    let sets: Vec<Vec<String>> = if opts.plugin_sets.is_empty() {
        // basicFlow + txtSink, then each other default plugin added on its own (its cost),
        // the default set without tcpFlags, and the full default set.
        let mut v = vec![common::parse_plugin_list("basicFlow,txtSink")];
        for p in common::DEFAULT_PLUGINS {
            if p != "basicFlow" && p != "txtSink" && common::resolve_plugins(&root, &[p.to_string()])?.1.is_empty() {
                v.push(common::parse_plugin_list(&format!("basicFlow,{p},txtSink")));
            }
        }
        v.push(common::DEFAULT_PLUGINS.iter().filter(|p| **p != "tcpFlags").map(|p| p.to_string()).collect());
        v.push(common::parse_plugin_list("default"));
        v
    } else {
        opts.plugin_sets.clone()
    };
    let work = common::TempDir::new("bench")?;
    let mut configs = vec![Config {
        label: "`tcpdump -r bench.pcap -w /dev/null` (raw read)".into(),
        plugins: None,
        plugin_dir: PathBuf::new(),
        walls: Vec::new(),
        rss_kib: Vec::new(),
        no_output: false,
    }];
    let mut all_plugins = Vec::new();
    if let Some(d) = &opts.plugin_dir {
        let d = d
            .canonicalize()
            .with_context(|| format!("--plugin-dir {}", d.display()))?;
        configs.push(Config {
            label: format!("t2, plugins of {}", d.display()),
            plugins: Some(Vec::new()),
            plugin_dir: d,
            walls: Vec::new(),
            rss_kib: Vec::new(),
            no_output: false,
        });
    }
    for (i, set) in sets
        .iter()
        .enumerate()
        .filter(|_| opts.plugin_dir.is_none())
    {
        let (found, missing) = common::resolve_plugins(&root, set)?;
        let label = if common::is_basicflow_set(set) {
            "t2, basicFlow + txtSink".to_string()
        } else if common::is_default_set(set) {
            "t2, 10 default plugins".to_string()
        } else if set.len() == 9 && !set.iter().any(|s| s == "tcpFlags") {
            "t2, default set without tcpFlags".to_string()
        } else {
            format!("t2, {}", set.join(" + "))
        };
        if !missing.is_empty() {
            notes.push(format!(
                "skipped \"{label}\": plugin(s) not in the workspace yet: {}",
                missing.join(", ")
            ));
            continue;
        }
        let dir = work.path.join(format!("plugins{i}"));
        all_plugins.extend(found.iter().cloned());
        configs.push(Config {
            label,
            plugins: Some(set.clone()),
            plugin_dir: dir,
            walls: Vec::new(),
            rss_kib: Vec::new(),
            no_output: false,
        });
    }
    let t2 = if configs.len() > 1 {
        all_plugins.sort_by(|a, b| a.name.cmp(&b.name));
        all_plugins.dedup_by(|a, b| a.name == b.name);
        if !opts.no_build {
            common::cargo_build(&root, &all_plugins, opts.t2.is_none())?;
        }
        if opts.plugin_dir.is_none() {
            for c in &configs[1..] {
                let set = c.plugins.as_ref().unwrap();
                let ps: Vec<common::Plugin> = all_plugins
                    .iter()
                    .filter(|p| set.contains(&p.name))
                    .cloned()
                    .collect();
                common::install_plugins(&root, &ps, &c.plugin_dir)?;
            }
        }
        Some(match &opts.t2 {
            Some(p) => p
                .canonicalize()
                .with_context(|| format!("--t2 {}", p.display()))?,
            None => common::t2_binary(&root)?,
        })
    } else {
        None
    };
    for n in &notes {
        eprintln!("note: {n}");
    }

    let out = work.path.join("out");
    let timeout = Duration::from_secs(900);
    let run_one = |c: &mut Config| -> Result<common::RunOutcome> {
        let _ = fs::remove_dir_all(&out);
        fs::create_dir_all(&out)?;
        let mut cmd;
        match (&c.plugins, &t2) {
            (None, _) | (_, None) => {
                cmd = Command::new("tcpdump");
                cmd.arg("-r").arg(&capture).args(["-w", "/dev/null"]);
                cmd.stdout(Stdio::null()).stderr(Stdio::null());
            }
            (Some(_), Some(t2)) => {
                cmd = Command::new(t2);
                cmd.current_dir(&out)
                    .arg("-p")
                    .arg(&c.plugin_dir)
                    .arg("-r")
                    .arg(&capture)
                    .arg("-w")
                    .arg(out.join("bench"))
                    .arg("-l");
                cmd.stdout(Stdio::null())
                    .stderr(File::create(work.path.join("t2.stderr"))?);
            }
        }
        cmd.stdin(Stdio::null());
        let o = common::run_measured(&mut cmd, timeout, None)?;
        if !o.success() {
            let err = fs::read_to_string(work.path.join("t2.stderr")).unwrap_or_default();
            bail!(
                "{} failed ({}): {}",
                c.label,
                o.describe(),
                err.lines().next().unwrap_or("")
            );
        }
        if c.plugins.is_some() {
            let flows = out.join("bench_flows.txt");
            if fs::metadata(&flows).map(|m| m.len() == 0).unwrap_or(true) {
                if !c.no_output {
                    eprintln!(
                        "warning: {} wrote no bench_flows.txt (is t2 complete?)",
                        c.label
                    );
                }
                c.no_output = true;
            }
        }
        Ok(o)
    };

    eprintln!(
        "bench: {} ({packets} packets), {} run(s) of {} command(s), alternating, after 1 warm-up round",
        capture.display(),
        opts.runs,
        configs.len()
    );
    for c in configs.iter_mut() {
        run_one(c)?;
    }
    for i in 0..opts.runs {
        for c in configs.iter_mut() {
            let o = run_one(c)?;
            eprintln!(
                "  run {}/{}: {:<45} {:>8.3} s {:>8.1} MiB",
                i + 1,
                opts.runs,
                c.label,
                o.wall.as_secs_f64(),
                o.max_rss_kib as f64 / 1024.0
            );
            c.walls.push(o.wall);
            c.rss_kib.push(o.max_rss_kib);
        }
    }
    let _ = fs::remove_dir_all(&out);

    let raw = median(&configs[0].walls).as_secs_f64().max(1e-9);
    let raw_pps = packets as f64 / raw;
    let mut rows = Vec::new();
    let mut first_ratio = None;
    let mut bf_ratio = None;
    let mut no_tcpflags_ratio = None;
    let mut default_set = None;
    for c in &configs {
        let w = median(&c.walls).as_secs_f64().max(1e-9);
        let pps = packets as f64 / w;
        let ratio = pps / raw_pps;
        if c.plugins.is_some() && first_ratio.is_none() {
            first_ratio = Some(ratio);
        }
        if c.plugins
            .as_ref()
            .is_some_and(|p| common::is_basicflow_set(p))
        {
            bf_ratio = Some(ratio);
        }
        if c.plugins.as_ref().is_some_and(|p| {
            p.len() == 9 && common::DEFAULT_PLUGINS.iter().filter(|d| **d != "tcpFlags").all(|d| p.iter().any(|x| x == d))
        }) {
            no_tcpflags_ratio = Some(ratio);
        }
        let rss = c.rss_kib.iter().copied().max().unwrap_or(0) as f64 / 1024.0;
        if c.plugins.as_ref().is_some_and(|p| common::is_default_set(p)) {
            default_set = Some((ratio, rss));
        }
        let mn = c
            .walls
            .iter()
            .min()
            .copied()
            .unwrap_or_default()
            .as_secs_f64();
        let mx = c
            .walls
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_secs_f64();
        rows.push(vec![
            if c.no_output {
                format!("{} (**no flows output**)", c.label)
            } else {
                c.label.clone()
            },
            format!("{w:.3}"),
            format!("{mn:.3} – {mx:.3}"),
            fmt_pps(pps),
            if c.plugins.is_none() {
                "1".into()
            } else {
                format!("{ratio:.3}")
            },
            format!("{rss:.1}"),
        ]);
    }
    let table = md_table(
        &[
            "command",
            "median wall s",
            "min – max s",
            "packets/s",
            "ratio to raw read",
            "peak RSS MiB",
        ],
        &rows,
    );
    let m = common::machine();
    let (date, datetime) = common::utc_now();
    let commit = common::git_commit(&root);
    let cap_name = if is_default {
        "bench.pcap (../shared/bench, 342,420 packets)".to_string()
    } else {
        format!("{} ({packets} packets)", capture.display())
    };
    let mut body = String::new();
    body.push_str(&format!(
        "- date: {datetime}, commit `{commit}`\n- capture: {cap_name}\n- machine: {} CPU(s), {}, {:.1} GiB RAM, Linux {}\n\
         - method: median of {} alternating runs per command after one warm-up round; output to a temp dir on disk (`-w DIR/bench -l`); \
         peak RSS = max ru_maxrss (wait4); ratio = packets/s ours / packets/s of the raw read\n\n",
        m.nproc, m.cpu, m.ram_gib, m.kernel, opts.runs
    ));
    body.push_str(&table);
    if configs.iter().any(|c| c.no_output) {
        notes.push("a configuration marked **no flows output** wrote no flows file: its figures do not measure real work".into());
    }
    for n in &notes {
        body.push_str(&format!("\nNote: {n}\n"));
    }
    if let Some(r) = bf_ratio {
        body.push_str(&format!(
            "\nAcceptance (basicFlow + txtSink ratio ≥ 0.6): {} ({r:.3}); the original T2 0.9.3 reaches 0.285 (README).\n",
            if r >= 0.6 { "met" } else { "not met" }
        ));
    }
    if let Some(r) = no_tcpflags_ratio {
        body.push_str(&format!(
            "Acceptance (default set without tcpFlags ratio ≥ 0.30): {} ({r:.3}).\n",
            if r >= 0.3 { "met" } else { "not met" }
        ));
    }
    if let Some((r, rss)) = default_set {
        // (Issue #5: the original reaches 0.077 with 104.5 MiB; ../shared/bench/README.md.)
        body.push_str(&format!(
            "Acceptance (10 default plugins ratio ≥ 0.20, peak RSS ≤ 104.5 MiB): {} ({r:.3}, {rss:.1} MiB); the original T2 0.9.3 reaches 0.077 with 104.5 MiB.\n",
            if r >= 0.2 && rss <= 104.5 { "met" } else { "not met" }
        ));
    }
    if opts.plugin_dir.is_none() && opts.capture.is_none() {
        match database_load(&root, opts.t2.as_deref(), opts.runs, false) {
            Ok(line) => body.push_str(&format!("\n{line}")),
            Err(e) => eprintln!("warning: table loading not measured: {e:#}"),
        }
    }
    println!("\n{body}");

    if opts.write_doc {
        let dir = root.join("docs").join("bench");
        fs::create_dir_all(&dir)?;
        let host: String = m
            .hostname
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!("{date}-{host}.md");
        fs::write(
            dir.join(&name),
            format!("# Benchmark {date} on {host}\n\n{body}"),
        )?;
        let mut files: Vec<String> = fs::read_dir(&dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "README.md")
            .collect();
        files.sort();
        files.reverse();
        let mut readme = String::from(
            "# Benchmarks\n\nGenerated by `cargo xtask bench` (see `../shared/bench/README.md` for the capture and \
             the raw-read baseline). Compare ratios, not seconds.\n\n## Latest\n\n",
        );
        readme.push_str(&body);
        readme.push_str("\n## All runs\n\n");
        for f in files {
            readme.push_str(&format!("- [{f}]({f})\n"));
        }
        fs::write(dir.join("README.md"), readme)?;
        eprintln!("wrote docs/bench/{name} and docs/bench/README.md");
    }
    if let (Some(min), Some(r)) = (opts.min_ratio, first_ratio) {
        if r < min {
            eprintln!("ratio {r:.3} < --min-ratio {min}");
            return Ok(1);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pcap_and_pcapng() {
        let shared = common::shared_dir(&common::workspace_root());
        let p = shared.join("pcaps/ndpi/1kxun.pcap");
        if p.is_file() {
            assert_eq!(count_packets(&p).unwrap(), 1723);
        }
    }

    #[test]
    fn medians() {
        let d = |ms| Duration::from_millis(ms);
        assert_eq!(median(&[d(3), d(1), d(2)]), d(2));
        assert_eq!(
            median(&[d(4), d(1), d(2), d(3)]),
            Duration::from_micros(2500)
        );
    }
}
