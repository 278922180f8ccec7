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
