//! Plugin loading and containment (ARCHITECTURE.md §2, t2-core/src/engine/host.rs), through the
//! release `t2` on testdata/gre-sample.pcap with basicFlow + txtSink installed in a temporary
//! plugin folder plus one fixture:
//!
//! - a plugin written in C against `t2_plugin.h` (tests/fixtures/c/fixture.c, compiled here
//!   with `cc`) loads and adds a U32 column counting the packets of each flow;
//! - variants of that source (-D macros) with a wrong magic, a newer minor, another major, no
//!   entry symbol, a duplicate name, a missing dependency, ... are refused with a message that
//!   names the file, says what is wrong and what to do;
//! - a Rust SDK plugin (tests/fixtures/panicky) panicking in each callback, and the C plugin
//!   failing (T2_ERR) in each callback, are disabled with a message naming the plugin and the
//!   callback, their columns written empty;
//! - a plugin built against the frozen v1.0 header (tests/fixtures/abi-v1.0) keeps loading;
//!
//! and in every case `t2` exits 0 and writes all 11 flows of the capture with basicFlow's
//! columns identical to the original's (testdata/golden/gre-sample.basicflow.flows.txt).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use t2_tests::*;

const LIMIT: Duration = Duration::from_secs(60);
/// Flows, packets, and packets per direction of gre-sample.pcap (its golden log: "Number of
/// processed flows: 11", "Number of processed packets: 40", "A packets: 21", "B packets: 19").
const FLOWS: usize = 11;
const PACKETS: u64 = 40;
const A_PACKETS: u64 = 21;
const B_PACKETS: u64 = 19;

/// The callbacks the panicky fixture can panic in (its T2_FIXTURE_PANIC_AT values).
const CALLBACKS: [&str; 8] = [
    "init",
    "on_start",
    "on_new_flow",
    "on_layer2",
    "on_layer4",
    "on_flow_terminate",
    "report",
    "finalize",
];

fn golden() -> PathBuf {
    root().join("testdata/golden/gre-sample.basicflow.flows.txt")
}

/// A plugin folder with basicFlow (100) and txtSink (901) installed by t2build.
fn plugin_dir(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    install(d.path(), &["basicFlow", "txtSink"]);
    d
}

/// Compiles tests/fixtures/c/fixture.c with `defines` (each `-DNAME=VALUE` as one argument)
/// against the headers of `include` into `dir/file`.
fn cc_with(include: &Path, dir: &Path, file: &str, defines: &[&str]) -> PathBuf {
    let out = dir.join(file);
    let o = Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()))
        .current_dir(root())
        .args([
            "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
        ])
        .arg("-I")
        .arg(include)
        .args(defines)
        .arg("-o")
        .arg(&out)
        .arg(root().join("tests/fixtures/c/fixture.c"))
        .output()
        .expect("a C compiler `cc` is needed by the plugin loading tests (or set CC)");
    assert!(
        o.status.success(),
        "cc {defines:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The C fixture compiled against the current header.
fn cc(dir: &Path, file: &str, defines: &[&str]) -> PathBuf {
    cc_with(&root().join("crates/t2-abi/include"), dir, file, defines)
}

/// The panicky fixture (a cdylib of the workspace), built once in release mode.
fn panicky_so() -> &'static Path {
    static SO: OnceLock<PathBuf> = OnceLock::new();
    SO.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["build", "--release", "--quiet", "-p", "panicky"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the panicky fixture failed");
        let so = target_dir().join("release").join(format!(
            "{}panicky{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ));
        assert!(so.is_file(), "{} not found after the build", so.display());
        so
    })
    .as_path()
}

/// One run of `t2 -p PLUGINS -r gre-sample.pcap -w PREFIX -l`.
struct Run {
    _out: TempDir,
    prefix: PathBuf,
    success: bool,
    code: Option<i32>,
    /// stdout, stderr and the log file, ANSI colours removed.
    text: String,
}

impl Run {
    fn file(&self, suffix: &str) -> PathBuf {
        PathBuf::from(format!("{}{suffix}", self.prefix.display()))
    }
    fn flows(&self) -> PathBuf {
        self.file("_flows.txt")
    }
    /// The lines of the run's output containing `needle`.
    fn lines_with(&self, needle: &str) -> Vec<&str> {
        self.text.lines().filter(|l| l.contains(needle)).collect()
    }
}

fn run(plugins: &Path, env: &[(&str, &str)]) -> Run {
    bins();
    let out = TempDir::new("pl-out");
    let prefix = out.path().join("gre");
    let mut cmd = Command::new(&bins().t2);
    cmd.current_dir(root().join("testdata"))
        .arg("-p")
        .arg(plugins)
        .args(["-r", "gre-sample.pcap", "-w"])
        .arg(&prefix)
        .arg("-l")
        .env_remove("T2_FIXTURE_PANIC_AT")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("t2 starts");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("t2 with {env:?} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let o = child.wait_with_output().expect("output");
    let log = std::fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap_or_default();
    let text = strip_ansi(&format!(
        "{}\n{}\n{log}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    ));
    Run {
        _out: out,
        prefix,
        success: o.status.success(),
        code: o.status.code(),
        text,
    }
}

/// Asserts that `t2` exited 0 and wrote every flow: the flow file's header is the original's
/// plus `extra` columns (right after basicFlow's), it has 11 rows, and with the extra columns
/// left out it equals the original's flow file. Returns the extra columns' values per row,
/// with each row's direction (`A`/`B`).
fn assert_every_flow(r: &Run, extra: &[&str]) -> Vec<(String, Vec<String>)> {
    assert!(r.success, "t2 exited with {:?}:\n{}", r.code, r.text);
    let (gh, _) = read_flows(&golden());
    let (h, rows) = read_flows(&r.flows());
    let mut want = gh.clone();
    want.extend(extra.iter().map(|s| s.to_string()));
    assert_eq!(
        h, want,
        "flow file header (the fixture's columns follow basicFlow's)"
    );
    assert_eq!(
        rows.len(),
        FLOWS,
        "every flow of gre-sample.pcap is written:\n{}",
        r.text
    );
    let extra_idx: Vec<usize> = (gh.len()..h.len()).collect();
    let mut basic = format!("%{}\n", gh.join("\t"));
    let mut values = Vec::new();
    for row in &rows {
        assert_eq!(
            row.len(),
            h.len(),
            "row has as many cells as the header: {row:?}"
        );
        basic.push_str(&row[..gh.len()].join("\t"));
        basic.push('\n');
        values.push((
            row[0].clone(),
            extra_idx.iter().map(|&i| row[i].clone()).collect(),
        ));
    }
    let stripped = r.file("_basicflow_only.txt");
    std::fs::write(&stripped, basic).unwrap();
    let diffs = diff_flows(&golden(), &stripped);
    assert!(
        diffs.is_empty(),
        "basicFlow's columns differ from the original's:\n{}\n--- t2 output:\n{}",
        diffs.join("\n"),
        r.text
    );
    values
}

/// The values of a per-flow packet-count column: each flow has at least one packet, the sum is
/// the 40 packets of the capture, the A flows have the 21 A packets and the B flows the 19.
fn assert_packet_counts(values: &[(String, Vec<String>)], col: usize) {
    let (mut total, mut a, mut b) = (0u64, 0u64, 0u64);
    for (dir, v) in values {
        let n: u64 = v[col]
            .parse()
            .unwrap_or_else(|_| panic!("packet count {:?} is a number", v[col]));
        assert!(n >= 1, "every flow has at least one packet: {values:?}");
        total += n;
        match dir.as_str() {
            "A" => a += n,
            "B" => b += n,
            d => panic!("direction {d:?}"),
        }
    }
    assert_eq!(
        (total, a, b),
        (PACKETS, A_PACKETS, B_PACKETS),
        "packets per flow summed (all, A, B): {values:?}"
    );
}

/// The column `name` in the headers file: `N\tTYPE\tNAME\tDESC`.
fn assert_header_line(r: &Run, ty: &str, name: &str, desc: &str) {
    let headers = std::fs::read_to_string(r.file("_headers.txt")).unwrap();
    let line = headers.lines().find(|l| l.split('\t').nth(2) == Some(name));
    let Some(line) = line else {
        panic!("{name} not in the headers file:\n{headers}")
    };
    let cells: Vec<&str> = line.split('\t').collect();
    assert_eq!(cells[1..], [ty, name, desc], "{line}");
}

/// The plugins the run reports as loaded ("Active plugins:" in the log, "Plugins loaded:" in
/// the headers file), by name.
fn loaded_plugins(r: &Run) -> Vec<String> {
    let active: Vec<String> = r
        .text
        .lines()
        .skip_while(|l| *l != "Active plugins:")
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| {
            l.trim()
                .split(&[' ', ','][..])
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let headers = std::fs::read_to_string(r.file("_headers.txt")).unwrap_or_default();
    let listed: Vec<String> = headers
        .lines()
        .skip_while(|l| *l != "# Plugins loaded:")
        .skip(1)
        .take_while(|l| l.starts_with("#   "))
        .map(|l| {
            l.trim_start_matches("#   ")
                .split(&[' ', ','][..])
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(active, listed, "log and headers file list the same plugins");
    active
}

/// Asserts that exactly one `[ERR]` line refuses `file` and that it says what is wrong (every
/// fragment of `wrong`) and what to do (`todo`); the refused plugin is not loaded and every
/// flow is written as without it.
fn assert_refused(r: &Run, file: &str, wrong: &[&str], todo: &str) -> String {
    let lines: Vec<&str> = r
        .lines_with(file)
        .into_iter()
        .filter(|l| l.starts_with("[ERR]"))
        .collect();
    assert_eq!(lines.len(), 1, "one [ERR] line names '{file}':\n{}", r.text);
    let msg = lines[0].to_string();
    for w in wrong {
        assert!(
            msg.contains(w),
            "the refusal says what is wrong ({w:?}): {msg}"
        );
    }
    assert!(
        msg.contains(todo),
        "the refusal says what to do ({todo:?}): {msg}"
    );
    msg
}

// ---- A C plugin loads and adds a column --------------------------------------------------

#[test]
fn c_plugin_compiled_with_cc_loads_and_adds_a_packet_count_column() {
    let plugins = plugin_dir("pl-c");
    cc(plugins.path(), "150_cfix.so", &[]);
    let r = run(plugins.path(), &[]);
    let values = assert_every_flow(&r, &["cfixPkts"]);
    assert_packet_counts(&values, 0);
    assert_header_line(&r, "U32", "cfixPkts", "Packets counted by the C fixture");
    assert_eq!(loaded_plugins(&r), ["basicFlow", "cfix", "txtSink"]);
    assert!(
        r.text.contains("cfix: report reached"),
        "its report is printed:\n{}",
        r.text
    );
    assert!(!r.text.contains("[ERR]"), "no error:\n{}", r.text);
}

/// A C plugin and a Rust SDK plugin side by side: independent implementations of the same
/// per-flow packet count agree on every flow.
#[test]
fn c_and_rust_plugins_load_together_and_agree_on_every_flow() {
    let plugins = plugin_dir("pl-c-rust");
    cc(plugins.path(), "150_cfix.so", &[]);
    std::fs::copy(panicky_so(), plugins.path().join("160_panicky.so")).unwrap();
    let r = run(plugins.path(), &[]);
    let values = assert_every_flow(&r, &["cfixPkts", "panickyPkts"]);
    assert_packet_counts(&values, 0);
    for (dir, v) in &values {
        assert_eq!(
            v[0], v[1],
            "{dir} flow: the C and the Rust plugin count the same packets"
        );
    }
    assert_eq!(
        loaded_plugins(&r),
        ["basicFlow", "cfix", "panicky", "txtSink"]
    );
    assert!(!r.text.contains("[ERR]"), "no error:\n{}", r.text);
}

/// ABI 1.0 is frozen: a plugin compiled against the v1.0 header (a copy kept in
/// tests/fixtures/abi-v1.0) loads and works in this t2.
#[test]
fn plugin_built_against_the_frozen_v1_0_header_keeps_loading() {
    let frozen = root().join("tests/fixtures/abi-v1.0");
    let h = std::fs::read_to_string(frozen.join("t2_plugin.h")).unwrap();
    assert!(
        h.contains("#define T2_ABI_MAJOR 1\n") && h.contains("#define T2_ABI_MINOR 0\n"),
        "the frozen copy is v1.0"
    );
    let plugins = plugin_dir("pl-v10");
    cc_with(
        &frozen,
        plugins.path(),
        "150_old.so",
        &["-DFIX_NAME=\"old\"", "-DFIX_COLUMN=\"oldPkts\""],
    );
    let r = run(plugins.path(), &[]);
    let values = assert_every_flow(&r, &["oldPkts"]);
    assert_packet_counts(&values, 0);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "old", "txtSink"]);
    assert!(!r.text.contains("[ERR]"), "no error:\n{}", r.text);
}

// ---- Refused fixtures ------------------------------------------------------------------------

/// Compiles one C variant as `150_cfix.so`, runs t2, and checks the refusal and the flows.
fn refused_variant(tag: &str, defines: &[&str], wrong: &[&str], todo: &str) -> String {
    let plugins = plugin_dir(tag);
    cc(plugins.path(), "150_cfix.so", defines);
    let r = run(plugins.path(), &[]);
    assert_every_flow(&r, &[]);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "txtSink"]);
    assert_refused(&r, "150_cfix.so", wrong, todo)
}

#[test]
fn wrong_magic_is_refused() {
    refused_variant(
        "pl-magic",
        &["-DFIX_MAGIC=0x12345678u"],
        &["is not a t2 plugin", "bad magic 0x12345678"],
        "Remove it from the plugin folder or rebuild it",
    );
}

#[test]
fn newer_minor_is_refused() {
    refused_variant(
        "pl-minor",
        &["-DFIX_MINOR=(T2_ABI_MINOR+1)"],
        &["needs plugin ABI 1.1, newer than this t2's 1.0"],
        "update t2",
    );
}

#[test]
fn another_major_is_refused() {
    refused_variant(
        "pl-major",
        &["-DFIX_MAJOR=2"],
        &["was built for plugin ABI 2.0, but this t2 speaks ABI 1.0"],
        "rebuild the plugin against this version",
    );
}

#[test]
fn shared_object_without_the_entry_symbol_is_refused() {
    refused_variant(
        "pl-noentry",
        &["-DFIX_NO_ENTRY"],
        &["is not a t2 plugin", "no symbol t2_plugin_entry_v1"],
        "Remove it from the plugin folder or rebuild it",
    );
}

#[test]
fn missing_dependency_is_refused() {
    refused_variant(
        "pl-deps",
        &["-DFIX_DEPS=\"noSuchPlugin\""],
        &["plugin 'cfix'", "has missing dependencies: noSuchPlugin"],
        "t2build noSuchPlugin",
    );
}

/// Two files with the same plugin name: the first (in file-name order) loads and works, the
/// second is refused, naming both files.
#[test]
fn duplicate_plugin_name_is_refused() {
    let plugins = plugin_dir("pl-dup");
    let dup = ["-DFIX_NAME=\"dup\"", "-DFIX_COLUMN=\"dupPkts\""];
    let first = cc(plugins.path(), "150_dup.so", &dup);
    cc(plugins.path(), "160_dup.so", &dup);
    let r = run(plugins.path(), &[]);
    let values = assert_every_flow(&r, &["dupPkts"]);
    assert_packet_counts(&values, 0);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "dup", "txtSink"]);
    let msg = assert_refused(
        &r,
        "'160_dup.so'",
        &["a plugin named 'dup' is already loaded from"],
        "t2build -u dup",
    );
    assert!(
        msg.contains(&first.display().to_string()),
        "the refusal names the file already loaded: {msg}"
    );
}

/// Dependencies must have a lower plugin number: one on basicFlow (100) loads, one on txtSink
/// (901, loaded later) is refused.
#[test]
fn dependency_order_is_checked() {
    let plugins = plugin_dir("pl-deporder");
    cc(
        plugins.path(),
        "150_early.so",
        &[
            "-DFIX_NAME=\"early\"",
            "-DFIX_COLUMN=\"earlyPkts\"",
            "-DFIX_DEPS=\"basicFlow\"",
        ],
    );
    cc(
        plugins.path(),
        "160_late.so",
        &[
            "-DFIX_NAME=\"late\"",
            "-DFIX_COLUMN=\"latePkts\"",
            "-DFIX_DEPS=\"basicFlow, txtSink\"",
        ],
    );
    let r = run(plugins.path(), &[]);
    let values = assert_every_flow(&r, &["earlyPkts"]);
    assert_packet_counts(&values, 0);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "early", "txtSink"]);
    let msg = assert_refused(
        &r,
        "160_late.so",
        &["plugin 'late'", "has missing dependencies: txtSink"],
        "lower plugin number",
    );
    assert!(
        !msg.contains("basicFlow"),
        "only the missing dependency is listed: {msg}"
    );
}

#[test]
fn file_that_is_not_a_shared_object_is_refused() {
    let plugins = plugin_dir("pl-junk");
    std::fs::write(
        plugins.path().join("150_junk.so"),
        b"not an ELF file, just text\n",
    )
    .unwrap();
    let r = run(plugins.path(), &[]);
    assert_every_flow(&r, &[]);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "txtSink"]);
    assert_refused(
        &r,
        "'150_junk.so'",
        &["cannot load plugin"],
        "remove it with 't2build -u",
    );
}

#[test]
fn descriptor_smaller_than_v1_0_is_refused() {
    refused_variant(
        "pl-small",
        &["-DFIX_SIZE=16"],
        &["descriptor too small (16 bytes"],
        "rebuild it",
    );
}

#[test]
fn descriptor_without_finalize_is_refused() {
    refused_variant(
        "pl-nofin",
        &["-DFIX_NO_FINALIZE"],
        &["plugin 'cfix' lacks init or finalize"],
        "rebuild it with 't2build cfix'",
    );
}

/// The entry returns NULL: refused, naming the file and the problem.
#[test]
fn entry_returning_no_descriptor_is_refused() {
    refused_variant(
        "pl-null",
        &["-DFIX_NULL_DESCRIPTOR"],
        &["the plugin entry returned no descriptor"],
        "",
    );
}

/// Every refusal says what to do; this one does not (see the report of the plugin loading
/// tests): "'150_cfix.so': the plugin entry returned no descriptor".
#[test]
fn entry_returning_no_descriptor_says_what_to_do() {
    let msg = refused_variant(
        "pl-null2",
        &["-DFIX_NULL_DESCRIPTOR"],
        &["the plugin entry returned no descriptor"],
        "",
    );
    assert!(
        msg.contains("t2build") || msg.contains("emove"),
        "the refusal says what to do: {msg}"
    );
}

// ---- Containment: a plugin that panics or fails -------------------------------------------

/// The panicky fixture (number 150, between basicFlow and txtSink) panicking in `callback`.
fn panic_in(callback: &str) {
    let plugins = plugin_dir(&format!("pl-panic-{callback}"));
    std::fs::copy(panicky_so(), plugins.path().join("150_panicky.so")).unwrap();
    let r = run(plugins.path(), &[("T2_FIXTURE_PANIC_AT", callback)]);
    // t2 exits 0 and writes every flow, the fixture's column included (declared before the
    // panic, also in init).
    let values = assert_every_flow(&r, &["panickyPkts"]);
    assert_eq!(loaded_plugins(&r), ["basicFlow", "panicky", "txtSink"]);
    // The host names the plugin and the callback, once; the SDK logs the panic message.
    let host_msg =
        format!("plugin 'panicky' panicked in {callback}; it is disabled for the rest of the run");
    assert_eq!(
        r.lines_with(&host_msg).len(),
        1,
        "one line {host_msg:?}:\n{}",
        r.text
    );
    assert!(
        r.lines_with(&format!(
            "panicky: panic in {callback}: fixture panic in {callback}"
        ))
        .iter()
        .any(|l| l.starts_with("[ERR]")),
        "the panic message is logged:\n{}",
        r.text
    );
    assert_eq!(
        r.lines_with("panicked in").len(),
        1,
        "no other callback is reported:\n{}",
        r.text
    );
    // Before the flows are written the plugin's column is empty (0) in every row; a panic in
    // report or finalize comes after them, so the real counts are there.
    match callback {
        "report" | "finalize" => assert_packet_counts(&values, 0),
        _ => {
            for (dir, v) in &values {
                assert_eq!(
                    v[0], "0",
                    "{dir} flow: the disabled plugin's column is empty"
                );
            }
        }
    }
    // The report callback runs unless the plugin was disabled before it (or panics in it).
    let reported = r.text.contains("panicky: report reached");
    assert_eq!(
        reported,
        callback == "finalize",
        "report line present only when report ran to its end:\n{}",
        r.text
    );
}

#[test]
fn panic_in_init_is_contained() {
    panic_in("init");
}

#[test]
fn panic_in_on_start_is_contained() {
    panic_in("on_start");
}

#[test]
fn panic_in_on_new_flow_is_contained() {
    panic_in("on_new_flow");
}

#[test]
fn panic_in_on_layer2_is_contained() {
    panic_in("on_layer2");
}

#[test]
fn panic_in_on_layer4_is_contained() {
    panic_in("on_layer4");
}

#[test]
fn panic_in_on_flow_terminate_is_contained() {
    panic_in("on_flow_terminate");
}

#[test]
fn panic_in_report_is_contained() {
    panic_in("report");
}

#[test]
fn panic_in_finalize_is_contained() {
    panic_in("finalize");
}

#[test]
fn every_panicky_callback_has_a_test() {
    // Keeps CALLBACKS (the fixture's documented values) and the tests above in step.
    let src = std::fs::read_to_string(root().join("tests/fixtures/panicky/src/lib.rs")).unwrap();
    for cb in CALLBACKS {
        assert!(
            src.contains(&format!("self.maybe_panic(\"{cb}\")"))
                || src.contains(&format!("p.maybe_panic(\"{cb}\")")),
            "fixture panics in {cb}"
        );
    }
    let me = std::fs::read_to_string(root().join("tests/it/plugin_loading.rs")).unwrap();
    for cb in CALLBACKS {
        assert!(
            me.contains(&format!("fn panic_in_{cb}_is_contained()")),
            "a test for {cb}"
        );
    }
}

/// The C fixture returning T2_ERR from each callback (after appending its value, in
/// on_flow_terminate): disabled with a message naming the plugin and the callback, its column
/// empty, every flow written.
#[test]
fn c_plugin_failing_in_each_callback_is_contained() {
    let plugins = plugin_dir("pl-cfail");
    for cb in CALLBACKS {
        let so = cc(
            plugins.path(),
            "150_cfix.so",
            &[&format!("-DFIX_FAIL_AT=\"{cb}\"")],
        );
        let r = run(plugins.path(), &[]);
        let values = assert_every_flow(&r, &["cfixPkts"]);
        let host_msg =
            format!("plugin 'cfix' failed in {cb}; it is disabled for the rest of the run");
        assert_eq!(
            r.lines_with(&host_msg).len(),
            1,
            "{cb}: one line {host_msg:?}:\n{}",
            r.text
        );
        assert!(
            r.lines_with(&format!("cfix: failing on purpose in {cb}"))
                .iter()
                .any(|l| l.starts_with("[ERR]")),
            "{cb}: the plugin's own message:\n{}",
            r.text
        );
        match cb {
            "report" | "finalize" => assert_packet_counts(&values, 0),
            _ => {
                for (dir, v) in &values {
                    assert_eq!(
                        v[0], "0",
                        "{cb}: {dir} flow: the disabled plugin's column is empty"
                    );
                }
            }
        }
        std::fs::remove_file(so).unwrap();
    }
}

/// A plugin that declares a flow column but has no on_flow_terminate (in C a NULL callback; in
/// Rust, forgetting `on_flow_terminate` in `export_plugin!`'s list) must not cost the run its
/// flow file: either its column is written empty in every row, or it is disabled/refused and
/// its column left out; every flow is written either way.
#[test]
fn column_declared_without_on_flow_terminate_does_not_lose_the_flows() {
    let plugins = plugin_dir("pl-noterm");
    cc(plugins.path(), "150_cfix.so", &["-DFIX_NO_TERMINATE"]);
    let r = run(plugins.path(), &[]);
    let (header, _) = read_flows(&r.flows());
    if header.iter().any(|c| c == "cfixPkts") {
        for (dir, v) in assert_every_flow(&r, &["cfixPkts"]) {
            assert_eq!(
                v[0], "0",
                "{dir} flow: the column of a plugin that writes no value is empty"
            );
        }
    } else {
        assert_every_flow(&r, &[]);
    }
    assert!(
        !r.text.contains("txtSink: buffer_to_sink"),
        "the sink is not disabled:\n{}",
        r.text
    );
}
