//! The handlers behind each route (the route table is in `routes.rs`).

use super::batch::{self, Batch, LexiconInfo};
use super::body::read_json_body;
use super::cpu;
use super::error::ApiError;
use super::state::AppState;
use crate::{Coded, Engine};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use tokio::time::Instant;

const OPENAPI: &str = include_str!("openapi.json");
const PAGE: &str = include_str!("page.html");

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn json_value(value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => json_bytes(StatusCode::OK, bytes),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

pub async fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn healthz() -> Response {
    json_bytes(StatusCode::OK, b"{\"status\":\"ok\"}".to_vec())
}

pub async fn lexicon(State(s): State<AppState>) -> Response {
    let engine = s.engine();
    let lex = engine.lexicon();
    let source = s.source();
    json_value(&LexiconOut { name: &lex.name, version: &lex.version, source: &source, themes: lex.themes.len(), rules: lex.rules.len() })
}

#[derive(Serialize)]
struct LexiconOut<'a> {
    name: &'a str,
    version: &'a str,
    /// The file or folder it was loaded from, or the embedded default.
    source: &'a str,
    themes: usize,
    rules: usize,
}

#[derive(Serialize)]
struct ThemesOut<'a> {
    themes: Vec<ThemeOut<'a>>,
    lexicon: LexiconInfo<'a>,
}

#[derive(Serialize)]
struct ThemeOut<'a> {
    id: &'a str,
    nb: &'a str,
    nn: &'a str,
    en: &'a str,
    about: &'a str,
}

pub async fn themes(State(s): State<AppState>) -> Response {
    let engine = s.engine();
    let themes: Vec<ThemeOut> =
        engine.lexicon().themes.iter().map(|t| ThemeOut { id: &t.id, nb: &t.nb, nn: &t.nn, en: &t.en, about: &t.about }).collect();
    json_value(&ThemesOut { themes, lexicon: LexiconInfo::of(&engine) })
}

pub async fn classify(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    batch_endpoint(s, req, batch::classify_json).await
}

pub async fn count(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    batch_endpoint(s, req, batch::count_json).await
}

/// Batches from this size on are also split across the rayon threads. Smaller ones are
/// coded by one thread: concurrent requests already keep all threads busy, and a split
/// batch can stall behind others (a rayon thread waiting for its half picks up another
/// request's job meanwhile), which gave 100-answer requests a p99 of 200 ms at
/// concurrency 16 in the load test.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// Read the body (async), then parse, code and render it as one CPU job.
async fn batch_endpoint(s: AppState, req: Request, render: fn(&Engine, &Batch, &[Coded]) -> Vec<u8>) -> Result<Response, ApiError> {
    let deadline = Instant::now() + s.limits.timeout;
    let (parts, body) = req.into_parts();
    let bytes = read_json_body(&parts.headers, body, s.limits.max_body_bytes, deadline).await?;
    let engine = s.engine();
    let limits = s.limits;
    let inline = bytes.len() <= s.inline_max_bytes;
    let split = bytes.len() >= PARALLEL_MIN_BYTES;
    let out = cpu::run(inline, deadline, move |on_pool, cancelled| {
        let batch = batch::parse(&bytes, &limits)?;
        let coded = batch::code(&engine, &batch.texts, on_pool && split, cancelled).ok_or_else(cpu::timed_out)?;
        Ok(render(&engine, &batch, &coded))
    })
    .await?;
    Ok(json_bytes(StatusCode::OK, out))
}

/// `POST /v1/admin/reload`: 404 unless a token is configured, 401 without a bearer
/// token, 403 with a wrong one; 422 with the lexicon's errors if the new lexicon is
/// invalid (the old one keeps serving).
pub async fn reload(State(s): State<AppState>, headers: HeaderMap, _body: Body) -> Result<Response, ApiError> {
    let Some(expected) = s.admin_token.as_deref() else {
        return Err(ApiError::not_found("the admin endpoints are disabled; start the server with TEMA_ADMIN_TOKEN set to enable them"));
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "send `Authorization: Bearer TOKEN`")),
        Some(token) if !same_secret(token.trim().as_bytes(), expected.as_bytes()) => {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "wrong admin token"))
        }
        Some(_) => {}
    }
    match s.reload().await {
        Ok(r) => Ok(json_value(&json!({
            "reloaded": true,
            "changed": r.previous.lexicon().version != r.current.lexicon().version,
            "previous": LexiconInfo::of(&r.previous),
            "lexicon": LexiconInfo::of(&r.current),
        }))),
        Err(f) => {
            let errors: Vec<_> = f
                .errors
                .0
                .iter()
                .map(|e| json!({ "file": e.file, "line": e.line, "rule": e.rule, "message": e.message, "text": e.to_string() }))
                .collect();
            Err(ApiError::unprocessable(
                "invalid_lexicon",
                format!("the lexicon has {} error(s); still serving version {}:\n{}", errors.len(), f.serving.lexicon().version, f.errors),
            )
            .with_details(json!({ "errors": errors, "serving": LexiconInfo::of(&f.serving) })))
        }
    }
}

/// Compares without stopping at the first difference, so the time taken does not tell
/// how much of a guessed token was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
