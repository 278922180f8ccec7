//! `cargo xtask toggles`: every setting of a plugin's `t2plugin.toml` at each of its other
//! values (set with `t2conf`, built in release mode), run with basicFlow + the plugin + txtSink
//! (`-l -s`) over every capture of the corpus, compared with the default build on the same
//! captures: runs, crashes (panics, signals, timeouts, a plugin disabled by a failure), exit
//! statuses that differ, and which columns and end-report lines change. The per-setting tests
//! with the changes the spec asks for are `tests/it/tcpflags_toggles.rs`; this is the sweep
//! ("each flag toggled ... runs over the corpus without a panic").

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::common::{self, md_table};
use crate::compare;
use crate::conformance::{self, IndexEntry};

pub const HELP: &str = "\
cargo xtask toggles [OPTIONS]

Sets each setting of plugins/PLUGIN/t2plugin.toml to each of its other values (bool: the other
one; a range of at most 4 values: every other value; else the ends of its range, or 0 and the
type's maximum) with t2conf in a scratch copy (target/toggles-PLUGIN/, one package per value),
builds it (cargo build --release), and runs t2 with basicFlow + PLUGIN + txtSink
(t2 -p DIR -r REL -w OUT -l -s, from ../shared/pcaps) over every capture of
../shared/conformance/INDEX.tsv. Each value is compared with the default build on the same
captures: crashes (panic, signal, timeout, plugin disabled) must be 0; the exit status, the
columns of flows.txt and packets.txt and the plugin's end-report lines that change are listed.

Options:
  --plugin NAME      the plugin (default tcpFlags)
  --only FLAG[=V]    only this setting (or value); repeatable
  --filter SUBSTR    only captures whose path contains SUBSTR (repeatable: any matches)
  --jobs N           parallel t2 runs (default 2)
  --timeout SECS     per-run timeout (default 60)
  --no-build         use the existing t2, t2conf, basicFlow and txtSink release builds
  --write-doc        write the results into docs/conformance.md, section
                     \"PLUGIN settings toggled\" (replaced, or appended at the end)
  -h, --help         this help

Exit status: 1 when a value does not build or a run crashed, else 0.
";

#[derive(Debug, Clone)]
pub struct Opts {
    pub plugin: String,
    pub only: Vec<String>,
    pub filters: Vec<String>,
    pub jobs: usize,
    pub timeout: Duration,
    pub no_build: bool,
    pub write_doc: bool,
}

pub fn parse_args(args: &[String]) -> Result<Option<Opts>> {
    let mut o = Opts {
        plugin: "tcpFlags".into(),
        only: Vec::new(),
        filters: Vec::new(),
        jobs: 2,
        timeout: Duration::from_secs(60),
        no_build: false,
        write_doc: false,
    };
    let mut args = common::Args::new(args);
    while let Some(opt) = args.next_opt() {
        let a = opt.arg;
        let mut val = || args.value(&opt);
        match opt.name {
            "-h" | "--help" => return Ok(None),
            "--plugin" => o.plugin = val()?,
            "--only" => o.only.push(val()?),
            "--filter" => o.filters.push(val()?),
            "--jobs" | "-j" => o.jobs = val()?.parse::<usize>().context("--jobs")?.max(1),
            "--timeout" => {
                o.timeout = Duration::from_secs_f64(val()?.parse().context("--timeout")?)
            }
            "--no-build" => o.no_build = true,
            "--write-doc" => o.write_doc = true,
            _ => bail!("unknown option {a:?} (see cargo xtask toggles --help)"),
        }
    }
    Ok(Some(o))
}

// ---------------------------------------------------------------------------------------------
// Settings and their other values
// ---------------------------------------------------------------------------------------------

/// One `[config.FLAG]` table of a t2plugin.toml (the keys this command needs).
#[derive(Debug, Clone, Default, PartialEq)]
struct Setting {
    name: String,
    ty: String,
    default: String,
    range: Option<(i128, i128)>,
    allowed: Option<Vec<String>>,
}

/// The `[config.*]` tables of a t2plugin.toml (a line reader: `key = value` per line, as t2conf
/// writes them; the build checks the file fully).
fn read_settings(text: &str) -> Vec<Setting> {
    let mut out: Vec<Setting> = Vec::new();
    let mut cur: Option<Setting> = None;
    for line in text.lines() {
        let l = line.split(" #").next().unwrap_or("").trim();
        if l.starts_with('[') {
            out.extend(cur.take());
            if let Some(n) = l.strip_prefix("[config.").and_then(|n| n.strip_suffix(']')) {
                cur = Some(Setting {
                    name: n.trim().to_string(),
                    ..Default::default()
                });
            }
            continue;
        }
        let (Some(s), Some((k, v))) = (cur.as_mut(), l.split_once('=')) else {
            continue;
        };
        let v = v.trim();
        let list = |v: &str| -> Vec<String> {
            v.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        match k.trim() {
            "type" => s.ty = v.trim_matches('"').to_string(),
            "default" => s.default = v.to_string(),
            "range" => {
                let r = list(v);
                if let [a, b] = &r[..] {
                    if let (Ok(a), Ok(b)) = (a.parse(), b.parse()) {
                        s.range = Some((a, b));
                    }
                }
            }
            "allowed" => s.allowed = Some(list(v)),
            _ => {}
        }
    }
    out.extend(cur);
    out
}

/// The values other than the default that the sweep builds (empty for floats and strings).
fn other_values(s: &Setting) -> Vec<String> {
    let ty_bounds = |ty: &str| -> Option<(i128, i128)> {
        Some(match ty {
            "u8" => (0, u8::MAX as i128),
            "u16" => (0, u16::MAX as i128),
            "u32" => (0, u32::MAX as i128),
            "u64" => (0, u64::MAX as i128),
            "i32" => (i32::MIN as i128, i32::MAX as i128),
            "i64" => (i64::MIN as i128, i64::MAX as i128),
            _ => return None,
        })
    };
    let mut v: Vec<String> = if s.ty == "bool" {
        vec!["true".into(), "false".into()]
    } else if let Some(a) = &s.allowed {
        a.clone()
    } else if let Some((lo, hi)) = s.range.or_else(|| ty_bounds(&s.ty)) {
        if hi - lo <= 3 {
            (lo..=hi).map(|x| x.to_string()).collect()
        } else if s.range.is_none() && lo == 0 {
            // (No range: 0 and the type's maximum.)
            vec!["0".into(), hi.to_string()]
        } else {
            vec![lo.to_string(), hi.to_string()]
        }
    } else {
        Vec::new()
    };
    v.retain(|x| *x != s.default);
    v.dedup();
    v
}

// ---------------------------------------------------------------------------------------------
// Building the values
// ---------------------------------------------------------------------------------------------

/// Writes `bytes` to `path` unless it already holds them (so cargo rebuilds only what changed).
fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).ok().as_deref() != Some(bytes) {
        fs::create_dir_all(path.parent().context("no parent")?)?;
        fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn mirror(from: &Path, to: &Path) -> Result<()> {
    for e in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let e = e?;
        let dst = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            mirror(&e.path(), &dst)?;
        } else {
            put(&dst, &fs::read(e.path())?)?;
        }
    }
    Ok(())
}

/// The package name in a Cargo.toml's `[package]` table.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_pkg = false;
    for l in manifest.lines() {
        let l = l.trim();
        if l.starts_with('[') {
            in_pkg = l == "[package]";
        } else if in_pkg {
            if let Some(v) = l
                .strip_prefix("name")
                .map(str::trim_start)
                .and_then(|v| v.strip_prefix('='))
            {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The scratch workspace's manifest: the packages, the SDK crates by path, the real workspace's
/// lints and profiles.
fn workspace_manifest(root: &Path, members: &[String]) -> Result<String> {
    let real = fs::read_to_string(root.join("Cargo.toml"))?;
    let section = |from: &str, to: Option<&str>| -> Result<String> {
        let a = real
            .find(from)
            .with_context(|| format!("{from} in Cargo.toml"))?;
        let b = to
            .and_then(|t| real[a..].find(t).map(|i| a + i))
            .unwrap_or(real.len());
        Ok(real[a..b].to_string())
    };
    let lints = section("[workspace.lints.rust]", Some("[workspace.dependencies]"))?;
    let profiles = section("[profile.", None)?;
    let crates = root.join("crates");
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    Ok(format!(
        "# Generated by `cargo xtask toggles`: one package per setting value.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
         [workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"GPL-2.0-or-later\"\n\n\
         {lints}\n[workspace.dependencies]\nt2-abi = {{ path = {:?} }}\nt2-plugin = {{ path = {:?} }}\n\n{profiles}",
        members.join(", "),
        crates.join("t2-abi"),
        crates.join("t2-plugin"),
    ))
}

/// One value to build and run: `default` or `FLAG=VALUE`.
struct Variant {
    key: String,
    package: String,
    /// The built library, or why it did not build.
    lib: Result<PathBuf, String>,
}

/// Writes the scratch workspace (the plugin's sources, t2plugin.toml edited by t2conf) and
/// builds each value with its own cargo invocation.
fn build_variants(root: &Path, plugin: &str, keys: &[String]) -> Result<Vec<Variant>> {
    let src = root.join("plugins").join(plugin);
    let base = common::target_dir(root).join(format!("toggles-{plugin}"));
    let t2conf = common::target_dir(root).join("release").join("t2conf");
    let manifest = fs::read_to_string(src.join("Cargo.toml"))?;
    let pkg =
        package_name(&manifest).with_context(|| format!("{}: no package name", src.display()))?;
    let mut variants = Vec::new();
    for key in keys {
        let package = format!("{pkg}_{}", key.replace('=', "_").replace('-', "m"));
        let dir = base.join(&package);
        mirror(&src.join("src"), &dir.join("src"))?;
        if src.join("build.rs").is_file() {
            put(&dir.join("build.rs"), &fs::read(src.join("build.rs"))?)?;
        }
        let m = manifest.replacen(
            &format!("name = \"{pkg}\""),
            &format!("name = \"{package}\""),
            1,
        );
        put(&dir.join("Cargo.toml"), m.as_bytes())?;
        let stage = base.join("stage").join(&package);
        put(&stage.join("Cargo.toml"), m.as_bytes())?;
        fs::write(
            stage.join("t2plugin.toml"),
            fs::read(src.join("t2plugin.toml"))?,
        )?;
        if key != "default" {
            let o = Command::new(&t2conf)
                .arg(&stage)
                .args(["-D", key])
                .env("HOME", &base)
                .env("T2_LOG_COLOR", "0")
                .output()
                .with_context(|| format!("running {}", t2conf.display()))?;
            if !o.status.success() {
                bail!(
                    "t2conf {} -D {key}: {}",
                    stage.display(),
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
        put(
            &dir.join("t2plugin.toml"),
            &fs::read(stage.join("t2plugin.toml"))?,
        )?;
        variants.push(Variant {
            key: key.clone(),
            package,
            lib: Err(String::new()),
        });
    }
    let members: Vec<String> = variants.iter().map(|v| v.package.clone()).collect();
    put(
        &base.join("Cargo.toml"),
        workspace_manifest(root, &members)?.as_bytes(),
    )?;
    put(
        &base.join("Cargo.lock"),
        &fs::read(root.join("Cargo.lock"))?,
    )?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for v in &mut variants {
        let t = Instant::now();
        let o = Command::new(&cargo)
            .current_dir(&base)
            .args(["build", "--release", "--quiet", "-p", &v.package])
            .env("CARGO_TARGET_DIR", common::target_dir(root))
            .stdin(Stdio::null())
            .output()
            .context("running cargo build")?;
        let lib = common::target_dir(root)
            .join("release")
            .join(format!("lib{}.so", v.package));
        v.lib = if o.status.success() && lib.is_file() {
            Ok(lib)
        } else {
            let err = String::from_utf8_lossy(&o.stderr);
            let first = err
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo build failed");
            Err(first.to_string())
        };
        eprintln!(
            "  built {} ({:.0} s): {}",
            v.key,
            t.elapsed().as_secs_f64(),
            if v.lib.is_ok() { "ok" } else { "FAILED" }
        );
    }
    Ok(variants)
}

// ---------------------------------------------------------------------------------------------
// Running and comparing
// ---------------------------------------------------------------------------------------------

/// A table's columns removed, added and changed (table name first).
type TableChange = (&'static str, Vec<String>, Vec<String>, Vec<String>);
/// Per table: columns removed, added, and changed (with the number of captures).
type TableAgg = (BTreeSet<String>, BTreeSet<String>, BTreeMap<String, usize>);

/// The outcome of one capture with one value, compared with the default build's.
#[derive(Debug, Default)]
struct CaptureCmp {
    crash: Option<String>,
    status_differs: bool,
    rows_differ: bool,
    /// (table, removed, added, changed columns)
    tables: Vec<TableChange>,
    /// Keys of the plugin's report lines that differ.
    report: Vec<String>,
}

fn run_one(
    t2: &Path,
    pcaps: &Path,
    dir: &Path,
    rel: &str,
    prefix: &Path,
    timeout: Duration,
) -> Result<common::RunOutcome> {
    if let Some(p) = prefix.parent() {
        fs::create_dir_all(p)?;
    }
    let stdout = File::create(with_suffix(prefix, ".t2.stdout"))?;
    let stderr = File::create(with_suffix(prefix, ".t2.stderr"))?;
    let mut cmd = Command::new(t2);
    cmd.current_dir(pcaps)
        .arg("-p")
        .arg(dir)
        .arg("-r")
        .arg(rel)
        .arg("-w")
        .arg(prefix)
        .args(["-l", "-s"]);
    cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    common::run_measured(&mut cmd, timeout, Some(4 << 20))
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Why a run counts as a crash, if it does.
fn crash_of(run: &common::RunOutcome, prefix: &Path) -> Option<String> {
    if run.timed_out || run.rss_killed || run.signal.is_some() {
        return Some(run.describe());
    }
    for f in [
        with_suffix(prefix, ".t2.stderr"),
        with_suffix(prefix, ".t2.stdout"),
        conformance::our_file(prefix, "log.txt"),
    ] {
        let text = fs::read_to_string(&f).unwrap_or_default();
        if let Some(l) = text
            .lines()
            .find(|l| l.contains("panic") || l.contains("disabled for the rest of the run"))
        {
            return Some(compare::strip_ansi(l).chars().take(160).collect());
        }
    }
    None
}

/// The plugin's end-report lines (`PLUGIN: ...`, colours removed).
fn report_lines(prefix: &Path, plugin: &str) -> Vec<String> {
    let tag = format!("{plugin}: ");
    fs::read_to_string(conformance::our_file(prefix, "log.txt"))
        .unwrap_or_default()
        .lines()
        .map(compare::strip_ansi)
        .filter(|l| l.starts_with(&tag))
        .collect()
}

/// The label of a report line: `Aggregated NAME`, or the text before `: `, without the
/// plugin's tag and digits.
fn report_key(line: &str) -> String {
    let rest = line.split_once(": ").map_or(line, |x| x.1);
    let k = if rest.starts_with("Aggregated ") {
        rest.split('=').next()
    } else {
        rest.split(": ").next()
    };
    k.unwrap_or(rest)
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim()
        .to_string()
}

fn compare_with_default(
    def: &Path,
    var: &Path,
    def_run: &common::RunOutcome,
    var_run: &common::RunOutcome,
    plugin: &str,
) -> Result<CaptureCmp> {
    let mut c = CaptureCmp {
        crash: crash_of(var_run, var),
        status_differs: def_run.code != var_run.code,
        ..Default::default()
    };
    if c.crash.is_some() || !def_run.success() || !var_run.success() {
        return Ok(c);
    }
    for table in ["flows.txt", "packets.txt"] {
        let (df, vf) = (
            conformance::our_file(def, table),
            conformance::our_file(var, table),
        );
        if !df.is_file() || !vf.is_file() {
            continue;
        }
        let d = compare::compare_table(
            BufReader::new(File::open(&df)?),
            BufReader::new(File::open(&vf)?),
            &|_| false,
            0,
        )?;
        c.rows_differ |= d.ref_rows != d.our_rows;
        let mut changed: Vec<String> = d.columns.keys().cloned().collect();
        changed.sort();
        c.tables.push((
            if table == "flows.txt" {
                "flows"
            } else {
                "packets"
            },
            d.missing_columns,
            d.extra_columns,
            changed,
        ));
    }
    let (dl, vl) = (report_lines(def, plugin), report_lines(var, plugin));
    if dl != vl {
        let ds: BTreeSet<&String> = dl.iter().collect();
        let vs: BTreeSet<&String> = vl.iter().collect();
        let mut keys: BTreeSet<String> = BTreeSet::new();
        for l in ds.symmetric_difference(&vs) {
            keys.insert(report_key(l));
        }
        c.report = keys.into_iter().collect();
    }
    Ok(c)
}

/// What one value did over the corpus.
#[derive(Debug, Default)]
struct Summary {
    runs: usize,
    crashes: Vec<(String, String)>,
    status_differs: Vec<String>,
    rows_differ: Vec<String>,
    /// table -> (removed, added, changed column -> captures)
    tables: BTreeMap<&'static str, TableAgg>,
    report: BTreeMap<String, usize>,
}

/// Runs the captures with `dir` (in parallel), each compared with the default's output under
/// `def_out` (or, for the default itself, only checked for crashes and kept).
fn sweep(
    o: &Opts,
    t2: &Path,
    pcaps: &Path,
    index: &[IndexEntry],
    dir: &Path,
    out: &Path,
    def_out: Option<(&Path, &[common::RunOutcome])>,
) -> Result<(Summary, Vec<common::RunOutcome>)> {
    let next = AtomicUsize::new(0);
    let runs: Mutex<Vec<Option<common::RunOutcome>>> = Mutex::new(vec![None; index.len()]);
    let sum: Mutex<Summary> = Mutex::new(Summary::default());
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|sc| {
        for _ in 0..o.jobs.min(index.len()) {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(e) = index.get(i) else { return };
                    let prefix = out.join(&e.path);
                    let res =
                        run_one(t2, pcaps, dir, &e.path, &prefix, o.timeout).and_then(|run| {
                            let mut s = sum.lock().unwrap();
                            s.runs += 1;
                            match def_out {
                                None => {
                                    if let Some(why) = crash_of(&run, &prefix) {
                                        s.crashes.push((e.path.clone(), why));
                                    }
                                }
                                Some((d, druns)) => {
                                    drop(s);
                                    let c = compare_with_default(
                                        &d.join(&e.path),
                                        &prefix,
                                        &druns[i],
                                        &run,
                                        &o.plugin,
                                    )?;
                                    conformance::cleanup(&prefix);
                                    let mut s = sum.lock().unwrap();
                                    if let Some(why) = c.crash {
                                        s.crashes.push((e.path.clone(), why));
                                    }
                                    if c.status_differs {
                                        s.status_differs.push(e.path.clone());
                                    }
                                    if c.rows_differ {
                                        s.rows_differ.push(e.path.clone());
                                    }
                                    for (t, rem, add, changed) in c.tables {
                                        let agg = s.tables.entry(t).or_default();
                                        agg.0.extend(rem);
                                        agg.1.extend(add);
                                        for col in changed {
                                            *agg.2.entry(col).or_default() += 1;
                                        }
                                    }
                                    for k in c.report {
                                        *s.report.entry(k).or_default() += 1;
                                    }
                                }
                            }
                            Ok(run)
                        });
                    match res {
                        Ok(run) => runs.lock().unwrap()[i] = Some(run),
                        Err(err) => {
                            failure.lock().unwrap().get_or_insert(err);
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
    let runs = runs
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    Ok((sum.into_inner().unwrap(), runs))
}

fn list(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "-".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn counted(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        "-".into()
    } else {
        map.iter()
            .map(|(c, n)| format!("{c} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The sections of an old docs/conformance.md that `cargo xtask conformance` keeps when it
/// rewrites the file: those written by this command (`## NAME settings toggled`).
pub fn kept_sections(doc: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in doc.split_inclusive('\n') {
        if line.starts_with("## ") {
            keep = line.trim_end().ends_with(" settings toggled");
            if keep {
                out.push('\n');
            }
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

/// `doc` with the section titled `title` replaced by `section` (appended at the end if new).
fn replace_section(doc: &str, title: &str, section: &str) -> String {
    let head = format!("## {title}\n");
    match doc.find(&format!("\n{head}")) {
        Some(a) => {
            let a = a + 1;
            let end = doc[a + head.len()..]
                .find("\n## ")
                .map_or(doc.len(), |i| a + head.len() + i);
            format!("{}{section}{}", &doc[..a], &doc[end..])
        }
        None => format!(
            "{}\n{section}",
            doc.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

pub fn run(o: Opts) -> Result<i32> {
    let root = common::workspace_root();
    let shared = common::shared_dir(&root);
    let pcaps = shared
        .join("pcaps")
        .canonicalize()
        .with_context(|| format!("{}/pcaps", shared.display()))?;
    let mut index = conformance::read_index(&shared.join("conformance"))?;
    if !o.filters.is_empty() {
        index.retain(|e| o.filters.iter().any(|f| e.path.contains(f.as_str())));
    }
    if index.is_empty() {
        bail!("no capture selected");
    }
    let toml = root.join("plugins").join(&o.plugin).join("t2plugin.toml");
    let settings = read_settings(
        &fs::read_to_string(&toml).with_context(|| format!("reading {}", toml.display()))?,
    );
    let mut keys = vec!["default".to_string()];
    let mut skipped = Vec::new();
    for s in &settings {
        let vals = other_values(s);
        if vals.is_empty() {
            skipped.push(s.name.clone());
        }
        for v in vals {
            let k = format!("{}={v}", s.name);
            if o.only.is_empty() || o.only.iter().any(|x| *x == s.name || *x == k) {
                keys.push(k);
            }
        }
    }
    let others: Vec<String> = ["basicFlow", "txtSink"]
        .iter()
        .filter(|p| **p != o.plugin)
        .map(|p| p.to_string())
        .collect();
    let (base_plugins, missing) = common::resolve_plugins(&root, &others)?;
    if !missing.is_empty() {
        bail!("missing plugins: {}", missing.join(", "));
    }
    if !o.no_build {
        common::cargo_build(&root, &base_plugins, true)?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let st = Command::new(cargo)
            .current_dir(&root)
            .args(["build", "--release", "-p", "t2-build", "--bin", "t2conf"])
            .status()?;
        if !st.success() {
            bail!("building t2conf failed");
        }
    }
    let t2 = common::t2_binary(&root)?;
    let started = Instant::now();
    eprintln!(
        "toggles: {} value(s) of {} ({} setting(s)), {} capture(s)",
        keys.len() - 1,
        o.plugin,
        settings.len(),
        index.len()
    );
    let variants = build_variants(&root, &o.plugin, &keys)?;
    let number = settings_number(&root, &o.plugin)?;

    let work = common::TempDir::new("toggles")?;
    let mut rows = Vec::new();
    let mut bad = 0;
    let mut def: Option<(PathBuf, Vec<common::RunOutcome>)> = None;
    for v in &variants {
        let lib = match &v.lib {
            Ok(l) => l,
            Err(e) => {
                bad += 1;
                rows.push(vec![
                    format!("`{}`", v.key),
                    format!("FAILED: {e}"),
                    "0".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ]);
                continue;
            }
        };
        let dir = work.path.join("plugins").join(v.key.replace('=', "_"));
        common::install_plugins(&root, &base_plugins, &dir)?;
        fs::copy(lib, dir.join(format!("{number:03}_{}.so", o.plugin)))?;
        let out = work.path.join("out").join(v.key.replace('=', "_"));
        let t = Instant::now();
        let (s, runs) = sweep(
            &o,
            &t2,
            &pcaps,
            &index,
            &dir,
            &out,
            def.as_ref().map(|(p, r)| (p.as_path(), r.as_slice())),
        )?;
        eprintln!(
            "  {}: {} run(s), {} crash(es), {:.0} s",
            v.key,
            s.runs,
            s.crashes.len(),
            t.elapsed().as_secs_f64()
        );
        for (p, why) in s.crashes.iter().take(5) {
            eprintln!("    crash: {p}: {why}");
        }
        bad += usize::from(!s.crashes.is_empty());
        let t = |name: &str| s.tables.get(name);
        let rem_add =
            |name: &str| t(name).map_or("-".into(), |x| format!("{} / {}", list(&x.0), list(&x.1)));
        let changed = |name: &str| t(name).map_or("-".into(), |x| counted(&x.2));
        if v.key == "default" {
            rows.push(vec![
                "default".into(),
                "ok".into(),
                s.runs.to_string(),
                s.crashes.len().to_string(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
            def = Some((out, runs));
        } else {
            rows.push(vec![
                format!("`{}`", v.key),
                "ok".into(),
                s.runs.to_string(),
                s.crashes.len().to_string(),
                format!(
                    "{}{}",
                    s.status_differs.len(),
                    if s.rows_differ.is_empty() {
                        String::new()
                    } else {
                        format!(" (flow rows: {})", s.rows_differ.len())
                    }
                ),
                rem_add("flows"),
                changed("flows"),
                rem_add("packets"),
                changed("packets"),
                counted(&s.report),
            ]);
        }
    }
    let (date, datetime) = common::utc_now();
    let commit = common::git_commit(&root);
    let mut md = format!("## {} settings toggled\n\n", o.plugin);
    md.push_str(&format!(
        "Generated by `cargo xtask toggles --plugin {}` on {datetime} ({date}), commit `{commit}`, in {:.0} s. \
         Each setting of `plugins/{}/t2plugin.toml` at each other value (bool: the other; a range of at most \
         4 values: every other value; else the ends of the range, or 0 and the type's maximum) was set with \
         `t2conf`, built in release mode and run with basicFlow + {} + txtSink (`t2 -l -s`) over every capture \
         of `../shared/conformance/INDEX.tsv` ({} captures{}). Each value is compared with the default build \
         on the same captures: *crashes* are panics, signals, timeouts or the plugin disabled by a failure \
         (must be 0); *exit ≠* counts captures whose exit status differs from the default's; the columns \
         removed / added, the columns with differing cells (in how many captures) and the end-report lines \
         that differ (by label, digits left out; in how many captures). The changes each setting must make \
         are checked by `tests/it/tcpflags_toggles.rs`.{}\n\n",
        o.plugin,
        started.elapsed().as_secs_f64(),
        o.plugin,
        o.plugin,
        index.len(),
        if o.filters.is_empty() { String::new() } else { format!(", filter {:?}", o.filters) },
        if skipped.is_empty() { String::new() } else { format!(" Not toggled (no integer or bool type): {}.", skipped.join(", ")) },
    ));
    md.push_str(&md_table(
        &[
            "value",
            "build",
            "captures run",
            "crashes",
            "exit ≠",
            "flows.txt: removed / added",
            "flows.txt: changed (captures)",
            "packets.txt: removed / added",
            "packets.txt: changed (captures)",
            "report lines changed (captures)",
        ],
        &rows,
    ));
    println!("{md}");
    if o.write_doc {
        let p = root.join("docs").join("conformance.md");
        let doc = fs::read_to_string(&p).unwrap_or_default();
        fs::write(
            &p,
            replace_section(&doc, &format!("{} settings toggled", o.plugin), &md),
        )?;
        eprintln!("wrote {}", p.display());
    }
    Ok(i32::from(bad > 0))
}

/// The plugin's number (its file name prefix).
fn settings_number(root: &Path, plugin: &str) -> Result<u32> {
    let (p, _) = common::resolve_plugins(root, &[plugin.to_string()])?;
    p.first()
        .map(|p| p.number)
        .with_context(|| format!("plugins/{plugin} not found"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "[plugin]\nname = \"x\"\n\n[config.A]\nvalue = 0\ndefault = 0\ntype = \"u8\"\nrange = [0, 2]\n\n\
        [config.B]\nvalue = 1\ndefault = 1\ntype = \"u32\"\ndoc = \"x\"\n\n[config.C]\nvalue = 20\ndefault = 20\ntype = \"u8\"\nrange = [1, 40]\n\n\
        [config.D]\nvalue = true\ndefault = true\ntype = \"bool\"\n\n[config.E]\nvalue = \"a\"\ndefault = \"a\"\ntype = \"str\"\n";

    #[test]
    fn values_of_each_setting() {
        let s = read_settings(TOML);
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "D", "E"]);
        assert_eq!(other_values(&s[0]), ["1", "2"]);
        assert_eq!(other_values(&s[1]), ["0", "4294967295"]);
        assert_eq!(other_values(&s[2]), ["1", "40"]);
        assert_eq!(other_values(&s[3]), ["false"]);
        assert!(other_values(&s[4]).is_empty());
    }

    #[test]
    fn sections_are_replaced_or_appended_and_kept() {
        let doc = "# T\n\n## Summary\n\nx\n";
        let a = replace_section(doc, "p settings toggled", "## p settings toggled\n\nv1\n");
        assert_eq!(a, "# T\n\n## Summary\n\nx\n\n## p settings toggled\n\nv1\n");
        let b = replace_section(&a, "p settings toggled", "## p settings toggled\n\nv2\n");
        assert_eq!(b, "# T\n\n## Summary\n\nx\n\n## p settings toggled\n\nv2\n");
        let c = replace_section(
            "# T\n\n## p settings toggled\n\nv1\n\n## Other\n\ny\n",
            "p settings toggled",
            "## p settings toggled\n\nv2\n",
        );
        assert_eq!(c, "# T\n\n## p settings toggled\n\nv2\n\n## Other\n\ny\n");
        assert_eq!(kept_sections(&b), "\n## p settings toggled\n\nv2\n");
        assert_eq!(kept_sections(doc), "");
    }

    #[test]
    fn report_keys() {
        assert_eq!(
            report_key("tcpFlags: Aggregated tcpFStat=0x0013"),
            "Aggregated tcpFStat"
        );
        assert_eq!(
            report_key("tcpFlags: Number WinSz below 1: 2 [40.00%]"),
            "Number WinSz below"
        );
    }
}
