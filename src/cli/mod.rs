//! Subcommands of `tema`. Exit codes: 0 ok; 1 a check or example failed; 2 usage
//! error; 3 bad input data; 4 bad lexicon; 5 cannot write output.

mod count;
mod eval;
mod explain;
mod input;
mod kwic;
mod lexicon;
pub mod progress;
mod report;
mod serve;
mod tag;

pub use input::{open_input, InputArgs};

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tema::output::Sink;
use tema::{Engine, Lexicon};

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_INPUT: u8 = 3;
pub const EXIT_LEXICON: u8 = 4;
pub const EXIT_OUTPUT: u8 = 5;

/// An error on its way to stderr, with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError { code, message: message.into() }
    }
    pub fn input(e: impl std::fmt::Display) -> Self {
        Self::new(EXIT_INPUT, e.to_string())
    }
    pub fn output(e: impl std::fmt::Display) -> Self {
        Self::new(EXIT_OUTPUT, format!("cannot write output: {e}"))
    }
}

pub type CliResult = Result<ExitCode, CliError>;

#[derive(Parser, Debug)]
#[command(name = "tema", version, about = "Code Norwegian open survey answers into themes, with evidence", long_about = None)]
pub struct Cli {
    /// Lexicon: a .tema file or a folder of them (default: the embedded default lexicon)
    #[arg(long, global = true, value_name = "PATH")]
    pub lexicon: Option<PathBuf>,
    /// Worker threads for coding (default: all cores)
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar or notes on stderr (errors are still printed)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Code every answer: themes and evidence per answer
    Tag(tag::TagArgs),
    /// Count answers per theme (optionally per group with --by)
    Count(count::CountArgs),
    /// Show tokens, hits, rules and vetoed near-misses for one text
    Explain(explain::ExplainArgs),
    /// Compare with labelled answers: precision, recall, F1, kappa, errors
    Eval(eval::EvalArgs),
    /// Write report.md and a self-contained report.html: counts, charts, quotes
    Report(report::ReportArgs),
    /// Keyword in context: each match of a term or theme with its left and right context
    Kwic(kwic::KwicArgs),
    /// HTTP service: classify texts for other systems
    Serve(serve::ServeArgs),
    /// Lexicon tools
    Lexicon {
        #[command(subcommand)]
        command: lexicon::LexiconCommand,
    },
}

pub fn run(cli: Cli) -> CliResult {
    input::set_quiet(cli.quiet);
    if let Some(n) = cli.threads {
        if n == 0 {
            return Err(CliError::new(2, "--threads must be at least 1"));
        }
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().map_err(|e| CliError::new(2, e.to_string()))?;
    }
    let lexicon = cli.lexicon.as_deref();
    match cli.command {
        Command::Tag(a) => tag::run(engine(lexicon)?, a, cli.quiet),
        Command::Count(a) => count::run(engine(lexicon)?, a, cli.quiet),
        Command::Explain(a) => explain::run(engine(lexicon)?, a),
        Command::Eval(a) => eval::run(engine(lexicon)?, a),
        Command::Report(a) => report::run(engine(lexicon)?, a, cli.quiet),
        Command::Kwic(a) => kwic::run(engine(lexicon)?, a),
        Command::Serve(a) => serve::run(lexicon, a),
        Command::Lexicon { command } => lexicon::run(lexicon, command),
    }
}

/// Loads and compiles the lexicon (`--lexicon` or the embedded default).
pub fn load_lexicon(path: Option<&Path>) -> Result<Lexicon, CliError> {
    match path {
        None => Lexicon::default_lexicon().map_err(|e| CliError::new(EXIT_LEXICON, format!("the embedded default lexicon is invalid (rebuild after fixing it):\n{e}"))),
        Some(p) => Lexicon::load(p).map_err(|e| CliError::new(EXIT_LEXICON, format!("invalid lexicon:\n{e}"))),
    }
}

/// The compiled lexicon for one command. It lives until the process exits and is never
/// dropped: freeing its tables one by one took a third as long as compiling them, and
/// the operating system takes the memory back at exit anyway.
pub fn engine(path: Option<&Path>) -> Result<&'static Engine, CliError> {
    let engine = Engine::new(load_lexicon(path)?).map_err(|e| CliError::new(EXIT_LEXICON, format!("invalid lexicon:\n{e}")))?;
    Ok(Box::leak(Box::new(engine)))
}

/// Writes `body` to `output` atomically (never over an input), or to stdout.
pub fn emit(output: Option<&Path>, inputs: &[&str], body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), CliError> {
    // AtomicOutput's errors already name the path.
    let mut sink = Sink::open(output, inputs).map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    let to_stdout = sink.is_stdout();
    match body(&mut sink).and_then(|()| sink.finish()) {
        Ok(()) => Ok(()),
        // A closed pipe (`tema tag x | head`) is the reader's choice, not an error.
        Err(e) if to_stdout && e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) if to_stdout => Err(CliError::output(e)),
        Err(e) => Err(CliError::new(EXIT_OUTPUT, e.to_string())),
    }
}
