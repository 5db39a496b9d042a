//! Tokenisation: sentences, tokens and the word *units* the matcher compares.
//!
//! Word and sentence boundaries come from Unicode (UAX #29, via unicode-segmentation);
//! on top of that, a few Norwegian habits are restored:
//! - hyphenated compounds stay one token (`NAV-kontoret`, `LHBT+-personer`,
//!   `15-18-åringer`) whose parts are separate units, so `NAV` matches in them;
//! - URLs and e-mail addresses are one token each; their alphanumeric runs are units
//!   (`nav` in `https://www.nav.no/`), so they never break a phrase into odd pieces;
//! - `nav.no`, `f.eks.` and `NAV's` (which UAX #29 keeps whole) split into units at the
//!   inner punctuation.
//!
//! All offsets are byte offsets into the original text, on char boundaries.

use super::fold::fold_into;
use super::segment;
use regex::Regex;
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (possibly with digits), including hyphenated compounds.
    Word,
    /// Digits only (with inner `.`/`,`), or a hyphenated run of numbers.
    Number,
    Url,
    Email,
    /// Punctuation, emoji, other symbols. Never a unit.
    Symbol,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    pub sentence: u32,
}

/// The smallest piece of text a token pattern is compared with: a run of letters and
/// digits. A plain word is one unit; a compound or URL token holds several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    /// Index of the token this unit belongs to.
    pub token: u32,
}

/// Reusable output buffers: tokenising many answers with one `Tokens` allocates only
/// while the buffers grow.
#[derive(Default, Debug, Clone)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub units: Vec<Unit>,
    /// Byte ranges of sentences, in order.
    pub sentences: Vec<(usize, usize)>,
    segments: Vec<Segment>,
    specials: Vec<(usize, usize, TokenKind)>,
    cats: Vec<segment::CharCat>,
    /// The folded units one after another, and where each ends (only after
    /// `tokenize_units` or `fold_units`): unit `i` is `folded[ends[i-1]..ends[i]]`.
    pub folded: String,
    pub folded_ends: Vec<u32>,
}

impl Tokens {
    /// The folded form of unit `i` (see `folded`).
    pub fn folded_unit(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.folded_ends[i - 1] as usize };
        &self.folded[start..self.folded_ends[i] as usize]
    }
}

impl Tokens {
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Alnum,
    Hyphen,
    Plus,
    Space,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    start: usize,
    end: usize,
    class: Class,
    sentence: u32,
}

/// Tokenises `text` into `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Tokens) {
    clear(out);
    find_specials(text, &mut out.specials);
    segment_text(text, out);
    assemble(text, out, true);
}

/// `tokenize` without splitting tokens into units (`out.units` stays empty): for
/// lexicons that compare whole tokens only (imported glob dictionaries).
pub fn tokenize_without_units(text: &str, out: &mut Tokens) {
    clear(out);
    find_specials(text, &mut out.specials);
    segment_text(text, out);
    assemble(text, out, false);
}

/// Only the units of `text`, with sentence numbers, and no tokens or sentence list: all
/// the matcher needs when it has no glob rules. `false` (and `out.units` unspecified)
/// when the text needs the full tokenizer: characters outside the fast alphabet, or a
/// possible URL / e-mail address (their tokens can cut a run of letters).
///
/// The units are those of `tokenize`; two units share a sentence number exactly when
/// they are in the same sentence there (the numbers may differ).
pub fn tokenize_units(text: &str, out: &mut Tokens) -> bool {
    clear(out);
    let Tokens { units, cats, folded, folded_ends, .. } = out;
    // Every unit is a token of its own here (`units` starts empty). A unit and the byte
    // after it take at least two bytes: room for all units, written in place (a `push`
    // per unit cost a capacity check and reloads of the vectors' fields).
    let most = text.len() / 2 + 1;
    units.reserve(most);
    folded_ends.reserve(most);
    let (unit_room, end_room) = (&mut units.spare_capacity_mut()[..most], &mut folded_ends.spare_capacity_mut()[..most]);
    let mut n = 0;
    let fast = segment::scan_units(text, cats, folded, |start, end, sentence, folded_end| {
        unit_room[n].write(Unit { start, end, sentence, token: n as u32 });
        end_room[n].write(folded_end as u32);
        n += 1;
    });
    // SAFETY: both vectors were empty, and the first `n` elements of their spare capacity
    // were written above (indexing panics before anything past `most` could be).
    unsafe {
        units.set_len(n);
        folded_ends.set_len(n);
    }
    // The scan declines at `@` and `://`; `www` (any case) is in a unit, so it leaves a `w`
    // in the folded units, which are all lower case and rarely hold one. Only then is the
    // text searched (a pass over every text for `@`, `:`, `w` and `W` cost more).
    fast && !(memchr::memchr(b'w', folded.as_bytes()).is_some() && memchr_any(text.as_bytes()))
}

/// Only the tokens of `text` (no units, no sentence list, and every token's `sentence`
/// is 0): all that whole-token (glob) matching needs. `false` (and `out.tokens`
/// unspecified) when the text needs the full tokenizer: characters outside the fast
/// alphabet, `_`, or a possible URL / e-mail address (checked by the scan itself, which
/// sees every byte anyway). The tokens' ranges and kinds are those of `tokenize`.
pub fn tokenize_tokens_only(text: &str, out: &mut Tokens) -> bool {
    clear(out);
    let tokens = &mut out.tokens;
    segment::scan_tokens(text, |start, end, shape| {
        let kind = match shape {
            segment::TokenShape::Word => TokenKind::Word,
            segment::TokenShape::Number => TokenKind::Number,
            segment::TokenShape::Symbol => TokenKind::Symbol,
        };
        tokens.push(Token { start, end, kind, sentence: 0 });
    })
}

/// Fills `out.folded` / `out.folded_ends` for the units `tokenize` found (what
/// `tokenize_units` fills as it goes): the folded units, one after another.
pub fn fold_units(text: &str, out: &mut Tokens) {
    out.folded.clear();
    out.folded_ends.clear();
    for u in &out.units {
        fold_into(&text[u.start..u.end], &mut out.folded);
        out.folded_ends.push(out.folded.len() as u32);
    }
}

/// `tokenize` with unicode-segmentation only (no fast path): the reference that tests
/// compare the fast path with.
#[doc(hidden)]
pub fn tokenize_reference(text: &str, out: &mut Tokens) {
    clear(out);
    find_specials(text, &mut out.specials);
    segment_uax(text, out);
    assemble(text, out, true);
}

fn clear(out: &mut Tokens) {
    out.folded.clear();
    out.folded_ends.clear();
    out.tokens.clear();
    out.units.clear();
    out.sentences.clear();
    out.segments.clear();
    out.specials.clear();
}

/// Builds tokens and units from the word segments and the URL / e-mail spans.
fn assemble(text: &str, out: &mut Tokens, with_units: bool) {
    let Tokens { tokens, units, segments, specials, .. } = out;
    let mut special = specials.iter().peekable();
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i];
        // URL / e-mail spans swallow every segment they cover.
        // Drop spans already passed, and spans that start inside this segment (the
        // URL regex found "https" inside a longer word): the word wins.
        let last_end = tokens.last().map_or(0, |t| t.end);
        while special.peek().is_some_and(|s| s.1 <= seg.start || s.0 < last_end || (s.0 > seg.start && s.0 < seg.end)) {
            special.next();
        }
        if let Some(&&(sp_start, sp_end, kind)) = special.peek() {
            if sp_start <= seg.start && seg.start < sp_end {
                let t = tokens.len() as u32;
                tokens.push(Token { start: sp_start, end: sp_end, kind, sentence: seg.sentence });
                if with_units {
                    push_units(text, sp_start, sp_end, seg.sentence, t, units);
                }
                while i < segments.len() && segments[i].start < sp_end {
                    i += 1;
                }
                special.next();
                continue;
            }
        }
        match seg.class {
            _ if seg.start < tokens.last().map_or(0, |t| t.end) => i += 1, // inside a URL already emitted
            Class::Space => i += 1,
            Class::Hyphen | Class::Plus | Class::Other => {
                tokens.push(Token { start: seg.start, end: seg.end, kind: TokenKind::Symbol, sentence: seg.sentence });
                i += 1;
            }
            Class::Alnum => {
                // Extend over `-word`, `+-word` (LHBT+-personer) while nothing separates them.
                let mut end_idx = i;
                loop {
                    let j = end_idx + 1;
                    let link = match segments.get(j).map(|s| s.class) {
                        Some(Class::Hyphen) => 1,
                        Some(Class::Plus) if segments.get(j + 1).map(|s| s.class) == Some(Class::Hyphen) => 2,
                        _ => break,
                    };
                    match segments.get(j + link) {
                        Some(next) if next.class == Class::Alnum && next.start == segments[j + link - 1].end => {
                            end_idx = j + link;
                        }
                        _ => break,
                    }
                }
                let (start, end) = (seg.start, segments[end_idx].end);
                let word = &text[start..end];
                let alphabetic = word.bytes().any(|b| b.is_ascii_alphabetic()) || (!word.is_ascii() && word.chars().any(char::is_alphabetic));
                let kind = if alphabetic { TokenKind::Word } else { TokenKind::Number };
                let t = tokens.len() as u32;
                tokens.push(Token { start, end, kind, sentence: seg.sentence });
                if with_units {
                    push_units(text, start, end, seg.sentence, t, units);
                }
                i = end_idx + 1;
            }
        }
    }
}

/// Fills `out.sentences` and `out.segments`: the fast path for everyday characters,
/// unicode-segmentation for anything else (both give the same segments).
fn segment_text(text: &str, out: &mut Tokens) {
    let Tokens { segments, sentences, cats, .. } = out;
    let fast = segment::segment(text, cats, sentences, |start, end, sentence, alnum| {
        let class = match (alnum, text.as_bytes()[start]) {
            (true, _) => Class::Alnum,
            // Spaces and line breaks are the most common other segments.
            (false, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C) => Class::Space,
            _ => classify(&text[start..end]),
        };
        segments.push(Segment { start, end, class, sentence });
    });
    if !fast {
        segment_uax(text, out);
    }
}

/// Sentences and word segments from unicode-segmentation (UAX #29).
fn segment_uax(text: &str, out: &mut Tokens) {
    out.segments.clear();
    segment::uax_sentences(text, &mut out.sentences);
    for (si, &(sstart, send)) in out.sentences.iter().enumerate() {
        for (wstart, seg) in text[sstart..send].split_word_bound_indices() {
            out.segments.push(Segment { start: sstart + wstart, end: sstart + wstart + seg.len(), class: classify(seg), sentence: si as u32 });
        }
    }
}

/// Pushes each run of alphanumeric characters (with their combining marks) in
/// `text[start..end]` as a unit. ASCII bytes are classified without decoding.
fn push_units(text: &str, start: usize, end: usize, sentence: u32, token: u32, units: &mut Vec<Unit>) {
    let bytes = text.as_bytes();
    let mut run_start: Option<usize> = None;
    let mut i = start;
    while i < end {
        let (inside, len) = if bytes[i] < 0x80 {
            (bytes[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            (c.is_alphanumeric() || (run_start.is_some() && is_combining_mark(c)), c.len_utf8())
        };
        match (inside, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                units.push(Unit { start: s, end: i, sentence, token });
                run_start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = run_start {
        units.push(Unit { start: s, end, sentence, token });
    }
}

/// Combining marks keep a decomposed letter (a + U+030A) inside its word.
pub(crate) fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn classify(seg: &str) -> Class {
    let mut chars = seg.chars();
    let first = chars.next().unwrap_or(' ');
    if seg.chars().any(char::is_alphanumeric) {
        return Class::Alnum;
    }
    if first.is_whitespace() {
        return Class::Space;
    }
    if chars.next().is_none() {
        match first {
            '-' | '\u{2010}' | '\u{2011}' => return Class::Hyphen,
            '+' => return Class::Plus,
            _ => {}
        }
    }
    Class::Other
}

/// URLs: a literal start (`http://`, `https://`, `www.`) lets the regex skip to the
/// candidates, and the DFA needs no capture groups.
fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)(?:https?://|www\.)[^\s<>()\[\]{}]+[^\s<>()\[\]{}.,;:!?'\x22]").expect("static regex"))
}

/// E-mail addresses. Its Unicode classes are costly to build, so it is built only when
/// an answer has an `@`.
fn email_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}").expect("static regex"))
}

/// Finds URL and e-mail spans. A cheap byte check skips the regexes for most answers.
///
/// The spans are those of one regex `url | email` iterated over the text (leftmost
/// match first, the URL when both start at the same place, the search going on after
/// each match): the two regexes are searched from the same place and the earlier
/// match taken.
fn find_specials(text: &str, out: &mut Vec<(usize, usize, TokenKind)>) {
    let b = text.as_bytes();
    if !memchr_any(b) {
        return;
    }
    let may_have_email = memchr::memchr(b'@', b).is_some();
    let mut from = 0;
    while from < text.len() {
        let url = url_regex().find_at(text, from);
        let email = if may_have_email { email_regex().find_at(text, from) } else { None };
        let (m, kind) = match (url, email) {
            (Some(u), Some(e)) if e.start() < u.start() => (e, TokenKind::Email),
            (Some(u), _) => (u, TokenKind::Url),
            (None, Some(e)) => (e, TokenKind::Email),
            (None, None) => break,
        };
        from = m.end();
        // "bolighttps://..." is no URL start: the span must begin a word.
        if text[..m.start()].chars().next_back().is_some_and(char::is_alphanumeric) {
            continue;
        }
        out.push((m.start(), m.end(), kind));
    }
}

/// Whether `b` has `@`, `://` or `www` (any case): only then can it hold a URL or an
/// e-mail address. One pass that looks closer only at `@`, `:` and `w`.
fn memchr_any(b: &[u8]) -> bool {
    // memchr scans many bytes per step; `:` and `w` are rare in answers, so the closer
    // looks are few.
    memchr::memchr3_iter(b'@', b':', b'w', b).any(|i| match b[i] {
        b'@' => true,
        b':' => b[i + 1..].starts_with(b"//"),
        _ => segment::www_at(b, i),
    }) || memchr::memchr_iter(b'W', b).any(|i| segment::www_at(b, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    fn units(text: &str) -> Vec<&str> {
        let mut t = Tokens::new();
        tokenize(text, &mut t);
        t.units.iter().map(|u| &text[u.start..u.end]).collect()
    }

    fn tokens(text: &str) -> Vec<(&str, TokenKind)> {
        let mut t = Tokens::new();
        tokenize(text, &mut t);
        t.tokens.iter().map(|u| (&text[u.start..u.end], u.kind)).collect()
    }

    #[test]
    fn words_and_sentences() {
        let mut t = Tokens::new();
        tokenize("Mangel på boliger. Samarbeidet med NAV er tungt!", &mut t);
        assert_eq!(t.sentences.len(), 2);
        let words: Vec<_> = t.units.iter().map(|u| u.sentence).collect();
        assert_eq!(words, vec![0, 0, 0, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn hyphen_compounds_are_one_token_with_parts() {
        assert_eq!(tokens("NAV-kontoret")[0], ("NAV-kontoret", TokenKind::Word));
        assert_eq!(units("NAV-kontoret"), vec!["NAV", "kontoret"]);
        assert_eq!(tokens("LHBT+-personer")[0], ("LHBT+-personer", TokenKind::Word));
        assert_eq!(units("LHBT+-personer"), vec!["LHBT", "personer"]);
        assert_eq!(tokens("15-18-åringer")[0], ("15-18-åringer", TokenKind::Word));
        assert_eq!(units("15-18-åringer"), vec!["15", "18", "åringer"]);
        // A dangling hyphen ("bu- og nærmiljø") is not a compound.
        assert_eq!(units("bu- og nærmiljø"), vec!["bu", "og", "nærmiljø"]);
    }

    #[test]
    fn urls_and_emails_are_single_tokens() {
        let t = tokens("Se https://www.nav.no/flyktning, eller skriv til post@imdi.no.");
        assert!(t.contains(&("https://www.nav.no/flyktning", TokenKind::Url)));
        assert!(t.contains(&("post@imdi.no", TokenKind::Email)));
        assert!(units("les nav.no i dag").contains(&"nav"));
    }

    #[test]
    fn emoji_and_numbers_do_not_break() {
        let t = tokens("Bolig 👍🏽 kostet 12 500,50 kr 😀");
        assert!(t.iter().any(|(s, k)| *s == "12" && *k == TokenKind::Number));
        assert_eq!(units("Bolig 👍🏽 kostet"), vec!["Bolig", "kostet"]);
    }

    fn same_as_reference(text: &str) {
        let (mut a, mut b) = (Tokens::new(), Tokens::new());
        tokenize(text, &mut a);
        tokenize_reference(text, &mut b);
        assert_eq!((&a.tokens, &a.units, &a.sentences), (&b.tokens, &b.units, &b.sentences), "text: {text:?}");
    }

    #[test]
    fn fast_path_tokens_equal_the_reference() {
        for t in [
            "Se https://www.nav.no/flyktning, eller skriv til post@imdi.no. Ja.",
            "NAV-kontoret og LHBT+-personer, 15-18-åringer; bu- og nærmiljø. f.eks. NAV's",
            "«Bra.» Nei!\r\nNy linje – ok… § 6A, 12 500,50 kr. a_b _c",
        ] {
            same_as_reference(t);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn tokens_equal_the_reference_on_random_text(
            text in "([a-zA-ZæøåÆØÅé0-9]{1,8}|[ .,;:!?'\"()«»’–…\r\n\t+/@-]|https://www\\.nav\\.no/x|post@imdi\\.no|😀){0,25}"
        ) {
            same_as_reference(&text);
        }
    }

    /// Every answer of a bench corpus: `TEMA_CORPUS=/tmp/bench/corpus_200000_seed1.csv
    /// cargo test --release --lib corpus_tokens -- --ignored`.
    #[test]
    #[ignore = "needs a corpus CSV in TEMA_CORPUS"]
    fn corpus_tokens_equal_the_reference() {
        let path = std::env::var("TEMA_CORPUS").expect("TEMA_CORPUS");
        let mut rd = csv::Reader::from_path(path).expect("corpus");
        let col = rd.headers().expect("header").iter().position(|h| h == "answer").expect("answer column");
        let mut n = 0;
        let mut units_only = 0;
        for rec in rd.records() {
            let text = &rec.expect("record")[col];
            same_as_reference(text);
            units_only += units_agree(text) as usize;
            n += 1;
        }
        assert!(n > 0);
        eprintln!("{n} answers, {units_only} took the units-only path");
    }

    #[test]
    fn tokens_without_units_are_the_same_tokens() {
        let text = "Se https://www.nav.no/x og NAV-kontoret. LHBT+-personer, 15-18-åringer!";
        let (mut a, mut b) = (Tokens::new(), Tokens::new());
        tokenize(text, &mut a);
        tokenize_without_units(text, &mut b);
        assert_eq!((&a.tokens, &a.sentences), (&b.tokens, &b.sentences));
        assert!(b.units.is_empty() && !a.units.is_empty());
    }

    /// `find_specials` as it was: one regex with capture groups, as the reference.
    fn specials_reference(text: &str) -> Vec<(usize, usize, TokenKind)> {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            Regex::new(
                r"(?xi)
                (?P<url>(?:https?://|www\.)[^\s<>()\[\]{}]+[^\s<>()\[\]{}.,;:!?'\x22]) |
                (?P<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})",
            )
            .expect("regex")
        });
        let mut out = Vec::new();
        for caps in re.captures_iter(text) {
            let start = caps.get(0).map_or(0, |m| m.start());
            if text[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
                continue;
            }
            if let Some(m) = caps.name("url") {
                out.push((m.start(), m.end(), TokenKind::Url));
            } else if let Some(m) = caps.name("email") {
                out.push((m.start(), m.end(), TokenKind::Email));
            }
        }
        out
    }

    fn specials(text: &str) -> Vec<(usize, usize, TokenKind)> {
        let mut out = Vec::new();
        find_specials(text, &mut out);
        out
    }

    #[test]
    fn specials_equal_the_one_regex() {
        for t in [
            "Se https://www.nav.no/flyktning, eller skriv til post@imdi.no. Ja.",
            "x@www.nav.no www.nav.no@x.no HTTPS://A.NO/é?x=1. bolighttps://x.no a@b.no",
            "(www.husbanken.no) «https://udi.no/ukraina». ærlig@nav.no, ola.nordmann@kommune.oslo.no!",
            "https://x.no/a@b.no post@https://x.no w@www.x.no http://a http://ab",
        ] {
            assert_eq!(specials(t), specials_reference(t), "{t:?}");
            assert!(!specials(t).is_empty());
        }
    }

    fn specials_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = vec![
            "www", "WwW", "w", "http", "HTTPS", "https", "://", ":", "/", "@", ".", "no", "nav", "æøå", "é", "a", "3", "-", "_", "%", "+", " ", "’", "'", ",",
            "(", ")", "«", "?", "!", "\n", "\"", "<", "💪",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..20).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn specials_equal_the_one_regex_on_random_text(text in specials_alphabet()) {
            proptest::prop_assert_eq!(specials(&text), specials_reference(&text), "{:?}", text);
        }
    }

    /// The byte loop `memchr_any` replaced, as the reference.
    fn may_hold_url_or_email_reference(b: &[u8]) -> bool {
        b.iter().enumerate().any(|(i, &c)| match c {
            b'@' => true,
            b':' => b[i + 1..].starts_with(b"//"),
            b'w' | b'W' => b.get(i + 1..i + 3).is_some_and(|r| r.eq_ignore_ascii_case(b"ww")),
            _ => false,
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn url_pre_check_matches_the_byte_loop(text in "[a:/@wW. ]{0,12}") {
            proptest::prop_assert_eq!(memchr_any(text.as_bytes()), may_hold_url_or_email_reference(text.as_bytes()));
        }
    }

    /// `tokenize_units` gives the units of `tokenize`, and puts two units in the same
    /// sentence exactly when `tokenize` does; or it declines.
    fn units_agree(text: &str) -> bool {
        let mut fast = Tokens::new();
        if !tokenize_units(text, &mut fast) {
            return false;
        }
        let mut full = Tokens::new();
        tokenize(text, &mut full);
        let ranges = |t: &Tokens| t.units.iter().map(|u| (u.start, u.end)).collect::<Vec<_>>();
        assert_eq!(ranges(&fast), ranges(&full), "{text:?}");
        fold_units(text, &mut full);
        assert_eq!((&fast.folded, &fast.folded_ends), (&full.folded, &full.folded_ends), "{text:?}");
        for (i, (a, b)) in fast.units.iter().zip(&full.units).enumerate() {
            for (c, d) in fast.units[i + 1..].iter().zip(&full.units[i + 1..]) {
                assert_eq!(a.sentence == c.sentence, b.sentence == d.sentence, "{text:?}: {:?} / {:?}", &text[a.start..a.end], &text[c.start..c.end]);
            }
        }
        true
    }

    #[test]
    fn units_only_agree_with_tokenize() {
        for t in [
            "",
            "Mangel på boliger. Samarbeidet med NAV er tungt! tolk?",
            "f.eks. nav.no og NAV's kontor, ca. 30 kommuner. U.S.A. Ja.",
            "Hei.\r\n\r\nNy linje.  To  mellomrom. a.B. er. Ok?! «Ja.» Han sa: «nei». Kap. 6A",
            "NAV-kontoret, LHBT+-personer og 15-18-åringer; 1.000,50 kr ... ja... Nei.. ok",
            "«Sitat.» Neste setning. (Parentes.) tolk [klammer.] bolig {x.} \"q.\" 'y.' tolk",
            "Bra tilbud. 💪 Takk for hjelpa 🙂 ❤\u{FE0F}❤\u{FE0F}. 🇳🇴🇳🇴🇸 smil 😀 bolig😕tolk 👍-NAV",
            "ÆØÅ æøå é. Ære være – ja — nei … § 6A. «tolk». ‘x’ ’y",
            "tab\there\x0Bvt\x0Cff end. \u{A0}nbsp. Ja\n\nbolig",
            "3.a 3.A a.3 A.3 ... .a .A ,a ;b :c 30. 2.",
        ] {
            assert!(units_agree(t), "{t:?} should take the units-only path");
        }
        for t in ["snake_case", "https://www.nav.no/bolig", "post@nav.no", "www.bolig.no", "smil 🤷\u{200D}♀\u{FE0F} bolig", "👍\u{1F3FD}", "Україна"]
        {
            assert!(!units_agree(t), "{t:?} needs the full tokenizer");
        }
    }

    fn words_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = vec![
            "bolig", "NAV", "Tolk", "ca", "f", "eks", "30", "6A", "æøå", "Ære", "é", " ", " ", " ", ".", ". ", "! ", "?", ",", ";", ":", "-", "+", "'", "’",
            "\"", "«", "»", "(", ")", "\n", "\r\n", "\t", "\u{A0}", "…", "–", "/", "#", "§", "  ",
        ];
        // Rarely, pieces of URLs and e-mail addresses (the scan declines those texts).
        let url_bits = ["w", "W", "ww", "@", ":", "//", "https", "nav.no", "x@y.no"];
        let piece = proptest::prop_oneof![10 => proptest::sample::select(pieces), 1 => proptest::sample::select(url_bits.to_vec())];
        proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn units_only_agree_on_random_text(text in words_alphabet()) {
            let url_free = !memchr_any(text.as_bytes());
            proptest::prop_assert_eq!(units_agree(&text), url_free, "{:?}: units-only exactly when no URL/e-mail is possible", text);
        }

        #[test]
        fn units_only_agree_or_decline_on_any_text(text in "\\PC{0,40}") {
            units_agree(&text);
        }
    }

    /// Runs of 0 to 20 ASCII letters and digits (any case), cut by the characters that end
    /// or continue a unit, after a prefix of 0 to 7 bytes: every alignment of the 8-byte
    /// scan, every end of a run inside or at the end of a chunk, and the text's end.
    fn ascii_runs_alphabet() -> impl Strategy<Value = String> {
        let alnum: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').collect();
        let run = proptest::collection::vec(proptest::sample::select(alnum), 0..=20).prop_map(|v| v.into_iter().collect::<String>());
        let cuts: Vec<&str> = vec![
            " ", " ", " ", ". ", ".", ",", "-", "'", "!", "?", "\n", "\t", "\u{A0}", "æ", "ø", "å", "Æ", "Ø", "Å", "é", "ß", "ÿ", "«", "»", "…", "–", "💪", "🇳🇴",
            "❤\u{FE0F}", "_", "@", "[", "`", "{", "/", ":", "\x7F", "\0",
        ];
        let piece = proptest::prop_oneof![3 => run, 2 => proptest::sample::select(cuts).prop_map(str::to_string)];
        let prefix = proptest::collection::vec(proptest::sample::select(vec!["a", "Q", "7", " ", "é"]), 0..8).prop_map(|v| v.concat());
        (prefix, proptest::collection::vec(piece, 0..12)).prop_map(|(p, v)| p + &v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6000))]
        /// The 8-byte scan of ASCII runs: units, folds and sentences as `tokenize` gives
        /// them; declined exactly on `_` (UAX #29 joins it to letters) and URL look-alikes.
        #[test]
        fn units_only_agree_on_ascii_runs_at_every_alignment(text in ascii_runs_alphabet()) {
            let expected = !text.contains('_') && !memchr_any(text.as_bytes());
            proptest::prop_assert_eq!(units_agree(&text), expected, "{:?}", text);
        }
    }

    /// Every Latin-1 letter (folded by table), marks and spaces, in
    /// and between units, before and after terminators (the sentence check looks back to
    /// the previous unit's last character, which may be one of them).
    fn latin1_alphabet() -> impl Strategy<Value = String> {
        // `×` and `÷` are outside the fast alphabet (the scan declines them).
        let latin1 = ('\u{C0}'..='\u{FF}').filter(|c| !matches!(c, '×' | '÷'));
        let mut pieces: Vec<String> = latin1.chain(['\u{A0}', '«', '»', '§']).map(String::from).collect();
        pieces.extend(["bolig", "NAV", "a", "7", " ", " ", ". ", "! ", "? ", ".", "\n", "» ", "’", "-"].map(String::from));
        proptest::collection::vec(proptest::sample::select(pieces), 0..24).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn units_only_agree_on_latin1_text(text in latin1_alphabet()) {
            proptest::prop_assert!(units_agree(&text), "{:?} should take the units-only path", text);
        }
    }

    /// The scan declines at `@` and `://` itself and leaves `www` to `tokenize_units`, in
    /// any case and wherever it stands in a unit.
    #[test]
    fn units_only_decline_at_urls_and_email_addresses() {
        for t in ["a@b", "@", "x://", "nav.no://x", "www", "WwW", "awwwb", "blå wwW.nav.no", "ÆwwWø", "12345678www", "1234567 Www"] {
            assert!(memchr_any(t.as_bytes()), "{t:?}");
            assert!(!units_agree(t), "{t:?}");
        }
        for t in ["w", "ww w", "kl: 10", "a:/b", "wow ww", "Wæw"] {
            assert!(!memchr_any(t.as_bytes()), "{t:?}");
            assert!(units_agree(t), "{t:?}");
        }
    }

    /// `tokenize_tokens_only` gives the token ranges and kinds of `tokenize`, or declines.
    fn tokens_only_agree(text: &str) -> bool {
        let mut fast = Tokens::new();
        if !tokenize_tokens_only(text, &mut fast) {
            return false;
        }
        let mut full = Tokens::new();
        tokenize(text, &mut full);
        let shape = |t: &Tokens| t.tokens.iter().map(|t| (t.start, t.end, t.kind)).collect::<Vec<_>>();
        assert_eq!(shape(&fast), shape(&full), "{text:?}");
        assert!(fast.units.is_empty() && fast.sentences.is_empty());
        true
    }

    #[test]
    fn tokens_only_agree_with_tokenize() {
        for t in [
            "",
            "Mangel på boliger. Samarbeidet med NAV er tungt! tolk?",
            "f.eks. nav.no og NAV's kontor, ca. 30 kommuner. U.S.A. Ja. a.3 3.a 3.A A.3",
            "NAV-kontoret, LHBT+-personer og 15-18-åringer; 1.000,50 kr ... ja... Nei.. ok",
            "bu- og nærmiljø -bolig a-.b a.-b a+b a+-+b +-a 3-a.b 12-14 a--b a-'b x’y 3’4 3'a a:b 3:4 a,b 3,4 3;4 a;b",
            "«Sitat.» Neste setning. (Parentes.) [klammer.] {x.} \"q.\" 'y.' ‘x’ ’y § 6A – ja — nei …",
            "tab\there\x0Bvt\x0Cff end. \u{A0}nbsp. Ja\r\n\r\nbolig \x00\x1F ÆØÅ æøå é ÿ",
            "Bra tilbud. 💪 Takk for hjelpa 🙂 ❤\u{FE0F}❤\u{FE0F}. 🇳🇴🇳🇴🇸 smil 😀 bolig😕tolk 👍-NAV a-🤷",
        ] {
            assert!(tokens_only_agree(t), "{t:?} should take the tokens-only path");
        }
        for t in
            ["snake_case", "a_", "https://www.nav.no/bolig", "post@nav.no", "www.bolig.no", "smil 🤷\u{200D}♀\u{FE0F} bolig", "👍\u{1F3FD}", "Україна", "×"]
        {
            assert!(!tokens_only_agree(t), "{t:?} needs the full tokenizer");
        }
        // Possible URLs: declined exactly where `tokenize` may find one.
        for t in ["a@", "x://", "WwW", "(www", "a-www", "a.www", "a’www", "a+-www", "1,www"] {
            assert!(!tokens_only_agree(t), "{t:?} needs the full tokenizer");
        }
        for t in ["awwwb", "http:/x", "nav:no", "a:b", "ww w", "wwå", "3www"] {
            assert!(tokens_only_agree(t), "{t:?} should take the tokens-only path");
        }
    }

    fn url_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = vec![
            "www", "WwW", "w", "W", "http", "https", "://", ":", "/", "//", "@", ".", "no", "nav", "a", "3", "æ", "-", "+", " ", "’", "'", ",", "(", ")", "«",
            "?", "!", "%", "\n",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..16).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn tokens_only_agree_on_random_text(text in words_alphabet()) {
            // The alphabet has `:` and `/`, so `://` (a possible URL) can occur.
            let url = memchr_any(text.as_bytes());
            proptest::prop_assert!(tokens_only_agree(&text) || url, "{:?} should take the tokens-only path", text);
        }

        /// Single characters of the fast alphabet (and a few outside it), so that every
        /// joining mark meets letters, digits and other marks on both sides.
        #[test]
        fn tokens_only_agree_on_random_characters(
            text in "[aZæØé09 .,;:'’‘\"!?()«»“„–—…§+/#\t\r\n\u{A0}\x0B\x00-]{0,40}"
        ) {
            let url = memchr_any(text.as_bytes());
            proptest::prop_assert!(tokens_only_agree(&text) || url, "{:?} should take the tokens-only path", text);
        }

        /// URL and e-mail look-alikes: the scan declines or agrees with `tokenize`, whose
        /// tokens then hold no URL or e-mail address.
        #[test]
        fn tokens_only_agree_or_decline_on_url_like_text(text in url_alphabet()) {
            tokens_only_agree(&text);
        }

        #[test]
        fn tokens_only_agree_or_decline_on_any_text(text in "\\PC{0,40}") {
            tokens_only_agree(&text);
        }
    }

    fn emoji_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = vec![
            "bolig",
            "NAV",
            "Tolk",
            "æøå",
            "Ære",
            "30",
            "f",
            "eks",
            " ",
            " ",
            " ",
            ". ",
            "! ",
            "?",
            ".",
            ",",
            "-",
            "+",
            "'",
            "’",
            "«",
            "»",
            ")",
            "\n",
            "\u{A0}",
            "…",
            "💪",
            "🙂",
            "❤",
            "\u{FE0F}",
            "🤷",
            "😕",
            "👍",
            "🇳",
            "🇴",
            "🇳🇴",
            "\u{200D}",
            "\u{1F3FD}",
            "♀",
            "☺",
            "✅",
            "🫶",
        ];
        let url_bits = ["https://www.nav.no/x", "www.udi.no", "post@imdi.no", "://", "@"];
        let piece = proptest::prop_oneof![12 => proptest::sample::select(pieces), 1 => proptest::sample::select(url_bits.to_vec())];
        proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    /// No ZWJ, skin tone or stray variation selector (U+FE0F only right after a
    /// pictograph, or after another one there): the scans' alphabet.
    fn emoji_the_scans_know(text: &str) -> bool {
        let mut prev = ' ';
        text.chars().all(|c| {
            let ok = match c {
                '\u{FE0F}' => matches!(prev, '💪' | '🙂' | '❤' | '🤷' | '😕' | '👍' | '♀' | '☺' | '✅' | '🫶' | '\u{FE0F}'),
                '\u{200D}' | '\u{1F3FD}' => false,
                _ => true,
            };
            prev = c;
            ok
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Emoji, variation selectors, ZWJ, skin tones, flags and URLs among Norwegian
        /// words: all three paths agree with the reference, and the scans decline the
        /// texts with a URL / e-mail look-alike and exactly those with an emoji sequence
        /// they leave to unicode-segmentation.
        #[test]
        fn emoji_among_words_agree_on_every_path(text in emoji_alphabet()) {
            same_as_reference(&text);
            let (emoji_known, url_free) = (emoji_the_scans_know(&text), !memchr_any(text.as_bytes()));
            proptest::prop_assert_eq!(units_agree(&text), emoji_known && url_free, "{:?}: units-only path", text);
            // The tokens-only scan looks closer at `www` (not after a letter) itself.
            let tokens_only = tokens_only_agree(&text);
            proptest::prop_assert!(if url_free { tokens_only == emoji_known } else { !tokens_only || emoji_known }, "{:?}: tokens-only path", text);
        }
    }

    /// Every answer of a bench corpus: `TEMA_CORPUS=/tmp/bench/corpus_200000_seed1.csv
    /// cargo test --release --lib corpus_tokens_only -- --ignored`.
    #[test]
    #[ignore = "needs a corpus CSV in TEMA_CORPUS"]
    fn corpus_tokens_only_equal_tokenize() {
        let path = std::env::var("TEMA_CORPUS").expect("TEMA_CORPUS");
        let mut rd = csv::Reader::from_path(path).expect("corpus");
        let col = rd.headers().expect("header").iter().position(|h| h == "answer").expect("answer column");
        let (mut n, mut fast) = (0, 0);
        for rec in rd.records() {
            fast += tokens_only_agree(&rec.expect("record")[col]) as usize;
            n += 1;
        }
        assert!(n > 0);
        eprintln!("{n} answers, {fast} took the tokens-only path");
    }

    #[test]
    fn decomposed_letters_stay_inside_the_word() {
        assert_eq!(units("bla\u{030A} bolig"), vec!["bla\u{030A}", "bolig"]);
    }
}
