//! Reading and coding an input batch by batch, so memory is bounded by one batch
//! (a number of answers AND a number of text bytes) however large the input is.
//!
//! [`BatchCoder::for_each_batch`] with more than one coding thread keeps two
//! batches: while the rayon pool codes one, the calling thread hands the previous
//! one to the caller and reads the next, so the coding threads do not wait for
//! reading and writing. Batches still reach the caller one at a time, in input
//! order, and each answer's strings are reused from batch to batch (or, with
//! [`BatchCoder::over_rows`], the chunks of rows the answers are left in).
//!
//! The coding threads share a batch in small pieces ([`CODE_STEP`] answers), so
//! they finish it at nearly the same time instead of one waiting for the other's
//! last long piece; and the first batch is small, so they start soon.

use crate::io::{Answer, AnswerBuf, AnswerReader, InputError, RowAnswers};
use crate::report::MissingMarkers;
use crate::{Coded, Engine};
use rayon::prelude::*;
use std::io;

/// How big one batch may get. A batch ends at whichever limit comes first.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    pub max_answers: usize,
    /// Bytes of text and kept fields, so a file of 20 KB answers keeps few at a time.
    pub max_bytes: usize,
    /// The first batch's `max_answers`: nothing is coded until it is read, so
    /// a small one lets the coding threads start soon.
    pub first_answers: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_answers: 8192,
            max_bytes: 8 << 20,
            first_answers: 1024,
        }
    }
}

/// Answers a coding thread takes at a time: small enough that the threads finish
/// a batch together (one answer takes microseconds), large enough that handing
/// out pieces costs next to nothing.
const CODE_STEP: usize = 16;

/// Answers are pulled from the reader this many at a time while filling a batch, so
/// the byte limit is overshot by at most this many answers.
const READ_STEP: usize = 256;

/// One coded batch, in input order. `missing[i]`: answer `i` is blank or a missing
/// marker; it was not coded (`coded[i]` is empty). `answers` is `&[Answer]`, or
/// `&RowAnswers` from [`BatchCoder::over_rows`].
pub struct Batch<'a, H: Held + 'a = AnswerBuf> {
    pub answers: H::View<'a>,
    pub coded: &'a [Coded],
    pub missing: &'a [bool],
}

/// How a batch holds its answers: copied into [`Answer`]s ([`AnswerBuf`]: what the
/// outputs of every answer need), or left in the rows they were read into
/// ([`RowAnswers`]: for a caller that reads only a few columns of each, like `count`).
pub trait Held: Default + Send + Sync {
    /// What a [`Batch`] shows of them.
    type View<'a>: Copy
    where
        Self: 'a;
    fn view(&self) -> Self::View<'_>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The text of answer `i`, to code.
    fn text(&self, i: usize) -> &str;
    /// Replaces the answers held by the next ones from `reader`, at most (about)
    /// `max_answers` answers and `max_bytes` bytes of text.
    fn read(&mut self, reader: &mut AnswerReader, max_answers: usize, max_bytes: usize) -> Result<(), InputError>;
}

impl Held for AnswerBuf {
    type View<'a> = &'a [Answer];
    fn view(&self) -> &[Answer] {
        self.as_slice()
    }
    fn len(&self) -> usize {
        AnswerBuf::len(self)
    }
    fn text(&self, i: usize) -> &str {
        &self.as_slice()[i].text
    }
    fn read(&mut self, reader: &mut AnswerReader, max_answers: usize, max_bytes: usize) -> Result<(), InputError> {
        self.clear();
        let mut bytes = 0usize;
        while self.len() < max_answers && bytes < max_bytes {
            let before = self.len();
            let step = READ_STEP.min(max_answers - before);
            if reader.refill(step, self)? == 0 {
                break;
            }
            bytes += self.as_slice()[before..].iter().map(answer_bytes).sum::<usize>();
        }
        Ok(())
    }
}

/// Whole chunks of rows: a batch ends at the first chunk boundary past a limit.
impl Held for RowAnswers {
    type View<'a> = &'a RowAnswers;
    fn view(&self) -> &RowAnswers {
        self
    }
    fn len(&self) -> usize {
        RowAnswers::len(self)
    }
    fn text(&self, i: usize) -> &str {
        RowAnswers::text(self, i)
    }
    fn read(&mut self, reader: &mut AnswerReader, max_answers: usize, max_bytes: usize) -> Result<(), InputError> {
        reader.next_rows(max_answers, max_bytes, self).map(|_| ())
    }
}

/// Reads an [`AnswerReader`] in bounded batches and codes each batch in parallel
/// (rayon across the batch, [`CODE_STEP`] answers at a time). Buffers are reused
/// between batches.
pub struct BatchCoder<'e, H: Held = AnswerBuf> {
    engine: &'e Engine,
    reader: AnswerReader,
    markers: MissingMarkers,
    limits: BatchLimits,
    /// The batch handed out last.
    current: Slot<H>,
    /// The batch read while `current` is coded (only in pipelined runs).
    ahead: Slot<H>,
    /// Answers handed out so far, and read so far.
    done: u64,
    read_total: u64,
    /// Code themes only (`themes_only`).
    themes_only: bool,
}

/// The buffers of one batch, reused from batch to batch.
#[derive(Default)]
struct Slot<H> {
    answers: H,
    coded: Vec<Coded>,
    missing: Vec<bool>,
    /// Answers handed out up to and including this batch.
    done: u64,
}

impl<H: Held> Slot<H> {
    fn batch(&self) -> Batch<'_, H> {
        Batch {
            answers: self.answers.view(),
            coded: &self.coded,
            missing: &self.missing,
        }
    }

    /// Marks the missing answers read into this slot and codes the others (missing
    /// ones as "": no hits, no themes), in parallel; themes only (no hits) if
    /// `themes_only`. Each answer's text is checked right before it is coded, by
    /// the same thread, while it is in that core's cache.
    fn code(&mut self, engine: &Engine, markers: &MissingMarkers, themes_only: bool) {
        let answers = &self.answers;
        self.coded.truncate(answers.len());
        self.coded.resize_with(answers.len(), Coded::default);
        self.missing.clear();
        self.missing.resize(answers.len(), false);
        self.coded
            .par_iter_mut()
            .zip(self.missing.par_iter_mut())
            .enumerate()
            .with_max_len(CODE_STEP)
            .for_each(|(i, (coded, missing))| {
                let text = answers.text(i);
                *missing = markers.is_missing(text);
                let text = if *missing { "" } else { text };
                if themes_only {
                    engine.themes_into(text, coded);
                } else {
                    engine.tag_into(text, coded);
                }
            });
    }
}

impl<'e> BatchCoder<'e> {
    pub fn new(engine: &'e Engine, reader: AnswerReader, markers: MissingMarkers) -> Self {
        Self::holding(engine, reader, markers)
    }
}

impl<'e> BatchCoder<'e, RowAnswers> {
    /// A coder whose batches leave the answers in the rows they were read into
    /// ([`RowAnswers`]): for a caller that reads only each answer's text, question or
    /// a column, so nothing is copied per answer. A batch ends at a chunk of rows
    /// (up to 2048) past a limit.
    pub fn over_rows(engine: &'e Engine, reader: AnswerReader, markers: MissingMarkers) -> Self {
        Self::holding(engine, reader, markers)
    }
}

impl<'e, H: Held> BatchCoder<'e, H> {
    fn holding(engine: &'e Engine, reader: AnswerReader, markers: MissingMarkers) -> Self {
        BatchCoder {
            engine,
            reader,
            markers,
            limits: BatchLimits::default(),
            current: Slot::default(),
            ahead: Slot::default(),
            done: 0,
            read_total: 0,
            themes_only: false,
        }
    }

    /// Codes themes only: `Coded::hits` stay empty (see `Engine::themes_into`). For
    /// callers that only count.
    pub fn themes_only(mut self) -> Self {
        self.themes_only = true;
        self
    }

    pub fn with_limits(mut self, limits: BatchLimits) -> Self {
        self.limits = BatchLimits {
            max_answers: limits.max_answers.max(1),
            max_bytes: limits.max_bytes.max(1),
            first_answers: limits.first_answers.max(1),
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
    pub fn next_batch(&mut self) -> Result<Option<Batch<'_, H>>, InputError> {
        Ok(if self.fill()? {
            Some(self.current.batch())
        } else {
            None
        })
    }

    /// Reads and codes the next batch into `current`; false at the end of the input.
    fn fill(&mut self) -> Result<bool, InputError> {
        let mut slot = std::mem::take(&mut self.current);
        let got = self.read_into(&mut slot);
        self.current = slot;
        if !got? {
            return Ok(false);
        }
        self.current
            .code(self.engine, &self.markers, self.themes_only);
        self.done = self.current.done;
        Ok(true)
    }

    /// Calls `f` with every coded batch in input order, and the progress after it
    /// (input bytes read, answers coded). Stops at the first error of either side.
    ///
    /// With more than one coding thread, reading the next batch and `f` on the
    /// previous one run in this thread while the pool codes (see the module docs).
    pub fn for_each_batch(
        &mut self,
        mut f: impl FnMut(&Batch<'_, H>, Progress) -> io::Result<()>,
    ) -> Result<(), CodingError> {
        if rayon::current_num_threads() < 2 {
            while self.fill().map_err(CodingError::Input)? {
                let progress = Progress {
                    bytes: self.reader.progress().0,
                    answers: self.done,
                };
                f(&self.current.batch(), progress).map_err(CodingError::Output)?;
            }
            return Ok(());
        }
        self.pipelined(f)
    }

    /// [`Self::for_each_batch`] with coding of batch k overlapping `f` on batch
    /// k-1 and reading batch k+1. Same calls of `f`, same order, same errors.
    fn pipelined(
        &mut self,
        mut f: impl FnMut(&Batch<'_, H>, Progress) -> io::Result<()>,
    ) -> Result<(), CodingError> {
        let mut coding = std::mem::take(&mut self.current);
        let mut spare = std::mem::take(&mut self.ahead);
        // `spare` holds the batch coded in the previous round (to hand to `f`).
        let mut spare_coded = false;
        let mut more = self.read_into(&mut coding).map_err(CodingError::Input)?;
        // Out of `self` while `self` reads (`read_into` does not need them).
        let markers = std::mem::take(&mut self.markers);
        let mut result = Ok(());
        while more {
            let engine = self.engine;
            let themes_only = self.themes_only;
            let mut read = Ok(false);
            let mut written = Ok(());
            rayon::in_place_scope(|s| {
                let to_code = &mut coding;
                let markers = &markers;
                s.spawn(move |_| to_code.code(engine, markers, themes_only));
                if spare_coded {
                    written = self.hand_out(&spare, &mut f);
                }
                if written.is_ok() {
                    read = self.read_into(&mut spare);
                }
            });
            // Now `coding` is coded and `spare` holds the next batch, if any.
            std::mem::swap(&mut coding, &mut spare);
            spare_coded = true;
            if let Err(e) = written {
                result = Err(CodingError::Output(e));
                break;
            }
            match read {
                Ok(true) => {}
                Ok(false) => more = false,
                Err(e) => {
                    // The batch coded meanwhile comes before the error, as when
                    // reading and coding take turns.
                    result = Err(CodingError::Input(e));
                    more = false;
                }
            }
        }
        if spare_coded && !matches!(result, Err(CodingError::Output(_))) {
            let last = self.hand_out(&spare, &mut f).map_err(CodingError::Output);
            result = last.and(result);
        }
        self.current = spare;
        self.ahead = coding;
        self.markers = markers;
        result
    }

    /// Calls `f` with a coded slot and the progress up to it.
    fn hand_out(
        &mut self,
        slot: &Slot<H>,
        f: &mut impl FnMut(&Batch<'_, H>, Progress) -> io::Result<()>,
    ) -> io::Result<()> {
        self.done = slot.done;
        let progress = Progress {
            bytes: self.reader.progress().0,
            answers: slot.done,
        };
        f(&slot.batch(), progress)
    }

    /// Reads the next batch into `slot`; false at the end of the input.
    fn read_into(&mut self, slot: &mut Slot<H>) -> Result<bool, InputError> {
        let max_answers = match self.read_total {
            0 => self.limits.first_answers.min(self.limits.max_answers),
            _ => self.limits.max_answers,
        };
        let answers = &mut slot.answers;
        answers.read(&mut self.reader, max_answers, self.limits.max_bytes)?;
        if answers.is_empty() {
            return Ok(false);
        }
        self.read_total += answers.len() as u64;
        slot.done = self.read_total;
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
                first_answers: usize::MAX,
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
                first_answers: usize::MAX,
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

    /// What `for_each_batch` hands out: per batch (ids, themes, missing flags,
    /// progress answers), then how it ended.
    type Run = (
        Vec<(Vec<String>, Vec<Vec<usize>>, Vec<bool>, u64)>,
        Result<(), String>,
    );

    /// `for_each_batch` in a pool of `threads` (2+: pipelined), with `f`
    /// failing on batch `fail_at` (if any); batches of 100 answers.
    fn run_in_pool(path: &std::path::Path, threads: usize, fail_at: Option<usize>) -> Run {
        run_with_limits(path, threads, fail_at, 100)
    }

    /// [`run_in_pool`] with a first batch of `first` answers.
    fn run_with_limits(
        path: &std::path::Path,
        threads: usize,
        fail_at: Option<usize>,
        first: usize,
    ) -> Run {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let engine = Engine::default_engine();
            let limits = BatchLimits {
                max_answers: 100,
                max_bytes: usize::MAX,
                first_answers: first,
            };
            let mut coder = coder_over(path, limits, &engine);
            let mut seen = Vec::new();
            let end = coder.for_each_batch(|b, p| {
                if Some(seen.len()) == fail_at {
                    return Err(io::Error::other("disk full"));
                }
                seen.push((
                    b.answers.iter().map(|a| a.id.clone()).collect(),
                    b.coded.iter().map(|c| c.themes.clone()).collect(),
                    b.missing.to_vec(),
                    p.answers,
                ));
                Ok(())
            });
            (seen, end.map_err(|e| e.to_string()))
        })
    }

    fn write_answers(
        dir: &tempfile::TempDir,
        rows: usize,
        ragged_at: Option<usize>,
    ) -> std::path::PathBuf {
        let path = dir.path().join("svar.csv");
        let mut csv = String::from("id,svar\n");
        for i in 1..=rows {
            let text = match i % 5 {
                0 => "vet ikke".to_string(),
                1 => format!("bolig og tolk {i}"),
                _ => format!("svar {i}"),
            };
            if Some(i) == ragged_at {
                csv.push_str(&format!("{i},{text},extra\n"));
            } else {
                csv.push_str(&format!("{i},{text}\n"));
            }
        }
        std::fs::write(&path, csv).unwrap();
        path
    }

    #[test]
    fn pipelined_batches_are_the_same_as_serial_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_answers(&dir, 1050, None);
        let serial = run_in_pool(&path, 1, None);
        let piped = run_in_pool(&path, 2, None);
        assert_eq!(serial.1, Ok(()));
        assert_eq!(serial.0.len(), 11);
        let ids: Vec<String> = serial.0.iter().flat_map(|b| b.0.clone()).collect();
        let expected: Vec<String> = (1..=1050).map(|i| i.to_string()).collect();
        assert_eq!(ids, expected);
        assert!(serial.0[0].1[0].len() >= 2, "bolig and tolk are coded");
        assert!(serial.0[0].2[4], "vet ikke is missing");
        assert_eq!(serial.0.last().unwrap().3, 1050);
        assert_eq!(piped, serial);
    }

    #[test]
    fn pipelined_errors_come_after_the_same_batches_as_serial_ones() {
        let dir = tempfile::tempdir().unwrap();
        // The row of line 852 has a field too many: 8 whole batches before it.
        let path = write_answers(&dir, 1050, Some(851));
        let serial = run_in_pool(&path, 1, None);
        assert_eq!(serial.0.len(), 8);
        let err = serial.1.clone().unwrap_err();
        assert!(
            err.contains("svar.csv:852") && err.contains("3 fields"),
            "{err}"
        );
        assert_eq!(run_in_pool(&path, 2, None), serial);

        // The output failing on batch 3: no more calls, the output error.
        let path = write_answers(&dir, 1050, None);
        let serial = run_in_pool(&path, 1, Some(3));
        assert_eq!(serial.0.len(), 3);
        assert!(serial.1.clone().unwrap_err().contains("disk full"));
        assert_eq!(run_in_pool(&path, 2, Some(3)), serial);

        // Both: the output error wins when it comes first.
        let path = write_answers(&dir, 1050, Some(851));
        let piped = run_in_pool(&path, 2, Some(8));
        assert_eq!(piped, run_in_pool(&path, 1, Some(8)));
        assert!(
            piped.1.unwrap_err().contains("svar.csv:852"),
            "batch 8 is never handed out"
        );
    }

    /// Per answer (field 0 = id, question, themes, missing) from a coder over rows in a
    /// pool of `threads`, the batch sizes, and how it ended; `f` fails on batch `fail_at`.
    #[allow(clippy::type_complexity)]
    fn run_over_rows(path: &std::path::Path, threads: usize, fail_at: Option<usize>) -> (Vec<(String, String, Vec<usize>, bool)>, Vec<usize>, Result<(), String>) {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let engine = Engine::default_engine();
            let reader = AnswerReader::open(path.to_str().unwrap(), &ReadOptions::default()).unwrap();
            let limits = BatchLimits { max_answers: 300, max_bytes: usize::MAX, first_answers: 1 };
            let mut coder = BatchCoder::over_rows(&engine, reader, MissingMarkers::default()).with_limits(limits);
            let (mut seen, mut sizes) = (Vec::new(), Vec::new());
            let end = coder.for_each_batch(|b, p| {
                if Some(sizes.len()) == fail_at {
                    return Err(io::Error::other("disk full"));
                }
                sizes.push(b.answers.len());
                assert_eq!(p.answers as usize, seen.len() + b.answers.len());
                for (i, (c, &m)) in b.coded.iter().zip(b.missing).enumerate() {
                    seen.push((b.answers.field(i, 0).to_string(), b.answers.question(i).to_string(), c.themes.clone(), m));
                }
                Ok(())
            });
            (seen, sizes, end.map_err(|e| e.to_string()))
        })
    }

    #[test]
    fn coding_over_rows_codes_like_coding_copied_answers() {
        let dir = tempfile::tempdir().unwrap();
        // 5000 rows: the reading thread's chunks of 2048 rows, and a first chunk of one
        // row (read at open, for the header's errors).
        let path = write_answers(&dir, 5000, None);
        let (copied, end) = run_with_limits(&path, 1, None, 100);
        assert_eq!(end, Ok(()));
        let expected: Vec<_> = copied
            .iter()
            .flat_map(|b| b.0.iter().zip(&b.1).zip(&b.2).map(|((id, t), &m)| (id.clone(), "svar".to_string(), t.clone(), m)))
            .collect();
        assert_eq!(expected.len(), 5000);
        for threads in [1, 2] {
            let (seen, sizes, end) = run_over_rows(&path, threads, None);
            assert_eq!(end, Ok(()));
            assert!(seen == expected, "{threads} threads");
            // Whole chunks: the first row alone (first batch of 1), then chunks of 2048
            // rows until past 300 answers, and what is left.
            assert_eq!(sizes, [1, 2048, 2048, 903], "{threads} threads");
        }
        // Errors: a ragged row in the third chunk, and the output failing on batch 2.
        let path = write_answers(&dir, 5000, Some(4500));
        for threads in [1, 2] {
            let (seen, sizes, end) = run_over_rows(&path, threads, None);
            assert_eq!(sizes, [1, 2048, 2048, 402], "{threads} threads");
            assert!(seen[..] == expected[..4499]);
            let err = end.unwrap_err();
            assert!(err.contains("svar.csv:4501") && err.contains("3 fields"), "{err}");
            let (seen, sizes, end) = run_over_rows(&path, threads, Some(2));
            assert_eq!((seen.len(), sizes.len()), (2049, 2));
            assert!(end.unwrap_err().contains("disk full"));
        }
    }

    #[test]
    fn the_first_batch_is_small_and_the_rest_are_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_answers(&dir, 1050, None);
        let serial = run_with_limits(&path, 1, None, 30);
        let sizes: Vec<usize> = serial.0.iter().map(|b| b.0.len()).collect();
        let mut expected = vec![30];
        expected.extend([100; 10]);
        expected.push(20);
        assert_eq!(sizes, expected);
        assert_eq!(serial.1, Ok(()));
        assert_eq!(run_with_limits(&path, 2, None, 30), serial);
        // The same answers, codes and missing flags as with equal batches.
        let flat = |r: &Run| {
            r.0.iter()
                .flat_map(|b| {
                    b.0.iter()
                        .cloned()
                        .zip(b.1.iter().cloned())
                        .zip(b.2.iter().copied())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(flat(&serial), flat(&run_in_pool(&path, 2, None)));
    }

    #[test]
    fn every_answer_is_coded_as_when_coded_alone() {
        // Pieces of CODE_STEP answers across threads: each answer's codes and
        // missing flag are its own, whatever piece or thread it fell in.
        let dir = tempfile::tempdir().unwrap();
        let path = write_answers(&dir, 1050, None);
        let engine = Engine::default_engine();
        let markers = MissingMarkers::default();
        let piped = run_in_pool(&path, 2, None);
        let mut n = 0;
        for (ids, themes, missing, _) in &piped.0 {
            for ((id, t), &m) in ids.iter().zip(themes).zip(missing) {
                let i: usize = id.parse().unwrap();
                let text = match i % 5 {
                    0 => "vet ikke".to_string(),
                    1 => format!("bolig og tolk {i}"),
                    _ => format!("svar {i}"),
                };
                assert_eq!(m, markers.is_missing(&text), "{id}");
                let alone = if m {
                    Vec::new()
                } else {
                    engine.tag(&text).themes
                };
                assert_eq!(t, &alone, "{id}");
                n += 1;
            }
        }
        assert_eq!(n, 1050);
    }
}
