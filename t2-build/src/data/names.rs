//! `proto.txt` and `ethertypes.txt`: protoStats' descriptions of IP protocol numbers and
//! ethertypes.
//!
//! No packaged file holds these names in the long form protoStats prints
//! (`Transmission Control Protocol (TCP)`, `Internet Protocol version 4 (IPv4)`): netbase's
//! `/etc/protocols` and `/etc/ethertypes` give keywords and terse comments. So the tables are
//! t2rs's own lists of registry names ([`PROTOCOLS`]: the IANA Protocol Numbers registry;
//! [`ETHERTYPES`]: the IEEE EtherType registry, vendor protocols carried in SNAP, and the
//! LLC SAP pairs protoStats counts in place of an ethertype for 802.3 frames), completed by
//! every number netbase lists that they lack (its comment without references, else its
//! name). See `docs/databases.md` for how they compare with the original's.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// IP protocol numbers and their names (IANA Protocol Numbers registry).
pub const PROTOCOLS: &[(u8, &str)] = &[
    (0, "IPv6 Hop-by-Hop Option"),
    (1, "Internet Control Message Protocol (ICMP)"),
    (2, "Internet Group Management Protocol (IGMP)"),
    (3, "Gateway-to-Gateway Protocol"),
    (4, "IPv4 encapsulation (IP-in-IP)"),
    (5, "Stream"),
    (6, "Transmission Control Protocol (TCP)"),
    (7, "Core Based Trees"),
    (8, "Exterior Gateway Protocol"),
    (9, "any private interior gateway"),
    (10, "BBN RCC Monitoring"),
    (11, "Network Voice Protocol"),
    (12, "PARC Universal Protocol (Xerox)"),
    (13, "ARGUS"),
    (14, "EMCON"),
    (15, "Cross Net Debugger"),
    (16, "Chaos"),
    (17, "User Datagram Protocol (UDP)"),
    (18, "Multiplexing"),
    (19, "Dynamic Circuit Network-Measurement Subsystems"),
    (20, "Host Monitoring"),
    (21, "Packet Radio Measurement"),
    (22, "XEROX NS IDP"),
    (23, "Trunk-1"),
    (24, "Trunk-2"),
    (25, "Leaf-1"),
    (26, "Leaf-2"),
    (27, "Reliable Data Protocol"),
    (28, "Internet Reliable Transaction"),
    (29, "ISO Transport Protocol Class 4"),
    (30, "Bulk Data Transfer Protocol"),
    (31, "MFE Network Services Protocol"),
    (32, "MERIT Internodal Protocol"),
    (33, "Datagram Congestion Control Protocol"),
    (34, "Third Party Connect Protocol"),
    (35, "Inter-Domain Policy Routing Protocol"),
    (36, "Xpress Transport Protocol"),
    (37, "Datagram Delivery Protocol"),
    (38, "IDPR Control Message Transport Protocol"),
    (39, "TP++ Transport Protocol"),
    (40, "IL Transport Protocol"),
    (41, "IPv6 encapsulation"),
    (42, "Source Demand Routing Protocol"),
    (43, "Routing Header for IPv6"),
    (44, "Fragment Header for IPv6"),
    (45, "Inter-Domain Routing Protocol"),
    (46, "Resource Reservation Protocol"),
    (47, "General Routing Encapsulation"),
    (48, "Mobile Host Routing Protocol"),
    (49, "BNA"),
    (50, "IPSEC: Encapsulated Security Payload (ESP)"),
    (51, "IPSEC: Authentication Header (AH)"),
    (52, "Integrated Net Layer Security TUBA"),
    (53, "IP with Encryption"),
    (54, "NBMA Address Resolution Protocol"),
    (55, "IP Mobility"),
    (
        56,
        "Transport Layer Security Protocol using Kryptonet key management",
    ),
    (57, "SKIP"),
    (58, "Internet Control Message Protocol for IPv6 (ICMPv6)"),
    (59, "No Next Header for IPv6"),
    (60, "Destination Options for IPv6"),
    (61, "any host internal protocol"),
    (62, "CFTP"),
    (63, "any local network"),
    (64, "SATNET and Backroom EXPAK"),
    (65, "Kryptolan"),
    (66, "MIT Remote Virtual Disk Protocol"),
    (67, "Internet Pluribus Packet Core"),
    (68, "any distributed file system"),
    (69, "SATNET Monitoring"),
    (70, "VISA Protocol"),
    (71, "Internet Packet Core Utility"),
    (72, "Computer Protocol Network Executive"),
    (73, "Computer Protocol Heart Beat"),
    (74, "Wang Span Network"),
    (75, "Packet Video Protocol"),
    (76, "Backroom SATNET Monitoring"),
    (77, "SUN ND PROTOCOL-Temporary"),
    (78, "WIDEBAND Monitoring"),
    (79, "WIDEBAND EXPAK"),
    (80, "ISO Internet Protocol"),
    (81, "Versatile Message Transaction Protocol"),
    (82, "Secure Versatile Message Transaction Protocol"),
    (83, "VINES"),
    (84, "Transaction Transport Protocol"),
    (85, "NSFNET-IGP"),
    (86, "Dissimilar Gateway Protocol"),
    (87, "TCF"),
    (88, "Enhanced Interior Gateway Routing Protocol"),
    (89, "Open Shortest Path First Interior Gateway Protocol"),
    (90, "Sprite RPC Protocol"),
    (91, "Locus Address Resolution Protocol"),
    (92, "Multicast Transport Protocol"),
    (93, "AX.25 Frames"),
    (94, "IP-within-IP Encapsulation Protocol"),
    (95, "Mobile Internetworking Control Protocol"),
    (96, "Semaphore Communications Security Protocol"),
    (97, "Ethernet-within-IP Encapsulation"),
    (98, "Encapsulation Header"),
    (99, "private encryption scheme"),
    (100, "GMTP"),
    (101, "Ipsilon Flow Management Protocol"),
    (102, "PNNI over IP"),
    (103, "Protocol Independent Multicast"),
    (104, "ARIS"),
    (105, "SCPS"),
    (106, "QNX"),
    (107, "Active Networks"),
    (108, "IP Payload Compression Protocol"),
    (109, "Sitara Networks Protocol"),
    (110, "Compaq Peer Protocol"),
    (111, "IPX in IP"),
    (112, "Virtual Router Redundancy Protocol"),
    (113, "PGM Reliable Transport Protocol"),
    (114, "any 0-hop protocol"),
    (115, "Layer Two Tunneling Protocol"),
    (116, "D-II Data Exchange (DDX)"),
    (117, "Interactive Agent Transfer Protocol"),
    (118, "Schedule Transfer Protocol"),
    (119, "SpectraLink Radio Protocol"),
    (120, "Universal Transport Interface"),
    (121, "Simple Message Protocol"),
    (122, "Simple Multicast Protocol"),
    (123, "Performance Transparency Protocol"),
    (124, "IS-IS over IPv4"),
    (125, "Flexible Intra-AS Routing Environment"),
    (126, "Combat Radio Transport Protocol"),
    (127, "Combat Radio User Datagram"),
    (128, "SSCOPMCE"),
    (129, "IPLT"),
    (130, "Secure Packet Shield"),
    (131, "Private IP Encapsulation within IP"),
    (132, "Stream Control Transmission Protocol"),
    (133, "Fibre Channel"),
    (134, "RSVP-E2E-IGNORE"),
    (135, "Internet Protocol Mobility Support"),
    (136, "UDP-Lite"),
    (137, "MPLS-in-IP"),
    (138, "MANET Protocols"),
    (139, "Host Identity Protocol"),
    (140, "Shim6 Protocol"),
    (141, "Wrapped Encapsulating Security Payload"),
    (142, "Robust Header Compression"),
    (253, "Experimentation and testing"),
    (254, "Experimentation and testing"),
    (255, "Reserved"),
];

/// Ethertypes (and the LLC SAP pairs protoStats counts as ethertypes) and their names.
pub const ETHERTYPES: &[(u16, &str)] = &[
    (0x0000, "Null LSAP"),
    (0x0101, "Experimental Protocols"),
    (0x010b, "Per-VLAN Spanning Tree Protocol (PvSTP)"),
    (0x0111, "Unidirectional Link Detection (UDLD)"),
    (0x0200, "Xerox PUP"),
    (0x0600, "Xerox NS IDP"),
    (0x0800, "Internet Protocol version 4 (IPv4)"),
    (0x0801, "X.75 Internet"),
    (0x0805, "X.25 Level 3"),
    (0x0806, "Address Resolution Protocol (ARP)"),
    (0x0808, "Frame Relay ARP"),
    (0x0842, "Wake-on-LAN"),
    (0x0900, "Ungermann-Bass net debugger"),
    (0x0a00, "Xerox IEEE802.3 PUP"),
    (0x0a01, "Xerox IEEE802.3 PUP Address Translation"),
    (0x0bad, "Banyan VINES"),
    (0x1000, "Berkeley Trailer negotiation"),
    (0x2000, "Cisco Discovery Protocol (CDP)"),
    (0x2003, "VLAN Trunk Protocol (VTP)"),
    (0x2004, "Dynamic Trunk Protocol (DTP)"),
    (
        0x22f3,
        "Transparent Interconnection of Lots of Links (TRILL)",
    ),
    (0x22f4, "TRILL IS-IS"),
    (0x4242, "PCS Basic Block Protocol (STP/RSTP/MSTP)"),
    (0x6000, "DEC unassigned"),
    (0x6001, "DEC MOP Dump/Load Assistance"),
    (0x6002, "DEC MOP Remote Console"),
    (0x6003, "DECnet Phase IV"),
    (0x6004, "DEC LAT"),
    (0x6005, "DEC Diagnostic Protocol"),
    (0x6006, "DEC Customer Protocol"),
    (0x6007, "DEC LAVC, SCA"),
    (0x6558, "Transparent Ethernet Bridging"),
    (0x6559, "Raw Frame Relay"),
    (0x8035, "Reverse Address Resolution Protocol (RARP)"),
    (0x8038, "DEC LANBridge"),
    (0x805b, "Stanford V Kernel production"),
    (0x8088, "Xyplex"),
    (0x809b, "AppleTalk (EtherTalk)"),
    (0x80d5, "IBM SNA Service over Ethernet"),
    (0x80f3, "AppleTalk Address Resolution Protocol (AARP)"),
    (0x8100, "VLAN-tagged frame (IEEE 802.1Q)"),
    (0x8137, "Novell IPX"),
    (0x8138, "Novell"),
    (0x8191, "NetBEUI"),
    (0x81fd, "Cabletron"),
    (0x8204, "QNX Qnet"),
    (0x86dd, "Internet Protocol version 6 (IPv6)"),
    (0x8808, "Ethernet flow control (MAC Control)"),
    (0x8809, "Slow Protocols (IEEE 802.3)"),
    (0x880b, "Point-to-Point Protocol (PPP)"),
    (0x8819, "CobraNet"),
    (0x8847, "MPLS unicast"),
    (0x8848, "MPLS multicast"),
    (0x8863, "PPP over Ethernet (PPPoE) Discovery Stage"),
    (0x8864, "PPPoE Session Stage"),
    (0x886d, "Intel Advanced Networking Services"),
    (0x886f, "Network Load Balancing"),
    (0x8870, "Jumbo Frames"),
    (0x887b, "HomePlug 1.0 MME"),
    (0x888e, "EAP over LAN (IEEE 802.1X)"),
    (0x8892, "PROFINET"),
    (0x889a, "HyperSCSI (SCSI over Ethernet)"),
    (0x88a2, "ATA over Ethernet"),
    (0x88a4, "EtherCAT Protocol"),
    (0x88a8, "Service VLAN tag (IEEE 802.1ad, QinQ)"),
    (0x88ab, "Ethernet Powerlink"),
    (0x88b5, "Local Experimental Ethertype"),
    (0x88b6, "Local Experimental Ethertype"),
    (0x88b7, "OUI Extended Ethertype"),
    (0x88b8, "GOOSE (IEC 61850)"),
    (0x88ba, "Sampled Values Transmission (IEC 61850)"),
    (0x88c7, "EAPOL Pre-Authentication (IEEE 802.11i)"),
    (
        0x88ca,
        "TIPC, Transparent Inter Process Communication Protocol",
    ),
    (0x88cc, "Link Layer Discovery Protocol (LLDP)"),
    (0x88cd, "SERCOS III"),
    (0x88e1, "HomePlug AV MME"),
    (0x88e3, "Media Redundancy Protocol (IEC 62439-2)"),
    (0x88e5, "MAC security (IEEE 802.1AE)"),
    (0x88f5, "Multiple VLAN Registration Protocol (MVRP)"),
    (0x88f6, "Multiple MAC Registration Protocol (MMRP)"),
    (0x88f7, "Precision Time Protocol (IEEE 1588)"),
    (0x88fb, "Parallel Redundancy Protocol (IEC 62439-3)"),
    (0x8902, "Connectivity Fault Management (CFM) Protocol"),
    (0x8906, "Fibre Channel over Ethernet (FCoE)"),
    (0x8914, "FCoE Initialization Protocol"),
    (0x8915, "RDMA over Converged Ethernet (RoCE)"),
    (0x892f, "High-availability Seamless Redundancy (HSR)"),
    (0x8947, "GeoNetworking (ETSI EN 302 636-4-1)"),
    (0x9000, "Loopback"),
    (0x9100, "VLAN-tagged frame (double tagging)"),
    (0xfefe, "ISO protocol"),
    (0xffff, "Reserved"),
];

/// Drops ` [REFERENCE]` parts (`[RFC5798]`) and surrounding blanks from a netbase comment.
fn strip_references(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// netbase's `/etc/protocols`: `name NUMBER ALIAS... # comment` -> number -> description
/// (the comment without references, else the first alias, else the name).
pub fn parse_protocols(text: &str) -> BTreeMap<u16, String> {
    parse_netbase(text, |n| n.parse::<u8>().ok().map(u16::from), true)
}

/// netbase's `/etc/ethertypes`: `NAME HEX ALIAS... # comment` -> ethertype -> description.
pub fn parse_ethertypes(text: &str) -> BTreeMap<u16, String> {
    parse_netbase(text, |n| u16::from_str_radix(n, 16).ok(), false)
}

/// Both netbase formats: the number is the second field.
fn parse_netbase(
    text: &str,
    number: impl Fn(&str) -> Option<u16>,
    alias_first: bool,
) -> BTreeMap<u16, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let (body, comment) = match line.split_once('#') {
            Some((b, c)) => (b, strip_references(c)),
            None => (line, String::new()),
        };
        let mut f = body.split_whitespace();
        let (Some(name), Some(num)) = (f.next(), f.next()) else {
            continue;
        };
        let Some(n) = number(num) else { continue };
        let desc = if !comment.is_empty() {
            comment
        } else if alias_first {
            f.next().unwrap_or(name).to_string()
        } else {
            name.to_string()
        };
        out.entry(n).or_insert(desc);
    }
    out
}

/// `proto.txt` (without the header): [`PROTOCOLS`] completed from netbase.
pub fn proto_text(netbase: &BTreeMap<u16, String>) -> String {
    let mut all: BTreeMap<u16, String> = netbase.clone();
    for (n, d) in PROTOCOLS {
        all.insert(u16::from(*n), d.to_string());
    }
    let mut s = String::new();
    for (n, d) in all {
        let _ = writeln!(s, "{n}\t{d}");
    }
    s
}

/// `ethertypes.txt` (without the header): [`ETHERTYPES`] completed from netbase.
pub fn ethertypes_text(netbase: &BTreeMap<u16, String>) -> String {
    let mut all: BTreeMap<u16, String> = netbase.clone();
    for (n, d) in ETHERTYPES {
        all.insert(*n, d.to_string());
    }
    let mut s = String::new();
    for (n, d) in all {
        let _ = writeln!(s, "0x{n:04x}\t{d}");
    }
    s
}
