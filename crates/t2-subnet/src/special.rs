//! Special-purpose address ranges and the labels the original gives them.
//!
//! The original prints, for an address of a special-purpose range, a two-digit code in the
//! country column and the range's name in the organisation column. The ranges, codes and
//! names below were read off every row of the reference outputs (`../shared/conformance`,
//! flows.txt and packets.txt) and checked against the IANA IPv4/IPv6 Special-Purpose Address
//! Registries and the IPv4/IPv6 Multicast Address Space Registries for the extent of each
//! range (the `special_ranges_match_the_reference` test replays every reference row):
//!
//! - A code names a kind of range, shared by both families: 01 loopback, 02 link-local,
//!   04 private/unique local, 10 multicast, 20 shared address space, 21-23 TEST-NET-1..3 /
//!   27 IPv6 documentation, 24 reserved, 60 the 6to4 relay anycast, 64 Teredo, 65 6to4, and the
//!   historical RFC 3330 blocks 03 (public data networks), 08 (benchmarking), 09 (cable
//!   television), 11 (limited broadcast).
//! - Ranges of one name are numbered in address order: the "Private network" blocks
//!   10.0.0.0/8, 172.16.0.0/12, 192.0.0.0/24 and 192.168.0.0/16 are 04, 05, 06 and 07.
//! - Inside a range, a more specific entry wins: named multicast groups (`EIGRP Routers`,
//!   `mDNS`, ...) and multicast blocks (`GLOP Block`, `Organization-Local Scope`, ...) over
//!   `Multicast`; names are cut to 30 characters as in the original
//!   (`Link-local Multicast Name Reso`).
//! - Not labelled by the original: 0.0.0.0/8, `::`, site-local fec0::/10 (the reference shows
//!   `-` there), so not here either.
//!
//! Inferred, not seen in the reference: 203.0.113.0/24 `23 "TEST-NET-3"` (the next code after
//! TEST-NET-1 and -2). The original knows more named multicast groups than the reference
//! shows; addresses of those read `Multicast` here. The extent of `GLOP Block` is the
//! reference's (233.0.0.0/9: 233.122.134.217 is in it, 233.140.172.6 is not), narrower than
//! RFC 3180's 233.0.0.0/8.

use crate::Range;
use crate::table::Family;

/// One special-purpose range: CIDR prefix, T2's code, T2's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Special {
    pub prefix: &'static str,
    pub code: &'static str,
    pub name: &'static str,
}

const fn s(prefix: &'static str, code: &'static str, name: &'static str) -> Special {
    Special { prefix, code, name }
}

/// IPv4 special-purpose ranges (broad ranges first; more specific entries win).
pub const IPV4: &[Special] = &[
    s("10.0.0.0/8", "04", "Private network"),
    s("14.0.0.0/8", "03", "Public data networks"),
    s("24.0.0.0/8", "09", "Cable television networks"),
    s("100.64.0.0/10", "20", "Shared address space"),
    s("127.0.0.0/8", "01", "Loopback"),
    s("169.254.0.0/16", "02", "Link-local"),
    s("172.16.0.0/12", "05", "Private network"),
    s("192.0.0.0/24", "06", "Private network"),
    s("192.0.2.0/24", "21", "TEST-NET-1"),
    s("192.88.99.0/24", "60", "IPv6 to IPv4 relay"),
    s("192.168.0.0/16", "07", "Private network"),
    s("198.18.0.0/15", "08", "Benchmark testing subnets"),
    s("198.51.100.0/24", "22", "TEST-NET-2"),
    s("203.0.113.0/24", "23", "TEST-NET-3"),
    s("224.0.0.0/4", "10", "Multicast"),
    s("224.0.0.1/32", "10", "All Systems on this Subnet"),
    s("224.0.0.2/32", "10", "All Routers on this Subnet"),
    s("224.0.0.5/32", "10", "OSPF IGP All Routers"),
    s("224.0.0.6/32", "10", "OSPF IGP Designated Routers"),
    s("224.0.0.9/32", "10", "RIP2 Routers"),
    s("224.0.0.10/32", "10", "EIGRP Routers"),
    s("224.0.0.13/32", "10", "All PIM Routers"),
    s("224.0.0.18/32", "10", "VRRP"),
    s("224.0.0.22/32", "10", "IGMP"),
    s("224.0.0.25/32", "10", "router-to-switch"),
    s("224.0.0.102/32", "10", "HSRP"),
    s("224.0.0.251/32", "10", "mDNS"),
    s("224.0.0.252/32", "10", "Link-local Multicast Name Reso"),
    s("224.0.1.24/32", "10", "microsoft-ds"),
    s("224.0.1.40/32", "10", "cisco-rp-discovery"),
    s("224.0.1.60/32", "10", "hp-device-disc"),
    s("224.0.1.129/32", "10", "PTP-primary"),
    s("224.2.127.254/32", "10", "SAPv1 Announcements"),
    s("224.2.128.0/17", "10", "SAP Dynamic Assignments"),
    s("233.0.0.0/9", "10", "GLOP Block"),
    s("234.0.0.0/8", "10", "Unicast-Prefix-based Multicast"),
    s("239.0.0.0/8", "10", "Organization-Local Scope"),
    s("240.0.0.0/4", "24", "Reserved"),
    s("255.255.255.255/32", "11", "Broadcast"),
];

/// IPv6 special-purpose ranges (broad ranges first; more specific entries win).
pub const IPV6: &[Special] = &[
    s("::1/128", "01", "Loopback"),
    s("2001::/32", "64", "Teredo"),
    s("2001:db8::/32", "27", "doc and example source"),
    s("2002::/16", "65", "6to4 (deprecated)"),
    s("fc00::/7", "04", "Unique local"),
    s("fe80::/10", "02", "Link-local"),
    s("ff00::/8", "10", "Multicast"),
    s("ff02::1/128", "10", "All Nodes Address"),
    s("ff02::2/128", "10", "Routers Address"),
    s("ff02::3/128", "10", "Documentation Addresses"),
    s("ff02::4/128", "10", "DVMRP Routers"),
    s("ff02::5/128", "10", "OSPF IGP Link-local"),
    s("ff02::6/128", "10", "OSPF IGP Designated Routers"),
    s("ff02::7/128", "10", "ST Routers"),
    s("ff02::8/128", "10", "ST Hosts"),
    s("ff02::9/128", "10", "RIP Routers"),
    s("ff02::a/128", "10", "EIGRP Routers"),
    s("ff02::b/128", "10", "Mobile-Agents"),
    s("ff02::c/128", "10", "SSDP"),
    s("ff02::d/128", "10", "PIM Routers"),
    s("ff02::11/128", "10", "Homenet Nodes"),
    s("ff02::12/128", "10", "VRRP"),
    s("ff02::16/128", "10", "MLDv2-capable routers"),
    s("ff02::66/128", "10", "Documentation Addresses"),
    s("ff02::fb/128", "10", "mDNSv6"),
    s("ff02::1:2/128", "10", "DHCP_Relay_Agents_and_Servers"),
    s("ff02::1:3/128", "10", "mulicast name resolution"),
    s("ff02::1:6/128", "10", "Babel"),
    s("ff02::1:ff00:0/104", "10", "Solicited node Link-local"),
];

/// The table of `family`.
pub fn table(family: Family) -> &'static [Special] {
    match family {
        Family::V4 => IPV4,
        Family::V6 => IPV6,
    }
}

/// `ADDR/BITS` as an inclusive key range; `None` if malformed or of another family.
pub fn parse_prefix(family: Family, prefix: &str) -> Option<(u128, u128)> {
    let (addr, bits) = prefix.split_once('/')?;
    let bits: u32 = bits.parse().ok()?;
    let (fam, key) = crate::key_of(&addr.parse().ok()?);
    if fam != family || bits > family.bits() {
        return None;
    }
    let host_bits = family.bits() - bits;
    let span = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    (key & span == 0).then_some((key, key | span))
}

/// The ranges of `family` without overlaps: each address labelled by the most specific
/// (smallest) range holding it.
pub fn flattened(family: Family) -> Vec<Range<&'static Special>> {
    let parsed: Vec<(u128, u128, &'static Special)> = table(family)
        .iter()
        .map(|s| {
            let (a, b) = parse_prefix(family, s.prefix)
                .unwrap_or_else(|| panic!("bad special-purpose prefix {}", s.prefix));
            (a, b, s)
        })
        .collect();
    let mut cuts: Vec<u128> = Vec::new();
    for &(a, b, _) in &parsed {
        cuts.push(a);
        if b < family.max_key() {
            cuts.push(b + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Range<&'static Special>> = Vec::new();
    for (i, &at) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(family.max_key(), |n| n - 1);
        let best = parsed
            .iter()
            .filter(|(a, b, _)| *a <= at && at <= *b)
            .min_by_key(|(a, b, _)| b - a);
        if let Some(&(_, _, s)) = best {
            match out.last_mut() {
                Some(last) if std::ptr::eq(last.value, s) && last.end + 1 == at => last.end = end,
                _ => out.push(Range { start: at, end, value: s }),
            }
        }
    }
    out
}
