//! The run configuration: what the `t2` command line (and later the core settings file) resolve
//! to before any work starts. Built by `t2-cli`, consumed by [`crate::engine`]. Every value here
//! is already validated.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where packets come from (exactly one of `-r`, `-R`, `-D`, `-i`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `-r FILE`; the path `-` means standard input.
    File(PathBuf),
    /// `-R LISTFILE`: a text file of capture paths (`#` comments), read as one stream.
    List(PathBuf),
    /// `-D EXPR[:SCHR][,STOP]`: a numbered file series.
    Series { expr: String, schr: char, stop: Option<u64> },
    /// `-i IFACE`: live capture.
    Live { iface: String, snaplen: u32, bufsize: u32 },
}

/// `-W PREFIX[:SIZE][,START]`: split the flow file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Bytes per file, or flows per file when `by_flows`.
    pub size: u64,
    pub by_flows: bool,
    /// Index of the first file (`PREFIX_flows.txtSTART`).
    pub start: u32,
}

/// Core settings (T2's compile-time switches of tranalyzer.h / networkHeaders.h, runtime here).
#[derive(Clone, Debug, PartialEq)]
pub struct CoreSettings {
    /// 0 IPv4 only, 1 IPv6 only, 2 dual stack.
    pub ipv6_activate: u8,
    /// 0 no L2 flows, 1 L2 flows for non-IP, 2 MACs also in the IP flow key.
    pub eth_activate: u8,
    /// Default idle timeout of a flow, seconds.
    pub flow_timeout: f32,
    /// Relative timestamps (basicFlow).
    pub reltime: bool,
    /// Base flow capacity (HASHCHAINTABLE_BASE_SIZE), multiplied by `-f`.
    pub hash_base: u64,
    /// Evict the oldest flow when the table is full (HASH_AUTOPILOT).
    pub hash_autopilot: bool,
    /// ANSI colours in the log (T2_LOG_COLOR).
    pub log_color: bool,
    /// ALARM_MODE: a flow reaches the sinks only if a plugin reported an alarm for it.
    pub alarm_mode: bool,
    /// ALARM_AND: with ALARM_MODE, a flow is output only if some plugin reported alarms and
    /// none reported zero (AND of the plugins' votes) instead of any plugin's alarm (OR).
    pub alarm_and: bool,
    /// AGGREGATIONFLAG and its masks and port ranges: which key fields are coarsened before
    /// the flow lookup.
    pub aggregation: Aggregation,
    /// SCTP_ACTIVATE: 0 an SCTP association is one flow (by addresses and ports); 1 each
    /// stream of it is a flow (the stream ID joins the key); 2 the verification tag joins the
    /// key; 3 both.
    pub sctp_activate: u8,
    /// SCTP_STATFINDEX: with SCTP_ACTIVATE, the flows of one association share one flowInd.
    pub sctp_statfindex: bool,
    /// FORCE_MODE: plugins may end flows early (`terminate_flow`); ignored otherwise.
    pub force_mode: bool,
    /// FDURLIMIT: a flow longer than this many seconds is ended and its packet starts a new
    /// one (0: no limit).
    pub fdurlimit: u32,
    /// FDLSFINDEX: the flow that continues a flow ended by FDURLIMIT keeps its flowInd (and
    /// gets FDLSIDX) instead of a new one.
    pub fdlsfindex: bool,
    /// MULTIPKTSUP: IPv4 packets repeating the previous packet's IP ID in their flow are
    /// dropped (counted, not processed further).
    pub multipktsup: bool,
    /// Packet mode (`-s`) columns: SPKTMD_PKTNO (packet number), SPKTMD_PCNTC (payload as
    /// text), SPKTMD_PCNTH (payload as hex), SPKTMD_PCNTL (payload from 0 the frame, 1 L2,
    /// 2 L3, 3 L4, 4 L7).
    pub spktmd_pktno: bool,
    pub spktmd_pcntc: bool,
    pub spktmd_pcnth: bool,
    pub spktmd_pcntl: u8,
    /// Monitoring: MACHINE_REPORT (one tab-separated line per report), DIFF_REPORT (values
    /// since the previous report), MONINTTMPCP (the interval runs on packet time, not wall
    /// time).
    pub machine_report: bool,
    pub diff_report: bool,
    pub monint_pcap_time: bool,
    /// PACKETLENGTH: what a packet's length is for plugins (0 from L2, 1 from L3, 2 from L4,
    /// 3 the L7 payload).
    pub packet_length: u8,
}

impl Default for CoreSettings {
    fn default() -> Self {
        CoreSettings {
            ipv6_activate: 2,
            eth_activate: 1,
            flow_timeout: 182.0,
            reltime: false,
            hash_base: 262_144,
            hash_autopilot: true,
            log_color: true,
            alarm_mode: false,
            alarm_and: false,
            aggregation: Aggregation::default(),
            sctp_activate: 0,
            sctp_statfindex: true,
            force_mode: false,
            fdurlimit: 0,
            fdlsfindex: false,
            multipktsup: false,
            spktmd_pktno: true,
            spktmd_pcntc: true,
            spktmd_pcnth: false,
            spktmd_pcntl: 4,
            machine_report: false,
            diff_report: false,
            monint_pcap_time: false,
            packet_length: 3,
        }
    }
}

/// Everything a run needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub input: Input,
    /// BPF filter expression (remaining arguments, or `-F FILE` contents), if any.
    pub bpf: Option<String>,
    /// Resolved output prefix: files are `PREFIX_flows.txt`, `PREFIX_headers.txt`, ...
    /// `None` with `-w -` (flows to stdout).
    pub output_prefix: PathBuf,
    /// `-w -`: the flow file goes to stdout.
    pub flows_to_stdout: bool,
    pub split: Option<Split>,
    /// `-l`: end report to `PREFIX_log.txt`.
    pub log_to_file: bool,
    /// `-s`: packet mode (`PREFIX_packets.txt`).
    pub packet_mode: bool,
    /// `-e FILE`: flow indices whose packets the pcapd plugin extracts.
    pub extract_list: Option<PathBuf>,
    /// `-m`: monitoring reports go to `PREFIX_monitoring.txt` (else stdout).
    pub monitor_file: bool,
    /// `-M SEC`: periodic monitoring reports every SEC seconds (SIGUSR2 toggles them).
    pub monitor_interval: Option<f64>,
    /// `-p`: plugin folder.
    pub plugin_dir: PathBuf,
    /// `-b`: plugin whitelist file (default `<plugin_dir>/plugins.txt` if it exists).
    pub plugin_list: Option<PathBuf>,
    /// `-f`: hash factor (>= 1).
    pub hash_factor: u32,
    /// `-x`: sensor id.
    pub sensor_id: u32,
    /// `-c`: CPU to pin to (1-based; 0 = current).
    pub cpu: Option<u32>,
    /// `-P`: nice value.
    pub priority: i32,
    /// argv joined by spaces (for the headers file).
    pub command_line: String,
    pub core: CoreSettings,
}

/// Signal state shared between the CLI's signal handlers and the engine's packet loop.
/// SIGINT: first hit stops creating flows... (spec §1.10); the engine checks these between
/// packets. Counts only ever increase.
pub static SIGINT_COUNT: AtomicU32 = AtomicU32::new(0);
pub static SIGTERM_COUNT: AtomicU32 = AtomicU32::new(0);
/// SIGUSR1 (a monitoring report now) and SIGUSR2 (periodic reports on/off) counts.
pub static SIGUSR1_COUNT: AtomicU32 = AtomicU32::new(0);
pub static SIGUSR2_COUNT: AtomicU32 = AtomicU32::new(0);

/// True once a signal asked the run to stop reading and flush every open flow.
pub fn stop_requested() -> bool {
    SIGINT_COUNT.load(Ordering::Relaxed) > 0 || SIGTERM_COUNT.load(Ordering::Relaxed) > 0
}

/// T2's AGGREGATIONFLAG: flows that differ only in the selected key fields become one flow.
/// Each selected field is coarsened in the flow key before the lookup (and so in the columns
/// printed from the key): the protocol and VLAN are zeroed, an address is kept to its prefix,
/// a port becomes 1 inside its range and 0 outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aggregation {
    /// The AGGREGATIONFLAG bits ([`Aggregation::L4PROT`] ...).
    pub flags: u8,
    /// Prefix lengths kept of IPv4 and IPv6 source and destination addresses.
    pub src_ip4_prefix: u8,
    pub dst_ip4_prefix: u8,
    pub src_ip6_prefix: u8,
    pub dst_ip6_prefix: u8,
    /// Port ranges (inclusive) that map to 1.
    pub src_ports: (u16, u16),
    pub dst_ports: (u16, u16),
}

impl Aggregation {
    pub const L4PROT: u8 = 0x01;
    pub const DSTPORT: u8 = 0x02;
    pub const SRCPORT: u8 = 0x04;
    pub const DSTIP: u8 = 0x08;
    pub const SRCIP: u8 = 0x10;
    pub const VLANID: u8 = 0x20;
    /// Every bit t2rs implements (T2's 0x80, aggregation by subnet-database range, is not).
    pub const SUPPORTED: u8 = 0x3f;
}

impl Default for Aggregation {
    fn default() -> Self {
        Aggregation {
            flags: 0,
            src_ip4_prefix: 24,
            dst_ip4_prefix: 24,
            src_ip6_prefix: 120,
            dst_ip6_prefix: 120,
            src_ports: (1, 1024),
            dst_ports: (1, 1024),
        }
    }
}
