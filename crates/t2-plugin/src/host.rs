//! Safe wrappers over the host table ([`T2Host`]), the init context ([`T2InitContext`]) and
//! the packet view ([`T2Packet`]).

use crate::column::Column;
use crate::schema::{Schema, TypeError};
use crate::{Error, Result};
use t2_abi::*;

/// A flow slot index (T2's `flowIndex`): `< flow_capacity`, reused after the flow ends.
pub type FlowIndex = u64;

/// Log levels of [`Host::log`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Level {
    Err = T2_LOG_ERR,
    Wrn = T2_LOG_WRN,
    Inf = T2_LOG_INF,
    Ok = T2_LOG_OK,
    Plain = T2_LOG_PLAIN,
    Dbg = T2_LOG_DBG,
}

/// State of a `monitoring` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonState {
    Header,
    Values,
    Report,
    Other(u8),
}

impl MonState {
    pub fn from_raw(s: u8) -> MonState {
        match s {
            T2_MON_HEADER => MonState::Header,
            T2_MON_VALUES => MonState::Values,
            T2_MON_REPORT => MonState::Report,
            x => MonState::Other(x),
        }
    }
}

/// Borrows a [`T2Str`] as `&str` (empty if absent or not UTF-8).
///
/// # Safety
/// `s` must be valid for `'a`.
pub unsafe fn t2str<'a>(s: T2Str) -> &'a str {
    // SAFETY: guaranteed by the caller.
    unsafe { s.to_str() }.unwrap_or("")
}

/// The host's services for this plugin instance; valid for the whole run. Every callback of
/// [`crate::Plugin`] receives it.
#[derive(Clone, Copy, Debug)]
pub struct Host {
    raw: *const T2Host,
    ctx: *const T2InitContext,
    name: &'static str,
}

impl Host {
    /// Wraps the pointers `init` received.
    ///
    /// # Safety
    /// Both must stay valid for the lifetime of the instance (the ABI guarantees it).
    pub unsafe fn from_raw(
        raw: *const T2Host,
        ctx: *const T2InitContext,
        plugin_name: &'static str,
    ) -> Host {
        Host {
            raw,
            ctx,
            name: plugin_name,
        }
    }

    /// The raw host table.
    pub fn raw(&self) -> &T2Host {
        // SAFETY: valid for the run (see `from_raw`).
        unsafe { &*self.raw }
    }

    /// The raw init context.
    pub fn raw_ctx(&self) -> &T2InitContext {
        // SAFETY: valid for the run (see `from_raw`).
        unsafe { &*self.ctx }
    }

    /// This plugin's name.
    pub fn plugin_name(&self) -> &'static str {
        self.name
    }

    fn c(&self) -> *mut core::ffi::c_void {
        self.raw().ctx
    }

    /// Logs a message (the host adds the level prefix).
    pub fn log(&self, level: Level, msg: &str) {
        if let Some(f) = self.raw().log {
            // SAFETY: host function called with its own context and a borrowed string.
            unsafe { f(self.c(), level as u32, T2Str::new(msg)) }
        }
    }

    /// `[ERR] name: msg`
    pub fn error(&self, msg: &str) {
        self.log(Level::Err, &format!("{}: {}", self.name, msg));
    }
    /// `[WRN] name: msg`
    pub fn warn(&self, msg: &str) {
        self.log(Level::Wrn, &format!("{}: {}", self.name, msg));
    }
    /// `[INF] name: msg`
    pub fn info(&self, msg: &str) {
        self.log(Level::Inf, &format!("{}: {}", self.name, msg));
    }

    // ----- init context -----

    /// Packet mode (`-s`) is on.
    pub fn packet_mode(&self) -> bool {
        self.raw_ctx().packet_mode != 0
    }

    /// Maximum number of flows at once; flow indices are below it.
    pub fn flow_capacity(&self) -> u64 {
        self.raw_ctx().flow_capacity
    }

    /// The output prefix (`-w`); `-` means the flow file goes to stdout.
    pub fn output_prefix(&self) -> &str {
        // SAFETY: context strings live for the run.
        unsafe { t2str(self.raw_ctx().output_prefix) }
    }

    /// Directory of the plugin's data files.
    pub fn plugin_dir(&self) -> &str {
        // SAFETY: context strings live for the run.
        unsafe { t2str(self.raw_ctx().plugin_dir) }
    }

    /// `-W` splitting: `(size, by_flows, start index)`, `None` when not splitting.
    pub fn split(&self) -> Option<(u64, bool, u32)> {
        let c = self.raw_ctx();
        (c.split_size > 0).then_some((c.split_size, c.split_by_flows != 0, c.split_start))
    }

    /// Core settings as `(name, value)` pairs.
    pub fn core_config(&self) -> impl Iterator<Item = (&str, &str)> {
        let c = self.raw_ctx();
        let s: &[T2ConfigEntry] = if c.core_config.is_null() || c.core_config_len == 0 {
            &[]
        } else {
            // SAFETY: the table lives for the run.
            unsafe { std::slice::from_raw_parts(c.core_config, c.core_config_len) }
        };
        // SAFETY: strings of the table live for the run.
        s.iter().map(|e| unsafe { (t2str(e.name), t2str(e.value)) })
    }

    /// The value of one core setting (`RELTIME`, `ETH_ACTIVATE`, ...).
    pub fn core_setting(&self, name: &str) -> Option<&str> {
        self.core_config().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// A core setting parsed as an integer.
    pub fn core_setting_int(&self, name: &str) -> Option<i64> {
        self.core_setting(name).and_then(|v| v.trim().parse().ok())
    }

    /// Run information (what the headers file prints).
    pub fn run(&self) -> Run<'_> {
        Run {
            raw: &self.raw_ctx().run,
        }
    }

    // ----- flows -----

    /// The flow in slot `index`, read directly from the core's array.
    #[inline]
    pub fn flow(&self, index: FlowIndex) -> Option<&T2Flow> {
        let p = self.flow_ptr(index);
        // SAFETY: the flow array lives for the run at a fixed address.
        if p.is_null() {
            None
        } else {
            Some(unsafe { &*p })
        }
    }

    /// Raw pointer to the flow in slot `index` (null if out of range).
    #[inline]
    pub fn flow_ptr(&self, index: FlowIndex) -> *mut T2Flow {
        let c = self.raw_ctx();
        if !c.flows.is_null() && index < c.flow_capacity {
            // SAFETY: in range of the core's flow array.
            unsafe { (c.flows as *mut u8).add(index as usize * c.flow_stride) as *mut T2Flow }
        } else if let Some(f) = self.raw().flow {
            // SAFETY: host function with its own context.
            unsafe { f(self.c(), index) }
        } else {
            std::ptr::null_mut()
        }
    }

    /// ORs status bits into a flow's `flowStat`.
    #[inline]
    pub fn set_flow_status(&self, index: FlowIndex, bits: u64) {
        let p = self.flow_ptr(index);
        if !p.is_null() {
            // SAFETY: plugins may change `status`; no reference to the flow is held here.
            unsafe { (*p).status |= bits }
        }
    }

    /// The opposite flow's slot, if any.
    #[inline]
    pub fn opposite(&self, index: FlowIndex) -> Option<FlowIndex> {
        self.flow(index)
            .map(|f| f.opposite)
            .filter(|&o| o != T2_FLOW_NONE)
    }

    /// Gives a flow a timeout registered in `init`.
    pub fn set_flow_timeout(&self, index: FlowIndex, seconds: f32) -> Result<()> {
        match self.raw().set_flow_timeout {
            // SAFETY: host function with its own context.
            Some(f) => status(unsafe { f(self.c(), index, seconds) }, "set_flow_timeout"),
            None => Err(Error::new("host has no set_flow_timeout")),
        }
    }

    /// Force mode: terminates the flow (and its opposite) before the next packet.
    pub fn terminate_flow(&self, index: FlowIndex) {
        if let Some(f) = self.raw().terminate_flow {
            // SAFETY: host function with its own context.
            unsafe { f(self.c(), index) }
        }
    }

    /// Alarm mode: reports `n` alarms for the flow being terminated.
    pub fn report_alarms(&self, n: u32) {
        if let Some(f) = self.raw().report_alarms {
            // SAFETY: host function with its own context.
            unsafe { f(self.c(), n) }
        }
    }

    /// Packet mode: appends one field to this packet's line.
    pub fn packet_field(&self, text: &str) {
        if let Some(f) = self.raw().packet_field {
            // SAFETY: host function with its own context and a borrowed string.
            unsafe { f(self.c(), T2Str::new(text)) }
        }
    }

    /// Looks up a per-flow array another plugin exported.
    pub fn import_data(&self, name: &str, layout_version: u32) -> Option<T2Exported> {
        let f = self.raw().import_data?;
        let mut out = T2Exported {
            base: std::ptr::null_mut(),
            stride: 0,
            count: 0,
        };
        // SAFETY: host function with its own context; `out` is a valid destination.
        let st = unsafe { f(self.c(), T2Str::new(name), layout_version, &mut out) };
        (st == T2_OK && !out.base.is_null()).then_some(out)
    }

    /// All flow-file columns (complete from `on_start` on), as the host declared them.
    pub fn schema_decls(&self) -> &[T2ColumnDecl] {
        let Some(f) = self.raw().schema else {
            return &[];
        };
        // SAFETY: host function with its own context.
        let s = unsafe { f(self.c()) };
        if s.columns.is_null() || s.len == 0 {
            &[]
        } else {
            // SAFETY: the host keeps the schema for the run once complete.
            unsafe { std::slice::from_raw_parts(s.columns, s.len) }
        }
    }

    /// All flow-file columns, parsed.
    pub fn schema(&self) -> std::result::Result<Schema, TypeError> {
        // SAFETY: the declarations' strings are valid (host-owned).
        unsafe { Schema::from_decls(self.schema_decls()) }
    }
}

fn status(st: T2Status, what: &str) -> Result<()> {
    match st {
        T2_OK => Ok(()),
        T2_EINVAL => Err(Error::new(format!("{what}: invalid argument"))),
        x => Err(Error::new(format!("{what}: host returned {x}"))),
    }
}

/// Run information of [`T2InitContext::run`].
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    raw: &'a T2RunInfo,
}

impl<'a> Run<'a> {
    pub fn raw(&self) -> &'a T2RunInfo {
        self.raw
    }
    /// e.g. `Tranalyzer 0.9.3 (Anteater), Cobra`
    pub fn product(&self) -> &'a str {
        // SAFETY: run strings live for the run.
        unsafe { t2str(self.raw.product) }
    }
    pub fn command_line(&self) -> &'a str {
        // SAFETY: as above.
        unsafe { t2str(self.raw.command_line) }
    }
    pub fn core_config_desc(&self) -> &'a str {
        // SAFETY: as above.
        unsafe { t2str(self.raw.core_config_desc) }
    }
    pub fn hw_info(&self) -> &'a str {
        // SAFETY: as above.
        unsafe { t2str(self.raw.hw_info) }
    }
    pub fn sw_info(&self) -> &'a str {
        // SAFETY: as above.
        unsafe { t2str(self.raw.sw_info) }
    }
    pub fn interfaces(&self) -> &'a str {
        // SAFETY: as above.
        unsafe { t2str(self.raw.interfaces) }
    }
    /// Loaded plugins in load order: `(number, name, version)`.
    pub fn plugins(&self) -> impl Iterator<Item = (u16, &'a str, &'a str)> {
        let s: &'a [T2PluginInfo] = if self.raw.plugins.is_null() || self.raw.plugins_len == 0 {
            &[]
        } else {
            // SAFETY: the list lives for the run.
            unsafe { std::slice::from_raw_parts(self.raw.plugins, self.raw.plugins_len) }
        };
        // SAFETY: strings of the list live for the run.
        s.iter()
            .map(|p| unsafe { (p.number, t2str(p.name), t2str(p.version)) })
    }
}

/// What `init` gets: the [`Host`] (through `Deref`) plus the declaration services allowed only
/// during `init`.
#[derive(Debug)]
pub struct Init<'a> {
    host: Host,
    _p: std::marker::PhantomData<&'a ()>,
}

impl std::ops::Deref for Init<'_> {
    type Target = Host;
    fn deref(&self) -> &Host {
        &self.host
    }
}

impl Init<'_> {
    /// # Safety
    /// As for [`Host::from_raw`].
    pub unsafe fn new(host: Host) -> Self {
        Init {
            host,
            _p: std::marker::PhantomData,
        }
    }

    /// The host (copy it into the instance if needed outside callbacks).
    pub fn host(&self) -> Host {
        self.host
    }

    /// Declares a flow-file column; columns appear in declaration order.
    pub fn declare_column(&mut self, col: Column<'_>) -> Result<()> {
        let ty = match col.group() {
            Ok(g) => g.type_string(),
            Err(e) => return Err(Error::new(format!("column {}: {e}", col.name))),
        };
        let decl = T2ColumnDecl {
            name: T2Str::new(col.name),
            desc: T2Str::new(col.desc),
            type_: T2Str::new(&ty),
            bits: if col.bits.is_empty() {
                std::ptr::null()
            } else {
                col.bits.as_ptr()
            },
            bits_len: col.bits.len(),
        };
        let f = self
            .raw()
            .declare_column
            .ok_or_else(|| Error::new("host has no declare_column"))?;
        // SAFETY: host function with its own context; `decl` is valid for the call.
        status(
            unsafe { f(self.c(), &decl) },
            &format!("declare_column {}", col.name),
        )
    }

    /// Declares a packet-file column name (packet mode).
    pub fn declare_packet_column(&mut self, name: &str) -> Result<()> {
        let f = self
            .raw()
            .declare_packet_column
            .ok_or_else(|| Error::new("host has no declare_packet_column"))?;
        // SAFETY: host function with its own context.
        status(
            unsafe { f(self.c(), T2Str::new(name)) },
            &format!("declare_packet_column {name}"),
        )
    }

    /// Registers a timeout value (seconds) to give flows later.
    pub fn register_timeout(&mut self, seconds: f32) -> Result<()> {
        let f = self
            .raw()
            .register_timeout
            .ok_or_else(|| Error::new("host has no register_timeout"))?;
        // SAFETY: host function with its own context.
        status(unsafe { f(self.c(), seconds) }, "register_timeout")
    }

    /// Publishes a per-flow array (e.g. a [`crate::PerFlow`]'s storage) for later plugins.
    pub fn export_data(&mut self, name: &str, layout_version: u32, data: T2Exported) -> Result<()> {
        let f = self
            .raw()
            .export_data
            .ok_or_else(|| Error::new("host has no export_data"))?;
        // SAFETY: host function with its own context.
        status(
            unsafe { f(self.c(), T2Str::new(name), layout_version, data) },
            &format!("export_data {name}"),
        )
    }
}

/// The borrowed view of one packet (valid during the callback). Dereferences to [`T2Packet`]
/// for the raw fields.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    raw: &'a T2Packet,
}

impl<'a> std::ops::Deref for Packet<'a> {
    type Target = T2Packet;
    fn deref(&self) -> &T2Packet {
        self.raw
    }
}

impl<'a> Packet<'a> {
    /// # Safety
    /// `p` must be a valid packet for `'a` (as the host passes it).
    pub unsafe fn from_raw(p: *const T2Packet) -> Packet<'a> {
        // SAFETY: guaranteed by the caller.
        Packet {
            raw: unsafe { &*p },
        }
    }

    /// Wraps a packet built in Rust (tests).
    pub fn new(raw: &'a T2Packet) -> Packet<'a> {
        Packet { raw }
    }

    /// The captured bytes.
    #[inline]
    pub fn data(&self) -> &'a [u8] {
        if self.raw.data.is_null() {
            &[]
        } else {
            // SAFETY: the host guarantees `caplen` bytes at `data` during the call.
            unsafe { std::slice::from_raw_parts(self.raw.data, self.raw.caplen as usize) }
        }
    }

    /// The captured bytes from `off` on, `None` if the layer is absent.
    #[inline]
    pub fn from_offset(&self, off: u32) -> Option<&'a [u8]> {
        if off == T2_OFF_NONE {
            None
        } else {
            self.data().get(off as usize..)
        }
    }

    /// The Ethernet header whose MACs the flow records.
    pub fn mac_header(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.mac_off)
    }
    /// Innermost layer-2 header.
    pub fn l2(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.l2_off)
    }
    /// Innermost IP header.
    pub fn l3(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.l3_off)
    }
    /// Outermost IP header.
    pub fn outer_l3(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.outer_l3_off)
    }
    /// L4 header.
    pub fn l4(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.l4_off)
    }
    /// L7 payload.
    pub fn l7(&self) -> Option<&'a [u8]> {
        self.from_offset(self.raw.l7_off)
    }

    /// Header description, e.g. `eth:vlan{2}:ipv4:tcp`.
    pub fn hdr_desc(&self) -> &'a [u8] {
        // SAFETY: valid during the call.
        unsafe { self.raw.hdr_desc.as_bytes() }
    }

    /// VLAN tags (full 16-bit TCI) of the stack, outermost first (at most 4 stored).
    pub fn vlan_ids(&self) -> &'a [u16] {
        let n = (self.raw.vlan_count as usize).min(self.raw.vlan_ids.len());
        &self.raw.vlan_ids[..n]
    }
}
