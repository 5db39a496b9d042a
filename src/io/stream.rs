//! Streaming reader: answers in bounded batches, so memory does not grow with the
//! input. This is the API every command that codes a file goes through.
//!
//! Wide exports (several text columns) give one [`Answer`] per text column per row,
//! with `question` = the column name; long exports (`question_column`) give one per
//! row with `question` = that column's value; otherwise `question` is the text
//! column's name.
//!
//! NOTE (scaffold): this first version reads the whole input through
//! [`read_path`] and hands it out in batches; the io owner replaces it with a real
//! streaming implementation behind the same API.

use super::read::{read_path, Answer, InputError, InputFormat, ReadOptions};

/// An open input, handing out answers in file order.
pub struct AnswerReader {
    source: String,
    format: InputFormat,
    columns: Vec<String>,
    text_columns: Vec<usize>,
    id_column: Option<usize>,
    question_column: Option<usize>,
    pending: std::vec::IntoIter<Answer>,
}

impl AnswerReader {
    /// Opens `path` (`-` = standard input) and reads its header / detects its format.
    /// Column errors (a wrong `--text-column`) are reported here, before any answer.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<AnswerReader, InputError> {
        let data = read_path(path, opts)?;
        Ok(AnswerReader {
            source: data.source,
            format: data.format,
            columns: data.columns,
            text_columns: vec![data.text_column],
            id_column: data.id_column,
            question_column: None,
            pending: data.answers.into_iter(),
        })
    }

    /// The path as given, or `<stdin>`.
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn format(&self) -> InputFormat {
        self.format
    }
    /// Column names (CSV header, JSONL keys, xlsx header row, or `["text"]`).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    /// Indexes into `columns` of the text column(s), in the order given.
    pub fn text_columns(&self) -> &[usize] {
        &self.text_columns
    }
    pub fn id_column(&self) -> Option<usize> {
        self.id_column
    }
    pub fn question_column(&self) -> Option<usize> {
        self.question_column
    }
    /// Looks up a column by name (same rules and errors as `--text-column`).
    pub fn column_index(&self, name: &str) -> Result<usize, InputError> {
        super::read::find_column(&self.columns, name).map_err(|m| InputError::new(&self.source, Some(1), None, m))
    }

    /// Appends up to `max` answers to `out`; returns how many (0 = end of input).
    /// An error names file:line:column; answers before it were already handed out.
    pub fn next_batch(&mut self, max: usize, out: &mut Vec<Answer>) -> Result<usize, InputError> {
        let before = out.len();
        out.extend(self.pending.by_ref().take(max));
        Ok(out.len() - before)
    }

    /// Bytes of input consumed so far and the total if known (for progress bars).
    pub fn progress(&self) -> (u64, Option<u64>) {
        (0, None)
    }
}
