//! `tema lexicon check`: warnings about rules that are redundant or can never fire,
//! and the `must` / `mustnot` examples run through the real engine.

use super::{Elem, ElemKind, Lexicon, LexiconError, Pattern, RuleKind, Step};
use crate::engine::Engine;
use rustc_hash::FxHashMap as HashMap;

/// Warnings for a parsed lexicon (problems that do not stop it from working).
pub fn warnings(lex: &Lexicon) -> Vec<LexiconError> {
    let mut out = Vec::new();
    let warn = |r: &super::Rule, message: String| LexiconError { file: r.file.clone(), line: r.line, rule: Some(r.source.clone()), message };
    // Only earlier rules that can give a warning are compared with a rule (all pairs took
    // seconds for 20,000 rules): of the same theme, with an equal pattern (a duplicate)
    // or, between single-word terms, sharing a form (neither covers the other without).
    let mut same_pattern: HashMap<(usize, &Pattern), Vec<usize>> = HashMap::default();
    let mut same_form: HashMap<(usize, &str), Vec<usize>> = HashMap::default();
    // single-word vetoes of each theme, in rule order
    let mut vetoes: Vec<Vec<(&super::Rule, &Elem)>> = vec![Vec::new(); lex.themes.len()];
    for v in &lex.rules {
        if let (RuleKind::Except, Some(ev)) = (&v.kind, single_elem(&v.pattern)) {
            vetoes[v.theme].push((v, ev));
        }
    }
    let mut earlier: Vec<usize> = Vec::new();
    for (i, a) in lex.rules.iter().enumerate() {
        let term_elem = single_elem(&a.pattern).filter(|_| a.kind == RuleKind::Term);
        earlier.clear();
        earlier.extend(same_pattern.get(&(a.theme, &a.pattern)).into_iter().flatten());
        for key in term_elem.map(cover_keys).unwrap_or_default() {
            earlier.extend(same_form.get(&(a.theme, key)).into_iter().flatten());
        }
        earlier.sort_unstable();
        earlier.dedup();
        for &j in &earlier {
            let b = &lex.rules[j];
            if a.kind == b.kind && a.pattern == b.pattern {
                out.push(warn(a, format!("duplicate of `{}` at line {}", b.source, b.line)));
                continue;
            }
            let (Some(ea), Some(eb)) = (single_elem(&a.pattern), single_elem(&b.pattern)) else { continue };
            if a.kind == RuleKind::Term && b.kind == RuleKind::Term {
                if covers(eb, ea) {
                    out.push(warn(a, format!("redundant: `{}` at line {} already matches everything this matches", b.source, b.line)));
                } else if covers(ea, eb) {
                    out.push(warn(b, format!("redundant: `{}` at line {} already matches everything this matches", a.source, a.line)));
                }
            }
        }
        same_pattern.entry((a.theme, &a.pattern)).or_default().push(i);
        if let Some(ea) = term_elem {
            for key in cover_keys(ea) {
                let list = same_form.entry((a.theme, key)).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            if let Some((v, _)) = vetoes[a.theme].iter().find(|(_, ev)| covers(ev, ea)) {
                out.push(warn(a, format!("can never fire: every match is vetoed by `except {}` at line {}", v.source, v.line)));
            }
        }
        if a.kind == RuleKind::Term {
            if let Pattern::Regex(src) = &a.pattern {
                if regex::Regex::new(src).is_ok_and(|re| re.is_match("")) {
                    out.push(warn(a, "the regular expression matches the empty string; empty matches are ignored".into()));
                }
            }
        }
    }
    out
}

/// Strings that two elements share if one `covers` the other: the forms of a word (the
/// stem if it has none), the form of a case-sensitive word.
fn cover_keys(e: &Elem) -> Vec<&str> {
    match &e.kind {
        ElemKind::Word { forms, .. } if !forms.is_empty() => forms.iter().map(String::as_str).collect(),
        ElemKind::Word { stem, .. } => vec![stem.as_str()],
        ElemKind::Exact(form) => vec![form.as_str()],
        ElemKind::Glob(_) => Vec::new(),
    }
}

fn single_elem(p: &Pattern) -> Option<&Elem> {
    match p {
        Pattern::Phrase(steps) if steps.len() == 1 => match &steps[0] {
            Step::Token(alts) if alts.len() == 1 => Some(&alts[0]),
            _ => None,
        },
        _ => None,
    }
}

/// Does every match of `small` also match `big`?
fn covers(big: &Elem, small: &Elem) -> bool {
    match (&big.kind, &small.kind) {
        (ElemKind::Word { stem: sb, forms: fb, .. }, ElemKind::Word { stem: ss, forms: fs, .. }) => {
            fs.iter().all(|f| fb.contains(f))
                && (!small.first || (big.first && sb == ss))
                && (!small.last || big.last)
        }
        (ElemKind::Exact(b), ElemKind::Exact(s)) => b == s && (!small.first || big.first),
        _ => false,
    }
}

/// The outcome of one `must` / `mustnot` example.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub theme: String,
    pub file: String,
    pub line: usize,
    pub text: String,
    pub must: bool,
    /// The themes the engine gave the example.
    pub got: Vec<String>,
    /// Evidence for the theme (for a `mustnot` that fired) or the vetoes (for a `must`).
    pub evidence: Vec<String>,
}

/// Runs every example of the engine's lexicon; returns (examples run, failures).
pub fn run_examples(engine: &Engine) -> (usize, Vec<ExampleFailure>) {
    let lex = engine.lexicon();
    let mut failures = Vec::new();
    let mut n = 0;
    for (ti, theme) in lex.themes.iter().enumerate() {
        for ex in &theme.examples {
            n += 1;
            let coded = engine.explain(&ex.text);
            let has = coded.themes.contains(&ti);
            if has != ex.must {
                let evidence = if ex.must {
                    coded
                        .vetoed
                        .iter()
                        .filter(|v| v.hit.theme == ti)
                        .map(|v| format!("`{}` matched \"{}\" but was vetoed by `except {}`", engine.rule_label(&v.hit), &ex.text[v.hit.start..v.hit.end], engine.rule_label(&v.by)))
                        .collect()
                } else {
                    coded
                        .hits
                        .iter()
                        .filter(|h| h.theme == ti)
                        .map(|h| format!("`{}` matched \"{}\"", engine.rule_label(h), &ex.text[h.start..h.end]))
                        .collect()
                };
                failures.push(ExampleFailure {
                    theme: theme.id.clone(),
                    file: ex.file.clone(),
                    line: ex.line,
                    text: ex.text.clone(),
                    must: ex.must,
                    got: engine.theme_ids(&coded).into_iter().map(str::to_string).collect(),
                    evidence,
                });
            }
        }
    }
    (n, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warns(rules: &str) -> Vec<String> {
        let lex = Lexicon::from_texts("t", &[("t.tema".into(), format!("theme t\n{rules}\n"))]).unwrap();
        warnings(&lex).iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn duplicate_redundant_and_dead_rules() {
        let w = warns("term bolig*\nterm bolig*");
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("t.tema:3:") && w[0].contains("duplicate of `bolig*` at line 2"), "{w:?}");
        let w = warns("term bolig\nterm bolig*");
        assert!(w[0].starts_with("t.tema:2:") && w[0].contains("redundant"), "{w:?}");
        let w = warns("term tolkning*\nexcept tolkning*");
        assert!(w.iter().any(|w| w.contains("can never fire")), "{w:?}");
        let w = warns("term /x*/");
        assert!(w[0].contains("empty string"), "{w:?}");
        assert!(warns("term bolig*\nterm *bustad\nexcept bor i").is_empty());
    }
}
