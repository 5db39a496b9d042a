//! The whole-word forms of a compiled lexicon: folded form -> the elements that have it.
//!
//! A 20,000-rule lexicon has about 400,000 distinct forms. As a `HashMap<String,
//! Vec<u32>>` that is two allocations per form, and allocating and freeing them was
//! most of the compile time. Here all forms live in one text buffer, their element
//! lists in one flat array, and the lookup is an open-addressing table of form indices
//! sized once from the number of forms the lexicon can have.

use std::hash::Hasher;

/// Forms and their elements, built once by `FormTableBuilder`.
#[derive(Debug, Default)]
pub struct FormTable {
    /// every form, one after another
    text: String,
    /// form i is `text[bounds[i]..bounds[i + 1]]`
    bounds: Vec<u32>,
    /// the elements of form i are `elems[elem_bounds[i]..elem_bounds[i + 1]]`, in the
    /// order they were added
    elem_bounds: Vec<u32>,
    elems: Vec<u32>,
    /// open addressing, linear probing: form index + 1, 0 for an empty slot
    slots: Vec<u32>,
}

impl FormTable {
    /// The elements that have `form`, if any.
    pub fn get(&self, form: &str) -> Option<&[u32]> {
        let i = self.find(form)?;
        Some(&self.elems[self.elem_bounds[i] as usize..self.elem_bounds[i + 1] as usize])
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// (form, elements), in the order the forms were first added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u32])> + '_ {
        (0..self.len()).map(|i| (self.form(i), &self.elems[self.elem_bounds[i] as usize..self.elem_bounds[i + 1] as usize]))
    }

    fn form(&self, i: usize) -> &str {
        &self.text[self.bounds[i] as usize..self.bounds[i + 1] as usize]
    }

    fn find(&self, form: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut s = slot(form, mask);
        loop {
            match self.slots[s] {
                0 => return None,
                f if self.form(f as usize - 1) == form => return Some(f as usize - 1),
                _ => s = (s + 1) & mask,
            }
        }
    }
}

/// Collects (form, element) pairs into a `FormTable`.
pub struct FormTableBuilder {
    table: FormTable,
    /// first element of each form
    first: Vec<u32>,
    /// (form, element) for the second and later elements of a form, in order
    more: Vec<(u32, u32)>,
}

impl FormTableBuilder {
    /// A builder for at most `max_forms` distinct forms (more panics).
    pub fn with_capacity(max_forms: usize) -> Self {
        // Load at most one half: short probe runs, and no table growth while adding.
        let slots = (2 * max_forms).max(8).next_power_of_two();
        let mut bounds = Vec::with_capacity(max_forms + 1);
        bounds.push(0);
        FormTableBuilder {
            table: FormTable { text: String::new(), bounds, elem_bounds: Vec::new(), elems: Vec::new(), slots: vec![0; slots] },
            first: Vec::with_capacity(max_forms),
            more: Vec::new(),
        }
    }

    /// Adds `elem` to `form`. An element must not add the same form twice (the parser
    /// gives each element distinct forms), so lists need no deduplication.
    pub fn add(&mut self, form: &str, elem: u32) {
        let t = &mut self.table;
        let mask = t.slots.len() - 1;
        let mut s = slot(form, mask);
        loop {
            match t.slots[s] {
                0 => {
                    assert!(self.first.len() < t.slots.len() / 2, "FormTableBuilder: more forms than its capacity");
                    t.text.push_str(form);
                    t.bounds.push(u32::try_from(t.text.len()).expect("less than 4 GB of forms"));
                    self.first.push(elem);
                    t.slots[s] = self.first.len() as u32;
                    return;
                }
                f if t.form(f as usize - 1) == form => {
                    self.more.push((f - 1, elem));
                    return;
                }
                _ => s = (s + 1) & mask,
            }
        }
    }

    pub fn finish(self) -> FormTable {
        let FormTableBuilder { mut table, first, more } = self;
        let n = first.len();
        let mut counts = vec![1u32; n];
        for &(f, _) in &more {
            counts[f as usize] += 1;
        }
        table.elem_bounds = Vec::with_capacity(n + 1);
        table.elem_bounds.push(0);
        let mut total = 0u32;
        for c in &counts {
            total += c;
            table.elem_bounds.push(total);
        }
        table.elems = vec![0; total as usize];
        // `counts` becomes the next free position of each form's list.
        for (f, &e) in first.iter().enumerate() {
            let at = table.elem_bounds[f];
            table.elems[at as usize] = e;
            counts[f] = at + 1;
        }
        for (f, e) in more {
            table.elems[counts[f as usize] as usize] = e;
            counts[f as usize] += 1;
        }
        table
    }
}

/// Home slot of `form` in a table of `mask + 1` slots.
fn slot(form: &str, mask: usize) -> usize {
    let mut h = rustc_hash::FxHasher::default();
    h.write(form.as_bytes());
    // Fibonacci hashing: the high bits of the product mix every bit of the hash.
    (h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_keep_their_elements_in_order() {
        let mut b = FormTableBuilder::with_capacity(4);
        b.add("bolig", 0);
        b.add("boligen", 0);
        b.add("bolig", 3);
        b.add("tolk", 1);
        b.add("bolig", 2);
        let t = b.finish();
        assert_eq!(t.len(), 3);
        assert_eq!(t.get("bolig"), Some(&[0, 3, 2][..]));
        assert_eq!(t.get("boligen"), Some(&[0][..]));
        assert_eq!(t.get("tolk"), Some(&[1][..]));
        assert_eq!(t.get("boli"), None);
        assert_eq!(t.get(""), None);
        let all: Vec<_> = t.iter().map(|(f, e)| (f.to_string(), e.to_vec())).collect();
        assert_eq!(all, vec![("bolig".into(), vec![0, 3, 2]), ("boligen".into(), vec![0]), ("tolk".into(), vec![1])]);
    }

    #[test]
    fn empty_table_finds_nothing() {
        assert_eq!(FormTable::default().get("x"), None);
        assert!(FormTableBuilder::with_capacity(0).finish().is_empty());
    }

    use proptest::prelude::*;

    proptest! {
        /// The table answers like a `HashMap<String, Vec<u32>>` built from the same pairs.
        #[test]
        fn same_as_a_hash_map(pairs in proptest::collection::vec(("[a-dø]{0,5}", 0u32..6), 0..200), probes in proptest::collection::vec("[a-dø]{0,5}", 0..50)) {
            let mut seen = std::collections::HashSet::new();
            let pairs: Vec<_> = pairs.into_iter().filter(|p| seen.insert(p.clone())).collect();
            let mut b = FormTableBuilder::with_capacity(pairs.len());
            let mut map: std::collections::HashMap<String, Vec<u32>> = Default::default();
            for (f, e) in &pairs {
                b.add(f, *e);
                map.entry(f.clone()).or_default().push(*e);
            }
            let t = b.finish();
            prop_assert_eq!(t.len(), map.len());
            for f in map.keys().chain(probes.iter()) {
                prop_assert_eq!(t.get(f), map.get(f).map(|v| v.as_slice()));
            }
        }
    }
}
