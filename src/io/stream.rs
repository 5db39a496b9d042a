//! Streaming reader: answers in bounded batches, so memory does not grow with the
//! input. This is the API every command that codes a file goes through.
//!
//! Wide exports (several text columns) give one [`Answer`] per text column per row,
//! with `question` = the column name; long exports (`question_column`) give one per
//! row with `question` = that column's value; otherwise `question` is the text
//! column's name.
//!
//! Opening reads a bounded prefix (64 KB) to detect encoding, format and
//! delimiter, then the header and the first row, so that column errors and
//! empty inputs are reported before any answer. After that a background thread
//! reads ahead a few chunks of answers (a bounded queue), so reading and
//! decoding overlap with coding. Excel sheets are loaded whole.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use super::decode::{self, CountingReader, Detected, EncodingSource, TextStream};
use super::read::{find_column, sniff, Answer, InputError, InputFormat, ReadOptions};
use super::rows::{Opened, Row, RowSource};
use super::{csv_format, jsonl, plain, select, xlsx};

/// Bytes looked at to detect encoding, format and delimiter.
const PREFIX_BYTES: usize = 64 * 1024;
/// Answers per chunk handed from the reading thread.
const CHUNK_ANSWERS: usize = 2048;
/// Chunks the reading thread may be ahead by.
const QUEUE_CHUNKS: usize = 2;

/// An open input, handing out answers in file order.
pub struct AnswerReader {
    source: String,
    format: InputFormat,
    delimiter: Option<u8>,
    encoding: Option<Detected>,
    columns: Vec<String>,
    text_columns: Vec<usize>,
    id_column: Option<usize>,
    question_column: Option<usize>,
    feed: Feed,
    pending: std::vec::IntoIter<Answer>,
    /// An error to hand out once the answers before it are taken.
    failed: Option<InputError>,
    done: bool,
    bytes_read: Arc<AtomicU64>,
    total: Option<u64>,
}

enum Feed {
    /// Read on demand, in the caller's thread.
    Inline(Box<Producer>),
    /// Read ahead by a background thread.
    Thread(Receiver<Msg>),
}

enum Msg {
    Chunk(Vec<Answer>),
    Failed(InputError),
    End,
}

impl AnswerReader {
    /// Opens `path` (`-` = standard input) and reads its header / detects its format.
    /// Column errors (a wrong `--text-column`) are reported here, before any answer.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<AnswerReader, InputError> {
        Self::open_path(path, opts, true)
    }

    /// Like [`AnswerReader::open`], for bytes already in memory. `source` names
    /// the input in errors and its extension takes part in format detection.
    pub fn from_bytes(source: &str, bytes: &[u8], opts: &ReadOptions) -> Result<AnswerReader, InputError> {
        let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
        Self::start(source, input, Some(bytes.len() as u64), opts, false, true)
    }

    pub(crate) fn open_path(path: &str, opts: &ReadOptions, threaded: bool) -> Result<AnswerReader, InputError> {
        if path == "-" {
            return Self::start("<stdin>", Box::new(std::io::stdin()), None, opts, threaded, false);
        }
        let p = Path::new(path);
        if p.is_dir() {
            return Err(InputError::new(path, None, None, "is a directory, not a file"));
        }
        let file = std::fs::File::open(p).map_err(|e| {
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "file not found".to_string(),
                std::io::ErrorKind::PermissionDenied => "cannot read file: permission denied".to_string(),
                _ => format!("cannot read file: {e}"),
            };
            InputError::new(path, None, None, msg)
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        Self::start(path, Box::new(file), size, opts, threaded, false)
    }

    /// Detects the format and reads up to the first row. `whole`: the input is
    /// small and in memory, so detection may look at all of it.
    fn start(
        source: &str,
        input: Box<dyn Read + Send>,
        total: Option<u64>,
        opts: &ReadOptions,
        threaded: bool,
        whole: bool,
    ) -> Result<AnswerReader, InputError> {
        let bytes_read = Arc::new(AtomicU64::new(0));
        let mut input = CountingReader {
            inner: input,
            count: bytes_read.clone(),
        };
        let read_err = |e: std::io::Error| InputError::new(source, None, None, format!("cannot read: {e}"));
        let ext = extension(source);
        let limit = if whole { usize::MAX } else { PREFIX_BYTES };
        let mut prefix = Vec::new();
        let mut eof = fill_prefix(&mut input, &mut prefix, limit).map_err(read_err)?;

        let workbook_ext = matches!(ext.as_deref(), Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods"));
        let is_workbook = match opts.format {
            Some(InputFormat::Xlsx) => true,
            Some(_) => false,
            None => workbook_ext || xlsx::is_workbook_magic(&prefix),
        };
        let (opened, first, encoding) = if is_workbook {
            input.read_to_end(&mut prefix).map_err(read_err)?;
            let opened = xlsx::open_workbook(source, prefix, opts.sheet.as_deref(), bytes_read.clone())?;
            (opened, None, None)
        } else {
            if let Some(sheet) = &opts.sheet {
                return Err(InputError::new(
                    source,
                    None,
                    None,
                    format!("--sheet {sheet}: only Excel workbooks have sheets, and this input is text"),
                ));
            }
            // A prefix of blanks says nothing; look further.
            while !eof && prefix.iter().all(u8::is_ascii_whitespace) {
                let want = prefix.len() * 2;
                eof = fill_prefix(&mut input, &mut prefix, want).map_err(read_err)?;
            }
            let detected =
                decode::detect(&prefix, opts.encoding.as_deref()).map_err(|m| InputError::new(source, None, None, m))?;
            let (text, complete) = decode::prefix_text(&prefix, detected, eof);
            if eof && complete && text.trim().is_empty() {
                return Err(InputError::new(source, None, None, "file is empty"));
            }
            let rest = std::io::Cursor::new(prefix.split_off(detected.bom_len)).chain(input);
            let stream = TextStream::new(source, Box::new(rest), detected);
            let (format, sniffed) = match opts.format {
                Some(f) => (f, false),
                None => match ext.as_deref() {
                    Some("csv" | "tsv" | "tab") => (InputFormat::Csv, false),
                    Some("jsonl" | "ndjson") => (InputFormat::Jsonl, false),
                    Some("txt") => (InputFormat::Text, false),
                    _ => (sniff(source, &text, ext.as_deref())?, true),
                },
            };
            let prefer_tab = matches!(ext.as_deref(), Some("tsv" | "tab"));
            let (opened, first) = match format {
                InputFormat::Jsonl => jsonl::open_jsonl(source, stream, &text)?,
                InputFormat::Csv => (csv_format::open_csv(source, stream, &text, prefer_tab, sniffed)?, None),
                InputFormat::Text | InputFormat::Xlsx => (plain::open_text(source, stream), None),
            };
            (opened, first, Some(detected))
        };
        Self::finish(source, opened, first, encoding, opts, threaded, bytes_read, total)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        source: &str,
        mut opened: Opened,
        first: Option<Row>,
        encoding: Option<Detected>,
        opts: &ReadOptions,
        threaded: bool,
        bytes_read: Arc<AtomicU64>,
        total: Option<u64>,
    ) -> Result<AnswerReader, InputError> {
        // Row errors in the first record come before column errors, as when
        // the whole file was read first.
        let first = match first {
            Some(r) => r,
            None => match opened.rows.next_row()? {
                Some(r) => r,
                None => return Err(opened.no_rows),
            },
        };
        let columns = opened.columns;
        let col_err = |m: String| {
            let m = match &opened.column_hint {
                Some(h) => format!("{m} {h}"),
                None => m,
            };
            InputError::new(source, opened.header_line, None, m)
        };
        let text_columns = select::text_columns(&columns, opts.text_column.as_deref()).map_err(col_err)?;
        let id_column = match opts.id_column.as_deref() {
            Some(name) => Some(find_column(&columns, name).map_err(col_err)?),
            None => opened.default_id,
        };
        let question_column = match opts.question_column.as_deref() {
            Some(name) => Some(find_column(&columns, name).map_err(col_err)?),
            None => None,
        };
        if question_column.is_some() && text_columns.len() > 1 {
            return Err(col_err(
                "--question-column is for long exports with one text column, but --text-column \
                 names several"
                    .into(),
            ));
        }
        let mut required: Vec<(usize, &'static str)> = text_columns.iter().map(|&c| (c, "the text")).collect();
        required.extend(id_column.map(|c| (c, "the id")));
        required.extend(question_column.map(|c| (c, "the question")));
        let producer = Box::new(Producer {
            rows: opened.rows,
            first: Some(first),
            shape: Shape {
                source: source.to_string(),
                columns: columns.clone(),
                text_columns: text_columns.clone(),
                id_column,
                question_column,
                required,
                row_no: 0,
            },
        });
        let feed = if threaded { spawn(producer) } else { Feed::Inline(producer) };
        Ok(AnswerReader {
            source: source.to_string(),
            format: opened.format,
            delimiter: opened.delimiter,
            encoding,
            columns,
            text_columns,
            id_column,
            question_column,
            feed,
            pending: Vec::new().into_iter(),
            failed: None,
            done: false,
            bytes_read,
            total,
        })
    }

    /// The path as given, or `<stdin>`.
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn format(&self) -> InputFormat {
        self.format
    }
    /// The CSV delimiter (`None` for other formats).
    pub fn delimiter(&self) -> Option<u8> {
        self.delimiter
    }
    /// The text encoding the input is read in (`None` for Excel workbooks),
    /// e.g. `UTF-8`, `UTF-16LE`, `windows-1252`.
    pub fn encoding(&self) -> Option<&'static str> {
        self.encoding.map(|d| d.encoding.name())
    }
    /// How the encoding was decided; [`EncodingSource::Guessed`] deserves a
    /// note to the user, since a guess can be wrong.
    pub fn encoding_source(&self) -> Option<EncodingSource> {
        self.encoding.map(|d| d.source)
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
        find_column(&self.columns, name).map_err(|m| InputError::new(&self.source, Some(1), None, m))
    }

    /// Appends up to `max` answers to `out`; returns how many (0 = end of input).
    /// An error names file:line:column; answers before it were already handed out.
    pub fn next_batch(&mut self, max: usize, out: &mut Vec<Answer>) -> Result<usize, InputError> {
        let mut got = 0;
        while got < max {
            let before = out.len();
            out.extend(self.pending.by_ref().take(max - got));
            got += out.len() - before;
            if got == max || self.done {
                break;
            }
            if let Some(e) = self.failed.take() {
                self.done = true;
                return Err(e);
            }
            match self.fetch() {
                Ok(Some(chunk)) => self.pending = chunk.into_iter(),
                Ok(None) => self.done = true,
                Err(e) if got == 0 => {
                    self.done = true;
                    return Err(e);
                }
                Err(e) => self.failed = Some(e),
            }
        }
        Ok(got)
    }

    /// The next chunk of answers, `None` at the end.
    fn fetch(&mut self) -> Result<Option<Vec<Answer>>, InputError> {
        match &mut self.feed {
            Feed::Inline(p) => {
                let mut chunk = Vec::with_capacity(CHUNK_ANSWERS);
                match p.fill(CHUNK_ANSWERS, &mut chunk) {
                    Ok(_) if chunk.is_empty() => Ok(None),
                    Ok(_) => Ok(Some(chunk)),
                    Err(e) if chunk.is_empty() => Err(e),
                    Err(e) => {
                        self.failed = Some(e);
                        Ok(Some(chunk))
                    }
                }
            }
            Feed::Thread(rx) => match rx.recv() {
                Ok(Msg::Chunk(c)) => Ok(Some(c)),
                Ok(Msg::Failed(e)) => Err(e),
                Ok(Msg::End) => Ok(None),
                Err(_) => Err(InputError::new(
                    &self.source,
                    None,
                    None,
                    "internal error: the reading thread stopped unexpectedly",
                )),
            },
        }
    }

    /// Bytes of input consumed so far and the total if known (for progress bars).
    pub fn progress(&self) -> (u64, Option<u64>) {
        (self.bytes_read.load(Ordering::Relaxed), self.total)
    }
}

/// Reads until `buf` holds `limit` bytes or the input ends; true at the end.
fn fill_prefix(input: &mut impl Read, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<bool> {
    let want = limit.saturating_sub(buf.len());
    let got = input.by_ref().take(want as u64).read_to_end(buf)?;
    Ok(got < want)
}

fn extension(source: &str) -> Option<String> {
    if source == "<stdin>" || source == "-" {
        return None;
    }
    Path::new(source)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

fn spawn(mut producer: Box<Producer>) -> Feed {
    let (tx, rx) = sync_channel(QUEUE_CHUNKS);
    let work = move || loop {
        let mut chunk = Vec::with_capacity(CHUNK_ANSWERS);
        let res = producer.fill(CHUNK_ANSWERS, &mut chunk);
        let end = !matches!(res, Ok(false));
        if !chunk.is_empty() && tx.send(Msg::Chunk(chunk)).is_err() {
            return; // The reader was dropped.
        }
        if end {
            let _ = tx.send(match res {
                Err(e) => Msg::Failed(e),
                _ => Msg::End,
            });
            return;
        }
    };
    match std::thread::Builder::new().name("tema-read".into()).spawn(work) {
        Ok(_) => Feed::Thread(rx),
        // Cannot happen in practice; `work` was moved, so report it honestly.
        Err(e) => {
            let (tx, rx) = sync_channel(1);
            let _ = tx.send(Msg::Failed(InputError::new(
                "<input>",
                None,
                None,
                format!("cannot start the reading thread: {e}"),
            )));
            Feed::Thread(rx)
        }
    }
}

/// Rows to answers.
struct Producer {
    rows: Box<dyn RowSource>,
    first: Option<Row>,
    shape: Shape,
}

impl Producer {
    /// Adds answers to `out` until it holds at least `target` (or, for a wide
    /// export, a few more). Returns true at the end of the input.
    fn fill(&mut self, target: usize, out: &mut Vec<Answer>) -> Result<bool, InputError> {
        while out.len() < target {
            let row = match self.first.take() {
                Some(r) => r,
                None => match self.rows.next_row()? {
                    Some(r) => r,
                    None => return Ok(true),
                },
            };
            self.shape.answers(row, out)?;
        }
        Ok(false)
    }
}

/// Which columns make an answer.
struct Shape {
    source: String,
    columns: Vec<String>,
    text_columns: Vec<usize>,
    id_column: Option<usize>,
    question_column: Option<usize>,
    /// Columns every row must have, with what they are for (in messages).
    required: Vec<(usize, &'static str)>,
    /// Rows so far (the default id).
    row_no: u64,
}

impl Shape {
    fn answers(&mut self, mut row: Row, out: &mut Vec<Answer>) -> Result<(), InputError> {
        self.row_no += 1;
        if let Some(&(c, what)) = self.required.iter().find(|(c, _)| row.missing.contains(c)) {
            return Err(InputError::new(
                &self.source,
                Some(row.line),
                None,
                format!(
                    "field \"{}\" ({what}) is missing on this line; other lines have it",
                    self.columns[c]
                ),
            ));
        }
        let id = match self.id_column {
            Some(c) => row.fields[c].clone(),
            None => self.row_no.to_string(),
        };
        let question = self.question_column.map(|c| row.fields[c].clone());
        let last = self.text_columns.len() - 1;
        for (k, &c) in self.text_columns.iter().enumerate() {
            let text = row.fields[c].clone();
            let question = question.clone().unwrap_or_else(|| self.columns[c].clone());
            let fields = if k == last {
                std::mem::take(&mut row.fields)
            } else {
                row.fields.clone()
            };
            out.push(Answer {
                id: id.clone(),
                text,
                line: row.line,
                fields,
                question,
            });
        }
        Ok(())
    }
}
