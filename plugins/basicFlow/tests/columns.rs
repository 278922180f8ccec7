//! The declared columns follow the build settings (and equal T2's HEADERS.flows.txt with the
//! defaults).

use basicFlow::config::*;
use t2_plugin::testing::{MockHost, empty_packet};

#[test]
fn columns_follow_settings() {
    let mut h = MockHost::new(4);
    let p = h.load(basicFlow::descriptor()).unwrap();
    let got: Vec<(String, String)> = h
        .state
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.type_.clone()))
        .collect();
    let mut want: Vec<(&str, &str)> = Vec::new();
    if BFO_SENSORID != 0 {
        want.push(("sensorID", "U32"));
    }
    want.extend([
        ("flowStat", "H64"),
        ("timeFirst", "U64.U32"),
        ("timeLast", "U64.U32"),
        ("duration", "U64.U32"),
        ("numHdrDesc", "U8"),
        ("numHdrs", "U16:R"),
        ("hdrDesc", "SC:R"),
    ]);
    if BFO_MAC != 0 {
        want.extend([("srcMac", "MAC:R"), ("dstMac", "MAC:R")]);
    }
    if BFO_ETHERTYPE != 0 {
        want.push(("ethType", "H16"));
    }
    if BFO_VLAN != 0 {
        want.push(("vlanID", "U16:R"));
    }
    for d in ["src", "dst"] {
        want.push((if d == "src" { "srcIP" } else { "dstIP" }, "IPX"));
        if BFO_SUBNET_TEST != 0 {
            want.push((if d == "src" { "srcIPCC" } else { "dstIPCC" }, "SC"));
            if BFO_SUBNET_ORG != 0 {
                want.push((if d == "src" { "srcIPOrg" } else { "dstIPOrg" }, "S"));
            }
        }
        want.push((if d == "src" { "srcPort" } else { "dstPort" }, "U16"));
    }
    want.push(("l4Proto", "U8"));
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);

    // A record has exactly the declared columns.
    let mut pkt = empty_packet();
    h.flows[1].ip_ver = 4;
    h.new_flow(&p, &pkt, 1).unwrap();
    pkt.hdr_desc = t2_plugin::abi::T2Str::new("eth:ipv4:tcp");
    h.layer4(&p, &pkt, 1).unwrap();
    let rec = h.terminate(&p, 1).unwrap();
    let schema = t2_plugin::Schema::from_triples(
        h.state
            .columns
            .iter()
            .map(|c| (c.name.as_str(), "", c.type_.as_str())),
    )
    .unwrap();
    let mut line = Vec::new();
    t2_plugin::TextFormatter::default()
        .format_record(&schema, &rec, &mut line)
        .unwrap();
    h.finalize(p).unwrap();
}

#[test]
fn descriptor_carries_build_config() {
    let d = basicFlow::descriptor();
    assert_eq!(d.number, 100);
    // SAFETY: static strings.
    let cfg: Vec<(&str, &str)> =
        unsafe { std::slice::from_raw_parts(d.build_config, d.build_config_len) }
            .iter()
            .map(|e| unsafe { (e.name.to_str().unwrap(), e.value.to_str().unwrap()) })
            .collect();
    assert!(cfg.contains(&("BFO_MAC", if BFO_MAC != 0 { "1" } else { "0" })));
    assert_eq!(cfg.len(), 25);
}
