//! Every `must` / `mustnot` example line of the default lexicon holds.

use tema::lexicon::check::{run_examples, warnings};
use tema::Engine;

#[test]
fn default_lexicon_examples_pass() {
    let engine = Engine::default_engine();
    let (n, failures) = run_examples(&engine);
    assert!(n >= 18 * 5, "each theme carries examples ({n} in all)");
    let msgs: Vec<String> = failures
        .iter()
        .map(|f| format!("{}:{} {} `{}` {:?} got {:?} {:?}", f.file, f.line, if f.must { "must" } else { "mustnot" }, f.theme, f.text, f.got, f.evidence))
        .collect();
    assert!(failures.is_empty(), "{}", msgs.join("\n"));
}

#[test]
fn default_lexicon_has_all_codebook_themes_and_no_warnings() {
    let engine = Engine::default_engine();
    let lex = engine.lexicon();
    let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "bolig", "nav", "tolk", "kartlegging", "bosetting", "introduksjonsprogram", "norskopplaering", "arbeid", "utdanning", "helse",
            "barn_unge", "frivillighet", "tilskudd", "kapasitet", "nsk", "digitalisering", "diskriminering", "ukraina"
        ]
    );
    for t in &lex.themes {
        assert!(!t.nb.is_empty() && !t.nn.is_empty() && !t.en.is_empty() && !t.about.is_empty(), "labels of {}", t.id);
    }
    let w: Vec<String> = warnings(lex).iter().map(|w| w.to_string()).collect();
    assert!(w.is_empty(), "{}", w.join("\n"));
}
