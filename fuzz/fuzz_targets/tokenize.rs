//! Any bytes that are UTF-8: tokenizing and tagging never panic, and every offset
//! slices the original text on char boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tema::text::{tokenize, Tokens};
use tema::Engine;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(Engine::default_engine)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut t = Tokens::new();
    tokenize(text, &mut t);
    for tok in &t.tokens {
        assert!(text.is_char_boundary(tok.start) && text.is_char_boundary(tok.end) && tok.start < tok.end);
    }
    for u in &t.units {
        assert!(text.is_char_boundary(u.start) && text.is_char_boundary(u.end) && u.start < u.end);
    }
    let coded = engine().explain(text);
    for h in &coded.hits {
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end) && h.start < h.end);
        assert_eq!(text[..h.start].chars().count(), h.char_start);
    }
});
