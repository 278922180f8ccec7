//! Classic pcap reader with libpcap 1.10.3's semantics (sf-pcap.c as T2 uses it: nanosecond
//! precision requested), including its error texts and its recovery behaviour: after an error the
//! next read continues at the current file position, exactly where libpcap's `fread` stopped.

use super::linktype::{adjust_snapshot, linktype_to_dlt, max_snaplen_for_dlt};
use super::source::Source;
use super::{Meta, Next, io_msg};

pub(crate) const MAGIC_US: u32 = 0xa1b2_c3d4;
pub(crate) const MAGIC_NS: u32 = 0xa1b2_3c4d;

/// How libpcap fixes old files whose caplen/len fields were written swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LenSwap {
    No,
    Maybe,
    Yes,
}

#[derive(Debug)]
pub(crate) struct PcapReader {
    be: bool,
    nsec: bool,
    hdrsize: usize,
    lswap: LenSwap,
    pub(crate) dlt: u32,
    pub(crate) snapshot: u32,
    /// File format version (major, minor).
    #[allow(dead_code)]
    pub(crate) version: (u16, u16),
    /// Records whose caplen is at most this take [`PcapReader::next_fast`]: the smaller of the
    /// snapshot length and the link type's maximum, or `None` when every record needs
    /// [`PcapReader::next`] (24-byte record headers, possibly swapped length fields).
    fast_caplen: Option<u32>,
}

impl PcapReader {
    /// The endianness of a pcap magic (`Some(big_endian)`), `None` when not a pcap magic T2 accepts.
    pub(crate) fn magic_kind(magic: [u8; 4]) -> Option<(bool, bool)> {
        let le = u32::from_le_bytes(magic);
        let be = u32::from_be_bytes(magic);
        match (le, be) {
            (MAGIC_US, _) => Some((false, false)),
            (MAGIC_NS, _) => Some((false, true)),
            (_, MAGIC_US) => Some((true, false)),
            (_, MAGIC_NS) => Some((true, true)),
            _ => None,
        }
    }

    /// Reads the rest of the 24-byte file header (the magic was consumed by the caller).
    pub(crate) fn open(src: &mut Source, magic: [u8; 4]) -> Result<PcapReader, String> {
        let (be, nsec) =
            Self::magic_kind(magic).ok_or_else(|| "unknown file format".to_string())?;
        let mut h = [0u8; 20];
        let k = src.read_into(&mut h).map_err(|e| io_msg(&e))?;
        if k != h.len() {
            return Err(format!(
                "truncated dump file; tried to read {} file header bytes, only got {k}",
                h.len()
            ));
        }
        let u16_at = |o: usize| {
            let b = [h[o], h[o + 1]];
            if be {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |o: usize| {
            let b = [h[o], h[o + 1], h[o + 2], h[o + 3]];
            if be {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let (major, minor) = (u16_at(0), u16_at(2));
        let snaplen = u32_at(12);
        let linktype = u32_at(16);
        if major < 2 {
            return Err("archaic pcap savefile format".to_string());
        }
        if !((major == 2 && minor <= 4) || (major == 543 && minor == 0)) {
            return Err(format!("unsupported pcap savefile version {major}.{minor}"));
        }
        let dlt = linktype_to_dlt(linktype & 0x03ff_ffff);
        let lswap = match (major, minor) {
            (2, m) if m < 3 => LenSwap::Yes,
            (2, 3) => LenSwap::Maybe,
            _ => LenSwap::No,
        };
        let hdrsize = if major == 543 { 24 } else { 16 };
        let snapshot = adjust_snapshot(dlt, snaplen);
        let fast_caplen =
            (hdrsize == 16 && lswap == LenSwap::No).then(|| snapshot.min(max_snaplen_for_dlt(dlt)));
        Ok(PcapReader {
            be,
            nsec,
            hdrsize,
            lswap,
            dlt,
            snapshot,
            version: (major, minor),
            fast_caplen,
        })
    }

    /// The next record when it is an ordinary one already in the source's buffer: a 16-byte
    /// header and caplen <= min(snapshot, link maximum). Returns the record
    /// exactly as [`PcapReader::next`] would (its bytes are `src.data()`); `None` (nothing
    /// consumed) for anything else, which `next` then handles with its errors and recovery.
    #[inline]
    pub(crate) fn next_fast(&self, src: &mut Source) -> Option<Meta> {
        let max = self.fast_caplen?;
        let h = src.peek::<16>()?;
        let be = self.be;
        let u32_at = |o: usize| {
            let b = [h[o], h[o + 1], h[o + 2], h[o + 3]];
            if be {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let caplen = u32_at(8);
        if caplen > max {
            return None;
        }
        // tv_sec and tv_usec are signed 32-bit in the file (sign-extended by libpcap).
        let sec = u32_at(0) as i32 as i64;
        let mut frac = u32_at(4) as i32 as i64;
        if !self.nsec {
            frac *= 1000;
        }
        let wirelen = u32_at(12);
        src.take_fast(16, caplen as usize)?;
        Some(Meta {
            sec,
            frac,
            caplen,
            wirelen,
            off: 0,
        })
    }

    /// The next record (`pcap_next_packet`).
    pub(crate) fn next(&mut self, src: &mut Source) -> Next {
        let mut h = [0u8; 24];
        let k = if self.hdrsize == 16 {
            // The common record header, read with a fixed-size copy.
            match src.read_array::<16>() {
                Ok(Ok(a)) => {
                    h[..16].copy_from_slice(&a);
                    16
                }
                Ok(Err(k)) => k,
                Err(e) => return Next::Err(io_msg(&e)),
            }
        } else {
            match src.read_into(&mut h[..self.hdrsize]) {
                Ok(k) => k,
                Err(e) => return Next::Err(io_msg(&e)),
            }
        };
        if k == 0 {
            return Next::Eof;
        }
        if k != self.hdrsize {
            return Next::Err(format!(
                "truncated dump file; tried to read {} header bytes, only got {k}",
                self.hdrsize
            ));
        }
        let be = self.be;
        let u32_at = |o: usize| {
            let b = [h[o], h[o + 1], h[o + 2], h[o + 3]];
            if be {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        // tv_sec and tv_usec are signed 32-bit in the file (sign-extended by libpcap).
        let sec = u32_at(0) as i32 as i64;
        let mut frac = u32_at(4) as i32 as i64;
        let mut caplen = u32_at(8);
        let mut len = u32_at(12);
        if !self.nsec {
            frac *= 1000;
        }
        let swap = match self.lswap {
            LenSwap::No => false,
            LenSwap::Maybe => caplen > len,
            LenSwap::Yes => true,
        };
        if swap {
            std::mem::swap(&mut caplen, &mut len);
        }
        let max = max_snaplen_for_dlt(self.dlt);
        if caplen > max {
            return Next::Err(if caplen > self.snapshot {
                format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {}",
                    self.snapshot as i32
                )
            } else {
                format!("invalid packet capture length {caplen}, bigger than maximum of {max}")
            });
        }
        if caplen > self.snapshot {
            // Read the first `snapshot` bytes, discard the rest, report caplen = snapshot.
            let snap = self.snapshot as usize;
            let got = match src.fill(snap) {
                Ok(k) => k,
                Err(e) => return Next::Err(io_msg(&e)),
            };
            if got != snap {
                return Next::Err(format!(
                    "truncated dump file; tried to read {} captured bytes, only got {got}",
                    self.snapshot
                ));
            }
            let rest = (caplen - self.snapshot) as usize;
            let skipped = match src.skip(rest) {
                Ok(k) => k,
                Err(e) => return Next::Err(io_msg(&e)),
            };
            if skipped != rest {
                // libpcap discards in 4096-byte chunks and counts what it read in total.
                return Next::Err(format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {}",
                    got + skipped
                ));
            }
            caplen = self.snapshot;
        } else {
            let want = caplen as usize;
            let got = match src.fill(want) {
                Ok(k) => k,
                Err(e) => return Next::Err(io_msg(&e)),
            };
            if got != want {
                return Next::Err(format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {got}"
                ));
            }
        }
        Next::Packet(Meta {
            sec,
            frac,
            caplen,
            wirelen: len,
            off: 0,
        })
    }
}
