//! T2's log lines: `[INF]`, `[WRN]`, `[ERR]`, `[OK]` prefixes with the original's ANSI colours,
//! written to the end-report destination (stdout, or `PREFIX_log.txt` with `-l`).
//!
//! Every part of the core that prints to the report goes through one [`Logger`], so the order of
//! lines is the order of events, as in the original.

use std::io::{self, Write};

/// Severity of a log line; selects the prefix and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Err,
    Wrn,
    Inf,
    Ok,
}

impl Level {
    fn prefix(self) -> (&'static str, &'static str) {
        // (bold colour of the tag, plain colour of the text), as the original writes them.
        match self {
            Level::Err => ("\x1b[1;31m[ERR]\x1b[0m", "\x1b[0;31m"),
            Level::Wrn => ("\x1b[1;33m[WRN]\x1b[0m", "\x1b[0;33m"),
            Level::Inf => ("\x1b[1;34m[INF]\x1b[0m", "\x1b[0;34m"),
            Level::Ok => ("\x1b[1;32m[OK]\x1b[0m", "\x1b[0;32m"),
        }
    }
}

/// Formats one prefixed, coloured line (with trailing newline).
pub fn format_line(level: Level, msg: &str, color: bool) -> String {
    let (tag, text) = level.prefix();
    if color {
        format!("{tag} {text}{msg}\x1b[0m\n")
    } else {
        let plain = match level {
            Level::Err => "[ERR]",
            Level::Wrn => "[WRN]",
            Level::Inf => "[INF]",
            Level::Ok => "[OK]",
        };
        format!("{plain} {msg}\n")
    }
}

/// The destination of the start-up log and end report.
pub struct Logger {
    out: Out,
    color: bool,
}

/// Where a [`Logger`]'s lines go.
enum Out {
    Stream(Box<dyn Write + Send>),
    /// Kept for another logger to write later ([`Logger::take_text`]): lines produced ahead of
    /// their place in the report (packets read and dissected by the decoder thread).
    Memory(Vec<u8>),
}

impl Out {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Out::Stream(w) => w.write_all(b),
            Out::Memory(m) => {
                m.extend_from_slice(b);
                Ok(())
            }
        }
    }
}

impl Logger {
    /// A logger writing to `out`; `color` selects ANSI colours (T2_LOG_COLOR=1 by default).
    pub fn new(out: Box<dyn Write + Send>, color: bool) -> Logger {
        Logger { out: Out::Stream(out), color }
    }

    /// A logger that discards everything (tests).
    pub fn sink() -> Logger {
        Logger::new(Box::new(io::sink()), false)
    }

    /// A logger keeping its text in memory, formatted as a logger with `color` would, until
    /// [`Logger::take_text`] moves it out.
    pub fn memory(color: bool) -> Logger {
        Logger { out: Out::Memory(Vec::new()), color }
    }

    /// Appends the text a memory logger holds to `to` and empties it (keeping its buffer);
    /// nothing for a stream logger.
    pub fn take_text(&mut self, to: &mut Vec<u8>) {
        if let Out::Memory(m) = &mut self.out {
            to.extend_from_slice(m);
            m.clear();
        }
    }

    /// One prefixed line.
    pub fn line(&mut self, level: Level, msg: &str) {
        let s = format_line(level, msg, self.color);
        let _ = self.out.write_all(s.as_bytes());
    }

    pub fn inf(&mut self, msg: &str) {
        self.line(Level::Inf, msg)
    }
    pub fn wrn(&mut self, msg: &str) {
        self.line(Level::Wrn, msg)
    }
    pub fn err(&mut self, msg: &str) {
        self.line(Level::Err, msg)
    }
    pub fn ok(&mut self, msg: &str) {
        self.line(Level::Ok, msg)
    }

    /// A plain line without prefix (a newline is appended).
    pub fn plain(&mut self, msg: &str) {
        let _ = self.out.write_all(msg.as_bytes());
        let _ = self.out.write_all(b"\n");
    }

    /// Raw text, written as is.
    pub fn raw(&mut self, text: &str) {
        self.raw_bytes(text.as_bytes());
    }

    /// Raw bytes, written as is (text another logger formatted, see [`Logger::take_text`]).
    pub fn raw_bytes(&mut self, text: &[u8]) {
        let _ = self.out.write_all(text);
    }

    pub fn flush(&mut self) {
        if let Out::Stream(w) = &mut self.out {
            let _ = w.flush();
        }
    }

    pub fn color(&self) -> bool {
        self.color
    }
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger").field("color", &self.color).finish()
    }
}
