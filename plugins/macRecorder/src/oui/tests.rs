use super::*;

const TEXT: &str = "# test table\n\
    00:00:0C\tCiscoSyst,US\tCisco Systems, Inc\n\
    01:00:0C:CC:CC:CC\tCDP\n\
    01:00:5E:00:00:00/25\tIPv4Multi\tIPv4 multicast\n\
    33-33\tIPv6Multi\n\
    FF:FF:FF:FF:FF:FF\tBroadcast\n\
    00:00:00\tXEROXCORP,US\tXEROX CORPORATION\n\
    00:00:0c\tDuplicate\n\
    zz:00:00\tBad\n\
    \n";

fn mac(s: &str) -> [u8; 6] {
    let v: Vec<u8> = s
        .split(':')
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

#[test]
fn longest_prefix_wins() {
    let (t, bad) = Table::parse(TEXT);
    assert_eq!(bad, 1);
    assert_eq!(t.len(), 6);
    assert_eq!(
        t.label(mac("00:00:0c:07:ac:01")),
        Some(("CiscoSyst,US", "Cisco Systems, Inc"))
    );
    assert_eq!(t.label(mac("01:00:0c:cc:cc:cc")), Some(("CDP", "CDP")));
    assert_eq!(t.label(mac("01:00:0c:cc:cc:cd")), None);
    assert_eq!(t.label(mac("01:00:5e:7f:ff:fa")).unwrap().0, "IPv4Multi");
    assert_eq!(t.label(mac("01:00:5e:80:00:01")), None);
    assert_eq!(t.label(mac("33:33:ff:42:ba:59")).unwrap().0, "IPv6Multi");
    assert_eq!(t.label(mac("ff:ff:ff:ff:ff:ff")).unwrap().0, "Broadcast");
    assert_eq!(t.label(mac("ff:ff:ff:25:00:ff")), None);
    assert_eq!(t.label(mac("00:00:00:00:00:04")).unwrap().0, "XEROXCORP,US");
    // The all-zero address has no label.
    assert_eq!(t.label(mac("00:00:00:00:00:00")), None);
}

/// The lookup cache answers as the table: addresses that share a cache slot (equal in
/// `m ^ m >> 24` modulo the slot count) looked up in turn, hits and misses, twice each.
#[test]
fn cached_lookups_match_the_table() {
    let (t, _) = Table::parse(TEXT);
    let colliding = [
        mac("00:00:0c:07:ac:01"),
        mac("00:00:0c:07:ad:01"),
        mac("01:00:0c:cc:cc:cc"),
        mac("01:00:0c:cc:cc:cd"),
        mac("33:33:00:00:00:01"),
    ];
    let slot = |m: [u8; 6]| {
        let m = mac_u64(m);
        (m ^ (m >> 24)) as usize & (RECENT - 1)
    };
    assert_eq!(slot(colliding[0]), slot(colliding[1]), "a shared slot");
    for _ in 0..2 {
        for m in colliding {
            let direct =
                (t.find(mac_u64(m)) != NO_ENTRY).then(|| t.entry_labels(t.find(mac_u64(m))));
            assert_eq!(t.label(m), direct, "{m:02x?}");
        }
    }
    assert_eq!(t.label(colliding[0]).unwrap().0, "CiscoSyst,US");
    assert_eq!(t.label(colliding[1]).unwrap().0, "CiscoSyst,US");
    assert_eq!(t.label(colliding[3]), None);
}

#[test]
fn prefixes() {
    assert_eq!(parse_prefix("00:00:0C"), Some((0x00000c000000, 24)));
    assert_eq!(
        parse_prefix("01:80:C2:00:00:00/44"),
        Some((0x0180c2000000, 44))
    );
    assert_eq!(
        parse_prefix("01:80:C2:00:00:0F/44"),
        Some((0x0180c2000000, 44))
    );
    assert_eq!(
        parse_prefix("01.00.5e.80/25"),
        Some((0x01005e800000 & mask(25), 25))
    );
    assert_eq!(parse_prefix("0:00:0C"), None);
    assert_eq!(parse_prefix("00:00:0C/49"), None);
    assert_eq!(parse_prefix("00:00:00:00:00:00:00"), None);
}

#[test]
fn prefix_edge_cases() {
    // White space around the prefix and the length; leading zeros and `+` in the length.
    assert_eq!(parse_prefix(" 00:00:0C "), Some((0x00000c000000, 24)));
    assert_eq!(
        parse_prefix("\u{a0}00:00:0C\u{3000}"),
        Some((0x00000c000000, 24))
    );
    assert_eq!(parse_prefix("00:00:0C / 16 "), Some((0x000000000000, 16)));
    assert_eq!(parse_prefix("00:00:0C/+024"), Some((0x00000c000000, 24)));
    assert_eq!(
        parse_prefix("00:00:0C/0000000000024"),
        Some((0x00000c000000, 24))
    );
    // `u8::from_str_radix` reads `+F` as 15: so does the table.
    assert_eq!(parse_prefix("+F:00"), Some((0x0f0000000000, 16)));
    for bad in [
        "",
        "/24",
        "00:00:0C/",
        "00:00:0C/+",
        "00:00:0C/-24",
        "00:00:0C/0",
        "00:00:0C/256",
        "00:00:0C/2 4",
        "00:00:0C:",
        ":00:00:0C",
        "00::00",
        "000:00",
        "0:000",
        "-F:00",
        "++:00",
        "0g:00",
        "00:00:0C:00:00:00:",
        "00 00",
        "é0:00",
        "00/24/24",
    ] {
        assert_eq!(parse_prefix(bad), None, "{bad:?}");
    }
}

#[test]
fn lines_comments_blanks_and_line_ends() {
    let text = "# comment\r\n\
        \r\n\
        \t \r\n\
        \u{3000}\n\
        \x0b\n\
        \x20# not a comment: malformed\n\
        00:00:0C\tCiscoSyst,US\tCisco Systems, Inc\r\n\
        00:00:0D\t Fletcher \t \t ignored\tfields\r\r\n\
        00:00:0E\t\u{a0}Fujitsu\u{a0}\t\u{3000}Fujitsu Limited\u{85}\n\
        00:00:0F\n\
        00:00:10\tNoNewline";
    let (t, bad) = Table::parse(text);
    assert_eq!(bad, 2);
    assert_eq!(t.len(), 4);
    assert_eq!(
        t.label(mac("00:00:0c:00:00:01")),
        Some(("CiscoSyst,US", "Cisco Systems, Inc"))
    );
    assert_eq!(
        t.label(mac("00:00:0d:00:00:01")),
        Some(("Fletcher", "Fletcher"))
    );
    assert_eq!(
        t.label(mac("00:00:0e:00:00:01")),
        Some(("Fujitsu", "Fujitsu Limited"))
    );
    assert_eq!(
        t.label(mac("00:00:10:00:00:01")),
        Some(("NoNewline", "NoNewline"))
    );
    assert_eq!(Table::parse("").0.len(), 0);
    assert_eq!(Table::parse("\n\n").1, 0);
}

#[test]
fn duplicates_and_unsorted_input() {
    let text = "00:00:0E\tE1\n\
        00:00:0C\tC1\n\
        00:00:0C:00/26\tC26\n\
        00:00:0c\tC2\n\
        00:00:0D\tD1\n\
        00-00-0C\tC3\n\
        00:00:0C:3F/26\tC26b\n";
    let (t, bad) = Table::parse(text);
    assert_eq!(bad, 0);
    assert_eq!(t.len(), 4);
    assert_eq!(t.label(mac("00:00:0c:00:00:01")).unwrap().0, "C26");
    assert_eq!(t.label(mac("00:00:0c:40:00:01")).unwrap().0, "C1");
    assert_eq!(t.label(mac("00:00:0d:00:00:01")).unwrap().0, "D1");
    assert_eq!(t.label(mac("00:00:0e:00:00:01")).unwrap().0, "E1");
}

#[test]
fn invalid_utf8_is_replaced() {
    let dir = std::env::temp_dir().join(format!("mr-oui-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("oui.txt");
    std::fs::write(&path, b"# \xff\n00:00:0C\tA\xffB\tlong \xc3\n00:00:0D\tD\n").unwrap();
    let (t, bad) = Table::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(bad, 0);
    assert_eq!(
        t.label(mac("00:00:0c:00:00:01")),
        Some(("A\u{fffd}B", "long \u{fffd}"))
    );
    assert_eq!(t.label(mac("00:00:0d:00:00:01")).unwrap().0, "D");
    assert!(Table::load(&dir.join("missing.txt")).is_none());
}

/// The parser as it was before the byte-level one: the reference the tests compare with.
mod reference {
    use super::{mac_u64, mask};

    fn parse_prefix(s: &str) -> Option<(u64, u8)> {
        let (p, bits) = match s.split_once('/') {
            Some((p, b)) => (p, Some(b.trim().parse::<u8>().ok()?)),
            None => (s, None),
        };
        let mut v = 0u64;
        let mut n = 0usize;
        for x in p.trim().split([':', '-', '.']) {
            if x.len() != 2 || n == 6 {
                return None;
            }
            v = (v << 8) | u8::from_str_radix(x, 16).ok()? as u64;
            n += 1;
        }
        if n == 0 {
            return None;
        }
        v <<= 8 * (6 - n);
        let bits = bits.unwrap_or(8 * n as u8);
        if !(1..=48).contains(&bits) {
            return None;
        }
        Some((v & mask(bits), bits))
    }

    /// `(entries longest first, by prefix: (bits, prefix, short, long)), malformed lines)`.
    pub fn parse(text: &str) -> (Vec<(u8, u64, String, String)>, usize) {
        let mut bad = 0;
        let mut entries: Vec<(u8, u64, u32, String, String)> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(prefix), Some(short)) = (f.next(), f.next()) else {
                bad += 1;
                continue;
            };
            let Some((key, bits)) = parse_prefix(prefix) else {
                bad += 1;
                continue;
            };
            let short = short.trim();
            let long = f
                .next()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .unwrap_or(short);
            let n = entries.len() as u32;
            entries.push((bits, key, n, short.into(), long.into()));
        }
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        entries.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        let out = entries
            .into_iter()
            .map(|(bits, key, _, s, l)| (bits, key, s, l))
            .collect();
        (out, bad)
    }

    /// The reference's lookup: the longest prefix length with an entry for the address.
    pub fn label<'a>(
        by_key: &'a std::collections::HashMap<(u8, u64), (String, String)>,
        lengths: &[u8],
        mac: [u8; 6],
    ) -> Option<(&'a str, &'a str)> {
        let m = mac_u64(mac);
        if m == 0 {
            return None;
        }
        lengths
            .iter()
            .find_map(|&bits| by_key.get(&(bits, m & mask(bits))))
            .map(|(s, l)| (s.as_str(), l.as_str()))
    }
}

/// All entries of a table in the reference's order.
fn dump(t: &Table) -> Vec<(u8, u64, String, String)> {
    let mut v = Vec::new();
    for c in &t.classes {
        for &(key, idx) in &c.keys {
            let (s, l) = t.entry_labels(idx);
            v.push((c.bits, key, s.to_string(), l.to_string()));
        }
    }
    v
}

/// Compares with the reference; returns (entries, malformed lines).
fn assert_same(text: &str) -> (usize, usize) {
    let (t, bad) = Table::parse(text);
    let (want, want_bad) = reference::parse(text);
    assert_eq!(bad, want_bad, "malformed lines of {text:?}");
    assert_eq!(dump(&t), want, "entries of {text:?}");
    (want.len(), bad)
}

/// The random tables below come from the shared generator of the table files' tests.
use tabfile::TestRng as Rng;

#[test]
fn same_as_reference_on_random_tables() {
    // Lines built from pieces that hit every rule (separators, lengths, white space, `+`,
    // comments, CR, extra tabs, non-ASCII), many prefixes colliding. Half of the lines only
    // take the first pieces of each list, which make a valid line.
    let groups = [
        "00", "0C", "0c", "FF", "5E", "01", "1a", "A0", "+F", "g0", "0", "000", "", " 01", "é",
    ];
    let seps = [":", "-", ".", "::", " ", ""];
    let bits = [
        "", "/24", "/ 25 ", "/+16", "/048", "/0", "/49", "/x", "/", "/-8",
    ];
    let labels = [
        "",
        " ",
        "A",
        "Cisco",
        " Sp ace ",
        "\u{a0}U\u{3000}",
        "é",
        "x\r",
        "#",
        "a/b",
        "\u{85}",
    ];
    let starts = ["", " ", "\u{3000}", "\r", "#", "\t"];
    let ends = ["\n", "\r\n", "\r\r\n", "\n\n", " \n", "\t\n", "\n#\n"];
    let mut r = Rng(1);
    let (mut entries, mut bad) = (0, 0);
    for _ in 0..1000 {
        let mut text = String::new();
        for _ in 0..(r.next() % 40) {
            let clean = r.next() % 2 == 0;
            text.push_str(r.pick(&starts, if clean { 4 } else { starts.len() }));
            let ngroups = 1 + r.next() % 6 + r.next() % 2;
            for g in 0..ngroups {
                if g > 0 {
                    text.push_str(r.pick(&seps, if clean { 3 } else { seps.len() }));
                }
                text.push_str(r.pick(&groups, if clean { 9 } else { groups.len() }));
            }
            text.push_str(r.pick(&bits, if clean { 5 } else { bits.len() }));
            for t in 0..(r.next() % 5) {
                if t == 0 || !clean || r.next() % 2 == 0 {
                    text.push('\t');
                    text.push_str(r.pick(&labels, labels.len()));
                }
            }
            text.push_str(r.pick(&ends, ends.len()));
        }
        if r.next() % 4 == 0 {
            text.pop();
        }
        let (e, b) = assert_same(&text);
        entries += e;
        bad += b;
    }
    // Both kinds of line occur often enough to mean something.
    eprintln!("random tables: {entries} entries, {bad} malformed lines");
    assert!(
        entries > 5000 && bad > 5000,
        "{entries} entries, {bad} malformed"
    );
}

#[test]
fn same_as_reference_on_edge_cases() {
    for text in [
        TEXT,
        "",
        "\n",
        "\r",
        "#",
        "00:00:0C",
        "00:00:0C\t",
        "00:00:0C\tA\tB\tC\tD\n",
        "00:00:0C\tA\t\n00:00:0C\tB\n",
        "00:00:0C\t\tLong\n",
        "\u{2000}\u{2028}\n\u{85}\t\n",
        "01:00:5E:00:00:00/25\tIPv4Multi\r\n33:33\tIPv6Multi\r\n",
    ] {
        assert_same(text);
    }
}

/// The installed table (`T2_TABLE_DIR/macRecorder_oui.txt`, e.g. a folder written by
/// `t2build --data`): same entries and labels as the reference parser, and the same label
/// for addresses in and around every entry. Skipped when `T2_TABLE_DIR` is not set.
#[test]
fn same_as_reference_on_installed_table() {
    let Some(dir) = std::env::var_os("T2_TABLE_DIR") else {
        eprintln!("T2_TABLE_DIR not set: installed table not compared");
        return;
    };
    let path = std::path::Path::new(&dir).join("macRecorder_oui.txt");
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (t, bad) = Table::load(&path).unwrap();
    let (want, want_bad) = reference::parse(&text);
    assert_eq!(bad, want_bad);
    let got = dump(&t);
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    let by_key: std::collections::HashMap<(u8, u64), (String, String)> = want
        .iter()
        .map(|(b, k, s, l)| ((*b, *k), (s.clone(), l.clone())))
        .collect();
    let mut lengths: Vec<u8> = want.iter().map(|e| e.0).collect();
    lengths.dedup();
    let mut n = 0;
    for (bits, key, _, _) in &want {
        let span = !mask(*bits) & ((1u64 << 48) - 1);
        for m in [*key, key | span, key.wrapping_sub(1), key + span + 1] {
            let m = m & ((1u64 << 48) - 1);
            let a: [u8; 6] = m.to_be_bytes()[2..].try_into().unwrap();
            assert_eq!(
                t.label(a),
                reference::label(&by_key, &lengths, a),
                "{m:012x}"
            );
            n += 1;
        }
    }
    eprintln!(
        "{}: {} entries, {n} lookups compared",
        path.display(),
        got.len()
    );
}

#[test]
fn three_groups_like_one_by_one() {
    // Every byte value at every position of a valid `HH:HH:HH`, against the group-by-group
    // parse.
    let base = *b"0a:B9-fF";
    for pos in 0..8 {
        for c in 0..=255u8 {
            let mut w = base;
            w[pos] = c;
            let fast = three_groups(u64::from_le_bytes(w));
            let slow = parse_more_groups(&w, 0, 0, 0)
                .filter(|&(_, n, end)| n == 3 && end == 8)
                .map(|(v, _, _)| v);
            // `+` makes a group the slow parse reads and the fast one leaves to it.
            if c == b'+' && pos % 3 == 0 {
                assert_eq!(fast, None);
            } else {
                assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&w));
            }
        }
    }
    assert_eq!(
        three_groups(u64::from_le_bytes(*b"00:00:0C")),
        Some(0x00000c)
    );
    assert_eq!(
        three_groups(u64::from_le_bytes(*b"ff.FF.a0")),
        Some(0xffffa0)
    );
}
