//! The byte source under the file readers: a file or a stream (stdin), read into one reused
//! buffer.
//!
//! The readers use it like libpcap uses `fread`: [`Source::fill`] reads up to `n` bytes (fewer
//! only at end of input) and makes them the *current* region ([`Source::data`]); the region stays
//! valid until the next `fill`. Nothing is allocated per packet: records are handed out as
//! slices of the buffer.
//!
//! Why `read(2)` into a buffer rather than a memory map: on the benchmark capture (205 MB),
//! mapping the file page by page (`MADV_POPULATE_READ` ahead, `MADV_DONTNEED` behind) cost
//! about a fifth of the whole run in page-table work, and every packet then missed the cache on
//! first touch; `read` calls of [`READ_SIZE`] bytes cost about 25 ms of kernel time for the
//! whole file (one copy, as tcpdump's own read) and leave the bytes in cache for the parser.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;

/// Size of the buffer (grown only for a record larger than it): each refill reads what is free.
const READ_SIZE: usize = 256 << 10;

pub(crate) struct Source {
    reader: Box<dyn Read + Send>,
    /// Zero-initialised once; `buf[start..end]` is read but not consumed.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The region of the last `fill` (kept when the buffer is compacted).
    cur: Range<usize>,
    /// The reader reported the end of input (sticky, as glibc's stdio).
    eof: bool,
}

impl Source {
    /// A capture file.
    pub(crate) fn file(file: File) -> Source {
        Source::stream(Box::new(file))
    }

    /// A stream (standard input).
    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Source {
        Source {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            cur: 0..0,
            eof: false,
        }
    }

    /// Makes at least `n` unconsumed bytes available in the buffer (fewer only at the end of
    /// input) and returns how many there are, at most `n`. Keeps the current region.
    #[cold]
    fn ensure(&mut self, n: usize) -> io::Result<usize> {
        if self.end - self.start < n && !self.eof {
            // Move what must stay (the current region and the unconsumed bytes) to the front.
            let keep = if self.cur.is_empty() {
                self.start
            } else {
                self.cur.start.min(self.start)
            };
            if keep > 0 {
                self.buf.copy_within(keep..self.end, 0);
                self.start -= keep;
                self.end -= keep;
                self.cur = self.cur.start.saturating_sub(keep)..self.cur.end.saturating_sub(keep);
            }
            // Room for the record asked for; reads fill whatever the buffer has free.
            let want = (self.start + n).max(READ_SIZE);
            if want > self.buf.len() {
                self.buf.resize(want, 0);
            }
            while self.end - self.start < n && !self.eof {
                match self.reader.read(&mut self.buf[self.end..]) {
                    Ok(0) => self.eof = true,
                    Ok(k) => self.end += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        // A read interrupted by SIGINT/SIGTERM ends the input, so a run reading a
                        // pipe can be stopped.
                        if crate::config::stop_requested() {
                            self.eof = true;
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok((self.end - self.start).min(n))
    }

    /// Reads up to `n` bytes into the current region; returns how many were read (fewer than
    /// `n` only at the end of the input).
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<usize> {
        // The previous region is released: the buffer may be compacted over it.
        self.cur = self.start..self.start;
        let k = if self.end - self.start >= n {
            n
        } else {
            self.ensure(n)?
        };
        self.cur = self.start..self.start + k;
        self.start += k;
        Ok(k)
    }

    /// The bytes of the last [`Source::fill`].
    #[inline]
    pub(crate) fn data(&self) -> &[u8] {
        &self.buf[self.cur.clone()]
    }

    /// The `N` bytes at the read position if they are already buffered (not consumed).
    #[inline]
    pub(crate) fn peek<const N: usize>(&self) -> Option<&[u8; N]> {
        if self.end - self.start < N {
            return None;
        }
        self.buf[self.start..self.start + N].try_into().ok()
    }

    /// Skips `skip` bytes and makes the next `n` the current region, as `skip` +
    /// [`Source::fill`] would, when all of them are already buffered; `None` (nothing
    /// consumed) otherwise. The per-packet path of the pcap reader.
    #[inline]
    pub(crate) fn take_fast(&mut self, skip: usize, n: usize) -> Option<()> {
        let start = self.start + skip;
        let end = start.checked_add(n)?;
        if end > self.end {
            return None;
        }
        self.cur = start..end;
        self.start = end;
        Some(())
    }

    /// Reads exactly `N` bytes if that many are left (a fixed-size copy the compiler inlines:
    /// the record headers are read once per packet); otherwise consumes what is left and
    /// returns its length. Does not touch the current region.
    #[inline]
    pub(crate) fn read_array<const N: usize>(&mut self) -> io::Result<Result<[u8; N], usize>> {
        let k = if self.end - self.start >= N {
            N
        } else {
            self.ensure(N)?
        };
        let s = self.start;
        self.start += k;
        Ok(match self.buf[s..s + k].try_into() {
            Ok(a) => Ok(a),
            Err(_) => Err(k),
        })
    }

    /// Reads up to `out.len()` bytes into `out` (does not touch the current region).
    pub(crate) fn read_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let k = self.ensure(out.len())?;
        out[..k].copy_from_slice(&self.buf[self.start..self.start + k]);
        self.start += k;
        Ok(k)
    }

    /// Skips up to `n` bytes (does not touch the current region); returns how many were skipped.
    pub(crate) fn skip(&mut self, n: usize) -> io::Result<usize> {
        let mut done = 0;
        while done < n {
            let want = (n - done).min(READ_SIZE);
            let k = self.ensure(want)?;
            self.start += k;
            done += k;
            if k < want {
                break;
            }
        }
        Ok(done)
    }
}
