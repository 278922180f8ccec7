//! The t2 plugin SDK: write Tranalyzer2 plugins in safe Rust against the C ABI of
//! [`t2_abi`].
//!
//! A plugin is a `cdylib` crate `plugins/<name>/` with a `t2plugin.toml` (name, number,
//! version, dependencies, settings), a `build.rs` calling [`build::generate`] (feature `build`
//! of this crate, as a build-dependency), and a type implementing [`Plugin`]:
//!
//! ```ignore
//! // build.rs
//! fn main() { t2_plugin::build::generate(); }
//!
//! // src/lib.rs
//! use t2_plugin::{Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar};
//! t2_plugin::config_module!(); // `mod config`: PLUGIN_NAME, ..., one const per setting
//!
//! #[derive(Clone, Default)]
//! struct Counts { pkts: u64 }
//! pub struct Hello { flows: PerFlow<Counts> }
//!
//! impl Plugin for Hello {
//!     fn init(i: &mut Init<'_>) -> Result<Self> {
//!         i.declare_column(Column::new("helloPkts", "Packets seen by hello", Scalar::U64))?;
//!         Ok(Hello { flows: PerFlow::for_host(i) })
//!     }
//!     fn on_new_flow(&mut self, _h: &Host, _p: &Packet<'_>, f: FlowIndex) -> Result<()> {
//!         self.flows.reset(f);
//!         Ok(())
//!     }
//!     fn on_layer4(&mut self, _h: &Host, _p: &Packet<'_>, f: FlowIndex) -> Result<()> {
//!         self.flows[f].pkts += 1;
//!         Ok(())
//!     }
//!     fn on_flow_terminate(&mut self, _h: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
//!         out.u64(self.flows[f].pkts);
//!         Ok(())
//!     }
//! }
//! t2_plugin::export_plugin!(Hello, config, [on_new_flow, on_layer4, on_flow_terminate]);
//! ```
//!
//! Modules:
//! - [`build`] (feature `build`): `t2plugin.toml` → `pub const` settings, checked.
//! - [`Plugin`], [`export_plugin!`], [`config_module!`]: the callbacks, run under
//!   `catch_unwind` (a panic returns `T2_PANIC` and the host disables the plugin).
//! - [`Host`] / [`Init`] / [`Packet`]: the host services, init-only declarations, the packet
//!   view. [`Column`] builds column declarations; [`PerFlow`] holds per-flow state.
//! - [`Output`] / [`Encoder`]: typed record encoding (spec §2.2), [`Writer`] for reports.
//! - [`schema`], [`record`], [`fmt`]: parsing column types, walking encoded records, and T2's
//!   exact text rendering (what sinks use).

pub mod column;
pub mod fmt;
pub mod host;
pub mod output;
pub mod perflow;
pub mod plugin;
pub mod record;
pub mod schema;
pub mod testing;
#[cfg(feature = "tracing")]
pub mod trace;

#[cfg(feature = "build")]
pub mod build;

/// The raw ABI (re-exported so generated code and plugins need no direct dependency).
pub use t2_abi as abi;

pub use column::{Column, bit};
pub use host::{FlowIndex, Host, Init, Level, MonState, Packet, Run};
pub use output::{Encoder, Output, Writer};
pub use perflow::PerFlow;
#[doc(hidden)]
pub use plugin::__private;
pub use plugin::Plugin;
pub use record::TextFormatter;
pub use schema::{Group, Item, Scalar, Schema};

/// The error of a callback: a message the shim logs (`[ERR] plugin: callback: message`)
/// before returning `T2_ERR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    msg: String,
}

impl Error {
    pub fn new(msg: impl Into<String>) -> Error {
        Error { msg: msg.into() }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Error {
        Error { msg: s }
    }
}
impl From<&str> for Error {
    fn from(s: &str) -> Error {
        Error { msg: s.to_string() }
    }
}
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error { msg: e.to_string() }
    }
}
impl From<std::fmt::Error> for Error {
    fn from(_: std::fmt::Error) -> Error {
        Error {
            msg: "formatting error".into(),
        }
    }
}
impl From<schema::TypeError> for Error {
    fn from(e: schema::TypeError) -> Error {
        Error { msg: e.to_string() }
    }
}
impl From<record::RecordError> for Error {
    fn from(e: record::RecordError) -> Error {
        Error { msg: e.to_string() }
    }
}

/// Result of the SDK's callbacks and services.
pub type Result<T> = std::result::Result<T, Error>;
