//! The safe [`Plugin`] trait, the `extern "C"` shims and [`export_plugin!`](crate::export_plugin).

use crate::Result;
use crate::host::{FlowIndex, Host, Init, MonState, Packet};
use crate::output::{Output, Writer};
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use t2_abi::*;

/// A t2 plugin. One instance per run, created by [`Plugin::init`]; no callback is ever called
/// concurrently. Every callback but `init` has an empty default; list the ones you implement
/// in [`export_plugin!`](crate::export_plugin) so the host does not call the others.
///
/// Returning `Err` (or panicking) disables the plugin for the rest of the run: the host fills
/// its columns with empty values and says so in the end report.
pub trait Plugin: Sized + 'static {
    /// Declares columns, registers timeouts, allocates per-flow state.
    fn init(init: &mut Init<'_>) -> Result<Self>;

    /// After every plugin's `init`, before the first packet (sinks write their headers here).
    fn on_start(&mut self, _host: &Host) -> Result<()> {
        Ok(())
    }

    /// A new flow was created for this packet (reset the per-flow state of `flow`).
    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, _flow: FlowIndex) -> Result<()> {
        Ok(())
    }

    /// Every packet with `flow = None`; layer-2 (non-IP) flows a second time with their flow.
    fn on_layer2(
        &mut self,
        _host: &Host,
        _pkt: &Packet<'_>,
        _flow: Option<FlowIndex>,
    ) -> Result<()> {
        Ok(())
    }

    /// Every packet of an IP flow.
    fn on_layer4(&mut self, _host: &Host, _pkt: &Packet<'_>, _flow: FlowIndex) -> Result<()> {
        Ok(())
    }

    /// The flow ends: append its values, in the order and types of the declared columns.
    fn on_flow_terminate(
        &mut self,
        _host: &Host,
        _flow: FlowIndex,
        _out: &mut Output<'_>,
    ) -> Result<()> {
        Ok(())
    }

    /// Sinks: one complete record (all columns of [`Host::schema`]).
    fn buffer_to_sink(&mut self, _host: &Host, _record: &[u8]) -> Result<()> {
        Ok(())
    }

    /// End report lines (`name: text`).
    fn report(&mut self, _host: &Host, _w: &mut Writer<'_>) -> Result<()> {
        Ok(())
    }

    /// Monitoring output.
    fn monitoring(&mut self, _host: &Host, _state: MonState, _w: &mut Writer<'_>) -> Result<()> {
        Ok(())
    }

    /// Write side files, flush, close. Called once, also after a failure.
    fn finalize(self, _host: &Host) -> Result<()> {
        Ok(())
    }
}

/// Implementation details of [`export_plugin!`](crate::export_plugin); not a public API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use t2_abi;

    /// Name of the plugin type (implemented by `export_plugin!`).
    pub trait Meta {
        const NAME: &'static str;
    }

    struct Instance<P> {
        host: Host,
        plugin: Option<P>,
    }

    fn panic_message(p: &(dyn std::any::Any + Send)) -> &str {
        if let Some(s) = p.downcast_ref::<&str>() {
            s
        } else if let Some(s) = p.downcast_ref::<String>() {
            s
        } else {
            "(no message)"
        }
    }

    fn guard(
        host: Option<&Host>,
        name: &str,
        what: &str,
        f: impl FnOnce() -> Result<()>,
    ) -> T2Status {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(())) => T2_OK,
            Ok(Err(e)) => {
                if let Some(h) = host {
                    h.log(crate::Level::Err, &format!("{name}: {what}: {e}"));
                }
                T2_ERR
            }
            Err(p) => {
                let msg = format!("{name}: panic in {what}: {}", panic_message(&*p));
                match host {
                    Some(h) => h.log(crate::Level::Err, &msg),
                    None => eprintln!("{msg}"),
                }
                T2_PANIC
            }
        }
    }

    /// Runs `f` on the instance, under `catch_unwind`.
    ///
    /// # Safety
    /// `instance` must be null or the pointer `init` wrote.
    unsafe fn with<P: Plugin + Meta>(
        instance: *mut c_void,
        what: &str,
        f: impl FnOnce(&mut P, &Host) -> Result<()>,
    ) -> T2Status {
        if instance.is_null() {
            return T2_EINVAL;
        }
        // SAFETY: `instance` is our Box<Instance<P>> (see `init`), never used concurrently.
        let inst = unsafe { &mut *(instance as *mut Instance<P>) };
        let host = inst.host;
        let Some(p) = inst.plugin.as_mut() else {
            return T2_ERR;
        };
        guard(Some(&host), P::NAME, what, || f(p, &host))
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn init<P: Plugin + Meta>(
        host: *const T2Host,
        ctx: *const T2InitContext,
        instance: *mut *mut c_void,
    ) -> T2Status {
        if host.is_null() || ctx.is_null() || instance.is_null() {
            return T2_EINVAL;
        }
        // SAFETY: the ABI keeps host and ctx valid for the run.
        let h = unsafe { Host::from_raw(host, ctx, P::NAME) };
        let mut out = None;
        let st = guard(Some(&h), P::NAME, "init", || {
            // SAFETY: as above.
            let mut i = unsafe { Init::new(h) };
            out = Some(P::init(&mut i)?);
            Ok(())
        });
        let ptr = match (st, out) {
            (T2_OK, Some(p)) => Box::into_raw(Box::new(Instance {
                host: h,
                plugin: Some(p),
            })) as *mut c_void,
            _ => std::ptr::null_mut(),
        };
        // SAFETY: `instance` is a valid destination (checked non-null).
        unsafe { *instance = ptr };
        st
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn on_start<P: Plugin + Meta>(instance: *mut c_void) -> T2Status {
        // SAFETY: per the ABI.
        unsafe { with::<P>(instance, "on_start", |p, h| p.on_start(h)) }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn on_new_flow<P: Plugin + Meta>(
        instance: *mut c_void,
        pkt: *const T2Packet,
        flow: u64,
    ) -> T2Status {
        if pkt.is_null() {
            return T2_EINVAL;
        }
        // SAFETY: per the ABI the packet is valid during the call.
        unsafe {
            with::<P>(instance, "on_new_flow", |p, h| {
                p.on_new_flow(h, &Packet::from_raw(pkt), flow)
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn on_layer2<P: Plugin + Meta>(
        instance: *mut c_void,
        pkt: *const T2Packet,
        flow: u64,
    ) -> T2Status {
        if pkt.is_null() {
            return T2_EINVAL;
        }
        let flow = (flow != T2_FLOW_NONE).then_some(flow);
        // SAFETY: per the ABI the packet is valid during the call.
        unsafe {
            with::<P>(instance, "on_layer2", |p, h| {
                p.on_layer2(h, &Packet::from_raw(pkt), flow)
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn on_layer4<P: Plugin + Meta>(
        instance: *mut c_void,
        pkt: *const T2Packet,
        flow: u64,
    ) -> T2Status {
        if pkt.is_null() {
            return T2_EINVAL;
        }
        // SAFETY: per the ABI the packet is valid during the call.
        unsafe {
            with::<P>(instance, "on_layer4", |p, h| {
                p.on_layer4(h, &Packet::from_raw(pkt), flow)
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn on_flow_terminate<P: Plugin + Meta>(
        instance: *mut c_void,
        flow: u64,
        out: *mut T2OutBuf,
    ) -> T2Status {
        // SAFETY: per the ABI `out` is the live buffer of this call.
        unsafe {
            with::<P>(instance, "on_flow_terminate", |p, h| {
                let mut o = Output::new(h.raw(), out);
                let r = p.on_flow_terminate(h, flow, &mut o);
                o.flush();
                r
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn buffer_to_sink<P: Plugin + Meta>(
        instance: *mut c_void,
        record: *const u8,
        len: usize,
    ) -> T2Status {
        let rec: &[u8] = if record.is_null() || len == 0 {
            &[]
        } else {
            // SAFETY: per the ABI `len` bytes at `record` are valid during the call.
            unsafe { std::slice::from_raw_parts(record, len) }
        };
        // SAFETY: per the ABI.
        unsafe { with::<P>(instance, "buffer_to_sink", |p, h| p.buffer_to_sink(h, rec)) }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn report<P: Plugin + Meta>(
        instance: *mut c_void,
        w: *mut T2Writer,
    ) -> T2Status {
        // SAFETY: per the ABI `w` is the live writer of this call.
        unsafe {
            with::<P>(instance, "report", |p, h| {
                p.report(h, &mut Writer::new(h.raw(), w))
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI.
    pub unsafe extern "C" fn monitoring<P: Plugin + Meta>(
        instance: *mut c_void,
        state: u8,
        w: *mut T2Writer,
    ) -> T2Status {
        // SAFETY: per the ABI `w` is the live writer of this call.
        unsafe {
            with::<P>(instance, "monitoring", |p, h| {
                p.monitoring(h, MonState::from_raw(state), &mut Writer::new(h.raw(), w))
            })
        }
    }

    /// # Safety
    /// Called by the host per the ABI, once.
    pub unsafe extern "C" fn finalize<P: Plugin + Meta>(instance: *mut c_void) -> T2Status {
        if instance.is_null() {
            // init failed: nothing to free.
            return T2_OK;
        }
        // SAFETY: `instance` is our Box (see `init`); finalize is the last call.
        let inst = unsafe { Box::from_raw(instance as *mut Instance<P>) };
        let host = inst.host;
        let Instance { plugin, .. } = *inst;
        match plugin {
            Some(p) => guard(Some(&host), P::NAME, "finalize", || p.finalize(&host)),
            None => T2_OK,
        }
    }

    /// A vtable with `init` and `finalize` set and every other callback absent.
    pub const fn base_vtable<P: Plugin + Meta>() -> T2PluginVtable {
        T2PluginVtable {
            init: Some(init::<P>),
            on_start: None,
            on_new_flow: None,
            on_layer2: None,
            on_layer4: None,
            on_flow_terminate: None,
            buffer_to_sink: None,
            report: None,
            monitoring: None,
            finalize: Some(finalize::<P>),
        }
    }
}

/// Exports a [`Plugin`] type: generates the `'static` descriptor (from the constants of the
/// generated config module), the `extern "C"` shims (every callback under `catch_unwind`) and
/// the `t2_plugin_entry_v1` symbol (left out when the crate's `static` feature is on, so that
/// several plugins can be linked into one test binary; `descriptor()` is always there).
///
/// ```ignore
/// t2_plugin::config_module!();          // mod config { PLUGIN_NAME, BFO_MAC, ... }
/// struct MyPlugin { /* ... */ }
/// impl t2_plugin::Plugin for MyPlugin { /* ... */ }
/// t2_plugin::export_plugin!(MyPlugin, config, [on_new_flow, on_layer4, on_flow_terminate]);
/// ```
/// Without the list every callback is exported.
#[macro_export]
macro_rules! export_plugin {
    ($ty:ty, $cfg:ident) => {
        $crate::export_plugin!($ty, $cfg, [
            on_start, on_new_flow, on_layer2, on_layer4, on_flow_terminate, buffer_to_sink, report, monitoring
        ]);
    };
    ($ty:ty, $cfg:ident, [$($cb:ident),* $(,)?]) => {
        impl $crate::__private::Meta for $ty {
            const NAME: &'static str = $cfg::PLUGIN_NAME;
        }

        static __T2_DESCRIPTOR: $crate::__private::t2_abi::T2PluginDescriptor = {
            #[allow(unused_mut)]
            let mut vtable = $crate::__private::base_vtable::<$ty>();
            $( vtable.$cb = Some($crate::__private::$cb::<$ty>); )*
            $crate::__private::t2_abi::T2PluginDescriptor {
                magic: $crate::__private::t2_abi::T2_ABI_MAGIC,
                abi_major: $crate::__private::t2_abi::T2_ABI_MAJOR,
                abi_minor: $crate::__private::t2_abi::T2_ABI_MINOR,
                size: $crate::__private::t2_abi::T2PluginDescriptor::CURRENT_SIZE,
                number: $cfg::PLUGIN_NUMBER,
                _pad: 0,
                name: $crate::__private::t2_abi::T2Str::new($cfg::PLUGIN_NAME),
                version: $crate::__private::t2_abi::T2Str::new($cfg::PLUGIN_VERSION),
                dependencies: $crate::__private::t2_abi::T2Str::new($cfg::PLUGIN_DEPENDENCIES),
                build_config: $cfg::BUILD_CONFIG.as_ptr(),
                build_config_len: $cfg::BUILD_CONFIG.len(),
                vtable,
            }
        };

        /// The plugin's descriptor (what the entry symbol returns).
        pub fn descriptor() -> &'static $crate::__private::t2_abi::T2PluginDescriptor {
            &__T2_DESCRIPTOR
        }

        /// The plugin entry point (ABI v1): `t2_plugin_entry_v1`, unmangled unless the crate's
        /// `static` feature is on.
        #[allow(unexpected_cfgs)]
        pub mod __t2_entry {
            #[cfg_attr(not(feature = "static"), unsafe(no_mangle))]
            pub extern "C" fn t2_plugin_entry_v1() -> *const $crate::__private::t2_abi::T2PluginDescriptor {
                super::descriptor()
            }
        }
    };
}

/// Includes the module generated by [`crate::build::generate`] as `mod config` (or another
/// name): the plugin's `PLUGIN_*` constants, one `pub const` per setting and `BUILD_CONFIG`.
#[macro_export]
macro_rules! config_module {
    () => {
        $crate::config_module!(config);
    };
    ($name:ident) => {
        #[allow(dead_code, clippy::all)]
        pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/t2plugin_config.rs"));
        }
    };
}
