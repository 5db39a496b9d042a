//! Text stages: fold (how spellings compare) and tokenize (where words are).
pub mod fold;
mod segment;
pub mod tokenize;

pub use fold::{fold, fold_into};
pub use tokenize::{fold_units, tokenize, tokenize_units, tokenize_without_units, Token, TokenKind, Tokens, Unit};

/// Char offset of byte offset `byte` in `text` (which must be a char boundary).
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}
