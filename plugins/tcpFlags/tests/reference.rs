//! tcpFlags on the SDK's mock host, replaying a capture of `../shared/pcaps`
//! (`zeek/tcp/qi_internet_SYNACK_curl_jsonip.pcap`: a TCP connection with MSS, window scale,
//! SACK and timestamp options, a duplicate ACK, a reset and retransmitted FINs). The expected
//! packet-mode fields, flow cells and report lines are the original T2 0.9.3's output for it
//! (`../shared/conformance`).

use t2_plugin::abi::{T2_FLOW_NONE, T2Packet, T2Time, flow_stat};
use t2_plugin::testing::{Loaded, MockHost, empty_packet};

mod common;

const A: usize = 0;
const B: usize = 1;

/// The frames of `zeek/tcp/qi_internet_SYNACK_curl_jsonip.pcap`: (seconds, microseconds, direction, bytes).
const FRAMES: &[(u64, u32, usize, &str)] = &[
    (
        1429652006,
        616371,
        A,
        "0010dbff3008000e0ca9b008080045000040c0a2400040069f8ab2c864c8607e627c9c28005027387bdb00000000b0024000c2690000020405b401010402010303000101080aed372c4800000000",
    ),
    (
        1429652006,
        621984,
        B,
        "000e0ca9b0080010dbff300808004500003c0000400036066a31607e627cb2c864c800509c28848dc08427387bdca012712005140000020405b40402080a249f3472ed372c4801030307",
    ),
    (
        1429652006,
        627446,
        A,
        "0010dbff3008000e0ca9b0080800450000344d734000400612c6b2c864c8607e627c9c28005027387bdc848dc08580104000650000000101080aed372c48249f3472",
    ),
    (
        1429652006,
        642967,
        A,
        "0010dbff3008000e0ca9b0080800450000cd5069400040060f37b2c864c8607e627c9c28005027387bdc848dc085801840005bcd00000101080aed372c48249f3472474554202f20485454502f312e310d0a557365722d4167656e743a206375726c2f372e33342e302028693338362d756e6b6e6f776e2d6f70656e627364352e3529206c69626375726c2f372e33342e30204f70656e53534c2f312e302e3261207a6c69622f312e322e33206c696269646e2f312e31310d0a486f73743a206a736f6e69702e636f6d0d0a4163636570743a202a2f2a0d0a0d0a",
    ),
    (
        1429652006,
        650672,
        B,
        "000e0ca9b0080010dbff3008080045480053000100003806a7d1607e627cb2c864c800509c28848dc08527387bdc50182000cfe90000485454502f312e3120323030204f4b0d0a436f6e74656e742d4c656e6774683a20350d0a0d0a42414e4721",
    ),
    (
        1429652006,
        661530,
        A,
        "0010dbff3008000e0ca9b008080045000034d0a8400040068f90b2c864c8607e627c9c28005027387c75848dc0b080114000643b00000101080aed372c48249f3472",
    ),
    (
        1429652006,
        671273,
        B,
        "000e0ca9b0080010dbff3008080045000034f41b40003606761d607e627cb2c864c800509c28848dc08527387c75801000eba35000000101080a249f349eed372c48",
    ),
    (
        1429652006,
        676290,
        A,
        "0010dbff3008000e0ca9b008080045000034740940004006ec2fb2c864c8607e627c9c28005027387c75848dc0b080114000bd4b00000101080aed372c4900000000",
    ),
    (
        1429652006,
        683290,
        B,
        "000e0ca9b0080010dbff3008080045000190f41c4000360674c0607e627cb2c864c800509c28848dc08527387c75801800eb721c00000101080a249f349eed372c48485454502f312e3120323030204f4b0d0a5365727665723a206e67696e782f312e342e340d0a446174653a205475652c203331204d617220323031352031343a33373a343620474d540d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6a736f6e3b20636861727365743d7574662d380d0a5472616e736665722d456e636f64696e673a206368756e6b65640d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a566172793a204163636570742d456e636f64696e670d0a4163636573732d436f6e74726f6c2d416c6c6f772d4f726967696e3a202a0d0a4163636573732d436f6e74726f6c2d416c6c6f772d4d6574686f64733a204745540d0a0d0a34370d0a7b226970223a223137382e3230302e3130302e323030222c2261626f7574223a222f61626f7574222c2250726f21223a22687474703a2f2f6765746a736f6e69702e636f6d227d0d0a300d0a0d0a",
    ),
    (
        1429652006,
        690118,
        A,
        "0010dbff3008000e0ca9b0080800450000285547400040060afeb2c864c8607e627c9c28005027387c75687ee126500400004b8a0000000000000000",
    ),
    (
        1429652006,
        698739,
        B,
        "000e0ca9b0080010dbff3008080045000034f41d40003606761b607e627cb2c864c800509c28848dc1e127387c76801100eba1ef00000101080a249f34a1ed372c48",
    ),
    (
        1429652006,
        712411,
        A,
        "0010dbff3008000e0ca9b00808004500002843fa400040061c4bb2c864c8607e627c9c28005027387c76687ee126500400004b890000000000000000",
    ),
    (
        1429652006,
        720618,
        B,
        "000e0ca9b0080010dbff3008080045000040f41e40003606760e607e627cb2c864c800509c28848dc1e227387c76b01000eb245100000101080a249f34cbed372c490101050a27387c7527387c76",
    ),
    (
        1429652006,
        726806,
        A,
        "0010dbff3008000e0ca9b0080800450000282242400040063e03b2c864c8607e627c9c28005027387c76687ee126500400004b890000000000000000",
    ),
];

/// The packet-mode columns of tcpFlags (`ipToS` .. `tcpOpts`).
const PACKET_COLUMNS: &[&str] = &[
    "ipToS",
    "ipID",
    "ipIDDiff",
    "ipFrag",
    "ipTTL",
    "ipHdrChkSum",
    "ipCalChkSum",
    "l4HdrChkSum",
    "l4CalChkSum",
    "ipFlags",
    "ip6HHOptLen",
    "ip6HHOpts",
    "ip6DOptLen",
    "ip6DOpts",
    "ipOptLen",
    "ipOpts",
    "seq",
    "ack",
    "seqMax",
    "seqDiff",
    "ackDiff",
    "seqLen",
    "ackLen",
    "seqFlowLen",
    "ackFlowLen",
    "tcpMLen",
    "tcpBFlgt",
    "tcpFStat",
    "tcpFlags",
    "tcpAnomaly",
    "tcpWin",
    "tcpWS",
    "tcpMSS",
    "tcpTmS",
    "tcpTmER",
    "tcpMPTyp",
    "tcpMPF",
    "tcpMPAID",
    "tcpMPDSSF",
    "tcpOptLen",
    "tcpOpts",
];

/// The reference's packet-mode fields (joined by TAB) per frame.
const PACKET_FIELDS: &[&str] = &[
    "0x00\t49314\t0\t0x4000\t64\t0x9f8a\t0x9f8a\t0xc269\t0xc269\t0x0040\t0\t\t0\t\t0\t\t658013147\t0\t658013147\t0\t0\t0\t0\t0\t0\t0\t0\t0x0012\t0x0002\t0x0000\t16384\t0\t1460\t3979816008\t0\t0\t0x00\t0\t0x00\t24\t0x02;0x04;0x05;0xb4;0x01;0x01;0x04;0x02;0x01;0x03;0x03;0x00;0x01;0x01;0x08;0x0a;0xed;0x37;0x2c;0x48;0x00;0x00;0x00;0x00",
    "0x00\t0\t0\t0x4000\t54\t0x6a31\t0x6a31\t0x0514\t0x0514\t0x0040\t0\t\t0\t\t0\t\t2223882372\t658013148\t2223882372\t0\t0\t0\t0\t0\t0\t0\t0\t0x0012\t0x0212\t0x0000\t28960\t0\t1460\t614413426\t3979816008\t0\t0x00\t0\t0x00\t20\t0x02;0x04;0x05;0xb4;0x04;0x02;0x08;0x0a;0x24;0x9f;0x34;0x72;0xed;0x37;0x2c;0x48;0x01;0x03;0x03;0x07",
    "0x00\t19827\t-29487\t0x4000\t64\t0x12c6\t0x12c6\t0x6500\t0x6500\t0x0044\t0\t\t0\t\t0\t\t658013148\t2223882373\t658013148\t1\t0\t0\t0\t0\t0\t0\t0\t0x0213\t0x0010\t0x0000\t16384\t1\t1460\t3979816008\t614413426\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0xed;0x37;0x2c;0x48;0x24;0x9f;0x34;0x72",
    "0x00\t20585\t758\t0x4000\t64\t0x0f37\t0x0f37\t0x5bcd\t0x5bcd\t0x0040\t0\t\t0\t\t0\t\t658013148\t2223882373\t658013148\t0\t0\t0\t0\t0\t0\t153\t153\t0x0213\t0x0018\t0x0000\t16384\t1\t1460\t3979816008\t614413426\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0xed;0x37;0x2c;0x48;0x24;0x9f;0x34;0x72",
    "0x48\t1\t1\t0x0000\t56\t0xa7d1\t0xa7d1\t0xcfe9\t0xcfe9\t0x0000\t0\t\t0\t\t0\t\t2223882373\t658013148\t2223882373\t1\t0\t0\t0\t0\t0\t43\t43\t0x0a13\t0x0018\t0x0000\t1048576\t128\t1460\t614413426\t3979816008\t0\t0x00\t0\t0x00\t0\t",
    "0x00\t53416\t32831\t0x4000\t64\t0x8f90\t0x8f90\t0x643b\t0x643b\t0x0040\t0\t\t0\t\t0\t\t658013301\t2223882416\t658013301\t153\t43\t153\t43\t153\t43\t153\t0\t0x0213\t0x0111\t0x0000\t16384\t1\t1460\t3979816008\t614413426\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0xed;0x37;0x2c;0x48;0x24;0x9f;0x34;0x72",
    "0x00\t62491\t62490\t0x4000\t54\t0x761d\t0x761d\t0xa350\t0xa350\t0x0040\t0\t\t0\t\t0\t\t2223882373\t658013301\t2223882416\t0\t153\t0\t153\t0\t153\t43\t43\t0x0213\t0x0010\t0x0000\t30080\t128\t1460\t614413470\t3979816008\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0x24;0x9f;0x34;0x9e;0xed;0x37;0x2c;0x48",
    "0x00\t29705\t-23711\t0x4000\t64\t0xec2f\t0xec2f\t0xbd4b\t0xbd4b\t0x0044\t0\t\t0\t\t0\t\t658013301\t2223882416\t658013302\t0\t0\t0\t0\t153\t43\t153\t0\t0x0213\t0x0111\t0x0000\t16384\t1\t1460\t3979816009\t0\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0xed;0x37;0x2c;0x49;0x00;0x00;0x00;0x00",
    "0x00\t62492\t1\t0x4000\t54\t0x74c0\t0x74c0\t0x721c\t0x721c\t0x0040\t0\t\t0\t\t0\t\t2223882373\t658013301\t2223882416\t0\t0\t0\t0\t0\t153\t391\t391\t0x0a13\t0x0018\t0x00c0\t30080\t128\t1460\t614413470\t3979816008\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0x24;0x9f;0x34;0x9e;0xed;0x37;0x2c;0x48",
    "0x00\t21831\t-7874\t0x4000\t64\t0x0afe\t0x0afe\t0x4b8a\t0x4b8a\t0x0044\t0\t\t0\t\t0\t\t658013301\t1753145638\t658013302\t0\t0\t0\t0\t153\t43\t153\t0\t0x0213\t0x0004\t0x0000\t0\t1\t1460\t3979816009\t0\t0\t0x00\t0\t0x00\t0\t",
    "0x00\t62493\t1\t0x4000\t54\t0x761b\t0x761b\t0xa1ef\t0xa1ef\t0x0040\t0\t\t0\t\t0\t\t2223882721\t658013302\t2223882721\t348\t1\t348\t0\t348\t153\t391\t391\t0x0a13\t0x0111\t0x0000\t30080\t128\t1460\t614413473\t3979816008\t0\t0x00\t0\t0x00\t12\t0x01;0x01;0x08;0x0a;0x24;0x9f;0x34;0xa1;0xed;0x37;0x2c;0x48",
    "0x00\t17402\t-4429\t0x4000\t64\t0x1c4b\t0x1c4b\t0x4b89\t0x4b89\t0x0044\t0\t\t0\t\t0\t\t658013302\t1753145638\t658013302\t0\t0\t0\t0\t153\t43\t153\t0\t0x0213\t0x0004\t0x0000\t0\t1\t1460\t3979816009\t0\t0\t0x00\t0\t0x00\t0\t",
    "0x00\t62494\t1\t0x4000\t54\t0x760e\t0x760e\t0x2451\t0x2451\t0x0040\t0\t\t0\t\t0\t\t2223882722\t658013302\t2223882722\t1\t0\t0\t0\t348\t153\t391\t391\t0x4a13\t0x0010\t0x0008\t30080\t128\t1460\t614413515\t3979816009\t0\t0x00\t0\t0x00\t24\t0x01;0x01;0x08;0x0a;0x24;0x9f;0x34;0xcb;0xed;0x37;0x2c;0x49;0x01;0x01;0x05;0x0a;0x27;0x38;0x7c;0x75;0x27;0x38;0x7c;0x76",
    "0x00\t8770\t-8632\t0x4000\t64\t0x3e03\t0x3e03\t0x4b89\t0x4b89\t0x0044\t0\t\t0\t\t0\t\t658013302\t1753145638\t658013303\t0\t0\t0\t0\t153\t43\t153\t0\t0x0213\t0x0004\t0x0000\t0\t1\t1460\t3979816009\t0\t0\t0x00\t0\t0x00\t0\t",
];

/// The flow columns of tcpFlags (`tcpFStat` .. `tcpRTTAckJitAvg`).
const FLOW_HEADER: &str = "tcpFStat\tipMindIPID\tipMaxdIPID\tipMinTTL\tipMaxTTL\tipTTLChg\tipToS\tipFlags\tipOptCnt\tipOptCpCl_Num\tip6OptCntHH_D\tip6OptHH_D\ttcpISeqN\ttcpPSeqCnt\ttcpSeqSntBytes\ttcpSeqFaultCnt\ttcpPAckCnt\ttcpFlwLssAckRcvdBytes\ttcpAckFaultCnt\ttcpBFlgtMx\ttcpInitWinSz\ttcpAvgWinSz\ttcpMinWinSz\ttcpMaxWinSz\ttcpWinSzDwnCnt\ttcpWinSzUpCnt\ttcpWinSzChgDirCnt\ttcpWinSzThRt\ttcpFlags\ttcpAnomaly\ttcpJA4T\ttcpOptPktCnt\ttcpOptCnt\ttcpOptions\ttcpMSS\ttcpWS\ttcpMPTBF\ttcpMPF\ttcpMPAID\ttcpMPDSSF\ttcpTmS\ttcpTmER\ttcpEcI\ttcpUtm\ttcpBtm\ttcpSSASAATrip\ttcpRTTAckTripMin\ttcpRTTAckTripMax\ttcpRTTAckTripAvg\ttcpRTTAckTripJitAvg\ttcpRTTSseqAA\ttcpRTTAckJitAvg";
/// The reference flow cells of A and B.
const FLOW_CELLS: [&str; 2] = [
    "0x0213\t56904\t32831\t64\t64\t0\t0x00\t0x0044\t0\t0x00_0x00000000\t0_0\t0x00000000_0x00000000\t658013147\t3\t153\t0\t4\t43\t0\t153\t16384\t5619.712\t0\t16384\t1\t0\t0\t0\t0x011f\t0x0000\t16384_2-1-1-4-1-3-1-1-81460_0\t5\t21\t0x0000011e\t1460\t1\t0x0000\t0x00\t0\t0x00\t3979816009\t0\t0.1\t397981606.830388\t1031670399.4141869287\t0.005612992\t0.005612992\t0.00974304\t0.007814838\t0.001622956\t0.01107501\t0",
    "0x4a13\t1\t62490\t54\t56\t2\t0x48\t0x0040\t0\t0x00_0x00000000\t0_0\t0x00000000_0x00000000\t2223882372\t5\t348\t0\t6\t153\t1\t391\t28960\t103254\t28960\t1048576\t1\t1\t2\t0\t0x031b\t0x00c8\t28960_2-4-8-1-31460_7\t5\t20\t0x0000013e\t1460\t128\t0x0000\t0x00\t0\t0x00\t614413515\t3979816009\t0.001\t614413.544183\t1429037593.176434924\t0.005462016\t0.00501696\t0.02098298\t0.009308752\t0.006266969\t0.01712359\t0.006473708",
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The packet fields the core fills for an Ethernet/IPv4/TCP frame.
fn packet(frame: &[u8], n: usize, sec: u64, usec: u32) -> T2Packet {
    let l3 = 14;
    let ihl = (frame[l3] & 0x0f) as usize * 4;
    let l4 = l3 + ihl;
    let doff = (frame[l4 + 12] >> 4) as usize * 4;
    let l3_len = u16::from_be_bytes([frame[l3 + 2], frame[l3 + 3]]) as u32;
    let mut p = empty_packet();
    p.data = frame.as_ptr();
    p.caplen = frame.len() as u32;
    p.wirelen = frame.len() as u32;
    p.ts = T2Time {
        sec,
        nsec: usec * 1000,
        _pad: 0,
    };
    p.pkt_no = n as u64 + 1;
    p.l2_off = 0;
    p.mac_off = 0;
    p.l3_off = l3 as u32;
    p.l4_off = l4 as u32;
    p.l7_off = (l4 + doff) as u32;
    p.eth_type = 0x0800;
    p.ip_ver = 4;
    p.l4_proto = frame[l3 + 9];
    p.ip_frag = u16::from_be_bytes([frame[l3 + 6], frame[l3 + 7]]);
    p.ip_id = u16::from_be_bytes([frame[l3 + 4], frame[l3 + 5]]) as u32;
    p.l3_len = l3_len;
    p.l4_hdr_len = doff as u32;
    p.l7_len = l3_len - (ihl + doff) as u32;
    p.snap_l3_len = (frame.len() - l3) as u32;
    p.snap_l4_len = (frame.len() - l4) as u32;
    p.snap_l7_len = (frame.len() - l4 - doff) as u32;
    p
}

struct Run {
    h: Box<MockHost>,
    p: Loaded,
    created: [bool; 2],
}

impl Run {
    fn new() -> Run {
        let mut h = MockHost::new(4);
        h.ctx.packet_mode = 1;
        let p = h.load(tcpFlags::descriptor()).unwrap();
        h.start(&p).unwrap();
        for (i, f) in h.flows.iter_mut().enumerate() {
            f.l4_proto = 6;
            f.ip_ver = 4;
            if i == B {
                f.status |= flow_stat::L3FLOWINVERT;
            }
        }
        Run {
            h,
            p,
            created: [false; 2],
        }
    }

    /// One packet of direction `dir`; returns its packet-mode fields joined by TAB.
    fn send(&mut self, dir: usize, pkt: &T2Packet) -> String {
        if !self.created[dir] {
            let other = 1 - dir;
            if self.created[other] {
                self.h.flows[dir].opposite = other as u64;
                self.h.flows[other].opposite = dir as u64;
            } else {
                self.h.flows[dir].opposite = T2_FLOW_NONE;
            }
            self.h.flows[dir].first_seen = pkt.ts;
            self.created[dir] = true;
            self.h.new_flow(&self.p, pkt, dir as u64).unwrap();
        }
        self.h.layer2(&self.p, pkt, None).unwrap();
        self.h.state.packet_fields.clear();
        self.h.layer4(&self.p, pkt, dir as u64).unwrap();
        self.h.flows[dir].last_seen = pkt.ts;
        self.h.state.packet_fields.join("\t")
    }

    /// The flow's cells as the text sink writes them.
    fn flow_cells(&mut self, dir: usize) -> String {
        common::flow_line(&mut self.h, &self.p, dir).trim_end().to_string()
    }
}

fn replay() -> Run {
    let mut r = Run::new();
    let frames: Vec<Vec<u8>> = FRAMES.iter().map(|f| unhex(f.3)).collect();
    for (i, (&(sec, usec, dir, _), frame)) in FRAMES.iter().zip(&frames).enumerate() {
        let got = r.send(dir, &packet(frame, i, sec, usec));
        let want = PACKET_FIELDS[i];
        if got != want {
            // Name the first differing column.
            let (g, w): (Vec<&str>, Vec<&str>) =
                (got.split('\t').collect(), want.split('\t').collect());
            for (k, col) in PACKET_COLUMNS.iter().enumerate() {
                assert_eq!(g.get(k), w.get(k), "packet {}, column {col}", i + 1);
            }
            assert_eq!(got, want, "packet {}", i + 1);
        }
    }
    r
}

#[test]
fn declares_columns_with_bit_tables() {
    let r = Run::new();
    let names: Vec<&str> = r.h.state.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.join("\t"), FLOW_HEADER);
    assert_eq!(r.h.state.packet_columns, PACKET_COLUMNS);
    for col in [
        "tcpFStat",
        "ipToS",
        "ipFlags",
        "ipOptCpCl_Num",
        "tcpFlags",
        "tcpAnomaly",
        "tcpOptions",
        "tcpMPTBF",
        "tcpMPF",
        "tcpMPDSSF",
    ] {
        let c = r.h.state.columns.iter().find(|c| c.name == col).unwrap();
        assert!(!c.bits.is_empty(), "{col} has a bit table");
    }
    let ipf =
        r.h.state
            .columns
            .iter()
            .find(|c| c.name == "ipFlags")
            .unwrap();
    assert!(ipf.bits.iter().any(|b| b.0 == 0x8000));
}

#[test]
fn packet_mode_fields_match_the_reference() {
    replay();
}

#[test]
fn flow_cells_match_the_reference() {
    let mut r = replay();
    let names: Vec<&str> = FLOW_HEADER.split('\t').collect();
    for dir in [A, B] {
        let got = r.flow_cells(dir);
        let want = FLOW_CELLS[dir];
        for ((g, w), col) in got.split('\t').zip(want.split('\t')).zip(&names) {
            assert_eq!(
                g,
                w,
                "flow {}, column {col}",
                if dir == A { "A" } else { "B" }
            );
        }
        assert_eq!(got, want);
    }
}

#[test]
fn report_lines_match_the_reference() {
    let mut r = replay();
    r.flow_cells(A);
    r.flow_cells(B);
    let rep = r.h.report(&r.p).unwrap();
    for line in [
        "Aggregated ipFlags=0x0044",
        "Aggregated tcpFStat=0x4a13",
        "Aggregated tcpFlags=0x031f",
        "Aggregated tcpAnomaly=0x00c8",
        "Aggregated ipToS=0x48",
    ] {
        assert!(rep.contains(line), "{line} in the report:\n{rep}");
    }
    assert!(!rep.contains("scans"), "no scan line:\n{rep}");
}

#[test]
fn flow_status_gets_no_timejump_when_time_goes_on() {
    let r = replay();
    assert_eq!(r.h.flows[A].status & flow_stat::TIMEJUMP, 0);
    assert_eq!(r.h.flows[B].status & flow_stat::TIMEJUMP, 0);
}

#[test]
fn a_step_back_in_time_sets_timejump() {
    // The first two frames of A, the second earlier within the same second: ipFlags 0x8000
    // (inter-distance < 0) on the packet and TIMEJUMP in the flow status (spec §1.8). (As in
    // the original, the seconds difference is unsigned: a step back of whole seconds is a
    // huge positive distance.)
    let mut r = Run::new();
    let f0 = unhex(FRAMES[0].3);
    let f2 = unhex(FRAMES[2].3);
    r.send(A, &packet(&f0, 0, 1000, 500_000));
    let fields = r.send(A, &packet(&f2, 1, 1000, 400_000));
    let ipf = PACKET_COLUMNS.iter().position(|c| *c == "ipFlags").unwrap();
    let v = u16::from_str_radix(&fields.split('\t').nth(ipf).unwrap()[2..], 16).unwrap();
    assert_eq!(v & 0xc000, 0x8000);
    assert_ne!(r.h.flows[A].status & flow_stat::TIMEJUMP, 0);
    // The same time again: inter-distance 0 (0x4000), no jump.
    let fields = r.send(A, &packet(&f2, 2, 1000, 400_000));
    let v = u16::from_str_radix(&fields.split('\t').nth(ipf).unwrap()[2..], 16).unwrap();
    assert_eq!(v & 0xc000, 0x4000);
}
