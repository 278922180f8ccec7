//! `t2whois`: see `t2whois -h` and `t2_subnet::whois`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = t2_subnet::whois::main(&args, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(status as u8)
}
