//! Accuracy gates on labelled data: the shared dev set (../shared/gold/dev.jsonl, which
//! CI has beside the checkout) and our own answers (tests/gold/*.jsonl). A lexicon
//! change that loses accuracy fails here with the per-theme figures.

use tema::eval::{evaluate, read_gold, EvalReport};
use tema::Engine;

const CORE: [&str; 4] = ["bolig", "nav", "tolk", "kartlegging"];

fn report(path: &str) -> EvalReport {
    let gold = read_gold(path).unwrap_or_else(|e| panic!("gold set needed for the accuracy gate: {e}"));
    evaluate(&Engine::default_engine(), &gold)
}

fn table(r: &EvalReport) -> String {
    let mut s = String::new();
    for t in &r.themes {
        s.push_str(&format!("{:<22} P {:.3} R {:.3} F1 {:.3}\n", t.theme, t.precision, t.recall, t.f1));
    }
    s + &format!("macro-F1 {:.3}\n", r.macro_avg.f1)
}

fn core_f1(r: &EvalReport) -> f64 {
    r.themes.iter().filter(|t| CORE.contains(&t.theme.as_str())).map(|t| t.f1).sum::<f64>() / 4.0
}

#[test]
fn shared_dev_set_meets_targets() {
    let r = report("../shared/gold/dev.jsonl");
    assert_eq!(r.items, 350);
    assert!(r.unknown_labels.is_empty(), "{:?}", r.unknown_labels);
    for t in r.themes.iter().filter(|t| CORE.contains(&t.theme.as_str())) {
        assert!(t.precision >= 0.97 && t.recall >= 0.95, "core theme {} below P .97 / R .95:\n{}", t.theme, table(&r));
    }
    assert!(r.macro_avg.f1 >= 0.92, "macro-F1 below 0.92:\n{}", table(&r));
}

#[test]
fn own_answers_stay_clearly_above_the_glob_baseline() {
    // The peers' glob dictionary scores core-4 macro-F1 0.896 and 18-theme macro-F1
    // 0.880 on this file (scripts/baseline_eval.py).
    let r = report("tests/gold/own.jsonl");
    assert!(r.items >= 200);
    assert!(r.unknown_labels.is_empty(), "{:?}", r.unknown_labels);
    assert!(core_f1(&r) >= OWN_CORE_F1, "core-4 macro-F1 {:.3}:\n{}", core_f1(&r), table(&r));
    assert!(r.macro_avg.f1 >= OWN_MACRO_F1, "macro-F1:\n{}", table(&r));
}

// own.jsonl was used to tune the lexicon's traps in a second round (README), so its
// gate is high; holdout.jsonl was never used for tuning.
const OWN_CORE_F1: f64 = 0.97;
const OWN_MACRO_F1: f64 = 0.95;

#[test]
fn unseen_holdout_stays_clearly_above_the_glob_baseline() {
    // Glob baseline on this file: core-4 macro-F1 0.832, 18-theme macro-F1 0.876.
    let r = report("tests/gold/holdout.jsonl");
    assert_eq!(r.items, 200);
    assert!(r.unknown_labels.is_empty(), "{:?}", r.unknown_labels);
    assert!(core_f1(&r) >= 0.90, "core-4 macro-F1 {:.3}:\n{}", core_f1(&r), table(&r));
    assert!(r.macro_avg.f1 >= 0.93, "macro-F1:\n{}", table(&r));
}
