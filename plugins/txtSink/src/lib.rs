//! txtSink (T2 plugin 901): writes every flow record as one line of `PREFIX_flows.txt`
//! (spec §2.4) and the column table to `PREFIX_headers.txt` (spec §2.3).
//!
//! - The schema (every column of the run, core and plugins) is read from the host in
//!   `on_start`, after every plugin's `init`; the run information for the headers file comes
//!   from the init context ([`t2_plugin::Run`]).
//! - `-w -` (output prefix `-`): the flow file goes to stdout and no headers file is written.
//! - `-W PREFIX:SIZE[f][,START]` (`TFS_SPLIT=1`): the flow file is split into
//!   `PREFIX_flows.txtN`, N from START; a new file is started before the record that would
//!   follow SIZE bytes (or SIZE flows) in the current one, so no empty file is left behind.
//!   The column-names line is repeated in each file only with `TFS_PRI_HDR_FW=1`.
//! - `TFS_GZ_COMPRESS` accepts only 0 for now.
//! - Records are formatted into one output buffer, written to the file whenever it holds
//!   [`BUF_SIZE`] bytes (and before a split switches files, and at the end).
//! - When the flow file is a file (not stdout), formatting and writing run on a writer
//!   thread: `buffer_to_sink` only appends the record's bytes to a batch, handed over every
//!   [`BATCH_SIZE`] bytes through a bounded channel (batches are recycled, so no allocation
//!   per record). Text formatting is the costliest step of a flow's end, and the capture
//!   loop need not wait for it. The lines and files are the same as when written directly;
//!   a malformed record or a write error stops the writer, and the error is returned by the
//!   next `buffer_to_sink` that hands over a batch, or by `finalize`.

#![allow(non_snake_case)]

use std::fs::File;
use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use t2_plugin::record::TextFormatter;
use t2_plugin::{Host, Init, Plugin, Result, Schema};

t2_plugin::config_module!();
use config::*;

/// The output buffer is written out once it holds this many bytes.
const BUF_SIZE: usize = 1 << 20;
/// Spare capacity past `BUF_SIZE` (a record usually fits without growing the buffer).
const BUF_SLACK: usize = 64 << 10;
/// Record bytes collected before a batch goes to the writer thread.
const BATCH_SIZE: usize = 256 << 10;
/// Batches in flight (bounds the memory held when the disk is slower than the capture).
const BATCHES: usize = 4;

struct Split {
    /// Bytes or flows per file.
    limit: u64,
    by_flows: bool,
    /// Index of the current file.
    index: u32,
    /// Base path `PREFIX_flows.txt` (the index is appended).
    base: String,
}

/// Formats records and writes the flow file(s): everything but the hand-over.
struct Writer {
    schema: Schema,
    fmt: TextFormatter,
    /// Formatted text not yet written to `out`.
    buf: Vec<u8>,
    /// The flow file (or stdout), unbuffered: `buf` is the buffer.
    out: Option<Box<dyn Write + Send>>,
    split: Option<Split>,
    /// Bytes or flows written to the current file (records only).
    written: u64,
    header_line: Vec<u8>,
}

/// The hand-over to a writer thread.
struct Pipe {
    /// Records not yet handed over, each as its length (u32, native order) and its bytes.
    batch: Vec<u8>,
    to_writer: Option<SyncSender<Vec<u8>>>,
    /// Batches the writer is done with, for reuse.
    spare: Receiver<Vec<u8>>,
    writer: Option<JoinHandle<std::result::Result<(), String>>>,
}

enum Output {
    /// Not started yet.
    None,
    Direct(Box<Writer>),
    Threaded(Pipe),
}

pub struct TxtSink {
    output: Output,
}

fn create(path: &str) -> Result<File> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create directory '{}': {e}", dir.display()))?;
        }
    }
    File::create(path).map_err(|e| format!("cannot open '{path}' for writing: {e}").into())
}

/// The text of `PREFIX_headers.txt` (spec §2.3).
pub fn headers_text(host: &Host, schema: &Schema) -> String {
    use std::fmt::Write as _;
    let run = host.run();
    let r = run.raw();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Date: {}.{:09} sec ({} UTC)",
        r.start.sec,
        r.start.nsec,
        t2_plugin::fmt::utc_date(r.start.sec as i64)
    );
    let _ = writeln!(s, "# {}", run.product());
    let _ = writeln!(s, "# Core configuration: {}", run.core_config_desc());
    let _ = writeln!(s, "# SensorID: {}", r.sensor_id);
    let _ = writeln!(s, "# PID: {}", r.pid);
    let _ = writeln!(s, "# Priority: {}", r.priority);
    let _ = writeln!(s, "# Command line: {}", run.command_line());
    let _ = writeln!(s, "# HW info: {}", run.hw_info());
    let _ = writeln!(s, "# SW info: {}", run.sw_info());
    s.push_str("#\n");
    let ifaces = run.interfaces();
    if !ifaces.is_empty() {
        if ifaces.contains(',') {
            let _ = writeln!(s, "# Interfaces: {ifaces}");
        } else {
            let _ = writeln!(s, "# Live captured from interface: {ifaces}");
        }
    }
    s.push_str("# Plugins loaded:\n");
    for (i, (_num, name, version)) in run.plugins().enumerate() {
        let _ = writeln!(s, "#   {:02}: {name}, version {version}", i + 1);
    }
    s.push_str("#\n");
    s.push_str("# Col No.\tType\tName\tDescription\n");
    for (i, c) in schema.columns.iter().enumerate() {
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}",
            i + 1,
            c.ty.header_string(),
            c.name,
            c.desc
        );
    }
    s
}

impl Writer {
    /// Writes the buffered text to the current output.
    fn flush_buf(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            if let Some(w) = self.out.as_mut() {
                w.write_all(&self.buf)?;
            }
            self.buf.clear();
        }
        Ok(())
    }

    fn open_split_file(&mut self) -> Result<()> {
        let Some(sp) = &self.split else { return Ok(()) };
        let path = format!("{}{}", sp.base, sp.index);
        let f = create(&path)?;
        let first = self.out.is_none();
        // What is buffered belongs to the previous file.
        self.flush_buf()?;
        if let Some(mut old) = self.out.replace(Box::new(f)) {
            old.flush()?;
        }
        if TFS_PRI_HDR != 0 && (first || TFS_PRI_HDR_FW != 0) {
            self.buf.extend_from_slice(&self.header_line);
        }
        self.written = 0;
        Ok(())
    }

    /// Formats one record as a line (a malformed record leaves no partial line).
    fn record(&mut self, record: &[u8]) -> Result<()> {
        if let Some(sp) = &mut self.split {
            if self.written >= sp.limit {
                sp.index += 1;
                self.open_split_file()?;
            }
        }
        let start = self.buf.len();
        if let Err(e) = self.fmt.format_record(&self.schema, record, &mut self.buf) {
            self.buf.truncate(start);
            return Err(e.into());
        }
        if self.out.is_none() {
            self.buf.truncate(start);
            return Err("flow file not open".into());
        }
        self.written += match &self.split {
            Some(sp) if sp.by_flows => 1,
            _ => (self.buf.len() - start) as u64,
        };
        if self.buf.len() >= BUF_SIZE {
            self.flush_buf()?;
        }
        Ok(())
    }

    /// Writes out what is buffered and flushes the file.
    fn finish(&mut self) -> Result<()> {
        self.flush_buf()?;
        if let Some(w) = self.out.as_mut() {
            w.flush()?;
        }
        Ok(())
    }
}

impl Drop for Writer {
    /// A writer dropped without `finish` still writes what it buffered.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

impl Pipe {
    /// Moves `w` to a new writer thread.
    fn start(mut w: Writer) -> Result<Pipe> {
        let (to_writer, batches) = sync_channel::<Vec<u8>>(BATCHES);
        let (give_back, spare) = sync_channel::<Vec<u8>>(BATCHES + 2);
        let writer = std::thread::Builder::new()
            .name("txtSink writer".into())
            .spawn(move || -> std::result::Result<(), String> {
                for batch in batches {
                    let mut rest = &batch[..];
                    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
                        let len = u32::from_ne_bytes(*len) as usize;
                        let (rec, tail) = tail.split_at(len);
                        w.record(rec).map_err(|e| e.to_string())?;
                        rest = tail;
                    }
                    let _ = give_back.try_send(batch);
                }
                w.finish().map_err(|e| e.to_string())
            })
            .map_err(|e| format!("cannot start the writer thread: {e}"))?;
        Ok(Pipe {
            batch: Vec::with_capacity(BATCH_SIZE + BUF_SLACK),
            to_writer: Some(to_writer),
            spare,
            writer: Some(writer),
        })
    }

    fn record(&mut self, record: &[u8]) -> Result<()> {
        let len = u32::try_from(record.len()).map_err(|_| "record longer than 4 GiB")?;
        self.batch.extend_from_slice(&len.to_ne_bytes());
        self.batch.extend_from_slice(record);
        if self.batch.len() >= BATCH_SIZE {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Sends the current batch to the writer (blocks while BATCHES are in flight).
    fn hand_over(&mut self) -> Result<()> {
        let next = match self.spare.try_recv() {
            Ok(mut b) => {
                b.clear();
                b
            }
            Err(_) => Vec::with_capacity(BATCH_SIZE + BUF_SLACK),
        };
        let batch = std::mem::replace(&mut self.batch, next);
        let sent = match &self.to_writer {
            Some(tx) => tx.send(batch).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The writer stopped: its error says why.
            self.join()
        }
    }

    /// Hands over the last batch, lets the writer finish and returns its result.
    fn finish(&mut self) -> Result<()> {
        let last = if self.batch.is_empty() || self.to_writer.is_none() {
            Ok(())
        } else {
            self.hand_over()
        };
        let joined = self.join();
        last.and(joined)
    }

    fn join(&mut self) -> Result<()> {
        self.to_writer = None;
        match self.writer.take().map(|h| h.join()) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e.into()),
            Some(Err(_)) => Err("the writer thread panicked".into()),
        }
    }
}

impl Drop for Pipe {
    /// A sink dropped without `finalize` still writes what it was given.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

impl Plugin for TxtSink {
    fn init(_i: &mut Init<'_>) -> Result<Self> {
        Ok(TxtSink {
            output: Output::None,
        })
    }

    fn on_start(&mut self, host: &Host) -> Result<()> {
        let schema = host.schema()?;
        let mut header_line = schema.header_line().into_bytes();
        header_line.push(b'\n');
        let mut w = Writer {
            schema,
            fmt: TextFormatter::default(),
            buf: Vec::with_capacity(BUF_SIZE + BUF_SLACK),
            out: None,
            split: None,
            written: 0,
            header_line,
        };
        let prefix = host.output_prefix().to_string();
        if prefix == "-" {
            // Stdout stays in this thread: the core prints there too.
            w.out = Some(Box::new(std::io::stdout()));
            if TFS_PRI_HDR != 0 {
                w.buf.extend_from_slice(&w.header_line);
            }
            self.output = Output::Direct(Box::new(w));
            return Ok(());
        }
        let flows_path = format!("{prefix}{TFS_FLOWS_SUFFIX}");
        match host.split() {
            Some((limit, by_flows, start)) if TFS_SPLIT != 0 => {
                w.split = Some(Split {
                    limit,
                    by_flows,
                    index: start,
                    base: flows_path,
                });
                w.open_split_file()?;
            }
            _ => {
                w.out = Some(Box::new(create(&flows_path)?));
                if TFS_PRI_HDR != 0 {
                    w.buf.extend_from_slice(&w.header_line);
                }
            }
        }
        if TFS_HDR_FILE != 0 {
            let path = format!("{prefix}{TFS_HEADERS_SUFFIX}");
            let mut f = create(&path)?;
            f.write_all(headers_text(host, &w.schema).as_bytes())
                .map_err(|e| format!("cannot write '{path}': {e}"))?;
        }
        self.output = Output::Threaded(Pipe::start(w)?);
        Ok(())
    }

    fn buffer_to_sink(&mut self, _host: &Host, record: &[u8]) -> Result<()> {
        match &mut self.output {
            Output::None => Err("flow file not open".into()),
            Output::Direct(w) => w.record(record),
            Output::Threaded(p) => p.record(record),
        }
    }

    fn finalize(mut self, _host: &Host) -> Result<()> {
        match &mut self.output {
            Output::None => Ok(()),
            Output::Direct(w) => w.finish(),
            Output::Threaded(p) => p.finish(),
        }
    }
}

t2_plugin::export_plugin!(TxtSink, config, [on_start, buffer_to_sink]);
