//! The engine: tag one answer or a batch with a compiled lexicon.
//!
//! `Engine` is cheap to clone (an `Arc` around the immutable matcher), so the CLI,
//! rayon workers and (later) the HTTP service share one compiled lexicon.

use crate::lexicon::{Lexicon, LexiconErrors};
use crate::matcher::{Matcher, RawHit, RawMatches};
use crate::text::char_offset;
use rayon::prelude::*;
use serde::Serialize;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// Per-thread raw matches, reused from answer to answer.
    static RAW: RefCell<RawMatches> = RefCell::new(RawMatches::default());
}

/// One piece of evidence: a rule of a theme matched `text[start..end]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index into `Lexicon::themes`.
    pub theme: usize,
    /// Index into `Lexicon::rules`.
    pub rule: usize,
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
    /// Char offsets (Unicode scalar values) into the original text.
    pub char_start: usize,
    pub char_end: usize,
    /// Matched as a typo of the rule's word.
    pub fuzzy: bool,
}

/// A hit that a veto removed, with the vetoing rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vetoed {
    pub hit: Hit,
    pub by: Hit,
}

/// One coded answer: its themes (sorted by id) and the evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coded {
    /// Theme indices, sorted by theme id.
    pub themes: Vec<usize>,
    /// Hits in text order.
    pub hits: Vec<Hit>,
    /// Only filled by `Engine::explain`.
    pub vetoed: Vec<Vetoed>,
}

/// How much of the evidence `code_into` keeps.
#[derive(Clone, Copy)]
enum Evidence {
    /// Themes only (counting).
    None,
    /// Themes and hits (`tag`).
    Hits,
    /// Also the vetoed hits (`explain`).
    WithVetoed,
}

/// JSON shape of a hit, as `tema tag` writes it.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct HitJson<'a> {
    pub theme: &'a str,
    pub rule: String,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
}

#[derive(Clone, Debug)]
pub struct Engine {
    matcher: Arc<Matcher>,
    /// theme index -> rank in id order (themes are listed sorted by id)
    id_rank: Arc<Vec<usize>>,
}

impl Engine {
    pub fn new(lexicon: Lexicon) -> Result<Self, LexiconErrors> {
        let mut order: Vec<usize> = (0..lexicon.themes.len()).collect();
        order.sort_by(|&a, &b| lexicon.themes[a].id.cmp(&lexicon.themes[b].id));
        let mut rank = vec![0; order.len()];
        for (r, &t) in order.iter().enumerate() {
            rank[t] = r;
        }
        Ok(Engine { matcher: Arc::new(Matcher::compile(lexicon)?), id_rank: Arc::new(rank) })
    }

    /// The engine for the embedded default lexicon.
    pub fn default_engine() -> Self {
        Self::new(Lexicon::default_lexicon().expect("the embedded default lexicon parses")).expect("the embedded default lexicon compiles")
    }

    pub fn lexicon(&self) -> &Lexicon {
        self.matcher.lexicon()
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Codes one answer.
    pub fn tag(&self, text: &str) -> Coded {
        let mut coded = Coded::default();
        self.tag_into(text, &mut coded);
        coded
    }

    /// Codes one answer and keeps the vetoed near-misses.
    pub fn explain(&self, text: &str) -> Coded {
        let mut coded = Coded::default();
        self.code_into(text, Evidence::WithVetoed, &mut coded);
        coded
    }

    /// Codes many answers in parallel; the output is in input order. (Bulk runs code
    /// batches through `output::batches`, which reuses each answer's `Coded` with
    /// `tag_into` / `themes_into`.)
    pub fn tag_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Coded> {
        texts.par_iter().map(|t| self.tag(t.as_ref())).collect()
    }

    /// Codes one answer into `coded`, reusing its buffers (what `tag` returns).
    pub fn tag_into(&self, text: &str, coded: &mut Coded) {
        self.code_into(text, Evidence::Hits, coded)
    }

    /// Codes one answer for its themes only: `coded.themes` as `tag` gives them, and no
    /// evidence (`hits` and `vetoed` stay empty), which saves sorting the matches and
    /// counting characters for offsets. For counting.
    pub fn themes_into(&self, text: &str, coded: &mut Coded) {
        self.code_into(text, Evidence::None, coded)
    }

    fn code_into(&self, text: &str, evidence: Evidence, coded: &mut Coded) {
        coded.themes.clear();
        coded.hits.clear();
        coded.vetoed.clear();
        RAW.with(|raw| {
            let raw = &mut *raw.borrow_mut();
            raw.terms.clear();
            raw.excepts.clear();
            self.matcher.find_into(text, raw);
            match evidence {
                Evidence::None => self.themes_of(raw, coded),
                Evidence::Hits => self.resolve(text, raw, false, coded),
                Evidence::WithVetoed => self.resolve(text, raw, true, coded),
            }
        });
        coded.themes.sort_by_key(|&t| self.id_rank[t]);
    }

    /// The veto of `h`'s theme that overlaps it, if any.
    fn veto_of<'r>(&self, h: &RawHit, theme: usize, excepts: &'r [RawHit]) -> Option<&'r RawHit> {
        let rules = &self.lexicon().rules;
        excepts.iter().find(|v| rules[v.rule as usize].theme == theme && v.start < h.end && h.start < v.end)
    }

    /// Themes of the unvetoed matches, unsorted.
    fn themes_of(&self, raw: &RawMatches, coded: &mut Coded) {
        for h in &raw.terms {
            let theme = self.lexicon().rules[h.rule as usize].theme;
            if !coded.themes.contains(&theme) && self.veto_of(h, theme, &raw.excepts).is_none() {
                coded.themes.push(theme);
            }
        }
    }

    /// Raw matches -> hits in text order (vetoed ones dropped or kept aside), themes
    /// (unsorted).
    fn resolve(&self, text: &str, raw: &mut RawMatches, keep_vetoed: bool, coded: &mut Coded) {
        let lex = self.lexicon();
        let mut chars = CharCounter::new(text);
        let terms = &mut raw.terms;
        terms.sort_by_key(|h| (h.start, h.end, h.rule));
        terms.dedup_by_key(|h| (h.start, h.end, h.rule));
        let excepts = &mut raw.excepts;
        excepts.sort_by_key(|h| (h.start, h.end, h.rule));
        for h in terms.iter() {
            let theme = lex.rules[h.rule as usize].theme;
            let hit = self.to_hit(h, theme, &mut chars);
            match self.veto_of(h, theme, excepts) {
                None => coded.hits.push(hit),
                Some(v) if keep_vetoed => {
                    let by = self.to_hit(v, theme, &mut CharCounter::new(text));
                    coded.vetoed.push(Vetoed { hit, by });
                }
                Some(_) => {}
            }
        }
        for h in &coded.hits {
            if !coded.themes.contains(&h.theme) {
                coded.themes.push(h.theme);
            }
        }
    }

    fn to_hit(&self, h: &RawHit, theme: usize, chars: &mut CharCounter) -> Hit {
        let char_start = chars.at(h.start);
        let char_end = chars.at(h.end);
        Hit { theme, rule: h.rule as usize, start: h.start, end: h.end, char_start, char_end, fuzzy: h.fuzzy }
    }

    /// The rule id shown in evidence: the pattern, with `~` for a typo match.
    pub fn rule_label(&self, hit: &Hit) -> String {
        let src = &self.lexicon().rules[hit.rule].source;
        if hit.fuzzy {
            format!("{src}~")
        } else {
            src.clone()
        }
    }

    pub fn hit_json<'a>(&'a self, text: &'a str, hit: &Hit) -> HitJson<'a> {
        HitJson {
            theme: &self.lexicon().themes[hit.theme].id,
            rule: self.rule_label(hit),
            text: &text[hit.start..hit.end],
            start: hit.start,
            end: hit.end,
            char_start: hit.char_start,
            char_end: hit.char_end,
        }
    }

    /// Theme ids of a coded answer, sorted.
    pub fn theme_ids<'a>(&'a self, coded: &Coded) -> Vec<&'a str> {
        coded.themes.iter().map(|&t| self.lexicon().themes[t].id.as_str()).collect()
    }
}

/// Byte -> char offsets for increasing byte positions without rescanning the text.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter { text, byte: 0, chars: 0 }
    }
    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            return char_offset(self.text, byte);
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}
