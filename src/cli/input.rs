//! Input options shared by every command that reads answers, and opening the input.

use super::CliError;
use tema::io::{AnswerReader, InputFormat, ReadOptions};

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Input file: CSV/TSV (header required), JSONL or text (one answer per line); - for stdin
    #[arg(value_name = "FILE", default_value = "-")]
    pub input: String,
    /// Column (CSV) or field (JSONL) with the answer text [default: text, tekst, answer, svar, ...]
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
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
}

impl InputArgs {
    /// The missing-answer markers in effect (`--missing`, else the defaults).
    pub fn missing_markers(&self) -> Vec<String> {
        match &self.missing {
            Some(list) => list.clone(),
            None => tema::report::DEFAULT_MISSING_MARKERS.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.input_format.map(|f| match f {
                InputFormatArg::Csv => InputFormat::Csv,
                InputFormatArg::Jsonl => InputFormat::Jsonl,
                InputFormatArg::Text => InputFormat::Text,
            }),
            text_column: self.text_column.clone(),
            id_column: self.id_column.clone(),
            ..Default::default()
        }
    }
}

/// Opens the input for streaming in batches (see `tema::io::AnswerReader`).
pub fn open_input(a: &InputArgs) -> Result<AnswerReader, CliError> {
    AnswerReader::open(&a.input, &a.read_options()).map_err(CliError::input)
}

/// Reads the whole input into memory (for commands that need every answer at once).
pub fn read_input(a: &InputArgs) -> Result<tema::io::Dataset, CliError> {
    tema::io::read_path(&a.input, &a.read_options()).map_err(CliError::input)
}
