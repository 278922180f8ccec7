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
        Parsed::Run(raw) => raw,
    };
    let env = process::env();
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
