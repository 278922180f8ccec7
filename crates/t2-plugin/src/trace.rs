//! `tracing` for plugins (feature `tracing`): [`install`] makes the plugin's `tracing` events
//! (`tracing::warn!`, `info!`, ...) lines of the host's log, with the host's tags (`[ERR]`,
//! `[WRN]`, `[INF]`; debug and trace events as `[DBG]` only when `max` lets them through) and
//! the plugin's name in front, exactly as [`Host::warn`] and friends write them.
//!
//! Each plugin is its own shared library, so the global dispatcher set here is the plugin's
//! own: plugins cannot interfere with each other's or the core's logging. Spans are accepted
//! and ignored (a log line has no span context). Events are formatted only when enabled.

use std::fmt::Write as _;

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Dispatch, Event, Level as TLevel, Metadata, Subscriber};

use crate::host::{Host, Level};

/// Forwards events to the host log (see the module docs).
pub struct HostSubscriber {
    host: Host,
    max: TLevel,
}

// SAFETY: the host table and its context are valid for the whole run and the ABI calls a
// plugin from one thread at a time; `tracing` requires Send + Sync of a global subscriber.
unsafe impl Send for HostSubscriber {}
// SAFETY: as above.
unsafe impl Sync for HostSubscriber {}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            if !self.0.is_empty() {
                self.0.push(' ');
            }
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}

impl Subscriber for HostSubscriber {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        *m.level() <= self.max
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, e: &Event<'_>) {
        let mut m = Message(String::new());
        e.record(&mut m);
        let level = match *e.metadata().level() {
            TLevel::ERROR => Level::Err,
            TLevel::WARN => Level::Wrn,
            TLevel::INFO => Level::Inf,
            _ => Level::Dbg,
        };
        self.host.log(level, &format!("{}: {}", self.host.plugin_name(), m.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Installs the forwarding for this plugin (call it in `init`); events above `max` (e.g.
/// `tracing_core::Level::INFO` to drop debug and trace) are not formatted. Returns false if
/// the plugin already had a global dispatcher.
pub fn install(host: &Host, max: TLevel) -> bool {
    tracing_core::dispatcher::set_global_default(Dispatch::new(HostSubscriber { host: *host, max })).is_ok()
}
