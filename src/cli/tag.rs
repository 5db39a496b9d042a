//! `tema tag`: one coded record per answer (JSONL, CSV, CSV for Excel, or xlsx),
//! streamed: the input is read and coded in bounded batches and each batch is
//! written before the next is read.

use super::progress::Progress;
use super::{open_input, CliError, CliResult, InputArgs, EXIT_OUTPUT};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tema::io::AnswerReader;
use tema::output::answers::{AnswerLayout, AnswerSink, CsvAnswers, JsonlAnswers};
use tema::output::xlsx::XlsxAnswers;
use tema::output::{BatchCoder, CodingError, CsvStyle, Sink};
use tema::report::{Counts, MissingMarkers};
use tema::Engine;

const EXIT_USAGE: u8 = 2;

#[derive(Args, Debug)]
pub struct TagArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format [default: from the extension of -o (.jsonl, .csv, .xlsx), else jsonl]
    #[arg(long, value_enum)]
    pub format: Option<TagFormat>,
    /// CSV for Excel: UTF-8 with BOM, `;` between fields, formulas guarded with a leading '
    #[arg(long)]
    pub excel: bool,
    /// With --format xlsx: add a crosstab sheet of counts per value of this column
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Write to this file (atomically) instead of standard output; required for xlsx
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagFormat {
    Jsonl,
    Csv,
    Xlsx,
}

/// The format asked for, or implied by `--excel` or the output file's extension.
fn resolve_format(a: &TagArgs) -> Result<TagFormat, CliError> {
    let format = match (a.format, a.excel) {
        (Some(f), _) => f,
        (None, true) => TagFormat::Csv,
        (None, false) => match extension(a.output.as_deref()).as_deref() {
            Some("csv") => TagFormat::Csv,
            Some("xlsx") => TagFormat::Xlsx,
            _ => TagFormat::Jsonl,
        },
    };
    if a.excel && format != TagFormat::Csv {
        return Err(CliError::new(EXIT_USAGE, "--excel applies to CSV output (--format csv); an xlsx workbook needs no such adjustment"));
    }
    if format == TagFormat::Xlsx && a.output.is_none() {
        return Err(CliError::new(EXIT_USAGE, "--format xlsx needs -o/--output FILE.xlsx: a workbook cannot be written to standard output"));
    }
    if a.by.is_some() && format != TagFormat::Xlsx {
        return Err(CliError::new(EXIT_USAGE, "--by applies to --format xlsx (its crosstab sheet); for counts per group use `tema count --by`"));
    }
    Ok(format)
}

/// The lower-cased extension of the output path, if any.
pub(super) fn extension(output: Option<&Path>) -> Option<String> {
    output?
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
}

pub fn run(engine: &Engine, a: TagArgs, quiet: bool) -> CliResult {
    let format = resolve_format(&a)?;
    let mut reader = open_input(&a.input)?;
    let by =
        a.by.as_deref()
            .map(|c| reader.column_index(c))
            .transpose()
            .map_err(CliError::input)?;
    let layout = AnswerLayout::from_reader(&reader);
    // Records carry the layout's input columns (and --by counts one); a wide
    // input's text columns come as each answer's text instead.
    let needed: Vec<usize> = layout.kept.iter().copied().chain(by).collect();
    reader.keep_only_fields(&needed);
    let mut counts = new_counts(engine, &reader);
    let progress = Progress::new(quiet, reader.progress().1);
    let mut coder = BatchCoder::new(
        engine,
        reader,
        MissingMarkers::new(&a.input.missing_markers()),
    );
    let sink = Sink::open(a.output.as_deref(), &[&a.input.input])
        .map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    let stdout = sink.is_stdout();

    let result = match format {
        TagFormat::Jsonl => {
            let mut w = JsonlAnswers::new(sink, layout);
            stream(engine, &mut coder, &mut w, &progress).map(|_| w.into_inner())
        }
        TagFormat::Csv => {
            let style = if a.excel {
                CsvStyle::Excel
            } else {
                CsvStyle::Plain
            };
            CsvAnswers::new(sink, style, layout, engine)
                .map_err(CodingError::Output)
                .and_then(|mut w| {
                    stream(engine, &mut coder, &mut w, &progress)?;
                    w.into_inner().map_err(CodingError::Output)
                })
        }
        TagFormat::Xlsx => XlsxAnswers::new(sink, layout, engine)
            .map_err(CodingError::Output)
            .and_then(|mut w| {
                stream_counting(engine, &mut coder, &mut w, &progress, &mut counts, by)?;
                w.finish(engine.lexicon(), &counts, a.by.as_deref())
                    .map_err(CodingError::Output)
            }),
    };
    progress.finish();
    match result.and_then(|sink| sink.finish().map_err(CodingError::Output)) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => coding_error(e, stdout),
    }
}

/// Counts with every text column's question listed up front, so a question (or a
/// whole input) without answers still shows with zero counts.
pub(super) fn new_counts(engine: &Engine, reader: &AnswerReader) -> Counts {
    let mut counts = Counts::new(engine.lexicon().themes.len());
    if reader.question_column().is_none() {
        for &c in reader.text_columns() {
            counts.question_slot(&reader.columns()[c]);
        }
    }
    counts
}

fn stream<S: AnswerSink>(
    engine: &Engine,
    coder: &mut BatchCoder<'_>,
    sink: &mut S,
    progress: &Progress,
) -> Result<(), CodingError> {
    coder.for_each_batch(|batch, p| {
        sink.write_batch(engine, batch)?;
        progress.update(p.bytes, p.answers);
        Ok(())
    })
}

fn stream_counting<S: AnswerSink>(
    engine: &Engine,
    coder: &mut BatchCoder<'_>,
    sink: &mut S,
    progress: &Progress,
    counts: &mut Counts,
    by: Option<usize>,
) -> Result<(), CodingError> {
    coder.for_each_batch(|batch, p| {
        sink.write_batch(engine, batch)?;
        for ((ans, coded), &missing) in batch.answers.iter().zip(batch.coded).zip(batch.missing) {
            let group = by.map(|b| ans.fields.get(b).map_or("", String::as_str));
            counts.add(&ans.question, group, missing, &coded.themes);
        }
        progress.update(p.bytes, p.answers);
        Ok(())
    })
}

/// Exit code and message for a failed run: 3 for bad input, 5 for output. A closed
/// standard output (`tema tag x | head`) is the reader's choice, not an error.
pub(super) fn coding_error(e: CodingError, stdout: bool) -> CliResult {
    match e {
        CodingError::Output(e) if stdout && e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        CodingError::Input(e) => Err(CliError::input(e)),
        CodingError::Output(e) => Err(CliError::output(e)),
    }
}
