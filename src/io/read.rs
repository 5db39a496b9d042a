//! The types of the input side (answers, options, errors), column lookup and
//! format sniffing, and [`read_path`]/[`read_bytes`], which read a whole input
//! into memory through the streaming [`AnswerReader`]. Each format lives in a
//! sibling module; decoding in `decode`.

use std::fmt;

use super::AnswerReader;

/// The input formats we understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Plain text: one answer per line, no header.
    Text,
    /// An Excel (or OpenDocument) workbook; the first row of the sheet is the header.
    Xlsx,
}

impl InputFormat {
    /// Lower-case name, as used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Text => "text",
            InputFormat::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read an input. The default detects everything.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `None` = detect: by extension (`.csv/.tsv/.tab` → CSV,
    /// `.jsonl/.ndjson` → JSONL, `.txt` → text), otherwise by content (a first
    /// non-empty line starting with `{` → JSONL; records with a consistent
    /// number of `,`/`;`/tab delimiters → CSV; else text).
    pub format: Option<InputFormat>,
    /// Column (CSV) or field (JSONL) holding the answer text. Matched exactly
    /// first, then ignoring case and surrounding spaces. `None` = the first
    /// column named text/tekst/answer/svar/kommentar/comment (or the only
    /// column, if there is just one).
    pub text_column: Option<String>,
    /// Column/field holding the answer id. `None` = row number for CSV and
    /// text; for JSONL the field `id` if the file has one, else the answer
    /// number.
    pub id_column: Option<String>,
    /// Long exports: column holding the question id of each row (`--question-column`).
    pub question_column: Option<String>,
    /// Excel: sheet name or 0-based index (`--sheet`); `None` = the first sheet.
    pub sheet: Option<String>,
    /// Text encoding label (`--encoding`, e.g. `windows-1252`); `None` = detect.
    pub encoding: Option<String>,
}

/// One answer, traceable back to where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The id from the id column, or a 1-based row/answer number as a string.
    pub id: String,
    /// The answer text exactly as in the file (no trimming or normalisation).
    pub text: String,
    /// 1-based physical line where the record starts (a quoted CSV field may
    /// span several lines; this is the first), so users can find it.
    pub line: u64,
    /// All fields of the record, one per [`Dataset::columns`], so outputs can
    /// carry the original columns along. Missing JSONL fields are `""`, and so
    /// are columns a reader was told not to keep ([`AnswerReader::keep_only_fields`]).
    ///
    /// [`AnswerReader::keep_only_fields`]: super::AnswerReader::keep_only_fields
    pub fields: Vec<String>,
    /// Which question this answers: the text column's name, or (long exports) the
    /// value of the question column.
    pub question: String,
}

/// A whole input file, read and validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// The path as given, or `<stdin>`.
    pub source: String,
    /// The format the input was read as (given or detected).
    pub format: InputFormat,
    /// The CSV delimiter used (`None` for JSONL and text).
    pub delimiter: Option<u8>,
    /// Column names: the CSV header, JSONL keys in order of first appearance,
    /// or `["text"]` for plain text.
    pub columns: Vec<String>,
    /// Index into `columns` of the answer text.
    pub text_column: usize,
    /// Index into `columns` of the id, if ids come from a column.
    pub id_column: Option<usize>,
    /// The answers, in file order. Empty answers are kept, never dropped.
    pub answers: Vec<Answer>,
}

impl Dataset {
    /// Look up a column by name with the same rules (and the same errors) as
    /// `--text-column`: exact match, then ignoring case and surrounding
    /// spaces; a name matching several columns is an error, never a guess.
    pub fn column_index(&self, name: &str) -> Result<usize, InputError> {
        // For CSV the header is where column names live; point there.
        let line = (self.format == InputFormat::Csv).then_some(1);
        find_column(&self.columns, name).map_err(|m| InputError::new(&self.source, line, None, m))
    }
}

/// A problem with an input, pointing at where it is.
///
/// Displays as `SOURCE:LINE:COL: message` (parts that are `None` are left
/// out), the format editors and terminals recognise as a jump target.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The path as given, or `<stdin>`.
    pub source: String,
    /// 1-based line, when the problem is at a particular line.
    pub line: Option<u64>,
    /// 1-based column in characters (not bytes), when it applies.
    pub column: Option<u64>,
    /// What is wrong and, where we can tell, how to fix it.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(
        source: &str,
        line: Option<u64>,
        column: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            source: source.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Read answers from a file, or from standard input when `path` is `-`.
///
/// This drains an [`AnswerReader`] into memory; commands that code a whole
/// file should stream with the reader instead.
pub fn read_path(path: &str, opts: &ReadOptions) -> Result<Dataset, InputError> {
    drain(AnswerReader::open_path(path, opts, false)?)
}

/// Read answers from bytes already in memory. `source` names the input in
/// errors and, unless it is `<stdin>`, its extension is used for detection.
pub fn read_bytes(source: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Dataset, InputError> {
    drain(AnswerReader::from_bytes(source, bytes, opts)?)
}

fn drain(mut reader: AnswerReader) -> Result<Dataset, InputError> {
    let mut answers = Vec::new();
    while reader.next_batch(usize::MAX, &mut answers)? > 0 {}
    Ok(Dataset {
        source: reader.source().to_string(),
        format: reader.format(),
        delimiter: reader.delimiter(),
        columns: reader.columns().to_vec(),
        text_column: reader.text_columns()[0],
        id_column: reader.id_column(),
        answers,
    })
}

/// Guess the format from the content (used for stdin and unknown extensions).
pub(crate) fn sniff(
    source: &str,
    text: &str,
    ext: Option<&str>,
) -> Result<InputFormat, InputError> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.starts_with('{') {
        return Ok(InputFormat::Jsonl);
    }
    if first.starts_with('[') && ext == Some("json") {
        return Err(InputError::new(
            source,
            None,
            None,
            "a JSON array cannot be read; use JSON Lines (one JSON object per line, \
             e.g. {\"id\": 1, \"text\": \"...\"}) or CSV",
        ));
    }
    if crate::io::scan::sep_directive(text).is_some() {
        return Ok(InputFormat::Csv);
    }
    for d in [',', ';', '\t'] {
        let recs = crate::io::scan::scan_records(text, d, 20).records;
        if recs.len() >= 2 && recs[0].fields >= 2 && recs.iter().all(|r| r.fields == recs[0].fields)
        {
            return Ok(InputFormat::Csv);
        }
    }
    Ok(InputFormat::Text)
}

/// Column names recognised as the answer text when none is given.
pub(crate) const TEXT_COLUMN_NAMES: &[&str] =
    &["text", "tekst", "answer", "svar", "kommentar", "comment"];

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

pub(crate) fn list_columns(columns: &[String]) -> String {
    const MAX: usize = 40;
    let mut names: Vec<String> = columns
        .iter()
        .take(MAX)
        .map(|c| {
            if c.is_empty() {
                "\"\"".to_string()
            } else {
                c.clone()
            }
        })
        .collect();
    if columns.len() > MAX {
        names.push(format!("… and {} more", columns.len() - MAX));
    }
    names.join(", ")
}

fn positions(idx: &[usize]) -> String {
    let nums: Vec<String> = idx.iter().map(|i| (i + 1).to_string()).collect();
    match nums.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => nums.join(""),
    }
}

/// Find a column by name: exact match first, then ignoring case and
/// surrounding spaces. A name that matches several columns is an error, so
/// that we never code the wrong question's answers.
pub fn find_column(columns: &[String], name: &str) -> Result<usize, String> {
    let exact: Vec<usize> = (0..columns.len()).filter(|&i| columns[i] == name).collect();
    match exact.len() {
        1 => return Ok(exact[0]),
        0 => {}
        n => {
            let at = positions(&exact);
            return Err(format!(
                "column \"{name}\" appears {n} times (columns {at}); rename one of them in the header"
            ));
        }
    }
    let key = fold(name);
    let loose: Vec<usize> = (0..columns.len())
        .filter(|&i| fold(&columns[i]) == key)
        .collect();
    match loose.len() {
        1 => Ok(loose[0]),
        0 => Err(format!(
            "column \"{name}\" not found; the columns are: {}",
            list_columns(columns)
        )),
        _ => Err(format!(
            "column \"{name}\" is ambiguous: it matches {} (columns {}) when case is ignored; \
             give the exact name",
            loose
                .iter()
                .map(|&i| format!("\"{}\"", columns[i]))
                .collect::<Vec<_>>()
                .join(", "),
            positions(&loose)
        )),
    }
}

/// Choose the text column: the explicit one, else the first column with a
/// well-known name, else the only column.
pub(crate) fn choose_text_column(columns: &[String], given: Option<&str>) -> Result<usize, String> {
    if let Some(name) = given {
        return find_column(columns, name);
    }
    if let Some(i) = columns
        .iter()
        .position(|c| TEXT_COLUMN_NAMES.contains(&fold(c).as_str()))
    {
        let key = fold(&columns[i]);
        let same: Vec<usize> = (0..columns.len())
            .filter(|&j| fold(&columns[j]) == key)
            .collect();
        if same.len() > 1 {
            return Err(format!(
                "the text column \"{}\" appears {} times (columns {}); rename one of them \
                 or pass --text-column with a unique name",
                columns[i],
                same.len(),
                positions(&same)
            ));
        }
        return Ok(i);
    }
    if columns.len() == 1 {
        return Ok(0);
    }
    Err(format!(
        "no text column found (looked for: {}); pass --text-column NAME; the columns are: {}",
        TEXT_COLUMN_NAMES.join(", "),
        list_columns(columns)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    fn read(source: &str, s: &str) -> Result<Dataset, InputError> {
        read_bytes(source, s.as_bytes(), &opts())
    }

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    // ---------- errors and display ----------

    #[test]
    fn error_display_omits_missing_parts() {
        let e = InputError::new("a.csv", Some(3), Some(7), "boom");
        assert_eq!(e.to_string(), "a.csv:3:7: boom");
        let e = InputError::new("a.csv", Some(3), None, "boom");
        assert_eq!(e.to_string(), "a.csv:3: boom");
        let e = InputError::new("a.csv", None, None, "boom");
        assert_eq!(e.to_string(), "a.csv: boom");
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn missing_file_names_path() {
        let e = read_path("/nonexistent/dir/svar.csv", &opts()).unwrap_err();
        assert_eq!(e.source, "/nonexistent/dir/svar.csv");
        assert!(e.message.contains("not found"), "{e}");
        assert!(e.to_string().starts_with("/nonexistent/dir/svar.csv: "));
    }

    #[test]
    fn directory_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().to_str().unwrap().to_string();
        let e = read_path(&p, &opts()).unwrap_err();
        assert!(e.message.contains("directory"), "{e}");
    }

    #[test]
    fn read_path_reads_file_and_uses_extension() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("svar.txt");
        // Would sniff as CSV by content, but .txt forces text.
        std::fs::write(&p, "bra, men dyrt\nfin, god\n").unwrap();
        let ds = read_path(p.to_str().unwrap(), &opts()).unwrap();
        assert_eq!(ds.format, InputFormat::Text);
        assert_eq!(ds.answers.len(), 2);
        assert_eq!(ds.source, p.to_str().unwrap());
    }

    // ---------- decoding ----------

    #[test]
    fn empty_inputs() {
        for s in ["", "   \n\t\r\n", "\u{feff}", "\u{feff}\n \n"] {
            let e = read("x.csv", s).unwrap_err();
            assert_eq!(e.message, "file is empty", "{s:?}");
            assert_eq!(e.line, None);
            let e = read("<stdin>", s).unwrap_err();
            assert_eq!(e.message, "file is empty");
        }
    }

    #[test]
    fn bom_is_stripped() {
        let ds = read("x.csv", "\u{feff}id,text\n1,hei\n").unwrap();
        assert_eq!(ds.columns, cols(&["id", "text"]));
        let ds = read("x.txt", "\u{feff}hei\n").unwrap();
        assert_eq!(ds.answers[0].text, "hei");
        let ds = read("x.jsonl", "\u{feff}{\"text\":\"hei\"}\n").unwrap();
        assert_eq!(ds.answers[0].text, "hei");
    }

    #[test]
    fn invalid_utf8_line_and_column() {
        // "blå" in Latin-1 on line 3, after "2,bl" -> column 5 (in chars).
        let mut b = b"id,text\n1,\xc3\xa6rlig\n2,bl".to_vec();
        b.push(0xE5);
        b.extend_from_slice(b"\n");
        let e = read_bytes("s.csv", &b, &opts()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(5)), "{e}");
        assert!(e.message.starts_with("invalid UTF-8 (byte 0xE5"), "{e}");
        assert!(e.message.contains("\"å\""), "{e}");
        assert!(e.message.contains("save the file as UTF-8"), "{e}");
        assert!(e.to_string().starts_with("s.csv:3:5: invalid UTF-8"));
    }

    #[test]
    fn invalid_utf8_column_counts_chars_not_bytes() {
        // Line 1: "øø" (4 bytes) then a bad byte: column 3.
        let b = b"\xc3\xb8\xc3\xb8\xf8x";
        let e = read_bytes("t.txt", b, &opts()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(3)));
        assert!(e.message.contains("0xF8"));
    }

    #[test]
    fn invalid_utf8_after_bom_and_truncated_sequence() {
        let e = read_bytes("t.txt", b"\xEF\xBB\xBFab\n\xC3", &opts()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(e.message.contains("0xC3"));
    }

    #[test]
    fn utf16_is_read_and_binaries_are_explained() {
        let ds = read_bytes("t.txt", b"\xFF\xFEi\0d\0", &opts()).unwrap();
        assert_eq!(ds.answers[0].text, "id");
        let ds = read_bytes("t.txt", b"\xFE\xFF\0i\0d", &opts()).unwrap();
        assert_eq!(ds.answers[0].text, "id");
        // UTF-16 without a BOM: the NUL bytes give it away.
        let e = read_bytes("t.csv", b"i\0d\0\n\0", &opts()).unwrap_err();
        assert!(e.message.contains("NUL"), "{e}");
        assert_eq!((e.line, e.column), (Some(1), Some(2)));
        let e = read_bytes("t.csv", b"PK\x03\x04rest", &opts()).unwrap_err();
        assert!(e.message.contains("CSV UTF-8"), "{e}");
        assert!(e.message.contains("Excel workbook"), "{e}");
        let e = read_bytes("svar.xlsx", b"whatever", &opts()).unwrap_err();
        assert!(e.message.contains("Excel workbook"), "{e}");
    }

    #[test]
    fn windows_1252_is_guessed_or_forced() {
        let ds = read_bytes("s.csv", b"id;svar\n1;Mangel p\xE5 boliger\n", &opts()).unwrap();
        assert_eq!(ds.answers[0].text, "Mangel på boliger");
        let o = ReadOptions {
            encoding: Some("iso-8859-1".into()),
            ..opts()
        };
        // Forced: even bytes that would not be guessed are read as Latin-1.
        let ds = read_bytes("s.txt", b"a\x81b \xE6\n", &o).unwrap();
        assert_eq!(ds.answers[0].text, "a\u{81}b æ");
        let o = ReadOptions {
            encoding: Some("nope".into()),
            ..opts()
        };
        let e = read_bytes("s.txt", b"a\n", &o).unwrap_err();
        assert!(e.message.contains("unknown encoding \"nope\""), "{e}");
    }

    // ---------- detection ----------

    #[test]
    fn detection_by_extension() {
        assert_eq!(read("a.CSV", "text\nx\n").unwrap().format, InputFormat::Csv);
        assert_eq!(
            read("a.tsv", "id\ttext\n1\tx\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("a.tab", "id\ttext\n1\tx\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("a.jsonl", "{\"text\":\"x\"}").unwrap().format,
            InputFormat::Jsonl
        );
        assert_eq!(
            read("a.ndjson", "{\"text\":\"x\"}").unwrap().format,
            InputFormat::Jsonl
        );
        assert_eq!(
            read("a.txt", "{\"text\":\"x\"}").unwrap().format,
            InputFormat::Text
        );
    }

    #[test]
    fn detection_by_content() {
        assert_eq!(
            read("<stdin>", "\n  {\"text\":\"x\"}\n").unwrap().format,
            InputFormat::Jsonl
        );
        assert_eq!(
            read("<stdin>", "id;svar\n1;x\n2;y\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("<stdin>", "id\tsvar\n1\tx\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("data", "id,svar\n1,\"x\ny\"\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("<stdin>", "sep=;\nid;svar\n1;x\n").unwrap().format,
            InputFormat::Csv
        );
        assert_eq!(
            read("<stdin>", "hei\nhallo, du\n").unwrap().format,
            InputFormat::Text
        );
        assert_eq!(
            read("<stdin>", "bare en linje, med komma\n")
                .unwrap()
                .format,
            InputFormat::Text
        );
        assert_eq!(
            read("notes.md", "a\nb\n").unwrap().format,
            InputFormat::Text
        );
    }

    #[test]
    fn explicit_format_wins() {
        let o = ReadOptions {
            format: Some(InputFormat::Text),
            ..opts()
        };
        let ds = read_bytes("a.csv", b"id,text\n1,x\n", &o).unwrap();
        assert_eq!(ds.format, InputFormat::Text);
        assert_eq!(ds.answers.len(), 2);
    }

    #[test]
    fn sniffed_csv_without_text_column_hints_at_text_format() {
        let e = read("<stdin>", "bra, men dyrt\nfin, god\n").unwrap_err();
        assert!(e.message.contains("--input-format text"), "{e}");
    }

    #[test]
    fn json_array_is_explained() {
        let e = read("a.json", "[{\"text\":\"x\"}]").unwrap_err();
        assert!(e.message.contains("JSON Lines"), "{e}");
        assert_eq!(
            read("a.json", "{\"text\":\"x\"}\n").unwrap().format,
            InputFormat::Jsonl
        );
    }

    // ---------- plain text ----------

    #[test]
    fn text_lines_keep_empty_and_drop_final_newline() {
        let ds = read("a.txt", "første\r\n\r\ntredje\n").unwrap();
        assert_eq!(ds.columns, cols(&["text"]));
        assert_eq!(ds.delimiter, None);
        let got: Vec<(&str, &str, u64)> = ds
            .answers
            .iter()
            .map(|a| (a.id.as_str(), a.text.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            vec![("1", "første", 1), ("2", "", 2), ("3", "tredje", 3)]
        );
        assert_eq!(ds.answers[2].fields, vec!["tredje".to_string()]);
        let ds = read("a.txt", "a\nb").unwrap();
        assert_eq!(ds.answers.len(), 2);
        let ds = read("a.txt", "a\n\n").unwrap();
        assert_eq!(ds.answers.len(), 2);
        assert_eq!(ds.answers[1].text, "");
    }

    #[test]
    fn text_rejects_unknown_columns() {
        let o = ReadOptions {
            text_column: Some("svar".into()),
            ..opts()
        };
        let e = read_bytes("a.txt", b"x\n", &o).unwrap_err();
        assert!(e.message.contains("column \"svar\" not found"), "{e}");
        let o = ReadOptions {
            text_column: Some("text".into()),
            ..opts()
        };
        assert!(read_bytes("a.txt", b"x\n", &o).is_ok());
    }

    // ---------- column lookup ----------

    #[test]
    fn find_column_rules() {
        let c = cols(&["ID", "Svar ", "svar", "x"]);
        assert_eq!(find_column(&c, "svar"), Ok(2));
        assert_eq!(find_column(&c, "id"), Ok(0));
        let e = find_column(&c, "SVAR").unwrap_err();
        assert!(
            e.contains("ambiguous") && e.contains("columns 2 and 3"),
            "{e}"
        );
        let e = find_column(&c, "nope").unwrap_err();
        assert_eq!(
            e,
            "column \"nope\" not found; the columns are: ID, Svar , svar, x"
        );
        let c = cols(&["a", "b", "a"]);
        let e = find_column(&c, "a").unwrap_err();
        assert!(e.contains("appears 2 times (columns 1 and 3)"), "{e}");
    }

    #[test]
    fn choose_text_column_rules() {
        assert_eq!(
            choose_text_column(&cols(&["id", "Kommentar", "svar"]), None),
            Ok(1)
        );
        assert_eq!(choose_text_column(&cols(&["Hva synes du?"]), None), Ok(0));
        assert!(choose_text_column(&cols(&["a", "b"]), None)
            .unwrap_err()
            .contains("--text-column"));
        let e = choose_text_column(&cols(&["svar", "SVAR"]), None).unwrap_err();
        assert!(e.contains("appears 2 times"), "{e}");
        assert_eq!(choose_text_column(&cols(&["a", "b"]), Some("B")), Ok(1));
    }

    #[test]
    fn dataset_column_index() {
        let ds = read("a.csv", "id,text,alder\n1,x,30\n").unwrap();
        assert_eq!(ds.column_index("alder"), Ok(2));
        let e = ds.column_index("kjønn").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:1: column \"kjønn\" not found; the columns are: id, text, alder"
        );
    }
}
