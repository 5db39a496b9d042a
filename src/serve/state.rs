//! What every request shares: the current engine (swapped atomically on reload), the
//! limits and the admin token.

use super::Limits;
use crate::{Engine, Lexicon, LexiconErrors};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub struct Shared {
    /// The compiled lexicon. A request clones the `Arc` once (a counter increment) and
    /// keeps that engine to the end, so a reload never changes rules mid-request.
    engine: RwLock<Arc<Engine>>,
    /// `--lexicon`, reloaded from disk; `None` is the embedded default lexicon.
    pub lexicon_path: Option<PathBuf>,
    pub limits: Limits,
    /// Bearer token for `POST /v1/admin/reload`; `None` disables the endpoint.
    pub admin_token: Option<String>,
    /// Bodies up to this size are coded inline on the async thread.
    pub inline_max_bytes: usize,
    /// Reloads run one at a time, so they finish in the order they started.
    reload_lock: tokio::sync::Mutex<()>,
}

pub type AppState = Arc<Shared>;

/// A successful reload: what was served before and what is served now.
pub struct Reloaded {
    pub previous: Arc<Engine>,
    pub current: Arc<Engine>,
}

/// A rejected reload: the lexicon's errors; `serving` is the engine still in use.
pub struct ReloadFailed {
    pub errors: LexiconErrors,
    pub serving: Arc<Engine>,
}

/// Loads and compiles a lexicon file or folder, or the embedded default.
pub fn load_engine(path: Option<&Path>) -> Result<Engine, LexiconErrors> {
    let lexicon = match path {
        Some(p) => Lexicon::load(p)?,
        None => Lexicon::default_lexicon()?,
    };
    Engine::new(lexicon)
}

impl Shared {
    pub fn new(
        engine: Engine,
        lexicon_path: Option<PathBuf>,
        limits: Limits,
        admin_token: Option<String>,
        inline_max_bytes: usize,
    ) -> Self {
        let engine = RwLock::new(Arc::new(engine));
        Shared { engine, lexicon_path, limits, admin_token, inline_max_bytes, reload_lock: tokio::sync::Mutex::new(()) }
    }

    pub fn engine(&self) -> Arc<Engine> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc; the Arc
        // inside is still whole.
        self.engine.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn swap(&self, new: Arc<Engine>) -> Arc<Engine> {
        let mut guard = self.engine.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *guard, new)
    }

    /// Reads and compiles the lexicon again (off the async threads) and swaps it in;
    /// a lexicon with errors is rejected and the old one keeps serving.
    pub async fn reload(self: &Arc<Self>) -> Result<Reloaded, ReloadFailed> {
        let _one_at_a_time = self.reload_lock.lock().await;
        let path = self.lexicon_path.clone();
        let loaded = tokio::task::spawn_blocking(move || load_engine(path.as_deref())).await;
        match loaded {
            Ok(Ok(engine)) => {
                let current = Arc::new(engine);
                let previous = self.swap(current.clone());
                Ok(Reloaded { previous, current })
            }
            Ok(Err(errors)) => Err(ReloadFailed { errors, serving: self.engine() }),
            Err(join) => Err(ReloadFailed {
                errors: LexiconErrors(vec![crate::LexiconError {
                    file: path_name(self.lexicon_path.as_deref()),
                    line: 0,
                    rule: None,
                    message: format!("loading the lexicon failed: {join}"),
                }]),
                serving: self.engine(),
            }),
        }
    }

    /// Where the lexicon comes from, for `/v1/lexicon` and the logs.
    pub fn source(&self) -> String {
        path_name(self.lexicon_path.as_deref())
    }
}

fn path_name(path: Option<&Path>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "(embedded default lexicon)".into(),
    }
}
