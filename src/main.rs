//! The `tema` command line: parse arguments, call the library, map errors to exit codes.
//! Everything that computes lives in the library; the modules in `cli/` only read
//! inputs, call it, and print.

mod cli;

use clap::Parser;
use std::process::ExitCode;

// Coding allocates many small short-lived vectors per answer (hits, themes, fields of
// a record); mimalloc serves them faster than glibc malloc (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
