//! The t2rs source tree: where it is, and which plugins it holds.
//!
//! # Finding the tree
//!
//! The first rule that applies wins:
//!
//! 1. `T2HOME` is set: it must name the tree (an error otherwise, never a silent fallback).
//! 2. Walking up from the directory of the running `t2build` executable (it normally lives in
//!    `<tree>/target/release/`).
//! 3. Walking up from the current directory.
//! 4. The tree the executable was compiled from (its path is baked in at compile time), if it
//!    is still there: the tools installed into `~/.local/bin` keep finding their tree.
//!
//! A directory is the tree when it holds a `Cargo.toml` and a `plugins/` directory.
//!
//! # Out-of-tree plugins
//!
//! A plugin can also live in any folder of its own (as `t2plugin -c NAME` creates them): a
//! `t2plugin.toml` plus either a `Cargo.toml` (a Rust crate, [`PluginKind::Crate`]) or a
//! `Makefile` (a C plugin, [`PluginKind::Make`]). Such a folder is named on the command line by
//! its path (an argument containing `/`, or `.`), or by its bare name when no plugin of the
//! tree has that name and `./NAME/t2plugin.toml` exists.
//!
//! # Plugins
//!
//! Every `plugins/<dir>/` with a `t2plugin.toml` is a plugin. Its `[plugin]` table gives the name
//! (as T2 spells it, e.g. `basicFlow`), the number (load order, installed as `NNN_name.so`), the
//! version and the dependencies. The cargo package and library names come from the crate's own
//! `Cargo.toml`.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

/// The core's name on the `t2build` command line (T2's directory name), and its alias.
pub const CORE_NAME: &str = "tranalyzer2";
/// Other names accepted for the core.
pub const CORE_ALIASES: &[&str] = &["t2", "tranalyzer"];
/// The cargo package of the `t2`/`tranalyzer` binaries.
pub const CORE_PACKAGE: &str = "t2-cli";
/// The executables the core package produces, installed into the bin folder.
pub const CORE_BINARIES: &[&str] = &["t2", "tranalyzer"];
/// The cargo package of the tools, built and installed with the core.
pub const TOOLS_PACKAGE: &str = "t2-build";
/// The tools' executables, installed into the bin folder with the core's.
pub const TOOL_BINARIES: &[&str] = &["t2build", "t2conf", "t2plugin", "t2whois"];
/// The C header of the plugin ABI, relative to the tree root.
pub const ABI_HEADER: &str = "crates/t2-abi/include/t2_plugin.h";
/// The SDK crate, relative to the tree root.
pub const SDK_CRATE: &str = "crates/t2-plugin";

/// `t2build` without names: the core plus T2's default plugin set (spec §4.10).
pub const DEFAULT_PLUGINS: &[&str] = &[
    "basicFlow",
    "basicStats",
    "connStat",
    "icmpDecode",
    "macRecorder",
    "portClassifier",
    "protoStats",
    "tcpFlags",
    "tcpStates",
    "txtSink",
];

/// How a plugin is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluginKind {
    /// A member of the source tree's workspace: `cargo build --release -p PACKAGE` in the tree.
    Workspace,
    /// An out-of-tree Rust crate: `cargo build --release -p PACKAGE` in its folder.
    Crate,
    /// An out-of-tree C plugin: `make` in its folder, which leaves `NAME.so` (or `libNAME.so`).
    Make,
}

/// One plugin: of the source tree, or out of tree (see [`PluginKind`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plugin {
    /// T2 name, e.g. `basicFlow`.
    pub name: String,
    /// Load order, 0..=999.
    pub number: u16,
    pub version: String,
    pub dependencies: Vec<String>,
    /// `plugins/<dir>`.
    pub dir: PathBuf,
    /// Cargo package name (`cargo build -p`).
    pub package: String,
    /// Cargo library name: the artefact is `lib<lib_name>.so` (the plugin name for C plugins).
    pub lib_name: String,
    pub kind: PluginKind,
}

impl Plugin {
    /// The installed file name, `NNN_name.so`.
    pub fn file_name(&self) -> String {
        crate::folder::plugin_file_name(self.number, &self.name)
    }
}

/// What a name on the command line resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `tranalyzer2` (or `t2`, `tranalyzer`): the `t2` binary.
    Core,
    Plugin(Plugin),
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Core => CORE_NAME,
            Target::Plugin(p) => &p.name,
        }
    }
}

/// The source tree and its plugin catalogue.
#[derive(Clone, Debug)]
pub struct SourceTree {
    pub root: PathBuf,
    /// Sorted by name.
    pub plugins: Vec<Plugin>,
}

#[derive(Deserialize)]
struct Manifest {
    plugin: ManifestPlugin,
}

#[derive(Deserialize)]
struct ManifestPlugin {
    name: String,
    number: i64,
    #[serde(default)]
    version: String,
    #[serde(default)]
    dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoPackage>,
    lib: Option<CargoLib>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
}

#[derive(Deserialize)]
struct CargoLib {
    name: Option<String>,
}

/// True for names T2 accepts for plugins: `[A-Za-z0-9_]+`.
pub fn valid_plugin_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Reads `plugins/<dir>/t2plugin.toml` and the crate's `Cargo.toml` (a plugin of the tree).
pub fn read_plugin(dir: &Path) -> Result<Plugin> {
    let (p, _) = read_plugin_table(dir)?;
    let (package, lib_name) = read_cargo_names(dir)?;
    Ok(Plugin {
        name: p.name,
        number: p.number as u16,
        version: p.version,
        dependencies: p.dependencies,
        dir: dir.to_path_buf(),
        package,
        lib_name,
        kind: PluginKind::Workspace,
    })
}

/// Reads an out-of-tree plugin folder: its `t2plugin.toml`, and its `Cargo.toml` (Rust) or
/// `Makefile` (C). `dir` is made absolute.
pub fn read_external(dir: &Path) -> Result<Plugin> {
    let dir: PathBuf = std::path::absolute(dir)
        .with_context(|| format!("cannot resolve the folder '{}'", dir.display()))?
        .components()
        .collect(); // no trailing '/' nor '.'

    if !dir.join("t2plugin.toml").is_file() {
        bail!(
            "'{}' is not a plugin folder (it has no t2plugin.toml; create one with 't2plugin -c NAME')",
            dir.display()
        );
    }
    let (p, _) = read_plugin_table(&dir)?;
    let (package, lib_name, kind) = if dir.join("Cargo.toml").is_file() {
        let (package, lib_name) = read_cargo_names(&dir)?;
        (package, lib_name, PluginKind::Crate)
    } else if MAKEFILES.iter().any(|m| dir.join(m).is_file()) {
        (String::new(), p.name.clone(), PluginKind::Make)
    } else {
        bail!(
            "'{}' has neither a Cargo.toml (Rust plugin) nor a Makefile (C plugin)",
            dir.display()
        );
    };
    Ok(Plugin {
        name: p.name,
        number: p.number as u16,
        version: p.version,
        dependencies: p.dependencies,
        dir,
        package,
        lib_name,
        kind,
    })
}

/// The file names `make` reads by default.
const MAKEFILES: [&str; 3] = ["GNUmakefile", "makefile", "Makefile"];

/// True when `arg` is written as a path (`a/b`, `./x`, `x/`, `.`, `..`) rather than a name.
pub fn is_path_like(arg: &str) -> bool {
    arg.contains('/') || arg == "." || arg == ".."
}

/// The folder `arg` names, relative to the current directory, when it holds a `t2plugin.toml`.
pub fn plugin_folder(arg: &str) -> Option<PathBuf> {
    if arg.is_empty() {
        return None;
    }
    let dir = Path::new(arg);
    dir.join("t2plugin.toml")
        .is_file()
        .then(|| dir.to_path_buf())
}

/// The `[plugin]` table of `dir/t2plugin.toml`, name and number checked.
fn read_plugin_table(dir: &Path) -> Result<(ManifestPlugin, PathBuf)> {
    let path = dir.join("t2plugin.toml");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read '{}'", path.display()))?;
    let m: Manifest =
        toml::from_str(&text).map_err(|e| anyhow!("'{}': {}", path.display(), e.message()))?;
    let p = m.plugin;
    if !valid_plugin_name(&p.name) {
        bail!(
            "'{}': [plugin] name '{}' must consist of letters, digits and '_'",
            path.display(),
            p.name
        );
    }
    if !(0..=999).contains(&p.number) {
        bail!(
            "'{}': [plugin] number {} is out of range (allowed: 0 to 999)",
            path.display(),
            p.number
        );
    }
    Ok((p, path))
}

/// The package and library names of `dir/Cargo.toml`.
fn read_cargo_names(dir: &Path) -> Result<(String, String)> {
    let cargo_path = dir.join("Cargo.toml");
    let cargo_text = fs::read_to_string(&cargo_path)
        .with_context(|| format!("cannot read '{}'", cargo_path.display()))?;
    let cm: CargoManifest = toml::from_str(&cargo_text)
        .map_err(|e| anyhow!("'{}': {}", cargo_path.display(), e.message()))?;
    let package = cm
        .package
        .map(|p| p.name)
        .ok_or_else(|| anyhow!("'{}' has no [package] table", cargo_path.display()))?;
    let lib_name = cm
        .lib
        .and_then(|l| l.name)
        .unwrap_or_else(|| package.replace('-', "_"));
    Ok((package, lib_name))
}

impl SourceTree {
    /// Finds the tree by the rules of the module documentation.
    pub fn locate() -> Result<SourceTree> {
        let t2home = std::env::var_os("T2HOME").map(PathBuf::from);
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let cwd = std::env::current_dir().ok();
        let root = find_root(
            t2home.as_deref(),
            exe_dir.as_deref(),
            cwd.as_deref(),
            Some(built_from()),
        )?;
        SourceTree::open(&root)
    }

    /// Reads the plugin catalogue of the tree at `root`.
    pub fn open(root: &Path) -> Result<SourceTree> {
        let plugins_dir = root.join("plugins");
        let entries = fs::read_dir(&plugins_dir)
            .with_context(|| format!("cannot read '{}'", plugins_dir.display()))?;
        let mut plugins = Vec::new();
        for entry in entries {
            let entry =
                entry.with_context(|| format!("cannot read '{}'", plugins_dir.display()))?;
            let dir = entry.path();
            if dir.is_dir() && dir.join("t2plugin.toml").is_file() {
                plugins.push(read_plugin(&dir)?);
            }
        }
        plugins.sort_by(|a, b| a.name.cmp(&b.name));
        for w in plugins.windows(2) {
            if w[0].name == w[1].name {
                bail!(
                    "two plugins are named '{}': '{}' and '{}'",
                    w[0].name,
                    w[0].dir.display(),
                    w[1].dir.display()
                );
            }
        }
        Ok(SourceTree {
            root: root.to_path_buf(),
            plugins,
        })
    }

    pub fn plugin(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.name == name)
    }

    /// The plugin of the tree whose folder is `dir` (compared as canonical paths).
    pub fn plugin_in(&self, dir: &Path) -> Option<&Plugin> {
        let dir = fs::canonicalize(dir).ok()?;
        self.plugins
            .iter()
            .find(|p| fs::canonicalize(&p.dir).is_ok_and(|d| d == dir))
    }

    /// The SDK crate `crates/t2-plugin` of this tree (absolute when the root is).
    pub fn sdk_dir(&self) -> PathBuf {
        self.root.join(SDK_CRATE)
    }

    /// Resolves one command-line name (a trailing `/`, as left by tab completion, is ignored).
    ///
    /// A path to a plugin folder (see the module documentation) resolves to the tree's plugin
    /// when it is one, else to the out-of-tree plugin it holds; a bare name that is no plugin
    /// of the tree but a plugin folder in the current directory resolves to that folder.
    pub fn resolve(&self, name: &str) -> Result<Target, UnknownName> {
        let external = |arg: &str| -> Option<Target> {
            let dir = plugin_folder(arg)?;
            match self.plugin_in(&dir) {
                Some(p) => Some(Target::Plugin(p.clone())),
                None => read_external(&dir).ok().map(Target::Plugin),
            }
        };
        if is_path_like(name) {
            if let Some(t) = external(name) {
                return Ok(t);
            }
        }
        let arg = name;
        let name = name.trim_end_matches('/');
        let name = name.rsplit('/').next().unwrap_or(name);
        if name == CORE_NAME || CORE_ALIASES.contains(&name) {
            return Ok(Target::Core);
        }
        if let Some(p) = self.plugin(name) {
            return Ok(Target::Plugin(p.clone()));
        }
        // Also accept the directory name under plugins/.
        if let Some(p) = self
            .plugins
            .iter()
            .find(|p| p.dir.file_name().is_some_and(|d| d == name))
        {
            return Ok(Target::Plugin(p.clone()));
        }
        if !is_path_like(arg) {
            if let Some(t) = external(arg) {
                return Ok(t);
            }
        }
        let suggestion = self
            .plugins
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.name.clone());
        Err(UnknownName {
            name: name.to_string(),
            suggestion,
            available: self.plugins.iter().map(|p| p.name.clone()).collect(),
        })
    }
}

/// A name that is neither the core nor a plugin of the tree.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub name: String,
    pub suggestion: Option<String>,
    pub available: Vec<String>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown plugin '{}'", self.name)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean '{s}'?)")?;
        }
        write!(f, "; available: {CORE_NAME}")?;
        for a in &self.available {
            write!(f, ", {a}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownName {}

/// True when `dir` looks like the t2rs tree: a `Cargo.toml` and a `plugins/` directory.
pub fn is_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("plugins").is_dir()
}

fn walk_up(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| is_root(d))
        .map(Path::to_path_buf)
}

/// The tree this crate was compiled from (rule 4 of the module documentation).
pub fn built_from() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// The root-finding rule, with its inputs given (testable).
pub fn find_root(
    t2home: Option<&Path>,
    exe_dir: Option<&Path>,
    cwd: Option<&Path>,
    built_from: Option<&Path>,
) -> Result<PathBuf> {
    if let Some(home) = t2home.filter(|h| !h.as_os_str().is_empty()) {
        if is_root(home) {
            return Ok(home.to_path_buf());
        }
        bail!(
            "T2HOME='{}' is not the t2rs source tree (it needs a Cargo.toml and a plugins/ folder)",
            home.display()
        );
    }
    if let Some(root) = exe_dir.and_then(walk_up).or_else(|| cwd.and_then(walk_up)) {
        return Ok(root);
    }
    if let Some(root) = built_from.filter(|d| is_root(d)) {
        return Ok(root.to_path_buf());
    }
    bail!("cannot find the t2rs source tree: run t2build from inside it or set T2HOME")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempDir;

    pub(crate) fn write_plugin(root: &Path, dir: &str, name: &str, number: u16, pkg: &str) {
        let d = root.join("plugins").join(dir);
        fs::create_dir_all(&d).unwrap();
        fs::write(
            d.join("t2plugin.toml"),
            format!(
                "[plugin]\nname = \"{name}\"\nnumber = {number}\nversion = \"0.9.3\"\ndependencies = []\n\n\
                 [config.FOO]\nvalue = 1\ndefault = 1\ntype = \"u8\"\n"
            ),
        )
        .unwrap();
        fs::write(
            d.join("Cargo.toml"),
            format!("[package]\nname = \"{pkg}\"\nversion = \"0.9.3\"\n"),
        )
        .unwrap();
    }

    fn tree() -> (TempDir, SourceTree) {
        let t = TempDir::new();
        fs::write(t.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        write_plugin(t.path(), "basicFlow", "basicFlow", 100, "basicFlow");
        write_plugin(t.path(), "txtSink", "txtSink", 901, "txt-sink");
        fs::create_dir_all(t.path().join("plugins/notAPlugin")).unwrap();
        let tree = SourceTree::open(t.path()).unwrap();
        (t, tree)
    }

    #[test]
    fn catalogue_reads_manifests() {
        let (_t, tree) = tree();
        assert_eq!(tree.plugins.len(), 2);
        let bf = tree.plugin("basicFlow").unwrap();
        assert_eq!(
            (bf.number, bf.version.as_str(), bf.lib_name.as_str()),
            (100, "0.9.3", "basicFlow")
        );
        assert_eq!(bf.file_name(), "100_basicFlow.so");
        let ts = tree.plugin("txtSink").unwrap();
        assert_eq!(
            (ts.package.as_str(), ts.lib_name.as_str()),
            ("txt-sink", "txt_sink")
        );
    }

    #[test]
    fn resolve_names() {
        let (_t, tree) = tree();
        assert_eq!(tree.resolve("tranalyzer2"), Ok(Target::Core));
        assert_eq!(tree.resolve("t2"), Ok(Target::Core));
        assert_eq!(tree.resolve("basicFlow/").unwrap().name(), "basicFlow");
        assert_eq!(tree.resolve("plugins/txtSink").unwrap().name(), "txtSink");
        let err = tree.resolve("basicflow").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("basicFlow"));
        let msg = err.to_string();
        assert!(msg.contains("unknown plugin 'basicflow'"), "{msg}");
        assert!(
            msg.contains("available: tranalyzer2, basicFlow, txtSink"),
            "{msg}"
        );
        let err = tree.resolve("protoStat").unwrap_err();
        assert!(err.suggestion.is_none());
    }

    #[test]
    fn resolve_plugin_folders() {
        let (t, tree) = tree();
        // A tree plugin given by its path is the tree's.
        let path = t.path().join("plugins/txtSink");
        let Ok(Target::Plugin(p)) = tree.resolve(path.to_str().unwrap()) else {
            panic!("txtSink by path")
        };
        assert_eq!(
            (p.name.as_str(), p.kind),
            ("txtSink", PluginKind::Workspace)
        );
        // Out-of-tree folders: a crate and a C plugin (t2conf uses this).
        let ext = TempDir::new();
        let rs = ext.path().join("rs");
        write_plugin(ext.path(), "rs", "myRust", 703, "my-rust");
        let rs_dir = ext.path().join("plugins/rs");
        let Ok(Target::Plugin(p)) = tree.resolve(&format!("{}/", rs_dir.display())) else {
            panic!("crate folder")
        };
        assert_eq!(
            (
                p.name.as_str(),
                p.kind,
                p.package.as_str(),
                p.lib_name.as_str()
            ),
            ("myRust", PluginKind::Crate, "my-rust", "my_rust")
        );
        assert_eq!(p.dir, rs_dir);
        let c = ext.path().join("c");
        fs::create_dir_all(&c).unwrap();
        fs::write(
            c.join("t2plugin.toml"),
            "[plugin]\nname = \"myC\"\nnumber = 704\n",
        )
        .unwrap();
        fs::write(c.join("Makefile"), "all:\n").unwrap();
        let p = read_external(&c).unwrap();
        assert_eq!(
            (p.name.as_str(), p.kind, p.lib_name.as_str(), p.number),
            ("myC", PluginKind::Make, "myC", 704)
        );
        assert!(matches!(tree.resolve(c.to_str().unwrap()), Ok(Target::Plugin(q)) if q == p));
        // A path that is no plugin folder falls back to its last component.
        assert!(tree.resolve(rs.to_str().unwrap()).is_err());
        assert_eq!(
            tree.resolve("/nowhere/basicFlow").unwrap().name(),
            "basicFlow"
        );
        assert!(is_path_like(".") && is_path_like("a/") && !is_path_like("basicFlow"));
        let e = read_external(ext.path()).unwrap_err().to_string();
        assert!(e.contains("is not a plugin folder"), "{e}");
    }

    #[test]
    fn bad_manifests_are_named() {
        let t = TempDir::new();
        let d = t.path().join("x");
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        fs::write(
            d.join("t2plugin.toml"),
            "[plugin]\nname = \"x\"\nnumber = 1000\n",
        )
        .unwrap();
        let e = read_plugin(&d).unwrap_err().to_string();
        assert!(
            e.contains("number 1000 is out of range (allowed: 0 to 999)"),
            "{e}"
        );
        fs::write(
            d.join("t2plugin.toml"),
            "[plugin]\nname = \"a-b\"\nnumber = 1\n",
        )
        .unwrap();
        let e = read_plugin(&d).unwrap_err().to_string();
        assert!(e.contains("name 'a-b' must consist of"), "{e}");
        fs::write(d.join("t2plugin.toml"), "[plugin]\nnumber = 1\n").unwrap();
        let e = read_plugin(&d).unwrap_err().to_string();
        assert!(e.contains("t2plugin.toml"), "{e}");
    }

    #[test]
    fn root_rules() {
        let (t, _) = tree();
        let root = t.path();
        let inner = root.join("target/release");
        fs::create_dir_all(&inner).unwrap();
        let elsewhere = TempDir::new();
        // T2HOME wins, and must be valid.
        assert_eq!(find_root(Some(root), None, None, None).unwrap(), root);
        let e = find_root(Some(elsewhere.path()), Some(&inner), None, Some(root))
            .unwrap_err()
            .to_string();
        assert!(e.contains("T2HOME="), "{e}");
        // The executable's location, then the current directory.
        assert_eq!(
            find_root(None, Some(&inner), Some(elsewhere.path()), None).unwrap(),
            root
        );
        assert_eq!(
            find_root(None, Some(elsewhere.path()), Some(&inner), None).unwrap(),
            root
        );
        let nowhere = Some(elsewhere.path());
        assert!(find_root(None, nowhere, nowhere, None).is_err());
        // Last, the tree the tools were compiled from, if it still is one.
        assert_eq!(find_root(None, nowhere, nowhere, Some(root)).unwrap(), root);
        assert!(find_root(None, nowhere, nowhere, nowhere).is_err());
        assert!(is_root(built_from()), "{}", built_from().display());
    }
}
