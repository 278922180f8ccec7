//! Building with cargo: `cargo build --release -p <package>`, then the artefacts are taken from
//! cargo's own JSON messages (`--message-format=json-render-diagnostics`), so wherever the target
//! folder is (`CARGO_TARGET_DIR`, `build.target-dir` in a cargo config, the default) the right
//! file is found. Cargo's progress and diagnostics go to stderr as usual.
//!
//! Out-of-tree plugins ([`PluginKind::Crate`], [`PluginKind::Make`]) are built in their own
//! folder: `cargo build --release -p PACKAGE` there (its own workspace and target folder, or
//! `CARGO_TARGET_DIR`), or `make` (`$MAKE`, else `make`), which must leave `NAME.so` or
//! `libNAME.so` in the folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};

use crate::tree::{
    CORE_BINARIES, CORE_PACKAGE, Plugin, PluginKind, SourceTree, TOOL_BINARIES, TOOLS_PACKAGE,
};

/// What builds the targets. [`Cargo`] in real use; tests substitute a fake that writes files.
pub trait Builder {
    /// Builds `plugin` and returns the path of its shared library.
    fn build_plugin(&mut self, tree: &SourceTree, plugin: &Plugin) -> Result<PathBuf>;
    /// Builds the core and the tools and returns `(name, path)` of each of [`CORE_BINARIES`]
    /// and [`TOOL_BINARIES`].
    fn build_core(&mut self, tree: &SourceTree) -> Result<Vec<(String, PathBuf)>>;
    /// Builds an out-of-tree plugin (kind [`PluginKind::Crate`] or [`PluginKind::Make`]) in its
    /// folder and returns the path of its shared library.
    fn build_external(&mut self, plugin: &Plugin) -> Result<PathBuf>;
}

/// Runs the real cargo (`$CARGO`, else `cargo` from `PATH`) in release mode.
#[derive(Debug, Default)]
pub struct Cargo;

impl Cargo {
    fn run(&self, root: &Path, packages: &[&str]) -> Result<Vec<Artifact>> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let package = packages.join(" -p ");
        let mut child = Command::new(&cargo)
            .args([
                "build",
                "--release",
                "--message-format=json-render-diagnostics",
            ])
            .args(packages.iter().flat_map(|p| ["-p", p]))
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot run '{}'", Path::new(&cargo).display()))?;
        let mut artifacts = Vec::new();
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line.context("cannot read cargo's output")?;
                if let Some(a) = parse_artifact(&line) {
                    artifacts.push(a);
                }
            }
        }
        let status = child.wait().context("cargo did not finish")?;
        if !status.success() {
            bail!("cargo build --release -p {package} failed ({status})");
        }
        Ok(artifacts)
    }
}

/// The plugin's `lib<lib_name>.so` among cargo's artefacts.
fn find_library(artifacts: &[Artifact], plugin: &Plugin) -> Result<PathBuf> {
    let want = format!("lib{}.so", plugin.lib_name);
    artifacts
        .iter()
        .flat_map(|a| a.filenames.iter())
        .find(|f| f.file_name().is_some_and(|n| *n == *want))
        .cloned()
        .ok_or_else(|| {
            anyhow!(
                "cargo built package '{}' but no '{want}' (is its [lib] crate-type \"cdylib\"?)",
                plugin.package
            )
        })
}

/// Runs `make` in `plugin.dir` and returns the library it left there.
fn run_make(plugin: &Plugin) -> Result<PathBuf> {
    let make = std::env::var_os("MAKE").unwrap_or_else(|| "make".into());
    let status = Command::new(&make)
        .current_dir(&plugin.dir)
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("cannot run '{}'", Path::new(&make).display()))?;
    if !status.success() {
        bail!("make failed in '{}' ({status})", plugin.dir.display());
    }
    make_output(plugin)
}

/// `NAME.so` or `libNAME.so` in the plugin's folder (the newer one if both exist).
pub fn make_output(plugin: &Plugin) -> Result<PathBuf> {
    let candidates = [
        plugin.dir.join(format!("{}.so", plugin.lib_name)),
        plugin.dir.join(format!("lib{}.so", plugin.lib_name)),
    ];
    candidates
        .iter()
        .filter_map(|p| Some((std::fs::metadata(p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p.clone())
        .ok_or_else(|| {
            anyhow!(
                "make succeeded in '{}' but left neither '{n}.so' nor 'lib{n}.so' there",
                plugin.dir.display(),
                n = plugin.lib_name
            )
        })
}

impl Builder for Cargo {
    fn build_plugin(&mut self, tree: &SourceTree, plugin: &Plugin) -> Result<PathBuf> {
        let artifacts = self.run(&tree.root, &[&plugin.package])?;
        find_library(&artifacts, plugin)
    }

    fn build_external(&mut self, plugin: &Plugin) -> Result<PathBuf> {
        match plugin.kind {
            PluginKind::Make => run_make(plugin),
            PluginKind::Crate | PluginKind::Workspace => {
                let artifacts = self.run(&plugin.dir, &[&plugin.package])?;
                find_library(&artifacts, plugin)
            }
        }
    }

    fn build_core(&mut self, tree: &SourceTree) -> Result<Vec<(String, PathBuf)>> {
        let artifacts = self.run(&tree.root, &[CORE_PACKAGE, TOOLS_PACKAGE])?;
        CORE_BINARIES
            .iter()
            .chain(TOOL_BINARIES)
            .map(|name| {
                artifacts
                    .iter()
                    .filter_map(|a| a.executable.as_ref())
                    .find(|e| e.file_name().is_some_and(|n| n == *name))
                    .map(|e| (name.to_string(), e.clone()))
                    .ok_or_else(|| {
                        anyhow!("cargo built '{CORE_PACKAGE}' and '{TOOLS_PACKAGE}' but no executable '{name}'")
                    })
            })
            .collect()
    }
}

/// The part of a `compiler-artifact` message we use.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Artifact {
    pub filenames: Vec<PathBuf>,
    pub executable: Option<PathBuf>,
}

/// Extracts `filenames` and `executable` from one line of cargo's JSON output, if the line is a
/// `compiler-artifact` message. (A small scanner: cargo's messages are one JSON object per line
/// and these two keys occur once, at the top level.)
pub fn parse_artifact(line: &str) -> Option<Artifact> {
    if !line.contains("\"reason\":\"compiler-artifact\"") {
        return None;
    }
    let mut a = Artifact::default();
    if let Some(i) = line.find("\"filenames\":[") {
        let mut rest = &line[i + "\"filenames\":[".len()..];
        loop {
            rest = rest.trim_start_matches([' ', ',']);
            if !rest.starts_with('"') {
                break;
            }
            let (s, after) = json_string(rest)?;
            a.filenames.push(PathBuf::from(s));
            rest = after;
        }
    }
    if let Some(i) = line.find("\"executable\":\"") {
        let (s, _) = json_string(&line[i + "\"executable\":".len()..])?;
        a.executable = Some(PathBuf::from(s));
    }
    Some(a)
}

/// Decodes the JSON string at the start of `s` (which begins with `"`); returns it and the rest.
fn json_string(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.strip_prefix('"')?.char_indices();
    let body = &s[1..];
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        out.push(
                            char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
                                .unwrap_or('\u{fffd}'),
                        );
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_lines() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/plugins/basicFlow#basicFlow@0.9.3","target":{"kind":["cdylib","rlib"],"name":"basicFlow"},"profile":{},"features":[],"filenames":["/t/release/libbasicFlow.so","/t/release/lib\"q\\x.rlib"],"executable":null,"fresh":true}"#;
        let a = parse_artifact(line).unwrap();
        assert_eq!(
            a.filenames,
            [
                PathBuf::from("/t/release/libbasicFlow.so"),
                PathBuf::from("/t/release/lib\"q\\x.rlib")
            ]
        );
        assert_eq!(a.executable, None);

        let exe = r#"{"reason":"compiler-artifact","target":{"name":"t2"},"filenames":["/t/release/t2"],"executable":"/t/release/t2","fresh":false}"#;
        assert_eq!(
            parse_artifact(exe).unwrap().executable,
            Some(PathBuf::from("/t/release/t2"))
        );

        assert_eq!(
            parse_artifact(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(
            json_string(r#""a\u00e9b" x"#),
            Some(("aéb".to_string(), " x"))
        );
    }
}
