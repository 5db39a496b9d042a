//! Input formats end to end: fixture files built in a temp dir (xlsx, CSV in
//! several encodings, wide and long exports), read through the binary and
//! through the library's streaming reader.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tema::io::{read_path, Answer, AnswerReader, ReadOptions};

/// Reads every answer with the streaming reader in batches of `max`.
fn stream_all(path: &str, opts: &ReadOptions, max: usize) -> Vec<Answer> {
    let mut r = AnswerReader::open(path, opts).unwrap();
    let mut all = Vec::new();
    loop {
        let mut batch = Vec::new();
        let n = r.next_batch(max, &mut batch).unwrap();
        assert!(n <= max && n == batch.len());
        if n == 0 {
            break;
        }
        all.extend(batch);
    }
    all
}

/// Timing harness: `cargo test --release --test inputs -- --ignored --nocapture read_speed`.
/// Reads `TEMA_READ_CORPUS` (default /tmp/corpus200k.csv, made by
/// `python3 /work/shared/bench/gen_corpus.py --answers 200000 --seed 1 --out /tmp/corpus200k.csv`).
#[test]
#[ignore]
fn read_speed() {
    let path = std::env::var("TEMA_READ_CORPUS").unwrap_or_else(|_| "/tmp/corpus200k.csv".into());
    let size = std::fs::metadata(&path).expect("corpus file").len() as f64;
    let opts = ReadOptions {
        text_column: Some("answer".into()),
        ..Default::default()
    };
    for round in 0..5 {
        let t = Instant::now();
        let cpu = cpu_seconds();
        let mut r = AnswerReader::open(&path, &opts).unwrap();
        let mut batch = Vec::with_capacity(4096);
        let (mut n, mut bytes) = (0usize, 0usize);
        loop {
            batch.clear();
            if r.next_batch(4096, &mut batch).unwrap() == 0 {
                break;
            }
            n += batch.len();
            bytes += batch.iter().map(|a| a.text.len()).sum::<usize>();
        }
        let s = t.elapsed().as_secs_f64();
        let c = cpu_seconds() - cpu;
        println!(
            "round {round}: {n} answers ({bytes} text bytes) from {:.1} MB: {s:.3} s wall, \
             {c:.2} s CPU (all threads) = {:.0} MB/s per CPU second",
            size / 1e6,
            size / 1e6 / c
        );
    }
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let ds = read_path(&path, &opts).unwrap();
    println!(
        "read_path (one thread): {} answers in {:.3} s wall, {:.2} s CPU",
        ds.answers.len(),
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
}

/// CPU time (user + system) of this process, all threads, from /proc (Linux;
/// 0 elsewhere). Resolution is one clock tick (10 ms).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the ")".
    (ticks(11) + ticks(12)) / 100.0
}
