//! `t2conf`: see `t2conf -h` and `t2_build::conf`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    t2_build::conf::t2conf_main(&args)
}
