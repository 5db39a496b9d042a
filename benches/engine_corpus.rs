//! Engine-only throughput: codes the answer texts of a corpus CSV that is already in
//! memory, so the figure does not depend on the CSV reader.
//!
//!     cargo bench --bench engine_corpus -- [CORPUS.csv] [--lexicon PATH] [--threads N,M|none] [--reps N]
//!
//! Prints MB/s of answer text (bytes of the `answer` column) for a serial loop and for
//! `Engine::tag_batch` on a rayon pool of N threads, plus a checksum of the coded themes
//! so two builds can be compared for identical results.

use std::path::PathBuf;
use std::time::Instant;
use tema::{Engine, Lexicon};

struct Opts {
    corpus: PathBuf,
    lexicon: Option<PathBuf>,
    threads: Vec<usize>,
    reps: usize,
}

fn parse_args() -> Opts {
    let mut o = Opts { corpus: PathBuf::from("/tmp/bench/corpus_200000_seed1.csv"), lexicon: None, threads: vec![1, 2], reps: 3 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lexicon" => o.lexicon = args.next().map(PathBuf::from),
            "--threads" => {
                o.threads = args.next().filter(|s| s != "none").map(|s| s.split(',').map(|n| n.parse().expect("--threads N[,N]")).collect()).unwrap_or_default()
            }
            "--reps" => o.reps = args.next().and_then(|s| s.parse().ok()).unwrap_or(3),
            // `cargo bench` adds `--bench`; ignore flags we do not know.
            s if s.starts_with("--") => {}
            s => o.corpus = PathBuf::from(s),
        }
    }
    o
}

fn load_texts(path: &PathBuf) -> Vec<String> {
    let mut rd = csv::ReaderBuilder::new().from_path(path).unwrap_or_else(|e| {
        panic!("cannot read {}: {e} (generate it: python3 ../shared/bench/gen_corpus.py --answers 200000 --seed 1 --out {})", path.display(), path.display())
    });
    let col = rd.headers().expect("header").iter().position(|h| h == "answer").expect("an `answer` column");
    rd.records().map(|r| r.expect("csv record")[col].to_string()).collect()
}

fn checksum(coded: &[tema::Coded]) -> u64 {
    coded.iter().enumerate().fold(0u64, |acc, (i, c)| c.themes.iter().fold(acc, |a, &t| a.wrapping_mul(31).wrapping_add((i as u64) ^ (t as u64 + 1))))
}

/// CPU seconds (user + system) of this process so far, from /proc (Linux); 0 elsewhere.
/// Reported beside wall time because other jobs share the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<f64> = after_name.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    // fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name; ticks of 1/100 s
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let o = parse_args();
    let texts = load_texts(&o.corpus);
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    let t0 = Instant::now();
    let lexicon = match &o.lexicon {
        Some(p) => Lexicon::load(p).unwrap_or_else(|e| panic!("{e}")),
        None => Lexicon::default_lexicon().expect("default lexicon"),
    };
    let rules = lexicon.rules.len();
    let engine = Engine::new(lexicon).unwrap_or_else(|e| panic!("{e}"));
    let compile_s = t0.elapsed().as_secs_f64();
    println!("corpus {}: {} answers, {:.1} MB of answer text; lexicon {} rules, load+compile {:.3} s", o.corpus.display(), texts.len(), mb, rules, compile_s);

    let mut serial = Vec::new();
    let mut cpu = Vec::new();
    let mut sum = 0;
    for _ in 0..o.reps {
        let (t, c) = (Instant::now(), cpu_seconds());
        let coded: Vec<_> = texts.iter().map(|s| engine.tag(s)).collect();
        serial.push(t.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - c);
        sum = checksum(&coded);
    }
    let (s, c) = (median(serial), median(cpu));
    println!("serial loop      {s:>7.3} s wall {c:>6.2} s cpu  {:>7.1} MB/s wall {:>7.1} MB/s cpu  checksum {sum:016x}", mb / s, mb / c);
    for &n in &o.threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool");
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        for _ in 0..o.reps {
            let (t, c) = (Instant::now(), cpu_seconds());
            let coded = pool.install(|| engine.tag_batch(&texts));
            times.push(t.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c);
            sum = checksum(&coded);
        }
        let (s, c) = (median(times), median(cpu));
        println!("tag_batch {n} thr  {s:>7.3} s wall {c:>6.2} s cpu  {:>7.1} MB/s wall               checksum {sum:016x}", mb / s);
    }
}
