//! basicFlow's subnet tables end to end: countries against Debian's `geoiplookup`, the geo
//! columns of a run (flow and packet mode, with and without tables), `t2whois`.

use std::path::{Path, PathBuf};
use std::process::Command;

use t2_tests::*;

fn t2whois() -> PathBuf {
    bins().t2build.with_file_name("t2whois")
}

/// The subnet tables (and the other name tables) generated into a fresh folder.
fn tables() -> TempDir {
    let dir = TempDir::new("geo-tables");
    let out = Command::new(&bins().t2build).arg("--data").arg("-p").arg(dir.path()).output().expect("t2build runs");
    assert!(out.status.success(), "t2build --data failed:\n{}", String::from_utf8_lossy(&out.stdout));
    dir
}

/// A deterministic sample of `n` IPv4 addresses spread over the whole space (a linear
/// congruential sequence).
fn sample_v4(n: usize) -> Vec<String> {
    let mut x: u32 = 0x2545_f491;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            std::net::Ipv4Addr::from(x).to_string()
        })
        .collect()
}

/// `t2whois -p dir IP...` parsed into (address, country or `special`).
fn whois_countries(dir: &Path, ips: &[String]) -> Vec<(String, String)> {
    let out = Command::new(t2whois()).arg("-p").arg(dir).args(ips).output().expect("t2whois runs");
    assert!(out.status.success(), "t2whois failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut res = Vec::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines();
        let ip = lines.next().unwrap().to_string();
        let mut cc = None;
        for l in lines {
            let l = l.trim();
            if let Some(v) = l.strip_prefix("country:") {
                cc = Some(v.trim().to_string());
            } else if l.starts_with("special range:") {
                cc = Some("special".into());
            }
        }
        res.push((ip, cc.unwrap_or_else(|| panic!("no country in {block:?}"))));
    }
    res
}

/// Our IPv4 countries are Debian's geoip-database's: the same as `geoiplookup` gives, for
/// 1,000 public addresses.
#[test]
fn ipv4_countries_agree_with_geoiplookup() {
    let geoiplookup = Command::new("geoiplookup").arg("8.8.8.8").output();
    if geoiplookup.is_err() || !Path::new("/usr/share/GeoIP/GeoIP.dat").is_file() {
        eprintln!("skipped: geoiplookup or /usr/share/GeoIP/GeoIP.dat missing (apt-get install geoip-bin geoip-database)");
        return;
    }
    let dir = tables();
    let ours = whois_countries(dir.path(), &sample_v4(1300));
    let public: Vec<&(String, String)> = ours.iter().filter(|(_, cc)| cc != "special").take(1000).collect();
    assert_eq!(public.len(), 1000, "enough public addresses in the sample");
    let mut differ = Vec::new();
    for (ip, cc) in &public {
        let o = Command::new("geoiplookup").arg(ip).output().unwrap();
        let line = String::from_utf8_lossy(&o.stdout);
        // "GeoIP Country Edition: US, United States" or "... IP Address not found"
        let theirs = line
            .lines()
            .next()
            .and_then(|l| l.split_once(": "))
            .map(|(_, v)| v)
            .filter(|v| !v.starts_with("IP Address not found"))
            .map(|v| v.split(',').next().unwrap().trim().to_ascii_lowercase())
            .unwrap_or_else(|| "-".into());
        if &theirs != cc {
            differ.push(format!("{ip}: geoiplookup {theirs}, t2rs {cc}"));
        }
    }
    eprintln!("geoiplookup agreement: {} of {}", public.len() - differ.len(), public.len());
    assert!(differ.is_empty(), "{} of 1000 differ:\n{}", differ.len(), differ.join("\n"));
}

/// The bundled capture: the special-purpose address is labelled as the original labels it, in
/// flows.txt (quoted) and packets.txt (unquoted); without tables every label is unknown and
/// the start-up lines say so.
#[test]
fn basicflow_labels_flows_and_packets() {
    let plugins = TempDir::new("geo-plugins");
    install(plugins.path(), &["basicFlow", "txtSink"]);
    let out = TempDir::new("geo-run");
    let prefix = out.path().join("g");
    let run = |extra: &[&str]| {
        let mut args = vec!["-p", plugins.path().to_str().unwrap(), "-r", "gre-sample.pcap", "-w", prefix.to_str().unwrap(), "-l"];
        args.extend_from_slice(extra);
        let o = run_t2(&root().join("testdata"), &args, std::time::Duration::from_secs(60));
        assert!(o.status.success(), "t2 failed: {}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["-s"]);
    let (h, rows) = read_flows(Path::new(&format!("{}_flows.txt", prefix.display())));
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let row = rows.iter().find(|r| r[col("srcIP")] == "172.28.2.3").expect("a flow from 172.28.2.3");
    assert_eq!((row[col("srcIPCC")].as_str(), row[col("srcIPOrg")].as_str()), ("05", "\"Private network\""));
    let packets = std::fs::read_to_string(format!("{}_packets.txt", prefix.display())).unwrap();
    assert!(packets.contains("172.28.2.3\t05\tPrivate network\t"), "packet mode: unquoted name");
    let log = strip_ansi(&std::fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap());
    assert!(log.contains("[INF] IPv4 Ver: 1, Rev: ") && log.contains("[INF] IPv6 Ver: 1, Rev: "), "{log}");

    // Without the tables: T2's unknown values, and a run that does not fail.
    for f in ["subnets4.bin", "subnets6.bin"] {
        std::fs::remove_file(plugins.path().join(f)).unwrap();
    }
    run(&[]);
    let (h, rows) = read_flows(Path::new(&format!("{}_flows.txt", prefix.display())));
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    for r in &rows {
        assert_eq!((r[col("srcIPCC")].as_str(), r[col("dstIPOrg")].as_str()), ("-", "\"-\""));
    }
    let log = strip_ansi(&std::fs::read_to_string(format!("{}_log.txt", prefix.display())).unwrap());
    assert!(log.contains("subnet ranges loaded: 0 (no table"), "{log}");
}

#[test]
fn t2whois_reports_and_rejects() {
    let dir = tables();
    let o = Command::new(t2whois()).arg("-p").arg(dir.path()).args(["192.168.1.1", "not-an-ip", "fe80::1"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "t2whois: 'not-an-ip' is not an IP address\n");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("192.168.1.1\n    range:         192.168.0.0/16\n    special range: 07 Private network\n"), "{out}");
    assert!(out.contains("fe80::1\n    range:         fe80::/10\n    special range: 02 Link-local\n"), "{out}");
}
