//! The HTTP classification service (`tema serve`); API in docs/serve.md and
//! `openapi.json`.
//!
//! One compiled lexicon (`Engine`, an `Arc` around the immutable matcher) is shared by
//! all requests and swapped atomically on reload (SIGHUP or `POST /v1/admin/reload`).
//! Requests are read asynchronously; parsing, coding and rendering run inline for small
//! bodies and on the rayon pool for big ones (see `cpu.rs`).

mod api;
mod batch;
mod body;
mod cpu;
mod error;
mod routes;
mod state;

pub use routes::{router, routes};
pub use state::{load_engine, AppState, Shared};

use crate::{Engine, LexiconErrors};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Request limits; each one breached gives a JSON error and the server keeps serving.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body (413 above it).
    pub max_body_bytes: usize,
    /// Most answers in one request (422 above it).
    pub max_items: usize,
    /// Most characters (Unicode scalar values) in one answer (422 above it).
    pub max_text_chars: usize,
    /// Time to receive the body (408 after it) and to code it (503 after it).
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_body_bytes: 10 * 1024 * 1024, max_items: 10_000, max_text_chars: 100_000, timeout: Duration::from_secs(30) }
    }
}

/// Bodies up to this many bytes are coded inline on the async thread (see `cpu.rs`):
/// about ten short answers, some 100 µs of work (coding costs ~0.13 µs per body byte in
/// the load test), short enough not to hold up the other connections on that thread.
pub const DEFAULT_INLINE_MAX_BYTES: usize = 1024;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: String,
    /// Lexicon file or folder; `None` serves the embedded default lexicon.
    pub lexicon: Option<PathBuf>,
    pub limits: Limits,
    /// Enables `POST /v1/admin/reload` with `Authorization: Bearer TOKEN`.
    pub admin_token: Option<String>,
    /// Async (tokio) worker threads; default: the number of cores.
    pub workers: Option<usize>,
    pub inline_max_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            lexicon: None,
            limits: Limits::default(),
            admin_token: None,
            workers: None,
            inline_max_bytes: DEFAULT_INLINE_MAX_BYTES,
        }
    }
}

#[derive(Debug)]
pub enum ServeError {
    Lexicon(LexiconErrors),
    Io(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Lexicon(e) => write!(f, "invalid lexicon:\n{e}"),
            ServeError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ServeError {}

impl Shared {
    pub fn from_config(engine: Engine, config: &Config) -> Self {
        Shared::new(engine, config.lexicon.clone(), config.limits, config.admin_token.clone(), config.inline_max_bytes)
    }
}

fn runtime(workers: Option<usize>) -> Result<tokio::runtime::Runtime, ServeError> {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        b.worker_threads(n.max(1));
    }
    b.enable_all().thread_name("tema-serve").build().map_err(|e| ServeError::Io(format!("cannot start the async runtime: {e}")))
}

fn bind(addr: &str) -> Result<std::net::TcpListener, ServeError> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| ServeError::Io(format!("cannot listen on {addr}: {e}")))?;
    listener.set_nonblocking(true).map_err(|e| ServeError::Io(e.to_string()))?;
    Ok(listener)
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
async fn serve(
    listener: std::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| ServeError::Io(e.to_string()))?;
    // Small JSON answers: send them at once instead of waiting for Nagle's timer.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await.map_err(|e| ServeError::Io(e.to_string()))
}

/// `tema serve`: loads the lexicon, listens, and serves until SIGTERM or Ctrl-C.
/// SIGHUP reloads the lexicon. `ready` is called with the bound address.
pub fn run(config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let engine = load_engine(config.lexicon.as_deref()).map_err(ServeError::Lexicon)?;
    let listener = bind(&config.addr)?;
    let addr = listener.local_addr().map_err(|e| ServeError::Io(e.to_string()))?;
    let state: AppState = Arc::new(Shared::from_config(engine, &config));
    let rt = runtime(config.workers)?;
    rt.block_on(async move {
        reload_on_sighup(state.clone())?;
        ready(addr);
        serve(listener, state, shutdown_signal()).await
    })
}

/// SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    eprintln!("tema serve: shutting down; finishing requests in flight");
}

#[cfg(unix)]
fn reload_on_sighup(state: AppState) -> Result<(), ServeError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = signal(SignalKind::hangup()).map_err(|e| ServeError::Io(format!("cannot listen for SIGHUP: {e}")))?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            match state.reload().await {
                Ok(r) => eprintln!(
                    "tema serve: SIGHUP: reloaded lexicon {} version {} (was {})",
                    r.current.lexicon().name,
                    r.current.lexicon().version,
                    r.previous.lexicon().version
                ),
                Err(f) => eprintln!(
                    "tema serve: SIGHUP: lexicon {} rejected; still serving version {}:\n{}",
                    state.source(),
                    f.serving.lexicon().version,
                    f.errors
                ),
            }
        }
    });
    Ok(())
}

#[cfg(not(unix))]
fn reload_on_sighup(_state: AppState) -> Result<(), ServeError> {
    Ok(())
}

/// A server running in this process on its own threads (for tests and embedding).
/// Dropping it shuts it down gracefully and waits for it.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server in the background (no signal handling); `config.addr` may use
/// port 0 for a free port.
pub fn spawn(config: Config) -> Result<Running, ServeError> {
    let engine = load_engine(config.lexicon.as_deref()).map_err(ServeError::Lexicon)?;
    let listener = bind(&config.addr)?;
    let addr = listener.local_addr().map_err(|e| ServeError::Io(e.to_string()))?;
    let state: AppState = Arc::new(Shared::from_config(engine, &config));
    let rt = runtime(config.workers.or(Some(2)))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = state.clone();
    let thread = std::thread::Builder::new()
        .name("tema-serve-main".into())
        .spawn(move || {
            rt.block_on(serve(listener, served, async move {
                let _ = stopped.await;
            }))
        })
        .map_err(|e| ServeError::Io(e.to_string()))?;
    Ok(Running { addr, state, stop: Some(stop), thread: Some(thread) })
}
