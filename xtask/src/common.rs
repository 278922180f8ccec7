//! Shared helpers: workspace paths, building t2 and plugins, a plugin folder, running a child
//! process with a timeout and measuring its peak RSS (wait4), dates, machine information.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The 10 plugins of T2's default set.
pub const DEFAULT_PLUGINS: [&str; 10] = [
    "protoStats",
    "basicFlow",
    "macRecorder",
    "portClassifier",
    "basicStats",
    "tcpFlags",
    "tcpStates",
    "icmpDecode",
    "connStat",
    "txtSink",
];

/// T2's plugin numbers, used when a plugin has no readable t2plugin.toml yet.
const KNOWN_NUMBERS: [(&str, u32); 13] = [
    ("protoStats", 1),
    ("basicFlow", 100),
    ("macRecorder", 110),
    ("portClassifier", 111),
    ("basicStats", 120),
    ("tcpFlags", 130),
    ("tcpStates", 132),
    ("icmpDecode", 140),
    ("connStat", 500),
    ("binSink", 900),
    ("txtSink", 901),
    ("jsonSink", 903),
    ("pcapd", 950),
];

/// Workspace root (xtask lives in `<root>/xtask`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `../shared` beside the workspace, or `$T2_SHARED`.
pub fn shared_dir(root: &Path) -> PathBuf {
    match std::env::var_os("T2_SHARED") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => root.join("..").join("shared"),
    }
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_absolute() { p } else { root.join(p) }
        }
        _ => root.join("target"),
    }
}

/// The options of an xtask command, one at a time: `--flag value`, `--flag=value` or a bare
/// flag. The commands match [`Opt::name`] and ask [`Args::value`] for the value of the flags
/// that take one, so every command reads its options the same way.
pub struct Args<'a> {
    it: std::slice::Iter<'a, String>,
}

/// One option as given: its name (`--flag` of `--flag=value`) and the argument itself.
pub struct Opt<'a> {
    pub name: &'a str,
    pub arg: &'a str,
    inline: Option<&'a str>,
}

impl<'a> Args<'a> {
    pub fn new(args: &'a [String]) -> Self {
        Args { it: args.iter() }
    }

    pub fn next_opt(&mut self) -> Option<Opt<'a>> {
        let arg = self.it.next()?.as_str();
        Some(match arg.split_once('=') {
            Some((name, v)) if name.starts_with("--") => Opt { name, arg, inline: Some(v) },
            _ => Opt { name: arg, arg, inline: None },
        })
    }

    /// The value of `opt`: after its `=`, or the next argument.
    pub fn value(&mut self, opt: &Opt<'_>) -> Result<String> {
        match opt.inline {
            Some(v) => Ok(v.to_string()),
            None => self
                .it
                .next()
                .cloned()
                .with_context(|| format!("{} needs a value", opt.name)),
        }
    }
}

/// Parses `--plugins` values: a comma list, or `default` for T2's 10 default plugins.
pub fn parse_plugin_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if p == "default" {
            out.extend(DEFAULT_PLUGINS.iter().map(|s| s.to_string()));
        } else {
            out.push(p.to_string());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// True if the set is exactly basicFlow + txtSink.
pub fn is_basicflow_set(plugins: &[String]) -> bool {
    let mut v: Vec<&str> = plugins.iter().map(String::as_str).collect();
    v.sort_unstable();
    v == ["basicFlow", "txtSink"]
}

/// True if the set is exactly T2's 10 default plugins.
pub fn is_default_set(plugins: &[String]) -> bool {
    let mut v: Vec<&str> = plugins.iter().map(String::as_str).collect();
    v.sort_unstable();
    let mut d = DEFAULT_PLUGINS.to_vec();
    d.sort_unstable();
    v == d
}

/// A plugin of the workspace.
#[derive(Debug, Clone)]
pub struct Plugin {
    pub name: String,
    pub number: u32,
}

/// Minimal reader for `[plugin]` `number = N` of t2plugin.toml (no full TOML needed).
fn toml_plugin_number(text: &str) -> Option<u32> {
    let mut in_plugin = false;
    for line in text.lines() {
        let l = line.split('#').next().unwrap_or("").trim();
        if l.starts_with('[') {
            in_plugin = l == "[plugin]";
            continue;
        }
        if in_plugin {
            if let Some((k, v)) = l.split_once('=') {
                if k.trim() == "number" {
                    return v.trim().trim_matches('"').parse().ok();
                }
            }
        }
    }
    None
}

/// Finds each plugin under `<root>/plugins/<name>` and its number (t2plugin.toml, else T2's).
pub fn resolve_plugins(root: &Path, names: &[String]) -> Result<(Vec<Plugin>, Vec<String>)> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        let dir = root.join("plugins").join(name);
        if !dir.join("Cargo.toml").is_file() {
            missing.push(name.clone());
            continue;
        }
        let toml = dir.join("t2plugin.toml");
        let number = match fs::read_to_string(&toml)
            .ok()
            .and_then(|t| toml_plugin_number(&t))
        {
            Some(n) => n,
            None => {
                let n = KNOWN_NUMBERS
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, n)| *n);
                match n {
                    Some(n) => {
                        eprintln!(
                            "note: {} has no [plugin] number; using T2's number {n:03}",
                            toml.display()
                        );
                        n
                    }
                    None => bail!("{}: no [plugin] number", toml.display()),
                }
            }
        };
        found.push(Plugin {
            name: name.clone(),
            number,
        });
    }
    Ok((found, missing))
}

/// `cargo build --release -p t2-cli -p <plugin>...` in the workspace.
pub fn cargo_build(root: &Path, plugins: &[Plugin], t2: bool) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut args: Vec<&str> = vec!["build", "--release"];
    if t2 {
        args.extend(["-p", "t2-cli"]);
    }
    for p in plugins {
        args.extend(["-p", &p.name]);
    }
    if args.len() == 2 {
        return Ok(());
    }
    eprintln!("building: cargo {}", args.join(" "));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args(&args);
    let st = cmd.status().context("running cargo build")?;
    if !st.success() {
        bail!("cargo build failed ({st})");
    }
    Ok(())
}

/// The release `t2` binary.
pub fn t2_binary(root: &Path) -> Result<PathBuf> {
    let p = target_dir(root).join("release").join("t2");
    if !p.is_file() {
        bail!(
            "{} not found (build first, or drop --no-build)",
            p.display()
        );
    }
    Ok(p)
}

/// Copies `lib<name>.so` of each plugin to `<dir>/NNN_<name>.so`.
pub fn install_plugins(root: &Path, plugins: &[Plugin], dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    let rel = target_dir(root).join("release");
    for p in plugins {
        let mut src = rel.join(format!("lib{}.so", p.name));
        if !src.is_file() {
            let alt = rel.join(format!("lib{}.so", p.name.replace('-', "_")));
            if alt.is_file() {
                src = alt;
            } else {
                bail!(
                    "{} not found (is plugins/{} a cdylib?)",
                    src.display(),
                    p.name
                );
            }
        }
        let dst = dir.join(format!("{:03}_{}.so", p.number, p.name));
        fs::copy(&src, &dst)
            .with_context(|| format!("copy {} -> {}", src.display(), dst.display()))?;
    }
    install_name_tables(plugins, dir)
}

/// t2build's generator of the name tables (MAC manufacturers, ports, protocols, ethertypes),
/// compiled in from its source: the plugin folders built here get the same tables as one
/// `t2build` fills.
#[allow(dead_code)]
#[path = "../../t2-build/src/data/mod.rs"]
pub(crate) mod data;

/// Writes the name tables the plugins of `plugins` read into `dir`, as `t2build` does when it
/// installs them; a table whose packaged source is missing is reported and left out (the
/// plugin then prints its unknown values).
///
/// The tables are generated by a child xtask process: building the subnet tables takes a
/// few hundred MiB, and a process's peak RSS is inherited by every child it forks and
/// executes afterwards (Linux carries the RSS high-water mark across exec), so doing it here
/// would inflate every peak RSS the benchmark measures later.
pub fn install_name_tables(plugins: &[Plugin], dir: &Path) -> Result<()> {
    let names: Vec<&str> = plugins
        .iter()
        .filter(|p| !data::tables_of_plugin(&p.name).is_empty())
        .map(|p| p.name.as_str())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let status = Command::new(std::env::current_exe()?)
        .arg(TABLES_CHILD)
        .arg(dir)
        .args(&names)
        .status()
        .context("starting the table generator")?;
    if !status.success() {
        bail!("writing the name tables into {} failed", dir.display());
    }
    Ok(())
}

/// The hidden xtask command [`install_name_tables`] runs.
pub const TABLES_CHILD: &str = "__install-name-tables";

/// [`TABLES_CHILD`] `DIR PLUGIN...`: writes the tables of those plugins into `DIR`.
pub fn install_name_tables_here(args: &[String]) -> Result<i32> {
    let Some((dir, names)) = args.split_first() else { bail!("{TABLES_CHILD} DIR PLUGIN...") };
    let dir = Path::new(dir);
    let kinds: Vec<data::TableKind> =
        names.iter().flat_map(|n| data::tables_of_plugin(n).iter().copied()).collect();
    let done = data::install(dir, &kinds, &data::Sources::system())
        .with_context(|| format!("writing the name tables into {}", dir.display()))?;
    for d in done {
        if let data::Installed::Missing(kind, why) = d {
            eprintln!("warning: {} not generated: {why}", kind.file_name());
        }
    }
    Ok(0)
}

/// A fresh directory under the system temp dir (removed by [`TempDir`]'s drop unless kept).
#[derive(Debug)]
pub struct TempDir {
    pub path: PathBuf,
    pub keep: bool,
}

impl TempDir {
    pub fn new(tag: &str) -> Result<TempDir> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = base.join(format!("t2rs-{tag}-{}-{nanos:x}", std::process::id()));
        fs::create_dir_all(&path).with_context(|| format!("create {}", path.display()))?;
        Ok(TempDir { path, keep: false })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// How a measured child ended.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    /// Exit code if it exited normally.
    pub code: Option<i32>,
    /// Signal number if killed by a signal.
    pub signal: Option<i32>,
    pub timed_out: bool,
    /// Killed by the harness for exceeding the RSS kill limit.
    pub rss_killed: bool,
    /// Peak resident set size (KiB) from wait4's rusage.
    pub max_rss_kib: u64,
    pub wall: Duration,
}

impl RunOutcome {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
    pub fn describe(&self) -> String {
        if self.timed_out {
            "timeout".into()
        } else if self.rss_killed {
            "killed (RSS limit)".into()
        } else if let Some(s) = self.signal {
            format!("signal {s}")
        } else {
            format!("exit {}", self.code.unwrap_or(-1))
        }
    }
}

fn proc_rss_kib(pid: i32) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let l = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

#[derive(Default)]
struct Watch {
    done: bool,
    timed_out: bool,
    rss_killed: bool,
}

/// Runs `cmd` (stdio as configured by the caller), kills it after `timeout` or when its RSS
/// exceeds `kill_rss_kib` (checked every 100 ms), and returns its status, wall time and peak
/// RSS. The child is reaped with wait4 after a non-reaping waitid, so the watchdog can never
/// signal a recycled pid.
pub fn run_measured(
    cmd: &mut Command,
    timeout: Duration,
    kill_rss_kib: Option<u64>,
) -> Result<RunOutcome> {
    let start = Instant::now();
    let child = cmd.spawn().with_context(|| format!("spawning {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let state = Arc::new((Mutex::new(Watch::default()), Condvar::new()));
    let st2 = Arc::clone(&state);
    let watchdog = std::thread::spawn(move || {
        let (lock, cv) = &*st2;
        let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if g.done {
                return;
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                // SAFETY: the child is not reaped before `done` is set (waitid WNOWAIT).
                unsafe { libc::kill(pid, libc::SIGKILL) };
                g.timed_out = true;
                return;
            }
            if let Some(limit) = kill_rss_kib {
                if proc_rss_kib(pid).is_some_and(|r| r > limit) {
                    // SAFETY: as above.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    g.rss_killed = true;
                    return;
                }
            }
            let wait = (timeout - elapsed).min(Duration::from_millis(100));
            g = cv
                .wait_timeout(g, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    });
    // Wait for termination without reaping.
    loop {
        // SAFETY: plain syscall on a zeroed siginfo_t.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if r == 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("waitid");
        }
    }
    let wall = start.elapsed();
    let (timed_out, rss_killed) = {
        let (lock, cv) = &*state;
        let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
        g.done = true;
        cv.notify_all();
        (g.timed_out, g.rss_killed)
    };
    let _ = watchdog.join();
    let mut status = 0;
    // SAFETY: zeroed rusage, valid pointers.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("wait4");
        }
    }
    drop(child); // already reaped; std does not wait on drop
    let mut out = RunOutcome {
        timed_out,
        rss_killed,
        max_rss_kib: ru.ru_maxrss.max(0) as u64,
        wall,
        ..Default::default()
    };
    if libc::WIFEXITED(status) {
        out.code = Some(libc::WEXITSTATUS(status));
    } else if libc::WIFSIGNALED(status) {
        out.signal = Some(libc::WTERMSIG(status));
    }
    Ok(out)
}

/// Runs a command quietly and returns its trimmed stdout (None on any failure).
pub fn capture_stdout(program: &str, args: &[&str], cwd: Option<&Path>) -> Option<String> {
    let mut c = Command::new(program);
    c.args(args).stdin(Stdio::null()).stderr(Stdio::null());
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let o = c.output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// `git rev-parse --short HEAD` (read-only), or "unknown".
pub fn git_commit(root: &Path) -> String {
    let c = capture_stdout("git", &["rev-parse", "--short", "HEAD"], Some(root));
    let dirty = capture_stdout(
        "git",
        &[
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
        Some(root),
    )
    .map(|s| !s.is_empty())
    .unwrap_or(false);
    match c {
        Some(c) if dirty => format!("{c} (+ uncommitted changes)"),
        Some(c) => c,
        None => "unknown".into(),
    }
}

/// Current UTC date and time: ("YYYY-MM-DD", "YYYY-MM-DD HH:MM UTC").
pub fn utc_now() -> (String, String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let full = format!("{date} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60);
    (date, full)
}

/// Machine description for benchmark reports.
#[derive(Debug, Clone)]
pub struct Machine {
    pub hostname: String,
    pub nproc: usize,
    pub cpu: String,
    pub ram_gib: f64,
    pub kernel: String,
}

pub fn machine() -> Machine {
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let ram_gib = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let hostname = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "machine".into());
    Machine {
        hostname,
        nproc,
        cpu,
        ram_gib,
        kernel,
    }
}

/// Markdown table from a header and rows.
pub fn md_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    s.push_str(&format!("| {} |\n", header.join(" | ")));
    s.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| " --- |").collect::<String>()
    ));
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| c.replace('|', "\\|").replace('\n', " "))
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_number_from_toml() {
        let t = "[plugin]\nname = \"basicFlow\"\nnumber = 100 # load order\nversion = \"0.9.3\"\n[config]\nnumber = 5\n";
        assert_eq!(toml_plugin_number(t), Some(100));
        assert_eq!(toml_plugin_number("[config]\nnumber = 5\n"), None);
    }

    #[test]
    fn plugin_lists() {
        assert_eq!(parse_plugin_list("default").len(), 10);
        assert!(is_basicflow_set(&parse_plugin_list("txtSink,basicFlow")));
        assert!(!is_basicflow_set(&parse_plugin_list("default")));
        assert!(is_default_set(&parse_plugin_list("txtSink,default")));
        assert!(!is_default_set(&parse_plugin_list(
            "basicFlow,basicStats,txtSink"
        )));
    }

    #[test]
    fn measured_run() {
        let o = run_measured(
            Command::new("true").stdin(Stdio::null()),
            Duration::from_secs(10),
            None,
        )
        .unwrap();
        assert!(o.success());
        let o = run_measured(
            Command::new("sleep").arg("5").stdin(Stdio::null()),
            Duration::from_millis(200),
            None,
        )
        .unwrap();
        assert!(o.timed_out && o.signal == Some(libc::SIGKILL));
        assert!(o.wall < Duration::from_secs(4));
    }

    #[test]
    fn date() {
        let (d, _) = utc_now();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
