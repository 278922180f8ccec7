//! The plugin folder (`~/.tranalyzer/plugins` by default) and the bin folder: install, unload,
//! list, empty.
//!
//! Installs are atomic: the new file is written under a temporary name in the destination folder
//! and renamed over the old one, so a running `t2` that maps the old `.so` keeps its copy and a
//! starting `t2` never sees a half-written file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// `NNN_name.so`.
pub fn plugin_file_name(number: u16, name: &str) -> String {
    format!("{number:03}_{name}.so")
}

/// One installed plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub number: u16,
    pub name: String,
    pub path: PathBuf,
}

/// Parses `NNN_name.so` (three digits, `_`, `[A-Za-z0-9_]+`, `.so`), T2's plugin file pattern.
pub fn parse_plugin_file_name(file: &str) -> Option<(u16, &str)> {
    let stem = file.strip_suffix(".so")?;
    let (num, name) = (stem.get(..3)?, stem.get(3..)?);
    let name = name.strip_prefix('_')?;
    if !num.bytes().all(|b| b.is_ascii_digit()) || !crate::tree::valid_plugin_name(name) {
        return None;
    }
    Some((num.parse().ok()?, name))
}

/// The plugins installed in `dir`, by number then name. A missing folder holds nothing.
pub fn list(dir: &Path) -> Result<Vec<Installed>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the plugin folder '{}'", dir.display()));
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot read the plugin folder '{}'", dir.display()))?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        if let Some((number, name)) = parse_plugin_file_name(file) {
            out.push(Installed {
                number,
                name: name.to_string(),
                path: entry.path(),
            });
        }
    }
    out.sort_by(|a, b| (a.number, &a.name).cmp(&(b.number, &b.name)));
    Ok(out)
}

/// Writes `dir/name` atomically (temporary file + rename) with `write`, creating `dir` if
/// needed.
fn install_with(
    dir: &Path,
    name: &str,
    mode: u32,
    what: &dyn std::fmt::Display,
    write: &dyn Fn(&Path) -> io::Result<()>,
) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder '{}'", dir.display()))?;
    let dest = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| -> io::Result<()> {
        write(&tmp)?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))?;
        fs::rename(&tmp, &dest)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot install {what} as '{}'", dest.display()));
    }
    Ok(dest)
}

/// Copies `src` to `dir/name` atomically (temporary file + rename), creating `dir` if needed.
fn install_file(src: &Path, dir: &Path, name: &str, mode: u32) -> Result<PathBuf> {
    let what = format!("'{}'", src.display());
    install_with(dir, name, mode, &what, &|tmp| fs::copy(src, tmp).map(drop))
}

/// Writes `bytes` to `dir/name` atomically, creating `dir` if needed (e.g. `t2_plugin.h`).
pub fn install_bytes(dir: &Path, name: &str, bytes: &[u8], mode: u32) -> Result<PathBuf> {
    install_with(dir, name, mode, &format!("'{name}'"), &|tmp| {
        fs::write(tmp, bytes)
    })
}

/// Installs the plugin library `so` as `dir/NNN_name.so`. Copies of the same plugin under another
/// number (its number changed) are removed, so it can never load twice.
pub fn install_plugin(dir: &Path, so: &Path, number: u16, name: &str) -> Result<PathBuf> {
    let dest = install_file(so, dir, &plugin_file_name(number, name), 0o755)?;
    for old in list(dir)? {
        if old.name == name && old.number != number {
            fs::remove_file(&old.path)
                .with_context(|| format!("cannot remove '{}'", old.path.display()))?;
        }
    }
    Ok(dest)
}

/// Installs an executable `exe` as `dir/name`.
pub fn install_executable(dir: &Path, exe: &Path, name: &str) -> Result<PathBuf> {
    install_file(exe, dir, name, 0o755)
}

/// Removes every `NNN_name.so` of `name` from `dir`; returns the removed paths (empty when the
/// plugin was not installed).
pub fn unload(dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for p in list(dir)? {
        if p.name == name {
            fs::remove_file(&p.path)
                .with_context(|| format!("cannot remove '{}'", p.path.display()))?;
            removed.push(p.path);
        }
    }
    Ok(removed)
}

/// Removes everything inside `dir` (plugins, data files, sub-folders), as T2's `t2build -e`.
/// Refuses the filesystem root and `home` (a mistyped `-p`). Returns the number of entries
/// removed; a missing folder is already empty.
pub fn empty(dir: &Path, home: Option<&Path>) -> Result<usize> {
    let canon = match fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the plugin folder '{}'", dir.display()));
        }
    };
    if !canon.is_dir() {
        bail!("'{}' is not a folder", dir.display());
    }
    let is_home = home
        .and_then(|h| fs::canonicalize(h).ok())
        .is_some_and(|h| h == canon);
    if canon.parent().is_none() || is_home {
        bail!(
            "refusing to empty '{}': it is not a plugin folder",
            dir.display()
        );
    }
    let mut n = 0;
    for entry in fs::read_dir(&canon).with_context(|| format!("cannot read '{}'", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot read '{}'", dir.display()))?;
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let r = if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        r.with_context(|| format!("cannot remove '{}'", path.display()))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempDir;

    fn fake_so(dir: &Path, content: &str) -> PathBuf {
        let p = dir.join(format!("lib{content}.so"));
        fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn file_names() {
        assert_eq!(plugin_file_name(1, "protoStats"), "001_protoStats.so");
        assert_eq!(plugin_file_name(901, "txtSink"), "901_txtSink.so");
        assert_eq!(
            parse_plugin_file_name("100_basicFlow.so"),
            Some((100, "basicFlow"))
        );
        assert_eq!(parse_plugin_file_name("001_a.so"), Some((1, "a")));
        assert_eq!(parse_plugin_file_name("100_basicFlow.so.bak"), None);
        assert_eq!(parse_plugin_file_name("10_basicFlow.so"), None);
        assert_eq!(parse_plugin_file_name("100basicFlow.so"), None);
        assert_eq!(parse_plugin_file_name("100_.so"), None);
        assert_eq!(parse_plugin_file_name("100_a-b.so"), None);
        assert_eq!(parse_plugin_file_name("portmap.txt"), None);
    }

    #[test]
    fn install_list_unload() {
        let src = TempDir::new();
        let t = TempDir::new();
        let dir = t.path().join("plugins"); // created on first install
        let so = fake_so(src.path(), "basicFlow");
        let dest = install_plugin(&dir, &so, 100, "basicFlow").unwrap();
        assert_eq!(dest, dir.join("100_basicFlow.so"));
        assert_eq!(fs::read_to_string(&dest).unwrap(), "basicFlow");
        install_plugin(&dir, &fake_so(src.path(), "txtSink"), 901, "txtSink").unwrap();
        install_plugin(&dir, &fake_so(src.path(), "protoStats"), 1, "protoStats").unwrap();
        fs::write(dir.join("portmap.txt"), "x").unwrap();
        let names: Vec<_> = list(&dir)
            .unwrap()
            .into_iter()
            .map(|p| (p.number, p.name))
            .collect();
        assert_eq!(
            names,
            [
                (1, "protoStats".into()),
                (100, "basicFlow".into()),
                (901, "txtSink".into())
            ]
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 4);

        // Reinstall under a new number replaces the old file.
        fs::write(&so, "v2").unwrap();
        install_plugin(&dir, &so, 105, "basicFlow").unwrap();
        assert!(!dir.join("100_basicFlow.so").exists());
        assert_eq!(
            fs::read_to_string(dir.join("105_basicFlow.so")).unwrap(),
            "v2"
        );

        assert_eq!(
            unload(&dir, "txtSink").unwrap(),
            [dir.join("901_txtSink.so")]
        );
        assert!(unload(&dir, "txtSink").unwrap().is_empty());
        assert_eq!(list(&dir).unwrap().len(), 2);
        assert!(dir.join("portmap.txt").exists());
    }

    #[test]
    fn list_of_missing_folder_is_empty() {
        let t = TempDir::new();
        assert!(list(&t.path().join("nope")).unwrap().is_empty());
    }

    #[test]
    fn empty_folder() {
        let t = TempDir::new();
        let dir = t.path().join("plugins");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("100_basicFlow.so"), "x").unwrap();
        fs::write(dir.join("plugins.txt"), "x").unwrap();
        fs::write(dir.join("sub/f"), "x").unwrap();
        assert_eq!(empty(&dir, None).unwrap(), 3);
        assert!(dir.is_dir());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        assert_eq!(empty(&t.path().join("missing"), None).unwrap(), 0);
        // Never the home folder or /.
        fs::write(dir.join("a"), "x").unwrap();
        assert!(empty(&dir, Some(&dir)).is_err());
        assert!(dir.join("a").exists());
        assert!(empty(Path::new("/"), None).is_err());
    }

    #[test]
    fn install_bytes_replaces_atomically() {
        use std::os::unix::fs::PermissionsExt;
        let t = TempDir::new();
        let dir = t.path().join("include");
        let dest = install_bytes(&dir, "t2_plugin.h", b"v1", 0o644).unwrap();
        assert_eq!(dest, dir.join("t2_plugin.h"));
        install_bytes(&dir, "t2_plugin.h", b"v2", 0o644).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"v2");
        assert_eq!(
            fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            0o644
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn install_executable_is_executable() {
        use std::os::unix::fs::PermissionsExt;
        let src = TempDir::new();
        let t = TempDir::new();
        let exe = src.path().join("t2");
        fs::write(&exe, "#!").unwrap();
        let dest = install_executable(&t.path().join("bin"), &exe, "tranalyzer").unwrap();
        assert_eq!(
            fs::metadata(dest).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }
}
