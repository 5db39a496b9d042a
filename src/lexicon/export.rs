//! `tema lexicon export`: a lexicon written as a quanteda YAML dictionary or a LIWC
//! `.dic` file, for analysts who continue in R (quanteda) or LIWC.
//!
//! Glob dictionaries say less than tema rules, so the export translates what it can
//! and lists the rest (never drops it silently):
//! - a word expands to its explicit forms (`bolig` -> bolig, boligen, boliger, ...);
//!   `bolig*` stays `bolig*`; `*bolig` becomes suffix globs `*bolig`, `*boligen`, ...;
//! - a phrase becomes multi-word values; its words are written as in the rule (not
//!   inflected), and alternatives expand into every combination, up to `PHRASE_CAP`;
//! - `except` vetoes, regular expressions, gaps `~N`, case-sensitive `=Form` words and
//!   the typo rule have no equivalent: they are listed (`Skipped`) and, in the YAML,
//!   as comments at the top;
//! - LIWC allows `*` only at the end of a word: a leading `*` is dropped (the entry
//!   then matches only part of what the rule matches, and the rule is listed as partly
//!   exported), and a `?` or inner `*` cannot be written.
//!
//! Rules imported from a quanteda or LIWC dictionary are written back as they were.

use super::{inflect, ElemKind, Lexicon, Pattern, Rule, RuleKind, Step};
use unicode_normalization::UnicodeNormalization;

/// Most values one phrase rule may expand into (product of its alternatives).
pub const PHRASE_CAP: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Dic,
}

/// A rule (or theme) that was not exported, or only partly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub line: usize,
    /// The rule as written (empty for a note about the whole lexicon).
    pub rule: String,
    pub reason: String,
    /// Some of its values were written.
    pub partly: bool,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.partly {
            "partly exported"
        } else {
            "not exported"
        };
        match (self.rule.is_empty(), self.line) {
            (true, _) => write!(f, "{what}: {} — {}", self.file, self.reason),
            (false, 0) => write!(f, "{what}: {} `{}` — {}", self.file, self.rule, self.reason),
            (false, line) => write!(
                f,
                "{what}: {}:{line} `{}` — {}",
                self.file, self.rule, self.reason
            ),
        }
    }
}

/// The exported text and everything that could not be said in it.
#[derive(Clone, Debug)]
pub struct Export {
    pub text: String,
    pub skipped: Vec<Skipped>,
}

/// Exports `lex` to `format`.
pub fn export(lex: &Lexicon, format: Format) -> Export {
    let mut skipped = Vec::new();
    // theme -> values in rule order, without repeats
    let mut values: Vec<Vec<String>> = vec![Vec::new(); lex.themes.len()];
    for rule in &lex.rules {
        let skip = |reason: String, partly: bool| Skipped {
            file: rule.file.clone(),
            line: rule.line,
            rule: rule.source.clone(),
            reason,
            partly,
        };
        match rule_values(rule) {
            Err(reason) => skipped.push(skip(reason, false)),
            Ok(vals) => {
                let vals = match format {
                    Format::Yaml => vals,
                    Format::Dic => match liwc_values(vals) {
                        (vals, Some(reason)) => {
                            skipped.push(skip(reason, !vals.is_empty()));
                            vals
                        }
                        (vals, None) => vals,
                    },
                };
                let list = &mut values[rule.theme];
                for v in vals {
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
        }
    }
    for (t, theme) in lex.themes.iter().enumerate() {
        if values[t].is_empty() {
            skipped.push(Skipped {
                file: theme.file.clone(),
                line: theme.line,
                rule: String::new(),
                reason: format!(
                    "theme `{}`: none of its rules could be exported, so it is left out",
                    theme.id
                ),
                partly: false,
            });
        }
    }
    let notes = lexicon_notes(lex);
    let text = match format {
        Format::Yaml => write_yaml(lex, &values, &skipped, &notes),
        Format::Dic => write_dic(lex, &values),
    };
    let mut all = notes;
    all.extend(skipped);
    Export { text, skipped: all }
}

/// Differences that concern the whole lexicon rather than one rule.
fn lexicon_notes(lex: &Lexicon) -> Vec<Skipped> {
    let note = |reason: &str| Skipped {
        file: lex.name.clone(),
        line: 0,
        rule: String::new(),
        reason: reason.to_string(),
        partly: false,
    };
    let words = lex.rules.iter().any(|r| match &r.pattern {
        Pattern::Phrase(steps) => steps.iter().any(|s| matches!(s, Step::Token(alts) if alts.iter().any(|e| matches!(e.kind, ElemKind::Word { .. })))),
        Pattern::Regex(_) => false,
    });
    let mut out = Vec::new();
    if words {
        out.push(note("the typo rule (one edit in words of 7 or more letters) has no equivalent; exported words match exact spellings only"));
        out.push(note("folding has no equivalent: `bostøtte` no longer matches `bostoette`, and `é` no longer matches `e`"));
        out.push(note("compound guards (the rest of `bolig*` must have 3 or more letters) have no equivalent: globs match any ending"));
        out.push(note("words inside phrases are exported as written, not inflected; hyphenated words are one token there (`nav-kontor*` does not match \"nav kontoret\")"));
    }
    out
}

/// The glob values of one rule, or why it has none.
fn rule_values(rule: &Rule) -> Result<Vec<String>, String> {
    if rule.kind == RuleKind::Except {
        return Err(
            "a veto (`except`) has no equivalent: dictionary entries only add matches".into(),
        );
    }
    let steps = match &rule.pattern {
        Pattern::Regex(_) => {
            return Err("a regular expression has no equivalent in a glob dictionary".into())
        }
        Pattern::Phrase(steps) => steps,
    };
    let imported = steps.iter().all(|s| matches!(s, Step::Token(alts) if alts.iter().all(|e| matches!(e.kind, ElemKind::Glob(_)))));
    if imported {
        return Ok(vec![rule
            .source
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")]);
    }
    let words: Vec<&str> = rule.source.split_whitespace().collect();
    if let Some(gap) = words.iter().find(|w| w.starts_with('~')) {
        return Err(format!(
            "a gap `{gap}` has no equivalent (a multi-word value is consecutive words)"
        ));
    }
    let phrase = words.len() > 1;
    let mut per_word: Vec<Vec<String>> = Vec::with_capacity(words.len());
    for w in &words {
        let mut alts = Vec::new();
        for alt in w.split('|') {
            if alt.starts_with('=') {
                return Err(format!(
                    "a case-sensitive form `{alt}` has no equivalent (dictionaries ignore case)"
                ));
            }
            for v in alt_values(alt, phrase) {
                if !alts.contains(&v) {
                    alts.push(v);
                }
            }
        }
        per_word.push(alts);
    }
    let total = per_word
        .iter()
        .map(Vec::len)
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .unwrap_or(usize::MAX);
    if phrase && total > PHRASE_CAP {
        return Err(format!(
            "its alternatives expand into {total} multi-word values (more than {PHRASE_CAP})"
        ));
    }
    let mut out = vec![String::new()];
    for alts in &per_word {
        out = out
            .iter()
            .flat_map(|prefix| {
                alts.iter().map(move |a| {
                    if prefix.is_empty() {
                        a.clone()
                    } else {
                        format!("{prefix} {a}")
                    }
                })
            })
            .collect();
    }
    Ok(out)
}

/// Globs for one alternative of a tema word (`bolig*`, `*tolk*`, `tolk{,en}`, `bolig`).
/// In a phrase the word is not inflected (see the module notes).
fn alt_values(alt: &str, in_phrase: bool) -> Vec<String> {
    let lead = alt.starts_with('*');
    let trail = alt.ends_with('*');
    let core: String = alt
        .trim_matches('*')
        .nfc()
        .collect::<String>()
        .to_lowercase();
    let (stem, forms) = match core.find('{') {
        Some(open) => {
            let stem = core[..open].to_string();
            let list = core[open + 1..].trim_end_matches('}');
            let forms: Vec<String> = list
                .split(',')
                .map(|s| format!("{stem}{}", s.trim()))
                .collect();
            (stem, forms)
        }
        None if in_phrase => (core.clone(), vec![core.clone()]),
        None => (core.clone(), inflect::forms(&core)),
    };
    let mut out = Vec::new();
    match (lead, trail) {
        (false, false) => out.extend(forms),
        (false, true) => {
            out.push(format!("{stem}*"));
            out.extend(forms.into_iter().filter(|f| !f.starts_with(&stem)));
        }
        (true, false) => out.extend(forms.into_iter().map(|f| format!("*{f}"))),
        (true, true) => {
            out.push(format!("*{stem}*"));
            out.extend(
                forms
                    .into_iter()
                    .filter(|f| !f.contains(&stem))
                    .map(|f| format!("*{f}")),
            );
        }
    }
    out
}

/// LIWC can only say `word` and `word*`: a leading `*` is dropped (matching less), and
/// `?` or an inner `*` cannot be written. Returns the values and, if anything was
/// lost, why.
fn liwc_values(vals: Vec<String>) -> (Vec<String>, Option<String>) {
    let mut out = Vec::new();
    let (mut lead, mut inner) = (false, false);
    for v in vals {
        let words: Vec<&str> = v.split(' ').collect();
        let last = words.len() - 1;
        let mut ok = true;
        let mut fixed = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            let w2 = w.trim_start_matches('*');
            lead |= w2.len() != w.len();
            let body = if i == last {
                w2.trim_end_matches('*')
            } else {
                w2
            };
            if body.contains(['*', '?']) || body.is_empty() {
                ok = false;
            }
            fixed.push(w2);
        }
        if ok {
            let f = fixed.join(" ");
            if !out.contains(&f) {
                out.push(f);
            }
        } else {
            inner = true;
        }
    }
    let reason = match (lead, inner) {
        (false, false) => None,
        (true, false) => Some("LIWC has no `*` at the start of a word: written without it, so compounds ending in the word are not matched".into()),
        (false, true) => Some("LIWC has only a final `*`: a `?`, an inner `*` or a `*` inside a phrase cannot be written".into()),
        (true, true) => Some("LIWC has only a final `*`: a leading `*` was dropped, and a `?`, an inner `*` or a `*` inside a phrase cannot be written".into()),
    };
    (out, reason)
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_yaml(
    lex: &Lexicon,
    values: &[Vec<String>],
    skipped: &[Skipped],
    notes: &[Skipped],
) -> String {
    let mut out = String::new();
    out.push_str(&format!("# quanteda dictionary written by `tema lexicon export --to yaml` from lexicon {} (version {}).\n", lex.name, lex.version));
    out.push_str("# R: quanteda::dictionary(file = \"THIS.yml\"). Globs: `*` any characters in a token, `?` one;\n");
    out.push_str(
        "# a value with spaces is a phrase of consecutive tokens; matching ignores case.\n",
    );
    if !notes.is_empty() || !skipped.is_empty() {
        out.push_str(
            "#\n# Not exported, or only partly (no equivalent in a quanteda dictionary):\n",
        );
        for s in notes.iter().chain(skipped) {
            out.push_str(&format!("#   {}\n", s.to_string().replace('\n', " ")));
        }
    }
    for (t, theme) in lex.themes.iter().enumerate() {
        if values[t].is_empty() {
            continue;
        }
        out.push_str(&format!("{}:\n", quote(&theme.id)));
        for v in &values[t] {
            out.push_str(&format!("  - {}\n", quote(v)));
        }
    }
    out
}

fn write_dic(lex: &Lexicon, values: &[Vec<String>]) -> String {
    let mut out = String::from("%\n");
    let mut numbers = vec![0usize; lex.themes.len()];
    let mut n = 0;
    for (t, theme) in lex.themes.iter().enumerate() {
        if values[t].is_empty() {
            continue;
        }
        n += 1;
        numbers[t] = n;
        // LIWC category names are one word.
        out.push_str(&format!(
            "{n}\t{}\n",
            theme.id.split_whitespace().collect::<Vec<_>>().join("_")
        ));
    }
    out.push_str("%\n");
    // word -> category numbers, in first-seen order
    let mut entries: Vec<(String, Vec<usize>)> = Vec::new();
    for (t, vals) in values.iter().enumerate() {
        for v in vals {
            match entries.iter_mut().find(|(w, _)| w == v) {
                Some((_, cats)) => {
                    if !cats.contains(&numbers[t]) {
                        cats.push(numbers[t]);
                    }
                }
                None => entries.push((v.clone(), vec![numbers[t]])),
            }
        }
    }
    for (w, cats) in entries {
        let cats: Vec<String> = cats.iter().map(usize::to_string).collect();
        out.push_str(&format!("{w}\t{}\n", cats.join("\t")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(rules: &str) -> Lexicon {
        Lexicon::from_texts("t", &[("t.tema".into(), format!("theme bolig\n{rules}\n"))]).unwrap()
    }

    #[test]
    fn words_expand_to_forms_and_globs() {
        let e = export(
            &lex("term bolig\nterm bustad*\nterm *husvære\nterm *tolk*\nterm nav{,s}"),
            Format::Yaml,
        );
        for v in [
            "\"boligen\"",
            "\"boligene\"",
            "\"bustad*\"",
            "\"*husvære\"",
            "\"*husværet\"",
            "\"*tolk*\"",
            "\"navs\"",
        ] {
            assert!(
                e.text.contains(&format!("  - {v}\n")),
                "{v} missing in\n{}",
                e.text
            );
        }
        assert!(!e.text.contains("\"nave\""), "explicit forms only");
    }

    #[test]
    fn phrases_expand_into_the_product() {
        let e = export(&lex("term bo|bu trangt|trongt"), Format::Yaml);
        for v in ["bo trangt", "bo trongt", "bu trangt", "bu trongt"] {
            assert!(e.text.contains(&format!("\"{v}\"")), "{v}");
        }
        let many = (0..9)
            .map(|i| format!("a{i}"))
            .collect::<Vec<_>>()
            .join("|");
        let e = export(
            &lex(&format!("term bolig\nterm {many} {many}")),
            Format::Yaml,
        );
        assert!(
            e.skipped
                .iter()
                .any(|s| s.reason.contains("81 multi-word values")),
            "{:?}",
            e.skipped
        );
    }

    #[test]
    fn unexportable_rules_are_listed() {
        let e = export(
            &lex("term bolig\nterm /x+/\nterm =NAV\nterm sted ~2 bo\nexcept bor i"),
            Format::Yaml,
        );
        let listed: Vec<String> = e
            .skipped
            .iter()
            .filter(|s| !s.rule.is_empty())
            .map(|s| s.to_string())
            .collect();
        assert_eq!(listed.len(), 4, "{listed:?}");
        assert!(
            listed[0].starts_with("not exported: t.tema:3 `/x+/`"),
            "{listed:?}"
        );
        assert!(e.skipped.iter().any(|s| s.reason.contains("typo rule")));
        for s in &listed {
            assert!(
                e.text.contains(&format!("#   {s}")),
                "{s} not in the header"
            );
        }
    }

    #[test]
    fn liwc_keeps_only_final_stars() {
        let e = export(&lex("term bolig*\nterm *husvære\nterm *tolk*"), Format::Dic);
        assert!(e.text.starts_with("%\n1\tbolig\n%\n"), "{}", e.text);
        assert!(
            e.text.contains("\nbolig*\t1\n")
                && e.text.contains("\nhusværet\t1\n")
                && e.text.contains("\ntolk*\t1\n"),
            "{}",
            e.text
        );
        assert!(
            !e.text.contains("\t*") && !e.text.contains("\n*"),
            "{}",
            e.text
        );
        assert_eq!(
            e.skipped.iter().filter(|s| s.partly).count(),
            2,
            "{:?}",
            e.skipped
        );
    }
}
