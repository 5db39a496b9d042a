//! Collecting what a report shows while streaming: per question, the counts per theme,
//! N, missing and uncoded answers, a few example quotes per theme, the first uncoded
//! answers, and (with `--by`) the counts per group.
//!
//! Memory stays bounded: per question and theme only the best `quotes_per_theme`
//! candidates are kept, and only the first `uncoded_limit` uncoded answers (the total
//! is still counted).
//!
//! The numbers add up (they are [`Tally`]s): `answers = n + missing`, every answer in `n` is either coded with a
//! theme or counted in `no_theme`, and the groups' numbers sum to the question's.

// Shared by both renderers; declared here because report/mod.rs is owned elsewhere.

pub use super::labels::Lang;

use crate::engine::Coded;
use crate::io::Answer;
use crate::redact;
use super::Tally;
use std::collections::HashMap;

/// What to collect.
#[derive(Clone, Debug)]
pub struct SummaryOptions {
    /// Example quotes per theme and question.
    pub quotes_per_theme: usize,
    /// Uncoded answers listed per question (the rest are only counted).
    pub uncoded_limit: usize,
    /// Crosstab by this column: (index into `Answer::fields`, column name).
    pub by: Option<(usize, String)>,
    /// Replace personal data in quotes and uncoded answers (see [`crate::redact`]).
    pub redact: bool,
    /// Longer quotes are cut to a window of this many chars around the first highlight.
    pub max_quote_chars: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            quotes_per_theme: 3,
            uncoded_limit: 200,
            by: None,
            redact: false,
            max_quote_chars: 300,
        }
    }
}

/// An answer as the report shows it: possibly redacted and shortened, with the
/// highlighted byte ranges of `text` (sorted, disjoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub id: String,
    pub line: u64,
    pub text: String,
    pub marks: Vec<(usize, usize)>,
}

impl Quote {
    /// `text` cut into (piece, highlighted) in order.
    pub fn segments(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(s, e) in &self.marks {
            if s > at {
                out.push((&self.text[at..s], false));
            }
            out.push((&self.text[s..e], true));
            at = e;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }
}

/// Counts for one value of the `--by` column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub value: String,
    pub tally: Tally,
}

/// Everything shown for one question.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionSummary {
    pub question: String,
    /// All answers to this question: `n` (answered, the base of every percentage),
    /// `missing` (blank answers and markers such as "vet ikke"), `no_theme`, per theme.
    pub total: Tally,
    /// Per theme (lexicon order): the chosen example quotes, best first.
    pub quotes: Vec<Vec<Quote>>,
    /// The first uncoded answers (at most `uncoded_limit`; `no_theme` is the total).
    pub uncoded: Vec<Quote>,
    /// With `--by`: counts per group value, in first-seen order.
    pub groups: Vec<GroupCounts>,
}

impl QuestionSummary {
    /// Theme indices by count (largest first), ties in lexicon order.
    pub fn by_frequency(&self) -> Vec<usize> {
        let themes = &self.total.themes;
        let mut order: Vec<usize> = (0..themes.len()).collect();
        order.sort_by_key(|&t| (std::cmp::Reverse(themes[t]), t));
        order
    }
}

/// The whole report's data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// In first-seen order.
    pub questions: Vec<QuestionSummary>,
    /// The `--by` column's name.
    pub by: Option<String>,
    /// Whether quotes were redacted.
    pub redacted: bool,
}

/// What a rendered report says besides the data: lexicon, language, date, versions.
#[derive(Clone, Copy, Debug)]
pub struct ReportMeta<'a> {
    pub lexicon: &'a crate::lexicon::Lexicon,
    pub lang: Lang,
    /// `yyyy-mm-dd` (see [`super::date::report_date`]).
    pub date: &'a str,
    /// tema's version (`CARGO_PKG_VERSION`).
    pub tema_version: &'a str,
    /// The input file as the user named it.
    pub source: &'a str,
}

/// Lower is better: length class, clarity, input order.
type QuoteKey = (u8, u8, u64);

struct QuestionBuilder {
    summary: QuestionSummary,
    candidates: Vec<Vec<(QuoteKey, Quote)>>,
    groups: HashMap<String, usize>,
}

/// Feeds answers in input order; `finish` gives the [`Summary`].
pub struct SummaryBuilder {
    opts: SummaryOptions,
    themes: usize,
    questions: Vec<QuestionBuilder>,
    index: HashMap<String, usize>,
    seq: u64,
}

impl SummaryBuilder {
    /// `themes`: the number of themes in the lexicon.
    pub fn new(themes: usize, opts: SummaryOptions) -> Self {
        SummaryBuilder {
            opts,
            themes,
            questions: Vec::new(),
            index: HashMap::new(),
            seq: 0,
        }
    }

    /// Adds one answer and its coding; `missing`: blank or a missing marker (see
    /// [`super::MissingMarkers`]), counted apart and never quoted.
    pub fn add(&mut self, answer: &Answer, coded: &Coded, missing: bool) {
        let seq = self.seq;
        self.seq += 1;
        let qi = match self.index.get(&answer.question) {
            Some(&i) => i,
            None => {
                self.index
                    .insert(answer.question.clone(), self.questions.len());
                self.questions.push(QuestionBuilder {
                    summary: QuestionSummary {
                        question: answer.question.clone(),
                        total: Tally::new(self.themes),
                        ..Default::default()
                    },
                    candidates: vec![Vec::new(); self.themes],
                    groups: HashMap::new(),
                });
                self.questions.len() - 1
            }
        };
        let opts = &self.opts;
        let q = &mut self.questions[qi];
        let group = opts.by.as_ref().map(|(col, _)| {
            let value = answer.fields.get(*col).map(String::as_str).unwrap_or("");
            let gi = match q.groups.get(value) {
                Some(&i) => i,
                None => {
                    q.groups.insert(value.to_string(), q.summary.groups.len());
                    q.summary.groups.push(GroupCounts {
                        value: value.to_string(),
                        tally: Tally::new(self.themes),
                    });
                    q.summary.groups.len() - 1
                }
            };
            gi
        });
        let s = &mut q.summary;
        s.total.add(missing, &coded.themes);
        if let Some(g) = group {
            s.groups[g].tally.add(missing, &coded.themes);
        }
        if missing {
            return;
        }
        if coded.themes.is_empty() {
            if s.uncoded.len() < opts.uncoded_limit {
                s.uncoded.push(display_quote(answer, &[], opts));
            }
            return;
        }
        for &t in &coded.themes {
            offer_quote(&mut q.candidates[t], answer, coded, t, seq, opts);
        }
    }

    pub fn finish(self) -> Summary {
        let questions = self
            .questions
            .into_iter()
            .map(|q| {
                let mut s = q.summary;
                s.quotes = q
                    .candidates
                    .into_iter()
                    .map(|c| c.into_iter().map(|(_, quote)| quote).collect())
                    .collect();
                s
            })
            .collect();
        Summary {
            questions,
            by: self.opts.by.map(|(_, name)| name),
            redacted: self.opts.redact,
        }
    }
}

/// Keeps `answer` among the best quotes for `theme` if it ranks high enough.
fn offer_quote(
    kept: &mut Vec<(QuoteKey, Quote)>,
    answer: &Answer,
    coded: &Coded,
    theme: usize,
    seq: u64,
    opts: &SummaryOptions,
) {
    if opts.quotes_per_theme == 0 {
        return;
    }
    let chars = answer.text.trim().chars().count();
    let length_class = match chars {
        40..=200 => 0,
        20..=400 => 1,
        _ => 2,
    };
    let clarity = if coded.themes.len() == 1 {
        0
    } else if coded.hits.first().is_some_and(|h| h.theme == theme) {
        1
    } else {
        2
    };
    let key = (length_class, clarity, seq);
    if kept.len() >= opts.quotes_per_theme && kept.last().is_some_and(|(worst, _)| *worst <= key) {
        return;
    }
    let marks: Vec<(usize, usize)> = coded
        .hits
        .iter()
        .filter(|h| h.theme == theme)
        .map(|h| (h.start, h.end))
        .collect();
    let quote = display_quote(answer, &marks, opts);
    // The same text twice says nothing new; the one kept ranks at least as high.
    if kept.iter().any(|(_, q)| q.text == quote.text) {
        return;
    }
    let at = kept.partition_point(|(k, _)| *k < key);
    kept.insert(at, (key, quote));
    kept.truncate(opts.quotes_per_theme);
}

/// Merges overlapping or touching ranges; input in any order.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The answer as shown: redacted (marks remapped) and cut to a window around the first
/// mark when long, with `…` where text was left out.
fn display_quote(answer: &Answer, marks: &[(usize, usize)], opts: &SummaryOptions) -> Quote {
    let (text, marks) = if opts.redact {
        let r = redact::redact(&answer.text);
        let marks = marks
            .iter()
            .map(|&(s, e)| (r.map_start(s), r.map_end(e)))
            .collect();
        (r.text, marks)
    } else {
        (answer.text.clone(), marks.to_vec())
    };
    let marks = merge(marks);
    let (text, marks) = window(&text, &marks, opts.max_quote_chars);
    Quote {
        id: answer.id.clone(),
        line: answer.line,
        text,
        marks,
    }
}

/// Cuts `text` (trimmed) to at most `max` chars around the first mark.
fn window(text: &str, marks: &[(usize, usize)], max: usize) -> (String, Vec<(usize, usize)>) {
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let shift = |m: &[(usize, usize)], by: usize, len: usize| -> Vec<(usize, usize)> {
        m.iter()
            .filter_map(|&(s, e)| {
                let (s, e) = (s.saturating_sub(by).min(len), e.saturating_sub(by).min(len));
                (s < e).then_some((s, e))
            })
            .collect()
    };
    let total = trimmed.chars().count();
    if total <= max || max == 0 {
        return (trimmed.to_string(), shift(marks, lead, trimmed.len()));
    }
    // Byte offset of each char, plus the end.
    let bounds: Vec<usize> = trimmed
        .char_indices()
        .map(|(i, _)| i)
        .chain([trimmed.len()])
        .collect();
    let first = marks.first().map_or(0, |&(s, _)| s.saturating_sub(lead));
    let first_char = bounds.partition_point(|&b| b < first);
    // Start a third of the window before the first mark, at a word boundary if near.
    let mut start = first_char.saturating_sub(max / 3).min(total - max);
    if start > 0 {
        if let Some(sp) =
            (start..(start + 20).min(first_char)).find(|&c| trimmed[bounds[c]..].starts_with(' '))
        {
            start = sp + 1;
        }
    }
    let mut end = (start + max).min(total);
    if end < total {
        if let Some(sp) = (end.saturating_sub(20).max(start + 1)..end)
            .rev()
            .find(|&c| trimmed[bounds[c]..].starts_with(' '))
        {
            end = sp;
        }
    }
    let (bs, be) = (bounds[start], bounds[end]);
    let prefix = if start > 0 { "…" } else { "" };
    let mut out = String::with_capacity(be - bs + 8);
    out.push_str(prefix);
    out.push_str(&trimmed[bs..be]);
    let marks: Vec<(usize, usize)> = shift(marks, lead, trimmed.len())
        .into_iter()
        .filter_map(|(s, e)| {
            let (s, e) = (s.clamp(bs, be), e.clamp(bs, be));
            (s < e).then_some((s - bs + prefix.len(), e - bs + prefix.len()))
        })
        .collect();
    if end < total {
        out.push('…');
    }
    (out, marks)
}

/// A small lexicon (bolig, tolk, helse) and a summary of two questions, for the
/// renderers' tests: q1 has N = 4 (tolk 2, bolig 1, helse 0, no theme 2), 1 missing,
/// groups a and b of `rolle`; q2 has one answer.
#[cfg(test)]
pub(crate) fn test_fixture() -> (crate::lexicon::Lexicon, Summary) {
    let text = "theme bolig\nnb Bolig\nnn Bustad\nen Housing\nterm bolig*\n\n\
                theme tolk\nnb Tolk\nnn Tolk\nen Interpreters\nterm tolk*\n\n\
                theme helse\nnb Helse\nnn Helse\nen Health\nterm helse*\n";
    let lex =
        crate::lexicon::Lexicon::from_texts("test", &[("test.tema".into(), text.into())]).unwrap();
    let engine = crate::engine::Engine::new(lex.clone()).unwrap();
    let rows = [
        (
            "1",
            "q1",
            "a",
            "For få tolker i kommunen, og ventetiden er lang for alle.",
        ),
        (
            "2",
            "q1",
            "b",
            "Mangel på boliger og tolk er det største problemet vårt.",
        ),
        ("3", "q1", "a", "vet ikke"),
        ("4", "q1", "b", "Helt greit <script>alert(1)</script>"),
        (
            "5",
            "q1",
            "a",
            "Vi har et godt samarbeid med frivillige organisasjoner her.",
        ),
        ("6", "q2", "a", "Bolig."),
    ];
    let mut b = SummaryBuilder::new(
        lex.themes.len(),
        SummaryOptions {
            by: Some((0, "rolle".into())),
            ..Default::default()
        },
    );
    let markers = super::MissingMarkers::new(super::DEFAULT_MISSING_MARKERS);
    for (id, q, g, text) in rows {
        let a = Answer {
            id: id.into(),
            text: text.into(),
            line: 1,
            fields: vec![g.into(), text.into()],
            question: q.into(),
        };
        b.add(&a, &engine.tag(text), markers.is_missing(text));
    }
    (lex, b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Hit;

    fn answer(id: &str, question: &str, text: &str, group: &str) -> Answer {
        Answer {
            id: id.into(),
            text: text.into(),
            line: id.parse().unwrap_or(0),
            fields: vec![group.into(), text.into()],
            question: question.into(),
        }
    }

    fn hit(theme: usize, start: usize, end: usize) -> Hit {
        Hit {
            theme,
            rule: 0,
            start,
            end,
            char_start: start,
            char_end: end,
            fuzzy: false,
        }
    }

    fn coded(hits: Vec<Hit>) -> Coded {
        let mut themes: Vec<usize> = hits.iter().map(|h| h.theme).collect();
        themes.sort();
        themes.dedup();
        Coded {
            themes,
            hits,
            vetoed: vec![],
        }
    }

    /// Codes `word` as theme 0 and `other` as theme 1 wherever they occur.
    fn code(text: &str) -> Coded {
        let mut hits = Vec::new();
        for (t, w) in [(0, "bolig"), (1, "tolk")] {
            for (i, _) in text.match_indices(w) {
                hits.push(hit(t, i, i + w.len()));
            }
        }
        hits.sort_by_key(|h| h.start);
        coded(hits)
    }

    fn build(rows: &[(&str, &str, &str, &str)], opts: SummaryOptions) -> Summary {
        let mut b = SummaryBuilder::new(2, opts);
        let markers = crate::report::MissingMarkers::new(crate::report::DEFAULT_MISSING_MARKERS);
        for (id, q, text, g) in rows {
            let a = answer(id, q, text, g);
            b.add(&a, &code(text), markers.is_missing(text));
        }
        b.finish()
    }

    #[test]
    fn numbers_add_up_per_question_and_group() {
        let rows = [
            (
                "1",
                "q1",
                "Vi mangler bolig for store familier i kommunen vår.",
                "a",
            ),
            ("2", "q1", "For få tolk og bolig er dyrt.", "b"),
            ("3", "q1", "vet ikke", "a"),
            ("4", "q2", "Ingenting å melde om dette egentlig.", "a"),
            ("5", "q1", "   ", "b"),
            ("6", "q2", "tolk", "b"),
            ("7", "q1", "Helt greit.", "a"),
        ];
        let s = build(
            &rows,
            SummaryOptions {
                by: Some((0, "rolle".into())),
                ..Default::default()
            },
        );
        assert_eq!(s.by.as_deref(), Some("rolle"));
        assert_eq!(s.questions.len(), 2);
        let q1 = &s.questions[0];
        assert_eq!(
            (q1.question.as_str(), q1.total.answers(), q1.total.n, q1.total.missing, q1.total.no_theme),
            ("q1", 5, 3, 2, 1)
        );
        assert_eq!(q1.total.themes, vec![2, 1]);
        let q2 = &s.questions[1];
        assert_eq!(
            (q2.question.as_str(), q2.total.answers(), q2.total.n, q2.total.missing, q2.total.no_theme),
            ("q2", 2, 2, 0, 1)
        );
        assert_eq!(q2.total.themes, vec![0, 1]);
        for q in &s.questions {
            assert_eq!(q.total.answers(), q.total.n + q.total.missing);
            assert_eq!(q.groups.iter().map(|g| g.tally.n).sum::<usize>(), q.total.n);
            assert_eq!(q.groups.iter().map(|g| g.tally.missing).sum::<usize>(), q.total.missing);
            assert_eq!(
                q.groups.iter().map(|g| g.tally.no_theme).sum::<usize>(),
                q.total.no_theme
            );
            for t in 0..2 {
                assert_eq!(
                    q.groups.iter().map(|g| g.tally.themes[t]).sum::<usize>(),
                    q.total.themes[t]
                );
            }
        }
        let groups: Vec<(&str, usize, usize)> = q1
            .groups
            .iter()
            .map(|g| (g.value.as_str(), g.tally.n, g.tally.missing))
            .collect();
        assert_eq!(groups, vec![("a", 2, 1), ("b", 1, 1)]);
        // Uncoded answers are listed; missing ones are not.
        let uncoded: Vec<&str> = q1.uncoded.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(uncoded, vec!["7"]);
    }

    #[test]
    fn frequency_order_breaks_ties_by_lexicon_order() {
        let q = QuestionSummary {
            total: Tally { themes: vec![1, 3, 0, 3], ..Default::default() },
            ..Default::default()
        };
        assert_eq!(q.by_frequency(), vec![1, 3, 0, 2]);
    }

    #[test]
    fn quotes_prefer_clear_mid_length_answers_in_input_order() {
        let long = format!("bolig {}", "x".repeat(500));
        let rows = [
            ("1", "q", "bolig", "g"), // too short
            (
                "2",
                "q",
                "tolk og bolig, begge deler er vanskelig for oss i kommunen nå.",
                "g",
            ), // bolig not first
            ("3", "q", long.as_str(), "g"), // too long
            (
                "4",
                "q",
                "Det er for lite bolig til alle som kommer til kommunen vår.",
                "g",
            ), // best
            (
                "5",
                "q",
                "Det er for lite bolig til alle som kommer til kommunen vår.",
                "g",
            ), // duplicate
            (
                "6",
                "q",
                "bolig og tolk, begge deler er vanskelig for oss i kommunen nå.",
                "g",
            ), // bolig first
            (
                "7",
                "q",
                "Husleia er høy og det finnes nesten ingen bolig å leie her.",
                "g",
            ), // clear, later
        ];
        let s = build(
            &rows,
            SummaryOptions {
                quotes_per_theme: 3,
                ..Default::default()
            },
        );
        let ids: Vec<&str> = s.questions[0].quotes[0]
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(ids, vec!["4", "7", "6"]);
        let q = &s.questions[0].quotes[0][0];
        assert_eq!(
            q.segments(),
            vec![
                ("Det er for lite ", false),
                ("bolig", true),
                (" til alle som kommer til kommunen vår.", false)
            ]
        );
        // Only the theme's own words are marked.
        let q6 = &s.questions[0].quotes[0][2];
        assert_eq!(q6.marks.len(), 1);
        assert_eq!(&q6.text[q6.marks[0].0..q6.marks[0].1], "bolig");
    }

    #[test]
    fn long_quotes_are_cut_around_the_first_mark() {
        let text = format!("{} bolig {}", "ord ".repeat(100), "mer ".repeat(100));
        let s = build(
            &[("1", "q", text.as_str(), "g")],
            SummaryOptions {
                max_quote_chars: 100,
                ..Default::default()
            },
        );
        let q = &s.questions[0].quotes[0][0];
        assert!(
            q.text.starts_with('…') && q.text.ends_with('…'),
            "{}",
            q.text
        );
        assert!(q.text.chars().count() <= 102, "{}", q.text);
        assert_eq!(q.marks.len(), 1);
        assert_eq!(&q.text[q.marks[0].0..q.marks[0].1], "bolig");
    }

    #[test]
    fn redaction_keeps_highlights_on_the_words() {
        let text = "Ring 22 33 44 55 om bolig, eller ola@nav.no om tolk.";
        let s = build(
            &[("1", "q", text, "g")],
            SummaryOptions {
                redact: true,
                ..Default::default()
            },
        );
        let q = &s.questions[0].quotes[0][0];
        assert_eq!(q.text, "Ring [TLF] om bolig, eller [EPOST] om tolk.");
        assert_eq!(&q.text[q.marks[0].0..q.marks[0].1], "bolig");
        let t = &s.questions[0].quotes[1][0];
        assert_eq!(&t.text[t.marks[0].0..t.marks[0].1], "tolk");
        // Uncoded answers are redacted too.
        let s = build(
            &[("1", "q", "Ring meg på 99887766.", "g")],
            SummaryOptions {
                redact: true,
                ..Default::default()
            },
        );
        assert_eq!(s.questions[0].uncoded[0].text, "Ring meg på [TLF].");
        assert!(s.redacted);
    }

    #[test]
    fn uncoded_list_is_capped_but_counted() {
        let rows: Vec<(String, String)> = (1..=10)
            .map(|i| (i.to_string(), format!("svar nummer {i}")))
            .collect();
        let refs: Vec<(&str, &str, &str, &str)> = rows
            .iter()
            .map(|(i, t)| (i.as_str(), "q", t.as_str(), "g"))
            .collect();
        let s = build(
            &refs,
            SummaryOptions {
                uncoded_limit: 4,
                ..Default::default()
            },
        );
        assert_eq!(s.questions[0].total.no_theme, 10);
        let ids: Vec<&str> = s.questions[0]
            .uncoded
            .iter()
            .map(|u| u.id.as_str())
            .collect();
        assert_eq!(ids, vec!["1", "2", "3", "4"]);
    }

    #[test]
    fn overlapping_marks_merge() {
        assert_eq!(
            merge(vec![(5, 9), (0, 3), (2, 4), (9, 10)]),
            vec![(0, 4), (5, 10)]
        );
    }
}
