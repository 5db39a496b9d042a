//! What every format reader produces: rows of fields, one at a time.

use super::read::{InputError, InputFormat};

/// One record of the input, before it becomes one or more answers.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    /// 1-based physical line (sheet row for Excel) where the record starts.
    pub line: u64,
    /// One value per column.
    pub fields: Vec<String>,
    /// Columns this record does not have at all (JSONL lines without a key);
    /// their `fields` entries are `""`.
    pub missing: Vec<usize>,
}

/// A format reader positioned after its header.
pub(crate) trait RowSource: Send {
    /// The next record, `None` at the end of the input.
    fn next_row(&mut self) -> Result<Option<Row>, InputError>;
}

/// A format reader right after opening: header read, nothing else.
pub(crate) struct Opened {
    pub rows: Box<dyn RowSource>,
    pub format: InputFormat,
    pub columns: Vec<String>,
    pub delimiter: Option<u8>,
    /// Where column errors point (the header line for CSV and Excel).
    pub header_line: Option<u64>,
    /// Appended to column errors (e.g. how the format was guessed).
    pub column_hint: Option<String>,
    /// The id column used when none is given (JSONL: a field named `id`).
    pub default_id: Option<usize>,
    /// The error when there is not a single row.
    pub no_rows: InputError,
}
