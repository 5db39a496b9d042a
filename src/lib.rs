//! tema: code Norwegian (Bokmål and Nynorsk) open survey answers into themes with
//! transparent lexicon rules, and show the evidence for every code.
//!
//! Text flows one way: `text` (fold, tokenize) -> `matcher` (compiled lexicon) ->
//! `engine` (hits, vetoes, themes) -> sinks (`eval`, the CLI's writers and counts).

pub mod engine;
pub mod eval;
pub mod io;
pub mod lexicon;
pub mod matcher;
pub mod output;
pub mod redact;
pub mod report;
pub mod serve;
mod swar;
pub mod text;

pub use engine::{Coded, Engine, Hit};
pub use lexicon::{Lexicon, LexiconError, LexiconErrors};
