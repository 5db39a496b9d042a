//! A progress bar on stderr for long runs. Hidden when stderr is not a terminal
//! (pipes, CI, tests) or with `--quiet`, so it never mixes into captured output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Progress over the bytes of an input (total known) or over answers (total unknown).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// `total_bytes`: the input's size, when it is a file.
    pub fn new(quiet: bool, total_bytes: Option<u64>) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        let bar = match total_bytes {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left) {msg}")
                    .expect("valid template"),
            ),
            None => ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}").expect("valid template")),
        };
        bar.set_draw_target(if visible {
            ProgressDrawTarget::stderr_with_hz(5)
        } else {
            ProgressDrawTarget::hidden()
        });
        Progress { bar }
    }

    /// Bytes read so far, and answers coded so far (shown as the message).
    pub fn update(&self, bytes: u64, answers: u64) {
        self.bar.set_position(bytes);
        self.bar.set_message(format!("{answers} answers"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
