//! `tema report FILE -o DIR`: report.md and a self-contained report.html.
//!
//! Streams the input in batches (memory stays bounded: see `tema::report::summary`),
//! and writes both files atomically once everything is coded, so an error halfway
//! leaves DIR as it was.

use super::progress::Progress;
use super::{open_input, CliError, CliResult, InputArgs, EXIT_OUTPUT};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tema::io::AtomicOutput;
use tema::output::{BatchCoder, CodingError};
use tema::report::date;
use tema::report::summary::{Lang, ReportMeta, SummaryBuilder, SummaryOptions};
use tema::report::{html, markdown, MissingMarkers};
use tema::Engine;

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder to write report.md and report.html into (created if needed)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Also count per value of this column (a crosstab, e.g. per rolle)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Language of the report's labels
    #[arg(long, value_enum, default_value = "nb")]
    pub lang: LangArg,
    /// Date printed in the report [default: from SOURCE_DATE_EPOCH if set, else today (UTC)]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Replace fødselsnummer, phone numbers and e-mail addresses in quotes with [FNR], [TLF], [EPOST]
    #[arg(long)]
    pub redact: bool,
    /// Example quotes per theme
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub quotes: usize,
    /// Uncoded answers listed per question (all are counted)
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_uncoded: usize,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LangArg {
    /// Bokmål
    Nb,
    /// Nynorsk
    Nn,
    /// English
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Nb => Lang::Nb,
            LangArg::Nn => Lang::Nn,
            LangArg::En => Lang::En,
        }
    }
}

pub fn run(engine: &Engine, a: ReportArgs, quiet: bool) -> CliResult {
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|s| !s.is_empty());
    let date = date::report_date(
        a.date.as_deref(),
        source_date_epoch.as_deref(),
        std::time::SystemTime::now(),
    )
    .map_err(|e| CliError::new(2, e))?;
    let reader = open_input(&a.input)?;
    let by = match &a.by {
        Some(col) => Some((
            reader.column_index(col).map_err(CliError::input)?,
            col.clone(),
        )),
        None => None,
    };

    // Claim the outputs before the (possibly long) coding, so a wrong -o fails fast.
    std::fs::create_dir_all(&a.output).map_err(|e| {
        CliError::new(
            EXIT_OUTPUT,
            format!(
                "cannot create the output folder {}: {e}",
                a.output.display()
            ),
        )
    })?;
    let inputs: Vec<&Path> = [a.input.input.as_str()]
        .into_iter()
        .filter(|i| *i != "-")
        .map(Path::new)
        .collect();
    let create = |name: &str| {
        AtomicOutput::create(&a.output.join(name), &inputs)
            .map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))
    };
    let mut md_out = create("report.md")?;
    let mut html_out = create("report.html")?;

    let opts = SummaryOptions {
        quotes_per_theme: a.quotes,
        uncoded_limit: a.max_uncoded,
        by,
        redact: a.redact,
        ..Default::default()
    };
    let mut builder = SummaryBuilder::new(engine.lexicon().themes.len(), opts);
    let progress = Progress::new(quiet, reader.progress().1);
    let mut coder = BatchCoder::new(engine, reader, MissingMarkers::new(&a.input.missing_markers()));
    coder
        .for_each_batch(|batch, done| {
            for ((answer, c), &missing) in batch.answers.iter().zip(batch.coded).zip(batch.missing) {
                builder.add(answer, c, missing);
            }
            progress.update(done.bytes, done.answers);
            Ok(())
        })
        .map_err(|e| match e {
            CodingError::Input(e) => CliError::input(e),
            CodingError::Output(e) => CliError::output(e),
        })?;
    let answers = coder.answers_done();
    let reader = coder.reader();
    progress.finish();
    let summary = builder.finish();

    let source = Path::new(reader.source())
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| reader.source().to_string());
    let meta = ReportMeta {
        lexicon: engine.lexicon(),
        lang: a.lang.into(),
        date: &date,
        tema_version: env!("CARGO_PKG_VERSION"),
        source: &source,
    };
    let written = (|| {
        md_out.write_all(markdown::render(&summary, &meta).as_bytes())?;
        html_out.write_all(html::render(&summary, &meta).as_bytes())?;
        md_out.commit()?;
        html_out.commit()
    })();
    written.map_err(|e| {
        CliError::new(
            EXIT_OUTPUT,
            format!("cannot write the report in {}: {e}", a.output.display()),
        )
    })?;
    if !quiet {
        eprintln!(
            "wrote {} and {} ({answers} answers)",
            a.output.join("report.md").display(),
            a.output.join("report.html").display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
