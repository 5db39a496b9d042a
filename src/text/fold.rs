//! Folding: the one place that decides when two spellings count as the same.
//!
//! Text and lexicon patterns go through the same fold, so a pattern written `bostøtte`
//! matches `BOSTØTTE`, `Bostøtte` and `bostoette` (keyboards without æøå). Folding is
//! done per word, never on the whole text, so offsets always stay in the original.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Appends the folded form of `word` to `out`: NFC, lower case, `æ ø å ä ö` as
/// `ae oe aa ae oe`, and other Latin accents removed (`é` -> `e`).
pub fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    // Below U+0300 every character is already NFC (the lead bytes of U+0300 and up are
    // 0xCC or more), so the usual Latin text skips the normalisation check.
    if word.bytes().all(|b| b < 0xCC) || is_nfc_quick(word.chars()) == IsNormalized::Yes {
        fold_chars(word.chars(), out);
    } else {
        // Decomposed input (å as a + U+030A): compose first so the fold sees one letter.
        fold_chars(word.nfc(), out);
    }
}

/// The folded form of `word` as a new string (for compile time, not the hot path).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    fold_into(word, &mut out);
    out
}

fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars {
        fold_char(c, out);
    }
}

/// Appends the folded form of one character (of NFC text) to `out`.
#[inline]
fn fold_char(c: char, out: &mut String) {
    fold_char_with(c, |s| out.push_str(s));
}

/// [`fold_char`] writing UTF-8 bytes into `out` from `at`, for scans that build folded
/// text as bytes; returns where they end. Panics if `out` is too short.
#[inline]
pub(crate) fn fold_char_at(c: char, out: &mut [u8], at: usize) -> usize {
    let mut end = at;
    fold_char_with(c, |s| {
        out[end..end + s.len()].copy_from_slice(s.as_bytes());
        end += s.len();
    });
    end
}

/// The folded form of one character, given to `push` in pieces.
#[inline]
fn fold_char_with(c: char, mut push: impl FnMut(&str)) {
    let mut buf = [0u8; 4];
    match c {
        'æ' | 'Æ' | 'ä' | 'Ä' => push("ae"),
        'ø' | 'Ø' | 'ö' | 'Ö' => push("oe"),
        'å' | 'Å' => push("aa"),
        'á' | 'à' | 'â' | 'ã' | 'Á' | 'À' | 'Â' | 'Ã' => push("a"),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => push("e"),
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => push("i"),
        'ó' | 'ò' | 'ô' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Õ' => push("o"),
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => push("u"),
        'ç' | 'Ç' | 'č' | 'Č' => push("c"),
        'ñ' | 'Ñ' => push("n"),
        'š' | 'Š' => push("s"),
        'ž' | 'Ž' => push("z"),
        // Typographic apostrophes fold to the ASCII one ("NAV’s").
        '\u{2019}' | '\u{2018}' => push("'"),
        c if c.is_ascii() => push(c.to_ascii_lowercase().encode_utf8(&mut buf)),
        c => {
            for lower in c.to_lowercase() {
                push(lower.encode_utf8(&mut buf));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_norwegian_letters() {
        assert_eq!(fold("BOSTØTTE"), "bostoette");
        assert_eq!(fold("bostoette"), "bostoette");
        assert_eq!(fold("Bufellesskap"), "bufellesskap");
        assert_eq!(fold("Ærespreget"), "aerespreget");
        assert_eq!(fold("Opplæring på språk"), "opplaering paa spraak");
        assert_eq!(fold("kafé"), "kafe");
    }

    #[test]
    fn decomposed_input_folds_like_composed() {
        let nfd = "bo\u{0308}rn og a\u{030A}r"; // ö and å decomposed
        assert_eq!(fold(nfd), fold("börn og år"));
        assert_eq!(fold("a\u{030A}"), "aa");
    }

    #[test]
    fn folding_to_bytes_is_folding_to_a_string() {
        for c in ('\0'..='\u{17F}').chain("’‘ĞİΣУЇ\u{1E9E}".chars()) {
            let (mut s, mut b) = (String::new(), [0xFF; 16]);
            fold_char(c, &mut s);
            let end = fold_char_at(c, &mut b, 3);
            assert_eq!(s.as_bytes(), &b[3..end], "{c:?}");
        }
        // Against the word fold (its ASCII path does not go through `fold_char_with`)
        // and known values.
        let bytes = |c: char| {
            let mut b = [0; 16];
            let end = fold_char_at(c, &mut b, 0);
            String::from_utf8(b[..end].to_vec()).unwrap()
        };
        for c in '\0'..='\u{7F}' {
            assert_eq!(bytes(c), fold(&c.to_string()), "{c:?}");
        }
        for (c, folded) in [('Å', "aa"), ('ø', "oe"), ('Æ', "ae"), ('É', "e"), ('’', "'"), ('Σ', "σ"), ('Ї', "ї")] {
            assert_eq!(bytes(c), folded, "{c:?}");
        }
        assert_eq!(fold("İ"), "i\u{307}"); // to_lowercase gives two characters
    }

    #[test]
    fn non_latin_is_lowercased_not_dropped() {
        assert_eq!(fold("УКРАЇНА"), "україна");
    }
}
