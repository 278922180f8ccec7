//! The start-up banner and the end report of a run (spec §1.2, §1.9), formatted exactly as the
//! original prints them: human-readable ` (x.xx K)` suffixes, `[p%]` shares, the dashed plugin
//! section and the `~` separated flow section. Lines whose value is zero are left out where the
//! original leaves them out.

use std::fmt::Write as _;
use t2_abi::T2Time;

/// ` (x.xx K|M|G|T|P|E)` for values ≥ 1024, else empty. The unit follows powers of 1024 but
/// the divisor is a power of 1000, as in the original.
pub fn hr_suffix(v: f64) -> String {
    if !(v >= 1024.0) || !v.is_finite() {
        return String::new();
    }
    let idx = ((v.log2() / 10.0).floor() as usize).min(6);
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    format!(" ({:.2} {})", v / 1000f64.powi(idx as i32), UNITS[idx])
}

/// `N (x.xx K)`.
pub fn num(v: u64) -> String {
    format!("{v}{}", hr_suffix(v as f64))
}

/// `x.xx (y.yy K)`.
pub fn fnum(v: f64) -> String {
    format!("{v:.2}{}", hr_suffix(v))
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

/// Days since 1970-01-01 → (year, month 1..12, day 1..31) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `Ddd dd Mmm YYYY HH:MM:SS` of a UTC time in seconds.
pub fn date(sec: i64) -> String {
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = sec.div_euclid(86_400);
    let rem = sec.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {:02} {} {} {:02}:{:02}:{:02}",
        WD[days.rem_euclid(7) as usize],
        d,
        MON[(m - 1) as usize],
        y,
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
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
        if duration > 0.0 {
            let _ = writeln!(out, "<Number of processed flows/s>: {}", fnum(c.flows as f64 / duration));
            let bw = (c.bytes_on_wire as f64 * 8.0 / duration).trunc();
            let _ = writeln!(out, "<Bandwidth>: {}", bandwidth(bw));
            let raw = (c.raw_bytes as f64 * 8.0 / duration).trunc();
            let _ = writeln!(out, "<Raw bandwidth>: {}", bandwidth(raw));
        }
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
    }
}

/// `N b/s (x.xx Mb/s)`.
pub fn bandwidth(bps: f64) -> String {
    let s = hr_suffix(bps);
    if s.is_empty() { format!("{bps:.0} b/s") } else { format!("{bps:.0} b/s{}b/s)", &s[..s.len() - 1]) }
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
