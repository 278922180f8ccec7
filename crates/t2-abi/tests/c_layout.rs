//! Keeps `include/t2_plugin.h` equal to the Rust ABI: compiles a C program that prints
//! `sizeof`/`offsetof` of every struct and field and the value of every constant, and compares
//! with `size_of`/`offset_of!` and the Rust constants. Also checks that every struct, field
//! and constant of `src/lib.rs` is covered, and that the example C plugin compiles.
//! Skipped (with a message) when no C compiler (`cc`, or `$CC`) is available.

use std::collections::BTreeMap;
use std::mem::{offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;
use t2_abi::*;

macro_rules! layouts {
    ($($s:ident { $($f:ident),* $(,)? })*) => {{
        let mut v: Vec<(String, usize)> = Vec::new();
        $(
            v.push((format!("sizeof {}", stringify!($s)), size_of::<$s>()));
            $( v.push((format!("offsetof {}.{}", stringify!($s), stringify!($f)), offset_of!($s, $f))); )*
        )*
        let fields: Vec<(&str, Vec<&str>)> = vec![$( (stringify!($s), vec![$(stringify!($f)),*]) ),*];
        (v, fields)
    }};
}

/// `("sizeof X" | "offsetof X.f", value)` pairs, and the field names of every struct.
type Layouts = (Vec<(String, usize)>, Vec<(&'static str, Vec<&'static str>)>);

fn rust_layouts() -> Layouts {
    layouts! {
        T2Str { ptr, len }
        T2Time { sec, nsec, _pad }
        T2ConfigEntry { name, value }
        T2BitDesc { mask, name, desc }
        T2ColumnDecl { name, desc, type_, bits, bits_len }
        T2Schema { columns, len }
        T2PluginInfo { name, version, number, _pad }
        T2Flow { status, findex, opposite, first_seen, last_seen, pad_len, timeout, vlan_id, eth_type,
                 src_port, dst_port, ip_ver, l4_proto, _pad0, src_ip, dst_ip, src_mac, dst_mac, _pad1 }
        T2Packet { size, linktype, data, caplen, wirelen, ts, pkt_no, status, mac_off, l2_off, outer_l3_off,
                   l3_off, l4_off, l7_off, eth_type, vlan_id, vlan_ids, vlan_count, mpls_count, ip_ver, l4_proto,
                   src_port, dst_port, src_ip, dst_ip, l3_len, l4_hdr_len, l7_len, snap_l3_len, snap_l4_len,
                   snap_l7_len, len, pad_len, num_hdrs, ip_frag, ip_id, hdr_desc }
        T2OutBuf { host }
        T2Writer { host }
        T2Exported { base, stride, count }
        T2RunInfo { product, command_line, pid, priority, sensor_id, _pad, start, core_config_desc, hw_info,
                    sw_info, interfaces, plugins, plugins_len }
        T2InitContext { size, packet_mode, _pad, flow_capacity, flows, flow_stride, output_prefix, split_size,
                        split_by_flows, _pad2, split_start, core_config, core_config_len, run, plugin_dir }
        T2Host { size, abi_major, abi_minor, ctx, log, declare_column, declare_packet_column, schema, flow,
                 register_timeout, set_flow_timeout, terminate_flow, report_alarms, packet_field, export_data,
                 import_data, out_append, write }
        T2PluginVtable { init, on_start, on_new_flow, on_layer2, on_layer4, on_flow_terminate, buffer_to_sink,
                         report, monitoring, finalize }
        T2PluginDescriptor { magic, abi_major, abi_minor, size, number, _pad, name, version, dependencies,
                             build_config, build_config_len, vtable }
    }
}

macro_rules! consts {
    ($($c:ident = $v:expr),* $(,)?) => { vec![$( (stringify!($c).to_string(), ($v) as i128) ),*] };
}

fn rust_consts() -> Vec<(String, i128)> {
    let mut v = consts! {
        T2_ABI_MAGIC = T2_ABI_MAGIC, T2_ABI_MAJOR = T2_ABI_MAJOR, T2_ABI_MINOR = T2_ABI_MINOR,
        T2_FLOW_NONE = T2_FLOW_NONE, T2_OFF_NONE = T2_OFF_NONE,
        T2_OK = T2_OK, T2_ERR = T2_ERR, T2_PANIC = T2_PANIC, T2_EINVAL = T2_EINVAL,
        T2_LOG_ERR = T2_LOG_ERR, T2_LOG_WRN = T2_LOG_WRN, T2_LOG_INF = T2_LOG_INF, T2_LOG_OK = T2_LOG_OK,
        T2_LOG_PLAIN = T2_LOG_PLAIN, T2_LOG_DBG = T2_LOG_DBG,
        T2_MON_HEADER = T2_MON_HEADER, T2_MON_VALUES = T2_MON_VALUES, T2_MON_REPORT = T2_MON_REPORT,
    };
    use flow_stat::*;
    let fs = consts! {
        L3FLOWINVERT = L3FLOWINVERT, L2_NO_ETH = L2_NO_ETH, L2_FLOW = L2_FLOW, L2_PPPOE_D = L2_PPPOE_D,
        L2_PPPOE_S = L2_PPPOE_S, L2_LLDP = L2_LLDP, L2_ARP = L2_ARP, L2_RARP = L2_RARP, L2_VLAN = L2_VLAN,
        L2_MPLS_UCAST = L2_MPLS_UCAST, L2_MPLS_MCAST = L2_MPLS_MCAST, L2_L2TP = L2_L2TP, L2_GRE = L2_GRE,
        L2_PPP = L2_PPP, L2_IPV4 = L2_IPV4, L2_IPV6 = L2_IPV6, L3_IPVX = L3_IPVX, L3_IPIP = L3_IPIP,
        L3_ETHIPF = L3_ETHIPF, L3_TRDO = L3_TRDO, L3_AYIYA = L3_AYIYA, L3_GTP = L3_GTP, L3_VXLAN = L3_VXLAN,
        L3_CAPWAP = L3_CAPWAP, L4_SCTP = L4_SCTP, L4_UPNP = L4_UPNP, L2_ERSPAN = L2_ERSPAN, L2_WCCP = L2_WCCP,
        L7_SIPRTP = L7_SIPRTP, L3_GENEVE = L3_GENEVE, L3_IPSEC_AH = L3_IPSEC_AH, L3_IPSEC_ESP = L3_IPSEC_ESP,
        L2SNAPLENGTH = L2SNAPLENGTH, L3SNAPLENGTH = L3SNAPLENGTH, L3HDRSHRTLEN = L3HDRSHRTLEN,
        L4HDRSHRTLEN = L4HDRSHRTLEN, IPV4_FRAG = IPV4_FRAG, IPV4_FRAG_ERR = IPV4_FRAG_ERR,
        IPV4_FRAG_HDSEQ_ERR = IPV4_FRAG_HDSEQ_ERR, IPV4_FRAG_PENDING = IPV4_FRAG_PENDING, FLWTMOUT = FLWTMOUT,
        RMFLOW = RMFLOW, RMFLOW_HFULL = RMFLOW_HFULL, STPDSCT = STPDSCT, DUPIPID = DUPIPID, PPP_NRHD = PPP_NRHD,
        IPV4_HL_TOO_SHORT = IPV4_HL_TOO_SHORT, IP_PL_MSMTCH = IP_PL_MSMTCH, HDOVRN = HDOVRN, FL_ALARM = FL_ALARM,
        LANDATTACK = LANDATTACK, TIMEJUMP = TIMEJUMP, LIVEXTR = LIVEXTR, SUBN_FLW_TST = SUBN_FLW_TST,
        TORADD = TORADD, FS_VLAN0 = FS_VLAN0, FS_IPV4_PKT = FS_IPV4_PKT, FS_IPV6_PKT = FS_IPV6_PKT,
        LAPD_FLOW = LAPD_FLOW, L7_DTLS = L7_DTLS, FDLSIDX = FDLSIDX, PCAPSNPD = PCAPSNPD,
    };
    v.extend(fs.into_iter().map(|(n, x)| (format!("T2_FS_{n}"), x)));
    v
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Structs and their fields, and constant names, as written in src/lib.rs.
fn source_items() -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let src = std::fs::read_to_string(crate_dir().join("src/lib.rs")).unwrap();
    let mut structs = BTreeMap::new();
    let mut consts = Vec::new();
    let mut cur: Option<(String, Vec<String>)> = None;
    for line in src.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("pub struct ") {
            let name = rest
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap()
                .to_string();
            cur = Some((name, Vec::new()));
        } else if l == "}" {
            if let Some((n, f)) = cur.take() {
                structs.insert(n, f);
            }
        } else if let Some(rest) = l.strip_prefix("pub ") {
            if let Some((_, fields)) = cur.as_mut() {
                if let Some((f, _)) = rest.split_once(':') {
                    fields.push(f.trim().to_string());
                }
            } else if let Some(c) = rest.strip_prefix("const ") {
                let name = c.split(':').next().unwrap().trim().to_string();
                if name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                    && name != "CURRENT_SIZE"
                    && name != "EMPTY"
                    && !name.starts_with("T2_ENTRY_SYMBOL")
                {
                    consts.push(name);
                }
            }
        }
    }
    (structs, consts)
}

#[test]
fn every_item_is_covered() {
    let (structs, consts) = source_items();
    let (_, fields) = rust_layouts();
    let listed: BTreeMap<String, Vec<String>> = fields
        .iter()
        .map(|(s, f)| (s.to_string(), f.iter().map(|x| x.to_string()).collect()))
        .collect();
    assert_eq!(
        structs, listed,
        "src/lib.rs structs/fields vs the list in this test"
    );
    let names: Vec<String> = rust_consts().into_iter().map(|(n, _)| n).collect();
    for c in consts {
        assert!(
            names.contains(&c) || names.contains(&format!("T2_FS_{c}")),
            "constant {c} not checked"
        );
    }
    let header = std::fs::read_to_string(crate_dir().join("include/t2_plugin.h")).unwrap();
    for s in structs.keys() {
        assert!(
            header.contains(&format!("typedef struct {s} {{")),
            "{s} missing in t2_plugin.h"
        );
    }
    assert!(header.contains(&format!("#define T2_ENTRY_SYMBOL \"{T2_ENTRY_SYMBOL}\"")));
}

fn cc() -> Option<String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    Command::new(&cc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| cc)
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("t2-abi-c");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn c_header_matches_rust() {
    let Some(cc) = cc() else {
        eprintln!("no C compiler: skipping c_header_matches_rust");
        return;
    };
    let (layouts, fields) = rust_layouts();
    let consts = rust_consts();
    let mut c = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"t2_plugin.h\"\nint main(void) {\n",
    );
    for (s, fs) in &fields {
        c += &format!("  printf(\"sizeof {s} %zu\\n\", sizeof({s}));\n");
        for f in fs {
            c += &format!("  printf(\"offsetof {s}.{f} %zu\\n\", offsetof({s}, {f}));\n");
        }
    }
    for (n, _) in &consts {
        c += &format!("  printf(\"{n} %lld\\n\", (long long)({n}));\n");
    }
    c += "  return 0;\n}\n";
    let src = tmp("layout.c");
    let exe = tmp("layout");
    std::fs::write(&src, c).unwrap();
    let inc = crate_dir().join("include");
    let out = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(&inc)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    let text = String::from_utf8(run.stdout).unwrap();
    let got: BTreeMap<&str, i128> = text
        .lines()
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k, v.parse().unwrap())
        })
        .collect();
    let mut bad = Vec::new();
    for (k, v) in &layouts {
        if got.get(k.as_str()) != Some(&(*v as i128)) {
            bad.push(format!("{k}: rust {v}, C {:?}", got.get(k.as_str())));
        }
    }
    for (k, v) in &consts {
        // C prints through long long: compare as 64-bit two's complement.
        if got.get(k.as_str()).map(|x| *x as i64) != Some(*v as i64) {
            bad.push(format!("{k}: rust {v}, C {:?}", got.get(k.as_str())));
        }
    }
    assert!(
        bad.is_empty(),
        "C header differs from the Rust ABI:\n{}",
        bad.join("\n")
    );
}

#[test]
fn example_c_plugin_compiles() {
    let Some(cc) = cc() else {
        eprintln!("no C compiler: skipping example_c_plugin_compiles");
        return;
    };
    let so = tmp("950_hello.so");
    let out = Command::new(&cc)
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-fPIC",
            "-shared",
            "-I",
        ])
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("examples/c/hello.c"))
        .arg("-o")
        .arg(&so)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // C++ compatibility of the header (if a C++ compiler is around).
    let cpp = tmp("hdr.cpp");
    std::fs::write(
        &cpp,
        "#include \"t2_plugin.h\"\nint main() { return T2_OK; }\n",
    )
    .unwrap();
    if let Ok(o) = Command::new("c++")
        .arg("-fsyntax-only")
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(&cpp)
        .output()
    {
        assert!(
            o.status.success(),
            "c++ failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
