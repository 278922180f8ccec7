//! `t2plugin`: new out-of-tree plugin folders from the templates compiled into it, and the C
//! side of the settings.
//!
//! - [`create`] writes a plugin folder: a Rust crate against the SDK crate `t2-plugin` of the
//!   source tree (`Cargo.toml`, `build.rs`, `src/lib.rs`, `t2plugin.toml`, and the tree's
//!   `Cargo.lock` so that it builds with the dependency versions of t2, also offline), or a C
//!   plugin against `t2_plugin.h` (`NAME.c`, `Makefile`, `t2plugin.toml`,
//!   `t2plugin_config.h`). Either way one example column (`NAMEPkts`, packets per flow) and one
//!   setting (`NAME_PKTS`, in upper case) show every piece; `t2build DIR` builds and installs it.
//! - [`c_config_header`] / [`write_c_config`]: `t2plugin.toml` as C macros (what `build.rs`
//!   does for Rust plugins); `t2build` rewrites the header before running `make`, so a setting
//!   changed with `t2conf` reaches the C code.
//! - [`T2_PLUGIN_H`]: the ABI header, as `t2plugin --header` prints it.
//!
//! The command line is [`cli`].

pub mod cli;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::manifest::{self, Manifest, SettingType, Value, value_literal};

/// The C header of the plugin ABI this t2plugin was compiled with.
pub const T2_PLUGIN_H: &str = include_str!("../../../crates/t2-abi/include/t2_plugin.h");
/// The settings of a C plugin as macros, next to its `t2plugin.toml`.
pub const C_CONFIG_HEADER: &str = "t2plugin_config.h";

const T2PLUGIN_TOML: &str = include_str!("t2plugin.toml.in");
const RUST_CARGO_TOML: &str = include_str!("rust/Cargo.toml.in");
const RUST_BUILD_RS: &str = include_str!("rust/build.rs.in");
const RUST_LIB_RS: &str = include_str!("rust/lib.rs.in");
const RUST_GITIGNORE: &str = include_str!("rust/gitignore.in");
const C_SOURCE: &str = include_str!("c/plugin.c.in");
const C_MAKEFILE: &str = include_str!("c/Makefile.in");
const C_GITIGNORE: &str = include_str!("c/gitignore.in");

/// The language of a new plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Rust,
    C,
}

/// Longest plugin name the ABI accepts.
pub const MAX_NAME_LEN: usize = 31;

/// Names a plugin cannot have: Rust keywords (the crate is named after the plugin), crates
/// every plugin sees, and the names cargo keeps for its build folders.
const RESERVED_NAMES: &[&str] = &[
    "abstract",
    "alloc",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "build",
    "const",
    "continue",
    "core",
    "crate",
    "deps",
    "do",
    "dyn",
    "else",
    "enum",
    "examples",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "incremental",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "proc_macro",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "std",
    "struct",
    "super",
    "t2_abi",
    "t2_plugin",
    "test",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
];

/// Checks a new plugin's name: 1 to 31 letters, digits and `_`, starting with a letter (it
/// names a crate, C functions and a file `NNN_name.so`). The error completes "invalid plugin
/// name 'X': ...".
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "it has {} characters, at most {MAX_NAME_LEN} are allowed",
            name.len()
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err("use letters, digits and '_', starting with a letter".into());
    }
    if RESERVED_NAMES.contains(&name) {
        return Err("it is reserved (a Rust keyword or a crate or folder name of cargo)".into());
    }
    Ok(())
}

/// Names the generated Rust code imports or uses: the plugin type must differ from them.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "Box",
    "Clone",
    "Column",
    "Copy",
    "Default",
    "Drop",
    "Err",
    "Flow",
    "FlowIndex",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Host",
    "Init",
    "Into",
    "Iterator",
    "MockHost",
    "None",
    "Ok",
    "Option",
    "Output",
    "Packet",
    "PerFlow",
    "Plugin",
    "Result",
    "Scalar",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToString",
    "Vec",
];

/// The Rust type of the plugin: `myPlugin` -> `MyPlugin`, `my_plugin` -> `MyPlugin`; a name
/// the template already uses gets `Plugin` appended (`host` -> `HostPlugin`).
pub fn rust_type_name(name: &str) -> String {
    let mut t = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut c = part.chars();
        if let Some(first) = c.next() {
            t.extend(first.to_uppercase());
            t.push_str(c.as_str());
        }
    }
    if t.is_empty() || TAKEN_TYPE_NAMES.contains(&t.as_str()) {
        t.push_str("Plugin");
    }
    t
}

/// The example setting: `NAME_PKTS` in upper case.
pub fn flag_name(name: &str) -> String {
    format!("{}_PKTS", name.to_ascii_uppercase())
}

/// The example column: `NAMEPkts`.
pub fn column_name(name: &str) -> String {
    format!("{name}Pkts")
}

/// The plugin numbers of T2 0.9.3's own plugins (spec §3): a new plugin avoids them so that it
/// does not share its number with a plugin ported later.
pub const T2_NUMBERS: &[u16] = &[
    1, 100, 110, 111, 112, 116, 117, 120, 130, 132, 135, 140, 179, 201, 202, 203, 204, 205, 206,
    207, 208, 220, 250, 251, 252, 255, 257, 260, 300, 301, 303, 304, 305, 309, 310, 311, 312, 313,
    315, 335, 342, 386, 401, 410, 450, 452, 500, 555, 600, 602, 603, 604, 606, 609, 620, 700, 701,
    702, 710, 715, 720, 721, 779, 800, 862, 866, 899, 900, 901, 903, 904, 910, 923, 924, 925, 926,
    927, 928, 960, 961, 962, 999,
];

/// The default number of a new plugin: the first of 700..=899, then 200..=699, that neither
/// T2 ([`T2_NUMBERS`]) nor `used` (the source tree's and the installed plugins') has. Plugins
/// run in number order, so one below 900 comes before the sinks.
pub fn free_number(used: &[u16]) -> Option<u16> {
    (700..=899)
        .chain(200..=699)
        .find(|n| !T2_NUMBERS.contains(n) && !used.contains(n))
}

/// What to create.
#[derive(Clone, Debug)]
pub struct Spec {
    pub lang: Lang,
    pub name: String,
    pub number: u16,
    /// Rust: the SDK crate (`crates/t2-plugin`), absolute.
    pub sdk: Option<PathBuf>,
    /// Rust: a `Cargo.lock` to start from (the source tree's).
    pub lock: Option<PathBuf>,
    /// C: the folder of `t2_plugin.h`, absolute.
    pub include: Option<PathBuf>,
}

/// A TOML basic string (quoted, escaped).
fn toml_string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// `$` and `#` written for a Makefile variable.
fn make_escape(s: &str) -> String {
    s.replace('$', "$$").replace('#', "\\#")
}

fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{{{k}}}}}"), v);
    }
    debug_assert!(!s.contains("{{"), "unreplaced placeholder in\n{s}");
    s
}

/// The files of a new plugin: (path relative to its folder, content).
pub fn files(spec: &Spec) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let name = spec.name.as_str();
    let number = spec.number.to_string();
    let type_name = rust_type_name(name);
    let flag = flag_name(name);
    let column = column_name(name);
    let mut vars: Vec<(&str, &str)> = vec![
        ("NAME", name),
        ("NUMBER", &number),
        ("TYPE", &type_name),
        ("FLAG", &flag),
        ("COLUMN", &column),
    ];
    let toml = render(T2PLUGIN_TOML, &vars);
    let mut out: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    match spec.lang {
        Lang::Rust => {
            let sdk = spec
                .sdk
                .as_deref()
                .context("the path of the SDK crate t2-plugin is needed for a Rust plugin")?;
            let sdk = toml_string(&sdk.to_string_lossy());
            vars.push(("SDK", &sdk));
            out.push(("Cargo.toml".into(), render(RUST_CARGO_TOML, &vars).into()));
            out.push(("t2plugin.toml".into(), toml.into()));
            out.push(("build.rs".into(), render(RUST_BUILD_RS, &vars).into()));
            out.push(("src/lib.rs".into(), render(RUST_LIB_RS, &vars).into()));
            out.push((".gitignore".into(), RUST_GITIGNORE.into()));
            if let Some(lock) = &spec.lock {
                let bytes =
                    fs::read(lock).with_context(|| format!("cannot read '{}'", lock.display()))?;
                out.push(("Cargo.lock".into(), bytes));
            }
        }
        Lang::C => {
            let include = spec
                .include
                .as_deref()
                .context("the folder of t2_plugin.h is needed for a C plugin")?;
            let include = make_escape(&include.to_string_lossy());
            vars.push(("T2_INCLUDE", &include));
            let manifest = manifest::parse(&toml, "t2plugin.toml")?;
            out.push((format!("{name}.c").into(), render(C_SOURCE, &vars).into()));
            out.push(("Makefile".into(), render(C_MAKEFILE, &vars).into()));
            out.push(("t2plugin.toml".into(), toml.into()));
            out.push((C_CONFIG_HEADER.into(), c_config_header(&manifest).into()));
            out.push((".gitignore".into(), C_GITIGNORE.into()));
        }
    }
    Ok(out)
}

/// Creates the plugin folder `parent/NAME` with [`files`]. The folder must not exist; it
/// appears complete or not at all (written under a temporary name, then renamed).
pub fn create(parent: &Path, spec: &Spec) -> Result<PathBuf> {
    let dest = parent.join(&spec.name);
    if fs::symlink_metadata(&dest).is_ok() {
        bail!("'{}' already exists", dest.display());
    }
    let files = files(spec)?;
    let tmp = parent.join(format!(".{}.t2plugin-{}", spec.name, std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| -> Result<()> {
        for (rel, content) in &files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create '{}'", dir.display()))?;
            }
            fs::write(&path, content)
                .with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        if fs::symlink_metadata(&dest).is_ok() {
            bail!("'{}' already exists", dest.display());
        }
        fs::rename(&tmp, &dest).with_context(|| format!("cannot create '{}'", dest.display()))
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(dest)
}

/// A C string literal.
fn c_string(s: &str) -> String {
    let mut q = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' => q.push_str("\\\""),
            b'\\' => q.push_str("\\\\"),
            b'\n' => q.push_str("\\n"),
            b'\t' => q.push_str("\\t"),
            // Octal escapes of three digits never run into a following digit.
            b if !(0x20..0x7f).contains(&b) || b == b'?' => {
                let _ = write!(q, "\\{b:03o}");
            }
            b => q.push(b as char),
        }
    }
    q.push('"');
    q
}

/// A setting's value as a C expression.
fn c_value(ty: SettingType, v: &Value) -> String {
    match v {
        Value::Boolean(b) => u8::from(*b).to_string(),
        Value::Integer(i) if ty == SettingType::U64 || ty == SettingType::U32 => format!("{i}u"),
        Value::Integer(i) if *i == i64::MIN => "(-9223372036854775807LL - 1)".into(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "(0.0 / 0.0)".into(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 {
            "(1.0 / 0.0)"
        } else {
            "(-1.0 / 0.0)"
        }
        .into(),
        Value::Float(f) => format!("{f:?}"),
        Value::String(s) => c_string(s),
        other => c_string(&value_literal(other)),
    }
}

/// `t2plugin.toml` as C macros: `PLUGIN_NAME`, `PLUGIN_NUMBER`, `PLUGIN_VERSION`,
/// `PLUGIN_DESCRIPTION`, `PLUGIN_DEPENDENCIES` (comma-joined), one macro per setting, and
/// `PLUGIN_BUILD_CONFIG` / `PLUGIN_BUILD_CONFIG_LEN` (the descriptor's table of the values the
/// plugin is built with, as the SDK writes it for Rust plugins).
pub fn c_config_header(m: &Manifest) -> String {
    let mut h = String::new();
    h.push_str(
        "/* t2plugin_config.h: the settings of t2plugin.toml as C macros.\n \
         * Written by t2build (and t2plugin) from t2plugin.toml: do not edit; change a setting\n \
         * with 't2conf DIR -D FLAG=VALUE', then build with 't2build DIR'. */\n\
         #ifndef T2PLUGIN_CONFIG_H\n#define T2PLUGIN_CONFIG_H\n\n",
    );
    let _ = writeln!(h, "#define PLUGIN_NAME {}", c_string(&m.name));
    let _ = writeln!(h, "#define PLUGIN_NUMBER {}", m.number);
    let _ = writeln!(h, "#define PLUGIN_VERSION {}", c_string(&m.version));
    let _ = writeln!(h, "#define PLUGIN_DESCRIPTION {}", c_string(&m.description));
    let _ = writeln!(
        h,
        "#define PLUGIN_DEPENDENCIES {}",
        c_string(&m.dependencies.join(","))
    );
    for s in &m.settings {
        h.push('\n');
        if !s.doc.is_empty() {
            let _ = writeln!(h, "/* {} */", s.doc.replace("*/", "* /"));
        }
        let _ = writeln!(h, "#define {} {}", s.name, c_value(s.ty, &s.value));
    }
    h.push_str("\n/* The values built in, for the descriptor (t2 --plugin-info shows them). */\n");
    let _ = writeln!(h, "#define PLUGIN_BUILD_CONFIG_LEN {}", m.settings.len());
    h.push_str("#define PLUGIN_BUILD_CONFIG { \\\n");
    if m.settings.is_empty() {
        h.push_str("    {T2_STR_EMPTY_INIT, T2_STR_EMPTY_INIT}, \\\n");
    }
    for s in &m.settings {
        let _ = writeln!(
            h,
            "    {{T2_STR_INIT({}), T2_STR_INIT({})}}, \\",
            c_string(&s.name),
            c_string(&value_literal(&s.value))
        );
    }
    h.push_str("}\n\n#endif\n");
    h
}

/// Rewrites `dir/t2plugin_config.h` from `dir/t2plugin.toml` (validated as `build.rs` does)
/// when its text changes; true when it was written.
pub fn write_c_config(dir: &Path) -> Result<bool> {
    let m = manifest::read(&dir.join("t2plugin.toml"))?;
    let text = c_config_header(&m);
    let path = dir.join(C_CONFIG_HEADER);
    if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
        return Ok(false);
    }
    crate::conf::write_atomic(&path, &text)?;
    Ok(true)
}
