//! A batch request (`{"texts": [...]}` or `{"items": [{"id", "text"}]}`), its limits,
//! and the JSON the classify and count endpoints answer with.

use super::error::ApiError;
use super::Limits;
use crate::report::{MissingMarkers, Tally};
use crate::{Coded, Engine};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    texts: Option<Vec<Option<String>>>,
    items: Option<Vec<ItemIn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemIn {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

/// Parsed and checked answers, in request order. `ids` is `None` for the `texts`
/// shape, whose ids are the 1-based positions.
pub struct Batch {
    pub ids: Option<Vec<String>>,
    pub texts: Vec<String>,
}

impl Batch {
    pub fn id(&self, i: usize) -> String {
        match &self.ids {
            Some(ids) => ids[i].clone(),
            None => (i + 1).to_string(),
        }
    }
}

/// Parses a body: 400 for bytes that are not UTF-8 JSON, 422 for JSON of the wrong
/// shape or over the item and text limits.
pub fn parse(body: &[u8], limits: &Limits) -> Result<Batch, ApiError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        ApiError::bad_request(
            "invalid_utf8",
            format!("the body is not valid UTF-8 (at byte {}); send JSON encoded as UTF-8", e.valid_up_to()),
        )
    })?;
    let req: Request = serde_json::from_str(text).map_err(|e| {
        let msg = format!("{e}");
        match e.classify() {
            serde_json::error::Category::Data => ApiError::unprocessable(
                "invalid_request",
                format!("{msg}; expected {{\"texts\": [\"...\"]}} or {{\"items\": [{{\"id\": \"...\", \"text\": \"...\"}}]}}"),
            ),
            _ => ApiError::bad_request("invalid_json", format!("malformed JSON: {msg}")),
        }
    })?;
    let batch = match (req.texts, req.items) {
        (Some(texts), None) => Batch { ids: None, texts: texts.into_iter().map(Option::unwrap_or_default).collect() },
        (None, Some(items)) => {
            let mut ids = Vec::with_capacity(items.len());
            let mut texts = Vec::with_capacity(items.len());
            for (i, it) in items.into_iter().enumerate() {
                ids.push(it.id.unwrap_or_else(|| (i + 1).to_string()));
                texts.push(it.text.unwrap_or_default());
            }
            Batch { ids: Some(ids), texts }
        }
        (Some(_), Some(_)) => return Err(ApiError::unprocessable("invalid_request", "give either `texts` or `items`, not both")),
        (None, None) => {
            return Err(ApiError::unprocessable(
                "invalid_request",
                "expected {\"texts\": [\"...\"]} or {\"items\": [{\"id\": \"...\", \"text\": \"...\"}]}",
            ))
        }
    };
    if batch.texts.len() > limits.max_items {
        return Err(ApiError::unprocessable(
            "too_many_items",
            format!("{} answers in one request; the limit is {}; send smaller batches", batch.texts.len(), limits.max_items),
        ));
    }
    for (i, t) in batch.texts.iter().enumerate() {
        // Bytes bound chars from above, so most texts skip the count.
        if t.len() > limits.max_text_chars {
            let chars = t.chars().count();
            if chars > limits.max_text_chars {
                return Err(ApiError::unprocessable(
                    "text_too_long",
                    format!("answer {} (id {}) has {chars} characters; the limit is {}", i + 1, batch.id(i), limits.max_text_chars),
                ));
            }
        }
    }
    Ok(batch)
}

/// Codes every text; `parallel` only on a rayon worker. Stops early (None) once
/// `cancelled` is set, i.e. when the client's request timed out.
pub fn code(engine: &Engine, texts: &[String], parallel: bool, cancelled: &AtomicBool) -> Option<Vec<Coded>> {
    let one = |t: &String| if cancelled.load(Ordering::Relaxed) { None } else { Some(engine.tag(t)) };
    if parallel {
        texts.par_iter().map(one).collect()
    } else {
        texts.iter().map(one).collect()
    }
}

#[derive(Serialize)]
pub struct LexiconInfo<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

impl<'a> LexiconInfo<'a> {
    pub fn of(engine: &'a Engine) -> Self {
        LexiconInfo { name: &engine.lexicon().name, version: &engine.lexicon().version }
    }
}

/// `{"items": [{"id", "themes", "hits"}], "lexicon": {...}}`; themes and hits exactly
/// as `tema tag` writes them.
pub fn classify_json(engine: &Engine, batch: &Batch, coded: &[Coded]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + batch.texts.len() * 160);
    out.extend_from_slice(b"{\"items\":[");
    for (i, (text, c)) in batch.texts.iter().zip(coded).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        match &batch.ids {
            Some(ids) => write_json(&mut out, &ids[i]),
            None => {
                let _ = write!(out, "\"{}\"", i + 1);
            }
        }
        out.extend_from_slice(b",\"themes\":");
        write_json(&mut out, &engine.theme_ids(c));
        out.extend_from_slice(b",\"hits\":");
        let hits: Vec<_> = c.hits.iter().map(|h| engine.hit_json(text, h)).collect();
        write_json(&mut out, &hits);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"lexicon\":");
    write_json(&mut out, &LexiconInfo::of(engine));
    out.push(b'}');
    out
}

#[derive(Serialize)]
struct CountOut<'a> {
    /// All answers in the request (`n` + `missing`).
    answers: usize,
    n: usize,
    missing: usize,
    no_theme: usize,
    no_theme_share: f64,
    themes: Vec<ThemeCount<'a>>,
    lexicon: LexiconInfo<'a>,
}

#[derive(Serialize)]
struct ThemeCount<'a> {
    id: &'a str,
    count: usize,
    share: f64,
}

/// Counts as `tema count` makes them (`report::Tally`): N answered answers, missing
/// answers (blank, or a marker such as "vet ikke": the CLI's default list) apart, and
/// per theme (lexicon order) count and share of N.
pub fn count_json(engine: &Engine, batch: &Batch, coded: &[Coded]) -> Vec<u8> {
    let lex = engine.lexicon();
    let markers = MissingMarkers::new(crate::report::DEFAULT_MISSING_MARKERS);
    let mut tally = Tally::new(lex.themes.len());
    for (t, c) in batch.texts.iter().zip(coded) {
        tally.add(markers.is_missing(t), &c.themes);
    }
    let themes = lex.themes.iter().zip(&tally.themes).map(|(th, &n)| ThemeCount { id: &th.id, count: n, share: tally.share(n) }).collect();
    let out = CountOut {
        answers: tally.n + tally.missing,
        n: tally.n,
        missing: tally.missing,
        no_theme: tally.no_theme,
        no_theme_share: tally.share(tally.no_theme),
        themes,
        lexicon: LexiconInfo::of(engine),
    };
    serde_json::to_vec(&out).expect("counts serialize")
}

fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing plain data into a Vec cannot fail.
    serde_json::to_writer(&mut *out, value).expect("JSON into a Vec");
}
