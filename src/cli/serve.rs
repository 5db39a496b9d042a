//! `tema serve`: the HTTP classification service (the server lives in `tema::serve`).

use super::{CliError, CliResult, EXIT_LEXICON};
use clap::Args;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use tema::serve::{Config, Limits, ServeError, DEFAULT_INLINE_MAX_BYTES};

/// Environment variable that enables `POST /v1/admin/reload` with this bearer token.
pub const ADMIN_TOKEN_ENV: &str = "TEMA_ADMIN_TOKEN";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the address is printed on stderr)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Largest request body in bytes (413 above it)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Most answers in one request (422 above it)
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_items)]
    pub max_items: usize,
    /// Most characters in one answer (422 above it)
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_text_chars)]
    pub max_text_chars: usize,
    /// Seconds to receive a request body (408 after it) and to code it (503 after it)
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Async worker threads for connections (default: one per core); coding big
    /// batches uses the --threads pool
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Bodies up to this many bytes are coded right on the connection's thread instead
    /// of the coding pool (cheaper for a few short answers)
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_INLINE_MAX_BYTES)]
    pub inline_max_bytes: usize,
}

pub fn run(lexicon: Option<&Path>, a: ServeArgs) -> CliResult {
    if !(a.timeout.is_finite() && a.timeout > 0.0) {
        return Err(CliError::new(2, "--timeout must be a positive number of seconds"));
    }
    if a.workers == Some(0) {
        return Err(CliError::new(2, "--workers must be at least 1"));
    }
    let admin_token = std::env::var(ADMIN_TOKEN_ENV).ok().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let config = Config {
        addr: a.addr,
        lexicon: lexicon.map(Path::to_path_buf),
        limits: Limits {
            max_body_bytes: a.max_body_bytes,
            max_items: a.max_items,
            max_text_chars: a.max_text_chars,
            timeout: Duration::from_secs_f64(a.timeout),
        },
        admin_token,
        workers: a.workers,
        inline_max_bytes: a.inline_max_bytes,
    };
    let admin = if config.admin_token.is_some() { "enabled" } else { "disabled" };
    tema::serve::run(config, |addr| {
        eprintln!("tema serve: listening on http://{addr} (admin reload {admin}; SIGHUP reloads the lexicon)");
    })
    .map_err(|e| match e {
        ServeError::Lexicon(_) => CliError::new(EXIT_LEXICON, e.to_string()),
        ServeError::Io(_) => CliError::new(2, e.to_string()),
    })?;
    Ok(ExitCode::SUCCESS)
}
