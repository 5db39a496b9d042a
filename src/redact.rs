//! Redaction of personal data in quotes and KWIC lines: fødselsnummer and D-nummer (with
//! check digits), Norwegian phone numbers and e-mail addresses become `[FNR]`, `[TLF]` and
//! `[EPOST]`.
//!
//! What counts:
//! - `[FNR]`: 11 digits (or `DDMMYY NNNNN` with one space), not part of a longer digit
//!   run, whose two mod-11 check digits are right and whose first six digits are a
//!   plausible date: day 01–31 (fødselsnummer) or 41–71 (D-nummer: 4 added to the first
//!   digit), month 01–12 (or 41–52, H-nummer). 11-digit numbers that fail the check are
//!   *not* redacted: they are not fødselsnummer (account numbers, case or reference
//!   numbers have 11 digits too, and analysts need those). A mistyped fødselsnummer is
//!   therefore shown as written; read quotes before publishing them.
//! - `[TLF]`: 8 digits starting with 2–9 (Norwegian numbers never start with 0 or 1),
//!   written `22334455`, `22 33 44 55`, `223 34 455` or `2233 4455`, optionally after
//!   `+47` or `0047` (with or without a space), not part of a longer digit run.
//! - `[EPOST]`: `local@domain.tld`.
//!
//! Offsets: [`redact`] returns the new text and maps offsets of the original text into
//! it, so highlights chosen on the original (engine hits) can be shown on the redacted
//! text. A highlight that touches a redacted span grows to cover its label.

use regex::Regex;
use std::sync::OnceLock;

/// What a redacted span was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Fnr,
    Phone,
    Email,
}

impl Kind {
    /// The label that replaces the span.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Fnr => "[FNR]",
            Kind::Phone => "[TLF]",
            Kind::Email => "[EPOST]",
        }
    }
}

/// Personal data at `text[start..end]` (byte offsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}").expect("valid regex")
    })
}

fn fnr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[0-9]{6} ?[0-9]{5}").expect("valid regex"))
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:(?:\+|00)47 ?)?[2-9](?:[0-9]{7}|[0-9] [0-9]{2} [0-9]{2} [0-9]{2}|[0-9]{2} [0-9]{2} [0-9]{3}|[0-9]{3} [0-9]{4})")
            .expect("valid regex")
    })
}

/// True when `digits` (exactly 11 ASCII digits) is a fødselsnummer, D-nummer or
/// H-nummer: plausible day and month, and both mod-11 check digits right.
pub fn is_fnr(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11 || digits.len() != 11 {
        return false;
    }
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
    let month_ok = (1..=12).contains(&month) || (41..=52).contains(&month);
    day_ok
        && month_ok
        && check_digit(&d[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2]) == Some(d[9])
        && check_digit(&d[..10], &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) == Some(d[10])
}

/// The mod-11 check digit for `digits` with `weights`; `None` when it would be 10
/// (such numbers are never issued).
pub fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

fn digit_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit())
}

fn digit_after(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
}

/// Runs `re` over `text` from every start position, keeping matches that `accept`
/// (the regex crate has no look-around, so boundaries are checked here, retrying one
/// char later when a match is rejected).
fn scan(
    text: &str,
    re: &Regex,
    kind: Kind,
    taken: &[Span],
    accept: impl Fn(&str, usize, usize) -> bool,
    out: &mut Vec<Span>,
) {
    let mut pos = 0;
    while pos < text.len() {
        let Some(m) = re.find_at(text, pos) else {
            break;
        };
        let overlaps = taken.iter().any(|s| s.start < m.end() && m.start() < s.end);
        if !overlaps && accept(text, m.start(), m.end()) {
            out.push(Span {
                start: m.start(),
                end: m.end(),
                kind,
            });
            pos = m.end();
        } else {
            pos = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
    }
}

/// The personal data in `text`, sorted and non-overlapping.
pub fn find(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut found = Vec::new();
    scan(
        text,
        email_re(),
        Kind::Email,
        &spans,
        |_, _, _| true,
        &mut found,
    );
    spans.append(&mut found);
    let digits_alone = |t: &str, s: usize, e: usize| !digit_before(t, s) && !digit_after(t, e);
    scan(
        text,
        fnr_re(),
        Kind::Fnr,
        &spans,
        |t, s, e| digits_alone(t, s, e) && is_fnr(&t[s..e].replace(' ', "")),
        &mut found,
    );
    spans.append(&mut found);
    scan(
        text,
        phone_re(),
        Kind::Phone,
        &spans,
        digits_alone,
        &mut found,
    );
    spans.append(&mut found);
    spans.sort_by_key(|s| s.start);
    spans
}

/// A redacted text and the map from the original's offsets into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    /// (original span, span of its label in `text`), in order.
    spans: Vec<(Span, usize, usize)>,
}

impl Redacted {
    /// Where an original offset that starts a highlight lands in `text` (inside a
    /// redacted span: the start of its label).
    pub fn map_start(&self, offset: usize) -> usize {
        self.map(offset, true)
    }

    /// Where an original offset that ends a highlight lands in `text` (inside a redacted
    /// span: the end of its label).
    pub fn map_end(&self, offset: usize) -> usize {
        self.map(offset, false)
    }

    fn map(&self, offset: usize, is_start: bool) -> usize {
        let mut shift: isize = 0;
        for (span, new_start, new_end) in &self.spans {
            if offset <= span.start {
                break;
            }
            if offset < span.end {
                return if is_start { *new_start } else { *new_end };
            }
            shift = *new_end as isize - span.end as isize;
        }
        (offset as isize + shift) as usize
    }

    /// The redacted spans, in the original text's offsets.
    pub fn spans(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().map(|(s, _, _)| s)
    }
}

/// Replaces the personal data in `text` with labels (see the module docs).
pub fn redact(text: &str) -> Redacted {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let mut at = 0;
    for span in find(text) {
        out.push_str(&text[at..span.start]);
        let new_start = out.len();
        out.push_str(span.kind.label());
        spans.push((span, new_start, out.len()));
        at = span.end;
    }
    out.push_str(&text[at..]);
    Redacted { text: out, spans }
}

/// Shorthand for `redact(text).text`.
pub fn redact_text(text: &str) -> String {
    redact(text).text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid number for the date and individual number, with both check digits
    /// computed here (None when the individual number gives a check digit of 10).
    fn make(date: &str, individual: &str) -> Option<String> {
        let mut d: Vec<u32> = format!("{date}{individual}")
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let k1 = check_digit(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2])?;
        d.push(k1);
        let k2 = check_digit(&d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?;
        d.push(k2);
        Some(d.iter().map(|x| x.to_string()).collect())
    }

    /// The first valid number for a date, trying individual numbers from 100.
    fn valid(date: &str) -> String {
        (100..1000)
            .find_map(|i| make(date, &i.to_string()))
            .unwrap()
    }

    fn d_number(date: &str) -> String {
        let first = date.chars().next().unwrap().to_digit(10).unwrap() + 4;
        valid(&format!("{first}{}", &date[1..]))
    }

    #[test]
    fn generated_fnr_and_d_numbers_are_valid() {
        for date in ["010190", "311299", "150575", "290200", "010101"] {
            let f = valid(date);
            assert!(is_fnr(&f), "{f}");
            let d = d_number(date);
            assert!(d.starts_with(|c: char| ('4'..='7').contains(&c)), "{d}");
            assert!(is_fnr(&d), "{d}");
        }
    }

    #[test]
    fn wrong_check_digits_are_not_fnr() {
        let f = valid("010190");
        let bytes = f.as_bytes();
        for pos in [9, 10] {
            let mut wrong = bytes.to_vec();
            wrong[pos] = b'0' + ((wrong[pos] - b'0' + 1) % 10);
            let wrong = String::from_utf8(wrong).unwrap();
            assert!(!is_fnr(&wrong), "{wrong}");
            let r = redact_text(&format!("fnr {wrong}."));
            assert_eq!(
                r,
                format!("fnr {wrong}."),
                "an 11-digit number failing the check is left as it is"
            );
        }
        // A plausible check but an impossible date (day 32).
        let bad_day = (100..1000)
            .find_map(|i| make("320190", &i.to_string()))
            .unwrap();
        assert!(!is_fnr(&bad_day));
        assert!(!is_fnr("0101901234"));
        assert!(!is_fnr("0101901234a"));
    }

    #[test]
    fn fnr_and_d_number_in_text_are_redacted() {
        let f = valid("241287");
        let d = d_number("030303");
        let text = format!("Mitt fnr er {f}, og D-nr: {d}. Ring meg.");
        assert_eq!(
            redact_text(&text),
            "Mitt fnr er [FNR], og D-nr: [FNR]. Ring meg."
        );
        let spaced = format!("{} {}", &f[..6], &f[6..]);
        assert_eq!(redact_text(&format!("({spaced})")), "([FNR])");
        // Part of a longer digit run: not a fødselsnummer.
        assert_eq!(redact_text(&format!("9{f}")), format!("9{f}"));
        assert_eq!(redact_text(&format!("{f}1")), format!("{f}1"));
    }

    #[test]
    fn phone_formats() {
        for (input, want) in [
            ("ring 22334455 i dag", "ring [TLF] i dag"),
            ("ring 22 33 44 55 i dag", "ring [TLF] i dag"),
            ("ring 223 34 455 i dag", "ring [TLF] i dag"),
            ("ring 2233 4455 i dag", "ring [TLF] i dag"),
            ("mobil: +47 912 34 567.", "mobil: [TLF]."),
            ("mobil: +4791234567.", "mobil: [TLF]."),
            ("mobil: 0047 91234567.", "mobil: [TLF]."),
            ("(99 88 77 66)", "([TLF])"),
            ("tlf:41234567", "tlf:[TLF]"),
        ] {
            assert_eq!(redact_text(input), want, "{input}");
        }
    }

    #[test]
    fn numbers_that_are_not_phones() {
        for input in [
            "saksnummer 123456789", // 9 digits
            "12345678",             // starts with 1
            "02345678",             // starts with 0
            "ca 2 000 000 kroner",  // an amount
            "i 2023 og 2024",       // years
            "konto 1234.56.78903",  // account number
            "223344556",            // 9 digits
        ] {
            assert_eq!(redact_text(input), input, "{input}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            redact_text("Skriv til ola.nordmann@nav.no eller kari+x@kommune.oslo.no."),
            "Skriv til [EPOST] eller [EPOST]."
        );
        assert_eq!(
            redact_text("Kontakt æsa_øy@bø.kommune.no!"),
            "Kontakt [EPOST]!"
        );
        assert_eq!(
            redact_text("ikke en adresse: @nav og a@b"),
            "ikke en adresse: @nav og a@b"
        );
        // Digits inside an address are part of it, not a phone number.
        assert_eq!(redact_text("22334455@sms.no"), "[EPOST]");
    }

    #[test]
    fn offsets_map_through_redaction() {
        let f = valid("010190");
        let text = format!("Bolig: {f} trenger bolig, ring 22 33 44 55 om boligen.");
        let r = redact(&text);
        assert_eq!(r.text, "Bolig: [FNR] trenger bolig, ring [TLF] om boligen.");
        // Highlights chosen on the original text.
        for word in ["Bolig", "bolig,", "boligen"] {
            let s = text.find(word).unwrap();
            let e = s + word.len();
            assert_eq!(&r.text[r.map_start(s)..r.map_end(e)], word);
        }
        // A highlight inside a redacted span covers the label, never the digits.
        let inside = text.find("33 44").unwrap();
        assert_eq!(&r.text[r.map_start(inside)..r.map_end(inside + 2)], "[TLF]");
        // A highlight spanning over a label keeps the label inside it.
        let s = text.find("trenger").unwrap();
        let e = text.find("om").unwrap() + 2;
        assert_eq!(
            &r.text[r.map_start(s)..r.map_end(e)],
            "trenger bolig, ring [TLF] om"
        );
        assert_eq!(r.spans().count(), 2);
        assert_eq!(r.map_end(text.len()), r.text.len());
    }

    #[test]
    fn text_without_personal_data_is_unchanged() {
        let t = "Det er stor mangel på boliger – 3 av 10 får ikke plass.";
        let r = redact(t);
        assert_eq!(r.text, t);
        assert_eq!(r.map_start(5), 5);
        assert_eq!(r.map_end(t.len()), t.len());
    }
}
