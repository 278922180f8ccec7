//! What each installed plugin says about itself (`t2 --plugin-info`): the descriptor of every
//! `NNN_name.so` of a plugin folder, read without running the plugin (only its entry symbol,
//! which returns a static descriptor, is called; `init` never is).

use std::path::{Path, PathBuf};

use t2_abi::{T2_ABI_MAGIC, T2_ABI_MAJOR, T2_ABI_MINOR, T2_ENTRY_SYMBOL, T2_ENTRY_SYMBOL_C, T2EntryFn, T2PluginDescriptor};

/// One installed plugin file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PluginInfo {
    pub file: PathBuf,
    /// From the descriptor (empty / 0 when it could not be read, see `problem`).
    pub number: u16,
    pub name: String,
    pub version: String,
    /// ABI version the plugin was built against (`major.minor`), when its descriptor has the
    /// frozen prefix.
    pub abi: Option<(u16, u16)>,
    pub dependencies: Vec<String>,
    /// `(FLAG, value)` the `.so` was built with, in its order.
    pub build_config: Vec<(String, String)>,
    /// Why the file would be refused by the core (not a plugin, another ABI major, ...).
    pub problem: Option<String>,
}

/// The plugins of `dir` in load order, each with what its descriptor says. A folder that cannot
/// be read gives an empty list.
pub fn plugin_info(dir: &Path) -> Vec<PluginInfo> {
    crate::engine::host::plugin_files(dir).unwrap_or_default().iter().map(|f| read_one(f)).collect()
}

/// The name part of `NNN_name.so`.
fn stem_name(path: &Path) -> String {
    let f = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let stem = f.strip_suffix(".so").unwrap_or(f);
    stem.get(4..).unwrap_or(stem).to_string()
}

fn read_one(path: &Path) -> PluginInfo {
    use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
    let mut info = PluginInfo { file: path.to_path_buf(), name: stem_name(path), ..PluginInfo::default() };
    // SAFETY: loading runs the library's initialisers; plugins are trusted code the user
    // installed (as for a run). RTLD_LOCAL keeps its symbols to itself.
    let lib = match unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) } {
        Ok(l) => l,
        Err(e) => {
            info.problem = Some(format!("cannot be loaded: {e}"));
            return info;
        }
    };
    // SAFETY: the symbol, if present, has the documented signature T2EntryFn.
    let entry: Option<T2EntryFn> = unsafe { lib.get::<T2EntryFn>(T2_ENTRY_SYMBOL_C) }.ok().map(|s| *s);
    // Libraries are never unloaded (as in the engine: thread-local destructors make dlclose
    // unsafe).
    std::mem::forget(lib);
    let Some(entry) = entry else {
        info.problem = Some(format!(
            "not a t2 plugin of ABI {T2_ABI_MAJOR}.x (no symbol {T2_ENTRY_SYMBOL}: another major ABI version, or a plugin of the original Tranalyzer2)"
        ));
        return info;
    };
    // SAFETY: the entry returns a pointer to a 'static descriptor, or null.
    let dp = unsafe { entry() };
    if dp.is_null() {
        info.problem = Some("the plugin entry returned no descriptor".into());
        return info;
    }
    // SAFETY: every descriptor starts with the frozen fields (magic, major, minor, size).
    let (magic, major, minor, size) = unsafe { ((*dp).magic, (*dp).abi_major, (*dp).abi_minor, (*dp).size) };
    if magic != T2_ABI_MAGIC {
        info.problem = Some(format!("not a t2 plugin (bad magic 0x{magic:08x})"));
        return info;
    }
    info.abi = Some((major, minor));
    if major != T2_ABI_MAJOR {
        info.problem = Some(format!(
            "built for plugin ABI {major}.{minor}; this t2 speaks {T2_ABI_MAJOR}.{T2_ABI_MINOR}: rebuild it ('t2build {}')",
            info.name
        ));
        return info;
    }
    // Minor 0 is the first of this major: its descriptor is the smallest a plugin may have.
    if size < T2PluginDescriptor::CURRENT_SIZE {
        info.problem = Some(format!("descriptor too small ({size} bytes)"));
        return info;
    }
    // SAFETY: same major and a size covering every field of ABI 1.0 (later minors only append).
    let d: T2PluginDescriptor = unsafe { *dp };
    // SAFETY: descriptor strings and the config table are 'static data of the plugin.
    unsafe {
        info.number = d.number;
        info.name = d.name.to_str().unwrap_or("").to_string();
        info.version = d.version.to_str().unwrap_or("").to_string();
        info.dependencies = d
            .dependencies
            .to_str()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !d.build_config.is_null() {
            for e in std::slice::from_raw_parts(d.build_config, d.build_config_len) {
                info.build_config.push((e.name.to_str().unwrap_or("").to_string(), e.value.to_str().unwrap_or("").to_string()));
            }
        }
    }
    if minor > T2_ABI_MINOR {
        info.problem = Some(format!(
            "needs plugin ABI {major}.{minor}, newer than this t2's {T2_ABI_MAJOR}.{T2_ABI_MINOR}: update t2 ('t2build tranalyzer2')"
        ));
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_plugins_gives_nothing() {
        assert!(plugin_info(Path::new("/nonexistent/t2rs/plugins")).is_empty());
    }

    #[test]
    fn a_file_that_is_not_a_library_is_reported() {
        let dir = std::env::temp_dir().join(format!("t2-plugin-info-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("100_fake.so"), b"not an ELF file").unwrap();
        let infos = plugin_info(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(infos.len(), 1);
        assert_eq!(infos[0].name, "fake");
        assert!(infos[0].problem.as_deref().unwrap_or("").starts_with("cannot be loaded"), "{:?}", infos[0]);
    }
}
