//! `t2plugin`'s command line and program.
//!
//! ```text
//! t2plugin -c NAME [-n NUMBER] [-t DIR] [--c | --rust]
//! t2plugin --header
//! t2plugin --config-header [DIR]
//! ```
//! Getopt conventions as the other tools: `-n 950` or `-n950`, `--opt=value`, `--` ends the
//! options. Every refusal is one line naming the option.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{Lang, Spec};
use crate::folder;
use crate::tree::{self, SourceTree};

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `-c NAME`: create a plugin folder.
    Create,
    /// `--header`: print `t2_plugin.h`.
    Header,
    /// `--config-header [DIR]`: print the `t2plugin_config.h` of the C plugin in DIR.
    ConfigHeader(PathBuf),
    /// `-h`.
    Help,
}

/// The validated command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub action: Action,
    /// `-c NAME` (checked with [`super::check_name`]).
    pub name: String,
    /// `-n NUMBER`; default: [`super::free_number`].
    pub number: Option<u16>,
    /// `-t DIR`: where the folder NAME is created (default: the current folder).
    pub dir: Option<PathBuf>,
    /// `--c` (default Rust; `--rust` says so explicitly).
    pub lang: Lang,
}

/// The help text (`-h`).
pub fn usage() -> String {
    format!(
        "t2plugin - create a new t2 plugin outside the source tree (t2rs {version})

Usage:
    t2plugin -c NAME [-n NUMBER] [-t DIR] [--c]
    t2plugin --header
    t2plugin --config-header [DIR]

Creates the folder DIR/NAME holding a plugin that builds as it is and adds one example
column to every flow, NAMEPkts (packets of the flow), switched by the setting NAME_PKTS
(upper case) of its t2plugin.toml:
    Rust (default): Cargo.toml (depends on the SDK crate t2-plugin of the t2rs source tree
                    by path), t2plugin.toml, build.rs, src/lib.rs (the Plugin trait, with a
                    unit test on the SDK's mock host), Cargo.lock (the tree's versions)
    C (--c):        NAME.c (against t2_plugin.h), Makefile, t2plugin.toml,
                    t2plugin_config.h (the settings as macros)
Then: 't2build DIR/NAME' builds it and installs it as NNN_NAME.so into the plugin folder;
't2conf DIR/NAME -I' lists its settings; 't2 --plugin-info NAME' shows what is installed.

Options:
    -c NAME         The plugin's name: 1 to 31 letters, digits and '_', starting with a letter
    -n NUMBER       Its number, 0 to 999: the load order and the NNN of NNN_NAME.so
                    (default: the first of 700 to 899, then 200 to 699, that neither T2's
                    plugins, nor the source tree's, nor the installed ones use)
    -t DIR          Create it in DIR (default: the current folder); DIR/NAME must not exist
    --c             A C plugin instead of a Rust one (--rust: Rust, the default)
    --header        Print t2_plugin.h, the C header of the plugin ABI, and exit (also
                    installed by 't2build tranalyzer2' as ~/.tranalyzer/include/t2_plugin.h)
    --config-header [DIR]
                    Print the t2plugin_config.h of the C plugin in DIR (default: the current
                    folder) from its t2plugin.toml, and exit ('t2build DIR' writes it itself)
    -h, --help      Show this help and exit

Source tree (for the SDK path and t2_plugin.h): $T2HOME if set, otherwise found as t2build
finds it. C plugins without a source tree use ~/.tranalyzer/include/t2_plugin.h.
",
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[OsString]) -> Result<Options> {
    let mut o = Options {
        action: Action::Create,
        name: String::new(),
        number: None,
        dir: None,
        lang: Lang::Rust,
    };
    let mut create: Option<String> = None;
    let mut number: Option<String> = None;
    let mut langs: Vec<&str> = Vec::new();
    let mut config_header: Option<Option<String>> = None;
    let mut header = false;
    let mut operands: Vec<String> = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let arg = args[i].to_string_lossy().into_owned();
        i += 1;
        if only_operands || arg == "-" || !arg.starts_with('-') {
            operands.push(arg);
            continue;
        }
        if arg == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let no_value = |what: &str| -> Result<()> {
                if inline.is_some() {
                    bail!("option '--{what}' takes no value");
                }
                Ok(())
            };
            match name {
                "help" => {
                    o.action = Action::Help;
                    return Ok(o);
                }
                "c" => {
                    no_value("c")?;
                    langs.push("--c");
                    o.lang = Lang::C;
                }
                "rust" => {
                    no_value("rust")?;
                    langs.push("--rust");
                    o.lang = Lang::Rust;
                }
                "header" => {
                    no_value("header")?;
                    header = true;
                }
                "config-header" => config_header = Some(inline),
                "create" => match inline {
                    Some(v) => create = Some(v),
                    None if i < args.len() => {
                        create = Some(args[i].to_string_lossy().into_owned());
                        i += 1;
                    }
                    None => bail!("option '--create' requires a plugin name (t2plugin -c NAME)"),
                },
                n => bail!("unknown option '--{n}'; see t2plugin -h"),
            }
            continue;
        }
        let flags: Vec<char> = arg[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let c = flags[k];
            k += 1;
            match c {
                'h' | '?' => {
                    o.action = Action::Help;
                    return Ok(o);
                }
                'c' | 'n' | 't' => {
                    let v: String = if k < flags.len() {
                        let v = flags[k..].iter().collect();
                        k = flags.len();
                        v
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].to_string_lossy().into_owned()
                    } else {
                        bail!(
                            "option '-{c}' requires {}",
                            match c {
                                'c' => "a plugin name (t2plugin -c NAME)",
                                'n' => "a plugin number (-n NUMBER, 0 to 999)",
                                _ => "a folder (-t DIR)",
                            }
                        );
                    };
                    match c {
                        'c' => create = Some(v),
                        'n' => number = Some(v),
                        _ => {
                            if v.is_empty() {
                                bail!("option '-t' requires a folder (-t DIR)");
                            }
                            o.dir = Some(PathBuf::from(v));
                        }
                    }
                }
                c => bail!("unknown option '-{c}'; see t2plugin -h"),
            }
        }
    }
    if langs.len() > 1 && langs.iter().any(|l| *l != langs[0]) {
        bail!("options --c and --rust can only be used exclusively");
    }
    let actions =
        usize::from(create.is_some()) + usize::from(header) + usize::from(config_header.is_some());
    if actions > 1 {
        bail!("options -c, --header and --config-header can only be used exclusively");
    }
    if header {
        if let Some(x) = operands.first() {
            bail!("option '--header' takes no argument (got '{x}')");
        }
        o.action = Action::Header;
        return Ok(o);
    }
    if let Some(inline) = config_header {
        let mut dirs: Vec<String> = inline.into_iter().chain(operands).collect();
        if dirs.len() > 1 {
            bail!(
                "option '--config-header' takes one folder (got '{}')",
                dirs.join(" ")
            );
        }
        o.action = Action::ConfigHeader(PathBuf::from(dirs.pop().unwrap_or_else(|| ".".into())));
        return Ok(o);
    }
    let Some(name) = create else {
        match operands.first() {
            Some(x) => bail!("unexpected argument '{x}': give the name with -c (t2plugin -c {x})"),
            None => {
                bail!("nothing to do: create a plugin with 't2plugin -c NAME' (see t2plugin -h)")
            }
        }
    };
    if let Some(x) = operands.first() {
        bail!("unexpected argument '{x}' (one plugin per call: t2plugin -c NAME)");
    }
    if name.is_empty() {
        bail!("option '-c' requires a plugin name (t2plugin -c NAME)");
    }
    super::check_name(&name)
        .map_err(|why| anyhow::anyhow!("option '-c': invalid plugin name '{name}': {why}"))?;
    o.name = name;
    if let Some(n) = number {
        let parsed = n.trim().parse::<u16>().ok().filter(|v| *v <= 999);
        match parsed {
            Some(v) => o.number = Some(v),
            None => bail!("option '-n': '{n}' is not a plugin number (0 to 999)"),
        }
    }
    Ok(o)
}

/// Where things are, for [`run`] (the real ones come from the environment).
#[derive(Debug, Default)]
pub struct Env {
    /// The source tree, if found.
    pub tree: Option<SourceTree>,
    /// Why it was not found.
    pub tree_error: Option<String>,
    pub home: Option<PathBuf>,
    pub cwd: PathBuf,
}

impl Env {
    /// From the process: [`SourceTree::locate`], `HOME`, the current folder.
    pub fn from_process() -> Env {
        let (tree, tree_error) = match SourceTree::locate() {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(format!("{e:#}"))),
        };
        Env {
            tree,
            tree_error,
            home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    fn tree(&self, what: &str) -> Result<&SourceTree> {
        match &self.tree {
            Some(t) => Ok(t),
            None => bail!(
                "{}; it is needed for {what} (set T2HOME to the t2rs source tree)",
                self.tree_error
                    .as_deref()
                    .unwrap_or("cannot find the t2rs source tree")
            ),
        }
    }
}

/// Runs one validated command line, writing to `out`.
pub fn run(opts: &Options, env: &Env, out: &mut dyn Write) -> Result<()> {
    match &opts.action {
        Action::Help => {
            out.write_all(usage().as_bytes())?;
            Ok(())
        }
        Action::Header => {
            out.write_all(super::T2_PLUGIN_H.as_bytes())?;
            Ok(())
        }
        Action::ConfigHeader(dir) => {
            let dir = env.cwd.join(dir);
            let m = crate::manifest::read(&dir.join("t2plugin.toml"))?;
            out.write_all(super::c_config_header(&m).as_bytes())?;
            Ok(())
        }
        Action::Create => create(opts, env, out),
    }
}

fn create(opts: &Options, env: &Env, out: &mut dyn Write) -> Result<()> {
    let name = &opts.name;
    let parent = match &opts.dir {
        Some(d) => env.cwd.join(d),
        None => env.cwd.clone(),
    };
    if !parent.is_dir() {
        bail!(
            "option '-t': '{}' is not an existing folder",
            parent.display()
        );
    }
    let dest = parent.join(name);
    if std::fs::symlink_metadata(&dest).is_ok() {
        bail!(
            "option '-c': '{}' already exists; choose another name, or another folder with -t",
            dest.display()
        );
    }
    if let Some(p) = env.tree.as_ref().and_then(|t| t.plugin(name)) {
        bail!(
            "option '-c': '{name}' is already a plugin of the source tree ('{}'); choose another name",
            p.dir.display()
        );
    }
    // Numbers in use: the tree's plugins and the installed ones.
    let mut used: Vec<u16> = env
        .tree
        .iter()
        .flat_map(|t| t.plugins.iter().map(|p| p.number))
        .collect();
    if let Some(home) = &env.home {
        used.extend(
            folder::list(&crate::default_plugin_dir(home))
                .unwrap_or_default()
                .iter()
                .map(|p| p.number),
        );
    }
    let number = match opts.number {
        Some(n) => n,
        None => super::free_number(&used)
            .context("option '-n': no free plugin number left; give one with -n NUMBER")?,
    };
    let mut spec = Spec {
        lang: opts.lang,
        name: name.clone(),
        number,
        sdk: None,
        lock: None,
        include: None,
    };
    match opts.lang {
        Lang::Rust => {
            let tree = env.tree("the SDK crate t2-plugin of a Rust plugin")?;
            let root = std::fs::canonicalize(&tree.root)
                .with_context(|| format!("cannot resolve '{}'", tree.root.display()))?;
            let sdk = root.join(tree::SDK_CRATE);
            if !sdk.join("Cargo.toml").is_file() {
                bail!(
                    "the source tree '{}' has no SDK crate {} (no Cargo.toml)",
                    root.display(),
                    tree::SDK_CRATE
                );
            }
            spec.sdk = Some(sdk);
            spec.lock = Some(root.join("Cargo.lock")).filter(|l| l.is_file());
        }
        Lang::C => spec.include = Some(c_include_dir(env)?),
    }
    let dest = super::create(&parent, &spec)?;
    let shown = dest.display();
    let kind = match opts.lang {
        Lang::Rust => "Rust",
        Lang::C => "C",
    };
    writeln!(
        out,
        "Created the {kind} plugin '{name}' (number {number:03}) in '{shown}'"
    )?;
    let mut files: Vec<String> = super::files(&spec)?
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .filter(|p| !p.starts_with('.'))
        .collect();
    files.sort();
    writeln!(out, "    {}", files.join(", "))?;
    writeln!(
        out,
        "Example column: {} (packets of the flow), setting {} in t2plugin.toml",
        super::column_name(name),
        super::flag_name(name)
    )?;
    let steps = [
        (
            format!("t2build {shown}"),
            format!(
                "build it, install it as {}",
                folder::plugin_file_name(number, name)
            ),
        ),
        (format!("t2conf {shown} -I"), "its settings".to_string()),
        (
            format!("t2 --plugin-info {name}"),
            "what is installed".to_string(),
        ),
    ];
    let width = steps.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    writeln!(out, "Next steps:")?;
    for (cmd, what) in steps {
        writeln!(out, "    {cmd:width$}   # {what}")?;
    }
    if let Some(n) = opts
        .number
        .filter(|n| used.contains(n) || super::T2_NUMBERS.contains(n))
    {
        writeln!(
            out,
            "[WRN] number {n:03} is also used by another plugin (of T2, of the source tree or installed)"
        )?;
    }
    Ok(())
}

/// The folder of `t2_plugin.h` for a C plugin: the source tree's, else the installed one.
fn c_include_dir(env: &Env) -> Result<PathBuf> {
    if let Some(tree) = &env.tree {
        let h = tree.root.join(tree::ABI_HEADER);
        if h.is_file() {
            let h = std::fs::canonicalize(&h)
                .with_context(|| format!("cannot resolve '{}'", h.display()))?;
            if let Some(dir) = h.parent() {
                return Ok(dir.to_path_buf());
            }
        }
    }
    if let Some(home) = &env.home {
        let dir = crate::default_include_dir(home);
        if dir.join("t2_plugin.h").is_file() {
            return Ok(dir);
        }
    }
    bail!(
        "cannot find t2_plugin.h: install it with 't2build tranalyzer2', or set T2HOME to the \
         t2rs source tree ('t2plugin --header' prints it)"
    )
}

/// The whole `t2plugin` program: `args` without the program name.
pub fn t2plugin_main(args: &[OsString]) -> ExitCode {
    let result = parse(args).and_then(|opts| {
        let env = if matches!(opts.action, Action::Create) {
            Env::from_process()
        } else {
            Env {
                cwd: std::env::current_dir().unwrap_or_else(|_| Path::new(".").to_path_buf()),
                ..Env::default()
            }
        };
        let stdout = io::stdout();
        let mut out = stdout.lock();
        run(&opts, &env, &mut out)?;
        out.flush()?;
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if crate::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            crate::print_error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}
