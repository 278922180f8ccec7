//! Session-level tests: a fake builder writes fake `.so` files, everything happens in temporary
//! folders.

use std::fs;
use std::io::Cursor;

use super::*;
use crate::testutil::TempDir;

/// Writes `lib<name>.so` / the core executables into its own folder; fails for `fail`.
struct FakeBuilder {
    out: TempDir,
    built: Vec<String>,
    fail: Vec<String>,
}

impl FakeBuilder {
    fn new() -> FakeBuilder {
        FakeBuilder {
            out: TempDir::new(),
            built: Vec::new(),
            fail: Vec::new(),
        }
    }
}

impl Builder for FakeBuilder {
    fn build_plugin(&mut self, _tree: &SourceTree, plugin: &tree::Plugin) -> Result<PathBuf> {
        if self.fail.contains(&plugin.name) {
            bail!(
                "cargo build --release -p {} failed (exit status: 101)",
                plugin.package
            );
        }
        self.built.push(plugin.name.clone());
        let p = self.out.path().join(format!("lib{}.so", plugin.lib_name));
        fs::write(&p, &plugin.name)?;
        Ok(p)
    }

    fn build_external(&mut self, plugin: &tree::Plugin) -> Result<PathBuf> {
        if self.fail.contains(&plugin.name) {
            bail!("make failed in '{}' (exit status: 2)", plugin.dir.display());
        }
        self.built
            .push(format!("{}@{}", plugin.name, plugin.dir.display()));
        let p = self.out.path().join(format!("lib{}.so", plugin.lib_name));
        fs::write(&p, format!("{:?} {}", plugin.kind, plugin.name))?;
        Ok(p)
    }

    fn build_core(&mut self, _tree: &SourceTree) -> Result<Vec<(String, PathBuf)>> {
        self.built.push("tranalyzer2".into());
        tree::CORE_BINARIES
            .iter()
            .chain(tree::TOOL_BINARIES)
            .map(|n| {
                let p = self.out.path().join(n);
                fs::write(&p, "exe")?;
                Ok((n.to_string(), p))
            })
            .collect()
    }
}

struct Fixture {
    home: TempDir,
    src: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let src = TempDir::new();
        fs::write(src.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        for (name, num) in [
            ("basicFlow", 100),
            ("txtSink", 901),
            ("tcpStates", 132),
            ("extraPlugin", 700),
        ] {
            let d = src.path().join("plugins").join(name);
            fs::create_dir_all(&d).unwrap();
            let deps = if name == "tcpStates" {
                "[\"tcpFlags\"]"
            } else {
                "[]"
            };
            fs::write(
                d.join("t2plugin.toml"),
                format!("[plugin]\nname = \"{name}\"\nnumber = {num}\nversion = \"0.9.3\"\ndependencies = {deps}\n"),
            )
            .unwrap();
            fs::write(
                d.join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n"),
            )
            .unwrap();
        }
        Fixture {
            home: TempDir::new(),
            src,
        }
    }

    fn plugin_dir(&self) -> PathBuf {
        default_plugin_dir(self.home.path())
    }

    /// Runs `t2build ARGS` with `stdin` as the answers; returns (success, stdout).
    fn run(&self, args: &[&str], builder: &mut FakeBuilder, stdin: &str) -> Result<(bool, String)> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let opts = cli::parse(&args)?;
        let mut out = Vec::new();
        let mut input = Cursor::new(stdin.as_bytes().to_vec());
        let root = self.src.path().to_path_buf();
        let mut locate = || SourceTree::open(&root);
        let ok = run(
            &opts,
            Some(self.home.path()),
            &mut locate,
            builder,
            &mut out,
            &mut input,
            false,
        )?;
        Ok((ok, String::from_utf8(out).unwrap()))
    }

    fn installed(&self) -> Vec<String> {
        folder::list(&self.plugin_dir())
            .unwrap()
            .into_iter()
            .map(|p| p.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }
}

#[test]
fn build_named_plugins() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let (ok, out) = f
        .run(&["txtSink", "basicFlow/", "txtSink"], &mut b, "")
        .unwrap();
    assert!(ok);
    assert_eq!(b.built, ["txtSink", "basicFlow"]);
    assert_eq!(f.installed(), ["100_basicFlow.so", "901_txtSink.so"]);
    let dir = f.plugin_dir();
    // basicFlow's subnet tables are installed with it (their sizes depend on the system's
    // packages: docs/databases.md).
    let subnet_lines = |name: &str| format!("Installed '{}/{name}' (", dir.display());
    assert!(out.contains(&subnet_lines("subnets4.bin")) && out.contains(&subnet_lines("subnets6.bin")), "{out}");
    let out: String = out
        .lines()
        .filter(|l| !l.contains("/subnets4.bin' (") && !l.contains("/subnets6.bin' ("))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        out,
        format!(
            "\nPlugin 'txtSink'\nInstalled '{d}/901_txtSink.so'\n\nPlugin 'basicFlow'\nInstalled '{d}/100_basicFlow.so'\n\nBUILD SUCCESSFUL\n",
            d = dir.display()
        )
    );
    assert_eq!(
        fs::read_to_string(dir.join("100_basicFlow.so")).unwrap(),
        "basicFlow"
    );
}

#[test]
fn unknown_name_builds_nothing() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let e = f
        .run(&["basicFlow", "protoStat"], &mut b, "")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "unknown plugin 'protoStat'; available: tranalyzer2, basicFlow, extraPlugin, tcpStates, txtSink"
    );
    assert!(b.built.is_empty());
    assert!(f.installed().is_empty());
}

#[test]
fn default_set_builds_core_and_existing_defaults() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let (ok, out) = f
        .run(
            &["--bin-dir", &f.home.path().join("bin").to_string_lossy()],
            &mut b,
            "",
        )
        .unwrap();
    assert!(ok);
    assert_eq!(
        b.built,
        ["tranalyzer2", "basicFlow", "tcpStates", "txtSink"]
    );
    assert!(
        out.contains("Plugin 'basicStats' is not in the source tree yet (skipped)\n"),
        "{out}"
    );
    assert!(out.contains("\nPlugin 'tranalyzer2'\n"), "{out}");
    assert!(out.ends_with("\nBUILD SUCCESSFUL\n"), "{out}");
    assert!(f.home.path().join("bin/t2").is_file());
    assert!(f.home.path().join("bin/tranalyzer").is_file());
    // tcpStates depends on tcpFlags, which is not installed.
    assert!(
        out.contains(
            "[WRN] 'tcpStates' needs 'tcpFlags', which is not installed: t2build tcpFlags"
        ),
        "{out}"
    );
    assert_eq!(
        f.installed(),
        ["100_basicFlow.so", "132_tcpStates.so", "901_txtSink.so"]
    );
}

#[test]
fn core_goes_to_local_bin_by_default() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let (ok, out) = f.run(&["t2"], &mut b, "").unwrap();
    assert!(ok);
    let bin = f.home.path().join(".local/bin");
    assert!(
        out.contains(&format!("Installed '{}'", bin.join("t2").display())),
        "{out}"
    );
    assert!(bin.join("tranalyzer").is_file());
    assert!(bin.join("t2conf").is_file() && bin.join("t2build").is_file());
    assert!(bin.join("t2plugin").is_file());
    // The ABI header for C plugins (the tree has none: the one compiled in).
    let header = f.home.path().join(".tranalyzer/include/t2_plugin.h");
    assert!(
        out.contains(&format!("Installed '{}'", header.display())),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&header).unwrap(), template::T2_PLUGIN_H);
    assert!(f.installed().is_empty());
}

/// Out-of-tree plugin folders: a Rust crate and a C plugin, next to the fixture's tree.
fn external(f: &Fixture) -> (PathBuf, PathBuf) {
    let ext = f.home.path().join("work");
    let rs = ext.join("rsPlug");
    fs::create_dir_all(&rs).unwrap();
    fs::write(
        rs.join("t2plugin.toml"),
        "[plugin]\nname = \"rsPlug\"\nnumber = 703\nversion = \"0.1.0\"\ndependencies = [\"basicFlow\"]\n",
    )
    .unwrap();
    fs::write(rs.join("Cargo.toml"), "[package]\nname = \"rs-plug\"\n").unwrap();
    let c = ext.join("cPlug");
    fs::create_dir_all(&c).unwrap();
    fs::write(
        c.join("t2plugin.toml"),
        "[plugin]\nname = \"cPlug\"\nnumber = 704\nversion = \"0.1.0\"\n\n\
         [config.CPLUG_PKTS]\nvalue = 1\ndefault = 1\ntype = \"u8\"\nrange = [0, 1]\n",
    )
    .unwrap();
    fs::write(c.join("Makefile"), "all:\n").unwrap();
    (rs, c)
}

#[test]
fn build_out_of_tree_folders() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let (rs, c) = external(&f);
    let (ok, out) = f
        .run(
            &[
                &format!("{}/", rs.display()),
                c.to_str().unwrap(),
                "basicFlow",
            ],
            &mut b,
            "",
        )
        .unwrap();
    assert!(ok, "{out}");
    assert_eq!(
        b.built,
        [
            format!("rsPlug@{}", rs.display()),
            format!("cPlug@{}", c.display()),
            "basicFlow".to_string()
        ]
    );
    assert_eq!(
        f.installed(),
        ["100_basicFlow.so", "703_rsPlug.so", "704_cPlug.so"]
    );
    let dir = f.plugin_dir();
    assert_eq!(
        fs::read_to_string(dir.join("703_rsPlug.so")).unwrap(),
        "Crate rsPlug"
    );
    assert_eq!(
        fs::read_to_string(dir.join("704_cPlug.so")).unwrap(),
        "Make cPlug"
    );
    assert!(
        out.contains(&format!("\nPlugin 'rsPlug' ({})\n", rs.display())),
        "{out}"
    );
    // The C plugin's settings were written as C macros before make.
    let header = c.join(template::C_CONFIG_HEADER);
    assert!(
        out.contains(&format!("Wrote '{}'", header.display())),
        "{out}"
    );
    assert!(
        fs::read_to_string(&header)
            .unwrap()
            .contains("#define CPLUG_PKTS 1\n")
    );
    // basicFlow was installed after rsPlug, which needs it: warned then.
    assert!(
        out.contains("[WRN] 'rsPlug' needs 'basicFlow', which is not installed"),
        "{out}"
    );
}

#[test]
fn out_of_tree_folders_need_no_source_tree() {
    let f = Fixture::new();
    let (_, c) = external(&f);
    let args: Vec<OsString> = vec![c.clone().into_os_string()];
    let opts = cli::parse(&args).unwrap();
    let mut locate = || -> Result<SourceTree> { bail!("cannot find the t2rs source tree") };
    let mut out = Vec::new();
    let mut b = FakeBuilder::new();
    let ok = run(
        &opts,
        Some(f.home.path()),
        &mut locate,
        &mut b,
        &mut out,
        &mut Cursor::new(Vec::new()),
        false,
    )
    .unwrap();
    assert!(ok);
    assert_eq!(f.installed(), ["704_cPlug.so"]);
    // A name still needs the tree.
    let opts = cli::parse(&[OsString::from("basicFlow")]).unwrap();
    let e = run(
        &opts,
        Some(f.home.path()),
        &mut locate,
        &mut b,
        &mut Vec::new(),
        &mut Cursor::new(Vec::new()),
        false,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e, "cannot find the t2rs source tree");
}

#[test]
fn bad_out_of_tree_folders_build_nothing() {
    let f = Fixture::new();
    let (rs, c) = external(&f);
    let mut b = FakeBuilder::new();
    // A folder without t2plugin.toml.
    let plain = f.home.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    let e = f
        .run(&["basicFlow", plain.to_str().unwrap()], &mut b, "")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "'{}' is not a plugin folder (it has no t2plugin.toml; create one with 't2plugin -c NAME')",
            plain.display()
        )
    );
    // Neither Cargo.toml nor Makefile.
    fs::remove_file(c.join("Makefile")).unwrap();
    let e = f
        .run(&[c.to_str().unwrap()], &mut b, "")
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("has neither a Cargo.toml (Rust plugin) nor a Makefile (C plugin)"),
        "{e}"
    );
    // A bad number.
    fs::write(
        rs.join("t2plugin.toml"),
        "[plugin]\nname = \"rsPlug\"\nnumber = 1703\n",
    )
    .unwrap();
    let e = f
        .run(&[rs.to_str().unwrap()], &mut b, "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("number 1703 is out of range"), "{e}");
    assert!(b.built.is_empty());
    assert!(f.installed().is_empty());
}

#[test]
fn failed_out_of_tree_build_is_reported() {
    let f = Fixture::new();
    let (_, c) = external(&f);
    let mut b = FakeBuilder::new();
    b.fail.push("cPlug".into());
    let (ok, out) = f.run(&[c.to_str().unwrap()], &mut b, "").unwrap();
    assert!(!ok);
    assert!(out.contains("[ERR] cPlug: make failed in"), "{out}");
    assert!(out.ends_with("\nBUILD FAILED: cPlug\n"), "{out}");
    assert!(f.installed().is_empty());
}

#[test]
fn a_tree_plugin_given_by_path_is_the_trees() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    let path = f.src.path().join("plugins/txtSink");
    let (ok, _) = f.run(&[path.to_str().unwrap()], &mut b, "").unwrap();
    assert!(ok);
    assert_eq!(b.built, ["txtSink"]);
    assert_eq!(f.installed(), ["901_txtSink.so"]);
}

#[test]
fn failed_build_is_reported_and_others_installed() {
    let f = Fixture::new();
    let mut b = FakeBuilder::new();
    b.fail.push("basicFlow".into());
    let (ok, out) = f.run(&["basicFlow", "txtSink"], &mut b, "").unwrap();
    assert!(!ok);
    assert!(
        out.contains("[ERR] basicFlow: cargo build --release -p basicFlow failed"),
        "{out}"
    );
    assert!(out.ends_with("\nBUILD FAILED: basicFlow\n"), "{out}");
    assert_eq!(f.installed(), ["901_txtSink.so"]);
}

#[test]
fn rebuild_what_is_installed() {
    let f = Fixture::new();
    let dir = f.plugin_dir();
    fs::create_dir_all(&dir).unwrap();
    for file in [
        "901_txtSink.so",
        "100_basicFlow.so",
        "310_httpSniffer.so",
        "portmap.txt",
    ] {
        fs::write(dir.join(file), "old").unwrap();
    }
    let mut b = FakeBuilder::new();
    let (ok, out) = f.run(&["-R"], &mut b, "").unwrap();
    assert!(ok);
    assert_eq!(b.built, ["tranalyzer2", "basicFlow", "txtSink"]);
    assert!(
        out.contains("Plugin 'httpSniffer' is installed but not part of the source tree (skipped)"),
        "{out}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("100_basicFlow.so")).unwrap(),
        "basicFlow"
    );
}

#[test]
fn empty_with_yes() {
    let f = Fixture::new();
    let dir = f.plugin_dir();
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("100_basicFlow.so"), "x").unwrap();
    fs::write(dir.join("portmap.txt"), "x").unwrap();
    let (ok, out) = f.run(&["-e", "-y"], &mut FakeBuilder::new(), "").unwrap();
    assert!(ok);
    assert_eq!(
        out,
        format!(
            "Are you sure you want to empty the plugin folder '{}' (y/N)? yes\nPlugin folder emptied\n",
            dir.display()
        )
    );
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn empty_asks() {
    let f = Fixture::new();
    let dir = f.plugin_dir();
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("100_basicFlow.so"), "x").unwrap();
    for no in ["n\n", "\n", "", "nope\n"] {
        let (ok, out) = f.run(&["-e"], &mut FakeBuilder::new(), no).unwrap();
        assert!(ok);
        assert!(
            out.ends_with("(y/N)? Plugin folder not emptied\n")
                || out.ends_with("(y/N)? \nPlugin folder not emptied\n"),
            "{out:?}"
        );
        assert_eq!(f.installed().len(), 1);
    }
    let (_, out) = f.run(&["-e"], &mut FakeBuilder::new(), "Yes\n").unwrap();
    assert!(out.ends_with("(y/N)? Plugin folder emptied\n"), "{out}");
    assert!(f.installed().is_empty());
}

#[test]
fn unload_plugins() {
    let f = Fixture::new();
    let dir = f.plugin_dir();
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("140_icmpDecode.so"), "x").unwrap();
    fs::write(dir.join("500_connStat.so"), "x").unwrap();
    let (ok, out) = f
        .run(
            &["-u", "icmpDecode", "tcpFlags"],
            &mut FakeBuilder::new(),
            "",
        )
        .unwrap();
    assert!(ok);
    assert_eq!(
        out,
        format!(
            "\nPlugin 'icmpDecode'\nRemoved '{d}/140_icmpDecode.so'\n\nPlugin 'tcpFlags'\nNot installed in '{d}'\n\nBUILD SUCCESSFUL\n",
            d = dir.display()
        )
    );
    assert_eq!(f.installed(), ["500_connStat.so"]);
    let e = f
        .run(&["-u", "tranalyzer2"], &mut FakeBuilder::new(), "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'tranalyzer2' is not a plugin"), "{e}");
}

#[test]
fn list_installed() {
    let f = Fixture::new();
    let (_, out) = f.run(&["-l"], &mut FakeBuilder::new(), "").unwrap();
    assert_eq!(
        out,
        format!("No plugins installed in '{}'\n", f.plugin_dir().display())
    );
    let other = f.home.path().join("other");
    fs::create_dir_all(&other).unwrap();
    for file in [
        "901_txtSink.so",
        "001_protoStats.so",
        "100_basicFlow.so",
        "plugins.txt",
    ] {
        fs::write(other.join(file), "x").unwrap();
    }
    let (ok, out) = f
        .run(
            &["-l", "-p", &other.to_string_lossy()],
            &mut FakeBuilder::new(),
            "",
        )
        .unwrap();
    assert!(ok);
    assert_eq!(
        out,
        format!(
            "Plugins installed in '{}':\n    001 protoStats\n    100 basicFlow\n    901 txtSink\n",
            other.display()
        )
    );
}

#[test]
fn plugin_dir_option_is_used_for_install() {
    let f = Fixture::new();
    let other = f.home.path().join("p");
    let (ok, _) = f
        .run(
            &["-p", &other.to_string_lossy(), "basicFlow"],
            &mut FakeBuilder::new(),
            "",
        )
        .unwrap();
    assert!(ok);
    assert!(other.join("100_basicFlow.so").is_file());
    assert!(f.installed().is_empty());
}

#[test]
fn help_and_missing_home() {
    let mut out = Vec::new();
    let opts = cli::parse(&[OsString::from("-h")]).unwrap();
    let mut locate = || -> Result<SourceTree> { bail!("not needed") };
    let mut input = Cursor::new(Vec::new());
    assert!(
        run(
            &opts,
            None,
            &mut locate,
            &mut FakeBuilder::new(),
            &mut out,
            &mut input,
            false
        )
        .unwrap()
    );
    assert_eq!(String::from_utf8(out).unwrap(), cli::usage());

    let opts = cli::parse(&[OsString::from("-l")]).unwrap();
    let e = run(
        &opts,
        None,
        &mut locate,
        &mut FakeBuilder::new(),
        &mut Vec::new(),
        &mut input,
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("HOME is not set"), "{e}");
}
