//! Input options shared by every command that reads answers, and opening the input.

use super::CliError;
use std::sync::atomic::{AtomicBool, Ordering};
use tema::io::{AnswerReader, EncodingSource, InputFormat, ReadOptions};

/// The global `--quiet`: no notes on stderr. Set once by `cli::run`.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Silences the notes `open_input`/`read_input` print on stderr.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Input file: CSV/TSV (header required), Excel (.xlsx), JSONL or text (one answer per line); - for stdin
    #[arg(value_name = "FILE", default_value = "-")]
    pub input: String,
    /// Column(s) with the answer text: a name, a comma-separated list or a glob ('q1*');
    /// several columns give one answer per column [default: text, tekst, answer, svar, ...]
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
    /// Long exports: column naming the question each row answers
    #[arg(long, value_name = "NAME")]
    pub question_column: Option<String>,
    /// Excel: the sheet to read, by name or 0-based index [default: the first sheet]
    #[arg(long, value_name = "NAME|INDEX")]
    pub sheet: Option<String>,
    /// Text encoding, e.g. windows-1252, iso-8859-1, utf-16le [default: UTF-8, or from the
    /// byte-order mark; Windows-1252 when the file is clearly not UTF-8]
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Column or field with the answer id [default: the row number]
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Input format [default: from the file extension, else detected]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Answers that mean "no answer", counted as missing rather than uncoded
    /// (comma-separated; replaces the default list: "", -, vet ikke, ingen kommentar, nei, ...)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub missing: Option<Vec<String>>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum InputFormatArg {
    Csv,
    Jsonl,
    Text,
    Xlsx,
}

impl InputArgs {
    /// The missing-answer markers in effect (`--missing`, else the defaults).
    pub fn missing_markers(&self) -> Vec<String> {
        match &self.missing {
            Some(list) => list.clone(),
            None => tema::report::DEFAULT_MISSING_MARKERS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.input_format.map(|f| match f {
                InputFormatArg::Csv => InputFormat::Csv,
                InputFormatArg::Jsonl => InputFormat::Jsonl,
                InputFormatArg::Text => InputFormat::Text,
                InputFormatArg::Xlsx => InputFormat::Xlsx,
            }),
            text_column: self.text_column.clone(),
            id_column: self.id_column.clone(),
            question_column: self.question_column.clone(),
            sheet: self.sheet.clone(),
            encoding: self.encoding.clone(),
        }
    }
}

/// Opens the input for streaming in batches (see `tema::io::AnswerReader`).
/// Prints a note on stderr when the encoding was guessed (unless `--quiet`).
pub fn open_input(a: &InputArgs) -> Result<AnswerReader, CliError> {
    let reader = AnswerReader::open(&a.input, &a.read_options()).map_err(CliError::input)?;
    if let Some(note) = encoding_note(&reader) {
        if !QUIET.load(Ordering::Relaxed) {
            eprintln!("{note}");
        }
    }
    Ok(reader)
}

/// The note for a guessed encoding: a guess can be wrong, so say so.
pub fn encoding_note(reader: &AnswerReader) -> Option<String> {
    (reader.encoding_source() == Some(EncodingSource::Guessed)).then(|| {
        format!(
            "note: {} is not UTF-8; reading it as {} (pass --encoding to choose another)",
            reader.source(),
            reader.encoding().unwrap_or("?")
        )
    })
}
