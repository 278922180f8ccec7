//! Everything the CLI does to its own process: signal handlers, CPU affinity (`-c`), nice value
//! (`-P`), and what it learns from it ([`env`]). All `unsafe` of the crate lives here.

use std::ffi::CStr;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use anyhow::{Result, bail};
use t2_core::config::{SIGINT_COUNT, SIGTERM_COUNT, SIGUSR1_COUNT, SIGUSR2_COUNT};

use crate::options::Env;

/// SIGINT number at which the process exits at once (1st: stop creating flows, 2nd: flush and
/// exit, 3rd: now), as T2.
const SIGINT_HARD_EXIT: u32 = 3;
/// SIGTERM number at which the process exits at once (1st: flush and exit).
const SIGTERM_HARD_EXIT: u32 = 2;

/// The handler: only counts (async-signal-safe: lock-free atomics and `_exit`). The engine polls
/// the counters between packets.
extern "C" fn on_signal(sig: libc::c_int) {
    let (count, limit) = match sig {
        libc::SIGINT => (&SIGINT_COUNT, SIGINT_HARD_EXIT),
        libc::SIGTERM => (&SIGTERM_COUNT, SIGTERM_HARD_EXIT),
        libc::SIGUSR1 => (&SIGUSR1_COUNT, u32::MAX),
        libc::SIGUSR2 => (&SIGUSR2_COUNT, u32::MAX),
        _ => return,
    };
    if count.fetch_add(1, Ordering::SeqCst) + 1 >= limit {
        // SAFETY: _exit is async-signal-safe; nothing is flushed, which is the point.
        unsafe { libc::_exit(1) }
    }
}

/// Installs [`on_signal`] for SIGINT and SIGTERM, without `SA_RESTART`: a read blocked on a
/// pipe or terminal returns `EINTR`, so the capture layer sees the stop request at once instead
/// of waiting for more input (the engine then flushes every open flow).
pub fn install_signal_handlers() -> Result<()> {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGUSR1, libc::SIGUSR2] {
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the handler is an
        // extern "C" fn with the signature sa_handler expects.
        let rc = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            sa.sa_flags = 0;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut())
        };
        if rc != 0 {
            bail!(
                "Failed to install the handler of signal {sig}: {}",
                io::Error::last_os_error()
            );
        }
    }
    Ok(())
}

/// Restores the default SIGPIPE action (terminate quietly), as a C program has.
pub fn default_sigpipe() {
    // SAFETY: setting a standard disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Pins the process to `cpu` (1-based; 0 = the CPU it runs on now). Returns the 1-based CPU.
pub fn pin_to_cpu(cpu: u32) -> Result<u32> {
    let index = if cpu == 0 {
        // SAFETY: no arguments, no memory.
        let c = unsafe { libc::sched_getcpu() };
        if c < 0 {
            bail!(
                "Failed to find the current CPU for option '-c 0': {}",
                io::Error::last_os_error()
            );
        }
        c as usize
    } else {
        cpu as usize - 1
    };
    if index >= libc::CPU_SETSIZE as usize {
        bail!("Invalid value '{cpu}' for option '-c': CPU out of range");
    }
    // SAFETY: cpu_set_t is plain data; index < CPU_SETSIZE was checked; the size passed is the
    // set's own.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(index, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc != 0 {
        bail!(
            "Failed to bind to CPU {} (option '-c'): {}",
            index + 1,
            io::Error::last_os_error()
        );
    }
    Ok(index as u32 + 1)
}

/// Sets the nice value of the process (`-P`).
pub fn set_nice(n: i32) -> Result<()> {
    // SAFETY: plain syscall on this process.
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, n) };
    if rc != 0 {
        bail!(
            "Failed to set the priority to {n} (option '-P'): {}",
            io::Error::last_os_error()
        );
    }
    Ok(())
}

/// The current nice value of the process.
pub fn nice() -> i32 {
    // SAFETY: plain syscall on this process (-1 is also a valid value; nothing to tell apart here).
    unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
}

/// Home folder of a user from the password database.
fn home_of(user: Option<&CStr>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: getpw*_r write into `pwd` and `buf` (its length given) and set `res` to null or to
    // `pwd`; pw_dir then points into `buf`, copied before `buf` is dropped.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut res: *mut libc::passwd = std::ptr::null_mut();
        let rc = match user {
            Some(u) => libc::getpwnam_r(
                u.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut res,
            ),
            None => libc::getpwuid_r(
                libc::getuid(),
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut res,
            ),
        };
        if rc != 0 || res.is_null() || pwd.pw_dir.is_null() {
            return None;
        }
        let dir = CStr::from_ptr(pwd.pw_dir);
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(dir.to_bytes())))
    }
}

/// What option validation needs to know about this process.
pub fn env() -> Env {
    // SAFETY: plain syscalls.
    let (is_root, ncpus) = unsafe {
        (
            libc::geteuid() == 0,
            libc::sysconf(libc::_SC_NPROCESSORS_CONF),
        )
    };
    // With sudo, the plugins are the invoking user's (T2 falls back to SUDO_USER's home).
    let sudo_home = if is_root {
        std::env::var("SUDO_USER")
            .ok()
            .filter(|u| !u.is_empty() && u != "root")
            .and_then(|u| std::ffi::CString::new(u).ok())
            .and_then(|u| home_of(Some(&u)))
    } else {
        None
    };
    let home = sudo_home
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| home_of(None));
    Env {
        home,
        is_root,
        ncpus: ncpus.clamp(1, u32::MAX as libc::c_long) as u32,
        core_vars: crate::core_env::from_process(),
    }
}
