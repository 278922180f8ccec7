//! t2 core: capture, dissection to L4, flow table and timeouts, plugin host, output records and
//! the end report. No CLI parsing, no printing to stdout of its own: everything that is printed
//! goes through a [`log::Logger`] chosen by the caller.

pub mod capture;
pub mod config;
pub mod dissect;
pub mod engine;
pub mod fmt;
pub mod log;
pub mod packet;
pub mod plugin_info;
