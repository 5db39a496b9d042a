//! Typo tolerance: one edit (insert, delete, substitute, swap neighbours) on long words.
//!
//! Only forms of at least `MIN_CHARS` letters take part: short words are too often one
//! edit from another real word.
//!
//! The index buckets forms by affixes. For a word of n letters let k = (n - 1) / 2: a
//! form one edit away (n - 1 to n + 1 letters) either has the same first k letters (the
//! edit is at position k or later) or the same last n - 1 - k letters (the edit is
//! before k, and everything after it is aligned). So a form of m letters is filed under
//! its prefix and suffix of those lengths for each n in m - 1 ..= m + 1, and a lookup
//! probes two buckets and checks their forms with `within_one_edit`. Building costs six
//! hash inserts per form (a symmetric-delete index needs one per letter), and the long
//! affixes keep buckets short even for a 20,000-rule lexicon.

// Lookup keys are hashes of short affixes of our own lexicon, not attacker input.
use rustc_hash::FxHashMap as HashMap;

pub const MIN_CHARS: usize = 7;
/// Longest word looked up (in chars).
const MAX_CHARS: usize = 40;

#[derive(Debug, Default)]
pub struct FuzzyIndex {
    /// form -> index into `forms`
    form_ids: HashMap<String, u32>,
    /// (affix, which end, word length) hash -> head of its list in `entries`
    heads: HashMap<u64, u32>,
    /// (form index, next entry or `NONE`): linked lists without one allocation per key
    entries: Vec<(u32, u32)>,
    /// (form, element ids that have it)
    forms: Vec<(String, Vec<u32>)>,
}

const NONE: u32 = u32::MAX;

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
                for len in n - 1..=n + 1 {
                    if !(MIN_CHARS..=MAX_CHARS).contains(&len) {
                        continue;
                    }
                    for key in affix_keys(form, len) {
                        let head = self.heads.entry(key).or_insert(NONE);
                        self.entries.push((i, *head));
                        *head = (self.entries.len() - 1) as u32;
                    }
                }
                i
            }
        };
        let elems = &mut self.forms[idx as usize].1;
        if !elems.contains(&elem) {
            elems.push(elem);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Calls `found(elem)` for every element with a form one edit from `word` (folded).
    /// `buf` is scratch space (kept for callers; the lookup builds no strings).
    pub fn lookup(&self, word: &str, _buf: &mut String, mut found: impl FnMut(u32)) {
        let n = word.chars().count();
        // The word itself must be long (docs/lexicon-format.md): a 6-letter word is too
        // often a real word one letter from a 7-letter form (vaksne / vaksine).
        if !(MIN_CHARS..=MAX_CHARS).contains(&n) || self.forms.is_empty() {
            return;
        }
        // A form can sit in both buckets; it is then checked twice and reported twice,
        // which the caller's element set absorbs. Cheaper than deduplicating.
        for key in affix_keys(word, n) {
            let mut e = self.heads.get(&key).copied().unwrap_or(NONE);
            while e != NONE {
                let (i, next) = self.entries[e as usize];
                e = next;
                let (form, elems) = &self.forms[i as usize];
                if form.len().abs_diff(word.len()) <= 4 && form != word && within_one_edit(form, word) {
                    elems.iter().for_each(|&e| found(e));
                }
            }
        }
    }
}

/// The two bucket keys under which a word of `len` letters finds `s` (see the module
/// comment): the first (len - 1) / 2 chars, and the last len - 1 - (len - 1) / 2.
fn affix_keys(s: &str, len: usize) -> [u64; 2] {
    let k = (len - 1) / 2;
    [affix_key(first_chars(s, k), 0, len), affix_key(last_chars(s, len - 1 - k), 1, len)]
}

fn affix_key(affix: &str, end: u64, len: usize) -> u64 {
    let mut h = (len as u64) << 1 | end;
    for &b in affix.as_bytes() {
        h = (h.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h
}

fn first_chars(s: &str, k: usize) -> &str {
    s.char_indices().nth(k).map_or(s, |(i, _)| &s[..i])
}

fn last_chars(s: &str, k: usize) -> &str {
    if k == 0 {
        return "";
    }
    s.char_indices().rev().nth(k - 1).map_or(s, |(i, _)| &s[i..])
}

/// Optimal string alignment distance <= 1.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return within_one_edit_of(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    within_one_edit_of(&a, &b)
}

/// One edit apart (or equal), from the longest common prefix p and the longest common
/// suffix s after it: a substitution needs p + s + 1 = n, a swap of neighbours
/// p + s + 2 = n with the two letters crossed, an insertion p + s = the shorter length.
fn within_one_edit_of<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let min = la.min(lb);
    let p = (0..min).take_while(|&i| a[i] == b[i]).count();
    if p == min {
        return true;
    }
    let s = (0..min - p).take_while(|&i| a[la - 1 - i] == b[lb - 1 - i]).count();
    if la == lb {
        p + s + 1 >= la || (p + s + 2 == la && a[p] == b[p + 1] && a[p + 1] == b[p])
    } else {
        p + s >= min
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

    /// The implementation before the prefix/suffix rewrite, as the reference.
    fn within_one_edit_reference(a: &str, b: &str) -> bool {
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
            std::cmp::Ordering::Equal => ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..]),
            std::cmp::Ordering::Greater => ra[1..] == *rb,
            std::cmp::Ordering::Less => *ra == rb[1..],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        #[test]
        fn within_one_edit_matches_the_reference(a in "[abø]{0,7}", b in "[abø]{0,7}") {
            prop_assert_eq!(within_one_edit(&a, &b), within_one_edit_reference(&a, &b));
        }
    }
}
