//! `-D EXPR[:SCHR][,STOP]`: a numbered file series (`out.pcap`, `out.pcap1`, ... or
//! `dump.pcap00` ... `dump.pcap99`). The index follows the last `SCHR` in EXPR; leading zeros fix
//! its width and make STOP default to `10^width - 1`; without STOP and without leading zeros the
//! series never ends (the reader waits for the next file). `*`/`?` in the file-name part are
//! resolved against the directory (first match in name order).

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub(crate) struct Series {
    prefix: String,
    suffix: String,
    /// `Some(width)` when the index has leading zeros (fixed width).
    width: Option<usize>,
    /// True when EXPR had no digits after SCHR: index 0 is written as nothing.
    implicit_zero: bool,
    pub(crate) num: u64,
    pub(crate) stop: u64,
}

impl Series {
    pub(crate) fn parse(expr: &str, schr: char, stop: Option<u64>) -> Series {
        let cut = expr.rfind(schr).map_or(expr.len(), |i| i + schr.len_utf8());
        let (prefix, rest) = expr.split_at(cut);
        let ndig = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, suffix) = rest.split_at(ndig);
        let width = (digits.len() > 1 && digits.starts_with('0')).then_some(digits.len());
        let num = digits.parse::<u64>().unwrap_or(0);
        let stop = stop.unwrap_or(match width {
            Some(w) if w < 20 => 10u64.pow(w as u32) - 1,
            _ => u64::MAX,
        });
        Series {
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
            width,
            implicit_zero: digits.is_empty(),
            num,
            stop,
        }
    }

    /// The name pattern of file number `num`.
    pub(crate) fn name(&self, num: u64) -> String {
        let idx = match self.width {
            Some(w) => format!("{num:0w$}"),
            None if num == 0 && self.implicit_zero => String::new(),
            None => num.to_string(),
        };
        format!("{}{}{}", self.prefix, idx, self.suffix)
    }

    /// The current file's path (glob resolved), `None` if it does not exist (yet).
    pub(crate) fn current(&self) -> Option<PathBuf> {
        resolve(&self.name(self.num))
    }
}

/// Resolves `*`/`?` in the last path component; plain names are returned if they exist.
pub(crate) fn resolve(pattern: &str) -> Option<PathBuf> {
    let p = Path::new(pattern);
    let file = p.file_name()?.to_str()?;
    if !file.contains(['*', '?']) {
        return p.exists().then(|| p.to_path_buf());
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| glob_match(file.as_bytes(), n.as_bytes()))
        .collect();
    names.sort();
    let first = names.into_iter().next()?;
    Some(match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(first),
        _ => PathBuf::from(first),
    })
}

/// `*` and `?` matching (iterative, no recursion).
fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i, mut star, mut mark) = (0, 0, None, 0);
    while i < s.len() {
        if p < pat.len() && (pat[p] == b'?' || pat[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(sp) = star {
            p = sp + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    while p < pat.len() && pat[p] == b'*' {
        p += 1;
    }
    p == pat.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcpdump_c_series() {
        let s = Series::parse("out.pcap", 'p', None);
        assert_eq!(s.name(0), "out.pcap");
        assert_eq!(s.name(1), "out.pcap1");
        assert_eq!(s.stop, u64::MAX);
        let s = Series::parse("dump.pcap00", 'p', None);
        assert_eq!((s.num, s.stop), (0, 99));
        assert_eq!(s.name(7), "dump.pcap07");
        let s = Series::parse("f_3.pcap", '_', Some(5));
        assert_eq!((s.num, s.stop), (3, 5));
        assert_eq!(s.name(4), "f_4.pcap");
    }

    #[test]
    fn globbing() {
        assert!(glob_match(b"a*c", b"abbbc"));
        assert!(glob_match(b"*.pcap?", b"x.pcap1"));
        assert!(!glob_match(b"a*d", b"abc"));
    }
}
