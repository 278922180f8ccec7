//! `cargo xtask geo`: basicFlow's subnet labels against the original's, over every distinct
//! address of the reference outputs (`../shared/conformance`, flows.txt and packets.txt,
//! `srcIP`/`dstIP` with their `IPCC`/`IPOrg` columns).
//!
//! Builds the tables as `t2build basicFlow` does (same generator, the system's packages) into
//! a temporary folder and reports:
//!
//! - special-purpose addresses (either side prints a two-digit code): code and name identical?
//!   (the acceptance: all of them);
//! - IPv6 addresses the original gave a country: our country code agrees? With the table's
//!   own source and, for comparison, with Debian's `GeoIPv6.dat` alone; every difference listed;
//! - public IPv4 addresses: not comparable (the reference's IPv4 database held only the
//!   special ranges), counted only.
//!
//! Exit status 1 when a special-purpose address differs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use t2_subnet::{Family, Kind, Table, geoip_dat, key_of};

use crate::common::{self, TempDir, data};

pub const HELP: &str = "\
cargo xtask geo [--reference DIR] [--tables DIR]

basicFlow's country/organisation labels (srcIPCC, srcIPOrg, dstIPCC, dstIPOrg) against the
original's, per distinct address of the reference outputs (flows.txt and packets.txt):
special-purpose ranges (must be identical), IPv6 countries (agreement %, differences listed),
public IPv4 (not comparable: the reference had no IPv4 country data).

Options:
    --reference DIR   the reference outputs (default: ../shared/conformance)
    --tables DIR      use the subnets4.bin/subnets6.bin of DIR instead of building them
";

pub struct Opts {
    reference: Option<PathBuf>,
    tables: Option<PathBuf>,
}

pub fn parse_args(args: &[String]) -> Result<Option<Opts>> {
    let mut o = Opts {
        reference: None,
        tables: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--reference" => o.reference = Some(it.next().context("--reference DIR")?.into()),
            "--tables" => o.tables = Some(it.next().context("--tables DIR")?.into()),
            other => bail!("unknown option {other:?}\n\n{HELP}"),
        }
    }
    Ok(Some(o))
}

/// One address of the reference with the original's labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RefLabel {
    pub cc: String,
    pub org: String,
}

/// Every distinct address of the reference's flows.txt/packets.txt files with its labels (the
/// first seen when an address has several, which the reference never has).
pub fn reference_labels(dir: &Path) -> Result<BTreeMap<IpAddr, BTreeSet<RefLabel>>> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for e in fs::read_dir(d).with_context(|| format!("read {}", d.display()))?.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else {
                let n = p.to_string_lossy();
                if n.ends_with(".flows.txt") || n.ends_with(".packets.txt") {
                    out.push(p);
                }
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let mut out: BTreeMap<IpAddr, BTreeSet<RefLabel>> = BTreeMap::new();
    for f in files {
        let text = String::from_utf8_lossy(&fs::read(&f)?).into_owned();
        let mut lines = text.lines();
        let Some(header) = lines.next() else { continue };
        let cols: Vec<&str> = header.trim_start_matches('%').split('\t').collect();
        let pos = |n: String| cols.iter().position(|c| *c == n);
        let sides: Vec<(usize, usize, usize)> = ["src", "dst"]
            .iter()
            .filter_map(|s| Some((pos(format!("{s}IP"))?, pos(format!("{s}IPCC"))?, pos(format!("{s}IPOrg"))?)))
            .collect();
        for l in lines {
            let cells: Vec<&str> = l.split('\t').collect();
            for &(ip, cc, org) in &sides {
                let (Some(ip), Some(cc), Some(org)) = (cells.get(ip), cells.get(cc), cells.get(org)) else {
                    continue;
                };
                if let Ok(ip) = ip.parse::<IpAddr>() {
                    out.entry(ip).or_default().insert(RefLabel {
                        cc: cc.to_string(),
                        org: org.trim_matches('"').to_string(),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn is_special(cc: &str) -> bool {
    crate::compare::is_special_code(cc.as_bytes())
}

fn is_country(cc: &str) -> bool {
    cc.len() == 2 && cc.bytes().all(|c| c.is_ascii_lowercase())
}

fn pct(a: usize, n: usize) -> String {
    if n == 0 {
        "-".into()
    } else {
        format!("{:.1} %", 100.0 * a as f64 / n as f64)
    }
}

pub fn run(o: Opts) -> Result<i32> {
    let root = common::workspace_root();
    let reference = o.reference.unwrap_or_else(|| common::shared_dir(&root).join("conformance"));
    let tmp;
    let dir = match o.tables {
        Some(d) => d,
        None => {
            tmp = TempDir::new("geo")?;
            let src = data::Sources::system();
            for d in data::install(&tmp.path, &[data::TableKind::Subnets4, data::TableKind::Subnets6], &src)? {
                if let data::Installed::Missing(kind, why) = d {
                    eprintln!("warning: {} not generated: {why}", kind.file_name());
                }
            }
            tmp.path.clone()
        }
    };
    let v4 = Table::open(&dir.join(Family::V4.file_name())).context("subnets4.bin")?;
    let v6 = Table::open(&dir.join(Family::V6.file_name())).context("subnets6.bin")?;
    let rows = reference_labels(&reference)?;

    // GeoIPv6.dat alone, for the choice of the IPv6 country source.
    let geoip6 = fs::read("/usr/share/GeoIP/GeoIPv6.dat")
        .ok()
        .and_then(|b| geoip_dat::read(&b).ok())
        .map(|d| {
            let layers = t2_subnet::builder::Layers {
                countries: d.ranges,
                ..Default::default()
            };
            Table::from_vec(t2_subnet::builder::build(Family::V6, &layers).bytes)
        })
        .transpose()?;

    let (mut special_n, mut special_same) = (0usize, 0usize);
    let mut special_diffs = Vec::new();
    let (mut v6_n, mut v6_same, mut v6_geoip_same, mut v6_org_same) = (0usize, 0usize, 0usize, 0usize);
    let mut v6_diffs = Vec::new();
    let (mut v4_public, mut v6_unlabelled_ours) = (0usize, 0usize);
    for (ip, labels) in &rows {
        let (family, key) = key_of(ip);
        let table = if family == Family::V4 { &v4 } else { &v6 };
        let e = table.lookup(key);
        for l in labels {
            if is_special(&l.cc) || e.kind == Kind::Special {
                special_n += 1;
                if e.code == l.cc && e.org == l.org {
                    special_same += 1;
                } else {
                    special_diffs.push(format!("{ip}: original {} \"{}\", t2rs {} \"{}\"", l.cc, l.org, e.code, e.org));
                }
            } else if family == Family::V6 && is_country(&l.cc) {
                v6_n += 1;
                v6_same += (e.code == l.cc) as usize;
                v6_org_same += (e.org == l.org) as usize;
                let g = geoip6.as_ref().map(|t| t.lookup(key).code.to_string());
                v6_geoip_same += (g.as_deref() == Some(l.cc.as_str())) as usize;
                if e.code != l.cc {
                    v6_diffs.push(format!(
                        "{ip}: original {} \"{}\", t2rs {} \"{}\" (GeoIPv6.dat: {})",
                        l.cc,
                        l.org,
                        e.code,
                        e.org,
                        g.unwrap_or_else(|| "n/a".into())
                    ));
                }
            } else if family == Family::V4 {
                v4_public += 1;
            } else if e.kind == Kind::Public {
                v6_unlabelled_ours += 1;
            }
        }
    }

    println!("basicFlow subnet labels vs the original ({})", reference.display());
    println!("tables: IPv4 {} ranges ({} labelled), IPv6 {} ranges ({} labelled)", v4.ranges(), v4.labelled_ranges(), v6.ranges(), v6.labelled_ranges());
    println!("  IPv4 sources: {}", v4.source());
    println!("  IPv6 sources: {}", v6.source());
    println!("distinct addresses in the reference: {}", rows.len());
    println!();
    println!("special-purpose addresses, code and name identical: {special_same} of {special_n} ({})", pct(special_same, special_n));
    for d in &special_diffs {
        println!("  {d}");
    }
    println!(
        "IPv6 addresses with a country in the original, same country: {v6_same} of {v6_n} ({}); with GeoIPv6.dat alone: {v6_geoip_same} of {v6_n} ({}); same organisation: {v6_org_same} of {v6_n}",
        pct(v6_same, v6_n),
        pct(v6_geoip_same, v6_n)
    );
    for d in &v6_diffs {
        println!("  {d}");
    }
    println!("IPv6 addresses the original left unlabelled ('-') that t2rs labels: {v6_unlabelled_ours}");
    println!("public IPv4 addresses (not comparable: the reference had no IPv4 country data): {v4_public}");
    Ok(if special_diffs.is_empty() { 0 } else { 1 })
}
