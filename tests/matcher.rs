//! The matcher on small lexicons: one test per feature of docs/lexicon-format.md.

use tema::{Engine, Lexicon};

fn engine(rules: &str) -> Engine {
    let text = format!("theme t\nnb T\n{rules}\n");
    Engine::new(Lexicon::from_texts("test", &[("t.tema".into(), text)]).unwrap()).unwrap()
}

fn hits(e: &Engine, text: &str) -> Vec<String> {
    e.tag(text).hits.iter().map(|h| text[h.start..h.end].to_string()).collect()
}

fn codes(e: &Engine, text: &str) -> bool {
    !e.tag(text).themes.is_empty()
}

#[test]
fn word_with_inflections() {
    let e = engine("term bolig\nterm bustad\nterm kommune");
    for t in ["bolig", "Boligen", "BOLIGER", "boligene", "bustadane", "bustader", "kommunen", "kommunar", "kommunes"] {
        assert!(codes(&e, t), "{t}");
    }
    for t in ["boligmangel", "kommunebolig", "bol", "bustadsosial"] {
        assert!(!codes(&e, t), "{t}");
    }
}

#[test]
fn compound_positions_and_guards() {
    let e = engine("term bolig*");
    assert_eq!(hits(&e, "boligmangel og boligsak"), vec!["boligmangel", "boligsak"]);
    assert!(!codes(&e, "kommunebolig"));
    let e = engine("term *bolig");
    assert!(codes(&e, "kommuneboligene") && codes(&e, "omsorgsbolig") && !codes(&e, "boligmangel"));
    assert!(!codes(&e, "xbolig"), "a prefix of fewer than 3 letters is no compound");
    let e = engine("term *tolk*");
    for t in ["tolkebehov", "skjermtolk", "telefontolketeneste", "tolkene"] {
        assert!(codes(&e, t), "{t}");
    }
    let e = engine("term nav*");
    assert!(!codes(&e, "navn"), "rest must have 3 letters");
    let e = engine("term tolke*");
    assert!(codes(&e, "tolkebehov") && !codes(&e, "tolkning"), "a final -e stays in the compound stem");
}

#[test]
fn explicit_forms_and_exact_case() {
    let e = engine("term nav{,s}");
    assert!(codes(&e, "nav") && codes(&e, "NAVs") && !codes(&e, "navet") && !codes(&e, "navn"));
    let e = engine("term =NAV\nterm =Nav");
    assert!(codes(&e, "NAV") && codes(&e, "Nav") && codes(&e, "NAV-kontoret"));
    assert!(!codes(&e, "nav") && !codes(&e, "Navn") && !codes(&e, "NAVN"));
    let e = engine("term =NAV*");
    assert!(codes(&e, "NAVkontoret") && !codes(&e, "NAVN"));
}

#[test]
fn phrases_gaps_and_sentences() {
    let e = engine("term mangel på tolk*");
    assert_eq!(hits(&e, "Det er mangel på tolker."), vec!["mangel på tolker"]);
    assert!(codes(&e, "Manglene på tolketjenester"));
    assert!(!codes(&e, "mangel. På tolk"), "phrases stay inside a sentence");
    let e = engine("term undersøkelse* ~3 kartla");
    assert!(codes(&e, "Undersøkelsen kartla"));
    assert!(codes(&e, "undersøkelsen fra i fjor kartla"));
    assert!(!codes(&e, "undersøkelsen ble gjort i fjor og kartla"), "gap of at most 3 words");
    let e = engine("term nav.no");
    assert!(codes(&e, "Se nav.no") && codes(&e, "https://www.nav.no/"));
    let e = engine("term nav-kontor*");
    assert!(codes(&e, "NAV-kontoret") && codes(&e, "nav kontoret"));
}

#[test]
fn alternatives_regex_and_vetoes() {
    let e = engine("term bor|bur i kommunen|kommuna");
    assert!(codes(&e, "dei bur i kommuna") && codes(&e, "bor i kommunen"));
    let e = engine("term /(?i)\\bstart-?lån\\w*/");
    assert_eq!(hits(&e, "Startlån og start-lånet"), vec!["Startlån", "start-lånet"]);
    let e = engine("term tolk*\nexcept tolke ~2 regelverk*");
    assert!(!codes(&e, "vi må tolke regelverket"));
    assert!(codes(&e, "vi må tolke regelverket og bestille tolk"), "a veto removes only what it overlaps");
    let c = e.explain("vi må tolke regelverket");
    assert_eq!(c.vetoed.len(), 1);
}

#[test]
fn folding_and_typos() {
    let e = engine("term bostøtte\nterm kvalifisering");
    assert!(codes(&e, "BOSTOETTE") && codes(&e, "Bostøtte"));
    assert!(codes(&e, "bosto\u{0308}tte"), "a decomposed ö folds to oe, like ø");
    assert!(codes(&e, "kvalifisreing") && codes(&e, "kvalifiseing"));
    let c = e.tag("kvalifisreing");
    assert_eq!(e.rule_label(&c.hits[0]), "kvalifisering~");
    let e = engine("term vaksine");
    assert!(!codes(&e, "vaksne"), "6-letter words are never typo matches");
}

#[test]
fn offsets_are_bytes_and_chars() {
    let e = engine("term bustad*");
    let text = "Ærleg talt: bustadmangel";
    let c = e.tag(text);
    assert_eq!(&text[c.hits[0].start..c.hits[0].end], "bustadmangel");
    assert_eq!(c.hits[0].char_start, 12);
    assert_eq!(c.hits[0].start, 13);
}

/// Phrase starts are skipped when no word within reach can continue the phrase (the
/// matcher's next-word filter). The filter must never drop a match: at the far end of a
/// gap, after two gaps, through a typo or a case-sensitive form, or with more elements
/// than the filter has bits.
#[test]
fn phrase_filter_keeps_every_match_within_reach() {
    let e = engine("term for ~2 bosatt");
    assert!(codes(&e, "for bosatt") && codes(&e, "for a bosatt") && codes(&e, "for a b bosatt"));
    assert!(!codes(&e, "for a b c bosatt"), "three words between: beyond the gap");
    assert!(!codes(&e, "for a. Bosatt"), "not across a sentence break");
    let e = engine("term ved ~1 ~2 busetting");
    assert!(codes(&e, "ved a b c busetting") && !codes(&e, "ved a b c d busetting"));
    let e = engine("term for kvalifisering");
    assert!(codes(&e, "for kvalifisreing"), "the next word matched through the typo index");
    let e = engine("term hos =NAV\nterm til =NAV*");
    assert!(codes(&e, "hos NAV") && !codes(&e, "hos nav") && codes(&e, "til NAVkontoret"));
    // 150 phrases: element bits collide (64 bits), each phrase still matches only itself.
    let rules: String = (0..150).map(|i| format!("term start{i} ~1 slutt{i}\n")).collect();
    let e = engine(&rules);
    for i in [0, 1, 63, 64, 65, 127, 149] {
        assert!(codes(&e, &format!("start{i} og slutt{i}")), "{i}");
        assert!(!codes(&e, &format!("start{i} og slutt{}", (i + 64) % 150)), "{i}");
        assert!(!codes(&e, &format!("start{i} og slutt{}", (i + 1) % 150)), "{i}");
    }
}
