//! `t2conf`: view and change the settings of plugins (their `t2plugin.toml`) and of the core
//! (`~/.tranalyzer/t2core.toml`, see [`core_settings`]).
//!
//! Every value is checked against the setting's type, range and allowed set before anything is
//! written; one bad value (or unknown plugin or flag) refuses the whole command with one line and
//! leaves every file byte for byte as it was. Edits go through `toml_edit`, so comments, order and
//! layout survive; a file is rewritten atomically (temporary file + rename) and only when its
//! text changes.
//!
//! Order of work within one command: `--reset`, then `-C FILE`, then each `-D` in order (and
//! `--dual/--ip4/--ip6`), then the files are written, then `-G`, `-I` and `-g` show the result.

pub mod cli;
pub mod core_settings;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use toml_edit::{DocumentMut, Item};

use crate::manifest::{self, Manifest, Setting, SettingType, Value, value_literal};
use crate::tree::{self, SourceTree};
use cli::Options;

/// Where a target's values live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Store {
    /// A plugin's `t2plugin.toml` (`value` of each `[config.FLAG]`).
    Plugin(PathBuf),
    /// The core settings file (may not exist yet).
    Core(PathBuf),
}

/// A plugin or the core, with its settings and their current values.
#[derive(Clone, Debug)]
pub struct Target {
    pub manifest: Manifest,
    pub store: Store,
}

impl Target {
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn is_core(&self) -> bool {
        matches!(self.store, Store::Core(_))
    }

    /// Reads a plugin's `t2plugin.toml`.
    pub fn plugin(p: &tree::Plugin) -> Result<Target> {
        let path = p.dir.join("t2plugin.toml");
        Ok(Target {
            manifest: manifest::read(&path)?,
            store: Store::Plugin(path),
        })
    }

    /// The core: the catalogue's defaults overridden by the core settings file of `home`.
    /// `lenient` (for `--reset`): a file with bad content counts as empty instead of an error.
    pub fn core(home: &Path, lenient: bool) -> Result<Target> {
        let file = core_settings::core_file(home);
        let mut manifest = core_settings::catalogue();
        let values = match core_settings::read_file(&file) {
            Err(_) if lenient => Vec::new(),
            r => r?,
        };
        for (name, v) in values {
            if let Some(s) = manifest.settings.iter_mut().find(|s| s.name == name) {
                s.value = v;
            }
        }
        Ok(Target {
            manifest,
            store: Store::Core(file),
        })
    }

    /// The file the values are kept in.
    pub fn path(&self) -> &Path {
        match &self.store {
            Store::Plugin(p) | Store::Core(p) => p,
        }
    }

    /// The setting `flag`, or the one-line refusal.
    pub fn setting(&self, flag: &str) -> Result<&Setting, String> {
        if let Some(s) = self.manifest.settings.iter().find(|s| s.name == flag) {
            return Ok(s);
        }
        if self.is_core() {
            return Err(core_settings::unknown_setting(flag));
        }
        let names: Vec<String> = self
            .manifest
            .settings
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let hint = suggest(flag, &names)
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        Err(format!(
            "plugin '{}' has no flag '{flag}'{hint}; 't2conf {} -I' lists its flags",
            self.name(),
            self.name()
        ))
    }

    /// Checks `FLAG=TEXT` (`TEXT` may be `default`) and returns the new value.
    pub fn check(&self, flag: &str, text: &str) -> Result<Value, String> {
        let s = self.setting(flag)?;
        if text.trim() == "default" {
            return Ok(s.default.clone());
        }
        parse_input(s, text).map_err(|expected| {
            format!(
                "invalid value '{text}' for {flag} of {}: {expected}",
                self.name()
            )
        })
    }

    fn set(&mut self, flag: &str, v: Value) {
        if let Some(s) = self.manifest.settings.iter_mut().find(|s| s.name == flag) {
            s.value = v;
        }
    }
}

/// What is allowed for `s`, as the end of a refusal: `expected u8 from 0 to 1`.
pub fn expected(s: &Setting) -> String {
    if let Some(set) = &s.allowed {
        let list: Vec<String> = set.iter().map(display).collect();
        return match list.as_slice() {
            [one] => format!("expected {one}"),
            _ => format!("expected one of {}", list.join(", ")),
        };
    }
    if let Some((lo, hi)) = &s.range {
        let what = if s.ty == SettingType::F64 {
            "a number".to_string()
        } else {
            format!("{} (integer)", s.ty.rust_type())
        };
        return format!("expected {what} from {} to {}", display(lo), display(hi));
    }
    match s.ty {
        SettingType::Bool => "expected a bool: 1/0, yes/no or true/false".into(),
        SettingType::F64 => "expected a number".into(),
        SettingType::Str => "expected a string".into(),
        SettingType::U8 => "expected u8 (integer) from 0 to 255".into(),
        SettingType::U16 => "expected u16 (integer) from 0 to 65535".into(),
        SettingType::U32 => "expected u32 (integer) from 0 to 4294967295".into(),
        SettingType::U64 => "expected u64 (integer) from 0 to 9223372036854775807".into(),
        SettingType::I32 => "expected i32 (integer) from -2147483648 to 2147483647".into(),
        SettingType::I64 => "expected i64 (integer)".into(),
    }
}

/// What is allowed for `s`, briefly (the `-I` column): `0 to 1`, `0, 1`, `any`.
pub fn allowed_short(s: &Setting) -> String {
    if let Some(set) = &s.allowed {
        return set.iter().map(display).collect::<Vec<_>>().join(", ");
    }
    if let Some((lo, hi)) = &s.range {
        return format!("{} to {}", display(lo), display(hi));
    }
    match s.ty {
        SettingType::Bool => "0, 1 (yes, no)".into(),
        _ => "any".into(),
    }
}

/// A value as t2conf shows and writes it: TOML's form (strings quoted), floats as `182.0`.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut q = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => q.push_str("\\\""),
                    '\\' => q.push_str("\\\\"),
                    '\n' => q.push_str("\\n"),
                    '\t' => q.push_str("\\t"),
                    c if c.is_control() => {
                        let _ = write!(q, "\\u{:04X}", c as u32);
                    }
                    c => q.push(c),
                }
            }
            q.push('"');
            q
        }
        other => value_literal(other),
    }
}

/// Parses the text of `-D FLAG=TEXT` (or a `.config` line) for `s`. `yes`/`no` (and
/// `true`/`false`) are accepted for bools and integers, as 1/0 as T2 does; integers may be
/// hexadecimal (`0x1f`); a string may be given with or without double quotes. `Err` is what
/// is allowed ([`expected`]).
pub fn parse_input(s: &Setting, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let bad = || expected(s);
    let yes_no = match t.to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    };
    let v = match s.ty {
        SettingType::Bool => match (yes_no, t) {
            (Some(b), _) => Value::Boolean(b),
            (None, "1") => Value::Boolean(true),
            (None, "0") => Value::Boolean(false),
            _ => return Err(bad()),
        },
        SettingType::F64 => match t.parse::<f64>() {
            Ok(f) if !f.is_nan() && !t.is_empty() => Value::Float(f),
            _ => return Err(bad()),
        },
        SettingType::Str => Value::String(unquote(t).ok_or_else(bad)?),
        _ => match yes_no {
            Some(b) => Value::Integer(b as i64),
            None => Value::Integer(parse_int(t).ok_or_else(bad)?),
        },
    };
    s.check(&v).map_err(|_| bad())?;
    Ok(v)
}

fn parse_int(t: &str) -> Option<i64> {
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let n = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            i128::from_str_radix(h, 16).ok()?
        }
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<i128>().ok()?
        }
        _ => return None,
    };
    i64::try_from(if neg { -n } else { n }).ok()
}

/// `"a\"b"` (TOML basic string) → `a"b`; text without quotes as it is.
fn unquote(t: &str) -> Option<String> {
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let table: toml::Table = format!("v = {t}").parse().ok()?;
        return table.get("v").and_then(Value::as_str).map(String::from);
    }
    if t.starts_with('"') {
        return None;
    }
    Some(t.to_string())
}

/// The candidate closest to `name` (same letters ignoring case, or at most 2 edits away).
pub fn suggest(name: &str, candidates: &[String]) -> Option<String> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c.clone());
    }
    let upper = name.to_ascii_uppercase();
    candidates
        .iter()
        .map(|c| (levenshtein(&upper, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn to_edit_value(v: &Value) -> toml_edit::Value {
    match v {
        Value::Integer(i) => (*i).into(),
        Value::Float(f) => (*f).into(),
        Value::Boolean(b) => (*b).into(),
        Value::String(s) => s.as_str().into(),
        // Settings are scalars (parse_manifest checks the types).
        other => other.to_string().into(),
    }
}

/// Replaces the value of `item`, keeping its decoration (spacing, trailing comment).
fn replace_value(item: &mut Item, v: &Value) {
    let mut nv = to_edit_value(v);
    if let Some(old) = item.as_value() {
        *nv.decor_mut() = old.decor().clone();
    } else {
        nv.decor_mut().set_prefix(" ");
    }
    *item = Item::Value(nv);
}

/// The text of a plugin's `t2plugin.toml` with `sets` applied (`value` of each `[config.FLAG]`).
pub fn edit_plugin_text(text: &str, sets: &[(String, Value)]) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("not valid TOML")?;
    for (flag, v) in sets {
        let item = doc
            .get_mut("config")
            .and_then(|c| c.get_mut(flag.as_str()))
            .and_then(|t| t.get_mut("value"))
            .ok_or_else(|| anyhow!("no 'value' key in [config.{flag}]"))?;
        replace_value(item, v);
    }
    Ok(doc.to_string())
}

/// The text of the core settings file with `sets` applied (after removing every setting when
/// `reset`). `text` is the current file, empty if there is none.
pub fn edit_core_text(text: &str, reset: bool, sets: &[(String, Value)]) -> Result<String> {
    let base = if text.trim().is_empty() {
        core_settings::FILE_HEADER
    } else {
        text
    };
    let mut doc: DocumentMut = match base.parse() {
        Ok(d) => d,
        Err(_) if reset => core_settings::FILE_HEADER
            .parse()
            .context("the header is valid")?,
        Err(e) => return Err(anyhow!("not valid TOML: {e}")),
    };
    if reset {
        let keys: Vec<String> = doc.iter().map(|(k, _)| k.to_string()).collect();
        for k in keys {
            doc.remove(&k);
        }
    }
    // A file of comments only: toml_edit keeps them as trailing text, after any key added; keep
    // them on top instead.
    let mut head = String::new();
    if doc.is_empty() && !sets.is_empty() {
        head = doc.to_string();
        if !head.is_empty() && !head.ends_with('\n') {
            head.push('\n');
        }
        doc = DocumentMut::new();
    }
    for (flag, v) in sets {
        match doc.get_mut(flag) {
            Some(item) => replace_value(item, v),
            None => {
                doc.insert(flag, Item::Value(to_edit_value(v)));
            }
        }
    }
    Ok(format!("{head}{doc}"))
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then rename),
/// keeping the permissions of the file it replaces.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("t2conf");
    let tmp = dir.join(format!(".{name}.t2conf-{}", std::process::id()));
    let result = (|| -> Result<()> {
        std::fs::write(&tmp, text).with_context(|| format!("cannot write '{}'", tmp.display()))?;
        if let Ok(meta) = std::fs::metadata(path) {
            let _ = std::fs::set_permissions(&tmp, meta.permissions());
        }
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace '{}'", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The text of a `NAME.config` file (T2's `default.config` format: `# :name: NAME`, then one
/// `FLAG = VALUE` per line, each after its description as a comment).
pub fn config_file_text(t: &Target) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# :name: {}", t.name());
    let _ = writeln!(
        s,
        "# Written by t2conf: one 'FLAG = VALUE' per line ('#' and '%' start comments).\n# Apply with: t2conf {} -C FILE",
        t.name()
    );
    for st in &t.manifest.settings {
        s.push('\n');
        for line in st.doc.lines() {
            let _ = writeln!(s, "# {line}");
        }
        let _ = writeln!(s, "{} = {}", st.name, display(&st.value));
    }
    s
}

/// True when `a` and `b` name the same target (the core has aliases).
fn same_target(a: &str, b: &str) -> bool {
    let core = |n: &str| n == tree::CORE_NAME || tree::CORE_ALIASES.contains(&n);
    a == b || (core(a) && core(b))
}

/// Parses a `.config` file for `t` into checked `(FLAG, value)` pairs. `file` names it in errors
/// (`FILE:LINE: ...`).
pub fn parse_config_text(t: &Target, text: &str, file: &str) -> Result<Vec<(String, Value)>> {
    let mut sets = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let at = |m: String| anyhow!("{file}:{}: {m}", i + 1);
        let line = raw.trim();
        if let Some(name) = line.strip_prefix("# :name:") {
            let name = name.trim();
            if !same_target(name, t.name()) {
                return Err(at(format!(
                    "this file is for '{name}', not for '{}'",
                    t.name()
                )));
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let (flag, value) = line
            .split_once('=')
            .ok_or_else(|| at(format!("expected 'FLAG = VALUE', got '{line}'")))?;
        let (flag, value) = (flag.trim(), strip_comment(value.trim()));
        let v = t.check(flag, value).map_err(at)?;
        sets.push((flag.to_string(), v));
    }
    Ok(sets)
}

/// `1  # note` → `1`; a `#` inside a quoted string stays.
fn strip_comment(v: &str) -> &str {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in v.char_indices() {
        match c {
            '\\' if in_str && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_str = !in_str,
            '#' if !in_str => return v[..i].trim_end(),
            _ => {}
        }
        escaped = false;
    }
    v
}

/// The `-I` listing of `t`.
pub fn info_text(t: &Target, env: &[(String, String)]) -> String {
    let mut s = String::new();
    let m = &t.manifest;
    if t.is_core() {
        let _ = writeln!(s, "{} {}: {}", m.name, m.version, m.description);
        let _ = writeln!(
            s,
            "Values from '{}' (defaults where absent); environment variables override them",
            t.path().display()
        );
    } else {
        let _ = writeln!(
            s,
            "{} {} (plugin {:03}): {}",
            m.name, m.version, m.number, m.description
        );
        let _ = writeln!(
            s,
            "Values from '{}'; rebuild with 't2build {}' after a change",
            t.path().display(),
            m.name
        );
    }
    let rows: Vec<[String; 5]> = m
        .settings
        .iter()
        .map(|st| {
            let allowed = allowed_short(st);
            let mark = if st.value == st.default { "" } else { " *" };
            [
                st.name.clone(),
                st.ty.rust_type().trim_start_matches('&').to_string(),
                allowed,
                display(&st.default),
                format!("{}{mark}", display(&st.value)),
            ]
        })
        .collect();
    let head = ["FLAG", "TYPE", "ALLOWED", "DEFAULT", "VALUE"];
    let mut w = head.map(str::len);
    for r in &rows {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    let line = |cells: [&str; 5], doc: &str| {
        let mut l = String::from("  ");
        for (k, c) in cells.iter().enumerate() {
            let _ = write!(l, "{c:<width$}  ", width = w[k]);
        }
        l.push_str(doc);
        l.trim_end().to_string()
    };
    let _ = writeln!(s, "{}", line(head, "DESCRIPTION"));
    for (r, st) in rows.iter().zip(&m.settings) {
        let cells = [
            r[0].as_str(),
            r[1].as_str(),
            r[2].as_str(),
            r[3].as_str(),
            r[4].as_str(),
        ];
        let _ = writeln!(s, "{}", line(cells, &st.doc));
    }
    if m.settings.iter().any(|st| st.value != st.default) {
        let _ = writeln!(
            s,
            "  (* not the default; 't2conf {} --reset' restores every default)",
            m.name
        );
    }
    if t.is_core() {
        for (n, v) in env {
            if m.settings.iter().any(|st| &st.name == n) {
                let _ = writeln!(
                    s,
                    "  Note: {n}={v} is set in the environment and overrides the value above"
                );
            }
        }
        let _ = writeln!(
            s,
            "  T2's other core settings (VERBOSE, LAPD_ACTIVATE, ...) are not implemented by t2rs yet"
        );
    }
    s
}

/// The session: the user's home (core settings file), the environment's core variables (shown
/// by `-I`), where output goes.
pub struct Conf<'a> {
    pub home: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    pub out: &'a mut dyn Write,
}

impl std::fmt::Debug for Conf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conf").field("home", &self.home).finish()
    }
}

/// One target's pending changes.
struct Pending {
    target: Target,
    reset: bool,
    sets: Vec<(String, Value)>,
}

impl Conf<'_> {
    fn home(&self) -> Result<&Path> {
        self.home
            .as_deref()
            .context("cannot find your home folder (HOME is not set) for the core settings file")
    }

    /// Runs one validated command line. `locate_tree` finds the source tree (only plugins need
    /// it).
    pub fn run(
        &mut self,
        opts: &Options,
        locate_tree: &mut dyn FnMut() -> Result<SourceTree>,
    ) -> Result<()> {
        if opts.help {
            self.out.write_all(cli::usage().as_bytes())?;
            return Ok(());
        }
        if !opts.has_action() {
            bail!(
                "nothing to do: give -D FLAG=VALUE, -G FLAG, -I, --reset, -g or -C (see t2conf -h)"
            );
        }
        // Targets, resolved and loaded before anything is checked or written.
        let mut names: Vec<String> = opts.names.clone();
        if opts.core {
            names.push(tree::CORE_NAME.to_string());
        }
        let needs_tree = opts.all
            || names.iter().any(|n| {
                let n = n.trim_end_matches('/');
                n != tree::CORE_NAME && !tree::CORE_ALIASES.contains(&n)
            });
        let tree = if needs_tree {
            Some(locate_tree()?)
        } else {
            None
        };
        let mut pending: Vec<Pending> = Vec::new();
        let add = |p: &mut Vec<Pending>, t: Target| {
            if !p.iter().any(|x| x.target.name() == t.name()) {
                p.push(Pending {
                    target: t,
                    reset: false,
                    sets: Vec::new(),
                });
            }
        };
        if opts.all {
            add(&mut pending, Target::core(self.home()?, opts.reset)?);
            for p in &tree.as_ref().expect("located").plugins {
                add(&mut pending, Target::plugin(p)?);
            }
        } else {
            for n in &names {
                let t = match &tree {
                    Some(tree) => match tree.resolve(n) {
                        Ok(tree::Target::Core) => Target::core(self.home()?, opts.reset)?,
                        Ok(tree::Target::Plugin(p)) => Target::plugin(&p)?,
                        Err(e) if tree::DEFAULT_PLUGINS.contains(&e.name.as_str()) => bail!(
                            "plugin '{}' of T2 is not part of t2rs yet; available: {}, {}",
                            e.name,
                            tree::CORE_NAME,
                            e.available.join(", ")
                        ),
                        Err(e) => bail!("{e}"),
                    },
                    None => Target::core(self.home()?, opts.reset)?,
                };
                add(&mut pending, t);
            }
        }
        let explicit = pending.len();
        let single = |what: &str| -> Result<()> {
            if opts.all {
                bail!("option '{what}' applies to one plugin: name it instead of using -a");
            }
            match explicit {
                1 => Ok(()),
                0 => bail!("option '{what}' needs a plugin name (t2conf NAME {what} ...)"),
                _ => bail!(
                    "option '{what}' applies to one plugin, but {} were given",
                    explicit
                ),
            }
        };
        if !opts.defines.is_empty() {
            single("-D")?;
        }
        if !opts.gets.is_empty() {
            single("-G")?;
        }
        if opts.apply.is_some() {
            single("-C")?;
        }
        if opts.generate.is_some() {
            single("-g")?;
        }
        if (opts.reset || opts.info) && explicit == 0 {
            bail!(
                "option '{}' needs plugin names or -a (t2conf NAME... {0})",
                if opts.reset { "--reset" } else { "-I" }
            );
        }
        if let Some(ip) = opts.ip {
            if !pending.iter().any(|p| p.target.is_core()) {
                pending.push(Pending {
                    target: Target::core(self.home()?, opts.reset)?,
                    reset: false,
                    sets: Vec::new(),
                });
            }
            let p = pending
                .iter_mut()
                .find(|p| p.target.is_core())
                .expect("added");
            let v = p
                .target
                .check("IPV6_ACTIVATE", &ip.to_string())
                .map_err(|e| anyhow!("{e} (--ip4 is 0, --ip6 is 1, --dual is 2)"))?;
            p.sets.push(("IPV6_ACTIVATE".into(), v));
        }

        // Every change, checked.
        for p in pending.iter_mut().take(explicit) {
            if opts.reset {
                p.reset = true;
                let defaults: Vec<(String, Value)> = p
                    .target
                    .manifest
                    .settings
                    .iter()
                    .map(|s| (s.name.clone(), s.default.clone()))
                    .collect();
                for (n, v) in defaults {
                    p.target.set(&n, v);
                }
            }
        }
        if let Some(file) = &opts.apply {
            let p = &mut pending[0];
            let sets = if file == "default" {
                p.target
                    .manifest
                    .settings
                    .iter()
                    .map(|s| (s.name.clone(), s.default.clone()))
                    .collect()
            } else {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read the config file '{file}'"))?;
                parse_config_text(&p.target, &text, file)?
            };
            for (n, v) in sets {
                p.target.set(&n, v.clone());
                p.sets.push((n, v));
            }
        }
        for (flag, text) in &opts.defines {
            let p = &mut pending[0];
            let v = p.target.check(flag, text).map_err(|e| anyhow!(e))?;
            p.target.set(flag, v.clone());
            p.sets.push((flag.clone(), v));
        }
        for flag in &opts.gets {
            pending[0].target.setting(flag).map_err(|e| anyhow!(e))?;
        }

        // New file texts, all computed before the first write.
        let mut writes: Vec<(usize, String)> = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            if !p.reset && p.sets.is_empty() {
                continue;
            }
            let path = p.target.path();
            let old = match std::fs::read_to_string(path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && p.target.is_core() => None,
                Err(e) => bail!("cannot read '{}': {e}", path.display()),
            };
            let new = match &p.target.store {
                Store::Plugin(_) => {
                    let mut sets = p.sets.clone();
                    if p.reset {
                        sets = p
                            .target
                            .manifest
                            .settings
                            .iter()
                            .map(|s| (s.name.clone(), s.default.clone()))
                            .chain(sets)
                            .collect();
                    }
                    let old = old.as_deref().unwrap_or("");
                    let new = edit_plugin_text(old, &sets)
                        .with_context(|| format!("cannot edit '{}'", path.display()))?;
                    manifest::parse(&new, &path.display().to_string())
                        .map_err(|e| anyhow!("the edited file would be invalid: {e:#}"))?;
                    new
                }
                Store::Core(_) => {
                    if old.is_none() && p.sets.is_empty() {
                        continue; // --reset without a file: nothing to do
                    }
                    let new = edit_core_text(old.as_deref().unwrap_or(""), p.reset, &p.sets)
                        .with_context(|| format!("cannot edit '{}'", path.display()))?;
                    core_settings::parse_file(&new).map_err(|e| {
                        anyhow!("the edited file '{}' would be invalid: {e}", path.display())
                    })?;
                    new
                }
            };
            if old.as_deref() != Some(new.as_str()) {
                writes.push((i, new));
            }
        }
        for (i, text) in &writes {
            write_atomic(pending[*i].target.path(), text)?;
        }
        for (i, p) in pending.iter().enumerate() {
            if !p.reset && p.sets.is_empty() {
                continue;
            }
            let written = writes.iter().any(|(w, _)| *w == i);
            self.report(p, written)?;
        }

        // Outputs, from the values now in effect.
        let first = pending.first().map(|p| &p.target);
        for flag in &opts.gets {
            let st = first
                .expect("checked")
                .setting(flag)
                .map_err(|e| anyhow!(e))?;
            writeln!(self.out, "{}", display(&st.value))?;
        }
        if opts.info {
            for (k, p) in pending.iter().take(explicit).enumerate() {
                if k > 0 {
                    writeln!(self.out)?;
                }
                self.out
                    .write_all(info_text(&p.target, &self.env).as_bytes())?;
            }
        }
        if let Some(file) = &opts.generate {
            let t = first.expect("checked");
            let text = config_file_text(t);
            match file.as_deref() {
                Some(f) if f == Path::new("-") => self.out.write_all(text.as_bytes())?,
                f => {
                    let path = f
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| PathBuf::from(format!("{}.config", t.name())));
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write '{}'", path.display()))?;
                    writeln!(self.out, "Wrote '{}'", path.display())?;
                }
            }
        }
        Ok(())
    }

    fn report(&mut self, p: &Pending, written: bool) -> Result<()> {
        let name = p.target.name();
        if p.reset {
            writeln!(self.out, "{name}: every setting reset to its default")?;
        }
        for (flag, _) in &p.sets {
            let v = p
                .target
                .manifest
                .settings
                .iter()
                .find(|s| &s.name == flag)
                .map(|s| display(&s.value))
                .unwrap_or_default();
            writeln!(self.out, "{name}: {flag} = {v}")?;
        }
        match (&p.target.store, written) {
            (_, false) => writeln!(self.out, "{name}: nothing changed")?,
            (Store::Plugin(path), true) => writeln!(
                self.out,
                "{name}: saved in '{}'; rebuild and install with 't2build {name}'",
                path.display()
            )?,
            (Store::Core(path), true) => writeln!(
                self.out,
                "{name}: saved in '{}'; takes effect at the next t2 run",
                path.display()
            )?,
        }
        Ok(())
    }
}

/// The whole `t2conf` program: `args` without the program name.
pub fn t2conf_main(args: &[std::ffi::OsString]) -> std::process::ExitCode {
    let result = cli::parse(args).and_then(|opts| {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let env: Vec<(String, String)> = core_settings::names()
            .into_iter()
            .filter_map(|n| std::env::var(&n).ok().map(|v| (n, v)))
            .collect();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let mut conf = Conf { home, env, out: &mut out };
        let tree_root = opts.tree.clone();
        let r = conf.run(&opts, &mut || match &tree_root {
            Some(root) => {
                if !tree::is_root(root) {
                    bail!(
                        "'{}' (option -t) is not a t2rs source tree (no Cargo.toml and plugins/ folder)",
                        root.display()
                    );
                }
                SourceTree::open(root)
            }
            None => SourceTree::locate(),
        });
        out.flush()?;
        r
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if crate::is_broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            crate::print_error(&format!("{e:#}"));
            std::process::ExitCode::FAILURE
        }
    }
}

/// Where an installed plugin differs from its `t2plugin.toml` (`m`): one phrase per difference,
/// empty when the `.so` was built from this configuration. `number`, `version`, `dependencies`
/// and `built` (FLAG, literal) are what the `.so`'s descriptor says.
pub fn installed_differences(
    m: &Manifest,
    number: u16,
    version: &str,
    dependencies: &[String],
    built: &[(String, String)],
) -> Vec<String> {
    let mut d = Vec::new();
    if number != m.number {
        d.push(format!(
            "number {number:03} in the .so, {:03} in the TOML",
            m.number
        ));
    }
    if version != m.version {
        d.push(format!(
            "version {version} in the .so, {} in the TOML",
            m.version
        ));
    }
    if dependencies != m.dependencies.as_slice() {
        let show = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(",")
            }
        };
        d.push(format!(
            "dependencies {} in the .so, {} in the TOML",
            show(dependencies),
            show(&m.dependencies)
        ));
    }
    for s in &m.settings {
        match built.iter().find(|(n, _)| *n == s.name) {
            None => d.push(format!(
                "{} is not in the .so (added since it was built)",
                s.name
            )),
            Some((_, lit)) if !same_literal(s, lit) => d.push(format!(
                "{} is {lit} in the .so, {} in the TOML",
                s.name,
                value_literal(&s.value)
            )),
            Some(_) => {}
        }
    }
    for (n, _) in built {
        if !m.settings.iter().any(|s| &s.name == n) {
            d.push(format!("{n} is in the .so but no longer in the TOML"));
        }
    }
    d
}

/// Whether the literal a `.so` exports for `s` is the value of the TOML (numerically for
/// numbers: `182` and `182.0` are the same).
fn same_literal(s: &Setting, lit: &str) -> bool {
    if value_literal(&s.value) == lit {
        return true;
    }
    match (&s.value, s.ty) {
        (Value::Integer(i), SettingType::F64) => lit.parse::<f64>().is_ok_and(|f| f == *i as f64),
        (Value::Float(f), _) => lit.parse::<f64>().is_ok_and(|x| x == *f),
        _ => false,
    }
}
