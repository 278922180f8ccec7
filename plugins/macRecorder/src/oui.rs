//! The MAC label table: manufacturer labels by address prefix, loaded from a text file in the
//! plugin folder (`MR_LBL_FILE`, default `macRecorder_oui.txt`).
//!
//! # File format
//!
//! UTF-8 text, one entry per line; empty lines and lines starting with `#` are ignored:
//!
//! ```text
//! PREFIX[/BITS]<TAB>SHORT[<TAB>LONG]
//! ```
//!
//! - `PREFIX`: 1 to 6 bytes in hex, two digits each, separated by `:`, `-` or `.`
//!   (`00:00:0C`, `01-80-C2-00-00-00`); case does not matter.
//! - `BITS`: the number of leading bits that must match, 1 to 48; default 8 × the bytes given
//!   (`00:00:0C` is a 24-bit OUI, `FF:FF:FF:FF:FF:FF` one address, `01:00:5E:00:00:00/25` the
//!   IPv4 multicast block). Bits of `PREFIX` past `BITS` are ignored.
//! - `SHORT`: the label printed with `MR_MACLBL=2` (T2's short form, e.g. `CiscoSyst,US`,
//!   `IPv4Multi`, `Broadcast`); no tab, no newline.
//! - `LONG`: the full name printed with `MR_MACLBL=3`; `SHORT` when absent. Fields after it are
//!   ignored.
//!
//! Lines may end in `\r\n`; white space (Unicode's, as `str::trim`) around fields is ignored,
//! but a `#` must be the first character of a comment line. A file that is not valid UTF-8 is
//! read with its invalid sequences replaced by U+FFFD.
//!
//! The longest matching prefix wins; of two entries with the same prefix and length the first
//! one counts. A line that does not parse is skipped and counted (see [`Table::parse`]).
//!
//! The all-zero address `00:00:00:00:00:00` never gets a label: the original prints its
//! "no manufacturer" value for it although `00:00:00` is an assigned OUI
//! (`../shared/conformance`: 561 cells, while `00:00:00:00:00:01` and the like get the OUI's
//! label).
//!
//! # Loading cost
//!
//! The installed table has some 47,000 lines (2 MiB) and is read at every start of `t2`, so
//! [`Table::load`] reads it in one pass over the bytes (`tabfile`: newlines and tabs found
//! eight bytes at a time), parses prefixes in their usual form as it meets them, keeps the
//! labels in the file's text (read off their line at lookup) and allocates nothing per line.
//! A length class is only sorted when the file does not list it in prefix order already (the
//! generated one does).

// The line and field rules are portClassifier's (`portmap.txt` follows the same ones).
#[path = "../../portClassifier/src/tabfile.rs"]
mod tabfile;

use tabfile::{Line, find_newline, find_sep, is_space, parse_uint, text_of, trim};

/// One length class: sorted `(masked prefix, position of the entry's labels in the text)`.
#[derive(Debug, Default)]
struct Class {
    bits: u8,
    keys: Vec<(u64, u32)>,
}

/// A loaded label table: the file's text, kept whole (one allocation for the tens of thousands
/// of entries), and the prefixes. An entry's labels are read off its line when looked up,
/// which costs a lookup a few dozen instructions and saves every start of `t2` the work for
/// all the entries never looked up.
#[derive(Debug, Default)]
pub struct Table {
    /// Length classes, longest first.
    classes: Vec<Class>,
    text: String,
    /// Recent lookups: flows repeat a few addresses (routers, servers), and a lookup walks up to
    /// one binary search per length class through tables far larger than the cache.
    recent: Recent,
}

/// Slots of the lookup cache (a power of two).
const RECENT: usize = 256;

/// A direct-mapped cache of lookups: `(address, where its labels start)`, address 0 = empty
/// slot (0 is never looked up), `NO_ENTRY` = no label.
#[derive(Debug)]
struct Recent([std::cell::Cell<(u64, u32)>; RECENT]);

const NO_ENTRY: u32 = u32::MAX;

impl Default for Recent {
    fn default() -> Self {
        Recent(std::array::from_fn(|_| std::cell::Cell::new((0, NO_ENTRY))))
    }
}

/// The 48-bit address as a number (first byte most significant).
pub fn mac_u64(m: [u8; 6]) -> u64 {
    m.iter().fold(0u64, |a, &b| (a << 8) | b as u64)
}

fn mask(bits: u8) -> u64 {
    if bits == 0 {
        0
    } else {
        ((1u64 << 48) - 1) & !((1u64 << (48 - bits as u32)) - 1)
    }
}

/// The value of each hex digit by byte, 0xff for the other bytes.
const HEX: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        t[b"0123456789abcdef"[i] as usize] = i as u8;
        t[b"0123456789ABCDEF"[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn is_group_separator(c: u8) -> bool {
    matches!(c, b':' | b'-' | b'.')
}

/// The value of `HH?HH?HH` (`H` a hex digit, `?` a group separator) read as eight bytes, the
/// first one lowest; `None` for anything else. The usual start of a prefix, parsed eight bytes
/// at once.
fn three_groups(w: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7f;
    const HIGHS: u64 = ONES * 0x80;
    /// The hex digits' bytes: 0, 1, 3, 4, 6 and 7.
    const DIGITS: u64 = 0x8080_0080_8000_8080;
    if !is_group_separator((w >> 16) as u8) || !is_group_separator((w >> 40) as u8) {
        return None;
    }
    // Range tests on each byte's low seven bits: adding (0x80 - n) sets the byte's high bit
    // when it is at least n, and cannot carry into the next byte.
    let x = w & LOW7;
    let digit = (x + ONES * (0x80 - b'0' as u64)) & !(x + ONES * (0x80 - b'9' as u64 - 1));
    // Setting bit 5 turns `A`-`F` into `a`-`f` and no other byte into them.
    let l = (w | (ONES * 0x20)) & LOW7;
    let letter = (l + ONES * (0x80 - b'a' as u64)) & !(l + ONES * (0x80 - b'f' as u64 - 1));
    // Non-ASCII bytes are neither.
    let (digit, letter) = (digit & !w & HIGHS, letter & !w & HIGHS);
    if (digit | letter) & DIGITS != DIGITS {
        return None;
    }
    // Each digit's value (`a`-`f` are 1 to 6 in their low bits, plus 9), then each pair's
    // byte at the pair's first byte (the separators' low bits are at most 15, so no byte
    // spills into the next).
    let nibbles = (w & (ONES * 0x0f)) + (letter >> 7) * 9;
    let pairs = (nibbles << 4) | (nibbles >> 8);
    Some(((pairs & 0xff) << 16) | (((pairs >> 24) & 0xff) << 8) | ((pairs >> 48) & 0xff))
}

/// The hex groups of a prefix from `b[i..]`: (value, number of groups, end). Each group is two
/// hex digits, or `+` and one (`u8::from_str_radix` reads `+F` as 15); after a group, a
/// separator (`:`, `-`, `.`) must be followed by another, anything else ends the groups.
/// `None` for a group that is not two digits or a seventh group.
#[inline]
fn parse_groups(b: &[u8], i: usize) -> Option<(u64, u8, usize)> {
    let first = b
        .get(i..i + 8)
        .and_then(|w| three_groups(u64::from_le_bytes(w.try_into().expect("8 bytes"))));
    match first {
        Some(v) => match b.get(i + 8) {
            Some(&c) if is_group_separator(c) => parse_more_groups(b, v, 3, i + 9),
            _ => Some((v, 3, i + 8)),
        },
        None => parse_more_groups(b, 0, 0, i),
    }
}

/// [`parse_groups`] from group `n` on, which starts at `i`; `v` holds the groups before it.
fn parse_more_groups(b: &[u8], mut v: u64, mut n: u8, mut i: usize) -> Option<(u64, u8, usize)> {
    while i + 1 < b.len() {
        let (h, l) = (b[i], b[i + 1]);
        let (hv, lv) = (HEX[h as usize], HEX[l as usize]);
        let byte = if hv | lv < 0x10 {
            (hv << 4) | lv
        } else if h == b'+' && lv < 0x10 {
            lv
        } else {
            return None;
        };
        v = (v << 8) | byte as u64;
        n += 1;
        i += 2;
        if i < b.len() && is_group_separator(b[i]) {
            if n == 6 {
                return None;
            }
            i += 1;
        } else {
            return Some((v, n, i));
        }
    }
    None
}

/// Parses `PREFIX[/BITS]` into (48-bit value, bits). White space around `PREFIX` and `BITS`
/// is ignored.
fn parse_prefix(s: &str) -> Option<(u64, u8)> {
    let b = s.as_bytes();
    // One walk from the left; the split at the first `/` is implied, as a group never holds
    // one. A non-ASCII character between the groups and the `/` or the end may be white
    // space: that rare case goes to `parse_prefix_split`.
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if b.get(i).is_some_and(|&c| c >= 0x80) {
        return parse_prefix_split(s);
    }
    let (v, n, mut i) = parse_groups(b, i)?;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let bits = match b.get(i) {
        None => None,
        Some(b'/') => {
            let (x, e) = trim(s, i + 1, b.len());
            Some(parse_uint(&b[x..e], u8::MAX as u32)? as u8)
        }
        Some(&c) if c >= 0x80 => return parse_prefix_split(s),
        Some(_) => return None,
    };
    prefix_value(v, n, bits)
}

/// [`parse_prefix`] by splitting at the first `/` and trimming both parts with `str::trim`.
#[cold]
fn parse_prefix_split(s: &str) -> Option<(u64, u8)> {
    let (p, bits) = match s.split_once('/') {
        Some((p, b)) => (
            p,
            Some(parse_uint(b.trim().as_bytes(), u8::MAX as u32)? as u8),
        ),
        None => (s, None),
    };
    let p = p.trim().as_bytes();
    let (v, n, end) = parse_groups(p, 0)?;
    if end != p.len() {
        return None;
    }
    prefix_value(v, n, bits)
}

/// The prefix of `n` groups `v` with its length: `8 × n` bits unless given, 1 to 48.
fn prefix_value(v: u64, n: u8, bits: Option<u8>) -> Option<(u64, u8)> {
    let bits = bits.unwrap_or(8 * n);
    if !(1..=48).contains(&bits) {
        return None;
    }
    Some(((v << (8 * (6 - n))) & mask(bits), bits))
}

/// The prefix field at `start` in its usual form, groups and `/` with one or two digits or
/// not, and a tab right after it: (prefix, bits, the tab's position). `None` for any other
/// form, even a valid one: [`parse_prefix`] decides those.
#[inline]
fn usual_prefix(b: &[u8], start: usize) -> Option<(u64, u8, usize)> {
    let (v, n, mut i) = parse_groups(b, start)?;
    let mut bits = None;
    if b.get(i) == Some(&b'/') {
        let d1 = b.get(i + 1)?.wrapping_sub(b'0');
        let d2 = b.get(i + 2)?.wrapping_sub(b'0');
        if d1 > 9 {
            return None;
        }
        (bits, i) = if d2 <= 9 {
            (Some(d1 * 10 + d2), i + 3)
        } else {
            (Some(d1), i + 2)
        };
    }
    if b.get(i) != Some(&b'\t') {
        return None;
    }
    let (key, bits) = prefix_value(v, n, bits)?;
    Some((key, bits, i))
}

impl Table {
    /// Parses the table text; returns the table and the number of lines skipped as malformed.
    pub fn parse(text: &str) -> (Table, usize) {
        Table::parse_owned(text.to_string())
    }

    fn parse_owned(text: String) -> (Table, usize) {
        let b = text.as_bytes();
        let mut bad = 0;
        // Entries by prefix length, in file order.
        let mut by_bits: Vec<Vec<(u64, u32)>> = vec![Vec::new(); 49];
        let mut pos = 0;
        while pos < b.len() {
            let (key, bits, labels) = match usual_prefix(b, pos) {
                Some((key, bits, tab)) => {
                    pos = find_newline(b, tab + 1) + 1;
                    (key, bits, tab + 1)
                }
                None => {
                    let (line, next) = Line::<2>::at(&text, pos);
                    pos = next;
                    let Some(line) = line else { continue };
                    let (Some(prefix), Some(labels)) = (line.field(0), line.field(1)) else {
                        bad += 1;
                        continue;
                    };
                    let Some((key, bits)) = parse_prefix(&text[prefix.0..prefix.1]) else {
                        bad += 1;
                        continue;
                    };
                    (key, bits, labels.0)
                }
            };
            // Positions are kept in 32 bits: an entry past 4 GiB into the file is skipped.
            let Ok(labels) = u32::try_from(labels) else {
                bad += 1;
                continue;
            };
            by_bits[bits as usize].push((key, labels));
        }
        let mut classes = Vec::new();
        for bits in (1..=48u8).rev() {
            let mut keys = std::mem::take(&mut by_bits[bits as usize]);
            if keys.is_empty() {
                continue;
            }
            // Strictly increasing already (the generated file): nothing to sort or drop.
            // Otherwise a stable sort keeps equal prefixes in file order, so the dedup keeps
            // the first entry.
            if !keys.windows(2).all(|w| w[0].0 < w[1].0) {
                keys.sort_by_key(|e| e.0);
                keys.dedup_by_key(|e| e.0);
            }
            classes.push(Class { bits, keys });
        }
        (
            Table {
                classes,
                text,
                recent: Recent::default(),
            },
            bad,
        )
    }

    /// Loads the table from a file; `None` when the file cannot be read.
    pub fn load(path: &std::path::Path) -> Option<(Table, usize)> {
        let bytes = std::fs::read(path).ok()?;
        Some(Table::parse_owned(text_of(bytes)))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.classes.iter().map(|c| c.keys.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(short, long)` label of the address: the entry of the longest matching prefix, `None`
    /// when no entry matches (or for the all-zero address).
    pub fn label(&self, mac: [u8; 6]) -> Option<(&str, &str)> {
        let m = mac_u64(mac);
        if m == 0 {
            return None;
        }
        let slot = &self.recent.0[((m ^ (m >> 24)) as usize) & (RECENT - 1)];
        let (cached, at) = slot.get();
        let at = if cached == m {
            at
        } else {
            let at = self.find(m);
            slot.set((m, at));
            at
        };
        (at != NO_ENTRY).then(|| self.entry_labels(at))
    }

    /// Where the labels of the longest matching prefix of `m` start, `NO_ENTRY` for none.
    fn find(&self, m: u64) -> u32 {
        for c in &self.classes {
            let k = m & mask(c.bits);
            if let Ok(i) = c.keys.binary_search_by(|e| e.0.cmp(&k)) {
                return c.keys[i].1;
            }
        }
        NO_ENTRY
    }

    /// `(short, long)` of the entry whose labels start at `at`: the next field and the one
    /// after it, trimmed; the short one again when the long one is absent or empty.
    fn entry_labels(&self, at: u32) -> (&str, &str) {
        let (text, b) = (self.text.as_str(), self.text.as_bytes());
        let at = at as usize;
        let e = find_sep(b, at);
        let short = trim(text, at, e);
        let long = if b.get(e) == Some(&b'\t') {
            Some(trim(text, e + 1, find_sep(b, e + 1))).filter(|(a, e)| a < e)
        } else {
            None
        };
        let (l, le) = long.unwrap_or(short);
        (&text[short.0..short.1], &text[l..le])
    }
}

#[cfg(test)]
mod tests;
