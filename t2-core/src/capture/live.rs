//! Live capture (`-i`) through the `pcap` crate: promiscuous, snaplen `-S`, buffer `-B`,
//! 1000 ms timeout, nanosecond time stamps, libpcap's own BPF filter. Each packet is copied into
//! one reused buffer.

use std::time::Duration;

use super::{CaptureError, Meta};
use crate::config::stop_requested;
use crate::log::Logger;

pub(crate) struct Live {
    cap: ::pcap::Capture<::pcap::Active>,
    pub(crate) dlt: u32,
    pub(crate) snapshot: u32,
    buf: Vec<u8>,
}

fn pcap_msg(e: ::pcap::Error) -> String {
    match e {
        ::pcap::Error::PcapError(s) => s,
        other => other.to_string(),
    }
}

impl Live {
    pub(crate) fn open(
        iface: &str,
        snaplen: u32,
        bufsize: u32,
        bpf: Option<&str>,
    ) -> Result<Live, CaptureError> {
        let inactive = ::pcap::Capture::from_device(iface).map_err(|e| {
            CaptureError::new(format!("pcap_create failed for '{iface}': {}", pcap_msg(e)))
        })?;
        let mut cap = inactive
            .promisc(true)
            .snaplen(snaplen.min(i32::MAX as u32) as i32)
            .timeout(1000)
            .precision(::pcap::Precision::Nano)
            .buffer_size(bufsize.min(i32::MAX as u32) as i32)
            .open()
            .map_err(|e| {
                CaptureError::new(format!(
                    "Failed to activate capture interface '{iface}': {}",
                    pcap_msg(e)
                ))
            })?;
        if let Some(expr) = bpf {
            cap.filter(expr, false).map_err(|e| {
                CaptureError::new(format!(
                    "pcap_compile failed: '{expr}' is not a valid BPF: {}",
                    pcap_msg(e)
                ))
            })?;
        }
        let dlt = cap.get_datalink().0 as u32;
        Ok(Live {
            cap,
            dlt,
            snapshot: snaplen,
            buf: Vec::with_capacity(snaplen.min(1 << 18) as usize),
        })
    }

    // `time_t`/`suseconds_t` are i64 here but not on every target.
    #[allow(clippy::useless_conversion)]
    /// The next packet (copied into the buffer); `None` when a stop was requested or the
    /// capture ended.
    pub(crate) fn next(&mut self, log: &mut Logger, last_err: &mut Option<String>) -> Option<Meta> {
        loop {
            if stop_requested() {
                return None;
            }
            match self.cap.next_packet() {
                Ok(p) => {
                    self.buf.clear();
                    self.buf.extend_from_slice(p.data);
                    return Some(Meta {
                        sec: i64::from(p.header.ts.tv_sec),
                        frac: i64::from(p.header.ts.tv_usec),
                        caplen: p.data.len() as u32,
                        wirelen: p.header.len,
                        off: 0,
                    });
                }
                Err(::pcap::Error::TimeoutExpired) => continue,
                Err(::pcap::Error::NoMorePackets) => return None,
                Err(e) => {
                    let msg = pcap_msg(e);
                    if last_err.as_deref() != Some(msg.as_str()) {
                        log.wrn(&format!("pcap_dispatch failed: {msg}"));
                        *last_err = Some(msg);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    pub(crate) fn data(&self) -> &[u8] {
        &self.buf
    }
}
