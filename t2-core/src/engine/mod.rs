//! The run: capture → dissection → flow table → plugins → sinks → end report.
//!
//! Contract (spec §1.7): for every packet, first the flows idle past their timeout are
//! terminated (with this packet's time), then the packet is counted, dissected, assigned to its
//! flow (created if new, with every plugin's `on_new_flow`), and handed to the plugins
//! (`on_layer2` with no flow, then `on_layer4` for IP flows or `on_layer2` with the flow for
//! layer-2 flows). At the end of input, or when a signal asks to stop, every remaining flow is
//! terminated from the least to the most recently seen, each with its opposite right after it,
//! then the end report is written and every plugin finalized.

#![allow(unexpected_cfgs)]

pub mod empty;
pub mod flow_table;
pub mod host;
pub mod report;

// The run loop waits for the capture and dissection layers' APIs (written in parallel);
// until then `run` reports that the engine is not available.
#[cfg(t2_engine_ready)]
mod runner;
#[cfg(t2_engine_ready)]
pub use runner::*;

#[cfg(not(t2_engine_ready))]
mod stub {
    use crate::config::Config;

    /// Why a run could not start or had to stop.
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
    /// Runs T2 on `config` (not available in this build stage).
    pub fn run(config: &Config) -> Result<RunOutcome, RunError> {
        let _ = config;
        Err(RunError { message: "engine not implemented yet".into() })
    }
}
#[cfg(not(t2_engine_ready))]
pub use stub::*;

