use super::*;

const OUI_TXT: &str = "OUI/MA-L                                                    Organization\r\n\
company_id                                                  Organization\r\n\
\r\n\
00-00-0C   (hex)\t\tCisco Systems, Inc\r\n\
00000C     (base 16)\t\tCisco Systems, Inc\r\n\
\t\t\t\t170 WEST TASMAN DRIVE\r\n\
\t\t\t\tSAN JOSE  CA  95134-1706\r\n\
\t\t\t\tUS\r\n\
\r\n\
00-00-0D   (hex)\t\tFIBRONICS LTD.\r\n\
00000D     (base 16)\t\tFIBRONICS LTD.\r\n\
\t\t\t\tMATAM TECHNOLOGY CENTER\r\n\
\t\t\t\t    \r\n\
\t\t\t\tIL\r\n\
\r\n\
11-00-AA   (hex)\t\tPrivate\r\n\
1100AA     (base 16)\t\tPrivate\r\n\
\r\n\
00-00-00   (hex)\t\tXEROX CORPORATION\r\n\
000000     (base 16)\t\tXEROX CORPORATION\r\n\
\t\t\t\tM/S 105-50C\r\n\
\t\t\t\tWEBSTER  NY  14580\r\n\
\t\t\t\tUS\r\n\
\r\n\
00-00-0C   (hex)\t\tSecond listing\r\n\
00000C     (base 16)\t\tSecond listing\r\n\
\t\t\t\tXX\r\n\
\r\n";

const MAM_TXT: &str = "20-85-93   (hex)\t\tIOG Products LLC\r\n\
B00000-BFFFFF     (base 16)\t\tIOG Products LLC\r\n\
\t\t\t\t9737 LURLINE AVENUE\r\n\
\t\t\t\tCHATSWORTH  CA  91311\r\n\
\t\t\t\tUS\r\n\
\r\n\
70-B3-D5   (hex)\t\tTELEPLATFORMS\r\n\
F2F000-F2FFFF     (base 16)\t\tTELEPLATFORMS\r\n\
\t\t\t\tPolbina st., 3/1\r\n\
\t\t\t\tMoscow    109388\r\n\
\t\t\t\tRU\r\n\
\r\n";

#[test]
fn ieee_listings_parse() {
    let r = oui::parse_ieee_txt(OUI_TXT, 24);
    assert_eq!(r.len(), 5);
    assert_eq!(
        r[0],
        oui::Record {
            prefix: "00000C".into(),
            bits: 24,
            name: "Cisco Systems, Inc".into(),
            country: "US".into()
        }
    );
    // Blank (space-only) address lines do not end the record.
    assert_eq!(
        (r[1].name.as_str(), r[1].country.as_str()),
        ("FIBRONICS LTD.", "IL")
    );
    // No address: no country.
    assert_eq!(
        (r[2].prefix.as_str(), r[2].country.as_str()),
        ("1100AA", "")
    );
    let m = oui::parse_ieee_txt(MAM_TXT, 28);
    assert_eq!((m[0].prefix.as_str(), m[0].bits), ("208593B", 28));
    let s = oui::parse_ieee_txt(MAM_TXT, 36);
    assert_eq!(
        (s[1].prefix.as_str(), s[1].country.as_str()),
        ("70B3D5F2F", "RU")
    );
}

#[test]
fn short_labels_read_as_the_originals() {
    for (name, cc, want) in [
        ("Cisco Systems, Inc", "US", "CiscoSyst,US"),
        ("Routerboard.com", "LV", "Routerboa,LV"),
        ("Parallels, Inc.", "US", "Parallels,US"),
        ("HUAWEI TECHNOLOGIES CO.,LTD", "CN", "HuaweiTec,CN"),
        ("TP-LINK TECHNOLOGIES CO.,LTD.", "CN", "TPLinkTec,CN"),
        ("IBM Corp", "US", "IbmCorp,US"),
        ("NEC Corporation", "JP", "NecCorp,JP"),
        ("GL Technologies (Hong Kong) Limited", "HK", "GLTechHon,HK"),
        ("VIA TECHNOLOGIES, INC.", "US", "ViaTechIn,US"),
        ("ADITEC CO. LTD", "KR", "AditecCoL,KR"),
        ("3COM", "US", "3com,US"),
        ("EQUIP'TRANS", "FR", "Equip'Tra,FR"),
        ("Glunz & Jensen", "DK", "Glunz&Jen,DK"),
        ("Metrohm AG", "CH", "MetrohmAG,CH"),
        ("CONNECT AS", "DK", "ConnectAS,DK"),
        ("XEROX CORPORATION", "US", "XEROXCORP,US"),
        ("FUJITSU LIMITED", "JP", "FUJITSULI,JP"),
        ("VIASAT, INCORPORATED", "US", "VIASATINC,US"),
        ("Private", "", "Private,"),
        ("ABEKAS VIDEO SYSTEM", "US", "AbekasVid,US"),
    ] {
        assert_eq!(oui::short_label(name, cc), want, "{name}");
    }
}

#[test]
fn oui_table_lines() {
    let mut recs = oui::parse_ieee_txt(OUI_TXT, 24);
    recs.extend(oui::parse_ieee_txt(MAM_TXT, 28));
    recs.extend(oui::parse_ieee_txt(MAM_TXT, 36));
    let t = oui::table_text(&recs);
    let lines: Vec<&str> = t.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(lines.contains(&"00:00:0C\tCiscoSyst,US\tCisco Systems, Inc"));
    assert!(!t.contains("Second listing"), "first listing wins");
    assert!(lines.contains(&"11:00:AA\tPrivate,\tPrivate"));
    assert!(lines.contains(&"20:85:93:B0/28\tIogProduc,US\tIOG Products LLC"));
    assert!(lines.contains(&"70:B3:D5:F2:F0/36\tTeleplatf,RU\tTELEPLATFORMS"));
    assert!(lines.contains(&"01:00:5E\tIPv4Multi\tIPv4 multicast (RFC 1112)"));
    assert!(lines.contains(&"33:33\tIPv6Multi\tIPv6 multicast (RFC 2464)"));
    assert!(
        lines.contains(
            &"01:80:C2:00:00:02\tSlow_Prot\tIEEE 802.3 Slow Protocols (LACP, Marker, OAM)"
        )
    );
    assert!(lines.contains(&"FF:FF:FF:FF:FF:FF\tBroadcast\tBroadcast"));
    for l in &lines {
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 3, "{l}");
        assert!(f[1].split(',').next().unwrap().chars().count() <= 9, "{l}");
    }
}

#[test]
fn services_ranges_transports_first_name_and_descriptions() {
    let text = "# comment\n\
        tcpmux\t\t1/tcp/udp\t# TCP Port Service Multiplexer\n\
        discard\t\t9/tcp/udp/sctp/dccp\t# Discard\n\
        cadlock2\t1000/tcp/udp\n\
        x11\t\t6000/tcp\tx11-0\t\t# X Window System\n\
        x11\t\t6000-6003/tcp/udp\t# X Window System\n\
        other\t\t6001/tcp\t# ignored: 6001/tcp is listed above\n\
        cm\t\t5910/sctp\t# Context Management\n\
        bad\t\tabc/tcp\n";
    let s = services::parse(text);
    assert_eq!(
        s[&(1, "udp")],
        ("tcpmux".into(), "TCP Port Service Multiplexer".into())
    );
    assert!(!s.contains_key(&(5910, "tcp")), "SCTP only");
    assert_eq!(s[&(6001, "tcp")].0, "x11");
    assert_eq!(s[&(6003, "udp")].0, "x11");
    assert!(!s.contains_key(&(6004, "udp")));
    let t = services::portmap_text(&s);
    assert!(t.contains("9\ttcp\tdiscard\tDiscard\n"));
    assert!(
        t.contains("1000\tudp\tcadlock2\tcadlock2\n"),
        "no description: the name"
    );
    assert!(t.starts_with("1\ttcp\t"), "ordered by port, tcp first");
}

#[test]
fn netbase_protocols_and_ethertypes() {
    let p = names::parse_protocols(
        "ip\t0\tIP\t\t# internet protocol, pseudo protocol number\n\
         hopopt\t0\tHOPOPT\t\t# IPv6 Hop-by-Hop Option [RFC1883]\n\
         vrrp\t112\tVRRP\t\t# Virtual Router Redundancy Protocol [RFC5798]\n\
         manet\t138\t\t\t# MANET Protocols [RFC5498]\n\
         ethernet 143\tEthernet\n\
         mptcp\t262\tMPTCP\t\t# Multipath TCP connection\n",
    );
    assert_eq!(p[&0], "internet protocol, pseudo protocol number");
    assert_eq!(p[&112], "Virtual Router Redundancy Protocol");
    assert_eq!(p[&143], "Ethernet");
    assert!(!p.contains_key(&262));
    let t = names::proto_text(&p);
    assert!(t.contains("0\tIPv6 Hop-by-Hop Option\n"), "our table first");
    assert!(t.contains("6\tTransmission Control Protocol (TCP)\n"));
    assert!(t.contains("143\tEthernet\n"), "completed from netbase");
    let e = names::parse_ethertypes(
        "IPv4\t\t0800\tip ip4\t# IP (IPv4)\nX25\t\t0805\nPBB\t\t88E7\tmacinmac # Provider Backbone Bridging [802.1ah]\n",
    );
    assert_eq!(e[&0x0805], "X25");
    let t = names::ethertypes_text(&e);
    assert!(t.contains("0x0800\tInternet Protocol version 4 (IPv4)\n"));
    assert!(t.contains("0x88e7\tProvider Backbone Bridging\n"));
    assert!(t.contains("0x86dd\tInternet Protocol version 6 (IPv6)\n"));
}

#[test]
fn dpkg_versions() {
    let status = "Package: ieee-data\nStatus: install ok installed\nVersion: 20220827.1\n\n\
        Package: netbase\nStatus: deinstall ok config-files\nVersion: 6.3\n\n";
    assert_eq!(
        dpkg_version(status, "ieee-data").as_deref(),
        Some("20220827.1")
    );
    assert_eq!(dpkg_version(status, "netbase"), None);
    assert_eq!(dpkg_version(status, "other"), None);
}

fn temp_dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("t2data-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p).unwrap();
    p
}

#[test]
fn install_writes_headers_and_reports_missing_sources() {
    let src_dir = temp_dir("src");
    fs::write(src_dir.join("oui.txt"), OUI_TXT).unwrap();
    fs::write(src_dir.join("mam.txt"), MAM_TXT).unwrap();
    fs::write(
        src_dir.join("services"),
        "http\t\t80/tcp/udp/sctp\t# World Wide Web HTTP\n",
    )
    .unwrap();
    fs::write(
        src_dir.join("status"),
        "Package: ieee-data\nStatus: install ok installed\nVersion: 20220827.1\n",
    )
    .unwrap();
    let src = Sources {
        ieee_dir: src_dir.clone(),
        wireshark_services: src_dir.join("services"),
        protocols: src_dir.join("protocols"),
        ethertypes: src_dir.join("ethertypes"),
        dpkg_status: src_dir.join("status"),
        geoip_dir: src_dir.join("GeoIP"),
        ip_location_db: src_dir.join("ip-location-db"),
    };
    let out = temp_dir("out");
    let mut kinds: Vec<TableKind> = tables_of_plugin("macRecorder").to_vec();
    kinds.extend(tables_of_plugin("portClassifier"));
    kinds.extend(tables_of_plugin("protoStats"));
    let r = install(&out, &kinds, &src).unwrap();
    assert_eq!(r.len(), 4, "portmap.txt once");
    let oui = fs::read_to_string(out.join("macRecorder_oui.txt")).unwrap();
    assert!(oui.starts_with("# macRecorder_oui.txt: "));
    assert!(
        oui.lines()
            .nth(1)
            .unwrap()
            .starts_with("# source: ieee-data 20220827.1 (")
    );
    let pm = fs::read_to_string(out.join("portmap.txt")).unwrap();
    assert!(pm.contains("libwireshark-data (version unknown)"));
    assert!(pm.contains("\n80\ttcp\thttp\tWorld Wide Web HTTP\n"));
    let missing: Vec<TableKind> = r
        .iter()
        .filter_map(|i| match i {
            Installed::Missing(k, msg) => {
                assert!(msg.contains("apt-get install netbase"), "{msg}");
                Some(*k)
            }
            Installed::Written(..) => None,
        })
        .collect();
    assert_eq!(missing, [TableKind::Proto, TableKind::Ethertypes]);
    assert!(!out.join("proto.txt").exists());
    let _ = fs::remove_dir_all(&src_dir);
    let _ = fs::remove_dir_all(&out);
}
