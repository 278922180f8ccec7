//! One test per rule of the command line.

use super::*;

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn env() -> Env {
    Env {
        home: Some(PathBuf::from("/home/u")),
        is_root: false,
        ncpus: 4,
        core_vars: Vec::new(),
    }
}

fn raw(args: &[&str]) -> RawArgs {
    match parse_args(&os(args)).unwrap() {
        Parsed::Run(r) => r,
        other => panic!("{other:?}"),
    }
}

/// Stage 1 + 2 with `t2` as argv[0].
fn plan(args: &[&str]) -> Result<Plan> {
    plan_env(args, &env())
}

fn plan_env(args: &[&str], e: &Env) -> Result<Plan> {
    let mut argv = os(&["t2"]);
    argv.extend(os(args));
    match parse_args(&argv[1..])? {
        Parsed::Run(r) => build_config(&r, &argv, e),
        other => bail!("not a run: {other:?}"),
    }
}

fn cfg(args: &[&str]) -> Config {
    plan(args).unwrap().config
}

fn err(args: &[&str]) -> String {
    match plan(args) {
        Ok(p) => panic!("accepted: {:?}", p.config),
        Err(e) => format!("{e:#}"),
    }
}

fn opt(letter: char, spelled: &str, value: Option<&str>) -> RawOpt {
    RawOpt {
        letter,
        spelled: spelled.into(),
        value: value.map(OsString::from),
    }
}

/// A unique scratch folder under the system temp dir.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("t2cli-test-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
    fn s(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- stage 1: getopt ----------------------------------------------------------------------

#[test]
fn no_arguments_is_usage() {
    assert_eq!(parse_args(&[]).unwrap(), Parsed::Usage);
}

#[test]
fn help_and_version_act_when_met() {
    assert_eq!(parse_args(&os(&["-h"])).unwrap(), Parsed::Help);
    assert_eq!(parse_args(&os(&["-?"])).unwrap(), Parsed::Help);
    assert_eq!(parse_args(&os(&["--help"])).unwrap(), Parsed::Help);
    assert_eq!(parse_args(&os(&["-V"])).unwrap(), Parsed::Version);
    assert_eq!(parse_args(&os(&["--version"])).unwrap(), Parsed::Version);
    assert_eq!(parse_args(&os(&["--vers"])).unwrap(), Parsed::Version);
    // Later garbage is never looked at; earlier garbage is an error.
    assert_eq!(
        parse_args(&os(&["-r", "x", "-V", "-Z"])).unwrap(),
        Parsed::Version
    );
    assert_eq!(parse_args(&os(&["-lV"])).unwrap(), Parsed::Version);
    assert!(parse_args(&os(&["-Z", "-V"])).is_err());
}

#[test]
fn short_option_arguments() {
    assert_eq!(
        raw(&["-r", "a.pcap"]).opts,
        [opt('r', "-r", Some("a.pcap"))]
    );
    assert_eq!(raw(&["-ra.pcap"]).opts, [opt('r', "-r", Some("a.pcap"))]);
    // A required argument is taken even when it looks like an option (getopt).
    assert_eq!(raw(&["-P", "-5"]).opts, [opt('P', "-P", Some("-5"))]);
}

#[test]
fn bundled_short_options() {
    assert_eq!(
        raw(&["-lr", "f"]).opts,
        [opt('l', "-l", None), opt('r', "-r", Some("f"))]
    );
    assert_eq!(
        raw(&["-lrf"]).opts,
        [opt('l', "-l", None), opt('r', "-r", Some("f"))]
    );
    assert_eq!(raw(&["-rl"]).opts, [opt('r', "-r", Some("l"))]);
}

#[test]
fn long_options() {
    assert_eq!(raw(&["--pcap", "a"]).opts, [opt('r', "--pcap", Some("a"))]);
    assert_eq!(raw(&["--pcap=a"]).opts, [opt('r', "--pcap", Some("a"))]);
    assert_eq!(
        raw(&["--pcap-list=l"]).opts,
        [opt('R', "--pcap-list", Some("l"))]
    );
    assert_eq!(raw(&["--input-regex", "x"]).opts[0].letter, 'D');
    assert_eq!(raw(&["--interface", "eth0"]).opts[0].letter, 'i');
    assert_eq!(raw(&["--output-prefix", "o"]).opts[0].letter, 'w');
    assert_eq!(raw(&["--output-regex", "o"]).opts[0].letter, 'W');
    assert_eq!(raw(&["--logfile"]).opts, [opt('l', "--logfile", None)]);
    // Unambiguous prefixes, as getopt_long.
    assert_eq!(raw(&["--log"]).opts, [opt('l', "--logfile", None)]);
    assert_eq!(raw(&["--pcap-l", "x"]).opts[0].letter, 'R');
    assert_eq!(raw(&["--pcap=", "x"]).opts, [opt('r', "--pcap", Some(""))]);
}

#[test]
fn operands_anywhere_and_after_double_dash() {
    let r = raw(&["tcp", "-r", "f", "port", "80", "--", "-l"]);
    assert_eq!(r.opts, [opt('r', "-r", Some("f"))]);
    assert_eq!(r.operands, os(&["tcp", "port", "80", "-l"]));
    assert_eq!(raw(&["-r", "f", "-"]).operands, os(&["-"]));
}

#[test]
fn stage1_errors() {
    let e = |a: &[&str]| parse_args(&os(a)).unwrap_err().to_string();
    assert_eq!(e(&["-r"]), "Option '-r' requires an argument");
    assert_eq!(e(&["-lr"]), "Option '-r' requires an argument");
    assert_eq!(e(&["--pcap"]), "Option '--pcap' requires an argument");
    assert_eq!(e(&["-v"]), "Unknown option '-v' (see -h for the options)");
    assert_eq!(e(&["-lz"]), "Unknown option '-z' (see -h for the options)");
    assert_eq!(
        e(&["--nope"]),
        "Unknown option '--nope' (see -h for the options)"
    );
    assert_eq!(
        e(&["--logfile=x"]),
        "Option '--logfile' does not take an argument"
    );
    assert_eq!(e(&["--pcap-"]), "Option '--pcap-list' requires an argument");
}

#[test]
fn ambiguous_long_prefix() {
    let e = parse_args(&os(&["--p", "x"])).unwrap_err().to_string();
    assert_eq!(
        e,
        "Option '--p' is ambiguous: it could be --pcap, --pcap-list, --packets"
    );
}

// ---- stage 2: inputs ---------------------------------------------------------------------------

#[test]
fn inputs() {
    assert_eq!(cfg(&["-r", "a.pcap"]).input, Input::File("a.pcap".into()));
    assert_eq!(cfg(&["-r", "-"]).input, Input::File("-".into()));
    assert_eq!(
        cfg(&["-R", "list.txt"]).input,
        Input::List("list.txt".into())
    );
    assert_eq!(
        cfg(&["-i", "eth0"]).input,
        Input::Live {
            iface: "eth0".into(),
            snaplen: 65535,
            bufsize: 0x0200_0000
        }
    );
    assert_eq!(
        cfg(&["-i", "eth0", "-S", "96", "-B", "0x1000"]).input,
        Input::Live {
            iface: "eth0".into(),
            snaplen: 96,
            bufsize: 4096
        }
    );
    assert_eq!(
        cfg(&["-D", "out.pcap"]).input,
        Input::Series {
            expr: "out.pcap".into(),
            schr: 'p',
            stop: None
        }
    );
}

#[test]
fn inputs_are_exclusive_and_mandatory() {
    assert_eq!(
        err(&["-r", "a", "-i", "eth0"]),
        "Options -r, -R, -D and -i can only be used exclusively (got '-r' and '-i')"
    );
    assert_eq!(
        err(&["--pcap-list", "a", "-D", "x.pcap"]),
        "Options -r, -R, -D and -i can only be used exclusively (got '--pcap-list' and '-D')"
    );
    assert_eq!(
        err(&["-r", "a", "-r", "b"]),
        "Option '-r' can only be given once"
    );
    assert_eq!(
        err(&["-l"]),
        "No input given: use one of -r PCAP, -R FILE, -D EXPR or -i IFACE (see -h)"
    );
    assert_eq!(
        err(&["-r", ""]),
        "Option '-r' requires a non-empty argument"
    );
}

#[test]
fn monitoring_options() {
    let c = cfg(&["-r", "a", "-m", "-M", "2.5"]);
    assert!(c.monitor_file);
    assert_eq!(c.monitor_interval, Some(2.5));
    assert!(cfg(&["-r", "a", "-w", "-"]).monitor_file, "-w - forces -m");
    assert_eq!(err(&["-r", "a", "-M", "0"]), "Option '-M' requires a monitoring interval in seconds > 0 (got '0')");
}

#[test]
fn extraction_list_must_exist() {
    assert_eq!(
        err(&["-r", "a", "-e", "/nonexistent/list.txt"]),
        "Option '-e': the flow index list '/nonexistent/list.txt' is not a readable file"
    );
}

#[test]
fn packet_mode() {
    assert!(cfg(&["-r", "a", "-s"]).packet_mode);
    assert!(cfg(&["-r", "a", "--packets"]).packet_mode);
    assert!(!cfg(&["-r", "a"]).packet_mode);
}

#[test]
fn series_expression() {
    assert_eq!(
        parse_series("out.pcap").unwrap(),
        ("out.pcap".into(), 'p', None)
    );
    assert_eq!(
        parse_series("out.pcap,20").unwrap(),
        ("out.pcap".into(), 'p', Some(20))
    );
    assert_eq!(
        parse_series("dump*.pcap00").unwrap(),
        ("dump*.pcap00".into(), 'p', Some(99))
    );
    assert_eq!(
        parse_series("dump.pcap000").unwrap(),
        ("dump.pcap000".into(), 'p', Some(999))
    );
    assert_eq!(
        parse_series("dump.pcap000,5").unwrap(),
        ("dump.pcap000".into(), 'p', Some(5))
    );
    assert_eq!(
        parse_series("dump.pcap0").unwrap(),
        ("dump.pcap0".into(), 'p', None)
    );
    assert_eq!(
        parse_series("trace_01.dmp:_").unwrap(),
        ("trace_01.dmp".into(), '_', Some(99))
    );
    assert_eq!(
        parse_series("trace_1:_,7").unwrap(),
        ("trace_1".into(), '_', Some(7))
    );
    assert_eq!(
        parse_series("/data/p/a,b.pcap").unwrap(),
        ("/data/p/a,b.pcap".into(), 'p', None)
    );
    let e = |s: &str| parse_series(s).unwrap_err().to_string();
    assert_eq!(
        e("out.pcap,"),
        "STOP '' must be a non-negative integer (EXPR[:SCHR][,STOP])"
    );
    assert_eq!(
        e("out.pcap,-3"),
        "STOP '-3' must be a non-negative integer (EXPR[:SCHR][,STOP])"
    );
    assert_eq!(
        e("out.pcap:"),
        "SCHR after ':' is missing (EXPR[:SCHR][,STOP])"
    );
    assert_eq!(e(":x,5"), "EXPR is empty (EXPR[:SCHR][,STOP])");
    assert_eq!(
        e("/tmp/trace0"),
        "the file name 'trace0' does not contain SCHR 'p', the character before the index"
    );
    assert_eq!(
        err(&["-D", "/tmp/trace0"]),
        "Invalid value '/tmp/trace0' for option '-D': the file name 'trace0' does not contain SCHR 'p', the character before the index"
    );
}

// ---- stage 2: numbers -------------------------------------------------------------------------

#[test]
fn hash_factor() {
    assert_eq!(cfg(&["-r", "a"]).hash_factor, 1);
    assert_eq!(cfg(&["-r", "a", "-f", "5"]).hash_factor, 5);
    assert_eq!(
        err(&["-r", "a", "-f", "0"]),
        "Invalid value '0' for option '-f': expected an integer >= 1"
    );
    assert_eq!(
        err(&["-r", "a", "-f", "2x"]),
        "Invalid value '2x' for option '-f': expected an integer >= 1"
    );
    assert_eq!(
        err(&["-r", "a", "-f", "-1"]),
        "Invalid value '-1' for option '-f': expected an integer >= 1"
    );
}

#[test]
fn sensor_id() {
    assert_eq!(cfg(&["-r", "a"]).sensor_id, 666);
    assert_eq!(cfg(&["-r", "a", "-x", "0"]).sensor_id, 0);
    assert_eq!(cfg(&["-r", "a", "-x", "4294967295"]).sensor_id, u32::MAX);
    assert_eq!(
        err(&["-r", "a", "-x", "4294967296"]),
        "Invalid value '4294967296' for option '-x': expected an integer from 0 to 4294967295"
    );
}

#[test]
fn cpu_range() {
    assert_eq!(cfg(&["-r", "a"]).cpu, None);
    assert_eq!(cfg(&["-r", "a", "-c", "0"]).cpu, Some(0));
    assert_eq!(cfg(&["-r", "a", "-c", "4"]).cpu, Some(4));
    assert_eq!(
        err(&["-r", "a", "-c", "5"]),
        "Invalid value '5' for option '-c': expected a CPU number from 1 to 4, or 0 for the current CPU"
    );
}

#[test]
fn priority_range_depends_on_root() {
    let p = plan(&["-r", "a", "-P", "10"]).unwrap();
    assert_eq!((p.nice, p.config.priority), (Some(10), 10));
    assert_eq!(plan(&["-r", "a"]).unwrap().nice, None);
    assert_eq!(
        err(&["-r", "a", "-P", "-5"]),
        "Invalid value '-5' for option '-P': expected a nice value from 0 to 20 (-20 to 20 as root)"
    );
    assert_eq!(
        err(&["-r", "a", "-P", "21"]),
        "Invalid value '21' for option '-P': expected a nice value from 0 to 20 (-20 to 20 as root)"
    );
    let root = Env {
        is_root: true,
        ..env()
    };
    assert_eq!(
        plan_env(&["-r", "a", "-P", "-20"], &root).unwrap().nice,
        Some(-20)
    );
    assert!(plan_env(&["-r", "a", "-P", "-21"], &root).is_err());
}

#[test]
fn live_capture_numbers() {
    assert_eq!(
        err(&["-i", "eth0", "-S", "0"]),
        "Invalid value '0' for option '-S': expected a snap length from 1 to 262144"
    );
    assert_eq!(
        err(&["-i", "eth0", "-B", "big"]),
        "Invalid value 'big' for option '-B': expected a buffer size in bytes from 1 to 4294967295"
    );
}

// ---- stage 2: output --------------------------------------------------------------------------

#[test]
fn default_prefix_strips_the_last_extension() {
    assert_eq!(
        cfg(&["-r", "data/annoloc2.pcap"]).output_prefix,
        PathBuf::from("data/annoloc2")
    );
    assert_eq!(
        cfg(&["-r", "x.pcap.gz"]).output_prefix,
        PathBuf::from("x.pcap")
    );
    assert_eq!(
        cfg(&["-r", "dir.d/dump"]).output_prefix,
        PathBuf::from("dir.d/dump")
    );
    assert_eq!(cfg(&["-r", "-"]).output_prefix, PathBuf::from("stdin"));
    assert_eq!(
        cfg(&["-R", "caps.txt"]).output_prefix,
        PathBuf::from("caps")
    );
    assert_eq!(cfg(&["-i", "eth0"]).output_prefix, PathBuf::from("eth0"));
    assert_eq!(
        cfg(&["-D", "out.pcap00"]).output_prefix,
        PathBuf::from("out")
    );
}

#[test]
fn prefix_is_verbatim_when_not_a_folder() {
    // As the reference run: -w <prefix>/ndpi/1kxun.pcap -> <prefix>/ndpi/1kxun.pcap_flows.txt.
    let c = cfg(&[
        "-r",
        "ndpi/1kxun.pcap",
        "-w",
        "/nonexistent/ndpi/1kxun.pcap",
    ]);
    assert_eq!(
        c.output_prefix,
        PathBuf::from("/nonexistent/ndpi/1kxun.pcap")
    );
    assert!(!c.flows_to_stdout);
}

#[test]
fn prefix_folder() {
    let s = Scratch::new("prefix");
    let results = s.s("results");
    std::fs::create_dir_all(&results).unwrap();
    // An existing folder, with or without '/'.
    assert_eq!(
        cfg(&["-r", "/data/annoloc2.pcap", "-w", &results]).output_prefix,
        s.0.join("results/annoloc2")
    );
    assert_eq!(
        cfg(&["-r", "/data/annoloc2.pcap", "-w", &format!("{results}/")]).output_prefix,
        s.0.join("results/annoloc2")
    );
    // A folder that does not exist yet, marked by '/'; created later.
    let new = format!("{}/", s.s("new/sub"));
    let c = cfg(&["-r", "-", "-w", &new]);
    assert_eq!(c.output_prefix, s.0.join("new/sub/stdin"));
    create_output_dirs(&c).unwrap();
    assert!(s.0.join("new/sub").is_dir());
    // Intermediate folders of a plain prefix.
    let c = cfg(&["-r", "a.pcap", "-w", &s.s("x/y/name")]);
    create_output_dirs(&c).unwrap();
    assert!(s.0.join("x/y").is_dir());
    assert!(!s.0.join("x/y/name").exists());
}

#[test]
fn prefix_dash_is_stdout_and_forces_log_file() {
    let c = cfg(&["-r", "caps/a.pcap", "-w", "-"]);
    assert!(c.flows_to_stdout);
    assert!(c.log_to_file);
    assert_eq!(c.output_prefix, PathBuf::from("caps/a"));
    let c = cfg(&["-r", "caps/a.pcap"]);
    assert!(!c.flows_to_stdout && !c.log_to_file);
    assert!(cfg(&["-r", "a", "-l"]).log_to_file);
    assert!(cfg(&["-r", "a", "--logfile"]).log_to_file);
}

#[test]
fn split_output() {
    let c = cfg(&["-r", "a.pcap", "-W", "out/x:10Kf,3"]);
    assert_eq!(c.output_prefix, PathBuf::from("out/x"));
    assert_eq!(
        c.split,
        Some(Split {
            size: 10_000,
            by_flows: true,
            start: 3
        })
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o"]).split,
        Some(Split {
            size: 500_000_000,
            by_flows: false,
            start: 0
        })
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o,7"]).split,
        Some(Split {
            size: 500_000_000,
            by_flows: false,
            start: 7
        })
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o:1e5"]).split.unwrap().size,
        100_000
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o:1.5M"]).split.unwrap().size,
        1_500_000
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o:2G"]).split.unwrap().size,
        2_000_000_000
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o:1E3f"]).split,
        Some(Split {
            size: 1000,
            by_flows: true,
            start: 0
        })
    );
    assert_eq!(
        cfg(&["-r", "a", "-W", "o:,2"]).split,
        Some(Split {
            size: 500_000_000,
            by_flows: false,
            start: 2
        })
    );
    assert_eq!(cfg(&["-r", "a"]).split, None);
    assert!(
        err(&["-r", "a", "-W", "o:abc"])
            .starts_with("Invalid value 'o:abc' for option '-W': SIZE 'abc' must be")
    );
    assert!(err(&["-r", "a", "-W", "o:0"]).contains("SIZE '0' must be a number of bytes >= 1"));
    assert!(err(&["-r", "a", "-W", "o:5,x"]).contains("START 'x' must be an integer"));
    assert!(err(&["-r", "a", "-W", ":5"]).contains("PREFIX is empty"));
    assert_eq!(
        err(&["-r", "a", "-w", "x", "-W", "y"]),
        "Options -w and -W can only be used exclusively"
    );
}

#[test]
fn size_units() {
    assert_eq!(parse_size("500").unwrap(), (500, false));
    assert_eq!(parse_size("5e8").unwrap(), (500_000_000, false));
    assert_eq!(parse_size("3k").unwrap(), (3000, false));
    assert_eq!(parse_size("10Kf").unwrap(), (10_000, true));
    assert_eq!(parse_size("7f").unwrap(), (7, true));
    for bad in ["", "f", "K", "-5", "1e", "0.1", "1x", "inf", "NaN"] {
        assert!(parse_size(bad).is_err(), "{bad}");
    }
}

// ---- stage 2: plugins ---------------------------------------------------------------------------

#[test]
fn plugin_folder_and_list() {
    let c = cfg(&["-r", "a"]);
    assert_eq!(c.plugin_dir, PathBuf::from("/home/u/.tranalyzer/plugins"));
    assert_eq!(c.plugin_list, None);
    let no_home = Env {
        home: None,
        ..env()
    };
    assert_eq!(
        format!("{:#}", plan_env(&["-r", "a"], &no_home).unwrap_err()),
        "Cannot find your home folder for the default plugin folder: use -p PATH"
    );
    assert_eq!(
        plan_env(&["-r", "a", "-p", "/pl"], &no_home)
            .unwrap()
            .config
            .plugin_dir,
        PathBuf::from("/pl")
    );

    let s = Scratch::new("plugins");
    let list = s.s("list.txt");
    std::fs::write(&list, "basicFlow\n").unwrap();
    assert_eq!(
        cfg(&["-r", "a", "-b", &list]).plugin_list,
        Some(PathBuf::from(&list))
    );
    assert_eq!(
        err(&["-r", "a", "-b", &s.s("missing.txt")]),
        format!(
            "Plugin list '{}' given with option '-b' does not exist or is not a file",
            s.s("missing.txt")
        )
    );
    // <plugin dir>/plugins.txt is the default list when it exists.
    std::fs::write(s.0.join("plugins.txt"), "txtSink\n").unwrap();
    let c = cfg(&["-r", "a", "-p", &s.s("")]);
    assert_eq!(c.plugin_list, Some(s.0.join("plugins.txt")));
}

// ---- stage 2: BPF ---------------------------------------------------------------------------

#[test]
fn bpf_from_operands() {
    assert_eq!(cfg(&["-r", "a"]).bpf, None);
    assert_eq!(
        cfg(&["-r", "a", "tcp", "port", "80"]).bpf.as_deref(),
        Some("tcp port 80")
    );
    assert_eq!(
        cfg(&["tcp", "-r", "a", "and", "not", "udp"]).bpf.as_deref(),
        Some("tcp and not udp")
    );
    assert_eq!(cfg(&["-r", "a", ""]).bpf, None);
}

#[test]
fn bpf_file() {
    assert_eq!(bpf_from_file("# only a comment\n\n"), None);
    assert_eq!(
        bpf_from_file("tcp port 80   # web\n  or udp port 53\t\n# end\n\n").as_deref(),
        Some("tcp port 80 or udp port 53")
    );
    let s = Scratch::new("bpf");
    let f = s.s("filter.bpf");
    std::fs::write(&f, "host 10.0.0.1 # router\n").unwrap();
    assert_eq!(
        cfg(&["-r", "a", "-F", &f]).bpf.as_deref(),
        Some("host 10.0.0.1")
    );
    assert_eq!(
        err(&["-r", "a", "-F", &f, "tcp"]),
        "Option '-F' and a BPF expression on the command line ('tcp') can only be used exclusively"
    );
    let e = err(&["-r", "a", "-F", &s.s("none")]);
    assert!(
        e.starts_with(&format!(
            "Cannot read the BPF file '{}' given with option '-F': ",
            s.s("none")
        )),
        "{e}"
    );
}

// ---- stage 2: the rest ----------------------------------------------------------------------

#[test]
fn command_line_is_argv_joined() {
    let argv = os(&["tranalyzer", "-r", "ndpi/1kxun.pcap", "-l"]);
    let Parsed::Run(r) = parse_args(&argv[1..]).unwrap() else {
        panic!()
    };
    let c = build_config(&r, &argv, &env()).unwrap().config;
    assert_eq!(c.command_line, "tranalyzer -r ndpi/1kxun.pcap -l");
}

#[test]
fn defaults() {
    let c = cfg(&["-r", "a.pcap"]);
    assert_eq!(c.core, CoreSettings::default());
    assert!(!c.packet_mode);
    assert_eq!(c.priority, 0);
}

#[test]
fn last_occurrence_wins() {
    assert_eq!(cfg(&["-r", "a", "-f", "2", "-f", "3"]).hash_factor, 3);
    assert_eq!(cfg(&["-r", "a", "-x", "1", "-x", "2"]).sensor_id, 2);
}
