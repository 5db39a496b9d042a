//! [`Counts`] as a text table, CSV or JSON (`tema count`).
//!
//! With one question the layout is one table (plus the `--by` crosstab); with several
//! questions (wide or long exports) the same layout is repeated per question, and CSV
//! rows and JSON objects carry the question. Shares are of N, the answered answers;
//! missing answers are reported apart.

use super::csv_style::CsvStyle;
use crate::lexicon::Lexicon;
use crate::report::{Counts, QuestionCounts, Tally};
use serde_json::{json, Value};
use std::io::{self, Write};

/// The questions to show; an input without answers still shows one empty question.
pub fn questions(c: &Counts) -> Vec<(&str, std::borrow::Cow<'_, QuestionCounts>)> {
    if c.questions.is_empty() {
        return vec![("", std::borrow::Cow::Owned(QuestionCounts::new(c.themes())))];
    }
    c.questions
        .iter()
        .map(|(q, qc)| (q.as_str(), std::borrow::Cow::Borrowed(qc)))
        .collect()
}

/// The rows of one tally: each theme (id, label, count), then `(no theme)`.
pub fn theme_rows<'a>(lex: &'a Lexicon, t: &Tally) -> Vec<(&'a str, &'a str, usize)> {
    let mut rows: Vec<(&str, &str, usize)> = lex
        .themes
        .iter()
        .enumerate()
        .map(|(i, th)| (th.id.as_str(), th.nb.as_str(), t.themes[i]))
        .collect();
    rows.push(("(no theme)", "", t.no_theme));
    rows
}

fn pct(t: &Tally, n: usize) -> String {
    format!("{:.1} %", 100.0 * t.share(n))
}

pub fn write_table(
    w: &mut dyn Write,
    lex: &Lexicon,
    c: &Counts,
    by: Option<&str>,
) -> io::Result<()> {
    let per_question = c.per_question();
    for (i, (question, q)) in questions(c).iter().enumerate() {
        if per_question {
            if i > 0 {
                writeln!(w)?;
            }
            writeln!(w, "question: {question}")?;
        }
        write_one_table(w, lex, q, by)?;
    }
    writeln!(w, "N = answered answers (not blank, not a missing marker such as \"vet ikke\"); an answer can have several themes, so shares add up to more than 100 %.")
}

fn write_one_table(
    w: &mut dyn Write,
    lex: &Lexicon,
    q: &QuestionCounts,
    by: Option<&str>,
) -> io::Result<()> {
    let label_w = lex
        .themes
        .iter()
        .map(|t| t.id.chars().count())
        .max()
        .unwrap_or(5)
        .max(10);
    let mut cols: Vec<(&str, &Tally)> = q.groups.iter().map(|(g, t)| (g.as_str(), t)).collect();
    cols.push(("total", &q.total));
    if let Some(col) = by {
        writeln!(
            w,
            "answers per theme by {col} (count and share of answered answers)"
        )?;
    }
    let cell_w = cols
        .iter()
        .map(|(g, _)| g.chars().count())
        .max()
        .unwrap_or(5)
        .max(15);
    write!(w, "{:<label_w$}", "theme")?;
    for (g, _) in &cols {
        write!(
            w,
            "  {:>cell_w$}",
            if by.is_some() { *g } else { "answers    share" }
        )?;
    }
    writeln!(w)?;
    for ti in (0..lex.themes.len()).map(Some).chain([None]) {
        write!(
            w,
            "{:<label_w$}",
            ti.map_or("(no theme)", |i| lex.themes[i].id.as_str())
        )?;
        for (_, t) in &cols {
            let n = ti.map_or(t.no_theme, |i| t.themes[i]);
            write!(w, "  {:>cell_w$}", format!("{n:>6}  {:>7}", pct(t, n)))?;
        }
        writeln!(w)?;
    }
    for (name, missing) in [("N", false), ("(missing)", true)] {
        write!(w, "{name:<label_w$}")?;
        for (_, t) in &cols {
            let n = if missing { t.missing } else { t.n };
            write!(w, "  {:>cell_w$}", format!("{n:>6}  {:>7}", ""))?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// CSV: `[question,] [BY,] theme, label, answers, share, n, missing`; with `--by`,
/// the groups' rows and then the `(total)` rows.
pub fn write_csv(
    w: &mut dyn Write,
    style: CsvStyle,
    lex: &Lexicon,
    c: &Counts,
    by: Option<&str>,
) -> io::Result<()> {
    let per_question = c.per_question();
    let mut out = style.writer(w)?;
    let mut guard = String::new();
    if per_question {
        out.write_field("question")?;
    }
    if let Some(col) = by {
        out.write_field(style.cell(col, &mut guard))?;
    }
    out.write_record(["theme", "label", "answers", "share", "n", "missing"])?;
    for (question, q) in questions(c) {
        let mut groups: Vec<(&str, &Tally)> =
            q.groups.iter().map(|(g, t)| (g.as_str(), t)).collect();
        groups.push(("(total)", &q.total));
        for (group, t) in groups {
            for (theme, label, count) in theme_rows(lex, t) {
                if per_question {
                    out.write_field(style.cell(question, &mut guard))?;
                }
                if by.is_some() {
                    out.write_field(style.cell(group, &mut guard))?;
                }
                let share = style.decimal(t.share(count), 4);
                out.write_record([
                    theme,
                    label,
                    &count.to_string(),
                    &share,
                    &t.n.to_string(),
                    &t.missing.to_string(),
                ])?;
            }
        }
    }
    out.flush()
}

fn tally_json(lex: &Lexicon, t: &Tally) -> Value {
    json!({
        "n": t.n,
        "missing": t.missing,
        "no_theme": t.no_theme,
        "themes": lex.themes.iter().enumerate().map(|(i, th)| json!({
            "theme": th.id, "label": th.nb, "answers": t.themes[i], "share": t.share(t.themes[i]),
        })).collect::<Vec<_>>(),
    })
}

fn question_json(lex: &Lexicon, question: &str, q: &QuestionCounts, by: Option<&str>) -> Value {
    let mut v = json!({"question": question, "total": tally_json(lex, &q.total)});
    if let Some(col) = by {
        v["by"] = json!({
            "column": col,
            "groups": q.groups.iter().map(|(g, t)| {
                let mut j = tally_json(lex, t);
                j["group"] = g.as_str().into();
                j
            }).collect::<Vec<_>>(),
        });
    }
    v
}

/// JSON: `{lexicon, question, total: {n, missing, no_theme, themes: [{theme, label,
/// answers, share}]}, by?}` for one question; `{lexicon, questions: [...]}` for several.
pub fn write_json(
    w: &mut dyn Write,
    lex: &Lexicon,
    c: &Counts,
    by: Option<&str>,
) -> io::Result<()> {
    let lexicon = json!({"name": lex.name, "version": lex.version});
    let qs = questions(c);
    let mut v = if c.per_question() {
        json!({"questions": qs.iter().map(|(name, q)| question_json(lex, name, q, by)).collect::<Vec<_>>()})
    } else {
        question_json(lex, qs[0].0, &qs[0].1, by)
    };
    v["lexicon"] = lexicon;
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    fn two_questions() -> Counts {
        let mut c = Counts::new(Engine::default_engine().lexicon().themes.len());
        c.add("q1", Some("a"), false, &[0]);
        c.add("q2", Some("a"), true, &[]);
        c.add("q1", Some("b"), false, &[]);
        c.add("q2", Some("b"), false, &[1]);
        c
    }

    #[test]
    fn several_questions_get_their_own_counts_in_every_format() {
        let engine = Engine::default_engine();
        let lex = engine.lexicon();
        let c = two_questions();

        let mut out = Vec::new();
        write_json(&mut out, lex, &c, Some("kommune")).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let qs = v["questions"].as_array().unwrap();
        assert_eq!(qs.len(), 2);
        assert_eq!(
            (
                qs[0]["question"].as_str(),
                qs[0]["total"]["n"].as_u64(),
                qs[0]["total"]["missing"].as_u64()
            ),
            (Some("q1"), Some(2), Some(0))
        );
        assert_eq!(
            (
                qs[1]["question"].as_str(),
                qs[1]["total"]["n"].as_u64(),
                qs[1]["total"]["missing"].as_u64()
            ),
            (Some("q2"), Some(1), Some(1))
        );
        assert_eq!(qs[1]["by"]["groups"][1]["group"], "b");
        assert_eq!(qs[1]["by"]["groups"][1]["themes"][1]["answers"], 1);

        let mut out = Vec::new();
        write_csv(&mut out, CsvStyle::Plain, lex, &c, Some("kommune")).unwrap();
        let mut r = csv::Reader::from_reader(out.as_slice());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            ["question", "kommune", "theme", "label", "answers", "share", "n", "missing"]
        );
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let per_block = lex.themes.len() + 1;
        assert_eq!(
            rows.len(),
            2 * 3 * per_block,
            "2 questions x (2 groups + total) x (themes + no theme)"
        );
        let q2_total_no_theme = rows
            .iter()
            .find(|r| &r[0] == "q2" && &r[1] == "(total)" && &r[2] == "(no theme)")
            .unwrap();
        assert_eq!(
            (
                &q2_total_no_theme[4],
                &q2_total_no_theme[6],
                &q2_total_no_theme[7]
            ),
            ("0", "1", "1")
        );

        let mut out = Vec::new();
        write_table(&mut out, lex, &c, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("question: q1") && text.contains("question: q2"),
            "{text}"
        );
    }

    #[test]
    fn one_question_keeps_the_single_layout() {
        let engine = Engine::default_engine();
        let mut c = Counts::new(engine.lexicon().themes.len());
        c.add("svar", None, false, &[0]);
        let mut out = Vec::new();
        write_json(&mut out, engine.lexicon(), &c, None).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert!(v.get("questions").is_none());
        assert_eq!(v["question"], "svar");
        assert_eq!(v["total"]["n"], 1);
        let mut out = Vec::new();
        write_csv(
            &mut out,
            CsvStyle::Plain,
            engine.lexicon(),
            &Counts::new(engine.lexicon().themes.len()),
            None,
        )
        .unwrap();
        let mut r = csv::Reader::from_reader(out.as_slice());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            ["theme", "label", "answers", "share", "n", "missing"]
        );
        assert_eq!(
            r.records().count(),
            engine.lexicon().themes.len() + 1,
            "no answers: zero rows, still listed"
        );
    }
}
