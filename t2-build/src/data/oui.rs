//! `macRecorder_oui.txt` from the IEEE Registration Authority's public listings as Debian's
//! `ieee-data` ships them (`oui.txt` MA-L 24-bit, `mam.txt` MA-M 28-bit, `oui36.txt` MA-S
//! 36-bit, `iab.txt` IAB 36-bit), plus a small table of group addresses of our own.
//!
//! # The short label (`MR_MACLBL=2`)
//!
//! The original prints a manufacturer as at most 9 characters of its organisation name, then
//! `,` and the country code of the registered address (`CiscoSyst,US`, `Routerboa,LV`,
//! `Private,` when the registry gives no address). [`short_label`] derives it from the
//! registry's name the way the reference outputs show:
//!
//! 1. The name is cut into runs of ASCII letters and digits. `Corporation` becomes `Corp`,
//!    `Technology`/`Technologies` become `Tech` and `CO` becomes `Co`; a run in capitals
//!    with at least three letters is capitalised (`HUAWEI` -> `Huawei`, `IBM` -> `Ibm`,
//!    `3COM` -> `3com`); shorter ones stay (`TP-LINK` -> `TPLink`, `Metrohm AG` ->
//!    `MetrohmAG`). A name written entirely in capitals that ends in a spelled-out legal form
//!    (`CORPORATION`, `LIMITED`, `INCORPORATED`) keeps its capitals (`XEROX CORPORATION` ->
//!    `XEROXCORP`, `FUJITSU LIMITED` -> `FUJITSULI`).
//! 2. Everything but ASCII letters, digits, `&` and `'` is dropped (`Glunz & Jensen` ->
//!    `Glunz&Jen`), and the result is cut to 9 characters.
//!
//! The long label (`MR_MACLBL=3`) is the registry's name as it is.
//!
//! # Group addresses
//!
//! [`GROUP_ADDRESSES`] labels the broadcast address, the IPv4 and IPv6 multicast blocks and
//! the reserved group addresses of IEEE 802.1Q / 802.3, ISO 9542 and Cisco's CDP, with labels
//! whose first 9 characters read as the original's (`IPv4Multi`, `Slow_Prot`, `NearestBr`).

use std::collections::HashSet;
use std::fmt::Write as _;

/// The listings of `ieee-data` and the prefix length of their assignments.
pub const IEEE_FILES: &[(&str, u8)] = &[
    ("oui.txt", 24),
    ("mam.txt", 28),
    ("oui36.txt", 36),
    ("iab.txt", 36),
];

/// One assignment of the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The prefix in upper-case hex, `bits / 4` digits.
    pub prefix: String,
    pub bits: u8,
    /// The organisation name as registered.
    pub name: String,
    /// The country code of the address (two capitals), empty when there is none.
    pub country: String,
}

/// Group addresses: (prefix, bits, compact name whose first 9 characters are the short label,
/// long label).
pub const GROUP_ADDRESSES: &[(&str, u8, &str, &str)] = &[
    ("FF:FF:FF:FF:FF:FF", 48, "Broadcast", "Broadcast"),
    ("01:00:5E", 24, "IPv4Multicast", "IPv4 multicast (RFC 1112)"),
    ("33:33", 16, "IPv6Multicast", "IPv6 multicast (RFC 2464)"),
    (
        "01:00:0C:CC:CC:CC",
        48,
        "CDP",
        "Cisco CDP, VTP, DTP, PAgP and UDLD",
    ),
    (
        "01:80:C2:00:00:00",
        48,
        "NearestCustomerBridge",
        "IEEE 802.1Q Nearest Customer Bridge (Spanning Tree)",
    ),
    (
        "01:80:C2:00:00:01",
        48,
        "MACControl",
        "IEEE 802.3 MAC Control (PAUSE)",
    ),
    (
        "01:80:C2:00:00:02",
        48,
        "Slow_Protocols",
        "IEEE 802.3 Slow Protocols (LACP, Marker, OAM)",
    ),
    (
        "01:80:C2:00:00:03",
        48,
        "NearestNonTPMRBridge",
        "IEEE 802.1Q Nearest non-TPMR Bridge (802.1X)",
    ),
    (
        "01:80:C2:00:00:04",
        48,
        "MACSpecificControl",
        "IEEE 802.1Q MAC-specific control protocols",
    ),
    (
        "01:80:C2:00:00:05",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    (
        "01:80:C2:00:00:06",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    ("01:80:C2:00:00:07", 48, "MEFForumELMI", "MEF Forum E-LMI"),
    (
        "01:80:C2:00:00:08",
        48,
        "ProviderBridge",
        "IEEE 802.1Q Provider Bridge group address",
    ),
    (
        "01:80:C2:00:00:09",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    (
        "01:80:C2:00:00:0A",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    (
        "01:80:C2:00:00:0B",
        48,
        "EDESSPEP",
        "IEEE 802.1AEcg EDE-SS PEP",
    ),
    (
        "01:80:C2:00:00:0C",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    (
        "01:80:C2:00:00:0D",
        48,
        "ProviderBridgeMVRP",
        "IEEE 802.1Q Provider Bridge MVRP",
    ),
    (
        "01:80:C2:00:00:0E",
        48,
        "NearestBridge",
        "IEEE 802.1Q Nearest Bridge (LLDP, PTP)",
    ),
    (
        "01:80:C2:00:00:0F",
        48,
        "Futurestandard",
        "IEEE 802.1Q reserved for future standardization",
    ),
    (
        "01:80:C2:00:00:10",
        48,
        "AllBridges",
        "IEEE 802.1D all LANs bridge management group",
    ),
    (
        "01:80:C2:00:00:14",
        48,
        "Level1IntermediateSystems",
        "ISO 10589 all level 1 intermediate systems (IS-IS)",
    ),
    (
        "01:80:C2:00:00:15",
        48,
        "Level2IntermediateSystems",
        "ISO 10589 all level 2 intermediate systems (IS-IS)",
    ),
    (
        "09:00:2B:00:00:04",
        48,
        "EndSystems",
        "ISO 9542 all end systems (ES-IS)",
    ),
    (
        "09:00:2B:00:00:05",
        48,
        "IntermediateSystems",
        "ISO 9542 all intermediate systems (ES-IS)",
    ),
];

/// Parses one IEEE listing (`oui.txt` format: a `XX-XX-XX   (hex)  NAME` line, a
/// `XXXXXX[-XXXXXX]   (base 16)  NAME` line, the address lines, an empty line). `bits` is
/// the prefix length of the file's assignments (24, 28 or 36): the prefix is the `(hex)` OUI
/// followed by the first digits of the `(base 16)` range.
pub fn parse_ieee_txt(text: &str, bits: u8) -> Vec<Record> {
    let mut out = Vec::new();
    let mut oui: Option<String> = None;
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r')).peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if let Some((hex, _)) = t.split_once("(hex)") {
            let h: String = hex.trim().chars().filter(|c| *c != '-').collect();
            oui = (h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| h.to_ascii_uppercase());
            continue;
        }
        let Some((range, name)) = t.split_once("(base 16)") else {
            continue;
        };
        let low = range
            .trim()
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        // The address: every line up to the empty one that ends the record (address lines
        // may be blank but hold spaces or tabs).
        let mut address: Vec<&str> = Vec::new();
        while let Some(l) = lines.peek() {
            if l.is_empty() || l.contains("(hex)") {
                break;
            }
            address.push(l.trim());
            lines.next();
        }
        let full = if bits == 24 {
            low
        } else {
            match &oui {
                Some(o) => format!("{o}{low}"),
                None => continue,
            }
        };
        let digits = bits as usize / 4;
        if full.len() < digits || !full.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let country = address
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .filter(|l| l.len() == 2 && l.chars().all(|c| c.is_ascii_uppercase()))
            .map(|l| l.to_string())
            .unwrap_or_default();
        out.push(Record {
            prefix: full[..digits].to_string(),
            bits,
            name: name.trim().to_string(),
            country,
        });
    }
    out
}

/// The organisation part of the short label (see the module documentation).
pub fn short_name(name: &str) -> String {
    let trimmed = name.trim_end_matches(['.', ' ', ',']);
    let keep_caps = !name.chars().any(char::is_lowercase)
        && ["CORPORATION", "LIMITED", "INCORPORATED"]
            .iter()
            .any(|w| trimmed.ends_with(w));
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.is_empty() {
            return;
        }
        let lower = run.to_ascii_lowercase();
        let abbr = match lower.as_str() {
            "corporation" => Some("Corp"),
            "technology" | "technologies" => Some("Tech"),
            "co" => Some("Co"),
            _ => None,
        };
        match abbr {
            Some(a) if keep_caps => out.push_str(&a.to_ascii_uppercase()),
            Some(a) => out.push_str(a),
            None => {
                let letters = run.chars().filter(char::is_ascii_alphabetic).count();
                let caps = !run.chars().any(|c| c.is_ascii_lowercase());
                if !keep_caps && caps && letters >= 3 {
                    let mut c = lower.chars();
                    if let Some(f) = c.next() {
                        out.push(f.to_ascii_uppercase());
                        out.extend(c);
                    }
                } else {
                    out.push_str(run);
                }
            }
        }
        run.clear();
    };
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            if c == '&' || c == '\'' {
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut out);
    out.chars().take(9).collect()
}

/// The short label of a registry record: `short_name(name),CC`.
pub fn short_label(name: &str, country: &str) -> String {
    format!("{},{country}", short_name(name))
}

/// `XX:XX:...` of the first `bits` of a hex prefix (whole bytes, zero-padded), with `/bits`
/// when `bits` is not a multiple of 8.
fn prefix_text(hex: &str, bits: u8) -> String {
    let mut h = hex.to_string();
    while h.len() % 2 != 0 {
        h.push('0');
    }
    let bytes: Vec<&str> = (0..h.len() / 2).map(|i| &h[2 * i..2 * i + 2]).collect();
    let mut s = bytes.join(":");
    if bits % 8 != 0 {
        let _ = write!(s, "/{bits}");
    }
    s
}

/// The table text (without the header): the group addresses, then one line per registry
/// assignment (by prefix; of an assignment listed twice, the first).
pub fn table_text(records: &[Record]) -> String {
    let mut s = String::new();
    s.push_str("# group addresses (t2rs)\n");
    for (prefix, bits, compact, long) in GROUP_ADDRESSES {
        let short: String = compact.chars().take(9).collect();
        let p = if *bits % 8 == 0 {
            prefix.to_string()
        } else {
            format!("{prefix}/{bits}")
        };
        let _ = writeln!(s, "{p}\t{short}\t{long}");
    }
    s.push_str("# IEEE assignments: PREFIX[/BITS]\tSHORT,CC\tORGANISATION\n");
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by(|a, b| (a.bits, &a.prefix).cmp(&(b.bits, &b.prefix)));
    let mut seen: HashSet<(u8, &str)> = HashSet::new();
    for r in sorted {
        if !seen.insert((r.bits, r.prefix.as_str())) {
            continue;
        }
        let long: String = r.name.chars().filter(|c| *c != '\t').collect();
        let _ = writeln!(
            s,
            "{}\t{}\t{}",
            prefix_text(&r.prefix, r.bits),
            short_label(&r.name, &r.country),
            if long.is_empty() { "-" } else { &long }
        );
    }
    s
}
