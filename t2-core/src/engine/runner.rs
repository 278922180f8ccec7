//! The packet loop and end-of-run sequence (see the module doc of `engine`).

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use t2_abi::flow_stat::*;
use t2_abi::*;

use super::flow_table::{FlowKey, FlowTable, FragKey, Lookup};
use super::host::{self, Column, Host, HostState};
use super::report::*;
use crate::capture::Capture;
use crate::config::{Config, stop_requested};
use crate::dissect::{DissectConfig, Dissector};
use crate::log::Logger;
use crate::packet::{Dissected, FlowKind};

/// Product line of the banner and headers file.
pub const PRODUCT: &str = "Tranalyzer 0.9.3 (Anteater), Cobra";

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

impl RunError {
    fn new(message: impl Into<String>) -> RunError {
        RunError { message: message.into() }
    }
}

/// What a finished run reports to the CLI.
#[derive(Debug, Default)]
pub struct RunOutcome {
    pub packets: u64,
    pub flows: u64,
}

/// Strings the init context points at; boxed so their addresses stay fixed for the run.
struct RunStrings {
    prefix: String,
    command_line: String,
    core_desc: String,
    hw_info: String,
    sw_info: String,
    interfaces: String,
    plugin_dir: String,
    names: Vec<(String, String, u16)>,
    infos: Vec<T2PluginInfo>,
    core_config: Vec<(String, String)>,
    core_entries: Vec<T2ConfigEntry>,
}

/// The state of a run between packets.
struct Engine {
    host: Host,
    flows: FlowTable,
    /// The dissector's monitoring counts after the last packet (they run ahead of the engine
    /// in the decoder).
    dissected_counts: super::decode::MonitorCounts,
    counters: CoreCounters,
    record: Vec<u8>,
    eth_activate: u8,
    default_timeout: f32,
    autopilot: bool,
    autopilot_warned: bool,
    /// Size of the input files (for the autopilot's `-f` hint).
    input_bytes: u64,
    hash_factor: u32,
    /// `-s`: the packet file.
    packets: Option<super::packets::PacketWriter>,
    /// Packet mode: a payload that reaches past the captured bytes (rare; reused).
    payload_past_capture: Vec<u8>,
    /// Packet mode: what the capture buffer holds past the current packet's bytes.
    capture_tail: Vec<u8>,
    /// The core settings of the run (modes).
    core: crate::config::CoreSettings,
    /// Monitoring reports (SIGUSR1, -M, -m).
    monitor: super::monitor::Monitor,
}

/// Runs T2 on `config`: loads plugins, processes the input, writes every output file and the
/// end report (to stdout, or `PREFIX_log.txt` with `-l`). Returns when the input is exhausted
/// or a signal asked to stop (every open flow is flushed in both cases).
pub fn run(config: &Config) -> Result<RunOutcome, RunError> {
    let wall_start = Instant::now();
    let start_time = now();
    // The input is validated before any output exists, as in the original: a capture it
    // rejects leaves no files behind.
    let cap = Capture::open(&config.input, config.bpf.as_deref()).map_err(|e| RunError::new(e.to_string()))?;

    let log = open_log(config)?;
    let state = Box::new(HostState::new(log));
    let state_ptr: *const HostState = &*state;

    let whitelist = read_whitelist(config)?;
    let (plugins, refused) = host::load_plugins(&config.plugin_dir, whitelist.as_deref(), state_ptr);
    let mut host = Host { state, plugins, column_types: Vec::new(), alarm_mode: false, alarm_and: false, alarm_total: 0, alarm_flows: 0 };

    let core = &config.core;
    let capacity64 = core.hash_base.saturating_mul(config.hash_factor.max(1) as u64);
    let capacity = capacity64.min(u32::MAX as u64 - 64) as u32;
    let flows = FlowTable::new(capacity, core.flow_timeout);
    host.state.flows.set(flows.flows_ptr());
    host.state.capacity.set(capacity as u64);

    // Banner and plugin list.
    let core_desc = core_config_desc(config);
    {
        let mut log = host.state.log.borrow_mut();
        log.raw(EQUALS);
        let mut l = format!("{PRODUCT}. PID: {}, Prio: {}, SID: {}", std::process::id(), config.priority, config.sensor_id);
        if let Some(c) = config.cpu {
            let _ = write!(l, ", CPU: {c}");
        }
        log.plain(&l);
        log.raw(EQUALS);
        log.plain(&format!("Date: {} sec ({} UTC)", ts(start_time), date(start_time.sec as i64)));
        log.inf(&format!("Creating flows for {core_desc}"));
        if cap.is_pcapng() {
            log.wrn(crate::capture::PCAPNG_WARNING);
        }
        for r in &refused {
            log.err(&r.message);
        }
        if host.plugins.is_empty() {
            drop(log);
            return Err(RunError::new(format!(
                "No plugin loaded from '{}': install plugins with 't2build' (e.g. 't2build basicFlow txtSink') or choose a folder with -p",
                config.plugin_dir.display()
            )));
        }
        if config.extract_list.is_some() && !host.plugins.iter().any(|p| p.name == "pcapd") {
            log.wrn("-e: no pcapd plugin is loaded, no packet is extracted (install it with 't2build pcapd')");
        }
        log.plain("Active plugins:");
        for (i, p) in host.plugins.iter().enumerate() {
            log.plain(&format!("    {:02}: {}, {}", i + 1, p.name, p.version));
        }
    }

    // Core columns, then every plugin's init (declaring theirs), then on_start.
    host.state.declare(Column { name: "dir".into(), desc: "Flow direction".into(), type_: "DIR".into(), bits: vec![], plugin: None });
    host.state.declare(Column { name: "flowInd".into(), desc: "Flow index".into(), type_: "U64".into(), bits: vec![], plugin: None });

    let names: Vec<(String, String, u16)> = host.plugins.iter().map(|p| (p.name.clone(), p.version.clone(), p.number)).collect();
    let core_config = core_config_entries(config);
    let mut strings = Box::new(RunStrings {
        prefix: if config.flows_to_stdout { "-".into() } else { config.output_prefix.to_string_lossy().into_owned() },
        command_line: config.command_line.clone(),
        core_desc,
        hw_info: hw_info(),
        sw_info: pcap_version(),
        interfaces: match &config.input {
            crate::config::Input::Live { iface, .. } => iface.clone(),
            _ => String::new(),
        },
        plugin_dir: config.plugin_dir.to_string_lossy().into_owned(),
        names,
        infos: Vec::new(),
        core_config,
        core_entries: Vec::new(),
    });
    strings.infos = strings.names.iter().map(|(n, v, num)| T2PluginInfo { name: T2Str::new(n), version: T2Str::new(v), number: *num, _pad: [0; 6] }).collect();
    strings.core_entries = strings.core_config.iter().map(|(n, v)| T2ConfigEntry { name: T2Str::new(n), value: T2Str::new(v) }).collect();
    let split = config.split.unwrap_or(crate::config::Split { size: 0, by_flows: false, start: 0 });
    let ctx = Box::new(T2InitContext {
        size: std::mem::size_of::<T2InitContext>() as u32,
        packet_mode: config.packet_mode as u8,
        _pad: [0; 3],
        flow_capacity: capacity as u64,
        flows: flows.flows_ptr(),
        flow_stride: std::mem::size_of::<T2Flow>(),
        output_prefix: T2Str::new(&strings.prefix),
        split_size: split.size,
        split_by_flows: split.by_flows as u8,
        _pad2: [0; 3],
        split_start: split.start,
        core_config: strings.core_entries.as_ptr(),
        core_config_len: strings.core_entries.len(),
        run: T2RunInfo {
            product: T2Str::new(PRODUCT),
            command_line: T2Str::new(&strings.command_line),
            pid: std::process::id(),
            priority: config.priority,
            sensor_id: config.sensor_id,
            _pad: 0,
            start: start_time,
            core_config_desc: T2Str::new(&strings.core_desc),
            hw_info: T2Str::new(&strings.hw_info),
            sw_info: T2Str::new(&strings.sw_info),
            interfaces: T2Str::new(&strings.interfaces),
            plugins: strings.infos.as_ptr(),
            plugins_len: strings.infos.len(),
        },
        plugin_dir: T2Str::new(&strings.plugin_dir),
    });
    host.init_all(&ctx);

    let mut engine = Engine {
        host,
        flows,
        dissected_counts: Default::default(),
        counters: CoreCounters::default(),
        record: Vec::with_capacity(4096),
        eth_activate: core.eth_activate,
        default_timeout: core.flow_timeout,
        autopilot: core.hash_autopilot,
        autopilot_warned: false,
        input_bytes: cap.input_bytes(),
        hash_factor: config.hash_factor.max(1),
        packets: None,
        payload_past_capture: Vec::new(),
        capture_tail: Vec::new(),
        core: core.clone(),
        monitor: super::monitor::Monitor::new(
            open_monitor(config)?,
            super::monitor::MonitorSettings {
                interval: config.monitor_interval,
                machine: core.machine_report,
                diff: core.diff_report,
                pcap_time: core.monint_pcap_time,
                sensor_id: config.sensor_id,
            },
        ),
    };
    engine.host.alarm_mode = core.alarm_mode;
    engine.host.alarm_and = core.alarm_and;
    if config.packet_mode {
        let cols = engine.host.state.packet_columns.borrow().clone();
        let prefix = config.output_prefix.to_string_lossy();
        let payload = super::packets::PayloadColumns {
            pkt_no: core.spktmd_pktno,
            text: core.spktmd_pcntc,
            hex: core.spktmd_pcnth,
            layer: core.spktmd_pcntl,
        };
        match super::packets::PacketWriter::create(&prefix, &cols, payload) {
            Ok(w) => engine.packets = Some(w),
            Err(e) => return Err(RunError::new(format!("Failed to open file '{prefix}_packets.txt' for writing: {e}"))),
        }
    }
    for t in engine.host.state.timeouts.borrow().iter() {
        engine.flows.register_timeout(*t);
    }
    engine.host.state.timeouts.borrow_mut().push(core.flow_timeout);

    // The packet loop: packets come read and dissected (by a thread of their own for files).
    let dissector = Dissector::new(DissectConfig {
        ipv6_activate: core.ipv6_activate,
        eth_activate: core.eth_activate,
        packet_length: core.packet_length,
        ..DissectConfig::default()
    });
    let color = engine.host.state.log.borrow().color();
    let input_bytes = cap.input_bytes();
    let mut stream = super::decode::PacketStream::start(cap, dissector, color, config.packet_mode)
        .map_err(|e| RunError::new(format!("Failed to start the packet decoder thread: {e}")))?;
    let mut capture_error = None;
    let mut progress = Progress::new(input_bytes);
    loop {
        if stop_requested() {
            break;
        }
        progress.tick(&engine.counters, engine.flows.live());
        match stream.next_packet() {
            super::decode::Next::Packet(p) => {
                if !p.read_log.is_empty() {
                    engine.host.state.log.borrow_mut().raw_bytes(p.read_log);
                }
                if config.packet_mode {
                    engine.capture_tail.clear();
                    engine.capture_tail.extend_from_slice(p.past_capture);
                }
                engine.packet(&p.raw, p.dissected, p.dissect_log);
                engine.dissected_counts = p.monitor;
            }
            super::decode::Next::End { result, log } => {
                if !log.is_empty() {
                    engine.host.state.log.borrow_mut().raw_bytes(log);
                }
                capture_error = result.err();
                break;
            }
        }
    }
    progress.finish();
    let processing_done = wall_start.elapsed();

    // Flush every remaining flow, least recently seen first.
    for slot in engine.flows.lru_from_tail() {
        if engine.flows.is_live(slot) {
            engine.terminate_pair(slot);
        }
    }
    let unload_done = wall_start.elapsed();

    if let Some(w) = engine.packets.as_mut()
        && let Err(e) = w.finish()
    {
        let path = w.path().to_string();
        engine.host.state.log.borrow_mut().err(&format!("Failed to write '{path}': {e}"));
    }

    // End report.
    let Some((cap, dissector)) = stream.finish() else {
        engine.host.finalize_all();
        engine.host.state.log.borrow_mut().flush();
        return Err(RunError::new("internal error: the packet decoder thread panicked; the end report is incomplete"));
    };
    let plugin_reports = engine.host.reports();
    engine.write_report(&cap, &dissector, processing_done.as_secs_f64(), unload_done.as_secs_f64(), &plugin_reports);
    engine.host.finalize_all();
    {
        let mut log = engine.host.state.log.borrow_mut();
        log.flush();
    }
    drop(ctx);
    drop(strings);
    if let Some(e) = capture_error {
        return Err(RunError::new(e));
    }
    Ok(RunOutcome { packets: engine.counters.packets, flows: engine.counters.flows })
}

impl Engine {
    /// Processes one packet (spec §1.7), dissected into `d` by the decoder, which logged
    /// `dissect_log` doing so.
    fn packet(&mut self, raw: &crate::packet::RawPacket<'_>, d: &mut Dissected, dissect_log: &[u8]) {
        let now = raw.ts;
        if self.counters.first_ts.is_none() {
            self.counters.first_ts = Some(now);
            self.counters.first_raw = raw.raw_ts;
            let mut log = self.host.state.log.borrow_mut();
            log.plain(&format!("Dump start: {} sec ({} GMT)", raw_ts(raw.raw_ts), date(raw.raw_ts.0)));
        }
        self.counters.last_ts = now;
        self.counters.last_raw = raw.raw_ts;
        if self.monitor.due(now) {
            self.monitor_report(now);
        }
        self.force_terminations();
        self.cycle_timeouts(now);

        let c = &mut self.counters;
        c.packets += 1;
        c.raw_bytes += raw.wirelen as u64;
        c.bytes += raw.data.len() as u64;
        if raw.data.is_empty() {
            let n = c.packets;
            self.host.state.log.borrow_mut().wrn(&format!("No data available for packet {n}"));
            // Plugins still see that the packet exists (no bytes, no flow): their packet
            // totals count it, as the original's counters do.
            d.abi.linktype = raw.linktype;
            d.abi.wirelen = raw.wirelen;
            d.abi.ts = now;
            d.abi.pkt_no = n;
            d.bind(raw.data);
            self.host.on_layer2(&d.abi, T2_FLOW_NONE);
            return;
        }

        if !dissect_log.is_empty() {
            self.host.state.log.borrow_mut().raw_bytes(dissect_log);
        }
        d.abi.linktype = raw.linktype;
        d.abi.caplen = raw.data.len() as u32;
        d.abi.wirelen = raw.wirelen;
        d.abi.ts = now;
        d.abi.pkt_no = self.counters.packets;
        d.bind(raw.data);
        // The `<Bandwidth>` estimate of the original counts packets with an IP header only:
        // from the layer-2 header in front of the innermost IP header (the inner Ethernet
        // header of a VXLAN/Geneve/ERSPAN packet) through that IP packet's declared length;
        // a non-IP frame carried over IP counts as its outer frame. `<Snapped bandwidth>`
        // counts the captured bytes of the same packets.
        let a = &d.abi;
        if d.kind == FlowKind::Ip && a.l3_off != T2_OFF_NONE {
            let l2 = if a.l2_off != T2_OFF_NONE && a.l2_off <= a.l3_off { a.l2_off } else { 0 };
            self.counters.bytes_on_wire += (a.l3_off - l2) as u64 + a.l3_len as u64 + d.bytes_on_wire;
            self.counters.snapped_bytes += raw.data.len() as u64;
        } else if a.outer_l3_off != T2_OFF_NONE {
            self.counters.bytes_on_wire += (raw.wirelen as u64).saturating_sub(a.pad_len as u64);
            self.counters.snapped_bytes += raw.data.len() as u64;
        }

        let with_flow = match d.kind {
            FlowKind::Ip => self.ip_packet(d, now),
            FlowKind::Layer2 if self.eth_activate > 0 => {
                // (Bogus IP packets turned into layer-2 flows count as L2 too.)
                self.counters.l2_packets += 1;
                self.l2_packet(d, now)
            }
            _ => {
                self.host.on_layer2(&d.abi, T2_FLOW_NONE);
                false
            }
        };
        if with_flow {
            // Padding counts for packets that reached a flow (as in the original's report).
            self.counters.pad_bytes += d.abi.pad_len as u64;
        }
        self.counters.global_status |= d.abi.status;
    }

    /// Returns whether the packet was assigned to a flow.
    fn ip_packet(&mut self, d: &mut Dissected, now: T2Time) -> bool {
        let a = &d.abi;
        let mut key = FlowKey {
            src_ip: a.src_ip,
            dst_ip: a.dst_ip,
            eth_type: a.eth_type,
            vlan_id: a.vlan_id,
            src_port: a.src_port,
            dst_port: a.dst_port,
            ip_ver: a.ip_ver,
            l4_proto: a.l4_proto,
            ..FlowKey::default()
        };
        if self.eth_activate == 2 {
            key.src_mac = d.src_mac;
            key.dst_mac = d.dst_mac;
        }
        let later_fragment = d.frag.is_fragment && d.frag.offset != 0;
        if self.core.sctp_activate != 0 && key.l4_proto == 132 && !later_fragment {
            return self.sctp_packet(d, now, key);
        }
        self.ip_flow(d, now, key, true)
    }

    /// SCTP_ACTIVATE: the flows of an SCTP packet. With the stream ID in the key (1, 3), every
    /// chunk is handed to the flow of its stream as if it were a packet of its own (what the
    /// original's output shows: a stream flow counts the chunks it got, a packet with several
    /// chunks counts in several flows, or several times in one): a DATA chunk belongs to its
    /// stream and its L7 payload is the chunk's user data; any other chunk belongs to stream 0
    /// and its L7 payload is the whole SCTP payload. With only the verification tag in the key
    /// (2), the packet is one dispatch. The A/B packet counters and the plugins' packet-level
    /// `on_layer2` see the packet once.
    fn sctp_packet(&mut self, d: &mut Dissected, now: T2Time, mut key: FlowKey) -> bool {
        let a = d.abi;
        // SAFETY: read during this packet's processing only.
        let data = unsafe { d.captured() };
        let l4 = a.l4_off as usize;
        if a.l4_off == T2_OFF_NONE || l4 + 12 > data.len() {
            return self.ip_flow(d, now, key, true);
        }
        let mode = self.core.sctp_activate;
        if mode & 2 != 0 {
            key.sctp_vtag = u32::from_be_bytes([data[l4 + 4], data[l4 + 5], data[l4 + 6], data[l4 + 7]]);
        }
        if mode & 1 == 0 {
            return self.ip_flow(d, now, key, true);
        }
        // Chunks end with the IP packet (as declared) or the capture, whichever comes first.
        let declared_end = if a.l3_off == T2_OFF_NONE { data.len() } else { a.l3_off as usize + a.l3_len as usize };
        let end = declared_end.min(data.len());
        let payload = l4 + 12;
        let (whole_l7, whole_snap) = (declared_end.saturating_sub(payload) as u32, end.saturating_sub(payload) as u32);
        let packet_length = self.core.packet_length;
        let l7_len_of = |len: u32| if packet_length == 3 { len } else { a.len };
        let mut c = payload;
        let mut first = true;
        let mut any = false;
        while c + 4 <= end {
            let ty = data[c];
            let clen = u16::from_be_bytes([data[c + 2], data[c + 3]]) as usize;
            // The stream is read where a DATA chunk has its stream identifier, whatever the
            // chunk type (the original's rule, seen in its output: a SACK whose receiver
            // window is below 64 KiB joins stream 0, a HEARTBEAT the stream its info bytes
            // spell); past the captured bytes it is 0.
            let stream = match data.get(c + 8..c + 10) {
                Some(b) => u16::from_be_bytes([b[0], b[1]]),
                None => 0,
            };
            let (l7_off, l7_len, snap) = if ty == 0 && c + 16 <= end {
                let user = clen.saturating_sub(16) as u32;
                ((c + 16) as u32, user, (end - (c + 16)).min(user as usize) as u32)
            } else {
                (payload as u32, whole_l7, whole_snap)
            };
            key.sctp_stream = stream;
            d.abi.l7_off = l7_off;
            d.abi.l7_len = l7_len;
            d.abi.snap_l7_len = snap;
            d.abi.len = l7_len_of(l7_len);
            any |= self.ip_flow(d, now, key, first);
            first = false;
            if clen < 4 {
                // A chunk shorter than its own header ends the walk (its length cannot advance).
                break;
            }
            c += (clen + 3) & !3;
        }
        if first {
            // No chunk: the packet goes to stream 0 as a whole.
            return self.ip_flow(d, now, key, true);
        }
        any
    }

    /// SCTP_STATFINDEX: a new flow of a stream other than 0 that did not pair with an opposite
    /// flow opens no flowInd of its own when its association already has a stream-0 flow in
    /// the same direction: it takes the last index given (rule read off the original's output:
    /// the streams of an association carry the index its stream-0 flow opened, or a later one
    /// when other flows were created in between; a stream flow without a stream-0 flow opens a
    /// new index).
    fn share_sctp_findex(&mut self, slot: u32, key: FlowKey) {
        let f = self.flows.flow(slot);
        if f.opposite != T2_FLOW_NONE || f.findex != self.flows.last_findex || f.findex <= 1 {
            return;
        }
        if self.flows.lookup(&FlowKey { sctp_stream: 0, ..key }).is_none() {
            return;
        }
        self.flows.last_findex -= 1;
        let last = self.flows.last_findex;
        self.flows.flow_mut(slot).findex = last;
    }

    /// Assigns the packet (or, for SCTP streams, one chunk of it) to the flow of `key` and
    /// hands it to the plugins. `whole_packet` is false for the second and later chunks of an
    /// SCTP packet: the packet-level callbacks and counters have already seen it.
    fn ip_flow(&mut self, d: &mut Dissected, now: T2Time, mut key: FlowKey, whole_packet: bool) -> bool {
        let fk = FragKey {
            src_ip: key.src_ip,
            dst_ip: key.dst_ip,
            eth_type: key.eth_type,
            vlan_id: key.vlan_id,
            ip_ver: key.ip_ver,
            l4_proto: key.l4_proto,
            id: d.frag.id,
        };
        // (Fragments are matched by their real addresses; the flow key is coarsened after.)
        super::aggregate::apply(&self.core.aggregation, &mut key);
        // Fragments, as the original keeps its fragment map (read off its per-packet output):
        // - a first fragment (offset 0, more to come) registers its IP ID for the flow and
        //   marks the flow "sequence pending";
        // - a later IPv4 fragment joins the registered flow; the last one ends the sequence
        //   (clears "pending" there);
        // - later IPv6 fragments are never joined: the last one still ends the registered
        //   sequence, but every later IPv6 fragment goes through the normal lookup (ports 0),
        //   flagged "first fragment missing" and "pending" like any fragment whose first
        //   fragment was not seen.
        let later_fragment = d.frag.is_fragment && d.frag.offset != 0;
        let last_fragment = later_fragment && !d.frag.more;
        let mut lookup = None;
        // IPv6: the registered first fragment's flow, whose sequence ends if this (last)
        // fragment reaches a flow holding the same sequence: one it creates, or one whose last
        // fragment had this ID (what the original's output shows).
        let mut v6_sequence_end = None;
        if later_fragment {
            let registered = self.flows.frag_lookup(&fk, last_fragment);
            if key.ip_ver == 4 {
                if let (Some(s), true) = (registered, last_fragment) {
                    self.flows.flow_mut(s).status &= !IPV4_FRAG_PENDING;
                }
                lookup = registered.map(Lookup::Found);
            } else if last_fragment {
                v6_sequence_end = registered;
            }
            if lookup.is_none() {
                d.abi.status |= IPV4_FRAG_HDSEQ_ERR | IPV4_FRAG_PENDING;
            }
        }
        let base = if key.ip_ver == 6 { L2_IPV6 } else { L2_IPV4 };
        // A later fragment found through the fragment map leaves the flow's LRU position as it
        // was (the original only moves flows found by their key).
        let via_frag_map = lookup.is_some();
        let lookup = match lookup {
            Some(l) => l,
            None => {
                let l = self.lookup_or_create(key, now, base, d.tcp_flags & 0x12 == 0x12);
                self.duration_limit(l, key, now, base, d.tcp_flags & 0x12 == 0x12)
            }
        };
        let slot = match lookup {
            Lookup::Found(s) => {
                if !via_frag_map {
                    self.flows.touch(s);
                }
                s
            }
            Lookup::Created(s) => s,
            Lookup::Full => {
                if whole_packet {
                    self.host.on_layer2(&d.abi, T2_FLOW_NONE);
                }
                return false;
            }
        };
        let pending = self.flows.flow(slot).status & IPV4_FRAG_PENDING != 0;
        // Whether the flow this fragment reached holds the same sequence (created by it, or its
        // last fragment had this ID).
        let mut same_sequence = false;
        if d.frag.is_fragment {
            let previous = self.flows.swap_frag_id(slot, d.frag.id);
            // A fragment of another packet while the flow waits for the rest of one.
            let other_sequence = pending
                && !via_frag_map
                && matches!(lookup, Lookup::Found(_))
                && previous != d.frag.id;
            if other_sequence {
                d.abi.status |= IPV4_FRAG_ERR;
            }
            if d.frag.offset == 0 && d.frag.more {
                if let Some(old) = self.flows.frag_insert(fk, slot) {
                    // The same fragment key in another flow (ports differ): that flow's
                    // sequence is taken over and no longer pending (as the original shows).
                    self.flows.flow_mut(old).status &= !IPV4_FRAG_PENDING;
                }
                // "Pending" is a state of the flow, not of this packet: the report's aggregate
                // (an OR of packet statuses) only shows it for sequences still open at the end.
                self.flows.flow_mut(slot).status |= IPV4_FRAG_PENDING;
            } else if other_sequence {
                // A later fragment does not switch the flow to its sequence.
                self.flows.swap_frag_id(slot, previous);
            }
            same_sequence = matches!(lookup, Lookup::Created(_)) || previous == d.frag.id;
        } else if pending {
            // A whole packet while the flow still waits for fragments.
            d.abi.status |= IPV4_FRAG_ERR;
        }
        // Consecutive duplicate IP ID. The packet that creates a flow does not record its ID
        // (the original compares from the second packet on: a flow of two identical packets
        // is not flagged).
        // Later fragments (offset > 0) share their first fragment's ID and are never compared,
        // however they reached the flow; a first fragment is (a repeated sequence is flagged).
        // (The later chunks of an SCTP packet repeat its ID by nature: not compared.)
        if key.ip_ver == 4
            && whole_packet
            && !later_fragment
            && matches!(lookup, Lookup::Found(_))
            && self.flows.note_ip_id(slot, d.abi.ip_id as u16)
        {
            d.abi.status |= DUPIPID;
            if self.core.multipktsup {
                // MULTIPKTSUP: the same packet seen twice (e.g. from two capture points) is
                // counted but not processed further.
                self.counters.dup_packets += 1;
                return true;
            }
        }
        if let (Some(first), true) = (v6_sequence_end, same_sequence) {
            self.flows.flow_mut(first).status &= !IPV4_FRAG_PENDING;
        }
        if let Lookup::Created(s) = lookup {
            if key.sctp_stream != 0 && self.core.sctp_statfindex {
                self.share_sctp_findex(s, key);
            }
            // A land attack is a property of the flow, but the report's aggregate (an OR of
            // packet statuses) shows it too.
            d.abi.status |= self.flows.flow(s).status & LANDATTACK;
            self.host.on_new_flow(&d.abi, s as u64);
        }
        if whole_packet {
            self.host.on_layer2(&d.abi, T2_FLOW_NONE);
        }
        self.update_flow(slot, d, now);
        if self.packets.is_some() {
            self.host.state.packet_line.borrow_mut().clear();
        }
        self.host.on_layer4(&d.abi, slot as u64);
        self.write_packet_line(slot, d);
        if whole_packet {
            self.count_ab(slot, d);
        }
        true
    }

    /// Packet mode: the line of a packet that reached flow `slot` (after its plugin calls).
    fn write_packet_line(&mut self, slot: u32, d: &Dissected) {
        let Some(w) = self.packets.as_mut() else { return };
        let a = &d.abi;
        // SAFETY: read during this packet's processing only.
        let data = unsafe { d.captured() };
        // The payload columns start at the layer SPKTMD_PCNTL names; the L7 payload ends with
        // the captured IP payload, the other layers with the captured frame.
        let payload = match self.core.spktmd_pcntl {
            4 => {
                // (The original's captured L7 length is a 16-bit field: beyond 65535 bytes it
                // wraps, and so does the payload it prints.)
                let snap_l7 = a.snap_l7_len as u16 as usize;
                if a.l7_off != T2_OFF_NONE && (a.l7_off as usize) < data.len() {
                    let start = a.l7_off as usize;
                    let end = start.saturating_add(snap_l7);
                    if end <= data.len() {
                        &data[start..end]
                    } else {
                        // Counted within the MAC header's frame, a layer-2 frame's L7 length
                        // can reach past the captured bytes (behind radiotap, Juniper, PPP
                        // headers): the original prints what its capture buffer holds there.
                        let past = &self.capture_tail;
                        let buf = &mut self.payload_past_capture;
                        buf.clear();
                        buf.extend_from_slice(&data[start..]);
                        buf.extend((data.len()..end).map(|i| past.get(i - data.len()).copied().unwrap_or(0)));
                        &buf[..]
                    }
                } else if snap_l7 > 0 && a.l3_off != T2_OFF_NONE {
                    // No layer 4 the dissector knows (an IPv6 next header it does not follow):
                    // the original still prints the captured L7 bytes, the end of the IP
                    // packet's captured part.
                    // (The captured part of the IP packet: with a zero IP length, as in
                    // tcpdump/hoobr_rt6_print.pcap, the end of the captured bytes.)
                    let end = (a.l3_off as usize).saturating_add(a.snap_l3_len as usize).min(data.len());
                    &data[end.saturating_sub(snap_l7)..end]
                } else {
                    &[][..]
                }
            }
            layer => {
                let off = match layer {
                    0 => 0,
                    1 => a.l2_off,
                    2 => a.l3_off,
                    _ => a.l4_off,
                };
                if off != T2_OFF_NONE && (off as usize) < data.len() { &data[off as usize..] } else { &[][..] }
            }
        };
        let line = self.host.state.packet_line.borrow();
        w.line(a.pkt_no, self.flows.flow(slot).findex, &line, payload);
    }

    /// Returns whether the packet was assigned to a flow.
    fn l2_packet(&mut self, d: &mut Dissected, now: T2Time) -> bool {
        self.host.on_layer2(&d.abi, T2_FLOW_NONE);
        let key = FlowKey {
            src_mac: d.src_mac,
            dst_mac: d.dst_mac,
            eth_type: d.abi.eth_type,
            vlan_id: d.abi.vlan_id,
            ..FlowKey::default()
        };
        d.abi.status |= L2_FLOW;
        let lookup = self.lookup_or_create(key, now, L2_FLOW, false);
        let slot = match self.duration_limit(lookup, key, now, L2_FLOW, false) {
            Lookup::Found(s) => {
                self.flows.touch(s);
                s
            }
            Lookup::Created(s) => {
                self.host.on_new_flow(&d.abi, s as u64);
                s
            }
            Lookup::Full => return false,
        };
        self.update_flow(slot, d, now);
        if self.packets.is_some() {
            self.host.state.packet_line.borrow_mut().clear();
        }
        self.host.on_layer2(&d.abi, slot as u64);
        self.write_packet_line(slot, d);
        self.count_ab(slot, d);
        true
    }

    /// Status, last-seen time and padding of the flow after a packet.
    fn update_flow(&mut self, slot: u32, d: &mut Dissected, now: T2Time) {
        // (TIMEJUMP is not the core's: with basicFlow alone the original never sets it; the
        // plugin computing inter-arrival times does.)
        let f = self.flows.flow_mut(slot);
        f.status |= d.abi.status;
        f.last_seen = now;
        f.pad_len += d.abi.pad_len as u64;
    }

    fn count_ab(&mut self, slot: u32, d: &Dissected) {
        let inverted = self.flows.flow(slot).status & L3FLOWINVERT != 0;
        let c = &mut self.counters;
        if inverted {
            c.b_packets += 1;
            c.b_bytes += d.abi.caplen as u64;
        } else {
            c.a_packets += 1;
            c.a_bytes += d.abi.caplen as u64;
        }
    }

    /// FDURLIMIT: a flow found for this packet that has lasted the limit is ended (with its
    /// opposite) and the packet starts a new flow, which keeps the old flowInd and gets
    /// FDLSIDX with FDLSFINDEX.
    fn duration_limit(&mut self, lookup: Lookup, key: FlowKey, now: T2Time, base: u64, syn_ack: bool) -> Lookup {
        let limit = self.core.fdurlimit;
        let Lookup::Found(s) = lookup else { return lookup };
        if limit == 0 || super::flow_table::idle(now, self.flows.flow(s).first_seen) < limit as f32 {
            return lookup;
        }
        let findex = self.flows.flow(s).findex;
        let opp = self.flows.flow(s).opposite;
        self.counters.fdur_flows += 1 + (opp != T2_FLOW_NONE && self.flows.is_live(opp as u32)) as u64;
        self.terminate_pair(s);
        let l = self.lookup_or_create(key, now, base, syn_ack);
        if let (Lookup::Created(n), true) = (l, self.core.fdlsfindex) {
            // (A fresh index taken for it is given back.)
            if self.flows.flow(n).findex == self.flows.last_findex && self.flows.flow(n).findex != findex {
                self.flows.last_findex -= 1;
            }
            let f = self.flows.flow_mut(n);
            f.findex = findex;
            f.status |= FDLSIDX;
        }
        l
    }

    fn lookup_or_create(&mut self, key: FlowKey, now: T2Time, base: u64, syn_ack: bool) -> Lookup {
        if let Some(s) = self.flows.lookup(&key) {
            return Lookup::Found(s);
        }
        if !self.flows.has_free_slot() {
            if !self.autopilot {
                return Lookup::Full;
            }
            self.autopilot_evict();
        }
        match self.flows.create(key, now, self.default_timeout, base, syn_ack) {
            Some(s) => {
                match key.ip_ver {
                    4 => self.counters.ipv4_flows += 1,
                    6 => self.counters.ipv6_flows += 1,
                    _ => self.counters.l2_flows += 1,
                }
                Lookup::Created(s)
            }
            None => Lookup::Full,
        }
    }

    /// The table is full: terminate the least recently seen pair (T2's hash autopilot).
    fn autopilot_evict(&mut self) {
        if !self.autopilot_warned {
            self.autopilot_warned = true;
            let mut log = self.host.state.log.borrow_mut();
            log.wrn("Hash Autopilot: main HashMap full: flushing 1 oldest flow(s)");
            // The original's estimate: how many times the input read so far fits in the whole
            // input, between 2 and 16, times the current factor.
            let c = &self.counters;
            let done = 24 + c.bytes + 16 * c.packets;
            let n = if self.input_bytes > 0 { (self.input_bytes / done.max(1)).clamp(2, 16) } else { 2 };
            log.inf(&format!("Hash Autopilot: Fix: Invoke Tranalyzer with '-f {}'", n * self.hash_factor as u64));
        }
        if let Some(old) = self.flows.oldest() {
            self.flows.flow_mut(old).status |= RMFLOW_HFULL;
            let opp = self.flows.flow(old).opposite;
            if opp != T2_FLOW_NONE {
                self.flows.flow_mut(opp as u32).status |= RMFLOW_HFULL;
            }
            self.counters.autopilot_flows += 1 + (opp != T2_FLOW_NONE) as u64;
            self.terminate_pair(old);
        }
    }

    /// One monitoring report of the counters so far.
    fn monitor_report(&mut self, now: T2Time) {
        let c = &self.counters;
        let pk = &self.dissected_counts;
        let snap = super::monitor::Snapshot {
            flows: c.ipv4_flows + c.ipv6_flows + c.l2_flows,
            a_flows: self.flows.a_flows,
            b_flows: self.flows.b_flows,
            live_flows: self.flows.live() as u64,
            packets: c.packets,
            a_packets: c.a_packets,
            b_packets: c.b_packets,
            l2_packets: c.l2_packets,
            ipv4_packets: pk.ipv4_packets,
            ipv6_packets: pk.ipv6_packets,
            ipvx_packets: pk.ipvx_packets,
            bytes: c.bytes,
            a_bytes: c.a_bytes,
            b_bytes: c.b_bytes,
            frag4: pk.frag4,
            frag6: pk.frag6,
            alarms: self.host.alarm_total,
            raw_bytes: c.raw_bytes,
            global_status: c.global_status,
        };
        let (head, values) = if self.core.machine_report {
            (self.host.monitoring(T2_MON_HEADER), self.host.monitoring(T2_MON_VALUES))
        } else {
            (String::new(), self.host.monitoring(T2_MON_REPORT))
        };
        if let Some(text) = self.monitor.report(now, &snap, &head, &values) {
            self.host.state.log.borrow_mut().raw(&text);
        }
    }

    /// Flows plugins asked to terminate (force mode) go first.
    fn force_terminations(&mut self) {
        if self.host.state.terminate_requests.borrow().is_empty() {
            return;
        }
        let reqs: Vec<u64> = std::mem::take(&mut *self.host.state.terminate_requests.borrow_mut());
        // Without FORCE_MODE the requests are ignored (the original has no T2_RM_FLOW then).
        if !self.core.force_mode {
            return;
        }
        for r in reqs {
            let s = r as u32;
            if r < self.flows.capacity() as u64 && self.flows.is_live(s) {
                let opp = self.flows.flow(s).opposite;
                self.flows.flow_mut(s).status |= RMFLOW;
                self.counters.forced_flows += 1 + (opp != T2_FLOW_NONE && self.flows.is_live(opp as u32)) as u64;
                self.terminate_pair(s);
            }
        }
    }

    fn cycle_timeouts(&mut self, now: T2Time) {
        // Split borrows: the walk hands each expired flow to `terminate_pair` logic.
        let Engine { host, flows, counters, record, .. } = self;
        flows.expired(now, |ft, slot| terminate_pair_parts(ft, host, counters, record, slot));
    }

    fn terminate_pair(&mut self, slot: u32) {
        terminate_pair_parts(&mut self.flows, &mut self.host, &mut self.counters, &mut self.record, slot);
    }

    fn write_report(&mut self, cap: &Capture, dissector: &Dissector, processing: f64, unload: f64, plugin_reports: &str) {
        let c = &self.counters;
        let mut out = String::with_capacity(4096);
        let duration = match c.first_ts {
            Some(_) => {
                let (sec, frac, signed) = raw_duration(c.first_raw, c.last_raw);
                let _ = writeln!(out, "Dump stop : {} sec ({} GMT)", raw_ts(c.last_raw), date(c.last_raw.0));
                let words = if frac >= 0 { duration_words(sec as u64) } else { String::new() };
                let _ = writeln!(out, "Total dump duration: {sec}.{frac:09} sec{words}");
                signed
            }
            None => {
                // No packet: the original prints a zero stop time (and a duration against an
                // uninitialised start, which the reference marks as run-dependent).
                let _ = writeln!(out, "Dump stop : 0.000000000 sec ({} GMT)", date(0));
                let _ = writeln!(out, "Total dump duration: 0.000000000 sec");
                0.0
            }
        };
        let _ = writeln!(out, "Finished processing. Elapsed time: {processing:.9} sec");
        let _ = writeln!(out, "Finished unloading flow memory. Time: {unload:.9} sec");
        let pcap_bytes = cap.input_bytes();
        if pcap_bytes > 0 {
            let done = (24 * cap.files_opened() as u64 + c.bytes + 16 * c.packets) as f64 / pcap_bytes as f64 * 100.0;
            let _ = writeln!(out, "Percentage completed: {done:.2}%");
        }
        if c.packets > 0 {
            let _ = writeln!(out, "Number of processed packets: {}", num(c.packets));
            let _ = writeln!(out, "Number of processed bytes: {}", num(c.bytes));
            let _ = writeln!(out, "Number of raw bytes: {}", num(c.raw_bytes));
            if c.pad_bytes > 0 {
                let _ = writeln!(out, "Number of pad bytes: {}", num(c.pad_bytes));
            }
        }
        if pcap_bytes > 0 {
            let _ = writeln!(out, "Number of pcap bytes: {}", num(pcap_bytes));
        }
        let pk = dissector.counters();
        let total = c.packets as f64;
        let kinds = [(c.l2_packets, "L2"), (pk.ipv4_pkts, "IPv4"), (pk.ipv6_pkts, "IPv6"), (pk.ipvx_pkts, "IPvX")];
        for (n, label) in kinds {
            if n > 0 {
                let _ = writeln!(out, "Number of {label} packets: {} {}", num(n), pct(n as f64, total));
            }
        }
        // The original derives this line from its per-kind counters: whatever the four lines
        // above do not cover, and nothing when none of them is printed.
        let covered: u64 = kinds.iter().map(|k| k.0).sum();
        let no_flow = if covered > 0 { c.packets.saturating_sub(covered) } else { 0 };
        if no_flow > 0 {
            let _ = writeln!(out, "Number of packets without flow: {} {}", num(no_flow), pct(no_flow as f64, total));
        }
        let ab = (c.a_packets + c.b_packets) as f64;
        let abb = (c.a_bytes + c.b_bytes) as f64;
        if c.a_packets > 0 {
            let _ = writeln!(out, "Number of A packets: {} {}", num(c.a_packets), pct(c.a_packets as f64, ab));
        }
        if c.b_packets > 0 {
            let _ = writeln!(out, "Number of B packets: {} {}", num(c.b_packets), pct(c.b_packets as f64, ab));
        }
        if c.a_bytes > 0 {
            let _ = writeln!(out, "Number of A bytes: {} {}", num(c.a_bytes), pct(c.a_bytes as f64, abb));
        }
        if c.b_bytes > 0 {
            let _ = writeln!(out, "Number of B bytes: {} {}", num(c.b_bytes), pct(c.b_bytes as f64, abb));
        }
        let load = |b: u64, p: u64| if p > 0 { b as f64 / p as f64 } else { 0.0 };
        let _ = writeln!(out, "<A packet load>: {}", fnum(load(c.a_bytes, c.a_packets)));
        let _ = writeln!(out, "<B packet load>: {}", fnum(load(c.b_bytes, c.b_packets)));
        out.push_str(DASHES);
        out.push_str(plugin_reports);
        out.push_str(DASHES);
        {
            let mut log = self.host.state.log.borrow_mut();
            log.raw(&out);
            out.clear();
            dissector.write_protocol_report(&mut log, c.packets, c.bytes);
        }
        out.push_str(TILDES);
        if c.flows > 0 {
            FlowSection { c, a_flows: self.flows.a_flows, b_flows: self.flows.b_flows, max_live: self.flows.max_live, capacity: self.flows.capacity() }
                .write(&mut out, duration);
        } else {
            write_no_flow_section(&mut out, c, duration);
        }
        let _ = writeln!(out, "Memory usage: {:.2} GB [{:.2}%]", peak_rss_gb(), peak_rss_gb() / total_ram_gb() * 100.0);
        let _ = writeln!(out, "Aggregated flowStat=0x{:016x}", c.global_status);
        if self.core.alarm_mode {
            let alarms = self.host.alarm_totals();
            let _ = writeln!(out, "Number of alarms: {} in {} flows {}", num(alarms.0), num(alarms.1), pct(alarms.1 as f64, c.flows as f64));
        }
        if self.core.force_mode {
            let _ = writeln!(out, "Number of flows terminated by force mode: {} {}", num(c.forced_flows), pct(c.forced_flows as f64, c.flows as f64));
        }
        if c.dup_packets > 0 {
            let _ = writeln!(out, "Number of duplicate IP ID packets dropped (MULTIPKTSUP): {} {}", num(c.dup_packets), pct(c.dup_packets as f64, c.packets as f64));
        }
        let mut log = self.host.state.log.borrow_mut();
        log.raw(&out);
        crate::dissect::write_status_summary(c.global_status, self.core.sctp_activate != 0, &mut log);
    }
}

/// `<sec>.<fraction>` as the original prints a libpcap timestamp (a broken fraction stays
/// negative or oversized).
fn raw_ts(t: (i64, i64)) -> String {
    format!("{}.{:09}", t.0, t.1)
}

/// The dump duration from raw timestamps as the original computes it: seconds as signed 32-bit
/// values, one borrow when the fraction is negative. Returns the printed form (seconds wrapped
/// to 32 bits, fraction) and the signed duration in seconds that the rates divide by (rates are
/// left out when it is not positive).
fn raw_duration(start: (i64, i64), stop: (i64, i64)) -> (u32, i64, f64) {
    let mut sec = (stop.0 as u32 as i32 as i64) - (start.0 as u32 as i32 as i64);
    let mut frac = stop.1 - start.1;
    if frac < 0 {
        frac += 1_000_000_000;
        sec -= 1;
    }
    (sec as u32, frac, sec as f64 + frac as f64 * 1e-9)
}

/// Terminates a flow and its opposite: the non-inverted member is printed first (`dir` A), the
/// other second (`dir` B); a lone flow is always A. Then both leave the table.
fn terminate_pair_parts(ft: &mut FlowTable, host: &mut Host, counters: &mut CoreCounters, record: &mut Vec<u8>, slot: u32) {
    let opp = ft.flow(slot).opposite;
    let opp = (opp != T2_FLOW_NONE && ft.is_live(opp as u32)).then_some(opp as u32);
    let (first, second) = match opp {
        Some(o) if ft.flow(slot).status & L3FLOWINVERT != 0 => (o, Some(slot)),
        Some(o) => (slot, Some(o)),
        None => (slot, None),
    };
    for (dir, s) in [(0u8, Some(first)), (1u8, second)] {
        let Some(s) = s else { continue };
        if ft.has_pending_frags(s) {
            counters.global_status |= IPV4_FRAG_PENDING;
        }
        if second.is_none() && ft.flow(s).status & L3FLOWINVERT != 0 {
            counters.lone_inverted += 1;
        }
        counters.flows += 1;
        record.clear();
        record.push(dir);
        record.extend_from_slice(&ft.flow(s).findex.to_ne_bytes());
        host.terminate(s as u64, record);
    }
    ft.remove(first);
    if let Some(s) = second {
        ft.remove(s);
    }
}

fn open_log(config: &Config) -> Result<Logger, RunError> {
    // `-w -` (flows on stdout) implies `-l`: the report goes to the default prefix's log file.
    let out: Box<dyn std::io::Write + Send> = if config.log_to_file || config.flows_to_stdout {
        let path = format!("{}_log.txt", config.output_prefix.to_string_lossy());
        let f = std::fs::File::create(&path).map_err(|e| RunError::new(format!("Failed to open file '{path}' for writing: {e}")))?;
        Box::new(std::io::BufWriter::with_capacity(64 * 1024, f))
    } else {
        Box::new(std::io::BufWriter::new(std::io::stdout()))
    };
    Ok(Logger::new(out, config.core.log_color))
}

/// The progress line of long runs on a terminal (stderr): share of the input read, packets/s,
/// flows in memory and the estimated time left, refreshed every second. Off when stderr is
/// not a terminal (so scripts and logs never see it).
struct Progress {
    on: bool,
    input: u64,
    start: Instant,
    next: Instant,
    shown: bool,
    checks: u32,
}

impl Progress {
    fn new(input: u64) -> Progress {
        // SAFETY: isatty on a standard descriptor.
        let tty = unsafe { libc::isatty(2) } == 1;
        let now = Instant::now();
        Progress { on: tty, input, start: now, next: now + std::time::Duration::from_secs(2), shown: false, checks: 0 }
    }

    /// Called before every packet; looks at the clock every 4096 packets only.
    #[inline]
    fn tick(&mut self, c: &CoreCounters, live: u32) {
        if !self.on {
            return;
        }
        self.checks = self.checks.wrapping_add(1);
        if self.checks & 4095 != 0 {
            return;
        }
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + std::time::Duration::from_secs(1);
        let el = now.duration_since(self.start).as_secs_f64().max(1e-9);
        let done = (c.bytes + 16 * c.packets + 24) as f64;
        let pct = if self.input > 0 { done / self.input as f64 * 100.0 } else { f64::INFINITY };
        let pps = c.packets as f64 / el;
        if pct > 0.0 && pct < 100.0 {
            let eta = (el * (100.0 - pct) / pct) as u64;
            eprint!(
                "\r{pct:5.1}%  {pps:.0} packets/s  {live} flows in memory  ETA {:02}:{:02}:{:02} ",
                eta / 3600,
                eta / 60 % 60,
                eta % 60
            );
        } else {
            // (Input of unknown size: a pipe, or a list whose later files are not counted.)
            eprint!("\r{} packets  {pps:.0} packets/s  {live} flows in memory ", c.packets);
        }
        self.shown = true;
    }

    fn finish(&mut self) {
        if self.shown {
            eprint!("\r{:78}\r", "");
        }
    }
}

/// Where monitoring reports go: `PREFIX_monitoring.txt` with `-m`, else with the end report.
fn open_monitor(config: &Config) -> Result<Option<Box<dyn std::io::Write + Send>>, RunError> {
    if config.monitor_file {
        let path = format!("{}_monitoring.txt", config.output_prefix.to_string_lossy());
        let f = std::fs::File::create(&path).map_err(|e| RunError::new(format!("Failed to open file '{path}' for writing: {e}")))?;
        Ok(Some(Box::new(std::io::BufWriter::new(f))))
    } else {
        Ok(None)
    }
}

fn read_whitelist(config: &Config) -> Result<Option<Vec<String>>, RunError> {
    let path = match &config.plugin_list {
        Some(p) => p.clone(),
        None => config.plugin_dir.join("plugins.txt"),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(host::parse_plugin_list(&text))),
        Err(_) if config.plugin_list.is_none() => Ok(None),
        Err(e) => Err(RunError::new(format!("Failed to read plugin list '{}': {e}", path.display()))),
    }
}

fn core_config_desc(config: &Config) -> String {
    let c = &config.core;
    let mut parts = Vec::new();
    if c.eth_activate > 0 {
        parts.push("L2");
    }
    if c.ipv6_activate != 1 {
        parts.push("IPv4");
    }
    if c.ipv6_activate >= 1 {
        parts.push("IPv6");
    }
    if c.sctp_activate != 0 {
        parts.push("SCTP");
    }
    let mut d = parts.join(", ");
    if c.alarm_mode {
        d.push_str(" [ALARM]");
    }
    if c.force_mode {
        d.push_str(" [FORCE]");
    }
    d
}

fn core_config_entries(config: &Config) -> Vec<(String, String)> {
    let c = &config.core;
    vec![
        ("IPV6_ACTIVATE".into(), c.ipv6_activate.to_string()),
        ("ETH_ACTIVATE".into(), c.eth_activate.to_string()),
        ("FLOW_TIMEOUT".into(), c.flow_timeout.to_string()),
        ("RELTIME".into(), (c.reltime as u8).to_string()),
        ("PACKETLENGTH".into(), c.packet_length.to_string()),
        ("T2_SENSORID".into(), config.sensor_id.to_string()),
        // `-e FILE` for the pcapd plugin (empty: no extraction).
        ("PCAPD_FINDEX_FILE".into(), config.extract_list.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()),
    ]
}

/// Wall-clock time now.
fn now() -> T2Time {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    T2Time { sec: d.as_secs(), nsec: d.subsec_nanos(), _pad: 0 }
}

/// `nodename;sysname;release;version;machine`.
fn hw_info() -> String {
    // SAFETY: uname fills the zeroed struct; the fields are NUL-terminated C strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return String::new();
        }
        let f = |s: &[libc::c_char]| std::ffi::CStr::from_ptr(s.as_ptr()).to_string_lossy().into_owned();
        format!("{};{};{};{};{}", f(&u.nodename), f(&u.sysname), f(&u.release), f(&u.version), f(&u.machine))
    }
}

unsafe extern "C" {
    fn pcap_lib_version() -> *const libc::c_char;
}

/// libpcap's version string (the headers file's "SW info").
fn pcap_version() -> String {
    // SAFETY: libpcap returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(pcap_lib_version()).to_string_lossy().into_owned() }
}

fn peak_rss_gb() -> f64 {
    // SAFETY: getrusage fills the zeroed struct.
    let kb = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru.ru_maxrss as f64
    };
    kb / 1024.0 / 1024.0
}

fn total_ram_gb() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    (pages as f64 * size as f64 / (1024.0 * 1024.0 * 1024.0)).max(1e-9)
}

#[allow(dead_code)]
fn flush_stdout() {
    let _ = std::io::stdout().flush();
}
