//! A fast path for UAX #29 sentence and word boundaries on everyday text.
//!
//! unicode-segmentation looks every character up in large range tables (a binary search
//! per character, twice: sentences and words), which was the largest cost of coding an
//! answer. Most answers use only ASCII, the Latin-1 letters (æ ø å é ...) and a few
//! typographic marks (« » ’ – …). For text made only of those characters this module
//! gives *exactly* the boundaries unicode-segmentation 1.13 gives: the sentence rules are
//! a port of its state machine, the word rules are the subset of its state machine that
//! these characters can reach (no Hebrew or Katakana, and Extend only as U+FE0F right
//! after a pictograph, no Format or ZWJ). Emoji are in the alphabet as far as they need
//! no rule of their own: a pictograph (optionally with variation selectors U+FE0F) is a
//! segment by itself, and regional indicators pair up into flags (WB15/WB16). Any other
//! character makes [`segment`] return `false`, and the caller uses unicode-segmentation.
//! Tests check both paths agree on random and real text, and on every accepted
//! pictograph in many contexts.

use crate::swar::{HIGH, LANES};

/// Word-break property (UAX #29 table 3) of the characters this fast path accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wb {
    Any,
    Cr,
    Lf,
    Newline,
    WSegSpace,
    ALetter,
    Numeric,
    ExtendNumLet,
    MidLetter,
    MidNum,
    MidNumLet,
    SingleQuote,
    /// Regional indicators (flags): pairs join (WB15, WB16).
    RegionalIndicator,
}

/// Sentence-break property (UAX #29 table 4) of the characters this fast path accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sb {
    Other,
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
}

/// One character of the text: byte offset and both properties.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CharCat {
    pos: u32,
    w: Wb,
    s: Sb,
}

const fn ascii_cat(b: u8) -> (Wb, Sb) {
    match b {
        b'\n' => (Wb::Lf, Sb::Lf),
        b'\r' => (Wb::Cr, Sb::Cr),
        0x0B | 0x0C => (Wb::Newline, Sb::Sp),
        b'\t' => (Wb::Any, Sb::Sp),
        b' ' => (Wb::WSegSpace, Sb::Sp),
        b'!' | b'?' => (Wb::Any, Sb::STerm),
        b'"' => (Wb::Any, Sb::Close), // Double_Quote only matters after Hebrew letters
        b'\'' => (Wb::SingleQuote, Sb::Close),
        b'(' | b')' | b'[' | b']' | b'{' | b'}' => (Wb::Any, Sb::Close),
        b',' => (Wb::MidNum, Sb::SContinue),
        b'-' => (Wb::Any, Sb::SContinue),
        b'.' => (Wb::MidNumLet, Sb::ATerm),
        b'0'..=b'9' => (Wb::Numeric, Sb::Numeric),
        b':' => (Wb::MidLetter, Sb::SContinue),
        b';' => (Wb::MidNum, Sb::SContinue),
        b'A'..=b'Z' => (Wb::ALetter, Sb::Upper),
        b'a'..=b'z' => (Wb::ALetter, Sb::Lower),
        b'_' => (Wb::ExtendNumLet, Sb::Other),
        _ => (Wb::Any, Sb::Other),
    }
}

/// ASCII letters and digits folded (lower case); 0 for every other byte.
const ASCII_FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            t[b] = (b as u8).to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

const ASCII: [(Wb, Sb); 128] = {
    let mut t = [(Wb::Any, Sb::Other); 128];
    let mut b = 0;
    while b < 128 {
        t[b] = ascii_cat(b as u8);
        b += 1;
    }
    t
};

/// Properties of a non-ASCII character, or `None` if the fast path does not know it.
fn other_cat(c: char) -> Option<(Wb, Sb)> {
    Some(match c {
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{DE}' => (Wb::ALetter, Sb::Upper),
        '\u{DF}'..='\u{F6}' | '\u{F8}'..='\u{FF}' => (Wb::ALetter, Sb::Lower),
        '\u{A0}' => (Wb::Any, Sb::Sp),                                         // no-break space
        '\u{AB}' | '\u{BB}' | '\u{201C}'..='\u{201F}' => (Wb::Any, Sb::Close), // « » “ ”
        '\u{2018}' | '\u{2019}' => (Wb::MidNumLet, Sb::Close),                 // ‘ ’
        '\u{2013}' | '\u{2014}' => (Wb::Any, Sb::SContinue),                   // – —
        '\u{A7}' | '\u{2026}' => (Wb::Any, Sb::Other),                         // § …
        c if is_regional_indicator(c) => (Wb::RegionalIndicator, Sb::Other),
        c if is_pictograph(c) => (Wb::Any, Sb::Other),
        _ => return None,
    })
}

/// Emoji and symbols whose word-break property is Any and sentence-break property
/// Other (neither letters, digits, spaces, marks nor brackets): blocks of pictographs
/// without the skin-tone modifiers U+1F3FB..U+1F3FF (Extend), the dingbat digits
/// U+2776..U+2793 (numbers), the dingbat quotation marks and brackets U+275B..U+2760,
/// U+2768..U+2775 (Close). A test checks every one of them against unicode-segmentation.
fn is_pictograph(c: char) -> bool {
    matches!(c as u32,
        0x2600..=0x26FF | 0x2700..=0x275A | 0x2761..=0x2767 | 0x2794..=0x27BF // ❤ ☺ ✅ ✨ ...
        | 0x1F300..=0x1F3FA | 0x1F400..=0x1F64F // 🌍 🏠 💪 👍 🙂 😊 ...
        | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF | 0x1FA70..=0x1FAFF) // 🚀 🤷 🥲 🫶 ...
}

const VARIATION_SELECTOR_16: &str = "\u{FE0F}";

/// Properties and length of the non-ASCII character at byte `i`, or `None` if the fast
/// path does not know it. A pictograph takes the variation selectors (U+FE0F, Extend)
/// after it along: UAX #29 attaches them to it (WB4, SB5), so `❤️` acts as one `❤`.
/// Any other Extend, Format or ZWJ character (skin tones, ZWJ sequences, keycaps) is
/// unknown.
#[inline]
fn other_char(text: &str, i: usize) -> Option<(Wb, Sb, usize)> {
    let c = text[i..].chars().next().expect("char boundary");
    let (w, s) = other_cat(c)?;
    let mut len = c.len_utf8();
    if c >= '\u{2600}' && w == Wb::Any && s == Sb::Other {
        while text[i + len..].starts_with(VARIATION_SELECTOR_16) {
            len += VARIATION_SELECTOR_16.len();
        }
    }
    Some((w, s, len))
}

/// Fills `cats` with the properties of every character; `false` if one is unknown.
fn categorize(text: &str, cats: &mut Vec<CharCat>) -> bool {
    cats.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let (w, s) = ASCII[b as usize];
            cats.push(CharCat { pos: i as u32, w, s });
            i += 1;
        } else {
            let Some((w, s, len)) = other_char(text, i) else { return false };
            cats.push(CharCat { pos: i as u32, w, s });
            i += len;
        }
    }
    true
}

/// Sentence and word segments of `text`, exactly as unicode-segmentation would give
/// them (words are split inside each sentence). Calls `word(start, end, sentence,
/// starts_with_letter_or_digit)` for each word segment in order and pushes sentence
/// ranges. Returns `false`, having produced nothing, when `text` has a character outside
/// the fast alphabet. Texts longer than `u32::MAX` bytes also take the slow path.
pub(crate) fn segment(text: &str, cats: &mut Vec<CharCat>, sentences: &mut Vec<(usize, usize)>, mut word: impl FnMut(usize, usize, u32, bool)) -> bool {
    if text.len() >= u32::MAX as usize || !categorize(text, cats) {
        return false;
    }
    let end = text.len();
    let pos = |k: usize| cats.get(k).map_or(end, |c| c.pos as usize);
    let mut first = 0;
    sentence_breaks(cats, |k| {
        let si = sentences.len() as u32;
        sentences.push((pos(first), pos(k)));
        word_segments(&cats[first..k], pos(k), si, &mut word);
        first = k;
    });
    true
}

// ---------------------------------------------------------------------------------
// Sentences: a port of unicode-segmentation's `SentenceBreaks` (src/sentence.rs), whose
// state is the last four collapsed parts of the text (a run of Close or of Sp is one
// part). The state is kept packed in a u32 and unpacked only near a terminator.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Sot,
    Other,
    Cr,
    Lf,
    ATerm,
    UpperLower,
    ClosePlus,
    SpPlus,
    STerm,
}

fn is_saterm(p: Part) -> bool {
    p == Part::STerm || p == Part::ATerm
}

/// SB8: ATerm Close* Sp* × ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower
///
/// The look-ahead is answered by the first *decisive* character at or after `k`;
/// `memo` remembers the last one found, so a long run of spaces or closing marks after
/// a `.` is scanned once, not once per character (that was quadratic).
fn sb8(p: &[Part; 4], cats: &[CharCat], k: usize, memo: &mut Option<(usize, bool)>) -> bool {
    let mut idx = if p[3] == Part::SpPlus { 2 } else { 3 };
    if p[idx] == Part::ClosePlus {
        idx -= 1;
    }
    if p[idx] != Part::ATerm {
        return false;
    }
    if let Some((decisive_at, lower)) = *memo {
        if k <= decisive_at {
            return lower;
        }
    }
    let mut found = (cats.len(), false);
    for (j, c) in cats.iter().enumerate().skip(k) {
        match c.s {
            Sb::Lower => found = (j, true),
            Sb::Upper | Sb::Cr | Sb::Lf | Sb::STerm | Sb::ATerm => found = (j, false),
            _ => continue,
        }
        break;
    }
    *memo = Some(found);
    found.1
}

/// SATerm Close* Sp*
fn sb8a(p: &[Part; 4]) -> bool {
    let mut idx = if p[3] == Part::SpPlus { 2 } else { 3 };
    if p[idx] == Part::ClosePlus {
        idx -= 1;
    }
    is_saterm(p[idx])
}

/// SATerm Close*
fn sb9(p: &[Part; 4]) -> bool {
    is_saterm(p[if p[3] == Part::ClosePlus { 2 } else { 3 }])
}

/// SATerm Close* Sp* ParaSep?
fn sb11(p: &[Part; 4]) -> bool {
    let mut idx = if matches!(p[3], Part::Cr | Part::Lf) { 2 } else { 3 };
    if p[idx] == Part::SpPlus {
        idx -= 1;
    }
    if p[idx] == Part::ClosePlus {
        idx -= 1;
    }
    is_saterm(p[idx])
}

/// The state packed in a `u32`, newest part in the low byte (see `part_of`), for the
/// common case. Terminator parts (CR, LF, ATerm, STerm) have the high bit set.
fn unpack(b: u32) -> Part {
    match b & 0xFF {
        0x01 => Part::Sot,
        0x02 => Part::Other,
        0x03 => Part::UpperLower,
        0x04 => Part::ClosePlus,
        0x05 => Part::SpPlus,
        0x81 => Part::Cr,
        0x82 => Part::Lf,
        0x84 => Part::ATerm,
        _ => Part::STerm,
    }
}

const fn part_of(cat: Sb) -> u32 {
    match cat {
        Sb::Cr => 0x81,
        Sb::Lf => 0x82,
        Sb::ATerm => 0x84,
        Sb::Upper | Sb::Lower => 0x03,
        Sb::Close => 0x04,
        Sb::Sp => 0x05,
        Sb::STerm => 0x88,
        _ => 0x02,
    }
}

/// `advance` on the packed state.
fn advance_packed(state: u32, cat: Sb) -> u32 {
    let part = part_of(cat);
    if state & 0xFF == part && (part == 0x04 || part == 0x05) {
        state
    } else {
        (state << 8) | part
    }
}

/// Calls `brk(k)` with the char index that ends each sentence (the last call is
/// `cats.len()`); nothing for an empty text.
fn sentence_breaks(cats: &[CharCat], mut brk: impl FnMut(usize)) {
    if cats.is_empty() {
        return;
    }
    let mut packed = advance_packed(0x0101_0101, cats[0].s);
    let mut sb8_memo = None;
    for k in 1..cats.len() {
        let cat = cats[k].s;
        let packed_before = packed;
        packed = advance_packed(packed, cat);
        // Every rule below that can break needs a terminator (CR, LF, `.`, `!`, `?`) among
        // the last three parts; most characters are far from one.
        if packed_before & 0x0080_8080 == 0 {
            continue;
        }
        let before = [unpack(packed_before >> 24), unpack(packed_before >> 16), unpack(packed_before >> 8), unpack(packed_before)];
        let last = before[3];
        let is_break = match cat {
            Sb::Lf if last == Part::Cr => false,                                        // SB3
            _ if matches!(last, Part::Cr | Part::Lf) => true,                           // SB4
            Sb::Numeric if last == Part::ATerm => false,                                // SB6
            Sb::Upper if before[2] == Part::UpperLower && last == Part::ATerm => false, // SB7
            _ if sb8(&before, cats, k, &mut sb8_memo) => false,                         // SB8
            Sb::SContinue | Sb::STerm | Sb::ATerm if sb8a(&before) => false,            // SB8a
            Sb::Close | Sb::Sp | Sb::Cr | Sb::Lf if sb9(&before) => false,              // SB9
            Sb::Sp | Sb::Cr | Sb::Lf if sb8a(&before) => false,                         // SB10
            _ => sb11(&before),                                                         // SB11, SB998
        };
        if is_break {
            brk(k);
        }
    }
    brk(cats.len());
}

/// Sentence ranges of any text from unicode-segmentation, without its quadratic cost on
/// long runs.
///
/// unicode-segmentation answers SB8 (`ATerm Close* Sp* × … Lower`) by scanning ahead
/// from *every* character of a `Close*` or `Sp*` run after a `.`, so `"ein ¤ test."`
/// followed by 40,000 spaces took seconds. No sentence rule counts the characters of
/// such a run (a run of one behaves as a run of many), and no rule breaks inside one. So
/// each long run of spaces (or of closing marks the fast path knows) is shortened to its
/// first character before segmenting, and the boundaries are mapped back: a boundary
/// after the kept character is the end of the whole run.
pub(crate) fn uax_sentences(text: &str, out: &mut Vec<(usize, usize)>) {
    use unicode_segmentation::UnicodeSegmentation;
    const LONG: usize = 16; // characters; shorter runs cost little either way
    out.clear();
    // (start, end, length of the first char) of each long run of one sentence category.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut run: Option<(usize, Sb, usize, usize)> = None; // start, category, chars, first len
    let mut flush = |run: Option<(usize, Sb, usize, usize)>, end: usize| {
        if let Some((start, _, chars, first)) = run {
            if chars >= LONG {
                runs.push((start, end, first));
            }
        }
    };
    for (i, c) in text.char_indices() {
        let cat = match c {
            '\u{0}'..='\u{7F}' => Some(ASCII[c as usize].1),
            _ if c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') => Some(Sb::Sp),
            _ => other_cat(c).map(|(_, s)| s),
        }
        .filter(|s| matches!(s, Sb::Sp | Sb::Close));
        match (run, cat) {
            (Some((start, rc, n, first)), Some(cat)) if rc == cat => run = Some((start, rc, n + 1, first)),
            (_, cat) => {
                flush(run, i);
                run = cat.map(|cat| (i, cat, 1, c.len_utf8()));
            }
        }
    }
    flush(run, text.len());
    if runs.is_empty() {
        out.extend(text.split_sentence_bound_indices().map(|(s, t)| (s, s + t.len())));
        return;
    }
    let mut short = String::with_capacity(text.len());
    let mut last = 0;
    for &(start, end, first) in &runs {
        short.push_str(&text[last..start + first]);
        last = end;
    }
    short.push_str(&text[last..]);
    // Offsets in `short` -> offsets in `text`: runs are passed in order.
    let mut next_run = 0;
    let mut delta = 0;
    let mut to_text = |p: usize| {
        while let Some(&(start, end, first)) = runs.get(next_run) {
            if start + first - delta > p {
                break;
            }
            delta += end - start - first;
            next_run += 1;
        }
        p + delta
    };
    for (s, t) in short.split_sentence_bound_indices() {
        let start = to_text(s);
        let end = to_text(s + t.len());
        out.push((start, end));
    }
}

// ---------------------------------------------------------------------------------
// Units only: what the matcher needs from most answers.

/// The word units of everyday text (maximal runs of letters and digits) with a sentence
/// number each, without building words, tokens or the sentence list: calls
/// `unit(start, end, sentence, folded_end)` for each unit in order, having appended
/// the unit's folded form (`fold_into`) to `folded`, which then ends at `folded_end`.
/// Two units have the same
/// sentence number exactly when `tokenize` puts them in the same sentence (the numbers
/// themselves may differ: breaks between no units are not counted).
///
/// Why it is exact: a sentence break needs a terminator (`.`, `!`, `?`, CR, LF) right
/// before it, behind only closing marks and spaces (UAX #29 SB4, SB11), so a break
/// between two units lies in the gap between them and needs a terminator *in* that
/// gap. Only such gaps are checked, by the same state machine as [`segment`], started at
/// the last character of the previous unit (rules never look further back than that:
/// they look back over closing marks and spaces, and a unit ends in a letter or digit).
///
/// Returns `false` (the caller must tokenize instead, and ignore the units given so
/// far) on a character outside the fast alphabet, on `_`, which UAX #29 joins to
/// letters (`_abc` is one segment that `tokenize` keeps whole as a symbol, no unit),
/// and on `@` and `://` (`tokenize` may find an e-mail address or a URL there; `www`
/// is left to the caller).
pub(crate) fn scan_units(text: &str, cats: &mut Vec<CharCat>, folded: &mut String, unit: impl FnMut(usize, usize, u32, usize)) -> bool {
    // Built as bytes: a run of ASCII letters is folded 8 bytes at a time straight into place.
    let mut out = std::mem::take(folded).into_bytes();
    let fast = text.len() < u32::MAX as usize && scan_units_utf8(text, cats, &mut out, unit);
    if !fast {
        out.clear();
    }
    debug_assert!(std::str::from_utf8(&out).is_ok());
    // SAFETY: `out` held a `String`, and the scan appended only the folded ASCII bytes of
    // runs (`ascii_alnum_prefix`: letters and digits with bit 0x20 set) and whole folded
    // characters (`C3_FOLD`, `fold_char_at`), each at the end `o` of what it kept (bytes
    // written past `o` are overwritten or truncated). The tests compare these bytes with
    // `fold_into`'s on random text. Checking them cost 2.5 M Ir on 20k answers.
    *folded = unsafe { String::from_utf8_unchecked(out) };
    fast
}

/// What [`scan_units`] does with each byte of a gap between units; any other value is
/// an ASCII letter or digit, folded (lower case), and continues or starts a unit.
const GAP: u8 = 0;
/// `.`, `!`, `?`, CR, LF: a sentence may end here.
const GAP_TERMINATOR: u8 = 1;
/// Not ASCII (look closer); `_`, which the scan leaves to the full tokenizer; `@` and
/// `:` (`://`), where `tokenize` may find an e-mail address or a URL.
const GAP_SLOW: u8 = 2;

const UNIT_BYTE: [u8; 256] = {
    let mut t = [GAP_SLOW; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match ASCII[b] {
            _ if ASCII_FOLD[b] != 0 => ASCII_FOLD[b],
            _ if b == b'@' as usize || b == b':' as usize => GAP_SLOW,
            (Wb::ExtendNumLet, _) => GAP_SLOW,
            (_, Sb::ATerm | Sb::STerm | Sb::Cr | Sb::Lf) => GAP_TERMINATOR,
            _ => GAP,
        };
        b += 1;
    }
    t
};

/// [`scan_units`] appending the folded units to `out` as UTF-8.
fn scan_units_utf8(text: &str, cats: &mut Vec<CharCat>, out: &mut Vec<u8>, mut unit: impl FnMut(usize, usize, u32, usize)) -> bool {
    let bytes = text.as_bytes();
    let mut sentence = 0u32;
    // Where the previous unit ends; set when a gap other than one space follows it (only
    // such gaps can hold a terminator).
    let mut prev_end: Option<usize> = None;
    let mut terminator_in_gap = false;
    // The folded units are written at `o` into room made up front (no capacity check per
    // write). ASCII folds byte for byte and Latin-1 letters (two bytes) to at most two,
    // so `o - from <= i` throughout; an 8-byte run writes up to 7 bytes past its end.
    let from = out.len();
    out.resize(from + bytes.len() + 8, 0);
    let mut o = from;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // The gap between units, a character at a time.
        match UNIT_BYTE[b as usize] {
            GAP => {
                i += 1;
                continue;
            }
            GAP_TERMINATOR => {
                terminator_in_gap = true;
                i += 1;
                continue;
            }
            GAP_SLOW => {
                if b < 0x80 {
                    if b == b':' && !bytes[i + 1..].starts_with(b"//") {
                        i += 1; // MidLetter: ends no sentence, and no unit follows it at once
                        continue;
                    }
                    return false; // `_`, `@`, `://`
                }
                // A letter of U+00C0..U+00FF starts a unit: the table says so at less cost.
                if !(b == 0xC3 && C3_FOLD[usize::from(bytes[i + 1] & 0x3F)].0 != 0) {
                    let Some((w, sb, len)) = other_char(text, i) else { return false };
                    if !matches!(w, Wb::ALetter | Wb::Numeric) {
                        terminator_in_gap |= matches!(sb, Sb::ATerm | Sb::STerm | Sb::Cr | Sb::Lf);
                        i += len;
                        continue;
                    }
                }
            }
            _ => {}
        }
        // A unit starts at `i`.
        if std::mem::take(&mut terminator_in_gap) {
            if let Some(prev_end) = prev_end {
                if gap_has_break(text, prev_end, i, cats) {
                    sentence += 1;
                }
            }
        }
        // Units one after another while only a space lies between them.
        loop {
            let start = i;
            loop {
                // A run of ASCII letters and digits, 8 bytes at a time: all 8 folded bytes are
                // written (one store), and `o` moves on by the run's part only.
                loop {
                    let (n, folded) = ascii_alnum_prefix(load8(bytes, i));
                    out[o..o + 8].copy_from_slice(&folded.to_le_bytes());
                    o += n;
                    i += n;
                    if n < 8 {
                        break;
                    }
                }
                // A Latin-1 letter continues the unit.
                if bytes.get(i).is_some_and(|&b| b >= 0x80) {
                    if let Some((next, next_o)) = fold_latin1_letter(text, i, out, o) {
                        (i, o) = (next, next_o);
                        continue;
                    }
                }
                break;
            }
            unit(start, i, sentence, o);
            // The most common gap, one space before an ASCII letter or digit, holds no
            // terminator: the next unit starts right after it.
            if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(|&b| UNIT_BYTE[b as usize] > GAP_SLOW) {
                i += 1;
                continue;
            }
            break;
        }
        prev_end = Some(i);
    }
    out.truncate(o);
    true
}

/// If a letter or digit outside ASCII starts at byte `i`, writes its folded form to `out`
/// at `o` and returns where both go on. Out of line: it is rare, and inlined it made the
/// hot loop of `scan_units_utf8` spill registers.
#[inline(never)]
fn fold_latin1_letter(text: &str, i: usize, out: &mut [u8], o: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if bytes[i] == 0xC3 {
        // U+00C0..U+00FF, all the letters the fast alphabet has outside ASCII: by table.
        let (len, folded) = C3_FOLD[usize::from(bytes[i + 1] & 0x3F)];
        if len == 0 {
            return None; // × ÷
        }
        out[o..o + 2].copy_from_slice(&folded);
        return Some((i + 2, o + usize::from(len)));
    }
    // NFC already, so folding the character alone is what `fold_into` does.
    let (c, len) = latin1_letter_at(text, i)?;
    Some((i + len, super::fold::fold_char_at(c, out, o)))
}

/// The folded form of the letters U+00C0..=U+00FF (UTF-8 `C3 80` to `C3 BF`) by the low
/// six bits of their second byte: length and bytes (`æ` -> `ae`, `é` -> `e`, `Ý` -> `ý`);
/// length 0 for `×` and `÷`, which are no letters. A test checks it against
/// `fold_char_at` and `other_cat`.
const C3_FOLD: [(u8, [u8; 2]); 64] = {
    const FOLDED: [&str; 64] = [
        "a", "a", "a", "a", "ae", "aa", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // À..Ï
        "ð", "n", "o", "o", "o", "o", "oe", "", "oe", "u", "u", "u", "u", "ý", "þ", "ß", // Ð..ß
        "a", "a", "a", "a", "ae", "aa", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // à..ï
        "ð", "n", "o", "o", "o", "o", "oe", "", "oe", "u", "u", "u", "u", "ý", "þ", "ÿ", // ð..ÿ
    ];
    let mut t = [(0, [0; 2]); 64];
    let mut k = 0;
    while k < 64 {
        let f = FOLDED[k].as_bytes();
        t[k].0 = f.len() as u8;
        let mut j = 0;
        while j < f.len() {
            t[k].1[j] = f[j];
            j += 1;
        }
        k += 1;
    }
    t
};

/// The 8 bytes of `bytes` from `i` as a `u64`, `bytes[i]` in the low byte, with zeros
/// (not letters or digits) past the end.
#[inline]
fn load8(bytes: &[u8], i: usize) -> u64 {
    if let Some(chunk) = bytes.get(i..i + 8) {
        return u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    }
    let rest = bytes.len().saturating_sub(i); // 0 to 7
    match bytes.len().checked_sub(8) {
        // The last 8 bytes, shifted down to start at `i`.
        Some(last) if rest > 0 => u64::from_le_bytes(bytes[last..].try_into().expect("8 bytes")) >> (8 * (8 - rest)),
        _ => {
            let mut chunk = [0; 8];
            chunk[..rest].copy_from_slice(&bytes[i.min(bytes.len())..]);
            u64::from_le_bytes(chunk)
        }
    }
}

/// The number of bytes (0 to 8) that `word` (8 bytes of text, the first in the low byte)
/// starts with that are ASCII letters or digits, and the bytes of `word` folded as
/// `UNIT_BYTE` folds them, valid in those first bytes only.
///
/// Each byte is tested apart (SWAR): adding at most 0x80 to a byte below 0x80 never
/// carries into the next one, and the sum's high bit tells whether the byte reached a
/// bound. A byte of 0x80 or more may carry into (or borrow from) the bytes after it,
/// but it ends the run itself, so those bytes do not count. ASCII letters and digits
/// fold by setting bit 0x20 (upper case to lower; lower case and digits have it).
#[inline]
fn ascii_alnum_prefix(word: u64) -> (usize, u64) {
    let lower = word | (LANES * 0x20); // 'A'..='Z' -> 'a'..='z'; only those and 'a'..='z' land there
    let at_least = |x: u64, lo: u8| x.wrapping_add(LANES * (0x80 - lo as u64));
    let above = |x: u64, hi: u8| x.wrapping_add(LANES * (0x7F - hi as u64));
    let letter = at_least(lower, b'a') & !above(lower, b'z');
    let digit = at_least(word, b'0') & !above(word, b'9');
    let alnum = (letter | digit) & !word & HIGH; // and ASCII
    (((!alnum & HIGH).trailing_zeros() / 8) as usize, lower)
}

/// The letter or digit outside ASCII at byte `i` and its length, if there is one.
#[inline]
fn latin1_letter_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return None;
    }
    let c = text[i..].chars().next().expect("char boundary");
    let (w, _) = other_cat(c)?;
    matches!(w, Wb::ALetter | Wb::Numeric).then_some((c, c.len_utf8()))
}

/// Does a sentence break fall between the unit ending at byte `prev_end` and the unit
/// starting at byte `next`?
fn gap_has_break(text: &str, prev_end: usize, next: usize, cats: &mut Vec<CharCat>) -> bool {
    let bytes = text.as_bytes();
    // The common gap: `.`, `!` or `?` and one space before an ASCII letter. The only
    // break candidate is before the letter (SB9, SB10 keep the terminator and the space
    // with what precedes), and there SB11 breaks unless SB8 holds, which needs `.` and a
    // lower-case letter (SB6, SB7 and SB8a need other characters).
    if let ([t @ (b'.' | b'!' | b'?'), b' '], Some(&x)) = (&bytes[prev_end..next], bytes.get(next)) {
        if x.is_ascii_alphabetic() {
            return !(*t == b'.' && x.is_ascii_lowercase());
        }
    }
    // The previous unit's last character (a letter or digit).
    let prev_last = prev_end - text[..prev_end].chars().next_back().map_or(0, char::len_utf8);
    gap_has_break_by_rules(text, prev_last, next, cats)
}

/// [`gap_has_break`] by the rules: runs [`sentence_breaks`] over the stretch from
/// `prev_last` to `next`, extended to the first character that decides SB8's
/// look-ahead.
fn gap_has_break_by_rules(text: &str, prev_last: usize, next: usize, cats: &mut Vec<CharCat>) -> bool {
    cats.clear();
    let bytes = text.as_bytes();
    let mut next_k = 0;
    let mut i = prev_last;
    while i < bytes.len() {
        let (w, s, len) = if bytes[i] < 0x80 {
            let (w, s) = ASCII[bytes[i] as usize];
            (w, s, 1)
        } else {
            // Unknown characters lie past `next` (the scan checked the rest); the scan
            // will reach them and give up, so this answer does not matter.
            let Some(cat) = other_char(text, i) else { return false };
            cat
        };
        if i == next {
            next_k = cats.len();
        }
        cats.push(CharCat { pos: i as u32, w, s });
        if i >= next && matches!(s, Sb::Lower | Sb::Upper | Sb::Cr | Sb::Lf | Sb::STerm | Sb::ATerm) {
            break;
        }
        i += len;
    }
    let mut found = false;
    sentence_breaks(cats, |k| found |= (1..=next_k).contains(&k));
    found
}

// ---------------------------------------------------------------------------------
// Tokens only: what whole-token (glob) matching needs.

/// What a token scanned by [`scan_tokens`] is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenShape {
    /// Letters and digits (with inner marks and hyphens), at least one letter.
    Word,
    /// The same without any letter.
    Number,
    /// One character that is neither a letter, a digit nor a space (a flag: two
    /// regional indicators; a pictograph: with its variation selectors).
    Symbol,
}

/// Classes of a character for [`scan_tokens`], as bits.
const TC_LETTER: u8 = 1;
const TC_DIGIT: u8 = 2;
const TC_ALNUM: u8 = TC_LETTER | TC_DIGIT;
const TC_SPACE: u8 = 4;
/// Joins two letters (UAX #29 WB6/WB7: MidLetter, MidNumLet, Single_Quote).
const TC_MID_LETTER: u8 = 8;
/// Joins two digits (WB11/WB12: MidNum, MidNumLet, Single_Quote).
const TC_MID_NUM: u8 = 16;
const TC_HYPHEN: u8 = 32;
const TC_PLUS: u8 = 64;
/// In `BYTE_TOKEN_CLASS` only: look closer (`token_class`). A non-ASCII lead byte
/// (decode the character); `:` (`://` may start a URL); `@` (e-mail addresses) and `_`
/// (ExtendNumLet: UAX #29 joins it to letters and `tokenize` keeps such a segment
/// whole), which the scan leaves to the full tokenizer.
const TC_SLOW: u8 = 128;

const fn token_class_of(w: Wb) -> u8 {
    match w {
        Wb::ALetter => TC_LETTER,
        Wb::Numeric => TC_DIGIT,
        Wb::MidLetter => TC_MID_LETTER,
        Wb::MidNum => TC_MID_NUM,
        Wb::MidNumLet | Wb::SingleQuote => TC_MID_LETTER | TC_MID_NUM,
        Wb::ExtendNumLet => TC_SLOW,
        _ => 0,
    }
}

/// [`scan_tokens`] class of each byte, from the same properties as [`segment`]; spaces
/// are the characters `tokenize` treats as space (Rust's `char::is_whitespace`).
const BYTE_TOKEN_CLASS: [u8; 256] = {
    let mut t = [TC_SLOW; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => TC_SPACE,
            b'-' => TC_HYPHEN,
            b'+' => TC_PLUS,
            b':' | b'@' => TC_SLOW,
            c => token_class_of(ASCII[c as usize].0),
        };
        b += 1;
    }
    t
};

/// The class (never `TC_SLOW`) and length of the character at byte `i`; `None` for
/// `_`, `@`, `://` and outside the fast alphabet.
#[inline]
fn token_class(text: &str, i: usize) -> Option<(u8, usize)> {
    let b = text.as_bytes()[i];
    let class = BYTE_TOKEN_CLASS[b as usize];
    if class != TC_SLOW {
        return Some((class, 1));
    }
    if b < 0x80 {
        return (b == b':' && !text.as_bytes()[i + 1..].starts_with(b"//")).then_some((TC_MID_LETTER, 1));
    }
    let (w, _, mut len) = other_char(text, i)?;
    if w == Wb::RegionalIndicator && text[i + len..].starts_with(is_regional_indicator) {
        len *= 2; // a flag: one symbol (WB15, WB16); the scan meets the first of each pair
    }
    let class = if text[i..].starts_with('\u{A0}') { TC_SPACE } else { token_class_of(w) };
    Some((class, len))
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// The tokens of everyday text, with their ranges and shapes exactly as `tokenize`
/// gives them, in one pass and without sentences: calls `token(start, end, shape)` for
/// each token in order. Returns `false` (the caller must tokenize instead, and ignore
/// the tokens given so far) on a character outside the fast alphabet, on `_`, and where
/// `tokenize` might find a URL or an e-mail address: at any `@` or `://`, and at `www`
/// (any case) after anything but a letter or digit (`tokenize` drops a URL that follows
/// one), which is where a run of letters starts.
///
/// Why it is exact: on these characters a word segment of UAX #29 is a single character,
/// a run of spaces (or CR LF), or a run of letters and digits that a mark joins
/// (`f.eks`, `NAV's`, `1.000,50`: WB6/7, WB11/12), and `tokenize` makes one token of
/// such runs joined by `-` or `+-` (`LHBT+-personer`), one symbol token of every other
/// character but a space. Word segments are split inside each sentence, but no sentence
/// break falls inside such a run: a break needs a terminator right before it, and the
/// only terminator that joins (`.`) sits between two letters (SB7, SB8: no break, since
/// every letter here is upper or lower case) or two digits (SB6).
pub(crate) fn scan_tokens(text: &str, mut token: impl FnMut(usize, usize, TokenShape)) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let class = BYTE_TOKEN_CLASS[b as usize];
        let (class, len) = match class {
            TC_SPACE => {
                i += 1;
                continue;
            }
            TC_SLOW => match token_class(text, i) {
                Some(c) => c,
                None => return false,
            },
            _ => (class, 1),
        };
        if class & TC_ALNUM != 0 {
            if www_at(bytes, i) {
                return false;
            }
            let Some((end, letters)) = scan_word(text, i + len, class) else { return false };
            token(i, end, if letters { TokenShape::Word } else { TokenShape::Number });
            i = end;
            continue;
        }
        if class != TC_SPACE {
            token(i, i + len, TokenShape::Symbol);
        }
        i += len;
    }
    true
}

/// The end of the word token whose first character (class `first`, a letter or a
/// digit) ends at byte `i`, and whether it holds a letter; `None` if the text needs
/// the full tokenizer.
#[inline]
fn scan_word(text: &str, mut i: usize, first: u8) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let alnum_at = |i: usize| -> Option<u8> {
        if i >= bytes.len() {
            return Some(0);
        }
        token_class(text, i).map(|(c, _)| c & TC_ALNUM)
    };
    // The classes seen, or-ed: has a letter been seen?
    let mut seen = first;
    loop {
        // A run of letters and digits (WB5, WB8-WB10): ASCII ones byte by byte.
        let class = loop {
            let Some(&b) = bytes.get(i) else { return Some((i, seen & TC_LETTER != 0)) };
            let class = BYTE_TOKEN_CLASS[b as usize];
            if class & TC_ALNUM == 0 {
                break class;
            }
            seen |= class;
            i += 1;
        };
        if class == TC_SPACE {
            return Some((i, seen & TC_LETTER != 0)); // the common end of a word
        }
        let (class, len) = if class == TC_SLOW { token_class(text, i)? } else { (class, 1) };
        if class & TC_ALNUM != 0 {
            seen |= class; // a Latin-1 letter
            i += len;
            continue;
        }
        // The character before is a letter or digit; every non-ASCII one is a letter.
        let last = if bytes[i - 1].is_ascii_digit() { TC_DIGIT } else { TC_LETTER };
        let joins = if last == TC_LETTER { TC_MID_LETTER } else { TC_MID_NUM };
        if class & joins != 0 && alnum_at(i + len)? == last {
            i += len; // letter (mark) letter, digit (mark) digit
        } else if class == TC_HYPHEN && alnum_at(i + 1)? != 0 {
            i += 1; // NAV-kontoret
        } else if class == TC_PLUS && bytes.get(i + 1) == Some(&b'-') && alnum_at(i + 2)? != 0 {
            i += 2; // LHBT+-personer
        } else {
            return Some((i, seen & TC_LETTER != 0));
        }
        // A run of letters after a mark: `www` here may start a URL.
        if www_at(bytes, i) {
            return None;
        }
    }
}

/// `bytes[i..]` starts with `www` in any case.
#[inline]
pub(crate) fn www_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] | 0x20 == b'w' && bytes.get(i..i + 3).is_some_and(|r| r.eq_ignore_ascii_case(b"www"))
}

// ---------------------------------------------------------------------------------
// Words: the part of unicode-segmentation's `UWordBounds` state machine (src/word.rs)
// that the fast alphabet can reach.

/// Emits the word segments of one sentence (`cats`, ending at byte `end`).
fn word_segments(cats: &[CharCat], end: usize, sentence: u32, word: &mut impl FnMut(usize, usize, u32, bool)) {
    let pos = |k: usize| cats.get(k).map_or(end, |c| c.pos as usize);
    let wcat = |k: usize| cats.get(k).map(|c| c.w);
    let mut k = 0;
    while k < cats.len() {
        let start = k;
        let first = cats[k].w;
        k += 1;
        match first {
            Wb::Cr if wcat(k) == Some(Wb::Lf) => k += 1, // WB3
            // WB15, WB16: a flag is a pair, counted from the first indicator of a run.
            Wb::RegionalIndicator if wcat(k) == Some(Wb::RegionalIndicator) => k += 1,
            Wb::WSegSpace => {
                while wcat(k) == Some(Wb::WSegSpace) {
                    k += 1; // WB3d
                }
            }
            Wb::ALetter | Wb::Numeric | Wb::ExtendNumLet => {
                let mut last = first;
                while let Some(next) = wcat(k) {
                    match (last, next) {
                        // WB5, WB8, WB9, WB10, WB13a, WB13b
                        (_, Wb::ALetter | Wb::Numeric | Wb::ExtendNumLet) => {
                            last = next;
                            k += 1;
                        }
                        // WB6, WB7: letter (mid) letter
                        (Wb::ALetter, Wb::MidLetter | Wb::MidNumLet | Wb::SingleQuote) if wcat(k + 1) == Some(Wb::ALetter) => {
                            last = Wb::ALetter;
                            k += 2;
                        }
                        // WB11, WB12: digit (mid) digit
                        (Wb::Numeric, Wb::MidNum | Wb::MidNumLet | Wb::SingleQuote) if wcat(k + 1) == Some(Wb::Numeric) => {
                            last = Wb::Numeric;
                            k += 2;
                        }
                        _ => break,
                    }
                }
            }
            // LF, Newline and everything else: a segment of one character (WB3a, WB999).
            _ => {}
        }
        word(pos(start), pos(k), sentence, matches!(first, Wb::ALetter | Wb::Numeric));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    type Segs = (Vec<(usize, usize)>, Vec<(usize, usize, u32)>);

    fn fast(text: &str) -> Option<Segs> {
        let (mut cats, mut sentences, mut words) = (Vec::new(), Vec::new(), Vec::new());
        segment(text, &mut cats, &mut sentences, |s, e, si, _| words.push((s, e, si))).then_some((sentences, words))
    }

    fn uax(text: &str) -> Segs {
        let (mut sentences, mut words) = (Vec::new(), Vec::new());
        for (si, (ss, s)) in text.split_sentence_bound_indices().enumerate() {
            sentences.push((ss, ss + s.len()));
            for (ws, w) in s.split_word_bound_indices() {
                words.push((ss + ws, ss + ws + w.len(), si as u32));
            }
        }
        (sentences, words)
    }

    fn agree(text: &str) {
        if let Some(f) = fast(text) {
            assert_eq!(f, uax(text), "text: {text:?}");
        }
    }

    #[test]
    fn everyday_text_takes_the_fast_path_and_agrees() {
        for t in [
            "",
            "Mangel på boliger. Samarbeidet med NAV er tungt!",
            "f.eks. nav.no og NAV's kontor, 12,5 % (ca.) «bra»",
            "Hei.\r\n\r\nNy linje.  To  mellomrom. a.B. U.S.A. er. Ok?! «Ja.» Han sa: «nei».",
            "kl. 10.30 - 15:00; 1.000,50 kr ... ja... Nei.. ok",
            "snake_case __x 3_a a_3 _ 'quoted' ’tis naboens’ x’y",
            "ÆØÅ æøå é. Ære være – ja — nei … § 6A",
            "tab\there\x0Bvt\x0Cff end. \u{A0}nbsp. Ja",
            "«Sitat.» Neste setning. (Parentes.) [klammer.] {x.} \"q.\" 'y.'",
            "3.a 3.A a.3 A.3 ... .a .A ,a ;b :c",
        ] {
            assert!(fast(t).is_some(), "{t:?} should take the fast path");
            agree(t);
        }
    }

    #[test]
    fn unknown_characters_take_the_slow_path() {
        for t in ["a\u{030A}", "Україна", "soft\u{AD}hyphen", "µ", "➀", "❨", "…\u{FE0F}", "a\u{FE0F}", "\u{FE0F}"] {
            assert!(fast(t).is_none(), "{t:?}");
        }
        // Emoji that need WB3c, WB4 or WB15 beyond what the fast path does.
        for t in ["🤷\u{200D}♀\u{FE0F}", "👍\u{1F3FD}", "1\u{FE0F}\u{20E3}", "🇳🇴\u{FE0F}", "🇳\u{FE0F}🇴", "a\u{200D}b"] {
            assert!(fast(t).is_none(), "{t:?}");
        }
    }

    /// The table of Latin-1 letters folds as `fold_char_at` does, and holds exactly the
    /// letters and digits the fast alphabet has outside ASCII.
    #[test]
    fn latin1_table_is_the_fold_of_every_letter() {
        for k in 0..64u8 {
            let c = char::from_u32(0xC0 + u32::from(k)).unwrap();
            let mut utf8 = [0; 4];
            assert_eq!(c.encode_utf8(&mut utf8).as_bytes(), [0xC3, 0x80 | k], "{c:?}");
            let (len, folded) = C3_FOLD[usize::from(k)];
            let letter = matches!(other_cat(c), Some((Wb::ALetter | Wb::Numeric, _)));
            assert_eq!(len != 0, letter, "{c:?}");
            if letter {
                let mut by_fold = [0; 8];
                let end = crate::text::fold::fold_char_at(c, &mut by_fold, 0);
                assert_eq!(&folded[..usize::from(len)], &by_fold[..end], "{c:?}");
            }
        }
        let outside_c3 = (0x80..0x2_0000).filter_map(char::from_u32).filter(|c| !('\u{C0}'..='\u{FF}').contains(c));
        for c in outside_c3 {
            assert!(!matches!(other_cat(c), Some((Wb::ALetter | Wb::Numeric, _))), "{c:?}");
        }
    }

    /// The short cut in `gap_has_break` decides like the state machine.
    #[test]
    fn common_gaps_decide_as_the_rules_do() {
        let mut cats = Vec::new();
        let mut checked = 0;
        for head in ["", "Det er ", "U.S.", "«x» "] {
            for prev in ["a", "A", "7", "å", "Ø"] {
                for t in [".", "!", "?"] {
                    for x in ('a'..='z').chain('A'..='Z') {
                        for tail in ["", "b", ". ", "B"] {
                            let text = format!("{head}{prev}{t} {x}{tail}");
                            let (prev_last, prev_end) = (head.len(), head.len() + prev.len());
                            let next = prev_end + 2;
                            let by_rules = gap_has_break_by_rules(&text, prev_last, next, &mut cats);
                            assert_eq!(gap_has_break(&text, prev_end, next, &mut cats), by_rules, "{text:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 5 * 3 * 52 * 4);
    }

    fn pictographs() -> impl Iterator<Item = char> {
        (0x2000..=0x1FFFF).filter_map(char::from_u32).filter(|&c| is_pictograph(c))
    }

    /// Every pictograph and regional indicator the fast path accepts, in contexts that
    /// tell its word and sentence properties apart (a letter, digit, space, bracket or
    /// mark would join or break differently from Any / Other).
    #[test]
    fn every_pictograph_agrees_in_context() {
        let contexts = [
            "{}",
            "a{}",
            "{}a",
            "{}{}",
            "1{}2",
            "a{}b",
            "{}\u{FE0F}",
            "{}\u{FE0F}\u{FE0F}b",
            "{}\u{FE0F} {}",
            "Ja. {} b",
            "Ja. {}B",
            "ja.{}",
            "Ja. {}\u{FE0F}b",
            "a.{}.b",
            "{}. Ja",
            "{}! ja",
            "x {}\u{FE0F} y",
            "{}🇳🇴",
            "🇳{}🇴",
            "{}-a",
            "a-{}",
            "a'{}",
            "{}'a",
            "\n{}\n",
            "\r\n{}",
            "  {}  ",
            "«{}»",
        ];
        let mut n = 0;
        for c in pictographs().chain('\u{1F1E6}'..='\u{1F1FF}') {
            assert!(!c.is_alphanumeric() && !c.is_whitespace(), "{c:?}");
            for ctx in contexts {
                let text = ctx.replace("{}", &c.to_string());
                // A flag with a variation selector needs WB4 inside WB15: left to the slow path.
                let known = !(is_regional_indicator(c) && ctx.contains('\u{FE0F}'));
                assert_eq!(fast(&text).is_some(), known, "{text:?}: fast path taken?");
                agree(&text);
                n += 1;
            }
        }
        assert!(n > 1000 * contexts.len());
    }

    #[test]
    fn flags_pair_up_from_the_first_indicator() {
        for t in ["🇳🇴", "🇳🇴🇸", "🇳🇴🇸🇪", "a🇳🇴🇸🇪🇩b", "🇳 🇴🇸", "Norge🇳🇴. Ja 🇳🇴🇳🇴🇳"] {
            assert!(fast(t).is_some(), "{t:?}");
            agree(t);
        }
    }

    fn emoji_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = vec![
            "bolig",
            "NAV",
            "Tolk",
            "æøå",
            "Ære",
            "30",
            " ",
            " ",
            ". ",
            "! ",
            "?",
            ".",
            ",",
            "-",
            "'",
            "«",
            "»",
            ")",
            "\n",
            "\r\n",
            "\u{A0}",
            "…",
            "💪",
            "🙂",
            "❤",
            "❤\u{FE0F}",
            "\u{FE0F}",
            "🤷",
            "😕",
            "👍",
            "🇳",
            "🇴",
            "🇳🇴",
            "\u{200D}",
            "\u{1F3FD}",
            "♀",
            "☺",
            "✅",
            "🫶",
            "\u{20E3}",
            "_",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..24).prop_map(|v| v.concat())
    }

    /// Whether `text` has only characters the fast path accepts: no ZWJ, skin tone,
    /// keycap, `_`, and U+FE0F only after a pictograph.
    fn in_fast_alphabet(text: &str) -> bool {
        let mut prev = None;
        for c in text.chars() {
            let ok = match c {
                '\u{FE0F}' => prev.is_some_and(is_pictograph),
                '\u{200D}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{20E3}' => false,
                _ => true,
            };
            if !ok {
                return false;
            }
            if c != '\u{FE0F}' {
                prev = Some(c);
            }
        }
        true
    }

    fn uax_sentences_of(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        uax_sentences(text, &mut out);
        out
    }

    #[test]
    fn long_runs_after_a_full_stop_agree_and_stay_linear() {
        // Each of these took seconds (quadratic look-ahead) before the run memo / shortening.
        for run in [" ", "\t", "\u{A0}", ")", "»", " \u{2003}"] {
            for tail in ["bolig", "Bolig", "", "\n", ". ja", "1 b"] {
                for head in ["Det er ein test.", "Det er ein ¤ test.", "U.S.A.", "a. ("] {
                    let long = format!("{head}{}{tail}", run.repeat(40));
                    assert_eq!(uax_sentences_of(&long), uax(&long).0, "{long:?}");
                    agree(&long);
                }
            }
        }
        // 200,000 spaces after a full stop, on both paths: must finish at once.
        for head in ["Det er ein test.", "Det er ein ¤ test."] {
            let huge = format!("{head}{}bolig. Ny setning.", " ".repeat(200_000));
            let mut sentences = Vec::new();
            uax_sentences(&huge, &mut sentences);
            assert_eq!(sentences.len(), 2, "{head}");
            // A lower-case word after the run continues the sentence (SB8).
            assert_eq!(sentences[0], (0, head.len() + 200_000 + "bolig. ".len()), "{head}");
            if let Some((fast_sentences, _)) = fast(&huge) {
                assert_eq!(fast_sentences, sentences);
            }
        }
    }

    fn runs_alphabet() -> impl Strategy<Value = String> {
        let pieces: Vec<String> = ["a", "B", ".", "!", " ", "\u{A0}", "\t", ")", "\"", "»", "\n", "¤", "1", "\u{301}", "\u{2003}"]
            .iter()
            .flat_map(|p| [p.to_string(), p.repeat(17), p.repeat(40)])
            .collect();
        proptest::collection::vec(proptest::sample::select(pieces), 0..12).prop_map(|v| v.concat())
    }

    fn alphabet() -> impl Strategy<Value = String> {
        let chars: Vec<char> = "aAbZæØåÉé0 9 .,;:'\"!?-_()[]{}\t\r\n\x0B\x0C\u{A0}«»“”‘’–—…§+/@#".chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..40).prop_map(|v| v.into_iter().collect())
    }

    /// `ascii_alnum_prefix` on 8 bytes, byte by byte with `UNIT_BYTE`: the run's length
    /// and its folded bytes.
    fn alnum_prefix_by_table(chunk: [u8; 8]) -> (usize, Vec<u8>) {
        let n = chunk.iter().take_while(|&&b| UNIT_BYTE[b as usize] > GAP_SLOW).count();
        (n, chunk[..n].iter().map(|&b| UNIT_BYTE[b as usize]).collect())
    }

    fn alnum_prefix_swar(chunk: [u8; 8]) -> (usize, Vec<u8>) {
        let (n, folded) = ascii_alnum_prefix(u64::from_le_bytes(chunk));
        (n, folded.to_le_bytes()[..n].to_vec())
    }

    /// The SWAR fold is `UNIT_BYTE`'s: every ASCII letter and digit folds by setting bit
    /// 0x20, and every byte value, in every lane, ends a run exactly when the table says.
    #[test]
    fn alnum_prefix_agrees_with_the_table_for_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            if b.is_ascii_alphanumeric() {
                assert_eq!(b | 0x20, UNIT_BYTE[b as usize], "{b:#x}");
                assert_eq!(b | 0x20, b.to_ascii_lowercase(), "{b:#x}");
            } else {
                assert!(UNIT_BYTE[b as usize] <= GAP_SLOW, "{b:#x}");
            }
            for lane in 0..8 {
                for (before, after) in [(b'a', b'a'), (b'Z', 0xFF), (b'9', 0x00), (b'q', b'0'), (b'A', 0x80)] {
                    let mut chunk = [after; 8];
                    chunk[..lane].fill(before);
                    chunk[lane] = b;
                    assert_eq!(alnum_prefix_swar(chunk), alnum_prefix_by_table(chunk), "{chunk:x?}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        #[test]
        fn alnum_prefix_agrees_with_the_table(chunk in proptest::array::uniform8(proptest::prop_oneof![
            3 => proptest::sample::select(b"aAzZ09mM_ @[`{/:\x7F\xC3\xA5".to_vec()),
            1 => proptest::num::u8::ANY,
        ])) {
            prop_assert_eq!(alnum_prefix_swar(chunk), alnum_prefix_by_table(chunk));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn fast_path_agrees_with_unicode_segmentation(text in alphabet()) {
            prop_assert!(fast(&text).is_some());
            agree(&text);
        }

        #[test]
        fn any_text_agrees_or_falls_back(text in "\\PC{0,30}") {
            agree(&text);
        }

        /// Emoji, variation selectors, ZWJ, skin tones and flags among Norwegian words:
        /// the fast path agrees, and declines exactly what it does not know.
        #[test]
        fn emoji_among_words_agree_or_fall_back(text in emoji_alphabet()) {
            prop_assert_eq!(fast(&text).is_some(), in_fast_alphabet(&text), "{:?}", text);
            agree(&text);
        }

        #[test]
        fn shortened_runs_give_the_same_sentences(text in runs_alphabet()) {
            prop_assert_eq!(uax_sentences_of(&text), uax(&text).0);
            agree(&text);
        }
    }
}
