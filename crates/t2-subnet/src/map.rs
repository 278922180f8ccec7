//! A read-only view of a whole file: mapped with `mmap` (shared page cache, nothing copied,
//! O(1) whatever the size), or read into memory where mapping is not possible (empty files,
//! file systems that refuse it).

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::path::Path;

pub(crate) enum Bytes {
    Mapped { ptr: *const u8, len: usize },
    Owned(Vec<u8>),
}

// SAFETY: the mapping is private and read-only and lives until `drop`; nothing writes to it.
unsafe impl Send for Bytes {}
// SAFETY: as above: shared references only read.
unsafe impl Sync for Bytes {}

impl Bytes {
    pub(crate) fn open(path: &Path) -> io::Result<Bytes> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        let len = usize::try_from(len).map_err(|_| io::Error::other("file too large"))?;
        if len > 0 {
            // SAFETY: a fresh private read-only mapping of an open descriptor; the result is
            // checked before use. (Like any mapping, a file truncated underneath us while
            // mapped would fault; the tables are only ever replaced by rename, which keeps
            // the mapped inode intact.)
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                return Ok(Bytes::Mapped { ptr: p as *const u8, len });
            }
        }
        let mut v = Vec::with_capacity(len);
        file.read_to_end(&mut v)?;
        Ok(Bytes::Owned(v))
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            // SAFETY: the mapping covers `len` readable bytes until drop.
            Bytes::Mapped { ptr, len } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
            Bytes::Owned(v) => v,
        }
    }

    pub(crate) fn is_mapped(&self) -> bool {
        matches!(self, Bytes::Mapped { .. })
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        if let Bytes::Mapped { ptr, len } = *self {
            // SAFETY: unmapping the mapping created in `open`, once.
            unsafe {
                libc::munmap(ptr as *mut libc::c_void, len);
            }
        }
    }
}
