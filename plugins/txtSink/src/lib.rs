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
//! - Records are formatted straight into one output buffer, written to the file whenever it
//!   holds [`BUF_SIZE`] bytes (and before a split switches files, and at the end): no
//!   per-record line buffer or copy.

#![allow(non_snake_case)]

use std::fs::File;
use std::io::Write;
use t2_plugin::record::TextFormatter;
use t2_plugin::{Host, Init, Plugin, Result, Schema};

t2_plugin::config_module!();
use config::*;

/// The output buffer is written out once it holds this many bytes.
const BUF_SIZE: usize = 1 << 20;
/// Spare capacity past `BUF_SIZE` (a record usually fits without growing the buffer).
const BUF_SLACK: usize = 64 << 10;

struct Split {
    /// Bytes or flows per file.
    limit: u64,
    by_flows: bool,
    /// Index of the current file.
    index: u32,
    /// Base path `PREFIX_flows.txt` (the index is appended).
    base: String,
}

pub struct TxtSink {
    schema: Schema,
    fmt: TextFormatter,
    /// Formatted text not yet written to `out`.
    buf: Vec<u8>,
    /// The flow file (or stdout), unbuffered: `buf` is the buffer.
    out: Option<Box<dyn Write>>,
    split: Option<Split>,
    /// Bytes or flows written to the current file (records only).
    written: u64,
    header_line: Vec<u8>,
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

impl TxtSink {
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
}

impl Drop for TxtSink {
    /// A sink dropped without `finalize` still writes what it buffered.
    fn drop(&mut self) {
        let _ = self.flush_buf();
        if let Some(w) = self.out.as_mut() {
            let _ = w.flush();
        }
    }
}

impl Plugin for TxtSink {
    fn init(_i: &mut Init<'_>) -> Result<Self> {
        Ok(TxtSink {
            schema: Schema::default(),
            fmt: TextFormatter::default(),
            buf: Vec::with_capacity(BUF_SIZE + BUF_SLACK),
            out: None,
            split: None,
            written: 0,
            header_line: Vec::new(),
        })
    }

    fn on_start(&mut self, host: &Host) -> Result<()> {
        self.schema = host.schema()?;
        self.header_line = self.schema.header_line().into_bytes();
        self.header_line.push(b'\n');
        let prefix = host.output_prefix().to_string();
        if prefix == "-" {
            self.out = Some(Box::new(std::io::stdout()));
            if TFS_PRI_HDR != 0 {
                self.buf.extend_from_slice(&self.header_line);
            }
            return Ok(());
        }
        let flows_path = format!("{prefix}{TFS_FLOWS_SUFFIX}");
        match host.split() {
            Some((limit, by_flows, start)) if TFS_SPLIT != 0 => {
                self.split = Some(Split {
                    limit,
                    by_flows,
                    index: start,
                    base: flows_path,
                });
                self.open_split_file()?;
            }
            _ => {
                self.out = Some(Box::new(create(&flows_path)?));
                if TFS_PRI_HDR != 0 {
                    self.buf.extend_from_slice(&self.header_line);
                }
            }
        }
        if TFS_HDR_FILE != 0 {
            let path = format!("{prefix}{TFS_HEADERS_SUFFIX}");
            let mut f = create(&path)?;
            f.write_all(headers_text(host, &self.schema).as_bytes())
                .map_err(|e| format!("cannot write '{path}': {e}"))?;
        }
        Ok(())
    }

    fn buffer_to_sink(&mut self, _host: &Host, record: &[u8]) -> Result<()> {
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

    fn finalize(mut self, _host: &Host) -> Result<()> {
        self.flush_buf()?;
        if let Some(mut w) = self.out.take() {
            w.flush()?;
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(TxtSink, config, [on_start, buffer_to_sink]);
