//! The templates render into folders that are what the tools expect; the command line refuses
//! bad input with one line naming the option.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::cli::{self, Action, Env, Options};
use super::*;
use crate::testutil::TempDir;
use crate::tree::{self, PluginKind, SourceTree};

fn parse(args: &[&str]) -> anyhow::Result<Options> {
    cli::parse(&args.iter().map(OsString::from).collect::<Vec<_>>())
}

fn parse_err(args: &[&str]) -> String {
    parse(args).unwrap_err().to_string()
}

/// A fake source tree: one plugin (basicFlow, 100), the SDK's Cargo.toml, the ABI header and a
/// lock file.
fn fake_tree() -> (TempDir, SourceTree) {
    let t = TempDir::new();
    let root = t.path();
    fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    fs::write(root.join("Cargo.lock"), "version = 4\n").unwrap();
    let bf = root.join("plugins/basicFlow");
    fs::create_dir_all(&bf).unwrap();
    fs::write(
        bf.join("t2plugin.toml"),
        "[plugin]\nname = \"basicFlow\"\nnumber = 100\nversion = \"0.9.3\"\n",
    )
    .unwrap();
    fs::write(bf.join("Cargo.toml"), "[package]\nname = \"basicFlow\"\n").unwrap();
    let sdk = root.join(tree::SDK_CRATE);
    fs::create_dir_all(&sdk).unwrap();
    fs::write(sdk.join("Cargo.toml"), "[package]\nname = \"t2-plugin\"\n").unwrap();
    let h = root.join(tree::ABI_HEADER);
    fs::create_dir_all(h.parent().unwrap()).unwrap();
    fs::write(&h, T2_PLUGIN_H).unwrap();
    let tree = SourceTree::open(root).unwrap();
    (t, tree)
}

fn env(tree: Option<SourceTree>, home: &Path, cwd: &Path) -> Env {
    Env {
        tree,
        tree_error: None,
        home: Some(home.to_path_buf()),
        cwd: cwd.to_path_buf(),
    }
}

fn run(args: &[&str], env: &Env) -> anyhow::Result<String> {
    let mut out = Vec::new();
    cli::run(&parse(args)?, env, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn names() {
    for ok in [
        "myPlugin",
        "x",
        "a1_b2",
        "Counter",
        "tcpFlags2",
        &"a".repeat(31),
    ] {
        assert_eq!(check_name(ok), Ok(()), "{ok}");
    }
    for (bad, why) in [
        ("", "empty"),
        ("1abc", "starting with a letter"),
        ("_x", "starting with a letter"),
        ("a-b", "letters, digits and '_'"),
        ("a b", "letters, digits and '_'"),
        ("é", "letters, digits and '_'"),
        (&"a".repeat(32), "32 characters, at most 31"),
        ("fn", "reserved"),
        ("std", "reserved"),
        ("t2_plugin", "reserved"),
        ("build", "reserved"),
    ] {
        let e = check_name(bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
    assert_eq!(rust_type_name("myPlugin"), "MyPlugin");
    assert_eq!(rust_type_name("my_plugin"), "MyPlugin");
    assert_eq!(rust_type_name("x2"), "X2");
    assert_eq!(rust_type_name("a__b_"), "AB");
    assert_eq!(rust_type_name("host"), "HostPlugin");
    assert_eq!(rust_type_name("plugin"), "PluginPlugin");
    assert_eq!(rust_type_name("self_"), "SelfPlugin");
    assert_eq!(flag_name("myPlugin"), "MYPLUGIN_PKTS");
    assert_eq!(column_name("myPlugin"), "myPluginPkts");
}

#[test]
fn numbers() {
    assert_eq!(free_number(&[]), Some(703));
    assert_eq!(free_number(&[703, 704]), Some(705));
    let all: Vec<u16> = (700..=899).collect();
    assert_eq!(free_number(&all), Some(200));
    let all: Vec<u16> = (0..=999).collect();
    assert_eq!(free_number(&all), None);
    assert!(T2_NUMBERS.windows(2).all(|w| w[0] < w[1]));
}

fn rust_spec(sdk: &Path) -> Spec {
    Spec {
        lang: Lang::Rust,
        name: "myPlugin".into(),
        number: 950,
        sdk: Some(sdk.to_path_buf()),
        lock: None,
        include: None,
    }
}

fn file<'a>(files: &'a [(PathBuf, Vec<u8>)], name: &str) -> &'a str {
    let (_, c) = files
        .iter()
        .find(|(p, _)| p == Path::new(name))
        .unwrap_or_else(|| panic!("no {name}"));
    std::str::from_utf8(c).unwrap()
}

#[test]
fn rust_files() {
    let sdk = Path::new("/src/t2 \"rs\"/crates/t2-plugin");
    let files = files(&rust_spec(sdk)).unwrap();
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "Cargo.toml",
            "t2plugin.toml",
            "build.rs",
            "src/lib.rs",
            ".gitignore"
        ]
    );
    for (p, c) in &files {
        let c = std::str::from_utf8(c).unwrap();
        assert!(!c.contains("{{"), "{}: {c}", p.display());
    }
    // Cargo.toml: the SDK by its path (quoted as TOML), a cdylib, a workspace of its own.
    let cargo: toml::Table = file(&files, "Cargo.toml").parse().unwrap();
    assert_eq!(cargo["package"]["name"].as_str(), Some("myPlugin"));
    assert_eq!(
        cargo["dependencies"]["t2-plugin"]["path"].as_str(),
        Some(sdk.to_str().unwrap())
    );
    assert_eq!(
        cargo["build-dependencies"]["t2-plugin"]["features"]
            .as_array()
            .unwrap()[0]
            .as_str(),
        Some("build")
    );
    assert_eq!(
        cargo["lib"]["crate-type"].as_array().unwrap()[0].as_str(),
        Some("cdylib")
    );
    assert!(cargo.contains_key("workspace"));
    assert_eq!(
        cargo["profile"]["release"]["panic"].as_str(),
        Some("unwind")
    );
    // t2plugin.toml: valid for the SDK's build.rs and t2conf, name, number, one setting.
    let m = manifest::parse(file(&files, "t2plugin.toml"), "t2plugin.toml").unwrap();
    assert_eq!((m.name.as_str(), m.number), ("myPlugin", 950));
    assert_eq!(m.settings.len(), 1);
    assert_eq!(m.settings[0].name, "MYPLUGIN_PKTS");
    assert_eq!(m.settings[0].value, Value::Integer(1));
    let lib = file(&files, "src/lib.rs");
    for want in [
        "pub struct MyPlugin {",
        "impl Plugin for MyPlugin {",
        "const PKTS: bool = MYPLUGIN_PKTS != 0;",
        "\"myPluginPkts\"",
        "t2_plugin::export_plugin!(",
        "fn counts_the_packets_of_each_flow()",
        "MockHost::new(",
    ] {
        assert!(lib.contains(want), "{want}");
    }
    assert!(file(&files, "build.rs").contains("t2_plugin::build::generate()"));
}

#[test]
fn c_files_and_config_header() {
    let spec = Spec {
        lang: Lang::C,
        name: "cCount".into(),
        number: 42,
        sdk: None,
        lock: None,
        include: Some("/opt/t2 $x#/include".into()),
    };
    let files = files(&spec).unwrap();
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "cCount.c",
            "Makefile",
            "t2plugin.toml",
            "t2plugin_config.h",
            ".gitignore"
        ]
    );
    let mk = file(&files, "Makefile");
    assert!(
        mk.contains("T2_INCLUDE ?= /opt/t2 $$x\\#/include\n"),
        "{mk}"
    );
    assert!(mk.contains("PLUGIN := cCount\n"), "{mk}");
    assert!(mk.contains("\t$(CC) $(CFLAGS) -fPIC -shared"), "{mk}");
    let c = file(&files, "cCount.c");
    assert!(c.contains("#include \"t2_plugin.h\""));
    assert!(c.contains("#if CCOUNT_PKTS"));
    assert!(c.contains("t2_declare(host, \"cCountPkts\""));
    assert!(c.contains("const T2PluginDescriptor *t2_plugin_entry_v1(void)"));
    let h = file(&files, "t2plugin_config.h");
    for want in [
        "#define PLUGIN_NAME \"cCount\"\n",
        "#define PLUGIN_NUMBER 42\n",
        "#define PLUGIN_VERSION \"0.1.0\"\n",
        "#define PLUGIN_DEPENDENCIES \"\"\n",
        "#define CCOUNT_PKTS 1\n",
        "#define PLUGIN_BUILD_CONFIG_LEN 1\n",
        "    {T2_STR_INIT(\"CCOUNT_PKTS\"), T2_STR_INIT(\"1\")}, \\\n}\n",
    ] {
        assert!(h.contains(want), "{want}\n{h}");
    }
}

#[test]
fn config_header_values() {
    let m = manifest::parse(
        r#"
[plugin]
name = "x"
number = 7
version = "1.0"
description = "say \"hi\" */"
dependencies = ["basicFlow", "tcpFlags"]

[config.A_BOOL]
value = true
default = false
type = "bool"
doc = "a */ b"

[config.A_U64]
value = 18446744073
default = 0
type = "u64"

[config.A_I64]
value = -5
default = 0
type = "i64"

[config.A_F]
value = 1.5
default = 182.0
type = "f64"

[config.A_STR]
value = "a\"b\\c\n??"
default = ""
type = "str"
"#,
        "t",
    )
    .unwrap();
    let h = c_config_header(&m);
    for want in [
        "#define PLUGIN_DESCRIPTION \"say \\\"hi\\\" */\"\n",
        "#define PLUGIN_DEPENDENCIES \"basicFlow,tcpFlags\"\n",
        "/* a * / b */\n#define A_BOOL 1\n",
        "#define A_U64 18446744073u\n",
        "#define A_I64 -5\n",
        "#define A_F 1.5\n",
        "#define A_STR \"a\\\"b\\\\c\\n\\077\\077\"\n",
        "#define PLUGIN_BUILD_CONFIG_LEN 5\n",
        "{T2_STR_INIT(\"A_BOOL\"), T2_STR_INIT(\"true\")}",
        "{T2_STR_INIT(\"A_F\"), T2_STR_INIT(\"1.5\")}",
    ] {
        assert!(h.contains(want), "{want}\n{h}");
    }
    // No settings: a valid (non-empty) initializer of length 0.
    let m = manifest::parse("[plugin]\nname = \"y\"\nnumber = 1\nversion = \"1\"\n", "t").unwrap();
    let h = c_config_header(&m);
    assert!(h.contains("#define PLUGIN_BUILD_CONFIG_LEN 0\n"), "{h}");
    assert!(h.contains("{T2_STR_EMPTY_INIT, T2_STR_EMPTY_INIT}"), "{h}");
}

#[test]
fn create_writes_once_and_refuses_an_existing_folder() {
    let t = TempDir::new();
    let dest = create(t.path(), &rust_spec(Path::new("/sdk"))).unwrap();
    assert_eq!(dest, t.path().join("myPlugin"));
    assert!(dest.join("src/lib.rs").is_file());
    let e = create(t.path(), &rust_spec(Path::new("/sdk")))
        .unwrap_err()
        .to_string();
    assert!(e.contains("already exists"), "{e}");
    // Only the plugin folder: no temporary folder left behind.
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 1);
    // The folder is an out-of-tree Rust plugin for t2build.
    let p = tree::read_external(&dest).unwrap();
    assert_eq!(
        (p.name.as_str(), p.number, p.kind, p.package.as_str()),
        ("myPlugin", 950, PluginKind::Crate, "myPlugin")
    );
    assert_eq!(p.lib_name, "myPlugin");
}

#[test]
fn write_c_config_follows_the_toml() {
    let t = TempDir::new();
    let spec = Spec {
        lang: Lang::C,
        name: "cc1".into(),
        number: 5,
        sdk: None,
        lock: None,
        include: Some("/inc".into()),
    };
    let dir = create(t.path(), &spec).unwrap();
    let p = tree::read_external(&dir).unwrap();
    assert_eq!((p.kind, p.lib_name.as_str()), (PluginKind::Make, "cc1"));
    assert!(!write_c_config(&dir).unwrap(), "up to date after create");
    let toml_path = dir.join("t2plugin.toml");
    let text = fs::read_to_string(&toml_path).unwrap();
    fs::write(&toml_path, text.replace("value = 1", "value = 0")).unwrap();
    assert!(write_c_config(&dir).unwrap());
    let h = fs::read_to_string(dir.join(C_CONFIG_HEADER)).unwrap();
    assert!(h.contains("#define CC1_PKTS 0\n"), "{h}");
    assert!(!write_c_config(&dir).unwrap());
    // An invalid value is refused as build.rs refuses it.
    fs::write(&toml_path, text.replace("value = 1", "value = 2")).unwrap();
    let e = format!("{:#}", write_c_config(&dir).unwrap_err());
    assert!(e.contains("outside the range [0, 1]"), "{e}");
}

/// The C template compiles against the real header, with the setting on and off.
#[test]
fn c_template_compiles() {
    let t = TempDir::new();
    let include = tree::built_from().join("crates/t2-abi/include");
    let spec = Spec {
        lang: Lang::C,
        name: "cCompiles".into(),
        number: 705,
        sdk: None,
        lock: None,
        include: Some(include),
    };
    let dir = create(t.path(), &spec).unwrap();
    for value in ["1", "0"] {
        let toml_path = dir.join("t2plugin.toml");
        let text = fs::read_to_string(&toml_path).unwrap();
        fs::write(
            &toml_path,
            text.replace("\nvalue = 1\n", &format!("\nvalue = {value}\n"))
                .replace("\nvalue = 0\n", &format!("\nvalue = {value}\n")),
        )
        .unwrap();
        write_c_config(&dir).unwrap();
        let o = std::process::Command::new(std::env::var_os("MAKE").unwrap_or("make".into()))
            .current_dir(&dir)
            .env("CFLAGS", "-std=c11 -O0 -Wall -Wextra -Werror")
            .output()
            .expect("make runs");
        assert!(
            o.status.success(),
            "make ({value}):\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(dir.join("cCompiles.so").is_file());
    }
}

#[test]
fn command_line() {
    let o = parse(&["-c", "myPlugin", "-n", "950", "-t", "/x"]).unwrap();
    assert_eq!(
        (o.action, o.name.as_str(), o.number, o.dir, o.lang),
        (
            Action::Create,
            "myPlugin",
            Some(950),
            Some("/x".into()),
            Lang::Rust
        )
    );
    let o = parse(&["--c", "-cfoo", "-n007"]).unwrap();
    assert_eq!(
        (o.name.as_str(), o.number, o.lang),
        ("foo", Some(7), Lang::C)
    );
    assert_eq!(parse(&["--create=foo", "--rust"]).unwrap().name, "foo");
    assert_eq!(parse(&["--header"]).unwrap().action, Action::Header);
    assert_eq!(
        parse(&["--config-header"]).unwrap().action,
        Action::ConfigHeader(".".into())
    );
    assert_eq!(
        parse(&["--config-header", "d"]).unwrap().action,
        Action::ConfigHeader("d".into())
    );
    assert_eq!(parse(&["-h", "-z"]).unwrap().action, Action::Help);

    assert_eq!(
        parse_err(&["-c", "1abc"]),
        "option '-c': invalid plugin name '1abc': use letters, digits and '_', starting with a letter"
    );
    assert_eq!(
        parse_err(&["-c", "my-plugin"]),
        "option '-c': invalid plugin name 'my-plugin': use letters, digits and '_', starting with a letter"
    );
    assert_eq!(
        parse_err(&["-c"]),
        "option '-c' requires a plugin name (t2plugin -c NAME)"
    );
    assert_eq!(
        parse_err(&["-c", ""]),
        "option '-c' requires a plugin name (t2plugin -c NAME)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "-n", "1000"]),
        "option '-n': '1000' is not a plugin number (0 to 999)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "-n", "-1"]),
        "option '-n': '-1' is not a plugin number (0 to 999)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "-n", "ten"]),
        "option '-n': 'ten' is not a plugin number (0 to 999)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "-n"]),
        "option '-n' requires a plugin number (-n NUMBER, 0 to 999)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "-t"]),
        "option '-t' requires a folder (-t DIR)"
    );
    assert_eq!(
        parse_err(&["-c", "x", "--c", "--rust"]),
        "options --c and --rust can only be used exclusively"
    );
    assert_eq!(
        parse_err(&["-c", "x", "--header"]),
        "options -c, --header and --config-header can only be used exclusively"
    );
    assert_eq!(
        parse_err(&["myPlugin"]),
        "unexpected argument 'myPlugin': give the name with -c (t2plugin -c myPlugin)"
    );
    assert_eq!(
        parse_err(&[]),
        "nothing to do: create a plugin with 't2plugin -c NAME' (see t2plugin -h)"
    );
    assert_eq!(parse_err(&["-z"]), "unknown option '-z'; see t2plugin -h");
    assert_eq!(
        parse_err(&["--zz"]),
        "unknown option '--zz'; see t2plugin -h"
    );
    assert_eq!(
        parse_err(&["--c=1", "-c", "x"]),
        "option '--c' takes no value"
    );
    let u = cli::usage();
    for o in [
        "-c NAME",
        "-n NUMBER",
        "-t DIR",
        "--c ",
        "--header",
        "--config-header",
        "-h, --help",
        "T2HOME",
    ] {
        assert!(u.contains(o), "{o}");
    }
}

#[test]
fn create_from_the_command_line() {
    let (_t, tree) = fake_tree();
    let home = TempDir::new();
    let cwd = TempDir::new();
    // An installed plugin takes 703: the default is the next free number.
    let plugins = crate::default_plugin_dir(home.path());
    fs::create_dir_all(&plugins).unwrap();
    fs::write(plugins.join("703_other.so"), "x").unwrap();
    let e = env(Some(tree.clone()), home.path(), cwd.path());
    let out = run(&["-c", "rs"], &e).unwrap();
    assert!(
        out.starts_with(&format!(
            "Created the Rust plugin 'rs' (number 704) in '{}'\n",
            cwd.path().join("rs").display()
        )),
        "{out}"
    );
    assert!(out.contains("t2build "), "{out}");
    let dir = cwd.path().join("rs");
    // The SDK is the tree's, by absolute path; the tree's lock file is copied.
    let cargo: toml::Table = fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let sdk = fs::canonicalize(tree.root.join(tree::SDK_CRATE)).unwrap();
    assert_eq!(
        cargo["dependencies"]["t2-plugin"]["path"].as_str(),
        Some(sdk.to_str().unwrap())
    );
    assert_eq!(
        fs::read_to_string(dir.join("Cargo.lock")).unwrap(),
        "version = 4\n"
    );

    // C, in another folder (-t, relative to the current one), with a number.
    fs::create_dir_all(cwd.path().join("sub")).unwrap();
    let out = run(&["-c", "cc", "--c", "-t", "sub", "-n", "120"], &e).unwrap();
    assert!(out.contains("(number 120)"), "{out}");
    assert!(out.contains("[WRN] number 120 is also used"), "{out}");
    let mk = fs::read_to_string(cwd.path().join("sub/cc/Makefile")).unwrap();
    let inc = fs::canonicalize(tree.root.join("crates/t2-abi/include")).unwrap();
    assert!(
        mk.contains(&format!("T2_INCLUDE ?= {}\n", inc.display())),
        "{mk}"
    );

    // Refusals: the folder exists, the name is the tree's, -t is no folder.
    let err = |args: &[&str], e: &Env| format!("{:#}", run(args, e).unwrap_err());
    assert_eq!(
        err(&["-c", "rs"], &e),
        format!(
            "option '-c': '{}' already exists; choose another name, or another folder with -t",
            dir.display()
        )
    );
    assert!(
        err(&["-c", "basicFlow"], &e)
            .starts_with("option '-c': 'basicFlow' is already a plugin of the source tree"),
    );
    assert_eq!(
        err(&["-c", "x", "-t", "nope"], &e),
        format!(
            "option '-t': '{}' is not an existing folder",
            cwd.path().join("nope").display()
        )
    );
    // Without a source tree: no Rust plugin; a C plugin with the installed header.
    let mut no_tree = env(None, home.path(), cwd.path());
    no_tree.tree_error = Some("cannot find the t2rs source tree".into());
    assert_eq!(
        err(&["-c", "r2"], &no_tree),
        "cannot find the t2rs source tree; it is needed for the SDK crate t2-plugin of a Rust \
         plugin (set T2HOME to the t2rs source tree)"
    );
    assert!(err(&["-c", "c2", "--c"], &no_tree).starts_with("cannot find t2_plugin.h"));
    let include = crate::default_include_dir(home.path());
    fs::create_dir_all(&include).unwrap();
    fs::write(include.join("t2_plugin.h"), T2_PLUGIN_H).unwrap();
    run(&["-c", "c2", "--c"], &no_tree).unwrap();
    let mk = fs::read_to_string(cwd.path().join("c2/Makefile")).unwrap();
    assert!(
        mk.contains(&format!("T2_INCLUDE ?= {}\n", include.display())),
        "{mk}"
    );
    assert!(!cwd.path().join("r2").exists());

    // --header and --config-header print.
    assert_eq!(run(&["--header"], &no_tree).unwrap(), T2_PLUGIN_H);
    let h = run(&["--config-header", "c2"], &no_tree).unwrap();
    assert_eq!(
        h,
        fs::read_to_string(cwd.path().join("c2/t2plugin_config.h")).unwrap()
    );
}
