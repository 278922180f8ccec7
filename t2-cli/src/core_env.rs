//! Core settings from the core settings file `~/.tranalyzer/t2core.toml` (written by
//! `t2conf tranalyzer2 -D NAME=VALUE`; format and checks in `t2_build::conf::core_settings`),
//! overridden by environment variables of the same name, as T2's `ENVCNTRL` allows for its
//! switches (e.g. `FLOW_TIMEOUT=60 t2 -r f.pcap`). Only settings the core implements are
//! accepted; each value is checked and a bad one is refused naming the variable (or the file)
//! and what it accepts.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use t2_core::config::{Aggregation, CoreSettings};

/// The names this module reads.
pub const NAMES: [&str; 32] = [
    "ALARM_AND",
    "AGGREGATIONFLAG",
    "SRCIP4CMSK",
    "DSTIP4CMSK",
    "SRCIP6CMSK",
    "DSTIP6CMSK",
    "SRCPORTLW",
    "SRCPORTHW",
    "DSTPORTLW",
    "DSTPORTHW",
    "SCTP_ACTIVATE",
    "SCTP_STATFINDEX",
    "PACKETLENGTH",
    "MACHINE_REPORT",
    "DIFF_REPORT",
    "MONINTTMPCP",
    "IPV6_ACTIVATE",
    "ETH_ACTIVATE",
    "RELTIME",
    "ALARM_MODE",
    "FORCE_MODE",
    "FDURLIMIT",
    "FDLSFINDEX",
    "MULTIPKTSUP",
    "SPKTMD_PKTNO",
    "SPKTMD_PCNTC",
    "SPKTMD_PCNTH",
    "SPKTMD_PCNTL",
    "FLOW_TIMEOUT",
    "HASHCHAINTABLE_BASE_SIZE",
    "HASH_AUTOPILOT",
    "T2_LOG_COLOR",
];

/// The variables of [`NAMES`] present in the process environment.
pub fn from_process() -> Vec<(String, String)> {
    NAMES.iter().filter_map(|n| std::env::var(n).ok().map(|v| (n.to_string(), v))).collect()
}

/// The settings of the core settings file of `home` (none without a home or a file), followed
/// by `env_vars`, so that [`apply`] lets the environment override the file.
pub fn file_then_env(home: Option<&Path>, env_vars: Vec<(String, String)>) -> Result<Vec<(String, String)>> {
    let mut vars = t2_build::conf::core_settings::file_vars(home).map_err(|e| anyhow!("Invalid {e:#}"))?;
    vars.extend(env_vars);
    Ok(vars)
}

/// Applies `vars` to `core`.
pub fn apply(core: &mut CoreSettings, vars: &[(String, String)]) -> Result<()> {
    for (name, value) in vars {
        let v = value.trim();
        match name.as_str() {
            "FLOW_TIMEOUT" => match v.parse::<f32>() {
                Ok(t) if t.is_finite() && t > 0.0 => core.flow_timeout = t,
                _ => bail!("Invalid value '{value}' for environment variable 'FLOW_TIMEOUT': expected a number of seconds > 0"),
            },
            "HASHCHAINTABLE_BASE_SIZE" => match v.parse::<u64>() {
                Ok(n) if (1..=1 << 30).contains(&n) => core.hash_base = n,
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'HASHCHAINTABLE_BASE_SIZE': expected an integer from 1 to 1073741824"
                ),
            },
            "IPV6_ACTIVATE" => match v {
                "0" | "1" | "2" => core.ipv6_activate = v.parse().unwrap_or(2),
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'IPV6_ACTIVATE': expected 0 (IPv4 only), 1 (IPv6 only) or 2 (IPv4 and IPv6)"
                ),
            },
            "ETH_ACTIVATE" => match v {
                "0" | "1" | "2" => core.eth_activate = v.parse().unwrap_or(1),
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'ETH_ACTIVATE': expected 0 (no layer-2 flows), 1 (layer-2 flows for non-IP frames) or 2 (also MAC addresses in the IP flow key)"
                ),
            },
            "RELTIME" => core.reltime = bool01(name, value)?,
            "ALARM_MODE" => core.alarm_mode = bool01(name, value)?,
            "MACHINE_REPORT" => core.machine_report = bool01(name, value)?,
            "DIFF_REPORT" => core.diff_report = bool01(name, value)?,
            "MONINTTMPCP" => core.monint_pcap_time = bool01(name, value)?,
            "PACKETLENGTH" => match v {
                "0" | "1" | "2" | "3" => core.packet_length = v.parse().unwrap_or(3),
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'PACKETLENGTH': expected 0 (from layer 2), 1 (from layer 3), 2 (from layer 4) or 3 (layer-7 payload)"
                ),
            },
            "FORCE_MODE" => core.force_mode = bool01(name, value)?,
            "ALARM_AND" => core.alarm_and = bool01(name, value)?,
            "AGGREGATIONFLAG" => {
                let bad = || {
                    anyhow!(
                        "Invalid value '{value}' for environment variable 'AGGREGATIONFLAG': expected an OR of 0x01 (l4Proto), 0x02 (dstPort), 0x04 (srcPort), 0x08 (dstIP), 0x10 (srcIP), 0x20 (vlanID), e.g. 0x18 (0x80, subnet aggregation, is not supported)"
                    )
                };
                let n = parse_uint(v).ok_or_else(bad)?;
                if n > u8::MAX as u64 || n as u8 & !Aggregation::SUPPORTED != 0 {
                    return Err(bad());
                }
                core.aggregation.flags = n as u8;
            }
            "SRCIP4CMSK" => core.aggregation.src_ip4_prefix = ranged(name, value, 32)? as u8,
            "DSTIP4CMSK" => core.aggregation.dst_ip4_prefix = ranged(name, value, 32)? as u8,
            "SRCIP6CMSK" => core.aggregation.src_ip6_prefix = ranged(name, value, 128)? as u8,
            "DSTIP6CMSK" => core.aggregation.dst_ip6_prefix = ranged(name, value, 128)? as u8,
            "SRCPORTLW" => core.aggregation.src_ports.0 = ranged(name, value, 65535)? as u16,
            "SRCPORTHW" => core.aggregation.src_ports.1 = ranged(name, value, 65535)? as u16,
            "DSTPORTLW" => core.aggregation.dst_ports.0 = ranged(name, value, 65535)? as u16,
            "DSTPORTHW" => core.aggregation.dst_ports.1 = ranged(name, value, 65535)? as u16,
            "SCTP_ACTIVATE" => match v {
                "0" | "1" | "2" | "3" => core.sctp_activate = v.parse().unwrap_or(0),
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'SCTP_ACTIVATE': expected 0 (SCTP associations are flows), 1 (one flow per SCTP stream), 2 (one flow per association, keyed by verification tag) or 3 (per stream and verification tag)"
                ),
            },
            "SCTP_STATFINDEX" => core.sctp_statfindex = bool01(name, value)?,
            "FDURLIMIT" => match v.parse::<u32>() {
                Ok(n) => core.fdurlimit = n,
                _ => bail!("Invalid value '{value}' for environment variable 'FDURLIMIT': expected a number of seconds from 0 (no limit) to 4294967295"),
            },
            "FDLSFINDEX" => core.fdlsfindex = bool01(name, value)?,
            "MULTIPKTSUP" => core.multipktsup = bool01(name, value)?,
            "SPKTMD_PKTNO" => core.spktmd_pktno = bool01(name, value)?,
            "SPKTMD_PCNTC" => core.spktmd_pcntc = bool01(name, value)?,
            "SPKTMD_PCNTH" => core.spktmd_pcnth = bool01(name, value)?,
            "SPKTMD_PCNTL" => match v {
                "0" | "1" | "2" | "3" | "4" => core.spktmd_pcntl = v.parse().unwrap_or(4),
                _ => bail!(
                    "Invalid value '{value}' for environment variable 'SPKTMD_PCNTL': expected 0 (whole frame), 1 (from L2), 2 (from L3), 3 (from L4) or 4 (L7 payload)"
                ),
            },
            "HASH_AUTOPILOT" => core.hash_autopilot = bool01(name, value)?,
            "T2_LOG_COLOR" => core.log_color = bool01(name, value)?,
            _ => bail!("Unknown core setting '{name}'; known: {}", NAMES.join(", ")),
        }
    }
    Ok(())
}

/// A decimal or `0x` hexadecimal integer (T2's headers write flags in hex).
fn parse_uint(v: &str) -> Option<u64> {
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v.parse().ok(),
    }
}

fn ranged(name: &str, value: &str, max: u64) -> Result<u64> {
    match parse_uint(value.trim()) {
        Some(n) if n <= max => Ok(n),
        _ => bail!("Invalid value '{value}' for environment variable '{name}': expected an integer from 0 to {max}"),
    }
}

fn bool01(name: &str, value: &str) -> Result<bool> {
    match value.trim() {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => bail!("Invalid value '{value}' for environment variable '{name}': expected 0 or 1"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: &str, x: &str) -> Vec<(String, String)> {
        vec![(n.to_string(), x.to_string())]
    }

    #[test]
    fn valid_values_apply() {
        let mut c = CoreSettings::default();
        apply(&mut c, &v("FLOW_TIMEOUT", "60")).unwrap();
        apply(&mut c, &v("HASHCHAINTABLE_BASE_SIZE", "16")).unwrap();
        apply(&mut c, &v("HASH_AUTOPILOT", "0")).unwrap();
        apply(&mut c, &v("T2_LOG_COLOR", "0")).unwrap();
        assert_eq!((c.flow_timeout, c.hash_base, c.hash_autopilot, c.log_color), (60.0, 16, false, false));
    }

    #[test]
    fn bad_values_name_the_variable_and_the_allowed_values() {
        let mut c = CoreSettings::default();
        let e = apply(&mut c, &v("FLOW_TIMEOUT", "-3")).unwrap_err().to_string();
        assert!(e.contains("'FLOW_TIMEOUT'") && e.contains("> 0"), "{e}");
        let e = apply(&mut c, &v("HASH_AUTOPILOT", "yes")).unwrap_err().to_string();
        assert!(e.contains("'HASH_AUTOPILOT'") && e.contains("0 or 1"), "{e}");
        let e = apply(&mut c, &v("HASHCHAINTABLE_BASE_SIZE", "0")).unwrap_err().to_string();
        assert!(e.contains("1 to 1073741824"), "{e}");
        assert_eq!(c, CoreSettings::default(), "nothing applied");
    }

    /// t2conf offers exactly the settings read here, with the core's defaults, and every value
    /// t2conf accepts is accepted here.
    #[test]
    fn t2conf_catalogue_matches() {
        let cat = t2_build::conf::core_settings::catalogue();
        let mut names: Vec<&str> = cat.settings.iter().map(|s| s.name.as_str()).collect();
        let mut ours = NAMES.to_vec();
        names.sort_unstable();
        ours.sort_unstable();
        assert_eq!(names, ours);
        let mut c = CoreSettings::default();
        for s in &cat.settings {
            let lit = t2_build::manifest::value_literal(&s.default);
            apply(&mut c, &v(&s.name, &lit)).unwrap();
            for bound in s.range.iter().flat_map(|(lo, hi)| [lo, hi]) {
                apply(&mut CoreSettings::default(), &v(&s.name, &t2_build::manifest::value_literal(bound))).unwrap();
            }
        }
        assert_eq!(c, CoreSettings::default(), "the catalogue's defaults are the core's");
        apply(&mut c, &v("IPV6_ACTIVATE", "0")).unwrap();
        assert_eq!(c.ipv6_activate, 0);
        apply(&mut c, &v("ETH_ACTIVATE", "2")).unwrap();
        assert_eq!(c.eth_activate, 2);
        apply(&mut c, &v("RELTIME", "1")).unwrap();
        assert!(c.reltime);
        let e = apply(&mut c, &v("IPV6_ACTIVATE", "3")).unwrap_err().to_string();
        assert!(e.contains("'IPV6_ACTIVATE': expected 0 (IPv4 only), 1 (IPv6 only) or 2"), "{e}");
        let e = apply(&mut c, &v("ETH_ACTIVATE", "x")).unwrap_err().to_string();
        assert!(e.contains("'ETH_ACTIVATE': expected 0"), "{e}");
    }

    #[test]
    fn the_file_is_read_and_the_environment_overrides_it() {
        let home = std::env::temp_dir().join(format!("t2-core-env-{}", std::process::id()));
        std::fs::create_dir_all(home.join(".tranalyzer")).unwrap();
        std::fs::write(home.join(".tranalyzer/t2core.toml"), "# x\nFLOW_TIMEOUT = 60.0\nHASH_AUTOPILOT = 0\n").unwrap();
        let vars = file_then_env(Some(&home), v("FLOW_TIMEOUT", "30")).unwrap();
        let mut c = CoreSettings::default();
        apply(&mut c, &vars).unwrap();
        assert_eq!((c.flow_timeout, c.hash_autopilot), (30.0, false));
        std::fs::write(home.join(".tranalyzer/t2core.toml"), "VERBOSE = 0\n").unwrap();
        let e = format!("{:#}", file_then_env(Some(&home), Vec::new()).unwrap_err());
        let _ = std::fs::remove_dir_all(&home);
        assert!(e.starts_with("Invalid core settings file '") && e.contains("'VERBOSE' is a setting of T2's core that t2rs does not implement yet"), "{e}");
        assert!(file_then_env(None, Vec::new()).unwrap().is_empty());
    }
}
