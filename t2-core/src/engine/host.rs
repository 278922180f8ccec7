//! The plugin host: finds, checks and loads `NNN_name.so` plugins, gives each one its
//! [`T2Host`] service table, and calls their callbacks in plugin order.
//!
//! Contract:
//! - Loading follows spec §3 and ARCHITECTURE.md §2: files named `NNN_name.so` in the plugin
//!   folder, loaded in ascending file-name order, filtered by the whitelist (`-b` or
//!   `plugins.txt`); `dlopen(RTLD_NOW | RTLD_LOCAL)`; the entry symbol `t2_plugin_entry_v1`;
//!   magic, ABI major/minor and descriptor size checked; duplicate names and missing (or
//!   later-ordered) dependencies refused. A refused plugin is reported with what to do and the
//!   run goes on without it. Libraries are never unloaded (see ARCHITECTURE.md).
//! - A callback returning anything but `T2_OK` disables that plugin for the rest of the run;
//!   its columns are then written as empty values, so rows never misalign.
//! - Host functions reach the shared [`HostState`] through the per-plugin context pointer.
//!   The engine never holds a borrow of the state across a plugin call.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::path::{Path, PathBuf};

use t2_abi::*;

use crate::log::{Level, Logger};

/// Phase of the run, which decides what host functions accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Init,
    Running,
}

/// A declared flow-file column with owned strings.
#[derive(Debug)]
pub struct Column {
    pub name: Box<str>,
    pub desc: Box<str>,
    pub type_: Box<str>,
    pub bits: Vec<(u64, Box<str>, Box<str>)>,
    /// Index of the declaring plugin; `None` for the core's columns.
    pub plugin: Option<usize>,
}

/// State shared by every plugin's host functions and the engine.
pub struct HostState {
    pub phase: Cell<Phase>,
    pub log: RefCell<Logger>,
    pub columns: RefCell<Vec<Column>>,
    /// `T2ColumnDecl`s pointing into `columns`; rebuilt when the schema is first requested
    /// after a declaration.
    decls: RefCell<Vec<T2ColumnDecl>>,
    decls_dirty: Cell<bool>,
    pub packet_columns: RefCell<Vec<String>>,
    pub timeouts: RefCell<Vec<f32>>,
    pub terminate_requests: RefCell<Vec<u64>>,
    pub alarms: Cell<u64>,
    /// Reports of zero alarms for the flow being terminated (a plugin's "no" under ALARM_AND).
    pub alarm_vetoes: Cell<u64>,
    pub exports: RefCell<Vec<(String, u32, T2Exported)>>,
    pub flows: Cell<*mut T2Flow>,
    pub capacity: Cell<u64>,
    /// Packet-mode line being assembled.
    pub packet_line: RefCell<String>,
    pub bit_tables: RefCell<Vec<Vec<T2BitDesc>>>,
}

impl HostState {
    pub fn new(log: Logger) -> HostState {
        HostState {
            phase: Cell::new(Phase::Init),
            log: RefCell::new(log),
            columns: RefCell::new(Vec::new()),
            decls: RefCell::new(Vec::new()),
            decls_dirty: Cell::new(true),
            packet_columns: RefCell::new(Vec::new()),
            timeouts: RefCell::new(Vec::new()),
            terminate_requests: RefCell::new(Vec::new()),
            alarms: Cell::new(0),
            alarm_vetoes: Cell::new(0),
            exports: RefCell::new(Vec::new()),
            flows: Cell::new(std::ptr::null_mut()),
            capacity: Cell::new(0),
            packet_line: RefCell::new(String::new()),
            bit_tables: RefCell::new(Vec::new()),
        }
    }

    /// Declares a column (the core's own, or on behalf of a plugin).
    pub fn declare(&self, col: Column) {
        self.columns.borrow_mut().push(col);
        self.decls_dirty.set(true);
    }

    /// The schema as the ABI hands it to sinks. Valid until the next declaration.
    pub fn schema(&self) -> T2Schema {
        if self.decls_dirty.get() {
            let cols = self.columns.borrow();
            let mut tables = self.bit_tables.borrow_mut();
            tables.clear();
            for c in cols.iter() {
                tables.push(
                    c.bits.iter().map(|(m, n, d)| T2BitDesc { mask: *m, name: T2Str::new(n), desc: T2Str::new(d) }).collect(),
                );
            }
            let mut decls = self.decls.borrow_mut();
            decls.clear();
            for (c, t) in cols.iter().zip(tables.iter()) {
                decls.push(T2ColumnDecl {
                    name: T2Str::new(&c.name),
                    desc: T2Str::new(&c.desc),
                    type_: T2Str::new(&c.type_),
                    bits: if t.is_empty() { std::ptr::null() } else { t.as_ptr() },
                    bits_len: t.len(),
                });
            }
            self.decls_dirty.set(false);
        }
        let decls = self.decls.borrow();
        T2Schema { columns: decls.as_ptr(), len: decls.len() }
    }

    fn log_line(&self, level: u32, msg: &str) {
        let mut log = self.log.borrow_mut();
        match level {
            T2_LOG_ERR => log.line(Level::Err, msg),
            T2_LOG_WRN => log.line(Level::Wrn, msg),
            T2_LOG_INF => log.line(Level::Inf, msg),
            T2_LOG_OK => log.line(Level::Ok, msg),
            T2_LOG_DBG => {}
            _ => log.plain(msg),
        }
    }
}

/// What the host knows about one plugin instance's calls.
pub struct PluginCtx {
    state: *const HostState,
    index: usize,
    name: String,
}

/// A loaded plugin.
pub struct Plugin {
    pub name: String,
    pub version: String,
    pub number: u16,
    pub file: PathBuf,
    pub deps: Vec<String>,
    pub build_config: Vec<(String, String)>,
    vt: T2PluginVtable,
    instance: *mut c_void,
    /// Why the plugin was disabled during the run, if it was.
    pub disabled: Option<String>,
    initialised: bool,
    finalized: bool,
    /// Kept alive (never read) because `host.ctx` points into it.
    _ctx: Box<PluginCtx>,
    host: Box<T2Host>,
}

impl Plugin {
    pub fn is_sink(&self) -> bool {
        self.vt.buffer_to_sink.is_some()
    }
    pub fn has_terminate(&self) -> bool {
        self.vt.on_flow_terminate.is_some()
    }
    pub fn active(&self) -> bool {
        self.disabled.is_none() && self.initialised
    }
}

/// A plugin the loader refused, with the reason and what to do.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub file: PathBuf,
    pub message: String,
}

/// Parses a plugin whitelist (`plugins.txt` / `-b`): one entry per line, `#` comments; an
/// entry is `100_basicFlow.so`, `100_basicFlow` or `basicFlow`.
pub fn parse_plugin_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let l = l.strip_suffix(".so").unwrap_or(l);
            plugin_name_of(l).unwrap_or(l).to_string()
        })
        .collect()
}

/// `NNN_name` → `name`; `None` if the stem is not of that form.
fn plugin_name_of(stem: &str) -> Option<&str> {
    let b = stem.as_bytes();
    if b.len() >= 5 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b'_' {
        Some(&stem[4..])
    } else {
        None
    }
}

/// The plugin files of a folder in load order: `NNN_name.so`, name of `[A-Za-z0-9_]+`, sorted
/// by file name (T2's `scandir(..., alphasort)`).
pub fn plugin_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let Some(f) = p.file_name().and_then(|f| f.to_str()) else { return false };
            let Some(stem) = f.strip_suffix(".so") else { return false };
            f.len() >= 8
                && plugin_name_of(stem).is_some_and(|n| n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
        })
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Loads and checks one plugin file. Does not call `init`.
fn load_one(path: &Path, state: *const HostState, index: usize, loaded: &[Plugin]) -> Result<Plugin, String> {
    use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
    let fname = path.file_name().and_then(|f| f.to_str()).unwrap_or("?").to_string();
    // SAFETY: loading a library runs its initialisers; plugins are trusted code the user
    // installed (as in T2). RTLD_LOCAL keeps its symbols out of the global namespace.
    let lib = unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
        .map_err(|e| format!("cannot load plugin '{fname}': {e}. Rebuild it with 't2build NAME' or remove it with 't2build -u NAME'"))?;
    // SAFETY: the symbol, if present, has the documented signature T2EntryFn.
    let entry: T2EntryFn = match unsafe { lib.get::<T2EntryFn>(T2_ENTRY_SYMBOL_C) } {
        Ok(sym) => *sym,
        Err(_) => {
            std::mem::forget(lib);
            return Err(format!(
                "'{fname}' is not a t2 plugin (no symbol {T2_ENTRY_SYMBOL}; it may have been built for another major ABI version or for the original Tranalyzer2). Remove it from the plugin folder or rebuild it with 't2build {}'",
                plugin_name_of(fname.strip_suffix(".so").unwrap_or(&fname)).unwrap_or("NAME")
            ));
        }
    };
    // SAFETY: calling the entry returns a pointer to a 'static descriptor (or null).
    let dp = unsafe { entry() };
    // Libraries are never unloaded (thread-local destructors make dlclose unsafe).
    std::mem::forget(lib);
    let stem_name = plugin_name_of(fname.strip_suffix(".so").unwrap_or(&fname)).unwrap_or("NAME").to_string();
    let fix = format!(
        "rebuild it with 't2build {stem_name}' (or 't2build DIR' for a plugin built outside the source tree) or remove it with 't2build -u {stem_name}'"
    );
    if dp.is_null() {
        return Err(format!("'{fname}': the plugin entry returned no descriptor; {fix}"));
    }
    // Read the frozen prefix first.
    // SAFETY: every descriptor starts with the frozen fields (magic, major, minor, size).
    let (magic, major, minor, size) = unsafe { ((*dp).magic, (*dp).abi_major, (*dp).abi_minor, (*dp).size) };
    if magic != T2_ABI_MAGIC {
        return Err(format!("'{fname}' is not a t2 plugin (bad magic 0x{magic:08x}). Remove it from the plugin folder or {fix}"));
    }
    if major != T2_ABI_MAJOR {
        return Err(format!(
            "'{fname}' was built for plugin ABI {major}.{minor}, but this t2 speaks ABI {T2_ABI_MAJOR}.{T2_ABI_MINOR}: rebuild the plugin against this version ('t2build {stem_name}', or 't2build DIR' for a plugin built outside the source tree) or remove it ('t2build -u {stem_name}')"
        ));
    }
    if minor > T2_ABI_MINOR {
        return Err(format!(
            "'{fname}' needs plugin ABI {major}.{minor}, newer than this t2's {T2_ABI_MAJOR}.{T2_ABI_MINOR}: update t2 ('t2build tranalyzer2') or rebuild the plugin against this version ('t2build {stem_name}', or 't2build DIR' for a plugin built outside the source tree)"
        ));
    }
    const V1_0_SIZE: u32 = T2PluginDescriptor::CURRENT_SIZE; // minor 0 is the first
    if size < V1_0_SIZE {
        return Err(format!("'{fname}': descriptor too small ({size} bytes, ABI 1.0 needs {V1_0_SIZE}); {fix}"));
    }
    // SAFETY: size checked: the plugin's descriptor covers every field of ABI 1.0.
    let d: T2PluginDescriptor = unsafe { *dp };
    // SAFETY: descriptor strings are 'static in the plugin.
    let name = unsafe { d.name.to_str() }.unwrap_or("").to_string();
    let version = unsafe { d.version.to_str() }.unwrap_or("").to_string();
    let deps_s = unsafe { d.dependencies.to_str() }.unwrap_or("").to_string();
    if name.is_empty() || name.len() > 31 {
        return Err(format!("'{fname}': invalid plugin name (1 to 31 characters); {fix}"));
    }
    if version.len() > 15 {
        return Err(format!("'{fname}': plugin version longer than 15 characters; {fix}"));
    }
    if d.vtable.init.is_none() || d.vtable.finalize.is_none() {
        return Err(format!("'{fname}': plugin '{name}' lacks init or finalize; {fix}"));
    }
    if let Some(p) = loaded.iter().find(|p| p.name == name) {
        return Err(format!(
            "'{fname}': a plugin named '{name}' is already loaded from '{}'; remove one of them (t2build -u {name})",
            p.file.display()
        ));
    }
    let deps: Vec<String> = deps_s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    let missing: Vec<&String> = deps.iter().filter(|dn| !loaded.iter().any(|p| &&p.name == dn)).collect();
    if !missing.is_empty() {
        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(format!(
            "plugin '{name}' ({fname}) has missing dependencies: {} (they must be installed with a lower plugin number: t2build {})",
            list.join(", "),
            list.join(" ")
        ));
    }
    let mut build_config = Vec::new();
    if !d.build_config.is_null() {
        // SAFETY: the descriptor's table has build_config_len 'static entries.
        let entries = unsafe { std::slice::from_raw_parts(d.build_config, d.build_config_len) };
        for e in entries {
            // SAFETY: 'static strings of the plugin.
            let (n, v) = unsafe { (e.name.to_str().unwrap_or(""), e.value.to_str().unwrap_or("")) };
            build_config.push((n.to_string(), v.to_string()));
        }
    }
    let mut ctx = Box::new(PluginCtx { state, index, name: name.clone() });
    let host = Box::new(make_host(&mut *ctx as *mut PluginCtx as *mut c_void));
    Ok(Plugin {
        name,
        version,
        number: d.number,
        file: path.to_path_buf(),
        deps,
        build_config,
        vt: d.vtable,
        instance: std::ptr::null_mut(),
        disabled: None,
        initialised: false,
        finalized: false,
        _ctx: ctx,
        host,
    })
}

/// Loads the plugins of `dir` (filtered by `whitelist` if given) in load order. Refused files
/// are returned with their reasons; loading continues without them.
pub fn load_plugins(dir: &Path, whitelist: Option<&[String]>, state: *const HostState) -> (Vec<Plugin>, Vec<Refusal>) {
    let mut plugins: Vec<Plugin> = Vec::new();
    let mut refused = Vec::new();
    let files = match plugin_files(dir) {
        Ok(f) => f,
        Err(_) => return (plugins, refused),
    };
    for f in files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let name = plugin_name_of(stem).unwrap_or(stem);
        if let Some(wl) = whitelist
            && !wl.iter().any(|w| w == name)
        {
            continue;
        }
        match load_one(&f, state, plugins.len(), &plugins) {
            Ok(p) => plugins.push(p),
            Err(message) => refused.push(Refusal { file: f, message }),
        }
    }
    (plugins, refused)
}

/// The columns the plugins of `dir` declare in `init`, with their bit tables (for
/// `t2 --bit-tables`): every plugin is loaded and only its `init` is called, with a minimal
/// context (no packet mode, 16 flow slots, output prefix `scratch`). Nothing else is called and
/// the instances are leaked: meant for a process that exits afterwards. Each column comes with
/// the name of the plugin that declared it.
pub fn declared_columns(dir: &Path, scratch: &str) -> (Vec<(String, Column)>, Vec<Refusal>) {
    let state: &'static HostState = Box::leak(Box::new(HostState::new(Logger::sink())));
    let (mut plugins, refused) = load_plugins(dir, None, state);
    let flows = Box::leak(Box::new(crate::engine::flow_table::FlowTable::new(16, 182.0)));
    let infos: Vec<T2PluginInfo> = plugins
        .iter()
        .map(|p| T2PluginInfo { name: T2Str::new(&p.name), version: T2Str::new(&p.version), number: p.number, _pad: [0; 6] })
        .collect();
    let zero = T2Time { sec: 0, nsec: 0, _pad: 0 };
    let ctx = T2InitContext {
        size: std::mem::size_of::<T2InitContext>() as u32,
        packet_mode: 0,
        _pad: [0; 3],
        flow_capacity: 16,
        flows: flows.flows_ptr(),
        flow_stride: std::mem::size_of::<T2Flow>(),
        output_prefix: T2Str::new(scratch),
        split_size: 0,
        split_by_flows: 0,
        _pad2: [0; 3],
        split_start: 0,
        core_config: std::ptr::null(),
        core_config_len: 0,
        run: T2RunInfo {
            product: T2Str::EMPTY,
            command_line: T2Str::EMPTY,
            pid: std::process::id(),
            priority: 0,
            sensor_id: 0,
            _pad: 0,
            start: zero,
            core_config_desc: T2Str::EMPTY,
            hw_info: T2Str::EMPTY,
            sw_info: T2Str::EMPTY,
            interfaces: T2Str::EMPTY,
            plugins: infos.as_ptr(),
            plugins_len: infos.len(),
        },
        plugin_dir: T2Str::new(dir.to_str().unwrap_or("")),
    };
    for p in plugins.iter_mut() {
        let mut inst: *mut c_void = std::ptr::null_mut();
        if let Some(init) = p.vt.init {
            // SAFETY: host table, context and state outlive the call (the state is leaked).
            let _ = unsafe { init(&*p.host, &ctx, &mut inst) };
        }
    }
    let names: Vec<String> = plugins.iter().map(|p| p.name.clone()).collect();
    std::mem::forget(plugins);
    std::mem::forget(infos);
    let cols = state.columns.take().into_iter().map(|c| (c.plugin.and_then(|i| names.get(i).cloned()).unwrap_or_default(), c)).collect();
    (cols, refused)
}

/// Runs `f` (a plugin callback) and disables the plugin when it does not return `T2_OK`.
fn checked(p: &mut Plugin, state: &HostState, what: &str, status: T2Status) {
    if status != T2_OK && p.disabled.is_none() {
        let why = if status == T2_PANIC { "panicked" } else { "failed" };
        // After the flows are written (report, finalize) there are no columns left to empty.
        let columns = if matches!(what, "report" | "finalize") { "" } else { " and its columns are left empty" };
        let msg = format!("plugin '{}' {why} in {what}; it is disabled for the rest of the run{columns}", p.name);
        state.log.borrow_mut().err(&msg);
        p.disabled = Some(format!("{why} in {what}"));
    }
}

/// The plugins of a run, with the shared host state.
pub struct Host {
    pub state: Box<HostState>,
    pub plugins: Vec<Plugin>,
    /// Type strings of each plugin's declared columns (filled after `init`), to write empty
    /// values for a disabled plugin without walking the whole schema per flow.
    pub column_types: Vec<Vec<Box<str>>>,
    /// ALARM_MODE: a flow reaches the sinks only if a plugin reported an alarm for it while it
    /// was being terminated.
    pub alarm_mode: bool,
    /// ALARM_AND: a flow is output only if some plugin reported alarms and none reported zero
    /// (every plugin that voted said yes); otherwise one plugin's alarm suffices.
    pub alarm_and: bool,
    /// Alarms reported so far, and flows that had at least one.
    pub alarm_total: u64,
    pub alarm_flows: u64,
}

impl Host {
    /// (alarms, flows with alarms) reported so far.
    pub fn alarm_totals(&self) -> (u64, u64) {
        (self.alarm_total, self.alarm_flows)
    }

    /// Calls every plugin's `init` in order, then `on_start`.
    pub fn init_all(&mut self, ctx: &T2InitContext) {
        for i in 0..self.plugins.len() {
            let p = &mut self.plugins[i];
            let init = p.vt.init.expect("checked at load");
            let mut inst: *mut c_void = std::ptr::null_mut();
            let first_col = self.state.columns.borrow().len();
            // SAFETY: host table and context outlive the run; the plugin writes its instance.
            let st = unsafe { init(&*p.host, ctx, &mut inst) };
            p.instance = inst;
            p.initialised = true;
            checked(p, &self.state, "init", st);
            if p.disabled.is_some() {
                // Its columns stay declared (so rows keep their shape) and are written empty.
                let _ = first_col;
            }
        }
        self.state.phase.set(Phase::Running);
        let _ = self.state.schema();
        self.column_types = (0..self.plugins.len())
            .map(|i| self.state.columns.borrow().iter().filter(|c| c.plugin == Some(i)).map(|c| c.type_.clone()).collect())
            .collect();
        for (p, cols) in self.plugins.iter().zip(&self.column_types) {
            if p.vt.on_flow_terminate.is_none() && !cols.is_empty() && p.disabled.is_none() {
                self.state.log.borrow_mut().wrn(&format!(
                    "plugin '{}' declares {} column(s) but has no on_flow_terminate: they will stay empty",
                    p.name,
                    cols.len()
                ));
            }
        }
        for p in self.plugins.iter_mut() {
            if let (Some(f), true) = (p.vt.on_start, p.active()) {
                // SAFETY: instance created by init.
                let st = unsafe { f(p.instance) };
                checked(p, &self.state, "on_start", st);
            }
        }
    }

    #[inline]
    pub fn on_new_flow(&mut self, pkt: &T2Packet, slot: u64) {
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.on_new_flow, &p.disabled) {
                // SAFETY: pkt valid for the call; instance from init.
                let st = unsafe { f(p.instance, pkt, slot) };
                if st != T2_OK {
                    checked(p, &self.state, "on_new_flow", st);
                }
            }
        }
    }

    #[inline]
    pub fn on_layer2(&mut self, pkt: &T2Packet, slot: u64) {
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.on_layer2, &p.disabled) {
                // SAFETY: as above.
                let st = unsafe { f(p.instance, pkt, slot) };
                if st != T2_OK {
                    checked(p, &self.state, "on_layer2", st);
                }
            }
        }
    }

    #[inline]
    pub fn on_layer4(&mut self, pkt: &T2Packet, slot: u64) {
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.on_layer4, &p.disabled) {
                // SAFETY: as above.
                let st = unsafe { f(p.instance, pkt, slot) };
                if st != T2_OK {
                    checked(p, &self.state, "on_layer4", st);
                }
            }
        }
    }

    /// Builds the record of a terminated flow into `rec` (after the core's columns) and hands
    /// it to every sink. A disabled plugin's columns get empty values.
    pub fn terminate(&mut self, slot: u64, rec: &mut Vec<u8>) {
        // Alarms reported during this flow's callbacks decide whether it is output.
        self.state.alarms.set(0);
        self.state.alarm_vetoes.set(0);
        for i in 0..self.plugins.len() {
            let p = &mut self.plugins[i];
            let start = rec.len();
            if let (Some(f), None) = (p.vt.on_flow_terminate, &p.disabled) {
                let mut ob = T2OutBuf { host: rec as *mut Vec<u8> as *mut c_void };
                // SAFETY: ob points at `rec` for the duration of the call.
                let st = unsafe { f(p.instance, slot, &mut ob) };
                if st != T2_OK {
                    checked(p, &self.state, "on_flow_terminate", st);
                }
            }
            // A plugin without the callback writes nothing: its declared columns (if any) get
            // their empty values, as a disabled plugin's do.
            if p.disabled.is_some() || p.vt.on_flow_terminate.is_none() {
                rec.truncate(start);
                for ty in &self.column_types[i] {
                    super::empty::push_empty(ty, rec);
                }
            }
        }
        let alarms = self.state.alarms.get();
        let alarmed = alarms > 0 && !(self.alarm_and && self.state.alarm_vetoes.get() > 0);
        if alarmed {
            self.alarm_total += alarms;
            self.alarm_flows += 1;
        }
        if self.alarm_mode && !alarmed {
            return;
        }
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.buffer_to_sink, &p.disabled) {
                // SAFETY: record valid for the call.
                let st = unsafe { f(p.instance, rec.as_ptr(), rec.len()) };
                if st != T2_OK {
                    checked(p, &self.state, "buffer_to_sink", st);
                }
            }
        }
    }

    /// Collects every plugin's end-report text.
    pub fn reports(&mut self) -> String {
        let mut text = String::new();
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.report, &p.disabled) {
                let mut w = T2Writer { host: &mut text as *mut String as *mut c_void };
                // SAFETY: writer valid for the call.
                let st = unsafe { f(p.instance, &mut w) };
                checked(p, &self.state, "report", st);
            }
        }
        text
    }

    /// Collects every plugin's monitoring text for `state` (T2_MON_HEADER: column names,
    /// T2_MON_VALUES: values, each field preceded by a TAB; T2_MON_REPORT: report lines).
    pub fn monitoring(&mut self, state: u8) -> String {
        let mut text = String::new();
        for p in self.plugins.iter_mut() {
            if let (Some(f), None) = (p.vt.monitoring, &p.disabled) {
                let mut w = T2Writer { host: &mut text as *mut String as *mut c_void };
                // SAFETY: writer valid for the call.
                let st = unsafe { f(p.instance, state, &mut w) };
                checked(p, &self.state, "monitoring", st);
            }
        }
        text
    }

    /// Calls every plugin's `finalize` once (also for disabled ones, so they can free).
    pub fn finalize_all(&mut self) {
        for p in self.plugins.iter_mut() {
            if p.initialised && !p.finalized {
                p.finalized = true;
                if let Some(f) = p.vt.finalize {
                    // SAFETY: instance from init; called once.
                    let st = unsafe { f(p.instance) };
                    checked(p, &self.state, "finalize", st);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Host functions (C ABI). Each casts `ctx` back to its PluginCtx and delegates.

fn make_host(ctx: *mut c_void) -> T2Host {
    T2Host {
        size: std::mem::size_of::<T2Host>() as u32,
        abi_major: T2_ABI_MAJOR,
        abi_minor: T2_ABI_MINOR,
        ctx,
        log: Some(host_log),
        declare_column: Some(host_declare_column),
        declare_packet_column: Some(host_declare_packet_column),
        schema: Some(host_schema),
        flow: Some(host_flow),
        register_timeout: Some(host_register_timeout),
        set_flow_timeout: Some(host_set_flow_timeout),
        terminate_flow: Some(host_terminate_flow),
        report_alarms: Some(host_report_alarms),
        packet_field: Some(host_packet_field),
        export_data: Some(host_export_data),
        import_data: Some(host_import_data),
        out_append: Some(host_out_append),
        write: Some(host_write),
    }
}

/// # Safety
/// `ctx` must be a context made by this host.
unsafe fn ctx_of<'a>(ctx: *mut c_void) -> (&'a PluginCtx, &'a HostState) {
    // SAFETY: guaranteed by the caller; the state outlives every plugin call.
    unsafe {
        let c = &*(ctx as *const PluginCtx);
        (c, &*c.state)
    }
}

fn str_of<'a>(s: T2Str) -> &'a str {
    // SAFETY: the ABI requires T2Str to be valid for the call.
    unsafe { s.to_str() }.unwrap_or("")
}

unsafe extern "C" fn host_log(ctx: *mut c_void, level: u32, msg: T2Str) {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    st.log_line(level, str_of(msg));
}

unsafe extern "C" fn host_declare_column(ctx: *mut c_void, decl: *const T2ColumnDecl) -> T2Status {
    // SAFETY: ctx from make_host.
    let (c, st) = unsafe { ctx_of(ctx) };
    if decl.is_null() || st.phase.get() != Phase::Init {
        return T2_EINVAL;
    }
    // SAFETY: non-null, valid for the call.
    let d = unsafe { &*decl };
    let name = str_of(d.name);
    let type_ = str_of(d.type_);
    if name.is_empty() || type_.is_empty() {
        return T2_EINVAL;
    }
    let mut bits = Vec::new();
    if !d.bits.is_null() {
        // SAFETY: bits_len entries valid for the call.
        for b in unsafe { std::slice::from_raw_parts(d.bits, d.bits_len) } {
            bits.push((b.mask, str_of(b.name).into(), str_of(b.desc).into()));
        }
    }
    st.declare(Column { name: name.into(), desc: str_of(d.desc).into(), type_: type_.into(), bits, plugin: Some(c.index) });
    T2_OK
}

unsafe extern "C" fn host_declare_packet_column(ctx: *mut c_void, name: T2Str) -> T2Status {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    if st.phase.get() != Phase::Init {
        return T2_EINVAL;
    }
    st.packet_columns.borrow_mut().push(str_of(name).to_string());
    T2_OK
}

unsafe extern "C" fn host_schema(ctx: *mut c_void) -> T2Schema {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    st.schema()
}

unsafe extern "C" fn host_flow(ctx: *mut c_void, index: u64) -> *mut T2Flow {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    if index >= st.capacity.get() || st.flows.get().is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: index < capacity of the flow array.
    unsafe { st.flows.get().add(index as usize) }
}

unsafe extern "C" fn host_register_timeout(ctx: *mut c_void, seconds: f32) -> T2Status {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    if st.phase.get() != Phase::Init || !(seconds.is_finite() && seconds >= 0.0) {
        return T2_EINVAL;
    }
    let mut t = st.timeouts.borrow_mut();
    if !t.contains(&seconds) {
        t.push(seconds);
    }
    T2_OK
}

unsafe extern "C" fn host_set_flow_timeout(ctx: *mut c_void, index: u64, seconds: f32) -> T2Status {
    // SAFETY: ctx from make_host.
    let (c, st) = unsafe { ctx_of(ctx) };
    if index >= st.capacity.get() {
        return T2_EINVAL;
    }
    if !st.timeouts.borrow().contains(&seconds) {
        st.log_line(
            T2_LOG_ERR,
            &format!("plugin '{}' set an unregistered flow timeout {seconds}; register it in init", c.name),
        );
        return T2_EINVAL;
    }
    // SAFETY: index < capacity.
    unsafe { (*st.flows.get().add(index as usize)).timeout = seconds };
    T2_OK
}

unsafe extern "C" fn host_terminate_flow(ctx: *mut c_void, index: u64) {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    st.terminate_requests.borrow_mut().push(index);
}

unsafe extern "C" fn host_report_alarms(ctx: *mut c_void, n: u32) {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    st.alarms.set(st.alarms.get() + n as u64);
    if n == 0 {
        st.alarm_vetoes.set(st.alarm_vetoes.get() + 1);
    }
}

unsafe extern "C" fn host_packet_field(ctx: *mut c_void, text: T2Str) {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    let mut line = st.packet_line.borrow_mut();
    line.push_str(str_of(text));
    line.push('\t');
}

unsafe extern "C" fn host_export_data(ctx: *mut c_void, name: T2Str, version: u32, data: T2Exported) -> T2Status {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    if st.phase.get() != Phase::Init {
        return T2_EINVAL;
    }
    let name = str_of(name).to_string();
    let mut ex = st.exports.borrow_mut();
    if ex.iter().any(|(n, _, _)| *n == name) {
        return T2_EINVAL;
    }
    ex.push((name, version, data));
    T2_OK
}

unsafe extern "C" fn host_import_data(ctx: *mut c_void, name: T2Str, version: u32, out: *mut T2Exported) -> T2Status {
    // SAFETY: ctx from make_host.
    let (_, st) = unsafe { ctx_of(ctx) };
    let name = str_of(name);
    let ex = st.exports.borrow();
    match ex.iter().find(|(n, v, _)| n == name && *v == version) {
        Some((_, _, d)) if !out.is_null() => {
            // SAFETY: out is non-null and valid for the call.
            unsafe { *out = *d };
            T2_OK
        }
        _ => T2_EINVAL,
    }
}

unsafe extern "C" fn host_out_append(buf: *mut T2OutBuf, data: *const u8, len: usize) {
    if buf.is_null() || (data.is_null() && len > 0) {
        return;
    }
    // SAFETY: buf made by Host::terminate pointing at a live Vec<u8>.
    let v = unsafe { &mut *((*buf).host as *mut Vec<u8>) };
    if len > 0 {
        // SAFETY: data valid for len bytes.
        v.extend_from_slice(unsafe { std::slice::from_raw_parts(data, len) });
    }
}

unsafe extern "C" fn host_write(w: *mut T2Writer, text: T2Str) {
    if w.is_null() {
        return;
    }
    // SAFETY: writer made by Host pointing at a live String.
    let s = unsafe { &mut *((*w).host as *mut String) };
    s.push_str(str_of(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_entries_in_all_three_forms() {
        let l = parse_plugin_list("# default\n100_basicFlow.so\n901_txtSink\nbasicStats # stats\n\n");
        assert_eq!(l, vec!["basicFlow", "txtSink", "basicStats"]);
    }

    #[test]
    fn plugin_file_names() {
        let d = tempfile_dir();
        for f in ["100_basicFlow.so", "901_txtSink.so", "1_x.so", "abc_def.so", "120_bad-name.so", "099_a.so", "readme.txt"] {
            std::fs::write(d.join(f), b"").unwrap();
        }
        let got: Vec<String> =
            plugin_files(&d).unwrap().iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_string()).collect();
        assert_eq!(got, vec!["099_a.so", "100_basicFlow.so", "901_txtSink.so"]);
        std::fs::remove_dir_all(d).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("t2-host-test-{}-{}", std::process::id(), line!()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
