//! Any lexicon text: parsing returns a lexicon or errors with a line inside the file,
//! never a panic; a lexicon that parses also compiles and tags its own examples.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tema::{Engine, Lexicon};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count();
    match Lexicon::from_texts("fuzz", &[("fuzz.tema".to_string(), text.to_string())]) {
        Ok(lex) => {
            let examples: Vec<String> = lex.themes.iter().flat_map(|t| t.examples.iter().map(|e| e.text.clone())).collect();
            if let Ok(engine) = Engine::new(lex) {
                for e in &examples {
                    engine.explain(e);
                }
                engine.tag(text);
            }
        }
        Err(errors) => {
            for e in &errors.0 {
                assert!(e.line <= lines.max(1), "error line {} outside the file ({} lines)", e.line, lines);
            }
        }
    }
});
