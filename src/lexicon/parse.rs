//! Reading `.tema` files: one line, one statement, errors at file:line.

use super::pattern::parse_pattern;
use super::{Example, LexiconError, Rule, RuleKind, Theme};
use rayon::prelude::*;

/// A `term` or `except` line, its pattern not parsed yet: patterns (with their
/// inflection tables) are most of the cost of reading a lexicon, so they are parsed
/// afterwards, those of all files at once and in parallel ([`parse_patterns`]).
pub struct RuleLine {
    theme: usize,
    kind: RuleKind,
    source: String,
    file: String,
    line: usize,
}

/// Parses one lexicon file's text, appending themes and rule lines. Errors are
/// collected (not returned at the first) so that `tema lexicon check` shows them all
/// at once.
pub fn parse_file(file: &str, text: &str, themes: &mut Vec<Theme>, rules: &mut Vec<RuleLine>, errors: &mut Vec<LexiconError>) {
    let mut current: Option<usize> = None;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String, rule: Option<&str>| LexiconError {
            file: file.to_string(),
            line: line_no,
            rule: rule.map(str::to_string),
            message,
        };
        let (keyword, rest) = match line.find(char::is_whitespace) {
            Some(i) => (&line[..i], line[i..].trim()),
            None => (line, ""),
        };
        if keyword == "theme" {
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                errors.push(err(format!("theme id `{rest}` must be lowercase ASCII letters, digits and `_`"), None));
                current = None;
                continue;
            }
            if let Some(prev) = themes.iter().find(|t| t.id == rest) {
                errors.push(err(format!("theme `{rest}` is already defined at {}:{}", prev.file, prev.line), None));
                current = None;
                continue;
            }
            themes.push(Theme {
                id: rest.to_string(),
                nb: String::new(),
                nn: String::new(),
                en: String::new(),
                about: String::new(),
                file: file.to_string(),
                line: line_no,
                examples: Vec::new(),
            });
            current = Some(themes.len() - 1);
            continue;
        }
        let known = ["nb", "nn", "en", "about", "term", "except", "must", "mustnot"];
        if !known.contains(&keyword) {
            errors.push(err(
                format!("unknown keyword `{keyword}` (expected one of: theme, {})", known.join(", ")),
                None,
            ));
            continue;
        }
        let Some(t) = current else {
            errors.push(err(format!("`{keyword}` line outside a theme (start the theme with `theme ID`)"), None));
            continue;
        };
        if rest.is_empty() {
            errors.push(err(format!("`{keyword}` needs a value"), None));
            continue;
        }
        let theme = &mut themes[t];
        match keyword {
            "nb" => theme.nb = rest.to_string(),
            "nn" => theme.nn = rest.to_string(),
            "en" => theme.en = rest.to_string(),
            "about" => {
                if !theme.about.is_empty() {
                    theme.about.push(' ');
                }
                theme.about.push_str(rest);
            }
            "must" | "mustnot" => theme.examples.push(Example {
                text: rest.to_string(),
                must: keyword == "must",
                file: file.to_string(),
                line: line_no,
            }),
            _ => {
                rules.push(RuleLine {
                    theme: t,
                    kind: if keyword == "term" { RuleKind::Term } else { RuleKind::Except },
                    source: strip_comment(rest).to_string(),
                    file: file.to_string(),
                    line: line_no,
                });
            }
        }
    }
}

/// Parses the patterns of rule lines (in parallel), in their order: the rules, and an
/// error at file:line naming the rule for each pattern that is not valid.
pub fn parse_patterns(lines: Vec<RuleLine>) -> (Vec<Rule>, Vec<LexiconError>) {
    let parsed: Vec<_> = lines.into_par_iter().map(|l| (parse_pattern(&l.source), l)).collect();
    let (mut rules, mut errors) = (Vec::with_capacity(parsed.len()), Vec::new());
    for (pattern, l) in parsed {
        match pattern {
            Ok(pattern) => rules.push(Rule { theme: l.theme, kind: l.kind, source: l.source, pattern, file: l.file, line: l.line }),
            Err(message) => errors.push(LexiconError { file: l.file, line: l.line, rule: Some(l.source), message }),
        }
    }
    (rules, errors)
}

/// `term bolig*   # comment` -> `bolig*`. A regex keeps everything up to its last `/`.
fn strip_comment(rest: &str) -> &str {
    if rest.starts_with('/') {
        return match rest.rfind('/') {
            Some(end) if end > 0 && rest[end + 1..].trim_start().starts_with('#') => &rest[..=end],
            _ => rest,
        };
    }
    let cut = rest.char_indices().find(|&(i, c)| c == '#' && i > 0 && rest[..i].ends_with([' ', '\t']));
    match cut {
        Some((i, _)) => rest[..i].trim_end(),
        None => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Theme>, Vec<Rule>, Vec<LexiconError>) {
        let (mut t, mut lines, mut e) = (vec![], vec![], vec![]);
        parse_file("x.tema", text, &mut t, &mut lines, &mut e);
        let (r, pattern_errors) = parse_patterns(lines);
        e.extend(pattern_errors);
        e.sort_by_key(|e| e.line);
        (t, r, e)
    }

    #[test]
    fn reads_a_theme() {
        let (t, r, e) = parse("theme bolig\nnb Bolig\nabout a\nabout b\nterm bolig*  # kommentar\nexcept bor i\nmust Mangel på boliger\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(t[0].about, "a b");
        assert_eq!(r[0].source, "bolig*");
        assert_eq!(r[1].kind, RuleKind::Except);
        assert_eq!(r[1].line, 6);
        assert_eq!(t[0].examples.len(), 1);
    }

    #[test]
    fn errors_name_line_and_rule() {
        let (_, _, e) = parse("theme bolig\nterm bo*lig\nfoo bar\n");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].rule.as_deref(), Some("bo*lig"));
        assert!(e[0].to_string().starts_with("x.tema:2:"));
        assert!(e[1].message.contains("unknown keyword `foo`"));
    }

    #[test]
    fn lines_outside_theme_and_bad_ids() {
        let (_, _, e) = parse("term bolig\ntheme Bolig\n");
        assert!(e[0].message.contains("outside a theme"));
        assert!(e[1].message.contains("lowercase"));
        let (_, _, e) = parse("theme a\ntheme a\n");
        assert!(e[0].message.contains("already defined at x.tema:1"));
    }

    #[test]
    fn regex_comment() {
        assert_eq!(strip_comment("/a#b/ # c"), "/a#b/");
        assert_eq!(strip_comment("/a #b/"), "/a #b/");
        assert_eq!(strip_comment("bolig#x"), "bolig#x");
    }
}
