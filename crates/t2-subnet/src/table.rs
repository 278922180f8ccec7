//! The binary subnet table (`subnets4.bin`, `subnets6.bin` in the plugin folder) and its reader.
//!
//! Layout (all integers little-endian; one file per address family):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 8 | magic `T2SUBNET` |
//! | 8 | 4 | format version ([`FORMAT_VERSION`]) |
//! | 12 | 1 | family: 4 or 6 (then 3 zero bytes) |
//! | 16 | 4 | number of ranges `n` (at least 1) |
//! | 20 | 4 | number of labels `m` (at least 1; label 0 is the unknown label) |
//! | 24 | 4 | size of the string pool in bytes |
//! | 28 | 4 | revision of the data, `yyyymmdd` (0: unknown) |
//! | 32 | 4 | ranges whose label is not the unknown one (what the start-up log counts) |
//! | 36 | 4 | offset in the pool of a description of the sources (UTF-8) |
//! | 40 | 4 | its length |
//! | 44 | 4 | zero |
//! | 48 | `n` × 4 or 16 | range starts, ascending, the first 0: range `i` ends where `i + 1` starts |
//! | | `n` × 4 | label index of each range |
//! | | `m` × 16 | labels: code (2 bytes ASCII: a lower-case country code or T2's two-digit special-range code), kind (0 unknown, 1 special-purpose range, 2 public address), 0, ASN (u32, 0 unknown), organisation offset and length in the pool (u32 each) |
//! | | pool size | organisation names, UTF-8 |
//!
//! The ranges cover the whole address space, so a lookup is "the last start not above the
//! address" (binary search). The range starts sit at offset 48, so IPv6 keys stay 16-byte
//! aligned in a mapping; they are read with `from_le_bytes` anyway (no alignment assumed).

use std::io;
use std::path::Path;

use crate::map::Bytes;

pub const MAGIC: [u8; 8] = *b"T2SUBNET";
pub const FORMAT_VERSION: u32 = 1;
pub const HEADER_LEN: usize = 48;
pub const LABEL_LEN: usize = 16;

/// The value printed for an unknown country and an unknown organisation.
pub const UNKNOWN: &str = "-";

/// An address family; its table's file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// The largest key of the family.
    pub fn max_key(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }

    pub(crate) fn key_len(self) -> usize {
        match self {
            Family::V4 => 4,
            Family::V6 => 16,
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Family::V4 => 4,
            Family::V6 => 6,
        }
    }

    /// The table's file name in the plugin folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Family::V4 => "subnets4.bin",
            Family::V6 => "subnets6.bin",
        }
    }

    /// `IPv4` / `IPv6`, as the start-up log names them.
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// What a label describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// No source knows the range.
    Unknown,
    /// A special-purpose range: the code is T2's two-digit code, the organisation its name.
    Special,
    /// A public address: a country and/or an autonomous system.
    Public,
}

impl Kind {
    pub(crate) fn byte(self) -> u8 {
        match self {
            Kind::Unknown => 0,
            Kind::Special => 1,
            Kind::Public => 2,
        }
    }

    fn from_byte(b: u8) -> Kind {
        match b {
            1 => Kind::Special,
            2 => Kind::Public,
            _ => Kind::Unknown,
        }
    }
}

/// What the table says about an address (borrowed from the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Country code (`us`), T2's special-range code (`07`), or `-`.
    pub code: &'a str,
    /// Organisation, special-range name, or `-`.
    pub org: &'a str,
    /// Autonomous system number, 0 when unknown.
    pub asn: u32,
    pub kind: Kind,
    /// The range the address is in (inclusive).
    pub start: u128,
    pub end: u128,
}

/// The unknown label.
const UNKNOWN_ENTRY: Entry<'static> = Entry {
    code: UNKNOWN,
    org: UNKNOWN,
    asn: 0,
    kind: Kind::Unknown,
    start: 0,
    end: 0,
};

/// A loaded subnet table.
pub struct Table {
    bytes: Bytes,
    family: Family,
    ranges: usize,
    labels: usize,
    revision: u32,
    labelled: u32,
    source: (usize, usize),
    ids_off: usize,
    labels_off: usize,
    pool_off: usize,
    pool_len: usize,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("family", &self.family)
            .field("ranges", &self.ranges)
            .field("labels", &self.labels)
            .field("revision", &self.revision)
            .finish()
    }
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().expect("4 bytes"))
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

impl Table {
    /// Maps the table at `path` and checks its header (not its entries: see the module doc).
    pub fn open(path: &Path) -> io::Result<Table> {
        Table::from_bytes(Bytes::open(path)?)
    }

    /// A table from bytes in memory (tests, tools).
    pub fn from_vec(bytes: Vec<u8>) -> io::Result<Table> {
        Table::from_bytes(Bytes::Owned(bytes))
    }

    fn from_bytes(bytes: Bytes) -> io::Result<Table> {
        let b = bytes.as_slice();
        if b.len() < HEADER_LEN || b[..8] != MAGIC {
            return Err(invalid("not a t2rs subnet table (bad magic)"));
        }
        let version = u32_at(b, 8);
        if version != FORMAT_VERSION {
            return Err(invalid(format!(
                "subnet table format {version}, this build reads {FORMAT_VERSION} (regenerate it: t2build basicFlow)"
            )));
        }
        let family = match b[12] {
            4 => Family::V4,
            6 => Family::V6,
            f => return Err(invalid(format!("subnet table of unknown family {f}"))),
        };
        let ranges = u32_at(b, 16) as usize;
        let labels = u32_at(b, 20) as usize;
        let pool_len = u32_at(b, 24) as usize;
        if ranges == 0 || labels == 0 {
            return Err(invalid("subnet table without ranges or labels"));
        }
        let ids_off = HEADER_LEN + ranges * family.key_len();
        let labels_off = ids_off + ranges * 4;
        let pool_off = labels_off + labels * LABEL_LEN;
        if pool_off + pool_len != b.len() {
            return Err(invalid(format!(
                "subnet table size {} does not match its header ({})",
                b.len(),
                pool_off + pool_len
            )));
        }
        let t = Table {
            revision: u32_at(b, 28),
            labelled: u32_at(b, 32),
            source: (u32_at(b, 36) as usize, u32_at(b, 40) as usize),
            bytes,
            family,
            ranges,
            labels,
            ids_off,
            labels_off,
            pool_off,
            pool_len,
        };
        if t.key(0) != 0 {
            return Err(invalid("subnet table does not start at address 0"));
        }
        Ok(t)
    }

    pub fn family(&self) -> Family {
        self.family
    }

    /// Number of ranges (known and unknown).
    pub fn ranges(&self) -> usize {
        self.ranges
    }

    /// Number of ranges with a label other than the unknown one.
    pub fn labelled_ranges(&self) -> u32 {
        self.labelled
    }

    /// Revision of the data, `yyyymmdd` (0 when unknown).
    pub fn revision(&self) -> u32 {
        self.revision
    }

    /// What the table was built from (package names and versions), empty if not recorded.
    pub fn source(&self) -> &str {
        let (off, len) = self.source;
        if off.saturating_add(len) > self.pool_len {
            return "";
        }
        let s = self.pool_off + off;
        std::str::from_utf8(&self.bytes.as_slice()[s..s + len]).unwrap_or("")
    }

    /// Whether the table is mapped (not copied into memory).
    pub fn is_mapped(&self) -> bool {
        self.bytes.is_mapped()
    }

    #[inline]
    fn key(&self, i: usize) -> u128 {
        let b = self.bytes.as_slice();
        match self.family {
            Family::V4 => u32_at(b, HEADER_LEN + 4 * i) as u128,
            Family::V6 => {
                let o = HEADER_LEN + 16 * i;
                u128::from_le_bytes(b[o..o + 16].try_into().expect("16 bytes"))
            }
        }
    }

    /// Index of the range holding `addr`.
    #[inline]
    fn range_index(&self, addr: u128) -> usize {
        // Invariant: key(lo) <= addr (key(0) == 0), and every key at or past hi is above it.
        let (mut lo, mut hi) = (0usize, self.ranges);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) <= addr {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The label index of `addr` (what a caller caches per flow); 0 is the unknown label.
    /// `addr` is a key of this table's family (IPv4 in the low 32 bits).
    #[inline]
    pub fn label_id(&self, addr: u128) -> u32 {
        let i = self.range_index(addr);
        u32_at(self.bytes.as_slice(), self.ids_off + 4 * i)
    }

    /// The label `id` (the unknown label for an index out of range or a corrupt record).
    pub fn label(&self, id: u32) -> Entry<'_> {
        let id = id as usize;
        if id == 0 || id >= self.labels {
            return UNKNOWN_ENTRY;
        }
        let b = self.bytes.as_slice();
        let o = self.labels_off + id * LABEL_LEN;
        let rec = &b[o..o + LABEL_LEN];
        let code = std::str::from_utf8(&rec[0..2])
            .ok()
            .filter(|c| c.bytes().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or(UNKNOWN);
        let (org_off, org_len) = (u32_at(rec, 8) as usize, u32_at(rec, 12) as usize);
        let org = if org_len == 0 || org_off.saturating_add(org_len) > self.pool_len {
            UNKNOWN
        } else {
            let s = self.pool_off + org_off;
            std::str::from_utf8(&b[s..s + org_len]).unwrap_or(UNKNOWN)
        };
        Entry {
            code,
            org,
            asn: u32_at(rec, 4),
            kind: Kind::from_byte(rec[2]),
            start: 0,
            end: 0,
        }
    }

    /// Everything the table knows of `addr`, with the range it is in.
    pub fn lookup(&self, addr: u128) -> Entry<'_> {
        let i = self.range_index(addr);
        let id = u32_at(self.bytes.as_slice(), self.ids_off + 4 * i);
        let end = if i + 1 < self.ranges {
            self.key(i + 1).wrapping_sub(1)
        } else {
            self.family.max_key()
        };
        Entry {
            start: self.key(i),
            end,
            ..self.label(id)
        }
    }

    /// [`Table::lookup`] of an IPv4 address in network byte order.
    pub fn lookup_v4(&self, addr: [u8; 4]) -> Entry<'_> {
        self.lookup(u32::from_be_bytes(addr) as u128)
    }

    /// [`Table::lookup`] of an IPv6 address in network byte order.
    pub fn lookup_v6(&self, addr: [u8; 16]) -> Entry<'_> {
        self.lookup(u128::from_be_bytes(addr))
    }
}

/// `yyyymmdd` as T2's start-up log prints revisions: `ddmmyyyy`.
pub fn revision_ddmmyyyy(rev: u32) -> String {
    format!("{:02}{:02}{:04}", rev % 100, rev / 100 % 100, rev / 10000)
}
