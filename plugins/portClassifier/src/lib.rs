//! portClassifier (T2 plugin 111): the service port of each flow and its name (spec §4.9).
//!
//! Flow and packet columns: `dstPortClassN` (U16, `PBC_NUM`) and `dstPortClass` (SC,
//! `PBC_STR`).
//!
//! Behaviour read off the original's output (`../shared/conformance`, all 23,575 flow rows and
//! 16,934 packet rows with ports agree):
//! - The service port is the destination port, or the source port when the flow is marked as
//!   the reply of its pair (`L3FLOWINVERT`), for TCP, UDP, UDP-Lite and SCTP flows, port 0
//!   included (a TCP flow with port 0 gets the table's name of TCP port 0). Other flows
//!   (ICMP, IGMP, ..., layer-2 flows) print `0` and `PBC_UNKNOWN`.
//! - The name comes from the TCP table for TCP and SCTP, from the UDP table for UDP and
//!   UDP-Lite ([`portmap`]); a port not in the table prints `PBC_UNKNOWN`.
//! - Packet mode prints the flow's values on every packet line of an IP flow; on the lines of
//!   a layer-2 flow the number is empty and the name `PBC_UNKNOWN` (the flow line has `0`).

#![allow(non_snake_case)]

pub mod portmap;

use portmap::{PortMap, Transport};
use t2_plugin::abi::flow_stat::L3FLOWINVERT;
use t2_plugin::{Column, FlowIndex, Host, Init, Output, Packet, PerFlow, Plugin, Result, Scalar};

t2_plugin::config_module!();
use config::*;

/// What the plugin keeps per flow: the service port and its table.
#[derive(Clone, Copy, Default)]
struct FlowState {
    port: u16,
    transport: Option<Transport>,
}

/// The service port of a flow: `(port, table)`, `(0, None)` for flows without ports.
pub fn service_port(
    l4_proto: u8,
    status: u64,
    src_port: u16,
    dst_port: u16,
) -> (u16, Option<Transport>) {
    match Transport::of_proto(l4_proto) {
        Some(t) => (
            if status & L3FLOWINVERT != 0 {
                src_port
            } else {
                dst_port
            },
            Some(t),
        ),
        None => (0, None),
    }
}

pub struct PortClassifier {
    packet_mode: bool,
    flows: PerFlow<FlowState>,
    map: PortMap,
}

impl PortClassifier {
    fn name(&self, st: &FlowState) -> &str {
        st.transport
            .and_then(|t| self.map.name(t, st.port))
            .unwrap_or(PBC_UNKNOWN)
    }

    fn packet_fields(&self, host: &Host, st: &FlowState) {
        if PBC_NUM != 0 {
            host.packet_field(&st.port.to_string());
        }
        if PBC_STR != 0 {
            host.packet_field(self.name(st));
        }
    }
}

impl Plugin for PortClassifier {
    fn init(i: &mut Init<'_>) -> Result<Self> {
        if PBC_NUM != 0 {
            i.declare_column(Column::new(
                "dstPortClassN",
                "Port based classification of the destination port number",
                Scalar::U16,
            ))?;
        }
        if PBC_STR != 0 {
            i.declare_column(Column::new(
                "dstPortClass",
                "Port based classification of the destination port name",
                Scalar::SC,
            ))?;
        }
        let packet_mode = i.packet_mode();
        if packet_mode {
            if PBC_NUM != 0 {
                i.declare_packet_column("dstPortClassN")?;
            }
            if PBC_STR != 0 {
                i.declare_packet_column("dstPortClass")?;
            }
        }
        // The table is built once: an empty one made first and then dropped would zero its
        // two 256 KiB indexes for nothing.
        let map = if PBC_STR != 0 {
            let path = std::path::Path::new(i.plugin_dir()).join(PBC_CLASSFILE);
            match PortMap::load(&path) {
                Some((m, bad)) => {
                    if bad > 0 {
                        i.warn(&format!(
                            "{}: {bad} malformed line(s) skipped",
                            path.display()
                        ));
                    }
                    m
                }
                // T2 has its table installed with the plugin; without it every name is
                // unknown. Said only at debug level: the original prints nothing here.
                None => {
                    i.log(
                        t2_plugin::Level::Dbg,
                        &format!("portClassifier: no port table {}", path.display()),
                    );
                    PortMap::default()
                }
            }
        } else {
            PortMap::default()
        };
        Ok(PortClassifier {
            packet_mode,
            flows: PerFlow::for_host(i),
            map,
        })
    }

    fn on_new_flow(&mut self, host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        let st = self.flows.reset(f);
        if let Some(fl) = host.flow(f) {
            let (port, transport) = service_port(fl.l4_proto, fl.status, fl.src_port, fl.dst_port);
            *st = FlowState { port, transport };
        }
        Ok(())
    }

    fn on_layer2(&mut self, host: &Host, _pkt: &Packet<'_>, f: Option<FlowIndex>) -> Result<()> {
        if let (true, Some(_)) = (self.packet_mode, f) {
            // A layer-2 flow's packet: the original leaves the number empty here (the flow
            // line has 0).
            if PBC_NUM != 0 {
                host.packet_field("");
            }
            if PBC_STR != 0 {
                host.packet_field(PBC_UNKNOWN);
            }
        }
        Ok(())
    }

    fn on_layer4(&mut self, host: &Host, _pkt: &Packet<'_>, f: FlowIndex) -> Result<()> {
        if self.packet_mode {
            let st = self.flows.get(f).copied().unwrap_or_default();
            self.packet_fields(host, &st);
        }
        Ok(())
    }

    fn on_flow_terminate(
        &mut self,
        _host: &Host,
        f: FlowIndex,
        out: &mut Output<'_>,
    ) -> Result<()> {
        let st = self.flows.get(f).copied().unwrap_or_default();
        if PBC_NUM != 0 {
            out.u16(st.port);
        }
        if PBC_STR != 0 {
            out.str(self.name(&st));
        }
        Ok(())
    }
}

t2_plugin::export_plugin!(
    PortClassifier,
    config,
    [on_new_flow, on_layer2, on_layer4, on_flow_terminate]
);
