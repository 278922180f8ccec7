//! The `tracing` bridge (feature `tracing`): a plugin's `tracing` events become host log lines
//! with the host's level and the plugin's name; events above the chosen level are dropped.
#![cfg(feature = "tracing")]

use t2_plugin::testing::{MockHost, empty_packet};
use t2_plugin::{FlowIndex, Host, Init, Packet, Plugin, Result};

mod config {
    pub const PLUGIN_NAME: &str = "traceTest";
    pub const PLUGIN_NUMBER: u16 = 778;
    pub const PLUGIN_VERSION: &str = "0.1.0";
    pub const PLUGIN_DEPENDENCIES: &str = "";
    pub const BUILD_CONFIG: &[t2_plugin::abi::T2ConfigEntry] = &[];
}

struct TraceTest;

impl Plugin for TraceTest {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        assert!(t2_plugin::trace::install(&i.host(), tracing::Level::INFO));
        Ok(TraceTest)
    }
    fn on_layer4(&mut self, _h: &Host, p: &Packet<'_>, _f: FlowIndex) -> Result<()> {
        tracing::warn!(pkt = p.pkt_no, "odd packet");
        tracing::debug!("not shown");
        tracing::error!("bad {}", 7);
        Ok(())
    }
}

t2_plugin::export_plugin!(TraceTest, config, [on_layer4]);

#[test]
fn tracing_events_reach_the_host_log() {
    let mut h = MockHost::new(4);
    let p = h.load(descriptor()).unwrap();
    let mut pkt = empty_packet();
    pkt.pkt_no = 5;
    h.layer4(&p, &pkt, 0).unwrap();
    let logs: Vec<(u32, String)> = h.state.logs.clone();
    assert!(logs.contains(&(t2_plugin::abi::T2_LOG_WRN, "traceTest: odd packet pkt=5".to_string())), "{logs:?}");
    assert!(logs.contains(&(t2_plugin::abi::T2_LOG_ERR, "traceTest: bad 7".to_string())), "{logs:?}");
    assert!(!logs.iter().any(|(_, m)| m.contains("not shown")));
}
