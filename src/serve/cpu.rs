//! Running the CPU part of a request (parse, code, render) without stalling the
//! async threads.
//!
//! Small bodies run inline on the tokio worker: coding a few short answers takes a few
//! tens of microseconds, less than the two thread hand-offs (tokio -> rayon -> tokio)
//! that moving it would cost. Bigger bodies go to the rayon pool, where the batch is
//! also coded in parallel, and the tokio worker is free to serve other connections.

use super::error::ApiError;
use axum::http::StatusCode;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::time::Instant;

/// The job gets `parallel` (true on a rayon worker, where `par_iter` is allowed) and a
/// flag that is set when nobody waits for the answer any more.
pub async fn run<T, F>(inline: bool, deadline: Instant, job: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(bool, &AtomicBool) -> Result<T, ApiError> + Send + 'static,
{
    if inline {
        return catch_unwind(AssertUnwindSafe(|| job(false, &AtomicBool::new(false)))).unwrap_or_else(|_| Err(panicked()));
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    // Set on every way out of this future: answered, timed out, or the client went away
    // (hyper drops the handler future), so an abandoned batch stops early.
    let _cancel_on_drop = CancelOnDrop(cancelled.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        // rayon aborts the process on a panic in a spawned job; turn it into a 500.
        let result = catch_unwind(AssertUnwindSafe(|| job(true, &cancelled))).unwrap_or_else(|_| Err(panicked()));
        let _ = tx.send(result);
    });
    match tokio::time::timeout_at(deadline, rx).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(panicked()),
        Err(_) => Err(timed_out()),
    }
}

pub fn timed_out() -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took longer than the time limit; send smaller batches")
}

fn panicked() -> ApiError {
    ApiError::internal("coding this request failed unexpectedly; please report it with the request")
}

struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
