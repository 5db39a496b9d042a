//! Bytes tested eight at a time in a `u64` ("SIMD within a register"), for the scans
//! that look at every byte of the input: the CSV splitter and the word scan.

/// `0x01` in every byte of a `u64`.
pub(crate) const LANES: u64 = u64::from_le_bytes([1; 8]);
/// The high bit of every byte.
pub(crate) const HIGH: u64 = LANES * 0x80;

/// The high bit set in each byte of `w` that is zero, exact up to the lowest (first)
/// one; a byte after it may be marked too (by the borrow), which does not matter to a
/// search for the first.
#[inline]
pub(crate) fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(LANES) & !w & HIGH
}
