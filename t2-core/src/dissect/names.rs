//! Header-description names T2 prints for ethertypes, LLC SAPs/SNAP protocol ids, IP
//! protocols and PPP protocols (`None` → the dissector prints `UNK(...)`).

/// Name of a (non-IP, non-tunnel) ethertype that ends dissection as a layer-2 protocol.
pub fn ethertype_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0x0806 => "arp",
        0x8035 => "rarp",
        0x80f3 => "aarp",
        0x8137 | 0x8138 => "ipx",
        0x6003 => "dec_dna",
        0x6004 => "dec_lat",
        0x88cc => "lldp",
        0x888e => "eapol",
        0x88f7 => "ptp",
        0x88a2 => "aoe",
        0x8809 => "slow",
        0x886f => "msnlb",
        0x9000 => "loop",
        0x8902 => "cfm",
        0x880b => "ppp",
        0x8863 => "pppoed",
        0x8100 => "vlan",
        0x8899 => "rrcp",
        0x88d9 => "lltd",
        0x893a => "ieee1905",
        0x22f3 => "trill",
        0x8870 => "jumbo",
        0x88ab => "powerlink",
        0x88e3 => "mrp",
        0x8892 => "profinet",
        0x88a4 => "ethercat",
        0x8906 => "fcoe",
        0x8914 => "fip",
        0x88b8 => "goose",
        0x88ba => "sv",
        0x8808 => "ethfc",
        0x88e1 => "homeplug",
        0x8912 => "mediaxtream",
        0x0842 => "wol",
        0x2000 => "cdp",
        0x2001 => "cgmp",
        0x872d => "wlccp",
        // T2 names a zero protocol type (Cisco WLCCP over GRE / in SNAP) `wlccp`.
        0x0000 => "wlccp",
        0x809b => "atalk",
        _ => return None,
    })
}

/// Name for a non-SNAP LLC frame, by DSAP.
pub fn llc_sap_name(dsap: u8) -> Option<&'static str> {
    Some(match dsap {
        0x42 => "stp",
        0xfe => "osi",
        0xe0 => "ipx",
        0xf0 => "netbios",
        0x06 => "ipv4",
        0x98 => "arp",
        0xf4 => "lan_mgmt",
        0x04 | 0x05 => "sna",
        0x7f => "iso8208",
        0xaa => "snap",
        _ => return None,
    })
}

/// Name for a SNAP frame with a Cisco (or other non-zero) OUI, by protocol id.
pub fn snap_pid_name(oui: u32, pid: u16) -> Option<&'static str> {
    match oui {
        0x00000c => Some(match pid {
            0x2000 => "cdp",
            0x2003 => "vtp",
            0x2004 => "dtp",
            0x0111 => "udld",
            0x010b => "stp",
            0x2001 => "cgmp",
            0x0000 => "wlccp",
            _ => return None,
        }),
        0x004096 => Some("wlccp"),
        0x000081 => Some("ndp"),
        0x00e02b => Some("eaps"),
        0x080007 => Some("atalk"),
        0x00000f8 => None,
        _ => None,
    }
}

/// Name of an IP protocol that T2 does not dissect further (`None` → `UNK(%d)`).
pub fn ipproto_name(p: u8) -> Option<&'static str> {
    Some(match p {
        1 => "icmp",
        2 => "igmp",
        3 => "ggp",
        6 => "tcp",
        8 => "egp",
        9 => "igp",
        17 => "udp",
        27 => "rdp",
        33 => "dccp",
        37 => "ddp",
        46 => "rsvp",
        47 => "gre",
        48 => "dsr",
        50 => "esp",
        51 => "ah",
        54 => "nhrp",
        58 => "icmpv6",
        88 => "eigrp",
        89 => "ospf",
        94 => "ipip",
        103 => "pim",
        108 => "ipcomp",
        112 => "vrrp",
        113 => "pgm",
        115 => "l2tp",
        132 => "sctp",
        135 => "mipv6",
        136 => "udplite",
        0 => "ipv6.hopopts",
        43 => "ipv6.routing",
        44 => "ipv6.fraghdr",
        60 => "ipv6.dstopts",
        _ => return None,
    })
}

/// Name of a PPP protocol (`None` → `UNK(0x%04x)`).
pub fn ppp_name(p: u16) -> Option<&'static str> {
    Some(match p {
        0xc021 => "lcp",
        0x8021 => "ipcp",
        0x80fd => "ccp",
        0xc023 => "pap",
        0xc223 => "chap",
        0xc227 => "eap",
        0x8281 => "mplscp",
        0x0031 => "bcp",
        _ => return None,
    })
}
