//! Reading and dissecting packets ahead of the flow engine.
//!
//! Contract: a [`PacketStream`] yields the input's packets in input order, each with
//! - its dissection ([`Dissected`]; `abi.data`/`abi.hdr_desc` not bound: the engine binds
//!   them before the plugin calls), timestamps fixed up as the engine keeps them;
//! - the log text reading it produced (the engine writes it before it counts the packet) and
//!   the log text dissecting it produced (written where the original dissects: after the
//!   timeouts of the packet's time), so the report's lines keep the order of events;
//! - the dissector's counts the monitoring reports need, as they are after this packet;
//! - in packet mode, what the capture buffer holds past the captured bytes (the original
//!   prints it when a payload reaches past them).
//!
//! When the input never waits for data ([`Capture::never_waits`]: a file or a list of files),
//! a thread ("packet decoder") reads and dissects batches of packets ahead of the flow engine;
//! otherwise (standard input, a series of files, live capture) each packet is read and
//! dissected in the caller's thread when asked for, so that none waits in a half-filled batch.
//! [`PacketStream::finish`] stops the thread and returns the capture and the dissector, whose
//! totals the end report prints.
//!
//! Why a thread: reading records and dissecting them takes about a tenth of the packet loop
//! with the default plugins and depends on nothing the flow engine or the plugins do, so on a
//! second core it runs beside them. Nothing is allocated per packet once running: batches
//! travel back to the decoder for reuse.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use t2_abi::T2Time;

use crate::capture::Capture;
use crate::dissect::Dissector;
use crate::log::Logger;
use crate::packet::{Dissected, RawPacket};

/// A batch is handed over when it holds this many packets...
const BATCH_PACKETS: usize = 256;
/// ...or this many bytes of packet data.
const BATCH_BYTES: usize = 256 << 10;
/// Filled batches waiting for the flow engine.
const BATCHES_AHEAD: usize = 4;

/// The dissector's counts a monitoring report prints, after a packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonitorCounts {
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub ipvx_packets: u64,
    pub frag4: u64,
    pub frag6: u64,
}

impl MonitorCounts {
    fn of(d: &Dissector) -> MonitorCounts {
        let c = d.counters();
        MonitorCounts {
            ipv4_packets: c.ipv4_pkts,
            ipv6_packets: c.ipv6_pkts,
            ipvx_packets: c.ipvx_pkts,
            frag4: c.frag4,
            frag6: c.frag6,
        }
    }

    /// How much one packet added to each count (a handful at most: one per header).
    fn step_to(&self, after: &MonitorCounts) -> [u8; 5] {
        let d = |a: u64, b: u64| u8::try_from(b - a).unwrap_or(u8::MAX);
        [
            d(self.ipv4_packets, after.ipv4_packets),
            d(self.ipv6_packets, after.ipv6_packets),
            d(self.ipvx_packets, after.ipvx_packets),
            d(self.frag4, after.frag4),
            d(self.frag6, after.frag6),
        ]
    }

    /// These counts after a packet's [`MonitorCounts::step_to`].
    fn stepped(&self, step: [u8; 5]) -> MonitorCounts {
        MonitorCounts {
            ipv4_packets: self.ipv4_packets + step[0] as u64,
            ipv6_packets: self.ipv6_packets + step[1] as u64,
            ipvx_packets: self.ipvx_packets + step[2] as u64,
            frag4: self.frag4 + step[3] as u64,
            frag6: self.frag6 + step[4] as u64,
        }
    }
}

/// A part of a batch's buffer (offsets fit 32 bits: a batch holds 256 KiB and one record).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            len: (end - start) as u32,
        }
    }

    fn of<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.start as usize..self.start as usize + self.len as usize]
    }
}

/// The packet time the engine keeps from libpcap's (seconds already wrapped to 32 bits; the
/// fraction as is, wrapped to 32 bits).
fn engine_time(raw_ts: (i64, i64)) -> T2Time {
    T2Time {
        sec: raw_ts.0 as u64,
        nsec: raw_ts.1 as u32,
        _pad: 0,
    }
}

/// One packet of a batch: where its parts are in the batch's buffers. (One cache line: the
/// engine's thread reads it from the decoder's.)
#[derive(Clone, Debug)]
#[repr(align(64))]
struct Meta {
    /// The timestamp as libpcap computed it, seconds wrapped to 32 bits (the engine's `ts`
    /// derives from it).
    raw_ts: (i64, i64),
    wirelen: u32,
    linktype: u32,
    data: Span,
    past: Span,
    read_log: Span,
    dissect_log: Span,
    /// What the packet added to the monitoring counts.
    monitor: [u8; 5],
}

const _: () = assert!(std::mem::size_of::<Meta>() == 64);

/// How the input ended.
#[derive(Clone, Debug)]
struct End {
    /// `Err` with the message of a fatal capture error.
    result: Result<(), String>,
    /// Log text written by the read that found the end.
    log: Span,
}

/// Packets decoded together: their bytes and log text back to back, one [`Meta`] and one
/// [`Dissected`] each.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    text: Vec<u8>,
    meta: Vec<Meta>,
    /// At least `meta.len()` entries (kept between uses of the batch).
    dissected: Vec<Dissected>,
    /// Set on the batch that ends the input (after its packets).
    end: Option<End>,
}

// SAFETY: the only pointers in a batch are the `abi.data`/`abi.hdr_desc` fields of its
// `Dissected` entries, which the decoder never binds (they stay null or point at what an
// earlier consumer bound, and are never read before the consumer binds them again). The batch
// is owned by one thread at a time (moved through the channels).
unsafe impl Send for Batch {}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.text.clear();
        self.meta.clear();
        self.end = None;
    }

    fn is_full(&self) -> bool {
        self.meta.len() >= BATCH_PACKETS || self.bytes.len() >= BATCH_BYTES
    }
}

/// Reads and dissects; owns the capture and the dissector while the run goes on.
struct Decoder {
    cap: Capture,
    dissector: Dissector,
    /// A memory logger (the text goes into the batches).
    log: Logger,
    packet_mode: bool,
    /// The monitoring counts after the last packet decoded.
    counts: MonitorCounts,
}

impl Decoder {
    /// Reads and dissects the next packet into `b`; false (with `b.end` set) at the end of
    /// the input.
    fn decode_into(&mut self, b: &mut Batch) -> bool {
        let read_start = b.text.len();
        let next = self.cap.next_packet(&mut self.log);
        self.log.take_text(&mut b.text);
        let read_log = Span::new(read_start, b.text.len());
        let mut raw = match next {
            Ok(Some(raw)) => raw,
            Ok(None) => {
                b.end = Some(End {
                    result: Ok(()),
                    log: read_log,
                });
                return false;
            }
            Err(e) => {
                b.end = Some(End {
                    result: Err(e.to_string()),
                    log: read_log,
                });
                return false;
            }
        };
        // The original keeps libpcap's timestamp as two 32-bit values: seconds past 2106 (or
        // garbage) show their low 32 bits, and a broken fraction (>= 1e9 or negative) is kept
        // as is, wrapped to 32 bits, in flows and reports.
        raw.raw_ts.0 = raw.raw_ts.0 as u32 as i64;
        raw.ts = engine_time(raw.raw_ts);

        let i = b.meta.len();
        if b.dissected.len() == i {
            b.dissected.push(Dissected::default());
        }
        let d = &mut b.dissected[i];
        d.reset();
        if !raw.data.is_empty() {
            self.dissector.dissect(&raw, d, &mut self.log);
        }
        let dissect_start = b.text.len();
        self.log.take_text(&mut b.text);
        let data_start = b.bytes.len();
        b.bytes.extend_from_slice(raw.data);
        let past_start = b.bytes.len();
        if self.packet_mode {
            let shadow = self.dissector.capture_buffer();
            if raw.data.len() < shadow.len() {
                b.bytes.extend_from_slice(&shadow[raw.data.len()..]);
            }
        }
        let counts = MonitorCounts::of(&self.dissector);
        b.meta.push(Meta {
            raw_ts: raw.raw_ts,
            wirelen: raw.wirelen,
            linktype: raw.linktype,
            data: Span::new(data_start, past_start),
            past: Span::new(past_start, b.bytes.len()),
            read_log,
            dissect_log: Span::new(dissect_start, b.text.len()),
            monitor: self.counts.step_to(&counts),
        });
        self.counts = counts;
        true
    }
}

/// One packet handed out by [`PacketStream::next_packet`].
pub struct Decoded<'a> {
    /// The packet as read (timestamps fixed up).
    pub raw: RawPacket<'a>,
    /// Its dissection (pointers not bound).
    pub dissected: &'a mut Dissected,
    /// Log text of reading it.
    pub read_log: &'a [u8],
    /// Log text of dissecting it.
    pub dissect_log: &'a [u8],
    /// Packet mode: the capture buffer past the captured bytes (empty otherwise).
    pub past_capture: &'a [u8],
    /// The dissector's monitoring counts after this packet.
    pub monitor: MonitorCounts,
}

/// What [`PacketStream::next_packet`] found.
pub enum Next<'a> {
    Packet(Decoded<'a>),
    /// The input is exhausted (`Ok`) or broken (`Err` with the message); `log` is the text
    /// the last read wrote. Every later call returns the end again.
    End {
        result: Result<(), String>,
        log: &'a [u8],
    },
}

enum Mode {
    /// Decoded when asked for, in the caller's thread.
    InPlace(Box<Decoder>),
    /// Decoded ahead by a thread.
    Ahead {
        full: Receiver<Box<Batch>>,
        spare: SyncSender<Box<Batch>>,
        thread: JoinHandle<Box<Decoder>>,
    },
}

/// The input's packets, read and dissected (see the module doc).
pub struct PacketStream {
    mode: Mode,
    cur: Box<Batch>,
    pos: usize,
    /// The monitoring counts after the last packet handed out.
    counts: MonitorCounts,
}

impl PacketStream {
    /// Starts decoding `cap` with `dissector`; `color` formats the log text as the report's
    /// logger does; `packet_mode` keeps the capture buffer past each packet's bytes.
    pub fn start(
        cap: Capture,
        dissector: Dissector,
        color: bool,
        packet_mode: bool,
    ) -> std::io::Result<PacketStream> {
        let ahead = cap.never_waits();
        PacketStream::start_with(cap, dissector, color, packet_mode, ahead)
    }

    /// [`PacketStream::start`] with the choice of a decoder thread made by the caller.
    fn start_with(
        cap: Capture,
        dissector: Dissector,
        color: bool,
        packet_mode: bool,
        ahead: bool,
    ) -> std::io::Result<PacketStream> {
        let decoder = Box::new(Decoder {
            cap,
            dissector,
            log: Logger::memory(color),
            packet_mode,
            counts: MonitorCounts::default(),
        });
        let mode = if ahead {
            let (to_engine, full) = sync_channel(BATCHES_AHEAD);
            let (spare, spares) = sync_channel::<Box<Batch>>(BATCHES_AHEAD + 2);
            let thread = std::thread::Builder::new()
                .name("packet decoder".into())
                .spawn(move || decode_ahead(decoder, to_engine, spares))?;
            Mode::Ahead {
                full,
                spare,
                thread,
            }
        } else {
            Mode::InPlace(decoder)
        };
        Ok(PacketStream {
            mode,
            cur: Box::default(),
            pos: 0,
            counts: MonitorCounts::default(),
        })
    }

    /// The next packet, or the end of the input.
    pub fn next_packet(&mut self) -> Next<'_> {
        if self.pos >= self.cur.meta.len() && self.cur.end.is_none() {
            self.pos = 0;
            match &mut self.mode {
                Mode::InPlace(decoder) => {
                    self.cur.clear();
                    decoder.decode_into(&mut self.cur);
                }
                Mode::Ahead { full, spare, .. } => match full.recv() {
                    Ok(b) => {
                        let done = std::mem::replace(&mut self.cur, b);
                        // (When the decoder holds enough spares, this one is dropped.)
                        let _ = spare.try_send(done);
                    }
                    Err(_) => {
                        // The decoder ended without marking the end: it panicked.
                        self.cur.clear();
                        self.cur.end = Some(End {
                            result: Err("the packet decoder thread stopped unexpectedly".into()),
                            log: Span::default(),
                        });
                    }
                },
            }
        }
        let b = &mut *self.cur;
        if self.pos < b.meta.len() {
            let i = self.pos;
            self.pos += 1;
            let m = &b.meta[i];
            self.counts = self.counts.stepped(m.monitor);
            let raw_ts = m.raw_ts;
            return Next::Packet(Decoded {
                raw: RawPacket {
                    ts: engine_time(raw_ts),
                    wirelen: m.wirelen,
                    linktype: m.linktype,
                    data: m.data.of(&b.bytes),
                    raw_ts,
                },
                dissected: &mut b.dissected[i],
                read_log: m.read_log.of(&b.text),
                dissect_log: m.dissect_log.of(&b.text),
                past_capture: m.past.of(&b.bytes),
                monitor: self.counts,
            });
        }
        let end = b
            .end
            .as_ref()
            .expect("a batch without packets ends the input");
        Next::End {
            result: end.result.clone(),
            log: end.log.of(&b.text),
        }
    }

    /// Stops decoding (packets read ahead and not yet handed out are dropped) and returns the
    /// capture and the dissector; `None` if the decoder thread panicked.
    pub fn finish(self) -> Option<(Capture, Dissector)> {
        let decoder = match self.mode {
            Mode::InPlace(d) => d,
            Mode::Ahead {
                full,
                spare,
                thread,
            } => {
                // Closing the channels ends the thread at its next hand-over.
                drop(full);
                drop(spare);
                thread.join().ok()?
            }
        };
        let Decoder { cap, dissector, .. } = *decoder;
        Some((cap, dissector))
    }
}

/// The decoder thread: fills batches until the input ends or the engine stops taking them.
fn decode_ahead(
    mut decoder: Box<Decoder>,
    to_engine: SyncSender<Box<Batch>>,
    spares: Receiver<Box<Batch>>,
) -> Box<Decoder> {
    loop {
        let mut b = spares.try_recv().unwrap_or_default();
        b.clear();
        let mut more = true;
        while more && !b.is_full() {
            more = decoder.decode_into(&mut b);
        }
        if to_engine.send(b).is_err() || !more {
            return decoder;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Input;
    use crate::dissect::DissectConfig;
    use std::path::{Path, PathBuf};

    /// One packet as a stream (or the reference loop) handed it out, owned.
    #[derive(Debug, PartialEq)]
    struct Seen {
        ts: (u64, u32),
        raw_ts: (i64, i64),
        wirelen: u32,
        linktype: u32,
        data: Vec<u8>,
        dissected: String,
        read_log: String,
        dissect_log: String,
        past: Vec<u8>,
        monitor: MonitorCounts,
    }

    /// A raw-IP capture (link type 101) of `n` packets: IPv4/UDP of growing sizes, every 50th
    /// with IP version 5 (the dissector warns), one snapped (caplen below the IP length: a
    /// once-only warning), one with no bytes; `cut` bytes are taken off the end of the file.
    fn capture(dir: &Path, n: u32, cut: usize) -> PathBuf {
        let mut v = Vec::new();
        for x in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 101] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        for i in 0..n {
            let len = 28 + (i as usize * 37) % 1400;
            let mut p = vec![0u8; len];
            p[0] = if i % 50 == 7 { 0x55 } else { 0x45 };
            p[2..4].copy_from_slice(&(len as u16).to_be_bytes());
            p[8] = 64;
            p[9] = 17;
            p[12..16].copy_from_slice(&[10, 0, (i % 7) as u8, 1]);
            p[16..20].copy_from_slice(&[10, 0, 0, 2]);
            p[20..22].copy_from_slice(&(1000 + i as u16 % 5).to_be_bytes());
            p[22..24].copy_from_slice(&53u16.to_be_bytes());
            p[24..26].copy_from_slice(&((len - 20) as u16).to_be_bytes());
            for (k, b) in p[28..].iter_mut().enumerate() {
                *b = (k as u32 * 7 + i) as u8;
            }
            let caplen = match i {
                300 => 40,
                301 => 0,
                _ => len,
            };
            for x in [1_600_000_000 + i, i * 1000, caplen as u32, len as u32] {
                v.extend_from_slice(&x.to_le_bytes());
            }
            v.extend_from_slice(&p[..caplen]);
        }
        v.truncate(v.len() - cut);
        let path = dir.join(format!("decode-{n}-{cut}.pcap"));
        std::fs::write(&path, v).unwrap();
        path
    }

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("t2-decode-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn open(path: &Path) -> (Capture, Dissector) {
        let cap = Capture::open(&Input::File(path.to_path_buf()), None).unwrap();
        (cap, Dissector::new(DissectConfig::default()))
    }

    /// Every field of a dissection (the description buffer up to its length: what is past it
    /// is left over from earlier packets and never read).
    fn described(d: &Dissected) -> String {
        let mut d = d.clone();
        d.hdr_desc[d.hdr_desc_len..].fill(0);
        format!("{d:?}")
    }

    fn text(b: &[u8]) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    /// The packet loop as it was before the decoder: read, fix the time, dissect, in turn.
    fn reference(
        path: &Path,
        packet_mode: bool,
    ) -> (Vec<Seen>, Result<(), String>, String, ProtoTotals) {
        let (mut cap, mut dissector) = open(path);
        let mut log = Logger::memory(false);
        let mut out = Vec::new();
        let mut d = Dissected::default();
        loop {
            let mut read_log = Vec::new();
            let next = cap.next_packet(&mut log);
            log.take_text(&mut read_log);
            let mut raw = match next {
                Ok(Some(raw)) => raw,
                Ok(None) => return (out, Ok(()), text(&read_log), ProtoTotals::of(&dissector)),
                Err(e) => {
                    return (
                        out,
                        Err(e.to_string()),
                        text(&read_log),
                        ProtoTotals::of(&dissector),
                    );
                }
            };
            raw.raw_ts.0 = raw.raw_ts.0 as u32 as i64;
            raw.ts = T2Time {
                sec: raw.raw_ts.0 as u64,
                nsec: raw.raw_ts.1 as u32,
                _pad: 0,
            };
            d.reset();
            if !raw.data.is_empty() {
                dissector.dissect(&raw, &mut d, &mut log);
            }
            let mut dissect_log = Vec::new();
            log.take_text(&mut dissect_log);
            let shadow = dissector.capture_buffer();
            let past = if packet_mode && raw.data.len() < shadow.len() {
                shadow[raw.data.len()..].to_vec()
            } else {
                Vec::new()
            };
            out.push(Seen {
                ts: (raw.ts.sec, raw.ts.nsec),
                raw_ts: raw.raw_ts,
                wirelen: raw.wirelen,
                linktype: raw.linktype,
                data: raw.data.to_vec(),
                dissected: described(&d),
                read_log: text(&read_log),
                dissect_log: text(&dissect_log),
                past,
                monitor: MonitorCounts::of(&dissector),
            });
        }
    }

    /// The dissector's totals the end report prints (a few, as a check that it came back).
    #[derive(Debug, PartialEq)]
    struct ProtoTotals(u64, u64, u64, u64);

    impl ProtoTotals {
        fn of(d: &Dissector) -> ProtoTotals {
            let c = d.counters();
            ProtoTotals(c.packets, c.ipv4_pkts, c.udp, c.udp_bytes)
        }
    }

    fn streamed(
        path: &Path,
        packet_mode: bool,
        ahead: bool,
    ) -> (Vec<Seen>, Result<(), String>, String, ProtoTotals) {
        let (cap, dissector) = open(path);
        let mut s = PacketStream::start_with(cap, dissector, false, packet_mode, ahead).unwrap();
        let mut out = Vec::new();
        let (result, log) = loop {
            match s.next_packet() {
                Next::Packet(p) => out.push(Seen {
                    ts: (p.raw.ts.sec, p.raw.ts.nsec),
                    raw_ts: p.raw.raw_ts,
                    wirelen: p.raw.wirelen,
                    linktype: p.raw.linktype,
                    data: p.raw.data.to_vec(),
                    dissected: described(p.dissected),
                    read_log: text(p.read_log),
                    dissect_log: text(p.dissect_log),
                    past: p.past_capture.to_vec(),
                    monitor: p.monitor,
                }),
                Next::End { result, log } => break (result, text(log)),
            }
        };
        // The end stays the end.
        assert!(matches!(s.next_packet(), Next::End { .. }));
        let (_, dissector) = s.finish().expect("the decoder comes back");
        (out, result, log, ProtoTotals::of(&dissector))
    }

    #[test]
    fn streams_are_the_packet_loop_read_ahead_or_in_place() {
        let dir = temp_dir("same");
        // 700 packets: batches end by count and by bytes; a cut file ends with a broken record.
        for cut in [0, 9] {
            let path = capture(&dir, 700, cut);
            for packet_mode in [false, true] {
                let want = reference(&path, packet_mode);
                // The fixture exercises what the stream must carry over.
                assert_eq!(want.0.len(), 700 - (cut > 0) as usize);
                assert!(
                    want.0[0].read_log.contains("Processing file"),
                    "{:?}",
                    want.0[0].read_log
                );
                assert!(
                    want.0
                        .iter()
                        .filter(|s| s.dissect_log.contains("Unknown IP protocol 5"))
                        .count()
                        >= 10
                );
                assert!(
                    want.0[300].dissect_log.contains("snapL2Length"),
                    "{:?}",
                    want.0[300].dissect_log
                );
                assert!(want.0[301].data.is_empty());
                assert_eq!(want.0.iter().any(|s| !s.past.is_empty()), packet_mode);
                assert_eq!(want.3.0, want.0.len() as u64 - 1, "packets dissected");
                for ahead in [true, false] {
                    let got = streamed(&path, packet_mode, ahead);
                    assert_eq!(
                        got.0.len(),
                        want.0.len(),
                        "cut {cut}, packet mode {packet_mode}, ahead {ahead}"
                    );
                    for (i, (g, w)) in got.0.iter().zip(&want.0).enumerate() {
                        assert_eq!(
                            g, w,
                            "packet {i}, cut {cut}, packet mode {packet_mode}, ahead {ahead}"
                        );
                    }
                    assert_eq!(
                        (&got.1, &got.2, &got.3),
                        (&want.1, &want.2, &want.3),
                        "end, cut {cut}, ahead {ahead}"
                    );
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn finishing_early_stops_the_decoder() {
        let dir = temp_dir("early");
        let path = capture(&dir, 5000, 0);
        let (cap, dissector) = open(&path);
        let mut s = PacketStream::start_with(cap, dissector, false, false, true).unwrap();
        for _ in 0..10 {
            assert!(matches!(s.next_packet(), Next::Packet(_)));
        }
        // The decoder is blocked handing over batches the engine will not take: finishing
        // must end it (checked with a deadline rather than hanging the test run).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(s.finish().map(|(_, d)| d.counters().packets));
        });
        let dissected = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("finish returned")
            .expect("decoder came back");
        assert!((10..5000).contains(&dissected), "{dissected}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
