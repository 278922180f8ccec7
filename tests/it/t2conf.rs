//! `t2conf` end to end: the tutorial's commands, verbatim, change what `t2build` compiles and
//! what the next `t2` run writes; bad input changes nothing; `t2 --plugin-info` tells what an
//! installed plugin was built with; the core settings file changes the next run.
//!
//! Nothing here edits the real source tree or `~/.tranalyzer`: plugins are configured and built
//! in a scratch tree (a workspace of copies of `plugins/basicFlow` and `plugins/txtSink` whose
//! SDK dependencies point at the real crates), selected with `T2HOME` exactly as a user would,
//! built into their own target folder and installed into a temporary plugin folder; `HOME` is a
//! temporary folder for every command.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use t2_tests::*;

const PLUGINS: [&str; 2] = ["basicFlow", "txtSink"];

fn t2conf_bin() -> PathBuf {
    bins().t2build.with_file_name("t2conf")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            fs::copy(e.path(), &dst).unwrap();
        }
    }
}

/// A scratch source tree and a scratch home.
struct Scratch {
    tree: TempDir,
    home: TempDir,
}

impl Scratch {
    /// `buildable`: also the sources, a workspace manifest and the lock file (for `t2build`);
    /// otherwise only what t2conf reads.
    fn new(buildable: bool) -> Scratch {
        let tree = TempDir::new("t2conf-tree");
        let real = root();
        for p in PLUGINS {
            let (src, dst) = (real.join("plugins").join(p), tree.path().join("plugins").join(p));
            fs::create_dir_all(&dst).unwrap();
            for f in ["t2plugin.toml", "Cargo.toml", "build.rs"] {
                fs::copy(src.join(f), dst.join(f)).unwrap();
            }
            if buildable {
                copy_dir(&src.join("src"), &dst.join("src"));
            }
        }
        let members = PLUGINS.map(|p| format!("\"plugins/{p}\"")).join(", ");
        let crates = real.join("crates");
        fs::write(
            tree.path().join("Cargo.toml"),
            format!(
                "[workspace]\nresolver = \"3\"\nmembers = [{members}]\n\n\
                 [workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"GPL-2.0-or-later\"\n\n\
                 [workspace.lints.rust]\nunsafe_op_in_unsafe_fn = \"warn\"\n\n\
                 [workspace.dependencies]\nt2-abi = {{ path = {:?} }}\nt2-plugin = {{ path = {:?} }}\nt2-subnet = {{ path = {:?} }}\n\n\
                 [profile.release]\ndebug = false\npanic = \"unwind\"\n",
                crates.join("t2-abi"),
                crates.join("t2-plugin"),
                crates.join("t2-subnet"),
            ),
        )
        .unwrap();
        if buildable {
            fs::copy(real.join("Cargo.lock"), tree.path().join("Cargo.lock")).unwrap();
        }
        Scratch { tree, home: TempDir::new("t2conf-home") }
    }

    fn toml_path(&self, plugin: &str) -> PathBuf {
        self.tree.path().join("plugins").join(plugin).join("t2plugin.toml")
    }

    fn toml(&self, plugin: &str) -> Vec<u8> {
        fs::read(self.toml_path(plugin)).unwrap()
    }

    fn cmd(&self, exe: &Path) -> Command {
        let mut c = Command::new(exe);
        c.env("T2HOME", self.tree.path())
            .env("HOME", self.home.path())
            .env_remove("SUDO_USER")
            .env("T2_LOG_COLOR", "0")
            .current_dir(self.home.path());
        for n in ["FLOW_TIMEOUT", "HASHCHAINTABLE_BASE_SIZE", "HASH_AUTOPILOT", "IPV6_ACTIVATE"] {
            c.env_remove(n);
        }
        c
    }

    fn t2conf(&self, args: &[&str]) -> Output {
        self.cmd(&t2conf_bin()).args(args).output().expect("t2conf runs")
    }

    /// A shell-like command line, split on spaces (the tutorial's commands are plain words).
    fn t2conf_line(&self, line: &str) -> Output {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "t2conf");
        let o = self.t2conf(&words[1..]);
        assert!(o.status.success(), "{line}: {}", String::from_utf8_lossy(&o.stderr));
        o
    }

    /// `t2build -p PLUGINS NAME...`, building in the scratch tree's own target folder.
    fn t2build(&self, plugins: &Path, names: &[&str]) {
        let o = self
            .cmd(&bins().t2build)
            .env("CARGO_TARGET_DIR", target_dir().join("t2conf-scratch"))
            .env("CARGO_NET_OFFLINE", "true")
            .arg("-p")
            .arg(plugins)
            .args(names)
            .output()
            .expect("t2build runs");
        assert!(
            o.status.success(),
            "t2build {names:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Runs t2 on the bundled capture: (flow file header, rows, log).
    fn t2_run(&self, plugins: &Path, out: &Path, env: &[(&str, &str)]) -> (Vec<String>, Vec<Vec<String>>, String) {
        let prefix = out.join("gre");
        let mut c = self.cmd(&bins().t2);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c
            .current_dir(root().join("testdata"))
            .args(["-p", plugins.to_str().unwrap(), "-r", "gre-sample.pcap", "-w", prefix.to_str().unwrap(), "-l"])
            .output()
            .unwrap();
        assert!(o.status.success(), "t2 failed: {}", String::from_utf8_lossy(&o.stderr));
        let (h, r) = read_flows(Path::new(&format!("{}_flows.txt", prefix.display())));
        (h, r, fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap())
    }

    fn plugin_info(&self, plugins: &Path) -> String {
        let o = self.cmd(&bins().t2).args(["--plugin-info", "-p", plugins.to_str().unwrap()]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }
}

/// The original bytes of a file, put back when dropped (even when the test fails).
struct Restore(PathBuf, Vec<u8>);

impl Drop for Restore {
    fn drop(&mut self) {
        // Only when changed: rewriting equal bytes would still make cargo rebuild the plugin.
        if fs::read(&self.0).ok().as_deref() != Some(&self.1[..]) {
            let _ = fs::write(&self.0, &self.1);
        }
    }
}

fn has(header: &[String], col: &str) -> bool {
    header.iter().any(|h| h == col)
}

#[test]
fn tutorial_commands_change_the_next_runs_columns_and_reset_restores_every_default() {
    let s = Scratch::new(true);
    let originals: Vec<Vec<u8>> = PLUGINS.iter().map(|p| s.toml(p)).collect();
    // The real tree's files are never written; make sure of it.
    let real: Vec<Restore> = PLUGINS
        .iter()
        .map(|p| {
            let path = root().join("plugins").join(p).join("t2plugin.toml");
            let bytes = fs::read(&path).unwrap();
            Restore(path, bytes)
        })
        .collect();
    let plugins = TempDir::new("t2conf-plugins");
    let out = TempDir::new("t2conf-out");

    s.t2build(plugins.path(), &["basicFlow", "txtSink"]);
    let (header, _, _) = s.t2_run(plugins.path(), out.path(), &[]);
    for col in ["srcMac", "dstMac", "ethType", "vlanID"] {
        assert!(has(&header, col), "{col} in the default build: {header:?}");
    }
    let info = s.plugin_info(plugins.path());
    assert!(!info.contains("[WRN]"), "{info}");
    assert!(info.contains("100_basicFlow.so"), "{info}");
    assert!(info.contains("    ABI:          1.0"), "{info}");

    // Tutorial: switch MAC and VLAN columns off, rebuild, run.
    s.t2conf_line("t2conf basicFlow -D BFO_MAC=0 -D BFO_VLAN=0");
    // Installed .so and TOML now disagree: --plugin-info says so.
    let info = s.plugin_info(plugins.path());
    assert!(
        info.contains("[WRN] basicFlow: the installed 100_basicFlow.so differs from")
            && info.contains("BFO_MAC is 1 in the .so, 0 in the TOML; BFO_VLAN is 1 in the .so, 0 in the TOML; rebuild it with 't2build basicFlow'"),
        "{info}"
    );
    s.t2build(plugins.path(), &["basicFlow"]);
    let (header, rows, _) = s.t2_run(plugins.path(), out.path(), &[]);
    for col in ["srcMac", "dstMac", "vlanID"] {
        assert!(!has(&header, col), "{col} gone: {header:?}");
    }
    assert!(has(&header, "ethType"), "{header:?}");
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let info = s.plugin_info(plugins.path());
    assert!(!info.contains("[WRN]"), "{info}");
    assert!(info.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["BFO_MAC", "=", "0"]), "{info}");

    // Tutorial: restore them.
    s.t2conf_line("t2conf basicFlow -D BFO_MAC=1 -D BFO_ETHERTYPE=1 -D BFO_VLAN=1 -D BFO_SUBNET_TEST=1 -D BFO_MAX_HDRDESC=4");
    assert_eq!(s.toml("basicFlow"), originals[0], "back to the original bytes");
    s.t2build(plugins.path(), &["basicFlow"]);
    let prefix_dir = out.path();
    let (header, _, _) = s.t2_run(plugins.path(), prefix_dir, &[]);
    for col in ["srcMac", "dstMac", "ethType", "vlanID"] {
        assert!(has(&header, col), "{col} back: {header:?}");
    }
    let diffs = diff_flows(
        &root().join("testdata/golden/gre-sample.basicflow.flows.txt"),
        &prefix_dir.join("gre_flows.txt"),
    );
    assert!(diffs.is_empty(), "the original's flow file again:\n{}", diffs.join("\n"));
    // The headers file lists each plugin with its version.
    let headers = fs::read_to_string(prefix_dir.join("gre_headers.txt")).unwrap();
    assert!(headers.contains("#   01: basicFlow, version 0.9.3\n#   02: txtSink, version 0.9.3\n"), "{headers}");

    // Tutorial: reset everything.
    s.t2conf_line("t2conf basicFlow -D BFO_MAC=0 -D BFO_SENSORID=1");
    s.t2conf_line("t2conf txtSink -D TFS_PRI_HDR=0");
    s.t2conf_line("t2conf tranalyzer2 -D FLOW_TIMEOUT=60");
    s.t2conf_line("t2conf --reset -a");
    for (p, orig) in PLUGINS.iter().zip(&originals) {
        assert_eq!(&s.toml(p), orig, "{p}: every default back, byte for byte");
    }
    let core = fs::read_to_string(s.home.path().join(".tranalyzer/t2core.toml")).unwrap();
    assert!(!core.contains("FLOW_TIMEOUT ="), "{core}");

    for r in &real {
        assert_eq!(fs::read(&r.0).unwrap(), r.1, "the real tree was not touched");
    }
}

#[test]
fn bad_input_is_refused_in_one_line_and_leaves_the_toml_unchanged() {
    let s = Scratch::new(false);
    let before: Vec<Vec<u8>> = PLUGINS.iter().map(|p| s.toml(p)).collect();
    let cases: &[(&[&str], &str)] = &[
        (&["basicflow", "-D", "BFO_MAC=0"], "[ERR] Unknown plugin 'basicflow' (did you mean 'basicFlow'?); available: tranalyzer2, basicFlow, txtSink"),
        (&["noSuchPlugin", "-I"], "[ERR] Unknown plugin 'noSuchPlugin'; available: tranalyzer2, basicFlow, txtSink"),
        (&["basicFlow", "-D", "BFO_NOPE=1"], "[ERR] Plugin 'basicFlow' has no flag 'BFO_NOPE'; 't2conf basicFlow -I' lists its flags"),
        (&["basicFlow", "-D", "BFO_MAC=0", "-D", "BFO_MAX_VLAN=9"], "[ERR] Invalid value '9' for BFO_MAX_VLAN of basicFlow: expected u8 (integer) from 1 to 4"),
        (&["basicFlow", "-D", "BFO_MAC=on"], "[ERR] Invalid value 'on' for BFO_MAC of basicFlow: expected u8 (integer) from 0 to 1"),
        (&["basicFlow", "-D", "BFO_MAX_HDRDESC=-1"], "[ERR] Invalid value '-1' for BFO_MAX_HDRDESC of basicFlow: expected u8 (integer) from 1 to 255"),
        (&["txtSink", "-D", "TFS_SPLIT=1.0"], "[ERR] Invalid value '1.0' for TFS_SPLIT of txtSink: expected u8 (integer) from 0 to 1"),
        (&["basicFlow", "-D", "BFO_MAC"], "[ERR] Option '-D' requires FLAG=VALUE (got 'BFO_MAC')"),
    ];
    for (args, want) in cases {
        let o = s.t2conf(args);
        assert!(!o.status.success(), "{args:?} accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().collect::<Vec<_>>(), [*want], "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&o.stdout));
        for (p, b) in PLUGINS.iter().zip(&before) {
            assert_eq!(&s.toml(p), b, "{args:?} left {p}'s t2plugin.toml unchanged");
        }
    }
    assert!(!s.home.path().join(".tranalyzer").exists());
}

#[test]
fn core_settings_file_applies_to_the_next_run_and_the_environment_overrides_it() {
    let s = Scratch::new(false);
    let plugins = TempDir::new("t2conf-core-plugins");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let out = TempDir::new("t2conf-core-out");
    s.t2conf_line("t2conf tranalyzer2 -D HASHCHAINTABLE_BASE_SIZE=4");
    let (_, rows, log) = s.t2_run(plugins.path(), out.path(), &[]);
    assert!(log.contains("Max number of flows in memory: 4 [100.00%]"), "{log}");
    assert!(rows.len() >= 11);
    let (_, _, log) = s.t2_run(plugins.path(), out.path(), &[("HASHCHAINTABLE_BASE_SIZE", "262144")]);
    assert!(!log.contains("Hash Autopilot"), "the environment wins: {log}");
    // --ip4 writes IPV6_ACTIVATE = 0: the next run creates flows for IPv4 only.
    let file = s.home.path().join(".tranalyzer/t2core.toml");
    s.t2conf_line("t2conf --ip4");
    assert!(fs::read_to_string(&file).unwrap().contains("IPV6_ACTIVATE = 0"));
    let (_, _, log) = s.t2_run(plugins.path(), out.path(), &[]);
    assert!(log.contains("Creating flows for L2, IPv4\n"), "{log}");
    s.t2conf_line("t2conf --dual");
    // A value out of range is refused, the file unchanged.
    let before = fs::read(&file).unwrap();
    let o = s.t2conf(&["tranalyzer2", "-D", "IPV6_ACTIVATE=3"]);
    assert!(!o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "[ERR] Invalid value '3' for IPV6_ACTIVATE of tranalyzer2: expected u8 (integer) from 0 to 2"
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    // A file t2 cannot use stops it with one line naming the file.
    fs::write(&file, "VERBOSE = 0\n").unwrap();
    let o = s
        .cmd(&bins().t2)
        .args(["-p", plugins.path().to_str().unwrap(), "-r", root().join("testdata/gre-sample.pcap").to_str().unwrap()])
        .args(["-w", out.path().join("x").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = strip_ansi(&String::from_utf8_lossy(&o.stderr));
    assert!(err.contains("t2core.toml': 'VERBOSE' is a setting of T2's core that t2rs does not implement yet"), "{err}");
    s.t2conf_line("t2conf --reset tranalyzer2");
    assert_eq!(fs::read_to_string(&file).unwrap().lines().filter(|l| !l.starts_with('#')).count(), 0);
}
