//! `cargo xtask <command>`: project tasks (conformance against the original T2, benchmarks).

mod bench;
mod common;
mod compare;
mod conformance;
mod geo;
mod tcp_analysis;
mod toggles;

const HELP: &str = "\
cargo xtask <command> [OPTIONS]

Commands:
  conformance   run t2 over ../shared/pcaps and compare with the original T2's outputs
                (a plugin subset against ../shared/conformance, or --columns-of PLUGINS:
                per-plugin verdicts on the columns and end-report lines of those plugins)
  bench         packets/s and peak RSS on the benchmark capture vs. the raw read
  geo           basicFlow's country/organisation labels vs. the original's (special ranges, IPv6)
  tcp-analysis  T2's TCP analysis (tcpFlags packet bits) against tshark's, per packet and
                per flow, over every capture with TCP; writes docs/tcp-analysis.md
  toggles       each setting of a plugin (default tcpFlags) at its other values, built and run
                over every capture: crashes, and the columns that change vs. the default build

`cargo xtask <command> --help` for the options.
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match real_main(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn real_main(args: &[String]) -> anyhow::Result<i32> {
    let Some(cmd) = args.first() else {
        print!("{HELP}");
        return Ok(2);
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "conformance" => match conformance::parse_args(rest)? {
            Some(o) => conformance::run(o),
            None => {
                print!("{}", conformance::HELP);
                Ok(0)
            }
        },
        "bench" => match bench::parse_args(rest)? {
            Some(o) => bench::run(o),
            None => {
                print!("{}", bench::HELP);
                Ok(0)
            }
        },
        "tcp-analysis" => match tcp_analysis::parse_args(rest)? {
            Some(o) => tcp_analysis::run(o),
            None => {
                print!("{}", tcp_analysis::HELP);
                Ok(0)
            }
        },
        "geo" => match geo::parse_args(rest)? {
            Some(o) => geo::run(o),
            None => {
                print!("{}", geo::HELP);
                Ok(0)
            }
        },
        "toggles" => match toggles::parse_args(rest)? {
            Some(o) => toggles::run(o),
            None => {
                print!("{}", toggles::HELP);
                Ok(0)
            }
        },
        // (Internal: see `common::install_name_tables`.)
        common::TABLES_CHILD => common::install_name_tables_here(rest),
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(0)
        }
        other => anyhow::bail!("unknown command {other:?}\n\n{HELP}"),
    }
}
