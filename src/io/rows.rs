//! What every format reader produces: rows of fields, packed into chunks.
//!
//! A [`RowChunk`] holds many rows in two flat buffers, so the reading thread
//! does not allocate per field; the strings of each [`Answer`] are made by the
//! thread that uses (and later frees) them.
//!
//! [`Answer`]: super::Answer

use super::read::{InputError, InputFormat};

/// Rows of fields, back to back.
#[derive(Clone, Debug, Default)]
pub(crate) struct RowChunk {
    /// The text of every field (always valid UTF-8: only `&str`s and
    /// [`RowChunk::push_checked_bytes`], which requires it, add to it).
    text: Vec<u8>,
    /// End offset in `text` of each field.
    ends: Vec<usize>,
    /// Index in `ends` of each row's first field.
    starts: Vec<usize>,
    /// 1-based physical line (sheet row for Excel) where each row starts.
    lines: Vec<u64>,
    /// (row, column) of fields a row does not have at all (JSONL lines
    /// without a key); they read as `""`.
    missing: Vec<(usize, usize)>,
}

impl RowChunk {
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    /// Bytes the text buffer can hold without growing.
    pub fn text_capacity(&self) -> usize {
        self.text.capacity()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.starts.clear();
        self.lines.clear();
        self.missing.clear();
    }

    /// Makes room for `rows` rows of `bytes` text in all, so that filling a
    /// new chunk does not grow (and copy) its buffers again and again.
    pub fn reserve(&mut self, rows: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(rows * 4);
        self.starts.reserve(rows);
        self.lines.reserve(rows);
    }

    /// Starts a new row; its fields follow with `push_field`.
    pub fn start_row(&mut self, line: u64) {
        self.starts.push(self.ends.len());
        self.lines.push(line);
    }

    pub fn push_field(&mut self, s: &str) {
        self.text.extend_from_slice(s.as_bytes());
        self.ends.push(self.text.len());
    }

    /// Adds the fields of one CSV record: `bytes` split at `ends`.
    ///
    /// # Safety
    /// `bytes` must be valid UTF-8 and every end a char boundary (debug
    /// builds check the first).
    pub unsafe fn push_checked_bytes(&mut self, bytes: &[u8], ends: &[usize]) {
        debug_assert!(std::str::from_utf8(bytes).is_ok());
        let base = self.text.len();
        self.text.extend_from_slice(bytes);
        self.ends.extend(ends.iter().map(|e| base + e));
    }

    /// Where the next row's text and fields will start (see [`RowChunk::text_and_ends`]).
    pub fn mark(&self) -> RowMark {
        RowMark {
            text: self.text.len(),
            ends: self.ends.len(),
        }
    }

    /// The text and field ends, for a reader that splits a record straight
    /// into them (no copy through a buffer of its own): it appends the
    /// fields' bytes to the text and the text's length after each field to
    /// the ends, then calls [`RowChunk::end_row`], or [`RowChunk::rollback`]
    /// to drop what it appended.
    ///
    /// # Safety
    /// What is appended to the text must be valid UTF-8 and every end pushed
    /// a char boundary of it, at or after the previous end.
    pub unsafe fn text_and_ends(&mut self) -> (&mut Vec<u8>, &mut Vec<usize>) {
        (&mut self.text, &mut self.ends)
    }

    /// Makes the fields appended since `mark` a row starting on `line`.
    pub fn end_row(&mut self, mark: RowMark, line: u64) {
        debug_assert!(std::str::from_utf8(&self.text[mark.text..]).is_ok());
        self.starts.push(mark.ends);
        self.lines.push(line);
    }

    /// Drops whatever was appended since `mark`.
    pub fn rollback(&mut self, mark: RowMark) {
        self.text.truncate(mark.text);
        self.ends.truncate(mark.ends);
    }

    pub fn mark_missing(&mut self, col: usize) {
        self.missing.push((self.rows() - 1, col));
    }

    /// Removes the last row (the header, once read).
    pub fn pop_row(&mut self) -> Option<(u64, Vec<String>)> {
        let row = self.rows().checked_sub(1)?;
        let fields = (0..self.width(row))
            .map(|c| self.field(row, c).to_string())
            .collect();
        let line = self.lines.pop()?;
        let start = self.starts.pop()?;
        let from = if start == 0 { 0 } else { self.ends[start - 1] };
        self.ends.truncate(start);
        self.text.truncate(from);
        self.missing.retain(|&(r, _)| r != row);
        Some((line, fields))
    }

    /// Where the text buffer is (tests check that chunks are reused).
    #[cfg(test)]
    pub fn text_ptr(&self) -> *const u8 {
        self.text.as_ptr()
    }

    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    pub fn width(&self, row: usize) -> usize {
        let end = self.starts.get(row + 1).copied().unwrap_or(self.ends.len());
        end - self.starts[row]
    }

    pub fn is_missing(&self, row: usize, col: usize) -> bool {
        !self.missing.is_empty() && self.missing.contains(&(row, col))
    }

    /// Field `col` of `row` (`""` past the row's last field).
    pub fn field(&self, row: usize, col: usize) -> &str {
        if col >= self.width(row) {
            return "";
        }
        let i = self.starts[row] + col;
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        let bytes = &self.text[from..self.ends[i]];
        // SAFETY: `text` only ever receives valid UTF-8 (`push_field` takes
        // `&str`; `push_checked_bytes` requires it), and fields end on char
        // boundaries, so every field slice is valid UTF-8. This skips a second
        // UTF-8 check of every byte; the stream was already checked once.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

/// Text and field-end lengths of a [`RowChunk`] before a row is added.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowMark {
    text: usize,
    ends: usize,
}

/// A format reader positioned after its header.
pub(crate) trait RowSource: Send {
    /// Appends the next record to `chunk`; false at the end of the input.
    fn next_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError>;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_rows_and_fields() {
        let mut c = RowChunk::default();
        c.start_row(1);
        c.push_field("id");
        c.push_field("svar");
        c.start_row(3);
        // SAFETY: valid UTF-8, split after the ASCII "7".
        unsafe { c.push_checked_bytes("7blå".as_bytes(), &[1, 5]) };
        c.start_row(4);
        c.push_field("8");
        c.mark_missing(1);
        assert_eq!(c.rows(), 3);
        assert_eq!((c.line(1), c.field(1, 0), c.field(1, 1)), (3, "7", "blå"));
        assert_eq!((c.width(2), c.field(2, 1)), (1, ""));
        assert!(c.is_missing(2, 1) && !c.is_missing(1, 1));
        assert_eq!(c.pop_row(), Some((4, vec!["8".to_string()])));
        assert_eq!(c.rows(), 2);
        assert!(!c.is_missing(2, 1));
        assert_eq!(c.field(1, 1), "blå");

        // A row split straight into the chunk, and one dropped half-way.
        let m = c.mark();
        // SAFETY: ASCII, ends at char boundaries.
        let (text, ends) = unsafe { c.text_and_ends() };
        text.extend_from_slice(b"xyz");
        ends.push(text.len());
        c.rollback(m);
        let m = c.mark();
        // SAFETY: valid UTF-8 split after the "9".
        let (text, ends) = unsafe { c.text_and_ends() };
        text.extend_from_slice("9ø".as_bytes());
        ends.extend([text.len() - 2, text.len()]);
        c.end_row(m, 7);
        assert_eq!(c.rows(), 3);
        assert_eq!((c.line(2), c.width(2), c.field(2, 0), c.field(2, 1)), (7, 2, "9", "ø"));
        assert_eq!(c.field(1, 1), "blå");
    }
}
