//! IP subnet labels for basicFlow's `srcIPCC`/`srcIPOrg`/`dstIPCC`/`dstIPOrg` columns and for
//! `t2whois`: which country, organisation and autonomous system an address belongs to, or which
//! special-purpose range (private network, loopback, multicast, ...) it is in.
//!
//! The contract:
//!
//! - [`builder::build`] turns the sources (the special-purpose ranges of [`special`], countries
//!   from MaxMind's legacy `.dat` files read by [`geoip_dat`] or from range CSVs read by
//!   [`csv`], ASNs and organisations from range CSVs) into one compact binary table per address
//!   family ([`table`] documents the layout). `t2build` does this at install time; nothing is
//!   fetched or parsed at run time.
//! - [`Table::open`] maps such a file read-only (`mmap`; read into memory where mapping fails)
//!   after checking its header only, so opening costs the same whatever the table's size.
//!   Lookups are a binary search over the sorted range starts: O(log n), no allocation.
//!   Corrupt entries found by a lookup read as the unknown label, never as a panic.
//! - Every address has a label: ranges no source covers carry the unknown label (`-`, `-`),
//!   T2's "not found" values.

pub mod builder;
pub mod csv;
pub mod geoip_dat;
mod map;
pub mod special;
pub mod table;
pub mod whois;

pub use table::{Entry, Family, Kind, Table};

/// An inclusive address range with a value (IPv4 addresses in the low 32 bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range<T> {
    pub start: u128,
    pub end: u128,
    pub value: T,
}

/// The address of an [`std::net::IpAddr`] as the tables key it (IPv4 in the low 32 bits).
pub fn key_of(ip: &std::net::IpAddr) -> (Family, u128) {
    match ip {
        std::net::IpAddr::V4(a) => (Family::V4, u32::from(*a) as u128),
        std::net::IpAddr::V6(a) => (Family::V6, u128::from(*a)),
    }
}

/// A key of `family` printed as an address.
pub fn addr_string(family: Family, key: u128) -> String {
    match family {
        Family::V4 => std::net::Ipv4Addr::from(key as u32).to_string(),
        Family::V6 => std::net::Ipv6Addr::from(key).to_string(),
    }
}

/// `start..=end` as `ADDR/BITS` when it is one CIDR block, else `START - END`.
pub fn range_string(family: Family, start: u128, end: u128) -> String {
    let bits = family.bits();
    let size = end.wrapping_sub(start).wrapping_add(1);
    let whole = bits == 128 && start == 0 && end == u128::MAX;
    if whole || (size.is_power_of_two() && start % size == 0) {
        let host_bits = if whole { 128 } else { size.trailing_zeros() };
        format!("{}/{}", addr_string(family, start), bits - host_bits)
    } else {
        format!("{} - {}", addr_string(family, start), addr_string(family, end))
    }
}

#[cfg(test)]
mod tests;
