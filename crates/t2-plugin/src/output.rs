//! Typed encoders for flow records (spec §2.2) and the text writer of reports.
//!
//! [`Output`] is what `on_flow_terminate` gets: it appends values to the core's output record
//! (staged in a small buffer, so a record costs one or two host calls). [`Encoder`] has the
//! same methods over a `Vec<u8>` (tests, sinks, the core's own columns).

use t2_abi::{T2Host, T2OutBuf, T2Str, T2Time, T2Writer};

macro_rules! typed_methods {
    () => {
        /// Appends a u8 (`U8`, `H8`, `C`, `DIR`).
        #[inline]
        pub fn u8(&mut self, v: u8) {
            self.put(&[v]);
        }
        /// Appends a u16 (`U16`, `H16`).
        #[inline]
        pub fn u16(&mut self, v: u16) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends a u32 (`U32`, `H32`).
        #[inline]
        pub fn u32(&mut self, v: u32) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends a u64 (`U64`, `H64`).
        #[inline]
        pub fn u64(&mut self, v: u64) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an i8 (`I8`).
        #[inline]
        pub fn i8(&mut self, v: i8) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an i16 (`I16`).
        #[inline]
        pub fn i16(&mut self, v: i16) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an i32 (`I32`).
        #[inline]
        pub fn i32(&mut self, v: i32) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an i64 (`I64`).
        #[inline]
        pub fn i64(&mut self, v: i64) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an f32 (`F`).
        #[inline]
        pub fn f32(&mut self, v: f32) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends an f64 (`D`).
        #[inline]
        pub fn f64(&mut self, v: f64) {
            self.put(&v.to_ne_bytes());
        }
        /// Appends a character (`C`).
        #[inline]
        pub fn char(&mut self, c: u8) {
            self.put(&[c]);
        }
        /// Appends a string (`S`, `SC`): its bytes up to the first NUL, then a NUL.
        #[inline]
        pub fn str(&mut self, s: &str) {
            self.bytes_str(s.as_bytes());
        }
        /// Appends a byte string (`S`, `SC`; need not be UTF-8, the text sink sanitises it):
        /// its bytes up to the first NUL, then a NUL.
        #[inline]
        pub fn bytes_str(&mut self, s: &[u8]) {
            let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
            self.put_cstr(&s[..end]);
        }
        /// Appends a MAC address (`MAC`).
        #[inline]
        pub fn mac(&mut self, m: [u8; 6]) {
            self.put(&m);
        }
        /// Appends an IPv4 address in network order (`IP4`).
        #[inline]
        pub fn ip4(&mut self, a: [u8; 4]) {
            self.put(&a);
        }
        /// Appends an IPv6 address in network order (`IP6`).
        #[inline]
        pub fn ip6(&mut self, a: [u8; 16]) {
            self.put(&a);
        }
        /// Appends an `IPX`: version 4 writes the first 4 bytes of `addr`, 6 the first 16,
        /// anything else writes version 0 and no address (printed `-`).
        #[inline]
        pub fn ipx(&mut self, version: u8, addr: &[u8]) {
            match (version, addr.len()) {
                (4, n) if n >= 4 => {
                    self.put(&[4]);
                    self.put(&addr[..4]);
                }
                (6, n) if n >= 16 => {
                    self.put(&[6]);
                    self.put(&addr[..16]);
                }
                _ => self.put(&[0]),
            }
        }
        /// Appends a timestamp or duration (`U64.U32`): u64 seconds, u32 nanoseconds.
        #[inline]
        pub fn time(&mut self, sec: u64, nsec: u32) {
            self.put(&sec.to_ne_bytes());
            self.put(&nsec.to_ne_bytes());
        }
        /// Appends a [`T2Time`] (`U64.U32`).
        #[inline]
        pub fn time_t(&mut self, t: T2Time) {
            self.time(t.sec, t.nsec);
        }
        /// Appends the repetition count of a repeating column or nested compound; then
        /// append that many repetitions.
        #[inline]
        pub fn repeat(&mut self, count: u32) {
            self.put(&count.to_ne_bytes());
        }
    };
}

/// Encodes values into a `Vec<u8>`.
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    pub buf: Vec<u8>,
}

impl Encoder {
    /// Appends raw bytes.
    #[inline]
    pub fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    /// Appends `s` (no NUL inside) and a NUL.
    #[inline]
    fn put_cstr(&mut self, s: &[u8]) {
        self.buf.extend_from_slice(s);
        self.buf.push(0);
    }
    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
    /// Forgets the content, keeps the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
    }
    typed_methods!();
}

const STAGE: usize = 512;

/// The output record of one flow, given to `on_flow_terminate`. Values must be appended in
/// the order and encoding of the plugin's declared columns.
pub struct Output<'a> {
    host: &'a T2Host,
    buf: *mut T2OutBuf,
    stage: [u8; STAGE],
    len: usize,
}

impl<'a> Output<'a> {
    /// Wraps the host's buffer.
    ///
    /// # Safety
    /// `buf` must be the buffer the host passed to this callback.
    pub unsafe fn new(host: &'a T2Host, buf: *mut T2OutBuf) -> Self {
        Output {
            host,
            buf,
            stage: [0; STAGE],
            len: 0,
        }
    }

    fn append(&self, b: &[u8]) {
        if let Some(f) = self.host.out_append {
            // SAFETY: `buf` is the live buffer of this callback (see `new`).
            unsafe { f(self.buf, b.as_ptr(), b.len()) };
        }
    }

    /// Appends raw, already encoded bytes.
    #[inline]
    pub fn put(&mut self, b: &[u8]) {
        if self.len + b.len() > STAGE {
            self.flush();
            if b.len() > STAGE {
                self.append(b);
                return;
            }
        }
        self.stage[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }

    /// Appends `s` (no NUL inside) and a NUL. Strings are short (header descriptions, country
    /// codes): those are staged with fixed-size moves rather than a `memcpy` call.
    #[inline]
    fn put_cstr(&mut self, s: &[u8]) {
        let n = s.len();
        if n <= 32 && self.len + 33 <= STAGE {
            let dst = &mut self.stage[self.len..self.len + 33];
            if n >= 16 {
                dst[..16].copy_from_slice(&s[..16]);
                dst[n - 16..n].copy_from_slice(&s[n - 16..]);
            } else if n >= 8 {
                dst[..8].copy_from_slice(&s[..8]);
                dst[n - 8..n].copy_from_slice(&s[n - 8..]);
            } else if n >= 4 {
                dst[..4].copy_from_slice(&s[..4]);
                dst[n - 4..n].copy_from_slice(&s[n - 4..]);
            } else if n > 0 {
                dst[0] = s[0];
                dst[n / 2] = s[n / 2];
                dst[n - 1] = s[n - 1];
            }
            dst[n] = 0;
            self.len += n + 1;
            return;
        }
        self.put(s);
        self.put(&[0]);
    }

    /// Hands the staged bytes to the host (done automatically after `on_flow_terminate`).
    pub fn flush(&mut self) {
        if self.len > 0 {
            let n = self.len;
            self.len = 0;
            self.append(&self.stage[..n]);
        }
    }

    typed_methods!();
}

impl Drop for Output<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// A text destination of the host (end report, monitoring). Implements `std::fmt::Write`, so
/// `write!(w, ...)` works.
pub struct Writer<'a> {
    host: &'a T2Host,
    w: *mut T2Writer,
}

impl<'a> Writer<'a> {
    /// # Safety
    /// `w` must be the writer the host passed to this callback.
    pub unsafe fn new(host: &'a T2Host, w: *mut T2Writer) -> Self {
        Writer { host, w }
    }

    /// Writes text as is.
    pub fn text(&mut self, s: &str) {
        if let Some(f) = self.host.write {
            // SAFETY: `w` is the live writer of this callback (see `new`).
            unsafe { f(self.w, T2Str::new(s)) };
        }
    }

    /// Writes one line (adds `\n`).
    pub fn line(&mut self, s: &str) {
        self.text(s);
        self.text("\n");
    }
}

impl std::fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text(s);
        Ok(())
    }
}
