//! Helpers of the integration tests: build the release binaries and plugins once, install
//! plugins into temporary folders (never `~/.tranalyzer`), run `t2` with limits, and compare
//! outputs with the original's reference files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// `../shared` beside the workspace (or `$T2_SHARED`), if present.
pub fn shared() -> Option<PathBuf> {
    let p = std::env::var_os("T2_SHARED").map(PathBuf::from).unwrap_or_else(|| root().join("../shared"));
    p.join("pcaps").is_dir().then_some(p)
}

/// The target directory cargo uses for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Release binaries built once per test run.
pub struct Bins {
    pub t2: PathBuf,
    pub t2build: PathBuf,
}

/// Builds `t2`, `t2build` and the plugins under test in release mode (once).
pub fn bins() -> &'static Bins {
    static BINS: OnceLock<Bins> = OnceLock::new();
    BINS.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["build", "--release", "--quiet", "-p", "t2-cli", "-p", "t2-build", "-p", "basicFlow", "-p", "txtSink"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "release build failed");
        let rel = target_dir().join("release");
        Bins { t2: rel.join("t2"), t2build: rel.join("t2build") }
    })
}

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("t2-it-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Installs the named workspace plugins into `dir` with `t2build -p DIR NAME...`.
pub fn install(dir: &Path, names: &[&str]) {
    let out = Command::new(&bins().t2build)
        .current_dir(root())
        .arg("-p")
        .arg(dir)
        .args(names)
        .output()
        .expect("t2build runs");
    assert!(
        out.status.success(),
        "t2build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `t2` with `args` in `cwd`, killing it after `limit`.
pub fn run_t2(cwd: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(&bins().t2)
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("t2 starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("t2 {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().expect("output")
}

/// The columns of a flow file: (header names, rows of cells).
pub fn read_flows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").trim_start_matches('%').split('\t').map(String::from).collect();
    let rows = lines.map(|l| l.split('\t').map(String::from).collect()).collect();
    (header, rows)
}

/// Columns whose values come from the original's subnet database (not comparable).
pub const GEO_COLUMNS: [&str; 4] = ["srcIPCC", "srcIPOrg", "dstIPCC", "dstIPOrg"];

/// Differences between two flow files, geo columns excluded: one line per differing cell.
pub fn diff_flows(expected: &Path, got: &Path) -> Vec<String> {
    let (eh, er) = read_flows(expected);
    let (gh, gr) = read_flows(got);
    let mut diffs = Vec::new();
    if eh != gh {
        diffs.push(format!("header differs:\n  expected {eh:?}\n  got      {gh:?}"));
        return diffs;
    }
    if er.len() != gr.len() {
        diffs.push(format!("{} rows expected, {} got", er.len(), gr.len()));
    }
    for (i, (e, g)) in er.iter().zip(gr.iter()).enumerate() {
        for (c, name) in eh.iter().enumerate() {
            if GEO_COLUMNS.contains(&name.as_str()) {
                continue;
            }
            let (ev, gv) = (e.get(c), g.get(c));
            if ev != gv {
                diffs.push(format!("row {} column {name}: expected {ev:?}, got {gv:?}", i + 1));
            }
        }
    }
    diffs
}

/// Log lines that differ from run to run or describe the original's data files.
pub fn log_line_is_comparable(line: &str) -> bool {
    let plain = strip_ansi(line);
    ![
        "Tranalyzer 0.9.3 (Anteater), Cobra. PID:",
        "Date:",
        "Finished processing.",
        "Finished unloading flow memory.",
        "Memory usage:",
        "[INF] IPv4 Ver:",
        "[INF] IPv6 Ver:",
    ]
    .iter()
    .any(|p| plain.starts_with(p))
}

/// Removes ANSI colour sequences.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
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
