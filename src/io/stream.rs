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
//! reads ahead a few chunks of rows (a bounded queue), so reading, decoding and
//! parsing overlap with coding. The rows are packed ([`RowChunk`]); the
//! answers' strings are made in the caller's thread, which also frees them
//! (much cheaper for the allocator than freeing across threads), or, for a
//! caller that reads only a column or two of each answer, the answers are left
//! in the chunks ([`AnswerReader::next_rows`], [`RowAnswers`]). Used chunks
//! go back to the reading thread to be filled again, so their buffers are
//! neither freed across threads nor grown (and page-faulted in) anew for
//! every chunk. Excel sheets are loaded whole.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::decode::{self, CountingReader, Detected, EncodingSource, TextStream};
use super::read::{find_column, sniff, Answer, InputError, InputFormat, ReadOptions};
use super::rows::{Opened, RowChunk, RowSource};
use super::{csv_format, jsonl, plain, select, xlsx};

/// Bytes looked at to detect encoding, format and delimiter.
const PREFIX_BYTES: usize = 64 * 1024;
/// Rows per chunk handed from the reading thread...
const CHUNK_ROWS: usize = 2048;
/// ...unless their text reaches this size first.
const CHUNK_BYTES: usize = 1 << 20;
/// Chunks the reading thread may be ahead by.
const QUEUE_CHUNKS: usize = 2;
/// Chunks a batch of [`RowAnswers`] may hold (`BatchLimits::max_answers` / CHUNK_ROWS,
/// and one more), two batches of them in a pipelined run; given back, they wait for
/// the reading thread (or the next inline read), so none is allocated anew.
const SPARE_CHUNKS: usize = 2 * (8192 / CHUNK_ROWS + 2);
/// A used chunk whose text buffer grew beyond this (a huge record) is freed
/// rather than reused, so memory stays bounded by what is being read now.
const REUSE_MAX_BYTES: usize = 4 * CHUNK_BYTES;

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
    shape: Shape,
    /// Rows being turned into answers, and the next row and text column.
    chunk: RowChunk,
    next_row: usize,
    next_text: usize,
    /// Chunks [`AnswerReader::next_rows`] got back, for the next inline read.
    spare: Vec<RowChunk>,
    /// An error to hand out once the answers before it are taken.
    failed: Option<InputError>,
    done: bool,
    bytes_read: Arc<AtomicU64>,
    total: Option<u64>,
}

enum Feed {
    /// Read on demand, in the caller's thread.
    Inline(Box<dyn RowSource>),
    /// Read ahead by a background thread, which gets used chunks back.
    Thread(Receiver<Msg>, SyncSender<RowChunk>),
}

enum Msg {
    Chunk(RowChunk),
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
    pub fn from_bytes(
        source: &str,
        bytes: &[u8],
        opts: &ReadOptions,
    ) -> Result<AnswerReader, InputError> {
        let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
        Self::start(source, input, Some(bytes.len() as u64), opts, false, true)
    }

    pub(crate) fn open_path(
        path: &str,
        opts: &ReadOptions,
        threaded: bool,
    ) -> Result<AnswerReader, InputError> {
        if path == "-" {
            return Self::start(
                "<stdin>",
                Box::new(std::io::stdin()),
                None,
                opts,
                threaded,
                false,
            );
        }
        let p = Path::new(path);
        if p.is_dir() {
            return Err(InputError::new(
                path,
                None,
                None,
                "is a directory, not a file",
            ));
        }
        let file = std::fs::File::open(p).map_err(|e| {
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "file not found".to_string(),
                std::io::ErrorKind::PermissionDenied => {
                    "cannot read file: permission denied".to_string()
                }
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
        let read_err =
            |e: std::io::Error| InputError::new(source, None, None, format!("cannot read: {e}"));
        let ext = extension(source);
        let limit = if whole { usize::MAX } else { PREFIX_BYTES };
        let mut prefix = Vec::new();
        let mut eof = fill_prefix(&mut input, &mut prefix, limit).map_err(read_err)?;

        let workbook_ext = matches!(
            ext.as_deref(),
            Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
        );
        let is_workbook = match opts.format {
            Some(InputFormat::Xlsx) => true,
            Some(_) => false,
            None => workbook_ext || xlsx::is_workbook_magic(&prefix),
        };
        let (opened, first, encoding) = if is_workbook {
            input.read_to_end(&mut prefix).map_err(read_err)?;
            let opened =
                xlsx::open_workbook(source, prefix, opts.sheet.as_deref(), bytes_read.clone())?;
            (opened, RowChunk::default(), None)
        } else {
            if let Some(sheet) = &opts.sheet {
                return Err(InputError::new(
                    source,
                    None,
                    None,
                    format!(
                        "--sheet {sheet}: only Excel workbooks have sheets, and this input is text"
                    ),
                ));
            }
            // A prefix of blanks says nothing; look further.
            while !eof && prefix.iter().all(u8::is_ascii_whitespace) {
                let want = prefix.len() * 2;
                eof = fill_prefix(&mut input, &mut prefix, want).map_err(read_err)?;
            }
            let detected = decode::detect(&prefix, opts.encoding.as_deref())
                .map_err(|m| InputError::new(source, None, None, m))?;
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
            let mut first = RowChunk::default();
            let opened = match format {
                InputFormat::Jsonl => jsonl::open_jsonl(source, stream, &text, &mut first)?,
                InputFormat::Csv => {
                    csv_format::open_csv(source, stream, &text, prefer_tab, sniffed)?
                }
                InputFormat::Text | InputFormat::Xlsx => plain::open_text(source, stream),
            };
            (opened, first, Some(detected))
        };
        Self::finish(
            source, opened, first, encoding, opts, threaded, bytes_read, total,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        source: &str,
        mut opened: Opened,
        mut first: RowChunk,
        encoding: Option<Detected>,
        opts: &ReadOptions,
        threaded: bool,
        bytes_read: Arc<AtomicU64>,
        total: Option<u64>,
    ) -> Result<AnswerReader, InputError> {
        // Row errors in the first record come before column errors, as when
        // the whole file was read first.
        if first.rows() == 0 && !opened.rows.next_row(&mut first)? {
            return Err(opened.no_rows);
        }
        let columns = opened.columns;
        let col_err = |m: String| {
            let m = match &opened.column_hint {
                Some(h) => format!("{m} {h}"),
                None => m,
            };
            InputError::new(source, opened.header_line, None, m)
        };
        let text_columns =
            select::text_columns(&columns, opts.text_column.as_deref()).map_err(col_err)?;
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
        let mut required: Vec<(usize, &'static str)> =
            text_columns.iter().map(|&c| (c, "the text")).collect();
        required.extend(id_column.map(|c| (c, "the id")));
        required.extend(question_column.map(|c| (c, "the question")));
        let shape = Shape {
            source: source.to_string(),
            columns: columns.clone(),
            text_columns: text_columns.clone(),
            id_column,
            question_column,
            required,
            row_no: 0,
            kept: vec![true; columns.len()],
        };
        let feed = if threaded {
            spawn(opened.rows)
        } else {
            Feed::Inline(opened.rows)
        };
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
            shape,
            chunk: first,
            next_row: 0,
            next_text: 0,
            spare: Vec::new(),
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
    /// The question of every answer, when all answer the same one (one text
    /// column and no question column): then a caller grouping answers by
    /// question need not compare each answer's.
    pub fn single_question(&self) -> Option<&str> {
        match (self.question_column, self.text_columns.as_slice()) {
            (None, &[c]) => Some(&self.columns[c]),
            _ => None,
        }
    }
    /// Looks up a column by name (same rules and errors as `--text-column`).
    pub fn column_index(&self, name: &str) -> Result<usize, InputError> {
        find_column(&self.columns, name)
            .map_err(|m| InputError::new(&self.source, Some(1), None, m))
    }

    /// Appends up to `max` answers to `out`; returns how many (0 = end of input).
    /// An error names file:line:column; answers before it were already handed out.
    pub fn next_batch(&mut self, max: usize, out: &mut Vec<Answer>) -> Result<usize, InputError> {
        self.next_into(max, out)
    }

    /// Like [`AnswerReader::next_batch`], appending to an [`AnswerBuf`]: its slots'
    /// strings are overwritten in place, so batch after batch costs no allocation.
    pub fn refill(&mut self, max: usize, out: &mut AnswerBuf) -> Result<usize, InputError> {
        self.next_into(max, out)
    }

    /// Puts the next answers into `out`, leaving them in the rows they were read
    /// into: whole chunks of rows, until `out` holds at least `max_answers` answers or
    /// `max_bytes` bytes of row text (a chunk is not split, so either may be passed by
    /// up to one chunk). Returns how many answers (0 = end of input). `out`'s previous
    /// rows are given back to be filled again. Errors as [`AnswerReader::next_batch`].
    ///
    /// For a command that reads only a few columns of each answer (`count`): nothing
    /// is copied into strings per answer, and each answer's text is first touched by
    /// the thread that codes it.
    pub fn next_rows(&mut self, max_answers: usize, max_bytes: usize, out: &mut RowAnswers) -> Result<usize, InputError> {
        self.give_back(out);
        if out.text_names.is_empty() {
            out.text_columns = self.text_columns.clone();
            out.text_names = self.text_columns.iter().map(|&c| self.columns[c].clone()).collect();
            out.question_column = self.question_column;
        }
        let mut bytes = 0usize;
        self.pump(
            &mut (out, &mut bytes),
            |(out, bytes)| out.at.len() < max_answers && **bytes < max_bytes,
            |r, (out, bytes)| {
                let taken = r.take_rows(out.chunks.len() as u32, &mut out.at);
                **bytes += r.chunk.text_bytes();
                out.chunks.push(std::mem::take(&mut r.chunk));
                r.next_row = 0;
                r.next_text = 0;
                taken
            },
            |(out, _)| out.at.len(),
        )
    }

    /// The rest of the current chunk as answers of chunk number `chunk` (rows are
    /// checked as by [`Self::take_answers`]; the answers before a bad row are kept).
    fn take_rows(&mut self, chunk: u32, at: &mut Vec<AnswerAt>) -> Result<(), InputError> {
        let per_row = self.shape.text_columns.len() as u32;
        for row in self.next_row..self.chunk.rows() {
            let first = if row == self.next_row { self.next_text as u32 } else { 0 };
            if first == 0 {
                self.shape.check_row(&self.chunk, row)?;
            }
            at.extend((first..per_row).map(|text| AnswerAt { chunk, row: row as u32, text }));
        }
        Ok(())
    }

    /// Takes back the chunks of `out` (and empties it): to the reading thread, or kept
    /// for the next inline read. A chunk grown by a huge record is freed instead.
    fn give_back(&mut self, out: &mut RowAnswers) {
        out.at.clear();
        for chunk in out.chunks.drain(..) {
            if chunk.text_capacity() == 0 || chunk.text_capacity() > REUSE_MAX_BYTES {
                continue;
            }
            match &self.feed {
                Feed::Thread(_, used) => {
                    let _ = used.try_send(chunk);
                }
                Feed::Inline(_) if self.spare.len() < SPARE_CHUNKS => self.spare.push(chunk),
                Feed::Inline(_) => {}
            }
        }
    }

    /// Fills only these columns of [`Answer::fields`]; the others stay `""` (the
    /// vector keeps one entry per column, so indexes still match [`Self::columns`]).
    /// A command that needs no input columns (`count` without `--by`) then does
    /// not copy them for every answer. The default is every column.
    pub fn keep_only_fields(&mut self, columns: &[usize]) {
        let mut kept = vec![false; self.columns.len()];
        for &c in columns {
            if let Some(k) = kept.get_mut(c) {
                *k = true;
            }
        }
        self.shape.kept = kept;
    }

    fn next_into(&mut self, max: usize, out: &mut impl AnswerOut) -> Result<usize, InputError> {
        self.pump(&mut (out, 0usize), |&(_, got)| got < max, |r, (out, got)| r.take_answers(max - *got, *out, got), |&(_, got)| got)
    }

    /// What both ways of handing out answers do: while `wants` more, `take` answers from
    /// the current chunk, fetch the next chunk when it is used up, and hand out a read
    /// error once the answers before it are taken. `count`: answers handed out so far
    /// in this call.
    fn pump<S>(
        &mut self,
        s: &mut S,
        wants: impl Fn(&S) -> bool,
        take: impl Fn(&mut Self, &mut S) -> Result<(), InputError>,
        count: impl Fn(&S) -> usize,
    ) -> Result<usize, InputError> {
        while wants(s) && !self.done {
            if self.next_row < self.chunk.rows() {
                if let Err(e) = take(self, s) {
                    self.done = true;
                    return self.fail(count(s), e);
                }
                continue;
            }
            if let Some(e) = self.failed.take() {
                self.done = true;
                return Err(e);
            }
            match self.fetch() {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(e) => return self.fail(count(s), e),
            }
        }
        Ok(count(s))
    }

    /// Hands out `e` now if nothing was handed out in this call, else next time.
    fn fail(&mut self, got: usize, e: InputError) -> Result<usize, InputError> {
        if got == 0 {
            self.done = true;
            Err(e)
        } else {
            self.failed = Some(e);
            self.done = false;
            self.chunk.clear();
            self.next_row = 0;
            Ok(got)
        }
    }

    /// Turns rows of the current chunk into at most `room` answers.
    fn take_answers(
        &mut self,
        room: usize,
        out: &mut impl AnswerOut,
        got: &mut usize,
    ) -> Result<(), InputError> {
        let per_row = self.shape.text_columns.len();
        let mut left = room;
        while left > 0 && self.next_row < self.chunk.rows() {
            let row = self.next_row;
            if self.next_text == 0 {
                self.shape.check_row(&self.chunk, row)?;
            }
            let n = (per_row - self.next_text).min(left);
            self.shape
                .answers(&self.chunk, row, self.next_text..self.next_text + n, out);
            left -= n;
            *got += n;
            self.next_text += n;
            if self.next_text == per_row {
                self.next_text = 0;
                self.next_row += 1;
            }
        }
        Ok(())
    }

    /// Replaces the current chunk by the next one; false at the end.
    fn fetch(&mut self) -> Result<bool, InputError> {
        self.next_row = 0;
        self.next_text = 0;
        match &mut self.feed {
            Feed::Inline(rows) => {
                if self.chunk.text_capacity() == 0 {
                    // Moved out by `next_rows`: refill one it gave back.
                    self.chunk = self.spare.pop().unwrap_or_default();
                }
                self.chunk.clear();
                match fill_chunk(rows.as_mut(), &mut self.chunk) {
                    Ok(_) => Ok(self.chunk.rows() > 0),
                    Err(e) if self.chunk.rows() == 0 => Err(e),
                    Err(e) => {
                        self.failed = Some(e);
                        Ok(true)
                    }
                }
            }
            Feed::Thread(rx, used) => match rx.recv() {
                Ok(Msg::Chunk(c)) => {
                    let old = std::mem::replace(&mut self.chunk, c);
                    // A chunk `next_rows` moved out left an empty one here (the chunk
                    // itself comes back through `give_back`).
                    if (1..=REUSE_MAX_BYTES).contains(&old.text_capacity()) {
                        // Full or gone (the thread ended): the chunk is just freed.
                        let _ = used.try_send(old);
                    }
                    Ok(true)
                }
                Ok(Msg::Failed(e)) => Err(e),
                Ok(Msg::End) => Ok(false),
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

/// Reads rows into `chunk` until it is full; true at the end of the input.
fn fill_chunk(rows: &mut dyn RowSource, chunk: &mut RowChunk) -> Result<bool, InputError> {
    if chunk.text_capacity() == 0 {
        // A new chunk: it will most likely be filled.
        chunk.reserve(CHUNK_ROWS, CHUNK_BYTES / 2);
    }
    while chunk.rows() < CHUNK_ROWS && chunk.text_bytes() < CHUNK_BYTES {
        if !rows.next_row(chunk)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn spawn(mut rows: Box<dyn RowSource>) -> Feed {
    let (tx, rx) = sync_channel(QUEUE_CHUNKS);
    // Chunks in use: QUEUE_CHUNKS queued, one being filled, one being read
    // from, one just sent, and those that batches of `RowAnswers` hold; more
    // than that are never in flight.
    let (used_tx, used) = sync_channel::<RowChunk>(QUEUE_CHUNKS + 2 + SPARE_CHUNKS);
    let work = move || loop {
        let mut chunk = used.try_recv().unwrap_or_default();
        chunk.clear();
        let res = fill_chunk(rows.as_mut(), &mut chunk);
        let end = !matches!(res, Ok(false));
        if chunk.rows() > 0 && tx.send(Msg::Chunk(chunk)).is_err() {
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
    match std::thread::Builder::new()
        .name("tema-read".into())
        .spawn(work)
    {
        Ok(_) => Feed::Thread(rx, used_tx),
        // Cannot happen in practice; `work` was moved, so report it honestly.
        Err(e) => {
            let (tx, rx) = sync_channel(1);
            let _ = tx.send(Msg::Failed(InputError::new(
                "<input>",
                None,
                None,
                format!("cannot start the reading thread: {e}"),
            )));
            let (used_tx, _) = sync_channel(0);
            Feed::Thread(rx, used_tx)
        }
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
    /// Which columns go into [`Answer::fields`] (the rest stay empty).
    kept: Vec<bool>,
}

impl Shape {
    /// Checks that `row` has the columns answers need (JSONL lines may not).
    fn check_row(&mut self, chunk: &RowChunk, row: usize) -> Result<(), InputError> {
        self.row_no += 1;
        match self
            .required
            .iter()
            .find(|&&(c, _)| chunk.is_missing(row, c))
        {
            None => Ok(()),
            Some(&(c, what)) => Err(InputError::new(
                &self.source,
                Some(chunk.line(row)),
                None,
                format!(
                    "field \"{}\" ({what}) is missing on this line; other lines have it",
                    self.columns[c]
                ),
            )),
        }
    }

    /// The answers of `row` for the text columns at positions `which`.
    fn answers(
        &self,
        chunk: &RowChunk,
        row: usize,
        which: std::ops::Range<usize>,
        out: &mut impl AnswerOut,
    ) {
        for k in which {
            let c = self.text_columns[k];
            let a = out.slot();
            match self.id_column {
                Some(c) => overwrite(&mut a.id, chunk.field(row, c)),
                None => write_number(&mut a.id, self.row_no),
            }
            overwrite(&mut a.text, chunk.field(row, c));
            a.line = chunk.line(row);
            a.fields.truncate(self.kept.len());
            a.fields.resize_with(self.kept.len(), String::new);
            for (f, (field, &keep)) in a.fields.iter_mut().zip(&self.kept).enumerate() {
                overwrite(field, if keep { chunk.field(row, f) } else { "" });
            }
            match self.question_column {
                Some(q) => overwrite(&mut a.question, chunk.field(row, q)),
                None => overwrite(&mut a.question, &self.columns[c]),
            }
        }
    }
}

/// Where [`AnswerReader`] puts answers: a fresh answer at the end of a `Vec`, or
/// the next reused slot of an [`AnswerBuf`].
trait AnswerOut {
    fn slot(&mut self) -> &mut Answer;
}

impl AnswerOut for Vec<Answer> {
    fn slot(&mut self) -> &mut Answer {
        self.push(Answer::default());
        self.last_mut().expect("just pushed")
    }
}

/// A batch of answers whose strings are reused by the next batch
/// ([`AnswerReader::refill`]): reading a large file then does not allocate and
/// free several strings per answer.
#[derive(Clone, Debug, Default)]
pub struct AnswerBuf {
    slots: Vec<Answer>,
    len: usize,
}

impl AnswerBuf {
    /// The answers of the current batch.
    pub fn as_slice(&self) -> &[Answer] {
        &self.slots[..self.len]
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Empties the batch, keeping the strings for the next one.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl AnswerOut for AnswerBuf {
    fn slot(&mut self) -> &mut Answer {
        if self.len == self.slots.len() {
            self.slots.push(Answer::default());
        }
        self.len += 1;
        &mut self.slots[self.len - 1]
    }
}

/// Answers left in the rows they were read into ([`AnswerReader::next_rows`]): the
/// chunks of rows, and for each answer where it is. Only what a caller asks for is
/// read (an answer's text, its question, a column); nothing is copied per answer.
#[derive(Debug, Default)]
pub struct RowAnswers {
    chunks: Vec<RowChunk>,
    at: Vec<AnswerAt>,
    /// The reader's text columns and their names (the question of an answer, unless
    /// there is a question column); set by the first `next_rows`.
    text_columns: Vec<usize>,
    text_names: Vec<String>,
    question_column: Option<usize>,
}

/// Where an answer is: chunk, row in the chunk, and which text column (a position
/// in the reader's text columns).
#[derive(Clone, Copy, Debug)]
struct AnswerAt {
    chunk: u32,
    row: u32,
    text: u32,
}

impl RowAnswers {
    pub fn len(&self) -> usize {
        self.at.len()
    }
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
    fn row(&self, i: usize) -> (&RowChunk, usize) {
        let at = self.at[i];
        (&self.chunks[at.chunk as usize], at.row as usize)
    }
    /// The text of answer `i`, exactly as in the file (like [`Answer::text`]).
    pub fn text(&self, i: usize) -> &str {
        let (chunk, row) = self.row(i);
        chunk.field(row, self.text_columns[self.at[i].text as usize])
    }
    /// The question answer `i` answers (like [`Answer::question`]).
    pub fn question(&self, i: usize) -> &str {
        match self.question_column {
            Some(q) => {
                let (chunk, row) = self.row(i);
                chunk.field(row, q)
            }
            None => &self.text_names[self.at[i].text as usize],
        }
    }
    /// Column `column` of answer `i`'s row (`""` if the row does not have it).
    pub fn field(&self, i: usize, column: usize) -> &str {
        let (chunk, row) = self.row(i);
        chunk.field(row, column)
    }
    /// The line where answer `i`'s record starts (like [`Answer::line`]).
    pub fn line(&self, i: usize) -> u64 {
        let (chunk, row) = self.row(i);
        chunk.line(row)
    }
}

/// A reused string keeps its buffer unless the buffer is both above this size...
const KEEP_BYTES: usize = 1024;
/// ...and this many times what is needed.
const KEEP_FACTOR: usize = 4;
/// The smallest buffer a non-empty string gets.
const MIN_BYTES: usize = 128;

/// Sets `s` to `v`, reusing its buffer. A buffer too small is replaced by a
/// fresh one, rounded up to a power of two so that the slot's next answers
/// (whose lengths vary a lot) mostly fit: growing it in place would copy the
/// old text for nothing. A buffer large and mostly unneeded is replaced too:
/// a slot that once held a very long answer gives its memory back, so the
/// memory of a batch stays bounded by what it holds now.
#[inline]
fn overwrite(s: &mut String, v: &str) {
    if v.is_empty() && s.is_empty() && s.capacity() <= KEEP_BYTES {
        return; // the usual case of a column not kept: nothing to do
    }
    let cap = s.capacity();
    if v.len() > cap || (cap > KEEP_BYTES && cap / KEEP_FACTOR > v.len()) {
        *s = String::with_capacity(room_for(v.len()));
    } else {
        s.clear();
    }
    s.push_str(v);
}

/// The buffer size [`overwrite`] gives a string of `len` bytes.
fn room_for(len: usize) -> usize {
    match len {
        0 => 0,
        _ => len
            .checked_next_power_of_two()
            .unwrap_or(len)
            .max(MIN_BYTES),
    }
}

/// Sets `s` to the decimal form of `n` (what `n.to_string()` gives, without
/// allocating or the formatting machinery).
fn write_number(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.clear();
    s.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(csv: &str, opts: &ReadOptions) -> AnswerReader {
        AnswerReader::from_bytes("svar.csv", csv.as_bytes(), opts).unwrap()
    }

    /// Rows of varying length (one very long), so reused strings grow and shrink.
    fn sample_csv(rows: usize) -> String {
        let mut csv = String::from("nr,svar,kommune\n");
        for i in 0..rows {
            let text = match i % 50 {
                7 => "lang ".repeat(4000),
                k => format!("svar {i} {}", "x".repeat(k * 3)),
            };
            csv.push_str(&format!("N{i},\"{text}\",K{}\n", i % 4));
        }
        csv
    }

    #[test]
    fn refill_gives_the_same_answers_as_next_batch() {
        let csv = sample_csv(700);
        for id in [None, Some("nr".to_string())] {
            let opts = ReadOptions {
                id_column: id.clone(),
                ..Default::default()
            };
            let mut expected = Vec::new();
            let mut r = reader(&csv, &opts);
            while r.next_batch(usize::MAX, &mut expected).unwrap() > 0 {}
            assert_eq!(expected.len(), 700);

            for step in [1, 3, 64, 256, 1000] {
                let mut r = reader(&csv, &opts);
                let mut buf = AnswerBuf::default();
                let mut got = Vec::new();
                loop {
                    buf.clear();
                    let n = r.refill(step, &mut buf).unwrap();
                    assert_eq!(n, buf.len());
                    if n == 0 {
                        break;
                    }
                    assert!(n <= step);
                    got.extend_from_slice(buf.as_slice());
                }
                assert_eq!(got, expected, "step {step}, id column {id:?}");
            }
        }
    }

    #[test]
    fn keep_only_fields_leaves_the_other_columns_empty() {
        let csv = sample_csv(5);
        let mut r = reader(&csv, &ReadOptions::default());
        r.keep_only_fields(&[2, 99]);
        let mut answers = Vec::new();
        r.next_batch(usize::MAX, &mut answers).unwrap();
        assert_eq!(answers[3].fields, vec!["", "", "K3"]);
        assert_eq!(answers[3].text, format!("svar 3 {}", "x".repeat(9)));
        assert_eq!(
            (answers[3].id.as_str(), answers[3].question.as_str()),
            ("4", "svar")
        );
        assert_eq!(r.single_question(), Some("svar"));

        let mut r = reader(&csv, &ReadOptions::default());
        r.keep_only_fields(&[]);
        let mut buf = AnswerBuf::default();
        r.refill(2, &mut buf).unwrap();
        assert_eq!(buf.as_slice()[1].fields, vec!["", "", ""]);
    }

    #[test]
    fn single_question_only_when_every_answer_has_the_same() {
        let csv = "nr,q,a,b\n1,Q1,x,y\n2,Q2,z,w\n";
        let opts = |text: &str, question: Option<&str>| ReadOptions {
            text_column: Some(text.to_string()),
            question_column: question.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(reader(csv, &opts("b", None)).single_question(), Some("b"));
        assert_eq!(reader(csv, &opts("a,b", None)).single_question(), None);
        assert_eq!(reader(csv, &opts("a", Some("q"))).single_question(), None);
    }

    /// Answers as (text, question, line, all fields), and the error a read ended with.
    type Read = (Vec<(String, String, u64, Vec<String>)>, Option<String>);

    /// Every answer `next_rows` hands out, in batches of `max_answers`.
    fn via_rows(mut r: AnswerReader, max_answers: usize, max_bytes: usize) -> Read {
        let width = r.columns().len();
        let mut rows = RowAnswers::default();
        let mut got = Vec::new();
        loop {
            match r.next_rows(max_answers, max_bytes, &mut rows) {
                Ok(0) => return (got, None),
                Ok(n) => {
                    assert_eq!(n, rows.len());
                    // Whole chunks: only the last one may pass the limit.
                    assert!(rows.chunks.len() <= max_answers.div_ceil(2) + 1, "{} chunks", rows.chunks.len());
                    for i in 0..n {
                        let fields = (0..width).map(|c| rows.field(i, c).to_string()).collect();
                        got.push((rows.text(i).to_string(), rows.question(i).to_string(), rows.line(i), fields));
                    }
                }
                Err(e) => return (got, Some(e.to_string())),
            }
        }
    }

    /// The same through `next_batch` (copied answers).
    fn via_answers(mut r: AnswerReader) -> Read {
        let mut got = Vec::new();
        loop {
            let mut batch = Vec::new();
            match r.next_batch(100, &mut batch) {
                Ok(0) => return (got, None),
                Ok(_) => got.extend(batch.into_iter().map(|a| (a.text, a.question, a.line, a.fields))),
                Err(e) => return (got, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn next_rows_hands_out_what_next_batch_copies() {
        let mut long = String::from("nr,q,svar1,svar2,kommune\n");
        for i in 0..9_000 {
            let text = if i % 97 == 0 { "stor ".repeat(3000) } else { format!("svar {i} om {}", "x".repeat(i % 40)) };
            long.push_str(&format!("N{i},Q{},\"{text}\",\"andre {i}\nlinje\",K{}\n", i % 3, i % 4));
        }
        let mut jsonl = String::new();
        for i in 0..5_000 {
            match i {
                // A line without the text field: an error after the 4321 answers before it.
                4321 => jsonl.push_str("{\"id\": 1}\n"),
                _ => jsonl.push_str(&format!("{{\"id\": {i}, \"svar\": \"tolk {i}\", \"k\": \"K{}\"}}\n", i % 5)),
            }
        }
        let opts = |text: &str, question: Option<&str>| ReadOptions {
            text_column: Some(text.to_string()),
            question_column: question.map(str::to_string),
            ..Default::default()
        };
        let cases = [
            ("svar.csv", long.as_str(), opts("svar1", None)),
            ("svar.csv", long.as_str(), opts("svar1,svar2", None)),
            ("svar.csv", long.as_str(), opts("svar2", Some("q"))),
            ("svar.jsonl", jsonl.as_str(), opts("svar", None)),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (name, input, opts) in &cases {
            let path = dir.path().join(name);
            std::fs::write(&path, input).unwrap();
            let source = path.to_str().unwrap();
            let expected = via_answers(AnswerReader::from_bytes(source, input.as_bytes(), opts).unwrap());
            assert!(expected.0.len() >= 4321, "{name}");
            assert_eq!(expected.1.is_some(), name.ends_with(".jsonl"));
            for (max_answers, max_bytes) in [(1, usize::MAX), (3000, usize::MAX), (8192, 1 << 20), (usize::MAX, usize::MAX)] {
                let inline = AnswerReader::from_bytes(source, input.as_bytes(), opts).unwrap();
                assert!(via_rows(inline, max_answers, max_bytes) == expected, "{name} {opts:?} {max_answers} inline");
                let threaded = AnswerReader::open(source, opts).unwrap();
                assert!(matches!(threaded.feed, Feed::Thread(..)));
                let got = via_rows(threaded, max_answers, max_bytes);
                assert!(got == expected, "{name} {opts:?} {max_answers} threaded: {} answers, {:?}; expected {}, {:?}", got.0.len(), got.1, expected.0.len(), expected.1);
            }
        }
    }

    #[test]
    fn next_rows_gives_chunks_back_to_be_filled_again() {
        let csv = sample_csv(20_000);
        let mut r = reader(&csv, &ReadOptions::default());
        let mut rows = RowAnswers::default();
        let mut n = 0;
        let mut buffers = std::collections::HashSet::new();
        loop {
            let got = r.next_rows(5000, usize::MAX, &mut rows).unwrap();
            if got == 0 {
                break;
            }
            n += got;
            buffers.extend(rows.chunks.iter().map(|c| c.text_ptr()));
        }
        assert_eq!(n, 20_000);
        // 10 chunks of rows (and the first row's own), in batches of at most 4: two
        // batches' worth of buffers, not one per chunk.
        assert!(buffers.len() <= 8, "{} buffers", buffers.len());
    }

    #[test]
    fn the_reading_thread_reads_like_the_caller_with_chunks_reused() {
        // Many chunks (so used ones come back and are filled again), and
        // records too big for a chunk to be kept (REUSE_MAX_BYTES).
        let mut csv = String::from("nr,svar,kommune\n");
        for i in 0..30_000 {
            let text = match i {
                5_000 | 17_000 => "stor ".repeat(REUSE_MAX_BYTES / 4),
                _ => format!("svar {i} {}", "x".repeat(i % 300)),
            };
            csv.push_str(&format!("N{i},\"{text}\",K{}\n", i % 4));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.csv");
        std::fs::write(&path, &csv).unwrap();
        let opts = ReadOptions::default();
        let mut expected = Vec::new();
        reader(&csv, &opts)
            .next_batch(usize::MAX, &mut expected)
            .unwrap();
        assert_eq!(expected.len(), 30_000);

        let mut r = AnswerReader::open(path.to_str().unwrap(), &opts).unwrap();
        assert!(matches!(r.feed, Feed::Thread(..)));
        let mut buf = AnswerBuf::default();
        let mut n = 0;
        loop {
            buf.clear();
            if r.refill(1000, &mut buf).unwrap() == 0 {
                break;
            }
            assert_eq!(buf.as_slice(), &expected[n..n + buf.len()]);
            n += buf.len();
        }
        assert_eq!(n, 30_000);
    }

    #[test]
    fn reused_strings_give_back_memory_they_no_longer_need() {
        let mut s = String::new();
        overwrite(&mut s, &"x".repeat(100_000));
        assert!(s.capacity() >= 100_000);
        overwrite(&mut s, "kort");
        assert_eq!(s, "kort");
        assert!(s.capacity() < 1000, "capacity {}", s.capacity());
        // Small buffers are kept: no allocation for the next short answer.
        let before = s.capacity();
        overwrite(&mut s, "ny");
        assert_eq!((s.as_str(), s.capacity()), ("ny", before));

        // Growing rounds up, so answers of similar length share one buffer.
        overwrite(&mut s, &"y".repeat(200));
        assert_eq!(s.capacity(), 256);
        let buffer = s.as_ptr();
        for len in [220, 3, 256, 129, 0, 90] {
            overwrite(&mut s, &"z".repeat(len));
            assert_eq!(s, "z".repeat(len));
            assert_eq!((s.as_ptr(), s.capacity()), (buffer, 256), "{len}");
        }
        // A buffer up to KEEP_BYTES is kept even for an empty answer.
        overwrite(&mut s, &"w".repeat(KEEP_BYTES));
        overwrite(&mut s, "");
        assert_eq!(s.capacity(), KEEP_BYTES);
    }

    #[test]
    fn numbers_are_written_like_to_string() {
        let mut s = String::from("old");
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::MAX] {
            write_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    /// What the reading thread does (decode, check, parse into packed rows),
    /// without making answers: `cargo test --release --lib parse_speed -- --ignored --nocapture`
    /// on `TEMA_READ_CORPUS` (default /tmp/corpus200k.csv).
    #[test]
    #[ignore]
    fn parse_speed() {
        let path =
            std::env::var("TEMA_READ_CORPUS").unwrap_or_else(|_| "/tmp/corpus200k.csv".into());
        let size = std::fs::metadata(&path).expect("corpus file").len() as f64;
        for round in 0..5 {
            let t = std::time::Instant::now();
            let file = std::fs::File::open(&path).unwrap();
            let r = AnswerReader::start(
                &path,
                Box::new(file),
                None,
                &ReadOptions::default(),
                false,
                false,
            )
            .unwrap();
            let Feed::Inline(mut rows) = r.feed else {
                unreachable!()
            };
            let mut chunk = RowChunk::default();
            let mut n = 0;
            loop {
                chunk.clear();
                let end = fill_chunk(rows.as_mut(), &mut chunk).unwrap();
                n += chunk.rows();
                if end {
                    break;
                }
            }
            let s = t.elapsed().as_secs_f64();
            println!(
                "round {round}: {n} rows, {:.1} MB in {s:.3} s = {:.0} MB/s",
                size / 1e6,
                size / 1e6 / s
            );
        }
    }
}
