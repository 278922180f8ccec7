//! Range CSV files of the npm packages `@ip-location-db/*` (sapics/ip-location-db):
//!
//! - country files (`geo-whois-asn-country-ipv6.csv`): `START,END,CC`
//! - ASN files (`asn-ipv4.csv`, `asn-ipv6.csv`): `START,END,ASN,ORGANISATION`
//!
//! `START` and `END` are addresses (inclusive). Fields may be quoted (`"Cloudflare, Inc."`,
//! `""` inside quotes is one quote). Lines that do not parse, and ranges of the other family,
//! are skipped and counted.

use crate::Range;
use crate::builder::Asn;
use crate::table::Family;

fn key(family: Family, s: &str) -> Option<u128> {
    let (f, k) = crate::key_of(&s.trim().parse().ok()?);
    (f == family).then_some(k)
}

/// Parsed ranges and the number of lines skipped.
#[derive(Debug, Default)]
pub struct Parsed<T> {
    pub ranges: Vec<Range<T>>,
    pub skipped: usize,
}

fn parse<T>(text: &str, family: Family, value: impl Fn(&str) -> Option<T>) -> Parsed<T> {
    let mut p = Parsed {
        ranges: Vec::new(),
        skipped: 0,
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        // The addresses never hold a comma or quote: split them off, the rest is the value.
        let mut f = line.splitn(3, ',');
        let r = (|| Some((key(family, f.next()?)?, key(family, f.next()?)?, value(f.next()?)?)))();
        match r {
            Some((start, end, value)) if start <= end => p.ranges.push(Range { start, end, value }),
            _ => p.skipped += 1,
        }
    }
    p
}

/// A field without its quotes (`"a ""b"""` -> `a "b"`).
fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    }
}

/// `START,END,CC` lines of `family`.
pub fn countries(text: &str, family: Family) -> Parsed<String> {
    parse(text, family, |f| {
        let cc = unquote(f);
        (cc.len() == 2 && cc.bytes().all(|c| c.is_ascii_alphabetic())).then(|| cc.to_ascii_lowercase())
    })
}

/// `START,END,ASN,ORGANISATION` lines of `family`.
pub fn asns(text: &str, family: Family) -> Parsed<Asn> {
    parse(text, family, |rest| {
        let (number, org) = rest.split_once(',').unwrap_or((rest, ""));
        Some(Asn {
            number: unquote(number).parse().ok()?,
            org: unquote(org),
        })
    })
}
