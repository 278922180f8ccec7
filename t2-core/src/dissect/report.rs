//! End-report text owned by dissection: the protocol section ("Headers count", "Number of TCP
//! packets", ...) and the `[WRN]`/`[INF]` lines decoding the aggregated `flowStat`.
//!
//! Contract: pure formatting of counters; the order, omissions and number formats follow the
//! reference logs of T2 0.9.3 (`conformance-basicflow/*.log.txt`).

use super::ProtoCounters;
use crate::log::Logger;
use t2_abi::flow_stat as fs;

/// T2's human-readable suffix: `""` below 1024, else ` (x.xx K|M|G|T|P|E)` where the unit index
/// is floor(log2(v)/10) and the divisor 10^(3·index).
pub fn human(v: f64) -> String {
    if v < 1024.0 {
        return String::new();
    }
    let idx = ((v.log2() / 10.0).floor() as usize).min(6);
    let units = ["", "K", "M", "G", "T", "P", "E"];
    format!(" ({:.2} {})", v / 10f64.powi(3 * idx as i32), units[idx])
}

fn pct(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * n as f64 / total as f64
    }
}

/// `Number of X: N[ (h)] [p%]`.
pub fn count_line(log: &mut Logger, what: &str, n: u64, total: u64) {
    log.plain(&format!(
        "Number of {what}: {n}{} [{:.2}%]",
        human(n as f64),
        pct(n, total)
    ));
}

/// The protocol section of the end report.
pub fn write_protocol_report(
    c: &ProtoCounters,
    log: &mut Logger,
    total_packets: u64,
    total_bytes: u64,
) {
    let avg = if c.hdr_n == 0 {
        0.0
    } else {
        c.hdr_sum as f64 / c.hdr_n as f64
    };
    log.plain(&format!(
        "Headers count: min: {}, max: {}, avg: {:.2}",
        c.hdr_min, c.hdr_max, avg
    ));
    if c.max_vlan > 0 {
        log.plain(&format!("Max VLAN header count: {}", c.max_vlan));
    }
    if c.max_mpls > 0 {
        log.plain(&format!("Max MPLS header count: {}", c.max_mpls));
    }
    let p = total_packets;
    let lines: [(&str, u64); 8] = [
        ("LLC packets", c.llc),
        ("ARP packets", c.arp),
        ("RARP packets", c.rarp),
        ("GRE packets", c.gre),
        ("LAPD packets", c.lapd),
        ("Teredo packets", c.teredo),
        ("AYIYA packets", c.ayiya),
        ("IGMP packets", c.igmp),
    ];
    for (w, n) in lines {
        if n > 0 {
            count_line(log, w, n, p);
        }
    }
    if c.icmp > 0 {
        count_line(log, "ICMP packets", c.icmp, p);
    }
    if c.icmpv6 > 0 {
        count_line(log, "ICMPv6 packets", c.icmpv6, p);
    }
    if c.tcp > 0 {
        count_line(log, "TCP packets", c.tcp, p);
        count_line(log, "TCP bytes", c.tcp_bytes, total_bytes);
    }
    if c.udp > 0 {
        count_line(log, "UDP packets", c.udp, p);
        count_line(log, "UDP bytes", c.udp_bytes, total_bytes);
    }
    if c.sctp > 0 {
        count_line(log, "SCTP packets", c.sctp, p);
        count_line(log, "SCTP bytes", c.sctp_bytes, total_bytes);
    }
    if c.dtls > 0 {
        count_line(log, "DTLS packets", c.dtls, p);
    }
    // Shares of the IPv4 / IPv6 packets. The original's IPv6 count is one per fragment header
    // plus one per packet that is a fragment (so a plain fragment counts twice), reproduced.
    if c.frag4 > 0 {
        count_line(log, "IPv4 fragmented packets", c.frag4, c.ipv4_pkts);
    }
    if c.frag6 > 0 {
        count_line(log, "IPv6 fragmented packets", c.frag6, c.ipv6_pkts);
    }
}

/// `[WRN]` lines (in order) decoding warning bits of the aggregated flow status.
const WARNINGS: &[(u64, &str)] = &[
    (fs::L2SNAPLENGTH, "L2 header snapped"),
    (fs::L3HDRSHRTLEN, "L3 header snapped"),
    (fs::L3SNAPLENGTH, "L3 SnapLength < Length in IP header"),
    (fs::L4HDRSHRTLEN, "L4 header snapped"),
    (fs::HDOVRN, "Header description overrun"),
    (fs::DUPIPID, "Consecutive duplicate IP ID"),
    (fs::LANDATTACK, "Land attack"),
    (
        fs::TIMEJUMP,
        "Timestamp jump, probably due to multi-path packet delay or NTP operation",
    ),
    (fs::IP_PL_MSMTCH, "IPv4/6 payload length > framing length"),
    (fs::L3_IPVX, "IPvX L3 header bogus packets"),
    (fs::IPV4_HL_TOO_SHORT, "IPv4 header length < 20 bytes"),
    (
        fs::IPV4_FRAG_HDSEQ_ERR,
        "IPv4/6 fragmentation header packet missing",
    ),
    (
        fs::IPV4_FRAG_PENDING,
        "IPv4/6 packet fragmentation sequence not finished",
    ),
    (fs::PPP_NRHD, "PPP header not readable or compressed"),
    (fs::PCAPSNPD, "Packet snapped due to IO_BUFFER_MAX_MTU"),
];

/// `[INF]` lines (in order) decoding informational bits.
const INFOS: &[(u64, &str)] = &[
    (
        fs::STPDSCT,
        "Stop dissecting: Clipped packet, unhandled protocol or subsequent fragment",
    ),
    (fs::L2_FLOW, "Layer 2 flows"),
    (fs::FS_IPV4_PKT, "IPv4 flows"),
    (fs::FS_IPV6_PKT, "IPv6 flows"),
    (fs::LAPD_FLOW, "LAPD flows"),
    (fs::L2_LLDP, "LLDP"),
    (fs::L2_ARP, "ARP"),
    (fs::L4_SCTP, "SCTP"),
    (fs::L2_NO_ETH, "No Ethernet header"),
    (fs::L2_RARP, "RARP"),
    (fs::L2_VLAN, "VLAN encapsulation"),
    (fs::FS_VLAN0, "VLAN ID 0 (priority tag)"),
    (fs::IPV4_FRAG, "IPv4/6 fragmentation"),
    (fs::L3_IPIP, "IPv4/6 in IPv4/6"),
    (fs::L2_L2TP, "L2TP encapsulation"),
    (fs::L2_MPLS_UCAST | fs::L2_MPLS_MCAST, "MPLS encapsulation"),
    (fs::L2_PPP, "PPP/HDLC encapsulation"),
    (fs::L2_GRE, "GRE encapsulation"),
    (fs::L2_ERSPAN, "ERSPAN encapsulation"),
    (fs::L2_WCCP, "WCCP encapsulation"),
    (fs::L3_ETHIPF, "Ethernet over IP"),
    (fs::L3_GTP, "GTP tunnel"),
    (fs::L3_TRDO, "Teredo tunnel"),
    (fs::L3_AYIYA, "AYIYA tunnel"),
    (fs::L3_CAPWAP, "CAPWAP/LWAPP tunnel"),
    (fs::L7_DTLS, "DTLS"),
    (fs::L3_VXLAN, "VXLAN encapsulation"),
    (fs::L3_GENEVE, "GENEVE encapsulation"),
    (fs::L3_IPSEC_AH, "IPsec AH"),
    (fs::L3_IPSEC_ESP, "IPsec ESP"),
    (fs::L4_UPNP, "SSDP/UPnP"),
    (fs::L7_SIPRTP, "SIP/RTP"),
    (fs::TORADD, "Tor addresses"),
    (fs::FL_ALARM, "Alarms"),
];

/// The `[WRN]`/`[INF]` lines after `Aggregated flowStat=...`, decoding `global_status` (the OR
/// of all flow statuses) in the original's order.
/// With `sctp_flows` (SCTP_ACTIVATE on) the SCTP line reads "SCTP flows", as the original's.
pub fn write_status_summary(global_status: u64, sctp_flows: bool, log: &mut Logger) {
    for &(bit, text) in WARNINGS {
        if global_status & bit != 0 {
            log.wrn(text);
        }
    }
    for &(bit, text) in INFOS {
        if global_status & bit != 0 {
            log.inf(if bit == fs::L4_SCTP && sctp_flows { "SCTP flows" } else { text });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_suffix() {
        assert_eq!(human(1023.0), "");
        assert_eq!(human(40293.0), " (40.29 K)");
        assert_eq!(human(262144.0), " (262.14 K)");
        assert_eq!(human(1_048_576.0), " (1.05 M)");
        assert_eq!(human(1_040_000.0), " (1040.00 K)");
    }
}
