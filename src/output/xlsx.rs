//! Excel workbooks (rust_xlsxwriter).
//!
//! - `Answers`: one row per coded answer ([`AnswerLayout`] columns; flags and
//!   `missing` as numbers 0/1, so they can be summed). Written in constant-memory
//!   mode: each row goes to a temporary file as soon as it is complete, so a large
//!   input is never held in memory. Excel's limit of 1,048,576 rows (one is the
//!   header) is an error, not a silent cut.
//! - `Counts`: `[question,] theme, label, answers, share, N, missing`, with shares
//!   as numbers formatted `0.0%`.
//! - `By <column>` (with `--by`): a crosstab, themes down, groups across (answers
//!   and share per group, then the total), with N and missing rows.
//!
//! Every sheet has a bold, frozen header row, an autofilter and set column widths.
//! Cells are written as strings or numbers, never as formulas, so an answer
//! starting with `=` is safe here without any guard.

use super::answers::{AnswerLayout, AnswerSink, Cell, ColumnKind, RowBuffers};
use super::batches::Batch;
use super::counts::{questions, theme_rows};
use crate::lexicon::Lexicon;
use crate::report::{Counts, Tally};
use crate::Engine;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::io::{self, Write};

/// Rows in one Excel worksheet, the header row included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Characters in one Excel cell.
pub const EXCEL_MAX_CELL_CHARS: usize = 32_767;

fn xlsx_err(e: XlsxError) -> io::Error {
    io::Error::other(format!("xlsx: {e}"))
}

struct Formats {
    header: Format,
    share: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            share: Format::new().set_num_format("0.0%"),
        }
    }
}

/// Writes a bold header row, freezes it, and sets column widths.
fn header_row(sheet: &mut Worksheet, names: &[(&str, f64)], f: &Formats) -> Result<(), XlsxError> {
    for (col, (name, width)) in names.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, *name, &f.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn width(kind: ColumnKind, name: &str) -> f64 {
    let fit = (name.chars().count() + 4) as f64;
    match kind {
        ColumnKind::Id => fit.clamp(8.0, 16.0),
        ColumnKind::Input => fit.clamp(10.0, 30.0),
        ColumnKind::Text | ColumnKind::Answer | ColumnKind::Evidence => 60.0,
        ColumnKind::Question => 18.0,
        ColumnKind::Themes => 28.0,
        ColumnKind::Missing | ColumnKind::Flag => fit.clamp(6.0, 24.0),
    }
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters.
pub fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    clean.trim_matches('\'').to_string()
}

/// `tema tag --format xlsx`: answers streamed into a constant-memory sheet; the
/// counts sheets are added by [`XlsxAnswers::finish`].
pub struct XlsxAnswers<W: Write + Send> {
    out: W,
    workbook: Workbook,
    sheet: Worksheet,
    formats: Formats,
    layout: AnswerLayout,
    bufs: RowBuffers,
    columns: u16,
    /// Next row to write (row 0 is the header).
    row: u32,
    max_rows: u32,
}

impl<W: Write + Send> XlsxAnswers<W> {
    pub fn new(out: W, layout: AnswerLayout, engine: &Engine) -> io::Result<Self> {
        let mut workbook = Workbook::new();
        // Deflate takes much of the time of a large workbook. Level 3 (default 6):
        // 200,000 answers gave 43 MB vs 59 MB at level 1, for ~10% more time.
        workbook.set_zip_compression_level(3);
        let mut sheet = workbook
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        let formats = Formats::new();
        let header = layout.header(engine);
        let names: Vec<(&str, f64)> = header
            .iter()
            .map(|(n, k)| (n.as_str(), width(*k, n)))
            .collect();
        sheet.set_name("Answers").map_err(xlsx_err)?;
        header_row(&mut sheet, &names, &formats).map_err(xlsx_err)?;
        let columns = header.len() as u16;
        Ok(XlsxAnswers {
            out,
            workbook,
            sheet,
            formats,
            layout,
            bufs: RowBuffers::default(),
            columns,
            row: 1,
            max_rows: EXCEL_MAX_ROWS,
        })
    }

    /// A lower row limit (the real one is Excel's; this lets tests reach it).
    pub fn with_row_limit(mut self, rows: u32) -> Self {
        self.max_rows = rows.min(EXCEL_MAX_ROWS);
        self
    }

    /// Adds the `Counts` sheet (and the `By <column>` crosstab with `by`), then
    /// writes the whole workbook to the output and returns it.
    pub fn finish(mut self, lex: &Lexicon, counts: &Counts, by: Option<&str>) -> io::Result<W> {
        let last_row = self.row.saturating_sub(1);
        self.sheet
            .autofilter(0, 0, last_row, self.columns.saturating_sub(1))
            .map_err(xlsx_err)?;
        self.workbook.push_worksheet(self.sheet);
        add_count_sheets(&mut self.workbook, &self.formats, lex, counts, by).map_err(xlsx_err)?;
        self.workbook
            .save_to_writer(&mut self.out)
            .map_err(xlsx_err)?;
        Ok(self.out)
    }
}

impl<W: Write + Send> AnswerSink for XlsxAnswers<W> {
    fn write_batch(&mut self, engine: &Engine, batch: &Batch<'_>) -> io::Result<()> {
        for ((ans, coded), &missing) in batch.answers.iter().zip(batch.coded).zip(batch.missing) {
            if self.row >= self.max_rows {
                return Err(io::Error::other(format!(
                    "more answers than fit in one Excel sheet ({} rows, the header included): stopped at the answer on line {}; use --format csv or jsonl",
                    self.max_rows, ans.line
                )));
            }
            let (sheet, row) = (&mut self.sheet, self.row);
            let mut col = 0u16;
            self.layout.row(engine, ans, coded, missing, &mut self.bufs, |cell| {
                match cell {
                    Cell::Text(s) if s.chars().count() > EXCEL_MAX_CELL_CHARS => {
                        return Err(io::Error::other(format!(
                            "the answer on line {} has a cell longer than Excel's limit of {EXCEL_MAX_CELL_CHARS} characters; use --format csv or jsonl",
                            ans.line
                        )))
                    }
                    Cell::Text(s) => sheet.write_string(row, col, s).map_err(xlsx_err)?,
                    Cell::Flag(b) => sheet.write_number(row, col, b as u8).map_err(xlsx_err)?,
                };
                col += 1;
                Ok(())
            })?;
            self.row += 1;
        }
        Ok(())
    }
}

/// `tema count --format xlsx`: the `Counts` sheet (and the crosstab with `by`).
pub fn write_counts_workbook<W: Write + Send>(
    mut out: W,
    lex: &Lexicon,
    counts: &Counts,
    by: Option<&str>,
) -> io::Result<W> {
    let mut workbook = Workbook::new();
    add_count_sheets(&mut workbook, &Formats::new(), lex, counts, by).map_err(xlsx_err)?;
    workbook.save_to_writer(&mut out).map_err(xlsx_err)?;
    Ok(out)
}

fn add_count_sheets(
    workbook: &mut Workbook,
    f: &Formats,
    lex: &Lexicon,
    counts: &Counts,
    by: Option<&str>,
) -> Result<(), XlsxError> {
    let per_question = counts.per_question();
    let sheet = workbook.add_worksheet().set_name("Counts")?;
    let mut names: Vec<(&str, f64)> = Vec::new();
    if per_question {
        names.push(("question", 18.0));
    }
    names.extend([
        ("theme", 22.0),
        ("label", 40.0),
        ("answers", 10.0),
        ("share", 10.0),
        ("N", 10.0),
        ("missing", 10.0),
    ]);
    header_row(sheet, &names, f)?;
    let mut row = 1u32;
    for (question, q) in questions(counts) {
        for (theme, label, count) in theme_rows(lex, &q.total) {
            let mut col = 0u16;
            if per_question {
                sheet.write_string(row, col, question)?;
                col += 1;
            }
            sheet.write_string(row, col, theme)?;
            sheet.write_string(row, col + 1, label)?;
            sheet.write_number(row, col + 2, count as f64)?;
            sheet.write_number_with_format(row, col + 3, q.total.share(count), &f.share)?;
            sheet.write_number(row, col + 4, q.total.n as f64)?;
            sheet.write_number(row, col + 5, q.total.missing as f64)?;
            row += 1;
        }
    }
    sheet.autofilter(0, 0, row - 1, names.len() as u16 - 1)?;
    if let Some(col) = by {
        add_crosstab_sheet(workbook, f, lex, counts, col)?;
    }
    Ok(())
}

/// Themes down, groups across: `group` (answers) and `group %` (share) per group,
/// then `total` and `total %`; per question, with N and missing rows at the end.
fn add_crosstab_sheet(
    workbook: &mut Workbook,
    f: &Formats,
    lex: &Lexicon,
    counts: &Counts,
    by: &str,
) -> Result<(), XlsxError> {
    let per_question = counts.per_question();
    let qs = questions(counts);
    // Groups across all questions, in first-seen order.
    let mut groups: Vec<&str> = Vec::new();
    for (_, q) in &qs {
        for (g, _) in &q.groups {
            if !groups.contains(&g.as_str()) {
                groups.push(g);
            }
        }
    }
    let sheet = workbook
        .add_worksheet()
        .set_name(sheet_name(&format!("By {by}")))?;
    let share_names: Vec<String> = groups.iter().map(|g| format!("{g} %")).collect();
    let mut names: Vec<(&str, f64)> = Vec::new();
    if per_question {
        names.push(("question", 18.0));
    }
    names.extend([("theme", 22.0), ("label", 40.0)]);
    for (g, s) in groups.iter().zip(&share_names) {
        let w = (g.chars().count() + 4).clamp(8, 30) as f64;
        names.extend([(*g, w), (s.as_str(), w)]);
    }
    names.extend([("total", 10.0), ("total %", 10.0)]);
    header_row(sheet, &names, f)?;
    let first_group_col: u16 = if per_question { 3 } else { 2 };
    let mut row = 1u32;
    let empty = Tally::new(counts.themes());
    for (question, q) in &qs {
        let tallies: Vec<&Tally> = groups
            .iter()
            .map(|g| {
                q.groups
                    .iter()
                    .find(|(name, _)| name == g)
                    .map_or(&empty, |(_, t)| t)
            })
            .chain([&q.total])
            .collect();
        let theme_count = lex.themes.len();
        // Theme rows, then (no theme), then N and missing (counts only, no share).
        for r in 0..theme_count + 3 {
            let (theme, label) = match r {
                r if r < theme_count => (lex.themes[r].id.as_str(), lex.themes[r].nb.as_str()),
                r if r == theme_count => ("(no theme)", ""),
                r if r == theme_count + 1 => ("N", "answered answers"),
                _ => ("missing", "blank or a missing marker"),
            };
            if per_question {
                sheet.write_string(row, 0, *question)?;
            }
            sheet.write_string(row, first_group_col - 2, theme)?;
            sheet.write_string(row, first_group_col - 1, label)?;
            for (i, t) in tallies.iter().enumerate() {
                let col = first_group_col + 2 * i as u16;
                let (count, share) = match r {
                    r if r < theme_count => (t.themes[r], true),
                    r if r == theme_count => (t.no_theme, true),
                    r if r == theme_count + 1 => (t.n, false),
                    _ => (t.missing, false),
                };
                sheet.write_number(row, col, count as f64)?;
                if share {
                    sheet.write_number_with_format(row, col + 1, t.share(count), &f.share)?;
                }
            }
            row += 1;
        }
    }
    sheet.autofilter(0, 0, row - 1, names.len() as u16 - 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Answer;
    use crate::Coded;

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(sheet_name("By rolle/funksjon"), "By rolle_funksjon");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn more_answers_than_rows_is_an_error_not_a_cut() {
        let engine = Engine::default_engine();
        let columns = vec!["text".to_string()];
        let layout = AnswerLayout::new(&columns, &[0], None);
        let mut x = XlsxAnswers::new(Vec::new(), layout, &engine)
            .unwrap()
            .with_row_limit(3);
        let answers: Vec<Answer> = (1..=3)
            .map(|i| Answer {
                id: i.to_string(),
                text: "bolig".into(),
                line: i,
                fields: vec!["bolig".into()],
                question: "text".into(),
            })
            .collect();
        let coded: Vec<Coded> = answers.iter().map(|a| engine.tag(&a.text)).collect();
        let missing = [false; 3];
        let ok = Batch {
            answers: &answers[..2],
            coded: &coded[..2],
            missing: &missing[..2],
        };
        x.write_batch(&engine, &ok).unwrap();
        let over = Batch {
            answers: &answers[2..],
            coded: &coded[2..],
            missing: &missing[2..],
        };
        let e = x.write_batch(&engine, &over).unwrap_err();
        assert!(
            e.to_string().contains("one Excel sheet") && e.to_string().contains("line 3"),
            "{e}"
        );
    }
}
