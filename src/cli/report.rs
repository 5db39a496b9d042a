//! `tema report FILE -o DIR`: report.md and a self-contained report.html.
//! (scaffold: implemented by the report work of issue 3)

use super::{CliError, CliResult, InputArgs};
use clap::Args;
use std::path::PathBuf;
use tema::Engine;

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder to write report.md and report.html into
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

pub fn run(_engine: &Engine, _a: ReportArgs, _quiet: bool) -> CliResult {
    Err(CliError::new(2, "tema report is not implemented yet"))
}
