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

use regex::bytes::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this are too common to be worth a guard.
const MIN_LITERAL: usize = 3;

#[derive(Debug)]
pub struct RegexGuard {
    /// Per regex: a search for its literals, or `None` (it always runs). One search per
    /// regex rather than one for all: `is_match` on a literal set is a fast scan, while
    /// finding *which* of many literals occur needs an overlapping search (a literal of
    /// one regex can hide inside another's), measured 8x slower here.
    guards: Vec<Option<Regex>>,
    /// Characters that stand for an ASCII letter in some guard (see the module docs).
    bypass: Vec<char>,
    /// The same test on word units: the longest run of letters and digits of each
    /// literal (a "piece"). Where the text holds a literal, it holds the literal's
    /// pieces inside its units, folded or not (folding keeps ASCII letters, lowered, in
    /// order). `unit_masks[i]`: bits of regex `i`'s pieces, `None` if it has none to use.
    pieces: Vec<Vec<u8>>,
    unit_masks: Vec<Option<u64>>,
}

impl RegexGuard {
    /// Guards for `patterns` (regex sources that compile with `regex::Regex::new`).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut guards = Vec::new();
        let mut bypass = Vec::new();
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut unit_masks = Vec::new();
        for src in patterns {
            let mut extra = Vec::new();
            let lits = regex_syntax::parse(src).ok().and_then(|hir| required(&hir, &mut extra));
            let lits = lits.filter(|lits| lits.iter().all(|l| l.len() >= MIN_LITERAL));
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
                Regex::new(&format!("(?i-u:{})", alternatives.join("|"))).expect("escaped literals form a valid regex")
            });
            guards.push(guard);
        }
        bypass.sort_unstable();
        bypass.dedup();
        RegexGuard { guards, bypass, pieces, unit_masks }
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
