//! The core's settings: what t2conf may set for `tranalyzer2` and the file that holds the values.
//!
//! # The core settings file
//!
//! `~/.tranalyzer/t2core.toml` (`HOME` of the user; with `sudo`, t2 uses the invoking user's
//! home, as for the plugin folder). Plain TOML, one `NAME = VALUE` per line at the top level:
//!
//! ```toml
//! # comments are kept by t2conf
//! FLOW_TIMEOUT = 60.0
//! HASH_AUTOPILOT = 0
//! ```
//!
//! Precedence at run time: built-in default < this file < an environment variable of the same
//! name (`FLOW_TIMEOUT=30 t2 -r f.pcap`). A missing file means every default. A name that is not
//! a setting the core implements, or a value of the wrong type or out of range, makes `t2` stop
//! with one line naming the file, the setting and what is allowed: nothing is ignored silently.
//!
//! The settings, their types, ranges and defaults are the [`CATALOGUE`] (the `t2plugin.toml`
//! format, so the same checks apply as for plugins).

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::manifest::{Manifest, Setting, Value, value_literal};

/// The catalogue of the core's settings (`t2plugin.toml` format).
pub const CATALOGUE: &str = include_str!("t2core.toml");

/// The core settings file, relative to the home folder.
pub const CORE_FILE: &str = ".tranalyzer/t2core.toml";

/// Settings of T2 0.9.3's core (spec §1.12) that t2rs does not implement yet: refused by name.
pub const NOT_IMPLEMENTED: &[&str] = &[
    "T2_SENSORID",
    "ENVCNTRL",
    "PLUGIN_FOLDER",
    "RROP",
    "POLLTM",
    "MFPTMOUT",
    "SCHR",
    "OFRWFILELN",
    "PACKETS_SUFFIX",
    "LOG_SUFFIX",
    "MON_SUFFIX",
    "DEBUG",
    "VERBOSE",
    "MAIN_OUTBUF_SIZE",
    "SNAPLEN",
    "CAPTURE_TIMEOUT",
    "BPF_OPTIMIZE",
    "TSTAMP_PREC",
    "TSTAMP_UTC",
    "TSTAMP_R_UTC",
    "LIVEBUFSIZE",
    "BLOCK_BUF",
    "PLUGIN_REPORT",
    "REPORT_HIST",
    "AYIYA",
    "GENEVE",
    "TEREDO",
    "L2TP",
    "GRE",
    "GTP",
    "VXLAN",
    "IPIP",
    "ETHIP",
    "CAPWAP",
    "LWAPP",
    "DTLS",
    "FRAGMENTATION",
    "FRAG_HLST_CRFT",
    "FRAG_ERROR_DUMP",
    "IPVX_INTERPRET",
    "ANONYM_IP",
    "ETH_STAT_MODE",
    "SUBNET_ON",
    "NOFLWCRT",
    "ZPKTITMUPD",
    "ZPKTTMO",
    "HASHFACTOR",
    "HASH_CHAIN_FACTOR",
    "NUMFLWRM",
    "LAPD_ACTIVATE",
    "LAPD_OVER_UDP",
    "T2_PRI_HDRDESC",
    "T2_HDRDESC_AGGR",
    "T2_HDRDESC_LEN",
    "FRGIPPKTLENVIEW",
    "NOLAYER2",
    "NOL2_L3HDROFFSET",
    "MAXHDRCNT",
    "SALRM",
    "SALRMINV",
    "SPKTMD_BOPS",
    "SPKTMD_BSHFT_POS",
    "SPKTMD_BSHFT",
    "SPKTMD_PCNTH_PREF",
    "SPKTMD_PCNTH_SEP",
    "MONINTTHRD",
    "MONINTBLK",
    "MONINTPSYNC",
    "MONINTTMPCP_ON",
    "MONINTV",
    "POLLENV",
    "MONPROTMD",
    "MONPROTL2",
    "MONPROTL3",
    "DPDK_MP",
    "MIN_MAX_ESTIMATE",
    "T2_HASH_FUNC",
    "USE_PLLIST",
    "PLLIST",
    "IO_BUFFERING",
    "BUF_DATA_SHFT",
    "OUTBUF_AUTOPILOT",
    "OUTBUF_MAXSIZE_F",
    "IP4_FORMAT",
    "IP6_FORMAT",
    "MAC_FORMAT",
    "MAC_SEP",
    "B2T_NON_IP_STR",
    "HEX_CAPITAL",
    "TFS_EXTENDED_HEADER",
    "TFS_NC_TYPE",
    "TFS_SAN_UTF8",
    "B2T_TIMESTR",
    "HDR_CHR",
    "SEP_CHR",
    "JSON_KEEP_EMPTY",
    "JSON_PRETTY",
];

/// The parsed [`CATALOGUE`] (values = defaults).
pub fn catalogue() -> Manifest {
    crate::manifest::parse(CATALOGUE, "t2core.toml").expect("the built-in core catalogue is valid")
}

/// `home/.tranalyzer/t2core.toml`.
pub fn core_file(home: &Path) -> PathBuf {
    home.join(CORE_FILE)
}

/// The names of the settings the core implements.
pub fn names() -> Vec<String> {
    catalogue().settings.into_iter().map(|s| s.name).collect()
}

/// The message for a name that is not in the catalogue.
pub fn unknown_setting(name: &str) -> String {
    let known = names().join(", ");
    if NOT_IMPLEMENTED.contains(&name) {
        format!(
            "'{name}' is a setting of T2's core that t2rs does not implement yet (implemented: {known})"
        )
    } else {
        let hint = super::suggest(name, &names())
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        format!("the core has no setting '{name}'{hint}; implemented: {known}")
    }
}

/// Checks one value of the core file against its setting (what `t2conf` would accept).
fn check(setting: &Setting, v: &Value) -> Result<(), String> {
    setting.check(v).map_err(|_| super::expected(setting))
}

/// Reads the core settings file: `(name, value)` in file order, every name and value checked.
/// A missing file is an empty list.
pub fn read_file(path: &Path) -> Result<Vec<(String, Value)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!(
            "core settings file '{}': cannot read it: {e}",
            path.display()
        ),
    };
    parse_file(&text).map_err(|e| anyhow!("core settings file '{}': {e}", path.display()))
}

/// [`read_file`] on the text of the file.
pub fn parse_file(text: &str) -> Result<Vec<(String, Value)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        format!("not valid TOML: {}", e.message().replace('\n', " "))
    })?;
    let cat = catalogue();
    let mut out = Vec::new();
    for (name, v) in table {
        let Some(s) = cat.settings.iter().find(|s| s.name == name) else {
            return Err(unknown_setting(&name));
        };
        check(s, &v).map_err(|m| format!("invalid value {v} for {name}: {m}"))?;
        out.push((name, v));
    }
    Ok(out)
}

/// For `t2`: the settings of the file as `(NAME, VALUE)` text pairs (the form environment
/// variables have), `home` being the user's home. No file, no home: nothing.
pub fn file_vars(home: Option<&Path>) -> Result<Vec<(String, String)>> {
    let Some(home) = home else {
        return Ok(Vec::new());
    };
    Ok(read_file(&core_file(home))?
        .into_iter()
        .map(|(n, v)| (n, value_literal(&v)))
        .collect())
}

/// The header of a new core settings file.
pub const FILE_HEADER: &str = "\
# t2 core settings, read by t2 at start-up (T2's tranalyzer.h switches, at run time in t2rs).
# Set with 't2conf tranalyzer2 -D NAME=VALUE', list with 't2conf tranalyzer2 -I'.
# An environment variable of the same name overrides a value of this file.
";
