//! The status and flag bits of tcpFlags' columns (spec §4.3) and their bit tables (what
//! `tawk -V` prints).

use t2_plugin::abi::T2BitDesc;
use t2_plugin::column::bit;

// ----------------------------------------------------------------------------- tcpFStat

/// The first packet was processed: inter-distance and IP ID checks from the next one on.
pub const IP_INTDIS_OK: u16 = 0x0001;
/// A TCP timestamp option was seen.
pub const TCP_OPT_INIT: u16 = 0x0002;
/// The TCP timestamp (TSval) decreased.
pub const TCP_OPT_TM_DEC: u16 = 0x0004;
/// The TCP option field is corrupt or was not captured.
pub const TCP_L4OPTCORRPT: u16 = 0x0008;
/// The window statistics are initialised.
pub const TCP_WIN_INIT: u16 = 0x0010;
/// Window update.
pub const TCP_WIN_UPD: u16 = 0x0020;
/// Zero-window probe.
pub const TCP_WIN_0PRB: u16 = 0x0040;
/// Acknowledgement of a zero-window probe.
pub const TCP_WIN_0PRBACK: u16 = 0x0080;
/// A window below WINMIN was seen.
pub const TCP_ZWIN: u16 = 0x0100;
/// Window scaling is in use.
pub const TCP_WS_USED: u16 = 0x0200;
/// The receiver's window is full.
pub const TCP_WIN_FLL: u16 = 0x0400;
/// Window state machine: last move was up.
pub const TCP_WIN_UP: u16 = 0x0800;
/// Layer-4 checksum pending (fragmented packet).
pub const L4CHKSUMC: u16 = 0x1000;
/// UDP-Lite checksum coverage error.
pub const L4_CHKCOVERR: u16 = 0x2000;
/// A SACK option was seen.
pub const TCP_SACK: u16 = 0x4000;
/// An MPTCP option was seen.
pub const TCP_MPTCP: u16 = 0x8000;
/// The bits that persist from packet to packet.
pub const TCPFSFLW: u16 =
    IP_INTDIS_OK | TCP_OPT_INIT | TCP_WIN_INIT | TCP_WIN_UP | TCP_MPTCP | TCP_WS_USED;

pub const TCP_FSTAT_BITS: &[T2BitDesc] = &[
    bit(
        0x0001,
        "IP_INTDIS_OK",
        "Packet inter-distance and IP ID checks active (after the first packet)",
    ),
    bit(0x0002, "TCP_OPT_INIT", "TCP timestamp option seen"),
    bit(0x0004, "TCP_OPT_TM_DEC", "TCP timestamp (TSval) decreased"),
    bit(
        0x0008,
        "TCP_L4OPTCORRPT",
        "TCP option field corrupt or not captured",
    ),
    bit(
        0x0010,
        "TCP_WIN_INIT",
        "TCP window size statistics initialised",
    ),
    bit(0x0020, "TCP_WIN_UPD", "TCP window update"),
    bit(0x0040, "TCP_WIN_0PRB", "TCP zero window probe"),
    bit(0x0080, "TCP_WIN_0PRBACK", "TCP zero window probe ACK"),
    bit(0x0100, "TCP_ZWIN", "TCP window size below WINMIN seen"),
    bit(0x0200, "TCP_WS_USED", "TCP window scaling in use"),
    bit(0x0400, "TCP_WIN_FLL", "TCP receiver window full"),
    bit(
        0x0800,
        "TCP_WIN_UP",
        "TCP window size state machine: last change up",
    ),
    bit(
        0x1000,
        "L4CHKSUMC",
        "Layer 4 checksum pending (fragmented packet)",
    ),
    bit(0x2000, "L4_CHKCOVERR", "UDP-Lite checksum coverage error"),
    bit(0x4000, "TCP_SACK", "TCP SACK option seen"),
    bit(0x8000, "TCP_MPTCP", "MPTCP option seen"),
];

// ----------------------------------------------------------------------------- ipFlags

pub const IP_OPT_CORRPT: u16 = 0x0001;
pub const IPV4_OUT_OF_ORDER: u16 = 0x0002;
pub const IPID_ROLLOVER: u16 = 0x0004;
pub const FRAG_BELOW_MIN: u16 = 0x0008;
pub const FRAG_OUT_OF_RANGE: u16 = 0x0010;
pub const IP_MF: u16 = 0x0020;
pub const IP_DF: u16 = 0x0040;
pub const IP_RSV: u16 = 0x0080;
pub const FRAG_POS_ERR: u16 = 0x0100;
pub const FRAG_SEQ_ERR: u16 = 0x0200;
pub const L3_CHKSUM_ERR: u16 = 0x0400;
pub const L4_CHKSUM_ERR: u16 = 0x0800;
pub const SNAPPED: u16 = 0x1000;
pub const UDP_LEN_ERR: u16 = 0x2000;
pub const IAT_ZERO: u16 = 0x4000;
pub const IAT_NEG: u16 = 0x8000;

pub const IP_FLAGS_BITS: &[T2BitDesc] = &[
    bit(0x0001, "IP_OPT_CORRPT", "IP options corrupt"),
    bit(0x0002, "IPV4_OUTORDR", "IPv4 packet out of order (IP ID)"),
    bit(0x0004, "IPID_ROLLOVR", "IPv4 ID roll over"),
    bit(0x0008, "IP_FRAG_BLW_MIN", "IP fragment below minimum size"),
    bit(0x0010, "IP_FRAG_OUT_RNG", "IP fragment out of range"),
    bit(0x0020, "IP_FRAG_MF", "IP more fragments bit"),
    bit(
        0x0040,
        "IP_FRAG_DF",
        "IPv4 don't fragment bit / IPv6 reserved",
    ),
    bit(0x0080, "IP_FRAG_RES", "IPv4 reserved bit / IPv6 reserved"),
    bit(0x0100, "IP_FRAG_BDSEQ", "IP fragment position error"),
    bit(0x0200, "IP_FRAG_SEQERR", "IP fragment sequence error"),
    bit(0x0400, "L3_CHKSUMERR", "IPv4 header checksum error"),
    bit(0x0800, "L4_CHKSUMERR", "Layer 4 checksum error"),
    bit(
        0x1000,
        "IP_SNP_HLEN_WRN",
        "Length in IP or layer 4 header larger than captured (snapped)",
    ),
    bit(
        0x2000,
        "UDP_LEN_WRN",
        "UDP/UDP-Lite length differs from the captured layer 4 length",
    ),
    bit(0x4000, "IP_PKT_INTDIS", "Packet inter-distance = 0"),
    bit(
        0x8000,
        "IP_PKT_INTDISN",
        "Packet inter-distance < 0 (timestamp jump)",
    ),
];

// ----------------------------------------------------------------------------- tcpFlags

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;

pub const FIN_ACK: u16 = 0x0100;
pub const SYN_ACK: u16 = 0x0200;
pub const RST_ACK: u16 = 0x0400;
pub const NULL_SCAN: u16 = 0x0800;
pub const SYN_FIN: u16 = 0x1000;
pub const SYN_FIN_RST: u16 = 0x2000;
pub const FIN_RST: u16 = 0x4000;
pub const XMAS: u16 = 0x8000;

pub const TCP_FLAGS_BITS: &[T2BitDesc] = &[
    bit(0x0001, "FIN", "FIN: no more data, finish connection"),
    bit(0x0002, "SYN", "SYN: synchronize sequence numbers"),
    bit(0x0004, "RST", "RST: reset connection"),
    bit(0x0008, "PSH", "PSH: push data"),
    bit(0x0010, "ACK", "ACK: acknowledgement field value valid"),
    bit(0x0020, "URG", "URG: urgent pointer valid"),
    bit(0x0040, "ECE", "ECE: ECN-Echo"),
    bit(0x0080, "CWR", "CWR: congestion window reduced"),
    bit(0x0100, "FIN_ACK", "FIN-ACK"),
    bit(0x0200, "SYN_ACK", "SYN-ACK"),
    bit(0x0400, "RST_ACK", "RST-ACK"),
    bit(0x0800, "NULL", "NULL scan: no flag set"),
    bit(0x1000, "SYN_FIN", "SYN-FIN (scan)"),
    bit(0x2000, "SYN_FIN_RST", "SYN-FIN-RST (scan)"),
    bit(0x4000, "FIN_RST", "FIN-RST (scan)"),
    bit(0x8000, "XMAS", "XMAS scan: FIN, PSH and URG set"),
];

// ----------------------------------------------------------------------------- tcpAnomaly

pub const SYN_RETRY: u16 = 0x0001;
pub const SEQ_TMO_RETRY: u16 = 0x0002;
pub const SEQ_FAST_RETRY: u16 = 0x0004;
pub const DUP_ACK: u16 = 0x0008;
pub const KEEP_ALIVE: u16 = 0x0010;
pub const KEEP_ALIVE_ACK: u16 = 0x0020;
pub const SEQ_OUT_OF_ORDER: u16 = 0x0040;
pub const SEQ_MESS: u16 = 0x0080;
pub const ACK_UNSEEN: u16 = 0x0100;
pub const PREV_NOT_CAPTURED: u16 = 0x0200;
pub const SCAN: u16 = 0x1000;
pub const SCAN_SUCC: u16 = 0x2000;
pub const SYN_L7: u16 = 0x4000;
/// Error counter bits, cleared for the packets of flows flagged as scans.
pub const TCP_ECNTR: u16 = 0x003f;

pub const TCP_ANOMALY_BITS: &[T2BitDesc] = &[
    bit(0x0001, "TCP_SYN_RETRY", "TCP SYN retransmission"),
    bit(0x0002, "TCP_SEQ_RETRY", "TCP SEQ timeout retransmission"),
    bit(0x0004, "TCP_SEQ_FRETRY", "TCP SEQ fast retransmission"),
    bit(0x0008, "TCP_ACK_DUP", "TCP duplicate ACK"),
    bit(0x0010, "TCP_KPALV", "TCP keep-alive"),
    bit(0x0020, "TCP_KPALV_ACK", "TCP keep-alive ACK"),
    bit(0x0040, "TCP_SEQ_OUTORDR", "TCP SEQ out of order"),
    bit(
        0x0080,
        "TCP_SEQ_MESS",
        "TCP sequence mess or spurious retransmission",
    ),
    bit(0x0100, "TCP_ACK_UNSEEN", "TCP ACK of an unseen packet"),
    bit(0x0200, "TCP_PREV_MISS", "TCP previous packet not captured"),
    bit(0x0400, "-", "Not used"),
    bit(0x0800, "-", "Not used"),
    bit(0x1000, "TCP_SCAN_DET", "TCP scan detected"),
    bit(0x2000, "TCP_SCAN_SU_DET", "TCP successful scan detected"),
    bit(0x4000, "TCP_SYN_L7CNT", "TCP SYN with L7 content"),
    bit(0x8000, "-", "Not used"),
];

// ----------------------------------------------------------------------------- tcpOptions

pub const TCP_OPTIONS_BITS: &[T2BitDesc] = &[
    bit(0x00000001, "EOL", "End of option list"),
    bit(0x00000002, "NOP", "No operation"),
    bit(0x00000004, "MSS", "Maximum segment size"),
    bit(0x00000008, "WS", "Window scale"),
    bit(0x00000010, "SACK_PERM", "SACK permitted"),
    bit(0x00000020, "SACK", "SACK"),
    bit(0x00000040, "ECHO", "Echo (obsolete)"),
    bit(0x00000080, "ECHO_REPLY", "Echo reply (obsolete)"),
    bit(0x00000100, "TS", "Timestamps"),
    bit(
        0x00000200,
        "POC_PERM",
        "Partial order connection permitted (obsolete)",
    ),
    bit(
        0x00000400,
        "POC_SRV",
        "Partial order service profile (obsolete)",
    ),
    bit(0x00000800, "CC", "CC (obsolete)"),
    bit(0x00001000, "CC_NEW", "CC.NEW (obsolete)"),
    bit(0x00002000, "CC_ECHO", "CC.ECHO (obsolete)"),
    bit(
        0x00004000,
        "ALT_CHKSUM_REQ",
        "Alternate checksum request (obsolete)",
    ),
    bit(
        0x00008000,
        "ALT_CHKSUM_DATA",
        "Alternate checksum data (obsolete)",
    ),
    bit(0x00010000, "SKEETER", "Skeeter"),
    bit(0x00020000, "BUBBA", "Bubba"),
    bit(0x00040000, "TRAILER_CHKSUM", "Trailer checksum option"),
    bit(0x00080000, "MD5_SIG", "MD5 signature (obsolete)"),
    bit(0x00100000, "SCPS", "SCPS capabilities"),
    bit(0x00200000, "SNACK", "Selective negative acknowledgements"),
    bit(0x00400000, "REC_BOUND", "Record boundaries"),
    bit(0x00800000, "CORRUPT_EXP", "Corruption experienced"),
    bit(0x01000000, "SNAP", "SNAP"),
    bit(0x02000000, "-", "Unassigned"),
    bit(0x04000000, "COMP_FILTER", "TCP compression filter"),
    bit(0x08000000, "QUICK_START", "Quick-start response"),
    bit(0x10000000, "USER_TMO", "User timeout"),
    bit(0x20000000, "TCP_AO", "TCP authentication option"),
    bit(0x40000000, "MPTCP", "Multipath TCP"),
    bit(0x80000000, "OPT_GE31", "Option kind 31 or larger"),
];

// ----------------------------------------------------------------------------- MPTCP

pub const TCP_MPTBF_BITS: &[T2BitDesc] = &[
    bit(0x0001, "MP_CAPABLE", "Multipath capable"),
    bit(0x0002, "MP_JOIN", "Join connection"),
    bit(0x0004, "DSS", "Data sequence signal"),
    bit(0x0008, "ADD_ADDR", "Add address"),
    bit(0x0010, "REMOVE_ADDR", "Remove address"),
    bit(0x0020, "MP_PRIO", "Change subflow priority"),
    bit(0x0040, "MP_FAIL", "Fallback"),
    bit(0x0080, "MP_FASTCLOSE", "Fast close"),
    bit(0x0100, "MP_TCPRST", "Subflow reset"),
    bit(0x8000, "MP_EXPERIMENTAL", "Private use (subtype 15)"),
];

pub const TCP_MPF_BITS: &[T2BitDesc] = &[
    bit(0x01, "HMAC_SHA1", "HMAC-SHA1 / backup path"),
    bit(0x02, "-", "Flag B"),
    bit(0x04, "-", "Flag C"),
    bit(0x08, "-", "Flag D"),
    bit(0x10, "-", "Flag E"),
    bit(0x20, "NO_MORE_SUBFLOWS", "No more subflows"),
    bit(0x40, "EXTENSIBILITY", "Extensibility"),
    bit(0x80, "CHECKSUM_REQ", "Checksum required"),
];

pub const TCP_MPDSSF_BITS: &[T2BitDesc] = &[
    bit(0x01, "DATA_ACK", "Data ACK present"),
    bit(0x02, "DATA_ACK_8", "Data ACK is 8 octets"),
    bit(
        0x04,
        "DSN_MAP",
        "Data sequence number, subflow sequence number, data-level length and checksum present",
    ),
    bit(0x08, "DSN_8", "Data sequence number is 8 octets"),
    bit(0x10, "DATA_FIN", "DATA_FIN"),
];

// ----------------------------------------------------------------------------- ipToS

pub const IP_TOS_BITS: &[T2BitDesc] = &[
    bit(0x01, "ECN_ECT1", "ECN: ECT(1)"),
    bit(0x02, "ECN_ECT0", "ECN: ECT(0)"),
    bit(0x04, "DSCP_0", "DSCP bit 0"),
    bit(0x08, "DSCP_1", "DSCP bit 1"),
    bit(0x10, "DSCP_2", "DSCP bit 2"),
    bit(0x20, "PREC_0", "Precedence bit 0 (DSCP bit 3)"),
    bit(0x40, "PREC_1", "Precedence bit 1 (DSCP bit 4)"),
    bit(0x80, "PREC_2", "Precedence bit 2 (DSCP bit 5)"),
];

// ----------------------------------------------------------------------------- ipOptCpCl_Num

pub const IP_OPT_CPCL_BITS: &[T2BitDesc] = &[
    bit(0x20, "CLASS_1", "Option class 1 (reserved)"),
    bit(
        0x40,
        "CLASS_2",
        "Option class 2 (debugging and measurement)",
    ),
    bit(0x80, "COPY", "Copied into fragments"),
];
