//! Typo tolerance: one edit (insert, delete, substitute, swap neighbours) on long words.
//!
//! A symmetric-delete index (as in SymSpell): every lexicon form and each of its
//! one-letter deletions is a key, so a lookup costs one hash probe per letter of the
//! word instead of a comparison with every form. Only forms of at least `MIN_CHARS`
//! letters take part: short words are too often one edit from another real word.

// Lookup keys are short words: FxHash is several times faster than SipHash for
// them, and the keys come from our own lexicon, not from an attacker.
use rustc_hash::FxHashMap as HashMap;

pub const MIN_CHARS: usize = 7;

#[derive(Debug, Default)]
pub struct FuzzyIndex {
    /// form -> index into `forms`
    exact: HashMap<String, u32>,
    /// one-deletion variant -> forms it comes from
    deletes: HashMap<String, Vec<u32>>,
    /// (form, element ids that have it)
    forms: Vec<(String, Vec<u32>)>,
}

impl FuzzyIndex {
    pub fn add(&mut self, form: &str, elem: u32) {
        if form.chars().count() < MIN_CHARS {
            return;
        }
        let idx = match self.exact.get(form) {
            Some(&i) => i,
            None => {
                let i = self.forms.len() as u32;
                self.forms.push((form.to_string(), Vec::new()));
                self.exact.insert(form.to_string(), i);
                let mut buf = String::new();
                for (pos, c) in form.char_indices() {
                    buf.clear();
                    buf.push_str(&form[..pos]);
                    buf.push_str(&form[pos + c.len_utf8()..]);
                    let list = self.deletes.entry(buf.clone()).or_default();
                    if !list.contains(&i) {
                        list.push(i);
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
    /// `buf` is scratch space.
    pub fn lookup(&self, word: &str, buf: &mut String, mut found: impl FnMut(u32)) {
        let n = word.chars().count();
        // The word itself must be long (docs/lexicon-format.md): a 6-letter word is too
        // often a real word one letter from a 7-letter form (vaksne / vaksine).
        if !(MIN_CHARS..=40).contains(&n) {
            return;
        }
        let mut candidates: [u32; 16] = [0; 16];
        let mut count = 0usize;
        let mut push = |i: u32| {
            if count < candidates.len() && !candidates[..count].contains(&i) {
                candidates[count] = i;
                count += 1;
            }
        };
        // word is a form with one letter missing
        if let Some(list) = self.deletes.get(word) {
            list.iter().for_each(|&i| push(i));
        }
        for (pos, c) in word.char_indices() {
            buf.clear();
            buf.push_str(&word[..pos]);
            buf.push_str(&word[pos + c.len_utf8()..]);
            // word has one letter too many
            if let Some(&i) = self.exact.get(buf.as_str()) {
                push(i);
            }
            // substitution or swap: both lose one letter to the same string
            if let Some(list) = self.deletes.get(buf.as_str()) {
                list.iter().for_each(|&i| push(i));
            }
        }
        for &i in &candidates[..count] {
            let (form, elems) = &self.forms[i as usize];
            if form != word && within_one_edit(form, word) {
                elems.iter().for_each(|&e| found(e));
            }
        }
    }
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
}
