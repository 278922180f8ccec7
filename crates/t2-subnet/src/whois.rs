//! `t2whois IP...`: what the subnet tables know of each address (T2's tool of that name, with
//! t2rs's tables).
//!
//! For each argument, a block:
//!
//! ```text
//! 8.8.8.8
//!     range:        8.8.8.0/24
//!     country:      us
//!     organisation: Google LLC
//!     ASN:          15169
//! ```
//!
//! A special-purpose address shows `special range: 07 Private network` instead of country,
//! organisation and ASN; an address no source knows shows `-` values. A table that is missing
//! is reported once per family (`no IPv6 table ...: run 't2build basicFlow'`). An argument
//! that is not an address is a one-line error (`t2whois: 'foo' is not an IP address`); the
//! other arguments are still looked up, and the exit status is then 1.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use crate::table::{Family, Kind, Table, revision_ddmmyyyy};
use crate::{key_of, range_string};

pub const USAGE: &str = "\
Usage: t2whois [-p DIR] [-V] IP...

Prints what basicFlow's subnet tables know of each IPv4/IPv6 address: its range, country,
organisation and autonomous system, or the special-purpose range it belongs to.

Options:
    -p DIR   the plugin folder holding subnets4.bin and subnets6.bin
             (default: ~/.tranalyzer/plugins)
    -V       print the tables' revision, size and sources first
    -h       this help
";

/// The tables of a plugin folder (each `Err` with the reason it could not be opened).
pub struct Tables {
    pub v4: Result<Table, String>,
    pub v6: Result<Table, String>,
}

impl Tables {
    pub fn open(dir: &Path) -> Tables {
        let open = |f: Family| {
            let p = dir.join(f.file_name());
            Table::open(&p).map_err(|e| format!("no {} table '{}' ({e}): run 't2build basicFlow'", f.name(), p.display()))
        };
        Tables {
            v4: open(Family::V4),
            v6: open(Family::V6),
        }
    }

    fn of(&self, f: Family) -> &Result<Table, String> {
        match f {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }

    /// `-V`: one line per table.
    pub fn versions(&self) -> String {
        let mut s = String::new();
        for f in [Family::V4, Family::V6] {
            match self.of(f) {
                Ok(t) => {
                    let _ = writeln!(
                        s,
                        "{} Rev: {}, ranges: {} ({} labelled), sources: {}",
                        f.name(),
                        revision_ddmmyyyy(t.revision()),
                        t.ranges(),
                        t.labelled_ranges(),
                        t.source()
                    );
                }
                Err(e) => {
                    let _ = writeln!(s, "{e}");
                }
            }
        }
        s
    }

    /// The block of one argument, or the one-line error for a non-address.
    pub fn report(&self, arg: &str) -> Result<String, String> {
        let ip: IpAddr = arg
            .trim()
            .parse()
            .map_err(|_| format!("t2whois: '{arg}' is not an IP address"))?;
        let (family, key) = key_of(&ip);
        let mut s = format!("{ip}\n");
        match self.of(family) {
            Err(e) => {
                let _ = writeln!(s, "    {e}");
            }
            Ok(t) => {
                let e = t.lookup(key);
                let _ = writeln!(s, "    range:         {}", range_string(family, e.start, e.end));
                match e.kind {
                    Kind::Special => {
                        let _ = writeln!(s, "    special range: {} {}", e.code, e.org);
                    }
                    Kind::Public | Kind::Unknown => {
                        let _ = writeln!(s, "    country:       {}", e.code);
                        let _ = writeln!(s, "    organisation:  {}", e.org);
                        let asn = if e.asn == 0 { "-".to_string() } else { e.asn.to_string() };
                        let _ = writeln!(s, "    ASN:           {asn}");
                    }
                }
            }
        }
        Ok(s)
    }
}

/// The command: arguments without the program name; output and errors as written.
/// Returns the exit status.
pub fn main(args: &[String], out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let mut dir: Option<PathBuf> = None;
    let mut versions = false;
    let mut ips: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                let _ = out.write_all(USAGE.as_bytes());
                return 0;
            }
            "-V" => versions = true,
            "-p" => match it.next() {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => {
                    let _ = writeln!(err, "t2whois: -p needs a folder\n\n{USAGE}");
                    return 2;
                }
            },
            s if s.starts_with("-p") => dir = Some(PathBuf::from(&s[2..])),
            "--" => ips.extend(it.by_ref().map(String::as_str)),
            s if s.starts_with('-') && s.len() > 1 && s.parse::<IpAddr>().is_err() => {
                let _ = writeln!(err, "t2whois: unknown option '{s}'\n\n{USAGE}");
                return 2;
            }
            s => ips.push(s),
        }
    }
    if ips.is_empty() && !versions {
        let _ = write!(err, "{USAGE}");
        return 2;
    }
    let dir = dir.unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".tranalyzer/plugins")
    });
    let tables = Tables::open(&dir);
    if versions {
        let _ = out.write_all(tables.versions().as_bytes());
    }
    let mut status = 0;
    for (i, ip) in ips.iter().enumerate() {
        match tables.report(ip) {
            Ok(block) => {
                if i > 0 || versions {
                    let _ = writeln!(out);
                }
                let _ = out.write_all(block.as_bytes());
            }
            Err(e) => {
                let _ = out.flush();
                let _ = writeln!(err, "{e}");
                status = 1;
            }
        }
    }
    status
}
