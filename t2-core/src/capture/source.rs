//! The byte source under the file readers: a memory-mapped file or a buffered stream (stdin).
//!
//! The readers use it like libpcap uses `fread`: [`Source::fill`] reads up to `n` bytes (fewer
//! only at end of input) and makes them the *current* region ([`Source::data`]); the region stays
//! valid until the next `fill`. Nothing is allocated per packet: the map is borrowed, the stream
//! reuses one buffer.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;

pub(crate) enum Source {
    Map {
        map: Option<memmap2::Mmap>,
        pos: usize,
        cur: Range<usize>,
        /// Pages below this offset were handed back to the kernel (see `release_behind`).
        released: usize,
        /// Page tables are populated up to this offset (see `populate_ahead`).
        populated: usize,
    },
    Stream {
        reader: Box<dyn Read + Send>,
        buf: Vec<u8>,
        cur: usize,
        eof: bool,
    },
}

impl Source {
    /// Maps `file` (an empty file gets no map).
    pub(crate) fn map(file: &File) -> io::Result<Source> {
        let len = file.metadata()?.len();
        let map = if len == 0 {
            None
        } else {
            // SAFETY: the map is read-only; a capture file truncated by another process while we
            // read it is the usual caveat of mmap readers (tcpdump/libpcap read with stdio).
            Some(unsafe { memmap2::MmapOptions::new().map(file)? })
        };
        if let Some(m) = &map {
            let _ = m.advise(memmap2::Advice::Sequential);
        }
        Ok(Source::Map {
            map,
            pos: 0,
            cur: 0..0,
            released: 0,
            populated: 0,
        })
    }

    /// A buffered stream (standard input).
    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Source {
        Source::Stream {
            reader,
            buf: Vec::new(),
            cur: 0,
            eof: false,
        }
    }

    /// Reads up to `n` bytes into the current region; returns how many were read (fewer than
    /// `n` only at the end of the input).
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<usize> {
        match self {
            Source::Map { map, pos, cur, released, populated } => {
                let len = map.as_ref().map_or(0, |m| m.len());
                let k = n.min(len - *pos);
                release_behind(map.as_ref(), released, *pos);
                populate_ahead(map.as_ref(), populated, *pos + k);
                *cur = *pos..*pos + k;
                *pos += k;
                Ok(k)
            }
            Source::Stream {
                reader,
                buf,
                cur,
                eof,
            } => {
                if buf.len() < n {
                    buf.resize(n, 0);
                }
                let k = read_full(reader.as_mut(), &mut buf[..n], eof)?;
                *cur = k;
                Ok(k)
            }
        }
    }

    /// The bytes of the last [`Source::fill`].
    #[inline]
    pub(crate) fn data(&self) -> &[u8] {
        match self {
            Source::Map { map, cur, .. } => match map {
                Some(m) => &m[cur.clone()],
                None => &[],
            },
            Source::Stream { buf, cur, .. } => &buf[..*cur],
        }
    }

    /// Reads up to `out.len()` bytes into `out` (does not touch the current region).
    /// Reads exactly `N` bytes if that many are left (a fixed-size copy the compiler inlines:
    /// the record headers are read once per packet). `Ok(None)` at the end of input, with the
    /// position unchanged only for the memory map (the stream consumes what it read; callers
    /// treat a short read as a truncated file either way).
    #[inline]
    pub(crate) fn read_array<const N: usize>(&mut self) -> io::Result<Result<[u8; N], usize>> {
        match self {
            Source::Map { map, pos, .. } => {
                let Some(m) = map else { return Ok(Err(0)) };
                match m.get(*pos..*pos + N) {
                    Some(b) => {
                        let mut a = [0u8; N];
                        a.copy_from_slice(b);
                        *pos += N;
                        Ok(Ok(a))
                    }
                    None => {
                        let k = m.len() - *pos;
                        *pos = m.len();
                        Ok(Err(k))
                    }
                }
            }
            Source::Stream { reader, eof, .. } => {
                let mut a = [0u8; N];
                let k = read_full(reader.as_mut(), &mut a, eof)?;
                Ok(if k == N { Ok(a) } else { Err(k) })
            }
        }
    }

    pub(crate) fn read_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Map { map, pos, .. } => {
                let Some(m) = map else { return Ok(0) };
                let k = out.len().min(m.len() - *pos);
                out[..k].copy_from_slice(&m[*pos..*pos + k]);
                *pos += k;
                Ok(k)
            }
            Source::Stream { reader, eof, .. } => read_full(reader.as_mut(), out, eof),
        }
    }

    /// Skips up to `n` bytes (does not touch the current region); returns how many were skipped.
    pub(crate) fn skip(&mut self, n: usize) -> io::Result<usize> {
        match self {
            Source::Map { map, pos, .. } => {
                let len = map.as_ref().map_or(0, |m| m.len());
                let k = n.min(len - *pos);
                *pos += k;
                Ok(k)
            }
            Source::Stream { reader, eof, .. } => {
                let mut scratch = [0u8; 4096];
                let mut done = 0;
                while done < n {
                    let want = (n - done).min(scratch.len());
                    let k = read_full(reader.as_mut(), &mut scratch[..want], eof)?;
                    done += k;
                    if k < want {
                        break;
                    }
                }
                Ok(done)
            }
        }
    }
}

/// Hands the pages of a read-only file mapping that lie behind `upto` back to the kernel, in
/// steps of `RELEASE_STEP`, so the process's resident memory follows what it is reading rather
/// than the size of the file (the pages stay in the page cache; nothing is re-read unless
/// touched again, and the readers only move forward).
fn release_behind(map: Option<&memmap2::Mmap>, released: &mut usize, upto: usize) {
    const RELEASE_STEP: usize = 8 << 20;
    let Some(m) = map else { return };
    if upto < *released + 2 * RELEASE_STEP {
        return;
    }
    let end = (upto - RELEASE_STEP) & !(RELEASE_STEP - 1);
    if end > *released {
        // SAFETY: MADV_DONTNEED on a shared read-only file mapping only drops our page-table
        // entries; the range lies entirely behind every slice this source has handed out and
        // will hand out (readers never go back), so no live reference sees changed memory.
        let _ = unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, *released, end - *released) };
        *released = end;
    }
}

/// Maps the next window of the file into the page tables in one call (`MADV_POPULATE_READ`,
/// Linux 5.14+; silently skipped elsewhere) instead of taking one page fault per few pages.
fn populate_ahead(map: Option<&memmap2::Mmap>, populated: &mut usize, upto: usize) {
    const WINDOW: usize = 4 << 20;
    const MADV_POPULATE_READ: libc::c_int = 22;
    let Some(m) = map else { return };
    if upto + WINDOW / 2 <= *populated || *populated >= m.len() {
        return;
    }
    let start = (*populated).max(upto & !4095);
    let end = (start + WINDOW).min(m.len());
    // SAFETY: the range lies inside the mapping; MADV_POPULATE_READ only faults pages in.
    let rc = unsafe { libc::madvise(m.as_ptr().add(start) as *mut libc::c_void, end - start, MADV_POPULATE_READ) };
    // On kernels without it, stop trying (plain page faults do the work).
    *populated = if rc == 0 { end } else { usize::MAX };
}

/// `fread`: loop until `out` is full or the end of input (sticky, as glibc's stdio). A read
/// interrupted by SIGINT/SIGTERM ends the input, so a run reading a pipe can be stopped.
fn read_full(r: &mut dyn Read, out: &mut [u8], eof: &mut bool) -> io::Result<usize> {
    let mut done = 0;
    while done < out.len() && !*eof {
        match r.read(&mut out[done..]) {
            Ok(0) => *eof = true,
            Ok(k) => done += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                if crate::config::stop_requested() {
                    *eof = true;
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
