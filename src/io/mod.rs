//! Input and output plumbing: reading survey answers from the files analysts
//! actually have (CSV/TSV exported from survey tools or Excel, JSON Lines,
//! plain text with one answer per line) and writing results safely.
//!
//! Two promises shape everything in here:
//!
//! * **Never lose or mangle an answer silently.** Every answer keeps its
//!   physical line number so results can be traced back to the source, and
//!   anything we cannot read faithfully (wrong encoding, ragged rows, an
//!   unclosed quote, a missing field) is an error rather than a guess.
//! * **Errors point at the spot.** [`InputError`] always names the file and,
//!   where it applies, the line and column, so a user can open the file in an
//!   editor and fix it without knowing Rust or the CSV RFC.
//!
//! [`AtomicOutput`] exists so that a crash or an error halfway through never
//! leaves a half-written result file behind, and so that a typo such as
//! `tema code svar.csv -o svar.csv` cannot overwrite the input.

pub mod atomic;
mod csv_format;
mod decode;
mod jsonl;
mod plain;
pub mod read;
mod rows;
mod scan;
mod select;
pub mod stream;
mod xlsx;

pub use atomic::AtomicOutput;
pub use decode::EncodingSource;
pub use read::{
    find_column, read_bytes, read_path, Answer, Dataset, InputError, InputFormat, ReadOptions,
};
pub use stream::{AnswerBuf, AnswerReader, RowAnswers};
