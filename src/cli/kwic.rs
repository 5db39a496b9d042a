//! `tema kwic TERM|THEME FILE`: keyword in context, so an analyst can check a code
//! quickly: every hit of a theme (with the rule that matched), or of a term pattern in
//! the lexicon syntax, with its left and right context and the answer's id.

use super::{emit, open_input, CliError, CliResult, InputArgs, EXIT_LEXICON};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tema::output::BatchCoder;
use tema::report::MissingMarkers;
use tema::{Engine, Lexicon};

#[derive(Args, Debug)]
pub struct KwicArgs {
    /// A theme id (every hit of the theme), or a term pattern in the lexicon syntax
    /// (e.g. 'bolig*', 'mangel på tolk*', '/\d+ kr/')
    #[arg(value_name = "TERM|THEME")]
    pub what: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Treat TERM|THEME as a term pattern even when a theme has that id
    #[arg(long)]
    pub term: bool,
    /// Characters of context on each side
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub width: usize,
    /// Output format: aligned text, or one row per hit
    #[arg(long, value_enum, default_value = "text")]
    pub format: KwicFormat,
    /// Order of the lines: input order, or alphabetical by the match or a context
    #[arg(long, value_enum, default_value = "input")]
    pub sort: KwicSort,
    /// Replace fødselsnummer, phone numbers and e-mail addresses with [FNR], [TLF], [EPOST]
    #[arg(long)]
    pub redact: bool,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KwicFormat {
    Text,
    Csv,
    Tsv,
    Jsonl,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KwicSort {
    /// Input order
    Input,
    /// By the matched text
    Match,
    /// By the words left of the match, nearest first
    Left,
    /// By the words right of the match
    Right,
}

/// One hit in context. `start`/`end` are byte offsets into the original answer.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    pub id: String,
    pub line: u64,
    pub left: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub right: String,
    pub theme: String,
    pub rule: String,
    pub start: usize,
    pub end: usize,
}

pub fn run(engine: &Engine, a: KwicArgs) -> CliResult {
    let is_theme = !a.term && engine.lexicon().themes.iter().any(|t| t.id == a.what);
    let term_engine;
    let (engine, theme) = if is_theme {
        let t = engine.lexicon().themes.iter().position(|t| t.id == a.what);
        (engine, t)
    } else {
        term_engine = term_engine_for(&a.what)?;
        (&term_engine, None)
    };
    // Every non-blank answer is searched: a term may well be a missing marker ("nei").
    let no_markers: [&str; 0] = [];
    let mut coder = BatchCoder::new(engine, open_input(&a.input)?, MissingMarkers::new(&no_markers));
    let mut lines = Vec::new();
    while let Some(batch) = coder.next_batch().map_err(CliError::input)? {
        for (answer, coded) in batch.answers.iter().zip(batch.coded) {
            let mut last = None;
            for hit in coded
                .hits
                .iter()
                .filter(|h| theme.is_none_or(|t| h.theme == t))
            {
                // Several rules on the same words: one line, the first rule.
                if last == Some((hit.start, hit.end)) {
                    continue;
                }
                last = Some((hit.start, hit.end));
                let (left, matched, right) =
                    context(&answer.text, hit.start, hit.end, a.width, a.redact);
                lines.push(KwicLine {
                    id: answer.id.clone(),
                    line: answer.line,
                    left,
                    matched,
                    right,
                    theme: if is_theme {
                        a.what.clone()
                    } else {
                        String::new()
                    },
                    rule: engine.rule_label(hit),
                    start: hit.start,
                    end: hit.end,
                });
            }
        }
    }
    sort_lines(&mut lines, a.sort);
    emit(a.output.as_deref(), &[&a.input.input], |w| match a.format {
        KwicFormat::Text => write_text(w, &lines, a.width, is_theme),
        KwicFormat::Csv => write_delimited(w, &lines, b','),
        KwicFormat::Tsv => write_delimited(w, &lines, b'\t'),
        KwicFormat::Jsonl => lines.iter().try_for_each(|l| {
            serde_json::to_writer(&mut *w, l)?;
            writeln!(w)
        }),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// An engine with one theme, `kwic`, whose only rule is `pattern`.
fn term_engine_for(pattern: &str) -> Result<Engine, CliError> {
    let bad = |e: &dyn std::fmt::Display| {
        CliError::new(
            EXIT_LEXICON,
            format!("invalid term pattern `{pattern}`:\n{e}"),
        )
    };
    if pattern.trim().is_empty() || pattern.contains(['\n', '\r']) {
        return Err(bad(&"a term pattern is one non-empty line"));
    }
    let text = format!("theme kwic\nterm {pattern}\n");
    let lexicon =
        Lexicon::from_texts("kwic", &[("<term>".to_string(), text)]).map_err(|mut e| {
            // The theme "has no term lines" only because its one term was rejected.
            if e.0.len() > 1 {
                e.0.retain(|x| x.line != 1);
            }
            bad(&e)
        })?;
    Engine::new(lexicon).map_err(|e| bad(&e))
}

/// Left context, match and right context of `text[start..end]`: at most `width` chars
/// each side (cut at char boundaries), whitespace runs (newlines too) as one space.
/// With `redact`, personal data is replaced first and the match maps onto the result.
pub fn context(
    text: &str,
    start: usize,
    end: usize,
    width: usize,
    redact: bool,
) -> (String, String, String) {
    let redacted;
    let (text, start, end) = if redact {
        redacted = tema::redact::redact(text);
        (
            redacted.text.as_str(),
            redacted.map_start(start),
            redacted.map_end(end),
        )
    } else {
        (text, start, end)
    };
    let left = one_line(&text[..start]);
    let skip = left.chars().count().saturating_sub(width);
    let left: String = left.chars().skip(skip).collect();
    let right: String = one_line(&text[end..]).chars().take(width).collect();
    (left, one_line(&text[start..end]), right)
}

/// Whitespace and control character runs as one space (kept at the ends, so the
/// context still shows whether the match was a whole word).
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

fn sort_lines(lines: &mut [KwicLine], sort: KwicSort) {
    let fold = |s: &str| tema::text::fold(s);
    match sort {
        KwicSort::Input => {}
        KwicSort::Match => lines.sort_by_cached_key(|l| fold(&l.matched)),
        KwicSort::Right => lines.sort_by_cached_key(|l| fold(l.right.trim_start())),
        // Nearest word first: compare the words of the left context from the right.
        KwicSort::Left => lines.sort_by_cached_key(|l| {
            fold(&l.left)
                .split_whitespace()
                .rev()
                .map(String::from)
                .collect::<Vec<_>>()
        }),
    }
}

fn write_text(
    w: &mut dyn Write,
    lines: &[KwicLine],
    width: usize,
    with_rule: bool,
) -> std::io::Result<()> {
    let tails: Vec<String> = lines
        .iter()
        .map(|l| format!("[{}]{}", l.matched, l.right))
        .collect();
    let tail_w = tails.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    for (l, tail) in lines.iter().zip(&tails) {
        let pad = tail_w - tail.chars().count();
        write!(
            w,
            "{:>width$}{tail}{:pad$}  {}",
            l.left,
            "",
            l.id.replace(['\t', '\n', '\r'], " ")
        )?;
        if with_rule {
            write!(w, "  {}", l.rule)?;
        }
        writeln!(w)?;
    }
    Ok(())
}

fn write_delimited(w: &mut dyn Write, lines: &[KwicLine], delimiter: u8) -> std::io::Result<()> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(w);
    out.write_record([
        "id", "line", "left", "match", "right", "theme", "rule", "start", "end",
    ])?;
    for l in lines {
        let id = if delimiter == b'\t' {
            l.id.replace(['\t', '\n', '\r'], " ")
        } else {
            l.id.clone()
        };
        out.write_record([
            &id,
            &l.line.to_string(),
            &l.left,
            &l.matched,
            &l.right,
            &l.theme,
            &l.rule,
            &l.start.to_string(),
            &l.end.to_string(),
        ])?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_at_char_boundaries_and_one_line() {
        let text = "Første linje\nmed æøå og boliger\r\n i  kommunen vår";
        let s = text.find("boliger").unwrap();
        let (l, m, r) = context(text, s, s + "boliger".len(), 10, false);
        assert_eq!(
            (l.as_str(), m.as_str(), r.as_str()),
            ("ed æøå og ", "boliger", " i kommune")
        );
        let (l, _, r) = context(text, s, s + 7, 100, false);
        assert_eq!(l, "Første linje med æøå og ");
        assert_eq!(r, " i kommunen vår");
        let (l, _, r) = context(text, s, s + 7, 0, false);
        assert_eq!((l.as_str(), r.as_str()), ("", ""));
    }

    #[test]
    fn redacted_context_never_shows_the_digits() {
        let text = "Ring 22 33 44 55 om bolig, eller skriv til ola@nav.no.";
        let s = text.find("bolig").unwrap();
        let (l, m, r) = context(text, s, s + 5, 40, true);
        assert_eq!(
            (l.as_str(), m.as_str(), r.as_str()),
            ("Ring [TLF] om ", "bolig", ", eller skriv til [EPOST].")
        );
        // A match inside personal data shows the label.
        let d = text.find("33").unwrap();
        let (_, m, _) = context(text, d, d + 2, 40, true);
        assert_eq!(m, "[TLF]");
        // A context cut through the label still hides the number.
        let (l, _, _) = context(text, s, s + 5, 6, true);
        assert_eq!(l, "F] om ");
    }

    #[test]
    fn bad_term_pattern_is_a_lexicon_error() {
        let e = term_engine_for("/[unclosed/").err().unwrap();
        assert_eq!(e.code, EXIT_LEXICON);
        assert!(e.message.contains("invalid term pattern"), "{}", e.message);
        assert!(
            e.message.contains("<term>:2: invalid regular expression"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("no `term` lines"), "{}", e.message);
        assert!(term_engine_for("a\nb").is_err());
        assert!(term_engine_for("bolig*").is_ok());
    }

    #[test]
    fn left_sort_uses_the_nearest_word() {
        let line = |left: &str, id: &str| KwicLine {
            id: id.into(),
            line: 0,
            left: left.into(),
            matched: "x".into(),
            right: String::new(),
            theme: String::new(),
            rule: String::new(),
            start: 0,
            end: 0,
        };
        let mut lines = vec![
            line("a zebra ", "1"),
            line("z apple ", "2"),
            line("b apple ", "3"),
        ];
        sort_lines(&mut lines, KwicSort::Left);
        let ids: Vec<&str> = lines.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, vec!["3", "2", "1"]);
    }
}
