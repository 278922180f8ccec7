//! Every capture of `../shared/pcaps` through the release `t2` with basicFlow + txtSink: none may
//! panic, hang (60 s) or use more than 1 GiB. Skipped, saying why, when `../shared` is absent.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use t2_tests::*;

const LIMIT: Duration = Duration::from_secs(60);
const MAX_RSS_KB: i64 = 1024 * 1024;

#[test]
fn no_capture_crashes_hangs_or_exceeds_1_gib() {
    let Some(shared) = shared() else {
        eprintln!("all_captures: SKIPPED: ../shared/pcaps not found (set T2_SHARED to run it)");
        return;
    };
    let pcaps = shared.join("pcaps");
    let index = std::fs::read_to_string(shared.join("conformance-basicflow/INDEX.tsv")).expect("INDEX.tsv");
    let paths: Vec<String> = index.lines().skip(1).filter_map(|l| l.split('\t').next()).map(String::from).collect();
    assert!(paths.len() > 1000, "expected the full capture list, got {}", paths.len());
    let plugins = TempDir::new("all-plugins");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let out = TempDir::new("all-out");
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(rel) = paths.get(i) else { break };
                let prefix: PathBuf = out.path().join(format!("c{i}"));
                if let Err(e) = run_one(&pcaps, rel, plugins.path(), &prefix) {
                    failures.lock().unwrap().push(format!("{rel}: {e}"));
                }
                for suffix in ["_flows.txt", "_headers.txt", "_log.txt"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", prefix.display()));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} captures failed:\n{}", failures.len(), failures.join("\n"));
}

fn run_one(cwd: &std::path::Path, rel: &str, plugins: &std::path::Path, prefix: &std::path::Path) -> Result<(), String> {
    let mut child = Command::new(&bins().t2)
        .current_dir(cwd)
        .args(["-p", plugins.to_str().unwrap(), "-r", rel, "-w", prefix.to_str().unwrap(), "-l"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as i32;
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: zeroed rusage filled by wait4 for our own child.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 on our child pid, non-blocking.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r == pid {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            if libc::WIFSIGNALED(status) {
                return Err(format!("killed by signal {}: {err}", libc::WTERMSIG(status)));
            }
            if err.contains("panicked") {
                return Err(format!("panic: {err}"));
            }
            if ru.ru_maxrss > MAX_RSS_KB {
                return Err(format!("peak RSS {} MiB", ru.ru_maxrss / 1024));
            }
            return Ok(());
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err("timeout".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
