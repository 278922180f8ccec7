//! The `t2plugin.toml` format, exactly as plugins' `build.rs` reads it.
//!
//! The parser and the value checks are the SDK's own (`crates/t2-plugin/src/build.rs`), compiled
//! here from the same source file rather than through a dependency on `t2-plugin` with its
//! `build` feature: that feature would then be switched on for the *normal* `t2-plugin` of every
//! cargo invocation that also selects this crate (`cargo build -p t2-build -p basicFlow`), so
//! plugins would be compiled alternately with and without it and rebuilt each time. One source
//! file means `t2conf` accepts exactly what `build.rs` accepts.

use std::path::Path;

use anyhow::{Context, Result};

#[allow(dead_code, unused_imports)]
#[path = "../../crates/t2-plugin/src/build.rs"]
mod sdk;

pub use sdk::{BuildError, Manifest, Setting, SettingType, parse_manifest, value_literal};
pub use toml::Value;

/// Reads and validates `path` (a `t2plugin.toml`); settings in file order.
pub fn read(path: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read '{}'", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// [`parse_manifest`], with the settings in the order of the file (the `toml` crate sorts them
/// by name).
pub fn parse(text: &str, file: &str) -> Result<Manifest> {
    let mut m = parse_manifest(text, file).map_err(anyhow::Error::new)?;
    if let Ok(doc) = text.parse::<toml_edit::DocumentMut>() {
        if let Some(cfg) = doc.get("config").and_then(|c| c.as_table_like()) {
            let order: Vec<&str> = cfg.iter().map(|(k, _)| k).collect();
            m.settings.sort_by_key(|s| {
                order
                    .iter()
                    .position(|k| *k == s.name)
                    .unwrap_or(usize::MAX)
            });
        }
    }
    Ok(m)
}
