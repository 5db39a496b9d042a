//! HTML report renderer: one self-contained file (inline CSS and SVG, no scripts, no
//! external assets) that opens offline and prints cleanly. Every text from the data or
//! the lexicon is escaped.

use super::summary::{GroupCounts, Lang, QuestionSummary, Quote, ReportMeta, Summary};
use std::fmt::Write;

/// Themes shown in the grouped bar chart of a crosstab (the table has all of them).
const CROSSTAB_CHART_THEMES: usize = 6;
/// Groups shown in the grouped bar chart (the largest by N; the table has all).
const CROSSTAB_CHART_GROUPS: usize = 8;
/// Colours for groups in the grouped bar chart (colour-blind-safe Okabe–Ito order).
const GROUP_COLOURS: [&str; CROSSTAB_CHART_GROUPS] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bar: #2563a8; --none: #9aa4ae; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; line-height: 1.45; }
h1 { font-size: 1.9rem; margin: 0 0 4px; }
h2 { font-size: 1.45rem; margin: 40px 0 8px; padding-top: 12px; border-top: 3px solid var(--ink); }
h3 { font-size: 1.15rem; margin: 28px 0 8px; }
h4 { font-size: 1rem; margin: 18px 0 6px; }
p.meta, p.note, .report-footer, figcaption { color: var(--muted); font-size: 0.9rem; }
p.summary { font-size: 1rem; }
nav ol { margin: 4px 0 0; padding-left: 20px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.92rem; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.no-theme td { color: var(--muted); font-style: italic; }
tr.base td { border-top: 2px solid var(--ink); font-weight: 600; }
.table-wrap { overflow-x: auto; }
table.heat { font-size: 0.82rem; }
table.heat th, table.heat td { padding: 3px 6px; }
table.heat th.num { white-space: normal; overflow-wrap: break-word; vertical-align: bottom; }
table.heat td.zero { color: var(--none); }
table.heat th.total, table.heat td:nth-child(2) { border-right: 2px solid var(--line); }
figure { margin: 12px 0; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 13px; fill: var(--ink); }
svg text.value { fill: var(--muted); }
svg text.block { font-weight: 600; }
svg rect.bar { fill: var(--bar); }
svg rect.bar.none { fill: var(--none); }
svg rect.track { fill: #eef1f4; }
blockquote { margin: 6px 0 10px; padding: 6px 12px; border-left: 4px solid var(--bar); background: #f6f8fa; }
blockquote p { margin: 0; }
blockquote .id, ol.uncoded .id { color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
mark { background: #ffe08a; color: inherit; padding: 0 1px; border-radius: 2px; }
ol.uncoded { padding-left: 0; list-style: none; }
ol.uncoded li { padding: 3px 0; border-bottom: 1px dotted var(--line); }
.legend span { display: inline-block; margin-right: 14px; font-size: 0.85rem; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
.report-footer { margin-top: 48px; padding-top: 8px; border-top: 1px solid var(--line); }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-before: page; }
  section.question:first-of-type h2 { break-before: auto; }
  figure, table, blockquote, h3, h4 { break-inside: avoid; }
  h3, h4 { break-after: avoid; }
  nav { display: none; }
  .table-wrap { overflow: visible; }
  table.heat { font-size: 7.5pt; }
  mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg, table.heat td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label for a chart (the full label goes in a `<title>` tooltip).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

fn quote_html(q: &Quote) -> String {
    let mut out = String::new();
    for (piece, marked) in q.segments() {
        if marked {
            let _ = write!(out, "<mark>{}</mark>", escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

fn group_label(g: &GroupCounts, lang: Lang) -> &str {
    if g.value.trim().is_empty() {
        lang.labels().blank_group
    } else {
        &g.value
    }
}

/// The whole report as one HTML document.
pub fn render(summary: &Summary, meta: &ReportMeta) -> String {
    let l = meta.lang.labels();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} – {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        l.html_lang,
        escape(l.title),
        escape(meta.source),
        CSS
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}: {} · {}</p>",
        escape(l.title),
        l.file,
        escape(meta.source),
        meta.date
    );
    if summary.redacted {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(l.redacted));
    }
    if summary.questions.len() > 1 {
        out.push_str("<nav><ol>\n");
        for (i, q) in summary.questions.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#q{}\">{}</a></li>",
                i + 1,
                escape(&q.question)
            );
        }
        out.push_str("</ol></nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    for (i, q) in summary.questions.iter().enumerate() {
        question(&mut out, i + 1, q, summary.by.as_deref(), meta);
    }
    let lex = meta.lexicon;
    let _ = write!(
        out,
        "</main>\n<footer class=\"report-footer\">{}: <strong>{}</strong> ({} <code>{}</code>) · {} {} · {} {}</footer>\n</body>\n</html>\n",
        l.lexicon,
        escape(&lex.name),
        l.version,
        escape(&lex.version),
        l.made_with,
        escape(meta.tema_version),
        l.date,
        escape(meta.date)
    );
    out
}

fn question(
    out: &mut String,
    number: usize,
    q: &QuestionSummary,
    by: Option<&str>,
    meta: &ReportMeta,
) {
    let l = meta.lang.labels();
    let lang = meta.lang;
    let themes = &meta.lexicon.themes;
    let _ = writeln!(out, "<section class=\"question\" id=\"q{number}\">");
    let _ = writeln!(out, "<h2>{}: {}</h2>", l.question, escape(&q.question));
    let _ = writeln!(
        out,
        "<p class=\"summary\">{}</p>",
        escape(&lang.summary_line(q.total.n, q.total.missing, q.total.no_theme))
    );

    let order = q.by_frequency();
    bar_chart(out, q, &order, meta);

    let _ = writeln!(
        out,
        "<table class=\"counts\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>",
        l.theme, l.answers, l.share
    );
    for &t in &order {
        let _ = writeln!(
            out,
            "<tr><td title=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&themes[t].id),
            escape(&lang.theme_label(&themes[t])),
            q.total.themes[t],
            lang.percent(q.total.themes[t], q.total.n)
        );
    }
    let _ = writeln!(
        out,
        "<tr class=\"no-theme\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        l.no_theme,
        q.total.no_theme,
        lang.percent(q.total.no_theme, q.total.n)
    );
    let _ = writeln!(
        out,
        "<tr class=\"base\"><td>N</td><td class=\"num\">{}</td><td></td></tr>",
        q.total.n
    );
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td class=\"num\">{}</td><td></td></tr>\n</tbody>\n</table>",
        l.missing, q.total.missing
    );
    let _ = writeln!(out, "<p class=\"note\">{}</p>", l.several_themes);

    if let (Some(col), false) = (by, q.groups.is_empty()) {
        crosstab(out, q, &order, col, meta);
    }

    let with_quotes: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&t| q.total.themes[t] > 0 && !q.quotes[t].is_empty())
        .collect();
    if !with_quotes.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", l.examples);
        for t in with_quotes {
            let _ = writeln!(
                out,
                "<div class=\"theme-quotes\">\n<h4>{}</h4>",
                escape(&lang.examples_of(&lang.theme_label(&themes[t]), q.total.themes[t]))
            );
            for quote in &q.quotes[t] {
                let _ = writeln!(
                    out,
                    "<blockquote><p>{} <span class=\"id\">id {}</span></p></blockquote>",
                    quote_html(quote),
                    escape(&quote.id)
                );
            }
            out.push_str("</div>\n");
        }
    }

    let _ = writeln!(out, "<h3>{}</h3>", l.uncoded);
    if q.total.no_theme == 0 {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", l.none_uncoded);
    } else {
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>\n<ol class=\"uncoded\">",
            escape(&lang.uncoded_note(q.uncoded.len(), q.total.no_theme))
        );
        for u in &q.uncoded {
            let _ = writeln!(
                out,
                "<li><span class=\"id\">id {}</span> {}</li>",
                escape(&u.id),
                escape(&u.text)
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

// Layout of the horizontal bar charts (SVG user units; the SVG scales to the page).
const CHART_W: f64 = 900.0;
const LABEL_W: f64 = 290.0;
const BAR_X: f64 = 300.0;
const BAR_MAX: f64 = 450.0;
const ROW_H: f64 = 26.0;
const BAR_H: f64 = 18.0;

/// One bar: label (right-aligned before the bar), track, bar, value after the bar.
#[allow(clippy::too_many_arguments)]
fn bar(
    out: &mut String,
    y: f64,
    label: &str,
    tooltip: &str,
    fraction: f64,
    value: &str,
    class: &str,
    fill: Option<&str>,
    bar_h: f64,
) {
    let w = (BAR_MAX * fraction).max(if fraction > 0.0 { 1.5 } else { 0.0 });
    let fill = fill
        .map(|f| format!(" style=\"fill:{f}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<g><title>{tooltip}</title><text x=\"{lx:.0}\" y=\"{ty:.1}\" text-anchor=\"end\">{label}</text>\
         <rect class=\"track\" x=\"{BAR_X}\" y=\"{y:.1}\" width=\"{BAR_MAX}\" height=\"{bar_h}\"/>\
         <rect class=\"{class}\" x=\"{BAR_X}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h}\"{fill}/>\
         <text class=\"value\" x=\"{vx:.0}\" y=\"{ty:.1}\">{value}</text></g>",
        lx = LABEL_W,
        ty = y + bar_h - 4.0,
        vx = BAR_X + BAR_MAX + 8.0,
    );
}

/// Horizontal bars, one per theme in frequency order plus "no theme"; bar length is
/// the share of N, scaled so the largest bar fills the width.
fn bar_chart(out: &mut String, q: &QuestionSummary, order: &[usize], meta: &ReportMeta) {
    let l = meta.lang.labels();
    let lang = meta.lang;
    let rows = order.len() + 1;
    let height = rows as f64 * ROW_H + 8.0;
    let max = order
        .iter()
        .map(|&t| q.total.themes[t])
        .chain([q.total.no_theme])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let caption = format!("{} (N = {})", l.chart, q.total.n);
    let _ = writeln!(
        out,
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CHART_W} {height:.0}\" width=\"{CHART_W}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(&caption),
        escape(&caption)
    );
    let mut y = 4.0;
    for &t in order {
        let label = lang.theme_label(&meta.lexicon.themes[t]);
        let value = format!("{} ({})", q.total.themes[t], lang.percent(q.total.themes[t], q.total.n));
        let tip = escape(&format!("{label}: {value}"));
        bar(
            out,
            y,
            &escape(&short(&label, 40)),
            &tip,
            q.total.themes[t] as f64 / max,
            &value,
            "bar",
            None,
            BAR_H,
        );
        y += ROW_H;
    }
    let value = format!("{} ({})", q.total.no_theme, lang.percent(q.total.no_theme, q.total.n));
    let tip = escape(&format!("{}: {value}", l.no_theme));
    bar(
        out,
        y,
        l.no_theme,
        &tip,
        q.total.no_theme as f64 / max,
        &value,
        "bar none",
        None,
        BAR_H,
    );
    out.push_str("</svg>\n</figure>\n");
}

/// The crosstab as a heat table (cell shade = share of the group's N) and a grouped bar
/// chart for the most frequent themes and largest groups.
fn crosstab(out: &mut String, q: &QuestionSummary, order: &[usize], col: &str, meta: &ReportMeta) {
    let l = meta.lang.labels();
    let lang = meta.lang;
    let themes = &meta.lexicon.themes;
    let _ = writeln!(out, "<h3>{} {}</h3>", l.crosstab, escape(col));
    let share = |count: usize, n: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let max_share = order
        .iter()
        .flat_map(|&t| q.groups.iter().map(move |g| share(g.tally.themes[t], g.tally.n)))
        .fold(0.0_f64, f64::max)
        .max(f64::EPSILON);
    let cell = |count: usize, n: usize| {
        if count == 0 {
            return "<td class=\"num zero\">0</td>".to_string();
        }
        let alpha = 0.55 * share(count, n) / max_share;
        format!("<td class=\"num\" style=\"background:rgba(37,99,168,{alpha:.2})\">{count} <small>({})</small></td>", lang.percent(count, n))
    };
    // Total first, so it stays in view when many groups make the table scroll.
    let plain = |count: usize, n: usize| {
        format!(
            "<td class=\"num\">{count} <small>({})</small></td>",
            lang.percent(count, n)
        )
    };
    let _ = write!(out, "<div class=\"table-wrap\">\n<table class=\"crosstab heat\">\n<thead><tr><th>{}</th><th class=\"num total\">{}</th>", l.theme, l.total);
    for g in &q.groups {
        let _ = write!(
            out,
            "<th class=\"num\">{}</th>",
            escape(group_label(g, lang))
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for &t in order {
        let _ = write!(
            out,
            "<tr><td title=\"{}\">{}</td>{}",
            escape(&themes[t].id),
            escape(&lang.theme_label(&themes[t])),
            plain(q.total.themes[t], q.total.n)
        );
        for g in &q.groups {
            out.push_str(&cell(g.tally.themes[t], g.tally.n));
        }
        out.push_str("</tr>\n");
    }
    let _ = write!(
        out,
        "<tr class=\"no-theme\"><td>{}</td>{}",
        l.no_theme,
        plain(q.total.no_theme, q.total.n)
    );
    for g in &q.groups {
        out.push_str(&plain(g.tally.no_theme, g.tally.n));
    }
    let _ = write!(
        out,
        "</tr>\n<tr class=\"base\"><td>N</td><td class=\"num\">{}</td>",
        q.total.n
    );
    for g in &q.groups {
        let _ = write!(out, "<td class=\"num\">{}</td>", g.tally.n);
    }
    let _ = write!(
        out,
        "</tr>\n<tr><td>{}</td><td class=\"num\">{}</td>",
        l.missing, q.total.missing
    );
    for g in &q.groups {
        let _ = write!(out, "<td class=\"num\">{}</td>", g.tally.missing);
    }
    out.push_str("</tr>\n</tbody>\n</table>\n</div>\n");
    let _ = writeln!(out, "<p class=\"note\">{}</p>", l.crosstab_note);
    grouped_bars(out, q, order, meta);
}

fn grouped_bars(out: &mut String, q: &QuestionSummary, order: &[usize], meta: &ReportMeta) {
    let lang = meta.lang;
    let l = lang.labels();
    let shown_themes: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&t| q.total.themes[t] > 0)
        .take(CROSSTAB_CHART_THEMES)
        .collect();
    // The largest groups, shown in first-seen order.
    let mut groups: Vec<usize> = (0..q.groups.len()).filter(|&g| q.groups[g].tally.n > 0).collect();
    groups.sort_by_key(|&g| (std::cmp::Reverse(q.groups[g].tally.n), g));
    groups.truncate(CROSSTAB_CHART_GROUPS);
    groups.sort();
    if shown_themes.is_empty() || groups.is_empty() {
        return;
    }
    let share = |count: usize, n: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let max = shown_themes
        .iter()
        .flat_map(|&t| {
            groups
                .iter()
                .map(move |&g| share(q.groups[g].tally.themes[t], q.groups[g].tally.n))
        })
        .fold(0.0_f64, f64::max)
        .max(f64::EPSILON);
    let (row_h, bar_h, head_h, gap) = (16.0, 13.0, 22.0, 10.0);
    let block_h = head_h + groups.len() as f64 * row_h + gap;
    let height = shown_themes.len() as f64 * block_h + 4.0;
    let _ = writeln!(
        out,
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n<div class=\"legend\">",
        l.crosstab_chart
    );
    for (i, &g) in groups.iter().enumerate() {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{} (N = {})</span>",
            GROUP_COLOURS[i],
            escape(group_label(&q.groups[g], lang)),
            q.groups[g].tally.n
        );
    }
    let _ = writeln!(
        out,
        "</div>\n<svg class=\"grouped\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CHART_W} {height:.0}\" width=\"{CHART_W}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(l.crosstab_chart)
    );
    let mut y = 4.0;
    for &t in &shown_themes {
        let label = lang.theme_label(&meta.lexicon.themes[t]);
        let _ = writeln!(
            out,
            "<text class=\"block\" x=\"0\" y=\"{:.1}\">{}</text>",
            y + 15.0,
            escape(&short(&label, 60))
        );
        y += head_h;
        for (i, &g) in groups.iter().enumerate() {
            let gc = &q.groups[g];
            let name = group_label(gc, lang);
            let value = format!("{} ({})", gc.tally.themes[t], lang.percent(gc.tally.themes[t], gc.tally.n));
            let tip = escape(&format!("{label} – {name}: {value}"));
            bar(
                out,
                y,
                &escape(&short(name, 40)),
                &tip,
                share(gc.tally.themes[t], gc.tally.n) / max,
                &value,
                "bar",
                Some(GROUP_COLOURS[i]),
                bar_h,
            );
            y += row_h;
        }
        y += gap;
    }
    out.push_str("</svg>\n</figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::test_fixture;

    fn render_nb() -> String {
        let (lex, summary) = test_fixture();
        render(
            &summary,
            &ReportMeta {
                lexicon: &lex,
                lang: Lang::Nb,
                date: "2025-03-31",
                tema_version: "9.9.9",
                source: "svar <1>.csv",
            },
        )
    }

    #[test]
    fn escapes_answers_and_names() {
        let html = render_nb();
        assert!(
            !html.contains("<script>"),
            "an answer's <script> must be escaped"
        );
        assert!(html.contains("Helt greit &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("svar &lt;1&gt;.csv"));
        assert_eq!(escape(r#"a&b<"c">'"#), "a&amp;b&lt;&quot;c&quot;&gt;&#39;");
    }

    #[test]
    fn self_contained() {
        let html = render_nb();
        for external in [
            "src=",
            "href=\"http",
            "href='http",
            "@import",
            "url(",
            "<script",
            "<link",
        ] {
            assert!(!html.contains(external), "{external}");
        }
        // The only URL is the SVG namespace, which is never fetched.
        assert_eq!(
            html.matches("http").count(),
            html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
    }

    #[test]
    fn counts_bars_marks_crosstab_and_footer() {
        let html = render_nb();
        // Frequency order in the table: Tolk (2), Bolig (1), Helse (0).
        let tolk = html
            .find(
                "<td title=\"tolk\">Tolk</td><td class=\"num\">2</td><td class=\"num\">50,0 %</td>",
            )
            .expect(&html);
        let bolig = html.find("<td title=\"bolig\">Bolig</td><td class=\"num\">1</td><td class=\"num\">25,0 %</td>").unwrap();
        let helse = html
            .find("<td title=\"helse\">Helse</td><td class=\"num\">0</td>")
            .unwrap();
        assert!(tolk < bolig && bolig < helse);
        // One bar per theme and one for "no theme", per question.
        assert_eq!(
            html.matches("<rect class=\"bar\"").count() - html.matches("style=\"fill:").count(),
            2 * 3
        );
        assert_eq!(html.matches("<rect class=\"bar none\"").count(), 2);
        assert!(html.contains("For få <mark>tolker</mark> i kommunen"));
        assert!(html.contains("<h3>Krysstabell etter rolle</h3>"));
        assert!(html.contains("<table class=\"crosstab heat\">"));
        assert!(html.contains("<svg class=\"grouped\""));
        assert!(html.contains("<ol class=\"uncoded\">"));
        assert!(html.contains("laget med tema 9.9.9 · dato 2025-03-31"));
        assert!(html.contains("<html lang=\"nb\">"));
        // Two questions: a table of contents and two sections.
        assert_eq!(html.matches("<section class=\"question\"").count(), 2);
        assert!(html.contains("<a href=\"#q2\">q2</a>"));
    }

    #[test]
    fn zero_n_gives_no_nan() {
        let (lex, mut summary) = test_fixture();
        summary.questions[1].total.n = 0;
        summary.questions[1].total.themes = vec![0; 3];
        let html = render(
            &summary,
            &ReportMeta {
                lexicon: &lex,
                lang: Lang::En,
                date: "d",
                tema_version: "v",
                source: "s",
            },
        );
        assert!(!html.contains("NaN") && !html.contains("inf"));
    }
}
