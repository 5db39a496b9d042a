//! Typo tolerance: one edit (insert, delete, substitute, swap neighbours) on long words.
//!
//! Only forms of at least `MIN_CHARS` letters take part: short words are too often one
//! edit from another real word.
//!
//! The index buckets forms by affixes. For a form of m letters let k = (m - 1) / 2: a
//! word one edit away either has the same first k letters (the edit is at position k
//! or later) or the same last m - 1 - k letters (the edit is before k, and everything
//! after it is aligned). So each form is filed under two keys, its prefix and its
//! suffix of those lengths (with m); a lookup of a word of n letters probes the keys the
//! word gives for m = n - 1, n, n + 1 and checks those buckets' forms with
//! `within_one_edit`. Two keys per form keep building cheap (a symmetric-delete index
//! needs one per letter), and the long affixes keep buckets short even for a
//! 20,000-rule lexicon.
//!
//! The buckets are one flat array, sorted by key with a counting sort (a static hash
//! table): no allocation per form or per key, which is what a 400,000-form lexicon
//! spends its compile time on otherwise.

use std::hash::Hasher;

pub const MIN_CHARS: usize = 7;
/// Longest word looked up (in chars).
const MAX_CHARS: usize = 40;

#[derive(Debug, Default)]
pub struct FuzzyIndex {
    /// the indexed forms, one after another: form i is `text[bounds[i]..bounds[i + 1]]`
    text: String,
    bounds: Vec<u32>,
    /// the elements of form i are `elems[elem_bounds[i]..elem_bounds[i + 1]]`
    elem_bounds: Vec<u32>,
    elems: Vec<u32>,
    /// bucket b (the top bits of a key) is `entries[bucket_start[b]..bucket_start[b + 1]]`
    bucket_start: Vec<u32>,
    /// (low 32 bits of the key, form index); a key's forms in reverse order of adding
    entries: Vec<(u32, u32)>,
    /// key >> shift is its bucket
    shift: u32,
}

impl FuzzyIndex {
    /// Indexes the long `forms` (distinct), each with the elements that have it.
    pub fn new<'a>(forms: impl IntoIterator<Item = (&'a str, &'a [u32])>) -> Self {
        let mut ix = FuzzyIndex { bounds: vec![0], elem_bounds: vec![0], ..FuzzyIndex::default() };
        let mut keys: Vec<(u64, u32)> = Vec::new();
        for (form, elems) in forms {
            let m = char_len(form);
            // Longer forms are more than one edit from every word that is looked up.
            if !(MIN_CHARS..=MAX_CHARS + 1).contains(&m) {
                continue;
            }
            let i = ix.bounds.len() as u32 - 1;
            ix.text.push_str(form);
            ix.bounds.push(u32::try_from(ix.text.len()).expect("less than 4 GB of forms"));
            ix.elems.extend_from_slice(elems);
            ix.elem_bounds.push(ix.elems.len() as u32);
            for key in affix_keys(form, m) {
                keys.push((key, i));
            }
        }
        // About two entries per bucket; at least one bucket.
        let bits = (keys.len() / 2).max(1).next_power_of_two().trailing_zeros();
        ix.shift = 64 - bits;
        let mut next = vec![0u32; (1usize << bits) + 1];
        for &(key, _) in &keys {
            next[ix.bucket(key) + 1] += 1;
        }
        for b in 1..next.len() {
            next[b] += next[b - 1];
        }
        ix.bucket_start = next.clone();
        // Filled from each bucket's end: a key's forms come out newest first.
        ix.entries = vec![(0, 0); keys.len()];
        for &(key, form) in &keys {
            let b = ix.bucket(key);
            next[b + 1] -= 1;
            ix.entries[next[b + 1] as usize] = (key as u32, form);
        }
        ix
    }

    fn bucket(&self, key: u64) -> usize {
        key.checked_shr(self.shift).unwrap_or(0) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Calls `found(elem)` for every element with a form one edit from `word` (folded).
    /// `buf` is scratch space (kept for callers; the lookup builds no strings).
    pub fn lookup(&self, word: &str, _buf: &mut String, mut found: impl FnMut(u32)) {
        let n = char_len(word);
        // The word itself must be long (docs/lexicon-format.md): a 6-letter word is too
        // often a real word one letter from a 7-letter form (vaksne / vaksine).
        if !(MIN_CHARS..=MAX_CHARS).contains(&n) || self.is_empty() {
            return;
        }
        // A form can sit in several probed buckets; it is then checked and reported
        // again, which the caller's element set absorbs. Cheaper than deduplicating.
        for m in (n - 1).max(MIN_CHARS)..=n + 1 {
            for key in affix_keys(word, m) {
                let b = self.bucket(key);
                for &(tag, i) in &self.entries[self.bucket_start[b] as usize..self.bucket_start[b + 1] as usize] {
                    if tag != key as u32 {
                        continue;
                    }
                    let i = i as usize;
                    let form = &self.text[self.bounds[i] as usize..self.bounds[i + 1] as usize];
                    if form.len().abs_diff(word.len()) <= 4 && form != word && within_one_edit(form, word) {
                        self.elems[self.elem_bounds[i] as usize..self.elem_bounds[i + 1] as usize].iter().for_each(|&e| found(e));
                    }
                }
            }
        }
    }
}

fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The two keys of a form of `len` letters (see the module comment), taken from `s`
/// (the form itself, or a word looked up against forms of that length): the first
/// (len - 1) / 2 chars, and the last len - 1 - (len - 1) / 2.
fn affix_keys(s: &str, len: usize) -> [u64; 2] {
    let k = (len - 1) / 2;
    [affix_key(first_chars(s, k), 0, len), affix_key(last_chars(s, len - 1 - k), 1, len)]
}

fn affix_key(affix: &str, end: u64, len: usize) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(affix.as_bytes());
    h.write_u64((len as u64) << 1 | end);
    // Mixed so that both the top bits (bucket) and the low 32 (tag) depend on all of it.
    let x = h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

fn first_chars(s: &str, k: usize) -> &str {
    if s.is_ascii() {
        return &s[..k.min(s.len())];
    }
    s.char_indices().nth(k).map_or(s, |(i, _)| &s[..i])
}

fn last_chars(s: &str, k: usize) -> &str {
    if k == 0 {
        return "";
    }
    if s.is_ascii() {
        return &s[s.len() - k.min(s.len())..];
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
    use crate::matcher::forms::FormTableBuilder;

    /// The index of (form, element) pairs, through the `FormTable` that groups them.
    fn index(pairs: &[(&str, u32)]) -> FuzzyIndex {
        let mut b = FormTableBuilder::with_capacity(pairs.len());
        pairs.iter().for_each(|&(f, e)| b.add(f, e));
        FuzzyIndex::new(b.finish().iter())
    }

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
        let ix = index(&[("kvalifisering", 1), ("tolk", 2)]);
        let mut buf = String::new();
        let mut got = vec![];
        for w in ["kvalifisreing", "kvalifiseing", "kvalifiseringg", "kvalifisering", "tolx", "kvalifsireing"] {
            ix.lookup(w, &mut buf, |e| got.push((w, e)));
        }
        assert_eq!(got, vec![("kvalifisreing", 1), ("kvalifiseing", 1), ("kvalifiseringg", 1)]);
        // six letters: never a typo match, even one letter from a 7-letter form
        let ix = index(&[("kvalifisering", 1), ("tolk", 2), ("vaksine", 3)]);
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
            let pairs: Vec<(&str, u32)> = forms.iter().enumerate().map(|(i, f)| (f.as_str(), i as u32)).collect();
            let ix = index(&pairs);
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
