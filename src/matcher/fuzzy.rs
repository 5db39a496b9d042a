//! Typo tolerance: one edit (insert, delete, substitute, swap neighbours) on long words.
//!
//! A symmetric-delete index (as in SymSpell): every lexicon form and each of its
//! one-letter deletions is a key, so a lookup costs one hash probe per letter of the
//! word instead of a comparison with every form. Only forms of at least `MIN_CHARS`
//! letters take part: short words are too often one edit from another real word.
//!
//! Speed: keys are 64-bit polynomial hashes, so the hashes of all one-letter deletions
//! of a word come from its prefix and suffix hashes without building a string; a hash
//! only proposes candidates, and every candidate is checked with `within_one_edit`.
//! Before any probe, a bitmap of (first k letters, length) and (last k letters, length)
//! rejects most words: a word one edit from a form shares its first or its last k
//! letters with it (k = (len - 1) / 2, at most 5), see `affix_len`.

// Lookup keys are hashes of our own lexicon's words, not attacker input.
use rustc_hash::FxHashMap as HashMap;

pub const MIN_CHARS: usize = 7;
/// Longest word looked up (in chars).
const MAX_CHARS: usize = 40;

#[derive(Debug, Default)]
pub struct FuzzyIndex {
    /// form -> index into `forms`
    form_ids: HashMap<String, u32>,
    /// hash of a form or of a one-deletion variant -> head of its list in `entries`
    heads: HashMap<u64, u32>,
    /// (form index, next entry or `NONE`): linked lists without one allocation per key
    entries: Vec<(u32, u32)>,
    /// (form, element ids that have it)
    forms: Vec<(String, Vec<u32>)>,
    /// affix filter, see the module comment; `filter_bits` is a power of two
    filter: Vec<u64>,
    filter_bits: usize,
}

const NONE: u32 = u32::MAX;
/// Base of the polynomial hash (odd, so powers never vanish mod 2^64).
const BASE: u64 = 0x100_0000_01b3;

impl FuzzyIndex {
    pub fn add(&mut self, form: &str, elem: u32) {
        let n = form.chars().count();
        if n < MIN_CHARS {
            return;
        }
        let idx = match self.form_ids.get(form) {
            Some(&i) => i,
            None => {
                let i = self.forms.len() as u32;
                self.forms.push((form.to_string(), Vec::new()));
                self.form_ids.insert(form.to_string(), i);
                self.index_form(form, i);
                self.add_to_filter(form, n);
                i
            }
        };
        let elems = &mut self.forms[idx as usize].1;
        if !elems.contains(&elem) {
            elems.push(elem);
        }
    }

    /// Adds the form and all its one-char deletions as keys.
    fn index_form(&mut self, form: &str, i: u32) {
        let mut key = |h: u64, entries: &mut Vec<(u32, u32)>| {
            let head = self.heads.entry(h).or_insert(NONE);
            // The same variant twice from one form ("aab" without either `a`): once.
            if *head != NONE && entries[*head as usize].0 == i {
                return;
            }
            entries.push((i, *head));
            *head = (entries.len() - 1) as u32;
        };
        let whole = poly(form.as_bytes());
        key(finish(whole), &mut self.entries);
        for_each_deletion(form, whole, |h| key(finish(h), &mut self.entries));
    }

    fn add_to_filter(&mut self, form: &str, n: usize) {
        // Rebuild at a larger size when the filter gets crowded (about 1/32 full).
        let wanted = (self.forms.len() * 64).next_power_of_two().max(1 << 12);
        if wanted > self.filter_bits {
            self.filter_bits = wanted;
            self.filter = vec![0; wanted / 64];
            let forms: Vec<(String, usize)> = self.forms.iter().map(|(f, _)| (f.clone(), f.chars().count())).collect();
            for (f, m) in &forms {
                self.set_affixes(f, *m);
            }
        } else {
            self.set_affixes(form, n);
        }
    }

    /// Marks the affixes a word of length m-1, m or m+1 must share with this form.
    fn set_affixes(&mut self, form: &str, m: usize) {
        for n in m.saturating_sub(1)..=m + 1 {
            if n < MIN_CHARS {
                continue;
            }
            let k = affix_len(n);
            for bit in [affix_bit(prefix(form, k), n, self.filter_bits), affix_bit(suffix(form, k), n, self.filter_bits)] {
                self.filter[bit / 64] |= 1 << (bit % 64);
            }
        }
    }

    fn may_have_typo_of(&self, word: &str, n: usize) -> bool {
        let k = affix_len(n);
        [prefix(word, k), suffix(word, k)].into_iter().any(|a| {
            let bit = affix_bit(a, n, self.filter_bits);
            self.filter[bit / 64] & (1 << (bit % 64)) != 0
        })
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Calls `found(elem)` for every element with a form one edit from `word` (folded).
    /// `buf` is scratch space (kept for callers; the lookup no longer builds strings).
    pub fn lookup(&self, word: &str, _buf: &mut String, mut found: impl FnMut(u32)) {
        let n = word.chars().count();
        // The word itself must be long (docs/lexicon-format.md): a 6-letter word is too
        // often a real word one letter from a 7-letter form (vaksne / vaksine).
        if !(MIN_CHARS..=MAX_CHARS).contains(&n) || self.forms.is_empty() || !self.may_have_typo_of(word, n) {
            return;
        }
        let mut candidates: [u32; 32] = [0; 32];
        let mut count = 0usize;
        let mut overflow: Vec<u32> = Vec::new();
        let mut push = |i: u32| {
            if candidates[..count].contains(&i) || overflow.contains(&i) {
                return;
            }
            if count < candidates.len() {
                candidates[count] = i;
                count += 1;
            } else {
                overflow.push(i);
            }
        };
        let mut probe = |h: u64| {
            let mut e = self.heads.get(&finish(h)).copied().unwrap_or(NONE);
            while e != NONE {
                let (form, next) = self.entries[e as usize];
                push(form);
                e = next;
            }
        };
        let whole = poly(word.as_bytes());
        // word is a form with one letter missing
        probe(whole);
        // word has one letter too many (a form), or a substitution or swap (both lose
        // one letter to the same string as the form)
        for_each_deletion(word, whole, &mut probe);
        for &i in candidates[..count].iter().chain(&overflow) {
            let (form, elems) = &self.forms[i as usize];
            if form != word && within_one_edit(form, word) {
                elems.iter().for_each(|&e| found(e));
            }
        }
    }
}

/// How many letters at the start or the end a word of `n` letters shares with any form
/// one edit away (proof: an edit at position p < k leaves the last n - k - 1 >= k
/// letters aligned when n >= 2k + 1).
fn affix_len(n: usize) -> usize {
    ((n - 1) / 2).min(5)
}

fn prefix(s: &str, k: usize) -> &str {
    s.char_indices().nth(k).map_or(s, |(i, _)| &s[..i])
}

fn suffix(s: &str, k: usize) -> &str {
    s.char_indices().rev().nth(k - 1).map_or(s, |(i, _)| &s[i..])
}

fn affix_bit(affix: &str, n: usize, bits: usize) -> usize {
    (finish(poly(affix.as_bytes()) ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) as usize) & (bits - 1)
}

/// Polynomial hash of a byte string: sum of (byte + 1) * BASE^(distance from the end).
fn poly(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |h, &x| h.wrapping_mul(BASE).wrapping_add(x as u64 + 1))
}

/// Calls `f` with the polynomial hash of `s` without each of its chars, in order. With
/// P = hash of the part before the char and W = hash of all of `s`, the hash of the
/// part after it is W - P' * BASE^rest (P' = P with the char), so no string is built.
fn for_each_deletion(s: &str, whole: u64, mut f: impl FnMut(u64)) {
    let b = s.as_bytes();
    let mut before = 0u64;
    for (pos, c) in s.char_indices() {
        let end = pos + c.len_utf8();
        let with_char = b[pos..end].iter().fold(before, |h, &x| h.wrapping_mul(BASE).wrapping_add(x as u64 + 1));
        let scale = pow(b.len() - end);
        let after = whole.wrapping_sub(with_char.wrapping_mul(scale));
        f(before.wrapping_mul(scale).wrapping_add(after));
        before = with_char;
    }
}

/// `BASE^e` for the byte lengths of usual words.
const POW: [u64; 256] = {
    let mut t = [1u64; 256];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1].wrapping_mul(BASE);
        i += 1;
    }
    t
};

fn pow(e: usize) -> u64 {
    match POW.get(e) {
        Some(&p) => p,
        None => (POW.len() - 1..e).fold(POW[POW.len() - 1], |p, _| p.wrapping_mul(BASE)),
    }
}

/// Mixes a polynomial hash so that all its bits vary (the low bits alone are weak).
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Optimal string alignment distance <= 1.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if prefix == la && prefix == lb {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_one() {
        assert!(within_one_edit("kvalifisering", "kvalifisreing"));
        assert!(within_one_edit("kvalifisering", "kvalifisering"));
        assert!(within_one_edit("boligmarkedet", "boligmarkdet"));
        assert!(within_one_edit("boligmarkedet", "boligmarkedett"));
        assert!(within_one_edit("helsestasjon", "helsestasjom"));
        assert!(!within_one_edit("helsestasjon", "helsestajsom"));
        assert!(!within_one_edit("abcdefg", "abcdgfe"));
    }

    #[test]
    fn index_finds_typos_of_long_forms_only() {
        let mut ix = FuzzyIndex::default();
        ix.add("kvalifisering", 1);
        ix.add("tolk", 2);
        let mut buf = String::new();
        let mut got = vec![];
        for w in ["kvalifisreing", "kvalifiseing", "kvalifiseringg", "kvalifisering", "tolx", "kvalifsireing"] {
            ix.lookup(w, &mut buf, |e| got.push((w, e)));
        }
        assert_eq!(got, vec![("kvalifisreing", 1), ("kvalifiseing", 1), ("kvalifiseringg", 1)]);
        // six letters: never a typo match, even one letter from a 7-letter form
        ix.add("vaksine", 3);
        let mut six = vec![];
        ix.lookup("vaksne", &mut buf, |e| six.push(e));
        assert!(six.is_empty());
    }

    use proptest::prelude::*;

    /// One random edit of `form`: (kind, position, letter).
    fn edit(form: &str, kind: u8, pos: usize, letter: char) -> String {
        let mut c: Vec<char> = form.chars().collect();
        let p = pos % c.len();
        match kind % 4 {
            0 => c[p] = letter,
            1 => c.insert(p, letter),
            2 => {
                c.remove(p);
            }
            _ => {
                let q = if p + 1 < c.len() { p + 1 } else { p - 1 };
                c.swap(p, q);
            }
        }
        c.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The hash keys and the affix filter never lose a typo: every word within one
        /// edit of a form (and long enough) is found, among many other forms.
        #[test]
        fn finds_every_single_edit(
            forms in proptest::collection::vec("[a-eæøå]{7,14}", 1..40),
            pick in 0usize..40, kind in 0u8..4, pos in 0usize..20, letter in proptest::sample::select(vec!['a', 'b', 'x', 'ø', 'e'])
        ) {
            let mut ix = FuzzyIndex::default();
            for (i, f) in forms.iter().enumerate() {
                ix.add(f, i as u32);
            }
            let form = &forms[pick % forms.len()];
            let word = edit(form, kind, pos, letter);
            let mut got = Vec::new();
            ix.lookup(&word, &mut String::new(), |e| got.push(e));
            let n = word.chars().count();
            let expected: Vec<u32> = forms.iter().enumerate()
                .filter(|(_, f)| **f != word && within_one_edit(f, &word))
                .map(|(i, _)| i as u32).collect();
            if (MIN_CHARS..=MAX_CHARS).contains(&n) {
                for e in &expected {
                    prop_assert!(got.contains(e), "{word:?} should find {:?}", forms[*e as usize]);
                }
            }
            for e in &got {
                prop_assert!(expected.contains(e));
            }
        }
    }
}
