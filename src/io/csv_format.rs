//! CSV/TSV input: header required, delimiter detected, RFC 4180 quoting.
//!
//! Records are read as a stream by `csv_core` (the parser inside the `csv`
//! crate); a row with the wrong number of fields is an error instead of a
//! shifted or truncated answer. Our own scanner ([`super::scan`]) picks the
//! delimiter from the start of the text, and checks the last record for an
//! unclosed quote, which `csv_core` would otherwise accept by silently gluing
//! the rest of the file into one field.

use super::decode::TextStream;
use super::read::{InputError, InputFormat};
use super::rows::{Opened, RowChunk, RowSource};
use super::scan::{scan_records, sep_directive};
use crate::swar::{zero_bytes, LANES};

const CANDIDATES: [char; 3] = [',', ';', '\t'];
/// How many records to look at when breaking ties between delimiters.
const TIE_BREAK_RECORDS: usize = 200;

fn delim_name(d: char) -> String {
    match d {
        '\t' => "tab".to_string(),
        c => format!("'{c}'"),
    }
}

/// Pick the delimiter from the header record: the candidate that occurs most
/// often outside quotes wins. Ties (including "no delimiter at all", i.e. a
/// one-column file) go to a candidate under which the first rows have the same
/// field count as the header, then to tab for `.tsv`/`.tab`, then to comma,
/// semicolon, tab in that order.
fn detect_delimiter(body: &str, prefer_tab: bool) -> char {
    let header_fields = |d: char| {
        scan_records(body, d, 1)
            .records
            .first()
            .map_or(1, |r| r.fields)
    };
    let best = CANDIDATES
        .iter()
        .map(|&d| header_fields(d))
        .max()
        .unwrap_or(1);
    let mut tied: Vec<char> = CANDIDATES
        .iter()
        .copied()
        .filter(|&d| header_fields(d) == best)
        .collect();
    if tied.len() == 1 {
        return tied[0];
    }
    if prefer_tab {
        tied.sort_by_key(|&d| d != '\t');
    }
    let consistent = |d: char| {
        let s = scan_records(body, d, TIE_BREAK_RECORDS);
        s.records.iter().all(|r| r.fields == best)
    };
    tied.iter()
        .copied()
        .find(|&d| consistent(d))
        .unwrap_or(tied[0])
}

/// Longest record we hold in memory. Real answers are far shorter; a record
/// this long is almost always a quote that is never closed.
const MAX_RECORD_BYTES: usize = 32 << 20;

/// Opens a CSV stream: honours a `sep=` line, picks the delimiter from
/// `prefix` (the start of the text) and reads the header.
pub(crate) fn open_csv(
    source: &str,
    mut text: TextStream,
    prefix: &str,
    prefer_tab: bool,
    sniffed: bool,
) -> Result<Opened, InputError> {
    let err =
        |line: Option<u64>, col: Option<u64>, msg: String| InputError::new(source, line, col, msg);

    // Excel's optional `sep=;` first line: honour it and skip it; line numbers
    // stay physical because the stream counts it.
    let mut line = 1u64;
    let delim = match sep_directive(prefix) {
        Some(d) => {
            text.read_line(&mut Vec::new())?;
            line = 2;
            d
        }
        None => detect_delimiter(prefix, prefer_tab),
    };
    if !delim.is_ascii() {
        return Err(err(
            Some(1),
            None,
            format!("the delimiter {delim:?} in the sep= line is not supported; use , ; or tab"),
        ));
    }
    let mut rows = CsvRows {
        source: source.to_string(),
        text,
        core: csv_core::ReaderBuilder::new()
            .delimiter(delim as u8)
            .build(),
        delim,
        splitter: Splitter::new(delim as u8),
        line,
        out: vec![0; 4096],
        ends: vec![0; 64],
        raw: Vec::new(),
        header_len: None,
    };
    let sep_line = line;
    let mut chunk = RowChunk::default();
    if !rows.next_row(&mut chunk)? {
        return Err(err(
            Some(sep_line),
            None,
            "no header line after the sep= line".into(),
        ));
    }
    let (header_line, columns) = chunk.pop_row().expect("the header was just read");
    rows.header_len = Some(columns.len());
    let column_hint = sniffed.then(|| {
        format!(
            "(the input was read as CSV with delimiter {}; if it is one answer per line, \
             use --input-format text)",
            delim_name(delim)
        )
    });
    Ok(Opened {
        rows: Box::new(rows),
        format: InputFormat::Csv,
        columns,
        delimiter: Some(delim as u8),
        header_line: Some(header_line),
        column_hint,
        default_id: None,
        no_rows: err(Some(header_line), None, "no rows after the header".into()),
    })
}

/// Streaming CSV records. `csv_core` does the RFC 4180 parsing (so quoting
/// rules match the `csv` crate exactly); this adds physical line numbers,
/// the field-count check and the unclosed-quote check.
struct CsvRows {
    source: String,
    text: TextStream,
    core: csv_core::Reader,
    delim: char,
    /// The fast path for plain records (`None` for a delimiter it cannot take).
    splitter: Option<Splitter>,
    /// Physical line at the stream position.
    line: u64,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The current record as written in the file, for locating a bad quote.
    raw: Vec<u8>,
    /// Field count of the header, once read.
    header_len: Option<usize>,
}

fn count_newlines(b: &[u8]) -> u64 {
    // Newlines are sparse (one per record or so): memchr's search is far
    // faster than looking at every byte.
    memchr::memchr_iter(b'\n', b).count() as u64
}

impl CsvRows {
    fn err(&self, line: Option<u64>, col: Option<u64>, msg: String) -> InputError {
        InputError::new(&self.source, line, col, msg)
    }

    /// The error for a quote opened in the current record and not closed
    /// within it (`None` if every quote in `raw` is closed).
    fn open_quote(&self, rec_line: u64, what: &str) -> Option<InputError> {
        let raw = std::str::from_utf8(&self.raw).ok()?;
        let (line, col) = scan_records(raw, self.delim, usize::MAX).unterminated?;
        Some(self.err(
            Some(rec_line + line - 1),
            Some(col),
            format!(
                "this double quote opens a quoted field that {what}; close it, or double a \
                 quote that belongs to the text (\"\")"
            ),
        ))
    }

    /// Adds the next record to `chunk` if it is plain and wholly buffered (see
    /// [`Splitter::split`]), without csv_core, splitting it straight into the
    /// chunk; false if it is not (nothing added). It starts and ends at record
    /// boundaries, where csv_core keeps no state, so the two can take turns.
    fn plain_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError> {
        #[cfg(test)]
        if tests::CSV_CORE_ONLY.with(|c| c.get()) {
            return Ok(false);
        }
        let Some(splitter) = &self.splitter else {
            return Ok(false);
        };
        let input = self.text.fill_buf()?;
        let mark = chunk.mark();
        // SAFETY: `split` only appends slices of `input` (checked UTF-8) that
        // start and end at its ends or next to ASCII bytes (delimiters,
        // quotes, line breaks), and ends fields there, so the text stays
        // valid UTF-8 and every end is a char boundary. On `None` or a
        // ragged row the chunk is rolled back.
        let (text, ends) = unsafe { chunk.text_and_ends() };
        let Some(rec) = splitter.split(input, text, ends) else {
            chunk.rollback(mark);
            return Ok(false);
        };
        let blank = if rec.start == 0 {
            0
        } else {
            count_newlines(&input[..rec.start])
        };
        let rec_line = self.line + blank;
        self.line = rec_line + rec.newlines;
        self.text.consume(rec.end);
        if let Err(e) = self.check_width(rec_line, rec.fields) {
            chunk.rollback(mark);
            return Err(e);
        }
        chunk.end_row(mark, rec_line);
        Ok(true)
    }

    /// A row with another field count than the header is an error.
    fn check_width(&self, line: u64, fields: usize) -> Result<(), InputError> {
        match self.header_len {
            Some(expected) if fields != expected => Err(self.ragged(line, fields, expected)),
            _ => Ok(()),
        }
    }

    /// The next record read by csv_core into `out`/`ends`, for anything
    /// [`Splitter::split`] leaves; returns its line, output length and field count.
    fn core_record(&mut self) -> Result<Option<(u64, usize, usize)>, InputError> {
        use csv_core::ReadRecordResult::*;
        let (mut outlen, mut endlen) = (0, 0);
        let mut started = false;
        let mut rec_line = self.line;
        self.raw.clear();
        loop {
            let input = self.text.fill_buf()?;
            let at_eof = input.is_empty();
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            let mut consumed = &input[..nin];
            if !started {
                // Blank lines before a record are skipped, but counted.
                let skip = consumed
                    .iter()
                    .position(|&b| b != b'\r' && b != b'\n')
                    .unwrap_or(consumed.len());
                self.line += count_newlines(&consumed[..skip]);
                consumed = &consumed[skip..];
                if !consumed.is_empty() {
                    started = true;
                    rec_line = self.line;
                }
            }
            self.line += count_newlines(consumed);
            self.raw.extend_from_slice(consumed);
            self.text.consume(nin);
            outlen += nout;
            endlen += nend;
            if self.raw.len() > MAX_RECORD_BYTES {
                let mb = MAX_RECORD_BYTES >> 20;
                return Err(self
                    .open_quote(rec_line, &format!("runs on for more than {mb} MB"))
                    .unwrap_or_else(|| {
                        self.err(
                            Some(rec_line),
                            None,
                            format!("record is longer than {mb} MB"),
                        )
                    }));
            }
            match res {
                InputEmpty => {}
                OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                Record => {
                    // A quote left open swallows the rest of the file, so it
                    // can only be in a record that ended at the end of input.
                    if at_eof {
                        if let Some(e) = self.open_quote(
                            rec_line,
                            "is never closed (it runs to the end of the file)",
                        ) {
                            return Err(e);
                        }
                    }
                    return Ok(Some((rec_line, outlen, endlen)));
                }
                End => return Ok(None),
            }
        }
    }

    fn ragged(&self, line: u64, len: usize, expected: usize) -> InputError {
        let d = delim_name(self.delim);
        let hint = if len > expected {
            format!(
                "; the delimiter is {d}, so a field containing {d} must be enclosed in double \
                 quotes"
            )
        } else {
            "; is a delimiter missing, or a line break inside a field not enclosed in double \
             quotes?"
                .to_string()
        };
        self.err(
            Some(line),
            None,
            format!("row has {len} fields but the header has {expected}{hint}"),
        )
    }
}

/// A record [`Splitter::split`] took apart: where it starts after blank lines
/// and ends after its line break, the line breaks inside it (quoted ones and
/// its own) and its number of fields.
#[derive(Debug, PartialEq, Eq)]
struct PlainRecord {
    start: usize,
    end: usize,
    newlines: u64,
    fields: usize,
}

/// Unquoted fields are looked at 8 bytes at a time up to this length before
/// memchr takes over: most are short (ids, names, codes), and a memchr call
/// costs more than looking at a few words. A multiple of 8.
const SHORT_FIELD: usize = 24;

/// The fast path for plain records, for one delimiter.
struct Splitter {
    delim: u8,
    /// The bytes that end an unquoted field: the delimiter, `"`, CR and LF.
    stop: [bool; 256],
    /// The same four, each repeated in every byte of a word.
    stop_words: [u64; 4],
}

impl Splitter {
    /// `None` for a delimiter that is a quote or line break (csv_core only).
    fn new(delim: u8) -> Option<Splitter> {
        if matches!(delim, b'"' | b'\r' | b'\n') {
            return None;
        }
        let mut stop = [false; 256];
        let stops = [delim, b'"', b'\r', b'\n'];
        for b in stops {
            stop[b as usize] = true;
        }
        let stop_words = stops.map(|b| LANES * u64::from(b));
        Some(Splitter {
            delim,
            stop,
            stop_words,
        })
    }

    /// Splits the record at the start of `input` (after blank lines), as
    /// csv_core would, when it is plain: each field unquoted without `"` or
    /// CR, or quoted (`""` inside for a quote) and closed right before a
    /// delimiter or the line break, and the record ends in `\n` or `\r\n`
    /// within `input`. Most records are. The fields' bytes are appended to
    /// `out`, and `out`'s length after each field to `ends`. `None` for
    /// anything else (a lone CR, a stray quote, a record running past
    /// `input`), with some of the record maybe appended.
    fn split(&self, input: &[u8], out: &mut Vec<u8>, ends: &mut Vec<usize>) -> Option<PlainRecord> {
        let start = input.iter().position(|&b| b != b'\r' && b != b'\n')?;
        let mut pos = start;
        let mut fields = 0;
        let mut newlines = 1;
        loop {
            if input[pos] == b'"' {
                // One memchr2 finds the closing quote and counts the line
                // breaks in the field on the way (there are rarely any).
                let mut from = pos + 1;
                let mut at = from;
                loop {
                    let q = at + memchr::memchr2(b'"', b'\n', &input[at..])?;
                    if input[q] == b'\n' {
                        newlines += 1;
                        at = q + 1;
                    } else if input.get(q + 1) == Some(&b'"') {
                        // `""`: the first quote is text, the second skipped.
                        out.extend_from_slice(&input[from..=q]);
                        from = q + 2;
                        at = from;
                    } else {
                        out.extend_from_slice(&input[from..q]);
                        pos = q + 1;
                        break;
                    }
                }
            } else {
                let e = self.field_end(&input[pos..])?;
                out.extend_from_slice(&input[pos..pos + e]);
                pos += e;
            }
            ends.push(out.len());
            fields += 1;
            // After the field: the delimiter or the line break, else it is
            // not plain (a stray quote, a lone CR, text after a closing quote).
            match input.get(pos) {
                Some(&b) if b == self.delim => pos += 1,
                Some(b'\n') => {
                    pos += 1;
                    break;
                }
                Some(b'\r') if input.get(pos + 1) == Some(&b'\n') => {
                    pos += 2;
                    break;
                }
                _ => return None,
            }
            if pos == input.len() {
                return None;
            }
        }
        Some(PlainRecord {
            start,
            end: pos,
            newlines,
            fields,
        })
    }

    /// The length of the unquoted field at the start of `rest`: up to its
    /// first delimiter, `"`, CR or LF (`None` if there is none in `rest`).
    fn field_end(&self, rest: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < SHORT_FIELD {
            let Some(word) = rest.get(i..i + 8) else {
                // Near the end of the input: byte by byte.
                return rest[i..].iter().position(|&b| self.stop[b as usize]).map(|e| i + e);
            };
            let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            let [a, b, c, d] = self.stop_words;
            let found = zero_bytes(w ^ a) | zero_bytes(w ^ b) | zero_bytes(w ^ c) | zero_bytes(w ^ d);
            if found != 0 {
                // Little-endian: the lowest marked byte is the first.
                return Some(i + found.trailing_zeros() as usize / 8);
            }
            i += 8;
        }
        let e = memchr::memchr3(self.delim, b'\n', b'"', &rest[i..]).map_or(rest.len(), |k| i + k);
        // memchr3 takes three bytes, and a CR is rare: look for it only
        // before the byte it found.
        match memchr::memchr(b'\r', &rest[i..e]) {
            Some(cr) => Some(i + cr),
            None => (e < rest.len()).then_some(e),
        }
    }
}

impl RowSource for CsvRows {
    fn next_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError> {
        if self.plain_row(chunk)? {
            return Ok(true);
        }
        let Some((line, outlen, nfields)) = self.core_record()? else {
            return Ok(false);
        };
        self.check_width(line, nfields)?;
        chunk.start_row(line);
        // SAFETY: `out` holds bytes of the checked UTF-8 stream from which
        // csv_core only removed ASCII quote bytes, and fields end at ASCII
        // delimiters, so it is valid UTF-8 split at char boundaries.
        unsafe { chunk.push_checked_bytes(&self.out[..outlen], &self.ends[..nfields]) };
        Ok(true)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::read::{read_bytes, Dataset, ReadOptions};
    use super::*;

    thread_local! {
        /// Set: every record is read by csv_core (to compare the fast path with).
        pub(crate) static CSV_CORE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn read_by_csv_core(s: &[u8], opts: &ReadOptions) -> Result<Dataset, InputError> {
        CSV_CORE_ONLY.with(|c| c.set(true));
        let r = read_bytes("p.csv", s, opts);
        CSV_CORE_ONLY.with(|c| c.set(false));
        r
    }

    /// Every answer handed out, one at a time, and the error that ended them.
    fn answers_until_error(
        s: &str,
        core_only: bool,
    ) -> (Vec<super::super::Answer>, Option<InputError>) {
        CSV_CORE_ONLY.with(|c| c.set(core_only));
        let opts = ReadOptions {
            format: Some(InputFormat::Csv),
            ..Default::default()
        };
        let mut answers = Vec::new();
        let end = match super::super::AnswerReader::from_bytes("p.csv", s.as_bytes(), &opts) {
            Err(e) => Some(e),
            Ok(mut r) => loop {
                match r.next_batch(1, &mut answers) {
                    Ok(0) => break None,
                    Ok(_) => {}
                    Err(e) => break Some(e),
                }
            },
        };
        CSV_CORE_ONLY.with(|c| c.set(false));
        (answers, end)
    }

    fn split(s: &str) -> Option<(Vec<String>, usize, usize)> {
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        let r = Splitter::new(b',').unwrap().split(s.as_bytes(), &mut out, &mut ends)?;
        let mut fields = Vec::new();
        let mut from = 0;
        assert_eq!(ends.len(), r.fields);
        for &e in &ends {
            fields.push(String::from_utf8(out[from..e].to_vec()).unwrap());
            from = e;
        }
        assert_eq!(from, out.len());
        Some((fields, r.start, r.end))
    }

    #[test]
    fn plain_records_are_split_without_csv_core() {
        let v = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(split("a,b\nc"), Some((v(&["a", "b"]), 0, 4)));
        assert_eq!(
            split("\r\n\na,\"b,\"\"c\"\"\",\r\nx"),
            Some((v(&["a", "b,\"c\"", ""]), 3, 17))
        );
        assert_eq!(split(",\"\"\n"), Some((v(&["", ""]), 0, 4)));
        assert_eq!(
            split("a,\"line\nbreak\"\n"),
            Some((v(&["a", "line\nbreak"]), 0, 15))
        );
        // Unquoted fields longer than SHORT_FIELD are searched by memchr.
        let long = "x".repeat(SHORT_FIELD + 5);
        assert_eq!(
            split(&format!("{long},{long}\r\n")),
            Some((v(&[&long, &long]), 0, 2 * long.len() + 3))
        );
        assert_eq!(split(&format!("{long}\"b,c\n")), None);
        assert_eq!(split(&format!("{long}\rb,c\n")), None);
        assert_eq!(split(&format!("a,{long}")), None);
        // Left to csv_core: no line end yet, a stray quote, a lone CR, text after a closing quote.
        for s in [
            "a,b",
            "a,b\r",
            "a\"b,c\n",
            "a\rb\n",
            "\"a\"b,c\n",
            "\"a\n",
            "a,",
            "\n\n",
        ] {
            assert_eq!(split(s), None, "{s:?}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time search finds the first delimiter, quote, CR or
        /// LF, like a search byte by byte.
        #[test]
        fn field_end_finds_the_first_stop(
            bytes in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'z', 0, 0x80, 0xFF, 0xC3, b'"', b'\r', b'\n', b',', b';', b'\t', b' ', 0x2B, 0x2D,
            ]), 0..70),
            delim in proptest::sample::select(vec![b',', b';', b'\t']),
            filler in 0usize..40,
        ) {
            // Runs without a stop byte, so that words and memchr3 are used too.
            let bytes = [vec![b'x'; filler], bytes].concat();
            let s = Splitter::new(delim).unwrap();
            let want = bytes.iter().position(|&b| [delim, b'"', b'\r', b'\n'].contains(&b));
            proptest::prop_assert_eq!(s.field_end(&bytes), want, "{:?}", bytes);
        }

        /// Reading with the fast path gives exactly what csv_core alone gives:
        /// the same answers, fields and lines, or the same error.
        #[test]
        fn fast_path_reads_like_csv_core(
            body in proptest::collection::vec(proptest::sample::select(vec![
                "a", "bø", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", " ", "\t",
                // Longer than SHORT_FIELD with the next one.
                "abcdefghijklmnopq",
            ]), 0..60),
            delim in proptest::sample::select(vec![",", ";", "\t"]),
        ) {
            let text = format!("id{delim}text\n{}", body.concat());
            // Answer by answer, so that an error late in the text does not hide a
            // difference before it.
            let fast = answers_until_error(&text, false);
            let core = answers_until_error(&text, true);
            proptest::prop_assert_eq!(fast, core, "{:?}", text);
        }
    }

    #[test]
    fn fast_path_reads_a_large_file_like_csv_core() {
        // Records straddle the 256 KB buffers of the text stream.
        let mut text = String::from("id,text,x\n");
        for i in 0..20_000 {
            match i % 4 {
                0 => text.push_str(&format!("{i},\"svar, med komma og \"\"sitat\"\"\",{i}\n")),
                1 => text.push_str(&format!("{i},svar uten komma,x\r\n")),
                2 => text.push_str(&format!("{i},\"to\nlinjer\",\n\n")),
                _ => text.push_str(&format!("{i},ø{}å,\"\"\n", "x".repeat(i % 300))),
            }
        }
        let opts = ReadOptions::default();
        let fast = read_bytes("p.csv", text.as_bytes(), &opts).unwrap();
        assert_eq!(fast.answers.len(), 20_000);
        assert_eq!(fast.answers[19_999].line, 30_001);
        assert_eq!(Ok(fast), read_by_csv_core(text.as_bytes(), &opts));
    }

    fn read(s: &str) -> Result<Dataset, InputError> {
        read_bytes("svar.csv", s.as_bytes(), &ReadOptions::default())
    }

    fn read_with(s: &str, text: Option<&str>, id: Option<&str>) -> Result<Dataset, InputError> {
        let o = ReadOptions {
            format: None,
            text_column: text.map(String::from),
            id_column: id.map(String::from),
            ..Default::default()
        };
        read_bytes("svar.csv", s.as_bytes(), &o)
    }

    fn texts(ds: &Dataset) -> Vec<&str> {
        ds.answers.iter().map(|a| a.text.as_str()).collect()
    }

    #[test]
    fn comma() {
        let ds = read("id,svar,alder\n7,Bra service,30\n8,\"Dyrt, men greit\",41\n").unwrap();
        assert_eq!(ds.delimiter, Some(b','));
        assert_eq!(ds.columns, vec!["id", "svar", "alder"]);
        assert_eq!(ds.text_column, 1);
        assert_eq!(ds.id_column, None);
        assert_eq!(texts(&ds), vec!["Bra service", "Dyrt, men greit"]);
        // Default ids are row numbers, not the id column.
        assert_eq!(ds.answers[0].id, "1");
        assert_eq!(ds.answers[1].id, "2");
        assert_eq!(ds.answers[1].fields, vec!["8", "Dyrt, men greit", "41"]);
        assert_eq!(ds.answers[1].line, 3);
    }

    #[test]
    fn semicolon_with_commas_in_text() {
        // Norwegian Excel: semicolons, and commas inside unquoted text.
        let ds = read("ID;Kommentar\n1;Bra, men dyrt\n2;Fin, god, rask\n").unwrap();
        assert_eq!(ds.delimiter, Some(b';'));
        assert_eq!(texts(&ds), vec!["Bra, men dyrt", "Fin, god, rask"]);
    }

    #[test]
    fn tab() {
        let ds = read("id\ttekst\n1\thei, du; der\n").unwrap();
        assert_eq!(ds.delimiter, Some(b'\t'));
        assert_eq!(texts(&ds), vec!["hei, du; der"]);
    }

    #[test]
    fn most_frequent_delimiter_outside_quotes_wins() {
        // Header has one comma inside quotes and two semicolons outside.
        let ds = read("\"a,b\";text;c\n1;x;2\n").unwrap();
        assert_eq!(ds.delimiter, Some(b';'));
        assert_eq!(ds.columns, vec!["a,b", "text", "c"]);
    }

    #[test]
    fn one_column_file_picks_consistent_delimiter() {
        // No delimiter in the header; rows have commas but no semicolons.
        let ds = read("Svar\nBra, men dyrt\nOk\n").unwrap();
        assert_eq!(texts(&ds), vec!["Bra, men dyrt", "Ok"]);
        assert_eq!(ds.delimiter, Some(b';'));
        let ds = read("Hva synes du om kurset?\nBra\n").unwrap();
        assert_eq!(ds.text_column, 0);
    }

    #[test]
    fn tsv_extension_breaks_ties_towards_tab() {
        let ds = read_bytes("a.tsv", b"id,x\ttext\n1,y\tz\n", &ReadOptions::default()).unwrap();
        assert_eq!(ds.delimiter, Some(b'\t'));
        assert_eq!(ds.columns, vec!["id,x", "text"]);
        // Without the .tsv hint the same tie goes to comma.
        let ds = read_bytes("a.csv", b"id,x\ttext\n1,y\tz\n", &ReadOptions::default());
        assert_eq!(ds.unwrap_err().line, Some(1));
    }

    #[test]
    fn sep_line_is_honoured_and_skipped() {
        let ds = read("sep=;\r\nid;text\r\n1;a,b\r\n").unwrap();
        assert_eq!(ds.delimiter, Some(b';'));
        assert_eq!(ds.columns, vec!["id", "text"]);
        assert_eq!(ds.answers[0].line, 3);
        let e = read("sep=;\nid;text\n1;a;b\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = read("sep=;\n").unwrap_err();
        assert!(e.message.contains("no header"), "{e}");
    }

    #[test]
    fn quoted_newlines_keep_physical_line_numbers() {
        let s = "id,text\n1,\"første linje\nandre linje\"\n2,\"a\r\n\r\nb\"\n3,siste\n";
        let ds = read(s).unwrap();
        let got: Vec<(u64, &str)> = ds
            .answers
            .iter()
            .map(|a| (a.line, a.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "første linje\nandre linje"),
                (4, "a\r\n\r\nb"),
                (7, "siste")
            ]
        );
        assert_eq!(ds.answers[2].id, "3");
    }

    #[test]
    fn crlf_and_escaped_quotes() {
        let ds = read("id,text\r\n1,\"Han sa \"\"hei\"\"\"\r\n2,\r\n").unwrap();
        assert_eq!(texts(&ds), vec!["Han sa \"hei\"", ""]);
        assert_eq!(ds.answers[1].line, 3);
    }

    #[test]
    fn empty_answers_are_kept_blank_lines_skipped() {
        let ds = read("id,text\n1,\n\n2,x\n").unwrap();
        assert_eq!(texts(&ds), vec!["", "x"]);
        assert_eq!(ds.answers[1].line, 4);
        assert_eq!(ds.answers[1].id, "2");
    }

    #[test]
    fn header_only() {
        let e = read("id,text\n").unwrap_err();
        assert_eq!(e.message, "no rows after the header");
        assert_eq!(e.line, Some(1));
        assert_eq!(e.to_string(), "svar.csv:1: no rows after the header");
        assert!(read("id,text").is_err());
    }

    #[test]
    fn ragged_rows() {
        let e = read("id,text\n1,a\n2,b,c\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message
                .starts_with("row has 3 fields but the header has 2"),
            "{e}"
        );
        assert!(e.to_string().starts_with("svar.csv:3: row has 3 fields"));
        let e = read("id;text;x\n1;a;b\n2;b\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message
                .starts_with("row has 2 fields but the header has 3"),
            "{e}"
        );
        // A ragged row after a multi-line field reports its own start line.
        let e = read("id,text\n1,\"a\nb\"\n2,x,y\n").unwrap_err();
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn unterminated_quote() {
        let e = read("id,text\n1,\"ok\"\n2,\"ikke lukket\n3,x\n4,y\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(3)), "{e}");
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn literal_quote_in_unquoted_field_is_kept() {
        let ds = read("id,text\n1,27\" skjerm\n").unwrap();
        assert_eq!(texts(&ds), vec!["27\" skjerm"]);
    }

    #[test]
    fn text_column_lookup() {
        let s = "id,Svar,Annet\n1,a,b\n";
        assert_eq!(read_with(s, Some("Annet"), None).unwrap().text_column, 2);
        assert_eq!(read_with(s, Some("annet"), None).unwrap().text_column, 2);
        let e = read_with(s, Some("kjønn"), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "svar.csv:1: column \"kjønn\" not found; the columns are: id, Svar, Annet"
        );
        let e = read("a,b\n1,2\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("--text-column"), "{e}");
        assert!(!e.message.contains("--input-format text"), "{e}");
    }

    #[test]
    fn duplicate_columns() {
        // Allowed in general...
        let ds = read("x,text,x\n1,a,2\n").unwrap();
        assert_eq!(ds.columns, vec!["x", "text", "x"]);
        // ...but not as the text or id column.
        let e = read_with("x,text,x\n1,a,2\n", Some("x"), None).unwrap_err();
        assert!(e.message.contains("appears 2 times"), "{e}");
        let e = read_with("x,text,x\n1,a,2\n", None, Some("x")).unwrap_err();
        assert!(e.message.contains("appears 2 times"), "{e}");
        let e = read("svar,svar\n1,2\n").unwrap_err();
        assert!(e.message.contains("appears 2 times"), "{e}");
    }

    #[test]
    fn id_column() {
        let ds = read_with("RespId;svar\nA17;x\nB2;y\n", None, Some("respid")).unwrap();
        assert_eq!(ds.id_column, Some(0));
        assert_eq!(ds.answers[1].id, "B2");
        let e = read_with("id;svar\n1;x\n", None, Some("nr")).unwrap_err();
        assert!(e.message.contains("column \"nr\" not found"), "{e}");
    }

    fn write_record(fields: &[String], d: u8, crlf: bool) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(d)
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        w.write_record(fields).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    proptest::proptest! {
        /// Whatever a CSV writer produces, we read back exactly, with the
        /// right delimiter and the physical line each record starts on.
        #[test]
        fn roundtrip(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-zæøå ,;\t\"\r\n]{0,8}", 3), 1..6),
            d in proptest::sample::select(vec![b',', b';', b'\t']),
            crlf in proptest::bool::ANY,
        ) {
            let header: Vec<String> = vec!["id".into(), "text".into(), "x".into()];
            let mut text = write_record(&header, d, crlf);
            let mut lines = Vec::new();
            for r in &rows {
                lines.push(text.matches('\n').count() as u64 + 1);
                text.push_str(&write_record(r, d, crlf));
            }
            let ds = read_bytes("p.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
            proptest::prop_assert_eq!(ds.delimiter, Some(d));
            proptest::prop_assert_eq!(ds.answers.len(), rows.len());
            for ((a, r), line) in ds.answers.iter().zip(&rows).zip(&lines) {
                proptest::prop_assert_eq!(&a.fields, r);
                proptest::prop_assert_eq!(&a.text, &r[1]);
                proptest::prop_assert_eq!(a.line, *line);
            }
        }
    }

    #[test]
    fn header_after_blank_lines() {
        let ds = read("\n\nid,text\n1,x\n").unwrap();
        assert_eq!(ds.answers[0].line, 4);
        let e = read("\nid,text\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
