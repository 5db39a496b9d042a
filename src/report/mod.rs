//! Aggregates over coded answers: theme counts, shares and crosstabs.
//!
//! The numbers must add up: N is the number of non-empty answers, every non-empty
//! answer is either coded with at least one theme or counted under "no theme", and
//! empty answers are counted apart, never as uncoded text.

pub mod html;
pub mod markdown;
pub mod summary;

use crate::engine::Coded;
use serde::Serialize;

/// Counts for one group of answers (all answers, or one value of `--by`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Non-empty answers.
    pub n: usize,
    /// Empty (blank) answers, not part of `n`.
    pub empty: usize,
    /// Non-empty answers with no theme.
    pub no_theme: usize,
    /// Per theme (lexicon order): answers coded with it.
    pub themes: Vec<usize>,
}

impl Tally {
    pub fn new(themes: usize) -> Self {
        Tally { themes: vec![0; themes], ..Default::default() }
    }

    /// Adds one answer.
    pub fn add(&mut self, text: &str, coded: &Coded) {
        if is_blank(text) {
            self.empty += 1;
            return;
        }
        self.n += 1;
        if coded.themes.is_empty() {
            self.no_theme += 1;
        }
        for &t in &coded.themes {
            self.themes[t] += 1;
        }
    }

    /// Share of non-empty answers coded with theme `t` (0 when there are none).
    pub fn share(&self, count: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            count as f64 / self.n as f64
        }
    }
}

/// An answer with nothing but whitespace counts as empty.
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Counts overall and, optionally, per group value (in first-seen order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    pub total: Tally,
    pub groups: Vec<(String, Tally)>,
}

impl Counts {
    pub fn new(themes: usize) -> Self {
        Counts { total: Tally::new(themes), groups: Vec::new() }
    }

    pub fn add(&mut self, text: &str, coded: &Coded, group: Option<&str>) {
        self.total.add(text, coded);
        if let Some(g) = group {
            let idx = match self.groups.iter().position(|(v, _)| v == g) {
                Some(i) => i,
                None => {
                    self.groups.push((g.to_string(), Tally::new(self.total.themes.len())));
                    self.groups.len() - 1
                }
            };
            self.groups[idx].1.add(text, coded);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_add_up() {
        let mut c = Counts::new(2);
        let coded = |t: Vec<usize>| Coded { themes: t, ..Default::default() };
        c.add("bolig og nav", &coded(vec![0, 1]), Some("a"));
        c.add("  ", &coded(vec![]), Some("a"));
        c.add("ingenting", &coded(vec![]), Some("b"));
        assert_eq!(c.total.n, 2);
        assert_eq!(c.total.empty, 1);
        assert_eq!(c.total.no_theme, 1);
        assert_eq!(c.total.themes, vec![1, 1]);
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[0].1.n + c.groups[1].1.n, c.total.n);
        assert_eq!(c.total.share(1), 0.5);
    }
}

/// Answers that say "no answer" in words; counted as missing, not as uncoded text.
/// Compared after trimming and lower-casing, ignoring a final `.` or `!`.
pub const DEFAULT_MISSING_MARKERS: &[&str] = &["", "-", "--", ".", "vet ikke", "veit ikkje", "ingen kommentar", "ingen kommentarar", "nei", "ingen", "ikke aktuelt", "ikkje aktuelt", "n/a"];

/// True when `text` is blank or one of `markers` (see [`DEFAULT_MISSING_MARKERS`]).
pub fn is_missing(text: &str, markers: &[String]) -> bool {
    let t = text.trim().trim_end_matches(['.', '!']).trim().to_lowercase();
    t.is_empty() || markers.iter().any(|m| m.trim().to_lowercase() == t)
}
