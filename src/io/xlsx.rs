//! Excel workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) via calamine.
//!
//! The chosen sheet is loaded into memory (sheets are small next to the CSV
//! exports we stream). Its first row is the header; every cell is read as
//! text the way a user would type it, so a number or date in an answer column
//! never breaks a run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use calamine::{Data, Range, Reader};

use super::read::{InputError, InputFormat};
use super::rows::{Opened, RowChunk, RowSource};

/// Whether these first bytes look like a workbook (zip container or the old
/// binary .xls format) rather than text.
pub(crate) fn is_workbook_magic(prefix: &[u8]) -> bool {
    prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Opens `bytes` as a workbook and reads the header of the chosen sheet.
/// `progress` is advanced towards `bytes.len()` as rows are read.
pub(crate) fn open_workbook(
    source: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    progress: Arc<AtomicU64>,
) -> Result<Opened, InputError> {
    let err = |line: Option<u64>, msg: String| InputError::new(source, line, None, msg);
    let total = bytes.len() as u64;
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            err(
                None,
                format!(
                    "cannot read this as an Excel workbook ({e}); save it as .xlsx in Excel, or \
                 export the sheet as \"CSV UTF-8\""
                ),
            )
        })?;
    let names = book.sheet_names();
    let index = choose_sheet(&names, sheet).map_err(|m| err(None, m))?;
    let name = names[index].clone();
    let range = book
        .worksheet_range(&name)
        .map_err(|e| err(None, format!("cannot read sheet \"{name}\": {e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = SheetRows {
        range,
        next: 0,
        first_row,
        progress,
        total,
    };
    let mut chunk = RowChunk::default();
    if !rows.next_row(&mut chunk)? {
        return Err(err(None, format!("sheet \"{name}\" is empty")));
    }
    let (header_line, header) = chunk.pop_row().expect("the header was just read");
    let _ = first_col;
    Ok(Opened {
        rows: Box::new(rows),
        format: InputFormat::Xlsx,
        columns: header.iter().map(|c| c.trim().to_string()).collect(),
        delimiter: None,
        header_line: Some(header_line),
        column_hint: Some(format!("(in sheet \"{name}\")")),
        default_id: None,
        no_rows: err(
            Some(header_line),
            format!("no rows after the header in sheet \"{name}\""),
        ),
    })
}

/// A sheet by name (exact, then ignoring case) or by 0-based index.
fn choose_sheet(names: &[String], wanted: Option<&str>) -> Result<usize, String> {
    let list = || {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if names.is_empty() {
        return Err("the workbook has no sheets".into());
    }
    let Some(wanted) = wanted else {
        return Ok(0);
    };
    if let Some(i) = names.iter().position(|n| n == wanted) {
        return Ok(i);
    }
    let key = wanted.trim().to_lowercase();
    if let Some(i) = names.iter().position(|n| n.trim().to_lowercase() == key) {
        return Ok(i);
    }
    if let Ok(i) = wanted.trim().parse::<usize>() {
        if i < names.len() {
            return Ok(i);
        }
    }
    Err(format!(
        "sheet \"{wanted}\" not found; the sheets are (index: name): {}",
        list()
    ))
}

struct SheetRows {
    range: Range<Data>,
    /// Next row index within `range`.
    next: usize,
    /// 0-based sheet row of the first row of `range`.
    first_row: u32,
    progress: Arc<AtomicU64>,
    total: u64,
}

impl RowSource for SheetRows {
    fn next_row(&mut self, chunk: &mut RowChunk) -> Result<bool, InputError> {
        let height = self.range.height();
        while self.next < height {
            let i = self.next;
            self.next += 1;
            let done = self.total * self.next as u64 / height as u64;
            self.progress.store(done, Ordering::Relaxed);
            let cells = self.range.rows().nth(i).unwrap_or(&[]);
            // Blank rows are skipped, like blank lines in CSV.
            if cells.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            chunk.start_row(u64::from(self.first_row) + i as u64 + 1);
            for cell in cells {
                chunk.push_field(&cell_text(cell));
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// A cell as text: integers without ".0", other numbers in their shortest
/// exact form, dates as ISO 8601 (`yyyy-mm-dd`, with ` hh:mm:ss` when there
/// is a time), booleans as TRUE/FALSE, errors as Excel shows them.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            let secs = (dt.as_f64() * 86_400.0).round() as i64;
            let sign = if secs < 0 { "-" } else { "" };
            let s = secs.abs();
            format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_as_text() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(-2.5)), "-2.5");
        assert_eq!(cell_text(&Data::Float(0.1)), "0.1");
        assert_eq!(cell_text(&Data::Int(42)), "42");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Error(CellErrorType::Div0)), "#DIV/0!");
        let date = ExcelDateTime::new(45943.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2025-10-13");
        let dt = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(dt)), "2025-10-13 12:00:00");
        let dur = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(cell_text(&Data::DateTime(dur)), "36:00:00");
    }

    #[test]
    fn sheet_choice() {
        let names: Vec<String> = vec!["Svar".into(), "Info".into()];
        assert_eq!(choose_sheet(&names, None), Ok(0));
        assert_eq!(choose_sheet(&names, Some("info")), Ok(1));
        assert_eq!(choose_sheet(&names, Some("1")), Ok(1));
        let e = choose_sheet(&names, Some("Ark3")).unwrap_err();
        assert!(e.contains("0: Svar, 1: Info"), "{e}");
        assert!(choose_sheet(&names, Some("2")).is_err());
    }
}
