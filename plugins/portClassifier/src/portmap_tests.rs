use super::*;

#[test]
fn parse_and_look_up() {
    let text = "# ports\n\
        80\ttcp\thttp\tWorld Wide Web HTTP\n\
        53\tUDP\tdomain\tDomain Name Server (DNS)\n\
        53\ttcp\tdomain\n\
        80\ttcp\tother\tignored (second entry)\n\
        9099\ttcp\t\n\
        70000\ttcp\tbad\n\
        81\tsctp\tbad\n\
        82\n";
    let (m, bad) = PortMap::parse(text);
    assert_eq!(bad, 3);
    assert_eq!(m.len(), 4);
    assert_eq!(m.name(Transport::Tcp, 80), Some("http"));
    assert_eq!(
        m.description(Transport::Tcp, 80),
        Some("World Wide Web HTTP")
    );
    assert_eq!(m.name(Transport::Udp, 80), None);
    assert_eq!(m.name(Transport::Udp, 53), Some("domain"));
    assert_eq!(m.description(Transport::Tcp, 53), Some(""));
    assert_eq!(m.name(Transport::Tcp, 9099), None);
    assert_eq!(m.description(Transport::Tcp, 9099), Some(""));
    assert_eq!(Transport::of_proto(132), Some(Transport::Tcp));
    assert_eq!(Transport::of_proto(136), Some(Transport::Udp));
    assert_eq!(Transport::of_proto(1), None);
}

#[test]
fn lines_comments_blanks_and_fields() {
    let text = "# comment\r\n\
        \r\n\
        \t\t\r\n\
        \u{3000}\n\
        \x20# not a comment: malformed\n\
        1\ttcp\ttcpmux\tTCP Port Service Multiplexer\r\n\
        +2\t TCP \t compressnet \t Management Utility \tmore\tfields\r\r\n\
        0003\t\u{a0}udp\u{3000}\t\u{85}compressnet\u{85}\t\u{a0}\r\n\
        4\tudp\n\
        -5\ttcp\tx\n\
        65535\tudp\tlast\n\
        65536\tudp\tbad\n\
        6\tudp\tno\tnewline";
    let (m, bad) = PortMap::parse(text);
    assert_eq!(bad, 4);
    assert_eq!(m.len(), 5);
    assert_eq!(m.name(Transport::Tcp, 1), Some("tcpmux"));
    assert_eq!(
        m.description(Transport::Tcp, 1),
        Some("TCP Port Service Multiplexer")
    );
    assert_eq!(m.name(Transport::Tcp, 2), Some("compressnet"));
    assert_eq!(m.description(Transport::Tcp, 2), Some("Management Utility"));
    assert_eq!(m.name(Transport::Udp, 3), Some("compressnet"));
    assert_eq!(m.description(Transport::Udp, 3), Some(""));
    assert_eq!(m.name(Transport::Udp, 4), None);
    assert_eq!(m.description(Transport::Udp, 4), None);
    assert_eq!(m.name(Transport::Udp, 65535), Some("last"));
    assert_eq!(m.description(Transport::Udp, 6), Some("newline"));
    assert!(PortMap::parse("").0.is_empty());
}

#[test]
fn invalid_utf8_is_replaced() {
    let dir = std::env::temp_dir().join(format!(
        "portmap-test-{}-{}",
        env!("CARGO_PKG_NAME"),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("portmap.txt");
    std::fs::write(&path, b"# \xff\n80\ttcp\th\xfftp\tWeb \xc3\n81\ttcp\tx\n").unwrap();
    let (m, bad) = PortMap::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(bad, 0);
    assert_eq!(m.name(Transport::Tcp, 80), Some("h\u{fffd}tp"));
    assert_eq!(m.description(Transport::Tcp, 80), Some("Web \u{fffd}"));
    assert_eq!(m.name(Transport::Tcp, 81), Some("x"));
    assert!(PortMap::load(&dir.join("missing.txt")).is_none());
}

/// The parser as it was before the byte-level one: the reference the tests compare with.
mod reference {
    use std::collections::HashMap;

    /// `((transport, port) -> (name, description), malformed lines)`.
    pub type Entries = HashMap<(usize, u16), (String, String)>;

    pub fn parse(text: &str) -> (Entries, usize) {
        let mut m = Entries::new();
        let mut bad = 0;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(port), Some(proto), Some(name)) = (f.next(), f.next(), f.next()) else {
                bad += 1;
                continue;
            };
            let Ok(port) = port.trim().parse::<u16>() else {
                bad += 1;
                continue;
            };
            let t = match proto.trim().to_ascii_lowercase().as_str() {
                "tcp" => 0,
                "udp" => 1,
                _ => {
                    bad += 1;
                    continue;
                }
            };
            let desc = f.next().unwrap_or("").trim();
            m.entry((t, port))
                .or_insert_with(|| (name.trim().into(), desc.into()));
        }
        (m, bad)
    }
}

/// Compares every port of both transports with the reference; returns (entries, malformed).
fn assert_same(text: &str) -> (usize, usize) {
    let (m, bad) = PortMap::parse(text);
    let (want, want_bad) = reference::parse(text);
    assert_eq!(bad, want_bad, "malformed lines of {text:?}");
    assert_eq!(m.len(), want.len(), "entries of {text:?}");
    for (t, tr) in [(0, Transport::Tcp), (1, Transport::Udp)] {
        for port in 0..=u16::MAX {
            let w = want.get(&(t, port));
            assert_eq!(
                m.description(tr, port),
                w.map(|e| e.1.as_str()),
                "{port}/{t} of {text:?}"
            );
            assert_eq!(
                m.name(tr, port),
                w.map(|e| e.0.as_str()).filter(|n| !n.is_empty()),
                "{port}/{t} of {text:?}"
            );
        }
    }
    (want.len(), bad)
}

/// The random tables below come from the shared generator of the table files' tests.
use tabfile::TestRng as Rng;

#[test]
fn same_as_reference_on_random_tables() {
    // Lines built from pieces that hit every rule (signs, leading zeros, range, case, white
    // space, comments, CR, missing and extra fields, non-ASCII), many ports colliding. Half of
    // the lines only take the first pieces of each list, which make a valid line.
    let ports = [
        "80", "0", "65535", "+53", "00080", " 22 ", "\u{a0}7", "65536", "-1", "", "8 0", "x", "+",
    ];
    let protos = [
        "tcp",
        "udp",
        "TCP",
        "Udp",
        " tcp\u{3000}",
        "sctp",
        "",
        "tc p",
        "tcpp",
    ];
    let fields = [
        "",
        " ",
        "http",
        " dns ",
        "World Wide Web",
        "\u{a0}é\u{85}",
        "x\r",
        "#",
        "a b",
    ];
    let starts = ["", " ", "\u{3000}", "\r", "#", "\t"];
    let ends = ["\n", "\r\n", "\r\r\n", "\n\n", " \n", "\t\n", "\n#\n"];
    let mut r = Rng(2);
    let (mut entries, mut bad) = (0, 0);
    for _ in 0..200 {
        let mut text = String::new();
        for _ in 0..(r.next() % 40) {
            let clean = r.next() % 2 == 0;
            text.push_str(r.pick(&starts, if clean { 4 } else { starts.len() }));
            text.push_str(r.pick(&ports, if clean { 7 } else { ports.len() }));
            let nfields = if clean {
                2 + r.next() % 4
            } else {
                r.next() % 6
            };
            for f in 0..nfields {
                text.push('\t');
                text.push_str(if f == 0 {
                    r.pick(&protos, if clean { 5 } else { protos.len() })
                } else {
                    r.pick(&fields, fields.len())
                });
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
    assert!(
        entries > 1000 && bad > 1000,
        "{entries} entries, {bad} malformed"
    );
}

/// The installed table (`T2_TABLE_DIR/portmap.txt`, e.g. a folder written by
/// `t2build --data`): the same name and description for every port as the reference parser.
/// Skipped when `T2_TABLE_DIR` is not set.
#[test]
fn same_as_reference_on_installed_table() {
    let Some(dir) = std::env::var_os("T2_TABLE_DIR") else {
        eprintln!("T2_TABLE_DIR not set: installed table not compared");
        return;
    };
    let path = std::path::Path::new(&dir).join("portmap.txt");
    let bytes = std::fs::read(&path).unwrap();
    let (m, bad) = PortMap::load(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (want, want_bad) = reference::parse(&text);
    assert_eq!(bad, want_bad);
    assert_eq!(m.len(), want.len());
    // `assert_same` compares every port of both transports.
    assert_same(&text);
    eprintln!("{}: {} entries compared", path.display(), want.len());
}
