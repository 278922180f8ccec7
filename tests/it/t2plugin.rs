//! `t2plugin` end to end: a Rust plugin (`t2plugin -c rsCount`) and a C plugin
//! (`t2plugin -c cCount --c`) are created from the templates in a scratch folder, built and
//! installed with `t2build DIR` / `t2build NAME` into a temporary plugin folder, and loaded by
//! `t2` next to basicFlow and txtSink on testdata/gre-sample.pcap: each adds its example column
//! (packets per flow) to the flow file and the headers file, with the values of the original
//! T2's basicStats for the same flows. The Rust template's own unit test passes; `t2conf` on
//! the C plugin's folder switches its column off for the next build. Bad input is refused with
//! one line and creates nothing.
//!
//! `HOME` is a temporary folder for every command (never `~/.tranalyzer`); `T2HOME` is this
//! tree (the SDK the Rust template depends on, and t2_plugin.h for the C one); the generated
//! crate builds into `<target>/t2plugin-scratch`, shared between runs, so the SDK and its
//! dependencies compile once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use t2_tests::*;

/// Packets per flow of gre-sample.pcap by (direction, flowInd): the original T2 0.9.3's
/// basicStats column `pktsSnt` for this capture (its reference flow file in
/// ../shared/conformance/suricata-verify/bug-5633-gre-02/gre-sample.pcap.flows.txt).
const PKTS_SNT: [(&str, &str, u64); 11] = [
    ("A", "1", 4),
    ("B", "1", 6),
    ("A", "2", 1),
    ("B", "2", 1),
    ("A", "3", 12),
    ("B", "3", 10),
    ("A", "4", 2),
    ("A", "5", 1),
    ("B", "5", 1),
    ("A", "6", 1),
    ("B", "6", 1),
];

fn tool(name: &str) -> PathBuf {
    bins().t2build.with_file_name(name)
}

/// A scratch folder to create plugins in, a scratch home, a plugin folder.
struct Scratch {
    work: TempDir,
    home: TempDir,
    plugins: TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        bins();
        Scratch {
            work: TempDir::new("t2plugin-work"),
            home: TempDir::new("t2plugin-home"),
            plugins: TempDir::new("t2plugin-plugins"),
        }
    }

    /// `exe` in the work folder with the scratch environment.
    fn cmd(&self, exe: &Path) -> Command {
        let mut c = Command::new(exe);
        c.current_dir(self.work.path())
            .env("HOME", self.home.path())
            .env("T2HOME", root())
            .env("CARGO_TARGET_DIR", target_dir().join("t2plugin-scratch"))
            .env("CARGO_NET_OFFLINE", "true")
            .env("T2_LOG_COLOR", "0")
            .env_remove("SUDO_USER");
        c
    }

    fn run(&self, exe: &str, args: &[&str]) -> Output {
        self.cmd(&tool(exe)).args(args).output().expect("runs")
    }

    /// Runs and asserts success; returns stdout.
    fn ok(&self, exe: &str, args: &[&str]) -> String {
        let o = self.run(exe, args);
        assert!(
            o.status.success(),
            "{exe} {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// Runs and asserts failure with exactly one line on stderr; returns it.
    fn refused(&self, exe: &str, args: &[&str]) -> String {
        let o = self.run(exe, args);
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(!o.status.success(), "{exe} {args:?} succeeded:\n{err}");
        assert_eq!(err.lines().count(), 1, "{exe} {args:?}: one line:\n{err}");
        err.trim_end().to_string()
    }

    fn plugins_arg(&self) -> &str {
        self.plugins.path().to_str().unwrap()
    }

    /// t2 with the plugin folder on the capture: (header, rows, headers file).
    fn t2_run(&self) -> (Vec<String>, Vec<Vec<String>>, String) {
        let out = TempDir::new("t2plugin-out");
        let prefix = out.path().join("gre");
        let o = self
            .cmd(&bins().t2)
            .current_dir(root().join("testdata"))
            .args(["-p", self.plugins_arg(), "-r", "gre-sample.pcap", "-w"])
            .arg(&prefix)
            .arg("-l")
            .output()
            .expect("t2 runs");
        let log = fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap_or_default();
        assert!(
            o.status.success(),
            "t2 failed:\n{}\n{log}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!log.contains("[ERR]") && !log.contains("[WRN]"), "{log}");
        let (h, r) = read_flows(Path::new(&format!("{}_flows.txt", prefix.display())));
        let headers = fs::read_to_string(format!("{}_headers.txt", prefix.display())).unwrap();
        (h, r, headers)
    }
}

/// The line of `col` in a headers file: `N\tTYPE\tNAME\tDESC`.
fn header_line<'a>(headers: &'a str, col: &str) -> Option<Vec<&'a str>> {
    headers
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|c| c.get(2) == Some(&col))
}

fn basicflow_header() -> Vec<String> {
    read_flows(&root().join("testdata/golden/gre-sample.basicflow.flows.txt")).0
}

#[test]
fn rust_and_c_plugins_from_the_templates_build_install_and_add_their_columns() {
    let s = Scratch::new();
    install(s.plugins.path(), &["basicFlow", "txtSink"]);

    // Create: the Rust one with the default number (the first free one from 700 on that T2
    // does not use: 703), the C one with -n.
    let out = s.ok("t2plugin", &["-c", "rsCount"]);
    let rs = s.work.path().join("rsCount");
    assert!(
        out.starts_with(&format!(
            "Created the Rust plugin 'rsCount' (number 703) in '{}'\n",
            rs.display()
        )),
        "{out}"
    );
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "t2plugin.toml",
        "build.rs",
        "src/lib.rs",
    ] {
        assert!(rs.join(f).is_file(), "{f}");
    }
    let cargo = fs::read_to_string(rs.join("Cargo.toml")).unwrap();
    let sdk = fs::canonicalize(root().join("crates/t2-plugin")).unwrap();
    assert!(
        cargo.contains(&format!(
            "t2-plugin = {{ path = {:?} }}",
            sdk.display().to_string()
        )),
        "{cargo}"
    );
    let out = s.ok("t2plugin", &["-c", "cCount", "--c", "-n", "704"]);
    assert!(
        out.starts_with("Created the C plugin 'cCount' (number 704)"),
        "{out}"
    );
    let c = s.work.path().join("cCount");
    for f in ["cCount.c", "Makefile", "t2plugin.toml", "t2plugin_config.h"] {
        assert!(c.join(f).is_file(), "{f}");
    }

    // Build and install both by folder (one with a trailing '/', one as './NAME').
    let out = s.ok("t2build", &["-p", s.plugins_arg(), "rsCount/", "./cCount"]);
    let dir = s.plugins.path();
    for file in ["703_rsCount.so", "704_cCount.so"] {
        assert!(
            out.contains(&format!("Installed '{}'", dir.join(file).display())),
            "{out}"
        );
    }
    assert!(out.ends_with("BUILD SUCCESSFUL\n"), "{out}");

    // t2 runs them after basicFlow, before txtSink: their columns follow basicFlow's.
    let (header, rows, headers) = s.t2_run();
    let mut want = basicflow_header();
    want.extend(["rsCountPkts".to_string(), "cCountPkts".to_string()]);
    assert_eq!(header, want);
    assert_eq!(rows.len(), PKTS_SNT.len());
    let n = want.len();
    for row in &rows {
        assert_eq!(row.len(), n, "{row:?}");
        let (_, _, pkts) = PKTS_SNT
            .iter()
            .find(|(d, f, _)| *d == row[0] && *f == row[1])
            .unwrap_or_else(|| panic!("flow {} {} is not in the capture", row[0], row[1]));
        assert_eq!(
            (row[n - 2].as_str(), row[n - 1].as_str()),
            (pkts.to_string().as_str(), pkts.to_string().as_str()),
            "packets of flow {} {} (rsCountPkts, cCountPkts)",
            row[0],
            row[1]
        );
    }
    for col in ["rsCountPkts", "cCountPkts"] {
        let line = header_line(&headers, col).unwrap_or_else(|| panic!("{col} in:\n{headers}"));
        assert_eq!(
            line[1..],
            ["U64", col, "Number of packets of the flow"],
            "{line:?}"
        );
    }
    assert!(headers.contains(": rsCount, version 0.1.0\n"), "{headers}");
    assert!(headers.contains(": cCount, version 0.1.0\n"), "{headers}");

    // --plugin-info tells what each was built with.
    let info = s.ok(
        "t2",
        &["--plugin-info", "-p", s.plugins_arg(), "rsCount", "cCount"],
    );
    for want in [
        "703_rsCount.so",
        "704_cCount.so",
        "    ABI:          1.0",
        "RSCOUNT_PKTS = 1",
        "CCOUNT_PKTS = 1",
    ] {
        assert!(info.contains(want), "{want}:\n{info}");
    }

    // The Rust template's unit test (on the SDK's mock host) passes.
    let o = s
        .cmd(Path::new(env!("CARGO")))
        .current_dir(&rs)
        .args(["test", "--release", "--quiet"])
        .output()
        .expect("cargo test runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.success(),
        "cargo test in the Rust template:\n{text}"
    );
    assert!(text.contains("1 passed"), "{text}");

    // t2conf on the C plugin's folder, then t2build by its bare name (a folder of the current
    // directory): the column is gone from the next run, the Rust plugin's stays.
    let out = s.ok("t2conf", &["./cCount", "-D", "CCOUNT_PKTS=0"]);
    assert!(out.contains("cCount: CCOUNT_PKTS = 0"), "{out}");
    assert!(
        fs::read_to_string(c.join("t2plugin.toml"))
            .unwrap()
            .contains("\nvalue = 0\n"),
        "t2plugin.toml edited"
    );
    let out = s.ok("t2build", &["-p", s.plugins_arg(), "cCount"]);
    assert!(
        out.contains(&format!(
            "Wrote '{}'",
            c.join("t2plugin_config.h").display()
        )),
        "{out}"
    );
    let (header, rows, _) = s.t2_run();
    let mut want = basicflow_header();
    want.push("rsCountPkts".to_string());
    assert_eq!(header, want);
    assert_eq!(rows.len(), PKTS_SNT.len());
    let info = s.ok("t2", &["--plugin-info", "-p", s.plugins_arg(), "cCount"]);
    assert!(info.contains("CCOUNT_PKTS = 0"), "{info}");
}

#[test]
fn bad_input_is_refused_with_one_line_and_changes_nothing() {
    let s = Scratch::new();
    let work = s.work.path();
    let entries = || fs::read_dir(work).unwrap().count();

    for (args, want) in [
        (
            &["-c", "9lives"][..],
            "[ERR] Option '-c': invalid plugin name '9lives': use letters, digits and '_', starting with a letter",
        ),
        (
            &["-c", "my-plugin", "--c"][..],
            "[ERR] Option '-c': invalid plugin name 'my-plugin': use letters, digits and '_', starting with a letter",
        ),
        (
            &["-c", "fn"][..],
            "[ERR] Option '-c': invalid plugin name 'fn': it is reserved (a Rust keyword or a crate or folder name of cargo)",
        ),
        (
            &["-c", "x", "-n", "1000"][..],
            "[ERR] Option '-n': '1000' is not a plugin number (0 to 999)",
        ),
        (
            &["-c"][..],
            "[ERR] Option '-c' requires a plugin name (t2plugin -c NAME)",
        ),
        (&["-z"][..], "[ERR] Unknown option '-z'; see t2plugin -h"),
    ] {
        assert_eq!(s.refused("t2plugin", args), want, "{args:?}");
    }
    let e = s.refused("t2plugin", &["-c", "basicFlow"]);
    assert!(
        e.starts_with("[ERR] Option '-c': 'basicFlow' is already a plugin of the source tree"),
        "{e}"
    );
    assert_eq!(entries(), 0, "nothing created");

    // An existing folder is left alone.
    let taken = work.join("taken");
    fs::create_dir(&taken).unwrap();
    fs::write(taken.join("mine.txt"), "keep").unwrap();
    for lang in ["--rust", "--c"] {
        assert_eq!(
            s.refused("t2plugin", &["-c", "taken", lang]),
            format!(
                "[ERR] Option '-c': '{}' already exists; choose another name, or another folder with -t",
                taken.display()
            )
        );
    }
    assert_eq!(fs::read_dir(&taken).unwrap().count(), 1);
    assert_eq!(entries(), 1);

    // t2build refuses a folder that is no plugin, and installs nothing.
    assert_eq!(
        s.refused("t2build", &["-p", s.plugins_arg(), "./taken"]),
        "[ERR] './taken' is not a plugin folder (it has no t2plugin.toml; create one with 't2plugin -c NAME')"
    );
    assert_eq!(fs::read_dir(s.plugins.path()).unwrap().count(), 0);

    // --header is the ABI header of this tree.
    assert_eq!(
        s.ok("t2plugin", &["--header"]),
        fs::read_to_string(root().join("crates/t2-abi/include/t2_plugin.h")).unwrap()
    );
}
