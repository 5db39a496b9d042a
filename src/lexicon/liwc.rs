//! Reading LIWC dictionaries (`.dic`).
//!
//! ```text
//! %
//! 1   bolig
//! 2   arbeid
//! %
//! bolig*      1
//! jobb        2
//! boligjobb   1   2
//! ```
//!
//! (the separators are tabs)
//!
//! Between the two `%` lines: one category per line, a number and a name (the name
//! becomes the theme id). After them: a word (or a phrase, separated from its
//! categories by a tab) and the numbers of its categories. `*` may only end a word
//! (LIWC's wildcard: any ending). Matching is the same as for quanteda dictionaries
//! (`matcher::glob`): whole tokens, case-insensitive. LIWC2007's conditional entries
//! (`(02 134)125/464`) are refused with their line, not half-read.

use super::pattern::parse_glob;
use super::quanteda::imported_theme;
use super::{LexiconError, LexiconErrors, Rule, RuleKind, Theme};

/// Parses a LIWC dictionary into themes (its categories, in header order) and rules.
pub fn parse(file: &str, text: &str) -> Result<(Vec<Theme>, Vec<Rule>), LexiconErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let err = |line: usize, rule: Option<&str>, message: String| LexiconError {
        file: file.to_string(),
        line,
        rule: rule.map(str::to_string),
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());

    match lines.next() {
        Some((_, l)) if l.trim() == "%" => {}
        Some((n, _)) => {
            return Err(LexiconErrors(vec![err(
                n,
                None,
                "a LIWC dictionary starts with a `%` line, then its categories".into(),
            )]))
        }
        None => return Err(LexiconErrors(vec![err(0, None, "empty dictionary".into())])),
    }

    // Header: `number name`, until the second `%`.
    let mut themes: Vec<Theme> = Vec::new();
    let mut numbers: Vec<u64> = Vec::new();
    let mut closed = false;
    for (n, l) in lines.by_ref() {
        if l.trim() == "%" {
            closed = true;
            break;
        }
        let mut parts = l.split_whitespace();
        let (Some(num), Some(name)) = (parts.next(), parts.next()) else {
            errors.push(err(
                n,
                None,
                format!("a category line is `NUMBER NAME`, found `{}`", l.trim()),
            ));
            continue;
        };
        let Ok(num) = num.parse::<u64>() else {
            errors.push(err(
                n,
                None,
                format!("category number `{num}` is not a number"),
            ));
            continue;
        };
        if let Some(i) = numbers.iter().position(|&x| x == num) {
            errors.push(err(
                n,
                None,
                format!(
                    "category number {num} is already used at line {}",
                    themes[i].line
                ),
            ));
            continue;
        }
        if let Some(t) = themes.iter().find(|t| t.id == name) {
            errors.push(err(
                n,
                None,
                format!("category `{name}` is already defined at line {}", t.line),
            ));
            continue;
        }
        numbers.push(num);
        themes.push(imported_theme(name, file, n, "LIWC dictionary"));
    }
    if !closed {
        errors.push(err(
            0,
            None,
            "the category list is not closed by a second `%` line".into(),
        ));
        return Err(LexiconErrors(errors));
    }
    if themes.is_empty() && errors.is_empty() {
        errors.push(err(0, None, "no categories between the `%` lines".into()));
    }

    // Entries.
    let mut rules = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (n, l) in lines {
        let (word, cats) = split_entry(l);
        if word.is_empty() || cats.is_empty() {
            errors.push(err(
                n,
                None,
                format!(
                    "an entry is `WORD<TAB>CATEGORY NUMBERS`, found `{}`",
                    l.trim()
                ),
            ));
            continue;
        }
        if cats.iter().any(|c| c.contains(['(', ')', '/'])) {
            errors.push(err(
                n,
                Some(&word),
                "conditional categories (LIWC2007 `(..)` and `/`) are not supported".into(),
            ));
            continue;
        }
        if word.trim_end_matches('*').contains('*') {
            errors.push(err(n, Some(&word), "`*` may only end a LIWC word".into()));
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(w, _)| *w == word) {
            errors.push(err(n, Some(&word), format!("word listed twice (first at line {first}); give it all its categories on one line")));
            continue;
        }
        seen.push((word.clone(), n));
        for c in cats {
            let theme = c
                .parse::<u64>()
                .ok()
                .and_then(|num| numbers.iter().position(|&x| x == num));
            let Some(theme) = theme else {
                errors.push(err(
                    n,
                    Some(&word),
                    format!("category `{c}` is not in the category list"),
                ));
                continue;
            };
            match parse_glob(&word) {
                Ok(pattern) => rules.push(Rule {
                    theme,
                    kind: RuleKind::Term,
                    source: word.clone(),
                    pattern,
                    file: file.to_string(),
                    line: n,
                }),
                Err(message) => errors.push(err(n, Some(&word), message)),
            }
        }
    }
    for (i, t) in themes.iter().enumerate() {
        if !rules.iter().any(|r| r.theme == i) {
            errors.push(err(
                t.line,
                None,
                format!("category `{}` has no words", t.id),
            ));
        }
    }
    if errors.is_empty() {
        Ok((themes, rules))
    } else {
        Err(LexiconErrors(errors))
    }
}

/// `word<TAB>1 2` or `word 1 2`; a phrase needs the tab, or is everything before the
/// trailing numbers.
fn split_entry(line: &str) -> (String, Vec<String>) {
    if let Some((w, cats)) = line.split_once('\t') {
        let word = w.split_whitespace().collect::<Vec<_>>().join(" ");
        return (word, cats.split_whitespace().map(str::to_string).collect());
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    let numeric = parts
        .iter()
        .rev()
        .take_while(|p| p.parse::<u64>().is_ok())
        .count()
        .min(parts.len().saturating_sub(1));
    let (w, c) = parts.split_at(parts.len() - numeric);
    (w.join(" "), c.iter().map(|s| s.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_categories_and_entries() {
        let d =
            "%\n1\tbolig\n2\tarbeid\n%\nbolig*\t1\njobb\t2\nboligjobb\t1 2\nbo trangt\t1\nleie 1\n";
        let (themes, rules) = parse("x.dic", d).unwrap();
        assert_eq!(
            themes.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            vec!["bolig", "arbeid"]
        );
        let r: Vec<(usize, &str, usize)> = rules
            .iter()
            .map(|r| (r.theme, r.source.as_str(), r.line))
            .collect();
        assert_eq!(
            r,
            vec![
                (0, "bolig*", 5),
                (1, "jobb", 6),
                (0, "boligjobb", 7),
                (1, "boligjobb", 7),
                (0, "bo trangt", 8),
                (0, "leie", 9)
            ]
        );
    }

    #[test]
    fn errors_have_lines() {
        let e = |d: &str| parse("x.dic", d).unwrap_err().to_string();
        assert!(e("bolig 1\n").starts_with("x.dic:1:"));
        assert!(e("%\n1 bolig\nbolig 1\n").contains("not closed"));
        let s = e("%\n1 bolig\n%\nbolig 1\njobb 7\n");
        assert!(
            s.starts_with("x.dic:5:") && s.contains("category `7`"),
            "{s}"
        );
        let s = e("%\n1 bolig\n%\nbo*lig 1\n");
        assert!(
            s.starts_with("x.dic:4:") && s.contains("may only end"),
            "{s}"
        );
        let s = e("%\n1 bolig\n2 tom\n%\nbolig 1\n");
        assert!(s.starts_with("x.dic:3:") && s.contains("no words"), "{s}");
        let s = e("%\n1 bolig\n%\nlike\t(02 134)125/464\n");
        assert!(s.contains("conditional"), "{s}");
        let s = e("%\n1 bolig\n%\nbolig 1\nbolig 1\n");
        assert!(s.starts_with("x.dic:5:") && s.contains("twice"), "{s}");
    }
}
