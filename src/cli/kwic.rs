//! `tema kwic TERM|THEME FILE`: keyword in context.
//! (scaffold: implemented by the kwic work of issue 3)

use super::{CliError, CliResult, InputArgs};
use clap::Args;
use tema::Engine;

#[derive(Args, Debug)]
pub struct KwicArgs {
    /// A theme id, or a term pattern in the lexicon syntax
    #[arg(value_name = "TERM|THEME")]
    pub what: String,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(_engine: &Engine, _a: KwicArgs) -> CliResult {
    Err(CliError::new(2, "tema kwic is not implemented yet"))
}
