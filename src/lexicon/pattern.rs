//! The pattern language of `term` and `except` lines (see docs/lexicon-format.md).
//!
//! Parsing turns a pattern into a sequence of steps; every word in it is folded here,
//! once, the same way text is folded at match time.

use crate::lexicon::inflect;
use crate::text::fold;

/// A parsed `term` / `except` pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// `/.../`: a regular expression over the original text.
    Regex(String),
    /// One or more steps matched against consecutive word units of one sentence.
    Phrase(Vec<Step>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// One word unit that matches any of the alternatives.
    Token(Vec<Elem>),
    /// Skip 0..=N word units.
    Gap(u8),
}

/// One alternative of a token pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Elem {
    pub kind: ElemKind,
    /// Also matches as the first part of a compound (`bolig*`).
    pub first: bool,
    /// Also matches as the last part of a compound (`*bolig`).
    pub last: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElemKind {
    /// A folded word: `stem` is what a compound starts with, `forms` are the whole-word
    /// forms (inflections, or the explicit `{...}` list).
    Word { stem: String, forms: Vec<String>, explicit: bool },
    /// `=Form`: case-sensitive, unfolded (NFC) form.
    Exact(String),
    /// A quanteda/LIWC glob over one whole folded token (`*` any run of characters,
    /// `?` one character). Only imported dictionaries make these (see
    /// `lexicon::quanteda`, `lexicon::liwc`); `matcher::glob` matches them.
    Glob(String),
}

impl Elem {
    pub fn forms(&self) -> &[String] {
        match &self.kind {
            ElemKind::Word { forms, .. } => forms,
            ElemKind::Exact(_) | ElemKind::Glob(_) => &[],
        }
    }
}

/// A glob pattern as imported from a quanteda or LIWC dictionary: one step per
/// whitespace-separated word (a phrase of consecutive tokens), each folded like text.
pub fn parse_glob(src: &str) -> Result<Pattern, String> {
    let steps: Vec<Step> = src
        .split_whitespace()
        .map(|w| Step::Token(vec![Elem { kind: ElemKind::Glob(fold(w)), first: false, last: false }]))
        .collect();
    if steps.is_empty() {
        return Err("empty pattern".into());
    }
    Ok(Pattern::Phrase(steps))
}

/// Parses a pattern. The error is a message for the user; the caller adds file:line.
pub fn parse_pattern(src: &str) -> Result<Pattern, String> {
    let src = src.trim();
    if src.is_empty() {
        return Err("empty pattern".into());
    }
    if let Some(body) = src.strip_prefix('/') {
        let body = body.strip_suffix('/').ok_or("a regular expression must end with `/`")?;
        if body.is_empty() {
            return Err("empty regular expression".into());
        }
        // Syntax only: the matcher builds the regex (and reports one too large to
        // build); building it here too cost as much as the rest of parsing.
        regex_syntax::Parser::new().parse(body).map_err(|e| format!("invalid regular expression: {e}"))?;
        return Ok(Pattern::Regex(body.to_string()));
    }
    let mut steps = Vec::new();
    for word in src.split_whitespace() {
        if let Some(n) = word.strip_prefix('~') {
            let n: u8 = n.parse().ok().filter(|n| (1..=9).contains(n)).ok_or_else(|| {
                format!("`{word}`: a gap is written ~N with N from 1 to 9")
            })?;
            if steps.is_empty() {
                return Err(format!("`{word}`: a pattern cannot start with a gap"));
            }
            steps.push(Step::Gap(n));
            continue;
        }
        steps.extend(parse_token(word)?);
    }
    if matches!(steps.last(), Some(Step::Gap(_))) {
        return Err("a pattern cannot end with a gap".into());
    }
    Ok(Pattern::Phrase(steps))
}

/// Characters that the tokenizer splits words at: inside a pattern word they make a
/// phrase (`nav-kontor*` is `nav kontor*`, `nav.no` is `nav no`).
fn is_inner_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '/' | '\'' | '’' | ':' | '+' | '\u{2010}' | '\u{2011}')
}

fn parse_token(word: &str) -> Result<Vec<Step>, String> {
    if !word.contains('|') && !word.starts_with('=') && word.contains(is_inner_separator) {
        // A written compound or domain: one step per part; stars stay at the ends.
        let lead = word.starts_with('*');
        let trail = word.ends_with('*');
        let core = word.trim_matches('*');
        let parts: Vec<&str> = core.split(is_inner_separator).filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return Err(format!("`{word}` has no letters"));
        }
        let n = parts.len();
        let mut steps = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            let mut w = String::new();
            if i == 0 && lead {
                w.push('*');
            }
            w.push_str(p);
            if i + 1 == n && trail {
                w.push('*');
            }
            steps.push(Step::Token(vec![parse_elem(&w, word)?]));
        }
        return Ok(steps);
    }
    let mut alts = Vec::new();
    for alt in word.split('|') {
        if alt.is_empty() {
            return Err(format!("`{word}`: empty alternative"));
        }
        let e = parse_elem(alt, word)?;
        if !alts.contains(&e) {
            alts.push(e);
        }
    }
    Ok(vec![Step::Token(alts)])
}

fn parse_elem(alt: &str, whole: &str) -> Result<Elem, String> {
    if let Some(rest) = alt.strip_prefix('=') {
        let first = rest.ends_with('*');
        let form = rest.trim_end_matches('*');
        check_letters(form, whole)?;
        let nfc: String = unicode_normalization::UnicodeNormalization::nfc(form.chars()).collect();
        return Ok(Elem { kind: ElemKind::Exact(nfc), first, last: false });
    }
    let last = alt.starts_with('*');
    let first = alt.ends_with('*');
    let core = alt.trim_matches('*');
    if core.contains('*') {
        return Err(format!("`{whole}`: `*` may only stand at the start or the end of a word"));
    }
    let (stem_src, list) = match core.find('{') {
        Some(open) => {
            let close = core.rfind('}').filter(|&c| c == core.len() - 1).ok_or_else(|| {
                format!("`{whole}`: `{{` without a closing `}}` at the end of the word")
            })?;
            (&core[..open], Some(&core[open + 1..close]))
        }
        None => (core, None),
    };
    check_letters(stem_src, whole)?;
    let stem_folded = fold(stem_src);
    let (stem, forms, explicit) = match list {
        Some(list) => {
            let mut forms = Vec::new();
            for suffix in list.split(',') {
                let suffix = suffix.trim();
                if !suffix.is_empty() {
                    check_letters(suffix, whole)?;
                }
                let f = format!("{stem_folded}{}", fold(suffix));
                if !forms.contains(&f) {
                    forms.push(f);
                }
            }
            (stem_folded, forms, true)
        }
        // Compounds keep a final -e (skole|barn, tolke|behov): the stem is the lemma.
        None => (stem_folded.clone(), inflect::forms(&stem_folded), false),
    };
    Ok(Elem { kind: ElemKind::Word { stem, forms, explicit }, first, last })
}

fn check_letters(s: &str, whole: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("`{whole}`: a word is missing"));
    }
    if let Some(c) = s.chars().find(|c| !c.is_alphanumeric() && !crate::text::tokenize::is_combining_mark(*c)) {
        return Err(format!("`{whole}`: unexpected character `{c}` (words are letters and digits; see docs/lexicon-format.md)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elems(p: &str) -> Vec<Vec<Elem>> {
        match parse_pattern(p).unwrap() {
            Pattern::Phrase(steps) => steps
                .into_iter()
                .map(|s| match s {
                    Step::Token(e) => e,
                    Step::Gap(_) => vec![],
                })
                .collect(),
            Pattern::Regex(_) => panic!("regex"),
        }
    }

    #[test]
    fn stars_set_compound_positions() {
        let e = &elems("*tolk*")[0][0];
        assert!(e.first && e.last);
        let e = &elems("bolig*")[0][0];
        assert!(e.first && !e.last);
        assert!(e.forms().contains(&"boligene".to_string()));
    }

    #[test]
    fn explicit_forms_and_exact() {
        let e = &elems("nav{,s}")[0][0];
        assert_eq!(e.forms(), &["nav".to_string(), "navs".to_string()]);
        assert_eq!(elems("=NAV")[0][0].kind, ElemKind::Exact("NAV".into()));
        assert_eq!(elems("kvp{}")[0][0].forms(), &["kvp".to_string()]);
    }

    #[test]
    fn hyphen_words_become_phrases() {
        let s = elems("nav-kontor*");
        assert_eq!(s.len(), 2);
        assert!(s[1][0].first && !s[0][0].first);
        assert_eq!(elems("nav.no").len(), 2);
    }

    #[test]
    fn folds_pattern_words() {
        assert!(elems("Bostøtte")[0][0].forms().contains(&"bostoette".to_string()));
    }

    #[test]
    fn errors_are_explained() {
        assert!(parse_pattern("~2 bolig").unwrap_err().contains("start with a gap"));
        assert!(parse_pattern("bolig ~2").unwrap_err().contains("end with a gap"));
        assert!(parse_pattern("/(/").unwrap_err().contains("invalid regular expression"));
        assert!(parse_pattern("bo*lig").unwrap_err().contains("`*` may only"));
        assert!(parse_pattern("bolig{er").unwrap_err().contains("closing"));
        assert!(parse_pattern("bolig ~0 x").unwrap_err().contains("gap"));
        assert!(parse_pattern("a||b").unwrap_err().contains("empty alternative"));
    }
}
