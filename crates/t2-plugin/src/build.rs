//! `build.rs` helper: turns `t2plugin.toml` into compile-time constants (feature `build`).
//!
//! ```ignore
//! // plugins/myPlugin/build.rs
//! fn main() { t2_plugin::build::generate(); }
//! ```
//! writes `$OUT_DIR/t2plugin_config.rs`, included by [`config_module!`](crate::config_module):
//! ```ignore
//! pub const PLUGIN_NAME: &str = "basicFlow";
//! pub const PLUGIN_NUMBER: u16 = 100;
//! pub const PLUGIN_VERSION: &str = "0.9.3";
//! pub const PLUGIN_DESCRIPTION: &str = "...";
//! pub const PLUGIN_DEPENDENCIES: &str = "a,b";          // comma-joined
//! pub const PLUGIN_DEPENDENCY_LIST: &[&str] = &["a", "b"];
//! /// Print source and destination MAC addresses
//! pub const BFO_MAC: u8 = 1;
//! pub const BUILD_CONFIG: &[T2ConfigEntry] = &[ /* ("BFO_MAC", "1"), ... */ ];
//! ```
//! Values in `BUILD_CONFIG` are the TOML literals: integers in decimal, `true`/`false`,
//! floats as Rust prints them (`1.5`, `182.0`), strings without quotes.
//!
//! The file format (unknown keys are errors):
//! ```toml
//! [plugin]
//! name = "basicFlow"          # exactly as in T2
//! number = 100                # load order (0..=999)
//! version = "0.9.3"
//! description = "Basic flow information"
//! dependencies = []           # names of plugins that must be loaded first
//!
//! [config.BFO_MAC]
//! value = 1                   # what t2conf edits
//! default = 1                 # what --reset restores
//! type = "u8"                 # bool | u8 | u16 | u32 | u64 | i32 | i64 | f64 | str
//! range = [0, 1]              # optional inclusive range (numbers)
//! allowed = [0, 1]            # optional explicit set
//! doc = "Print source and destination MAC addresses"
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A `t2plugin.toml` error, naming the file and the key.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildError {
    pub file: String,
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: `{}`: {}", self.file, self.key, self.message)
        }
    }
}

impl std::error::Error for BuildError {}

/// Type of a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingType {
    Bool,
    U8,
    U16,
    U32,
    U64,
    I32,
    I64,
    F64,
    Str,
}

impl SettingType {
    pub const NAMES: &'static str = "bool, u8, u16, u32, u64, i32, i64, f64, str";

    pub fn parse(s: &str) -> Option<SettingType> {
        Some(match s {
            "bool" => SettingType::Bool,
            "u8" => SettingType::U8,
            "u16" => SettingType::U16,
            "u32" => SettingType::U32,
            "u64" => SettingType::U64,
            "i32" => SettingType::I32,
            "i64" => SettingType::I64,
            "f64" => SettingType::F64,
            "str" => SettingType::Str,
            _ => return None,
        })
    }

    /// The Rust type of the generated constant.
    pub fn rust_type(self) -> &'static str {
        match self {
            SettingType::Bool => "bool",
            SettingType::U8 => "u8",
            SettingType::U16 => "u16",
            SettingType::U32 => "u32",
            SettingType::U64 => "u64",
            SettingType::I32 => "i32",
            SettingType::I64 => "i64",
            SettingType::F64 => "f64",
            SettingType::Str => "&str",
        }
    }

    fn int_bounds(self) -> Option<(i128, i128)> {
        Some(match self {
            SettingType::U8 => (0, u8::MAX as i128),
            SettingType::U16 => (0, u16::MAX as i128),
            SettingType::U32 => (0, u32::MAX as i128),
            SettingType::U64 => (0, i64::MAX as i128), // TOML integers are i64
            SettingType::I32 => (i32::MIN as i128, i32::MAX as i128),
            SettingType::I64 => (i64::MIN as i128, i64::MAX as i128),
            _ => return None,
        })
    }
}

/// One `[config.NAME]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub name: String,
    pub value: Value,
    pub default: Value,
    pub ty: SettingType,
    pub range: Option<(Value, Value)>,
    pub allowed: Option<Vec<Value>>,
    pub doc: String,
}

impl Setting {
    /// Checks a candidate value against type, range and allowed set (what t2conf needs).
    pub fn check(&self, v: &Value) -> Result<(), String> {
        check_value(self.ty, self.range.as_ref(), self.allowed.as_deref(), v)
    }
}

/// A parsed `t2plugin.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub name: String,
    pub number: u16,
    pub version: String,
    pub description: String,
    pub dependencies: Vec<String>,
    /// In file order.
    pub settings: Vec<Setting>,
}

/// The literal form of a value (what `BUILD_CONFIG` holds).
pub fn value_literal(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn check_value(
    ty: SettingType,
    range: Option<&(Value, Value)>,
    allowed: Option<&[Value]>,
    v: &Value,
) -> Result<(), String> {
    match (ty, v) {
        (SettingType::Bool, Value::Boolean(_)) | (SettingType::Str, Value::String(_)) => {}
        (SettingType::F64, Value::Float(_) | Value::Integer(_)) => {}
        (t, Value::Integer(i)) if t.int_bounds().is_some() => {
            let (lo, hi) = t.int_bounds().unwrap_or((0, 0));
            if (*i as i128) < lo || (*i as i128) > hi {
                return Err(format!(
                    "{i} does not fit in {} ({lo}..={hi})",
                    t.rust_type()
                ));
            }
        }
        (t, v) => return Err(format!("{} is not a valid {}", v, t.rust_type())),
    }
    if let Some((lo, hi)) = range {
        if let (Some(x), Some(l), Some(h)) = (num(v), num(lo), num(hi)) {
            if x < l || x > h {
                return Err(format!("{} is outside the range [{}, {}]", v, lo, hi));
            }
        }
    }
    if let Some(set) = allowed {
        let ok = set
            .iter()
            .any(|a| a == v || matches!((num(a), num(v)), (Some(x), Some(y)) if x == y));
        if !ok {
            let list: Vec<String> = set.iter().map(|a| a.to_string()).collect();
            return Err(format!(
                "{} is not allowed (allowed: {})",
                v,
                list.join(", ")
            ));
        }
    }
    Ok(())
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

const RESERVED: &[&str] = &[
    "PLUGIN_NAME",
    "PLUGIN_NUMBER",
    "PLUGIN_VERSION",
    "PLUGIN_DESCRIPTION",
    "PLUGIN_DEPENDENCIES",
    "PLUGIN_DEPENDENCY_LIST",
    "BUILD_CONFIG",
];

/// Parses and validates the text of a `t2plugin.toml` (`file` is used in messages).
pub fn parse_manifest(text: &str, file: &str) -> Result<Manifest, BuildError> {
    let err = |key: &str, message: String| BuildError {
        file: file.to_string(),
        key: key.to_string(),
        message,
    };
    let root: Table = text
        .parse()
        .map_err(|e: toml::de::Error| err("", format!("not valid TOML: {e}")))?;
    for k in root.keys() {
        if k != "plugin" && k != "config" {
            return Err(err(k, "unknown table (allowed: plugin, config)".into()));
        }
    }
    let plugin = root
        .get("plugin")
        .and_then(Value::as_table)
        .ok_or_else(|| err("plugin", "missing [plugin] table".into()))?;
    for k in plugin.keys() {
        if !["name", "number", "version", "description", "dependencies"].contains(&k.as_str()) {
            return Err(err(
                &format!("plugin.{k}"),
                "unknown key (allowed: name, number, version, description, dependencies)".into(),
            ));
        }
    }
    let get_str = |k: &str, required: bool| -> Result<String, BuildError> {
        match plugin.get(k) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(err(
                &format!("plugin.{k}"),
                format!("expected a string, found {v}"),
            )),
            None if required => Err(err(&format!("plugin.{k}"), "missing".into())),
            None => Ok(String::new()),
        }
    };
    let name = get_str("name", true)?;
    if name.is_empty()
        || name.len() > 31
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(err(
            "plugin.name",
            format!("\"{name}\" must be 1..=31 characters of [A-Za-z0-9_]"),
        ));
    }
    let version = get_str("version", true)?;
    if version.is_empty() || version.len() > 15 {
        return Err(err("plugin.version", "must be 1..=15 characters".into()));
    }
    let description = get_str("description", false)?;
    let number = match plugin.get("number") {
        Some(Value::Integer(n)) if (0..=999).contains(n) => *n as u16,
        Some(v) => {
            return Err(err(
                "plugin.number",
                format!("{v} is not a plugin number (0..=999)"),
            ));
        }
        None => return Err(err("plugin.number", "missing".into())),
    };
    let mut dependencies = Vec::new();
    match plugin.get("dependencies") {
        None => {}
        Some(Value::Array(a)) => {
            for d in a {
                match d {
                    Value::String(s) if !s.is_empty() && !s.contains(',') => {
                        dependencies.push(s.clone())
                    }
                    v => {
                        return Err(err(
                            "plugin.dependencies",
                            format!("{v} is not a plugin name"),
                        ));
                    }
                }
            }
        }
        Some(v) => {
            return Err(err(
                "plugin.dependencies",
                format!("expected an array of names, found {v}"),
            ));
        }
    }

    let mut settings = Vec::new();
    if let Some(cfg) = root.get("config") {
        let cfg = cfg
            .as_table()
            .ok_or_else(|| err("config", "expected a table of settings".into()))?;
        for (sname, st) in cfg {
            let key = |k: &str| format!("config.{sname}.{k}");
            if !is_ident(sname) || RESERVED.contains(&sname.as_str()) {
                return Err(err(
                    &format!("config.{sname}"),
                    "not a valid setting name (a Rust identifier, not PLUGIN_*/BUILD_CONFIG)"
                        .into(),
                ));
            }
            let st = st
                .as_table()
                .ok_or_else(|| err(&format!("config.{sname}"), "expected a table".into()))?;
            for k in st.keys() {
                if !["value", "default", "type", "range", "allowed", "doc"].contains(&k.as_str()) {
                    return Err(err(
                        &key(k),
                        "unknown key (allowed: value, default, type, range, allowed, doc)".into(),
                    ));
                }
            }
            let ty = match st.get("type") {
                Some(Value::String(t)) => SettingType::parse(t).ok_or_else(|| {
                    err(
                        &key("type"),
                        format!("unknown type \"{t}\" (allowed: {})", SettingType::NAMES),
                    )
                })?,
                Some(v) => return Err(err(&key("type"), format!("expected a string, found {v}"))),
                None => {
                    return Err(err(
                        &key("type"),
                        format!("missing (one of: {})", SettingType::NAMES),
                    ));
                }
            };
            let range = match st.get("range") {
                None => None,
                Some(Value::Array(a)) if a.len() == 2 && a.iter().all(|x| num(x).is_some()) => {
                    if !matches!(
                        ty,
                        SettingType::U8
                            | SettingType::U16
                            | SettingType::U32
                            | SettingType::U64
                            | SettingType::I32
                            | SettingType::I64
                            | SettingType::F64
                    ) {
                        return Err(err(
                            &key("range"),
                            format!("a range needs a numeric type, not {}", ty.rust_type()),
                        ));
                    }
                    Some((a[0].clone(), a[1].clone()))
                }
                Some(v) => {
                    return Err(err(
                        &key("range"),
                        format!("expected [min, max], found {v}"),
                    ));
                }
            };
            let allowed = match st.get("allowed") {
                None => None,
                Some(Value::Array(a)) if !a.is_empty() => {
                    for x in a {
                        check_value(ty, None, None, x).map_err(|m| err(&key("allowed"), m))?;
                    }
                    Some(a.clone())
                }
                Some(v) => {
                    return Err(err(
                        &key("allowed"),
                        format!("expected a non-empty array, found {v}"),
                    ));
                }
            };
            let doc = match st.get("doc") {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => return Err(err(&key("doc"), format!("expected a string, found {v}"))),
            };
            let fetch = |k: &str| -> Result<Value, BuildError> {
                let v = st.get(k).ok_or_else(|| err(&key(k), "missing".into()))?;
                check_value(ty, range.as_ref(), allowed.as_deref(), v)
                    .map_err(|m| err(&key(k), m))?;
                Ok(v.clone())
            };
            let value = fetch("value")?;
            let default = fetch("default")?;
            settings.push(Setting {
                name: sname.clone(),
                value,
                default,
                ty,
                range,
                allowed,
                doc,
            });
        }
    }
    Ok(Manifest {
        name,
        number,
        version,
        description,
        dependencies,
        settings,
    })
}

fn rust_literal(ty: SettingType, v: &Value) -> String {
    match (ty, v) {
        (SettingType::Str, Value::String(s)) => format!("{s:?}"),
        (SettingType::F64, Value::Integer(i)) => format!("{:?}", *i as f64),
        (SettingType::F64, Value::Float(f)) => {
            if f.is_finite() {
                format!("{f:?}")
            } else if f.is_nan() {
                "f64::NAN".into()
            } else if *f > 0.0 {
                "f64::INFINITY".into()
            } else {
                "f64::NEG_INFINITY".into()
            }
        }
        (_, v) => value_literal(v),
    }
}

/// The Rust source of `t2plugin_config.rs` for a manifest.
pub fn render(m: &Manifest) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by t2_plugin::build from t2plugin.toml. Do not edit."
    );
    let _ = writeln!(
        s,
        "/// Plugin name (as in T2).\npub const PLUGIN_NAME: &str = {:?};",
        m.name
    );
    let _ = writeln!(
        s,
        "/// Plugin number (load order).\npub const PLUGIN_NUMBER: u16 = {};",
        m.number
    );
    let _ = writeln!(
        s,
        "/// Plugin version.\npub const PLUGIN_VERSION: &str = {:?};",
        m.version
    );
    let _ = writeln!(
        s,
        "/// Plugin description.\npub const PLUGIN_DESCRIPTION: &str = {:?};",
        m.description
    );
    let _ = writeln!(
        s,
        "/// Plugins that must be loaded first, comma-separated.\npub const PLUGIN_DEPENDENCIES: &str = {:?};",
        m.dependencies.join(",")
    );
    let _ = writeln!(
        s,
        "/// Plugins that must be loaded first.\npub const PLUGIN_DEPENDENCY_LIST: &[&str] = &{:?};",
        m.dependencies
    );
    for st in &m.settings {
        for line in st.doc.lines() {
            let _ = writeln!(s, "/// {line}");
        }
        let _ = writeln!(s, "///\n/// Default: `{}`.", value_literal(&st.default));
        let _ = writeln!(
            s,
            "pub const {}: {} = {};",
            st.name,
            st.ty.rust_type(),
            rust_literal(st.ty, &st.value)
        );
    }
    let _ = writeln!(
        s,
        "/// The settings this plugin was built with (exported in its descriptor)."
    );
    let _ = writeln!(
        s,
        "pub const BUILD_CONFIG: &[::t2_plugin::abi::T2ConfigEntry] = &["
    );
    for st in &m.settings {
        let _ = writeln!(
            s,
            "    ::t2_plugin::abi::T2ConfigEntry {{ name: ::t2_plugin::abi::T2Str::new({:?}), value: ::t2_plugin::abi::T2Str::new({:?}) }},",
            st.name,
            value_literal(&st.value)
        );
    }
    let _ = writeln!(s, "];");
    s
}

/// Reads `$CARGO_MANIFEST_DIR/t2plugin.toml`, writes `$OUT_DIR/t2plugin_config.rs`.
pub fn try_generate() -> Result<PathBuf, BuildError> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let out = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| BuildError {
            file: "t2plugin.toml".into(),
            key: String::new(),
            message: "OUT_DIR is not set (call generate() from build.rs)".into(),
        })?;
    generate_from(&dir.join("t2plugin.toml"), &out)
}

/// Like [`try_generate`] with explicit paths; returns the written file.
pub fn generate_from(toml_path: &Path, out_dir: &Path) -> Result<PathBuf, BuildError> {
    let file = toml_path.display().to_string();
    println!("cargo::rerun-if-changed={file}");
    // Lets plugins use `#[cfg(feature = "static")]` (see export_plugin!) without declaring it.
    println!("cargo::rustc-check-cfg=cfg(feature, values(\"static\"))");
    let text = std::fs::read_to_string(toml_path).map_err(|e| BuildError {
        file: file.clone(),
        key: String::new(),
        message: format!("cannot read: {e}"),
    })?;
    let m = parse_manifest(&text, &file)?;
    if let Ok(pkg) = std::env::var("CARGO_PKG_NAME") {
        if pkg != m.name {
            println!(
                "cargo::warning={file}: plugin name \"{}\" differs from the crate name \"{pkg}\"",
                m.name
            );
        }
    }
    let dst = out_dir.join("t2plugin_config.rs");
    let src = render(&m);
    if std::fs::read_to_string(&dst).ok().as_deref() != Some(src.as_str()) {
        std::fs::write(&dst, src).map_err(|e| BuildError {
            file: dst.display().to_string(),
            key: String::new(),
            message: format!("cannot write: {e}"),
        })?;
    }
    Ok(dst)
}

/// For `build.rs`: [`try_generate`], printing the error and exiting with status 1 on failure.
pub fn generate() {
    if let Err(e) = try_generate() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[plugin]
name = "basicFlow"
number = 100
version = "0.9.3"
description = "Basic flow information"
dependencies = ["a", "b"]

[config.BFO_MAC]
value = 1
default = 1
type = "u8"
range = [0, 1]
doc = "Print source and destination MAC addresses"

[config.FLAG_F]
value = 1
default = 2.5
type = "f64"

[config.NAME_S]
value = "x\"y"
default = "-"
type = "str"

[config.MODE]
value = 2
default = 0
type = "i32"
allowed = [0, 2, 4]
"#;

    #[test]
    fn good_manifest() {
        let m = parse_manifest(GOOD, "t2plugin.toml").unwrap();
        assert_eq!(m.number, 100);
        assert_eq!(m.settings.len(), 4);
        let src = render(&m);
        assert!(src.contains("pub const BFO_MAC: u8 = 1;"), "{src}");
        assert!(src.contains("pub const FLAG_F: f64 = 1.0;"), "{src}");
        assert!(
            src.contains("pub const NAME_S: &str = \"x\\\"y\";"),
            "{src}"
        );
        assert!(src.contains("pub const PLUGIN_DEPENDENCIES: &str = \"a,b\";"));
        assert!(
            src.contains("T2Str::new(\"BFO_MAC\"), value: ::t2_plugin::abi::T2Str::new(\"1\")")
        );
    }

    fn bad(toml: &str) -> BuildError {
        parse_manifest(toml, "f.toml").unwrap_err()
    }

    #[test]
    fn errors_name_key() {
        let base = "[plugin]\nname = \"x\"\nnumber = 1\nversion = \"1\"\n";
        assert_eq!(bad(&format!("{base}foo = 1\n")).key, "plugin.foo");
        assert_eq!(
            bad("[plugin]\nname = \"x\"\nversion = \"1\"\n").key,
            "plugin.number"
        );
        assert_eq!(bad(&format!("{base}[other]\n")).key, "other");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = 2\ndefault = 0\ntype = \"u8\"\nrange = [0, 1]\n"
        ));
        assert_eq!(e.key, "config.A.value");
        assert!(e.message.contains("outside the range [0, 1]"), "{e}");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = 3\ndefault = 0\ntype = \"u8\"\nallowed = [0, 1, 2]\n"
        ));
        assert!(e.message.contains("allowed: 0, 1, 2"), "{e}");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = 300\ndefault = 0\ntype = \"u8\"\n"
        ));
        assert!(e.message.contains("does not fit in u8"), "{e}");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = 3\ndefault = 0\ntype = \"int\"\n"
        ));
        assert!(e.message.contains("allowed: bool, u8"), "{e}");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = 3\ndefault = 0\ntype = \"u8\"\ncomment = \"\"\n"
        ));
        assert_eq!(e.key, "config.A.comment");
        let e = bad(&format!(
            "{base}[config.A]\nvalue = \"3\"\ndefault = 0\ntype = \"u8\"\n"
        ));
        assert!(e.to_string().starts_with("f.toml: `config.A.value`"), "{e}");
    }
}
