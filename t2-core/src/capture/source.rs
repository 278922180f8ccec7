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
//!
//! A capture file is read ahead by a thread of its own ([`ReadAhead`]): the `read` calls (the
//! kernel's copy, a tenth of the capture loop's time with the default plugins) run beside the
//! packet loop. It fills blocks of [`BLOCK`] bytes behind a free gap of [`GAP`] bytes; taking
//! the next block, the source copies only the bytes still needed (the current region and a
//! record cut by the block's end) into that gap, so the data is not copied a second time.
//! Standard input is read in the loop's thread (a pipe may block; nothing to gain).

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Size of the buffer (grown only for a record larger than it): each refill reads what is free.
const READ_SIZE: usize = 256 << 10;

/// Bytes of a read-ahead block.
const BLOCK: usize = 1 << 20;
/// Free bytes in front of a block's data, for what is carried over from the previous block.
const GAP: usize = 64 << 10;
/// Filled blocks waiting for the packet loop.
const BLOCKS_AHEAD: usize = 2;

/// A thread reading a file ahead in blocks: each `Vec` holds `GAP` free bytes and then the
/// data (none at the end of the file); a read error ends the stream.
struct ReadAhead {
    blocks: Receiver<io::Result<Vec<u8>>>,
    /// Blocks the source is done with, for reuse (no allocation per block once running).
    spare: SyncSender<Vec<u8>>,
}

impl ReadAhead {
    fn start(mut file: File) -> io::Result<ReadAhead> {
        let (to_source, blocks) = sync_channel(BLOCKS_AHEAD);
        let (spare, spares) = sync_channel::<Vec<u8>>(BLOCKS_AHEAD + 2);
        std::thread::Builder::new()
            .name("capture read-ahead".into())
            .spawn(move || {
                loop {
                    let mut b = spares.try_recv().unwrap_or_default();
                    b.resize(GAP + BLOCK, 0);
                    let mut n = 0;
                    let r = loop {
                        if n == BLOCK {
                            break Ok(());
                        }
                        match file.read(&mut b[GAP + n..]) {
                            Ok(0) => break Ok(()),
                            Ok(k) => n += k,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                                if crate::config::stop_requested() {
                                    break Ok(());
                                }
                            }
                            Err(e) => break Err(e),
                        }
                    };
                    b.truncate(GAP + n);
                    let last = n == 0 || r.is_err();
                    let msg = match r {
                        Ok(()) => Ok(b),
                        Err(e) if n > 0 => {
                            // The data first; the error with the next block.
                            if to_source.send(Ok(b)).is_err() {
                                return;
                            }
                            Err(e)
                        }
                        Err(e) => Err(e),
                    };
                    // (A source dropped early closes the channel: the thread ends.)
                    if to_source.send(msg).is_err() || last {
                        return;
                    }
                }
            })?;
        Ok(ReadAhead { blocks, spare })
    }
}

pub(crate) struct Source {
    reader: Box<dyn Read + Send>,
    /// The file's read-ahead thread (then `reader` is not used).
    ahead: Option<ReadAhead>,
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
        match file.try_clone().and_then(ReadAhead::start) {
            Ok(ahead) => Source {
                ahead: Some(ahead),
                ..Source::stream(Box::new(file))
            },
            // (No thread to be had: read in this one.)
            Err(_) => Source::stream(Box::new(file)),
        }
    }

    /// A stream (standard input).
    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Source {
        Source {
            reader,
            ahead: None,
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
        if self.ahead.is_some() {
            return self.ensure_ahead(n);
        }
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

    /// [`Source::ensure`] with the read-ahead thread: takes filled blocks until `n` bytes are
    /// there, carrying over what must stay into the gap in front of each new block.
    fn ensure_ahead(&mut self, n: usize) -> io::Result<usize> {
        while self.end - self.start < n && !self.eof {
            let Some(ahead) = &self.ahead else { break };
            let mut block = match ahead.blocks.recv() {
                Ok(Ok(b)) if b.len() > GAP => b,
                Ok(Err(e)) => {
                    self.eof = true;
                    return Err(e);
                }
                // The end of the file (or the thread ended).
                _ => {
                    self.eof = true;
                    break;
                }
            };
            let keep = if self.cur.is_empty() {
                self.start
            } else {
                self.cur.start.min(self.start)
            };
            let carry = self.end - keep;
            if carry <= GAP {
                let at = GAP - carry;
                block[at..GAP].copy_from_slice(&self.buf[keep..self.end]);
                let old = std::mem::replace(&mut self.buf, block);
                if old.capacity() >= GAP + BLOCK {
                    let _ = ahead.spare.try_send(old);
                }
                self.start = self.start - keep + at;
                self.cur = self.cur.start.saturating_sub(keep) + at
                    ..self.cur.end.saturating_sub(keep) + at;
                self.end = self.buf.len();
            } else {
                // A record longer than the gap: the blocks are joined in the buffer.
                self.buf.copy_within(keep..self.end, 0);
                self.buf.truncate(carry);
                self.buf.extend_from_slice(&block[GAP..]);
                let _ = ahead.spare.try_send(block);
                self.start -= keep;
                self.cur = self.cur.start.saturating_sub(keep)..self.cur.end.saturating_sub(keep);
                self.end = self.buf.len();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` pseudo-random bytes, read back through the read-ahead thread by a walk
    /// of fills, skips, fixed reads and peeks of assorted sizes (some far larger than the gap,
    /// many across block boundaries): every region equals the file's bytes at its offset, and
    /// the region of a fill stays intact while later fills refill the buffer.
    #[test]
    fn read_ahead_returns_the_file_exactly() {
        let dir = std::env::temp_dir().join(format!("t2rs-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut x = 0x9e37_79b9u32;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for len in [0, 5, BLOCK, 3 * BLOCK + 12_345] {
            let bytes: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
            let path = dir.join(format!("f{len}"));
            std::fs::write(&path, &bytes).unwrap();
            let mut src = Source::file(File::open(&path).unwrap());
            assert!(src.ahead.is_some());
            let mut pos = 0usize;
            let mut step = 0;
            while pos < len {
                step += 1;
                let n = match step % 5 {
                    0 => GAP + 70_000,
                    1 => 16,
                    2 => (rnd() % 4000) as usize,
                    3 => 300_000,
                    _ => (rnd() % 70) as usize + 1,
                };
                match step % 4 {
                    0 => {
                        let k = src.skip(n).unwrap();
                        assert_eq!(k, n.min(len - pos));
                        pos += k;
                    }
                    1 => {
                        if let Ok(a) = src.read_array::<16>().unwrap() {
                            assert_eq!(&a[..], &bytes[pos..pos + 16]);
                            pos += 16;
                        } else {
                            pos = len;
                        }
                    }
                    _ => {
                        let k = src.fill(n).unwrap();
                        assert_eq!(k, n.min(len - pos));
                        let region = src.data().to_vec();
                        assert_eq!(region, bytes[pos..pos + k], "fill {n} at {pos}");
                        pos += k;
                        if let Some(p) = src.peek::<4>() {
                            assert_eq!(&p[..], &bytes[pos..pos + 4]);
                        }
                        // The current region survives reads past it.
                        let _ = src.read_array::<8>().unwrap();
                        pos = (pos + 8).min(len);
                        assert_eq!(src.data(), &region[..]);
                    }
                }
            }
            assert_eq!(src.fill(10).unwrap(), 0, "the end of the file");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
