//! Operational modes (core settings) end to end: each setting is applied through the
//! environment (as `t2conf tranalyzer2 -D NAME=VALUE` would through the core settings file) to
//! corpus captures, and every column we write is compared with the original's output for the
//! same setting (`../shared/conformance-variants/`, made with a T2 build with that `#define`
//! changed). The captures are chosen so that the setting changes the output: each test also
//! checks that the default run differs, so it cannot pass by doing nothing.

use std::path::Path;

use t2_tests::*;

/// Runs t2 on `capture` (relative to `../shared/pcaps`) with `env`; returns the flow file.
fn run(shared: &Path, plugins: &Path, out: &TempDir, capture: &str, env: &[(&str, &str)]) -> std::path::PathBuf {
    let prefix = out.path().join(capture.replace('/', "_"));
    let mut cmd = std::process::Command::new(&bins().t2);
    cmd.current_dir(shared.join("pcaps"))
        .args(["-p", plugins.to_str().unwrap(), "-r", capture, "-w", prefix.to_str().unwrap(), "-l"])
        .env("HOME", out.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("t2 runs");
    assert!(o.status.success(), "{capture}: {}", String::from_utf8_lossy(&o.stderr));
    std::path::PathBuf::from(format!("{}_flows.txt", prefix.display()))
}

/// Differences between our flow file and the reference, over the columns we write.
fn diff_our_columns(reference: &Path, ours: &Path) -> Vec<String> {
    let (rh, rr) = read_flows(reference);
    let (oh, or) = read_flows(ours);
    let mut d = Vec::new();
    if rr.len() != or.len() {
        d.push(format!("{} rows expected, {} got", rr.len(), or.len()));
        return d;
    }
    for (j, name) in oh.iter().enumerate() {
        if GEO_COLUMNS.contains(&name.as_str()) {
            continue;
        }
        let Some(i) = rh.iter().position(|c| c == name) else {
            d.push(format!("column {name} is not in the reference"));
            continue;
        };
        for (k, (r, o)) in rr.iter().zip(&or).enumerate() {
            if r.get(i) != o.get(j) {
                d.push(format!("row {} {name}: expected {:?}, got {:?}", k + 1, r.get(i), o.get(j)));
            }
        }
    }
    d
}

fn check_variant(variant: &str, setting: (&str, &str), captures: &[&str]) {
    check_variant_with(variant, setting, captures, &["basicFlow", "txtSink"]);
}

fn check_variant_with(variant: &str, setting: (&str, &str), captures: &[&str], plugin_set: &[&str]) {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (the corpus and the original's outputs) is not present");
        return;
    };
    let plugins = TempDir::new("modes-plugins");
    install(plugins.path(), plugin_set);
    let out = TempDir::new("modes-out");
    for capture in captures {
        let reference = shared.join(format!("conformance-variants/{variant}/{capture}.flows.txt"));
        let ours = run(&shared, plugins.path(), &out, capture, &[setting]);
        let d = diff_our_columns(&reference, &ours);
        assert!(d.is_empty(), "{capture} with {}={}:\n{}", setting.0, setting.1, d.join("\n"));
        // The setting matters for this capture: the default run differs from the variant.
        let default = run(&shared, plugins.path(), &out, capture, &[]);
        assert!(!diff_our_columns(&reference, &default).is_empty(), "{capture}: {} has no effect here", setting.0);
    }
}

#[test]
fn ipv4_only_drops_ipv6_flows_and_keeps_tunnels_on_their_ipv4_header() {
    check_variant(
        "ipv4only",
        ("IPV6_ACTIVATE", "0"),
        &["ndpi/6in6tunnel.pcap", "ndpi/dns_fragmented.pcap", "zeek/erspan.pcap", "suricata-verify/bug-4571-04/ipv6_over_ipv4.pcap"],
    );
}

#[test]
fn reltime_starts_flow_times_at_the_first_packet() {
    check_variant("reltime", ("RELTIME", "1"), &["zeek/rotation.pcap", "nfstream/http_ipv6.pcap", "tcpdump/pim_header_asan.pcap"]);
}

#[test]
fn eth_activate_0_makes_no_layer2_flows() {
    check_variant("noeth", ("ETH_ACTIVATE", "0"), &["zeek/arp-who-has.pcap", "tcpdump/802.1ad_QinQ.pcap", "zeek/cisco-fabric-path.pcap"]);
}

#[test]
fn eth_activate_2_puts_the_mac_addresses_in_the_flow_key() {
    check_variant("ethkey", ("ETH_ACTIVATE", "2"), &["zeek/q-in-q.pcap", "tcpdump/lspping-fec-ldp.pcap", "ndpi/fuzz-2020-02-16-11740.pcap"]);
}

#[test]
fn sctp_activate_1_makes_a_flow_per_sctp_stream() {
    // Every SCTP capture of the variant whose flows change, with basicStats for the packet and
    // byte counts each stream flow gets (one per chunk). Left out: sctp-max-chunks (the
    // original reads the stream of its last chunks from memory past the capture) and the
    // captures whose only change is the original's zero L7 length of IPv6 packets in this
    // mode (docs/divergences.md).
    check_variant_with(
        "sctp",
        ("SCTP_ACTIVATE", "1"),
        &[
            "ndpi/sctp.cap",
            "suricata-verify/sctp-keywords/input.pcap",
            "suricata-verify/sctp-keywords-prefilter/input.pcap",
            "tcpdump/forces1.pcap",
            "tcpdump/forces2.pcap",
            "tcpdump/forces3.pcap",
            "tcpdump/isup.pcap",
            "zeek/communityid/sctp.pcap",
        ],
        &["basicFlow", "basicStats", "txtSink"],
    );
}

#[test]
fn a_bad_mode_value_is_refused_naming_the_setting() {
    let out = TempDir::new("modes-bad");
    let plugins = TempDir::new("modes-bad-plugins");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let o = std::process::Command::new(&bins().t2)
        .current_dir(root().join("testdata"))
        .args(["-p", plugins.path().to_str().unwrap(), "-r", "gre-sample.pcap", "-w", out.path().join("x").to_str().unwrap()])
        .env("HOME", out.path())
        .env("IPV6_ACTIVATE", "3")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = strip_ansi(&String::from_utf8_lossy(&o.stderr));
    assert!(err.contains("IPV6_ACTIVATE") && err.contains("expected 0 (IPv4 only), 1 (IPv6 only) or 2"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Modes that need a plugin's cooperation or have no reference output: expectations from the
// spec (§1.6, §1.11, §1.13), on the bundled capture.
// ---------------------------------------------------------------------------------------------

/// Compiles the C fixture plugin (tests/fixtures/c/fixture.c) with `defines` into `dir`.
fn c_fixture(dir: &Path, defines: &[&str]) {
    c_fixture_as(dir, "150_cfix.so", defines);
}

/// [`c_fixture`] into the file `so` (a second fixture plugin needs its own name, number and
/// column through `-DFIX_NAME=...`).
fn c_fixture_as(dir: &Path, so: &str, defines: &[&str]) {
    let o = std::process::Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()))
        .current_dir(root())
        .args(["-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-I", "crates/t2-abi/include"])
        .args(defines)
        .arg("-o")
        .arg(dir.join(so))
        .arg("tests/fixtures/c/fixture.c")
        .output()
        .expect("a C compiler `cc` (or $CC) is needed");
    assert!(o.status.success(), "cc failed:\n{}", String::from_utf8_lossy(&o.stderr));
}

/// Runs t2 on the bundled capture with `env`; returns (flow rows with the header first, log).
fn run_bundled(plugins: &Path, env: &[(&str, &str)], extra: &[&str]) -> (Vec<Vec<String>>, String, TempDir) {
    let out = TempDir::new("modes-b");
    let prefix = out.path().join("gre");
    let mut cmd = std::process::Command::new(&bins().t2);
    cmd.current_dir(root().join("testdata"))
        .args(["-p", plugins.to_str().unwrap(), "-r", "gre-sample.pcap", "-w", prefix.to_str().unwrap(), "-l"])
        .args(extra)
        .env("HOME", out.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let flows = std::fs::read_to_string(format!("{}_flows.txt", prefix.display())).unwrap();
    let log = strip_ansi(&std::fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap());
    (flows.lines().map(|l| l.split('\t').map(String::from).collect()).collect(), log, out)
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c.trim_start_matches('%') == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn force_mode_ends_flows_when_a_plugin_asks_and_is_off_by_default() {
    let plugins = TempDir::new("modes-force");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    c_fixture(plugins.path(), &["-DFIX_FORCE_AFTER=2"]);
    let (plain, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let (forced, log, _o2) = run_bundled(plugins.path(), &[("FORCE_MODE", "1")], &[]);
    let (pk, st) = (col(&forced, "cfixPkts"), col(&forced, "flowStat"));
    // Without FORCE_MODE the requests are ignored: some flow has more than 2 packets.
    assert!(plain[1..].iter().any(|r| r[col(&plain, "cfixPkts")].parse::<u32>().unwrap() > 2));
    // With it, a flow ends at the packet after its second one: none has more than 2, the flows
    // that asked carry RMFLOW, and there are more flows.
    assert!(forced.len() > plain.len(), "{} vs {} rows", forced.len(), plain.len());
    for r in &forced[1..] {
        let n: u32 = r[pk].parse().unwrap();
        assert!(n <= 2, "{r:?}");
    }
    let rmflow = 0x0000_0200_0000_0000u64;
    assert!(forced[1..].iter().any(|r| hex(&r[st]) & rmflow != 0));
    assert!(log.contains("Creating flows for L2, IPv4, IPv6 [FORCE]"), "{log}");
    let n = forced[1..].iter().filter(|r| hex(&r[st]) & rmflow != 0).count();
    assert!(n > 0 && log.contains("Number of flows terminated by force mode: "), "{log}");
}

#[test]
fn alarm_mode_writes_only_flows_with_alarms() {
    let plugins = TempDir::new("modes-alarm");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    c_fixture(plugins.path(), &["-DFIX_ALARM_ODD"]);
    let (plain, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let (alarms, log, _o2) = run_bundled(plugins.path(), &[("ALARM_MODE", "1")], &[]);
    let pk = col(&plain, "cfixPkts");
    let odd: Vec<&Vec<String>> = plain[1..].iter().filter(|r| r[pk].parse::<u32>().unwrap() % 2 == 1).collect();
    assert!(!odd.is_empty() && odd.len() < plain.len() - 1, "the capture has flows of both kinds");
    // Exactly the flows with an alarm (odd packet count), in the same order.
    assert_eq!(alarms.len() - 1, odd.len());
    for (a, p) in alarms[1..].iter().zip(odd) {
        assert_eq!(a, p);
    }
    assert!(log.contains("Creating flows for L2, IPv4, IPv6 [ALARM]"), "{log}");
    assert!(log.contains(&format!("Number of alarms: {} in {} flows", alarms.len() - 1, alarms.len() - 1)), "{log}");
}

#[test]
fn alarm_and_writes_only_flows_every_voting_plugin_alarmed() {
    // Two plugins vote on every flow: cfix raises an alarm for an odd packet count, cfix2 for
    // at least 3 packets; each reports zero alarms otherwise (spec §1.11: T2_REPORT_ALARMS).
    let plugins = TempDir::new("modes-alarm-and");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    c_fixture(plugins.path(), &["-DFIX_ALARM_ODD"]);
    let (plain, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let pk = col(&plain, "cfixPkts");
    let n = |r: &Vec<String>| r[pk].parse::<u32>().unwrap();
    // cfix2's threshold: the median packet count, so that both votes split the flows.
    let mut counts: Vec<u32> = plain[1..].iter().map(n).collect();
    counts.sort();
    let min = counts[counts.len() / 2];
    c_fixture_as(
        plugins.path(),
        "151_cfix2.so",
        &[&format!("-DFIX_ALARM_MIN={min}"), "-DFIX_NAME=\"cfix2\"", "-DFIX_NUMBER=151", "-DFIX_COLUMN=\"cfix2Pkts\""],
    );
    let odd = |r: &&Vec<String>| n(r) % 2 == 1;
    let big = |r: &&Vec<String>| n(r) >= min;
    let both: Vec<&Vec<String>> = plain[1..].iter().filter(|r| odd(r) && big(r)).collect();
    let either: Vec<&Vec<String>> = plain[1..].iter().filter(|r| odd(r) || big(r)).collect();
    assert!(!both.is_empty() && both.len() < either.len(), "the capture separates AND from OR");

    // OR (ALARM_AND=0, the default): a flow one plugin alarmed is written.
    // (The alarmed runs have cfix2's column too: compare the columns of the plain run.)
    let width = plain[0].len();
    let cut = |rows: &[Vec<String>]| rows[1..].iter().map(|r| r[..width].to_vec()).collect::<Vec<_>>();
    let (or, log_or, _o2) = run_bundled(plugins.path(), &[("ALARM_MODE", "1")], &[]);
    assert_eq!(cut(&or), either.into_iter().cloned().collect::<Vec<_>>());
    assert!(log_or.contains(&format!("in {} flows", or.len() - 1)), "{log_or}");
    // AND: only flows both plugins alarmed; a zero report vetoes the flow.
    let (and, log_and, _o3) = run_bundled(plugins.path(), &[("ALARM_MODE", "1"), ("ALARM_AND", "1")], &[]);
    assert_eq!(cut(&and), both.iter().map(|r| r.to_vec()).collect::<Vec<_>>());
    assert!(log_and.contains(&format!("in {} flows", both.len())), "{log_and}");
}

/// The cells of `names` in row `r`.
fn cells<'a>(rows: &'a [Vec<String>], r: &'a [String], names: &[&str]) -> Vec<&'a str> {
    names.iter().map(|n| r[col(rows, n)].as_str()).collect()
}

#[test]
fn aggregationflag_merges_flows_that_differ_only_in_the_masked_fields() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (the corpus) is not present");
        return;
    };
    let plugins = TempDir::new("modes-aggr");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let out = TempDir::new("modes-aggr-out");
    // Many DNS queries from one client, each from another source port.
    let capture = "zeek/dns-edns-ecs.pcap";
    let read = |env: &[(&str, &str)]| -> Vec<Vec<String>> {
        let f = run(&shared, plugins.path(), &out, capture, env);
        let text = std::fs::read_to_string(f).unwrap();
        text.lines().map(|l| l.split('\t').map(String::from).collect()).collect()
    };
    let key = ["srcIP", "srcPort", "dstIP", "dstPort", "l4Proto"];
    let plain = read(&[]);
    // Expected (spec §1.13): each direction's own source port becomes 1 inside [1, 1024] and 0
    // outside, so the client's ephemeral ports collapse to 0 and the server's port 53 to 1.
    let mut expected: Vec<Vec<String>> = plain[1..]
        .iter()
        .map(|r| {
            let mut k: Vec<String> = cells(&plain, r, &key).iter().map(|s| s.to_string()).collect();
            let p: u16 = k[1].parse().unwrap();
            k[1] = u16::from((1..=1024).contains(&p)).to_string();
            k
        })
        .collect();
    expected.sort();
    expected.dedup();
    let aggr = read(&[("AGGREGATIONFLAG", "0x04")]);
    let mut got: Vec<Vec<String>> = aggr[1..].iter().map(|r| cells(&aggr, r, &key).iter().map(|s| s.to_string()).collect()).collect();
    got.sort();
    assert!(got.len() < plain.len() - 1, "flows were merged ({} -> {})", plain.len() - 1, got.len());
    got.dedup();
    assert_eq!(got, expected);

    // 0x10 with SRCIP4CMSK=16: source addresses keep their /16; the l4Proto bit zeroes the
    // protocol column.
    let aggr = read(&[("AGGREGATIONFLAG", "0x11"), ("SRCIP4CMSK", "16")]);
    for r in &aggr[1..] {
        let ip = &r[col(&aggr, "srcIP")];
        if let Ok(std::net::IpAddr::V4(a)) = ip.parse::<std::net::IpAddr>() {
            assert_eq!(a.octets()[2..], [0, 0], "{ip}");
        }
        assert_eq!(r[col(&aggr, "l4Proto")], "0");
    }
    // A value with an unsupported bit is refused naming the setting.
    let o = std::process::Command::new(&bins().t2)
        .current_dir(shared.join("pcaps"))
        .args(["-p", plugins.path().to_str().unwrap(), "-r", capture, "-w", out.path().join("bad").to_str().unwrap()])
        .env("HOME", out.path())
        .env("AGGREGATIONFLAG", "0x80")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = strip_ansi(&String::from_utf8_lossy(&o.stderr));
    assert!(err.contains("AGGREGATIONFLAG") && err.contains("0x10 (srcIP)"), "{err}");
}

#[test]
fn fdurlimit_splits_long_flows_with_new_or_kept_flow_indices() {
    let plugins = TempDir::new("modes-fdur");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let (plain, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let (split, log, _o2) = run_bundled(plugins.path(), &[("FDURLIMIT", "2")], &[]);
    let (dur, ind, st) = (col(&split, "duration"), col(&split, "flowInd"), col(&split, "flowStat"));
    // The bundled capture has flows of 3 to 23 s; with a 2 s limit none lasts 2 s or more.
    assert!(plain[1..].iter().any(|r| r[dur].parse::<f64>().unwrap() >= 2.0));
    assert!(split.len() > plain.len());
    for r in &split[1..] {
        assert!(r[dur].parse::<f64>().unwrap() < 2.0, "{r:?}");
    }
    assert!(log.contains("Number of flows terminated by FDURLIMIT: "), "{log}");
    let fdlsidx = 0x4000_0000_0000_0000u64;
    assert!(split[1..].iter().all(|r| hex(&r[st]) & fdlsidx == 0));
    let max_ind = |rows: &[Vec<String>]| rows[1..].iter().map(|r| r[ind].parse::<u64>().unwrap()).max().unwrap();
    assert!(max_ind(&split) > max_ind(&plain), "new flows get new indices");
    // FDLSFINDEX: the same rows; a flow continuing one the limit ended keeps its index and
    // carries FDLSIDX, so fewer indices are used.
    let (kept, _, _o3) = run_bundled(plugins.path(), &[("FDURLIMIT", "2"), ("FDLSFINDEX", "1")], &[]);
    assert_eq!(kept.len(), split.len());
    assert!(max_ind(&kept) < max_ind(&split));
    let marked: Vec<usize> = (1..kept.len()).filter(|&i| hex(&kept[i][st]) & fdlsidx != 0).collect();
    assert!(!marked.is_empty());
    for i in marked {
        assert!(kept[1..i].iter().any(|x| x[ind] == kept[i][ind]), "row {i}: its index continues an earlier flow");
    }
}

#[test]
fn packet_mode_payload_columns_follow_the_spktmd_settings() {
    let plugins = TempDir::new("modes-spktmd");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let (_, _, out) = run_bundled(plugins.path(), &[("SPKTMD_PKTNO", "0"), ("SPKTMD_PCNTH", "1")], &["-s"]);
    let text = std::fs::read_to_string(out.path().join("gre_packets.txt")).unwrap();
    let reference = std::fs::read_to_string(root().join("testdata/golden/gre-sample.default.packets.txt")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let head = &rows[0];
    assert_eq!(head[0], "%flowInd", "no pktNo column");
    assert_eq!(&head[head.len() - 2..], ["l7HexContent", "l7Content"]);
    let refrows: Vec<Vec<&str>> = reference.lines().map(|l| l.split('\t').collect()).collect();
    let rc = refrows[0].iter().position(|c| *c == "l7Content").unwrap();
    assert_eq!(rows.len(), refrows.len());
    for (r, o) in refrows[1..].iter().zip(&rows[1..]) {
        // The text column is the original's; the hex column holds the same bytes.
        assert_eq!(o[o.len() - 1], r[rc]);
        let bytes: Vec<u8> =
            o[o.len() - 2].split(' ').filter(|h| !h.is_empty()).map(|h| u8::from_str_radix(h.trim_start_matches("0x"), 16).unwrap()).collect();
        let shown: String = bytes
            .iter()
            .map(|&c| match c {
                0x20..=0x7e if c != b'\\' => (c as char).to_string(),
                b'\\' => "\\\\".into(),
                0x08 => "\\b".into(),
                0x0c => "\\f".into(),
                b'\n' => "\\n".into(),
                b'\r' => "\\r".into(),
                b'\t' => "\\t".into(),
                0x0b => "\\v".into(),
                _ => ".".into(),
            })
            .collect();
        assert_eq!(shown, r[rc]);
    }
}

// ---------------------------------------------------------------------------------------------
// Monitoring (spec §1.10): -M/-m with the interval on packet time (reproducible), SIGUSR1.
// ---------------------------------------------------------------------------------------------

#[test]
fn machine_monitoring_reports_every_interval_of_packet_time() {
    let plugins = TempDir::new("modes-mon");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let (flows, log, out) =
        run_bundled(plugins.path(), &[("MACHINE_REPORT", "1"), ("DIFF_REPORT", "1"), ("MONINTTMPCP", "1")], &["-M", "5", "-m"]);
    assert!(flows.len() > 1);
    let text = std::fs::read_to_string(out.path().join("gre_monitoring.txt")).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines[0][0], "%repTyp");
    let col = |n: &str| lines[0].iter().position(|c| *c == n).unwrap();
    let (pk, t) = (col("numPkts"), col("time"));
    // The bundled capture lasts 28 s: a report at each 5-s boundary that a packet crosses,
    // each with the packets since the previous one (DIFF_REPORT), in time order.
    let reports = &lines[1..];
    assert!(reports.len() >= 4, "{text}");
    let times: Vec<f64> = reports.iter().map(|r| r[t].parse().unwrap()).collect();
    let start: f64 = log
        .lines()
        .find_map(|l| l.strip_prefix("Dump start: "))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    // At most one report per 5-s interval since the first packet, none in the first one.
    let slots: Vec<i64> = times.iter().map(|x| ((x - start) / 5.0).floor() as i64).collect();
    assert!(slots[0] >= 1 && slots.windows(2).all(|w| w[1] > w[0]), "{times:?}");
    let total: u64 = reports.iter().map(|r| r[pk].parse::<u64>().unwrap()).sum();
    let processed: u64 = log.lines().find_map(|l| l.strip_prefix("Number of processed packets: ")).unwrap().trim().parse().unwrap();
    assert!(total < processed && total >= processed / 2, "{total} of {processed}");
    assert!(reports.iter().all(|r| r[0] == "USR1MR_D"));
}

#[test]
fn sigusr1_prints_a_report_and_the_run_goes_on() {
    use std::io::Write;
    let plugins = TempDir::new("modes-usr1");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let out = TempDir::new("modes-usr1-out");
    let prefix = out.path().join("u");
    let mut child = std::process::Command::new(&bins().t2)
        .args(["-p", plugins.path().to_str().unwrap(), "-r", "-", "-w", prefix.to_str().unwrap(), "-m"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let data = std::fs::read(root().join("testdata/gre-sample.pcap")).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let half = data.len() / 2;
    stdin.write_all(&data[..half]).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: plain kill(2) on our child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGUSR1) };
    std::thread::sleep(std::time::Duration::from_millis(200));
    stdin.write_all(&data[half..]).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(format!("{}_monitoring.txt", prefix.display())).unwrap();
    assert!(text.starts_with("USR1 A type report: PCAP time: "), "{text}");
    let n: u64 = text.lines().find_map(|l| l.strip_prefix("Number of processed packets: ")).unwrap().parse().unwrap();
    assert!(n > 0 && n < 40, "the report came mid-capture: {n}");
    // The run went on: every flow of the capture is in the flow file.
    let diffs = diff_flows(&root().join("testdata/golden/gre-sample.basicflow.flows.txt"), Path::new(&format!("{}_flows.txt", prefix.display())));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// The example plugins of the SDK guide (examples/plugins), built and copied into `dir`.
fn example_plugins(dir: &Path) {
    let st = std::process::Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["build", "--release", "--quiet", "-p", "alarmExample", "-p", "forceExample"])
        .status()
        .unwrap();
    assert!(st.success());
    for (lib, file) in [("libalarmExample.so", "990_alarmExample.so"), ("libforceExample.so", "991_forceExample.so")] {
        std::fs::copy(target_dir().join("release").join(lib), dir.join(file)).unwrap();
    }
}

#[test]
fn the_example_plugins_raise_alarms_and_end_flows() {
    let plugins = TempDir::new("modes-examples");
    install(plugins.path(), &["basicFlow", "basicStats", "txtSink"]);
    example_plugins(plugins.path());
    let (plain, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let pk = col(&plain, "pktsSnt");
    let big = plain[1..].iter().filter(|r| r[pk].parse::<u32>().unwrap() >= 10).count();
    assert!(big > 0 && big < plain.len() - 1);
    // alarmExample: an alarm for each flow of at least 10 packets; ALARM_MODE keeps only those.
    let (alarms, log, _o2) = run_bundled(plugins.path(), &[("ALARM_MODE", "1")], &[]);
    assert_eq!(alarms.len() - 1, big);
    assert!(alarms[1..].iter().all(|r| r[pk].parse::<u32>().unwrap() >= 10));
    assert!(log.contains(&format!("Number of alarms: {big} in {big} flows")), "{log}");
    // forceExample: flows end at 100 packets; the bundled capture has none that long, so
    // FORCE_MODE changes nothing here, while a 5-packet limit is tested with the C fixture.
    let (forced, _, _o3) = run_bundled(plugins.path(), &[("FORCE_MODE", "1")], &[]);
    assert_eq!(forced.len(), plain.len());
}

#[test]
fn packetlength_changes_what_the_byte_columns_count() {
    let plugins = TempDir::new("modes-plen");
    install(plugins.path(), &["basicFlow", "basicStats", "txtSink"]);
    let (l7, _, _o1) = run_bundled(plugins.path(), &[], &[]);
    let (l3, _, _o2) = run_bundled(plugins.path(), &[("PACKETLENGTH", "1")], &[]);
    let (l2, _, _o3) = run_bundled(plugins.path(), &[("PACKETLENGTH", "0")], &[]);
    // The column names follow the setting (spec §4.2), and per flow: L7 payload < IP length
    // (at least 20 bytes of IP header per packet) < frame length (at least 14 bytes more).
    let (c7, c3, c2) = (col(&l7, "l7BytesSnt"), col(&l3, "l3BytesSnt"), col(&l2, "l2BytesSnt"));
    let pk = col(&l7, "pktsSnt");
    for ((a, b), c) in l7[1..].iter().zip(&l3[1..]).zip(&l2[1..]) {
        let n: u64 = a[pk].parse().unwrap();
        let (x7, x3, x2): (u64, u64, u64) = (a[c7].parse().unwrap(), b[c3].parse().unwrap(), c[c2].parse().unwrap());
        assert!(x3 >= x7 + 20 * n && x2 >= x3 + 14 * n, "{x7} {x3} {x2} for {n} packets");
    }
}
