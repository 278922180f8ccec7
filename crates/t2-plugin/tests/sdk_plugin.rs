//! An SDK plugin driven through its descriptor by the mock host: callbacks, errors, panics.

use t2_plugin::abi::T2_ABI_MAGIC;
use t2_plugin::testing::{MockHost, empty_packet};
use t2_plugin::{
    Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar, bit,
};

mod config {
    pub const PLUGIN_NAME: &str = "sdkTest";
    pub const PLUGIN_NUMBER: u16 = 777;
    pub const PLUGIN_VERSION: &str = "1.2.3";
    pub const PLUGIN_DEPENDENCIES: &str = "basicFlow";
    pub const BUILD_CONFIG: &[t2_plugin::abi::T2ConfigEntry] = &[t2_plugin::abi::T2ConfigEntry {
        name: t2_plugin::abi::T2Str::new("X"),
        value: t2_plugin::abi::T2Str::new("1"),
    }];
}

static BITS: [t2_plugin::abi::T2BitDesc; 1] = [bit(0x01, "SDK_ONE", "one")];

#[derive(Clone, Default)]
struct St {
    pkts: u32,
}

struct SdkTest {
    flows: PerFlow<St>,
}

impl Plugin for SdkTest {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        i.declare_column(Column::new("sdkStat", "Status", Scalar::H8).bits(&BITS))?;
        i.declare_column(
            Column::compound(
                "sdkPkts_Desc",
                "Packets and text",
                &[Scalar::U32, Scalar::S],
            )
            .repeating(),
        )?;
        assert!(
            i.declare_column(Column::with_type("bad", "bad", "U8_("))
                .is_err()
        );
        i.register_timeout(10.0)?;
        Ok(SdkTest {
            flows: PerFlow::for_host(i),
        })
    }
    fn on_new_flow(&mut self, _h: &Host, _p: &Packet<'_>, f: FlowIndex) -> Result<()> {
        self.flows.reset(f);
        Ok(())
    }
    fn on_layer4(&mut self, h: &Host, p: &Packet<'_>, f: FlowIndex) -> Result<()> {
        if p.pkt_no == 99 {
            panic!("boom");
        }
        if p.pkt_no == 98 {
            return Err("refused".into());
        }
        h.set_flow_timeout(f, 10.0)?;
        h.set_flow_status(f, 0x100);
        self.flows[f].pkts += 1;
        Ok(())
    }
    fn on_flow_terminate(&mut self, _h: &Host, f: FlowIndex, out: &mut Output<'_>) -> Result<()> {
        out.u8(1);
        out.repeat(2);
        for s in ["a", "b\"c"] {
            out.u32(self.flows[f].pkts);
            out.str(s);
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(SdkTest, config, [on_new_flow, on_layer4, on_flow_terminate]);

#[test]
fn descriptor_and_callbacks() {
    let d = descriptor();
    assert_eq!(d.magic, T2_ABI_MAGIC);
    assert_eq!(d.number, 777);
    // SAFETY: static strings.
    unsafe {
        assert_eq!(d.name.to_str(), Some("sdkTest"));
        assert_eq!(d.dependencies.to_str(), Some("basicFlow"));
    }
    assert_eq!(d.build_config_len, 1);
    assert!(
        d.vtable.on_layer2.is_none()
            && d.vtable.buffer_to_sink.is_none()
            && d.vtable.on_layer4.is_some()
    );
    assert_eq!(__t2_entry::t2_plugin_entry_v1(), d as *const _);

    let mut h = MockHost::new(8);
    h.declare_core_columns();
    let p = h.load(d).unwrap();
    assert_eq!(h.state.columns.len(), 4);
    assert_eq!(h.state.columns[3].type_, "U32_S:R");
    assert_eq!(
        h.state.columns[2].bits,
        vec![(1, "SDK_ONE".to_string(), "one".to_string())]
    );
    assert_eq!(h.state.timeouts, vec![10.0]);

    let mut pkt = empty_packet();
    h.new_flow(&p, &pkt, 3).unwrap();
    h.layer4(&p, &pkt, 3).unwrap();
    h.layer4(&p, &pkt, 3).unwrap();
    assert_eq!(h.flows[3].timeout, 10.0);
    assert_eq!(h.flows[3].status, 0x100);
    let rec = h.terminate(&p, 3).unwrap();
    let mut rec2 = vec![0u8];
    rec2.extend_from_slice(&7u64.to_ne_bytes());
    rec2.extend_from_slice(&rec);
    let schema = t2_plugin::Schema::from_triples(
        h.state
            .columns
            .iter()
            .map(|c| (c.name.as_str(), "", c.type_.as_str())),
    )
    .unwrap();
    let mut line = Vec::new();
    t2_plugin::TextFormatter::default()
        .format_record(&schema, &rec2, &mut line)
        .unwrap();
    assert_eq!(
        String::from_utf8(line).unwrap(),
        "A\t7\t0x01\t2_\"a\";2_\"b\\\"c\"\n"
    );

    // An error and a panic are contained and reported.
    pkt.pkt_no = 98;
    assert_eq!(
        h.layer4(&p, &pkt, 3),
        Err("on_layer4 returned 1".to_string())
    );
    pkt.pkt_no = 99;
    assert_eq!(
        h.layer4(&p, &pkt, 3),
        Err("on_layer4 returned 2".to_string())
    );
    let logs: Vec<&str> = h.state.logs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        logs,
        vec![
            "sdkTest: on_layer4: refused",
            "sdkTest: panic in on_layer4: boom"
        ]
    );
    // Out-of-range flow index: PerFlow panics, the shim contains it.
    assert!(h.new_flow(&p, &pkt, 100).is_err());
    h.finalize(p).unwrap();
}
