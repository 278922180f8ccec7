//! `t2build`: see `t2build -h` and the `t2_build` library.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    t2_build::t2build_main(&args)
}
