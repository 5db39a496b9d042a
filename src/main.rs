//! The `tema` command line: parse arguments, call the library, map errors to exit codes.
//! Everything that computes lives in the library; the modules in `cli/` only read
//! inputs, call it, and print.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tema: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
