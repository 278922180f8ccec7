//! `t2`: see `t2 -h`.

fn main() -> std::process::ExitCode {
    t2_cli::main()
}
