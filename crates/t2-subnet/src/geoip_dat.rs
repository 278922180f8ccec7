//! Reader of MaxMind's legacy binary GeoIP country databases (`GeoIP.dat`, `GeoIPv6.dat`,
//! Debian's `geoip-database`), enumerated into sorted country ranges.
//!
//! The format: a binary trie of nodes of two records (the branch for a 0 bit, then for a 1
//! bit), each record 3 bytes little-endian, node `n` at byte `6 n`, node 0 the root, bits taken
//! from the most significant down. A record below [`COUNTRY_BEGIN`] is the next node; from it
//! on it is a leaf: `record - COUNTRY_BEGIN` indexes [`COUNTRY_CODES`] (0: unknown).
//! At the end of the file, after three zero bytes, a database description
//! (`GeoLite2 Country 20230131`), then `FF FF FF` and the edition byte (1: country IPv4,
//! 12: country IPv6; editions above 105 are written 105 higher) and, for some writers, more
//! structure bytes that the country editions do not use.

use std::fmt;

use crate::Range;
use crate::table::Family;

/// First leaf value of the country editions.
pub const COUNTRY_BEGIN: u32 = 16_776_960;

/// The country codes by index, as the legacy format numbers them (two characters each:
/// `--` unknown, `AP` Asia/Pacific, `EU` Europe, `A1`/`A2`/`O1` anonymous proxy, satellite,
/// other).
pub const COUNTRY_CODES: &str = concat!(
    "--APEUADAEAFAGAIALAMCWAOAQARASATAUAWAZBABBBDBEBFBGBHBIBJBMBNBOBRBSBTBVBWBYBZCACCCDCFCGCHCICK",
    "CLCMCNCOCRCUCVCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRSXGAGBGDGEGFGHGIGLGMGNGPGQGRGSGTGU",
    "GWGYHKHMHNHRHTHUIDIEILINIOIQIRISITJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMG",
    "MHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARE",
    "RORURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSTSVSYSZTCTDTFTGTHTJTKTMTNTOTLTRTTTVTWTZUAUGUMUSUYUZVAVC",
    "VEVGVIVNVUWFWSYEYTRSZAZMMEZWA1A2O1AXGGIMJEBLMFBQSSO1",
);

/// The code of country index `i` (`None` for 0, unknown, and indices past the table).
pub fn country_code(i: u32) -> Option<&'static str> {
    let i = i as usize;
    if i == 0 || 2 * i + 2 > COUNTRY_CODES.len() {
        return None;
    }
    Some(&COUNTRY_CODES[2 * i..2 * i + 2])
}

/// An error reading a `.dat` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatError(pub String);

impl fmt::Display for DatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DatError {}

/// A country database, enumerated.
#[derive(Debug, Clone)]
pub struct DatFile {
    pub family: Family,
    /// The description at the end of the file (`GeoLite2 Country 20230131`), if any.
    pub info: String,
    /// `yyyymmdd` found in the description (0 if none).
    pub date: u32,
    /// Sorted, disjoint country ranges (unknown leaves left out; adjacent equal ones merged).
    pub ranges: Vec<Range<String>>,
}

const RECORD_LEN: usize = 3;

/// Reads a country database (IPv4 or IPv6 edition).
pub fn read(bytes: &[u8]) -> Result<DatFile, DatError> {
    let (edition, marker) = edition(bytes)?;
    let family = match edition {
        1 => Family::V4,
        12 => Family::V6,
        e => {
            return Err(DatError(format!(
                "GeoIP database edition {e}: only the country editions (1, 12) are read"
            )));
        }
    };
    let info = description(&bytes[..marker]);
    let date = date_in(&info);
    let ranges = enumerate(bytes, family)?;
    Ok(DatFile {
        family,
        info,
        date,
        ranges,
    })
}

/// The edition byte and the position of the `FF FF FF` marker before it (the last 20 bytes
/// are searched, backwards).
fn edition(b: &[u8]) -> Result<(u8, usize), DatError> {
    let lowest = b.len().saturating_sub(20 + 3);
    let mut i = b.len().saturating_sub(3);
    while i > lowest {
        i -= 1;
        if b[i..i + 3] == [0xff, 0xff, 0xff] && i + 3 < b.len() {
            let mut e = b[i + 3];
            if e >= 106 {
                e -= 105;
            }
            return Ok((e, i));
        }
    }
    // No structure information: the oldest country files.
    Ok((1, b.len()))
}

/// The description after the last three zero bytes within 100 bytes of `end` (the trie
/// holds no zero record: a record 0 would point back to the root).
fn description(b: &[u8]) -> String {
    let window = &b[b.len().saturating_sub(100)..];
    match window.windows(3).rposition(|w| w == [0, 0, 0]) {
        Some(p) => {
            let s = &window[p + 3..];
            let s = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
            String::from_utf8_lossy(s).trim().to_string()
        }
        None => String::new(),
    }
}

/// The first run of 8 digits of `s` read as `yyyymmdd` (0 if none).
pub fn date_in(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut run = 0;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run == 8 && b.get(i + 1).is_none_or(|c| !c.is_ascii_digit()) {
                return s[i + 1 - 8..=i].parse().unwrap_or(0);
            }
        } else {
            run = 0;
        }
    }
    0
}

fn record(b: &[u8], node: u32, bit: usize) -> Result<u32, DatError> {
    let o = node as usize * 2 * RECORD_LEN + bit * RECORD_LEN;
    let r = b
        .get(o..o + RECORD_LEN)
        .ok_or_else(|| DatError(format!("GeoIP trie node {node} past the end of the file")))?;
    Ok(r[0] as u32 | (r[1] as u32) << 8 | (r[2] as u32) << 16)
}

/// Walks the whole trie in address order.
fn enumerate(b: &[u8], family: Family) -> Result<Vec<Range<String>>, DatError> {
    let bits = family.bits();
    let mut out: Vec<Range<String>> = Vec::new();
    // (node, depth = bits consumed, prefix so far); the 1-branch is pushed first so that the
    // 0-branch (lower addresses) is visited first.
    let mut stack: Vec<(u32, u32, u128)> = vec![(0, 0, 0)];
    while let Some((node, depth, prefix)) = stack.pop() {
        for bit in [1usize, 0] {
            let r = record(b, node, bit)?;
            let child_prefix = prefix | ((bit as u128) << (bits - 1 - depth));
            if r >= COUNTRY_BEGIN {
                let host_bits = bits - 1 - depth;
                let span = if host_bits == 0 { 0 } else { u128::MAX >> (128 - host_bits) };
                if let Some(cc) = country_code(r - COUNTRY_BEGIN) {
                    // Inserted in reverse order (1 before 0); sorted below.
                    out.push(Range {
                        start: child_prefix,
                        end: child_prefix | span,
                        value: cc.to_ascii_lowercase(),
                    });
                }
            } else if depth + 1 >= bits {
                return Err(DatError(format!(
                    "GeoIP trie deeper than {bits} bits (node {node})"
                )));
            } else {
                stack.push((r, depth + 1, child_prefix));
            }
        }
    }
    out.sort_by_key(|r| r.start);
    // Merge adjacent ranges of one country.
    let mut merged: Vec<Range<String>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(m) if m.value == r.value && m.end.checked_add(1) == Some(r.start) => m.end = r.end,
            _ => merged.push(r),
        }
    }
    Ok(merged)
}
