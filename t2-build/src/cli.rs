//! `t2build`'s command line: raw arguments -> [`Options`] (validated, nothing done yet).
//!
//! Getopt conventions as T2's scripts: bundled flags (`-ey`), `-p DIR` or `-pDIR`, `--` ends the
//! options; every other argument is a name to build (or, with `-u`, to unload).

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Result, bail};

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Build and install the named targets (none: the core and the default plugin set).
    Build,
    /// `-u`: remove the named plugins from the plugin folder.
    Unload,
    /// `-e`: empty the plugin folder (after asking, unless `-y`).
    Empty,
    /// `-l`: list the installed plugins.
    List,
    /// `-R`: rebuild the core and every installed plugin.
    Rebuild,
    /// `--data`: regenerate the name tables (MAC manufacturers, ports, protocols, ethertypes)
    /// in the plugin folder.
    Data,
    /// `-h`.
    Help,
}

/// The validated command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    pub names: Vec<String>,
    /// `-p DIR`; default `~/.tranalyzer/plugins`.
    pub plugin_dir: Option<PathBuf>,
    /// `--bin-dir DIR`; default `~/.local/bin`.
    pub bin_dir: Option<PathBuf>,
    /// `-y`.
    pub assume_yes: bool,
}

/// Options of T2's t2build that t2rs does not have (yet): named in the error instead of
/// "unknown option".
const T2_ONLY_SHORT: &str = "abcdPOLrfkKU1XDiBGI";
const T2_ONLY_LONG: &[&str] = &["no-sink", "iwyu", "lto"];

/// The help text (`-h`).
pub fn usage() -> String {
    format!(
        "t2build - build and install the t2 core and plugins (t2rs {version})

Usage:
    t2build [OPTION...] [NAME|DIR...]

Builds each NAME in release mode with cargo and installs it. A plugin NAME (e.g. basicFlow)
is installed atomically as NNN_NAME.so into the plugin folder, NNN being the number in its
plugins/NAME/t2plugin.toml. The NAME tranalyzer2 (or t2) builds the core and installs the
executables 't2' and 'tranalyzer', the tools 't2build', 't2conf' and 't2plugin', and the
post-processing scripts (tawk, tcol, awkf, sortu, sortup, lsx, protStat) into the bin folder,
the bash completion, and t2_plugin.h (the C header of the plugin ABI) into ~/.tranalyzer/include.
Change a plugin's settings with 't2conf NAME -D FLAG=VALUE' before building it.
Without NAME: tranalyzer2 and every plugin of the default set that exists in the source tree
({defaults}).

A DIR (an argument containing '/', or '.') is a plugin folder outside the source tree, as
't2plugin -c NAME' creates them: its t2plugin.toml gives name and number; a Rust crate
(Cargo.toml) is built with 'cargo build --release' there, a C plugin (Makefile) with 'make'
after t2plugin_config.h is rewritten from t2plugin.toml. A bare NAME that is no plugin of
the tree but a plugin folder in the current folder is built the same way. Building such
folders needs no source tree.

Actions (instead of building):
    -u NAME...      Unload: remove the plugins NAME from the plugin folder
    -e              Empty the plugin folder and exit (asks first, see -y)
    -l              List the plugins installed in the plugin folder
    -R              Rebuild tranalyzer2 and every plugin installed in the plugin folder
    --data          Regenerate the name tables in the plugin folder (macRecorder_oui.txt,
                    portmap.txt, proto.txt, ethertypes.txt) from the system's packages
                    ieee-data, libwireshark-data and netbase (see docs/databases.md);
                    building macRecorder, portClassifier or protoStats installs its tables

Options:
    -p DIR          Plugin folder (default: ~/.tranalyzer/plugins)
    --bin-dir DIR   Where to install 't2' and 'tranalyzer' (default: ~/.local/bin)
    -y              Answer yes to every question
    -h, --help      Show this help and exit

Source tree: $T2HOME if set, otherwise the first folder holding a Cargo.toml and a plugins/
folder, walking up from this executable's location, then from the current folder, and last
the tree this t2build was compiled from, if it is still there.
Cargo is $CARGO or 'cargo', make is $MAKE or 'make'; CARGO_TARGET_DIR and other cargo
settings are honoured.
",
        version = env!("CARGO_PKG_VERSION"),
        defaults = crate::tree::DEFAULT_PLUGINS.join(" "),
    )
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[OsString]) -> Result<Options> {
    let mut o = Options {
        mode: Mode::Build,
        names: Vec::new(),
        plugin_dir: None,
        bin_dir: None,
        assume_yes: false,
    };
    let mut actions: Vec<&'static str> = Vec::new();
    let mut set_mode = |o: &mut Options, m: Mode, flag: &'static str| {
        if !actions.contains(&flag) {
            actions.push(flag);
        }
        o.mode = m;
        actions.len()
    };
    let mut i = 0;
    let mut only_names = false;
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
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "help" => {
                    set_mode(&mut o, Mode::Help, "-h");
                    return Ok(o);
                }
                "data" => {
                    set_mode(&mut o, Mode::Data, "--data");
                }
                "bin-dir" => {
                    let v = match inline {
                        Some(v) => v,
                        None if i < args.len() => {
                            i += 1;
                            args[i - 1].to_string_lossy().into_owned()
                        }
                        None => bail!("option '--bin-dir' requires a folder (--bin-dir DIR)"),
                    };
                    if v.is_empty() {
                        bail!("option '--bin-dir' requires a folder (--bin-dir DIR)");
                    }
                    o.bin_dir = Some(PathBuf::from(v));
                }
                n if T2_ONLY_LONG.contains(&n) => {
                    bail!(
                        "option '--{n}' of T2's t2build is not supported by t2rs (yet); see t2build -h"
                    )
                }
                n => bail!("unknown option '--{n}'; see t2build -h"),
            }
            continue;
        }
        // A bundle of short options.
        let flags: Vec<char> = arg[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let c = flags[k];
            k += 1;
            match c {
                'h' | '?' => {
                    set_mode(&mut o, Mode::Help, "-h");
                    return Ok(o);
                }
                'u' => {
                    set_mode(&mut o, Mode::Unload, "-u");
                }
                'e' => {
                    set_mode(&mut o, Mode::Empty, "-e");
                }
                'l' => {
                    set_mode(&mut o, Mode::List, "-l");
                }
                'R' => {
                    set_mode(&mut o, Mode::Rebuild, "-R");
                }
                'y' => o.assume_yes = true,
                'p' => {
                    let v: String = if k < flags.len() {
                        let v = flags[k..].iter().collect();
                        k = flags.len();
                        v
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].to_string_lossy().into_owned()
                    } else {
                        bail!("option '-p' requires a folder (-p DIR)");
                    };
                    if v.is_empty() {
                        bail!("option '-p' requires a folder (-p DIR)");
                    }
                    o.plugin_dir = Some(PathBuf::from(v));
                }
                c if T2_ONLY_SHORT.contains(c) => {
                    bail!(
                        "option '-{c}' of T2's t2build is not supported by t2rs (yet); see t2build -h"
                    )
                }
                c => bail!("unknown option '-{c}'; see t2build -h"),
            }
        }
    }
    if actions.len() > 1 {
        bail!(
            "options {} can only be used exclusively",
            actions.join(", ")
        );
    }
    match o.mode {
        Mode::Unload if o.names.is_empty() => {
            bail!("option '-u' requires plugin names (t2build -u NAME...)")
        }
        Mode::Empty | Mode::List | Mode::Rebuild | Mode::Data if !o.names.is_empty() => {
            bail!(
                "option '{}' takes no plugin names (got '{}')",
                actions[0],
                o.names.join(" ")
            )
        }
        _ => {}
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
    fn build_names_and_dirs() {
        let o = p(&["basicFlow", "-p", "/x/plugins", "tcpFlags", "--bin-dir=/b"]).unwrap();
        assert_eq!(o.mode, Mode::Build);
        assert_eq!(o.names, ["basicFlow", "tcpFlags"]);
        assert_eq!(o.plugin_dir, Some(PathBuf::from("/x/plugins")));
        assert_eq!(o.bin_dir, Some(PathBuf::from("/b")));
        assert_eq!(p(&["-p/y"]).unwrap().plugin_dir, Some(PathBuf::from("/y")));
        assert_eq!(
            p(&["--bin-dir", "/c"]).unwrap().bin_dir,
            Some(PathBuf::from("/c"))
        );
        assert!(p(&[]).unwrap().names.is_empty());
        assert_eq!(p(&["--", "-odd"]).unwrap().names, ["-odd"]);
    }

    #[test]
    fn actions() {
        let o = p(&["-e", "-y"]).unwrap();
        assert_eq!((o.mode, o.assume_yes), (Mode::Empty, true));
        assert_eq!(p(&["-ey"]).unwrap(), o);
        assert_eq!(p(&["-l"]).unwrap().mode, Mode::List);
        assert_eq!(p(&["-R"]).unwrap().mode, Mode::Rebuild);
        assert_eq!(p(&["--data", "-p", "/d"]).unwrap().mode, Mode::Data);
        assert_eq!(
            err(&["--data", "-l"]),
            "options --data, -l can only be used exclusively"
        );
        let o = p(&["-u", "icmpDecode", "connStat"]).unwrap();
        assert_eq!((o.mode, o.names.len()), (Mode::Unload, 2));
        assert_eq!(p(&["-h", "-zzz"]).unwrap().mode, Mode::Help);
        assert_eq!(p(&["--help"]).unwrap().mode, Mode::Help);
    }

    #[test]
    fn errors_name_the_option() {
        assert_eq!(
            err(&["-u"]),
            "option '-u' requires plugin names (t2build -u NAME...)"
        );
        assert_eq!(
            err(&["-e", "-l"]),
            "options -e, -l can only be used exclusively"
        );
        assert_eq!(
            err(&["-l", "basicFlow"]),
            "option '-l' takes no plugin names (got 'basicFlow')"
        );
        assert_eq!(err(&["-p"]), "option '-p' requires a folder (-p DIR)");
        assert_eq!(
            err(&["--bin-dir"]),
            "option '--bin-dir' requires a folder (--bin-dir DIR)"
        );
        assert_eq!(err(&["-z"]), "unknown option '-z'; see t2build -h");
        assert_eq!(err(&["--zz"]), "unknown option '--zz'; see t2build -h");
        assert!(err(&["-a"]).contains("option '-a' of T2's t2build is not supported"));
        assert!(err(&["--lto"]).contains("option '--lto' of T2's t2build is not supported"));
    }

    #[test]
    fn usage_mentions_every_option() {
        let u = usage();
        for o in [
            "-u NAME",
            "-e ",
            "-l ",
            "-R ",
            "--data",
            "-p DIR",
            "--bin-dir DIR",
            "-y ",
            "-h, --help",
            "T2HOME",
            "[NAME|DIR...]",
            "t2plugin -c NAME",
            "t2_plugin.h",
        ] {
            assert!(u.contains(o), "{o}");
        }
    }
}
