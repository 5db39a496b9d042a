//! A small, allocation-light CSV record scanner used *before* the real parse.
//!
//! The `csv` crate does the actual reading, but it is deliberately lenient in
//! two ways that hurt our users: it cannot tell us which delimiter a file uses,
//! and a quote that is never closed makes it swallow the rest of the file into
//! one field without complaint. This scanner mirrors the state machine of
//! `csv-core` (RFC 4180 quoting with `""` escapes; a quote in the middle of an
//! unquoted field is literal; blank lines between records are skipped; CR, LF
//! and CRLF end records) closely enough to count fields per record, find the
//! line each record starts on, and report where an unclosed quote was opened.

/// One record as seen by the scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecInfo {
    /// 1-based physical line on which the record starts.
    pub line: u64,
    /// Number of fields in the record (at least 1).
    pub fields: usize,
}

/// Result of scanning (a prefix of) a CSV text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    pub records: Vec<RecInfo>,
    /// Line and column (1-based, in characters) of a `"` that opened a quoted
    /// field which is still open at the end of the text.
    pub unterminated: Option<(u64, u64)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// Scan `text` with delimiter `delim`, stopping after `max_records` records.
/// `unterminated` is only meaningful when the whole text was scanned.
pub(crate) fn scan_records(text: &str, delim: char, max_records: usize) -> Scan {
    let mut out = Scan::default();
    if max_records == 0 {
        return out;
    }
    let mut st = St::StartRecord;
    let mut line: u64 = 1;
    let mut col: u64 = 0;
    let mut rec_line: u64 = 1;
    let mut fields: usize = 0;
    let mut quote_open = (0u64, 0u64);

    for ch in text.chars() {
        col += 1;
        let is_term = ch == '\n' || ch == '\r';
        match st {
            St::StartRecord if is_term => {}
            St::StartRecord | St::StartField => {
                if st == St::StartRecord {
                    rec_line = line;
                    fields = 1;
                }
                if ch == '"' {
                    st = St::InQuoted;
                    quote_open = (line, col);
                } else if ch == delim {
                    fields += 1;
                    st = St::StartField;
                } else if is_term {
                    out.records.push(RecInfo {
                        line: rec_line,
                        fields,
                    });
                    if out.records.len() >= max_records {
                        return out;
                    }
                    st = St::StartRecord;
                } else {
                    st = St::InField;
                }
            }
            St::InField | St::QuoteInQuoted => {
                if st == St::QuoteInQuoted && ch == '"' {
                    // `""` inside a quoted field: an escaped quote.
                    st = St::InQuoted;
                } else if ch == delim {
                    fields += 1;
                    st = St::StartField;
                } else if is_term {
                    out.records.push(RecInfo {
                        line: rec_line,
                        fields,
                    });
                    if out.records.len() >= max_records {
                        return out;
                    }
                    st = St::StartRecord;
                } else {
                    st = St::InField;
                }
            }
            St::InQuoted => {
                if ch == '"' {
                    st = St::QuoteInQuoted;
                }
            }
        }
        if ch == '\n' {
            line += 1;
            col = 0;
        }
    }
    if st == St::InQuoted {
        out.unterminated = Some(quote_open);
    }
    if st != St::StartRecord {
        out.records.push(RecInfo {
            line: rec_line,
            fields,
        });
    }
    out
}

/// If the first line is Excel's `sep=X` directive, return `X`.
///
/// Excel writes (and honours) this line to announce the delimiter; it is not
/// part of the data, so the reader skips it.
pub(crate) fn sep_directive(text: &str) -> Option<char> {
    let first = text.split('\n').next()?.trim_end_matches('\r');
    if !first.get(..4)?.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let mut chars = first[4..].chars();
    let c = chars.next()?;
    if chars.next().is_none() && c != '"' && c != '\r' && c != '\n' {
        Some(c)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str, d: char) -> Vec<(u64, usize)> {
        scan_records(text, d, usize::MAX)
            .records
            .iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    #[test]
    fn simple_records() {
        assert_eq!(counts("a,b\n1,2\n", ','), vec![(1, 2), (2, 2)]);
        assert_eq!(counts("a,b\r\n1,2", ','), vec![(1, 2), (2, 2)]);
        assert_eq!(counts("a;b\n1;2\n", ','), vec![(1, 1), (2, 1)]);
    }

    #[test]
    fn quoted_newlines_and_escapes() {
        let t = "id,text\n1,\"two\nlines, \"\"quoted\"\"\"\n2,x\n";
        assert_eq!(counts(t, ','), vec![(1, 2), (2, 2), (4, 2)]);
        assert_eq!(scan_records(t, ',', usize::MAX).unterminated, None);
    }

    #[test]
    fn blank_lines_are_skipped() {
        assert_eq!(counts("\n\na,b\n\n1,2\n\n", ','), vec![(3, 2), (5, 2)]);
    }

    #[test]
    fn quote_inside_unquoted_field_is_literal() {
        assert_eq!(counts("a,b\n5\" screen,x\n", ','), vec![(1, 2), (2, 2)]);
        assert_eq!(
            scan_records("a,b\n5\" screen,x\n", ',', 9).unterminated,
            None
        );
    }

    #[test]
    fn unterminated_quote_position() {
        let s = scan_records("a,b\n1,ok\n2,\"æøå\n3,x\n", ',', usize::MAX);
        assert_eq!(s.unterminated, Some((3, 3)));
        let s = scan_records("a,b\n1,\"å\"\"\n", ',', usize::MAX);
        assert_eq!(s.unterminated, Some((2, 3)));
    }

    #[test]
    fn max_records_stops_early() {
        assert_eq!(scan_records("a\nb\nc\n", ',', 2).records.len(), 2);
    }

    /// Records and field counts as the `csv` crate sees them.
    fn csv_crate_counts(text: &str, d: char) -> Vec<usize> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(d as u8)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        r.records().map(|rec| rec.unwrap().len()).collect()
    }

    proptest::proptest! {
        /// The scanner must agree with csv-core on record boundaries and
        /// field counts, or our line numbers and delimiter choice would lie.
        #[test]
        fn agrees_with_csv_crate(text in "[a,;\t\"\r\n ]{0,40}") {
            for d in [',', ';', '\t'] {
                let s = scan_records(&text, d, usize::MAX);
                let ours: Vec<usize> = s.records.iter().map(|r| r.fields).collect();
                proptest::prop_assert_eq!(ours, csv_crate_counts(&text, d));
            }
        }
    }

    #[test]
    fn sep_line() {
        assert_eq!(sep_directive("sep=;\r\na;b\n"), Some(';'));
        assert_eq!(sep_directive("SEP=\t\na\tb"), Some('\t'));
        assert_eq!(sep_directive("sep=;;\na"), None);
        assert_eq!(sep_directive("separator\n"), None);
        assert_eq!(sep_directive("åæø\n"), None);
    }
}
