//! A minimal in-process host to unit-test plugins without the core: it implements every
//! [`T2Host`] service over Rust data, drives a plugin's vtable through its descriptor, and
//! collects columns, records, logs and report text.
//!
//! ```ignore
//! let mut h = MockHost::new(16);
//! h.declare_core_columns();                       // dir, flowInd
//! let p = h.load(my_plugin::descriptor()).unwrap();
//! h.start(&p).unwrap();
//! h.flows[0] = T2Flow { ... };
//! h.new_flow(&p, &pkt, 0).unwrap();
//! h.layer4(&p, &pkt, 0).unwrap();
//! let rec = h.terminate(&p, 0).unwrap();          // the plugin's encoded columns
//! h.finalize(p).unwrap();
//! ```
//! Not for production use: no checks beyond what the tests need.

use crate::host::t2str;
use std::ffi::c_void;
use t2_abi::*;

/// Owned form of a column declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredColumn {
    pub name: String,
    pub desc: String,
    pub type_: String,
    pub bits: Vec<(u64, String, String)>,
}

/// Everything the mock host's services record. `T2Host::ctx` points here.
#[derive(Debug, Default)]
pub struct HostState {
    pub columns: Vec<DeclaredColumn>,
    decls: Vec<T2ColumnDecl>,
    pub packet_columns: Vec<String>,
    pub logs: Vec<(u32, String)>,
    pub timeouts: Vec<f32>,
    pub packet_fields: Vec<String>,
    pub terminated: Vec<u64>,
    pub alarms: u32,
    pub exports: Vec<(String, u32, T2Exported)>,
    flows: *mut T2Flow,
    flow_count: usize,
}

/// Run information strings owned by the mock (edit before `load`).
#[derive(Clone, Debug)]
pub struct RunStrings {
    pub product: String,
    pub command_line: String,
    pub core_config_desc: String,
    pub hw_info: String,
    pub sw_info: String,
    pub interfaces: String,
    pub output_prefix: String,
    pub plugin_dir: String,
    /// `(number, name, version)` of the loaded plugins.
    pub plugins: Vec<(u16, String, String)>,
    pub core_config: Vec<(String, String)>,
}

impl Default for RunStrings {
    fn default() -> Self {
        RunStrings {
            product: "Tranalyzer 0.9.3 (Anteater), Cobra".into(),
            command_line: "t2 -r test.pcap".into(),
            core_config_desc: "L2, IPv4, IPv6".into(),
            hw_info: "host;Linux;6.0;#1;x86_64".into(),
            sw_info: "libpcap version 1.10.3".into(),
            interfaces: String::new(),
            output_prefix: "test".into(),
            plugin_dir: ".".into(),
            plugins: Vec::new(),
            core_config: Vec::new(),
        }
    }
}

/// The mock host. Always boxed (the ABI structs point into it).
pub struct MockHost {
    pub host: T2Host,
    pub ctx: T2InitContext,
    pub state: Box<HostState>,
    /// The flow array plugins see (slot = index).
    pub flows: Vec<T2Flow>,
    pub strings: RunStrings,
    plugin_infos: Vec<T2PluginInfo>,
    core_cfg: Vec<T2ConfigEntry>,
}

/// A loaded plugin instance.
#[derive(Debug)]
pub struct Loaded {
    pub desc: &'static T2PluginDescriptor,
    pub instance: *mut c_void,
}

fn st<'a>(ctx: *mut c_void) -> &'a mut HostState {
    // SAFETY: ctx is the HostState of a live MockHost.
    unsafe { &mut *(ctx as *mut HostState) }
}

unsafe extern "C" fn h_log(ctx: *mut c_void, level: u32, msg: T2Str) {
    // SAFETY: borrowed for the call.
    let m = unsafe { t2str(msg) }.to_string();
    st(ctx).logs.push((level, m));
}
unsafe extern "C" fn h_declare_column(ctx: *mut c_void, d: *const T2ColumnDecl) -> T2Status {
    // SAFETY: valid for the call.
    let d = unsafe { &*d };
    if crate::schema::Group::parse(unsafe { t2str(d.type_) }).is_err() {
        return T2_EINVAL;
    }
    let bits = if d.bits.is_null() {
        Vec::new()
    } else {
        // SAFETY: valid for the call.
        unsafe { std::slice::from_raw_parts(d.bits, d.bits_len) }
            .iter()
            // SAFETY: valid for the call.
            .map(|b| unsafe { (b.mask, t2str(b.name).to_string(), t2str(b.desc).to_string()) })
            .collect()
    };
    // SAFETY: valid for the call.
    let col = unsafe {
        DeclaredColumn {
            name: t2str(d.name).to_string(),
            desc: t2str(d.desc).to_string(),
            type_: t2str(d.type_).to_string(),
            bits,
        }
    };
    st(ctx).columns.push(col);
    T2_OK
}
unsafe extern "C" fn h_declare_packet_column(ctx: *mut c_void, name: T2Str) -> T2Status {
    // SAFETY: valid for the call.
    st(ctx)
        .packet_columns
        .push(unsafe { t2str(name) }.to_string());
    T2_OK
}
unsafe extern "C" fn h_schema(ctx: *mut c_void) -> T2Schema {
    let s = st(ctx);
    s.decls = s
        .columns
        .iter()
        .map(|c| T2ColumnDecl {
            name: T2Str::new(&c.name),
            desc: T2Str::new(&c.desc),
            type_: T2Str::new(&c.type_),
            bits: std::ptr::null(),
            bits_len: 0,
        })
        .collect();
    T2Schema {
        columns: s.decls.as_ptr(),
        len: s.decls.len(),
    }
}
unsafe extern "C" fn h_flow(ctx: *mut c_void, index: u64) -> *mut T2Flow {
    let s = st(ctx);
    if (index as usize) < s.flow_count {
        // SAFETY: in range.
        unsafe { s.flows.add(index as usize) }
    } else {
        std::ptr::null_mut()
    }
}
unsafe extern "C" fn h_register_timeout(ctx: *mut c_void, secs: f32) -> T2Status {
    st(ctx).timeouts.push(secs);
    T2_OK
}
unsafe extern "C" fn h_set_flow_timeout(ctx: *mut c_void, index: u64, secs: f32) -> T2Status {
    let s = st(ctx);
    if secs != 182.0 && !s.timeouts.contains(&secs) {
        return T2_EINVAL;
    }
    // SAFETY: host function.
    let f = unsafe { h_flow(ctx, index) };
    if f.is_null() {
        return T2_EINVAL;
    }
    // SAFETY: in range.
    unsafe { (*f).timeout = secs };
    T2_OK
}
unsafe extern "C" fn h_terminate_flow(ctx: *mut c_void, index: u64) {
    st(ctx).terminated.push(index);
}
unsafe extern "C" fn h_report_alarms(ctx: *mut c_void, n: u32) {
    st(ctx).alarms += n;
}
unsafe extern "C" fn h_packet_field(ctx: *mut c_void, text: T2Str) {
    // SAFETY: valid for the call.
    st(ctx)
        .packet_fields
        .push(unsafe { t2str(text) }.to_string());
}
unsafe extern "C" fn h_export(
    ctx: *mut c_void,
    name: T2Str,
    ver: u32,
    data: T2Exported,
) -> T2Status {
    // SAFETY: valid for the call.
    st(ctx)
        .exports
        .push((unsafe { t2str(name) }.to_string(), ver, data));
    T2_OK
}
unsafe extern "C" fn h_import(
    ctx: *mut c_void,
    name: T2Str,
    ver: u32,
    out: *mut T2Exported,
) -> T2Status {
    // SAFETY: valid for the call.
    let name = unsafe { t2str(name) };
    match st(ctx)
        .exports
        .iter()
        .find(|(n, v, _)| n == name && *v == ver)
    {
        Some((_, _, d)) => {
            // SAFETY: valid destination.
            unsafe { *out = *d };
            T2_OK
        }
        None => T2_EINVAL,
    }
}
unsafe extern "C" fn h_out_append(buf: *mut T2OutBuf, data: *const u8, len: usize) {
    // SAFETY: buf.host is a Vec<u8> of the mock; data valid for len bytes.
    unsafe {
        let v = &mut *((*buf).host as *mut Vec<u8>);
        v.extend_from_slice(std::slice::from_raw_parts(data, len));
    }
}
unsafe extern "C" fn h_write(w: *mut T2Writer, text: T2Str) {
    // SAFETY: w.host is a String of the mock.
    unsafe {
        let s = &mut *((*w).host as *mut String);
        s.push_str(t2str(text));
    }
}

fn check(st: T2Status, what: &str) -> Result<(), String> {
    if st == T2_OK {
        Ok(())
    } else {
        Err(format!("{what} returned {st}"))
    }
}

impl MockHost {
    /// A host with `capacity` flow slots (all zero, `opposite = NONE`).
    pub fn new(capacity: usize) -> Box<MockHost> {
        let flows = vec![
            T2Flow {
                opposite: T2_FLOW_NONE,
                timeout: 182.0,
                ..Default::default()
            };
            capacity
        ];
        let mut m = Box::new(MockHost {
            host: T2Host {
                size: std::mem::size_of::<T2Host>() as u32,
                abi_major: T2_ABI_MAJOR,
                abi_minor: T2_ABI_MINOR,
                ctx: std::ptr::null_mut(),
                log: Some(h_log),
                declare_column: Some(h_declare_column),
                declare_packet_column: Some(h_declare_packet_column),
                schema: Some(h_schema),
                flow: Some(h_flow),
                register_timeout: Some(h_register_timeout),
                set_flow_timeout: Some(h_set_flow_timeout),
                terminate_flow: Some(h_terminate_flow),
                report_alarms: Some(h_report_alarms),
                packet_field: Some(h_packet_field),
                export_data: Some(h_export),
                import_data: Some(h_import),
                out_append: Some(h_out_append),
                write: Some(h_write),
            },
            ctx: T2InitContext {
                size: std::mem::size_of::<T2InitContext>() as u32,
                packet_mode: 0,
                _pad: [0; 3],
                flow_capacity: capacity as u64,
                flows: std::ptr::null_mut(),
                flow_stride: std::mem::size_of::<T2Flow>(),
                output_prefix: T2Str::EMPTY,
                split_size: 0,
                split_by_flows: 0,
                _pad2: [0; 3],
                split_start: 0,
                core_config: std::ptr::null(),
                core_config_len: 0,
                run: T2RunInfo {
                    product: T2Str::EMPTY,
                    command_line: T2Str::EMPTY,
                    pid: 1,
                    priority: 0,
                    sensor_id: 666,
                    _pad: 0,
                    start: T2Time::default(),
                    core_config_desc: T2Str::EMPTY,
                    hw_info: T2Str::EMPTY,
                    sw_info: T2Str::EMPTY,
                    interfaces: T2Str::EMPTY,
                    plugins: std::ptr::null(),
                    plugins_len: 0,
                },
                plugin_dir: T2Str::EMPTY,
            },
            state: Box::default(),
            flows,
            strings: RunStrings::default(),
            plugin_infos: Vec::new(),
            core_cfg: Vec::new(),
        });
        m.sync();
        m
    }

    /// Re-points the ABI structs at the current strings and flows (call after editing
    /// `strings` or `flows`' length; `load` calls it).
    pub fn sync(&mut self) {
        self.host.ctx = &mut *self.state as *mut HostState as *mut c_void;
        self.state.flows = self.flows.as_mut_ptr();
        self.state.flow_count = self.flows.len();
        self.ctx.flows = self.flows.as_mut_ptr();
        self.ctx.flow_capacity = self.flows.len() as u64;
        let s = &self.strings;
        self.ctx.output_prefix = T2Str::new(&s.output_prefix);
        self.ctx.plugin_dir = T2Str::new(&s.plugin_dir);
        self.ctx.run.product = T2Str::new(&s.product);
        self.ctx.run.command_line = T2Str::new(&s.command_line);
        self.ctx.run.core_config_desc = T2Str::new(&s.core_config_desc);
        self.ctx.run.hw_info = T2Str::new(&s.hw_info);
        self.ctx.run.sw_info = T2Str::new(&s.sw_info);
        self.ctx.run.interfaces = T2Str::new(&s.interfaces);
        self.plugin_infos = s
            .plugins
            .iter()
            .map(|(n, name, ver)| T2PluginInfo {
                name: T2Str::new(name),
                version: T2Str::new(ver),
                number: *n,
                _pad: [0; 6],
            })
            .collect();
        self.ctx.run.plugins = self.plugin_infos.as_ptr();
        self.ctx.run.plugins_len = self.plugin_infos.len();
        self.core_cfg = s
            .core_config
            .iter()
            .map(|(n, v)| T2ConfigEntry {
                name: T2Str::new(n),
                value: T2Str::new(v),
            })
            .collect();
        self.ctx.core_config = self.core_cfg.as_ptr();
        self.ctx.core_config_len = self.core_cfg.len();
    }

    /// Declares the core's `dir` and `flowInd` columns (as the real core does first).
    pub fn declare_core_columns(&mut self) {
        for (name, desc, ty) in [
            ("dir", "Flow direction", "DIR"),
            ("flowInd", "Flow index", "U64"),
        ] {
            self.state.columns.push(DeclaredColumn {
                name: name.into(),
                desc: desc.into(),
                type_: ty.into(),
                bits: Vec::new(),
            });
        }
    }

    /// Calls the plugin's `init`.
    pub fn load(&mut self, desc: &'static T2PluginDescriptor) -> Result<Loaded, String> {
        if desc.magic != T2_ABI_MAGIC || desc.abi_major != T2_ABI_MAJOR {
            return Err("not a v1 plugin".into());
        }
        self.sync();
        let init = desc.vtable.init.ok_or("no init")?;
        let mut inst = std::ptr::null_mut();
        // SAFETY: host and ctx live as long as the boxed mock.
        check(unsafe { init(&self.host, &self.ctx, &mut inst) }, "init")?;
        Ok(Loaded {
            desc,
            instance: inst,
        })
    }

    pub fn start(&mut self, p: &Loaded) -> Result<(), String> {
        match p.desc.vtable.on_start {
            // SAFETY: per the ABI.
            Some(f) => check(unsafe { f(p.instance) }, "on_start"),
            None => Ok(()),
        }
    }

    pub fn new_flow(&mut self, p: &Loaded, pkt: &T2Packet, flow: u64) -> Result<(), String> {
        match p.desc.vtable.on_new_flow {
            // SAFETY: per the ABI.
            Some(f) => check(unsafe { f(p.instance, pkt, flow) }, "on_new_flow"),
            None => Ok(()),
        }
    }

    /// `on_layer2`; `flow = None` for the first (every-packet) call.
    pub fn layer2(&mut self, p: &Loaded, pkt: &T2Packet, flow: Option<u64>) -> Result<(), String> {
        match p.desc.vtable.on_layer2 {
            // SAFETY: per the ABI.
            Some(f) => check(
                unsafe { f(p.instance, pkt, flow.unwrap_or(T2_FLOW_NONE)) },
                "on_layer2",
            ),
            None => Ok(()),
        }
    }

    pub fn layer4(&mut self, p: &Loaded, pkt: &T2Packet, flow: u64) -> Result<(), String> {
        match p.desc.vtable.on_layer4 {
            // SAFETY: per the ABI.
            Some(f) => check(unsafe { f(p.instance, pkt, flow) }, "on_layer4"),
            None => Ok(()),
        }
    }

    /// `on_flow_terminate`: returns the bytes the plugin appended.
    pub fn terminate(&mut self, p: &Loaded, flow: u64) -> Result<Vec<u8>, String> {
        let mut v: Vec<u8> = Vec::new();
        let mut buf = T2OutBuf {
            host: &mut v as *mut Vec<u8> as *mut c_void,
        };
        if let Some(f) = p.desc.vtable.on_flow_terminate {
            // SAFETY: per the ABI; `buf` lives for the call.
            check(
                unsafe { f(p.instance, flow, &mut buf) },
                "on_flow_terminate",
            )?;
        }
        Ok(v)
    }

    pub fn sink(&mut self, p: &Loaded, record: &[u8]) -> Result<(), String> {
        match p.desc.vtable.buffer_to_sink {
            // SAFETY: per the ABI.
            Some(f) => check(
                unsafe { f(p.instance, record.as_ptr(), record.len()) },
                "buffer_to_sink",
            ),
            None => Ok(()),
        }
    }

    /// `report`: returns the text.
    pub fn report(&mut self, p: &Loaded) -> Result<String, String> {
        let mut s = String::new();
        let mut w = T2Writer {
            host: &mut s as *mut String as *mut c_void,
        };
        if let Some(f) = p.desc.vtable.report {
            // SAFETY: per the ABI.
            check(unsafe { f(p.instance, &mut w) }, "report")?;
        }
        Ok(s)
    }

    pub fn finalize(&mut self, p: Loaded) -> Result<(), String> {
        match p.desc.vtable.finalize {
            // SAFETY: per the ABI, once.
            Some(f) => check(unsafe { f(p.instance) }, "finalize"),
            None => Ok(()),
        }
    }
}

/// A packet with no layers, for tests: fill in what the plugin reads.
pub fn empty_packet() -> T2Packet {
    T2Packet {
        size: std::mem::size_of::<T2Packet>() as u32,
        linktype: 1,
        data: std::ptr::null(),
        caplen: 0,
        wirelen: 0,
        ts: T2Time::default(),
        pkt_no: 1,
        status: 0,
        mac_off: T2_OFF_NONE,
        l2_off: T2_OFF_NONE,
        outer_l3_off: T2_OFF_NONE,
        l3_off: T2_OFF_NONE,
        l4_off: T2_OFF_NONE,
        l7_off: T2_OFF_NONE,
        eth_type: 0,
        vlan_id: 0,
        vlan_ids: [0; 4],
        vlan_count: 0,
        mpls_count: 0,
        ip_ver: 0,
        l4_proto: 0,
        src_port: 0,
        dst_port: 0,
        src_ip: [0; 16],
        dst_ip: [0; 16],
        l3_len: 0,
        l4_hdr_len: 0,
        l7_len: 0,
        snap_l3_len: 0,
        snap_l4_len: 0,
        snap_l7_len: 0,
        len: 0,
        pad_len: 0,
        num_hdrs: 0,
        ip_frag: 0,
        ip_id: 0,
        hdr_desc: T2Str::EMPTY,
    }
}
