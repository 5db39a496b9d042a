//! `tema count`: answers per theme, share of answered answers, N and missing, per
//! question when the input has several, and a crosstab with `--by`. The input is
//! coded in bounded batches and only the counts are kept.

use super::progress::Progress;
use super::tag::{coding_error, extension, new_counts};
use super::{open_input, CliError, CliResult, InputArgs, EXIT_OUTPUT};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tema::output::counts::{write_csv, write_json, write_table};
use tema::output::xlsx::write_counts_workbook;
use tema::output::{Batch, BatchCoder, CodingError, CsvStyle, Sink};
use tema::io::RowAnswers;
use tema::report::{Counts, MissingMarkers};
use tema::Engine;

const EXIT_USAGE: u8 = 2;

#[derive(Args, Debug)]
pub struct CountArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also count per value of this column (a crosstab, e.g. per rolle)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Output format [default: from the extension of -o (.csv, .json, .xlsx), else table]
    #[arg(long, value_enum)]
    pub format: Option<CountFormat>,
    /// CSV for Excel: UTF-8 with BOM, `;` between fields, decimal comma (0,2500),
    /// formulas guarded with a leading '
    #[arg(long)]
    pub excel: bool,
    /// Write to this file (atomically) instead of standard output; required for xlsx
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountFormat {
    Table,
    Csv,
    Json,
    Xlsx,
}

fn resolve_format(a: &CountArgs) -> Result<CountFormat, CliError> {
    let format = match (a.format, a.excel) {
        (Some(f), _) => f,
        (None, true) => CountFormat::Csv,
        (None, false) => match extension(a.output.as_deref()).as_deref() {
            Some("csv") => CountFormat::Csv,
            Some("json") => CountFormat::Json,
            Some("xlsx") => CountFormat::Xlsx,
            _ => CountFormat::Table,
        },
    };
    if a.excel && format != CountFormat::Csv {
        return Err(CliError::new(
            EXIT_USAGE,
            "--excel applies to CSV output (--format csv)",
        ));
    }
    if format == CountFormat::Xlsx && a.output.is_none() {
        return Err(CliError::new(EXIT_USAGE, "--format xlsx needs -o/--output FILE.xlsx: a workbook cannot be written to standard output"));
    }
    Ok(format)
}

/// Adds a coded batch to the counts (question, `--by` group, missing, themes).
/// `question` (if given) is every answer's question
/// ([`AnswerReader::single_question`]): each answer's own is then not looked up.
///
/// [`AnswerReader::single_question`]: tema::io::AnswerReader::single_question
fn add_batch(counts: &mut Counts, batch: &Batch<'_, RowAnswers>, by: Option<usize>, question: Option<&str>) {
    let answers = batch.answers;
    for (i, (coded, &missing)) in batch.coded.iter().zip(batch.missing).enumerate() {
        let group = by.map(|b| answers.field(i, b));
        counts.add(question.unwrap_or_else(|| answers.question(i)), group, missing, &coded.themes);
    }
}

pub fn run(engine: &Engine, a: CountArgs, quiet: bool) -> CliResult {
    let format = resolve_format(&a)?;
    let reader = open_input(&a.input)?;
    let by =
        a.by.as_deref()
            .map(|c| reader.column_index(c))
            .transpose()
            .map_err(CliError::input)?;
    let mut counts = new_counts(engine, &reader);
    let question = reader.single_question().map(str::to_string);
    let progress = Progress::new(quiet, reader.progress().1);
    // Counting reads each answer's text, question and --by column where the reader
    // put them (no copies), and needs its themes, not the evidence.
    let mut coder = BatchCoder::over_rows(
        engine,
        reader,
        MissingMarkers::new(&a.input.missing_markers()),
    )
    .themes_only();
    // Opened before coding, so a refused output path fails at once.
    let mut sink = Sink::open(a.output.as_deref(), &[&a.input.input])
        .map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    let stdout = sink.is_stdout();
    let coded = coder.for_each_batch(|batch, p| {
        add_batch(&mut counts, batch, by, question.as_deref());
        progress.update(p.bytes, p.answers);
        Ok(())
    });
    progress.finish();
    if let Err(e) = coded {
        return coding_error(e, stdout);
    }
    // The input is read to its end. The coder's two batches of answer buffers are not
    // freed one by one: the process exits right after writing the counts.
    std::mem::forget(coder);
    debug_assert!(counts.check().is_ok(), "{:?}", counts.check());

    let lex = engine.lexicon();
    let by_name = a.by.as_deref();
    let style = if a.excel {
        CsvStyle::Excel
    } else {
        CsvStyle::Plain
    };
    let written = match format {
        CountFormat::Table => write_table(&mut sink, lex, &counts, by_name).map(|_| sink),
        CountFormat::Csv => write_csv(&mut sink, style, lex, &counts, by_name).map(|_| sink),
        CountFormat::Json => write_json(&mut sink, lex, &counts, by_name).map(|_| sink),
        CountFormat::Xlsx => write_counts_workbook(sink, lex, &counts, by_name),
    };
    match written.and_then(Sink::finish) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => coding_error(CodingError::Output(e), stdout),
    }
}
