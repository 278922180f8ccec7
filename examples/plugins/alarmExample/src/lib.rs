//! alarmExample: how a plugin raises alarms (ALARM_MODE, spec §1.11). It counts the packets of
//! each flow and, when the flow ends, reports one alarm if it has at least `AE_MIN_PKTS`
//! packets. With `ALARM_MODE=1` the core writes only flows with an alarm and the end report
//! counts them; without it the alarms are only counted. It declares no column.

#![allow(non_snake_case)] // T2 plugin names are camelCase (the crate is named after the plugin)

use t2_plugin::{FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result};

t2_plugin::config_module!();
use config::*;

pub struct AlarmExample {
    pkts: PerFlow<u32>,
}

impl Plugin for AlarmExample {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        Ok(AlarmExample { pkts: PerFlow::for_host(i) })
    }

    fn on_new_flow(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        *self.pkts.reset(f) = 0;
        Ok(())
    }

    fn on_layer4(&mut self, _host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        if let Some(n) = self.pkts.get_mut(f) {
            *n += 1;
        }
        Ok(())
    }

    fn on_flow_terminate(&mut self, host: &Host, f: FlowIndex, _out: &mut Output<'_>) -> Result<()> {
        if self.pkts.get(f).is_some_and(|&n| n >= AE_MIN_PKTS) {
            host.report_alarms(1);
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(AlarmExample, config, [on_new_flow, on_layer4, on_flow_terminate]);
