//! Text primitives of T2's `bin2txt` rendering (spec §2.2): C's `%g`/`%f`, zero-padded hex,
//! `sec.nsec` times, MAC, IPv4, IPv6 (`inet_ntop` as glibc prints it), quoted/escaped strings,
//! and the UTC date of the headers file.
//!
//! Every function appends to a `Vec<u8>` and allocates nothing else.

use std::fmt::Write as _;
use std::io::Write as _;

/// A fixed stack buffer implementing `fmt::Write` (for numbers that must be inspected before
/// they are emitted). Writes past the capacity are an error.
struct StackBuf {
    buf: [u8; 64],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf {
            buf: [0; 64],
            len: 0,
        }
    }
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn push_nonfinite(out: &mut Vec<u8>, v: f64) -> bool {
    if v.is_nan() {
        // glibc prints the sign of a NaN.
        out.extend_from_slice(if v.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        });
        true
    } else if v.is_infinite() {
        out.extend_from_slice(if v < 0.0 { b"-inf" } else { b"inf" });
        true
    } else {
        false
    }
}

/// Appends `v` as C's `printf("%.<prec>g", v)` (glibc), e.g. `%.7g` for T2's `F` columns.
pub fn push_g(out: &mut Vec<u8>, v: f64, prec: usize) {
    if push_nonfinite(out, v) {
        return;
    }
    let p = prec.clamp(1, 40);
    if v == 0.0 {
        out.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    // Fast path: a whole number with at most `p` digits prints as the integer (what %g gives).
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let a = v.abs() as u64;
        let digits = if a == 0 { 1 } else { a.ilog10() as usize + 1 };
        if digits <= p {
            if v < 0.0 {
                out.push(b'-');
            }
            push_u64(out, a);
            return;
        }
    }
    // The decimal exponent X after rounding to p significant digits.
    let mut e = StackBuf::new();
    if write!(e, "{:.*e}", p - 1, v).is_err() {
        return;
    }
    let s = e.as_bytes();
    let epos = s.iter().rposition(|&c| c == b'e').unwrap_or(s.len());
    let exp: i32 = std::str::from_utf8(&s[epos + 1..])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    if exp < -4 || exp >= p as i32 {
        // Scientific: mantissa without trailing zeros, exponent with sign and >= 2 digits.
        let mant = strip_zeros(&s[..epos]);
        out.extend_from_slice(mant);
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push(b'0');
        }
        let _ = write!(out, "{a}");
    } else {
        // Fixed notation shows the same p significant digits (both forms round the value to
        // p digits, and X is the exponent after that rounding), so they are placed around a
        // point instead of formatting the value a second time (this runs for most float cells).
        let mant = &s[..epos];
        if v < 0.0 {
            out.push(b'-');
        }
        let mut digits = [0u8; 48];
        let mut n = 0;
        for &c in mant.iter().filter(|c| c.is_ascii_digit()) {
            digits[n] = c;
            n += 1;
        }
        let digits = &digits[..n];
        let start = out.len();
        if exp >= 0 {
            let int_len = exp as usize + 1;
            out.extend_from_slice(&digits[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&digits[int_len..]);
        } else {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-exp - 1) as usize));
            out.extend_from_slice(digits);
        }
        let kept = strip_zeros(&out[start..]).len();
        out.truncate(start + kept);
    }
}

/// Removes trailing zeros of a fraction, and the point if nothing is left after it.
fn strip_zeros(s: &[u8]) -> &[u8] {
    if !s.contains(&b'.') {
        return s;
    }
    let mut end = s.len();
    while end > 0 && s[end - 1] == b'0' {
        end -= 1;
    }
    if end > 0 && s[end - 1] == b'.' {
        end -= 1;
    }
    &s[..end]
}

/// Appends `v` as C's `printf("%.<decimals>f", v)` (T2's `D` columns use `%f`, 6 decimals).
pub fn push_f(out: &mut Vec<u8>, v: f64, decimals: usize) {
    if push_nonfinite(out, v) {
        return;
    }
    let _ = write!(out, "{:.*}", decimals, v);
}

/// Appends the first `used` bytes of `chunk` to `out` with one copy of all `N` bytes.
///
/// The values of a text row are short and of varying length; appending a variable-length
/// slice costs a `memcpy` call, while a fixed-size copy is a few moves. The bytes past `used`
/// land in spare capacity (the length does not cover them) and the next append overwrites them.
#[inline(always)]
fn put<const N: usize>(out: &mut Vec<u8>, chunk: &[u8; N], used: usize) {
    assert!(used <= N);
    out.reserve(N);
    let len = out.len();
    // SAFETY: `reserve(N)` leaves capacity for at least `N` bytes past `len`; all `N` are
    // written before the length grows by `used <= N`, so every byte it covers is initialised.
    unsafe {
        core::ptr::copy_nonoverlapping(chunk.as_ptr(), out.as_mut_ptr().add(len), N);
        out.set_len(len + used);
    }
}

/// Copies `src` (at most 32 bytes) to the start of `dst` (at least 32 bytes) with at most two
/// fixed-size, possibly overlapping, moves.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    assert!(n <= 32 && dst.len() >= 32);
    if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..n].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// Two-digit pairs "00".."99" for [`push_u64`].
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

#[inline(always)]
fn pair(v: usize) -> [u8; 2] {
    [DIGIT_PAIRS[2 * v], DIGIT_PAIRS[2 * v + 1]]
}

/// Writes `v` in decimal right-aligned to end at `buf[20]` and returns where it starts
/// (`buf` is larger so that a fixed-size chunk can be taken from any start).
#[inline(always)]
fn dec_right(buf: &mut [u8; 48], v: u64) -> usize {
    let mut i = 20;
    let mut n = v;
    while n >= 100 {
        let r = (n % 100) as usize;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&pair(r));
    }
    if n >= 10 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&pair(n as usize));
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    i
}

/// Appends an unsigned integer in decimal.
///
/// Formatting runs for every cell of every row: the digits are made two at a time and
/// appended with one fixed-size copy (see `put`); values below 100 skip the loop.
#[inline]
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    if v < 100 {
        let p = pair(v as usize);
        if v < 10 {
            put(out, &[p[1], 0], 1);
        } else {
            put(out, &p, 2);
        }
        return;
    }
    let mut buf = [0u8; 48];
    let i = dec_right(&mut buf, v);
    let chunk: &[u8; 20] = buf[i..i + 20].try_into().expect("i <= 20");
    put(out, chunk, 20 - i);
}

/// Appends a signed integer in decimal.
#[inline]
pub fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex digit pairs of every byte value.
static HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 15]];
        i += 1;
    }
    t
};

/// Appends `0x` and `v` as lowercase hex zero-padded to `bytes * 2` digits (T2's `H8..H64`).
#[inline]
pub fn push_hex(out: &mut Vec<u8>, v: u64, bytes: usize) {
    let bytes = bytes.min(8);
    let mut buf = [0u8; 18];
    buf[0] = b'0';
    buf[1] = b'x';
    for i in 0..bytes {
        let b = (v >> ((bytes - 1 - i) * 8)) as u8;
        buf[2 + 2 * i..4 + 2 * i].copy_from_slice(&HEX_PAIRS[b as usize]);
    }
    put(out, &buf, 2 + 2 * bytes);
}

/// Appends a time or duration as `sec.nnnnnnnnn`.
#[inline]
pub fn push_time(out: &mut Vec<u8>, sec: u64, nsec: u32) {
    let mut buf = [0u8; 48];
    let i = dec_right(&mut buf, sec);
    buf[20] = b'.';
    let chunk: &[u8; 24] = buf[i..i + 24].try_into().expect("i <= 20");
    put(out, chunk, 21 - i);
    if nsec >= 1_000_000_000 {
        // Only broken captures get here: printed in full like C's `%09u`.
        push_u64(out, nsec as u64);
        return;
    }
    let mut n = nsec as usize;
    let mut frac = [b'0'; 16];
    for i in (1..9).rev().step_by(2) {
        frac[i - 1..i + 1].copy_from_slice(&pair(n % 100));
        n /= 100;
    }
    frac[0] = b'0' + n as u8;
    put(out, &frac, 9);
}

/// Appends a MAC address as `aa:bb:cc:dd:ee:ff`.
#[inline]
pub fn push_mac(out: &mut Vec<u8>, mac: &[u8; 6]) {
    let mut buf = [b':'; 18];
    for (i, b) in mac.iter().enumerate() {
        buf[3 * i..3 * i + 2].copy_from_slice(&HEX_PAIRS[*b as usize]);
    }
    put(out, &buf, 17);
}

/// Every octet value as up to 3 decimal digits followed by '.', and how many digits.
static OCTETS: [([u8; 4], u8); 256] = {
    let mut t = [([0u8; 4], 0u8); 256];
    let mut i = 0;
    while i < 256 {
        let (d, n) = if i >= 100 {
            (
                [
                    b'0' + (i / 100) as u8,
                    b'0' + (i / 10 % 10) as u8,
                    b'0' + (i % 10) as u8,
                    b'.',
                ],
                3,
            )
        } else if i >= 10 {
            ([b'0' + (i / 10) as u8, b'0' + (i % 10) as u8, b'.', 0], 2)
        } else {
            ([b'0' + i as u8, b'.', 0, 0], 1)
        };
        t[i] = (d, n);
        i += 1;
    }
    t
};

/// Appends an IPv4 address in dotted-quad form.
#[inline]
pub fn push_ip4(out: &mut Vec<u8>, a: &[u8; 4]) {
    let mut buf = [0u8; 16];
    let mut n = 0;
    for &b in a {
        let (d, k) = OCTETS[b as usize];
        buf[n..n + 4].copy_from_slice(&d);
        n += k as usize + 1;
    }
    // (No '.' after the last octet.)
    put(out, &buf, n - 1);
}

fn push_hex_word(out: &mut Vec<u8>, w: u16) {
    let mut started = false;
    for i in (0..4).rev() {
        let d = ((w >> (i * 4)) & 0xf) as usize;
        if d != 0 || started || i == 0 {
            out.push(HEX[d]);
            started = true;
        }
    }
}

/// Appends an IPv6 address as glibc's `inet_ntop` prints it: lowercase, leading zeros dropped,
/// the first longest run (>= 2) of zero words compressed to `::`, and the IPv4-compatible
/// (`::a.b.c.d`) and IPv4-mapped (`::ffff:a.b.c.d`) forms.
pub fn push_ip6(out: &mut Vec<u8>, a: &[u8; 16]) {
    let mut w = [0u16; 8];
    for i in 0..8 {
        w[i] = u16::from_be_bytes([a[2 * i], a[2 * i + 1]]);
    }
    // Longest run of zero words (first one on ties), only if at least 2 long.
    let (mut best_base, mut best_len) = (usize::MAX, 0usize);
    let (mut cur_base, mut cur_len) = (usize::MAX, 0usize);
    for i in 0..8 {
        if w[i] == 0 {
            if cur_len == 0 {
                cur_base = i;
            }
            cur_len += 1;
            if cur_len > best_len {
                best_base = cur_base;
                best_len = cur_len;
            }
        } else {
            cur_len = 0;
        }
    }
    if best_len < 2 {
        best_base = usize::MAX;
        best_len = 0;
    }
    let in_run = |i: usize| best_len > 0 && i >= best_base && i < best_base + best_len;
    for i in 0..8 {
        if in_run(i) {
            if i == best_base {
                out.push(b':');
            }
            continue;
        }
        if i != 0 {
            out.push(b':');
        }
        // Embedded IPv4: ::a.b.c.d or ::ffff:a.b.c.d
        if i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)) {
            push_ip4(out, &[a[12], a[13], a[14], a[15]]);
            return;
        }
        push_hex_word(out, w[i]);
    }
    if best_len > 0 && best_base + best_len == 8 {
        out.push(b':');
    }
}

/// How [`push_escaped`] renders a string: T2's `S` (quoted) or `SC` (unquoted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrStyle {
    Quoted,
    Raw,
}

/// Appends a string with T2's escapes: `\b \f \n \r \t \v \\ \"`, other control characters and
/// DEL as `\u00XX` (uppercase hex), invalid or overlong UTF-8 bytes as `.`; surrounded by
/// double quotes for [`StrStyle::Quoted`].
pub fn push_escaped(out: &mut Vec<u8>, s: &[u8], style: StrStyle) {
    // Most strings (header descriptions, country codes) are short plain printable ASCII. The
    // check has no early exit so that it vectorises; short ones are appended with fixed-size
    // moves (see `put`).
    let special = s.iter().fold(false, |acc, &c| {
        acc | !(0x20..0x7f).contains(&c) | (c == b'"') | (c == b'\\')
    });
    if !special {
        let q = usize::from(style == StrStyle::Quoted);
        if s.len() <= 32 {
            let mut buf = [b'"'; 34];
            copy_short(&mut buf[q..q + 32], s);
            buf[q + s.len()] = b'"';
            put(out, &buf, s.len() + 2 * q);
        } else {
            if q == 1 {
                out.push(b'"');
            }
            out.extend_from_slice(s);
            if q == 1 {
                out.push(b'"');
            }
        }
        return;
    }
    if style == StrStyle::Quoted {
        out.push(b'"');
    }
    for chunk in s.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        let mut start = 0;
        for (i, &c) in valid.iter().enumerate() {
            let esc: &[u8] = match c {
                0x08 => b"\\b",
                0x0c => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x0b => b"\\v",
                b'\\' => b"\\\\",
                b'"' => b"\\\"",
                c if c < 0x20 || c == 0x7f => b"",
                _ => continue,
            };
            out.extend_from_slice(&valid[start..i]);
            start = i + 1;
            if esc.is_empty() {
                const UHEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"\\u00");
                out.push(UHEX[(c >> 4) as usize]);
                out.push(UHEX[(c & 0xf) as usize]);
            } else {
                out.extend_from_slice(esc);
            }
        }
        out.extend_from_slice(&valid[start..]);
        for _ in chunk.invalid() {
            out.push(b'.');
        }
    }
    if style == StrStyle::Quoted {
        out.push(b'"');
    }
}

/// Formats a Unix time as T2's headers/log date, `Ddd dd Mmm YYYY HH:MM:SS` in UTC
/// (e.g. `Mon 23 Nov 2026 18:00:31`), without the zone name.
pub fn utc_date(sec: i64) -> String {
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = sec.div_euclid(86_400);
    let secs = sec.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {:02} {} {} {:02}:{:02}:{:02}",
        WD[days.rem_euclid(7) as usize],
        d,
        MON[(m - 1) as usize],
        y,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Proleptic Gregorian (year, month 1..12, day 1..31) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(v: f64) -> String {
        let mut o = Vec::new();
        push_g(&mut o, v, 7);
        String::from_utf8(o).unwrap()
    }

    unsafe extern "C" {
        fn snprintf(buf: *mut u8, n: usize, fmt: *const u8, ...) -> i32;
    }

    fn c_fmt(fmt: &[u8], v: f64) -> String {
        let mut buf = [0u8; 512];
        // SAFETY: fmt is NUL-terminated and takes one double; buf is large enough.
        let n = unsafe { snprintf(buf.as_mut_ptr(), buf.len(), fmt.as_ptr(), v) };
        String::from_utf8(buf[..n as usize].to_vec()).unwrap()
    }

    #[test]
    fn g_reference_values() {
        // Values as they appear in T2 output (spec §2.2 and the conformance files).
        assert_eq!(g(1.0 / 3.0_f32 as f64), "0.3333333");
        assert_eq!(g(65535.0), "65535");
        assert_eq!(g(177.8_f32 as f64), "177.8");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(-1.0), "-1");
        assert_eq!(g(1e-5), "1e-05");
        assert_eq!(g(12345678.0), "1.234568e+07");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(1e100), "1e+100");
        assert_eq!(g(f64::NAN), "nan");
        assert_eq!(g(f64::INFINITY), "inf");
    }

    #[test]
    fn g_and_f_match_libc() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut vals = vec![
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            9999999.5,
            999999.95,
            1e-4,
            9.9999995e-5,
            123456.5,
            -0.0,
        ];
        for _ in 0..20000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bits = x;
            let v = f64::from_bits(bits);
            if v.is_finite() {
                vals.push(v);
            }
            let f = f32::from_bits((bits >> 32) as u32);
            if f.is_finite() {
                vals.push(f as f64);
            }
            vals.push((bits % 2_000_000) as f64 / 64.0);
            vals.push((bits % 1000) as f64 * 10f64.powi((bits % 30) as i32 - 15));
        }
        for v in vals {
            for (prec, cfmt) in [(7usize, &b"%.7g\0"[..]), (1, b"%.1g\0"), (17, b"%.17g\0")] {
                let mut o = Vec::new();
                push_g(&mut o, v, prec);
                assert_eq!(
                    String::from_utf8(o).unwrap(),
                    c_fmt(cfmt, v),
                    "%.{prec}g of {v:e}"
                );
            }
            if v.abs() < 1e30 {
                let mut o = Vec::new();
                push_f(&mut o, v, 6);
                assert_eq!(
                    String::from_utf8(o).unwrap(),
                    c_fmt(b"%f\0", v),
                    "%f of {v:e}"
                );
            }
        }
    }

    fn ip6(s: &str) -> String {
        let a: std::net::Ipv6Addr = s.parse().unwrap();
        let mut o = Vec::new();
        push_ip6(&mut o, &a.octets());
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn ip6_forms() {
        // Forms present in the conformance files.
        assert_eq!(ip6("100b:4322::"), "100b:4322::");
        assert_eq!(ip6("10::1"), "10::1");
        assert_eq!(ip6("fe80::2a0:a5ff:fe5b:1c63"), "fe80::2a0:a5ff:fe5b:1c63");
        assert_eq!(ip6("ff02::1:ff00:1"), "ff02::1:ff00:1");
        assert_eq!(ip6("::"), "::");
        assert_eq!(ip6("::1"), "::1");
        // glibc: IPv4-mapped and IPv4-compatible forms.
        assert_eq!(ip6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(ip6("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(ip6("::ffff:0:0"), "::ffff:0.0.0.0");
        // A single zero word is not compressed; first of equal runs wins.
        assert_eq!(ip6("1:0:2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");
        assert_eq!(ip6("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");
        assert_eq!(ip6("1:0:0:2:0:0:0:4"), "1:0:0:2::4");
        assert_eq!(ip6("2001:db8::"), "2001:db8::");
        assert_eq!(ip6("0:1::"), "0:1::");
        assert_eq!(ip6("1::2"), "1::2");
    }

    unsafe extern "C" {
        fn inet_ntop(af: i32, src: *const u8, dst: *mut u8, size: u32) -> *const u8;
    }

    #[test]
    fn ip6_matches_libc() {
        let mut x: u64 = 12345;
        for _ in 0..50000 {
            let mut a = [0u8; 16];
            for w in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly zero words so that runs are common.
                let v: u16 = if x % 3 == 0 {
                    (x >> 20) as u16
                } else if x % 7 == 0 {
                    0xffff
                } else {
                    0
                };
                a[2 * w..2 * w + 2].copy_from_slice(&v.to_be_bytes());
            }
            let mut buf = [0u8; 64];
            // SAFETY: AF_INET6 = 10 on Linux; buffers are large enough.
            let p = unsafe { inet_ntop(10, a.as_ptr(), buf.as_mut_ptr(), 64) };
            assert!(!p.is_null());
            let n = buf.iter().position(|&c| c == 0).unwrap();
            let mut o = Vec::new();
            push_ip6(&mut o, &a);
            assert_eq!(o, &buf[..n], "{a:?}");
        }
    }

    #[test]
    fn strings() {
        let mut o = Vec::new();
        push_escaped(
            &mut o,
            b"a\"b\\c\n\x01\x7f\xff\xc0\xaf\xc3\xa9",
            StrStyle::Quoted,
        );
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "\"a\\\"b\\\\c\\n\\u0001\\u007F...\u{e9}\""
        );
        let mut o = Vec::new();
        push_escaped(&mut o, b"eth:ipv4:tcp", StrStyle::Raw);
        assert_eq!(o, b"eth:ipv4:tcp");
    }

    #[test]
    fn scalars() {
        let mut o = Vec::new();
        push_hex(&mut o, 0x0400000000004000, 8);
        o.push(b' ');
        push_hex(&mut o, 0x800, 2);
        o.push(b' ');
        push_time(&mut o, 1470104373, 25824000);
        o.push(b' ');
        push_mac(&mut o, &[0x48, 0xd2, 0x24, 0x63, 0x31, 0x00]);
        o.push(b' ');
        push_ip4(&mut o, &[192, 168, 5, 44]);
        o.push(b' ');
        push_i64(&mut o, i64::MIN);
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "0x0400000000004000 0x0800 1470104373.025824000 48:d2:24:63:31:00 192.168.5.44 -9223372036854775808"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(utc_date(1795456831), "Mon 23 Nov 2026 18:00:31");
        assert_eq!(utc_date(0), "Thu 01 Jan 1970 00:00:00");
        assert_eq!(utc_date(951782400), "Tue 29 Feb 2000 00:00:00");
    }
}

#[cfg(test)]
mod time_tests {
    /// Out-of-range fractions as the original prints them (tcpdump/timestamp_invalid_*.pcap).
    #[test]
    fn fractions_print_like_c_09u() {
        let mut v = Vec::new();
        super::push_time(&mut v, 1418145370, 1_000_000_000);
        v.push(b' ');
        super::push_time(&mut v, 1418145370, 2_147_483_648);
        v.push(b' ');
        super::push_time(&mut v, 5, 1_000);
        assert_eq!(String::from_utf8(v).unwrap(), "1418145370.1000000000 1418145370.2147483648 5.000001000");
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// The digit-pair writers agree with `format!` on edge values and a spread of others.
    #[test]
    fn integers_hex_and_times_match_std_formatting() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut values: Vec<u64> = vec![0, 9, 10, 99, 100, 999, 1000, 65535, u32::MAX as u64, u64::MAX];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for &v in &values {
            let mut o = Vec::new();
            push_u64(&mut o, v);
            assert_eq!(o, v.to_string().into_bytes());
            for bytes in [1usize, 2, 4, 8] {
                let mut h = Vec::new();
                let masked = if bytes == 8 { v } else { v & ((1u64 << (bytes * 8)) - 1) };
                push_hex(&mut h, masked, bytes);
                assert_eq!(h, format!("0x{:0w$x}", masked, w = bytes * 2).into_bytes());
            }
            let ns = (v % 1_000_000_000) as u32;
            let mut t = Vec::new();
            push_time(&mut t, v >> 32, ns);
            assert_eq!(t, format!("{}.{:09}", v >> 32, ns).into_bytes());
        }
        let mut m = Vec::new();
        push_mac(&mut m, &[0x00, 0x1b, 0xd5, 0xff, 0x54, 0xd9]);
        assert_eq!(m, b"00:1b:d5:ff:54:d9");
        let mut e = Vec::new();
        push_escaped(&mut e, b"eth:ipv4:tcp", StrStyle::Quoted);
        push_escaped(&mut e, b"a\"b\\c\x01", StrStyle::Raw);
        assert_eq!(e, b"\"eth:ipv4:tcp\"a\\\"b\\\\c\\u0001");
    }
    /// The fixed-size appends (`put`) leave exactly the value: every octet, every hex width,
    /// plain strings of every length around the 32-byte fast path, appended after other text.
    #[test]
    fn fixed_size_appends_are_exact() {
        for b in 0..=255u8 {
            for pos in 0..4 {
                let mut a = [10, 200, 7, 99];
                a[pos] = b;
                let mut o = b"x".to_vec();
                push_ip4(&mut o, &a);
                assert_eq!(o, format!("x{}.{}.{}.{}", a[0], a[1], a[2], a[3]).into_bytes());
            }
        }
        for bytes in 0..=8usize {
            let mut o = Vec::new();
            push_hex(&mut o, 0x0123_4567_89ab_cdef, bytes);
            let v = 0x0123_4567_89ab_cdefu64 & u64::MAX.checked_shr(64 - 8 * bytes as u32).unwrap_or(0);
            let want = match bytes {
                0 => "0x".to_string(),
                _ => format!("0x{:0w$x}", v, w = bytes * 2),
            };
            assert_eq!(String::from_utf8(o).unwrap(), want);
        }
        for v in 0..100_000u64 {
            let mut o = b"ab".to_vec();
            push_u64(&mut o, v);
            assert_eq!(o, format!("ab{v}").into_bytes());
        }
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789-:.ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for n in 0..text.len() {
            for (style, q) in [(StrStyle::Raw, ""), (StrStyle::Quoted, "\"")] {
                let mut o = b"<".to_vec();
                push_escaped(&mut o, &text[..n], style);
                o.push(b'>');
                let s = std::str::from_utf8(&text[..n]).unwrap();
                assert_eq!(String::from_utf8(o).unwrap(), format!("<{q}{s}{q}>"));
            }
        }
    }
}
