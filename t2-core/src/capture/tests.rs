//! Reader tests on small byte fixtures built here.

use super::*;

fn pcap_hdr(magic: u32, be: bool, snaplen: u32, linktype: u32) -> Vec<u8> {
    let mut v = Vec::new();
    let w32 = |v: &mut Vec<u8>, x: u32| {
        v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
    };
    let w16 = |v: &mut Vec<u8>, x: u16| {
        v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
    };
    w32(&mut v, magic);
    w16(&mut v, 2);
    w16(&mut v, 4);
    w32(&mut v, 0);
    w32(&mut v, 0);
    w32(&mut v, snaplen);
    w32(&mut v, linktype);
    v
}

fn pcap_rec(v: &mut Vec<u8>, be: bool, sec: u32, frac: u32, caplen: u32, len: u32, data: &[u8]) {
    for x in [sec, frac, caplen, len] {
        v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() });
    }
    v.extend_from_slice(data);
}

type Records = Vec<Result<(i64, i64, u32, u32, Vec<u8>), String>>;

/// All records of a byte image: packets as (sec, frac, caplen, wirelen, bytes), errors as text.
fn read_all(bytes: Vec<u8>) -> Result<(u32, u32, Records), String> {
    let mut f = open_source(Source::stream(Box::new(io::Cursor::new(bytes))), "t")?;
    let mut out = Vec::new();
    for _ in 0..1000 {
        match f.next() {
            Next::Packet(m) => {
                let d = f.src.data()[m.off..m.off + m.caplen as usize].to_vec();
                out.push(Ok((m.sec, m.frac, m.caplen, m.wirelen, d)));
            }
            Next::Eof => return Ok((f.dlt(), f.snapshot(), out)),
            Next::Err(e) => out.push(Err(e)),
        }
    }
    panic!("no end");
}

#[test]
fn pcap_all_magics() {
    for (magic, be, nsec) in [
        (0xa1b2c3d4u32, false, false),
        (0xa1b2c3d4, true, false),
        (0xa1b23c4d, false, true),
        (0xa1b23c4d, true, true),
    ] {
        let mut v = pcap_hdr(magic, be, 65535, 1);
        pcap_rec(&mut v, be, 100, 123, 4, 60, &[1, 2, 3, 4]);
        let (dlt, snap, pk) = read_all(v).unwrap();
        assert_eq!((dlt, snap), (1, 65535));
        let frac = if nsec { 123 } else { 123_000 };
        assert_eq!(pk, vec![Ok((100, frac, 4, 60, vec![1, 2, 3, 4]))]);
    }
}

#[test]
fn pcap_linktype_mapping_and_snaplen_adjust() {
    let (dlt, snap, _) = read_all(pcap_hdr(0xa1b2c3d4, false, 0, 101)).unwrap();
    assert_eq!((dlt, snap), (12, 262_144));
    let (_, snap, _) = read_all(pcap_hdr(0xa1b2c3d4, false, 1_745_420_288, 1)).unwrap();
    assert_eq!(snap, 1_745_420_288);
    let (_, snap, _) = read_all(pcap_hdr(0xa1b2c3d4, false, 0x8000_0000, 1)).unwrap();
    assert_eq!(snap, 262_144);
}

#[test]
fn pcap_truncations_and_big_caplen() {
    let mut v = pcap_hdr(0xa1b2c3d4, false, 96, 1);
    pcap_rec(&mut v, false, 1, 0, 100, 100, &[7; 100]); // > snaplen: cut to 96
    pcap_rec(&mut v, false, 1, 0, 300_000, 300_000, &[]); // > max
    pcap_rec(&mut v, false, 1, 0, 10, 10, &[1; 3]); // truncated data
    let (_, _, pk) = read_all(v).unwrap();
    assert_eq!(pk[0].as_ref().unwrap().2, 96);
    assert_eq!(pk[0].as_ref().unwrap().3, 100);
    assert_eq!(
        pk[1],
        Err("invalid packet capture length 300000, bigger than snaplen of 96".into())
    );
    assert_eq!(
        pk[2],
        Err("truncated dump file; tried to read 10 captured bytes, only got 3".into())
    );
    assert_eq!(pk.len(), 3);

    let mut v = pcap_hdr(0xa1b2c3d4, false, 96, 1);
    v.push(0);
    let (_, _, pk) = read_all(v).unwrap();
    assert_eq!(
        pk,
        vec![Err(
            "truncated dump file; tried to read 16 header bytes, only got 1".into()
        )]
    );
}

#[test]
fn pcap_bad_headers() {
    assert_eq!(
        read_all(vec![1, 2, 3, 4, 5]).unwrap_err(),
        "unknown file format"
    );
    assert_eq!(
        read_all(vec![0xd4, 0xc3]).unwrap_err(),
        "truncated dump file; tried to read 4 file header bytes, only got 2"
    );
    let mut v = pcap_hdr(0xa1b2c3d4, false, 96, 1);
    v.truncate(10);
    assert_eq!(
        read_all(v).unwrap_err(),
        "truncated dump file; tried to read 20 file header bytes, only got 6"
    );
    let mut v = pcap_hdr(0xa1b2c3d4, false, 96, 1);
    v[4] = 1;
    assert_eq!(read_all(v).unwrap_err(), "archaic pcap savefile format");
    let mut v = pcap_hdr(0xa1b2c3d4, false, 96, 1);
    v[6] = 9;
    assert_eq!(
        read_all(v).unwrap_err(),
        "unsupported pcap savefile version 2.9"
    );
    assert_eq!(classify(&[0xd4, 0xc3, 0xb2, 0xa1]), (false, true));
    assert_eq!(classify(&[0x4d, 0x3c, 0xb2, 0xa1]), (false, true));
    assert_eq!(classify(&[0x1f, 0x8b, 0x08, 0x08]), (false, false));
    assert_eq!(
        classify(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]),
        (true, true)
    );
    assert_eq!(classify(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0]), (true, false));
}

struct Ng {
    be: bool,
    v: Vec<u8>,
}

impl Ng {
    fn new(be: bool) -> Ng {
        let mut n = Ng { be, v: Vec::new() };
        n.shb();
        n
    }
    fn w32(&self, x: u32) -> [u8; 4] {
        if self.be {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    }
    fn w16(&self, x: u16) -> [u8; 2] {
        if self.be {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    }
    fn block(&mut self, btype: u32, body: &[u8]) {
        let mut b = body.to_vec();
        while b.len() % 4 != 0 {
            b.push(0);
        }
        let total = 12 + b.len() as u32;
        let (t, l) = (self.w32(btype), self.w32(total));
        self.v.extend_from_slice(&t);
        self.v.extend_from_slice(&l);
        self.v.extend_from_slice(&b);
        self.v.extend_from_slice(&l);
    }
    fn shb(&mut self) {
        let mut b = self.w32(0x1A2B3C4D).to_vec();
        b.extend_from_slice(&self.w16(1));
        b.extend_from_slice(&self.w16(0));
        b.extend_from_slice(&[0xff; 8]);
        self.block(0x0A0D0D0A, &b);
    }
    fn idb(&mut self, linktype: u16, snaplen: u32, opts: &[(u16, &[u8])]) {
        let mut b = self.w16(linktype).to_vec();
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&self.w32(snaplen));
        for (code, val) in opts {
            b.extend_from_slice(&self.w16(*code));
            b.extend_from_slice(&self.w16(val.len() as u16));
            b.extend_from_slice(val);
            while b.len() % 4 != 0 {
                b.push(0);
            }
        }
        if !opts.is_empty() {
            b.extend_from_slice(&[0; 4]);
        }
        self.block(1, &b);
    }
    fn epb(&mut self, iface: u32, ts: u64, caplen: u32, len: u32, data: &[u8]) {
        let mut b = Vec::new();
        for x in [iface, (ts >> 32) as u32, ts as u32, caplen, len] {
            b.extend_from_slice(&self.w32(x));
        }
        b.extend_from_slice(data);
        self.block(6, &b);
    }
}

#[test]
fn pcapng_basic_both_orders() {
    for be in [false, true] {
        let mut n = Ng::new(be);
        n.block(4, &[1, 2, 3, 4]); // NRB: skipped
        n.idb(1, 0, &[]);
        n.epb(0, 1_000_001, 3, 70, &[9, 8, 7]);
        n.block(5, &[0; 8]); // ISB: skipped
        n.block(0x0BAD, &[0; 4]); // custom: skipped
        let spb_len = n.w32(5);
        n.block(3, &[&spb_len[..], &[1, 2, 3, 4, 5]].concat());
        let (dlt, snap, pk) = read_all(n.v).unwrap();
        assert_eq!((dlt, snap), (1, 262_144));
        assert_eq!(pk[0], Ok((1, 1_000, 3, 70, vec![9, 8, 7])));
        assert_eq!(pk[1], Ok((0, 0, 5, 5, vec![1, 2, 3, 4, 5])));
        assert_eq!(pk.len(), 2);
    }
}

#[test]
fn pcapng_tsresol_tsoffset() {
    let mut n = Ng::new(false);
    n.idb(1, 0, &[(9, &[9]), (14, &100i64.to_le_bytes())]);
    n.epb(0, 5_123_456_789, 0, 0, &[]);
    let (_, _, pk) = read_all(n.v).unwrap();
    assert_eq!(pk[0], Ok((105, 123_456_789, 0, 0, vec![])));

    let mut n = Ng::new(false);
    n.idb(1, 0, &[(9, &[0x80 | 10])]); // 2^-10 s
    n.epb(0, (3 << 10) | 512, 0, 0, &[]);
    let (_, _, pk) = read_all(n.v).unwrap();
    assert_eq!(pk[0], Ok((3, 500_000_000, 0, 0, vec![])));
}

#[test]
fn pcapng_libpcap_refusals() {
    let mut n = Ng::new(false);
    n.idb(1, 96, &[]);
    n.epb(0, 0, 1, 1, &[1]);
    n.idb(0, 96, &[]);
    n.idb(1, 128, &[]);
    n.epb(1, 0, 1, 1, &[2]);
    n.epb(0, 0, 100, 100, &[0; 100]);
    n.v.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0]);
    let (_, _, pk) = read_all(n.v).unwrap();
    assert!(pk[0].is_ok());
    assert_eq!(
        pk[1],
        Err("an interface has a type 0 different from the type of the first interface".into())
    );
    assert_eq!(
        pk[2],
        Err("an interface has a snapshot length 128 different from the snapshot length of the first interface".into())
    );
    assert_eq!(
        pk[3],
        Err("a packet arrived on interface 1, but there's no Interface Description Block for that interface".into())
    );
    assert_eq!(
        pk[4],
        Err("invalid packet capture length 100, bigger than snaplen of 96".into())
    );
    assert_eq!(
        pk[5],
        Err("block in pcapng dump file has a length of 0 < 12".into())
    );

    let mut n = Ng::new(false);
    n.block(4, &[0; 4]);
    assert_eq!(
        read_all(n.v).unwrap_err(),
        "the capture file has no Interface Description Blocks"
    );
    let mut n = Ng::new(false);
    n.epb(0, 0, 0, 0, &[]);
    assert_eq!(
        read_all(n.v).unwrap_err(),
        "the capture file has a packet block before any Interface Description Blocks"
    );

    let mut n = Ng::new(true);
    n.idb(1, 0, &[]);
    n.v.extend_from_slice(&[0, 0, 0, 6, 0x7c, 0, 0, 0]);
    let (_, _, pk) = read_all(n.v).unwrap();
    assert_eq!(
        pk,
        vec![Err("pcapng block size 2080374784 > maximum 16777216".into())]
    );
}

#[test]
fn pcapng_multiple_sections() {
    let mut n = Ng::new(false);
    n.idb(1, 0, &[]);
    n.epb(0, 0, 1, 1, &[1]);
    n.shb();
    n.epb(0, 0, 1, 1, &[2]); // no IDB in this section yet
    n.idb(1, 0, &[]);
    n.epb(0, 0, 1, 1, &[3]);
    let (_, _, pk) = read_all(n.v).unwrap();
    assert_eq!(pk.len(), 3);
    assert!(pk[1].as_ref().unwrap_err().contains("interface 0"));
    assert_eq!(pk[2].as_ref().unwrap().4, vec![3]);
}

#[test]
fn never_panics_on_garbage() {
    // Deterministic pseudo-random mutations of valid images.
    let mut n = Ng::new(false);
    n.idb(1, 0, &[(9, &[6])]);
    n.epb(0, 1, 4, 4, &[1, 2, 3, 4]);
    let mut p = pcap_hdr(0xa1b2c3d4, false, 65535, 1);
    pcap_rec(&mut p, false, 1, 2, 4, 4, &[1, 2, 3, 4]);
    let mut seed = 0x1234_5678u32;
    for base in [n.v, p] {
        for _ in 0..3000 {
            let mut v = base.clone();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let i = seed as usize % v.len();
                v[i] = (seed >> 24) as u8;
            }
            seed ^= seed << 13;
            v.truncate(seed as usize % (v.len() + 1));
            let _ = read_all(v);
        }
    }
}

#[test]
fn timestamps_out_of_range_are_normalised() {
    assert_eq!(
        to_t2time(5, 1_500_000_000),
        T2Time {
            sec: 6,
            nsec: 500_000_000,
            _pad: 0
        }
    );
    assert_eq!(
        to_t2time(5, -1),
        T2Time {
            sec: 4,
            nsec: 999_999_999,
            _pad: 0
        }
    );
}

#[test]
fn open_file_and_log_lines() {
    let dir = std::env::temp_dir().join(format!("t2cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut v = pcap_hdr(0xa1b2c3d4, false, 262_144, 1);
    pcap_rec(&mut v, false, 1, 0, 14, 14, &[0; 14]);
    let a = dir.join("a.pcap");
    std::fs::write(&a, &v).unwrap();
    let slip = dir.join("s.pcap");
    std::fs::write(&slip, pcap_hdr(0xa1b2c3d4, false, 100, 8)).unwrap();
    let empty = dir.join("e.pcap");
    std::fs::write(&empty, b"").unwrap();
    let gz = dir.join("g.pcap");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 8, 0, 0, 0, 0]).unwrap();

    let e = Capture::open(&Input::File(slip.clone()), None).unwrap_err();
    assert_eq!(e.to_string(), "Unsupported link-layer type: SLIP [SLIP/8]");
    let e = Capture::open(&Input::File(empty.clone()), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("PCAP file '{}' is empty", empty.display())
    );
    let e = Capture::open(&Input::File(gz.clone()), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("File '{}' is not a valid PCAP/PCAP-NG file", gz.display())
    );
    let e = Capture::open(&Input::File(a.clone()), Some("tcp port")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("pcap_compile failed: 'tcp port' is not a valid BPF: "),
        "{e}"
    );

    // A list of the same file twice, one packet filtered out.
    let list = dir.join("list.txt");
    std::fs::write(
        &list,
        format!("# comment\n{}\n\n{}\n", a.display(), a.display()),
    )
    .unwrap();
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    struct W(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl io::Write for W {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut log = Logger::new(Box::new(W(out.clone())), false);
    let mut cap = Capture::open(&Input::List(list.clone()), None).unwrap();
    let mut n = 0;
    while let Some(p) = cap.next_packet(&mut log).unwrap() {
        assert_eq!((p.linktype, p.data.len(), p.ts.sec), (1, 14, 1));
        n += 1;
    }
    assert_eq!(n, 2);
    assert_eq!(cap.input_bytes(), 2 * v.len() as u64);
    let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
    let expect = format!(
        "Processing list file: {l}\nProcessing file no. 1 of 2: {a}\nLink layer type: Ethernet [EN10MB/1]\n\
         Snapshot length: 262144 (262.14 K)\nProcessing file no. 2 of 2: {a}\n\
         Link layer type: Ethernet [EN10MB/1]\nSnapshot length: 262144 (262.14 K)\n",
        l = list.display(),
        a = a.display()
    );
    assert_eq!(text, expect);

    let mut cap = Capture::open(&Input::File(a.clone()), Some("tcp")).unwrap();
    let mut log = Logger::sink();
    assert!(cap.next_packet(&mut log).unwrap().is_none());
    let mut cap = Capture::open(&Input::File(a.clone()), Some("not tcp")).unwrap();
    assert!(cap.next_packet(&mut log).unwrap().is_some());

    let _ = std::fs::remove_dir_all(&dir);
}

/// Reads every capture of `../shared/pcaps` (or `$T2_PCAPS`) with libpcap (the `pcap` crate,
/// nanosecond precision, reading on after errors as T2 does) and with our readers, and compares
/// open errors, link type, snapshot length, and per record the error text or ts/caplen/wirelen/
/// bytes. Run: `cargo test -p t2-core --lib capture::tests::libpcap_equivalence -- --ignored --nocapture`.
#[test]
#[ignore]
fn libpcap_equivalence() {
    unsafe extern "C" {
        fn pcap_snapshot(p: *mut libc::c_void) -> libc::c_int;
    }
    let root = std::env::var("T2_PCAPS").unwrap_or_else(|_| "/work/shared/pcaps".to_string());
    let manifest = std::fs::read_to_string(format!("{root}/MANIFEST.tsv")).unwrap();
    let (mut same, mut total, mut errs_seen) = (0, 0, 0);
    let mut diffs = Vec::new();
    for line in manifest.lines().skip(1) {
        let rel = line.split('\t').next().unwrap();
        let path = format!("{root}/{rel}");
        total += 1;
        let diff = compare_one(&path, &mut errs_seen, pcap_snapshot);
        match diff {
            None => same += 1,
            Some(d) => diffs.push(format!("{rel}: {d}")),
        }
    }
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!("identical: {same} of {total} (read errors seen: {errs_seen})");
    assert!(diffs.is_empty());
}

#[allow(clippy::useless_conversion)]
fn compare_one(
    path: &str,
    errs_seen: &mut u32,
    snapshot: unsafe extern "C" fn(*mut libc::c_void) -> libc::c_int,
) -> Option<String> {
    let lib = ::pcap::Capture::from_file_with_precision(path, ::pcap::Precision::Nano);
    let mine = open_path(Path::new(path));
    let (mut lib, (mut mine, _)) = match (lib, mine) {
        (Err(::pcap::Error::PcapError(a)), Err(b)) => {
            return (a != b).then(|| format!("open error libpcap {a:?} ours {b:?}"));
        }
        (Err(a), Err(b)) => return Some(format!("open error libpcap {a:?} ours {b:?}")),
        (Err(a), Ok(_)) => return Some(format!("libpcap refused ({a:?}), we opened")),
        (Ok(_), Err(b)) => return Some(format!("we refused ({b}), libpcap opened")),
        (Ok(l), Ok(m)) => (l, m),
    };
    let ldlt = lib.get_datalink().0 as u32;
    // SAFETY: a valid pcap_t.
    let lsnap = unsafe { snapshot(lib.as_ptr() as *mut libc::c_void) } as u32;
    if (ldlt, lsnap) != (mine.dlt(), mine.snapshot()) {
        return Some(format!(
            "dlt/snap libpcap {ldlt}/{lsnap} ours {}/{}",
            mine.dlt(),
            mine.snapshot()
        ));
    }
    for i in 0..5_000_000u64 {
        let l = lib.next_packet();
        let m = mine.next();
        match (l, m) {
            (Err(::pcap::Error::NoMorePackets), Next::Eof) => return None,
            (Err(::pcap::Error::PcapError(a)), Next::Err(b)) => {
                *errs_seen += 1;
                if a != b {
                    return Some(format!("record {i}: error libpcap {a:?} ours {b:?}"));
                }
            }
            (Ok(p), Next::Packet(mm)) => {
                let d = &mine.src.data()[mm.off..mm.off + mm.caplen as usize];
                let lh = (
                    i64::from(p.header.ts.tv_sec),
                    i64::from(p.header.ts.tv_usec),
                    p.header.caplen,
                    p.header.len,
                );
                let mh = (mm.sec, mm.frac, mm.caplen, mm.wirelen);
                if lh != mh {
                    return Some(format!("record {i}: header libpcap {lh:?} ours {mh:?}"));
                }
                if p.data != d {
                    return Some(format!("record {i}: bytes differ"));
                }
            }
            (l, m) => {
                let ls = match l {
                    Ok(_) => "packet".to_string(),
                    Err(e) => format!("{e:?}"),
                };
                let ms = match m {
                    Next::Packet(_) => "packet".to_string(),
                    Next::Eof => "eof".to_string(),
                    Next::Err(e) => format!("err {e:?}"),
                };
                return Some(format!("record {i}: libpcap {ls} ours {ms}"));
            }
        }
    }
    Some("too many records".to_string())
}

/// Runs every capture of the conformance set through [`Capture`] as T2 was run (`-r <relative
/// path>` from the capture root) and compares with the original's output: the error message of
/// rejected captures (`*.error.txt`), and for the others the capture lines of the log
/// (`Processing file`, `Link layer type`, `Snapshot length`, `[WRN] pcap_dispatch failed`) and the
/// number of packets (`INDEX.tsv`). Run with `-- --ignored --nocapture` (changes the cwd).
#[test]
#[ignore]
fn conformance_capture_lines() {
    let root = std::env::var("T2_PCAPS").unwrap_or_else(|_| "/work/shared/pcaps".to_string());
    let refdir = std::env::var("T2_REF")
        .unwrap_or_else(|_| "/work/shared/conformance-basicflow".to_string());
    let index = std::fs::read_to_string(format!("{refdir}/INDEX.tsv")).unwrap();
    std::env::set_current_dir(&root).unwrap();
    let strip = |s: &str| {
        let mut out = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let (mut same, mut total) = (0, 0);
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let rel = cols[0];
        total += 1;
        let res = Capture::open(&Input::File(rel.into()), None);
        let diff = if cols[1] == "error" {
            let want =
                strip(&std::fs::read_to_string(format!("{refdir}/{rel}.error.txt")).unwrap());
            let want = want.trim_end().trim_start_matches("[ERR] ").to_string();
            match res {
                Err(e) if e.to_string() == want => None,
                Err(e) => Some(format!("error {e:?} want {want:?}")),
                Ok(_) => Some(format!("opened, want error {want:?}")),
            }
        } else {
            match res {
                Err(e) => Some(format!("refused: {e}")),
                Ok(mut cap) => {
                    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
                    struct W(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
                    impl io::Write for W {
                        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                            self.0.lock().unwrap().extend_from_slice(b);
                            Ok(b.len())
                        }
                        fn flush(&mut self) -> io::Result<()> {
                            Ok(())
                        }
                    }
                    let mut log = Logger::new(Box::new(W(out.clone())), true);
                    let mut n = 0u64;
                    while cap.next_packet(&mut log).unwrap().is_some() {
                        n += 1;
                    }
                    let mine = strip(&String::from_utf8(out.lock().unwrap().clone()).unwrap());
                    let reflog =
                        strip(&std::fs::read_to_string(format!("{refdir}/{rel}.log.txt")).unwrap());
                    let keep = |l: &&str| {
                        l.starts_with("Processing file")
                            || l.starts_with("Link layer type")
                            || l.starts_with("Snapshot length")
                            || l.contains("pcap_dispatch failed")
                    };
                    let a: Vec<&str> = reflog.lines().filter(keep).collect();
                    let b: Vec<&str> = mine.lines().filter(keep).collect();
                    let want_n: u64 = cols[3].parse().unwrap_or(0);
                    if a != b {
                        Some(format!("log lines {b:?} want {a:?}"))
                    } else if n != want_n {
                        Some(format!("{n} packets, want {want_n}"))
                    } else if cap.is_pcapng() != reflog.contains("PCAP-NG, so") {
                        Some("pcapng warning".to_string())
                    } else {
                        None
                    }
                }
            }
        };
        match diff {
            None => same += 1,
            Some(d) => println!("DIFF {rel}: {d}"),
        }
    }
    println!("conformance: {same} of {total} captures match");
    assert_eq!(same, total);
}

#[test]
fn stdin_stream_and_series() {
    let mut v = pcap_hdr(0xa1b2c3d4, true, 1000, 1);
    pcap_rec(&mut v, true, 7, 8, 2, 2, &[5, 6]);
    let mut f = open_stdin(io::Cursor::new(v.clone()), "-").unwrap();
    assert!(matches!(f.next(), Next::Packet(m) if m.sec == 7 && m.frac == 8000));
    assert!(matches!(f.next(), Next::Eof));
    assert_eq!(
        open_stdin(io::Cursor::new(vec![]), "-")
            .err()
            .unwrap()
            .to_string(),
        "PCAP file '-' is empty"
    );
    assert_eq!(
        open_stdin(io::Cursor::new(vec![1, 2, 3, 4, 5]), "-")
            .err()
            .unwrap()
            .to_string(),
        "File '-' is not a valid PCAP/PCAP-NG file"
    );

    let dir = std::env::temp_dir().join(format!("t2ser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..3 {
        std::fs::write(dir.join(format!("d.pcap0{i}")), &v).unwrap();
    }
    let expr = dir.join("d.pcap00").display().to_string();
    let mut cap = Capture::open(
        &Input::Series {
            expr,
            schr: 'p',
            stop: Some(2),
        },
        None,
    )
    .unwrap();
    let mut log = Logger::sink();
    let mut n = 0;
    while cap.next_packet(&mut log).unwrap().is_some() {
        n += 1;
    }
    assert_eq!((n, cap.files_opened()), (3, 3));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn live_open_error_is_one_line() {
    let input = Input::Live {
        iface: "t2-no-such-if0".into(),
        snaplen: 65535,
        bufsize: 1 << 20,
    };
    let e = Capture::open(&input, None).unwrap_err().to_string();
    assert!(!e.contains('\n'));
    assert!(e.contains("t2-no-such-if0"), "{e}");
}

/// A reader handing out a few bytes per `read` call (as a pipe may).
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl io::Read for Chunky {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 13 + 1;
        let k = self.step.min(out.len()).min(self.data.len() - self.pos);
        out[..k].copy_from_slice(&self.data[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

/// Records cross the read buffer's refills (MBs of records of varying size, some cut
/// to the snapshot length): the per-packet path over a file and the general path over a
/// stream returning a few bytes per read both yield every record exactly.
#[test]
fn buffered_reads_keep_every_record() {
    let snap = 1500u32;
    let mut v = pcap_hdr(0xa1b2c3d4, false, snap, 1);
    let mut want = Vec::new();
    let mut x: u32 = 12345;
    for i in 0..4000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let len = (x >> 8) % 1700 + 1;
        let data: Vec<u8> = (0..len).map(|j| (j ^ i.wrapping_mul(31)) as u8).collect();
        let frac = i * 7 % 1_000_000;
        pcap_rec(&mut v, false, i, frac, len, len + 4, &data);
        let cap = len.min(snap);
        want.push((
            i as i64,
            frac as i64 * 1000,
            cap,
            len + 4,
            data[..cap as usize].to_vec(),
        ));
    }
    assert!(v.len() > 2 << 20);

    let mut f = open_source(
        Source::stream(Box::new(Chunky {
            data: v.clone(),
            pos: 0,
            step: 0,
        })),
        "t",
    )
    .unwrap();
    let mut got = Vec::new();
    loop {
        match f.next() {
            Next::Packet(m) => {
                let d = f.src.data()[m.off..m.off + m.caplen as usize].to_vec();
                got.push((m.sec, m.frac, m.caplen, m.wirelen, d));
            }
            Next::Eof => break,
            Next::Err(e) => panic!("{e}"),
        }
    }
    assert!(got == want, "stream records differ");

    let dir = std::env::temp_dir().join(format!("t2cap-buf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.pcap");
    std::fs::write(&path, &v).unwrap();
    let mut log = Logger::new(Box::new(io::sink()), false);
    let mut cap = Capture::open(&Input::File(path), None).unwrap();
    let mut got = Vec::new();
    while let Some(p) = cap.next_packet(&mut log).unwrap() {
        let d = p.data.to_vec();
        got.push((p.raw_ts.0, p.raw_ts.1, d.len() as u32, p.wirelen, d));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(got == want, "file records differ");
}
