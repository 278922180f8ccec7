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
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (the corpus and the original's outputs) is not present");
        return;
    };
    let plugins = TempDir::new("modes-plugins");
    install(plugins.path(), &["basicFlow", "txtSink"]);
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
