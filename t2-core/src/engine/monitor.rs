//! Monitoring reports (spec §1.10): on SIGUSR1 (one report), periodically with `-M SEC`
//! (SIGUSR2 switches the periodic reports on and off), to stdout or `PREFIX_monitoring.txt`
//! (`-m`).
//!
//! Contract: [`Monitor::due`] is asked before every packet; it is cheap (two atomic loads and
//! a time comparison). A report is either human-readable (a block headed `USR1 A type report`)
//! or, with MACHINE_REPORT, one tab-separated line under a `%`-header written once, with the
//! plugins' monitoring columns appended (`T2_MON_HEADER` / `T2_MON_VALUES`). With DIFF_REPORT
//! the counters are those since the previous report (record type `USR1MR_D`, else `USR1MR_A`).
//! The interval runs on wall-clock time, or with MONINTTMPCP on the packets' time (so reports
//! of a capture file are reproducible).

use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use t2_abi::T2Time;

use crate::config::{SIGUSR1_COUNT, SIGUSR2_COUNT};

/// The counters a report shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub flows: u64,
    pub a_flows: u64,
    pub b_flows: u64,
    pub live_flows: u64,
    pub packets: u64,
    pub a_packets: u64,
    pub b_packets: u64,
    pub l2_packets: u64,
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub ipvx_packets: u64,
    pub bytes: u64,
    pub a_bytes: u64,
    pub b_bytes: u64,
    pub frag4: u64,
    pub frag6: u64,
    pub alarms: u64,
    pub raw_bytes: u64,
    pub global_status: u64,
}

impl Snapshot {
    fn minus(&self, o: &Snapshot) -> Snapshot {
        Snapshot {
            flows: self.flows.wrapping_sub(o.flows),
            a_flows: self.a_flows.wrapping_sub(o.a_flows),
            b_flows: self.b_flows.wrapping_sub(o.b_flows),
            live_flows: self.live_flows,
            packets: self.packets.wrapping_sub(o.packets),
            a_packets: self.a_packets.wrapping_sub(o.a_packets),
            b_packets: self.b_packets.wrapping_sub(o.b_packets),
            l2_packets: self.l2_packets.wrapping_sub(o.l2_packets),
            ipv4_packets: self.ipv4_packets.wrapping_sub(o.ipv4_packets),
            ipv6_packets: self.ipv6_packets.wrapping_sub(o.ipv6_packets),
            ipvx_packets: self.ipvx_packets.wrapping_sub(o.ipvx_packets),
            bytes: self.bytes.wrapping_sub(o.bytes),
            a_bytes: self.a_bytes.wrapping_sub(o.a_bytes),
            b_bytes: self.b_bytes.wrapping_sub(o.b_bytes),
            frag4: self.frag4.wrapping_sub(o.frag4),
            frag6: self.frag6.wrapping_sub(o.frag6),
            alarms: self.alarms.wrapping_sub(o.alarms),
            raw_bytes: self.raw_bytes.wrapping_sub(o.raw_bytes),
            global_status: self.global_status,
        }
    }
}

/// Settings of the monitoring output.
#[derive(Clone, Copy, Debug)]
pub struct MonitorSettings {
    pub interval: Option<f64>,
    pub machine: bool,
    pub diff: bool,
    pub pcap_time: bool,
    pub sensor_id: u32,
}

/// The monitoring state of a run.
pub struct Monitor {
    /// `-m`: the monitoring file; `None`: reports go with the end report (stdout or log file).
    out: Option<Box<dyn Write + Send>>,
    s: MonitorSettings,
    periodic: bool,
    usr1_seen: u32,
    usr2_seen: u32,
    next_wall: Instant,
    next_pcap: Option<f64>,
    last: Snapshot,
    last_time: Option<f64>,
    header_written: bool,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").field("settings", &self.s).finish()
    }
}

fn secs(t: T2Time) -> f64 {
    t.sec as f64 + t.nsec as f64 / 1e9
}

impl Monitor {
    pub fn new(out: Option<Box<dyn Write + Send>>, s: MonitorSettings) -> Monitor {
        let every = Duration::from_secs_f64(s.interval.unwrap_or(1.0));
        Monitor {
            out,
            s,
            periodic: s.interval.is_some(),
            usr1_seen: SIGUSR1_COUNT.load(Ordering::Relaxed),
            usr2_seen: SIGUSR2_COUNT.load(Ordering::Relaxed),
            next_wall: Instant::now() + every,
            next_pcap: None,
            last: Snapshot::default(),
            last_time: None,
            header_written: false,
        }
    }

    /// Whether a report is due before the packet at `now` (a SIGUSR1 arrived, or the periodic
    /// interval elapsed). Also handles SIGUSR2 (periodic reports on/off).
    pub fn due(&mut self, now: T2Time) -> bool {
        let u2 = SIGUSR2_COUNT.load(Ordering::Relaxed);
        if u2 != self.usr2_seen {
            if (u2 - self.usr2_seen) % 2 == 1 {
                self.periodic = !self.periodic;
                self.next_wall = Instant::now() + self.every();
                self.next_pcap = None;
            }
            self.usr2_seen = u2;
        }
        let u1 = SIGUSR1_COUNT.load(Ordering::Relaxed);
        if u1 != self.usr1_seen {
            self.usr1_seen = u1;
            return true;
        }
        if !self.periodic {
            return false;
        }
        if self.s.pcap_time {
            let t = secs(now);
            match self.next_pcap {
                None => {
                    self.next_pcap = Some(t + self.s.interval.unwrap_or(1.0));
                    false
                }
                Some(n) if t >= n => {
                    let every = self.s.interval.unwrap_or(1.0);
                    // The next deadline after this packet (skipping empty intervals).
                    let k = ((t - n) / every).floor() + 1.0;
                    self.next_pcap = Some(n + k * every);
                    true
                }
                Some(_) => false,
            }
        } else if Instant::now() >= self.next_wall {
            self.next_wall = Instant::now() + self.every();
            true
        } else {
            false
        }
    }

    fn every(&self) -> Duration {
        Duration::from_secs_f64(self.s.interval.unwrap_or(1.0))
    }

    /// One report of `snap` at packet time `now`; `plugin_header` and `plugin_values` are the
    /// plugins' monitoring columns (machine form) or report lines (human form). Written to the
    /// monitoring file, or returned for the caller to write with the log.
    pub fn report(&mut self, now: T2Time, snap: &Snapshot, plugin_header: &str, plugin_values: &str) -> Option<String> {
        let t = secs(now);
        let dur = self.last_time.map_or(0.0, |l| t - l);
        let shown = if self.s.diff { snap.minus(&self.last) } else { *snap };
        let mut o = String::with_capacity(1024);
        if self.s.machine {
            if !self.header_written {
                self.header_written = true;
                o.push_str("%repTyp\tsensorID\ttime\tdur\tnumFlows\tnumAFlows\tnumBFlows\tmemFlows\tnumPkts\tnumAPkts\tnumBPkts\tnumL2Pkts\tnumV4Pkts\tnumV6Pkts\tnumVxPkts\tnumBytes\tnumABytes\tnumBBytes\tnumFrgV4Pkts\tnumFrgV6Pkts\tnumAlarms\trawBandwidth\tglobalWarn");
                o.push_str(plugin_header);
                o.push('\n');
            }
            let bw = if dur > 0.0 { shown.raw_bytes as f64 * 8.0 / dur } else { 0.0 };
            let _ = write!(
                o,
                "{}\t{}\t{}.{:09}\t{:.6}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.0}\t0x{:016x}",
                if self.s.diff { "USR1MR_D" } else { "USR1MR_A" },
                self.s.sensor_id,
                now.sec,
                now.nsec,
                dur,
                shown.flows,
                shown.a_flows,
                shown.b_flows,
                shown.live_flows,
                shown.packets,
                shown.a_packets,
                shown.b_packets,
                shown.l2_packets,
                shown.ipv4_packets,
                shown.ipv6_packets,
                shown.ipvx_packets,
                shown.bytes,
                shown.a_bytes,
                shown.b_bytes,
                shown.frag4,
                shown.frag6,
                shown.alarms,
                bw,
                shown.global_status
            );
            o.push_str(plugin_values);
            o.push('\n');
        } else {
            let _ = writeln!(
                o,
                "USR1 {} type report: PCAP time: {}.{:09} sec, duration since the last report: {:.6} sec",
                if self.s.diff { "D" } else { "A" },
                now.sec,
                now.nsec,
                dur
            );
            let lines: [(&str, u64); 14] = [
                ("Number of processed packets", shown.packets),
                ("Number of processed bytes", shown.bytes),
                ("Number of raw bytes", shown.raw_bytes),
                ("Number of L2 packets", shown.l2_packets),
                ("Number of IPv4 packets", shown.ipv4_packets),
                ("Number of IPv6 packets", shown.ipv6_packets),
                ("Number of IPvX packets", shown.ipvx_packets),
                ("Number of A packets", shown.a_packets),
                ("Number of B packets", shown.b_packets),
                ("Number of processed flows", shown.flows),
                ("Number of processed A flows", shown.a_flows),
                ("Number of processed B flows", shown.b_flows),
                ("Number of flows in memory", shown.live_flows),
                ("Number of alarms", shown.alarms),
            ];
            for (label, v) in lines {
                let _ = writeln!(o, "{label}: {v}");
            }
            let _ = writeln!(o, "Aggregated flowStat=0x{:016x}", shown.global_status);
            o.push_str(plugin_values);
            o.push_str("--------------------------------------------------------------------------------\n");
        }
        self.last = *snap;
        self.last_time = Some(t);
        match self.out.as_mut() {
            Some(f) => {
                let _ = f.write_all(o.as_bytes());
                let _ = f.flush();
                None
            }
            None => Some(o),
        }
    }
}
