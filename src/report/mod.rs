//! Aggregates over coded answers: theme counts, shares and crosstabs, per question.
//!
//! The numbers must add up. Every answer is either *missing* (blank, or a marker such
//! as "-", "vet ikke", "nei": see [`DEFAULT_MISSING_MARKERS`]) or *answered*. N is
//! the number of answered answers, and every answered answer is either coded with at
//! least one theme or counted under "no theme". Missing answers are counted apart,
//! never as uncoded text, and never coded.
//!
//! How to use it (as `tema count` and `tema tag --format xlsx` do):
//!
//! ```
//! use tema::report::{Counts, MissingMarkers};
//! let markers = MissingMarkers::default();
//! let mut counts = Counts::new(2); // number of themes in the lexicon
//! // per answer: its question, its --by group (if any), missing?, its theme indexes
//! counts.add("q1", Some("Bergen"), markers.is_missing("bolig og nav"), &[0, 1]);
//! counts.add("q1", Some("Volda"), markers.is_missing("vet ikke"), &[]);
//! let (question, q) = &counts.questions[0];
//! assert_eq!((question.as_str(), q.total.n, q.total.missing), ("q1", 1, 1));
//! assert_eq!(q.groups.len(), 2);
//! assert!(counts.check().is_ok());
//! ```

pub mod date;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod summary;

use rustc_hash::FxHashMap;
use serde::Serialize;

/// Counts for one set of answers (one question, or one `--by` group of it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Answered (non-missing) answers: the N that shares are relative to.
    pub n: usize,
    /// Missing answers (blank or a missing marker), not part of `n`.
    pub missing: usize,
    /// Answered answers with no theme.
    pub no_theme: usize,
    /// Per theme (lexicon order): answered answers coded with it.
    pub themes: Vec<usize>,
}

impl Tally {
    pub fn new(themes: usize) -> Self {
        Tally {
            themes: vec![0; themes],
            ..Default::default()
        }
    }

    /// Adds one answer: `missing`, or answered and coded with `themes` (theme
    /// indexes, no duplicates; empty = no theme). A missing answer's themes are ignored.
    pub fn add(&mut self, missing: bool, themes: &[usize]) {
        if missing {
            self.missing += 1;
            return;
        }
        self.n += 1;
        if themes.is_empty() {
            self.no_theme += 1;
        }
        for &t in themes {
            self.themes[t] += 1;
        }
    }

    /// All answers seen, answered or missing.
    pub fn answers(&self) -> usize {
        self.n + self.missing
    }

    /// Answered answers with at least one theme.
    pub fn coded(&self) -> usize {
        self.n - self.no_theme
    }

    /// `count` as a share of the answered answers (0 when there are none).
    pub fn share(&self, count: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            count as f64 / self.n as f64
        }
    }

    /// Adds another tally's numbers to this one (same lexicon).
    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.missing += other.missing;
        self.no_theme += other.no_theme;
        for (a, b) in self.themes.iter_mut().zip(&other.themes) {
            *a += b;
        }
    }

    /// The invariants that make the numbers add up.
    pub fn check(&self) -> Result<(), String> {
        if self.no_theme > self.n {
            return Err(format!("no_theme {} > n {}", self.no_theme, self.n));
        }
        let coded = self.coded();
        if let Some((t, &c)) = self.themes.iter().enumerate().find(|(_, &c)| c > coded) {
            return Err(format!(
                "theme {t} has {c} answers, more than the {coded} coded answers"
            ));
        }
        let sum: usize = self.themes.iter().sum();
        if sum < coded {
            return Err(format!("{coded} coded answers but only {sum} theme codes"));
        }
        Ok(())
    }
}

/// Counts for one question: all its answers, and per `--by` group (first-seen order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionCounts {
    pub total: Tally,
    /// Per value of the `--by` column, in first-seen order; empty without `--by`.
    pub groups: Vec<(String, Tally)>,
    group_index: FxHashMap<String, usize>,
}

impl QuestionCounts {
    pub fn new(themes: usize) -> Self {
        QuestionCounts {
            total: Tally::new(themes),
            ..Default::default()
        }
    }

    pub fn add(&mut self, group: Option<&str>, missing: bool, themes: &[usize]) {
        self.total.add(missing, themes);
        if let Some(g) = group {
            let idx = match self.group_index.get(g) {
                Some(&i) => i,
                None => {
                    self.groups
                        .push((g.to_string(), Tally::new(self.total.themes.len())));
                    self.group_index
                        .insert(g.to_string(), self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            self.groups[idx].1.add(missing, themes);
        }
    }

    /// Each tally adds up, and the groups (if any) add up to the total.
    pub fn check(&self) -> Result<(), String> {
        self.total.check()?;
        if self.groups.is_empty() {
            return Ok(());
        }
        let mut sum = Tally::new(self.total.themes.len());
        for (g, t) in &self.groups {
            t.check().map_err(|e| format!("group {g}: {e}"))?;
            sum.merge(t);
        }
        if sum != self.total {
            return Err(format!(
                "groups add up to {sum:?}, total is {:?}",
                self.total
            ));
        }
        Ok(())
    }
}

/// Counts per question (first-seen order), each with its `--by` groups.
///
/// An input with one text column has one question (named after the column); a wide
/// export with several text columns, or a long export with a question column, has
/// several. Writers keep the single-question layout when `questions.len() <= 1`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub questions: Vec<(String, QuestionCounts)>,
    themes: usize,
    question_index: FxHashMap<String, usize>,
    last_question: usize,
}

impl Counts {
    /// `themes`: the number of themes in the lexicon.
    pub fn new(themes: usize) -> Self {
        Counts {
            themes,
            ..Default::default()
        }
    }

    /// Number of themes per tally.
    pub fn themes(&self) -> usize {
        self.themes
    }

    /// Adds one answer to its question (and its group, with `--by`).
    pub fn add(&mut self, question: &str, group: Option<&str>, missing: bool, themes: &[usize]) {
        let qi = self.question_slot(question);
        self.questions[qi].1.add(group, missing, themes);
    }

    /// Makes sure `question` is listed (so an input without answers still shows its
    /// question with zero counts); returns its index.
    pub fn question_slot(&mut self, question: &str) -> usize {
        // Fast path: consecutive answers usually belong to the same question.
        if let Some((q, _)) = self.questions.get(self.last_question) {
            if q == question {
                return self.last_question;
            }
        }
        let qi = match self.question_index.get(question) {
            Some(&i) => i,
            None => {
                self.questions
                    .push((question.to_string(), QuestionCounts::new(self.themes)));
                self.question_index
                    .insert(question.to_string(), self.questions.len() - 1);
                self.questions.len() - 1
            }
        };
        self.last_question = qi;
        qi
    }

    /// The counts of one question, by name.
    pub fn question(&self, name: &str) -> Option<&QuestionCounts> {
        self.question_index.get(name).map(|&i| &self.questions[i].1)
    }

    /// True with more than one question: writers then show counts per question.
    pub fn per_question(&self) -> bool {
        self.questions.len() > 1
    }

    /// All answers of all questions together (an answer to each question counts once).
    pub fn overall(&self) -> Tally {
        let mut t = Tally::new(self.themes);
        for (_, q) in &self.questions {
            t.merge(&q.total);
        }
        t
    }

    /// Every question's numbers add up (see [`QuestionCounts::check`]).
    pub fn check(&self) -> Result<(), String> {
        for (name, q) in &self.questions {
            q.check().map_err(|e| format!("question {name}: {e}"))?;
        }
        Ok(())
    }
}

/// Answers that say "no answer" in words; counted as missing, not as uncoded text.
/// Compared after trimming and lower-casing, ignoring a final `.` or `!`.
pub const DEFAULT_MISSING_MARKERS: &[&str] = &[
    "",
    "-",
    "--",
    ".",
    "vet ikke",
    "veit ikkje",
    "ingen kommentar",
    "ingen kommentarar",
    "nei",
    "ingen",
    "ikke aktuelt",
    "ikkje aktuelt",
    "n/a",
];

/// The normal form answers and markers are compared in.
fn normalize(text: &str) -> &str {
    text.trim().trim_end_matches(['.', '!']).trim()
}

/// Missing-answer markers (see [`DEFAULT_MISSING_MARKERS`]), prepared once for checking
/// many answers fast: an answer is missing when it is blank or, trimmed and without a
/// final `.`/`!`, equals a marker ignoring case. Long answers are rejected by length
/// without lower-casing them.
#[derive(Clone, Debug)]
pub struct MissingMarkers {
    folded: Vec<String>,
    max_bytes: usize,
    /// The first character of each marker: most answers start differently.
    first_chars: Vec<char>,
}

impl MissingMarkers {
    pub fn new<S: AsRef<str>>(markers: &[S]) -> Self {
        let folded: Vec<String> = markers
            .iter()
            .map(|m| m.as_ref().trim().to_lowercase())
            .collect();
        let max_bytes = folded.iter().map(String::len).max().unwrap_or(0);
        let first_chars = folded.iter().filter_map(|m| m.chars().next()).collect();
        MissingMarkers {
            folded,
            max_bytes,
            first_chars,
        }
    }

    pub fn is_missing(&self, text: &str) -> bool {
        // Fast path for the usual answer: nothing to trim (it starts and ends
        // with a visible ASCII character other than `.`/`!`) and ASCII, or too
        // long to be a marker. Same result as the general path below.
        if let (Some(&first), Some(&last)) = (text.as_bytes().first(), text.as_bytes().last()) {
            let plain = |b: u8| b.is_ascii_graphic();
            if plain(first) && plain(last) && last != b'.' && last != b'!' {
                if text.len() > 3 * self.max_bytes {
                    return false;
                }
                if text.is_ascii() {
                    // ASCII lower-cases byte for byte, to ASCII.
                    return self
                        .folded
                        .iter()
                        .any(|m| m.len() == text.len() && m.eq_ignore_ascii_case(text));
                }
            }
        }
        let t = normalize(text);
        if t.is_empty() {
            return true;
        }
        // Lower-casing shrinks a character's UTF-8 form by at most a factor of 3
        // (the Kelvin sign to `k`), so a longer text cannot equal any marker.
        if t.len() > 3 * self.max_bytes {
            return false;
        }
        if t.contains('Σ') {
            // Final sigma: `to_lowercase` looks at the neighbours of a Σ.
            return self.folded.contains(&t.to_lowercase());
        }
        // Otherwise lower-casing goes char by char; compare without allocating.
        let lower = || t.chars().flat_map(char::to_lowercase);
        match lower().next() {
            Some(c) if self.first_chars.contains(&c) => self.folded.iter().any(|m| m.chars().eq(lower())),
            _ => false,
        }
    }
}

impl Default for MissingMarkers {
    fn default() -> Self {
        MissingMarkers::new(DEFAULT_MISSING_MARKERS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_add_up_with_groups_and_missing() {
        let mut c = Counts::new(2);
        c.add("q", Some("a"), false, &[0, 1]);
        c.add("q", Some("a"), true, &[]);
        c.add("q", Some("b"), false, &[]);
        let q = &c.questions[0].1;
        assert_eq!(
            q.total,
            Tally {
                n: 2,
                missing: 1,
                no_theme: 1,
                themes: vec![1, 1]
            }
        );
        assert_eq!(q.groups.len(), 2);
        assert_eq!(q.groups[0].1.n + q.groups[1].1.n, q.total.n);
        assert_eq!(q.total.share(1), 0.5);
        assert!(c.check().is_ok());
        assert!(!c.per_question());
    }

    #[test]
    fn answers_are_counted_per_question_in_first_seen_order() {
        let mut c = Counts::new(1);
        for (q, missing, themes) in [
            ("q2", false, vec![0]),
            ("q1", true, vec![]),
            ("q2", false, vec![]),
            ("q1", false, vec![0]),
        ] {
            c.add(q, None, missing, &themes);
        }
        let names: Vec<&str> = c.questions.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(names, ["q2", "q1"]);
        assert!(c.per_question());
        assert_eq!(
            c.question("q2").unwrap().total,
            Tally {
                n: 2,
                missing: 0,
                no_theme: 1,
                themes: vec![1]
            }
        );
        assert_eq!(
            c.question("q1").unwrap().total,
            Tally {
                n: 1,
                missing: 1,
                no_theme: 0,
                themes: vec![1]
            }
        );
        assert_eq!(
            c.overall(),
            Tally {
                n: 3,
                missing: 1,
                no_theme: 1,
                themes: vec![2]
            }
        );
    }

    #[test]
    fn a_missing_answer_is_never_coded() {
        let mut t = Tally::new(1);
        t.add(true, &[0]);
        assert_eq!(
            t,
            Tally {
                n: 0,
                missing: 1,
                no_theme: 0,
                themes: vec![0]
            }
        );
    }

    #[test]
    fn check_catches_numbers_that_do_not_add_up() {
        let bad = Tally {
            n: 2,
            missing: 0,
            no_theme: 0,
            themes: vec![1, 0],
        };
        assert!(bad.check().is_err(), "two coded answers, one code");
        let bad = Tally {
            n: 1,
            missing: 0,
            no_theme: 2,
            themes: vec![0],
        };
        assert!(bad.check().is_err());
        let mut q = QuestionCounts::new(1);
        q.add(Some("a"), false, &[0]);
        q.total.n += 1;
        q.total.no_theme += 1;
        assert!(q.check().is_err(), "groups no longer add up to the total");
    }

    proptest::proptest! {
        /// Any sequence of answers: per question, answered + missing = answers added,
        /// coded + no theme = N, theme counts match a naive count, groups add up.
        #[test]
        fn counts_always_add_up(answers in proptest::collection::vec((0..3usize, 0..4usize, proptest::bool::ANY, proptest::collection::btree_set(0..5usize, 0..4)), 0..200)) {
            let mut c = Counts::new(5);
            for (q, g, missing, themes) in &answers {
                let themes: Vec<usize> = themes.iter().copied().collect();
                c.add(&format!("q{q}"), Some(&format!("g{g}")), *missing, &themes);
            }
            proptest::prop_assert!(c.check().is_ok(), "{:?}", c.check());
            for (name, qc) in &c.questions {
                let mine: Vec<_> = answers.iter().filter(|a| format!("q{}", a.0) == *name).collect();
                let t = &qc.total;
                proptest::prop_assert_eq!(t.answers(), mine.len());
                proptest::prop_assert_eq!(t.missing, mine.iter().filter(|a| a.2).count());
                proptest::prop_assert_eq!(t.coded() + t.no_theme, t.n);
                proptest::prop_assert_eq!(t.no_theme, mine.iter().filter(|a| !a.2 && a.3.is_empty()).count());
                for th in 0..5 {
                    proptest::prop_assert_eq!(t.themes[th], mine.iter().filter(|a| !a.2 && a.3.contains(&th)).count());
                }
            }
            proptest::prop_assert_eq!(c.overall().answers(), answers.len());
        }
    }

    /// The rule in its plainest form, to check the fast version against.
    fn is_missing(text: &str, markers: &[String]) -> bool {
        let t = normalize(text).to_lowercase();
        t.is_empty() || markers.iter().any(|m| m.trim().to_lowercase() == t)
    }

    #[test]
    fn missing_markers_match_like_is_missing() {
        let defaults: Vec<String> = DEFAULT_MISSING_MARKERS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let fast = MissingMarkers::default();
        for text in [
            "",
            "  ",
            "-",
            "Vet ikke.",
            "VET IKKE!",
            " nei ",
            "Nei!",
            "ingen kommentar",
            "N/A",
            "nei takk",
            "bolig",
            "vet ikke om bolig",
            "K",
            "ingen.",
        ] {
            assert_eq!(
                fast.is_missing(text),
                is_missing(text, &defaults),
                "{text:?}"
            );
        }
        assert!(fast.is_missing("Vet ikke."));
        assert!(!fast.is_missing("nei takk"));
        let own = MissingMarkers::new(&["ingen formening"]);
        assert!(own.is_missing("Ingen formening"));
        assert!(!own.is_missing("nei"), "--missing replaces the defaults");
        assert!(own.is_missing("  "), "blank is always missing");
        assert!(!fast.is_missing(&"nei ".repeat(1000)));
    }

    proptest::proptest! {
        /// The fast paths (ASCII, nothing to trim, too long) agree with the plain
        /// rule on texts built from marker pieces, case changes, blanks (ASCII and
        /// not), final marks and non-ASCII letters, with default and own markers.
        #[test]
        fn missing_fast_paths_agree_with_the_rule(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "vet", "VET", "ikke", "Ikkje", " ", "\t", "\u{a0}", ".", "!", "-", "nei", "NEI",
                "n/a", "ø", "Å", "\u{212a}", "k", "ingen", "kommentar", "x", "Σ", "İ",
            ]), 0..6),
            own in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let markers: Vec<String> = if own {
                vec!["Å nei".into(), "k".into(), " x ".into(), "ΣxΣ".into(), "İ".into()]
            } else {
                DEFAULT_MISSING_MARKERS.iter().map(|s| s.to_string()).collect()
            };
            let fast = MissingMarkers::new(&markers);
            proptest::prop_assert_eq!(fast.is_missing(&text), is_missing(&text, &markers), "{:?}", text);
        }
    }
}
