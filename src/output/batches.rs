//! Reading and coding an input batch by batch, so memory is bounded by one batch
//! (a number of answers AND a number of text bytes) however large the input is.

use crate::io::{Answer, AnswerReader, InputError};
use crate::report::MissingMarkers;
use crate::{Coded, Engine};
use std::io;

/// How big one batch may get. A batch ends at whichever limit comes first.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    pub max_answers: usize,
    /// Bytes of text and kept fields, so a file of 20 KB answers keeps few at a time.
    pub max_bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_answers: 8192,
            max_bytes: 8 << 20,
        }
    }
}

/// Answers are pulled from the reader this many at a time while filling a batch, so
/// the byte limit is overshot by at most this many answers.
const READ_STEP: usize = 256;

/// One coded batch, in input order. `missing[i]`: answer `i` is blank or a missing
/// marker; it was not coded (`coded[i]` is empty).
pub struct Batch<'a> {
    pub answers: &'a [Answer],
    pub coded: &'a [Coded],
    pub missing: &'a [bool],
}

/// Reads an [`AnswerReader`] in bounded batches and codes each batch in parallel
/// (`Engine::tag_batch`, rayon across the batch). Buffers are reused between batches.
pub struct BatchCoder<'e> {
    engine: &'e Engine,
    reader: AnswerReader,
    markers: MissingMarkers,
    limits: BatchLimits,
    answers: Vec<Answer>,
    coded: Vec<Coded>,
    missing: Vec<bool>,
    done: u64,
}

impl<'e> BatchCoder<'e> {
    pub fn new(engine: &'e Engine, reader: AnswerReader, markers: MissingMarkers) -> Self {
        BatchCoder {
            engine,
            reader,
            markers,
            limits: BatchLimits::default(),
            answers: Vec::new(),
            coded: Vec::new(),
            missing: Vec::new(),
            done: 0,
        }
    }

    pub fn with_limits(mut self, limits: BatchLimits) -> Self {
        self.limits = BatchLimits {
            max_answers: limits.max_answers.max(1),
            max_bytes: limits.max_bytes.max(1),
        };
        self
    }

    /// The reader (columns, text columns, progress).
    pub fn reader(&self) -> &AnswerReader {
        &self.reader
    }

    /// Answers handed out so far.
    pub fn answers_done(&self) -> u64 {
        self.done
    }

    /// The next coded batch, or `None` at the end of the input.
    pub fn next_batch(&mut self) -> Result<Option<Batch<'_>>, InputError> {
        Ok(if self.fill()? {
            Some(self.batch())
        } else {
            None
        })
    }

    /// Calls `f` with every coded batch in input order, and the progress after it
    /// (input bytes read, answers coded). Stops at the first error of either side.
    pub fn for_each_batch(
        &mut self,
        mut f: impl FnMut(&Batch<'_>, Progress) -> io::Result<()>,
    ) -> Result<(), CodingError> {
        while self.fill().map_err(CodingError::Input)? {
            let progress = Progress {
                bytes: self.reader.progress().0,
                answers: self.done,
            };
            f(&self.batch(), progress).map_err(CodingError::Output)?;
        }
        Ok(())
    }

    fn batch(&self) -> Batch<'_> {
        Batch {
            answers: &self.answers,
            coded: &self.coded,
            missing: &self.missing,
        }
    }

    /// Reads and codes the next batch into the buffers; false at the end of the input.
    fn fill(&mut self) -> Result<bool, InputError> {
        self.answers.clear();
        let mut bytes = 0usize;
        while self.answers.len() < self.limits.max_answers && bytes < self.limits.max_bytes {
            let before = self.answers.len();
            let step = READ_STEP.min(self.limits.max_answers - before);
            if self.reader.next_batch(step, &mut self.answers)? == 0 {
                break;
            }
            bytes += self.answers[before..]
                .iter()
                .map(answer_bytes)
                .sum::<usize>();
        }
        if self.answers.is_empty() {
            return Ok(false);
        }
        self.missing.clear();
        self.missing.extend(
            self.answers
                .iter()
                .map(|a| self.markers.is_missing(&a.text)),
        );
        // Missing answers are not coded: they go in as "" (no hits, no themes).
        let texts: Vec<&str> = self
            .answers
            .iter()
            .zip(&self.missing)
            .map(|(a, &m)| if m { "" } else { a.text.as_str() })
            .collect();
        self.engine.tag_batch_into(&texts, &mut self.coded);
        self.done += self.answers.len() as u64;
        Ok(true)
    }
}

/// How far coding has got, after a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Input bytes read so far (0 when the reader cannot tell).
    pub bytes: u64,
    /// Answers coded so far.
    pub answers: u64,
}

/// Why [`BatchCoder::for_each_batch`] stopped: bad input, or the output failed.
#[derive(Debug)]
pub enum CodingError {
    Input(InputError),
    Output(io::Error),
}

impl std::fmt::Display for CodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodingError::Input(e) => write!(f, "{e}"),
            CodingError::Output(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for CodingError {}

fn answer_bytes(a: &Answer) -> usize {
    a.text.len() + a.id.len() + a.question.len() + a.fields.iter().map(String::len).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::ReadOptions;

    fn coder_over<'e>(
        path: &std::path::Path,
        limits: BatchLimits,
        engine: &'e Engine,
    ) -> BatchCoder<'e> {
        let reader = AnswerReader::open(path.to_str().unwrap(), &ReadOptions::default()).unwrap();
        BatchCoder::new(engine, reader, MissingMarkers::default()).with_limits(limits)
    }

    #[test]
    fn batches_respect_both_limits_and_keep_input_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.txt");
        let long = "bolig ".repeat(2000); // 12 KB
        let mut text = String::new();
        for i in 0..1000 {
            if i % 100 == 0 {
                text.push_str(&long);
            } else if i % 7 == 0 {
                text.push_str("vet ikke");
            } else {
                text.push_str(&format!("svar {i} om tolk"));
            }
            text.push('\n');
        }
        std::fs::write(&path, &text).unwrap();
        let engine = Engine::default_engine();

        let mut by_count = coder_over(
            &path,
            BatchLimits {
                max_answers: 300,
                max_bytes: usize::MAX,
            },
            &engine,
        );
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        while let Some(b) = by_count.next_batch().unwrap() {
            sizes.push(b.answers.len());
            ids.extend(b.answers.iter().map(|a| a.id.clone()));
            assert_eq!(b.coded.len(), b.answers.len());
            for ((a, c), &m) in b.answers.iter().zip(b.coded).zip(b.missing) {
                assert_eq!(m, a.text == "vet ikke");
                assert_eq!(
                    c.themes.is_empty(),
                    m || !(a.text.contains("bolig") || a.text.contains("tolk")),
                    "{}",
                    a.text
                );
            }
        }
        assert_eq!(sizes, [300, 300, 300, 100]);
        let expected: Vec<String> = (1..=1000).map(|i| i.to_string()).collect();
        assert_eq!(ids, expected, "input order");

        // 10 answers of 12 KB in 1000: with a 20 KB limit a batch ends after the read
        // step that brought two of them (without the limit it would be one batch).
        let mut by_bytes = coder_over(
            &path,
            BatchLimits {
                max_answers: 10_000,
                max_bytes: 20_000,
            },
            &engine,
        );
        let mut sizes = Vec::new();
        while let Some(b) = by_bytes.next_batch().unwrap() {
            sizes.push(b.answers.len());
        }
        assert_eq!(
            sizes,
            [READ_STEP, READ_STEP, READ_STEP, 1000 - 3 * READ_STEP]
        );
        assert_eq!(by_bytes.answers_done(), 1000);
    }
}
