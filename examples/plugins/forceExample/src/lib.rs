//! forceExample: how a plugin ends flows early (FORCE_MODE, spec §1.11). It counts the packets
//! of each flow and asks the core to end the flow when it reaches `FE_MAX_PKTS` packets; with
//! `FORCE_MODE=1` the core ends it (and its opposite) before the next packet, flags it RMFLOW
//! and counts it in the end report; without it the requests are ignored. No column.

#![allow(non_snake_case)] // T2 plugin names are camelCase (the crate is named after the plugin)

use t2_plugin::{FlowIndex, Host, Init, Packet, PerFlow, Plugin, Result};

t2_plugin::config_module!();
use config::*;

pub struct ForceExample {
    pkts: PerFlow<u32>,
}

impl Plugin for ForceExample {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        Ok(ForceExample { pkts: PerFlow::for_host(i) })
    }

    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        *self.pkts.reset(f) = 0;
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        if let Some(n) = self.pkts.get_mut(f) {
            *n += 1;
            if *n == FE_MAX_PKTS {
                host.terminate_flow(f);
            }
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(ForceExample, config, [on_new_flow, on_layer4]);
