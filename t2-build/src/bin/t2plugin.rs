//! `t2plugin`: see `t2plugin -h` and `t2_build::template`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    t2_build::template::cli::t2plugin_main(&args)
}
