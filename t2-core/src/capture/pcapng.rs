//! pcapng reader with libpcap 1.10.3's semantics (sf-pcapng.c, nanosecond precision requested):
//! several sections, IDB options `if_tsresol`/`if_tsoffset`, EPB/SPB/obsolete PB, every other
//! block skipped, and libpcap's refusals (a second interface with another link type or snapshot
//! length, packets on unknown interfaces, ...) with its exact texts. After an error the next
//! read continues with the following block, as libpcap does.

use super::linktype::{adjust_snapshot, linktype_to_dlt, max_snaplen_for_dlt};
use super::source::Source;
use super::{Meta, Next, io_msg};

pub(crate) const BT_SHB: u32 = 0x0A0D_0D0A;
const BT_IDB: u32 = 0x0000_0001;
const BT_PB: u32 = 0x0000_0002;
const BT_SPB: u32 = 0x0000_0003;
const BT_EPB: u32 = 0x0000_0006;
pub(crate) const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const BT_SHB_INSANE_MAX: u32 = 1024 * 1024;
const INITIAL_MAX_BLOCKSIZE: u32 = 16 * 1024 * 1024;
/// The resolution T2 asks libpcap for (nanoseconds).
const USER_TSRESOL: u64 = 1_000_000_000;

#[derive(Clone, Copy, Debug)]
enum Scale {
    Pass,
    UpDec(u64),
    UpBin,
    DownDec(u64),
    DownBin,
}

#[derive(Clone, Copy, Debug)]
struct Iface {
    tsresol: u64,
    tsoffset: i64,
    scale: Scale,
}

impl Default for Iface {
    fn default() -> Self {
        Iface {
            tsresol: 1_000_000,
            tsoffset: 0,
            scale: Scale::UpDec(1000),
        }
    }
}

#[derive(Debug)]
pub(crate) struct NgReader {
    be: bool,
    pub(crate) dlt: u32,
    pub(crate) snapshot: u32,
    ifaces: Vec<Iface>,
    max_blocksize: u32,
    /// Version of the first section (major, minor).
    #[allow(dead_code)]
    pub(crate) version: (u16, u16),
}

/// A cursor over the body of the current block (offsets into `Source::data()`).
struct Cursor {
    off: usize,
    end: usize,
    btype: u32,
}

impl Cursor {
    fn take(&mut self, n: usize) -> Result<usize, String> {
        if self.end - self.off < n {
            return Err(format!(
                "block of type {} in pcapng dump file is too short",
                self.btype
            ));
        }
        let o = self.off;
        self.off += n;
        Ok(o)
    }
}

impl NgReader {
    #[inline]
    fn u16(&self, d: &[u8], o: usize) -> u16 {
        let b = [d[o], d[o + 1]];
        if self.be {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    #[inline]
    fn u32(&self, d: &[u8], o: usize) -> u32 {
        let b = [d[o], d[o + 1], d[o + 2], d[o + 3]];
        if self.be {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// Opens a section whose 4-byte block type was consumed by the caller
    /// (`pcap_ng_check_header`): reads the SHB, then blocks up to the first IDB.
    pub(crate) fn open(src: &mut Source) -> Result<NgReader, String> {
        let mut h = [0u8; 8];
        let k = src.read_into(&mut h).map_err(|e| io_msg(&e))?;
        if k != 8 {
            return Err("unknown file format".to_string());
        }
        let bom = [h[4], h[5], h[6], h[7]];
        let be = if u32::from_le_bytes(bom) == BYTE_ORDER_MAGIC {
            false
        } else if u32::from_be_bytes(bom) == BYTE_ORDER_MAGIC {
            true
        } else {
            return Err("unknown file format".to_string());
        };
        let mut r = NgReader {
            be,
            dlt: 0,
            snapshot: 0,
            ifaces: Vec::new(),
            max_blocksize: INITIAL_MAX_BLOCKSIZE,
            version: (0, 0),
        };
        let total = r.u32(&h, 0);
        if !(28..=BT_SHB_INSANE_MAX).contains(&total) {
            return Err(format!(
                "Section Header Block in pcapng dump file has invalid length 28 < _{total}_ < {BT_SHB_INSANE_MAX} (BT_SHB_INSANE_MAX)"
            ));
        }
        let rest = (total - 12) as usize;
        let got = src.fill(rest).map_err(|e| io_msg(&e))?;
        if got != rest {
            return Err(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            ));
        }
        let d = src.data();
        let (major, minor) = (r.u16(d, 0), r.u16(d, 2));
        if !(major == 1 && (minor == 0 || minor == 2)) {
            return Err(format!(
                "unsupported pcapng savefile version {major}.{minor}"
            ));
        }
        r.version = (major, minor);
        loop {
            let Some(mut cur) = r.read_block(src)? else {
                return Err("the capture file has no Interface Description Blocks".to_string());
            };
            match cur.btype {
                BT_IDB => {
                    let o = cur.take(8)?;
                    let d = src.data();
                    let linktype = r.u16(d, o) as u32;
                    let snaplen = r.u32(d, o + 4);
                    r.add_interface(src.data(), &mut cur)?;
                    r.dlt = linktype_to_dlt(linktype);
                    r.snapshot = adjust_snapshot(r.dlt, snaplen);
                    let need = max_blocksize_for_snaplen(max_snaplen_for_dlt(r.dlt));
                    if need > r.max_blocksize {
                        r.max_blocksize = need;
                    }
                    return Ok(r);
                }
                BT_EPB | BT_SPB | BT_PB => {
                    return Err("the capture file has a packet block before any Interface Description Blocks".to_string());
                }
                _ => {}
            }
        }
    }

    /// `read_block`: `Ok(None)` at a clean end of file.
    fn read_block(&mut self, src: &mut Source) -> Result<Option<Cursor>, String> {
        let mut h = [0u8; 8];
        let k = src.read_into(&mut h).map_err(|e| io_msg(&e))?;
        if k == 0 {
            return Ok(None);
        }
        if k != 8 {
            return Err(format!(
                "truncated pcapng dump file; tried to read 8 bytes, only got {k}"
            ));
        }
        let btype = self.u32(&h, 0);
        let total = self.u32(&h, 4);
        if total < 12 {
            return Err(format!(
                "block in pcapng dump file has a length of {total} < 12"
            ));
        }
        if total % 4 != 0 {
            return Err(format!(
                "block in pcapng dump file has a length of {total} that is not a multiple of 4"
            ));
        }
        if total > self.max_blocksize {
            return Err(format!(
                "pcapng block size {total} > maximum {}",
                self.max_blocksize
            ));
        }
        let rest = (total - 8) as usize;
        let got = src.fill(rest).map_err(|e| io_msg(&e))?;
        if got != rest {
            return Err(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            ));
        }
        let d = src.data();
        if self.u32(d, rest - 4) != total {
            return Err("block total length in header and trailer don't match".to_string());
        }
        Ok(Some(Cursor {
            off: 0,
            end: rest - 4,
            btype,
        }))
    }

    /// `add_interface`: counts the interface, then reads its time-stamp options.
    fn add_interface(&mut self, d: &[u8], cur: &mut Cursor) -> Result<(), String> {
        // libpcap counts the interface before parsing its options; on an option error the slot
        // keeps (here: default) values.
        self.ifaces.push(Iface::default());
        let mut tsresol: u64 = 1_000_000;
        let mut is_binary = false;
        let mut tsoffset: i64 = 0;
        let (mut saw_res, mut saw_off) = (false, false);
        while cur.off < cur.end {
            let o = cur.take(4)?;
            let code = self.u16(d, o);
            let len = self.u16(d, o + 2);
            let padded = (len as usize).div_ceil(4) * 4;
            let v = cur.take(padded)?;
            match code {
                0 => {
                    if len != 0 {
                        return Err(format!(
                            "Interface Description Block has opt_endofopt option with length {len} != 0"
                        ));
                    }
                    break;
                }
                9 => {
                    if len != 1 {
                        return Err(format!(
                            "Interface Description Block has if_tsresol option with length {len} != 1"
                        ));
                    }
                    if saw_res {
                        return Err(
                            "Interface Description Block has more than one if_tsresol option"
                                .to_string(),
                        );
                    }
                    saw_res = true;
                    let r = d[v];
                    if r & 0x80 != 0 {
                        let shift = r & 0x7f;
                        if shift > 63 {
                            return Err(format!(
                                "Interface Description Block if_tsresol option resolution 2^-{shift} is too high"
                            ));
                        }
                        is_binary = true;
                        tsresol = 1u64 << shift;
                    } else {
                        if r > 19 {
                            return Err(format!(
                                "Interface Description Block if_tsresol option resolution 10^-{r} is too high"
                            ));
                        }
                        is_binary = false;
                        tsresol = 10u64.pow(r as u32);
                    }
                }
                14 => {
                    if len != 8 {
                        return Err(format!(
                            "Interface Description Block has if_tsoffset option with length {len} != 8"
                        ));
                    }
                    if saw_off {
                        return Err(
                            "Interface Description Block has more than one if_tsoffset option"
                                .to_string(),
                        );
                    }
                    saw_off = true;
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&d[v..v + 8]);
                    tsoffset = if self.be {
                        i64::from_be_bytes(b)
                    } else {
                        i64::from_le_bytes(b)
                    };
                }
                _ => {}
            }
        }
        let scale = if tsresol == USER_TSRESOL {
            Scale::Pass
        } else if tsresol > USER_TSRESOL {
            if is_binary {
                Scale::DownBin
            } else {
                Scale::DownDec(tsresol / USER_TSRESOL)
            }
        } else if is_binary {
            Scale::UpBin
        } else {
            Scale::UpDec(USER_TSRESOL / tsresol)
        };
        if let Some(last) = self.ifaces.last_mut() {
            *last = Iface {
                tsresol,
                tsoffset,
                scale,
            };
        }
        Ok(())
    }

    /// The next packet (`pcap_ng_next_packet`).
    pub(crate) fn next(&mut self, src: &mut Source) -> Next {
        match self.next_inner(src) {
            Ok(Some(m)) => Next::Packet(m),
            Ok(None) => Next::Eof,
            Err(e) => Next::Err(e),
        }
    }

    fn next_inner(&mut self, src: &mut Source) -> Result<Option<Meta>, String> {
        let (iface_id, caplen, len, t, mut cur);
        loop {
            let Some(mut c) = self.read_block(src)? else {
                return Ok(None);
            };
            let d = src.data();
            match c.btype {
                BT_EPB => {
                    let o = c.take(20)?;
                    iface_id = self.u32(d, o);
                    t = ((self.u32(d, o + 4) as u64) << 32) | self.u32(d, o + 8) as u64;
                    caplen = self.u32(d, o + 12);
                    len = self.u32(d, o + 16);
                    cur = c;
                    break;
                }
                BT_SPB => {
                    let o = c.take(4)?;
                    iface_id = 0;
                    len = self.u32(d, o);
                    caplen = len.min(self.snapshot);
                    t = 0;
                    cur = c;
                    break;
                }
                BT_PB => {
                    let o = c.take(20)?;
                    iface_id = self.u16(d, o) as u32;
                    t = ((self.u32(d, o + 4) as u64) << 32) | self.u32(d, o + 8) as u64;
                    caplen = self.u32(d, o + 12);
                    len = self.u32(d, o + 16);
                    cur = c;
                    break;
                }
                BT_IDB => {
                    let o = c.take(8)?;
                    let linktype = self.u16(d, o) as u32;
                    let snaplen = self.u32(d, o + 4);
                    // libpcap compares its (mapped) DLT with the IDB's raw LINKTYPE.
                    if self.dlt != linktype {
                        return Err(format!(
                            "an interface has a type {linktype} different from the type of the first interface"
                        ));
                    }
                    if self.snapshot != adjust_snapshot(self.dlt, snaplen) {
                        return Err(format!(
                            "an interface has a snapshot length {snaplen} different from the snapshot length of the first interface"
                        ));
                    }
                    self.add_interface(d, &mut c)?;
                }
                BT_SHB => {
                    let o = c.take(16)?;
                    let bom = self.u32(d, o);
                    let major = self.u16(d, o + 4);
                    if bom == BYTE_ORDER_MAGIC {
                    } else if bom.swap_bytes() == BYTE_ORDER_MAGIC {
                        return Err("the file has sections with different byte orders".to_string());
                    } else {
                        return Err(
                            "the file has a section with a bad byte order magic field".to_string()
                        );
                    }
                    if major != 1 {
                        return Err(format!(
                            "unknown pcapng savefile major version number {major}"
                        ));
                    }
                    self.ifaces.clear();
                }
                _ => {}
            }
        }
        let Some(ifc) = self.ifaces.get(iface_id as usize).copied() else {
            return Err(format!(
                "a packet arrived on interface {iface_id}, but there's no Interface Description Block for that interface"
            ));
        };
        if caplen > self.snapshot {
            return Err(format!(
                "invalid packet capture length {caplen}, bigger than snaplen of {}",
                self.snapshot as i32
            ));
        }
        let sec = (t / ifc.tsresol).wrapping_add(ifc.tsoffset as u64);
        let mut frac = t % ifc.tsresol;
        match ifc.scale {
            Scale::Pass => {}
            Scale::UpDec(f) => frac = frac.wrapping_mul(f),
            Scale::DownDec(f) => frac /= f,
            Scale::UpBin | Scale::DownBin => {
                frac = frac.wrapping_mul(USER_TSRESOL) / ifc.tsresol;
            }
        }
        let off = cur.take(caplen as usize)?;
        Ok(Some(Meta {
            sec: sec as i64,
            frac: frac as i32 as i64,
            caplen,
            wirelen: len,
            off,
        }))
    }
}

/// libpcap's `MAX_BLOCKSIZE_FOR_SNAPLEN`.
fn max_blocksize_for_snaplen(snaplen: u32) -> u32 {
    8 + 20 + snaplen + 131_072 + 4
}
