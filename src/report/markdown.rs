//! Markdown report renderer: the same content as the HTML report, as tables and quotes
//! that paste cleanly into a document.

use super::summary::{GroupCounts, QuestionSummary, Quote, ReportMeta, Summary};
use std::fmt::Write;

/// Escapes text for Markdown (CommonMark): backslash before punctuation that could
/// start markup, whitespace runs (newlines included) as one space, and a line start
/// that would begin a list escaped.
pub fn escape(text: &str) -> String {
    protect_line_start(escape_inline(text))
}

/// [`escape`] without the line-start rule, for pieces inside a line.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut space = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            space = true;
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        // Redaction labels stay readable; without a following `(` they cannot form a link.
        if let Some(label) = REDACTION_LABELS
            .iter()
            .find(|l| rest.starts_with(**l) && !rest[l.len()..].starts_with('('))
        {
            out.push_str(label);
            rest = &rest[label.len()..];
            continue;
        }
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '#'
                | '~'
                | '&'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

const REDACTION_LABELS: [&str; 3] = ["[FNR]", "[TLF]", "[EPOST]"];

/// A line starting like a list item ("- x", "1. x") would become a list.
fn protect_line_start(mut out: String) -> String {
    if let Some(first) = out.chars().next() {
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        if matches!(first, '-' | '+' | '=') {
            out.insert(0, '\\');
        } else if digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')) {
            out.insert(digits, '\\');
        }
    }
    out
}

/// A quote with its highlights in bold (spaces kept outside the `**`, as CommonMark
/// needs), whitespace runs as one space.
fn quote_text(q: &Quote) -> String {
    let mut out = String::new();
    for (piece, marked) in q.segments() {
        let e = escape_inline(piece);
        if piece.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        if marked && !e.is_empty() {
            let _ = write!(out, "**{e}**");
        } else {
            out.push_str(&e);
        }
        if piece.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }
    protect_line_start(
        out.split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn group_label<'a>(g: &'a GroupCounts, meta: &ReportMeta<'a>) -> &'a str {
    if g.value.trim().is_empty() {
        meta.lang.labels().blank_group
    } else {
        &g.value
    }
}

/// The whole report as Markdown.
pub fn render(summary: &Summary, meta: &ReportMeta) -> String {
    let l = meta.lang.labels();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", l.title);
    let _ = writeln!(out, "{}: {}\n", l.file, escape(meta.source));
    if summary.redacted {
        let _ = writeln!(out, "{}\n", escape(l.redacted));
    }
    for q in &summary.questions {
        question(&mut out, q, summary.by.as_deref(), meta);
    }
    let lex = meta.lexicon;
    let _ = writeln!(
        out,
        "---\n\n{}: {} ({} {}) · {} {} · {} {}",
        l.lexicon,
        escape(&lex.name),
        l.version,
        lex.version,
        l.made_with,
        meta.tema_version,
        l.date,
        meta.date
    );
    out
}

fn question(out: &mut String, q: &QuestionSummary, by: Option<&str>, meta: &ReportMeta) {
    let l = meta.lang.labels();
    let lang = meta.lang;
    let themes = &meta.lexicon.themes;
    let _ = writeln!(out, "## {}: {}\n", l.question, escape(&q.question));
    let _ = writeln!(out, "{}\n", lang.summary_line(q.total.n, q.total.missing, q.total.no_theme));
    let _ = writeln!(
        out,
        "| {} | {} | {} |\n| --- | ---: | ---: |",
        l.theme, l.answers, l.share
    );
    for t in q.by_frequency() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape(&lang.theme_label(&themes[t])),
            q.total.themes[t],
            lang.percent(q.total.themes[t], q.total.n)
        );
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        escape(l.no_theme),
        q.total.no_theme,
        lang.percent(q.total.no_theme, q.total.n)
    );
    let _ = writeln!(out, "| N | {} | |", q.total.n);
    let _ = writeln!(out, "| {} | {} | |\n", l.missing, q.total.missing);
    let _ = writeln!(out, "{}\n", l.several_themes);

    if let (Some(col), false) = (by, q.groups.is_empty()) {
        crosstab(out, q, col, meta);
    }

    let with_quotes: Vec<usize> = q
        .by_frequency()
        .into_iter()
        .filter(|&t| q.total.themes[t] > 0 && !q.quotes[t].is_empty())
        .collect();
    if !with_quotes.is_empty() {
        let _ = writeln!(out, "### {}\n", l.examples);
        for t in with_quotes {
            let _ = writeln!(
                out,
                "#### {}\n",
                escape(&lang.examples_of(&lang.theme_label(&themes[t]), q.total.themes[t]))
            );
            for quote in &q.quotes[t] {
                let _ = writeln!(
                    out,
                    "> {} — *id {}*\n",
                    quote_text(quote),
                    escape(&quote.id)
                );
            }
        }
    }

    let _ = writeln!(out, "### {}\n", l.uncoded);
    if q.total.no_theme == 0 {
        let _ = writeln!(out, "{}\n", l.none_uncoded);
    } else {
        let _ = writeln!(out, "{}\n", lang.uncoded_note(q.uncoded.len(), q.total.no_theme));
        for u in &q.uncoded {
            let _ = writeln!(out, "- *id {}*: {}", escape(&u.id), escape(&u.text));
        }
        out.push('\n');
    }
}

fn crosstab(out: &mut String, q: &QuestionSummary, col: &str, meta: &ReportMeta) {
    let l = meta.lang.labels();
    let lang = meta.lang;
    let _ = writeln!(out, "### {} {}\n", l.crosstab, escape(col));
    // Total first, as in the HTML table.
    let _ = write!(out, "| {} | {} |", l.theme, l.total);
    for g in &q.groups {
        let _ = write!(out, " {} |", escape(group_label(g, meta)));
    }
    let _ = writeln!(out, "\n| --- |{}", " ---: |".repeat(q.groups.len() + 1));
    let cell = |count: usize, n: usize| format!("{count} ({})", lang.percent(count, n));
    for t in q.by_frequency() {
        let _ = write!(
            out,
            "| {} | {} |",
            escape(&lang.theme_label(&meta.lexicon.themes[t])),
            cell(q.total.themes[t], q.total.n)
        );
        for g in &q.groups {
            let _ = write!(out, " {} |", cell(g.tally.themes[t], g.tally.n));
        }
        out.push('\n');
    }
    let _ = write!(
        out,
        "| {} | {} |",
        escape(l.no_theme),
        cell(q.total.no_theme, q.total.n)
    );
    for g in &q.groups {
        let _ = write!(out, " {} |", cell(g.tally.no_theme, g.tally.n));
    }
    let _ = write!(out, "\n| N | {} |", q.total.n);
    for g in &q.groups {
        let _ = write!(out, " {} |", g.tally.n);
    }
    let _ = write!(out, "\n| {} | {} |", l.missing, q.total.missing);
    for g in &q.groups {
        let _ = write!(out, " {} |", g.tally.missing);
    }
    out.push_str("\n\n");
    let _ = writeln!(out, "{}\n", l.crosstab_note);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::{test_fixture, Lang};

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape("a | b\n\nc  *d*"), "a \\| b c \\*d\\*");
        assert_eq!(escape("- punkt"), "\\- punkt");
        assert_eq!(escape("1. punkt"), "1\\. punkt");
        assert_eq!(escape("  Bolig  "), "Bolig");
        assert_eq!(
            escape("ring [TLF] eller [EPOST], [x](y) [TLF](z)"),
            "ring [TLF] eller [EPOST], \\[x\\](y) \\[TLF\\](z)"
        );
    }

    #[test]
    fn report_has_counts_sorted_quotes_uncoded_and_footer() {
        let (lex, summary) = test_fixture();
        let meta = ReportMeta {
            lexicon: &lex,
            lang: Lang::Nb,
            date: "2025-03-31",
            tema_version: "9.9.9",
            source: "svar.csv",
        };
        let md = render(&summary, &meta);
        // tolk (2 of 4) before bolig (1 of 4), before the theme with no answers.
        let tolk = md.find("| Tolk | 2 | 50,0 % |").expect(&md);
        let bolig = md.find("| Bolig | 1 | 25,0 % |").expect(&md);
        let helse = md.find("| Helse | 0 | 0,0 % |").expect(&md);
        assert!(tolk < bolig && bolig < helse, "{md}");
        assert!(md.contains("| (uten tema) | 2 | 50,0 % |"), "{md}");
        assert!(
            md.contains("| N | 4 | |") && md.contains("| Manglende svar | 1 | |"),
            "{md}"
        );
        assert!(md.contains("For få **tolker** i kommunen"), "{md}");
        assert!(md.contains("*id 4*: Helt greit \\<script\\>"), "{md}");
        assert!(md.contains("### Krysstabell etter rolle"), "{md}");
        assert!(md.contains("| Tema | Totalt | a | b |"), "{md}");
        assert!(
            md.contains("| Tolk | 2 (50,0 %) | 1 (50,0 %) | 1 (50,0 %) |"),
            "{md}"
        );
        assert!(
            md.contains("| N | 4 | 2 | 2 |") && md.contains("| Manglende svar | 1 | 1 | 0 |"),
            "{md}"
        );
        assert!(md.contains("Leksikon: test (versjon "), "{md}");
        assert!(
            md.contains("laget med tema 9.9.9 · dato 2025-03-31"),
            "{md}"
        );
        assert!(
            md.contains("## Spørsmål: q1") && md.contains("## Spørsmål: q2"),
            "{md}"
        );
    }

    #[test]
    fn english_and_nynorsk_labels() {
        let (lex, summary) = test_fixture();
        let en = render(
            &summary,
            &ReportMeta {
                lexicon: &lex,
                lang: Lang::En,
                date: "2025-03-31",
                tema_version: "1",
                source: "x",
            },
        );
        assert!(
            en.contains("| Interpreters | 2 | 50.0 % |")
                && en.contains("(no theme)")
                && en.contains("Crosstab by rolle"),
            "{en}"
        );
        let nn = render(
            &summary,
            &ReportMeta {
                lexicon: &lex,
                lang: Lang::Nn,
                date: "2025-03-31",
                tema_version: "1",
                source: "x",
            },
        );
        assert!(
            nn.contains("| Bustad | 1 | 25,0 % |")
                && nn.contains("(utan tema)")
                && nn.contains("Døme på svar"),
            "{nn}"
        );
    }
}
