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
    let mut out = Forms { list: Vec::with_capacity(24), buf: String::with_capacity(lemma.len() + 6) };
    out.add(lemma, "");
    let chars = lemma.chars().count();
    if chars <= 2 {
        // Two-letter words inflect too unpredictably to guess (and collide with others).
        return out.list;
    }
    // The lemma is already first; no other two forms can be equal (distinct endings
    // of one stem; `-el` forms continue `l`, not `e`; no ending starts with `m`), so
    // forms are pushed without comparing (`forms_are_distinct`).
    if let Some(stem) = lemma.strip_suffix('e') {
        for e in E_ENDINGS.iter().filter(|e| **e != "e") {
            out.add(stem, e);
        }
        return out.list;
    }
    for e in ENDINGS.iter().filter(|e| !e.is_empty()) {
        out.add(lemma, e);
    }
    if let Some(stem) = lemma.strip_suffix("el") {
        for e in SHORT_ENDINGS {
            out.add2(stem, "l", e);
        }
    }
    let b = lemma.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b'm' && is_vowel(b[b.len() - 2]) {
        for e in SHORT_ENDINGS {
            out.add2(lemma, "m", e);
        }
    }
    out.list
}

/// Forms in order, each assembled in `buf` and allocated at its exact size (lexicons
/// with 20,000 words make 400,000 forms; `format!` per form was most of the parse time).
struct Forms {
    list: Vec<String>,
    buf: String,
}

impl Forms {
    fn add(&mut self, stem: &str, ending: &str) {
        self.add2(stem, "", ending)
    }

    fn add2(&mut self, stem: &str, link: &str, ending: &str) {
        self.buf.clear();
        self.buf.push_str(stem);
        self.buf.push_str(link);
        self.buf.push_str(ending);
        self.list.push(self.buf.as_str().to_owned());
    }
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

    /// Every branch of the table: plain, `-e`, `-el`, vowel + `m`, and folded letters.
    #[test]
    fn forms_are_distinct() {
        for lemma in ["tolk", "kommune", "mangel", "program", "laerer", "bustad", "sak", "ide", "el", "emel", "oeye"] {
            let f = forms(lemma);
            let set: std::collections::HashSet<_> = f.iter().collect();
            assert_eq!(set.len(), f.len(), "{lemma}: {f:?}");
            assert_eq!(f[0], lemma);
        }
    }

    #[test]
    fn short_words_do_not_inflect() {
        assert_eq!(forms("bu"), vec!["bu".to_string()]);
    }
}
