//! Per-thread memos keyed by words or tokens.
//!
//! Keys of up to 16 bytes are held as two little-endian words plus a length, in an
//! open-addressing table (linear probing): no string hashing, no `memcmp`, no
//! allocation per key; longer keys go to an ordinary map beside it ([`StringMemo`]).
//! Both per-thread memos of the matcher (folded word units, glob tokens) are one.

use rustc_hash::FxHashMap;

/// Entries per thread before a memo starts afresh (a few MB at most).
const MEMO_MAX: usize = 50_000;

/// A per-thread memo: string -> a small value `V`, plus the lists of ids the values
/// point into (`ids`), for the one compiled matcher that filled it. It holds only
/// strings of the input and starts afresh past `MEMO_MAX` entries.
pub(crate) struct StringMemo<V> {
    short: ShortTable<V>,
    long: FxHashMap<Box<str>, V>,
    pub(crate) ids: Vec<u32>,
    /// Id of the matcher the entries belong to (a thread may serve several; ids are
    /// never reused, unlike addresses).
    owner: u64,
}

impl<V: Copy + Default> Default for StringMemo<V> {
    fn default() -> Self {
        StringMemo { short: ShortTable::default(), long: FxHashMap::default(), ids: Vec::new(), owner: 0 }
    }
}

impl<V: Copy + Default> StringMemo<V> {
    /// Makes the memo `owner`'s: empties it if another matcher filled it, or if it
    /// grew past `MEMO_MAX` entries.
    pub(crate) fn claim(&mut self, owner: u64) {
        if self.owner != owner || self.short.len + self.long.len() >= MEMO_MAX {
            self.short.clear();
            self.long.clear();
            self.ids.clear();
            self.owner = owner;
        }
    }

    /// The value of `text[start..end]` (keys of up to 16 bytes load whole words from
    /// `text`), computed by `make` (which may append to `ids`) on a miss.
    #[inline]
    pub(crate) fn entry(&mut self, text: &str, start: usize, end: usize, make: impl FnOnce(&mut Vec<u32>) -> V) -> V {
        match self.get_short(text, start, end) {
            Some(v) => v,
            None => self.miss(text, start, end, make),
        }
    }

    /// `entry`'s fast path: the value of a key of up to `SHORT_MAX` bytes that is in the
    /// memo (`None` for other keys). Short keys are compared as bytes: no `&str` slice
    /// (and its char-boundary checks) on the hot path.
    #[inline]
    pub(crate) fn get_short(&self, text: &str, start: usize, end: usize) -> Option<V> {
        let len = end - start;
        if len > SHORT_MAX {
            return None;
        }
        let (lo, hi) = ShortTable::<V>::key(text.as_bytes(), start, end);
        self.short.get(lo, hi, len)
    }

    /// `entry` once `get_short` found nothing: the long keys' map, or `make` and
    /// insert. Out of line, as misses are rare.
    #[cold]
    #[inline(never)]
    pub(crate) fn miss(&mut self, text: &str, start: usize, end: usize, make: impl FnOnce(&mut Vec<u32>) -> V) -> V {
        let len = end - start;
        if len <= SHORT_MAX {
            let (lo, hi) = ShortTable::<V>::key(text.as_bytes(), start, end);
            let v = make(&mut self.ids);
            self.short.insert(lo, hi, len, v);
            return v;
        }
        let key = &text[start..end];
        if let Some(&v) = self.long.get(key) {
            return v;
        }
        let v = make(&mut self.ids);
        self.long.insert(key.into(), v);
        v
    }
}

/// Longest key (bytes) a `ShortTable` holds.
pub(crate) const SHORT_MAX: usize = 16;

/// `KEY_MASKS[n]`: the low and high word masks that keep the first `n` bytes.
const KEY_MASKS: [(u64, u64); SHORT_MAX + 1] = {
    /// The mask of the first `k` (0 to 8) bytes of a word.
    const fn first_bytes(k: usize) -> u64 {
        if k >= 8 {
            u64::MAX
        } else {
            (1 << (8 * k)) - 1
        }
    }
    let mut masks = [(0u64, 0u64); SHORT_MAX + 1];
    let mut n = 0;
    while n <= SHORT_MAX {
        masks[n] = (first_bytes(n), first_bytes(n.saturating_sub(8)));
        n += 1;
    }
    masks
};

pub(crate) struct ShortTable<V> {
    /// Never empty (a power of two), so that a probe needs no check for it.
    slots: Vec<Slot<V>>,
    pub(crate) len: usize,
}

/// Slots of a new table.
const INITIAL_SLOTS: usize = 4096;

impl<V: Copy + Default> Default for ShortTable<V> {
    fn default() -> Self {
        ShortTable { slots: vec![Slot::default(); INITIAL_SLOTS], len: 0 }
    }
}

/// 32 bytes for values of up to 12 bytes, aligned so that a probe touches one cache
/// line (48-byte slots straddled two lines half the time; the table is probed once per
/// word and its loads were the matcher's largest stall).
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
struct Slot<V> {
    lo: u64,
    hi: u64,
    value: V,
    /// Key length in bytes; 0 marks a free slot (keys are never empty).
    len: u32,
}

impl<V: Copy + Default> ShortTable<V> {
    pub(crate) fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| s.len = 0);
        self.len = 0;
    }

    /// The key of `bytes[start..end]` (at most `SHORT_MAX` bytes, not empty). Loads 16
    /// bytes at once where the buffer has them after `start` (and masks the rest off):
    /// building the key byte by byte in memory stalled on store forwarding.
    #[inline]
    pub(crate) fn key(bytes: &[u8], start: usize, end: usize) -> (u64, u64) {
        let len = end - start;
        let word = match bytes.get(start..start + SHORT_MAX) {
            Some(b) => u128::from_le_bytes(b.try_into().expect("16 bytes")),
            // Near the end of the buffer: its last 16 bytes, shifted down to `start`
            // (a byte copy through memory cost a `memcpy` call for every last word).
            None if bytes.len() >= SHORT_MAX => {
                let from = bytes.len() - SHORT_MAX;
                let tail = u128::from_le_bytes(bytes[from..].try_into().expect("16 bytes"));
                // `start > from` here, so the shift is less than 128 bits.
                tail >> (8 * (start - from))
            }
            None => {
                let mut buf = [0u8; SHORT_MAX];
                buf[..len].copy_from_slice(&bytes[start..end]);
                u128::from_le_bytes(buf)
            }
        };
        // Only the key's bytes (two word masks by table: a u128 shift cost more).
        let (mask_lo, mask_hi) = KEY_MASKS[len];
        (word as u64 & mask_lo, (word >> 64) as u64 & mask_hi)
    }

    #[inline]
    fn slot_of(&self, lo: u64, hi: u64, len: usize) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let h = (lo.wrapping_mul(K).rotate_left(29) ^ hi ^ len as u64).wrapping_mul(K);
        (h >> 32) as usize & (self.slots.len() - 1)
    }

    /// The value of the key, if known.
    #[inline]
    pub(crate) fn get(&self, lo: u64, hi: u64, len: usize) -> Option<V> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(lo, hi, len);
        loop {
            let s = &self.slots[i];
            if s.len == 0 {
                return None;
            }
            if s.lo == lo && s.hi == hi && s.len as usize == len {
                return Some(s.value);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key that is not in the table.
    pub(crate) fn insert(&mut self, lo: u64, hi: u64, len: usize, value: V) {
        if (self.len + 1) * 2 > self.slots.len() {
            let size = self.slots.len() * 2;
            let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
            self.len = 0;
            for s in old.into_iter().filter(|s| s.len != 0) {
                self.insert(s.lo, s.hi, s.len as usize, s.value);
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(lo, hi, len);
        while self.slots[i].len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { lo, hi, value, len: len as u32 };
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short-token table finds exactly the keys put in, told apart by every byte and
    /// by length (`"a"` and `"a\0"` pad to the same words), also where fewer than 16
    /// bytes follow the token, and across growth.
    #[test]
    fn short_table_keys_are_exact() {
        let words: String = (0..300).map(|i| format!("ord{i} ")).collect();
        let text = format!("{words}tolk tolke a a\0 abcdefghijklmnop abcdefghijklmnoq æøå Tolk tolk");
        let text = text.as_str();
        let b = text.as_bytes();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices(' ').chain([(text.len(), "")]) {
            spans.push((start, i));
            start = i + 1;
        }
        // Every substring of up to 16 bytes at every char boundary, as keys.
        let mut table = ShortTable::<(u32, u32)>::default();
        let mut reference: std::collections::HashMap<&[u8], u32> = Default::default();
        for from in (0..b.len()).filter(|&i| text.is_char_boundary(i)) {
            for to in (from + 1..=(from + SHORT_MAX).min(b.len())).filter(|&i| text.is_char_boundary(i)) {
                let (lo, hi) = ShortTable::<(u32, u32)>::key(b, from, to);
                let next = reference.len() as u32;
                let id = *reference.entry(&b[from..to]).or_insert(next);
                match table.get(lo, hi, to - from) {
                    Some(got) => assert_eq!(got, (id, 7), "{:?}", &text[from..to]),
                    None => {
                        assert_eq!(id, next, "{:?} was put in before", &text[from..to]);
                        table.insert(lo, hi, to - from, (id, 7));
                    }
                }
            }
        }
        assert!(reference.len() > 4096, "the table grew twice");
        assert_eq!(table.len, reference.len());
        // The last token has fewer than 16 bytes after its start.
        let (from, to) = *spans.last().unwrap();
        let (lo, hi) = ShortTable::<(u32, u32)>::key(b, from, to);
        assert_eq!(table.get(lo, hi, to - from), Some((reference[&b[from..to]], 7)));
        let (lo, hi) = ShortTable::<(u32, u32)>::key(b"tolkx", 0, 4);
        assert_eq!(table.get(lo, hi, 4), Some((reference[&b"tolk"[..]], 7)));
        let (lo, hi) = ShortTable::<(u32, u32)>::key(b"tolx", 0, 4);
        assert_eq!(table.get(lo, hi, 4), None);
    }

}
