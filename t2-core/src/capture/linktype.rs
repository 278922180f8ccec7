//! Link-layer types: libpcap's names and descriptions (as `pcap_datalink_val_to_name` /
//! `pcap_datalink_val_to_description` of libpcap 1.10.3 return them), the LINKTYPE -> DLT mapping
//! libpcap applies when it reads a file, and the set of link types the dissector handles.

/// `(dlt, name, description)` for every DLT value libpcap 1.10.3 knows (sorted by value).
static TABLE: &[(u32, &str, &str)] = &[
    (0, "NULL", "BSD loopback"),
    (1, "EN10MB", "Ethernet"),
    (6, "IEEE802", "Token ring"),
    (7, "ARCNET", "BSD ARCNET"),
    (8, "SLIP", "SLIP"),
    (9, "PPP", "PPP"),
    (10, "FDDI", "FDDI"),
    (11, "ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM"),
    (12, "RAW", "Raw IP"),
    (15, "SLIP_BSDOS", "BSD/OS SLIP"),
    (16, "PPP_BSDOS", "BSD/OS PPP"),
    (19, "ATM_CLIP", "Linux Classical IP over ATM"),
    (50, "PPP_SERIAL", "PPP over serial"),
    (51, "PPP_ETHER", "PPPoE"),
    (99, "SYMANTEC_FIREWALL", "Symantec Firewall"),
    (104, "C_HDLC", "Cisco HDLC"),
    (105, "IEEE802_11", "802.11"),
    (107, "FRELAY", "Frame Relay"),
    (108, "LOOP", "OpenBSD loopback"),
    (109, "ENC", "OpenBSD encapsulated IP"),
    (113, "LINUX_SLL", "Linux cooked v1"),
    (114, "LTALK", "Localtalk"),
    (117, "PFLOG", "OpenBSD pflog file"),
    (119, "PRISM_HEADER", "802.11 plus Prism header"),
    (122, "IP_OVER_FC", "RFC 2625 IP-over-Fibre Channel"),
    (123, "SUNATM", "Sun raw ATM"),
    (127, "IEEE802_11_RADIO", "802.11 plus radiotap header"),
    (129, "ARCNET_LINUX", "Linux ARCNET"),
    (130, "JUNIPER_MLPPP", "Juniper Multi-Link PPP"),
    (131, "JUNIPER_MLFR", "Juniper Multi-Link Frame Relay"),
    (132, "JUNIPER_ES", "Juniper Encryption Services PIC"),
    (133, "JUNIPER_GGSN", "Juniper GGSN PIC"),
    (134, "JUNIPER_MFR", "Juniper FRF.16 Frame Relay"),
    (135, "JUNIPER_ATM2", "Juniper ATM2 PIC"),
    (136, "JUNIPER_SERVICES", "Juniper Advanced Services PIC"),
    (137, "JUNIPER_ATM1", "Juniper ATM1 PIC"),
    (138, "APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394"),
    (139, "MTP2_WITH_PHDR", "SS7 MTP2 with Pseudo-header"),
    (140, "MTP2", "SS7 MTP2"),
    (141, "MTP3", "SS7 MTP3"),
    (142, "SCCP", "SS7 SCCP"),
    (143, "DOCSIS", "DOCSIS"),
    (144, "LINUX_IRDA", "Linux IrDA"),
    (
        163,
        "IEEE802_11_RADIO_AVS",
        "802.11 plus AVS radio information header",
    ),
    (164, "JUNIPER_MONITOR", "Juniper Passive Monitor PIC"),
    (165, "BACNET_MS_TP", "BACnet MS/TP"),
    (166, "PPP_PPPD", "PPP for pppd, with direction flag"),
    (167, "JUNIPER_PPPOE", "Juniper PPPoE"),
    (168, "JUNIPER_PPPOE_ATM", "Juniper PPPoE/ATM"),
    (169, "GPRS_LLC", "GPRS LLC"),
    (170, "GPF_T", "GPF-T"),
    (171, "GPF_F", "GPF-F"),
    (174, "JUNIPER_PIC_PEER", "Juniper PIC Peer"),
    (175, "ERF_ETH", "Ethernet with Endace ERF header"),
    (176, "ERF_POS", "Packet-over-SONET with Endace ERF header"),
    (177, "LINUX_LAPD", "Linux vISDN LAPD"),
    (178, "JUNIPER_ETHER", "Juniper Ethernet"),
    (179, "JUNIPER_PPP", "Juniper PPP"),
    (180, "JUNIPER_FRELAY", "Juniper Frame Relay"),
    (181, "JUNIPER_CHDLC", "Juniper C-HDLC"),
    (182, "MFR", "FRF.16 Frame Relay"),
    (183, "JUNIPER_VP", "Juniper Voice PIC"),
    (184, "A429", "Arinc 429"),
    (185, "A653_ICM", "Arinc 653 Interpartition Communication"),
    (186, "USB_FREEBSD", "USB with FreeBSD header"),
    (
        187,
        "BLUETOOTH_HCI_H4",
        "Bluetooth HCI UART transport layer",
    ),
    (
        188,
        "IEEE802_16_MAC_CPS",
        "IEEE 802.16 MAC Common Part Sublayer",
    ),
    (189, "USB_LINUX", "USB with Linux header"),
    (190, "CAN20B", "Controller Area Network (CAN) v. 2.0B"),
    (
        191,
        "IEEE802_15_4_LINUX",
        "IEEE 802.15.4 with Linux padding",
    ),
    (192, "PPI", "Per-Packet Information"),
    (
        193,
        "IEEE802_16_MAC_CPS_RADIO",
        "IEEE 802.16 MAC Common Part Sublayer plus radiotap header",
    ),
    (194, "JUNIPER_ISM", "Juniper Integrated Service Module"),
    (195, "IEEE802_15_4", "IEEE 802.15.4 with FCS"),
    (196, "SITA", "SITA pseudo-header"),
    (197, "ERF", "Endace ERF header"),
    (198, "RAIF1", "Ethernet with u10 Networks pseudo-header"),
    (199, "IPMB_KONTRON", "IPMB with Kontron pseudo-header"),
    (200, "JUNIPER_ST", "Juniper Secure Tunnel"),
    (
        201,
        "BLUETOOTH_HCI_H4_WITH_PHDR",
        "Bluetooth HCI UART transport layer plus pseudo-header",
    ),
    (202, "AX25_KISS", "AX.25 with KISS header"),
    (
        209,
        "IPMB_LINUX",
        "IPMB with Linux/Pigeon Point pseudo-header",
    ),
    (
        215,
        "IEEE802_15_4_NONASK_PHY",
        "IEEE 802.15.4 with non-ASK PHY data",
    ),
    (216, "LINUX_EVDEV", "Linux evdev events"),
    (219, "MPLS", "MPLS with label as link-layer header"),
    (220, "USB_LINUX_MMAPPED", "USB with padded Linux header"),
    (221, "DECT", "DECT"),
    (222, "AOS", "AOS Space Data Link protocol"),
    (223, "WIHART", "Wireless HART"),
    (224, "FC_2", "Fibre Channel FC-2"),
    (
        225,
        "FC_2_WITH_FRAME_DELIMS",
        "Fibre Channel FC-2 with frame delimiters",
    ),
    (226, "IPNET", "Solaris ipnet"),
    (227, "CAN_SOCKETCAN", "CAN-bus with SocketCAN headers"),
    (228, "IPV4", "Raw IPv4"),
    (229, "IPV6", "Raw IPv6"),
    (230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"),
    (231, "DBUS", "D-Bus"),
    (232, "JUNIPER_VS", "Juniper Virtual Server"),
    (233, "JUNIPER_SRX_E2E", "Juniper SRX E2E"),
    (234, "JUNIPER_FIBRECHANNEL", "Juniper Fibre Channel"),
    (235, "DVB_CI", "DVB-CI"),
    (236, "MUX27010", "MUX27010"),
    (237, "STANAG_5066_D_PDU", "STANAG 5066 D_PDUs"),
    (238, "JUNIPER_ATM_CEMIC", "Juniper ATM CEMIC"),
    (239, "NFLOG", "Linux netfilter log messages"),
    (
        240,
        "NETANALYZER",
        "Ethernet with Hilscher netANALYZER pseudo-header",
    ),
    (
        241,
        "NETANALYZER_TRANSPARENT",
        "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD",
    ),
    (242, "IPOIB", "RFC 4391 IP-over-Infiniband"),
    (243, "MPEG_2_TS", "MPEG-2 transport stream"),
    (244, "NG40", "ng40 protocol tester Iub/Iur"),
    (245, "NFC_LLCP", "NFC LLCP PDUs with pseudo-header"),
    (246, "PFSYNC", "Packet filter state syncing"),
    (247, "INFINIBAND", "InfiniBand"),
    (248, "SCTP", "SCTP"),
    (249, "USBPCAP", "USB with USBPcap header"),
    (
        250,
        "RTAC_SERIAL",
        "Schweitzer Engineering Laboratories RTAC packets",
    ),
    (251, "BLUETOOTH_LE_LL", "Bluetooth Low Energy air interface"),
    (253, "NETLINK", "Linux netlink"),
    (254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux Monitor"),
    (
        255,
        "BLUETOOTH_BREDR_BB",
        "Bluetooth Basic Rate/Enhanced Data Rate baseband packets",
    ),
    (
        256,
        "BLUETOOTH_LE_LL_WITH_PHDR",
        "Bluetooth Low Energy air interface with pseudo-header",
    ),
    (257, "PROFIBUS_DL", "PROFIBUS data link layer"),
    (258, "PKTAP", "Apple DLT_PKTAP"),
    (259, "EPON", "Ethernet with 802.3 Clause 65 EPON preamble"),
    (260, "IPMI_HPM_2", "IPMI trace packets"),
    (261, "ZWAVE_R1_R2", "Z-Wave RF profile R1 and R2 packets"),
    (262, "ZWAVE_R3", "Z-Wave RF profile R3 packets"),
    (
        263,
        "WATTSTOPPER_DLM",
        "WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol",
    ),
    (264, "ISO_14443", "ISO 14443 messages"),
    (265, "RDS", "IEC 62106 Radio Data System groups"),
    (266, "USB_DARWIN", "USB with Darwin header"),
    (267, "OPENFLOW", "OpenBSD DLT_OPENFLOW"),
    (268, "SDLC", "IBM SDLC frames"),
    (269, "TI_LLN_SNIFFER", "TI LLN sniffer frames"),
    (271, "VSOCK", "Linux vsock"),
    (
        272,
        "NORDIC_BLE",
        "Nordic Semiconductor Bluetooth LE sniffer frames",
    ),
    (
        273,
        "DOCSIS31_XRA31",
        "Excentis XRA-31 DOCSIS 3.1 RF sniffer frames",
    ),
    (274, "ETHERNET_MPACKET", "802.3br mPackets"),
    (
        275,
        "DISPLAYPORT_AUX",
        "DisplayPort AUX channel monitoring data",
    ),
    (276, "LINUX_SLL2", "Linux cooked v2"),
    (278, "OPENVIZSLA", "OpenVizsla USB"),
    (
        279,
        "EBHSCR",
        "Elektrobit High Speed Capture and Replay (EBHSCR)",
    ),
    (280, "VPP_DISPATCH", "VPP graph dispatch tracer"),
    (281, "DSA_TAG_BRCM", "Broadcom tag"),
    (282, "DSA_TAG_BRCM_PREPEND", "Broadcom tag (prepended)"),
    (283, "IEEE802_15_4_TAP", "IEEE 802.15.4 with pseudo-header"),
    (284, "DSA_TAG_DSA", "Marvell DSA"),
    (285, "DSA_TAG_EDSA", "Marvell EDSA"),
    (286, "ELEE", "ELEE lawful intercept packets"),
    (
        287,
        "Z_WAVE_SERIAL",
        "Z-Wave serial frames between host and chip",
    ),
    (
        288,
        "USB_2_0",
        "USB 2.0/1.1/1.0 as transmitted over the cable",
    ),
    (289, "ATSC_ALP", "ATSC Link-Layer Protocol packets"),
];

/// Linux cooked capture v2. Rejected by the original T2 0.9.3; see [`SLL2_SUPPORTED`].
pub const DLT_LINUX_SLL2: u32 = 276;
/// Linux cooked v2 is read and dissected: a documented improvement over T2 0.9.3, which
/// refuses it (see docs/divergences.md).
pub const SLL2_SUPPORTED: bool = true;
/// `LAPD_ACTIVATE` (0 in T2 0.9.3): LAPD and Linux LAPD are only accepted when it is on.
pub const LAPD_ACTIVATE: bool = false;

/// DLT values handled by T2 0.9.3's dissector (packetCapture.c, default build).
const SUPPORTED: &[u32] = &[
    0,   // NULL
    1,   // EN10MB
    9,   // PPP
    12,  // RAW (LINKTYPE_RAW 101 is read as DLT 12)
    14,  // RAW (OpenBSD numbering)
    50,  // PPP_SERIAL
    99,  // SYMANTEC_FIREWALL
    104, // C_HDLC
    105, // IEEE802_11
    107, // FRELAY
    108, // LOOP
    113, // LINUX_SLL
    119, // PRISM_HEADER
    127, // IEEE802_11_RADIO
    137, // JUNIPER_ATM1
    167, // JUNIPER_PPPOE
    178, // JUNIPER_ETHER
    192, // PPI
    204, // PPP_WITH_DIR
    205, // C_HDLC_WITH_DIR
    206, // FRELAY_WITH_DIR
    228, // IPV4
    229, // IPV6
    274, // ETHERNET_MPACKET
];

fn lookup(dlt: u32) -> Option<&'static (u32, &'static str, &'static str)> {
    TABLE
        .binary_search_by_key(&dlt, |e| e.0)
        .ok()
        .map(|i| &TABLE[i])
}

/// libpcap's short name (`EN10MB`), `None` where libpcap returns NULL.
pub fn name(dlt: u32) -> Option<&'static str> {
    lookup(dlt).map(|e| e.1)
}

/// libpcap's description (`Ethernet`), `None` where libpcap returns NULL.
pub fn description(dlt: u32) -> Option<&'static str> {
    lookup(dlt).map(|e| e.2)
}

/// `<description> [<name>/<dlt>]` as T2 prints it after `Link layer type: ` and in the
/// "Unsupported link-layer type" error; unknown values print as `(null) [(null)/149]` (glibc's
/// rendering of a NULL `%s`).
pub fn describe(dlt: u32) -> String {
    let mut descr = description(dlt);
    let mut nm = name(dlt);
    if LAPD_ACTIVATE && dlt == 203 {
        descr = descr.or(Some("LAPD"));
        nm = nm.or(Some("LAPD"));
    }
    format!(
        "{} [{}/{}]",
        descr.unwrap_or("(null)"),
        nm.unwrap_or("(null)"),
        dlt as i32
    )
}

/// Whether the dissector handles this DLT (the original refuses the others with
/// `Unsupported link-layer type: ...`).
pub fn is_supported(dlt: u32) -> bool {
    SUPPORTED.contains(&dlt)
        || (SLL2_SUPPORTED && dlt == DLT_LINUX_SLL2)
        || (LAPD_ACTIVATE && (dlt == 203 || dlt == 177))
}

/// The DLT libpcap reports for a LINKTYPE value found in a file header or IDB
/// (`linktype_to_dlt` on Linux: only these few values differ).
pub fn linktype_to_dlt(linktype: u32) -> u32 {
    match linktype {
        100 => 11, // ATM_RFC1483
        101 => 12, // RAW
        102 => 15, // SLIP_BSDOS
        103 => 16, // PPP_BSDOS
        106 => 19, // ATM_CLIP
        other => other,
    }
}

/// libpcap's `max_snaplen_for_dlt`.
pub fn max_snaplen_for_dlt(dlt: u32) -> u32 {
    match dlt {
        231 => 128 * 1024 * 1024, // DBUS
        279 => 8 * 1024 * 1024,   // EBHSCR
        249 => 1024 * 1024,       // USBPCAP
        _ => 262_144,
    }
}

/// libpcap's `pcap_adjust_snapshot`: 0 or more than `INT_MAX` -> the maximum for the DLT.
pub fn adjust_snapshot(dlt: u32, snaplen: u32) -> u32 {
    if snaplen == 0 || snaplen > i32::MAX as u32 {
        max_snaplen_for_dlt(dlt)
    } else {
        snaplen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_match_the_reference_logs() {
        assert_eq!(describe(1), "Ethernet [EN10MB/1]");
        assert_eq!(describe(113), "Linux cooked v1 [LINUX_SLL/113]");
        assert_eq!(
            describe(127),
            "802.11 plus radiotap header [IEEE802_11_RADIO/127]"
        );
        assert_eq!(describe(228), "Raw IPv4 [IPV4/228]");
        assert_eq!(describe(0), "BSD loopback [NULL/0]");
        assert_eq!(describe(149), "(null) [(null)/149]");
        assert_eq!(describe(8), "SLIP [SLIP/8]");
        assert_eq!(describe(276), "Linux cooked v2 [LINUX_SLL2/276]");
    }

    #[test]
    fn accept_set() {
        for d in [
            0, 1, 9, 12, 50, 104, 105, 107, 113, 127, 137, 178, 192, 228, 229, 276,
        ] {
            assert!(is_supported(d), "{d}");
        }
        for d in [
            8, 10, 11, 19, 123, 129, 132, 149, 160, 164, 182, 195, 226, 230, 231, 239, 242, 258,
            271, 281, 282, 284, 285,
        ] {
            assert!(!is_supported(d), "{d}");
        }
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn table_equals_libpcap() {
        for dlt in 0..=1000u32 {
            let lt = pcap::Linktype(dlt as i32);
            assert_eq!(lt.get_name().ok().as_deref(), name(dlt), "name {dlt}");
            assert_eq!(
                lt.get_description().ok().as_deref(),
                description(dlt),
                "descr {dlt}"
            );
        }
    }
}
