//! Reading a request body: content type, size limit and time limit, before any parsing.

use super::error::ApiError;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderMap, StatusCode};
use std::pin::Pin;
use tokio::time::Instant;

/// Checks that the request says it sends JSON (UTF-8), and collects at most `max_bytes`
/// of body before `deadline`.
pub async fn read_json_body(headers: &HeaderMap, body: Body, max_bytes: usize, deadline: Instant) -> Result<Bytes, ApiError> {
    check_json_content_type(headers)?;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared {
        // Refuse before reading anything: the client learns at once and we read nothing.
        if n > max_bytes as u64 {
            return Err(too_large(max_bytes));
        }
    }
    match tokio::time::timeout_at(deadline, collect(body, max_bytes, declared)).await {
        Ok(r) => r,
        Err(_) => {
            Err(ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", "the request body did not arrive within the time limit"))
        }
    }
}

fn too_large(max_bytes: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the request body is larger than the limit of {max_bytes} bytes; send smaller batches"),
    )
}

/// `application/json`, optionally with `charset=utf-8`; anything else is 415.
fn check_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let unsupported = |msg: String| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", msg);
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("missing Content-Type; send `Content-Type: application/json`".into()));
    };
    let value = value.to_str().map_err(|_| unsupported("unreadable Content-Type header".into()))?;
    let mut parts = value.split(';');
    let mime = parts.next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(unsupported(format!("Content-Type `{value}` is not supported; send `application/json`")));
    }
    for param in parts {
        if let Some((k, v)) = param.split_once('=') {
            let v = v.trim().trim_matches('"');
            if k.trim().eq_ignore_ascii_case("charset") && !v.eq_ignore_ascii_case("utf-8") && !v.eq_ignore_ascii_case("utf8") {
                return Err(unsupported(format!("charset `{v}` is not supported; JSON must be UTF-8")));
            }
        }
    }
    Ok(())
}

async fn collect(mut body: Body, max_bytes: usize, declared: Option<u64>) -> Result<Bytes, ApiError> {
    // Pre-size from Content-Length (already checked against the limit).
    let mut buf: Vec<u8> = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let mut single: Option<Bytes> = None;
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|e| ApiError::bad_request("body_read_error", format!("could not read the request body: {e}")))?;
        let Ok(data) = frame.into_data() else { continue };
        let total = buf.len() + single.as_ref().map_or(0, Bytes::len) + data.len();
        if total > max_bytes {
            return Err(too_large(max_bytes));
        }
        // The common case is one frame: keep it without copying.
        if buf.is_empty() && single.is_none() {
            single = Some(data);
        } else {
            if let Some(first) = single.take() {
                buf.extend_from_slice(&first);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(single.unwrap_or_else(|| Bytes::from(buf)))
}
