//! t2conf on a temporary copy of the real plugins' `t2plugin.toml` files and a temporary home.

use std::ffi::OsString;
use std::fs;
use std::path::Path;

use super::*;
use crate::testutil::TempDir;

const BASIC_FLOW: &str = include_str!("../../../plugins/basicFlow/t2plugin.toml");
const TXT_SINK: &str = include_str!("../../../plugins/txtSink/t2plugin.toml");

struct Fx {
    tree: TempDir,
    home: TempDir,
}

impl Fx {
    fn new() -> Fx {
        let tree = TempDir::new();
        fs::write(tree.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        for (dir, text) in [("basicFlow", BASIC_FLOW), ("txtSink", TXT_SINK)] {
            let d = tree.path().join("plugins").join(dir);
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("t2plugin.toml"), text).unwrap();
            fs::write(
                d.join("Cargo.toml"),
                format!("[package]\nname = \"{dir}\"\nversion = \"0.9.3\"\n"),
            )
            .unwrap();
        }
        Fx {
            tree,
            home: TempDir::new(),
        }
    }

    fn toml(&self, name: &str) -> String {
        fs::read_to_string(
            self.tree
                .path()
                .join("plugins")
                .join(name)
                .join("t2plugin.toml"),
        )
        .unwrap()
    }

    fn core_file(&self) -> std::path::PathBuf {
        core_settings::core_file(self.home.path())
    }

    /// Runs t2conf with `args`: Ok(stdout) or Err(the one-line message).
    fn run(&self, args: &[&str]) -> Result<String, String> {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Result<String, String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let opts = cli::parse(&args).map_err(|e| format!("{e:#}"))?;
        let mut out = Vec::new();
        let mut conf = Conf {
            home: Some(self.home.path().to_path_buf()),
            env: env
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            out: &mut out,
        };
        let root = self.tree.path().to_path_buf();
        let r = conf.run(&opts, &mut || SourceTree::open(&root));
        let text = String::from_utf8(out).unwrap();
        match r {
            Ok(()) => Ok(text),
            Err(e) => Err(format!("{e:#}")),
        }
    }

    fn value(&self, plugin: &str, flag: &str) -> String {
        self.run(&[plugin, "-G", flag]).unwrap().trim().to_string()
    }
}

#[test]
fn tutorial_sequence_edits_values_and_keeps_everything_else() {
    let fx = Fx::new();
    let out = fx
        .run(&["basicFlow", "-D", "BFO_MAC=0", "-D", "BFO_VLAN=0"])
        .unwrap();
    assert!(out.contains("basicFlow: BFO_MAC = 0"), "{out}");
    assert!(
        out.contains("rebuild and install with 't2build basicFlow'"),
        "{out}"
    );
    let edited = fx.toml("basicFlow");
    // Exactly two lines changed: the two values.
    let changed: Vec<(&str, &str)> = BASIC_FLOW
        .lines()
        .zip(edited.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(BASIC_FLOW.lines().count(), edited.lines().count());
    assert_eq!(
        changed,
        [("value = 1", "value = 0"), ("value = 1", "value = 0")]
    );
    assert_eq!(fx.value("basicFlow", "BFO_MAC"), "0");
    assert_eq!(fx.value("basicFlow", "BFO_VLAN"), "0");

    fx.run(&[
        "basicFlow",
        "-D",
        "BFO_MAC=1",
        "-D",
        "BFO_ETHERTYPE=1",
        "-D",
        "BFO_VLAN=1",
        "-D",
        "BFO_SUBNET_TEST=1",
        "-D",
        "BFO_MAX_HDRDESC=4",
    ])
    .unwrap();
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW, "restored byte for byte");
}

#[test]
fn reset_all_restores_every_default() {
    let fx = Fx::new();
    fx.run(&[
        "basicFlow",
        "-D",
        "BFO_MAC=no",
        "-D",
        "BFO_MAX_HDRDESC=0x10",
    ])
    .unwrap();
    fx.run(&[
        "txtSink",
        "-D",
        "TFS_FLOWS_SUFFIX=\"_f.txt\"",
        "-D",
        "TFS_PRI_HDR=0",
    ])
    .unwrap();
    fx.run(&["t2", "-D", "FLOW_TIMEOUT=60"]).unwrap();
    assert_eq!(fx.value("basicFlow", "BFO_MAC"), "0");
    assert_eq!(fx.value("basicFlow", "BFO_MAX_HDRDESC"), "16");
    assert_eq!(fx.value("txtSink", "TFS_FLOWS_SUFFIX"), "\"_f.txt\"");
    assert_eq!(fx.value("tranalyzer2", "FLOW_TIMEOUT"), "60.0");
    let out = fx.run(&["--reset", "-a"]).unwrap();
    assert!(
        out.contains("basicFlow: every setting reset to its default"),
        "{out}"
    );
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW);
    assert_eq!(fx.toml("txtSink"), TXT_SINK);
    assert_eq!(fx.value("tranalyzer2", "FLOW_TIMEOUT"), "182.0");
    assert!(
        core_settings::read_file(&fx.core_file())
            .unwrap()
            .is_empty()
    );
    // Nothing to reset: nothing written.
    let out = fx.run(&["--reset", "basicFlow"]).unwrap();
    assert!(out.contains("basicFlow: nothing changed"), "{out}");
}

#[test]
fn bad_input_is_refused_in_one_line_and_nothing_is_written() {
    let fx = Fx::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["basicflow", "-D", "BFO_MAC=0"],
            "unknown plugin 'basicflow' (did you mean 'basicFlow'?); available: tranalyzer2, basicFlow, txtSink",
        ),
        (
            &["basicStats", "-D", "BS_REV_CNT=1"],
            "plugin 'basicStats' of T2 is not part of t2rs yet; available: tranalyzer2, basicFlow, txtSink",
        ),
        (
            &["basicFlow", "-D", "BFO_MACS=0"],
            "plugin 'basicFlow' has no flag 'BFO_MACS' (did you mean 'BFO_MAC'?); 't2conf basicFlow -I' lists its flags",
        ),
        (
            &["basicFlow", "-D", "BFO_MAC=2"],
            "invalid value '2' for BFO_MAC of basicFlow: expected u8 (integer) from 0 to 1",
        ),
        (
            &["basicFlow", "-D", "BFO_MAC=0", "-D", "BFO_MAX_HDRDESC=256"],
            "invalid value '256' for BFO_MAX_HDRDESC of basicFlow: expected u8 (integer) from 1 to 255",
        ),
        (
            &["basicFlow", "-D", "BFO_MAC=abc"],
            "invalid value 'abc' for BFO_MAC of basicFlow: expected u8 (integer) from 0 to 1",
        ),
        (
            &["basicFlow", "-D", "BFO_MAC=0.5"],
            "invalid value '0.5' for BFO_MAC of basicFlow: expected u8 (integer) from 0 to 1",
        ),
        (
            &["basicFlow", "-D", "BFO_VLAN=2"],
            "invalid value '2' for BFO_VLAN of basicFlow: expected one of 0, 1",
        ),
        (
            &["basicFlow", "-D", "BFO_MPLS=1"],
            "invalid value '1' for BFO_MPLS of basicFlow: expected 0",
        ),
        (
            &["txtSink", "-D", "TFS_FLOWS_SUFFIX=\"x"],
            "invalid value '\"x' for TFS_FLOWS_SUFFIX of txtSink: expected a string",
        ),
        (
            &["basicFlow", "txtSink", "-D", "BFO_MAC=0"],
            "option '-D' applies to one plugin, but 2 were given",
        ),
        (
            &["-a", "-D", "BFO_MAC=0"],
            "option '-D' applies to one plugin: name it instead of using -a",
        ),
        (
            &["basicFlow"],
            "nothing to do: give -D FLAG=VALUE, -G FLAG, -I, --reset, -g or -C (see t2conf -h)",
        ),
        (
            &["basicFlow", "-G", "NOPE"],
            "plugin 'basicFlow' has no flag 'NOPE'; 't2conf basicFlow -I' lists its flags",
        ),
    ];
    for (args, msg) in cases {
        let e = fx.run(args).unwrap_err();
        assert_eq!(&e, msg, "{args:?}");
        assert!(!e.contains('\n'));
        assert_eq!(fx.toml("basicFlow"), BASIC_FLOW, "{args:?}");
        assert_eq!(fx.toml("txtSink"), TXT_SINK, "{args:?}");
    }
    assert!(!fx.core_file().exists());
}

#[test]
fn values_yes_no_hex_default_and_strings() {
    let fx = Fx::new();
    fx.run(&["basicFlow", "-D", "BFO_MAC=no", "-D", "BFO_SENSORID=yes"])
        .unwrap();
    assert_eq!(fx.value("basicFlow", "BFO_MAC"), "0");
    assert_eq!(fx.value("basicFlow", "BFO_SENSORID"), "1");
    fx.run(&[
        "basicFlow",
        "-D",
        "BFO_MAC=default",
        "-D",
        "BFO_SENSORID=default",
    ])
    .unwrap();
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW);
    fx.run(&["txtSink", "-D", "TFS_FLOWS_SUFFIX=_a#b.txt"])
        .unwrap();
    assert_eq!(fx.value("txtSink", "TFS_FLOWS_SUFFIX"), "\"_a#b.txt\"");
    fx.run(&["txtSink", "-D", "TFS_FLOWS_SUFFIX=\"_q\\\"x.txt\""])
        .unwrap();
    assert_eq!(fx.value("txtSink", "TFS_FLOWS_SUFFIX"), r#""_q\"x.txt""#);
    let m = manifest::parse_manifest(&fx.toml("txtSink"), "x").unwrap();
    let v = &m
        .settings
        .iter()
        .find(|s| s.name == "TFS_FLOWS_SUFFIX")
        .unwrap()
        .value;
    assert_eq!(v.as_str(), Some("_q\"x.txt"));
}

#[test]
fn comments_and_layout_survive() {
    let text = "# top\n[plugin] # p\nname = \"x\"\nnumber = 1\nversion = \"1\"\n\n\
                # about A\n[config.A]\nvalue   =  1   # inline note\ndefault = 1\ntype = \"u8\"\n";
    let new = edit_plugin_text(text, &[("A".into(), Value::Integer(0))]).unwrap();
    assert_eq!(new, text.replace("value   =  1   #", "value   =  0   #"));
    let core = edit_core_text(
        "# mine\nFLOW_TIMEOUT = 30 # short\n",
        false,
        &[
            ("FLOW_TIMEOUT".into(), Value::Float(60.0)),
            ("HASH_AUTOPILOT".into(), Value::Integer(0)),
        ],
    )
    .unwrap();
    assert_eq!(
        core,
        "# mine\nFLOW_TIMEOUT = 60.0 # short\nHASH_AUTOPILOT = 0\n"
    );
}

#[test]
fn core_settings_file_and_ip_options() {
    let fx = Fx::new();
    let out = fx
        .run(&[
            "tranalyzer2",
            "-D",
            "FLOW_TIMEOUT=60",
            "-D",
            "HASH_AUTOPILOT=no",
        ])
        .unwrap();
    assert!(out.contains("takes effect at the next t2 run"), "{out}");
    let text = fs::read_to_string(fx.core_file()).unwrap();
    assert!(text.starts_with(core_settings::FILE_HEADER), "{text}");
    assert!(
        text.ends_with("FLOW_TIMEOUT = 60.0\nHASH_AUTOPILOT = 0\n"),
        "{text}"
    );
    assert_eq!(
        core_settings::file_vars(Some(fx.home.path())).unwrap(),
        [
            ("FLOW_TIMEOUT".to_string(), "60.0".to_string()),
            ("HASH_AUTOPILOT".into(), "0".into())
        ]
    );
    // --dual/--ip4/--ip6 write IPV6_ACTIVATE; a value out of range is refused, nothing written.
    fx.run(&["--dual"]).unwrap();
    assert!(
        fs::read_to_string(fx.core_file())
            .unwrap()
            .contains("IPV6_ACTIVATE = 2")
    );
    fx.run(&["--ip4"]).unwrap();
    assert!(
        fs::read_to_string(fx.core_file())
            .unwrap()
            .contains("IPV6_ACTIVATE = 0")
    );
    let before = fs::read_to_string(fx.core_file()).unwrap();
    assert_eq!(
        fx.run(&["--t2", "-D", "IPV6_ACTIVATE=3"]).unwrap_err(),
        "invalid value '3' for IPV6_ACTIVATE of tranalyzer2: expected u8 (integer) from 0 to 2"
    );
    assert_eq!(fs::read_to_string(fx.core_file()).unwrap(), before);
    let e = fx.run(&["--t2", "-D", "VERBOSE=0"]).unwrap_err();
    assert!(
        e == "'VERBOSE' is a setting of T2's core that t2rs does not implement yet (implemented: IPV6_ACTIVATE, ETH_ACTIVATE, RELTIME, FLOW_TIMEOUT, HASHCHAINTABLE_BASE_SIZE, HASH_AUTOPILOT, T2_LOG_COLOR, ALARM_MODE, FORCE_MODE, FDURLIMIT, FDLSFINDEX, MULTIPKTSUP, SPKTMD_PKTNO, SPKTMD_PCNTC, SPKTMD_PCNTH, SPKTMD_PCNTL, MACHINE_REPORT, DIFF_REPORT, MONINTTMPCP, PACKETLENGTH, ALARM_AND, AGGREGATIONFLAG, SRCIP4CMSK, DSTIP4CMSK, SRCIP6CMSK, DSTIP6CMSK, SRCPORTLW, SRCPORTHW, DSTPORTLW, DSTPORTHW, SCTP_ACTIVATE, SCTP_STATFINDEX)",
        "{e}"
    );
    let e = fx.run(&["t2", "-D", "FLOW_TIMEOUT=0"]).unwrap_err();
    assert_eq!(
        e,
        "invalid value '0' for FLOW_TIMEOUT of tranalyzer2: expected a number from 0.001 to 1000000000"
    );
    assert_eq!(fs::read_to_string(fx.core_file()).unwrap(), before);
    // A plugin edit and a core option together.
    fx.run(&["basicFlow", "-D", "BFO_MAC=0", "--dual"]).unwrap();
    assert_eq!(fx.value("basicFlow", "BFO_MAC"), "0");
    // -I shows the file and the environment.
    let info = fx.run_env(&["t2", "-I"], &[("FLOW_TIMEOUT", "5")]).unwrap();
    assert!(info.contains("FLOW_TIMEOUT"), "{info}");
    assert!(info.contains("60.0 *"), "{info}");
    assert!(
        info.contains("Note: FLOW_TIMEOUT=5 is set in the environment"),
        "{info}"
    );
    // A bad file is named.
    fs::write(fx.core_file(), "VERBOSE = 1\n").unwrap();
    let e = format!(
        "{:#}",
        core_settings::file_vars(Some(fx.home.path())).unwrap_err()
    );
    assert!(
        e.contains("t2core.toml': 'VERBOSE' is a setting of T2's core"),
        "{e}"
    );
    fs::write(fx.core_file(), "FLOW_TIMEOUT = \"x\"\n").unwrap();
    let e = format!(
        "{:#}",
        core_settings::file_vars(Some(fx.home.path())).unwrap_err()
    );
    assert!(
        e.ends_with(
            "invalid value \"x\" for FLOW_TIMEOUT: expected a number from 0.001 to 1000000000"
        ),
        "{e}"
    );
}

#[test]
fn info_lists_every_flag() {
    let fx = Fx::new();
    fx.run(&["basicFlow", "-D", "BFO_MAC=0"]).unwrap();
    let info = fx.run(&["basicFlow", "-I"]).unwrap();
    let m = manifest::parse_manifest(BASIC_FLOW, "x").unwrap();
    for s in &m.settings {
        let line = info
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", s.name)))
            .unwrap();
        assert!(line.contains(&s.doc), "{line}");
    }
    let mac = info.lines().find(|l| l.contains("BFO_MAC ")).unwrap();
    assert!(
        mac.contains(" u8 ") && mac.contains(" 0 to 1 ") && mac.contains(" 0 * "),
        "{mac}"
    );
    assert!(
        info.starts_with("basicFlow 0.9.3 (plugin 100): Basic flow information\n"),
        "{info}"
    );
}

#[test]
fn generate_and_apply_config_files() {
    let fx = Fx::new();
    let cfg = fx.home.path().join("bf.config");
    fx.run(&["basicFlow", "-D", "BFO_MAC=0", "-g", cfg.to_str().unwrap()])
        .unwrap();
    let text = fs::read_to_string(&cfg).unwrap();
    assert!(text.starts_with("# :name: basicFlow\n"), "{text}");
    assert!(text.contains("\nBFO_MAC = 0\n"), "{text}");
    fx.run(&["--reset", "basicFlow"]).unwrap();
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW);
    fx.run(&["basicFlow", "-C", cfg.to_str().unwrap()]).unwrap();
    assert_eq!(fx.value("basicFlow", "BFO_MAC"), "0");
    fx.run(&["basicFlow", "-C", "default"]).unwrap();
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW);
    // T2's format: comments, yes/no, trailing comments; a bad line names file and line.
    fs::write(
        &cfg,
        "# :name: basicFlow\n% x\nBFO_MAC = no # off\n\nBFO_VLAN = 0\n",
    )
    .unwrap();
    fx.run(&["basicFlow", "-C", cfg.to_str().unwrap()]).unwrap();
    assert_eq!(
        (
            fx.value("basicFlow", "BFO_MAC"),
            fx.value("basicFlow", "BFO_VLAN")
        ),
        ("0".into(), "0".into())
    );
    fx.run(&["--reset", "basicFlow"]).unwrap();
    fs::write(&cfg, "BFO_MAC = 0\nBFO_VLAN = 7\n").unwrap();
    let e = fx
        .run(&["basicFlow", "-C", cfg.to_str().unwrap()])
        .unwrap_err();
    assert!(
        e.ends_with(
            "bf.config:2: invalid value '7' for BFO_VLAN of basicFlow: expected one of 0, 1"
        ),
        "{e}"
    );
    fs::write(&cfg, "# :name: txtSink\nTFS_SPLIT = 0\n").unwrap();
    let e = fx
        .run(&["basicFlow", "-C", cfg.to_str().unwrap()])
        .unwrap_err();
    assert!(
        e.ends_with("bf.config:1: this file is for 'txtSink', not for 'basicFlow'"),
        "{e}"
    );
    assert_eq!(fx.toml("basicFlow"), BASIC_FLOW);
    // To standard output.
    let out = fx.run(&["txtSink", "-g", "-"]).unwrap();
    assert!(out.contains("TFS_FLOWS_SUFFIX = \"_flows.txt\""), "{out}");
}

#[test]
fn a_write_replaces_the_file_atomically() {
    let fx = Fx::new();
    let path = fx.tree.path().join("plugins/basicFlow/t2plugin.toml");
    write_atomic(&path, "x").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "x");
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("t2conf"))
        .collect();
    assert!(leftovers.is_empty());
    assert!(Path::new(&path).is_file());
}

#[test]
fn the_core_catalogue_is_valid_and_its_defaults_are_the_cores() {
    let m = core_settings::catalogue();
    assert_eq!(m.name, "tranalyzer2");
    for s in &m.settings {
        assert_eq!(s.value, s.default, "{}", s.name);
        assert!(
            !core_settings::NOT_IMPLEMENTED.contains(&s.name.as_str()),
            "{}",
            s.name
        );
    }
}

#[test]
fn installed_plugins_are_compared_with_the_toml() {
    let m = manifest::parse(BASIC_FLOW, "t2plugin.toml").unwrap();
    let built: Vec<(String, String)> = m
        .settings
        .iter()
        .map(|s| (s.name.clone(), value_literal(&s.value)))
        .collect();
    assert!(installed_differences(&m, 100, "0.9.3", &[], &built).is_empty());
    let mut changed = built.clone();
    changed.iter_mut().find(|(n, _)| n == "BFO_MAC").unwrap().1 = "0".into();
    changed.retain(|(n, _)| n != "BFO_VLAN");
    changed.push(("BFO_OLD".into(), "1".into()));
    assert_eq!(
        installed_differences(&m, 101, "0.9.2", &["x".into()], &changed),
        [
            "number 101 in the .so, 100 in the TOML",
            "version 0.9.2 in the .so, 0.9.3 in the TOML",
            "dependencies x in the .so, none in the TOML",
            "BFO_MAC is 0 in the .so, 1 in the TOML",
            "BFO_VLAN is not in the .so (added since it was built)",
            "BFO_OLD is in the .so but no longer in the TOML",
        ]
    );
    let core = core_settings::catalogue();
    let lits = [("FLOW_TIMEOUT".to_string(), "182".to_string())];
    let s = core
        .settings
        .iter()
        .find(|s| s.name == "FLOW_TIMEOUT")
        .unwrap();
    assert!(same_literal(s, &lits[0].1));
}

#[test]
fn reset_repairs_a_broken_core_file() {
    let fx = Fx::new();
    fs::create_dir_all(fx.core_file().parent().unwrap()).unwrap();
    for bad in ["VERBOSE = 0\n", "FLOW_TIMEOUT = = 3\n"] {
        fs::write(fx.core_file(), bad).unwrap();
        assert!(fx.run(&["t2", "-I"]).is_err());
        fx.run(&["t2", "--reset"]).unwrap();
        assert!(
            core_settings::read_file(&fx.core_file())
                .unwrap()
                .is_empty()
        );
    }
}
