//! `t2conf`'s command line: raw arguments -> [`Options`] (validated, nothing done yet).
//!
//! Getopt conventions as T2's scripts: `-D FLAG=VALUE` or `-DFLAG=VALUE`, bundled flags
//! (`-aI`), `--` ends the options, options and names in any order; every other argument is a
//! plugin name (`tranalyzer2`, `t2` or `tranalyzer` for the core).

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Result, bail};

/// The validated command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub names: Vec<String>,
    /// `--t2`: the core is a target.
    pub core: bool,
    /// `-a`: every plugin of the source tree and the core.
    pub all: bool,
    /// `-D FLAG=VALUE`, in order.
    pub defines: Vec<(String, String)>,
    /// `-G FLAG`, in order.
    pub gets: Vec<String>,
    /// `-I`.
    pub info: bool,
    /// `--reset`.
    pub reset: bool,
    /// `-g [FILE]`: `Some(None)` writes `NAME.config`; `-` is standard output.
    pub generate: Option<Option<PathBuf>>,
    /// `-C FILE` (or `default`).
    pub apply: Option<String>,
    /// `--ip4` (0), `--ip6` (1), `--dual` (2): IPV6_ACTIVATE of the core.
    pub ip: Option<u8>,
    /// `-t DIR`: the source tree (as `T2HOME`).
    pub tree: Option<PathBuf>,
    pub help: bool,
}

impl Options {
    /// Whether the command asks for anything.
    pub fn has_action(&self) -> bool {
        self.help
            || self.info
            || self.reset
            || self.ip.is_some()
            || !self.defines.is_empty()
            || !self.gets.is_empty()
            || self.generate.is_some()
            || self.apply.is_some()
    }
}

/// Options of T2's t2conf that t2rs does not have (yet): named in the error.
const T2_ONLY_SHORT: &str = "EecO09qLSsrlfdnpxvm";
const T2_ONLY_LONG: &[&str] = &["gui", "patch", "rpatch"];

/// The help text (`-h`).
pub fn usage() -> String {
    format!(
        "t2conf - view and change the settings of t2 plugins and of the t2 core (t2rs {version})

Usage:
    t2conf [OPTION...] NAME...

NAME is a plugin of the source tree (e.g. basicFlow) or tranalyzer2 (also t2, tranalyzer)
for the core. A plugin's settings are the [config.FLAG] tables of plugins/NAME/t2plugin.toml,
compiled into the plugin: rebuild it with 't2build NAME' after a change. The core's settings
apply at run time (no rebuild): they are kept in ~/.tranalyzer/t2core.toml, and an environment
variable of the same name overrides them.

Every value is checked against the setting's type, range and allowed values; if one is
refused, nothing is written. Comments and layout of the files are kept.

Actions:
    -D FLAG=VALUE   Set FLAG (several -D allowed; one NAME). VALUE 'default' restores the
                    default; yes/no are 1/0; integers may be hexadecimal (0x..)
    -G FLAG         Print the value of FLAG (several -G allowed; one NAME)
    -I              List the settings: type, allowed values, default, value, description
    --reset         Restore every default of each NAME (with -a: everything)
    -g [FILE]       Write the settings as 'FLAG = VALUE' lines to FILE (default: NAME.config;
                    '-': standard output). FILE must end in .config or contain a '/'
    -C FILE         Apply a file of 'FLAG = VALUE' lines ('#', '%' comments), as written by -g;
                    '-C default' is --reset
    --t2            The core is a NAME (as 'tranalyzer2')
    --dual, --ip4, --ip6
                    Core: IPV6_ACTIVATE = 2 (IPv4 and IPv6), 0 (IPv4 only), 1 (IPv6 only)

Options:
    -a              Every plugin of the source tree and the core (-I, --reset)
    -t DIR          The source tree (default: $T2HOME, else found as t2build finds it)
    -y              Accepted for compatibility (t2conf asks no questions)
    -h, --help      Show this help and exit

Order: --reset, then -C, then -D (left to right), then the files are written, then -G, -I
and -g show the values now in effect.

Examples:
    t2conf basicFlow -D BFO_MAC=0 -D BFO_VLAN=0 && t2build basicFlow
    t2conf tranalyzer2 -D FLOW_TIMEOUT=60
    t2conf --reset -a
",
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[OsString]) -> Result<Options> {
    let mut o = Options::default();
    let mut i = 0;
    let mut only_names = false;
    let set_ip = |o: &mut Options, v: u8, flag: &str| -> Result<()> {
        if o.ip.is_some_and(|x| x != v) {
            bail!("options --dual, --ip4 and --ip6 can only be used exclusively (got {flag} too)");
        }
        o.ip = Some(v);
        Ok(())
    };
    while i < args.len() {
        let arg = args[i].to_string_lossy().into_owned();
        i += 1;
        if only_names || arg == "-" || !arg.starts_with('-') {
            o.names.push(arg);
            continue;
        }
        if arg == "--" {
            only_names = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            match long {
                "help" => {
                    o.help = true;
                    return Ok(o);
                }
                "reset" => o.reset = true,
                "t2" => o.core = true,
                "dual" => set_ip(&mut o, 2, "--dual")?,
                "ip4" => set_ip(&mut o, 0, "--ip4")?,
                "ip6" => set_ip(&mut o, 1, "--ip6")?,
                n if T2_ONLY_LONG.contains(&n.split('=').next().unwrap_or(n)) => bail!(
                    "option '--{n}' of T2's t2conf is not supported by t2rs (yet); see t2conf -h"
                ),
                n => bail!("unknown option '--{n}'; see t2conf -h"),
            }
            continue;
        }
        let flags: Vec<char> = arg[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let c = flags[k];
            k += 1;
            // The argument of an option: the rest of the bundle, or the next argument.
            let mut take = |what: &str| -> Result<String> {
                let v: String = if k < flags.len() {
                    let v = flags[k..].iter().collect();
                    k = flags.len();
                    v
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].to_string_lossy().into_owned()
                } else {
                    bail!("option '-{c}' requires {what}");
                };
                if v.is_empty() {
                    bail!("option '-{c}' requires {what}");
                }
                Ok(v)
            };
            match c {
                'h' | '?' => {
                    o.help = true;
                    return Ok(o);
                }
                'D' => {
                    let v = take("FLAG=VALUE (-D FLAG=VALUE)")?;
                    match v.split_once('=') {
                        Some((f, val)) if !f.trim().is_empty() => {
                            o.defines.push((f.trim().to_string(), val.to_string()))
                        }
                        _ => bail!("option '-D' requires FLAG=VALUE (got '{v}')"),
                    }
                }
                'G' => {
                    let v = take("a flag name (-G FLAG)")?;
                    o.gets.push(v.trim().to_string());
                }
                'C' => {
                    if o.apply.is_some() {
                        bail!("option '-C' can only be given once");
                    }
                    o.apply = Some(take("a file (-C FILE)")?);
                }
                't' => o.tree = Some(PathBuf::from(take("a folder (-t DIR)")?)),
                'I' => o.info = true,
                'a' => o.all = true,
                'y' => {}
                'g' => {
                    let file = if k < flags.len() {
                        let v: String = flags[k..].iter().collect();
                        k = flags.len();
                        Some(PathBuf::from(v))
                    } else {
                        match args.get(i).map(|a| a.to_string_lossy().into_owned()) {
                            Some(a) if a == "-" || a.ends_with(".config") || a.contains('/') => {
                                i += 1;
                                Some(PathBuf::from(a))
                            }
                            _ => None,
                        }
                    };
                    o.generate = Some(file);
                }
                c if T2_ONLY_SHORT.contains(c) => bail!(
                    "option '-{c}' of T2's t2conf is not supported by t2rs (yet); see t2conf -h"
                ),
                c => bail!("unknown option '-{c}'; see t2conf -h"),
            }
        }
    }
    if o.all && !o.names.is_empty() {
        bail!(
            "option '-a' and plugin names can only be used exclusively (got '{}')",
            o.names.join(" ")
        );
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Options> {
        parse(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    fn err(args: &[&str]) -> String {
        p(args).unwrap_err().to_string()
    }

    #[test]
    fn tutorial_command_lines() {
        let o = p(&[
            "basicFlow",
            "-D",
            "BFO_MAC=1",
            "-D",
            "BFO_ETHERTYPE=1",
            "-DBFO_VLAN=1",
        ])
        .unwrap();
        assert_eq!(o.names, ["basicFlow"]);
        assert_eq!(
            o.defines,
            [
                ("BFO_MAC".to_string(), "1".to_string()),
                ("BFO_ETHERTYPE".into(), "1".into()),
                ("BFO_VLAN".into(), "1".into())
            ]
        );
        let o = p(&["--reset", "-a"]).unwrap();
        assert!(o.reset && o.all && o.names.is_empty());
        assert!(p(&["-aI"]).unwrap().info);
    }

    #[test]
    fn values_keep_their_text() {
        let o = p(&["txtSink", "-D", "TFS_FLOWS_SUFFIX=\"_f=x.txt\""]).unwrap();
        assert_eq!(o.defines[0].1, "\"_f=x.txt\"");
        let o = p(&["-G", "BFO_MAC", "-GBFO_VLAN", "basicFlow"]).unwrap();
        assert_eq!(o.gets, ["BFO_MAC", "BFO_VLAN"]);
    }

    #[test]
    fn generate_takes_a_file_only_when_it_looks_like_one() {
        assert_eq!(p(&["-g", "basicFlow"]).unwrap().generate, Some(None));
        assert_eq!(p(&["-g", "basicFlow"]).unwrap().names, ["basicFlow"]);
        assert_eq!(
            p(&["basicFlow", "-g", "x.config"]).unwrap().generate,
            Some(Some(PathBuf::from("x.config")))
        );
        assert_eq!(
            p(&["basicFlow", "-g", "-"]).unwrap().generate,
            Some(Some(PathBuf::from("-")))
        );
        assert_eq!(
            p(&["basicFlow", "-gout/b"]).unwrap().generate,
            Some(Some(PathBuf::from("out/b")))
        );
    }

    #[test]
    fn core_options() {
        assert_eq!(p(&["--ip4"]).unwrap().ip, Some(0));
        assert_eq!(p(&["--ip6"]).unwrap().ip, Some(1));
        assert_eq!(p(&["--dual", "--dual"]).unwrap().ip, Some(2));
        assert!(p(&["--t2", "-I"]).unwrap().core);
        assert_eq!(
            err(&["--ip4", "--ip6"]),
            "options --dual, --ip4 and --ip6 can only be used exclusively (got --ip6 too)"
        );
    }

    #[test]
    fn errors_name_the_option() {
        assert_eq!(
            err(&["-D"]),
            "option '-D' requires FLAG=VALUE (-D FLAG=VALUE)"
        );
        assert_eq!(
            err(&["-D", "BFO_MAC"]),
            "option '-D' requires FLAG=VALUE (got 'BFO_MAC')"
        );
        assert_eq!(
            err(&["-D", "=1"]),
            "option '-D' requires FLAG=VALUE (got '=1')"
        );
        assert_eq!(err(&["-G"]), "option '-G' requires a flag name (-G FLAG)");
        assert_eq!(err(&["-z"]), "unknown option '-z'; see t2conf -h");
        assert_eq!(err(&["--zz"]), "unknown option '--zz'; see t2conf -h");
        assert!(err(&["-L"]).contains("option '-L' of T2's t2conf is not supported"));
        assert!(err(&["--gui"]).contains("option '--gui' of T2's t2conf is not supported"));
        assert!(err(&["-a", "basicFlow"]).contains("-a' and plugin names"));
    }

    #[test]
    fn usage_mentions_every_option() {
        let u = usage();
        for o in [
            "-D FLAG=VALUE",
            "-G FLAG",
            "-I ",
            "--reset",
            "-g [FILE]",
            "-C FILE",
            "--t2",
            "--dual, --ip4, --ip6",
            "-a ",
            "-t DIR",
            "-h, --help",
            "t2core.toml",
        ] {
            assert!(u.contains(o), "{o}");
        }
    }
}
