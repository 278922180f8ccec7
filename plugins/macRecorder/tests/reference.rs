//! macRecorder on the SDK's mock host, replaying the MAC addresses of flows of captures of
//! `../shared/pcaps` (as the reference `packets.txt` files list them, packet by packet). The
//! expected flow columns, packet columns and report lines are the original T2 0.9.3's output in
//! `../shared/conformance`; the label tables hold the few entries those flows need, with the
//! labels the reference prints.

use t2_plugin::abi::T2Packet;
use t2_plugin::testing::{Loaded, MockHost, empty_packet};
use t2_plugin::{Schema, TextFormatter};

const BOLD: &str = "\x1b[1mmacRecorder:\x1b[0m";

fn mac(s: &str) -> [u8; 6] {
    let v: Vec<u8> = s
        .split(':')
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

struct Run {
    h: Box<MockHost>,
    p: Loaded,
    dir: std::path::PathBuf,
    created: Vec<bool>,
    pkt_no: u64,
}

impl Run {
    /// A run with packet mode on and `table` (if any) as the plugin folder's label table.
    fn new(name: &str, flows: usize, table: Option<&str>) -> Run {
        let mut h = MockHost::new(flows);
        h.ctx.packet_mode = 1;
        let dir =
            std::env::temp_dir().join(format!("macRecorder-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(t) = table {
            std::fs::write(dir.join("macRecorder_oui.txt"), t).unwrap();
        }
        h.strings.plugin_dir = dir.to_string_lossy().into_owned();
        h.strings.output_prefix = dir.join("out").to_string_lossy().into_owned();
        h.declare_core_columns();
        let p = h.load(macRecorder::descriptor()).unwrap();
        h.start(&p).unwrap();
        Run {
            h,
            p,
            dir,
            created: vec![false; flows],
            pkt_no: 0,
        }
    }

    /// A packet of IP flow `slot` with an Ethernet header `src` -> `dst` (`None`: a packet
    /// without MAC header, e.g. raw IP). Returns the packet-mode fields.
    fn send(&mut self, slot: usize, macs: Option<(&str, &str)>) -> Vec<String> {
        self.pkt_no += 1;
        let mut bytes = Vec::new();
        let mut p: T2Packet = empty_packet();
        if let Some((src, dst)) = macs {
            bytes.extend_from_slice(&mac(dst));
            bytes.extend_from_slice(&mac(src));
            bytes.extend_from_slice(&[0x08, 0x00]);
            p.mac_off = 0;
            p.l2_off = 0;
        }
        bytes.extend_from_slice(&[0x45; 20]);
        p.data = bytes.as_ptr();
        p.caplen = bytes.len() as u32;
        p.pkt_no = self.pkt_no;
        p.ip_ver = 4;
        p.eth_type = 0x0800;
        if !self.created[slot] {
            self.created[slot] = true;
            self.h.new_flow(&self.p, &p, slot as u64).unwrap();
        }
        self.h.layer2(&self.p, &p, None).unwrap();
        self.h.state.packet_fields.clear();
        self.h.layer4(&self.p, &p, slot as u64).unwrap();
        std::mem::take(&mut self.h.state.packet_fields)
    }

    /// The flow's columns as txtSink prints them.
    fn columns(&mut self, slot: usize) -> String {
        let rec = self.h.terminate(&self.p, slot as u64).unwrap();
        let schema = Schema::from_triples(
            self.h
                .state
                .columns
                .iter()
                .filter(|c| c.name != "dir" && c.name != "flowInd")
                .map(|c| (c.name.as_str(), "", c.type_.as_str())),
        )
        .unwrap();
        let mut line = Vec::new();
        TextFormatter::default()
            .format_record(&schema, &rec, &mut line)
            .unwrap();
        String::from_utf8(line)
            .unwrap()
            .trim_end_matches('\n')
            .to_string()
    }

    fn finish(mut self) -> String {
        let report = self.h.report(&self.p).unwrap();
        let Run { mut h, p, dir, .. } = self;
        h.finalize(p).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        report
    }
}

#[test]
fn declares_columns() {
    let mut h = MockHost::new(2);
    h.ctx.packet_mode = 1;
    let p = h.load(macRecorder::descriptor()).unwrap();
    let cols: Vec<(&str, &str, &str)> = h
        .state
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_.as_str(), c.desc.as_str()))
        .collect();
    // As HEADERS.flows.txt of the reference (columns 23-26).
    assert_eq!(
        cols,
        [
            ("macStat", "H8", "macRecorder status"),
            (
                "macPairs",
                "U32",
                "Number of distinct source/destination MAC addresses pairs"
            ),
            (
                "srcMac_dstMac_numP",
                "MAC_MAC_U64:R",
                "Source/destination MAC address, number of packets of MAC address combination"
            ),
            (
                "srcMacLbl_dstMacLbl",
                "SC_SC:R",
                "Source/destination MAC label"
            ),
        ]
    );
    assert_eq!(h.state.packet_columns, ["srcMacLbl", "dstMacLbl"]);
    h.finalize(p).unwrap();
    assert_eq!(macRecorder::descriptor().number, 110);
}

/// ndpi/fuzz-2020-02-16-11740.pcap flow 22 A (57 packets with 18 distinct MAC pairs, the
/// capture's MACs being fuzzed): the list fills up with the 16th pair; from then on no packet
/// counts, not even those of the first pair (27 counted of its 47).
#[test]
fn full_list_stops_counting() {
    const PAIRS: [(&str, &str); 18] = [
        ("00:14:4f:fb:8a:ea", "00:00:0c:07:ac:40"),
        ("00:14:4f:fd:8a:ea", "00:00:0c:07:ac:40"),
        ("00:14:50:fb:8a:ea", "00:00:0c:07:48:40"),
        ("00:14:4f:fb:8a:ea", "00:78:0c:07:ac:40"),
        ("00:14:4f:fb:8a:ea", "41:00:0c:07:ac:40"),
        ("00:14:4f:fb:8a:ea", "00:00:0c:07:ac:44"),
        ("00:14:4f:fb:8a:ea", "00:41:0c:07:ac:40"),
        ("00:14:4f:fb:8a:ea", "00:73:0c:07:ac:40"),
        ("00:77:4f:fb:8a:ea", "00:00:0c:07:ac:40"),
        ("00:14:4f:fb:8a:ea", "00:00:0c:25:00:40"),
        ("ae:14:4f:fb:8a:ea", "00:00:0c:07:ac:40"),
        ("f3:14:4f:fb:8a:ea", "00:00:0c:07:ac:40"),
        ("00:34:4f:fb:8a:ea", "00:00:0c:07:ac:40"),
        ("00:14:4f:fb:8a:ea", "00:00:0c:07:ac:05"),
        ("00:14:4f:fb:8a:ea", "00:00:0c:07:ac:25"),
        ("00:14:4f:fb:8a:ea", "00:00:6a:07:ac:40"),
        ("00:14:4f:f3:8a:ea", "00:00:0c:07:ac:40"),
        ("00:14:4f:77:8a:ea", "00:00:0c:07:ac:40"),
    ];
    // The pairs of the flow's packets in capture order (indices into PAIRS).
    const SEQ: &str = "0 0 1 0 2 0 0 3 4 0 0 0 0 0 5 0 6 7 0 8 9 10 0 0 11 0 0 12 0 0 0 13 14 0 \
                       0 0 0 0 0 0 0 15 0 0 16 0 0 0 0 17 0 0 0 0 0 0 0";
    let table = "00:14:4F\tOracleCor,US\tOracle Corporation\n\
                 00:00:0C\tCiscoSyst,US\tCisco Systems, Inc\n\
                 00:14:50\tHeimSyste,DE\n\
                 00:00:6A\tComputerC,US\n";
    let mut r = Run::new("overflow", 1, Some(table));
    let mut fields = Vec::new();
    for i in SEQ.split_whitespace() {
        let (s, d) = PAIRS[i.parse::<usize>().unwrap()];
        fields.push(r.send(0, Some((s, d))));
    }
    // Packet columns: the labels of each packet's own addresses (also past the overflow).
    assert_eq!(fields[0], ["OracleCor,US", "CiscoSyst,US"]);
    assert_eq!(fields[4], ["HeimSyste,DE", "CiscoSyst,US"]);
    assert_eq!(fields[44], ["OracleCor,US", "CiscoSyst,US"]);
    assert_eq!(fields[49], ["OracleCor,US", "CiscoSyst,US"]);
    // The reference flows.txt, columns macStat .. srcMacLbl_dstMacLbl.
    assert_eq!(
        r.columns(0),
        "0x01\t16\t00:14:4f:fb:8a:ea_00:00:0c:07:ac:40_27;00:14:4f:fd:8a:ea_00:00:0c:07:ac:40_1;\
         00:14:50:fb:8a:ea_00:00:0c:07:48:40_1;00:14:4f:fb:8a:ea_00:78:0c:07:ac:40_1;\
         00:14:4f:fb:8a:ea_41:00:0c:07:ac:40_1;00:14:4f:fb:8a:ea_00:00:0c:07:ac:44_1;\
         00:14:4f:fb:8a:ea_00:41:0c:07:ac:40_1;00:14:4f:fb:8a:ea_00:73:0c:07:ac:40_1;\
         00:77:4f:fb:8a:ea_00:00:0c:07:ac:40_1;00:14:4f:fb:8a:ea_00:00:0c:25:00:40_1;\
         ae:14:4f:fb:8a:ea_00:00:0c:07:ac:40_1;f3:14:4f:fb:8a:ea_00:00:0c:07:ac:40_1;\
         00:34:4f:fb:8a:ea_00:00:0c:07:ac:40_1;00:14:4f:fb:8a:ea_00:00:0c:07:ac:05_1;\
         00:14:4f:fb:8a:ea_00:00:0c:07:ac:25_1;00:14:4f:fb:8a:ea_00:00:6a:07:ac:40_1\t\
         OracleCor,US_CiscoSyst,US;OracleCor,US_CiscoSyst,US;HeimSyste,DE_CiscoSyst,US;\
         OracleCor,US_-;OracleCor,US_-;OracleCor,US_CiscoSyst,US;OracleCor,US_-;OracleCor,US_-;\
         -_CiscoSyst,US;OracleCor,US_CiscoSyst,US;-_CiscoSyst,US;-_CiscoSyst,US;-_CiscoSyst,US;\
         OracleCor,US_CiscoSyst,US;OracleCor,US_CiscoSyst,US;OracleCor,US_ComputerC,US"
    );
    // The log of the capture: the aggregate (and, for the whole capture, the pairs line).
    let report = r.finish();
    assert!(
        report.starts_with(&format!("{BOLD} Aggregated macStat=0x01\n")),
        "{report}"
    );
}

/// tcpdump/HSRP_failover.pcap: three flows terminated in the order 1, 3, 2 with 1, 1 and 2
/// pairs; the report's "average" is the moving average 0.7 * avg + 0.3 * pairs: 1.30.
#[test]
fn report_moving_average_hsrp() {
    let table = "00:00:0C\tCiscoSyst,US\n01:00:5E:00:00:00/25\tIPv4Multi\n";
    let mut r = Run::new("hsrp", 3, Some(table));
    let (a, b, c) = (
        ("00:00:0c:07:ac:01", "01:00:5e:00:00:02"),
        ("c2:03:34:8d:00:00", "01:00:5e:00:00:02"),
        ("c2:02:34:77:00:00", "01:00:5e:00:00:02"),
    );
    // Packets 1-39 of the capture: flowInd 1 = slot 0, 2 = slot 1, 3 = slot 2.
    let seq = "1a 2b 1a 2b 1a 2b 1a 2b 3c 1a 1a 2b 2b 2b 3c 2b 2a 3c 2a 3c 3c 2a 2a 2a 3c 3c 2a \
               3c 2a 3c 2a 2a 3c 2a 3c 2a 3c 3c 2a";
    for p in seq.split_whitespace() {
        let slot = (p.as_bytes()[0] - b'1') as usize;
        let macs = match p.as_bytes()[1] {
            b'a' => a,
            b'b' => b,
            _ => c,
        };
        let f = r.send(slot, Some(macs));
        if macs == a {
            assert_eq!(f, ["CiscoSyst,US", "IPv4Multi"]);
        } else {
            assert_eq!(f, ["-", "IPv4Multi"]);
        }
    }
    assert_eq!(
        r.columns(0),
        "0x00\t1\t00:00:0c:07:ac:01_01:00:5e:00:00:02_6\tCiscoSyst,US_IPv4Multi"
    );
    assert_eq!(
        r.columns(2),
        "0x00\t1\tc2:02:34:77:00:00_01:00:5e:00:00:02_13\t-_IPv4Multi"
    );
    assert_eq!(
        r.columns(1),
        "0x00\t2\tc2:03:34:8d:00:00_01:00:5e:00:00:02_8;00:00:0c:07:ac:01_01:00:5e:00:00:02_12\t\
         -_IPv4Multi;CiscoSyst,US_IPv4Multi"
    );
    assert_eq!(
        r.finish(),
        format!("{BOLD} MAC pairs per flow: min: 1, max: 2, average: 1.30\n")
    );
}

/// tcpdump/dcb_ets.pcap: nine flows (one with two pairs, the third terminated): average 1.04.
#[test]
fn report_moving_average_dcb() {
    let mut r = Run::new("dcb", 9, None);
    // Termination order of the reference flows.txt: flowInd 7, 8, 4, 5, 6, 1, 2, 9, 3.
    for (slot, pairs) in [
        (0, 1),
        (1, 1),
        (2, 2),
        (3, 1),
        (4, 1),
        (5, 1),
        (6, 1),
        (7, 1),
        (8, 1),
    ] {
        for i in 0..pairs {
            let src = format!("08:00:27:00:00:0{i}");
            r.send(slot, Some((&src, "33:33:00:00:00:16")));
        }
    }
    for slot in 0..9 {
        r.columns(slot);
    }
    assert_eq!(
        r.finish(),
        format!("{BOLD} MAC pairs per flow: min: 1, max: 2, average: 1.04\n")
    );
}

/// No label table: every label is "-"; a report without flows of several pairs is empty.
#[test]
fn without_table() {
    let mut r = Run::new("notable", 1, None);
    assert_eq!(
        r.send(0, Some(("00:00:0c:07:ac:01", "ff:ff:ff:ff:ff:ff"))),
        ["-", "-"]
    );
    assert_eq!(
        r.columns(0),
        "0x00\t1\t00:00:0c:07:ac:01_ff:ff:ff:ff:ff:ff_1\t-_-"
    );
    assert!(
        r.h.state
            .logs
            .iter()
            .any(|(_, l)| l.contains("0 records loaded"))
    );
    assert_eq!(r.finish(), "");
}

/// tcpdump/radius_rfc5447_invalid_length.pcap (Linux cooked): source 00:00:00:00:00:00 gets
/// no label although 00:00:00 is an assigned OUI; tcpdump/gquic.pcap (raw IP): no MAC, no pair,
/// empty packet columns.
#[test]
fn zero_address_and_no_address() {
    let table = "00:00:00\tXEROXCORP,US\n00:00:03\tXEROXCORP,US\n";
    let mut r = Run::new("zero", 2, Some(table));
    assert_eq!(
        r.send(0, Some(("00:00:00:00:00:00", "00:00:03:04:00:06"))),
        ["-", "XEROXCORP,US"]
    );
    assert_eq!(
        r.columns(0),
        "0x00\t1\t00:00:00:00:00:00_00:00:03:04:00:06_1\t-_XEROXCORP,US"
    );
    assert_eq!(r.send(1, None), ["", ""]);
    assert_eq!(r.columns(1), "0x00\t0\t\t");
    assert_eq!(r.finish(), "");
}
