//! Capture input (pcap, pcapng, lists, series, stdin, live).
//!
//! Files and stdin are read by our own readers ([`pcap`], [`pcapng`]) through one reused buffer
//! (see [`source`]), with libpcap 1.10.3's semantics as the original T2 0.9.3 used it (nanosecond
//! precision): same accepted and refused files, same error texts, same recovery after a read
//! error (T2 logs `[WRN] pcap_dispatch failed: <msg>` and keeps reading; a message equal to the
//! previous one is not repeated). Live capture goes through the `pcap` crate. BPF filters are
//! compiled by libpcap (not optimised, `BPF_OPTIMIZE=0`) and run on each packet here.
//!
//! Log lines printed by [`Capture::next_packet`] (plain lines unless noted), in T2's order:
//! * before the first packet: `Processing file: F` (`-r`, `-D`) | `Processing list file: L`
//!   (`-R`) | `Live capture on interface: I` (`-i`); `[INF] BPF: EXPR` (with a filter);
//!   `Processing file no. 1 of N: F` (`-R`); `Link layer type: <descr> [<NAME>/<dlt>]`;
//!   `Snapshot length: N[ (x.xx K)]`; `Rx buffer length: N[ (x.xx K)]` (`-i`).
//! * at each further file: `Processing file: F` (`-D`) or `Processing file no. i of N: F` (`-R`),
//!   then the link-type and snapshot-length lines.
//! * on a read error: `[WRN] pcap_dispatch failed: <libpcap message>`; reading goes on.
//! * `-R`: a further file that libpcap cannot open: `[ERR] pcap_open_offline failed for 'F': M`,
//!   and the input ends (the run finishes normally).

pub mod linktype;
mod live;
mod pcap;
mod pcapng;
mod series;
mod source;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use t2_abi::T2Time;

use crate::config::{Input, stop_requested};
use crate::fmt::hr_suffix;
use crate::log::Logger;
use crate::packet::RawPacket;

use self::pcap::PcapReader;
use self::pcapng::NgReader;
use self::source::Source;

/// The warning T2 prints (right after `Creating flows for ...`) when the input is pcapng.
pub const PCAPNG_WARNING: &str = "PCAP-NG, so *percentage completed* in end report might be less than 100%, will be fixed in a later version";

/// `POLLTM`: seconds between two looks for the next file of a `-D` series.
pub const POLL_SECS: u64 = 5;

/// One-line error; `Display` is the message T2 prints after `[ERR] `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureError {
    msg: String,
}

impl CaptureError {
    pub fn new(msg: impl Into<String>) -> CaptureError {
        CaptureError { msg: msg.into() }
    }
    pub fn message(&self) -> &str {
        &self.msg
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for CaptureError {}

/// One record as a reader found it: libpcap's `pcap_pkthdr` (seconds and fraction in ns, both
/// as libpcap computes them, possibly out of range for broken files) and where the bytes are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) sec: i64,
    pub(crate) frac: i64,
    pub(crate) caplen: u32,
    pub(crate) wirelen: u32,
    /// Offset of the packet bytes in `Source::data()`.
    pub(crate) off: usize,
}

pub(crate) enum Next {
    Packet(Meta),
    Eof,
    Err(String),
}

/// libpcap's `error reading dump file: <strerror>`.
pub(crate) fn io_msg(e: &io::Error) -> String {
    format!("error reading dump file: {}", strerror(e))
}

fn strerror(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => {
            // SAFETY: strerror returns a valid NUL-terminated string for any code.
            let s = unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) };
            s.to_string_lossy().into_owned()
        }
        None => e.to_string(),
    }
}

enum Reader {
    Pcap(PcapReader),
    Ng(NgReader),
}

/// One open capture file.
struct FileIn {
    src: Source,
    reader: Reader,
    name: String,
}

impl FileIn {
    fn dlt(&self) -> u32 {
        match &self.reader {
            Reader::Pcap(r) => r.dlt,
            Reader::Ng(r) => r.dlt,
        }
    }
    fn snapshot(&self) -> u32 {
        match &self.reader {
            Reader::Pcap(r) => r.snapshot,
            Reader::Ng(r) => r.snapshot,
        }
    }
    fn is_pcapng(&self) -> bool {
        matches!(self.reader, Reader::Ng(_))
    }
    #[inline]
    fn next(&mut self) -> Next {
        match &mut self.reader {
            Reader::Pcap(r) => r.next(&mut self.src),
            Reader::Ng(r) => r.next(&mut self.src),
        }
    }
}

/// Opens a source the way `pcap_open_offline` does; `Err` is libpcap's errbuf text.
fn open_source(mut src: Source, name: &str) -> Result<FileIn, String> {
    let mut magic = [0u8; 4];
    let k = src.read_into(&mut magic).map_err(|e| io_msg(&e))?;
    if k != 4 {
        return Err(format!(
            "truncated dump file; tried to read 4 file header bytes, only got {k}"
        ));
    }
    let reader = if PcapReader::magic_kind(magic).is_some() {
        Reader::Pcap(PcapReader::open(&mut src, magic)?)
    } else if u32::from_le_bytes(magic) == pcapng::BT_SHB {
        Reader::Ng(NgReader::open(&mut src)?)
    } else {
        return Err("unknown file format".to_string());
    };
    Ok(FileIn {
        src,
        reader,
        name: name.to_string(),
    })
}

fn open_path(path: &Path) -> Result<(FileIn, u64), String> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| format!("{name}: {}", strerror(&e)))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let src = Source::file(file);
    Ok((open_source(src, &name)?, size))
}

/// T2's `ckpcaphdr`: the file exists, is not empty and starts with a pcap or pcapng magic.
/// Returns whether it is pcapng.
pub fn check_header(path: &Path) -> Result<bool, CaptureError> {
    let name = path.display();
    let mut f = File::open(path).map_err(|e| {
        CaptureError::new(format!("Failed to open file '{name}': {}", strerror(&e)))
    })?;
    let len = f.metadata().map_err(|e| {
        CaptureError::new(format!(
            "Failed to get stats of file '{name}': {}",
            strerror(&e)
        ))
    })?;
    if len.len() == 0 {
        return Err(CaptureError::new(format!("PCAP file '{name}' is empty")));
    }
    let mut buf = [0u8; 12];
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if got < 4 {
        return Err(CaptureError::new(format!(
            "Failed to read data from file '{name}'"
        )));
    }
    let (ng, valid) = classify(&buf[..got]);
    if !valid {
        return Err(CaptureError::new(format!(
            "File '{name}' is not a valid PCAP/PCAP-NG file"
        )));
    }
    Ok(ng)
}

/// `(is_pcapng, valid)` for the first (up to 12) bytes of an input.
fn classify(b: &[u8]) -> (bool, bool) {
    let m = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    if m == pcapng::BT_SHB {
        let valid = b.len() >= 12 && {
            let bom = u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
            bom == pcapng::BYTE_ORDER_MAGIC || bom.swap_bytes() == pcapng::BYTE_ORDER_MAGIC
        };
        (true, valid)
    } else {
        (
            false,
            PcapReader::magic_kind([b[0], b[1], b[2], b[3]]).is_some(),
        )
    }
}

/// A compiled BPF program run on each packet (`pcap_offline_filter`, with caplen and wire
/// length as libpcap's offline read passes them).
struct Filter(::pcap::BpfProgram);

// SAFETY: the program is owned heap memory, only read by `pcap_offline_filter`.
unsafe impl Send for Filter {}

#[repr(C)]
struct RawBpfProgram {
    bf_len: libc::c_uint,
    bf_insns: *const libc::c_void,
}

#[repr(C)]
struct RawPktHdr {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

unsafe extern "C" {
    fn pcap_offline_filter(
        prog: *const RawBpfProgram,
        h: *const RawPktHdr,
        pkt: *const u8,
    ) -> libc::c_int;
}

impl Filter {
    fn compile(dlt: u32, expr: &str) -> Result<Filter, CaptureError> {
        let bad = |e: ::pcap::Error| {
            let m = match e {
                ::pcap::Error::PcapError(s) => s,
                other => other.to_string(),
            };
            CaptureError::new(format!(
                "pcap_compile failed: '{expr}' is not a valid BPF: {m}"
            ))
        };
        let dead = ::pcap::Capture::dead_with_precision(
            ::pcap::Linktype(dlt as i32),
            ::pcap::Precision::Nano,
        )
        .map_err(bad)?;
        dead.compile(expr, false).map(Filter).map_err(bad)
    }

    #[inline]
    fn matches(&self, data: &[u8], wirelen: u32) -> bool {
        let h = RawPktHdr {
            ts: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            caplen: data.len() as u32,
            len: wirelen,
        };
        // SAFETY: `BpfProgram` is `repr(transparent)` over libpcap's `struct bpf_program`, whose
        // layout `RawBpfProgram` repeats; `data` holds `caplen` bytes.
        unsafe {
            let prog = &self.0 as *const ::pcap::BpfProgram as *const RawBpfProgram;
            pcap_offline_filter(prog, &h, data.as_ptr()) != 0
        }
    }
}

enum Mode {
    File,
    List {
        files: Vec<String>,
        idx: usize,
        list: String,
    },
    Series(series::Series),
    Live {
        iface: String,
        bufsize: u32,
    },
}

/// What to announce at the next `next_packet` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announce {
    Nothing,
    First,
    Next,
}

/// The packet source of a run (see the module documentation for what it logs).
pub struct Capture {
    mode: Mode,
    cur: Option<FileIn>,
    live: Option<live::Live>,
    bpf: Option<String>,
    filter: Option<Filter>,
    announce: Announce,
    bytes: u64,
    nfiles: u32,
    pcapng: bool,
    stdin: bool,
    last_err: Option<String>,
    done: bool,
    meta: Meta,
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture")
            .field("file", &self.cur.as_ref().map(|c| c.name.as_str()))
            .field("bytes", &self.bytes)
            .field("pcapng", &self.pcapng)
            .finish()
    }
}

fn unsupported(dlt: u32) -> CaptureError {
    CaptureError::new(format!(
        "Unsupported link-layer type: {}",
        linktype::describe(dlt)
    ))
}

impl Capture {
    /// Opens the input (validating the first file's header, its link type and the BPF
    /// expression) and logs nothing yet.
    pub fn open(input: &Input, bpf: Option<&str>) -> Result<Capture, CaptureError> {
        let bpf = bpf
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let mut cap = Capture {
            mode: Mode::File,
            cur: None,
            live: None,
            bpf,
            filter: None,
            announce: Announce::First,
            bytes: 0,
            nfiles: 0,
            pcapng: false,
            stdin: false,
            last_err: None,
            done: false,
            meta: Meta::default(),
        };
        match input {
            Input::File(path) if path.as_os_str() == "-" => {
                cap.stdin = true;
                let f = open_stdin(io::BufReader::with_capacity(1 << 20, io::stdin()), "-")?;
                cap.install(f, 0)?;
            }
            Input::File(path) => {
                check_header(path)?;
                let (f, size) =
                    open_path(path).map_err(|m| open_failed(&path.display().to_string(), &m))?;
                cap.install(f, size)?;
            }
            Input::List(list) => {
                let files = read_list(list)?;
                let (f, size) =
                    open_path(Path::new(&files[0])).map_err(|m| open_failed(&files[0], &m))?;
                cap.mode = Mode::List {
                    files,
                    idx: 0,
                    list: list.display().to_string(),
                };
                cap.install(f, size)?;
            }
            Input::Series { expr, schr, stop } => {
                let s = series::Series::parse(expr, *schr, *stop);
                // T2 waits for the first file of a series to appear.
                let Some(path) = wait_for(|| s.current().filter(|p| open_path(p).is_ok())) else {
                    cap.mode = Mode::Series(s);
                    cap.done = true;
                    return Ok(cap);
                };
                let (f, size) =
                    open_path(&path).map_err(|m| open_failed(&path.display().to_string(), &m))?;
                cap.mode = Mode::Series(s);
                cap.install(f, size)?;
            }
            Input::Live {
                iface,
                snaplen,
                bufsize,
            } => {
                let l = live::Live::open(iface, *snaplen, *bufsize, cap.bpf.as_deref())?;
                if !linktype::is_supported(l.dlt) {
                    return Err(unsupported(l.dlt));
                }
                cap.mode = Mode::Live {
                    iface: iface.clone(),
                    bufsize: *bufsize,
                };
                cap.live = Some(l);
            }
        }
        Ok(cap)
    }

    /// Makes `f` the current file: link-type check, BPF compilation, byte count.
    fn install(&mut self, f: FileIn, size: u64) -> Result<(), CaptureError> {
        let dlt = f.dlt();
        if !linktype::is_supported(dlt) {
            return Err(unsupported(dlt));
        }
        if let Some(expr) = &self.bpf {
            self.filter = Some(Filter::compile(dlt, expr)?);
        }
        self.pcapng |= f.is_pcapng();
        self.bytes += size;
        self.nfiles += 1;
        self.cur = Some(f);
        Ok(())
    }

    /// Next packet of the whole input; `Ok(None)` when the input is exhausted (or a stop was
    /// requested while waiting for a file / live packets). Packets the BPF filter rejects are
    /// skipped. `Err` is fatal (T2 exits with `[ERR] <msg>`).
    pub fn next_packet(&mut self, log: &mut Logger) -> Result<Option<RawPacket<'_>>, CaptureError> {
        // The per-packet path: an ordinary, already buffered record of a classic pcap file with
        // no filter and nothing to log. Everything else (first packet, other formats, stdin, EOF,
        // errors) takes the general path below.
        if !self.done && self.filter.is_none() && self.announce == Announce::Nothing {
            let fast = match self.cur.as_mut() {
                Some(FileIn {
                    src,
                    reader: Reader::Pcap(r),
                    ..
                }) => r.next_fast(src),
                _ => None,
            };
            if let Some(m) = fast {
                self.meta = m;
                let f = self.cur.as_ref().expect("current file");
                return Ok(Some(RawPacket {
                    ts: to_t2time(m.sec, m.frac),
                    wirelen: m.wirelen,
                    linktype: f.dlt(),
                    data: f.src.data(),
                    raw_ts: (m.sec, m.frac),
                }));
            }
        }
        if self.live.is_some() {
            return self.next_live(log);
        }
        loop {
            if self.done {
                return Ok(None);
            }
            if self.announce != Announce::Nothing {
                self.log_file_lines(log);
            }
            let Some(f) = self.cur.as_mut() else {
                self.done = true;
                return Ok(None);
            };
            match f.next() {
                Next::Packet(m) => {
                    if let Some(flt) = &self.filter {
                        let data = &f.src.data()[m.off..m.off + m.caplen as usize];
                        if !flt.matches(data, m.wirelen) {
                            continue;
                        }
                    }
                    self.meta = m;
                    break;
                }
                Next::Eof => self.advance(log)?,
                Next::Err(msg) => {
                    if self.last_err.as_deref() != Some(msg.as_str()) {
                        log.wrn(&format!("pcap_dispatch failed: {msg}"));
                        self.last_err = Some(msg);
                    }
                }
            }
        }
        let f = self.cur.as_ref().expect("current file");
        let m = self.meta;
        Ok(Some(RawPacket {
            ts: to_t2time(m.sec, m.frac),
            wirelen: m.wirelen,
            linktype: f.dlt(),
            data: &f.src.data()[m.off..m.off + m.caplen as usize],
            raw_ts: (m.sec, m.frac),
        }))
    }

    fn next_live(&mut self, log: &mut Logger) -> Result<Option<RawPacket<'_>>, CaptureError> {
        if self.announce != Announce::Nothing {
            self.log_file_lines(log);
        }
        let l = self.live.as_mut().expect("live");
        match l.next(log, &mut self.last_err) {
            Some(m) => {
                let dlt = l.dlt;
                let l = self.live.as_ref().expect("live");
                Ok(Some(RawPacket {
                    ts: to_t2time(m.sec, m.frac),
                    wirelen: m.wirelen,
                    linktype: dlt,
                    data: l.data(),
                    raw_ts: (m.sec, m.frac),
                }))
            }
            None => Ok(None),
        }
    }

    /// The current file is exhausted: open the next one of a list or series.
    fn advance(&mut self, log: &mut Logger) -> Result<(), CaptureError> {
        match &mut self.mode {
            Mode::File | Mode::Live { .. } => {
                self.done = true;
                Ok(())
            }
            Mode::List { files, idx, .. } => {
                if *idx + 1 >= files.len() {
                    self.done = true;
                    return Ok(());
                }
                *idx += 1;
                let name = files[*idx].clone();
                self.cur = None;
                match open_path(Path::new(&name)) {
                    Ok((f, size)) => {
                        self.install(f, size)?;
                        self.announce = Announce::Next;
                    }
                    Err(m) => {
                        log.err(&format!("pcap_open_offline failed for '{name}': {m}"));
                        self.done = true;
                    }
                }
                Ok(())
            }
            Mode::Series(s) => {
                if s.num >= s.stop {
                    self.done = true;
                    return Ok(());
                }
                s.num += 1;
                self.cur = None;
                let s = s.clone();
                let pattern = s.name(s.num);
                // Wait for the file to appear, then validate and open it (retrying while libpcap
                // cannot open it yet, e.g. while its header is being written).
                let Some(path) = wait_for(|| series::resolve(&pattern)) else {
                    self.done = true;
                    return Ok(());
                };
                check_header(&path)?;
                let Some((f, size)) = wait_for(|| open_path(&path).ok()) else {
                    self.done = true;
                    return Ok(());
                };
                self.install(f, size)?;
                self.announce = Announce::Next;
                Ok(())
            }
        }
    }

    fn log_file_lines(&mut self, log: &mut Logger) {
        let first = self.announce == Announce::First;
        self.announce = Announce::Nothing;
        let (dlt, snap) = match (&self.cur, &self.live) {
            (Some(f), _) => (f.dlt(), f.snapshot()),
            (None, Some(l)) => (l.dlt, l.snapshot),
            _ => return,
        };
        let name = self
            .cur
            .as_ref()
            .map(|f| f.name.clone())
            .unwrap_or_default();
        match &self.mode {
            Mode::File | Mode::Series(_) => log.plain(&format!("Processing file: {name}")),
            Mode::List { files, idx, list } => {
                if first {
                    log.plain(&format!("Processing list file: {list}"));
                    if let Some(b) = &self.bpf {
                        log.inf(&format!("BPF: {b}"));
                    }
                }
                log.plain(&format!(
                    "Processing file no. {} of {}: {name}",
                    idx + 1,
                    files.len()
                ));
            }
            Mode::Live { iface, .. } => log.plain(&format!("Live capture on interface: {iface}")),
        }
        if first && !matches!(self.mode, Mode::List { .. }) {
            if let Some(b) = &self.bpf {
                log.inf(&format!("BPF: {b}"));
            }
        }
        log.plain(&format!("Link layer type: {}", linktype::describe(dlt)));
        log.plain(&format!(
            "Snapshot length: {snap}{}",
            hr_suffix(snap as u64)
        ));
        if let Mode::Live { bufsize, .. } = &self.mode {
            if first {
                log.plain(&format!(
                    "Rx buffer length: {bufsize}{}",
                    hr_suffix(*bufsize as u64)
                ));
            }
        }
        log.flush();
    }

    /// Sum of the sizes of the capture files opened so far ("Number of pcap bytes"); 0 for
    /// stdin and live capture.
    pub fn input_bytes(&self) -> u64 {
        self.bytes
    }

    /// Number of capture files opened so far (T2's percentage counts 24 header bytes per file).
    pub fn files_opened(&self) -> u32 {
        self.nfiles
    }

    /// True if any file read so far is pcapng (T2 then prints [`PCAPNG_WARNING`] at start-up).
    pub fn is_pcapng(&self) -> bool {
        self.pcapng
    }

    /// True for live capture (`-i`).
    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    /// True when reading standard input (`-r -`).
    pub fn is_stdin(&self) -> bool {
        self.stdin
    }

    /// True when the input is a file or a list of files: reading it never waits for data to
    /// arrive (standard input, a series' next file and an interface may), so it can be read
    /// ahead without holding packets back.
    pub fn never_waits(&self) -> bool {
        matches!(self.mode, Mode::File | Mode::List { .. }) && !self.stdin
    }

    /// DLT of the current file / interface.
    pub fn linktype(&self) -> u32 {
        self.cur
            .as_ref()
            .map(FileIn::dlt)
            .or(self.live.as_ref().map(|l| l.dlt))
            .unwrap_or(0)
    }

    /// Snapshot length of the current file / interface (`pcap_snapshot`).
    pub fn snapshot(&self) -> u32 {
        self.cur
            .as_ref()
            .map(FileIn::snapshot)
            .or(self.live.as_ref().map(|l| l.snapshot))
            .unwrap_or(0)
    }

    /// Timestamp of the last packet exactly as libpcap computed it (`tv_sec`, `tv_usec` holding
    /// nanoseconds); for broken files the fraction may be negative or >= 1e9, which
    /// [`RawPacket::ts`] cannot represent.
    pub fn last_raw_ts(&self) -> (i64, i64) {
        (self.meta.sec, self.meta.frac)
    }
}

/// libpcap's `(tv_sec, tv_usec)` as a [`T2Time`] (seconds wrap to u64 as C's `time_t` bits;
/// a fraction outside `0..1e9`, possible only for broken files, is carried into the seconds).
fn to_t2time(sec: i64, frac: i64) -> T2Time {
    if (0..1_000_000_000).contains(&frac) {
        T2Time {
            sec: sec as u64,
            nsec: frac as u32,
            _pad: 0,
        }
    } else {
        let s = sec.wrapping_add(frac.div_euclid(1_000_000_000));
        T2Time {
            sec: s as u64,
            nsec: frac.rem_euclid(1_000_000_000) as u32,
            _pad: 0,
        }
    }
}

fn open_failed(name: &str, msg: &str) -> CaptureError {
    CaptureError::new(format!("pcap_open_offline failed for '{name}': {msg}"))
}

/// Opens standard input: T2's magic check on the first bytes, then libpcap's open.
fn open_stdin(mut r: impl Read + Send + 'static, name: &str) -> Result<FileIn, CaptureError> {
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CaptureError::new(io_msg(&e))),
        }
    }
    if got == 0 {
        return Err(CaptureError::new(format!("PCAP file '{name}' is empty")));
    }
    if got < 4 {
        return Err(CaptureError::new(format!(
            "Failed to read data from file '{name}'"
        )));
    }
    if !classify(&head[..got]).1 {
        return Err(CaptureError::new(format!(
            "File '{name}' is not a valid PCAP/PCAP-NG file"
        )));
    }
    let chained = io::Cursor::new(head[..got].to_vec()).chain(r);
    open_source(Source::stream(Box::new(chained)), name).map_err(|m| open_failed(name, &m))
}

/// `-R` list file: one path per line, `#` comments, blank lines ignored.
fn read_list(list: &Path) -> Result<Vec<String>, CaptureError> {
    let text = std::fs::read(list).map_err(|e| {
        CaptureError::new(format!(
            "Failed to open file '{}': {}",
            list.display(),
            strerror(&e)
        ))
    })?;
    let files: Vec<String> = String::from_utf8_lossy(&text)
        .lines()
        .map(|l| l.trim_end())
        .filter(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect();
    if files.is_empty() {
        return Err(CaptureError::new(format!(
            "No valid files found in {}",
            list.display()
        )));
    }
    Ok(files)
}

/// Calls `probe` until it returns `Some`, every [`POLL_SECS`] seconds; `None` once a stop was
/// requested (checked every 100 ms).
fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    loop {
        if let Some(v) = probe() {
            return Some(v);
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(POLL_SECS) {
            if stop_requested() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[cfg(test)]
mod tests;
