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
//! Speed: every glob is reduced to one literal piece plus a check where the piece must
//! sit in the token (whole token, start, end, anywhere, or a full glob test for `?` and
//! inner `*`). All pieces go into one Aho-Corasick automaton that runs once per answer
//! over its folded tokens joined by spaces; a regex per pattern per token would cost
//! hundreds of times more.

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
    ac: Option<AhoCorasick>,
    /// Aho-Corasick pattern -> the globs that use it as their piece, and how.
    pieces: Vec<Vec<(GlobId, Check)>>,
    /// Globs without any literal (`*`, `?`): tested against every token.
    bare: Vec<GlobId>,
    rules: Vec<GlobRule>,
    /// glob -> indices into `rules` whose first step contains it
    by_first: Vec<Vec<u32>>,
}

#[derive(Default)]
struct Scratch {
    /// Folded tokens, each followed by a space.
    buf: String,
    /// Byte span of each token in `buf`.
    spans: Vec<(usize, usize)>,
    /// (token, glob) pairs, sorted by token.
    hits: Vec<(u32, GlobId)>,
}

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
            let Pattern::Phrase(steps) = &rule.pattern else { continue };
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
            let p = *piece_ids.entry(piece.to_string()).or_insert_with(|| {
                piece_texts.push(piece.to_string());
                m.pieces.push(Vec::new());
                piece_texts.len() - 1
            });
            m.pieces[p].push((g as GlobId, check));
        }
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
        let Scratch { buf, spans, hits } = s;
        buf.clear();
        spans.clear();
        hits.clear();
        for t in &tokens.tokens {
            let start = buf.len();
            fold_into(&text[t.start..t.end], buf);
            spans.push((start, buf.len()));
            buf.push(' ');
        }
        if let Some(ac) = &self.ac {
            // Overlapping matches come in order of their end, so the token cursor only
            // moves forward. `first` is where the current token's pairs begin in `hits`.
            let (mut ti, mut first) = (0usize, 0usize);
            for m in ac.find_overlapping_iter(buf.as_str()) {
                while spans[ti].1 < m.end() {
                    ti += 1;
                    first = hits.len();
                }
                let (ts, te) = spans[ti];
                for &(g, check) in &self.pieces[m.pattern().as_usize()] {
                    if hits[first..].iter().any(|h| h.1 == g) {
                        continue;
                    }
                    let ok = match check {
                        Check::Exact => m.start() == ts && m.end() == te,
                        Check::Prefix => m.start() == ts,
                        Check::Suffix => m.end() == te,
                        Check::Infix => true,
                        Check::Full => glob_match(&self.globs[g as usize], &buf[ts..te]),
                    };
                    if ok {
                        hits.push((ti as u32, g));
                    }
                }
            }
        }
        if !self.bare.is_empty() {
            for (ti, &(ts, te)) in spans.iter().enumerate() {
                for &g in &self.bare {
                    if glob_match(&self.globs[g as usize], &buf[ts..te]) {
                        hits.push((ti as u32, g));
                    }
                }
            }
            hits.sort_unstable();
            hits.dedup();
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
