//! The plugin ABI of t2: the `#[repr(C)]` types and constants that cross the boundary between
//! the core (`t2`) and plugin shared objects (`NNN_name.so`), written in Rust or in C.
//!
//! Contract (see `docs/architecture.md`, "Plugin ABI"):
//! - Only `#[repr(C)]` structs, integers, floats, raw pointers and `Option<extern "C" fn>` cross
//!   the boundary. Strings are [`T2Str`] (`{ptr, len}` UTF-8, borrowed for the duration of the
//!   call); whoever allocates frees.
//! - A plugin exports one symbol, [`T2_ENTRY_SYMBOL`] (`t2_plugin_entry_v1`), returning a
//!   `'static` [`T2PluginDescriptor`]. Its first four fields (magic, major, minor, size) are frozen
//!   forever. The ABI version is independent of the product version.
//! - Minor versions only *append* fields at the end of the structs that carry a `size` field
//!   ([`T2PluginDescriptor`], [`T2Host`], [`T2InitContext`], [`T2Packet`]) and of
//!   [`T2PluginVtable`]/[`T2Flow`] (whose size is implied by the descriptor's / context's size
//!   fields). A consumer reads a field only when the producer's `size` covers it.
//! - A core of minor M loads plugins of minor <= M of the same major; a plugin of a newer minor or
//!   another major is refused.
//! - No callback of one plugin instance is ever called concurrently.
//!
//! `include/t2_plugin.h` is the C twin of this file; a test keeps the two equal (names, values,
//! sizes and offsets).

#![no_std]
#![allow(non_camel_case_types)]

use core::ffi::c_void;

/// `"T2PL"` as a little-endian u32: the first field of every descriptor.
pub const T2_ABI_MAGIC: u32 = 0x4C50_3254;
/// Major version of this ABI. A different major is never loaded.
pub const T2_ABI_MAJOR: u16 = 1;
/// Minor version of this ABI. Plugins of an older or equal minor load.
pub const T2_ABI_MINOR: u16 = 0;
/// Name of the entry symbol every plugin exports (the major is part of the name).
pub const T2_ENTRY_SYMBOL: &str = "t2_plugin_entry_v1";
/// NUL-terminated form of [`T2_ENTRY_SYMBOL`] for `dlsym`.
pub const T2_ENTRY_SYMBOL_C: &[u8] = b"t2_plugin_entry_v1\0";

/// "No such flow" (T2's `HASHTABLE_ENTRY_NOT_FOUND`): the flow index passed to `on_layer2` for IP
/// packets, and the value of [`T2Flow::opposite`] for a flow without an opposite.
pub const T2_FLOW_NONE: u64 = u64::MAX;
/// "This layer is absent" for the `*_off` fields of [`T2Packet`].
pub const T2_OFF_NONE: u32 = u32::MAX;

/// Return code of callbacks and host functions.
pub type T2Status = i32;
/// Success.
pub const T2_OK: T2Status = 0;
/// The callback failed; the plugin has logged why. The host disables the plugin for the rest of
/// the run (its columns are filled with empty values) and says so in the end report.
pub const T2_ERR: T2Status = 1;
/// The callback panicked (Rust SDK) or crashed in a contained way. Handled like [`T2_ERR`].
pub const T2_PANIC: T2Status = 2;
/// A host function was given an argument it cannot accept (bad column type string, unknown
/// timeout, name too long, call outside the phase where it is allowed).
pub const T2_EINVAL: T2Status = 3;

/// Log levels of [`T2Host::log`], printed as T2's `[ERR] [WRN] [INF] [OK]` prefixes.
pub const T2_LOG_ERR: u32 = 0;
pub const T2_LOG_WRN: u32 = 1;
pub const T2_LOG_INF: u32 = 2;
pub const T2_LOG_OK: u32 = 3;
/// Plain line, no prefix.
pub const T2_LOG_PLAIN: u32 = 4;
/// Debug detail; printed only when the host runs verbosely.
pub const T2_LOG_DBG: u32 = 5;

/// `state` argument of `monitoring`: print the header, the values, or the report form.
pub const T2_MON_HEADER: u8 = 0;
pub const T2_MON_VALUES: u8 = 1;
pub const T2_MON_REPORT: u8 = 2;

/// A borrowed UTF-8 string: `len` bytes at `ptr`, not NUL-terminated. `ptr` may be null when
/// `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2Str {
    pub ptr: *const u8,
    pub len: usize,
}

impl T2Str {
    /// The empty string.
    pub const EMPTY: T2Str = T2Str { ptr: core::ptr::null(), len: 0 };

    /// Borrows a Rust string.
    pub const fn new(s: &str) -> T2Str {
        T2Str { ptr: s.as_ptr(), len: s.len() }
    }

    /// The bytes of the string.
    ///
    /// # Safety
    /// `ptr` must be valid for `len` bytes for the lifetime `'a` (or `len` must be 0).
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
        }
    }

    /// The string, or `None` if it is not valid UTF-8.
    ///
    /// # Safety
    /// As for [`T2Str::as_bytes`].
    pub unsafe fn to_str<'a>(&self) -> Option<&'a str> {
        // SAFETY: guaranteed by the caller.
        core::str::from_utf8(unsafe { self.as_bytes() }).ok()
    }
}

/// A packet timestamp or a duration: seconds and nanoseconds. `nsec` is below 1_000_000_000
/// except for packets of broken captures whose timestamp fraction libpcap reports out of range:
/// the core keeps that raw value (as the original does) so outputs match it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct T2Time {
    pub sec: u64,
    pub nsec: u32,
    pub _pad: u32,
}

/// One `FLAG = value` pair: a compile-time setting a plugin was built with, or a core setting.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2ConfigEntry {
    pub name: T2Str,
    pub value: T2Str,
}

/// One row of a status column's bit table (what `tawk -V` prints).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2BitDesc {
    /// The value of the bit (or exact value) as a 64-bit mask, e.g. `0x0040`.
    pub mask: u64,
    /// Short name, e.g. `L2_ARP`.
    pub name: T2Str,
    /// Description, e.g. `ARP`.
    pub desc: T2Str,
}

/// A flow-file column declared by a plugin (or by the core: `dir`, `flowInd`).
///
/// `type_` uses the type codes of T2's `_headers.txt` (spec §2.2): `I8..I64 U8..U64 H8..H64 F D
/// C S SC MAC IP4 IP6 IPX U64.U32` (timestamp/duration), `DIR` (the core's flow direction,
/// printed `C`), compounds joined with `_`, nested compounds in `(...)`, repeating with `:R`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2ColumnDecl {
    pub name: T2Str,
    pub desc: T2Str,
    pub type_: T2Str,
    /// Optional bit table (null/0 when absent).
    pub bits: *const T2BitDesc,
    pub bits_len: usize,
}

/// The full list of flow-file columns, in output order.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2Schema {
    pub columns: *const T2ColumnDecl,
    pub len: usize,
}

/// Name, version and number of a loaded plugin, as listed in the start-up log and headers file.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2PluginInfo {
    pub name: T2Str,
    pub version: T2Str,
    pub number: u16,
    pub _pad: [u8; 6],
}

/// A flow as the core keeps it. Plugins get a pointer to it through [`T2Host::flow`] or
/// [`T2InitContext::flows`]; the memory is the core's and stays valid (at a fixed address) for
/// the whole run. Plugins may change `status` (e.g. icmpDecode toggles `L3FLOWINVERT`); they
/// change `timeout` only through [`T2Host::set_flow_timeout`]. Everything else is read-only.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct T2Flow {
    /// T2's `flowStat`: OR of the status bits of every packet of the flow.
    pub status: u64,
    /// User-visible flow index (`flowInd`), shared by the A and B flows of a pair.
    pub findex: u64,
    /// Slot index of the opposite flow, or [`T2_FLOW_NONE`].
    pub opposite: u64,
    pub first_seen: T2Time,
    /// Timestamp of the latest packet of this direction.
    pub last_seen: T2Time,
    /// Sum of Ethernet padding bytes of the flow's packets.
    pub pad_len: u64,
    /// Idle timeout in seconds (default 182).
    pub timeout: f32,
    /// Innermost VLAN ID (12 bits), 0 if none.
    pub vlan_id: u16,
    /// Ethertype of the flow (0x0800, 0x86dd, or the L2 protocol of an L2 flow).
    pub eth_type: u16,
    pub src_port: u16,
    pub dst_port: u16,
    /// 4, 6, or 0 for a layer-2 (non-IP) flow.
    pub ip_ver: u8,
    pub l4_proto: u8,
    pub _pad0: [u8; 2],
    /// Source / destination address (IPv4 in the first 4 bytes, rest 0).
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    /// MAC addresses of the flow key: set for L2 flows (and IP flows with `ETH_ACTIVATE=2`).
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub _pad1: [u8; 4],
}

/// The borrowed view of one packet, handed to `on_new_flow`, `on_layer2` and `on_layer4`.
/// Valid only during the call. Offsets are into `data` and are [`T2_OFF_NONE`] when the layer
/// is absent; the bytes from an offset to `caplen` are the captured bytes of that layer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2Packet {
    /// Size of this struct as filled by the host.
    pub size: u32,
    /// pcap link type (DLT/LINKTYPE value) of the capture.
    pub linktype: u32,
    pub data: *const u8,
    /// Captured bytes at `data`.
    pub caplen: u32,
    /// Length on the wire.
    pub wirelen: u32,
    pub ts: T2Time,
    /// Packet number in the run (1-based, T2's `pktNo`).
    pub pkt_no: u64,
    /// Status bits of this packet (flowStat bits, spec §1.8).
    pub status: u64,
    /// Outermost Ethernet header whose MACs the flow records, or NONE.
    pub mac_off: u32,
    /// Innermost layer-2 header (the one carrying the ethertype of the flow), or NONE.
    pub l2_off: u32,
    /// Outermost IP header, or NONE.
    pub outer_l3_off: u32,
    /// Innermost IP header (the flow's), or NONE.
    pub l3_off: u32,
    /// L4 header of the flow, or NONE.
    pub l4_off: u32,
    /// L7 payload, or NONE.
    pub l7_off: u32,
    /// Ethertype of the flow (innermost).
    pub eth_type: u16,
    /// Innermost VLAN ID (0 if none).
    pub vlan_id: u16,
    /// VLAN tags (full 16-bit TCI: PCP, DEI and VID) of the stack, outermost first
    /// (`vlan_count` of them, at most 4 stored).
    pub vlan_ids: [u16; 4],
    pub vlan_count: u8,
    pub mpls_count: u8,
    /// 4, 6, or 0 (not IP).
    pub ip_ver: u8,
    pub l4_proto: u8,
    pub src_port: u16,
    pub dst_port: u16,
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    /// Declared IP length: IPv4 total length, or IPv6 payload length + 40.
    pub l3_len: u32,
    /// Length of the L4 header (TCP doff*4, 8 for UDP/ICMP, ...).
    pub l4_hdr_len: u32,
    /// Declared L7 length, from the IP/L4 length fields.
    pub l7_len: u32,
    /// Captured bytes from the innermost IP header / L4 header / L7 payload.
    pub snap_l3_len: u32,
    pub snap_l4_len: u32,
    pub snap_l7_len: u32,
    /// T2's `packet->len` (per `PACKETLENGTH`, default the L7 length).
    pub len: u32,
    /// Ethernet padding bytes of this frame.
    pub pad_len: u32,
    /// Number of headers (T2's `numHdrDesc` of the packet), counting repetitions.
    pub num_hdrs: u16,
    /// IPv4 fragment field (flags + offset) of the innermost IP header, host order.
    pub ip_frag: u16,
    /// IPv4 identification of the innermost header (IPv6: fragment id low 16 bits, or 0).
    pub ip_id: u32,
    /// Header description, e.g. `eth:vlan{2}:ipv4:tcp`.
    pub hdr_desc: T2Str,
}

/// Output record being built for one flow. Plugins append their values with
/// [`T2Host::out_append`] in the order and encoding of their declared columns (spec §2.2).
#[repr(C)]
#[derive(Debug)]
pub struct T2OutBuf {
    /// Host-private.
    pub host: *mut c_void,
}

/// An opaque text destination (end report, monitoring output); written with [`T2Host::write`].
#[repr(C)]
#[derive(Debug)]
pub struct T2Writer {
    /// Host-private.
    pub host: *mut c_void,
}

/// A per-flow data array another plugin exported with [`T2Host::export_data`].
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2Exported {
    pub base: *mut c_void,
    /// Bytes between two consecutive flows' entries.
    pub stride: usize,
    /// Number of entries (the flow capacity).
    pub count: usize,
}

/// Run information given to `init`: what the start-up log and `_headers.txt` print.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2RunInfo {
    /// Product name and version line, e.g. `Tranalyzer 0.9.3 (Anteater), Cobra`.
    pub product: T2Str,
    pub command_line: T2Str,
    pub pid: u32,
    pub priority: i32,
    pub sensor_id: u32,
    pub _pad: u32,
    /// Wall-clock start of the run.
    pub start: T2Time,
    /// e.g. `L2, IPv4, IPv6`.
    pub core_config_desc: T2Str,
    /// `nodename;sysname;release;version;machine`.
    pub hw_info: T2Str,
    /// Capture library version.
    pub sw_info: T2Str,
    /// Live interfaces (comma-separated) when capturing live, else empty.
    pub interfaces: T2Str,
    pub plugins: *const T2PluginInfo,
    pub plugins_len: usize,
}

/// What `init` receives besides the host table.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2InitContext {
    pub size: u32,
    /// 1 when packet mode (`-s`) is on.
    pub packet_mode: u8,
    pub _pad: [u8; 3],
    /// Maximum number of flows in memory at once; flow indices are `< flow_capacity`.
    pub flow_capacity: u64,
    /// Base of the core's flow array and the distance between two flows, so plugins may read
    /// flows without a call: flow `i` is at `flows + i * flow_stride` bytes.
    pub flows: *mut T2Flow,
    pub flow_stride: usize,
    /// Output prefix (`-w`); files are named `PREFIX_suffix`.
    pub output_prefix: T2Str,
    /// `-W` split size for the flow file (0: no split) and whether it counts flows (1) or bytes.
    pub split_size: u64,
    pub split_by_flows: u8,
    pub _pad2: [u8; 3],
    /// First index of split files (`-W PREFIX:SIZE,START`).
    pub split_start: u32,
    /// Core settings (`IPV6_ACTIVATE`, `ETH_ACTIVATE`, `FLOW_TIMEOUT`, `RELTIME`, ...).
    pub core_config: *const T2ConfigEntry,
    pub core_config_len: usize,
    pub run: T2RunInfo,
    /// Directory of the plugin's data files (the plugin folder).
    pub plugin_dir: T2Str,
}

/// The host's services for one plugin instance. `ctx` identifies the plugin and is passed back
/// as the first argument of every function.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2Host {
    pub size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub ctx: *mut c_void,
    /// Log a message with a `T2_LOG_*` level (the host prefixes nothing else: the SDK puts the
    /// plugin name into the text when it wants).
    pub log: Option<unsafe extern "C" fn(ctx: *mut c_void, level: u32, msg: T2Str)>,
    /// Declare one flow-file column (only during `init`). Columns appear in declaration order.
    pub declare_column:
        Option<unsafe extern "C" fn(ctx: *mut c_void, decl: *const T2ColumnDecl) -> T2Status>,
    /// Declare one packet-file column name (only during `init`, only meaningful in packet mode).
    pub declare_packet_column: Option<unsafe extern "C" fn(ctx: *mut c_void, name: T2Str) -> T2Status>,
    /// All flow-file columns declared so far (complete from `on_start` on).
    pub schema: Option<unsafe extern "C" fn(ctx: *mut c_void) -> T2Schema>,
    /// The flow in slot `index`, or null if `index` is out of range.
    pub flow: Option<unsafe extern "C" fn(ctx: *mut c_void, index: u64) -> *mut T2Flow>,
    /// Register a timeout value (seconds) the plugin will later give to flows (only in `init`).
    pub register_timeout: Option<unsafe extern "C" fn(ctx: *mut c_void, seconds: f32) -> T2Status>,
    /// Give a flow a registered timeout.
    pub set_flow_timeout:
        Option<unsafe extern "C" fn(ctx: *mut c_void, index: u64, seconds: f32) -> T2Status>,
    /// Force mode: terminate the flow (and its opposite) before the next packet.
    pub terminate_flow: Option<unsafe extern "C" fn(ctx: *mut c_void, index: u64)>,
    /// Alarm mode: report `n` alarms for the flow being terminated.
    pub report_alarms: Option<unsafe extern "C" fn(ctx: *mut c_void, n: u32)>,
    /// Packet mode: append one field of this packet's line (the host adds the separator).
    pub packet_field: Option<unsafe extern "C" fn(ctx: *mut c_void, text: T2Str)>,
    /// Publish a per-flow array under `name` with a layout version (only during `init`).
    pub export_data: Option<
        unsafe extern "C" fn(ctx: *mut c_void, name: T2Str, layout_version: u32, data: T2Exported) -> T2Status,
    >,
    /// Look up a per-flow array another (earlier) plugin exported.
    pub import_data: Option<
        unsafe extern "C" fn(ctx: *mut c_void, name: T2Str, layout_version: u32, out: *mut T2Exported) -> T2Status,
    >,
    /// Append encoded bytes to a flow's output record.
    pub out_append: Option<unsafe extern "C" fn(buf: *mut T2OutBuf, data: *const u8, len: usize)>,
    /// Append text to a report / monitoring writer.
    pub write: Option<unsafe extern "C" fn(w: *mut T2Writer, text: T2Str)>,
}

/// Callbacks of a plugin. All optional except `init` and `finalize`. Each returns a
/// [`T2Status`]; anything but [`T2_OK`] disables the plugin.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2PluginVtable {
    /// Create the instance: declare columns, register timeouts, open files. `host` and `ctx` are
    /// valid for the whole run (the plugin may keep the pointers). Writes the instance pointer.
    pub init: Option<
        unsafe extern "C" fn(host: *const T2Host, ctx: *const T2InitContext, instance: *mut *mut c_void) -> T2Status,
    >,
    /// After every plugin's `init`, before the first packet (sinks write their headers here).
    pub on_start: Option<unsafe extern "C" fn(instance: *mut c_void) -> T2Status>,
    /// A new flow was created for this packet.
    pub on_new_flow:
        Option<unsafe extern "C" fn(instance: *mut c_void, pkt: *const T2Packet, flow_index: u64) -> T2Status>,
    /// Every packet: first with `flow_index = T2_FLOW_NONE`, and for layer-2 (non-IP) flows a
    /// second time with the flow's index.
    pub on_layer2:
        Option<unsafe extern "C" fn(instance: *mut c_void, pkt: *const T2Packet, flow_index: u64) -> T2Status>,
    /// Every packet of an IP flow.
    pub on_layer4:
        Option<unsafe extern "C" fn(instance: *mut c_void, pkt: *const T2Packet, flow_index: u64) -> T2Status>,
    /// The flow ends: append its column values to `out`.
    pub on_flow_terminate:
        Option<unsafe extern "C" fn(instance: *mut c_void, flow_index: u64, out: *mut T2OutBuf) -> T2Status>,
    /// Sinks: one complete record (all columns of [`T2Host::schema`], encoded per spec §2.2).
    pub buffer_to_sink:
        Option<unsafe extern "C" fn(instance: *mut c_void, record: *const u8, len: usize) -> T2Status>,
    /// End report: write `name: text` lines.
    pub report: Option<unsafe extern "C" fn(instance: *mut c_void, out: *mut T2Writer) -> T2Status>,
    /// Monitoring output (`T2_MON_*` state).
    pub monitoring:
        Option<unsafe extern "C" fn(instance: *mut c_void, state: u8, out: *mut T2Writer) -> T2Status>,
    /// Write side files, close, free the instance. Called once, also after a failure.
    pub finalize: Option<unsafe extern "C" fn(instance: *mut c_void) -> T2Status>,
}

/// What the entry symbol returns. The first four fields are frozen for every version.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct T2PluginDescriptor {
    pub magic: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    /// `size_of::<T2PluginDescriptor>()` of the ABI the plugin was built against.
    pub size: u32,
    /// T2 plugin number (load order), e.g. 100 for basicFlow.
    pub number: u16,
    pub _pad: u16,
    pub name: T2Str,
    pub version: T2Str,
    /// Comma-separated names of plugins that must be loaded before this one.
    pub dependencies: T2Str,
    /// The `t2plugin.toml` values the `.so` was built with.
    pub build_config: *const T2ConfigEntry,
    pub build_config_len: usize,
    pub vtable: T2PluginVtable,
}

// SAFETY: descriptors are immutable 'static data (string literals and function pointers).
unsafe impl Sync for T2PluginDescriptor {}
// SAFETY: a config table is immutable 'static data.
unsafe impl Sync for T2ConfigEntry {}
// SAFETY: a bit table is immutable 'static data.
unsafe impl Sync for T2BitDesc {}
// SAFETY: a column declaration is immutable data.
unsafe impl Sync for T2ColumnDecl {}

/// Signature of the entry symbol.
pub type T2EntryFn = unsafe extern "C" fn() -> *const T2PluginDescriptor;

/// Bits of `flowStat` (spec §1.8) used by the core and by plugins.
pub mod flow_stat {
    pub const L3FLOWINVERT: u64 = 0x0000_0000_0000_0001;
    pub const L2_NO_ETH: u64 = 0x0000_0000_0000_0002;
    pub const L2_FLOW: u64 = 0x0000_0000_0000_0004;
    pub const L2_PPPOE_D: u64 = 0x0000_0000_0000_0008;
    pub const L2_PPPOE_S: u64 = 0x0000_0000_0000_0010;
    pub const L2_LLDP: u64 = 0x0000_0000_0000_0020;
    pub const L2_ARP: u64 = 0x0000_0000_0000_0040;
    pub const L2_RARP: u64 = 0x0000_0000_0000_0080;
    pub const L2_VLAN: u64 = 0x0000_0000_0000_0100;
    pub const L2_MPLS_UCAST: u64 = 0x0000_0000_0000_0200;
    pub const L2_MPLS_MCAST: u64 = 0x0000_0000_0000_0400;
    pub const L2_L2TP: u64 = 0x0000_0000_0000_0800;
    pub const L2_GRE: u64 = 0x0000_0000_0000_1000;
    pub const L2_PPP: u64 = 0x0000_0000_0000_2000;
    pub const L2_IPV4: u64 = 0x0000_0000_0000_4000;
    pub const L2_IPV6: u64 = 0x0000_0000_0000_8000;
    pub const L3_IPVX: u64 = 0x0000_0000_0001_0000;
    pub const L3_IPIP: u64 = 0x0000_0000_0002_0000;
    pub const L3_ETHIPF: u64 = 0x0000_0000_0004_0000;
    pub const L3_TRDO: u64 = 0x0000_0000_0008_0000;
    pub const L3_AYIYA: u64 = 0x0000_0000_0010_0000;
    pub const L3_GTP: u64 = 0x0000_0000_0020_0000;
    pub const L3_VXLAN: u64 = 0x0000_0000_0040_0000;
    pub const L3_CAPWAP: u64 = 0x0000_0000_0080_0000;
    pub const L4_SCTP: u64 = 0x0000_0000_0100_0000;
    pub const L4_UPNP: u64 = 0x0000_0000_0200_0000;
    pub const L2_ERSPAN: u64 = 0x0000_0000_0400_0000;
    pub const L2_WCCP: u64 = 0x0000_0000_0800_0000;
    pub const L7_SIPRTP: u64 = 0x0000_0000_1000_0000;
    pub const L3_GENEVE: u64 = 0x0000_0000_2000_0000;
    pub const L3_IPSEC_AH: u64 = 0x0000_0000_4000_0000;
    pub const L3_IPSEC_ESP: u64 = 0x0000_0000_8000_0000;
    pub const L2SNAPLENGTH: u64 = 0x0000_0001_0000_0000;
    pub const L3SNAPLENGTH: u64 = 0x0000_0002_0000_0000;
    pub const L3HDRSHRTLEN: u64 = 0x0000_0004_0000_0000;
    pub const L4HDRSHRTLEN: u64 = 0x0000_0008_0000_0000;
    pub const IPV4_FRAG: u64 = 0x0000_0010_0000_0000;
    pub const IPV4_FRAG_ERR: u64 = 0x0000_0020_0000_0000;
    pub const IPV4_FRAG_HDSEQ_ERR: u64 = 0x0000_0040_0000_0000;
    pub const IPV4_FRAG_PENDING: u64 = 0x0000_0080_0000_0000;
    pub const FLWTMOUT: u64 = 0x0000_0100_0000_0000;
    pub const RMFLOW: u64 = 0x0000_0200_0000_0000;
    pub const RMFLOW_HFULL: u64 = 0x0000_0400_0000_0000;
    pub const STPDSCT: u64 = 0x0000_0800_0000_0000;
    pub const DUPIPID: u64 = 0x0000_1000_0000_0000;
    pub const PPP_NRHD: u64 = 0x0000_2000_0000_0000;
    pub const IPV4_HL_TOO_SHORT: u64 = 0x0000_4000_0000_0000;
    pub const IP_PL_MSMTCH: u64 = 0x0000_8000_0000_0000;
    pub const HDOVRN: u64 = 0x0001_0000_0000_0000;
    pub const FL_ALARM: u64 = 0x0002_0000_0000_0000;
    pub const LANDATTACK: u64 = 0x0004_0000_0000_0000;
    pub const TIMEJUMP: u64 = 0x0008_0000_0000_0000;
    pub const LIVEXTR: u64 = 0x0010_0000_0000_0000;
    pub const SUBN_FLW_TST: u64 = 0x0080_0000_0000_0000;
    pub const TORADD: u64 = 0x0100_0000_0000_0000;
    pub const FS_VLAN0: u64 = 0x0200_0000_0000_0000;
    pub const FS_IPV4_PKT: u64 = 0x0400_0000_0000_0000;
    pub const FS_IPV6_PKT: u64 = 0x0800_0000_0000_0000;
    pub const LAPD_FLOW: u64 = 0x1000_0000_0000_0000;
    pub const L7_DTLS: u64 = 0x2000_0000_0000_0000;
    pub const FDLSIDX: u64 = 0x4000_0000_0000_0000;
    pub const PCAPSNPD: u64 = 0x8000_0000_0000_0000;
}

/// Version constants a plugin's descriptor should carry.
impl T2PluginDescriptor {
    pub const CURRENT_SIZE: u32 = core::mem::size_of::<T2PluginDescriptor>() as u32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    /// Layout pins: a change here is an ABI break and needs a new major (or, for appended
    /// fields, a new minor and an updated C header).
    #[test]
    fn frozen_descriptor_prefix() {
        assert_eq!(offset_of!(T2PluginDescriptor, magic), 0);
        assert_eq!(offset_of!(T2PluginDescriptor, abi_major), 4);
        assert_eq!(offset_of!(T2PluginDescriptor, abi_minor), 6);
        assert_eq!(offset_of!(T2PluginDescriptor, size), 8);
    }

    #[test]
    fn layouts_v1_0() {
        assert_eq!(size_of::<T2Str>(), 16);
        assert_eq!(size_of::<T2Time>(), 16);
        assert_eq!(size_of::<T2Flow>(), 128);
        assert_eq!(offset_of!(T2Flow, timeout), 64);
        assert_eq!(offset_of!(T2Flow, src_ip), 80);
        assert_eq!(size_of::<T2Packet>(), 192);
        assert_eq!(offset_of!(T2Packet, hdr_desc), 176);
        assert_eq!(size_of::<T2PluginVtable>(), 10 * 8);
        assert_eq!(size_of::<T2PluginDescriptor>(), 80 + 10 * 8);
        assert_eq!(size_of::<T2Host>(), 16 + 14 * 8);
    }
}
