//! The run: capture → dissection → flow table → plugins → sinks → end report.
//!
//! Contract (spec §1.7): for every packet, first the flows idle past their timeout are
//! terminated (with this packet's time), then the packet is counted, dissected, assigned to its
//! flow (created if new, with every plugin's `on_new_flow`), and handed to the plugins
//! (`on_layer2` with no flow, then `on_layer4` for IP flows or `on_layer2` with the flow for
//! layer-2 flows). At the end of input, or when a signal asks to stop, every remaining flow is
//! terminated from the least to the most recently seen, each with its opposite right after it,
//! then the end report is written and every plugin finalized.

mod aggregate;
pub mod decode;
pub mod empty;
pub mod flow_table;
pub mod host;
pub mod monitor;
pub mod packets;
pub mod report;

mod runner;
pub use runner::*;

