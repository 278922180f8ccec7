//! The `t2` / `tranalyzer` command: options -> [`Config`] -> [`t2_core::engine::run`].
//!
//! Both executables are this one program (`src/main.rs`, `src/bin/tranalyzer.rs`).

mod core_env;
pub mod options;
mod process;
mod usage;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use t2_core::config::{Config, CoreSettings};
use t2_core::log::{Level, format_line};

pub use usage::{USAGE, VERSION};

use options::Parsed;

/// The program: exit 0 on success, 1 on any error (printed once as a T2 `[ERR]` line).
pub fn main() -> ExitCode {
    // As T2 (a C program), die quietly when the reader of stdout goes away (`t2 -w - | head`):
    // Rust ignores SIGPIPE by default, which would turn every later write into an error.
    process::default_sigpipe();
    match run() {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            print_error(&format!("{e:#}"), CoreSettings::default().log_color);
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let args = argv.get(1..).unwrap_or_default();
    let raw = match options::parse_args(args)? {
        Parsed::Help => return print_stdout(USAGE, ExitCode::SUCCESS),
        Parsed::Usage => return print_stdout(USAGE, ExitCode::FAILURE),
        Parsed::Version => return print_stdout(&format!("{VERSION}\n"), ExitCode::SUCCESS),
        Parsed::PluginInfo(a) => return print_plugin_info(&a),
        Parsed::BitTables(a) => return print_bit_tables(&a),
        Parsed::Run(raw) => raw,
    };
    let mut env = process::env();
    // Defaults < ~/.tranalyzer/t2core.toml < environment variables.
    env.core_vars =
        core_env::file_then_env(env.home.as_deref(), std::mem::take(&mut env.core_vars))?;
    let options::Plan { mut config, nice } = options::build_config(&raw, &argv, &env)?;
    options::create_output_dirs(&config)?;
    apply_process_settings(&mut config, nice)?;
    process::install_signal_handlers()?;
    // T2 warns and sleeps 1 s when run as root on a capture file; t2rs does neither (a
    // documented divergence).
    match t2_core::engine::run(&config) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            print_error(&e.message, config.core.log_color);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `-c` and `-P`, applied to this process; the config then holds what is in effect.
fn apply_process_settings(config: &mut Config, nice: Option<i32>) -> Result<()> {
    if let Some(cpu) = config.cpu {
        config.cpu = Some(process::pin_to_cpu(cpu)?);
    }
    if let Some(n) = nice {
        process::set_nice(n)?;
    }
    config.priority = process::nice();
    Ok(())
}

/// The core's bit table of `flowStat` (spec §1.8): `(mask, name, description)`.
const FLOW_STAT_BITS: &[(u64, &str, &str)] = &[
    (
        0x0000_0000_0000_0001,
        "L3FLOWINVERT",
        "Inverted flow: did not initiate the connection",
    ),
    (0x0000_0000_0000_0002, "L2_NO_ETH", "No Ethernet header"),
    (0x0000_0000_0000_0004, "L2_FLOW", "Pure layer 2 flow"),
    (0x0000_0000_0000_0008, "L2_PPPoE_D", "PPPoE discovery"),
    (0x0000_0000_0000_0010, "L2_PPPoE_S", "PPPoE session"),
    (0x0000_0000_0000_0020, "L2_LLDP", "LLDP"),
    (0x0000_0000_0000_0040, "L2_ARP", "ARP"),
    (0x0000_0000_0000_0080, "L2_RARP", "Reverse ARP"),
    (0x0000_0000_0000_0100, "L2_VLAN", "VLAN tag(s)"),
    (0x0000_0000_0000_0200, "L2_MPLS_UCAST", "MPLS unicast"),
    (0x0000_0000_0000_0400, "L2_MPLS_MCAST", "MPLS multicast"),
    (0x0000_0000_0000_0800, "L2_L2TP", "L2TP v2/v3"),
    (0x0000_0000_0000_1000, "L2_GRE", "GRE v1/2"),
    (0x0000_0000_0000_2000, "L2_PPP", "PPP behind L2TP or GRE"),
    (0x0000_0000_0000_4000, "L2_IPV4", "IPv4"),
    (0x0000_0000_0000_8000, "L2_IPV6", "IPv6"),
    (0x0000_0000_0001_0000, "L3_IPVX", "IPvX: bogus IP version"),
    (0x0000_0000_0002_0000, "L3_IPIP", "IPv4/6 in IPv4/6"),
    (0x0000_0000_0004_0000, "L3_ETHIPF", "Ethernet over IP"),
    (0x0000_0000_0008_0000, "L3_TRDO", "Teredo tunnel"),
    (0x0000_0000_0010_0000, "L3_AYIYA", "AYIYA tunnel"),
    (0x0000_0000_0020_0000, "L3_GTP", "GTP tunnel"),
    (0x0000_0000_0040_0000, "L3_VXLAN", "VXLAN tunnel"),
    (0x0000_0000_0080_0000, "L3_CAPWAP", "CAPWAP/LWAPP tunnel"),
    (0x0000_0000_0100_0000, "L4_SCTP", "SCTP"),
    (0x0000_0000_0200_0000, "L4_UPNP", "SSDP/UPnP"),
    (0x0000_0000_0400_0000, "L2_ERSPAN", "ERSPAN"),
    (0x0000_0000_0800_0000, "L2_WCCP", "Cisco WCCP"),
    (0x0000_0000_1000_0000, "L7_SIPRTP", "SIP/RTP"),
    (0x0000_0000_2000_0000, "L3_GENEVE", "GENEVE tunnel"),
    (
        0x0000_0000_4000_0000,
        "L3_IPSEC_AH",
        "IPsec Authentication Header",
    ),
    (
        0x0000_0000_8000_0000,
        "L3_IPSEC_ESP",
        "IPsec Encapsulating Security Payload",
    ),
    (
        0x0000_0001_0000_0000,
        "L2SNAPLENGTH",
        "Captured length below a minimal layer 2 frame",
    ),
    (
        0x0000_0002_0000_0000,
        "L3SNAPLENGTH",
        "Captured length below the length in the layer 3 header",
    ),
    (
        0x0000_0004_0000_0000,
        "L3HDRSHRTLEN",
        "Captured length below a minimal layer 3 header",
    ),
    (
        0x0000_0008_0000_0000,
        "L4HDRSHRTLEN",
        "Captured length below a minimal layer 4 header",
    ),
    (0x0000_0010_0000_0000, "IPV4_FRAG", "IPv4/6 fragments"),
    (
        0x0000_0020_0000_0000,
        "IPV4_FRAG_ERR",
        "IPv4/6 fragmentation error",
    ),
    (
        0x0000_0040_0000_0000,
        "IPV4_FRAG_HDSEQ_ERR",
        "IPv4/6 first fragment missing or out of sequence",
    ),
    (
        0x0000_0080_0000_0000,
        "IPV4_FRAG_PENDING",
        "IPv4/6 fragment sequence unfinished at the end of the flow",
    ),
    (
        0x0000_0100_0000_0000,
        "FLWTMOUT",
        "Flow ended by a timeout, not by its protocol",
    ),
    (
        0x0000_0200_0000_0000,
        "RMFLOW",
        "Flow removed in force mode",
    ),
    (
        0x0000_0400_0000_0000,
        "RMFLOW_HFULL",
        "Flow removed by the autopilot: flow table full",
    ),
    (
        0x0000_0800_0000_0000,
        "STPDSCT",
        "Dissection stopped: clipped packet, unknown protocol or later fragment",
    ),
    (
        0x0000_1000_0000_0000,
        "DUPIPID",
        "Consecutive duplicate IP ID",
    ),
    (
        0x0000_2000_0000_0000,
        "PPP_NRHD",
        "PPP header compressed or not readable",
    ),
    (
        0x0000_4000_0000_0000,
        "IPV4_HL_TOO_SHORT",
        "IPv4 header length below 20 bytes",
    ),
    (
        0x0000_8000_0000_0000,
        "IP_PL_MSMTCH",
        "IP payload length differs from the framing length",
    ),
    (
        0x0001_0000_0000_0000,
        "HDOVRN",
        "Too many header descriptions",
    ),
    (
        0x0002_0000_0000_0000,
        "FL_ALARM",
        "Alarm or pcapd extraction",
    ),
    (
        0x0004_0000_0000_0000,
        "LANDATTACK",
        "LAND attack: same source and destination address and port",
    ),
    (
        0x0008_0000_0000_0000,
        "TIMEJUMP",
        "Time jump: negative inter-arrival time",
    ),
    (0x0010_0000_0000_0000, "LIVEXTR", "liveXtr extraction"),
    (0x0080_0000_0000_0000, "SUBN_FLW_TST", "Subnet looked up"),
    (0x0100_0000_0000_0000, "TORADD", "Tor address"),
    (
        0x0200_0000_0000_0000,
        "FS_VLAN0",
        "VLAN priority tag (VLAN ID 0)",
    ),
    (0x0400_0000_0000_0000, "FS_IPV4_PKT", "IPv4 packet seen"),
    (0x0800_0000_0000_0000, "FS_IPV6_PKT", "IPv6 packet seen"),
    (0x1000_0000_0000_0000, "LAPD_FLOW", "LAPD flow"),
    (0x2000_0000_0000_0000, "L7_DTLS", "DTLS"),
    (
        0x4000_0000_0000_0000,
        "FDLSIDX",
        "Subflow of a flow index (flow duration limit)",
    ),
    (
        0x8000_0000_0000_0000,
        "PCAPSNPD",
        "Packet longer than the I/O buffer: captured length reduced",
    ),
];

/// Hex digits of a mask of a column of type `ty`: by the size of its first value.
fn mask_digits(ty: &str) -> usize {
    let first = ty
        .trim_start_matches('(')
        .split(['_', ':', ')'])
        .next()
        .unwrap_or("");
    match first {
        "H8" | "U8" | "I8" | "C" => 2,
        "H16" | "U16" | "I16" => 4,
        "H32" | "U32" | "I32" | "F" => 8,
        _ => 16,
    }
}

/// Tabs and line breaks of a description would break the table format.
fn one_cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `t2 --bit-tables [NAME...] [-p PATH]`: the bit tables of the status columns, for `tawk -V`:
/// the core's table of `flowStat`, then every table a plugin of the plugin folder declares with
/// its columns (the plugins are loaded and initialised, nothing else). One tab-separated row
/// per bit: `column source type mask name description`, after a `%` header line.
fn print_bit_tables(a: &options::PluginInfoArgs) -> Result<ExitCode> {
    use std::fmt::Write as _;
    let dir = match &a.plugin_dir {
        Some(d) => d.clone(),
        None => process::env()
            .home
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "Cannot find your home folder for the default plugin folder: use -p PATH"
                )
            })?
            .join(options::PLUGIN_FOLDER),
    };
    // Sinks may create files in `init`: they go into a scratch folder removed afterwards.
    let scratch = std::env::temp_dir().join(format!("t2-bit-tables-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let prefix = scratch.join("out").to_string_lossy().into_owned();
    let (columns, refused) = t2_core::engine::host::declared_columns(&dir, &prefix);
    let _ = std::fs::remove_dir_all(&scratch);
    let color = CoreSettings::default().log_color && io::IsTerminal::is_terminal(&io::stderr());
    for r in &refused {
        let _ = io::stderr().write_all(format_line(Level::Wrn, &r.message, color).as_bytes());
    }
    // (column, source, type, rows of (mask, name, description))
    type Table = (String, String, String, Vec<(u64, String, String)>);
    let mut tables: Vec<Table> = Vec::new();
    if !columns
        .iter()
        .any(|(_, c)| &*c.name == "flowStat" && !c.bits.is_empty())
    {
        let rows = FLOW_STAT_BITS
            .iter()
            .map(|(m, n, d)| (*m, n.to_string(), d.to_string()))
            .collect();
        tables.push(("flowStat".into(), "core".into(), "H64".into(), rows));
    }
    for (plugin, c) in &columns {
        if c.bits.is_empty() || tables.iter().any(|t| t.0 == *c.name) {
            continue;
        }
        let rows = c
            .bits
            .iter()
            .map(|(m, n, d)| (*m, n.to_string(), d.to_string()))
            .collect();
        tables.push((
            c.name.to_string(),
            plugin.clone(),
            c.type_.to_string(),
            rows,
        ));
    }
    for n in &a.names {
        if !tables.iter().any(|t| &t.0 == n) {
            let have: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
            anyhow::bail!(
                "No bit table for column '{n}' in the core or the plugins of '{}' (tables: {})",
                dir.display(),
                have.join(", ")
            );
        }
    }
    let mut s = String::from("%column\tsource\ttype\tmask\tname\tdescription\n");
    for (col, source, ty, rows) in &tables {
        if !a.names.is_empty() && !a.names.contains(col) {
            continue;
        }
        let w = mask_digits(ty);
        for (m, n, d) in rows {
            writeln!(
                s,
                "{col}\t{source}\t{ty}\t0x{m:0w$x}\t{}\t{}",
                one_cell(n),
                one_cell(d)
            )?;
        }
    }
    print_stdout(&s, ExitCode::SUCCESS)
}

/// `t2 --plugin-info [NAME...] [-p PATH]`: each installed plugin's number, version, ABI version,
/// dependencies and build configuration, with a warning where it differs from the
/// `t2plugin.toml` of the source tree (found as t2build finds it), when there is one.
fn print_plugin_info(a: &options::PluginInfoArgs) -> Result<ExitCode> {
    use std::fmt::Write as _;
    use std::io::IsTerminal;
    let dir = match &a.plugin_dir {
        Some(d) => d.clone(),
        None => process::env()
            .home
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "Cannot find your home folder for the default plugin folder: use -p PATH"
                )
            })?
            .join(options::PLUGIN_FOLDER),
    };
    let mut infos = t2_core::plugin_info::plugin_info(&dir);
    for n in &a.names {
        if !infos.iter().any(|i| &i.name == n) {
            anyhow::bail!(
                "Plugin '{n}' is not installed in '{}' (see t2build -l -p PATH)",
                dir.display()
            );
        }
    }
    if !a.names.is_empty() {
        infos.retain(|i| a.names.contains(&i.name));
    }
    let tree = t2_build::tree::SourceTree::locate();
    let color = io::stdout().is_terminal() && CoreSettings::default().log_color;
    let mut s = String::new();
    match &tree {
        Ok(t) => writeln!(
            s,
            "Plugins in '{}' (source tree: '{}')",
            dir.display(),
            t.root.display()
        )?,
        Err(_) => writeln!(
            s,
            "Plugins in '{}' (no source tree found to compare with: set T2HOME)",
            dir.display()
        )?,
    }
    if infos.is_empty() {
        writeln!(s, "No plugins installed")?;
    }
    for i in &infos {
        let fname = i
            .file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        writeln!(s, "\n{fname}")?;
        if let Some(p) = &i.problem {
            s.push_str(&format_line(Level::Wrn, &format!("{fname}: {p}"), color));
            if i.version.is_empty() {
                continue;
            }
        }
        let abi = i
            .abi
            .map(|(ma, mi)| format!("{ma}.{mi}"))
            .unwrap_or_else(|| "?".into());
        writeln!(s, "    name:         {}", i.name)?;
        writeln!(s, "    number:       {:03}", i.number)?;
        writeln!(s, "    version:      {}", i.version)?;
        writeln!(s, "    ABI:          {abi}")?;
        let deps = if i.dependencies.is_empty() {
            "none".to_string()
        } else {
            i.dependencies.join(", ")
        };
        writeln!(s, "    dependencies: {deps}")?;
        if i.build_config.is_empty() {
            writeln!(s, "    build config: none")?;
        } else {
            writeln!(s, "    build config:")?;
            let w = i
                .build_config
                .iter()
                .map(|(n, _)| n.len())
                .max()
                .unwrap_or(0);
            for (n, v) in &i.build_config {
                writeln!(s, "        {n:<w$} = {v}")?;
            }
        }
        let Ok(t) = &tree else { continue };
        match t.plugin(&i.name) {
            None => writeln!(s, "    (not in the source tree: not compared)")?,
            Some(p) => {
                let toml = p.dir.join("t2plugin.toml");
                match t2_build::manifest::read(&toml) {
                    Err(e) => s.push_str(&format_line(
                        Level::Wrn,
                        &format!("{}: cannot compare: {e:#}", i.name),
                        color,
                    )),
                    Ok(m) => {
                        let d = t2_build::conf::installed_differences(
                            &m,
                            i.number,
                            &i.version,
                            &i.dependencies,
                            &i.build_config,
                        );
                        if d.is_empty() {
                            writeln!(s, "    (built from '{}' as it is now)", toml.display())?;
                        } else {
                            let msg = format!(
                                "{}: the installed {fname} differs from '{}': {}; rebuild it with 't2build {}'",
                                i.name,
                                toml.display(),
                                d.join("; "),
                                i.name
                            );
                            s.push_str(&format_line(Level::Wrn, &msg, color));
                        }
                    }
                }
            }
        }
    }
    print_stdout(&s, ExitCode::SUCCESS)
}

fn print_stdout(text: &str, code: ExitCode) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(code)
}

fn print_error(msg: &str, color: bool) {
    let _ = io::stderr()
        .lock()
        .write_all(format_line(Level::Err, msg, color).as_bytes());
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
