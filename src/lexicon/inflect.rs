//! Inflection: the word forms a lexicon word stands for.
//!
//! One small, general table of Bokmål and Nynorsk noun and adjective endings, instead
//! of lists of forms in every lexicon file. It over-generates (a few forms that are not
//! words), which is harmless: a non-word never occurs in text. Verbs vary too much for
//! a table; lexicons list their forms explicitly.

/// Endings added to a word that does not end in `-e`.
const ENDINGS: &[&str] = &[
    "", "e", "en", "et", "a", "er", "ar", "ene", "ane", "ne", "s", "es", "ens", "ets", "ers", "enes", "anes", "as",
];

/// Endings added after dropping a final `-e` (`kommune` -> `kommun` + ...).
const E_ENDINGS: &[&str] = &["e", "en", "et", "a", "er", "ar", "ene", "ane", "es", "ens", "ets", "ers", "enes", "anes"];

/// Endings after a contracted `-el` (`mangel` -> `mangl` + ...) or a doubled `m`
/// (`program` -> `programm` + ...).
const SHORT_ENDINGS: &[&str] = &["e", "en", "et", "a", "er", "ar", "ene", "ane", "ens", "ets"];

/// All folded forms of a folded lemma, the lemma first.
pub fn forms(lemma: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(24);
    let mut add = |f: String| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    add(lemma.to_string());
    let chars = lemma.chars().count();
    if chars <= 2 {
        // Two-letter words inflect too unpredictably to guess (and collide with others).
        return out;
    }
    if let Some(stem) = lemma.strip_suffix('e') {
        for e in E_ENDINGS {
            add(format!("{stem}{e}"));
        }
        return out;
    }
    for e in ENDINGS {
        add(format!("{lemma}{e}"));
    }
    if let Some(stem) = lemma.strip_suffix("el") {
        for e in SHORT_ENDINGS {
            add(format!("{stem}l{e}"));
        }
    }
    let b = lemma.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b'm' && is_vowel(b[b.len() - 2]) {
        for e in SHORT_ENDINGS {
            add(format!("{lemma}m{e}"));
        }
    }
    out
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(lemma: &str, form: &str) -> bool {
        forms(lemma).iter().any(|f| f == form)
    }

    #[test]
    fn bokmaal_and_nynorsk_nouns() {
        for f in ["bolig", "boligen", "boliger", "boligene", "boligens"] {
            assert!(has("bolig", f), "{f}");
        }
        for f in ["bustad", "bustader", "bustadene", "bustadane", "bustaden"] {
            assert!(has("bustad", f), "{f}");
        }
        for f in ["tolk", "tolken", "tolkar", "tolker", "tolkane"] {
            assert!(has("tolk", f), "{f}");
        }
        for f in ["kommune", "kommunen", "kommuner", "kommunane", "kommunes"] {
            assert!(has("kommune", f), "{f}");
        }
        assert!(!has("kommune", "kommun"));
    }

    #[test]
    fn contraction_and_doubling() {
        assert!(has("mangel", "mangler") && has("mangel", "manglene"));
        assert!(has("program", "programmet") && has("program", "programmene"));
        assert!(has("laerer", "laererne"));
    }

    #[test]
    fn short_words_do_not_inflect() {
        assert_eq!(forms("bu"), vec!["bu".to_string()]);
    }
}
