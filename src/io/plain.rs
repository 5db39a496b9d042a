//! Plain text input: one answer per line, no header.

use super::decode::TextStream;
use super::read::{InputError, InputFormat};
use super::rows::{Opened, RowChunk, RowSource};

pub(crate) fn open_text(source: &str, text: TextStream) -> Opened {
    Opened {
        rows: Box::new(TextRows {
            text,
            line: 0,
            buf: Vec::new(),
        }),
        format: InputFormat::Text,
        columns: vec!["text".to_string()],
        delimiter: None,
        header_line: None,
        column_hint: Some(
            "(plain text input has no header; use CSV or JSONL for named columns)".into(),
        ),
        default_id: None,
        no_rows: InputError::new(source, None, None, "file is empty"),
    }
}

/// Every line is an answer, blank ones included (they count as empty
/// answers); only the end of the file after a final newline is not a line.
struct TextRows {
    text: TextStream,
    line: u64,
    buf: Vec<u8>,
}

impl RowSource for TextRows {
    fn next_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError> {
        self.buf.clear();
        if !self.text.read_line(&mut self.buf)? {
            return Ok(false);
        }
        self.line += 1;
        let s = String::from_utf8_lossy(&self.buf);
        let s = s.strip_suffix('\n').unwrap_or(&s);
        let s = s.strip_suffix('\r').unwrap_or(s);
        chunk.start_row(self.line);
        chunk.push_field(s);
        Ok(true)
    }
}
