//! `tema eval --gold FILE`: scores against labelled answers, and every error.

use super::{emit, CliError, CliResult};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tema::eval::{evaluate, read_gold};
use tema::Engine;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Gold JSONL: {"id", "text", "labels": [...]} per line
    #[arg(long, value_name = "FILE")]
    pub gold: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: EvalFormat,
    /// List at most this many errors (text format)
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,
    /// Write to this file (atomically, never over the gold file) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalFormat {
    Text,
    Json,
}

pub fn run(engine: &Engine, a: EvalArgs) -> CliResult {
    let gold = read_gold(&a.gold).map_err(CliError::input)?;
    let r = evaluate(engine, &gold);
    emit(a.output.as_deref(), &[&a.gold], |w: &mut dyn Write| {
        if a.format == EvalFormat::Json {
            serde_json::to_writer_pretty(&mut *w, &r)?;
            return writeln!(w);
        }
        writeln!(
            w,
            "errors (fp = coded but not in gold, fn = in gold but not coded):"
        )?;
        for e in r.errors.iter().take(a.max_errors.unwrap_or(usize::MAX)) {
            writeln!(
                w,
                "  {} {:<20} {:<12} {}",
                e.kind,
                e.theme,
                e.id,
                e.text.replace('\n', " ")
            )?;
            for ev in &e.evidence {
                writeln!(w, "       {ev}")?;
            }
        }
        if !r.unknown_labels.is_empty() {
            writeln!(
                w,
                "gold labels that are not themes of this lexicon (ignored): {}",
                r.unknown_labels.join(", ")
            )?;
        }
        writeln!(w)?;
        writeln!(
            w,
            "lexicon {} ({}), {} gold items",
            r.lexicon, r.version, r.items
        )?;
        writeln!(
            w,
            "{:<22} {:>9} {:>7} {:>7} {:>8} {:>7} {:>4} {:>4}",
            "theme", "precision", "recall", "f1", "support", "kappa", "fp", "fn"
        )?;
        for t in &r.themes {
            writeln!(
                w,
                "{:<22} {:>9.3} {:>7.3} {:>7.3} {:>8} {:>7.3} {:>4} {:>4}",
                t.theme, t.precision, t.recall, t.f1, t.support, t.kappa, t.fp, t.fn_
            )?;
        }
        writeln!(
            w,
            "{:<22} {:>9.3} {:>7.3} {:>7.3}",
            "micro", r.micro.precision, r.micro.recall, r.micro.f1
        )?;
        writeln!(
            w,
            "{:<22} {:>9.3} {:>7.3} {:>7.3}",
            "macro", r.macro_avg.precision, r.macro_avg.recall, r.macro_avg.f1
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
