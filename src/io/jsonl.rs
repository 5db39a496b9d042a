//! JSON Lines input: one JSON object per line.
//!
//! Each line is first validated by `serde_json` (which gives precise syntax
//! errors), then split into its top-level key/value pairs by a tiny scanner
//! over the already-valid text. Working on the raw text rather than on
//! `serde_json::Value` keeps two things intact without extra crate features:
//! the order of keys (columns come out in order of first appearance) and
//! non-string values exactly as written (`1.50` stays `1.50`, nested objects
//! keep their key order).

use serde::de::IgnoredAny;

use super::decode::TextStream;
use super::read::{find_column, InputError, InputFormat};
use super::rows::{Opened, RowChunk, RowSource};

fn is_json_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_json_ws(b[i]) {
        i += 1;
    }
    i
}

/// `i` is at an opening `"`; return the index just past the closing one.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// Return the index just past the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !is_json_ws(b[j]) {
                j += 1;
            }
            j
        }
    }
}

/// Split a line known to be a valid JSON object into raw `(key, value)`
/// slices (the key still quoted and escaped, the value as written).
fn split_object(s: &str) -> Vec<(&str, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return out;
    }
    i = skip_ws(b, i + 1);
    while i < b.len() && b[i] == b'"' {
        let kend = skip_string(b, i);
        let key = &s[i..kend];
        i = skip_ws(b, kend);
        i = skip_ws(b, i + 1); // past ':'
        let vend = skip_value(b, i);
        out.push((key, &s[i..vend]));
        i = skip_ws(b, vend);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        } else {
            break;
        }
    }
    out
}

/// Turn a raw JSON value into answer text: strings unescaped, `null` as "",
/// everything else exactly as written.
fn value_text(raw: &str) -> String {
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())
    } else if raw == "null" {
        String::new()
    } else {
        raw.to_string()
    }
}

fn kind_of(first: u8) -> &'static str {
    match first {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

/// Convert a serde_json error on one line into our error, with the column
/// counted in characters.
fn syntax_error(source: &str, line_no: u64, line: &str, e: &serde_json::Error) -> InputError {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let mut idx = e.column().saturating_sub(1).min(line.len());
    while !line.is_char_boundary(idx) {
        idx -= 1;
    }
    let col = line[..idx].chars().count() as u64 + 1;
    let hint = if e.is_eof() {
        "; each line must hold one complete JSON object (JSON Lines), not a pretty-printed one"
    } else {
        ""
    };
    InputError::new(
        source,
        Some(line_no),
        Some(col),
        format!("invalid JSON: {msg}{hint}"),
    )
}

/// Opens a JSON Lines stream and reads the first object into `first`.
/// Columns are the keys in order of first appearance in `prefix` (the start
/// of the input) and the first object; a key that first appears later is not
/// a column (its values are skipped).
pub(crate) fn open_jsonl(
    source: &str,
    text: TextStream,
    prefix: &str,
    first: &mut RowChunk,
) -> Result<Opened, InputError> {
    let mut rows = JsonlRows {
        source: source.to_string(),
        text,
        line_no: 0,
        columns: Vec::new(),
        index: std::collections::HashMap::new(),
        growing: true,
        buf: Vec::new(),
    };
    for line in prefix.lines() {
        if serde_json::from_str::<IgnoredAny>(line).is_ok() {
            for (rk, _) in split_object(line) {
                rows.column(value_text(rk));
            }
        }
    }
    // Syntax errors on the first line come before any column error.
    rows.next_row(first)?;
    rows.growing = false;
    let columns = rows.columns.clone();
    let default_id = find_column(&columns, "id").ok();
    Ok(Opened {
        rows: Box::new(rows),
        format: InputFormat::Jsonl,
        columns,
        delimiter: None,
        header_line: None,
        column_hint: None,
        default_id,
        no_rows: InputError::new(source, None, None, "file is empty"),
    })
}

struct JsonlRows {
    source: String,
    text: TextStream,
    line_no: u64,
    columns: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    /// Whether new keys still become columns.
    growing: bool,
    buf: Vec<u8>,
}

impl JsonlRows {
    fn column(&mut self, key: String) -> Option<usize> {
        if let Some(&c) = self.index.get(&key) {
            return Some(c);
        }
        if !self.growing {
            return None;
        }
        self.columns.push(key.clone());
        self.index.insert(key, self.columns.len() - 1);
        Some(self.columns.len() - 1)
    }
}

impl RowSource for JsonlRows {
    fn next_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError> {
        let mut buf = std::mem::take(&mut self.buf);
        let found = loop {
            buf.clear();
            if !self.text.read_line(&mut buf)? {
                break false;
            }
            self.line_no += 1;
            let line_no = self.line_no;
            // The stream is checked UTF-8.
            let raw = std::str::from_utf8(&buf).map_err(|e| {
                InputError::new(
                    &self.source,
                    Some(line_no),
                    None,
                    format!("invalid UTF-8: {e}"),
                )
            })?;
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.bytes().all(is_json_ws) {
                continue;
            }
            if let Err(e) = serde_json::from_str::<IgnoredAny>(line) {
                return Err(syntax_error(&self.source, line_no, line, &e));
            }
            let start = skip_ws(line.as_bytes(), 0);
            let first = line.as_bytes()[start];
            if first != b'{' {
                return Err(InputError::new(
                    &self.source,
                    Some(line_no),
                    Some(line[..start].chars().count() as u64 + 1),
                    format!(
                        "expected a JSON object ({{...}}) on each line, found {}",
                        kind_of(first)
                    ),
                ));
            }
            let mut values: Vec<Option<String>> = vec![None; self.columns.len()];
            let mut seen: Vec<String> = Vec::new();
            for (rk, rv) in split_object(line) {
                let key = value_text(rk);
                if seen.contains(&key) {
                    return Err(InputError::new(
                        &self.source,
                        Some(line_no),
                        None,
                        format!("the key \"{key}\" appears more than once in this object"),
                    ));
                }
                if let Some(c) = self.column(key.clone()) {
                    if c >= values.len() {
                        values.resize(c + 1, None);
                    }
                    values[c] = Some(value_text(rv));
                }
                seen.push(key);
            }
            chunk.start_row(line_no);
            for (c, v) in values.iter().enumerate() {
                chunk.push_field(v.as_deref().unwrap_or(""));
                if v.is_none() {
                    chunk.mark_missing(c);
                }
            }
            break true;
        };
        self.buf = buf;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::{read_bytes, Dataset, ReadOptions};
    use super::*;

    fn read(s: &str) -> Result<Dataset, InputError> {
        read_bytes("svar.jsonl", s.as_bytes(), &ReadOptions::default())
    }

    fn read_with(s: &str, text: Option<&str>, id: Option<&str>) -> Result<Dataset, InputError> {
        let o = ReadOptions {
            format: None,
            text_column: text.map(String::from),
            id_column: id.map(String::from),
            ..Default::default()
        };
        read_bytes("svar.jsonl", s.as_bytes(), &o)
    }

    #[test]
    fn basic_with_blank_lines_and_crlf() {
        let s = "{\"id\": \"a1\", \"text\": \"Bra \\\"service\\\"\\nok\"}\r\n\r\n  \n{\"text\":\"Dyrt\",\"id\":\"b2\"}\n";
        let ds = read(s).unwrap();
        assert_eq!(ds.format, InputFormat::Jsonl);
        assert_eq!(ds.columns, vec!["id", "text"]);
        assert_eq!(ds.text_column, 1);
        assert_eq!(ds.id_column, Some(0));
        let got: Vec<(&str, &str, u64)> = ds
            .answers
            .iter()
            .map(|a| (a.id.as_str(), a.text.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            vec![("a1", "Bra \"service\"\nok", 1), ("b2", "Dyrt", 4)]
        );
        assert_eq!(ds.answers[1].fields, vec!["b2", "Dyrt"]);
    }

    #[test]
    fn columns_in_order_of_first_appearance_missing_fields_empty() {
        let s = "{\"zeta\":1,\"text\":\"a\"}\n{\"text\":\"b\",\"alpha\":true,\"zeta\":2}\n";
        let ds = read(s).unwrap();
        assert_eq!(ds.columns, vec!["zeta", "text", "alpha"]);
        assert_eq!(ds.answers[0].fields, vec!["1", "a", ""]);
        assert_eq!(ds.answers[1].fields, vec!["2", "b", "true"]);
        // No id field: answer numbers.
        assert_eq!(ds.id_column, None);
        assert_eq!(ds.answers[1].id, "2");
    }

    #[test]
    fn non_string_values_as_written() {
        let s = r#"{"text": 1.50, "n": null, "o": {"b": 1, "a": [1, "x,}"]}, "e": -2e3}"#;
        let ds = read(s).unwrap();
        assert_eq!(ds.answers[0].text, "1.50");
        assert_eq!(
            ds.answers[0].fields,
            vec!["1.50", "", r#"{"b": 1, "a": [1, "x,}"]}"#, "-2e3"]
        );
        let ds = read(r#"{"text": null}"#).unwrap();
        assert_eq!(ds.answers[0].text, "");
    }

    #[test]
    fn unicode_keys_and_escapes() {
        let ds = read(r#"{"sv\u00e6r": "x", "tekst": "bl\u00e5 \ud83d\ude00"}"#).unwrap();
        assert_eq!(ds.columns, vec!["svær", "tekst"]);
        assert_eq!(ds.answers[0].text, "blå 😀");
    }

    #[test]
    fn answer_numbers_skip_blank_lines() {
        let ds = read("{\"text\":\"a\"}\n\n{\"text\":\"b\"}\n").unwrap();
        assert_eq!(ds.answers[1].id, "2");
        assert_eq!(ds.answers[1].line, 3);
    }

    #[test]
    fn syntax_error_line_and_column() {
        let e = read("{\"text\":\"a\"}\n{\"text\": \"blå\" \"x\"}\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        // The error is at the second string: char column 16.
        assert_eq!(e.column, Some(16), "{e}");
        assert!(e.message.starts_with("invalid JSON: "), "{e}");
        assert!(!e.message.contains(" at line "), "{e}");
        assert!(e.to_string().starts_with("svar.jsonl:2:16: invalid JSON"));
    }

    #[test]
    fn pretty_printed_object_is_explained() {
        let e = read("{\n  \"text\": \"a\"\n}\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("one complete JSON object"), "{e}");
    }

    #[test]
    fn non_object_line() {
        let e = read("{\"text\":\"a\"}\n  [1,2]\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(e.message.contains("found an array"), "{e}");
        let e = read("\"bare string\"\n").unwrap_err();
        assert!(e.message.contains("found a string"), "{e}");
    }

    #[test]
    fn missing_text_field_on_a_line() {
        let e = read("{\"text\":\"a\",\"id\":1}\n{\"id\":2}\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("field \"text\""), "{e}");
        assert!(e.message.contains("missing"), "{e}");
    }

    #[test]
    fn missing_text_field_everywhere() {
        let e = read("{\"a\":\"x\",\"b\":\"y\"}\n").unwrap_err();
        assert!(e.message.contains("no text column"), "{e}");
        let e = read_with("{\"a\":\"x\",\"b\":\"y\"}\n", Some("svar"), None).unwrap_err();
        assert_eq!(
            e.message,
            "column \"svar\" not found; the columns are: a, b"
        );
        assert_eq!(e.line, None);
    }

    #[test]
    fn explicit_text_and_id_fields() {
        let s = "{\"nr\":5,\"svar\":\"x\",\"id\":\"ignored\"}\n{\"nr\":6,\"svar\":\"y\",\"id\":\"z\"}\n";
        let ds = read_with(s, Some("svar"), Some("nr")).unwrap();
        assert_eq!(ds.answers[1].id, "6");
        assert_eq!(ds.answers[1].text, "y");
        let e = read_with(
            "{\"nr\":5,\"svar\":\"x\"}\n{\"svar\":\"y\"}\n",
            Some("svar"),
            Some("nr"),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("field \"nr\""), "{e}");
    }

    #[test]
    fn missing_implicit_id_is_an_error() {
        let e = read("{\"id\":1,\"text\":\"a\"}\n{\"text\":\"b\"}\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("field \"id\""), "{e}");
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let e = read("{\"text\":\"a\",\"text\":\"b\"}\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("more than once"), "{e}");
    }

    #[test]
    fn empty_object_and_nested_braces_in_strings() {
        let e = read("{}\n").unwrap_err();
        assert!(e.message.contains("no text column"), "{e}");
        let ds = read(r#"{"text":"{ [ \" } ]","x":[{"y":"}"}]}"#).unwrap();
        assert_eq!(ds.answers[0].text, "{ [ \" } ]");
        assert_eq!(ds.answers[0].fields[1], r#"[{"y":"}"}]"#);
    }
}
