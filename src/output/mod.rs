//! Writing results: coded answers (JSONL, CSV, xlsx) and counts (table, CSV, JSON,
//! xlsx), streamed as the input is coded in bounded batches.
//!
//! - [`batches`]: reads and codes an input batch by batch (memory bounded by the batch).
//! - [`answers`]: one record per coded answer (`tema tag`), JSONL or CSV.
//! - [`counts`]: [`crate::report::Counts`] as a text table, CSV or JSON (`tema count`).
//! - [`xlsx`]: workbooks (answers sheet in constant-memory mode, counts, crosstab).
//! - [`csv_style`]: plain CSV, or CSV for Excel (BOM, `;`, decimal comma, formula guard).
//! - [`Sink`]: a file written atomically (never over an input) or standard output.

pub mod answers;
pub mod batches;
pub mod counts;
pub mod csv_style;
pub mod xlsx;

pub use batches::{Batch, BatchCoder, BatchLimits, CodingError, Progress};
pub use csv_style::CsvStyle;

use crate::io::AtomicOutput;
use std::io::{self, BufWriter, Stdout, Write};
use std::path::Path;

/// Where results go: a file written atomically, or standard output.
pub enum Sink {
    File(AtomicOutput),
    Stdout(BufWriter<Stdout>),
}

impl Sink {
    /// Opens `path` atomically (refusing any of `inputs`; `-` = stdin is skipped), or
    /// standard output when `path` is `None`. Nothing appears at `path` before
    /// [`Sink::finish`]; dropping the sink unfinished leaves no file behind.
    pub fn open(path: Option<&Path>, inputs: &[&str]) -> io::Result<Sink> {
        match path {
            Some(p) => {
                let inputs: Vec<&Path> = inputs
                    .iter()
                    .filter(|i| **i != "-")
                    .map(Path::new)
                    .collect();
                Ok(Sink::File(AtomicOutput::create(p, &inputs)?))
            }
            None => Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout(),
            ))),
        }
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Sink::Stdout(_))
    }

    /// Commits the file (or flushes standard output).
    pub fn finish(self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.commit(),
            Sink::Stdout(mut w) => w.flush(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::File(f) => f.write_all(buf),
            Sink::Stdout(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(w) => w.flush(),
        }
    }
}
