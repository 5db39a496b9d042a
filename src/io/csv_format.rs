//! CSV/TSV input: header required, delimiter detected, RFC 4180 quoting.
//!
//! Parsing is done by the `csv` crate with `flexible(false)`, so a row with
//! the wrong number of fields is an error instead of a shifted or truncated
//! answer. Before parsing we run our own scanner ([`super::scan`]) to pick the
//! delimiter and to catch an unclosed quote, which `csv` would otherwise
//! accept by silently gluing the rest of the file into one field.

use super::read::{
    choose_text_column, find_column, Answer, Dataset, InputError, InputFormat, ReadOptions,
};
use super::scan::{scan_records, sep_directive};

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

pub(crate) fn read_csv(
    source: &str,
    text: &str,
    opts: &ReadOptions,
    prefer_tab: bool,
    sniffed: bool,
) -> Result<Dataset, InputError> {
    let err =
        |line: Option<u64>, col: Option<u64>, msg: String| InputError::new(source, line, col, msg);

    // Excel's optional `sep=;` first line: honour it and skip it, keeping
    // physical line numbers by offsetting everything after it by one.
    let (delim, body, offset) = match sep_directive(text) {
        Some(d) => {
            let body = text.find('\n').map_or("", |i| &text[i + 1..]);
            (d, body, 1u64)
        }
        None => (detect_delimiter(text, prefer_tab), text, 0u64),
    };
    if !delim.is_ascii() {
        return Err(err(
            Some(1),
            None,
            format!("the delimiter {delim:?} in the sep= line is not supported; use , ; or tab"),
        ));
    }
    let delim_desc = delim_name(delim);

    let scan = scan_records(body, delim, usize::MAX);
    if let Some((line, col)) = scan.unterminated {
        return Err(err(
            Some(line + offset),
            Some(col),
            "this double quote opens a quoted field that is never closed (it runs to the end \
             of the file); close it, or double a quote that belongs to the text (\"\")"
                .into(),
        ));
    }

    // `csv::Position::line` counts from the end of the previous record, so a
    // record after a blank line or a CRLF gets too low a line number. Our
    // scanner knows where each record really starts; records are matched by
    // index (the scanner mirrors csv-core, so the indices agree).
    let line_of = |record: u64, csv_line: u64| -> u64 {
        usize::try_from(record)
            .ok()
            .and_then(|i| scan.records.get(i))
            .map_or(csv_line, |r| r.line)
    };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim as u8)
        .has_headers(false)
        .flexible(false)
        .from_reader(body.as_bytes());

    let mut header: Option<(Vec<String>, u64)> = None;
    let mut rows: Vec<(Vec<String>, u64)> = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths { pos, expected_len, len } => {
                let hint = if len > expected_len {
                    format!(
                        "; the delimiter is {delim_desc}, so a field containing {delim_desc} must be \
                         enclosed in double quotes"
                    )
                } else {
                    "; is a delimiter missing, or a line break inside a field not enclosed in \
                     double quotes?"
                        .to_string()
                };
                err(
                    pos.as_ref().map(|p| line_of(p.record(), p.line()) + offset),
                    None,
                    format!("row has {len} fields but the header has {expected_len}{hint}"),
                )
            }
            _ => err(
                e.position().map(|p| line_of(p.record(), p.line()) + offset),
                None,
                format!("cannot read CSV: {e}"),
            ),
        })?;
        let line = rec.position().map_or(0, |p| line_of(p.record(), p.line())) + offset;
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some((fields, line));
        } else {
            rows.push((fields, line));
        }
    }

    let Some((columns, header_line)) = header else {
        return Err(err(
            Some(1 + offset),
            None,
            "no header line after the sep= line".into(),
        ));
    };
    if rows.is_empty() {
        return Err(err(
            Some(header_line),
            None,
            "no rows after the header".into(),
        ));
    }

    let col_err = |m: String| {
        let m = if sniffed {
            format!(
                "{m} (the input was read as CSV with delimiter {delim_desc}; if it is one answer \
                 per line, use --input-format text)"
            )
        } else {
            m
        };
        err(Some(header_line), None, m)
    };
    let text_column = choose_text_column(&columns, opts.text_column.as_deref()).map_err(col_err)?;
    let id_column = match opts.id_column.as_deref() {
        Some(name) => Some(find_column(&columns, name).map_err(col_err)?),
        None => None,
    };

    let question = columns[text_column].clone();
    let answers = rows
        .into_iter()
        .enumerate()
        .map(|(i, (fields, line))| Answer {
            id: match id_column {
                Some(c) => fields[c].clone(),
                None => (i + 1).to_string(),
            },
            text: fields[text_column].clone(),
            line,
            fields,
            question: question.clone(),
        })
        .collect();

    Ok(Dataset {
        source: source.to_string(),
        format: InputFormat::Csv,
        delimiter: Some(delim as u8),
        columns,
        text_column,
        id_column,
        answers,
    })
}

#[cfg(test)]
mod tests {
    use super::super::read::read_bytes;
    use super::*;

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
