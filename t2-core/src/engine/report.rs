//! The start-up banner and the end report of a run (spec §1.2, §1.9), formatted exactly as the
//! original prints them: human-readable ` (x.xx K)` suffixes, `[p%]` shares, the dashed plugin
//! section and the `~` separated flow section. Lines whose value is zero are left out where the
//! original leaves them out.

use std::fmt::Write as _;
use t2_abi::T2Time;

use crate::fmt::hr_suffix;

/// `N (x.xx K)`.
pub fn num(v: u64) -> String {
    format!("{v}{}", hr_suffix(v))
}

/// `x.xx (y.yy K)`: the value rounded to 2 decimals, the suffix computed from its integer
/// part, as the original does (`2195.0092` prints `2195.01 (2.19 K)`).
pub fn fnum(v: f64) -> String {
    format!("{v:.2}{}", hr_suffix(v as u64))
}

/// `[p.pp%]` of `part` in `total` (0 when total is 0).
pub fn pct(part: f64, total: f64) -> String {
    let p = if total > 0.0 { 100.0 * part / total } else { 0.0 };
    format!("[{p:.2}%]")
}

/// `<sec>.<9-digit ns>`.
pub fn ts(t: T2Time) -> String {
    format!("{}.{:09}", t.sec, t.nsec)
}

/// `Ddd dd Mmm YYYY HH:MM:SS` of a UTC time in seconds.
pub fn date(sec: i64) -> String {
    t2_plugin::fmt::utc_date(sec)
}

/// ` (1d 9h 46m 12s)` for durations of a minute or more (only the units that are not zero),
/// else empty.
pub fn duration_words(sec: u64) -> String {
    if sec < 60 {
        return String::new();
    }
    let (y, r) = (sec / 31_536_000, sec % 31_536_000);
    let (d, r) = (r / 86_400, r % 86_400);
    let (h, r) = (r / 3600, r % 3600);
    let (m, s) = (r / 60, r % 60);
    let parts: Vec<String> =
        [(y, "y"), (d, "d"), (h, "h"), (m, "m"), (s, "s")].iter().filter(|(v, _)| *v > 0).map(|(v, u)| format!("{v}{u}")).collect();
    format!(" ({})", parts.join(" "))
}

/// The original's dump duration: stop − start with the seconds difference wrapped to 32 bits
/// (it keeps it in a 32-bit field, visible when timestamps go backwards).
pub fn dump_duration(start: T2Time, stop: T2Time) -> T2Time {
    let mut sec = stop.sec as i64 - start.sec as i64;
    let mut nsec = stop.nsec as i64 - start.nsec as i64;
    if nsec < 0 {
        nsec += 1_000_000_000;
        sec -= 1;
    }
    T2Time { sec: sec as u32 as u64, nsec: nsec as u32, _pad: 0 }
}

/// The counters of a run that the core itself keeps.
#[derive(Clone, Debug, Default)]
pub struct CoreCounters {
    pub packets: u64,
    pub bytes: u64,
    pub raw_bytes: u64,
    pub pad_bytes: u64,
    pub bytes_on_wire: u64,
    /// Captured bytes of IP packets (`<Snapped bandwidth>`).
    pub snapped_bytes: u64,
    pub l2_packets: u64,
    pub a_packets: u64,
    pub b_packets: u64,
    pub a_bytes: u64,
    pub b_bytes: u64,
    pub flows: u64,
    pub l2_flows: u64,
    pub ipv4_flows: u64,
    pub ipv6_flows: u64,
    /// Lone flows printed with L3FLOWINVERT set (reply flows without a request).
    pub lone_inverted: u64,
    pub autopilot_flows: u64,
    /// Flows ended early at a plugin's request (FORCE_MODE).
    pub forced_flows: u64,
    /// Alarms reported by plugins, and flows with at least one (ALARM_MODE).
    pub alarms: u64,
    pub alarm_flows: u64,
    /// Flows ended by FDURLIMIT.
    pub fdur_flows: u64,
    /// IPv4 packets dropped as consecutive duplicates (MULTIPKTSUP).
    pub dup_packets: u64,
    pub first_ts: Option<T2Time>,
    pub last_ts: T2Time,
    /// libpcap's raw (sec, fraction) of the first and last packet.
    pub first_raw: (i64, i64),
    pub last_raw: (i64, i64),
    pub global_status: u64,
}

/// The flow section of the end report and the lines after it up to the aggregated flowStat.
pub struct FlowSection<'a> {
    pub c: &'a CoreCounters,
    pub a_flows: u64,
    pub b_flows: u64,
    pub max_live: u32,
    pub capacity: u32,
}

impl FlowSection<'_> {
    pub fn write(&self, out: &mut String, duration: f64) {
        let c = self.c;
        let total = c.flows as f64;
        let _ = writeln!(out, "Number of processed      flows: {}", num(c.flows));
        for (n, label) in [(c.l2_flows, "L2  "), (c.ipv4_flows, "IPv4"), (c.ipv6_flows, "IPv6")] {
            if n > 0 {
                let _ = writeln!(out, "Number of processed {label} flows: {} {}", num(n), pct(n as f64, total));
            }
        }
        let (a, b) = (self.a_flows, self.b_flows);
        let _ = writeln!(out, "Number of processed A    flows: {} {}", num(a), pct(a as f64, total));
        if b > 0 {
            let _ = writeln!(out, "Number of processed B    flows: {} {}", num(b), pct(b as f64, total));
        }
        let req = a.saturating_sub(c.lone_inverted);
        let rep = b + c.lone_inverted;
        if req > 0 {
            let _ = writeln!(out, "Number of request        flows: {} {}", num(req), pct(req as f64, total));
        }
        if rep > 0 {
            let _ = writeln!(out, "Number of reply          flows: {} {}", num(rep), pct(rep as f64, total));
        }
        let asym = |x: f64, y: f64| if x + y > 0.0 { (x - y) / (x + y) } else { 0.0 };
        let _ = writeln!(out, "Total   A/B    flow asymmetry: {:.2}", asym(a as f64, b as f64));
        let _ = writeln!(out, "Total req/rply flow asymmetry: {:.2}", asym(req as f64, rep as f64));
        let ab_pkts = (c.a_packets + c.b_packets) as f64;
        let ratio = |p: f64, f: f64| if f > 0.0 { p / f } else { 0.0 };
        let _ = writeln!(out, "Number of processed A+B packets/A+B flows: {}", fnum(ratio(ab_pkts, (a + b) as f64)));
        let _ = writeln!(out, "Number of processed A   packets/A   flows: {}", fnum(ratio(c.a_packets as f64, a as f64)));
        if b > 0 {
            let _ = writeln!(out, "Number of processed   B packets/  B flows: {}", fnum(ratio(c.b_packets as f64, b as f64)));
        }
        if duration > 0.0 {
            let _ = writeln!(out, "Number of processed total packets/s: {}", fnum(c.packets as f64 / duration));
            let _ = writeln!(out, "Number of processed A+B   packets/s: {}", fnum(ab_pkts / duration));
            if c.a_packets > 0 {
                let _ = writeln!(out, "Number of processed A     packets/s: {}", fnum(c.a_packets as f64 / duration));
            }
            if c.b_packets > 0 {
                let _ = writeln!(out, "Number of processed   B   packets/s: {}", fnum(c.b_packets as f64 / duration));
            }
        }
        out.push_str(TILDES);
        write_rates(out, c, duration);
        let _ = writeln!(
            out,
            "Max number of flows in memory: {} {}",
            num(self.max_live as u64),
            pct(self.max_live as f64, self.capacity as f64)
        );
        if c.autopilot_flows > 0 {
            let _ = writeln!(
                out,
                "Number of flows terminated by autopilot: {} {}",
                num(c.autopilot_flows),
                pct(c.autopilot_flows as f64, total)
            );
        }
        if c.fdur_flows > 0 {
            let _ = writeln!(out, "Number of flows terminated by FDURLIMIT: {} {}", num(c.fdur_flows), pct(c.fdur_flows as f64, total));
        }
    }
}

/// The flows/s and bandwidth lines (only for a dump that lasted).
fn write_rates(out: &mut String, c: &CoreCounters, duration: f64) {
    if duration > 0.0 {
        let _ = writeln!(out, "<Number of processed flows/s>: {}", fnum(c.flows as f64 / duration));
        let bw = c.bytes_on_wire as f64 * 8.0 / duration;
        let _ = writeln!(out, "<Bandwidth>: {}", bandwidth(bw));
        if c.global_status & t2_abi::flow_stat::L3SNAPLENGTH != 0 {
            let snapped = c.snapped_bytes as f64 * 8.0 / duration;
            let _ = writeln!(out, "<Snapped bandwidth>: {}", bandwidth(snapped));
        }
        let raw = c.raw_bytes as f64 * 8.0 / duration;
        let _ = writeln!(out, "<Raw bandwidth>: {}", bandwidth(raw));
    }
}

/// The flow section of a run without flows: only the packet rate and the rates below the
/// second rule, when the dump lasted (three 802.11 captures of the corpus show it).
pub fn write_no_flow_section(out: &mut String, c: &CoreCounters, duration: f64) {
    if duration > 0.0 {
        let _ = writeln!(out, "Number of processed total packets/s: {}", fnum(c.packets as f64 / duration));
    }
    out.push_str(TILDES);
    write_rates(out, c, duration);
}

/// `N b/s (x.xx Mb/s)`: the rate rounded, the suffix from its integer part.
pub fn bandwidth(bps: f64) -> String {
    let s = hr_suffix(bps as u64);
    match s.strip_suffix(')') {
        Some(head) => format!("{bps:.0} b/s{head}b/s)"),
        None => format!("{bps:.0} b/s"),
    }
}

pub const DASHES: &str = "--------------------------------------------------------------------------------\n";
pub const TILDES: &str = "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n";
pub const EQUALS: &str = "================================================================================\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_as_the_reference_prints_them() {
        assert_eq!(num(1723), "1723 (1.72 K)");
        assert_eq!(num(2527774), "2527774 (2.53 M)");
        assert_eq!(num(1023), "1023");
        assert_eq!(fnum(2409.69), "2409.69 (2.41 K)");
        assert_eq!(bandwidth(1065805.0), "1065805 b/s (1.07 Mb/s)");
        assert_eq!(bandwidth(0.0), "0 b/s");
        assert_eq!(bandwidth(834645.669), "834646 b/s (834.64 Kb/s)");
        assert_eq!(bandwidth(3500799999.9999995), "3500800000 b/s (3.50 Gb/s)");
        assert_eq!(fnum(19.0 / 0.008656), "2195.01 (2.19 K)");
        assert_eq!(fnum(1155.27), "1155.27 (1.16 K)");
    }

    #[test]
    fn dates_and_durations() {
        assert_eq!(date(1537044271), "Sat 15 Sep 2018 20:44:31");
        assert_eq!(date(4294934285), "Sat 06 Feb 2106 21:18:05");
        assert_eq!(duration_words(121572), " (1d 9h 46m 12s)");
        assert_eq!(duration_words(184280863), " (5y 307d 21h 7m 43s)");
        assert_eq!(duration_words(8), "");
        assert_eq!(duration_words(60), " (1m)");
        assert_eq!(duration_words(1_901_908), " (22d 18m 28s)");
        let d = dump_duration(T2Time { sec: 4294934285, nsec: 999999000, _pad: 0 }, T2Time { sec: 1545335295, nsec: 999999000, _pad: 0 });
        assert_eq!(ts(d), "1545368306.000000000");
    }
}
