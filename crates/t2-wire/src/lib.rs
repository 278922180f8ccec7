//! Zero-copy protocol views, checked once, never panicking.
//!
//! Contract (design ARCHITECTURE.md §4, style lesson 1):
//! - Every view is a `Copy` struct borrowing the captured bytes (`&'a [u8]`). Its
//!   `new_checked(bytes)` validates the fixed header (and, where the header carries its own
//!   length, that length against the captured bytes) exactly once. After a successful
//!   `new_checked` **no accessor panics**: accessors index only inside the checked prefix.
//! - Views check only what is needed to read the *header*. Payloads may be snapped (captured
//!   bytes shorter than the lengths the header declares): wire length and captured length are
//!   kept apart, and `payload()` returns what was captured.
//! - Wire numbers (ethertypes, IP protocols, link types) are open sets: newtypes with
//!   associated constants ([`EtherType`], [`IpProto`], [`LinkType`]), never Rust enums built
//!   from wire bytes.
//! - No allocation, no I/O, no dependencies; usable by the core and by plugins.
//!
//! Layout: one module per protocol family; [`fmt`] has the text formatters (IPv6
//! compressed form as `inet_ntop` prints it, MAC addresses).

#![forbid(unsafe_code)]

pub mod arp;
pub mod eth;
pub mod fmt;
pub mod ip;
pub mod l4;
pub mod link;
pub mod numbers;
pub mod tunnel;

pub use numbers::{EtherType, IpProto, LinkType};

/// The captured bytes are too short for the fixed header of a view (or a length field inside
/// the header is impossible). Converted by callers into T2 status bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed;

/// Big-endian u16 at `off`; 0 when out of range (callers index only checked prefixes).
#[inline]
pub fn be16(b: &[u8], off: usize) -> u16 {
    match b.get(off..off + 2) {
        Some(s) => u16::from_be_bytes([s[0], s[1]]),
        None => 0,
    }
}

/// Big-endian u32 at `off`; 0 when out of range.
#[inline]
pub fn be32(b: &[u8], off: usize) -> u32 {
    match b.get(off..off + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// Little-endian u16 at `off`; 0 when out of range.
#[inline]
pub fn le16(b: &[u8], off: usize) -> u16 {
    match b.get(off..off + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

/// Little-endian u32 at `off`; 0 when out of range.
#[inline]
pub fn le32(b: &[u8], off: usize) -> u32 {
    match b.get(off..off + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// Byte at `off`; 0 when out of range.
#[inline]
pub fn u8_at(b: &[u8], off: usize) -> u8 {
    b.get(off).copied().unwrap_or(0)
}

/// Checks that `b` has at least `n` bytes.
#[inline]
pub(crate) fn need(b: &[u8], n: usize) -> Result<(), Malformed> {
    if b.len() >= n { Ok(()) } else { Err(Malformed) }
}
