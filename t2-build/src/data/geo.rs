//! basicFlow's subnet tables `subnets4.bin` and `subnets6.bin` (format: `crates/t2-subnet`,
//! `table.rs`), built from:
//!
//! - t2rs's special-purpose ranges with the original's codes and names (always; they need no
//!   package),
//! - countries: IPv4 from Debian's `geoip-database` (`GeoIP.dat`, MaxMind GeoLite2 country
//!   data in the legacy format); IPv6 from the npm package `@ip-location-db/geo-whois-asn-country`
//!   (registration countries from the five RIRs' whois data, as the original's IPv6 table
//!   has them) when installed, else from `GeoIPv6.dat`,
//! - ASNs and organisations: the npm package `@ip-location-db/asn` when installed.
//!
//! A missing package leaves its layer empty (the table still labels the special ranges) and
//! is named in the table's source description. See docs/databases.md.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use t2_subnet::builder::{self, Layers};
use t2_subnet::{Family, csv, geoip_dat};

use super::Sources;

/// The npm packages read from [`Sources::ip_location_db`], and the files used of each.
pub const NPM_ASN: &str = "asn";
pub const NPM_COUNTRY: &str = "geo-whois-asn-country";

/// A built table: bytes, labelled ranges, source description.
pub struct GeoTable {
    pub bytes: Vec<u8>,
    pub labelled: usize,
    pub source: String,
}

/// `yyyymmdd` from an ip-location-db package version (`2.3.2026061719`: the third part
/// starts with the date).
fn npm_date(version: &str) -> u32 {
    version
        .split('.')
        .nth(2)
        .and_then(|p| p.get(..8))
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

/// The `version` of an npm package folder's package.json (a plain scan: one key is needed).
fn npm_version(pkg_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(pkg_dir.join("package.json")).ok()?;
    let rest = &text[text.find("\"version\"")? + "\"version\"".len()..];
    let rest = &rest[rest.find('"')? + 1..];
    Some(rest[..rest.find('"')?].to_string())
}

fn read_text(p: &Path) -> Option<String> {
    fs::read(p).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// An ip-location-db package: its folder, version and date, if installed.
fn npm_package(src: &Sources, name: &str) -> Option<(PathBuf, String, u32)> {
    let dir = src.ip_location_db.join(name);
    let version = npm_version(&dir)?;
    let date = npm_date(&version);
    Some((dir, version, date))
}

/// Builds the table of `family` from what `src` has.
pub fn generate(family: Family, src: &Sources) -> io::Result<GeoTable> {
    let fam = match family {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    };
    let mut layers = Layers::default();
    let mut parts: Vec<String> = vec!["special-purpose ranges: t2rs (IANA special-purpose registries, T2's codes)".into()];

    // Countries.
    let dat_name = match family {
        Family::V4 => "GeoIP.dat",
        Family::V6 => "GeoIPv6.dat",
    };
    let dat_path = src.geoip_dir.join(dat_name);
    let whois = (family == Family::V6).then(|| npm_package(src, NPM_COUNTRY)).flatten();
    let whois_csv = whois.as_ref().and_then(|(dir, version, date)| {
        let p = dir.join(format!("{NPM_COUNTRY}-{fam}.csv"));
        read_text(&p).map(|t| (p, t, version.clone(), *date))
    });
    if let Some((p, text, version, date)) = whois_csv {
        let parsed = csv::countries(&text, family);
        layers.countries = parsed.ranges;
        layers.revision = date;
        parts.push(format!(
            "countries: @ip-location-db/{NPM_COUNTRY} {version} ({}; RIR whois data, CC BY 4.0 NRO)",
            p.display()
        ));
    } else {
        match fs::read(&dat_path) {
            Ok(bytes) => {
                let d = geoip_dat::read(&bytes).map_err(|e| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", dat_path.display()))
                })?;
                if d.family != family {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: not an {} database", dat_path.display(), family.name()),
                    ));
                }
                layers.countries = d.ranges;
                layers.revision = d.date;
                parts.push(format!(
                    "countries: {} ({}: {}; MaxMind GeoLite data)",
                    src.package("geoip-database"),
                    dat_path.display(),
                    d.info
                ));
            }
            Err(e) => parts.push(format!(
                "no countries: cannot read '{}' ({e}): install the package geoip-database",
                dat_path.display()
            )),
        }
    }

    // ASNs and organisations.
    let asn = npm_package(src, NPM_ASN).and_then(|(dir, version, date)| {
        let p = dir.join(format!("asn-{fam}.csv"));
        read_text(&p).map(|t| (p, t, version, date))
    });
    match asn {
        Some((p, text, version, date)) => {
            layers.asns = csv::asns(&text, family).ranges;
            // The revision is the country data's (as the log's `Rev:`), else this one's.
            if layers.revision == 0 {
                layers.revision = date;
            }
            parts.push(format!(
                "ASNs and organisations: @ip-location-db/{NPM_ASN} {version} ({}; RouteViews, RIRs and DB-IP data, CC BY 4.0)",
                p.display()
            ));
        }
        None => parts.push(format!(
            "no organisations: npm package @ip-location-db/{NPM_ASN} not found in '{}' (setup.sh installs it)",
            src.ip_location_db.display()
        )),
    }

    layers.source = parts.join("; ");
    let built = builder::build(family, &layers);
    Ok(GeoTable {
        bytes: built.bytes,
        labelled: built.labelled,
        source: layers.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_versions_and_dates() {
        assert_eq!(npm_date("2.3.2026061719"), 20260617);
        assert_eq!(npm_date("1.0.0"), 0);
        let dir = std::env::temp_dir().join(format!("t2-geo-npm-{}", std::process::id()));
        let pkg = dir.join(NPM_ASN);
        fs::create_dir_all(&pkg).unwrap();
        fs::write(pkg.join("package.json"), "{\n  \"name\": \"@ip-location-db/asn\",\n  \"version\": \"2.3.2026061719\"\n}\n").unwrap();
        fs::write(pkg.join("asn-ipv4.csv"), "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n").unwrap();
        let mut src = Sources::system();
        src.ip_location_db = dir.clone();
        src.geoip_dir = dir.join("no-geoip");
        let t = generate(Family::V4, &src).unwrap();
        let table = t2_subnet::Table::from_vec(t.bytes).unwrap();
        assert_eq!(table.revision(), 20260617);
        assert_eq!(table.lookup(0x0100_0001).org, "Cloudflare, Inc.");
        assert_eq!(table.lookup(0x0100_0001).code, "-", "no country source");
        assert_eq!(table.lookup(0x0a00_0001).code, "04");
        assert!(t.source.contains("install the package geoip-database"), "{}", t.source);
        assert!(table.source().contains("@ip-location-db/asn 2.3.2026061719"));
        let _ = fs::remove_dir_all(&dir);
    }
}
