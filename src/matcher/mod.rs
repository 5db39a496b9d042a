//! The matcher: a lexicon compiled once into lookup structures, then applied to many
//! texts. Compiling is separate from matching, and a `Matcher` is immutable, so one
//! value is shared by every thread (as with aho-corasick and regex).
//!
//! Matching one text:
//! 1. tokenize into word units; fold each unit into scratch space;
//! 2. find the pattern *elements* each unit matches: whole forms by hash lookup,
//!    compound parts by one Aho-Corasick pass over the unit followed by a local check
//!    (position, linking letter, length of the rest), case-sensitive forms by lookup,
//!    and, for units that matched nothing, typos through the fuzzy index;
//! 3. extend elements into rules: single-word rules directly, phrases by walking the
//!    following units of the same sentence; regex rules run on the text;
//! 4. drop hits that a veto (`except`) of their theme overlaps.

mod forms;
pub mod fuzzy;
pub mod glob;
mod regex_guard;
mod short_table;

use crate::lexicon::{ElemKind, Lexicon, Pattern, RuleKind, Step};
use short_table::StringMemo;
use crate::text::tokenize::tokenize_tokens_only;
use crate::text::{fold_units, tokenize, tokenize_units, tokenize_without_units, Tokens};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta::Regex;
use std::cell::RefCell;
// Lookup keys are short words: FxHash is several times faster than SipHash for
// them, and the keys come from our own lexicon, not from an attacker.
use rustc_hash::FxHashMap as HashMap;

/// Minimum letters of the other part of a compound (`nav*` must not match `navn`).
pub const MIN_PART: usize = 3;

type ElemId = u32;

/// One matched rule in a text: byte range in the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawHit {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    /// Matched through the typo rule.
    pub fuzzy: bool,
}

/// All raw matches in one text, before vetoes: `terms` and `excepts` separately.
#[derive(Default, Debug)]
pub struct RawMatches {
    pub terms: Vec<RawHit>,
    pub excepts: Vec<RawHit>,
}

#[derive(Debug)]
enum Role {
    /// The stem starts the unit and a compound rest follows.
    First,
    /// A whole form ends the unit after a compound prefix.
    Last,
    /// The stem inside the unit, with prefix, rest or both.
    Any,
}

#[derive(Debug)]
enum CStep {
    /// Index into `Matcher::tokpats`.
    Tok(u32),
    Gap(u8),
}

#[derive(Debug)]
struct CRule {
    steps: Vec<CStep>,
    except: bool,
}

/// A compiled lexicon.
#[derive(Debug)]
pub struct Matcher {
    lexicon: Lexicon,
    /// folded whole form -> elements
    whole: forms::FormTable,
    /// NFC form -> case-sensitive elements
    exact: HashMap<String, Vec<ElemId>>,
    /// case-sensitive first parts: (form, element)
    exact_first: Vec<(String, ElemId)>,
    /// first bytes of the `exact` and `exact_first` forms
    exact_first_bytes: [bool; 256],
    /// compound pieces; `ac_info[pattern]` says which element and how
    ac: Option<AhoCorasick>,
    ac_info: Vec<(ElemId, Role)>,
    fuzzy: fuzzy::FuzzyIndex,
    /// token patterns: sorted element sets
    tokpats: Vec<Vec<ElemId>>,
    /// token pattern -> the `elem_bit`s of its elements (most elements of a unit are
    /// ruled out by them without a search)
    tokpat_bits: Vec<u64>,
    rules: Vec<CRule>,
    /// element -> phrase rules whose first step contains it
    by_first_elem: Vec<Vec<u32>>,
    /// rule -> the `elem_bit`s of its next word step after the first, and how many
    /// units after the first that word may be (1, or more after gaps); all ones (no
    /// filter) for a rule of one step.
    next_word: Vec<(u64, u8)>,
    regexes: Vec<(u32, Regex)>,
    /// Which regexes can match an answer at all (their required literals).
    regex_guard: regex_guard::RegexGuard,
    glob: glob::GlobMatcher,
    /// No whole, case-sensitive, compound or typo form: units need no lookups.
    units_match_nothing: bool,
    /// Unique per compiled matcher (never reused, unlike an address), for `UnitMemo`.
    id: u64,
}

/// What `Matcher::compile_tables` builds.
struct Tables {
    whole: forms::FormTable,
    exact: HashMap<String, Vec<ElemId>>,
    exact_first: Vec<(String, ElemId)>,
    exact_first_bytes: [bool; 256],
    ac: Result<Option<AhoCorasick>, aho_corasick::BuildError>,
    ac_info: Vec<(ElemId, Role)>,
    fuzzy: fuzzy::FuzzyIndex,
}

/// Source of `Matcher::id`; 0 is never handed out, so an empty memo belongs to none.
static NEXT_MATCHER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Default)]
struct Scratch {
    tokens: Tokens,
    buf: String,
    /// per unit: its elements and the rules they start
    unit_lists: Vec<UnitLists>,
    /// the lists of units the memo cannot give (`unit_uncommon`), for one text
    extra: Vec<u32>,
    /// the units whose lists are in `extra`
    uncommon: Vec<u32>,
    elems_here: Vec<(ElemId, bool)>,
    /// a unit's case-sensitive elements
    exact_here: Vec<ElemId>,
    /// a unit's memo lists, copied for the uncommon path
    lists: Vec<ElemId>,
    memo: UnitMemo,
    /// regex index -> may match this answer
    run_regex: Vec<bool>,
    /// where a regex is searched (`RegexGuard::find_iter`)
    windows: Vec<(usize, usize)>,
    /// units with `RegexGuard::unit_bits`: start, end, bits (of a text the units-only
    /// scan accepted: the regexes' guard and windows work from them)
    guard_units: Vec<(usize, usize, u64)>,
}

/// A unit's elements and the rules whose first step they match: `elems` ids from `lo`
/// in `UnitMemo::ids`, then `rules` ids. Units point into the memo instead of copying
/// their lists; the lists the memo cannot give (`unit_uncommon`) are appended to it for
/// the one text. Sixteen bytes: one is pushed for every unit.
#[derive(Clone, Copy, Default)]
struct UnitLists {
    lo: u32,
    elems: u32,
    rules: u32,
    /// matched through the typo index
    fuzzy: bool,
}

impl UnitLists {
    #[inline]
    fn elems(self, ids: &[u32]) -> &[u32] {
        let lo = self.lo as usize;
        &ids[lo..lo + self.elems as usize]
    }

    #[inline]
    fn rules(self, ids: &[u32]) -> &[u32] {
        let lo = self.lo as usize + self.elems as usize;
        &ids[lo..lo + self.rules as usize]
    }
}

/// What `Matcher::match_steps` walks: one struct, so that its recursion passes few
/// arguments.
#[derive(Clone, Copy)]
struct Walk<'a> {
    units: &'a [crate::text::Unit],
    unit_lists: &'a [UnitLists],
    ids: &'a [u32],
    /// the sentence the phrase is in
    sentence: u32,
}

/// Per-thread memo of what a folded unit matches through the case-insensitive paths
/// (whole forms, compound parts, typos). Answers repeat their words, so most units are
/// looked up once per thread instead of running Aho-Corasick and the typo index again.
type UnitMemo = StringMemo<MemoEntry>;

/// What a folded unit matches through the case-insensitive paths, as `UnitMemo::ids`
/// from `start`: its `elems` (whole forms then compound parts; or else, with `FUZZY`,
/// its typos, which are looked up only when there are no others), the `rules` whose
/// first step those elements start, then, with `GUARD`, its `RegexGuard::unit_bits` as
/// two words. Storing the rule starts saves walking `by_first_elem` per element for
/// every word. Twelve bytes, so a table slot is 32 (`short_table`).
#[derive(Clone, Copy, Default)]
struct MemoEntry {
    start: u32,
    elems: u8,
    /// how many of `elems` are whole forms
    whole: u8,
    flags: u8,
    rules: u32,
}

/// `MemoEntry::flags`: unit bits for the regex guard follow the lists.
const GUARD: u8 = 1;
/// `MemoEntry::flags`: a list was too long for the entry; the unit is matched without
/// the memo every time (not seen in real lexicons: it needs 256 elements for a word).
const UNCACHED: u8 = 2;
/// `MemoEntry::flags`: the elements are typos.
const FUZZY: u8 = 4;

/// Memo ids stay below this, so that a `u32` `UnitLists::lo` also reaches the lists
/// appended for one text.
const IDS_MAX: usize = 1 << 31;

impl MemoEntry {
    /// The unit's elements and rule starts.
    #[inline]
    fn lists(&self) -> UnitLists {
        UnitLists { lo: self.start, elems: self.elems as u32, rules: self.rules, fuzzy: self.flags & FUZZY != 0 }
    }

    /// Whole forms and compound parts.
    fn plain<'a>(&self, ids: &'a [u32]) -> &'a [ElemId] {
        if self.flags & FUZZY != 0 {
            return &[];
        }
        &ids[self.start as usize..][..self.elems as usize]
    }

    fn typos<'a>(&self, ids: &'a [u32]) -> &'a [ElemId] {
        if self.flags & FUZZY == 0 {
            return &[];
        }
        &ids[self.start as usize..][..self.elems as usize]
    }

    fn guard_bits(&self, ids: &[u32]) -> u64 {
        if self.flags & GUARD == 0 {
            return 0;
        }
        let at = self.start as usize + self.elems as usize + self.rules as usize;
        ids[at] as u64 | (ids[at + 1] as u64) << 32
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Matcher {
    /// Compiles a parsed lexicon. Fails only on a regex that the parser accepted but
    /// that cannot be built (for example one too large).
    pub fn compile(lexicon: Lexicon) -> Result<Self, crate::lexicon::LexiconErrors> {
        // Elements are borrowed from the lexicon, not cloned: a 20,000-rule lexicon has
        // 400,000 forms, and copying them dominated the compile time.
        let mut elem_ids: HashMap<&crate::lexicon::Elem, ElemId> = HashMap::default();
        let mut elems: Vec<&crate::lexicon::Elem> = Vec::new();
        let mut tokpat_ids: HashMap<Vec<ElemId>, u32> = HashMap::default();
        let mut tokpats: Vec<Vec<ElemId>> = Vec::new();
        let mut rules = Vec::new();
        let mut regex_rules = Vec::new();

        for (ri, rule) in lexicon.rules.iter().enumerate() {
            let except = rule.kind == RuleKind::Except;
            match &rule.pattern {
                Pattern::Regex(src) => {
                    regex_rules.push((ri as u32, src.as_str()));
                    rules.push(CRule { steps: Vec::new(), except });
                }
                Pattern::Phrase(steps) => {
                    let mut csteps = Vec::with_capacity(steps.len());
                    for step in steps {
                        match step {
                            Step::Gap(n) => csteps.push(CStep::Gap(*n)),
                            Step::Token(alts) => {
                                let mut ids: Vec<ElemId> = alts
                                    .iter()
                                    .map(|e| {
                                        *elem_ids.entry(e).or_insert_with(|| {
                                            elems.push(e);
                                            (elems.len() - 1) as ElemId
                                        })
                                    })
                                    .collect();
                                ids.sort_unstable();
                                ids.dedup();
                                let id = match tokpat_ids.get(&ids) {
                                    Some(&id) => id,
                                    None => {
                                        let id = tokpats.len() as u32;
                                        tokpat_ids.insert(ids.clone(), id);
                                        tokpats.push(ids);
                                        id
                                    }
                                };
                                csteps.push(CStep::Tok(id));
                            }
                        }
                    }
                    rules.push(CRule { steps: csteps, except });
                }
            }
        }
        // Regexes (a few, but each costs as much to build as hundreds of word rules)
        // are built beside the tables below, on the other core.
        let (regexes, tables) = rayon::join(|| Self::compile_regexes(&lexicon, &regex_rules), || Self::compile_tables(&elems));
        let (regexes, regex_guard) = regexes?;
        let Tables { whole, exact, exact_first, exact_first_bytes, ac, ac_info, fuzzy } = tables;
        let ac = ac.map_err(|e| {
            crate::lexicon::LexiconErrors(vec![crate::lexicon::LexiconError {
                file: lexicon.name.clone(),
                line: 0,
                rule: None,
                message: format!("cannot build the compound matcher: {e}"),
            }])
        })?;

        let mut by_first_elem = vec![Vec::new(); elems.len()];
        for (ri, r) in rules.iter().enumerate() {
            if let Some(CStep::Tok(tp)) = r.steps.first() {
                for &e in &tokpats[*tp as usize] {
                    by_first_elem[e as usize].push(ri as u32);
                }
            }
        }
        let tokpat_bits: Vec<u64> = tokpats.iter().map(|tp| tp.iter().fold(0, |bits, &e| bits | elem_bit(e))).collect();
        let next_word = rules
            .iter()
            .map(|r| {
                let mut reach = 1u8;
                for step in r.steps.iter().skip(1) {
                    match step {
                        CStep::Gap(n) => reach = reach.saturating_add(*n),
                        // Past `MAX_REACH` units, no filter (not seen in real lexicons).
                        CStep::Tok(_) if reach as usize > MAX_REACH => break,
                        CStep::Tok(tp) => return (tokpat_bits[*tp as usize], reach),
                    }
                }
                (u64::MAX, 1)
            })
            .collect();
        drop(elem_ids);
        drop(elems);

        let glob = glob::GlobMatcher::compile(&lexicon)?;
        let units_match_nothing = whole.is_empty() && exact.is_empty() && exact_first.is_empty() && ac.is_none() && fuzzy.is_empty();
        let id = NEXT_MATCHER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Matcher {
            lexicon,
            whole,
            exact,
            exact_first,
            exact_first_bytes,
            ac,
            ac_info,
            fuzzy,
            tokpats,
            tokpat_bits,
            rules,
            by_first_elem,
            next_word,
            regexes,
            regex_guard,
            glob,
            units_match_nothing,
            id,
        })
    }

    /// The regex rules (rule index into `lexicon.rules`, source), built, and their guard.
    #[allow(clippy::type_complexity)]
    fn compile_regexes(lexicon: &Lexicon, regex_rules: &[(u32, &str)]) -> Result<(Vec<(u32, Regex)>, regex_guard::RegexGuard), crate::lexicon::LexiconErrors> {
        let mut regexes = Vec::new();
        let mut errors = Vec::new();
        for &(ri, src) in regex_rules {
            match Regex::new(src) {
                Ok(re) => regexes.push((ri, re)),
                Err(e) => {
                    let rule = &lexicon.rules[ri as usize];
                    errors.push(crate::lexicon::LexiconError {
                    file: rule.file.clone(),
                    line: rule.line,
                    rule: Some(rule.source.clone()),
                        message: format!("invalid regular expression: {e}"),
                    })
                }
            }
        }
        if !errors.is_empty() {
            return Err(crate::lexicon::LexiconErrors(errors));
        }
        let guard = regex_guard::RegexGuard::new(regex_rules.iter().map(|&(_, src)| src));
        Ok((regexes, guard))
    }

    /// The lookup tables of the word elements: whole forms, case-sensitive forms,
    /// compound pieces and typos.
    fn compile_tables(elems: &[&crate::lexicon::Elem]) -> Tables {
        let mut whole = forms::FormTableBuilder::with_capacity(elems.iter().map(|e| e.forms().len()).sum());
        let mut exact: HashMap<String, Vec<ElemId>> = HashMap::default();
        let mut exact_first = Vec::new();
        let mut ac_patterns: Vec<&str> = Vec::new();
        let mut ac_info = Vec::new();
        for (id, e) in elems.iter().enumerate() {
            let id = id as ElemId;
            match &e.kind {
                ElemKind::Exact(form) => {
                    exact.entry(form.clone()).or_default().push(id);
                    if e.first {
                        exact_first.push((form.clone(), id));
                    }
                }
                ElemKind::Glob(_) => {} // matched per token by `glob`
                ElemKind::Word { stem, forms, .. } => {
                    for f in forms {
                        whole.add(f, id);
                    }
                    if e.first && e.last {
                        ac_patterns.push(stem);
                        ac_info.push((id, Role::Any));
                    } else if e.first {
                        ac_patterns.push(stem);
                        ac_info.push((id, Role::First));
                    } else if e.last {
                        // One piece that starts every form (the unit's rest is then looked
                        // up among the forms), not one per form: 18 times fewer pieces.
                        let shared = common_prefix(forms);
                        if shared.chars().nth(MIN_PART - 1).is_some() {
                            ac_patterns.push(shared);
                            ac_info.push((id, Role::Last));
                        } else {
                            for f in forms {
                                ac_patterns.push(f);
                                ac_info.push((id, Role::Last));
                            }
                        }
                    }
                }
            }
        }
        let whole = whole.finish();
        let mut exact_first_bytes = [false; 256];
        for form in exact.keys().chain(exact_first.iter().map(|(f, _)| f)) {
            if let Some(&b) = form.as_bytes().first() {
                exact_first_bytes[b as usize] = true;
            }
        }
        // The two biggest builds are independent: on two cores, side by side.
        let (ac, fuzzy) = rayon::join(|| build_compound_automaton(&ac_patterns), || fuzzy::FuzzyIndex::new(whole.iter()));
        Tables { whole, exact, exact_first, exact_first_bytes, ac, ac_info, fuzzy }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Finds every term and veto match in `text`.
    pub fn find(&self, text: &str) -> RawMatches {
        let mut out = RawMatches::default();
        self.find_into(text, &mut out);
        out
    }

    /// `find`, appending to `out`.
    pub fn find_into(&self, text: &str, out: &mut RawMatches) {
        SCRATCH.with(|s| self.find_with(text, &mut s.borrow_mut(), out));
    }

    /// Tokenizes `text` (for `explain`).
    pub fn tokens(&self, text: &str) -> Tokens {
        let mut t = Tokens::new();
        tokenize(text, &mut t);
        t
    }

    fn find_with(&self, text: &str, s: &mut Scratch, out: &mut RawMatches) {
        let Scratch { tokens, buf, unit_lists, extra, uncommon, elems_here, exact_here, lists, memo, run_regex, windows, guard_units } = s;
        guard_units.clear();
        unit_lists.clear();
        extra.clear();
        uncommon.clear();
        // Units-only scan used; then the regex guard can work from the units.
        let mut units_only = false;
        if self.units_match_nothing {
            // Only glob (imported) rules: they compare whole tokens, so units are not
            // even split out, let alone folded and looked up; most answers get their
            // tokens from one cheap scan.
            if !tokenize_tokens_only(text, tokens) {
                tokenize_without_units(text, tokens);
            }
        } else {
            // Without glob rules only units (and which sentence each is in) matter; most
            // answers get them from one cheap scan.
            units_only = self.glob.is_empty() && tokenize_units(text, tokens);
            if !units_only {
                tokenize(text, tokens);
                fold_units(text, tokens);
            }
            memo.claim(self.id);
            let bytes = text.as_bytes();
            let folded = tokens.folded.as_str();
            let mut folded_start = 0;
            for (u, &folded_end) in tokens.units.iter().zip(&tokens.folded_ends) {
                let (start, end) = (folded_start, folded_end as usize);
                folded_start = end;
                // A miss is out of line: setting up its arguments for every unit cost a
                // dozen instructions a word.
                let entry = match memo.get_short(folded, start, end) {
                    Some(entry) => entry,
                    None => self.memo_miss(memo, folded, start, end, buf, elems_here),
                };
                // Most units have no flags and no case-sensitive forms (rare: `=NAV`;
                // only units starting with one of their first bytes can have them).
                let exact_byte = self.exact_first_bytes[bytes[u.start] as usize];
                if entry.flags == 0 && !exact_byte {
                    unit_lists.push(entry.lists());
                    continue;
                }
                let ids = &memo.ids;
                // An uncached entry holds no guard bits: the unit's own are computed.
                if entry.flags != 0 {
                    let unit_guard = if entry.flags & UNCACHED != 0 { self.regex_guard.unit_bits(&folded[start..end]) } else { entry.guard_bits(ids) };
                    if unit_guard != 0 {
                        guard_units.push((u.start, u.end, unit_guard));
                    }
                }
                // Case-sensitive forms change which elements count.
                let exact = exact_byte && {
                    self.exact_elems(&text[u.start..u.end], exact_here);
                    !exact_here.is_empty()
                };
                let here = if exact || entry.flags & UNCACHED != 0 {
                    let exact_here: &[ElemId] = if exact { exact_here } else { &[] };
                    uncommon.push(unit_lists.len() as u32);
                    self.unit_uncommon(exact_here, &folded[start..end], entry, ids, buf, elems_here, lists, extra)
                } else {
                    entry.lists()
                };
                unit_lists.push(here);
            }
        }

        // The lists of the uncommon units go after the memo's for this text (and are
        // dropped at the end), so that every unit's lists are in one slice.
        let memo_ids = memo.ids.len();
        if !uncommon.is_empty() {
            assert!(memo_ids + extra.len() < IDS_MAX, "lists of one text beyond u32");
            memo.ids.extend_from_slice(extra);
            for &ui in uncommon.iter() {
                unit_lists[ui as usize].lo += memo_ids as u32;
            }
        }
        let units = &tokens.units;
        let ids = &memo.ids[..];
        // `ahead[k]` (k >= 1): the bits of units ui+1 ..= ui+k, for the unit ui at hand,
        // filled as far as needed; `ahead[0]` stays 0.
        let mut ahead = [0u64; 1 + MAX_REACH];
        let mut walk = Walk { units, unit_lists, ids, sentence: 0 };
        for (ui, ul) in unit_lists.iter().enumerate() {
            // Tested before the slice is made: most units start no rule.
            if ul.rules == 0 {
                continue;
            }
            let starts = ul.rules(ids);
            // Most phrase starts are common words ("for", "til", "vi") that no word
            // within reach continues: the elements of the next units (in the same
            // sentence), as bits, rule those out before the rule is even looked at.
            let sentence = units[ui].sentence;
            let mut filled = 0usize;
            for &ri in starts {
                let (bits, reach) = self.next_word[ri as usize];
                if bits != u64::MAX {
                    let reach = reach as usize;
                    while filled < reach {
                        let k = ui + 1 + filled;
                        let here = match (units.get(k), unit_lists.get(k)) {
                            (Some(u), Some(l)) if u.sentence == sentence => l.elems(ids).iter().fold(0, |b, &e| b | elem_bit(e)),
                            _ => 0,
                        };
                        ahead[filled + 1] = ahead[filled] | here;
                        filled += 1;
                    }
                    if bits & ahead[reach] == 0 {
                        continue;
                    }
                }
                let rule = &self.rules[ri as usize];
                let end = if rule.steps.len() == 1 {
                    Some(ui)
                } else {
                    walk.sentence = sentence;
                    self.match_steps(&walk, &rule.steps[1..], ui + 1)
                };
                if let Some(end_unit) = end {
                    let hit = RawHit { rule: ri, start: units[ui].start, end: units[end_unit].end, fuzzy: ul.fuzzy };
                    if rule.except {
                        out.excepts.push(hit)
                    } else {
                        out.terms.push(hit)
                    }
                }
            }
        }
        match (self.regexes.is_empty(), units_only) {
            (true, _) => {}
            (false, true) => self.regex_guard.candidates_from_units(text, guard_units.iter().fold(0, |bits, u| bits | u.2), run_regex),
            (false, false) => self.regex_guard.candidates(text, run_regex),
        }
        for (i, ((ri, re), _)) in self.regexes.iter().zip(run_regex.iter()).enumerate().filter(|(_, (_, &run))| run) {
            let to = if self.rules[*ri as usize].except { &mut out.excepts } else { &mut out.terms };
            // With the units-only scan, the units are all the text's letters and digits.
            let units = units_only.then_some(&guard_units[..]);
            self.regex_guard.find_iter(i, re, text, units, windows, |start, end| to.push(RawHit { rule: *ri, start, end, fuzzy: false }));
        }
        self.glob.find(text, tokens, out);
        memo.ids.truncate(memo_ids);
    }

    /// Matches `steps` from unit `at` on, within `walk.sentence`; returns the last unit of
    /// the match. Token steps in a row are checked in this loop, inlined where it is
    /// called (also after each skip of a gap, so that the common phrase `a ~2 b` makes no
    /// call per skip); a gap and what follows it go to `match_gap`.
    #[inline(always)]
    fn match_steps(&self, walk: &Walk, steps: &[CStep], mut at: usize) -> Option<usize> {
        for (i, step) in steps.iter().enumerate() {
            match *step {
                CStep::Tok(tp) => {
                    if !self.tok_matches(walk, tp, at) {
                        return None;
                    }
                    at += 1;
                }
                CStep::Gap(n) => return self.match_gap(walk, n, &steps[i + 1..], at),
            }
        }
        Some(at.saturating_sub(1))
    }

    /// A gap of up to `n` units at `at`, then `rest`: each skip in turn, within the sentence.
    fn match_gap(&self, walk: &Walk, n: u8, rest: &[CStep], at: usize) -> Option<usize> {
        let units = walk.units;
        for skip in 0..=n as usize {
            let next = at + skip;
            if skip > 0 && (next > units.len() || units[next - 1].sentence != walk.sentence) {
                break;
            }
            if let Some(end) = self.match_steps(walk, rest, next) {
                return Some(end);
            }
        }
        None
    }

    /// Does unit `at` (in the sentence) have an element of token pattern `tp`?
    #[inline(always)]
    fn tok_matches(&self, walk: &Walk, tp: u32, at: usize) -> bool {
        let Some(u) = walk.units.get(at) else { return false };
        if u.sentence != walk.sentence {
            return false;
        }
        let (bits, tp) = (self.tokpat_bits[tp as usize], &self.tokpats[tp as usize]);
        walk.unit_lists[at].elems(walk.ids).iter().any(|&e| bits & elem_bit(e) != 0 && tp.binary_search(&e).is_ok())
    }

    /// The elements of a folded unit, appended to `out`: whole forms, then compound
    /// parts, then (tried only when those found nothing; they count only if
    /// case-sensitive forms find nothing either) typos, flagged `true`. Returns how many
    /// are whole forms and how many whole forms or compound parts.
    fn folded_elems(&self, folded: &str, buf: &mut String, out: &mut Vec<(ElemId, bool)>) -> (usize, usize) {
        let from = out.len();
        if let Some(list) = self.whole.get(folded) {
            for &e in list {
                if !out[from..].iter().any(|x| x.0 == e) {
                    out.push((e, false));
                }
            }
        }
        let whole = out.len() - from;
        self.compound_elems(folded, out);
        let plain = out.len() - from;
        if plain == 0 && !self.fuzzy.is_empty() {
            self.fuzzy.lookup(folded, buf, |e| {
                if !out[from..].iter().any(|x| x.0 == e) {
                    out.push((e, true));
                }
            });
        }
        (whole, plain)
    }

    /// The memo entry of `folded[start..end]` after `get_short` found none: from the
    /// long keys' map, or computed and stored.
    #[cold]
    #[inline(never)]
    fn memo_miss(&self, memo: &mut UnitMemo, folded: &str, start: usize, end: usize, buf: &mut String, elems_here: &mut Vec<(ElemId, bool)>) -> MemoEntry {
        memo.miss(folded, start, end, |ids| self.memo_entry(&folded[start..end], buf, elems_here, ids))
    }

    /// Computes the memo entry of a folded unit and appends its lists to `ids` (see
    /// `MemoEntry`).
    fn memo_entry(&self, folded: &str, buf: &mut String, scratch: &mut Vec<(ElemId, bool)>, ids: &mut Vec<u32>) -> MemoEntry {
        scratch.clear();
        let (whole, plain) = self.folded_elems(folded, buf, scratch);
        // Typos are looked up only without plain elements: the list is one or the other.
        let fuzzy = plain == 0 && !scratch.is_empty();
        let start = ids.len();
        ids.extend(scratch.iter().map(|x| x.0));
        let rules_from = ids.len();
        for &(e, _) in scratch.iter() {
            ids.extend_from_slice(&self.by_first_elem[e as usize]);
        }
        sort_dedup_tail(ids, rules_from);
        let rules = ids.len() - rules_from;
        let (Ok(elems), Ok(whole), true) = (u8::try_from(scratch.len()), u8::try_from(whole), ids.len() + 2 < IDS_MAX) else {
            ids.truncate(start);
            return MemoEntry { flags: UNCACHED, ..MemoEntry::default() };
        };
        let flags = if fuzzy { FUZZY } else { 0 };
        let mut entry = MemoEntry { start: start as u32, elems, whole, flags, rules: rules as u32 };
        let guard = self.regex_guard.unit_bits(folded);
        if guard != 0 {
            ids.extend([guard as u32, (guard >> 32) as u32]);
            entry.flags |= GUARD;
        }
        entry
    }

    /// The elements and rule starts of a unit that has case-sensitive elements, or whose
    /// lists did not fit a memo entry: whole forms, case-sensitive forms, compound parts
    /// (each once), or typos if none of those. Its lists go to `extra`.
    #[allow(clippy::too_many_arguments)]
    fn unit_uncommon(
        &self,
        exact: &[ElemId],
        folded: &str,
        entry: MemoEntry,
        ids: &[u32],
        buf: &mut String,
        elems_here: &mut Vec<(ElemId, bool)>,
        lists: &mut Vec<ElemId>,
        extra: &mut Vec<u32>,
    ) -> UnitLists {
        elems_here.clear();
        lists.clear();
        let (whole, plain) = if entry.flags & UNCACHED != 0 {
            let counts = self.folded_elems(folded, buf, elems_here);
            lists.extend(elems_here.iter().map(|x| x.0));
            elems_here.clear();
            counts
        } else {
            lists.extend_from_slice(entry.plain(ids));
            lists.extend_from_slice(entry.typos(ids));
            (entry.whole as usize, entry.plain(ids).len())
        };
        elems_here.extend(lists[..whole].iter().map(|&e| (e, false)));
        for &e in exact.iter().chain(&lists[whole..plain]) {
            if !elems_here.iter().any(|x| x.0 == e) {
                elems_here.push((e, false));
            }
        }
        let fuzzy = elems_here.is_empty();
        if fuzzy {
            elems_here.extend(lists[plain..].iter().map(|&e| (e, true)));
        }
        let elems_lo = extra.len();
        extra.extend(elems_here.iter().map(|x| x.0));
        let rules_lo = extra.len();
        for &(e, _) in elems_here.iter() {
            extra.extend_from_slice(&self.by_first_elem[e as usize]);
        }
        sort_dedup_tail(extra, rules_lo);
        // `lo` counts from the start of `extra` until `find_with` appends it to the memo.
        UnitLists { lo: elems_lo as u32, elems: (rules_lo - elems_lo) as u32, rules: (extra.len() - rules_lo) as u32, fuzzy }
    }

    /// The case-sensitive elements (`=NAV`) of a unit, each once, into `out`. Only
    /// units whose first byte is in `exact_first_bytes` can have any; callers check
    /// that first, before slicing the unit out of the text.
    fn exact_elems(&self, original: &str, out: &mut Vec<ElemId>) {
        out.clear();
        let mut add = |e: ElemId| {
            if !out.contains(&e) {
                out.push(e);
            }
        };
        if let Some(list) = self.exact.get(original) {
            list.iter().for_each(|&e| add(e));
        }
        for (form, e) in &self.exact_first {
            if let Some(rest) = original.strip_prefix(form.as_str()) {
                if rest.chars().count() >= MIN_PART {
                    add(*e);
                }
            }
        }
    }

    /// Compound parts found by Aho-Corasick in a folded unit, appended to `out` if new.
    fn compound_elems(&self, folded: &str, out: &mut Vec<(ElemId, bool)>) {
        let mut add = |e: ElemId| {
            if !out.iter().any(|x| x.0 == e) {
                out.push((e, false));
            }
        };
        let Some(ac) = &self.ac else { return };
        let len = folded.len();
        if len < MIN_PART + 1 {
            return;
        }
        for m in ac.find_overlapping_iter(folded) {
            let (elem, role) = &self.ac_info[m.pattern().as_usize()];
            let ok = match role {
                Role::First => m.start() == 0 && compound_rest_ok(&folded[m.end()..]),
                Role::Last => m.start() > 0 && folded[..m.start()].chars().count() >= MIN_PART && self.has_form(*elem, &folded[m.start()..]),
                Role::Any => {
                    let prefix_ok = m.start() == 0 || folded[..m.start()].chars().count() >= MIN_PART;
                    let rest = &folded[m.end()..];
                    let rest_ok = if m.start() == 0 { compound_rest_ok(rest) } else { compound_rest_ok(rest) || self.has_form(*elem, &folded[m.start()..]) };
                    prefix_ok && rest_ok
                }
            };
            if ok {
                add(*elem);
            }
        }
    }
}

impl Matcher {
    /// Is `s` a whole form of element `elem`?
    fn has_form(&self, elem: ElemId, s: &str) -> bool {
        self.whole.get(s).is_some_and(|elems| elems.contains(&elem))
    }
}

/// How far ahead (in units) the phrase-start filter looks for a rule's next word.
const MAX_REACH: usize = 16;

/// An element as one of 64 bits: a set of elements as the OR of its bits overlaps
/// another set's whenever the sets share an element (and sometimes when they do not).
#[inline]
fn elem_bit(e: ElemId) -> u64 {
    1 << (e % 64)
}

/// Sorts `v[from..]` and drops repeats in it.
fn sort_dedup_tail(v: &mut Vec<u32>, from: usize) {
    v[from..].sort_unstable();
    let mut kept = from;
    for i in from..v.len() {
        if kept == from || v[kept - 1] != v[i] {
            v[kept] = v[i];
            kept += 1;
        }
    }
    v.truncate(kept);
}

/// The longest common prefix of `forms`, on a char boundary.
fn common_prefix(forms: &[String]) -> &str {
    let Some(first) = forms.first().map(String::as_str) else { return "" };
    let mut n = first.len();
    for f in &forms[1..] {
        n = first.bytes().zip(f.bytes()).take(n).take_while(|(a, b)| a == b).count();
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    &first[..n]
}

/// After a first compound part, the rest (linking `s`/`e` included) must have at
/// least `MIN_PART` letters: `bolig|sak`, `tolke|behov`, but not `nav|n`.
fn compound_rest_ok(rest: &str) -> bool {
    rest.chars().nth(MIN_PART - 1).is_some()
}

/// The Aho-Corasick automaton over the compound pieces (`None` without any).
fn build_compound_automaton(patterns: &[&str]) -> Result<Option<AhoCorasick>, aho_corasick::BuildError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        // Haystacks are single words: a prefilter costs more to start than it saves.
        // It runs only on words new to a thread's memo (a few thousand per run), so a
        // contiguous NFA, not a DFA: the DFA searched faster but took a third of the
        // default lexicon's start-up to build.
        .prefilter(false)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(patterns)
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(rules: &str) -> Matcher {
        let text = format!("theme t\nnb T\n{rules}\n");
        Matcher::compile(Lexicon::from_texts("test", &[("t.tema".into(), text)]).unwrap()).unwrap()
    }

    fn spans(m: &Matcher, text: &str) -> Vec<(u32, usize, usize, bool)> {
        let mut v: Vec<_> = m.find(text).terms.iter().map(|h| (h.rule, h.start, h.end, h.fuzzy)).collect();
        v.sort_unstable();
        v
    }

    /// `*word` is found through one Aho-Corasick piece (the forms' common prefix) and a
    /// lookup of the unit's rest among the forms: every form at the end of a compound
    /// matches, a form inside one or after a too short prefix does not. Short common
    /// prefixes fall back to one piece per form.
    #[test]
    fn suffix_rules_match_forms_ending_a_compound() {
        let m = matcher("term *kommune\nterm *ku{,er}");
        let hit = |w: &str| !spans(&m, w).is_empty();
        for w in ["nabokommune", "nabokommunar", "nabokommunen", "nabokommunane", "kommunen", "storkuer", "storku", "kuer"] {
            assert!(hit(w), "{w}");
        }
        for w in ["nabokommunalt", "nabokommunarkontor", "abkommunen", "kommun", "storkuene"] {
            assert!(!hit(w), "{w}");
        }
    }

    /// The per-thread memo belongs to one compiled matcher: another matcher on the same
    /// thread (also one compiled where a dropped one lived) never sees its entries.
    #[test]
    fn unit_memo_never_mixes_matchers() {
        let text = "boligen og tolken";
        let a = matcher("term bolig");
        assert_eq!(spans(&a, text).len(), 1);
        let b = matcher("term tolk");
        assert_eq!(spans(&b, text), vec![(0, 11, 17, false)]);
        drop(a);
        let c = matcher("term tolk\nterm bolig");
        assert_eq!(spans(&c, text).len(), 2);
        assert_eq!(spans(&b, text), vec![(0, 11, 17, false)]);
    }

    /// A unit found in the memo gives exactly what a fresh lookup gives: whole forms,
    /// compound parts, case-sensitive forms and typos (used only when nothing else is).
    #[test]
    fn memo_hits_equal_fresh_lookups() {
        let m = matcher("term bolig*\nterm *tolk\nterm =NAV\nterm kvalifisering\nterm nav*\nterm =NAV*");
        // Short units take the short-key table, units over 16 bytes the string map.
        let text = "NAV navet Nav NAVkontoret kvalifisreing Kvalifisreing boligkontoret skjermtolk boligkontoret NAV \
                    boligintegreringskontoret videotelefonskjermtolk boligintegreringskontoret";
        let first = spans(&m, text);
        let again = spans(&m, text);
        let fresh = std::thread::scope(|s| s.spawn(|| spans(&m, text)).join().unwrap());
        assert_eq!(first, again);
        assert_eq!(first, fresh);
        assert!(first.iter().any(|h| h.3), "the typo is found: {first:?}");
        assert!(first.iter().filter(|h| h.2 - h.1 > 16).count() >= 3, "long units match: {first:?}");
    }

    /// A word that is a form of more elements than a memo entry counts (255) is matched
    /// without the memo, with the same hits as any other word: every rule once per
    /// occurrence, phrases starting there included, also once the memo knows the word.
    #[test]
    fn words_with_very_many_elements_match_without_the_memo() {
        let mut rules: String = (0..300).map(|i| format!("term tolk{{,x{i}}}\n")).collect();
        rules.push_str("term tolk{,y} ~1 behov\nterm tolkx7 ~1 behov\n");
        let m = matcher(&rules);
        let text = "tolk og tolk behov, tolkx7 behov";
        for _ in 0..2 {
            let hits = spans(&m, text);
            // 300 one-word rules at each of the two "tolk", the phrase from the second;
            // "tolkx7" is a form of rule 7 and starts the last phrase.
            assert_eq!(hits.len(), 300 * 2 + 1 + 2, "{hits:?}");
            assert_eq!(hits.iter().filter(|h| h.0 == 300).map(|h| (h.1, h.2)).collect::<Vec<_>>(), vec![(8, 18)]);
            assert_eq!(hits.iter().filter(|h| h.0 == 301).map(|h| (h.1, h.2)).collect::<Vec<_>>(), vec![(20, 32)]);
            assert!(hits.iter().all(|h| !h.3));
        }
    }

    /// Phrase steps for the proptest: a word of `VOCAB` or a gap.
    #[derive(Clone, Debug)]
    enum TestStep {
        Word(usize),
        Gap(u8),
    }

    /// Words no two of which are forms, compounds or typos of each other.
    const VOCAB: [&str; 5] = ["kalo", "mepu", "tirs", "vosa", "bygd"];

    /// The plain definition of a phrase match from unit `at`: each word step on the next
    /// unit of the sentence, each gap skipping 0 to n units (fewest first); the last unit.
    fn reference_end(steps: &[TestStep], at: usize, words: &[(usize, usize)], sentence: usize) -> Option<usize> {
        match steps.split_first() {
            None => Some(at - 1),
            Some((TestStep::Word(w), rest)) => match words.get(at) {
                Some(&(word, s)) if word == *w && s == sentence => reference_end(rest, at + 1, words, sentence),
                _ => None,
            },
            Some((TestStep::Gap(n), rest)) => (0..=*n as usize)
                .take_while(|&skip| skip == 0 || words.get(at + skip - 1).is_some_and(|w| w.1 == sentence))
                .find_map(|skip| reference_end(rest, at + skip, words, sentence)),
        }
    }

    fn test_step() -> impl proptest::strategy::Strategy<Value = TestStep> {
        use proptest::prelude::*;
        prop_oneof![3 => (0..VOCAB.len()).prop_map(TestStep::Word), 1 => (1u8..4).prop_map(TestStep::Gap)]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Phrase matching (token steps after a gap inline, the token pattern's element
        /// bits before its search) finds exactly the plain definition's matches.
        #[test]
        fn phrases_match_as_defined(
            rules in proptest::collection::vec((0..VOCAB.len(), proptest::collection::vec(test_step(), 0..5)), 1..6),
            text in proptest::collection::vec((0..VOCAB.len(), proptest::bool::weighted(0.15)), 0..25),
        ) {
            // A pattern cannot end with a gap.
            let mut rules = rules;
            for (_, rest) in rules.iter_mut() {
                while matches!(rest.last(), Some(TestStep::Gap(_))) {
                    rest.pop();
                }
            }
            let mut lexicon = String::new();
            for (first, rest) in &rules {
                lexicon.push_str("term ");
                lexicon.push_str(VOCAB[*first]);
                for step in rest {
                    match step {
                        TestStep::Word(w) => lexicon.push_str(&format!(" {}", VOCAB[*w])),
                        TestStep::Gap(n) => lexicon.push_str(&format!(" ~{n}")),
                    }
                }
                lexicon.push('\n');
            }
            let m = matcher(&lexicon);
            // Words, a sentence break (". " and a capital) before some.
            let (mut s, mut bounds, mut words, mut sentence) = (String::new(), Vec::new(), Vec::new(), 0);
            for (i, &(w, stop)) in text.iter().enumerate() {
                let word = VOCAB[w];
                if i > 0 && stop {
                    s.push_str(". ");
                    sentence += 1;
                    s.push_str(&word[..1].to_uppercase());
                    s.push_str(&word[1..]);
                } else {
                    if i > 0 {
                        s.push(' ');
                    }
                    s.push_str(word);
                }
                bounds.push((s.len() - word.len(), s.len()));
                words.push((w, sentence));
            }
            let mut expected = Vec::new();
            for (ri, (first, rest)) in rules.iter().enumerate() {
                for (at, &(w, sentence)) in words.iter().enumerate() {
                    if w != *first {
                        continue;
                    }
                    if let Some(end) = reference_end(rest, at + 1, &words, sentence) {
                        expected.push((ri as u32, bounds[at].0, bounds[end].1, false));
                    }
                }
            }
            expected.sort_unstable();
            proptest::prop_assert_eq!(spans(&m, &s), expected, "{:?} in {:?}", lexicon, s);
        }
    }
}
