//! Byte access past the captured bytes (read as zeros), Internet checksums and T2's time
//! arithmetic.

use t2_plugin::abi::T2Time;

/// The byte at `i`, 0 past the captured bytes.
#[inline]
pub fn b(d: &[u8], i: usize) -> u8 {
    d.get(i).copied().unwrap_or(0)
}

/// Big-endian u16 at `i` (zeros past the captured bytes).
#[inline]
pub fn be16(d: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b(d, i), b(d, i + 1)])
}

/// Big-endian u32 at `i` (zeros past the captured bytes).
#[inline]
pub fn be32(d: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b(d, i), b(d, i + 1), b(d, i + 2), b(d, i + 3)])
}

/// Adds `data` as big-endian 16-bit words to a one's complement sum (not folded). An odd
/// last byte is padded with a zero byte. `odd` tells whether the data starts at an odd
/// position of the checksummed stream (the byte is then the low half of a word).
pub fn sum_bytes(mut sum: u64, data: &[u8], odd: bool) -> u64 {
    let mut d = data;
    if odd {
        if let Some((&x, rest)) = d.split_first() {
            sum += x as u64;
            d = rest;
        }
    }
    sum + sum_words(d)
}

/// The exact sum of `d` read as big-endian 16-bit words (an odd last byte padded with zero).
///
/// Why not a plain loop over word pairs: this runs over every byte of every packet (the L4
/// checksum, a twelfth of the packet loop's instructions with the default plugins). On x86-64
/// it adds 16 bytes at a time in SSE2 registers (every x86-64 CPU has SSE2): the high bytes
/// of the eight words (even positions) and their low bytes (odd positions) go to separate
/// 16-bit lanes of two accumulators, which cannot overflow within 256 blocks of 16 bytes
/// (255 × 256 < 2^16). Headers (under 64 bytes) and the tail take the plain loop, whose
/// set-up is cheaper; other CPUs take [`sum_words_swar`].
#[cfg(target_arch = "x86_64")]
#[inline]
fn sum_words(d: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi16, _mm_add_epi64, _mm_and_si128, _mm_cvtsi128_si64, _mm_loadu_si128,
        _mm_sad_epu8, _mm_set1_epi16, _mm_setzero_si128, _mm_slli_epi64, _mm_srli_epi16,
        _mm_unpackhi_epi64,
    };
    const BLOCK: usize = 16 * 256;
    if d.len() < 64 {
        return sum_words_plain(d);
    }
    let (whole, rest) = d.split_at(d.len() / 16 * 16);
    let mut total = 0u64;
    // SAFETY: SSE2 is part of the x86-64 baseline; each load reads one 16-byte chunk of
    // `block` (unaligned load).
    unsafe {
        let low_bytes = _mm_set1_epi16(0x00ff);
        let zero = _mm_setzero_si128();
        // The sum of the eight 16-bit lanes: their low bytes plus 256 times their high
        // bytes, each summed by `psadbw` into two 64-bit halves.
        let lanes_sum = |v: __m128i| -> u64 {
            let low = _mm_sad_epu8(_mm_and_si128(v, low_bytes), zero);
            let high = _mm_sad_epu8(_mm_srli_epi16(v, 8), zero);
            let s = _mm_add_epi64(low, _mm_slli_epi64(high, 8));
            (_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s))) as u64
        };
        for block in whole.chunks(BLOCK) {
            let (mut high, mut low) = (zero, zero);
            for c in block.chunks_exact(16) {
                let x = _mm_loadu_si128(c.as_ptr() as *const __m128i);
                high = _mm_add_epi16(high, _mm_and_si128(x, low_bytes));
                low = _mm_add_epi16(low, _mm_srli_epi16(x, 8));
            }
            total += (lanes_sum(high) << 8) + lanes_sum(low);
        }
    }
    total + sum_words_plain(rest)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn sum_words(d: &[u8]) -> u64 {
    sum_words_swar(d)
}

/// [`sum_words`] one word at a time (short inputs: headers, tails).
#[inline]
fn sum_words_plain(d: &[u8]) -> u64 {
    let mut words = d.chunks_exact(2);
    let mut total = 0u64;
    for w in &mut words {
        total += u16::from_be_bytes([w[0], w[1]]) as u64;
    }
    if let [x] = words.remainder() {
        total += (*x as u64) << 8;
    }
    total
}

/// [`sum_words`] 8 bytes at a time in a u64 (CPUs other than x86-64), SWAR style: the high bytes of the four words
/// (even positions) and their low bytes (odd positions) are summed in separate 16-bit
/// lanes of two accumulators, which cannot overflow within 256 blocks of 8 bytes (255 × 256
/// < 2^16). The sum stays exact, not just congruent mod 0xffff, because callers subtract
/// a stored checksum word from it before folding.
// (Tested on x86-64 too, where only the tests call it.)
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn sum_words_swar(d: &[u8]) -> u64 {
    const LANES: u64 = 0x00ff_00ff_00ff_00ff;
    const BLOCK: usize = 8 * 256;
    let lanes_sum = |v: u64| (v & 0xffff) + ((v >> 16) & 0xffff) + ((v >> 32) & 0xffff) + (v >> 48);
    let mut total = 0u64;
    let (whole, rest) = d.split_at(d.len() / 8 * 8);
    for block in whole.chunks(BLOCK) {
        let (mut high, mut low) = (0u64, 0u64);
        for c in block.chunks_exact(8) {
            let x = u64::from_le_bytes(c.try_into().expect("8-byte chunk"));
            high += x & LANES;
            low += (x >> 8) & LANES;
        }
        total += (lanes_sum(high) << 8) + lanes_sum(low);
    }
    total + sum_words_plain(rest)
}

/// Folds a sum to 16 bits.
pub fn fold(mut sum: u64) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The checksum of a folded sum: its one's complement.
pub fn finish(sum: u64) -> u16 {
    !fold(sum)
}

/// T2's difference of two timestamps as a float: `(float)Δsec + ((float)nsec_a − (float)nsec_b)
/// / 1e9`, the fractions converted to floats and subtracted in single precision, the rest in
/// double precision, the result rounded to a float.
#[inline]
pub fn tdiff(a: T2Time, b: T2Time) -> f32 {
    let sec = (a.sec as i64 - b.sec as i64) as f32;
    let frac = a.nsec as f32 - b.nsec as f32;
    (sec as f64 + frac as f64 / 1e9) as f32
}

/// `a - b` in seconds as an f64 (for comparisons).
#[inline]
pub fn tsub(a: T2Time, b: T2Time) -> f64 {
    (a.sec as i64 - b.sec as i64) as f64 + (a.nsec as i64 - b.nsec as i64) as f64 / 1e9
}

/// Compares two timestamps: `a` − `b` < 0, = 0 or > 0.
#[inline]
pub fn tcmp(a: T2Time, b: T2Time) -> std::cmp::Ordering {
    (a.sec, a.nsec).cmp(&(b.sec, b.nsec))
}

/// ` (x.xx K)` for values ≥ 1024 (T2's human-readable numbers: unit index
/// `floor(log2(v) / 10)`, divisor `1000^index`).
pub fn hr_suffix(v: u64) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = (((63 - v.leading_zeros()) / 10) as usize).min(UNITS.len() - 1);
    let x = v as f64 / 1000f64.powi(idx as i32);
    format!(" ({x:.2} {})", UNITS[idx])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_header_checksum() {
        // RFC 1071 style example: a header whose checksum field is zeroed.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(finish(sum_bytes(0, &h, false)), 0xb861);
    }

    #[test]
    fn odd_lengths_and_positions() {
        let s = sum_bytes(0, &[0x12, 0x34, 0x56], false);
        assert_eq!(s, 0x1234 + 0x5600);
        let s = sum_bytes(s, &[0x78, 0x9a], true);
        assert_eq!(fold(s), fold(0x1234 + 0x5678 + 0x9a00));
    }

    #[test]
    fn word_sum_is_exact_for_every_length_and_alignment() {
        // Against the plain definition, over lengths crossing the 8-byte and 2048-byte
        // blocks, with bytes 0xff (the lane-overflow worst case) and a pseudo-random mix.
        let plain = |d: &[u8]| -> u64 {
            d.chunks(2)
                .map(|w| ((w[0] as u64) << 8) + *w.get(1).unwrap_or(&0) as u64)
                .sum()
        };
        let mut x = 0x2545_f491u32;
        let mixed: Vec<u8> = (0..10000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let ones = vec![0xffu8; 10000];
        for data in [&mixed, &ones] {
            for len in (0..100).chain([
                2047, 2048, 2049, 2055, 4095, 4096, 4097, 4103, 8192, 8210, 10000,
            ]) {
                for start in 0..3 {
                    let d = &data[start..start + len.min(data.len() - start)];
                    assert_eq!(
                        sum_bytes(7, d, false),
                        7 + plain(d),
                        "len {len} start {start}"
                    );
                    // (The other CPUs' sum, and the short inputs' one.)
                    assert_eq!(sum_words_swar(d), plain(d), "swar, len {len} start {start}");
                    assert_eq!(
                        sum_words_plain(d),
                        plain(d),
                        "plain, len {len} start {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn float_time_difference() {
        // 12 µs between fractions that are not exact floats: T2 prints 1.1968e-05.
        let a = T2Time {
            sec: 1472393122,
            nsec: 668_050_000,
            _pad: 0,
        };
        let b = T2Time {
            sec: 1472393122,
            nsec: 668_038_000,
            _pad: 0,
        };
        assert_eq!(tdiff(a, b), 11968.0 / 1e9);
    }

    #[test]
    fn human_readable() {
        assert_eq!(hr_suffix(1023), "");
        assert_eq!(hr_suffix(1994), " (1.99 K)");
    }
}
