//! Merges the sources into one [`crate::table`] file.
//!
//! Three layers, most important first: special-purpose ranges (always win, also over a
//! country or AS that a registry assigns inside them, as in the original: 14.0.0.0/8 is
//! "Public data networks"), then countries, then ASNs with their organisation. A public range
//! gets the country of the country layer and the ASN/organisation of the AS layer, each `-`/0
//! where its layer has nothing; a range neither layer covers gets the unknown label.
//! Adjacent ranges with the same label are merged. Within a layer, overlapping input ranges
//! are clipped (the first one listed keeps the overlap).

use std::collections::HashMap;

use crate::table::{FORMAT_VERSION, Family, HEADER_LEN, Kind, MAGIC, UNKNOWN};
use crate::{Range, special};

/// The longest organisation name kept, in bytes: T2's column is 30 characters wide
/// (`Cyberlink Internet Services AG`, `Link-local Multicast Name Reso` in the reference).
pub const MAX_ORG_LEN: usize = 30;

/// An autonomous system: number and organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asn {
    pub number: u32,
    pub org: String,
}

/// The inputs of one family's table.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    /// Country codes (any case; stored lower-case).
    pub countries: Vec<Range<String>>,
    pub asns: Vec<Range<Asn>>,
    /// `yyyymmdd` of the data (the country source's date; 0: unknown).
    pub revision: u32,
    /// What the data come from, stored in the table (`t2whois -V` prints it).
    pub source: String,
}

/// A built table and its figures.
#[derive(Debug)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// All ranges, unknown ones included.
    pub ranges: usize,
    /// Ranges with a label (what the start-up log reports).
    pub labelled: usize,
}

/// A label while building: the organisation as an index into the distinct names (cheap to
/// copy and hash for each of the up to millions of segments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Label {
    code: [u8; 2],
    kind: Kind,
    asn: u32,
    /// Index into `orgs`; 0 is "no organisation".
    org: u32,
}

/// Distinct organisation names, cleaned once each; index 0 is "no organisation".
struct OrgNames<'a> {
    names: Vec<String>,
    ids: HashMap<&'a str, u32>,
}

impl Default for OrgNames<'_> {
    fn default() -> Self {
        OrgNames {
            names: vec![String::new()],
            ids: HashMap::new(),
        }
    }
}

impl<'a> OrgNames<'a> {
    /// The index of `name` (`clean`: cut and sanitised with [`clean_org`]).
    fn id(&mut self, name: &'a str, clean: bool) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let cleaned = if clean { clean_org(name, MAX_ORG_LEN) } else { name.to_string() };
        let id = if cleaned.is_empty() || cleaned == UNKNOWN {
            0
        } else {
            self.names.push(cleaned);
            (self.names.len() - 1) as u32
        };
        self.ids.insert(name, id);
        id
    }
}

/// Sorts `v` by start and clips overlaps; drops ranges outside the family.
fn normalise<T: Clone>(mut v: Vec<Range<T>>, family: Family) -> Vec<Range<T>> {
    v.retain(|r| r.start <= r.end && r.start <= family.max_key());
    // Stable: of two ranges with one start, the first listed stays first.
    v.sort_by_key(|r| r.start);
    let mut out: Vec<Range<T>> = Vec::with_capacity(v.len());
    for mut r in v {
        r.end = r.end.min(family.max_key());
        if let Some(prev) = out.last() {
            if r.end <= prev.end {
                continue;
            }
            if r.start <= prev.end {
                r.start = prev.end + 1;
            }
        }
        out.push(r);
    }
    out
}

/// A layer walked in address order: the value at each segment start.
struct Cursor<'a, T> {
    ranges: &'a [Range<T>],
    i: usize,
}

impl<'a, T> Cursor<'a, T> {
    fn new(ranges: &'a [Range<T>]) -> Self {
        Cursor { ranges, i: 0 }
    }

    /// The value covering `addr`; `addr` never decreases between calls.
    fn at(&mut self, addr: u128) -> Option<&'a T> {
        while self.i < self.ranges.len() && self.ranges[self.i].end < addr {
            self.i += 1;
        }
        self.ranges
            .get(self.i)
            .filter(|r| r.start <= addr)
            .map(|r| &r.value)
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary, with the characters a TAB-separated
/// text column cannot hold replaced.
pub fn clean_org(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            '"' => '\'',
            c => c,
        };
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

fn code_bytes(s: &str) -> [u8; 2] {
    let b = s.as_bytes();
    if b.len() == 2 && b.iter().all(|c| c.is_ascii_alphanumeric()) {
        [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()]
    } else {
        *b"--"
    }
}

/// Builds the table of `family` from the special-purpose ranges of [`special`] and `layers`.
pub fn build(family: Family, layers: &Layers) -> Built {
    let mut orgs = OrgNames::default();
    let specials: Vec<Range<([u8; 2], u32)>> = normalise(special::flattened(family), family)
        .into_iter()
        .map(|r| Range {
            start: r.start,
            end: r.end,
            value: (code_bytes(r.value.code), orgs.id(r.value.name, false)),
        })
        .collect();
    let countries: Vec<Range<[u8; 2]>> = normalise(
        layers
            .countries
            .iter()
            .map(|r| Range {
                start: r.start,
                end: r.end,
                value: code_bytes(&r.value),
            })
            .filter(|r| &r.value != b"--")
            .collect(),
        family,
    );
    let asns: Vec<Range<(u32, u32)>> = normalise(
        layers
            .asns
            .iter()
            .map(|r| Range {
                start: r.start,
                end: r.end,
                value: (r.value.number, orgs.id(&r.value.org, true)),
            })
            .collect(),
        family,
    );

    // Segment boundaries: every range start and every address after a range end.
    let mut cuts: Vec<u128> = Vec::with_capacity(2 * (specials.len() + countries.len() + asns.len()) + 1);
    cuts.push(0);
    let mut add = |start: u128, end: u128| {
        cuts.push(start);
        if end < family.max_key() {
            cuts.push(end + 1);
        }
    };
    specials.iter().for_each(|r| add(r.start, r.end));
    countries.iter().for_each(|r| add(r.start, r.end));
    asns.iter().for_each(|r| add(r.start, r.end));
    cuts.sort_unstable();
    cuts.dedup();

    let unknown = Label {
        code: *b"--",
        kind: Kind::Unknown,
        asn: 0,
        org: 0,
    };
    let mut labels: Vec<Label> = vec![unknown];
    let mut ids: HashMap<Label, u32> = HashMap::new();
    ids.insert(unknown, 0);
    let mut starts: Vec<u128> = Vec::new();
    let mut range_ids: Vec<u32> = Vec::new();
    let (mut cs, mut cc, mut ca) = (Cursor::new(&specials), Cursor::new(&countries), Cursor::new(&asns));
    for &at in &cuts {
        let label = if let Some(&(code, org)) = cs.at(at) {
            Label {
                code,
                kind: Kind::Special,
                asn: 0,
                org,
            }
        } else {
            let country = cc.at(at).copied();
            let asn = ca.at(at).copied();
            if country.is_none() && asn.is_none() {
                unknown
            } else {
                Label {
                    code: country.unwrap_or(*b"--"),
                    kind: Kind::Public,
                    asn: asn.map_or(0, |a| a.0),
                    org: asn.map_or(0, |a| a.1),
                }
            }
        };
        let id = *ids.entry(label).or_insert_with(|| {
            labels.push(label);
            (labels.len() - 1) as u32
        });
        if range_ids.last() != Some(&id) {
            starts.push(at);
            range_ids.push(id);
        }
    }

    // The string pool: each distinct organisation once, in first-use order.
    let mut pool: Vec<u8> = Vec::new();
    let orgs = orgs.names;
    let mut org_at: Vec<Option<(u32, u32)>> = vec![None; orgs.len()];
    let mut label_bytes: Vec<u8> = Vec::with_capacity(labels.len() * 16);
    for l in &labels {
        let (off, len) = if l.org == 0 {
            (0, 0)
        } else {
            *org_at[l.org as usize].get_or_insert_with(|| {
                let name = &orgs[l.org as usize];
                let off = pool.len() as u32;
                pool.extend_from_slice(name.as_bytes());
                (off, name.len() as u32)
            })
        };
        label_bytes.extend_from_slice(&l.code);
        label_bytes.push(l.kind.byte());
        label_bytes.push(0);
        label_bytes.extend_from_slice(&l.asn.to_le_bytes());
        label_bytes.extend_from_slice(&off.to_le_bytes());
        label_bytes.extend_from_slice(&len.to_le_bytes());
    }

    let source = (pool.len() as u32, layers.source.len() as u32);
    pool.extend_from_slice(layers.source.as_bytes());

    let labelled = range_ids.iter().filter(|&&id| id != 0).count();
    let mut b = Vec::with_capacity(
        HEADER_LEN + starts.len() * (family.key_len() + 4) + label_bytes.len() + pool.len(),
    );
    b.extend_from_slice(&MAGIC);
    b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    b.extend_from_slice(&[family.code(), 0, 0, 0]);
    b.extend_from_slice(&(starts.len() as u32).to_le_bytes());
    b.extend_from_slice(&(labels.len() as u32).to_le_bytes());
    b.extend_from_slice(&(pool.len() as u32).to_le_bytes());
    b.extend_from_slice(&layers.revision.to_le_bytes());
    b.extend_from_slice(&(labelled as u32).to_le_bytes());
    b.extend_from_slice(&source.0.to_le_bytes());
    b.extend_from_slice(&source.1.to_le_bytes());
    b.resize(HEADER_LEN, 0);
    for &s in &starts {
        match family {
            Family::V4 => b.extend_from_slice(&(s as u32).to_le_bytes()),
            Family::V6 => b.extend_from_slice(&s.to_le_bytes()),
        }
    }
    for &id in &range_ids {
        b.extend_from_slice(&id.to_le_bytes());
    }
    b.extend_from_slice(&label_bytes);
    b.extend_from_slice(&pool);
    Built {
        bytes: b,
        ranges: starts.len(),
        labelled,
    }
}
