//! `t2build`, `t2conf` and `t2plugin`: create, build, install, manage and configure t2 plugins.
//!
//! The binaries are thin: `t2build` parses the command line ([`cli`]) and calls the operations of
//! [`Session`]; `t2conf` is [`conf`] (its settings files: [`manifest`] for plugins,
//! [`conf::core_settings`] for the core); `t2plugin` is [`template`] (new plugin folders from
//! the templates compiled into it). The operations write their messages to any `Write`
//! (and [`Session`]'s read answers from any `BufRead`), and build through a [`cargo::Builder`],
//! so everything here is testable without spawning cargo or touching `~/.tranalyzer`.

pub mod cargo;
pub mod cli;
pub mod conf;
pub mod data;
pub mod folder;
pub mod manifest;
pub mod template;
pub mod tree;

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tool_install_tests {
    use super::*;
    use crate::testutil::TempDir;
    use std::os::unix::fs::PermissionsExt;

    /// The tools of a tree's scripts/ go into the bin folder (executable), tawk's library into
    /// BIN/tawk.d (stale files removed), the completion with the tree filled in and one link
    /// per command; a tree without scripts/ installs nothing.
    #[test]
    fn tools_library_and_completion_are_installed() {
        let tree = TempDir::new();
        let bin = TempDir::new();
        let comp = TempDir::new();
        let s = tree.path().join("scripts");
        std::fs::create_dir_all(s.join("tawk/funcs")).unwrap();
        std::fs::create_dir_all(s.join("completion")).unwrap();
        for t in SCRIPT_TOOLS {
            std::fs::write(s.join(t), format!("#!/bin/sh\n# {t}\n")).unwrap();
        }
        std::fs::write(s.join("tawk/funcs/funcs.load"), "core.awk\n").unwrap();
        std::fs::write(s.join("tawk/funcs/core.awk"), "# core\n").unwrap();
        std::fs::write(s.join("tawk/bittable.awk"), "# bits\n").unwrap();
        std::fs::write(s.join("completion/t2.bash"), "tree='@T2RS_TREE@'\n").unwrap();
        std::fs::create_dir_all(bin.path().join("tawk.d/old")).unwrap();
        std::fs::write(bin.path().join("tawk.d/old/stale.awk"), "").unwrap();

        let done = install_tools(tree.path(), bin.path(), Some(comp.path())).unwrap();
        assert_eq!(done.len(), SCRIPT_TOOLS.len() + 2);
        for t in ["tawk", "tcol", "awkf", "sortu", "sortup", "lsx", "protStat"] {
            let m = std::fs::metadata(bin.path().join(t))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o755, "{t}");
        }
        let lib = bin.path().join("tawk.d");
        assert!(lib.join("funcs/funcs.load").is_file() && lib.join("funcs/core.awk").is_file());
        assert!(lib.join("bittable.awk").is_file());
        assert!(!lib.join("tawk").exists() && !lib.join("old").exists());
        let text = std::fs::read_to_string(comp.path().join("t2")).unwrap();
        assert_eq!(text, format!("tree='{}'\n", tree.path().display()));
        for c in COMPLETED_COMMANDS {
            assert!(
                std::fs::read_to_string(comp.path().join(c)).unwrap() == text,
                "{c}"
            );
        }

        let empty = TempDir::new();
        assert!(
            install_tools(empty.path(), bin.path(), None)
                .unwrap()
                .is_empty()
        );
    }
}

#[cfg(test)]
mod data_install_tests {
    use super::*;
    use crate::testutil::TempDir;

    /// Writes a fake `lib<name>.so`.
    struct Fake(TempDir);

    impl Builder for Fake {
        fn build_plugin(&mut self, _tree: &SourceTree, p: &tree::Plugin) -> Result<PathBuf> {
            let so = self.0.path().join(format!("lib{}.so", p.lib_name));
            std::fs::write(&so, &p.name)?;
            Ok(so)
        }
        fn build_external(&mut self, p: &tree::Plugin) -> Result<PathBuf> {
            bail!("unexpected external plugin {}", p.name)
        }
        fn build_core(&mut self, _tree: &SourceTree) -> Result<Vec<(String, PathBuf)>> {
            bail!("unexpected core build")
        }
    }

    /// Installing macRecorder and protoStats writes (or, without the packages, reports) the
    /// name tables each reads, portmap.txt once per plugin; basicFlow gets none.
    #[test]
    fn plugins_with_name_tables_get_them() {
        let src = TempDir::new();
        std::fs::write(src.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        for (name, num) in [("macRecorder", 110), ("protoStats", 1), ("basicFlow", 100)] {
            let d = src.path().join("plugins").join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("t2plugin.toml"),
                format!("[plugin]\nname = \"{name}\"\nnumber = {num}\nversion = \"0.9.3\"\n"),
            )
            .unwrap();
            std::fs::write(
                d.join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n"),
            )
            .unwrap();
        }
        let (plugins, home) = (TempDir::new(), TempDir::new());
        let names: Vec<OsString> = [
            "-p",
            &plugins.path().display().to_string(),
            "macRecorder",
            "protoStats",
            "basicFlow",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let opts = cli::parse(&names).unwrap();
        let mut out = Vec::new();
        let root = src.path().to_path_buf();
        let ok = run(
            &opts,
            Some(home.path()),
            &mut || SourceTree::open(&root),
            &mut Fake(TempDir::new()),
            &mut out,
            &mut io::Cursor::new(Vec::new()),
            false,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(ok, "{out}");
        let reported = |file: &str| {
            out.lines()
                .filter(|l| {
                    l.starts_with(&format!(
                        "Installed '{}",
                        plugins.path().join(file).display()
                    )) || l.starts_with(&format!("[WRN] {file} not generated: "))
                })
                .count()
        };
        assert_eq!(reported("macRecorder_oui.txt"), 1, "{out}");
        assert_eq!(reported("portmap.txt"), 1, "{out}");
        assert_eq!(reported("proto.txt"), 1, "{out}");
        assert_eq!(reported("ethertypes.txt"), 1, "{out}");
        let basic = out.split("Plugin 'basicFlow'").nth(1).unwrap();
        assert!(!basic.contains(".txt"), "{out}");
        for l in out
            .lines()
            .filter(|l| l.starts_with("Installed '") && l.contains(".txt'"))
        {
            let path = l.split('\'').nth(1).unwrap();
            let text = std::fs::read_to_string(path).unwrap();
            assert!(
                text.lines().nth(1).unwrap().starts_with("# source: "),
                "{path}"
            );
        }
    }
}

use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use cargo::Builder;
use cli::{Mode, Options};
use tree::{PluginKind, SourceTree, Target};

/// Printed when every target was built (or unloaded), as T2's t2build does.
pub const BUILD_SUCCESSFUL: &str = "BUILD SUCCESSFUL";
/// Printed when at least one target failed.
pub const BUILD_FAILED: &str = "BUILD FAILED";

/// `~/.tranalyzer/plugins`, as the core's default.
pub fn default_plugin_dir(home: &Path) -> PathBuf {
    home.join(".tranalyzer").join("plugins")
}

/// `~/.local/bin`: where `t2` and `tranalyzer` go unless `--bin-dir` says otherwise.
pub fn default_bin_dir(home: &Path) -> PathBuf {
    home.join(".local").join("bin")
}

/// `~/.tranalyzer/include`: where `t2build tranalyzer2` installs `t2_plugin.h` for C plugins.
pub fn default_include_dir(home: &Path) -> PathBuf {
    home.join(".tranalyzer").join("include")
}

/// `~/.local/share/bash-completion/completions`: where `t2build tranalyzer2` installs the bash
/// completion of t2, tranalyzer, t2build, t2conf and tawk.
pub fn default_completion_dir(home: &Path) -> PathBuf {
    home.join(".local/share/bash-completion/completions")
}

/// The post-processing tools of the tree's `scripts/` folder (spec §5.3-§5.4) that
/// `t2build tranalyzer2` installs into the bin folder next to `t2`.
pub const SCRIPT_TOOLS: &[&str] = &[
    "tawk/tawk",
    "tcol",
    "awkf",
    "sortu",
    "sortup",
    "lsx",
    "protStat",
];

/// The commands the bash completion file `scripts/completion/t2.bash` serves.
pub const COMPLETED_COMMANDS: &[&str] = &["t2", "tranalyzer", "t2build", "t2conf", "tawk"];

/// Installs the tools of `root/scripts` (see [`SCRIPT_TOOLS`]) into `bin_dir`: each script
/// as an executable, tawk's function library (everything else under `scripts/tawk`) into
/// `bin_dir/tawk.d` (replaced as a whole), and, when `completion_dir` is given, the bash
/// completion as `completion_dir/t2` (the source tree's path filled in) with a link per
/// other command. Returns the paths to report. A tree without `scripts/` installs nothing.
pub fn install_tools(
    root: &Path,
    bin_dir: &Path,
    completion_dir: Option<&Path>,
) -> Result<Vec<PathBuf>> {
    let scripts = root.join("scripts");
    if !scripts.is_dir() {
        return Ok(Vec::new());
    }
    let mut done = Vec::new();
    for tool in SCRIPT_TOOLS {
        let src = scripts.join(tool);
        let bytes =
            std::fs::read(&src).with_context(|| format!("cannot read '{}'", src.display()))?;
        let name = Path::new(tool)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        done.push(folder::install_bytes(bin_dir, &name, &bytes, 0o755)?);
    }
    // tawk's library: replaced as a whole so that no file of an older version stays behind.
    let lib = bin_dir.join("tawk.d");
    if lib.exists() {
        std::fs::remove_dir_all(&lib)
            .with_context(|| format!("cannot replace '{}'", lib.display()))?;
    }
    fn copy_tree(src: &Path, dest: &Path, skip: &Path) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(src)
            .with_context(|| format!("cannot read '{}'", src.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if p == skip || name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                copy_tree(&p, &dest.join(&name), skip)?;
            } else {
                let bytes =
                    std::fs::read(&p).with_context(|| format!("cannot read '{}'", p.display()))?;
                folder::install_bytes(dest, &name, &bytes, 0o644)?;
            }
        }
        Ok(())
    }
    copy_tree(&scripts.join("tawk"), &lib, &scripts.join("tawk/tawk"))?;
    done.push(lib);
    if let Some(dir) = completion_dir {
        let src = scripts.join("completion/t2.bash");
        let text = std::fs::read_to_string(&src)
            .with_context(|| format!("cannot read '{}'", src.display()))?;
        let text = text.replace("@T2RS_TREE@", &root.to_string_lossy());
        let main = folder::install_bytes(dir, COMPLETED_COMMANDS[0], text.as_bytes(), 0o644)?;
        for cmd in &COMPLETED_COMMANDS[1..] {
            let link = dir.join(cmd);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(COMPLETED_COMMANDS[0], &link)
                .with_context(|| format!("cannot create '{}'", link.display()))?;
        }
        done.push(main);
    }
    Ok(done)
}

/// Finds the source tree on first use and remembers the answer (building out-of-tree plugins
/// needs no tree; building anything else does).
struct LazyTree<'a> {
    locate: &'a mut dyn FnMut() -> Result<SourceTree>,
    found: Option<std::result::Result<SourceTree, String>>,
}

impl<'a> LazyTree<'a> {
    fn new(locate: &'a mut dyn FnMut() -> Result<SourceTree>) -> Self {
        LazyTree {
            locate,
            found: None,
        }
    }

    fn get(&mut self) -> Result<&SourceTree> {
        if self.found.is_none() {
            self.found = Some((self.locate)().map_err(|e| format!("{e:#}")));
        }
        match self.found.as_ref().expect("just set") {
            Ok(t) => Ok(t),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    fn found(&self) -> Option<&SourceTree> {
        self.found.as_ref().and_then(|r| r.as_ref().ok())
    }
}

/// Resolves one `t2build` argument: the core, a plugin of the tree, or an out-of-tree plugin
/// folder (a path, or a bare name naming a folder of the current directory when the tree has
/// no such plugin). Out-of-tree folders need no source tree.
fn resolve_target(tree: &mut LazyTree<'_>, name: &str) -> Result<Target> {
    if tree::is_path_like(name) {
        if let Some(dir) = tree::plugin_folder(name) {
            let in_tree = tree.get().ok().and_then(|t| t.plugin_in(&dir)).cloned();
            return match in_tree {
                Some(p) => Ok(Target::Plugin(p)),
                None => Ok(Target::Plugin(tree::read_external(&dir)?)),
            };
        }
        let dir = Path::new(name);
        if dir.is_dir() {
            bail!(
                "'{name}' is not a plugin folder (it has no t2plugin.toml; create one with 't2plugin -c NAME')"
            );
        }
    }
    let located = match tree.get() {
        Ok(t) => t,
        Err(e) => {
            // No tree: a plugin folder of the current directory still builds.
            return match tree::plugin_folder(name) {
                Some(dir) => Ok(Target::Plugin(tree::read_external(&dir)?)),
                None => Err(e),
            };
        }
    };
    match located.resolve(name) {
        Ok(t) => Ok(t),
        Err(e) => match tree::plugin_folder(name) {
            // resolve() skips a folder it cannot read: say why.
            Some(dir) => Ok(Target::Plugin(tree::read_external(&dir)?)),
            None => Err(e.into()),
        },
    }
}

/// The folders and I/O one run works with.
pub struct Session<'a> {
    pub plugin_dir: PathBuf,
    pub bin_dir: PathBuf,
    /// The user's home (never emptied by `-e`).
    pub home: Option<PathBuf>,
    pub assume_yes: bool,
    pub out: &'a mut dyn Write,
    pub input: &'a mut dyn BufRead,
    /// ANSI colours for the final status line.
    pub color: bool,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("plugin_dir", &self.plugin_dir)
            .field("bin_dir", &self.bin_dir)
            .finish()
    }
}

impl Session<'_> {
    fn status(&mut self, ok: bool, text: &str) -> io::Result<()> {
        let colour = if ok { "\x1b[0;32m" } else { "\x1b[0;31m" };
        if self.color {
            writeln!(self.out, "\n{colour}{text}\x1b[0m")
        } else {
            writeln!(self.out, "\n{text}")
        }
    }

    /// `-l`: one line `NNN name` per installed plugin, by number.
    pub fn list(&mut self) -> Result<bool> {
        let installed = folder::list(&self.plugin_dir)?;
        if installed.is_empty() {
            writeln!(
                self.out,
                "No plugins installed in '{}'",
                self.plugin_dir.display()
            )?;
        } else {
            writeln!(
                self.out,
                "Plugins installed in '{}':",
                self.plugin_dir.display()
            )?;
            for p in installed {
                writeln!(self.out, "    {:03} {}", p.number, p.name)?;
            }
        }
        Ok(true)
    }

    /// `-e`: asks, then removes everything in the plugin folder.
    pub fn empty(&mut self) -> Result<bool> {
        write!(
            self.out,
            "Are you sure you want to empty the plugin folder '{}' (y/N)? ",
            self.plugin_dir.display()
        )?;
        let yes = if self.assume_yes {
            writeln!(self.out, "yes")?;
            true
        } else {
            self.out.flush()?;
            let mut answer = String::new();
            self.input
                .read_line(&mut answer)
                .context("cannot read the answer")?;
            if answer.is_empty() {
                writeln!(self.out)?;
            }
            matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
        };
        if !yes {
            writeln!(self.out, "Plugin folder not emptied")?;
            return Ok(true);
        }
        folder::empty(&self.plugin_dir, self.home.as_deref())?;
        writeln!(self.out, "Plugin folder emptied")?;
        Ok(true)
    }

    /// `-u NAME...`: removes each plugin; a plugin that is not installed is only reported.
    pub fn unload(&mut self, names: &[String]) -> Result<bool> {
        for name in names {
            let name = name.trim_end_matches('/');
            if name == tree::CORE_NAME || tree::CORE_ALIASES.contains(&name) {
                bail!("'{name}' is not a plugin: -u removes plugins from the plugin folder");
            }
            writeln!(self.out, "\nPlugin '{name}'")?;
            let removed = folder::unload(&self.plugin_dir, name)?;
            if removed.is_empty() {
                writeln!(self.out, "Not installed in '{}'", self.plugin_dir.display())?;
            }
            for p in removed {
                writeln!(self.out, "Removed '{}'", p.display())?;
            }
        }
        self.status(true, BUILD_SUCCESSFUL)?;
        Ok(true)
    }

    /// Builds and installs `names` (none: the core and the default set that exists). Names may
    /// be out-of-tree plugin folders; `locate` finds the source tree when one is needed.
    pub fn build(
        &mut self,
        locate: &mut dyn FnMut() -> Result<SourceTree>,
        builder: &mut dyn Builder,
        names: &[String],
    ) -> Result<bool> {
        let mut lazy = LazyTree::new(locate);
        let targets = if names.is_empty() {
            let tree = lazy.get()?;
            let mut t = vec![Target::Core];
            for name in tree::DEFAULT_PLUGINS {
                match tree.plugin(name) {
                    Some(p) => t.push(Target::Plugin(p.clone())),
                    None => writeln!(
                        self.out,
                        "Plugin '{name}' is not in the source tree yet (skipped)"
                    )?,
                }
            }
            t
        } else {
            // Resolve everything first: a typo builds nothing.
            let mut t: Vec<Target> = Vec::new();
            for name in names {
                let target = resolve_target(&mut lazy, name)?;
                if !t.contains(&target) {
                    t.push(target);
                }
            }
            t
        };
        self.build_targets(lazy.found(), builder, &targets)
    }

    /// `-R`: the core and every installed plugin that the source tree has.
    pub fn rebuild(&mut self, tree: &SourceTree, builder: &mut dyn Builder) -> Result<bool> {
        let mut targets = vec![Target::Core];
        for p in folder::list(&self.plugin_dir)? {
            match tree.plugin(&p.name) {
                Some(src) if !targets.contains(&Target::Plugin(src.clone())) => {
                    targets.push(Target::Plugin(src.clone()))
                }
                Some(_) => {}
                None => writeln!(
                    self.out,
                    "Plugin '{}' is installed but not part of the source tree (skipped)",
                    p.name
                )?,
            }
        }
        self.build_targets(Some(tree), builder, &targets)
    }

    fn build_targets(
        &mut self,
        tree: Option<&SourceTree>,
        builder: &mut dyn Builder,
        targets: &[Target],
    ) -> Result<bool> {
        let mut failed: Vec<&str> = Vec::new();
        for target in targets {
            match target {
                Target::Plugin(p) if p.kind != PluginKind::Workspace => writeln!(
                    self.out,
                    "\nPlugin '{}' ({})",
                    target.name(),
                    p.dir.display()
                )?,
                _ => writeln!(self.out, "\nPlugin '{}'", target.name())?,
            }
            self.out.flush()?;
            let need_tree = || tree.context("the source tree was not found (set T2HOME)");
            let result = match target {
                Target::Core => need_tree().and_then(|t| self.build_core(t, builder)),
                Target::Plugin(p) if p.kind == PluginKind::Workspace => {
                    need_tree().and_then(|t| self.build_plugin(Some(t), builder, p))
                }
                Target::Plugin(p) => self.build_plugin(None, builder, p),
            };
            if let Err(e) = result {
                writeln!(self.out, "[ERR] {}: {e:#}", target.name())?;
                failed.push(target.name());
            }
        }
        if failed.is_empty() {
            self.status(true, BUILD_SUCCESSFUL)?;
            Ok(true)
        } else {
            self.status(false, &format!("{BUILD_FAILED}: {}", failed.join(" ")))?;
            Ok(false)
        }
    }

    fn build_core(&mut self, tree: &SourceTree, builder: &mut dyn Builder) -> Result<()> {
        let built = builder.build_core(tree)?;
        for (name, path) in &built {
            let dest = folder::install_executable(&self.bin_dir, path, name)?;
            writeln!(self.out, "Installed '{}'", dest.display())?;
        }
        // The post-processing tools (tawk, tcol, ...) and the bash completion.
        let completion = self.home.as_deref().map(default_completion_dir);
        for dest in install_tools(&tree.root, &self.bin_dir, completion.as_deref())? {
            writeln!(self.out, "Installed '{}'", dest.display())?;
        }
        // The C header of the ABI this core speaks, for C plugins (`t2plugin --c`).
        match &self.home {
            Some(home) => {
                let header = std::fs::read(tree.root.join(tree::ABI_HEADER))
                    .unwrap_or_else(|_| template::T2_PLUGIN_H.as_bytes().to_vec());
                let dest = folder::install_bytes(
                    &default_include_dir(home),
                    "t2_plugin.h",
                    &header,
                    0o644,
                )?;
                writeln!(self.out, "Installed '{}'", dest.display())?;
            }
            None => writeln!(
                self.out,
                "Note: HOME is not set: t2_plugin.h not installed (t2plugin --header prints it)"
            )?,
        }
        let on_path = std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d == self.bin_dir));
        if !on_path {
            writeln!(
                self.out,
                "Note: '{}' is not in your PATH",
                self.bin_dir.display()
            )?;
        }
        Ok(())
    }

    /// Builds and installs one plugin: of the tree (`tree` given) or out of tree.
    fn build_plugin(
        &mut self,
        tree: Option<&SourceTree>,
        builder: &mut dyn Builder,
        p: &tree::Plugin,
    ) -> Result<()> {
        let so = match (p.kind, tree) {
            (PluginKind::Workspace, Some(tree)) => builder.build_plugin(tree, p)?,
            (PluginKind::Workspace, None) => bail!("the source tree was not found (set T2HOME)"),
            (PluginKind::Make, _) => {
                // The settings of t2plugin.toml, as C macros (what t2conf edits).
                if template::write_c_config(&p.dir)? {
                    writeln!(
                        self.out,
                        "Wrote '{}'",
                        p.dir.join(template::C_CONFIG_HEADER).display()
                    )?;
                }
                self.out.flush()?;
                builder.build_external(p)?
            }
            (PluginKind::Crate, _) => builder.build_external(p)?,
        };
        let dest = folder::install_plugin(&self.plugin_dir, &so, p.number, &p.name)?;
        writeln!(self.out, "Installed '{}'", dest.display())?;
        // The name tables the plugin reads (macRecorder, portClassifier, protoStats).
        self.install_data(data::tables_of_plugin(&p.name))?;
        let installed = folder::list(&self.plugin_dir)?;
        for dep in &p.dependencies {
            match installed.iter().find(|i| &i.name == dep) {
                None => writeln!(
                    self.out,
                    "[WRN] '{}' needs '{dep}', which is not installed: t2build {dep}",
                    p.name
                )?,
                Some(i) if i.number >= p.number => writeln!(
                    self.out,
                    "[WRN] '{}' needs '{dep}' loaded before it, but {:03} >= {:03}",
                    p.name, i.number, p.number
                )?,
                Some(_) => {}
            }
        }
        Ok(())
    }
}

impl Session<'_> {
    /// Generates `kinds` from the system's packaged registries into the plugin folder and
    /// reports each; a missing source is a warning (the plugin prints its unknown values).
    pub fn install_data(&mut self, kinds: &[data::TableKind]) -> Result<()> {
        if kinds.is_empty() {
            return Ok(());
        }
        let dir = &self.plugin_dir;
        let done = data::install(dir, kinds, &data::Sources::system())
            .with_context(|| format!("cannot write the name tables into '{}'", dir.display()))?;
        for d in done {
            match d {
                data::Installed::Written(path, entries, _) => writeln!(
                    self.out,
                    "Installed '{}' ({entries} entries)",
                    path.display()
                )?,
                data::Installed::Missing(kind, why) => writeln!(
                    self.out,
                    "[WRN] {} not generated: {why}; then run 't2build --data'",
                    kind.file_name()
                )?,
            }
        }
        Ok(())
    }

    /// `--data`: regenerates every name table in the plugin folder.
    pub fn data(&mut self) -> Result<bool> {
        writeln!(self.out, "\nName tables")?;
        self.install_data(&data::TableKind::ALL)?;
        self.status(true, BUILD_SUCCESSFUL)?;
        Ok(true)
    }
}

/// Runs one validated command line. `home` is the user's home folder (defaults), `tree` finds the
/// source tree on demand (only building needs it).
pub fn run(
    opts: &Options,
    home: Option<&Path>,
    locate_tree: &mut dyn FnMut() -> Result<SourceTree>,
    builder: &mut dyn Builder,
    out: &mut dyn Write,
    input: &mut dyn BufRead,
    color: bool,
) -> Result<bool> {
    if opts.mode == Mode::Help {
        out.write_all(cli::usage().as_bytes())?;
        return Ok(true);
    }
    let need_home = || -> Result<&Path> {
        home.context("cannot find your home folder (HOME is not set): use -p DIR and --bin-dir DIR")
    };
    let plugin_dir = match &opts.plugin_dir {
        Some(d) => d.clone(),
        None => default_plugin_dir(need_home()?),
    };
    let bin_dir = match &opts.bin_dir {
        Some(d) => d.clone(),
        None => match home {
            Some(h) => default_bin_dir(h),
            None => PathBuf::from("."),
        },
    };
    let mut s = Session {
        plugin_dir,
        bin_dir,
        home: home.map(Path::to_path_buf),
        assume_yes: opts.assume_yes,
        out,
        input,
        color,
    };
    match opts.mode {
        Mode::Help => unreachable!("handled above"),
        Mode::List => s.list(),
        Mode::Data => s.data(),
        Mode::Empty => s.empty(),
        Mode::Unload => s.unload(&opts.names),
        Mode::Build => {
            if opts.bin_dir.is_none() && home.is_none() && needs_core(opts) {
                need_home()?;
            }
            s.build(locate_tree, builder, &opts.names)
        }
        Mode::Rebuild => {
            if opts.bin_dir.is_none() {
                need_home()?;
            }
            let tree = locate_tree()?;
            s.rebuild(&tree, builder)
        }
    }
}

fn needs_core(opts: &Options) -> bool {
    opts.names.is_empty()
        || opts.names.iter().any(|n| {
            let n = n.trim_end_matches('/');
            n == tree::CORE_NAME || tree::CORE_ALIASES.contains(&n)
        })
}

/// Prints `[ERR] msg` on stderr (coloured like T2 on a terminal).
pub fn print_error(msg: &str) {
    // Messages are built lowercase (they also appear inside other sentences); a line starts
    // with a capital, as T2's.
    let mut chars = msg.chars();
    let msg: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let mut err = io::stderr().lock();
    if err.is_terminal() {
        let _ = writeln!(err, "\x1b[1;31m[ERR]\x1b[0m \x1b[0;31m{msg}\x1b[0m");
    } else {
        let _ = writeln!(err, "[ERR] {msg}");
    }
}

/// True when `e` (or a cause) is a broken pipe: the reader went away, exit quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The whole `t2build` program: `args` without the program name.
pub fn t2build_main(args: &[OsString]) -> ExitCode {
    let result = cli::parse(args).and_then(|opts| {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let stdout = io::stdout();
        let color = stdout.is_terminal();
        let mut out = stdout.lock();
        let mut input = io::stdin().lock();
        let r = run(
            &opts,
            home.as_deref(),
            &mut SourceTree::locate,
            &mut cargo::Cargo,
            &mut out,
            &mut input,
            color,
        );
        out.flush()?;
        r
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            print_error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
