//! The run: capture -> dissection -> flow table -> plugins -> sinks -> end report.
//! (Being written; this is the entry point the CLI calls.)

use crate::config::Config;

/// Why a run could not start or had to stop. `Display` is the one-line message T2 prints
/// after `[ERR]` (e.g. `Unsupported link-layer type: SLIP [SLIP/8]`).
#[derive(Debug)]
pub struct RunError {
    pub message: String,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunError {}

/// What a finished run reports to the CLI.
#[derive(Debug, Default)]
pub struct RunOutcome {
    pub packets: u64,
    pub flows: u64,
}

/// Runs T2 on `config`: loads plugins, processes the input, writes every output file and the
/// end report (to stdout, or `PREFIX_log.txt` with `-l`). Returns when the input is exhausted
/// or a signal asked to stop (every open flow is flushed in both cases).
pub fn run(config: &Config) -> Result<RunOutcome, RunError> {
    let _ = config;
    Err(RunError { message: "engine not implemented yet".into() })
}
