//! Core settings overridden by environment variables of the same name, as T2's `ENVCNTRL`
//! allows for its switches (e.g. `FLOW_TIMEOUT=60 t2 -r f.pcap`). Only settings the core
//! implements are accepted; each value is checked and a bad one is refused naming the variable
//! and what it accepts. (The configuration tool of the next issue will write the same names.)

use anyhow::{Result, bail};
use t2_core::config::CoreSettings;

/// The names this module reads.
pub const NAMES: [&str; 4] = ["FLOW_TIMEOUT", "HASHCHAINTABLE_BASE_SIZE", "HASH_AUTOPILOT", "T2_LOG_COLOR"];

/// The variables of [`NAMES`] present in the process environment.
pub fn from_process() -> Vec<(String, String)> {
    NAMES.iter().filter_map(|n| std::env::var(n).ok().map(|v| (n.to_string(), v))).collect()
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
            "HASH_AUTOPILOT" => core.hash_autopilot = bool01(name, value)?,
            "T2_LOG_COLOR" => core.log_color = bool01(name, value)?,
            _ => bail!("Unknown core setting '{name}'; known: {}", NAMES.join(", ")),
        }
    }
    Ok(())
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
}
