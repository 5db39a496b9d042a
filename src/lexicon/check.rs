//! `tema lexicon check`: warnings about rules that are redundant or can never fire,
//! and the `must` / `mustnot` examples run through the real engine.

use super::{Elem, ElemKind, Lexicon, LexiconError, Pattern, RuleKind, Step};
use crate::engine::Engine;

/// Warnings for a parsed lexicon (problems that do not stop it from working).
pub fn warnings(lex: &Lexicon) -> Vec<LexiconError> {
    let mut out = Vec::new();
    let warn = |r: &super::Rule, message: String| LexiconError { file: r.file.clone(), line: r.line, rule: Some(r.source.clone()), message };
    for (i, a) in lex.rules.iter().enumerate() {
        for b in &lex.rules[..i] {
            if a.theme != b.theme {
                continue;
            }
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
        if a.kind == RuleKind::Term {
            if let Some(ea) = single_elem(&a.pattern) {
                let veto = lex.rules.iter().find(|v| {
                    v.theme == a.theme && v.kind == RuleKind::Except && single_elem(&v.pattern).is_some_and(|ev| covers(ev, ea))
                });
                if let Some(v) = veto {
                    out.push(warn(a, format!("can never fire: every match is vetoed by `except {}` at line {}", v.source, v.line)));
                }
            }
            if let Pattern::Regex(src) = &a.pattern {
                if regex::Regex::new(src).is_ok_and(|re| re.is_match("")) {
                    out.push(warn(a, "the regular expression matches the empty string; empty matches are ignored".into()));
                }
            }
        }
    }
    out
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
