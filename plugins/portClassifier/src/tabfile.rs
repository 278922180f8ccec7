//! Reading the plugins' tab-separated text tables (`portmap.txt`, `macRecorder_oui.txt`) in one
//! pass over the bytes.
//!
//! Shared by portClassifier and protoStats (through `portmap.rs`) and macRecorder (`oui.rs`),
//! which include this file by path: the three plugins are separate crates and the tables'
//! common rules are theirs, not the plugin API's.
//!
//! # Contract
//!
//! The results are exactly those of the `str` methods the tables were first read with:
//!
//! - [`text_of`]: `String::from_utf8`, or `String::from_utf8_lossy` for a file that is not
//!   valid UTF-8 (invalid sequences become U+FFFD);
//! - [`Line::at`]: the lines of `str::lines`, without those whose `str::trim` is empty and
//!   those starting with `#`; [`Line::field`]: the fields of `split('\t')`. A `\r` before the
//!   `\n` stays in the last field: callers trim every field, which removes it;
//! - [`trim`]: `str::trim` (Unicode white space, not only ASCII);
//! - [`parse_uint`]: `str::parse` of an unsigned integer (`+` sign and leading zeros allowed).
//!
//! The tables have tens of thousands of lines and are read at every start of `t2`, so tabs
//! and newlines are found eight bytes at a time ([`find_sep`]), white space is checked on the
//! bytes at the ends of a field only, and nothing is allocated per line. The callers parse
//! the first fields of a line in its usual form directly ([`Line::after`]) and take the
//! general way ([`Line::at`]) for any other line.

/// The text of a table file: the bytes themselves when they are UTF-8 (no copy).
pub(crate) fn text_of(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes below 0x0B (`\t` is 9, `\n` 10) of an eight-byte word, as the 0x80 bit of each.
///
/// Exact per byte (no false hit from a borrow): setting the high bit of every byte first keeps
/// each subtraction within its byte. Bytes 0 to 8 are hits too; the caller checks the byte.
#[inline]
fn low_bytes(w: u64) -> u64 {
    !(w | HIGHS).wrapping_sub(ONES * 0x0B) & !w & HIGHS
}

/// Position of the first tab or newline in `b` at or after `i` (at most `b.len()`);
/// `b.len()` when there is none.
///
/// Eight bytes per step: a field is a few dozen bytes, and a byte loop costs several
/// instructions per byte. Not inlined: alone, the loop keeps its constants in registers.
#[inline(never)]
pub(crate) fn find_sep(b: &[u8], i: usize) -> usize {
    let mut words = b[i..].chunks_exact(8);
    let mut at = i;
    for w in &mut words {
        let mut hits = low_bytes(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        while hits != 0 {
            let k = (hits.trailing_zeros() / 8) as usize;
            if w[k] == b'\t' || w[k] == b'\n' {
                return at + k;
            }
            hits &= hits - 1;
        }
        at += 8;
    }
    for &c in words.remainder() {
        if c == b'\t' || c == b'\n' {
            return at;
        }
        at += 1;
    }
    at
}

/// Position of the first newline in `b` at or after `i` (at most `b.len()`); `b.len()` when
/// there is none. Sixteen bytes per step: the rest of a line is usually longer than a field.
#[inline(never)]
pub(crate) fn find_newline(b: &[u8], i: usize) -> usize {
    // The classic zero-byte test: its lowest flag is exact (a borrow only flags bytes above a
    // zero one).
    let newlines = |w: &[u8]| {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ (ONES * b'\n' as u64);
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut pairs = b[i..].chunks_exact(16);
    let mut at = i;
    for p in &mut pairs {
        let (lo, hi) = (newlines(&p[..8]), newlines(&p[8..]));
        if lo | hi != 0 {
            let k = if lo != 0 {
                lo.trailing_zeros() / 8
            } else {
                8 + hi.trailing_zeros() / 8
            };
            return at + k as usize;
        }
        at += 16;
    }
    for &c in pairs.remainder() {
        if c == b'\n' {
            return at;
        }
        at += 1;
    }
    at
}

/// `char::is_whitespace` for an ASCII byte (`u8::is_ascii_whitespace` leaves out U+000B).
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b'\t'..=b'\r' | b' ')
}

/// `text[a..e].trim()` as a range of `text`. `a` and `e` must be character boundaries.
#[inline]
pub(crate) fn trim(text: &str, a: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    // Nearly every field starts and ends with a printable ASCII character.
    if a < e && (b'!'..0x80).contains(&b[a]) && (b'!'..0x80).contains(&b[e - 1]) {
        return (a, e);
    }
    trim_slow(text, a, e)
}

#[cold]
fn trim_slow(text: &str, mut a: usize, mut e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    while a < e && is_space(b[a]) {
        a += 1;
    }
    while e > a && is_space(b[e - 1]) {
        e -= 1;
    }
    // A non-ASCII end may be Unicode white space (U+00A0, U+3000, ...): left to std.
    if a < e && (b[a] >= 0x80 || b[e - 1] >= 0x80) {
        let t = text[a..e].trim();
        let off = t.as_ptr() as usize - text.as_ptr() as usize;
        return (off, off + t.len());
    }
    (a, e)
}

/// `s.parse::<uN>()` for an unsigned type with maximum `max`: an optional `+`, then decimal
/// digits (leading zeros allowed).
pub(crate) fn parse_uint(s: &[u8], max: u32) -> Option<u32> {
    let d = s.strip_prefix(b"+").unwrap_or(s);
    if d.is_empty() {
        return None;
    }
    let mut v = 0u32;
    for &c in d {
        let x = c.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        // At most `max` * 10 + 9: no overflow for any `max` up to u32::MAX / 10.
        v = v * 10 + x as u32;
        if v > max {
            return None;
        }
    }
    Some(v)
}

/// One line with content: its byte range (without the `\n`) and the ends of its first `N`
/// fields.
pub(crate) struct Line<const N: usize> {
    pub start: usize,
    /// End of the line: its newline, or the end of the text.
    pub end: usize,
    /// End (a tab, or `end`) of each field found, `nfields` of them.
    ends: [usize; N],
    nfields: usize,
}

impl<const N: usize> Line<N> {
    /// The line starting at `start` (0 or just after a newline) and the start of the next one;
    /// no line when it is blank or a comment.
    pub fn at(text: &str, start: usize) -> (Option<Line<N>>, usize) {
        let b = text.as_bytes();
        let c = b[start];
        if c == b'#' {
            return (None, find_newline(b, start) + 1);
        }
        let line = Line::scan(b, start, start, 0);
        // Only a line starting with white space or a non-ASCII character can be blank.
        if (c <= b' ' || c >= 0x80) && text[start..line.end].trim().is_empty() {
            return (None, line.end + 1);
        }
        let next = line.end + 1;
        (Some(line), next)
    }

    /// The line starting at `start` whose first fields the caller has read already: they
    /// end at the tabs at `tabs` (not empty, at most `N - 1`).
    #[inline]
    #[allow(dead_code)] // Not used by macRecorder, which only needs the line's end.
    pub fn after<const K: usize>(b: &[u8], start: usize, tabs: [usize; K]) -> Line<N> {
        let mut line = Line::scan(b, start, tabs[K - 1] + 1, K);
        line.ends[..K].copy_from_slice(&tabs);
        line
    }

    /// Field ends from `from`, the start of field `k`, on.
    #[inline]
    fn scan(b: &[u8], start: usize, from: usize, k: usize) -> Line<N> {
        let mut line = Line {
            start,
            end: 0,
            ends: [0; N],
            nfields: k,
        };
        let mut e = find_sep(b, from);
        line.end = loop {
            line.ends[line.nfields] = e;
            line.nfields += 1;
            if e >= b.len() || b[e] == b'\n' {
                break e;
            }
            if line.nfields == N {
                break find_newline(b, e + 1);
            }
            e = find_sep(b, e + 1);
        };
        line
    }

    /// The text after the tab that ends field `i` (`i < N`), up to the end of the line, as a
    /// byte range (`split_once('\t')` for field 0); `None` when no tab ends field `i`.
    #[allow(dead_code)] // Only protoStats' `names` uses it.
    pub fn rest(&self, i: usize) -> Option<(usize, usize)> {
        (i < self.nfields && self.ends[i] < self.end).then(|| (self.ends[i] + 1, self.end))
    }

    /// Field `i` (`i < N`) as a byte range, untrimmed; `None` when the line has fewer fields.
    #[inline]
    pub fn field(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.nfields {
            return None;
        }
        let a = if i == 0 {
            self.start
        } else {
            self.ends[i - 1] + 1
        };
        Some((a, self.ends[i]))
    }
}

/// A small deterministic generator (splitmix64) for the random tables of the table parsers'
/// tests (portClassifier's and macRecorder's, which include this file).
#[cfg(test)]
pub(crate) struct TestRng(pub u64);

#[cfg(test)]
impl TestRng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// One of the first `n` of `v`.
    pub(crate) fn pick(&mut self, v: &[&'static str], n: usize) -> &'static str {
        v[(self.next() % n as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: `(fields, trimmed)` of the content lines, by `str` methods.
    fn reference(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.split('\t')
                    .take(3)
                    .map(|f| f.trim().to_string())
                    .collect()
            })
            .collect()
    }

    fn ours(text: &str) -> Vec<Vec<String>> {
        let mut v = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let (line, next) = Line::<3>::at(text, pos);
            pos = next;
            let Some(l) = line else { continue };
            v.push(
                (0..3)
                    .map_while(|i| l.field(i))
                    .map(|(a, e)| {
                        let (a, e) = trim(text, a, e);
                        text[a..e].to_string()
                    })
                    .collect(),
            );
        }
        v
    }

    #[test]
    fn lines_and_fields() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "#x\n\n \n\t\t\r\n\u{3000}\n\x0b\nb\n",
            " #not a comment\n",
            "a\tb\tc\td\te\n",
            "a\t\t\n\tb\n",
            "a\tb\r\n\r\nc\td\r\r\n",
            " a \t\u{a0}b\u{85}\t c\u{2028}\r",
            "\u{1}\n\u{1}\t\n",
            "0123456789abcdef\t0123456789abcdef0\t0123456789abcdef01\n0123456\t",
            "é\tà\t\u{fffd}\n",
        ] {
            assert_eq!(ours(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn separators_at_every_position() {
        // Every alignment and start, with bytes around the separator that a borrow between
        // bytes would turn into hits (0x0b, 0x0a + 0x80), and other bytes below 0x0B.
        for len in 0..40 {
            for at in 0..len {
                for (sep, other) in [(b'\t', 0x0b), (b'\n', 0x08), (b'\n', 0x8a), (b'\t', 0)] {
                    let mut b = vec![b'a'; len];
                    b[at] = sep;
                    for i in [at.wrapping_sub(1), at + 1] {
                        if let Some(c) = b.get_mut(i) {
                            *c = other;
                        }
                    }
                    for from in 0..=len {
                        let want_sep = if from <= at { at } else { len };
                        assert_eq!(find_sep(&b, from), want_sep, "{b:?} from {from}");
                        let want_nl = if from <= at && sep == b'\n' { at } else { len };
                        assert_eq!(find_newline(&b, from), want_nl, "{b:?} from {from}");
                    }
                }
            }
        }
        // Whole lines, the same way.
        for len in 0..40 {
            for at in 0..=len {
                for (sep, other) in [("\t", "\x0b"), ("\n", "\x08"), ("\n", "Ê"), ("\t", "\0")] {
                    let text = format!(
                        "{}{other}{sep}{other}{}",
                        "a".repeat(at),
                        "b".repeat(len - at)
                    );
                    assert_eq!(ours(&text), reference(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn trim_like_std() {
        let text = " \t\x0b\x0c\r\n a b \u{a0}\u{3000}x\u{85} é \u{2000}";
        for a in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for e in (a..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let (x, y) = trim(text, a, e);
                assert_eq!(&text[x..y], text[a..e].trim(), "{:?}", &text[a..e]);
            }
        }
    }

    #[test]
    fn uint_like_std() {
        for s in [
            "", "+", "-", "0", "+0", "-0", "255", "256", "0000255", "+255", "++1", "1+", " 1",
            "1 ", "65535", "65536", "x", "1_0", "٣",
        ] {
            assert_eq!(
                parse_uint(s.as_bytes(), u8::MAX as u32),
                s.parse::<u8>().ok().map(u32::from),
                "{s:?}"
            );
            assert_eq!(
                parse_uint(s.as_bytes(), u16::MAX as u32),
                s.parse::<u16>().ok().map(u32::from),
                "{s:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8() {
        assert_eq!(text_of(b"a\tb".to_vec()), "a\tb");
        assert_eq!(text_of(b"a\xff\tb\xc3".to_vec()), "a\u{fffd}\tb\u{fffd}");
    }
}
