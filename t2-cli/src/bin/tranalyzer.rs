//! `tranalyzer`: the same program as `t2` (see `tranalyzer -h`).

fn main() -> std::process::ExitCode {
    t2_cli::main()
}
