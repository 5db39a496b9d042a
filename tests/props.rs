//! Property tests: whatever the text, tokens, units and hits point into it on char
//! boundaries, in order, and tagging never panics.

use proptest::prelude::*;
use std::sync::OnceLock;
use tema::text::{fold, tokenize, Tokens};
use tema::Engine;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(Engine::default_engine)
}

/// Norwegian-looking text with the awkward bits: compounds, hyphens, URLs, emoji,
/// combining marks, numbers, odd whitespace.
fn norwegianish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "bolig", "boligmangel", "NAV-kontoret", "nav.no", "https://www.nav.no/x?y=1", "post@imdi.no", "tolk", "tolke",
        "regelverket", "15-18-åringer", "LHBT+-personer", "bustadene", "Kartla", "ø", "Å", "a\u{030A}", "👍🏽", "😀", "12 500,50",
        "-", "+", "...", "\n", "\r\n", "\t", " ", "  ", "«", "»", "’", "kvalifisreing", "mangel på tolk", "Nav", "navn",
        "ÆØÅ", "ß", "İ", "\u{200B}", "\u{FEFF}", "e-post", "f.eks.", "6A", "kapittel", "!", "?",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn check_offsets(text: &str) {
    let mut t = Tokens::new();
    tokenize(text, &mut t);
    let mut last = 0;
    for tok in &t.tokens {
        assert!(tok.start < tok.end && tok.end <= text.len());
        assert!(text.is_char_boundary(tok.start) && text.is_char_boundary(tok.end));
        assert!(tok.start >= last, "tokens in order");
        last = tok.end;
    }
    for u in &t.units {
        assert!(u.start < u.end && text.is_char_boundary(u.start) && text.is_char_boundary(u.end));
        let tok = t.tokens[u.token as usize];
        assert!(tok.start <= u.start && u.end <= tok.end, "unit inside its token");
    }
    let coded = engine().explain(text);
    for h in coded.hits.iter().chain(coded.vetoed.iter().map(|v| &v.hit)) {
        assert!(h.start < h.end && h.end <= text.len());
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
        assert_eq!(text[..h.start].chars().count(), h.char_start);
        assert_eq!(text[..h.end].chars().count(), h.char_end);
        assert!(coded.themes.contains(&h.theme) || coded.vetoed.iter().any(|v| &v.hit == h));
    }
    let mut sorted = coded.themes.clone();
    sorted.sort_by_key(|&t| engine().lexicon().themes[t].id.clone());
    assert_eq!(sorted, coded.themes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn offsets_slice_the_original_any_text(text in any::<String>()) {
        check_offsets(&text);
    }

    #[test]
    fn offsets_slice_the_original_norwegianish(text in norwegianish()) {
        check_offsets(&text);
    }

    #[test]
    fn fold_is_idempotent_and_case_blind(word in "[a-zA-ZæøåÆØÅéü]{0,20}") {
        let f = fold(&word);
        prop_assert_eq!(fold(&f), f.clone());
        prop_assert_eq!(fold(&word.to_uppercase()), f);
    }

    /// `themes_into` (what `tema count` uses) gives exactly `tag`'s themes, vetoes
    /// included ("tolke regelverket", "navn", "ved bosetting.", "helse- og omsorgssjef").
    #[test]
    fn themes_only_equal_tag_themes(parts in prop::collection::vec(prop_oneof![
        3 => norwegianish(),
        1 => prop::sample::select(vec![
            " tolke regelverket ", " ved bosetting. ", " helse- og omsorgssjef ", " navn ", " NAV ", " bu i ", " kartla erfaringene ",
            " tolkeportalen.no ", " kap. 6A ", " busetjing ", " boligsosialt ",
        ]).prop_map(String::from),
    ], 0..6)) {
        let text = parts.concat();
        let mut coded = tema::Coded::default();
        engine().themes_into(&text, &mut coded);
        prop_assert_eq!(&coded.themes, &engine().tag(&text).themes, "{:?}", text);
        prop_assert!(coded.hits.is_empty());
    }

    #[test]
    fn batch_equals_one_by_one(texts in prop::collection::vec(norwegianish(), 0..20)) {
        let batch = engine().tag_batch(&texts);
        for (t, c) in texts.iter().zip(&batch) {
            prop_assert_eq!(&engine().tag(t), c);
        }
    }
}
