//! quanteda-style glob patterns, matched against whole tokens (imported dictionaries).
//!
//! Semantics follow quanteda's `tokens_lookup(valuetype = "glob")`:
//! - a pattern word matches a whole token: `*` is any run of characters (also none),
//!   `?` exactly one character, and comparison is case-insensitive (here: folded, so
//!   `bostøtte` also matches `bostoette`);
//! - a hyphenated word, a URL or an e-mail address is one token (`nav` does not match
//!   `NAV-kontoret`, `nav-*` does);
//! - a phrase matches consecutive tokens; punctuation is a token, so it breaks a phrase
//!   (`bo trangt` does not match "bo, trangt"); sentence boundaries do not matter.
//!
//! Speed: every glob is reduced to one literal piece plus where the piece must sit in
//! the token. Whole-token and prefix globs (`tolk`, `bolig*`, most of a dictionary)
//! share one byte trie walked from each token's start, suffix globs (`*bolig`) one
//! walked back from its end; a walk stops at the first byte no piece continues with,
//! so most tokens cost a few steps. Infix globs (`*tolk*`) and the rest (`?`, inner
//! `*`: the piece only filters, then the whole glob is tested) go into one
//! Aho-Corasick automaton run once per answer over its folded tokens. A regex per
//! pattern per token would cost hundreds of times more.

use super::short_table::StringMemo;
use super::{RawHit, RawMatches};
use crate::lexicon::{ElemKind, Lexicon, LexiconError, LexiconErrors, Pattern, RuleKind, Step};
use crate::text::{fold_into, Tokens};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

type GlobId = u32;

/// Where a glob's literal piece must sit in the token for the glob to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// `tolk`: the piece is the whole token.
    Exact,
    /// `bolig*`
    Prefix,
    /// `*bolig`
    Suffix,
    /// `*tolk*`
    Infix,
    /// `?` or an inner `*`: the piece is only a filter; test the whole glob.
    Full,
}

#[derive(Debug)]
struct GlobRule {
    /// Index into `Lexicon::rules`.
    rule: u32,
    except: bool,
    /// One sorted set of globs per token of the phrase.
    steps: Vec<Vec<GlobId>>,
}

/// The compiled glob rules of a lexicon (empty for a lexicon without imported rules).
#[derive(Debug, Default)]
pub struct GlobMatcher {
    /// Folded glob text, for `Check::Full`.
    globs: Vec<String>,
    /// Exact and prefix globs, walked from a token's start.
    forward: Trie,
    /// Suffix globs (pieces reversed), walked from a token's end.
    backward: Trie,
    /// Infix and full-test globs.
    ac: Option<AhoCorasick>,
    /// Aho-Corasick pattern -> the globs that use it as their piece, and how.
    pieces: Vec<Vec<(GlobId, Check)>>,
    /// Globs without any literal (`*`, `?`): tested against every token.
    bare: Vec<GlobId>,
    rules: Vec<GlobRule>,
    /// glob -> indices into `rules` whose first step contains it
    by_first: Vec<Vec<u32>>,
    /// Unique per compiled matcher, for the per-thread `TokenMemo`.
    id: u64,
}

#[derive(Default)]
struct Scratch {
    /// Folded text of the token being looked up.
    folded: String,
    /// (token, glob) pairs, sorted by token, then glob.
    hits: Vec<(u32, GlobId)>,
    memo: TokenMemo,
}

/// Per-thread memo: original token text -> the globs it matches (`ids[from..from + n]`,
/// sorted). Answers repeat their tokens, so most tokens cost one table lookup instead of
/// a fold, two trie walks and an automaton run.
type TokenMemo = StringMemo<(u32, u32)>;

/// Source of `GlobMatcher::id`; 0 stays with the empty matcher, which never matches.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl GlobMatcher {
    /// Compiles every rule made of glob elements. A rule that mixes globs with tema
    /// patterns or gaps is an error (the importers never make one).
    pub fn compile(lexicon: &Lexicon) -> Result<Self, LexiconErrors> {
        let mut m = GlobMatcher::default();
        let mut ids: HashMap<String, GlobId> = HashMap::default();
        let mut errors = Vec::new();
        for (ri, rule) in lexicon.rules.iter().enumerate() {
            let Pattern::Phrase(steps) = &rule.pattern else {
                continue;
            };
            let is_glob = |s: &Step| matches!(s, Step::Token(alts) if alts.iter().any(|e| matches!(e.kind, ElemKind::Glob(_))));
            if !steps.iter().any(is_glob) {
                continue;
            }
            let mut gsteps = Vec::with_capacity(steps.len());
            for step in steps {
                let globs: Option<Vec<&str>> = match step {
                    Step::Token(alts) => alts
                        .iter()
                        .map(|e| match &e.kind {
                            ElemKind::Glob(g) => Some(g.as_str()),
                            _ => None,
                        })
                        .collect(),
                    Step::Gap(_) => None,
                };
                let Some(globs) = globs else {
                    errors.push(LexiconError {
                        file: rule.file.clone(),
                        line: rule.line,
                        rule: Some(rule.source.clone()),
                        message: "a glob pattern cannot be mixed with tema patterns or gaps in one rule".into(),
                    });
                    break;
                };
                let mut set: Vec<GlobId> = globs
                    .into_iter()
                    .map(|g| {
                        *ids.entry(g.to_string()).or_insert_with(|| {
                            m.globs.push(g.to_string());
                            (m.globs.len() - 1) as GlobId
                        })
                    })
                    .collect();
                set.sort_unstable();
                set.dedup();
                gsteps.push(set);
            }
            if gsteps.len() == steps.len() {
                m.rules.push(GlobRule { rule: ri as u32, except: rule.kind == RuleKind::Except, steps: gsteps });
            }
        }
        if !errors.is_empty() {
            return Err(LexiconErrors(errors));
        }

        let mut piece_ids: HashMap<String, usize> = HashMap::default();
        let mut piece_texts: Vec<String> = Vec::new();
        for (g, glob) in m.globs.iter().enumerate() {
            let Some((piece, check)) = split_glob(glob) else {
                m.bare.push(g as GlobId);
                continue;
            };
            match check {
                Check::Exact => m.forward.insert(piece.bytes(), g as GlobId, true),
                Check::Prefix => m.forward.insert(piece.bytes(), g as GlobId, false),
                Check::Suffix => m.backward.insert(piece.bytes().rev(), g as GlobId, false),
                Check::Infix | Check::Full => {}
            }
            if !matches!(check, Check::Infix | Check::Full) {
                continue;
            }
            let p = *piece_ids.entry(piece.to_string()).or_insert_with(|| {
                piece_texts.push(piece.to_string());
                m.pieces.push(Vec::new());
                piece_texts.len() - 1
            });
            m.pieces[p].push((g as GlobId, check));
        }
        m.forward.finish();
        m.backward.finish();
        if !piece_texts.is_empty() {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&piece_texts)
                .or_else(|_| AhoCorasick::builder().match_kind(MatchKind::Standard).build(&piece_texts))
                .map_err(|e| {
                    LexiconErrors(vec![LexiconError {
                        file: lexicon.name.clone(),
                        line: 0,
                        rule: None,
                        message: format!("cannot build the glob matcher: {e}"),
                    }])
                })?;
            m.ac = Some(ac);
        }
        m.by_first = vec![Vec::new(); m.globs.len()];
        for (i, r) in m.rules.iter().enumerate() {
            for &g in &r.steps[0] {
                m.by_first[g as usize].push(i as u32);
            }
        }
        m.id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(m)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Adds the hits of every glob rule in `text` (already tokenized into `tokens`).
    pub fn find(&self, text: &str, tokens: &Tokens, out: &mut RawMatches) {
        if self.rules.is_empty() || tokens.tokens.is_empty() {
            return;
        }
        SCRATCH.with(|s| self.find_with(text, tokens, &mut s.borrow_mut(), out));
    }

    fn find_with(&self, text: &str, tokens: &Tokens, s: &mut Scratch, out: &mut RawMatches) {
        let Scratch { folded, hits, memo } = s;
        hits.clear();
        memo.claim(self.id);
        for (ti, t) in tokens.tokens.iter().enumerate() {
            let (from, n) = memo.entry(text, t.start, t.end, |ids| {
                let (from, to) = self.memo_miss(&text[t.start..t.end], folded, ids);
                (from, to - from)
            });
            if n != 0 {
                let ids = &memo.ids[from as usize..from as usize + n as usize];
                hits.extend(ids.iter().map(|&g| (ti as u32, g)));
            }
        }

        let toks = &tokens.tokens;
        let has = |tok: usize, set: &[GlobId]| {
            let from = hits.partition_point(|h| (h.0 as usize) < tok);
            hits[from..].iter().take_while(|h| h.0 as usize == tok).any(|h| set.binary_search(&h.1).is_ok())
        };
        for &(ti, g) in hits.iter() {
            for &r in &self.by_first[g as usize] {
                let rule = &self.rules[r as usize];
                let start = ti as usize;
                let mut end = start;
                let matched = rule.steps[1..].iter().all(|set| {
                    end += 1;
                    end < toks.len() && has(end, set)
                });
                if matched {
                    let hit = RawHit { rule: rule.rule, start: toks[start].start, end: toks[end].end, fuzzy: false };
                    if rule.except {
                        out.excepts.push(hit);
                    } else {
                        out.terms.push(hit);
                    }
                }
            }
        }
    }
}

impl GlobMatcher {
    /// Appends the globs that match the token `original` to `ids`; returns their range.
    #[cold]
    fn memo_miss(&self, original: &str, folded: &mut String, ids: &mut Vec<GlobId>) -> (u32, u32) {
        let from = ids.len() as u32;
        folded.clear();
        fold_into(original, folded);
        self.token_globs(folded, ids);
        (from, ids.len() as u32)
    }

    /// Appends every glob that matches the folded token, sorted, each once.
    fn token_globs(&self, folded: &str, out: &mut Vec<GlobId>) {
        let from = out.len();
        let bytes = folded.as_bytes();
        self.forward.walk(bytes.iter().copied(), |g| out.push(g));
        self.backward.walk(bytes.iter().rev().copied(), |g| out.push(g));
        let anchored = out.len();
        if let Some(ac) = &self.ac {
            let len = folded.len();
            for m in ac.find_overlapping_iter(folded) {
                for &(g, check) in &self.pieces[m.pattern().as_usize()] {
                    // Globs from the tries are never pieces here; skip the ones found
                    // by an earlier match of this automaton.
                    if out[anchored..].contains(&g) {
                        continue;
                    }
                    let ok = match check {
                        Check::Exact => m.start() == 0 && m.end() == len,
                        Check::Prefix => m.start() == 0,
                        Check::Suffix => m.end() == len,
                        Check::Infix => true,
                        Check::Full => glob_match(&self.globs[g as usize], folded),
                    };
                    if ok {
                        out.push(g);
                    }
                }
            }
        }
        for &g in &self.bare {
            if glob_match(&self.globs[g as usize], folded) {
                out.push(g);
            }
        }
        // A glob is in one place only (a trie, the automaton or `bare`), but the two
        // tries may both hold one glob text's pieces under different globs: dedup anyway.
        let mut seen = out[from..].to_vec();
        seen.sort_unstable();
        seen.dedup();
        out.truncate(from);
        out.extend(seen);
    }
}

/// A byte trie of glob pieces, built as a list of insertions and then frozen into a
/// dense table (`finish`): a step is one byte-class lookup and one table read.
#[derive(Debug, Default)]
struct Trie {
    /// (piece, glob, only at token end), until `finish`
    pending: Vec<(Vec<u8>, GlobId, bool)>,
    /// byte -> class; class 0 is "no piece has this byte"
    class: Vec<u8>,
    classes: usize,
    /// node * classes + class -> next node (`| ACCEPTS` if globs match there); node 0
    /// is dead, node 1 the root. The flag saves a memory read on most steps.
    next: Vec<u32>,
    /// node -> range in `accepts` of the globs that match when a walk reaches it
    accept_at: Vec<(u32, u32)>,
    accepts: Vec<(GlobId, bool)>,
}

/// Flag bit of `Trie::next`.
const ACCEPTS: u32 = 1 << 31;

impl Trie {
    fn insert(&mut self, piece: impl Iterator<Item = u8>, glob: GlobId, whole: bool) {
        self.pending.push((piece.collect(), glob, whole));
    }

    fn finish(&mut self) {
        self.class = vec![0; 256];
        let mut classes = 1;
        for (piece, _, _) in &self.pending {
            for &b in piece {
                if self.class[b as usize] == 0 {
                    self.class[b as usize] = classes as u8;
                    classes += 1;
                }
            }
        }
        if classes > 255 {
            // More than 254 distinct bytes cannot occur in folded text pieces often; one
            // class per byte value keeps it correct.
            self.class = (0..=255u8).collect();
            classes = 256;
        }
        self.classes = classes;
        self.next = vec![0; 2 * classes];
        let mut lists: Vec<Vec<(GlobId, bool)>> = vec![Vec::new(); 2];
        for (piece, glob, whole) in std::mem::take(&mut self.pending) {
            let mut node = 1usize;
            for b in piece {
                let slot = node * classes + self.class[b as usize] as usize;
                if self.next[slot] == 0 {
                    self.next[slot] = lists.len() as u32;
                    lists.push(Vec::new());
                    self.next.resize(lists.len() * classes, 0);
                }
                node = self.next[slot] as usize;
            }
            lists[node].push((glob, whole));
        }
        for slot in self.next.iter_mut() {
            if *slot != 0 && !lists[*slot as usize].is_empty() {
                *slot |= ACCEPTS;
            }
        }
        for l in lists {
            let from = self.accepts.len() as u32;
            self.accepts.extend(l);
            self.accept_at.push((from, self.accepts.len() as u32));
        }
    }

    /// Walks `bytes` (one token, or it reversed) and reports each glob accepted on the way.
    #[inline]
    fn walk(&self, bytes: impl ExactSizeIterator<Item = u8>, mut hit: impl FnMut(GlobId)) {
        if self.next.is_empty() {
            return;
        }
        let mut node = 1usize;
        let mut left = bytes.len();
        for b in bytes {
            let next = self.next[node * self.classes + self.class[b as usize] as usize];
            if next == 0 {
                return;
            }
            node = (next & !ACCEPTS) as usize;
            left -= 1;
            if next & ACCEPTS == 0 {
                continue;
            }
            let (from, to) = self.accept_at[node];
            for &(g, whole) in &self.accepts[from as usize..to as usize] {
                if !whole || left == 0 {
                    hit(g);
                }
            }
        }
    }
}

/// A glob's literal piece for the automaton and where it must sit; `None` for a glob
/// without letters (`*`, `?*`).
fn split_glob(glob: &str) -> Option<(&str, Check)> {
    let wild = |c: char| c == '*' || c == '?';
    if !glob.contains(wild) {
        return Some((glob, Check::Exact));
    }
    if !glob.contains('?') {
        let core = glob.trim_matches('*');
        if !core.is_empty() && !core.contains('*') {
            let check = match (glob.starts_with('*'), glob.ends_with('*')) {
                (true, true) => Check::Infix,
                (true, false) => Check::Suffix,
                _ => Check::Prefix,
            };
            return Some((core, check));
        }
    }
    let longest = glob.split(wild).max_by_key(|p| p.len()).filter(|p| !p.is_empty())?;
    Some((longest, Check::Full))
}

/// Does `glob` (`*` any run, `?` one character) match all of `s`? Iterative, with
/// backtracking to the last `*` only: linear for the patterns dictionaries use.
pub fn glob_match(glob: &str, s: &str) -> bool {
    let p: Vec<char> = glob.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_semantics() {
        assert!(glob_match("bolig*", "bolig") && glob_match("bolig*", "boligmangel"));
        assert!(glob_match("*bolig", "kommunebolig") && !glob_match("*bolig", "boligen"));
        assert!(glob_match("*tolk*", "skjermtolkene") && glob_match("*tolk*", "tolk"));
        assert!(glob_match("kvalifisert*", "kvalifisert") && glob_match("t?lk", "tolk") && !glob_match("t?lk", "tlk"));
        assert!(glob_match("a*b*c", "axxbyyc") && !glob_match("a*b*c", "axxbyy"));
        assert!(glob_match("*", "") && glob_match("*", "x") && !glob_match("?", ""));
        assert!(glob_match("nav-*", "nav-kontoret") && !glob_match("nav-*", "navkontoret"));
    }

    /// The fast path (tries, automaton) finds exactly what testing every glob against
    /// every token finds, on random texts.
    #[test]
    fn agrees_with_brute_force() {
        use crate::lexicon::{pattern::parse_glob, quanteda::imported_theme, Rule};
        use crate::matcher::Matcher;
        use crate::text::{fold, tokenize};
        let globs = [
            "bolig*",
            "*bolig",
            "*tolk*",
            "tolk",
            "nav",
            "nav-*",
            "t?lk",
            "a*b*c",
            "*",
            "?",
            "bo trangt",
            "bolig* *mangel",
            "kvalifisert* tolk*",
            "ab",
            "b",
            "*b",
            "b*",
            "*ab*",
            "bostøtte*",
            "?olig*",
            "*ing?",
        ];
        let rules: Vec<Rule> = globs
            .iter()
            .enumerate()
            .map(|(i, g)| Rule { theme: 0, kind: RuleKind::Term, source: g.to_string(), pattern: parse_glob(g).unwrap(), file: "t".into(), line: i + 1 })
            .collect();
        let lex = Lexicon { name: "t".into(), version: "0".into(), themes: vec![imported_theme("t", "t", 1, "test")], rules: rules.clone() };
        let m = Matcher::compile(lex).unwrap();
        let words = [
            "bolig",
            "Boligmangel",
            "kommuneboligen",
            "kommunebolig",
            "tolk",
            "Tolkene",
            "skjermtolk",
            "talk",
            "NAV",
            "NAV-kontoret",
            "navn",
            "axbyc",
            "abc",
            "ab",
            "b",
            "bab",
            "bo",
            "trangt",
            ",",
            ".",
            "kvalifisert",
            "kvalifiserte",
            "tolker",
            "bostøtte",
            "BOSTOETTE",
            "mangel",
            "boligmangel",
            "ing",
            "tolking",
            "tolkinga",
            "https://www.nav.no/x",
            "😀",
            // Longer than the memo's short keys (16 bytes).
            "boligmangelproblemet",
            "Kommuneboligmangelen",
        ];
        let mut seed = 7u64;
        let mut tokens = Tokens::default();
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(words[(seed >> 33) as usize % words.len()]);
                text.push(' ');
            }
            let mut got: Vec<(u32, usize, usize)> = m.find(&text).terms.iter().map(|h| (h.rule, h.start, h.end)).collect();
            got.sort_unstable();
            got.dedup();
            tokenize(&text, &mut tokens);
            let folded: Vec<String> = tokens.tokens.iter().map(|t| fold(&text[t.start..t.end])).collect();
            let mut want = Vec::new();
            for (ri, r) in rules.iter().enumerate() {
                let steps: Vec<String> = r.source.split_whitespace().map(fold).collect();
                for start in 0..folded.len() {
                    if start + steps.len() <= folded.len() && steps.iter().enumerate().all(|(k, g)| glob_match(g, &folded[start + k])) {
                        let last = start + steps.len() - 1;
                        want.push((ri as u32, tokens.tokens[start].start, tokens.tokens[last].end));
                    }
                }
            }
            want.sort_unstable();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn pieces_and_checks() {
        assert_eq!(split_glob("tolk"), Some(("tolk", Check::Exact)));
        assert_eq!(split_glob("bolig*"), Some(("bolig", Check::Prefix)));
        assert_eq!(split_glob("*bolig"), Some(("bolig", Check::Suffix)));
        assert_eq!(split_glob("**tolk*"), Some(("tolk", Check::Infix)));
        assert_eq!(split_glob("kvali*ert"), Some(("kvali", Check::Full)));
        assert_eq!(split_glob("t?lkene"), Some(("lkene", Check::Full)));
        assert_eq!(split_glob("*"), None);
        assert_eq!(split_glob("??*"), None);
    }
}
