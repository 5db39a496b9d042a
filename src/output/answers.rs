//! One record per coded answer (`tema tag`): the kept input columns, the themes, a
//! missing flag, one 0/1 column per theme and the evidence. Written straight from
//! the engine's hits into reused buffers (no JSON tree per answer).
//!
//! Layout (CSV and xlsx; JSONL has the same fields as keys):
//! `[id]` (only when the input has no id column; `row` if it has a column named
//! `id`), the input columns, then for wide inputs (several text columns) the text
//! columns are replaced by `question` and `answer`, then `themes` (ids joined by
//! `;`), `missing` (1 = blank or a missing marker, not coded), one column per theme
//! (1 = coded with it) and `evidence` (`bolig: "boliger" (bolig*); ...`).

use super::batches::Batch;
use super::csv_style::CsvStyle;
use crate::io::{Answer, AnswerReader};
use crate::{Coded, Engine};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Which columns a coded-answer record carries; decided once from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerLayout {
    /// The input's column names.
    pub columns: Vec<String>,
    /// Input columns written, in order (indexes into `columns` / `Answer::fields`).
    pub kept: Vec<usize>,
    pub id_column: Option<usize>,
    /// The text column(s), indexes into `columns`.
    pub text_columns: Vec<usize>,
    /// Several text columns: each answer gets `question` and `answer` fields instead.
    pub wide: bool,
}

/// What a column holds (for widths and number cells in xlsx).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Id,
    Input,
    /// An input column holding answer text (single-question inputs).
    Text,
    Question,
    Answer,
    Themes,
    Missing,
    Flag,
    Evidence,
}

/// One cell of a record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    /// A 0/1 flag (a number, so Excel can sum it).
    Flag(bool),
}

/// Scratch buffers reused from answer to answer.
#[derive(Default)]
pub struct RowBuffers {
    themes: String,
    evidence: String,
}

impl AnswerLayout {
    pub fn new(columns: &[String], text_columns: &[usize], id_column: Option<usize>) -> Self {
        let wide = text_columns.len() > 1;
        let kept = (0..columns.len())
            .filter(|c| !(wide && text_columns.contains(c)))
            .collect();
        AnswerLayout {
            columns: columns.to_vec(),
            kept,
            id_column,
            text_columns: text_columns.to_vec(),
            wide,
        }
    }

    pub fn from_reader(r: &AnswerReader) -> Self {
        AnswerLayout::new(r.columns(), r.text_columns(), r.id_column())
    }

    fn own_id_name(&self) -> Option<&'static str> {
        match self.id_column {
            Some(_) => None,
            None if self.columns.iter().any(|c| c == "id") => Some("row"),
            None => Some("id"),
        }
    }

    /// Column names and kinds for CSV and xlsx.
    pub fn header(&self, engine: &Engine) -> Vec<(String, ColumnKind)> {
        const OURS: &[&str] = &["question", "answer", "themes", "missing", "evidence"];
        let mut h = Vec::new();
        if let Some(name) = self.own_id_name() {
            h.push((name.to_string(), ColumnKind::Id));
        }
        for &c in &self.kept {
            let name = &self.columns[c];
            let name = if OURS.contains(&name.as_str()) {
                format!("input_{name}")
            } else {
                name.clone()
            };
            let kind = if Some(c) == self.id_column {
                ColumnKind::Id
            } else if self.text_columns.contains(&c) {
                ColumnKind::Text
            } else {
                ColumnKind::Input
            };
            h.push((name, kind));
        }
        if self.wide {
            h.push(("question".into(), ColumnKind::Question));
            h.push(("answer".into(), ColumnKind::Answer));
        }
        h.push(("themes".into(), ColumnKind::Themes));
        h.push(("missing".into(), ColumnKind::Missing));
        h.extend(
            engine
                .lexicon()
                .themes
                .iter()
                .map(|t| (t.id.clone(), ColumnKind::Flag)),
        );
        h.push(("evidence".into(), ColumnKind::Evidence));
        h
    }

    /// Calls `f` with each cell of one record, in header order.
    pub fn row<'a, E>(
        &self,
        engine: &Engine,
        ans: &'a Answer,
        coded: &Coded,
        missing: bool,
        bufs: &'a mut RowBuffers,
        mut f: impl FnMut(Cell<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.own_id_name().is_some() {
            f(Cell::Text(&ans.id))?;
        }
        for &c in &self.kept {
            f(Cell::Text(
                ans.fields.get(c).map(String::as_str).unwrap_or(""),
            ))?;
        }
        if self.wide {
            f(Cell::Text(&ans.question))?;
            f(Cell::Text(&ans.text))?;
        }
        theme_list(engine, coded, &mut bufs.themes);
        f(Cell::Text(&bufs.themes))?;
        f(Cell::Flag(missing))?;
        for t in 0..engine.lexicon().themes.len() {
            f(Cell::Flag(coded.themes.contains(&t)))?;
        }
        evidence(engine, &ans.text, coded, &mut bufs.evidence);
        f(Cell::Text(&bufs.evidence))
    }
}

/// Theme ids joined by `;` into `out`.
pub fn theme_list(engine: &Engine, coded: &Coded, out: &mut String) {
    out.clear();
    for (i, &t) in coded.themes.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&engine.lexicon().themes[t].id);
    }
}

/// The evidence as readable text: `theme: "matched words" (rule)` joined by `; `;
/// a typo match has `~` after the rule. Rules that matched the same words for the
/// same theme share one entry: `bolig: "boliger" (bolig*, *bolig)`.
pub fn evidence(engine: &Engine, text: &str, coded: &Coded, out: &mut String) {
    out.clear();
    let lex = engine.lexicon();
    let mut prev: Option<(usize, usize, usize)> = None;
    for h in &coded.hits {
        let fuzzy = if h.fuzzy { "~" } else { "" };
        let rule = &lex.rules[h.rule].source;
        if prev == Some((h.theme, h.start, h.end)) {
            out.pop(); // the closing parenthesis
            let _ = write!(out, ", {rule}{fuzzy})");
            continue;
        }
        if prev.is_some() {
            out.push_str("; ");
        }
        let _ = write!(
            out,
            "{}: \"{}\" ({rule}{fuzzy})",
            lex.themes[h.theme].id,
            &text[h.start..h.end]
        );
        prev = Some((h.theme, h.start, h.end));
    }
}

/// Something coded answers are written to, batch by batch.
pub trait AnswerSink {
    fn write_batch(&mut self, engine: &Engine, batch: &Batch<'_>) -> io::Result<()>;
}

/// JSON Lines: `{"id", input columns..., ["question", "answer",] "themes", "missing",
/// "hits": [{theme, rule, text, start, end, char_start, char_end}]}` per answer.
/// Offsets are into the answer text (bytes, and Unicode characters).
pub struct JsonlAnswers<W: Write> {
    out: W,
    layout: AnswerLayout,
    /// Pre-encoded `,"key":` per kept column (the id column is written as "id").
    keys: Vec<(usize, Vec<u8>)>,
}

impl<W: Write> JsonlAnswers<W> {
    pub fn new(out: W, layout: AnswerLayout) -> Self {
        const OURS: &[&str] = &["id", "question", "answer", "themes", "missing", "hits"];
        let keys = layout
            .kept
            .iter()
            .filter(|&&c| Some(c) != layout.id_column)
            .map(|&c| {
                let name = &layout.columns[c];
                let name = if OURS.contains(&name.as_str()) {
                    format!("input_{name}")
                } else {
                    name.clone()
                };
                let mut key = b",".to_vec();
                serde_json::to_writer(&mut key, &name).expect("a string serializes");
                key.push(b':');
                (c, key)
            })
            .collect();
        JsonlAnswers { out, layout, keys }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn write_one(
        &mut self,
        engine: &Engine,
        ans: &Answer,
        coded: &Coded,
        missing: bool,
    ) -> io::Result<()> {
        let w = &mut self.out;
        let lex = engine.lexicon();
        w.write_all(b"{\"id\":")?;
        serde_json::to_writer(&mut *w, &ans.id)?;
        for (c, key) in &self.keys {
            w.write_all(key)?;
            serde_json::to_writer(
                &mut *w,
                ans.fields.get(*c).map(String::as_str).unwrap_or(""),
            )?;
        }
        if self.layout.wide {
            w.write_all(b",\"question\":")?;
            serde_json::to_writer(&mut *w, &ans.question)?;
            w.write_all(b",\"answer\":")?;
            serde_json::to_writer(&mut *w, &ans.text)?;
        }
        w.write_all(b",\"themes\":[")?;
        for (i, &t) in coded.themes.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            serde_json::to_writer(&mut *w, &lex.themes[t].id)?;
        }
        write!(w, "],\"missing\":{missing},\"hits\":[")?;
        for (i, h) in coded.hits.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(b"{\"theme\":")?;
            serde_json::to_writer(&mut *w, &lex.themes[h.theme].id)?;
            w.write_all(b",\"rule\":")?;
            let rule = &lex.rules[h.rule].source;
            if h.fuzzy {
                serde_json::to_writer(&mut *w, &format!("{rule}~"))?;
            } else {
                serde_json::to_writer(&mut *w, rule)?;
            }
            w.write_all(b",\"text\":")?;
            serde_json::to_writer(&mut *w, &ans.text[h.start..h.end])?;
            write!(
                w,
                ",\"start\":{},\"end\":{},\"char_start\":{},\"char_end\":{}}}",
                h.start, h.end, h.char_start, h.char_end
            )?;
        }
        w.write_all(b"]}\n")
    }
}

impl<W: Write> AnswerSink for JsonlAnswers<W> {
    fn write_batch(&mut self, engine: &Engine, batch: &Batch<'_>) -> io::Result<()> {
        for ((ans, coded), &missing) in batch.answers.iter().zip(batch.coded).zip(batch.missing) {
            self.write_one(engine, ans, coded, missing)?;
        }
        Ok(())
    }
}

/// CSV (plain or for Excel, see [`CsvStyle`]) with the header of [`AnswerLayout::header`].
pub struct CsvAnswers<W: Write> {
    out: csv::Writer<W>,
    layout: AnswerLayout,
    style: CsvStyle,
    bufs: RowBuffers,
    guard: String,
}

impl<W: Write> CsvAnswers<W> {
    /// Writes the header at once.
    pub fn new(out: W, style: CsvStyle, layout: AnswerLayout, engine: &Engine) -> io::Result<Self> {
        let mut out = style.writer(out)?;
        let mut guard = String::new();
        for (name, _) in layout.header(engine) {
            out.write_field(style.cell(&name, &mut guard))?;
        }
        out.write_record(None::<&[u8]>)?;
        Ok(CsvAnswers {
            out,
            layout,
            style,
            bufs: RowBuffers::default(),
            guard,
        })
    }

    /// Flushes and hands back the writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> AnswerSink for CsvAnswers<W> {
    fn write_batch(&mut self, engine: &Engine, batch: &Batch<'_>) -> io::Result<()> {
        let CsvAnswers {
            out,
            layout,
            style,
            bufs,
            guard,
        } = self;
        for ((ans, coded), &missing) in batch.answers.iter().zip(batch.coded).zip(batch.missing) {
            layout.row(engine, ans, coded, missing, bufs, |cell| match cell {
                Cell::Text(s) => out.write_field(style.cell(s, guard)),
                Cell::Flag(b) => out.write_field(if b { "1" } else { "0" }),
            })?;
            out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: &str, fields: &[&str], question: &str, text: &str) -> Answer {
        Answer {
            id: id.into(),
            text: text.into(),
            line: 2,
            fields: fields.iter().map(|s| s.to_string()).collect(),
            question: question.into(),
        }
    }

    #[test]
    fn wide_layout_replaces_text_columns_by_question_and_answer() {
        let engine = Engine::default_engine();
        let columns: Vec<String> = ["rid", "kommune", "q1", "q2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let layout = AnswerLayout::new(&columns, &[2, 3], Some(0));
        let header: Vec<String> = layout.header(&engine).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            &header[..6],
            ["rid", "kommune", "question", "answer", "themes", "missing"]
        );
        assert_eq!(header.last().unwrap(), "evidence");
        assert_eq!(header.len(), 7 + engine.lexicon().themes.len());

        let ans = answer(
            "7",
            &["7", "Bergen", "for få boliger", "vet ikke"],
            "q1",
            "for få boliger",
        );
        let coded = engine.tag(&ans.text);
        let mut cells = Vec::new();
        layout
            .row(
                &engine,
                &ans,
                &coded,
                false,
                &mut RowBuffers::default(),
                |c| {
                    cells.push(match c {
                        Cell::Text(s) => s.to_string(),
                        Cell::Flag(b) => (b as u8).to_string(),
                    });
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        assert_eq!(cells.len(), header.len());
        assert_eq!(
            &cells[..6],
            ["7", "Bergen", "q1", "for få boliger", "bolig", "0"]
        );
        let bolig = header.iter().position(|h| h == "bolig").unwrap();
        assert_eq!(cells[bolig], "1");
        assert!(
            cells.last().unwrap().starts_with("bolig: \"boliger\" ("),
            "{}",
            cells.last().unwrap()
        );

        let mut out = Vec::new();
        let mut jsonl = JsonlAnswers::new(&mut out, layout);
        jsonl.write_one(&engine, &ans, &coded, false).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["id"], "7");
        assert_eq!(v["question"], "q1");
        assert_eq!(v["answer"], "for få boliger");
        assert!(v.get("q1").is_none() && v.get("rid").is_none(), "{v}");
        assert_eq!(v["themes"], serde_json::json!(["bolig"]));
        assert_eq!(v["hits"][0]["text"], "boliger");
    }

    #[test]
    fn input_columns_named_like_ours_are_renamed() {
        let engine = Engine::default_engine();
        let columns: Vec<String> = ["themes", "svar"].iter().map(|s| s.to_string()).collect();
        let layout = AnswerLayout::new(&columns, &[1], None);
        let header: Vec<String> = layout.header(&engine).into_iter().map(|(n, _)| n).collect();
        assert_eq!(&header[..4], ["id", "input_themes", "svar", "themes"]);
    }
}
