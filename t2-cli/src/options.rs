//! The `t2` command line, in two stages (as ripgrep's low/high args):
//!
//! 1. [`parse_args`]: getopt semantics, faithfully (T2 uses `getopt_long` with the option string
//!    `":D:i:r:R:lmsw:W:b:c:e:f:F:p:x:S:B:P:M:Vh?"`): `-r FILE`, `-rFILE`, bundles such as
//!    `-lr FILE`, `--pcap FILE`, `--pcap=FILE`, unambiguous long prefixes (`--pcap-l`), `--` ends
//!    the options, and options may follow operands (GNU argument permutation). The operands are
//!    the BPF expression. `-h`/`-V` act as soon as they are met.
//! 2. [`build_config`]: every value is checked and resolved (output prefix, plugin folder) into a
//!    [`Config`]; errors name the option and say what is allowed.
//!
//! Nothing here touches the process (no signals, no affinity, no directories created), except
//! reading the `-F` file and looking at the file system to resolve paths.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use t2_core::config::{Config, CoreSettings, Input, Split};

/// T2's default sensor id (`T2_SENSORID`).
pub const DEFAULT_SENSOR_ID: u32 = 666;
/// Default hash factor (`HASHFACTOR`).
pub const DEFAULT_HASH_FACTOR: u32 = 1;
/// Default snap length of live captures (`SNAPLEN`).
pub const DEFAULT_SNAPLEN: u32 = 65535;
/// Largest snap length accepted by `-S` (libpcap's maximum).
pub const MAX_SNAPLEN: u32 = 262_144;
/// Default live capture buffer (`LIVEBUFSIZE`).
pub const DEFAULT_LIVE_BUFSIZE: u32 = 0x0200_0000;
/// Default size of a `-W` flow file fragment (`OFRWFILELN`).
pub const DEFAULT_SPLIT_SIZE: u64 = 500_000_000;
/// Default `SCHR` of `-D`.
pub const DEFAULT_SCHR: char = 'p';
/// `PLUGIN_FOLDER`, relative to the home folder.
pub const PLUGIN_FOLDER: &str = ".tranalyzer/plugins";
/// `PLLIST`, the default plugin list in the plugin folder.
pub const PLUGIN_LIST: &str = "plugins.txt";

/// One option T2 knows.
#[derive(Clone, Copy, Debug)]
struct Spec {
    short: char,
    long: Option<&'static str>,
    takes_arg: bool,
    /// `Some(what)`: recognised but not implemented yet.
    unsupported: Option<&'static str>,
}

const fn spec(short: char, long: Option<&'static str>, takes_arg: bool) -> Spec {
    Spec {
        short,
        long,
        takes_arg,
        unsupported: None,
    }
}

#[allow(dead_code)] // every option is implemented today; kept for options declared ahead of their work
const fn later(
    short: char,
    long: Option<&'static str>,
    takes_arg: bool,
    what: &'static str,
) -> Spec {
    Spec {
        short,
        long,
        takes_arg,
        unsupported: Some(what),
    }
}

const SPECS: &[Spec] = &[
    spec('D', Some("input-regex"), true),
    spec('i', Some("interface"), true),
    spec('r', Some("pcap"), true),
    spec('R', Some("pcap-list"), true),
    spec('l', Some("logfile"), false),
    spec('m', Some("monfile"), false),
    spec('s', Some("packets"), false),
    spec('w', Some("output-prefix"), true),
    spec('W', Some("output-regex"), true),
    spec('b', None, true),
    spec('c', None, true),
    spec('e', None, true),
    spec('f', None, true),
    spec('F', None, true),
    spec('p', None, true),
    spec('x', None, true),
    spec('S', None, true),
    spec('B', None, true),
    spec('P', None, true),
    spec('M', None, true),
    spec('V', Some("version"), false),
    spec('h', Some("help"), false),
    spec('?', None, false),
];

fn find_short(c: char) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.short == c)
}

/// One option as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawOpt {
    /// The short letter (long options are mapped to theirs).
    pub letter: char,
    /// As the user spelled it (`-r`, `--pcap`), for messages.
    pub spelled: String,
    pub value: Option<OsString>,
}

/// Stage 1 result: the options in order and the operands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawArgs {
    pub opts: Vec<RawOpt>,
    pub operands: Vec<OsString>,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// No arguments at all: usage, exit 1.
    Usage,
    /// `-h`, `-?`, `--help`.
    Help,
    /// `-V`, `--version`.
    Version,
    Run(RawArgs),
    /// `--plugin-info [NAME...]` (with `-p PATH`): describe the installed plugins.
    PluginInfo(PluginInfoArgs),
    /// `--bit-tables [NAME...]` (with `-p PATH`): the bit tables of the status columns.
    BitTables(PluginInfoArgs),
}

/// `t2 --plugin-info [NAME...] [-p PATH]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PluginInfoArgs {
    /// Only these plugins (all when empty).
    pub names: Vec<String>,
    /// `-p PATH`: the plugin folder.
    pub plugin_dir: Option<PathBuf>,
}

fn is_plugin_info(a: &OsStr) -> bool {
    let a = a.as_bytes();
    a == b"--plugin-info" || a.starts_with(b"--plugin-info=")
}

fn is_bit_tables(a: &OsStr) -> bool {
    let a = a.as_bytes();
    a == b"--bit-tables" || a.starts_with(b"--bit-tables=")
}

/// `--plugin-info` takes plugin names (as operands or `--plugin-info=NAME`) and `-p PATH`; any
/// other option is refused. `--bit-tables` (`bits`) takes column names the same way.
fn parse_plugin_info(args: &[OsString], bits: bool) -> Result<Parsed> {
    let (opt, eq) = if bits {
        ("--bit-tables", "--bit-tables=")
    } else {
        ("--plugin-info", "--plugin-info=")
    };
    let mut a = PluginInfoArgs::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].to_string_lossy().into_owned();
        i += 1;
        if let Some(name) = arg.strip_prefix(eq) {
            a.names
                .extend(name.split(',').filter(|n| !n.is_empty()).map(String::from));
        } else if arg == opt {
            continue;
        } else if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        } else if let Some(dir) = arg.strip_prefix("-p") {
            let dir = if dir.is_empty() {
                i += 1;
                args.get(i - 1)
                    .map(|d| d.to_string_lossy().into_owned())
                    .filter(|d| !d.is_empty())
                    .ok_or_else(|| anyhow!("Option '-p' requires an argument"))?
            } else {
                dir.to_string()
            };
            a.plugin_dir = Some(PathBuf::from(dir));
        } else if arg.starts_with('-') {
            let what = if bits { "column" } else { "plugin" };
            bail!("Option '{arg}' cannot be combined with {opt} (only -p PATH and {what} names)");
        } else {
            a.names.push(arg);
        }
    }
    Ok(if bits {
        Parsed::BitTables(a)
    } else {
        Parsed::PluginInfo(a)
    })
}

/// Stage 1: getopt over `args` (without the program name).
pub fn parse_args(args: &[OsString]) -> Result<Parsed> {
    if args.is_empty() {
        return Ok(Parsed::Usage);
    }
    if args.iter().any(|a| is_plugin_info(a)) {
        return parse_plugin_info(args, false);
    }
    if args.iter().any(|a| is_bit_tables(a)) {
        return parse_plugin_info(args, true);
    }
    let mut raw = RawArgs::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_bytes();
        i += 1;
        if arg == b"--" {
            raw.operands.extend(args[i..].iter().cloned());
            break;
        }
        if arg.len() < 2 || arg[0] != b'-' {
            raw.operands.push(args[i - 1].clone());
            continue;
        }
        let (spec, spelled, value) = if let Some(long) = arg.strip_prefix(b"--") {
            let (name, inline) = match long.iter().position(|&b| b == b'=') {
                Some(p) => (
                    &long[..p],
                    Some(OsStr::from_bytes(&long[p + 1..]).to_os_string()),
                ),
                None => (long, None),
            };
            let name = String::from_utf8_lossy(name).into_owned();
            let spec = find_long(&name)?;
            let spelled = format!("--{}", spec.long.unwrap_or_default());
            let value = if spec.takes_arg {
                match inline {
                    Some(v) => Some(v),
                    None if i < args.len() => {
                        i += 1;
                        Some(args[i - 1].clone())
                    }
                    None => bail!("Option '{spelled}' requires an argument"),
                }
            } else if inline.is_some() {
                bail!("Option '{spelled}' does not take an argument");
            } else {
                None
            };
            (spec, spelled, value)
        } else {
            // A bundle of short options: flags, then at most one option with an argument, which
            // takes the rest of the bundle or the next argument.
            let text = String::from_utf8_lossy(&arg[1..]).into_owned();
            let mut last = None;
            for (pos, c) in text.char_indices() {
                let spec = find_short(c)
                    .ok_or_else(|| anyhow!("Unknown option '-{c}' (see -h for the options)"))?;
                let spelled = format!("-{c}");
                if spec.takes_arg {
                    let rest = &text[pos + c.len_utf8()..];
                    let value = if !rest.is_empty() {
                        // Keep non-UTF-8 bytes of the rest intact.
                        let start = arg.len() - rest.len();
                        OsStr::from_bytes(&arg[start..]).to_os_string()
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        bail!("Option '-{c}' requires an argument");
                    };
                    last = Some((spec, spelled, Some(value)));
                    break;
                }
                if let Some(p) = flag_action(spec) {
                    return Ok(p);
                }
                raw.opts.push(RawOpt {
                    letter: spec.short,
                    spelled,
                    value: None,
                });
            }
            match last {
                Some(l) => l,
                None => continue,
            }
        };
        if let Some(p) = flag_action(spec) {
            return Ok(p);
        }
        raw.opts.push(RawOpt {
            letter: spec.short,
            spelled,
            value,
        });
    }
    Ok(Parsed::Run(raw))
}

fn flag_action(spec: &Spec) -> Option<Parsed> {
    match spec.short {
        'h' | '?' => Some(Parsed::Help),
        'V' => Some(Parsed::Version),
        _ => None,
    }
}

fn find_long(name: &str) -> Result<&'static Spec> {
    if let Some(s) = SPECS.iter().find(|s| s.long == Some(name)) {
        return Ok(s);
    }
    let matches: Vec<&Spec> = SPECS
        .iter()
        .filter(|s| !name.is_empty() && s.long.is_some_and(|l| l.starts_with(name)))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => bail!("Unknown option '--{name}' (see -h for the options)"),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|s| format!("--{}", s.long.unwrap_or_default()))
                .collect();
            bail!(
                "Option '--{name}' is ambiguous: it could be {}",
                names.join(", ")
            )
        }
    }
}

/// What stage 2 needs to know about the process and the machine (injected for tests).
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Home folder of the user the plugin folder belongs to: with sudo, `SUDO_USER`'s home;
    /// otherwise `$HOME` (or the password database).
    pub home: Option<PathBuf>,
    /// Effective uid 0: `-P` may go below 0.
    pub is_root: bool,
    /// Number of configured CPUs (upper bound of `-c`).
    pub ncpus: u32,
    /// Core settings given as environment variables (see `core_env`).
    pub core_vars: Vec<(String, String)>,
}

/// The validated command line: the run configuration plus what the CLI itself applies to the
/// process before the run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub config: Config,
    /// `-P`: the nice value to set.
    pub nice: Option<i32>,
}

/// Stage 2: validates `raw` and resolves it into a [`Plan`]. `argv` is the full argument vector
/// (with the program name as invoked), recorded as the command line.
pub fn build_config(raw: &RawArgs, argv: &[OsString], env: &Env) -> Result<Plan> {
    // Options of later issues are refused, never ignored.
    if let Some((o, what)) = raw
        .opts
        .iter()
        .find_map(|o| find_short(o.letter)?.unsupported.map(|w| (o, w)))
    {
        bail!("Option '{}' ({what}) is not supported yet", o.spelled);
    }

    // Last occurrence wins, as with getopt, except for the inputs (below).
    let last = |c: char| raw.opts.iter().rev().find(|o| o.letter == c);
    let inputs: Vec<&RawOpt> = raw
        .opts
        .iter()
        .filter(|o| matches!(o.letter, 'r' | 'R' | 'D' | 'i'))
        .collect();
    let input_opt = match inputs.as_slice() {
        [] => bail!("No input given: use one of -r PCAP, -R FILE, -D EXPR or -i IFACE (see -h)"),
        [one] => *one,
        [a, b, ..] if a.letter == b.letter => {
            bail!("Option '{}' can only be given once", b.spelled)
        }
        [a, b, ..] => bail!(
            "Options -r, -R, -D and -i can only be used exclusively (got '{}' and '{}')",
            a.spelled,
            b.spelled
        ),
    };
    let value = |o: &RawOpt| -> Result<OsString> {
        let v = o.value.clone().unwrap_or_default();
        if v.is_empty() {
            bail!("Option '{}' requires a non-empty argument", o.spelled);
        }
        Ok(v)
    };

    let snaplen = match last('S') {
        Some(o) => parse_int(
            o,
            &value(o)?,
            1,
            MAX_SNAPLEN as i64,
            "a snap length from 1 to 262144",
        )? as u32,
        None => DEFAULT_SNAPLEN,
    };
    let bufsize = match last('B') {
        Some(o) => parse_int(
            o,
            &value(o)?,
            1,
            u32::MAX as i64,
            "a buffer size in bytes from 1 to 4294967295",
        )? as u32,
        None => DEFAULT_LIVE_BUFSIZE,
    };
    let input = match input_opt.letter {
        'r' => Input::File(PathBuf::from(value(input_opt)?)),
        'R' => Input::List(PathBuf::from(value(input_opt)?)),
        'D' => {
            let v = value(input_opt)?;
            let (expr, schr, stop) = parse_series(&v.to_string_lossy()).with_context(|| {
                format!(
                    "Invalid value '{}' for option '{}'",
                    v.to_string_lossy(),
                    input_opt.spelled
                )
            })?;
            Input::Series { expr, schr, stop }
        }
        _ => Input::Live {
            iface: value(input_opt)?.to_string_lossy().into_owned(),
            snaplen,
            bufsize,
        },
    };

    // Output prefix.
    let (w, big_w) = (last('w'), last('W'));
    if let (Some(_), Some(_)) = (w, big_w) {
        bail!("Options -w and -W can only be used exclusively");
    }
    let mut split = None;
    let (prefix_arg, flows_to_stdout) = match (w, big_w) {
        (Some(o), _) => {
            let v = value(o)?;
            if v == "-" {
                (None, true)
            } else {
                (Some(PathBuf::from(v)), false)
            }
        }
        (_, Some(o)) => {
            let v = value(o)?;
            let (p, s) = parse_split(&v).with_context(|| {
                format!(
                    "Invalid value '{}' for option '{}'",
                    v.to_string_lossy(),
                    o.spelled
                )
            })?;
            split = Some(s);
            (Some(p), false)
        }
        _ => (None, false),
    };
    let output_prefix = resolve_prefix(prefix_arg.as_deref(), &input);

    // Plugins.
    let plugin_dir = match last('p') {
        Some(o) => PathBuf::from(value(o)?),
        None => match &env.home {
            Some(h) => h.join(PLUGIN_FOLDER),
            None => {
                bail!("Cannot find your home folder for the default plugin folder: use -p PATH")
            }
        },
    };
    let plugin_list = match last('b') {
        Some(o) => {
            let p = PathBuf::from(value(o)?);
            if !p.is_file() {
                bail!(
                    "Plugin list '{}' given with option '{}' does not exist or is not a file",
                    p.display(),
                    o.spelled
                );
            }
            Some(p)
        }
        None => Some(plugin_dir.join(PLUGIN_LIST)).filter(|p| p.is_file()),
    };

    let hash_factor = match last('f') {
        Some(o) => parse_int(o, &value(o)?, 1, u32::MAX as i64, "an integer >= 1")? as u32,
        None => DEFAULT_HASH_FACTOR,
    };
    let sensor_id = match last('x') {
        Some(o) => parse_int(
            o,
            &value(o)?,
            0,
            u32::MAX as i64,
            "an integer from 0 to 4294967295",
        )? as u32,
        None => DEFAULT_SENSOR_ID,
    };
    let cpu = match last('c') {
        Some(o) => {
            let n = env.ncpus.max(1) as i64;
            let what = format!("a CPU number from 1 to {n}, or 0 for the current CPU");
            Some(parse_int(o, &value(o)?, 0, n, &what)? as u32)
        }
        None => None,
    };
    let nice = match last('P') {
        Some(o) if env.is_root => {
            Some(parse_int(o, &value(o)?, -20, 20, "a nice value from -20 to 20")? as i32)
        }
        Some(o) => Some(parse_int(
            o,
            &value(o)?,
            0,
            20,
            "a nice value from 0 to 20 (-20 to 20 as root)",
        )? as i32),
        None => None,
    };

    // BPF: the operands, or -F FILE.
    let operands_bpf = {
        let parts: Vec<String> = raw
            .operands
            .iter()
            .map(|o| o.to_string_lossy().into_owned())
            .collect();
        Some(parts.join(" ")).filter(|s| !s.trim().is_empty())
    };
    let bpf = match last('F') {
        Some(o) => {
            if let Some(b) = &operands_bpf {
                bail!(
                    "Option '{}' and a BPF expression on the command line ('{b}') can only be used exclusively",
                    o.spelled
                );
            }
            let path = PathBuf::from(value(o)?);
            let text = std::fs::read(&path).with_context(|| {
                format!(
                    "Cannot read the BPF file '{}' given with option '{}'",
                    path.display(),
                    o.spelled
                )
            })?;
            bpf_from_file(&String::from_utf8_lossy(&text))
        }
        None => operands_bpf,
    };

    let command_line = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let config = Config {
        input,
        bpf,
        output_prefix,
        flows_to_stdout,
        split,
        // `-w -` forces the report into PREFIX_log.txt (stdout carries the flows).
        log_to_file: flows_to_stdout || last('l').is_some(),
        packet_mode: last('s').is_some(),
        // `-w -` forces -m as the original does (stdout carries the flows).
        monitor_file: last('m').is_some() || flows_to_stdout,
        monitor_interval: match last('M') {
            Some(o) => {
                let v = o.value.clone().unwrap_or_default();
                match v.to_string_lossy().trim().parse::<f64>() {
                    Ok(x) if x.is_finite() && x > 0.0 => Some(x),
                    _ => bail!("Option '-M' requires a monitoring interval in seconds > 0 (got '{}')", v.to_string_lossy()),
                }
            }
            None => None,
        },
        extract_list: match last('e') {
            Some(o) => {
                let p = PathBuf::from(o.value.clone().unwrap_or_default());
                if !p.is_file() {
                    bail!("Option '-e': the flow index list '{}' is not a readable file", p.display());
                }
                Some(p)
            }
            None => None,
        },
        plugin_dir,
        plugin_list,
        hash_factor,
        sensor_id,
        cpu,
        priority: nice.unwrap_or(0),
        command_line,
        core: {
            let mut core = CoreSettings::default();
            crate::core_env::apply(&mut core, &env.core_vars)?;
            core
        },
    };
    Ok(Plan { config, nice })
}

/// Parses a decimal (or `0x` hexadecimal) integer in `min..=max`.
fn parse_int(o: &RawOpt, v: &OsStr, min: i64, max: i64, what: &str) -> Result<i64> {
    let s = v.to_string_lossy();
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let parsed = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            i64::from_str_radix(h, 16).ok()
        }
        Some(_) => None,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<i64>().ok()
        }
        None => None,
    };
    match parsed.map(|n| if neg { -n } else { n }) {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => bail!(
            "Invalid value '{s}' for option '{}': expected {what}",
            o.spelled
        ),
    }
}

/// `-D EXPR[:SCHR][,STOP]` -> (EXPR, SCHR, STOP). Without STOP, an index with leading zeros
/// (`dump.pcap00`: the digits after the last SCHR of the file name) fixes the width and thereby
/// the last index (99); otherwise the series has no end.
pub fn parse_series(s: &str) -> Result<(String, char, Option<u64>)> {
    let mut rest = s;
    let mut stop = None;
    if let Some((head, tail)) = rest.rsplit_once(',') {
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
            stop = Some(
                tail.parse::<u64>()
                    .map_err(|_| anyhow!("STOP '{tail}' is too large"))?,
            );
            rest = head;
        } else if tail.is_empty() || tail.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            bail!("STOP '{tail}' must be a non-negative integer (EXPR[:SCHR][,STOP])");
        }
    }
    let mut schr = DEFAULT_SCHR;
    if let Some((head, tail)) = rest.rsplit_once(':') {
        let mut cs = tail.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if !c.is_ascii_digit() && c != '/' => {
                schr = c;
                rest = head;
            }
            (None, _) => bail!("SCHR after ':' is missing (EXPR[:SCHR][,STOP])"),
            _ => {} // a ':' that belongs to the file name
        }
    }
    if rest.is_empty() {
        bail!("EXPR is empty (EXPR[:SCHR][,STOP])");
    }
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let Some(pos) = name.rfind(schr) else {
        bail!(
            "the file name '{name}' does not contain SCHR '{schr}', the character before the index"
        );
    };
    let index: String = name[pos + schr.len_utf8()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if stop.is_none() && index.len() >= 2 && index.starts_with('0') {
        stop = 10u64.checked_pow(index.len() as u32).map(|p| p - 1);
    }
    Ok((rest.to_string(), schr, stop))
}

/// `-W PREFIX[:SIZE][,START]` -> (PREFIX, Split).
pub fn parse_split(v: &OsStr) -> Result<(PathBuf, Split)> {
    let bytes = v.as_bytes();
    let mut split = Split {
        size: DEFAULT_SPLIT_SIZE,
        by_flows: false,
        start: 0,
    };
    let (prefix, spec) = match bytes.iter().rposition(|&b| b == b':') {
        Some(p) => (&bytes[..p], Some(&bytes[p + 1..])),
        None => (bytes, None),
    };
    let mut prefix = prefix;
    let start_text = match spec {
        Some(spec) => {
            let spec = String::from_utf8_lossy(spec).into_owned();
            let (size, start) = match spec.split_once(',') {
                Some((s, st)) => (s.to_string(), Some(st.to_string())),
                None => (spec, None),
            };
            if !size.is_empty() {
                let (n, f) = parse_size(&size)?;
                split.size = n;
                split.by_flows = f;
            }
            start
        }
        None => match prefix.iter().rposition(|&b| b == b',') {
            Some(p) if prefix[p + 1..].iter().all(u8::is_ascii_digit) && p + 1 < prefix.len() => {
                let st = String::from_utf8_lossy(&prefix[p + 1..]).into_owned();
                prefix = &prefix[..p];
                Some(st)
            }
            _ => None,
        },
    };
    if let Some(st) = start_text {
        split.start = st.parse::<u32>().map_err(|_| {
            anyhow!("START '{st}' must be an integer from 0 to 4294967295 (PREFIX[:SIZE][,START])")
        })?;
    }
    if prefix.is_empty() {
        bail!("PREFIX is empty (PREFIX[:SIZE][,START])");
    }
    Ok((PathBuf::from(OsString::from_vec(prefix.to_vec())), split))
}

/// SIZE of `-W`: a number (scientific notation allowed), optional `K`/`M`/`G` (decimal), optional
/// trailing `f` (flows). Returns (size, by_flows).
pub fn parse_size(s: &str) -> Result<(u64, bool)> {
    let bad = || {
        anyhow!(
            "SIZE '{s}' must be a number of bytes >= 1, optionally with K, M or G (x1e3, x1e6, x1e9) or in \
             scientific notation (1e5), and a trailing 'f' to count flows (e.g. 500M, 1e6, 10Kf)"
        )
    };
    let (s2, by_flows) = match s.strip_suffix('f') {
        Some(r) => (r, true),
        None => (s, false),
    };
    let (num, mult) = match s2.as_bytes().last() {
        Some(b'K' | b'k') => (&s2[..s2.len() - 1], 1e3),
        Some(b'M' | b'm') => (&s2[..s2.len() - 1], 1e6),
        Some(b'G' | b'g') => (&s2[..s2.len() - 1], 1e9),
        _ => (s2, 1.0),
    };
    if num.is_empty()
        || !num
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+'))
    {
        return Err(bad());
    }
    let v = num.parse::<f64>().map_err(|_| bad())? * mult;
    if !v.is_finite() || v < 1.0 || v >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok((v as u64, by_flows))
}

/// The BPF text of a `-F` file: `#` starts a comment to the end of the line, lines are trimmed
/// and joined with single spaces; nothing left means no filter.
pub fn bpf_from_file(text: &str) -> Option<String> {
    let parts: Vec<&str> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    Some(parts.join(" ")).filter(|s| !s.is_empty())
}

/// The name the input gives to its output files: its path without the last extension; standard
/// input is `stdin`, a live capture its interface name.
pub fn input_stem(input: &Input) -> PathBuf {
    match input {
        Input::File(p) if p.as_os_str() == "-" => PathBuf::from("stdin"),
        Input::File(p) | Input::List(p) => p.with_extension(""),
        Input::Series { expr, .. } => PathBuf::from(expr).with_extension(""),
        Input::Live { iface, .. } => PathBuf::from(iface),
    }
}

/// The output prefix (spec §1.1 `-w`): none -> [`input_stem`]; an existing folder, or one ending in
/// `/` -> the folder plus the stem's file name; anything else verbatim (no extension stripped:
/// `-w out/x.pcap` gives `out/x.pcap_flows.txt`).
pub fn resolve_prefix(w: Option<&Path>, input: &Input) -> PathBuf {
    let stem = input_stem(input);
    let Some(w) = w else { return stem };
    if w.as_os_str().as_bytes().ends_with(b"/") || w.is_dir() {
        let base = stem
            .file_name()
            .map(OsStr::to_os_string)
            .unwrap_or_else(|| "stdin".into());
        return w.join(base);
    }
    w.to_path_buf()
}

/// Creates the folders the output prefix needs (`-w new/dir/name` creates `new/dir`).
pub fn create_output_dirs(config: &Config) -> Result<()> {
    if let Some(parent) = config
        .output_prefix
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("Cannot create the output folder '{}'", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
