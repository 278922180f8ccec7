//! The name tables of macRecorder, portClassifier and protoStats, generated from the system's
//! packaged registries (`t2build` installs them with those plugins; `t2build --data`
//! regenerates them).
//!
//! | file | plugin(s) | source |
//! | --- | --- | --- |
//! | `macRecorder_oui.txt` | macRecorder | IEEE MA-L/MA-M/MA-S/IAB listings of Debian's `ieee-data` ([`oui`]) and t2rs's table of group addresses |
//! | `portmap.txt` | portClassifier, protoStats | the IANA service registry as Wireshark ships it (`libwireshark-data`'s `services`, [`services`]) |
//! | `proto.txt` | protoStats | t2rs's table of IP protocol names, completed from netbase's `/etc/protocols` ([`names`]) |
//! | `ethertypes.txt` | protoStats | t2rs's table of ethertype names, completed from netbase's `/etc/ethertypes` ([`names`]) |
//! | `subnets4.bin`, `subnets6.bin` | basicFlow | special-purpose ranges, countries from `geoip-database` / `@ip-location-db/geo-whois-asn-country`, ASNs from `@ip-location-db/asn` ([`geo`]; binary, `crates/t2-subnet`) |
//!
//! Every file starts with comment lines naming its sources and their package versions; the
//! formats are those the plugins document (`plugins/macRecorder/src/oui.rs`,
//! `plugins/portClassifier/src/portmap.rs`, `plugins/protoStats/src/names.rs`). See
//! `docs/databases.md` for the choice of sources and their agreement with the original.
//!
//! This module uses `std` and `t2-subnet` only: the xtask harness compiles it into its own binary (with
//! `#[path]`) to fill the plugin folders it builds.

pub mod geo;
pub mod names;
pub mod oui;
pub mod services;

#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One table file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Oui,
    Portmap,
    Proto,
    Ethertypes,
    /// basicFlow's binary subnet tables.
    Subnets4,
    Subnets6,
}

impl TableKind {
    pub const ALL: [TableKind; 6] = [
        TableKind::Oui,
        TableKind::Portmap,
        TableKind::Proto,
        TableKind::Ethertypes,
        TableKind::Subnets4,
        TableKind::Subnets6,
    ];

    /// The file name in the plugin folder (the plugins' default setting).
    pub fn file_name(self) -> &'static str {
        match self {
            TableKind::Oui => "macRecorder_oui.txt",
            TableKind::Portmap => "portmap.txt",
            TableKind::Proto => "proto.txt",
            TableKind::Ethertypes => "ethertypes.txt",
            TableKind::Subnets4 => t2_subnet::Family::V4.file_name(),
            TableKind::Subnets6 => t2_subnet::Family::V6.file_name(),
        }
    }

    /// The Debian package(s) the table is built from (what to install when it is missing).
    pub fn packages(self) -> &'static str {
        match self {
            TableKind::Oui => "ieee-data",
            TableKind::Portmap => "libwireshark-data",
            TableKind::Proto | TableKind::Ethertypes => "netbase",
            TableKind::Subnets4 | TableKind::Subnets6 => "geoip-database",
        }
    }
}

/// The tables a plugin reads (empty for the others).
pub fn tables_of_plugin(name: &str) -> &'static [TableKind] {
    match name {
        "macRecorder" => &[TableKind::Oui],
        "portClassifier" => &[TableKind::Portmap],
        "protoStats" => &[TableKind::Portmap, TableKind::Proto, TableKind::Ethertypes],
        "basicFlow" => &[TableKind::Subnets4, TableKind::Subnets6],
        _ => &[],
    }
}

/// Where the packaged registries are. [`Sources::system`] gives Debian's paths; every path can
/// be moved with an environment variable (tests, other distributions).
#[derive(Clone, Debug)]
pub struct Sources {
    /// Debian `ieee-data`: `oui.txt`, `mam.txt`, `oui36.txt`, `iab.txt` (`T2_IEEE_DATA_DIR`).
    pub ieee_dir: PathBuf,
    /// Wireshark's `services` (`libwireshark-data`; `T2_WIRESHARK_SERVICES`).
    pub wireshark_services: PathBuf,
    /// netbase's `/etc/protocols` (`T2_PROTOCOLS_FILE`).
    pub protocols: PathBuf,
    /// netbase's `/etc/ethertypes` (`T2_ETHERTYPES_FILE`).
    pub ethertypes: PathBuf,
    /// dpkg's database, for the package versions written into the headers (`T2_DPKG_STATUS`).
    pub dpkg_status: PathBuf,
    /// Debian `geoip-database`: `GeoIP.dat`, `GeoIPv6.dat` (`T2_GEOIP_DIR`).
    pub geoip_dir: PathBuf,
    /// The folder of the npm packages `@ip-location-db/asn` and
    /// `@ip-location-db/geo-whois-asn-country` (`T2_IP_LOCATION_DB`; default
    /// `~/.local/share/t2rs/node_modules/@ip-location-db`, where setup.sh installs them).
    pub ip_location_db: PathBuf,
}

impl Sources {
    /// Debian's locations, each overridable by its environment variable.
    pub fn system() -> Sources {
        let env = |var: &str, default: &str| -> PathBuf {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(default))
        };
        Sources {
            ieee_dir: env("T2_IEEE_DATA_DIR", "/usr/share/ieee-data"),
            wireshark_services: env("T2_WIRESHARK_SERVICES", "/usr/share/wireshark/services"),
            protocols: env("T2_PROTOCOLS_FILE", "/etc/protocols"),
            ethertypes: env("T2_ETHERTYPES_FILE", "/etc/ethertypes"),
            dpkg_status: env("T2_DPKG_STATUS", "/var/lib/dpkg/status"),
            geoip_dir: env("T2_GEOIP_DIR", "/usr/share/GeoIP"),
            ip_location_db: env(
                "T2_IP_LOCATION_DB",
                &format!(
                    "{}/.local/share/t2rs/node_modules/@ip-location-db",
                    std::env::var("HOME").unwrap_or_default()
                ),
            ),
        }
    }

    /// `PACKAGE VERSION` from dpkg's database, `PACKAGE (version unknown)` when not listed.
    pub fn package(&self, name: &str) -> String {
        let version = fs::read_to_string(&self.dpkg_status)
            .ok()
            .and_then(|s| dpkg_version(&s, name));
        match version {
            Some(v) => format!("{name} {v}"),
            None => format!("{name} (version unknown)"),
        }
    }
}

/// The `Version:` of the installed package `name` in a dpkg status file.
pub fn dpkg_version(status: &str, name: &str) -> Option<String> {
    for stanza in status.split("\n\n") {
        let mut pkg = None;
        let mut version = None;
        let mut installed = false;
        for line in stanza.lines() {
            if let Some(v) = line.strip_prefix("Package: ") {
                pkg = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version: ") {
                version = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Status: ") {
                installed = v.trim_end().ends_with(" installed");
            }
        }
        if pkg == Some(name) && installed {
            return version.map(str::to_string);
        }
    }
    None
}

/// A generated table: its contents and what to report.
#[derive(Clone, Debug)]
pub struct Generated {
    pub kind: TableKind,
    /// The file's contents (text tables: UTF-8 with their comment header).
    pub bytes: Vec<u8>,
    /// Number of entries (lines that are not comments).
    pub entries: usize,
    /// The sources, as written in the header (`ieee-data 20220827.1`, ...).
    pub source: String,
}

/// Builds one table from `src`. Fails (with the package to install) when its packaged
/// source is missing.
pub fn generate(kind: TableKind, src: &Sources) -> io::Result<Generated> {
    let read = |p: &Path| {
        fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot read '{}' ({e}): install the package {} (apt-get install {})",
                        p.display(),
                        kind.packages(),
                        kind.packages()
                    ),
                )
            })
    };
    // (text, sources, what the table holds, where its format is documented)
    let (text, source, what, format) = match kind {
        TableKind::Subnets4 | TableKind::Subnets6 => {
            let family = if kind == TableKind::Subnets4 {
                t2_subnet::Family::V4
            } else {
                t2_subnet::Family::V6
            };
            let t = geo::generate(family, src)?;
            return Ok(Generated {
                kind,
                bytes: t.bytes,
                entries: t.labelled,
                source: t.source,
            });
        }
        TableKind::Oui => {
            let mut files = Vec::new();
            for &(file, bits) in oui::IEEE_FILES {
                let path = src.ieee_dir.join(file);
                // oui.txt is required; the others complete it.
                match read(&path) {
                    Ok(t) => files.push((file, bits, t)),
                    Err(e) if file == "oui.txt" => return Err(e),
                    Err(_) => {}
                }
            }
            let source = format!(
                "{} (IEEE Registration Authority public listings {}, public domain); group addresses: t2rs (IEEE 802.1Q, IEEE 802.3, ISO 9542, RFC 1112, RFC 2464)",
                src.package("ieee-data"),
                files
                    .iter()
                    .map(|(f, _, _)| src.ieee_dir.join(f).display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let records: Vec<oui::Record> = files
                .iter()
                .flat_map(|(_, bits, t)| oui::parse_ieee_txt(t, *bits))
                .collect();
            (
                oui::table_text(&records),
                source,
                "MAC address prefixes and their manufacturer labels",
                "plugins/macRecorder/src/oui.rs",
            )
        }
        TableKind::Portmap => {
            let t = read(&src.wireshark_services)?;
            let source = format!(
                "{} ({}: Wireshark's copy of the IANA Service Name and Transport Protocol Port Number Registry)",
                src.package("libwireshark-data"),
                src.wireshark_services.display()
            );
            (
                services::portmap_text(&services::parse(&t)),
                source,
                "TCP/UDP ports, their service names and descriptions",
                "plugins/portClassifier/src/portmap.rs",
            )
        }
        TableKind::Proto => {
            let t = read(&src.protocols)?;
            let source = format!(
                "t2rs's table of IP protocol names (IANA Protocol Numbers registry), completed from {} ({})",
                src.package("netbase"),
                src.protocols.display()
            );
            (
                names::proto_text(&names::parse_protocols(&t)),
                source,
                "IP protocol numbers and their descriptions",
                "plugins/protoStats/src/names.rs",
            )
        }
        TableKind::Ethertypes => {
            let t = read(&src.ethertypes)?;
            let source = format!(
                "t2rs's table of ethertype names (IEEE EtherType registry, vendor protocols, LLC SAP pairs), completed from {} ({})",
                src.package("netbase"),
                src.ethertypes.display()
            );
            (
                names::ethertypes_text(&names::parse_ethertypes(&t)),
                source,
                "ethertypes and their descriptions",
                "plugins/protoStats/src/names.rs",
            )
        }
    };
    let entries = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    let header = format!(
        "# {}: {what} (generated by t2build --data; format: {format})\n# source: {source}\n",
        kind.file_name(),
    );
    Ok(Generated {
        kind,
        bytes: (header + &text).into_bytes(),
        entries,
        source,
    })
}

/// Writes `dir/name` atomically (temporary file + rename), creating `dir`.
pub fn write_atomic(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let dest = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let r = fs::write(&tmp, contents).and_then(|()| fs::rename(&tmp, &dest));
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    r.map(|()| dest)
}

/// The outcome of installing one table.
#[derive(Debug)]
pub enum Installed {
    /// Written: path, entries, sources.
    Written(PathBuf, usize, String),
    /// Not written (its source is missing): why.
    Missing(TableKind, String),
}

/// Generates `kinds` (duplicates once) from `src` and writes them into `dir`. A missing source
/// is reported, not an error: the plugins then print their unknown values. I/O errors on `dir`
/// are errors.
pub fn install(dir: &Path, kinds: &[TableKind], src: &Sources) -> io::Result<Vec<Installed>> {
    let mut done: Vec<TableKind> = Vec::new();
    let mut out = Vec::new();
    for &k in kinds {
        if done.contains(&k) {
            continue;
        }
        done.push(k);
        match generate(k, src) {
            Ok(g) => {
                let path = write_atomic(dir, k.file_name(), &g.bytes)?;
                out.push(Installed::Written(path, g.entries, g.source));
            }
            Err(e) => out.push(Installed::Missing(k, e.to_string())),
        }
    }
    Ok(out)
}
