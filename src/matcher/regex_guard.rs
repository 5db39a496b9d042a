//! A cheap test that rules regex rules out before they run.
//!
//! Running every regex rule over every answer cost about a fifth of coding an answer,
//! although a rule like `(ved|når|…)\s+…(bosetter|busett|…)…` can only match where one
//! of its `bosett…` words occurs. So each regex gets the set of literals one of which
//! any match must contain (found by walking the regex's syntax tree), searched for as
//! one ASCII case-insensitive alternation of plain literals (which the regex crate runs
//! as a fast literal search), and a regex runs only on answers where one is found. A
//! regex without a useful literal set always runs. The test only ever skips a regex that cannot match, so results are the
//! same as running every regex (checked against that in the tests).
//!
//! Case-insensitive classes hold more than ASCII: `(?i)k` is `[Kk\u{212A}]` (Kelvin
//! sign), `(?i)s` is `[Ss\u{17F}]` (long s). Such a class counts as its ASCII letter
//! here, and an answer that contains one of those extra characters runs every regex.
//!
//! Where a guarded regex does run, it runs only on *windows* of the answer
//! ([`RegexGuard::find_iter`]): every match holds one of the literals and consists of
//! characters the regex can match at all (its alphabet), so it lies inside the stretch
//! of alphabet characters around a found literal. The search still sees the whole
//! answer around the window (`\b`, `$` look outside it), so the matches are those of
//! `find_iter` over the whole answer. A regex with Unicode `\b` cannot use the fast
//! lazy DFA on text with `æøå`, and its fall-back engine costs time in proportion to
//! the text searched: a window of a few words instead of the answer.

use regex::bytes::Regex;
use regex_automata::{meta, Input};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this are too common to be worth a guard.
const MIN_LITERAL: usize = 3;

#[derive(Debug)]
pub struct RegexGuard {
    /// Per regex: a search for its literals, or `None` (it always runs). One search per
    /// regex rather than one for all: `is_match` on a literal set is a fast scan, while
    /// finding *which* of many literals occur needs an overlapping search (a literal of
    /// one regex can hide inside another's), measured 8x slower here.
    guards: Vec<Option<LiteralSearch>>,
    /// Characters that stand for an ASCII letter in some guard (see the module docs).
    bypass: Vec<char>,
    /// The same test on word units: the longest run of letters and digits of each
    /// literal (a "piece"). Where the text holds a literal, it holds the literal's
    /// pieces inside its units, folded or not (folding keeps ASCII letters, lowered, in
    /// order). `unit_masks[i]`: bits of regex `i`'s pieces, `None` if it has none to use.
    pieces: Vec<Vec<u8>>,
    unit_masks: Vec<Option<u64>>,
    /// Per regex: how to search it in windows, if it has a guard, never matches the
    /// empty string and its alphabet could be read off its syntax tree.
    windowed: Vec<Option<Windowed>>,
}

/// What searching a regex in windows needs.
#[derive(Debug)]
struct Windowed {
    /// The characters its matches can hold.
    alphabet: Alphabet,
    /// The fewest bytes a match has (at least 1).
    min_len: usize,
}

/// A search for a regex's literals, built when first needed: answers that the units-only
/// scan accepts are checked by their units' bits instead, so most runs never build it
/// (it was a quarter of the regexes' share of start-up).
#[derive(Debug)]
struct LiteralSearch {
    pattern: String,
    built: std::sync::OnceLock<Regex>,
}

impl LiteralSearch {
    fn is_match(&self, text: &[u8]) -> bool {
        self.built.get_or_init(|| Regex::new(&self.pattern).expect("escaped literals form a valid regex")).is_match(text)
    }
}

/// The characters a regex can match (`Hir` literals and classes; assertions match no
/// character).
#[derive(Debug)]
struct Alphabet {
    ascii: [bool; 128],
    /// Non-ASCII ranges, sorted, not overlapping.
    other: Vec<(char, char)>,
}

impl Alphabet {
    /// `None` where `hir` can match bytes outside UTF-8 (not in the rules' regexes).
    fn of(hir: &Hir) -> Option<Alphabet> {
        let mut a = Alphabet { ascii: [false; 128], other: Vec::new() };
        a.add(hir)?;
        a.other.sort_unstable();
        let mut merged: Vec<(char, char)> = Vec::with_capacity(a.other.len());
        for (lo, hi) in a.other.drain(..) {
            match merged.last_mut() {
                Some(last) if lo as u32 <= last.1 as u32 + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        a.other = merged;
        Some(a)
    }

    fn add(&mut self, hir: &Hir) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => std::str::from_utf8(&lit.0).ok()?.chars().for_each(|c| self.add_range(c, c)),
            HirKind::Class(Class::Unicode(class)) => class.ranges().iter().for_each(|r| self.add_range(r.start(), r.end())),
            HirKind::Class(Class::Bytes(class)) => {
                for r in class.ranges() {
                    if !r.end().is_ascii() {
                        return None;
                    }
                    self.add_range(r.start() as char, r.end() as char);
                }
            }
            HirKind::Repetition(rep) => self.add(&rep.sub)?,
            HirKind::Capture(cap) => self.add(&cap.sub)?,
            HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().try_for_each(|p| self.add(p))?,
        }
        Some(())
    }

    fn add_range(&mut self, lo: char, hi: char) {
        for c in lo..=hi.min('\x7f') {
            self.ascii[c as usize] = true;
        }
        if hi as u32 >= 0x80 {
            self.other.push((lo.max('\u{80}'), hi));
        }
    }

    fn contains(&self, c: char) -> bool {
        match self.ascii.get(c as usize) {
            Some(&yes) => yes,
            // The first range that does not end before `c`.
            None => self.other.get(self.other.partition_point(|&(_, hi)| hi < c)).is_some_and(|&(lo, _)| lo <= c),
        }
    }
}

impl RegexGuard {
    /// Guards for `patterns` (regex sources that compile with `regex::Regex::new`).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut guards = Vec::new();
        let mut bypass = Vec::new();
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut unit_masks = Vec::new();
        let mut windowed = Vec::new();
        for src in patterns {
            let mut extra = Vec::new();
            let hir = regex_syntax::parse(src).ok();
            let lits = hir.as_ref().and_then(|hir| required(hir, &mut extra));
            let lits = lits.filter(|lits| lits.iter().all(|l| l.len() >= MIN_LITERAL));
            windowed.push(hir.as_ref().filter(|_| lits.is_some()).and_then(|hir| {
                let min_len = hir.properties().minimum_len().filter(|&n| n > 0)?;
                Some(Windowed { alphabet: Alphabet::of(hir)?, min_len })
            }));
            unit_masks.push(lits.as_ref().and_then(|lits| {
                let mut mask = 0u64;
                for lit in lits {
                    let piece = lit.split(|b| !b.is_ascii_alphanumeric()).max_by_key(|p| p.len()).unwrap_or_default();
                    if piece.len() < MIN_LITERAL {
                        return None;
                    }
                    let bit = match pieces.iter().position(|p| p == piece) {
                        Some(bit) => bit,
                        None if pieces.len() < 64 => {
                            pieces.push(piece.to_vec());
                            pieces.len() - 1
                        }
                        None => return None,
                    };
                    mask |= 1 << bit;
                }
                Some(mask)
            }));
            let guard = lits.map(|lits| {
                bypass.extend(extra);
                let alternatives: Vec<String> = lits.iter().map(|l| regex::escape(std::str::from_utf8(l).expect("ASCII"))).collect();
                // `-u`: ASCII-only case folding, like the literals.
                LiteralSearch { pattern: format!("(?i-u:{})", alternatives.join("|")), built: std::sync::OnceLock::new() }
            });
            guards.push(guard);
        }
        bypass.sort_unstable();
        bypass.dedup();
        RegexGuard { guards, bypass, pieces, unit_masks, windowed }
    }

    /// Calls `found(start, end)` for each match of regex `i` (`re`, built from the
    /// `i`th pattern) in `text`, in order: those of `re.find_iter(text)`, empty ones
    /// left out. Searches only the windows around the regex's literals where it can
    /// (see the module docs): `units` are the text's units with their `unit_bits`
    /// (those with none may be left out), when the text is one `candidates_from_units`
    /// may be used on; `None` searches the whole text. `windows` is scratch space.
    pub fn find_iter(&self, i: usize, re: &meta::Regex, text: &str, units: Option<&[(usize, usize, u64)]>, windows: &mut Vec<(usize, usize)>, mut found: impl FnMut(usize, usize)) {
        let (Some(units), Some(Some(Windowed { alphabet, min_len })), Some(&Some(mask))) = (units, self.windowed.get(i), self.unit_masks.get(i)) else {
            for m in re.find_iter(text) {
                if !m.is_empty() {
                    found(m.start(), m.end());
                }
            }
            return;
        };
        windows.clear();
        // Every match holds one of the literals, so an ASCII-case-insensitive
        // occurrence of its piece inside a unit whose bits show it; the rest of the
        // match is alphabet characters. So the piece, widened by the alphabet characters
        // on both sides, holds the match. (Folding may have made a piece of the unit
        // that the text does not hold, like `aa` from `å`: then no match needs it.)
        let bytes = text.as_bytes();
        for &(unit_start, unit_end, bits) in units {
            let mut here = bits & mask;
            while here != 0 {
                let piece = &self.pieces[here.trailing_zeros() as usize];
                here &= here - 1;
                for at in unit_start..(unit_end + 1).saturating_sub(piece.len()) {
                    if !bytes[at..at + piece.len()].eq_ignore_ascii_case(piece) {
                        continue;
                    }
                    let mut start = at;
                    while let Some(c) = text[..start].chars().next_back().filter(|&c| alphabet.contains(c)) {
                        start -= c.len_utf8();
                    }
                    let mut end = at + piece.len();
                    while let Some(c) = text[end..].chars().next().filter(|&c| alphabet.contains(c)) {
                        end += c.len_utf8();
                    }
                    if end - start >= *min_len {
                        windows.push((start, end));
                    }
                }
            }
        }
        // In text order, overlapping ones merged.
        windows.sort_unstable();
        let mut kept = 0;
        for k in 0..windows.len() {
            if kept > 0 && windows[k].0 <= windows[kept - 1].1 {
                windows[kept - 1].1 = windows[kept - 1].1.max(windows[k].1);
            } else {
                windows[kept] = windows[k];
                kept += 1;
            }
        }
        windows.truncate(kept);
        for &(start, end) in windows.iter() {
            let mut at = start;
            // Matches are never empty (see `windowed`), so `at` moves on.
            while let Some(m) = re.search(&Input::new(text).span(at..end)) {
                found(m.start(), m.end());
                at = m.end();
            }
        }
    }

    /// Bits of the pieces that occur in one folded unit (see `unit_masks`).
    pub fn unit_bits(&self, folded_unit: &str) -> u64 {
        let unit = folded_unit.as_bytes();
        self.pieces.iter().enumerate().filter(|(_, p)| unit.len() >= p.len() && memchr::memmem::find(unit, p).is_some()).fold(0, |bits, (i, _)| bits | 1 << i)
    }

    /// `candidates` for text whose units, all of them, are known: `unit_bits` is the OR
    /// of their `unit_bits`. Valid only when the units are the text's maximal runs of
    /// letters and digits and the text has no `bypass` character (both hold for what
    /// the units-only scan accepts; the others use `candidates`).
    pub fn candidates_from_units(&self, text: &str, unit_bits: u64, run: &mut Vec<bool>) {
        run.clear();
        run.extend(self.guards.iter().zip(&self.unit_masks).map(|(g, mask)| match mask {
            Some(mask) => unit_bits & mask != 0,
            None => g.as_ref().is_none_or(|re| re.is_match(text.as_bytes())),
        }));
    }

    /// Sets `run[i]` to whether regex `i` can match `text`.
    pub fn candidates(&self, text: &str, run: &mut Vec<bool>) {
        run.clear();
        let all = !text.is_ascii() && self.bypass.iter().any(|&c| text.contains(c));
        run.extend(self.guards.iter().map(|g| all || g.as_ref().is_none_or(|re| re.is_match(text.as_bytes()))));
    }

    /// Number of regexes that have a guard (for tests).
    #[cfg(test)]
    pub fn guarded(&self) -> usize {
        self.guards.iter().filter(|g| g.is_some()).count()
    }
}

/// A set of lower-case ASCII literals, one of which every match of `hir` contains; `None`
/// if there is no such set. Non-ASCII members of case-insensitive letter classes go to
/// `extra`.
fn required(hir: &Hir, extra: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let b = &lit.0;
            b.is_ascii().then(|| vec![b.to_ascii_lowercase()])
        }
        HirKind::Class(_) => ascii_letter(hir, extra).map(|c| vec![vec![c]]),
        HirKind::Capture(cap) => required(&cap.sub, extra),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub, extra),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(required(alt, extra)?);
            }
            all.sort_unstable();
            all.dedup();
            Some(all)
        }
        HirKind::Concat(parts) => {
            // Runs of single characters make literals (zero-width assertions inside a
            // run are skipped: the characters around them are still adjacent); any other
            // part may give a set of its own. The set with the longest shortest literal
            // wins.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let consider = |set: Option<Vec<Vec<u8>>>, best: &mut Option<Vec<Vec<u8>>>| {
                if let Some(set) = set {
                    if best.as_ref().is_none_or(|b| score(&set) > score(b)) {
                        *best = Some(set);
                    }
                }
            };
            let mut run: Vec<u8> = Vec::new();
            for part in parts {
                if let Some(chars) = ascii_chars(part, extra) {
                    run.extend(chars);
                    continue;
                }
                if matches!(part.kind(), HirKind::Look(_)) {
                    continue;
                }
                if !run.is_empty() {
                    consider(Some(vec![std::mem::take(&mut run)]), &mut best);
                }
                consider(required(part, extra), &mut best);
            }
            if !run.is_empty() {
                consider(Some(vec![run]), &mut best);
            }
            best
        }
        _ => None,
    }
}

/// Longer shortest literal first, then fewer literals.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    (set.iter().map(Vec::len).min().unwrap_or(0), std::cmp::Reverse(set.len()))
}

/// The lower-case ASCII characters `hir` matches in sequence, if it is a literal of
/// ASCII characters or a one-letter class.
fn ascii_chars(hir: &Hir, extra: &mut Vec<char>) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) if lit.0.is_ascii() => Some(lit.0.to_ascii_lowercase()),
        HirKind::Class(_) => ascii_letter(hir, extra).map(|c| vec![c]),
        _ => None,
    }
}

/// The ASCII character of a class that holds one ASCII character in either case (and
/// perhaps non-ASCII characters, which go to `extra`): `[Kk\u{212A}]` -> `k`.
fn ascii_letter(hir: &Hir, extra: &mut Vec<char>) -> Option<u8> {
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else { return None };
    let mut chars = Vec::new();
    for r in class.ranges() {
        if (r.end() as u32 - r.start() as u32) > 4 || chars.len() > 4 {
            return None;
        }
        chars.extend(r.start()..=r.end());
    }
    let mut ascii = chars.iter().filter(|c| c.is_ascii()).map(|c| c.to_ascii_lowercase() as u8);
    let first = ascii.next()?;
    if !ascii.all(|c| c == first) {
        return None;
    }
    extra.extend(chars.iter().filter(|c| !c.is_ascii()));
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    fn lits(src: &str) -> Option<Vec<String>> {
        let mut extra = Vec::new();
        required(&regex_syntax::parse(src).unwrap(), &mut extra).map(|v| v.into_iter().map(|l| String::from_utf8(l).unwrap()).collect())
    }

    #[test]
    fn finds_the_literals_every_match_needs() {
        assert_eq!(lits(r"(?i)\btolkeportalen\.no\b").unwrap(), ["tolkeportalen.no"]);
        // regex-syntax lifts the common prefix: kap(?:ittel|)
        assert_eq!(lits(r"(?i)\b(?:kapittel|kap\.?)\s*6\s?A\b").unwrap(), ["kap"]);
        assert_eq!(lits(r"(?i)\bhelse-?\s+og\s+omsorgs(sjef|leiar|leder|direktør|direktor)\w*").unwrap(), ["omsorgs"]);
        let bosett = lits(r"(?i)\b(ved|når|da)\s+((vi|de)\s+)?(bosetter|busett|bosatte)(en|a)?\s*([.!?;:,]|$)").unwrap();
        // The common `b` is lifted out of the alternation; the rest still makes a guard.
        assert_eq!(bosett, ["osatte", "osetter", "usett"]);
        // Nothing every match needs: optional parts, classes, a short alternative.
        assert_eq!(lits(r"(?i)(bolig)?\w+"), None);
        assert_eq!(lits(r"[a-z]+"), None);
        assert_eq!(lits(r"tolk|x").unwrap(), ["tolk", "x"]);
    }

    #[test]
    fn short_literals_give_no_guard() {
        let g = RegexGuard::new([r"tolk|x", r"(?i)\bkap\.?\s*6", r"\w+"]);
        assert_eq!(g.guards.iter().map(Option::is_some).collect::<Vec<_>>(), [false, true, false]);
        assert_eq!(g.guarded(), 1);
    }

    const RULES: [&str; 6] = [
        r"(?i)\btolkeportalen\.no\b",
        r"(?i)\b(ved|når|naar|da|før|etter)\s+((vi|me|dei|de|kommunen)\s+)?(bosetter|bosettes|busett|bosatte|busette|bosetting)(en|a)?\s*([.!?;:,]|$)",
        r"(?i)\bhelse-?\s+og\s+omsorgs(sjef|leiar|leder|direktør|direktor)\w*",
        r"(?i)\b(?:kapittel|kap\.?)\s*6\s?A\b",
        r"abc",
        r"bcd",
    ];

    fn agrees(text: &str) {
        static COMPILED: std::sync::OnceLock<(RegexGuard, Vec<Regex>)> = std::sync::OnceLock::new();
        let (guard, regexes) = COMPILED.get_or_init(|| (RegexGuard::new(RULES), RULES.iter().map(|r| Regex::new(r).unwrap()).collect()));
        assert_eq!(guard.guarded(), RULES.len(), "every rule here has a guard, so the test tests them");
        let mut run = Vec::new();
        guard.candidates(text, &mut run);
        // The unit path, where the units-only scan accepts the text.
        let mut tokens = crate::text::Tokens::new();
        let by_units = crate::text::tokenize_units(text, &mut tokens).then(|| {
            let bits = (0..tokens.units.len()).fold(0, |b, i| b | guard.unit_bits(tokens.folded_unit(i)));
            let mut run = Vec::new();
            guard.candidates_from_units(text, bits, &mut run);
            run
        });
        for (i, re) in regexes.iter().enumerate() {
            if re.is_match(text) {
                assert!(run[i], "{re} matches {text:?} but was ruled out");
                if let Some(by_units) = &by_units {
                    assert!(by_units[i], "{re} matches {text:?} but the units ruled it out");
                }
            }
        }
        // Searching only the windows around the units' pieces finds every match that a
        // search of the whole text finds, and no other.
        static META: std::sync::OnceLock<Vec<meta::Regex>> = std::sync::OnceLock::new();
        let metas = META.get_or_init(|| RULES.iter().map(|r| meta::Regex::new(r).unwrap()).collect());
        let units = match by_units {
            Some(_) => guard_units(guard, &tokens),
            None => Vec::new(),
        };
        for (i, (re, meta_re)) in regexes.iter().zip(metas).enumerate() {
            let whole: Vec<(usize, usize)> = re.find_iter(text).filter(|m| !m.is_empty()).map(|m| (m.start(), m.end())).collect();
            for units in [None, by_units.as_ref().map(|_| &units[..])] {
                let mut got = Vec::new();
                guard.find_iter(i, meta_re, text, units, &mut Vec::new(), |s, e| got.push((s, e)));
                assert_eq!(got, whole, "{re} on {text:?}, by units: {}", units.is_some());
            }
        }
    }

    /// The units of tokens from `tokenize_units` that have guard bits, as the matcher
    /// gives them to `find_iter`.
    fn guard_units(guard: &RegexGuard, tokens: &crate::text::Tokens) -> Vec<(usize, usize, u64)> {
        (0..tokens.units.len())
            .map(|k| (tokens.units[k].start, tokens.units[k].end, guard.unit_bits(tokens.folded_unit(k))))
            .filter(|u| u.2 != 0)
            .collect()
    }

    #[test]
    fn windows_are_used_and_narrow() {
        let guard = RegexGuard::new(RULES);
        assert!(guard.windowed.iter().all(Option::is_some), "every rule here gets windows");
        let text = "Mange svarte at kapasiteten er for liten, og ved bosetting. Kap 6A gjeld.";
        let mut tokens = crate::text::Tokens::new();
        assert!(crate::text::tokenize_units(text, &mut tokens));
        let units = guard_units(&guard, &tokens);
        let mut windows = Vec::new();
        let re = meta::Regex::new(RULES[1]).unwrap();
        let mut got = Vec::new();
        guard.find_iter(1, &re, text, Some(&units), &mut windows, |s, e| got.push(&text[s..e]));
        assert_eq!(got, ["ved bosetting."]);
        assert_eq!(windows.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(), ["iten, og ved bosetting. Ka"], "the stretch of the regex's characters (no l, no p)");
        let re = meta::Regex::new(RULES[3]).unwrap();
        got.clear();
        guard.find_iter(3, &re, text, Some(&units), &mut windows, |s, e| got.push(&text[s..e]));
        assert_eq!(got, ["Kap 6A"]);
        assert_eq!(windows.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(), ["te at kapa", ". Kap 6A "]);
        // "kapa" of "(kapasitet)" is shorter than any match: not searched.
        let text = "(kapasitet)";
        assert!(crate::text::tokenize_units(text, &mut tokens));
        let units = [(1, 10, guard.unit_bits(tokens.folded_unit(0)))];
        guard.find_iter(3, &re, text, Some(&units), &mut windows, |_, _| panic!("no match"));
        assert!(windows.is_empty());
    }

    #[test]
    fn never_rules_out_a_match() {
        for t in [
            "Se Tolkeportalen.no for mer",
            "TOLKEPORTALEN.NO",
            "ved bosetting.",
            "Når vi BOSETTER.",
            "etter kommunen busett",
            "helse og omsorgssjefen",
            "Helse- og Omsorgsleder",
            "kap. 6A og Kapittel 6 A",
            // Long s and the Kelvin sign are case variants of s and k under (?i).
            "ved boſetting.",
            "\u{212A}ap 6A",
            "abcd",
        ] {
            agrees(t);
        }
    }

    fn pieces() -> impl Strategy<Value = String> {
        let p = vec![
            "ved", "Når", "da", "etter", " ", "  ", "vi", "kommunen", "bosett", "BOSETTER", "busett", "er", "ing", "en", "a", ".", ",", "\n", "helse", "-",
            "og", "omsorgs", "sjef", "ø", "kap", "Kapittel", "6", "A", "tolkeportalen", ".no", "ſ", "\u{212A}", "ab", "cd", "x", "é", "æ", "å", "K",
        ];
        proptest::collection::vec(proptest::sample::select(p), 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn never_rules_out_a_match_on_random_text(text in pieces()) {
            agrees(&text);
        }
    }
}
