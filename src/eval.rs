//! Evaluation against labelled answers: per-theme precision, recall, F1 and Cohen's
//! kappa, micro and macro averages, and every error with its evidence.
//!
//! Zero denominators: precision with no predictions, or recall with no gold, is 0,
//! except that a theme with neither gold nor predictions scores 1 (nothing to find,
//! nothing found), so an unused theme does not drag the macro average down.

use crate::engine::Engine;
use crate::io::InputError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct GoldItem {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub text: String,
    pub labels: Vec<String>,
}

/// Reads gold JSONL (`{"id","text","labels":[...]}`), with file:line:column errors.
pub fn read_gold(path: &str) -> Result<Vec<(String, GoldItem)>, InputError> {
    let err = |line: Option<u64>, column: Option<u64>, message: String| InputError { source: path.to_string(), line, column, message };
    let bytes = std::fs::read(path).map_err(|e| err(None, None, format!("cannot read: {e}")))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let col = String::from_utf8_lossy(&valid[valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)..]).chars().count() as u64 + 1;
            return Err(err(Some(line), Some(col), "invalid UTF-8; save the file as UTF-8".into()));
        }
    };
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let item: GoldItem = serde_json::from_str(line).map_err(|e| err(Some(line_no), Some(e.column() as u64), format!("{e}")))?;
        let id = match &item.id {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => line_no.to_string(),
        };
        items.push((id, item));
    }
    if items.is_empty() {
        return Err(err(None, None, "file is empty".into()));
    }
    Ok(items)
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeScore {
    pub theme: String,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub tn: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
    pub kappa: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Averages {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalError {
    pub id: String,
    pub theme: String,
    /// "fp" (coded but not in gold) or "fn" (in gold but not coded)
    pub kind: &'static str,
    pub text: String,
    /// For fp: the hits of the theme. For fn: vetoed near-misses of the theme, if any.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub items: usize,
    pub lexicon: String,
    pub version: String,
    pub themes: Vec<ThemeScore>,
    pub micro: Averages,
    pub macro_avg: Averages,
    /// Gold labels that are no theme of the lexicon (ignored in the scores).
    pub unknown_labels: Vec<String>,
    pub errors: Vec<EvalError>,
}

fn ratio(num: usize, den: usize, both_empty: bool) -> f64 {
    if den == 0 {
        if both_empty {
            1.0
        } else {
            0.0
        }
    } else {
        num as f64 / den as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Cohen's kappa for two binary codings given the confusion counts.
pub fn kappa(tp: usize, fp: usize, fn_: usize, tn: usize) -> f64 {
    let n = (tp + fp + fn_ + tn) as f64;
    if n == 0.0 {
        return 1.0;
    }
    let po = (tp + tn) as f64 / n;
    let pe = ((tp + fp) as f64 * (tp + fn_) as f64 + (fn_ + tn) as f64 * (fp + tn) as f64) / (n * n);
    if (1.0 - pe).abs() < 1e-12 {
        1.0
    } else {
        (po - pe) / (1.0 - pe)
    }
}

/// Codes every gold text and compares.
pub fn evaluate(engine: &Engine, gold: &[(String, GoldItem)]) -> EvalReport {
    let lex = engine.lexicon();
    let texts: Vec<&str> = gold.iter().map(|(_, g)| g.text.as_str()).collect();
    let coded: Vec<_> = {
        use rayon::prelude::*;
        texts.par_iter().map(|t| engine.explain(t)).collect()
    };
    let nt = lex.themes.len();
    let (mut tp, mut fp, mut fn_, mut tn) = (vec![0; nt], vec![0; nt], vec![0; nt], vec![0; nt]);
    let mut unknown: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for ((id, item), c) in gold.iter().zip(&coded) {
        for l in &item.labels {
            if lex.theme_index(l).is_none() && !unknown.contains(l) {
                unknown.push(l.clone());
            }
        }
        for (ti, theme) in lex.themes.iter().enumerate() {
            let want = item.labels.contains(&theme.id);
            let got = c.themes.contains(&ti);
            match (want, got) {
                (true, true) => tp[ti] += 1,
                (false, false) => tn[ti] += 1,
                (false, true) => {
                    fp[ti] += 1;
                    let evidence = c
                        .hits
                        .iter()
                        .filter(|h| h.theme == ti)
                        .map(|h| format!("`{}` matched \"{}\"", engine.rule_label(h), &item.text[h.start..h.end]))
                        .collect();
                    errors.push(EvalError { id: id.clone(), theme: theme.id.clone(), kind: "fp", text: item.text.clone(), evidence });
                }
                (true, false) => {
                    fn_[ti] += 1;
                    let evidence = c
                        .vetoed
                        .iter()
                        .filter(|v| v.hit.theme == ti)
                        .map(|v| format!("`{}` matched \"{}\", vetoed by `except {}`", engine.rule_label(&v.hit), &item.text[v.hit.start..v.hit.end], engine.rule_label(&v.by)))
                        .collect();
                    errors.push(EvalError { id: id.clone(), theme: theme.id.clone(), kind: "fn", text: item.text.clone(), evidence });
                }
            }
        }
    }
    let mut themes = Vec::new();
    for (ti, theme) in lex.themes.iter().enumerate() {
        let empty = tp[ti] + fp[ti] + fn_[ti] == 0;
        let p = ratio(tp[ti], tp[ti] + fp[ti], empty);
        let r = ratio(tp[ti], tp[ti] + fn_[ti], empty);
        themes.push(ThemeScore {
            theme: theme.id.clone(),
            tp: tp[ti],
            fp: fp[ti],
            fn_: fn_[ti],
            tn: tn[ti],
            precision: p,
            recall: r,
            f1: if empty { 1.0 } else { f1(p, r) },
            support: tp[ti] + fn_[ti],
            kappa: kappa(tp[ti], fp[ti], fn_[ti], tn[ti]),
        });
    }
    let (stp, sfp, sfn): (usize, usize, usize) = (tp.iter().sum(), fp.iter().sum(), fn_.iter().sum());
    let mp = ratio(stp, stp + sfp, stp + sfp + sfn == 0);
    let mr = ratio(stp, stp + sfn, stp + sfp + sfn == 0);
    let n = themes.len().max(1) as f64;
    let macro_avg = Averages {
        precision: themes.iter().map(|t| t.precision).sum::<f64>() / n,
        recall: themes.iter().map(|t| t.recall).sum::<f64>() / n,
        f1: themes.iter().map(|t| t.f1).sum::<f64>() / n,
    };
    errors.sort_by(|a, b| (a.theme.as_str(), a.kind, a.id.as_str()).cmp(&(b.theme.as_str(), b.kind, b.id.as_str())));
    EvalReport {
        items: gold.len(),
        lexicon: lex.name.clone(),
        version: lex.version.clone(),
        themes,
        micro: Averages { precision: mp, recall: mr, f1: f1(mp, mr) },
        macro_avg,
        unknown_labels: unknown,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_values() {
        assert!((kappa(10, 0, 0, 10) - 1.0).abs() < 1e-9);
        // chance agreement: half the items each way, independent
        assert!(kappa(5, 5, 5, 5).abs() < 1e-9);
        assert!(kappa(0, 10, 10, 0) < 0.0);
    }

    #[test]
    fn ratio_conventions() {
        assert_eq!(ratio(0, 0, true), 1.0);
        assert_eq!(ratio(0, 0, false), 0.0);
        assert_eq!(ratio(1, 4, false), 0.25);
    }
}
