//! `tema serve`: the HTTP classification service (the server lives in `tema::serve`).
//! (scaffold: implemented by issue 5)

use super::{CliError, CliResult};
use clap::Args;
use std::path::Path;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(_lexicon: Option<&Path>, _a: ServeArgs) -> CliResult {
    Err(CliError::new(2, "tema serve is not implemented yet"))
}
